-- A refresh interrupted by statement_timeout or pg_cancel_backend is logged
-- as failed with SQLSTATE 57014 when it happens (not only as aborted at the
-- next run), the previous snapshot stays, and the error reaches the caller.
-- (A terminated session cannot log anything: test/integration/settings.sh
-- checks that the next refresh marks that run aborted.)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA cancel_t;
CREATE TABLE cancel_t.orders (customer integer, at date, total numeric);
INSERT INTO cancel_t.orders SELECT i % 40, date '2026-01-01' + i, i FROM generate_series(1, 200) i;
-- views over the orders whose amount is slow to read (the refresh takes
-- about 10 s: statement_timeout ends it in its work), or cancels the session's
-- own statement (what pg_cancel_backend from another session does)
CREATE FUNCTION cancel_t.slow(numeric) RETURNS numeric LANGUAGE sql VOLATILE AS $$
	SELECT pg_sleep(0.05);
	SELECT $1
$$;
CREATE FUNCTION cancel_t.cancelling(numeric) RETURNS numeric LANGUAGE sql VOLATILE AS $$
	SELECT pg_cancel_backend(pg_backend_pid());
	SELECT pg_sleep(0.05);
	SELECT $1
$$;
CREATE VIEW cancel_t.slow_orders AS SELECT customer, at, cancel_t.slow(total) AS total FROM cancel_t.orders;
CREATE VIEW cancel_t.cancelling_orders AS SELECT customer, at, cancel_t.cancelling(total) AS total FROM cancel_t.orders;

SELECT dormancy.bind_orders('cancel_t.orders', customer => 'customer', ordered_at => 'at', amount => 'total');
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh('2026-11-01');
SELECT count(*) AS snapshot_rows, min(refreshed_at) AS refreshed_at FROM dormancy.status_snapshot \gset
SELECT coalesce(max(run_id), 0) AS run0 FROM dormancy.refresh_runs \gset

SELECT dormancy.bind_orders('cancel_t.slow_orders', customer => 'customer', ordered_at => 'at', amount => 'total');
\set VERBOSITY terse
SET statement_timeout = '1s';
CALL dormancy.refresh('2026-11-01');
RESET statement_timeout;

SELECT dormancy.bind_orders('cancel_t.cancelling_orders', customer => 'customer', ordered_at => 'at', amount => 'total');
CALL dormancy.refresh('2026-11-01');
\set VERBOSITY default

SELECT outcome, sqlstate, error_text, finished_at IS NOT NULL AS finished
  FROM dormancy.refresh_runs WHERE run_id > :run0 ORDER BY run_id;
-- the previous snapshot stayed
SELECT count(*) = :snapshot_rows AS same_rows, min(refreshed_at) = :'refreshed_at' AS same_refresh
  FROM dormancy.status_snapshot;
-- the next run does not turn them into aborted
SELECT dormancy.bind_orders('cancel_t.orders', customer => 'customer', ordered_at => 'at', amount => 'total');
CALL dormancy.refresh('2026-11-01');
SELECT outcome, sqlstate FROM dormancy.refresh_runs WHERE run_id > :run0 ORDER BY run_id;

SELECT dormancy.unbind('orders');
DROP SCHEMA cancel_t CASCADE;
