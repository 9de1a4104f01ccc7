-- BG/NBD and Gamma-Gamma models (src/btyd_sql.c, src/core/btyd.c).
-- The fits on the CDNOW sample reproduce the published estimates; the
-- predictions match the closed forms evaluated independently by mpmath
-- (test/data/bgnbd_reference.csv, test/unit/gen_reference.py); a parallel
-- plan gives the serial result; GROUP BY fits per segment; bad inputs fail
-- with clear errors; NULLs are ignored or give NULL.
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE SCHEMA models_test;

-- the CDNOW sample: 2,357 customers, weeks, 39-week calibration
CREATE TABLE models_test.cdnow (id integer, frequency integer, recency double precision, age double precision);
\copy models_test.cdnow FROM 'test/data/cdnow_customers_summary.csv' CSV HEADER
CREATE TABLE models_test.spend (id integer, x integer, t_x double precision, age double precision, zbar double precision);
\copy models_test.spend FROM 'test/data/cdnow_customers_summary_with_transactions.csv' CSV HEADER
SELECT count(*) AS customers, sum(frequency) AS repeat_purchases, count(*) FILTER (WHERE frequency = 0) AS one_time
  FROM models_test.cdnow;
SELECT count(*) AS customers, count(*) FILTER (WHERE x > 0) AS repeat_customers FROM models_test.spend;

--
-- BG/NBD on CDNOW: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
-- log-likelihood -9582.4 (Fader, Hardie & Lee 2005)
--
CREATE TABLE models_test.bg AS
SELECT dormancy.bgnbd_fit(frequency, recency, age) AS m FROM models_test.cdnow;
SELECT abs((m).r - 0.243) < 0.0005 AS r_ok,
	   abs((m).alpha - 4.414) < 0.0005 AS alpha_ok,
	   abs((m).a - 0.793) < 0.0005 AS a_ok,
	   abs((m).b - 2.426) < 0.0005 AS b_ok,
	   abs((m).log_likelihood - -9582.4) < 0.05 AS log_likelihood_ok,
	   (m).customers, (m).converged, (m).iterations BETWEEN 1 AND 200 AS iterated
  FROM models_test.bg;

-- the time unit only scales alpha: the same fit in days
SELECT abs(d.r / (w.m).r - 1) < 1e-6 AS r_same,
	   abs(d.alpha / (7 * (w.m).alpha) - 1) < 1e-6 AS alpha_times_7,
	   abs(d.a / (w.m).a - 1) < 1e-6 AS a_same,
	   abs(d.b / (w.m).b - 1) < 1e-6 AS b_same
  FROM models_test.bg w,
	   LATERAL (SELECT (f.m).* FROM (SELECT dormancy.bgnbd_fit(frequency, recency * 7, age * 7) AS m
									   FROM models_test.cdnow) f) d;

-- Hardie's Excel sheet (quoted by lifetimes' tests): E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226,
-- E[X(t)] = 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576 at t = 0.1429, 1, 3, 31.8571, 32, 78
SELECT round(dormancy.bgnbd_expected_purchases(m, 39, 2, 30.43, 38.86)::numeric, 3) AS hardie_1_226,
	   round(dormancy.bgnbd_p_alive(m, 2, 30.43, 38.86)::numeric, 4) AS p_alive_customer_1
  FROM models_test.bg;
SELECT t, abs(dormancy.bgnbd_expected_purchases_new(m, t) - sheet) < 5e-4 AS matches_sheet
  FROM models_test.bg,
	   (VALUES (0.1429, 0.0078), (1, 0.0532), (3, 0.1506), (31.8571, 1.0405), (32, 1.0437), (78, 1.8576)) v(t, sheet)
 ORDER BY t;

--
-- Gamma-Gamma on the 946 repeat customers: p = 6.25, q = 3.74, v = 15.44
-- published; lifetimes gets 6.2502, 3.7444, 15.4472.  The maximum is at
-- v = 15.4477, so v is checked to 0.01 of the published value.
--
CREATE TABLE models_test.gg AS
SELECT dormancy.gammagamma_fit(x, zbar) AS m FROM models_test.spend;
SELECT abs((m).p - 6.25) < 0.005 AS p_ok,
	   abs((m).q - 3.74) < 0.005 AS q_ok,
	   abs((m).v - 15.44) < 0.01 AS v_ok,
	   abs((m).p - 6.2502) < 0.002 AND abs((m).q - 3.7444) < 0.002 AND abs((m).v - 15.4472) < 0.001 AS as_lifetimes,
	   (m).customers, (m).skipped, (m).converged
  FROM models_test.gg;

