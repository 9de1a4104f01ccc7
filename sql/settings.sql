-- Settings that cannot be right are errors, however they arrive:
-- dormancy.as_of and dormancy.time_zone set before the library is loaded
-- (a placeholder: what ALTER ROLE ... SET, ALTER DATABASE ... SET and
-- connection options do too; test/integration/settings.sh covers those),
-- refresh() with an infinite day, and NaN or infinity in a numeric column of
-- the extension's tables.

-- The first statement of the session: the library is not loaded yet, so
-- this SET only stores a placeholder.  The value must not be dropped with a
-- warning when the library loads (the query would run as of now): every use
-- of the setting raises the error that a SET of it raises.
SET dormancy.as_of = 'not a day';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SELECT dormancy.as_of_day();
SELECT dormancy.as_of();
SHOW dormancy.as_of;
-- the library is loaded now: the same value is refused by SET itself, with the same error
SET dormancy.as_of = 'not a day';
SET dormancy.as_of = 'infinity';
SET dormancy.as_of = '300000-01-01';
-- a valid value replaces it
SET dormancy.as_of = '2026-11-01';
SELECT dormancy.as_of_day();

-- the same for the time zone, in a new session
SELECT current_database() AS regress_db \gset
\c :regress_db
SET dormancy.time_zone = 'Mars/Olympus_Mons';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SELECT dormancy.local_day('2026-11-01 23:30+00');
SELECT dormancy.as_of_day();
SET dormancy.as_of = '2026-11-01';
SELECT dormancy.as_of();
-- the aggregates read it too
SELECT dormancy.purchase_history(t, 1, false) FROM (VALUES ('2026-11-01 23:30+00'::timestamptz)) v(t);
-- as_of() with an empty dormancy.as_of does not need the zone
RESET dormancy.as_of;
SELECT dormancy.as_of() = transaction_timestamp() AS as_of_is_now;
-- SET LOCAL of a valid zone works for its transaction; the invalid one is back after it
BEGIN;
SET LOCAL dormancy.time_zone = 'Asia/Tokyo';
SELECT dormancy.local_day('2026-11-01 23:30+00');
COMMIT;
SELECT dormancy.local_day('2026-11-01 23:30+00');
SET dormancy.time_zone = 'Mars/Olympus_Mons';
SET dormancy.time_zone = '';
SET dormancy.time_zone = 'UTC';
SELECT dormancy.local_day('2026-11-01 23:30+00');

-- refresh(as_of) with an infinite day fails like SET dormancy.as_of = 'infinity'
-- and is logged as failed (it used to compute as of today and succeed)
SET client_min_messages = warning;
CREATE SCHEMA settings_t;
CREATE TABLE settings_t.orders (customer integer, at date, total numeric);
INSERT INTO settings_t.orders VALUES (1, '2026-10-01', 10), (2, '2025-06-01', 20);
\i test/sql_ref/unbind_all.sql
SELECT dormancy.bind_orders('settings_t.orders', customer => 'customer', ordered_at => 'at', amount => 'total');
SELECT coalesce(max(run_id), 0) AS run0 FROM dormancy.refresh_runs \gset
\set VERBOSITY terse
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh('infinity');
CALL dormancy.refresh('-infinity');
\set VERBOSITY default
-- a finite day still works, BC included (it must not become its AD twin)
CALL dormancy.refresh('0044-03-15 BC');
CALL dormancy.refresh('2026-11-01');
SELECT outcome, sqlstate, as_of, error_text
  FROM dormancy.refresh_runs WHERE run_id > :run0 ORDER BY run_id;
SELECT DISTINCT as_of FROM dormancy.status_snapshot;

-- Every float and numeric column of the extension's tables rejects NaN,
-- Infinity and -Infinity (the list comes from the catalog, so a new column
-- is tested too).  status_snapshot is not among them: it is not a member of
-- the extension but a copy of customer_status.
BEGIN;
-- a row in every table to update
INSERT INTO dormancy.price_changes (changed_at, kind, change_pct) VALUES ('2026-01-01', 'price_increase', 5);
INSERT INTO dormancy.models (segment_kind, as_of, time_unit, fit_seconds) VALUES ('all', '2026-11-01', '1 day', 1);
INSERT INTO dormancy.model_validations (validation_id, calibration_end, holdout_end, time_unit, segment_kind, bucket,
									   customers, predicted, actual, mean_absolute_error, spend_customers,
									   predicted_spend, actual_spend, spend_mean_absolute_error)
	VALUES (1, '2025-10-31', '2026-10-31', '7 days', 'all', 'all', 1, 1, 1, 0, 1, 10, 10, 0);
