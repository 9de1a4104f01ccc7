-- fit_models() stores the value distribution from the summaries of its own
-- pass over the histories (what the fits read), not from customer_core read
-- a second time: the same rows (quantiles, customers, as_of) as the way it
-- was computed before, copied here as the reference.  With customers bound
-- and not, models per industry, per company size and overall, duplicate
-- customer ids, and edge customers: no orders, only refunds, unknown
-- amounts, only orders after as_of, a net refund, orders of customers that
-- are not in the bound customers; and a refresh's refit (stored histories).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
\i test/sql_ref/unbind_all.sql
\set customers 2000
\i test/sql_ref/load_demo.sql
INSERT INTO demo.accounts VALUES
	(9101, 'no orders', 'retail', 'smb'),
	(9102, 'only refunds', 'retail', 'smb'),
	(9103, 'unknown amounts', 'ec', NULL),
	(9104, 'only orders after as_of', 'ec', 'mid'),
	(9105, 'net refund', NULL, 'mid'),
	(9106, 'one unknown first order', 'consumables', 'smb');
INSERT INTO demo.invoices (account_id, invoiced_on, total, category) VALUES
	(9102, '2026-03-01 01:00+00', -5000, 'core'),
	(9102, '2026-04-01 01:00+00', -700, 'core'),
	(9103, '2025-01-10 01:00+00', 1000, 'core'),
	(9103, '2025-06-10 01:00+00', NULL, 'core'),
	(9103, '2026-02-10 01:00+00', NULL, 'service'),
	(9104, '2026-12-01 01:00+00', 90000, 'core'),
	(9105, '2025-05-01 01:00+00', 30000, 'core'),
	(9105, '2025-08-01 01:00+00', 20000, 'core'),
	(9105, '2025-09-01 01:00+00', -80000, 'core'),
	(9106, '2024-05-01 01:00+00', NULL, 'core'),
	-- customers only in the orders
	(9201, '2025-05-01 01:00+00', 12000, 'core'),
	(9201, '2026-01-05 01:00+00', 15000, 'core'),
	(9202, '2026-07-07 01:00+00', 400, 'core');
-- the customers through a view with duplicate ids (each copy is a customer_status row)
CREATE VIEW demo.accounts_twice AS
SELECT * FROM demo.accounts
UNION ALL
SELECT * FROM demo.accounts WHERE account_id % 97 = 0 OR account_id IN (9103, 9105);
ANALYZE demo.invoices;
SET client_min_messages = error;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted') IS NOT NULL AS bound;
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';

-- the reference: _store_value_distribution() as it was, over customer_core
-- with the models' predictions, a second read of every history
CREATE FUNCTION pg_temp.old_distribution()
	RETURNS TABLE (measure text, quantiles double precision[], customers bigint, as_of date)
	LANGUAGE sql AS $$
	WITH v AS (
		SELECT core.order_days, core.total_amount, mp.expected_value, core.as_of
		  FROM dormancy.customer_core core
		 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
		  LEFT JOIN LATERAL dormancy.model_predictions(mdl.bgnbd,
							CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
							core.frequency, core.recency_days / mdl.unit_days, core.age_days / mdl.unit_days,
							core.monetary_value, mdl.horizon_days / mdl.unit_days, core.monetary_days) mp ON true
	), f AS (
		SELECT ARRAY(SELECT g / 200.0 FROM generate_series(0, 200) g)::double precision[] AS fractions
	)
	SELECT m.measure, m.q, m.n, m.as_of
	  FROM (SELECT 'total_amount'::text AS measure,
				   percentile_cont(f.fractions) WITHIN GROUP (ORDER BY greatest(v.total_amount, 0))
					   FILTER (WHERE v.order_days > 0) AS q,
				   count(*) FILTER (WHERE v.order_days > 0) AS n, max(v.as_of) AS as_of
			  FROM v CROSS JOIN f
			 GROUP BY f.fractions
			UNION ALL
			SELECT 'expected_value',
				   percentile_cont(f.fractions) WITHIN GROUP (ORDER BY v.expected_value)
					   FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity'),
				   count(*) FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity'), max(v.as_of)
			  FROM v CROSS JOIN f
			 GROUP BY f.fractions) m
	 WHERE m.n > 0
