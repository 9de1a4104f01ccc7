-- The Pareto/NBD model (src/core/paretonbd.c, src/btyd_sql.c, src/btyd_fit_sql.c).
-- The fit on the CDNOW sample reproduces the published estimates (Fader,
-- Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2005, "A Note on Deriving
-- the Pareto/NBD Model"): r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67,
-- log-likelihood -9595.0.  The likelihood, P(alive) and expected purchases
-- are checked against plain-SQL references that use no hypergeometric
-- function: the integral over the death time and over the forecast period,
-- by Simpson's rule.  A parallel plan gives the serial fit; bad inputs fail
-- with clear errors; NULLs are ignored or give NULL.
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE SCHEMA paretonbd_test;

-- the CDNOW sample: 2,357 customers, weeks, 39-week calibration
CREATE TABLE paretonbd_test.cdnow (id integer, frequency integer, recency double precision, age double precision);
\copy paretonbd_test.cdnow FROM 'test/data/cdnow_customers_summary.csv' CSV HEADER

--
-- The published estimates, to 2 decimals, and the log-likelihood to 0.1
--
CREATE TABLE paretonbd_test.fit AS
SELECT dormancy.paretonbd_fit(frequency, recency, age) AS m FROM paretonbd_test.cdnow;
SELECT round((m).r::numeric, 2) AS r, round((m).alpha::numeric, 2) AS alpha,
	   round((m).s::numeric, 2) AS s, round((m).beta::numeric, 2) AS beta,
	   round((m).log_likelihood::numeric, 1) AS log_likelihood,
	   (m).customers, (m).converged, (m).iterations BETWEEN 1 AND 200 AS iterated
  FROM paretonbd_test.fit;

--
-- Reference likelihood in plain SQL (note, eq. 11 before the integral is
-- taken): L = Gamma(r+x)/Gamma(r) alpha^r beta^s [ (alpha+T)^-(r+x) (beta+T)^-s
--   + integral over tau in (t_x, T) of s (alpha+tau)^-(r+x) (beta+tau)^-(s+1) ]
-- with Gamma(r+x)/Gamma(r) = prod (r+k), k < x, and the integral by
-- Simpson's rule on 2,000 intervals of v = log((g+tau)/(g+t_x)),
-- g = min(alpha, beta) (so that a huge age needs no more intervals), scaled
-- by the integrand's value at t_x.  The function returns (log L, P(alive)).
--
CREATE FUNCTION paretonbd_test.ref(r float8, alpha float8, s float8, beta float8,
	x integer, t_x float8, age float8, OUT loglik float8, OUT p_alive float8)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
	WITH k AS (
		SELECT -(r + x) * ln(alpha + age) - s * ln(beta + age) AS l_alive,
			   -(r + x) * ln(alpha + t_x) - (s + 1) * ln(beta + t_x) AS l_scale,
			   least(alpha, beta) AS g,
			   ln((least(alpha, beta) + age) / (least(alpha, beta) + t_x)) / 2000 AS h),
	nodes AS (
		SELECT i, (g + t_x) * exp(i * h) - g AS tau FROM k, generate_series(0, 2000) i),
	integral AS (
		SELECT coalesce(sum(CASE WHEN i IN (0, 2000) THEN 1 WHEN i % 2 = 1 THEN 4 ELSE 2 END
							* s * ((alpha + t_x) / (alpha + tau)) ^ (r + x)
							* ((beta + t_x) / (beta + tau)) ^ (s + 1) * (g + tau) * h / 3), 0) AS v
		  FROM k, nodes
		 WHERE h > 0),
	lg AS (
		SELECT coalesce(sum(ln(r + j)), 0) AS v FROM generate_series(0, x - 1) j)
	SELECT lg.v + r * ln(alpha) + s * ln(beta) + k.l_scale + ln(exp(k.l_alive - k.l_scale) + integral.v),
		   exp(k.l_alive - k.l_scale) / (exp(k.l_alive - k.l_scale) + integral.v)
	  FROM k, integral, lg
$$;

-- the total over all CDNOW customers (per distinct summary, times its
-- count) at the fitted parameters equals the fit's log-likelihood
SELECT abs(sum(n * (paretonbd_test.ref((m).r, (m).alpha, (m).s, (m).beta, frequency, recency, age)).loglik)
		   - (m).log_likelihood) < 1e-6 AS log_likelihood_matches_integral
  FROM (SELECT frequency, recency, age, count(*) AS n FROM paretonbd_test.cdnow GROUP BY 1, 2, 3) c,
	   paretonbd_test.fit
 GROUP BY (m).log_likelihood;

-- P(alive) of a few CDNOW customers (the first ten, one-time buyers among
-- them, and the most frequent) and of edge cases: recency = age (no
-- death possible in between: P(alive) 1), a huge age, alpha = beta
SELECT id, frequency, recency, age,
	   abs(dormancy.paretonbd_p_alive(m, frequency, recency, age)
		   - (paretonbd_test.ref((m).r, (m).alpha, (m).s, (m).beta, frequency, recency, age)).p_alive) < 1e-9 AS p_alive_matches
  FROM paretonbd_test.cdnow, paretonbd_test.fit
 WHERE id <= 10 OR frequency >= 20
 ORDER BY id;
SELECT x, t_x, age,
	   round(dormancy.paretonbd_p_alive(dormancy.paretonbd(r, alpha, s, beta), x, t_x, age)::numeric, 6) AS p_alive,
	   abs(dormancy.paretonbd_p_alive(dormancy.paretonbd(r, alpha, s, beta), x, t_x, age)
		   - (paretonbd_test.ref(r, alpha, s, beta, x, t_x, age)).p_alive) < 1e-9 AS matches
  FROM (VALUES (0.55, 10.58, 0.61, 11.67, 3, 20.0, 20.0),
			   (0.55, 10.58, 0.61, 11.67, 0, 0.0, 1e4),
			   (0.55, 10.58, 0.61, 11.67, 5, 1.0, 1e4),
			   (2.0, 5.0, 1.5, 5.0, 2, 10.0, 30.0),
			   (2.0, 40.0, 1.5, 0.5, 2, 10.0, 30.0),
			   (0.3, 0.5, 3.0, 60.0, 7, 5.0, 52.0)) v(r, alpha, s, beta, x, t_x, age)
 ORDER BY r, alpha, x, age;

--
-- Expected purchases in the next t: given alive at T, the purchase rate is
-- gamma(r+x, alpha+T) and the dropout rate gamma(s, beta+T), independent,
-- so E[Y(t)] = P(alive) (r+x)/(alpha+T) * integral over u in (0, t) of
-- ((beta+T)/(beta+T+u))^s, here by Simpson's rule on 2,000 intervals.
--
CREATE FUNCTION paretonbd_test.ref_expected(r float8, alpha float8, s float8, beta float8,
	t float8, x integer, t_x float8, age float8)
RETURNS float8 LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, paretonbd_test AS $$
	SELECT (paretonbd_test.ref(r, alpha, s, beta, x, t_x, age)).p_alive * (r + x) / (alpha + age)
		   * sum(CASE WHEN i IN (0, 2000) THEN 1 WHEN i % 2 = 1 THEN 4 ELSE 2 END
				 * ((beta + age) / (beta + age + i * t / 2000)) ^ s) * t / 2000 / 3
	  FROM generate_series(0, 2000) i
$$;
SELECT id, t,
	   abs(dormancy.paretonbd_expected_purchases(m, t, frequency, recency, age)
		   / paretonbd_test.ref_expected((m).r, (m).alpha, (m).s, (m).beta, t, frequency, recency, age) - 1) < 1e-9 AS expected_matches
  FROM paretonbd_test.cdnow, paretonbd_test.fit, (VALUES (1.0), (39.0), (52.0)) h(t)
 WHERE id IN (1, 2, 3, 4, 5, 18, 1516)
 ORDER BY id, t;
-- s = 1 (the closed form's limit), and t = 0
SELECT abs(dormancy.paretonbd_expected_purchases(dormancy.paretonbd(0.5, 10, 1, 12), 26, 2, 20, 39)
		   / paretonbd_test.ref_expected(0.5, 10, 1, 12, 26, 2, 20, 39) - 1) < 1e-9 AS s_equals_1,
	   dormancy.paretonbd_expected_purchases(dormancy.paretonbd(0.5, 10, 1, 12), 0, 2, 20, 39) = 0 AS zero_horizon;

-- the time unit only scales alpha and beta: the same fit in days
SELECT abs(d.r / (w.m).r - 1) < 1e-5 AS r_same,
	   abs(d.alpha / (7 * (w.m).alpha) - 1) < 1e-5 AS alpha_times_7,
	   abs(d.s / (w.m).s - 1) < 1e-5 AS s_same,
	   abs(d.beta / (7 * (w.m).beta) - 1) < 1e-5 AS beta_times_7,
	   abs(d.log_likelihood - (w.m).log_likelihood + sum_x * ln(7)) < 1e-4 AS log_likelihood_shifted
  FROM paretonbd_test.fit w,
	   (SELECT sum(frequency) AS sum_x FROM paretonbd_test.cdnow) sx,
	   LATERAL (SELECT (f.m).* FROM (SELECT dormancy.paretonbd_fit(frequency, recency * 7, age * 7) AS m
									   FROM paretonbd_test.cdnow) f) d;

-- a model from known parameters: the fit fields are NULL
SELECT * FROM dormancy.paretonbd(0.55, 10.58, 0.61, 11.67);

--
-- Parallel plan: partial states in two workers (bgnbd_fit's serialize,
-- deserialize and combine), fitted in the leader: the serial fit.
--
CREATE TABLE paretonbd_test.big AS
SELECT c.* FROM paretonbd_test.cdnow c, generate_series(1, 10) g;
ANALYZE paretonbd_test.big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT dormancy.paretonbd_fit(frequency, recency, age) FROM paretonbd_test.big;
CREATE TABLE paretonbd_test.par AS
SELECT dormancy.paretonbd_fit(frequency, recency, age) AS m FROM paretonbd_test.big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT abs((p.m).r / (c.m).r - 1) < 1e-6 AND abs((p.m).alpha / (c.m).alpha - 1) < 1e-6
	   AND abs((p.m).s / (c.m).s - 1) < 1e-6 AND abs((p.m).beta / (c.m).beta - 1) < 1e-6 AS same_as_cdnow,
	   abs((p.m).log_likelihood / (c.m).log_likelihood - 10) < 1e-9 AS ten_times_log_likelihood,
	   (p.m).customers
  FROM paretonbd_test.par p, paretonbd_test.fit c;

-- GROUP BY: one fit per group; no rows or only NULLs: NULL
SELECT id % 2 AS half, (dormancy.paretonbd_fit(frequency, recency, age)).converged
  FROM paretonbd_test.cdnow GROUP BY 1 ORDER BY 1;
SELECT dormancy.paretonbd_fit(frequency, recency, age) IS NULL AS no_rows FROM paretonbd_test.cdnow WHERE false;
SELECT dormancy.paretonbd_fit(f, r, a) IS NULL AS only_nulls
  FROM (VALUES (NULL::integer, 1.0::float8, 2.0::float8), (1, NULL, 2.0)) v(f, r, a);

-- no repeat purchase: no maximum, a warning and converged = false
SELECT (m).converged, (m).customers
  FROM (SELECT dormancy.paretonbd_fit(0, 0, age) AS m FROM paretonbd_test.cdnow) f;

-- strict: NULL in, NULL out
SELECT dormancy.paretonbd_p_alive(NULL, 1, 2, 3) IS NULL AS null_model,
	   dormancy.paretonbd_p_alive(dormancy.paretonbd(1, 1, 1, 1), NULL, 2, 3) IS NULL AS null_frequency,
	   dormancy.paretonbd_expected_purchases(dormancy.paretonbd(1, 1, 1, 1), NULL, 1, 2, 3) IS NULL AS null_t;

-- bad inputs
SELECT dormancy.paretonbd_fit(-1, 0, 10);
SELECT dormancy.paretonbd_fit(1, 11, 10);
SELECT dormancy.paretonbd_fit(0, 1, 10);
SELECT dormancy.paretonbd_fit(1, 'NaN', 10);
SELECT dormancy.paretonbd(0, 1, 1, 1);
SELECT dormancy.paretonbd(1, 1, 'Infinity', 1);
SELECT dormancy.paretonbd_p_alive(ROW(1, 1, NULL, 1, NULL, NULL, NULL, NULL)::dormancy.paretonbd, 1, 2, 3);
SELECT dormancy.paretonbd_p_alive(ROW(1, -1, 1, 1, NULL, NULL, NULL, NULL)::dormancy.paretonbd, 1, 2, 3);
SELECT dormancy.paretonbd_p_alive(dormancy.paretonbd(1, 1, 1, 1), 1, 4, 3);
SELECT dormancy.paretonbd_expected_purchases(dormancy.paretonbd(1, 1, 1, 1), -1, 1, 2, 3);
SELECT dormancy.paretonbd_expected_purchases(dormancy.paretonbd(1, 1, 1, 1), 'Infinity', 1, 2, 3);

-- the quiet model columns (customer_status): a bad model or summary gives
-- NULLs and the reason in problem, never an error; NULL inputs give NULLs
SELECT 'predictions, model without s' AS "case", round(p.p_alive::numeric, 10) AS p_alive,
	   round(p.expected_purchases::numeric, 10) AS expected_purchases, p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(ROW(1, 1, NULL, 1, NULL, NULL, NULL, NULL)::dormancy.paretonbd,
											NULL, 1, 2, 3, NULL, 10, 5, 0.5) p
UNION ALL
SELECT 'predictions, alpha -1', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(ROW(1, -1, 1, 1, NULL, NULL, NULL, NULL)::dormancy.paretonbd,
											NULL, 1, 2, 3, NULL, 10, 5, 0.5) p
UNION ALL
SELECT 'predictions, recency beyond age', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(dormancy.paretonbd(1, 1, 1, 1), NULL, 1, 4, 3, NULL, 10, 5, 0.5) p
UNION ALL
SELECT 'predictions, infinite horizon', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(dormancy.paretonbd(1, 1, 1, 1), NULL, 1, 2, 3, NULL, 'Infinity', 5, 0.5) p
UNION ALL
SELECT 'predictions, threshold 1.5', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(dormancy.paretonbd(1, 1, 1, 1), NULL, 1, 2, 3, NULL, 10, 5, 1.5) p
UNION ALL
SELECT 'predictions, no lookahead', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(dormancy.paretonbd(1, 1, 1, 1), NULL, 1, 2, 3, NULL, 10, NULL, NULL) p
UNION ALL
SELECT 'predictions, no frequency', round(p.p_alive::numeric, 10), round(p.expected_purchases::numeric, 10),
	   p.expected_value, p.p_alive_ahead, p.dormant_age, p.problem
  FROM dormancy.model_predictions_paretonbd(dormancy.paretonbd(1, 1, 1, 1), NULL, NULL, 2, 3, NULL, 10, 5, 0.5) p;
SELECT 'lookahead, model without s' AS "case", l.*
  FROM dormancy.model_lookahead(ROW(1, 1, NULL, 1, NULL, NULL, NULL, NULL)::dormancy.paretonbd, 1, 2, 3, 5, 0.5) l
UNION ALL
SELECT 'lookahead, recency beyond age', l.*
  FROM dormancy.model_lookahead(dormancy.paretonbd(1, 1, 1, 1), 1, 4, 3, 5, 0.5) l
UNION ALL
SELECT 'lookahead, threshold 1.5', l.*
  FROM dormancy.model_lookahead(dormancy.paretonbd(1, 1, 1, 1), 1, 2, 3, 5, 1.5) l
UNION ALL
SELECT 'lookahead, no age', l.*
  FROM dormancy.model_lookahead(dormancy.paretonbd(1, 1, 1, 1), 1, 2, NULL, 5, 0.5) l;

DROP SCHEMA paretonbd_test CASCADE;
