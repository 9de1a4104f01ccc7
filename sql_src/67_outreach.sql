--
-- Outreach and win-back campaigns (issue 15, DOMAIN.md D11)
--
-- What came of approaching the customers: the outreach (calls, mails,
-- visits) from the user's own activity table (bind_outreach) or, without
-- one, from the extension's table dormancy.outreach_log; its channels,
-- themes and outcomes mapped onto the vocabulary of the approach rules by
-- alias tables (Japanese wordings installed).  A campaign (start_campaign)
-- freezes a call list: its members, their scores and planned approach at
-- the start, and a reproducible random control share of each stratum
-- (state x likely reason x score band) that is not approached, so that the
-- effect of the approach can be measured (campaign_effect).  A declined
-- outcome with a reason is evidence for the likely reason.  docs/outreach.md
-- has the definitions.
--

ALTER TABLE dormancy.bindings DROP CONSTRAINT bindings_source_known;
ALTER TABLE dormancy.bindings ADD CONSTRAINT bindings_source_known
	CHECK (source IN ('customers', 'orders', 'contracts', 'events', 'deals', 'contacts', 'outreach'));
COMMENT ON COLUMN dormancy.bindings.source IS 'customers, orders, contracts, events, deals, contacts or outreach';

--
-- Score bands
--

-- The band of a priority score (0 to 100) between cut points: with
-- {25,50,75}, 0-25, 25-50, 50-75 and 75-100, each band holding its lower
-- bound (a score of exactly 25 is in 25-50).  Invalid cut points (NULL,
-- not strictly increasing, outside (0, 100), more than 20) raise an error,
-- which makes this the check of outreach_settings.score_bands too.
-- The band's text is the cut points' shortest exact decimals, whatever the
-- session's extra_float_digits (0 would round 66.66666666666667 to
-- 66.6666666666667): the strata are named by it, and start_campaign draws
-- their extra controls from the names.
CREATE FUNCTION dormancy.score_band(score double precision, cut_points double precision[])
	RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET extra_float_digits = 1
AS $$
DECLARE
	lower_bound double precision := 0;
	cut double precision;
BEGIN
	IF cut_points IS NULL OR array_position(cut_points, NULL) IS NOT NULL OR cardinality(cut_points) > 20
	   OR array_ndims(cut_points) > 1 THEN
		RAISE EXCEPTION 'invalid score band cut points: %', cut_points
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Cut points are a one-dimensional array of at most 20 numbers without NULLs.',
				  HINT = 'Give increasing numbers between 0 and 100, for example ''{25,50,75}''.';
	END IF;
	FOREACH cut IN ARRAY cut_points LOOP
		IF NOT (cut > lower_bound AND cut < 100) THEN
			RAISE EXCEPTION 'invalid score band cut points: %', cut_points
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Cut points must be strictly increasing and lie strictly between 0 and 100.',
					  HINT = 'Give increasing numbers between 0 and 100, for example ''{25,50,75}''.';
		END IF;
		lower_bound := cut;
	END LOOP;
	IF score IS NULL OR score = 'NaN'::double precision THEN
		RETURN NULL;
	END IF;
	lower_bound := 0;
	FOREACH cut IN ARRAY cut_points LOOP
		IF score < cut THEN
			RETURN lower_bound::text || '-' || cut::text;
		END IF;
		lower_bound := cut;
	END LOOP;
	RETURN lower_bound::text || '-100';
END
$$;
COMMENT ON FUNCTION dormancy.score_band(double precision, double precision[]) IS
	'the band of a priority score between cut points, e.g. 25-50 for 30 with {25,50,75} (each band holds its lower bound; the last ends at 100); NULL for a NULL score; invalid cut points raise an error';

--
-- Settings of the outreach and the campaigns
--

-- At most one row; empty means the defaults (the column defaults, repeated
-- in outreach_settings_in_force()), so pg_dump's copy never clashes with a
-- row of CREATE EXTENSION.
CREATE TABLE dormancy.outreach_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	control_share double precision NOT NULL DEFAULT 0.10,
	reactivation_days integer NOT NULL DEFAULT 90,
	min_observations integer NOT NULL DEFAULT 30,
	score_bands double precision[] NOT NULL DEFAULT '{25,50,75}',
	recontact_after interval DEFAULT '14 days',
	fiscal_year_start_month smallint DEFAULT 4,
	budget_reapproach_lead interval NOT NULL DEFAULT '2 months',
	CONSTRAINT outreach_settings_one_row CHECK (singleton),
	CONSTRAINT outreach_settings_control_share CHECK (control_share >= 0 AND control_share < 1),
	CONSTRAINT outreach_settings_reactivation_days CHECK (reactivation_days BETWEEN 1 AND 3660),
	CONSTRAINT outreach_settings_min_observations CHECK (min_observations >= 1),
	CONSTRAINT outreach_settings_score_bands CHECK (dormancy.score_band(0, score_bands) IS NOT NULL),
	-- whole days or months, not negative, under 1,000 years (a date plus it
	-- stays a date); NULL: no hold
	CONSTRAINT outreach_settings_recontact_after CHECK (
		recontact_after >= interval '0' AND recontact_after < interval '1000 years' AND
		date_trunc('day', recontact_after) = recontact_after AND
		extract(month FROM recontact_after) >= 0 AND extract(day FROM recontact_after) >= 0),
	-- a month; NULL: no hold for next fiscal year's budget
	CONSTRAINT outreach_settings_fiscal_year_start_month CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
	-- whole days or months, not negative, under 12 months (a day of the
	-- fiscal year the customer named, or of the one before it)
	CONSTRAINT outreach_settings_budget_reapproach_lead CHECK (
		budget_reapproach_lead >= interval '0' AND budget_reapproach_lead < interval '12 months' AND
		date_trunc('day', budget_reapproach_lead) = budget_reapproach_lead AND
		extract(month FROM budget_reapproach_lead) >= 0 AND extract(day FROM budget_reapproach_lead) >= 0)
);
COMMENT ON TABLE dormancy.outreach_settings IS
	'settings of the win-back campaigns: at most one row; no row means the defaults (see dormancy.outreach_settings_in_force())';
COMMENT ON COLUMN dormancy.outreach_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.outreach_settings.control_share IS
	'share of each stratum of a campaign held out as control (not approached), 0 or more and less than 1; start_campaign() uses it when given none; default 0.10';
COMMENT ON COLUMN dormancy.outreach_settings.reactivation_days IS
	'the length of a campaign''s window: a member, treated or control, contacted or not, is reactivated by a purchase day within this many days after the campaign''s start (its as-of day; intention to treat); the rate among the contacted, descriptive only, counts them from the first contact; copied into a campaign when it starts; 1 to 3660, default 90';
COMMENT ON COLUMN dormancy.outreach_settings.min_observations IS
	'treated members, contacted or not (and as many controls), that a planned channel or a planned theme of a likely reason needs, over the campaigns whose window has ended, before measured_approaches uses its lift for learning; default 30';
COMMENT ON COLUMN dormancy.outreach_settings.score_bands IS
	'cut points of the priority score (0 to 100) into the score bands of the strata, strictly increasing, between 0 and 100 (see dormancy.score_band()); copied into a campaign when it starts; default {25,50,75}: 0-25, 25-50, 50-75, 75-100';
COMMENT ON COLUMN dormancy.outreach_settings.recontact_after IS
	'how long a customer is held back after a contact (attempts included; not a message delivered without an answer, nor a direct_mail or step_mail contact the customer did not answer): the customer leaves call_list, snapshot_call_list and new campaigns until the latest contact''s day plus this (customer_outreach.recontact_on); whole days or months, 0 or more; NULL: no hold; default 14 days';
COMMENT ON COLUMN dormancy.outreach_settings.fiscal_year_start_month IS
	'the month your customers'' fiscal years start in (1 to 12; default 4, April, as in most Japanese companies): a customer who put you off to next fiscal year''s budget (the deal component''s input a decline for budget, a deal lost on budget, or a deal postponed for budget, for timing or with no reason given, not for another reason; after the last order) is held back from call_list, snapshot_call_list and new campaigns until the first day of the fiscal year after that day minus budget_reapproach_lead (customer_status.reapproach_on); NULL: no such hold';
COMMENT ON COLUMN dormancy.outreach_settings.budget_reapproach_lead IS
	'how long before the next fiscal year starts such a customer is approached again (budgets are drawn up before the year starts): customer_status.reapproach_on is the first day of that year minus this, or the first day itself when that is not after the event; whole days or months, 0 or more, under 12 months; default 2 months';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.outreach_settings_in_force()
	RETURNS dormancy.outreach_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.outreach_settings s),
					ROW(true, 0.10, 90, 30, '{25,50,75}', interval '14 days', 4, interval '2 months')::dormancy.outreach_settings);
COMMENT ON FUNCTION dormancy.outreach_settings_in_force() IS
	'the row of dormancy.outreach_settings, or the defaults when it is empty';

