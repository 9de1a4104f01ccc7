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
-- query: model columns
SELECT customer_id, frequency, recency_days, age_days, monetary_value, model_id,
	   p_alive, expected_purchases, expected_value
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: priority, reason, approach
SELECT customer_id, priority_score, score_breakdown::text, likely_reason, evidence,
	   approach_channel, message_theme, approach_value, value_percentile, value_tier, data_gaps
  FROM dormancy.customer_status ORDER BY customer_id;
-- query: outreach
SELECT customer_id, contacts, conversations, last_contacted_at, last_channel, last_outcome_on,
	   last_outcome, last_declined_reason
  FROM dormancy.customer_outreach ORDER BY customer_id;
-- query: call list order
SELECT call_order, priority_rank, customer_id, state, priority_score, value_tier FROM dormancy.call_list ORDER BY call_order;
-- query: snapshot
SELECT customer_id, state, priority_score, likely_reason
  FROM dormancy.status_snapshot ORDER BY customer_id;
-- query: segment summary
SELECT state, industry, company_size, segment, customers, declining_customers, total_amount,
	   recent_amount, prior_amount, avg_days_since_last_order, as_of, state_label, segment_label
  FROM dormancy.segment_summary ORDER BY state, industry, company_size, segment;
-- query: holdout validation
SELECT model, segment_kind, segment, bucket, customers, predicted, actual, mean_absolute_error,
	   spend_customers, predicted_spend, actual_spend, spend_mean_absolute_error
  FROM dormancy.validate_models('2026-05-01', '2026-11-01') ORDER BY model, segment_kind, segment, bucket;
