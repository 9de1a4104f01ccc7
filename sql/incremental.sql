-- Incremental refresh: after inserts (some back-dated), updates (amounts and
-- a customer moved to another), deletes and a new customer, an incremental
-- refresh recomputes only the customers touched, and its snapshot equals a
-- full refresh's and the live customer_status.  Views are not tracked (full
-- every time); a rebind or TRUNCATE makes the next refresh full.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set customers 1200
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SELECT orders_relation, tracked, complete FROM dormancy.history_store_state;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'demo.invoices'::regclass ORDER BY 1;

CREATE VIEW demo.last_run AS
SELECT outcome, history_mode, customers_recomputed, rows, history_reason FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
-- snapshot rows compared field by field (amounts to rounding)
CREATE FUNCTION demo.same_snapshot(a regclass, b regclass) RETURNS TABLE (rows bigint, differing bigint)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT count(*), count(*) FILTER (WHERE NOT (
				x.state IS NOT DISTINCT FROM y.state AND x.last_order_at IS NOT DISTINCT FROM y.last_order_at
			AND x.orders_count = y.orders_count AND x.order_days = y.order_days
			AND x.segment IS NOT DISTINCT FROM y.segment AND x.decline_signals = y.decline_signals
			AND x.likely_reason IS NOT DISTINCT FROM y.likely_reason
			AND x.priority_rank = y.priority_rank
			AND abs(x.total_amount - y.total_amount) <= 1e-9 * greatest(1, abs(x.total_amount))
			AND abs(coalesce(x.recent_amount, 0) - coalesce(y.recent_amount, 0)) <= 1e-9 * greatest(1, abs(x.recent_amount))))
		  FROM %s x FULL JOIN %s y USING (customer_key)$q$, a, b);
END $$;