INSERT INTO dormancy.model_validation_tracking (validation_id, segment_kind, period, period_end, holdout, customers, predicted, actual)
	VALUES (1, 'all', 1, '2026-10-31', true, 1, 1, 1);
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands)
	VALUES (1, 'settings', '2026-11-01', 0.1, 1, 90, '{50}');
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, priority_score, p_alive, expected_value)
	VALUES (1, '1', false, 'dormant|forgot|50-100', 60, 0.5, 100);
CREATE TEMP TABLE numeric_columns AS
SELECT c.oid::regclass AS tab, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind IN ('r', 'p')
   AND a.attnum > 0 AND NOT a.attisdropped
   AND coalesce(NULLIF(t.typbasetype, 0), t.oid) IN ('float4'::regtype, 'float8'::regtype, 'numeric'::regtype)
   AND EXISTS (SELECT 1 FROM pg_depend d
				WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
				  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'dormancy'));
DO $$
DECLARE
	t regclass;
	empty boolean;
BEGIN
	-- settings tables hold no row until edited: their defaults
	FOR t IN SELECT DISTINCT tab FROM numeric_columns LOOP
		IF NOT EXISTS (SELECT FROM numeric_columns) THEN
			RAISE EXCEPTION 'no numeric columns found';
		END IF;
		EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s)', t) INTO empty;
		IF empty THEN
			EXECUTE format('INSERT INTO %s DEFAULT VALUES', t);
		END IF;
	END LOOP;
END
$$;
CREATE FUNCTION pg_temp.try_value(tab regclass, col name, val text)
	RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	constraint_name text;
BEGIN
	EXECUTE format('UPDATE %s SET %I = %L WHERE ctid = (SELECT ctid FROM %s LIMIT 1)', tab, col, val, tab);
	GET DIAGNOSTICS n = ROW_COUNT;
	-- undo an accepted value, so that it cannot affect the next try
	RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = CASE WHEN n = 1 THEN 'ACCEPTED' ELSE 'no row to update' END;
EXCEPTION
	WHEN check_violation THEN
		GET STACKED DIAGNOSTICS constraint_name = CONSTRAINT_NAME;
		RETURN 'rejected by ' || constraint_name;
	WHEN OTHERS THEN
		RETURN SQLERRM;
END
$$;
SELECT n.tab, n.col, n.type, v.val, pg_temp.try_value(n.tab, n.col, v.val) AS outcome
  FROM numeric_columns n
 CROSS JOIN (VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity')) v(ord, val)
 ORDER BY n.tab::text, n.col, v.ord;
ROLLBACK;
-- the example of the issue: a NaN minimum order amount would make every customer never_purchased
\set VERBOSITY terse
UPDATE dormancy.rules SET min_order_amount = 'NaN' WHERE industry IS NULL AND company_size IS NULL;
\set VERBOSITY default

SELECT dormancy.unbind('orders');
DROP SCHEMA settings_t CASCADE;

-- dormancy.evaluate_on_workers (read when the views are built on Citus):
-- auto by default (on the workers when the bound customers are distributed),
-- on or off, any boolean spelling (what it took when it was a boolean); a
-- value that is none of them is refused with the list
SHOW dormancy.evaluate_on_workers;
SET dormancy.evaluate_on_workers = true;
SHOW dormancy.evaluate_on_workers;
SET dormancy.evaluate_on_workers = 0;
SHOW dormancy.evaluate_on_workers;
SET dormancy.evaluate_on_workers = 'maybe';
RESET dormancy.evaluate_on_workers;
SELECT setting, vartype, enumvals FROM pg_settings WHERE name = 'dormancy.evaluate_on_workers';
-- on one server nothing is a Citus table: the customers are read as they
-- are whatever the setting (no OFFSET 0 in src_customers)
SET dormancy.evaluate_on_workers = off;
SELECT dormancy.rebind() IS NOT NULL AS rebound;
SELECT pg_get_viewdef('dormancy.src_customers') ~ 'OFFSET 0' AS collected_apart;
RESET dormancy.evaluate_on_workers;
