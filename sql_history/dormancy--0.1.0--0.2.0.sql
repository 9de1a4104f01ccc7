-- dormancy 0.1.0 -> 0.2.0
--
-- 0.2.0: contact data and data gaps (bind_contacts, customer_contacts,
-- customer_status.data_gaps, D9); planner statistics for the extension's
-- small tables; refresh() and fit_models() without JIT; extension updates
-- rebuild the generated views.  An upgraded database equals a fresh 0.2.0
-- install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.2.0'" to load this file. \quit

--
-- Planner statistics for the small tables, and no JIT where it only costs
--
CREATE FUNCTION dormancy._lookup_tables()
	RETURNS SETOF regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t::regclass
	  FROM unnest(ARRAY['dormancy.rules', 'dormancy.default_rules', 'dormancy.removed_default_rules',
						'dormancy.bindings', 'dormancy.decline_settings', 'dormancy.price_changes',
						'dormancy.model_settings', 'dormancy.models',
						'dormancy.installed_defaults', 'dormancy.removed_defaults',
						'dormancy.source_settings', 'dormancy.event_kinds', 'dormancy.deal_outcomes',
						'dormancy.deal_reasons', 'dormancy.score_weights', 'dormancy.reason_rules',
						'dormancy.message_themes', 'dormancy.approach_rules', 'dormancy.legal_forms',
						'dormancy.history_store_state']) AS t
$$;
COMMENT ON FUNCTION dormancy._lookup_tables() IS
	'internal: the small tables of the extension that the generated views look up (settings, rules, mappings, models)';

-- ANALYZE the lookup tables that have no statistics or changed since their
-- last analysis (only those the current role may analyse: no warnings).
CREATE FUNCTION dormancy.analyze_lookup_tables()
	RETURNS integer
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t regclass;
	analysed integer := 0;
BEGIN
	FOR t IN
		SELECT l.t
		  FROM dormancy._lookup_tables() AS l(t)
		  JOIN pg_class c ON c.oid = l.t
		  LEFT JOIN pg_stat_user_tables s ON s.relid = l.t
		 WHERE pg_has_role(c.relowner, 'USAGE')
		   AND (c.reltuples < 0 OR s.n_mod_since_analyze IS NULL OR s.n_mod_since_analyze > 0)
		 ORDER BY c.relname
	LOOP
		EXECUTE format('ANALYZE %s', t);
		analysed := analysed + 1;
	END LOOP;
	RETURN analysed;
END
$$;
COMMENT ON FUNCTION dormancy.analyze_lookup_tables() IS
	'analyse the small tables of the extension (rules, settings, mappings, models) that have no statistics or changed since; refresh() calls it; returns how many it analysed';
REVOKE ALL ON FUNCTION dormancy.analyze_lookup_tables() FROM PUBLIC;

-- autovacuum analyses them after any change, however small
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN SELECT * FROM dormancy._lookup_tables() LOOP
		EXECUTE format('ALTER TABLE %s SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0)', t);
	END LOOP;
END
$$;

-- The work, under the lock: previous states, reshape, rows, history.
CREATE OR REPLACE FUNCTION dormancy._refresh_work(run bigint,
	OUT rows bigint, OUT changes bigint, OUT as_of date, OUT reshaped boolean, OUT models_refit boolean,
	OUT history_mode text, OUT customers_recomputed bigint)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	-- the work is in C functions, which JIT cannot speed up; compiling the
	-- plan of customer_status costs 1.5-2 s per query (see docs/operations.md)
	SET jit = off
AS $$
DECLARE
	cols text;
BEGIN
	as_of := dormancy.as_of_day();
	-- rules or settings edited since: fresh statistics for the plan
	PERFORM dormancy.analyze_lookup_tables();
	-- the snapshot exists from the first bind on; without a binding this fails
	reshaped := dormancy._snapshot_sync(false);

	-- the previous state of each customer, as text ids; an empty snapshot
	-- (emptied by hand) falls back on the last states recorded in the history
	IF to_regclass('pg_temp.dormancy_refresh_previous') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_previous;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_previous ON COMMIT DROP AS
	SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
	  FROM dormancy.status_snapshot s
	 ORDER BY s.customer_key, s.state;
	GET DIAGNOSTICS rows = ROW_COUNT;
	IF rows = 0 THEN
		INSERT INTO pg_temp.dormancy_refresh_previous
		SELECT x.customer_id, x.to_state
		  FROM (SELECT DISTINCT ON (h.customer_id) h.customer_id, h.change, h.to_state
				  FROM dormancy.status_history h
				 ORDER BY h.customer_id, h.history_id DESC) x
		 WHERE x.change <> 'removed';
	END IF;

	reshaped := dormancy._snapshot_sync(true) OR reshaped;
	-- the DELETE must see every row: row security must not apply to the refresher
	IF row_security_active('dormancy.status_snapshot') THEN
		RAISE EXCEPTION 'row security applies to % on dormancy.status_snapshot', current_user
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'A refresh replaces every row of the snapshot, so it must see every row.',
				  HINT = 'Refresh as the owner of dormancy.status_snapshot (without FORCE ROW LEVEL SECURITY) or as a role with BYPASSRLS.';
	END IF;

	-- purchase histories: recompute only the customers whose orders changed
	-- (dormancy.stored_histories) when the orders are tracked
	SELECT p.mode, p.customers_recomputed INTO history_mode, customers_recomputed
	  FROM dormancy._prepare_histories() p;

	-- models, once fitted, are refitted on their own schedule before the
	-- snapshot uses them (model_settings.refit_every; NULL: never here)
	models_refit := false;
	IF (dormancy.model_settings_in_force()).refit_every IS NOT NULL
	   AND (SELECT max(m.fitted_at) FROM dormancy.models m)
		   <= now() - (dormancy.model_settings_in_force()).refit_every THEN
		PERFORM dormancy.fit_models();
		models_refit := true;
	END IF;

	SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.attnum) INTO cols
	  FROM dormancy._relation_columns('dormancy.customer_status') c;
	DELETE FROM dormancy.status_snapshot;
	EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, customer_key, refreshed_at) '
				   'SELECT %s, customer_id::pg_catalog.text, $1 FROM dormancy.customer_status',
				   cols, cols)
		USING now();
	GET DIAGNOSTICS rows = ROW_COUNT;

	INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
	SELECT run, coalesce(n.customer_id, o.customer_id),
		   CASE WHEN o.customer_id IS NULL THEN 'new' WHEN n.customer_id IS NULL THEN 'removed' ELSE 'changed' END,
		   o.state, n.state, _refresh_work.as_of
	  FROM (SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
			  FROM dormancy.status_snapshot s
			 ORDER BY s.customer_key, s.state) n
	  FULL JOIN pg_temp.dormancy_refresh_previous o ON o.customer_id = n.customer_id
	 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
	 ORDER BY 2;
	GET DIAGNOSTICS changes = ROW_COUNT;
	DROP TABLE pg_temp.dormancy_refresh_previous;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

-- Fit the overall model and one per segment, over the bound data as of
-- dormancy.as_of(), in one pass; replace the stored models.
CREATE OR REPLACE FUNCTION dormancy.fit_models()
	RETURNS SETOF dormancy.models
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
	started timestamptz := clock_timestamp();
	fitted record;
BEGIN
	DELETE FROM dormancy.models;
	FOR fitted IN
		SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END AS segment_kind,
			   s.segment_value,
			   count(*) AS customers,
			   dormancy.bgnbd_fit(s.frequency, s.recency_days / unit_days, s.age_days / unit_days) AS bgnbd,
			   dormancy.gammagamma_fit(s.frequency, s.monetary_value) AS gammagamma
		  FROM (SELECT CASE settings.segment_by
						   WHEN 'industry' THEN lower(btrim(c.industry))
						   WHEN 'company_size' THEN lower(btrim(c.company_size)) END AS segment_value,
					   c.frequency, c.recency_days, c.age_days, c.monetary_value
				  FROM dormancy.customer_core c
				 WHERE c.frequency IS NOT NULL) s
		 GROUP BY GROUPING SETS ((), (s.segment_value))
		HAVING grouping(s.segment_value) = 1
			OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
				AND count(*) >= settings.min_customers)
	LOOP
		INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma)
		VALUES (fitted.segment_kind, fitted.segment_value, dormancy.as_of_day(), settings.time_unit,
				fitted.bgnbd, CASE WHEN (fitted.gammagamma).customers > 0 THEN fitted.gammagamma END);
	END LOOP;
	UPDATE dormancy.models SET fit_seconds = extract(epoch FROM clock_timestamp() - started);
	-- customer_status looks the models up per customer: fresh statistics
	PERFORM dormancy.analyze_lookup_tables();
	RETURN QUERY SELECT * FROM dormancy.models ORDER BY segment_kind, segment_value;
END
$$;
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';


--
-- Contacts and data gaps (D9)
--

ALTER TABLE dormancy.bindings DROP CONSTRAINT bindings_source_known;
ALTER TABLE dormancy.bindings ADD CONSTRAINT bindings_source_known
	CHECK (source IN ('customers', 'orders', 'contracts', 'events', 'deals', 'contacts'));
