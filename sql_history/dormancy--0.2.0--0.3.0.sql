-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, the reader role (lead)
--

--
-- Change tracking and the history store (helper: tracking)
--

--
-- Settings, NaN checks, rebind, refresh log (helper: settings)
--

--
-- Purchase history type: input, sums (helper: history)
--

--
-- Models and scores: stable evaluation, interrupts (helper: models)
--

-- dormancy.model_predictions(): the model columns of one customer, NULL
-- plus the reason instead of an error (issue 10 item 4)
-- not STRICT: NULL inputs give NULL values (no model, no purchase, no spend model)
CREATE FUNCTION dormancy.model_predictions(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision,
	OUT p_alive double precision, OUT expected_purchases double precision,
	OUT expected_value double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_predictions'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_predictions(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, double precision) IS
	'p_alive, expected purchases and expected value (expected purchases times expected spend) in the next horizon time units, as customer_status computes them: a value that cannot be computed is NULL and problem says why, instead of an error';

-- customer_status and data_issues read the model columns through it
CREATE FUNCTION dormancy._model_from_item()
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN LATERAL (
	SELECT m.model_id, m.bgnbd, m.gammagamma,
		   pg_catalog.date_part('epoch', m.time_unit) / 86400 AS unit_days,
		   pg_catalog.date_part('epoch', (dormancy.model_settings_in_force()).horizon) / 86400 AS horizon_days
	  FROM dormancy.models m
	 WHERE (m.bgnbd).converged
	   AND (m.segment_kind = 'all'
			OR (m.segment_kind = 'industry' AND m.segment_value = pg_catalog.lower(pg_catalog.btrim(core.industry)))
			OR (m.segment_kind = 'company_size' AND m.segment_value = pg_catalog.lower(pg_catalog.btrim(core.company_size))))
	 ORDER BY m.segment_kind = 'all'
	 LIMIT 1) mdl ON true
LEFT JOIN LATERAL (
	-- a value that cannot be computed is NULL, with the reason in problem:
	-- one customer never stops the query; only a converged Gamma-Gamma fit
	-- gives expected_value
	SELECT mp.p_alive, mp.expected_purchases, mp.expected_value, mp.problem
	  FROM dormancy.model_predictions(mdl.bgnbd,
									  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
									  core.frequency, core.recency_days / mdl.unit_days,
									  core.age_days / mdl.unit_days, core.monetary_value,
									  mdl.horizon_days / mdl.unit_days) mp
  ) models ON true
LEFT JOIN LATERAL (
	SELECT models.expected_value
  ) mval ON true$f$
$$;
COMMENT ON FUNCTION dormancy._model_from_item() IS
	'internal: the FROM items of the model columns, shared by customer_status and data_issues';
REVOKE ALL ON FUNCTION dormancy._model_from_item() FROM PUBLIC;

CREATE OR REPLACE FUNCTION dormancy._status_parts_40_models(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT dormancy._model_from_item(),
		   'mdl.model_id, models.p_alive, models.expected_purchases, mval.expected_value'
$$;

-- The customers whose model columns could not be computed, for data_issues.
CREATE FUNCTION dormancy._data_issues_40_models(bindings jsonb)
	RETURNS TABLE (definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $q$SELECT 'model_evaluation_failed'::text, core.customer_id::pg_catalog.text, 1::pg_catalog.int8,
	   NULL::double precision, models.problem
  FROM dormancy.customer_core core
$q$ || dormancy._model_from_item() || $q$
 WHERE models.problem IS NOT NULL
$q$
$$;
COMMENT ON FUNCTION dormancy._data_issues_40_models(jsonb) IS
	'internal: the data_issues rows of customers whose model columns could not be computed';
REVOKE ALL ON FUNCTION dormancy._data_issues_40_models(jsonb) FROM PUBLIC;

CREATE OR REPLACE FUNCTION dormancy._comment_views_40_models()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.model_id IS 'the dormancy.models row applied: the customer''s segment''s, else the overall one (converged fits only)';
	COMMENT ON COLUMN dormancy.customer_status.p_alive IS 'probability that the customer is still alive (BG/NBD), NULL without a fitted model or purchases, or when it cannot be computed (see data_issues)';
	COMMENT ON COLUMN dormancy.customer_status.expected_purchases IS 'expected purchase days in the next model_settings.horizon (BG/NBD); NULL when it cannot be computed (see data_issues)';
	COMMENT ON COLUMN dormancy.customer_status.expected_value IS 'expected_purchases times the expected spend per purchase (Gamma-Gamma, converged fits whose mean spend exists), undiscounted; NULL when it cannot be computed (see data_issues)';
END
$$;

-- data_issues takes the rows of _data_issues_NN_* functions; its comments name model_evaluation_failed
CREATE OR REPLACE FUNCTION dormancy._view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cust record;
	ord record;
	cust_id_type text;
	ord_cust_type text;
	cust_sql text;
	ord_sql text;
	ext record;
	part record;
	bindings_json jsonb;
	status_from text;
BEGIN
	SELECT b.relation, b.columns INTO cust FROM dormancy.bindings b
	 WHERE b.source = 'customers' AND to_regclass(b.relation::oid::regclass::text) IS NOT NULL;
	SELECT b.relation, b.columns INTO ord FROM dormancy.bindings b
	 WHERE b.source = 'orders' AND to_regclass(b.relation::oid::regclass::text) IS NOT NULL;

	IF cust.relation IS NOT NULL THEN
		cust_id_type := (dormancy._binding_column(cust.relation, 'id', cust.columns ->> 'id')).type_name;
	END IF;
	IF ord.relation IS NOT NULL THEN
		ord_cust_type := (dormancy._binding_column(ord.relation, 'customer', ord.columns ->> 'customer')).type_name;
	END IF;

	-- src_orders: one row per order line of the user's relation
	IF ord.relation IS NOT NULL THEN
		ord_sql := format(
			'SELECT %s AS customer_id, %s AS ordered_at, %s AS amount, %s AS category, %s AS discounted FROM %s t',
			dormancy._col(ord.columns, 'customer'),
			dormancy._col(ord.columns, 'ordered_at'),
			dormancy._number_expr(ord.relation, ord.columns, 'amount'),
			dormancy._col_as(ord.columns, 'category', 'pg_catalog.text'),
			dormancy._col_as(ord.columns, 'discounted', 'pg_catalog.bool'),
			ord.relation);
	ELSE
		ord_sql := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS ordered_at, NULL::pg_catalog.float8 AS amount, '
			'NULL::pg_catalog.text AS category, NULL::pg_catalog.bool AS discounted WHERE false',
			coalesce(cust_id_type, 'pg_catalog.int8'));
	END IF;

	-- src_customers: the bound customers, else the customers seen in orders
	IF cust.relation IS NOT NULL THEN
		cust_sql := format(
			'SELECT %s AS customer_id, %s AS name, %s AS industry, %s AS company_size FROM %s t',
			dormancy._col(cust.columns, 'id'),
			dormancy._col_as(cust.columns, 'name', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'industry', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'company_size', 'pg_catalog.text'),
			cust.relation);
	ELSIF ord.relation IS NOT NULL THEN
		cust_sql := 'SELECT DISTINCT o.customer_id, NULL::pg_catalog.text AS name, NULL::pg_catalog.text AS industry, '
					'NULL::pg_catalog.text AS company_size FROM dormancy.src_orders o WHERE o.customer_id IS NOT NULL';
	ELSE
		cust_sql := 'SELECT NULL::pg_catalog.int8 AS customer_id, NULL::pg_catalog.text AS name, '
					'NULL::pg_catalog.text AS industry, NULL::pg_catalog.text AS company_size WHERE false';
	END IF;

	view_name := 'src_orders'; definition := ord_sql; RETURN NEXT;
	view_name := 'src_customers'; definition := cust_sql; RETURN NEXT;

	-- category_histories: the one aggregate pass over the orders, per customer and category
	-- (or, during an incremental refresh, the histories stored by the last
	-- one: dormancy.use_stored_histories gates the two branches, and the
	-- planner skips the one that is off without reading it)
	view_name := 'category_histories';
	definition := format(
		'SELECT o.customer_id, o.category, '
		'dormancy.purchase_history(o.ordered_at, o.amount, o.discounted) AS history, '
		'pg_catalog.count(*) AS order_rows '
		'FROM dormancy.src_orders o '
		'WHERE o.customer_id IS NOT NULL AND NOT dormancy._use_stored_histories() '
		'GROUP BY o.customer_id, o.category '
		'UNION ALL '
		'SELECT s.customer_key::%s, s.category, s.history, s.order_rows '
		'FROM dormancy.stored_histories s WHERE dormancy._use_stored_histories()',
		coalesce(ord_cust_type, cust_id_type, 'pg_catalog.int8'));
	RETURN NEXT;


	-- customer_histories: per customer, the union of its category histories
	view_name := 'customer_histories';
	definition := $q$
SELECT ch.customer_id,
	   dormancy.purchase_history_union(ch.history) AS history,
	   pg_catalog.sum(ch.order_rows)::pg_catalog.int8 AS order_rows,
	   pg_catalog.array_agg(ch.category ORDER BY ch.category) FILTER (WHERE ch.category IS NOT NULL) AS categories,
	   pg_catalog.array_agg((dormancy.history_summary(ch.history, dormancy.as_of_day())).last_order_at ORDER BY ch.category)
		   FILTER (WHERE ch.category IS NOT NULL) AS category_last_order_at
  FROM dormancy.category_histories ch
 GROUP BY ch.customer_id
$q$;
	RETURN NEXT;

	-- views of later parts that customer_core may join (sources, per-customer aggregates)
	bindings_json := (SELECT coalesce(jsonb_object_agg(b.source, b.columns), '{}') FROM dormancy.bindings b);
	FOR ext IN SELECT * FROM dormancy._view_hooks('_views_') LOOP
		FOR view_name, definition IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			RETURN NEXT;
		END LOOP;
	END LOOP;

	-- customer_core: one row per customer with its state and decline signals
	-- (customer_status adds the columns of later parts to it)
	view_name := 'customer_core';
	definition := format($q$
WITH as_of AS (
	SELECT dormancy.as_of_day() AS day
), segment_rules AS (
	SELECT s.industry_key, s.size_key,
		   dormancy.rule_for(s.industry_key, s.size_key) AS rule
	  FROM (SELECT DISTINCT coalesce(c.industry, '') AS industry_key,
						   coalesce(c.company_size, '') AS size_key
			  FROM dormancy.src_customers c) s
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   -- for rules with use_contract_end (IT services: a lapsed licence is
	   -- dormancy), the last day covered by a contract counts like a purchase
	   dormancy.dormancy_state(CASE WHEN (r.rule).use_contract_end AND con.last_covered_day IS NOT NULL
									THEN greatest(s.last_qualifying_order_at, con.last_covered_day)
									ELSE s.last_qualifying_order_at END,
							   a.day, (r.rule).at_risk_after, (r.rule).dormant_after,
							   (r.rule).long_dormant_after) AS state,
	   s.last_order_at,
	   a.day - s.last_order_at AS days_since_last_order,
	   s.last_qualifying_order_at,
	   a.day - s.last_qualifying_order_at AS days_since_last_qualifying_order,
	   s.first_order_at,
	   s.orders_count,
	   s.order_days,
	   s.total_amount,
	   s.unknown_amount_orders,
	   s.refunds,
	   CASE WHEN dm.campaign_only THEN 'campaign_only'
			WHEN s.order_days = 1 THEN 'one_time'
			WHEN s.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of,
	   dm.mean_gap_days,
	   dm.median_gap_days,
	   dm.gap_stddev_days,
	   dm.overdue_ratio,
	   dm.recent_amount,
	   dm.prior_amount,
	   dm.recent_orders,
	   dm.prior_orders,
	   dm.amount_change,
	   dm.frequency_change,
	   dm.amount_trend,
	   dm.trend_points,
	   dm.relative_trend,
	   dm.recent_median_gap_days,
	   dm.earlier_median_gap_days,
	   dm.cadence_change,
	   dm.season_amount,
	   dm.last_season_amount,
	   dm.season_orders,
	   dm.last_season_orders,
	   dm.same_season_change,
	   coalesce(dm.declining, false) AS declining,
	   coalesce(dm.decline_signals, '{}') AS decline_signals,
	   coalesce(pc.lapsed_after_price_increase, false) AS lapsed_after_price_increase,
	   pc.price_increase,
	   coalesce(pc.lapsed_after_spec_change, false) AS lapsed_after_spec_change,
	   pc.spec_change,
	   bs.frequency,
	   bs.recency * 1.0 AS recency_days,
	   bs.age * 1.0 AS age_days,
	   bs.monetary_value,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days
  FROM dormancy.src_customers c
 CROSS JOIN as_of a
 CROSS JOIN dormancy.decline_settings_in_force() ds
  LEFT JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  LEFT JOIN segment_rules r
		 ON r.industry_key = coalesce(c.industry, '')
		AND r.size_key = coalesce(c.company_size, '')
 CROSS JOIN LATERAL dormancy.history_summary(h.history, a.day,
											 (r.rule).min_order_amount::pg_catalog.float8) s
 CROSS JOIN LATERAL dormancy.decline_metrics(h.history, a.day, ds, %s) dm
  LEFT JOIN LATERAL dormancy.btyd_summary(h.history, dormancy.as_of(), '1 day') bs ON true
  LEFT JOIN LATERAL (
	-- a change the customer lapsed after: its last purchase (in the change's
	-- category when categories are bound) came before the change, while the
	-- customer was not yet dormant, and nothing was bought since
	SELECT pg_catalog.bool_or(x.kind = 'price_increase') AS lapsed_after_price_increase,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'price_increase'))[1] AS price_increase,
		   pg_catalog.bool_or(x.kind = 'spec_change') AS lapsed_after_spec_change,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'spec_change'))[1] AS spec_change
	  FROM (SELECT p.kind, p.changed_at,
				   concat_ws(' ', p.changed_at::pg_catalog.text, coalesce(p.category, 'all categories'),
							 CASE WHEN p.change_pct IS NOT NULL
								  THEN CASE WHEN p.change_pct > 0 THEN '+' ELSE '' END || pg_catalog.trim_scale(p.change_pct)::pg_catalog.text || '%%' END,
							 p.note) AS label,
				   CASE WHEN p.category IS NULL OR NOT %s THEN s.last_order_at
						ELSE (SELECT cl.last_day
								FROM unnest(h.categories, h.category_last_order_at) AS cl(category, last_day)
							   WHERE cl.category = p.category) END AS last_day
			  FROM dormancy.price_changes p
			 WHERE p.changed_at <= a.day) x
	 WHERE x.last_day < x.changed_at
	   AND x.last_day + (r.rule).dormant_after > x.changed_at
  ) pc ON true
 WHERE c.customer_id IS NOT NULL
