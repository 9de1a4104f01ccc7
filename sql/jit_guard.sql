-- Queries that read the extension's views or call its functions run without
-- JIT (src/jit_guard.c): their work is in C functions, which JIT does not
-- compile, and compiling the SQL around them cost time per query
-- (docs/operations.md, JIT and planner statistics).  dormancy.jit = on
-- leaves the choice to PostgreSQL again.
-- JIT is forced on every plan here (jit_above_cost = 0), and each part
-- starts a new session (\c), in which the library is not loaded: planning
-- the view has to load it before the query starts.
SET client_min_messages = warning;
CREATE SCHEMA jit_guard;
CREATE TABLE jit_guard.customers (id bigint PRIMARY KEY, name text);
CREATE TABLE jit_guard.orders (customer bigint, ordered_at date, amount numeric);
INSERT INTO jit_guard.customers SELECT g, 'customer ' || g FROM generate_series(0, 49) g;
INSERT INTO jit_guard.orders
SELECT g % 50, date '2026-01-01' + g % 300, g FROM generate_series(1, 2000) g;
SELECT dormancy.bind_customers('jit_guard.customers', id => 'id', name => 'name') IS NOT NULL AS customers_bound;
SELECT dormancy.bind_orders('jit_guard.orders', customer => 'customer', ordered_at => 'ordered_at', amount => 'amount') IS NOT NULL AS orders_bound;
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh('2026-11-01');
SELECT count(*) AS snapshot_rows FROM dormancy.status_snapshot;
-- whether PostgreSQL JIT-compiled the query (EXPLAIN ANALYZE gives a JIT entry)
CREATE FUNCTION jit_guard.compiled(query text) RETURNS boolean
	LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, TIMING off, FORMAT JSON) ' || query INTO plan;
	RETURN plan -> 0 -> 'JIT' IS NOT NULL;
END
$$;

-- a new session: this server compiles a query of your own table
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SELECT pg_jit_available() AS jit_available,
	   jit_guard.compiled('SELECT customer, sum(amount) FROM jit_guard.orders GROUP BY customer') AS own_table_compiled;

-- a new session: the evaluation views run without JIT from the first query
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SET dormancy.as_of = '2026-11-01';
SELECT jit_guard.compiled('SELECT * FROM dormancy.customer_status') AS customer_status_compiled;
SELECT jit_guard.compiled('SELECT * FROM dormancy.customer_core c JOIN jit_guard.orders o ON o.customer = 1') AS with_own_table_compiled;
-- ... and with dormancy.jit on, as any query
SET dormancy.jit = on;
SELECT jit_guard.compiled('SELECT * FROM dormancy.customer_status') AS customer_status_compiled_when_allowed;
RESET dormancy.jit;
SELECT jit_guard.compiled('SELECT customer, sum(amount) FROM jit_guard.orders GROUP BY customer') AS own_table_still_compiled;

-- a new session each: the histories, and the views over the snapshot (label())
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SELECT jit_guard.compiled('SELECT * FROM dormancy.customer_histories_live') AS histories_compiled;
SET dormancy.jit = on;
SELECT jit_guard.compiled('SELECT * FROM dormancy.customer_histories_live') AS histories_compiled_when_allowed;
RESET dormancy.jit;
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SELECT jit_guard.compiled('SELECT * FROM dormancy.snapshot_call_list') AS snapshot_call_list_compiled;
SET dormancy.jit = on;
SELECT jit_guard.compiled('SELECT * FROM dormancy.snapshot_call_list') AS snapshot_call_list_compiled_when_allowed;
RESET dormancy.jit;
-- your own query of your own table that calls the extension's functions
-- (here its aggregate, in a new session: its transition function's planner
-- support loads the library) runs without JIT too; one that calls none is
-- PostgreSQL's to decide
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SELECT jit_guard.compiled('SELECT customer, dormancy.purchase_history(ordered_at, amount::float8) FROM jit_guard.orders GROUP BY customer') AS own_aggregate_compiled;
SELECT jit_guard.compiled('SELECT customer, dormancy.as_of_day() - max(ordered_at) FROM jit_guard.orders GROUP BY customer') AS own_query_with_as_of_day_compiled;
SELECT jit_guard.compiled('SELECT customer, count(*) FROM jit_guard.orders WHERE amount > 0 GROUP BY customer') AS own_query_compiled;
SET dormancy.jit = on;
SELECT jit_guard.compiled('SELECT customer, dormancy.purchase_history(ordered_at, amount::float8) FROM jit_guard.orders GROUP BY customer') AS own_aggregate_compiled_when_allowed;
RESET dormancy.jit;
-- the functions of the extension are read once per session and again after
-- any change to pg_proc: a function created in its schema now is known at
-- the next query (a PL/pgSQL one: a SQL one would be inlined)
CREATE FUNCTION dormancy.jit_guard_probe(x numeric) RETURNS numeric
	LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN x; END $$;
SELECT jit_guard.compiled('SELECT customer, sum(dormancy.jit_guard_probe(amount)) FROM jit_guard.orders GROUP BY customer') AS new_function_compiled;
DROP FUNCTION dormancy.jit_guard_probe(numeric);

-- the limit: a plain table of the extension read first in a session, before
-- anything loaded the library, is compiled; once it is loaded, not
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SELECT jit_guard.compiled('SELECT count(*) FROM dormancy.status_snapshot WHERE state <> ''active''') AS snapshot_table_first_compiled;
SELECT dormancy.label('state', 'dormant') IS NOT NULL AS library_loaded;
SELECT jit_guard.compiled('SELECT count(*) FROM dormancy.status_snapshot WHERE state <> ''active''') AS snapshot_table_compiled;

-- a cached plan is not changed: dormancy.jit applies at each execution
\c
SET jit = on; SET jit_above_cost = 0; SET jit_optimize_above_cost = -1; SET jit_inline_above_cost = -1;
SET plan_cache_mode = force_generic_plan;
PREPARE core_count AS SELECT count(*) FROM dormancy.customer_core;
SELECT jit_guard.compiled('EXECUTE core_count') AS prepared_compiled;
SET dormancy.jit = on;
SELECT jit_guard.compiled('EXECUTE core_count') AS prepared_compiled_when_allowed;
RESET dormancy.jit;
SELECT jit_guard.compiled('EXECUTE core_count') AS prepared_compiled_again;
EXECUTE core_count;
DEALLOCATE core_count;

-- the setting: a boolean, off by default, that any role may set for itself
SELECT name, setting, vartype, context, boot_val FROM pg_settings WHERE name = 'dormancy.jit';
SET dormancy.jit = 'maybe';

RESET ALL;
SELECT count(*) AS unbound FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s) u;
DROP SCHEMA jit_guard CASCADE;
