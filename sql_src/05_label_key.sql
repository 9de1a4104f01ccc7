--
-- Label keys and aliases: how a label in the user's data (an industry, a
-- company size, an event kind, a deal outcome or reason, a price change's
-- kind or category) is compared with the keys of the rules and mappings.
--
-- label_key() is the one comparison: Unicode NFKC (UTF8 databases), lower
-- case, white space (U+3000 too) trimmed and inner runs collapsed to one
-- space, so that full-width and half-width wordings and a trailing
-- full-width space give one label.  The
-- alias tables map the wordings of a vocabulary onto the codes the installed
-- rules use; their defaults are installed by 16_label_aliases.sql (the
-- defaults mechanism of 15_defaults.sql comes later in the script).
--

CREATE FUNCTION dormancy.label_key(label text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'label_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;	-- planning loads the library (src/jit_guard.c)
COMMENT ON FUNCTION dormancy.label_key(text) IS
	'the comparison key of a user label: NFKC (UTF8 databases), lower case, white space (U+3000 too) trimmed and inner runs collapsed to one space';

CREATE TABLE dormancy.industries (
	source_industry text PRIMARY KEY,
	industry text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT industries_source_not_blank CHECK (dormancy.label_key(source_industry) <> ''),
	CONSTRAINT industries_industry_not_blank CHECK (dormancy.label_key(industry) <> '')
);
CREATE UNIQUE INDEX industries_key ON dormancy.industries ((dormancy.label_key(source_industry)));
COMMENT ON TABLE dormancy.industries IS
	'maps the industry labels of the bound customers onto the industries the rules and approach rules name (by label_key); a label no rule names is matched through its alias, a label without one by its own key';
COMMENT ON COLUMN dormancy.industries.source_industry IS 'an industry label as written in the bound customers (matched by label_key)';
COMMENT ON COLUMN dormancy.industries.industry IS 'the industry of dormancy.rules and dormancy.approach_rules it stands for (consumables, it_services, manufacturing, ec, retail, ...)';
COMMENT ON COLUMN dormancy.industries.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

CREATE TABLE dormancy.company_sizes (
	source_size text PRIMARY KEY,
	company_size text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT company_sizes_source_not_blank CHECK (dormancy.label_key(source_size) <> ''),
	CONSTRAINT company_sizes_size_not_blank CHECK (dormancy.label_key(company_size) <> '')
);
CREATE UNIQUE INDEX company_sizes_key ON dormancy.company_sizes ((dormancy.label_key(source_size)));
COMMENT ON TABLE dormancy.company_sizes IS
	'maps the company size labels of the bound customers onto the sizes the rules and approach rules name (by label_key); a label no rule names is matched through its alias, a label without one by its own key';
COMMENT ON COLUMN dormancy.company_sizes.source_size IS 'a company size label as written in the bound customers (matched by label_key)';
COMMENT ON COLUMN dormancy.company_sizes.company_size IS 'the company size of dormancy.rules and dormancy.approach_rules it stands for (enterprise, mid, smb, ...)';
COMMENT ON COLUMN dormancy.company_sizes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.industries (source_industry, industry) VALUES
	('manufacturing', 'manufacturing'), ('manufacturer', 'manufacturing'),
	('manufacturers', 'manufacturing'), ('retail', 'retail'), ('retailer', 'retail'),
	('retail trade', 'retail'), ('ec', 'ec'), ('e-commerce', 'ec'), ('ecommerce', 'ec'),
	('e commerce', 'ec'), ('online shop', 'ec'), ('online store', 'ec'), ('mail order', 'ec'),
	('it_services', 'it_services'), ('it services', 'it_services'), ('it service', 'it_services'),
	('it', 'it_services'), ('software', 'it_services'), ('saas', 'it_services'),
	('information technology', 'it_services'), ('consumables', 'consumables'),
	('supplies', 'consumables'), ('office supplies', 'consumables');
INSERT INTO dormancy.company_sizes (source_size, company_size) VALUES
	('enterprise', 'enterprise'), ('large', 'enterprise'), ('large enterprise', 'enterprise'),
	('mid', 'mid'), ('mid-market', 'mid'), ('midmarket', 'mid'), ('mid market', 'mid'),
	('medium', 'mid'), ('mid-size', 'mid'), ('midsize', 'mid'), ('smb', 'smb'), ('sme', 'smb'),
	('small', 'smb'), ('small business', 'smb');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.industries (source_industry, industry) VALUES
		(U&'\88FD\9020\696D', 'manufacturing'),	-- seizogyo: manufacturing industry
		(U&'\88FD\9020', 'manufacturing'),	-- seizo: manufacturing
		(U&'\30E1\30FC\30AB\30FC', 'manufacturing'),	-- meka: manufacturer
		(U&'\5C0F\58F2', 'retail'),	-- kouri: retail
		(U&'\5C0F\58F2\696D', 'retail'),	-- kourigyo: retail trade
		(U&'\30EA\30C6\30FC\30EB', 'retail'),	-- riteru: retail
		(U&'\901A\8CA9', 'ec'),	-- tsuhan: mail order
		(U&'\30CD\30C3\30C8\901A\8CA9', 'ec'),	-- netto tsuhan: online shopping
		(U&'E\30B3\30DE\30FC\30B9', 'ec'),	-- E-komasu: e-commerce
		(U&'\901A\4FE1\8CA9\58F2', 'ec'),	-- tsushin hanbai: mail-order sales
		(U&'IT\30B5\30FC\30D3\30B9', 'it_services'),	-- IT sabisu: IT services
		(U&'\60C5\5831\901A\4FE1', 'it_services'),	-- joho tsushin: information and communications
		(U&'\60C5\5831\901A\4FE1\696D', 'it_services'),	-- joho tsushingyo: information and communications industry
		(U&'\30BD\30D5\30C8\30A6\30A7\30A2', 'it_services'),	-- sofutowea: software
		(U&'\30B7\30B9\30C6\30E0\958B\767A', 'it_services'),	-- shisutemu kaihatsu: system development
		(U&'\6D88\8017\54C1', 'consumables'),	-- shomohin: consumables
		(U&'\4E8B\52D9\7528\54C1', 'consumables'),	-- jimu yohin: office supplies
		(U&'\6D88\8017\54C1\8CA9\58F2', 'consumables');	-- shomohin hanbai: consumables sales
	INSERT INTO dormancy.company_sizes (source_size, company_size) VALUES
		(U&'\5927\4F01\696D', 'enterprise'),	-- daikigyo: large enterprise
		(U&'\5927\624B', 'enterprise'),	-- ote: major company
		(U&'\5927\624B\4F01\696D', 'enterprise'),	-- ote kigyo: major company (seed 002)
		(U&'\30A8\30F3\30BF\30FC\30D7\30E9\30A4\30BA', 'enterprise'),	-- entapuraizu: enterprise
		(U&'\5927\898F\6A21', 'enterprise'),	-- daikibo: large scale
		(U&'\4E2D\5805', 'mid'),	-- chuken: mid-sized
		(U&'\4E2D\5805\4F01\696D', 'mid'),	-- chuken kigyo: mid-sized company
		(U&'\4E2D\898F\6A21', 'mid'),	-- chukibo: medium scale
		(U&'\4E2D\5C0F', 'smb'),	-- chusho: small and medium
		(U&'\4E2D\5C0F\4F01\696D', 'smb'),	-- chusho kigyo: small and medium business
		(U&'\5C0F\898F\6A21', 'smb');	-- shokibo: small scale
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.industries and dormancy.company_sizes: left out';
END
$$;
