-- Decline metrics in customer_status on the demo data: every column equals the
-- plain-SQL reference (test/sql_ref/decline_want.sql) customer by customer;
-- segments campaign_only, lapsed after a price increase or spec change, the
-- declining_customers and category_trend views, and still one scan of orders.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set customers 1500
\i test/sql_ref/load_demo.sql
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SET dormancy.as_of = '2026-11-01';

-- the reference, from the order rows (days in UTC, exact numeric sums)
CREATE TEMP VIEW ref_orders AS
SELECT account_id AS c, (invoiced_on AT TIME ZONE 'UTC')::date AS ordered_at, total AS amount, discounted
  FROM demo.invoices
 WHERE account_id IS NOT NULL AND invoiced_on IS NOT NULL;
CREATE TEMP TABLE params (p int, as_of date, w interval, n int, s interval);
INSERT INTO params VALUES (1, '2026-11-01', '12 months', 3, '3 months');
\set ECHO none
\i test/sql_ref/decline_want.sql
\set ECHO all

CREATE FUNCTION pg_temp.same(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
	RETURN (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b));

SELECT count(*) AS customers_with_orders,
	   count(*) FILTER (WHERE NOT (
			pg_temp.same(x.mean_gap_days, y.mean_gap_days)
		AND pg_temp.same(x.median_gap_days, y.median_gap_days)
		AND pg_temp.same(x.gap_stddev_days, y.gap_stddev_days)
		AND pg_temp.same(x.overdue_ratio, y.overdue_ratio)
		AND pg_temp.same(x.recent_amount, y.recent_amount)
		AND pg_temp.same(x.prior_amount, y.prior_amount)
		AND x.recent_orders = y.recent_orders
		AND x.prior_orders = y.prior_orders
		AND pg_temp.same(x.amount_change, y.amount_change)
		AND pg_temp.same(x.frequency_change, y.frequency_change)
		AND pg_temp.same(x.amount_trend, y.amount_trend)
		AND x.trend_points = y.trend_points
		AND pg_temp.same(x.cadence_change, y.cadence_change)
		AND pg_temp.same(x.season_amount, y.season_amount)
		AND pg_temp.same(x.last_season_amount, y.last_season_amount)
		AND x.season_orders = y.season_orders
		AND x.last_season_orders = y.last_season_orders
		AND pg_temp.same(x.same_season_change, y.same_season_change)
		AND x.decline_signals = y.decline_signals
		AND x.declining = (cardinality(y.decline_signals) > 0)
		AND (x.segment = 'campaign_only') = (y.campaign_only AND x.order_days > 0)
		)) AS mismatched,
	   count(*) FILTER (WHERE x.declining) > 50 AS some_declining,
	   count(*) FILTER (WHERE x.segment = 'campaign_only') > 20 AS some_campaign_only,
	   count(*) FILTER (WHERE x.amount_trend IS NOT NULL) > 200 AS trends_exercised,
	   count(*) FILTER (WHERE x.same_season_change IS NOT NULL) > 50 AS seasons_exercised
  FROM dormancy.customer_status x JOIN want y ON y.c = x.customer_id;
-- customers without orders have no metrics and are not declining
SELECT count(*) AS never_purchased, bool_and(NOT declining AND decline_signals = '{}' AND median_gap_days IS NULL) AS no_metrics
  FROM dormancy.customer_status WHERE order_days = 0;

-- declining_customers: active or at-risk, declining, most valuable first
SELECT count(*) = (SELECT count(*) FROM dormancy.customer_status WHERE declining AND state IN ('active', 'at_risk')) AS complete,
	   bool_and(state IN ('active', 'at_risk')) AS only_active_or_at_risk
  FROM dormancy.declining_customers;
SELECT bool_and(v >= coalesce(next_v, v)) AS ordered_by_value
  FROM (SELECT coalesce(recent_amount, 0) + coalesce(prior_amount, 0) AS v,
			   lead(coalesce(recent_amount, 0) + coalesce(prior_amount, 0)) OVER () AS next_v
		  FROM dormancy.declining_customers) d;

-- category_trend: one row per customer and category, equal to the metrics of
-- that category's orders alone
SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers
  FROM dormancy.category_trend;
DROP VIEW ref_orders;
CREATE TEMP VIEW ref_orders AS
SELECT account_id AS c, (invoiced_on AT TIME ZONE 'UTC')::date AS ordered_at, total AS amount, discounted
  FROM demo.invoices
 WHERE account_id IS NOT NULL AND invoiced_on IS NOT NULL AND category = 'accessories';
