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

-- score_priority() in two halves, for customer_status: a scalar call in the
-- select list costs less than a function in FROM (no per-row tuplestore), a
-- query that does not read the breakdown does not build it, and the rank's
-- sort does not carry it.  The same C code: same score, same breakdown.
CREATE FUNCTION dormancy._priority_score(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'priority_score_only'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_score(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the score of score_priority() alone (customer_status.priority_score)';

CREATE FUNCTION dormancy._priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'priority_breakdown'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the breakdown of score_priority() alone (customer_status.score_breakdown)';

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
-- The reason and approach rules, applied in C (src/rules_sql.c, matching in
-- src/core/rules.c).  Each call site reads its table once per query, with
-- the caller's privileges and the query's snapshot: an edit shows in the
-- next query; every row of one query sees the same rules.
--

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._likely_reason(lapsing boolean, have text[], OUT reason text, OUT evidence text[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'likely_reason'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._likely_reason(boolean, text[]) IS
	'internal: the reason and evidence of the first dormancy.reason_rules row (by rule_order) whose evidence is contained in have; unknown and {} when none; NULL unless lapsing';

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._approach_channel(lapsing boolean, approach_value double precision,
										   industry text, company_size text, reason text,
										   can_phone boolean, can_mail boolean)
	RETURNS text
	AS 'MODULE_PATHNAME', 'approach_channel'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (lower(btrim())), reason and reachability; NULL unless lapsing or when none matches';

--
-- The priority columns of customer_status
--
-- Aliases: sw (weights), pss (source settings), mval (the model's expected
-- value), ev (evidence, lapsing, approach_value), prio (score, breakdown),
-- rsn (likely reason and its evidence: _likely_reason), th (theme), ch (channel:
-- _approach_channel).  Uses the aliases of the
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
	-- with contacts bound, a channel the customer cannot be reached by is
	-- skipped (cc: part 53): no phone call without a usable number, no
	-- (step) mail without a usable address
	can_phone text := CASE WHEN bindings -> 'contacts' ? 'phone'
						   THEN 'coalesce(cc.phones, 0) > 0' ELSE 'true' END;
	can_mail text := CASE WHEN bindings -> 'contacts' ? 'email'
						  THEN 'coalesce(cc.emails, 0) > 0' ELSE 'true' END;
BEGIN
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
CROSS JOIN LATERAL (
	SELECT dormancy._priority_score(pin.inputs, sw) AS score,
		   dormancy._priority_breakdown(pin.inputs, sw) AS breakdown
	  FROM (SELECT ROW(
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
	mval.expected_value)::dormancy.priority_inputs AS inputs) pin
) prio
CROSS JOIN LATERAL dormancy._likely_reason(ev.lapsing, ev.evidence) rsn
LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
CROSS JOIN LATERAL (
	SELECT dormancy._approach_channel(ev.lapsing, ev.approach_value, core.industry, core.company_size,
									  rsn.reason, %4$s, %5$s) AS channel
) ch$f$, events_bound, deals_bound, contracts_bound, can_phone, can_mail);

	select_list := format(
		'prio.score AS priority_score, '
		'prio.breakdown AS score_breakdown, '
		'rsn.reason AS likely_reason, '
		'rsn.evidence AS reason_evidence, '
		'ev.evidence, '
		'ch.channel AS approach_channel, '
		'th.theme AS message_theme, '
		'ev.approach_value');
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_55_priority(jsonb) IS
	'internal: the priority, reason and approach columns of customer_status';

-- Ranks break ties by customer id: in the id's own order when its type has a
-- default btree order, else as text in byte order.  The rank is not a column
-- of customer_status (a window over every customer would stop a lookup of one
-- customer from reaching the orders index): call_list and the snapshot
-- written by refresh() compute it.
CREATE FUNCTION dormancy._customer_id_order(id_column text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type regtype := dormancy._customer_id_type()::regtype;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
				WHERE am.amname = 'btree' AND o.opcdefault
				  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype
					   AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		RETURN id_column;
	END IF;
	RETURN id_column || '::pg_catalog.text COLLATE "C"';
END
$$;
COMMENT ON FUNCTION dormancy._customer_id_order(text) IS
	'internal: the ORDER BY expression that breaks rank ties by the customer id column given (its own order, else as text)';

-- dormancy.call_list: lapsing customers worth a call, best first; the rank is
-- among all customers, so it is computed before the list is filtered
CREATE FUNCTION dormancy._status_views_55_call_list(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'call_list', format($q$
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.score_breakdown, cs.as_of, cs.data_gaps
  FROM (SELECT s.*, pg_catalog.rank() OVER (ORDER BY s.priority_score DESC, %s) AS priority_rank
		  FROM dormancy.customer_status s) cs
 WHERE cs.likely_reason IS NOT NULL
   AND cs.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY cs.priority_rank
$q$, dormancy._customer_id_order('s.customer_id'))
$$;
COMMENT ON FUNCTION dormancy._status_views_55_call_list(jsonb) IS 'internal: the call list view';

CREATE FUNCTION dormancy._comment_views_55_priority()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
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
