--
-- Binding the user's tables
--
-- bind_* functions validate the user's relation and columns, record them in
-- dormancy.bindings, and (re)create the adapter views dormancy.src_* and the
-- views built on them.  Everything happens in the caller's transaction, so a
-- failed bind changes nothing.
--

CREATE TABLE dormancy.bindings (
	source text PRIMARY KEY,
	relation regclass,
	columns jsonb NOT NULL,
	bound_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	bound_by name NOT NULL DEFAULT CURRENT_USER,
	relation_name text,
	CONSTRAINT bindings_source_known CHECK (source IN ('customers', 'orders'))
);
COMMENT ON TABLE dormancy.bindings IS 'which user relation and columns feed each source; written by the bind_* functions';
COMMENT ON COLUMN dormancy.bindings.source IS 'customers or orders';
COMMENT ON COLUMN dormancy.bindings.relation IS 'the bound table, view, materialized view or foreign table; NULL once it was dropped (the binding is broken until the source is bound again)';
COMMENT ON COLUMN dormancy.bindings.columns IS 'role -> column name, e.g. {"id": "account_id", "name": "account_name"}';
COMMENT ON COLUMN dormancy.bindings.bound_at IS 'when the binding was made';
COMMENT ON COLUMN dormancy.bindings.bound_by IS 'who made the binding';
COMMENT ON COLUMN dormancy.bindings.relation_name IS 'the schema-qualified name of the bound relation when the views were last built or when it was dropped: the repair hint of a dropped one names it (a relation of that name is never bound by its name)';
SELECT pg_catalog.pg_extension_config_dump('dormancy.bindings', '');

-- A type's base type with the type modifier that applies to it, as the
-- server's getBaseTypeAndTypmod finds them: a domain over a domain is
-- followed down to the type under the last domain, whose modifier (the one
-- that domain was declared with: only it may have one) replaces typmod.
-- A type that is no domain is its own base, with typmod.  NULL for no type.
CREATE FUNCTION dormancy._base_type(t regtype, typmod integer DEFAULT -1,
	OUT base regtype, OUT base_typmod integer)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE chain AS (
		SELECT y.oid, y.typtype, y.typbasetype, y.typtypmod, 0 AS depth
		  FROM pg_type y WHERE y.oid = t
		UNION ALL
		SELECT y.oid, y.typtype, y.typbasetype, y.typtypmod, c.depth + 1
		  FROM chain c JOIN pg_type y ON y.oid = c.typbasetype
		 WHERE c.typtype = 'd'
	)
	SELECT (SELECT c.oid FROM chain c ORDER BY c.depth DESC LIMIT 1)::regtype,
		   coalesce((SELECT c.typtypmod FROM chain c WHERE c.typtype = 'd' ORDER BY c.depth DESC LIMIT 1), typmod)
$$;
COMMENT ON FUNCTION dormancy._base_type(regtype, integer) IS
	'internal: the base type of a type (a domain over a domain followed to the end) and the type modifier that applies to it (the last domain''s, else typmod); the type itself when it is no domain; NULL for no type';

