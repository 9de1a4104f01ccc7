--
-- Assembling the generated views
--
-- The generated views.  _build_views() writes them from dormancy.bindings:
-- first with CREATE OR REPLACE (keeps views that users built on them), and
-- when a column type changes, by dropping and recreating them all.
--
-- The parts the generated views are assembled from, of one kind (see
-- _view_definitions), in the order they are applied.  A fixed list, not a
-- search of the catalog by name: this is the one place that says which
-- function adds what to which view.
--   _views_*          views of the optional sources that customer_core joins
--   _data_issues_*    more rows of data_issues
--   _status_parts_*   FROM items and columns of customer_status, in column order
--   _status_views_*   views over customer_status
--   _comment_views_*  comments of what the parts add
--   _after_build_*    what follows each build (snapshot, tracking, grants)
CREATE FUNCTION dormancy._view_hooks(prefix text)
	RETURNS TABLE (fn text)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'dormancy.' || h.fn
	  FROM unnest(ARRAY[
			'_views_50_sources',			-- sql_src/52_source_views.sql: contracts, events, deals
			'_views_57_contacts',			-- sql_src/57_data_gaps.sql: contacts
			'_data_issues_40_models',		-- sql_src/45_model_status.sql
			'_status_parts_40_models',	-- sql_src/45_model_status.sql: p_alive, expected purchases and value
			'_status_parts_50_contracts',	-- sql_src/52_source_views.sql
			'_status_parts_51_engagement',
			'_status_parts_52_deals',
			'_status_parts_53_contacts',	-- sql_src/57_data_gaps.sql
			'_status_parts_55_priority',	-- sql_src/55_priority.sql: score, reason, channel, theme
			'_status_parts_70_data_gaps',	-- sql_src/57_data_gaps.sql
			'_status_views_55_call_list',	-- sql_src/55_priority.sql
			'_status_views_58_names',		-- sql_src/58_names.sql: duplicate_customers
			'_comment_views_40_models',
			'_comment_views_50_sources',
			'_comment_views_55_priority',
			'_comment_views_57_data_gaps',
			'_comment_views_58_names',
			'_after_build_60_refresh',	-- sql_src/60_refresh.sql: snapshot views
			'_after_build_62_incremental',	-- sql_src/62_incremental.sql: change tracking
			'_after_build_97_privileges'	-- sql_src/97_privileges.sql: the analysts' grants
		   ]) WITH ORDINALITY AS h(fn, n)
	 WHERE starts_with(h.fn, prefix)
	 ORDER BY h.n
$$;
COMMENT ON FUNCTION dormancy._view_hooks(text) IS 'internal: the parts of the generated views of one kind, in the order they are applied';

CREATE FUNCTION dormancy._view_definitions()
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

	-- category_histories: an aggregate pass over the orders per customer and
	-- category (what the refresh stores, and what category_trend reads)
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


	-- customer_histories: one aggregate pass over the orders, per customer;
	-- the categorized_history aggregate keeps the per-category detail in the
	-- customer's state (its categories, the last purchase day of each, and the
	-- history as the union of the category histories, as category_histories
	-- would give them).  Inside a refresh the same columns come from the
	-- stored per-category histories, merged per customer (the gate, as in
	-- category_histories).  as_of is read once, in an init plan.
	view_name := 'customer_histories';
	definition := format($q$
SELECT a.customer_id,
	   (a.h).history,
	   (a.h).order_rows,
	   (a.h).categories,
	   (a.h).category_last_order_at
  FROM (SELECT o.customer_id,
			   dormancy.categorized_history(o.ordered_at, o.amount, o.discounted, o.category,
											(SELECT dormancy.as_of_day())) AS h
		  FROM dormancy.src_orders o
		 WHERE o.customer_id IS NOT NULL AND NOT dormancy._use_stored_histories()
		 GROUP BY o.customer_id) a
UNION ALL
SELECT s.customer_id,
	   dormancy.purchase_history_union(s.history),
	   pg_catalog.sum(s.order_rows)::pg_catalog.int8,
	   pg_catalog.array_agg(s.category ORDER BY s.category) FILTER (WHERE s.category IS NOT NULL),
	   pg_catalog.array_agg((dormancy.history_summary(s.history, dormancy.as_of_day())).last_order_at ORDER BY s.category)
		   FILTER (WHERE s.category IS NOT NULL)
  FROM (SELECT st.customer_key::%s AS customer_id, st.category, st.history, st.order_rows
		  FROM dormancy._stored_histories() st) s
 GROUP BY s.customer_id
$q$, coalesce(ord_cust_type, cust_id_type, 'pg_catalog.int8'));
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
  -- the rule of the customer's segment: per customer, so that a lookup of
  -- one customer reads no other (a DISTINCT over every customer's segment
  -- did); OFFSET 0 keeps it a subquery, which the planner memoizes by
  -- segment, so rule_for() runs once per segment, not once per customer
  LEFT JOIN LATERAL (
	SELECT dormancy.rule_for(coalesce(c.industry, ''), coalesce(c.company_size, '')) AS rule
	OFFSET 0
  ) r ON true
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

