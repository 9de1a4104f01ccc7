-- CALL dormancy.refresh(): the snapshot equals customer_status, state changes
-- go to status_history and recent_transitions, every run is logged, a failing
-- refresh keeps the previous snapshot, the snapshot follows a change of the id
-- type, a second refresh skips while another holds the lock, empty bindings.
SET client_min_messages = warning;
-- a fresh install: earlier tests edit rules and settings
DROP EXTENSION dormancy CASCADE;
-- the snapshot is an ordinary table (like the generated views): DROP EXTENSION leaves it
DROP TABLE IF EXISTS dormancy.status_snapshot CASCADE;
CREATE EXTENSION dormancy;
-- no snapshot until something is bound: refresh says so, and so do the
-- models (they failed on an internal relation, with an internal query's text)
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
SELECT outcome, sqlstate, error_text FROM dormancy.refresh_runs;
\set SHOW_CONTEXT never
SELECT * FROM dormancy.fit_models();
SELECT * FROM dormancy.validate_models('2026-01-01', '2026-06-01');
\set SHOW_CONTEXT errors
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set customers 1500
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off

-- start from nothing bound (earlier tests leave bindings)
DO $$
DECLARE s text;
BEGIN
	FOR s IN SELECT source FROM dormancy.bindings ORDER BY source LOOP
		PERFORM dormancy.unbind(s);
	END LOOP;
	PERFORM dormancy.rebind();
END
$$;

-- runs and history of this test only
SELECT coalesce(max(run_id), 0) AS run0 FROM dormancy.refresh_runs \gset
SELECT coalesce(max(history_id), 0) AS hist0 FROM dormancy.status_history \gset
CREATE SCHEMA refresh_t;
CREATE VIEW refresh_t.runs AS
SELECT row_number() OVER (ORDER BY r.run_id) AS run, r.outcome, r.rows, r.changes, r.as_of, r.reshaped,
	   r.sqlstate, r.error_text, (r.finished_at >= r.started_at) AS finished
  FROM dormancy.refresh_runs r WHERE r.run_id > :run0;
CREATE VIEW refresh_t.last_run AS SELECT * FROM refresh_t.runs ORDER BY run DESC LIMIT 1;
CREATE VIEW refresh_t.history AS
SELECT dense_rank() OVER (ORDER BY h.run_id) AS run, h.change, h.from_state, h.to_state, h.as_of
  FROM dormancy.status_history h WHERE h.history_id > :hist0;
-- the snapshot holds exactly customer_status (both ways, duplicates counted)
CREATE FUNCTION refresh_t.snapshot_vs_status(OUT snapshot_rows bigint, OUT missing bigint, OUT extra bigint,
	OUT refreshed_at_values bigint)
LANGUAGE plpgsql AS $$
DECLARE
	cols text := (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
				   WHERE attrelid = 'dormancy.customer_status'::regclass AND attnum > 0 AND NOT attisdropped);
BEGIN
	SELECT count(*), count(DISTINCT s.refreshed_at) INTO snapshot_rows, refreshed_at_values FROM dormancy.status_snapshot s;
	-- rows compared as text: every column type has one, not every type has equality
	EXECUTE format('SELECT count(*) FROM (SELECT ROW(%s)::text FROM dormancy.customer_status EXCEPT ALL SELECT ROW(%s)::text FROM dormancy.status_snapshot) d', cols, cols) INTO missing;
	EXECUTE format('SELECT count(*) FROM (SELECT ROW(%s)::text FROM dormancy.status_snapshot EXCEPT ALL SELECT ROW(%s)::text FROM dormancy.customer_status) d', cols, cols) INTO extra;
END
$$;
-- columns of customer_status the snapshot lacks or types differently (none expected)
CREATE FUNCTION refresh_t.shape_differences()
	RETURNS TABLE (column_name name, in_status text, in_snapshot text)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY
	SELECT coalesce(v.attname, t.attname), format_type(v.atttypid, v.atttypmod), format_type(t.atttypid, t.atttypmod)
	  FROM (SELECT * FROM pg_attribute WHERE attrelid = 'dormancy.customer_status'::regclass AND attnum > 0 AND NOT attisdropped) v
	  FULL JOIN (SELECT * FROM pg_attribute WHERE attrelid = 'dormancy.status_snapshot'::regclass AND attnum > 0
					AND NOT attisdropped AND attname NOT IN ('customer_key', 'refreshed_at', 'priority_rank')) t ON t.attname = v.attname
	 WHERE v.atttypid IS DISTINCT FROM t.atttypid OR v.atttypmod IS DISTINCT FROM t.atttypmod;
END
$$;

-- 1. nothing bound: an empty snapshot
SET dormancy.as_of = '2026-10-01';
CALL dormancy.refresh();
SELECT * FROM refresh_t.runs;
SELECT * FROM refresh_t.snapshot_vs_status();

-- 2. the demo, as of 2026-11-01: the first refresh sees every customer as new;
-- the id column becomes integer (the demo's), so the snapshot is reshaped
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SET dormancy.as_of = '2026-11-01';
CALL dormancy.refresh();
SELECT * FROM refresh_t.runs;
SELECT * FROM refresh_t.snapshot_vs_status();
SELECT * FROM refresh_t.shape_differences();
SELECT format_type(atttypid, atttypmod) AS snapshot_customer_id
  FROM pg_attribute WHERE attrelid = 'dormancy.status_snapshot'::regclass AND attname = 'customer_id';
SELECT run, change, to_state, count(*) FROM refresh_t.history GROUP BY 1, 2, 3 ORDER BY run, change COLLATE "C", to_state COLLATE "C";
SELECT (SELECT count(*) FROM refresh_t.history) = (SELECT count(*) FROM dormancy.customer_status) AS every_customer_new;

-- the states on 2026-11-01 and on 2026-12-01, straight from customer_status
CREATE TABLE refresh_t.states_1101 AS SELECT customer_id::text AS customer_id, state FROM dormancy.customer_status;
SET dormancy.as_of = '2026-12-01';
CREATE TABLE refresh_t.states_1201 AS SELECT customer_id::text AS customer_id, state FROM dormancy.customer_status;

-- 3. a month later: the changes recorded are exactly the customers whose state differs
CALL dormancy.refresh();
SELECT * FROM refresh_t.runs;
SELECT * FROM refresh_t.snapshot_vs_status();
-- written in place, every row's score_breakdown stored compressed with lz4
-- where the server has it: in line (_lz4_in_line), since a row is under the
-- 2 kB at which PostgreSQL would compress it itself (without, only the rows
-- over 2 kB are); it reads back as customer_status's (above)
SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS lz4 \gset
SELECT (SELECT snapshot_written FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1) AS written,
	   NOT :'lz4'::boolean OR bool_and(pg_column_compression(score_breakdown) IS NOT DISTINCT FROM 'lz4') AS every_breakdown_lz4
  FROM dormancy.status_snapshot WHERE score_breakdown IS NOT NULL;
SELECT run, from_state, to_state, count(*) FROM refresh_t.history WHERE run = 2
 GROUP BY 1, 2, 3 ORDER BY from_state COLLATE "C", to_state COLLATE "C";
SELECT count(*) AS mismatches
  FROM (SELECT h.customer_id, h.from_state, h.to_state FROM dormancy.status_history h
		 WHERE h.history_id > :hist0 AND h.as_of = '2026-12-01') h
  FULL JOIN (SELECT a.customer_id, a.state AS from_state, b.state AS to_state
			   FROM refresh_t.states_1101 a JOIN refresh_t.states_1201 b USING (customer_id)
			  WHERE a.state IS DISTINCT FROM b.state) d USING (customer_id)
 WHERE h.customer_id IS NULL OR d.customer_id IS NULL
	OR h.from_state IS DISTINCT FROM d.from_state OR h.to_state IS DISTINCT FROM d.to_state;

-- recent_transitions: "who became dormant this week" and the last 31 days
SELECT count(*) AS became_dormant_this_week
  FROM dormancy.recent_transitions
 WHERE to_state = 'dormant' AND change = 'changed' AND days_ago < 7;
SELECT count(*) = (SELECT count(*) FROM refresh_t.history WHERE run = 2 AND to_state = 'dormant') AS agrees_with_history
  FROM dormancy.recent_transitions
 WHERE to_state = 'dormant' AND change = 'changed' AND days_ago < 7;
SELECT days_ago, change, count(*), count(name) AS named, bool_and(current_state IS NOT DISTINCT FROM to_state) AS still_in_that_state
  FROM dormancy.recent_transitions GROUP BY 1, 2 ORDER BY 1, 2;
SELECT customer_id, name, from_state, to_state, as_of, days_ago, current_state
  FROM dormancy.recent_transitions
 WHERE change = 'changed' AND to_state = 'long_dormant'
 ORDER BY customer_id COLLATE "C" LIMIT 5;

-- the same day again, given as an argument instead of the setting: nothing changed
RESET dormancy.as_of;
CALL dormancy.refresh('2026-12-01');
SET dormancy.as_of = '2026-12-01';
SELECT * FROM refresh_t.last_run;

-- 4. a refresh that fails keeps the previous snapshot and logs the error
CREATE VIEW refresh_t.bad_invoices AS
SELECT account_id, invoiced_on, total / CASE WHEN invoice_id = 7 THEN 0 ELSE 1 END AS total FROM demo.invoices;
SELECT dormancy.bind_orders('refresh_t.bad_invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total');
SELECT max(refreshed_at) AS refreshed_before FROM dormancy.status_snapshot \gset
SET dormancy.as_of = '2026-12-08';
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
SELECT * FROM refresh_t.last_run;
SELECT count(*) AS snapshot_rows, min(as_of) AS as_of, bool_and(refreshed_at = :'refreshed_before') AS unchanged
  FROM dormancy.status_snapshot;
SELECT count(*) AS history_rows_of_failed_run FROM refresh_t.history WHERE run > 3;

-- 5. re-bound to bigint ids: the snapshot's customer_id follows (reshaped),
-- a row security policy on it is kept, the history goes on (same ids as text:
-- no change), the views over the snapshot keep their column types
SELECT dormancy.unbind('orders');
CREATE TABLE refresh_t.accounts8 AS
SELECT account_id::bigint AS account_id, account_name, sector, size_class FROM demo.accounts;
CREATE VIEW refresh_t.invoices8 AS
SELECT account_id::bigint AS account_id, invoiced_on, total, category, discounted FROM demo.invoices;
SELECT dormancy.bind_customers('refresh_t.accounts8', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('refresh_t.invoices8', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
-- (one written with customer_key, the id as text; one with customer_id as it is now)
CREATE POLICY ec_only ON dormancy.status_snapshot FOR SELECT TO dormancy_reader
	USING (customer_key IN (SELECT a.account_id::text FROM refresh_t.accounts8 a WHERE a.sector = 'ec'));
CREATE POLICY by_id ON dormancy.status_snapshot FOR SELECT TO dormancy_reader
	USING (customer_id IN (SELECT a.account_id FROM refresh_t.accounts8 a WHERE a.sector = 'ec'));
-- (a compression method set on a column of the snapshot stays)
ALTER TABLE dormancy.status_snapshot ALTER COLUMN evidence SET COMPRESSION pglz;
CREATE TEMP TABLE view_columns_before AS
SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE c.relname IN ('segment_summary', 'snapshot_call_list', 'recent_transitions')
   AND c.relnamespace = 'dormancy'::regnamespace AND a.attnum > 0;
SET dormancy.as_of = '2026-12-01';
CALL dormancy.refresh();
SELECT * FROM refresh_t.last_run;
SELECT * FROM refresh_t.snapshot_vs_status();
SELECT * FROM refresh_t.shape_differences();
SELECT format_type(atttypid, atttypmod) AS snapshot_customer_id
  FROM pg_attribute WHERE attrelid = 'dormancy.status_snapshot'::regclass AND attname = 'customer_id';
SELECT polname, pg_get_expr(polqual, polrelid) AS policy FROM pg_policy
 WHERE polrelid = 'dormancy.status_snapshot'::regclass ORDER BY polname COLLATE "C";
SELECT count(*) AS view_columns_changed
  FROM (SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type
		  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		 WHERE c.relname IN ('segment_summary', 'snapshot_call_list', 'recent_transitions')
		   AND c.relnamespace = 'dormancy'::regnamespace AND a.attnum > 0
		EXCEPT SELECT * FROM view_columns_before) d;
SELECT indexrelid::regclass AS snapshot_index FROM pg_index
 WHERE indrelid = 'dormancy.status_snapshot'::regclass ORDER BY indexrelid::regclass::text COLLATE "C";
-- the values PostgreSQL compresses in the snapshot (score_breakdown, in
-- rows over 2 kB) are compressed with lz4 where the server has it, also after
-- the reshape; evidence keeps the method set above (both show false without it)
SELECT a.attcompression = CASE WHEN a.attname = 'evidence' THEN 'p' WHEN :'lz4'::boolean THEN 'l' ELSE '' END AS as_expected,
	   count(*) AS columns, count(*) FILTER (WHERE a.attname IN ('score_breakdown', 'customer_key')) AS of_which_named
  FROM pg_attribute a
 WHERE a.attrelid = 'dormancy.status_snapshot'::regclass AND a.attnum > 0 AND NOT a.attisdropped
   AND a.attstorage IN ('x', 'm')
 GROUP BY 1 ORDER BY 1;
SELECT pg_column_compression(score_breakdown) = CASE WHEN :'lz4'::boolean THEN 'lz4' ELSE 'pglz' END AS method_as_expected,
	   count(*) > 0 AS some_compressed
  FROM dormancy.status_snapshot WHERE pg_column_compression(score_breakdown) IS NOT NULL GROUP BY 1;
-- (and after the reshape to bigint ids, which emptied the snapshot (a column
-- changed its type) and filled it again: logged replaced, as it was; it
-- said in place)
SELECT (SELECT snapshot_written FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1) AS written,
	   NOT :'lz4'::boolean OR bool_and(pg_column_compression(score_breakdown) IS NOT DISTINCT FROM 'lz4') AS every_breakdown_lz4
  FROM dormancy.status_snapshot WHERE score_breakdown IS NOT NULL;

-- your own view on the snapshot's customer_id blocks the next type change:
-- the refresh fails, says why, and leaves the snapshot as it was
CREATE VIEW refresh_t.my_ids AS SELECT customer_id FROM dormancy.status_snapshot;
SELECT dormancy.unbind('orders');
CREATE TABLE refresh_t.accounts_text AS
SELECT account_id::text AS account_id, account_name, sector, size_class FROM demo.accounts;
SELECT dormancy.bind_customers('refresh_t.accounts_text', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
SELECT run, outcome, sqlstate, error_text FROM refresh_t.last_run;
-- the error names the view in the way (PostgreSQL's own detail; until
-- 2026-12-07 it was dropped, and a reader's temporary view in another
-- session was not to be found)
SELECT position('view refresh_t.my_ids' IN error_text) > 0 AS names_the_view FROM refresh_t.last_run;
SELECT count(*) AS snapshot_rows, pg_typeof(min(customer_id)) AS id_type FROM dormancy.status_snapshot;
DROP VIEW refresh_t.my_ids;
-- then the policy written with customer_id: bigint ids compared with text ones
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
SELECT run, outcome, sqlstate, error_text FROM refresh_t.last_run;
DROP POLICY by_id ON dormancy.status_snapshot;
CALL dormancy.refresh();
SELECT * FROM refresh_t.last_run;
SELECT count(*) AS snapshot_rows, pg_typeof(min(customer_id)) AS id_type FROM dormancy.status_snapshot;
SELECT * FROM refresh_t.snapshot_vs_status();
SELECT polname FROM pg_policy WHERE polrelid = 'dormancy.status_snapshot'::regclass;

-- the orders are unbound now: customers without orders are never_purchased;
-- the call list and the summary read the snapshot
SELECT state, count(*) FROM dormancy.status_snapshot GROUP BY 1 ORDER BY state COLLATE "C";

-- 6. refreshes held off: while another session holds the refresh lock (a
-- lock of dormancy.refresh_runs, which takes UPDATE on it), a refresh waits
-- a few seconds for it, then skips (logged with who held it, no error);
-- afterwards it runs.  (Another refresh holding it: skipped at once,
-- test/integration/concurrency.sh.)
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=%s',
	split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
	current_database(), current_user));
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE');
CALL dormancy.refresh();
SELECT run, outcome, rows, regexp_replace(error_text, 'pid [0-9]+', 'pid N') AS error_text FROM refresh_t.last_run;
-- cancelled while it waits (statement_timeout): logged as failed, not left
-- running
SET statement_timeout = '1s';
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
RESET statement_timeout;
SELECT run, outcome, sqlstate, error_text FROM refresh_t.last_run;
SELECT dblink_exec('other', 'COMMIT');
CALL dormancy.refresh();
SELECT run, outcome, rows, changes FROM refresh_t.last_run;
-- a role that may only read (dormancy_reader) cannot hold refreshes off: the
-- advisory lock of 0.1.0-0.3.0, which any role could take, no longer stops
-- them (a reader holding it made every refresh skip), and the lock of the
-- run log needs a privilege it does not have
SELECT dblink_exec('other', 'SET ROLE dormancy_reader');
SELECT * FROM dblink('other', 'SELECT pg_advisory_lock(dormancy.refresh_lock_key())') AS t(locked text);
CALL dormancy.refresh();
SELECT run, outcome FROM refresh_t.last_run;
SELECT * FROM dblink('other', 'SELECT pg_advisory_unlock(dormancy.refresh_lock_key())') AS t(unlocked boolean);
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE');
SELECT dblink_exec('other', 'ROLLBACK');
SELECT dblink_disconnect('other');

-- a refresh as of a day before the last one's is refused, and logged: it
-- recorded state changes that did not happen (and the next refresh their
-- return); the snapshot and the history stay as they were
SELECT count(*) AS history_rows_before FROM dormancy.status_history \gset
\set VERBOSITY terse
CALL dormancy.refresh('2026-06-01');
\set VERBOSITY default
SELECT run, outcome, sqlstate, error_text FROM refresh_t.last_run;
SELECT (SELECT count(*) FROM dormancy.status_history) = :history_rows_before AS history_unchanged,
	   (SELECT min(as_of) FROM dormancy.status_snapshot) AS snapshot_as_of;

-- 7. a run left running by a session that is gone is marked aborted by the next
INSERT INTO dormancy.refresh_runs (outcome, pid) VALUES ('running', 0);
CALL dormancy.refresh();
SELECT run, outcome, error_text FROM refresh_t.runs ORDER BY run DESC LIMIT 2;

-- 8. not inside a transaction block (it commits between its steps)
BEGIN;
CALL dormancy.refresh();
ROLLBACK;

-- 9. back to integer ids, and the views over the snapshot
SELECT dormancy.unbind('customers');
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
CALL dormancy.refresh();
SELECT run, outcome, rows, changes, reshaped FROM refresh_t.last_run;
SELECT * FROM refresh_t.snapshot_vs_status();
-- after a restore the snapshot is empty (pg_dump does not keep it): the next
-- refresh compares with the last states in status_history, so no false changes
DELETE FROM dormancy.status_snapshot;
CALL dormancy.refresh();
SELECT run, outcome, rows, changes, reshaped FROM refresh_t.last_run;

-- segment_summary adds up to the snapshot
SELECT sum(customers) = (SELECT count(*) FROM dormancy.status_snapshot) AS customers_add_up,
	   abs(sum(total_amount) - (SELECT sum(total_amount) FROM dormancy.status_snapshot))
		   <= 1e-9 * greatest(1, sum(total_amount)) AS amounts_add_up,
	   count(*) = (SELECT count(*) FROM (SELECT DISTINCT state, industry, company_size, segment FROM dormancy.status_snapshot) g) AS one_row_per_group
  FROM dormancy.segment_summary;
SELECT state, sum(customers) AS customers FROM dormancy.segment_summary GROUP BY 1 ORDER BY state COLLATE "C";
-- the snapshot call list is the live call list as of the refresh's day
SELECT count(*) > 0 AS listed,
	   count(*) = (SELECT count(*) FROM dormancy.call_list) AS same_size,
	   bool_and(s.customer_id = l.customer_id::text AND s.likely_reason = l.likely_reason
				AND s.approach_channel = l.approach_channel) AS same_order
  FROM dormancy.snapshot_call_list s
  JOIN dormancy.call_list l ON l.call_order = s.call_rank;
SELECT call_rank, customer_id, name, likely_reason, approach_channel, round(priority_score::numeric, 1) AS priority_score
  FROM dormancy.snapshot_call_list ORDER BY call_rank LIMIT 5;
-- a reader who takes the first rows gets the labels of those rows computed,
-- not of every listed customer (C functions counted with track_functions)
BEGIN;
SET LOCAL track_functions = 'all';
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT count(l.*) AS first_rows
  FROM (SELECT * FROM dormancy.snapshot_call_list ORDER BY call_rank LIMIT 5) l;
SELECT (SELECT count(*) FROM dormancy.snapshot_call_list) > 20 AS many_listed,
	   s.calls AS breakdown_labels_computed
  FROM pg_stat_xact_user_functions s
 WHERE s.schemaname = 'dormancy' AND s.funcname = 'score_breakdown_label';
SELECT count(l.*) AS first_rows_of_owner
  FROM (SELECT * FROM dormancy.snapshot_call_list WHERE owner_rank <= 2 ORDER BY call_rank LIMIT 2) l;
SELECT s.calls AS breakdown_labels_computed
  FROM pg_stat_xact_user_functions s
 WHERE s.schemaname = 'dormancy' AND s.funcname = 'score_breakdown_label';
COMMIT;

-- 10. registered for pg_dump: the history and the run log (user data), not
-- the snapshot (a refresh rebuilds it); refresh is not for PUBLIC; the reader
-- role reads the results only
SELECT c::regclass AS dumped FROM pg_extension e, unnest(e.extconfig) c
 WHERE e.extname = 'dormancy' AND c::regclass::text ~ '^dormancy\.(status|refresh)'
 ORDER BY c::regclass::text COLLATE "C";
SELECT has_function_privilege('public', 'dormancy.refresh(date)', 'EXECUTE') AS public_may_refresh,
	   has_function_privilege('dormancy_reader', 'dormancy.refresh(date)', 'EXECUTE') AS reader_may_refresh;
SELECT c.relname AS reader_may_select
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')
   AND has_table_privilege('dormancy_reader', c.oid, 'SELECT')
 ORDER BY c.relname COLLATE "C";
SELECT count(*) AS reader_may_write
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')
   AND has_table_privilege('dormancy_reader', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER');

-- 11. models, once fitted, are refitted by refresh when older than
-- model_settings.refit_every (default 7 days), and not otherwise
DROP POLICY ec_only ON dormancy.status_snapshot;
SET client_min_messages = error;	-- segments the model does not fit only warn
CALL dormancy.refresh();
SELECT models_refit AS refit_without_models FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
CALL dormancy.refresh();
SELECT models_refit AS refit_fresh_models FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
UPDATE dormancy.models SET fitted_at = fitted_at - interval '8 days';
CALL dormancy.refresh();
SELECT outcome, models_refit AS refit_old_models FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT bool_and(fitted_at > now() - interval '1 day') AS models_are_new FROM dormancy.models;
SELECT count(*) FILTER (WHERE p_alive IS NOT NULL) > 0 AS snapshot_has_p_alive FROM dormancy.status_snapshot;
DELETE FROM dormancy.models;
SET client_min_messages = warning;

-- 12. a snapshot left from an older shape, its views gone (as after DROP
-- EXTENSION ... CASCADE and a newer CREATE EXTENSION): the next refresh
-- adds the missing column, keeps the rows until it replaces them, and
-- creates the views again
ALTER TABLE dormancy.status_snapshot DROP COLUMN data_gaps CASCADE;
SELECT count(*) AS views_left FROM pg_class
 WHERE relnamespace = 'dormancy'::regnamespace AND relname IN ('segment_summary', 'snapshot_call_list', 'recent_transitions');
CALL dormancy.refresh();
SELECT outcome, reshaped FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT count(*) AS views_back FROM pg_class
 WHERE relnamespace = 'dormancy'::regnamespace AND relname IN ('segment_summary', 'snapshot_call_list', 'recent_transitions');
SELECT count(*) = count(data_gaps) AS gaps_filled FROM dormancy.status_snapshot;

-- 13. a snapshot emptied by hand is written whole (INSERT, not MERGE): its
-- breakdowns are compressed in line too, and it equals customer_status
DELETE FROM dormancy.status_snapshot;
CALL dormancy.refresh();
SELECT (SELECT snapshot_written FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1) AS written,
	   NOT :'lz4'::boolean OR bool_and(pg_column_compression(score_breakdown) IS NOT DISTINCT FROM 'lz4') AS every_breakdown_lz4
  FROM dormancy.status_snapshot WHERE score_breakdown IS NOT NULL;
SELECT snapshot_rows > 0 AS some_rows, missing, extra FROM refresh_t.snapshot_vs_status();

-- clean up
RESET dormancy.as_of;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA refresh_t CASCADE;
DROP EXTENSION dblink;
