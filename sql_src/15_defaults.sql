--
-- Installed defaults of the editable tables (rules, mappings, reason and
-- approach rules, message themes, legal forms): one mechanism for all.
--
-- Each table has a column "installed", true while a row is an unedited
-- default of CREATE EXTENSION.  pg_dump keeps the other rows
-- (pg_extension_config_dump ... 'WHERE NOT installed'), and triggers keep a
-- restore sound: a written row is the user's, and replaces an unedited
-- default with the same key (or the same primary key) instead of clashing
-- with it; deleting a default (or changing its key) leaves a note in
-- removed_defaults (dumped), which removes the reinstalled default again on
-- restore.  Keys compare by dormancy.label_key (NFKC, lower case, blanks
-- trimmed and collapsed).
-- A key is one column (event_kinds.source_kind: label_key of the value) or several (rules: industry and company_size, either NULL for
-- any: a JSON array of the values so, NULL as null, e.g. ["ec", null]).
--

CREATE TABLE dormancy.installed_defaults (
	table_name name NOT NULL,
	key text NOT NULL,
	key_columns name[] NOT NULL,
	row_data jsonb NOT NULL,
	PRIMARY KEY (table_name, key)
);
COMMENT ON TABLE dormancy.installed_defaults IS
	'the rows the extension installs in its editable tables (reference for reset_defaults(); not dumped, CREATE EXTENSION fills it)';
COMMENT ON COLUMN dormancy.installed_defaults.table_name IS 'the table in schema dormancy';
COMMENT ON COLUMN dormancy.installed_defaults.key IS
	'the row''s key: label_key of its key column; of several key columns, a JSON array of them so (NULL as null)';
COMMENT ON COLUMN dormancy.installed_defaults.key_columns IS 'the key columns of the table, in key order';
COMMENT ON COLUMN dormancy.installed_defaults.row_data IS 'the row as installed';

CREATE TABLE dormancy.removed_defaults (
	table_name name NOT NULL,
	key text NOT NULL,
	removed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (table_name, key)
);
COMMENT ON TABLE dormancy.removed_defaults IS
	'installed defaults the user deleted (or re-keyed), so a restore does not bring them back';
COMMENT ON COLUMN dormancy.removed_defaults.table_name IS 'the table in schema dormancy';
COMMENT ON COLUMN dormancy.removed_defaults.key IS 'key of the removed default, as in installed_defaults.key';
COMMENT ON COLUMN dormancy.removed_defaults.removed_at IS 'when it was removed';
SELECT pg_catalog.pg_extension_config_dump('dormancy.removed_defaults', '');

CREATE FUNCTION dormancy._default_key(value text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.label_key(value);
COMMENT ON FUNCTION dormancy._default_key(text) IS 'internal: the comparison key of an editable row (dormancy.label_key)';

-- The key of a row (given as jsonb) of a table with these key columns: one
-- column's value by label_key, or a JSON array of several so.
-- (The triggers pass TG_ARGV, whose first element is at 0.)
CREATE FUNCTION dormancy._default_row_key(row_data jsonb, key_columns name[])
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN cardinality(key_columns) = 1
				THEN dormancy._default_key(row_data ->> key_columns[array_lower(key_columns, 1)])
				ELSE (SELECT jsonb_agg(to_jsonb(dormancy._default_key(row_data ->> c)) ORDER BY o)
						FROM unnest(key_columns) WITH ORDINALITY AS k(c, o))::text
		   END;
COMMENT ON FUNCTION dormancy._default_row_key(jsonb, name[]) IS
	'internal: the key of an editable row: label_key of its key column, or a JSON array of several so';

-- The primary key of a row (given as jsonb) of an editable table, as a jsonb
-- object (to find a row by it); NULL for a table without one.
CREATE FUNCTION dormancy._default_identity(tbl regclass, row_data jsonb)
	RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT jsonb_object_agg(a.attname, row_data -> a.attname)
			  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			 WHERE i.indrelid = tbl AND i.indisprimary);
