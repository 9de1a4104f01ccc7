--
-- Holdout validation of the models (docs/models.md, "Holdout validation"):
-- validate_models() fits BG/NBD and Gamma-Gamma (and Pareto/NBD unless
-- model_settings.model is bgnbd) on the purchases up to a calibration day,
-- per segment as fit_models() does, and compares the
-- predictions with what happened up to a holdout day: repeat purchase days
-- per calibration-frequency bucket, mean spend per purchase day, and the
-- cumulative repeat purchase days per time unit (Fader, Hardie & Lee 2005,
-- figures 2 to 4).  Every run is kept; the live views latest_validation and
-- latest_validation_tracking (sql_src/70_views.sql) show the latest run of
-- each segment.
--

CREATE SEQUENCE dormancy.model_validations_validation_id_seq AS integer;
COMMENT ON SEQUENCE dormancy.model_validations_validation_id_seq IS
	'generates dormancy.model_validations.validation_id, one per run of validate_models()';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validations_validation_id_seq', '');

CREATE TABLE dormancy.model_validations (
	validation_id integer NOT NULL,
	validated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	calibration_end date NOT NULL,
	holdout_end date NOT NULL,
	time_unit interval NOT NULL,
	segment_kind text NOT NULL,
	segment text,
	bucket text NOT NULL,
	customers bigint NOT NULL,
	predicted double precision,
	actual double precision NOT NULL,
	mean_absolute_error double precision,
	spend_customers bigint NOT NULL,
	predicted_spend double precision,
	actual_spend double precision,
	spend_mean_absolute_error double precision,
	bgnbd dormancy.bgnbd,
	gammagamma dormancy.gammagamma,
	model text NOT NULL DEFAULT 'bgnbd',
	paretonbd dormancy.paretonbd,
	-- (the default: what a validation made before 0.4.0 took, as in models)
	gammagamma_x text NOT NULL DEFAULT 'frequency',
	CONSTRAINT model_validations_gammagamma_x CHECK (gammagamma_x IN ('frequency', 'monetary_days')),
	CONSTRAINT model_validations_key UNIQUE NULLS NOT DISTINCT (validation_id, model, segment_kind, segment, bucket),
	CONSTRAINT model_validations_model CHECK (model IN ('bgnbd', 'paretonbd')),
	CONSTRAINT model_validations_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT model_validations_segment CHECK ((segment_kind = 'all') = (segment IS NULL)),
	CONSTRAINT model_validations_bucket CHECK (bucket IN ('0', '1', '2', '3', '4', '5', '6', '7+', 'all')),
	CONSTRAINT model_validations_period CHECK (calibration_end < holdout_end),
	CONSTRAINT model_validations_predicted CHECK (predicted > '-Infinity' AND predicted < 'Infinity'),
	CONSTRAINT model_validations_actual CHECK (actual >= 0 AND actual < 'Infinity'),
	CONSTRAINT model_validations_mean_absolute_error CHECK (mean_absolute_error >= 0 AND mean_absolute_error < 'Infinity'),
	CONSTRAINT model_validations_predicted_spend CHECK (predicted_spend > '-Infinity' AND predicted_spend < 'Infinity'),
	CONSTRAINT model_validations_actual_spend CHECK (actual_spend > '-Infinity' AND actual_spend < 'Infinity'),
	CONSTRAINT model_validations_spend_mean_absolute_error CHECK (
		spend_mean_absolute_error >= 0 AND spend_mean_absolute_error < 'Infinity')
);
COMMENT ON TABLE dormancy.model_validations IS
	'holdout validations of the models, one row per run, segment and calibration-frequency bucket; written by dormancy.validate_models()';
