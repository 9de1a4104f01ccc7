--
-- Incremental refresh.
--
-- Purchase histories do not depend on the as-of day or the rules, only on the
-- orders (and dormancy.time_zone), so a refresh can keep them: it stores each
-- customer's category histories in dormancy.stored_histories and, next time,
-- recomputes only the customers whose orders changed since.  Changes are seen
-- by statement triggers on the bound orders table (a table or a partitioned
-- table: views and foreign tables cannot have them, and are then refreshed
-- in full every time).  An insert, an update or a delete marks the customers
-- it touched (both the old and the new customer of an update) in
-- dormancy.changed_customers; their histories are rebuilt from all their
-- orders, so late, back-dated orders and corrections are exact.  A rebind,
-- TRUNCATE, a change of dormancy.time_zone or reset_stored_histories() makes
-- the next refresh a full one.
--

CREATE TABLE dormancy.stored_histories (
	customer_key text NOT NULL,
	category text,
	history dormancy.purchase_history NOT NULL,
	order_rows bigint NOT NULL
);
CREATE UNIQUE INDEX stored_histories_key ON dormancy.stored_histories (customer_key, category) NULLS NOT DISTINCT;
COMMENT ON TABLE dormancy.stored_histories IS
	'per customer and category, the purchase history as of the last refresh (incremental refresh)';
COMMENT ON COLUMN dormancy.stored_histories.customer_key IS 'the customer id as text';
COMMENT ON COLUMN dormancy.stored_histories.category IS 'product category (NULL when none is bound)';
COMMENT ON COLUMN dormancy.stored_histories.history IS 'the orders of the customer and category, folded into days';
COMMENT ON COLUMN dormancy.stored_histories.order_rows IS 'order rows read';

-- Append-only, so that writers of orders never wait for a refresh: the
-- refresh takes the marks up to a watermark and deletes just those.
CREATE TABLE dormancy.changed_customers (
	change_id bigserial PRIMARY KEY,
	customer_key text NOT NULL
);
COMMENT ON TABLE dormancy.changed_customers IS
	'customers whose orders changed since the last refresh (appended by triggers on the bound orders table)';
COMMENT ON COLUMN dormancy.changed_customers.change_id IS 'order of the marks';
COMMENT ON COLUMN dormancy.changed_customers.customer_key IS 'the customer id as text';
COMMENT ON SEQUENCE dormancy.changed_customers_change_id_seq IS 'generates dormancy.changed_customers.change_id';

CREATE TABLE dormancy.history_store_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	orders_relation regclass,
	tracked boolean NOT NULL DEFAULT false,
	complete boolean NOT NULL DEFAULT false,
	time_zone text
);
COMMENT ON TABLE dormancy.history_store_state IS
	'whether the bound orders are tracked and dormancy.stored_histories is complete for them';
COMMENT ON COLUMN dormancy.history_store_state.singleton IS 'always true: one row';
COMMENT ON COLUMN dormancy.history_store_state.orders_relation IS 'the bound orders relation the store belongs to';
COMMENT ON COLUMN dormancy.history_store_state.tracked IS 'triggers on the orders relation record changed customers';
COMMENT ON COLUMN dormancy.history_store_state.complete IS 'the store holds every customer: the next refresh may be incremental';
COMMENT ON COLUMN dormancy.history_store_state.time_zone IS 'dormancy.time_zone the stored days were computed in';
INSERT INTO dormancy.history_store_state DEFAULT VALUES;

-- STABLE: reads a setting; gates the branches of dormancy.category_histories
CREATE FUNCTION dormancy._use_stored_histories()
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN current_setting('dormancy.use_stored_histories')::boolean;
COMMENT ON FUNCTION dormancy._use_stored_histories() IS
	'internal: whether category_histories reads dormancy.stored_histories (set during an incremental refresh)';

-- Statement trigger on the bound orders table: mark the customers touched.
-- TG_ARGV[0] is the customer column.
-- SECURITY DEFINER: whoever writes orders need not be allowed to write
-- dormancy's tables; the only input is the column name, quoted with %I.
CREATE FUNCTION dormancy._orders_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		UPDATE dormancy.history_store_state SET complete = false;
		RETURN NULL;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
					   'SELECT DISTINCT (n.%1$I)::pg_catalog.text FROM dormancy_new_rows n '
					   'WHERE n.%1$I IS NOT NULL', TG_ARGV[0]);
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
					   'SELECT DISTINCT (o.%1$I)::pg_catalog.text FROM dormancy_old_rows o '
					   'WHERE o.%1$I IS NOT NULL', TG_ARGV[0]);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._orders_changed() IS
	'internal: trigger on the bound orders table recording the customers whose orders changed';

-- Drop the tracking triggers from a relation (if it still exists).
CREATE FUNCTION dormancy._untrack_orders(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trig text;
BEGIN
	IF rel IS NULL OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = rel) THEN
		RETURN;
	END IF;
	FOR trig IN
		SELECT t.tgname FROM pg_trigger t
		 WHERE t.tgrelid = rel AND NOT t.tgisinternal
		   AND t.tgname IN ('dormancy_track_insert', 'dormancy_track_update',
							'dormancy_track_delete', 'dormancy_track_truncate')
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', trig, rel);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._untrack_orders(regclass) IS 'internal: remove the change-tracking triggers';

