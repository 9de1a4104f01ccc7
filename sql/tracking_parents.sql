-- Bound orders that have a parent (a partition bound by itself, a child of
-- inheritance, a table attached to a partitioned table after it was bound):
-- a write through the parent fires the parent's statement triggers only, so
-- the bound relation's change tracking would not see it.  Such orders are
-- not tracked (every refresh reads them all); one that gets a parent later
-- makes the next refresh notice it and read them all from then on (they
-- were tracked, and the snapshot stayed stale: writes through the parent
-- were never marked).  Each time the snapshot equals customer_status.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/unbind_all.sql
\i test/sql_ref/empty_snapshot.sql
CREATE SCHEMA tp;
CREATE TABLE tp.customers (id integer PRIMARY KEY, name text);
INSERT INTO tp.customers VALUES (1, 'A'), (2, 'B');
SELECT dormancy.bind_customers('tp.customers', id => 'id', name => 'name') IS NOT NULL AS bound;
CREATE FUNCTION tp.snapshot_differs() RETURNS bigint LANGUAGE plpgsql AS $f$ BEGIN RETURN (
	SELECT count(*) FROM ((SELECT customer_id, state, last_order_at, total_amount FROM dormancy.status_snapshot
						   EXCEPT SELECT customer_id, state, last_order_at, total_amount FROM dormancy.customer_status)
						  UNION ALL
						  (SELECT customer_id, state, last_order_at, total_amount FROM dormancy.customer_status
						   EXCEPT SELECT customer_id, state, last_order_at, total_amount FROM dormancy.status_snapshot)) d); END $f$;

-- 1. a partition bound by itself, written through its parent
CREATE TABLE tp.o_all (customer integer, at date, amount numeric) PARTITION BY RANGE (at);
CREATE TABLE tp.o_2026 PARTITION OF tp.o_all FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO tp.o_all VALUES (1, '2026-02-01', 10), (2, '2026-02-01', 5);
SELECT dormancy.bind_orders('tp.o_2026', customer => 'customer', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT tracked, reason FROM dormancy.history_store_state;
CALL dormancy.refresh();
INSERT INTO tp.o_all VALUES (2, '2026-10-25', 500);
CALL dormancy.refresh();
SELECT history_mode FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT tp.snapshot_differs() AS differs;

-- 2. a plain table bound, then attached to a partitioned table and written
-- through it: the next refresh sees the parent, reads all orders
CREATE TABLE tp.o (customer integer, at date, amount numeric);
INSERT INTO tp.o VALUES (1, '2026-02-01', 10);
SELECT dormancy.bind_orders('tp.o', customer => 'customer', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT tracked FROM dormancy.history_store_state;
CALL dormancy.refresh();
CREATE TABLE tp.o_parent (customer integer, at date, amount numeric) PARTITION BY RANGE (at);
ALTER TABLE tp.o_parent ATTACH PARTITION tp.o FOR VALUES FROM ('2020-01-01') TO ('2030-01-01');
DELETE FROM tp.o_parent WHERE customer = 1;
CALL dormancy.refresh();
SELECT history_mode, history_reason FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT tracked FROM dormancy.history_store_state;
SELECT tp.snapshot_differs() AS differs;

\i test/sql_ref/unbind_all.sql
\i test/sql_ref/empty_snapshot.sql
DROP SCHEMA tp CASCADE;
RESET dormancy.as_of;