COMMENT ON COLUMN dormancy.model_validations.validation_id IS 'the run: every row of one validate_models() call has the same id';
COMMENT ON COLUMN dormancy.model_validations.validated_at IS 'when the run was made';
COMMENT ON COLUMN dormancy.model_validations.calibration_end IS 'last day of the calibration period: the models were fitted on the purchase days up to it';
COMMENT ON COLUMN dormancy.model_validations.holdout_end IS 'last day of the holdout period, which starts the day after calibration_end';
COMMENT ON COLUMN dormancy.model_validations.time_unit IS 'the time unit of the fit and of the tracking periods';
COMMENT ON COLUMN dormancy.model_validations.segment_kind IS 'all, industry or company_size (model_settings.segment_by at the time of the run)';
COMMENT ON COLUMN dormancy.model_validations.segment IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_validations.bucket IS 'repeat purchase days in the calibration period: 0 to 6, 7+ (seven or more), or all';
COMMENT ON COLUMN dormancy.model_validations.customers IS 'customers of the segment and bucket with a purchase day on or before calibration_end';
COMMENT ON COLUMN dormancy.model_validations.predicted IS 'sum over those customers of the expected purchase days in the holdout period given their calibration frequency, recency and age, under the row''s model (NULL when the model cannot give one for some customer)';
COMMENT ON COLUMN dormancy.model_validations.actual IS 'sum over those customers of their purchase days in the holdout period';
COMMENT ON COLUMN dormancy.model_validations.mean_absolute_error IS 'mean over the buckets 0 to 7+ with customers of |predicted - actual| / customers (purchase days per customer); the same on every row of the run, model and segment; model_settings.model = validation chooses the model by it';
COMMENT ON COLUMN dormancy.model_validations.spend_customers IS 'customers of the bucket with a holdout purchase day of known amount and an expected spend';
COMMENT ON COLUMN dormancy.model_validations.predicted_spend IS 'mean over spend_customers of the Gamma-Gamma expected spend per purchase day given their mean spend over the calibration repeat days of known amount and how many those are';
COMMENT ON COLUMN dormancy.model_validations.actual_spend IS 'mean over spend_customers of their net amount per holdout purchase day (days of known amount)';
COMMENT ON COLUMN dormancy.model_validations.spend_mean_absolute_error IS 'mean over the buckets 0 to 7+ with spend_customers of |predicted_spend - actual_spend|; the same on every row of the run and segment';
COMMENT ON COLUMN dormancy.model_validations.bgnbd IS 'the BG/NBD model fitted on the calibration period (on the Pareto/NBD rows too)';
COMMENT ON COLUMN dormancy.model_validations.model IS 'the model validated: bgnbd, or paretonbd (validated too unless model_settings.model is bgnbd)';
COMMENT ON COLUMN dormancy.model_validations.paretonbd IS 'the Pareto/NBD model fitted on the calibration period (NULL when model_settings.model is bgnbd)';
COMMENT ON COLUMN dormancy.model_validations.gammagamma IS 'the Gamma-Gamma model fitted on the calibration period (NULL without repeat buyers)';
COMMENT ON COLUMN dormancy.model_validations.gammagamma_x IS 'the x the Gamma-Gamma fit and predicted_spend took: monetary_days (the calibration repeat days of known amount, since 0.4.0) or frequency (a validation made before 0.4.0)';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validations', '');

CREATE TABLE dormancy.model_validation_tracking (
	validation_id integer NOT NULL,
	segment_kind text NOT NULL,
	segment text,
	period integer NOT NULL,
	period_end date NOT NULL,
	holdout boolean NOT NULL,
	customers bigint NOT NULL,
	predicted double precision,
	actual double precision NOT NULL,
	CONSTRAINT model_validation_tracking_key UNIQUE NULLS NOT DISTINCT (validation_id, segment_kind, segment, period),
	CONSTRAINT model_validation_tracking_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT model_validation_tracking_segment CHECK ((segment_kind = 'all') = (segment IS NULL)),
	CONSTRAINT model_validation_tracking_predicted CHECK (predicted > '-Infinity' AND predicted < 'Infinity'),
	CONSTRAINT model_validation_tracking_actual CHECK (actual >= 0 AND actual < 'Infinity')
);
COMMENT ON TABLE dormancy.model_validation_tracking IS
	'cumulative repeat purchase days per time unit, predicted and actual, of each holdout validation and segment (calibration and holdout periods); written by dormancy.validate_models()';
COMMENT ON COLUMN dormancy.model_validation_tracking.validation_id IS 'the run (dormancy.model_validations.validation_id)';
COMMENT ON COLUMN dormancy.model_validation_tracking.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.model_validation_tracking.segment IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_validation_tracking.period IS '1 for the first period end on or after the segment''s first purchase day, then one per time unit';
COMMENT ON COLUMN dormancy.model_validation_tracking.period_end IS 'the day the cumulative counts run to (included): calibration_end plus a whole number of time units (whole days), and holdout_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.holdout IS 'whether period_end is after calibration_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.customers IS 'customers validated whose first purchase day is on or before period_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.predicted IS 'sum over those customers of the BG/NBD expected repeat purchase days of a new customer from its first purchase day to period_end (unconditional: it does not use the customer''s purchases)';
COMMENT ON COLUMN dormancy.model_validation_tracking.actual IS 'repeat purchase days (every purchase day but a customer''s first) of the validated customers up to period_end';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validation_tracking', '');