-- The first day a customer who put you off to next fiscal year's budget on
-- event_on is approached again (customer_status.reapproach_on;
-- docs/outreach.md, Next fiscal year's budget): the first day of the fiscal
-- year after event_on (fiscal years starting on the first of
-- fiscal_year_start_month) minus lead, or that first day itself when the
-- lead puts it on or before event_on; NULL when that day is on or before
-- as_of (the hold is over) or event_on is not finite.  customer_status
-- chooses the event (the deal component's input, when budget-type).  In C
-- (src/core/fiscal.c): a SQL function of the same arithmetic could not be
-- inlined, and its call per customer cost about 17 us.
CREATE FUNCTION dormancy._reapproach_on(as_of date, event_on date, fiscal_year_start_month smallint, lead interval)
	RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_reapproach_on'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._reapproach_on(date, date, smallint, interval) IS
	'internal: customer_status.reapproach_on: the first day of the fiscal year after event_on (fiscal years starting on the first of fiscal_year_start_month) minus lead, or that first day when the lead puts it on or before event_on, when after as_of; else NULL';

--
-- Campaigns
--

CREATE TABLE dormancy.campaigns (
	campaign_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE,
	started_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	as_of date NOT NULL,
	filter text,
	control_share double precision NOT NULL,
	seed bigint NOT NULL,
	reactivation_days integer NOT NULL,
	score_bands double precision[] NOT NULL,
	customers integer,
	controls integer,
	started_by name NOT NULL DEFAULT CURRENT_USER,
	note text,
	CONSTRAINT campaigns_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT campaigns_control_share CHECK (control_share >= 0 AND control_share < 1),
	CONSTRAINT campaigns_reactivation_days CHECK (reactivation_days BETWEEN 1 AND 3660),
	CONSTRAINT campaigns_score_bands CHECK (dormancy.score_band(0, score_bands) IS NOT NULL),
	CONSTRAINT campaigns_counts CHECK (customers >= 0 AND controls >= 0 AND controls <= customers)
);
COMMENT ON TABLE dormancy.campaigns IS
	'win-back campaigns, one row each, written by dormancy.start_campaign(): the call list it froze, its control share and the seed of the assignment';
COMMENT ON COLUMN dormancy.campaigns.campaign_id IS 'the campaign''s number';
COMMENT ON COLUMN dormancy.campaigns.name IS 'the campaign''s name, unique';
COMMENT ON COLUMN dormancy.campaigns.started_at IS 'when start_campaign() ran';
COMMENT ON COLUMN dormancy.campaigns.as_of IS 'the as-of day in force at the start (dormancy.as_of_day()): the scores and states of the members are those of that day';
COMMENT ON COLUMN dormancy.campaigns.filter IS 'the filter over the columns of dormancy.call_list the list was taken with, as given; NULL for the whole call list';
COMMENT ON COLUMN dormancy.campaigns.control_share IS 'share of each stratum held out as control';
COMMENT ON COLUMN dormancy.campaigns.seed IS 'the seed of the control assignment: the same members, share and seed give the same controls (docs/outreach.md)';
COMMENT ON COLUMN dormancy.campaigns.reactivation_days IS 'outreach_settings.reactivation_days at the start: the window''s length, a member (treated or control, contacted or not) with a purchase day within this many days after the campaign''s as-of day is reactivated';
COMMENT ON COLUMN dormancy.campaigns.score_bands IS 'outreach_settings.score_bands at the start: the cut points of the members'' score bands';
COMMENT ON COLUMN dormancy.campaigns.customers IS 'members of the campaign, controls included';
COMMENT ON COLUMN dormancy.campaigns.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaigns.started_by IS 'the role that started it';
COMMENT ON COLUMN dormancy.campaigns.note IS 'free text';
COMMENT ON SEQUENCE dormancy.campaigns_campaign_id_seq IS 'generates dormancy.campaigns.campaign_id';
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaigns', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaigns_campaign_id_seq', '');

-- customer_id is text, like status_history's: the campaign survives a
-- re-bind to ids of another type.
CREATE TABLE dormancy.campaign_members (
	campaign_id bigint NOT NULL,
	customer_id text NOT NULL,
	is_control boolean NOT NULL,
	stratum text NOT NULL,
	score_band text,
	state text,
	likely_reason text,
	channel text,
	theme text,
	priority_score double precision,
	priority_rank bigint,
	call_order bigint,
	value_tier text,
	p_alive double precision,
	expected_value double precision,
	PRIMARY KEY (campaign_id, customer_id),
	CONSTRAINT campaign_members_priority_score CHECK (priority_score >= 0 AND priority_score <= 100),
	CONSTRAINT campaign_members_p_alive CHECK (p_alive >= 0 AND p_alive <= 1),
	CONSTRAINT campaign_members_expected_value CHECK (expected_value > '-infinity' AND expected_value < 'infinity')
);
CREATE INDEX campaign_members_customer ON dormancy.campaign_members (customer_id);
COMMENT ON TABLE dormancy.campaign_members IS
	'the members of each campaign as they were at its start: the control assignment, the stratum, the scores and the planned approach (written by dormancy.start_campaign())';
COMMENT ON COLUMN dormancy.campaign_members.campaign_id IS 'the campaign (dormancy.campaigns; deleting it deletes its members, by a trigger: no foreign key, so that a parallel restore loads the members before their campaign)';
COMMENT ON COLUMN dormancy.campaign_members.customer_id IS 'the customer id as text (so the campaign survives a re-bind to ids of another type)';
COMMENT ON COLUMN dormancy.campaign_members.is_control IS 'held out: not to be approached in this campaign, the comparison for the contacted members';
COMMENT ON COLUMN dormancy.campaign_members.stratum IS 'state | likely reason | score band at the start (e.g. dormant|lost_to_competitor|50-75; unknown for a NULL part): the control share is drawn in each';
COMMENT ON COLUMN dormancy.campaign_members.score_band IS 'the band of priority_score by the campaign''s score_bands (dormancy.score_band())';
COMMENT ON COLUMN dormancy.campaign_members.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_members.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_members.channel IS 'the planned approach channel at the start (approach_channel)';
COMMENT ON COLUMN dormancy.campaign_members.theme IS 'the planned message theme at the start (message_theme)';
COMMENT ON COLUMN dormancy.campaign_members.priority_score IS 'the priority score at the start, 0 to 100';
COMMENT ON COLUMN dormancy.campaign_members.priority_rank IS 'the priority rank at the start, among all customers';
COMMENT ON COLUMN dormancy.campaign_members.call_order IS 'the position in the call list at the start';
COMMENT ON COLUMN dormancy.campaign_members.value_tier IS 'the value tier at the start (A, B, C or NULL)';
COMMENT ON COLUMN dormancy.campaign_members.p_alive IS 'the model''s probability that the customer is alive, at the start';
COMMENT ON COLUMN dormancy.campaign_members.expected_value IS 'the model''s expected value over its horizon, at the start';
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaign_members', '');

--
-- The extension's own outreach log
--

-- The key by which a customer id of the log is matched to the text of the
-- bound customers' ids: the white space at both ends trimmed, that of
-- label_key (ASCII blanks, tab, CR, LF, and in UTF8 databases U+00A0 and
-- the ideographic space U+3000; 0xA1A1 in the EUC encodings), and nothing
-- else.  Ids come typed by a Japanese input method ('18' and U+3000) or
-- pasted from a spreadsheet cell (a tab, a line break); btrim, used until
-- 2026-12-07, trimmed ASCII blanks only, and such a contact (an opt-out
-- too) matched no one.  Not NFKC: a full-width 19 (U+FF11 U+FF19) stays
-- itself and matches no customer 19 (source_issues lists it): folding would
-- take the contacts of a customer whose own text id is written full-width
-- (U+FF21) away from it and give them to another ('A'), across row
-- security (as trimming the customers' ids did: sql/outreach_padded_ids.sql);
-- folding only where no customer has the id as written would read the
-- customers for each key (no index) and make the key depend on which
-- customers the role sees.  The customers' ids are never trimmed.  One
-- expression everywhere: the index below, the row security policies and
-- the adapter (_outreach_adapter), so that a lookup of one customer reads
-- the index.  In C: a SQL body would need the U+3000 literal, which a
-- non-UTF8 database cannot parse.  PUBLIC: the policies run it as the
-- calling role (a rep granted INSERT on the log need not be an analyst).
-- LEAKPROOF: it raises no error, whatever the text, so that under the
-- row security of the log the lookup of one key is an index condition
-- (not a filter behind the policy over every row of the log).
CREATE FUNCTION dormancy.outreach_customer_key(customer_id text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'outreach_customer_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
	SUPPORT dormancy._plan_support;	-- planning loads the library (src/jit_guard.c)
COMMENT ON FUNCTION dormancy.outreach_customer_key(text) IS
	'the key by which a customer id of dormancy.outreach_log is matched to the text of the bound customers'' ids: white space (tab, line breaks, U+00A0 and U+3000 too) trimmed at both ends, nothing else (full-width digits stay full-width)';

-- A customer id as text and back, without the errors of a cast (src/
-- customer_id_sql.c): LEAKPROOF, so that under row security the planner
-- keeps them in index conditions.  The policies below test a row of the
-- log, the members or the history by the index of your customers' id with
-- customer_id_from_text (the text of a rep's log cast to integer would
-- raise an error for 'abc'); the log is joined to the customers by its
-- index with customer_id_text (id::text is no index condition under the
-- log's row security: int4out is not leakproof).  PUBLIC, like
-- outreach_customer_key: the policies run them as the calling role.
-- customer_id_from_text refuses a domain type (its constraints are code of
-- yours, which a leakproof function must not run): the policies pass the
-- base type of a domain's ids.
CREATE FUNCTION dormancy.customer_id_text(id anyelement)
	RETURNS text
	AS 'MODULE_PATHNAME', 'customer_id_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy.customer_id_text(anyelement) IS
	'a customer id as text, as id::text writes it, for ids of type smallint, integer, bigint, uuid, text or varchar (or a domain over one of them); leakproof (never an error for a value)';
CREATE FUNCTION dormancy.customer_id_from_text(key text, id_type anyelement)
	RETURNS anyelement
	AS 'MODULE_PATHNAME', 'customer_id_from_text'
	LANGUAGE C IMMUTABLE PARALLEL SAFE LEAKPROOF
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy.customer_id_from_text(text, anyelement) IS
	'the customer id of the type of id_type (a typed NULL, e.g. NULL::integer: smallint, integer, bigint, uuid, text or varchar) whose text (customer_id_text) is exactly key; NULL when no id of that type has it (''042'', '' 42'', ''abc'' for integer ids): never an error, unlike a cast; leakproof.  Not for a domain type, an error whatever the key (a leakproof function does not run a domain''s constraints): pass its base type (NULL::integer) and cast the result to the domain';

-- For users without an activity table of their own (bind_outreach binds
-- one instead).  The values are the wordings of the reps, mapped like a
-- bound table's by outreach_channels, outreach_themes, outreach_outcomes
-- and deal_reasons; customer_id is text, matched to the customers by the
-- text of their ids, its own white space trimmed (outreach_customer_key).
CREATE TABLE dormancy.outreach_log (
	outreach_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer_id text NOT NULL,
	contacted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	channel text,
	theme text,
	outcome text,
	declined_reason text,
	rep text,
	campaign_id bigint,
	note text,
	CONSTRAINT outreach_log_customer_not_blank CHECK (dormancy.outreach_customer_key(customer_id) <> '')
);
CREATE INDEX outreach_log_customer ON dormancy.outreach_log ((dormancy.outreach_customer_key(customer_id)), contacted_at);
CREATE INDEX outreach_log_campaign ON dormancy.outreach_log (campaign_id);
COMMENT ON TABLE dormancy.outreach_log IS
	'the outreach to customers (calls, mails, visits) and what came of it, one row per contact, for users without an activity table of their own (read by dormancy.src_outreach while no outreach relation is bound)';
COMMENT ON COLUMN dormancy.outreach_log.outreach_id IS 'the row''s number';
COMMENT ON COLUMN dormancy.outreach_log.customer_id IS 'the customer id as text: matched to the bound customers by the text of their ids, its white space (U+3000, tab, line breaks too) trimmed at both ends (dormancy.outreach_customer_key: 42, not 042 nor full-width 42)';
COMMENT ON COLUMN dormancy.outreach_log.contacted_at IS 'when the customer was contacted (or the attempt was made)';
COMMENT ON COLUMN dormancy.outreach_log.channel IS 'the channel as the rep wrote it (e.g. phone, or denwa in Japanese), mapped by dormancy.outreach_channels';
COMMENT ON COLUMN dormancy.outreach_log.theme IS 'the message theme as the rep wrote it, mapped by dormancy.outreach_themes';
COMMENT ON COLUMN dormancy.outreach_log.outcome IS 'the outcome as the rep wrote it (e.g. not reached, or fuzai, shodan, juchu in Japanese), mapped by dormancy.outreach_outcomes';
COMMENT ON COLUMN dormancy.outreach_log.declined_reason IS 'why the customer declined, as the rep wrote it, mapped by dormancy.deal_reasons';
COMMENT ON COLUMN dormancy.outreach_log.rep IS 'who made the contact';
COMMENT ON COLUMN dormancy.outreach_log.campaign_id IS 'the campaign the contact belongs to (dormancy.campaigns), NULL for none; set NULL when the campaign is deleted (a trigger, no foreign key: a campaign id that is no campaign counts as none, source_issues lists it)';
COMMENT ON COLUMN dormancy.outreach_log.note IS 'free text';
COMMENT ON SEQUENCE dormancy.outreach_log_outreach_id_seq IS 'generates dormancy.outreach_log.outreach_id';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log_outreach_id_seq', '');

-- What foreign keys did, done by triggers on dormancy.campaigns: a campaign
-- deleted takes its members and leaves its contacts in the log without a
-- campaign (campaign_id NULL); TRUNCATE of the campaigns does the same for
-- every campaign; a campaign's number cannot change while members or
-- contacts name it.  Not foreign keys: the three tables are extension
-- configuration tables, whose data pg_dump does not order, and the keys,
-- which CREATE EXTENSION makes before any data is loaded, refused every
-- member and contact that a parallel restore (pg_restore -j) loaded before
-- their campaign (the table's rows lost, 2026-12-07;
-- test/integration/pg_dump_roundtrip.sh).  So nothing checks the campaign
-- of a new member or contact: a member of a campaign that does not exist is
-- read by no view (each joins the campaigns), a contact's campaign is taken
-- as none and listed by source_issues (outreach_campaign_not_found), as a
-- bound CRM's is.  SECURITY DEFINER, as a foreign key's actions run with
-- the tables' owner's rights: whoever may delete a campaign takes all its
-- members, those that row security hides from it too (and needs no grant on
-- the members or the log).  It runs only as these triggers on
-- dormancy.campaigns and runs fixed statements.
CREATE FUNCTION dormancy._campaign_referrers()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_RELID IS DISTINCT FROM 'dormancy.campaigns'::regclass OR TG_WHEN <> 'AFTER'
	   OR TG_NAME NOT IN ('campaign_deleted', 'campaign_renumbered', 'campaigns_truncated') THEN
		RAISE EXCEPTION 'dormancy._campaign_referrers() runs only as a trigger of dormancy on dormancy.campaigns'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		-- (DELETE: a TRUNCATE of the campaigns and the members together
		-- holds the members open, and a TRUNCATE of them here would fail)
		DELETE FROM dormancy.campaign_members;
		UPDATE dormancy.outreach_log l SET campaign_id = NULL WHERE l.campaign_id IS NOT NULL;
	ELSIF TG_OP = 'DELETE' THEN
		DELETE FROM dormancy.campaign_members m WHERE m.campaign_id = OLD.campaign_id;
		UPDATE dormancy.outreach_log l SET campaign_id = NULL WHERE l.campaign_id = OLD.campaign_id;
	ELSIF TG_OP = 'UPDATE' AND OLD.campaign_id IS DISTINCT FROM NEW.campaign_id
		  -- (after the whole statement: another row may have taken the number)
		  AND NOT EXISTS (SELECT 1 FROM dormancy.campaigns c WHERE c.campaign_id = OLD.campaign_id)
		  AND (EXISTS (SELECT 1 FROM dormancy.campaign_members m WHERE m.campaign_id = OLD.campaign_id)
			   OR EXISTS (SELECT 1 FROM dormancy.outreach_log l WHERE l.campaign_id = OLD.campaign_id)) THEN
		RAISE EXCEPTION 'cannot change the number of campaign %: members or contacts name it', OLD.campaign_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = 'dormancy.campaign_members or dormancy.outreach_log has rows with campaign_id ' || OLD.campaign_id || '.',
				  HINT = 'Give its members and contacts the new campaign_id first, then the campaign.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._campaign_referrers() IS
	'internal: trigger on dormancy.campaigns: a campaign deleted (or truncated) takes its members and leaves its contacts without a campaign; a campaign named by members or contacts keeps its number';
CREATE TRIGGER campaign_deleted AFTER DELETE ON dormancy.campaigns
	FOR EACH ROW EXECUTE FUNCTION dormancy._campaign_referrers();
CREATE TRIGGER campaign_renumbered AFTER UPDATE OF campaign_id ON dormancy.campaigns
	FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id) EXECUTE FUNCTION dormancy._campaign_referrers();
CREATE TRIGGER campaigns_truncated AFTER TRUNCATE ON dormancy.campaigns
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._campaign_referrers();
COMMENT ON TRIGGER campaign_deleted ON dormancy.campaigns IS
	'deletes the campaign''s members and sets its contacts'' campaign_id NULL in dormancy.outreach_log (what a foreign key with ON DELETE CASCADE and SET NULL did)';
COMMENT ON TRIGGER campaign_renumbered ON dormancy.campaigns IS
	'refuses a new campaign_id for a campaign whose members or contacts name the old one';
COMMENT ON TRIGGER campaigns_truncated ON dormancy.campaigns IS
	'empties dormancy.campaign_members and sets every campaign_id of dormancy.outreach_log NULL';
REVOKE ALL ON FUNCTION dormancy._campaign_referrers() FROM PUBLIC;

--
-- Row security: an analyst sees the contacts and the campaign members of
-- the customers the analyst may see in the bound customers (your table,
-- your policies), as the live views do; the owner sees every row (policies
-- do not apply to a table's owner).  Who writes is left to the grants
-- (docs/security.md); what a granted role writes, to the same customers.
--

-- The ids, as text, of the customers the calling role sees in the bound
-- customers (else the customers of the bound orders); none while nothing is
-- bound.  PL/pgSQL, so that it may name src_customers, which binding makes
-- (and a rebuild replaces: the cached plan follows).  The policies below
-- test a row's key among them (an uncorrelated IN: one hash of the ids per
-- query) when installed, between builds, and where the test by the index
-- of the ids cannot be written (_customer_key_policies).
CREATE FUNCTION dormancy.visible_customer_keys()
	RETURNS SETOF text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('dormancy.src_customers') IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT c.customer_id::text FROM dormancy.src_customers c WHERE c.customer_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION dormancy.visible_customer_keys() IS
	'the ids, as text, of the customers the calling role may see in the bound customers (else in the bound orders): the rows of outreach_log, campaign_members and status_history it may read';

ALTER TABLE dormancy.outreach_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE dormancy.campaign_members ENABLE ROW LEVEL SECURITY;
-- The roles of the nine policies below, recorded: pg_dump does not dump
-- the policies of an extension's tables (the restore has them as
-- installed), but it dumps this configuration table, and a policy that is
-- made again (dropped with src_customers by a DROP ... CASCADE of your
-- bound customers) gets its roles from here.  Until 2026-12-07 both came
-- back TO PUBLIC, and a role you had left out read every contact again.
-- A row is the roles the owner last gave a policy, kept only while they
-- are not the installed ones: no row is "as installed", so CREATE
-- EXTENSION writes none and the rows of a data-only restore meet none,
-- even with their triggers disabled (until 2026-12-08 the nine installed
-- rows made pg_restore --data-only --disable-triggers fail on the key,
-- and the next build recorded the installed PUBLIC).  Written from the
-- policy at every ALTER POLICY or CREATE POLICY of one of the nine, and
-- at a DROP OWNED that takes a role out of one (the event triggers
-- dormancy_policy_roles and dormancy_policy_roles_owned; until 2026-12-08
-- DROP OWNED was not seen, and a restore gave the role the policy again).
-- The policies follow the rows: a row written otherwise (restored, or
-- edited by the owner) gives its policy its roles at once (the triggers
-- below), and every build gives each policy the roles of its row where
-- they differ (a restore with its triggers disabled; a recorded role
-- created since).  The extension's own ALTER POLICY is not recorded
-- again (a transaction-local setting): a restored row keeps the names
-- its policy could not be given.  Each role is a name and, beside it,
-- its OID in the cluster the row was written in (cluster_id, that
-- cluster's system identifier): there, the role is its OID (renamed, it
-- keeps the policy; a new role of its old name does not get it; dropped,
-- it is gone); in another cluster (a restore elsewhere) only its name
-- means anything, and a role of that name made there gets it.  A
-- recorded role that does not exist is left out and kept in the row; a
-- policy none of whose roles exists (or whose row names none: DROP OWNED
-- took its last role) is not given to PUBLIC instead: it is dropped (or
-- not made again), so no role reads or writes through it, with a WARNING.
-- Only the owner writes the table (as only the owner may ALTER POLICY):
-- no privilege for anyone else, and its triggers refuse a role that is
-- not the owner even if granted.
CREATE TABLE dormancy.policy_roles (
	table_name name NOT NULL,
	policy_name name NOT NULL,
	roles name[] NOT NULL,
	role_ids oid[],
	cluster_id bigint,
	PRIMARY KEY (table_name, policy_name),
	CONSTRAINT policy_roles_policy CHECK (table_name IN ('outreach_log', 'campaign_members')
										  AND policy_name IN ('visible_customers', 'writers_insert', 'writers_update', 'writers_delete')
										  OR table_name = 'status_history' AND policy_name = 'analysts_see_their_customers'),
	CONSTRAINT policy_roles_roles CHECK (coalesce(array_ndims(roles), 1) = 1 AND array_position(roles, NULL) IS NULL),
	CONSTRAINT policy_roles_role_ids CHECK (role_ids IS NULL OR coalesce(array_ndims(role_ids), 1) = 1 AND cardinality(role_ids) = cardinality(roles))
);
COMMENT ON TABLE dormancy.policy_roles IS
	'the roles the owner gave the nine row security policies of outreach_log, campaign_members and status_history, where they are not the installed ones (no row: as installed), recorded at every ALTER POLICY and DROP OWNED (dumped, unlike the policies): a policy restored, or made again, follows its row; the owner''s only';
COMMENT ON COLUMN dormancy.policy_roles.table_name IS
	'the table of the policy, in schema dormancy: outreach_log, campaign_members or status_history';
COMMENT ON COLUMN dormancy.policy_roles.policy_name IS
	'the policy: visible_customers, writers_insert, writers_update, writers_delete (of the log and the members), analysts_see_their_customers (of the history)';
COMMENT ON COLUMN dormancy.policy_roles.roles IS
	'the role names it applies to (public: PUBLIC; none: the policy is not made); a role that does not exist is left out when the policy is made or restored, and a policy none of whose roles exists is not made (never TO PUBLIC instead)';
COMMENT ON COLUMN dormancy.policy_roles.role_ids IS
	'beside each name, the role''s OID in the cluster of cluster_id (0 for public; NULL: found by name only): there the role is its OID, renamed or not';
COMMENT ON COLUMN dormancy.policy_roles.cluster_id IS
	'the system identifier (pg_control_system()) of the cluster whose OIDs role_ids holds; in another cluster the roles are found by name (NULL: unknown, a role is found only by its name and OID both)';
REVOKE ALL ON dormancy.policy_roles FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('dormancy.policy_roles', '');

-- The cluster the OIDs of a record belong to: its system identifier (a
-- physical copy of the cluster, a standby or a base backup restored, has
-- the same).  NULL where the role running this may not execute
-- pg_control_system() (EXECUTE revoked from PUBLIC and the owner no
-- superuser): then a recorded role is found only by its name and its OID
-- both, never wider.
CREATE FUNCTION dormancy._cluster_id()
	RETURNS bigint
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') THEN
		RETURN (SELECT s.system_identifier FROM pg_control_system() s);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._cluster_id() IS
	'internal: the system identifier of this cluster (pg_control_system()), which dormancy.policy_roles records beside the OIDs of roles; NULL where it may not be read';

-- The installed roles of one of the nine policies (NULL for any other
-- policy: which ones are the nine).
CREATE FUNCTION dormancy._policy_roles_installed(table_name name, policy_name name)
	RETURNS name[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN table_name IN ('outreach_log', 'campaign_members')
					 AND policy_name IN ('visible_customers', 'writers_insert', 'writers_update', 'writers_delete')
				THEN '{public}'::name[]
				WHEN table_name = 'status_history' AND policy_name = 'analysts_see_their_customers'
				THEN '{dormancy_analyst}'::name[] END;
COMMENT ON FUNCTION dormancy._policy_roles_installed(name, name) IS
	'internal: the roles one of the nine row security policies of the log, the members and the history is installed with (NULL for any other policy)';

-- The names of a policy's roles (pg_policy.polroles: 0 is PUBLIC, "public").
CREATE FUNCTION dormancy._policy_role_names(roles oid[])
	RETURNS name[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT CASE WHEN u.r = 0 THEN 'public'::name ELSE a.rolname END
				   FROM unnest(roles) WITH ORDINALITY AS u(r, o) LEFT JOIN pg_roles a ON a.oid = u.r
				  WHERE u.r = 0 OR a.rolname IS NOT NULL
				  ORDER BY u.o);
COMMENT ON FUNCTION dormancy._policy_role_names(oid[]) IS
	'internal: the names of a policy''s roles (pg_policy.polroles), public for PUBLIC';

-- A record's roles as they stand here.  Each is a name and, beside it, an
-- OID of the cluster the record was written in (NULL: by name only): in
-- this cluster the role of that OID if it still has that name; in another
-- the role of that name; where either cluster is unknown, likewise the
-- role of that OID only if it still has that name.  In this cluster an OID
-- under another name now is a role renamed, or the OID of a dropped role
-- given to another (the OIDs wrap around): it gives nothing (renamed,
-- renamed_to: its name now), never wider, unless the policy holds that OID now (held): a
-- role a policy holds cannot have been dropped since, so it is the role
-- recorded, renamed, and the record takes its name now (until 2026-12-08
-- the OID alone was enough, and a new role reusing it got the policy).
-- public is PUBLIC.  names and ids: the roles the policy gets, each once;
-- missing: the recorded names that give none; record_*: the record in
-- this cluster's terms where it can be (a role found, under its name and
-- OID here; a name from another cluster not found, with no OID, to be
-- found by name once it exists; the OID of a role dropped or renamed
-- here, beside the name recorded, which matches nothing again).
CREATE FUNCTION dormancy._policy_roles_resolved(roles name[], role_ids oid[], cluster_id bigint, held oid[] DEFAULT NULL,
												OUT names name[], OUT ids oid[], OUT missing name[],
												OUT record_roles name[], OUT record_ids oid[], OUT record_cluster bigint,
												OUT renamed name[], OUT renamed_to name[])
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	here bigint := dormancy._cluster_id();
	n name;
	o oid;
	found_id oid;
	found_name name;
	unsure boolean := false;
BEGIN
	names := '{}';
	ids := '{}';
	missing := '{}';
	record_roles := '{}';
	record_ids := '{}';
	renamed := '{}';
	renamed_to := '{}';
	FOR i IN 1 .. coalesce(cardinality(roles), 0) LOOP
		n := roles[i];
		o := role_ids[i];
		found_id := NULL;
		found_name := NULL;
		IF n = 'public' THEN
			found_id := 0;
			found_name := 'public';
		ELSIF o IS NULL OR here <> cluster_id THEN
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.rolname = n;
		ELSIF here = cluster_id THEN
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.oid = o;
			IF found_name <> n AND NOT coalesce(o = ANY (held), false) THEN
				renamed := renamed || n;
				renamed_to := renamed_to || found_name;
				found_id := NULL;
			END IF;
		ELSE
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.oid = o AND a.rolname = n;
			unsure := unsure OR found_id IS NULL;
		END IF;
		IF found_id IS NULL THEN
			missing := missing || n;
			record_roles := record_roles || n;
			record_ids := record_ids || CASE WHEN here <> cluster_id THEN NULL ELSE o END;
		ELSIF NOT found_id = ANY (ids) THEN
			names := names || found_name;
			ids := ids || found_id;
			record_roles := record_roles || found_name;
			record_ids := record_ids || found_id;
		END IF;
	END LOOP;
	record_cluster := CASE WHEN here IS NULL OR unsure THEN cluster_id ELSE here END;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_resolved(name[], oid[], bigint, oid[]) IS
	'internal: the roles a row of dormancy.policy_roles gives its policy here (by OID and name both in the cluster it was recorded in, an OID the policy holds under its name now; by name in another), the names it records that give none (renamed, renamed_to: those whose OID is under another name, and that name), and the row in this cluster''s terms';

-- Role names as the TO list of CREATE POLICY and ALTER POLICY (and in
-- messages): each quoted as an identifier, PUBLIC for public.
CREATE FUNCTION dormancy._policy_role_list(roles name[])
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT string_agg(CASE WHEN u.r = 'public' THEN 'PUBLIC' ELSE quote_ident(u.r) END, ', ' ORDER BY u.o)
			  FROM unnest(roles) WITH ORDINALITY AS u(r, o));
COMMENT ON FUNCTION dormancy._policy_role_list(name[]) IS
	'internal: role names as the TO list of a policy (quoted identifiers, PUBLIC for public)';

-- Write the row of one of the nine: none while its roles are the
-- installed ones, each found.
CREATE FUNCTION dormancy._store_policy_roles(tname name, policy name, new_roles name[], new_ids oid[], new_cluster bigint)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	now_res record;
	installed record;
BEGIN
	SELECT * INTO now_res FROM dormancy._policy_roles_resolved(new_roles, new_ids, new_cluster);
	SELECT * INTO installed FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(tname, policy), NULL, NULL);
	IF cardinality(now_res.missing) = 0 AND cardinality(now_res.ids) > 0
	   AND now_res.ids @> installed.ids AND installed.ids @> now_res.ids THEN
		DELETE FROM dormancy.policy_roles r WHERE r.table_name = tname AND r.policy_name = policy;
		RETURN;
	END IF;
	UPDATE dormancy.policy_roles r SET roles = new_roles, role_ids = new_ids, cluster_id = new_cluster
	 WHERE r.table_name = tname AND r.policy_name = policy
	   AND (r.roles, r.role_ids, r.cluster_id) IS DISTINCT FROM (new_roles, new_ids, new_cluster);
	IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM dormancy.policy_roles r WHERE r.table_name = tname AND r.policy_name = policy) THEN
		INSERT INTO dormancy.policy_roles (table_name, policy_name, roles, role_ids, cluster_id)
		VALUES (tname, policy, new_roles, new_ids, new_cluster);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._store_policy_roles(name, name, name[], oid[], bigint) IS
	'internal: writes the row of dormancy.policy_roles of one of the nine policies of the log, the members and the history (deletes it while its roles are the installed ones)';

