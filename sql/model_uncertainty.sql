-- Uncertainty of the fitted parameters: the aggregates bgnbd_standard_errors
-- and gammagamma_standard_errors, the standard errors fit_models() stores in
-- dormancy.models, and the live view model_parameters (made at the first
-- bind, like the other live views) with 95% intervals.
-- CDNOW: the standard errors lifetimes reports for the same BG/NBD fit
-- (0.012557, 0.378221, 0.185719, 0.705345).  The coverage of the intervals
-- over simulated data and the comparison with a numerical Hessian of the
-- log-likelihood are in test/unit/test_btyd_se.c.
SET client_min_messages = error;	-- the fits of segments that do not fit the model warn
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA mu;

-- the published CDNOW summary (weeks): fit, then the standard errors
CREATE TABLE mu.summary (id integer, frequency integer, recency double precision, age double precision);
\copy mu.summary FROM 'test/data/cdnow_customers_summary.csv' CSV HEADER
CREATE TABLE mu.spend (id integer, x integer, t_x double precision, age double precision, zbar double precision);
\copy mu.spend FROM 'test/data/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE TABLE mu.fit AS
SELECT (SELECT dormancy.bgnbd_fit(frequency, recency, age) FROM mu.summary) AS bg,
	   (SELECT dormancy.gammagamma_fit(x, zbar) FROM mu.spend) AS gg;
SELECT round(se[1]::numeric, 6) AS se_r, round(se[2]::numeric, 6) AS se_alpha,
	   round(se[3]::numeric, 6) AS se_a, round(se[4]::numeric, 5) AS se_b
  FROM (SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age) AS se
		  FROM mu.fit f, mu.summary s) x;
SELECT round(se[1]::numeric, 4) AS se_p, round(se[2]::numeric, 5) AS se_q, round(se[3]::numeric, 4) AS se_v
  FROM (SELECT dormancy.gammagamma_standard_errors(f.gg, s.x, s.zbar) AS se
		  FROM mu.fit f, mu.spend s) x;
-- the order of the rows does not matter; rows with a NULL are ignored;
-- Gamma-Gamma leaves out frequency 0 and NULL spends, as its fit does
SELECT (SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age ORDER BY s.recency DESC, s.id)
		  FROM mu.fit f, mu.summary s)
	   = (SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age)
			FROM mu.fit f, (SELECT * FROM mu.summary UNION ALL SELECT 0, NULL, 1, 2) s) AS same_bgnbd,
	   (SELECT dormancy.gammagamma_standard_errors(f.gg, s.x, s.zbar ORDER BY s.zbar, s.id)
		  FROM mu.fit f, mu.spend s)
	   = (SELECT dormancy.gammagamma_standard_errors(f.gg, s.x, s.zbar)
			FROM mu.fit f, (SELECT id, x, zbar FROM mu.spend WHERE x > 0 UNION ALL SELECT 0, 3, NULL) s) AS same_gammagamma;
-- more data, smaller errors: the summary counted four times halves them
SELECT round((a.se[1] / b.se[1])::numeric, 6) AS ratio_r, round((a.se[4] / b.se[4])::numeric, 6) AS ratio_b
  FROM (SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age) AS se FROM mu.fit f, mu.summary s) a,
	   (SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age) AS se
		  FROM mu.fit f, mu.summary s, generate_series(1, 4)) b;
-- no rows, no model: NULL
SELECT dormancy.bgnbd_standard_errors(f.bg, s.frequency, s.recency, s.age) IS NULL AS no_rows
  FROM mu.fit f, mu.summary s WHERE false;
SELECT dormancy.bgnbd_standard_errors(NULL, s.frequency, s.recency, s.age) IS NULL AS no_model FROM mu.summary s;
SELECT dormancy.gammagamma_standard_errors(f.gg, 0, NULL) IS NULL AS no_repeat_buyer FROM mu.fit f;
-- one model per group: two are an error, as are invalid models and inputs
SELECT dormancy.bgnbd_standard_errors(CASE WHEN s.id < 10 THEN dormancy.bgnbd(1, 2, 3, 4) ELSE f.bg END,
									  s.frequency, s.recency, s.age)
  FROM mu.fit f, mu.summary s;
SELECT dormancy.bgnbd_standard_errors(ROW(-1, 1, 1, 1, NULL, NULL, NULL, NULL)::dormancy.bgnbd, 1, 2, 3);
SELECT dormancy.bgnbd_standard_errors(f.bg, 1, 5, 3) FROM mu.fit f;
SELECT dormancy.gammagamma_standard_errors(f.gg, 2, -1) FROM mu.fit f;