$q$, CASE WHEN ord.columns ? 'discounted' THEN 'true' ELSE 'false' END,
			   CASE WHEN ord.columns ? 'category' THEN 'true' ELSE 'false' END);
	RETURN NEXT;

	-- data_issues: rows that the views cannot use, counted instead of dropped
	view_name := 'data_issues';
	definition := $q$
SELECT 'order_customer_not_found'::text AS issue,
	   o.customer_id::pg_catalog.text AS customer_id,
	   pg_catalog.count(*) AS rows,
	   pg_catalog.sum(o.amount) AS amount,
	   'orders whose customer is not in the bound customers'::text AS detail
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers c WHERE c.customer_id = o.customer_id)
 GROUP BY o.customer_id
UNION ALL
SELECT 'order_without_customer', NULL, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose customer column is NULL'
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'order_without_date', o.customer_id::pg_catalog.text, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose order time is NULL or infinite, left out of purchase histories'
  FROM dormancy.src_orders o
 WHERE o.ordered_at IS NULL OR NOT pg_catalog.isfinite(o.ordered_at)
 GROUP BY o.customer_id
UNION ALL
SELECT 'customer_without_id', NULL, pg_catalog.count(*), NULL,
	   'customers whose id is NULL, left out of customer_status'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'duplicate_customer_id', c.customer_id::pg_catalog.text, pg_catalog.count(*), NULL,
	   'customer ids that appear more than once; each copy gets its own customer_status row'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NOT NULL
 GROUP BY c.customer_id
