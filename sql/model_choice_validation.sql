-- The model per segment chosen by holdout validation
-- (model_settings.model = 'validation'): validate_models() validates
-- Pareto/NBD beside BG/NBD (its rows have model = 'paretonbd'), and
-- fit_models() applies, per segment, the model with the lower mean absolute
-- error in the segment's latest validation of both, BG/NBD without one;
-- models.model_reason says why.  CDNOW sample, weekly, calibration to
-- 1997-09-30, holdout to 1998-06-30 (39 weeks).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA mv;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE mv.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, nullif(f[5]::numeric, 0) AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
SELECT dormancy.bind_orders('mv.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars');

-- with the default setting (bgnbd) only BG/NBD is validated, and without a
-- validation of both the choice falls back to BG/NBD and says so
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');
SELECT model, count(*) AS rows FROM dormancy.validate_models('1997-09-30', '1998-06-30') GROUP BY 1;
UPDATE dormancy.model_settings SET model = 'validation';
SET dormancy.as_of = '1997-09-30';
SELECT segment_kind, model, model_reason FROM dormancy.fit_models();

-- validated with model = 'validation': Pareto/NBD's rows follow BG/NBD's
CREATE TEMP TABLE run AS SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30');
SELECT model, bucket, customers, round(predicted::numeric, 2) AS predicted, actual,
	   round(mean_absolute_error::numeric, 4) AS mae, spend_customers, round(predicted_spend::numeric, 2) AS predicted_spend
  FROM run ORDER BY model, bucket COLLATE "C";
-- the Pareto/NBD fit on the calibration period is the published one, and
-- its predictions are its conditional expectations over the 39 weeks,
-- summed per bucket; the actual counts and the spend columns are BG/NBD's
SELECT round((paretonbd).r::numeric, 2) AS r, round((paretonbd).alpha::numeric, 2) AS alpha,
	   round((paretonbd).s::numeric, 2) AS s, round((paretonbd).beta::numeric, 2) AS beta,
	   round((paretonbd).log_likelihood::numeric, 1) AS log_likelihood, bgnbd IS NOT NULL AS with_bgnbd
  FROM dormancy.latest_validation WHERE model = 'paretonbd' AND bucket = 'all';
CREATE TABLE mv.summaries AS
SELECT b.*
  FROM (SELECT id, array_agg(day ORDER BY day) AS days FROM (SELECT DISTINCT id, day FROM mv.cdnow WHERE day <= '1997-09-30') d GROUP BY id) c
 CROSS JOIN LATERAL (SELECT c.id, cardinality(c.days) - 1 AS x, (c.days[cardinality(c.days)] - c.days[1]) / 7.0 AS t_x,
							('1997-09-30'::date - c.days[1]) / 7.0 AS t) b;
SELECT k.bucket,
	   abs(v.predicted - sum(dormancy.paretonbd_expected_purchases(p.paretonbd, 273 / 7.0, s.x, s.t_x, s.t))) < 1e-9 AS predicted,
	   v.actual = (SELECT actual FROM run r WHERE r.model = 'bgnbd' AND r.bucket = k.bucket) AS same_actual,
	   abs(v.predicted_spend - (SELECT predicted_spend FROM run r WHERE r.model = 'bgnbd' AND r.bucket = k.bucket)) < 1e-9 AS same_spend
  FROM (VALUES ('0'), ('1'), ('2'), ('7+'), ('all')) k(bucket)
  JOIN run v ON v.model = 'paretonbd' AND v.bucket = k.bucket
 CROSS JOIN (SELECT paretonbd FROM dormancy.latest_validation WHERE model = 'paretonbd' AND bucket = 'all') p
  JOIN mv.summaries s ON k.bucket = 'all' OR k.bucket = CASE WHEN s.x >= 7 THEN '7+' ELSE s.x::text END
 GROUP BY k.bucket, v.predicted, v.actual, v.predicted_spend ORDER BY 1;
-- the mean absolute error, recomputed from the bucket rows
SELECT model, abs(min(mean_absolute_error) - avg(abs(predicted - actual) / customers) FILTER (WHERE bucket <> 'all')) < 1e-12 AS mae
  FROM run GROUP BY 1 ORDER BY 1;
-- the tracking stays BG/NBD's: one curve per segment
SELECT count(*) AS periods, count(DISTINCT period) AS distinct_periods FROM dormancy.latest_validation_tracking;

