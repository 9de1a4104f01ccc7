-- Intervals of the forecasts (dormancy.forecast_intervals, model_intervals;
-- the covariance matrices models.bgnbd_covariance, paretonbd_covariance,
-- gammagamma_covariance and their aggregates) and the Pareto/NBD
-- probability of a purchase ahead, on the CDNOW sample, weekly, as of the
-- end of its calibration period.  The intervals are recomputed here in
-- plain SQL by the delta method with the analytic gradients of the closed
-- forms (BG/NBD P(alive), Gamma-Gamma spend), and the probability of a
-- purchase by Simpson's rule over the posterior; the unit test
-- test/unit/test_intervals.c compares the intervals with draws and checks
-- their coverage by simulation.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA fi;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE fi.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, nullif(f[5]::numeric, 0) AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
SELECT dormancy.bind_orders('fi.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars');
SET dormancy.as_of = '1997-09-30';
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');
SELECT count(*) AS models FROM dormancy.fit_models();

-- the covariance matrices: 4 x 4 and 3 x 3, symmetric, positive variances
-- whose square roots are the standard errors the other aggregates give
SELECT array_dims(bgnbd_covariance) AS bgnbd, array_dims(gammagamma_covariance) AS gammagamma,
	   paretonbd_covariance IS NULL AS no_paretonbd,
	   (SELECT bool_and(abs(sqrt(bgnbd_covariance[i][i]) / bgnbd_std_errors[i] - 1) < 1e-12)
		  FROM generate_series(1, 4) i) AS bgnbd_diagonal,
	   (SELECT bool_and(abs(sqrt(gammagamma_covariance[i][i]) / gammagamma_std_errors[i] - 1) < 1e-12)
		  FROM generate_series(1, 3) i) AS gammagamma_diagonal,
	   (SELECT bool_and(abs(bgnbd_covariance[i][j] - bgnbd_covariance[j][i])
						<= 1e-12 * sqrt(bgnbd_covariance[i][i] * bgnbd_covariance[j][j]))
		  FROM generate_series(1, 4) i, generate_series(1, 4) j) AS symmetric,
	   round((bgnbd_covariance[1][2] / sqrt(bgnbd_covariance[1][1] * bgnbd_covariance[2][2]))::numeric, 3) AS corr_r_alpha,
	   round((bgnbd_covariance[3][4] / sqrt(bgnbd_covariance[3][3] * bgnbd_covariance[4][4]))::numeric, 3) AS corr_a_b
  FROM dormancy.models;

CREATE TABLE fi.m AS SELECT bgnbd AS m, gammagamma AS g, bgnbd_covariance AS c, gammagamma_covariance AS gc FROM dormancy.models;
CREATE TABLE fi.cs AS
SELECT s.customer_id, s.frequency, s.recency_days / 7.0 AS t_x, s.age_days / 7.0 AS t, s.monetary_value,
	   s.p_alive AS s_p_alive, s.expected_purchases AS s_expected, s.expected_value AS s_value,
	   i.model_id, i.forecast_model, i.p_alive, i.p_alive_low, i.p_alive_high,
	   i.expected_purchases, i.expected_purchases_low, i.expected_purchases_high,
	   i.expected_value, i.expected_value_low, i.expected_value_high
  FROM dormancy.customer_status s JOIN dormancy.forecast_intervals i ON i.customer_id = s.customer_id;

-- one row per customer of customer_status, the same point values, and
-- every interval around its point
SELECT count(*) AS customers, (SELECT count(*) FROM dormancy.customer_status) AS status_rows,
	   bool_and(p_alive = s_p_alive AND expected_purchases = s_expected AND expected_value = s_value) AS same_points,
	   bool_and(p_alive_low <= p_alive AND p_alive <= p_alive_high
				AND expected_purchases_low < expected_purchases AND expected_purchases < expected_purchases_high
				AND expected_value_low < expected_value AND expected_value < expected_value_high) AS around_points,
	   count(*) FILTER (WHERE frequency = 0 AND p_alive_low = 1 AND p_alive_high = 1) AS one_time_certain,
	   count(*) FILTER (WHERE frequency > 0 AND p_alive_low < p_alive AND p_alive < p_alive_high) AS repeat_uncertain,
	   bool_and(forecast_model = 'bgnbd') AS bgnbd
  FROM fi.cs;

