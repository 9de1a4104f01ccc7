--
-- Incremental refresh.
--
-- Purchase histories do not depend on the as-of day or the rules, only on the
-- orders (and dormancy.time_zone), so a refresh can keep them: it stores each
-- customer's category histories in dormancy.stored_histories and, next time,
-- recomputes only the customers whose orders changed since.  Changes are seen
-- by statement triggers on the bound orders table and on every partition
-- (or inheritance child) of it, at every level, present and future (views and
-- foreign tables cannot have them: they are refreshed in full every time).
-- An insert, an update or a delete marks the customers it touched (both the
-- old and the new customer of an update) in dormancy.changed_customers; their
-- histories are rebuilt from all their orders, so late, back-dated orders and
-- corrections are exact.  A table attached as a partition gets the triggers
-- at once too, and its customers are marked.  Whatever could let a write go
-- unseen (TRUNCATE, DETACH PARTITION, a dropped partition, an attached table
-- that could not be tracked, a disabled, dropped or renamed trigger, a
-- changed customer column) appends a reason to
-- dormancy.store_invalidations, and the next refresh rebuilds everything; the
-- refresh also checks the triggers and the partitions itself before it trusts
-- the store.  A rebind, a change of dormancy.time_zone or
-- reset_stored_histories() makes the next refresh a full one too, and so
-- does a restore (the state is not dumped: the refresh tracks the orders
-- again itself).
--
-- Security: the trigger and event trigger functions are SECURITY DEFINER
-- (whoever writes orders need not be allowed to write dormancy's tables), so
-- they evaluate nothing a non-owner can influence: they run only as
-- dormancy's own triggers on the tracked relations, compare OIDs and catalog
-- facts, run fixed statements, and convert the customer column to text only
-- when its type is a built-in one (whose casts nobody but a superuser can
-- change).  The live views never read the store: category_histories reads it
-- only through a gate that the refresh sets in C for its own transaction
-- (src/history_store.c), with the rights of the role that queries, and that
-- fit_models() sets for its one read of the histories while the store is
-- usable (_stored_histories_usable, below).
--

CREATE TABLE dormancy.stored_histories (
	customer_key text NOT NULL,
	category text,
	history dormancy.purchase_history NOT NULL,
	order_rows bigint NOT NULL
);
-- The category by its digest: a B-tree entry takes at most about 2,700
-- bytes, and a category is whatever your orders hold (one free-text
-- description of 3 kB that does not compress made every refresh fail).
CREATE UNIQUE INDEX stored_histories_key ON dormancy.stored_histories
	(customer_key, (pg_catalog.md5(category))) NULLS NOT DISTINCT;
COMMENT ON TABLE dormancy.stored_histories IS
	'per customer and category, the purchase history as of the last refresh (incremental refresh)';
COMMENT ON COLUMN dormancy.stored_histories.customer_key IS 'the customer id as text';
COMMENT ON COLUMN dormancy.stored_histories.category IS 'product category (NULL when none is bound)';
COMMENT ON COLUMN dormancy.stored_histories.history IS 'the orders of the customer and category, folded into days';
COMMENT ON COLUMN dormancy.stored_histories.order_rows IS 'order rows read';

-- Append-only, so that writers of orders never wait for a refresh: the
-- refresh takes the marks up to a watermark and deletes just those.
CREATE TABLE dormancy.changed_customers (
	change_id bigserial PRIMARY KEY,
	customer_key text NOT NULL
);
COMMENT ON TABLE dormancy.changed_customers IS
	'customers whose orders changed since the last refresh (appended by triggers on the bound orders table)';
COMMENT ON COLUMN dormancy.changed_customers.change_id IS 'order of the marks';
COMMENT ON COLUMN dormancy.changed_customers.customer_key IS 'the customer id as text';
COMMENT ON SEQUENCE dormancy.changed_customers_change_id_seq IS 'generates dormancy.changed_customers.change_id';

CREATE TABLE dormancy.history_store_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	orders_relation regclass,
	tracked boolean NOT NULL DEFAULT false,
	complete boolean NOT NULL DEFAULT false,
	time_zone text,
	customer_column name,
	customer_type regtype,
	tracked_relations oid[],
	reason text
);
COMMENT ON TABLE dormancy.history_store_state IS
	'whether the bound orders are tracked and dormancy.stored_histories is complete for them';
