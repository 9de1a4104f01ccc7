--
-- The adapters: the only views that binding writes
--
-- One adapter view per source, src_*, maps the user's relation and columns
-- onto fixed column names and types (the customer id keeps the bound type).
-- An unbound source has an empty adapter of the same shape, so every view
-- above the adapters (sql_src/70_views.sql) is one literal definition that
-- reads them all.  What the views need to know about the bindings themselves
-- (is a category bound? a phone column?) is the one row of src_bindings.
-- _build_views() (sql_src/25_views.sql) creates or replaces these; the views
-- above are created once and again only when an adapter's column type changes.
--

CREATE FUNCTION dormancy._adapter_definitions()
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
	cust_broken record;
	ord_broken record;
	bound jsonb;
	amount_in_range text;
	ord_key text;
	ord_amount text;
	ord_discounted text;
	ord_aggs text;
	ord_at text;
	ord_dated text;
	amount_type oid;
	id_type text := dormancy._customer_id_type();
	src record;
	citus_kind text;
	on_workers boolean;
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

	-- src_bindings: what is bound, one row of constants (the planner folds
	-- them, so a view's branch for an unbound source costs nothing)
	bound := (SELECT coalesce(jsonb_object_agg(x.source, x.columns), '{}') FROM dormancy._usable_bindings() x);
	view_name := 'src_bindings';
	definition := format(
		'SELECT %s AS orders_bound, %s AS customers_bound, %s AS customer_names_bound, '
		'%s AS order_categories_bound, %s AS order_discounts_bound, '
		'%s AS contracts_bound, %s AS events_bound, %s AS deals_bound, %s AS contacts_bound, '
		'%s AS contact_phones_bound, %s AS contact_emails_bound, %s AS contact_persons_bound, '
		'%s AS contact_dates_bound, %s AS customer_name_keys_tracked, %s AS order_ids_bound',
		(bound ? 'orders')::text, (bound ? 'customers')::text, coalesce(bound -> 'customers' ? 'name', false)::text,
		coalesce(bound -> 'orders' ? 'category', false)::text, coalesce(bound -> 'orders' ? 'discounted', false)::text,
		(bound ? 'contracts')::text, (bound ? 'events')::text, (bound ? 'deals')::text, (bound ? 'contacts')::text,
		coalesce(bound -> 'contacts' ? 'phone', false)::text, coalesce(bound -> 'contacts' ? 'email', false)::text,
		coalesce(bound -> 'contacts' ? 'person', false)::text, coalesce(bound -> 'contacts' ? 'updated_at', false)::text,
		-- the name keys can be kept by triggers (sql_src/63_name_keys.sql);
		-- whether they are up to date is checked once per query
		(cust.relation IS NOT NULL
		 AND dormancy._name_keys_untrackable(cust.relation, (cust.columns ->> 'id')::name, (cust.columns ->> 'name')::name,
											 (cust.columns ->> 'company')::name) IS NULL)::text,
		(ord.relation IS NOT NULL AND ord.columns ? 'order_id')::text);
	RETURN NEXT;

	-- src_orders: one row per order line of the user's relation; an amount
	-- beyond +-1e15, NaN or infinite is unknown (NULL), and flagged for
	-- data_issues
	IF ord.relation IS NOT NULL THEN
		amount_in_range := dormancy._number_in_range_expr(ord.relation, ord.columns, 'amount');
		ord_sql := format(
			'SELECT %s AS customer_id, %s AS ordered_at, %s AS amount, %s AS category, %s AS discounted, '
			'%s AS amount_out_of_range FROM %s t',
			dormancy._col(ord.columns, 'customer'),
			dormancy._col(ord.columns, 'ordered_at'),
			dormancy._number_expr(ord.relation, ord.columns, 'amount'),
			dormancy._col_as(ord.columns, 'category', 'pg_catalog.text'),
			dormancy._col_as(ord.columns, 'discounted', 'pg_catalog.bool'),
			CASE WHEN amount_in_range = 'true' THEN 'false' ELSE format('NOT coalesce(%s, true)', amount_in_range) END,
			ord.relation);
	ELSIF ord_broken.source IS NOT NULL THEN
		-- the columns come from the function (not constants), so that no
		-- filter on them lets the planner skip it
		ord_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.date END AS ordered_at, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.float8 END AS amount, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS category, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.bool END AS discounted, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.bool END AS amount_out_of_range '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(cust_id_type, 'pg_catalog.int8'),
			ord_broken.source, ord_broken.message, ord_broken.hint, ord_broken.code);
	ELSE
		ord_sql := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS ordered_at, NULL::pg_catalog.float8 AS amount, '
			'NULL::pg_catalog.text AS category, NULL::pg_catalog.bool AS discounted, '
			'NULL::pg_catalog.bool AS amount_out_of_range WHERE false',
			coalesce(cust_id_type, 'pg_catalog.int8'));
	END IF;

	-- src_customers: the bound customers, else the customers seen in orders
	IF cust.relation IS NOT NULL THEN
		cust_sql := format(
			'SELECT %s AS customer_id, %s AS name, %s AS industry, %s AS company_size, %s AS owner, %s AS company_id FROM %s t',
			dormancy._col(cust.columns, 'id'),
			dormancy._col_as(cust.columns, 'name', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'industry', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'company_size', 'pg_catalog.text'),
			dormancy._col_as(cust.columns, 'owner', 'pg_catalog.text'),
			-- a blank company id is none (_company_id, sql_src/58_names.sql)
			format('dormancy._company_id(%s)', dormancy._col_as(cust.columns, 'company', 'pg_catalog.text')),
			cust.relation);
	ELSIF cust_broken.source IS NOT NULL THEN
		cust_sql := format(
			'SELECT CASE WHEN b.broken THEN NULL::%s END AS customer_id, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS name, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.text END AS industry, CASE WHEN b.broken THEN NULL::pg_catalog.text END AS company_size, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.text END AS owner, '
			'CASE WHEN b.broken THEN NULL::pg_catalog.text END AS company_id '
			'FROM dormancy._broken_binding(%L, %L, %L, %L) b(broken)',
			coalesce(ord_cust_type, 'pg_catalog.int8'),
			cust_broken.source, cust_broken.message, cust_broken.hint, cust_broken.code);
	ELSIF ord.relation IS NOT NULL OR ord_broken.source IS NOT NULL THEN
		-- (the orders broken: src_orders raises their error when read, so
		-- customer_status fails rather than come out empty)
		cust_sql := 'SELECT DISTINCT o.customer_id, NULL::pg_catalog.text AS name, NULL::pg_catalog.text AS industry, '
					'NULL::pg_catalog.text AS company_size, NULL::pg_catalog.text AS owner, NULL::pg_catalog.text AS company_id '
					'FROM dormancy.src_orders o WHERE o.customer_id IS NOT NULL';
	ELSE
		cust_sql := 'SELECT NULL::pg_catalog.int8 AS customer_id, NULL::pg_catalog.text AS name, '
					'NULL::pg_catalog.text AS industry, NULL::pg_catalog.text AS company_size, '
					'NULL::pg_catalog.text AS owner, NULL::pg_catalog.text AS company_id WHERE false';
	END IF;
	-- on Citus, with dormancy.evaluate_on_workers on, the customers are read
	-- as they are, and Citus sends customer_status to the shards whole: the
	-- evaluation reads no table of the worker, only values the coordinator
	-- computed (docs/scaling-out.md, Evaluation on the workers).  Off, the
	-- customers are a subquery that Citus runs by itself and collects
	-- (OFFSET 0 keeps it from being merged into the query above), so that
	-- the evaluation runs on the coordinator over the customers and the
	-- histories the workers computed.  auto (the default): on when the
	-- bound customers are a distributed table (the layout docs/scaling-out.md
	-- asks for; with customers in a reference or local table, or only
	-- orders bound, the coordinator was as fast or faster):
	-- _customers_on_workers.
	citus_kind := dormancy._citus_table_kind(coalesce(cust.relation, ord.relation));
	on_workers := dormancy._customers_on_workers(cust.relation, ord.relation);
	IF citus_kind IS NOT NULL AND NOT on_workers THEN
		cust_sql := cust_sql || ' OFFSET 0';
	END IF;

	view_name := 'src_orders'; definition := ord_sql; RETURN NEXT;

	-- src_history_rows: the rows the purchase histories fold.  Without an
	-- order id, the order rows of src_orders as they are.  With one (the
	-- bound relation holds order lines), the lines grouped into orders: an
	-- order is the lines of one customer with one order id (lines without an
	-- order id: those of the customer at the same order time).  Each order
	-- gives one row of category NULL with the net of all its lines, on the
	-- day of its first dated line (whole_order), and one row per category it
	-- has, with the net of its lines of that category, on the day of the
	-- first dated of them (lines without a category give none):
	-- category_histories folds both, per category; customer_histories the
	-- whole orders.  A line whose time is NULL or infinite is netted into its
	-- order all the same; an order none of whose lines is dated has no day
	-- (ordered_at NULL) and is left out of the histories, as an undated order
	-- row is, and so is a category's part of an order without a dated line
	-- of that category (its lines are in the whole order).  Giving such a
	-- part its order's day took a window over the order, which made
	-- customer_histories 1.4 times as slow at 100,000 demo customers with an
	-- order id (a sort, and no parallel plan; medians of 3, 2026-12-08), or
	-- a lookup of the order per part, a scan of the lines each where the
	-- customer column has no index; data_issues reports those lines in any
	-- case (undated_rows and undated_amount of the whole orders).  The nets
	-- are exact sums (numeric) of the lines' amounts, so that they do not
	-- depend on the order of the lines, then checked like one amount (beyond
	-- +-1e15: unknown, amount_out_of_range); a net is unknown when every
	-- line's amount is, or when it is beyond that range.  Two groupings,
	-- each by the customer first, so that a filter on customer_id reaches
	-- the bound relation (its index).
	view_name := 'src_history_rows';
	IF ord.relation IS NOT NULL AND ord.columns ? 'order_id' THEN
		ord_key := format('%s, %s, (CASE WHEN %s IS NULL THEN %s END)',
						  dormancy._col(ord.columns, 'customer'), dormancy._col(ord.columns, 'order_id'),
						  dormancy._col(ord.columns, 'order_id'), dormancy._col(ord.columns, 'ordered_at'));
		-- a line's amount as numeric (exact), NULL when out of range
		amount_type := (dormancy._binding_column(ord.relation, 'amount', ord.columns ->> 'amount')).type_oid;
		amount_in_range := dormancy._number_in_range_expr(ord.relation, ord.columns, 'amount');
		IF amount_type IN ('float4'::regtype, 'float8'::regtype) THEN
			ord_amount := format('(%s)::pg_catalog.numeric', dormancy._number_expr(ord.relation, ord.columns, 'amount'));
		ELSIF amount_in_range = 'true' THEN
			ord_amount := format('(t.%I)::pg_catalog.numeric', ord.columns ->> 'amount');
		ELSE
			ord_amount := format('CASE WHEN %s THEN (t.%I)::pg_catalog.numeric END', amount_in_range, ord.columns ->> 'amount');
		END IF;
		ord_discounted := dormancy._col_as(ord.columns, 'discounted', 'pg_catalog.bool');
		-- the aggregates of a row after its customer, order time, net,
		-- discounted flag, category and whole_order: line_rows, undated_rows,
		-- undated_amount, amount_out_of_range
		ord_at := dormancy._col(ord.columns, 'ordered_at');
		-- a line with a time: finite, and for a timestamptz its wall-clock
		-- time in the zone too (an instant whose local time is beyond the
		-- range has none: the histories' own test, _local_time)
		ord_dated := CASE WHEN (dormancy._binding_column(ord.relation, 'ordered_at', ord.columns ->> 'ordered_at')).type_oid
								= 'timestamptz'::regtype
						  THEN format('pg_catalog.isfinite(dormancy._local_time(%s, (SELECT z.zone FROM dormancy._zone_in_force z)))', ord_at)
						  ELSE format('pg_catalog.isfinite(%s)', ord_at) END;
		ord_aggs := format(
			'pg_catalog.count(*)::pg_catalog.int4 AS line_rows, '
			'pg_catalog.count(*) FILTER (WHERE NOT coalesce(%1$s, false))::pg_catalog.int4 AS undated_rows, '
			'dormancy._numeric_amount(pg_catalog.sum(%2$s) FILTER (WHERE NOT coalesce(%1$s, false))) AS undated_amount, '
			'(pg_catalog.sum(%2$s) IS NOT NULL AND dormancy._numeric_amount(pg_catalog.sum(%2$s)) IS NULL) AS amount_out_of_range',
			ord_dated, ord_amount);
		definition := format(
			'SELECT %1$s AS customer_id, pg_catalog.min(%2$s) FILTER (WHERE %8$s) AS ordered_at, '
			'dormancy._numeric_amount(pg_catalog.sum(%3$s)) AS amount, pg_catalog.bool_or(%4$s) AS discounted, '
			'NULL::pg_catalog.text AS category, true AS whole_order, %5$s '
			'FROM %6$s t GROUP BY %7$s',
			dormancy._col(ord.columns, 'customer'), ord_at, ord_amount, ord_discounted, ord_aggs,
			ord.relation, ord_key, ord_dated);
		IF ord.columns ? 'category' THEN
			definition := definition || format(
				' UNION ALL '
				'SELECT %1$s, pg_catalog.min(%2$s) FILTER (WHERE %9$s), '
				'dormancy._numeric_amount(pg_catalog.sum(%3$s)), pg_catalog.bool_or(%4$s), %8$s, false, %5$s '
				'FROM %6$s t WHERE %8$s IS NOT NULL GROUP BY %7$s, %8$s',
				dormancy._col(ord.columns, 'customer'), ord_at, ord_amount, ord_discounted, ord_aggs,
				ord.relation, ord_key, dormancy._col_as(ord.columns, 'category', 'pg_catalog.text'), ord_dated);
		END IF;
	ELSE
		-- (no order id: each row its own order, left out when undated)
		definition := 'SELECT o.customer_id, o.ordered_at, o.amount, o.discounted, o.category, '
					  'false AS whole_order, 1 AS line_rows, '
					  '(CASE WHEN pg_catalog.isfinite(o.ordered_at) THEN 0 ELSE 1 END)::pg_catalog.int4 AS undated_rows, '
					  'CASE WHEN NOT coalesce(pg_catalog.isfinite(o.ordered_at), false) THEN o.amount END AS undated_amount, '
					  'o.amount_out_of_range FROM dormancy.src_orders o';
	END IF;
	RETURN NEXT;

	view_name := 'src_customers'; definition := cust_sql; RETURN NEXT;

	-- src_stored_histories: the per-category histories a refresh stored
	-- (dormancy.stored_histories, keyed by the id as text), with the id cast
	-- back to its type.  _stored_histories() returns no rows outside a
	-- refresh, and reads the store with the caller's rights, so a reader
	-- needs no grant on it.
	-- On Citus nothing is stored (the orders are untracked there): no rows,
	-- read from the distributed orders, so that Citus sends
	-- customer_histories_stored to the shards with the rest of customer_core
	-- (a local function on the inner side of its outer join it would not).
	view_name := 'src_stored_histories';
	IF ord.relation IS NOT NULL AND dormancy._citus_table_kind(ord.relation) = 'distributed' THEN
		definition := format(
			'SELECT %s::%s AS customer_id, NULL::pg_catalog.text AS category, '
			'NULL::dormancy.purchase_history AS history, NULL::pg_catalog.int8 AS order_rows '
			'FROM %s t WHERE false',
			dormancy._col(ord.columns, 'customer'), coalesce(ord_cust_type, cust_id_type, 'pg_catalog.int8'),
			ord.relation);
	ELSE
		definition := format(
			'SELECT st.customer_key::%s AS customer_id, st.category, st.history, st.order_rows '
			'FROM dormancy._stored_histories() st',
			coalesce(ord_cust_type, cust_id_type, 'pg_catalog.int8'));
	END IF;
	RETURN NEXT;

	-- src_name_keys: the stored name keys (dormancy.customer_name_keys,
	-- keyed by the id as text, COLLATE "C"), with the id cast back to its
	-- type in the database's collation (as the customers' id: text ids are
	-- then found by its index); read
	-- through its row security policy (the reader's customers only; the
	-- table in a subquery, which Citus plans apart from your distributed
	-- customers: docs/scaling-out.md)
	view_name := 'src_name_keys';
	definition := format(
		'SELECT (k.customer_key COLLATE pg_catalog."default")::%s AS customer_id, k.name_key, k.rows '
		'FROM (SELECT k.customer_key, k.name_key, k.rows FROM dormancy.customer_name_keys k) k',
		id_type);
	RETURN NEXT;

	-- src_contracts: one row per contract term
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contracts';
	view_name := 'src_contracts';
	IF src.relation IS NOT NULL THEN
		-- seats or an amount beyond +-1e15, NaN or infinite are unknown
		-- (NULL), and flagged for source_issues (as an order's amount)
		SELECT coalesce(nullif(string_agg(format('NOT coalesce(%s, true)', r.cond), ' OR '), ''), 'false')
		  INTO amount_in_range
		  FROM unnest(ARRAY[dormancy._number_in_range_expr(src.relation, src.columns, 'seats'),
							dormancy._number_in_range_expr(src.relation, src.columns, 'amount')]) r(cond)
		 WHERE r.cond <> 'true';
		definition := format(
			'SELECT %s AS customer_id, %s AS starts_on, %s AS ends_on, %s AS seats, %s AS amount, '
			'%s AS auto_renew, %s AS plan, %s AS numbers_out_of_range FROM %s t',
			dormancy._col(src.columns, 'customer'),
			dormancy._day_expr(src.relation, src.columns, 'starts_on'),
			dormancy._day_expr(src.relation, src.columns, 'ends_on'),
			dormancy._number_expr(src.relation, src.columns, 'seats'),
			dormancy._number_expr(src.relation, src.columns, 'amount'),
			dormancy._col_as(src.columns, 'auto_renew', 'pg_catalog.bool'),
			dormancy._col_as(src.columns, 'plan', 'pg_catalog.text'),
			amount_in_range,
			src.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS starts_on, NULL::pg_catalog.date AS ends_on, '
			'NULL::pg_catalog.float8 AS seats, NULL::pg_catalog.float8 AS amount, NULL::pg_catalog.bool AS auto_renew, '
			'NULL::pg_catalog.text AS plan, NULL::pg_catalog.bool AS numbers_out_of_range WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_events: one row per event
	src := NULL;
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x
	 WHERE x.source = 'events';
	view_name := 'src_events';
	IF src.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS occurred_on, %s AS source_kind FROM %s t',
			dormancy._col(src.columns, 'customer'),
			dormancy._day_expr(src.relation, src.columns, 'occurred_at'),
			dormancy._col_as(src.columns, 'kind', 'pg_catalog.text'),
			src.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS occurred_on, '
			'NULL::pg_catalog.text AS source_kind WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_deals: one row per deal
	src := NULL;
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x
	 WHERE x.source = 'deals';
	view_name := 'src_deals';
	IF src.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS closed_on, %s AS source_outcome, %s AS source_reason, '
			'%s AS note, %s AS closed_at FROM %s t',
			dormancy._col(src.columns, 'customer'),
			dormancy._day_expr(src.relation, src.columns, 'closed_at'),
			dormancy._col_as(src.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'lost_reason', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'note', 'pg_catalog.text'),
			dormancy._instant_expr(src.relation, src.columns, 'closed_at'),
			src.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS closed_on, NULL::pg_catalog.text AS source_outcome, '
			'NULL::pg_catalog.text AS source_reason, NULL::pg_catalog.text AS note, NULL::pg_catalog.timestamptz AS closed_at '
			'WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_contacts: one row per contact
	src := NULL;
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contacts';
	view_name := 'src_contacts';
	IF src.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS phone, %s AS email, %s AS person, %s AS updated_on FROM %s t',
			dormancy._col(src.columns, 'customer'),
			dormancy._col_as(src.columns, 'phone', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'email', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'person', 'pg_catalog.text'),
			dormancy._day_expr(src.relation, src.columns, 'updated_at'),
			src.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.text AS phone, NULL::pg_catalog.text AS email, '
			'NULL::pg_catalog.text AS person, NULL::pg_catalog.date AS updated_on WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_outreach: one row per contact, from the bound outreach relation or
	-- else the extension's own log (sql_src/67_outreach.sql)
	view_name := 'src_outreach';
	definition := dormancy._outreach_adapter();
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

-- The adapters' comments (reapplied after each build: a replaced view keeps
-- them, a recreated one does not).
CREATE FUNCTION dormancy._comment_adapters()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_bindings IS 'what is bound, one row: the views above the adapters read it to leave out what an unbound source or column cannot tell';
	COMMENT ON COLUMN dormancy.src_bindings.orders_bound IS 'orders are bound';
	COMMENT ON COLUMN dormancy.src_bindings.customers_bound IS 'customers are bound';
	COMMENT ON COLUMN dormancy.src_bindings.customer_names_bound IS 'the customers'' name column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.order_categories_bound IS 'the orders'' category column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.order_discounts_bound IS 'the orders'' discounted column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.contracts_bound IS 'contracts are bound';
	COMMENT ON COLUMN dormancy.src_bindings.events_bound IS 'engagement events are bound';
	COMMENT ON COLUMN dormancy.src_bindings.deals_bound IS 'deals are bound';
	COMMENT ON COLUMN dormancy.src_bindings.contacts_bound IS 'contacts are bound';
	COMMENT ON COLUMN dormancy.src_bindings.contact_phones_bound IS 'the contacts'' phone column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.contact_emails_bound IS 'the contacts'' email column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.contact_persons_bound IS 'the contacts'' person column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.contact_dates_bound IS 'the contacts'' updated_at column is bound';
	COMMENT ON COLUMN dormancy.src_bindings.customer_name_keys_tracked IS 'the customers'' name keys can be kept by triggers in dormancy.customer_name_keys (customer_status looks them up while they are up to date)';
	COMMENT ON COLUMN dormancy.src_bindings.order_ids_bound IS 'the orders'' order id column is bound: the orders relation holds order lines, grouped into orders by src_history_rows';

	COMMENT ON VIEW dormancy.src_orders IS 'adapter view over the bound orders relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_orders.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_orders.ordered_at IS 'the bound order time column (date, timestamp or timestamptz)';
	COMMENT ON COLUMN dormancy.src_orders.amount IS 'the bound amount column as double precision; negative amounts are refunds, NULL is unknown';
	COMMENT ON COLUMN dormancy.src_orders.category IS 'the bound product category column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_orders.discounted IS 'the bound discounted-order flag, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_orders.amount_out_of_range IS 'the bound amount is beyond +-1e15, NaN or infinite: amount is NULL (unknown), and data_issues lists it';

	COMMENT ON VIEW dormancy.src_history_rows IS 'internal: the rows the purchase histories fold: the order rows of src_orders, or, with an order id bound, per order one row per category and one of the whole order';
	COMMENT ON COLUMN dormancy.src_history_rows.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_history_rows.ordered_at IS 'the order time (with an order id: the earliest of the row''s lines with a finite time, for a category row with none its order''s; NULL for an order none of whose lines has one)';
	COMMENT ON COLUMN dormancy.src_history_rows.amount IS 'the amount as double precision (with an order id: the net of the order''s lines of the row, unknown when every one is or when it is beyond +-1e15)';
	COMMENT ON COLUMN dormancy.src_history_rows.discounted IS 'the discounted flag (with an order id: some line of the row is discounted)';
	COMMENT ON COLUMN dormancy.src_history_rows.category IS 'the product category; NULL for a whole order (with an order id) or when unbound';
	COMMENT ON COLUMN dormancy.src_history_rows.whole_order IS 'the row is a whole order, every category (only with an order id bound)';
	COMMENT ON COLUMN dormancy.src_history_rows.line_rows IS 'order rows (lines) the row stands for';
	COMMENT ON COLUMN dormancy.src_history_rows.undated_rows IS 'of those, the rows whose order time is NULL or infinite (with an order id: netted into their order when it has a line with a time, else left out with it)';
	COMMENT ON COLUMN dormancy.src_history_rows.undated_amount IS 'the net of the amounts of those rows, as double precision (NULL when none is known)';
	COMMENT ON COLUMN dormancy.src_history_rows.amount_out_of_range IS 'the amount is unknown because it is beyond +-1e15 (with an order id: the known amounts of the row''s lines net beyond it; a line out of range itself is src_orders.amount_out_of_range)';

	COMMENT ON VIEW dormancy.src_customers IS 'adapter view over the bound customers relation (the customers seen in orders when only orders are bound)';
	COMMENT ON COLUMN dormancy.src_customers.customer_id IS 'the bound customer id column';
	COMMENT ON COLUMN dormancy.src_customers.name IS 'the bound name column as text';
	COMMENT ON COLUMN dormancy.src_customers.industry IS 'the bound industry column as text, matched against dormancy.rules';
	COMMENT ON COLUMN dormancy.src_customers.company_size IS 'the bound company size column as text, matched against dormancy.rules';
	COMMENT ON COLUMN dormancy.src_customers.owner IS 'the bound owner (sales rep) column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_customers.company_id IS 'the bound company id column as text (customers of one company share it), NULL when none is bound';

	COMMENT ON VIEW dormancy.src_stored_histories IS 'internal: the per-category histories stored by the last refresh, read only inside a refresh (empty elsewhere)';
	COMMENT ON COLUMN dormancy.src_stored_histories.customer_id IS 'customer id, cast back to the type of the ids';
	COMMENT ON COLUMN dormancy.src_stored_histories.category IS 'product category (NULL when no category column is bound)';
	COMMENT ON COLUMN dormancy.src_stored_histories.history IS 'the stored history of the customer and category';
	COMMENT ON COLUMN dormancy.src_stored_histories.order_rows IS 'order rows read for it';

	COMMENT ON VIEW dormancy.src_name_keys IS 'internal: the stored name keys of the bound customers (dormancy.customer_name_keys), for the duplicate_name data gap';
	COMMENT ON COLUMN dormancy.src_name_keys.customer_id IS 'customer id, cast back to the type of the ids';
	COMMENT ON COLUMN dormancy.src_name_keys.name_key IS 'the key the duplicate_name data gap compares: the name key of a name the customer has, after its company id and a colon when a company column is bound';
	COMMENT ON COLUMN dormancy.src_name_keys.rows IS 'rows of the customers table with this id and this key';

	COMMENT ON VIEW dormancy.src_contracts IS 'adapter view over the bound contracts relation, one row per contract term (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contracts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contracts.starts_on IS 'first day of the term (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_contracts.ends_on IS 'last day of the term; NULL or infinity for an open-ended term';
	COMMENT ON COLUMN dormancy.src_contracts.seats IS 'seats or licences of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.amount IS 'amount of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.auto_renew IS 'whether the term renews by itself, NULL when unbound or unknown';
	COMMENT ON COLUMN dormancy.src_contracts.plan IS 'plan of the term as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.numbers_out_of_range IS 'the bound seats or amount is beyond +-1e15, NaN or infinite: read as NULL (unknown), and source_issues lists it';

	COMMENT ON VIEW dormancy.src_events IS 'adapter view over the bound engagement events relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_events.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_events.occurred_on IS 'the day of the event (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_events.source_kind IS 'the bound kind column as text, mapped by dormancy.event_kinds';

	COMMENT ON VIEW dormancy.src_deals IS 'adapter view over the bound deals relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_deals.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_deals.closed_on IS 'the day the deal closed (NULL for open deals); a timestamptz becomes its day in dormancy.time_zone';
	COMMENT ON COLUMN dormancy.src_deals.source_outcome IS 'the bound outcome column as text, mapped by dormancy.deal_outcomes';
	COMMENT ON COLUMN dormancy.src_deals.source_reason IS 'the bound lost reason column as text, mapped by dormancy.deal_reasons; NULL when unbound';
	COMMENT ON COLUMN dormancy.src_deals.note IS 'the bound note column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_deals.closed_at IS 'the instant the deal closed (a timestamp read in UTC), which orders deals of one day; NULL for a date column';

	COMMENT ON VIEW dormancy.src_contacts IS 'adapter view over the bound contacts relation, one row per contact (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contacts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contacts.phone IS 'the bound phone column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.email IS 'the bound email column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.person IS 'the bound contact person column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.updated_on IS 'the day the contact was last updated (a timestamptz becomes its day in dormancy.time_zone), NULL when unbound';

	COMMENT ON VIEW dormancy.src_outreach IS 'adapter view over the bound outreach relation, else dormancy.outreach_log: one row per contact, its wordings mapped';
	COMMENT ON COLUMN dormancy.src_outreach.customer_id IS 'the bound customer column, a text one by its key (white space trimmed at both ends: dormancy.outreach_customer_key); from the log: the id of the customer whose id has the log''s text so trimmed, NULL when none has';
	COMMENT ON COLUMN dormancy.src_outreach.contacted_at IS 'when the contact was made (a bound date or timestamp is taken in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_outreach.contacted_on IS 'the day of the contact in dormancy.time_zone';
	COMMENT ON COLUMN dormancy.src_outreach.channel IS 'the channel mapped by dormancy.outreach_channels: email, direct_mail, phone, visit or step_mail; NULL when unmapped or not given';
	COMMENT ON COLUMN dormancy.src_outreach.theme IS 'the message theme mapped by dormancy.outreach_themes; NULL when unmapped or not given';
	COMMENT ON COLUMN dormancy.src_outreach.outcome IS 'the outcome mapped by dormancy.outreach_outcomes: not_reached, reached, delivered (arrived, no answer), interested, meeting, quote, order or declined; NULL when unmapped or not given';
	COMMENT ON COLUMN dormancy.src_outreach.declined_reason IS 'the declined reason mapped by dormancy.deal_reasons: price, features, competitor, timing, budget, circumstances, or other when unmapped; NULL when none was given';
	COMMENT ON COLUMN dormancy.src_outreach.rep IS 'who made the contact, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_outreach.campaign_id IS 'the campaign of the contact (dormancy.campaigns), NULL when none or unbound';
	COMMENT ON COLUMN dormancy.src_outreach.source_channel IS 'the channel as written';
	COMMENT ON COLUMN dormancy.src_outreach.source_theme IS 'the theme as written';
	COMMENT ON COLUMN dormancy.src_outreach.source_outcome IS 'the outcome as written';
	COMMENT ON COLUMN dormancy.src_outreach.source_reason IS 'the declined reason as written';
	COMMENT ON COLUMN dormancy.src_outreach.source_customer_id IS 'the customer id as written, as text';
	COMMENT ON COLUMN dormancy.src_outreach.outreach_id IS 'the row number of dormancy.outreach_log (orders contacts of one instant); NULL for a bound relation';
	COMMENT ON COLUMN dormancy.src_outreach.opt_out IS 'the outcome is a request not to be contacted again (dormancy.outreach_outcomes.opt_out); false when unmapped or not given';
END
$$;
COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';
REVOKE ALL ON FUNCTION dormancy._comment_adapters() FROM PUBLIC;
