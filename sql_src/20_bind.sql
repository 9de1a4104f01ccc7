--
-- Binding the user's tables
--
-- bind_* functions validate the user's relation and columns, record them in
-- dormancy.bindings, and (re)create the adapter views dormancy.src_* and the
-- views built on them.  Everything happens in the caller's transaction, so a
-- failed bind changes nothing.
--

CREATE TABLE dormancy.bindings (
	source text PRIMARY KEY,
	relation regclass NOT NULL,
	columns jsonb NOT NULL,
	bound_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	bound_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT bindings_source_known CHECK (source IN ('customers', 'orders'))
);
COMMENT ON TABLE dormancy.bindings IS 'which user relation and columns feed each source; written by the bind_* functions';
COMMENT ON COLUMN dormancy.bindings.source IS 'customers or orders';
COMMENT ON COLUMN dormancy.bindings.relation IS 'the bound table, view, materialized view or foreign table';
COMMENT ON COLUMN dormancy.bindings.columns IS 'role -> column name, e.g. {"id": "account_id", "name": "account_name"}';
COMMENT ON COLUMN dormancy.bindings.bound_at IS 'when the binding was made';
COMMENT ON COLUMN dormancy.bindings.bound_by IS 'who made the binding';
SELECT pg_catalog.pg_extension_config_dump('dormancy.bindings', '');

