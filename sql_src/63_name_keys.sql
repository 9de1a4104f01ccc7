--
-- The name keys of the bound customers, kept up to date.
--
-- customer_status.data_gaps says duplicate_name when another customer row
-- has the same name key (normalize_company_name with dormancy.legal_forms)
-- and, when a company column is bound, the same company id: the stored key
-- is then the company id, a colon and the name key (a name key never holds
-- a colon, so the pair is told apart).
-- Computed from scratch, that normalizes every customer's name even for a
-- lookup of one customer.  So the keys are stored: dormancy.customer_name_keys
-- holds, per customer id (as text) and name key, how many rows of the bound
-- customers have that id and that key.  One row per (id, key) with a count,
-- not one per id: a customer table may hold an id twice, with the same name
-- or with two names, and a delete or an update must leave the other row's key.
-- Rows without an id, without a name or with a blank key are not stored (the
-- check never looks them up).
--
-- Statement triggers on the bound customers table (transition tables) apply
-- each insert, update and delete; TRUNCATE empties the keys; an edit of
-- dormancy.legal_forms recomputes them all; every bind, rebind and extension
-- update fills them afresh.  The view uses the stored keys only as an index:
-- it finds the ids that share the customer's key there, then counts the rows
-- of those ids that the reader can see in dormancy.src_customers whose name
-- has that key now (normalized again), so the answer is exactly what a full
-- computation over the reader's rows gives; row security on the customers
-- table decides as before.
--
-- Tracked only when that is safe and sure: a plain table (no partitions, no
-- inheritance, not a view or foreign table), no logical replication (whose
-- apply fires no statement triggers), an id column of type smallint, integer,
-- bigint, text, varchar or uuid (whose text form is one per id, so that an id
-- cannot be stored twice under two spellings; text ids in the database's
-- default collation), a name column (and company column, when bound) of a
-- type built into PostgreSQL, and a
-- role binding that sees every row (no row security for it).  Otherwise the
-- view computes every key, as before (src_bindings.customer_name_keys_tracked
-- is false, and the planner drops the stored path).  DDL on the table that
-- could hide writes (a trigger disabled, dropped or replaced, a column
-- retyped, a child table) makes the keys stale: the view computes in full
-- until the next bind or rebind (_name_keys_usable, checked once per query).
--
-- Security: the trigger function is SECURITY DEFINER (whoever writes the
-- customers need not be allowed to write dormancy's tables).  It reads only
-- the transition tables of its own statement, the columns and types recorded
-- when tracking began, converts them to text with PostgreSQL's own casts
-- (built-in types only) and calls normalize_company_name (C) with the forms
-- of dormancy.legal_forms: nothing a writer of the customers can make it run.
-- The stored keys are names of customers: dormancy_analyst may read the
-- table, but a row security policy shows a row only when the reader can see
-- its customer in src_customers (made at each build, with the id's type).
--

CREATE TABLE dormancy.name_key_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	customers_relation regclass,
	id_column name,
	id_type regtype,
	name_column name,
	name_type regtype,
	current boolean NOT NULL DEFAULT false,
	reason text,
	company_column name,
	company_type regtype
);
COMMENT ON TABLE dormancy.name_key_state IS
	'whether dormancy.customer_name_keys is kept for the bound customers, and up to date';
COMMENT ON COLUMN dormancy.name_key_state.singleton IS 'always true: one row';
COMMENT ON COLUMN dormancy.name_key_state.customers_relation IS 'the bound customers table whose triggers keep the keys';
COMMENT ON COLUMN dormancy.name_key_state.id_column IS 'its id column when tracking began';
COMMENT ON COLUMN dormancy.name_key_state.id_type IS 'the type of the id column then';
COMMENT ON COLUMN dormancy.name_key_state.name_column IS 'its name column when tracking began';
COMMENT ON COLUMN dormancy.name_key_state.name_type IS 'the type of the name column then';
COMMENT ON COLUMN dormancy.name_key_state.current IS 'the keys hold every row of the table: customer_status may use them';
COMMENT ON COLUMN dormancy.name_key_state.reason IS 'why the keys are not used (current false)';
COMMENT ON COLUMN dormancy.name_key_state.company_column IS 'its company id column when tracking began (NULL: none bound)';
COMMENT ON COLUMN dormancy.name_key_state.company_type IS 'the type of the company id column then';
INSERT INTO dormancy.name_key_state DEFAULT VALUES;

-- The triggers that keep the keys: name, event and transition tables.
CREATE FUNCTION dormancy._name_key_triggers()
	RETURNS TABLE (trigger_name name, event text, old_table name, new_table name)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	VALUES ('dormancy_names_insert'::name, 'INSERT', NULL::name, 'dormancy_new_names'::name),
		   ('dormancy_names_update', 'UPDATE', 'dormancy_old_names', 'dormancy_new_names'),
		   ('dormancy_names_delete', 'DELETE', 'dormancy_old_names', NULL),
		   ('dormancy_names_truncate', 'TRUNCATE', NULL, NULL)
$$;
COMMENT ON FUNCTION dormancy._name_key_triggers() IS
	'internal: the triggers keeping dormancy.customer_name_keys: name, event and transition tables';

-- Why the keys of a customers table cannot be kept (NULL: they can): the
-- static facts (the binder's own row security is checked when filling).
CREATE FUNCTION dormancy._name_keys_untrackable(rel regclass, id_column name, name_column name,
	company_column name DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c pg_class;
	id_att pg_attribute;
	name_att pg_attribute;
	company_att pg_attribute;
	base oid;
	citus_why text;
BEGIN
	IF rel IS NULL OR name_column IS NULL THEN
		RETURN 'no customer names are bound';
	END IF;
	SELECT * INTO c FROM pg_class x WHERE x.oid = rel;
	IF NOT FOUND THEN
		RETURN 'the customers relation does not exist';
	END IF;
	IF c.relkind <> 'r' THEN
		RETURN format('%s is not a plain table', rel);
	END IF;
	citus_why := dormancy._citus_untrackable(ARRAY[rel::oid]);
	IF citus_why IS NOT NULL THEN
		RETURN citus_why;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = rel OR i.inhparent = rel) THEN
		RETURN format('%s has inheritance children or parents, whose writes its triggers do not see', rel);
	END IF;
	IF EXISTS (SELECT 1 FROM pg_subscription_rel s WHERE s.srrelid = rel) THEN
		RETURN format('%s receives rows by logical replication, whose apply fires no statement triggers', rel);
	END IF;
	SELECT * INTO id_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = id_column AND a.attnum > 0 AND NOT a.attisdropped;
	SELECT * INTO name_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = name_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF id_att.attrelid IS NULL OR name_att.attrelid IS NULL THEN
		RETURN 'the id or name column does not exist';
	END IF;
	base := coalesce((dormancy._base_type(id_att.atttypid)).base, 0);
	IF base NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'text'::regtype, 'varchar'::regtype, 'uuid'::regtype) THEN
		RETURN format('the id column has type %s (tracked: smallint, integer, bigint, text, varchar, uuid)', id_att.atttypid::regtype);
	END IF;
	IF id_att.attcollation NOT IN (0, 100) THEN
		RETURN 'the id column has a collation other than the default';
	END IF;
	IF company_column IS NOT NULL THEN
		SELECT * INTO company_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = company_column AND a.attnum > 0 AND NOT a.attisdropped;
		IF company_att.attrelid IS NULL THEN
			RETURN 'the company column does not exist';
		END IF;
		IF dormancy._untrackable_type(company_att.atttypid) IS NOT NULL THEN
			RETURN replace(dormancy._untrackable_type(company_att.atttypid), 'customer column', 'company column');
		END IF;
	END IF;
	RETURN replace(dormancy._untrackable_type(name_att.atttypid), 'customer column', 'name column');
END
$$;
COMMENT ON FUNCTION dormancy._name_keys_untrackable(regclass, name, name, name) IS
	'internal: why the name keys of a customers table cannot be kept by triggers (NULL when they can)';

-- What could have let a write go unseen since the keys were filled (NULL:
-- nothing).  Compares catalog facts only.
CREATE FUNCTION dormancy._name_keys_problem()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	why text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.current, false) THEN
		RETURN coalesce(st.reason, 'the name keys are not kept');
	END IF;
	IF to_regclass('dormancy.customer_name_keys') IS NULL THEN
		RETURN 'the table dormancy.customer_name_keys is missing';
	END IF;
	why := dormancy._name_keys_untrackable(st.customers_relation, st.id_column, st.name_column, st.company_column);
	IF why IS NOT NULL THEN
		RETURN why;
	END IF;
	IF st.company_column IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM pg_attribute a
					    WHERE a.attrelid = st.customers_relation AND a.attname = st.company_column
						  AND a.atttypid = st.company_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the company column of %s was renamed, dropped or changed type', st.customers_relation);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a
					WHERE a.attrelid = st.customers_relation AND a.attname = st.id_column
					  AND a.atttypid = st.id_type AND a.attnum > 0 AND NOT a.attisdropped)
	   OR NOT EXISTS (SELECT 1 FROM pg_attribute a
					   WHERE a.attrelid = st.customers_relation AND a.attname = st.name_column
						 AND a.atttypid = st.name_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the id or name column of %s was renamed, dropped or changed type', st.customers_relation);
	END IF;
	IF (SELECT count(*) FROM pg_trigger t JOIN dormancy._name_key_triggers() d ON d.trigger_name = t.tgname
		 WHERE t.tgrelid = st.customers_relation AND t.tgfoid = 'dormancy._customer_names_changed()'::regprocedure
		   AND t.tgenabled = 'A' AND t.tgnargs = 0
		   AND t.tgnewtable IS NOT DISTINCT FROM d.new_table AND t.tgoldtable IS NOT DISTINCT FROM d.old_table)
	   <> (SELECT count(*) FROM dormancy._name_key_triggers()) THEN
		RETURN format('a trigger keeping the name keys of %s is missing, altered or not enabled ALWAYS', st.customers_relation);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._name_keys_problem() IS
	'internal: why dormancy.customer_name_keys may not be used now (NULL: it holds every row of the bound customers)';

-- Whether customer_status may look the keys up (once per query, an init
-- plan).  SECURITY DEFINER, so that a reader needs no grant on the state and
-- the internal checks: it takes no argument and reads catalog facts and the
-- state row only.
CREATE FUNCTION dormancy._name_keys_usable()
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy._name_keys_problem() IS NULL;
COMMENT ON FUNCTION dormancy._name_keys_usable() IS
	'internal: whether dormancy.customer_name_keys holds every row of the bound customers (customer_status then looks the keys up)';

-- Mark the keys stale (until the next bind or rebind).
CREATE FUNCTION dormancy._name_keys_stale(why text)
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.name_key_state SET current = false, reason = why WHERE current;
END;
COMMENT ON FUNCTION dormancy._name_keys_stale(text) IS
	'internal: stop using dormancy.customer_name_keys until the next bind or rebind';

-- A stored key row too long for the keys' B-tree indexes (an entry takes at
-- most about 2,700 bytes): the condition on the id and key columns of the
-- relation named, and the reason the keys are then not used.  Such a name
-- (3 kB of characters that do not compress) is no company name, but it is
-- your row: the keys go stale (the view computes every key) rather than
-- fail your write or your bind.
CREATE FUNCTION dormancy._name_key_too_long(relation_alias text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN pg_catalog.format('pg_catalog.octet_length(%1$I.customer_key) + pg_catalog.octet_length(%1$I.name_key) > 2000',
							 relation_alias);
COMMENT ON FUNCTION dormancy._name_key_too_long(text) IS
	'internal: the condition under which a row of dormancy.customer_name_keys would be too long to index (id and key over 2,000 bytes)';
CREATE FUNCTION dormancy._name_key_too_long_reason(customer_key text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN pg_catalog.format('the name key of customer %s is over 2,000 bytes (too long to index)',
							 CASE WHEN pg_catalog.length(customer_key) > 40
								  THEN pg_catalog.left(customer_key, 40) OPERATOR(pg_catalog.||) '...' ELSE customer_key END);
COMMENT ON FUNCTION dormancy._name_key_too_long_reason(text) IS
	'internal: why dormancy.customer_name_keys is not used when a key is too long to index';

-- Statement trigger on the bound customers table: apply the rows written.
-- SECURITY DEFINER: whoever writes the customers need not be allowed to
-- write dormancy's tables.  It trusts nothing of its call: it runs only as
-- dormancy's trigger on the table it keeps, reads the columns recorded when
-- tracking began and only while they have the recorded built-in types.
CREATE FUNCTION dormancy._customer_names_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	sides text;
	gone_ids text[];
	gone_keys text[];
	long_id text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.customers_relation = TG_RELID, false) THEN
		IF TG_NAME IN (SELECT d.trigger_name FROM dormancy._name_key_triggers() d) THEN
			RETURN NULL;	-- left on a table no longer bound: the next build drops it
		END IF;
		RAISE EXCEPTION 'dormancy._customer_names_changed() runs only as a trigger of dormancy on the bound customers'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s, which dormancy does not track.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF NOT st.current THEN
		RETURN NULL;	-- stale: nothing to keep until the next build
	END IF;
	-- the firing trigger is one dormancy made (see _orders_changed)
	IF TG_WHEN <> 'AFTER' OR TG_LEVEL <> 'STATEMENT'
	   OR NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN dormancy._name_key_triggers() d ON d.trigger_name = t.tgname
					   WHERE t.tgrelid = TG_RELID AND t.tgname = TG_NAME AND d.event = TG_OP
						 AND t.tgfoid = 'dormancy._customer_names_changed()'::regprocedure AND t.tgnargs = 0
						 AND t.tgnewtable IS NOT DISTINCT FROM d.new_table
						 AND t.tgoldtable IS NOT DISTINCT FROM d.old_table) THEN
		PERFORM dormancy._name_keys_stale(format('a trigger keeping the name keys of %s was renamed or altered', TG_RELID::regclass));
		RETURN NULL;
	END IF;
	IF dormancy._name_keys_problem() IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_keys_problem());
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM dormancy.customer_name_keys;
		RETURN NULL;
	END IF;
	-- the change of each (id, key): rows written minus rows removed (the
	-- forms a parameter, read once); the key of _name_key, after the
	-- company id and a colon when a company column is bound
	sides := concat_ws(' UNION ALL ',
		CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN
			format('SELECT (n.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
				   'dormancy._name_key((n.%2$I)::pg_catalog.text, %3$s, $1) AS name_key, 1 AS d '
				   'FROM dormancy_new_names n WHERE n.%1$I IS NOT NULL', st.id_column, st.name_column,
				   CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(n.%I)::pg_catalog.text', st.company_column) END) END,
		CASE WHEN TG_OP IN ('DELETE', 'UPDATE') THEN
			format('SELECT (o.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
				   'dormancy._name_key((o.%2$I)::pg_catalog.text, %3$s, $1) AS name_key, -1 AS d '
				   'FROM dormancy_old_names o WHERE o.%1$I IS NOT NULL', st.id_column, st.name_column,
				   CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(o.%I)::pg_catalog.text', st.company_column) END) END);
	-- (in key order, so that concurrent writers lock the rows in one order;
	-- none when a key is too long for the keys' index, which would fail
	-- your write: the keys are then stale, below)
	EXECUTE format(
		'WITH x AS MATERIALIZED (SELECT y.customer_key, y.name_key, y.d '
		'FROM (%s) y WHERE y.name_key IS NOT NULL), '
		'too_long AS (SELECT x.customer_key FROM x WHERE %s ORDER BY x.customer_key LIMIT 1), '
		'up AS (INSERT INTO dormancy.customer_name_keys AS k (customer_key, name_key, rows) '
		'SELECT x.customer_key, x.name_key, pg_catalog.sum(x.d) FROM x '
		'WHERE NOT EXISTS (SELECT 1 FROM too_long) '
		'GROUP BY x.customer_key, x.name_key HAVING pg_catalog.sum(x.d) <> 0 '
		'ORDER BY x.customer_key, x.name_key '
		'ON CONFLICT (customer_key, name_key) DO UPDATE SET rows = k.rows + excluded.rows '
		'RETURNING k.customer_key, k.name_key, k.rows) '
		'SELECT (SELECT t.customer_key FROM too_long t), '
		'pg_catalog.array_agg(up.customer_key) FILTER (WHERE up.rows <= 0), '
		'pg_catalog.array_agg(up.name_key) FILTER (WHERE up.rows <= 0) FROM up',
		sides, dormancy._name_key_too_long('x')) INTO long_id, gone_ids, gone_keys USING dormancy.legal_forms_in_force();
	IF long_id IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_key_too_long_reason(long_id));
		RETURN NULL;
	END IF;
	-- the pairs no row has any more
	IF gone_ids IS NOT NULL THEN
		DELETE FROM dormancy.customer_name_keys k
		 USING unnest(gone_ids, gone_keys) g(customer_key, name_key)
		 WHERE k.customer_key = g.customer_key AND k.name_key = g.name_key AND k.rows <= 0;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._customer_names_changed() IS
	'internal: trigger on the bound customers table keeping dormancy.customer_name_keys';

-- Fill the keys from the whole table (the caller's rights: the binder, or
-- the owner through the trigger on dormancy.legal_forms).  A role for whom
-- row security hides rows could not fill them: the keys are then not used.
CREATE FUNCTION dormancy._fill_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	long_id text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	-- DELETE, not TRUNCATE: a reader whose snapshot is older (REPEATABLE
	-- READ) keeps the keys of its snapshot (it saw none: every
	-- duplicate_name gap gone), and reading them does not hold this off
	DELETE FROM dormancy.customer_name_keys;
	IF st.customers_relation IS NULL THEN
		RETURN;
	END IF;
	IF row_security_active(st.customers_relation) THEN
		PERFORM dormancy._name_keys_stale(format('row security of %s applies to role %s, who filled the keys', st.customers_relation, current_user));
		RETURN;
	END IF;
	-- (nothing when a key is too long for the keys' index: stale, as above)
	EXECUTE format(
		'WITH x AS MATERIALIZED (SELECT y.customer_key, y.name_key '
		'FROM (SELECT (t.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
		'dormancy._name_key((t.%2$I)::pg_catalog.text, %4$s, $1) AS name_key '
		'FROM %3$s t WHERE t.%1$I IS NOT NULL) y '
		'WHERE y.name_key IS NOT NULL), '
		'too_long AS (SELECT x.customer_key FROM x WHERE %5$s ORDER BY x.customer_key LIMIT 1), '
		'ins AS (INSERT INTO dormancy.customer_name_keys (customer_key, name_key, rows) '
		'SELECT x.customer_key, x.name_key, pg_catalog.count(*) FROM x '
		'WHERE NOT EXISTS (SELECT 1 FROM too_long) GROUP BY 1, 2) '
		'SELECT t.customer_key FROM too_long t',
		st.id_column, st.name_column, st.customers_relation,
		CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(t.%I)::pg_catalog.text', st.company_column) END,
		dormancy._name_key_too_long('x'))
		INTO long_id USING dormancy.legal_forms_in_force();
	IF long_id IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_key_too_long_reason(long_id));
		RETURN;
	END IF;
	ANALYZE dormancy.customer_name_keys;
END
$$;
COMMENT ON FUNCTION dormancy._fill_name_keys() IS
	'internal: compute dormancy.customer_name_keys from the whole bound customers table';

-- Statement trigger on dormancy.legal_forms: every key depends on the forms.
CREATE FUNCTION dormancy._legal_forms_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM dormancy.name_key_state s WHERE s.current) THEN
		PERFORM dormancy._fill_name_keys();
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._legal_forms_changed() IS
	'internal: trigger on dormancy.legal_forms recomputing every name key';
CREATE TRIGGER dormancy_name_keys AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dormancy.legal_forms
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._legal_forms_changed();
COMMENT ON TRIGGER dormancy_name_keys ON dormancy.legal_forms IS 'recomputes dormancy.customer_name_keys when the legal forms change';

-- Drop the triggers from a table (if it still exists).
CREATE FUNCTION dormancy._untrack_names(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trig text;
BEGIN
	FOR trig IN
		SELECT t.tgname FROM pg_trigger t
		 WHERE t.tgrelid = rel AND NOT t.tgisinternal
		   AND t.tgname IN (SELECT d.trigger_name FROM dormancy._name_key_triggers() d)
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', trig, rel);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._untrack_names(regclass) IS 'internal: remove the triggers keeping the name keys';

-- The keys table: made at the first build, like the generated views not a
-- member of the extension (its row security policy names the adapter
-- src_customers, which binding writes; pg_dump keeps it with the views).
-- The ids and name keys of the rows of the bound customers the calling role
-- sees (as customer_name_keys keeps them): the row security of
-- customer_name_keys when the customers are a Citus table.  The legal forms
-- are read once, on this node, and reach the workers as a constant.
CREATE FUNCTION dormancy.visible_name_keys()
	RETURNS TABLE (customer_key text, name_key text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	forms text[] := dormancy.legal_forms_in_force();
BEGIN
	IF to_regclass('dormancy.src_customers') IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY
		SELECT c.customer_id::text, dormancy._name_key(c.name::text, c.company_id, forms)
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION dormancy.visible_name_keys() IS
	'the ids, as text, and name keys (NULL where the name gives none) of the rows of the bound customers the calling role may see: the rows of customer_name_keys it may read when the customers are a Citus table';

-- Before every build the policy goes: a build may have to drop
-- src_customers (another id type); the build makes it again.
CREATE FUNCTION dormancy._before_build_63_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('dormancy.customer_name_keys') IS NULL THEN
		CREATE TABLE dormancy.customer_name_keys (
			customer_key text COLLATE "C" NOT NULL,
			name_key text NOT NULL,
			rows bigint NOT NULL,
			CONSTRAINT customer_name_keys_pkey PRIMARY KEY (customer_key, name_key)
		);
		CREATE INDEX customer_name_keys_name_key ON dormancy.customer_name_keys (name_key);
		ALTER TABLE dormancy.customer_name_keys ENABLE ROW LEVEL SECURITY;
		COMMENT ON TABLE dormancy.customer_name_keys IS
			'the name key of each bound customer (normalize_company_name with dormancy.legal_forms), kept by triggers: the index the duplicate_name data gap looks up';
		COMMENT ON COLUMN dormancy.customer_name_keys.customer_key IS 'the customer id as text';
		COMMENT ON COLUMN dormancy.customer_name_keys.name_key IS 'the key of its name (never blank), after its company id and a colon when a company column is bound';
		COMMENT ON COLUMN dormancy.customer_name_keys.rows IS 'rows of the customers table with this id and this key (an id may be there twice)';
		COMMENT ON INDEX dormancy.customer_name_keys_name_key IS 'finds the customers that share a name key';
		REVOKE ALL ON dormancy.customer_name_keys FROM PUBLIC;
		-- the policy shows an analyst only the keys of customers the analyst sees
		GRANT SELECT ON dormancy.customer_name_keys TO dormancy_analyst;
	END IF;
	PERFORM dormancy._unclaim('TABLE', 'dormancy.customer_name_keys');
	IF EXISTS (SELECT 1 FROM pg_policy p
				WHERE p.polrelid = 'dormancy.customer_name_keys'::regclass AND p.polname = 'visible_customers') THEN
		DROP POLICY visible_customers ON dormancy.customer_name_keys;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._before_build_63_name_keys() IS
	'internal: before a build, make dormancy.customer_name_keys if missing and drop its row security policy (it reads src_customers)';

-- After every build: the policy, the triggers on the bound customers table
-- (enabled ALWAYS) and the keys filled afresh.
CREATE FUNCTION dormancy._after_build_63_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	cust record;
	why_not text;
	trig record;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state FOR UPDATE;
	SELECT b.relation, (b.columns ->> 'id')::name AS id_column, (b.columns ->> 'name')::name AS name_column,
		   (b.columns ->> 'company')::name AS company_column INTO cust
	  FROM dormancy._usable_bindings() b WHERE b.source = 'customers';
	IF st.customers_relation IS NOT NULL AND st.customers_relation IS DISTINCT FROM cust.relation
	   AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.customers_relation) THEN
		PERFORM dormancy._untrack_names(st.customers_relation);
	END IF;
	-- a reader sees a row of the keys only when it sees a row of its
	-- customer with that key (an id twice in the customers, one row hidden
	-- by the reader's policy: the hidden row's key is not shown).  Tested
	-- for each key row read, by the index of the customers' id: the id as
	-- a value (a sub-select), since a cast of the row's column is not
	-- leakproof and so, under a policy of yours on the customers, no index
	-- condition; OFFSET 0 leaves the planner no hashed alternative, which
	-- reads and normalizes every customer the reader sees once per query
	-- (it chose that for a lookup of one customer whose key rows it
	-- overestimated: 150-250 ms at 100,000 customers instead of a few).
	-- The key in the database's collation: its own is "C", which for text
	-- ids took the comparison off the index of the customers' id (which
	-- has the default one: _name_keys_untrackable refuses any other)
	id_type := dormancy._column_type('dormancy.src_customers', 'customer_id');
	IF dormancy._citus_table_kind(coalesce(cust.relation,
			(SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'orders'))) IS NULL THEN
		EXECUTE format('CREATE POLICY visible_customers ON dormancy.customer_name_keys FOR SELECT '
					   'USING (EXISTS (SELECT 1 FROM dormancy.src_customers c '
					   'WHERE c.customer_id = (SELECT (customer_name_keys.customer_key COLLATE pg_catalog."default")::%s) '
					   'AND dormancy._name_key(c.name::pg_catalog.text, c.company_id, '
					   '(SELECT dormancy.legal_forms_in_force())) = customer_name_keys.name_key OFFSET 0))', id_type);
	ELSE
		-- the customers in a Citus table: the same test through a function,
		-- whose query Citus plans apart (a policy's subquery over them
		-- beside this local table is a join Citus refuses)
		CREATE POLICY visible_customers ON dormancy.customer_name_keys FOR SELECT
			USING ((customer_key, name_key) IN (SELECT k.customer_key, k.name_key FROM dormancy.visible_name_keys() k));
	END IF;
	why_not := dormancy._name_keys_untrackable(cust.relation, cust.id_column, cust.name_column, cust.company_column);
	IF why_not IS NULL THEN
		BEGIN
			FOR trig IN
				SELECT d.trigger_name AS name, d.event,
					   coalesce('REFERENCING ' || NULLIF(concat_ws(' ', 'OLD TABLE AS ' || d.old_table,
																		'NEW TABLE AS ' || d.new_table), '') || ' ', '') AS referencing
				  FROM dormancy._name_key_triggers() d
			LOOP
				IF EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = cust.relation AND t.tgname = trig.name) THEN
					EXECUTE format('DROP TRIGGER %I ON %s', trig.name, cust.relation);
				END IF;
				EXECUTE format('CREATE TRIGGER %s AFTER %s ON %s %sFOR EACH STATEMENT EXECUTE FUNCTION dormancy._customer_names_changed()',
							   trig.name, trig.event, cust.relation, trig.referencing);
				EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', cust.relation, trig.name);
			END LOOP;
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		IF cust.relation IS NOT NULL THEN
			PERFORM dormancy._untrack_names(cust.relation);
		END IF;
		UPDATE dormancy.name_key_state
		   SET customers_relation = NULL, id_column = NULL, id_type = NULL, name_column = NULL, name_type = NULL,
			   company_column = NULL, company_type = NULL, current = false, reason = why_not;
		DELETE FROM dormancy.customer_name_keys;
		RETURN;
	END IF;
	UPDATE dormancy.name_key_state
	   SET customers_relation = cust.relation, id_column = cust.id_column, name_column = cust.name_column,
		   id_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.id_column),
		   name_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.name_column),
		   company_column = cust.company_column,
		   company_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.company_column),
		   current = true, reason = NULL;
	PERFORM dormancy._fill_name_keys();
