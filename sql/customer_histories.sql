-- customer_histories in one aggregate pass: the categorized_history
-- aggregate, GROUP BY customer over src_orders, gives for every customer the
-- columns of the two-level computation it replaced (purchase_history per
-- customer and category, then purchase_history_union per customer), bit for
-- bit: without and with a category bound, with NULL and empty categories,
-- orders after the as-of day, unknown amounts, refunds, rows without a day,
-- each order time type, a parallel plan, and inside a refresh (the stored
-- category histories).  The plan reads the orders table once, in one aggregate.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.time_zone = 'UTC';
SET dormancy.as_of = '2026-11-01';
SELECT setseed(0.61);
CREATE SCHEMA ch;
CREATE TABLE ch.orders (cid int, at timestamptz, amt numeric(12,2), cat text, disc boolean);
INSERT INTO ch.orders VALUES
	-- 1: cents that round differently per category than in one sum; a NULL category
	(1, '2026-10-01 10:00', 0.10, 'b', false), (1, '2026-10-01 11:00', 0.20, 'b', true),
	(1, '2026-10-01 12:00', 0.30, 'a', false), (1, '2026-10-02', 5, NULL, true),
	-- 2: NULL categories only (NULL arrays)
	(2, '2026-09-01', 10, NULL, false), (2, '2026-09-02', NULL, NULL, false),
	-- 3: a category with orders after as_of only, one with a refund only,
	-- one with an unknown amount, one with a row without a day only
	(3, '2026-12-01', 10, 'late', false), (3, '2026-08-01', -5, 'refund', false),
	(3, '2026-07-01', NULL, 'unknown', false), (3, NULL, 7, 'nodate', false),
	-- 4: every order after as_of
	(4, '2027-01-01', 10, 'x', false), (4, '2027-01-02', 10, NULL, false),
	-- 5: the empty category, letters of both cases
	(5, '2026-01-01', 1, '', false), (5, '2026-01-02', 1, 'B', false), (5, '2026-01-03', 1, 'a', false),
	-- 6: a refund and an order of another category on the same day
	(6, '2026-05-05', 30, 'a', false), (6, '2026-05-05', -30, 'b', false),
	-- no customer: left out
	(NULL, '2026-01-01', 10, 'x', false);
-- 20,000 random orders of 400 customers
INSERT INTO ch.orders
SELECT 100 + (random() * 400)::int,
	   CASE WHEN random() < 0.01 THEN NULL ELSE timestamptz '2024-01-01' + random() * interval '1200 days' END,
	   CASE WHEN random() < 0.03 THEN NULL ELSE round((random() * 330 - 30)::numeric, 2) END,
	   CASE WHEN random() < 0.15 THEN NULL ELSE (ARRAY['tea', 'coffee', 'Cocoa', 'cups', 'filters', ''])[1 + (random() * 5)::int] END,
	   random() < 0.2
  FROM generate_series(1, 20000);
ANALYZE ch.orders;
-- the same orders with the time as date and as timestamp, the category in "C" order
CREATE TABLE ch.orders_date AS
SELECT cid, (at AT TIME ZONE 'UTC')::date AS day, (at AT TIME ZONE 'UTC') AS ts, amt, cat COLLATE "C" AS cat, disc FROM ch.orders;

-- customer_histories against the two-level computation written out in SQL,
-- every column of every customer
CREATE FUNCTION ch.compare(OUT customers bigint, OUT identical bigint, OUT one_side_only bigint)
LANGUAGE plpgsql AS $f$
BEGIN
	EXECUTE $q$
	WITH reference AS (
		SELECT c.customer_id,
			   dormancy.purchase_history_union(c.history) AS history,
			   sum(c.order_rows)::int8 AS order_rows,
			   array_agg(c.category ORDER BY c.category) FILTER (WHERE c.category IS NOT NULL) AS categories,
			   array_agg((dormancy.history_summary(c.history, dormancy.as_of_day())).last_order_at ORDER BY c.category)
				   FILTER (WHERE c.category IS NOT NULL) AS category_last_order_at
		  FROM (SELECT o.customer_id, o.category,
					   dormancy.purchase_history(o.ordered_at, o.amount, o.discounted) AS history,
					   count(*) AS order_rows
				  FROM dormancy.src_orders o
				 WHERE o.customer_id IS NOT NULL
				 GROUP BY o.customer_id, o.category) c
		 GROUP BY c.customer_id)
	SELECT count(*),
		   count(*) FILTER (WHERE dormancy.purchase_history_send(r.history) = dormancy.purchase_history_send(h.history)
							  AND r.order_rows = h.order_rows
							  AND r.categories IS NOT DISTINCT FROM h.categories
							  AND r.category_last_order_at IS NOT DISTINCT FROM h.category_last_order_at),
		   count(*) FILTER (WHERE r.customer_id IS NULL OR h.customer_id IS NULL)
	  FROM reference r FULL JOIN dormancy.customer_histories h USING (customer_id)$q$
	INTO customers, identical, one_side_only;
