--
-- The generated views (src_*, customer_status, ...) are not made here: they
-- appear at the first bind_* or rebind() call, as ordinary views (not members
-- of the extension, see _build_views), so that pg_dump dumps them and a
-- restore does not clash with views made by CREATE EXTENSION.
--

-- ALTER EXTENSION dormancy UPDATE: every update script ends with
--   SELECT dormancy._update_generated_views();
-- which rebuilds the generated views and the views over the snapshot from
-- the new version's definitions, keeping the views users built on them
-- (CREATE OR REPLACE).  They are not members of the extension, and an
-- extension script may not replace what the extension does not own, so they
-- are claimed for the rebuild; the builders release them again.
CREATE FUNCTION dormancy._update_generated_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
BEGIN
	IF to_regclass('dormancy.customer_status') IS NULL THEN
		RETURN;		-- never bound: the views appear at the first bind
	END IF;
	FOR v IN
		SELECT c.oid::regclass AS view
		  FROM (SELECT g.view_name FROM dormancy._generated_views() g
				UNION
				SELECT d.view_name FROM dormancy._snapshot_view_definitions() d) g
		  JOIN pg_class c ON c.relname = g.view_name AND c.relnamespace = 'dormancy'::regnamespace
		 WHERE c.relkind = 'v' AND NOT dormancy._is_member(c.oid::regclass)
	LOOP
		EXECUTE format('ALTER EXTENSION dormancy ADD VIEW %s', v.view);
	END LOOP;
	PERFORM dormancy._build_views(true);
	-- the snapshot takes new columns of customer_status now (its rows stay,
	-- the new columns NULL until the next refresh), so that the views over it
	-- can use them; a reshape rebuilds those views, else they are rebuilt here
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL
	   AND NOT dormancy._snapshot_sync(true) THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._update_generated_views() IS
	'internal: rebuild the generated views at the end of an extension update';
REVOKE ALL ON FUNCTION dormancy._update_generated_views() FROM PUBLIC;