-- the delta method in plain SQL: the gradient of the log-odds of P(alive),
-- L = -(log a - log(b+x-1) + (r+x) log((alpha+T)/(alpha+t_x))), with
-- respect to r, alpha, a, b, and the variance g' C g with the stored matrix
CREATE FUNCTION fi.delta_p_alive(m dormancy.bgnbd, c float8[], x integer, t_x float8, t float8, OUT lo float8, OUT hi float8)
	LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	WITH g AS (
		SELECT -ln(((m).alpha + t) / ((m).alpha + t_x)) AS g1,
			   -((m).r + x) * (1 / ((m).alpha + t) - 1 / ((m).alpha + t_x)) AS g2,
			   -1 / (m).a AS g3,
			   1 / ((m).b + x - 1) AS g4,
			   -(ln((m).a) - ln((m).b + x - 1) + ((m).r + x) * ln(((m).alpha + t) / ((m).alpha + t_x))) AS l),
	v AS (
		SELECT l, (SELECT sum(gi * gj * c[i][j])
					 FROM (VALUES (1, g1), (2, g2), (3, g3), (4, g4)) a(i, gi),
						  (VALUES (1, g1), (2, g2), (3, g3), (4, g4)) b(j, gj)) AS var
		  FROM g)
	SELECT 1 / (1 + exp(-(l - 1.959963984540054 * sqrt(var)))), 1 / (1 + exp(-(l + 1.959963984540054 * sqrt(var)))) FROM v;
END;
SELECT count(*) AS repeat_customers,
	   max(greatest(abs(c.p_alive_low - d.lo), abs(c.p_alive_high - d.hi))) < 1e-8 AS p_alive_delta
  FROM fi.cs c, fi.m m, LATERAL fi.delta_p_alive(m.m, m.c, c.frequency, c.t_x, c.t) d
 WHERE c.frequency > 0;

-- the expected value: the log-variance of the purchases (read from their
-- interval) plus that of the Gamma-Gamma spend, S = p (v + x z) / (p x + q - 1),
-- whose log has the gradient (1/p - x/(px+q-1), -1/(px+q-1), 1/(v+xz))
SELECT max(greatest(abs(ln(c.expected_value_low) - (ln(c.expected_value) - 1.959963984540054 * sqrt(w.var))),
					abs(ln(c.expected_value_high) - (ln(c.expected_value) + 1.959963984540054 * sqrt(w.var))))) < 1e-7 AS value_delta
  FROM fi.cs c, fi.m m,
	   LATERAL (SELECT 1 / (m.g).p - c.frequency / ((m.g).p * c.frequency + (m.g).q - 1) AS g1,
					   -1 / ((m.g).p * c.frequency + (m.g).q - 1) AS g2,
					   1 / ((m.g).v + c.frequency * coalesce(c.monetary_value, 0)) AS g3) g,
	   LATERAL (SELECT (ln(c.expected_purchases_high / c.expected_purchases_low) / (2 * 1.959963984540054)) ^ 2
					   + (SELECT sum(gi * gj * m.gc[i][j])
							FROM (VALUES (1, g.g1), (2, g.g2), (3, g.g3)) a(i, gi),
								 (VALUES (1, g.g1), (2, g.g2), (3, g.g3)) b(j, gj)) AS var) w;

