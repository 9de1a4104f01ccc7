-- customer_status on the demo data agrees, customer by customer, with a
-- plain-SQL computation of the same definitions (no dormancy functions in
-- the reference): days in the time zone, netted days, purchase days, the
-- most specific rule, the large-order rule, the state ladder.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set customers 3000
\i test/sql_ref/load_demo.sql
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
-- exercise the large-order rule too
UPDATE dormancy.rules SET min_order_amount = 5000 WHERE industry = 'manufacturing';

\set ECHO none
\i test/demo/reference.sql
\set ECHO all

CREATE FUNCTION demo.mismatches(p_tz text, p_as_of date) RETURNS TABLE (customers bigint, mismatched bigint)
LANGUAGE sql AS $$
SELECT count(*),
	   count(*) FILTER (WHERE NOT (
			s.state = r.state
		AND s.last_order_at IS NOT DISTINCT FROM r.last_order_at
		AND s.last_qualifying_order_at IS NOT DISTINCT FROM r.last_qualifying_order_at
		AND s.days_since_last_order IS NOT DISTINCT FROM r.days_since_last_order
		AND s.first_order_at IS NOT DISTINCT FROM r.first_order_at
		AND s.orders_count = r.orders_count
		AND s.order_days = r.order_days
		AND abs(s.total_amount - r.total_amount::float8) <= 1e-6 * greatest(1, abs(r.total_amount::float8))
		AND s.segment IS NOT DISTINCT FROM r.segment
		AND s.rule_id = r.rule_id))
  FROM dormancy.customer_status s
  FULL JOIN demo.reference(p_tz, p_as_of) r USING (customer_id)
$$;

-- three as-of days and two time zones
SET dormancy.as_of = '2026-11-01';
SELECT * FROM demo.mismatches('UTC', '2026-11-01');
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT * FROM demo.mismatches('Asia/Tokyo', '2026-11-01');
SET dormancy.as_of = '2024-02-29';
SELECT * FROM demo.mismatches('Asia/Tokyo', '2024-02-29');
RESET dormancy.time_zone;
SET dormancy.as_of = '2022-06-30';
SELECT * FROM demo.mismatches('UTC', '2022-06-30');

-- the reference is not vacuous: every state occurs, and it detects a change
SET dormancy.as_of = '2026-11-01';
SELECT state, count(*) > 20 AS many FROM demo.reference('UTC', '2026-11-01') GROUP BY state ORDER BY state;
SELECT mismatched > 0 AS detects_one_day_shift FROM demo.mismatches('UTC', '2026-11-02');
SELECT mismatched > 0 AS detects_time_zone FROM demo.mismatches('America/Los_Angeles', '2026-11-01');
UPDATE dormancy.rules SET min_order_amount = 0 WHERE industry = 'manufacturing';

-- the orders that cannot be used are reported
SELECT issue, count(*) AS customers, sum(rows) AS rows FROM dormancy.data_issues GROUP BY issue ORDER BY issue;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA demo CASCADE;
