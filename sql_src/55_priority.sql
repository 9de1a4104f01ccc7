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
	tier_a_percentile double precision NOT NULL DEFAULT 90,
	tier_b_percentile double precision NOT NULL DEFAULT 85,
	call_list_tiers text[] NOT NULL DEFAULT '{A,B}',
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
	CONSTRAINT score_weights_call_list_min_score CHECK (call_list_min_score BETWEEN 0 AND 100),
	CONSTRAINT score_weights_tiers CHECK (
		tier_b_percentile BETWEEN 0 AND 100 AND tier_a_percentile BETWEEN tier_b_percentile AND 100),
	CONSTRAINT score_weights_call_list_tiers CHECK (call_list_tiers <@ '{A,B,C}'::text[])
);
COMMENT ON TABLE dormancy.score_weights IS
	'weights and caps of the priority score: at most one row; no row means the defaults (see dormancy.score_weights_in_force() and docs/priority.md)';
COMMENT ON COLUMN dormancy.score_weights.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.score_weights.past_value IS 'weight of past value (the percentile of total_amount among your customers; a log scale up to value_cap while no value distribution is stored); 0 to 1000; default 20';
COMMENT ON COLUMN dormancy.score_weights.regularity IS 'weight of regularity (repeat purchases on a steady cycle shorter than replacement_cycle_days); default 15';
COMMENT ON COLUMN dormancy.score_weights.recency IS 'weight of recency (highest at risk, falling through dormant to long dormant); default 20';
COMMENT ON COLUMN dormancy.score_weights.decline IS 'weight of the decline signals; default 10';
COMMENT ON COLUMN dormancy.score_weights.engagement IS 'weight of engagement (events in the engagement window; counts only when events are bound); default 10';
COMMENT ON COLUMN dormancy.score_weights.deal IS 'weight of the last deal, or of a later decline heard on a call (counts when deals are bound; without them, for a customer with such a decline only, outside the other weights'' total); default 10';
COMMENT ON COLUMN dormancy.score_weights.contract IS 'weight of the contract signals (counts only when contracts are bound); default 5';
COMMENT ON COLUMN dormancy.score_weights.p_alive IS 'weight of the model''s p_alive (counts only when a model is fitted); default 5';
COMMENT ON COLUMN dormancy.score_weights.expected_value IS 'weight of the model''s expected value (its percentile among your customers; a log scale up to value_cap while no distribution is stored; only when fitted); default 5';
COMMENT ON COLUMN dormancy.score_weights.value_cap IS 'superseded by dormancy.value_distribution: only while none is stored, the amount (in your currency) at which past_value and expected_value reach 1; default 10,000,000';
COMMENT ON COLUMN dormancy.score_weights.regular_days_cap IS 'purchase days for full regularity; at least 2; default 6';
COMMENT ON COLUMN dormancy.score_weights.replacement_cycle_days IS 'median gap in days at which regularity falls to 0 (replacement cycles of 5+ years are low priority); default 1826';
COMMENT ON COLUMN dormancy.score_weights.decline_signals_cap IS 'decline signals for a full decline value; default 2';
COMMENT ON COLUMN dormancy.score_weights.engagement_cap IS 'events in the window (pricing views counted twice) for full engagement intensity; default 10';
COMMENT ON COLUMN dormancy.score_weights.no_engagement IS 'engagement value when events are bound but the customer has none in the window; -1 to 0; default -0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_won IS 'value of a won last deal; -1 to 1; default 0.3';
COMMENT ON COLUMN dormancy.score_weights.deal_open IS 'value of an open deal (a floor while one is open); default 0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_postponed IS 'value of a postponed last deal (e.g. until next fiscal year''s budget); default 1';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_budget_timing IS 'value of a last deal lost on budget or timing, and of a decline for either heard on a call; default 0.6';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_price IS 'value of a last deal lost on price, and of a decline on price heard on a call; default -0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_competitor IS 'value of a last deal lost to a competitor, and of a decline for a competitor heard on a call; default -1';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_other IS 'value of a last deal lost for another or no reason, and of a decline for another reason heard on a call; default -0.3';
COMMENT ON COLUMN dormancy.score_weights.deal_horizon_days IS 'a deal''s (or a decline''s) value fades linearly to 0 at this age in days; default 1095';
COMMENT ON COLUMN dormancy.score_weights.campaign_only_factor IS 'regularity of campaign-only buyers is multiplied by this; 0 to 1; default 0.3';
COMMENT ON COLUMN dormancy.score_weights.call_list_min_score IS 'dormancy.call_list shows customers scoring at least this; 0 to 100; default 20';
COMMENT ON COLUMN dormancy.score_weights.tier_a_percentile IS 'value tier A: value_percentile at least this (the most valuable of your customers); default 90';
COMMENT ON COLUMN dormancy.score_weights.tier_b_percentile IS 'value tier B: value_percentile at least this, below tier A; C below it; default 85 (tiers A and B: at most the top 15% of your customers by value)';
COMMENT ON COLUMN dormancy.score_weights.call_list_tiers IS 'the value tiers dormancy.call_list shows, ranked tier by tier (A first); default {A,B}';
SELECT pg_catalog.pg_extension_config_dump('dormancy.score_weights', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.score_weights_in_force()
	RETURNS dormancy.score_weights
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT w FROM dormancy.score_weights w),
					ROW(true, 20, 15, 20, 10, 10, 10, 5, 5, 5, 10000000, 6, 1826, 2, 10, -0.5,
						0.3, 0.5, 1.0, 0.6, -0.5, -1.0, -0.3, 1095, 0.3, 20,
						90, 85, '{A,B}')::dormancy.score_weights);
