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
		(U&'\041E\041E\041E', 'Russia: OOO in Cyrillic'),
		(U&'\533B\7642\6CD5\4EBA', 'iryo hojin: medical corporation'),
		(U&'\533B\7642\6CD5\4EBA\793E\56E3', 'iryo hojin shadan: medical corporation (association)'),
		(U&'\533B\7642\6CD5\4EBA\8CA1\56E3', 'iryo hojin zaidan: medical corporation (foundation)'),
		(U&'(\533B)', 'iryo hojin, abbreviated'),
		(U&'\5B66\6821\6CD5\4EBA', 'gakko hojin: school corporation'),
		(U&'(\5B66)', 'gakko hojin, abbreviated'),
		(U&'\793E\4F1A\798F\7949\6CD5\4EBA', 'shakai fukushi hojin: social welfare corporation'),
		(U&'(\798F)', 'shakai fukushi hojin, abbreviated'),
		(U&'\7279\5B9A\975E\55B6\5229\6D3B\52D5\6CD5\4EBA', 'tokutei hieiri katsudo hojin: non-profit corporation'),
		(U&'NPO\6CD5\4EBA', 'NPO hojin: non-profit corporation'),
		(U&'(\7279\975E)', 'tokutei hieiri katsudo hojin, abbreviated'),
		(U&'\516C\76CA\793E\56E3\6CD5\4EBA', 'koeki shadan hojin: public interest incorporated association'),
		(U&'(\516C\793E)', 'koeki shadan hojin, abbreviated'),
		(U&'\516C\76CA\8CA1\56E3\6CD5\4EBA', 'koeki zaidan hojin: public interest incorporated foundation'),
		(U&'(\516C\8CA1)', 'koeki zaidan hojin, abbreviated'),
		(U&'\72EC\7ACB\884C\653F\6CD5\4EBA', 'dokuritsu gyosei hojin: incorporated administrative agency'),
		(U&'(\72EC)', 'dokuritsu gyosei hojin, abbreviated'),
		(U&'\30AB\30D6\30B7\30AD\30AC\30A4\30B7\30E3', 'kabushiki gaisha in kana (bank transfers, in half-width kana: NFKC)'),
		(U&'\30E6\30A6\30B2\30F3\30AC\30A4\30B7\30E3', 'yugen gaisha in kana'),
		(U&'\30B4\30A6\30C9\30A6\30AC\30A4\30B7\30E3', 'godo gaisha in kana'),
		(U&'\30AB)', 'kabushiki kaisha as a bank transfer abbreviates it before the name'),
		(U&'(\30AB', 'kabushiki kaisha as a bank transfer abbreviates it after the name'),
		(U&'\30E6)', 'yugen kaisha, bank transfer, before the name'),
		(U&'(\30E6', 'yugen kaisha, bank transfer, after the name'),
		(U&'\30C9)', 'godo kaisha, bank transfer, before the name'),
		(U&'(\30C9', 'godo kaisha, bank transfer, after the name'),
		(U&'\5FA1\4E2D', 'onchu: honorific of an address line, not a form'),
		(U&'\69D8', 'sama: honorific, not a form (a whole word only)'),
		(U&'\6BBF', 'dono: honorific, not a form (a whole word only)');
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
	'the key of a company name: Unicode NFKC, case folding, spaces and punctuation folded, the given legal forms removed from the start and end (and before a branch part)';

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

-- A company id as the views take it: a blank one (an empty cell of a CSV
-- import, white space, a full-width space) is none, so that customers
-- without a company id are never one company of their own (a review of
-- 2026-12-08).  Inlined, like _name_key below (no SET, not STRICT, a
-- SQL-standard body): src_customers and the stored name keys both call it.
CREATE FUNCTION dormancy._company_id(company_id text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN pg_catalog.btrim(company_id, U&' \0009') OPERATOR(pg_catalog.<>) '' THEN company_id END;
-- the full-width space too, where the database encoding holds it (not LATIN1)
DO $$
BEGIN
	CREATE OR REPLACE FUNCTION dormancy._company_id(company_id text)
		RETURNS text
		LANGUAGE sql IMMUTABLE PARALLEL SAFE
		RETURN CASE WHEN pg_catalog.btrim(company_id, U&' \0009\3000') OPERATOR(pg_catalog.<>) '' THEN company_id END;
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	NULL;
END
$$;
COMMENT ON FUNCTION dormancy._company_id(text) IS
	'internal: a company id as the views take it: NULL when it is blank (empty, or spaces, tabs and full-width spaces only)';

-- The key the duplicate-name check compares, written here only: the name
-- key after the company id and a colon (when a company column is bound: a
-- name key never holds a colon, so the pair is told apart), NULL when the
-- name gives no key (NULL, blank, nothing but punctuation).  What
-- dormancy.customer_name_keys stores (the triggers and every fill), what
-- customer_status, duplicate_customers, the row security of the stored keys
-- and visible_name_keys() compute.  IMMUTABLE with the forms an argument,
-- like normalize_company_name.  Inlined into the query that calls it, so
-- that the planner sees the expression (no call per row): no SET
-- search_path (which stops inlining) and not STRICT; its body is
-- SQL-standard (RETURN), so its names are resolved once, when the extension
-- script creates it (functions and operators qualified), and nothing is
-- looked up when it runs.
CREATE FUNCTION dormancy._name_key(name text, company_id text, legal_forms text[])
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN COALESCE(dormancy._company_id(company_id) OPERATOR(pg_catalog.||) ':', '')
		   OPERATOR(pg_catalog.||) NULLIF(dormancy.normalize_company_name(name, legal_forms), '');
COMMENT ON FUNCTION dormancy._name_key(text, text, text[]) IS
	'internal: the key the duplicate_name data gap compares and customer_name_keys stores: the name key with the forms given, after the company id and a colon when one is given (NULL: the name gives no key)';

-- Branches and companies: a name may end with a branch part (honsha,
-- Osaka shiten, "Osaka Branch", ...; docs/sources.md lists what is
-- recognised).  The name key keeps it: two branches are two records.  The
-- company key is the name key without it: every branch of one company meets
-- on it.  IMMUTABLE with the forms an argument, like normalize_company_name.
CREATE FUNCTION dormancy.company_key(name text, legal_forms text[])
	RETURNS text
	AS 'MODULE_PATHNAME', 'company_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.company_key(text, text[]) IS
	'the key of the company a name belongs to: its name key without a trailing branch part (head office, branch, sales office, plant, ...)';

CREATE FUNCTION dormancy.company_key(name text)
	RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.company_key(name, dormancy.legal_forms_in_force());
COMMENT ON FUNCTION dormancy.company_key(text) IS
	'the company key of a name with the legal forms of dormancy.legal_forms (STABLE: it reads the table)';

CREATE FUNCTION dormancy.branch_key(name text, legal_forms text[])
	RETURNS text
	AS 'MODULE_PATHNAME', 'branch_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.branch_key(text, text[]) IS
	'the key of the trailing branch part of a company name (head office, Osaka branch, ...), NULL when none is recognised';

CREATE FUNCTION dormancy.branch_key(name text)
	RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.branch_key(name, dormancy.legal_forms_in_force());
COMMENT ON FUNCTION dormancy.branch_key(text) IS
	'the branch key of a name with the legal forms of dormancy.legal_forms (STABLE: it reads the table)';
