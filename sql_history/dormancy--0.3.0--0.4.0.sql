-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Refresh that writes little (issue 11)
--
-- The snapshot is written in place: MERGE updates each customer's row where
-- it is (HOT: fillfactor 50 leaves room on each page, no index entry is
-- written), inserts new customers and deletes the rows the run did not stamp;
-- a snapshot with duplicate customer ids is replaced whole as before.
-- refresh_runs.snapshot_written says which.  An existing snapshot keeps its
-- rows; it gets fillfactor 50 (unless you set one), which applies to the
-- pages written from now on, so the first refresh after the update moves
-- the rows to half-filled pages and the next ones update them in place.
ALTER TABLE dormancy.refresh_runs ADD COLUMN snapshot_written text;
COMMENT ON COLUMN dormancy.refresh_runs.snapshot_written IS
	'how the run wrote dormancy.status_snapshot: in place (each row updated where it is, new customers inserted, gone ones deleted) or replaced (every row deleted and inserted again: an empty snapshot, or duplicate customer ids)';

DO $$
BEGIN
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c, unnest(c.reloptions) o
					    WHERE c.oid = to_regclass('dormancy.status_snapshot') AND o LIKE 'fillfactor=%') THEN
		ALTER TABLE dormancy.status_snapshot SET (fillfactor = 50);
	END IF;
END
$$;

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
	views_missing boolean := EXISTS (SELECT 1 FROM dormancy._snapshot_view_definitions() d
									  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NULL);
