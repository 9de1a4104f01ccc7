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

-- 6. Lines without a usable order time (NULL, infinity or -infinity), with
-- the order id bound: such a line is netted into its order, which is on the
-- day of its first dated line (in dormancy.time_zone); an order without any
-- dated line is left out whole.  data_issues reports both, with the rows and
-- amounts the histories netted or left out.  An order whose lines are each
-- within +-1e15 but whose net is not is of unknown amount, and reported.
-- The expected figures come from a plain-SQL reading of the README's
-- definition (ol.undated_ref), compared with the live view, a full refresh
-- (the stored histories) and an incremental one.
INSERT INTO ol.customers (code, name) VALUES
	('P', 'a line dated -infinity'), ('Q', 'a line dated infinity'), ('R', 'a line without a time'),
	('S', 'an order without a dated line'), ('T', 'an order netting beyond 1e15'),
	('V', 'lines without an order id or a time'), ('W', 'an order after the as-of day');
CREATE TABLE ol.undated (order_no text, code text, ordered_at timestamptz, amount numeric, category text);
CREATE INDEX ON ol.undated (code);
INSERT INTO ol.undated VALUES
	('P-1', 'P', '2026-10-01 10:00+09', 100, 'parts'),
	('P-1', 'P', '-infinity', 50, 'parts'),
	('Q-1', 'Q', '2026-10-01 10:00+09', 100, 'parts'),
	('Q-1', 'Q', 'infinity', 50, 'service'),		-- in the order, not in category service
	('R-1', 'R', '2026-10-01 00:30+09', 100, 'parts'),	-- 2026-09-30 in UTC, 2026-10-01 in Tokyo
	('R-1', 'R', NULL, 50, NULL),
	('S-1', 'S', NULL, 30, 'parts'),
	('S-1', 'S', '-infinity', 20, 'parts'),
	('S-2', 'S', '2026-09-01 10:00+09', 70, 'parts'),
	('T-1', 'T', '2026-10-01 10:00+09', 6e14, 'parts'),
	('T-1', 'T', '2026-10-01 11:00+09', 6e14, 'parts'),
	('T-2', 'T', '2026-08-01 10:00+09', 100, 'parts'),
	(NULL, 'V', NULL, 40, 'parts'),					-- an order of its own (no id, no time): left out
	(NULL, 'V', '-infinity', 10, 'parts'),			-- another one
	(NULL, 'V', '2026-07-01 10:00+09', 200, 'parts'),
	('W-1', 'W', '2026-12-01 10:00+09', 100, 'parts'),
	('W-1', 'W', NULL, 50, 'parts');
-- the README's definition in plain SQL: an order is the lines of one
-- customer with one order id (without one: with the same time); its day is
-- that of its first dated line in the zone, its amount the net of its lines
-- (unknown beyond +-1e15); an order without a dated line is left out
CREATE FUNCTION ol.undated_ref(as_of date) RETURNS TABLE (customer_id text, orders_count bigint, total_amount numeric,
														   last_order_at date, unknown_amount_orders bigint)
LANGUAGE sql STABLE AS $$
	WITH orders AS (
		SELECT l.code, min(l.ordered_at) FILTER (WHERE isfinite(l.ordered_at)) AS first_at, sum(l.amount) AS net
		  FROM ol.undated l
		 GROUP BY l.code, l.order_no, CASE WHEN l.order_no IS NULL THEN l.ordered_at END
	), dated AS (
		SELECT o.code, (o.first_at AT TIME ZONE 'Asia/Tokyo')::date AS day,
			   CASE WHEN abs(o.net) <= 1e15 THEN o.net END AS amount
		  FROM orders o WHERE o.first_at IS NOT NULL
	)
	SELECT c.code, count(d.day), coalesce(sum(d.amount), 0), max(d.day), count(d.day) FILTER (WHERE d.amount IS NULL)
	  FROM ol.customers c LEFT JOIN dated d ON d.code = c.code AND d.day <= as_of
	 WHERE c.code >= 'P'
	 GROUP BY c.code
$$;
CREATE VIEW ol.undated_status AS
SELECT customer_id, orders_count, total_amount, last_order_at, unknown_amount_orders FROM dormancy.customer_status
 WHERE customer_id >= 'P';
SELECT dormancy.bind_orders('ol.undated', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							category => 'category', order_id => 'order_no');
SELECT * FROM ol.undated_ref('2026-11-01') ORDER BY 1;
SELECT * FROM ol.undated_status ORDER BY 1;
-- differing from the reference (none)
SELECT r.customer_id, s.orders_count, s.total_amount, s.last_order_at, s.unknown_amount_orders
  FROM ol.undated_ref('2026-11-01') r FULL JOIN ol.undated_status s USING (customer_id)
 WHERE (r.orders_count, r.total_amount, r.last_order_at, r.unknown_amount_orders)
	   IS DISTINCT FROM (s.orders_count, s.total_amount::numeric, s.last_order_at, s.unknown_amount_orders);
