-- A query over a bound table of 1M orders uses a parallel plan (partial
-- aggregation of purchase histories in workers, combined in the leader) and
-- gives the same histories as a serial plan.
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
SELECT customer_id, d.* FROM dormancy.customer_histories, dormancy.purchase_history_days(history) AS d;
CREATE TABLE par.serial_status AS SELECT * FROM dormancy.customer_status;
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

CREATE TABLE par.parallel AS
SELECT customer_id, d.* FROM dormancy.customer_histories, dormancy.purchase_history_days(history) AS d;
-- counts equal; amounts equal up to the order of floating-point additions
SELECT (SELECT count(*) FROM par.serial) AS customer_days,
	   count(*) FILTER (WHERE s.orders = p.orders AND s.refunds = p.refunds
						  AND s.unknown_amount_orders = p.unknown_amount_orders
						  AND s.discounted_orders = p.discounted_orders
						  AND s.max_order IS NOT DISTINCT FROM p.max_order
						  AND s.is_purchase_day = p.is_purchase_day
						  AND abs(s.amount - p.amount) <= 1e-9 * greatest(1, abs(s.amount))) AS matching_days
  FROM par.serial s JOIN par.parallel p USING (customer_id, day);
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE s.state = p.state AND s.last_order_at IS NOT DISTINCT FROM p.last_order_at
						  AND s.orders_count = p.orders_count AND s.order_days = p.order_days
						  AND abs(s.total_amount - p.total_amount) <= 1e-9 * greatest(1, abs(s.total_amount))) AS matching_status
  FROM par.serial_status s JOIN dormancy.customer_status p USING (customer_id);

-- a partial state that sees no rows (empty worker) combines cleanly
SELECT count(*) AS histories_of_nobody FROM dormancy.customer_histories WHERE customer_id < 0;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT dormancy.unbind('orders');
DROP SCHEMA par CASCADE;