COMMENT ON COLUMN dormancy.bindings.source IS 'customers, orders, contracts, events, deals or contacts';

-- the SQL-standard body of source_settings_in_force() pins the row type:
-- a plain body while the column is added (the real one follows)
CREATE OR REPLACE FUNCTION dormancy.source_settings_in_force()
	RETURNS dormancy.source_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$ SELECT s FROM dormancy.source_settings s $$;
ALTER TABLE dormancy.source_settings ADD COLUMN contact_stale_after interval NOT NULL DEFAULT '2 years';
ALTER TABLE dormancy.source_settings ADD CONSTRAINT source_settings_contact_stale_after
	CHECK (contact_stale_after > interval '0');
COMMENT ON TABLE dormancy.source_settings IS
	'settings of the contract, engagement, deal and contact signals: at most one row; no row means the defaults (see dormancy.source_settings_in_force())';
COMMENT ON COLUMN dormancy.source_settings.contact_stale_after IS
	'contact data last updated longer ago than this is outdated (data gap contact_outdated); default 2 years';
-- STABLE, not IMMUTABLE: it reads a table
CREATE OR REPLACE FUNCTION dormancy.source_settings_in_force()
	RETURNS dormancy.source_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.source_settings s),
					ROW(true, interval '30 days', interval '12 months', interval '90 days',
						interval '90 days', 3, 2, interval '2 years')::dormancy.source_settings);
COMMENT ON FUNCTION dormancy.source_settings_in_force() IS
	'the row of dormancy.source_settings, or the defaults when it is empty';

-- Store one binding and rebuild; errors from the rebuild name the binding.
CREATE OR REPLACE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
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
	-- the optional sources' customer columns must still compare with the ids
	IF _bind.source IN ('customers', 'orders') THEN
		PERFORM dormancy._check_customer_column(b.source, b.relation, (b.columns ->> 'customer')::name)
		   FROM dormancy.bindings b
		  WHERE b.source NOT IN ('customers', 'orders');
	END IF;
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

-- Contacts (D9): the customers table itself or a table of contacts, several
-- per customer; at least one of phone, email and person.
CREATE FUNCTION dormancy.bind_contacts(relation regclass, customer name, phone name DEFAULT NULL,
	email name DEFAULT NULL, person name DEFAULT NULL, updated_at name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF phone IS NULL AND email IS NULL AND person IS NULL THEN
		RAISE EXCEPTION 'bind_contacts needs a phone, email or person column'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Without one there is no contact data to check.',
				  HINT = 'Name the columns, for example: bind_contacts(''crm.contacts'', customer => ''account_id'', phone => ''tel'', email => ''mail'').';
	END IF;
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('contacts', relation, customer);
	IF phone IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'phone', phone);
	END IF;
	IF email IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'email', email);
	END IF;
	IF person IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'person', person);
	END IF;
	IF updated_at IS NOT NULL THEN
		PERFORM dormancy._check_day_column(relation, 'updated_at', updated_at);
	END IF;
	PERFORM dormancy._bind('contacts', relation,
						   jsonb_build_object('customer', customer, 'phone', phone, 'email', email,
											  'person', person, 'updated_at', updated_at));
END
$$;
COMMENT ON FUNCTION dormancy.bind_contacts(regclass, name, name, name, name, name) IS
	'bind the contacts relation (the customers table itself, or several contacts per customer): customer column and at least one of phone, email and person, optional day of the last update';
REVOKE ALL ON FUNCTION dormancy.bind_contacts(regclass, name, name, name, name, name) FROM PUBLIC;

CREATE OR REPLACE FUNCTION dormancy._views_50_sources(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type text := dormancy._customer_id_type();
	b record;
BEGIN
	-- src_contracts: one row per contract term
	SELECT x.relation, x.columns INTO b FROM dormancy.bindings x
	 WHERE x.source = 'contracts' AND to_regclass(x.relation::oid::regclass::text) IS NOT NULL;
	view_name := 'src_contracts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS starts_on, %s AS ends_on, %s AS seats, %s AS amount, '
			'%s AS auto_renew, %s AS plan FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'starts_on'),
			dormancy._day_expr(b.relation, b.columns, 'ends_on'),
			dormancy._number_expr(b.relation, b.columns, 'seats'),
			dormancy._number_expr(b.relation, b.columns, 'amount'),
			dormancy._col_as(b.columns, 'auto_renew', 'pg_catalog.bool'),
			dormancy._col_as(b.columns, 'plan', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS starts_on, NULL::pg_catalog.date AS ends_on, '
			'NULL::pg_catalog.float8 AS seats, NULL::pg_catalog.float8 AS amount, NULL::pg_catalog.bool AS auto_renew, '
			'NULL::pg_catalog.text AS plan WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_events: one row per event
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy.bindings x
	 WHERE x.source = 'events' AND to_regclass(x.relation::oid::regclass::text) IS NOT NULL;
	view_name := 'src_events';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS occurred_on, %s AS source_kind FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'occurred_at'),
			dormancy._col_as(b.columns, 'kind', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS occurred_on, '
			'NULL::pg_catalog.text AS source_kind WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_deals: one row per deal
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy.bindings x
	 WHERE x.source = 'deals' AND to_regclass(x.relation::oid::regclass::text) IS NOT NULL;
	view_name := 'src_deals';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS closed_on, %s AS source_outcome, %s AS source_reason, '
			'%s AS note FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'closed_at'),
			dormancy._col_as(b.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'lost_reason', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'note', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS closed_on, NULL::pg_catalog.text AS source_outcome, '
			'NULL::pg_catalog.text AS source_reason, NULL::pg_catalog.text AS note WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_contacts: one row per contact
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy.bindings x
	 WHERE x.source = 'contacts' AND to_regclass(x.relation::oid::regclass::text) IS NOT NULL;
	view_name := 'src_contacts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS phone, %s AS email, %s AS person, %s AS updated_on FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._col_as(b.columns, 'phone', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'email', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'person', 'pg_catalog.text'),
			dormancy._day_expr(b.relation, b.columns, 'updated_at'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.text AS phone, NULL::pg_catalog.text AS email, '
			'NULL::pg_catalog.text AS person, NULL::pg_catalog.date AS updated_on WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- contract_signals: per customer, from its valid terms (a start or an
	-- end, and no end before the start); NULL start means started long ago,
	-- NULL or infinite end means open-ended
	view_name := 'contract_signals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day, s.contract_grace_period, s.downgrade_window, s.renewal_horizon
	  FROM dormancy.source_settings_in_force() s
), terms AS (
	SELECT c.customer_id, c.starts_on, c.ends_on, c.seats, c.amount, c.auto_renew, c.plan,
		   coalesce(c.ends_on, 'infinity'::pg_catalog.date) AS end_day,
		   (c.starts_on IS NULL OR c.starts_on <= a.day) AS started,
		   pg_catalog.lag(c.seats) OVER w AS prev_seats,
		   pg_catalog.lag(c.amount) OVER w AS prev_amount,
		   pg_catalog.lag(c.plan) OVER w AS prev_plan
	  FROM dormancy.src_contracts c CROSS JOIN a
	 WHERE c.customer_id IS NOT NULL
	   AND (c.starts_on IS NOT NULL OR c.ends_on IS NOT NULL)
	   AND (c.starts_on IS NULL OR c.ends_on IS NULL OR c.starts_on <= c.ends_on)
	WINDOW w AS (PARTITION BY c.customer_id
				 ORDER BY coalesce(c.starts_on, '-infinity'::pg_catalog.date), c.ends_on NULLS LAST)
), per_customer AS (
	SELECT t.customer_id,
		   pg_catalog.count(*) AS terms,
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started) AS last_end,
		   coalesce(pg_catalog.bool_or(t.started AND t.end_day >= a.day), false) AS covered,
		   coalesce(pg_catalog.bool_or(t.starts_on > a.day), false) AS renewed_ahead
	  FROM terms t CROSS JOIN a
	 GROUP BY t.customer_id
), cur AS (
	-- the current term: started, covering as_of, ending last
	SELECT DISTINCT ON (t.customer_id) t.*
	  FROM terms t CROSS JOIN a
	 WHERE t.started AND t.end_day >= a.day
	 ORDER BY t.customer_id, t.end_day DESC, t.starts_on DESC NULLS LAST
), down AS (
	-- the latest term in the downgrade window with fewer seats or a lower amount than the one before
	SELECT DISTINCT ON (t.customer_id) t.*
	  FROM terms t CROSS JOIN a
	 WHERE t.started
	   AND coalesce(t.starts_on, '-infinity'::pg_catalog.date) > (a.day - a.downgrade_window)::pg_catalog.date
	   AND (t.seats < t.prev_seats OR t.amount < t.prev_amount)
	 ORDER BY t.customer_id, t.starts_on DESC NULLS LAST, t.end_day DESC
)
SELECT p.customer_id,
	   p.terms,
	   cur.starts_on AS current_starts_on,
	   cur.ends_on AS current_ends_on,
	   cur.plan AS current_plan,
	   cur.seats AS current_seats,
	   cur.amount AS current_amount,
	   cur.auto_renew AS current_auto_renew,
	   CASE WHEN p.last_end < 'infinity'::pg_catalog.date THEN p.last_end END AS contract_end_at,
	   CASE WHEN p.last_end IS NOT NULL THEN least(p.last_end, a.day) END AS last_covered_day,
	   (p.last_end IS NOT NULL AND NOT p.covered
		AND (p.last_end + a.contract_grace_period)::pg_catalog.date < a.day) AS contract_lapsed,
	   CASE WHEN p.last_end IS NOT NULL AND NOT p.covered THEN a.day - p.last_end END AS days_since_contract_end,
	   coalesce(cur.auto_renew = false AND NOT p.renewed_ahead, false) AS auto_renew_off,
	   CASE WHEN cur.end_day < 'infinity'::pg_catalog.date AND NOT p.renewed_ahead
			THEN cur.end_day - a.day END AS renewal_due_in_days,
	   (a.day + a.renewal_horizon)::pg_catalog.date - a.day AS renewal_horizon_days,
	   (down.customer_id IS NOT NULL) AS downgraded,
	   down.starts_on AS downgraded_on,
	   down.prev_seats AS seats_before,
	   down.seats AS seats_after,
	   down.prev_amount AS amount_before,
	   down.amount AS amount_after,
	   down.prev_plan AS plan_before,
	   down.plan AS plan_after,
	   a.day AS as_of
  FROM per_customer p
 CROSS JOIN a
  LEFT JOIN cur ON cur.customer_id = p.customer_id
  LEFT JOIN down ON down.customer_id = p.customer_id
$q$;
	RETURN NEXT;

	-- customer_engagement: events per customer in the engagement window, by kind
	view_name := 'customer_engagement';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.engagement_window)::pg_catalog.date AS window_start
	  FROM dormancy.source_settings_in_force() s
), ev AS (
	SELECT e.customer_id, e.occurred_on, coalesce(k.kind, 'other') AS kind,
		   e.occurred_on > a.window_start AS in_window
	  FROM dormancy.src_events e
	 CROSS JOIN a
	  LEFT JOIN dormancy.event_kinds k ON pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind))
	 WHERE e.customer_id IS NOT NULL AND e.occurred_on IS NOT NULL AND pg_catalog.isfinite(e.occurred_on)
	   AND e.occurred_on <= a.day
)
SELECT ev.customer_id,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window)::integer AS events_in_window,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_open')::integer AS email_opens,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_click')::integer AS email_clicks,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'web_visit')::integer AS web_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'pricing_view')::integer AS pricing_views,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'document_download')::integer AS document_downloads,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'support_visit')::integer AS support_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'other')::integer AS other_events,
	   pg_catalog.max(ev.occurred_on) AS last_event_at,
	   a.day - pg_catalog.max(ev.occurred_on) AS days_since_last_event,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_open') AS days_since_last_email_open,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_click') AS days_since_last_email_click,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'web_visit') AS days_since_last_web_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'pricing_view') AS days_since_last_pricing_view,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'document_download') AS days_since_last_document_download,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'support_visit') AS days_since_last_support_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'other') AS days_since_last_other_event,
	   a.day - a.window_start AS engagement_window_days,
	   a.day AS as_of
  FROM ev CROSS JOIN a
 GROUP BY ev.customer_id, a.day, a.window_start