COMMENT ON FUNCTION dormancy.score_weights_in_force() IS
	'the row of dormancy.score_weights, or the defaults when it is empty';

-- The score a customer needs to be on call_list and snapshot_call_list
-- (written here only; both pass the call-list settings in force,
-- score_weights.call_list_tiers and call_list_min_score): the minimum score
-- for the value tiers shown (every customer while no distribution is
-- stored: no tier); infinity for another tier, for a customer who asked not
-- to be contacted (opted_out_on) and for one held back after a recent
-- contact (recontact_on; the views pass the later of recontact_on and
-- reapproach_on, the hold until next fiscal year's budget).  Folded into one condition on the score, which
-- the planner estimates as it did the minimum score alone: a separate
-- opted_out_on IS NULL was taken to keep one customer in 200 (the outreach
-- is grouped, with no statistics).  Inlined into the views, so that the
-- planner sees that condition (and the settings' sub-selects, once per
-- query): no SET search_path (which stops inlining), not STRICT; its body
-- is SQL-standard (RETURN), so its names are resolved once, when the
-- extension script creates it (operators qualified), and nothing is looked
-- up when it runs.
CREATE FUNCTION dormancy._call_list_min_score(value_tier text, opted_out_on date, recontact_on date,
											  tiers text[], min_score double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN opted_out_on IS NOT NULL OR recontact_on IS NOT NULL
				THEN 'infinity'::pg_catalog.float8
				WHEN COALESCE(value_tier OPERATOR(pg_catalog.=) ANY (tiers), true)
				THEN min_score
				ELSE 'infinity'::pg_catalog.float8 END;
COMMENT ON FUNCTION dormancy._call_list_min_score(text, date, date, text[], double precision) IS
	'internal: the score a customer needs to be on call_list and snapshot_call_list, with the call-list tiers and minimum score given: that minimum for the tiers shown (or no tier), infinity for another tier, an opt-out (opted_out_on) or a recent contact''s hold (recontact_on)';

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

-- The same with a decline heard on a call (the latest conversation of the
-- outreach when it was a decline with a reason after the last order; NULL
-- for none), which the deal component reads when it is later than the last
-- deal: what customer_status passes (docs/priority.md, A decline heard on a
-- call).  Not strict in the decline: a NULL reason or age is none, and each
-- is checked whatever the other is.  No percentiles: customer_status's
-- score only while no value distribution is stored.
CREATE FUNCTION dormancy.score_priority(inputs dormancy.priority_inputs, weights dormancy.score_weights,
										outreach_declined_reason text, days_since_outreach_decline integer)
	RETURNS dormancy.priority_result
	AS 'MODULE_PATHNAME', 'score_priority'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.score_priority(dormancy.priority_inputs, dormancy.score_weights, text, integer) IS
	'priority score of one customer with a decline heard on a call (its reason, a code of deal_reasons: price, features, competitor, timing, budget, circumstances or other, and its age in days, 0 or more; a NULL in either: no decline; another reason or a negative age is an error, whatever the other argument), which the deal component reads when it is later than the last deal; 0 to 100, with the breakdown.  The same as customer_status''s for the inputs and the decline it passes while no value distribution is stored: the function takes no percentiles (past_value and expected_value on the log scale up to value_cap)';

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

-- The breakdown with the customer's place among your customers: the
-- percentiles of total_amount and expected_value (in that order, NULL while
-- no value distribution is stored), which past_value and expected_value use
-- instead of the log scale up to value_cap; and the latest conversation
-- when it was a decline with a reason after the last order (_assess gives
-- both), which the deal component reads when it is later than the last deal
-- (docs/priority.md, A decline heard on a call).  Not fields of
-- priority_inputs: the views of earlier versions, as their dumps hold them,
-- cast a row of its 33 fields to it.  Not strict in the percentiles and the
-- decline.
CREATE FUNCTION dormancy._priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights,
											 value_percentiles double precision[],
											 outreach_declined_reason text, days_since_outreach_decline integer)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'priority_breakdown'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights, double precision[], text, integer) IS
	'internal: the breakdown of customer_status.score_breakdown, with the percentiles of total_amount and expected_value among your customers (NULL: the log scale up to value_cap) and the reason and age in days of a decline heard on a call after the last order (NULL: none)';

