-- Two sessions at once (the other through dblink, ordered by locks):
--  1. fit_models() in a REPEATABLE READ transaction begun before a full
--     refresh: the refresh had emptied the history store with TRUNCATE,
--     which such a snapshot sees as empty, and the fit replaced every model
--     with an empty one; it now reads the orders there;
--  2. a REPEATABLE READ reader while the name keys are filled again (an
--     edit of legal_forms): it lost every duplicate_name gap;
--  3. two fit_models() at once: the second failed on models' unique key
--     when the first committed; it now waits and replaces the models;
--  4. a bind while a refresh runs: the two took their locks in opposite
--     orders (a deadlock); a bind now waits for the refresh's lock.
-- (the fits' warnings of unconverged segments are not what is tested)
SET client_min_messages = error;
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA cs;
CREATE TABLE cs.customers (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE cs.orders (customer integer, day date, amount numeric);
INSERT INTO cs.customers
SELECT i, CASE WHEN i <= 4 THEN 'Shared Name' ELSE 'Company ' || i END,
	   CASE WHEN i % 2 = 0 THEN 'manufacturing' ELSE 'ec' END
  FROM generate_series(1, 600) i;
SELECT setseed(0.42);
-- purchases at a random rate per customer, each customer dropping out after a few
INSERT INTO cs.orders
SELECT id, date '2022-01-01' + t::int, 1000 + 50 * u
  FROM (SELECT c.id, c.first + sum(-ln(1 - random()) / c.rate) OVER (PARTITION BY c.id ORDER BY k) AS t,
			   random() AS u, k, c.lives
		  FROM (SELECT a.id, 700 * random() AS first,
					   (-ln(1 - random()) * -ln(1 - random())) / 40 + 0.002 AS rate,
					   1 + floor(ln(1 - random()) / ln(1 - (0.05 + 0.4 * random())))::int AS lives
				  FROM cs.customers a) c, generate_series(0, 60) k) x
 WHERE k < lives AND t < 1760;
\i test/sql_ref/empty_snapshot.sql
SELECT dormancy.bind_customers('cs.customers', id => 'id', name => 'name', industry => 'industry');
SELECT dormancy.bind_orders('cs.orders', customer => 'customer', ordered_at => 'day', amount => 'amount');
CALL dormancy.refresh();
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
CREATE TABLE cs.models_before AS SELECT segment_kind, segment_value, bgnbd::text AS bgnbd FROM dormancy.models;
CREATE TABLE cs.distribution_before AS SELECT count(*) AS quantiles FROM dormancy.value_distribution;

CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=%s',
	split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
	current_database(), current_user));
SELECT dblink_exec('other', 'SET dormancy.as_of = ''2026-11-01''');

-- 1.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) AS models FROM dormancy.models;
SELECT dblink_exec('other', 'DO $x$ BEGIN PERFORM dormancy.reset_stored_histories(); END $x$');
SELECT dblink_exec('other', 'CALL dormancy.refresh()');
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
COMMIT;
SELECT b.segment_kind, b.segment_value, b.bgnbd IS NOT NULL AS fitted_before, m.bgnbd IS NOT NULL AS fitted_after,
	   m.bgnbd::text IS NOT DISTINCT FROM b.bgnbd AS same_fit
  FROM cs.models_before b
  LEFT JOIN dormancy.models m ON m.segment_kind = b.segment_kind AND m.segment_value IS NOT DISTINCT FROM b.segment_value
 ORDER BY 1, 2;
SELECT (SELECT count(*) FROM dormancy.value_distribution) = b.quantiles AS same_value_distribution
  FROM cs.distribution_before b;

-- 2. (the snapshot taken on another table: a reader of the keys themselves
-- held the TRUNCATE off, and the two sessions waited for each other)
SELECT array_agg(customer_id ORDER BY customer_id) AS duplicate_names
  FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps);
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) > 0 AS snapshot_taken FROM dormancy.rules;
SELECT dblink_exec('other', 'INSERT INTO dormancy.legal_forms (form) VALUES (''Unlimited Company'')');
SELECT array_agg(customer_id ORDER BY customer_id) AS duplicate_names_after_the_keys_were_filled_again
  FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps);
COMMIT;
SELECT dblink_exec('other', 'DELETE FROM dormancy.legal_forms WHERE form = ''Unlimited Company''');

-- 3.
SELECT set_config('cs.other_pid', (SELECT pid::text FROM dblink('other', 'SELECT pg_backend_pid()') AS t(pid integer)), false) IS NOT NULL AS got_pid;
BEGIN;
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
SELECT dblink_send_query('other', 'SELECT count(*) FROM dormancy.fit_models()');
-- until the other fit waits for this one
DO $$
BEGIN
	FOR i IN 1 .. 300 LOOP
		EXIT WHEN EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = current_setting('cs.other_pid')::integer AND NOT l.granted);
		PERFORM pg_sleep(0.05);
	END LOOP;
END
$$;
COMMIT;
SELECT count(*) > 0 AS other_fitted FROM dblink_get_result('other') AS t(n bigint);
SELECT * FROM dblink_get_result('other') AS t(n bigint);
SELECT count(*) = (SELECT count(*) FROM cs.models_before) AS models_replaced FROM dormancy.models;

-- 4.
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE');
SET lock_timeout = '1s';
\set VERBOSITY terse
SELECT dormancy.bind_orders('cs.orders', customer => 'customer', ordered_at => 'day', amount => 'amount');
\set VERBOSITY default
RESET lock_timeout;
SELECT dblink_exec('other', 'ROLLBACK');
SELECT dormancy.bind_orders('cs.orders', customer => 'customer', ordered_at => 'day', amount => 'amount');

SELECT dblink_disconnect('other');

-- 5. a refresh works at READ COMMITTED whatever the session's default (under
-- serializable, an order written during a full refresh failed it with a
-- serialization error, which also kept its failure from being logged)
CREATE TEMP TABLE refresh_isolation (level text);
CREATE FUNCTION pg_temp.note_isolation() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN INSERT INTO refresh_isolation VALUES (current_setting('transaction_isolation')); RETURN NULL; END$$;
CREATE TRIGGER note_isolation AFTER INSERT OR UPDATE OR DELETE ON dormancy.status_snapshot
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.note_isolation();
SET default_transaction_isolation = 'serializable';
CALL dormancy.refresh();
RESET default_transaction_isolation;
DROP TRIGGER note_isolation ON dormancy.status_snapshot;
SELECT DISTINCT level FROM refresh_isolation ORDER BY 1;
SELECT outcome FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
DELETE FROM dormancy.models;
DELETE FROM dormancy.value_distribution;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA cs CASCADE;
