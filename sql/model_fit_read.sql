-- fit_models() reads only what the fits need (issue 11): each bound
-- customer's history and its BTYD summary, not customer_core.  The models
-- are identical to fits over customer_core's columns (the way up to 0.3.0),
-- per segment, bit for bit: the aggregates compact the observations into
-- sorted distinct tuples with counts before fitting, so the order in which
-- the rows arrive does not change the sums.  And customer_core's other
-- work (decline metrics, history summaries) is not done.
SET client_min_messages = error;	-- segments that do not fit the model warn
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

\set customers 3000
\i test/sql_ref/load_demo.sql
SET client_min_messages = error;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted') IS NOT NULL AS bound;
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';

-- the fits as fit_models() made them up to 0.3.0: over customer_core
-- (Gamma-Gamma's x the repeat days of known amount, as since 2026-12-07)
CREATE FUNCTION pg_temp.fits_over_core()
	RETURNS TABLE (segment_kind text, segment_value text, customers bigint,
				   bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma)
	LANGUAGE sql AS $$
	SELECT CASE WHEN grouping(s.segment_value) = 0 THEN st.segment_by ELSE 'all' END,
		   s.segment_value, count(*),
		   dormancy.bgnbd_fit(s.frequency, s.recency_days / st.unit_days, s.age_days / st.unit_days),
		   dormancy.gammagamma_fit(s.monetary_days, s.monetary_value)
	  FROM (SELECT m.segment_by, m.min_customers,
				   (extract(epoch FROM m.time_unit) / 86400)::double precision AS unit_days
			  FROM dormancy.model_settings_in_force() m) st,
		   LATERAL (SELECT CASE st.segment_by
							   WHEN 'industry' THEN dormancy.label_key(c.industry)
							   WHEN 'company_size' THEN dormancy.label_key(c.company_size) END AS segment_value,
						   c.frequency, c.recency_days, c.age_days, c.monetary_value, c.monetary_days
					  FROM dormancy.customer_core c
					 WHERE c.frequency IS NOT NULL) s
	 GROUP BY GROUPING SETS ((st.segment_by, st.unit_days, st.min_customers),
							 (st.segment_by, st.unit_days, st.min_customers, s.segment_value))
	HAVING grouping(s.segment_value) = 1
		OR (st.segment_by <> 'none' AND s.segment_value IS NOT NULL AND count(*) >= st.min_customers)
$$;

-- fit_models() against the fits over customer_core, per segment: the same
-- segments, customers and models (every parameter, the log-likelihood,
-- iterations and convergence compared with =)
CREATE FUNCTION pg_temp.compare()
	RETURNS TABLE (segment_kind text, segment_value text, customers bigint, same_customers boolean,
				   bgnbd_identical boolean, gammagamma_identical boolean)
	LANGUAGE sql AS $$
	SELECT coalesce(n.segment_kind, o.segment_kind), coalesce(n.segment_value, o.segment_value),
		   o.customers, (n.bgnbd).customers = o.customers,
		   n.bgnbd = o.bgnbd,
		   n.gammagamma IS NOT DISTINCT FROM CASE WHEN (o.gammagamma).customers > 0 THEN o.gammagamma END
	  FROM dormancy.models n
	  FULL JOIN pg_temp.fits_over_core() o
		ON o.segment_kind = n.segment_kind AND o.segment_value IS NOT DISTINCT FROM n.segment_value
	 ORDER BY 1, 2
$$;

-- by industry (the default), by company size, none
SELECT count(*) AS models FROM dormancy.fit_models();
SELECT * FROM pg_temp.compare();
INSERT INTO dormancy.model_settings (segment_by, min_customers) VALUES ('company_size', 300);
SELECT count(*) AS models FROM dormancy.fit_models();
SELECT * FROM pg_temp.compare();
UPDATE dormancy.model_settings SET segment_by = 'none', time_unit = '1 day';
SELECT count(*) AS models FROM dormancy.fit_models();
SELECT * FROM pg_temp.compare();

-- the fit computes each history's BTYD summary and, for the value
-- distribution stored with the models, its history summary (total_amount),
-- and nothing else of customer_core: no decline metrics, no evaluation of
-- customer_core (_customer_facts) (C functions, counted with
-- track_functions = all)
UPDATE dormancy.model_settings SET segment_by = 'industry', time_unit = '7 days';
BEGIN;
SET LOCAL track_functions = 'all';
SET LOCAL max_parallel_workers_per_gather = 0;	-- calls in the leader only
SELECT count(*) AS models FROM dormancy.fit_models();
SELECT f.fn, coalesce(s.calls, 0) > 0 AS called
  FROM unnest(ARRAY['_customer_facts', 'btyd_summary', 'decline_metrics', 'history_summary']) AS f(fn)
  LEFT JOIN pg_stat_xact_user_functions s ON s.schemaname = 'dormancy' AND s.funcname = f.fn
 ORDER BY f.fn;
COMMIT;

DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA demo CASCADE;
