-- One C evaluation of the history-derived columns (issue 11):
-- dormancy._history_facts() against the three functions it replaces in
-- customer_core (history_summary, decline_metrics, btyd_summary), customer
-- by customer on the demo data, at several as-of days, with and without a
-- minimum order amount; customer_core against its previous definition; and
-- an edit of the decline settings showing in the next query.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
\set SHOW_CONTEXT never
\set customers 1500
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
-- a large-order rule, so that the last qualifying order differs from the last order
UPDATE dormancy.rules SET min_order_amount = 5000 WHERE industry = 'manufacturing';

-- Every customer (with or without orders): the one call against the three.
-- Rows: customers; differ: customers whose columns are not all the same
-- (IS NOT DISTINCT FROM, column by column, NULLs included).
CREATE FUNCTION demo.facts_mismatches(min_amount float8, discounted_known boolean)
	RETURNS TABLE (customers bigint, without_orders bigint, without_btyd bigint,
				   with_qualifying_before_last bigint, differ bigint)
	LANGUAGE sql AS $$
SELECT count(*),
	   count(*) FILTER (WHERE h.history IS NULL),
	   count(*) FILTER (WHERE h.history IS NOT NULL AND bs.frequency IS NULL),
	   count(*) FILTER (WHERE s.last_qualifying_order_at < s.last_order_at),
	   count(*) FILTER (WHERE
		   (f.first_order_at, f.last_order_at, f.last_qualifying_order_at, f.orders_count,
			f.order_days, f.total_amount, f.unknown_amount_orders, f.refunds, f.discounted_days)
		   IS DISTINCT FROM
		   (s.first_order_at, s.last_order_at, s.last_qualifying_order_at, s.orders_count,
			s.order_days, s.total_amount, s.unknown_amount_orders, s.refunds, s.discounted_days)
		OR (f.mean_gap_days, f.median_gap_days, f.gap_stddev_days, f.overdue_ratio,
			f.recent_amount, f.prior_amount, f.recent_orders, f.prior_orders, f.amount_change,
			f.frequency_change, f.amount_trend, f.trend_points, f.relative_trend,
			f.recent_median_gap_days, f.earlier_median_gap_days, f.cadence_change,
			f.season_amount, f.last_season_amount, f.season_orders, f.last_season_orders,
			f.same_season_change, f.declining, f.decline_signals, f.campaign_only)
		   IS DISTINCT FROM
		   (dm.mean_gap_days, dm.median_gap_days, dm.gap_stddev_days, dm.overdue_ratio,
			dm.recent_amount, dm.prior_amount, dm.recent_orders, dm.prior_orders, dm.amount_change,
			dm.frequency_change, dm.amount_trend, dm.trend_points, dm.relative_trend,
			dm.recent_median_gap_days, dm.earlier_median_gap_days, dm.cadence_change,
			dm.season_amount, dm.last_season_amount, dm.season_orders, dm.last_season_orders,
			dm.same_season_change, dm.declining, dm.decline_signals, dm.campaign_only)
		OR (f.frequency, f.recency, f.age, f.monetary_value, f.monetary_days)
		   IS DISTINCT FROM (bs.frequency, bs.recency, bs.age, bs.monetary_value, bs.monetary_days))
  FROM dormancy.src_customers c
  LEFT JOIN dormancy.customer_histories h USING (customer_id)
 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
 CROSS JOIN dormancy.decline_settings_in_force() ds
 CROSS JOIN LATERAL dormancy._history_facts(h.history, a.day, min_amount,
		ds.window_length, ds.trend_years, ds.season_length,
		ds.amount_drop_threshold, ds.frequency_drop_threshold,
		ds.cadence_slowdown_threshold, ds.overdue_threshold,
		ds.season_drop_threshold, ds.trend_drop_threshold,
		ds.trend_min_points, discounted_known) f
 CROSS JOIN LATERAL dormancy.history_summary(h.history, a.day, min_amount) s
  LEFT JOIN LATERAL dormancy.decline_metrics(h.history, a.day, ds, discounted_known) dm ON true
  LEFT JOIN LATERAL dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') bs ON true
$$;

