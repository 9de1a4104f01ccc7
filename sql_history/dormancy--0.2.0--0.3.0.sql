-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, the reader role (lead)
--
-- The analysts' role.  Like dormancy_reader: cluster-wide, made only when
-- missing, not a member of the extension, left by DROP EXTENSION.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dormancy_analyst') THEN
		CREATE ROLE dormancy_analyst NOLOGIN;
		COMMENT ON ROLE dormancy_analyst IS
			'queries the live views of extension dormancy (customer_status, call_list, ...) over the tables it may read itself; created by CREATE EXTENSION dormancy';
	END IF;
END
$$;
GRANT USAGE ON SCHEMA dormancy TO dormancy_analyst;

-- The settings, rules, mappings and models the live views apply.  Not the
-- bookkeeping (bindings, installed defaults, the history store, change marks,
-- the run log): the live views never read those.
GRANT SELECT ON dormancy.rules, dormancy.decline_settings, dormancy.price_changes,
	dormancy.model_settings, dormancy.models, dormancy.source_settings,
	dormancy.event_kinds, dormancy.deal_outcomes, dormancy.deal_reasons,
	dormancy.score_weights, dormancy.reason_rules, dormancy.message_themes,
	dormancy.approach_rules, dormancy.legal_forms
	TO dormancy_analyst;

-- After every build: the generated live views, for the analysts.  They are
-- security_invoker, so this grants no row of your tables: the analyst's own
-- privileges and row security policies decide what each view computes from.
CREATE FUNCTION dormancy._after_build_97_privileges()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v regclass;
BEGIN
	FOR v IN
		SELECT c.oid::regclass
		  FROM pg_class c
		 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
		   AND c.relname IN (SELECT d.view_name FROM dormancy._view_definitions() d)
	LOOP
		EXECUTE format('GRANT SELECT ON %s TO dormancy_analyst', v);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_97_privileges() IS
	'internal: after a build, let dormancy_analyst read the generated live views';

-- Amounts beyond +-1e15, NaN or infinite are unknown amounts, listed in
-- data_issues (order_amount_out_of_range), instead of failing every query
-- Whether a bound numeric column holds a usable amount: within +-1e15 (a
-- thousand trillion in any currency), not NaN or infinite.  One absurd value
-- would otherwise overflow double precision, or a later sum or square of it,
-- and fail every query over the whole population.  Compared in the column's
-- own type, before any cast (numeric's NaN and infinities, and float's, fall
-- outside); smallint and integer always fit.
CREATE FUNCTION dormancy._number_in_range_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid;
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'true';
	END IF;
	t := (dormancy._binding_column(relation, role, columns ->> role)).type_oid;
	IF t IN ('int2'::regtype, 'int4'::regtype) THEN
		RETURN 'true';
	ELSIF t = 'money'::regtype THEN
		RETURN format('(t.%I)::pg_catalog.numeric BETWEEN -1000000000000000 AND 1000000000000000', columns ->> role);
	END IF;
	RETURN format('(t.%I) BETWEEN -1000000000000000 AND 1000000000000000', columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._number_in_range_expr(regclass, jsonb, text) IS
	'internal: the condition that a bound numeric column holds a usable amount (within +-1e15, finite)';

-- A bound numeric column as double precision (money through numeric); NULL,
-- an unknown amount, when it is out of range.
CREATE OR REPLACE FUNCTION dormancy._number_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	in_range text;
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.float8';
	END IF;
	in_range := dormancy._number_in_range_expr(relation, columns, role);
	IF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'money'::regtype THEN
		RETURN format('CASE WHEN %s THEN (t.%I)::pg_catalog.numeric::pg_catalog.float8 END', in_range, columns ->> role);
	ELSIF in_range = 'true' THEN
		RETURN format('(t.%I)::pg_catalog.float8', columns ->> role);
	END IF;
	RETURN format('CASE WHEN %s THEN (t.%I)::pg_catalog.float8 END', in_range, columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._number_expr(regclass, jsonb, text) IS
	'internal: a bound numeric column as double precision, NULL when out of range';

--
-- Change tracking and the history store (helper: tracking)
--

-- The history store records what it tracks (column, type, every partition)
-- and why the next refresh is full; reasons to rebuild are appended to a new
-- table; the run log says why a refresh was not incremental.
ALTER TABLE dormancy.history_store_state
	ADD COLUMN customer_column name,
	ADD COLUMN customer_type regtype,
	ADD COLUMN tracked_relations oid[],
	ADD COLUMN reason text;
COMMENT ON COLUMN dormancy.history_store_state.customer_column IS 'the customer column of the orders when tracking began';
COMMENT ON COLUMN dormancy.history_store_state.customer_type IS 'its type then (the triggers refuse to read a column of another type)';
COMMENT ON COLUMN dormancy.history_store_state.tracked_relations IS 'the orders relation and all its partitions (or inheritance children) that carry the triggers';
COMMENT ON COLUMN dormancy.history_store_state.reason IS 'why the next refresh is a full one (complete false), or why the orders are not tracked (tracked false)';

-- Reasons to rebuild every history, appended (never updated, so that DDL and
-- writers never wait for a refresh): the refresh takes those visible when it
-- starts and deletes just those.
CREATE TABLE dormancy.store_invalidations (
	invalidation_id bigserial PRIMARY KEY,
	reason text NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
COMMENT ON TABLE dormancy.store_invalidations IS
	'events that could have hidden writes from the change tracking: the next refresh rebuilds every history';
COMMENT ON COLUMN dormancy.store_invalidations.invalidation_id IS 'order of the events';
COMMENT ON COLUMN dormancy.store_invalidations.reason IS 'what happened (e.g. TRUNCATE of a partition)';
COMMENT ON COLUMN dormancy.store_invalidations.recorded_at IS 'when it was recorded';
COMMENT ON SEQUENCE dormancy.store_invalidations_invalidation_id_seq IS 'generates dormancy.store_invalidations.invalidation_id';

ALTER TABLE dormancy.refresh_runs ADD COLUMN history_reason text;
COMMENT ON COLUMN dormancy.refresh_runs.history_reason IS
	'why the histories were rebuilt in full (history_mode full) or read live (history_mode live)';

--
-- The gate (src/history_store.c).  The live view category_histories reads
-- the orders while it is off and the store while it is on; only the refresh
-- turns it on, for its own transaction.
--

-- STABLE: a flag of the backend that changes only between statements.
-- PARALLEL SAFE: workers see it off, and while it is on the backend plans no
-- parallel query (see _read_stored_histories).
-- was a SQL function reading the setting dormancy.use_stored_histories
CREATE OR REPLACE FUNCTION dormancy._use_stored_histories()
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'dormancy_use_stored_histories'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._use_stored_histories() IS
	'internal: whether category_histories reads the stored histories (on only inside a refresh''s own transaction)';

CREATE FUNCTION dormancy._read_stored_histories(on_ boolean)
	RETURNS void
	AS 'MODULE_PATHNAME', 'dormancy_read_stored_histories'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION dormancy._read_stored_histories(boolean) IS
	'internal: let category_histories read the stored histories until the end of the transaction (the refresh), or stop';

-- The stored histories, while the gate is on; else nothing, without reading
-- the table.  Not SECURITY DEFINER: the store is read with the caller's rights.
CREATE FUNCTION dormancy._stored_histories()
	RETURNS TABLE (customer_key text, category text, history dormancy.purchase_history, order_rows bigint)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF dormancy._use_stored_histories() THEN
		RETURN QUERY SELECT s.customer_key, s.category, s.history, s.order_rows FROM dormancy.stored_histories s;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._stored_histories() IS
	'internal: the stored histories while a refresh reads them, else no rows (category_histories calls it)';

--
-- Tracking
--

-- The relation and, recursively, its partitions or inheritance children (sorted OIDs).
CREATE FUNCTION dormancy._orders_members(rel regclass)
	RETURNS oid[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE m(relid) AS (
		SELECT rel::oid WHERE rel IS NOT NULL
		UNION
		SELECT i.inhrelid FROM pg_inherits i JOIN m ON i.inhparent = m.relid
	)
	SELECT array_agg(m.relid ORDER BY m.relid) FROM m
$$;
COMMENT ON FUNCTION dormancy._orders_members(regclass) IS
	'internal: a relation and all its partitions or inheritance children, as sorted OIDs';

-- Why a type's values may not be turned into text by the definer (NULL: they
-- may): only built-in types and domains over them, whose casts to text no one
-- but a superuser can define.
CREATE FUNCTION dormancy._untrackable_type(t regtype)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN y.oid IS NULL THEN 'the customer column does not exist'
				WHEN y.oid < 16384 THEN NULL
				WHEN y.typtype = 'd' AND y.typbasetype < 16384 THEN NULL
				ELSE format('the customer column has type %s, which is not built into PostgreSQL', y.oid::regtype)
		   END
	  FROM (SELECT t::oid AS want) w LEFT JOIN pg_type y ON y.oid = w.want
$$;
COMMENT ON FUNCTION dormancy._untrackable_type(regtype) IS
	'internal: why the change tracking cannot read customer ids of a type (NULL when it can)';

-- The change-tracking triggers dormancy puts on each tracked relation: name,
-- event and the transition tables the trigger function reads.  The one list
-- that making, checking, firing and dropping them go by.
CREATE FUNCTION dormancy._tracking_triggers()
	RETURNS TABLE (trigger_name name, event text, old_table name, new_table name)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	VALUES ('dormancy_track_insert'::name, 'INSERT', NULL::name, 'dormancy_new_rows'::name),
		   ('dormancy_track_update', 'UPDATE', 'dormancy_old_rows', 'dormancy_new_rows'),
		   ('dormancy_track_delete', 'DELETE', 'dormancy_old_rows', NULL),
		   ('dormancy_track_truncate', 'TRUNCATE', NULL, NULL)
$$;
COMMENT ON FUNCTION dormancy._tracking_triggers() IS
	'internal: the change-tracking triggers: name, event and transition tables';
REVOKE ALL ON FUNCTION dormancy._tracking_triggers() FROM PUBLIC;

-- Statement trigger on the tracked orders relations: mark the customers touched.
-- SECURITY DEFINER: whoever writes orders need not be allowed to write
-- dormancy's tables.  It trusts nothing of its call: it runs only as
-- dormancy's trigger on a relation it tracks, reads the column recorded when
-- tracking began (not a trigger argument) and only while that column still
-- has the recorded built-in type, so every cast and comparison it evaluates
-- is PostgreSQL's own.
CREATE OR REPLACE FUNCTION dormancy._orders_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	col_type oid;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked AND TG_RELID = ANY (st.tracked_relations), false) THEN
		-- left on a partition detached since, say: the next refresh removes it
		IF TG_NAME IN (SELECT d.trigger_name FROM dormancy._tracking_triggers() d) THEN
			RETURN NULL;
		END IF;
		RAISE EXCEPTION 'dormancy._orders_changed() runs only as a change-tracking trigger of dormancy on the bound orders'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s, which dormancy does not track.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF TG_WHEN <> 'AFTER' OR TG_LEVEL <> 'STATEMENT'
	   OR NOT EXISTS (SELECT 1 FROM dormancy._tracking_triggers() d WHERE d.trigger_name = TG_NAME AND d.event = TG_OP) THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('a change-tracking trigger of %s was renamed or altered', TG_RELID::regclass));
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		INSERT INTO dormancy.store_invalidations (reason) VALUES (format('TRUNCATE of %s', TG_RELID::regclass));
		RETURN NULL;
	END IF;
	-- the firing trigger is one dormancy made: this function, no arguments,
	-- and the transition tables the statements below read.  Else a name below
	-- could resolve to a temporary table of the session's instead (a trigger of
	-- the same name without them, made by someone given EXECUTE by mistake).
	IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN dormancy._tracking_triggers() d ON d.trigger_name = t.tgname
					WHERE t.tgrelid = TG_RELID AND t.tgname = TG_NAME AND d.event = TG_OP
					  AND t.tgfoid = 'dormancy._orders_changed()'::regprocedure AND t.tgnargs = 0
					  AND t.tgnewtable IS NOT DISTINCT FROM d.new_table
					  AND t.tgoldtable IS NOT DISTINCT FROM d.old_table) THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('a change-tracking trigger of %s was replaced', TG_RELID::regclass));
		RETURN NULL;
	END IF;
	SELECT a.atttypid INTO col_type
	  FROM pg_attribute a
	 WHERE a.attrelid = TG_RELID AND a.attname = st.customer_column AND a.attnum > 0 AND NOT a.attisdropped;
	-- (tracking began only if the recorded type is built in)
	IF col_type IS DISTINCT FROM st.customer_type::oid THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('the customer column "%s" of %s was renamed, dropped or changed type', st.customer_column, TG_RELID::regclass));
		RETURN NULL;
	END IF;
	-- COLLATE "C": a nondeterministic collation of the column must not merge ids
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
					   'SELECT DISTINCT (n.%1$I)::pg_catalog.text COLLATE pg_catalog."C" FROM dormancy_new_rows n '
					   'WHERE n.%1$I IS NOT NULL', st.customer_column);
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
					   'SELECT DISTINCT (o.%1$I)::pg_catalog.text COLLATE pg_catalog."C" FROM dormancy_old_rows o '
					   'WHERE o.%1$I IS NOT NULL', st.customer_column);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._orders_changed() IS
	'internal: trigger on the tracked orders relations recording the customers whose orders changed';