HAVING pg_catalog.count(*) > 1
$q$;
	-- later parts add their own kinds of issue (see below)
	FOR ext IN SELECT * FROM dormancy._view_hooks('_data_issues_') LOOP
		FOR part IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			definition := definition || E'UNION ALL\n' || part.definition;
		END LOOP;
	END LOOP;
	RETURN NEXT;

	-- Later parts plug in through functions named by pattern, taken in name
	-- order, each given the bindings as {source: {role: column}}:
	--   _views_NN_topic(bindings) -> (view_name, definition): views built
	--       before customer_core (sources, per-customer aggregates);
	--   _data_issues_NN_topic(bindings) -> (definition): a query over
	--       customer_core (alias core) with the columns of data_issues,
	--       added to it by UNION ALL;
	--   _status_parts_NN_topic(bindings) -> (from_item, select_list): a FROM
	--       item joined to customer_core (alias core) and the columns it adds
	--       to customer_status (none when NULL: a join for later parts);
	--   _status_views_NN_topic(bindings) -> (view_name, definition): views
	--       built on customer_status.
	-- and, from _build_views(), _comment_views_NN_topic() to comment them and
	-- _after_build_NN_topic() for work that follows every build.

	view_name := 'customer_status';
	definition := 'SELECT core.*';
	status_from := ' FROM dormancy.customer_core core';
	FOR ext IN SELECT * FROM dormancy._view_hooks('_status_parts_') LOOP
		FOR part IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			IF part.select_list IS NOT NULL THEN
				definition := definition || E',\n\t' || part.select_list;
			END IF;
			status_from := status_from || E'\n' || part.from_item;
		END LOOP;
	END LOOP;
	definition := definition || status_from;
	RETURN NEXT;

	-- declining_customers: active or at-risk customers sliding, most valuable first
	view_name := 'declining_customers';
	definition := $q$
