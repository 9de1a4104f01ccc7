--
-- Installed defaults of editable tables (mappings, rules, legal forms)
--
-- Like dormancy.rules: each table has a column "installed", true while a
-- row is an unedited default of CREATE EXTENSION.  pg_dump keeps the other
-- rows (pg_extension_config_dump ... 'WHERE NOT installed'), and triggers
-- keep a restore sound: a written row is the user's, and replaces an
-- unedited default with the same key instead of clashing with it; deleting
-- a default (or changing its key) leaves a note in removed_defaults (dumped),
-- which removes the reinstalled default again on restore.  Keys compare
-- case-insensitively with surrounding blanks ignored.
--

CREATE TABLE dormancy.installed_defaults (
	table_name name NOT NULL,
	key text NOT NULL,
	key_column name NOT NULL,
	row_data jsonb NOT NULL,
	PRIMARY KEY (table_name, key)
);
COMMENT ON TABLE dormancy.installed_defaults IS
	'the rows the extension installs in its editable tables (reference for reset_defaults(); not dumped, CREATE EXTENSION fills it)';
COMMENT ON COLUMN dormancy.installed_defaults.table_name IS 'the table in schema dormancy';
COMMENT ON COLUMN dormancy.installed_defaults.key IS 'the row''s key, lower-cased and trimmed';
COMMENT ON COLUMN dormancy.installed_defaults.key_column IS 'the key column of the table';
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
COMMENT ON COLUMN dormancy.removed_defaults.key IS 'key of the removed default, lower-cased and trimmed';
COMMENT ON COLUMN dormancy.removed_defaults.removed_at IS 'when it was removed';
SELECT pg_catalog.pg_extension_config_dump('dormancy.removed_defaults', '');

CREATE FUNCTION dormancy._default_key(value text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN lower(btrim(value));
COMMENT ON FUNCTION dormancy._default_key(text) IS 'internal: the comparison key of an editable row (lower-cased, trimmed)';

-- BEFORE INSERT OR UPDATE: the row becomes the user's and replaces an
-- unedited default with the same key.  TG_ARGV[0] names the key column.
CREATE FUNCTION dormancy._defaults_before_write() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_column text := TG_ARGV[0];
	new_key text := dormancy._default_key(to_jsonb(NEW) ->> key_column);
	old_key text;
BEGIN
	NEW.installed := false;
	IF TG_OP = 'UPDATE' THEN
		old_key := dormancy._default_key(to_jsonb(OLD) ->> key_column);
	END IF;
	IF TG_OP = 'INSERT' OR old_key IS DISTINCT FROM new_key THEN
		EXECUTE format('DELETE FROM %I.%I t WHERE t.installed AND dormancy._default_key(t.%I::text) = $1',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME, key_column)
			USING new_key;
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
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_column text := TG_ARGV[0];
	old_key text := dormancy._default_key(to_jsonb(OLD) ->> key_column);
BEGIN
	IF pg_trigger_depth() = 1
	   AND (TG_OP = 'DELETE' OR old_key IS DISTINCT FROM dormancy._default_key(to_jsonb(NEW) ->> key_column)) THEN
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

-- AFTER INSERT on removed_defaults: a restored note removes the reinstalled default.
CREATE FUNCTION dormancy._removed_defaults_after_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_column name;
BEGIN
	SELECT d.key_column INTO key_column FROM dormancy.installed_defaults d
	 WHERE d.table_name = NEW.table_name LIMIT 1;
	IF key_column IS NOT NULL THEN
		EXECUTE format('DELETE FROM dormancy.%I t WHERE t.installed AND dormancy._default_key(t.%I::text) = $1',
					   NEW.table_name, key_column)
			USING NEW.key;
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
CREATE FUNCTION dormancy._install_defaults(tbl regclass, key_column name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	table_name name := (SELECT c.relname FROM pg_class c WHERE c.oid = tbl);
BEGIN
	EXECUTE format('UPDATE %s SET installed = true', tbl);
	EXECUTE format('INSERT INTO dormancy.installed_defaults (table_name, key, key_column, row_data) '
				   'SELECT %L, dormancy._default_key(t.%I::text), %L, to_jsonb(t) FROM %s t',
				   table_name, key_column, key_column, tbl);
	EXECUTE format('CREATE TRIGGER defaults_before_write BEFORE INSERT OR UPDATE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_before_write(%L)', tbl, key_column);
	EXECUTE format('CREATE TRIGGER defaults_after_change AFTER UPDATE OR DELETE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_after_change(%L)', tbl, key_column);
	PERFORM pg_catalog.pg_extension_config_dump(tbl, 'WHERE NOT installed');
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
	key_column text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM dormancy.installed_defaults d WHERE d.table_name = tname) THEN
		RAISE EXCEPTION '% has no installed defaults', tbl
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The tables with defaults are listed in dormancy.installed_defaults.';
	END IF;
	SELECT d.key_column INTO key_column FROM dormancy.installed_defaults d
	 WHERE d.table_name = tname LIMIT 1;
	EXECUTE format('DELETE FROM %s t USING dormancy.installed_defaults d '
				   'WHERE d.table_name = %L AND d.key = dormancy._default_key(t.%I::text)',
				   tbl, tname, key_column);
	DELETE FROM dormancy.removed_defaults r WHERE r.table_name = tname;
	EXECUTE format('ALTER TABLE %s DISABLE TRIGGER defaults_before_write', tbl);
	EXECUTE format('INSERT INTO %s SELECT r.* FROM dormancy.installed_defaults d, '
				   'jsonb_populate_record(NULL::%s, d.row_data) r WHERE d.table_name = %L',
				   tbl, tbl, tname);
	EXECUTE format('ALTER TABLE %s ENABLE TRIGGER defaults_before_write', tbl);
END
$$;
COMMENT ON FUNCTION dormancy.reset_defaults(regclass) IS
	'restore the installed default rows of an editable table (event_kinds, deal_outcomes, deal_reasons, reason_rules, message_themes, approach_rules, legal_forms), keeping the user''s other rows';
REVOKE ALL ON FUNCTION dormancy.reset_defaults(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._install_defaults(regclass, name) FROM PUBLIC;
