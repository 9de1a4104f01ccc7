-- A query over a bound table of 1M orders uses a parallel plan (partial
-- aggregation of purchase histories in workers, combined in the leader) and
-- gives the same histories as a serial plan, bit for bit (day sums are exact
-- sums rounded once), also on days of many orders.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SELECT setseed(0.25);
CREATE SCHEMA par;
CREATE TABLE par.orders AS
SELECT (random() * 20000)::int AS cid,
	   timestamptz '2020-01-01' + random() * interval '2500 days' AS at,
	   CASE WHEN random() < 0.01 THEN NULL ELSE round((random() * 300 - 15)::numeric, 2) END AS amt,
	   random() < 0.2 AS disc
  FROM generate_series(1, 1000000);
ANALYZE par.orders;
-- many orders a day: 300,000 orders of 500 customers on 11 days
CREATE TABLE par.dense AS
SELECT (random() * 500)::int AS cid, date '2026-01-01' + (random() * 10)::int AS day,
	   round((random() * 300 - 15)::numeric, 2)::float8 AS amt
  FROM generate_series(1, 300000);
ANALYZE par.dense;
SELECT dormancy.bind_orders('par.orders', customer => 'cid', ordered_at => 'at', amount => 'amt', discounted => 'disc');
SET dormancy.as_of = '2026-11-01';

-- does a plan contain a node?  (booleans, so plan details may drift)
CREATE FUNCTION par.plan_has(query text, node text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line LIKE '%' || node || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;

-- serial reference
SET max_parallel_workers_per_gather = 0;
CREATE TABLE par.serial AS
SELECT customer_id, dormancy.purchase_history_send(history) AS bytes FROM dormancy.customer_histories;
-- (customer_status has no rank: the same window as call_list's, serial here and parallel below)
CREATE TABLE par.serial_status AS
SELECT *, rank() OVER (ORDER BY priority_score DESC, customer_id) AS priority_rank FROM dormancy.customer_status;
CREATE TABLE par.serial_dense AS
SELECT cid, dormancy.purchase_history_send(dormancy.purchase_history(day, amt)) AS bytes
  FROM par.dense GROUP BY cid;
CREATE TABLE par.serial_categories AS
SELECT customer_id, category, dormancy.purchase_history_send(history) AS bytes, order_rows
  FROM dormancy.category_histories_live;
SELECT par.plan_has('SELECT * FROM dormancy.customer_histories', 'Gather') AS serial_plan_has_gather;

-- forced parallel plan
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT par.plan_has('SELECT * FROM dormancy.customer_histories', 'Gather') AS has_gather,
	   par.plan_has('SELECT * FROM dormancy.customer_histories', 'Partial HashAggregate')
		OR par.plan_has('SELECT * FROM dormancy.customer_histories', 'Partial GroupAggregate') AS has_partial_aggregate,
	   par.plan_has('SELECT * FROM dormancy.customer_histories', 'Parallel Seq Scan') AS has_parallel_scan;
SELECT par.plan_has('SELECT state, count(*) FROM dormancy.customer_status GROUP BY state', 'Partial') AS status_plan_is_partial;
-- the histories a refresh stores: grouped in the customers' order, each
-- worker folding whole customers (never a hash aggregate, whose workers
-- each hold a partial state of most customers), and read in parallel by
-- the refresh that stores them all (a CREATE TABLE AS: an INSERT ...
-- SELECT would read them in one process)
SELECT par.plan_has('CREATE TEMP TABLE x AS SELECT * FROM dormancy.category_histories_live', 'Partial GroupAggregate') AS store_plan_is_partial,
	   par.plan_has('CREATE TEMP TABLE x AS SELECT * FROM dormancy.category_histories_live', 'HashAggregate') AS store_plan_hashes;
SELECT par.plan_has('SELECT cid, dormancy.purchase_history(day, amt) FROM par.dense GROUP BY cid', 'Partial') AS dense_plan_is_partial;

CREATE TABLE par.parallel AS
SELECT customer_id, dormancy.purchase_history_send(history) AS bytes FROM dormancy.customer_histories;
-- the same histories, bit for bit
SELECT count(*) AS customers, count(*) FILTER (WHERE s.bytes = p.bytes) AS identical
  FROM par.serial s JOIN par.parallel p USING (customer_id);
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE s.state = p.state AND s.last_order_at IS NOT DISTINCT FROM p.last_order_at
						  AND s.orders_count = p.orders_count AND s.order_days = p.order_days
						  AND s.total_amount = p.total_amount
						  AND s.priority_score IS NOT DISTINCT FROM p.priority_score
						  AND s.priority_rank IS NOT DISTINCT FROM p.priority_rank) AS matching_status
  FROM par.serial_status s
  JOIN (SELECT *, rank() OVER (ORDER BY priority_score DESC, customer_id) AS priority_rank
		  FROM dormancy.customer_status) p USING (customer_id);
-- days of many orders, summed in workers and combined: the same bits as the serial plan
SELECT count(*) AS customers, count(*) FILTER (WHERE s.bytes = p.bytes) AS identical
  FROM par.serial_dense s
  JOIN (SELECT cid, dormancy.purchase_history_send(dormancy.purchase_history(day, amt)) AS bytes
		  FROM par.dense GROUP BY cid) p USING (cid);

-- a refresh storing every history, in parallel: the same bits as the
-- serial histories
SELECT dormancy.reset_stored_histories();
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT history_mode, customers_recomputed FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT count(*) AS histories,
	   count(*) FILTER (WHERE s.bytes = dormancy.purchase_history_send(p.history) AND s.order_rows = p.order_rows) AS identical
  FROM par.serial_categories s
  JOIN dormancy.stored_histories p ON p.customer_key = s.customer_id::text AND p.category IS NOT DISTINCT FROM s.category;

-- a partial state that sees no rows (empty worker) combines cleanly
SELECT count(*) AS histories_of_nobody FROM dormancy.customer_histories WHERE customer_id < 0;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT dormancy.unbind('orders');
DROP SCHEMA par CASCADE;