-- The column of a relation, checked to exist; its base type (domains resolved).
CREATE FUNCTION dormancy._binding_column(relation regclass, role text, col name,
	OUT type_oid oid, OUT type_name text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	available text;
BEGIN
	IF col IS NULL THEN
		RAISE EXCEPTION 'column for % must not be NULL', role
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT (dormancy._base_type(a.atttypid)).base
	  INTO type_oid
	  FROM pg_attribute a
	 WHERE a.attrelid = relation AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
		  INTO available
		  FROM pg_attribute a
		 WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped;
		RAISE EXCEPTION 'column "%" does not exist in relation %', col, relation
			USING ERRCODE = 'undefined_column',
				  DETAIL = format('The %s column was given as "%s".', role, col),
				  HINT = format('Columns of %s are: %s.', relation, coalesce(available, 'none'));
	END IF;
	-- the name the adapters cast ids kept as text back to: without a length,
	-- so that no id is cut (format_type gives character, which is
	-- character(1): the stored histories of ids 'AB' and 'AC' were read back
	-- as 'A' until 2026-12-07)
	type_name := CASE WHEN type_oid = 'pg_catalog.bpchar'::regtype THEN 'pg_catalog.bpchar'
					  ELSE format_type(type_oid, NULL) END;
END
$$;
COMMENT ON FUNCTION dormancy._binding_column(regclass, text, name) IS
	'internal: look up a column for binding, with a hint listing the columns that exist';

-- Raise the wrong-type error for a bound column.
CREATE FUNCTION dormancy._binding_type_error(relation regclass, role text, col name,
	actual text, expected text)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'column "%" of relation % has type %, expected %', col, relation, actual, expected
		USING ERRCODE = 'datatype_mismatch',
			  DETAIL = format('The %s column takes %s.', role, expected),
			  HINT = 'Bind a view that casts the column to a supported type.';
END
$$;
COMMENT ON FUNCTION dormancy._binding_type_error(regclass, text, name, text, text) IS
	'internal: raise the wrong-type error of a binding';

-- Reject relation kinds that cannot be read like a table.
CREATE FUNCTION dormancy._check_relation(relation regclass)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind "char";
BEGIN
	IF relation IS NULL THEN
		RAISE EXCEPTION 'relation must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = relation;
	IF kind IS NULL THEN
		RAISE EXCEPTION 'relation with OID % does not exist', relation::oid
			USING ERRCODE = 'undefined_table';
	END IF;
	IF kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
		RAISE EXCEPTION '% is not a table, view, materialized view or foreign table', relation
			USING ERRCODE = 'wrong_object_type',
				  HINT = 'Bind the table that holds the rows.';
	END IF;
	IF (SELECT c.relnamespace FROM pg_class c WHERE c.oid = relation) = 'dormancy'::regnamespace THEN
		RAISE EXCEPTION 'cannot bind dormancy''s own view %', relation
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- (the views over it would be temporary: they fail deep in the build)
	IF (SELECT c.relpersistence FROM pg_class c WHERE c.oid = relation) = 't' THEN
		RAISE EXCEPTION 'cannot bind the temporary table %', relation
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The views over a bound relation outlive the session; a temporary table does not.',
				  HINT = 'Bind a permanent table (a temporary table of the same name shadows it: qualify the name with its schema).';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_relation(regclass) IS
	'internal: check that a relation can be bound';

-- The type of a column as SQL text (format_type, with its modifier), such as
-- the type of the customer ids of dormancy.src_orders to cast marks kept as
-- text back to; NULL when there is no such column.
CREATE FUNCTION dormancy._column_type(relation regclass, column_name name)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
	 WHERE a.attrelid = relation AND a.attname = column_name AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION dormancy._column_type(regclass, name) IS
	'internal: the type of a column as SQL text (format_type), NULL when there is none';

-- A column reference expression for a generated view: t."col".
CREATE FUNCTION dormancy._col(bindings jsonb, role text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN bindings ->> role IS NULL THEN NULL
				ELSE 't.' || quote_ident(bindings ->> role) END;
COMMENT ON FUNCTION dormancy._col(jsonb, text) IS
	'internal: the quoted column reference of a bound role, NULL when unbound';

-- A bound column cast to a type, or a typed NULL when the role is unbound.
CREATE FUNCTION dormancy._col_as(bindings jsonb, role text, type_name text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN bindings ->> role IS NULL THEN 'NULL::' || type_name
				ELSE '(t.' || quote_ident(bindings ->> role) || ')::' || type_name END;
COMMENT ON FUNCTION dormancy._col_as(jsonb, text, text) IS
	'internal: a bound column cast to a type, or a typed NULL when the role is unbound';

-- Check a numeric column.
CREATE FUNCTION dormancy._check_number_column(relation regclass, role text, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid := (dormancy._binding_column(relation, role, col)).type_oid;
BEGIN
	IF t NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype,
				 'float4'::regtype, 'float8'::regtype, 'money'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, role, col, format_type(t, NULL),
											 'a numeric type (smallint, integer, bigint, numeric, real, double precision or money)');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_number_column(regclass, text, name) IS
	'internal: check that a bound column is numeric';

-- Check a day column: date, timestamp or timestamptz.
CREATE FUNCTION dormancy._check_day_column(relation regclass, role text, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid := (dormancy._binding_column(relation, role, col)).type_oid;
BEGIN
	IF t NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, role, col, format_type(t, NULL),
											 'date, timestamp or timestamp with time zone');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_day_column(regclass, text, name) IS
	'internal: check that a bound column is a date, timestamp or timestamptz';

-- Check a boolean column.
CREATE FUNCTION dormancy._check_bool_column(relation regclass, role text, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid := (dormancy._binding_column(relation, role, col)).type_oid;
BEGIN
	IF t <> 'bool'::regtype THEN
		PERFORM dormancy._binding_type_error(relation, role, col, format_type(t, NULL), 'boolean');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_bool_column(regclass, text, name) IS
	'internal: check that a bound column is boolean';

-- A bound day column as a date: timestamptz becomes its day in dormancy.time_zone
-- (the zone an init plan of the reading query, as in the histories: a node
-- that runs the expression needs no settings of its own).  The init plan
-- reads the view _zone_in_force, which names a local table of the extension
-- (joined on false: no row of it is read), so that Citus computes the zone
-- on the coordinator even for a query of one customer, which it would
-- otherwise send whole to that customer's shard (sql_src/70_views.sql, the
-- settings of the views; it exists before any build).
CREATE FUNCTION dormancy._day_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.date';
	ELSIF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'timestamptz'::regtype THEN
		RETURN format('(dormancy._local_time(t.%I, (SELECT z.zone FROM dormancy._zone_in_force z)))::pg_catalog.date', columns ->> role);
	END IF;
	RETURN format('(t.%I)::pg_catalog.date', columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._day_expr(regclass, jsonb, text) IS
	'internal: the calendar day of a bound date, timestamp or timestamptz column';

-- A bound day column's instant, which orders two rows of one day: a
-- timestamptz as it is (the clock of a zone repeats an hour when it goes
-- back), a timestamp read in UTC; NULL for a date.
CREATE FUNCTION dormancy._instant_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid;
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.timestamptz';
	END IF;
	t := (dormancy._binding_column(relation, role, columns ->> role)).type_oid;
	IF t = 'timestamptz'::regtype THEN
		RETURN format('(t.%I)::pg_catalog.timestamptz', columns ->> role);
	ELSIF t = 'timestamp'::regtype THEN
		RETURN format('((t.%I) AT TIME ZONE ''UTC'')', columns ->> role);
	END IF;
	RETURN 'NULL::pg_catalog.timestamptz';
END
$$;
COMMENT ON FUNCTION dormancy._instant_expr(regclass, jsonb, text) IS
	'internal: the instant of a bound timestamp or timestamptz column (a timestamp read in UTC), NULL for a date: what orders rows of one day';

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

-- A numeric amount as double precision, NULL when out of range: what
-- CASE WHEN x BETWEEN -1e15 AND 1e15 THEN x::float8 END gives, bit for bit,
-- without numeric::float8's printing and parsing for the common values
-- (src/amount_sql.c).  The adapters call it per order row.
CREATE FUNCTION dormancy._numeric_amount(amount numeric)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'numeric_amount'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._numeric_amount(numeric) IS
	'internal: a numeric amount as double precision, NULL when NaN, infinite or beyond +-1e15';

-- A bound numeric column as double precision (money through numeric); NULL,
-- an unknown amount, when it is out of range.
CREATE FUNCTION dormancy._number_expr(relation regclass, columns jsonb, role text)
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
	IF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'numeric'::regtype THEN
		RETURN format('dormancy._numeric_amount(t.%I)', columns ->> role);
	ELSIF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'money'::regtype THEN
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
-- Broken bindings.  A binding whose relation still exists can lose a bound
-- column (ALTER TABLE ... DROP COLUMN ... CASCADE, which also drops the
-- generated views; a rename) or see its type change to one its role does not
-- take; its relation can be dropped (DROP TABLE ... CASCADE, say to swap in
-- a rebuilt table).  Such a binding is kept and reported: rebind() and every
-- bind build the views as if it were unbound, with a WARNING; for the
-- customers and the orders, the adapter view then raises the binding's error
-- when read (so customer_status fails instead of showing every customer
-- without orders), and refresh() fails with the same error until it is bound
-- again (or unbound).  A dropped relation is recorded when it is dropped
-- (the event trigger dormancy_bindings_drop sets bindings.relation to NULL,
-- so that no stale OID is kept, dumped and restored where it may name
-- another relation); it is never replaced by a relation of the same name,
-- which any role that may create in its schema could have put there: the
-- owner binds the relation again.
--

-- The first problem of each binding, with the bind call that repairs it.
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
	FOR b IN SELECT x.source, x.relation, x.columns, x.relation_name,
					x.relation IS NOT NULL AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = x.relation) AS relation_exists
			   FROM dormancy.bindings x
			  ORDER BY x.source LOOP
		-- the relation dropped: the binding needs a relation again
		IF NOT b.relation_exists THEN
			source := b.source;
			relation := NULL;
			code := 'undefined_table';
			message := format('the %s binding is broken: its relation %s was dropped', b.source,
							  coalesce(b.relation_name, 'of unknown name'));
			hint := format('Bind the %s again: SELECT dormancy.bind_%s(%s, %s); '
						   'or remove the binding: SELECT dormancy.unbind(%L).',
						   b.source, b.source, coalesce(quote_literal(b.relation_name), '...'),
						   (SELECT string_agg(format('%s => %L', e.key, e.value), ', ' ORDER BY e.key)
							  FROM jsonb_each_text(b.columns) e),
						   b.source);
			RETURN NEXT;
			CONTINUE;
		END IF;
		FOR r IN SELECT e.key AS role, e.value AS col FROM jsonb_each_text(b.columns) e ORDER BY e.key LOOP
			BEGIN
				IF r.role IN ('ordered_at', 'starts_on', 'ends_on', 'occurred_at', 'closed_at', 'updated_at', 'contacted_at') THEN
					PERFORM dormancy._check_day_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('amount', 'seats') THEN
					PERFORM dormancy._check_number_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('discounted', 'auto_renew') THEN
					PERFORM dormancy._check_bool_column(b.relation, r.role, r.col);
				ELSIF b.source = 'outreach' AND r.role = 'campaign' THEN
					PERFORM dormancy._check_campaign_column(b.relation, r.col);
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
	'internal: the bindings whose relation was dropped, lost a bound column or changed its type, with the error and the bind call that repairs it';

-- The bindings the views are built from: relation present, columns intact.
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

-- Event trigger: a bound relation dropped (DROP TABLE, VIEW, MATERIALIZED
-- VIEW or FOREIGN TABLE, DROP SCHEMA ... CASCADE, DROP OWNED, by any role)
-- leaves its binding with no relation, the name it had kept for the repair
-- hint.  Without it the binding would keep the dropped relation's OID:
-- pg_dump writes it as a number, which in a restored cluster can name any
-- relation.  SECURITY DEFINER, because a drop by any role must be recorded:
-- it compares OIDs and runs one fixed UPDATE.  Never fails the user's DDL
-- (an error becomes a WARNING; the next build finds the OID gone and
-- records the drop itself).  Enabled ALWAYS.
CREATE FUNCTION dormancy._bound_relation_dropped()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM dormancy.bindings b, pg_event_trigger_dropped_objects() d
				WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND d.objid = b.relation::oid) THEN
		UPDATE dormancy.bindings b
		   SET relation = NULL, relation_name = format('%I.%I', d.schema_name, d.object_name)
		  FROM pg_event_trigger_dropped_objects() d
		 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND d.objid = b.relation::oid;
	END IF;
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'dormancy could not record the drop of a bound relation: %', SQLERRM
		USING HINT = 'The next bind or dormancy.rebind() finds the relation gone and reports the binding as broken.';
END
$$;
COMMENT ON FUNCTION dormancy._bound_relation_dropped() IS
	'internal: event trigger (sql_drop) recording that a bound relation was dropped: its binding keeps the name, no OID';

CREATE EVENT TRIGGER dormancy_bindings_drop ON sql_drop
	EXECUTE FUNCTION dormancy._bound_relation_dropped();
ALTER EVENT TRIGGER dormancy_bindings_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_bindings_drop IS
	'extension dormancy: records that a bound relation was dropped, so that its binding keeps no stale OID';

-- Raise the error of a broken binding (the adapter view of a broken
-- customers or orders binding calls it when read).
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

-- The tables with row-level security that a relation reads through a view
-- that is not security_invoker (the first such view on the way down, its
-- "definer"): such a view reads them as its owner, so the querying role's
-- policies do not apply.  Walks the views' dependencies in the catalogs from
-- the relation down; stop_at is not walked through (the outreach adapter
-- reads the customers' adapter, whose tables are the customers' source).
-- A function, not a recursive query in source_issues: Citus does not run a
-- recursive query beside distributed tables.
CREATE FUNCTION dormancy._row_security_bypassed(relation regclass, stop_at regclass DEFAULT NULL)
	RETURNS TABLE (definer regclass, table_name regclass)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE walk(rel, definer) AS (
		SELECT relation::oid, NULL::oid
		UNION
		SELECT d.refobjid,
			   coalesce(w.definer,
						CASE WHEN c.relkind = 'v'
								  AND NOT coalesce((SELECT o.option_value::bool
													  FROM pg_options_to_table(c.reloptions) o
													 WHERE o.option_name = 'security_invoker'), false)
							 THEN c.oid END)
		  FROM walk w
		  JOIN pg_class c ON c.oid = w.rel
		  JOIN pg_rewrite r ON r.ev_class = w.rel
		  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
						  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.rel
		 WHERE w.rel IS DISTINCT FROM stop_at::oid)
	SELECT DISTINCT w.definer::regclass, w.rel::regclass
	  FROM walk w
	  JOIN pg_class t ON t.oid = w.rel
	 WHERE w.definer IS NOT NULL AND t.relrowsecurity
$$;
COMMENT ON FUNCTION dormancy._row_security_bypassed(regclass, regclass) IS
	'internal: the tables with row-level security a relation reads through a view that is not security_invoker, with that view';

-- Warn when a bound relation is (or reads through) an ordinary view, not
-- security_invoker, over tables with row-level security: such a view reads
-- them as its owner, so the querying role's policies do not apply and a rep
-- restricted by a policy sees every row through the live views.
-- dormancy.source_issues lists the same while it stays so.  Returns how many
-- such views it warned about.
CREATE FUNCTION dormancy._warn_definer_views(source text, relation regclass)
	RETURNS integer
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	n integer := 0;
BEGIN
	FOR v IN
		SELECT b.definer, pg_get_userbyid(dv.relowner) AS owner,
			   string_agg(b.table_name::text, ', ' ORDER BY b.table_name::text) AS tables
		  FROM dormancy._row_security_bypassed(relation) b
		  JOIN pg_class dv ON dv.oid = b.definer
		 GROUP BY b.definer, dv.relowner
		 ORDER BY b.definer::text
	LOOP
		RAISE WARNING 'row-level security of % does not apply through view %', v.tables, v.definer
			USING DETAIL = format('The %s are bound to %s, which reads %s through view %s as the view''s owner (%s): '
								  'the view is not security_invoker, so a role restricted by a row security policy '
								  'on those tables sees every row in the live views.  dormancy.source_issues lists it '
								  'while it stays so.',
								  source, relation, v.tables, v.definer, v.owner),
				  HINT = format('Make the view read as the querying role: ALTER VIEW %s SET (security_invoker = true);',
								v.definer);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
COMMENT ON FUNCTION dormancy._warn_definer_views(text, regclass) IS
	'internal: warn when a bound relation reads tables with row-level security through a view that is not security_invoker';

-- The column of a binding that holds the customer id: 'id' of the customers,
-- 'customer' of every other source (dormancy.bindings.columns).
CREATE FUNCTION dormancy._binding_customer_column(source text, columns jsonb)
	RETURNS name
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (columns ->> CASE source WHEN 'customers' THEN 'id' ELSE 'customer' END)::name
$$;
COMMENT ON FUNCTION dormancy._binding_customer_column(text, jsonb) IS
	'internal: the bound column holding the customer id of a binding (id for customers, customer for the other sources)';

--
-- Store one binding and rebuild; errors from the rebuild name the binding.
CREATE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t record;
BEGIN
	INSERT INTO dormancy.bindings AS b (source, relation, columns)
	VALUES (source, relation, jsonb_strip_nulls(columns))
	ON CONFLICT ON CONSTRAINT bindings_pkey DO UPDATE
	   SET relation = excluded.relation, columns = excluded.columns,
		   bound_at = now(), bound_by = CURRENT_USER;
	-- the optional sources' customer columns must still compare with the ids;
	-- the stored value distribution described the customers bound before
	IF _bind.source IN ('customers', 'orders') THEN
		DELETE FROM dormancy.value_distribution;
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
				  HINT = CASE WHEN _bind.source IN ('customers', 'orders')
							  THEN format('Bind a view that casts one of them to the type of the other, or, to move both to ids of another type, unbind the %1$s first: SELECT dormancy.unbind(%2$L).',
										  CASE _bind.source WHEN 'customers' THEN 'orders' ELSE 'customers' END,
										  CASE _bind.source WHEN 'customers' THEN 'orders' ELSE 'customers' END)
							  ELSE 'Bind a view that casts one of them to the type of the other.' END;
	END;
	PERFORM dormancy._warn_definer_views(_bind.source, _bind.relation);
	-- a lookup of one customer reads a table without an index on its
	-- customer column whole: say so (customer_column_indexes lists them)
	FOR t IN
		SELECT x.table_name, x.column_name, x.create_index
		  FROM dormancy.customer_column_indexes x
		 WHERE x.source = _bind.source AND NOT x.indexed
		 ORDER BY x.table_name::text
	LOOP
		RAISE NOTICE '% has no index for a lookup by its customer column %', t.table_name, quote_ident(t.column_name)
			USING DETAIL = 'A lookup of one customer (customer_status WHERE customer_id = ...) reads every row of it.',
				  HINT = format('Create one: %s; dormancy.customer_column_indexes lists every bound table.', t.create_index);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._bind(text, regclass, jsonb) IS 'internal: record a binding, rebuild the views, warn about a bound view through which row-level security does not apply, and note each bound table without an index on its customer column';

-- A customer id column: a type with equality and a btree order (the views
-- join and group by the id, and the rank's ties are broken by it).
CREATE FUNCTION dormancy._check_id_column(relation regclass, role text, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type oid := (dormancy._binding_column(relation, role, col)).type_oid;
BEGIN
	-- (a built-in order: the views compare ids with the operators they see
	-- under their pinned search path, so an extension's type, such as
	-- citext, would be compared as text, case-sensitively, without a word)
	IF NOT EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
					WHERE am.amname = 'btree' AND o.opcdefault AND o.opcnamespace = 'pg_catalog'::regnamespace
					  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		PERFORM dormancy._binding_type_error(relation, role, col, format_type(id_type, NULL),
											 'a built-in type with equality, such as integer, bigint, text or uuid (for citext or another extension''s type, a view casting it, such as lower(id)::text)');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_id_column(regclass, text, name) IS
	'internal: check that a customer id column has a built-in type with equality and a btree order';

-- company: the column of an explicit company id (customers that are
-- branches of one company share it): the company is then that id, no name
-- guessing, and two customers are duplicate records only when they have
-- the same company id and the same name key.
CREATE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL, owner name DEFAULT NULL,
	company name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'id', id);
	IF bind_customers.name IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'name', bind_customers.name);
	END IF;
	IF industry IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'industry', industry);
	END IF;
	IF company_size IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company_size', company_size);
	END IF;
	IF owner IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'owner', owner);
	END IF;
	IF company IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company', company);
	END IF;
	PERFORM dormancy._bind('customers', relation,
						   jsonb_build_object('id', id, 'name', bind_customers.name,
											  'industry', industry, 'company_size', company_size,
											  'owner', owner, 'company', company));
