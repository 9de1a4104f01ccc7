-- Order lines with an order id (bind_orders(..., order_id => ...)): a table
-- of order lines, several per order, each with its category.  With the
-- order id bound, orders_count counts orders (not lines), the large-order
-- rule (min_order_amount) compares order totals (a 1,500,000 yen order of
-- three 500,000 lines qualifies for 1,000,000), refunds net within the
-- order, categories still come from the lines, and the incremental refresh
-- equals a full one after lines are added to and deleted from orders.
-- Without the order id the same table is read line by line, as before.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-11-01 00:00+09';
CREATE SCHEMA ol;
CREATE TABLE ol.customers (code text PRIMARY KEY, name text, industry text, size text);
CREATE TABLE ol.lines (
	line_id serial PRIMARY KEY,
	order_no text,
	code text NOT NULL,
	ordered_at timestamptz NOT NULL,
	amount numeric,
	category text
);
CREATE INDEX ON ol.lines (code);
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount, note)
VALUES ('ol_heavy', NULL, '6 months', '1 year', '2 years', 1000000, 'order_lines test: large orders only');
INSERT INTO ol.customers VALUES
	('A', 'three-line large order', 'ol_heavy', 'mid'),
	('B', 'three small orders on one day', 'ol_heavy', 'mid'),
	('C', 'two categories, one stopped', 'ol_heavy', 'mid'),
	('D', 'a discount line and a returned order', 'ol_heavy', 'mid'),
	('E', 'an order that grows past the threshold', 'ol_heavy', 'mid'),
	('F', 'lines without an order id, amounts unknown', 'ol_heavy', 'mid');