-- the choice: the lower error wins, and the reason names the run and both errors
SELECT segment_kind, model, model_reason,
	   model = (SELECT CASE WHEN p.mean_absolute_error < b.mean_absolute_error THEN 'paretonbd' ELSE 'bgnbd' END
				  FROM run b JOIN run p ON p.bucket = b.bucket
				 WHERE b.bucket = 'all' AND b.model = 'bgnbd' AND p.model = 'paretonbd') AS lower_error_chosen
  FROM dormancy.fit_models();
SELECT forecast_model, count(*) FROM dormancy.customer_status GROUP BY 1;
-- _model_for returns the model chosen, with its Pareto/NBD fit
SELECT m.model, m.paretonbd = d.paretonbd AS its_paretonbd, m.model_id = d.model_id AS same_row
  FROM dormancy._model_for(NULL, NULL, (SELECT dormancy._configuration())) m, dormancy.models d;
-- the value distribution fit_models() stores is that of customer_status's
-- expected_value under the model chosen (Pareto/NBD here)
SELECT max(abs(v.quantiles[k + 1] - s.q[k + 1])) < 1e-9 AS same_quantiles, v.customers
  FROM dormancy.value_distribution v,
	   (SELECT percentile_cont(ARRAY(SELECT g / 200.0 FROM generate_series(0, 200) g))
				   WITHIN GROUP (ORDER BY expected_value) AS q
		  FROM dormancy.customer_status WHERE expected_value >= 0) s,
	   generate_series(0, 200) k
 WHERE v.measure = 'expected_value'
 GROUP BY v.customers;
-- a Pareto/NBD model row edited by hand into an invalid one: its customers'
-- model columns are NULL and data_issues lists them
UPDATE dormancy.models SET paretonbd.r = -1;
SELECT count(*) AS customers, count(p_alive) AS with_p_alive FROM dormancy.customer_status;
SELECT issue, count(*), min(detail) AS detail FROM dormancy.data_issues WHERE issue = 'model_evaluation_failed' GROUP BY 1;
-- the latest validation of both decides: where Pareto/NBD did worse (an
-- edited run) the choice turns to BG/NBD, and a tie is BG/NBD's; a later
-- run of BG/NBD alone does not count
UPDATE dormancy.model_validations SET mean_absolute_error = 0.3
 WHERE validation_id = (SELECT max(validation_id) FROM dormancy.model_validations) AND model = 'paretonbd';
UPDATE dormancy.model_settings SET model = 'bgnbd';
SELECT count(*) AS bgnbd_rows FROM dormancy.validate_models('1997-09-30', '1998-06-30');
UPDATE dormancy.model_settings SET model = 'validation';
SELECT segment_kind, model, model_reason FROM dormancy.fit_models();
SELECT forecast_model, count(*) FROM dormancy.customer_status GROUP BY 1;
UPDATE dormancy.model_validations p SET mean_absolute_error = b.mean_absolute_error
  FROM dormancy.model_validations b
 WHERE p.validation_id = 2 AND p.model = 'paretonbd' AND b.validation_id = 2 AND b.model = 'bgnbd' AND b.bucket = p.bucket;
SELECT segment_kind, model, model_reason FROM dormancy.fit_models();
-- a Pareto/NBD fit that does not converge is never chosen: the one-time
-- buyers of the sample alone (no repeat purchase: the likelihood has no
-- maximum)
CREATE TABLE mv.few AS
SELECT * FROM mv.cdnow WHERE day <= '1997-09-30'
   AND id IN (SELECT id FROM mv.cdnow WHERE day <= '1997-09-30' GROUP BY id HAVING count(DISTINCT day) = 1);
SELECT dormancy.bind_orders('mv.few', customer => 'id', ordered_at => 'day', amount => 'dollars');
SELECT segment_kind, model, (paretonbd).converged AS paretonbd_converged, model_reason FROM dormancy.fit_models();
-- the setting is checked
UPDATE dormancy.model_settings SET model = 'holdout';

RESET dormancy.as_of;
DELETE FROM dormancy.model_validations;
DELETE FROM dormancy.model_validation_tracking;
DELETE FROM dormancy.model_settings;
DELETE FROM dormancy.models;
SELECT dormancy.unbind('orders');
DROP SCHEMA mv CASCADE;