-- the first refresh is full and stores the histories
CALL dormancy.refresh();
SELECT * FROM demo.last_run;
SELECT count(*) > 0 AS stored FROM dormancy.stored_histories;
-- the planner is told how many histories a refresh reads: the store's size
-- while the gate is open, one row while it is closed (the function returns
-- none then).  Taken for one row, a nested loop over them was nearly as cheap
-- as a hash join to the planner, and a refresh that chose it read every
-- stored history again for each customer (13 minutes at 1,000,000).
ANALYZE dormancy.stored_histories;
CREATE FUNCTION demo.plan_rows(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
SELECT demo.plan_rows('SELECT * FROM dormancy._stored_histories()') AS rows_gate_closed;
BEGIN;
SELECT dormancy._read_stored_histories(true);
SELECT demo.plan_rows('SELECT * FROM dormancy._stored_histories()') = (SELECT count(*) FROM dormancy.stored_histories)
	AS rows_gate_open_are_the_store;
ROLLBACK;

-- changes: new orders (one back-dated by years), amounts corrected, an order
-- moved to another customer, orders deleted, a new customer's first order
INSERT INTO demo.invoices (account_id, invoiced_on, total, category) VALUES
	(5, '2026-10-30 10:00+00', 100, 'core'),
	(6, '2021-01-01 10:00+00', 50, 'core');
UPDATE demo.invoices SET total = total * 2 WHERE invoice_id IN (10, 20);
UPDATE demo.invoices SET account_id = 7 WHERE invoice_id = 30;
DELETE FROM demo.invoices WHERE invoice_id IN (40, 41, 42);
INSERT INTO demo.accounts VALUES (5000, 'Newcomer', 'ec', 'smb');
INSERT INTO demo.invoices (account_id, invoiced_on, total, category) VALUES (5000, '2026-10-15 09:00+00', 30, 'core');
SELECT count(DISTINCT customer_key) AS customers_marked FROM dormancy.changed_customers;

CALL dormancy.refresh();
SELECT * FROM demo.last_run;
SELECT count(*) AS marks_left FROM dormancy.changed_customers;
CREATE TABLE demo.incremental AS SELECT * FROM dormancy.status_snapshot;

-- the same day, every history rebuilt
SELECT dormancy.reset_stored_histories();
CALL dormancy.refresh();
SELECT * FROM demo.last_run;
SELECT * FROM demo.same_snapshot('demo.incremental', 'dormancy.status_snapshot');
-- and the live view agrees
CREATE TABLE demo.live AS
SELECT *, customer_id::text AS customer_key,
	   rank() OVER (ORDER BY priority_score DESC, customer_id) AS priority_rank  -- (the call list's rank)
  FROM dormancy.customer_status;
SELECT * FROM demo.same_snapshot('demo.incremental', 'demo.live');
-- not vacuous: a snapshot from before the changes differs
CREATE TABLE demo.before AS SELECT * FROM demo.incremental;
UPDATE demo.before SET orders_count = orders_count + 1 WHERE customer_key IN ('5', '6');
SELECT differing > 0 AS detects_a_difference FROM demo.same_snapshot('demo.before', 'demo.live');

-- nothing changed: incremental with nothing to recompute
CALL dormancy.refresh();
SELECT * FROM demo.last_run;

-- TRUNCATE of the orders makes the next refresh full
BEGIN;
CREATE TEMP TABLE keep AS SELECT * FROM demo.invoices;
TRUNCATE demo.invoices;
SELECT reason FROM dormancy.store_invalidations;
ROLLBACK;
-- a change of dormancy.time_zone too (days move)
SET dormancy.time_zone = 'Asia/Tokyo';
CALL dormancy.refresh();
SELECT * FROM demo.last_run;
RESET dormancy.time_zone;

-- a category too long for a B-tree entry (a free-text product description
-- of 6 kB that does not compress): the store keys categories by a digest, so
-- it is stored like any other, the refresh works, full and incremental
SELECT setseed(0.35);
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT 9, '2026-10-20 10:00+00', 12345,
	   (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 190));
SELECT octet_length(category) AS category_bytes FROM demo.invoices WHERE total = 12345;
SELECT dormancy.reset_stored_histories();
CALL dormancy.refresh();
SELECT * FROM demo.last_run;
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT 9, '2026-10-21 10:00+00', 1, category FROM demo.invoices WHERE total = 12345;
CALL dormancy.refresh();
SELECT * FROM demo.last_run;
SELECT count(*) AS stored_rows_of_the_long_category FROM dormancy.stored_histories WHERE octet_length(category) > 6000;
CREATE TEMP TABLE live_now AS
SELECT *, customer_id::text AS customer_key,
	   rank() OVER (ORDER BY priority_score DESC, customer_id) AS priority_rank
  FROM dormancy.customer_status;
SELECT * FROM demo.same_snapshot('dormancy.status_snapshot', 'live_now');
DROP TABLE live_now;
DELETE FROM demo.invoices WHERE total IN (12345, 1) AND account_id = 9 AND invoiced_on >= '2026-10-20';

-- a view cannot be tracked: every refresh reads the orders
CREATE VIEW demo.invoice_view AS SELECT * FROM demo.invoices;
SELECT dormancy.bind_orders('demo.invoice_view', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
SELECT orders_relation, tracked, complete FROM dormancy.history_store_state;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'demo.invoices'::regclass AND tgname LIKE 'dormancy%';
CALL dormancy.refresh();
SELECT * FROM demo.last_run;

-- a writer without rights on dormancy's tables can still write orders
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
CREATE ROLE dormancy_test_writer;
GRANT USAGE ON SCHEMA demo TO dormancy_test_writer;
GRANT INSERT, UPDATE, DELETE, SELECT ON demo.invoices TO dormancy_test_writer;
GRANT USAGE ON SEQUENCE demo.invoices_invoice_id_seq TO dormancy_test_writer;
SET ROLE dormancy_test_writer;
INSERT INTO demo.invoices (account_id, invoiced_on, total) VALUES (8, '2026-10-31 12:00+00', 1);
RESET ROLE;
SELECT DISTINCT customer_key FROM dormancy.changed_customers ORDER BY 1;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA demo CASCADE;
DROP ROLE dormancy_test_writer;
