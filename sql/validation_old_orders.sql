-- A first purchase dated decades back (an order typed as 1900 instead of
-- 1997): validate_models() tracks the cohort from that day, so the
-- expectation of a new customer is needed at lags of a century, and the
-- results of the other customers are those without the order.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

--
-- E[X(t)] far out at a fit like the demo's IT services segment's (a tiny,
-- b in the hundreds of thousands; alpha = 380 weeks): at s = t / alpha above
-- 9 the series went by a continuation of some 6,000 steps (12 ms each value)
-- and lost digits (1e-6).  The references are mpmath's (30 digits: the
-- integral over the dropout probability, which matches its 2F1 at t = 1000).
--
SELECT t, abs(dormancy.bgnbd_expected_purchases_new(
				  dormancy.bgnbd(3.392753619240513, 380.54168224394806, 5.277604160694506e-07, 312357.9558351988), t)
			  / reference - 1) < 1e-9 AS matches_mpmath
  FROM (VALUES (1000, 8.9155900063333584), (3500, 31.204565021406047), (5000, 44.577950029928072),
			   (10000, 89.155900055509937), (20000, 178.31180009363899)) v(t, reference)
 ORDER BY t;
-- and a customer's conditional expectation (3 repeat days, recency 100, age 200)
SELECT abs(dormancy.bgnbd_expected_purchases(
			   dormancy.bgnbd(3.392753619240513, 380.54168224394806, 5.277604160694506e-07, 312357.9558351988),
			   8000, 3, 100, 200) / 88.093638257904843 - 1) < 1e-9 AS conditional_matches_mpmath;

--
-- The CDNOW sample validated as in model_validation, without and with an
-- order of customer 1 dated 1900-01-01 (its orders: 1997-01-01, 01-18 and
-- 08-02, and 12-12 in the holdout)
--
CREATE SCHEMA vo;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE vo.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, nullif(f[5]::numeric, 0) AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
SELECT count(*) AS lines FROM vo.cdnow;
SELECT dormancy.bind_orders('vo.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars') IS NOT NULL AS bound;
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');
CREATE TEMP TABLE run_without AS SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30');
CREATE TEMP TABLE tracking_without AS SELECT * FROM dormancy.latest_validation_tracking;
CREATE TEMP TABLE fit_without AS SELECT bgnbd FROM dormancy.latest_validation WHERE bucket = 'all';
INSERT INTO vo.cdnow VALUES (1, '1900-01-01', 14.96);
CREATE TEMP TABLE run_with AS SELECT * FROM dormancy.validate_models('1997-09-30', '1998-06-30');
CREATE TEMP TABLE tracking_with AS SELECT * FROM dormancy.latest_validation_tracking;
CREATE TEMP TABLE fit_with AS SELECT bgnbd FROM dormancy.latest_validation WHERE bucket = 'all';

-- the buckets: customer 1 moves from 2 to 3 repeat days, the rest is as
-- without the order; the fit moves little (its age of 98 years), and the
-- predictions with it
SELECT w.bucket, w.customers - o.customers AS more_customers, w.actual - o.actual AS more_actual,
	   w.spend_customers - o.spend_customers AS more_spend_customers,
	   abs(w.predicted / o.predicted - 1) < 0.01 AS predicted_within_1_percent,
	   abs(w.predicted_spend / o.predicted_spend - 1) < 0.01 AS spend_within_1_percent
  FROM run_with w JOIN run_without o USING (bucket)
 ORDER BY w.bucket COLLATE "C";
SELECT abs((w.bgnbd).r / (o.bgnbd).r - 1) < 0.01 AS r_close, abs((w.bgnbd).alpha / (o.bgnbd).alpha - 1) < 0.01 AS alpha_close,
	   abs((w.bgnbd).a / (o.bgnbd).a - 1) < 0.01 AS a_close, abs((w.bgnbd).b / (o.bgnbd).b - 1) < 0.01 AS b_close
  FROM fit_with w, fit_without o;

-- the tracking runs weekly from the first period end on or after
-- 1900-01-01; up to the sample's first day only customer 1 is counted, with
-- no repeat day and its own E[X(t)]
SELECT count(*) AS periods, min(period_end) AS first_end, max(period_end) AS last_end,
	   count(*) FILTER (WHERE holdout) AS holdout_periods,
	   bool_and(period_end = date '1900-01-02' + (period - 1) * 7) AS weekly,
	   count(*) FILTER (WHERE predicted IS NULL OR NOT predicted >= 0) AS bad_predictions
  FROM tracking_with;
SELECT count(*) AS lone_periods,
	   count(*) FILTER (WHERE customers <> 1 OR actual <> 0) AS not_the_one_customer,
	   count(*) FILTER (WHERE predicted <> dormancy.bgnbd_expected_purchases_new(f.bgnbd, (period_end - date '1900-01-01') / 7.0))
		   AS not_its_expectation,
	   round(max(predicted)::numeric, 2) AS expected_by_1996
  FROM tracking_with, fit_with f
 WHERE period_end < '1997-01-01';
-- from the sample's first week on: the same customers as without the order,
-- and one more repeat day (customer 1's 1997-01-01); the predictions differ
-- by customer 1's expectation from 1900 instead of 1997 and by the fit,
-- which moves them by less than 0.1 %
SELECT count(*) AS common_periods,
	   count(*) FILTER (WHERE w.customers <> o.customers) AS customers_differ,
	   count(*) FILTER (WHERE w.actual <> o.actual + 1) AS actual_not_one_more,
	   count(*) FILTER (WHERE w.holdout <> o.holdout) AS holdout_differs,
	   count(*) FILTER (WHERE NOT abs(w.predicted - o.predicted
									  - dormancy.bgnbd_expected_purchases_new(f.bgnbd, (period_end - date '1900-01-01') / 7.0)
									  + dormancy.bgnbd_expected_purchases_new(f.bgnbd, (period_end - date '1997-01-01') / 7.0))
								  < 0.001 * o.predicted) AS predicted_not_within_0_1_percent
  FROM tracking_with w JOIN tracking_without o USING (period_end), fit_with f;

DELETE FROM dormancy.model_validations;
DELETE FROM dormancy.model_validation_tracking;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders');
DROP SCHEMA vo CASCADE;