COMMENT ON FUNCTION dormancy._default_identity(regclass, jsonb) IS
	'internal: the primary key of an editable row as a jsonb object (NULL without a primary key)';

-- BEFORE INSERT OR UPDATE: the row becomes the user's and replaces an
-- unedited default with the same key; an inserted row also one with the same
-- primary key (rules: a dumped edit of a default whose segment changed keeps
-- the default's rule_id).  The trigger arguments name the key columns.
CREATE FUNCTION dormancy._defaults_before_write() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[] := TG_ARGV::name[];
	new_key text := dormancy._default_row_key(to_jsonb(NEW), key_columns);
	old_key text;
	same_id jsonb;
BEGIN
	NEW.installed := false;
	IF TG_OP = 'UPDATE' THEN
		old_key := dormancy._default_row_key(to_jsonb(OLD), key_columns);
	ELSE
		same_id := dormancy._default_identity(TG_RELID, to_jsonb(NEW));
	END IF;
	IF TG_OP = 'INSERT' OR old_key IS DISTINCT FROM new_key THEN
		EXECUTE format('DELETE FROM %I.%I t WHERE t.installed '
					   'AND (dormancy._default_row_key(to_jsonb(t), $2) = $1 OR to_jsonb(t) @> $3)',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME)
			USING new_key, key_columns, same_id;
		DELETE FROM dormancy.removed_defaults r WHERE r.table_name = TG_TABLE_NAME AND r.key = new_key;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_before_write() IS
	'internal: a written row is the user''s and replaces an unedited default with the same key';

-- AFTER UPDATE OR DELETE: remember a default key that is gone (only for the
-- user's own statements, not for the deletions the triggers make).
CREATE FUNCTION dormancy._defaults_after_change() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[] := TG_ARGV::name[];
	old_key text := dormancy._default_row_key(to_jsonb(OLD), key_columns);
BEGIN
	IF pg_trigger_depth() = 1
	   AND (TG_OP = 'DELETE' OR old_key IS DISTINCT FROM dormancy._default_row_key(to_jsonb(NEW), key_columns)) THEN
		INSERT INTO dormancy.removed_defaults (table_name, key)
		SELECT TG_TABLE_NAME, old_key
		 WHERE EXISTS (SELECT 1 FROM dormancy.installed_defaults d
						WHERE d.table_name = TG_TABLE_NAME AND d.key = old_key)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_after_change() IS
	'internal: remember a deleted or re-keyed default, so a restore does not bring it back';

-- AFTER TRUNCATE: every default of the table is gone (TRUNCATE fires no row
-- trigger: without these notes a restore brought them all back).
CREATE FUNCTION dormancy._defaults_after_truncate() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.removed_defaults (table_name, key)
	SELECT TG_TABLE_NAME, d.key FROM dormancy.installed_defaults d WHERE d.table_name = TG_TABLE_NAME
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_after_truncate() IS
	'internal: remember that a TRUNCATE removed every default of an editable table, so a restore does not bring them back';

-- AFTER INSERT on removed_defaults: a restored note removes the reinstalled default.
CREATE FUNCTION dormancy._removed_defaults_after_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[];
BEGIN
	SELECT d.key_columns INTO key_columns FROM dormancy.installed_defaults d
	 WHERE d.table_name = NEW.table_name LIMIT 1;
	IF key_columns IS NOT NULL THEN
		EXECUTE format('DELETE FROM dormancy.%I t WHERE t.installed AND dormancy._default_row_key(to_jsonb(t), $2) = $1',
					   NEW.table_name)
			USING NEW.key, key_columns;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._removed_defaults_after_insert() IS
	'internal: a restored note of a removed default removes the reinstalled default';
CREATE TRIGGER removed_defaults_after_insert AFTER INSERT ON dormancy.removed_defaults
	FOR EACH ROW EXECUTE FUNCTION dormancy._removed_defaults_after_insert();

-- Make the current rows of an editable table its installed defaults: record
-- them, add the triggers, and register the table with pg_dump.  Used by the
-- install script only.
CREATE FUNCTION dormancy._install_defaults(tbl regclass, key_columns name[])
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	table_name name := (SELECT c.relname FROM pg_class c WHERE c.oid = tbl);
	arguments text := (SELECT string_agg(quote_literal(k.c), ', ' ORDER BY k.o)
						 FROM unnest(key_columns) WITH ORDINALITY AS k(c, o));
BEGIN
	EXECUTE format('UPDATE %s SET installed = true', tbl);
	EXECUTE format('INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data) '
				   'SELECT %L, dormancy._default_row_key(to_jsonb(t), $1), $1, to_jsonb(t) FROM %s t',
				   table_name, tbl)
		USING key_columns;
	EXECUTE format('CREATE TRIGGER defaults_before_write BEFORE INSERT OR UPDATE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_before_write(%s)', tbl, arguments);
	EXECUTE format('CREATE TRIGGER defaults_after_change AFTER UPDATE OR DELETE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_after_change(%s)', tbl, arguments);
	EXECUTE format('CREATE TRIGGER defaults_after_truncate AFTER TRUNCATE ON %s '
				   'FOR EACH STATEMENT EXECUTE FUNCTION dormancy._defaults_after_truncate()', tbl);
	PERFORM pg_catalog.pg_extension_config_dump(tbl, 'WHERE NOT installed');
END
$$;
COMMENT ON FUNCTION dormancy._install_defaults(regclass, name[]) IS
	'internal: make the rows of an editable table its installed defaults, keyed by these columns (install script)';

CREATE FUNCTION dormancy._install_defaults(tbl regclass, key_column name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._install_defaults(tbl, ARRAY[key_column]);
END
$$;
COMMENT ON FUNCTION dormancy._install_defaults(regclass, name) IS
	'internal: make the rows of an editable table its installed defaults (install script)';

CREATE FUNCTION dormancy.reset_defaults(tbl regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tname name := (SELECT c.relname FROM pg_class c
						 WHERE c.oid = tbl AND c.relnamespace = 'dormancy'::regnamespace);
	key_columns name[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM dormancy.installed_defaults d WHERE d.table_name = tname) THEN
		RAISE EXCEPTION '% has no installed defaults', tbl
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The tables with defaults are listed in dormancy.installed_defaults.';
	END IF;
	SELECT d.key_columns INTO key_columns FROM dormancy.installed_defaults d
	 WHERE d.table_name = tname LIMIT 1;
	-- the rows with a default's key give way to the defaults, and so do those
	-- with a default's primary key (a default moved to another key: rules
	-- keep their rule_id); two statements, each a hash join
	EXECUTE format('DELETE FROM %s t USING dormancy.installed_defaults d '
				   'WHERE d.table_name = %L AND d.key = dormancy._default_row_key(to_jsonb(t), $1)',
				   tbl, tname)
		USING key_columns;
	EXECUTE format('DELETE FROM %s t USING dormancy.installed_defaults d '
				   'WHERE d.table_name = %L '
				   'AND dormancy._default_identity(%L, to_jsonb(t)) = dormancy._default_identity(%L, d.row_data)',
				   tbl, tname, tbl, tbl);
	DELETE FROM dormancy.removed_defaults r WHERE r.table_name = tname;
	EXECUTE format('ALTER TABLE %s DISABLE TRIGGER defaults_before_write', tbl);
	EXECUTE format('INSERT INTO %s SELECT r.* FROM dormancy.installed_defaults d, '
				   'jsonb_populate_record(NULL::%s, d.row_data) r WHERE d.table_name = %L',
				   tbl, tbl, tname);
	EXECUTE format('ALTER TABLE %s ENABLE TRIGGER defaults_before_write', tbl);
END
$$;
COMMENT ON FUNCTION dormancy.reset_defaults(regclass) IS
	'restore the installed default rows of an editable table (rules, industries, company_sizes, event_kinds, deal_outcomes, deal_reasons, price_change_kinds, reason_rules, message_themes, approach_rules, legal_forms), replacing the rows with their keys, keeping the user''s other rows';
REVOKE ALL ON FUNCTION dormancy.reset_defaults(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._install_defaults(regclass, name) FROM PUBLIC;

--
-- Rules (10_rules.sql, older than this file): their defaults, keyed by
-- segment.  0.3.0 kept them apart, in its own tables default_rules and
-- removed_default_rules: default_rules stays as a read-only reference,
-- removed_default_rules as the place where a dump of 0.3.0 puts its notes.
--
SELECT dormancy._install_defaults('dormancy.rules', ARRAY['industry', 'company_size']::name[]);

-- Materialized, not a plain view: installed_defaults changes only with
-- CREATE EXTENSION or an update (which refreshes it when the default rules
-- change), and the views of schema dormancy are the generated ones.
CREATE MATERIALIZED VIEW dormancy.default_rules AS
SELECT r.*
  FROM dormancy.installed_defaults d, jsonb_populate_record(NULL::dormancy.rules, d.row_data) r
 WHERE d.table_name = 'rules';
COMMENT ON MATERIALIZED VIEW dormancy.default_rules IS
	'the rules the extension installs (read-only reference; edit dormancy.rules; the rows of installed_defaults for rules)';
COMMENT ON COLUMN dormancy.default_rules.rule_id IS 'rule_id of the installed copy';
COMMENT ON COLUMN dormancy.default_rules.industry IS 'industry, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.company_size IS 'company size, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.at_risk_after IS 'default at-risk threshold';
COMMENT ON COLUMN dormancy.default_rules.dormant_after IS 'default dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.long_dormant_after IS 'default long-dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.min_order_amount IS 'default minimum order amount';
COMMENT ON COLUMN dormancy.default_rules.note IS 'where the thresholds come from';
COMMENT ON COLUMN dormancy.default_rules.installed IS 'always true';
COMMENT ON COLUMN dormancy.default_rules.use_contract_end IS 'default of use_contract_end';

-- A dump of 0.3.0 carries the deleted default rules as rows of its table
-- removed_default_rules: they land here and go on to removed_defaults (the
-- table stays empty, and is not dumped).
CREATE TABLE dormancy.removed_default_rules (
	industry_key text NOT NULL,
	size_key text NOT NULL,
	removed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (industry_key, size_key)
);
COMMENT ON TABLE dormancy.removed_default_rules IS
	'where a dump of 0.3.0 restores its deleted default rules: each row goes on to removed_defaults (always empty)';
COMMENT ON COLUMN dormancy.removed_default_rules.industry_key IS 'lower-cased industry of the deleted default, empty for any';
COMMENT ON COLUMN dormancy.removed_default_rules.size_key IS 'lower-cased company size of the deleted default, empty for any';
COMMENT ON COLUMN dormancy.removed_default_rules.removed_at IS 'when it was deleted';

CREATE FUNCTION dormancy._removed_default_rules_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.removed_defaults (table_name, key, removed_at)
	VALUES ('rules',
			dormancy._default_row_key(jsonb_build_object('industry', nullif(NEW.industry_key, ''),
														 'company_size', nullif(NEW.size_key, '')),
									  ARRAY['industry', 'company_size']::name[]),
			NEW.removed_at)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._removed_default_rules_insert() IS
	'internal: a deleted default rule restored from a dump of 0.3.0 goes on to removed_defaults';
CREATE TRIGGER removed_default_rules_insert BEFORE INSERT ON dormancy.removed_default_rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._removed_default_rules_insert();
