--
-- Building the generated views
--
-- Two layers (README, Source layout): the adapters src_* that binding
-- writes (sql_src/22_adapters.sql: _adapter_definitions), and the live views
-- above them, each one literal definition (sql_src/70_views.sql:
-- _create_views).  _build_views() creates or replaces the adapters on every
-- bind, unbind and rebind; the live views are created when missing, on an
-- extension update, and created again only when an adapter column's type
-- changes (which needs every view dropped first).
--

-- Every generated view, in creation order: the adapters, then the live views.
CREATE FUNCTION dormancy._generated_views()
	RETURNS TABLE (view_name text, adapter boolean)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.view_name, g.view_name LIKE 'src\_%'
	  FROM unnest(ARRAY[
			'src_bindings', 'src_orders', 'src_history_rows', 'src_customers', 'src_stored_histories',
			'src_contracts', 'src_events', 'src_deals', 'src_contacts', 'src_name_keys', 'src_outreach',
			'category_histories_live', 'category_histories', 'customer_histories_live', 'customer_histories_stored', 'customer_histories',
			'contract_signals', 'customer_engagement', 'customer_deals', 'customer_contacts', 'customer_outreach',
			'source_issues', 'customer_column_indexes',
			'customer_core', 'data_issues', 'customer_status',
			'declining_customers', 'category_trend', 'call_list', 'duplicate_customers',
			'company_customers', 'unmatched_labels', 'model_parameters', 'forecast_intervals', 'latest_validation', 'latest_validation_tracking',
			'campaign_list', 'campaign_outcomes', 'campaign_effect', 'campaign_score_calibration',
			'measured_approaches', 'campaign_transitions'
		   ]) WITH ORDINALITY AS g(view_name, n)
	 ORDER BY g.n
$$;
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