SET dormancy.as_of = '2026-11-01';
SELECT * FROM demo.facts_mismatches(0, true);
SELECT * FROM demo.facts_mismatches(5000, true);
SELECT * FROM demo.facts_mismatches(NULL, false);
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT * FROM demo.facts_mismatches(1000, true);
SET dormancy.as_of = '2024-02-29';
SELECT * FROM demo.facts_mismatches(5000, false);
RESET dormancy.time_zone;
SET dormancy.as_of = '2022-06-30';
SELECT * FROM demo.facts_mismatches(0, true);
-- before the first order: no purchase day anywhere
SET dormancy.as_of = '2010-01-01';
SELECT * FROM demo.facts_mismatches(0, true);

-- as-of day and settings changing from row to row in one query (the
-- boundaries kept between calls follow them)
SELECT count(*) AS evaluations,
	   count(*) FILTER (WHERE (f.recent_amount, f.prior_amount, f.amount_change, f.season_amount,
							   f.last_season_amount, f.trend_points, f.decline_signals, f.overdue_ratio)
						IS DISTINCT FROM
						(dm.recent_amount, dm.prior_amount, dm.amount_change, dm.season_amount,
						 dm.last_season_amount, dm.trend_points, dm.decline_signals, dm.overdue_ratio)) AS differ
  FROM (SELECT h.history FROM dormancy.customer_histories h ORDER BY h.customer_id LIMIT 200) h
 CROSS JOIN generate_series(date '2020-02-29', date '2026-11-01', interval '5 months') AS d(day)
 CROSS JOIN (VALUES (interval '12 months', 3, 1.5::float8), (interval '90 days', 1, 3), (interval '6 months', 2, 1)) AS v(w, y, o)
 CROSS JOIN dormancy.decline_settings_in_force() ds
 CROSS JOIN LATERAL dormancy._history_facts(h.history, d.day::date, 0, v.w, v.y, ds.season_length,
		ds.amount_drop_threshold, ds.frequency_drop_threshold, ds.cadence_slowdown_threshold, v.o,
		ds.season_drop_threshold, ds.trend_drop_threshold, ds.trend_min_points, true) f
 CROSS JOIN LATERAL dormancy.decline_metrics(h.history, d.day::date, v.w, v.y, ds.season_length,
		ds.amount_drop_threshold, ds.frequency_drop_threshold, ds.cadence_slowdown_threshold, v.o,
		ds.season_drop_threshold, ds.trend_drop_threshold, ds.trend_min_points, true) dm;

-- a customer without orders: the summary's zero counts, everything else NULL
SELECT f.* FROM dormancy._history_facts(NULL, '2026-11-01', NULL, '12 months', 3, '3 months',
	0.3, 0.3, 0.5, 2, 0.3, 0.1, 4, true) f;
-- a NULL as-of day gives NULL
SELECT f IS NULL AS is_null FROM dormancy._history_facts('{}', NULL, 0, '12 months', 3, '3 months',
	0.3, 0.3, 0.5, 2, 0.3, 0.1, 4, true) f;
-- settings are checked as decline_metrics checks them, for a customer with a history
SELECT f.order_days FROM dormancy._history_facts('{}', '2026-11-01', 0, '1 hour', 3, '3 months',
	0.3, 0.3, 0.5, 2, 0.3, 0.1, 4, true) f;
SELECT f.order_days FROM dormancy._history_facts('{}', '2026-11-01', 0, '12 months', 3, '3 months',
	0.3, 0.3, 0.5, 0.5, 0.3, 0.1, 4, true) f;
SELECT f.order_days FROM dormancy._history_facts('{}', '2026-11-01', 0, '12 months', NULL, '3 months',
	0.3, 0.3, 0.5, 2, 0.3, 0.1, 4, true) f;
SELECT f.order_days FROM dormancy._history_facts('{}', 'infinity', 0, '12 months', 3, '3 months',
	0.3, 0.3, 0.5, 2, 0.3, 0.1, 4, true) f;