$q$;
	RETURN NEXT;

	-- customer_deals: the last closed deal per customer (open deals counted apart)
	view_name := 'customer_deals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day
), d AS (
	SELECT x.customer_id, x.closed_on, x.source_outcome, x.source_reason, x.note,
		   coalesce(o.outcome, 'unknown') AS outcome,
		   CASE WHEN x.source_reason IS NULL OR pg_catalog.btrim(x.source_reason) = '' THEN NULL
				ELSE coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.src_deals x
	  LEFT JOIN dormancy.deal_outcomes o ON pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(x.source_outcome))
	  LEFT JOIN dormancy.deal_reasons r ON pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(x.source_reason))
	 WHERE x.customer_id IS NOT NULL
), closed AS (
	SELECT d.*, (d.outcome IS DISTINCT FROM 'open' AND d.closed_on IS NOT NULL AND pg_catalog.isfinite(d.closed_on)
				 AND d.closed_on <= a.day) AS counts
	  FROM d CROSS JOIN a
)
SELECT c.customer_id,
	   (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_at,
	   a.day - (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC) FILTER (WHERE c.counts))[1] AS days_since_last_deal,
	   (pg_catalog.array_agg(c.outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_outcome,
	   (pg_catalog.array_agg(c.reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_reason,
	   (pg_catalog.array_agg(c.source_outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_outcome,
	   (pg_catalog.array_agg(c.source_reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_reason,
	   (pg_catalog.array_agg(c.note ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_note,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'won')::integer AS deals_won,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'lost')::integer AS deals_lost,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'postponed')::integer AS deals_postponed,
	   pg_catalog.count(*) FILTER (WHERE c.outcome = 'open')::integer AS open_deals,
	   pg_catalog.max(c.closed_on) FILTER (WHERE c.counts AND c.outcome = 'won') AS last_won_at,
	   a.day AS as_of
  FROM closed c CROSS JOIN a
 GROUP BY c.customer_id, a.day
$q$;
	RETURN NEXT;

	-- source_issues: rows of the optional sources the views cannot use or
	-- had to interpret, counted per kind.  Every source reports its rows
	-- without a customer and those of unknown customers alike.
	view_name := 'source_issues';
	SELECT string_agg(format($b$
SELECT %1$L::pg_catalog.text AS source, %2$L::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   %4$L::pg_catalog.text AS detail
  FROM dormancy.%3$I x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT %1$L, %5$L, x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*), %6$L
  FROM dormancy.%3$I x
 WHERE x.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers s WHERE s.customer_id = x.customer_id)
 GROUP BY x.customer_id$b$,
		   v.source, v.noun || '_without_customer', 'src_' || v.source, v.rows_noun || ' whose customer is NULL, left out',
		   v.noun || '_customer_not_found', v.rows_noun || ' of a customer not in the bound customers, not in customer_status'),
		   E'\nUNION ALL' ORDER BY v.ord)
	  INTO definition
	  FROM (VALUES (1, 'contracts', 'contract', 'contract terms'), (2, 'events', 'event', 'events'),
				   (3, 'deals', 'deal', 'deals'), (4, 'contacts', 'contact', 'contacts')) v(ord, source, noun, rows_noun);
	definition := definition || $q$
UNION ALL
SELECT 'contracts', 'contract_without_dates', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms with neither start nor end, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_start', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without a start: taken as started before the as-of day'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_end', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without an end: taken as open-ended (running)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on IS NULL AND c.starts_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_ends_before_start', c.customer_id::pg_catalog.text,
	   pg_catalog.min(c.starts_on)::pg_catalog.text || ' > ' || pg_catalog.min(c.ends_on)::pg_catalog.text, pg_catalog.count(*),
	   'contract terms that end before they start, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on < c.starts_on
 GROUP BY c.customer_id
UNION ALL
SELECT 'events', 'event_without_date', e.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events whose time is NULL or infinite, left out'
  FROM dormancy.src_events e
 WHERE e.occurred_on IS NULL OR NOT pg_catalog.isfinite(e.occurred_on)
 GROUP BY e.customer_id
UNION ALL
SELECT 'events', 'event_kind_unmapped', NULL, e.source_kind, pg_catalog.count(*),
	   'event kinds not in dormancy.event_kinds (NULL included), counted as other'
  FROM dormancy.src_events e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
					WHERE pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind)))
 GROUP BY e.source_kind
UNION ALL
SELECT 'deals', 'deal_without_date', d.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'deals that are not open and have no (finite) close date, left out of the last deal'
  FROM dormancy.src_deals d
 WHERE (d.closed_on IS NULL OR NOT pg_catalog.isfinite(d.closed_on))
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome))
					  AND o.outcome = 'open')
 GROUP BY d.customer_id
UNION ALL
SELECT 'deals', 'deal_outcome_unmapped', NULL, d.source_outcome, pg_catalog.count(*),
	   'deal outcomes not in dormancy.deal_outcomes (NULL included): outcome unknown, neutral in the score'
  FROM dormancy.src_deals d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome)))
 GROUP BY d.source_outcome
UNION ALL
SELECT 'deals', 'deal_reason_unmapped', NULL, d.source_reason, pg_catalog.count(*),
	   'lost reasons not in dormancy.deal_reasons, counted as other'
  FROM dormancy.src_deals d
 WHERE d.source_reason IS NOT NULL AND pg_catalog.btrim(d.source_reason) <> ''
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
					WHERE pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(d.source_reason)))
 GROUP BY d.source_reason$q$;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._views_50_sources(jsonb) IS
	'internal: the views of the contracts, events, deals and contacts sources (adapters, per-customer signals, source_issues)';

