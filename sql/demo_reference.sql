-- customer_status on the demo data agrees, customer by customer, with a
-- plain-SQL computation of the same definitions (no dormancy functions in
-- the reference): days in the time zone, netted days, purchase days, the
-- most specific rule, the large-order rule, the state ladder.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set QUIET on
\set ECHO none
\set customers 3000
\set seed 0.42
\i test/demo/generate.sql
\set QUIET off
\set ECHO all
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
-- exercise the large-order rule too
UPDATE dormancy.rules SET min_order_amount = 5000 WHERE industry = 'manufacturing';

CREATE FUNCTION demo.reference(p_tz text, p_as_of date)
RETURNS TABLE (customer_id integer, state text, last_order_at date, last_qualifying_order_at date,
			   days_since_last_order integer, first_order_at date, orders_count bigint,
			   order_days bigint, total_amount numeric, segment text, rule_id integer)
LANGUAGE sql STABLE AS $$
WITH days AS (
	SELECT i.account_id, (i.invoiced_on AT TIME ZONE p_tz)::date AS day,
		   count(*) FILTER (WHERE i.total IS NULL OR i.total >= 0) AS orders,
		   count(i.total) AS known,
		   count(*) FILTER (WHERE i.total IS NULL) AS unknown,
		   coalesce(sum(i.total), 0) AS net,
		   max(i.total) FILTER (WHERE i.total >= 0) AS max_order
	  FROM demo.invoices i
	 WHERE i.invoiced_on IS NOT NULL AND i.account_id IS NOT NULL
	 GROUP BY 1, 2
), flagged AS (
	SELECT d.*, CASE WHEN d.known = 0 THEN d.unknown > 0 ELSE d.net > 0 END AS purchase
	  FROM days d WHERE d.day <= p_as_of
), rule AS (
	SELECT a.account_id, r.*
	  FROM demo.accounts a
	 CROSS JOIN LATERAL (
		SELECT r.rule_id, r.at_risk_after, r.dormant_after, r.long_dormant_after, r.min_order_amount
		  FROM dormancy.rules r
		 WHERE (r.industry IS NULL OR lower(btrim(r.industry)) = lower(btrim(a.sector)))
		   AND (r.company_size IS NULL OR lower(btrim(r.company_size)) = lower(btrim(a.size_class)))
		 ORDER BY (r.industry IS NOT NULL) DESC, (r.company_size IS NOT NULL) DESC
		 LIMIT 1) r
), per_customer AS (
	SELECT a.account_id,
		   max(f.day) FILTER (WHERE f.purchase) AS last_day,
		   max(f.day) FILTER (WHERE f.purchase AND (r.min_order_amount <= 0 OR f.max_order >= r.min_order_amount)) AS last_q,
		   min(f.day) FILTER (WHERE f.purchase) AS first_day,
		   coalesce(sum(f.orders) FILTER (WHERE f.purchase), 0) AS orders_count,
		   count(f.day) FILTER (WHERE f.purchase) AS order_days,
		   coalesce(sum(f.net), 0) AS total
	  FROM demo.accounts a
	  JOIN rule r USING (account_id)
	  LEFT JOIN flagged f ON f.account_id = a.account_id
	 GROUP BY a.account_id
)
SELECT p.account_id,
	   CASE WHEN p.last_q IS NULL THEN 'never_purchased'
			WHEN p.last_q + r.long_dormant_after <= p_as_of THEN 'long_dormant'
			WHEN p.last_q + r.dormant_after <= p_as_of THEN 'dormant'
			WHEN p.last_q + r.at_risk_after <= p_as_of THEN 'at_risk'
			ELSE 'active' END,
	   p.last_day, p.last_q, p_as_of - p.last_day, p.first_day, p.orders_count, p.order_days, p.total,
	   CASE p.order_days WHEN 0 THEN NULL WHEN 1 THEN 'one_time' ELSE 'repeat' END,
	   r.rule_id
  FROM per_customer p JOIN rule r USING (account_id)
$$;

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