END
$$;
COMMENT ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name, name) IS
	'bind the customers relation: id column and optional name, industry, company size, owner (sales rep) and company id columns';

-- order_id: with it, the relation holds order lines, several per order (an
-- order is the lines of one customer with one order id): the histories
-- count orders, not lines, and the large-order rule compares order totals
-- (the adapter src_history_rows, sql_src/22_adapters.sql).
CREATE FUNCTION dormancy.bind_orders(relation regclass, customer name, ordered_at name, amount name,
	category name DEFAULT NULL, discounted name DEFAULT NULL, order_id name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'customer', customer);
	PERFORM dormancy._check_day_column(relation, 'ordered_at', ordered_at);
	PERFORM dormancy._check_number_column(relation, 'amount', amount);
	IF category IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'category', category);
	END IF;
	IF discounted IS NOT NULL THEN
		PERFORM dormancy._check_bool_column(relation, 'discounted', discounted);
	END IF;
	IF order_id IS NOT NULL THEN
		PERFORM dormancy._check_id_column(relation, 'order_id', order_id);
	END IF;
	PERFORM dormancy._bind('orders', relation,
						   jsonb_build_object('customer', customer, 'ordered_at', ordered_at,
											  'amount', amount, 'category', category,
											  'discounted', discounted, 'order_id', order_id));
