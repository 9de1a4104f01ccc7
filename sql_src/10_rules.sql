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
