-- The model columns of customer_status come from one C call per customer
-- (_model_outlook).  Checked customer by customer against the SQL they
-- replaced: _model_for, then model_predictions and model_lookahead under the
-- BG/NBD fit, or their Pareto/NBD forms where the segment's Pareto/NBD fit is
-- the one chosen, and the CASEs that picked between them.  Every column must
-- be identical (IS NOT DISTINCT FROM: the same arithmetic, every digit) for
-- segments of either model, customers without a segment model, without
-- purchases, and under hand-edited model rows that cannot be used.  CDNOW
-- sample, weekly, as of the end of its calibration period.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA mo;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE mo.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, nullif(f[5]::numeric, 0) AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
-- three industries (one of them Japanese) and customers without one; 40
-- customers that never bought
CREATE TABLE mo.customers AS
SELECT id, CASE id % 4 WHEN 0 THEN '小売業' WHEN 1 THEN 'IT' WHEN 2 THEN 'Manufacturing' END AS industry
  FROM (SELECT DISTINCT id FROM mo.cdnow UNION SELECT 100000 + g FROM generate_series(1, 40) g) c;
ALTER TABLE mo.customers ADD PRIMARY KEY (id);
SELECT dormancy.bind_customers('mo.customers', id => 'id', industry => 'industry');
SELECT dormancy.bind_orders('mo.cdnow', customer => 'id', ordered_at => 'day', amount => 'dollars');
SET dormancy.as_of = '1997-09-30';

-- the reference: the SQL of customer_status before _model_outlook
CREATE FUNCTION mo.reference()
	RETURNS TABLE (customer_id integer, model_id integer, p_alive double precision,
				   expected_purchases double precision, expected_value double precision,
				   p_alive_ahead double precision, p_purchase_ahead double precision,
				   expected_dormancy_day date, forecast_model text)
	LANGUAGE sql STABLE AS $$
SELECT core.customer_id, mdl.model_id, models.p_alive, models.expected_purchases, models.expected_value,
	   la.p_alive_ahead, la.p_purchase_ahead,
	   CASE WHEN la.dormant_age * mdl.unit_days < 36525
			THEN core.first_order_at + pg_catalog.ceil(la.dormant_age * mdl.unit_days)::integer END,
	   CASE WHEN mdl.model_id IS NOT NULL THEN CASE WHEN mdl.paretonbd IS NULL THEN 'bgnbd' ELSE 'paretonbd' END END
  FROM dormancy.customer_core core
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
 CROSS JOIN dormancy.model_settings_in_force() ms
  LEFT JOIN LATERAL dormancy.model_predictions(mdl.bgnbd,
				CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
				core.frequency, core.recency_days / mdl.unit_days, core.age_days / mdl.unit_days,
				core.monetary_value, mdl.horizon_days / mdl.unit_days, core.monetary_days) bg ON true
  LEFT JOIN LATERAL dormancy.model_lookahead(mdl.bgnbd, core.frequency, core.recency_days / mdl.unit_days,
				core.age_days / mdl.unit_days, pg_catalog.date_part('epoch', ms.lookahead) / 86400 / mdl.unit_days,
				ms.p_alive_threshold) bgla ON true
  LEFT JOIN LATERAL (SELECT * FROM dormancy.model_predictions_paretonbd(mdl.paretonbd,
				CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
				core.frequency, core.recency_days / mdl.unit_days, core.age_days / mdl.unit_days,
				core.monetary_value, mdl.horizon_days / mdl.unit_days, NULL, NULL, core.monetary_days) p
			 WHERE mdl.paretonbd IS NOT NULL) pn ON true
  LEFT JOIN LATERAL (SELECT * FROM dormancy.model_lookahead(mdl.paretonbd, core.frequency, core.recency_days / mdl.unit_days,
				core.age_days / mdl.unit_days, pg_catalog.date_part('epoch', ms.lookahead) / 86400 / mdl.unit_days,
				ms.p_alive_threshold) l
			 WHERE mdl.paretonbd IS NOT NULL) pnla ON true
 CROSS JOIN LATERAL (
	SELECT CASE WHEN mdl.paretonbd IS NULL THEN bg.p_alive ELSE pn.p_alive END AS p_alive,
		   CASE WHEN mdl.paretonbd IS NULL THEN bg.expected_purchases ELSE pn.expected_purchases END AS expected_purchases,
		   CASE WHEN mdl.paretonbd IS NULL THEN bg.expected_value ELSE pn.expected_value END AS expected_value) models
 CROSS JOIN LATERAL (
	SELECT CASE WHEN mdl.paretonbd IS NULL THEN bgla.p_alive_ahead ELSE pnla.p_alive_ahead END AS p_alive_ahead,
		   CASE WHEN mdl.paretonbd IS NULL THEN bgla.p_purchase_ahead ELSE pnla.p_purchase_ahead END AS p_purchase_ahead,
		   CASE WHEN mdl.paretonbd IS NULL THEN bgla.dormant_age ELSE pnla.dormant_age END AS dormant_age) la
