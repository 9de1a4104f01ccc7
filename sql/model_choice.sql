-- The model per segment (model_settings.model): BG/NBD by default,
-- Pareto/NBD when chosen and converged, or the one with the higher
-- log-likelihood; customer_status takes every model column from the model
-- chosen.  CDNOW sample, weekly, as of the end of its calibration period.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA mc;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE mc.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, nullif(f[5]::numeric, 0) AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
SELECT dormancy.bind_orders('mc.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars');
SET dormancy.as_of = '1997-09-30';

-- the default: BG/NBD, no Pareto/NBD fitted
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');
SELECT segment_kind, model, paretonbd IS NULL AS no_paretonbd FROM dormancy.fit_models();
SELECT forecast_model, count(*) FROM dormancy.customer_status GROUP BY 1 ORDER BY 1;

-- by likelihood: on CDNOW, BG/NBD's is the higher (-9582.4 against -9595.0)
UPDATE dormancy.model_settings SET model = 'likelihood';
SELECT segment_kind, model, round((bgnbd).log_likelihood::numeric, 1) AS bgnbd_ll,
	   round((paretonbd).log_likelihood::numeric, 1) AS paretonbd_ll,
	   (model = 'paretonbd') = ((paretonbd).log_likelihood > (bgnbd).log_likelihood) AS higher_chosen
  FROM dormancy.fit_models();

-- Pareto/NBD chosen: every model column of customer_status is its own (the
-- horizon: model_settings.horizon, 1 year = 365.25 days)
UPDATE dormancy.model_settings SET model = 'paretonbd';
SELECT segment_kind, model, round((paretonbd).r::numeric, 2) AS r, round((paretonbd).alpha::numeric, 2) AS alpha,
	   round((paretonbd).s::numeric, 2) AS s, round((paretonbd).beta::numeric, 2) AS beta
  FROM dormancy.fit_models();
CREATE TABLE mc.m AS SELECT paretonbd AS m, gammagamma AS g FROM dormancy.models;
SELECT c.forecast_model, count(*) AS customers,
	   max(abs(c.p_alive - dormancy.paretonbd_p_alive(m.m, c.frequency, c.recency_days / 7.0, c.age_days / 7.0))) < 1e-12 AS p_alive,
	   max(abs(c.expected_purchases - dormancy.paretonbd_expected_purchases(m.m, 365.25 / 7.0, c.frequency, c.recency_days / 7.0, c.age_days / 7.0))) < 1e-9 AS expected_purchases,
	   max(abs(c.expected_value - c.expected_purchases * dormancy.gammagamma_expected_spend(m.g, c.frequency, c.monetary_value))
		   / c.expected_value) < 1e-12 AS expected_value,
	   max(abs(c.p_alive_ahead - dormancy.paretonbd_p_alive(m.m, c.frequency, c.recency_days / 7.0, (c.age_days + 90) / 7.0))) < 1e-12 AS p_alive_ahead,
	   count(c.p_purchase_ahead) AS with_p_purchase_ahead
  FROM dormancy.customer_status c, mc.m m
 GROUP BY 1;
-- Pareto/NBD chosen where the BG/NBD fit did not converge (fit_models()
-- chooses it then, 'the BG/NBD fit did not converge'): the Pareto/NBD model
-- applies (before: none did); with neither converged, none
UPDATE dormancy.models SET bgnbd.converged = false;
SELECT c.forecast_model, count(*) AS customers,
	   max(abs(c.p_alive - dormancy.paretonbd_p_alive(m.m, c.frequency, c.recency_days / 7.0, c.age_days / 7.0))) < 1e-12 AS p_alive
  FROM dormancy.customer_status c, mc.m m
 GROUP BY 1;
-- and nothing reads the BG/NBD fit that did not converge (suggest_rules'
-- cross-check computed P(alive) from it: "NULL without a converged model")
SELECT (dormancy._model_for(NULL, NULL, (SELECT dormancy._configuration()))).bgnbd IS NULL AS no_bgnbd,
	   (SELECT count(p_alive_at_dormant) FROM dormancy.suggest_rules(min_gaps => 1)) AS with_p_alive_at_dormant;
UPDATE dormancy.models SET paretonbd.converged = false;
SELECT c.forecast_model, count(*) AS customers, count(c.p_alive) AS with_p_alive
  FROM dormancy.customer_status c GROUP BY 1;
-- Pareto/NBD chosen but not converged: BG/NBD applies
UPDATE dormancy.models SET bgnbd.converged = true;
SELECT c.forecast_model, count(*) AS customers FROM dormancy.customer_status c GROUP BY 1;
UPDATE dormancy.models SET paretonbd.converged = true;
-- the dormancy day: Pareto/NBD's P(alive) is below 0.5 on it and not the
-- day before (one-time buyers too: under Pareto/NBD they may drop out)
SELECT count(*) FILTER (WHERE c.frequency = 0 AND c.expected_dormancy_day IS NOT NULL) AS one_time_with_day,
	   bool_and(dormancy.paretonbd_p_alive(m.m, c.frequency, c.recency_days / 7.0, (c.expected_dormancy_day - c.first_order_at) / 7.0) < 0.5
				AND (c.expected_dormancy_day - 1 < c.last_order_at
					 OR dormancy.paretonbd_p_alive(m.m, c.frequency, c.recency_days / 7.0, (c.expected_dormancy_day - 1 - c.first_order_at) / 7.0) >= 0.5))
		   AS first_day_below
  FROM dormancy.customer_status c, mc.m m
 WHERE c.expected_dormancy_day IS NOT NULL;
-- the setting is checked
UPDATE dormancy.model_settings SET model = 'pareto';

RESET dormancy.as_of;
DELETE FROM dormancy.model_settings;
DELETE FROM dormancy.models;
SELECT dormancy.unbind('orders');
DROP SCHEMA mc CASCADE;
