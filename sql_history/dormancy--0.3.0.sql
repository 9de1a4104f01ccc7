-- from sql_src/00_base.sql
-- dormancy--0.3.0.sql: built from the files in sql_src/; edit those, not this file

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION dormancy" to load this file. \quit

COMMENT ON SCHEMA dormancy IS 'dormant customer detection (extension dormancy)';

--
-- Settings: the as-of instant and the calendar day it falls on
--

-- STABLE, not IMMUTABLE: they read the dormancy.as_of and dormancy.time_zone settings
CREATE FUNCTION dormancy.as_of() RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'dormancy_as_of'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.as_of() IS
	'the instant that counts as now: dormancy.as_of when set, else the transaction start';

CREATE FUNCTION dormancy.as_of_day() RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_as_of_day'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.as_of_day() IS
	'the calendar day of dormancy.as_of() in dormancy.time_zone';

CREATE FUNCTION dormancy.local_day(timestamptz) RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_local_day'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.local_day(timestamptz) IS
	'the calendar day of an instant in dormancy.time_zone';

--
-- Type purchase_history
--

CREATE TYPE dormancy.purchase_history;

CREATE FUNCTION dormancy.purchase_history_in(cstring) RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_out(dormancy.purchase_history) RETURNS cstring
	AS 'MODULE_PATHNAME', 'purchase_history_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_recv(internal) RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_send(dormancy.purchase_history) RETURNS bytea
	AS 'MODULE_PATHNAME', 'purchase_history_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE dormancy.purchase_history (
	INPUT = dormancy.purchase_history_in,
	OUTPUT = dormancy.purchase_history_out,
	RECEIVE = dormancy.purchase_history_recv,
	SEND = dormancy.purchase_history_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE dormancy.purchase_history IS
	'one customer''s orders folded into distinct order days (orders, refunds, net amount, largest order)';
COMMENT ON FUNCTION dormancy.purchase_history_in(cstring) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_out(dormancy.purchase_history) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_recv(internal) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_send(dormancy.purchase_history) IS 'I/O';

-- Not strict: NULL is a customer without orders, so the other side is the answer.
CREATE FUNCTION dormancy.purchase_history_merge(dormancy.purchase_history, dormancy.purchase_history)
	RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_merge'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.purchase_history_merge(dormancy.purchase_history, dormancy.purchase_history) IS
	'merge two histories (a stored history absorbing new orders); NULL counts as empty';

CREATE FUNCTION dormancy.purchase_history_days(h dormancy.purchase_history,
	OUT day date, OUT orders integer, OUT refunds integer,
	OUT unknown_amount_orders integer, OUT discounted_orders integer,
	OUT amount double precision, OUT max_order double precision,
	OUT is_purchase_day boolean)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'purchase_history_days'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION dormancy.purchase_history_days(dormancy.purchase_history) IS
	'the days stored in a history, one row each';

--
-- Aggregate purchase_history(ordered_at, amount [, discounted])
--

-- Transition functions are not strict: the first call has a NULL state, and
-- NULL order times or amounts are handled (skipped, or counted as unknown).
-- The timestamptz one is STABLE: it reads dormancy.time_zone.
CREATE FUNCTION dormancy.purchase_history_trans(internal, date, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_date'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_trans(internal, date, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_date'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'purchase_history_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_final(internal)
	RETURNS dormancy.purchase_history AS 'MODULE_PATHNAME', 'purchase_history_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, date, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, date, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION dormancy.purchase_history_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION dormancy.purchase_history_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION dormancy.purchase_history_final(internal) IS 'aggregate final function';

CREATE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE dormancy.purchase_history(date, double precision) IS
	'fold orders into a purchase history (the date is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(date, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the date is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamp, double precision) IS
	'fold orders into a purchase history (the date part is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamp, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the date part is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamptz, double precision) IS
	'fold orders into a purchase history (the day in dormancy.time_zone)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamptz, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the day in dormancy.time_zone)';

-- Union of histories: same state, combine, serialize and final as above.
CREATE FUNCTION dormancy.purchase_history_union_trans(internal, dormancy.purchase_history)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_union_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.purchase_history_union_trans(internal, dormancy.purchase_history) IS 'aggregate transition function';
CREATE AGGREGATE dormancy.purchase_history_union(dormancy.purchase_history) (
	SFUNC = dormancy.purchase_history_union_trans, STYPE = internal, SSPACE = 400,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.purchase_history_union(dormancy.purchase_history) IS
	'merge many histories into one (per customer from per-category histories, or duplicates of one customer)';

--
-- First-release figures and the state ladder
--

CREATE TYPE dormancy.history_summary AS (
	first_order_at date,
	last_order_at date,
	last_qualifying_order_at date,
	orders_count bigint,
	order_days integer,
	total_amount double precision,
	unknown_amount_orders integer,
	refunds integer,
	discounted_days integer
);
COMMENT ON TYPE dormancy.history_summary IS 'figures of a purchase history up to an as-of day';

-- Not strict in h: a NULL history is a customer without orders (zero counts).
CREATE FUNCTION dormancy.history_summary(h dormancy.purchase_history, as_of date,
	min_order_amount double precision DEFAULT 0)
	RETURNS dormancy.history_summary
	AS 'MODULE_PATHNAME', 'history_summary'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.history_summary(dormancy.purchase_history, date, double precision) IS
	'first, last and last qualifying purchase day, order count, purchase days and net amount up to as_of';

-- Not strict in the last order: NULL means never_purchased.
CREATE FUNCTION dormancy.dormancy_state(last_order date, as_of date,
	at_risk_after interval, dormant_after interval, long_dormant_after interval)
	RETURNS text
	AS 'MODULE_PATHNAME', 'dormancy_state'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.dormancy_state(date, date, interval, interval, interval) IS
	'active, at_risk, dormant, long_dormant or never_purchased: the deepest threshold reached by last_order + threshold <= as_of';

-- from sql_src/10_rules.sql
--
-- Rules: dormancy thresholds per industry and company size
--

CREATE TABLE dormancy.rules (
	rule_id serial PRIMARY KEY,
	industry text,
	company_size text,
	at_risk_after interval NOT NULL,
	dormant_after interval NOT NULL,
	long_dormant_after interval NOT NULL,
	min_order_amount numeric NOT NULL DEFAULT 0,
	note text,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT rules_thresholds_positive CHECK (at_risk_after > interval '0'),
	CONSTRAINT rules_thresholds_ordered CHECK (at_risk_after < dormant_after AND dormant_after < long_dormant_after),
	CONSTRAINT rules_no_negative_parts CHECK (
		extract(month FROM at_risk_after) >= 0 AND extract(day FROM at_risk_after) >= 0 AND
		extract(month FROM dormant_after) >= 0 AND extract(day FROM dormant_after) >= 0 AND
		extract(month FROM long_dormant_after) >= 0 AND extract(day FROM long_dormant_after) >= 0),
	CONSTRAINT rules_min_order_amount_nonnegative CHECK (min_order_amount >= 0),
	-- numeric takes 'NaN' and 'Infinity', which compare above every number
	CONSTRAINT rules_min_order_amount_finite CHECK (min_order_amount < 'Infinity'),
	CONSTRAINT rules_industry_not_blank CHECK (industry IS NULL OR btrim(industry) <> ''),
	CONSTRAINT rules_company_size_not_blank CHECK (company_size IS NULL OR btrim(company_size) <> '')
);
-- one rule per (industry, size), matched case-insensitively; NULL means any
CREATE UNIQUE INDEX rules_segment_key ON dormancy.rules
	((lower(btrim(coalesce(industry, '')))), (lower(btrim(coalesce(company_size, '')))));

COMMENT ON TABLE dormancy.rules IS
	'dormancy thresholds per industry and company size; NULL matches any; the most specific rule wins';
COMMENT ON COLUMN dormancy.rules.rule_id IS 'surrogate key';
COMMENT ON COLUMN dormancy.rules.industry IS 'customer industry this rule applies to (case-insensitive), NULL for any';
COMMENT ON COLUMN dormancy.rules.company_size IS 'customer company size this rule applies to (case-insensitive), NULL for any';
COMMENT ON COLUMN dormancy.rules.at_risk_after IS 'time since the last qualifying order after which a customer is at risk';
COMMENT ON COLUMN dormancy.rules.dormant_after IS 'time since the last qualifying order after which a customer is dormant';
COMMENT ON COLUMN dormancy.rules.long_dormant_after IS 'time since the last qualifying order after which a customer is long dormant';
COMMENT ON COLUMN dormancy.rules.min_order_amount IS 'only orders of at least this amount count when measuring recency (large-order rule)';
COMMENT ON COLUMN dormancy.rules.note IS 'where the thresholds come from';
COMMENT ON COLUMN dormancy.rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

-- The defaults, kept apart too so that reset_rules() and pg_dump know them.
CREATE TABLE dormancy.default_rules (LIKE dormancy.rules INCLUDING DEFAULTS);
ALTER TABLE dormancy.default_rules ADD CONSTRAINT default_rules_min_order_amount_finite
	CHECK (min_order_amount >= 0 AND min_order_amount < 'Infinity');
COMMENT ON TABLE dormancy.default_rules IS 'the rules the extension installs (read-only reference; edit dormancy.rules)';
COMMENT ON COLUMN dormancy.default_rules.rule_id IS 'rule_id of the installed copy';
COMMENT ON COLUMN dormancy.default_rules.industry IS 'industry, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.company_size IS 'company size, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.at_risk_after IS 'default at-risk threshold';
COMMENT ON COLUMN dormancy.default_rules.dormant_after IS 'default dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.long_dormant_after IS 'default long-dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.min_order_amount IS 'default minimum order amount';
COMMENT ON COLUMN dormancy.default_rules.note IS 'where the thresholds come from';
COMMENT ON COLUMN dormancy.default_rules.installed IS 'always true';

INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount, note) VALUES
	(NULL, NULL, '6 months', '1 year', '2 years', 0,
	 'default ladder: 6 months at risk, 1 year dormant, 2 years long dormant'),
	('consumables', NULL, '3 months', '6 months', '1 year', 0,
	 'consumables: dormant after 6 months; at risk at half, long dormant at twice'),
	('it_services', NULL, '6 months', '1 year', '2 years', 0,
	 'IT services / SaaS: dormant after 1 year without renewal'),
	('manufacturing', NULL, '1 year', '2 years', '4 years', 0,
	 'manufacturing: dormant after 2 years without a large order; set min_order_amount to your large-order size'),
	('ec', NULL, '3 months', '1 year', '2 years', 0,
	 'EC / mail order: 3 months since the last purchase is a warning, 1 year since the last use is dormant'),
	(NULL, 'smb', '3 months', '6 months', '1 year', 0,
	 'small and medium business: dormant after 3 to 6 months'),
	(NULL, 'enterprise', '1 year', '2 years', '4 years', 0,
	 'large enterprise: dormant after 1 to 2 years');

UPDATE dormancy.rules SET installed = true;
INSERT INTO dormancy.default_rules SELECT * FROM dormancy.rules;

--
-- pg_dump keeps user edits and added rules, not the unedited defaults (which
-- CREATE EXTENSION installs again on restore).  The triggers keep that sound:
--  - an edited default row stops being "installed", so it is dumped;
--  - a restored (or newly inserted) row replaces an unedited default of the
--    same segment or id instead of clashing with it;
--  - deleting a default leaves a note in removed_default_rules (dumped), and
--    restoring that note removes the reinstalled default again.
--
CREATE TABLE dormancy.removed_default_rules (
	industry_key text NOT NULL,
	size_key text NOT NULL,
	removed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (industry_key, size_key)
);
COMMENT ON TABLE dormancy.removed_default_rules IS 'default rules the user deleted, so a restore does not bring them back';
COMMENT ON COLUMN dormancy.removed_default_rules.industry_key IS 'lower-cased industry of the deleted default, empty for any';
COMMENT ON COLUMN dormancy.removed_default_rules.size_key IS 'lower-cased company size of the deleted default, empty for any';
COMMENT ON COLUMN dormancy.removed_default_rules.removed_at IS 'when it was deleted';

CREATE FUNCTION dormancy._rules_before_write() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.installed := false;
	IF TG_OP = 'INSERT' THEN
		DELETE FROM dormancy.rules r
		 WHERE r.installed
		   AND (r.rule_id = NEW.rule_id
				OR (lower(btrim(coalesce(r.industry, ''))) = lower(btrim(coalesce(NEW.industry, '')))
					AND lower(btrim(coalesce(r.company_size, ''))) = lower(btrim(coalesce(NEW.company_size, '')))));
		DELETE FROM dormancy.removed_default_rules d
		 WHERE d.industry_key = lower(btrim(coalesce(NEW.industry, '')))
		   AND d.size_key = lower(btrim(coalesce(NEW.company_size, '')));
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._rules_before_write() IS 'internal: a written rule is the user''s and replaces an unedited default';

CREATE FUNCTION dormancy._rules_after_delete() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.removed_default_rules (industry_key, size_key)
	SELECT lower(btrim(coalesce(d.industry, ''))), lower(btrim(coalesce(d.company_size, '')))
	  FROM dormancy.default_rules d
	 WHERE lower(btrim(coalesce(d.industry, ''))) = lower(btrim(coalesce(OLD.industry, '')))
	   AND lower(btrim(coalesce(d.company_size, ''))) = lower(btrim(coalesce(OLD.company_size, '')))
	ON CONFLICT DO NOTHING;
	RETURN OLD;
END
$$;
COMMENT ON FUNCTION dormancy._rules_after_delete() IS 'internal: remember a deleted default rule';

CREATE FUNCTION dormancy._removed_default_after_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM dormancy.rules r
	 WHERE r.installed
	   AND lower(btrim(coalesce(r.industry, ''))) = NEW.industry_key
	   AND lower(btrim(coalesce(r.company_size, ''))) = NEW.size_key;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._removed_default_after_insert() IS 'internal: a restored deletion note removes the reinstalled default';

CREATE TRIGGER rules_before_write BEFORE INSERT OR UPDATE ON dormancy.rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._rules_before_write();
CREATE TRIGGER rules_after_delete AFTER DELETE ON dormancy.rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._rules_after_delete();
CREATE TRIGGER removed_default_after_insert AFTER INSERT ON dormancy.removed_default_rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._removed_default_after_insert();

SELECT pg_catalog.pg_extension_config_dump('dormancy.rules', 'WHERE NOT installed');
SELECT pg_catalog.pg_extension_config_dump('dormancy.removed_default_rules', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.rules_rule_id_seq', '');

-- The rule for one customer: industry match beats size match beats the catch-all.
CREATE FUNCTION dormancy.rule_for(industry text, company_size text)
	RETURNS dormancy.rules
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT r FROM dormancy.rules r
			WHERE (r.industry IS NULL OR lower(btrim(r.industry)) = lower(btrim(rule_for.industry)))
			  AND (r.company_size IS NULL OR lower(btrim(r.company_size)) = lower(btrim(rule_for.company_size)))
			ORDER BY r.industry IS NULL, r.company_size IS NULL
			LIMIT 1);
COMMENT ON FUNCTION dormancy.rule_for(text, text) IS
	'the most specific rule for an industry and company size: both > industry only > size only > catch-all';
COMMENT ON SEQUENCE dormancy.rules_rule_id_seq IS 'generates dormancy.rules.rule_id';

-- Put the installed defaults back (user rules for other segments stay).
CREATE FUNCTION dormancy.reset_rules()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM dormancy.rules r
	 USING dormancy.default_rules d
	 WHERE lower(btrim(coalesce(r.industry, ''))) = lower(btrim(coalesce(d.industry, '')))
	   AND lower(btrim(coalesce(r.company_size, ''))) = lower(btrim(coalesce(d.company_size, '')));
	DELETE FROM dormancy.removed_default_rules;
	ALTER TABLE dormancy.rules DISABLE TRIGGER rules_before_write;
	INSERT INTO dormancy.rules SELECT * FROM dormancy.default_rules;
	ALTER TABLE dormancy.rules ENABLE TRIGGER rules_before_write;
END
$$;
COMMENT ON FUNCTION dormancy.reset_rules() IS 'restore the installed default rules, keeping rules for other segments';
REVOKE ALL ON FUNCTION dormancy.reset_rules() FROM PUBLIC;

-- from sql_src/20_bind.sql
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
	relation regclass NOT NULL,
	columns jsonb NOT NULL,
	bound_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	bound_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT bindings_source_known CHECK (source IN ('customers', 'orders'))
);
COMMENT ON TABLE dormancy.bindings IS 'which user relation and columns feed each source; written by the bind_* functions';
COMMENT ON COLUMN dormancy.bindings.source IS 'customers or orders';
COMMENT ON COLUMN dormancy.bindings.relation IS 'the bound table, view, materialized view or foreign table';
COMMENT ON COLUMN dormancy.bindings.columns IS 'role -> column name, e.g. {"id": "account_id", "name": "account_name"}';
COMMENT ON COLUMN dormancy.bindings.bound_at IS 'when the binding was made';
COMMENT ON COLUMN dormancy.bindings.bound_by IS 'who made the binding';
SELECT pg_catalog.pg_extension_config_dump('dormancy.bindings', '');

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
	SELECT coalesce(NULLIF(t.typbasetype, 0), a.atttypid)
	  INTO type_oid
	  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
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
	type_name := format_type(type_oid, NULL);
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
END
$$;
COMMENT ON FUNCTION dormancy._check_relation(regclass) IS
	'internal: check that a relation can be bound';

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

-- A bound day column as a date: timestamptz becomes its day in dormancy.time_zone.
CREATE FUNCTION dormancy._day_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.date';
	ELSIF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'timestamptz'::regtype THEN
		RETURN format('dormancy.local_day(t.%I)', columns ->> role);
	END IF;
	RETURN format('(t.%I)::pg_catalog.date', columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._day_expr(regclass, jsonb, text) IS
	'internal: the calendar day of a bound date, timestamp or timestamptz column';

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
-- Broken bindings.  A binding whose relation still exists can lose a bound
-- column (ALTER TABLE ... DROP COLUMN ... CASCADE, which also drops the
-- generated views; a rename) or see its type change to one its role does not
-- take.  Such a binding is kept and reported: rebind() and every bind build
-- the views as if it were unbound, with a WARNING; for the customers and the
-- orders, the adapter view then raises the binding's error when read (so
-- customer_status fails instead of showing every customer without orders),
-- and refresh() fails with the same error until it is bound again.
--

-- The first problem of each binding whose relation exists, with the bind
-- call that repairs it.
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