CREATE OR REPLACE FUNCTION dormancy._comment_views_50_sources()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_contracts IS 'adapter view over the bound contracts relation, one row per contract term (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contracts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contracts.starts_on IS 'first day of the term (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_contracts.ends_on IS 'last day of the term; NULL or infinity for an open-ended term';
	COMMENT ON COLUMN dormancy.src_contracts.seats IS 'seats or licences of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.amount IS 'amount of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.auto_renew IS 'whether the term renews by itself, NULL when unbound or unknown';
	COMMENT ON COLUMN dormancy.src_contracts.plan IS 'plan of the term as text, NULL when unbound';

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

	COMMENT ON VIEW dormancy.src_contacts IS 'adapter view over the bound contacts relation, one row per contact (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contacts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contacts.phone IS 'the bound phone column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.email IS 'the bound email column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.person IS 'the bound contact person column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.updated_on IS 'the day the contact was last updated (a timestamptz becomes its day in dormancy.time_zone), NULL when unbound';

	COMMENT ON VIEW dormancy.contract_signals IS 'contract signals per customer with contract terms, as of dormancy.as_of_day() (docs/sources.md)';
	COMMENT ON COLUMN dormancy.contract_signals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.contract_signals.terms IS 'valid terms (a start or an end, not ending before the start)';
	COMMENT ON COLUMN dormancy.contract_signals.current_starts_on IS 'start of the current term (the started term covering as_of that ends last)';
	COMMENT ON COLUMN dormancy.contract_signals.current_ends_on IS 'end of the current term; NULL when open-ended or none';
	COMMENT ON COLUMN dormancy.contract_signals.current_plan IS 'plan of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_seats IS 'seats of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_amount IS 'amount of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_auto_renew IS 'auto-renew flag of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.contract_end_at IS 'latest end of the terms started by as_of; NULL when one is open-ended';
	COMMENT ON COLUMN dormancy.contract_signals.last_covered_day IS 'the last day up to as_of covered by a term (as_of while a term runs): the contract recency';
	COMMENT ON COLUMN dormancy.contract_signals.contract_lapsed IS 'no term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.contract_signals.days_since_contract_end IS 'days from the end of the last term to as_of when no term covers as_of';
	COMMENT ON COLUMN dormancy.contract_signals.auto_renew_off IS 'the current term has auto-renew off and no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_horizon_days IS 'the renewal horizon of dormancy.source_settings in days';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded IS 'a term with fewer seats or a lower amount than the term before it started within the downgrade window';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded_on IS 'start of the latest such term';
	COMMENT ON COLUMN dormancy.contract_signals.seats_before IS 'seats of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.seats_after IS 'seats of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.amount_before IS 'amount of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.amount_after IS 'amount of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.plan_before IS 'plan of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.plan_after IS 'plan of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_engagement IS 'engagement events per customer: counts in the engagement window and days since the last event, by kind';
	COMMENT ON COLUMN dormancy.customer_engagement.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_engagement.events_in_window IS 'events in (as_of - engagement_window, as_of]';
	COMMENT ON COLUMN dormancy.customer_engagement.email_opens IS 'email_open events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.email_clicks IS 'email_click events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.web_visits IS 'web_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.pricing_views IS 'pricing_view events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.document_downloads IS 'document_download events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.support_visits IS 'support_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.other_events IS 'other events (unmapped kinds included) in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.last_event_at IS 'day of the last event up to as_of';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_event IS 'as_of minus last_event_at';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_open IS 'days since the last email_open';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_click IS 'days since the last email_click';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_web_visit IS 'days since the last web_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_pricing_view IS 'days since the last pricing_view';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_document_download IS 'days since the last document_download';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_support_visit IS 'days since the last support_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_other_event IS 'days since the last other event';
	COMMENT ON COLUMN dormancy.customer_engagement.engagement_window_days IS 'length of the engagement window in days';
	COMMENT ON COLUMN dormancy.customer_engagement.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_deals IS 'the last closed deal per customer with deals, and deal counts';
	COMMENT ON COLUMN dormancy.customer_deals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_at IS 'close day of the last deal that is not open, up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.days_since_last_deal IS 'as_of minus last_deal_at';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_outcome IS 'won, lost, postponed, or unknown (an outcome that is NULL or not in dormancy.deal_outcomes)';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_reason IS 'price, features, competitor, timing, budget, circumstances or other; NULL when none was given';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_outcome IS 'the outcome as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_reason IS 'the reason as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_note IS 'the note of the last deal';
	COMMENT ON COLUMN dormancy.customer_deals.deals_won IS 'won deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_lost IS 'lost deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_postponed IS 'postponed deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_deals.last_won_at IS 'close day of the last won deal';
	COMMENT ON COLUMN dormancy.customer_deals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.source_issues IS 'rows of the contracts, events, deals and contacts sources that cannot be used or had to be interpreted, counted per kind';
	COMMENT ON COLUMN dormancy.source_issues.source IS 'contracts, events, deals or contacts';
	COMMENT ON COLUMN dormancy.source_issues.issue IS 'what is wrong (docs/sources.md lists every issue)';
	COMMENT ON COLUMN dormancy.source_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.source_issues.value IS 'the value concerned (an unmapped kind, outcome or reason; the dates of a term ending before its start)';
	COMMENT ON COLUMN dormancy.source_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.source_issues.detail IS 'what the issue means and what was done with the rows';

	COMMENT ON COLUMN dormancy.customer_status.contract_end_at IS 'latest end of the customer''s contract terms started by as_of (NULL when open-ended or without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.contract_lapsed IS 'no contract term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.customer_status.auto_renew_off IS 'the current term will not renew: auto-renew off and no later term signed';
	COMMENT ON COLUMN dormancy.customer_status.downgraded IS 'a term with fewer seats or a lower amount than the one before it started in the downgrade window';
	COMMENT ON COLUMN dormancy.customer_status.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.customer_status.contract_state IS 'the state ladder applied to the last day covered by a contract (NULL without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.events_in_window IS 'engagement events in the engagement window (NULL when events are not bound)';
	COMMENT ON COLUMN dormancy.customer_status.pricing_views IS 'pricing page views in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.support_visits IS 'support page visits in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_at IS 'close day of the last deal that is not open';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_outcome IS 'won, lost, postponed or unknown';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_reason IS 'reason of the last deal: price, features, competitor, timing, budget, circumstances or other';
	COMMENT ON COLUMN dormancy.customer_status.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_status.dormancy_kind IS 'lost_deal (last deal lost or postponed, after any purchase), purchase (at risk or dormant after purchases), or NULL';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_50_sources() IS 'internal: comment the views and columns of the optional sources';

-- customer_contacts: per customer with contacts, the usable ones counted
CREATE FUNCTION dormancy._views_57_contacts(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'customer_contacts', $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.contact_stale_after)::pg_catalog.date AS fresh_from
	  FROM dormancy.source_settings_in_force() s
), c AS (
	SELECT x.customer_id,
		   NULLIF(pg_catalog.btrim(x.phone), '') AS phone,
		   NULLIF(pg_catalog.btrim(x.email), '') AS email,
		   NULLIF(pg_catalog.btrim(x.person), '') AS person,
		   x.updated_on
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IS NOT NULL
), checked AS (
	SELECT c.*,
		   -- NFKC (in the name key) turns full-width digits into ASCII ones
		   pg_catalog.length(pg_catalog.regexp_replace(dormancy.normalize_company_name(c.phone, '{}'),
													   '[^0-9]', '', 'g')) BETWEEN 6 AND 15 AS phone_ok,
		   c.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$' AS email_ok
	  FROM c
)
SELECT k.customer_id,
	   pg_catalog.count(*) AS contacts,
	   pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS phones,
	   pg_catalog.count(*) FILTER (WHERE k.email_ok) AS emails,
	   pg_catalog.count(k.person) AS persons,
	   pg_catalog.count(*) FILTER (WHERE NOT k.phone_ok) AS invalid_phones,
	   pg_catalog.count(*) FILTER (WHERE NOT k.email_ok) AS invalid_emails,
	   pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) AS last_updated_at,
	   coalesce(pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) < a.fresh_from, true) AS outdated,
	   a.day AS as_of
  FROM checked k CROSS JOIN a
 GROUP BY k.customer_id, a.day, a.fresh_from
$q$
$$;
COMMENT ON FUNCTION dormancy._views_57_contacts(jsonb) IS 'internal: the customer_contacts view';

