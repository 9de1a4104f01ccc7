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
	use_contract_end boolean NOT NULL DEFAULT false,
	CONSTRAINT rules_thresholds_positive CHECK (at_risk_after > interval '0'),
	CONSTRAINT rules_thresholds_ordered CHECK (at_risk_after < dormant_after AND dormant_after < long_dormant_after),
	CONSTRAINT rules_no_negative_parts CHECK (
		extract(month FROM at_risk_after) >= 0 AND extract(day FROM at_risk_after) >= 0 AND
		extract(month FROM dormant_after) >= 0 AND extract(day FROM dormant_after) >= 0 AND
		extract(month FROM long_dormant_after) >= 0 AND extract(day FROM long_dormant_after) >= 0),
	-- whole days or months: a day plus a time part is no day (the state counts days)
	CONSTRAINT rules_thresholds_whole_days CHECK (
		date_trunc('day', at_risk_after) = at_risk_after AND
		date_trunc('day', dormant_after) = dormant_after AND
		date_trunc('day', long_dormant_after) = long_dormant_after),
	CONSTRAINT rules_min_order_amount_nonnegative CHECK (min_order_amount >= 0),
	-- numeric takes 'NaN' and 'Infinity', which compare above every number
	CONSTRAINT rules_min_order_amount_finite CHECK (min_order_amount < 'Infinity'),
	CONSTRAINT rules_industry_not_blank CHECK (industry IS NULL OR btrim(industry) <> ''),
	CONSTRAINT rules_company_size_not_blank CHECK (company_size IS NULL OR btrim(company_size) <> ''),
	-- under 1,000 years: the days must stay dates (300,000 years made every
	-- query of customer_status fail with "timestamp out of range")
	CONSTRAINT rules_thresholds_bounded CHECK (long_dormant_after < interval '1000 years')
);
-- one rule per (industry, size), matched by label_key; NULL means any
CREATE UNIQUE INDEX rules_segment_key ON dormancy.rules
	((dormancy.label_key(coalesce(industry, ''))), (dormancy.label_key(coalesce(company_size, ''))));

COMMENT ON TABLE dormancy.rules IS
	'dormancy thresholds per industry and company size; NULL matches any; the most specific rule wins';
COMMENT ON COLUMN dormancy.rules.rule_id IS 'surrogate key';
COMMENT ON COLUMN dormancy.rules.industry IS 'customer industry this rule applies to (by label_key, or through dormancy.industries), NULL for any';
COMMENT ON COLUMN dormancy.rules.company_size IS 'customer company size this rule applies to (by label_key, or through dormancy.company_sizes), NULL for any';
COMMENT ON COLUMN dormancy.rules.at_risk_after IS 'time since the last qualifying order after which a customer is at risk';
COMMENT ON COLUMN dormancy.rules.dormant_after IS 'time since the last qualifying order after which a customer is dormant';
COMMENT ON COLUMN dormancy.rules.long_dormant_after IS 'time since the last qualifying order after which a customer is long dormant';
COMMENT ON COLUMN dormancy.rules.min_order_amount IS 'only orders of at least this amount count when measuring recency (large-order rule)';
COMMENT ON COLUMN dormancy.rules.note IS 'where the thresholds come from';
COMMENT ON COLUMN dormancy.rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';
COMMENT ON COLUMN dormancy.rules.use_contract_end IS
	'measure recency from contract coverage too: the last covered day of the bound contracts counts like a purchase day (IT services: a lapsed licence is what dormancy means)';

