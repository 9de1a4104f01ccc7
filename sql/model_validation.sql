-- Holdout validation (validate_models) on the CDNOW sample
-- (test/data/CDNOW_sample.txt, 2,357 customers), calibration to 1997-09-30,
-- holdout to 1998-06-30 (39 weeks), weekly units, as in Fader, Hardie & Lee
-- (2005).  The actual numbers are recomputed here by plain SQL from the raw
-- transactions; the predictions by the BG/NBD and Gamma-Gamma closed forms
-- written out in SQL (the Gaussian hypergeometric series summed term by
-- term), from the run's fitted parameters (to 1e-9) and from the published
-- ones (r = 0.243, alpha = 4.414, a = 0.793, b = 2.426).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA mv;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE mv.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
-- The published summary counts a day of $0.00 lines as a purchase day;
-- bound as an amount of 0 it would be none (a day whose net is not positive
-- is no purchase), so the $0.00 lines are bound as unknown amounts: such a
-- day is a purchase day, left out of the spend means.
CREATE VIEW mv.orders AS SELECT id, day, nullif(dollars, 0) AS dollars FROM mv.cdnow;
SELECT dormancy.bind_orders('mv.orders', customer => 'id', ordered_at => 'day', amount => 'dollars');
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');

CREATE TEMP TABLE run AS
SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30', '7 days');
SELECT segment_kind, segment, bucket, customers, round(predicted::numeric, 2) AS predicted, actual,
	   round(mean_absolute_error::numeric, 4) AS mae, spend_customers,
	   round(predicted_spend::numeric, 2) AS predicted_spend, round(actual_spend::numeric, 2) AS actual_spend,
	   round(spend_mean_absolute_error::numeric, 2) AS spend_mae
  FROM run ORDER BY bucket COLLATE "C";

-- the fit on the calibration period is the published one to 3 decimals
SELECT round((bgnbd).r::numeric, 3) AS r, round((bgnbd).alpha::numeric, 3) AS alpha,
	   round((bgnbd).a::numeric, 3) AS a, round((bgnbd).b::numeric, 3) AS b,
	   round((bgnbd).log_likelihood::numeric, 1) AS log_likelihood, (bgnbd).customers, (bgnbd).converged,
	   (gammagamma).customers AS gg_customers, (gammagamma).converged AS gg_converged
  FROM dormancy.latest_validation WHERE bucket = 'all';

--
-- (a) the actual numbers from the raw transactions: a purchase day is a day
-- with a line; calibration frequency = purchase days up to 1997-09-30 - 1
--
CREATE TEMP TABLE ref_days AS
SELECT id, day, sum(dollars) AS dollars, bool_and(dollars > 0) AS known, min(day) OVER (PARTITION BY id) AS first_day
  FROM mv.cdnow GROUP BY id, day;
CREATE TEMP TABLE ref_customers AS
SELECT id,
	   count(*) FILTER (WHERE day <= '1997-09-30') - 1 AS x,
	   (max(day) FILTER (WHERE day <= '1997-09-30') - min(day)) / 7.0 AS t_x,
	   (date '1997-09-30' - min(day)) / 7.0 AS t_cal,
	   min(day) AS first_day,
	   avg(dollars) FILTER (WHERE day <= '1997-09-30' AND day > first_day AND known) AS zbar,
	   count(*) FILTER (WHERE day > '1997-09-30' AND day <= '1998-06-30') AS holdout_days,
	   avg(dollars) FILTER (WHERE day > '1997-09-30' AND day <= '1998-06-30' AND known) AS holdout_spend
  FROM ref_days r
 GROUP BY id
HAVING min(day) <= '1997-09-30';
CREATE TEMP TABLE ref_buckets AS
SELECT CASE WHEN grouping(b) = 1 THEN 'all' ELSE b END AS bucket, count(*) AS customers,
	   sum(holdout_days) AS actual, count(holdout_spend) AS spend_customers
  FROM (SELECT CASE WHEN x >= 7 THEN '7+' ELSE x::text END AS b, holdout_days, holdout_spend FROM ref_customers) s
 GROUP BY ROLLUP (b);
SELECT r.bucket, r.customers, r.actual, r.spend_customers,
	   r.customers = v.customers AND r.actual = v.actual AND r.spend_customers = v.spend_customers AS same
  FROM ref_buckets r FULL JOIN run v USING (bucket) ORDER BY bucket COLLATE "C";
-- the actual holdout spend: the mean of each customer's mean per known day
SELECT count(*) FILTER (WHERE abs(v.actual_spend - r.actual_spend) > 1e-9) AS spend_mismatches
  FROM run v
  JOIN (SELECT CASE WHEN grouping(b) = 1 THEN 'all' ELSE b END AS bucket, avg(holdout_spend) AS actual_spend
		  FROM (SELECT CASE WHEN x >= 7 THEN '7+' ELSE x::text END AS b, holdout_spend FROM ref_customers) s
		 GROUP BY ROLLUP (b)) r USING (bucket);