-- expected spend: lifetimes' conditional_expected_average_profit, (p (v + x m)) / (p x + q - 1)
SELECT abs(dormancy.gammagamma_expected_spend(m, 2, 22.35)
		   - (m).p * ((m).v + 2 * 22.35) / ((m).p * 2 + (m).q - 1)) < 1e-12 AS spend_formula,
	   abs(dormancy.gammagamma_expected_spend(m, 0, NULL) - (m).p * (m).v / ((m).q - 1)) < 1e-12 AS new_customer_mean,
	   dormancy.gammagamma_expected_spend(m, 0, NULL) = dormancy.gammagamma_expected_spend(m, 0, 123) AS value_ignored_at_0
  FROM models_test.gg;

--
-- Predictions against the mpmath reference grid (200 rows, extremes
-- included: frequency 10,000, age 100,000, a = 1, a + b < 1).  Values
-- below 1e-300 are stored as 0 there.
--
CREATE TABLE models_test.ref (
	r double precision, alpha double precision, a double precision, b double precision,
	frequency integer, recency double precision, age double precision, t double precision,
	p_alive double precision, expected double precision, expected_new double precision);
\copy models_test.ref FROM 'test/data/bgnbd_reference.csv' CSV HEADER
SELECT count(*) AS grid_rows,
	   count(*) FILTER (WHERE NOT (CASE WHEN p_alive = 0 THEN got_p < 1e-290
								   ELSE abs(got_p - p_alive) <= 1e-12 * p_alive END)) AS p_alive_mismatches,
	   count(*) FILTER (WHERE NOT (CASE WHEN expected = 0 THEN got_e < 1e-290
								   ELSE abs(got_e - expected) <= 1e-9 * expected END)) AS expected_mismatches,
	   count(*) FILTER (WHERE NOT abs(got_n - expected_new) <= 1e-9 * expected_new) AS expected_new_mismatches,
	   bool_and(got_p BETWEEN 0 AND 1) AS p_alive_in_0_1
  FROM (SELECT ref.*,
			   dormancy.bgnbd_p_alive(dormancy.bgnbd(r, alpha, a, b), frequency, recency, age) AS got_p,
			   dormancy.bgnbd_expected_purchases(dormancy.bgnbd(r, alpha, a, b), t, frequency, recency, age) AS got_e,
			   dormancy.bgnbd_expected_purchases_new(dormancy.bgnbd(r, alpha, a, b), t) AS got_n
		  FROM models_test.ref) s;