SELECT cs.customer_id, cs.name, cs.industry, cs.company_size, cs.state, cs.segment,
	   cs.decline_signals, cs.total_amount, cs.recent_amount, cs.prior_amount,
	   cs.amount_change, cs.recent_orders, cs.prior_orders, cs.frequency_change,
	   cs.median_gap_days, cs.overdue_ratio, cs.cadence_change, cs.same_season_change,
	   cs.amount_trend, cs.last_order_at, cs.days_since_last_order, cs.as_of
  FROM dormancy.customer_status cs
 WHERE cs.declining AND cs.state IN ('active', 'at_risk')
 ORDER BY coalesce(cs.recent_amount, 0) + coalesce(cs.prior_amount, 0) DESC, cs.total_amount DESC, cs.customer_id
$q$;
	RETURN NEXT;

	-- category_trend: recent vs prior per customer and category
	view_name := 'category_trend';
	definition := $q$
SELECT ch.customer_id, ch.category,
	   m.recent_amount, m.prior_amount, m.recent_orders, m.prior_orders,
	   m.amount_change, m.frequency_change,
	   (m.recent_orders = 0 AND m.prior_orders > 0) AS stopped,
	   (m.decline_signals && ARRAY['amount_drop', 'frequency_drop']) AS declining,
	   (dormancy.history_summary(ch.history, a.day)).last_order_at,
	   a.day AS as_of
  FROM dormancy.category_histories ch
 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
 CROSS JOIN dormancy.decline_settings_in_force() ds
 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, a.day, ds, false) m
 WHERE ch.category IS NOT NULL
