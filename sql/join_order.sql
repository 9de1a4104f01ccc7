-- dormancy.join_order (src/join_order.c): queries that read a view of the
-- extension are planned with their joins in the written order on a Citus
-- coordinator (auto), or always (written), or never (planner).  On Citus a
-- lookup of one customer spent most of its time in Citus's planning of the
-- joins PostgreSQL's search tried (docs/scaling-out.md); this server has no
-- Citus, so auto leaves the planner free here.
SET client_min_messages = warning;
CREATE SCHEMA join_order;
-- a and b join on a key of 100 values (a million pairs), b and c on b's id,
-- where c has one row: the planner joins b to c first; written, a to b is
-- joined first
CREATE TABLE join_order.a (k integer);
CREATE TABLE join_order.b (id integer, k integer);
CREATE TABLE join_order.c (id integer PRIMARY KEY);
INSERT INTO join_order.a SELECT g % 100 FROM generate_series(1, 10000) g;
INSERT INTO join_order.b SELECT g, g % 100 FROM generate_series(1, 10000) g;
INSERT INTO join_order.c VALUES (1);
ANALYZE join_order.a, join_order.b, join_order.c;
-- the library is loaded (the hook is in place from the next query on)
SELECT dormancy.as_of_day() IS NOT NULL AS loaded;
SHOW dormancy.join_order;
SET join_collapse_limit = 6;
-- the query reads a view of the extension (src_bindings, one row)
CREATE FUNCTION join_order.plan(reads_view boolean, in_sublink boolean DEFAULT false) RETURNS SETOF text
	LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS off) SELECT count(*) FROM join_order.a '
		'JOIN join_order.b ON b.k = a.k JOIN join_order.c ON c.id = b.id'
		|| CASE WHEN reads_view AND in_sublink THEN ' WHERE EXISTS (SELECT FROM dormancy.src_bindings s)'
				WHEN reads_view THEN ' CROSS JOIN dormancy.src_bindings s' ELSE '' END
	LOOP
		RETURN NEXT line;
	END LOOP;
END
$$;
-- auto, no Citus: the planner's order (b with c first)
SELECT * FROM join_order.plan(true);
SET dormancy.join_order = written;
-- written: a with b first, as written
SELECT * FROM join_order.plan(true);
-- also when the view is read in a sublink (the written order)
SELECT * FROM join_order.plan(true, in_sublink => true);
-- a query that reads no view of the extension keeps the planner's order
SELECT * FROM join_order.plan(false);
-- the session's join_collapse_limit is in force again after planning
SHOW join_collapse_limit;
-- also after planning failed (the division is folded while planning),
-- in a subtransaction rolled back and in the transaction around it
BEGIN;
SAVEPOINT s;
SELECT 1 / 0 FROM dormancy.src_bindings;
ROLLBACK TO SAVEPOINT s;
SHOW join_collapse_limit;
SELECT * FROM join_order.plan(true);
COMMIT;
SHOW join_collapse_limit;
SET dormancy.join_order = planner;
SELECT * FROM join_order.plan(true);
-- the value is checked
SET dormancy.join_order = sometimes;
RESET dormancy.join_order;
RESET join_collapse_limit;
DROP SCHEMA join_order CASCADE;