-- The contacts of each customer (alias cc), joined before the priority part,
-- whose approach channel needs them; no columns of its own.
CREATE FUNCTION dormancy._status_parts_53_contacts(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id', NULL::text
$$;
COMMENT ON FUNCTION dormancy._status_parts_53_contacts(jsonb) IS
	'internal: the contacts join of customer_status (used by the approach channel and data_gaps)';

-- customer_status.data_gaps (cc: the contacts, part 53; nk: the name key;
-- dup: the keys of more than one customer); a part after all others, so its
-- column comes last
CREATE FUNCTION dormancy._status_parts_70_data_gaps(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	contacts jsonb := bindings -> 'contacts';
	gaps text[] := '{}';
BEGIN
	IF contacts ? 'phone' OR contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) + coalesce(cc.emails, 0) = 0 THEN 'no_contact' END$g$::text;
	END IF;
	IF contacts ? 'phone' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) = 0 THEN 'no_phone' END$g$::text
					 || $g$CASE WHEN cc.invalid_phones > 0 THEN 'invalid_phone' END$g$::text;
	END IF;
	IF contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.emails, 0) = 0 THEN 'no_email' END$g$::text
					 || $g$CASE WHEN cc.invalid_emails > 0 THEN 'invalid_email' END$g$::text;
	END IF;
	IF contacts ? 'person' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.persons, 0) = 0 THEN 'no_person' END$g$::text;
	END IF;
	IF contacts ? 'updated_at' THEN
		gaps := gaps || $g$CASE WHEN cc.outdated THEN 'contact_outdated' END$g$::text;
	END IF;
	IF bindings -> 'customers' ? 'name' THEN
		gaps := gaps || $g$CASE WHEN nk.name_key IS NULL OR nk.name_key = '' THEN 'no_name'
								WHEN dup.name_key IS NOT NULL THEN 'duplicate_name' END$g$::text;
		-- the name keys that more than one customer has (a hash join: a
		-- window over customer_status would sort its wide rows); the forms
		-- are read once per query (an InitPlan)
		from_item := $f$