-- Drop the tracking triggers from a relation (if it still exists): unchanged.
CREATE OR REPLACE FUNCTION dormancy._untrack_orders(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trig text;
BEGIN
	IF rel IS NULL OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = rel) THEN
		RETURN;
	END IF;
	FOR trig IN
		SELECT t.tgname FROM pg_trigger t
		 WHERE t.tgrelid = rel AND NOT t.tgisinternal
		   AND t.tgname IN (SELECT d.trigger_name FROM dormancy._tracking_triggers() d)
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', trig, rel);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._untrack_orders(regclass) IS 'internal: remove the change-tracking triggers';

-- Make one relation carry the four tracking triggers, enabled ALWAYS (so
-- that session_replication_role = replica fires them too).  Triggers already
-- right are left alone, so that tracking again locks nothing it need not
-- (DROP TRIGGER would lock the table against readers until the refresh
-- commits).  Fixed statements: the only input is the relation's OID.
CREATE FUNCTION dormancy._add_tracking_triggers(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trig record;
	want text;
	have record;
BEGIN
	FOR trig IN
		SELECT d.trigger_name AS name, d.event,
			   coalesce('REFERENCING ' || NULLIF(concat_ws(' ', 'OLD TABLE AS ' || d.old_table,
																'NEW TABLE AS ' || d.new_table), '') || ' ', '') AS referencing
		  FROM dormancy._tracking_triggers() d
	LOOP
		want := format('CREATE TRIGGER %s AFTER %s ON %s %sFOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed()',
					   trig.name, trig.event, rel, trig.referencing);
		SELECT pg_get_triggerdef(t.oid) AS def, t.tgenabled INTO have
		  FROM pg_trigger t WHERE t.tgrelid = rel AND t.tgname = trig.name;
		IF FOUND AND have.def IS DISTINCT FROM want THEN
			EXECUTE format('DROP TRIGGER %I ON %s', trig.name, rel);
		END IF;
		IF NOT FOUND OR have.def IS DISTINCT FROM want THEN
			EXECUTE want;
			have.tgenabled := 'O';
		END IF;
		IF have.tgenabled <> 'A' THEN
			EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', rel, trig.name);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._add_tracking_triggers(regclass) IS
	'internal: make a relation carry the change-tracking triggers, enabled ALWAYS';

-- Track the orders: triggers on the relation and on all its partitions, the
-- column and its type recorded; the next refresh is a full one (why: reason).
-- A relation that cannot be tracked is recorded as not tracked, with why.
CREATE FUNCTION dormancy._track_orders(rel regclass, customer name, reason text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[] := dormancy._orders_members(rel);
	m oid;
	col_type oid;
	why_not text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	-- relations tracked before that are no longer members
	FOR m IN SELECT DISTINCT x FROM unnest(coalesce(st.tracked_relations, '{}') || st.orders_relation::oid) x
			  WHERE x IS NOT NULL AND NOT x = ANY (coalesce(members, '{}')) LOOP
		PERFORM dormancy._untrack_orders(m::regclass);
	END LOOP;
	IF rel IS NULL THEN
		UPDATE dormancy.history_store_state
		   SET orders_relation = NULL, tracked = false, complete = false, time_zone = NULL,
			   customer_column = NULL, customer_type = NULL, tracked_relations = NULL, reason = 'no orders are bound';
		RETURN;
	END IF;
	SELECT a.atttypid INTO col_type FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attname = customer AND a.attnum > 0 AND NOT a.attisdropped;
	SELECT format('%s is a %s', c.oid::regclass,
				  CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
								 ELSE 'relation of kind ' || c.relkind::text END)
	  INTO why_not
	  FROM unnest(members) x JOIN pg_class c ON c.oid = x
	 WHERE c.relkind NOT IN ('r', 'p')
	 ORDER BY c.oid LIMIT 1;
	why_not := coalesce(why_not, dormancy._untrackable_type(col_type));
	IF why_not IS NULL THEN
		SELECT format('%s receives rows by logical replication, whose apply fires no statement triggers', s.srrelid::regclass)
		  INTO why_not
		  FROM pg_subscription_rel s WHERE s.srrelid = ANY (members) LIMIT 1;
	END IF;
	IF why_not IS NULL THEN
		BEGIN
			FOREACH m IN ARRAY members LOOP
				PERFORM dormancy._add_tracking_triggers(m::regclass);
			END LOOP;
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		FOREACH m IN ARRAY members LOOP
			PERFORM dormancy._untrack_orders(m::regclass);
		END LOOP;
		RAISE NOTICE 'orders of % are not tracked: every refresh will read all orders', rel
			USING DETAIL = why_not || '.';
	END IF;
	UPDATE dormancy.history_store_state
	   SET orders_relation = rel, tracked = why_not IS NULL, complete = false, time_zone = NULL,
		   customer_column = customer, customer_type = col_type,
		   tracked_relations = CASE WHEN why_not IS NULL THEN members END,
		   reason = coalesce(why_not, _track_orders.reason);
END
$$;
COMMENT ON FUNCTION dormancy._track_orders(regclass, name, text) IS
	'internal: put the change-tracking triggers on the orders relation and all its partitions';

-- What could have let a write go unseen since tracking began (NULL: nothing).
-- Compares catalog facts only (run by the event triggers as the owner).
CREATE FUNCTION dormancy._tracking_problem()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[];
	m oid;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false) THEN
		RETURN NULL;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.orders_relation) THEN
		RETURN 'the orders relation no longer exists';
	END IF;
	members := dormancy._orders_members(st.orders_relation);
	IF members IS DISTINCT FROM st.tracked_relations THEN
		RETURN format('the partitions of %s changed (attached, detached, created or dropped)', st.orders_relation);
	END IF;
	SELECT x INTO m FROM unnest(members) x
	 WHERE (SELECT count(*) FROM pg_trigger t
			 WHERE t.tgrelid = x AND t.tgfoid = 'dormancy._orders_changed()'::regprocedure AND t.tgenabled = 'A'
			   AND t.tgnargs = 0
			   AND t.tgname IN (SELECT d.trigger_name FROM dormancy._tracking_triggers() d))
		   <> (SELECT count(*) FROM dormancy._tracking_triggers())
	 LIMIT 1;
	IF FOUND THEN
		RETURN format('a change-tracking trigger of %s is missing, renamed or not enabled ALWAYS', m::regclass);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a
					WHERE a.attrelid = st.orders_relation AND a.attname = st.customer_column
					  AND a.atttypid = st.customer_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the customer column "%s" of %s was renamed, dropped or changed type', st.customer_column, st.orders_relation);
	END IF;
	SELECT s.srrelid INTO m FROM pg_subscription_rel s WHERE s.srrelid = ANY (members) LIMIT 1;
	IF FOUND THEN
		RETURN format('%s receives rows by logical replication, whose apply fires no statement triggers', m::regclass);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._tracking_problem() IS
	'internal: whether the change tracking could have missed writes (partitions, triggers or the customer column changed)';

--
-- Event triggers: partitions created later get the triggers at once; DDL that
-- could hide writes (ATTACH/DETACH PARTITION, DISABLE TRIGGER, DROP, a
-- renamed or retyped customer column) makes the next refresh a full one.
-- SECURITY DEFINER, because DDL of any role must be seen and a new partition
-- of any owner must get the triggers: they compare OIDs and catalog facts and
-- run fixed statements only.  Enabled ALWAYS, like the triggers.
--

-- A partition created under a tracked relation: track it from the start.
CREATE FUNCTION dormancy._track_new_member(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	BEGIN
		PERFORM dormancy._add_tracking_triggers(rel);
	EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('the new partition %s cannot be tracked: %s', rel, SQLERRM));
		RETURN;
	END;
	-- never wait for a running refresh (it holds the row): if it does, the
	-- next refresh sees the new partition unrecorded and rebuilds in full
	UPDATE dormancy.history_store_state s
	   SET tracked_relations = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(s.tracked_relations || rel::oid) x)
	 WHERE s.singleton
	   AND s.singleton IN (SELECT l.singleton FROM dormancy.history_store_state l FOR UPDATE SKIP LOCKED);
END
$$;
COMMENT ON FUNCTION dormancy._track_new_member(regclass) IS
	'internal: add the change-tracking triggers to a partition created under the tracked orders';

CREATE FUNCTION dormancy._orders_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	cmd record;
	touched boolean := false;
	problem text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false) THEN
		RETURN;
	END IF;
	FOR cmd IN SELECT DISTINCT c.classid, c.objid, c.command_tag FROM pg_event_trigger_ddl_commands() c LOOP
		IF cmd.classid = 'pg_class'::regclass AND cmd.objid = ANY (st.tracked_relations) THEN
			touched := true;
		ELSIF cmd.classid = 'pg_class'::regclass AND cmd.command_tag = 'CREATE TABLE'
			  AND EXISTS (SELECT 1 FROM pg_inherits i
						   WHERE i.inhrelid = cmd.objid AND i.inhparent = ANY (st.tracked_relations)) THEN
			PERFORM dormancy._track_new_member(cmd.objid::regclass);
			touched := true;
		ELSIF cmd.classid = 'pg_trigger'::regclass
			  AND EXISTS (SELECT 1 FROM pg_trigger t
						   WHERE t.oid = cmd.objid AND t.tgrelid = ANY (st.tracked_relations)) THEN
			touched := true;
		END IF;
	END LOOP;
	IF touched THEN
		problem := dormancy._tracking_problem();
		IF problem IS NOT NULL THEN
			INSERT INTO dormancy.store_invalidations (reason) VALUES (problem);
		END IF;
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- never fail the user's DDL: the next refresh checks and rebuilds
	RAISE WARNING 'dormancy could not check this command for its change tracking: %', SQLERRM
		USING HINT = 'The next dormancy.refresh() checks the tracking itself and rebuilds in full if it must.';
END
$$;
COMMENT ON FUNCTION dormancy._orders_ddl() IS
	'internal: event trigger (ddl_command_end) tracking new partitions of the orders and seeing DDL that could hide writes';

CREATE FUNCTION dormancy._orders_dropped()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	problem text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false) THEN
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
				WHERE (d.classid = 'pg_class'::regclass AND d.objid = ANY (st.tracked_relations))
				   OR d.classid = 'pg_trigger'::regclass) THEN
		problem := dormancy._tracking_problem();
		IF problem IS NOT NULL THEN
			INSERT INTO dormancy.store_invalidations (reason) VALUES (problem);
		END IF;
	END IF;
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'dormancy could not check this command for its change tracking: %', SQLERRM
		USING HINT = 'The next dormancy.refresh() checks the tracking itself and rebuilds in full if it must.';
END
$$;
COMMENT ON FUNCTION dormancy._orders_dropped() IS
	'internal: event trigger (sql_drop) seeing dropped partitions or triggers of the tracked orders';

CREATE EVENT TRIGGER dormancy_track_ddl ON ddl_command_end
	WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'ALTER TRIGGER')
	EXECUTE FUNCTION dormancy._orders_ddl();
ALTER EVENT TRIGGER dormancy_track_ddl ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_track_ddl IS
	'extension dormancy: tracks new partitions of the bound orders, and DDL that could hide writes from the change tracking';
CREATE EVENT TRIGGER dormancy_track_drop ON sql_drop
	WHEN TAG IN ('DROP TABLE', 'DROP TRIGGER', 'ALTER TABLE')
	EXECUTE FUNCTION dormancy._orders_dropped();
ALTER EVENT TRIGGER dormancy_track_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_track_drop IS
	'extension dormancy: sees dropped partitions or triggers of the bound orders';