--
-- Value relative to your own customers: the distribution of lifetime value
-- (total_amount) and of the model's expected value, stored when the whole
-- population is evaluated anyway (fit_models(), also on refresh()'s refit
-- schedule), read once per query by customer_status (_assess), which places
-- each customer in it.  Between two fits every query and every refresh
-- ranks on the same scale: a refresh's snapshot equals the live views, an
-- incremental refresh a full one.
--

CREATE TABLE dormancy.value_distribution (
	measure text PRIMARY KEY,
	quantiles double precision[] NOT NULL,
	customers bigint NOT NULL,
	as_of date NOT NULL,
	stored_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT value_distribution_measure CHECK (measure IN ('total_amount', 'expected_value')),
	CONSTRAINT value_distribution_quantiles CHECK (
		cardinality(quantiles) >= 2 AND array_position(quantiles, NULL) IS NULL)
);
COMMENT ON TABLE dormancy.value_distribution IS
	'the distribution of your customers'' lifetime value and expected value, as quantiles: the scale of past_value, expected_value, value_percentile and the value tiers; written by fit_models() (and so by the refits of refresh()), emptied by a bind or unbind of the customers or orders';
COMMENT ON COLUMN dormancy.value_distribution.measure IS 'total_amount (customers with a purchase) or expected_value (customers the model gives one)';
COMMENT ON COLUMN dormancy.value_distribution.quantiles IS 'the quantiles at 0, 0.5, 1, ..., 100 percent (201 values, ascending)';
COMMENT ON COLUMN dormancy.value_distribution.customers IS 'customers the quantiles were computed over';
COMMENT ON COLUMN dormancy.value_distribution.as_of IS 'the as-of day of the customers'' values';
COMMENT ON COLUMN dormancy.value_distribution.stored_at IS 'when it was stored';
SELECT pg_catalog.pg_extension_config_dump('dormancy.value_distribution', '');