COMMENT ON COLUMN dormancy.history_store_state.singleton IS 'always true: one row';
COMMENT ON COLUMN dormancy.history_store_state.orders_relation IS 'the bound orders relation the store belongs to';
COMMENT ON COLUMN dormancy.history_store_state.tracked IS 'triggers on the orders relation record changed customers';
COMMENT ON COLUMN dormancy.history_store_state.complete IS 'the store holds every customer: the next refresh may be incremental';
COMMENT ON COLUMN dormancy.history_store_state.time_zone IS 'dormancy.time_zone the stored days were computed in';
COMMENT ON COLUMN dormancy.history_store_state.customer_column IS 'the customer column of the orders when tracking began';
COMMENT ON COLUMN dormancy.history_store_state.customer_type IS 'its type then (the triggers refuse to read a column of another type)';
COMMENT ON COLUMN dormancy.history_store_state.tracked_relations IS 'the orders relation and all its partitions (or inheritance children) that carry the triggers';
COMMENT ON COLUMN dormancy.history_store_state.reason IS 'why the next refresh is a full one (complete false), or why the orders are not tracked (tracked false)';
INSERT INTO dormancy.history_store_state DEFAULT VALUES;
-- (0.4.0: a column added here so that a fresh install has the columns in
-- the order an update gives)
ALTER TABLE dormancy.history_store_state ADD COLUMN row_security boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN dormancy.history_store_state.row_security IS
	'row security applied to the role that last rebuilt the store on the orders: the store may lack orders another role, or the same one without the policy, reads; the next refresh rebuilds it, and fit_models() does not read it';

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
-- (how _refresh_work() wrote the snapshot, 60_refresh.sql; a column added
-- here so that a fresh install has the columns in the order an update gives)
ALTER TABLE dormancy.refresh_runs ADD COLUMN snapshot_written text;
COMMENT ON COLUMN dormancy.refresh_runs.snapshot_written IS
	'how the run wrote dormancy.status_snapshot: in place (each row updated where it is, new customers inserted, gone ones deleted) or replaced (every row deleted and inserted again: an empty snapshot, or duplicate customer ids)';
-- (why _refresh_work() refitted the models, 60_refresh.sql; likewise)
ALTER TABLE dormancy.refresh_runs ADD COLUMN models_refit_reason text;
COMMENT ON COLUMN dormancy.refresh_runs.models_refit_reason IS
	'why the run refitted the models (models_refit): model_settings.refit_every had passed since the fit, or a Gamma-Gamma fit made before 0.4.0 took the frequency as x (models.gammagamma_x), refitted whatever refit_every says';

--
-- The gate (src/history_store.c).  The live view category_histories reads
-- the orders while it is off and the store while it is on; only the refresh
-- turns it on, for its own transaction, and fit_models() for its read of the
-- histories (_fit_summaries_from_store).
--

-- STABLE: a flag of the backend that changes only between statements.
-- PARALLEL SAFE: workers see it off, and while it is on the backend plans no
-- parallel query (see _read_stored_histories).
CREATE FUNCTION dormancy._use_stored_histories()
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'dormancy_use_stored_histories'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._use_stored_histories() IS
	'internal: whether category_histories reads the stored histories (on only inside a refresh''s own transaction)';

-- Whether the current transaction wrote rows of these relations (the
-- orders and their partitions): fit_models() then reads the orders, not the
-- store (_stored_histories_usable).  VOLATILE: the answer changes within a
-- statement; PARALLEL RESTRICTED: the counts are the backend's own.
CREATE FUNCTION dormancy._written_in_transaction(relations oid[])
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'dormancy_written_in_transaction'
	LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION dormancy._written_in_transaction(oid[]) IS
	'internal: whether the current transaction inserted, updated or deleted rows of these relations (rolled-back subtransactions not counted)';