--
-- The generated views.  _build_views() writes them from dormancy.bindings:
-- first with CREATE OR REPLACE (keeps views that users built on them), and
-- when a column type changes, by dropping and recreating them all.
--
-- The plug-in functions of one kind (see _view_definitions), in name order.
CREATE FUNCTION dormancy._view_hooks(prefix text)
	RETURNS TABLE (fn text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT p.oid::regproc::text
	  FROM pg_proc p
	 WHERE p.pronamespace = 'dormancy'::regnamespace
	   AND starts_with(p.proname, prefix)
	 ORDER BY p.proname
$$;
COMMENT ON FUNCTION dormancy._view_hooks(text) IS 'internal: the view plug-in functions whose names start with a prefix';

CREATE FUNCTION dormancy._view_definitions()
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
COMMENT ON FUNCTION dormancy._view_definitions() IS
	'internal: the SQL of every generated view, in dependency order, from dormancy.bindings and the _views_NN_* functions';

-- Comments of the generated views and their columns (reapplied after each build).
CREATE FUNCTION dormancy._comment_views()
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
COMMENT ON FUNCTION dormancy._comment_views() IS 'internal: comment the generated views';

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

-- (Re)create the generated views from dormancy.bindings.
CREATE FUNCTION dormancy._build_views()
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
COMMENT ON FUNCTION dormancy._build_views() IS 'internal: (re)create the generated views from dormancy.bindings';

-- Store one binding and rebuild; errors from the rebuild name the binding.
CREATE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
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
COMMENT ON FUNCTION dormancy._bind(text, regclass, jsonb) IS 'internal: record a binding and rebuild the views';

CREATE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type oid;
BEGIN
	PERFORM dormancy._check_relation(relation);
	id_type := (dormancy._binding_column(relation, 'id', id)).type_oid;
	IF NOT EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
					WHERE am.amname IN ('btree', 'hash') AND o.opcdefault
					  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		PERFORM dormancy._binding_type_error(relation, 'id', id, format_type(id_type, NULL),
											 'a type with equality, such as integer, bigint, text or uuid');
	END IF;
	IF bind_customers.name IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'name', bind_customers.name);
	END IF;
	IF industry IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'industry', industry);
	END IF;
	IF company_size IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company_size', company_size);
	END IF;
	PERFORM dormancy._bind('customers', relation,
						   jsonb_build_object('id', id, 'name', bind_customers.name,
											  'industry', industry, 'company_size', company_size));
END
$$;
COMMENT ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name) IS
	'bind the customers relation: id column and optional name, industry and company size columns';

CREATE FUNCTION dormancy.bind_orders(relation regclass, customer name, ordered_at name, amount name,
	category name DEFAULT NULL, discounted name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._binding_column(relation, 'customer', customer);
	PERFORM dormancy._check_day_column(relation, 'ordered_at', ordered_at);
	PERFORM dormancy._check_number_column(relation, 'amount', amount);
	IF category IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'category', category);
	END IF;
	IF discounted IS NOT NULL THEN
		PERFORM dormancy._check_bool_column(relation, 'discounted', discounted);
	END IF;
	PERFORM dormancy._bind('orders', relation,
						   jsonb_build_object('customer', customer, 'ordered_at', ordered_at,
											  'amount', amount, 'category', category,
											  'discounted', discounted));
END
$$;
COMMENT ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name) IS
	'bind the orders relation: customer, order time and amount columns, optional category and discounted flag';

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
END
$$;
COMMENT ON FUNCTION dormancy.rebind() IS
	'recreate the generated views from dormancy.bindings (after pg_restore, or after a bound relation was altered)';

