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
-- Settings of the sources
--

-- The CHECK of source_settings.phone_country: the list of countries of
-- phone_valid() (src/core/phone.c), upper case only.  Public: PostgreSQL
-- runs a CHECK's function with the rights of whoever writes the row (a role
-- granted INSERT or UPDATE on the settings), and it is a pure function of
-- its argument.
CREATE FUNCTION dormancy.country_code_valid(code text)
	RETURNS boolean
	LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
	AS 'MODULE_PATHNAME', 'phone_country_assigned';
COMMENT ON FUNCTION dormancy.country_code_valid(text) IS
	'true for an officially assigned ISO 3166-1 alpha-2 code in upper case (the countries dormancy.phone_valid() accepts): the CHECK of source_settings.phone_country';

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
	phone_country text NOT NULL DEFAULT 'JP',
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
	CONSTRAINT source_settings_contact_stale_after CHECK (contact_stale_after > interval '0'),
	-- under 1,000 years: the windows must stay dates (see rules_thresholds_bounded)
	CONSTRAINT source_settings_lengths_bounded CHECK (contract_grace_period < interval '1000 years' AND downgrade_window < interval '1000 years'
		AND renewal_horizon < interval '1000 years' AND engagement_window < interval '1000 years' AND contact_stale_after < interval '1000 years'),
	CONSTRAINT source_settings_phone_country CHECK (dormancy.country_code_valid(phone_country))
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
COMMENT ON COLUMN dormancy.source_settings.phone_country IS
	'the country of phone numbers written without a country code (an officially assigned ISO 3166-1 alpha-2 code, upper case): JP has national rules, any other code accepts only numbers in international form (+...); see dormancy.phone_valid(); default JP';
SELECT pg_catalog.pg_extension_config_dump('dormancy.source_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.source_settings_in_force()
	RETURNS dormancy.source_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.source_settings s),
					ROW(true, interval '30 days', interval '12 months', interval '90 days',
						interval '90 days', 3, 2, interval '2 years', 'JP')::dormancy.source_settings);
COMMENT ON FUNCTION dormancy.source_settings_in_force() IS
	'the row of dormancy.source_settings, or the defaults when it is empty';

-- Phone numbers per country (src/core/phone.h has the rules): NFKC, then a
-- Japanese number is 10 digits (fixed lines, 0120, 0570) or 11 digits (070,
-- 080, 090, 050, 020, 0800) in national form or after +81; another country's
-- number needs '+' and 8 to 15 digits.  IMMUTABLE like
-- normalize_company_name(): it depends on its arguments, the database
-- encoding and the server's Unicode tables.
CREATE FUNCTION dormancy.phone_valid(phone text, country text)
	RETURNS boolean
	LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
	AS 'MODULE_PATHNAME', 'phone_valid';
COMMENT ON FUNCTION dormancy.phone_valid(text, text) IS
	'true when the phone number can be dialled: read after NFKC, a label (TEL:) and an extension (ext, x, #, the Japanese naisen) ignored; country (an officially assigned ISO 3166-1 alpha-2 code, any case; anything else is an error) is where a number without +country code is from: JP checks Japanese numbers (10 or 11 digits by prefix), any other accepts only +numbers of 8 to 15 digits';

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
CREATE UNIQUE INDEX event_kinds_key ON dormancy.event_kinds ((dormancy.label_key(source_kind)));
COMMENT ON TABLE dormancy.event_kinds IS
	'maps the event kinds of the bound events onto email_open, email_click, web_visit, pricing_view, document_download, support_visit or other (case-insensitive); unmapped kinds count as other and are reported';
COMMENT ON COLUMN dormancy.event_kinds.source_kind IS 'a value of the bound kind column (matched by label_key: NFKC, case, blanks)';
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
CREATE UNIQUE INDEX deal_outcomes_key ON dormancy.deal_outcomes ((dormancy.label_key(source_outcome)));
COMMENT ON TABLE dormancy.deal_outcomes IS
	'maps the deal outcomes of the bound deals onto won, lost, postponed or open (case-insensitive); unmapped outcomes are reported and count as unknown';