CROSS JOIN LATERAL (
	SELECT dormancy.normalize_company_name(core.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
) nk
LEFT JOIN (
	SELECT k.name_key
	  FROM (SELECT dormancy.normalize_company_name(c.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
			  FROM dormancy.src_customers c
			 WHERE c.customer_id IS NOT NULL) k
	 WHERE k.name_key <> ''
	 GROUP BY k.name_key
	HAVING pg_catalog.count(*) > 1
) dup ON dup.name_key = nk.name_key$f$;
	END IF;
	gaps := gaps || $g$CASE WHEN coalesce(core.orders_count, 0) = 0 AND core.contract_terms IS NULL
								 AND eng.customer_id IS NULL AND deal.customer_id IS NULL THEN 'no_activity' END$g$::text;

	from_item := coalesce(from_item, '');
	select_list := format('pg_catalog.array_remove(ARRAY[%s]::pg_catalog.text[], NULL) AS data_gaps',
						  array_to_string(gaps, E',\n\t'));
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_70_data_gaps(jsonb) IS
	'internal: the data_gaps column of customer_status';

CREATE FUNCTION dormancy._comment_views_57_data_gaps()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.customer_contacts IS 'usable phone numbers, e-mail addresses and contact persons per customer with contacts (bind_contacts)';
	COMMENT ON COLUMN dormancy.customer_contacts.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_contacts.contacts IS 'contact rows of the customer';
	COMMENT ON COLUMN dormancy.customer_contacts.phones IS 'usable phone numbers: 6 to 15 digits once NFKC-normalized (full-width digits count)';
	COMMENT ON COLUMN dormancy.customer_contacts.emails IS 'usable e-mail addresses: local@domain.tld without spaces';
	COMMENT ON COLUMN dormancy.customer_contacts.persons IS 'contact persons named (not blank)';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_phones IS 'phone values that are not blank and not a usable number';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_emails IS 'e-mail values that are not blank and not a usable address';
	COMMENT ON COLUMN dormancy.customer_contacts.last_updated_at IS 'the latest update day of the contacts up to as_of (NULL when unknown)';
	COMMENT ON COLUMN dormancy.customer_contacts.outdated IS 'last_updated_at is unknown or older than source_settings.contact_stale_after before as_of';
	COMMENT ON COLUMN dormancy.customer_contacts.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.customer_status.data_gaps IS 'what is missing to call the customer: no_contact, no_phone, invalid_phone, no_email, invalid_email, no_person, contact_outdated, no_name, duplicate_name, no_activity (docs/sources.md); empty when nothing is';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_57_data_gaps() IS 'internal: comment customer_contacts and customer_status.data_gaps';
REVOKE ALL ON FUNCTION dormancy._comment_views_57_data_gaps() FROM PUBLIC;

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
	RETURN NEXT;

	-- Later parts plug in through functions named by pattern, taken in name
	-- order, each given the bindings as {source: {role: column}}:
	--   _views_NN_topic(bindings) -> (view_name, definition): views built
	--       before customer_core (sources, per-customer aggregates);
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
-- The priority columns of customer_status
--
-- Aliases: sw (weights), pss (source settings), mval (the model's expected
-- value), ev (evidence, lapsing, approach_value), prio (score, breakdown),
-- rr (the matching reason rule), rsn (likely reason), th (theme), ch (channel).  Uses the aliases of the
-- earlier parts: models, mdl (40), con, cst (50), eng (51), deal, dk (52).
--
CREATE OR REPLACE FUNCTION dormancy._status_parts_55_priority(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	events_bound text := CASE WHEN bindings ? 'events' THEN 'true' ELSE 'false' END;
	deals_bound text := CASE WHEN bindings ? 'deals' THEN 'true' ELSE 'false' END;
	contracts_bound text := CASE WHEN bindings ? 'contracts' THEN 'true' ELSE 'false' END;
	id_type regtype := dormancy._customer_id_type()::regtype;
	tie_break text;
	-- with contacts bound, a channel the customer cannot be reached by is
	-- skipped (cc: part 53): no phone call without a usable number, no
	-- (step) mail without a usable address
	reachable text := concat_ws(' AND ', 'true',
		CASE WHEN bindings -> 'contacts' ? 'phone'
			 THEN $r$(ar.channel <> 'phone' OR coalesce(cc.phones, 0) > 0)$r$ END,
		CASE WHEN bindings -> 'contacts' ? 'email'
			 THEN $r$(ar.channel NOT IN ('email', 'step_mail') OR coalesce(cc.emails, 0) > 0)$r$ END);
BEGIN
	-- ranks break ties by customer id: its own order when it has one, else as text
	IF EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
				WHERE am.amname = 'btree' AND o.opcdefault
				  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype
					   AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		tie_break := 'core.customer_id';
	ELSE
		tie_break := 'core.customer_id::pg_catalog.text COLLATE "C"';
	END IF;

	from_item := format($f$CROSS JOIN dormancy.score_weights_in_force() sw
CROSS JOIN dormancy.source_settings_in_force() pss
CROSS JOIN LATERAL (
	SELECT pg_catalog.array_remove(ARRAY[
			   'state_' || cst.scored_state,
			   core.segment,
			   CASE WHEN core.declining THEN 'declining' END,
			   CASE WHEN core.lapsed_after_price_increase THEN 'lapsed_after_price_increase' END,
			   CASE WHEN core.lapsed_after_spec_change THEN 'lapsed_after_spec_change' END,
			   CASE WHEN con.contract_lapsed THEN 'contract_lapsed' END,
			   CASE WHEN con.auto_renew_off THEN 'auto_renew_off' END,
			   CASE WHEN con.downgraded THEN 'downgraded' END,
			   CASE WHEN con.renewal_due_in_days <= (core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of
					THEN 'renewal_due' END,
			   CASE WHEN %1$s THEN CASE WHEN coalesce(eng.events_in_window, 0) > 0 THEN 'engaged' ELSE 'no_engagement' END END,
			   CASE WHEN eng.pricing_views > 0 THEN 'pricing_views' END,
			   CASE WHEN eng.pricing_views >= pss.repeated_pricing_views THEN 'repeated_pricing_views' END,
			   CASE WHEN eng.support_visits >= pss.support_visits_threshold THEN 'support_visits' END,
			   'deal_' || deal.last_deal_outcome,
			   'deal_reason_' || deal.last_deal_reason,
			   CASE WHEN deal.open_deals > 0 THEN 'open_deal' END,
			   CASE WHEN dk.dormancy_kind = 'lost_deal' THEN 'lost_deal' END
		   ]::pg_catalog.text[], NULL) || core.decline_signals AS evidence,
		   (cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') OR core.declining
			OR dk.dormancy_kind = 'lost_deal'
			OR coalesce(con.contract_lapsed OR con.auto_renew_off OR con.downgraded, false)) AS lapsing,
		   coalesce(mval.expected_value,
					CASE WHEN core.order_days > 0
						 THEN greatest(core.total_amount, 0) / greatest(1.0, (core.last_order_at - core.first_order_at) / 365.25)
						 ELSE 0 END) AS approach_value
) ev
CROSS JOIN LATERAL dormancy.score_priority(ROW(
	cst.scored_state,
	core.as_of - cst.scored_last_day,
	(core.as_of + core.at_risk_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.dormant_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.long_dormant_after)::pg_catalog.date - core.as_of,
	core.total_amount,
	core.order_days,
	core.median_gap_days,
	core.mean_gap_days,
	core.gap_stddev_days,
	core.segment,
	pg_catalog.cardinality(core.decline_signals),
	core.declining,
	%1$s,
	coalesce(eng.events_in_window, 0),
	coalesce(eng.pricing_views, 0),
	eng.days_since_last_event,
	(core.as_of + pss.engagement_window)::pg_catalog.date - core.as_of,
	%2$s,
	deal.last_deal_outcome,
	deal.last_deal_reason,
	deal.days_since_last_deal,
	coalesce(deal.open_deals, 0),
	%3$s,
	con.customer_id IS NOT NULL,
	coalesce(con.contract_lapsed, false),
	con.days_since_contract_end,
	coalesce(con.auto_renew_off, false),
	coalesce(con.downgraded, false),
	con.renewal_due_in_days,
	(core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of,
	models.p_alive,
	mval.expected_value)::dormancy.priority_inputs, sw) prio
LEFT JOIN LATERAL (
	SELECT rr.reason, rr.evidence
	  FROM dormancy.reason_rules rr
	 WHERE ev.lapsing AND rr.evidence <@ ev.evidence
	 ORDER BY rr.rule_order
	 LIMIT 1
) rr ON true
CROSS JOIN LATERAL (
	SELECT CASE WHEN ev.lapsing THEN coalesce(rr.reason, 'unknown') END AS reason,
		   CASE WHEN ev.lapsing THEN coalesce(rr.evidence, '{}'::pg_catalog.text[]) END AS evidence
) rsn
LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
LEFT JOIN LATERAL (
	SELECT ar.channel
	  FROM dormancy.approach_rules ar
	 WHERE ev.lapsing
	   AND ev.approach_value >= ar.min_value
	   AND (ar.industries IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.industries) i
			 WHERE pg_catalog.lower(pg_catalog.btrim(i)) = pg_catalog.lower(pg_catalog.btrim(core.industry))))
	   AND (ar.company_sizes IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.company_sizes) s
			 WHERE pg_catalog.lower(pg_catalog.btrim(s)) = pg_catalog.lower(pg_catalog.btrim(core.company_size))))
	   AND (ar.reasons IS NULL OR rsn.reason = ANY (ar.reasons))
	   AND %4$s
	 ORDER BY ar.rule_order
	 LIMIT 1
) ch ON true$f$, events_bound, deals_bound, contracts_bound, reachable);

	select_list := format(
		'prio.score AS priority_score, '
		'pg_catalog.rank() OVER (ORDER BY prio.score DESC, %s) AS priority_rank, '
		'prio.breakdown AS score_breakdown, '
		'rsn.reason AS likely_reason, '
		'rsn.evidence AS reason_evidence, '
		'ev.evidence, '
		'ch.channel AS approach_channel, '
		'th.theme AS message_theme, '
		'ev.approach_value', tie_break);
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_55_priority(jsonb) IS
	'internal: the priority, reason and approach columns of customer_status';

-- dormancy.call_list: lapsing customers worth a call, best first
CREATE OR REPLACE FUNCTION dormancy._status_views_55_call_list(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'call_list', $q$
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.score_breakdown, cs.as_of, cs.data_gaps
  FROM dormancy.customer_status cs
 WHERE cs.likely_reason IS NOT NULL
   AND cs.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY cs.priority_rank
$q$
$$;
COMMENT ON FUNCTION dormancy._status_views_55_call_list(jsonb) IS 'internal: the call list view';

CREATE OR REPLACE FUNCTION dormancy._comment_views_55_priority()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
	COMMENT ON COLUMN dormancy.customer_status.priority_rank IS '1 = call first: rank by priority_score, ties by customer id (computing it reads every customer)';
	COMMENT ON COLUMN dormancy.customer_status.score_breakdown IS 'per component: value (-1 to 1), weight, share of the 100 points, contribution (share x value) and the basis it was computed from';
	COMMENT ON COLUMN dormancy.customer_status.likely_reason IS 'why the customer is lapsing, from the first matching dormancy.reason_rules row (unknown when none matches); NULL for customers who are not lapsing';
	COMMENT ON COLUMN dormancy.customer_status.reason_evidence IS 'the evidence of the reason rule that chose likely_reason';
	COMMENT ON COLUMN dormancy.customer_status.evidence IS 'all evidence found for the customer (the words reason_rules match on)';
	COMMENT ON COLUMN dormancy.customer_status.approach_channel IS 'email, direct_mail, phone, visit or step_mail, from dormancy.approach_rules: the first rule that matches and whose channel the bound contacts can serve (NULL when none)';
	COMMENT ON COLUMN dormancy.customer_status.message_theme IS 'the message theme for likely_reason, from dormancy.message_themes';
	COMMENT ON COLUMN dormancy.customer_status.approach_value IS 'the value the channel is chosen by: the model''s expected_value when fitted, else the yearly spend while active (total_amount / years from first to last order, at least one)';

	COMMENT ON VIEW dormancy.call_list IS 'lapsing customers (at risk, dormant, declining, lost deal or contract signals) scoring at least score_weights.call_list_min_score, best first, with reason, channel and theme';
	COMMENT ON COLUMN dormancy.call_list.call_order IS 'position in the list, 1 = call first';
	COMMENT ON COLUMN dormancy.call_list.priority_rank IS 'rank among all customers';
	COMMENT ON COLUMN dormancy.call_list.priority_score IS 'priority score, 0 to 100';
	COMMENT ON COLUMN dormancy.call_list.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.call_list.name IS 'customer name';
	COMMENT ON COLUMN dormancy.call_list.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.call_list.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.call_list.state IS 'dormancy state';
	COMMENT ON COLUMN dormancy.call_list.contract_state IS 'the state ladder applied to contract coverage';
	COMMENT ON COLUMN dormancy.call_list.dormancy_kind IS 'lost_deal or purchase';
	COMMENT ON COLUMN dormancy.call_list.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.call_list.likely_reason IS 'why the customer is lapsing';
	COMMENT ON COLUMN dormancy.call_list.reason_evidence IS 'the evidence that chose the reason';
	COMMENT ON COLUMN dormancy.call_list.approach_channel IS 'the channel to use';
	COMMENT ON COLUMN dormancy.call_list.message_theme IS 'the message theme';
	COMMENT ON COLUMN dormancy.call_list.approach_value IS 'the value the channel was chosen by';
	COMMENT ON COLUMN dormancy.call_list.total_amount IS 'net amount of all orders up to as_of';
	COMMENT ON COLUMN dormancy.call_list.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.call_list.decline_signals IS 'the decline signals that fired';
	COMMENT ON COLUMN dormancy.call_list.last_deal_at IS 'close day of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_outcome IS 'outcome of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_reason IS 'reason of the last deal';
	COMMENT ON COLUMN dormancy.call_list.events_in_window IS 'engagement events in the engagement window';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.call_list.contract_lapsed IS 'the contract lapsed';
	COMMENT ON COLUMN dormancy.call_list.auto_renew_off IS 'the current term will not renew';
	COMMENT ON COLUMN dormancy.call_list.renewal_due_in_days IS 'days until the current term ends';
	COMMENT ON COLUMN dormancy.call_list.p_alive IS 'probability alive (BG/NBD), when fitted';
	COMMENT ON COLUMN dormancy.call_list.score_breakdown IS 'why the score is what it is, component by component';
	COMMENT ON COLUMN dormancy.call_list.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_55_priority() IS 'internal: comment the priority columns and the call list';

-- The views over the snapshot, with fixed column names and types (casts), so
-- that BI tools see the same columns whatever the bound id type.
CREATE OR REPLACE FUNCTION dormancy._snapshot_view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
VALUES
('segment_summary', $q$
SELECT s.state::pg_catalog.text AS state,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.segment::pg_catalog.text AS segment,
	   pg_catalog.count(*)::pg_catalog.int8 AS customers,
	   pg_catalog.count(*) FILTER (WHERE s.declining)::pg_catalog.int8 AS declining_customers,
	   coalesce(pg_catalog.sum(s.total_amount), 0)::pg_catalog.float8 AS total_amount,
	   coalesce(pg_catalog.sum(s.recent_amount), 0)::pg_catalog.float8 AS recent_amount,
	   coalesce(pg_catalog.sum(s.prior_amount), 0)::pg_catalog.float8 AS prior_amount,
	   pg_catalog.avg(s.days_since_last_order)::pg_catalog.float8 AS avg_days_since_last_order,
	   pg_catalog.max(s.as_of)::pg_catalog.date AS as_of,
	   pg_catalog.max(s.refreshed_at)::pg_catalog.timestamptz AS refreshed_at
  FROM dormancy.status_snapshot s
 GROUP BY s.state, s.industry, s.company_size, s.segment
$q$),
('snapshot_call_list', $q$
SELECT pg_catalog.row_number() OVER (ORDER BY s.priority_rank, s.customer_key COLLATE "C")::pg_catalog.int8 AS call_rank,
	   s.customer_key::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.priority_score::pg_catalog.float8 AS priority_score,
	   s.likely_reason::pg_catalog.text AS likely_reason,
	   s.approach_channel::pg_catalog.text AS approach_channel,
	   s.message_theme::pg_catalog.text AS message_theme,
	   s.state::pg_catalog.text AS state,
	   s.segment::pg_catalog.text AS segment,
	   s.declining::pg_catalog.bool AS declining,
	   s.decline_signals::pg_catalog.text[] AS decline_signals,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   s.recent_amount::pg_catalog.float8 AS recent_amount,
	   s.prior_amount::pg_catalog.float8 AS prior_amount,
	   s.orders_count::pg_catalog.int8 AS orders_count,
	   s.last_order_at::pg_catalog.date AS last_order_at,
	   s.days_since_last_order::pg_catalog.int4 AS days_since_last_order,
	   s.dormant_after::pg_catalog.interval AS dormant_after,
	   s.as_of::pg_catalog.date AS as_of,
	   s.refreshed_at::pg_catalog.timestamptz AS refreshed_at,
	   s.data_gaps::pg_catalog.text[] AS data_gaps
  FROM dormancy.status_snapshot s
 WHERE s.likely_reason IS NOT NULL
   AND s.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY call_rank
$q$),
('recent_transitions', $q$
SELECT h.customer_id::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   h.change::pg_catalog.text AS change,
	   h.from_state::pg_catalog.text AS from_state,
	   h.to_state::pg_catalog.text AS to_state,
	   h.as_of::pg_catalog.date AS as_of,
	   (l.day - h.as_of)::pg_catalog.int4 AS days_ago,
	   s.state::pg_catalog.text AS current_state,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   h.recorded_at::pg_catalog.timestamptz AS recorded_at,
	   h.run_id::pg_catalog.int8 AS run_id
  FROM dormancy.status_history h
 CROSS JOIN (SELECT coalesce((SELECT x.as_of FROM dormancy.status_snapshot x LIMIT 1),
							 (SELECT pg_catalog.max(y.as_of) FROM dormancy.status_history y)) AS day) l
  LEFT JOIN dormancy.status_snapshot s ON s.customer_key = h.customer_id
 WHERE h.as_of > l.day - 31
 ORDER BY h.as_of DESC, h.history_id
$q$)
$$;
COMMENT ON FUNCTION dormancy._snapshot_view_definitions() IS
	'internal: the SQL of the views over dormancy.status_snapshot';

CREATE OR REPLACE FUNCTION dormancy._comment_snapshot_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.segment_summary IS
		'customers and value per state, industry, company size and segment, from the last refresh (dormancy.status_snapshot)';
	COMMENT ON COLUMN dormancy.segment_summary.state IS 'active, at_risk, dormant, long_dormant or never_purchased';
	COMMENT ON COLUMN dormancy.segment_summary.industry IS 'customer industry (NULL: unknown)';
	COMMENT ON COLUMN dormancy.segment_summary.company_size IS 'customer company size (NULL: unknown)';
	COMMENT ON COLUMN dormancy.segment_summary.segment IS 'one_time, repeat or campaign_only (NULL: never purchased)';
	COMMENT ON COLUMN dormancy.segment_summary.customers IS 'customers in the group';
	COMMENT ON COLUMN dormancy.segment_summary.declining_customers IS 'of them, customers with a decline signal';
	COMMENT ON COLUMN dormancy.segment_summary.total_amount IS 'sum of their lifetime net amounts';
	COMMENT ON COLUMN dormancy.segment_summary.recent_amount IS 'sum of their net amounts in the recent window';
	COMMENT ON COLUMN dormancy.segment_summary.prior_amount IS 'sum of their net amounts in the prior window';
	COMMENT ON COLUMN dormancy.segment_summary.avg_days_since_last_order IS 'mean days since the last purchase day (customers with one)';
	COMMENT ON COLUMN dormancy.segment_summary.as_of IS 'the as-of day of the snapshot';
	COMMENT ON COLUMN dormancy.segment_summary.refreshed_at IS 'when the snapshot was refreshed';

	COMMENT ON VIEW dormancy.snapshot_call_list IS
		'dormancy.call_list as of the last refresh: lapsing customers worth a call, in priority order';
	COMMENT ON COLUMN dormancy.snapshot_call_list.call_rank IS 'position in the list, 1 = call first';
	COMMENT ON COLUMN dormancy.snapshot_call_list.customer_id IS 'the customer id, as text';
	COMMENT ON COLUMN dormancy.snapshot_call_list.name IS 'customer name';
	COMMENT ON COLUMN dormancy.snapshot_call_list.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.snapshot_call_list.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.snapshot_call_list.priority_score IS 'priority score, 0 to 100 (docs/priority.md)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.likely_reason IS 'why the customer probably lapsed';
	COMMENT ON COLUMN dormancy.snapshot_call_list.approach_channel IS 'email, direct_mail, phone, visit or step_mail';
	COMMENT ON COLUMN dormancy.snapshot_call_list.message_theme IS 'what to say, from the reason';
	COMMENT ON COLUMN dormancy.snapshot_call_list.state IS 'the customer''s state';
	COMMENT ON COLUMN dormancy.snapshot_call_list.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.snapshot_call_list.declining IS 'true when a decline signal fired';
	COMMENT ON COLUMN dormancy.snapshot_call_list.decline_signals IS 'the decline signals that fired';
	COMMENT ON COLUMN dormancy.snapshot_call_list.total_amount IS 'lifetime net amount up to the as-of day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.recent_amount IS 'net amount in the recent window';
	COMMENT ON COLUMN dormancy.snapshot_call_list.prior_amount IS 'net amount in the prior window';
	COMMENT ON COLUMN dormancy.snapshot_call_list.orders_count IS 'orders up to the as-of day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.snapshot_call_list.dormant_after IS 'the dormant threshold of the customer''s rule';
	COMMENT ON COLUMN dormancy.snapshot_call_list.as_of IS 'the as-of day of the snapshot';
	COMMENT ON COLUMN dormancy.snapshot_call_list.refreshed_at IS 'when the snapshot was refreshed';
	COMMENT ON COLUMN dormancy.snapshot_call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';

	COMMENT ON VIEW dormancy.recent_transitions IS
		'state changes whose as-of day is within 31 days of the last refresh''s (days_ago < 7: this week), newest first';
	COMMENT ON COLUMN dormancy.recent_transitions.customer_id IS 'the customer id, as text';
	COMMENT ON COLUMN dormancy.recent_transitions.name IS 'customer name (from the snapshot; NULL when removed)';
	COMMENT ON COLUMN dormancy.recent_transitions.industry IS 'customer industry (from the snapshot)';
	COMMENT ON COLUMN dormancy.recent_transitions.company_size IS 'customer company size (from the snapshot)';
	COMMENT ON COLUMN dormancy.recent_transitions.change IS 'new, changed or removed';
	COMMENT ON COLUMN dormancy.recent_transitions.from_state IS 'state before (NULL when new)';
	COMMENT ON COLUMN dormancy.recent_transitions.to_state IS 'state after (NULL when removed)';
	COMMENT ON COLUMN dormancy.recent_transitions.as_of IS 'as-of day of the refresh that saw the change';
	COMMENT ON COLUMN dormancy.recent_transitions.days_ago IS 'days between the change''s as-of day and the last refresh''s';
	COMMENT ON COLUMN dormancy.recent_transitions.current_state IS 'the state in the current snapshot';
	COMMENT ON COLUMN dormancy.recent_transitions.total_amount IS 'lifetime net amount in the current snapshot';
	COMMENT ON COLUMN dormancy.recent_transitions.recorded_at IS 'when the change was recorded';
	COMMENT ON COLUMN dormancy.recent_transitions.run_id IS 'the refresh run that recorded it';
END
$$;
COMMENT ON FUNCTION dormancy._comment_snapshot_views() IS 'internal: comment the views over the snapshot';


--
-- Updates rebuild the generated views
--

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

CREATE OR REPLACE FUNCTION dormancy._unclaim(kind text, rel regclass)
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
CREATE OR REPLACE FUNCTION dormancy._build_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
BEGIN
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) is unbound
	FOR v IN DELETE FROM dormancy.bindings b
			  WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation)
			  RETURNING b.source LOOP
		RAISE WARNING 'the bound % relation no longer exists: % is unbound', v.source, v.source
			USING HINT = format('Bind the %s again with dormancy.bind_%s().', v.source, v.source);
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