-- The column of a relation, checked to exist; its base type (domains resolved).
CREATE FUNCTION dormancy._binding_column(relation regclass, role text, col name,
	OUT type_oid oid, OUT type_name text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	available text;
BEGIN
	IF col IS NULL THEN
		RAISE EXCEPTION 'column for % must not be NULL', role
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT coalesce(NULLIF(t.typbasetype, 0), a.atttypid)
	  INTO type_oid
	  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
	 WHERE a.attrelid = relation AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
		  INTO available
		  FROM pg_attribute a
		 WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped;
		RAISE EXCEPTION 'column "%" does not exist in relation %', col, relation
			USING ERRCODE = 'undefined_column',
				  DETAIL = format('The %s column was given as "%s".', role, col),
				  HINT = format('Columns of %s are: %s.', relation, coalesce(available, 'none'));
	END IF;
	type_name := format_type(type_oid, NULL);
END
$$;
COMMENT ON FUNCTION dormancy._binding_column(regclass, text, name) IS
	'internal: look up a column for binding, with a hint listing the columns that exist';

-- Raise the wrong-type error for a bound column.
CREATE FUNCTION dormancy._binding_type_error(relation regclass, role text, col name,
	actual text, expected text)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'column "%" of relation % has type %, expected %', col, relation, actual, expected
		USING ERRCODE = 'datatype_mismatch',
			  DETAIL = format('The %s column takes %s.', role, expected),
			  HINT = 'Bind a view that casts the column to a supported type.';
END
$$;
COMMENT ON FUNCTION dormancy._binding_type_error(regclass, text, name, text, text) IS
	'internal: raise the wrong-type error of a binding';

-- Reject relation kinds that cannot be read like a table.
CREATE FUNCTION dormancy._check_relation(relation regclass)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind "char";
BEGIN
	IF relation IS NULL THEN
		RAISE EXCEPTION 'relation must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = relation;
	IF kind IS NULL THEN
		RAISE EXCEPTION 'relation with OID % does not exist', relation::oid
			USING ERRCODE = 'undefined_table';
	END IF;
	IF kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
		RAISE EXCEPTION '% is not a table, view, materialized view or foreign table', relation
			USING ERRCODE = 'wrong_object_type',
				  HINT = 'Bind the table that holds the rows.';
	END IF;
	IF relation IN ('dormancy.src_customers'::regclass, 'dormancy.src_orders'::regclass,
					'dormancy.customer_histories'::regclass, 'dormancy.customer_status'::regclass) THEN
		RAISE EXCEPTION 'cannot bind dormancy''s own view %', relation
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_relation(regclass) IS
	'internal: check that a relation can be bound';

-- A column reference expression for a generated view: t."col".
CREATE FUNCTION dormancy._col(bindings jsonb, role text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN bindings ->> role IS NULL THEN NULL
				ELSE 't.' || quote_ident(bindings ->> role) END;
COMMENT ON FUNCTION dormancy._col(jsonb, text) IS
	'internal: the quoted column reference of a bound role, NULL when unbound';

-- A bound column cast to a type, or a typed NULL when the role is unbound.
CREATE FUNCTION dormancy._col_as(bindings jsonb, role text, type_name text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN bindings ->> role IS NULL THEN 'NULL::' || type_name
				ELSE '(t.' || quote_ident(bindings ->> role) || ')::' || type_name END;
COMMENT ON FUNCTION dormancy._col_as(jsonb, text, text) IS
	'internal: a bound column cast to a type, or a typed NULL when the role is unbound';

--
-- The generated views.  _build_views() writes them from dormancy.bindings:
-- first with CREATE OR REPLACE (keeps views that users built on them), and
-- when a column type changes, by dropping and recreating them all.
--
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
			CASE (dormancy._binding_column(ord.relation, 'amount', ord.columns ->> 'amount')).type_name
				WHEN 'money' THEN dormancy._col_as(ord.columns, 'amount', 'pg_catalog.numeric') || '::pg_catalog.float8'
				ELSE dormancy._col_as(ord.columns, 'amount', 'pg_catalog.float8') END,
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

	-- customer_histories: one purchase history per customer that has orders
	view_name := 'customer_histories';
	definition :=
		'SELECT o.customer_id, dormancy.purchase_history(o.ordered_at, o.amount, o.discounted) AS history, '
		'pg_catalog.count(*) AS order_rows '
		'FROM dormancy.src_orders o WHERE o.customer_id IS NOT NULL GROUP BY o.customer_id';
	RETURN NEXT;

	-- customer_status: one row per customer with its state
	view_name := 'customer_status';
	definition := $q$
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
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day,
							   (r.rule).at_risk_after, (r.rule).dormant_after,
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
	   CASE WHEN s.order_days = 1 THEN 'one_time'
			WHEN s.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of
  FROM dormancy.src_customers c
 CROSS JOIN as_of a
  LEFT JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
  LEFT JOIN segment_rules r
		 ON r.industry_key = coalesce(c.industry, '')
		AND r.size_key = coalesce(c.company_size, '')
 CROSS JOIN LATERAL dormancy.history_summary(h.history, a.day,
											 (r.rule).min_order_amount::pg_catalog.float8) s
 WHERE c.customer_id IS NOT NULL
$q$;
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
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._view_definitions() IS
	'internal: the SQL of every generated view, in dependency order, from dormancy.bindings';

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

	COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: one aggregate pass over src_orders';
	COMMENT ON COLUMN dormancy.customer_histories.customer_id IS 'customer id as in src_orders';
	COMMENT ON COLUMN dormancy.customer_histories.history IS 'the customer''s orders folded into distinct days';
	COMMENT ON COLUMN dormancy.customer_histories.order_rows IS 'order rows read for this customer, refunds and rows without a date included';

	COMMENT ON VIEW dormancy.customer_status IS 'one row per customer: dormancy state as of dormancy.as_of_day() with the rule applied';
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

	COMMENT ON VIEW dormancy.data_issues IS 'rows the views cannot use (unknown customers, missing dates, NULL or duplicate ids), counted per kind';
	COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id or duplicate_customer_id';
	COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
	COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views() IS 'internal: comment the generated views';

-- (Re)create the generated views from dormancy.bindings.
CREATE FUNCTION dormancy._build_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
	in_script boolean := false;
BEGIN
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
					IF EXISTS (SELECT 1 FROM pg_depend d
								WHERE d.classid = 'pg_class'::regclass
								  AND d.objid = ('dormancy.' || quote_ident(views[i]))::regclass
								  AND d.deptype = 'e') THEN
						EXECUTE format('ALTER EXTENSION dormancy DROP VIEW dormancy.%I', views[i]);
					END IF;
					BEGIN
						EXECUTE format('DROP VIEW dormancy.%I', views[i]);
					EXCEPTION WHEN dependent_objects_still_exist THEN
						RAISE EXCEPTION 'cannot rebind: other views depend on dormancy.%', views[i]
							USING ERRCODE = 'dependent_objects_still_exist',
								  DETAIL = 'The new binding changes a column type of the generated views, so they must be dropped and recreated.',
								  HINT = format('Drop the views that use dormancy.%s, bind, then create them again.', views[i]);
					END;
				END IF;
			END LOOP;
			FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
	END;

	-- views made outside the install script must be added to the extension
	-- (so DROP EXTENSION removes them and pg_dump leaves them to rebind())
	FOREACH v.view_name IN ARRAY views LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_depend d
						WHERE d.classid = 'pg_class'::regclass
						  AND d.objid = ('dormancy.' || quote_ident(v.view_name))::regclass
						  AND d.refclassid = 'pg_extension'::regclass
						  AND d.deptype = 'e') THEN
			EXECUTE format('ALTER EXTENSION dormancy ADD VIEW dormancy.%I', v.view_name);
		END IF;
	END LOOP;
	PERFORM dormancy._comment_views();
END
$$;
COMMENT ON FUNCTION dormancy._build_views() IS 'internal: (re)create the generated views from dormancy.bindings';

-- Store one binding and rebuild; errors from the rebuild name the binding.
CREATE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.bindings AS b (source, relation, columns)
	VALUES (source, relation, jsonb_strip_nulls(columns))
	ON CONFLICT ON CONSTRAINT bindings_pkey DO UPDATE
	   SET relation = excluded.relation, columns = excluded.columns,
		   bound_at = now(), bound_by = CURRENT_USER;
	BEGIN
		PERFORM dormancy._build_views();
	EXCEPTION WHEN undefined_function THEN
		RAISE EXCEPTION 'customer ids of orders and customers cannot be compared'
			USING ERRCODE = 'datatype_mismatch',
				  DETAIL = format('The customer column of the orders has type %s and the id column of the customers has type %s.',
								  (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a, dormancy.bindings b
								    WHERE b.source = 'orders' AND a.attrelid = b.relation AND a.attname = b.columns ->> 'customer'),
								  (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a, dormancy.bindings b
								    WHERE b.source = 'customers' AND a.attrelid = b.relation AND a.attname = b.columns ->> 'id')),
				  HINT = 'Bind a view that casts one of them to the type of the other.';
	END;
END
$$;
COMMENT ON FUNCTION dormancy._bind(text, regclass, jsonb) IS 'internal: record a binding and rebuild the views';

CREATE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type oid;
BEGIN
	PERFORM dormancy._check_relation(relation);
	id_type := (dormancy._binding_column(relation, 'id', id)).type_oid;
	IF NOT EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
					WHERE am.amname IN ('btree', 'hash') AND o.opcdefault
					  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		PERFORM dormancy._binding_type_error(relation, 'id', id, format_type(id_type, NULL),
											 'a type with equality, such as integer, bigint, text or uuid');
	END IF;
	IF bind_customers.name IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'name', bind_customers.name);
	END IF;
	IF industry IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'industry', industry);
	END IF;
	IF company_size IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company_size', company_size);
	END IF;
	PERFORM dormancy._bind('customers', relation,
						   jsonb_build_object('id', id, 'name', bind_customers.name,
											  'industry', industry, 'company_size', company_size));