-- a category's part of an order: on the day of its first dated line; Q's
-- part of service has none, so it is in Q's order but not in that category
SELECT customer_id, category, order_rows, history
  FROM dormancy.category_histories WHERE customer_id IN ('P', 'Q', 'R', 'S') ORDER BY 1, 2 NULLS FIRST;
-- what data_issues says: P, Q, R and W netted one undated line each (W's
-- order is after the as-of day); S's order S-1 and V's two orders without a
-- time are left out with all their lines; T's order nets beyond 1e15
SELECT issue, customer_id, rows, amount, detail FROM dormancy.data_issues
 WHERE customer_id >= 'P' ORDER BY customer_id, issue, detail;
-- stored histories: a full refresh, then lines added to existing orders (an
-- undated one to P's order; a dated one to S's undated order, which now
-- counts on its day with all its lines), refreshed incrementally
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT * FROM ol.last_run;
CREATE VIEW ol.undated_snapshot AS
SELECT customer_key AS customer_id, orders_count, total_amount, last_order_at, unknown_amount_orders
  FROM dormancy.status_snapshot WHERE customer_key >= 'P';
SELECT r.customer_id, s.orders_count, s.total_amount, s.last_order_at, s.unknown_amount_orders
  FROM ol.undated_ref('2026-11-01') r FULL JOIN ol.undated_snapshot s USING (customer_id)
 WHERE (r.orders_count, r.total_amount, r.last_order_at, r.unknown_amount_orders)
	   IS DISTINCT FROM (s.orders_count, s.total_amount::numeric, s.last_order_at, s.unknown_amount_orders);
INSERT INTO ol.undated VALUES
	('P-1', 'P', NULL, 25, 'parts'),
	('S-1', 'S', '2026-10-15 10:00+09', 5, 'parts');
CALL dormancy.refresh();
SELECT * FROM ol.last_run;
SELECT * FROM ol.undated_snapshot WHERE customer_id IN ('P', 'S') ORDER BY 1;
SELECT r.customer_id, s.orders_count, s.total_amount, s.last_order_at, s.unknown_amount_orders
  FROM ol.undated_ref('2026-11-01') r FULL JOIN ol.undated_snapshot s USING (customer_id)
 WHERE (r.orders_count, r.total_amount, r.last_order_at, r.unknown_amount_orders)
	   IS DISTINCT FROM (s.orders_count, s.total_amount::numeric, s.last_order_at, s.unknown_amount_orders);
-- the stored histories equal the live ones
SELECT count(*) AS differing FROM (
	(SELECT customer_id, category, history::text, order_rows FROM dormancy.category_histories_live WHERE customer_id >= 'P'
	 EXCEPT ALL SELECT customer_key, category, history::text, order_rows FROM dormancy.stored_histories WHERE customer_key >= 'P')
	UNION ALL
	(SELECT customer_key, category, history::text, order_rows FROM dormancy.stored_histories WHERE customer_key >= 'P'
	 EXCEPT ALL SELECT customer_id, category, history::text, order_rows FROM dormancy.category_histories_live WHERE customer_id >= 'P')) d;
-- S's order is now dated: its two undated lines are netted into it
SELECT issue, customer_id, rows, amount, detail FROM dormancy.data_issues
 WHERE customer_id IN ('P', 'S') ORDER BY customer_id, issue, detail;
DROP VIEW ol.undated_status, ol.undated_snapshot, ol.status, ol.last_run;
-- the same with the order time as a date (a view of the lines; the column
-- type changes, so the views on customer_status are gone first)
CREATE VIEW ol.undated_days AS
SELECT order_no, code, (ordered_at AT TIME ZONE 'Asia/Tokyo')::date AS ordered_at, amount, category FROM ol.undated;
SELECT dormancy.bind_orders('ol.undated_days', customer => 'code', ordered_at => 'ordered_at', amount => 'amount',
							category => 'category', order_id => 'order_no');
SELECT r.customer_id, s.orders_count, s.total_amount, s.last_order_at, s.unknown_amount_orders
  FROM ol.undated_ref('2026-11-01') r FULL JOIN (SELECT * FROM dormancy.customer_status WHERE customer_id >= 'P') s USING (customer_id)
 WHERE (r.orders_count, r.total_amount, r.last_order_at, r.unknown_amount_orders)
	   IS DISTINCT FROM (s.orders_count, s.total_amount::numeric, s.last_order_at, s.unknown_amount_orders);
SELECT issue, customer_id, rows, amount FROM dormancy.data_issues
 WHERE customer_id >= 'P' ORDER BY customer_id, issue, detail;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DELETE FROM dormancy.rules WHERE industry = 'ol_heavy';
DROP SCHEMA ol CASCADE;
