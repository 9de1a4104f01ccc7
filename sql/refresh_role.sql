-- A role granted EXECUTE on refresh (and nothing of the owner's) cannot
-- refresh: the refresh writes the snapshot, the history and the log as the
-- extension's owner and calls the owner's internal functions.  It is told
-- so, in those words, before anything is done or logged (until 2026-12-07
-- docs/security.md said the grant was enough, and the refresh failed with
-- "permission denied for function _refresh_start").
SET client_min_messages = warning;
CREATE ROLE refresh_role_etl;
GRANT USAGE ON SCHEMA dormancy TO refresh_role_etl;
GRANT EXECUTE ON PROCEDURE dormancy.refresh(date) TO refresh_role_etl;
SELECT count(*) AS runs_before FROM dormancy.refresh_runs \gset
SET ROLE refresh_role_etl;
\set VERBOSITY terse
CALL dormancy.refresh();
\set VERBOSITY default
-- the detail and hint name the owner, whatever its name here
DO $$
BEGIN
	CALL dormancy.refresh();
EXCEPTION WHEN insufficient_privilege THEN
	DECLARE
		detail text;
		hint text;
		owner text := (SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'dormancy');
	BEGIN
		GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
		RAISE WARNING 'detail names the owner and the role: %, hint: %',
			position('(' || owner || '); refresh_role_etl may not' IN detail) > 0,
			hint = format('Run it as %s; for pg_cron, schedule the job as that role.', owner);
	END;
END
$$;
RESET ROLE;
SELECT count(*) = :runs_before AS nothing_logged FROM dormancy.refresh_runs;
DROP OWNED BY refresh_role_etl;
DROP ROLE refresh_role_etl;
