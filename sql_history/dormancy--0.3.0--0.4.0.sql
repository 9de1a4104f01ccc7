-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Fast fit_models (issue 11)
--
-- fit_models() reads each bound customer's history and its BTYD summary
-- instead of customer_core (one pass over the histories), through the new
-- _fit_segments(), whose RETURN QUERY may run in parallel.
-- The fits of the overall model and one per segment, over the bound data as
-- of dormancy.as_of(), in one pass.
--
-- Reads only what the fits need: each bound customer (src_customers, for
-- its segment) with its history and the history's BTYD summary, the same
-- values as customer_core's frequency, recency_days, age_days and
-- monetary_value (customer_core computes them by the same call, with the
-- same filter), not the rest of customer_core (state, decline metrics,
-- contracts, price changes).  The aggregates count identical summaries once
-- (docs/models.md).  A set-returning function with RETURN QUERY, so that
-- the read may use a parallel plan: a FOR loop over a query or a SELECT INTO
-- in plpgsql never runs in parallel.
CREATE FUNCTION dormancy._fit_segments(settings dormancy.model_settings)
	RETURNS TABLE (segment_kind text, segment_value text,
				   bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
BEGIN
	RETURN QUERY
	SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END,
		   s.segment_value,
		   dormancy.bgnbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy.gammagamma_fit(s.frequency, s.monetary_value)
	  FROM (SELECT CASE settings.segment_by
					   WHEN 'industry' THEN lower(btrim(c.industry))
					   WHEN 'company_size' THEN lower(btrim(c.company_size)) END AS segment_value,
				   b.frequency, b.recency, b.age, b.monetary_value
			  FROM dormancy.src_customers c
			  JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
			 CROSS JOIN LATERAL dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') b
			 WHERE c.customer_id IS NOT NULL
			   AND b.frequency IS NOT NULL) s
	 GROUP BY GROUPING SETS ((), (s.segment_value))
	HAVING grouping(s.segment_value) = 1
		OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
			AND count(*) >= settings.min_customers);
END
$$;
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD and Gamma-Gamma fits of fit_models(), overall and per segment, read from the histories'' BTYD summaries in one pass';

-- Fit the overall model and one per segment (_fit_segments), replace the
-- stored models.
CREATE OR REPLACE FUNCTION dormancy.fit_models()
	RETURNS SETOF dormancy.models
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	started timestamptz := clock_timestamp();
BEGIN
	DELETE FROM dormancy.models;
	INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma)
	SELECT f.segment_kind, f.segment_value, dormancy.as_of_day(), settings.time_unit,
		   f.bgnbd, CASE WHEN (f.gammagamma).customers > 0 THEN f.gammagamma END
	  FROM dormancy._fit_segments(settings) f;
	UPDATE dormancy.models SET fit_seconds = extract(epoch FROM clock_timestamp() - started);
	-- customer_status looks the models up per customer: fresh statistics
	PERFORM dormancy.analyze_lookup_tables();
	RETURN QUERY SELECT * FROM dormancy.models ORDER BY segment_kind, segment_value;
END
$$;
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._fit_segments(dormancy.model_settings) FROM PUBLIC;

--
-- Privileges (always last)
--
-- Internal functions (names starting with an underscore) are the owner's:
-- none of them is meant to be called by anyone else, and trigger functions
-- cannot be attached to other tables without EXECUTE.  Run last, so that it
-- covers every function of the script.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
		 WHERE p.pronamespace = 'dormancy'::regnamespace AND starts_with(p.proname, '_')
	LOOP
		EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', f);
	END LOOP;
END
$$;

-- ... except the internal functions that the live views themselves call,
-- which the analysts need: the gate of the history store (closed but inside a
-- refresh's own transaction) and raising a broken binding's error
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._broken_binding(text, text, text, text) TO dormancy_analyst;

SELECT dormancy._update_generated_views();