-- After every build: (re)track the bound orders and invalidate the store, so
-- the next refresh is a full one.
CREATE OR REPLACE FUNCTION dormancy._after_build_62_incremental()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ord record;
BEGIN
	SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
	  FROM dormancy.bindings b WHERE b.source = 'orders';
	PERFORM dormancy._track_orders(ord.relation, ord.customer, 'the orders were bound, rebound or the extension updated');
	TRUNCATE dormancy.stored_histories, dormancy.changed_customers, dormancy.store_invalidations;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_62_incremental() IS
	'internal: after a build, track changes of the bound orders table and make the next refresh a full one';

-- Make the next refresh a full one.
CREATE OR REPLACE FUNCTION dormancy.reset_stored_histories()
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	INSERT INTO dormancy.store_invalidations (reason) VALUES ('dormancy.reset_stored_histories() was called');
END;
COMMENT ON FUNCTION dormancy.reset_stored_histories() IS
	'make the next dormancy.refresh() rebuild every stored purchase history (a full refresh)';

-- The reason of a full or live refresh, in this session's running run.
CREATE FUNCTION dormancy._log_history_reason(reason text)
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.refresh_runs r SET history_reason = _log_history_reason.reason
	 WHERE r.pid = pg_catalog.pg_backend_pid() AND r.outcome = 'running';
END;
COMMENT ON FUNCTION dormancy._log_history_reason(text) IS
	'internal: record in dormancy.refresh_runs why the running refresh read the histories in full or live';

-- Called by the refresh under its lock, before the snapshot is computed:
-- check that the tracking saw every write, bring the store up to date, and let
-- category_histories read it for the rest of the transaction.  Returns
-- 'incremental', 'full' or 'live' (not tracked), and why not incremental.
-- it also returns why it was not incremental (a new OUT parameter)
DROP FUNCTION dormancy._prepare_histories();
CREATE FUNCTION dormancy._prepare_histories(OUT mode text, OUT customers_recomputed bigint, OUT reason text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state FOR UPDATE;
	PERFORM dormancy._read_stored_histories(false);
	-- tracking could have been bypassed: track again, rebuild everything
	IF st.tracked THEN
		reason := dormancy._tracking_problem();
		IF reason IS NOT NULL THEN
			PERFORM dormancy._track_orders(st.orders_relation, st.customer_column, reason);
			SELECT * INTO st FROM dormancy.history_store_state;
		END IF;
	END IF;
	IF NOT st.tracked THEN
		mode := 'live';
		reason := st.reason;
		PERFORM dormancy._log_history_reason(reason);
		RETURN;
	END IF;
	-- the marks visible now are handled now, and only they are deleted at the
	-- end (by id: a mark committed meanwhile, even with a smaller id, stays)
	CREATE TEMP TABLE dormancy_refresh_marks ON COMMIT DROP AS
	SELECT c.change_id, c.customer_key FROM dormancy.changed_customers c;
	CREATE TEMP TABLE dormancy_refresh_invalidations ON COMMIT DROP AS
	SELECT i.invalidation_id, i.reason FROM dormancy.store_invalidations i;
	IF reason IS NULL AND NOT st.complete THEN
		reason := coalesce(st.reason, 'the store is not complete');
	END IF;
	IF reason IS NULL THEN
		SELECT string_agg(DISTINCT i.reason, '; ' ORDER BY i.reason) INTO reason
		  FROM pg_temp.dormancy_refresh_invalidations i;
	END IF;
	IF reason IS NULL AND st.time_zone IS DISTINCT FROM current_setting('dormancy.time_zone') THEN
		reason := format('dormancy.time_zone is %s, the stored days are in %s', current_setting('dormancy.time_zone'), st.time_zone);
	END IF;
	IF reason IS NULL THEN
		mode := 'incremental';
		SELECT format_type(a.atttypid, a.atttypmod) INTO id_type
		  FROM pg_attribute a WHERE a.attrelid = 'dormancy.src_orders'::regclass AND a.attname = 'customer_id';
		-- the marks in the text form the store uses
		EXECUTE format('CREATE TEMP TABLE dormancy_refresh_changed ON COMMIT DROP AS '
					   'SELECT DISTINCT (m.customer_key::%s)::pg_catalog.text AS customer_key '
					   'FROM pg_temp.dormancy_refresh_marks m', id_type);
		DELETE FROM dormancy.stored_histories s
		 USING pg_temp.dormancy_refresh_changed k WHERE s.customer_key = k.customer_key;
		-- all the orders of those customers (an index on the customer column serves it)
		EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
					   'SELECT o.customer_id::pg_catalog.text, o.category, '
					   'dormancy.purchase_history(o.ordered_at, o.amount, o.discounted), pg_catalog.count(*) '
					   'FROM dormancy.src_orders o '
					   'WHERE o.customer_id IN (SELECT k.customer_key::%s FROM pg_temp.dormancy_refresh_changed k) '
					   'GROUP BY o.customer_id, o.category', id_type);
		SELECT count(*) INTO customers_recomputed FROM pg_temp.dormancy_refresh_changed;
		DROP TABLE pg_temp.dormancy_refresh_changed;
	ELSE
		mode := 'full';
		TRUNCATE dormancy.stored_histories;
		INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows)
		SELECT h.customer_id::text, h.category, h.history, h.order_rows
		  FROM dormancy.category_histories h;
		GET DIAGNOSTICS customers_recomputed = ROW_COUNT;
		UPDATE dormancy.history_store_state
		   SET complete = true, time_zone = current_setting('dormancy.time_zone'), reason = NULL;
	END IF;
	DELETE FROM dormancy.changed_customers c USING pg_temp.dormancy_refresh_marks m
	 WHERE c.change_id = m.change_id;
	DELETE FROM dormancy.store_invalidations i USING pg_temp.dormancy_refresh_invalidations t
	 WHERE i.invalidation_id = t.invalidation_id;
	DROP TABLE pg_temp.dormancy_refresh_marks, pg_temp.dormancy_refresh_invalidations;
	PERFORM dormancy._log_history_reason(reason);
	PERFORM dormancy._read_stored_histories(true);
END
$$;
COMMENT ON FUNCTION dormancy._prepare_histories() IS
	'internal: update dormancy.stored_histories for a refresh (incremental when the tracking saw every write) and read from it';

-- category_histories reads the store through the gate, not by name (the
-- generated views are rebuilt from this at the end of the script)
-- (dormancy._view_definitions: see below)
REVOKE ALL ON FUNCTION dormancy.reset_stored_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._prepare_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._after_build_62_incremental() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrack_orders(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._read_stored_histories(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_members(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrackable_type(regtype) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._add_tracking_triggers(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._track_orders(regclass, name, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._tracking_problem() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._track_new_member(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_ddl() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_dropped() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._log_history_reason(text) FROM PUBLIC;
-- (the live view category_histories calls _use_stored_histories() and
-- _stored_histories(): 97_privileges.sql grants them to dormancy_analyst; the
-- gate only says whether a refresh runs in this transaction, and the store is
-- read with the caller's own rights)

--
-- Settings, NaN checks, rebind, refresh log (helper: settings)
--

-- NaN and infinity are refused in every numeric column (they compare above
-- every number, so a NaN min_order_amount made every customer never_purchased)
ALTER TABLE dormancy.rules ADD CONSTRAINT rules_min_order_amount_finite CHECK (min_order_amount < 'Infinity');
ALTER TABLE dormancy.default_rules ADD CONSTRAINT default_rules_min_order_amount_finite
	CHECK (min_order_amount >= 0 AND min_order_amount < 'Infinity');
ALTER TABLE dormancy.price_changes ADD CONSTRAINT price_changes_change_pct_finite CHECK (
		change_pct IS NULL OR (change_pct > '-Infinity' AND change_pct < 'Infinity'));
ALTER TABLE dormancy.models ADD CONSTRAINT models_fit_seconds_finite CHECK (fit_seconds >= 0 AND fit_seconds < 'Infinity');

-- broken bindings: kept, named, the views of the others built

CREATE FUNCTION dormancy._binding_problems()
	RETURNS TABLE (source text, relation regclass, code text, message text, hint text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b record;
	r record;
	err text;
	available text;
BEGIN
	FOR b IN SELECT x.source, x.relation, x.columns FROM dormancy.bindings x
			  WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = x.relation)
			  ORDER BY x.source LOOP
		FOR r IN SELECT e.key AS role, e.value AS col FROM jsonb_each_text(b.columns) e ORDER BY e.key LOOP
			BEGIN
				IF r.role IN ('ordered_at', 'starts_on', 'ends_on', 'occurred_at', 'closed_at', 'updated_at') THEN
					PERFORM dormancy._check_day_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('amount', 'seats') THEN
					PERFORM dormancy._check_number_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('discounted', 'auto_renew') THEN
					PERFORM dormancy._check_bool_column(b.relation, r.role, r.col);
				ELSE
					PERFORM dormancy._binding_column(b.relation, r.role, r.col);
				END IF;
			EXCEPTION WHEN undefined_column OR datatype_mismatch THEN
				GET STACKED DIAGNOSTICS err = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
				SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO available
				  FROM pg_attribute a
				 WHERE a.attrelid = b.relation AND a.attnum > 0 AND NOT a.attisdropped;
				source := b.source;
				relation := b.relation;
				message := format('the %s binding is broken: %s', b.source, err);
				hint := format('Bind the %s again with the column that now holds the %s (columns of %s: %s): '
							   'SELECT dormancy.bind_%s(%L, %s); or remove the binding: SELECT dormancy.unbind(%L).',
							   b.source, r.role, b.relation, coalesce(available, 'none'), b.source, b.relation::text,
							   (SELECT string_agg(format('%s => %s', e.key,
														 CASE WHEN e.key = r.role THEN '...' ELSE quote_literal(e.value) END),
												  ', ' ORDER BY e.key)
								  FROM jsonb_each_text(b.columns) e),
							   b.source);
				RETURN NEXT;
				EXIT;
			END;
		END LOOP;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._binding_problems() IS
	'internal: the bindings whose relation lost a bound column or changed its type, with the error and the bind call that repairs it';

CREATE FUNCTION dormancy._usable_bindings()
	RETURNS SETOF dormancy.bindings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.* FROM dormancy.bindings b
	 WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation)
	   AND b.source NOT IN (SELECT p.source FROM dormancy._binding_problems() p)
$$;
COMMENT ON FUNCTION dormancy._usable_bindings() IS
	'internal: the bindings whose relation exists and whose columns are intact';

CREATE FUNCTION dormancy._broken_binding(source text, message text, hint text, code text)
	RETURNS boolean
	LANGUAGE plpgsql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION '%', message
		USING ERRCODE = code,
			  DETAIL = format('dormancy.src_%s and the views that read it, customer_status among them, fail until the %s are bound again.',
							  source, source),
			  HINT = hint;
END
$$;
COMMENT ON FUNCTION dormancy._broken_binding(text, text, text, text) IS
	'internal: raise the error of a broken customers or orders binding';

REVOKE ALL ON FUNCTION dormancy._binding_problems() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._usable_bindings() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._broken_binding(text, text, text, text) FROM PUBLIC;

-- (dormancy._view_definitions: see below)

CREATE OR REPLACE FUNCTION dormancy._build_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
BEGIN
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) is unbound
	FOR v IN DELETE FROM dormancy.bindings b
			  WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation)
			  RETURNING b.source LOOP
		RAISE WARNING 'the bound % relation no longer exists: % is unbound', v.source, v.source
			USING HINT = format('Bind the %s again with dormancy.bind_%s().', v.source, v.source);
	END LOOP;
	-- a binding that lost a column is kept; the views are built without it
	FOR v IN SELECT * FROM dormancy._binding_problems() LOOP
		RAISE WARNING '%', v.message
			USING DETAIL = CASE WHEN v.source IN ('customers', 'orders')
								THEN format('The views are built without it: reading dormancy.src_%s and the views on it, customer_status among them, raises this error, and refresh() fails, until the %s are bound again.',
											v.source, v.source)
								ELSE format('The views are built as if the %s were not bound (dormancy.src_%s is empty), and refresh() fails, until they are bound again.',
											v.source, v.source) END,
				  HINT = v.hint;
	END LOOP;

	SELECT array_agg(d.view_name ORDER BY d.ord) INTO views
	  FROM dormancy._view_definitions() WITH ORDINALITY AS d(view_name, definition, ord);

	-- first try in place, which keeps views that users built on ours
	BEGIN
		FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
			EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
						   v.view_name, v.definition);
		END LOOP;
	EXCEPTION
		WHEN invalid_table_definition OR feature_not_supported OR datatype_mismatch THEN
			-- a column changed type: drop everything and build afresh
			FOR i IN REVERSE array_length(views, 1) .. 1 LOOP
				IF to_regclass('dormancy.' || quote_ident(views[i])) IS NOT NULL THEN
					PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(views[i]))::regclass);
					BEGIN
						EXECUTE format('DROP VIEW dormancy.%I', views[i]);
					EXCEPTION WHEN dependent_objects_still_exist THEN
						RAISE EXCEPTION 'cannot rebind: other views depend on dormancy.%', views[i]
							USING ERRCODE = 'dependent_objects_still_exist',
								  DETAIL = 'The new binding changes a column type of the generated views, so they must be dropped and recreated.',
								  HINT = format('Drop the views that use dormancy.%s, bind, then create them again.', views[i]);
					END;
				END IF;
			END LOOP;
			FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
	END;

	-- not members of the extension (see _is_member)
	FOREACH v.view_name IN ARRAY views LOOP
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(v.view_name))::regclass);
	END LOOP;
	PERFORM dormancy._comment_views();
	-- later parts comment their own views: functions dormancy._comment_views_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_comment_views_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
	-- customer_core's columns mean what they mean in customer_status
	FOR v IN
		SELECT a.attname, col_description('dormancy.customer_status'::regclass, st.attnum) AS description
		  FROM pg_attribute a
		  JOIN pg_attribute st ON st.attrelid = 'dormancy.customer_status'::regclass AND st.attname = a.attname
		 WHERE a.attrelid = 'dormancy.customer_core'::regclass AND a.attnum > 0
	LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.customer_core.%I IS %L', v.attname, v.description);
	END LOOP;
	-- and do what must follow each build: functions dormancy._after_build_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_after_build_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.bindings AS b (source, relation, columns)
	VALUES (source, relation, jsonb_strip_nulls(columns))
	ON CONFLICT ON CONSTRAINT bindings_pkey DO UPDATE
	   SET relation = excluded.relation, columns = excluded.columns,
		   bound_at = now(), bound_by = CURRENT_USER;
	-- the optional sources' customer columns must still compare with the ids
	IF _bind.source IN ('customers', 'orders') THEN
		PERFORM dormancy._check_customer_column(b.source, b.relation, (b.columns ->> 'customer')::name)
		   FROM dormancy._usable_bindings() b
		  WHERE b.source NOT IN ('customers', 'orders');
	END IF;
	BEGIN
		PERFORM dormancy._build_views();
	EXCEPTION WHEN undefined_function THEN
		RAISE EXCEPTION 'customer ids of orders and customers cannot be compared'
			USING ERRCODE = 'datatype_mismatch',
				  DETAIL = format('The customer column of the orders has type %s and the id column of the customers has type %s.',
								  (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a, dormancy.bindings b
								    WHERE b.source = 'orders' AND a.attrelid = b.relation AND a.attname = b.columns ->> 'customer'),
								  (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a, dormancy.bindings b
								    WHERE b.source = 'customers' AND a.attrelid = b.relation AND a.attname = b.columns ->> 'id')),
				  HINT = 'Bind a view that casts one of them to the type of the other.';
	END;