END
$$;
COMMENT ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name) IS
	'bind the customers relation: id column and optional name, industry and company size columns';

CREATE FUNCTION dormancy.bind_orders(relation regclass, customer name, ordered_at name, amount name,
	category name DEFAULT NULL, discounted name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid;
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._binding_column(relation, 'customer', customer);
	t := (dormancy._binding_column(relation, 'ordered_at', ordered_at)).type_oid;
	IF t NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, 'ordered_at', ordered_at, format_type(t, NULL),
											 'date, timestamp or timestamp with time zone');
	END IF;
	t := (dormancy._binding_column(relation, 'amount', amount)).type_oid;
	IF t NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype,
				 'float4'::regtype, 'float8'::regtype, 'money'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, 'amount', amount, format_type(t, NULL),
											 'a numeric type (smallint, integer, bigint, numeric, real, double precision or money)');
	END IF;
	IF category IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'category', category);
	END IF;
	IF discounted IS NOT NULL THEN
		t := (dormancy._binding_column(relation, 'discounted', discounted)).type_oid;
		IF t <> 'bool'::regtype THEN
			PERFORM dormancy._binding_type_error(relation, 'discounted', discounted, format_type(t, NULL), 'boolean');
		END IF;
	END IF;
	PERFORM dormancy._bind('orders', relation,
						   jsonb_build_object('customer', customer, 'ordered_at', ordered_at,
											  'amount', amount, 'category', category,
											  'discounted', discounted));
END
$$;
COMMENT ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name) IS
	'bind the orders relation: customer, order time and amount columns, optional category and discounted flag';

CREATE FUNCTION dormancy.unbind(source text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM dormancy.bindings b WHERE b.source = unbind.source;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'source "%" is not bound', source
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'See dormancy.bindings for what is bound.';
	END IF;
	PERFORM dormancy._build_views();
END
$$;
COMMENT ON FUNCTION dormancy.unbind(text) IS
	'remove a binding (customers or orders); its views become empty views of the same shape';

CREATE FUNCTION dormancy.rebind()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._build_views();
END
$$;
COMMENT ON FUNCTION dormancy.rebind() IS
	'recreate the generated views from dormancy.bindings (after pg_restore, or after a bound relation was altered)';

-- nobody but the owner binds or rebuilds
REVOKE ALL ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.unbind(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy.rebind() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._bind(text, regclass, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._build_views() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._comment_views() FROM PUBLIC;

-- the unbound views, so everything downstream works before any binding
SELECT dormancy._build_views();