--
-- (b) the predictions by the closed forms, in SQL:
--   E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
--       * (1 - ((alpha + T) / (alpha + T + t))^(r + x) * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)))
--       / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))
--   E[X(t)] (a new customer) = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t))^r * 2F1(r, b; a + b - 1; t / (alpha + t)))
-- with 2F1(a, b; c; z) = sum over n >= 0 of prod_{k=1..n} (a + k - 1)(b + k - 1) / ((c + k - 1) k) z,
-- summed to n = 300 for the conditional expectations (z < 0.56 here) and
-- n = 600 for the new customers' (z < 0.95): the rest is below 1e-13; terms
-- below e^-700 are left out.
--
CREATE FUNCTION pg_temp.hyp2f1(a float8, b float8, c float8, z float8, n integer) RETURNS float8
	LANGUAGE sql IMMUTABLE
	RETURN 1 + (SELECT coalesce(sum(exp(s)) FILTER (WHERE s > -700), 0) FROM (
		SELECT sum(ln((a + k - 1) * (b + k - 1) * z / ((c + k - 1) * k))) OVER (ORDER BY k) AS s
		  FROM generate_series(1, n) k WHERE z > 0) t);
CREATE TEMP TABLE params (source text, r float8, alpha float8, a float8, b float8, p float8, q float8, v float8);
INSERT INTO params VALUES ('published', 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44);
INSERT INTO params
SELECT 'fitted', (bgnbd).r, (bgnbd).alpha, (bgnbd).a, (bgnbd).b, (gammagamma).p, (gammagamma).q, (gammagamma).v
  FROM dormancy.latest_validation WHERE bucket = 'all';
-- the hypergeometric factor depends on x and T only: once per pair
CREATE TEMP TABLE ref_conditional AS
SELECT p.source, c.id, c.x, c.holdout_days,
	   (p.a + p.b + c.x - 1) / (p.a - 1)
		   * (1 - power((p.alpha + c.t_cal) / (p.alpha + c.t_cal + 39), p.r + c.x) * h.f)
		   / (1 + CASE WHEN c.x > 0 THEN p.a / (p.b + c.x - 1) * power((p.alpha + c.t_cal) / (p.alpha + c.t_x), p.r + c.x) ELSE 0 END)
		   AS expected,
	   CASE WHEN c.holdout_spend IS NOT NULL
			THEN p.p * (p.v + c.x * coalesce(c.zbar, 0)) / (p.p * c.x + p.q - 1) END AS expected_spend
  FROM params p
 CROSS JOIN ref_customers c
  JOIN (SELECT p.source, xt.x, xt.t_cal,
			   pg_temp.hyp2f1(p.r + xt.x, p.b + xt.x, p.a + p.b + xt.x - 1, 39 / (p.alpha + xt.t_cal + 39), 300) AS f
		  FROM params p CROSS JOIN (SELECT DISTINCT x, t_cal FROM ref_customers) xt) h
	ON h.source = p.source AND h.x = c.x AND h.t_cal = c.t_cal;
CREATE TEMP TABLE ref_predicted AS
SELECT source, CASE WHEN grouping(b) = 1 THEN 'all' ELSE b END AS bucket,
	   sum(expected) AS predicted, avg(expected_spend) AS predicted_spend
  FROM (SELECT source, CASE WHEN x >= 7 THEN '7+' ELSE x::text END AS b, expected, expected_spend FROM ref_conditional) s
 GROUP BY source, ROLLUP (b);
-- the run's predictions are the closed forms at its fitted parameters
SELECT count(*) AS buckets,
	   count(*) FILTER (WHERE abs(v.predicted / f.predicted - 1) > 1e-9) AS predicted_mismatches,
	   count(*) FILTER (WHERE abs(v.predicted_spend / f.predicted_spend - 1) > 1e-9) AS spend_mismatches
  FROM run v JOIN ref_predicted f ON f.source = 'fitted' AND f.bucket = v.bucket;