$$;

-- per model chosen: the customers, those with each column, and those whose
-- columns differ from the reference in any digit (must be 0)
CREATE FUNCTION mo.compare()
	RETURNS TABLE (forecast_model text, customers bigint, with_p_alive bigint, with_expected_value bigint,
				   with_ahead bigint, with_dormancy_day bigint, differing bigint)
	LANGUAGE sql STABLE AS $$
SELECT s.forecast_model, count(*), count(s.p_alive), count(s.expected_value), count(s.p_alive_ahead),
	   count(s.expected_dormancy_day),
	   count(*) FILTER (WHERE r.customer_id IS NULL
						   OR (s.model_id, s.p_alive, s.expected_purchases, s.expected_value, s.p_alive_ahead,
							   s.p_purchase_ahead, s.expected_dormancy_day, s.forecast_model)
							  IS DISTINCT FROM
							  (r.model_id, r.p_alive, r.expected_purchases, r.expected_value, r.p_alive_ahead,
							   r.p_purchase_ahead, r.expected_dormancy_day, r.forecast_model))
  FROM dormancy.customer_status s
  LEFT JOIN mo.reference() r ON r.customer_id = s.customer_id
 GROUP BY 1 ORDER BY 1
$$;

-- no model yet: every model column NULL
SELECT * FROM mo.compare();

-- a model per industry and the overall one, BG/NBD; Pareto/NBD fitted too
INSERT INTO dormancy.model_settings (segment_by, model, min_customers, lookahead)
VALUES ('industry', 'likelihood', 300, '90 days');
SELECT segment_kind, segment_value, model FROM dormancy.fit_models() ORDER BY 1, 2;
-- Pareto/NBD chosen for two industries, BG/NBD for the rest
UPDATE dormancy.models SET model = CASE WHEN segment_value IN ('it', '小売業') THEN 'paretonbd' ELSE 'bgnbd' END
 WHERE paretonbd IS NOT NULL;
SELECT segment_kind, segment_value, model FROM dormancy.models ORDER BY 1, 2;
SELECT * FROM mo.compare();

-- hand-edited rows that cannot be used: a Pareto/NBD fit with a negative s,
-- a BG/NBD fit with a zero a; the values are NULL (data_issues says why),
-- the query goes on, and the other customers keep theirs
UPDATE dormancy.models SET paretonbd.s = -1 WHERE segment_value = 'it';
UPDATE dormancy.models SET bgnbd.a = 0 WHERE segment_value = 'manufacturing';
SELECT * FROM mo.compare();
-- a Gamma-Gamma fit that did not converge gives no expected value
UPDATE dormancy.models SET gammagamma.converged = false WHERE segment_kind = 'all';
SELECT * FROM mo.compare();

-- one customer looked up through the index, as in the whole population
SELECT s.customer_id, s.forecast_model, s.p_alive IS NOT DISTINCT FROM r.p_alive AS same_p_alive,
	   s.expected_dormancy_day IS NOT DISTINCT FROM r.expected_dormancy_day AS same_day
  FROM dormancy.customer_status s JOIN mo.reference() r USING (customer_id)
 WHERE s.customer_id = 4;

-- a model whose time unit was edited to zero fails as the division did
UPDATE dormancy.models SET time_unit = '0 days' WHERE segment_kind = 'all';
SELECT count(p_alive) FROM dormancy.customer_status;
SELECT count(*) FROM mo.reference();

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
DROP SCHEMA mo CASCADE;
