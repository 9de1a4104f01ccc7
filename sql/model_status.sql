-- Models in customer_status: fit_models() over the bound data, per segment
-- with fallback to the overall model, p_alive / expected_purchases /
-- expected_value per customer checked against independent computations, and
-- the CDNOW sample end to end through bind_orders.
SET client_min_messages = error;	-- the fits of segments that do not fit the model warn
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

-- no model fitted: the model columns are NULL
CREATE SCHEMA ms;
CREATE TABLE ms.orders (cid int, day date, amount numeric);
INSERT INTO ms.orders VALUES (1, '2026-01-01', 10), (1, '2026-03-01', 20), (2, '2026-02-01', 5);
SELECT dormancy.bind_orders('ms.orders', customer => 'cid', ordered_at => 'day', amount => 'amount');
SET dormancy.as_of = '2026-11-01';
SELECT customer_id, frequency, recency_days, age_days, monetary_value, model_id, p_alive, expected_purchases, expected_value
  FROM dormancy.customer_status ORDER BY customer_id;

-- CDNOW end to end: transactions bound as orders, weekly units, one model.
-- The published fit counts 8 customers whose calibration purchases are all
-- $0.00; here a day whose net is not positive is no purchase, so they have
-- no purchase day and drop out (2,349 customers): the estimates move in the
-- third decimal.  sql/models.sql reproduces the published numbers exactly
-- from the published summary.
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE ms.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
SELECT dormancy.bind_orders('ms.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars');
SET dormancy.as_of = '1997-09-30';
INSERT INTO dormancy.model_settings (time_unit, horizon, segment_by) VALUES ('7 days', '39 weeks', 'none');
SELECT segment_kind, (bgnbd).customers, (bgnbd).converged,
	   abs((bgnbd).r - 0.243) < 0.002 AS r_near, abs((bgnbd).alpha - 4.414) < 0.02 AS alpha_near,
	   abs((bgnbd).a - 0.793) < 0.002 AS a_near, abs((bgnbd).b - 2.426) < 0.01 AS b_near,
	   (gammagamma).customers AS gg_customers, abs((gammagamma).p - 6.25) < 0.01 AS p_near,
	   abs((gammagamma).q - 3.74) < 0.01 AS q_near, abs((gammagamma).v - 15.44) < 0.02 AS v_near
  FROM dormancy.fit_models();
-- customer 1 of the published example (x=2, t_x=30.43, T=38.86): p_alive and 39-week expectation
SELECT customer_id, frequency, round((recency_days / 7)::numeric, 2) AS t_x, round((age_days / 7)::numeric, 2) AS t,
	   round(p_alive::numeric, 4) AS p_alive, round(expected_purchases::numeric, 3) AS expected_39_weeks
  FROM dormancy.customer_status WHERE customer_id = 1;

-- the demo data, one model per industry where it converges
\set customers 3000
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
SET client_min_messages = error;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
SET dormancy.as_of = '2026-11-01';
UPDATE dormancy.model_settings SET segment_by = 'industry', min_customers = 300, horizon = '1 year';
SELECT segment_kind, segment_value, (bgnbd).customers, (bgnbd).converged AS bgnbd_converged,
	   (gammagamma).customers AS gg_customers, (gammagamma).converged AS gg_converged, fit_seconds >= 0 AS timed
  FROM dormancy.fit_models();

-- each customer uses its industry's converged model, else the overall one
SELECT count(*) FILTER (WHERE m.segment_kind = 'industry' AND m.segment_value <> lower(cs.industry)) AS wrong_segment,
	   count(*) FILTER (WHERE m.segment_kind = 'all' AND EXISTS (
			SELECT 1 FROM dormancy.models x WHERE x.segment_kind = 'industry'
			   AND x.segment_value = lower(cs.industry) AND (x.bgnbd).converged)) AS missed_segment_model,
	   count(*) FILTER (WHERE NOT (m.bgnbd).converged) AS unconverged_used,
	   count(DISTINCT m.model_id) > 1 AS several_models_used
  FROM dormancy.customer_status cs JOIN dormancy.models m USING (model_id);

-- p_alive: the BG/NBD closed form written out in SQL, on summaries computed
-- from the order rows (not from the history)
CREATE TEMP TABLE days AS
SELECT account_id AS c, (invoiced_on AT TIME ZONE 'UTC')::date AS day, sum(total) AS net, count(total) AS known,
	   count(*) FILTER (WHERE total IS NULL) AS unknown
  FROM demo.invoices WHERE account_id IS NOT NULL AND invoiced_on IS NOT NULL
 GROUP BY 1, 2;
CREATE TEMP TABLE summary AS
SELECT c, count(*) - 1 AS x, (max(day) - min(day)) / 7.0 AS t_x, (date '2026-11-01' - min(day)) / 7.0 AS t_cal
  FROM days WHERE day <= '2026-11-01' AND (CASE WHEN known = 0 THEN unknown > 0 ELSE net > 0 END)
 GROUP BY c;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE abs(cs.p_alive - ref.p_alive) > 1e-9) AS p_alive_mismatches,
	   count(*) FILTER (WHERE abs(cs.expected_purchases
			- dormancy.bgnbd_expected_purchases(m.bgnbd, 365.25 / 7, s.x::int, s.t_x, s.t_cal)) > 1e-9) AS expected_mismatches,
	   count(*) FILTER (WHERE cs.expected_value IS NOT NULL
			AND abs(cs.expected_value - cs.expected_purchases
				* dormancy.gammagamma_expected_spend(m.gammagamma, cs.monetary_days, cs.monetary_value)) > 1e-6) AS value_mismatches,
	   count(*) FILTER (WHERE cs.expected_value IS NOT NULL) > 1000 AS values_exercised,
	   min(cs.p_alive) < 0.5 AND max(cs.p_alive) = 1 AS p_alive_spread
  FROM dormancy.customer_status cs
  JOIN dormancy.models m USING (model_id)
  JOIN summary s ON s.c = cs.customer_id
 CROSS JOIN LATERAL (
	SELECT 1 / (1 + CASE WHEN s.x > 0
						 THEN ((m.bgnbd).a / ((m.bgnbd).b + s.x - 1))
							  * power(((m.bgnbd).alpha + s.t_cal) / ((m.bgnbd).alpha + s.t_x), (m.bgnbd).r + s.x)
						 ELSE 0 END) AS p_alive) ref;
-- the dormant are less likely alive than the active
SELECT state, avg(p_alive) < 1 AS some_doubt
  FROM dormancy.customer_status WHERE state IN ('active', 'dormant', 'long_dormant') GROUP BY state ORDER BY state;
SELECT (SELECT avg(p_alive) FROM dormancy.customer_status WHERE state = 'active' AND frequency > 0)
	 > (SELECT avg(p_alive) FROM dormancy.customer_status WHERE state = 'long_dormant' AND frequency > 0) AS active_more_alive;

-- settings are checked
INSERT INTO dormancy.model_settings (singleton) VALUES (true);
UPDATE dormancy.model_settings SET time_unit = '1 month';
UPDATE dormancy.model_settings SET time_unit = '0 days';
UPDATE dormancy.model_settings SET segment_by = 'region';
UPDATE dormancy.model_settings SET min_customers = 1;

-- no segments: one model
UPDATE dormancy.model_settings SET segment_by = 'none';
SELECT segment_kind, segment_value FROM dormancy.fit_models();
SELECT count(DISTINCT model_id) AS models_used FROM dormancy.customer_status;

DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA ms CASCADE;
DROP SCHEMA demo CASCADE;
