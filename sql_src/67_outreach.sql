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
CREATE FUNCTION dormancy.score_band(score double precision, cut_points double precision[])
	RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
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
	CONSTRAINT outreach_settings_one_row CHECK (singleton),
	CONSTRAINT outreach_settings_control_share CHECK (control_share >= 0 AND control_share < 1),
	CONSTRAINT outreach_settings_reactivation_days CHECK (reactivation_days BETWEEN 1 AND 3660),
	CONSTRAINT outreach_settings_min_observations CHECK (min_observations >= 1),
	CONSTRAINT outreach_settings_score_bands CHECK (dormancy.score_band(0, score_bands) IS NOT NULL)
);
COMMENT ON TABLE dormancy.outreach_settings IS
	'settings of the win-back campaigns: at most one row; no row means the defaults (see dormancy.outreach_settings_in_force())';
COMMENT ON COLUMN dormancy.outreach_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.outreach_settings.control_share IS
	'share of each stratum of a campaign held out as control (not approached), 0 or more and less than 1; start_campaign() uses it when given none; default 0.10';
COMMENT ON COLUMN dormancy.outreach_settings.reactivation_days IS
	'a purchase day within this many days after the contact (for a control: after the campaign''s start) counts as reactivation; copied into a campaign when it starts; 1 to 3660, default 90';
COMMENT ON COLUMN dormancy.outreach_settings.min_observations IS
	'contacted customers (and as many controls) a channel x theme x reason needs before its measured lift is used for learning; default 30';
COMMENT ON COLUMN dormancy.outreach_settings.score_bands IS
	'cut points of the priority score (0 to 100) into the score bands of the strata, strictly increasing, between 0 and 100 (see dormancy.score_band()); copied into a campaign when it starts; default {25,50,75}: 0-25, 25-50, 50-75, 75-100';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.outreach_settings_in_force()
	RETURNS dormancy.outreach_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.outreach_settings s),
					ROW(true, 0.10, 90, 30, '{25,50,75}')::dormancy.outreach_settings);
COMMENT ON FUNCTION dormancy.outreach_settings_in_force() IS
	'the row of dormancy.outreach_settings, or the defaults when it is empty';

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
COMMENT ON COLUMN dormancy.campaigns.reactivation_days IS 'outreach_settings.reactivation_days at the start: a purchase day within this many days after the contact counts as reactivation';
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
	campaign_id bigint NOT NULL REFERENCES dormancy.campaigns ON DELETE CASCADE,
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
	PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX campaign_members_customer ON dormancy.campaign_members (customer_id);
COMMENT ON TABLE dormancy.campaign_members IS
	'the members of each campaign as they were at its start: the control assignment, the stratum, the scores and the planned approach (written by dormancy.start_campaign())';
COMMENT ON COLUMN dormancy.campaign_members.campaign_id IS 'the campaign (dormancy.campaigns)';
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

-- For users without an activity table of their own (bind_outreach binds
-- one instead).  The values are the wordings of the reps, mapped like a
-- bound table's by outreach_channels, outreach_themes, outreach_outcomes
-- and deal_reasons; customer_id is text (cast to the type of the ids when
-- read, see src_outreach).
CREATE TABLE dormancy.outreach_log (
	outreach_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer_id text NOT NULL,
	contacted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	channel text,
	theme text,
	outcome text,
	declined_reason text,
	rep text,
	campaign_id bigint REFERENCES dormancy.campaigns ON DELETE SET NULL,
	note text,
	CONSTRAINT outreach_log_customer_not_blank CHECK (btrim(customer_id) <> '')
);
CREATE INDEX outreach_log_customer ON dormancy.outreach_log (customer_id, contacted_at);
CREATE INDEX outreach_log_campaign ON dormancy.outreach_log (campaign_id);
COMMENT ON TABLE dormancy.outreach_log IS
	'the outreach to customers (calls, mails, visits) and what came of it, one row per contact, for users without an activity table of their own (read by dormancy.src_outreach while no outreach relation is bound)';