COMMENT ON COLUMN dormancy.deal_outcomes.source_outcome IS 'a value of the bound outcome column (matched by label_key: NFKC, case, blanks)';
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
CREATE UNIQUE INDEX deal_reasons_key ON dormancy.deal_reasons ((dormancy.label_key(source_reason)));
COMMENT ON TABLE dormancy.deal_reasons IS
	'maps the lost or postponed reasons of the bound deals onto price, features, competitor, timing, budget, circumstances or other (case-insensitive); unmapped reasons count as other and are reported';
COMMENT ON COLUMN dormancy.deal_reasons.source_reason IS 'a value of the bound reason column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.deal_reasons.reason IS 'what it means: price, features, competitor, timing, budget, circumstances or other';
COMMENT ON COLUMN dormancy.deal_reasons.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

-- The columns of a customer's current contract term and of its latest
-- downgrade, each picked together by contract_signals (sql_src/70_views.sql)
-- in one ordered aggregate instead of a row_number() window each.
CREATE TYPE dormancy._contract_term AS (
	starts_on pg_catalog.date,
	ends_on pg_catalog.date,
	plan text,
	seats double precision,
	amount double precision,
	auto_renew boolean,
	end_day pg_catalog.date
);
COMMENT ON TYPE dormancy._contract_term IS 'internal: the columns of a customer''s current contract term, picked together by contract_signals';
CREATE TYPE dormancy._contract_downgrade AS (
	starts_on pg_catalog.date,
	prev_seats double precision,
	seats double precision,
	prev_amount double precision,
	amount double precision,
	prev_plan text,
	plan text
);
COMMENT ON TYPE dormancy._contract_downgrade IS 'internal: the columns of a customer''s latest contract downgrade (the term and the one before it), picked together by contract_signals';

-- The columns of a customer's last closed deal, picked together by
-- customer_deals (sql_src/70_views.sql) in one ordered aggregate: an
-- ordered aggregate sorts each customer's rows for itself, and one per
-- column sorted them six times.
CREATE TYPE dormancy._closed_deal AS (
	closed_on pg_catalog.date,
	outcome text,
	reason text,
	source_outcome text,
	source_reason text,
	note text
);
COMMENT ON TYPE dormancy._closed_deal IS 'internal: the columns of a customer''s last closed deal, picked together by customer_deals';

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

-- Wordings of CRM and marketing tools (Salesforce, HubSpot, ...), English
-- and Japanese: an inquiry and a seminar or trade show visit are recent
-- interest without the meaning of a pricing or support page, so web_visit.
INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES
	('inquiry', 'web_visit'), ('enquiry', 'web_visit'), ('contact', 'web_visit'),
	('contact form', 'web_visit'), ('contact us', 'web_visit'), ('form submission', 'web_visit'),
	('form_submission', 'web_visit'), ('form submitted', 'web_visit'), ('seminar', 'web_visit'),
	('webinar attended', 'web_visit'), ('event attended', 'web_visit'),
	('trade show', 'web_visit'), ('exhibition', 'web_visit'), ('email_opened', 'email_open'),
	('email_clicked', 'email_click'), ('form_fill', 'web_visit'), ('demo request', 'web_visit'),
	('content download', 'document_download'), ('case study download', 'document_download'),
	-- support tickets and complaints (2026-12-07): contact with the support,
	-- as a support page visit is, and two or more in the window hint at
	-- dissatisfaction with it (evidence support_visits)
	('support ticket', 'support_visit'), ('support_ticket', 'support_visit'),
	('support case', 'support_visit'), ('support request', 'support_visit'),
	('support inquiry', 'support_visit'), ('complaint', 'support_visit');
