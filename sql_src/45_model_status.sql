--
-- Fitted models per segment, and the model columns of customer_status:
-- p_alive, expected_purchases and expected_value (NULL when no converged
-- model is fitted).
--

-- At most one row; empty means the defaults (a restore of the user's row
-- cannot clash with a row installed by CREATE EXTENSION).
CREATE TABLE dormancy.model_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	time_unit interval NOT NULL DEFAULT '7 days',
	horizon interval NOT NULL DEFAULT '1 year',
	segment_by text NOT NULL DEFAULT 'industry',
	min_customers integer NOT NULL DEFAULT 200,
	refit_every interval DEFAULT '7 days',
	lookahead interval NOT NULL DEFAULT '90 days',
	p_alive_threshold double precision NOT NULL DEFAULT 0.5,
	model text NOT NULL DEFAULT 'bgnbd',
	CONSTRAINT model_settings_one_row CHECK (singleton),
	CONSTRAINT model_settings_model CHECK (model IN ('bgnbd', 'paretonbd', 'likelihood', 'validation')),
	CONSTRAINT model_settings_lookahead CHECK (lookahead >= interval '0'
		AND extract(month FROM lookahead) = 0 AND extract(year FROM lookahead) = 0),
	CONSTRAINT model_settings_p_alive_threshold CHECK (p_alive_threshold > 0 AND p_alive_threshold < 1),
	CONSTRAINT model_settings_refit_every CHECK (refit_every > interval '0'),
	CONSTRAINT model_settings_time_unit CHECK (
		extract(month FROM time_unit) = 0 AND extract(year FROM time_unit) = 0 AND time_unit > interval '0'),
	CONSTRAINT model_settings_horizon CHECK (horizon > interval '0'),
	-- under 1,000 years: the days must stay dates (see rules_thresholds_bounded)
	CONSTRAINT model_settings_lengths_bounded CHECK (time_unit < interval '1000 years' AND horizon < interval '1000 years'
		AND lookahead < interval '1000 years' AND refit_every < interval '1000 years'),
	CONSTRAINT model_settings_segment_by CHECK (segment_by IN ('none', 'industry', 'company_size')),
	CONSTRAINT model_settings_min_customers CHECK (min_customers >= 10)
);
COMMENT ON TABLE dormancy.model_settings IS
	'settings of the BTYD models: at most one row; no row means the defaults (see dormancy.model_settings_in_force())';
COMMENT ON COLUMN dormancy.model_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.model_settings.time_unit IS 'the time unit of the fits (days only, no months); default 7 days, as in the published CDNOW fits';
COMMENT ON COLUMN dormancy.model_settings.horizon IS 'expected_purchases and expected_value look this far ahead; default 1 year';
COMMENT ON COLUMN dormancy.model_settings.segment_by IS 'fit one model per industry or company size as well as the overall one: none, industry or company_size; default industry';
COMMENT ON COLUMN dormancy.model_settings.refit_every IS 'CALL dormancy.refresh() refits the models when they are older than this (only once some are fitted); NULL: never; default 7 days';
COMMENT ON COLUMN dormancy.model_settings.lookahead IS 'customer_status.p_alive_ahead and p_purchase_ahead look this far ahead (days only); default 90 days';
COMMENT ON COLUMN dormancy.model_settings.p_alive_threshold IS 'customer_status.expected_dormancy_day is the day p_alive falls below this if no purchase comes; default 0.5';
COMMENT ON COLUMN dormancy.model_settings.model IS 'the model customer_status applies per segment: bgnbd (default), paretonbd (when its fit converged, else BG/NBD), likelihood (the one with the higher log-likelihood on the segment: both have four parameters) or validation (the one with the lower mean absolute error in the segment''s latest holdout validation of both, validate_models(); BG/NBD without one); models.model_reason says why';
COMMENT ON COLUMN dormancy.model_settings.min_customers IS 'a segment gets its own model only with at least this many customers (else the overall model applies); default 200';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_settings', '');

CREATE FUNCTION dormancy.model_settings_in_force()
	RETURNS dormancy.model_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.model_settings s),
					ROW(true, interval '7 days', interval '1 year', 'industry', 200, interval '7 days',
						interval '90 days', 0.5, 'bgnbd')::dormancy.model_settings);
COMMENT ON FUNCTION dormancy.model_settings_in_force() IS
	'the row of dormancy.model_settings, or the defaults when it is empty';

CREATE TABLE dormancy.models (
	model_id serial PRIMARY KEY,
	segment_kind text NOT NULL,
	segment_value text,
	fitted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	fit_seconds double precision,
	as_of date NOT NULL,
	time_unit interval NOT NULL,
	bgnbd dormancy.bgnbd,
	gammagamma dormancy.gammagamma,
	bgnbd_std_errors double precision[],
	gammagamma_std_errors double precision[],
	paretonbd dormancy.paretonbd,
	model text NOT NULL DEFAULT 'bgnbd',
	bgnbd_covariance double precision[],
	paretonbd_covariance double precision[],
	gammagamma_covariance double precision[],
	model_reason text,
	-- the x of the Gamma-Gamma fit; the default is what a fit made before
	-- 0.4.0 took, so that a row of a 0.3.0 dump (loaded without the column)
	-- or one kept by ALTER EXTENSION UPDATE says so
	gammagamma_x text NOT NULL DEFAULT 'frequency',
	CONSTRAINT models_model CHECK (model IN ('bgnbd', 'paretonbd')),
	CONSTRAINT models_gammagamma_x CHECK (gammagamma_x IN ('frequency', 'monetary_days')),
	CONSTRAINT models_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT models_segment_value CHECK ((segment_kind = 'all') = (segment_value IS NULL)),
	CONSTRAINT models_segment_key UNIQUE NULLS NOT DISTINCT (segment_kind, segment_value),
	CONSTRAINT models_fit_seconds_finite CHECK (fit_seconds >= 0 AND fit_seconds < 'Infinity')
);
COMMENT ON TABLE dormancy.models IS
	'fitted BG/NBD and Gamma-Gamma models, one per segment; written by dormancy.fit_models()';
