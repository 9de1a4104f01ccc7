-- The answers a scale-out run must give exactly as a single node does, on
-- the same data (test/integration/citus.sh, fdw_shards.sh): settings first,
-- then one query per '-- query:' line, each ordered to unique rows.
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
SET extra_float_digits = 3;
-- query: state and days
SELECT customer_id, state, last_order_at, days_since_last_order, last_qualifying_order_at,
	   first_order_at, orders_count, order_days, total_amount, unknown_amount_orders, refunds,
	   segment, rule_id
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: decline
SELECT customer_id, mean_gap_days, median_gap_days, gap_stddev_days, overdue_ratio,
	   recent_amount, prior_amount, recent_orders, prior_orders, amount_change, frequency_change,
	   amount_trend, trend_points, cadence_change, season_amount, last_season_amount,
	   same_season_change, declining, decline_signals
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: models
SELECT model_id, segment_kind, segment_value, as_of, time_unit, bgnbd::text, gammagamma::text
  FROM dormancy.models ORDER BY model_id;
-- query: models' uncertainty and choice
SELECT model_id, paretonbd::text, model, model_reason, bgnbd_covariance::text, gammagamma_covariance::text,
	   paretonbd_covariance::text, bgnbd_std_errors::text, gammagamma_std_errors::text
  FROM dormancy.models ORDER BY model_id;
-- query: value distribution
SELECT measure, quantiles::text, customers, as_of FROM dormancy.value_distribution ORDER BY measure;
-- query: model columns
SELECT customer_id, frequency, recency_days, age_days, monetary_value, model_id,
	   p_alive, expected_purchases, expected_value
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: priority, reason, approach
SELECT customer_id, priority_score, score_breakdown::text, likely_reason, evidence,
	   approach_channel, message_theme, approach_value, value_percentile, value_tier, data_gaps
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: every column of customer_status (the optional sources' among them)
SELECT * FROM dormancy.customer_status ORDER BY customer_id;
-- query: data issues
SELECT issue, customer_id, rows, amount, detail FROM dormancy.data_issues ORDER BY issue, customer_id, detail;
-- query: forecast intervals
SELECT * FROM dormancy.forecast_intervals ORDER BY customer_id;
-- query: outreach
SELECT customer_id, contacts, conversations, last_contacted_at, last_channel, last_outcome_on,
	   last_outcome, last_declined_reason, opted_out_on, last_contacted_on, recontact_on
  FROM dormancy.customer_outreach ORDER BY customer_id;
-- query: campaign outcomes
SELECT campaign_id, customer_id, is_control, stratum, score_band, state, likely_reason, channel, theme,
	   priority_score, p_alive, start_day, window_end, window_ended, contacted, contacts, reached,
	   first_contact_on, purchase_days, reactivated, first_purchase_on, revenue, reactivated_after_contact
  FROM dormancy.campaign_outcomes ORDER BY campaign_id, customer_id;
-- query: campaign effect
SELECT campaign_id, level, channel, theme, likely_reason, treated, controls, contacted, controls_contacted,
	   treated_reactivated, control_reactivated, treated_rate, control_rate, rate_difference,
	   rate_difference_lower, rate_difference_upper, number_needed, contacted_reactivated,
	   treated_revenue_per_member, control_revenue_per_member, revenue_difference,
	   revenue_difference_lower, revenue_difference_upper
  FROM dormancy.campaign_effect ORDER BY campaign_id, level, channel, theme, likely_reason;
-- query: campaign transitions
SELECT campaign_id, customer_id, is_control, from_state, to_state, recorded_as_of, days_from_contact, days_from_start
  FROM dormancy.campaign_transitions ORDER BY campaign_id, customer_id, recorded_as_of, from_state, to_state;
-- query: campaign score calibration
SELECT campaign_id, score_band, band_from, window_ended, mean_score, mean_p_alive, treated, controls,
	   treated_reactivated, control_reactivated, rate_difference
  FROM dormancy.campaign_score_calibration ORDER BY campaign_id, score_band;
-- query: measured approaches
SELECT likely_reason, measured_channel, channel_lift, channel_treated, channel_controls, current_channel,
	   measured_theme, theme_lift, theme_treated, theme_controls, current_theme, adopt_channel, adopt_theme
  FROM dormancy.measured_approaches ORDER BY likely_reason;
-- query: category trend
SELECT customer_id, category, recent_amount, prior_amount, recent_orders, prior_orders, amount_change,
	   frequency_change, stopped, declining, last_order_at, as_of
  FROM dormancy.category_trend ORDER BY customer_id, category;
-- query: campaign list
SELECT campaign_id, call_order, customer_id, name, phone, email, person, state, likely_reason, channel,
	   theme, priority_score, contacts, last_contacted_at, last_outcome
  FROM dormancy.campaign_list ORDER BY campaign_id, call_order;
-- query: source issues
SELECT source, issue, customer_id, value, rows FROM dormancy.source_issues ORDER BY source, issue, customer_id, value;
-- query: unmatched labels
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY vocabulary, label;
-- query: call list order
SELECT call_order, priority_rank, customer_id, state, priority_score, value_tier FROM dormancy.call_list ORDER BY call_order;
-- query: snapshot
SELECT customer_id, customer_key, state, priority_score, priority_rank, likely_reason
  FROM dormancy.status_snapshot ORDER BY customer_id;
-- query: last state of each customer in the state history
SELECT DISTINCT ON (customer_id) customer_id, change, from_state, to_state, as_of
  FROM dormancy.status_history ORDER BY customer_id, history_id DESC;
-- query: segment summary
SELECT state, industry, company_size, segment, customers, declining_customers, total_amount,
	   recent_amount, prior_amount, avg_days_since_last_order, as_of, state_label, segment_label
  FROM dormancy.segment_summary ORDER BY state, industry, company_size, segment;
-- query: holdout validation
SELECT model, segment_kind, segment, bucket, customers, predicted, actual, mean_absolute_error,
	   spend_customers, predicted_spend, actual_spend, spend_mean_absolute_error
  FROM dormancy.validate_models('2026-05-01', '2026-11-01') ORDER BY model, segment_kind, segment, bucket;
-- query: holdout validation tracking
-- (the run of this transaction: each query's is rolled back)
SELECT count(*) FROM dormancy.validate_models('2026-05-01', '2026-11-01');
SELECT segment_kind, segment, period, period_end, holdout, customers, predicted, actual
  FROM dormancy.model_validation_tracking
 WHERE validation_id = (SELECT max(validation_id) FROM dormancy.model_validations)
 ORDER BY segment_kind, segment, period;
-- query: suggested rules (the Kaplan-Meier curves of the silences)
SELECT level, industry, company_size, customers, repeat_gaps, based_on, never_return_share,
	   median_gap_days, at_risk_after, dormant_after, long_dormant_after,
	   return_chance_at_dormant, p_alive_at_dormant, rule_id, curve::text
  FROM dormancy.suggest_rules() ORDER BY level, industry, company_size;
-- query: return curve of all customers
SELECT days, silences, returns, open_silences, still_silent, returned_share, return_chance
  FROM dormancy.return_curve() ORDER BY days;