BEGIN
	IF status IS NULL THEN
		RAISE EXCEPTION 'nothing is bound yet: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
	END IF;

	IF snap IS NULL THEN
		-- fillfactor 50: room on each page for the next refresh's version of
		-- its rows, so that updating them in place writes no index entry
		EXECUTE format('CREATE TABLE dormancy.status_snapshot (%s) WITH (fillfactor = 50)',
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
	ELSIF reshape OR views_missing THEN
		-- (views missing over a snapshot left from before: they may need its new columns)
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

			-- rows of the old shape go (their states are in status_history);
			-- columns only added keep them, the new columns NULL until the next refresh
			IF EXISTS (SELECT 1 FROM unnest(actions) a WHERE a NOT LIKE 'ADD COLUMN %') THEN
				DELETE FROM dormancy.status_snapshot;
			END IF;
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
	IF changed OR views_missing THEN
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
	n_cols text;
	in_place boolean := false;
	gone text[];
	mergejoin text;
	problem record;
BEGIN
	-- a binding that lost a column (see _binding_problems): the status would
	-- be computed without that source, so say which binding and stop
	SELECT p.* INTO problem FROM dormancy._binding_problems() p ORDER BY p.source LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION '%', problem.message
			USING ERRCODE = problem.code,
				  DETAIL = format('A refresh would compute the status without the %s, so it does not run until they are bound again.', problem.source),
				  HINT = problem.hint;
	END IF;
	IF to_regclass('dormancy.customer_status') IS NULL AND EXISTS (SELECT 1 FROM dormancy.bindings) THEN
		RAISE EXCEPTION 'the generated views are missing: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  DETAIL = 'Something is bound, but the views were dropped (DROP ... CASCADE on a bound relation or column drops them).',
				  HINT = 'Run SELECT dormancy.rebind() to create them again from dormancy.bindings.';
	END IF;
	as_of := dormancy.as_of_day();
	-- rules or settings edited since: fresh statistics for the plan
	PERFORM dormancy.analyze_lookup_tables();
	-- the snapshot exists from the first bind on; without a binding this fails
	reshaped := dormancy._snapshot_sync(false);

	-- the previous state of each customer, as text ids; an empty snapshot
	-- (emptied by hand) falls back on the last states recorded in the history.
	-- (The same pass notes whether the snapshot can be updated in place: each
	-- customer_key once, and no row already stamped with this run's time.)
	IF to_regclass('pg_temp.dormancy_refresh_previous') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_previous;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_previous ON COMMIT DROP AS
	SELECT s.customer_key AS customer_id, s.state, s.refreshed_at
	  FROM dormancy.status_snapshot s;
	GET DIAGNOSTICS rows = ROW_COUNT;
	IF rows = 0 THEN
		INSERT INTO pg_temp.dormancy_refresh_previous
		SELECT x.customer_id, x.to_state, NULL
		  FROM (SELECT DISTINCT ON (h.customer_id) h.customer_id, h.change, h.to_state
				  FROM dormancy.status_history h
				 ORDER BY h.customer_id, h.history_id DESC) x
		 WHERE x.change <> 'removed';
	ELSE
		SELECT count(*) = count(DISTINCT p.customer_id) AND NOT coalesce(bool_or(p.refreshed_at = now()), false)
		  INTO in_place
		  FROM pg_temp.dormancy_refresh_previous p;
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
	SELECT string_agg('n.' || quote_ident(c.column_name), ', ' ORDER BY c.attnum) INTO n_cols
	  FROM dormancy._relation_columns('dormancy.customer_status') c;
	-- Written in place (docs/operations.md, What a refresh writes): each
	-- customer's row is updated where it is (a HOT update: the snapshot's
	-- pages are half empty, fillfactor 50, and the indexed columns rarely
	-- change, so no index is written), new customers are inserted, and the
	-- rows this run did not stamp (customers gone) are deleted below.  A
	-- snapshot with a customer_key twice (duplicate ids in your customers), or
	-- a customer_status that lists a customer in the snapshot twice (MERGE
	-- refuses to update a row twice), is replaced whole instead, as before.
	IF in_place THEN
		BEGIN
			-- the join of customer_status's rows to the snapshot's: an index
			-- lookup per row (customer_key), not a sort of the wide rows for a
			-- merge join, which the planner's estimates of customer_status
			-- (rows, distinct ids) would otherwise choose; for this statement
			-- only (restored below, or with the subtransaction on an error)
			mergejoin := current_setting('enable_mergejoin');
			PERFORM set_config('enable_mergejoin', 'off', true);
			EXECUTE format('MERGE INTO dormancy.status_snapshot s '
						   'USING (SELECT %s, customer_id::pg_catalog.text AS customer_key FROM dormancy.customer_status) n '
						   'ON s.customer_key = n.customer_key '
						   'WHEN MATCHED THEN UPDATE SET (%s, refreshed_at) = (%s, $1) '
						   'WHEN NOT MATCHED THEN INSERT (%s, customer_key, refreshed_at) VALUES (%s, n.customer_key, $1)',
						   cols, cols, n_cols, cols, n_cols)
				USING now();
			GET DIAGNOSTICS rows = ROW_COUNT;
			PERFORM set_config('enable_mergejoin', mergejoin, true);
		EXCEPTION WHEN cardinality_violation THEN
			in_place := false;
		END;
	END IF;
	IF NOT in_place THEN
		DELETE FROM dormancy.status_snapshot;
		EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, customer_key, refreshed_at) '
					   'SELECT %s, customer_id::pg_catalog.text, $1 FROM dormancy.customer_status',
					   cols, cols)
			USING now();
		GET DIAGNOSTICS rows = ROW_COUNT;
	END IF;
	-- each customer's state now, from the rows this run stamped; the rows
	-- it did not stamp are customers gone (previous keys not stamped now:
	-- found through the index, not by scanning the snapshot again)
	IF to_regclass('pg_temp.dormancy_refresh_current') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_current;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_current ON COMMIT DROP AS
	SELECT s.customer_key AS customer_id, s.state
	  FROM dormancy.status_snapshot s
	 WHERE s.refreshed_at = now();
	IF in_place THEN
		SELECT array_agg(g.customer_id) INTO gone
		  FROM (SELECT p.customer_id FROM pg_temp.dormancy_refresh_previous p
				EXCEPT
				SELECT c.customer_id FROM pg_temp.dormancy_refresh_current c) g;
		DELETE FROM dormancy.status_snapshot s
		 WHERE s.customer_key = ANY (gone) AND s.refreshed_at IS DISTINCT FROM now();
	END IF;
	UPDATE dormancy.refresh_runs r
	   SET snapshot_written = CASE WHEN in_place THEN 'in place' ELSE 'replaced' END
	 WHERE r.run_id = run;

	INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
	SELECT run, coalesce(n.customer_id, o.customer_id),
		   CASE WHEN o.customer_id IS NULL THEN 'new' WHEN n.customer_id IS NULL THEN 'removed' ELSE 'changed' END,
		   o.state, n.state, _refresh_work.as_of
	  FROM (SELECT DISTINCT ON (c.customer_id) c.customer_id, c.state
			  FROM pg_temp.dormancy_refresh_current c
			 ORDER BY c.customer_id, c.state) n
	  FULL JOIN (SELECT DISTINCT ON (p.customer_id) p.customer_id, p.state
				   FROM pg_temp.dormancy_refresh_previous p
				  ORDER BY p.customer_id, p.state) o ON o.customer_id = n.customer_id
	 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
	 ORDER BY 2;
	GET DIAGNOSTICS changes = ROW_COUNT;
	DROP TABLE pg_temp.dormancy_refresh_previous, pg_temp.dormancy_refresh_current;
END
$$;

--
-- Privileges (always last)
--
-- Internal functions (names starting with an underscore) are the owner's:
-- none of them is meant to be called by anyone else, and trigger functions
-- cannot be attached to other tables without EXECUTE.  Run last, so that it
-- covers every function of the script.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
		 WHERE p.pronamespace = 'dormancy'::regnamespace AND starts_with(p.proname, '_')
	LOOP
		EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', f);
	END LOOP;
END
$$;

-- ... except the internal functions that the live views themselves call,
-- which the analysts need: the gate of the history store (closed but inside a
-- refresh's own transaction) and raising a broken binding's error
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._broken_binding(text, text, text, text) TO dormancy_analyst;

SELECT dormancy._update_generated_views();