-- (Re)create the views over the snapshot, readable by dormancy_reader.
CREATE FUNCTION dormancy._build_snapshot_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
BEGIN
	FOR v IN SELECT * FROM dormancy._snapshot_view_definitions() LOOP
		EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
					   v.view_name, v.definition);
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(v.view_name))::regclass);
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			EXECUTE format('GRANT SELECT ON dormancy.%I TO dormancy_reader', v.view_name);
		END IF;
	END LOOP;
	PERFORM dormancy._comment_snapshot_views();
END
$$;
COMMENT ON FUNCTION dormancy._build_snapshot_views() IS
	'internal: (re)create the views over dormancy.status_snapshot';
REVOKE ALL ON FUNCTION dormancy._build_snapshot_views() FROM PUBLIC;

--
-- Create dormancy.status_snapshot from customer_status when it is missing; with
-- reshape, also alter it to customer_status's columns when they differ.  The
-- views over it are pointed at placeholders while it is altered (so they do not
-- block a column type change) and restored afterwards; row security policies
-- on it are kept (dropped and created again, since a policy blocks a type
-- change of the columns it uses).  Returns true when it created or altered.
--
CREATE OR REPLACE FUNCTION dormancy._snapshot_sync(reshape boolean)
	RETURNS boolean
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	status regclass := to_regclass('dormancy.customer_status');
	snap regclass := to_regclass('dormancy.status_snapshot');
	actions text[];
	v record;
	pol record;
	policies text[] := '{}';
	policy_names name[] := '{}';
	i integer;
	changed boolean := false;
	idx record;
	views_missing boolean := EXISTS (SELECT 1 FROM dormancy._snapshot_view_definitions() d
									  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NULL);