END
$$;
COMMENT ON FUNCTION dormancy._after_build_63_name_keys() IS
	'internal: after a build, keep the name keys of the bound customers by triggers and fill them';

-- Event trigger: DDL on the tracked table that could hide writes (a trigger
-- disabled, dropped or replaced, a column retyped, a child table) makes the
-- keys stale.  SECURITY DEFINER, because DDL of any role must be seen: it
-- compares catalog facts and writes one fixed row.  Enabled ALWAYS.
CREATE FUNCTION dormancy._customers_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	touched boolean := false;
	problem text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.current, false) THEN
		RETURN;
	END IF;
	IF TG_EVENT = 'sql_drop' THEN
		touched := EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
							WHERE (d.classid = 'pg_class'::regclass AND d.objid = st.customers_relation)
							   OR d.classid = 'pg_trigger'::regclass);
	ELSE
		touched := EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
							WHERE c.classid = 'pg_class'::regclass
							  AND (c.objid = st.customers_relation
								   OR EXISTS (SELECT 1 FROM pg_inherits i
											   WHERE i.inhrelid = c.objid AND i.inhparent = st.customers_relation)))
				   OR EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
							   JOIN pg_trigger t ON t.oid = c.objid
							  WHERE c.classid = 'pg_trigger'::regclass AND t.tgrelid = st.customers_relation);
	END IF;
	IF touched THEN
		problem := dormancy._name_keys_problem();
		IF problem IS NOT NULL THEN
			PERFORM dormancy._name_keys_stale(problem);
		END IF;
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- never fail the user's DDL: stop using the keys instead
	PERFORM dormancy._name_keys_stale('DDL on the customers table could not be checked: ' || SQLERRM);
END
$$;
COMMENT ON FUNCTION dormancy._customers_ddl() IS
	'internal: event trigger (ddl_command_end, sql_drop) seeing DDL on the bound customers that could hide writes from the name keys';

CREATE EVENT TRIGGER dormancy_names_ddl ON ddl_command_end
	WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'ALTER TRIGGER')
	EXECUTE FUNCTION dormancy._customers_ddl();
ALTER EVENT TRIGGER dormancy_names_ddl ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_names_ddl IS
	'extension dormancy: sees DDL on the bound customers that could hide writes from the name keys';
CREATE EVENT TRIGGER dormancy_names_drop ON sql_drop
	WHEN TAG IN ('DROP TABLE', 'DROP TRIGGER', 'ALTER TABLE')
	EXECUTE FUNCTION dormancy._customers_ddl();
ALTER EVENT TRIGGER dormancy_names_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_names_drop IS
	'extension dormancy: sees dropped triggers of the bound customers';

REVOKE ALL ON dormancy.name_key_state FROM PUBLIC;