-- how wide: the median relative width of the intervals, by frequency
SELECT CASE WHEN frequency >= 7 THEN '7+' ELSE frequency::text END AS bucket, count(*) AS customers,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY p_alive_high - p_alive_low)::numeric, 3) AS p_alive_width,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY expected_purchases_high / expected_purchases_low)::numeric, 3) AS purchases_ratio,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY expected_value_high / expected_value_low)::numeric, 3) AS value_ratio
  FROM fi.cs GROUP BY 1 ORDER BY 1;

-- Pareto/NBD: its covariance, its intervals, and its probability of a
-- purchase in the lookahead (90 days) against Simpson's rule in plain SQL
-- of P(alive) * integral_0^t (R/A) (A/(A+u))^(R+1) (B/(B+u))^s du
UPDATE dormancy.model_settings SET model = 'paretonbd';
SELECT model, array_dims(paretonbd_covariance) AS paretonbd,
	   round(sqrt(paretonbd_covariance[1][1])::numeric, 4) AS se_r, round(sqrt(paretonbd_covariance[2][2])::numeric, 3) AS se_alpha,
	   round(sqrt(paretonbd_covariance[3][3])::numeric, 4) AS se_s, round(sqrt(paretonbd_covariance[4][4])::numeric, 3) AS se_beta
  FROM dormancy.fit_models();
-- the three covariance matrices fit_models() stores are the fits' own
-- (computed to check the standard errors, kept in the fit): bit for bit what
-- the public aggregates compute again at the stored models over the same
-- customers' summaries
SELECT m.bgnbd_covariance = c.bgnbd AS bgnbd_same, m.paretonbd_covariance = c.paretonbd AS paretonbd_same,
	   m.gammagamma_covariance = c.gammagamma AS gammagamma_same
  FROM dormancy.models m
 CROSS JOIN LATERAL (
	SELECT dormancy.bgnbd_covariance(m.bgnbd, s.frequency, s.recency_days::float8 / 7, s.age_days::float8 / 7) AS bgnbd,
		   dormancy.paretonbd_covariance(m.paretonbd, s.frequency, s.recency_days::float8 / 7, s.age_days::float8 / 7) AS paretonbd,
		   dormancy.gammagamma_covariance(m.gammagamma, s.frequency, s.monetary_value) AS gammagamma
	  FROM dormancy.customer_status s WHERE s.frequency IS NOT NULL) c;
-- model_parameters shows the Pareto/NBD parameters too, their standard
-- errors the square roots of the covariance's diagonal
SELECT parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error,
	   round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high, converged
  FROM dormancy.model_parameters WHERE model = 'paretonbd' ORDER BY parameter;
SELECT forecast_model, count(*) AS customers,
	   count(p_alive_low) AS with_p_alive_interval, count(expected_purchases_low) AS with_purchases_interval,
	   bool_and(f.p_alive_low <= f.p_alive AND f.p_alive <= f.p_alive_high
				AND f.expected_purchases_low < f.expected_purchases AND f.expected_purchases < f.expected_purchases_high
				AND f.expected_value_low < f.expected_value AND f.expected_value < f.expected_value_high) AS around_points,
	   count(*) FILTER (WHERE f.p_alive = 1 AND f.p_alive_low = 1) AS alive_for_sure,
	   bool_and(f.p_alive = s.p_alive AND f.expected_purchases = s.expected_purchases) AS same_points
  FROM dormancy.forecast_intervals f JOIN dormancy.customer_status s USING (customer_id, forecast_model)
 GROUP BY 1;
CREATE FUNCTION fi.p_purchase(m dormancy.paretonbd, t float8, x integer, t_x float8, age float8)
	RETURNS float8 LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT dormancy.paretonbd_p_alive(m, x, t_x, age)
		   * sum(CASE WHEN k IN (0, 2000) THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
				 * ((m).r + x) / ((m).alpha + age)
				 * power(((m).alpha + age) / ((m).alpha + age + k * t / 2000), (m).r + x + 1)
				 * power(((m).beta + age) / ((m).beta + age + k * t / 2000), (m).s)) * t / 2000 / 3
	  FROM generate_series(0, 2000) k;