CREATE FUNCTION dormancy._read_stored_histories(on_ boolean)
	RETURNS void
	AS 'MODULE_PATHNAME', 'dormancy_read_stored_histories'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION dormancy._read_stored_histories(boolean) IS
	'internal: let category_histories read the stored histories until the end of the transaction (the refresh), or stop';

-- The stored histories, while the gate is on; else nothing, without reading
-- the table.  Not SECURITY DEFINER: the store is read with the caller's rights.
-- ROWS 1: outside a refresh it returns nothing, and inside one the other
-- branch of the views' UNION ALL (the live aggregate, skipped at run time but
-- estimated all the same) already counts every customer; the default of 1,000
-- rows added 200 phantom groups to every view's estimate.
-- Its planner support gives the store's size while the gate is open, one
-- row while it is closed (src/history_store.c): a refresh plans its joins
-- for every customer's stored history, not for one.
CREATE FUNCTION dormancy._stored_histories_support(internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'dormancy_stored_histories_support'
	LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION dormancy._stored_histories_support(internal) IS
	'internal: planner support of _stored_histories(): the rows of dormancy.stored_histories while a refresh reads them, else one';
CREATE FUNCTION dormancy._stored_histories()
	RETURNS TABLE (customer_key text, category text, history dormancy.purchase_history, order_rows bigint)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED ROWS 1
	SUPPORT dormancy._stored_histories_support
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
				WHEN (dormancy._base_type(y.oid)).base::oid < 16384 THEN NULL
				ELSE format('the customer column has type %s, which is not built into PostgreSQL', y.oid::regtype)
		   END
	  FROM (SELECT t::oid AS want) w LEFT JOIN pg_type y ON y.oid = w.want
$$;
COMMENT ON FUNCTION dormancy._untrackable_type(regtype) IS
	'internal: why the change tracking cannot read customer ids of a type (NULL when it can)';

-- Why the customer column's ids may have more than one text form for one
-- id (NULL when each id has one): the history store and the marks key the
-- customers by the id as text, while the views group the orders by the id
-- itself.  Two spellings of one id would be one customer to the views and
-- two to the store: 7 and 7.00 in a numeric column without a scale (the
-- next incremental refresh failed on the store's unique key, and kept
-- failing, 2026-12-07), C7 and c7 under a collation that is not
-- deterministic.  Integers, uuid, numeric with a scale, and text, varchar,
-- name or character in a deterministic collation have one form each (and
-- domains over them; character's cast to text, which the keys are made
-- by, drops the trailing blanks that its comparisons ignore).
CREATE FUNCTION dormancy._ambiguous_key(rel regclass, customer name)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE
			 WHEN b.base IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'oid'::regtype, 'uuid'::regtype) THEN NULL
			 WHEN b.base = 'numeric'::regtype AND b.typmod >= 0 THEN NULL
			 WHEN b.base IN ('text'::regtype, 'varchar'::regtype, 'name'::regtype, 'bpchar'::regtype) THEN
				  CASE WHEN coalesce(co.collisdeterministic, true) THEN NULL
					   ELSE format('the customer column %I has collation %s, which is not deterministic: one id can be written in more than one way',
								   customer, co.oid::regcollation) END
			 ELSE format('the customer column %I has type %s, whose ids can be written in more than one way as text',
						 customer, format_type(a.atttypid, a.atttypmod))
		   END
	  FROM pg_attribute a
	  LEFT JOIN pg_collation co ON co.oid = a.attcollation
	 CROSS JOIN LATERAL (SELECT d.base, d.base_typmod AS typmod FROM dormancy._base_type(a.atttypid, a.atttypmod) d) b
	 WHERE a.attrelid = rel AND a.attname = customer AND a.attnum > 0 AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION dormancy._ambiguous_key(regclass, name) IS
	'internal: why the ids of a customer column may have more than one text form for one id, so that the change tracking cannot key them by text (NULL when each has one)';