-- CLV: the discounted sum of spend times expected purchases per period
-- (lifetimes' customer_lifetime_value; 12 months of 4.345 weeks, 1% a month)
SELECT abs(dormancy.clv(b.m, g.m, 2, 30.43, 38.86, 22.35, 12, 0.01, 4.345)
		   - (SELECT sum(dormancy.gammagamma_expected_spend(g.m, 2, 22.35)
					 * (dormancy.bgnbd_expected_purchases(b.m, i * 4.345, 2, 30.43, 38.86)
						- dormancy.bgnbd_expected_purchases(b.m, (i - 1) * 4.345, 2, 30.43, 38.86))
					 / 1.01 ^ i)
				FROM generate_series(1, 12) i)) < 1e-9 AS clv_is_the_discounted_sum,
	   dormancy.clv(b.m, g.m, 2, 30.43, 38.86, 22.35, 0, 0.01) = 0 AS zero_horizon,
	   dormancy.clv(b.m, g.m, 0, 0, 38.86, NULL, 12, 0.01, 4.345) > 0 AS one_time_customer,
	   dormancy.clv(b.m, g.m, 1, 10, 38.86, 20, 52, 0.0) < dormancy.clv(b.m, g.m, 1, 10, 38.86, 20, 104, 0.0) AS grows_with_horizon
  FROM models_test.bg b, models_test.gg g;

-- models from known parameters: the fit fields are NULL
SELECT * FROM dormancy.bgnbd(0.243, 4.414, 0.793, 2.426);
SELECT * FROM dormancy.gammagamma(6.25, 3.74, 15.44);

--
-- Parallel plan: partial fits in two workers, combined (serialize,
-- deserialize, combine) in the leader, equal to the serial fit.  The data
-- are 40 copies of CDNOW (94,280 customers), which must give exactly the
-- CDNOW estimates: identical triples are counted, not stored.
--
CREATE TABLE models_test.big AS
SELECT c.id + 10000 * g AS id, c.frequency, c.recency, c.age, s.zbar, g AS copy
  FROM models_test.cdnow c JOIN models_test.spend s USING (id), generate_series(1, 40) g;
ANALYZE models_test.big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT dormancy.bgnbd_fit(frequency, recency, age), dormancy.gammagamma_fit(frequency, zbar) FROM models_test.big;
CREATE TABLE models_test.par AS
SELECT dormancy.bgnbd_fit(frequency, recency, age) AS bg, dormancy.gammagamma_fit(frequency, zbar) AS gg
  FROM models_test.big;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE models_test.ser AS
SELECT dormancy.bgnbd_fit(frequency, recency, age) AS bg, dormancy.gammagamma_fit(frequency, zbar) AS gg
  FROM models_test.big;
RESET max_parallel_workers_per_gather;
SELECT p.bg = s.bg AS bgnbd_parallel_equals_serial,
	   p.gg = s.gg AS gammagamma_parallel_equals_serial,
	   (p.bg).customers AS customers,
	   (p.gg).customers AS spend_customers,
	   (p.gg).skipped AS spend_skipped,
	   abs((p.bg).r / (c.m).r - 1) < 1e-7 AND abs((p.bg).alpha / (c.m).alpha - 1) < 1e-7
	   AND abs((p.bg).a / (c.m).a - 1) < 1e-7 AND abs((p.bg).b / (c.m).b - 1) < 1e-7 AS same_as_cdnow,
	   abs((p.bg).log_likelihood / (c.m).log_likelihood - 40) < 1e-9 AS log_likelihood_40_times
  FROM models_test.par p, models_test.ser s, models_test.bg c;

-- GROUP BY: one fit per segment, equal to fitting each segment alone
CREATE TABLE models_test.seg AS
SELECT id % 3 AS segment, dormancy.bgnbd_fit(frequency, recency, age) AS bg,
	   dormancy.gammagamma_fit(frequency, zbar) AS gg
  FROM models_test.big WHERE copy = 1 GROUP BY 1;
SELECT s.segment, (s.bg).customers, (s.bg).converged, (s.gg).converged,
	   s.bg = (SELECT dormancy.bgnbd_fit(frequency, recency, age) FROM models_test.big b
				WHERE b.copy = 1 AND b.id % 3 = s.segment) AS bgnbd_as_alone,
	   s.gg = (SELECT dormancy.gammagamma_fit(frequency, zbar) FROM models_test.big b
				WHERE b.copy = 1 AND b.id % 3 = s.segment) AS gammagamma_as_alone
  FROM models_test.seg s ORDER BY 1;

--
-- NULLs
--
-- rows with a NULL are ignored; no rows (or only NULLs) give NULL
SELECT (dormancy.bgnbd_fit(frequency, recency, age)).customers
  FROM (SELECT frequency, recency, age FROM models_test.cdnow
		UNION ALL SELECT NULL, 1, 2 UNION ALL SELECT 1, NULL, 2 UNION ALL SELECT 1, 1, NULL) s;
SELECT dormancy.bgnbd_fit(frequency, recency, age) IS NULL AS no_rows FROM models_test.cdnow WHERE false;
SELECT dormancy.bgnbd_fit(NULL, 1, 2) IS NULL AS only_nulls;
SELECT dormancy.gammagamma_fit(x, zbar) IS NULL AS no_rows FROM models_test.spend WHERE false;
SELECT dormancy.gammagamma_fit(f, m) IS NULL AS only_skipped_rows
  FROM (VALUES (0, NULL::float8), (0, 5), (2, NULL)) v(f, m);
-- strict predictions give NULL for a NULL input
SELECT dormancy.bgnbd_p_alive(m, NULL, 1, 2) IS NULL AS p_alive_null,
	   dormancy.bgnbd_expected_purchases(m, NULL, 1, 1, 2) IS NULL AS expected_null,
	   dormancy.bgnbd_expected_purchases_new(NULL, 10) IS NULL AS new_null
  FROM models_test.bg;
SELECT dormancy.gammagamma_expected_spend(g.m, 3, NULL) IS NULL AS spend_unknown_mean,
	   dormancy.gammagamma_expected_spend(g.m, NULL, 10) IS NULL AS spend_no_frequency,
	   dormancy.clv(b.m, g.m, 3, 10, 20, NULL, 12, 0.01) IS NULL AS clv_unknown_mean,
	   dormancy.clv(b.m, g.m, 3, 10, 20, 15, NULL, 0.01) IS NULL AS clv_no_horizon,
	   dormancy.clv(b.m, NULL, 3, 10, 20, 15, 12, 0.01) IS NULL AS clv_no_model
  FROM models_test.gg g, models_test.bg b;

--
-- Fits that cannot converge return finite numbers with converged = false and a WARNING
--
-- nobody bought twice: the likelihood has no maximum
SELECT (m).converged, (m).customers, (m).r > 0 AND (m).alpha > 0 AND (m).a > 0 AND (m).b > 0 AS finite
  FROM (SELECT dormancy.bgnbd_fit(0, 0, age) AS m FROM generate_series(1, 50) age) s;
-- extremes: frequency 10,000 and age 100,000 among CDNOW customers still fit
SELECT (m).converged, (m).customers
  FROM (SELECT dormancy.bgnbd_fit(frequency, recency, age) AS m
		  FROM (SELECT frequency, recency, age FROM models_test.cdnow
				UNION ALL SELECT 10000, 99990, 100000) s) f;
SELECT dormancy.bgnbd_p_alive(m, 10000, 10, 100000) AS p_alive_silent_heavy_buyer,
	   dormancy.bgnbd_p_alive(m, 10000, 100000, 100000) > 0.99 AS heavy_buyer_who_just_bought,
	   dormancy.bgnbd_expected_purchases(m, 100000, 10000, 99990, 100000) > 0 AS finite_expectation
  FROM models_test.bg;

--
-- Errors
--
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (-1, 0.0, 1.0)) v(f, r, a);
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (2, 5.0, 4.0)) v(f, r, a);
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (0, 1.0, 4.0)) v(f, r, a);
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (1, -1.0, 4.0)) v(f, r, a);
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (1, 1.0, 'infinity'::float8)) v(f, r, a);
SELECT dormancy.bgnbd_fit(f, r, a) FROM (VALUES (1, 'NaN'::float8, 4.0)) v(f, r, a);
SELECT dormancy.gammagamma_fit(f, m) FROM (VALUES (2, 0.0)) v(f, m);
SELECT dormancy.gammagamma_fit(f, m) FROM (VALUES (-2, 10.0)) v(f, m);
SELECT dormancy.bgnbd(0, 4.414, 0.793, 2.426);
SELECT dormancy.bgnbd(0.243, -1, 0.793, 2.426);
SELECT dormancy.bgnbd(0.243, 4.414, 'NaN', 2.426);
SELECT dormancy.gammagamma(6.25, 0, 15.44);
SELECT dormancy.bgnbd_p_alive(dormancy.bgnbd(1, 1, 1, 1), 2, 10, 5);
SELECT dormancy.bgnbd_p_alive(dormancy.bgnbd(1, 1, 1, 1), 0, 3, 5);
SELECT dormancy.bgnbd_expected_purchases(dormancy.bgnbd(1, 1, 1, 1), -1, 2, 3, 5);
SELECT dormancy.bgnbd_expected_purchases_new(dormancy.bgnbd(1, 1, 1, 1), 'infinity');
SELECT dormancy.bgnbd_p_alive(ROW(NULL, 1, 1, 1, NULL, NULL, NULL, NULL)::dormancy.bgnbd, 1, 1, 2);
SELECT dormancy.bgnbd_p_alive(ROW(-1, 1, 1, 1, NULL, NULL, NULL, NULL)::dormancy.bgnbd, 1, 1, 2);
SELECT dormancy.gammagamma_expected_spend(dormancy.gammagamma(1, 0.8, 10), 0, NULL);
SELECT dormancy.gammagamma_expected_spend(dormancy.gammagamma(6, 4, 15), 2, -5);
SELECT dormancy.clv(dormancy.bgnbd(1, 1, 1, 1), dormancy.gammagamma(6, 4, 15), 1, 1, 2, 10, -1, 0.01);
SELECT dormancy.clv(dormancy.bgnbd(1, 1, 1, 1), dormancy.gammagamma(6, 4, 15), 1, 1, 2, 10, 12, -1);
SELECT dormancy.clv(dormancy.bgnbd(1, 1, 1, 1), dormancy.gammagamma(6, 4, 15), 1, 1, 2, 10, 12, 0.01, 0);
SELECT dormancy.clv(dormancy.bgnbd(1, 1, 1, 1), dormancy.gammagamma(6, 4, 15), 1, 3, 2, 10, 12, 0.01);

DROP SCHEMA models_test CASCADE;