-- fit_models() stores them: CDNOW transactions bound as orders, split into
-- two industries, so that the overall model and each segment's have their
-- own standard errors over their own customers
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE mu.orders AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
CREATE TABLE mu.customers AS
SELECT DISTINCT id, 'customer ' || id AS name, CASE WHEN id % 3 = 0 THEN 'Retail' ELSE 'Wholesale' END AS industry
  FROM mu.orders;
SELECT dormancy.bind_customers('mu.customers', id => 'id', name => 'name', industry => 'industry') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('mu.orders', customer => 'id', ordered_at => 'day', amount => 'dollars') IS NOT NULL AS bound;
SET dormancy.as_of = '1997-09-30';
INSERT INTO dormancy.model_settings (time_unit, horizon, segment_by, min_customers) VALUES ('7 days', '39 weeks', 'industry', 500);
SELECT segment_kind, segment_value, (bgnbd).customers, (bgnbd).converged, (gammagamma).converged AS gg_converged,
	   cardinality(bgnbd_std_errors) AS bgnbd_ses, cardinality(gammagamma_std_errors) AS gg_ses
  FROM dormancy.fit_models();

-- the view: seven rows per model, the stored standard errors, positive
-- intervals around the estimate, built on the log scale
SELECT segment_kind, segment_value, model, parameter, round(estimate::numeric, 3) AS estimate,
	   round(std_error::numeric, 3) AS std_error, round(ci_low::numeric, 3) AS ci_low,
	   round(ci_high::numeric, 3) AS ci_high, converged
  FROM dormancy.model_parameters
 ORDER BY segment_kind, segment_value, model, array_position(ARRAY['r', 'alpha', 'a', 'b', 'p', 'q', 'v'], parameter);
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE 0 < ci_low AND ci_low < estimate AND estimate < ci_high) AS around_the_estimate,
	   count(*) FILTER (WHERE abs(ln(ci_high / estimate) - 1.959963984540054 * std_error / estimate) < 1e-12
						  AND abs(ln(estimate / ci_low) - 1.959963984540054 * std_error / estimate) < 1e-12) AS log_scale,
	   count(*) FILTER (WHERE ci_high - estimate > estimate - ci_low) AS longer_above
  FROM dormancy.model_parameters;

-- each stored standard error is that of its model over its own customers,
-- computed again here from customer_core (days, in weeks), independently of
-- fit_models(): the overall model over everyone, a segment's over its own
WITH c AS (
	SELECT lower(industry) AS segment_value, frequency, recency_days / 7.0 AS recency,
		   age_days / 7.0 AS age, monetary_value
	  FROM dormancy.customer_core WHERE frequency IS NOT NULL),
again AS (
	SELECT m.model_id, dormancy.bgnbd_standard_errors(m.bgnbd, c.frequency, c.recency, c.age) AS bg,
		   dormancy.gammagamma_standard_errors(m.gammagamma, c.frequency, c.monetary_value) AS gg
	  FROM dormancy.models m
	  JOIN c ON m.segment_kind = 'all' OR c.segment_value = m.segment_value
	 GROUP BY m.model_id)
SELECT m.segment_kind, m.segment_value,
	   (SELECT max(abs(x / y - 1)) FROM unnest(m.bgnbd_std_errors, a.bg) u(x, y)) < 1e-9 AS bgnbd_same,
	   (SELECT max(abs(x / y - 1)) FROM unnest(m.gammagamma_std_errors, a.gg) u(x, y)) < 1e-9 AS gg_same,
	   m.bgnbd_std_errors <> (SELECT o.bgnbd_std_errors FROM dormancy.models o WHERE o.segment_kind = 'all')
		   OR m.segment_kind = 'all' AS own_errors
  FROM dormancy.models m JOIN again a USING (model_id)
 ORDER BY m.segment_kind, m.segment_value;

-- a fit that does not converge has no standard errors: one customer
-- segment of five one-time buyers (min_customers 10 is the least allowed)
UPDATE dormancy.model_settings SET segment_by = 'none';
DELETE FROM mu.orders WHERE id > 5;
DELETE FROM mu.orders o WHERE day > (SELECT min(day) FROM mu.orders p WHERE p.id = o.id);
SELECT segment_kind, (bgnbd).customers, (bgnbd).converged, bgnbd_std_errors, gammagamma
  FROM dormancy.fit_models();
SELECT model, parameter, std_error, ci_low, ci_high, converged
  FROM dormancy.model_parameters ORDER BY model, parameter;

-- analysts read the view, as they read models and the other live views
SELECT has_table_privilege('dormancy_analyst', 'dormancy.model_parameters', 'SELECT') AS analyst,
	   has_table_privilege('dormancy_reader', 'dormancy.model_parameters', 'SELECT') AS reader;

DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA mu CASCADE;