-- Statement trigger on the tracked orders relations: mark the customers touched.
-- SECURITY DEFINER: whoever writes orders need not be allowed to write
-- dormancy's tables.  It trusts nothing of its call: it runs only as
-- dormancy's trigger on a relation it tracks, reads the column recorded when
-- tracking began (not a trigger argument) and only while that column still
-- has the recorded built-in type, so every cast and comparison it evaluates
-- is PostgreSQL's own.
CREATE FUNCTION dormancy._orders_changed()
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

-- Drop the tracking triggers from a relation (if it still exists).
CREATE FUNCTION dormancy._untrack_orders(rel regclass)
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

-- A parent of the bound orders (they are a partition, or a child of
-- inheritance), NULL when none: a write through the parent fires the
-- parent's statement triggers only, so the bound relation's tracking would
-- not see it.
CREATE FUNCTION dormancy._orders_parent_problem(rel regclass)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT format('%s has a parent, %s, whose writes to it fire no trigger of its own', rel, i.inhparent::regclass)
			  FROM pg_catalog.pg_inherits i WHERE i.inhrelid = rel ORDER BY i.inhparent LIMIT 1);
COMMENT ON FUNCTION dormancy._orders_parent_problem(regclass) IS
	'internal: why bound orders that have a parent (a partition, a child of inheritance) cannot be tracked, NULL when they have none';

-- Why these relations (the orders and their partitions) cannot carry the
-- statement triggers, NULL when they can: only tables and partitioned
-- tables, not Citus tables, not tables that logical replication writes.
CREATE FUNCTION dormancy._members_untrackable(members oid[])
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	why_not text;
BEGIN
	SELECT format('%s is a %s', c.oid::regclass,
				  CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
								 ELSE 'relation of kind ' || c.relkind::text END)
	  INTO why_not
	  FROM unnest(members) x JOIN pg_class c ON c.oid = x
	 WHERE c.relkind NOT IN ('r', 'p')
	 ORDER BY c.oid LIMIT 1;
	why_not := coalesce(why_not, dormancy._citus_untrackable(members));
	IF why_not IS NULL THEN
		SELECT format('%s receives rows by logical replication, whose apply fires no statement triggers', s.srrelid::regclass)
		  INTO why_not
		  FROM pg_subscription_rel s WHERE s.srrelid = ANY (members) LIMIT 1;
	END IF;
	RETURN why_not;
END
$$;
COMMENT ON FUNCTION dormancy._members_untrackable(oid[]) IS
	'internal: why the orders relations given cannot carry the change-tracking triggers (NULL: they can)';

-- Add relations to the tracked ones, never waiting for a running refresh
-- (it holds the row): if one does, the next refresh sees them unrecorded
-- and rebuilds in full.
CREATE FUNCTION dormancy._record_tracked(members oid[])
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.history_store_state s
	   SET tracked_relations = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(s.tracked_relations || members) x)
	 WHERE s.singleton
	   AND s.singleton IN (SELECT l.singleton FROM dormancy.history_store_state l FOR UPDATE SKIP LOCKED);
END;
COMMENT ON FUNCTION dormancy._record_tracked(oid[]) IS
	'internal: add relations to history_store_state.tracked_relations unless a refresh holds the row';

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
	why_not := coalesce(dormancy._members_untrackable(members), dormancy._orders_parent_problem(rel),
						dormancy._untrackable_type(col_type), dormancy._ambiguous_key(rel, customer));
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
	IF dormancy._orders_parent_problem(st.orders_relation) IS NOT NULL THEN
		RETURN dormancy._orders_parent_problem(st.orders_relation);
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
-- Event triggers: partitions created or attached later get the triggers at
-- once; DDL that could hide writes (DETACH PARTITION, DISABLE TRIGGER, DROP,
-- a renamed or retyped customer column) makes the next refresh a full one.
-- SECURITY DEFINER, because DDL of any role must be seen and a new partition
-- of any owner must get the triggers: they compare OIDs and catalog facts and
-- run fixed statements only (and read the customer column of an attached
-- table: _track_attached_member).  Enabled ALWAYS, like the triggers.
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
	PERFORM dormancy._record_tracked(ARRAY[rel::oid]);
