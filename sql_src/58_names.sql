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