END
$f$;

-- a category bound (timestamptz)
SELECT dormancy.bind_orders('ch.orders', customer => 'cid', ordered_at => 'at', amount => 'amt',
							category => 'cat', discounted => 'disc');
SELECT * FROM ch.compare();
SELECT customer_id, order_rows, categories, category_last_order_at, history
  FROM dormancy.customer_histories WHERE customer_id < 100 ORDER BY customer_id;
-- another as-of day moves the last days
SET dormancy.as_of = '2026-08-15';
SELECT * FROM ch.compare();
SELECT customer_id, categories, category_last_order_at
  FROM dormancy.customer_histories WHERE customer_id IN (3, 6) ORDER BY customer_id;
SET dormancy.as_of = '2026-11-01';

-- no category bound: NULL arrays everywhere
SELECT dormancy.bind_orders('ch.orders', customer => 'cid', ordered_at => 'at', amount => 'amt',
							discounted => 'disc');
SELECT * FROM ch.compare();
SELECT count(*) AS customers, count(categories) AS with_categories, count(category_last_order_at) AS with_last
  FROM dormancy.customer_histories;

-- date order times, a category in the "C" collation (upper case first)
SELECT dormancy.bind_orders('ch.orders_date', customer => 'cid', ordered_at => 'day', amount => 'amt',
							category => 'cat', discounted => 'disc');
SELECT * FROM ch.compare();
SELECT customer_id, categories FROM dormancy.customer_histories WHERE customer_id = 5;
-- timestamp order times
SELECT dormancy.bind_orders('ch.orders_date', customer => 'cid', ordered_at => 'ts', amount => 'amt',
							category => 'cat');
SELECT * FROM ch.compare();

-- a parallel plan: partial states in the workers, serialized and combined
SELECT dormancy.bind_orders('ch.orders', customer => 'cid', ordered_at => 'at', amount => 'amt',
							category => 'cat', discounted => 'disc');
CREATE FUNCTION ch.plan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		RETURN NEXT line;
	END LOOP;
END
$f$;
BEGIN;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SELECT count(*) FILTER (WHERE p LIKE '%Partial%Aggregate%') AS partial_aggregates,
	   count(*) FILTER (WHERE p LIKE '%Parallel Seq Scan on orders%') AS parallel_scans
  FROM ch.plan('SELECT * FROM dormancy.customer_histories') p;
SELECT * FROM ch.compare();
COMMIT;

-- inside a refresh, from the stored category histories: the same columns
BEGIN;
SELECT mode FROM dormancy._prepare_histories();
SELECT dormancy._use_stored_histories() AS reads_store;
SELECT * FROM ch.compare();
ROLLBACK;

-- one scan of the orders table, one aggregate over it (the other branch
-- reads the store, and only inside a refresh)
SET max_parallel_workers_per_gather = 0;
SELECT * FROM ch.plan('SELECT * FROM dormancy.customer_histories');
SELECT count(*) FILTER (WHERE p LIKE '%Scan on orders %') AS scans_of_orders,
	   count(*) FILTER (WHERE p LIKE '%Aggregate%') AS aggregates,
	   count(*) FILTER (WHERE p LIKE '%Function Scan on _stored_histories%') AS store_reads
  FROM ch.plan('SELECT * FROM dormancy.customer_histories') p;
RESET max_parallel_workers_per_gather;

-- as_of must be the same on every row of a group: a different one is an
-- error (the first one was kept, so the answer followed the row order)
CREATE TABLE ch.varying (d date, amount float8, cat text, as_of date);
INSERT INTO ch.varying VALUES ('2024-01-10', 10, 'x', '2024-01-31'), ('2024-03-10', 10, 'x', '2024-06-30');
SELECT (dormancy.categorized_history(d, amount, false, cat, as_of ORDER BY as_of)).category_last_order_at FROM ch.varying;
SELECT (dormancy.categorized_history(d, amount, false, cat, as_of ORDER BY as_of DESC)).category_last_order_at FROM ch.varying;
-- one as_of, and rows without one (they give none), in either order
UPDATE ch.varying SET as_of = NULL WHERE d = '2024-01-10';
SELECT (dormancy.categorized_history(d, amount, false, cat, as_of ORDER BY as_of)).category_last_order_at AS nulls_last,
	   (dormancy.categorized_history(d, amount, false, cat, as_of ORDER BY as_of DESC)).category_last_order_at AS nulls_first
  FROM ch.varying;

SELECT dormancy.unbind('orders');
DROP SCHEMA ch CASCADE;