-- Record the roles the policy has now, the owner's choice (nothing for a
-- policy that does not exist: its record is kept, for the build that makes
-- it again).
CREATE FUNCTION dormancy._record_policy_roles(tab regclass, policy name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	now_ids oid[];
BEGIN
	SELECT ARRAY(SELECT u.r FROM unnest(y.polroles) WITH ORDINALITY AS u(r, o)
				  WHERE u.r = 0 OR EXISTS (SELECT 1 FROM pg_roles a WHERE a.oid = u.r) ORDER BY u.o)
	  INTO now_ids
	  FROM pg_policy y WHERE y.polrelid = tab AND y.polname = policy;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM dormancy._store_policy_roles((SELECT c.relname FROM pg_class c WHERE c.oid = tab), policy,
										 dormancy._policy_role_names(now_ids), now_ids, dormancy._cluster_id());
END
$$;
COMMENT ON FUNCTION dormancy._record_policy_roles(regclass, name) IS
	'internal: records in dormancy.policy_roles the roles one of the nine policies of the log, the members and the history has now (no row when they are the installed ones)';

-- The triggers of policy_roles: before a write, only the owner (a role
-- with the privileges of the table's owner, as ALTER POLICY requires); an
-- inserted row replaces the row of its policy, and a row is kept in this
-- cluster's terms (a row written with names alone, or whose names changed
-- without their OIDs, is found by name).  After an insert or an update,
-- the policy, if it exists, gets the roles recorded that exist (none: the
-- policy is dropped, not left to PUBLIC), by an ALTER POLICY that is not
-- recorded again (the names not found stay in the row); a missing policy
-- is the next build's.
CREATE FUNCTION dormancy._policy_roles_written()
	RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tab regclass;
	now_ids oid[];
	res record;
	applying text := current_setting('dormancy_policy_roles.applying', true);
BEGIN
	IF TG_RELID IS DISTINCT FROM 'dormancy.policy_roles'::regclass
	   OR TG_NAME NOT IN ('policy_roles_owner_only', 'policy_roles_truncate', 'policy_roles_restored') THEN
		RAISE EXCEPTION 'dormancy._policy_roles_written() runs only as a trigger of dormancy on dormancy.policy_roles'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF TG_WHEN = 'BEFORE' THEN
		IF NOT pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
			RAISE EXCEPTION 'only the owner of dormancy.policy_roles may write it'
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = 'It holds the roles of the row security policies of outreach_log, campaign_members and status_history, which a build and a restore give them.',
					  HINT = 'The owner gives a policy other roles with ALTER POLICY, which records them.';
		END IF;
		IF TG_LEVEL = 'STATEMENT' THEN
			RETURN NULL;
		ELSIF TG_OP = 'DELETE' THEN
			RETURN OLD;
		ELSIF TG_OP = 'INSERT' THEN
			DELETE FROM dormancy.policy_roles r WHERE r.table_name = NEW.table_name AND r.policy_name = NEW.policy_name;
		END IF;
		IF NEW.role_ids IS NULL
		   OR (TG_OP = 'UPDATE' AND NEW.roles IS DISTINCT FROM OLD.roles AND NEW.role_ids IS NOT DISTINCT FROM OLD.role_ids) THEN
			SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NULL, NULL);
		ELSE
			SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NEW.role_ids, NEW.cluster_id);
		END IF;
		NEW.roles := res.record_roles;
		NEW.role_ids := res.record_ids;
		NEW.cluster_id := res.record_cluster;
		RETURN NEW;
	END IF;
	tab := to_regclass(format('dormancy.%I', NEW.table_name));
	SELECT y.polroles INTO now_ids FROM pg_policy y WHERE y.polrelid = tab AND y.polname = NEW.policy_name;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NEW.role_ids, NEW.cluster_id, now_ids);
	IF cardinality(res.renamed) > 0 THEN
		RAISE WARNING 'policy % on %: recorded role % has another name now (%): renamed, or its OID reused by another role after a drop; left out',
			NEW.policy_name, tab, dormancy._policy_role_list(res.renamed), dormancy._policy_role_list(res.renamed_to)
			USING DETAIL = 'In this cluster a recorded role is its OID and its name both: never one of them alone.',
				  HINT = format('If it is the role recorded, renamed, give it the policy again: ALTER POLICY %I ON %s TO ..., which records it.', NEW.policy_name, tab);
	END IF;
	IF cardinality(res.ids) > 0 AND res.ids @> now_ids AND now_ids @> res.ids THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', 'on', true);
	IF cardinality(res.ids) = 0 THEN
		EXECUTE format('DROP POLICY %I ON %s', NEW.policy_name, tab);
		IF cardinality(NEW.roles) = 0 THEN
			RAISE WARNING 'policy % on % dropped: no role is recorded for it', NEW.policy_name, tab
				USING DETAIL = 'DROP OWNED took its last role. It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
					  HINT = format('Record its roles: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind().',
									NEW.table_name, NEW.policy_name);
		ELSE
			RAISE WARNING 'policy % on % dropped: none of its roles exists (%)', NEW.policy_name, tab, dormancy._policy_role_list(res.missing)
				USING DETAIL = 'dormancy.policy_roles records these roles for it (a restore of a cluster that had them, say). It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
					  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
									NEW.table_name, NEW.policy_name);
		END IF;
	ELSE
		EXECUTE format('ALTER POLICY %I ON %s TO %s', NEW.policy_name, tab, dormancy._policy_role_list(res.names));
		IF cardinality(res.missing) > 0 THEN
			RAISE WARNING 'policy % on % set TO % only (recorded role % does not exist)',
				NEW.policy_name, tab, dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
				USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
									NEW.policy_name, tab);
		END IF;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', coalesce(applying, ''), true);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_written() IS
	'internal: triggers on dormancy.policy_roles: only the owner writes it; a row is kept in this cluster''s terms; a restored or edited row replaces the one of its policy and gives the policy the roles recorded that exist (none: the policy is dropped, never left to PUBLIC)';