END;
SELECT count(*) AS customers, count(s.p_purchase_ahead) AS with_p_purchase_ahead,
	   max(abs(s.p_purchase_ahead - fi.p_purchase(m.paretonbd, 90 / 7.0, s.frequency, s.recency_days / 7.0, s.age_days / 7.0))) < 1e-9 AS simpson,
	   bool_and(s.p_purchase_ahead < s.p_alive) AS below_p_alive,
	   round(sum(s.p_purchase_ahead)::numeric, 1) AS expected_buyers_90_days
  FROM dormancy.customer_status s, dormancy.models m;
-- against what happened: the CDNOW customers who bought in the 90 days after 1997-09-30
SELECT count(DISTINCT id) AS actual_buyers_90_days FROM fi.cdnow WHERE day > '1997-09-30' AND day <= date '1997-09-30' + 90;

-- no covariance (a fit at a boundary, a model row from before 0.4.0): the
-- points stay, the intervals are NULL; a malformed matrix is no error
UPDATE dormancy.models SET paretonbd_covariance = NULL, gammagamma_covariance = '{{1,2},{3,4}}';
SELECT count(*) AS customers, count(p_alive) AS with_p_alive, count(p_alive_low) AS with_p_alive_interval,
	   count(expected_value) AS with_value, count(expected_value_low) AS with_value_interval
  FROM dormancy.forecast_intervals;
UPDATE dormancy.model_settings SET model = 'bgnbd';
SELECT count(*) FROM dormancy.fit_models();
UPDATE dormancy.models SET bgnbd_covariance = '{{1,0,0,0},{0,1,0,0},{0,0,1,0},{0,0,0,-1}}';
SELECT count(p_alive) AS with_p_alive, count(p_alive_low) AS with_p_alive_interval,
	   count(expected_value_low) AS with_value_interval
  FROM dormancy.forecast_intervals;
-- no model: everything NULL
DELETE FROM dormancy.models;
SELECT count(*) AS customers, count(model_id) AS with_model, count(p_alive) AS with_p_alive FROM dormancy.forecast_intervals;
-- the functions directly: NULLs and bad inputs give NULLs, not errors
SELECT * FROM dormancy.model_intervals(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), NULL, NULL, NULL, 2, 30.43, 38.86, NULL, 39);
SELECT * FROM dormancy.model_intervals(NULL::dormancy.paretonbd, NULL, NULL, NULL, 2, 30.43, 38.86, NULL, 39);
SELECT p_alive IS NULL AS no_p_alive FROM dormancy.model_intervals(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), NULL, NULL, NULL, 2, 40, 38.86, NULL, 39);
SELECT round(dormancy.paretonbd_p_purchase(dormancy.paretonbd(0.553, 10.58, 0.606, 11.67), 39, 2, 30.43, 38.86)::numeric, 5) AS p_purchase;
SELECT dormancy.paretonbd_p_purchase(dormancy.paretonbd(0.553, 10.58, 0.606, 11.67), -1, 2, 30.43, 38.86);
SELECT * FROM dormancy.model_lookahead(dormancy.paretonbd(0.553, 10.58, 0.606, 11.67), 2, 40, 38.86, 13, 0.5);
-- a covariance aggregate needs one model per group
SELECT dormancy.bgnbd_covariance(m, 1, 1, 2)
  FROM (VALUES (dormancy.bgnbd(1, 1, 1, 1)), (dormancy.bgnbd(1, 1, 1, 2))) v(m);
-- (the error names the aggregate called, not the one it shares its transition with)
SELECT dormancy.gammagamma_covariance(m, 2, 10)
  FROM (VALUES (dormancy.gammagamma(1, 1, 1)), (dormancy.gammagamma(1, 1, 2))) v(m);

RESET dormancy.as_of;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders');
DROP SCHEMA fi CASCADE;