-- and those of the published parameters, which are rounded to 3 decimals
-- (r = 0.243 is 0.17 % above the fit's 0.24259): within 0.2 %
SELECT v.bucket, round(v.predicted::numeric, 1) AS predicted, round(p.predicted::numeric, 1) AS published_parameters,
	   abs(v.predicted / p.predicted - 1) < 0.002 AS within_0_2_percent,
	   round(v.predicted_spend::numeric, 2) AS predicted_spend, round(p.predicted_spend::numeric, 2) AS published_spend,
	   abs(v.predicted_spend / p.predicted_spend - 1) < 0.002 AS spend_within_0_2_percent
  FROM run v JOIN ref_predicted p ON p.source = 'published' AND p.bucket = v.bucket
 ORDER BY v.bucket COLLATE "C";

--
-- The tracking: cumulative repeat purchase days per week 1 (ending
-- 1997-01-07) to 78 (ending 1998-06-30)
--
CREATE TEMP TABLE tracking AS SELECT * FROM dormancy.latest_validation_tracking;
SELECT count(*) AS weeks, min(period_end) AS first_end, max(period_end) AS last_end,
	   count(*) FILTER (WHERE holdout) AS holdout_weeks,
	   bool_and(period_end = date '1997-01-07' + (period - 1) * 7) AS weekly
  FROM tracking;
-- actual: from the raw days, every purchase day but each customer's first
CREATE TEMP TABLE ref_tracking AS
SELECT e.period_end,
	   (SELECT count(*) FROM ref_days d WHERE d.day > d.first_day AND d.day <= e.period_end
		   AND d.first_day <= '1997-09-30') AS actual,
	   (SELECT count(*) FROM ref_customers c WHERE c.first_day <= e.period_end) AS customers
  FROM (SELECT date '1997-01-07' + 7 * k AS period_end FROM generate_series(0, 77) k) e;
SELECT count(*) AS weeks,
	   count(*) FILTER (WHERE t.actual IS DISTINCT FROM r.actual OR t.customers IS DISTINCT FROM r.customers) AS mismatches
  FROM ref_tracking r FULL JOIN tracking t USING (period_end);
-- predicted: E[X] of each customer from its first purchase day, by the
-- closed form once per lag in days
CREATE TEMP TABLE ref_lags AS
SELECT p.source, l.lag,
	   (p.a + p.b - 1) / (p.a - 1)
		   * (1 - power(p.alpha / (p.alpha + l.lag / 7.0), p.r)
				  * pg_temp.hyp2f1(p.r, p.b, p.a + p.b - 1, (l.lag / 7.0) / (p.alpha + l.lag / 7.0), 600)) AS expected
  FROM params p
 CROSS JOIN (SELECT DISTINCT r.period_end - c.first_day AS lag
			   FROM ref_tracking r JOIN ref_customers c ON c.first_day <= r.period_end) l;
CREATE TEMP TABLE ref_tracking_predicted AS
SELECT l.source, r.period_end, sum(l.expected) AS predicted
  FROM ref_tracking r
  JOIN ref_customers c ON c.first_day <= r.period_end
  JOIN ref_lags l ON l.lag = r.period_end - c.first_day
 GROUP BY l.source, r.period_end;
SELECT count(*) AS weeks, count(*) FILTER (WHERE abs(t.predicted / f.predicted - 1) > 1e-9) AS mismatches
  FROM tracking t JOIN ref_tracking_predicted f ON f.source = 'fitted' AND f.period_end = t.period_end;
SELECT t.period, t.period_end, t.holdout, t.actual, round(t.predicted::numeric, 1) AS predicted,
	   round(p.predicted::numeric, 1) AS published_parameters,
	   abs(t.predicted / p.predicted - 1) < 0.002 AS within_0_2_percent
  FROM tracking t JOIN ref_tracking_predicted p ON p.source = 'published' AND p.period_end = t.period_end
 WHERE t.period % 13 = 0 OR t.period IN (1, 39, 40)
 ORDER BY t.period;

-- in days instead of weeks: the fit only rescales alpha, so the same
-- predictions (to the optimiser's tolerance) and the same actual counts;
-- the tracking has a period per day
CREATE TEMP TABLE run_days AS
SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30', '1 day');
SELECT bucket, abs(d.predicted / w.predicted - 1) < 1e-5 AS same_predicted, d.actual = w.actual AS same_actual,
	   abs(d.predicted_spend / w.predicted_spend - 1) < 1e-9 AS same_spend
  FROM run_days d JOIN run w USING (bucket) ORDER BY bucket COLLATE "C";
SELECT count(*) AS periods, min(period_end) AS first_end, max(period_end) AS last_end,
	   max(actual) AS actual_at_end, abs(max(predicted) / (SELECT predicted FROM tracking WHERE period = 78) - 1) < 1e-5 AS same_at_end
  FROM dormancy.latest_validation_tracking;

--
-- Per segment, as fit_models() fits: customers bound with an industry
-- (odd and even ids); each industry's rows add up to the overall ones, and
-- its model is the fit of its own customers' summaries
--
CREATE TABLE mv.customers AS
SELECT DISTINCT id, CASE WHEN id % 2 = 0 THEN 'Even' ELSE 'Odd' END AS industry FROM mv.cdnow;
SELECT dormancy.bind_customers('mv.customers', id => 'id', industry => 'industry');
UPDATE dormancy.model_settings SET segment_by = 'industry', min_customers = 200;
CREATE TEMP TABLE run2 AS
SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30');
SELECT validation_id > (SELECT max(validation_id) FROM run) AS new_run, segment_kind, segment,
	   count(*) AS buckets, sum(customers) FILTER (WHERE bucket <> 'all') AS customers,
	   sum(actual) FILTER (WHERE bucket <> 'all') AS actual
  FROM run2 GROUP BY 1, 2, 3 ORDER BY 2, 3;
SELECT bucket, sum(customers) FILTER (WHERE segment_kind = 'industry') = sum(customers) FILTER (WHERE segment_kind = 'all') AS customers_add_up,
	   sum(actual) FILTER (WHERE segment_kind = 'industry') = sum(actual) FILTER (WHERE segment_kind = 'all') AS actual_add_up,
	   abs(sum(predicted) FILTER (WHERE segment_kind = 'industry') / sum(predicted) FILTER (WHERE segment_kind = 'all') - 1) < 0.05 AS predicted_close
  FROM run2 GROUP BY bucket ORDER BY bucket COLLATE "C";
SELECT v.segment,
	   abs((v.bgnbd).r / (f.m).r - 1) < 1e-6 AND abs((v.bgnbd).alpha / (f.m).alpha - 1) < 1e-6
	   AND abs((v.bgnbd).a / (f.m).a - 1) < 1e-6 AND abs((v.bgnbd).b / (f.m).b - 1) < 1e-6 AS own_fit
  FROM dormancy.latest_validation v
  JOIN (SELECT CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END AS segment,
			   dormancy.bgnbd_fit(x::int, t_x::float8, t_cal::float8) AS m
		  FROM ref_customers GROUP BY 1) f ON f.segment = v.segment
 WHERE v.bucket = 'all'
 ORDER BY v.segment;
-- the latest run of each segment; the tracking adds up too
SELECT segment_kind, segment, count(DISTINCT validation_id) AS runs, count(*) AS rows
  FROM dormancy.latest_validation GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS validations FROM (SELECT DISTINCT validation_id FROM dormancy.model_validations) v;
SELECT count(*) AS period_ends,
	   count(*) FILTER (WHERE a.actual <> s.actual OR a.customers <> s.customers) AS mismatches
  FROM dormancy.latest_validation_tracking a
  JOIN (SELECT period_end, sum(actual) AS actual, sum(customers) AS customers
		  FROM dormancy.latest_validation_tracking WHERE segment_kind = 'industry' GROUP BY period_end) s USING (period_end)
 WHERE a.segment_kind = 'all';

--
-- Errors
--
SELECT * FROM dormancy.validate_models('1997-09-30', '1997-09-30');
SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30', '1 month');
SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30', '0 days');
SELECT * FROM dormancy.validate_models(NULL, '1998-06-30');
-- the tracking's forecast (internal): per period end, the customers who
-- first bought by it and the counts times the curve at their lags (element
-- 1 is lag 0); NULL where a lag is NULL or beyond the curve, or no curve
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01', '2026-01-03'], ARRAY[2, 3]::bigint[],
	ARRAY[0, 0.5, 1.25, NULL], ARRAY[date '2025-12-31', '2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-06']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01'], ARRAY[2]::bigint[], NULL, ARRAY[date '2025-12-31', '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01'], ARRAY[2, 3]::bigint[], NULL, ARRAY[date '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01'], ARRAY[-2]::bigint[], NULL, ARRAY[date '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01', '2026-01-02'], ARRAY[9223372036854775807, 1], NULL, ARRAY[date '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date '2026-01-01'], ARRAY[NULL]::bigint[], NULL, ARRAY[date '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[date 'infinity'], ARRAY[1]::bigint[], NULL, ARRAY[date '2026-01-01']);
SELECT * FROM dormancy._tracking_forecast(ARRAY[[date '2026-01-01']], ARRAY[[1]]::bigint[], NULL, ARRAY[date '2026-01-01']);
-- only the owner validates; the readers see the results
SELECT has_function_privilege('dormancy_analyst', 'dormancy.validate_models(date, date, interval)', 'EXECUTE') AS analyst_may_validate,
	   has_table_privilege('dormancy_reader', 'dormancy.latest_validation', 'SELECT') AS reader_sees_latest,
	   has_table_privilege('dormancy_analyst', 'dormancy.latest_validation_tracking', 'SELECT') AS analyst_sees_tracking;

DELETE FROM dormancy.model_validations;
DELETE FROM dormancy.model_validation_tracking;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA mv CASCADE;