-- Before the first bind no view exists, and a DROP ... CASCADE on a bound
-- relation or column drops them: the work that reads them says which,
-- instead of failing on a missing relation deep in its queries.
CREATE FUNCTION dormancy._require_bound(work text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.to_regclass('dormancy.customer_status') IS NOT NULL THEN
		RETURN;
	ELSIF EXISTS (SELECT 1 FROM dormancy.bindings) THEN
		RAISE EXCEPTION 'the generated views are missing: cannot %', work
			USING ERRCODE = 'undefined_table',
				  DETAIL = 'Something is bound, but the views were dropped (DROP ... CASCADE on a bound relation or column drops them).',
				  HINT = 'Run SELECT dormancy.rebind() to create them again from dormancy.bindings.';
	END IF;
	RAISE EXCEPTION 'nothing is bound yet: cannot %', work
		USING ERRCODE = 'undefined_table',
			  DETAIL = 'The views the extension reads, dormancy.customer_status among them, are built by binding your tables.',
			  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
END
$$;
COMMENT ON FUNCTION dormancy._require_bound(text) IS
	'internal: raise undefined_table, naming the work, while the generated views do not exist (nothing bound yet, or dropped by a DROP ... CASCADE)';

-- Give the columns of one relation the comments of the same-named columns of another.
CREATE FUNCTION dormancy._copy_column_comments(from_rel regclass, to_rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT a.attname, col_description(from_rel, f.attnum) AS description
		  FROM pg_attribute a
		  JOIN pg_attribute f ON f.attrelid = from_rel AND f.attname = a.attname
		 WHERE a.attrelid = to_rel AND a.attnum > 0 AND NOT a.attisdropped
	LOOP
		EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', to_rel, c.attname, c.description);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._copy_column_comments(regclass, regclass) IS
	'internal: copy the column comments of one relation to the same-named columns of another';

-- The generated views read the user's tables, so they must not be members
-- of the extension: DROP TABLE ... CASCADE on a bound table would then drop
-- a member and with it the whole extension (rules, models, history).  As
-- ordinary views they are dumped by pg_dump like any view.  Relations made
-- while an extension script runs (ALTER EXTENSION UPDATE) become members
-- automatically: _unclaim() takes them out again.
CREATE FUNCTION dormancy._is_member(rel regclass)
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM pg_depend d
					WHERE d.classid = 'pg_class'::regclass AND d.objid = rel
					  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION dormancy._is_member(regclass) IS 'internal: whether a relation is a member of an extension';

CREATE FUNCTION dormancy._unclaim(kind text, rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF dormancy._is_member(rel) THEN
		EXECUTE format('ALTER EXTENSION dormancy DROP %s %s', kind, rel);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._unclaim(text, regclass) IS 'internal: make sure a relation is not a member of the extension';

-- (Re)create the generated views from dormancy.bindings: the adapters
-- always, the live views when missing or when everything is asked for.
CREATE FUNCTION dormancy._build_views(everything boolean DEFAULT false)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
	view_name text;
	dependents text;
	-- on Citus: the views stay on this node, unpropagated (the coordinator
	-- plans every query on them; the workers get queries on shards)
	ddl_propagation text := current_setting('citus.enable_ddl_propagation', true);
BEGIN
	-- a bind (rebind, unbind, update) waits for a refresh that runs: the
	-- refresh lock first, as a refresh takes it (the views and the store's
	-- state in the other order made them deadlock); a refresh that starts
	-- meanwhile waits a few seconds for it, then skips, logged
	LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE;
	IF ddl_propagation IS NOT NULL THEN
		PERFORM set_config('citus.enable_ddl_propagation', 'off', true);
	END IF;
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) stays
	-- bound, broken (below), until bound again or unbound: unbound, the
	-- views would show every customer without orders (or the customers of
	-- the orders alone), and a refresh would write that to the history.
	-- The event trigger dormancy_bindings_drop recorded the drop (relation
	-- NULL); a drop it did not see (disabled) is recorded here.  A relation
	-- of the dropped one's name is never bound in its place: any role that
	-- may create in that schema could have put it there.
	UPDATE dormancy.bindings b SET relation = NULL
	 WHERE b.relation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation);
	-- the names of the bound relations, for the repair hint once one is dropped
	UPDATE dormancy.bindings b SET relation_name = format('%I.%I', n.nspname, c.relname)
	  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE c.oid = b.relation AND b.relation_name IS DISTINCT FROM format('%I.%I', n.nspname, c.relname);
	-- a binding that lost a column or its relation is kept; the views are
	-- built without it
	FOR v IN SELECT * FROM dormancy._binding_problems() LOOP
		RAISE WARNING '%', v.message
			USING DETAIL = CASE WHEN v.source IN ('customers', 'orders')
								THEN format('The views are built without it: reading dormancy.src_%s and the views on it, customer_status among them, raises this error, and refresh() fails, until the %s are bound again.',
											v.source, v.source)
								WHEN v.source = 'outreach'
								THEN 'The views are built as if the outreach were not bound (dormancy.src_outreach reads dormancy.outreach_log), and refresh() fails, until it is bound again.'
								ELSE format('The views are built as if the %s were not bound (dormancy.src_%s is empty), and refresh() fails, until they are bound again.',
											v.source, v.source) END,
				  HINT = v.hint;
	END LOOP;

	SELECT array_agg(g.view_name ORDER BY g.n) INTO views
	  FROM dormancy._generated_views() WITH ORDINALITY AS g(view_name, adapter, n);
	-- the row security policies of the name keys, the outreach log, the
	-- campaign members and the status history read src_customers
	PERFORM dormancy._before_build_63_name_keys();
	PERFORM dormancy._customer_key_policies(false);

	-- first in place, which keeps views that users built on ours
	BEGIN
		FOR v IN SELECT * FROM dormancy._adapter_definitions() LOOP
			EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
						   v.view_name, v.definition);
		END LOOP;
		IF everything OR EXISTS (SELECT 1 FROM dormancy._generated_views() g
								  WHERE to_regclass('dormancy.' || quote_ident(g.view_name)) IS NULL) THEN
			PERFORM dormancy._create_views();
		END IF;
	EXCEPTION
		WHEN invalid_table_definition OR feature_not_supported OR datatype_mismatch THEN
			-- a column changed type: drop everything and build afresh
			FOR i IN REVERSE array_length(views, 1) .. 1 LOOP
				IF to_regclass('dormancy.' || quote_ident(views[i])) IS NOT NULL THEN
					PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(views[i]))::regclass);
					BEGIN
						EXECUTE format('DROP VIEW dormancy.%I', views[i]);
					EXCEPTION WHEN dependent_objects_still_exist THEN
						GET STACKED DIAGNOSTICS dependents = PG_EXCEPTION_DETAIL;
						RAISE EXCEPTION 'cannot rebind: other views depend on dormancy.%', views[i]
							USING ERRCODE = 'dependent_objects_still_exist',
								  DETAIL = format('The new binding changes a column type of the generated views (or a new version drops a column), so they must be dropped and recreated. What depends on them: %s.',
												  replace(dependents, E'\n', '; ')),
								  HINT = format('Drop the views that use dormancy.%s, bind, then create them again.', views[i]);
					END;
				END IF;
			END LOOP;
			FOR v IN SELECT * FROM dormancy._adapter_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
			PERFORM dormancy._create_views();
	END;

	-- not members of the extension (see _is_member)
	FOREACH view_name IN ARRAY views LOOP
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(view_name))::regclass);
	END LOOP;
	PERFORM dormancy._comment_adapters();
	-- what follows each build, in this order: the snapshot and its views, the
	-- change tracking of the orders, the name keys of the customers, the
	-- policies of the outreach log, the campaign members and the status
	-- history, the analysts' grants
	PERFORM dormancy._after_build_60_refresh();
	PERFORM dormancy._after_build_62_incremental();
	PERFORM dormancy._after_build_63_name_keys();
	PERFORM dormancy._customer_key_policies(true);
	PERFORM dormancy._after_build_97_privileges();
	IF ddl_propagation IS NOT NULL THEN
		PERFORM set_config('citus.enable_ddl_propagation', ddl_propagation, true);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._build_views(boolean) IS
	'internal: create or replace the adapter views from dormancy.bindings, and the live views when missing (or with everything)';

-- nobody but the owner rebuilds
REVOKE ALL ON FUNCTION dormancy._build_views(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._unclaim(text, regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._copy_column_comments(regclass, regclass) FROM PUBLIC;