END
$$;
COMMENT ON FUNCTION dormancy._track_new_member(regclass) IS
	'internal: add the change-tracking triggers to a partition created under the tracked orders';

-- A table attached to a tracked relation (ALTER TABLE ... ATTACH
-- PARTITION), with its own partitions if it has any:
-- track them from now on, as a partition created there is, and mark the
-- customers of the orders it brings, so that the next refresh recomputes
-- them and stays incremental.  The triggers go on first (locking out
-- writers of the table till the end of the transaction; ATTACH holds it
-- already), then its rows are read under a snapshot taken after that: none
-- is missed.  When that cannot be done (a foreign table, a table replicated
-- in, no privilege, row security on it, a snapshot older than the attach:
-- REPEATABLE READ or SERIALIZABLE), nothing is added and the reason is
-- recorded: the next refresh tracks it itself and rebuilds in full.  It
-- reads the one column recorded when tracking began, of a built-in type,
-- so every cast and comparison it evaluates is PostgreSQL's own.
CREATE FUNCTION dormancy._track_attached_member(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[] := dormancy._orders_members(rel);
	m oid;
	why_not text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	why_not := dormancy._members_untrackable(members);
	IF why_not IS NULL AND current_setting('transaction_isolation') <> 'read committed' THEN
		why_not := format('it was attached in a %s transaction, whose snapshot can miss rows written to it before',
						  upper(current_setting('transaction_isolation')));
	END IF;
	IF why_not IS NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute a
										WHERE a.attrelid = rel AND a.attname = st.customer_column
										  AND a.atttypid = st.customer_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		why_not := format('its customer column "%s" is missing or of another type', st.customer_column);
	END IF;
	IF why_not IS NULL AND row_security_active(rel) THEN
		why_not := 'row security applies to it';
	END IF;
	IF why_not IS NULL THEN
		BEGIN
			FOREACH m IN ARRAY members LOOP
				PERFORM dormancy._add_tracking_triggers(m::regclass);
			END LOOP;
			-- COLLATE "C": as the triggers mark them (_orders_changed)
			EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
						   'SELECT DISTINCT (o.%1$I)::pg_catalog.text COLLATE pg_catalog."C" FROM %2$s o '
						   'WHERE o.%1$I IS NOT NULL', st.customer_column, rel);
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('the attached partition %s cannot be tracked: %s', rel, why_not));
		RETURN;
	END IF;
	PERFORM dormancy._record_tracked(members);
END
$$;
COMMENT ON FUNCTION dormancy._track_attached_member(regclass) IS
	'internal: add the change-tracking triggers to a table attached under the tracked orders (and its partitions), and mark the customers of its orders';

CREATE FUNCTION dormancy._orders_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	cmd record;
	touched boolean := false;
	altered oid[] := '{}';
	m oid;
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
		IF cmd.classid = 'pg_class'::regclass AND cmd.command_tag = 'ALTER TABLE' THEN
			altered := altered || cmd.objid;
		END IF;
	END LOOP;
	-- tables attached to a tracked relation by ALTER TABLE ... ATTACH
	-- PARTITION (the command names the parent): track them at once.  (Not a
	-- child added by INHERIT, which the command names: the ALTER TABLE ...
	-- ENABLE ALWAYS TRIGGER that tracking a table runs names it too, and
	-- would track it again from inside; the next refresh tracks it.)
	FOR m IN SELECT DISTINCT i.inhrelid FROM pg_inherits i
			  WHERE i.inhparent = ANY (st.tracked_relations) AND i.inhparent = ANY (altered)
				AND NOT i.inhrelid = ANY (st.tracked_relations)
			  ORDER BY i.inhrelid LOOP
		PERFORM dormancy._track_attached_member(m::regclass);
		touched := true;
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
	'internal: event trigger (ddl_command_end) tracking new and attached partitions of the orders and seeing DDL that could hide writes';

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
CREATE FUNCTION dormancy._after_build_62_incremental()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ord record;
BEGIN
	-- (a bound relation that was dropped, its binding kept broken, is not
	-- tracked)
	SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
	  FROM dormancy.bindings b JOIN pg_class c ON c.oid = b.relation WHERE b.source = 'orders';
	PERFORM dormancy._track_orders(ord.relation, ord.customer, 'the orders were bound, rebound or the extension updated');
	TRUNCATE dormancy.stored_histories, dormancy.changed_customers, dormancy.store_invalidations;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_62_incremental() IS
	'internal: after a build, track changes of the bound orders table and make the next refresh a full one';