CREATE TRIGGER policy_roles_owner_only BEFORE INSERT OR UPDATE OR DELETE ON dormancy.policy_roles
	FOR EACH ROW EXECUTE FUNCTION dormancy._policy_roles_written();
CREATE TRIGGER policy_roles_truncate BEFORE TRUNCATE ON dormancy.policy_roles
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._policy_roles_written();
CREATE TRIGGER policy_roles_restored AFTER INSERT OR UPDATE ON dormancy.policy_roles
	FOR EACH ROW EXECUTE FUNCTION dormancy._policy_roles_written();
COMMENT ON TRIGGER policy_roles_owner_only ON dormancy.policy_roles IS
	'only the owner writes the record; an inserted (restored) row replaces the row of its policy; a row is kept in this cluster''s terms (role OIDs of this cluster where found)';
COMMENT ON TRIGGER policy_roles_truncate ON dormancy.policy_roles IS
	'only the owner empties the record';
COMMENT ON TRIGGER policy_roles_restored ON dormancy.policy_roles IS
	'gives the policy the roles recorded that exist (none: drops it, never leaves it to PUBLIC), without recording them again';

-- The roles a DROP OWNED names (their OIDs; a missing one left out), noted
-- at its ddl_command_start (dormancy_policy_roles_owned_targets) in the
-- transaction-local setting dormancy_policy_roles.drop_owned_targets for
-- _policy_roles_ddl at its ddl_command_end: only the statement tells which
-- roles it took out of a policy it then dropped by cascade.  In C: an
-- event trigger in plpgsql does not see the statement.  It reads no table
-- and raises no error for any role named (it runs for every role's DROP
-- OWNED).
CREATE FUNCTION dormancy._drop_owned_targets()
	RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'dormancy_drop_owned_targets'
	LANGUAGE C;
COMMENT ON FUNCTION dormancy._drop_owned_targets() IS
	'internal: event trigger at the start of DROP OWNED noting the OIDs of the roles it names (dormancy_policy_roles.drop_owned_targets, transaction-local), for dormancy._policy_roles_ddl';

-- The event triggers: ALTER POLICY or CREATE POLICY of one of the nine (by
-- its owner: no one else may) records its roles at once, so that a
-- pg_dump right after carries them (not only after the next build); but
-- not the extension's own (dormancy_policy_roles.applying is on: a build,
-- a restored row), which gives a policy the roles recorded, and would
-- forget those not found.  DROP OWNED takes the roles named out of the
-- policies, and drops a policy whose last role it took, with no ALTER
-- POLICY: the roles each of the nine had before it (ddl_command_start)
-- and after it (ddl_command_end) tell which roles it took, and those leave
-- the record (a policy that lost them all: a row naming none, not made
-- again).  A policy DROP OWNED ... CASCADE drops by cascade (with
-- src_customers, when the role owns the bound customers: sql_drop,
-- dormancy_policy_roles_dropped, tells it from one whose last role it
-- took) keeps its record, as at DROP TABLE ... CASCADE (until 2026-12-08
-- all nine were recorded with none, and no build made them again), but
-- for the roles the statement named that the policy had: PostgreSQL took
-- them out of it before the cascade (until 2026-12-08 the record kept
-- them, and the next build gave them the policy back); the statement's
-- roles are _drop_owned_targets'.  Only a DROP OWNED run with the privileges of the table's
-- owner is recorded: another role's cannot take a role out of the nine
-- (PostgreSQL leaves it there), and may not read the record (until
-- 2026-12-08 its DROP OWNED failed when a policy changed meanwhile, or
-- when it dropped the bound customers).  Policies of other tables are left alone without reading or
-- calling anything of the extension's (any role's DDL fires it, and only
-- the owner may read the record and call the internal functions; only the
-- owner changes one of the nine).  That is why the filters name the nine
-- (not _policy_roles_installed) and dormancy.policy_roles is looked up
-- inside the loops, after them, not joined in their queries: a join may
-- be planned to read policy_roles first, and every other role's CREATE
-- POLICY or DROP OWNED would fail (test tracking_security).  An error
-- recording the roles fails the owner's statement: a policy whose roles
-- were not recorded would get the recorded ones back at the next build.
CREATE FUNCTION dormancy._policy_roles_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y record;
	res record;
	before jsonb;
	cascaded jsonb;
	targets oid[];
	-- the nine, as table.policy, and the extension's schema: read from the
	-- catalogs only (any role's DDL fires this; no function of ours)
	nine constant text[] := ARRAY['outreach_log.visible_customers', 'outreach_log.writers_insert',
								  'outreach_log.writers_update', 'outreach_log.writers_delete',
								  'campaign_members.visible_customers', 'campaign_members.writers_insert',
								  'campaign_members.writers_update', 'campaign_members.writers_delete',
								  'status_history.analysts_see_their_customers'];
	ns constant oid := (SELECT n.oid FROM pg_namespace n WHERE n.nspname = 'dormancy');
BEGIN
	IF TG_TAG = 'DROP OWNED' THEN
		IF TG_EVENT = 'sql_drop' THEN
			-- the nine dropped by cascade (with src_customers, whose table
			-- DROP OWNED ... CASCADE dropped): no role was taken out of them
			PERFORM set_config('dormancy_policy_roles.cascaded_drop_owned',
							   (SELECT coalesce(jsonb_agg(d.object_identity), '[]')::text
								  FROM pg_event_trigger_dropped_objects() d
								 WHERE d.object_type = 'policy' AND NOT d.original),
							   true);
			RETURN;
		ELSIF TG_EVENT = 'ddl_command_start' THEN
			PERFORM set_config('dormancy_policy_roles.before_drop_owned',
							   (SELECT coalesce(jsonb_object_agg(t.relname || '.' || p.polname, p.polroles::text), '{}')::text
								  FROM pg_policy p JOIN pg_class t ON t.oid = p.polrelid
								 WHERE t.relnamespace = ns AND (t.relname || '.' || p.polname) = ANY (nine)),
							   true);
			RETURN;
		END IF;
		before := nullif(current_setting('dormancy_policy_roles.before_drop_owned', true), '')::jsonb;
		cascaded := nullif(current_setting('dormancy_policy_roles.cascaded_drop_owned', true), '')::jsonb;
		targets := coalesce(nullif(current_setting('dormancy_policy_roles.drop_owned_targets', true), '')::oid[], '{}');
		PERFORM set_config('dormancy_policy_roles.before_drop_owned', '', true);
		PERFORM set_config('dormancy_policy_roles.cascaded_drop_owned', '', true);
		PERFORM set_config('dormancy_policy_roles.drop_owned_targets', '', true);
		FOR y IN
			SELECT z.tname, z.policy, z.was,
				   -- the roles it took out: those the policy lost; of one
				   -- dropped by cascade, those of the statement it had
				   CASE WHEN z.cascade
						THEN ARRAY(SELECT unnest(z.was) INTERSECT SELECT unnest(targets))
						ELSE ARRAY(SELECT unnest(z.was) EXCEPT SELECT unnest(z.now)) END AS gone
			  FROM (SELECT split_part(b.key, '.', 1)::name AS tname, split_part(b.key, '.', 2)::name AS policy,
						   (b.value #>> '{}')::oid[] AS was, coalesce(p.polroles, '{}') AS now,
						   -- dropped by cascade: its record stays (as at DROP
						   -- TABLE ... CASCADE) but for the statement's roles
						   p.polroles IS NULL
						   AND coalesce(cascaded, '[]') ? format('%s on dormancy.%s', quote_ident(split_part(b.key, '.', 2)), quote_ident(split_part(b.key, '.', 1))) AS cascade
					  FROM jsonb_each(coalesce(before, '{}')) b
					  LEFT JOIN (pg_policy p JOIN pg_class t ON t.oid = p.polrelid
								 AND t.relnamespace = ns)
						ON t.relname = split_part(b.key, '.', 1) AND p.polname = split_part(b.key, '.', 2)
					 WHERE p.polroles IS DISTINCT FROM (b.value #>> '{}')::oid[]) z
			 WHERE (NOT z.cascade OR z.was && targets)
			   -- only a role with the privileges of the table's owner (no
			   -- other may read the record): another's DROP OWNED cannot
			   -- take a role out of the nine (PostgreSQL keeps it there)
			   AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c
											   WHERE c.relname = z.tname
												 AND c.relnamespace = ns), 'USAGE')
		LOOP
			SELECT x.* INTO res
			  FROM dormancy.policy_roles r
			 CROSS JOIN LATERAL dormancy._policy_roles_resolved(r.roles, r.role_ids, r.cluster_id, y.was) x
			 WHERE r.table_name = y.tname AND r.policy_name = y.policy;
			IF NOT FOUND THEN
				SELECT * INTO res FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(y.tname, y.policy), NULL, NULL);
			END IF;
			-- the roles it took out leave the record; the names not found stay
			PERFORM dormancy._store_policy_roles(
				y.tname, y.policy,
				ARRAY(SELECT u.n FROM unnest(res.record_roles, res.record_ids) WITH ORDINALITY AS u(n, i, o)
					   WHERE u.i IS NULL OR NOT u.i = ANY (y.gone) ORDER BY u.o),
				ARRAY(SELECT u.i FROM unnest(res.record_roles, res.record_ids) WITH ORDINALITY AS u(n, i, o)
					   WHERE u.i IS NULL OR NOT u.i = ANY (y.gone) ORDER BY u.o),
				res.record_cluster);
		END LOOP;
		RETURN;
	END IF;
	IF current_setting('dormancy_policy_roles.applying', true) = 'on' THEN
		RETURN;
	END IF;
	FOR y IN
		SELECT p.polrelid, p.polname
		  FROM pg_event_trigger_ddl_commands() c
		  JOIN pg_policy p ON p.oid = c.objid
		  JOIN pg_class t ON t.oid = p.polrelid
		 WHERE c.classid = 'pg_policy'::regclass
		   AND t.relnamespace = ns AND (t.relname || '.' || p.polname) = ANY (nine)
	LOOP
		PERFORM dormancy._record_policy_roles(y.polrelid, y.polname);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_ddl() IS
	'internal: event trigger recording the roles of one of the nine policies of the log, the members and the history at its ALTER POLICY or CREATE POLICY (not the extension''s own), and the roles DROP OWNED took out of them (ddl_command_start: the roles before; sql_drop: the policies dropped by cascade, whose records lose only the roles the statement named, noted by dormancy._drop_owned_targets; only as a role with the privileges of the table''s owner)';
