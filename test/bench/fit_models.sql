-- fit_models() against one pass over the histories, side by side in one run
-- (issue 11).  Run in a database with the demo data bound (the first lines
-- of test/demo/report.sql), e.g.
--   psql -X -v customers=100000 -v seed=0.42 -f test/demo/generate.sql
--   sed -n 1,10p test/demo/report.sql | psql -X -q
--   psql -X -f test/bench/fit_models.sql
-- Each query runs :runs times (default 3) in turn; read the medians.
--   one_pass  count(*) over customer_histories x btyd_summary
--   old_fit   fit_models() as it was up to 0.3.0 (over customer_core)
--   new_fit   dormancy.fit_models()
-- Both store their models in dormancy.models (the last run's stay).
\set ON_ERROR_STOP on
\if :{?runs}
\else
\set runs 3
\endif
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
SET client_min_messages = error;	-- segments that do not fit warn
SET jit = off;
CREATE TEMP TABLE bench_times (query text, run int, seconds double precision);

CREATE FUNCTION pg_temp.time_query(label text, query text, run int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE query;
	INSERT INTO bench_times VALUES (label, run, extract(epoch FROM clock_timestamp() - t0));
END
$$;

-- fit_models() as it was up to 0.3.0 (reads customer_core), verbatim
CREATE FUNCTION pg_temp.fit_models_0_3()
	RETURNS SETOF dormancy.models
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
	started timestamptz := clock_timestamp();
	fitted record;
BEGIN
	DELETE FROM dormancy.models;
	FOR fitted IN
		SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END AS segment_kind,
			   s.segment_value,
			   count(*) AS customers,
			   dormancy.bgnbd_fit(s.frequency, s.recency_days / unit_days, s.age_days / unit_days) AS bgnbd,
			   dormancy.gammagamma_fit(s.frequency, s.monetary_value) AS gammagamma
		  FROM (SELECT CASE settings.segment_by
						   WHEN 'industry' THEN lower(btrim(c.industry))
						   WHEN 'company_size' THEN lower(btrim(c.company_size)) END AS segment_value,
					   c.frequency, c.recency_days, c.age_days, c.monetary_value
				  FROM dormancy.customer_core c
				 WHERE c.frequency IS NOT NULL) s
		 GROUP BY GROUPING SETS ((), (s.segment_value))
		HAVING grouping(s.segment_value) = 1
			OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
				AND count(*) >= settings.min_customers)
	LOOP
		INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma)
		VALUES (fitted.segment_kind, fitted.segment_value, dormancy.as_of_day(), settings.time_unit,
				fitted.bgnbd, CASE WHEN (fitted.gammagamma).customers > 0 THEN fitted.gammagamma END);
	END LOOP;
	UPDATE dormancy.models SET fit_seconds = extract(epoch FROM clock_timestamp() - started);
	-- customer_status looks the models up per customer: fresh statistics
	PERFORM dormancy.analyze_lookup_tables();
	RETURN QUERY SELECT * FROM dormancy.models ORDER BY segment_kind, segment_value;
END
$$;

SELECT pg_temp.time_query('one_pass', $q$
	SELECT count(*) FROM dormancy.customer_histories h,
		   dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') s$q$, r),
	   pg_temp.time_query('old_fit', 'SELECT count(*) FROM pg_temp.fit_models_0_3()', r),
	   pg_temp.time_query('new_fit', 'SELECT count(*) FROM dormancy.fit_models()', r)
  FROM generate_series(1, :runs) r;

SELECT query, count(*) AS runs, round(percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds)::numeric, 2) AS median_s,
	   round(min(seconds)::numeric, 2) AS min_s, round(max(seconds)::numeric, 2) AS max_s
  FROM bench_times GROUP BY query ORDER BY query;
SELECT round((o.m - p.m)::numeric, 2) AS old_minus_one_pass_s, round((n.m - p.m)::numeric, 2) AS new_minus_one_pass_s
  FROM (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) m FROM bench_times WHERE query = 'one_pass') p,
	   (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) m FROM bench_times WHERE query = 'old_fit') o,
	   (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) m FROM bench_times WHERE query = 'new_fit') n;
