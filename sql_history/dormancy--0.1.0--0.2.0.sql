-- dormancy 0.1.0 -> 0.2.0
--
-- 0.2.0: planner statistics for the extension's small tables (customer_status
-- was priced ten times too high and JIT-compiled on every query); refresh()
-- and fit_models() run without JIT; extension updates rebuild the generated
-- views.  An upgraded database equals a fresh 0.2.0 install
-- (test/integration/upgrade.sh checks it).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.2.0'" to load this file. \quit
-- the views over the snapshot are built by one function, also used by updates
-- (Re)create the views over the snapshot, readable by dormancy_reader.
CREATE FUNCTION dormancy._build_snapshot_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
BEGIN
	FOR v IN SELECT * FROM dormancy._snapshot_view_definitions() LOOP
		EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
					   v.view_name, v.definition);
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(v.view_name))::regclass);
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			EXECUTE format('GRANT SELECT ON dormancy.%I TO dormancy_reader', v.view_name);
		END IF;
	END LOOP;
	PERFORM dormancy._comment_snapshot_views();
END
$$;
COMMENT ON FUNCTION dormancy._build_snapshot_views() IS
	'internal: (re)create the views over dormancy.status_snapshot';
REVOKE ALL ON FUNCTION dormancy._build_snapshot_views() FROM PUBLIC;
CREATE OR REPLACE FUNCTION dormancy._snapshot_sync(reshape boolean)
	RETURNS boolean
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	status regclass := to_regclass('dormancy.customer_status');
	snap regclass := to_regclass('dormancy.status_snapshot');
	actions text[];
	v record;
	pol record;
	policies text[] := '{}';
	policy_names name[] := '{}';
	i integer;
	changed boolean := false;
	idx record;
