-- Gamma-Gamma's x is the number of repeat purchase days of known amount
-- (btyd_summary's monetary_days), the days monetary_value averages, not the
-- frequency (every repeat day): a day with an order of unknown amount is in
-- neither.  Customers whose repeat days are partly of unknown amount (orders
-- with a NULL amount); everything is checked against plain SQL over the
-- orders: the fit of fit_models() is the maximum of the Gamma-Gamma
-- log-likelihood written in SQL with x the known repeat days (its value at
-- the fit is the one stored, and every nearby point is lower); customer_status
-- and forecast_intervals give expected purchases times
-- p(v + x m) / (p x + q - 1) with that x; model_predictions with its eighth
-- argument likewise; validate_models fits and predicts the same way on its
-- calibration period.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA gk;
SELECT setseed(0.4242);
-- 600 customers: a first day in the first quarter of 2024, then repeat
-- days at exponential gaps (a mean of 15 to 75 days of each customer's own)
-- until the customer's lifetime ends (exponential, a mean of 250 days; at
-- most 8 repeat days), each repeat day of unknown amount with probability
-- 0.4 (one such day in five also has an order of known amount: the day
-- stays of unknown amount); the amounts around a mean of each customer's own
CREATE TABLE gk.customers AS SELECT g AS id FROM generate_series(1, 600) g;
ALTER TABLE gk.customers ADD PRIMARY KEY (id);
CREATE TABLE gk.orders (id integer, day date, amount numeric);
INSERT INTO gk.orders
SELECT d.id, date '2024-01-01' + (d.id % 90) + d.at,
	   CASE WHEN d.n > 0 AND d.u < 0.4 THEN NULL
			ELSE round((d.mu * (0.4 + 1.2 * d.r))::numeric, 2) END
  FROM (SELECT c.id, c.mu, c.life, g.n, g.u, g.r,
			   (sum(g.gap) OVER (PARTITION BY c.id ORDER BY g.n))::integer AS at
		  FROM (SELECT id, 20 + 80 * random() AS mu, 15 + 60 * random() AS pace, -250 * ln(1 - random()) AS life
				  FROM gk.customers ORDER BY id) c
		 CROSS JOIN LATERAL (SELECT n, CASE WHEN n = 0 THEN 0 ELSE 1 + floor(-c.pace * ln(1 - random())) END AS gap,
									random() AS u, random() AS r
							   FROM generate_series(0, 8) n) g) d
 WHERE d.at <= d.life OR d.n = 0;
INSERT INTO gk.orders
SELECT o.id, o.day, 25 FROM gk.orders o WHERE o.amount IS NULL AND o.id % 5 = 0;
-- the review's customer: 4 repeat days, 3 of unknown amount
INSERT INTO gk.customers VALUES (1000);
INSERT INTO gk.orders VALUES (1000, '2024-02-01', 50), (1000, '2024-03-01', NULL), (1000, '2024-04-01', NULL),
	(1000, '2024-05-01', 120), (1000, '2024-06-01', NULL);
SELECT dormancy.bind_customers('gk.customers', id => 'id');
SELECT dormancy.bind_orders('gk.orders', customer => 'id', ordered_at => 'day', amount => 'amount');
SET dormancy.as_of = '2024-12-31';

-- each customer's Gamma-Gamma observation from the orders: x the repeat days
-- (every day but the first) whose orders all have an amount, m their mean
-- (x 0: no observation, the spend is the population's mean p v / (q - 1))
CREATE VIEW gk.observations AS
SELECT d.id, count(*) FILTER (WHERE d.n > 1) AS frequency, count(*) FILTER (WHERE d.n > 1 AND d.known)::integer AS x,
	   avg(d.amount) FILTER (WHERE d.n > 1 AND d.known)::float8 AS m
  FROM (SELECT o.id, o.day, bool_and(o.amount IS NOT NULL) AS known, sum(o.amount) AS amount,
			   row_number() OVER (PARTITION BY o.id ORDER BY o.day) AS n
		  FROM gk.orders o WHERE o.day <= '2024-12-31' GROUP BY o.id, o.day) d
 GROUP BY d.id;
-- log Gamma in plain SQL (PostgreSQL 15 has no lgamma): the recurrence up
-- to z >= 12, then Stirling's series (error below 1e-14 there)
CREATE FUNCTION gk.lgamma(z float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT (w - 0.5) * ln(w) - w + 0.5 * ln(2 * pi()) + 1 / (12 * w) - 1 / (360 * w ^ 3) + 1 / (1260 * w ^ 5)
	   - 1 / (1680 * w ^ 7) - coalesce((SELECT sum(ln(z + i)) FROM generate_series(0, k - 1) i), 0)
  FROM (SELECT greatest(0, ceil(12 - z))::integer AS k) a, LATERAL (SELECT z + a.k AS w) b
$$;
-- the Gamma-Gamma log-likelihood of those observations at (p, q, v)
CREATE FUNCTION gk.ll(p float8, q float8, v float8) RETURNS float8 LANGUAGE sql STABLE AS $$
SELECT sum(gk.lgamma(p * x + q) - gk.lgamma(p * x) - gk.lgamma(q)
		   + q * ln(v) + (p * x - 1) * ln(m) + p * x * ln(x) - (p * x + q) * ln(x * m + v))
  FROM gk.observations WHERE x > 0
$$;
SELECT count(*) FILTER (WHERE frequency > 0) AS repeat_buyers, count(*) FILTER (WHERE x < frequency) AS with_unknown_days,
	   count(*) FILTER (WHERE x = 0 AND frequency > 0) AS no_known_day
  FROM gk.observations;

SELECT count(*) AS models FROM dormancy.fit_models();
-- these customers do not determine a BG/NBD fit (it ran off): the CDNOW
-- estimates instead, the expected purchases being only a factor here
UPDATE dormancy.models SET bgnbd = dormancy.bgnbd(0.243, 4.414, 0.793, 2.426);
UPDATE dormancy.models SET bgnbd.converged = true;
CREATE TABLE gk.fit AS
SELECT (m.gammagamma).* FROM dormancy.models m WHERE m.segment_kind = 'all';
SELECT customers, converged FROM gk.fit;
-- the stored log-likelihood is the SQL one at the fit, and the fit is its
-- maximum: every point 1% away in one parameter is lower
SELECT abs(gk.ll(p, q, v) - log_likelihood) < 1e-9 * abs(log_likelihood) AS same_log_likelihood,
	   (SELECT count(*) FROM (VALUES (1.01, 1, 1), (0.99, 1, 1), (1, 1.01, 1), (1, 0.99, 1), (1, 1, 1.01), (1, 1, 0.99)) k(a, b, c)
		 WHERE gk.ll(p * k.a, q * k.b, v * k.c) >= gk.ll(p, q, v)) AS higher_nearby
  FROM gk.fit;

-- customer_status: expected purchases times the spend with x the known days
CREATE TABLE gk.expected AS
SELECT s.customer_id, o.frequency, o.x, o.m, s.expected_purchases, s.expected_value,
	   s.expected_purchases * f.p * (f.v + coalesce(o.x * o.m, 0)) / (f.p * o.x + f.q - 1) AS by_sql
  FROM dormancy.customer_status s
  JOIN gk.observations o ON o.id = s.customer_id
 CROSS JOIN gk.fit f;
SELECT count(*) AS customers, count(expected_value) AS with_value, count(by_sql) AS with_sql_value,
	   count(*) FILTER (WHERE abs(expected_value - by_sql) > 1e-12 * abs(by_sql)
						   OR (expected_value IS NULL) <> (by_sql IS NULL)) AS differing
  FROM gk.expected;
SELECT customer_id, frequency, x, m, round((expected_value / expected_purchases)::numeric, 2) AS expected_spend,
	   round((f.p * (f.v + x * m) / (f.p * x + f.q - 1))::numeric, 2) AS spend_x_known,
	   round((f.p * (f.v + frequency * m) / (f.p * frequency + f.q - 1))::numeric, 2) AS spend_x_frequency
  FROM gk.expected CROSS JOIN gk.fit f WHERE customer_id = 1000;
-- forecast_intervals: the same expected values
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE i.expected_value IS DISTINCT FROM s.expected_value) AS differing
  FROM dormancy.forecast_intervals i JOIN dormancy.customer_status s ON s.customer_id = i.customer_id;

-- model_predictions: with the known days as its eighth argument, the same;
-- without it, x is the frequency (the spend of 4 observations of mean m)
SELECT round((p.expected_value / p.expected_purchases)::numeric, 2) AS spend_known_days,
	   round((q.expected_value / q.expected_purchases)::numeric, 2) AS spend_frequency
  FROM dormancy.models mdl
 CROSS JOIN LATERAL dormancy.model_predictions(mdl.bgnbd, mdl.gammagamma, 4, 120, 335, 120, 30, 1) p
 CROSS JOIN LATERAL dormancy.model_predictions(mdl.bgnbd, mdl.gammagamma, 4, 120, 335, 120, 30) q
 WHERE mdl.segment_kind = 'all';
SELECT (dormancy.btyd_summary(dormancy.purchase_history(o.day, o.amount::float8), '2024-12-31'::date)).*
  FROM gk.orders o WHERE o.id = 1000;

-- validate_models: the calibration fit is the maximum of the SQL
-- log-likelihood of the calibration period's observations, and the
-- predicted spend of each bucket is the mean of p(v + x m)/(p x + q - 1)
-- over the customers with a holdout day of known amount
CREATE VIEW gk.calibration AS
SELECT d.id, count(*) FILTER (WHERE d.n > 1) AS frequency, count(*) FILTER (WHERE d.n > 1 AND d.known)::integer AS x,
	   avg(d.amount) FILTER (WHERE d.n > 1 AND d.known)::float8 AS m,
	   (SELECT count(DISTINCT h.day) FROM gk.orders h WHERE h.id = d.id AND h.day > '2024-05-31' AND h.day <= '2024-12-31'
		   AND NOT EXISTS (SELECT 1 FROM gk.orders u WHERE u.id = h.id AND u.day = h.day AND u.amount IS NULL)) AS holdout_known
  FROM (SELECT o.id, o.day, bool_and(o.amount IS NOT NULL) AS known, sum(o.amount) AS amount,
			   row_number() OVER (PARTITION BY o.id ORDER BY o.day) AS n
		  FROM gk.orders o WHERE o.day <= '2024-05-31' GROUP BY o.id, o.day) d
 GROUP BY d.id;
-- (the run's number is put back when done: later tests print theirs)
SELECT last_value AS seq_last, is_called AS seq_called FROM dormancy.model_validations_validation_id_seq \gset
CREATE TABLE gk.validation AS SELECT * FROM dormancy.validate_models('2024-05-31', '2024-12-31');
CREATE FUNCTION gk.calibration_ll(p float8, q float8, v float8) RETURNS float8 LANGUAGE sql STABLE AS $$
SELECT sum(gk.lgamma(p * x + q) - gk.lgamma(p * x) - gk.lgamma(q)
		   + q * ln(v) + (p * x - 1) * ln(m) + p * x * ln(x) - (p * x + q) * ln(x * m + v))
  FROM gk.calibration WHERE x > 0
$$;
CREATE TABLE gk.calibration_fit AS
SELECT DISTINCT (m.gammagamma).* FROM dormancy.model_validations m
 WHERE m.validation_id = (SELECT max(validation_id) FROM gk.validation) AND m.segment_kind = 'all';
SELECT count(*) AS fits, bool_and(abs(gk.calibration_ll(p, q, v) - log_likelihood) < 1e-9 * abs(log_likelihood)) AS same_log_likelihood
  FROM gk.calibration_fit;
SELECT v.bucket, v.spend_customers, s.customers AS sql_customers,
	   abs(v.predicted_spend - s.spend) < 1e-9 * s.spend AS same_predicted_spend
  FROM gk.validation v
  LEFT JOIN (SELECT CASE WHEN c.frequency >= 7 THEN '7+' ELSE c.frequency::text END AS bucket, count(*) AS customers,
					avg(f.p * (f.v + coalesce(c.x * c.m, 0)) / (f.p * c.x + f.q - 1)) AS spend
			   FROM gk.calibration c CROSS JOIN gk.calibration_fit f
			  WHERE c.holdout_known > 0
			  GROUP BY 1) s ON s.bucket = v.bucket
 WHERE v.segment_kind = 'all' AND v.spend_customers > 0 AND v.bucket <> 'all'
 ORDER BY v.bucket;

-- monetary_days outside 0 .. frequency is no count of repeat days: no
-- expected value, and model_predictions says why (it was used as x: with -1
-- and 5 against a frequency of 4, a value with no problem)
SELECT d AS monetary_days, p.expected_purchases IS NOT NULL AS has_purchases, p.expected_value, p.problem,
	   abs(p.expected_value / p.expected_purchases - 2.484 * (253.9 + d * 100.0) / (2.484 * d + 11.175 - 1)) < 1e-9 AS spend_as_formula,
	   i.expected_value AS interval_value, pp.expected_value AS pareto_value, pp.problem IS NOT NULL AS pareto_problem
  FROM unnest(ARRAY[-1, 0, 4, 5]) d
 CROSS JOIN LATERAL dormancy.model_predictions(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426),
		dormancy.gammagamma(2.484, 11.175, 253.9), 4, 30.0, 38.0, 100.0, 39, d) p
 CROSS JOIN LATERAL dormancy.model_intervals(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), NULL,
		dormancy.gammagamma(2.484, 11.175, 253.9), NULL, 4, 30.0, 38.0, 100.0, 39, d) i
 CROSS JOIN LATERAL dormancy.model_predictions_paretonbd(dormancy.paretonbd(0.553, 10.58, 0.606, 11.67),
		dormancy.gammagamma(2.484, 11.175, 253.9), 4, 30.0, 38.0, 100.0, 39, NULL, NULL, d) pp
 ORDER BY d;

-- the models stored by fit_models() and validate_models() say which x
-- their Gamma-Gamma fit took: the repeat days of known amount
SELECT DISTINCT gammagamma_x FROM dormancy.models;
SELECT DISTINCT gammagamma_x FROM dormancy.model_validations WHERE validation_id = (SELECT max(validation_id) FROM gk.validation);

-- clv(): Gamma-Gamma's x is its tenth argument, monetary_days, as for
-- model_predictions (NULL: the frequency, as the nine-argument form).
-- Against the discounted sum written in SQL: the spend p(v + x m)/(p x + q - 1)
-- with x the known days (at x = 0 the population's mean p v/(q - 1), m
-- unused), times the BG/NBD expectation of each period, discounted
CREATE FUNCTION gk.clv_sql(x integer, t_x float8, age float8, m float8, known integer,
						   horizon integer, d float8, period float8) RETURNS float8 LANGUAGE sql STABLE AS $$
SELECT sum(2.484 * (253.9 + coalesce(known * m, 0)) / (2.484 * known + 11.175 - 1)
		   * (dormancy.bgnbd_expected_purchases(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), i * period, x, t_x, age)
			  - dormancy.bgnbd_expected_purchases(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), (i - 1) * period, x, t_x, age))
		   / (1 + d) ^ i)
  FROM generate_series(1, horizon) i
 WHERE known = 0 OR m IS NOT NULL