-- Comments of the generated views and their columns (reapplied after each build).
CREATE FUNCTION dormancy._comment_views()
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

	COMMENT ON VIEW dormancy.category_histories IS 'one purchase history per customer and category over src_orders (what a refresh stores)';
	COMMENT ON COLUMN dormancy.category_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.category_histories.category IS 'product category (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.category_histories.history IS 'the customer''s orders of this category folded into distinct days';
	COMMENT ON COLUMN dormancy.category_histories.order_rows IS 'order rows read, refunds and rows without a date included';

	COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: one aggregate pass over src_orders (categorized_history), the union of its category histories';
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
	COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id, duplicate_customer_id, order_amount_out_of_range or model_evaluation_failed';
	COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
	COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views() IS 'internal: comment the generated views';

-- The generated views read the user's tables, so they must not be members
-- of the extension: DROP TABLE ... CASCADE on a bound table would then drop
-- a member and with it the whole extension (rules, models, history).  As
-- ordinary views they are dumped by pg_dump like any view.  Relations made
-- while an extension script runs (ALTER EXTENSION UPDATE) become members
-- automatically: _unclaim() takes them out again.
CREATE FUNCTION dormancy._is_member(rel regclass)
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM pg_depend d
					WHERE d.classid = 'pg_class'::regclass AND d.objid = rel
					  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
$$;
COMMENT ON FUNCTION dormancy._is_member(regclass) IS 'internal: whether a relation is a member of an extension';

CREATE FUNCTION dormancy._unclaim(kind text, rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF dormancy._is_member(rel) THEN
		EXECUTE format('ALTER EXTENSION dormancy DROP %s %s', kind, rel);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._unclaim(text, regclass) IS 'internal: make sure a relation is not a member of the extension';

-- (Re)create the generated views from dormancy.bindings.
CREATE FUNCTION dormancy._build_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
	dependents text;
BEGIN
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) is unbound
	FOR v IN DELETE FROM dormancy.bindings b
			  WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation)
			  RETURNING b.source LOOP
		RAISE WARNING 'the bound % relation no longer exists: % is unbound', v.source, v.source
			USING HINT = format('Bind the %s again with dormancy.bind_%s().', v.source, v.source);
	END LOOP;
	-- a binding that lost a column is kept; the views are built without it
	FOR v IN SELECT * FROM dormancy._binding_problems() LOOP
		RAISE WARNING '%', v.message
			USING DETAIL = CASE WHEN v.source IN ('customers', 'orders')
								THEN format('The views are built without it: reading dormancy.src_%s and the views on it, customer_status among them, raises this error, and refresh() fails, until the %s are bound again.',
											v.source, v.source)
								ELSE format('The views are built as if the %s were not bound (dormancy.src_%s is empty), and refresh() fails, until they are bound again.',
											v.source, v.source) END,
				  HINT = v.hint;
	END LOOP;

	SELECT array_agg(d.view_name ORDER BY d.ord) INTO views
	  FROM dormancy._view_definitions() WITH ORDINALITY AS d(view_name, definition, ord);

	-- first try in place, which keeps views that users built on ours
	BEGIN
		FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
			EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
						   v.view_name, v.definition);
		END LOOP;
	EXCEPTION
		WHEN invalid_table_definition OR feature_not_supported OR datatype_mismatch THEN
			-- a column changed type: drop everything and build afresh
			FOR i IN REVERSE array_length(views, 1) .. 1 LOOP
				IF to_regclass('dormancy.' || quote_ident(views[i])) IS NOT NULL THEN
					PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(views[i]))::regclass);
					BEGIN
						EXECUTE format('DROP VIEW dormancy.%I', views[i]);
					EXCEPTION WHEN dependent_objects_still_exist THEN
						GET STACKED DIAGNOSTICS dependents = PG_EXCEPTION_DETAIL;
						RAISE EXCEPTION 'cannot rebind: other views depend on dormancy.%', views[i]
							USING ERRCODE = 'dependent_objects_still_exist',
								  DETAIL = format('The new binding changes a column type of the generated views (or a new version drops a column), so they must be dropped and recreated. What depends on them: %s.',
												  replace(dependents, E'\n', '; ')),
								  HINT = format('Drop the views that use dormancy.%s, bind, then create them again.', views[i]);
					END;
				END IF;
			END LOOP;
			FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
	END;

	-- not members of the extension (see _is_member)
	FOREACH v.view_name IN ARRAY views LOOP
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(v.view_name))::regclass);
	END LOOP;
	PERFORM dormancy._comment_views();
	-- later parts comment their own views: functions dormancy._comment_views_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_comment_views_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
	-- customer_core's columns mean what they mean in customer_status
	FOR v IN
		SELECT a.attname, col_description('dormancy.customer_status'::regclass, st.attnum) AS description
		  FROM pg_attribute a
		  JOIN pg_attribute st ON st.attrelid = 'dormancy.customer_status'::regclass AND st.attname = a.attname
		 WHERE a.attrelid = 'dormancy.customer_core'::regclass AND a.attnum > 0
	LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.customer_core.%I IS %L', v.attname, v.description);
	END LOOP;
	-- and do what must follow each build: functions dormancy._after_build_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_after_build_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._build_views() IS 'internal: (re)create the generated views from dormancy.bindings';

-- nobody but the owner rebuilds
REVOKE ALL ON FUNCTION dormancy._build_views() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._unclaim(text, regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._comment_views() FROM PUBLIC;