INSERT INTO ol.lines (order_no, code, ordered_at, amount, category) VALUES
	-- A: one 1,500,000 order of three lines (two categories) in September,
	-- and a large one-line order long ago
	('A-2', 'A', '2026-09-01 09:00+09', 500000, 'parts'),
	('A-2', 'A', '2026-09-01 09:00+09', 500000, 'parts'),
	('A-2', 'A', '2026-09-01 09:00+09', 500000, 'service'),
	('A-1', 'A', '2024-01-10 10:00+09', 1200000, 'parts'),
	-- B: three orders of 500,000 on one day (a day's total is not an order)
	('B-2', 'B', '2026-09-01 09:00+09', 500000, 'parts'),
	('B-3', 'B', '2026-09-01 11:00+09', 500000, 'parts'),
	('B-4', 'B', '2026-09-01 15:00+09', 500000, 'parts'),
	('B-1', 'B', '2024-01-10 10:00+09', 1200000, 'parts'),
	-- D: 1,200,000 of parts less a 300,000 discount line: a 900,000 order;
	-- a returned order (one negative line) later
	('D-1', 'D', '2026-03-02 10:00+09', 1200000, 'parts'),
	('D-1', 'D', '2026-03-02 10:00+09', -300000, 'discount'),
	('D-2', 'D', '2026-05-11 10:00+09', -50000, 'parts'),
	('D-0', 'D', '2025-12-01 10:00+09', 1000000, 'parts'),
	-- E: an order of 600,000 + 300,000 in August
	('E-1', 'E', '2026-08-03 10:00+09', 600000, 'parts'),
	('E-1', 'E', '2026-08-03 10:00+09', 300000, 'service'),
	('E-0', 'E', '2023-06-01 10:00+09', 2000000, 'parts'),
	-- F: lines without an order id are grouped by their order time (one
	-- order of 1,100,000 in July, one of 100,000 in August); an order with
	-- one line of unknown amount has the total of the others; an order of
	-- unknown lines only is of unknown amount
	(NULL, 'F', '2026-07-01 10:00+09', 600000, 'parts'),
	(NULL, 'F', '2026-07-01 10:00+09', 500000, 'parts'),
	(NULL, 'F', '2026-08-01 10:00+09', 100000, 'parts'),
	('F-1', 'F', '2026-09-01 10:00+09', NULL, 'parts'),
	('F-1', 'F', '2026-09-01 10:00+09', 300000, 'service'),
	('F-2', 'F', '2026-10-01 10:00+09', NULL, 'parts');
-- C: every month for two years one order of a part and a consumable; the
-- consumables stop in the recent window (the last 12 months)
INSERT INTO ol.lines (order_no, code, ordered_at, amount, category)
SELECT 'C-' || m, 'C', timestamptz '2024-11-05 10:00+09' + m * interval '1 month', 600000, c.category
  FROM generate_series(0, 23) m
 CROSS JOIN (VALUES ('parts'), ('consumables')) c(category)
 WHERE c.category = 'parts' OR m < 12;

SELECT dormancy.bind_customers('ol.customers', id => 'code', name => 'name', industry => 'industry', company_size => 'size');

-- 1. Lines bound as orders (no order id): every line is an order
SELECT dormancy.bind_orders('ol.lines', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							category => 'category');
CREATE VIEW ol.status AS
SELECT customer_id, orders_count, order_days, total_amount, last_order_at, last_qualifying_order_at, state
  FROM dormancy.customer_status;
SELECT order_ids_bound FROM dormancy.src_bindings;
SELECT * FROM ol.status ORDER BY customer_id;

-- 2. With the order id: orders
SELECT dormancy.bind_orders('ol.lines', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							category => 'category', order_id => 'order_no');
SELECT order_ids_bound FROM dormancy.src_bindings;
SELECT columns FROM dormancy.bindings WHERE source = 'orders';
SELECT * FROM ol.status ORDER BY customer_id;
-- A's September order qualifies (three lines, 1,500,000); B's three orders
-- of that day do not; D's order nets to 900,000 and its return is a refund
SELECT customer_id, last_qualifying_order_at = '2026-09-01' AS large_order_counts FROM ol.status
 WHERE customer_id IN ('A', 'B', 'D') ORDER BY 1;
SELECT customer_id, (dormancy.history_summary(history, '2026-11-01')).refunds,
	   (dormancy.history_summary(history, '2026-11-01')).unknown_amount_orders, history
  FROM dormancy.customer_histories WHERE customer_id IN ('A', 'B', 'D', 'F') ORDER BY 1;
-- per category: an order counts once in each category it has, with the net
-- of its lines of that category; category NULL holds the whole orders
SELECT customer_id, category, order_rows, history
  FROM dormancy.category_histories WHERE customer_id IN ('A', 'D') ORDER BY 1, 2 NULLS FIRST;
SELECT customer_id, categories, category_last_order_at, order_rows
  FROM dormancy.customer_histories ORDER BY 1;
-- per-category decline still works: C's consumables stopped, its parts did not
SELECT category, recent_orders, prior_orders, stopped, declining
  FROM dormancy.category_trend WHERE customer_id = 'C' ORDER BY category;
SELECT customer_id, orders_count FROM ol.status WHERE customer_id = 'C';
-- a filter on the customer reaches the lines' index
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE r text; BEGIN FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT r; END LOOP; END $$;
SET enable_seqscan = off;
SELECT bool_or(p LIKE '%lines_code_idx%') AS uses_index
  FROM pg_temp.plan_of($q$SELECT * FROM dormancy.customer_histories WHERE customer_id = 'C'$q$) p;
RESET enable_seqscan;

-- the same histories from a parallel plan (partial aggregates combined)
CREATE TABLE ol.serial AS
SELECT customer_id, history::text AS history, order_rows, categories, category_last_order_at FROM dormancy.customer_histories;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT bool_or(p LIKE '%Gather%') AS parallel
  FROM pg_temp.plan_of('SELECT * FROM dormancy.customer_histories') p;
SELECT count(*) AS differing FROM (
	(SELECT customer_id, history::text, order_rows, categories, category_last_order_at FROM dormancy.customer_histories
	 EXCEPT ALL SELECT * FROM ol.serial)
	UNION ALL
	(SELECT * FROM ol.serial
	 EXCEPT ALL SELECT customer_id, history::text, order_rows, categories, category_last_order_at FROM dormancy.customer_histories)) d;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- 3. Incremental refresh with the order id: lines added to and deleted
-- from orders; an order's total crossing the threshold
CREATE VIEW ol.last_run AS
SELECT outcome, history_mode, customers_recomputed FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT * FROM ol.last_run;
SELECT customer_key, state, orders_count, last_qualifying_order_at FROM dormancy.status_snapshot
 WHERE customer_key IN ('B', 'C', 'E') ORDER BY 1;
-- E's order gains a line: 1,100,000, now a large order
INSERT INTO ol.lines (order_no, code, ordered_at, amount, category) VALUES ('E-1', 'E', '2026-08-03 10:05+09', 200000, 'parts');
-- B loses one of its orders (its only line), C a line of its last order
DELETE FROM ol.lines WHERE order_no = 'B-3';
DELETE FROM ol.lines WHERE order_no = 'C-23' AND category = 'parts';
-- C's order of October gains a consumable line (no new order)
INSERT INTO ol.lines (order_no, code, ordered_at, amount, category) VALUES ('C-23', 'C', '2026-10-05 10:00+09', 400000, 'consumables');
CALL dormancy.refresh();
SELECT * FROM ol.last_run;
SELECT customer_key, state, orders_count, last_qualifying_order_at FROM dormancy.status_snapshot
 WHERE customer_key IN ('B', 'C', 'E') ORDER BY 1;
CREATE TABLE ol.incremental AS SELECT * FROM dormancy.status_snapshot;
CREATE TABLE ol.incremental_store AS SELECT customer_key, category, history::text AS history, order_rows FROM dormancy.stored_histories;
-- the same, every history rebuilt
SELECT dormancy.reset_stored_histories();
CALL dormancy.refresh();
SELECT * FROM ol.last_run;
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE x.state IS DISTINCT FROM y.state OR x.orders_count IS DISTINCT FROM y.orders_count
						   OR x.order_days IS DISTINCT FROM y.order_days OR x.total_amount IS DISTINCT FROM y.total_amount
						   OR x.last_order_at IS DISTINCT FROM y.last_order_at
						   OR x.last_qualifying_order_at IS DISTINCT FROM y.last_qualifying_order_at
						   OR x.decline_signals IS DISTINCT FROM y.decline_signals) AS differing
  FROM ol.incremental x FULL JOIN dormancy.status_snapshot y USING (customer_key);