BEGIN
	IF status IS NULL THEN
		RAISE EXCEPTION 'nothing is bound yet: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
	END IF;

	IF snap IS NULL THEN
		EXECUTE format('CREATE TABLE dormancy.status_snapshot (%s)',
					   (SELECT string_agg(format('%I %s%s', c.column_name, c.column_type, c.constraints), ', ' ORDER BY c.attnum)
						  FROM dormancy._snapshot_columns() c));
		snap := 'dormancy.status_snapshot'::regclass;
		PERFORM dormancy._unclaim('TABLE', snap);
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus customer_key and refreshed_at; read it, do not write it';
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			GRANT SELECT ON dormancy.status_snapshot TO dormancy_reader;
		END IF;
		changed := true;
	ELSIF reshape THEN
		SELECT array_agg(a ORDER BY o, a) INTO actions
		  FROM (SELECT CASE WHEN h.column_name IS NULL THEN format('ADD COLUMN %I %s%s', w.column_name, w.column_type, w.constraints)
							WHEN w.column_name IS NULL THEN format('DROP COLUMN %I', h.column_name)
							ELSE format('ALTER COLUMN %I TYPE %s USING NULL', w.column_name, w.column_type) END,
					   coalesce(w.attnum, 0)
				  FROM dormancy._snapshot_columns() w
				  FULL JOIN dormancy._relation_columns(snap) h ON h.column_name = w.column_name
				 WHERE w.column_type IS DISTINCT FROM h.column_type) s(a, o);
		IF actions IS NOT NULL THEN
			-- the views over the snapshot: placeholders of the same columns, no dependency
			FOR v IN SELECT d.view_name FROM dormancy._snapshot_view_definitions() d
					  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NOT NULL LOOP
				EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS SELECT %s WHERE false',
							   v.view_name,
							   (SELECT string_agg(format('NULL::%s AS %I', c.column_type, c.column_name), ', ' ORDER BY c.attnum)
								  FROM dormancy._relation_columns(('dormancy.' || quote_ident(v.view_name))::regclass) c));
			END LOOP;
			-- row security policies: keep their text, drop, create again after
			FOR pol IN
				SELECT p.polname, p.polpermissive, p.polcmd,
					   (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')
						  FROM unnest(p.polroles) r) AS roles,
					   pg_get_expr(p.polqual, p.polrelid) AS qual,
					   pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
					   obj_description(p.oid, 'pg_policy') AS description
				  FROM pg_policy p WHERE p.polrelid = snap LOOP
				policy_names := policy_names || pol.polname;
				policies := policies || format('CREATE POLICY %I ON dormancy.status_snapshot AS %s FOR %s TO %s%s%s',
					pol.polname,
					CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
					CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
									WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
					pol.roles,
					CASE WHEN pol.qual IS NOT NULL THEN format(' USING (%s)', pol.qual) ELSE '' END,
					CASE WHEN pol.with_check IS NOT NULL THEN format(' WITH CHECK (%s)', pol.with_check) ELSE '' END);
				IF pol.description IS NOT NULL THEN
					policy_names := policy_names || pol.polname;
					policies := policies || format('COMMENT ON POLICY %I ON dormancy.status_snapshot IS %L',
												   pol.polname, pol.description);
				END IF;
				EXECUTE format('DROP POLICY %I ON dormancy.status_snapshot', pol.polname);
			END LOOP;

			-- rows of the old shape go (their states are in status_history)
			DELETE FROM dormancy.status_snapshot;
			BEGIN
				EXECUTE 'ALTER TABLE dormancy.status_snapshot ' || array_to_string(actions, ', ');
			EXCEPTION WHEN feature_not_supported OR dependent_objects_still_exist THEN
				RAISE EXCEPTION 'cannot reshape dormancy.status_snapshot: %', SQLERRM
					USING ERRCODE = 'dependent_objects_still_exist',
						  DETAIL = format('customer_status changed its columns, so the snapshot must change too: %s.',
										  array_to_string(actions, ', ')),
						  HINT = 'Drop your views or rules that use dormancy.status_snapshot, refresh, then create them again (or build them on the views over the snapshot, whose columns do not change).';
			END;
			FOR i IN 1 .. cardinality(policies) LOOP
				BEGIN
					EXECUTE policies[i];
				EXCEPTION WHEN OTHERS THEN
					RAISE EXCEPTION 'cannot keep policy "%" on dormancy.status_snapshot: %', policy_names[i], SQLERRM
						USING ERRCODE = 'dependent_objects_still_exist',
							  DETAIL = format('customer_status changed its columns (%s), and the policy no longer fits them: %s.',
											  array_to_string(actions, ', '), policies[i]),
							  HINT = 'Write the policy with customer_key, the id as text, which never changes type; or drop the policy, refresh, and create it for the new columns.';
				END;
			END LOOP;
			changed := true;
		END IF;
	END IF;

	-- the views over the snapshot (created, or restored after placeholders)
	IF changed OR EXISTS (SELECT 1 FROM dormancy._snapshot_view_definitions() d
						   WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NULL) THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;

	-- indexes for the BI queries (a dropped column takes its index with it)
	FOR idx IN
		SELECT * FROM (VALUES ('status_snapshot_state', ARRAY['state']),
							  ('status_snapshot_segment', ARRAY['industry', 'company_size']),
							  ('status_snapshot_customer_id', ARRAY['customer_id']),
							  ('status_snapshot_customer_key', ARRAY['customer_key'])) i(index_name, cols)
		 WHERE to_regclass('dormancy.' || i.index_name) IS NULL
		   AND (SELECT count(*) FROM dormancy._relation_columns(snap) c WHERE c.column_name = ANY (i.cols))
			   = cardinality(i.cols) LOOP
		EXECUTE format('CREATE INDEX %I ON dormancy.status_snapshot (%s)', idx.index_name,
					   (SELECT string_agg(quote_ident(c), ', ') FROM unnest(idx.cols) c));
	END LOOP;

	-- the snapshot's columns say what customer_status's say (only those that differ)
	FOR v IN
		SELECT s.column_name, w.description
		  FROM dormancy._relation_columns(snap) s
		  JOIN dormancy._snapshot_columns() w ON w.column_name = s.column_name
		 WHERE col_description(snap, s.attnum) IS DISTINCT FROM w.description LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.status_snapshot.%I IS %L', v.column_name, v.description);
	END LOOP;
	RETURN changed;
END
$$;

-- refresh() and fit_models(): no JIT, fresh statistics of the lookup tables
CREATE OR REPLACE FUNCTION dormancy._refresh_work(run bigint,
	OUT rows bigint, OUT changes bigint, OUT as_of date, OUT reshaped boolean, OUT models_refit boolean,
	OUT history_mode text, OUT customers_recomputed bigint)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	-- the work is in C functions, which JIT cannot speed up; compiling the
	-- plan of customer_status costs 1.5-2 s per query (see docs/operations.md)
	SET jit = off