$$;

-- the stored rows against the reference, measure by measure: identical
-- quantiles (= on the arrays, and their text, every digit), customers, as_of
CREATE FUNCTION pg_temp.compare()
	RETURNS TABLE (measure text, customers bigint, identical boolean)
	LANGUAGE sql AS $$
	SELECT coalesce(n.measure, o.measure), o.customers,
		   n.quantiles IS NOT DISTINCT FROM o.quantiles
		   AND n.quantiles::text IS NOT DISTINCT FROM o.quantiles::text
		   AND n.customers IS NOT DISTINCT FROM o.customers
		   AND n.as_of IS NOT DISTINCT FROM o.as_of
	  FROM dormancy.value_distribution n
	  FULL JOIN pg_temp.old_distribution() o ON o.measure = n.measure
	 ORDER BY 1
$$;
CREATE FUNCTION pg_temp.models()
	RETURNS TABLE (segment_kind text, models bigint)
	LANGUAGE sql AS $$
	SELECT m.segment_kind, count(*) FROM dormancy.models m GROUP BY 1 ORDER BY 1
$$;

-- customers bound, a model per industry (the default) and the overall one
SET client_min_messages = error;	-- segments that do not fit the model warn
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.models();
SELECT * FROM pg_temp.compare();
-- the edge customers: those with a purchase day by as_of count for
-- total_amount (9102, 9101 and 9104 have none); 9103's repeat days are all
-- of unknown amount: Gamma-Gamma has no observation of its spend (x = 0)
-- and gives the population's mean spend
SELECT customer_id, order_days, total_amount, expected_value IS NOT NULL AS has_expected_value
  FROM dormancy.customer_status WHERE customer_id > 9100 ORDER BY customer_id;
-- the summaries are not left behind
SELECT to_regclass('pg_temp.dormancy_fit_summaries') IS NULL AS dropped;

-- per company size
INSERT INTO dormancy.model_settings (segment_by, min_customers) VALUES ('company_size', 300);
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.models();
SELECT * FROM pg_temp.compare();

-- overall only, another time unit and horizon
UPDATE dormancy.model_settings SET segment_by = 'none', time_unit = '1 day', horizon = '6 months';
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.models();
SELECT * FROM pg_temp.compare();
DELETE FROM dormancy.model_settings;