END
$$;

CREATE OR REPLACE FUNCTION dormancy._customer_id_type()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b record;
BEGIN
	SELECT x.relation, x.columns ->> 'id' AS col INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'customers';
	IF b.relation IS NOT NULL THEN
		RETURN (dormancy._binding_column(b.relation, 'id', b.col)).type_name;
	END IF;
	SELECT x.relation, x.columns ->> 'customer' AS col INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'orders';
	IF b.relation IS NOT NULL THEN
		RETURN (dormancy._binding_column(b.relation, 'customer', b.col)).type_name;
	END IF;
	RETURN 'bigint';
END
$$;

CREATE OR REPLACE FUNCTION dormancy._views_50_sources(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type text := dormancy._customer_id_type();
	b record;
BEGIN
	-- src_contracts: one row per contract term
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contracts';
	view_name := 'src_contracts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS starts_on, %s AS ends_on, %s AS seats, %s AS amount, '
			'%s AS auto_renew, %s AS plan FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'starts_on'),
			dormancy._day_expr(b.relation, b.columns, 'ends_on'),
			dormancy._number_expr(b.relation, b.columns, 'seats'),
			dormancy._number_expr(b.relation, b.columns, 'amount'),
			dormancy._col_as(b.columns, 'auto_renew', 'pg_catalog.bool'),
			dormancy._col_as(b.columns, 'plan', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS starts_on, NULL::pg_catalog.date AS ends_on, '
			'NULL::pg_catalog.float8 AS seats, NULL::pg_catalog.float8 AS amount, NULL::pg_catalog.bool AS auto_renew, '
			'NULL::pg_catalog.text AS plan WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_events: one row per event
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'events';
	view_name := 'src_events';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS occurred_on, %s AS source_kind FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'occurred_at'),
			dormancy._col_as(b.columns, 'kind', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS occurred_on, '
			'NULL::pg_catalog.text AS source_kind WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_deals: one row per deal
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'deals';
	view_name := 'src_deals';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS closed_on, %s AS source_outcome, %s AS source_reason, '
			'%s AS note FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'closed_at'),
			dormancy._col_as(b.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'lost_reason', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'note', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS closed_on, NULL::pg_catalog.text AS source_outcome, '
			'NULL::pg_catalog.text AS source_reason, NULL::pg_catalog.text AS note WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_contacts: one row per contact
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contacts';
	view_name := 'src_contacts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS phone, %s AS email, %s AS person, %s AS updated_on FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._col_as(b.columns, 'phone', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'email', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'person', 'pg_catalog.text'),
			dormancy._day_expr(b.relation, b.columns, 'updated_at'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.text AS phone, NULL::pg_catalog.text AS email, '
			'NULL::pg_catalog.text AS person, NULL::pg_catalog.date AS updated_on WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- contract_signals: per customer, from its valid terms (a start or an
	-- end, and no end before the start); NULL start means started long ago,
	-- NULL or infinite end means open-ended
	view_name := 'contract_signals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day, s.contract_grace_period, s.downgrade_window, s.renewal_horizon
	  FROM dormancy.source_settings_in_force() s
), terms AS (
	SELECT c.customer_id, c.starts_on, c.ends_on, c.seats, c.amount, c.auto_renew, c.plan,
		   coalesce(c.ends_on, 'infinity'::pg_catalog.date) AS end_day,
		   (c.starts_on IS NULL OR c.starts_on <= a.day) AS started,
		   pg_catalog.lag(c.seats) OVER w AS prev_seats,
		   pg_catalog.lag(c.amount) OVER w AS prev_amount,
		   pg_catalog.lag(c.plan) OVER w AS prev_plan
	  FROM dormancy.src_contracts c CROSS JOIN a
	 WHERE c.customer_id IS NOT NULL
	   AND (c.starts_on IS NOT NULL OR c.ends_on IS NOT NULL)
	   AND (c.starts_on IS NULL OR c.ends_on IS NULL OR c.starts_on <= c.ends_on)
	WINDOW w AS (PARTITION BY c.customer_id
				 ORDER BY coalesce(c.starts_on, '-infinity'::pg_catalog.date), c.ends_on NULLS LAST)
), per_customer AS (
	SELECT t.customer_id,
		   pg_catalog.count(*) AS terms,
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started) AS last_end,
		   coalesce(pg_catalog.bool_or(t.started AND t.end_day >= a.day), false) AS covered,
		   coalesce(pg_catalog.bool_or(t.starts_on > a.day), false) AS renewed_ahead
	  FROM terms t CROSS JOIN a
	 GROUP BY t.customer_id
), cur AS (
	-- the current term: started, covering as_of, ending last
	SELECT DISTINCT ON (t.customer_id) t.*
	  FROM terms t CROSS JOIN a
	 WHERE t.started AND t.end_day >= a.day
	 ORDER BY t.customer_id, t.end_day DESC, t.starts_on DESC NULLS LAST
), down AS (
	-- the latest term in the downgrade window with fewer seats or a lower amount than the one before
	SELECT DISTINCT ON (t.customer_id) t.*
	  FROM terms t CROSS JOIN a
	 WHERE t.started
	   AND coalesce(t.starts_on, '-infinity'::pg_catalog.date) > (a.day - a.downgrade_window)::pg_catalog.date
	   AND (t.seats < t.prev_seats OR t.amount < t.prev_amount)
	 ORDER BY t.customer_id, t.starts_on DESC NULLS LAST, t.end_day DESC
)
SELECT p.customer_id,
	   p.terms,
	   cur.starts_on AS current_starts_on,
	   cur.ends_on AS current_ends_on,
	   cur.plan AS current_plan,
	   cur.seats AS current_seats,
	   cur.amount AS current_amount,
	   cur.auto_renew AS current_auto_renew,
	   CASE WHEN p.last_end < 'infinity'::pg_catalog.date THEN p.last_end END AS contract_end_at,
	   CASE WHEN p.last_end IS NOT NULL THEN least(p.last_end, a.day) END AS last_covered_day,
	   (p.last_end IS NOT NULL AND NOT p.covered
		AND (p.last_end + a.contract_grace_period)::pg_catalog.date < a.day) AS contract_lapsed,
	   CASE WHEN p.last_end IS NOT NULL AND NOT p.covered THEN a.day - p.last_end END AS days_since_contract_end,
	   coalesce(cur.auto_renew = false AND NOT p.renewed_ahead, false) AS auto_renew_off,
	   CASE WHEN cur.end_day < 'infinity'::pg_catalog.date AND NOT p.renewed_ahead
			THEN cur.end_day - a.day END AS renewal_due_in_days,
	   (a.day + a.renewal_horizon)::pg_catalog.date - a.day AS renewal_horizon_days,
	   (down.customer_id IS NOT NULL) AS downgraded,
	   down.starts_on AS downgraded_on,
	   down.prev_seats AS seats_before,
	   down.seats AS seats_after,
	   down.prev_amount AS amount_before,
	   down.amount AS amount_after,
	   down.prev_plan AS plan_before,
	   down.plan AS plan_after,
	   a.day AS as_of
  FROM per_customer p
 CROSS JOIN a
  LEFT JOIN cur ON cur.customer_id = p.customer_id
  LEFT JOIN down ON down.customer_id = p.customer_id
$q$;
	RETURN NEXT;

	-- customer_engagement: events per customer in the engagement window, by kind
	view_name := 'customer_engagement';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.engagement_window)::pg_catalog.date AS window_start
	  FROM dormancy.source_settings_in_force() s
), ev AS (
	SELECT e.customer_id, e.occurred_on, coalesce(k.kind, 'other') AS kind,
		   e.occurred_on > a.window_start AS in_window
	  FROM dormancy.src_events e
	 CROSS JOIN a
	  LEFT JOIN dormancy.event_kinds k ON pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind))
	 WHERE e.customer_id IS NOT NULL AND e.occurred_on IS NOT NULL AND pg_catalog.isfinite(e.occurred_on)
	   AND e.occurred_on <= a.day
)
SELECT ev.customer_id,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window)::integer AS events_in_window,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_open')::integer AS email_opens,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_click')::integer AS email_clicks,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'web_visit')::integer AS web_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'pricing_view')::integer AS pricing_views,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'document_download')::integer AS document_downloads,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'support_visit')::integer AS support_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'other')::integer AS other_events,
	   pg_catalog.max(ev.occurred_on) AS last_event_at,
	   a.day - pg_catalog.max(ev.occurred_on) AS days_since_last_event,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_open') AS days_since_last_email_open,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_click') AS days_since_last_email_click,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'web_visit') AS days_since_last_web_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'pricing_view') AS days_since_last_pricing_view,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'document_download') AS days_since_last_document_download,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'support_visit') AS days_since_last_support_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'other') AS days_since_last_other_event,
	   a.day - a.window_start AS engagement_window_days,
	   a.day AS as_of
  FROM ev CROSS JOIN a
 GROUP BY ev.customer_id, a.day, a.window_start