COMMENT ON COLUMN dormancy.models.model_id IS 'surrogate key';
COMMENT ON COLUMN dormancy.models.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.models.segment_value IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.models.fitted_at IS 'when the model was fitted';
COMMENT ON COLUMN dormancy.models.fit_seconds IS 'how long the fit of all segments took';
COMMENT ON COLUMN dormancy.models.as_of IS 'the as-of day of the customer summaries it was fitted on';
COMMENT ON COLUMN dormancy.models.time_unit IS 'the time unit of the parameters';
COMMENT ON COLUMN dormancy.models.bgnbd IS 'the BG/NBD model with its log-likelihood, customers, iterations and convergence';
COMMENT ON COLUMN dormancy.models.gammagamma IS 'the Gamma-Gamma model (NULL when too few repeat buyers)';
COMMENT ON COLUMN dormancy.models.bgnbd_std_errors IS 'standard errors of r, alpha, a, b from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); see dormancy.model_parameters';
COMMENT ON COLUMN dormancy.models.paretonbd IS 'the Pareto/NBD model, fitted when model_settings.model is not bgnbd (else NULL)';
COMMENT ON COLUMN dormancy.models.model IS 'the model customer_status applies for this segment: bgnbd or paretonbd (model_settings.model)';
COMMENT ON COLUMN dormancy.models.gammagamma_std_errors IS 'standard errors of p, q, v from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); see dormancy.model_parameters';
COMMENT ON COLUMN dormancy.models.bgnbd_covariance IS 'covariance matrix (4 x 4) of r, alpha, a, b from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); the intervals of dormancy.forecast_intervals come from it';
COMMENT ON COLUMN dormancy.models.paretonbd_covariance IS 'covariance matrix (4 x 4) of r, alpha, s, beta of the Pareto/NBD fit, likewise (NULL when not fitted or not converged)';
COMMENT ON COLUMN dormancy.models.model_reason IS 'why model is the one applied: the setting, the log-likelihoods, or the holdout errors of the validation it was chosen by (model_settings.model)';
COMMENT ON COLUMN dormancy.models.gammagamma_covariance IS 'covariance matrix (3 x 3) of p, q, v, likewise';
COMMENT ON COLUMN dormancy.models.gammagamma_x IS 'the x the Gamma-Gamma fit took: monetary_days (the repeat days of known amount, written by fit_models() since 0.4.0) or frequency (the default: a fit made before 0.4.0, kept by the update or restored from a dump); customer_status applies the fit with its own x, and the next refresh refits a frequency one';
SELECT pg_catalog.pg_extension_config_dump('dormancy.models', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.models_model_id_seq', '');
COMMENT ON SEQUENCE dormancy.models_model_id_seq IS 'generates dormancy.models.model_id';

-- The segment a customer is fitted and validated in (fit_models(),
-- validate_models()): the label_key of its industry or company size, as
-- model_settings.segment_by says; NULL for 'none'.  The key _model_for
-- looks the models up by.
CREATE FUNCTION dormancy._segment_value(segment_by text, industry text, company_size text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'segment_value'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._segment_value(text, text, text) IS
	'internal: the segment value of a customer under model_settings.segment_by: label_key of its industry or company size, NULL for none';

-- Whether the fits read the bound customers on the Citus workers (their
-- states folded there, _fit_states) or collect the customers' summaries
-- (_fit_summaries): fit_models() and validate_models() decide alike, as
-- the views do (_customers_on_workers).
CREATE FUNCTION dormancy._fits_on_workers()
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT dormancy._customers_on_workers(
		(SELECT b.relation FROM dormancy.bindings b WHERE b.source = 'customers'),
		(SELECT b.relation FROM dormancy.bindings b WHERE b.source = 'orders'))
$$;
COMMENT ON FUNCTION dormancy._fits_on_workers() IS
	'internal: whether fit_models() and validate_models() fold the fits'' states on the Citus workers (_fit_states) rather than collect the summaries (_fit_summaries)';

-- Drop what the fits keep for their transaction (the summaries of
-- _fit_summaries, the fit states of _fit_states), where there: fit_models()
-- and validate_models() when done.  (DROP TABLE IF EXISTS would tell the
-- caller of each table that was not there.)
CREATE FUNCTION dormancy._drop_fit_tables()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('pg_temp.dormancy_fit_summaries') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_fit_summaries;
	END IF;
	IF to_regclass('pg_temp.dormancy_fit_states') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_fit_states;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._drop_fit_tables() IS
	'internal: drop the temporary tables of the fits (pg_temp.dormancy_fit_summaries, pg_temp.dormancy_fit_states) where they exist';

-- Each customer's whole history from the stored histories (the gate open),
-- as a FROM item for what needs only that (the fits' summaries of
-- fit_models()): the customer's row of category NULL when that is the whole
-- history, with no category column bound (every stored row is one, one per
-- customer) or with an order id bound (the row of category NULL holds the
-- whole orders); else customer_histories, which groups every customer's
-- rows and merges them (with categories and no order id a row of category
-- NULL holds only the orders without one).  At 1,000,000 demo customers the
-- fits' summaries from the store took 2.7-3.5 s from the rows against
-- 5.8-5.9 s grouped (docs/models.md).
CREATE FUNCTION dormancy._whole_stored_histories()
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN (SELECT NOT b.order_categories_bound OR b.order_ids_bound FROM dormancy.src_bindings b)
				THEN '(SELECT s.customer_id, s.history FROM dormancy.src_stored_histories s WHERE s.category IS NULL)'
				ELSE 'dormancy.customer_histories' END
$$;
COMMENT ON FUNCTION dormancy._whole_stored_histories() IS
	'internal: a FROM item of each customer''s whole history from the stored histories: its row of category NULL when that is the whole history (no category bound, or an order id bound), else customer_histories';

-- What fit_models() reads, in one pass over the bound customers and their
-- histories, kept for the fits (_fit_segments) and the value distribution
-- (_store_value_distribution) in the temporary table
-- pg_temp.dormancy_fit_summaries: each bound customer (src_customers, every
-- copy of a duplicate id, as customer_core) with a purchase day by
-- dormancy.as_of(), its industry and company size, the BTYD summary of its
-- history in days (btyd_summary(h, as_of_day(), '1 day'): customer_core's
-- frequency, recency_days, age_days, monetary_value and monetary_days, which
-- _customer_facts computes by the same loop on the same day, as_of_day())
-- and its total_amount (history_summary: customer_core's, by the same
-- loop).  A customer without a purchase day by then (no orders, only
-- refunds, only later orders) has no BTYD summary and order_days 0 in
-- customer_core: the fits and the value distribution leave it out, so it is
-- not kept.  CREATE TABLE AS may read in parallel.  On Citus with the
-- customers read on the workers, fit_models() folds the summaries there
-- instead (_fit_states, below).  The table is dropped at
-- the end of the transaction, or by fit_models() when done; its segment
-- columns are analyzed.  histories: a FROM item of each customer's whole
-- history (customer_id, history), given by _fit_summaries_from_store; NULL
-- (the default): customer_histories, or what the bindings and the gate say
-- (below).  Returns the rows kept.
CREATE FUNCTION dormancy._fit_summaries(histories text DEFAULT NULL)
	RETURNS bigint
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kept bigint;
BEGIN
	IF to_regclass('pg_temp.dormancy_fit_summaries') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_fit_summaries;
	END IF;
	-- each customer's summary in a subquery of its own (OFFSET 0), at the
	-- as-of day read once (init plans), then joined to the customers.  The
	-- two summary functions are called in the select list of an inner
	-- subquery (OFFSET 0: once per customer each), whose composite result
	-- the outer one takes apart, not as lateral function scans: those put
	-- every result row through a tuplestore, which cost about 2 s at
	-- 1,000,000 customers (docs/models.md).
	-- On Citus (customers collected on the coordinator: fit_models()) the
	-- subquery runs where the orders are, one task per shard, over
	-- customer_histories_live (histories are never stored there: the union
	-- with the stored ones would make Citus collect every history), and the
	-- coordinator receives the summaries only.  From the stored histories
	-- (the gate open: a refresh's refit, _fit_summaries_from_store), each
	-- customer's whole history as _whole_stored_histories gives it.
	EXECUTE format(
		'CREATE TEMP TABLE dormancy_fit_summaries ON COMMIT DROP AS '
		'SELECT c.industry, c.company_size, s.frequency, s.recency, s.age, s.monetary_value, s.monetary_days, '
		'	   s.total_amount '
		'  FROM dormancy.src_customers c '
		'  JOIN (SELECT h.customer_id, (h.b).frequency, (h.b).recency, (h.b).age, (h.b).monetary_value, '
		'			   (h.b).monetary_days, h.total_amount '
		'		  FROM (SELECT h.customer_id, '
		'					   dormancy.btyd_summary(h.history, (SELECT dormancy.as_of_day()), ''1 day'') AS b, '
		'					   (dormancy.history_summary(h.history, (SELECT dormancy.as_of_day()), 0)).total_amount '
		'				  FROM %s h '
		'				OFFSET 0) h '
		'		 WHERE (h.b).frequency IS NOT NULL '
		'		OFFSET 0) s ON s.customer_id = c.customer_id '
		' WHERE c.customer_id IS NOT NULL',
		CASE WHEN histories IS NOT NULL THEN histories
			 WHEN EXISTS (SELECT 1 FROM dormancy.bindings b WHERE dormancy._citus_table_kind(b.relation) IS NOT NULL)
			 THEN 'dormancy.customer_histories_live'
			 WHEN dormancy._use_stored_histories() THEN dormancy._whole_stored_histories()
			 ELSE 'dormancy.customer_histories' END);
	GET DIAGNOSTICS kept = ROW_COUNT;
	-- the segments' statistics: the fits' GROUP BY sizes its hash table by
	-- the segments it expects (without them it expects 200)
	ANALYZE pg_temp.dormancy_fit_summaries (industry, company_size);
	RETURN kept;
END
$$;
COMMENT ON FUNCTION dormancy._fit_summaries(text) IS
	'internal: keep each bound customer''s segment columns, BTYD summary and total_amount from one pass over the histories (or the FROM item given) in pg_temp.dormancy_fit_summaries, for the fits and the value distribution of fit_models(); returns the rows kept';

-- _fit_summaries() over the stored histories, when they are usable
-- (_stored_histories_usable, 62_incremental.sql): the summaries without
-- folding every order again.  The customers marked since the refresh
-- (changed_customers, at most a tenth of the store) have their histories
-- folded from the orders, through the orders' index on the customer column
-- (their ids a constant array, which the planner pushes below the grouping
-- to the index, and which a sequential scan looks each order up in by
-- hashing), and their stored rows are left out: the same histories as
-- customer_histories gives from the orders.
-- One statement reads the marks, those customers' orders and the store,
-- under one snapshot: read in three (until 2026-12-07), an order moved from
-- a marked customer to another one by a transaction that committed in
-- between was counted for neither, or for both when a refresh also committed
-- in between.  The marks are read first, into the constant; the statement
-- then also folds from the orders any customer marked by the time it reads
-- (an init plan, usually empty), and leaves all of them out of the store.
-- And it reads the store only if the store is still what
-- _stored_histories_usable() found, in its own snapshot: tracked, and
-- nothing to rebuild by the test the refresh uses (_store_rebuild_reason:
-- no invalidation, such as a TRUNCATE or a tracking trigger disabled
-- committed after that check); else every customer from the orders.  The gate is open for that statement (src/history_store.c);
-- opening it turns parallel query off for the transaction, which this
-- function's own setting keeps from outliving the call.  At 1,000,000 demo
-- customers the summaries took 3.6-3.9 s against 6.4-6.6 s from the orders;
-- later, each customer's whole history read as its one stored row
-- (_whole_stored_histories), 2.7-3.5 s against 5.8-5.9 s on a slower
-- machine (docs/models.md).
CREATE FUNCTION dormancy._fit_summaries_from_store()
	RETURNS bigint
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
	kept bigint;
	id_type text := dormancy._column_type('dormancy.src_orders', 'customer_id');
	marked text;
	marked_since text;
	marked_text text;
	-- the store still as _stored_histories_usable() found it, in the reading
	-- statement's own snapshot: tracked, and nothing to rebuild
	store_current text := '(SELECT st.tracked AND dormancy._store_rebuild_reason(st, '
						  '(SELECT pg_catalog.string_agg(DISTINCT i.reason, ''; '' ORDER BY i.reason) '
						  'FROM dormancy.store_invalidations i)) IS NULL FROM dormancy.history_store_state st)';
BEGIN
	-- the marked customers, as a constant array in the type of the orders'
	-- customer column (as _prepare_histories reads them)
	EXECUTE format('SELECT coalesce(pg_catalog.array_agg(DISTINCT m.customer_key::%s), ''{}'')::pg_catalog.text '
				   'FROM dormancy.changed_customers m', id_type)
		INTO marked_text;
	marked := format('%L::%s[]', marked_text, id_type);
	marked_since := format('ARRAY(SELECT DISTINCT m.customer_key::%s FROM dormancy.changed_customers m '
						   'WHERE NOT m.customer_key::%s = ANY (%s))', id_type, id_type, marked);
	PERFORM dormancy._read_stored_histories(true);
	kept := dormancy._fit_summaries(format(
		'(SELECT s.customer_id, s.history FROM %1$s s '
		'  WHERE %4$s '
		'	 AND NOT EXISTS (SELECT FROM pg_catalog.unnest(%2$s || %3$s) k(customer_id) WHERE k.customer_id = s.customer_id) '
		' UNION ALL '
		' SELECT l.customer_id, l.history FROM dormancy.customer_histories_live l '
		'  WHERE %4$s AND (l.customer_id = ANY (%2$s) OR l.customer_id = ANY (%3$s)) '
		' UNION ALL '
		' SELECT l.customer_id, l.history FROM dormancy.customer_histories_live l '
		'  WHERE NOT %4$s)',
		dormancy._whole_stored_histories(), marked, marked_since, store_current));
	PERFORM dormancy._read_stored_histories(false);
	RETURN kept;
END
$$;
COMMENT ON FUNCTION dormancy._fit_summaries_from_store() IS
	'internal: _fit_summaries() with the stored histories read instead of the orders, and the orders of the customers marked since (fit_models(), while the store is usable)';

-- On Citus, with the customers read on the workers (_customers_on_workers),
-- fit_models() fits from per-worker partial aggregates instead:
-- each shard's customers' summaries are folded where the orders are, one
-- fit state (44_fit_state.sql) per segment and shard, which Citus combines
-- on the coordinator (worker_partial_agg and coord_combine_agg, as EXPLAIN
-- shows), kept in pg_temp.dormancy_fit_states for _fit_segments.  What
-- moves is each shard's distinct (frequency, recency, age) triples and
-- (frequency, spend) pairs with their counts, not a row per customer.  The
-- same customers as _fit_summaries (every bound customer with a purchase day
-- by the as-of day, every copy of a duplicate id), over
-- customer_histories_live (histories are never stored on Citus: the union
-- with the stored ones would make Citus collect every history), at the
-- as-of day the coordinator sends (a value: fit_models() gives
-- dormancy.as_of_day(), validate_models() its calibration_end), so that a
-- worker's own zone or settings change nothing.  Each state is kept with its
-- customers (counted once, here).  Returns the customers folded.
CREATE FUNCTION dormancy._fit_states(settings dormancy.model_settings, as_of date)
	RETURNS bigint
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
	folded bigint;
BEGIN
	IF to_regclass('pg_temp.dormancy_fit_states') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_fit_states;
	END IF;
	CREATE TEMP TABLE dormancy_fit_states ON COMMIT DROP AS
	SELECT s.segment_value, s.state, dormancy._fit_state_customers(s.state) AS customers
	  FROM (SELECT dormancy._segment_value(settings.segment_by, c.industry, c.company_size) AS segment_value,
				   dormancy._fit_state(dormancy.btyd_summary(h.history, _fit_states.as_of, '1 day'),
									   unit_days) AS state
			  FROM dormancy.src_customers c
			  JOIN dormancy.customer_histories_live h ON h.customer_id = c.customer_id
			 WHERE c.customer_id IS NOT NULL
			 GROUP BY 1) s;
	SELECT sum(s.customers) INTO folded FROM pg_temp.dormancy_fit_states s;
	RETURN coalesce(folded, 0);
END
$$;
COMMENT ON FUNCTION dormancy._fit_states(dormancy.model_settings, date) IS
	'internal: on Citus, each segment''s customers'' BTYD summaries at the day given folded into a fit state on the workers and combined on the coordinator, kept in pg_temp.dormancy_fit_states for the fits of fit_models() and validate_models(); returns the customers folded';

-- The fits of fit_models() and their covariance matrices in one pass over
-- the summaries (_fit_segments): internal copies of bgnbd_fit, paretonbd_fit
-- and gammagamma_fit whose final functions leave the state usable by
-- another (FINALFUNC_MODIFY = SHAREABLE: they compact it in place and keep
-- the fit in it), and aggregates of the covariance matrix at the fit over the
-- same rows, with the same transition function and arguments.  PostgreSQL
-- then keeps one state for a fit and its covariance, which is fitted once
-- (the covariance is the one the fit computes to check its standard errors,
-- kept in the fit: src/core/optimise.c);
-- the covariance matrices used to take a second pass over the summaries
-- (bgnbd_covariance and the others, given the stored models), which sorted
-- and counted every customer again.  The public aggregates are unchanged.
CREATE FUNCTION dormancy._bgnbd_fit_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'bgnbd_fit_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._bgnbd_fit_covariance_final(internal) IS
	'internal: aggregate final function of _bgnbd_fit_covariance: the covariance matrix of r, alpha, a, b at the fit';
CREATE FUNCTION dormancy._paretonbd_fit_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'paretonbd_fit_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._paretonbd_fit_covariance_final(internal) IS
	'internal: aggregate final function of _paretonbd_fit_covariance: the covariance matrix of r, alpha, s, beta at the fit';
CREATE FUNCTION dormancy._gammagamma_fit_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'gammagamma_fit_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._gammagamma_fit_covariance_final(internal) IS
	'internal: aggregate final function of _gammagamma_fit_covariance: the covariance matrix of p, q, v at the fit';

-- The internal fits do not warn when they do not converge: fit_models() and
-- validate_models() fit every segment, also those they then drop (the
-- customers without a segment, the segments under min_customers), and every
-- such fit that did not converge used to warn, every night, about a model
-- nobody stores.  Aggregates of the status on the same state say why a fit
-- did not converge (the DETAIL and HINT of the public aggregates' WARNING,
-- as a text[2]; NULL when it converged), and _warn_not_converged warns for
-- the fits kept.
CREATE FUNCTION dormancy._bgnbd_fit_quiet_final(internal)
	RETURNS dormancy.bgnbd AS 'MODULE_PATHNAME', 'bgnbd_fit_quiet_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._bgnbd_fit_quiet_final(internal) IS
	'internal: aggregate final function of _bgnbd_fit: bgnbd_fit_final without its WARNING';
CREATE FUNCTION dormancy._paretonbd_fit_quiet_final(internal)
	RETURNS dormancy.paretonbd AS 'MODULE_PATHNAME', 'paretonbd_fit_quiet_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._paretonbd_fit_quiet_final(internal) IS
	'internal: aggregate final function of _paretonbd_fit: paretonbd_fit_final without its WARNING';
CREATE FUNCTION dormancy._gammagamma_fit_quiet_final(internal)
	RETURNS dormancy.gammagamma AS 'MODULE_PATHNAME', 'gammagamma_fit_quiet_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._gammagamma_fit_quiet_final(internal) IS
	'internal: aggregate final function of _gammagamma_fit: gammagamma_fit_final without its WARNING';
CREATE FUNCTION dormancy._bgnbd_fit_status_final(internal)
	RETURNS text[] AS 'MODULE_PATHNAME', 'bgnbd_fit_status_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._bgnbd_fit_status_final(internal) IS
	'internal: aggregate final function of _bgnbd_fit_status: why the fit did not converge and what to do, NULL when it converged';
CREATE FUNCTION dormancy._paretonbd_fit_status_final(internal)
	RETURNS text[] AS 'MODULE_PATHNAME', 'paretonbd_fit_status_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._paretonbd_fit_status_final(internal) IS
	'internal: aggregate final function of _paretonbd_fit_status: why the fit did not converge and what to do, NULL when it converged';
CREATE FUNCTION dormancy._gammagamma_fit_status_final(internal)
	RETURNS text[] AS 'MODULE_PATHNAME', 'gammagamma_fit_status_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._gammagamma_fit_status_final(internal) IS
	'internal: aggregate final function of _gammagamma_fit_status: why the fit did not converge and what to do, NULL when it converged';

CREATE AGGREGATE dormancy._bgnbd_fit(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit(integer, double precision, double precision) IS
	'internal: bgnbd_fit with a state that _bgnbd_fit_covariance can share (fit_models)';
CREATE AGGREGATE dormancy._bgnbd_fit_covariance(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit_covariance(integer, double precision, double precision) IS
	'internal: the covariance matrix (4 x 4) of r, alpha, a, b at the BG/NBD fit to these rows; NULL when the fit did not converge or is not at a maximum';
CREATE AGGREGATE dormancy._paretonbd_fit(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit(integer, double precision, double precision) IS
	'internal: paretonbd_fit with a state that _paretonbd_fit_covariance can share (fit_models)';
CREATE AGGREGATE dormancy._paretonbd_fit_covariance(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit_covariance(integer, double precision, double precision) IS
	'internal: the covariance matrix (4 x 4) of r, alpha, s, beta at the Pareto/NBD fit to these rows; NULL when the fit did not converge or is not at a maximum';
CREATE AGGREGATE dormancy._gammagamma_fit(frequency integer, monetary_value double precision) (
	SFUNC = dormancy.gammagamma_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.gammagamma_fit_combine,
	SERIALFUNC = dormancy.gammagamma_fit_serialize,
	DESERIALFUNC = dormancy.gammagamma_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit(integer, double precision) IS
	'internal: gammagamma_fit with a state that _gammagamma_fit_covariance can share (fit_models)';
CREATE AGGREGATE dormancy._gammagamma_fit_covariance(frequency integer, monetary_value double precision) (
	SFUNC = dormancy.gammagamma_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.gammagamma_fit_combine,
	SERIALFUNC = dormancy.gammagamma_fit_serialize,
	DESERIALFUNC = dormancy.gammagamma_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit_covariance(integer, double precision) IS
	'internal: the covariance matrix (3 x 3) of p, q, v at the Gamma-Gamma fit to these rows; NULL when the fit did not converge or is not at a maximum';
CREATE AGGREGATE dormancy._bgnbd_fit_status(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_status_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit_status(integer, double precision, double precision) IS
	'internal: why the BG/NBD fit to these rows did not converge and what to do (DETAIL, HINT); NULL when it converged';
CREATE AGGREGATE dormancy._paretonbd_fit_status(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_status_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit_status(integer, double precision, double precision) IS
	'internal: why the Pareto/NBD fit to these rows did not converge and what to do (DETAIL, HINT); NULL when it converged';
CREATE AGGREGATE dormancy._gammagamma_fit_status(frequency integer, monetary_value double precision) (
	SFUNC = dormancy.gammagamma_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_status_final, FINALFUNC_MODIFY = SHAREABLE,
	COMBINEFUNC = dormancy.gammagamma_fit_combine,
	SERIALFUNC = dormancy.gammagamma_fit_serialize,
	DESERIALFUNC = dormancy.gammagamma_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit_status(integer, double precision) IS
	'internal: why the Gamma-Gamma fit to these rows did not converge and what to do (DETAIL, HINT); NULL when it converged';

-- The same fits over fit states (44_fit_state.sql) instead of summaries:
-- each fit_state's observations of one kind go into the fit aggregates'
-- internal state, which their final functions fit (shared as above: the
-- fit, its covariance and its status are fitted once).  fit_models() on
-- Citus fits the states the workers folded, combined by segment.
CREATE FUNCTION dormancy._fit_state_bgnbd_trans(internal, dormancy.fit_state)
	RETURNS internal AS 'MODULE_PATHNAME', 'fit_state_bgnbd_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_bgnbd_trans(internal, dormancy.fit_state) IS
	'internal: transition function of the BG/NBD and Pareto/NBD fits over fit states (_bgnbd_fit_of, ...)';
CREATE FUNCTION dormancy._fit_state_gammagamma_trans(internal, dormancy.fit_state)
	RETURNS internal AS 'MODULE_PATHNAME', 'fit_state_gammagamma_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_gammagamma_trans(internal, dormancy.fit_state) IS
	'internal: transition function of the Gamma-Gamma fits over fit states (_gammagamma_fit_of, ...)';
CREATE AGGREGATE dormancy._bgnbd_fit_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit_of(dormancy.fit_state) IS
	'internal: _bgnbd_fit over the observations of fit states';
CREATE AGGREGATE dormancy._bgnbd_fit_covariance_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit_covariance_of(dormancy.fit_state) IS
	'internal: _bgnbd_fit_covariance over the observations of fit states';
CREATE AGGREGATE dormancy._bgnbd_fit_status_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._bgnbd_fit_status_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._bgnbd_fit_status_of(dormancy.fit_state) IS
	'internal: _bgnbd_fit_status over the observations of fit states';
CREATE AGGREGATE dormancy._paretonbd_fit_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit_of(dormancy.fit_state) IS
	'internal: _paretonbd_fit over the observations of fit states';
CREATE AGGREGATE dormancy._paretonbd_fit_covariance_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit_covariance_of(dormancy.fit_state) IS
	'internal: _paretonbd_fit_covariance over the observations of fit states';
CREATE AGGREGATE dormancy._paretonbd_fit_status_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_bgnbd_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._paretonbd_fit_status_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._paretonbd_fit_status_of(dormancy.fit_state) IS
	'internal: _paretonbd_fit_status over the observations of fit states';
CREATE AGGREGATE dormancy._gammagamma_fit_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_gammagamma_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_quiet_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit_of(dormancy.fit_state) IS
	'internal: _gammagamma_fit over the observations of fit states';
CREATE AGGREGATE dormancy._gammagamma_fit_covariance_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_gammagamma_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_covariance_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit_covariance_of(dormancy.fit_state) IS
	'internal: _gammagamma_fit_covariance over the observations of fit states';
CREATE AGGREGATE dormancy._gammagamma_fit_status_of(dormancy.fit_state) (
	SFUNC = dormancy._fit_state_gammagamma_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy._gammagamma_fit_status_final, FINALFUNC_MODIFY = SHAREABLE);
COMMENT ON AGGREGATE dormancy._gammagamma_fit_status_of(dormancy.fit_state) IS
	'internal: _gammagamma_fit_status over the observations of fit states';

-- The WARNINGs of a fit that fit_models() stores or validate_models() keeps,
-- for each of its models that did not converge (status not NULL, in the
-- order BG/NBD, Gamma-Gamma, Pareto/NBD): the public aggregates' message,
-- DETAIL and HINT, with the segment and what becomes of the estimates
-- (done_with).
CREATE FUNCTION dormancy._warn_not_converged(segment_kind text, segment_value text,
	bgnbd_status text[], gammagamma_status text[], paretonbd_status text[], done_with text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m record;
BEGIN
	FOR m IN
		SELECT w.model, w.status
		  FROM (VALUES (1, 'BG/NBD', bgnbd_status), (2, 'Gamma-Gamma', gammagamma_status),
					   (3, 'Pareto/NBD', paretonbd_status)) w(n, model, status)
		 WHERE w.status IS NOT NULL
		 ORDER BY w.n LOOP
		RAISE WARNING '% fit did not converge', m.model
			USING DETAIL = format('%s %s', m.status[1],
								  CASE WHEN segment_kind = 'all' THEN format('The estimates of the overall model %s.', done_with)
									   ELSE format('The estimates of segment %s %L %s.', segment_kind, segment_value, done_with) END),
				  HINT = m.status[2];
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._warn_not_converged(text, text, text[], text[], text[], text) IS
	'internal: the WARNINGs of a fit kept by fit_models() or validate_models() whose models did not converge, naming its segment';

-- The fits of the overall model and one per segment, over the bound data as
-- of dormancy.as_of(), from the summaries that fit_models() keeps in
-- pg_temp.dormancy_fit_summaries (_fit_summaries): each bound customer with
-- a purchase day by then, its segment columns and the BTYD summary of its
-- history, the same values as customer_core's frequency, recency_days,
-- age_days, monetary_value and monetary_days (Gamma-Gamma's x: the repeat
-- days of known amount that monetary_value averages).  The aggregates sort and count identical
-- summaries once (docs/models.md), so the order of the rows does not change
-- a fit.  With segment_by = 'none' a plain aggregate: GROUPING SETS ((),
-- (segment)) would fit the whole population a second time as the segment
-- NULL group.  (With segments, the customers without one are still fitted as
-- a group and dropped by HAVING, quietly: the callers warn for the fits they
-- keep, from the status columns.)  fit_models() numbers the models in a
-- fixed order, whatever the order of these rows.
CREATE FUNCTION dormancy._fit_segments(settings dormancy.model_settings)
	RETURNS TABLE (segment_kind text, segment_value text,
				   bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma, paretonbd dormancy.paretonbd,
				   bgnbd_covariance double precision[], gammagamma_covariance double precision[],
				   paretonbd_covariance double precision[],
				   bgnbd_status text[], gammagamma_status text[], paretonbd_status text[])
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
BEGIN
	-- on Citus (fit_models() with the customers read on the workers: no
	-- summaries kept), the fit states the workers folded, combined by
	-- segment (_fit_states): the same fits,
	-- fitted by the same final functions over the same observations; the
	-- segments' customers as the states count them
	IF to_regclass('pg_temp.dormancy_fit_summaries') IS NULL
	   AND to_regclass('pg_temp.dormancy_fit_states') IS NOT NULL THEN
		-- every state in the overall fit (always one row, as an aggregate
		-- over no summaries gives: a state of NULL), and the states with
		-- customers in their segment's fit (those with a segment, when
		-- segment_by is not none)
		RETURN QUERY
		SELECT g.segment_kind, g.segment_value,
			   dormancy._bgnbd_fit_of(g.state),
			   dormancy._gammagamma_fit_of(g.state),
			   dormancy._paretonbd_fit_of(g.state) FILTER (WHERE settings.model <> 'bgnbd'),
			   dormancy._bgnbd_fit_covariance_of(g.state),
			   dormancy._gammagamma_fit_covariance_of(g.state),
			   dormancy._paretonbd_fit_covariance_of(g.state) FILTER (WHERE settings.model <> 'bgnbd'),
			   dormancy._bgnbd_fit_status_of(g.state),
			   dormancy._gammagamma_fit_status_of(g.state),
			   dormancy._paretonbd_fit_status_of(g.state) FILTER (WHERE settings.model <> 'bgnbd')
		  FROM (SELECT 'all'::text AS segment_kind, NULL::text AS segment_value, f.state, f.customers
				  FROM pg_temp.dormancy_fit_states f
				UNION ALL
				SELECT 'all', NULL, NULL, 0
				UNION ALL
				SELECT settings.segment_by, f.segment_value, f.state, f.customers
				  FROM pg_temp.dormancy_fit_states f
				 WHERE settings.segment_by <> 'none' AND f.segment_value IS NOT NULL AND f.customers > 0) g
		 GROUP BY g.segment_kind, g.segment_value
		HAVING g.segment_kind = 'all' OR sum(g.customers) >= settings.min_customers;
		RETURN;
	END IF;
	-- each fit beside its covariance matrix and its status, with the same
	-- arguments (and FILTER), so that the three share one state (above)
	IF settings.segment_by = 'none' THEN
		-- only the overall model: GROUPING SETS would fit everyone twice (the
		-- segment NULL group, dropped by HAVING)
		RETURN QUERY
		SELECT 'all'::text, NULL::text,
			   dormancy._bgnbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days),
			   dormancy._gammagamma_fit(s.monetary_days, s.monetary_value),
			   dormancy._paretonbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days)
				   FILTER (WHERE settings.model <> 'bgnbd'),
			   dormancy._bgnbd_fit_covariance(s.frequency, s.recency / unit_days, s.age / unit_days),
			   dormancy._gammagamma_fit_covariance(s.monetary_days, s.monetary_value),
			   dormancy._paretonbd_fit_covariance(s.frequency, s.recency / unit_days, s.age / unit_days)
				   FILTER (WHERE settings.model <> 'bgnbd'),
			   dormancy._bgnbd_fit_status(s.frequency, s.recency / unit_days, s.age / unit_days),
			   dormancy._gammagamma_fit_status(s.monetary_days, s.monetary_value),
			   dormancy._paretonbd_fit_status(s.frequency, s.recency / unit_days, s.age / unit_days)
				   FILTER (WHERE settings.model <> 'bgnbd')
		  FROM pg_temp.dormancy_fit_summaries s;
		RETURN;
	END IF;
	RETURN QUERY
	SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END,
		   s.segment_value,
		   dormancy._bgnbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy._gammagamma_fit(s.monetary_days, s.monetary_value),
		   -- Pareto/NBD only when it may be chosen (model_settings.model)
		   dormancy._paretonbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days)
			   FILTER (WHERE settings.model <> 'bgnbd'),
		   dormancy._bgnbd_fit_covariance(s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy._gammagamma_fit_covariance(s.monetary_days, s.monetary_value),
		   dormancy._paretonbd_fit_covariance(s.frequency, s.recency / unit_days, s.age / unit_days)
			   FILTER (WHERE settings.model <> 'bgnbd'),
		   dormancy._bgnbd_fit_status(s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy._gammagamma_fit_status(s.monetary_days, s.monetary_value),
		   dormancy._paretonbd_fit_status(s.frequency, s.recency / unit_days, s.age / unit_days)
			   FILTER (WHERE settings.model <> 'bgnbd')
	  FROM (SELECT dormancy._segment_value(settings.segment_by, f.industry, f.company_size) AS segment_value,
				   f.frequency, f.recency, f.age, f.monetary_value, f.monetary_days
			  FROM pg_temp.dormancy_fit_summaries f) s
	 GROUP BY GROUPING SETS ((), (s.segment_value))
	HAVING grouping(s.segment_value) = 1
		OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
			AND count(*) >= settings.min_customers);
END
$$;
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD fits of fit_models() with their covariance matrices, overall and per segment, from the customers'' summaries kept by _fit_summaries()';

-- Fit the overall model and one per segment, with their covariance matrices
-- (_fit_segments), replace the stored models with them and their standard
-- errors, and
-- store the value distribution with them (_store_value_distribution), all
-- from the summaries of one pass over the histories (_fit_summaries), the
-- stored ones when they are usable, with the orders of the customers
-- written since (_fit_summaries_from_store).
CREATE FUNCTION dormancy.fit_models()
	RETURNS SETOF dormancy.models
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	started timestamptz := clock_timestamp();
	fit record;
BEGIN
	PERFORM dormancy._require_bound('fit the models');
	-- one fit at a time (a refresh's refit too): the second waits and then
	-- replaces the models; it deleted the rows the first was deleting and
	-- collided with the first's new rows on models_segment_key.  Readers of
	-- the models do not wait.
	LOCK TABLE dormancy.models IN SHARE ROW EXCLUSIVE MODE;
	-- one pass over the histories for the fits and the value distribution;
	-- on Citus with the customers read on the workers, the fits' states
	-- folded there (_fit_states), and the value distribution from the
	-- workers too (_store_value_distribution).  With the customers collected
	-- on the coordinator (a reference or local table, or
	-- evaluate_on_workers off), Citus would send all of them to every
	-- shard's task: the summaries are collected instead (_fit_summaries).
	IF dormancy._fits_on_workers() THEN
		-- (auto_explain explaining nested statements breaks the writes
		-- below on Citus: said before anything is written)
		PERFORM dormancy._refuse_nested_explain('fit the models');
		PERFORM dormancy._fit_states(settings, dormancy.as_of_day());
	ELSIF NOT dormancy._use_stored_histories() AND dormancy._stored_histories_usable() THEN
		-- the histories a refresh stored, and the orders of the few
		-- customers written since: not every order folded again (inside a
		-- refresh the gate is open already and _fit_summaries() reads them)
		PERFORM dormancy._fit_summaries_from_store();
	ELSE
		PERFORM dormancy._fit_summaries();
	END IF;
	-- the fits, kept for the models and the warnings below
	IF to_regclass('pg_temp.dormancy_fits') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_fits;
	END IF;
	CREATE TEMP TABLE dormancy_fits ON COMMIT DROP AS SELECT * FROM dormancy._fit_segments(settings);
	DELETE FROM dormancy.models;
	-- the model applied, and why: Pareto/NBD when chosen and its fit
	-- converged, by the higher log-likelihood (the same four parameters, so
	-- no penalty), or by the lower mean absolute error of the segment's
	-- latest holdout validation of both models (validate_models; BG/NBD
	-- without one)
	-- with the uncertainty of the estimates, from the same pass: the
	-- covariance matrices (for the forecasts' intervals) and the standard
	-- errors, the square roots of their diagonals
	-- (Gamma-Gamma's x the repeat days of known amount: gammagamma_x)
	INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma, gammagamma_x, paretonbd,
								 model, model_reason, bgnbd_covariance, paretonbd_covariance,
								 gammagamma_covariance, bgnbd_std_errors, gammagamma_std_errors)
	SELECT f.segment_kind, f.segment_value, dormancy.as_of_day(), settings.time_unit,
		   f.bgnbd, CASE WHEN (f.gammagamma).customers > 0 THEN f.gammagamma END, 'monetary_days', f.paretonbd,
		   c.model, c.reason, f.bgnbd_covariance, f.paretonbd_covariance, f.gammagamma_covariance,
		   (SELECT array_agg(sqrt(f.bgnbd_covariance[i][i]) ORDER BY i)
			  FROM generate_series(1, 4) i WHERE f.bgnbd_covariance IS NOT NULL),
		   (SELECT array_agg(sqrt(f.gammagamma_covariance[i][i]) ORDER BY i)
			  FROM generate_series(1, 3) i WHERE f.gammagamma_covariance IS NOT NULL)
	  FROM pg_temp.dormancy_fits f
	  LEFT JOIN LATERAL (
		SELECT b.validation_id, b.mean_absolute_error AS bgnbd_error, p.mean_absolute_error AS paretonbd_error
		  FROM dormancy.model_validations b
		  JOIN dormancy.model_validations p
			ON p.validation_id = b.validation_id AND p.segment_kind = b.segment_kind
		   AND p.segment IS NOT DISTINCT FROM b.segment AND p.bucket = 'all' AND p.model = 'paretonbd'
		 WHERE settings.model = 'validation'
		   AND b.model = 'bgnbd' AND b.bucket = 'all'
		   AND b.segment_kind = f.segment_kind AND b.segment IS NOT DISTINCT FROM f.segment_value
		   AND b.mean_absolute_error IS NOT NULL AND p.mean_absolute_error IS NOT NULL
		 ORDER BY b.validation_id DESC
		 LIMIT 1) v ON true
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN NOT coalesce((f.paretonbd).converged, false) THEN 'bgnbd'
					WHEN settings.model = 'paretonbd' THEN 'paretonbd'
					WHEN settings.model = 'likelihood'
						 AND ((f.paretonbd).log_likelihood > (f.bgnbd).log_likelihood
							  OR NOT coalesce((f.bgnbd).converged, false)) THEN 'paretonbd'
					WHEN settings.model = 'validation' AND v.paretonbd_error < v.bgnbd_error THEN 'paretonbd'
					ELSE 'bgnbd' END AS model,
			   CASE WHEN settings.model = 'bgnbd' THEN 'model_settings.model is bgnbd'
					WHEN NOT coalesce((f.paretonbd).converged, false)
						THEN 'the Pareto/NBD fit did not converge: BG/NBD'
					WHEN settings.model = 'paretonbd' THEN 'model_settings.model is paretonbd'
					WHEN settings.model = 'likelihood'
						THEN format('log-likelihood: BG/NBD %s, Pareto/NBD %s',
									round((f.bgnbd).log_likelihood::numeric, 1), round((f.paretonbd).log_likelihood::numeric, 1))
							 || CASE WHEN NOT coalesce((f.bgnbd).converged, false) THEN ' (the BG/NBD fit did not converge)' ELSE '' END
					WHEN v.validation_id IS NULL
						THEN 'no holdout validation of this segment with both models (validate_models): BG/NBD'
					ELSE format('holdout validation %s: mean absolute error BG/NBD %s, Pareto/NBD %s purchase days per customer',
								v.validation_id, round(v.bgnbd_error::numeric, 4), round(v.paretonbd_error::numeric, 4))
					END AS reason
	 ) c
	 -- model ids in a fixed order, not in the order a (partitionwise or
	 -- distributed) aggregate happens to return the segments
	 ORDER BY f.segment_kind <> 'all', f.segment_kind, f.segment_value COLLATE "C";
	-- a WARNING for each stored fit that did not converge, in the models'
	-- order; none for the segments fitted and dropped (_fit_segments)
	FOR fit IN
		SELECT f.* FROM pg_temp.dormancy_fits f
		 ORDER BY f.segment_kind <> 'all', f.segment_kind, f.segment_value COLLATE "C" LOOP
		PERFORM dormancy._warn_not_converged(fit.segment_kind, fit.segment_value, fit.bgnbd_status,
											 fit.gammagamma_status, fit.paretonbd_status,
											 'are stored with converged = false, and customer_status does not use them');
	END LOOP;
	DROP TABLE pg_temp.dormancy_fits;
	UPDATE dormancy.models SET fit_seconds = extract(epoch FROM clock_timestamp() - started);
	-- customer_status looks the models up per customer: fresh statistics
	PERFORM dormancy.analyze_lookup_tables();
	-- the scale of the customers' values (lifetime and now expected), which
	-- the score and the call list rank by
	PERFORM dormancy._store_value_distribution();
	PERFORM dormancy._drop_fit_tables();
	RETURN QUERY SELECT * FROM dormancy.models ORDER BY segment_kind, segment_value;
END
$$;
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;

-- The model that applies to a customer, in C (src/rules_sql.c): the
-- converged fits among the models of the configuration
-- (09_configuration.sql: dormancy._configuration() of the query; an edit or
-- a refit shows in the next query), prepared once per call site.
-- IMMUTABLE: it reads no table.
CREATE FUNCTION dormancy._model_for(industry text, company_size text, configuration dormancy.configuration,
									OUT model_id integer, OUT bgnbd dormancy.bgnbd,
									OUT gammagamma dormancy.gammagamma,
									OUT unit_days double precision, OUT horizon_days double precision,
									OUT model text, OUT paretonbd dormancy.paretonbd,
									OUT gammagamma_x text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_for'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_for(text, text, dormancy.configuration) IS
	'internal: the converged dormancy.models row for a customer (its industry''s or company size''s by label_key, else the overall one), with its time unit, the horizon in days, the model chosen for it (models.model; paretonbd: its Pareto/NBD fit when that is the one) and the x of its Gamma-Gamma fit (models.gammagamma_x); all NULL when none';