-- customer_core against its previous definition (three calls per customer),
-- every column of every customer, at three as-of days
CREATE VIEW demo.previous_core AS
WITH as_of AS (
	SELECT dormancy.as_of_day() AS day
), segment_rules AS (
	SELECT s.industry_key, s.size_key,
		   dormancy.rule_for(s.industry_key, s.size_key) AS rule
	  FROM (SELECT DISTINCT coalesce(c.industry, '') AS industry_key,
						   coalesce(c.company_size, '') AS size_key
			  FROM dormancy.src_customers c) s
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   -- for rules with use_contract_end (IT services: a lapsed licence is
	   -- dormancy), the last day covered by a contract counts like a purchase
	   dormancy.dormancy_state(CASE WHEN (r.rule).use_contract_end AND con.last_covered_day IS NOT NULL
									THEN greatest(s.last_qualifying_order_at, con.last_covered_day)
									ELSE s.last_qualifying_order_at END,
							   a.day, (r.rule).at_risk_after, (r.rule).dormant_after,
							   (r.rule).long_dormant_after) AS state,
	   s.last_order_at,
	   a.day - s.last_order_at AS days_since_last_order,
	   s.last_qualifying_order_at,
	   a.day - s.last_qualifying_order_at AS days_since_last_qualifying_order,
	   s.first_order_at,
	   s.orders_count,
	   s.order_days,
	   s.total_amount,
	   s.unknown_amount_orders,
	   s.refunds,
	   CASE WHEN dm.campaign_only THEN 'campaign_only'
			WHEN s.order_days = 1 THEN 'one_time'
			WHEN s.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of,
	   dm.mean_gap_days,
	   dm.median_gap_days,
	   dm.gap_stddev_days,
	   dm.overdue_ratio,
	   dm.recent_amount,
	   dm.prior_amount,
	   dm.recent_orders,
	   dm.prior_orders,
	   dm.amount_change,
	   dm.frequency_change,
	   dm.amount_trend,
	   dm.trend_points,
	   dm.relative_trend,
	   dm.recent_median_gap_days,
	   dm.earlier_median_gap_days,
	   dm.cadence_change,
	   dm.season_amount,
	   dm.last_season_amount,
	   dm.season_orders,
	   dm.last_season_orders,
	   dm.same_season_change,
	   coalesce(dm.declining, false) AS declining,
	   coalesce(dm.decline_signals, '{}') AS decline_signals,
	   coalesce(pc.lapsed_after_price_increase, false) AS lapsed_after_price_increase,
	   pc.price_increase,
	   coalesce(pc.lapsed_after_spec_change, false) AS lapsed_after_spec_change,
	   pc.spec_change,
	   bs.frequency,
	   bs.recency * 1.0 AS recency_days,
	   bs.age * 1.0 AS age_days,
	   bs.monetary_value,
	   bs.monetary_days,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days,
	   c.owner,
	   c.company_id
  FROM dormancy.src_customers c
 CROSS JOIN as_of a
 CROSS JOIN dormancy.decline_settings_in_force() ds
  LEFT JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  LEFT JOIN segment_rules r
		 ON r.industry_key = coalesce(c.industry, '')
		AND r.size_key = coalesce(c.company_size, '')
 CROSS JOIN LATERAL dormancy.history_summary(h.history, a.day,
											 (r.rule).min_order_amount::pg_catalog.float8) s
 CROSS JOIN LATERAL dormancy.decline_metrics(h.history, a.day, ds, true) dm
  LEFT JOIN LATERAL dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') bs ON true
  LEFT JOIN LATERAL (
	-- a change the customer lapsed after: its last purchase (in the change's
	-- category when categories are bound) came before the change, while the
	-- customer was not yet dormant, and nothing was bought since
	SELECT pg_catalog.bool_or(x.kind = 'price_increase') AS lapsed_after_price_increase,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'price_increase'))[1] AS price_increase,
		   pg_catalog.bool_or(x.kind = 'spec_change') AS lapsed_after_spec_change,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'spec_change'))[1] AS spec_change
	  FROM (SELECT p.kind, p.changed_at,
				   concat_ws(' ', p.changed_at::pg_catalog.text, coalesce(p.category, 'all categories'),
							 CASE WHEN p.change_pct IS NOT NULL
								  THEN CASE WHEN p.change_pct > 0 THEN '+' ELSE '' END || pg_catalog.trim_scale(p.change_pct)::pg_catalog.text || '%' END,
							 p.note) AS label,
				   CASE WHEN p.category IS NULL OR NOT true THEN s.last_order_at
						ELSE (SELECT cl.last_day
								FROM unnest(h.categories, h.category_last_order_at) AS cl(category, last_day)
							   WHERE cl.category = p.category) END AS last_day
			  FROM dormancy.price_changes p
			 WHERE p.changed_at <= a.day) x
	 WHERE x.last_day < x.changed_at
	   AND x.last_day + (r.rule).dormant_after > x.changed_at
  ) pc ON true
 WHERE c.customer_id IS NOT NULL