AS $$
DECLARE
	cols text;
BEGIN
	as_of := dormancy.as_of_day();
	-- rules or settings edited since: fresh statistics for the plan
	PERFORM dormancy.analyze_lookup_tables();
	-- the snapshot exists from the first bind on; without a binding this fails
	reshaped := dormancy._snapshot_sync(false);

	-- the previous state of each customer, as text ids; an empty snapshot
	-- (emptied by hand) falls back on the last states recorded in the history
	IF to_regclass('pg_temp.dormancy_refresh_previous') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_previous;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_previous ON COMMIT DROP AS
	SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
	  FROM dormancy.status_snapshot s
	 ORDER BY s.customer_key, s.state;
	GET DIAGNOSTICS rows = ROW_COUNT;
	IF rows = 0 THEN
		INSERT INTO pg_temp.dormancy_refresh_previous
		SELECT x.customer_id, x.to_state
		  FROM (SELECT DISTINCT ON (h.customer_id) h.customer_id, h.change, h.to_state
				  FROM dormancy.status_history h
				 ORDER BY h.customer_id, h.history_id DESC) x
		 WHERE x.change <> 'removed';
	END IF;

	reshaped := dormancy._snapshot_sync(true) OR reshaped;
	-- the DELETE must see every row: row security must not apply to the refresher
	IF row_security_active('dormancy.status_snapshot') THEN
		RAISE EXCEPTION 'row security applies to % on dormancy.status_snapshot', current_user
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'A refresh replaces every row of the snapshot, so it must see every row.',
				  HINT = 'Refresh as the owner of dormancy.status_snapshot (without FORCE ROW LEVEL SECURITY) or as a role with BYPASSRLS.';
	END IF;

	-- purchase histories: recompute only the customers whose orders changed
	-- (dormancy.stored_histories) when the orders are tracked
	SELECT p.mode, p.customers_recomputed INTO history_mode, customers_recomputed
	  FROM dormancy._prepare_histories() p;

	-- models, once fitted, are refitted on their own schedule before the
	-- snapshot uses them (model_settings.refit_every; NULL: never here)
	models_refit := false;
	IF (dormancy.model_settings_in_force()).refit_every IS NOT NULL
	   AND (SELECT max(m.fitted_at) FROM dormancy.models m)
		   <= now() - (dormancy.model_settings_in_force()).refit_every THEN
		PERFORM dormancy.fit_models();
		models_refit := true;
	END IF;

	SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.attnum) INTO cols
	  FROM dormancy._relation_columns('dormancy.customer_status') c;
	DELETE FROM dormancy.status_snapshot;
	EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, customer_key, refreshed_at) '
				   'SELECT %s, customer_id::pg_catalog.text, $1 FROM dormancy.customer_status',
				   cols, cols)
		USING now();
	GET DIAGNOSTICS rows = ROW_COUNT;

	INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
	SELECT run, coalesce(n.customer_id, o.customer_id),
		   CASE WHEN o.customer_id IS NULL THEN 'new' WHEN n.customer_id IS NULL THEN 'removed' ELSE 'changed' END,
		   o.state, n.state, _refresh_work.as_of
	  FROM (SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
			  FROM dormancy.status_snapshot s
			 ORDER BY s.customer_key, s.state) n
	  FULL JOIN pg_temp.dormancy_refresh_previous o ON o.customer_id = n.customer_id
	 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
	 ORDER BY 2;
	GET DIAGNOSTICS changes = ROW_COUNT;
	DROP TABLE pg_temp.dormancy_refresh_previous;
END
$$;
CREATE OR REPLACE FUNCTION dormancy.fit_models()
	RETURNS SETOF dormancy.models
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
	started timestamptz := clock_timestamp();
	fitted record;