DO $$
BEGIN
	INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES
		(U&'\304A\554F\3044\5408\308F\305B', 'web_visit'),	-- otoiawase: inquiry
		(U&'\554F\3044\5408\308F\305B', 'web_visit'),	-- toiawase: inquiry
		(U&'\554F\5408\305B', 'web_visit'),	-- toiawase (short spelling): inquiry
		(U&'\30BB\30DF\30CA\30FC\53C2\52A0', 'web_visit'),	-- semina sanka: seminar attendance
		(U&'\30A6\30A7\30D3\30CA\30FC\53C2\52A0', 'web_visit'),	-- webina sanka: webinar attendance
		(U&'\30BB\30DF\30CA\30FC', 'web_visit'),	-- semina: seminar
		(U&'\30A6\30A7\30D3\30CA\30FC', 'web_visit'),	-- webina: webinar
		(U&'\5C55\793A\4F1A', 'web_visit'),	-- tenjikai: trade show
		(U&'\5C55\793A\4F1A\6765\5834', 'web_visit'),	-- tenjikai raijo: trade show visit
		(U&'\30A4\30D9\30F3\30C8\53C2\52A0', 'web_visit'),	-- ibento sanka: event attendance
		(U&'\30C7\30E2\4F9D\983C', 'web_visit'),	-- demo irai: demo request
		(U&'\898B\7A4D\4F9D\983C', 'pricing_view'),	-- mitsumori irai: quote request
		(U&'\30E1\30EB\30DE\30AC\958B\5C01', 'email_open'),	-- merumaga kaifu: newsletter opened
		(U&'\30E1\30EB\30DE\30AC\30AF\30EA\30C3\30AF', 'email_click'),	-- merumaga kurikku: newsletter click
		(U&'\30AF\30EC\30FC\30E0', 'support_visit'),	-- kuremu: complaint
		(U&'\82E6\60C5', 'support_visit'),	-- kujo: complaint
		(U&'\30B5\30DD\30FC\30C8\554F\3044\5408\308F\305B', 'support_visit'),	-- sapoto toiawase: support inquiry
		(U&'\30B5\30DD\30FC\30C8\304A\554F\3044\5408\308F\305B', 'support_visit'),	-- sapoto otoiawase: support inquiry
		(U&'\30B5\30DD\30FC\30C8\4F9D\983C', 'support_visit');	-- sapoto irai: support request
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.event_kinds: left out';
END
$$;
-- Salesforce stages (Closed Won, Closed Lost), HubSpot stages (closedwon,
-- closedlost, in the defaults above) and outcome-with-reason wordings.
INSERT INTO dormancy.deal_outcomes (source_outcome, outcome) VALUES
	('closed - won', 'won'), ('closed/won', 'won'), ('closed-won', 'won'), ('won - closed', 'won'),
	('closed - lost', 'lost'), ('closed/lost', 'lost'), ('closed-lost', 'lost'),
	('lost - price', 'lost'), ('lost - competitor', 'lost'), ('lost - budget', 'lost'),
	('lost - timing', 'lost'), ('lost - features', 'lost'), ('lost - no decision', 'lost'),
	('no decision', 'lost'), ('on-hold', 'postponed');
INSERT INTO dormancy.deal_reasons (source_reason, reason) VALUES
	('lost - price', 'price'), ('price too high', 'price'), ('lost on price', 'price'),
	('lost - competitor', 'competitor'), ('chose competitor', 'competitor'),
	('went with competitor', 'competitor'), ('lost to competition', 'competitor'),
	('lost - budget', 'budget'), ('over budget', 'budget'), ('lost - timing', 'timing'),
	('lost - features', 'features'), ('feature gap', 'features');