END
$$;
COMMENT ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name, name) IS
	'bind the orders relation: customer, order time and amount columns, optional category, discounted flag and order id (order lines)';

CREATE FUNCTION dormancy.unbind(source text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM dormancy.bindings b WHERE b.source = unbind.source;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'source "%" is not bound', source
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'See dormancy.bindings for what is bound.';
	END IF;
	-- the stored value distribution described the customers bound before
	IF unbind.source IN ('customers', 'orders') THEN
		DELETE FROM dormancy.value_distribution;
	END IF;
	PERFORM dormancy._build_views();
END
$$;
COMMENT ON FUNCTION dormancy.unbind(text) IS
	'remove a binding (customers or orders); its views become empty views of the same shape';

CREATE FUNCTION dormancy.rebind()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._build_views();
	PERFORM dormancy._warn_definer_views(b.source, b.relation)
	   FROM (SELECT x.source, x.relation FROM dormancy._usable_bindings() x ORDER BY x.source) b;
END
$$;
COMMENT ON FUNCTION dormancy.rebind() IS
	'recreate the generated views from dormancy.bindings (after pg_restore, or after a bound relation was altered), warning about bound views through which row-level security does not apply';

-- nobody but the owner binds or rebuilds
REVOKE ALL ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.unbind(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.rebind() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._bind(text, regclass, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._binding_problems() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._usable_bindings() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._bound_relation_dropped() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._broken_binding(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._warn_definer_views(text, regclass) FROM PUBLIC;