$$;
SELECT c.x AS frequency, c.t_x AS recency, c.m, c.known AS monetary_days,
	   round(dormancy.clv(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), dormancy.gammagamma(2.484, 11.175, 253.9),
						  c.x, c.t_x, 40, c.m, 12, 0.01, 4.345, c.known)::numeric, 6) AS clv,
	   abs(dormancy.clv(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), dormancy.gammagamma(2.484, 11.175, 253.9),
						c.x, c.t_x, 40, c.m, 12, 0.01, 4.345, c.known)
		   - gk.clv_sql(c.x, c.t_x, 40, c.m, coalesce(c.known, c.x), 12, 0.01, 4.345))
		   < 1e-12 * gk.clv_sql(c.x, c.t_x, 40, c.m, coalesce(c.known, c.x), 12, 0.01, 4.345) AS as_sql
  FROM (VALUES (4, 30, 120.0, 1), (4, 30, 120.0, 4), (4, 30, 120.0, NULL), (2, 30, NULL, 0), (0, 0, NULL, 0),
			   (0, 0, NULL, NULL)) c(x, t_x, m, known)
 ORDER BY 1 DESC, 4;
-- the same as model_predictions' spend (expected value over expected
-- purchases) times the discounted BG/NBD expectation
SELECT abs(dormancy.clv(b, g, 4, 30, 40, 120, 12, 0.01, 4.345, 1)
		   - (SELECT sum(p.expected_value / p.expected_purchases
						 * (dormancy.bgnbd_expected_purchases(b, i * 4.345, 4, 30, 40)
							- dormancy.bgnbd_expected_purchases(b, (i - 1) * 4.345, 4, 30, 40)) / 1.01 ^ i)
				FROM generate_series(1, 12) i))
	   < 1e-9 AS as_model_predictions,
	   dormancy.clv(b, g, 4, 30, 40, 120, 12, 0.01, 4.345, NULL) = dormancy.clv(b, g, 4, 30, 40, 120, 12, 0.01, 4.345)
		   AS null_days_is_the_frequency,
	   dormancy.clv(b, g, 4, 30, 40, 120, 12, 0.01, period => 4.345, monetary_days => 1)
		   = dormancy.clv(b, g, 4, 30, 40, 120, 12, 0.01, 4.345, 1) AS by_name,
	   dormancy.clv(b, g, 2, 30, 40, NULL, 12, 0.01, 4.345, 2) IS NULL AS known_days_without_mean,
	   dormancy.clv(b, g, 2, 30, 40, NULL, 12, 0.01) IS NULL AS frequency_without_mean
  FROM (SELECT dormancy.bgnbd(0.243, 4.414, 0.793, 2.426) AS b, dormancy.gammagamma(2.484, 11.175, 253.9) AS g) m
 CROSS JOIN LATERAL dormancy.model_predictions(m.b, m.g, 4, 30, 40, 120, 52, 1) p;
