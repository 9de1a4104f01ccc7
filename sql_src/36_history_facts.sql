--
-- The history-derived columns of customer_core in one evaluation
--

-- Internal: what history_summary(), decline_metrics() and btyd_summary(...,
-- '1 day') give, in one call that detoasts and walks the history once.  Not
-- strict in the history (NULL: a customer without orders) nor in
-- min_order_amount (NULL: 0).  IMMUTABLE: the as-of day is an argument (the
-- view passes as_of_day(), the day btyd_summary(h, as_of()) takes).
CREATE FUNCTION dormancy._history_facts(
	history dormancy.purchase_history,
	as_of date,
	min_order_amount double precision,
	window_length interval,
	trend_years integer,
	season_length interval,
	amount_drop_threshold double precision,
	frequency_drop_threshold double precision,
	cadence_slowdown_threshold double precision,
	overdue_threshold double precision,
	season_drop_threshold double precision,
	trend_drop_threshold double precision,
	trend_min_points integer,
	discounted_known boolean,
	-- dormancy.history_summary
	OUT first_order_at date,
	OUT last_order_at date,
	OUT last_qualifying_order_at date,
	OUT orders_count bigint,
	OUT order_days integer,
	OUT total_amount double precision,
	OUT unknown_amount_orders integer,
	OUT refunds integer,
	OUT discounted_days integer,
	-- dormancy.decline_metrics
	OUT mean_gap_days double precision,
	OUT median_gap_days double precision,
	OUT gap_stddev_days double precision,
	OUT overdue_ratio double precision,
	OUT recent_amount double precision,
	OUT prior_amount double precision,
	OUT recent_orders bigint,
	OUT prior_orders bigint,
	OUT amount_change double precision,
	OUT frequency_change double precision,
	OUT amount_trend double precision,
	OUT trend_points integer,
	OUT relative_trend double precision,
	OUT recent_median_gap_days double precision,
	OUT earlier_median_gap_days double precision,
	OUT cadence_change double precision,
	OUT season_amount double precision,
	OUT last_season_amount double precision,
	OUT season_orders bigint,
	OUT last_season_orders bigint,
	OUT same_season_change double precision,
	OUT declining boolean,
	OUT decline_signals text[],
	OUT campaign_only boolean,
	-- dormancy.btyd_summary, in days
	OUT frequency integer,
	OUT recency double precision,
	OUT age double precision,
	OUT monetary_value double precision,
	OUT monetary_days integer)
	RETURNS record
	AS 'MODULE_PATHNAME', 'history_facts'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._history_facts(dormancy.purchase_history, date, double precision, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean) IS
	'internal: the columns of history_summary, decline_metrics and btyd_summary (1 day) of a history in one evaluation, for customer_core';

-- Internal: every derived column of customer_core in one call: those of
-- _history_facts (declining false and decline_signals '{}' where it gives
-- NULL), the state (the rule's thresholds on the last qualifying order, or
-- on the last day covered by a contract when later and use_contract_end),
-- the days since the last and the last qualifying order, the segment, and
-- the price changes the customer lapsed after (the price_changes of the
-- configuration, 09_configuration.sql: prepared once per query per call
-- site; an edit shows in the next query).  min_order_amount is the rule's
-- numeric, converted once per distinct value.  IMMUTABLE: it reads no
-- table, only its arguments.
CREATE FUNCTION dormancy._customer_facts(
	history dormancy.purchase_history,
	as_of date,
	min_order_amount numeric,
	window_length interval,
	trend_years integer,
	season_length interval,
	amount_drop_threshold double precision,
	frequency_drop_threshold double precision,
	cadence_slowdown_threshold double precision,
	overdue_threshold double precision,
	season_drop_threshold double precision,
	trend_drop_threshold double precision,
	trend_min_points integer,
	discounted_known boolean,
	at_risk_after interval,
	dormant_after interval,
	long_dormant_after interval,
	use_contract_end boolean,
	contract_covered_until date,
	categories text[],
	category_last_order_at date[],
	categories_bound boolean,
	configuration dormancy.configuration,
	-- dormancy.history_summary
	OUT first_order_at date,
	OUT last_order_at date,
	OUT last_qualifying_order_at date,
	OUT orders_count bigint,
	OUT order_days integer,
	OUT total_amount double precision,
	OUT unknown_amount_orders integer,
	OUT refunds integer,
	OUT discounted_days integer,
	-- dormancy.decline_metrics
	OUT mean_gap_days double precision,
	OUT median_gap_days double precision,
	OUT gap_stddev_days double precision,
	OUT overdue_ratio double precision,
	OUT recent_amount double precision,
	OUT prior_amount double precision,
	OUT recent_orders bigint,
	OUT prior_orders bigint,
	OUT amount_change double precision,
	OUT frequency_change double precision,
	OUT amount_trend double precision,
	OUT trend_points integer,
	OUT relative_trend double precision,
	OUT recent_median_gap_days double precision,
	OUT earlier_median_gap_days double precision,
	OUT cadence_change double precision,
	OUT season_amount double precision,
	OUT last_season_amount double precision,
	OUT season_orders bigint,
	OUT last_season_orders bigint,
	OUT same_season_change double precision,
	OUT declining boolean,
	OUT decline_signals text[],
	OUT campaign_only boolean,
	-- dormancy.btyd_summary, in days
	OUT frequency integer,
	OUT recency double precision,
	OUT age double precision,
	OUT monetary_value double precision,
	OUT monetary_days integer,
	-- customer_core's own
	OUT state text,
	OUT days_since_last_order integer,
	OUT days_since_last_qualifying_order integer,
	OUT segment text,
	OUT lapsed_after_price_increase boolean,
	OUT price_increase text,
	OUT lapsed_after_spec_change boolean,
	OUT spec_change text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'customer_facts'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean,
	dormancy.configuration) IS
	'internal: every derived column of customer_core in one evaluation (history facts, state, days since, segment, price changes), the price changes those of the configuration given';
