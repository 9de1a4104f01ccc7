-- The plain-SQL reference for the decline metrics (docs/decline.md), written
-- with GROUP BY, FILTER, lag(), percentile_cont, stddev_samp and regr_slope,
-- no dormancy functions.  Included by sql/decline.sql and sql/decline_status.sql.
-- Reads:   ref_orders(c, ordered_at date, amount float8, discounted bool)
--          params(p int, as_of date, w interval, n int, s interval)
-- Writes:  TEMP TABLE want, one row per (p, c), with the default thresholds.
CREATE TEMP TABLE want AS
WITH bounds AS (
	SELECT p, as_of,
		   (as_of - w)::date AS recent_start,
		   (as_of - 2 * w)::date AS prior_start,
		   (as_of - make_interval(years => n))::date AS trend_start,
		   (as_of - s)::date AS season_start,
		   (as_of - interval '1 year')::date AS ly_end,
		   (as_of - interval '1 year' - s)::date AS ly_start
	  FROM params),
days AS (
	SELECT c, ordered_at AS day, sum(amount) AS net, count(amount) AS known,
		   count(*) FILTER (WHERE amount IS NULL OR amount >= 0) AS orders,
		   count(*) FILTER (WHERE amount IS NULL) AS unknown,
		   bool_or(discounted AND (amount IS NULL OR amount >= 0)) AS disc
	  FROM ref_orders GROUP BY c, ordered_at),
pd AS (
	SELECT b.*, d.c, d.day, coalesce(d.net, 0) AS net, d.orders, d.unknown, d.disc,
		   CASE WHEN d.known = 0 THEN true ELSE d.net > 0 END AS purchase
	  FROM bounds b JOIN days d ON d.day <= b.as_of),
gaps AS (
	SELECT pd.*, day - lag(day) OVER (PARTITION BY p, c ORDER BY day) AS gap
	  FROM pd WHERE purchase),
g AS (
	SELECT p, c, max(day) AS last_day,
		   avg(gap)::float8 AS mean_gap_days,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap_days,
		   stddev_samp(gap)::float8 AS gap_stddev_days,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE day > recent_start) AS recent_median_gap_days,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE day <= recent_start) AS earlier_median_gap_days,
		   regr_slope(net, (day - date '2000-01-01')::float8 / 365.25)
			   FILTER (WHERE unknown = 0 AND day > trend_start) AS amount_trend,
		   regr_count(net, (day - date '2000-01-01')::float8 / 365.25)
			   FILTER (WHERE unknown = 0 AND day > trend_start) AS trend_points,
		   avg(net) FILTER (WHERE unknown = 0 AND day > trend_start) AS trend_mean,
		   bool_and(disc) AS all_disc
	  FROM gaps GROUP BY p, c),
w AS (
	SELECT p, c,
		   coalesce(sum(net) FILTER (WHERE day > recent_start), 0) AS recent_amount,
		   coalesce(sum(net) FILTER (WHERE day > prior_start AND day <= recent_start), 0) AS prior_amount,
		   coalesce(sum(orders) FILTER (WHERE purchase AND day > recent_start), 0) AS recent_orders,
		   coalesce(sum(orders) FILTER (WHERE purchase AND day > prior_start AND day <= recent_start), 0) AS prior_orders,
		   coalesce(sum(net) FILTER (WHERE day > season_start), 0) AS season_amount,
		   coalesce(sum(net) FILTER (WHERE day > ly_start AND day <= ly_end), 0) AS last_season_amount,
		   coalesce(sum(orders) FILTER (WHERE purchase AND day > season_start), 0) AS season_orders,
		   coalesce(sum(orders) FILTER (WHERE purchase AND day > ly_start AND day <= ly_end), 0) AS last_season_orders
	  FROM pd GROUP BY p, c),
r AS (
	SELECT b.p, b.as_of, h.c,
		   g.mean_gap_days, g.median_gap_days, g.gap_stddev_days,
		   (b.as_of - g.last_day)::float8 / g.median_gap_days AS overdue_ratio,
		   coalesce(w.recent_amount, 0) AS recent_amount, coalesce(w.prior_amount, 0) AS prior_amount,
		   coalesce(w.recent_orders, 0) AS recent_orders, coalesce(w.prior_orders, 0) AS prior_orders,
		   CASE WHEN w.prior_amount > 0 THEN w.recent_amount / w.prior_amount - 1 END AS amount_change,
		   CASE WHEN w.prior_orders > 0 THEN w.recent_orders::float8 / w.prior_orders - 1 END AS frequency_change,
		   g.amount_trend, coalesce(g.trend_points, 0) AS trend_points,
		   g.amount_trend / g.trend_mean AS relative_trend,
		   g.recent_median_gap_days, g.earlier_median_gap_days,
		   g.recent_median_gap_days / g.earlier_median_gap_days - 1 AS cadence_change,
		   coalesce(w.season_amount, 0) AS season_amount, coalesce(w.last_season_amount, 0) AS last_season_amount,
		   coalesce(w.season_orders, 0) AS season_orders, coalesce(w.last_season_orders, 0) AS last_season_orders,
		   CASE WHEN w.last_season_amount > 0 THEN w.season_amount / w.last_season_amount - 1 END AS same_season_change,
		   coalesce(g.all_disc, false) AS campaign_only
	  FROM bounds b CROSS JOIN (SELECT DISTINCT c FROM ref_orders) h
	  LEFT JOIN g ON g.p = b.p AND g.c = h.c
	  LEFT JOIN w ON w.p = b.p AND w.c = h.c)
SELECT r.*,
	   array_remove(ARRAY[
		   CASE WHEN amount_change <= -0.3 THEN 'amount_drop' END,
		   CASE WHEN frequency_change <= -0.3 THEN 'frequency_drop' END,
		   CASE WHEN cadence_change >= 0.5 THEN 'cadence_slowdown' END,
		   CASE WHEN overdue_ratio >= 2.0 THEN 'overdue' END,
		   CASE WHEN same_season_change <= -0.3 THEN 'season_drop' END,
		   CASE WHEN trend_points >= 4 AND amount_trend < 0 AND relative_trend <= -0.1
				THEN 'negative_trend' END], NULL) AS decline_signals
  FROM r;