-- Make the next refresh a full one.
CREATE FUNCTION dormancy.reset_stored_histories()
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

-- Why the next refresh must rebuild every history, though the orders are
-- tracked (NULL: it may update the store incrementally): the store is not
-- complete, events were recorded that could hide writes (their reasons,
-- given by the caller: the refresh takes them up to a watermark), or the
-- stored days are in another dormancy.time_zone than the one in force.
-- _prepare_histories acts on it; _stored_histories_usable asks it too.
CREATE FUNCTION dormancy._store_rebuild_reason(st dormancy.history_store_state, invalidations text)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN NOT st.complete THEN coalesce(st.reason, 'the store is not complete')
				WHEN invalidations IS NOT NULL THEN invalidations
				WHEN st.time_zone IS DISTINCT FROM current_setting('dormancy.time_zone')
					THEN format('dormancy.time_zone is %s, the stored days are in %s',
								current_setting('dormancy.time_zone'), st.time_zone)
				-- the store holds the orders its last rebuild could read: with
				-- row security then or now, not the orders the role reads now
				WHEN st.row_security THEN 'the stored histories were rebuilt under row security on the orders'
				WHEN CASE WHEN EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.orders_relation)
						  THEN row_security_active(st.orders_relation) END
					THEN format('row security on %s applies to %s', st.orders_relation, current_user) END
$$;
COMMENT ON FUNCTION dormancy._store_rebuild_reason(dormancy.history_store_state, text) IS
	'internal: why the next refresh rebuilds every history (the store not complete, the invalidations given, another time zone, row security on the orders at its last rebuild or now), NULL when it may be incremental';