$q$;
	RETURN NEXT;

	FOR ext IN SELECT * FROM dormancy._view_hooks('_status_views_') LOOP
		FOR view_name, definition IN EXECUTE format('SELECT * FROM %s($1)', ext.fn) USING bindings_json LOOP
			RETURN NEXT;
		END LOOP;
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION dormancy._comment_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_orders IS 'adapter view over the bound orders relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_orders.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_orders.ordered_at IS 'the bound order time column (date, timestamp or timestamptz)';
	COMMENT ON COLUMN dormancy.src_orders.amount IS 'the bound amount column as double precision; negative amounts are refunds, NULL is unknown';
	COMMENT ON COLUMN dormancy.src_orders.category IS 'the bound product category column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_orders.discounted IS 'the bound discounted-order flag, NULL when unbound';

	COMMENT ON VIEW dormancy.src_customers IS 'adapter view over the bound customers relation (the customers seen in orders when only orders are bound)';
	COMMENT ON COLUMN dormancy.src_customers.customer_id IS 'the bound customer id column';
	COMMENT ON COLUMN dormancy.src_customers.name IS 'the bound name column as text';
	COMMENT ON COLUMN dormancy.src_customers.industry IS 'the bound industry column as text, matched against dormancy.rules';
	COMMENT ON COLUMN dormancy.src_customers.company_size IS 'the bound company size column as text, matched against dormancy.rules';

	COMMENT ON VIEW dormancy.category_histories IS 'one purchase history per customer and category: the one aggregate pass over src_orders';
	COMMENT ON COLUMN dormancy.category_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.category_histories.category IS 'product category (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.category_histories.history IS 'the customer''s orders of this category folded into distinct days';
	COMMENT ON COLUMN dormancy.category_histories.order_rows IS 'order rows read, refunds and rows without a date included';

	COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: the union of its category histories';
	COMMENT ON COLUMN dormancy.customer_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.customer_histories.history IS 'the customer''s orders folded into distinct days';
	COMMENT ON COLUMN dormancy.customer_histories.order_rows IS 'order rows read for this customer, refunds and rows without a date included';
	COMMENT ON COLUMN dormancy.customer_histories.categories IS 'the categories the customer ordered, sorted (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.customer_histories.category_last_order_at IS 'last purchase day up to as_of per category, in the order of categories';

	COMMENT ON VIEW dormancy.customer_core IS 'internal: the state and decline columns of customer_status (customer_status adds the later parts)';
	COMMENT ON VIEW dormancy.customer_status IS 'one row per customer: dormancy state as of dormancy.as_of_day() with the rule applied, decline signals and the columns of later parts';
	COMMENT ON COLUMN dormancy.customer_status.customer_id IS 'the customer id, of the bound column''s type';
	COMMENT ON COLUMN dormancy.customer_status.name IS 'customer name';
	COMMENT ON COLUMN dormancy.customer_status.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.customer_status.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.customer_status.state IS 'active, at_risk, dormant, long_dormant or never_purchased, from the last qualifying order';
	COMMENT ON COLUMN dormancy.customer_status.last_order_at IS 'last purchase day on or before as_of';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_order IS 'as_of minus last_order_at, in days';
	COMMENT ON COLUMN dormancy.customer_status.last_qualifying_order_at IS 'last purchase day with an order of at least the rule''s min_order_amount';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_qualifying_order IS 'as_of minus last_qualifying_order_at, in days; the state is based on it';
	COMMENT ON COLUMN dormancy.customer_status.first_order_at IS 'first purchase day';
	COMMENT ON COLUMN dormancy.customer_status.orders_count IS 'order rows on purchase days up to as_of (refund rows excluded)';
	COMMENT ON COLUMN dormancy.customer_status.order_days IS 'distinct purchase days up to as_of';
	COMMENT ON COLUMN dormancy.customer_status.total_amount IS 'net amount of all orders and refunds up to as_of (unknown amounts count as nothing)';
	COMMENT ON COLUMN dormancy.customer_status.unknown_amount_orders IS 'orders up to as_of whose amount was NULL';
	COMMENT ON COLUMN dormancy.customer_status.refunds IS 'refund rows (negative amounts) up to as_of';
	COMMENT ON COLUMN dormancy.customer_status.segment IS 'one_time (one purchase day) or repeat; NULL without purchases';
	COMMENT ON COLUMN dormancy.customer_status.rule_id IS 'the dormancy.rules row applied';
	COMMENT ON COLUMN dormancy.customer_status.at_risk_after IS 'threshold applied: at risk after this long';
	COMMENT ON COLUMN dormancy.customer_status.dormant_after IS 'threshold applied: dormant after this long';
	COMMENT ON COLUMN dormancy.customer_status.long_dormant_after IS 'threshold applied: long dormant after this long';
	COMMENT ON COLUMN dormancy.customer_status.min_order_amount IS 'threshold applied: smallest order that counts for recency';
	COMMENT ON COLUMN dormancy.customer_status.as_of IS 'the as-of day the row was computed for';
	COMMENT ON COLUMN dormancy.customer_status.mean_gap_days IS 'mean gap in days between consecutive purchase days; NULL with fewer than two';
	COMMENT ON COLUMN dormancy.customer_status.median_gap_days IS 'median gap in days (mean of the two middle gaps for an even count)';
	COMMENT ON COLUMN dormancy.customer_status.gap_stddev_days IS 'sample standard deviation of the gaps; NULL with fewer than two gaps';
	COMMENT ON COLUMN dormancy.customer_status.overdue_ratio IS 'days since the last purchase day / median gap: lateness against the customer''s own rhythm';
	COMMENT ON COLUMN dormancy.customer_status.recent_amount IS 'net amount in the recent window (as_of - W, as_of]';
	COMMENT ON COLUMN dormancy.customer_status.prior_amount IS 'net amount in the prior window (as_of - 2W, as_of - W]';
	COMMENT ON COLUMN dormancy.customer_status.recent_orders IS 'orders on purchase days in the recent window';
	COMMENT ON COLUMN dormancy.customer_status.prior_orders IS 'orders on purchase days in the prior window';
	COMMENT ON COLUMN dormancy.customer_status.amount_change IS 'recent_amount / prior_amount - 1; NULL when prior_amount <= 0';
	COMMENT ON COLUMN dormancy.customer_status.frequency_change IS 'recent_orders / prior_orders - 1; NULL when prior_orders = 0';
	COMMENT ON COLUMN dormancy.customer_status.amount_trend IS 'least-squares slope of purchase-day amount over the last N years, in amount per year';
	COMMENT ON COLUMN dormancy.customer_status.trend_points IS 'purchase days the trend was fitted on';
	COMMENT ON COLUMN dormancy.customer_status.relative_trend IS 'amount_trend / mean amount of the trend points';
	COMMENT ON COLUMN dormancy.customer_status.recent_median_gap_days IS 'median of the gaps ending in the recent window';
	COMMENT ON COLUMN dormancy.customer_status.earlier_median_gap_days IS 'median of the gaps ending before the recent window';
	COMMENT ON COLUMN dormancy.customer_status.cadence_change IS 'recent_median_gap_days / earlier_median_gap_days - 1 (1.0: monthly became bimonthly)';
	COMMENT ON COLUMN dormancy.customer_status.season_amount IS 'net amount in the last S, (as_of - S, as_of]';
	COMMENT ON COLUMN dormancy.customer_status.last_season_amount IS 'net amount in the same season a year earlier, (as_of - 1 year - S, as_of - 1 year]';
	COMMENT ON COLUMN dormancy.customer_status.season_orders IS 'orders in the last S';
	COMMENT ON COLUMN dormancy.customer_status.last_season_orders IS 'orders in the same season a year earlier';
	COMMENT ON COLUMN dormancy.customer_status.same_season_change IS 'season_amount / last_season_amount - 1; NULL when last_season_amount <= 0';
	COMMENT ON COLUMN dormancy.customer_status.declining IS 'true when any decline signal fired (an active customer can be declining)';
	COMMENT ON COLUMN dormancy.customer_status.decline_signals IS 'the signals that fired: amount_drop, frequency_drop, cadence_slowdown, overdue, season_drop, negative_trend';
	COMMENT ON COLUMN dormancy.customer_status.lapsed_after_price_increase IS 'last purchase (in the category, when bound) before a price increase in dormancy.price_changes, not yet dormant then, nothing bought since';
	COMMENT ON COLUMN dormancy.customer_status.price_increase IS 'the latest such price increase: day, category, change and note';
	COMMENT ON COLUMN dormancy.customer_status.lapsed_after_spec_change IS 'the same for a specification change';
	COMMENT ON COLUMN dormancy.customer_status.spec_change IS 'the latest such specification change: day, category and note';
	COMMENT ON COLUMN dormancy.customer_status.frequency IS 'repeat purchase days (purchase days - 1): the x of the BTYD models';
	COMMENT ON COLUMN dormancy.customer_status.recency_days IS 'days from the first to the last purchase day: the t_x of the BTYD models, in days';
	COMMENT ON COLUMN dormancy.customer_status.age_days IS 'days from the first purchase day to as_of: the T of the BTYD models, in days';
	COMMENT ON COLUMN dormancy.customer_status.contract_terms IS 'contract terms of the customer (NULL without contracts or when none are bound)';
	COMMENT ON COLUMN dormancy.customer_status.contract_covered_until IS 'the last day up to as_of covered by a contract term; for rules with use_contract_end it counts like a purchase day';
	COMMENT ON COLUMN dormancy.customer_status.days_since_contract_end IS 'days since the last term ended, when no term covers as_of';
	COMMENT ON COLUMN dormancy.customer_status.monetary_value IS 'mean net amount of the repeat purchase days (days with unknown amounts left out)';

	COMMENT ON VIEW dormancy.declining_customers IS 'active or at-risk customers with a decline signal, most valuable (recent + prior amount) first';
	COMMENT ON COLUMN dormancy.declining_customers.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.declining_customers.name IS 'customer name';
	COMMENT ON COLUMN dormancy.declining_customers.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.declining_customers.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.declining_customers.state IS 'active or at_risk';
	COMMENT ON COLUMN dormancy.declining_customers.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.declining_customers.decline_signals IS 'the signals that fired';
	COMMENT ON COLUMN dormancy.declining_customers.total_amount IS 'net amount of all orders up to as_of';
	COMMENT ON COLUMN dormancy.declining_customers.recent_amount IS 'net amount in the recent window';
	COMMENT ON COLUMN dormancy.declining_customers.prior_amount IS 'net amount in the prior window';
	COMMENT ON COLUMN dormancy.declining_customers.amount_change IS 'recent_amount / prior_amount - 1';
	COMMENT ON COLUMN dormancy.declining_customers.recent_orders IS 'orders in the recent window';
	COMMENT ON COLUMN dormancy.declining_customers.prior_orders IS 'orders in the prior window';
	COMMENT ON COLUMN dormancy.declining_customers.frequency_change IS 'recent_orders / prior_orders - 1';
	COMMENT ON COLUMN dormancy.declining_customers.median_gap_days IS 'median gap between purchase days';
	COMMENT ON COLUMN dormancy.declining_customers.overdue_ratio IS 'days since the last purchase / median gap';
	COMMENT ON COLUMN dormancy.declining_customers.cadence_change IS 'recent median gap / earlier median gap - 1';
	COMMENT ON COLUMN dormancy.declining_customers.same_season_change IS 'season amount / same season last year - 1';
	COMMENT ON COLUMN dormancy.declining_customers.amount_trend IS 'slope of purchase-day amount, per year';
	COMMENT ON COLUMN dormancy.declining_customers.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.declining_customers.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.declining_customers.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.category_trend IS 'recent vs prior amount and orders per customer and category (empty when no category column is bound)';
	COMMENT ON COLUMN dormancy.category_trend.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.category_trend.category IS 'product category';
	COMMENT ON COLUMN dormancy.category_trend.recent_amount IS 'net amount of the category in the recent window';
	COMMENT ON COLUMN dormancy.category_trend.prior_amount IS 'net amount of the category in the prior window';
	COMMENT ON COLUMN dormancy.category_trend.recent_orders IS 'orders of the category in the recent window';
	COMMENT ON COLUMN dormancy.category_trend.prior_orders IS 'orders of the category in the prior window';
	COMMENT ON COLUMN dormancy.category_trend.amount_change IS 'recent_amount / prior_amount - 1';
	COMMENT ON COLUMN dormancy.category_trend.frequency_change IS 'recent_orders / prior_orders - 1';
	COMMENT ON COLUMN dormancy.category_trend.stopped IS 'bought the category in the prior window and not in the recent one';
	COMMENT ON COLUMN dormancy.category_trend.declining IS 'amount_drop or frequency_drop fired for the category';
	COMMENT ON COLUMN dormancy.category_trend.last_order_at IS 'last purchase day of the category';
	COMMENT ON COLUMN dormancy.category_trend.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.data_issues IS 'rows the views cannot use (unknown customers, missing dates, NULL or duplicate ids) and customers whose model columns could not be computed, counted per kind';
	COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id, duplicate_customer_id or model_evaluation_failed';
	COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
	COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';
END
$$;

--
-- Names and encodings (helper: encodings)
--

SELECT dormancy._update_generated_views();