-- After every build: (re)attach the triggers to the bound orders table and
-- invalidate the store, so the next refresh is a full one.
CREATE FUNCTION dormancy._after_build_62_incremental()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	ord record;
	kind "char";
	can_track boolean := false;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
	  FROM dormancy.bindings b WHERE b.source = 'orders';
	PERFORM dormancy._untrack_orders(st.orders_relation);
	PERFORM dormancy._untrack_orders(ord.relation);	-- triggers restored by pg_restore, say
	TRUNCATE dormancy.stored_histories, dormancy.changed_customers;
	IF ord.relation IS NOT NULL THEN
		SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = ord.relation;
		IF kind IN ('r', 'p') THEN
			BEGIN
				EXECUTE format('CREATE TRIGGER dormancy_track_insert AFTER INSERT ON %s '
							   'REFERENCING NEW TABLE AS dormancy_new_rows FOR EACH STATEMENT '
							   'EXECUTE FUNCTION dormancy._orders_changed(%L)', ord.relation, ord.customer);
				EXECUTE format('CREATE TRIGGER dormancy_track_update AFTER UPDATE ON %s '
							   'REFERENCING OLD TABLE AS dormancy_old_rows NEW TABLE AS dormancy_new_rows '
							   'FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed(%L)', ord.relation, ord.customer);
				EXECUTE format('CREATE TRIGGER dormancy_track_delete AFTER DELETE ON %s '
							   'REFERENCING OLD TABLE AS dormancy_old_rows FOR EACH STATEMENT '
							   'EXECUTE FUNCTION dormancy._orders_changed(%L)', ord.relation, ord.customer);
				EXECUTE format('CREATE TRIGGER dormancy_track_truncate AFTER TRUNCATE ON %s '
							   'FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed(%L)', ord.relation, ord.customer);
				can_track := true;
			EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type THEN
				RAISE NOTICE 'orders of % are not tracked: every refresh will be a full one', ord.relation
					USING DETAIL = SQLERRM;
			END;
		END IF;
	END IF;
	UPDATE dormancy.history_store_state
	   SET orders_relation = ord.relation, tracked = can_track, complete = false, time_zone = NULL;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_62_incremental() IS
	'internal: after a build, track changes of the bound orders table and make the next refresh a full one';

-- Make the next refresh a full one.
CREATE FUNCTION dormancy.reset_stored_histories()
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.history_store_state SET complete = false;
END;
COMMENT ON FUNCTION dormancy.reset_stored_histories() IS
	'make the next dormancy.refresh() rebuild every stored purchase history (a full refresh)';

-- Called by the refresh under its lock, before the snapshot is computed:
-- bring the store up to date, and let category_histories read it for the rest
-- of the transaction.  Returns 'incremental', 'full' or 'live' (not tracked).
CREATE FUNCTION dormancy._prepare_histories(OUT mode text, OUT customers_recomputed bigint)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state FOR UPDATE;
	PERFORM set_config('dormancy.use_stored_histories', 'off', true);
	IF NOT st.tracked THEN
		mode := 'live';
		RETURN;
	END IF;
	-- the marks visible now are handled now, and only they are deleted at the
	-- end (by id: a mark committed meanwhile, even with a smaller id, stays)
	CREATE TEMP TABLE dormancy_refresh_marks ON COMMIT DROP AS
	SELECT c.change_id, c.customer_key FROM dormancy.changed_customers c;
	IF st.complete AND st.time_zone IS NOT DISTINCT FROM current_setting('dormancy.time_zone') THEN
		mode := 'incremental';
		CREATE TEMP TABLE dormancy_refresh_changed ON COMMIT DROP AS
		SELECT DISTINCT m.customer_key FROM pg_temp.dormancy_refresh_marks m;
		DELETE FROM dormancy.stored_histories s
		 USING pg_temp.dormancy_refresh_changed k WHERE s.customer_key = k.customer_key;
		-- all the orders of those customers (an index on the customer column serves it)
		SELECT format_type(a.atttypid, a.atttypmod) INTO id_type
		  FROM pg_attribute a WHERE a.attrelid = 'dormancy.src_orders'::regclass AND a.attname = 'customer_id';
		EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
					   'SELECT o.customer_id::pg_catalog.text, o.category, '
					   'dormancy.purchase_history(o.ordered_at, o.amount, o.discounted), pg_catalog.count(*) '
					   'FROM dormancy.src_orders o '
					   'WHERE o.customer_id IN (SELECT k.customer_key::%s FROM pg_temp.dormancy_refresh_changed k) '
					   'GROUP BY o.customer_id, o.category', id_type);
		SELECT count(*) INTO customers_recomputed FROM pg_temp.dormancy_refresh_changed;
		DROP TABLE pg_temp.dormancy_refresh_changed;
	ELSE
		mode := 'full';
		TRUNCATE dormancy.stored_histories;
		INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows)
		SELECT h.customer_id::text, h.category, h.history, h.order_rows
		  FROM dormancy.category_histories h;
		GET DIAGNOSTICS customers_recomputed = ROW_COUNT;
		UPDATE dormancy.history_store_state
		   SET complete = true, time_zone = current_setting('dormancy.time_zone');
	END IF;
	DELETE FROM dormancy.changed_customers c USING pg_temp.dormancy_refresh_marks m
	 WHERE c.change_id = m.change_id;
	DROP TABLE pg_temp.dormancy_refresh_marks;
	PERFORM set_config('dormancy.use_stored_histories', 'on', true);
END
$$;
COMMENT ON FUNCTION dormancy._prepare_histories() IS
	'internal: update dormancy.stored_histories for a refresh (incremental when possible) and read from it';

REVOKE ALL ON FUNCTION dormancy.reset_stored_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._prepare_histories() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._after_build_62_incremental() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._untrack_orders(regclass) FROM PUBLIC;