DO $$
BEGIN
	INSERT INTO dormancy.deal_outcomes (source_outcome, outcome) VALUES
		(U&'\5931\6CE8\FF08\4FA1\683C\FF09', 'lost'),	-- shitchu (kakaku): lost (price)
		(U&'\5931\6CE8\FF08\7AF6\5408\FF09', 'lost'),	-- shitchu (kyogo): lost (competitor)
		(U&'\5931\6CE8\FF08\4E88\7B97\FF09', 'lost'),	-- shitchu (yosan): lost (budget)
		(U&'\5931\6CE8\FF08\6642\671F\FF09', 'lost'),	-- shitchu (jiki): lost (timing)
		(U&'\5931\6CE8\FF08\6A5F\80FD\FF09', 'lost'),	-- shitchu (kino): lost (features)
		(U&'\53D7\6CE8\6E08', 'won'),	-- juchu-zumi: order won
		(U&'\53D7\6CE8\6E08\307F', 'won'),	-- juchu-zumi: order won
		(U&'\6210\7D04\6E08\307F', 'won'),	-- seiyaku-zumi: deal closed
		(U&'\898B\9001\308A\FF08\6765\671F\FF09', 'postponed');	-- miokuri (raiki): postponed to next term
	INSERT INTO dormancy.deal_reasons (source_reason, reason) VALUES
		(U&'\5931\6CE8\FF08\4FA1\683C\FF09', 'price'),	-- shitchu (kakaku): lost (price)
		(U&'\5931\6CE8\FF08\7AF6\5408\FF09', 'competitor'),	-- shitchu (kyogo): lost (competitor)
		(U&'\5931\6CE8\FF08\4E88\7B97\FF09', 'budget'),	-- shitchu (yosan): lost (budget)
		(U&'\5931\6CE8\FF08\6642\671F\FF09', 'timing'),	-- shitchu (jiki): lost (timing)
		(U&'\5931\6CE8\FF08\6A5F\80FD\FF09', 'features'),	-- shitchu (kino): lost (features)
		(U&'\7AF6\5408\4ED6\793E\306B\6C7A\5B9A', 'competitor'),	-- kyogo tasha ni kettei: chose a competitor
		(U&'\4ED6\793E\306B\6C7A\5B9A', 'competitor'),	-- tasha ni kettei: chose another company
		(U&'\7AF6\5408\306B\8CA0\3051', 'competitor'),	-- kyogo ni make: lost to a competitor
		(U&'\7AF6\5408\8CA0\3051', 'competitor'),	-- kyogo make: lost to a competitor
		(U&'\4ED6\793E\63A1\7528', 'competitor'),	-- tasha saiyo: another company adopted
		(U&'\4FA1\683C\9762\3067\6298\308A\5408\308F\305A', 'price'),	-- kakakumen de oriawazu: no agreement on price
		(U&'\4FA1\683C\304C\5408\308F\306A\3044', 'price'),	-- kakaku ga awanai: the price does not fit
		(U&'\4FA1\683C\9762', 'price'),	-- kakakumen: price side
		(U&'\9AD8\3059\304E\308B', 'price'),	-- takasugiru: too expensive
		(U&'\4E88\7B97\30AA\30FC\30D0\30FC', 'budget'),	-- yosan oba: over budget
		(U&'\4E88\7B97\304C\306A\3044', 'budget'),	-- yosan ga nai: no budget
		-- next term, next fiscal year: budget, held until the next fiscal
		-- year's budget is drawn up (docs/outreach.md)
		(U&'\6642\671F\5C1A\65E9\FF08\6765\671F\691C\8A0E\FF09', 'budget'),	-- jiki shoso (raiki kento): premature, next term
		(U&'\6765\671F', 'budget'),	-- raiki: next term
		(U&'\6765\5E74\5EA6', 'budget'),	-- rainendo: next fiscal year
		(U&'\6B21\5E74\5EA6', 'budget'),	-- jinendo: next fiscal year
		(U&'\6765\671F\691C\8A0E', 'budget'),	-- raiki kento: reconsider next term
		(U&'\6765\5E74\5EA6\691C\8A0E', 'budget'),	-- rainendo kento: reconsider next fiscal year
		(U&'\6B21\5E74\5EA6\691C\8A0E', 'budget'),	-- jinendo kento: reconsider next fiscal year
		(U&'\6765\5E74\5EA6\4E88\7B97', 'budget'),	-- rainendo yosan: next fiscal year's budget
		(U&'\6A5F\80FD\4E0D\8DB3\FF08\8981\4EF6\672A\9054\FF09', 'features'),	-- kino busoku (yoken mitatsu): features short of requirements
		(U&'\8981\4EF6\4E0D\4E00\81F4', 'features');	-- yoken fuicchi: requirements do not match
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.deal_outcomes and dormancy.deal_reasons: left out';
END
$$;

SELECT dormancy._install_defaults('dormancy.event_kinds', 'source_kind');
SELECT dormancy._install_defaults('dormancy.deal_outcomes', 'source_outcome');
SELECT dormancy._install_defaults('dormancy.deal_reasons', 'source_reason');

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