$q$;
	RETURN NEXT;

	-- customer_deals: the last closed deal per customer (open deals counted apart)
	view_name := 'customer_deals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day
), d AS (
	SELECT x.customer_id, x.closed_on, x.source_outcome, x.source_reason, x.note,
		   coalesce(o.outcome, 'unknown') AS outcome,
		   CASE WHEN x.source_reason IS NULL OR pg_catalog.btrim(x.source_reason) = '' THEN NULL
				ELSE coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.src_deals x
	  LEFT JOIN dormancy.deal_outcomes o ON pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(x.source_outcome))
	  LEFT JOIN dormancy.deal_reasons r ON pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(x.source_reason))
	 WHERE x.customer_id IS NOT NULL
), closed AS (
	SELECT d.*, (d.outcome IS DISTINCT FROM 'open' AND d.closed_on IS NOT NULL AND pg_catalog.isfinite(d.closed_on)
				 AND d.closed_on <= a.day) AS counts
	  FROM d CROSS JOIN a
)
SELECT c.customer_id,
	   (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_at,
	   a.day - (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC) FILTER (WHERE c.counts))[1] AS days_since_last_deal,
	   (pg_catalog.array_agg(c.outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_outcome,
	   (pg_catalog.array_agg(c.reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_reason,
	   (pg_catalog.array_agg(c.source_outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_outcome,
	   (pg_catalog.array_agg(c.source_reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_reason,
	   (pg_catalog.array_agg(c.note ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_note,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'won')::integer AS deals_won,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'lost')::integer AS deals_lost,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'postponed')::integer AS deals_postponed,
	   pg_catalog.count(*) FILTER (WHERE c.outcome = 'open')::integer AS open_deals,
	   pg_catalog.max(c.closed_on) FILTER (WHERE c.counts AND c.outcome = 'won') AS last_won_at,
	   a.day AS as_of
  FROM closed c CROSS JOIN a
 GROUP BY c.customer_id, a.day
$q$;
	RETURN NEXT;

	-- source_issues: rows of the optional sources the views cannot use or
	-- had to interpret, counted per kind.  Every source reports its rows
	-- without a customer and those of unknown customers alike.
	view_name := 'source_issues';
	SELECT string_agg(format($b$
SELECT %1$L::pg_catalog.text AS source, %2$L::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   %4$L::pg_catalog.text AS detail
  FROM dormancy.%3$I x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT %1$L, %5$L, x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*), %6$L
  FROM dormancy.%3$I x
 WHERE x.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers s WHERE s.customer_id = x.customer_id)
 GROUP BY x.customer_id$b$,
		   v.source, v.noun || '_without_customer', 'src_' || v.source, v.rows_noun || ' whose customer is NULL, left out',
		   v.noun || '_customer_not_found', v.rows_noun || ' of a customer not in the bound customers, not in customer_status'),
		   E'\nUNION ALL' ORDER BY v.ord)
	  INTO definition
	  FROM (VALUES (1, 'contracts', 'contract', 'contract terms'), (2, 'events', 'event', 'events'),
				   (3, 'deals', 'deal', 'deals'), (4, 'contacts', 'contact', 'contacts')) v(ord, source, noun, rows_noun);
	definition := definition || $q$
UNION ALL
SELECT 'contracts', 'contract_without_dates', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms with neither start nor end, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_start', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without a start: taken as started before the as-of day'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_end', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without an end: taken as open-ended (running)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on IS NULL AND c.starts_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_ends_before_start', c.customer_id::pg_catalog.text,
	   pg_catalog.min(c.starts_on)::pg_catalog.text || ' > ' || pg_catalog.min(c.ends_on)::pg_catalog.text, pg_catalog.count(*),
	   'contract terms that end before they start, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on < c.starts_on
 GROUP BY c.customer_id
UNION ALL
SELECT 'events', 'event_without_date', e.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events whose time is NULL or infinite, left out'
  FROM dormancy.src_events e
 WHERE e.occurred_on IS NULL OR NOT pg_catalog.isfinite(e.occurred_on)
 GROUP BY e.customer_id
UNION ALL
SELECT 'events', 'event_kind_unmapped', NULL, e.source_kind, pg_catalog.count(*),
	   'event kinds not in dormancy.event_kinds (NULL included), counted as other'
  FROM dormancy.src_events e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
					WHERE pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind)))
 GROUP BY e.source_kind
UNION ALL
SELECT 'deals', 'deal_without_date', d.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'deals that are not open and have no (finite) close date, left out of the last deal'
  FROM dormancy.src_deals d
 WHERE (d.closed_on IS NULL OR NOT pg_catalog.isfinite(d.closed_on))
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome))
					  AND o.outcome = 'open')
 GROUP BY d.customer_id
UNION ALL
SELECT 'deals', 'deal_outcome_unmapped', NULL, d.source_outcome, pg_catalog.count(*),
	   'deal outcomes not in dormancy.deal_outcomes (NULL included): outcome unknown, neutral in the score'
  FROM dormancy.src_deals d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome)))
 GROUP BY d.source_outcome
UNION ALL
SELECT 'deals', 'deal_reason_unmapped', NULL, d.source_reason, pg_catalog.count(*),
	   'lost reasons not in dormancy.deal_reasons, counted as other'
  FROM dormancy.src_deals d
 WHERE d.source_reason IS NOT NULL AND pg_catalog.btrim(d.source_reason) <> ''
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
					WHERE pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(d.source_reason)))
 GROUP BY d.source_reason$q$;
	RETURN NEXT;
END
$$;

-- the refresh: an infinite as_of fails like SET dormancy.as_of; a cancel is
-- logged as failed; a broken binding stops it with its message and hint

COMMENT ON COLUMN dormancy.refresh_runs.outcome IS
	'running; succeeded; failed (error_text and sqlstate say why, the previous snapshot stayed; a cancel or statement_timeout is a failure with SQLSTATE 57014); skipped (another refresh held the lock); aborted (the session ended before the run finished: terminated or crashed)';

CREATE OR REPLACE FUNCTION dormancy._refresh_start()
	RETURNS bigint
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	run bigint;
BEGIN
	UPDATE dormancy.refresh_runs r
	   SET outcome = 'aborted',
		   error_text = 'the session ended before the run finished (terminated, crashed, or cancelled outside the work)'
	 WHERE r.outcome = 'running'
	   AND (r.pid = pg_backend_pid()
			OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.pid));
	INSERT INTO dormancy.refresh_runs DEFAULT VALUES RETURNING run_id INTO run;
	RETURN run;
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

-- new OUT column error_hint: a new result type
DROP FUNCTION dormancy._refresh_run(bigint, date);