-- twice in one transaction (the summaries' table made again)
BEGIN;
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.compare();
COMMIT;

-- customers with duplicate ids
SET client_min_messages = error;
SELECT dormancy.bind_customers('demo.accounts_twice', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') IS NOT NULL AS bound;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.compare();

-- customers unbound: the customers seen in the orders (9201 and 9202 too),
-- no industry, so the overall model only
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.models();
SELECT * FROM pg_temp.compare();

-- a refresh's refit reads the histories the refresh stores: the same rows
SET client_min_messages = error;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') IS NOT NULL AS bound;
SELECT count(*) AS models FROM dormancy.fit_models();
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
UPDATE dormancy.models SET fitted_at = now() - interval '8 days';
DELETE FROM dormancy.value_distribution;
CALL dormancy.refresh();
SET client_min_messages = warning;
SELECT count(*) AS refitted FROM dormancy.models WHERE fitted_at > now() - interval '1 day';
SELECT * FROM pg_temp.compare();

-- each customer's expected value in one C call (_expected_value: what the
-- distribution is computed from, since it no longer joins _model_for and
-- model_predictions per customer) against customer_status's own column (the
-- view's model lookup and predictions): equal in every digit, or both NULL,
-- for every customer
CREATE FUNCTION pg_temp.per_customer()
	RETURNS TABLE (customers bigint, with_value bigint, under_paretonbd bigint, differ bigint)
	LANGUAGE sql AS $$
	SELECT count(*), count(s.expected_value), count(*) FILTER (WHERE m.model = 'paretonbd'),
		   count(*) FILTER (WHERE s.expected_value IS DISTINCT FROM e.v OR s.expected_value::text IS DISTINCT FROM e.v::text)
	  FROM dormancy.customer_status s
	  LEFT JOIN dormancy.models m USING (model_id)
	 CROSS JOIN LATERAL (SELECT dormancy._expected_value(s.industry, s.company_size, s.frequency,
														 s.recency_days, s.age_days, s.monetary_value, s.monetary_days,
														 (SELECT dormancy._configuration())) AS v) e
$$;
-- and the stored expected_value quantiles against those of customer_status's
-- column over the customers with a purchase day
CREATE FUNCTION pg_temp.status_quantiles_equal()
	RETURNS boolean
	LANGUAGE sql AS $$
	SELECT (SELECT d.quantiles FROM dormancy.value_distribution d WHERE d.measure = 'expected_value')::text
		   = (SELECT percentile_cont(ARRAY(SELECT g / 200.0 FROM generate_series(0, 200) g)::double precision[])
					 WITHIN GROUP (ORDER BY s.expected_value)
			    FROM dormancy.customer_status s
			   WHERE s.order_days > 0 AND s.expected_value >= 0 AND s.expected_value < 'infinity')::text
$$;
SELECT * FROM pg_temp.per_customer();
SELECT pg_temp.status_quantiles_equal() AS quantiles_equal;
-- under the model chosen per segment by likelihood (Pareto/NBD where it
-- fits better) and under Pareto/NBD everywhere it converges
INSERT INTO dormancy.model_settings (model) VALUES ('likelihood');
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.per_customer();
SELECT pg_temp.status_quantiles_equal() AS quantiles_equal;
SELECT * FROM pg_temp.compare() WHERE measure = 'total_amount';
UPDATE dormancy.model_settings SET model = 'paretonbd';
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT * FROM pg_temp.per_customer();
SELECT pg_temp.status_quantiles_equal() AS quantiles_equal;
-- BG/NBD chosen for one segment, Pareto/NBD for the others
UPDATE dormancy.models SET model = 'bgnbd' WHERE segment_value = 'ec';
SELECT * FROM pg_temp.per_customer();
DELETE FROM dormancy.model_settings;
-- edits of the models show in the next query: a Gamma-Gamma fit marked not
-- converged (no expected value in its segment), a BG/NBD row with a
-- parameter that is not positive (customer_status reports it in
-- data_issues; both give NULL)
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
UPDATE dormancy.models SET gammagamma.converged = false WHERE segment_value = 'ec';
SELECT * FROM pg_temp.per_customer();
UPDATE dormancy.models SET bgnbd.r = -1 WHERE segment_value = 'consumables';
SELECT * FROM pg_temp.per_customer();
SELECT count(*) FILTER (WHERE c.industry = 'ec') AS ec, count(*) FILTER (WHERE c.industry = 'consumables') AS consumables
  FROM dormancy.customer_status c WHERE c.order_days > 0 AND c.expected_value IS NULL;

-- a customer whose purchases were refunded (total_amount 0 or less) has
-- past_value 0 (docs/priority.md), not the top of the zeros' block of the
-- distribution (40 more such customers, only in the orders: in the
-- distribution, not in customer_status)
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT a, d, t, 'core' FROM generate_series(9301, 9340) a,
	   (VALUES ('2025-05-01 01:00+00'::timestamptz, 1000), ('2025-06-01 01:00+00', -1000)) v(d, t);
SET client_min_messages = error;
SELECT count(*) AS models FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT count(*) AS refunded, count(*) FILTER (WHERE (c.score_breakdown -> 'past_value' ->> 'value')::float8 <> 0) AS past_value_not_0,
	   (SELECT count(*) FROM unnest(v.quantiles) q WHERE q = 0) > 1 AS zeros_in_the_distribution
  FROM dormancy.customer_status c, dormancy.value_distribution v
 WHERE v.measure = 'total_amount' AND c.order_days > 0 AND c.total_amount <= 0
 GROUP BY v.quantiles;

DELETE FROM dormancy.models;
DELETE FROM dormancy.value_distribution;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA demo CASCADE;
