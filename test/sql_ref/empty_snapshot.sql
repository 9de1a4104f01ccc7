-- Start from an empty snapshot and state history: earlier tests leave them
-- at their own days, and a refresh cannot go back before the last one's day
-- (docs/operations.md, The as-of day moves forward).
\set ECHO none
DO $$
BEGIN
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL THEN
		DELETE FROM dormancy.status_snapshot;
	END IF;
	DELETE FROM dormancy.status_history;
END
$$;
\set ECHO all