CREATE FUNCTION dormancy._refresh_run(run bigint, as_of date,
	OUT outcome text, OUT error_message text, OUT error_detail text, OUT error_sqlstate text,
	OUT error_hint text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result record;
BEGIN
	IF NOT pg_try_advisory_xact_lock(dormancy.refresh_lock_key()) THEN
		outcome := 'skipped';
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'skipped', error_text = 'another refresh was running',
			   finished_at = clock_timestamp()
		 WHERE r.run_id = run;
		RETURN;
	END IF;
	BEGIN
		-- the day goes through dormancy.as_of, so an invalid one ('infinity')
		-- fails like SET dormancy.as_of would (to_char of it would be NULL,
		-- which would reset the setting to now)
		IF as_of IS NOT NULL THEN
			PERFORM set_config('dormancy.as_of',
							   CASE WHEN NOT isfinite(as_of) THEN as_of::text
									WHEN as_of < '0001-01-01' THEN to_char(as_of, 'YYYY-MM-DD BC')
									ELSE to_char(as_of, 'YYYY-MM-DD') END,
							   true);
		END IF;
		SELECT * INTO result FROM dormancy._refresh_work(run);
		outcome := 'succeeded';
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'succeeded', rows = result.rows, changes = result.changes,
			   as_of = result.as_of, reshaped = result.reshaped, models_refit = result.models_refit,
			   history_mode = result.history_mode, customers_recomputed = result.customers_recomputed,
			   finished_at = clock_timestamp()
		 WHERE r.run_id = run;
	-- a cancel (pg_cancel_backend, statement_timeout: query_canceled, which
	-- OTHERS does not include) is logged like any failure, then re-raised by
	-- refresh(); a termination (FATAL) cannot be caught: _refresh_start()
	-- marks that run aborted at the next refresh
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		GET STACKED DIAGNOSTICS error_message = MESSAGE_TEXT, error_sqlstate = RETURNED_SQLSTATE,
								error_detail = PG_EXCEPTION_DETAIL, error_hint = PG_EXCEPTION_HINT;
		outcome := 'failed';
		error_detail := NULLIF(error_detail, '');
		error_hint := NULLIF(error_hint, '');
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'failed', error_text = concat_ws(E'\n', error_message, error_detail),
			   sqlstate = error_sqlstate, finished_at = clock_timestamp()
		 WHERE r.run_id = run;
	END;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_run(bigint, date) IS
	'internal: one refresh under the advisory lock, its failure caught and logged';
REVOKE ALL ON FUNCTION dormancy._refresh_run(bigint, date) FROM PUBLIC;

CREATE OR REPLACE PROCEDURE dormancy.refresh(as_of date DEFAULT NULL)
	LANGUAGE plpgsql
AS $$
DECLARE
	run bigint;
	result record;
BEGIN
	run := dormancy._refresh_start();
	COMMIT;
	SELECT * INTO result FROM dormancy._refresh_run(run, as_of);
	COMMIT;
	IF result.outcome OPERATOR(pg_catalog.=) 'failed' AND result.error_hint IS NOT NULL THEN
		RAISE EXCEPTION 'refresh failed: %', result.error_message
			USING ERRCODE = result.error_sqlstate,
				  DETAIL = pg_catalog.concat_ws(' ', result.error_detail,
					  pg_catalog.format('Run %s is logged in dormancy.refresh_runs; the previous snapshot is unchanged.', run)),
				  HINT = result.error_hint;
	ELSIF result.outcome OPERATOR(pg_catalog.=) 'failed' THEN
		RAISE EXCEPTION 'refresh failed: %', result.error_message
			USING ERRCODE = result.error_sqlstate,
				  DETAIL = pg_catalog.concat_ws(' ', result.error_detail,
					  pg_catalog.format('Run %s is logged in dormancy.refresh_runs; the previous snapshot is unchanged.', run));
	ELSIF result.outcome OPERATOR(pg_catalog.=) 'skipped' THEN
		RAISE NOTICE 'refresh skipped: another refresh is running'
			USING DETAIL = pg_catalog.format('Run %s is logged in dormancy.refresh_runs as skipped.', run);
	END IF;
END
$$;

--
-- Purchase history type: input, sums (helper: history)
--

-- The C functions keep their signatures and the stored format its version
-- (1): values stored by 0.2.0 read as they are.  Day sums are now exact sums
-- rounded once; the stored histories were summed row by row, so the next
-- refresh rebuilds them all (a full refresh) and the snapshot then has the
-- same bits as the live view (a store that is not complete is rebuilt anyway).
SELECT dormancy.reset_stored_histories() FROM dormancy.history_store_state WHERE complete;

-- segment_summary sums amounts in numeric (exact, independent of plan order);
-- the views over the snapshot are rebuilt at the end of this script
CREATE OR REPLACE FUNCTION dormancy._snapshot_view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
VALUES
('segment_summary', $q$
SELECT s.state::pg_catalog.text AS state,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.segment::pg_catalog.text AS segment,
	   pg_catalog.count(*)::pg_catalog.int8 AS customers,
	   pg_catalog.count(*) FILTER (WHERE s.declining)::pg_catalog.int8 AS declining_customers,
	   coalesce(pg_catalog.sum(s.total_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS total_amount,
	   coalesce(pg_catalog.sum(s.recent_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS recent_amount,
	   coalesce(pg_catalog.sum(s.prior_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS prior_amount,
	   pg_catalog.avg(s.days_since_last_order)::pg_catalog.float8 AS avg_days_since_last_order,
	   pg_catalog.max(s.as_of)::pg_catalog.date AS as_of,
	   pg_catalog.max(s.refreshed_at)::pg_catalog.timestamptz AS refreshed_at
  FROM dormancy.status_snapshot s
 GROUP BY s.state, s.industry, s.company_size, s.segment
$q$),
('snapshot_call_list', $q$
SELECT pg_catalog.row_number() OVER (ORDER BY s.priority_rank, s.customer_key COLLATE "C")::pg_catalog.int8 AS call_rank,
	   s.customer_key::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.priority_score::pg_catalog.float8 AS priority_score,
	   s.likely_reason::pg_catalog.text AS likely_reason,
	   s.approach_channel::pg_catalog.text AS approach_channel,
	   s.message_theme::pg_catalog.text AS message_theme,
	   s.state::pg_catalog.text AS state,
	   s.segment::pg_catalog.text AS segment,
	   s.declining::pg_catalog.bool AS declining,
	   s.decline_signals::pg_catalog.text[] AS decline_signals,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   s.recent_amount::pg_catalog.float8 AS recent_amount,
	   s.prior_amount::pg_catalog.float8 AS prior_amount,
	   s.orders_count::pg_catalog.int8 AS orders_count,
	   s.last_order_at::pg_catalog.date AS last_order_at,
	   s.days_since_last_order::pg_catalog.int4 AS days_since_last_order,
	   s.dormant_after::pg_catalog.interval AS dormant_after,
	   s.as_of::pg_catalog.date AS as_of,
	   s.refreshed_at::pg_catalog.timestamptz AS refreshed_at,
	   s.data_gaps::pg_catalog.text[] AS data_gaps
  FROM dormancy.status_snapshot s
 WHERE s.likely_reason IS NOT NULL
   AND s.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY call_rank
$q$),
('recent_transitions', $q$
SELECT h.customer_id::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   h.change::pg_catalog.text AS change,
	   h.from_state::pg_catalog.text AS from_state,
	   h.to_state::pg_catalog.text AS to_state,
	   h.as_of::pg_catalog.date AS as_of,
	   (l.day - h.as_of)::pg_catalog.int4 AS days_ago,
	   s.state::pg_catalog.text AS current_state,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   h.recorded_at::pg_catalog.timestamptz AS recorded_at,
	   h.run_id::pg_catalog.int8 AS run_id
  FROM dormancy.status_history h
 CROSS JOIN (SELECT coalesce((SELECT x.as_of FROM dormancy.status_snapshot x LIMIT 1),
							 (SELECT pg_catalog.max(y.as_of) FROM dormancy.status_history y)) AS day) l
  LEFT JOIN dormancy.status_snapshot s ON s.customer_key = h.customer_id
 WHERE h.as_of > l.day - 31
 ORDER BY h.as_of DESC, h.history_id
$q$)
$$;

--
-- Models and scores: stable evaluation, interrupts (helper: models)
--

-- dormancy.model_predictions(): the model columns of one customer, NULL
-- plus the reason instead of an error (issue 10 item 4)
-- not STRICT: NULL inputs give NULL values (no model, no purchase, no spend model)
CREATE FUNCTION dormancy.model_predictions(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision,
	OUT p_alive double precision, OUT expected_purchases double precision,
	OUT expected_value double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_predictions'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_predictions(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, double precision) IS
	'p_alive, expected purchases and expected value (expected purchases times expected spend) in the next horizon time units, as customer_status computes them: a value that cannot be computed is NULL and problem says why, instead of an error';

-- customer_status and data_issues read the model columns through it
CREATE FUNCTION dormancy._model_from_item()
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN LATERAL (
	SELECT m.model_id, m.bgnbd, m.gammagamma,
		   pg_catalog.date_part('epoch', m.time_unit) / 86400 AS unit_days,
		   pg_catalog.date_part('epoch', (dormancy.model_settings_in_force()).horizon) / 86400 AS horizon_days
	  FROM dormancy.models m
	 WHERE (m.bgnbd).converged
	   AND (m.segment_kind = 'all'
			OR (m.segment_kind = 'industry' AND m.segment_value = pg_catalog.lower(pg_catalog.btrim(core.industry)))
			OR (m.segment_kind = 'company_size' AND m.segment_value = pg_catalog.lower(pg_catalog.btrim(core.company_size))))
	 ORDER BY m.segment_kind = 'all'
	 LIMIT 1) mdl ON true
LEFT JOIN LATERAL (
	-- a value that cannot be computed is NULL, with the reason in problem:
	-- one customer never stops the query; only a converged Gamma-Gamma fit
	-- gives expected_value
	SELECT mp.p_alive, mp.expected_purchases, mp.expected_value, mp.problem
	  FROM dormancy.model_predictions(mdl.bgnbd,
									  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
									  core.frequency, core.recency_days / mdl.unit_days,
									  core.age_days / mdl.unit_days, core.monetary_value,
									  mdl.horizon_days / mdl.unit_days) mp
  ) models ON true
LEFT JOIN LATERAL (
	SELECT models.expected_value
  ) mval ON true$f$
$$;
COMMENT ON FUNCTION dormancy._model_from_item() IS
	'internal: the FROM items of the model columns, shared by customer_status and data_issues';
REVOKE ALL ON FUNCTION dormancy._model_from_item() FROM PUBLIC;

CREATE OR REPLACE FUNCTION dormancy._status_parts_40_models(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT dormancy._model_from_item(),
		   'mdl.model_id, models.p_alive, models.expected_purchases, mval.expected_value'
$$;

-- The customers whose model columns could not be computed, for data_issues.
CREATE FUNCTION dormancy._data_issues_40_models(bindings jsonb)
	RETURNS TABLE (definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $q$SELECT 'model_evaluation_failed'::text, core.customer_id::pg_catalog.text, 1::pg_catalog.int8,
	   NULL::double precision, models.problem
  FROM dormancy.customer_core core
$q$ || dormancy._model_from_item() || $q$
 WHERE models.problem IS NOT NULL
$q$
$$;
COMMENT ON FUNCTION dormancy._data_issues_40_models(jsonb) IS
	'internal: the data_issues rows of customers whose model columns could not be computed';
REVOKE ALL ON FUNCTION dormancy._data_issues_40_models(jsonb) FROM PUBLIC;

CREATE OR REPLACE FUNCTION dormancy._comment_views_40_models()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.model_id IS 'the dormancy.models row applied: the customer''s segment''s, else the overall one (converged fits only)';
	COMMENT ON COLUMN dormancy.customer_status.p_alive IS 'probability that the customer is still alive (BG/NBD), NULL without a fitted model or purchases, or when it cannot be computed (see data_issues)';
	COMMENT ON COLUMN dormancy.customer_status.expected_purchases IS 'expected purchase days in the next model_settings.horizon (BG/NBD); NULL when it cannot be computed (see data_issues)';
	COMMENT ON COLUMN dormancy.customer_status.expected_value IS 'expected_purchases times the expected spend per purchase (Gamma-Gamma, converged fits whose mean spend exists), undiscounted; NULL when it cannot be computed (see data_issues)';
END
$$;

-- data_issues takes the rows of _data_issues_NN_* functions; its comments name model_evaluation_failed
CREATE OR REPLACE FUNCTION dormancy._view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cust record;
	ord record;
	cust_id_type text;
	ord_cust_type text;
	cust_sql text;
	ord_sql text;
	ext record;
	part record;
	bindings_json jsonb;
	status_from text;
	amount_in_range text;
	cust_broken record;
	ord_broken record;
BEGIN
	SELECT b.relation, b.columns INTO cust FROM dormancy._usable_bindings() b WHERE b.source = 'customers';
	SELECT b.relation, b.columns INTO ord FROM dormancy._usable_bindings() b WHERE b.source = 'orders';
	-- a broken binding: an adapter view that raises its error when read
	SELECT p.* INTO cust_broken FROM dormancy._binding_problems() p WHERE p.source = 'customers';
	SELECT p.* INTO ord_broken FROM dormancy._binding_problems() p WHERE p.source = 'orders';

	IF cust.relation IS NOT NULL THEN
		cust_id_type := (dormancy._binding_column(cust.relation, 'id', cust.columns ->> 'id')).type_name;
	END IF;
	IF ord.relation IS NOT NULL THEN
		ord_cust_type := (dormancy._binding_column(ord.relation, 'customer', ord.columns ->> 'customer')).type_name;
	END IF;

	-- src_orders: one row per order line of the user's relation
	IF ord.relation IS NOT NULL THEN
		ord_sql := format(
			'SELECT %s AS customer_id, %s AS ordered_at, %s AS amount, %s AS category, %s AS discounted FROM %s t',
			dormancy._col(ord.columns, 'customer'),
			dormancy._col(ord.columns, 'ordered_at'),
			dormancy._number_expr(ord.relation, ord.columns, 'amount'),
			dormancy._col_as(ord.columns, 'category', 'pg_catalog.text'),
			dormancy._col_as(ord.columns, 'discounted', 'pg_catalog.bool'),
			ord.relation);
	ELSIF ord_broken.source IS NOT NULL THEN
		-- the columns come from the function (not constants), so that no
		-- filter on them lets the planner skip it
		ord_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.date END AS ordered_at, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.float8 END AS amount, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS category, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.bool END AS discounted '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(cust_id_type, 'pg_catalog.int8'),
			ord_broken.source, ord_broken.message, ord_broken.hint, ord_broken.code);
	ELSE
		ord_sql := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS ordered_at, NULL::pg_catalog.float8 AS amount, '
			'NULL::pg_catalog.text AS category, NULL::pg_catalog.bool AS discounted WHERE false',
			coalesce(cust_id_type, 'pg_catalog.int8'));
	END IF;

	-- src_customers: the bound customers, else the customers seen in orders
	IF cust.relation IS NOT NULL THEN
		cust_sql := format(
			'SELECT %s AS customer_id, %s AS name, %s AS industry, %s AS company_size FROM %s t',
			dormancy._col(cust.columns, 'id'),
			dormancy._col_as(cust.columns, 'name', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'industry', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'company_size', 'pg_catalog.text'),
			cust.relation);
	ELSIF cust_broken.source IS NOT NULL THEN
		cust_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS name, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.text END AS industry, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS company_size '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(ord_cust_type, 'pg_catalog.int8'),
			cust_broken.source, cust_broken.message, cust_broken.hint, cust_broken.code);
	ELSIF ord.relation IS NOT NULL THEN
		cust_sql := 'SELECT DISTINCT o.customer_id, NULL::pg_catalog.text AS name, NULL::pg_catalog.text AS industry, '
					'NULL::pg_catalog.text AS company_size FROM dormancy.src_orders o WHERE o.customer_id IS NOT NULL';
	ELSE
		cust_sql := 'SELECT NULL::pg_catalog.int8 AS customer_id, NULL::pg_catalog.text AS name, '
					'NULL::pg_catalog.text AS industry, NULL::pg_catalog.text AS company_size WHERE false';
	END IF;

	view_name := 'src_orders'; definition := ord_sql; RETURN NEXT;
	view_name := 'src_customers'; definition := cust_sql; RETURN NEXT;

	-- category_histories: the one aggregate pass over the orders, per customer and category
	-- (or, inside a refresh, the histories stored by the last one: a gate
	-- that only the refresh's own code sets, in C, selects the branch; the
	-- other is skipped without being read).  The view does not name the store:
	-- _stored_histories() returns no rows outside a refresh, and reads the
	-- store with the caller's rights, so a reader needs no grant on it.
	view_name := 'category_histories';
	definition := format(
		'SELECT o.customer_id, o.category, '
		'dormancy.purchase_history(o.ordered_at, o.amount, o.discounted) AS history, '
		'pg_catalog.count(*) AS order_rows '
		'FROM dormancy.src_orders o '
		'WHERE o.customer_id IS NOT NULL AND NOT dormancy._use_stored_histories() '
		'GROUP BY o.customer_id, o.category '
		'UNION ALL '
		'SELECT s.customer_key::%s, s.category, s.history, s.order_rows '
		'FROM dormancy._stored_histories() s',
		coalesce(ord_cust_type, cust_id_type, 'pg_catalog.int8'));
	RETURN NEXT;


	-- customer_histories: per customer, the union of its category histories
	view_name := 'customer_histories';
	definition := $q$
SELECT ch.customer_id,
	   dormancy.purchase_history_union(ch.history) AS history,
	   pg_catalog.sum(ch.order_rows)::pg_catalog.int8 AS order_rows,
	   pg_catalog.array_agg(ch.category ORDER BY ch.category) FILTER (WHERE ch.category IS NOT NULL) AS categories,
	   pg_catalog.array_agg((dormancy.history_summary(ch.history, dormancy.as_of_day())).last_order_at ORDER BY ch.category)
		   FILTER (WHERE ch.category IS NOT NULL) AS category_last_order_at
  FROM dormancy.category_histories ch
 GROUP BY ch.customer_id
$q$;
	RETURN NEXT;

	-- views of later parts that customer_core may join (sources, per-customer aggregates)
	bindings_json := (SELECT coalesce(jsonb_object_agg(b.source, b.columns), '{}') FROM dormancy._usable_bindings() b);
	FOR ext IN SELECT * FROM dormancy._view_hooks('_views_') LOOP
		FOR view_name, definition IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			RETURN NEXT;
		END LOOP;
	END LOOP;

	-- customer_core: one row per customer with its state and decline signals
	-- (customer_status adds the columns of later parts to it)
	view_name := 'customer_core';
	definition := format($q$
WITH as_of AS (
	SELECT dormancy.as_of_day() AS day
), segment_rules AS (
	SELECT s.industry_key, s.size_key,
		   dormancy.rule_for(s.industry_key, s.size_key) AS rule
	  FROM (SELECT DISTINCT coalesce(c.industry, '') AS industry_key,
						   coalesce(c.company_size, '') AS size_key
			  FROM dormancy.src_customers c) s
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   -- for rules with use_contract_end (IT services: a lapsed licence is
	   -- dormancy), the last day covered by a contract counts like a purchase
	   dormancy.dormancy_state(CASE WHEN (r.rule).use_contract_end AND con.last_covered_day IS NOT NULL
									THEN greatest(s.last_qualifying_order_at, con.last_covered_day)
									ELSE s.last_qualifying_order_at END,
							   a.day, (r.rule).at_risk_after, (r.rule).dormant_after,
							   (r.rule).long_dormant_after) AS state,
	   s.last_order_at,
	   a.day - s.last_order_at AS days_since_last_order,
	   s.last_qualifying_order_at,
	   a.day - s.last_qualifying_order_at AS days_since_last_qualifying_order,
	   s.first_order_at,
	   s.orders_count,
	   s.order_days,
	   s.total_amount,
	   s.unknown_amount_orders,
	   s.refunds,
	   CASE WHEN dm.campaign_only THEN 'campaign_only'
			WHEN s.order_days = 1 THEN 'one_time'
			WHEN s.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of,
	   dm.mean_gap_days,
	   dm.median_gap_days,
	   dm.gap_stddev_days,
	   dm.overdue_ratio,
	   dm.recent_amount,
	   dm.prior_amount,
	   dm.recent_orders,
	   dm.prior_orders,
	   dm.amount_change,
	   dm.frequency_change,
	   dm.amount_trend,
	   dm.trend_points,
	   dm.relative_trend,
	   dm.recent_median_gap_days,
	   dm.earlier_median_gap_days,
	   dm.cadence_change,
	   dm.season_amount,
	   dm.last_season_amount,
	   dm.season_orders,
	   dm.last_season_orders,
	   dm.same_season_change,
	   coalesce(dm.declining, false) AS declining,
	   coalesce(dm.decline_signals, '{}') AS decline_signals,
	   coalesce(pc.lapsed_after_price_increase, false) AS lapsed_after_price_increase,
	   pc.price_increase,
	   coalesce(pc.lapsed_after_spec_change, false) AS lapsed_after_spec_change,
	   pc.spec_change,
	   bs.frequency,
	   bs.recency * 1.0 AS recency_days,
	   bs.age * 1.0 AS age_days,
	   bs.monetary_value,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days
  FROM dormancy.src_customers c
 CROSS JOIN as_of a
 CROSS JOIN dormancy.decline_settings_in_force() ds
  LEFT JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  LEFT JOIN segment_rules r
		 ON r.industry_key = coalesce(c.industry, '')
		AND r.size_key = coalesce(c.company_size, '')
 CROSS JOIN LATERAL dormancy.history_summary(h.history, a.day,
											 (r.rule).min_order_amount::pg_catalog.float8) s
 CROSS JOIN LATERAL dormancy.decline_metrics(h.history, a.day, ds, %s) dm
  LEFT JOIN LATERAL dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') bs ON true
  LEFT JOIN LATERAL (
	-- a change the customer lapsed after: its last purchase (in the change's
	-- category when categories are bound) came before the change, while the
	-- customer was not yet dormant, and nothing was bought since
	SELECT pg_catalog.bool_or(x.kind = 'price_increase') AS lapsed_after_price_increase,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'price_increase'))[1] AS price_increase,
		   pg_catalog.bool_or(x.kind = 'spec_change') AS lapsed_after_spec_change,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'spec_change'))[1] AS spec_change
	  FROM (SELECT p.kind, p.changed_at,
				   concat_ws(' ', p.changed_at::pg_catalog.text, coalesce(p.category, 'all categories'),
							 CASE WHEN p.change_pct IS NOT NULL
								  THEN CASE WHEN p.change_pct > 0 THEN '+' ELSE '' END || pg_catalog.trim_scale(p.change_pct)::pg_catalog.text || '%%' END,
							 p.note) AS label,
				   CASE WHEN p.category IS NULL OR NOT %s THEN s.last_order_at
						ELSE (SELECT cl.last_day
								FROM unnest(h.categories, h.category_last_order_at) AS cl(category, last_day)
							   WHERE cl.category = p.category) END AS last_day
			  FROM dormancy.price_changes p
			 WHERE p.changed_at <= a.day) x
	 WHERE x.last_day < x.changed_at
	   AND x.last_day + (r.rule).dormant_after > x.changed_at
  ) pc ON true
 WHERE c.customer_id IS NOT NULL
$q$, CASE WHEN ord.columns ? 'discounted' THEN 'true' ELSE 'false' END,
			   CASE WHEN ord.columns ? 'category' THEN 'true' ELSE 'false' END);
	RETURN NEXT;

	-- data_issues: rows that the views cannot use, counted instead of dropped
	view_name := 'data_issues';
	definition := $q$
SELECT 'order_customer_not_found'::text AS issue,
	   o.customer_id::pg_catalog.text AS customer_id,
	   pg_catalog.count(*) AS rows,
	   pg_catalog.sum(o.amount) AS amount,
	   'orders whose customer is not in the bound customers'::text AS detail
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers c WHERE c.customer_id = o.customer_id)
 GROUP BY o.customer_id
UNION ALL
SELECT 'order_without_customer', NULL, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose customer column is NULL'
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'order_without_date', o.customer_id::pg_catalog.text, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose order time is NULL or infinite, left out of purchase histories'
  FROM dormancy.src_orders o
 WHERE o.ordered_at IS NULL OR NOT pg_catalog.isfinite(o.ordered_at)
 GROUP BY o.customer_id
UNION ALL
SELECT 'customer_without_id', NULL, pg_catalog.count(*), NULL,
	   'customers whose id is NULL, left out of customer_status'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'duplicate_customer_id', c.customer_id::pg_catalog.text, pg_catalog.count(*), NULL,
	   'customer ids that appear more than once; each copy gets its own customer_status row'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NOT NULL
 GROUP BY c.customer_id
HAVING pg_catalog.count(*) > 1
$q$;
	-- amounts out of range, read from the bound relation itself (src_orders
	-- already shows them as unknown)
	IF ord.relation IS NOT NULL AND ord.columns ? 'amount' THEN
		amount_in_range := dormancy._number_in_range_expr(ord.relation, ord.columns, 'amount');
	END IF;
	IF amount_in_range <> 'true' THEN
		definition := definition || format(
			E'UNION ALL\n'
			'SELECT ''order_amount_out_of_range'', (%s)::pg_catalog.text, pg_catalog.count(*), NULL, '
			'''orders whose amount is beyond +-1e15, NaN or infinite, taken as unknown amounts'' '
			'FROM %s t WHERE NOT coalesce(%s, true) GROUP BY 2\n',
			dormancy._col(ord.columns, 'customer'), ord.relation, amount_in_range);
	END IF;
	-- later parts add their own kinds of issue (see below)
	FOR ext IN SELECT * FROM dormancy._view_hooks('_data_issues_') LOOP
		FOR part IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			definition := definition || E'UNION ALL\n' || part.definition;
		END LOOP;
	END LOOP;
	RETURN NEXT;

	-- Later parts plug in through functions named by pattern, taken in name
	-- order, each given the bindings as {source: {role: column}}:
	--   _views_NN_topic(bindings) -> (view_name, definition): views built
	--       before customer_core (sources, per-customer aggregates);
	--   _data_issues_NN_topic(bindings) -> (definition): a query over
	--       customer_core (alias core) with the columns of data_issues,
	--       added to it by UNION ALL;
	--   _status_parts_NN_topic(bindings) -> (from_item, select_list): a FROM
	--       item joined to customer_core (alias core) and the columns it adds
	--       to customer_status (none when NULL: a join for later parts);
	--   _status_views_NN_topic(bindings) -> (view_name, definition): views
	--       built on customer_status.
	-- and, from _build_views(), _comment_views_NN_topic() to comment them and
	-- _after_build_NN_topic() for work that follows every build.

	view_name := 'customer_status';
	definition := 'SELECT core.*';
	status_from := ' FROM dormancy.customer_core core';
	FOR ext IN SELECT * FROM dormancy._view_hooks('_status_parts_') LOOP
		FOR part IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			IF part.select_list IS NOT NULL THEN
				definition := definition || E',\n\t' || part.select_list;
			END IF;
			status_from := status_from || E'\n' || part.from_item;
		END LOOP;
	END LOOP;
	definition := definition || status_from;
	RETURN NEXT;

	-- declining_customers: active or at-risk customers sliding, most valuable first
	view_name := 'declining_customers';
	definition := $q$
SELECT cs.customer_id, cs.name, cs.industry, cs.company_size, cs.state, cs.segment,
	   cs.decline_signals, cs.total_amount, cs.recent_amount, cs.prior_amount,
	   cs.amount_change, cs.recent_orders, cs.prior_orders, cs.frequency_change,
	   cs.median_gap_days, cs.overdue_ratio, cs.cadence_change, cs.same_season_change,
	   cs.amount_trend, cs.last_order_at, cs.days_since_last_order, cs.as_of
  FROM dormancy.customer_status cs
 WHERE cs.declining AND cs.state IN ('active', 'at_risk')
 ORDER BY coalesce(cs.recent_amount, 0) + coalesce(cs.prior_amount, 0) DESC, cs.total_amount DESC, cs.customer_id
$q$;
	RETURN NEXT;

	-- category_trend: recent vs prior per customer and category
	view_name := 'category_trend';
	definition := $q$
SELECT ch.customer_id, ch.category,
	   m.recent_amount, m.prior_amount, m.recent_orders, m.prior_orders,
	   m.amount_change, m.frequency_change,
	   (m.recent_orders = 0 AND m.prior_orders > 0) AS stopped,
	   (m.decline_signals && ARRAY['amount_drop', 'frequency_drop']) AS declining,
	   (dormancy.history_summary(ch.history, a.day)).last_order_at,
	   a.day AS as_of
  FROM dormancy.category_histories ch
 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
 CROSS JOIN dormancy.decline_settings_in_force() ds
 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, a.day, ds, false) m
 WHERE ch.category IS NOT NULL
$q$;
	RETURN NEXT;

	FOR ext IN SELECT * FROM dormancy._view_hooks('_status_views_') LOOP
		FOR view_name, definition IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			RETURN NEXT;
		END LOOP;
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION dormancy._comment_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_orders IS 'adapter view over the bound orders relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_orders.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_orders.ordered_at IS 'the bound order time column (date, timestamp or timestamptz)';
	COMMENT ON COLUMN dormancy.src_orders.amount IS 'the bound amount column as double precision; negative amounts are refunds, NULL is unknown';
	COMMENT ON COLUMN dormancy.src_orders.category IS 'the bound product category column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_orders.discounted IS 'the bound discounted-order flag, NULL when unbound';

	COMMENT ON VIEW dormancy.src_customers IS 'adapter view over the bound customers relation (the customers seen in orders when only orders are bound)';
	COMMENT ON COLUMN dormancy.src_customers.customer_id IS 'the bound customer id column';
	COMMENT ON COLUMN dormancy.src_customers.name IS 'the bound name column as text';
	COMMENT ON COLUMN dormancy.src_customers.industry IS 'the bound industry column as text, matched against dormancy.rules';
	COMMENT ON COLUMN dormancy.src_customers.company_size IS 'the bound company size column as text, matched against dormancy.rules';

	COMMENT ON VIEW dormancy.category_histories IS 'one purchase history per customer and category: the one aggregate pass over src_orders';
	COMMENT ON COLUMN dormancy.category_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.category_histories.category IS 'product category (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.category_histories.history IS 'the customer''s orders of this category folded into distinct days';
	COMMENT ON COLUMN dormancy.category_histories.order_rows IS 'order rows read, refunds and rows without a date included';

	COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: the union of its category histories';
	COMMENT ON COLUMN dormancy.customer_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.customer_histories.history IS 'the customer''s orders folded into distinct days';
	COMMENT ON COLUMN dormancy.customer_histories.order_rows IS 'order rows read for this customer, refunds and rows without a date included';
	COMMENT ON COLUMN dormancy.customer_histories.categories IS 'the categories the customer ordered, sorted (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.customer_histories.category_last_order_at IS 'last purchase day up to as_of per category, in the order of categories';

	COMMENT ON VIEW dormancy.customer_core IS 'internal: the state and decline columns of customer_status (customer_status adds the later parts)';
	COMMENT ON VIEW dormancy.customer_status IS 'one row per customer: dormancy state as of dormancy.as_of_day() with the rule applied, decline signals and the columns of later parts';
	COMMENT ON COLUMN dormancy.customer_status.customer_id IS 'the customer id, of the bound column''s type';
	COMMENT ON COLUMN dormancy.customer_status.name IS 'customer name';
	COMMENT ON COLUMN dormancy.customer_status.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.customer_status.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.customer_status.state IS 'active, at_risk, dormant, long_dormant or never_purchased, from the last qualifying order';
	COMMENT ON COLUMN dormancy.customer_status.last_order_at IS 'last purchase day on or before as_of';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_order IS 'as_of minus last_order_at, in days';
	COMMENT ON COLUMN dormancy.customer_status.last_qualifying_order_at IS 'last purchase day with an order of at least the rule''s min_order_amount';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_qualifying_order IS 'as_of minus last_qualifying_order_at, in days; the state is based on it';
	COMMENT ON COLUMN dormancy.customer_status.first_order_at IS 'first purchase day';
	COMMENT ON COLUMN dormancy.customer_status.orders_count IS 'order rows on purchase days up to as_of (refund rows excluded)';
	COMMENT ON COLUMN dormancy.customer_status.order_days IS 'distinct purchase days up to as_of';
	COMMENT ON COLUMN dormancy.customer_status.total_amount IS 'net amount of all orders and refunds up to as_of (unknown amounts count as nothing)';
	COMMENT ON COLUMN dormancy.customer_status.unknown_amount_orders IS 'orders up to as_of whose amount was NULL';
	COMMENT ON COLUMN dormancy.customer_status.refunds IS 'refund rows (negative amounts) up to as_of';
	COMMENT ON COLUMN dormancy.customer_status.segment IS 'one_time (one purchase day) or repeat; NULL without purchases';
	COMMENT ON COLUMN dormancy.customer_status.rule_id IS 'the dormancy.rules row applied';
	COMMENT ON COLUMN dormancy.customer_status.at_risk_after IS 'threshold applied: at risk after this long';
	COMMENT ON COLUMN dormancy.customer_status.dormant_after IS 'threshold applied: dormant after this long';
	COMMENT ON COLUMN dormancy.customer_status.long_dormant_after IS 'threshold applied: long dormant after this long';
	COMMENT ON COLUMN dormancy.customer_status.min_order_amount IS 'threshold applied: smallest order that counts for recency';
	COMMENT ON COLUMN dormancy.customer_status.as_of IS 'the as-of day the row was computed for';
	COMMENT ON COLUMN dormancy.customer_status.mean_gap_days IS 'mean gap in days between consecutive purchase days; NULL with fewer than two';
	COMMENT ON COLUMN dormancy.customer_status.median_gap_days IS 'median gap in days (mean of the two middle gaps for an even count)';
	COMMENT ON COLUMN dormancy.customer_status.gap_stddev_days IS 'sample standard deviation of the gaps; NULL with fewer than two gaps';
	COMMENT ON COLUMN dormancy.customer_status.overdue_ratio IS 'days since the last purchase day / median gap: lateness against the customer''s own rhythm';
	COMMENT ON COLUMN dormancy.customer_status.recent_amount IS 'net amount in the recent window (as_of - W, as_of]';
	COMMENT ON COLUMN dormancy.customer_status.prior_amount IS 'net amount in the prior window (as_of - 2W, as_of - W]';
	COMMENT ON COLUMN dormancy.customer_status.recent_orders IS 'orders on purchase days in the recent window';
	COMMENT ON COLUMN dormancy.customer_status.prior_orders IS 'orders on purchase days in the prior window';
	COMMENT ON COLUMN dormancy.customer_status.amount_change IS 'recent_amount / prior_amount - 1; NULL when prior_amount <= 0';
	COMMENT ON COLUMN dormancy.customer_status.frequency_change IS 'recent_orders / prior_orders - 1; NULL when prior_orders = 0';
	COMMENT ON COLUMN dormancy.customer_status.amount_trend IS 'least-squares slope of purchase-day amount over the last N years, in amount per year';
	COMMENT ON COLUMN dormancy.customer_status.trend_points IS 'purchase days the trend was fitted on';
	COMMENT ON COLUMN dormancy.customer_status.relative_trend IS 'amount_trend / mean amount of the trend points';
	COMMENT ON COLUMN dormancy.customer_status.recent_median_gap_days IS 'median of the gaps ending in the recent window';
	COMMENT ON COLUMN dormancy.customer_status.earlier_median_gap_days IS 'median of the gaps ending before the recent window';
	COMMENT ON COLUMN dormancy.customer_status.cadence_change IS 'recent_median_gap_days / earlier_median_gap_days - 1 (1.0: monthly became bimonthly)';
	COMMENT ON COLUMN dormancy.customer_status.season_amount IS 'net amount in the last S, (as_of - S, as_of]';
	COMMENT ON COLUMN dormancy.customer_status.last_season_amount IS 'net amount in the same season a year earlier, (as_of - 1 year - S, as_of - 1 year]';
	COMMENT ON COLUMN dormancy.customer_status.season_orders IS 'orders in the last S';
	COMMENT ON COLUMN dormancy.customer_status.last_season_orders IS 'orders in the same season a year earlier';
	COMMENT ON COLUMN dormancy.customer_status.same_season_change IS 'season_amount / last_season_amount - 1; NULL when last_season_amount <= 0';
	COMMENT ON COLUMN dormancy.customer_status.declining IS 'true when any decline signal fired (an active customer can be declining)';
	COMMENT ON COLUMN dormancy.customer_status.decline_signals IS 'the signals that fired: amount_drop, frequency_drop, cadence_slowdown, overdue, season_drop, negative_trend';
	COMMENT ON COLUMN dormancy.customer_status.lapsed_after_price_increase IS 'last purchase (in the category, when bound) before a price increase in dormancy.price_changes, not yet dormant then, nothing bought since';
	COMMENT ON COLUMN dormancy.customer_status.price_increase IS 'the latest such price increase: day, category, change and note';
	COMMENT ON COLUMN dormancy.customer_status.lapsed_after_spec_change IS 'the same for a specification change';
	COMMENT ON COLUMN dormancy.customer_status.spec_change IS 'the latest such specification change: day, category and note';
	COMMENT ON COLUMN dormancy.customer_status.frequency IS 'repeat purchase days (purchase days - 1): the x of the BTYD models';
	COMMENT ON COLUMN dormancy.customer_status.recency_days IS 'days from the first to the last purchase day: the t_x of the BTYD models, in days';
	COMMENT ON COLUMN dormancy.customer_status.age_days IS 'days from the first purchase day to as_of: the T of the BTYD models, in days';
	COMMENT ON COLUMN dormancy.customer_status.contract_terms IS 'contract terms of the customer (NULL without contracts or when none are bound)';
	COMMENT ON COLUMN dormancy.customer_status.contract_covered_until IS 'the last day up to as_of covered by a contract term; for rules with use_contract_end it counts like a purchase day';
	COMMENT ON COLUMN dormancy.customer_status.days_since_contract_end IS 'days since the last term ended, when no term covers as_of';
	COMMENT ON COLUMN dormancy.customer_status.monetary_value IS 'mean net amount of the repeat purchase days (days with unknown amounts left out)';

	COMMENT ON VIEW dormancy.declining_customers IS 'active or at-risk customers with a decline signal, most valuable (recent + prior amount) first';
	COMMENT ON COLUMN dormancy.declining_customers.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.declining_customers.name IS 'customer name';
	COMMENT ON COLUMN dormancy.declining_customers.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.declining_customers.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.declining_customers.state IS 'active or at_risk';
	COMMENT ON COLUMN dormancy.declining_customers.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.declining_customers.decline_signals IS 'the signals that fired';
	COMMENT ON COLUMN dormancy.declining_customers.total_amount IS 'net amount of all orders up to as_of';
	COMMENT ON COLUMN dormancy.declining_customers.recent_amount IS 'net amount in the recent window';
	COMMENT ON COLUMN dormancy.declining_customers.prior_amount IS 'net amount in the prior window';
	COMMENT ON COLUMN dormancy.declining_customers.amount_change IS 'recent_amount / prior_amount - 1';
	COMMENT ON COLUMN dormancy.declining_customers.recent_orders IS 'orders in the recent window';
	COMMENT ON COLUMN dormancy.declining_customers.prior_orders IS 'orders in the prior window';
	COMMENT ON COLUMN dormancy.declining_customers.frequency_change IS 'recent_orders / prior_orders - 1';
	COMMENT ON COLUMN dormancy.declining_customers.median_gap_days IS 'median gap between purchase days';
	COMMENT ON COLUMN dormancy.declining_customers.overdue_ratio IS 'days since the last purchase / median gap';
	COMMENT ON COLUMN dormancy.declining_customers.cadence_change IS 'recent median gap / earlier median gap - 1';
	COMMENT ON COLUMN dormancy.declining_customers.same_season_change IS 'season amount / same season last year - 1';
	COMMENT ON COLUMN dormancy.declining_customers.amount_trend IS 'slope of purchase-day amount, per year';
	COMMENT ON COLUMN dormancy.declining_customers.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.declining_customers.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.declining_customers.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.category_trend IS 'recent vs prior amount and orders per customer and category (empty when no category column is bound)';
	COMMENT ON COLUMN dormancy.category_trend.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.category_trend.category IS 'product category';
	COMMENT ON COLUMN dormancy.category_trend.recent_amount IS 'net amount of the category in the recent window';
	COMMENT ON COLUMN dormancy.category_trend.prior_amount IS 'net amount of the category in the prior window';
	COMMENT ON COLUMN dormancy.category_trend.recent_orders IS 'orders of the category in the recent window';
	COMMENT ON COLUMN dormancy.category_trend.prior_orders IS 'orders of the category in the prior window';
	COMMENT ON COLUMN dormancy.category_trend.amount_change IS 'recent_amount / prior_amount - 1';
	COMMENT ON COLUMN dormancy.category_trend.frequency_change IS 'recent_orders / prior_orders - 1';
	COMMENT ON COLUMN dormancy.category_trend.stopped IS 'bought the category in the prior window and not in the recent one';
	COMMENT ON COLUMN dormancy.category_trend.declining IS 'amount_drop or frequency_drop fired for the category';
	COMMENT ON COLUMN dormancy.category_trend.last_order_at IS 'last purchase day of the category';
	COMMENT ON COLUMN dormancy.category_trend.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.data_issues IS 'rows the views cannot use (unknown customers, missing dates, NULL or duplicate ids) and customers whose model columns could not be computed, counted per kind';
	COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id, duplicate_customer_id, order_amount_out_of_range or model_evaluation_failed';
	COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
	COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';
END
$$;

--
-- Names and encodings (helper: encodings)
--
-- normalize_company_name() keeps its definition; its keys change for names
-- with accents written on their own (the acute accent vanishes, the others
-- break) and, in a database that is not UTF-8, for names that failed before.
-- An expression index on it keeps the old keys until rebuilt: say which
-- (a WARNING: extension scripts run with client_min_messages = warning).
DO $$
DECLARE
	idx regclass;
BEGIN
	FOR idx IN
		SELECT DISTINCT d.objid::regclass
		  FROM pg_catalog.pg_depend d
		  JOIN pg_catalog.pg_index i ON i.indexrelid = d.objid
		 WHERE d.classid = 'pg_catalog.pg_class'::regclass
		   AND d.refclassid = 'pg_catalog.pg_proc'::regclass
		   AND d.refobjid = 'dormancy.normalize_company_name(text, text[])'::regprocedure
		 ORDER BY 1
	LOOP
		RAISE WARNING 'index % uses dormancy.normalize_company_name(), whose keys changed in 0.3.0 for names with accents written on their own', idx
			USING HINT = format('Rebuild it: REINDEX INDEX %s;', idx);
	END LOOP;
END
$$;

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