-- The tracking's forecast, per period end (src/core/tracking.c): the
-- customers whose first purchase day is on or before it and the sum of
-- counts[i] * curve[end - first_days[i]] (curve's first element is lag 0),
-- NULL when the curve lacks a lag it needs.  A convolution that validate_models()
-- once computed as a join of every (end, first day) pair: 2.6 million rows
-- and 3.6 of its 7.8 s at 100,000 demo customers over a year's holdout.
CREATE FUNCTION dormancy._tracking_forecast(first_days date[], counts bigint[],
	curve double precision[], period_ends date[])
	RETURNS TABLE (period_end date, customers bigint, predicted double precision)
	AS 'MODULE_PATHNAME', 'dormancy_tracking_forecast'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION dormancy._tracking_forecast(date[], bigint[], double precision[], date[]) IS
	'internal: validate_models()''s tracking forecast per period end: the customers who first bought by it and their expected repeat purchases (counts times the curve at each first day''s lag)';

-- Fit on the calibration period and compare with the holdout period.  The
-- customers are those of fit_models(): every bound customer (each copy of a
-- duplicate id) with a purchase day on or before calibration_end; their
-- calibration summaries are btyd_summary(history, calibration_end), which
-- ignores the days after it, so the fits are those fit_models() would make
-- as of calibration_end with time_unit = unit (_fit_segments, the segments
-- and min_customers of model_settings).  The holdout purchase days, their
-- amounts and the days for the tracking come from purchase_history_days().
--
-- Where each customer's summary goes: on one server (and on Citus with the
-- customers collected on the coordinator), the summaries are kept in
-- pg_temp.dormancy_fit_summaries (as _fit_summaries() keeps them; dropped
-- when done) with the holdout columns, one pass over the histories.  On
-- Citus with the customers read on the workers (_fits_on_workers, as
-- fit_models() decides), nothing per customer leaves its worker: the fits
-- come from fit states folded there (_fit_states at calibration_end), and
-- the buckets and the tracking's days from sums grouped there, in two more
-- passes (docs/scaling-out.md, Models on Citus).  Both read the customers
-- through the same query text and aggregate them the same way: the bucket
-- sums are numeric (each float8 value as numeric, 15 significant digits),
-- so that they do not depend on the order the customers are added in, and
-- one server and a cluster report the same digits.
CREATE FUNCTION dormancy.validate_models(calibration_end date, holdout_end date,
	unit interval DEFAULT '7 days')
	RETURNS TABLE (validation_id integer, segment_kind text, segment text, bucket text,
				   customers bigint, predicted double precision, actual double precision,
				   mean_absolute_error double precision, spend_customers bigint,
				   predicted_spend double precision, actual_spend double precision,
				   spend_mean_absolute_error double precision, model text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	unit_days double precision;
	horizon double precision;
	run integer;
	fit record;
	-- the validated customers: each one's calibration summary (in days, as
	-- _fit_summaries keeps them) and what it bought up to holdout_end (a
	-- constant text, the kept summaries or, on Citus with the customers on
	-- the workers, the query that computes them there: $1 calibration_end,
	-- $2 holdout_end, $3 segment_by)
	histories text;
	summaries text;