CREATE EVENT TRIGGER dormancy_policy_roles ON ddl_command_end
	WHEN TAG IN ('ALTER POLICY', 'CREATE POLICY', 'DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles IS
	'extension dormancy: records the roles given to a row security policy of outreach_log, campaign_members or status_history, or taken out of one by DROP OWNED (dormancy.policy_roles), which pg_dump dumps';
CREATE EVENT TRIGGER dormancy_policy_roles_owned ON ddl_command_start
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles_owned ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_owned IS
	'extension dormancy: notes the roles of the row security policies of outreach_log, campaign_members and status_history before a DROP OWNED, for dormancy_policy_roles to record those it takes out';
CREATE EVENT TRIGGER dormancy_policy_roles_dropped ON sql_drop
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles_dropped ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_dropped IS
	'extension dormancy: notes the row security policies a DROP OWNED ... CASCADE drops by cascade (with dormancy.src_customers), for dormancy_policy_roles to leave their records as they are but for the roles the statement named';
CREATE EVENT TRIGGER dormancy_policy_roles_owned_targets ON ddl_command_start
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._drop_owned_targets();
ALTER EVENT TRIGGER dormancy_policy_roles_owned_targets ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_owned_targets IS
	'extension dormancy: notes the roles a DROP OWNED names, for dormancy_policy_roles to take them out of the records of the row security policies of outreach_log, campaign_members and status_history it drops by cascade';

-- The nine policies of the log, the members and the status history: made
-- (with their comments) and kept here, the one place that defines them
-- (each one's table, command and comment; its installed roles are
-- _policy_roles_installed's; sql_src/97_privileges.sql makes them at
-- install, once dormancy_analyst exists; every build again).
-- Each tests the customer of each row read (its key: the text of a
-- customer id) by the index of your customers' id, once a build has made
-- src_customers: EXISTS a row of src_customers whose id is
-- customer_id_from_text(key) (an id with exactly that text: the same rows
-- as the key among visible_customer_keys()), which the planner either
-- looks up for each row read or, reading many, hashes once, the customers
-- read once per query as before.  visible_customer_keys() always ran whole:
-- an analyst's lookup of one customer read every customer the analyst sees
-- to test its three contacts (at 100,000 customers and 300,000 contacts,
-- 120-160 ms against the owner's 10 ms; 11-12 ms now, with the log's join
-- on customer_id_text: test/bench/analyst_lookup.sh).  The test names
-- src_customers, so it goes before each build (which may drop it for
-- another id type: per_row false, the installed form) and comes back
-- after, for the id type built.  visible_customer_keys() stays where the
-- index cannot serve: ids of another type (customer_id_from_text takes
-- smallint, integer, bigint, uuid, text and varchar), text ids in another
-- collation than the default, customers (else orders) in a Citus table (a
-- subquery over them in a policy of a local table is a join Citus
-- refuses), nothing bound.  The same test for reading and writing: a role
-- granted INSERT, UPDATE or DELETE writes the rows of the customers it
-- sees, and only those (UPDATE and DELETE without a WHERE would otherwise
-- reach rows that its SELECT policy hides); the owner writes any row.
-- A policy of the nine that is missing is made again, with the roles
-- recorded for it in policy_roles (as installed where it has no row), with
-- a NOTICE naming it and its roles: a DROP ... CASCADE of your bound
-- customers (or of src_customers) drops the per-row form with
-- src_customers.  Until the next build (bind, unbind, rebind(), which that
-- drop requires anyway) no policy of the nine lets a role other than the
-- owner read or write a contact, a member or a change: it reads none (row
-- security without a policy for a command denies it), never more;
-- readers_see_all and writers_see_all of the history stay.  A policy that
-- exists and lacks roles of its row, or has others, is given the roles of
-- its row (a NOTICE): its row is the owner's last choice, and only what
-- does not record it parts them (a restore with the triggers of
-- policy_roles disabled, pg_restore --data-only --disable-triggers, leaves
-- the policies as installed; a recorded role missing at the restore may
-- exist now).  A policy with no row and other roles than the installed
-- ones (given before the record was kept: the update from 0.3.0) has them
-- recorded.  A recorded role that does not exist is left out (a WARNING
-- at each build, once); a policy none of whose recorded roles exists is
-- not made (a WARNING): never TO PUBLIC in their place.  Its own CREATE,
-- ALTER and DROP POLICY are not recorded again by the event trigger
-- (dormancy_policy_roles.applying), and its row is kept in this cluster's
-- terms (_store_policy_roles).
-- pg_dump does not dump the policies of the extension's tables: a restore
-- has the installed form (the same rows) until rebind(), with the roles
-- recorded (policy_roles, which pg_dump dumps, gives them at restore).
CREATE FUNCTION dormancy._customer_key_policies(per_row boolean)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel regclass;
	id_type oid;
	id_collation oid;
	p record;
	test text;
	made boolean;
	now_ids oid[];
	recorded boolean;
	r record;
	res record;
	applying text := current_setting('dormancy_policy_roles.applying', true);
BEGIN
	IF per_row AND to_regclass('dormancy.src_customers') IS NOT NULL THEN
		rel := coalesce((SELECT b.relation FROM dormancy._usable_bindings() b WHERE b.source = 'customers'),
						(SELECT b.relation FROM dormancy._usable_bindings() b WHERE b.source = 'orders'));
		SELECT a.atttypid, a.attcollation INTO id_type, id_collation
		  FROM pg_attribute a
		 WHERE a.attrelid = 'dormancy.src_customers'::regclass AND a.attname = 'customer_id' AND NOT a.attisdropped;
		-- a domain's base type (customer_id_from_text refuses a domain)
		id_type := (dormancy._base_type(id_type)).base;
		IF rel IS NULL OR dormancy._citus_table_kind(rel) IS NOT NULL THEN
			id_type := NULL;
		END IF;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', 'on', true);
	FOR p IN
		SELECT v.tab, v.tab::regclass AS rel, (SELECT c.relname FROM pg_class c WHERE c.oid = v.tab::regclass) AS tname,
			   v.key, v.name, v.cmd, v.comment
		  FROM (VALUES
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'visible_customers', 'SELECT',
			 'a contact is visible to whom sees its customer (its key, dormancy.outreach_customer_key, is the text of a customer id the role sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_insert', 'INSERT',
			 'a role granted INSERT (not the owner) writes contacts of the customers it sees only'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_update', 'UPDATE',
			 'a role granted UPDATE (not the owner) updates the contacts of the customers it sees, and only to customers it sees'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_delete', 'DELETE',
			 'a role granted DELETE (not the owner) deletes the contacts of the customers it sees only'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'visible_customers', 'SELECT',
			 'a member is visible to whom sees its customer (its customer_id is the text of a customer id the role sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_insert', 'INSERT',
			 'a role granted INSERT (not the owner; start_campaign as that role) writes members among the customers it sees only'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_update', 'UPDATE',
			 'a role granted UPDATE (not the owner) updates the members among the customers it sees, and only to customers it sees'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_delete', 'DELETE',
			 'a role granted DELETE (not the owner) deletes the members among the customers it sees only'),
			('dormancy.status_history', 'status_history.customer_id', 'analysts_see_their_customers', 'SELECT',
			 'a member of dormancy_analyst reads the changes of the customers it may see (customer_id is the text of a customer id it sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())')
		  ) v(tab, key, name, cmd, comment)
	LOOP
		test := CASE
			WHEN id_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'uuid'::regtype) THEN
				format('EXISTS (SELECT 1 FROM dormancy.src_customers c '
					   'WHERE c.customer_id = dormancy.customer_id_from_text(%s, NULL::%s))', p.key, format_type(id_type, NULL))
			-- text ids are their text (in the default collation, which the
			-- key has: the comparison of visible_customer_keys())
			WHEN id_type IN ('text'::regtype, 'varchar'::regtype) AND id_collation IN (0, 100) THEN
				format('EXISTS (SELECT 1 FROM dormancy.src_customers c WHERE c.customer_id = %s)', p.key)
			ELSE format('%s IN (SELECT k.k FROM dormancy.visible_customer_keys() k(k))', p.key) END;
		-- the roles: those of its row (as installed with none), which the
		-- policy is given where it has others; its test where the command
		-- reads rows (USING) and where it writes them (WITH CHECK)
		SELECT y.polroles INTO now_ids FROM pg_policy y WHERE y.polrelid = p.rel AND y.polname = p.name;
		made := FOUND;
		SELECT x.roles, x.role_ids, x.cluster_id INTO r FROM dormancy.policy_roles x WHERE x.table_name = p.tname AND x.policy_name = p.name;
		recorded := FOUND;
		IF recorded THEN
			SELECT * INTO res FROM dormancy._policy_roles_resolved(r.roles, r.role_ids, r.cluster_id, CASE WHEN made THEN now_ids END);
			IF cardinality(res.renamed) > 0 AND NOT per_row THEN
				RAISE WARNING 'policy % on %: recorded role % has another name now (%): renamed, or its OID reused by another role after a drop; left out',
					p.name, p.tab, dormancy._policy_role_list(res.renamed), dormancy._policy_role_list(res.renamed_to)
					USING DETAIL = 'In this cluster a recorded role is its OID and its name both: never one of them alone. A build records the new name of a role renamed while the policy holds it; this policy did not (it was missing, or restored).',
						  HINT = format('If it is the role recorded, renamed, give it the policy again: ALTER POLICY %I ON %s TO ..., which records it (or record it: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind()).',
										p.name, p.tab, p.tname, p.name);
			END IF;
		ELSE
			SELECT * INTO res FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(p.tname, p.name), NULL, NULL);
		END IF;
		IF made AND NOT (cardinality(res.ids) > 0 AND res.ids @> now_ids AND now_ids @> res.ids) THEN
			IF NOT recorded THEN
				-- roles given before they were recorded: recorded now
				PERFORM dormancy._record_policy_roles(p.rel, p.name);
			ELSIF cardinality(res.ids) = 0 THEN
				EXECUTE format('DROP POLICY %I ON %s', p.name, p.tab);
				RAISE WARNING 'policy % on % dropped: none of its roles exists (%)', p.name, p.tab,
					coalesce(dormancy._policy_role_list(res.missing), 'none recorded')
					USING DETAIL = 'dormancy.policy_roles records these roles for it. It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
						  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
										p.tname, p.name);
				PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
				CONTINUE;
			ELSE
				EXECUTE format('ALTER POLICY %I ON %s TO %s', p.name, p.tab, dormancy._policy_role_list(res.names));
				RAISE NOTICE 'policy % on % given the roles recorded for it: %', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'dormancy.policy_roles records the roles you gave it last: a restore with its triggers disabled (pg_restore --data-only --disable-triggers) leaves the policies as installed until a build, and a role recorded may have been created since.';
			END IF;
		END IF;
		IF NOT made THEN
			IF cardinality(res.ids) = 0 THEN
				-- (once a build: the call before it, per_row false, said so)
				IF NOT per_row AND recorded AND cardinality(r.roles) = 0 THEN
					RAISE WARNING 'policy % on % is missing and is not made again: no role is recorded for it', p.name, p.tab
						USING DETAIL = 'DROP OWNED took its last role. It is not made TO PUBLIC instead: until it is made, no role reads or writes a row through it.',
							  HINT = format('Record its roles: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind(), which makes it.',
											p.tname, p.name);
				ELSIF NOT per_row THEN
					RAISE WARNING 'policy % on % is missing and is not made again: none of its roles exists (%)',
						p.name, p.tab, dormancy._policy_role_list(res.missing)
						USING DETAIL = 'dormancy.policy_roles records these roles for it. It is not made TO PUBLIC instead: until it is made, no role reads or writes a row through it.',
							  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
											p.tname, p.name);
				END IF;
				IF recorded THEN
					PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
				END IF;
				CONTINUE;
			ELSIF cardinality(res.missing) > 0 THEN
				RAISE WARNING 'policy % on % was missing: made again TO % only (recorded role % does not exist)',
					p.name, p.tab, dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
					USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
										p.name, p.tab);
			ELSIF NOT recorded THEN
				RAISE NOTICE 'policy % on % was missing: made again TO % (as installed: dormancy.policy_roles has no row for it)', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'No row is "as installed" (a DROP ... CASCADE of the bound customers drops it with dormancy.src_customers). A row deleted by hand is no longer the roles you gave it.';
			ELSE
				RAISE NOTICE 'policy % on % was missing: made again TO %', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'Its roles are the ones recorded for it in dormancy.policy_roles (a DROP ... CASCADE of the bound customers drops it with dormancy.src_customers).';
			END IF;
		ELSIF cardinality(res.missing) > 0 AND NOT per_row THEN
			RAISE WARNING 'policy % on % is TO % only: recorded role % does not exist', p.name, p.tab,
				dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
				USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
									p.name, p.tab);
		END IF;
		EXECUTE format('%s %I ON %s %s%s%s',
					   CASE WHEN made THEN 'ALTER POLICY' ELSE 'CREATE POLICY' END,
					   p.name, p.tab, CASE WHEN made THEN '' ELSE format('FOR %s TO %s', p.cmd, dormancy._policy_role_list(res.names)) END,
					   CASE WHEN p.cmd <> 'INSERT' THEN format(' USING (%s)', test) ELSE '' END,
					   CASE WHEN p.cmd IN ('INSERT', 'UPDATE') THEN format(' WITH CHECK (%s)', test) ELSE '' END);
		EXECUTE format('COMMENT ON POLICY %I ON %s IS %L', p.name, p.tab, p.comment);
		-- its row in this cluster's terms (renamed roles under their names now)
		IF recorded THEN
			PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
		END IF;
	END LOOP;
	PERFORM set_config('dormancy_policy_roles.applying', coalesce(applying, ''), true);
END
$$;
COMMENT ON FUNCTION dormancy._customer_key_policies(boolean) IS
	'internal: makes (if missing, with the roles recorded in policy_roles) and sets the row security policies of outreach_log, campaign_members and status_history for the customers each role sees, with their comments, and gives each the roles of its row (as installed with none): with per_row, after a build, by the index of the customers'' id where it can be (else, and before a build, the key among visible_customer_keys())';

--
-- Mappings of the outreach wordings onto the documented ones
--

CREATE TABLE dormancy.outreach_channels (
	source_channel text PRIMARY KEY,
	channel text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_channels_channel CHECK (channel IN ('email', 'direct_mail', 'phone', 'visit', 'step_mail')),
	CONSTRAINT outreach_channels_source_not_blank CHECK (btrim(source_channel) <> '')
);
CREATE UNIQUE INDEX outreach_channels_key ON dormancy.outreach_channels ((dormancy.label_key(source_channel)));
COMMENT ON TABLE dormancy.outreach_channels IS
	'maps the channels of the outreach onto email, direct_mail, phone, visit or step_mail, the channels of dormancy.approach_rules (case-insensitive); unmapped channels are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_channels.source_channel IS 'a value of the outreach channel column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_channels.channel IS 'what it means: email, direct_mail, phone, visit or step_mail';