BEGIN
	DELETE FROM dormancy.models;
	FOR fitted IN
		SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END AS segment_kind,
			   s.segment_value,
			   count(*) AS customers,
			   dormancy.bgnbd_fit(s.frequency, s.recency_days / unit_days, s.age_days / unit_days) AS bgnbd,
			   dormancy.gammagamma_fit(s.frequency, s.monetary_value) AS gammagamma
		  FROM (SELECT CASE settings.segment_by
						   WHEN 'industry' THEN lower(btrim(c.industry))
						   WHEN 'company_size' THEN lower(btrim(c.company_size)) END AS segment_value,
					   c.frequency, c.recency_days, c.age_days, c.monetary_value
				  FROM dormancy.customer_core c
				 WHERE c.frequency IS NOT NULL) s
		 GROUP BY GROUPING SETS ((), (s.segment_value))
		HAVING grouping(s.segment_value) = 1
			OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
				AND count(*) >= settings.min_customers)
	LOOP
		INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma)
		VALUES (fitted.segment_kind, fitted.segment_value, dormancy.as_of_day(), settings.time_unit,
				fitted.bgnbd, CASE WHEN (fitted.gammagamma).customers > 0 THEN fitted.gammagamma END);
	END LOOP;
	UPDATE dormancy.models SET fit_seconds = extract(epoch FROM clock_timestamp() - started);
	-- customer_status looks the models up per customer: fresh statistics
	PERFORM dormancy.analyze_lookup_tables();
	RETURN QUERY SELECT * FROM dormancy.models ORDER BY segment_kind, segment_value;
END
$$;

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
		  FROM (SELECT d.view_name FROM dormancy._view_definitions() d
				UNION
				SELECT d.view_name FROM dormancy._snapshot_view_definitions() d) g
		  JOIN pg_class c ON c.relname = g.view_name AND c.relnamespace = 'dormancy'::regnamespace
		 WHERE c.relkind = 'v'
		   AND NOT EXISTS (SELECT 1 FROM pg_depend d
							WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
							  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
	LOOP
		EXECUTE format('ALTER EXTENSION dormancy ADD VIEW %s', v.view);
	END LOOP;
	PERFORM dormancy._build_views();
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._update_generated_views() IS
	'internal: rebuild the generated views at the end of an extension update';
REVOKE ALL ON FUNCTION dormancy._update_generated_views() FROM PUBLIC;

CREATE FUNCTION dormancy._lookup_tables()
	RETURNS SETOF regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t::regclass
	  FROM unnest(ARRAY['dormancy.rules', 'dormancy.default_rules', 'dormancy.removed_default_rules',
						'dormancy.bindings', 'dormancy.decline_settings', 'dormancy.price_changes',
						'dormancy.model_settings', 'dormancy.models',
						'dormancy.installed_defaults', 'dormancy.removed_defaults',
						'dormancy.source_settings', 'dormancy.event_kinds', 'dormancy.deal_outcomes',
						'dormancy.deal_reasons', 'dormancy.score_weights', 'dormancy.reason_rules',
						'dormancy.message_themes', 'dormancy.approach_rules', 'dormancy.legal_forms',
						'dormancy.history_store_state']) AS t
$$;
COMMENT ON FUNCTION dormancy._lookup_tables() IS
	'internal: the small tables of the extension that the generated views look up (settings, rules, mappings, models)';

-- ANALYZE the lookup tables that have no statistics or changed since their
-- last analysis (only those the current role may analyse: no warnings).
CREATE FUNCTION dormancy.analyze_lookup_tables()
	RETURNS integer
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t regclass;
	analysed integer := 0;
BEGIN
	FOR t IN
		SELECT l.t
		  FROM dormancy._lookup_tables() AS l(t)
		  JOIN pg_class c ON c.oid = l.t
		  LEFT JOIN pg_stat_user_tables s ON s.relid = l.t
		 WHERE pg_has_role(c.relowner, 'USAGE')
		   AND (c.reltuples < 0 OR s.n_mod_since_analyze IS NULL OR s.n_mod_since_analyze > 0)
		 ORDER BY c.relname
	LOOP
		EXECUTE format('ANALYZE %s', t);
		analysed := analysed + 1;
	END LOOP;
	RETURN analysed;
END
$$;
COMMENT ON FUNCTION dormancy.analyze_lookup_tables() IS
	'analyse the small tables of the extension (rules, settings, mappings, models) that have no statistics or changed since; refresh() calls it; returns how many it analysed';
REVOKE ALL ON FUNCTION dormancy.analyze_lookup_tables() FROM PUBLIC;

-- autovacuum analyses them after any change, however small
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN SELECT * FROM dormancy._lookup_tables() LOOP
		EXECUTE format('ALTER TABLE %s SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0)', t);
	END LOOP;
END
$$;
SELECT dormancy.analyze_lookup_tables();

SELECT dormancy._update_generated_views();