BEGIN
	PERFORM dormancy._require_bound('validate the models');
	IF calibration_end IS NULL OR holdout_end IS NULL OR unit IS NULL THEN
		RAISE EXCEPTION 'calibration_end, holdout_end and unit must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT calibration_end < holdout_end OR NOT isfinite(calibration_end) OR NOT isfinite(holdout_end) THEN
		RAISE EXCEPTION 'holdout_end % is not after calibration_end %', holdout_end, calibration_end
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The holdout period runs from the day after calibration_end to holdout_end.';
	END IF;
	IF extract(month FROM unit) <> 0 OR extract(year FROM unit) <> 0 THEN
		RAISE EXCEPTION 'unit must not contain months'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Months have no fixed length in days.',
				  HINT = 'Use days, such as ''7 days'' for weeks.';
	END IF;
	unit_days := extract(epoch FROM unit) / 86400;
	IF NOT unit_days > 0 THEN
		RAISE EXCEPTION 'unit must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	horizon := (holdout_end - calibration_end) / unit_days;
	settings.time_unit := unit;

	-- (a fit_models() earlier in the transaction may have left its
	-- summaries: _fit_segments would fit those)
	PERFORM dormancy._drop_fit_tables();
	-- each history's part, from the live histories (histories are stored
	-- only inside a refresh, so outside one the live ones are
	-- customer_histories')
	histories := 'SELECT h.customer_id, b.frequency, b.recency, b.age, b.monetary_value, b.monetary_days, '
		'd.first_day, d.holdout_days, d.holdout_spend, d.holdout_spend_days, d.repeat_days '
		'FROM dormancy.customer_histories_live h '
		'CROSS JOIN LATERAL dormancy.btyd_summary(h.history, $1, ''1 day'') b '
		'CROSS JOIN LATERAL ('
		'  SELECT min(p.day) AS first_day, '
		'         count(*) FILTER (WHERE p.day > $1) AS holdout_days, '
		'         sum(p.amount) FILTER (WHERE p.day > $1 AND p.unknown_amount_orders = 0) AS holdout_spend, '
		'         count(*) FILTER (WHERE p.day > $1 AND p.unknown_amount_orders = 0) AS holdout_spend_days, '
		'         (array_agg(p.day ORDER BY p.day))[2:] AS repeat_days '
		'    FROM dormancy.purchase_history_days(h.history) p '
		'   WHERE p.is_purchase_day AND p.day <= $2) d '
		'WHERE b.frequency IS NOT NULL';
	-- with each customer's segment columns and its segment's value
	-- ($3 segment_by), computed once per customer
	summaries := 'SELECT c.industry, c.company_size, '
		'dormancy._segment_value($3, c.industry, c.company_size) AS segment, s.* '
		'FROM dormancy.src_customers c JOIN (%s) s ON s.customer_id = c.customer_id '
		'WHERE c.customer_id IS NOT NULL';
	IF dormancy._fits_on_workers() THEN
		-- the fits' observations folded on the workers, as fit_models() folds them
		PERFORM dormancy._fit_states(settings, calibration_end);
		summaries := format(summaries, histories);
	ELSE
		-- the customers' summaries in one pass (on Citus with the customers
		-- collected on the coordinator: the histories' part, kept apart by
		-- OFFSET 0, computed on the workers, one task per shard, and the
		-- summaries received here)
		EXECUTE format('CREATE TEMP TABLE dormancy_fit_summaries ON COMMIT DROP AS ' || summaries,
					   histories || ' OFFSET 0')
			USING calibration_end, holdout_end, settings.segment_by;
		ANALYZE pg_temp.dormancy_fit_summaries (industry, company_size);
		summaries := 'SELECT * FROM pg_temp.dormancy_fit_summaries';
	END IF;

	-- the fits, as fit_models() makes them, numbered
	CREATE TEMP TABLE dormancy_validation_models ON COMMIT DROP AS
	SELECT (row_number() OVER ())::integer AS model_no, f.segment_kind, f.segment_value AS segment, f.bgnbd,
		   CASE WHEN (f.gammagamma).customers > 0 THEN f.gammagamma END AS gammagamma, f.paretonbd,
		   f.bgnbd_status, f.gammagamma_status, f.paretonbd_status
	  FROM dormancy._fit_segments(settings) f;
	-- a WARNING for each fit validated that did not converge (none for the
	-- segments fitted and dropped); its predictions are validated all the same
	FOR fit IN
		SELECT m.* FROM pg_temp.dormancy_validation_models m
		 ORDER BY m.segment_kind <> 'all', m.segment_kind, m.segment COLLATE "C" LOOP
		PERFORM dormancy._warn_not_converged(fit.segment_kind, fit.segment, fit.bgnbd_status,
											 fit.gammagamma_status, fit.paretonbd_status,
											 'are validated with converged = false');
	END LOOP;

	-- each customer once under the overall model and once under its
	-- segment's, with the predictions, summed per model and calibration
	-- frequency (0 to 6, 7+): the customers, the predictions and how many
	-- there are (a model that cannot give one for some customer predicts
	-- nothing for the bucket), the holdout purchase days, and the predicted
	-- and actual spend of the customers with a holdout purchase day of known
	-- amount and an expected spend
	EXECUTE format($q$CREATE TEMP TABLE dormancy_validation_buckets ON COMMIT DROP AS
	SELECT c.model_no, c.bucket, count(*) AS customers,
		   count(c.predicted) AS bgnbd_predictions, sum(c.predicted::numeric) AS bgnbd_predicted,
		   count(c.predicted_paretonbd) AS paretonbd_predictions,
		   sum(c.predicted_paretonbd::numeric) AS paretonbd_predicted,
		   sum(c.holdout_days) AS actual,
		   count(*) FILTER (WHERE c.holdout_spend_days > 0 AND c.predicted_spend IS NOT NULL) AS spend_customers,
		   sum(c.predicted_spend::numeric) FILTER (WHERE c.holdout_spend_days > 0) AS predicted_spend,
		   sum((c.holdout_spend / c.holdout_spend_days)::numeric)
			   FILTER (WHERE c.holdout_spend_days > 0 AND c.predicted_spend IS NOT NULL) AS actual_spend
	  FROM (SELECT m.model_no, CASE WHEN s.frequency >= 7 THEN '7+' ELSE s.frequency::text END AS bucket,
				   s.holdout_days, s.holdout_spend, s.holdout_spend_days,
				   b.expected_purchases AS predicted, p.expected_purchases AS predicted_paretonbd,
				   CASE WHEN (m.gammagamma).p > 0 AND (m.gammagamma).q > 0 AND (m.gammagamma).v > 0
							 AND (m.gammagamma).p * s.monetary_days + (m.gammagamma).q > 1
						THEN dormancy.gammagamma_expected_spend(m.gammagamma, s.monetary_days, s.monetary_value) END AS predicted_spend
			  FROM (%s) s
			  JOIN pg_temp.dormancy_validation_models m ON m.segment_kind = 'all' OR m.segment = s.segment
			  -- each prediction once per customer and model, as a function
			  -- scan: an expression of the subquery would be computed again
			  -- by each aggregate that reads it, the subquery being pulled up
			  CROSS JOIN LATERAL dormancy.model_predictions(m.bgnbd, NULL, s.frequency, s.recency / $4,
															s.age / $4, NULL, $5) b
			  -- under Pareto/NBD too when it is fitted (model_settings.model
			  -- is not bgnbd; else NULLs, at once)
			  CROSS JOIN LATERAL dormancy.model_predictions_paretonbd(m.paretonbd, NULL, s.frequency, s.recency / $4,
																	  s.age / $4, NULL, $5, NULL, NULL) p) c
	 GROUP BY c.model_no, c.bucket$q$, summaries)
		USING calibration_end, holdout_end, settings.segment_by, unit_days, horizon;
	-- the tracking's days: per model and day, the customers whose first
	-- purchase day it is, and the repeat purchase days on it (every purchase
	-- day but a customer's first, up to holdout_end)
	EXECUTE format($q$CREATE TEMP TABLE dormancy_validation_days ON COMMIT DROP AS
	SELECT m.model_no, d.day, count(*) FILTER (WHERE d.n = 1) AS firsts, count(*) FILTER (WHERE d.n > 1) AS repeats
	  FROM (%s) s
	  JOIN pg_temp.dormancy_validation_models m ON m.segment_kind = 'all' OR m.segment = s.segment
	 CROSS JOIN LATERAL unnest(array_prepend(s.first_day, s.repeat_days)) WITH ORDINALITY d(day, n)
	 GROUP BY m.model_no, d.day$q$, summaries)
		USING calibration_end, holdout_end, settings.segment_by;
	PERFORM dormancy._drop_fit_tables();
	ANALYZE pg_temp.dormancy_validation_days;

	run := nextval('dormancy.model_validations_validation_id_seq');

	-- per bucket, every bucket of every segment, BG/NBD's and (when fitted)
	-- Pareto/NBD's, and all of them; the spend columns are the same on both
	INSERT INTO dormancy.model_validations (validation_id, calibration_end, holdout_end, time_unit,
		segment_kind, segment, bucket, customers, predicted, actual, mean_absolute_error,
		spend_customers, predicted_spend, actual_spend, spend_mean_absolute_error, bgnbd, gammagamma,
		model, paretonbd, gammagamma_x)
	SELECT run, calibration_end, holdout_end, unit, m.segment_kind, m.segment, b.bucket,
		   b.customers, b.predicted, b.actual,
		   avg(abs(b.predicted - b.actual) / b.customers)
			   FILTER (WHERE b.bucket <> 'all' AND b.customers > 0)
			   OVER (PARTITION BY b.model_no, b.model),
		   b.spend_customers, b.predicted_spend, b.actual_spend,
		   avg(abs(b.predicted_spend - b.actual_spend))
			   FILTER (WHERE b.bucket <> 'all' AND b.spend_customers > 0)
			   OVER (PARTITION BY b.model_no, b.model),
		   m.bgnbd, m.gammagamma, b.model, CASE WHEN b.model = 'paretonbd' THEN m.paretonbd END, 'monetary_days'
	  FROM (SELECT k.model_no, k.model, k.bucket,
				   coalesce(sum(c.customers), 0)::bigint AS customers,
				   CASE WHEN coalesce(sum(c.customers), 0) = coalesce(sum(CASE k.model WHEN 'bgnbd' THEN c.bgnbd_predictions
																				ELSE c.paretonbd_predictions END), 0)
						THEN coalesce(sum(CASE k.model WHEN 'bgnbd' THEN c.bgnbd_predicted ELSE c.paretonbd_predicted END), 0)::double precision
						END AS predicted,
				   coalesce(sum(c.actual), 0)::double precision AS actual,
				   coalesce(sum(c.spend_customers), 0)::bigint AS spend_customers,
				   (sum(c.predicted_spend) / nullif(sum(c.spend_customers), 0))::double precision AS predicted_spend,
				   (sum(c.actual_spend) / nullif(sum(c.spend_customers), 0))::double precision AS actual_spend
			  FROM (SELECT m.model_no, d.model, k.bucket
					  FROM pg_temp.dormancy_validation_models m
					 CROSS JOIN (VALUES ('bgnbd'), ('paretonbd')) d(model)
					 CROSS JOIN (VALUES ('0'), ('1'), ('2'), ('3'), ('4'), ('5'), ('6'), ('7+'), ('all')) k(bucket)
					 WHERE d.model = 'bgnbd' OR m.paretonbd IS NOT NULL) k
			  LEFT JOIN pg_temp.dormancy_validation_buckets c
				ON c.model_no = k.model_no AND (c.bucket = k.bucket OR k.bucket = 'all')
			 GROUP BY k.model_no, k.model, k.bucket) b
	  JOIN pg_temp.dormancy_validation_models m ON m.model_no = b.model_no;

	-- the tracking: period ends calibration_end + k units (whole days) from
	-- the segment's first purchase day to holdout_end, and holdout_end; the
	-- customers per model and first purchase day; the expectation of a new
	-- customer once per model and lag in days
	CREATE TEMP TABLE dormancy_validation_firsts ON COMMIT DROP AS
	SELECT d.model_no, d.day AS first_day, d.firsts AS n
	  FROM pg_temp.dormancy_validation_days d
	 WHERE d.firsts > 0;
	CREATE TEMP TABLE dormancy_validation_ends ON COMMIT DROP AS
	SELECT s.model_no, e.period_end
	  FROM (SELECT f.model_no, min(f.first_day) AS first_day
			  FROM pg_temp.dormancy_validation_firsts f GROUP BY f.model_no) s
	 CROSS JOIN LATERAL (
		SELECT calibration_end + floor(k * unit_days)::integer AS period_end
		  FROM generate_series(floor((s.first_day - calibration_end) / unit_days)::integer,
							   floor((holdout_end - calibration_end) / unit_days)::integer) k
		UNION
		SELECT holdout_end) e
	 WHERE e.period_end >= s.first_day;
	CREATE TEMP TABLE dormancy_validation_curve ON COMMIT DROP AS
	SELECT m.model_no, l.lag, dormancy.bgnbd_expected_purchases_new(m.bgnbd, l.lag / unit_days) AS expected
	  FROM pg_temp.dormancy_validation_models m
	 CROSS JOIN LATERAL generate_series(0, holdout_end - (SELECT min(f.first_day) FROM pg_temp.dormancy_validation_firsts f
														  WHERE f.model_no = m.model_no)) l(lag)
	 WHERE (m.bgnbd).r > 0 AND (m.bgnbd).alpha > 0 AND (m.bgnbd).a > 0 AND (m.bgnbd).b > 0;

	INSERT INTO dormancy.model_validation_tracking (validation_id, segment_kind, segment, period,
		period_end, holdout, customers, predicted, actual)
	-- per model and period end, the customers who first bought by it and
	-- the sum of their expectations, each first day's count times the curve
	-- at its lag (NULL when the curve lacks one), summed in the order of the
	-- first days: the same digits on one server and on Citus
	WITH forecast AS (
		SELECT e.model_no, t.period_end, t.customers, t.predicted
		  FROM (SELECT e.model_no, array_agg(e.period_end ORDER BY e.period_end) AS ends
				  FROM pg_temp.dormancy_validation_ends e GROUP BY e.model_no) e
		  JOIN (SELECT f.model_no, array_agg(f.first_day ORDER BY f.first_day) AS first_days,
					   array_agg(f.n ORDER BY f.first_day) AS counts
				  FROM pg_temp.dormancy_validation_firsts f GROUP BY f.model_no) f ON f.model_no = e.model_no
		  LEFT JOIN (SELECT g.model_no, array_agg(g.expected ORDER BY g.lag) AS curve
					   FROM pg_temp.dormancy_validation_curve g GROUP BY g.model_no) g ON g.model_no = e.model_no
		 CROSS JOIN LATERAL dormancy._tracking_forecast(f.first_days, f.counts, g.curve, e.ends) t),
	-- the repeat purchase days and the period ends in one ordered pass: a
	-- running sum, read at each end (a day's purchases before its end)
	events AS (
		SELECT d.model_no, d.day, false AS is_end, d.repeats
		  FROM pg_temp.dormancy_validation_days d
		 WHERE d.repeats > 0
		UNION ALL
		SELECT e.model_no, e.period_end, true, 0 FROM pg_temp.dormancy_validation_ends e),
	observed AS (
		SELECT x.model_no, x.day AS period_end, x.actual
		  FROM (SELECT v.model_no, v.day, v.is_end,
					   sum(v.repeats) OVER (PARTITION BY v.model_no ORDER BY v.day, v.is_end ROWS UNBOUNDED PRECEDING) AS actual
				  FROM events v) x
		 WHERE x.is_end)
	SELECT run, m.segment_kind, m.segment,
		   row_number() OVER (PARTITION BY p.model_no ORDER BY p.period_end),
		   p.period_end, p.period_end > calibration_end, p.customers, p.predicted, a.actual
	  FROM forecast p
	  JOIN observed a ON a.model_no = p.model_no AND a.period_end = p.period_end
	  JOIN pg_temp.dormancy_validation_models m ON m.model_no = p.model_no;

	DROP TABLE pg_temp.dormancy_validation_curve;
	DROP TABLE pg_temp.dormancy_validation_ends;
	DROP TABLE pg_temp.dormancy_validation_firsts;
	DROP TABLE pg_temp.dormancy_validation_days;
	DROP TABLE pg_temp.dormancy_validation_buckets;
	DROP TABLE pg_temp.dormancy_validation_models;
	RETURN QUERY
	SELECT v.validation_id, v.segment_kind, v.segment, v.bucket, v.customers, v.predicted, v.actual,
		   v.mean_absolute_error, v.spend_customers, v.predicted_spend, v.actual_spend,
		   v.spend_mean_absolute_error, v.model
	  FROM dormancy.model_validations v
	 WHERE v.validation_id = run
	 ORDER BY v.model <> 'bgnbd', v.segment_kind <> 'all', v.segment_kind, v.segment COLLATE "C", v.bucket COLLATE "C";
END
$$;
COMMENT ON FUNCTION dormancy.validate_models(date, date, interval) IS
	'fit BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD on the purchases up to calibration_end (overall and per segment, as fit_models()) and compare with the holdout period up to holdout_end: repeat purchase days per calibration-frequency bucket, mean spend per purchase day and the tracking per time unit; stores the run in model_validations and model_validation_tracking and returns its bucket rows';
REVOKE ALL ON FUNCTION dormancy.validate_models(date, date, interval) FROM PUBLIC;