-- Called by the refresh under its lock, before the snapshot is computed:
-- check that the tracking saw every write, bring the store up to date, and let
-- category_histories read it for the rest of the transaction.  Returns
-- 'incremental', 'full' or 'live' (not tracked), and why not incremental.
CREATE FUNCTION dormancy._prepare_histories(OUT mode text, OUT customers_recomputed bigint, OUT reason text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	ord record;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state FOR UPDATE;
	PERFORM dormancy._read_stored_histories(false);
	-- the state is not that of the bound orders: it is not dumped, so after
	-- pg_restore it is the installed row (nothing tracked, no reason) while
	-- the bindings and the orders' triggers are back.  Track them as a bind
	-- does (the triggers restored with the orders are taken as they are:
	-- no DDL when they are right) and rebuild everything, once.  Until
	-- 2026-12-07 every refresh after a restore read every order, with no
	-- reason given, until rebind().
	IF NOT st.tracked THEN
		SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
		  FROM dormancy.bindings b JOIN pg_class c ON c.oid = b.relation WHERE b.source = 'orders';
		IF st.reason IS NULL OR st.orders_relation IS DISTINCT FROM ord.relation THEN
			PERFORM dormancy._track_orders(ord.relation, ord.customer,
				'the orders were not tracked in this database (its tracking state is not dumped: after pg_restore, say); this refresh tracks them again');
			SELECT * INTO st FROM dormancy.history_store_state;
		END IF;
	END IF;
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
	IF reason IS NULL THEN
		reason := dormancy._store_rebuild_reason(st,
					  (SELECT string_agg(DISTINCT i.reason, '; ' ORDER BY i.reason)
						 FROM pg_temp.dormancy_refresh_invalidations i));
	END IF;
	IF reason IS NULL THEN
		mode := 'incremental';
		id_type := dormancy._column_type('dormancy.src_orders', 'customer_id');
		-- the marks in the text form the store uses
		EXECUTE format('CREATE TEMP TABLE dormancy_refresh_changed ON COMMIT DROP AS '
					   'SELECT DISTINCT (m.customer_key::%s)::pg_catalog.text AS customer_key '
					   'FROM pg_temp.dormancy_refresh_marks m', id_type);
		DELETE FROM dormancy.stored_histories s
		 USING pg_temp.dormancy_refresh_changed k WHERE s.customer_key = k.customer_key;
		-- all the orders of those customers (an index on the customer column serves it)
		IF (SELECT b.order_ids_bound FROM dormancy.src_bindings b) THEN
			-- order lines, grouped into orders by src_history_rows (as
			-- category_histories reads them): the customers as an array
			-- parameter, a filter the planner pushes below the grouping to
			-- the bound relation (a semi-join would stay above it)
			EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
						   'SELECT o.customer_id::pg_catalog.text, o.category, '
						   'dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT dormancy._time_zone_in_force())), o.amount, o.discounted), pg_catalog.sum(o.line_rows) '
						   'FROM dormancy.src_history_rows o '
						   'WHERE o.customer_id = ANY ($1::%s[]) '
						   'GROUP BY o.customer_id, o.category', id_type)
			USING (SELECT pg_catalog.array_agg(k.customer_key) FROM pg_temp.dormancy_refresh_changed k);
		ELSE
			EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
						   'SELECT o.customer_id::pg_catalog.text, o.category, '
						   'dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT dormancy._time_zone_in_force())), o.amount, o.discounted), pg_catalog.count(*) '
						   'FROM dormancy.src_orders o '
						   'WHERE o.customer_id IN (SELECT k.customer_key::%s FROM pg_temp.dormancy_refresh_changed k) '
						   'GROUP BY o.customer_id, o.category', id_type);
		END IF;
		SELECT count(*) INTO customers_recomputed FROM pg_temp.dormancy_refresh_changed;
		DROP TABLE pg_temp.dormancy_refresh_changed;
	ELSE
		mode := 'full';
		TRUNCATE dormancy.stored_histories;
		-- into a temporary table first: CREATE TABLE AS may read the orders
		-- in parallel, an INSERT ... SELECT never does (PostgreSQL 15); at
		-- 1,000,000 customers 8 s against 15 s (docs/operations.md)
		CREATE TEMP TABLE dormancy_refresh_store ON COMMIT DROP AS
		SELECT h.customer_id::text AS customer_key, h.category, h.history, h.order_rows
		  FROM dormancy.category_histories_live h;
		INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows)
		SELECT s.customer_key, s.category, s.history, s.order_rows
		  FROM pg_temp.dormancy_refresh_store s;
		GET DIAGNOSTICS customers_recomputed = ROW_COUNT;
		DROP TABLE pg_temp.dormancy_refresh_store;
		UPDATE dormancy.history_store_state
		   SET complete = true, time_zone = current_setting('dormancy.time_zone'), reason = NULL,
			   row_security = row_security_active(st.orders_relation);
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
	'internal: update dormancy.stored_histories for a refresh (incremental when the tracking saw every write) and read from it; tracks the bound orders again when the tracking state does not name them (after a restore)';