;
CREATE FUNCTION demo.core_mismatches() RETURNS TABLE (customers bigint, differ bigint)
	LANGUAGE sql AS $$
SELECT count(*), count(*) FILTER (WHERE n IS NULL OR p IS NULL OR n::text IS DISTINCT FROM p::text)
  FROM (SELECT n.customer_id, n FROM dormancy.customer_core n) n
  FULL JOIN (SELECT p.customer_id, p FROM demo.previous_core p) p USING (customer_id)
$$;
SELECT (SELECT array_agg(format('%s %s', attname, format_type(atttypid, atttypmod)) ORDER BY attnum)
		  FROM pg_attribute WHERE attrelid = 'dormancy.customer_core'::regclass AND attnum > 0)
	 = (SELECT array_agg(format('%s %s', attname, format_type(atttypid, atttypmod)) ORDER BY attnum)
		  FROM pg_attribute WHERE attrelid = 'demo.previous_core'::regclass AND attnum > 0) AS same_columns;
SET dormancy.as_of = '2026-11-01';
SELECT * FROM demo.core_mismatches();
SET dormancy.as_of = '2024-02-29';
SELECT * FROM demo.core_mismatches();
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2025-12-31';
SELECT * FROM demo.core_mismatches();
RESET dormancy.time_zone;

-- the comparison is not vacuous: every state, segment and signal occurs,
-- and one changed setting on one side shows
SET dormancy.as_of = '2026-11-01';
SELECT state, count(*) > 10 AS many FROM dormancy.customer_core GROUP BY state ORDER BY state;
SELECT segment, count(*) > 10 AS many FROM dormancy.customer_core GROUP BY segment ORDER BY segment;
SELECT sig, count(*) > 10 AS many FROM dormancy.customer_core, unnest(decline_signals) sig GROUP BY sig ORDER BY sig;
SELECT count(*) FILTER (WHERE frequency IS NULL AND order_days > 0) AS btyd_missing,
	   count(*) FILTER (WHERE frequency = order_days - 1) AS btyd_frequency_follows
  FROM dormancy.customer_core WHERE order_days > 0;

-- An edit of the decline settings shows in the next query, also in a
-- prepared statement run again (nothing is cached beyond one query).
PREPARE overdue_count AS SELECT count(*) FROM dormancy.customer_core WHERE 'overdue' = ANY (decline_signals);
CREATE TEMP TABLE counts AS
SELECT 'before' AS step, (SELECT count(*) FROM dormancy.customer_core WHERE 'overdue' = ANY (decline_signals)) AS n;
EXECUTE overdue_count;
INSERT INTO dormancy.decline_settings (overdue_threshold) VALUES (10);
INSERT INTO counts SELECT 'after', count(*) FROM dormancy.customer_core WHERE 'overdue' = ANY (decline_signals);
SELECT (SELECT n FROM counts WHERE step = 'after') < (SELECT n FROM counts WHERE step = 'before') AS fewer_overdue;
EXECUTE overdue_count;
-- and the new settings are those of decline_metrics with the settings in force
SELECT * FROM demo.core_mismatches();
SELECT * FROM demo.facts_mismatches(5000, true);
UPDATE dormancy.decline_settings SET overdue_threshold = 2, window_length = '6 months';
EXECUTE overdue_count;
SELECT * FROM demo.core_mismatches();
DELETE FROM dormancy.decline_settings;
EXECUTE overdue_count;
SELECT * FROM demo.core_mismatches();

DROP VIEW demo.previous_core;
UPDATE dormancy.rules SET min_order_amount = 0 WHERE industry = 'manufacturing';
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA demo CASCADE;
