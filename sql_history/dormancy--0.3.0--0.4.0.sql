-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- One C evaluation per customer (issue 11)
--
-- customer_core calls dormancy._history_facts() once per customer instead
-- of history_summary(), decline_metrics() and btyd_summary(); the view is
-- rebuilt by _update_generated_views() at the end.

-- Internal: what history_summary(), decline_metrics() and btyd_summary(...,
-- '1 day') give, in one call that detoasts and walks the history once.  Not
-- strict in the history (NULL: a customer without orders) nor in
-- min_order_amount (NULL: 0).  IMMUTABLE: the as-of day is an argument (the
-- view passes as_of_day(), the day btyd_summary(h, as_of()) takes).
CREATE FUNCTION dormancy._history_facts(
	history dormancy.purchase_history,
	as_of date,
	min_order_amount double precision,
	window_length interval,
	trend_years integer,
	season_length interval,
	amount_drop_threshold double precision,
	frequency_drop_threshold double precision,
	cadence_slowdown_threshold double precision,
	overdue_threshold double precision,
	season_drop_threshold double precision,
	trend_drop_threshold double precision,
	trend_min_points integer,
	discounted_known boolean,
	-- dormancy.history_summary
	OUT first_order_at date,
	OUT last_order_at date,
	OUT last_qualifying_order_at date,
	OUT orders_count bigint,
	OUT order_days integer,
	OUT total_amount double precision,
	OUT unknown_amount_orders integer,
	OUT refunds integer,
	OUT discounted_days integer,
	-- dormancy.decline_metrics
	OUT mean_gap_days double precision,
	OUT median_gap_days double precision,
	OUT gap_stddev_days double precision,
	OUT overdue_ratio double precision,
	OUT recent_amount double precision,
	OUT prior_amount double precision,
	OUT recent_orders bigint,
	OUT prior_orders bigint,
	OUT amount_change double precision,
	OUT frequency_change double precision,
	OUT amount_trend double precision,
	OUT trend_points integer,
	OUT relative_trend double precision,
	OUT recent_median_gap_days double precision,
	OUT earlier_median_gap_days double precision,
	OUT cadence_change double precision,
	OUT season_amount double precision,
	OUT last_season_amount double precision,
	OUT season_orders bigint,
	OUT last_season_orders bigint,
	OUT same_season_change double precision,
	OUT declining boolean,
	OUT decline_signals text[],
	OUT campaign_only boolean,
	-- dormancy.btyd_summary, in days
	OUT frequency integer,
	OUT recency double precision,
	OUT age double precision,
	OUT monetary_value double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'history_facts'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._history_facts(dormancy.purchase_history, date, double precision, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean) IS
	'internal: the columns of history_summary, decline_metrics and btyd_summary (1 day) of a history in one evaluation, for customer_core';

-- customer_core: the one LATERAL call (text as in sql_src/20_bind.sql)
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
	amount_in_range text;
	cust_broken record;
	ord_broken record;
BEGIN
	SELECT b.relation, b.columns INTO cust FROM dormancy._usable_bindings() b WHERE b.source = 'customers';
	SELECT b.relation, b.columns INTO ord FROM dormancy._usable_bindings() b WHERE b.source = 'orders';
	-- a broken binding: an adapter view that raises its error when read
	SELECT p.* INTO cust_broken FROM dormancy._binding_problems() p WHERE p.source = 'customers';
	SELECT p.* INTO ord_broken FROM dormancy._binding_problems() p WHERE p.source = 'orders';

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
	ELSIF ord_broken.source IS NOT NULL THEN
		-- the columns come from the function (not constants), so that no
		-- filter on them lets the planner skip it
		ord_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.date END AS ordered_at, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.float8 END AS amount, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS category, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.bool END AS discounted '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(cust_id_type, 'pg_catalog.int8'),
			ord_broken.source, ord_broken.message, ord_broken.hint, ord_broken.code);
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
	ELSIF cust_broken.source IS NOT NULL THEN
		cust_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS name, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.text END AS industry, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS company_size '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(ord_cust_type, 'pg_catalog.int8'),
			cust_broken.source, cust_broken.message, cust_broken.hint, cust_broken.code);
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
	-- (or, inside a refresh, the histories stored by the last one: a gate
	-- that only the refresh's own code sets, in C, selects the branch; the
	-- other is skipped without being read).  The view does not name the store:
	-- _stored_histories() returns no rows outside a refresh, and reads the
	-- store with the caller's rights, so a reader needs no grant on it.
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
		'FROM dormancy._stored_histories() s',
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
	bindings_json := (SELECT coalesce(jsonb_object_agg(b.source, b.columns), '{}') FROM dormancy._usable_bindings() b);
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
									THEN greatest(f.last_qualifying_order_at, con.last_covered_day)
									ELSE f.last_qualifying_order_at END,
							   a.day, (r.rule).at_risk_after, (r.rule).dormant_after,
							   (r.rule).long_dormant_after) AS state,
	   f.last_order_at,
	   a.day - f.last_order_at AS days_since_last_order,
	   f.last_qualifying_order_at,
	   a.day - f.last_qualifying_order_at AS days_since_last_qualifying_order,
	   f.first_order_at,
	   f.orders_count,
	   f.order_days,
	   f.total_amount,
	   f.unknown_amount_orders,
	   f.refunds,
	   CASE WHEN f.campaign_only THEN 'campaign_only'
			WHEN f.order_days = 1 THEN 'one_time'
			WHEN f.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of,
	   f.mean_gap_days,
	   f.median_gap_days,
	   f.gap_stddev_days,
	   f.overdue_ratio,
	   f.recent_amount,
	   f.prior_amount,
	   f.recent_orders,
	   f.prior_orders,
	   f.amount_change,
	   f.frequency_change,
	   f.amount_trend,
	   f.trend_points,
	   f.relative_trend,
	   f.recent_median_gap_days,
	   f.earlier_median_gap_days,
	   f.cadence_change,
	   f.season_amount,
	   f.last_season_amount,
	   f.season_orders,
	   f.last_season_orders,
	   f.same_season_change,
	   coalesce(f.declining, false) AS declining,
	   coalesce(f.decline_signals, '{}') AS decline_signals,
	   coalesce(pc.lapsed_after_price_increase, false) AS lapsed_after_price_increase,
	   pc.price_increase,
	   coalesce(pc.lapsed_after_spec_change, false) AS lapsed_after_spec_change,
	   pc.spec_change,
	   f.frequency,
	   f.recency * 1.0 AS recency_days,
	   f.age * 1.0 AS age_days,
	   f.monetary_value,
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
 -- the history-derived columns in one evaluation: those of history_summary,
 -- decline_metrics (with the settings of the one row ds) and btyd_summary
 -- (h, as_of(), '1 day'), the history detoasted and walked once
 CROSS JOIN LATERAL dormancy._history_facts(h.history, a.day,
		(r.rule).min_order_amount::pg_catalog.float8,
		ds.window_length, ds.trend_years, ds.season_length,
		ds.amount_drop_threshold, ds.frequency_drop_threshold,
		ds.cadence_slowdown_threshold, ds.overdue_threshold,
		ds.season_drop_threshold, ds.trend_drop_threshold,
		ds.trend_min_points, %s) f
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
				   CASE WHEN p.category IS NULL OR NOT %s THEN f.last_order_at
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
	-- amounts out of range, read from the bound relation itself (src_orders
	-- already shows them as unknown)
	IF ord.relation IS NOT NULL AND ord.columns ? 'amount' THEN
		amount_in_range := dormancy._number_in_range_expr(ord.relation, ord.columns, 'amount');
	END IF;
	IF amount_in_range <> 'true' THEN
		definition := definition || format(
			E'UNION ALL\n'
			'SELECT ''order_amount_out_of_range'', (%s)::pg_catalog.text, pg_catalog.count(*), NULL, '
			'''orders whose amount is beyond +-1e15, NaN or infinite, taken as unknown amounts'' '
			'FROM %s t WHERE NOT coalesce(%s, true) GROUP BY 2\n',
			dormancy._col(ord.columns, 'customer'), ord.relation, amount_in_range);
	END IF;
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
COMMENT ON FUNCTION dormancy._view_definitions() IS
	'internal: the SQL of every generated view, in dependency order, from dormancy.bindings and the _views_NN_* functions';

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
-- ... and customer_core's one evaluation of the history-derived columns
GRANT EXECUTE ON FUNCTION dormancy._history_facts(dormancy.purchase_history, date, double precision,
	interval, integer, interval, double precision, double precision, double precision, double precision,
	double precision, double precision, integer, boolean) TO dormancy_analyst;

SELECT dormancy._update_generated_views();