COMMENT ON COLUMN dormancy.outreach_log.outreach_id IS 'the row''s number';
COMMENT ON COLUMN dormancy.outreach_log.customer_id IS 'the customer id as text (cast to the type of the customer ids when read)';
COMMENT ON COLUMN dormancy.outreach_log.contacted_at IS 'when the customer was contacted (or the attempt was made)';
COMMENT ON COLUMN dormancy.outreach_log.channel IS 'the channel as the rep wrote it (e.g. phone, 電話), mapped by dormancy.outreach_channels';
COMMENT ON COLUMN dormancy.outreach_log.theme IS 'the message theme as the rep wrote it, mapped by dormancy.outreach_themes';
COMMENT ON COLUMN dormancy.outreach_log.outcome IS 'the outcome as the rep wrote it (e.g. not reached, 不在, 商談, 受注), mapped by dormancy.outreach_outcomes';
COMMENT ON COLUMN dormancy.outreach_log.declined_reason IS 'why the customer declined, as the rep wrote it, mapped by dormancy.deal_reasons';
COMMENT ON COLUMN dormancy.outreach_log.rep IS 'who made the contact';
COMMENT ON COLUMN dormancy.outreach_log.campaign_id IS 'the campaign the contact belongs to (dormancy.campaigns), NULL for none';
COMMENT ON COLUMN dormancy.outreach_log.note IS 'free text';
COMMENT ON SEQUENCE dormancy.outreach_log_outreach_id_seq IS 'generates dormancy.outreach_log.outreach_id';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log_outreach_id_seq', '');

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
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_outcomes_outcome CHECK (outcome IN (
		'not_reached', 'reached', 'interested', 'meeting', 'quote', 'order', 'declined')),
	CONSTRAINT outreach_outcomes_source_not_blank CHECK (btrim(source_outcome) <> '')
);
CREATE UNIQUE INDEX outreach_outcomes_key ON dormancy.outreach_outcomes ((dormancy.label_key(source_outcome)));
COMMENT ON TABLE dormancy.outreach_outcomes IS
	'maps the outcomes of the outreach onto not_reached, reached, interested, meeting, quote, order or declined (case-insensitive); unmapped outcomes are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_outcomes.source_outcome IS 'a value of the outreach outcome column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_outcomes.outcome IS 'what it means: not_reached, reached, interested, meeting, quote, order or declined';
COMMENT ON COLUMN dormancy.outreach_outcomes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
	('not_reached', 'not_reached'), ('not reached', 'not_reached'), ('no answer', 'not_reached'),
	('no_answer', 'not_reached'), ('voicemail', 'not_reached'), ('left voicemail', 'not_reached'),
	('busy', 'not_reached'), ('bounced', 'not_reached'), ('unreachable', 'not_reached'),
	('returned', 'not_reached'),
	('reached', 'reached'), ('connected', 'reached'), ('contacted', 'reached'), ('talked', 'reached'),
	('delivered', 'reached'), ('opened', 'reached'),
	('interested', 'interested'), ('positive', 'interested'), ('follow up', 'interested'),
	('follow-up', 'interested'),
	('meeting', 'meeting'), ('appointment', 'meeting'), ('meeting booked', 'meeting'),
	('meeting set', 'meeting'), ('demo', 'meeting'), ('demo booked', 'meeting'),
	('quote', 'quote'), ('quotation', 'quote'), ('quote sent', 'quote'), ('proposal sent', 'quote'),
	('order', 'order'), ('ordered', 'order'), ('won', 'order'), ('purchase', 'order'),
	('declined', 'declined'), ('refused', 'declined'), ('rejected', 'declined'),
	('not interested', 'declined'), ('not_interested', 'declined'), ('do not contact', 'declined'),
	('lost', 'declined');
DO $$
BEGIN
	INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
		(U&'\4E0D\5728', 'not_reached'),	-- fuzai: absent
		(U&'\4E0D\901A', 'not_reached'),	-- futsu: no connection
		(U&'\7559\5B88\96FB', 'not_reached'),	-- rusuden: answering machine
		(U&'\7559\5B88\756A\96FB\8A71', 'not_reached'),	-- rusuban denwa: answering machine
		(U&'\8A71\3057\4E2D', 'not_reached'),	-- hanashichu: line busy
		(U&'\672A\63A5\7D9A', 'not_reached'),	-- misetsuzoku: not connected
		(U&'\63A5\7D9A', 'reached'),	-- setsuzoku: connected
		(U&'\901A\8A71', 'reached'),	-- tsuwa: talked on the phone
		(U&'\63A5\89E6', 'reached'),	-- sesshoku: contact made
		(U&'\62C5\5F53\8005\63A5\7D9A', 'reached'),	-- tantosha setsuzoku: reached the person in charge
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
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_outcomes: left out';
END
$$;

SELECT dormancy._install_defaults('dormancy.outreach_channels', 'source_channel');
SELECT dormancy._install_defaults('dormancy.outreach_themes', 'source_theme');
SELECT dormancy._install_defaults('dormancy.outreach_outcomes', 'source_outcome');