-- The installed defaults.  15_defaults.sql makes them so (installed_defaults,
-- the flag "installed", the triggers that keep edits and deletions through
-- pg_dump), with the compound key (industry, company_size).
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount, use_contract_end, note) VALUES
	(NULL, NULL, '6 months', '1 year', '2 years', 0, false,
	 'default ladder: 6 months at risk, 1 year dormant, 2 years long dormant'),
	('consumables', NULL, '3 months', '6 months', '1 year', 0, false,
	 'consumables: dormant after 6 months; at risk at half, long dormant at twice'),
	('it_services', NULL, '6 months', '1 year', '2 years', 0, true,
	 'IT services / SaaS: dormant after 1 year without renewal'),
	('manufacturing', NULL, '1 year', '2 years', '4 years', 0, false,
	 'manufacturing: dormant after 2 years without a large order; set min_order_amount to your large-order size'),
	('ec', NULL, '3 months', '1 year', '2 years', 0, false,
	 'EC / mail order: 3 months since the last purchase is a warning, 1 year since the last use is dormant'),
	(NULL, 'smb', '3 months', '6 months', '1 year', 0, false,
	 'small and medium business: dormant after 3 to 6 months'),
	(NULL, 'enterprise', '1 year', '2 years', '4 years', 0, false,
	 'large enterprise: dormant after 1 to 2 years');
SELECT pg_catalog.pg_extension_config_dump('dormancy.rules_rule_id_seq', '');

-- The rule for one customer: industry match beats size match beats the
-- catch-all.  Each label is compared by label_key: a rule keyed by the
-- label's own key or by its alias's (dormancy.industries,
-- dormancy.company_sizes) matches; among equally specific rules the one keyed
-- by the industry's own key comes first, then by the size's own key.  (A
-- rule keyed by a label for one segment so leaves the label's alias to its
-- other customers.)
CREATE FUNCTION dormancy.rule_for(industry text, company_size text)
	RETURNS dormancy.rules
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (WITH own AS (
				SELECT dormancy.label_key(rule_for.industry) AS industry,
					   dormancy.label_key(rule_for.company_size) AS company_size
			), k AS (
				SELECT own.industry,
					   (SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
						 WHERE dormancy.label_key(a.source_industry) = own.industry) AS industry_alias,
					   own.company_size,
					   (SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
						 WHERE dormancy.label_key(a.source_size) = own.company_size) AS size_alias
				  FROM own
			)
			SELECT r FROM dormancy.rules r, k
			 WHERE (r.industry IS NULL OR dormancy.label_key(r.industry) IN (k.industry, k.industry_alias))
			   AND (r.company_size IS NULL OR dormancy.label_key(r.company_size) IN (k.company_size, k.size_alias))
			 ORDER BY r.industry IS NULL, r.company_size IS NULL,
					  dormancy.label_key(r.industry) IS DISTINCT FROM k.industry,
					  dormancy.label_key(r.company_size) IS DISTINCT FROM k.company_size
			 LIMIT 1);
COMMENT ON FUNCTION dormancy.rule_for(text, text) IS
	'the most specific rule for an industry and company size (compared by label_key, each label by its own key and by its alias''s in dormancy.industries and dormancy.company_sizes): both > industry only > size only > catch-all; among equally specific rules the one keyed by the label itself';
COMMENT ON SEQUENCE dormancy.rules_rule_id_seq IS 'generates dormancy.rules.rule_id';

-- rule_for() in C over the rules and aliases of a configuration
-- (09_configuration.sql), for the views: it reads no table, so it is
-- IMMUTABLE and gives the coordinator's answer on a Citus worker.  Each
-- call site prepares the rules once and folds each distinct label once.
-- sql/rule_for_config.sql compares it with rule_for().
CREATE FUNCTION dormancy._rule_for(industry text, company_size text, configuration dormancy.configuration)
	RETURNS dormancy.rules
	AS 'MODULE_PATHNAME', 'rule_for_config'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._rule_for(text, text, dormancy.configuration) IS
	'internal: rule_for() over the rules and aliases of the configuration given (the views pass dormancy._configuration())';

-- Put the installed defaults back (user rules for other segments stay): the
-- common reset of 15_defaults.sql.
CREATE FUNCTION dormancy.reset_rules()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy.reset_defaults('dormancy.rules');
END
$$;
COMMENT ON FUNCTION dormancy.reset_rules() IS 'restore the installed default rules, keeping rules for other segments (reset_defaults(''dormancy.rules''))';
REVOKE ALL ON FUNCTION dormancy.reset_rules() FROM PUBLIC;