-- nobody but the owner binds or rebuilds
REVOKE ALL ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.unbind(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.rebind() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._bind(text, regclass, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._build_views() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._unclaim(text, regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._comment_views() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._binding_problems() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._usable_bindings() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._broken_binding(text, text, text, text) FROM PUBLIC;

-- from sql_src/30_decline.sql
--
-- Decline before dormancy (issue #3): settings, price changes, and the
-- decline metrics of a purchase history.  Definitions: docs/decline.md.
--

--
-- Settings of the decline signals
--

-- At most one row.  Empty means the documented defaults (the column
-- defaults, repeated in decline_settings_in_force()).  The extension script
-- inserts no row, so pg_dump's copy of the user's row restores without
-- clashing with a row of CREATE EXTENSION.
CREATE TABLE dormancy.decline_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	window_length interval NOT NULL DEFAULT '12 months',
	trend_years integer NOT NULL DEFAULT 3,
	season_length interval NOT NULL DEFAULT '3 months',
	amount_drop_threshold double precision NOT NULL DEFAULT 0.3,
	frequency_drop_threshold double precision NOT NULL DEFAULT 0.3,
	cadence_slowdown_threshold double precision NOT NULL DEFAULT 0.5,
	overdue_threshold double precision NOT NULL DEFAULT 2.0,
	season_drop_threshold double precision NOT NULL DEFAULT 0.3,
	trend_drop_threshold double precision NOT NULL DEFAULT 0.1,
	trend_min_points integer NOT NULL DEFAULT 4,
	CONSTRAINT decline_settings_one_row CHECK (singleton),
	CONSTRAINT decline_settings_window_length CHECK (
		window_length > interval '0' AND
		date_trunc('day', window_length) = window_length AND
		extract(year FROM window_length) >= 0 AND
		extract(month FROM window_length) >= 0 AND
		extract(day FROM window_length) >= 0),
	CONSTRAINT decline_settings_season_length CHECK (
		season_length > interval '0' AND
		date_trunc('day', season_length) = season_length AND
		extract(year FROM season_length) >= 0 AND
		extract(month FROM season_length) >= 0 AND
		extract(day FROM season_length) >= 0),
	CONSTRAINT decline_settings_trend_years CHECK (trend_years BETWEEN 1 AND 100),
	CONSTRAINT decline_settings_amount_drop CHECK (amount_drop_threshold > 0 AND amount_drop_threshold <= 1),
	CONSTRAINT decline_settings_frequency_drop CHECK (frequency_drop_threshold > 0 AND frequency_drop_threshold <= 1),
	CONSTRAINT decline_settings_cadence_slowdown CHECK (cadence_slowdown_threshold > 0 AND cadence_slowdown_threshold < 'infinity'),
	CONSTRAINT decline_settings_overdue CHECK (overdue_threshold >= 1 AND overdue_threshold < 'infinity'),
	CONSTRAINT decline_settings_season_drop CHECK (season_drop_threshold > 0 AND season_drop_threshold <= 1),
	CONSTRAINT decline_settings_trend_drop CHECK (trend_drop_threshold >= 0 AND trend_drop_threshold < 'infinity'),
	CONSTRAINT decline_settings_trend_min_points CHECK (trend_min_points >= 2)
);

COMMENT ON TABLE dormancy.decline_settings IS
	'settings of the decline signals: at most one row; no row means the defaults (see dormancy.decline_settings_in_force())';
COMMENT ON COLUMN dormancy.decline_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.decline_settings.window_length IS
	'W: the recent window is (as_of - W, as_of], the prior window (as_of - 2 W, as_of - W]; whole days or months; default 12 months';
COMMENT ON COLUMN dormancy.decline_settings.trend_years IS
	'N: amount_trend fits purchase days in (as_of - N years, as_of]; 1 to 100; default 3';
COMMENT ON COLUMN dormancy.decline_settings.season_length IS
	'S: the season is (as_of - S, as_of], last season ((as_of - 1 year) - S, as_of - 1 year]; whole days or months; default 3 months';
COMMENT ON COLUMN dormancy.decline_settings.amount_drop_threshold IS
	'amount_drop fires when amount_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.frequency_drop_threshold IS
	'frequency_drop fires when frequency_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.cadence_slowdown_threshold IS
	'cadence_slowdown fires when cadence_change >= this; above 0; default 0.5';
COMMENT ON COLUMN dormancy.decline_settings.overdue_threshold IS
	'overdue fires when overdue_ratio >= this; at least 1; default 2';
COMMENT ON COLUMN dormancy.decline_settings.season_drop_threshold IS
	'season_drop fires when same_season_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.trend_drop_threshold IS
	'negative_trend fires when relative_trend <= -this (and amount_trend < 0); at least 0; default 0.1 (10% of the mean amount per year)';
COMMENT ON COLUMN dormancy.decline_settings.trend_min_points IS
	'negative_trend needs at least this many trend points; at least 2; default 4';

-- keep the user's row in pg_dump (the script inserts none, so no filter)
SELECT pg_catalog.pg_extension_config_dump('dormancy.decline_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.decline_settings_in_force()
	RETURNS dormancy.decline_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.decline_settings s),
					ROW(true, interval '12 months', 3, interval '3 months',
						0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4)::dormancy.decline_settings);
COMMENT ON FUNCTION dormancy.decline_settings_in_force() IS
	'the row of dormancy.decline_settings, or the defaults when it is empty';

--
-- Price and specification changes (filled by the user)
--

CREATE TABLE dormancy.price_changes (
	changed_at date NOT NULL,
	category text,
	change_pct numeric,
	kind text NOT NULL,
	note text,
	CONSTRAINT price_changes_kind CHECK (kind IN ('price_increase', 'spec_change')),
	CONSTRAINT price_changes_changed_at_finite CHECK (isfinite(changed_at)),
	CONSTRAINT price_changes_increase_positive CHECK (
		kind <> 'price_increase' OR change_pct IS NULL OR change_pct > 0),
	CONSTRAINT price_changes_change_pct_finite CHECK (
		change_pct IS NULL OR (change_pct > '-Infinity' AND change_pct < 'Infinity')),
	CONSTRAINT price_changes_category_not_blank CHECK (category IS NULL OR btrim(category) <> ''),
	CONSTRAINT price_changes_key UNIQUE NULLS NOT DISTINCT (changed_at, category, kind)
);

COMMENT ON TABLE dormancy.price_changes IS
	'price increases and specification changes, for lapsed_after_price_increase and lapsed_after_spec_change';
COMMENT ON COLUMN dormancy.price_changes.changed_at IS 'first day on which the new price or specification applied';
COMMENT ON COLUMN dormancy.price_changes.category IS 'product category it applies to (as in the bound category column); NULL for all';
COMMENT ON COLUMN dormancy.price_changes.change_pct IS 'price change in percent (10 means +10%); positive for a price_increase; NULL when unknown';
COMMENT ON COLUMN dormancy.price_changes.kind IS 'price_increase or spec_change';
COMMENT ON COLUMN dormancy.price_changes.note IS 'what changed, for the call list';

-- user data only
SELECT pg_catalog.pg_extension_config_dump('dormancy.price_changes', '');

--
-- Decline metrics of a purchase history
--

CREATE TYPE dormancy.decline_metrics AS (
	mean_gap_days double precision,
	median_gap_days double precision,
	gap_stddev_days double precision,
	overdue_ratio double precision,
	recent_amount double precision,
	prior_amount double precision,
	recent_orders bigint,
	prior_orders bigint,
	amount_change double precision,
	frequency_change double precision,
	amount_trend double precision,
	trend_points integer,
	relative_trend double precision,
	recent_median_gap_days double precision,
	earlier_median_gap_days double precision,
	cadence_change double precision,
	season_amount double precision,
	last_season_amount double precision,
	season_orders bigint,
	last_season_orders bigint,
	same_season_change double precision,
	declining boolean,
	decline_signals text[],
	campaign_only boolean
);

COMMENT ON TYPE dormancy.decline_metrics IS
	'decline metrics and signals of a purchase history at an as-of day (docs/decline.md)';
COMMENT ON COLUMN dormancy.decline_metrics.mean_gap_days IS
	'mean of the gaps in days between consecutive purchase days; NULL with fewer than two purchase days';
COMMENT ON COLUMN dormancy.decline_metrics.median_gap_days IS
	'median gap in days (mean of the two middle gaps for an even count); NULL with fewer than two purchase days';
COMMENT ON COLUMN dormancy.decline_metrics.gap_stddev_days IS
	'sample standard deviation of the gaps (as stddev_samp); NULL with fewer than two gaps';
COMMENT ON COLUMN dormancy.decline_metrics.overdue_ratio IS
	'days from the last purchase day to as_of divided by median_gap_days';
COMMENT ON COLUMN dormancy.decline_metrics.recent_amount IS
	'net amount of all days in (as_of - W, as_of], refund days included';
COMMENT ON COLUMN dormancy.decline_metrics.prior_amount IS
	'net amount of all days in (as_of - 2 W, as_of - W], refund days included';
COMMENT ON COLUMN dormancy.decline_metrics.recent_orders IS
	'order rows on purchase days in (as_of - W, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.prior_orders IS
	'order rows on purchase days in (as_of - 2 W, as_of - W]';
COMMENT ON COLUMN dormancy.decline_metrics.amount_change IS
	'recent_amount / prior_amount - 1; NULL when prior_amount <= 0';
COMMENT ON COLUMN dormancy.decline_metrics.frequency_change IS
	'recent_orders / prior_orders - 1; NULL when prior_orders = 0';
COMMENT ON COLUMN dormancy.decline_metrics.amount_trend IS
	'least-squares slope of purchase-day amount against day / 365.25 over (as_of - N years, as_of], amount per year (regr_slope); NULL with fewer than two points';
COMMENT ON COLUMN dormancy.decline_metrics.trend_points IS
	'purchase days with only known amounts in (as_of - N years, as_of]: the points of amount_trend';
COMMENT ON COLUMN dormancy.decline_metrics.relative_trend IS
	'amount_trend divided by the mean amount of its points (fraction of the mean per year)';
COMMENT ON COLUMN dormancy.decline_metrics.recent_median_gap_days IS
	'median of the gaps whose later purchase day is in (as_of - W, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.earlier_median_gap_days IS
	'median of the gaps whose later purchase day is on or before as_of - W';
COMMENT ON COLUMN dormancy.decline_metrics.cadence_change IS
	'recent_median_gap_days / earlier_median_gap_days - 1 (1 means monthly became bimonthly); NULL when either is NULL';
COMMENT ON COLUMN dormancy.decline_metrics.season_amount IS
	'net amount of all days in (as_of - S, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.last_season_amount IS
	'net amount of all days in ((as_of - 1 year) - S, as_of - 1 year]';
COMMENT ON COLUMN dormancy.decline_metrics.season_orders IS
	'order rows on purchase days in (as_of - S, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.last_season_orders IS
	'order rows on purchase days in ((as_of - 1 year) - S, as_of - 1 year]';
COMMENT ON COLUMN dormancy.decline_metrics.same_season_change IS
	'season_amount / last_season_amount - 1; NULL when last_season_amount <= 0';
COMMENT ON COLUMN dormancy.decline_metrics.declining IS
	'true when at least one decline signal fired';
COMMENT ON COLUMN dormancy.decline_metrics.decline_signals IS
	'the signals that fired, in the order amount_drop, frequency_drop, cadence_slowdown, overdue, season_drop, negative_trend';
COMMENT ON COLUMN dormancy.decline_metrics.campaign_only IS
	'every purchase day had a discounted order; false without purchase days; NULL when the discounted column is unknown';

CREATE FUNCTION dormancy.decline_metrics(
	history dormancy.purchase_history,
	as_of date,
	window_length interval,
	trend_years integer,
	season_length interval,
	amount_drop_threshold double precision,
	frequency_drop_threshold double precision,
	cadence_slowdown_threshold double precision,
	overdue_threshold double precision,
	season_drop_threshold double precision,
	trend_drop_threshold double precision,
	trend_min_points integer,
	discounted_known boolean)
	RETURNS dormancy.decline_metrics
	AS 'MODULE_PATHNAME', 'decline_metrics'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.decline_metrics(dormancy.purchase_history, date, interval, integer, interval,
	double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean) IS
	'decline metrics and signals of a purchase history at as_of, with explicit settings';

-- The settings from a dormancy.decline_settings row, e.g. decline_settings_in_force(),
-- read by column name.
CREATE FUNCTION dormancy.decline_metrics(
	history dormancy.purchase_history,
	as_of date,
	settings dormancy.decline_settings,
	discounted_known boolean)
	RETURNS dormancy.decline_metrics
	AS 'MODULE_PATHNAME', 'decline_metrics_settings'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.decline_metrics(dormancy.purchase_history, date, dormancy.decline_settings, boolean) IS
	'decline metrics and signals of a purchase history at as_of, with the settings of a dormancy.decline_settings row';

-- from sql_src/35_btyd_summary.sql
--
-- The BTYD summary of a history: the inputs of the BG/NBD and Gamma-Gamma models
--

CREATE TYPE dormancy.btyd_summary AS (
	frequency integer,
	recency double precision,
	age double precision,
	monetary_value double precision
);
COMMENT ON TYPE dormancy.btyd_summary IS
	'frequency (repeat purchase days), recency and age (T) in units, mean amount of the repeat purchase days';

-- STABLE: the as-of instant becomes a day in dormancy.time_zone
CREATE FUNCTION dormancy.btyd_summary(h dormancy.purchase_history, as_of timestamptz,
	unit interval DEFAULT '1 day')
	RETURNS dormancy.btyd_summary
	AS 'MODULE_PATHNAME', 'btyd_summary'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, timestamptz, interval) IS
	'frequency, recency, age and monetary value of a history at as_of, in units (lifetimes conventions, freq=D)';

-- from sql_src/40_models.sql
--
-- Models: BG/NBD (probability alive, expected purchases) and Gamma-Gamma
-- (expected spend), fitted by maximum likelihood with aggregates; CLV.
-- The mathematics: docs/models.md.  C code: src/btyd_sql.c, src/core/btyd.c.
--

CREATE TYPE dormancy.bgnbd AS (
	r double precision,
	alpha double precision,
	a double precision,
	b double precision,
	log_likelihood double precision,
	customers bigint,
	iterations integer,
	converged boolean
);
COMMENT ON TYPE dormancy.bgnbd IS
	'a BG/NBD model: purchase rates gamma(r, alpha), dropout probabilities beta(a, b), and how it was fitted';
COMMENT ON COLUMN dormancy.bgnbd.r IS 'shape of the gamma distribution of purchase rates';
COMMENT ON COLUMN dormancy.bgnbd.alpha IS 'scale of the gamma distribution of purchase rates, in the time unit of the fit';
COMMENT ON COLUMN dormancy.bgnbd.a IS 'first shape of the beta distribution of dropout probabilities';
COMMENT ON COLUMN dormancy.bgnbd.b IS 'second shape of the beta distribution of dropout probabilities';
COMMENT ON COLUMN dormancy.bgnbd.log_likelihood IS 'log-likelihood at the estimates (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.customers IS 'customers fitted (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.iterations IS 'optimiser iterations (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.converged IS 'whether the optimiser reached a proper maximum (NULL for a model built from known parameters)';

CREATE TYPE dormancy.gammagamma AS (
	p double precision,
	q double precision,
	v double precision,
	log_likelihood double precision,
	customers bigint,
	skipped bigint,
	iterations integer,
	converged boolean
);
COMMENT ON TYPE dormancy.gammagamma IS
	'a Gamma-Gamma spend model: spend per transaction gamma(p, nu), nu gamma(q, v), and how it was fitted';
COMMENT ON COLUMN dormancy.gammagamma.p IS 'shape of the spend per transaction';
COMMENT ON COLUMN dormancy.gammagamma.q IS 'shape of the gamma distribution of the customers'' spend rates';
COMMENT ON COLUMN dormancy.gammagamma.v IS 'scale of the gamma distribution of the customers'' spend rates, in money units';
COMMENT ON COLUMN dormancy.gammagamma.log_likelihood IS 'log-likelihood at the estimates (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.customers IS 'customers fitted: those with frequency > 0 and a monetary value (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.skipped IS 'rows not used: frequency 0 or monetary value NULL (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.iterations IS 'optimiser iterations (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.converged IS 'whether the optimiser reached a proper maximum (NULL for a model built from known parameters)';

--
-- Aggregate bgnbd_fit(frequency, recency, age)
--

CREATE FUNCTION dormancy.bgnbd_fit_trans(internal, integer, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_trans(internal, integer, double precision, double precision) IS
	'aggregate transition function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_combine(internal, internal) IS
	'aggregate combine function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'bgnbd_fit_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_serialize(internal) IS
	'aggregate serial function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_deserialize(bytea, internal) IS
	'aggregate deserial function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_final(internal)
	RETURNS dormancy.bgnbd AS 'MODULE_PATHNAME', 'bgnbd_fit_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_final(internal) IS
	'aggregate final function of bgnbd_fit: the maximum-likelihood fit';

CREATE AGGREGATE dormancy.bgnbd_fit(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.bgnbd_fit_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.bgnbd_fit(integer, double precision, double precision) IS
	'fit a BG/NBD model by maximum likelihood to customer summaries (frequency, recency, age), ignoring rows with a NULL';

CREATE FUNCTION dormancy.bgnbd(r double precision, alpha double precision,
	a double precision, b double precision)
	RETURNS dormancy.bgnbd AS 'MODULE_PATHNAME', 'bgnbd_make'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd(double precision, double precision, double precision, double precision) IS
	'a BG/NBD model with known parameters r, alpha, a, b';

CREATE FUNCTION dormancy.bgnbd_p_alive(m dormancy.bgnbd, frequency integer,
	recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_p_alive(dormancy.bgnbd, integer, double precision, double precision) IS
	'probability that a customer with this frequency, recency and age is still alive';

CREATE FUNCTION dormancy.bgnbd_expected_purchases(m dormancy.bgnbd, t double precision,
	frequency integer, recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_expected_purchases(dormancy.bgnbd, double precision, integer, double precision, double precision) IS
	'expected purchases in the next t time units of a customer with this frequency, recency and age';

CREATE FUNCTION dormancy.bgnbd_expected_purchases_new(m dormancy.bgnbd, t double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_expected_purchases_new(dormancy.bgnbd, double precision) IS
	'expected repeat purchases in the first t time units of a new customer';

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

--
-- Aggregate gammagamma_fit(frequency, monetary_value)
--

CREATE FUNCTION dormancy.gammagamma_fit_trans(internal, integer, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_trans(internal, integer, double precision) IS
	'aggregate transition function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_combine(internal, internal) IS
	'aggregate combine function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'gammagamma_fit_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_serialize(internal) IS
	'aggregate serial function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_deserialize(bytea, internal) IS
	'aggregate deserial function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_final(internal)
	RETURNS dormancy.gammagamma AS 'MODULE_PATHNAME', 'gammagamma_fit_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_final(internal) IS
	'aggregate final function of gammagamma_fit: the maximum-likelihood fit';

CREATE AGGREGATE dormancy.gammagamma_fit(frequency integer, monetary_value double precision) (
	SFUNC = dormancy.gammagamma_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.gammagamma_fit_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.gammagamma_fit_combine,
	SERIALFUNC = dormancy.gammagamma_fit_serialize,
	DESERIALFUNC = dormancy.gammagamma_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.gammagamma_fit(integer, double precision) IS
	'fit a Gamma-Gamma spend model by maximum likelihood to (frequency, mean repeat spend), over customers with frequency > 0';

CREATE FUNCTION dormancy.gammagamma(p double precision, q double precision, v double precision)
	RETURNS dormancy.gammagamma AS 'MODULE_PATHNAME', 'gammagamma_make'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma(double precision, double precision, double precision) IS
	'a Gamma-Gamma model with known parameters p, q, v';

-- not STRICT: monetary_value may be NULL for a customer with frequency 0
CREATE FUNCTION dormancy.gammagamma_expected_spend(m dormancy.gammagamma, frequency integer,
	monetary_value double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'gammagamma_expected_spend'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_expected_spend(dormancy.gammagamma, integer, double precision) IS
	'expected spend per transaction of a customer with this frequency and mean repeat spend (monetary value ignored, may be NULL, at frequency 0)';

-- not STRICT: monetary_value may be NULL for a customer with frequency 0
CREATE FUNCTION dormancy.clv(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon integer, discount_rate double precision,
	period double precision DEFAULT 1)
	RETURNS double precision AS 'MODULE_PATHNAME', 'dormancy_clv'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.clv(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, integer, double precision, double precision) IS
	'customer lifetime value: expected spend times expected purchases per period, over horizon periods of period time units, discounted by discount_rate per period';

-- from sql_src/45_model_status.sql
--
-- Fitted models per segment, and the model columns of customer_status:
-- p_alive, expected_purchases and expected_value (NULL when no converged
-- model is fitted).
--

-- At most one row; empty means the defaults (a restore of the user's row
-- cannot clash with a row installed by CREATE EXTENSION).
CREATE TABLE dormancy.model_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	time_unit interval NOT NULL DEFAULT '7 days',
	horizon interval NOT NULL DEFAULT '1 year',
	segment_by text NOT NULL DEFAULT 'industry',
	min_customers integer NOT NULL DEFAULT 200,
	refit_every interval DEFAULT '7 days',
	CONSTRAINT model_settings_one_row CHECK (singleton),
	CONSTRAINT model_settings_refit_every CHECK (refit_every > interval '0'),
	CONSTRAINT model_settings_time_unit CHECK (
		extract(month FROM time_unit) = 0 AND extract(year FROM time_unit) = 0 AND time_unit > interval '0'),
	CONSTRAINT model_settings_horizon CHECK (horizon > interval '0'),
	CONSTRAINT model_settings_segment_by CHECK (segment_by IN ('none', 'industry', 'company_size')),
	CONSTRAINT model_settings_min_customers CHECK (min_customers >= 10)
);
COMMENT ON TABLE dormancy.model_settings IS
	'settings of the BTYD models: at most one row; no row means the defaults (see dormancy.model_settings_in_force())';
COMMENT ON COLUMN dormancy.model_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.model_settings.time_unit IS 'the time unit of the fits (days only, no months); default 7 days, as in the published CDNOW fits';
COMMENT ON COLUMN dormancy.model_settings.horizon IS 'expected_purchases and expected_value look this far ahead; default 1 year';
COMMENT ON COLUMN dormancy.model_settings.segment_by IS 'fit one model per industry or company size as well as the overall one: none, industry or company_size; default industry';
COMMENT ON COLUMN dormancy.model_settings.refit_every IS 'CALL dormancy.refresh() refits the models when they are older than this (only once some are fitted); NULL: never; default 7 days';
COMMENT ON COLUMN dormancy.model_settings.min_customers IS 'a segment gets its own model only with at least this many customers (else the overall model applies); default 200';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_settings', '');

CREATE FUNCTION dormancy.model_settings_in_force()
	RETURNS dormancy.model_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.model_settings s),
					ROW(true, interval '7 days', interval '1 year', 'industry', 200, interval '7 days')::dormancy.model_settings);
COMMENT ON FUNCTION dormancy.model_settings_in_force() IS
	'the row of dormancy.model_settings, or the defaults when it is empty';

CREATE TABLE dormancy.models (
	model_id serial PRIMARY KEY,
	segment_kind text NOT NULL,
	segment_value text,
	fitted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	fit_seconds double precision,
	as_of date NOT NULL,
	time_unit interval NOT NULL,
	bgnbd dormancy.bgnbd,
	gammagamma dormancy.gammagamma,
	CONSTRAINT models_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT models_segment_value CHECK ((segment_kind = 'all') = (segment_value IS NULL)),
	CONSTRAINT models_segment_key UNIQUE NULLS NOT DISTINCT (segment_kind, segment_value),
	CONSTRAINT models_fit_seconds_finite CHECK (fit_seconds >= 0 AND fit_seconds < 'Infinity')
);
COMMENT ON TABLE dormancy.models IS
	'fitted BG/NBD and Gamma-Gamma models, one per segment; written by dormancy.fit_models()';
COMMENT ON COLUMN dormancy.models.model_id IS 'surrogate key';
COMMENT ON COLUMN dormancy.models.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.models.segment_value IS 'the industry or company size (lower case, trimmed); NULL for all';
COMMENT ON COLUMN dormancy.models.fitted_at IS 'when the model was fitted';
COMMENT ON COLUMN dormancy.models.fit_seconds IS 'how long the fit of all segments took';
COMMENT ON COLUMN dormancy.models.as_of IS 'the as-of day of the customer summaries it was fitted on';
COMMENT ON COLUMN dormancy.models.time_unit IS 'the time unit of the parameters';
COMMENT ON COLUMN dormancy.models.bgnbd IS 'the BG/NBD model with its log-likelihood, customers, iterations and convergence';
COMMENT ON COLUMN dormancy.models.gammagamma IS 'the Gamma-Gamma model (NULL when too few repeat buyers)';
SELECT pg_catalog.pg_extension_config_dump('dormancy.models', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.models_model_id_seq', '');
COMMENT ON SEQUENCE dormancy.models_model_id_seq IS 'generates dormancy.models.model_id';

-- Fit the overall model and one per segment, over the bound data as of
-- dormancy.as_of(), in one pass; replace the stored models.
CREATE FUNCTION dormancy.fit_models()
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
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;

-- The model that applies to a customer: its segment's, else the overall one;
-- only converged BG/NBD fits count.  Plugged into customer_status as "mdl";
-- the predictions as "models" (p_alive, expected_purchases, and problem:
-- why a value could not be computed) and "mval" (expected_value).  The
-- data_issues view lists the problems (_data_issues_40_models).
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

CREATE FUNCTION dormancy._status_parts_40_models(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT dormancy._model_from_item(),
		   'mdl.model_id, models.p_alive, models.expected_purchases, mval.expected_value'
$$;
COMMENT ON FUNCTION dormancy._status_parts_40_models(jsonb) IS
	'internal: the model columns of customer_status';

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

CREATE FUNCTION dormancy._comment_views_40_models()
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
COMMENT ON FUNCTION dormancy._comment_views_40_models() IS 'internal: comment the model columns of customer_status';

-- from sql_src/50_sources.sql
--
-- Optional sources (issue #5): contracts (D3), engagement events (D4) and
-- deals (D5).  Each has a bind_* function like bind_orders, an adapter view
-- (empty, of the same shape, while unbound), a per-customer view, and columns
-- in customer_status.  Rows the views cannot use are reported in
-- dormancy.source_issues, never dropped silently.  docs/sources.md has the
-- definitions.
--

ALTER TABLE dormancy.bindings DROP CONSTRAINT bindings_source_known;
ALTER TABLE dormancy.bindings ADD CONSTRAINT bindings_source_known
	CHECK (source IN ('customers', 'orders', 'contracts', 'events', 'deals', 'contacts'));
COMMENT ON COLUMN dormancy.bindings.source IS 'customers, orders, contracts, events, deals or contacts';

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

--
-- Settings of the sources
--

-- At most one row; empty means the defaults (the column defaults, repeated in
-- source_settings_in_force()), so pg_dump's copy never clashes with a row of
-- CREATE EXTENSION.
CREATE TABLE dormancy.source_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	contract_grace_period interval NOT NULL DEFAULT '30 days',
	downgrade_window interval NOT NULL DEFAULT '12 months',
	renewal_horizon interval NOT NULL DEFAULT '90 days',
	engagement_window interval NOT NULL DEFAULT '90 days',
	repeated_pricing_views integer NOT NULL DEFAULT 3,
	support_visits_threshold integer NOT NULL DEFAULT 2,
	contact_stale_after interval NOT NULL DEFAULT '2 years',
	CONSTRAINT source_settings_one_row CHECK (singleton),
	CONSTRAINT source_settings_grace CHECK (
		contract_grace_period >= interval '0' AND
		date_trunc('day', contract_grace_period) = contract_grace_period AND
		extract(month FROM contract_grace_period) >= 0 AND extract(day FROM contract_grace_period) >= 0),
	CONSTRAINT source_settings_downgrade_window CHECK (
		downgrade_window > interval '0' AND
		date_trunc('day', downgrade_window) = downgrade_window AND
		extract(month FROM downgrade_window) >= 0 AND extract(day FROM downgrade_window) >= 0),
	CONSTRAINT source_settings_renewal_horizon CHECK (
		renewal_horizon > interval '0' AND
		date_trunc('day', renewal_horizon) = renewal_horizon AND
		extract(month FROM renewal_horizon) >= 0 AND extract(day FROM renewal_horizon) >= 0),
	CONSTRAINT source_settings_engagement_window CHECK (
		engagement_window > interval '0' AND
		date_trunc('day', engagement_window) = engagement_window AND
		extract(month FROM engagement_window) >= 0 AND extract(day FROM engagement_window) >= 0),
	CONSTRAINT source_settings_repeated_pricing_views CHECK (repeated_pricing_views >= 1),
	CONSTRAINT source_settings_support_visits CHECK (support_visits_threshold >= 1),
	CONSTRAINT source_settings_contact_stale_after CHECK (contact_stale_after > interval '0')
);
COMMENT ON TABLE dormancy.source_settings IS
	'settings of the contract, engagement, deal and contact signals: at most one row; no row means the defaults (see dormancy.source_settings_in_force())';
COMMENT ON COLUMN dormancy.source_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.source_settings.contract_grace_period IS
	'a contract has lapsed when its last term ended more than this before as_of and no term covers as_of; whole days or months, 0 or more; default 30 days';
COMMENT ON COLUMN dormancy.source_settings.downgrade_window IS
	'downgraded: a term with fewer seats or a lower amount than the term before it started within this window before as_of; default 12 months';
COMMENT ON COLUMN dormancy.source_settings.renewal_horizon IS
	'a renewal is due when the current term ends within this; default 90 days';
COMMENT ON COLUMN dormancy.source_settings.engagement_window IS
	'events are counted in (as_of - this, as_of]; default 90 days';
COMMENT ON COLUMN dormancy.source_settings.repeated_pricing_views IS
	'pricing views in the engagement window that count as comparison shopping (evidence repeated_pricing_views); default 3';
COMMENT ON COLUMN dormancy.source_settings.support_visits_threshold IS
	'support visits in the engagement window that hint at dissatisfaction (evidence support_visits); default 2';
COMMENT ON COLUMN dormancy.source_settings.contact_stale_after IS
	'contact data last updated longer ago than this is outdated (data gap contact_outdated); default 2 years';
SELECT pg_catalog.pg_extension_config_dump('dormancy.source_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.source_settings_in_force()
	RETURNS dormancy.source_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.source_settings s),
					ROW(true, interval '30 days', interval '12 months', interval '90 days',
						interval '90 days', 3, 2, interval '2 years')::dormancy.source_settings);
COMMENT ON FUNCTION dormancy.source_settings_in_force() IS
	'the row of dormancy.source_settings, or the defaults when it is empty';

--
-- Mappings of the user's values onto the documented ones
--

CREATE TABLE dormancy.event_kinds (
	source_kind text PRIMARY KEY,
	kind text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT event_kinds_kind CHECK (kind IN ('email_open', 'email_click', 'web_visit', 'pricing_view',
												'document_download', 'support_visit', 'other')),
	CONSTRAINT event_kinds_source_not_blank CHECK (btrim(source_kind) <> '')
);
CREATE UNIQUE INDEX event_kinds_key ON dormancy.event_kinds ((lower(btrim(source_kind))));
COMMENT ON TABLE dormancy.event_kinds IS
	'maps the event kinds of the bound events onto email_open, email_click, web_visit, pricing_view, document_download, support_visit or other (case-insensitive); unmapped kinds count as other and are reported';
COMMENT ON COLUMN dormancy.event_kinds.source_kind IS 'a value of the bound kind column (matched case-insensitively, blanks trimmed)';
COMMENT ON COLUMN dormancy.event_kinds.kind IS 'what it means: email_open, email_click, web_visit, pricing_view, document_download, support_visit or other';
COMMENT ON COLUMN dormancy.event_kinds.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES
	('email_open', 'email_open'), ('email open', 'email_open'), ('email opened', 'email_open'),
	('open', 'email_open'), ('opened', 'email_open'), ('mail_open', 'email_open'),
	('email_click', 'email_click'), ('email click', 'email_click'), ('email clicked', 'email_click'),
	('click', 'email_click'), ('clicked', 'email_click'), ('link_click', 'email_click'),
	('web_visit', 'web_visit'), ('web visit', 'web_visit'), ('visit', 'web_visit'),
	('page_view', 'web_visit'), ('pageview', 'web_visit'), ('session', 'web_visit'),
	('pricing_view', 'pricing_view'), ('pricing view', 'pricing_view'), ('pricing', 'pricing_view'),
	('pricing_page', 'pricing_view'), ('pricing page', 'pricing_view'),
	('pricing page view', 'pricing_view'), ('price_page_view', 'pricing_view'),
	('document_download', 'document_download'), ('document download', 'document_download'),
	('download', 'document_download'), ('whitepaper', 'document_download'),
	('whitepaper_download', 'document_download'), ('ebook_download', 'document_download'),
	('support_visit', 'support_visit'), ('support visit', 'support_visit'),
	('support', 'support_visit'), ('support_page', 'support_visit'), ('help_center', 'support_visit'),
	('faq', 'support_visit'), ('other', 'other');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES
		(U&'\30E1\30FC\30EB\958B\5C01', 'email_open'),	-- meru kaifu: email opened
		(U&'\958B\5C01', 'email_open'),	-- kaifu: opened
		(U&'\30E1\30FC\30EB\30AF\30EA\30C3\30AF', 'email_click'),	-- meru kurikku: email click
		(U&'\30AF\30EA\30C3\30AF', 'email_click'),	-- kurikku: click
		(U&'\30B5\30A4\30C8\8A2A\554F', 'web_visit'),	-- saito homon: site visit
		(U&'web\8A2A\554F', 'web_visit'),	-- web homon: web visit
		(U&'\30DA\30FC\30B8\95B2\89A7', 'web_visit'),	-- peji etsuran: page view
		(U&'\8A2A\554F', 'web_visit'),	-- homon: visit
		(U&'\6599\91D1\30DA\30FC\30B8\95B2\89A7', 'pricing_view'),	-- ryokin peji etsuran: pricing page view
		(U&'\6599\91D1\30DA\30FC\30B8', 'pricing_view'),	-- ryokin peji: pricing page
		(U&'\4FA1\683C\30DA\30FC\30B8\95B2\89A7', 'pricing_view'),	-- kakaku peji etsuran: price page view
		(U&'\4FA1\683C\8868\95B2\89A7', 'pricing_view'),	-- kakakuhyo etsuran: price list view
		(U&'\8CC7\6599\30C0\30A6\30F3\30ED\30FC\30C9', 'document_download'),	-- shiryo daunrodo: document download
		(U&'\8CC7\6599dl', 'document_download'),	-- shiryo DL: document download
		(U&'\30DB\30EF\30A4\30C8\30DA\30FC\30D1\30FC', 'document_download'),	-- howaito pepa: white paper
		(U&'\8CC7\6599\8ACB\6C42', 'document_download'),	-- shiryo seikyu: document request
		(U&'\30B5\30DD\30FC\30C8\30DA\30FC\30B8\95B2\89A7', 'support_visit'),	-- sapoto peji etsuran: support page view
		(U&'\30B5\30DD\30FC\30C8', 'support_visit'),	-- sapoto: support
		(U&'\30D8\30EB\30D7', 'support_visit'),	-- herupu: help
		(U&'\3088\304F\3042\308B\8CEA\554F', 'support_visit'),	-- yoku aru shitsumon: FAQ
		(U&'\305D\306E\4ED6', 'other');	-- sonota: other
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.event_kinds: left out';
END
$$;

CREATE TABLE dormancy.deal_outcomes (
	source_outcome text PRIMARY KEY,
	outcome text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT deal_outcomes_outcome CHECK (outcome IN ('won', 'lost', 'postponed', 'open')),
	CONSTRAINT deal_outcomes_source_not_blank CHECK (btrim(source_outcome) <> '')
);
CREATE UNIQUE INDEX deal_outcomes_key ON dormancy.deal_outcomes ((lower(btrim(source_outcome))));
COMMENT ON TABLE dormancy.deal_outcomes IS
	'maps the deal outcomes of the bound deals onto won, lost, postponed or open (case-insensitive); unmapped outcomes are reported and count as unknown';
COMMENT ON COLUMN dormancy.deal_outcomes.source_outcome IS 'a value of the bound outcome column (matched case-insensitively, blanks trimmed)';
COMMENT ON COLUMN dormancy.deal_outcomes.outcome IS 'what it means: won, lost, postponed or open';
COMMENT ON COLUMN dormancy.deal_outcomes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.deal_outcomes (source_outcome, outcome) VALUES
	('won', 'won'), ('win', 'won'), ('closed won', 'won'), ('closed_won', 'won'), ('closedwon', 'won'),
	('lost', 'lost'), ('loss', 'lost'), ('lose', 'lost'), ('closed lost', 'lost'),
	('closed_lost', 'lost'), ('closedlost', 'lost'), ('postponed', 'postponed'),
	('postpone', 'postponed'), ('deferred', 'postponed'), ('on hold', 'postponed'),
	('on_hold', 'postponed'), ('open', 'open'), ('in progress', 'open'), ('in_progress', 'open'),
	('pending', 'open');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.deal_outcomes (source_outcome, outcome) VALUES
		(U&'\53D7\6CE8', 'won'),	-- juchu: order won
		(U&'\6210\7D04', 'won'),	-- seiyaku: deal closed
		(U&'\5951\7D04', 'won'),	-- keiyaku: contracted
		(U&'\5931\6CE8', 'lost'),	-- shitchu: order lost
		(U&'\4E0D\6210\7ACB', 'lost'),	-- fuseiritsu: not concluded
		(U&'\4FDD\7559', 'postponed'),	-- horyu: on hold
		(U&'\5EF6\671F', 'postponed'),	-- enki: postponed
		(U&'\898B\9001\308A', 'postponed'),	-- miokuri: passed over for now
		(U&'\6B21\5E74\5EA6\691C\8A0E', 'postponed'),	-- jinendo kento: reconsider next year
		(U&'\5546\8AC7\4E2D', 'open'),	-- shodan-chu: negotiating
		(U&'\9032\884C\4E2D', 'open'),	-- shinko-chu: in progress
		(U&'\63D0\6848\4E2D', 'open'),	-- teian-chu: proposing
		(U&'\691C\8A0E\4E2D', 'open');	-- kento-chu: under consideration
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.deal_outcomes: left out';
END
$$;

CREATE TABLE dormancy.deal_reasons (
	source_reason text PRIMARY KEY,
	reason text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT deal_reasons_reason CHECK (reason IN ('price', 'features', 'competitor', 'timing', 'budget',
													 'circumstances', 'other')),
	CONSTRAINT deal_reasons_source_not_blank CHECK (btrim(source_reason) <> '')
);
CREATE UNIQUE INDEX deal_reasons_key ON dormancy.deal_reasons ((lower(btrim(source_reason))));
COMMENT ON TABLE dormancy.deal_reasons IS
	'maps the lost or postponed reasons of the bound deals onto price, features, competitor, timing, budget, circumstances or other (case-insensitive); unmapped reasons count as other and are reported';
COMMENT ON COLUMN dormancy.deal_reasons.source_reason IS 'a value of the bound reason column (matched case-insensitively, blanks trimmed)';
COMMENT ON COLUMN dormancy.deal_reasons.reason IS 'what it means: price, features, competitor, timing, budget, circumstances or other';
COMMENT ON COLUMN dormancy.deal_reasons.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.deal_reasons (source_reason, reason) VALUES
	('price', 'price'), ('pricing', 'price'), ('too expensive', 'price'), ('cost', 'price'),
	('features', 'features'), ('feature', 'features'), ('functionality', 'features'),
	('missing features', 'features'), ('product fit', 'features'), ('competitor', 'competitor'),
	('competition', 'competitor'), ('lost to competitor', 'competitor'),
	('switched to competitor', 'competitor'), ('timing', 'timing'), ('bad timing', 'timing'),
	('not now', 'timing'), ('budget', 'budget'), ('no budget', 'budget'), ('budget cut', 'budget'),
	('next fiscal year', 'budget'), ('circumstances', 'circumstances'),
	('customer circumstances', 'circumstances'), ('reorganization', 'circumstances'),
	('other', 'other');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.deal_reasons (source_reason, reason) VALUES
		(U&'\4FA1\683C', 'price'),	-- kakaku: price
		(U&'\4FA1\683C\304C\9AD8\3044', 'price'),	-- kakaku ga takai: price too high
		(U&'\6599\91D1', 'price'),	-- ryokin: fee
		(U&'\30B3\30B9\30C8', 'price'),	-- kosuto: cost
		(U&'\5024\6BB5', 'price'),	-- nedan: price
		(U&'\6A5F\80FD', 'features'),	-- kino: features
		(U&'\6A5F\80FD\4E0D\8DB3', 'features'),	-- kino busoku: missing features
		(U&'\4ED5\69D8', 'features'),	-- shiyo: specification
		(U&'\7AF6\5408', 'competitor'),	-- kyogo: competitor
		(U&'\4ED6\793E', 'competitor'),	-- tasha: another company
		(U&'\7AF6\5408\4ED6\793E', 'competitor'),	-- kyogo tasha: competing company
		(U&'\4ED6\793E\306B\4E57\308A\63DB\3048', 'competitor'),	-- tasha ni norikae: switched to another company
		(U&'\4ED6\793E\88FD\54C1\63A1\7528', 'competitor'),	-- tasha seihin saiyo: adopted a competitor product
		(U&'\30BF\30A4\30DF\30F3\30B0', 'timing'),	-- taimingu: timing
		(U&'\6642\671F', 'timing'),	-- jiki: timing
		(U&'\6642\671F\5C1A\65E9', 'timing'),	-- jiki shoso: premature
		(U&'\4E88\7B97', 'budget'),	-- yosan: budget
		(U&'\4E88\7B97\4E0D\8DB3', 'budget'),	-- yosan busoku: not enough budget
		(U&'\6765\671F\4E88\7B97', 'budget'),	-- raiki yosan: next term budget
		(U&'\6B21\5E74\5EA6\4E88\7B97', 'budget'),	-- jinendo yosan: next fiscal year budget
		(U&'\9867\5BA2\90FD\5408', 'circumstances'),	-- kokyaku tsugo: customer circumstances
		(U&'\793E\5185\4E8B\60C5', 'circumstances'),	-- shanai jijo: internal circumstances
		(U&'\7D44\7E54\5909\66F4', 'circumstances'),	-- soshiki henko: reorganization
		(U&'\62C5\5F53\8005\7570\52D5', 'circumstances'),	-- tantosha ido: contact person moved
		(U&'\305D\306E\4ED6', 'other');	-- sonota: other
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.deal_reasons: left out';
END
$$;

SELECT dormancy._install_defaults('dormancy.event_kinds', 'source_kind');
SELECT dormancy._install_defaults('dormancy.deal_outcomes', 'source_outcome');
SELECT dormancy._install_defaults('dormancy.deal_reasons', 'source_reason');

--
-- Rules: contract end as the recency source (D1, IT services)
--
ALTER TABLE dormancy.rules ADD COLUMN use_contract_end boolean NOT NULL DEFAULT false;
ALTER TABLE dormancy.default_rules ADD COLUMN use_contract_end boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN dormancy.rules.use_contract_end IS
	'measure recency from contract coverage too: the last covered day of the bound contracts counts like a purchase day (IT services: a lapsed licence is what dormancy means)';
COMMENT ON COLUMN dormancy.default_rules.use_contract_end IS 'default of use_contract_end';
ALTER TABLE dormancy.rules DISABLE TRIGGER rules_before_write;
UPDATE dormancy.rules SET use_contract_end = true
 WHERE installed AND industry = 'it_services' AND company_size IS NULL;
ALTER TABLE dormancy.rules ENABLE TRIGGER rules_before_write;
UPDATE dormancy.default_rules SET use_contract_end = true
 WHERE industry = 'it_services' AND company_size IS NULL;

--
-- Binding the optional sources
--

-- The type of customer ids: the bound customers' id, else the orders'
-- customer column, else bigint.
CREATE FUNCTION dormancy._customer_id_type()
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
COMMENT ON FUNCTION dormancy._customer_id_type() IS
	'internal: the type of customer ids (bound customers, else orders, else bigint)';

-- Check the customer column of an optional source: it must compare with the
-- customer ids of the bound customers (or orders).
CREATE FUNCTION dormancy._check_customer_column(source text, relation regclass, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	col_type text := (dormancy._binding_column(relation, 'customer', col)).type_name;
	id_type text := dormancy._customer_id_type();
	ids_bound boolean := EXISTS (SELECT 1 FROM dormancy.bindings b WHERE b.source IN ('customers', 'orders'));
BEGIN
	BEGIN
		EXECUTE format('SELECT NULL::%s = NULL::%s', col_type, id_type);
	EXCEPTION WHEN undefined_function THEN
		RAISE EXCEPTION 'customer ids of % and customers cannot be compared', source
			USING ERRCODE = 'datatype_mismatch',
				  DETAIL = format('The customer column "%s" of %s has type %s and the customer ids have type %s.',
								  col, relation, col_type, id_type),
				  HINT = CASE WHEN ids_bound THEN 'Bind a view that casts the column to the type of the customer ids.'
							  ELSE 'Bind the customers (or the orders) first: until then customer ids are bigint.' END;
	END;
END
$$;
COMMENT ON FUNCTION dormancy._check_customer_column(text, regclass, name) IS
	'internal: check that the customer column of an optional source compares with the customer ids';



CREATE FUNCTION dormancy.bind_contracts(relation regclass, customer name, starts_on name, ends_on name,
	seats name DEFAULT NULL, amount name DEFAULT NULL, auto_renew name DEFAULT NULL, plan name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('contracts', relation, customer);
	PERFORM dormancy._check_day_column(relation, 'starts_on', starts_on);
	PERFORM dormancy._check_day_column(relation, 'ends_on', ends_on);
	IF seats IS NOT NULL THEN
		PERFORM dormancy._check_number_column(relation, 'seats', seats);
	END IF;
	IF amount IS NOT NULL THEN
		PERFORM dormancy._check_number_column(relation, 'amount', amount);
	END IF;
	IF auto_renew IS NOT NULL THEN
		PERFORM dormancy._check_bool_column(relation, 'auto_renew', auto_renew);
	END IF;
	IF plan IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'plan', plan);
	END IF;
	PERFORM dormancy._bind('contracts', relation,
						   jsonb_build_object('customer', customer, 'starts_on', starts_on, 'ends_on', ends_on,
											  'seats', seats, 'amount', amount, 'auto_renew', auto_renew,
											  'plan', plan));
END
$$;
COMMENT ON FUNCTION dormancy.bind_contracts(regclass, name, name, name, name, name, name, name) IS
	'bind the contracts relation (one row per contract term): customer, start and end columns, optional seats, amount, auto-renew flag and plan';

CREATE FUNCTION dormancy.bind_events(relation regclass, customer name, occurred_at name, kind name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('events', relation, customer);
	PERFORM dormancy._check_day_column(relation, 'occurred_at', occurred_at);
	PERFORM dormancy._binding_column(relation, 'kind', kind);
	PERFORM dormancy._bind('events', relation,
						   jsonb_build_object('customer', customer, 'occurred_at', occurred_at, 'kind', kind));
END
$$;
COMMENT ON FUNCTION dormancy.bind_events(regclass, name, name, name) IS
	'bind the engagement events relation: customer, time and kind columns (kinds mapped by dormancy.event_kinds)';

CREATE FUNCTION dormancy.bind_deals(relation regclass, customer name, closed_at name, outcome name,
	lost_reason name DEFAULT NULL, note name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('deals', relation, customer);
	PERFORM dormancy._check_day_column(relation, 'closed_at', closed_at);
	PERFORM dormancy._binding_column(relation, 'outcome', outcome);
	IF lost_reason IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'lost_reason', lost_reason);
	END IF;
	IF note IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'note', note);
	END IF;
	PERFORM dormancy._bind('deals', relation,
						   jsonb_build_object('customer', customer, 'closed_at', closed_at, 'outcome', outcome,
											  'lost_reason', lost_reason, 'note', note));
END
$$;
COMMENT ON FUNCTION dormancy.bind_deals(regclass, name, name, name, name, name) IS
	'bind the deals relation: customer, close time and outcome columns, optional lost reason and note (mapped by dormancy.deal_outcomes and dormancy.deal_reasons)';

-- Contacts (D9): the customers table itself or a table of contacts, several
-- per customer; at least one of phone, email and person.
CREATE FUNCTION dormancy.bind_contacts(relation regclass, customer name, phone name DEFAULT NULL,
	email name DEFAULT NULL, person name DEFAULT NULL, updated_at name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF phone IS NULL AND email IS NULL AND person IS NULL THEN
		RAISE EXCEPTION 'bind_contacts needs a phone, email or person column'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Without one there is no contact data to check.',
				  HINT = 'Name the columns, for example: bind_contacts(''crm.contacts'', customer => ''account_id'', phone => ''tel'', email => ''mail'').';
	END IF;
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('contacts', relation, customer);
	IF phone IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'phone', phone);
	END IF;
	IF email IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'email', email);
	END IF;
	IF person IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'person', person);
	END IF;
	IF updated_at IS NOT NULL THEN
		PERFORM dormancy._check_day_column(relation, 'updated_at', updated_at);
	END IF;
	PERFORM dormancy._bind('contacts', relation,
						   jsonb_build_object('customer', customer, 'phone', phone, 'email', email,
											  'person', person, 'updated_at', updated_at));
END
$$;
COMMENT ON FUNCTION dormancy.bind_contacts(regclass, name, name, name, name, name) IS
	'bind the contacts relation (the customers table itself, or several contacts per customer): customer column and at least one of phone, email and person, optional day of the last update';

REVOKE ALL ON FUNCTION dormancy.bind_contracts(regclass, name, name, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_contacts(regclass, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_events(regclass, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_deals(regclass, name, name, name, name, name) FROM PUBLIC;

--
-- The generated views of the sources
--

CREATE FUNCTION dormancy._views_50_sources(bindings jsonb)
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
COMMENT ON FUNCTION dormancy._views_50_sources(jsonb) IS
	'internal: the views of the contracts, events, deals and contacts sources (adapters, per-customer signals, source_issues)';

--
-- Their columns in customer_status
--

-- Contracts (alias con; csr = the rule's recency source, cst = the
-- contract-based state).  cst.scored_state is the state the priority uses:
-- for rules with use_contract_end, the last covered day of the contracts
-- counts like a purchase day.
CREATE FUNCTION dormancy._status_parts_50_contracts(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN LATERAL (
	-- customer_core joins contract_signals once; these are its columns
	SELECT CASE WHEN core.contract_terms IS NOT NULL THEN core.customer_id END AS customer_id,
		   core.contract_end_at, core.contract_covered_until AS last_covered_day, core.contract_lapsed,
		   core.days_since_contract_end, core.auto_renew_off, core.downgraded, core.renewal_due_in_days
  ) con ON true
LEFT JOIN dormancy.rules csr ON csr.rule_id = core.rule_id
CROSS JOIN LATERAL (
	SELECT CASE WHEN con.customer_id IS NOT NULL THEN
				dormancy.dormancy_state(con.last_covered_day, core.as_of, core.at_risk_after,
										core.dormant_after, core.long_dormant_after) END AS contract_state,
		   CASE WHEN coalesce(csr.use_contract_end, false) AND con.last_covered_day IS NOT NULL
				THEN greatest(core.last_qualifying_order_at, con.last_covered_day)
				ELSE core.last_qualifying_order_at END AS scored_last_day
) cst0
CROSS JOIN LATERAL (
	SELECT cst0.contract_state,
		   cst0.scored_last_day,
		   core.state AS scored_state	-- customer_core applies use_contract_end already
) cst$f$,
		   'cst.contract_state'
$$;
COMMENT ON FUNCTION dormancy._status_parts_50_contracts(jsonb) IS
	'internal: the contract columns of customer_status';

-- Engagement (alias eng).
CREATE FUNCTION dormancy._status_parts_51_engagement(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN dormancy.customer_engagement eng ON eng.customer_id = core.customer_id',
		   CASE WHEN bindings ? 'events'
				THEN 'coalesce(eng.events_in_window, 0) AS events_in_window, coalesce(eng.pricing_views, 0) AS pricing_views, '
					 'coalesce(eng.support_visits, 0) AS support_visits, eng.days_since_last_event'
				ELSE 'eng.events_in_window, eng.pricing_views, eng.support_visits, eng.days_since_last_event' END
$$;
COMMENT ON FUNCTION dormancy._status_parts_51_engagement(jsonb) IS
	'internal: the engagement columns of customer_status';

-- Deals (alias deal; dk = the kind of dormancy).
CREATE FUNCTION dormancy._status_parts_52_deals(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN dormancy.customer_deals deal ON deal.customer_id = core.customer_id
CROSS JOIN LATERAL (
	SELECT CASE WHEN deal.last_deal_outcome IN ('lost', 'postponed')
					 AND (core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at) THEN 'lost_deal'
				WHEN cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') THEN 'purchase' END AS dormancy_kind
) dk$f$,
		   'deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason, '
		   'coalesce(deal.open_deals, 0) AS open_deals, dk.dormancy_kind'
$$;
COMMENT ON FUNCTION dormancy._status_parts_52_deals(jsonb) IS
	'internal: the deal columns of customer_status';

CREATE FUNCTION dormancy._comment_views_50_sources()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_contracts IS 'adapter view over the bound contracts relation, one row per contract term (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contracts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contracts.starts_on IS 'first day of the term (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_contracts.ends_on IS 'last day of the term; NULL or infinity for an open-ended term';
	COMMENT ON COLUMN dormancy.src_contracts.seats IS 'seats or licences of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.amount IS 'amount of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.auto_renew IS 'whether the term renews by itself, NULL when unbound or unknown';
	COMMENT ON COLUMN dormancy.src_contracts.plan IS 'plan of the term as text, NULL when unbound';

	COMMENT ON VIEW dormancy.src_events IS 'adapter view over the bound engagement events relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_events.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_events.occurred_on IS 'the day of the event (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_events.source_kind IS 'the bound kind column as text, mapped by dormancy.event_kinds';

	COMMENT ON VIEW dormancy.src_deals IS 'adapter view over the bound deals relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_deals.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_deals.closed_on IS 'the day the deal closed (NULL for open deals); a timestamptz becomes its day in dormancy.time_zone';
	COMMENT ON COLUMN dormancy.src_deals.source_outcome IS 'the bound outcome column as text, mapped by dormancy.deal_outcomes';
	COMMENT ON COLUMN dormancy.src_deals.source_reason IS 'the bound lost reason column as text, mapped by dormancy.deal_reasons; NULL when unbound';
	COMMENT ON COLUMN dormancy.src_deals.note IS 'the bound note column as text, NULL when unbound';

	COMMENT ON VIEW dormancy.src_contacts IS 'adapter view over the bound contacts relation, one row per contact (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contacts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contacts.phone IS 'the bound phone column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.email IS 'the bound email column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.person IS 'the bound contact person column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.updated_on IS 'the day the contact was last updated (a timestamptz becomes its day in dormancy.time_zone), NULL when unbound';

	COMMENT ON VIEW dormancy.contract_signals IS 'contract signals per customer with contract terms, as of dormancy.as_of_day() (docs/sources.md)';
	COMMENT ON COLUMN dormancy.contract_signals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.contract_signals.terms IS 'valid terms (a start or an end, not ending before the start)';
	COMMENT ON COLUMN dormancy.contract_signals.current_starts_on IS 'start of the current term (the started term covering as_of that ends last)';
	COMMENT ON COLUMN dormancy.contract_signals.current_ends_on IS 'end of the current term; NULL when open-ended or none';
	COMMENT ON COLUMN dormancy.contract_signals.current_plan IS 'plan of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_seats IS 'seats of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_amount IS 'amount of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_auto_renew IS 'auto-renew flag of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.contract_end_at IS 'latest end of the terms started by as_of; NULL when one is open-ended';
	COMMENT ON COLUMN dormancy.contract_signals.last_covered_day IS 'the last day up to as_of covered by a term (as_of while a term runs): the contract recency';
	COMMENT ON COLUMN dormancy.contract_signals.contract_lapsed IS 'no term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.contract_signals.days_since_contract_end IS 'days from the end of the last term to as_of when no term covers as_of';
	COMMENT ON COLUMN dormancy.contract_signals.auto_renew_off IS 'the current term has auto-renew off and no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_horizon_days IS 'the renewal horizon of dormancy.source_settings in days';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded IS 'a term with fewer seats or a lower amount than the term before it started within the downgrade window';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded_on IS 'start of the latest such term';
	COMMENT ON COLUMN dormancy.contract_signals.seats_before IS 'seats of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.seats_after IS 'seats of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.amount_before IS 'amount of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.amount_after IS 'amount of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.plan_before IS 'plan of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.plan_after IS 'plan of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_engagement IS 'engagement events per customer: counts in the engagement window and days since the last event, by kind';
	COMMENT ON COLUMN dormancy.customer_engagement.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_engagement.events_in_window IS 'events in (as_of - engagement_window, as_of]';
	COMMENT ON COLUMN dormancy.customer_engagement.email_opens IS 'email_open events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.email_clicks IS 'email_click events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.web_visits IS 'web_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.pricing_views IS 'pricing_view events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.document_downloads IS 'document_download events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.support_visits IS 'support_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.other_events IS 'other events (unmapped kinds included) in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.last_event_at IS 'day of the last event up to as_of';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_event IS 'as_of minus last_event_at';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_open IS 'days since the last email_open';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_click IS 'days since the last email_click';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_web_visit IS 'days since the last web_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_pricing_view IS 'days since the last pricing_view';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_document_download IS 'days since the last document_download';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_support_visit IS 'days since the last support_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_other_event IS 'days since the last other event';
	COMMENT ON COLUMN dormancy.customer_engagement.engagement_window_days IS 'length of the engagement window in days';
	COMMENT ON COLUMN dormancy.customer_engagement.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_deals IS 'the last closed deal per customer with deals, and deal counts';
	COMMENT ON COLUMN dormancy.customer_deals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_at IS 'close day of the last deal that is not open, up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.days_since_last_deal IS 'as_of minus last_deal_at';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_outcome IS 'won, lost, postponed, or unknown (an outcome that is NULL or not in dormancy.deal_outcomes)';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_reason IS 'price, features, competitor, timing, budget, circumstances or other; NULL when none was given';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_outcome IS 'the outcome as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_reason IS 'the reason as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_note IS 'the note of the last deal';
	COMMENT ON COLUMN dormancy.customer_deals.deals_won IS 'won deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_lost IS 'lost deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_postponed IS 'postponed deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_deals.last_won_at IS 'close day of the last won deal';
	COMMENT ON COLUMN dormancy.customer_deals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.source_issues IS 'rows of the contracts, events, deals and contacts sources that cannot be used or had to be interpreted, counted per kind';
	COMMENT ON COLUMN dormancy.source_issues.source IS 'contracts, events, deals or contacts';
	COMMENT ON COLUMN dormancy.source_issues.issue IS 'what is wrong (docs/sources.md lists every issue)';
	COMMENT ON COLUMN dormancy.source_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.source_issues.value IS 'the value concerned (an unmapped kind, outcome or reason; the dates of a term ending before its start)';
	COMMENT ON COLUMN dormancy.source_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.source_issues.detail IS 'what the issue means and what was done with the rows';

	COMMENT ON COLUMN dormancy.customer_status.contract_end_at IS 'latest end of the customer''s contract terms started by as_of (NULL when open-ended or without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.contract_lapsed IS 'no contract term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.customer_status.auto_renew_off IS 'the current term will not renew: auto-renew off and no later term signed';
	COMMENT ON COLUMN dormancy.customer_status.downgraded IS 'a term with fewer seats or a lower amount than the one before it started in the downgrade window';
	COMMENT ON COLUMN dormancy.customer_status.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.customer_status.contract_state IS 'the state ladder applied to the last day covered by a contract (NULL without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.events_in_window IS 'engagement events in the engagement window (NULL when events are not bound)';
	COMMENT ON COLUMN dormancy.customer_status.pricing_views IS 'pricing page views in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.support_visits IS 'support page visits in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_at IS 'close day of the last deal that is not open';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_outcome IS 'won, lost, postponed or unknown';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_reason IS 'reason of the last deal: price, features, competitor, timing, budget, circumstances or other';
	COMMENT ON COLUMN dormancy.customer_status.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_status.dormancy_kind IS 'lost_deal (last deal lost or postponed, after any purchase), purchase (at risk or dormant after purchases), or NULL';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_50_sources() IS 'internal: comment the views and columns of the optional sources';

REVOKE ALL ON FUNCTION dormancy._comment_views_50_sources() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._install_defaults(regclass, name) FROM PUBLIC;

-- from sql_src/55_priority.sql
--
-- Whom to call first (issue #5): priority score with its breakdown (D7), the
-- likely reason and its evidence (D6), the approach channel and message
-- theme (D8), and the call list.  docs/priority.md has the definitions.
--

--
-- Weights, caps and the values of deal outcomes
--

-- At most one row; empty means the documented defaults (the column defaults,
-- repeated in score_weights_in_force() and in core/priority.c).
CREATE TABLE dormancy.score_weights (
	singleton boolean PRIMARY KEY DEFAULT true,
	past_value double precision NOT NULL DEFAULT 20,
	regularity double precision NOT NULL DEFAULT 15,
	recency double precision NOT NULL DEFAULT 20,
	decline double precision NOT NULL DEFAULT 10,
	engagement double precision NOT NULL DEFAULT 10,
	deal double precision NOT NULL DEFAULT 10,
	contract double precision NOT NULL DEFAULT 5,
	p_alive double precision NOT NULL DEFAULT 5,
	expected_value double precision NOT NULL DEFAULT 5,
	value_cap double precision NOT NULL DEFAULT 10000000,
	regular_days_cap integer NOT NULL DEFAULT 6,
	replacement_cycle_days integer NOT NULL DEFAULT 1826,
	decline_signals_cap integer NOT NULL DEFAULT 2,
	engagement_cap double precision NOT NULL DEFAULT 10,
	no_engagement double precision NOT NULL DEFAULT -0.5,
	deal_won double precision NOT NULL DEFAULT 0.3,
	deal_open double precision NOT NULL DEFAULT 0.5,
	deal_postponed double precision NOT NULL DEFAULT 1.0,
	deal_lost_budget_timing double precision NOT NULL DEFAULT 0.6,
	deal_lost_price double precision NOT NULL DEFAULT -0.5,
	deal_lost_competitor double precision NOT NULL DEFAULT -1.0,
	deal_lost_other double precision NOT NULL DEFAULT -0.3,
	deal_horizon_days integer NOT NULL DEFAULT 1095,
	campaign_only_factor double precision NOT NULL DEFAULT 0.3,
	call_list_min_score double precision NOT NULL DEFAULT 20,
	CONSTRAINT score_weights_one_row CHECK (singleton),
	CONSTRAINT score_weights_weights CHECK (
		past_value BETWEEN 0 AND 1000 AND regularity BETWEEN 0 AND 1000 AND recency BETWEEN 0 AND 1000 AND
		decline BETWEEN 0 AND 1000 AND engagement BETWEEN 0 AND 1000 AND deal BETWEEN 0 AND 1000 AND
		contract BETWEEN 0 AND 1000 AND p_alive BETWEEN 0 AND 1000 AND expected_value BETWEEN 0 AND 1000),
	CONSTRAINT score_weights_value_cap CHECK (value_cap > 0 AND value_cap < 'infinity'),
	CONSTRAINT score_weights_regular_days_cap CHECK (regular_days_cap >= 2),
	CONSTRAINT score_weights_replacement_cycle CHECK (replacement_cycle_days >= 1),
	CONSTRAINT score_weights_decline_signals_cap CHECK (decline_signals_cap >= 1),
	CONSTRAINT score_weights_engagement_cap CHECK (engagement_cap > 0 AND engagement_cap < 'infinity'),
	CONSTRAINT score_weights_no_engagement CHECK (no_engagement BETWEEN -1 AND 0),
	CONSTRAINT score_weights_deal_values CHECK (
		deal_won BETWEEN -1 AND 1 AND deal_open BETWEEN -1 AND 1 AND deal_postponed BETWEEN -1 AND 1 AND
		deal_lost_budget_timing BETWEEN -1 AND 1 AND deal_lost_price BETWEEN -1 AND 1 AND
		deal_lost_competitor BETWEEN -1 AND 1 AND deal_lost_other BETWEEN -1 AND 1),
	CONSTRAINT score_weights_deal_horizon CHECK (deal_horizon_days >= 1),
	CONSTRAINT score_weights_campaign_only_factor CHECK (campaign_only_factor BETWEEN 0 AND 1),
	CONSTRAINT score_weights_call_list_min_score CHECK (call_list_min_score BETWEEN 0 AND 100)
);
COMMENT ON TABLE dormancy.score_weights IS
	'weights and caps of the priority score: at most one row; no row means the defaults (see dormancy.score_weights_in_force() and docs/priority.md)';
COMMENT ON COLUMN dormancy.score_weights.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.score_weights.past_value IS 'weight of past value (total amount on a log scale up to value_cap); 0 to 1000; default 20';
COMMENT ON COLUMN dormancy.score_weights.regularity IS 'weight of regularity (repeat purchases on a steady cycle shorter than replacement_cycle_days); default 15';
COMMENT ON COLUMN dormancy.score_weights.recency IS 'weight of recency (highest at risk, falling through dormant to long dormant); default 20';
COMMENT ON COLUMN dormancy.score_weights.decline IS 'weight of the decline signals; default 10';
COMMENT ON COLUMN dormancy.score_weights.engagement IS 'weight of engagement (events in the engagement window; counts only when events are bound); default 10';
COMMENT ON COLUMN dormancy.score_weights.deal IS 'weight of the last deal (counts only when deals are bound); default 10';
COMMENT ON COLUMN dormancy.score_weights.contract IS 'weight of the contract signals (counts only when contracts are bound); default 5';
COMMENT ON COLUMN dormancy.score_weights.p_alive IS 'weight of the model''s p_alive (counts only when a model is fitted); default 5';
COMMENT ON COLUMN dormancy.score_weights.expected_value IS 'weight of the model''s expected value on a log scale up to value_cap (only when fitted); default 5';
COMMENT ON COLUMN dormancy.score_weights.value_cap IS 'amount (in your currency) at which past_value and expected_value reach 1; default 10,000,000';
COMMENT ON COLUMN dormancy.score_weights.regular_days_cap IS 'purchase days for full regularity; at least 2; default 6';
COMMENT ON COLUMN dormancy.score_weights.replacement_cycle_days IS 'median gap in days at which regularity falls to 0 (replacement cycles of 5+ years are low priority); default 1826';
COMMENT ON COLUMN dormancy.score_weights.decline_signals_cap IS 'decline signals for a full decline value; default 2';
COMMENT ON COLUMN dormancy.score_weights.engagement_cap IS 'events in the window (pricing views counted twice) for full engagement intensity; default 10';
COMMENT ON COLUMN dormancy.score_weights.no_engagement IS 'engagement value when events are bound but the customer has none in the window; -1 to 0; default -0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_won IS 'value of a won last deal; -1 to 1; default 0.3';
COMMENT ON COLUMN dormancy.score_weights.deal_open IS 'value of an open deal (a floor while one is open); default 0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_postponed IS 'value of a postponed last deal (e.g. until next fiscal year''s budget); default 1';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_budget_timing IS 'value of a last deal lost on budget or timing; default 0.6';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_price IS 'value of a last deal lost on price; default -0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_competitor IS 'value of a last deal lost to a competitor; default -1';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_other IS 'value of a last deal lost for another or no reason; default -0.3';
COMMENT ON COLUMN dormancy.score_weights.deal_horizon_days IS 'a deal''s value fades linearly to 0 at this age in days; default 1095';
COMMENT ON COLUMN dormancy.score_weights.campaign_only_factor IS 'regularity of campaign-only buyers is multiplied by this; 0 to 1; default 0.3';
COMMENT ON COLUMN dormancy.score_weights.call_list_min_score IS 'dormancy.call_list shows customers scoring at least this; 0 to 100; default 20';
SELECT pg_catalog.pg_extension_config_dump('dormancy.score_weights', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.score_weights_in_force()
	RETURNS dormancy.score_weights
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT w FROM dormancy.score_weights w),
					ROW(true, 20, 15, 20, 10, 10, 10, 5, 5, 5, 10000000, 6, 1826, 2, 10, -0.5,
						0.3, 0.5, 1.0, 0.6, -0.5, -1.0, -0.3, 1095, 0.3, 20)::dormancy.score_weights);
COMMENT ON FUNCTION dormancy.score_weights_in_force() IS
	'the row of dormancy.score_weights, or the defaults when it is empty';

--
-- The score function
--

CREATE TYPE dormancy.priority_inputs AS (
	state text,
	days_since_last_order integer,
	at_risk_days integer,
	dormant_days integer,
	long_dormant_days integer,
	total_amount double precision,
	order_days integer,
	median_gap_days double precision,
	mean_gap_days double precision,
	gap_stddev_days double precision,
	segment text,
	decline_signals integer,
	declining boolean,
	events_bound boolean,
	events_in_window integer,
	pricing_views integer,
	days_since_last_event integer,
	engagement_window_days integer,
	deals_bound boolean,
	last_deal_outcome text,
	last_deal_reason text,
	days_since_last_deal integer,
	open_deals integer,
	contracts_bound boolean,
	has_contract boolean,
	contract_lapsed boolean,
	days_since_contract_end integer,
	auto_renew_off boolean,
	downgraded boolean,
	renewal_due_in_days integer,
	renewal_horizon_days integer,
	p_alive double precision,
	expected_value double precision
);
COMMENT ON TYPE dormancy.priority_inputs IS
	'what score_priority() reads about one customer (customer_status builds it; docs/priority.md)';

CREATE TYPE dormancy.priority_result AS (
	score double precision,
	breakdown jsonb
);
COMMENT ON TYPE dormancy.priority_result IS 'a priority score (0 to 100) and its breakdown by component';

CREATE FUNCTION dormancy.score_priority(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS dormancy.priority_result
	AS 'MODULE_PATHNAME', 'score_priority'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.score_priority(dormancy.priority_inputs, dormancy.score_weights) IS
	'priority score of one customer, 0 to 100, with a breakdown: per component its value (-1 to 1), weight, share of the 100 points and contribution';

--
-- Reasons, themes and channels: editable tables
--

CREATE TABLE dormancy.reason_rules (
	rule_order integer PRIMARY KEY,
	evidence text[] NOT NULL,
	reason text NOT NULL,
	note text,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT reason_rules_reason CHECK (reason IN (
		'dissatisfied_product', 'dissatisfied_price', 'dissatisfied_support', 'forgot',
		'circumstances_changed', 'lost_to_competitor', 'budget_timing', 'campaign_only',
		'one_time_mismatch', 'price_increase', 'spec_change', 'unknown')),
	CONSTRAINT reason_rules_evidence CHECK (
		cardinality(evidence) >= 1 AND array_position(evidence, NULL) IS NULL)
);
COMMENT ON TABLE dormancy.reason_rules IS
	'evidence -> likely reason: the first rule (by rule_order) whose evidence the customer all has gives likely_reason; edit freely (docs/priority.md lists the evidence)';
COMMENT ON COLUMN dormancy.reason_rules.rule_order IS 'rules are tried in this order';
COMMENT ON COLUMN dormancy.reason_rules.evidence IS 'evidence the customer must all have, e.g. {deal_lost,deal_reason_competitor}';
COMMENT ON COLUMN dormancy.reason_rules.reason IS 'the likely reason it gives';
COMMENT ON COLUMN dormancy.reason_rules.note IS 'why';
COMMENT ON COLUMN dormancy.reason_rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note) VALUES
	(10, '{deal_lost,deal_reason_competitor}', 'lost_to_competitor', 'the last deal went to a competitor'),
	(20, '{deal_postponed}', 'budget_timing', 'the last deal was postponed (e.g. until next fiscal year''s budget)'),
	(21, '{deal_lost,deal_reason_budget}', 'budget_timing', 'the last deal was lost on budget'),
	(22, '{deal_lost,deal_reason_timing}', 'budget_timing', 'the last deal was lost on timing'),
	(30, '{lapsed_after_price_increase}', 'price_increase', 'no order since a price increase'),
	(31, '{lapsed_after_spec_change}', 'spec_change', 'no order since a specification change'),
	(40, '{deal_lost,deal_reason_price}', 'dissatisfied_price', 'the last deal was lost on price'),
	(41, '{repeated_pricing_views}', 'dissatisfied_price', 'repeated pricing views: comparison shopping'),
	(45, '{support_visits}', 'dissatisfied_support', 'repeated support visits hint at dissatisfaction'),
	(50, '{deal_lost,deal_reason_features}', 'dissatisfied_product', 'the last deal was lost on features'),
	(55, '{deal_reason_circumstances}', 'circumstances_changed', 'the last deal ended on the customer''s circumstances'),
	(56, '{downgraded}', 'circumstances_changed', 'fewer seats or a smaller contract at renewal'),
	(60, '{campaign_only}', 'campaign_only', 'bought only at a discount'),
	(70, '{one_time}', 'one_time_mismatch', 'one purchase only: probably a mismatch'),
	(80, '{repeat,no_engagement}', 'forgot', 'a repeat buyer who no longer opens or visits anything'),
	(81, '{contract_lapsed,no_engagement}', 'forgot', 'a licence that lapsed without any contact'),
	(85, '{repeat,amount_drop}', 'circumstances_changed', 'a repeat buyer spending less'),
	(86, '{repeat,frequency_drop}', 'circumstances_changed', 'a repeat buyer ordering less often'),
	(87, '{repeat,cadence_slowdown}', 'circumstances_changed', 'a repeat buyer on a slower cycle'),
	(90, '{repeat}', 'circumstances_changed', 'a repeat buyer liked the product: their situation changed'),
	(95, '{contract_lapsed}', 'forgot', 'a licence that was not renewed');

CREATE TABLE dormancy.message_themes (
	reason text PRIMARY KEY,
	theme text NOT NULL,
	note text,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT message_themes_reason CHECK (reason IN (
		'dissatisfied_product', 'dissatisfied_price', 'dissatisfied_support', 'forgot',
		'circumstances_changed', 'lost_to_competitor', 'budget_timing', 'campaign_only',
		'one_time_mismatch', 'price_increase', 'spec_change', 'unknown')),
	CONSTRAINT message_themes_theme CHECK (theme IN (
		'feedback_survey', 'discount_or_downsell', 'reminder', 'usage_guide', 'new_offer',
		'comparison_case_study', 'referral'))
);
COMMENT ON TABLE dormancy.message_themes IS 'likely reason -> message theme of the approach; edit freely';
COMMENT ON COLUMN dormancy.message_themes.reason IS 'a likely reason';
COMMENT ON COLUMN dormancy.message_themes.theme IS 'feedback_survey, discount_or_downsell, reminder, usage_guide, new_offer, comparison_case_study or referral';
COMMENT ON COLUMN dormancy.message_themes.note IS 'why';
COMMENT ON COLUMN dormancy.message_themes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.message_themes (reason, theme, note) VALUES
	('dissatisfied_product', 'feedback_survey', 'ask what did not work'),
	('dissatisfied_price', 'discount_or_downsell', 'a discount or a smaller plan'),
	('dissatisfied_support', 'feedback_survey', 'ask about the support experience'),
	('forgot', 'reminder', 'a reminder, usage tips or points about to expire'),
	('circumstances_changed', 'new_offer', 'a new product or plan for the new situation'),
	('lost_to_competitor', 'comparison_case_study', 'comparisons and case studies'),
	('budget_timing', 'reminder', 'follow up when the new budget opens'),
	('campaign_only', 'discount_or_downsell', 'they answer to offers'),
	('one_time_mismatch', 'feedback_survey', 'ask why they did not come back'),
	('price_increase', 'discount_or_downsell', 'an offer that softens the new price'),
	('spec_change', 'usage_guide', 'show how the new specification serves them'),
	('unknown', 'reminder', 'a plain reminder');

CREATE TABLE dormancy.approach_rules (
	rule_order integer PRIMARY KEY,
	channel text NOT NULL,
	min_value double precision NOT NULL DEFAULT 0,
	industries text[],
	company_sizes text[],
	reasons text[],
	note text,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT approach_rules_channel CHECK (channel IN ('email', 'direct_mail', 'phone', 'visit', 'step_mail')),
	CONSTRAINT approach_rules_min_value CHECK (min_value >= 0 AND min_value < 'infinity'),
	CONSTRAINT approach_rules_lists CHECK (
		array_position(industries, NULL) IS NULL AND array_position(company_sizes, NULL) IS NULL AND
		array_position(reasons, NULL) IS NULL)
);
COMMENT ON TABLE dormancy.approach_rules IS
	'the approach channel: the first rule (by rule_order) that matches the customer''s approach_value, industry, company size and likely reason; edit freely (amounts are in your currency)';
COMMENT ON COLUMN dormancy.approach_rules.rule_order IS 'rules are tried in this order';
COMMENT ON COLUMN dormancy.approach_rules.channel IS 'email, direct_mail, phone, visit or step_mail';
COMMENT ON COLUMN dormancy.approach_rules.min_value IS 'the customer''s approach_value must be at least this';
COMMENT ON COLUMN dormancy.approach_rules.industries IS 'industries it applies to (case-insensitive), NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.company_sizes IS 'company sizes it applies to (case-insensitive), NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.reasons IS 'likely reasons it applies to, NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.note IS 'why';
COMMENT ON COLUMN dormancy.approach_rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, industries, company_sizes, reasons, note) VALUES
	(10, 'visit', 1000000, NULL, '{enterprise,mid}', NULL, 'a visit only for high-value B2B accounts'),
	(20, 'phone', 300000, NULL, NULL, NULL, 'medium-high value: a call'),
	(30, 'step_mail', 0, '{ec,retail}', NULL, NULL, 'EC and retail: a step mail series'),
	(40, 'direct_mail', 50000, NULL, NULL, NULL, 'medium value: direct mail'),
	(50, 'email', 0, NULL, NULL, NULL, 'low expectation: email, cheapest');

SELECT dormancy._install_defaults('dormancy.reason_rules', 'rule_order');
SELECT dormancy._install_defaults('dormancy.message_themes', 'reason');
SELECT dormancy._install_defaults('dormancy.approach_rules', 'rule_order');

--
-- The priority columns of customer_status
--
-- Aliases: sw (weights), pss (source settings), mval (the model's expected
-- value), ev (evidence, lapsing, approach_value), prio (score, breakdown),
-- rr (the matching reason rule), rsn (likely reason), th (theme), ch (channel).  Uses the aliases of the
-- earlier parts: models, mdl (40), con, cst (50), eng (51), deal, dk (52).
--
CREATE FUNCTION dormancy._status_parts_55_priority(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	events_bound text := CASE WHEN bindings ? 'events' THEN 'true' ELSE 'false' END;
	deals_bound text := CASE WHEN bindings ? 'deals' THEN 'true' ELSE 'false' END;
	contracts_bound text := CASE WHEN bindings ? 'contracts' THEN 'true' ELSE 'false' END;
	id_type regtype := dormancy._customer_id_type()::regtype;
	tie_break text;
	-- with contacts bound, a channel the customer cannot be reached by is
	-- skipped (cc: part 53): no phone call without a usable number, no
	-- (step) mail without a usable address
	reachable text := concat_ws(' AND ', 'true',
		CASE WHEN bindings -> 'contacts' ? 'phone'
			 THEN $r$(ar.channel <> 'phone' OR coalesce(cc.phones, 0) > 0)$r$ END,
		CASE WHEN bindings -> 'contacts' ? 'email'
			 THEN $r$(ar.channel NOT IN ('email', 'step_mail') OR coalesce(cc.emails, 0) > 0)$r$ END);
BEGIN
	-- ranks break ties by customer id: its own order when it has one, else as text
	IF EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
				WHERE am.amname = 'btree' AND o.opcdefault
				  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype
					   AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		tie_break := 'core.customer_id';
	ELSE
		tie_break := 'core.customer_id::pg_catalog.text COLLATE "C"';
	END IF;

	from_item := format($f$CROSS JOIN dormancy.score_weights_in_force() sw
CROSS JOIN dormancy.source_settings_in_force() pss
CROSS JOIN LATERAL (
	SELECT pg_catalog.array_remove(ARRAY[
			   'state_' || cst.scored_state,
			   core.segment,
			   CASE WHEN core.declining THEN 'declining' END,
			   CASE WHEN core.lapsed_after_price_increase THEN 'lapsed_after_price_increase' END,
			   CASE WHEN core.lapsed_after_spec_change THEN 'lapsed_after_spec_change' END,
			   CASE WHEN con.contract_lapsed THEN 'contract_lapsed' END,
			   CASE WHEN con.auto_renew_off THEN 'auto_renew_off' END,
			   CASE WHEN con.downgraded THEN 'downgraded' END,
			   CASE WHEN con.renewal_due_in_days <= (core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of
					THEN 'renewal_due' END,
			   CASE WHEN %1$s THEN CASE WHEN coalesce(eng.events_in_window, 0) > 0 THEN 'engaged' ELSE 'no_engagement' END END,
			   CASE WHEN eng.pricing_views > 0 THEN 'pricing_views' END,
			   CASE WHEN eng.pricing_views >= pss.repeated_pricing_views THEN 'repeated_pricing_views' END,
			   CASE WHEN eng.support_visits >= pss.support_visits_threshold THEN 'support_visits' END,
			   'deal_' || deal.last_deal_outcome,
			   'deal_reason_' || deal.last_deal_reason,
			   CASE WHEN deal.open_deals > 0 THEN 'open_deal' END,
			   CASE WHEN dk.dormancy_kind = 'lost_deal' THEN 'lost_deal' END
		   ]::pg_catalog.text[], NULL) || core.decline_signals AS evidence,
		   (cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') OR core.declining
			OR dk.dormancy_kind = 'lost_deal'
			OR coalesce(con.contract_lapsed OR con.auto_renew_off OR con.downgraded, false)) AS lapsing,
		   coalesce(mval.expected_value,
					CASE WHEN core.order_days > 0
						 THEN greatest(core.total_amount, 0) / greatest(1.0, (core.last_order_at - core.first_order_at) / 365.25)
						 ELSE 0 END) AS approach_value
) ev
CROSS JOIN LATERAL dormancy.score_priority(ROW(
	cst.scored_state,
	core.as_of - cst.scored_last_day,
	(core.as_of + core.at_risk_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.dormant_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.long_dormant_after)::pg_catalog.date - core.as_of,
	core.total_amount,
	core.order_days,
	core.median_gap_days,
	core.mean_gap_days,
	core.gap_stddev_days,
	core.segment,
	pg_catalog.cardinality(core.decline_signals),
	core.declining,
	%1$s,
	coalesce(eng.events_in_window, 0),
	coalesce(eng.pricing_views, 0),
	eng.days_since_last_event,
	(core.as_of + pss.engagement_window)::pg_catalog.date - core.as_of,
	%2$s,
	deal.last_deal_outcome,
	deal.last_deal_reason,
	deal.days_since_last_deal,
	coalesce(deal.open_deals, 0),
	%3$s,
	con.customer_id IS NOT NULL,
	coalesce(con.contract_lapsed, false),
	con.days_since_contract_end,
	coalesce(con.auto_renew_off, false),
	coalesce(con.downgraded, false),
	con.renewal_due_in_days,
	(core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of,
	models.p_alive,
	mval.expected_value)::dormancy.priority_inputs, sw) prio
LEFT JOIN LATERAL (
	SELECT rr.reason, rr.evidence
	  FROM dormancy.reason_rules rr
	 WHERE ev.lapsing AND rr.evidence <@ ev.evidence
	 ORDER BY rr.rule_order
	 LIMIT 1
) rr ON true
CROSS JOIN LATERAL (
	SELECT CASE WHEN ev.lapsing THEN coalesce(rr.reason, 'unknown') END AS reason,
		   CASE WHEN ev.lapsing THEN coalesce(rr.evidence, '{}'::pg_catalog.text[]) END AS evidence
) rsn
LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
LEFT JOIN LATERAL (
	SELECT ar.channel
	  FROM dormancy.approach_rules ar
	 WHERE ev.lapsing
	   AND ev.approach_value >= ar.min_value
	   AND (ar.industries IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.industries) i
			 WHERE pg_catalog.lower(pg_catalog.btrim(i)) = pg_catalog.lower(pg_catalog.btrim(core.industry))))
	   AND (ar.company_sizes IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.company_sizes) s
			 WHERE pg_catalog.lower(pg_catalog.btrim(s)) = pg_catalog.lower(pg_catalog.btrim(core.company_size))))
	   AND (ar.reasons IS NULL OR rsn.reason = ANY (ar.reasons))
	   AND %4$s
	 ORDER BY ar.rule_order
	 LIMIT 1
) ch ON true$f$, events_bound, deals_bound, contracts_bound, reachable);

	select_list := format(
		'prio.score AS priority_score, '
		'pg_catalog.rank() OVER (ORDER BY prio.score DESC, %s) AS priority_rank, '
		'prio.breakdown AS score_breakdown, '
		'rsn.reason AS likely_reason, '
		'rsn.evidence AS reason_evidence, '
		'ev.evidence, '
		'ch.channel AS approach_channel, '
		'th.theme AS message_theme, '
		'ev.approach_value', tie_break);
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_55_priority(jsonb) IS
	'internal: the priority, reason and approach columns of customer_status';

-- dormancy.call_list: lapsing customers worth a call, best first
CREATE FUNCTION dormancy._status_views_55_call_list(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'call_list', $q$
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.score_breakdown, cs.as_of, cs.data_gaps
  FROM dormancy.customer_status cs
 WHERE cs.likely_reason IS NOT NULL
   AND cs.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY cs.priority_rank
$q$
$$;
COMMENT ON FUNCTION dormancy._status_views_55_call_list(jsonb) IS 'internal: the call list view';

CREATE FUNCTION dormancy._comment_views_55_priority()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
	COMMENT ON COLUMN dormancy.customer_status.priority_rank IS '1 = call first: rank by priority_score, ties by customer id (computing it reads every customer)';
	COMMENT ON COLUMN dormancy.customer_status.score_breakdown IS 'per component: value (-1 to 1), weight, share of the 100 points, contribution (share x value) and the basis it was computed from';
	COMMENT ON COLUMN dormancy.customer_status.likely_reason IS 'why the customer is lapsing, from the first matching dormancy.reason_rules row (unknown when none matches); NULL for customers who are not lapsing';
	COMMENT ON COLUMN dormancy.customer_status.reason_evidence IS 'the evidence of the reason rule that chose likely_reason';
	COMMENT ON COLUMN dormancy.customer_status.evidence IS 'all evidence found for the customer (the words reason_rules match on)';
	COMMENT ON COLUMN dormancy.customer_status.approach_channel IS 'email, direct_mail, phone, visit or step_mail, from dormancy.approach_rules: the first rule that matches and whose channel the bound contacts can serve (NULL when none)';
	COMMENT ON COLUMN dormancy.customer_status.message_theme IS 'the message theme for likely_reason, from dormancy.message_themes';
	COMMENT ON COLUMN dormancy.customer_status.approach_value IS 'the value the channel is chosen by: the model''s expected_value when fitted, else the yearly spend while active (total_amount / years from first to last order, at least one)';

	COMMENT ON VIEW dormancy.call_list IS 'lapsing customers (at risk, dormant, declining, lost deal or contract signals) scoring at least score_weights.call_list_min_score, best first, with reason, channel and theme';
	COMMENT ON COLUMN dormancy.call_list.call_order IS 'position in the list, 1 = call first';
	COMMENT ON COLUMN dormancy.call_list.priority_rank IS 'rank among all customers';
	COMMENT ON COLUMN dormancy.call_list.priority_score IS 'priority score, 0 to 100';
	COMMENT ON COLUMN dormancy.call_list.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.call_list.name IS 'customer name';
	COMMENT ON COLUMN dormancy.call_list.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.call_list.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.call_list.state IS 'dormancy state';
	COMMENT ON COLUMN dormancy.call_list.contract_state IS 'the state ladder applied to contract coverage';
	COMMENT ON COLUMN dormancy.call_list.dormancy_kind IS 'lost_deal or purchase';
	COMMENT ON COLUMN dormancy.call_list.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.call_list.likely_reason IS 'why the customer is lapsing';
	COMMENT ON COLUMN dormancy.call_list.reason_evidence IS 'the evidence that chose the reason';
	COMMENT ON COLUMN dormancy.call_list.approach_channel IS 'the channel to use';
	COMMENT ON COLUMN dormancy.call_list.message_theme IS 'the message theme';
	COMMENT ON COLUMN dormancy.call_list.approach_value IS 'the value the channel was chosen by';
	COMMENT ON COLUMN dormancy.call_list.total_amount IS 'net amount of all orders up to as_of';
	COMMENT ON COLUMN dormancy.call_list.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.call_list.decline_signals IS 'the decline signals that fired';
	COMMENT ON COLUMN dormancy.call_list.last_deal_at IS 'close day of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_outcome IS 'outcome of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_reason IS 'reason of the last deal';
	COMMENT ON COLUMN dormancy.call_list.events_in_window IS 'engagement events in the engagement window';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.call_list.contract_lapsed IS 'the contract lapsed';
	COMMENT ON COLUMN dormancy.call_list.auto_renew_off IS 'the current term will not renew';
	COMMENT ON COLUMN dormancy.call_list.renewal_due_in_days IS 'days until the current term ends';
	COMMENT ON COLUMN dormancy.call_list.p_alive IS 'probability alive (BG/NBD), when fitted';
	COMMENT ON COLUMN dormancy.call_list.score_breakdown IS 'why the score is what it is, component by component';
	COMMENT ON COLUMN dormancy.call_list.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_55_priority() IS 'internal: comment the priority columns and the call list';
REVOKE ALL ON FUNCTION dormancy._comment_views_55_priority() FROM PUBLIC;

-- from sql_src/57_data_gaps.sql
--
-- Data gaps (D9): what a caller would miss before calling a customer.
-- dormancy.customer_contacts counts each customer's usable phone numbers,
-- e-mail addresses and contact persons (from bind_contacts); the column
-- customer_status.data_gaps lists, per customer, the gaps that apply:
--
--   no_contact        neither a usable phone number nor a usable e-mail address
--   no_phone          no usable phone number (phone bound)
--   invalid_phone     a phone number that is not one (6 to 15 digits after
--                     NFKC, so full-width digits count)
--   no_email          no usable e-mail address (email bound)
--   invalid_email     an address that is not one (local@domain.tld)
--   no_person         no contact person (person bound)
--   contact_outdated  contact data last updated longer ago than
--                     source_settings.contact_stale_after, or never (updated_at bound)
--   no_name           the customer has no name (name bound)
--   duplicate_name    another customer has the same company name once
--                     normalized (see duplicate_customers): merge them
--   no_activity       nothing on record: no orders, contracts, deals or
--                     events, so the customer's status cannot be told
--
-- Gaps of a source that is not bound are not reported (no contacts bound:
-- no contact gaps).  docs/sources.md has the definitions.
--

-- customer_contacts: per customer with contacts, the usable ones counted
CREATE FUNCTION dormancy._views_57_contacts(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'customer_contacts', $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.contact_stale_after)::pg_catalog.date AS fresh_from
	  FROM dormancy.source_settings_in_force() s
), c AS (
	SELECT x.customer_id,
		   NULLIF(pg_catalog.btrim(x.phone), '') AS phone,
		   NULLIF(pg_catalog.btrim(x.email), '') AS email,
		   NULLIF(pg_catalog.btrim(x.person), '') AS person,
		   x.updated_on
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IS NOT NULL
), checked AS (
	SELECT c.*,
		   -- NFKC (in the name key) turns full-width digits into ASCII ones
		   pg_catalog.length(pg_catalog.regexp_replace(dormancy.normalize_company_name(c.phone, '{}'),
													   '[^0-9]', '', 'g')) BETWEEN 6 AND 15 AS phone_ok,
		   c.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$' AS email_ok
	  FROM c
)
SELECT k.customer_id,
	   pg_catalog.count(*) AS contacts,
	   pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS phones,
	   pg_catalog.count(*) FILTER (WHERE k.email_ok) AS emails,
	   pg_catalog.count(k.person) AS persons,
	   pg_catalog.count(*) FILTER (WHERE NOT k.phone_ok) AS invalid_phones,
	   pg_catalog.count(*) FILTER (WHERE NOT k.email_ok) AS invalid_emails,
	   pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) AS last_updated_at,
	   coalesce(pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) < a.fresh_from, true) AS outdated,
	   a.day AS as_of
  FROM checked k CROSS JOIN a
 GROUP BY k.customer_id, a.day, a.fresh_from
$q$
$$;
COMMENT ON FUNCTION dormancy._views_57_contacts(jsonb) IS 'internal: the customer_contacts view';

-- The contacts of each customer (alias cc), joined before the priority part,
-- whose approach channel needs them; no columns of its own.
CREATE FUNCTION dormancy._status_parts_53_contacts(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id', NULL::text
$$;
COMMENT ON FUNCTION dormancy._status_parts_53_contacts(jsonb) IS
	'internal: the contacts join of customer_status (used by the approach channel and data_gaps)';

-- customer_status.data_gaps (cc: the contacts, part 53; nk: the name key;
-- dup: the keys of more than one customer); a part after all others, so its
-- column comes last
CREATE FUNCTION dormancy._status_parts_70_data_gaps(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	contacts jsonb := bindings -> 'contacts';
	gaps text[] := '{}';
BEGIN
	IF contacts ? 'phone' OR contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) + coalesce(cc.emails, 0) = 0 THEN 'no_contact' END$g$::text;
	END IF;
	IF contacts ? 'phone' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) = 0 THEN 'no_phone' END$g$::text
					 || $g$CASE WHEN cc.invalid_phones > 0 THEN 'invalid_phone' END$g$::text;
	END IF;
	IF contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.emails, 0) = 0 THEN 'no_email' END$g$::text
					 || $g$CASE WHEN cc.invalid_emails > 0 THEN 'invalid_email' END$g$::text;
	END IF;
	IF contacts ? 'person' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.persons, 0) = 0 THEN 'no_person' END$g$::text;
	END IF;
	IF contacts ? 'updated_at' THEN
		gaps := gaps || $g$CASE WHEN cc.outdated THEN 'contact_outdated' END$g$::text;
	END IF;
	IF bindings -> 'customers' ? 'name' THEN
		gaps := gaps || $g$CASE WHEN nk.name_key IS NULL OR nk.name_key = '' THEN 'no_name'
								WHEN dup.name_key IS NOT NULL THEN 'duplicate_name' END$g$::text;
		-- the name keys that more than one customer has (a hash join: a
		-- window over customer_status would sort its wide rows); the forms
		-- are read once per query (an InitPlan)
		from_item := $f$
CROSS JOIN LATERAL (
	SELECT dormancy.normalize_company_name(core.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
) nk
LEFT JOIN (
	SELECT k.name_key
	  FROM (SELECT dormancy.normalize_company_name(c.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
			  FROM dormancy.src_customers c
			 WHERE c.customer_id IS NOT NULL) k
	 WHERE k.name_key <> ''
	 GROUP BY k.name_key
	HAVING pg_catalog.count(*) > 1
) dup ON dup.name_key = nk.name_key$f$;
	END IF;
	gaps := gaps || $g$CASE WHEN coalesce(core.orders_count, 0) = 0 AND core.contract_terms IS NULL
								 AND eng.customer_id IS NULL AND deal.customer_id IS NULL THEN 'no_activity' END$g$::text;

	from_item := coalesce(from_item, '');
	select_list := format('pg_catalog.array_remove(ARRAY[%s]::pg_catalog.text[], NULL) AS data_gaps',
						  array_to_string(gaps, E',\n\t'));
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_70_data_gaps(jsonb) IS
	'internal: the data_gaps column of customer_status';

CREATE FUNCTION dormancy._comment_views_57_data_gaps()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.customer_contacts IS 'usable phone numbers, e-mail addresses and contact persons per customer with contacts (bind_contacts)';
	COMMENT ON COLUMN dormancy.customer_contacts.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_contacts.contacts IS 'contact rows of the customer';
	COMMENT ON COLUMN dormancy.customer_contacts.phones IS 'usable phone numbers: 6 to 15 digits once NFKC-normalized (full-width digits count)';
	COMMENT ON COLUMN dormancy.customer_contacts.emails IS 'usable e-mail addresses: local@domain.tld without spaces';
	COMMENT ON COLUMN dormancy.customer_contacts.persons IS 'contact persons named (not blank)';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_phones IS 'phone values that are not blank and not a usable number';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_emails IS 'e-mail values that are not blank and not a usable address';
	COMMENT ON COLUMN dormancy.customer_contacts.last_updated_at IS 'the latest update day of the contacts up to as_of (NULL when unknown)';
	COMMENT ON COLUMN dormancy.customer_contacts.outdated IS 'last_updated_at is unknown or older than source_settings.contact_stale_after before as_of';
	COMMENT ON COLUMN dormancy.customer_contacts.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.customer_status.data_gaps IS 'what is missing to call the customer: no_contact, no_phone, invalid_phone, no_email, invalid_email, no_person, contact_outdated, no_name, duplicate_name, no_activity (docs/sources.md); empty when nothing is';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_57_data_gaps() IS 'internal: comment customer_contacts and customer_status.data_gaps';
REVOKE ALL ON FUNCTION dormancy._comment_views_57_data_gaps() FROM PUBLIC;

-- from sql_src/58_names.sql
--
-- Clean names (issue #5, D9): company-name keys on which spelling variants
-- meet (kabushiki kaisha A-sha with a full-width A, A-sha, (kabu) A-sha and
-- "A-sha Co., Ltd." all give one key), and the groups
-- of customers that share one, to merge before calling.
--

CREATE TABLE dormancy.legal_forms (
	form text PRIMARY KEY,
	note text,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT legal_forms_not_blank CHECK (btrim(form) <> '')
);
CREATE UNIQUE INDEX legal_forms_key ON dormancy.legal_forms ((lower(btrim(form))));
COMMENT ON TABLE dormancy.legal_forms IS
	'legal-form words removed from the start and end of company names by normalize_company_name(name); edit freely';
COMMENT ON COLUMN dormancy.legal_forms.form IS 'a legal form as written, e.g. Co., Ltd. or the Japanese kabushiki kaisha and its abbreviation (normalized like the names themselves)';
COMMENT ON COLUMN dormancy.legal_forms.note IS 'where it is used';
COMMENT ON COLUMN dormancy.legal_forms.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.legal_forms (form, note) VALUES
	('Co., Ltd.', 'company limited'), ('Co.,Ltd.', 'company limited'), ('Co. Ltd.', 'company limited'),
	('Company Limited', 'company limited'), ('Ltd.', 'limited'), ('Limited', 'limited'),
	('Inc.', 'incorporated'), ('Incorporated', 'incorporated'), ('Corp.', 'corporation'),
	('Corporation', 'corporation'), ('Co.', 'company'), ('LLC', 'limited liability company'),
	('LLP', 'limited liability partnership'), ('PLC', 'public limited company'),
	('GmbH', 'Germany, Austria, Switzerland'), ('AG', 'Germany, Switzerland: Aktiengesellschaft'),
	('S.A.', 'societe anonyme, sociedad anonima'),
	('K.K.', 'Japan: kabushiki kaisha, romanized'), ('G.K.', 'Japan: godo kaisha, romanized'),
	('Y.K.', 'Japan: yugen kaisha, romanized'), ('Pte. Ltd.', 'Singapore'), ('Pty Ltd', 'Australia'),
	('B.V.', 'Netherlands'), ('N.V.', 'Netherlands, Belgium'), ('S.p.A.', 'Italy'),
	('S.r.l.', 'Italy'), ('S.A.S.', 'France'), ('OOO', 'Russia, romanized');
-- Japanese (and Cyrillic) forms, written as Unicode escapes so that the
-- install script is ASCII: a database whose encoding cannot hold them
-- (LATIN1, ...) gets the others only.  docs/priority.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.legal_forms (form, note) VALUES
		(U&'\682A\5F0F\4F1A\793E', 'kabushiki kaisha'),
		(U&'(\682A)', 'kabushiki kaisha, abbreviated (NFKC makes U+3231 this too)'),
		(U&'\6709\9650\4F1A\793E', 'yugen kaisha'),
		(U&'(\6709)', 'yugen kaisha, abbreviated (U+3232 too)'),
		(U&'\5408\540C\4F1A\793E', 'godo kaisha'),
		(U&'(\540C)', 'godo kaisha, abbreviated'),
		(U&'\5408\8CC7\4F1A\793E', 'goshi kaisha'),
		(U&'(\8CC7)', 'goshi kaisha, abbreviated'),
		(U&'\5408\540D\4F1A\793E', 'gomei kaisha'),
		(U&'(\540D)', 'gomei kaisha, abbreviated'),
		(U&'\4E00\822C\793E\56E3\6CD5\4EBA', 'ippan shadan hojin: general incorporated association'),
		(U&'(\4E00\793E)', 'ippan shadan hojin, abbreviated'),
		(U&'\4E00\822C\8CA1\56E3\6CD5\4EBA', 'ippan zaidan hojin: general incorporated foundation'),
		(U&'(\4E00\8CA1)', 'ippan zaidan hojin, abbreviated'),
		(U&'\041E\041E\041E', 'Russia: OOO in Cyrillic');
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the non-ASCII defaults of dormancy.legal_forms: left out';
END
$$;
SELECT dormancy._install_defaults('dormancy.legal_forms', 'form');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.legal_forms_in_force()
	RETURNS text[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT array_agg(f.form ORDER BY f.form) FROM dormancy.legal_forms f), '{}');
COMMENT ON FUNCTION dormancy.legal_forms_in_force() IS 'the forms of dormancy.legal_forms as an array';

-- The key itself: IMMUTABLE because the forms are an argument (the value
-- depends only on the arguments and the server's Unicode tables, like
-- normalize()), so it can back an expression index with a fixed list.
CREATE FUNCTION dormancy.normalize_company_name(name text, legal_forms text[])
	RETURNS text
	AS 'MODULE_PATHNAME', 'normalize_company_name'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.normalize_company_name(text, text[]) IS
	'the key of a company name: Unicode NFKC, case folding, spaces and punctuation folded, the given legal forms removed from the start and end';

-- With the forms of dormancy.legal_forms: STABLE, since editing the table
-- changes the result (an IMMUTABLE function reading a table would leave
-- indexes and cached plans stale).
CREATE FUNCTION dormancy.normalize_company_name(name text)
	RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.normalize_company_name(name, dormancy.legal_forms_in_force());
COMMENT ON FUNCTION dormancy.normalize_company_name(text) IS
	'the key of a company name with the legal forms of dormancy.legal_forms (STABLE: it reads the table)';

-- dormancy.duplicate_customers: customers sharing a name key, with the state
-- of their combined order history
CREATE FUNCTION dormancy._status_views_58_names(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'duplicate_customers', $q$
WITH forms AS (
	SELECT dormancy.legal_forms_in_force() AS forms
), keyed AS (
	SELECT c.customer_id, c.name, c.state, c.rule_id, c.last_order_at,
		   dormancy.normalize_company_name(c.name, f.forms) AS name_key
	  FROM dormancy.customer_core c CROSS JOIN forms f
	 WHERE c.name IS NOT NULL
), members AS (
	SELECT k.*, pg_catalog.count(*) OVER (PARTITION BY k.name_key) AS customers
	  FROM keyed k
	 WHERE k.name_key <> ''
), groups AS (
	SELECT m.name_key,
		   pg_catalog.max(m.customers) AS customers,
		   pg_catalog.array_agg(m.customer_id ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS customer_ids,
		   pg_catalog.array_agg(m.name ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS names,
		   pg_catalog.array_agg(m.state ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS member_states,
		   -- the rule of the member that ordered last
		   (pg_catalog.array_agg(m.rule_id ORDER BY m.last_order_at DESC NULLS LAST,
								 m.customer_id::pg_catalog.text COLLATE "C"))[1] AS rule_id
	  FROM members m
	 WHERE m.customers > 1
	 GROUP BY m.name_key
), combined AS (
	SELECT m.name_key, dormancy.purchase_history_union(h.history) AS history
	  FROM members m
	  JOIN dormancy.customer_histories h ON h.customer_id = m.customer_id
	 WHERE m.customers > 1
	 GROUP BY m.name_key
)
SELECT g.name_key, g.customers, g.customer_ids, g.names, g.member_states,
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day, r.at_risk_after, r.dormant_after,
							   r.long_dormant_after) AS state,
	   s.last_order_at, s.last_qualifying_order_at, s.first_order_at, s.orders_count, s.order_days,
	   s.total_amount, g.rule_id, a.day AS as_of
  FROM groups g
 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
  LEFT JOIN combined c ON c.name_key = g.name_key
  LEFT JOIN dormancy.rules r ON r.rule_id = g.rule_id
 CROSS JOIN LATERAL dormancy.history_summary(c.history, a.day, coalesce(r.min_order_amount, 0)::pg_catalog.float8) s
$q$
$$;
COMMENT ON FUNCTION dormancy._status_views_58_names(jsonb) IS 'internal: the duplicate_customers view';

CREATE FUNCTION dormancy._comment_views_58_names()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.duplicate_customers IS
		'groups of customers whose names share a key (normalize_company_name with dormancy.legal_forms), with the state of their combined order history: merge them before calling';
	COMMENT ON COLUMN dormancy.duplicate_customers.name_key IS 'the shared name key';
	COMMENT ON COLUMN dormancy.duplicate_customers.customers IS 'customers in the group (at least 2)';
	COMMENT ON COLUMN dormancy.duplicate_customers.customer_ids IS 'their ids';
	COMMENT ON COLUMN dormancy.duplicate_customers.names IS 'their names as written, in the order of customer_ids';
	COMMENT ON COLUMN dormancy.duplicate_customers.member_states IS 'each one''s own state, in the order of customer_ids';
	COMMENT ON COLUMN dormancy.duplicate_customers.state IS 'the state of the combined history, with rule_id';
	COMMENT ON COLUMN dormancy.duplicate_customers.last_order_at IS 'last purchase day of the combined history';
	COMMENT ON COLUMN dormancy.duplicate_customers.last_qualifying_order_at IS 'last qualifying purchase day of the combined history';
	COMMENT ON COLUMN dormancy.duplicate_customers.first_order_at IS 'first purchase day of the combined history';
	COMMENT ON COLUMN dormancy.duplicate_customers.orders_count IS 'orders of the combined history';
	COMMENT ON COLUMN dormancy.duplicate_customers.order_days IS 'purchase days of the combined history (a day two members bought on counts once)';
	COMMENT ON COLUMN dormancy.duplicate_customers.total_amount IS 'net amount of the combined history';
	COMMENT ON COLUMN dormancy.duplicate_customers.rule_id IS 'the rule applied: that of the member that ordered last';
	COMMENT ON COLUMN dormancy.duplicate_customers.as_of IS 'the as-of day';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_58_names() IS 'internal: comment the duplicate_customers view';
REVOKE ALL ON FUNCTION dormancy._comment_views_58_names() FROM PUBLIC;

-- from sql_src/60_refresh.sql
--
-- Refresh, state history and the BI surface (docs/operations.md)
--
-- CALL dormancy.refresh() (what pg_cron runs) computes dormancy.customer_status
-- into the table dormancy.status_snapshot, appends the state changes to
-- dormancy.status_history and logs the run in dormancy.refresh_runs.  BI tools
-- read the snapshot and the views over it as the role dormancy_reader.
--
-- Readers never wait: a refresh replaces the snapshot's rows with DELETE and
-- INSERT in one transaction (ROW EXCLUSIVE lock, which does not conflict with
-- the ACCESS SHARE lock of a SELECT), so until it commits every reader sees the
-- previous snapshot whole, and afterwards the new one whole (MVCC).  TRUNCATE or
-- swapping tables by RENAME would take ACCESS EXCLUSIVE and queue every reader
-- behind the refresh.  The one exception is a change of the snapshot's shape
-- (customer_status gained, lost or retyped a column, e.g. after a re-bind to ids
-- of another type): that refresh alters the table, which takes ACCESS EXCLUSIVE
-- until it commits.
--

--
-- The read-only role.  Roles belong to the cluster, not to the database or the
-- extension: it is created only when missing, is not a member of the extension,
-- and DROP EXTENSION leaves it (DROP ROLE it yourself once no database uses it).
--
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dormancy_reader') THEN
		CREATE ROLE dormancy_reader NOLOGIN;
		COMMENT ON ROLE dormancy_reader IS
			'reads the results of extension dormancy (status_snapshot, status_history and the views over them); created by CREATE EXTENSION dormancy';
	END IF;
END
$$;
GRANT USAGE ON SCHEMA dormancy TO dormancy_reader;

--
-- The run log and the state history: user data (they cannot be recomputed), so
-- both are configuration tables that pg_dump keeps.
--
CREATE TABLE dormancy.refresh_runs (
	run_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	started_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished_at timestamptz,
	rows bigint,
	changes bigint,
	duration interval GENERATED ALWAYS AS (finished_at - started_at) STORED,
	outcome text NOT NULL DEFAULT 'running',
	error_text text,
	sqlstate text,
	as_of date,
	reshaped boolean,
	models_refit boolean,
	history_mode text,
	customers_recomputed bigint,
	run_by name NOT NULL DEFAULT CURRENT_USER,
	pid integer NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
	CONSTRAINT refresh_runs_outcome_known
		CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped', 'aborted'))
);
CREATE INDEX refresh_runs_started_at ON dormancy.refresh_runs (started_at);
COMMENT ON TABLE dormancy.refresh_runs IS
	'one row per CALL dormancy.refresh(): when, how many rows and state changes, and the outcome';
COMMENT ON COLUMN dormancy.refresh_runs.run_id IS 'run number, increasing';
COMMENT ON COLUMN dormancy.refresh_runs.history_mode IS 'incremental (only changed customers recomputed), full (every history rebuilt and stored) or live (orders not tracked: everything recomputed)';
COMMENT ON COLUMN dormancy.refresh_runs.customers_recomputed IS 'customers (incremental) or customer-category histories (full) recomputed';
COMMENT ON COLUMN dormancy.refresh_runs.models_refit IS 'whether this run refitted the models (dormancy.model_settings.refit_every)';
COMMENT ON COLUMN dormancy.refresh_runs.started_at IS 'when the run started (wall clock)';
COMMENT ON COLUMN dormancy.refresh_runs.finished_at IS 'when the run ended; NULL while running or when aborted';
COMMENT ON COLUMN dormancy.refresh_runs.rows IS 'rows written to dormancy.status_snapshot (succeeded runs)';
COMMENT ON COLUMN dormancy.refresh_runs.changes IS 'rows appended to dormancy.status_history (succeeded runs)';
COMMENT ON COLUMN dormancy.refresh_runs.duration IS 'finished_at - started_at';
COMMENT ON COLUMN dormancy.refresh_runs.outcome IS
	'running; succeeded; failed (error_text and sqlstate say why, the previous snapshot stayed; a cancel or statement_timeout is a failure with SQLSTATE 57014); skipped (another refresh held the lock); aborted (the session ended before the run finished: terminated or crashed)';
COMMENT ON COLUMN dormancy.refresh_runs.error_text IS 'the error of a failed run (message, then detail), or why a run was skipped or aborted';
COMMENT ON COLUMN dormancy.refresh_runs.sqlstate IS 'the SQLSTATE of a failed run';
COMMENT ON COLUMN dormancy.refresh_runs.as_of IS 'the as-of day the run computed (dormancy.as_of_day() when it ran)';
COMMENT ON COLUMN dormancy.refresh_runs.reshaped IS 'true when the run had to alter dormancy.status_snapshot to the shape of customer_status';
COMMENT ON COLUMN dormancy.refresh_runs.run_by IS 'the role that ran it';
COMMENT ON COLUMN dormancy.refresh_runs.pid IS 'the backend process id that ran it';
COMMENT ON SEQUENCE dormancy.refresh_runs_run_id_seq IS 'generates dormancy.refresh_runs.run_id';

-- customer_id is text so that the history survives a re-bind to ids of
-- another type (integer -> bigint -> text keeps the same text).
CREATE TABLE dormancy.status_history (
	history_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	run_id bigint NOT NULL,
	customer_id text NOT NULL,
	change text NOT NULL,
	from_state text,
	to_state text,
	as_of date NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT status_history_change_known CHECK (change IN ('new', 'changed', 'removed'))
);
CREATE INDEX status_history_as_of ON dormancy.status_history (as_of, to_state);
CREATE INDEX status_history_customer ON dormancy.status_history (customer_id, history_id);
COMMENT ON TABLE dormancy.status_history IS
	'state changes found by dormancy.refresh(): one row per customer whose state differs from the previous refresh';
COMMENT ON COLUMN dormancy.status_history.history_id IS 'row number, increasing';
COMMENT ON COLUMN dormancy.status_history.run_id IS 'the refresh that found the change (dormancy.refresh_runs)';
COMMENT ON COLUMN dormancy.status_history.customer_id IS
	'the customer id as text (so the history survives a re-bind to ids of another type)';
COMMENT ON COLUMN dormancy.status_history.change IS
	'new (not in the previous snapshot: first refresh or a new customer), changed (state differs) or removed (no longer in customer_status)';
COMMENT ON COLUMN dormancy.status_history.from_state IS 'the state in the previous snapshot (NULL when new)';
COMMENT ON COLUMN dormancy.status_history.to_state IS 'the state now (NULL when removed)';
COMMENT ON COLUMN dormancy.status_history.as_of IS 'the as-of day of the refresh that saw the new state';
COMMENT ON COLUMN dormancy.status_history.recorded_at IS 'when the refresh recorded it';
COMMENT ON SEQUENCE dormancy.status_history_history_id_seq IS 'generates dormancy.status_history.history_id';

SELECT pg_catalog.pg_extension_config_dump('dormancy.refresh_runs', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.refresh_runs_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.status_history', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.status_history_history_id_seq', '');

GRANT SELECT ON dormancy.status_history TO dormancy_reader;
-- the snapshot call list applies the minimum score of the weights
GRANT SELECT ON dormancy.score_weights TO dormancy_reader;

--
-- The snapshot and the views over it.  The snapshot has the columns of
-- customer_status plus customer_key (the id as text, whatever the bound id
-- type: what row security policies, status_history and the views over the
-- snapshot use) and refreshed_at.  customer_status exists only once something
-- is bound (see 90_views.sql), so _snapshot_sync() creates the snapshot from it
-- at the first bind (called by _build_views() through the _comment_views_ hook),
-- and refresh() reshapes it when customer_status's columns change.
--

-- The views over the snapshot, with fixed column names and types (casts), so
-- that BI tools see the same columns whatever the bound id type.  Amounts are
-- summed in numeric: exact, so the totals do not depend on the plan's order.
CREATE FUNCTION dormancy._snapshot_view_definitions()
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
COMMENT ON FUNCTION dormancy._snapshot_view_definitions() IS
	'internal: the SQL of the views over dormancy.status_snapshot';

CREATE FUNCTION dormancy._comment_snapshot_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.segment_summary IS
		'customers and value per state, industry, company size and segment, from the last refresh (dormancy.status_snapshot)';
	COMMENT ON COLUMN dormancy.segment_summary.state IS 'active, at_risk, dormant, long_dormant or never_purchased';
	COMMENT ON COLUMN dormancy.segment_summary.industry IS 'customer industry (NULL: unknown)';
	COMMENT ON COLUMN dormancy.segment_summary.company_size IS 'customer company size (NULL: unknown)';
	COMMENT ON COLUMN dormancy.segment_summary.segment IS 'one_time, repeat or campaign_only (NULL: never purchased)';
	COMMENT ON COLUMN dormancy.segment_summary.customers IS 'customers in the group';
	COMMENT ON COLUMN dormancy.segment_summary.declining_customers IS 'of them, customers with a decline signal';
	COMMENT ON COLUMN dormancy.segment_summary.total_amount IS 'sum of their lifetime net amounts';
	COMMENT ON COLUMN dormancy.segment_summary.recent_amount IS 'sum of their net amounts in the recent window';
	COMMENT ON COLUMN dormancy.segment_summary.prior_amount IS 'sum of their net amounts in the prior window';
	COMMENT ON COLUMN dormancy.segment_summary.avg_days_since_last_order IS 'mean days since the last purchase day (customers with one)';
	COMMENT ON COLUMN dormancy.segment_summary.as_of IS 'the as-of day of the snapshot';
	COMMENT ON COLUMN dormancy.segment_summary.refreshed_at IS 'when the snapshot was refreshed';

	COMMENT ON VIEW dormancy.snapshot_call_list IS
		'dormancy.call_list as of the last refresh: lapsing customers worth a call, in priority order';
	COMMENT ON COLUMN dormancy.snapshot_call_list.call_rank IS 'position in the list, 1 = call first';
	COMMENT ON COLUMN dormancy.snapshot_call_list.customer_id IS 'the customer id, as text';
	COMMENT ON COLUMN dormancy.snapshot_call_list.name IS 'customer name';
	COMMENT ON COLUMN dormancy.snapshot_call_list.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.snapshot_call_list.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.snapshot_call_list.priority_score IS 'priority score, 0 to 100 (docs/priority.md)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.likely_reason IS 'why the customer probably lapsed';
	COMMENT ON COLUMN dormancy.snapshot_call_list.approach_channel IS 'email, direct_mail, phone, visit or step_mail';
	COMMENT ON COLUMN dormancy.snapshot_call_list.message_theme IS 'what to say, from the reason';
	COMMENT ON COLUMN dormancy.snapshot_call_list.state IS 'the customer''s state';
	COMMENT ON COLUMN dormancy.snapshot_call_list.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.snapshot_call_list.declining IS 'true when a decline signal fired';
	COMMENT ON COLUMN dormancy.snapshot_call_list.decline_signals IS 'the decline signals that fired';
	COMMENT ON COLUMN dormancy.snapshot_call_list.total_amount IS 'lifetime net amount up to the as-of day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.recent_amount IS 'net amount in the recent window';
	COMMENT ON COLUMN dormancy.snapshot_call_list.prior_amount IS 'net amount in the prior window';
	COMMENT ON COLUMN dormancy.snapshot_call_list.orders_count IS 'orders up to the as-of day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.dormant_after IS 'the dormant threshold of the customer''s rule';
	COMMENT ON COLUMN dormancy.snapshot_call_list.as_of IS 'the as-of day of the snapshot';
	COMMENT ON COLUMN dormancy.snapshot_call_list.refreshed_at IS 'when the snapshot was refreshed';
	COMMENT ON COLUMN dormancy.snapshot_call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';

	COMMENT ON VIEW dormancy.recent_transitions IS
		'state changes whose as-of day is within 31 days of the last refresh''s (days_ago < 7: this week), newest first';
	COMMENT ON COLUMN dormancy.recent_transitions.customer_id IS 'the customer id, as text';
	COMMENT ON COLUMN dormancy.recent_transitions.name IS 'customer name (from the snapshot; NULL when removed)';
	COMMENT ON COLUMN dormancy.recent_transitions.industry IS 'customer industry (from the snapshot)';
	COMMENT ON COLUMN dormancy.recent_transitions.company_size IS 'customer company size (from the snapshot)';
	COMMENT ON COLUMN dormancy.recent_transitions.change IS 'new, changed or removed';
	COMMENT ON COLUMN dormancy.recent_transitions.from_state IS 'state before (NULL when new)';
	COMMENT ON COLUMN dormancy.recent_transitions.to_state IS 'state after (NULL when removed)';
	COMMENT ON COLUMN dormancy.recent_transitions.as_of IS 'as-of day of the refresh that saw the change';
	COMMENT ON COLUMN dormancy.recent_transitions.days_ago IS 'days between the change''s as-of day and the last refresh''s';
	COMMENT ON COLUMN dormancy.recent_transitions.current_state IS 'the state in the current snapshot';
	COMMENT ON COLUMN dormancy.recent_transitions.total_amount IS 'lifetime net amount in the current snapshot';
	COMMENT ON COLUMN dormancy.recent_transitions.recorded_at IS 'when the change was recorded';
	COMMENT ON COLUMN dormancy.recent_transitions.run_id IS 'the refresh run that recorded it';
END
$$;
COMMENT ON FUNCTION dormancy._comment_snapshot_views() IS 'internal: comment the views over the snapshot';

-- The columns a relation should have (customer_status) or has (the snapshot),
-- as name -> declared type, for comparing shapes.
CREATE FUNCTION dormancy._relation_columns(rel regclass)
	RETURNS TABLE (attnum smallint, column_name name, column_type text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a.attnum, a.attname,
		   format_type(a.atttypid, a.atttypmod) ||
		   CASE WHEN a.attcollation <> t.typcollation
				THEN (SELECT format(' COLLATE %I.%I', n.nspname, c.collname)
						FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
					   WHERE c.oid = a.attcollation)
				ELSE '' END
	  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
	 WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION dormancy._relation_columns(regclass) IS
	'internal: the columns of a relation and their declared types';

-- The columns the snapshot should have: customer_status's, customer_key and
-- refreshed_at, with their comments.
CREATE FUNCTION dormancy._snapshot_columns()
	RETURNS TABLE (attnum integer, column_name name, column_type text, constraints text, description text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.attnum::integer, c.column_name, c.column_type, '',
		   coalesce(col_description(to_regclass('dormancy.customer_status'), c.attnum),
					'see dormancy.customer_status.' || c.column_name)
	  FROM dormancy._relation_columns(to_regclass('dormancy.customer_status')) c
	 WHERE c.column_name NOT IN ('customer_key', 'refreshed_at')
	UNION ALL
	VALUES (10001, 'customer_key'::name, 'text', ' NOT NULL',
			'the customer id as text, the same whatever the bound id type: use it in row security policies and to join status_history'),
		   (10002, 'refreshed_at'::name, 'timestamp with time zone', ' NOT NULL',
			'when the refresh that wrote the row ran (one value per snapshot)')
$$;
COMMENT ON FUNCTION dormancy._snapshot_columns() IS
	'internal: the columns dormancy.status_snapshot should have, with their comments';

-- The snapshot and its views are ordinary objects, not members of the
-- extension (like the generated views): their columns follow customer_status,
-- which exists only once something is bound, so pg_dump must dump them as
-- they are (with the snapshot's rows, indexes, grants and your policies).
-- Made while an extension script runs, they would become members:
-- _unclaim() (20_bind.sql) takes them out.

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

--
-- Create dormancy.status_snapshot from customer_status when it is missing; with
-- reshape, also alter it to customer_status's columns when they differ.  The
-- views over it are pointed at placeholders while it is altered (so they do not
-- block a column type change) and restored afterwards; row security policies
-- on it are kept (dropped and created again, since a policy blocks a type
-- change of the columns it uses).  Returns true when it created or altered.
--
CREATE FUNCTION dormancy._snapshot_sync(reshape boolean)
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
COMMENT ON FUNCTION dormancy._snapshot_sync(boolean) IS
	'internal: create dormancy.status_snapshot and its views when missing; with reshape, alter it to the columns of customer_status';

-- Called by _build_views() after every build (bind, unbind, rebind): makes the
-- snapshot and its views exist from the first bind on (their shape follows
-- customer_status at the next refresh).  A failure here must not fail the
-- bind: it is reported as a warning, and the next refresh tries again.
CREATE FUNCTION dormancy._after_build_60_refresh()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._snapshot_sync(false);
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'could not create dormancy.status_snapshot: %', SQLERRM
		USING HINT = 'CALL dormancy.refresh() creates it (and says why if it cannot).';
END
$$;
COMMENT ON FUNCTION dormancy._after_build_60_refresh() IS
	'internal: after the generated views are built, create the snapshot and its views if missing';

--
-- refresh()
--

-- The advisory lock that serialises refreshes (per database).
CREATE FUNCTION dormancy.refresh_lock_key()
	RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN hashtextextended('dormancy.refresh', 0);
COMMENT ON FUNCTION dormancy.refresh_lock_key() IS
	'the advisory lock key a refresh holds while it works: SELECT pg_try_advisory_lock(dormancy.refresh_lock_key()) keeps refreshes off';

-- First transaction of a refresh: log it as running.  Runs still marked
-- running whose session is gone (or is this one) were aborted.
CREATE FUNCTION dormancy._refresh_start()
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
COMMENT ON FUNCTION dormancy._refresh_start() IS 'internal: log a refresh as running';

-- The work, under the lock: previous states, reshape, rows, history.
CREATE FUNCTION dormancy._refresh_work(run bigint,
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
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

-- Second transaction of a refresh: take the lock or skip; do the work in a
-- subtransaction, so that a failure leaves the previous snapshot; log the outcome.
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

-- The procedure commits between its two parts (so the running row is visible
-- while it works, and a failure is logged before it is raised); a procedure
-- that commits cannot carry SET search_path, so every name in it is qualified
-- and the work is in the functions above, which pin theirs.
CREATE PROCEDURE dormancy.refresh(as_of date DEFAULT NULL)
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
COMMENT ON PROCEDURE dormancy.refresh(date) IS
	'compute customer_status into dormancy.status_snapshot, append state changes to status_history, log the run in refresh_runs; as_of pins the day (default: dormancy.as_of, else now); skips when another refresh is running; call it on its own, not inside a transaction block';

REVOKE ALL ON PROCEDURE dormancy.refresh(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._refresh_start() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._refresh_work(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._refresh_run(bigint, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._snapshot_sync(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._build_snapshot_views() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._after_build_60_refresh() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._comment_snapshot_views() FROM PUBLIC;

-- from sql_src/62_incremental.sql
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
-- corrections are exact.  Whatever could let a write go unseen (TRUNCATE,
-- ATTACH/DETACH PARTITION, a dropped partition, a disabled, dropped or renamed
-- trigger, a changed customer column) appends a reason to
-- dormancy.store_invalidations, and the next refresh rebuilds everything; the
-- refresh also checks the triggers and the partitions itself before it trusts
-- the store.  A rebind, a change of dormancy.time_zone or
-- reset_stored_histories() makes the next refresh a full one too.
--
-- Security: the trigger and event trigger functions are SECURITY DEFINER
-- (whoever writes orders need not be allowed to write dormancy's tables), so
-- they evaluate nothing a non-owner can influence: they run only as
-- dormancy's own triggers on the tracked relations, compare OIDs and catalog
-- facts, run fixed statements, and convert the customer column to text only
-- when its type is a built-in one (whose casts nobody but a superuser can
-- change).  The live views never read the store: category_histories reads it
-- only through a gate that the refresh sets in C for its own transaction
-- (src/history_store.c), with the rights of the role that queries.
--

CREATE TABLE dormancy.stored_histories (
	customer_key text NOT NULL,
	category text,
	history dormancy.purchase_history NOT NULL,
	order_rows bigint NOT NULL
);
CREATE UNIQUE INDEX stored_histories_key ON dormancy.stored_histories (customer_key, category) NULLS NOT DISTINCT;
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
CREATE FUNCTION dormancy._use_stored_histories()
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
CREATE FUNCTION dormancy._after_build_62_incremental()
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

REVOKE ALL ON FUNCTION dormancy.reset_stored_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._prepare_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._after_build_62_incremental() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrack_orders(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._tracking_triggers() FROM PUBLIC;
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

-- from sql_src/90_views.sql
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
		  FROM (SELECT d.view_name FROM dormancy._view_definitions() d
				UNION
				SELECT d.view_name FROM dormancy._snapshot_view_definitions() d) g
		  JOIN pg_class c ON c.relname = g.view_name AND c.relnamespace = 'dormancy'::regnamespace
		 WHERE c.relkind = 'v' AND NOT dormancy._is_member(c.oid::regclass)
	LOOP
		EXECUTE format('ALTER EXTENSION dormancy ADD VIEW %s', v.view);
	END LOOP;
	PERFORM dormancy._build_views();
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

-- from sql_src/95_table_stats.sql
--
-- Planner statistics for the extension's own small tables.
--
-- The generated views read the rules, settings, mappings, reason and
-- approach rules, price changes and models once per customer or per segment.
-- A table that was never analysed is taken for at least 10 pages (some 1,700
-- rows), so without statistics the planner prices customer_status ten times
-- too high and compiles it with JIT (inlining and optimisation) on every
-- query: 3.2 s instead of 1.6 s for 20,000 customers, measured.  Autovacuum's
-- defaults never analyse a table of under 50 changed rows, so these tables
-- are analysed when installed or updated, by autovacuum after any change
-- (threshold 0), and by refresh() when they changed since.
--

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

-- from sql_src/97_privileges.sql
--
-- Privileges: who may do what (docs/security.md has the whole catalogue,
-- and test/integration/privileges.sh checks the catalogue against it).
--
--   PUBLIC            the functions and types of the API (histories,
--                     metrics, models, names, settings in force); nothing
--                     that binds, writes, refreshes or reads a table
--   dormancy_reader   the results: status_snapshot, status_history and the
--                     views over them (BI tools)
--   dormancy_analyst  the live views, computed with the analyst's own
--                     privileges on your tables, and the settings they apply
--   the owner         everything else (bind, refresh, fit, reset, edit)
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