SELECT count(*) AS stored,
	   (SELECT count(*) FROM (SELECT * FROM ol.incremental_store
							  EXCEPT SELECT customer_key, category, history::text, order_rows FROM dormancy.stored_histories) d) AS differing
  FROM ol.incremental_store;
-- and the live view agrees
SELECT count(*) AS differing FROM ol.status s JOIN dormancy.status_snapshot n ON n.customer_key = s.customer_id
 WHERE s.orders_count IS DISTINCT FROM n.orders_count OR s.state IS DISTINCT FROM n.state
	OR s.last_qualifying_order_at IS DISTINCT FROM n.last_qualifying_order_at;

-- 4. An order id without a category: only the whole orders (category NULL)
SELECT dormancy.bind_orders('ol.lines', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							order_id => 'order_no');
SELECT customer_id, category, order_rows, history
  FROM dormancy.category_histories WHERE customer_id IN ('A', 'F') ORDER BY 1, 2 NULLS FIRST;
SELECT customer_id, orders_count, last_qualifying_order_at, state FROM ol.status WHERE customer_id IN ('A', 'F') ORDER BY 1;

-- 5. The order id column is checked like the other columns
SELECT dormancy.bind_orders('ol.lines', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							order_id => 'no_such_column');
ALTER TABLE ol.lines ADD COLUMN order_point point;
SELECT dormancy.bind_orders('ol.lines', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							order_id => 'order_point');
SELECT columns FROM dormancy.bindings WHERE source = 'orders';

DROP VIEW ol.status, ol.last_run;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DELETE FROM dormancy.rules WHERE industry = 'ol_heavy';
DROP SCHEMA ol CASCADE;