COMMENT ON COLUMN dormancy.outreach_channels.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_channels (source_channel, channel) VALUES
	('email', 'email'), ('e-mail', 'email'), ('mail', 'email'), ('newsletter', 'email'),
	('direct_mail', 'direct_mail'), ('direct mail', 'direct_mail'), ('dm', 'direct_mail'),
	('postal mail', 'direct_mail'), ('letter', 'direct_mail'), ('postcard', 'direct_mail'),
	('phone', 'phone'), ('call', 'phone'), ('phone call', 'phone'), ('telephone', 'phone'),
	('tel', 'phone'), ('outbound call', 'phone'),
	('visit', 'visit'), ('site visit', 'visit'), ('in person', 'visit'), ('in-person', 'visit'),
	('field visit', 'visit'),
	('step_mail', 'step_mail'), ('step mail', 'step_mail'), ('drip', 'step_mail'),
	('drip email', 'step_mail'), ('nurture', 'step_mail'), ('nurture email', 'step_mail');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/outreach.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.outreach_channels (source_channel, channel) VALUES
		(U&'\30E1\30FC\30EB', 'email'),	-- meru: e-mail
		(U&'E\30E1\30FC\30EB', 'email'),	-- E-meru: e-mail
		(U&'\96FB\5B50\30E1\30FC\30EB', 'email'),	-- denshi meru: electronic mail
		(U&'\30E1\30EB\30DE\30AC', 'email'),	-- merumaga: newsletter
		(U&'\30C0\30A4\30EC\30AF\30C8\30E1\30FC\30EB', 'direct_mail'),	-- dairekuto meru: direct mail
		(U&'\90F5\9001', 'direct_mail'),	-- yuso: by post
		(U&'\30CF\30AC\30AD', 'direct_mail'),	-- hagaki: postcard
		(U&'\306F\304C\304D', 'direct_mail'),	-- hagaki: postcard
		(U&'\624B\7D19', 'direct_mail'),	-- tegami: letter
		(U&'\96FB\8A71', 'phone'),	-- denwa: telephone
		(U&'\67B6\96FB', 'phone'),	-- kaden: outbound call
		(U&'\96FB\8A71\9023\7D61', 'phone'),	-- denwa renraku: phone contact
		(U&'\30C6\30EC\30A2\30DD', 'phone'),	-- tereapo: telephone appointment setting
		(U&'\30B3\30FC\30EB', 'phone'),	-- koru: call
		(U&'\8A2A\554F', 'visit'),	-- homon: visit
		(U&'\5F80\8A2A', 'visit'),	-- oho: visit to the customer
		(U&'\5BFE\9762', 'visit'),	-- taimen: face to face
		(U&'\8A2A\554F\55B6\696D', 'visit'),	-- homon eigyo: field sales visit
		(U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB', 'step_mail');	-- suteppu meru: step mail
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_channels: left out';
END
$$;

CREATE TABLE dormancy.outreach_themes (
	source_theme text PRIMARY KEY,
	theme text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_themes_theme CHECK (theme IN (
		'feedback_survey', 'discount_or_downsell', 'reminder', 'usage_guide', 'new_offer',
		'comparison_case_study', 'referral')),
	CONSTRAINT outreach_themes_source_not_blank CHECK (btrim(source_theme) <> '')
);
CREATE UNIQUE INDEX outreach_themes_key ON dormancy.outreach_themes ((dormancy.label_key(source_theme)));
COMMENT ON TABLE dormancy.outreach_themes IS
	'maps the message themes of the outreach onto the themes of dormancy.message_themes (case-insensitive); unmapped themes are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_themes.source_theme IS 'a value of the outreach theme column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_themes.theme IS 'what it means: feedback_survey, discount_or_downsell, reminder, usage_guide, new_offer, comparison_case_study or referral';
COMMENT ON COLUMN dormancy.outreach_themes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_themes (source_theme, theme) VALUES
	('feedback_survey', 'feedback_survey'), ('feedback survey', 'feedback_survey'),
	('feedback', 'feedback_survey'), ('survey', 'feedback_survey'),
	('discount_or_downsell', 'discount_or_downsell'), ('discount', 'discount_or_downsell'),
	('downsell', 'discount_or_downsell'), ('special offer', 'discount_or_downsell'),
	('reminder', 'reminder'), ('check-in', 'reminder'), ('check in', 'reminder'),
	('usage_guide', 'usage_guide'), ('usage guide', 'usage_guide'), ('how-to', 'usage_guide'),
	('tips', 'usage_guide'),
	('new_offer', 'new_offer'), ('new offer', 'new_offer'), ('new product', 'new_offer'),
	('product update', 'new_offer'),
	('comparison_case_study', 'comparison_case_study'), ('case study', 'comparison_case_study'),
	('comparison', 'comparison_case_study'),
	('referral', 'referral');
DO $$
BEGIN
	INSERT INTO dormancy.outreach_themes (source_theme, theme) VALUES
		(U&'\30A2\30F3\30B1\30FC\30C8', 'feedback_survey'),	-- anketo: questionnaire
		(U&'\6E80\8DB3\5EA6\8ABF\67FB', 'feedback_survey'),	-- manzokudo chosa: satisfaction survey
		(U&'\5024\5F15\304D', 'discount_or_downsell'),	-- nebiki: price reduction
		(U&'\5272\5F15', 'discount_or_downsell'),	-- waribiki: discount
		(U&'\5024\5F15\304D\63D0\6848', 'discount_or_downsell'),	-- nebiki teian: discount proposal
		(U&'\30EA\30DE\30A4\30F3\30C9', 'reminder'),	-- rimaindo: reminder
		(U&'\3054\6328\62F6', 'reminder'),	-- go-aisatsu: greeting
		(U&'\6328\62F6', 'reminder'),	-- aisatsu: greeting
		(U&'\4F7F\3044\65B9', 'usage_guide'),	-- tsukaikata: how to use
		(U&'\6D3B\7528\65B9\6CD5', 'usage_guide'),	-- katsuyo hoho: ways to make use of it
		(U&'\6D3B\7528\30AC\30A4\30C9', 'usage_guide'),	-- katsuyo gaido: usage guide
		(U&'\4F7F\3044\65B9\6848\5185', 'usage_guide'),	-- tsukaikata annai: how-to guide
		(U&'\65B0\5546\54C1', 'new_offer'),	-- shinshohin: new product
		(U&'\65B0\88FD\54C1', 'new_offer'),	-- shinseihin: new product
		(U&'\65B0\30B5\30FC\30D3\30B9', 'new_offer'),	-- shin sabisu: new service
		(U&'\65B0\30D7\30E9\30F3', 'new_offer'),	-- shin puran: new plan
		(U&'\65B0\5546\54C1\6848\5185', 'new_offer'),	-- shinshohin annai: new product announcement
		(U&'\5C0E\5165\4E8B\4F8B', 'comparison_case_study'),	-- donyu jirei: customer case study
		(U&'\4E8B\4F8B', 'comparison_case_study'),	-- jirei: case study
		(U&'\4E8B\4F8B\7D39\4ECB', 'comparison_case_study'),	-- jirei shokai: case study presentation
		(U&'\6BD4\8F03\8CC7\6599', 'comparison_case_study'),	-- hikaku shiryo: comparison material
		(U&'\7D39\4ECB', 'referral'),	-- shokai: referral
		(U&'\7D39\4ECB\4F9D\983C', 'referral');	-- shokai irai: request for a referral
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_themes: left out';
END
$$;

CREATE TABLE dormancy.outreach_outcomes (
	source_outcome text PRIMARY KEY,
	outcome text NOT NULL,
	opt_out boolean NOT NULL DEFAULT false,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_outcomes_outcome CHECK (outcome IN (
		'not_reached', 'reached', 'delivered', 'interested', 'meeting', 'quote', 'order', 'declined')),
	-- an opt-out is a refusal: a customer asking for a meeting asks for contact
	CONSTRAINT outreach_outcomes_opt_out_declined CHECK (NOT opt_out OR outcome = 'declined'),
	CONSTRAINT outreach_outcomes_source_not_blank CHECK (btrim(source_outcome) <> '')
);
CREATE UNIQUE INDEX outreach_outcomes_key ON dormancy.outreach_outcomes ((dormancy.label_key(source_outcome)));
COMMENT ON TABLE dormancy.outreach_outcomes IS
	'maps the outcomes of the outreach onto not_reached, reached, delivered (arrived, no answer), interested, meeting, quote, order or declined (case-insensitive); unmapped outcomes are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_outcomes.source_outcome IS 'a value of the outreach outcome column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_outcomes.outcome IS 'what it means: not_reached, reached, delivered (arrived, no answer), interested, meeting, quote, order or declined';
COMMENT ON COLUMN dormancy.outreach_outcomes.opt_out IS 'the customer asked not to be contacted again (only with outcome declined): kept off call_list, snapshot_call_list and new campaigns until a later outcome interested, meeting, quote or order (customer_outreach.opted_out_on); default false';
COMMENT ON COLUMN dormancy.outreach_outcomes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

-- The opt-out rule (docs/outreach.md, Opt-outs), written here only:
-- customer_outreach (its opted_out_on) and campaign_list (the members it
-- leaves out) apply it (_opt_out_in_force) to each customer's latest opt-out,
-- its opt-outs without a time and its latest outcome of interest on or
-- before the as-of day.
--
-- The outcomes of the customer's own interest, which lift an earlier
-- opt-out.  IMMUTABLE without arguments: the planner folds the call into
-- the constant array when it plans the view (no call per row), so its
-- search_path stays pinned.
CREATE FUNCTION dormancy._interest_outcomes()
	RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN '{interested,meeting,quote,order}'::text[];
COMMENT ON FUNCTION dormancy._interest_outcomes() IS
	'internal: the outcomes of the customer''s own interest (interested, meeting, quote, order), which lift an earlier opt-out (customer_outreach.opted_out_on, campaign_list)';

-- Whether an opt-out is in force, from the customer's contacts on or
-- before the as-of day: the instant of its latest opt-out with a (finite)
-- time, whether it has an opt-out without a usable time (NULL in a bound
-- table, infinity, -infinity), and the instant of its latest outcome of
-- interest with a time (NULL: none).  In force when an opt-out has no
-- usable time (its time unknown, no conversation can be known to come
-- after it: nothing lifts it), or when no outcome of interest came
-- strictly later than the latest dated one (one of the same instant does
-- not lift it); false otherwise, never NULL.  campaign_list leaves out the
-- members for whom it is true, and customer_outreach.opted_out_on is not
-- NULL exactly when it is: one expression of the rule for both (until a
-- review of 2026-12-07 each view wrote the opt-out without a time its own
-- way, campaign_list as an opt-out at infinity).  Inlined into the views
-- that call it, so that the planner sees the expression (no call per
-- group) and estimates campaign_list's condition as an unknown boolean
-- (half the members: the condition before it, the latest opt-out alone,
-- was estimated at a third; most members have none): no SET search_path
-- (which stops inlining), not STRICT (no opt-out is false); its body is
-- SQL-standard (RETURN), so its names are resolved once, when the
-- extension script creates it (the operator qualified), and nothing is
-- looked up when it runs.
CREATE FUNCTION dormancy._opt_out_in_force(last_opt_out_at timestamptz, undated_opt_out boolean,
										   last_interest_at timestamptz)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN coalesce(undated_opt_out
					OR (last_opt_out_at IS NOT NULL
						AND NOT coalesce(last_interest_at OPERATOR(pg_catalog.>) last_opt_out_at, false)),
					false);
COMMENT ON FUNCTION dormancy._opt_out_in_force(timestamptz, boolean, timestamptz) IS
	'internal: whether an opt-out is in force, from the instant of the latest dated opt-out, whether an opt-out has no (finite) time, and the instant of the latest outcome of interest (_interest_outcomes): true for an opt-out without a time (nothing lifts it) or when no interest came strictly later than the dated one, else false (customer_outreach.opted_out_on, campaign_list)';

-- Whether a contact (its channel and outcome as src_outreach maps them, and
-- the wording of the outcome as given) is a message the customer did not
-- answer: one that arrived (delivered: a mailing, a newsletter, opened or
-- not) by any channel, and a mailing (direct_mail, step_mail) with no
-- outcome, not reached or reached.  It holds nobody back and is no
-- conversation (docs/outreach.md, Recent contacts).  An answer (interest, a
-- decline) is none; an outcome nobody mapped is none either (it holds, as
-- a channel nobody mapped does).  Never NULL.  Inlined into the views that
-- call it (customer_outreach, and campaign_outcomes through
-- _conversation), so that the planner sees the expression (no call per
-- row): no SET search_path (which stops inlining), not STRICT; its body is
-- SQL-standard (RETURN), so its names are resolved once, when the extension
-- script creates it (functions and operators qualified), and nothing is
-- looked up when it runs.
CREATE FUNCTION dormancy._unanswered(channel text, outcome text, source_outcome text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN COALESCE(outcome OPERATOR(pg_catalog.=) 'delivered' OR
					(channel OPERATOR(pg_catalog.=) ANY ('{direct_mail,step_mail}'::pg_catalog.text[]) AND
					 (outcome OPERATOR(pg_catalog.=) ANY ('{not_reached,reached}'::pg_catalog.text[]) OR
					  (outcome IS NULL AND
					   COALESCE(dormancy.label_key(source_outcome), '') OPERATOR(pg_catalog.=) ''))),
					false);
COMMENT ON FUNCTION dormancy._unanswered(text, text, text) IS
	'internal: whether a contact (mapped channel and outcome, the outcome''s wording) is a message the customer did not answer: outcome delivered by any channel, or a direct or step mailing with no outcome, not_reached or reached; it holds nobody back and is no conversation (customer_outreach.recontact_on, conversations)';

-- Whether a contact is a conversation (the same arguments): an outcome other
-- than not_reached, not a message the customer did not answer
-- (_unanswered).  The one rule of customer_outreach.conversations and its
-- latest conversation (the evidence of the likely reason) and of
-- campaign_outcomes.reached.  Never NULL.  Inlined as _unanswered is.
CREATE FUNCTION dormancy._conversation(channel text, outcome text, source_outcome text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN outcome IS NOT NULL AND outcome OPERATOR(pg_catalog.<>) 'not_reached'
		   AND NOT dormancy._unanswered(channel, outcome, source_outcome);
COMMENT ON FUNCTION dormancy._conversation(text, text, text) IS
	'internal: whether a contact (mapped channel and outcome, the outcome''s wording) is a conversation: an outcome other than not_reached, not a message the customer did not answer (_unanswered); customer_outreach.conversations and last_outcome, campaign_outcomes.reached';

INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
	('not_reached', 'not_reached'), ('not reached', 'not_reached'), ('no answer', 'not_reached'),
	('no_answer', 'not_reached'), ('voicemail', 'not_reached'), ('left voicemail', 'not_reached'),
	('busy', 'not_reached'), ('bounced', 'not_reached'), ('unreachable', 'not_reached'),
	('returned', 'not_reached'),
	('reached', 'reached'), ('connected', 'reached'), ('contacted', 'reached'), ('talked', 'reached'),
	-- a message that arrived and got no answer (a mailing, a newsletter):
	-- no conversation, and it holds nobody back, whatever the channel
	('delivered', 'delivered'), ('opened', 'delivered'), ('unopened', 'delivered'), ('sent', 'delivered'),
	('interested', 'interested'), ('positive', 'interested'), ('follow up', 'interested'),
	('follow-up', 'interested'),
	('meeting', 'meeting'), ('appointment', 'meeting'), ('meeting booked', 'meeting'),
	('meeting set', 'meeting'), ('demo', 'meeting'), ('demo booked', 'meeting'),
	('quote', 'quote'), ('quotation', 'quote'), ('quote sent', 'quote'), ('proposal sent', 'quote'),
	('order', 'order'), ('ordered', 'order'), ('won', 'order'), ('purchase', 'order'),
	('declined', 'declined'), ('refused', 'declined'), ('rejected', 'declined'),
	('not interested', 'declined'), ('not_interested', 'declined'),
	('lost', 'declined');
-- the requests to be left alone: opt-outs (docs/outreach.md, Opt-outs)
INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES
	('do not contact', 'declined', true), ('do_not_contact', 'declined', true),
	('do not call', 'declined', true), ('opt out', 'declined', true), ('opt-out', 'declined', true),
	('opted out', 'declined', true);
DO $$
BEGIN
	INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
		(U&'\4E0D\5728', 'not_reached'),	-- fuzai: absent
		(U&'\4E0D\901A', 'not_reached'),	-- futsu: no connection
		(U&'\7559\5B88\96FB', 'not_reached'),	-- rusuden: answering machine
		(U&'\7559\5B88\756A\96FB\8A71', 'not_reached'),	-- rusuban denwa: answering machine
		(U&'\8A71\3057\4E2D', 'not_reached'),	-- hanashichu: line busy
		(U&'\672A\63A5\7D9A', 'not_reached'),	-- misetsuzoku: not connected
		-- a mailing that never arrived
		(U&'\4E0D\9054', 'not_reached'),	-- futatsu: undelivered
		(U&'\5B9B\5148\4E0D\660E', 'not_reached'),	-- atesaki fumei: unknown address
		(U&'\8FD4\9001', 'not_reached'),	-- henso: returned
		(U&'\63A5\7D9A', 'reached'),	-- setsuzoku: connected
		(U&'\901A\8A71', 'reached'),	-- tsuwa: talked on the phone
		(U&'\63A5\89E6', 'reached'),	-- sesshoku: contact made
		(U&'\62C5\5F53\8005\63A5\7D9A', 'reached'),	-- tantosha setsuzoku: reached the person in charge
		-- a message that arrived, no answer (a mailing, a newsletter:
		-- docs/outreach.md, Recent contacts)
		(U&'\914D\4FE1', 'delivered'),	-- haishin: sent
		(U&'\914D\4FE1\6E08', 'delivered'),	-- haishin-zumi: delivered
		(U&'\914D\4FE1\6E08\307F', 'delivered'),	-- haishin-zumi: delivered
		(U&'\914D\4FE1\5B8C\4E86', 'delivered'),	-- haishin kanryo: delivery done
		(U&'\767A\9001', 'delivered'),	-- hasso: dispatched
		(U&'\767A\9001\6E08', 'delivered'),	-- hasso-zumi: dispatched
		(U&'\767A\9001\6E08\307F', 'delivered'),	-- hasso-zumi: dispatched
		(U&'\958B\5C01', 'delivered'),	-- kaifu: opened
		(U&'\958B\5C01\6E08', 'delivered'),	-- kaifu-zumi: opened
		(U&'\958B\5C01\6E08\307F', 'delivered'),	-- kaifu-zumi: opened
		(U&'\672A\958B\5C01', 'delivered'),	-- mikaifu: delivered, not opened
		(U&'\8208\5473\3042\308A', 'interested'),	-- kyomi ari: interested
		(U&'\95A2\5FC3\3042\308A', 'interested'),	-- kanshin ari: interested
		(U&'\524D\5411\304D', 'interested'),	-- maemuki: positive
		(U&'\8CC7\6599\9001\4ED8', 'interested'),	-- shiryo sofu: send documents (on request)
		(U&'\5546\8AC7', 'meeting'),	-- shodan: business meeting
		(U&'\30A2\30DD', 'meeting'),	-- apo: appointment
		(U&'\30A2\30DD\30A4\30F3\30C8', 'meeting'),	-- apointo: appointment
		(U&'\30A2\30DD\7372\5F97', 'meeting'),	-- apo kakutoku: appointment won
		(U&'\9762\8AC7', 'meeting'),	-- mendan: interview, meeting
		(U&'\898B\7A4D', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\308A', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\3082\308A', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\63D0\51FA', 'quote'),	-- mitsumori teishutsu: quote submitted
		(U&'\53D7\6CE8', 'order'),	-- juchu: order received
		(U&'\6CE8\6587', 'order'),	-- chumon: order
		(U&'\6210\7D04', 'order'),	-- seiyaku: deal closed
		(U&'\65AD\308A', 'declined'),	-- kotowari: refusal
		(U&'\304A\65AD\308A', 'declined'),	-- o-kotowari: refusal
		(U&'\8F9E\9000', 'declined'),	-- jitai: declined
		(U&'\4E0D\8981', 'declined'),	-- fuyo: not needed
		(U&'\8208\5473\306A\3057', 'declined'),	-- kyomi nashi: not interested
		(U&'\5931\6CE8', 'declined');	-- shitchu: order lost
	INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES
		(U&'\9023\7D61\4E0D\8981', 'declined', true),	-- renraku fuyo: no more contact
		(U&'\4ECA\5F8C\9023\7D61\4E0D\8981', 'declined', true),	-- kongo renraku fuyo: no contact from now on
		(U&'\9023\7D61\62D2\5426', 'declined', true),	-- renraku kyohi: contact refused
		(U&'\55B6\696D\304A\65AD\308A', 'declined', true),	-- eigyo okotowari: no sales calls
		(U&'\67B6\96FB\4E0D\8981', 'declined', true),	-- kaden fuyo: no calls
		(U&'\67B6\96FB\7981\6B62', 'declined', true);	-- kaden kinshi: calls forbidden
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_outcomes: left out';
END
$$;

-- analysed once while empty, so that the planner takes them for empty (a
-- table never analysed is taken for ten pages) until autovacuum's
-- statistics come
ANALYZE dormancy.outreach_log, dormancy.campaigns, dormancy.campaign_members;

SELECT dormancy._install_defaults('dormancy.outreach_channels', 'source_channel');
SELECT dormancy._install_defaults('dormancy.outreach_themes', 'source_theme');
SELECT dormancy._install_defaults('dormancy.outreach_outcomes', 'source_outcome');

-- The columns of a customer's latest contact and of the latest conversation,
-- each picked together by customer_outreach (sql_src/70_views.sql) in one
-- ordered aggregate instead of one per column (each sorts the customer's
-- contacts).
CREATE TYPE dormancy._last_contact AS (
	channel text,
	theme text,
	campaign_id bigint
);
COMMENT ON TYPE dormancy._last_contact IS 'internal: the columns of a customer''s latest contact, picked together by customer_outreach';
CREATE TYPE dormancy._last_conversation AS (
	contacted_on pg_catalog.date,
	outcome text,
	declined_reason text
);
COMMENT ON TYPE dormancy._last_conversation IS 'internal: the day, outcome and declined reason of a customer''s latest conversation, picked together by customer_outreach';

--
-- Binding the user's outreach (activity) table
--

-- The SQL of the adapter src_outreach: the bound outreach relation, else
-- the extension's log; the channel, theme, outcome and reason mapped by
-- label_key (left joins: at most one match each, the keys being unique),
-- the wordings kept beside them; opt_out: the outcome, or the reason, is a
-- wording that outreach_outcomes marks as a request to be left alone.
CREATE FUNCTION dormancy._outreach_adapter()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	src record;
	zone text := '(SELECT dormancy._time_zone_in_force())';
	at_type oid;
	customer_col record;
	cols text;
	citus boolean;
	id_type oid;
BEGIN
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x WHERE x.source = 'outreach';
	IF src.relation IS NOT NULL THEN
		at_type := (dormancy._binding_column(src.relation, 'contacted_at', src.columns ->> 'contacted_at')).type_oid;
		customer_col := dormancy._binding_column(src.relation, 'customer', src.columns ->> 'customer');
		cols := format(
			'SELECT %s AS customer_id, %s AS contacted_at, %s AS contacted_on, %s AS source_channel, '
			'%s AS source_theme, %s AS source_outcome, %s AS source_reason, %s AS rep, %s AS campaign_id, '
			'%s AS source_customer_id, NULL::pg_catalog.int8 AS outreach_id FROM %s t',
			-- a text id (text, varchar, char) by the log's key: its white
			-- space at both ends trimmed (outreach_customer_key), typed back
			-- as the column, so that '1042' and a full-width space from a
			-- CRM export is customer '1042' here too; the customers' ids as
			-- they are.  An index on the column itself does not serve the
			-- key: customer_column_indexes proposes one on the key.  Other
			-- types (integer, uuid, ...) compare as they are
			CASE WHEN customer_col.type_oid IN ('pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype,
												'pg_catalog.bpchar'::regtype)
				 THEN format('dormancy.outreach_customer_key((%s)::pg_catalog.text)::%s',
							 dormancy._col(src.columns, 'customer'), customer_col.type_name)
				 ELSE dormancy._col(src.columns, 'customer') END,
			-- a date or timestamp read in the zone; one beyond the range
			-- that converts (a typo, a "max date" placeholder) is no time:
			-- source_issues reports it (outreach_without_date), the views
			-- leave it out (the conversion raised an error for every query).
			-- Likewise a timestamptz whose wall-clock time in the zone is
			-- beyond the range (_usable_instant)
			CASE WHEN at_type = 'timestamptz'::regtype
				 THEN format('dormancy._usable_instant(%s, %s)', dormancy._col(src.columns, 'contacted_at'), zone)
				 ELSE format('CASE WHEN (%2$s) BETWEEN ''4713-12-01 BC''::pg_catalog.timestamp AND ''294276-12-01''::pg_catalog.timestamp '
							 'OR NOT pg_catalog.isfinite(%2$s) '
							 'THEN pg_catalog.timezone(%1$s #>> ''{}'', (%2$s)::pg_catalog.timestamp) END', zone,
							 dormancy._col(src.columns, 'contacted_at')) END,
			dormancy._day_expr(src.relation, src.columns, 'contacted_at'),
			dormancy._col_as(src.columns, 'channel', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'theme', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'reason', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'rep', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'campaign', 'pg_catalog.int8'),
			dormancy._col_as(src.columns, 'customer', 'pg_catalog.text'),
			src.relation);
	ELSE
		-- the log's ids matched to the customers by their text (the key
		-- outreach_customer_key, the expression of the log's index): the
		-- id comes typed from src_customers, so that a lookup
		-- of one customer reads the customers' index, then the log's.  When
		-- the customers (else the orders) are a Citus table, only the ids of
		-- the customers in the log are read (a semi-join): that filter runs
		-- on the workers, which send those ids, not every customer's row.
		-- Otherwise the semi-join only costs: the planner met it by reading
		-- the log once per customer in it, through the log's index (300,000
		-- contacts of 95,020 customers: customer_outreach 2.0 s with it,
		-- 1.3 s without; 2026-12-06).  The log, which has row security,
		-- in a subquery: Citus plans it apart from distributed customers
		-- (it refused the table itself beside them for an analyst).  On
		-- one server, ids of integer types and uuids as text by
		-- customer_id_text: leakproof, unlike their cast (int4out), so that
		-- under the row security of the log the join reads it by its index
		-- for one customer; it read the whole log for an analyst's lookup
		-- (text ids are their text: no function)
		citus := dormancy._citus_table_kind(coalesce(
					 (SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'customers'),
					 (SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'orders'))) IS NOT NULL;
		id_type := coalesce(
			(SELECT (dormancy._binding_column(x.relation, 'id', x.columns ->> 'id')).type_oid
			   FROM dormancy._usable_bindings() x WHERE x.source = 'customers'),
			(SELECT (dormancy._binding_column(x.relation, 'customer', x.columns ->> 'customer')).type_oid
			   FROM dormancy._usable_bindings() x WHERE x.source = 'orders'));
		cols := format(
			'SELECT c.customer_id, dormancy._usable_instant(l.contacted_at, %1$s) AS contacted_at, '
			'(dormancy._local_time(l.contacted_at, %1$s))::pg_catalog.date AS contacted_on, '
			'l.channel AS source_channel, l.theme AS source_theme, l.outcome AS source_outcome, '
			'l.declined_reason AS source_reason, l.rep, l.campaign_id, l.customer_id AS source_customer_id, '
			'l.outreach_id FROM (TABLE dormancy.outreach_log) l '
			'LEFT JOIN %s c '
			'ON %s = dormancy.outreach_customer_key(l.customer_id)',
			zone,
			CASE WHEN citus
				 THEN '(SELECT s.customer_id FROM dormancy.src_customers s '
					  'WHERE s.customer_id::pg_catalog.text IN (SELECT dormancy.outreach_customer_key(k.customer_id) FROM dormancy.outreach_log k))'
				 ELSE 'dormancy.src_customers' END,
			CASE WHEN NOT citus AND id_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'uuid'::regtype)
				 THEN 'dormancy.customer_id_text(c.customer_id)'
				 ELSE 'c.customer_id::pg_catalog.text' END);
	END IF;
	-- the mappings as left joins on label_key (hash joins over the whole
	-- outreach, index lookups for one customer): each wording is keyed once
	RETURN 'SELECT x.customer_id, x.contacted_at, x.contacted_on, ch.channel, th.theme, oc.outcome, '
		   'CASE WHEN dormancy.label_key(x.source_reason) <> '''' THEN coalesce(dr.reason, ''other'') END AS declined_reason, '
		   'x.rep, x.campaign_id, x.source_channel, x.source_theme, x.source_outcome, x.source_reason, '
		   'x.source_customer_id, x.outreach_id, (coalesce(oc.opt_out, false) OR orr.opt_out IS NOT NULL) AS opt_out '
		   'FROM (' || cols || ') x '
		   'LEFT JOIN dormancy.outreach_channels ch ON dormancy.label_key(ch.source_channel) = dormancy.label_key(x.source_channel) '
		   'LEFT JOIN dormancy.outreach_themes th ON dormancy.label_key(th.source_theme) = dormancy.label_key(x.source_theme) '
		   'LEFT JOIN dormancy.outreach_outcomes oc ON dormancy.label_key(oc.source_outcome) = dormancy.label_key(x.source_outcome) '
		   'LEFT JOIN dormancy.deal_reasons dr ON dormancy.label_key(dr.source_reason) = dormancy.label_key(x.source_reason) '
		   -- an opt-out written as the reason ('kotowari' for the outcome,
		   -- 'kongo renraku fuyo' for the reason) is one too
		   'LEFT JOIN dormancy.outreach_outcomes orr ON orr.opt_out '
		   'AND dormancy.label_key(orr.source_outcome) = dormancy.label_key(x.source_reason)';
END
$$;
COMMENT ON FUNCTION dormancy._outreach_adapter() IS
	'internal: the SQL of the adapter view src_outreach (the bound outreach relation, else dormancy.outreach_log)';

-- Check a campaign id column: an integer type (campaigns.campaign_id is bigint).
CREATE FUNCTION dormancy._check_campaign_column(relation regclass, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid := (dormancy._binding_column(relation, 'campaign', col)).type_oid;
BEGIN
	IF t NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, 'campaign', col, format_type(t, NULL),
											 'smallint, integer or bigint (a campaign_id of dormancy.campaigns)');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_campaign_column(regclass, name) IS
	'internal: check that a bound campaign id column has an integer type';

CREATE FUNCTION dormancy.bind_outreach(relation regclass, customer name, contacted_at name,
	channel name DEFAULT NULL, theme name DEFAULT NULL, outcome name DEFAULT NULL,
	reason name DEFAULT NULL, rep name DEFAULT NULL, campaign name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('outreach', relation, customer);
	PERFORM dormancy._check_day_column(relation, 'contacted_at', contacted_at);
	IF channel IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'channel', channel);
	END IF;
	IF theme IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'theme', theme);
	END IF;
	IF outcome IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'outcome', outcome);
	END IF;
	IF reason IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'reason', reason);
	END IF;
	IF rep IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'rep', rep);
	END IF;
	IF campaign IS NOT NULL THEN
		PERFORM dormancy._check_campaign_column(relation, campaign);
	END IF;
	PERFORM dormancy._bind('outreach', relation,
						   jsonb_build_object('customer', customer, 'contacted_at', contacted_at,
											  'channel', channel, 'theme', theme, 'outcome', outcome,
											  'reason', reason, 'rep', rep, 'campaign', campaign));
END
$$;
COMMENT ON FUNCTION dormancy.bind_outreach(regclass, name, name, name, name, name, name, name, name) IS
	'bind the outreach (activity) relation, one row per contact: customer and contact time columns, optional channel, theme, outcome, declined reason, rep and campaign id (mapped by outreach_channels, outreach_themes, outreach_outcomes and deal_reasons); unbound, dormancy.outreach_log is read';
REVOKE ALL ON FUNCTION dormancy.bind_outreach(regclass, name, name, name, name, name, name, name, name) FROM PUBLIC;

--
-- Starting a campaign
--

-- A number in [0, 1) from a seed and a key: the first 60 bits of
-- md5(seed:key) over 2^60.  The same on every platform and version, so an
-- assignment can be reproduced anywhere from its seed.
CREATE FUNCTION dormancy.seeded_uniform(seed bigint, key text)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ('x' || substr(md5(seed::text || ':' || key), 1, 15))::bit(60)::bigint / 1152921504606846976.0::double precision;
COMMENT ON FUNCTION dormancy.seeded_uniform(bigint, text) IS
	'a reproducible number in [0, 1) from a seed and a key: the first 60 bits of md5(seed:key) over 2^60 (the draws of the campaigns'' control assignment)';

-- The controls of a stratum of n members: floor(share * n), plus one more
-- when seeded_uniform(seed, 'stratum:' || stratum) < frac(share * n), so
-- that on average, over seeds, exactly share * n (round() would give a
-- stratum of 4 at 10% no control ever).
CREATE FUNCTION dormancy.stratum_controls(members bigint, share double precision, seed bigint, stratum text)
	RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN floor(share * members)::bigint
		   + CASE WHEN dormancy.seeded_uniform(seed, 'stratum:' || stratum) < share * members - floor(share * members)
				  THEN 1 ELSE 0 END;
COMMENT ON FUNCTION dormancy.stratum_controls(bigint, double precision, bigint, text) IS
	'the number of controls of a campaign stratum of this many members: floor(share * members), plus one with probability frac(share * members) drawn from the seed and the stratum''s name';

-- start_campaign(): freeze the call list (dormancy.call_list, filtered),
-- assign a reproducible control share of each stratum and record both.
--
-- The filter is one boolean expression over the columns of call_list
-- (state = 'dormant' AND priority_score >= 50).  It runs with the caller's
-- privileges (SECURITY INVOKER, like every function here), so it can do
-- nothing the caller could not do with a query of their own; it is checked
-- to be one expression: the query must parse with the filter inside one
-- pair of parentheses and inside two (a filter that closes a parenthesis
-- to append to the query fits only one of them), and it is run as a cursor,
-- which takes one statement only.
--
-- The controls: in a stratum of n members, floor(share * n) controls, plus
-- one more with probability frac(share * n) (stratum_controls: drawn from
-- the seed and the stratum), so that every member is a control with
-- probability share exactly, in small strata too (round() would give a
-- stratum of 4 at 10% no control ever); the controls are the members with
-- the smallest seeded_uniform(seed, customer id).  The same members, share
-- and seed give the same controls.
CREATE FUNCTION dormancy.start_campaign(name text, filter text DEFAULT NULL,
	control_share double precision DEFAULT NULL, seed bigint DEFAULT NULL, note text DEFAULT NULL)
	RETURNS dormancy.campaigns
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	settings dormancy.outreach_settings := dormancy.outreach_settings_in_force();
	share double precision := coalesce(start_campaign.control_share, settings.control_share);
	the_seed bigint := coalesce(start_campaign.seed,
								('x' || substr(md5(coalesce(start_campaign.name, '')), 1, 15))::bit(60)::bigint);
	columns text := 'SELECT l.customer_id::pg_catalog.text AS customer_id, l.state, l.likely_reason, '
					'l.approach_channel, l.message_theme, l.priority_score, l.priority_rank, l.call_order, '
					'l.value_tier, l.p_alive, l.expected_value FROM ';
	query text;
	r record;
	c dormancy.campaigns;
	err text;
	detail text;
	code text;
	held_out bigint;
BEGIN
	IF start_campaign.name IS NULL OR btrim(start_campaign.name) = '' THEN
		RAISE EXCEPTION 'campaign name must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Name the campaign, for example ''2026-12 win-back''.';
	END IF;
	IF EXISTS (SELECT 1 FROM dormancy.campaigns x WHERE x.name = start_campaign.name) THEN
		RAISE EXCEPTION 'campaign "%" already exists', start_campaign.name
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A campaign''s members and controls are frozen when it starts.',
				  HINT = 'Choose another name, or delete the campaign first: DELETE FROM dormancy.campaigns WHERE name = ...';
	END IF;
	IF to_regclass('dormancy.call_list') IS NULL THEN
		RAISE EXCEPTION 'there is no call list: nothing is bound'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind the customers and orders first (dormancy.bind_customers, dormancy.bind_orders).';
	END IF;
	IF NOT (share >= 0 AND share < 1) THEN
		RAISE EXCEPTION 'control share must be at least 0 and less than 1, not %', share
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a share such as 0.1 (10% of each stratum held out), or NULL for outreach_settings.control_share.';
	END IF;

	INSERT INTO dormancy.campaigns (name, as_of, filter, control_share, seed, reactivation_days, score_bands, note)
	VALUES (start_campaign.name, dormancy.as_of_day(), start_campaign.filter, share, the_seed,
			settings.reactivation_days, settings.score_bands, start_campaign.note)
	RETURNING * INTO c;

	-- (an error raised here undoes the campaign's row too)
	BEGIN
		IF filter IS NOT NULL THEN
			-- one expression: it parses in one pair of parentheses, in two,
			-- and as a function's argument, where no clause may follow it
			-- (a filter that closes a parenthesis to append ORDER BY or LIMIT
			-- passes the first two, a subquery in the second); planned only
			-- (the list of no rows), each as one statement
			FOR r IN EXECUTE columns || '(SELECT * FROM dormancy.call_list LIMIT 0) l WHERE ((' || filter || E'\n))' LOOP
			END LOOP;
			FOR r IN EXECUTE 'SELECT pg_catalog.num_nulls(' || filter || E'\n) FROM (SELECT * FROM dormancy.call_list LIMIT 0) l' LOOP
			END LOOP;
			query := columns || 'dormancy.call_list l WHERE (' || filter || E'\n)';
		ELSE
			query := columns || 'dormancy.call_list l';
		END IF;
		-- the list: a cursor, which runs one statement only
		FOR r IN EXECUTE query LOOP
			INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, score_band,
												   state, likely_reason, channel, theme, priority_score,
												   priority_rank, call_order, value_tier, p_alive, expected_value)
			VALUES (c.campaign_id, r.customer_id, false,
					concat_ws('|', coalesce(r.state, 'unknown'), coalesce(r.likely_reason, 'unknown'),
							  coalesce(dormancy.score_band(r.priority_score, c.score_bands), 'unknown')),
					dormancy.score_band(r.priority_score, c.score_bands), r.state, r.likely_reason,
					r.approach_channel, r.message_theme, r.priority_score, r.priority_rank, r.call_order,
					r.value_tier, r.p_alive, r.expected_value)
			-- a customer listed twice (its id twice in the bound customers:
			-- data_issues) is one member, where it came first
			ON CONFLICT (campaign_id, customer_id) DO NOTHING;
		END LOOP;
	EXCEPTION WHEN syntax_error OR undefined_column OR datatype_mismatch OR undefined_function
				 OR ambiguous_column OR invalid_cursor_definition OR feature_not_supported
				 OR undefined_table OR grouping_error OR windowing_error OR wrong_object_type THEN
		GET STACKED DIAGNOSTICS err = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
		RAISE EXCEPTION 'invalid campaign filter: %', err
			USING ERRCODE = code,
				  DETAIL = 'The filter must be one boolean expression over the columns of dormancy.call_list.',
				  HINT = 'For example: state = ''dormant'' AND priority_score >= 50.';
	END;

	-- statistics for the members just written, when the role may analyse:
	-- the statement below and the campaign views plan their joins over
	-- them, and a table analysed empty (or before a smaller campaign) was
	-- taken for a few rows until autovacuum came, which made nested loops
	-- over every pair of members
	IF (SELECT pg_catalog.pg_has_role(k.relowner, 'USAGE') FROM pg_catalog.pg_class k
		 WHERE k.oid = 'dormancy.campaign_members'::pg_catalog.regclass) THEN
		ANALYZE dormancy.campaign_members;
	END IF;

	-- the controls of each stratum: its members with the smallest seeded
	-- numbers (ties by the id), as many as stratum_controls() says (drawn
	-- once, MATERIALIZED: a join that rescans them draws nothing again)
	WITH s AS MATERIALIZED (
		SELECT x.customer_id, x.stratum,
			   pg_catalog.row_number() OVER (PARTITION BY x.stratum
											 ORDER BY dormancy.seeded_uniform(c.seed, x.customer_id), x.customer_id) AS k,
			   pg_catalog.count(*) OVER (PARTITION BY x.stratum) AS n
		  FROM dormancy.campaign_members x
		 WHERE x.campaign_id = c.campaign_id
	)
	UPDATE dormancy.campaign_members m
	   SET is_control = true
	  FROM s
	 WHERE m.campaign_id = c.campaign_id AND m.customer_id = s.customer_id
	   AND s.k <= dormancy.stratum_controls(s.n, c.control_share, c.seed, s.stratum);

	UPDATE dormancy.campaigns x
	   SET customers = (SELECT count(*) FROM dormancy.campaign_members m WHERE m.campaign_id = c.campaign_id),
		   controls = (SELECT count(*) FROM dormancy.campaign_members m WHERE m.campaign_id = c.campaign_id AND m.is_control)
	 WHERE x.campaign_id = c.campaign_id
	RETURNING * INTO c;
	-- members to approach who are controls of a campaign whose window is
	-- still open: approached, they dilute that campaign's measured effect
	-- (campaign_effect counts them in its controls_contacted)
	SELECT count(DISTINCT m.customer_id) INTO held_out
	  FROM dormancy.campaign_members m
	  JOIN dormancy.campaign_members o ON o.customer_id = m.customer_id AND o.is_control
	  JOIN dormancy.campaigns oc ON oc.campaign_id = o.campaign_id
	 WHERE m.campaign_id = c.campaign_id AND NOT m.is_control
	   AND o.campaign_id <> c.campaign_id AND oc.as_of + oc.reactivation_days >= c.as_of;
	IF held_out > 0 THEN
		RAISE WARNING '% members of campaign "%" are controls of a campaign whose window is still open', held_out, c.name
			USING DETAIL = 'Approaching them dilutes the effect that campaign measures: campaign_effect counts them in its controls_contacted.',
				  HINT = 'To leave them out, delete this campaign and start it again with the filter customer_id::text NOT IN (SELECT customer_id FROM dormancy.campaign_members WHERE is_control).';
	END IF;
	IF c.customers = 0 THEN
		RAISE EXCEPTION 'the call list has no customer%', CASE WHEN filter IS NOT NULL THEN ' that matches the filter' ELSE '' END
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('Campaign "%s" was not started: a campaign without members measures nothing.', start_campaign.name),
				  HINT = CASE WHEN filter IS NOT NULL THEN 'Loosen the filter, or look at dormancy.call_list: ' ELSE 'Look at dormancy.call_list: ' END
						 || 'score_weights.call_list_min_score and call_list_tiers decide who is on it (and dormancy.as_of the day), and it leaves out'
						 || ' customers contacted within outreach_settings.recontact_after, those put off to next fiscal year''s budget until their day'
						 || ' (outreach_settings.fiscal_year_start_month and budget_reapproach_lead) and those who asked not to be contacted'
						 || ' (customer_status.recontact_on, reapproach_on and opted_out_on).';
	END IF;
	RETURN c;
END
$$;
COMMENT ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) IS
	'start a win-back campaign: freeze the call list (optionally filtered by one boolean expression over its columns, run with the caller''s privileges), hold out a reproducible control share of each stratum (state x likely reason x score band; default outreach_settings.control_share), and record them in dormancy.campaigns and dormancy.campaign_members; the seed defaults to one derived from the name; returns the campaign';
REVOKE ALL ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) FROM PUBLIC;