-- The model columns of customer_status, from a customer's BTYD summary in
-- days (frequency, recency, age, monetary value and its days of known
-- amount, Gamma-Gamma's x), its segment columns, the
-- lookahead in days and the p_alive threshold (model_settings), in one C
-- call (src/btyd_sql.c): the model _model_for chooses, the summary in its
-- time unit, the predictions of model_predictions (model_predictions_paretonbd
-- where the segment's Pareto/NBD fit is chosen) with its Gamma-Gamma fit if
-- that converged, and the looking-ahead values of model_lookahead; a value
-- that cannot be computed is NULL.  IMMUTABLE: the models are those of the
-- configuration given, as for _model_for.
CREATE FUNCTION dormancy._model_outlook(industry text, company_size text, frequency integer,
										recency_days double precision, age_days double precision,
										monetary_value double precision, monetary_days integer,
										lookahead_days double precision,
										p_alive_threshold double precision,
										configuration dormancy.configuration,
										OUT model_id integer, OUT forecast_model text,
										OUT unit_days double precision, OUT p_alive double precision,
										OUT expected_purchases double precision,
										OUT expected_value double precision,
										OUT p_alive_ahead double precision,
										OUT p_purchase_ahead double precision,
										OUT dormant_age double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_outlook'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_outlook(text, text, integer, double precision, double precision, double precision, integer, double precision, double precision, dormancy.configuration) IS
	'internal: the model columns of customer_status for a customer (the model _model_for chooses, model_predictions and model_lookahead under it), from its BTYD summary in days, its segment columns, the lookahead in days and the p_alive threshold';

-- A customer's expected_value as customer_status gives it (_model_outlook's),
-- alone: for the value distribution (src/btyd_sql.c).  IMMUTABLE, as
-- _model_outlook.
CREATE FUNCTION dormancy._expected_value(industry text, company_size text, frequency integer,
										 recency_days double precision, age_days double precision,
										 monetary_value double precision, monetary_days integer,
										 configuration dormancy.configuration)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'expected_value_for'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._expected_value(text, text, integer, double precision, double precision, double precision, integer, dormancy.configuration) IS
	'internal: a customer''s expected_value as customer_status computes it (the model _model_for chooses, model_predictions), from its BTYD summary in days and its segment columns; for the value distribution of fit_models()';

-- Store the distribution of the customers' values with the models'
-- predictions as customer_status computes them (fit_models(), after the
-- fit), from the summaries fit_models() kept (_fit_summaries), not from
-- customer_core, whose other work (state, decline metrics, contracts, price
-- changes) and second read of the histories these values do not need: the
-- same rows.  total_amount is over the customers with a purchase day
-- (customer_core's order_days > 0: the customers kept), expected_value over
-- those the model gives one (a customer without a purchase day has no BTYD
-- summary and so no expected_value).  A measure without any customer is
-- left out.  Without the summaries (nothing bound: nothing kept), nothing
-- is stored.  Each customer's expected value comes from one C call,
-- _expected_value (below): the model _model_for picks and the predictions
-- of model_predictions, without a lateral function scan of each per
-- customer, which cost several times the predictions.
CREATE FUNCTION dormancy._store_value_distribution()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off
AS $$
DECLARE
	fractions double precision[] := ARRAY(SELECT g / 200.0 FROM generate_series(0, 200) g);
	customers text;		-- the query of the customers' two values (a constant)
BEGIN
	DELETE FROM dormancy.value_distribution;
	IF to_regclass('pg_temp.dormancy_fit_summaries') IS NOT NULL THEN
		customers := 'SELECT s.total_amount, '
			'dormancy._expected_value(s.industry, s.company_size, s.frequency, s.recency, s.age, '
			's.monetary_value, s.monetary_days, (SELECT dormancy._configuration())) AS expected_value '
			'FROM pg_temp.dormancy_fit_summaries s';
	ELSIF to_regclass('pg_temp.dormancy_fit_states') IS NOT NULL THEN
		-- on Citus (fit_models() kept fit states, not summaries): each
		-- customer's two values computed where its orders are, at the as-of
		-- day and with the configuration (the models just stored) that the
		-- coordinator sends; only the two values move
		-- (the summary as a lateral function scan, computed once: as a
		-- column of the subquery, which is pulled up, it was computed again
		-- for each of its fields read, five times per customer)
		customers := 'SELECT s.total_amount, '
			'dormancy._expected_value(s.industry, s.company_size, b.frequency, b.recency, b.age, '
			'b.monetary_value, b.monetary_days, (SELECT dormancy._configuration())) AS expected_value '
			'FROM (SELECT c.industry, c.company_size, h.history, '
			'(dormancy.history_summary(h.history, (SELECT dormancy.as_of_day()), 0)).total_amount '
			'FROM dormancy.src_customers c '
			'JOIN dormancy.customer_histories_live h ON h.customer_id = c.customer_id '
			'WHERE c.customer_id IS NOT NULL) s '
			'CROSS JOIN LATERAL dormancy.btyd_summary(s.history, (SELECT dormancy.as_of_day()), ''1 day'') b '
			'WHERE b.frequency IS NOT NULL';
	ELSE
		RETURN;
	END IF;
	EXECUTE format($q$INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
	WITH v AS (%s)
	SELECT m.measure, m.q, m.n, dormancy.as_of_day()
	  FROM (SELECT 'total_amount'::text AS measure,
				   percentile_cont($1) WITHIN GROUP (ORDER BY greatest(v.total_amount, 0)) AS q,
				   count(*) AS n
			  FROM v
			UNION ALL
			SELECT 'expected_value',
				   percentile_cont($1) WITHIN GROUP (ORDER BY v.expected_value)
					   FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity'),
				   count(*) FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity')
			  FROM v) m
	 WHERE m.n > 0$q$, customers) USING fractions;
END
$$;
COMMENT ON FUNCTION dormancy._store_value_distribution() IS
	'internal: store the quantiles of the customers'' total_amount and expected_value in dormancy.value_distribution, from the summaries fit_models() keeps (_fit_summaries), or on Citus from the customers'' two values computed on the workers';

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
COMMENT ON COLUMN dormancy.reason_rules.rule_order IS 'rules are tried in this order, the first that matches decides: a rule goes before a broader one whose evidence its own contains (11 to 14, {deal_postponed,deal_reason_competitor} ..., before 20, {deal_postponed})';
COMMENT ON COLUMN dormancy.reason_rules.evidence IS 'evidence the customer must all have, e.g. {deal_lost,deal_reason_competitor}';
COMMENT ON COLUMN dormancy.reason_rules.reason IS 'the likely reason it gives';
COMMENT ON COLUMN dormancy.reason_rules.note IS 'why';
COMMENT ON COLUMN dormancy.reason_rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note) VALUES
	(1, '{outreach_declined,outreach_reason_competitor}', 'lost_to_competitor', 'declined on the last contact: went to a competitor'),
	(2, '{outreach_declined,outreach_reason_price}', 'dissatisfied_price', 'declined on the last contact: the price'),
	(3, '{outreach_declined,outreach_reason_budget}', 'budget_timing', 'declined on the last contact: no budget'),
	(4, '{outreach_declined,outreach_reason_timing}', 'budget_timing', 'declined on the last contact: not now'),
	(5, '{outreach_declined,outreach_reason_features}', 'dissatisfied_product', 'declined on the last contact: the product does not do what they need'),
	(6, '{outreach_declined,outreach_reason_circumstances}', 'circumstances_changed', 'declined on the last contact: their circumstances changed'),
	(10, '{deal_lost,deal_reason_competitor}', 'lost_to_competitor', 'the last deal went to a competitor'),
	(11, '{deal_postponed,deal_reason_competitor}', 'lost_to_competitor', 'the last deal was postponed for a competitor'),
	(12, '{deal_postponed,deal_reason_price}', 'dissatisfied_price', 'the last deal was postponed on price'),
	(13, '{deal_postponed,deal_reason_features}', 'dissatisfied_product', 'the last deal was postponed for features'),
	(14, '{deal_postponed,deal_reason_circumstances}', 'circumstances_changed', 'the last deal was postponed on the customer''s circumstances'),
	(20, '{deal_postponed}', 'budget_timing', 'the last deal was postponed (e.g. until next fiscal year''s budget) for budget, timing, another reason or none (rules 11 to 14 take competitor, price, features and circumstances)'),
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
	(57, '{auto_renew_off}', 'circumstances_changed', 'auto-renewal switched off: the customer is planning a change (another system, another way of working)'),
	(60, '{campaign_only}', 'campaign_only', 'bought only at a discount'),
	(70, '{one_time}', 'one_time_mismatch', 'one purchase only: probably a mismatch'),
	(80, '{repeat,no_engagement,lapsed}', 'forgot', 'a repeat buyer who stopped buying (at risk or dormant) and no longer opens or visits anything'),
	(81, '{contract_lapsed,no_engagement,lapsed}', 'forgot', 'a licence that lapsed without any contact, and no order since'),
	(82, '{contract_lapsed,no_engagement,state_never_purchased}', 'forgot', 'a licence that lapsed without any contact, from a customer who never ordered'),
	(85, '{repeat,amount_drop}', 'circumstances_changed', 'a repeat buyer spending less'),
	(86, '{repeat,frequency_drop}', 'circumstances_changed', 'a repeat buyer ordering less often'),
	(87, '{repeat,cadence_slowdown}', 'circumstances_changed', 'a repeat buyer on a slower cycle'),
	(90, '{repeat}', 'circumstances_changed', 'a repeat buyer liked the product: their situation changed'),
	(95, '{contract_lapsed}', 'circumstances_changed', 'a licence that was not renewed while the customer is still in touch (or events are not bound): a change of system or of policy');

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
	('unknown', 'feedback_survey', 'the cause cannot be told from the records: ask for their opinion and what disappointed them (seed 001)');

CREATE TABLE dormancy.approach_rules (
	rule_order integer PRIMARY KEY,
	channel text NOT NULL,
	min_value double precision NOT NULL DEFAULT 0,
	industries text[],
	company_sizes text[],
	reasons text[],
	note text,
	installed boolean NOT NULL DEFAULT false,
	min_value_percentile double precision,
	CONSTRAINT approach_rules_channel CHECK (channel IN ('email', 'direct_mail', 'phone', 'visit', 'step_mail')),
	CONSTRAINT approach_rules_min_value CHECK (min_value >= 0 AND min_value < 'infinity'),
	CONSTRAINT approach_rules_min_value_percentile CHECK (min_value_percentile BETWEEN 0 AND 100),
	CONSTRAINT approach_rules_lists CHECK (
		array_position(industries, NULL) IS NULL AND array_position(company_sizes, NULL) IS NULL AND
		array_position(reasons, NULL) IS NULL),
	-- the likely reasons (message_themes_reason): reasons are compared as
	-- written, so another word would never match
	CONSTRAINT approach_rules_reasons CHECK (reasons <@ ARRAY[
		'dissatisfied_product', 'dissatisfied_price', 'dissatisfied_support', 'forgot',
		'circumstances_changed', 'lost_to_competitor', 'budget_timing', 'campaign_only',
		'one_time_mismatch', 'price_increase', 'spec_change', 'unknown']::text[])
);
COMMENT ON TABLE dormancy.approach_rules IS
	'the approach channel: the first rule (by rule_order) that matches the customer''s value (value_percentile, or approach_value), industry, company size and likely reason; edit freely';
COMMENT ON COLUMN dormancy.approach_rules.rule_order IS 'rules are tried in this order';
COMMENT ON COLUMN dormancy.approach_rules.channel IS 'email, direct_mail, phone, visit or step_mail';
COMMENT ON COLUMN dormancy.approach_rules.min_value IS 'the customer''s approach_value must be at least this (in your currency); when min_value_percentile is set, only while no value distribution is stored';
COMMENT ON COLUMN dormancy.approach_rules.min_value_percentile IS 'the customer''s value_percentile must be at least this (0 to 100) once a value distribution is stored (dormancy.value_distribution); NULL: min_value applies';
COMMENT ON COLUMN dormancy.approach_rules.industries IS 'industries it applies to (by label_key, or through dormancy.industries), NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.company_sizes IS 'company sizes it applies to (by label_key, or through dormancy.company_sizes), NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.reasons IS 'likely reasons it applies to, NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.note IS 'why';
COMMENT ON COLUMN dormancy.approach_rules.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, industries, company_sizes, reasons, note, min_value_percentile) VALUES
	(10, 'visit', 1000000, NULL, '{enterprise,mid}', NULL, 'a visit only for high-value B2B accounts', 95),
	(20, 'phone', 300000, NULL, NULL, NULL, 'medium-high value: a call', 85),
	(30, 'step_mail', 0, '{ec,retail}', NULL, NULL, 'EC and retail: a step mail series', NULL),
	(40, 'direct_mail', 50000, NULL, NULL, NULL, 'medium value: direct mail', 50),
	(50, 'email', 0, NULL, NULL, NULL, 'low expectation: email, cheapest', NULL);

SELECT dormancy._install_defaults('dormancy.reason_rules', 'rule_order');
SELECT dormancy._install_defaults('dormancy.message_themes', 'reason');
SELECT dormancy._install_defaults('dormancy.approach_rules', 'rule_order');

--
-- The reason and approach rules, applied in C (src/rules_sql.c, matching in
-- src/core/rules.c).  The rules are those of the configuration given
-- (09_configuration.sql), prepared once per call site while its
-- fingerprint stays the same: every row of one query sees the same rules,
-- and an edit shows in the next query.  _assess applies them for the views;
-- these two let the tests reach the matching alone.
--

-- IMMUTABLE: it reads no table
CREATE FUNCTION dormancy._likely_reason(lapsing boolean, have text[], configuration dormancy.configuration,
										OUT reason text, OUT evidence text[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'likely_reason'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._likely_reason(boolean, text[], dormancy.configuration) IS
	'internal: the reason and evidence of the first dormancy.reason_rules row (by rule_order) whose evidence is contained in have; unknown and {} when none; NULL unless lapsing';

-- IMMUTABLE: it reads no table
CREATE FUNCTION dormancy._approach_channel(lapsing boolean, approach_value double precision,
										   industry text, company_size text, reason text,
										   can_phone boolean, can_mail boolean,
										   configuration dormancy.configuration)
	RETURNS text
	AS 'MODULE_PATHNAME', 'approach_channel'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean, dormancy.configuration) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (by label_key, through dormancy.industries and dormancy.company_sizes when no rule names the label), reason and reachability; NULL unless lapsing or when none matches';

-- The assessment of customer_status in one C call per customer
-- (src/assess_sql.c, logic in src/core/assess.c): from customer_core's
-- columns, the optional sources' aggregates, what is bound, the source
-- settings and the score weights, the contract state, the kind of dormancy,
-- the evidence, the approach value, the priority inputs and score, the
-- likely reason (reason_rules), its message theme (message_themes), the
-- channel (approach_rules) and the data gaps but the name's, as bits and
-- no_activity for _data_gaps().  The rules (and the rules' use_contract_end,
-- the value distribution) are those of the configuration given, prepared
-- once per call site, as by _likely_reason.  IMMUTABLE: it reads no table.
CREATE FUNCTION dormancy._assess(
	state text, as_of date, at_risk_after interval, dormant_after interval,
	long_dormant_after interval, rule_id integer,
	last_order_at date, last_qualifying_order_at date, first_order_at date,
	orders_count bigint, order_days integer, total_amount double precision,
	median_gap_days double precision, mean_gap_days double precision, gap_stddev_days double precision,
	segment text, decline_signals text[], declining boolean,
	lapsed_after_price_increase boolean, lapsed_after_spec_change boolean,
	industry text, company_size text,
	contract_terms bigint, contract_covered_until date, contract_lapsed boolean,
	days_since_contract_end integer, auto_renew_off boolean, downgraded boolean,
	renewal_due_in_days integer,
	p_alive double precision, expected_value double precision,
	has_events boolean, events_in_window integer, pricing_views integer, support_visits integer,
	days_since_last_event integer,
	has_deals boolean, last_deal_at date, last_deal_outcome text, last_deal_reason text,
	days_since_last_deal integer, open_deals integer,
	phones bigint, emails bigint, persons bigint, invalid_phones bigint, invalid_emails bigint,
	contacts_outdated boolean,
	events_bound boolean, deals_bound boolean, contracts_bound boolean,
	contact_phones_bound boolean, contact_emails_bound boolean, contact_persons_bound boolean,
	contact_dates_bound boolean,
	settings dormancy.source_settings, weights dormancy.score_weights,
	last_outreach_outcome text, last_outreach_reason text, last_outreach_on date,
	configuration dormancy.configuration,
	OUT contract_state text, OUT dormancy_kind text, OUT evidence text[],
	OUT approach_value double precision, OUT priority_score double precision,
	OUT priority_inputs dormancy.priority_inputs, OUT likely_reason text,
	OUT reason_evidence text[], OUT approach_channel text, OUT message_theme text,
	OUT gaps integer, OUT no_activity boolean, OUT value_percentile double precision,
	OUT value_percentiles double precision[], OUT outreach_declined_reason text,
	OUT days_since_outreach_decline integer)
	RETURNS record
	AS 'MODULE_PATHNAME', 'assess'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
	bigint, integer, double precision, double precision, double precision, double precision, text, text[],
	boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
	double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
	text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
	boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text, date,
	dormancy.configuration) IS
	'internal: the assessment of one customer for customer_status (contract state, dormancy kind, evidence, approach value, priority inputs and score, likely reason, message theme, channel, data gaps as bits, value percentile, and for the breakdown the percentiles of total_amount and expected_value and the decline heard on a call that the deal component reads: one later than the last closed deal, the same decline the reason rules read), under the configuration given';

CREATE FUNCTION dormancy._data_gaps(gaps integer, name_gap text, no_activity boolean)
	RETURNS text[]
	AS 'MODULE_PATHNAME', 'data_gaps'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._data_gaps(integer, text, boolean) IS
	'internal: customer_status.data_gaps from the gap bits of _assess, the name gap (no_name or duplicate_name) and no_activity, in that order';


