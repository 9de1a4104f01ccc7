-- What the demo prints: bind the sample tables and read the results.
\set ON_ERROR_STOP on
\pset null '(none)'
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') \gset
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted') \gset
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';

\echo
\echo '== customers per state, as of 2026-11-01 (Asia/Tokyo days)'
SELECT state, count(*) AS customers, round(sum(total_amount)::numeric) AS lifetime_amount
  FROM dormancy.customer_status
 GROUP BY state
 ORDER BY array_position(ARRAY['active', 'at_risk', 'dormant', 'long_dormant', 'never_purchased'], state);

\echo '== dormant segments: industry x size, with the thresholds applied'
SELECT coalesce(industry, '(any)') AS industry, coalesce(company_size, '(any)') AS company_size,
	   dormant_after, count(*) AS dormant, round(sum(total_amount)::numeric) AS lifetime_amount,
	   round(avg(days_since_last_qualifying_order)) AS avg_days_silent
  FROM dormancy.customer_status
 WHERE state = 'dormant'
 GROUP BY 1, 2, 3
 ORDER BY dormant DESC, 1, 2
 LIMIT 15;

\echo '== dormant repeat buyers worth a call first (most valuable, most recent)'
SELECT customer_id, name, industry, company_size, last_order_at, days_since_last_order,
	   order_days, round(total_amount::numeric) AS total_amount
  FROM dormancy.customer_status
 WHERE state = 'dormant' AND segment = 'repeat'
 ORDER BY total_amount DESC, customer_id
 LIMIT 10;

\echo '== sliding before dormancy: active or at-risk customers with decline signals (most valuable first)'
SELECT customer_id, name, state, decline_signals,
	   round(recent_amount::numeric) AS recent, round(prior_amount::numeric) AS prior,
	   round(overdue_ratio::numeric, 1) AS overdue_ratio
  FROM dormancy.declining_customers
 LIMIT 10;

\echo '== signals that fired, active and at-risk customers'
SELECT signal, count(*) AS customers
  FROM dormancy.customer_status, unnest(decline_signals) AS signal
 WHERE state IN ('active', 'at_risk')
 GROUP BY signal ORDER BY customers DESC, signal;

\echo '== models: BG/NBD and Gamma-Gamma fitted per industry (weekly units)'
SET client_min_messages = error;	-- segments the model does not fit only warn
SELECT segment_kind, coalesce(segment_value, '(all)') AS segment, (bgnbd).customers,
	   round((bgnbd).r::numeric, 3) AS r, round((bgnbd).alpha::numeric, 2) AS alpha,
	   round((bgnbd).a::numeric, 3) AS a, round((bgnbd).b::numeric, 2) AS b, (bgnbd).converged
  FROM dormancy.fit_models();
RESET client_min_messages;

\echo '== dormant customers most likely still alive, by expected value of the next year'
SELECT customer_id, name, industry, days_since_last_order AS days_silent, order_days,
	   round(p_alive::numeric, 2) AS p_alive, round(expected_purchases::numeric, 2) AS expected_purchases,
	   round(expected_value::numeric) AS expected_value
  FROM dormancy.customer_status
 WHERE state = 'dormant' AND expected_value IS NOT NULL
 ORDER BY expected_value DESC, customer_id
 LIMIT 10;

\echo '== whom to call first: the call list (priority, likely reason, channel, theme)'
SELECT call_order, customer_id, name, state, round(priority_score::numeric, 1) AS score,
	   likely_reason, approach_channel, message_theme
  FROM dormancy.call_list
 LIMIT 10;

\echo '== the call list: its size among all customers, and its mix (value tiers A and B only)'
SELECT count(*) AS listed,
	   round(100.0 * count(*) / (SELECT count(*) FROM dormancy.customer_status), 1) AS pct_of_customers,
	   count(DISTINCT likely_reason) AS reasons, count(DISTINCT approach_channel) AS channels,
	   count(*) FILTER (WHERE value_tier = 'A') AS tier_a, count(*) FILTER (WHERE value_tier = 'B') AS tier_b
  FROM dormancy.call_list;

\echo '== data gaps: what is missing before calling (customers per gap)'
SELECT dormancy.bind_contacts('demo.contacts', customer => 'account_id', phone => 'phone', email => 'email',
							  person => 'contact_name', updated_at => 'updated_on') \gset
SELECT gap, count(*) AS customers,
	   count(*) FILTER (WHERE c.likely_reason IS NOT NULL) AS lapsing
  FROM dormancy.customer_status c, unnest(c.data_gaps) gap
 GROUP BY gap
 ORDER BY customers DESC, gap;

\echo '== data issues found in the bound tables'
SELECT issue, count(*) AS customers, sum(rows) AS rows
  FROM dormancy.data_issues
 GROUP BY issue
 ORDER BY issue;

\echo '== indexes the bound tables lack: for lookups of one customer, and one that covers the orders (faster histories)'
SELECT source, table_name, coalesce(create_index, '(indexed)') AS for_lookups,
	   coalesce(create_covering_index, CASE WHEN covered THEN '(covered)' END, '') AS covering_the_orders
  FROM dormancy.customer_column_indexes
 ORDER BY source, table_name::text;

\echo '== suggested rules from the customers'' own purchase rhythm, beside the rules in force (per industry; dormancy.suggest_rules())'
SELECT coalesce(industry, '(all)') AS industry, customers, repeat_gaps, based_on,
	   round(never_return_share::numeric, 2) AS never_return, median_gap_days,
	   at_risk_after, dormant_after, long_dormant_after,
	   round(return_chance_at_dormant::numeric, 2) AS still_returns, round(p_alive_at_dormant::numeric, 2) AS p_alive,
	   rule_at_risk_after, rule_dormant_after, rule_long_dormant_after
  FROM dormancy.suggest_rules()
 WHERE level <> 'industry_size'
 ORDER BY industry IS NULL, industry;
\echo '== how far to trust the forecasts: fitted on the orders up to 2025-10-31, purchase days of the year after it'
\echo '   (all customers, by repeat purchase days before 2025-10-31; mae: mean absolute error per customer)'
SET client_min_messages = error;	-- segments the model does not fit only warn
SELECT bucket AS repeat_days_before, customers, round(predicted::numeric) AS predicted, actual,
	   round(mean_absolute_error::numeric, 2) AS mae,
	   round(predicted_spend::numeric) AS predicted_spend, round(actual_spend::numeric) AS actual_spend
  FROM dormancy.validate_models('2025-10-31', '2026-10-31')
 WHERE segment_kind = 'all'
 ORDER BY bucket COLLATE "C";
RESET client_min_messages;
SELECT segment_kind, coalesce(segment, '(all)') AS segment, customers, round(predicted::numeric) AS predicted, actual,
	   round(mean_absolute_error::numeric, 2) AS mae, (bgnbd).converged
  FROM dormancy.latest_validation
 WHERE bucket = 'all'
 ORDER BY segment_kind <> 'all', segment COLLATE "C";