DROP TABLE want;
\set ECHO none
\i test/sql_ref/decline_want.sql
\set ECHO all
SELECT count(*) AS accessory_buyers,
	   count(*) FILTER (WHERE NOT (pg_temp.same(t.recent_amount, y.recent_amount)
		AND pg_temp.same(t.prior_amount, y.prior_amount)
		AND t.recent_orders = y.recent_orders AND t.prior_orders = y.prior_orders
		AND pg_temp.same(t.amount_change, y.amount_change)
		AND pg_temp.same(t.frequency_change, y.frequency_change))) AS mismatched,
	   count(*) FILTER (WHERE t.stopped) > 0 AS some_stopped
  FROM dormancy.category_trend t JOIN want y ON y.c = t.customer_id
 WHERE t.category = 'accessories';

-- a customer who stopped one product line while still buying another
CREATE SCHEMA dc;
CREATE TABLE dc.orders (cid int, day date, amt numeric, cat text, disc boolean);
INSERT INTO dc.orders
SELECT 1, d, 100, 'paper', false FROM generate_series(date '2024-11-15', '2026-10-15', interval '1 month') d
UNION ALL
SELECT 1, d, 50, 'toner', false FROM generate_series(date '2024-11-20', '2025-10-20', interval '1 month') d;
-- campaign-only: every purchase day had a discounted order
INSERT INTO dc.orders VALUES (2, '2026-01-10', 10, 'paper', true), (2, '2026-03-10', 12, 'paper', true), (2, '2026-03-10', 1, 'paper', false);
-- not campaign-only: one purchase day without a discount
INSERT INTO dc.orders VALUES (3, '2026-01-10', 10, 'paper', true), (3, '2026-03-10', 12, 'paper', false);
SELECT dormancy.unbind('customers');
SELECT dormancy.bind_orders('dc.orders', customer => 'cid', ordered_at => 'day', amount => 'amt', category => 'cat', discounted => 'disc');
SELECT customer_id, category, recent_orders, prior_orders, stopped, declining, last_order_at
  FROM dormancy.category_trend ORDER BY customer_id, category;
SELECT customer_id, state, segment FROM dormancy.customer_status ORDER BY customer_id;
-- without the discounted column, campaign_only is unknown and never claimed
SELECT dormancy.bind_orders('dc.orders', customer => 'cid', ordered_at => 'day', amount => 'amt', category => 'cat');
SELECT customer_id, segment FROM dormancy.customer_status ORDER BY customer_id;

-- lapsed after a price increase / spec change
TRUNCATE dc.orders;
INSERT INTO dc.orders VALUES
	(10, '2026-03-01', 100, 'paper', false),	-- last bought paper before the April increase: lapsed
	(11, '2026-03-01', 100, 'paper', false), (11, '2026-05-01', 100, 'paper', false),	-- bought after: not lapsed
	(12, '2026-03-01', 100, 'toner', false),	-- bought toner only: the paper increase does not concern it
	(13, '2020-03-01', 100, 'paper', false),	-- already long gone before the increase: not lapsed after it
	(14, '2026-03-01', 100, 'paper', false), (14, '2026-06-01', 100, 'toner', false);	-- paper stopped, toner goes on: lapsed for paper
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note) VALUES
	('2026-04-01', 'paper', 10, 'price_increase', 'paper +10%'),
	('2026-02-01', 'paper', 5, 'price_increase', NULL),
	('2026-05-15', NULL, NULL, 'spec_change', 'new ordering portal'),
	('2026-12-01', 'paper', 20, 'price_increase', 'announced, not yet in force');
SELECT customer_id, lapsed_after_price_increase, price_increase, lapsed_after_spec_change, spec_change
  FROM dormancy.customer_status ORDER BY customer_id;
-- without categories bound, a change for a category applies to no customer;
-- the one for all categories (the spec change) to the last purchase of any kind
SELECT dormancy.bind_orders('dc.orders', customer => 'cid', ordered_at => 'day', amount => 'amt');
SELECT customer_id, lapsed_after_price_increase, price_increase, lapsed_after_spec_change
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT count(*) AS category_rows_without_categories FROM dormancy.category_trend;
DELETE FROM dormancy.price_changes;

-- still one aggregate pass: customer_status scans the bound orders once, whole
-- or in the order of their index on the customer column (the
-- customers three times: the rows, the duplicate names, and the customers of
-- the outreach log's contacts, none while it is empty; the rule of a
-- customer's segment is found per customer, so a lookup of one reads no other)
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
\i test/sql_ref/plan_lines.sql
SELECT count(*) FILTER (WHERE l ~ 'Scan (using \S+ )?on invoices\M') AS scans_of_orders,
	   count(*) FILTER (WHERE l ~ 'Scan on accounts') AS scans_of_customers
  FROM pg_temp.plan_lines('SELECT * FROM dormancy.customer_status') l;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA dc CASCADE;
DROP SCHEMA demo CASCADE;