-- no count of repeat days below 0 or above the frequency
SELECT dormancy.clv(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), dormancy.gammagamma(2.484, 11.175, 253.9),
					4, 30, 40, 120, 12, 0.01, 4.345, 5);
SELECT dormancy.clv(dormancy.bgnbd(0.243, 4.414, 0.793, 2.426), dormancy.gammagamma(2.484, 11.175, 253.9),
					4, 30, 40, 120, 12, 0.01, 4.345, -1);

-- A Gamma-Gamma fit made by 0.3.0, which took the frequency as x, as a
-- restore of a 0.3.0 dump loads it: its models row without gammagamma_x
-- (COPY with 0.3.0's columns), which takes the default, frequency.  The
-- fit of 0.3.0: gammagamma_fit over (frequency, monetary_value)
DELETE FROM dormancy.models;
DELETE FROM dormancy.value_distribution;
CREATE TABLE gk.old_fit AS
SELECT (f).* FROM (SELECT dormancy.gammagamma_fit(o.frequency::integer, o.m) AS f FROM gk.observations o) x;
SELECT o.customers, o.converged, round(o.p::numeric, 6) <> round(f.p::numeric, 6) AS not_the_known_days_fit
  FROM gk.old_fit o CROSS JOIN gk.fit f;
COPY dormancy.models (model_id, segment_kind, segment_value, fitted_at, fit_seconds, as_of, time_unit, bgnbd, gammagamma) FROM stdin;
7	all	\N	2024-12-31 12:00:00+00	0.5	2024-12-31	7 days	(0.243,4.414,0.793,2.426,,,,t)	\N
\.
UPDATE dormancy.models SET gammagamma = (SELECT ROW(o.*)::dormancy.gammagamma FROM gk.old_fit o) WHERE model_id = 7;
SELECT model_id, gammagamma_x FROM dormancy.models;
-- until it is refitted, customer_status applies it with the x it was
-- fitted with, the frequency, as 0.3.0 did: expected purchases times
-- p(v + frequency m)/(p frequency + q - 1), none where a repeat day has no
-- known amount and m is NULL; forecast_intervals and the value of the
-- value distribution (_expected_value) the same
CREATE TABLE gk.old_expected AS
SELECT s.customer_id, o.frequency, o.x, o.m, s.expected_value, i.expected_value AS interval_value,
	   dormancy._expected_value(NULL, NULL, s.frequency, s.recency_days, s.age_days, s.monetary_value, s.monetary_days,
								(SELECT dormancy._configuration())) AS distribution_value,
	   CASE WHEN o.frequency = 0 OR o.m IS NOT NULL
			THEN s.expected_purchases * f.p * (f.v + coalesce(o.frequency * o.m, 0)) / (f.p * o.frequency + f.q - 1) END AS by_sql
  FROM dormancy.customer_status s
  JOIN gk.observations o ON o.id = s.customer_id
  JOIN dormancy.forecast_intervals i ON i.customer_id = s.customer_id
 CROSS JOIN gk.old_fit f;
SELECT count(*) AS customers, count(expected_value) AS with_value,
	   count(*) FILTER (WHERE abs(expected_value - by_sql) > 1e-12 * abs(by_sql)
						   OR (expected_value IS NULL) <> (by_sql IS NULL)) AS differing,
	   count(*) FILTER (WHERE interval_value IS DISTINCT FROM expected_value) AS interval_differing,
	   count(*) FILTER (WHERE distribution_value IS DISTINCT FROM expected_value) AS distribution_differing
  FROM gk.old_expected;
SELECT count(*) AS model_issues FROM dormancy.data_issues WHERE issue = 'model_evaluation_failed';
-- the next refresh refits, though refit_every is NULL (never), and says why
INSERT INTO dormancy.model_settings (refit_every) VALUES (NULL);
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh('2024-12-31');
SELECT outcome, models_refit, models_refit_reason FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
-- fit_models()'s fit, x the known days
SELECT m.gammagamma_x, (m.gammagamma).p = f.p AND (m.gammagamma).q = f.q AND (m.gammagamma).v = f.v AS the_known_days_fit
  FROM dormancy.models m CROSS JOIN gk.fit f;
-- and the next one does not
CALL dormancy.refresh('2024-12-31');
SELECT outcome, models_refit, models_refit_reason FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DELETE FROM dormancy.model_validations;
DELETE FROM dormancy.model_validation_tracking;
SELECT setval('dormancy.model_validations_validation_id_seq', :seq_last, :'seq_called'::boolean) IS NOT NULL AS sequence_put_back;
DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
DELETE FROM dormancy.value_distribution;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
DROP SCHEMA gk CASCADE;