-- Whether fit_models() can take its summaries from the stored histories
-- instead of folding every order again (_fit_summaries_from_store,
-- 45_model_status.sql): they hold every order the current role would read
-- now, but for the customers marked since (changed_customers: orders
-- written, deleted or moved since the refresh took the marks), whose
-- histories it folds from the orders.  So: the orders are tracked, a refresh
-- completed the store in the zone in force, and no invalidation or tracking
-- problem was recorded since (what makes the next refresh rebuild the
-- store), and the marks are few: at most a tenth of the stored histories'
-- rows (or 1,000), counted with a limit, since folding many customers one by
-- one in one process (reading the store turns parallel query off) costs
-- more than folding every order in parallel.  Only for the role that owns
-- the store, and while no row security applies on the orders, neither to
-- that role now nor to the role that last rebuilt the store then
-- (_store_rebuild_reason): under a policy a role reads other orders than
-- the store holds.  Not after orders were written in the same transaction
-- (below).  The store is locked (ACCESS SHARE) for the rest of the
-- transaction, so that a full refresh cannot empty it before it is read;
-- while a refresh holds it (a full one empties it), the answer is false at
-- once instead of a wait.  (A refresh that updates the store meanwhile
-- deletes the marks it handled in the same transaction that rewrites their
-- histories, and the fit reads the marks, their orders and the store in one
-- statement, under one snapshot: _fit_summaries_from_store.)
CREATE FUNCTION dormancy._stored_histories_usable()
	RETURNS boolean
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	few bigint;
BEGIN
	-- (inside a refresh the gate is open already: not asked.  A C function,
	-- so that the library, which defines dormancy.time_zone, is loaded)
	IF dormancy._use_stored_histories() THEN
		RETURN false;
	END IF;
	-- a snapshot older than the transaction (REPEATABLE READ, SERIALIZABLE)
	-- may predate a full refresh, which empties the store with TRUNCATE: such
	-- a snapshot sees it empty while the state row says complete
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RETURN false;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_class c
					WHERE c.oid = 'dormancy.stored_histories'::regclass
					  AND c.relowner = (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)) THEN
		RETURN false;
	END IF;
	BEGIN
		LOCK TABLE dormancy.stored_histories IN ACCESS SHARE MODE NOWAIT;
	EXCEPTION WHEN lock_not_available THEN
		RETURN false;
	END;
	-- what the next refresh would find: tracked, no tracking problem and
	-- nothing to rebuild (_store_rebuild_reason, as _prepare_histories asks it)
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false)
	   OR st.orders_relation IS DISTINCT FROM (SELECT b.relation FROM dormancy.bindings b WHERE b.source = 'orders') THEN
		RETURN false;
	END IF;
	-- orders written in this transaction: their marks come from statement
	-- triggers, which fire when the writing statement ends, so a write in
	-- the statement that calls fit_models() (a data-modifying WITH, or a
	-- call per row) has none yet.  The orders are read instead.
	IF dormancy._written_in_transaction(st.tracked_relations) THEN
		RETURN false;
	END IF;
	SELECT greatest(1000, c.reltuples / 10)::bigint INTO few
	  FROM pg_class c WHERE c.oid = 'dormancy.stored_histories'::regclass;
	IF (SELECT count(*) FROM (SELECT 1 FROM dormancy.changed_customers LIMIT few + 1) m) > few THEN
		RETURN false;
	END IF;
	RETURN dormancy._tracking_problem() IS NULL
	   AND dormancy._store_rebuild_reason(st, (SELECT string_agg(DISTINCT i.reason, '; ' ORDER BY i.reason)
												 FROM dormancy.store_invalidations i)) IS NULL;
END
$$;
COMMENT ON FUNCTION dormancy._stored_histories_usable() IS
	'internal: whether fit_models() may read dormancy.stored_histories, with the few customers marked since folded from the orders (the current role owns the store, no row security on the orders then or now, no orders written in this transaction, nothing to rebuild since the refresh that completed it); locks the store for the transaction';

REVOKE ALL ON FUNCTION dormancy.reset_stored_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._stored_histories_usable() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._store_rebuild_reason(dormancy.history_store_state, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._prepare_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._after_build_62_incremental() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrack_orders(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._tracking_triggers() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._read_stored_histories(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._written_in_transaction(oid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_members(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrackable_type(regtype) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._ambiguous_key(regclass, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._add_tracking_triggers(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._track_orders(regclass, name, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._tracking_problem() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._track_new_member(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._track_attached_member(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_ddl() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._orders_dropped() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._log_history_reason(text) FROM PUBLIC;
-- (the live view category_histories calls _use_stored_histories() and
-- _stored_histories(): 97_privileges.sql grants them to dormancy_analyst; the
-- gate only says whether a refresh runs in this transaction, and the store is
-- read with the caller's own rights)