BEGIN
	IF status IS NULL THEN
		RAISE EXCEPTION 'nothing is bound yet: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
	END IF;

	IF snap IS NULL THEN
		EXECUTE format('CREATE TABLE dormancy.status_snapshot (%s)',
					   (SELECT string_agg(format('%I %s%s', c.column_name, c.column_type, c.constraints), ', ' ORDER BY c.attnum)
						  FROM dormancy._snapshot_columns() c));
		snap := 'dormancy.status_snapshot'::regclass;
		PERFORM dormancy._unclaim('TABLE', snap);
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus customer_key and refreshed_at; read it, do not write it';
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			GRANT SELECT ON dormancy.status_snapshot TO dormancy_reader;
		END IF;
		changed := true;
	ELSIF reshape OR views_missing THEN
		-- (views missing over a snapshot left from before: they may need its new columns)
		SELECT array_agg(a ORDER BY o, a) INTO actions
		  FROM (SELECT CASE WHEN h.column_name IS NULL THEN format('ADD COLUMN %I %s%s', w.column_name, w.column_type, w.constraints)
							WHEN w.column_name IS NULL THEN format('DROP COLUMN %I', h.column_name)
							ELSE format('ALTER COLUMN %I TYPE %s USING NULL', w.column_name, w.column_type) END,
					   coalesce(w.attnum, 0)
				  FROM dormancy._snapshot_columns() w
				  FULL JOIN dormancy._relation_columns(snap) h ON h.column_name = w.column_name
				 WHERE w.column_type IS DISTINCT FROM h.column_type) s(a, o);
		IF actions IS NOT NULL THEN
			-- the views over the snapshot: placeholders of the same columns, no dependency
			FOR v IN SELECT d.view_name FROM dormancy._snapshot_view_definitions() d
					  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NOT NULL LOOP
				EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS SELECT %s WHERE false',
							   v.view_name,
							   (SELECT string_agg(format('NULL::%s AS %I', c.column_type, c.column_name), ', ' ORDER BY c.attnum)
								  FROM dormancy._relation_columns(('dormancy.' || quote_ident(v.view_name))::regclass) c));
			END LOOP;
			-- row security policies: keep their text, drop, create again after
			FOR pol IN
				SELECT p.polname, p.polpermissive, p.polcmd,
					   (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')
						  FROM unnest(p.polroles) r) AS roles,
					   pg_get_expr(p.polqual, p.polrelid) AS qual,
					   pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
					   obj_description(p.oid, 'pg_policy') AS description
				  FROM pg_policy p WHERE p.polrelid = snap LOOP
				policy_names := policy_names || pol.polname;
				policies := policies || format('CREATE POLICY %I ON dormancy.status_snapshot AS %s FOR %s TO %s%s%s',
					pol.polname,
					CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
					CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
									WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
					pol.roles,
					CASE WHEN pol.qual IS NOT NULL THEN format(' USING (%s)', pol.qual) ELSE '' END,
					CASE WHEN pol.with_check IS NOT NULL THEN format(' WITH CHECK (%s)', pol.with_check) ELSE '' END);
				IF pol.description IS NOT NULL THEN
					policy_names := policy_names || pol.polname;
					policies := policies || format('COMMENT ON POLICY %I ON dormancy.status_snapshot IS %L',
												   pol.polname, pol.description);
				END IF;
				EXECUTE format('DROP POLICY %I ON dormancy.status_snapshot', pol.polname);
			END LOOP;

			-- rows of the old shape go (their states are in status_history);
			-- columns only added keep them, the new columns NULL until the next refresh
			IF EXISTS (SELECT 1 FROM unnest(actions) a WHERE a NOT LIKE 'ADD COLUMN %') THEN
				DELETE FROM dormancy.status_snapshot;
			END IF;
			BEGIN
				EXECUTE 'ALTER TABLE dormancy.status_snapshot ' || array_to_string(actions, ', ');
			EXCEPTION WHEN feature_not_supported OR dependent_objects_still_exist THEN
				RAISE EXCEPTION 'cannot reshape dormancy.status_snapshot: %', SQLERRM
					USING ERRCODE = 'dependent_objects_still_exist',
						  DETAIL = format('customer_status changed its columns, so the snapshot must change too: %s.',
										  array_to_string(actions, ', ')),
						  HINT = 'Drop your views or rules that use dormancy.status_snapshot, refresh, then create them again (or build them on the views over the snapshot, whose columns do not change).';
			END;
			FOR i IN 1 .. cardinality(policies) LOOP
				BEGIN
					EXECUTE policies[i];
				EXCEPTION WHEN OTHERS THEN
					RAISE EXCEPTION 'cannot keep policy "%" on dormancy.status_snapshot: %', policy_names[i], SQLERRM
						USING ERRCODE = 'dependent_objects_still_exist',
							  DETAIL = format('customer_status changed its columns (%s), and the policy no longer fits them: %s.',
											  array_to_string(actions, ', '), policies[i]),
							  HINT = 'Write the policy with customer_key, the id as text, which never changes type; or drop the policy, refresh, and create it for the new columns.';
				END;
			END LOOP;
			changed := true;
		END IF;
	END IF;

	-- the views over the snapshot (created, or restored after placeholders)
	IF changed OR views_missing THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;

	-- indexes for the BI queries (a dropped column takes its index with it)
	FOR idx IN
		SELECT * FROM (VALUES ('status_snapshot_state', ARRAY['state']),
							  ('status_snapshot_segment', ARRAY['industry', 'company_size']),
							  ('status_snapshot_customer_id', ARRAY['customer_id']),
							  ('status_snapshot_customer_key', ARRAY['customer_key'])) i(index_name, cols)
		 WHERE to_regclass('dormancy.' || i.index_name) IS NULL
		   AND (SELECT count(*) FROM dormancy._relation_columns(snap) c WHERE c.column_name = ANY (i.cols))
			   = cardinality(i.cols) LOOP
		EXECUTE format('CREATE INDEX %I ON dormancy.status_snapshot (%s)', idx.index_name,
					   (SELECT string_agg(quote_ident(c), ', ') FROM unnest(idx.cols) c));
	END LOOP;

	-- the snapshot's columns say what customer_status's say (only those that differ)
	FOR v IN
		SELECT s.column_name, w.description
		  FROM dormancy._relation_columns(snap) s
		  JOIN dormancy._snapshot_columns() w ON w.column_name = s.column_name
		 WHERE col_description(snap, s.attnum) IS DISTINCT FROM w.description LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.status_snapshot.%I IS %L', v.column_name, v.description);
	END LOOP;
	RETURN changed;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_sync(boolean) IS
	'internal: create dormancy.status_snapshot and its views when missing; with reshape, alter it to the columns of customer_status';

-- ALTER EXTENSION dormancy UPDATE: every update script ends with
--   SELECT dormancy._update_generated_views();
-- which rebuilds the generated views and the views over the snapshot from
-- the new version's definitions, keeping the views users built on them
-- (CREATE OR REPLACE).  They are not members of the extension, and an
-- extension script may not replace what the extension does not own, so they
-- are claimed for the rebuild; the builders release them again.
CREATE FUNCTION dormancy._update_generated_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
BEGIN
	IF to_regclass('dormancy.customer_status') IS NULL THEN
		RETURN;		-- never bound: the views appear at the first bind
	END IF;
	FOR v IN
		SELECT c.oid::regclass AS view
		  FROM (SELECT d.view_name FROM dormancy._view_definitions() d
				UNION
				SELECT d.view_name FROM dormancy._snapshot_view_definitions() d) g
		  JOIN pg_class c ON c.relname = g.view_name AND c.relnamespace = 'dormancy'::regnamespace
		 WHERE c.relkind = 'v' AND NOT dormancy._is_member(c.oid::regclass)
	LOOP
		EXECUTE format('ALTER EXTENSION dormancy ADD VIEW %s', v.view);
	END LOOP;
	PERFORM dormancy._build_views();
	-- the snapshot takes new columns of customer_status now (its rows stay,
	-- the new columns NULL until the next refresh), so that the views over it
	-- can use them; a reshape rebuilds those views, else they are rebuilt here
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL
	   AND NOT dormancy._snapshot_sync(true) THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._update_generated_views() IS
	'internal: rebuild the generated views at the end of an extension update';
REVOKE ALL ON FUNCTION dormancy._update_generated_views() FROM PUBLIC;

SELECT dormancy.analyze_lookup_tables();
SELECT dormancy._update_generated_views();
