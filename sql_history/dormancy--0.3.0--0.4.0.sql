-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Helpers the later sections use
--

-- The type of a column as SQL text (format_type, with its modifier), such as
-- the type of the customer ids of dormancy.src_orders to cast marks kept as
-- text back to; NULL when there is no such column.
CREATE FUNCTION dormancy._column_type(relation regclass, column_name name)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
	 WHERE a.attrelid = relation AND a.attname = column_name AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION dormancy._column_type(regclass, name) IS
	'internal: the type of a column as SQL text (format_type), NULL when there is none';

-- (0.4.0) the type ids kept as text are cast back to, without a length
-- A type's base type with the type modifier that applies to it, as the
-- server's getBaseTypeAndTypmod finds them: a domain over a domain is
-- followed down to the type under the last domain, whose modifier (the one
-- that domain was declared with: only it may have one) replaces typmod.
-- A type that is no domain is its own base, with typmod.  NULL for no type.
CREATE FUNCTION dormancy._base_type(t regtype, typmod integer DEFAULT -1,
	OUT base regtype, OUT base_typmod integer)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE chain AS (
		SELECT y.oid, y.typtype, y.typbasetype, y.typtypmod, 0 AS depth
		  FROM pg_type y WHERE y.oid = t
		UNION ALL
		SELECT y.oid, y.typtype, y.typbasetype, y.typtypmod, c.depth + 1
		  FROM chain c JOIN pg_type y ON y.oid = c.typbasetype
		 WHERE c.typtype = 'd'
	)
	SELECT (SELECT c.oid FROM chain c ORDER BY c.depth DESC LIMIT 1)::regtype,
		   coalesce((SELECT c.typtypmod FROM chain c WHERE c.typtype = 'd' ORDER BY c.depth DESC LIMIT 1), typmod)
$$;
COMMENT ON FUNCTION dormancy._base_type(regtype, integer) IS
	'internal: the base type of a type (a domain over a domain followed to the end) and the type modifier that applies to it (the last domain''s, else typmod); the type itself when it is no domain; NULL for no type';

CREATE OR REPLACE FUNCTION dormancy._binding_column(relation regclass, role text, col name,
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
	SELECT (dormancy._base_type(a.atttypid)).base
	  INTO type_oid
	  FROM pg_attribute a
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
	-- the name the adapters cast ids kept as text back to: without a length,
	-- so that no id is cut (format_type gives character, which is
	-- character(1): the stored histories of ids 'AB' and 'AC' were read back
	-- as 'A' until 2026-12-07)
	type_name := CASE WHEN type_oid = 'pg_catalog.bpchar'::regtype THEN 'pg_catalog.bpchar'
					  ELSE format_type(type_oid, NULL) END;
END
$$;

-- Why the customer column's ids may have more than one text form for one
-- id (NULL when each id has one): the history store and the marks key the
-- customers by the id as text, while the views group the orders by the id
-- itself.  Two spellings of one id would be one customer to the views and
-- two to the store: 7 and 7.00 in a numeric column without a scale (the
-- next incremental refresh failed on the store's unique key, and kept
-- failing, 2026-12-07), C7 and c7 under a collation that is not
-- deterministic.  Integers, uuid, numeric with a scale, and text, varchar,
-- name or character in a deterministic collation have one form each (and
-- domains over them; character's cast to text, which the keys are made
-- by, drops the trailing blanks that its comparisons ignore).
CREATE FUNCTION dormancy._ambiguous_key(rel regclass, customer name)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE
			 WHEN b.base IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'oid'::regtype, 'uuid'::regtype) THEN NULL
			 WHEN b.base = 'numeric'::regtype AND b.typmod >= 0 THEN NULL
			 WHEN b.base IN ('text'::regtype, 'varchar'::regtype, 'name'::regtype, 'bpchar'::regtype) THEN
				  CASE WHEN coalesce(co.collisdeterministic, true) THEN NULL
					   ELSE format('the customer column %I has collation %s, which is not deterministic: one id can be written in more than one way',
								   customer, co.oid::regcollation) END
			 ELSE format('the customer column %I has type %s, whose ids can be written in more than one way as text',
						 customer, format_type(a.atttypid, a.atttypmod))
		   END
	  FROM pg_attribute a
	  LEFT JOIN pg_collation co ON co.oid = a.attcollation
	 CROSS JOIN LATERAL (SELECT d.base, d.base_typmod AS typmod FROM dormancy._base_type(a.atttypid, a.atttypmod) d) b
	 WHERE a.attrelid = rel AND a.attname = customer AND a.attnum > 0 AND NOT a.attisdropped
$$;
COMMENT ON FUNCTION dormancy._ambiguous_key(regclass, name) IS
	'internal: why the ids of a customer column may have more than one text form for one id, so that the change tracking cannot key them by text (NULL when each has one)';

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
	OUT monetary_value double precision,
	OUT monetary_days integer)
	RETURNS record
	AS 'MODULE_PATHNAME', 'history_facts'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._history_facts(dormancy.purchase_history, date, double precision, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean) IS
	'internal: the columns of history_summary, decline_metrics and btyd_summary (1 day) of a history in one evaluation, for customer_core';


-- Ranking (issue 11)
--
-- priority_rank leaves customer_status (a window over every customer stopped
-- a lookup of one customer from reaching the orders index): call_list and
-- the snapshot written by refresh() rank.  A column cannot be dropped from a
-- view in place, so _update_generated_views() (at the end) drops the
-- generated views and creates them again; views of yours on customer_status
-- would be dropped with it, so the update stops first and names them.
-- A lookup of one customer reads only that customer's rows of each source:
-- customer_core finds the segment's rule per customer (memoized), the
-- contract terms are not materialized, and the duplicate-name check computes
-- each name key once.
DO $$
DECLARE
	status regclass := pg_catalog.to_regclass('dormancy.customer_status');
	dependents text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
					WHERE a.attrelid = status AND a.attname = 'priority_rank' AND NOT a.attisdropped) THEN
		RETURN;
	END IF;
	SELECT pg_catalog.string_agg(DISTINCT coalesce('view ' || r.ev_class::regclass::text,
												   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
	  INTO dependents
	  FROM pg_catalog.pg_depend d
	  LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
	 WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
	   AND d.refobjid = status
	   AND d.deptype = 'n'
	   AND r.ev_class IS DISTINCT FROM status
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
					   WHERE c.oid = r.ev_class AND c.relnamespace = 'dormancy'::regnamespace
						 AND c.relname IN (SELECT g.view_name FROM dormancy._view_definitions() g));
	IF dependents IS NOT NULL THEN
		RAISE EXCEPTION 'cannot update: column priority_rank of dormancy.customer_status goes in 0.4.0, and other objects depend on the view'
			USING ERRCODE = 'dependent_objects_still_exist',
				  DETAIL = format('A column cannot be dropped from a view in place, so the update drops dormancy.customer_status and creates it again, which would drop these: %s.', dependents),
				  HINT = 'Drop them, run ALTER EXTENSION dormancy UPDATE, then create them again. For the rank, use dormancy.call_list.priority_rank, dormancy.status_snapshot.priority_rank, or rank() OVER (ORDER BY priority_score DESC, customer_id) over dormancy.customer_status.';
	END IF;
END
$$;



CREATE OR REPLACE FUNCTION dormancy._snapshot_columns()
	RETURNS TABLE (attnum integer, column_name name, column_type text, constraints text, description text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.attnum * 2, c.column_name, c.column_type, '',
		   coalesce(col_description(to_regclass('dormancy.customer_status'), c.attnum),
					'see dormancy.customer_status.' || c.column_name)
	  FROM dormancy._relation_columns(to_regclass('dormancy.customer_status')) c
	 WHERE c.column_name NOT IN ('customer_key', 'refreshed_at', 'priority_rank')
	UNION ALL
	SELECT coalesce((SELECT c.attnum * 2 + 1
					   FROM dormancy._relation_columns(to_regclass('dormancy.customer_status')) c
					  WHERE c.column_name = 'priority_score'), 10000),
		   'priority_rank'::name, 'bigint', '',
		   '1 = call first: rank among all customers by priority_score, ties by customer id (computed by the refresh; customer_status has no rank)'
	UNION ALL
	VALUES (20001, 'customer_key'::name, 'text', ' NOT NULL',
			'the customer id as text, the same whatever the bound id type: use it in row security policies and to join status_history'),
		   (20002, 'refreshed_at'::name, 'timestamp with time zone', ' NOT NULL',
			'when the refresh that wrote the row ran (one value per snapshot)')
$$;
COMMENT ON FUNCTION dormancy._snapshot_columns() IS
	'internal: the columns dormancy.status_snapshot should have, with their comments';

-- (function moved to a later section)
COMMENT ON FUNCTION dormancy._snapshot_sync(boolean) IS
	'internal: create dormancy.status_snapshot and its views when missing; with reshape, alter it to the columns of customer_status';

-- (function moved to a later section)
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

-- The purchase_history aggregates declare the memory a state really takes
-- (SSPACE: the planner sizes and plans the spill of a hash aggregate by it;
-- measured on the demo data, sql_src/00_base.sql), 1,000 bytes instead of
-- 400.  CREATE OR REPLACE keeps the aggregates, and so every view on them.
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE dormancy.purchase_history_union(dormancy.purchase_history) (
	SFUNC = dormancy.purchase_history_union_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);

-- One aggregate pass (issue 11)
--
-- customer_histories reads src_orders once, GROUP BY customer, with the new
-- categorized_history aggregate (per-category detail in the customer's
-- state) instead of a second GROUP BY over category_histories.

--
-- Aggregate categorized_history(ordered_at, amount, discounted, category, as_of):
-- the customer_histories row of one customer from one pass over its orders.
-- The state keeps the orders per category (core/categorized.c); the final
-- function finishes each category's history, takes its last purchase day on
-- or before as_of, and unions them into the customer's history with the same
-- bits as purchase_history_union over per-category histories.
--

CREATE TYPE dormancy.categorized_history AS (
	history dormancy.purchase_history,
	order_rows bigint,
	categories text[],
	category_last_order_at date[]
);
COMMENT ON TYPE dormancy.categorized_history IS
	'a customer''s history, order rows, categories and last purchase day per category (the result of the categorized_history aggregate)';

-- Not strict, like purchase_history_trans; the timestamptz one is STABLE
-- (dormancy.time_zone).
CREATE FUNCTION dormancy.categorized_history_trans(internal, date, double precision, boolean, text, date)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_trans_date'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_trans(internal, timestamp, double precision, boolean, text, date)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_trans(internal, timestamptz, double precision, boolean, text, date)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'categorized_history_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.categorized_history_final(internal)
	RETURNS dormancy.categorized_history AS 'MODULE_PATHNAME', 'categorized_history_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.categorized_history_trans(internal, date, double precision, boolean, text, date) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.categorized_history_trans(internal, timestamp, double precision, boolean, text, date) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.categorized_history_trans(internal, timestamptz, double precision, boolean, text, date) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.categorized_history_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION dormancy.categorized_history_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION dormancy.categorized_history_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION dormancy.categorized_history_final(internal) IS 'aggregate final function';

CREATE AGGREGATE dormancy.categorized_history(ordered_at date, amount double precision,
	discounted boolean, category text, as_of date) (
	SFUNC = dormancy.categorized_history_trans, STYPE = internal, SSPACE = 1600,
	FINALFUNC = dormancy.categorized_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.categorized_history_combine,
	SERIALFUNC = dormancy.categorized_history_serialize,
	DESERIALFUNC = dormancy.categorized_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.categorized_history(ordered_at timestamp, amount double precision,
	discounted boolean, category text, as_of date) (
	SFUNC = dormancy.categorized_history_trans, STYPE = internal, SSPACE = 1600,
	FINALFUNC = dormancy.categorized_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.categorized_history_combine,
	SERIALFUNC = dormancy.categorized_history_serialize,
	DESERIALFUNC = dormancy.categorized_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.categorized_history(ordered_at timestamptz, amount double precision,
	discounted boolean, category text, as_of date) (
	SFUNC = dormancy.categorized_history_trans, STYPE = internal, SSPACE = 1600,
	FINALFUNC = dormancy.categorized_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.categorized_history_combine,
	SERIALFUNC = dormancy.categorized_history_serialize,
	DESERIALFUNC = dormancy.categorized_history_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.categorized_history(date, double precision, boolean, text, date) IS
	'fold one customer''s orders into its history, categories and last purchase day per category up to as_of, which must be the same on every row of a group (the date is the day)';
COMMENT ON AGGREGATE dormancy.categorized_history(timestamp, double precision, boolean, text, date) IS
	'fold one customer''s orders into its history, categories and last purchase day per category up to as_of, which must be the same on every row of a group (the date part is the day)';
COMMENT ON AGGREGATE dormancy.categorized_history(timestamptz, double precision, boolean, text, date) IS
	'fold one customer''s orders into its history, categories and last purchase day per category up to as_of, which must be the same on every row of a group (the day in dormancy.time_zone)';



-- (function moved to a later section)

-- the snapshot's table comment names priority_rank (the snapshot is not a
-- member of the extension: it follows the bindings)
DO $$
BEGIN
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL THEN
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus priority_rank, customer_key and refreshed_at; read it, do not write it';
	END IF;
END
$$;
-- (end of Ranking (issue 11))

--
-- Reason and approach rules in C (issue 11)
--
-- likely_reason, reason_evidence and approach_channel of customer_status come
-- from two C functions that read dormancy.reason_rules and
-- dormancy.approach_rules once per query, and the model columns from one that
-- reads dormancy.models once per query, in place of a LATERAL subquery per
-- customer (docs/priority.md, "How the rules are applied").

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._likely_reason(lapsing boolean, have text[], OUT reason text, OUT evidence text[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'likely_reason'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._likely_reason(boolean, text[]) IS
	'internal: the reason and evidence of the first dormancy.reason_rules row (by rule_order) whose evidence is contained in have; unknown and {} when none; NULL unless lapsing';

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._approach_channel(lapsing boolean, approach_value double precision,
										   industry text, company_size text, reason text,
										   can_phone boolean, can_mail boolean)
	RETURNS text
	AS 'MODULE_PATHNAME', 'approach_channel'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (by label_key, through dormancy.industries and dormancy.company_sizes when no rule names the label), reason and reachability; NULL unless lapsing or when none matches';

-- (function moved to a later section)

-- the model choice likewise: the models table read once per query
-- The model that applies to a customer, in C (src/rules_sql.c): the
-- converged fits of dormancy.models read once per query, with the caller's
-- privileges and the query's snapshot (an edit or a refit shows in the next
-- query).  STABLE, not IMMUTABLE: it reads a table.
CREATE FUNCTION dormancy._model_for(industry text, company_size text,
									OUT model_id integer, OUT bgnbd dormancy.bgnbd,
									OUT gammagamma dormancy.gammagamma,
									OUT unit_days double precision, OUT horizon_days double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_for'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_for(text, text) IS
	'internal: the converged dormancy.models row for a customer (its industry''s or company size''s by label_key, else the overall one), with its time unit and the horizon in days; all NULL when none';


--
-- Priority score and breakdown, cheap per row (issue 11)
--
-- score_priority() builds its jsonb breakdown in one pass (C only: same
-- result).  customer_status calls its two halves in the select list instead
-- of score_priority() in FROM.
CREATE FUNCTION dormancy._priority_score(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'priority_score_only'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_score(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the score of score_priority() alone (customer_status.priority_score)';

CREATE FUNCTION dormancy._priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'priority_breakdown'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the breakdown of score_priority() alone (customer_status.score_breakdown)';


--
-- Fast fit_models (issue 11)
--
-- fit_models() reads each bound customer's history and its BTYD summary
-- instead of customer_core (one pass over the histories), through the new
-- _fit_segments(), whose RETURN QUERY may run in parallel.
-- The fits of the overall model and one per segment, over the bound data as
-- of dormancy.as_of(), in one pass.
--
-- Reads only what the fits need: each bound customer (src_customers, for
-- its segment) with its history and the history's BTYD summary, the same
-- values as customer_core's frequency, recency_days, age_days and
-- monetary_value (customer_core computes them by the same call, with the
-- same filter), not the rest of customer_core (state, decline metrics,
-- contracts, price changes).  The aggregates count identical summaries once
-- (docs/models.md).  A set-returning function with RETURN QUERY, so that
-- the read may use a parallel plan: a FOR loop over a query or a SELECT INTO
-- in plpgsql never runs in parallel.
CREATE FUNCTION dormancy._fit_segments(settings dormancy.model_settings)
	RETURNS TABLE (segment_kind text, segment_value text,
				   bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
BEGIN
	IF settings.segment_by = 'none' THEN
		-- only the overall model: GROUPING SETS would fit everyone twice (the
		-- segment NULL group, dropped by HAVING)
		RETURN QUERY
		SELECT 'all'::text, NULL::text,
			   dormancy.bgnbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days),
			   dormancy.gammagamma_fit(s.frequency, s.monetary_value)
		  FROM pg_temp.dormancy_fit_summaries s;
		RETURN;
	END IF;
	RETURN QUERY
	SELECT CASE WHEN grouping(s.segment_value) = 0 THEN settings.segment_by ELSE 'all' END,
		   s.segment_value,
		   dormancy.bgnbd_fit(s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy.gammagamma_fit(s.frequency, s.monetary_value)
	  FROM (SELECT CASE settings.segment_by
					   WHEN 'industry' THEN dormancy.label_key(f.industry)
					   WHEN 'company_size' THEN dormancy.label_key(f.company_size) END AS segment_value,
				   f.frequency, f.recency, f.age, f.monetary_value
			  FROM pg_temp.dormancy_fit_summaries f) s
	 GROUP BY GROUPING SETS ((), (s.segment_value))
	HAVING grouping(s.segment_value) = 1
		OR (settings.segment_by <> 'none' AND s.segment_value IS NOT NULL
			AND count(*) >= settings.min_customers);
END
$$;
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD and Gamma-Gamma fits of fit_models(), overall and per segment, from the customers'' summaries kept by _fit_summaries()';

-- Fit the overall model and one per segment (_fit_segments), replace the
-- stored models.
CREATE OR REPLACE FUNCTION dormancy.fit_models()
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
REVOKE ALL ON FUNCTION dormancy._fit_segments(dormancy.model_settings) FROM PUBLIC;

--
-- Refresh that writes little (issue 11)
--
-- The snapshot is written in place: MERGE updates each customer's row where
-- it is (HOT: fillfactor 50 leaves room on each page, no index entry is
-- written), inserts new customers and deletes the rows the run did not stamp;
-- a snapshot with duplicate customer ids is replaced whole as before.
-- refresh_runs.snapshot_written says which.  An existing snapshot keeps its
-- rows; it gets fillfactor 50 (unless you set one), which applies to the
-- pages written from now on, so the first refresh after the update moves
-- the rows to half-filled pages and the next ones update them in place.
ALTER TABLE dormancy.refresh_runs ADD COLUMN snapshot_written text;
COMMENT ON COLUMN dormancy.refresh_runs.snapshot_written IS
	'how the run wrote dormancy.status_snapshot: in place (each row updated where it is, new customers inserted, gone ones deleted) or replaced (every row deleted and inserted again: an empty snapshot, or duplicate customer ids)';

DO $$
BEGIN
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c, unnest(c.reloptions) o
					    WHERE c.oid = to_regclass('dormancy.status_snapshot') AND o LIKE 'fillfactor=%') THEN
		ALTER TABLE dormancy.status_snapshot SET (fillfactor = 50);
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION dormancy._snapshot_sync(reshape boolean)
	RETURNS boolean
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
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
	-- on Citus: the customers' distributed table the snapshot goes with
	colocate_with regclass := dormancy._snapshot_colocation();
	dependents text;
	compress_actions text;
	blocker text;
BEGIN
	PERFORM dormancy._require_bound('refresh the snapshot');

	-- A distributed snapshot that no longer goes with the customers (bound
	-- to another table, or no longer distributed by their id) is dropped and
	-- made again below: Citus cannot change the type of a distribution
	-- column, nor move rows to another co-location in place.  The states it
	-- held are in status_history, where the next refresh finds them (as
	-- after emptying the snapshot by hand).
	IF snap IS NOT NULL AND dormancy._citus_table_kind(snap) = 'distributed'
	   AND NOT dormancy._citus_colocated(snap, colocate_with) THEN
		FOR v IN SELECT d.view_name FROM dormancy._snapshot_view_definitions() WITH ORDINALITY d(view_name, definition, n)
				  ORDER BY d.n DESC LOOP
			EXECUTE format('DROP VIEW IF EXISTS dormancy.%I', v.view_name);
		END LOOP;
		BEGIN
			PERFORM dormancy._snapshot_ddl('DROP TABLE IF EXISTS dormancy.status_snapshot_ranks');
			PERFORM dormancy._snapshot_ddl('DROP TABLE dormancy.status_snapshot');
		EXCEPTION WHEN dependent_objects_still_exist THEN
			GET STACKED DIAGNOSTICS dependents = PG_EXCEPTION_DETAIL;
			RAISE EXCEPTION 'cannot move dormancy.status_snapshot: other objects depend on it'
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('The snapshot is distributed with the customers, which are no longer its co-location (%s), so it must be made again. What depends on it: %s.',
									  coalesce(colocate_with::text, 'they are not a distributed table by their id'),
									  replace(dependents, E'\n', '; ')),
					  HINT = 'Drop your views or rules that use dormancy.status_snapshot, refresh, then create them again (or build them on the views over the snapshot).';
		END;
		snap := NULL;
		views_missing := true;
	END IF;

	IF snap IS NULL THEN
		-- fillfactor 50: room on each page for the next refresh's version of
		-- its rows, so that updating them in place writes no index entry
		EXECUTE format('CREATE TABLE dormancy.status_snapshot (%s) WITH (fillfactor = 50)',
					   (SELECT string_agg(format('%I %s%s', c.column_name, c.column_type, c.constraints), ', ' ORDER BY c.attnum)
						  FROM dormancy._snapshot_columns() c));
		snap := 'dormancy.status_snapshot'::regclass;
		PERFORM dormancy._unclaim('TABLE', snap);
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus priority_rank, customer_key and refreshed_at; read it, do not write it';
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			GRANT SELECT ON dormancy.status_snapshot TO dormancy_reader;
		END IF;
		changed := true;
	ELSIF reshape OR views_missing
		  -- (a plain snapshot about to be distributed with the customers,
		  -- below: reshaped first, whatever the caller, since Citus can
		  -- change neither the type of a distribution column nor the
		  -- co-location of a table whose id type differs from the
		  -- customers'.  Its rows then go when more than columns are added,
		  -- as in any reshape: their states are in status_history)
		  OR (colocate_with IS NOT NULL AND dormancy._citus_table_kind(snap) IS NULL) THEN
		-- (views missing over a snapshot left from before: they may need its new columns)
		actions := dormancy._snapshot_reshape_actions();
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
				PERFORM dormancy._snapshot_ddl(format('DROP POLICY %I ON dormancy.status_snapshot', pol.polname));
			END LOOP;

			-- rows of the old shape go (their states are in status_history);
			-- columns only added keep them, the new columns NULL until the next refresh
			IF EXISTS (SELECT 1 FROM unnest(actions) a WHERE a NOT LIKE 'ADD COLUMN %') THEN
				DELETE FROM dormancy.status_snapshot;
			END IF;
			BEGIN
				PERFORM dormancy._snapshot_ddl('ALTER TABLE dormancy.status_snapshot ' || array_to_string(actions, ', '));
			EXCEPTION WHEN feature_not_supported OR dependent_objects_still_exist THEN
				-- PostgreSQL's detail names the view in the way ("rule _RETURN
				-- on view pg_temp_3.mine depends on column ..."): kept, since
				-- it may be another session's temporary view
				GET STACKED DIAGNOSTICS blocker = PG_EXCEPTION_DETAIL;
				RAISE EXCEPTION 'cannot reshape dormancy.status_snapshot: %', SQLERRM
					USING ERRCODE = 'dependent_objects_still_exist',
						  DETAIL = format('customer_status changed its columns, so the snapshot must change too: %s.%s',
										  array_to_string(actions, ', '),
										  CASE WHEN blocker <> '' THEN ' In the way: ' || blocker ELSE '' END),
						  HINT = 'Drop the views or rules that use dormancy.status_snapshot (a temporary view, in a schema pg_temp_N, goes when the session that made it ends), refresh, then create them again (or build them on the views over the snapshot, whose columns do not change).';
			END;
			FOR i IN 1 .. cardinality(policies) LOOP
				BEGIN
					PERFORM dormancy._snapshot_ddl(policies[i]);
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
		PERFORM dormancy._snapshot_ddl(format('CREATE INDEX %I ON dormancy.status_snapshot (%s)', idx.index_name,
											  (SELECT string_agg(quote_ident(c), ', ') FROM unnest(idx.cols) c)));
	END LOOP;

	-- the snapshot's columns say what customer_status's say (only those that differ)
	FOR v IN
		SELECT s.column_name, w.description
		  FROM dormancy._relation_columns(snap) s
		  JOIN dormancy._snapshot_columns() w ON w.column_name = s.column_name
		 WHERE col_description(snap, s.attnum) IS DISTINCT FROM w.description LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.status_snapshot.%I IS %L', v.column_name, v.description);
	END LOOP;

	-- lz4 for the values PostgreSQL compresses in the snapshot: those of a
	-- row over about 2 kB, nearly always its score_breakdown.  Every refresh
	-- writes every row again, and pglz's compression took 6.7% of a
	-- refresh's time at 1,000,000 customers (docs/operations.md, What a
	-- refresh writes).  Only on a local snapshot (a distributed one keeps
	-- what its shards were made with), on a server built with lz4, for the
	-- owner (a role that only refreshes cannot alter it), and only for the
	-- columns without a method of their own: yours stays.  New columns
	-- (a reshape) get it at their first refresh.  A jsonb column with lz4
	-- (score_breakdown) is also written compressed in its row by the
	-- refresh (_lz4_in_line, _refresh_work), whatever the row's size.
	IF dormancy._citus_table_kind(snap) IS NULL
	   AND EXISTS (SELECT 1 FROM pg_settings s WHERE s.name = 'default_toast_compression' AND 'lz4' = ANY (s.enumvals))
	   AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = snap AND pg_has_role(c.relowner, 'USAGE')) THEN
		SELECT string_agg(format('ALTER COLUMN %I SET COMPRESSION lz4', a.attname), ', ' ORDER BY a.attnum)
		  INTO compress_actions
		  FROM pg_attribute a
		 WHERE a.attrelid = snap AND a.attnum > 0 AND NOT a.attisdropped
		   AND a.attstorage IN ('x', 'm') AND a.attcompression = '';
		IF compress_actions IS NOT NULL THEN
			EXECUTE 'ALTER TABLE dormancy.status_snapshot ' || compress_actions;
		END IF;
	END IF;

	-- on Citus, a plain snapshot whose customers are distributed by their id
	-- (made above, or before they were distributed and bound again):
	-- distributed with them, its rows, grants, indexes and policies copied
	-- into the shards
	IF colocate_with IS NOT NULL AND dormancy._citus_table_kind(snap) IS NULL THEN
		EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''customer_id'', colocate_with => $2)'
		  USING snap, colocate_with::text;
		EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table($1)' USING snap;
		changed := true;
	END IF;
	-- beside a distributed snapshot, the table through which a refresh
	-- sends each customer's rank to that customer's worker alone (a join
	-- with the ranks as an intermediate result would send all of them to
	-- every worker)
	IF dormancy._citus_table_kind(snap) = 'distributed' AND to_regclass('dormancy.status_snapshot_ranks') IS NULL THEN
		EXECUTE format('CREATE TABLE dormancy.status_snapshot_ranks (customer_id %s, value_tier pg_catalog.text, '
					   'priority_score double precision, priority_rank pg_catalog.int8)',
					   (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
						 WHERE a.attrelid = snap AND a.attname = 'customer_id'));
		PERFORM dormancy._unclaim('TABLE', 'dormancy.status_snapshot_ranks'::regclass);
		COMMENT ON TABLE dormancy.status_snapshot_ranks IS
			'internal, on Citus: the ranks of a refresh on their way to the distributed snapshot (empty between refreshes)';
		EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''customer_id'', colocate_with => $2)'
		  USING 'dormancy.status_snapshot_ranks'::regclass, 'dormancy.status_snapshot';
	END IF;
	RETURN changed;
END
$$;

-- (function moved to a later section)

--
-- Plan estimates (issue 11)
--
-- The stored histories' branch of the views is estimated at one row, not the
-- default 1,000 (see sql_src/62_incremental.sql); the function is otherwise
-- unchanged.
ALTER FUNCTION dormancy._stored_histories() ROWS 1;

-- The duplicate-name check of data_gaps computes the customer's name key once
-- (OFFSET 0 in its LATERAL), not three times (see sql_src/57_data_gaps.sql).

--
-- Static views (issue 11)
--
-- The views above the adapters are no longer assembled from text returned
-- by plug-in functions: each has one literal definition in _create_views()
-- (sql_src/70_views.sql).  Binding writes only the adapters src_*
-- (_adapter_definitions, sql_src/22_adapters.sql), and what the views need
-- to know about the bindings is the one row of the new adapter src_bindings.
-- src_orders gains a column, amount_out_of_range (data_issues reads it), and
-- the stored histories come through src_stored_histories.  The plug-in
-- functions go; _update_generated_views() (at the end) creates the new views.
-- bind_customers and bind_orders take only id types with a btree order
-- (ties of the rank are broken by the id).
DROP FUNCTION dormancy._view_hooks(text);
DROP FUNCTION dormancy._view_definitions();
DROP FUNCTION dormancy._comment_views();
DROP FUNCTION dormancy._build_views();
DROP FUNCTION dormancy._model_from_item();
DROP FUNCTION dormancy._status_parts_40_models(jsonb);
DROP FUNCTION dormancy._data_issues_40_models(jsonb);
DROP FUNCTION dormancy._comment_views_40_models();
DROP FUNCTION dormancy._views_50_sources(jsonb);
DROP FUNCTION dormancy._status_parts_50_contracts(jsonb);
DROP FUNCTION dormancy._status_parts_51_engagement(jsonb);
DROP FUNCTION dormancy._status_parts_52_deals(jsonb);
DROP FUNCTION dormancy._comment_views_50_sources();
DROP FUNCTION dormancy._status_parts_55_priority(jsonb);
DROP FUNCTION dormancy._status_views_55_call_list(jsonb);
DROP FUNCTION dormancy._comment_views_55_priority();
DROP FUNCTION dormancy._views_57_contacts(jsonb);
DROP FUNCTION dormancy._status_parts_53_contacts(jsonb);
DROP FUNCTION dormancy._status_parts_70_data_gaps(jsonb);
DROP FUNCTION dormancy._comment_views_57_data_gaps();
DROP FUNCTION dormancy._status_views_58_names(jsonb);
DROP FUNCTION dormancy._comment_views_58_names();

CREATE OR REPLACE FUNCTION dormancy._generated_views()
	RETURNS TABLE (view_name text, adapter boolean)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.view_name, g.view_name LIKE 'src\_%'
	  FROM unnest(ARRAY[
			'src_bindings', 'src_orders', 'src_history_rows', 'src_customers', 'src_stored_histories',
			'src_contracts', 'src_events', 'src_deals', 'src_contacts', 'src_name_keys', 'src_outreach',
			'category_histories_live', 'category_histories', 'customer_histories_live', 'customer_histories_stored', 'customer_histories',
			'contract_signals', 'customer_engagement', 'customer_deals', 'customer_contacts', 'customer_outreach',
			'source_issues', 'customer_column_indexes',
			'customer_core', 'data_issues', 'customer_status',
			'declining_customers', 'category_trend', 'call_list', 'duplicate_customers',
			'company_customers', 'unmatched_labels', 'model_parameters', 'forecast_intervals', 'latest_validation', 'latest_validation_tracking',
			'campaign_list', 'campaign_outcomes', 'campaign_effect', 'campaign_score_calibration',
			'measured_approaches', 'campaign_transitions'
		   ]) WITH ORDINALITY AS g(view_name, n)
	 ORDER BY g.n
$$;
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

CREATE OR REPLACE FUNCTION dormancy._copy_column_comments(from_rel regclass, to_rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT a.attname, col_description(from_rel, f.attnum) AS description
		  FROM pg_attribute a
		  JOIN pg_attribute f ON f.attrelid = from_rel AND f.attname = a.attname
		 WHERE a.attrelid = to_rel AND a.attnum > 0 AND NOT a.attisdropped
	LOOP
		EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', to_rel, c.attname, c.description);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._copy_column_comments(regclass, regclass) IS
	'internal: copy the column comments of one relation to the same-named columns of another';

CREATE OR REPLACE FUNCTION dormancy._adapter_definitions()
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

CREATE OR REPLACE FUNCTION dormancy._comment_adapters()
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

CREATE OR REPLACE FUNCTION dormancy._build_views(everything boolean DEFAULT false)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
	view_name text;
	dependents text;
	-- on Citus: the views stay on this node, unpropagated (the coordinator
	-- plans every query on them; the workers get queries on shards)
	ddl_propagation text := current_setting('citus.enable_ddl_propagation', true);
BEGIN
	-- a bind (rebind, unbind, update) waits for a refresh that runs: the
	-- refresh lock first, as a refresh takes it (the views and the store's
	-- state in the other order made them deadlock); a refresh that starts
	-- meanwhile waits a few seconds for it, then skips, logged
	LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE;
	IF ddl_propagation IS NOT NULL THEN
		PERFORM set_config('citus.enable_ddl_propagation', 'off', true);
	END IF;
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) stays
	-- bound, broken (below), until bound again or unbound: unbound, the
	-- views would show every customer without orders (or the customers of
	-- the orders alone), and a refresh would write that to the history.
	-- The event trigger dormancy_bindings_drop recorded the drop (relation
	-- NULL); a drop it did not see (disabled) is recorded here.  A relation
	-- of the dropped one's name is never bound in its place: any role that
	-- may create in that schema could have put it there.
	UPDATE dormancy.bindings b SET relation = NULL
	 WHERE b.relation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation);
	-- the names of the bound relations, for the repair hint once one is dropped
	UPDATE dormancy.bindings b SET relation_name = format('%I.%I', n.nspname, c.relname)
	  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE c.oid = b.relation AND b.relation_name IS DISTINCT FROM format('%I.%I', n.nspname, c.relname);
	-- a binding that lost a column or its relation is kept; the views are
	-- built without it
	FOR v IN SELECT * FROM dormancy._binding_problems() LOOP
		RAISE WARNING '%', v.message
			USING DETAIL = CASE WHEN v.source IN ('customers', 'orders')
								THEN format('The views are built without it: reading dormancy.src_%s and the views on it, customer_status among them, raises this error, and refresh() fails, until the %s are bound again.',
											v.source, v.source)
								WHEN v.source = 'outreach'
								THEN 'The views are built as if the outreach were not bound (dormancy.src_outreach reads dormancy.outreach_log), and refresh() fails, until it is bound again.'
								ELSE format('The views are built as if the %s were not bound (dormancy.src_%s is empty), and refresh() fails, until they are bound again.',
											v.source, v.source) END,
				  HINT = v.hint;
	END LOOP;

	SELECT array_agg(g.view_name ORDER BY g.n) INTO views
	  FROM dormancy._generated_views() WITH ORDINALITY AS g(view_name, adapter, n);
	-- the row security policies of the name keys, the outreach log, the
	-- campaign members and the status history read src_customers
	PERFORM dormancy._before_build_63_name_keys();
	PERFORM dormancy._customer_key_policies(false);

	-- first in place, which keeps views that users built on ours
	BEGIN
		FOR v IN SELECT * FROM dormancy._adapter_definitions() LOOP
			EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
						   v.view_name, v.definition);
		END LOOP;
		IF everything OR EXISTS (SELECT 1 FROM dormancy._generated_views() g
								  WHERE to_regclass('dormancy.' || quote_ident(g.view_name)) IS NULL) THEN
			PERFORM dormancy._create_views();
		END IF;
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
			FOR v IN SELECT * FROM dormancy._adapter_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
			PERFORM dormancy._create_views();
	END;

	-- not members of the extension (see _is_member)
	FOREACH view_name IN ARRAY views LOOP
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(view_name))::regclass);
	END LOOP;
	PERFORM dormancy._comment_adapters();
	-- what follows each build, in this order: the snapshot and its views, the
	-- change tracking of the orders, the name keys of the customers, the
	-- policies of the outreach log, the campaign members and the status
	-- history, the analysts' grants
	PERFORM dormancy._after_build_60_refresh();
	PERFORM dormancy._after_build_62_incremental();
	PERFORM dormancy._after_build_63_name_keys();
	PERFORM dormancy._customer_key_policies(true);
	PERFORM dormancy._after_build_97_privileges();
	IF ddl_propagation IS NOT NULL THEN
		PERFORM set_config('citus.enable_ddl_propagation', ddl_propagation, true);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._build_views(boolean) IS
	'internal: create or replace the adapter views from dormancy.bindings, and the live views when missing (or with everything)';

-- (_create_views(): in a later section, One C evaluation per customer)

CREATE OR REPLACE FUNCTION dormancy._check_id_column(relation regclass, role text, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type oid := (dormancy._binding_column(relation, role, col)).type_oid;
BEGIN
	-- (a built-in order: the views compare ids with the operators they see
	-- under their pinned search path, so an extension's type, such as
	-- citext, would be compared as text, case-sensitively, without a word)
	IF NOT EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
					WHERE am.amname = 'btree' AND o.opcdefault AND o.opcnamespace = 'pg_catalog'::regnamespace
					  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		PERFORM dormancy._binding_type_error(relation, role, col, format_type(id_type, NULL),
											 'a built-in type with equality, such as integer, bigint, text or uuid (for citext or another extension''s type, a view casting it, such as lower(id)::text)');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_id_column(regclass, text, name) IS
	'internal: check that a customer id column has a built-in type with equality and a btree order';

CREATE OR REPLACE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'id', id);
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

CREATE OR REPLACE FUNCTION dormancy.bind_orders(relation regclass, customer name, ordered_at name, amount name,
	category name DEFAULT NULL, discounted name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'customer', customer);
	PERFORM dormancy._check_day_column(relation, 'ordered_at', ordered_at);
	PERFORM dormancy._check_number_column(relation, 'amount', amount);
	IF category IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'category', category);
	END IF;
	IF discounted IS NOT NULL THEN
		PERFORM dormancy._check_bool_column(relation, 'discounted', discounted);
	END IF;
	PERFORM dormancy._bind('orders', relation,
						   jsonb_build_object('customer', customer, 'ordered_at', ordered_at,
											  'amount', amount, 'category', category,
											  'discounted', discounted));
END
$$;
COMMENT ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name) IS
	'bind the orders relation: customer, order time and amount columns, optional category and discounted flag';

CREATE OR REPLACE FUNCTION dormancy._update_generated_views()
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
		  FROM (SELECT g.view_name FROM dormancy._generated_views() g
				UNION
				SELECT d.view_name FROM dormancy._snapshot_view_definitions() d) g
		  JOIN pg_class c ON c.relname = g.view_name AND c.relnamespace = 'dormancy'::regnamespace
		 WHERE c.relkind = 'v' AND NOT dormancy._is_member(c.oid::regclass)
	LOOP
		EXECUTE format('ALTER EXTENSION dormancy ADD VIEW %s', v.view);
	END LOOP;
	PERFORM dormancy._build_views(true);
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

CREATE OR REPLACE FUNCTION dormancy._after_build_97_privileges()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v regclass;
BEGIN
	FOR v IN
		SELECT c.oid::regclass
		  FROM pg_class c
		 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
		   AND c.relname IN (SELECT g.view_name FROM dormancy._generated_views() g)
	LOOP
		EXECUTE format('GRANT SELECT ON %s TO dormancy_analyst', v);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_97_privileges() IS
	'internal: after a build, let dormancy_analyst read the generated live views';
REVOKE ALL ON FUNCTION dormancy._build_views(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._copy_column_comments(regclass, regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._comment_adapters() FROM PUBLIC;

--
-- One defaults mechanism for every editable table (issue 11)
--
-- dormancy.rules moves onto the mechanism of the other editable tables
-- (sql_src/15_defaults.sql), which learns compound keys: rules are keyed by
-- (industry, company_size).  Its own copy of the idea goes: the rows of the
-- table default_rules move to installed_defaults, the notes of
-- removed_default_rules to removed_defaults; default_rules becomes a
-- materialized view over installed_defaults, removed_default_rules the
-- (empty, not dumped) table where a dump of 0.3.0 puts its notes, which go on
-- to removed_defaults.  The column use_contract_end of rules is unchanged
-- (now declared in sql_src/10_rules.sql).

-- the triggers and functions of the old copy
DROP TRIGGER rules_before_write ON dormancy.rules;
DROP TRIGGER rules_after_delete ON dormancy.rules;
DROP TRIGGER removed_default_after_insert ON dormancy.removed_default_rules;
DROP FUNCTION dormancy._rules_before_write();
DROP FUNCTION dormancy._rules_after_delete();
DROP FUNCTION dormancy._removed_default_after_insert();

-- a table's key may be several columns
ALTER TABLE dormancy.installed_defaults ALTER COLUMN key_column TYPE name[] USING ARRAY[key_column];
ALTER TABLE dormancy.installed_defaults RENAME COLUMN key_column TO key_columns;
COMMENT ON COLUMN dormancy.installed_defaults.key IS
	'the row''s key: label_key of its key column; of several key columns, a JSON array of them so (NULL as null)';
COMMENT ON COLUMN dormancy.installed_defaults.key_columns IS 'the key columns of the table, in key order';
COMMENT ON COLUMN dormancy.removed_defaults.key IS 'key of the removed default, as in installed_defaults.key';

-- The key of a row (given as jsonb) of a table with these key columns: one
-- column's value lower-cased and trimmed, or a JSON array of several so.
-- (The triggers pass TG_ARGV, whose first element is at 0.)
CREATE FUNCTION dormancy._default_row_key(row_data jsonb, key_columns name[])
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN cardinality(key_columns) = 1
				THEN dormancy._default_key(row_data ->> key_columns[array_lower(key_columns, 1)])
				ELSE (SELECT jsonb_agg(to_jsonb(dormancy._default_key(row_data ->> c)) ORDER BY o)
						FROM unnest(key_columns) WITH ORDINALITY AS k(c, o))::text
		   END;
COMMENT ON FUNCTION dormancy._default_row_key(jsonb, name[]) IS
	'internal: the key of an editable row: label_key of its key column, or a JSON array of several so';

-- The primary key of a row (given as jsonb) of an editable table, as a jsonb
-- object (to find a row by it); NULL for a table without one.
CREATE FUNCTION dormancy._default_identity(tbl regclass, row_data jsonb)
	RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT jsonb_object_agg(a.attname, row_data -> a.attname)
			  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			 WHERE i.indrelid = tbl AND i.indisprimary);
COMMENT ON FUNCTION dormancy._default_identity(regclass, jsonb) IS
	'internal: the primary key of an editable row as a jsonb object (NULL without a primary key)';

CREATE OR REPLACE FUNCTION dormancy._defaults_before_write() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[] := TG_ARGV::name[];
	new_key text := dormancy._default_row_key(to_jsonb(NEW), key_columns);
	old_key text;
	same_id jsonb;
BEGIN
	NEW.installed := false;
	IF TG_OP = 'UPDATE' THEN
		old_key := dormancy._default_row_key(to_jsonb(OLD), key_columns);
	ELSE
		same_id := dormancy._default_identity(TG_RELID, to_jsonb(NEW));
	END IF;
	IF TG_OP = 'INSERT' OR old_key IS DISTINCT FROM new_key THEN
		EXECUTE format('DELETE FROM %I.%I t WHERE t.installed '
					   'AND (dormancy._default_row_key(to_jsonb(t), $2) = $1 OR to_jsonb(t) @> $3)',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME)
			USING new_key, key_columns, same_id;
		DELETE FROM dormancy.removed_defaults r WHERE r.table_name = TG_TABLE_NAME AND r.key = new_key;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_before_write() IS
	'internal: a written row is the user''s and replaces an unedited default with the same key';

CREATE OR REPLACE FUNCTION dormancy._defaults_after_change() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[] := TG_ARGV::name[];
	old_key text := dormancy._default_row_key(to_jsonb(OLD), key_columns);
BEGIN
	IF pg_trigger_depth() = 1
	   AND (TG_OP = 'DELETE' OR old_key IS DISTINCT FROM dormancy._default_row_key(to_jsonb(NEW), key_columns)) THEN
		INSERT INTO dormancy.removed_defaults (table_name, key)
		SELECT TG_TABLE_NAME, old_key
		 WHERE EXISTS (SELECT 1 FROM dormancy.installed_defaults d
						WHERE d.table_name = TG_TABLE_NAME AND d.key = old_key)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_after_change() IS
	'internal: remember a deleted or re-keyed default, so a restore does not bring it back';

CREATE OR REPLACE FUNCTION dormancy._removed_defaults_after_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key_columns name[];
BEGIN
	SELECT d.key_columns INTO key_columns FROM dormancy.installed_defaults d
	 WHERE d.table_name = NEW.table_name LIMIT 1;
	IF key_columns IS NOT NULL THEN
		EXECUTE format('DELETE FROM dormancy.%I t WHERE t.installed AND dormancy._default_row_key(to_jsonb(t), $2) = $1',
					   NEW.table_name)
			USING NEW.key, key_columns;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._removed_defaults_after_insert() IS
	'internal: a restored note of a removed default removes the reinstalled default';

-- AFTER TRUNCATE: every default of the table is gone (TRUNCATE fires no row
-- trigger: without these notes a restore brought them all back).
CREATE FUNCTION dormancy._defaults_after_truncate() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.removed_defaults (table_name, key)
	SELECT TG_TABLE_NAME, d.key FROM dormancy.installed_defaults d WHERE d.table_name = TG_TABLE_NAME
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._defaults_after_truncate() IS
	'internal: remember that a TRUNCATE removed every default of an editable table, so a restore does not bring them back';

CREATE FUNCTION dormancy._install_defaults(tbl regclass, key_columns name[])
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	table_name name := (SELECT c.relname FROM pg_class c WHERE c.oid = tbl);
	arguments text := (SELECT string_agg(quote_literal(k.c), ', ' ORDER BY k.o)
						 FROM unnest(key_columns) WITH ORDINALITY AS k(c, o));
BEGIN
	EXECUTE format('UPDATE %s SET installed = true', tbl);
	EXECUTE format('INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data) '
				   'SELECT %L, dormancy._default_row_key(to_jsonb(t), $1), $1, to_jsonb(t) FROM %s t',
				   table_name, tbl)
		USING key_columns;
	EXECUTE format('CREATE TRIGGER defaults_before_write BEFORE INSERT OR UPDATE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_before_write(%s)', tbl, arguments);
	EXECUTE format('CREATE TRIGGER defaults_after_change AFTER UPDATE OR DELETE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_after_change(%s)', tbl, arguments);
	EXECUTE format('CREATE TRIGGER defaults_after_truncate AFTER TRUNCATE ON %s '
				   'FOR EACH STATEMENT EXECUTE FUNCTION dormancy._defaults_after_truncate()', tbl);
	PERFORM pg_catalog.pg_extension_config_dump(tbl, 'WHERE NOT installed');
END
$$;
COMMENT ON FUNCTION dormancy._install_defaults(regclass, name[]) IS
	'internal: make the rows of an editable table its installed defaults, keyed by these columns (install script)';

CREATE OR REPLACE FUNCTION dormancy._install_defaults(tbl regclass, key_column name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._install_defaults(tbl, ARRAY[key_column]);
END
$$;
COMMENT ON FUNCTION dormancy._install_defaults(regclass, name) IS
	'internal: make the rows of an editable table its installed defaults (install script)';

CREATE OR REPLACE FUNCTION dormancy.reset_defaults(tbl regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tname name := (SELECT c.relname FROM pg_class c
						 WHERE c.oid = tbl AND c.relnamespace = 'dormancy'::regnamespace);
	key_columns name[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM dormancy.installed_defaults d WHERE d.table_name = tname) THEN
		RAISE EXCEPTION '% has no installed defaults', tbl
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The tables with defaults are listed in dormancy.installed_defaults.';
	END IF;
	SELECT d.key_columns INTO key_columns FROM dormancy.installed_defaults d
	 WHERE d.table_name = tname LIMIT 1;
	-- the rows with a default's key give way to the defaults, and so do those
	-- with a default's primary key (a default moved to another key: rules
	-- keep their rule_id); two statements, each a hash join
	EXECUTE format('DELETE FROM %s t USING dormancy.installed_defaults d '
				   'WHERE d.table_name = %L AND d.key = dormancy._default_row_key(to_jsonb(t), $1)',
				   tbl, tname)
		USING key_columns;
	EXECUTE format('DELETE FROM %s t USING dormancy.installed_defaults d '
				   'WHERE d.table_name = %L '
				   'AND dormancy._default_identity(%L, to_jsonb(t)) = dormancy._default_identity(%L, d.row_data)',
				   tbl, tname, tbl, tbl);
	DELETE FROM dormancy.removed_defaults r WHERE r.table_name = tname;
	EXECUTE format('ALTER TABLE %s DISABLE TRIGGER defaults_before_write', tbl);
	EXECUTE format('INSERT INTO %s SELECT r.* FROM dormancy.installed_defaults d, '
				   'jsonb_populate_record(NULL::%s, d.row_data) r WHERE d.table_name = %L',
				   tbl, tbl, tname);
	EXECUTE format('ALTER TABLE %s ENABLE TRIGGER defaults_before_write', tbl);
END
$$;
COMMENT ON FUNCTION dormancy.reset_defaults(regclass) IS
	'restore the installed default rows of an editable table (rules, industries, company_sizes, event_kinds, deal_outcomes, deal_reasons, price_change_kinds, reason_rules, message_themes, approach_rules, legal_forms), replacing the rows with their keys, keeping the user''s other rows';

CREATE OR REPLACE FUNCTION dormancy.reset_rules()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy.reset_defaults('dormancy.rules');
END
$$;
COMMENT ON FUNCTION dormancy.reset_rules() IS 'restore the installed default rules, keeping rules for other segments (reset_defaults(''dormancy.rules''))';

CREATE OR REPLACE FUNCTION dormancy._lookup_tables()
	RETURNS SETOF regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t::regclass
	  FROM unnest(ARRAY['dormancy.rules', 'dormancy.bindings', 'dormancy.decline_settings', 'dormancy.price_changes',
						'dormancy.model_settings', 'dormancy.models',
						'dormancy.installed_defaults', 'dormancy.removed_defaults',
						'dormancy.source_settings', 'dormancy.event_kinds', 'dormancy.deal_outcomes',
						'dormancy.deal_reasons', 'dormancy.score_weights', 'dormancy.reason_rules',
						'dormancy.message_themes', 'dormancy.approach_rules', 'dormancy.legal_forms',
						'dormancy.history_store_state', 'dormancy.industries', 'dormancy.company_sizes',
						'dormancy.price_change_kinds']) AS t
$$;

-- the default rules and the notes of deleted ones, from the old tables
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'rules', dormancy._default_row_key(to_jsonb(d), k), k, to_jsonb(d)
  FROM dormancy.default_rules d, CAST(ARRAY['industry', 'company_size'] AS name[]) k;
INSERT INTO dormancy.removed_defaults (table_name, key, removed_at)
SELECT 'rules',
	   dormancy._default_row_key(jsonb_build_object('industry', nullif(r.industry_key, ''),
													'company_size', nullif(r.size_key, '')),
								 ARRAY['industry', 'company_size']::name[]),
	   r.removed_at
  FROM dormancy.removed_default_rules r
ON CONFLICT DO NOTHING;
DELETE FROM dormancy.removed_default_rules;

-- rules: the common triggers (as _install_defaults makes them); the rows
-- keep their flag "installed", and pg_dump its condition
CREATE TRIGGER defaults_before_write BEFORE INSERT OR UPDATE ON dormancy.rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_before_write('industry', 'company_size');
CREATE TRIGGER defaults_after_change AFTER UPDATE OR DELETE ON dormancy.rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._defaults_after_change('industry', 'company_size');

-- default_rules: a materialized view over installed_defaults
DROP TABLE dormancy.default_rules;
CREATE MATERIALIZED VIEW dormancy.default_rules AS
SELECT r.*
  FROM dormancy.installed_defaults d, jsonb_populate_record(NULL::dormancy.rules, d.row_data) r
 WHERE d.table_name = 'rules';
COMMENT ON MATERIALIZED VIEW dormancy.default_rules IS
	'the rules the extension installs (read-only reference; edit dormancy.rules; the rows of installed_defaults for rules)';
COMMENT ON COLUMN dormancy.default_rules.rule_id IS 'rule_id of the installed copy';
COMMENT ON COLUMN dormancy.default_rules.industry IS 'industry, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.company_size IS 'company size, NULL for any';
COMMENT ON COLUMN dormancy.default_rules.at_risk_after IS 'default at-risk threshold';
COMMENT ON COLUMN dormancy.default_rules.dormant_after IS 'default dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.long_dormant_after IS 'default long-dormant threshold';
COMMENT ON COLUMN dormancy.default_rules.min_order_amount IS 'default minimum order amount';
COMMENT ON COLUMN dormancy.default_rules.note IS 'where the thresholds come from';
COMMENT ON COLUMN dormancy.default_rules.installed IS 'always true';
COMMENT ON COLUMN dormancy.default_rules.use_contract_end IS 'default of use_contract_end';

-- removed_default_rules: no longer dumped (ALTER EXTENSION DROP takes it out
-- of the dumped tables), no longer a lookup table; where the notes of a dump
-- of 0.3.0 land
ALTER EXTENSION dormancy DROP TABLE dormancy.removed_default_rules;
ALTER EXTENSION dormancy ADD TABLE dormancy.removed_default_rules;
ALTER TABLE dormancy.removed_default_rules RESET (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor);
COMMENT ON TABLE dormancy.removed_default_rules IS
	'where a dump of 0.3.0 restores its deleted default rules: each row goes on to removed_defaults (always empty)';

CREATE FUNCTION dormancy._removed_default_rules_insert() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO dormancy.removed_defaults (table_name, key, removed_at)
	VALUES ('rules',
			dormancy._default_row_key(jsonb_build_object('industry', nullif(NEW.industry_key, ''),
														 'company_size', nullif(NEW.size_key, '')),
									  ARRAY['industry', 'company_size']::name[]),
			NEW.removed_at)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._removed_default_rules_insert() IS
	'internal: a deleted default rule restored from a dump of 0.3.0 goes on to removed_defaults';
CREATE TRIGGER removed_default_rules_insert BEFORE INSERT ON dormancy.removed_default_rules
	FOR EACH ROW EXECUTE FUNCTION dormancy._removed_default_rules_insert();


--
-- Numeric amounts without printing and parsing them (issue 11)
--
-- The adapters convert a bound numeric amount with _numeric_amount()
-- (the same bits as the CASE and numeric::float8 they used); the
-- views take it when _update_generated_views() rebuilds them at the end.
CREATE OR REPLACE FUNCTION dormancy._numeric_amount(amount numeric)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'numeric_amount'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._numeric_amount(numeric) IS
	'internal: a numeric amount as double precision, NULL when NaN, infinite or beyond +-1e15';

CREATE OR REPLACE FUNCTION dormancy._number_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	in_range text;
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.float8';
	END IF;
	in_range := dormancy._number_in_range_expr(relation, columns, role);
	IF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'numeric'::regtype THEN
		RETURN format('dormancy._numeric_amount(t.%I)', columns ->> role);
	ELSIF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'money'::regtype THEN
		RETURN format('CASE WHEN %s THEN (t.%I)::pg_catalog.numeric::pg_catalog.float8 END', in_range, columns ->> role);
	ELSIF in_range = 'true' THEN
		RETURN format('(t.%I)::pg_catalog.float8', columns ->> role);
	END IF;
	RETURN format('CASE WHEN %s THEN (t.%I)::pg_catalog.float8 END', in_range, columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._number_expr(regclass, jsonb, text) IS
	'internal: a bound numeric column as double precision, NULL when out of range';

--
-- Refresh: the rank's sort over narrow rows, and memory (issue 11)
--
-- The MERGE that writes the snapshot in place finds each snapshot row by an
-- index lookup per row, written so that the planner has no hash or merge
-- join to choose (a hash join spills every wide row of customer_status once
-- the snapshot's keys outgrow work_mem; with merge joins turned off only,
-- as before, it was the plan whenever the snapshot had statistics).  The
-- rank stays in the statement that writes the rows (the comment in the
-- function says why).
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
	n_cols text;
	rank_expr text;
	in_place boolean := false;
	gone text[];
	gone_states text[];
	-- written in place with the state changes noted by the MERGE itself
	noted boolean := false;
	merge_update_cols text;
	merge_insert_cols text;
	stamped bigint;
	problem record;
	-- on Citus, the snapshot distributed with the customers
	-- (_snapshot_colocation): each worker writes its customers' rows, and
	-- the previous states are read where they are, beside the new ones
	distributed boolean;
	beside boolean := false;
	-- this run's stamp on the rows it writes, as a value: Citus would
	-- evaluate now() on each worker, in the worker's own transaction
	stamp timestamptz := now();
	last_day date;
	refit_reason text;
BEGIN
	-- a binding that lost a column (see _binding_problems): the status would
	-- be computed without that source, so say which binding and stop
	SELECT p.* INTO problem FROM dormancy._binding_problems() p ORDER BY p.source LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION '%', problem.message
			USING ERRCODE = problem.code,
				  DETAIL = format('A refresh would compute the status without the %s, so it does not run until they are bound again.', problem.source),
				  HINT = problem.hint;
	END IF;
	as_of := dormancy.as_of_day();
	-- On Citus, the workers run this refresh's statements without JIT too
	-- (the function's own SET jit = off is the coordinator's alone): Citus
	-- sends a SET LOCAL to the workers in this transaction when
	-- propagate_set_commands is 'local'.  Its row estimates for the
	-- coordinator's one-row intermediate results make every task look
	-- expensive (docs/scaling-out.md): with JIT on the workers, a refresh of
	-- 3,000 customers took a minute instead of seconds.
	IF current_setting('citus.propagate_set_commands', true) IS NOT NULL THEN
		SET LOCAL citus.propagate_set_commands = 'local';
		SET LOCAL jit = off;
	END IF;
	-- rules or settings edited since: fresh statistics for the plan
	PERFORM dormancy.analyze_lookup_tables();
	-- the snapshot exists from the first bind on; without the views it says so
	-- (_require_bound)
	reshaped := dormancy._snapshot_sync(false);
	distributed := dormancy._citus_table_kind('dormancy.status_snapshot') IS NOT DISTINCT FROM 'distributed';
	-- (auto_explain explaining nested statements breaks the writes to a
	-- distributed snapshot: said before anything is written)
	IF distributed THEN
		PERFORM dormancy._refuse_nested_explain('refresh a distributed snapshot');
	END IF;
	-- The state history runs forward: a refresh as of a day before the last
	-- one's would record changes that did not happen (and the next refresh
	-- their return).  The snapshot's rows all carry the last run's day; the
	-- history's last day comes from its index on as_of.  The run log's last
	-- successful day counts too, from the run of the history's first day on:
	-- a snapshot the extension emptied or made again (a reshape, or on
	-- Citus a snapshot moved with the customers) has no day left, and a run
	-- that changed no state left none in the history.  Emptying the
	-- snapshot and the history starts over, from any day (the runs before
	-- are then left out).
	last_day := greatest((SELECT x.as_of FROM dormancy.status_snapshot x LIMIT 1),
						 (SELECT pg_catalog.max(h.as_of) FROM dormancy.status_history h),
						 (SELECT pg_catalog.max(r.as_of) FROM dormancy.refresh_runs r
						   WHERE r.outcome = 'succeeded'
							 AND r.run_id >= (SELECT h.run_id FROM dormancy.status_history h ORDER BY h.as_of LIMIT 1)));
	IF as_of < last_day THEN
		RAISE EXCEPTION 'cannot refresh as of %: the last refresh was as of %', as_of, last_day
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The state history runs forward: a refresh for an earlier day would record state changes that did not happen.',
				  HINT = 'To look at an earlier day, read dormancy.customer_status with SET dormancy.as_of. To rebuild the snapshot and its history from an earlier day, empty dormancy.status_snapshot and dormancy.status_history first (or delete the later rows of dormancy.status_history and of dormancy.refresh_runs, and empty dormancy.status_snapshot).';
	END IF;

	-- (the previous state of each customer, as text ids, is copied into a
	-- temporary table only on the path that compares states:
	-- _refresh_previous_states)
	-- (A distributed snapshot keeps its previous rows until the new ones are
	-- written beside them: nothing is collected here unless it is empty.
	-- It is reshaped first, so that they are read after; a reshape that
	-- empties it leaves the previous states to the history, as above.)
	IF distributed THEN
		reshaped := dormancy._snapshot_sync(true) OR reshaped;
		beside := EXISTS (SELECT 1 FROM dormancy.status_snapshot);
	END IF;
	-- A snapshot with rows is written in place, unless Citus holds a bound
	-- table: Citus refuses a MERGE that reads distributed tables through
	-- functions that are not IMMUTABLE, so the snapshot is replaced whole
	-- instead (the INSERT ... SELECT below, which Citus runs through the
	-- coordinator).  Written in place, its MERGE notes the state changes
	-- itself (_state_noted), and the previous states are not copied: only
	-- for a snapshot that will be replaced, or emptied by the reshape below
	-- (a column whose type changed), or later if the in-place write turns
	-- out impossible.
	IF NOT beside THEN
		in_place := NOT distributed AND EXISTS (SELECT 1 FROM dormancy.status_snapshot)
					AND NOT EXISTS (SELECT 1 FROM dormancy.bindings b WHERE dormancy._citus_table_kind(b.relation) IS NOT NULL);
		noted := in_place AND NOT EXISTS (SELECT 1 FROM unnest(dormancy._snapshot_reshape_actions()) a
										   WHERE a NOT LIKE 'ADD COLUMN %');
		IF NOT noted THEN
			PERFORM dormancy._refresh_previous_states();
		END IF;
		-- (a reshape that changes a column's type empties the snapshot: it
		-- is filled again, not written in place)
		in_place := noted;
	END IF;

	IF NOT distributed THEN
		reshaped := dormancy._snapshot_sync(true) OR reshaped;
	END IF;
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
	-- snapshot uses them (model_settings.refit_every; NULL: never here), and
	-- whatever the schedule says while a Gamma-Gamma fit took the frequency
	-- as x (made before 0.4.0, kept by the update or restored from a dump:
	-- models.gammagamma_x; customer_status applies it with the frequency
	-- until then); refresh_runs.models_refit_reason says which
	SELECT CASE WHEN EXISTS (SELECT 1 FROM dormancy.models m
							  WHERE m.gammagamma IS NOT NULL AND m.gammagamma_x = 'frequency')
				THEN 'a Gamma-Gamma fit made before 0.4.0 took the frequency as x (models.gammagamma_x): refitted whatever model_settings.refit_every says'
				WHEN s.refit_every IS NOT NULL AND f.fitted_at <= now() - s.refit_every
				THEN format('model_settings.refit_every (%s) had passed since the models were fitted', s.refit_every)
				END
	  INTO refit_reason
	  FROM dormancy.model_settings_in_force() s, (SELECT max(m.fitted_at) AS fitted_at FROM dormancy.models m) f;
	models_refit := refit_reason IS NOT NULL;
	IF models_refit THEN
		PERFORM dormancy.fit_models();
		UPDATE dormancy.refresh_runs r SET models_refit_reason = refit_reason WHERE r.run_id = run;
	END IF;

	SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.attnum) INTO cols
	  FROM dormancy._relation_columns('dormancy.customer_status') c
	 WHERE c.column_name <> 'priority_rank';
	-- (as the local snapshot stores them: its jsonb columns whose method is
	-- lz4, the score_breakdown, compressed in line, _lz4_in_line above; 0.4
	-- kB of a 1.7 kB row, three rows a page instead of two)
	-- (and the in-place MERGE's: each row's state through _state_noted,
	-- which notes the new customers and the changed states)
	SELECT string_agg(x.expr, ', ' ORDER BY x.attnum),
		   string_agg(CASE WHEN x.column_name = 'state'
						   THEN 'dormancy._state_noted(s.customer_key, true, s.refreshed_at, $1, s.state, n.state)'
						   ELSE x.expr END, ', ' ORDER BY x.attnum),
		   string_agg(CASE WHEN x.column_name = 'state'
						   THEN 'dormancy._state_noted(n.customer_key, false, NULL, $1, NULL, n.state)'
						   ELSE x.expr END, ', ' ORDER BY x.attnum)
	  INTO n_cols, merge_update_cols, merge_insert_cols
	  FROM (SELECT c.attnum, c.column_name,
				   CASE WHEN a.atttypid = 'jsonb'::regtype AND a.attcompression = 'l' AND NOT distributed
						THEN format('dormancy._lz4_in_line(n.%I)', c.column_name)
						ELSE 'n.' || quote_ident(c.column_name) END AS expr
			  FROM dormancy._relation_columns('dormancy.customer_status') c
			  LEFT JOIN pg_attribute a ON a.attrelid = 'dormancy.status_snapshot'::regclass AND a.attname = c.column_name
			 WHERE c.column_name <> 'priority_rank') x;
	-- The rank is the call list's (dormancy.call_list): by value tier, then
	-- score, ties by id.
	-- It is computed in the statement that writes the rows, by a sort of
	-- customer_status's rows: a rank needs every score before it can give
	-- the first one, so each row must wait somewhere until the last is
	-- computed.  The sort keeps them narrower than the snapshot's rows (the
	-- columns the planner can compute after the rank, score_breakdown and
	-- the data gaps, are computed after it, customer_status being pulled up
	-- into this statement: 0.9 kB a row in the sort against 1.7 kB in the
	-- snapshot at 200,000 demo customers; 1.9 kB while a WITH at the top of
	-- the view kept it from being pulled up, docs/operations.md)
	-- and spills them to a temporary file beyond work_mem.  Writing the
	-- rows first and the ranks afterwards, from a narrow sort of the
	-- snapshot's own scores, was measured (100,000
	-- customers, next day: 92 MB of temporary files instead of 158 MB) and
	-- is worse: it makes a second version of each row in the same
	-- transaction, which the page has no room for (fillfactor 50 leaves
	-- room for one), so the rank update moves the row to another page and
	-- writes every index: 1.5 times the CPU and the WAL (7.6 s against
	-- 5.0 s, 510 MB against 346 MB), a snapshot 1.8 times its size and
	-- indexes 1.7 times theirs.  Computing the scores twice (a narrow pass
	-- for the rank, then the rows) would cost a second evaluation.
	-- (ties by the customer id, as in call_list: bind_* accept only id types
	-- with a btree order)
	rank_expr := 'pg_catalog.rank() OVER (ORDER BY value_tier, priority_score DESC, customer_id)';
	-- Written in place (docs/operations.md, What a refresh writes): each
	-- customer's row is updated where it is (a HOT update: the snapshot's
	-- pages are half empty, fillfactor 50, and the indexed columns rarely
	-- change, so no index is written), new customers are inserted, and the
	-- rows this run did not stamp (customers gone) are deleted below.  A
	-- snapshot with a customer_key twice (duplicate ids in your customers), or
	-- a customer_status that lists a customer in the snapshot twice (MERGE
	-- refuses to update a row twice), is replaced whole instead, as before.
	IF in_place THEN
		BEGIN
			IF noted THEN
				PERFORM dormancy._state_notes_begin();
			ELSE
				merge_update_cols := n_cols;
				merge_insert_cols := n_cols;
			END IF;
			-- The join of customer_status's rows to the snapshot's is an
			-- index lookup per row (customer_key), whose memory does not grow
			-- with the snapshot.  The key is matched as a range of one value
			-- (>= and <=: the same rows as =, the customer_keys being text in
			-- a deterministic collation) so that the planner has no hash or
			-- merge join to choose: a merge join sorts every wide row by key,
			-- and a hash join over the snapshot's keys, once they outgrow
			-- work_mem x hash_mem_multiplier (about 150,000 customers at the
			-- defaults), writes every wide row of customer_status to its
			-- batch files (measured at 100,000 customers with work_mem 512 kB,
			-- the ratio of 1M customers at 4 MB: the statement wrote 571 MB
			-- of temporary files, against 255 MB with the index lookup).
			-- Analyzing the snapshot does not prevent it (with statistics the
			-- hash join is the planner's choice; without them, right after the
			-- first fill, a merge join), and turning hash joins off would
			-- apply to customer_status's own joins too, which need them.
			-- Merge joins stay on: the planner knows the stored histories
			-- (what customer_status reads here) for one row per customer,
			-- grouped by it, so a merge join of the customers with them
			-- reads each history once, with no materialized copy
			-- (sql/plan_estimates.sql).  Turned off here until 2026-12-05
			-- (when the store was estimated at one row, the planner
			-- materialized it), the stored histories were hashed instead:
			-- 64 batches written to disk at 1,000,000 customers, and the
			-- next day's refresh 1.5 to 2.4 s slower (alternated, twice:
			-- 46.9, 47.0, 51.1, 47.5 s against 45.0, 44.1, 48.9, 46.7 s).
			-- A refresh in history mode 'live' (orders not tracked) reads
			-- the live histories instead, which the planner cannot prove
			-- unique: a merge join then keeps a copy of them, where the
			-- hash join it had before wrote them to its batches; both
			-- spill about the histories' size (not measured side by side).
			EXECUTE format('MERGE INTO dormancy.status_snapshot s '
						   'USING (SELECT %s, %s AS priority_rank, customer_id::pg_catalog.text AS customer_key '
						   'FROM dormancy.customer_status) n '
						   'ON s.customer_key >= n.customer_key AND s.customer_key <= n.customer_key '
						   'WHEN MATCHED THEN UPDATE SET (%s, priority_rank, refreshed_at) = (%s, n.priority_rank, $1) '
						   'WHEN NOT MATCHED THEN INSERT (%s, priority_rank, customer_key, refreshed_at) '
						   'VALUES (%s, n.priority_rank, n.customer_key, $1)',
						   cols, rank_expr, cols, merge_update_cols, cols, merge_insert_cols)
				USING stamp;
			GET DIAGNOSTICS rows = ROW_COUNT;
			IF noted THEN
				-- the rows this run did not stamp: the customers gone (one pass
				-- over the snapshot).  A row that carried this run's time
				-- already, and a gone customer's key held twice, make the
				-- snapshot be replaced instead, as before.
				SELECT count(*) FILTER (WHERE s.refreshed_at = stamp),
					   array_agg(s.customer_key) FILTER (WHERE s.refreshed_at IS DISTINCT FROM stamp),
					   array_agg(s.state) FILTER (WHERE s.refreshed_at IS DISTINCT FROM stamp)
				  INTO stamped, gone, gone_states
				  FROM dormancy.status_snapshot s;
				IF stamped <> rows THEN
					RAISE EXCEPTION 'a snapshot row already carries this refresh''s time' USING ERRCODE = 'cardinality_violation';
				END IF;
				IF coalesce(cardinality(gone), 0) > (SELECT count(DISTINCT g.k COLLATE "C") FROM unnest(gone) g(k)) THEN
					RAISE EXCEPTION 'the snapshot holds a gone customer''s key more than once' USING ERRCODE = 'cardinality_violation';
				END IF;
				-- the state changes: the customers inserted (a new id listed
				-- twice by customer_status is inserted twice, one change), those
				-- whose state changed, and those gone; in the database's order
				-- of the ids, as when they were found by joining the states
				INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
				SELECT run, x.customer_id, x.change, x.from_state, x.to_state, _refresh_work.as_of
				  FROM ((SELECT DISTINCT ON (t.customer_key COLLATE "C") t.customer_key COLLATE "C" AS customer_id,
								CASE WHEN t.matched THEN 'changed' ELSE 'new' END AS change, t.from_state, t.to_state
						   FROM dormancy._state_notes() t
						  ORDER BY t.customer_key COLLATE "C", t.to_state)
						UNION ALL
						SELECT g.k, 'removed', g.state, NULL
						  FROM unnest(gone, gone_states) g(k, state)) x
				 ORDER BY x.customer_id COLLATE "default";
				GET DIAGNOSTICS changes = ROW_COUNT;
				-- the rows of the customers gone, found through the index
				DELETE FROM dormancy.status_snapshot s
				 WHERE s.customer_key = ANY (gone) AND s.refreshed_at IS DISTINCT FROM stamp;
			END IF;
		EXCEPTION WHEN cardinality_violation THEN
			in_place := false;
		END;
		IF noted AND NOT in_place THEN
			-- rolled back: the previous states are still the snapshot's
			noted := false;
			PERFORM dormancy._refresh_previous_states();
		END IF;
	END IF;
	IF distributed THEN
		-- Each worker writes the rows of its own customers: Citus runs the
		-- SELECT as one task per shard and each task's rows go to the
		-- co-located shard of the snapshot on the same worker
		-- (INSERT ... SELECT by repartition, whose fragments do not leave
		-- their worker).  The rank needs every score: written after, below.
		-- The previous rows stay until the state changes are taken from
		-- both (below).
		in_place := false;
		IF NOT beside THEN
			DELETE FROM dormancy.status_snapshot;
		END IF;
		EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, customer_key, refreshed_at) '
					   'SELECT %s, customer_id::pg_catalog.text, $1 FROM dormancy.customer_status',
					   cols, cols)
			USING stamp;
		GET DIAGNOSTICS rows = ROW_COUNT;
		-- the changes: the new rows beside the previous ones, joined by
		-- customer on each worker (co-located); only the changes travel to
		-- the coordinator, whose status_history they are appended to (its
		-- ids are text: kept as they are, a local table)
		IF beside THEN
			INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
			SELECT run, coalesce(n.customer_key, o.customer_key),
				   CASE WHEN o.customer_key IS NULL THEN 'new' WHEN n.customer_key IS NULL THEN 'removed' ELSE 'changed' END,
				   o.state, n.state, _refresh_work.as_of
			  FROM (SELECT DISTINCT ON (s.customer_id) s.customer_id, s.customer_key, s.state
					  FROM dormancy.status_snapshot s
					 WHERE s.refreshed_at = stamp
					 ORDER BY s.customer_id, s.state) n
			  FULL JOIN (SELECT DISTINCT ON (s.customer_id) s.customer_id, s.customer_key, s.state
						   FROM dormancy.status_snapshot s
						  WHERE s.refreshed_at IS DISTINCT FROM stamp
						  ORDER BY s.customer_id, s.state) o ON o.customer_id = n.customer_id
			 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
			 ORDER BY coalesce(n.customer_key, o.customer_key) COLLATE "default";
			GET DIAGNOSTICS changes = ROW_COUNT;
			DELETE FROM dormancy.status_snapshot s WHERE s.refreshed_at IS DISTINCT FROM stamp;
		END IF;
		-- the rank over all shards: the coordinator ranks the narrow
		-- (customer, tier, score) rows and sends each rank to its
		-- customer's worker (INSERT ... SELECT through the coordinator, one
		-- routed COPY), where a co-located UPDATE sets it (ties of one
		-- customer id twice told apart by tier and score)
		DELETE FROM dormancy.status_snapshot_ranks;
		INSERT INTO dormancy.status_snapshot_ranks (customer_id, value_tier, priority_score, priority_rank)
		SELECT x.customer_id, x.value_tier, x.priority_score,
			   pg_catalog.rank() OVER (ORDER BY x.value_tier, x.priority_score DESC, x.customer_id)
		  FROM dormancy.status_snapshot x;
		UPDATE dormancy.status_snapshot s
		   SET priority_rank = r.priority_rank
		  FROM dormancy.status_snapshot_ranks r
		 WHERE s.customer_id = r.customer_id
		   AND s.value_tier IS NOT DISTINCT FROM r.value_tier
		   AND s.priority_score IS NOT DISTINCT FROM r.priority_score;
		DELETE FROM dormancy.status_snapshot_ranks;
	ELSIF NOT in_place THEN
		DELETE FROM dormancy.status_snapshot;
		EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, priority_rank, customer_key, refreshed_at) '
					   'SELECT %s, %s, n.customer_id::pg_catalog.text, $1 FROM dormancy.customer_status n',
					   cols, n_cols, rank_expr)
			USING stamp;
		GET DIAGNOSTICS rows = ROW_COUNT;
	END IF;
	IF NOT beside AND NOT noted THEN
		-- each customer's state now, from the rows this run stamped
		IF to_regclass('pg_temp.dormancy_refresh_current') IS NOT NULL THEN
			DROP TABLE pg_temp.dormancy_refresh_current;
		END IF;
		CREATE TEMP TABLE dormancy_refresh_current (customer_id text, state text) ON COMMIT DROP;
		INSERT INTO pg_temp.dormancy_refresh_current
		SELECT s.customer_key, s.state
		  FROM dormancy.status_snapshot s
		 WHERE s.refreshed_at = stamp;
		-- the state changes, appended to the history (on Citus, with the
		-- previous rows beside the new ones, and written in place, they were
		-- taken above)
		WITH appended AS (
			INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
			SELECT run, coalesce(n.customer_id, o.customer_id),
				   CASE WHEN o.customer_id IS NULL THEN 'new' WHEN n.customer_id IS NULL THEN 'removed' ELSE 'changed' END,
				   o.state, n.state, _refresh_work.as_of
			  FROM (SELECT DISTINCT ON (c.customer_id COLLATE "C") c.customer_id COLLATE "C" AS customer_id, c.state
					  FROM pg_temp.dormancy_refresh_current c
					 ORDER BY c.customer_id COLLATE "C", c.state) n
			  FULL JOIN (SELECT DISTINCT ON (p.customer_id COLLATE "C") p.customer_id COLLATE "C" AS customer_id, p.state
						   FROM pg_temp.dormancy_refresh_previous p
						  ORDER BY p.customer_id COLLATE "C", p.state) o ON o.customer_id = n.customer_id
			 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
			 -- the history's ids in the database's order of the ids, as before
			 ORDER BY coalesce(n.customer_id, o.customer_id) COLLATE "default"
			RETURNING customer_id, change
		)
		SELECT count(*), array_agg(h.customer_id) FILTER (WHERE h.change = 'removed')
		  INTO changes, gone
		  FROM appended h;
		-- the rows of the customers gone, found through the index (ids equal
		-- in "C" are equal in the database's deterministic collation: the
		-- previous keys EXCEPT the stamped ones, which a second pass over both
		-- sets found until 2026-12-05, 0.7 s at 1,000,000 customers)
		IF in_place THEN
			DELETE FROM dormancy.status_snapshot s
			 WHERE s.customer_key = ANY (gone) AND s.refreshed_at IS DISTINCT FROM stamp;
		END IF;
		DROP TABLE pg_temp.dormancy_refresh_current, pg_temp.dormancy_refresh_previous;
	END IF;
	UPDATE dormancy.refresh_runs r
	   SET snapshot_written = CASE WHEN in_place THEN 'in place' ELSE 'replaced' END
	 WHERE r.run_id = run;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

--
-- One C evaluation per customer: customer_core and customer_status (issue 11)
--
-- customer_core calls dormancy._customer_facts() once per customer for
-- every derived column (the history facts, the state, the days since the
-- last orders, the segment, the price changes, read once per query);
-- customer_status calls dormancy._assess() once per customer for its
-- assessment (contract state, dormancy kind, evidence, approach value,
-- priority inputs and score, likely reason, message theme, channel, data
-- gaps) and _data_gaps() for the data_gaps column.  The views are replaced
-- by _update_generated_views() at the end of this script.

-- Internal: every derived column of customer_core in one call: those of
-- _history_facts (declining false and decline_signals '{}' where it gives
-- NULL), the state (the rule's thresholds on the last qualifying order, or
-- on the last day covered by a contract when later and use_contract_end),
-- the days since the last and the last qualifying order, the segment, and
-- the price changes the customer lapsed after (dormancy.price_changes, read
-- once per query per call site as the rules of _likely_reason: an edit shows
-- in the next query).  min_order_amount is the rule's numeric, converted
-- once per distinct value.  STABLE, not IMMUTABLE: it reads a table.
CREATE FUNCTION dormancy._customer_facts(
	history dormancy.purchase_history,
	as_of date,
	min_order_amount numeric,
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
	at_risk_after interval,
	dormant_after interval,
	long_dormant_after interval,
	use_contract_end boolean,
	contract_covered_until date,
	categories text[],
	category_last_order_at date[],
	categories_bound boolean,
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
	OUT monetary_value double precision,
	-- customer_core's own
	OUT state text,
	OUT days_since_last_order integer,
	OUT days_since_last_qualifying_order integer,
	OUT segment text,
	OUT lapsed_after_price_increase boolean,
	OUT price_increase text,
	OUT lapsed_after_spec_change boolean,
	OUT spec_change text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'customer_facts'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean) IS
	'internal: every derived column of customer_core in one evaluation (history facts, state, days since, segment, price changes), price_changes read once per query';

-- The assessment of customer_status in one C call per customer
-- (src/assess_sql.c, logic in src/core/assess.c): from customer_core's
-- columns, the optional sources' aggregates, what is bound, the source
-- settings and the score weights, the contract state, the kind of dormancy,
-- the evidence, the approach value, the priority inputs and score, the
-- likely reason (reason_rules), its message theme (message_themes), the
-- channel (approach_rules) and the data gaps but the name's, as bits and
-- no_activity for _data_gaps().  The tables (and dormancy.rules, for
-- use_contract_end) are read once per query per call site, as by
-- _likely_reason.  STABLE, not IMMUTABLE: it reads tables.
CREATE FUNCTION dormancy._assess(
	state text, as_of date, at_risk_after interval, dormant_after interval,
	long_dormant_after interval, rule_id integer,
	last_order_at date, last_qualifying_order_at date, first_order_at date,
	orders_count bigint, order_days integer, total_amount double precision,
	median_gap_days double precision, mean_gap_days double precision, gap_stddev_days double precision,
	segment text, decline_signals text[], declining boolean,
	lapsed_after_price_increase boolean, lapsed_after_spec_change boolean,
	industry text, company_size text,
	contract_terms bigint, contract_covered_until date, contract_lapsed boolean,
	days_since_contract_end integer, auto_renew_off boolean, downgraded boolean,
	renewal_due_in_days integer,
	p_alive double precision, expected_value double precision,
	has_events boolean, events_in_window integer, pricing_views integer, support_visits integer,
	days_since_last_event integer,
	has_deals boolean, last_deal_at date, last_deal_outcome text, last_deal_reason text,
	days_since_last_deal integer, open_deals integer,
	phones bigint, emails bigint, persons bigint, invalid_phones bigint, invalid_emails bigint,
	contacts_outdated boolean,
	events_bound boolean, deals_bound boolean, contracts_bound boolean,
	contact_phones_bound boolean, contact_emails_bound boolean, contact_persons_bound boolean,
	contact_dates_bound boolean,
	settings dormancy.source_settings, weights dormancy.score_weights,
	last_outreach_outcome text, last_outreach_reason text,
	OUT contract_state text, OUT dormancy_kind text, OUT evidence text[],
	OUT approach_value double precision, OUT priority_score double precision,
	OUT priority_inputs dormancy.priority_inputs, OUT likely_reason text,
	OUT reason_evidence text[], OUT approach_channel text, OUT message_theme text,
	OUT gaps integer, OUT no_activity boolean, OUT value_percentile double precision,
	OUT value_percentiles double precision[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'assess'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
	bigint, integer, double precision, double precision, double precision, double precision, text, text[],
	boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
	double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
	text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
	boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text) IS
	'internal: the assessment of one customer for customer_status (contract state, dormancy kind, evidence, approach value, priority inputs and score, likely reason, message theme, channel, data gaps as bits, value percentile, and the percentiles of total_amount and expected_value for the breakdown), the tables read once per query';

CREATE FUNCTION dormancy._data_gaps(gaps integer, name_gap text, no_activity boolean)
	RETURNS text[]
	AS 'MODULE_PATHNAME', 'data_gaps'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._data_gaps(integer, text, boolean) IS
	'internal: customer_status.data_gaps from the gap bits of _assess, the name gap (no_name or duplicate_name) and no_activity, in that order';

-- the live views with the new calls (sql_src/70_views.sql)
CREATE OR REPLACE FUNCTION dormancy._create_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN

-- category_histories: one aggregate pass over the orders per customer and
-- category (category_histories_live: what the refresh stores, and what
-- category_trend reads), or,
-- inside a refresh, the histories stored by the last one: a gate that only
-- the refresh's own code sets, in C, selects the branch; the other is
-- skipped without being read.  The rows are those of src_history_rows: the
-- order rows, or with an order id bound the orders per category, and the
-- whole orders as the row of category NULL.  The gate and the zone are init
-- plans, read once on the node that plans the query: a filter holding a
-- subquery is not pushed into the grouping, so the grouping is whole and a
-- Citus worker or a postgres_fdw shard can run it, in the zone it is given
-- (_local_time), never in its own settings (docs/scaling-out.md).  Grouped
-- in the customers' order, never hashed, as customer_histories_live is (the
-- constant key, below): a refresh that stores every history reads it in
-- parallel workers that each fold whole customers (_prepare_histories).
CREATE OR REPLACE VIEW dormancy.category_histories_live WITH (security_invoker = true) AS
SELECT o.customer_id, o.category,
	   dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
								 o.amount, o.discounted) AS history,
	   pg_catalog.sum(o.line_rows) AS order_rows
  FROM dormancy.src_history_rows o
 WHERE o.customer_id IS NOT NULL
 GROUP BY o.customer_id, o.category, B''::pg_catalog.varbit;
COMMENT ON VIEW dormancy.category_histories_live IS 'internal: category_histories computed from the orders, never from the stored histories';

CREATE OR REPLACE VIEW dormancy.category_histories WITH (security_invoker = true) AS
SELECT a.customer_id, a.category, a.history, a.order_rows
  FROM dormancy.category_histories_live a
 WHERE (SELECT NOT dormancy._use_stored_histories())
UNION ALL
SELECT s.customer_id, s.category, s.history, s.order_rows
  FROM dormancy.src_stored_histories s;
COMMENT ON VIEW dormancy.category_histories IS 'one purchase history per customer and category over src_orders (what a refresh stores); with an order id bound, an order counts once in each category it has, and the row of category NULL holds the whole orders';
COMMENT ON COLUMN dormancy.category_histories.customer_id IS 'customer id as in src_orders';
COMMENT ON COLUMN dormancy.category_histories.category IS 'product category (NULL when no category column is bound; with an order id bound, NULL is the whole orders, every category)';
COMMENT ON COLUMN dormancy.category_histories.history IS 'the customer''s orders of this category folded into distinct days';
COMMENT ON COLUMN dormancy.category_histories.order_rows IS 'order rows (lines) read, refunds and rows without a date included';
PERFORM dormancy._copy_column_comments('dormancy.category_histories', 'dormancy.category_histories_live');

-- customer_histories_live: one aggregate pass over the orders, per
-- customer; the categorized_history aggregate keeps the per-category detail
-- in the customer's state (its categories, the last purchase day of each,
-- and the history as the union of the category histories, as
-- category_histories would give them).  With an order id bound, the history
-- is that of the whole orders (src_history_rows.whole_order: each order
-- counted once, its total compared with min_order_amount), folded in the
-- same pass; without one, no row is a whole order and the filtered
-- aggregates stay NULL.  as_of and the zone are read once, in init plans
-- (as in category_histories).  Always from the orders: customer_histories
-- reads it outside a refresh; fit_models() reads it on Citus, where the
-- histories are never stored and a union with the stored ones would make
-- Citus collect every history on the coordinator (_fit_summaries).
--
-- Grouped in the customers' order, never hashed: the constant second key
-- (an empty varbit, a type with a sort order but no hash) leaves the planner
-- only sorted grouping.  A history's state takes 1 to 2 kB (SSPACE), and a
-- hash aggregate keeps every customer's at once and merges each customer's
-- partial states from the parallel workers after them; grouped in order
-- (by the orders' index on the customer column, or a sort), each worker
-- folds whole customers and the states are freed one by one.  Measured
-- (demo data, JIT off, parallel plans, three runs each, 2026-12-03):
-- 1,000,000 customers with work_mem 256MB, customer_histories 7.8 s against
-- 10.3 s, customer_status 33.0 s against 38.5 s; 100,000 customers, 0.56 s
-- against 0.74 s and 2.82 s against 3.33 s; with the default work_mem, where
-- the hash aggregates spill early, 1,000,000 customers the same time for the
-- histories and 31.5 s against 34.1 s for customer_status.
CREATE OR REPLACE VIEW dormancy.customer_histories_live WITH (security_invoker = true) AS
SELECT a.customer_id,
	   coalesce(a.whole, (a.h).history) AS history,
	   coalesce(a.whole_rows, (a.h).order_rows) AS order_rows,
	   (a.h).categories,
	   (a.h).category_last_order_at
  FROM (SELECT o.customer_id,
			   dormancy.categorized_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
											o.amount, o.discounted, o.category,
											(SELECT a.day FROM dormancy._as_of a)) FILTER (WHERE NOT o.whole_order) AS h,
			   dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
										 o.amount, o.discounted) FILTER (WHERE o.whole_order) AS whole,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.whole_order) AS whole_rows
		  FROM dormancy.src_history_rows o
		 WHERE o.customer_id IS NOT NULL
		 GROUP BY o.customer_id, B''::pg_catalog.varbit) a;
COMMENT ON VIEW dormancy.customer_histories_live IS 'internal: customer_histories computed from the orders, never from the stored histories';

-- customer_histories_stored: inside a refresh, the stored per-category
-- histories merged per customer, or with an order id the stored whole
-- orders (category NULL); no rows elsewhere (src_stored_histories).
CREATE OR REPLACE VIEW dormancy.customer_histories_stored WITH (security_invoker = true) AS
SELECT s.customer_id,
	   dormancy.purchase_history_union(s.history) FILTER (WHERE s.category IS NULL OR NOT b.order_ids_bound) AS history,
	   (pg_catalog.sum(s.order_rows) FILTER (WHERE s.category IS NULL OR NOT b.order_ids_bound))::pg_catalog.int8 AS order_rows,
	   pg_catalog.array_agg(s.category ORDER BY s.category) FILTER (WHERE s.category IS NOT NULL) AS categories,
	   pg_catalog.array_agg((dormancy.history_summary(s.history, (SELECT a.day FROM dormancy._as_of a))).last_order_at ORDER BY s.category)
		   FILTER (WHERE s.category IS NOT NULL) AS category_last_order_at
  FROM dormancy.src_stored_histories s
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_ids_bound)
 GROUP BY s.customer_id;
COMMENT ON VIEW dormancy.customer_histories_stored IS 'internal: customer_histories from the histories a refresh stored, inside a refresh (no rows elsewhere)';

-- customer_histories: the live histories (customer_histories_live); inside
-- a refresh the same columns come from the stored histories
-- (customer_histories_stored; the gate, as in category_histories).
CREATE OR REPLACE VIEW dormancy.customer_histories WITH (security_invoker = true) AS
SELECT l.customer_id, l.history, l.order_rows, l.categories, l.category_last_order_at
  FROM dormancy.customer_histories_live l
 WHERE (SELECT NOT dormancy._use_stored_histories())
UNION ALL
SELECT s.customer_id, s.history, s.order_rows, s.categories, s.category_last_order_at
  FROM dormancy.customer_histories_stored s;
COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: one aggregate pass over src_orders (categorized_history), the union of its category histories, or with an order id bound the history of its whole orders';
COMMENT ON COLUMN dormancy.customer_histories.customer_id IS 'customer id as in src_orders';
COMMENT ON COLUMN dormancy.customer_histories.history IS 'the customer''s orders folded into distinct days (with an order id bound: each order once, with its total)';
COMMENT ON COLUMN dormancy.customer_histories.order_rows IS 'order rows (lines) read for this customer, refunds and rows without a date included';
COMMENT ON COLUMN dormancy.customer_histories.categories IS 'the categories the customer ordered, sorted (NULL when no category column is bound)';
COMMENT ON COLUMN dormancy.customer_histories.category_last_order_at IS 'last purchase day up to as_of per category, in the order of categories';
PERFORM dormancy._copy_column_comments('dormancy.customer_histories', 'dormancy.customer_histories_live');
PERFORM dormancy._copy_column_comments('dormancy.customer_histories', 'dormancy.customer_histories_stored');

-- contract_signals: per customer, from its valid terms (a start or an end,
-- no end before the start, some day covered); NULL start means started long
-- ago, NULL or infinite end means open-ended.  The contracts are read once (terms, ranked
-- per customer, then one GROUP BY), and every window is by customer, so
-- WHERE customer_id = $1 reaches the contracts (their index).
CREATE OR REPLACE VIEW dormancy.contract_signals WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day, s.contract_grace_period, s.downgrade_window, s.renewal_horizon
	  FROM dormancy._source_settings s
), terms AS (
	SELECT w.*,
		   (w.started AND w.end_day >= a.day) AS is_current,
		   coalesce(w.started
					AND coalesce(w.starts_on, '-infinity'::pg_catalog.date) > (a.day - a.downgrade_window)::pg_catalog.date
					AND (w.seats < w.prev_seats OR w.amount < w.prev_amount), false) AS is_downgrade
	  FROM (SELECT c.customer_id, c.starts_on, c.ends_on, c.seats, c.amount, c.auto_renew, c.plan,
				   coalesce(c.ends_on, 'infinity'::pg_catalog.date) AS end_day,
				   (c.starts_on IS NULL OR c.starts_on <= a.day) AS started,
				   pg_catalog.lag(c.seats) OVER w AS prev_seats,
				   pg_catalog.lag(c.amount) OVER w AS prev_amount,
				   pg_catalog.lag(c.plan) OVER w AS prev_plan
			  FROM dormancy.src_contracts c JOIN a ON dormancy._single_row(a.day)
			 WHERE c.customer_id IS NOT NULL
			   AND (c.starts_on IS NOT NULL OR c.ends_on IS NOT NULL)
			   AND (c.starts_on IS NULL OR c.ends_on IS NULL OR c.starts_on <= c.ends_on)
			   -- (a term ending at -infinity or starting at infinity covers
			   -- no day: source_issues, contract_covers_no_day)
			   AND c.ends_on IS DISTINCT FROM '-infinity'::pg_catalog.date
			   AND c.starts_on IS DISTINCT FROM 'infinity'::pg_catalog.date
			-- (terms of one start and end in a fixed order: fewer seats, then
			-- the lower amount, then the plan, so that such terms, side by
			-- side, are no downgrade of each other)
			WINDOW w AS (PARTITION BY c.customer_id
						 ORDER BY coalesce(c.starts_on, '-infinity'::pg_catalog.date), c.ends_on NULLS LAST,
								  c.seats NULLS FIRST, c.amount NULLS FIRST, c.plan)) w
	  JOIN a ON dormancy._single_row(a.day)
), picked AS (
	-- the current term (started, covering as_of, ending last) and the latest
	-- term in the downgrade window with fewer seats or a lower amount than
	-- the one before it, each picked whole by one ordered aggregate
	-- (dormancy._contract_term, _contract_downgrade): a row_number() window
	-- for each sorted every term again.  Terms of one start and end: the one
	-- with more seats, then the higher amount, then the plan (the windows
	-- left that to the sort)
	SELECT t.customer_id,
		   pg_catalog.count(*) AS terms,
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started) AS last_end,
		   coalesce(pg_catalog.bool_or(t.is_current), false) AS covered,
		   coalesce(pg_catalog.bool_or(t.starts_on > a.day), false) AS renewed_ahead,
		   -- the latest end of a started term whose auto-renew is not off
		   -- (true or unknown): before last_end, every term that ended last
		   -- had auto-renew off
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started AND t.auto_renew IS DISTINCT FROM false) AS last_end_renewing,
		   pg_catalog.bool_or(t.is_downgrade) AS down,
		   (pg_catalog.array_agg(ROW(t.starts_on, t.ends_on, t.plan, t.seats, t.amount, t.auto_renew, t.end_day)::dormancy._contract_term
								 ORDER BY t.end_day DESC, t.starts_on DESC NULLS LAST,
										  t.seats DESC NULLS LAST, t.amount DESC NULLS LAST, t.plan, t.auto_renew DESC)
				FILTER (WHERE t.is_current))[1] AS cur,
		   (pg_catalog.array_agg(ROW(t.starts_on, t.prev_seats, t.seats, t.prev_amount, t.amount, t.prev_plan, t.plan)::dormancy._contract_downgrade
								 ORDER BY t.starts_on DESC NULLS LAST, t.end_day DESC,
										  t.seats DESC NULLS LAST, t.amount DESC NULLS LAST, t.plan)
				FILTER (WHERE t.is_downgrade))[1] AS downgrade
	  FROM terms t JOIN a ON dormancy._single_row(a.day)
	 GROUP BY t.customer_id
)
SELECT p.customer_id,
	   p.terms,
	   (p.cur).starts_on AS current_starts_on,
	   (p.cur).ends_on AS current_ends_on,
	   (p.cur).plan AS current_plan,
	   (p.cur).seats AS current_seats,
	   (p.cur).amount AS current_amount,
	   (p.cur).auto_renew AS current_auto_renew,
	   CASE WHEN p.last_end < 'infinity'::pg_catalog.date THEN p.last_end END AS contract_end_at,
	   CASE WHEN p.last_end IS NOT NULL THEN least(p.last_end, a.day) END AS last_covered_day,
	   (p.last_end IS NOT NULL AND NOT p.covered
		AND (p.last_end + a.contract_grace_period)::pg_catalog.date < a.day) AS contract_lapsed,
	   CASE WHEN p.last_end IS NOT NULL AND NOT p.covered THEN a.day - p.last_end END AS days_since_contract_end,
	   -- the current term will not renew; or, once no term covers as_of,
	   -- the term that ended last did not (auto-renew off), until the
	   -- contract counts as lapsed: the month after the end is when to call
	   -- (seed 002), and contract_lapsed waits for the grace period
	   (NOT p.renewed_ahead
		AND (coalesce((p.cur).auto_renew = false, false)
			 OR (p.last_end IS NOT NULL AND NOT p.covered
				 AND (p.last_end + a.contract_grace_period)::pg_catalog.date >= a.day
				 AND (p.last_end_renewing IS NULL OR p.last_end_renewing < p.last_end)))) AS auto_renew_off,
	   CASE WHEN (p.cur).end_day < 'infinity'::pg_catalog.date AND NOT p.renewed_ahead
			THEN (p.cur).end_day - a.day END AS renewal_due_in_days,
	   (a.day + a.renewal_horizon)::pg_catalog.date - a.day AS renewal_horizon_days,
	   p.down AS downgraded,
	   (p.downgrade).starts_on AS downgraded_on,
	   (p.downgrade).prev_seats AS seats_before,
	   (p.downgrade).seats AS seats_after,
	   (p.downgrade).prev_amount AS amount_before,
	   (p.downgrade).amount AS amount_after,
	   (p.downgrade).prev_plan AS plan_before,
	   (p.downgrade).plan AS plan_after,
	   a.day AS as_of
  FROM picked p
  JOIN a ON dormancy._single_row(a.day);
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
COMMENT ON COLUMN dormancy.contract_signals.auto_renew_off IS 'no later term is signed, and the current term has auto-renew off, or (no term covering as_of) the terms that ended last had auto-renew off and ended within the grace period (not yet contract_lapsed)';
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

-- customer_engagement: events per customer in the engagement window, by kind.
CREATE OR REPLACE VIEW dormancy.customer_engagement WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.engagement_window)::pg_catalog.date AS window_start
	  FROM dormancy._source_settings s
), by_source_kind AS (
	-- one row per customer and kind of the source first: two aggregates per
	-- event instead of sixteen, and the kinds mapped once per row of this
	-- (an events table is often many times the orders)
	SELECT e.customer_id, e.source_kind,
		   pg_catalog.count(*) FILTER (WHERE e.occurred_on > a.window_start)::integer AS in_window,
		   pg_catalog.max(e.occurred_on) AS last_on
	  FROM dormancy.src_events e
	  JOIN a ON dormancy._single_row(a.day)
	 WHERE e.customer_id IS NOT NULL AND e.occurred_on IS NOT NULL AND pg_catalog.isfinite(e.occurred_on)
	   AND e.occurred_on <= a.day
	 GROUP BY e.customer_id, e.source_kind
), by_kind AS (
	SELECT s.customer_id, coalesce(k.kind, 'other') AS kind, s.in_window, s.last_on
	  FROM by_source_kind s
	  LEFT JOIN dormancy.event_kinds k ON dormancy.label_key(k.source_kind) = dormancy.label_key(s.source_kind)
)
SELECT ev.customer_id,
	   pg_catalog.sum(ev.in_window)::integer AS events_in_window,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'email_open'), 0)::integer AS email_opens,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'email_click'), 0)::integer AS email_clicks,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'web_visit'), 0)::integer AS web_visits,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'pricing_view'), 0)::integer AS pricing_views,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'document_download'), 0)::integer AS document_downloads,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'support_visit'), 0)::integer AS support_visits,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'other'), 0)::integer AS other_events,
	   pg_catalog.max(ev.last_on) AS last_event_at,
	   a.day - pg_catalog.max(ev.last_on) AS days_since_last_event,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'email_open') AS days_since_last_email_open,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'email_click') AS days_since_last_email_click,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'web_visit') AS days_since_last_web_visit,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'pricing_view') AS days_since_last_pricing_view,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'document_download') AS days_since_last_document_download,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'support_visit') AS days_since_last_support_visit,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'other') AS days_since_last_other_event,
	   a.day - a.window_start AS engagement_window_days,
	   a.day AS as_of
  FROM by_kind ev JOIN a ON dormancy._single_row(a.day)
 GROUP BY ev.customer_id, a.day, a.window_start;
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

-- customer_deals: the last closed deal per customer (open deals counted apart):
-- the latest day, then the latest instant of that day when the bound column
-- has one.  The last deal's columns are picked together, as one
-- dormancy._closed_deal (sql_src/50_sources.sql).
CREATE OR REPLACE VIEW dormancy.customer_deals WITH (security_invoker = true) AS
WITH a AS (
	SELECT ao.day FROM dormancy._as_of ao
), d AS (
	SELECT x.customer_id, x.closed_on, x.closed_at, x.source_outcome, x.source_reason, x.note,
		   coalesce(o.outcome, 'unknown') AS outcome,
		   -- no reason given: the outcome's wording when it carries one
		   -- (lost - competitor and its installed Japanese wordings: in
		   -- deal_reasons too)
		   CASE WHEN x.source_reason IS NULL OR dormancy.label_key(x.source_reason) = '' THEN ro.reason
				ELSE coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.src_deals x
	  LEFT JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(x.source_outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(x.source_reason)
	  LEFT JOIN dormancy.deal_reasons ro ON dormancy.label_key(ro.source_reason) = dormancy.label_key(x.source_outcome)
	 WHERE x.customer_id IS NOT NULL
), closed AS (
	SELECT d.*, (d.outcome IS DISTINCT FROM 'open' AND d.closed_on IS NOT NULL AND pg_catalog.isfinite(d.closed_on)
				 AND d.closed_on <= a.day) AS counts
	  FROM d JOIN a ON dormancy._single_row(a.day)
), g AS (
	SELECT c.customer_id, a.day,
		   (pg_catalog.array_agg(ROW(c.closed_on, c.outcome, c.reason, c.source_outcome, c.source_reason, c.note)::dormancy._closed_deal
								 ORDER BY c.closed_on DESC, c.closed_at DESC NULLS LAST, c.outcome, c.reason,
										  c.source_outcome, c.note)
				FILTER (WHERE c.counts))[1] AS last_deal,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'won')::integer AS deals_won,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'lost')::integer AS deals_lost,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'postponed')::integer AS deals_postponed,
		   pg_catalog.count(*) FILTER (WHERE c.outcome = 'open')::integer AS open_deals,
		   pg_catalog.max(c.closed_on) FILTER (WHERE c.counts AND c.outcome = 'won') AS last_won_at
	  FROM closed c JOIN a ON dormancy._single_row(a.day)
	 GROUP BY c.customer_id, a.day
)
SELECT g.customer_id,
	   (g.last_deal).closed_on AS last_deal_at,
	   g.day - (g.last_deal).closed_on AS days_since_last_deal,
	   (g.last_deal).outcome AS last_deal_outcome,
	   (g.last_deal).reason AS last_deal_reason,
	   (g.last_deal).source_outcome AS last_deal_source_outcome,
	   (g.last_deal).source_reason AS last_deal_source_reason,
	   (g.last_deal).note AS last_deal_note,
	   g.deals_won,
	   g.deals_lost,
	   g.deals_postponed,
	   g.open_deals,
	   g.last_won_at,
	   g.day AS as_of
  FROM g;
COMMENT ON VIEW dormancy.customer_deals IS 'the last closed deal per customer with deals, and deal counts';
COMMENT ON COLUMN dormancy.customer_deals.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_at IS 'close day of the last deal that is not open, up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.days_since_last_deal IS 'as_of minus last_deal_at';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_outcome IS 'won, lost, postponed, or unknown (an outcome that is NULL or not in dormancy.deal_outcomes)';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_reason IS 'price, features, competitor, timing, budget, circumstances or other; without a reason given, the reason its outcome wording carries (in dormancy.deal_reasons, as lost - competitor), else NULL';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_outcome IS 'the outcome as it is in the bound relation';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_reason IS 'the reason as it is in the bound relation';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_note IS 'the note of the last deal';
COMMENT ON COLUMN dormancy.customer_deals.deals_won IS 'won deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.deals_lost IS 'lost deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.deals_postponed IS 'postponed deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.open_deals IS 'deals whose outcome is open';
COMMENT ON COLUMN dormancy.customer_deals.last_won_at IS 'close day of the last won deal';
COMMENT ON COLUMN dormancy.customer_deals.as_of IS 'the as-of day';

-- customer_contacts: per customer with contacts, the usable ones counted
-- (the data gaps of customer_status; D9, docs/sources.md).
CREATE OR REPLACE VIEW dormancy.customer_contacts WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.contact_stale_after)::pg_catalog.date AS fresh_from,
		   s.phone_country
	  FROM dormancy._source_settings s
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
		   -- per-country rules after NFKC (full-width digits count)
		   dormancy.phone_valid(c.phone, a.phone_country) AS phone_ok,
		   c.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$' AS email_ok
	  FROM c JOIN a ON dormancy._single_row(a.day)
)
SELECT k.customer_id,
	   pg_catalog.count(*) AS contacts,
	   pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS phones,
	   pg_catalog.count(*) FILTER (WHERE k.email_ok) AS emails,
	   pg_catalog.count(k.person) AS persons,
	   -- invalid: a value that is not valid (phone_ok and email_ok are NULL
	   -- only without a value), from the same aggregates as phones and
	   -- emails, so that each check runs once a row, not again under a NOT
	   pg_catalog.count(k.phone) - pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS invalid_phones,
	   pg_catalog.count(k.email) - pg_catalog.count(*) FILTER (WHERE k.email_ok) AS invalid_emails,
	   pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) AS last_updated_at,
	   coalesce(pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) < a.fresh_from, true) AS outdated,
	   a.day AS as_of
  FROM checked k JOIN a ON dormancy._single_row(a.day)
 GROUP BY k.customer_id, a.day, a.fresh_from;
COMMENT ON VIEW dormancy.customer_contacts IS 'usable phone numbers, e-mail addresses and contact persons per customer with contacts (bind_contacts)';
COMMENT ON COLUMN dormancy.customer_contacts.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_contacts.contacts IS 'contact rows of the customer';
COMMENT ON COLUMN dormancy.customer_contacts.phones IS 'usable phone numbers: dormancy.phone_valid() in source_settings.phone_country (Japanese numbers of 10 or 11 digits by prefix, other countries +8 to 15 digits; full-width digits count)';
COMMENT ON COLUMN dormancy.customer_contacts.emails IS 'usable e-mail addresses: local@domain.tld without spaces';
COMMENT ON COLUMN dormancy.customer_contacts.persons IS 'contact persons named (not blank)';
COMMENT ON COLUMN dormancy.customer_contacts.invalid_phones IS 'phone values that are not blank and not a usable number';
COMMENT ON COLUMN dormancy.customer_contacts.invalid_emails IS 'e-mail values that are not blank and not a usable address';
COMMENT ON COLUMN dormancy.customer_contacts.last_updated_at IS 'the latest update day of the contacts up to as_of (NULL when unknown)';
COMMENT ON COLUMN dormancy.customer_contacts.outdated IS 'last_updated_at is unknown or older than source_settings.contact_stale_after before as_of';
COMMENT ON COLUMN dormancy.customer_contacts.as_of IS 'the as-of day';

-- customer_outreach: per customer with outreach (bind_outreach, else
-- dormancy.outreach_log), the contacts up to as_of and the latest of them;
-- the latest outcome that is not not_reached (the latest conversation) and
-- its declined reason are evidence of the likely reason (outreach_declined,
-- outreach_reason_competitor, ...; docs/outreach.md).  Ties of one instant
-- are broken by the log's row number, then the values.  The latest contact's
-- and the latest conversation's columns are each picked together, in one
-- ordered aggregate (dormancy._last_contact, _last_conversation,
-- sql_src/67_outreach.sql): each ordered aggregate sorts a customer's rows.
-- opted_out_on: the day of the latest opt-out (outreach_outcomes.opt_out)
-- when no conversation of the customer's own interest (_interest_outcomes:
-- interested, meeting, quote, order) came after it; one of the same instant
-- does not lift it; -infinity for an opt-out without a time, which nothing
-- lifts, unless a dated opt-out is in force too (_opt_out_in_force, the
-- rule campaign_list applies too, on the same aggregates:
-- sql_src/67_outreach.sql; docs/outreach.md, Opt-outs).  recontact_on:
-- the day after the hold that follows a contact
-- (outreach_settings.recontact_after) when it is still ahead, else NULL; a
-- mailing (direct_mail, step_mail) without an answer (delivered or opened
-- is none) holds nobody back, since a follow-up call is its point
-- (docs/outreach.md, Recent contacts).
CREATE OR REPLACE VIEW dormancy.customer_outreach WITH (security_invoker = true) AS
WITH a AS (
	SELECT ao.day, (SELECT s.recontact_after FROM dormancy.outreach_settings_in_force() s) AS recontact_after
	  FROM dormancy._as_of ao
), o AS (
	SELECT y.*,
		   (y.counts AND NOT y.unanswered) AS holds,
		   (y.counts AND dormancy._conversation(y.channel, y.outcome, y.source_outcome)) AS conversation
	  FROM (SELECT x.*, (pg_catalog.isfinite(x.contacted_at) AND x.contacted_on <= a.day) IS TRUE AS counts,
				   (x.contacted_at IS NULL OR NOT pg_catalog.isfinite(x.contacted_at)) AS undated,
				   -- a message the customer did not answer (_unanswered,
				   -- sql_src/67_outreach.sql: delivered by any channel, a
				   -- direct or step mailing with no outcome, not reached or
				   -- reached) holds nobody back and is no conversation
				   -- (_conversation: a decline heard before it stays the
				   -- latest thing the customer said), the rule
				   -- campaign_outcomes.reached reads too.  An answer
				   -- (interest, a decline) holds and is a conversation; an
				   -- outcome nobody mapped holds, as a channel nobody mapped
				   -- does
				   dormancy._unanswered(x.channel, x.outcome, x.source_outcome) AS unanswered
			  FROM dormancy.src_outreach x JOIN a ON dormancy._single_row(a.day)
			 -- a contact without a (finite) time is left out (source_issues
			 -- lists it), but for an opt-out: its time unknown, it is in
			 -- force and nothing lifts it (the customer asked not to be
			 -- called; no conversation can be known to come after it)
			 WHERE x.customer_id IS NOT NULL
			   AND ((x.contacted_at IS NOT NULL AND pg_catalog.isfinite(x.contacted_at)) OR x.opt_out)) y
), g AS (
	SELECT o.customer_id, a.day, a.recontact_after,
		   pg_catalog.count(*) FILTER (WHERE o.counts) AS contacts,
		   pg_catalog.count(*) FILTER (WHERE o.conversation) AS conversations,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts) AS last_contacted_at,
		   (pg_catalog.array_agg(ROW(o.channel, o.theme, o.campaign_id)::dormancy._last_contact
								 ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome, o.channel, o.theme)
				FILTER (WHERE o.counts))[1] AS last_contact,
		   (pg_catalog.array_agg(ROW(o.contacted_on, o.outcome,
									 CASE WHEN o.outcome = 'declined' THEN o.declined_reason END)::dormancy._last_conversation
								 ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome, o.declined_reason)
				FILTER (WHERE o.conversation))[1] AS last_conversation,
		   -- the opt-out in force (_opt_out_in_force, below; campaign_list
		   -- aggregates the same): the latest dated opt-out, whether one
		   -- has no time (in force, nothing can come after it) and the
		   -- latest interest
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts AND o.opt_out) AS last_opt_out_at,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts AND o.opt_out) AS last_opt_out_on,
		   pg_catalog.bool_or(o.undated) FILTER (WHERE o.opt_out) AS undated_opt_out,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts AND o.outcome = ANY (dormancy._interest_outcomes()))
				AS last_interest_at,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts) AS last_contacted_on,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.holds) AS last_holding_contact_on,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts AND o.outcome = ANY (dormancy._interest_outcomes()))
				AS last_interest_on
	  FROM o JOIN a ON dormancy._single_row(a.day)
	 GROUP BY o.customer_id, a.day, a.recontact_after
)
SELECT g.customer_id,
	   g.contacts,
	   g.conversations,
	   g.last_contacted_at,
	   (g.last_contact).channel AS last_channel,
	   (g.last_contact).theme AS last_theme,
	   -- a campaign id that is no campaign: a contact without a campaign, as
	   -- campaign_outcomes and source_issues count it
	   CASE WHEN EXISTS (SELECT FROM dormancy.campaigns c WHERE c.campaign_id = (g.last_contact).campaign_id)
			THEN (g.last_contact).campaign_id END AS last_campaign_id,
	   (g.last_conversation).contacted_on AS last_outcome_on,
	   (g.last_conversation).outcome AS last_outcome,
	   (g.last_conversation).declined_reason AS last_declined_reason,
	   g.day AS as_of,
	   -- in force: the day of the latest dated opt-out when that one is in
	   -- force, else none known (-infinity: only an opt-out without a time)
	   CASE WHEN dormancy._opt_out_in_force(g.last_opt_out_at, g.undated_opt_out, g.last_interest_at)
			THEN CASE WHEN dormancy._opt_out_in_force(g.last_opt_out_at, false, g.last_interest_at)
					  THEN g.last_opt_out_on ELSE '-infinity'::pg_catalog.date END END AS opted_out_on,
	   g.last_contacted_on,
	   CASE WHEN (g.last_holding_contact_on + g.recontact_after)::pg_catalog.date > g.day
			THEN (g.last_holding_contact_on + g.recontact_after)::pg_catalog.date END AS recontact_on,
	   g.last_interest_on
  FROM g;
COMMENT ON VIEW dormancy.customer_outreach IS 'per customer with outreach (bind_outreach, else dormancy.outreach_log): the contacts up to as_of and the latest of them, and the latest conversation''s outcome and declined reason (evidence of the likely reason)';
COMMENT ON COLUMN dormancy.customer_outreach.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_outreach.contacts IS 'contacts (attempts included) on or before as_of';
COMMENT ON COLUMN dormancy.customer_outreach.conversations IS 'contacts on or before as_of with an outcome other than not_reached, not counting a message delivered without an answer (outcome delivered, by any channel) nor a direct or step mailing the customer did not answer (no outcome, not_reached or reached)';
COMMENT ON COLUMN dormancy.customer_outreach.last_contacted_at IS 'the time of the latest contact on or before as_of';
COMMENT ON COLUMN dormancy.customer_outreach.last_channel IS 'the channel of the latest contact (email, direct_mail, phone, visit, step_mail; NULL when unmapped or not given)';
COMMENT ON COLUMN dormancy.customer_outreach.last_theme IS 'the message theme of the latest contact (NULL when unmapped or not given)';
COMMENT ON COLUMN dormancy.customer_outreach.last_campaign_id IS 'the campaign of the latest contact, NULL for none (and for a campaign id that is none of dormancy.campaigns: source_issues lists it)';
COMMENT ON COLUMN dormancy.customer_outreach.last_outcome_on IS 'the day of the latest conversation (outcome other than not_reached; a message delivered without an answer, or a direct or step mailing the customer did not answer, is none)';
COMMENT ON COLUMN dormancy.customer_outreach.last_outcome IS 'the outcome of the latest conversation: reached, interested, meeting, quote, order or declined (evidence outreach_<outcome>; a message delivered without an answer, or an unanswered mailing, is no conversation)';
COMMENT ON COLUMN dormancy.customer_outreach.last_declined_reason IS 'when the latest conversation was declined, its reason: price, features, competitor, timing, budget, circumstances or other (evidence outreach_reason_<reason>); else NULL';
COMMENT ON COLUMN dormancy.customer_outreach.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.customer_outreach.opted_out_on IS 'the day the customer asked not to be contacted again (an outcome with outreach_outcomes.opt_out) on or before as_of, when no later outcome interested, meeting, quote or order lifted it; -infinity for an opt-out without a (finite) time, which nothing lifts; NULL otherwise.  Such a customer is left off call_list, snapshot_call_list and new campaigns';
COMMENT ON COLUMN dormancy.customer_outreach.last_contacted_on IS 'the day (in the zone of dormancy.time_zone) of the latest contact on or before as_of, attempts included';
COMMENT ON COLUMN dormancy.customer_outreach.recontact_on IS 'the first day the customer may be contacted again: the day of the latest contact that holds the customer back (any but a message delivered without an answer, or a direct or step mailing the customer did not answer) plus outreach_settings.recontact_after, when that is after as_of; NULL otherwise (and while recontact_after is NULL).  Such a customer is held back from call_list, snapshot_call_list and new campaigns';
COMMENT ON COLUMN dormancy.customer_outreach.last_interest_on IS 'the day of the latest contact on or before as_of with an outcome of the customer''s own interest (interested, meeting, quote, order); NULL without any.  It ends a hold until next fiscal year''s budget that a deal closed before it began (customer_status.reapproach_on)';

-- source_issues: rows of the optional sources the views cannot use or had to
-- interpret, counted per kind.  Every source reports its rows without a
-- customer and those of unknown customers alike.  The unknown customers are
-- anti-joins, and the unmapped wordings are counted first and matched with
-- the mappings after: Citus runs neither a correlated subquery over the
-- customers nor one over a local mapping beside a distributed source.
CREATE OR REPLACE VIEW dormancy.source_issues WITH (security_invoker = true) AS
SELECT 'contracts'::pg_catalog.text AS source, 'contract_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'contract terms whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_contracts x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'contracts', 'contract_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_contracts x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'events'::pg_catalog.text AS source, 'event_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'events whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_events x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'events', 'event_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_events x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'deals'::pg_catalog.text AS source, 'deal_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'deals whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_deals x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'deals', 'deal_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'deals of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_deals x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'contacts'::pg_catalog.text AS source, 'contact_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'contacts whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_contacts x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'contacts', 'contact_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contacts of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_contacts x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
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
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on > '-infinity'::pg_catalog.date
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_end', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without an end: taken as open-ended (running)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on IS NULL AND c.starts_on < 'infinity'::pg_catalog.date
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_ends_before_start', c.customer_id::pg_catalog.text,
	   (pg_catalog.array_agg(c.starts_on::pg_catalog.text || ' > ' || c.ends_on::pg_catalog.text
							 ORDER BY c.starts_on, c.ends_on))[1], pg_catalog.count(*),
	   'contract terms that end before they start, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on < c.starts_on
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_number_out_of_range', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms whose seats or amount is beyond +-1e15, NaN or infinite: read as unknown (NULL)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.numbers_out_of_range
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_covers_no_day', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms ending at -infinity or starting at infinity, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL
   AND (c.ends_on = '-infinity'::pg_catalog.date OR c.starts_on = 'infinity'::pg_catalog.date)
   AND NOT coalesce(c.ends_on < c.starts_on, false)
 GROUP BY c.customer_id
UNION ALL
SELECT 'events', 'event_without_date', e.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events whose time is NULL or infinite, left out'
  FROM dormancy.src_events e
 WHERE e.customer_id IS NOT NULL AND (e.occurred_on IS NULL OR NOT pg_catalog.isfinite(e.occurred_on))
 GROUP BY e.customer_id
UNION ALL
SELECT 'events', 'event_kind_unmapped', NULL, e.source_kind, e.rows,
	   'event kinds not in dormancy.event_kinds (NULL included), counted as other'
  FROM (SELECT e.source_kind, pg_catalog.count(*) AS rows FROM dormancy.src_events e GROUP BY e.source_kind) e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
				   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(e.source_kind))
UNION ALL
SELECT 'deals', 'deal_without_date', d.customer_id::pg_catalog.text, NULL, pg_catalog.sum(d.rows)::pg_catalog.int8,
	   'deals that are not open and have no (finite) close date, left out of the last deal'
  FROM (SELECT d.customer_id, d.source_outcome, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE d.customer_id IS NOT NULL AND (d.closed_on IS NULL OR NOT pg_catalog.isfinite(d.closed_on))
		 GROUP BY d.customer_id, d.source_outcome) d
 -- (the open outcomes' keys as one array, not a correlated subquery: grouped
 -- by customer, this branch runs on the Citus workers, and Citus refuses a
 -- local table correlated with it)
 WHERE NOT coalesce(dormancy.label_key(d.source_outcome)
					  = ANY (ARRAY(SELECT dormancy.label_key(o.source_outcome) FROM dormancy.deal_outcomes o
									WHERE o.outcome = 'open')), false)
 GROUP BY d.customer_id
UNION ALL
SELECT 'deals', 'deal_outcome_unmapped', NULL, d.source_outcome, d.rows,
	   'deal outcomes not in dormancy.deal_outcomes (NULL included): outcome unknown, neutral in the score'
  FROM (SELECT d.source_outcome, pg_catalog.count(*) AS rows FROM dormancy.src_deals d GROUP BY d.source_outcome) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
				   WHERE dormancy.label_key(o.source_outcome) = dormancy.label_key(d.source_outcome))
UNION ALL
SELECT 'deals', 'deal_reason_unmapped', NULL, d.source_reason, d.rows,
	   'lost reasons not in dormancy.deal_reasons, counted as other'
  FROM (SELECT d.source_reason, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE d.source_reason IS NOT NULL AND dormancy.label_key(d.source_reason) <> ''
		 GROUP BY d.source_reason) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(d.source_reason))
UNION ALL
SELECT 'outreach', 'outreach_without_customer', NULL, NULL, pg_catalog.count(*),
	   'contacts whose customer is NULL, left out'
  FROM dormancy.src_outreach x WHERE x.source_customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
-- (the id as written: a text id's key, white space trimmed, matched no one)
SELECT 'outreach', 'outreach_customer_not_found', COALESCE(x.source_customer_id, x.customer_id::pg_catalog.text),
	   NULL, pg_catalog.count(*),
	   'contacts of a customer not in the bound customers (no customer id has this text, its white space trimmed at both ends when it is text, in dormancy.outreach_log or a bound table: dormancy.outreach_customer_key), not in customer_status'
  FROM dormancy.src_outreach x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.source_customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY 3
UNION ALL
SELECT 'outreach', 'outreach_without_date', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contacts without a (finite) contact time, left out; an opt-out among them keeps the customer off the lists all the same (customer_outreach.opted_out_on -infinity unless a dated opt-out gives its day): give it its time'
  FROM dormancy.src_outreach x
 WHERE x.customer_id IS NOT NULL AND (x.contacted_at IS NULL OR NOT pg_catalog.isfinite(x.contacted_at))
 GROUP BY x.customer_id
UNION ALL
SELECT 'outreach', 'outreach_campaign_not_found', NULL, x.campaign_id::pg_catalog.text, x.rows,
	   'contacts whose campaign id is not in dormancy.campaigns: counted as contacts without a campaign'
  FROM (SELECT x.campaign_id, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x WHERE x.campaign_id IS NOT NULL GROUP BY x.campaign_id) x
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.campaigns c WHERE c.campaign_id = x.campaign_id)
UNION ALL
-- (the contacts grouped first, then matched with the local campaigns: as
-- above, for Citus)
SELECT 'outreach', 'outreach_before_campaign', x.customer_id::pg_catalog.text, x.campaign_id::pg_catalog.text,
	   pg_catalog.sum(x.rows)::pg_catalog.int8,
	   'contacts of a campaign dated before the campaign''s start day: not counted for it'
  FROM (SELECT x.customer_id, x.campaign_id, x.contacted_on, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x
		 WHERE x.campaign_id IS NOT NULL AND x.customer_id IS NOT NULL
		 GROUP BY x.customer_id, x.campaign_id, x.contacted_on) x
  JOIN dormancy.campaigns c ON c.campaign_id = x.campaign_id
 -- (a contact without a usable time is outreach_without_date, not this)
 WHERE x.contacted_on < c.as_of AND pg_catalog.isfinite(x.contacted_on)
 GROUP BY x.customer_id, x.campaign_id
UNION ALL
-- price changes for one category while no category is bound: they match no
-- purchase (a change with category NULL applies to everyone)
SELECT 'price_changes', 'price_change_category_unbound', NULL, p.category, pg_catalog.count(*),
	   'price changes recorded for a category while the orders have no category column bound: they apply to no customer'
  FROM dormancy.price_changes p
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_categories_bound)
 WHERE p.category IS NOT NULL AND NOT b.order_categories_bound
 GROUP BY p.category
UNION ALL
-- a view (not security_invoker) between an adapter and a table with row
-- security: the view reads the table as its owner, so the policies do not
-- apply to the querying role; found live in the catalogs, from each adapter
-- down through the views it reads
SELECT s.source, 'bound_view_not_security_invoker', NULL, b.definer::pg_catalog.text, pg_catalog.count(*),
	   'a view that is not security_invoker reads tables with row-level security as its owner: their policies do not apply to the roles that query the live views (ALTER VIEW ... SET (security_invoker = true))'
  FROM (VALUES ('customers', 'src_customers'), ('orders', 'src_orders'), ('contracts', 'src_contracts'),
			   ('events', 'src_events'), ('deals', 'src_deals'), ('contacts', 'src_contacts'),
			   ('outreach', 'src_outreach')) s(source, adapter)
  JOIN pg_catalog.pg_class a ON a.relname = s.adapter AND a.relnamespace = 'dormancy'::pg_catalog.regnamespace
 -- (the outreach log's adapter reads the customers' adapter: that is the
 -- customers' source, reported there)
 CROSS JOIN LATERAL dormancy._row_security_bypassed(a.oid::pg_catalog.regclass,
		CASE WHEN s.source = 'outreach' THEN 'dormancy.src_customers'::pg_catalog.regclass END) b
 GROUP BY s.source, b.definer;
COMMENT ON VIEW dormancy.source_issues IS 'rows of the contracts, events, deals, contacts and outreach sources that cannot be used or had to be interpreted, counted per kind; price changes that apply to no customer; bound views through which row-level security does not apply';
COMMENT ON COLUMN dormancy.source_issues.source IS 'contracts, events, deals, contacts or outreach; price_changes; or the source whose bound view is not security_invoker (customers, orders, ...)';
COMMENT ON COLUMN dormancy.source_issues.issue IS 'what is wrong (docs/sources.md lists every issue)';
COMMENT ON COLUMN dormancy.source_issues.customer_id IS 'the customer id concerned, as text';
COMMENT ON COLUMN dormancy.source_issues.value IS 'the value concerned (an unmapped kind, outcome or reason; the dates of the first term ending before its start; the category of a price change; the view that is not security_invoker)';
COMMENT ON COLUMN dormancy.source_issues.rows IS 'rows concerned';
COMMENT ON COLUMN dormancy.source_issues.detail IS 'what the issue means and what was done with the rows';

-- customer_column_indexes: whether each bound table has an index on the
-- column that holds the customer id.  A lookup of one customer
-- (customer_status WHERE customer_id = $1) reads that customer's rows of
-- every bound source through the source's index on its customer column;
-- without one it reads every row of that source, and a lookup that takes
-- milliseconds takes as long as the table is large.  Nothing else tells:
-- the answer is the same, only slower.  Per bound table (each partition or
-- inheritance child on a row of its own, from the catalogs:
-- _customer_column_indexes), whether such an index exists, and the
-- statement that makes one.
CREATE OR REPLACE VIEW dormancy.customer_column_indexes WITH (security_invoker = true) AS
SELECT x.source,
	   x.table_name,
	   x.column_name,
	   x.relation_kind,
	   CASE WHEN x.relation_kind IN ('table', 'materialized view') THEN x.index_name IS NOT NULL END AS indexed,
	   x.index_name,
	   x.estimated_rows,
	   CASE WHEN x.relation_kind IN ('table', 'materialized view') AND x.index_name IS NULL
			THEN pg_catalog.format('CREATE INDEX ON %s (%s)', x.index_on, x.lookup_key)
	   END AS create_index,
	   -- the orders only: the histories fold them in the customers' order
	   -- through the index, and an index that holds every bound column lets
	   -- that fold (and a lookup) read the index alone: docs/operations.md,
	   -- An index that covers the orders
	   CASE WHEN x.source = 'orders' AND x.relation_kind IN ('table', 'materialized view')
			THEN x.covering_index IS NOT NULL END AS covered,
	   x.covering_index,
	   CASE WHEN x.source = 'orders' AND x.relation_kind IN ('table', 'materialized view') AND x.covering_index IS NULL
			THEN pg_catalog.format('CREATE INDEX ON %s (%I) INCLUDE (%s)', x.index_on, x.column_name,
								   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o), ', ' ORDER BY n)
									  FROM pg_catalog.unnest(x.other_columns) WITH ORDINALITY u(o, n)))
	   END AS create_covering_index
  FROM dormancy._customer_column_indexes() x;
COMMENT ON VIEW dormancy.customer_column_indexes IS
	'per bound table (each partition or inheritance child on its own row): whether an index on its customer column lets a lookup of one customer read only that customer''s rows, and the statement that makes one when it is missing; for the orders also whether an index holds every bound column, and the statement that makes one';
COMMENT ON COLUMN dormancy.customer_column_indexes.source IS 'the source it is bound as: customers, orders, contracts, events, deals, contacts or outreach';
COMMENT ON COLUMN dormancy.customer_column_indexes.table_name IS 'the bound relation, or one of its partitions or inheritance children';
COMMENT ON COLUMN dormancy.customer_column_indexes.column_name IS 'the column bound as the customer id (the id of the customers)';
COMMENT ON COLUMN dormancy.customer_column_indexes.relation_kind IS 'table, materialized view, view or foreign table';
COMMENT ON COLUMN dormancy.customer_column_indexes.indexed IS 'true when a valid B-tree or hash index starts with the customer column (for a bound outreach table with text ids: with its key, dormancy.outreach_customer_key(column)), whole or partial with the predicate customer column IS NOT NULL; false when none does (a lookup of one customer reads every row); NULL for a view or foreign table, whose indexes are not visible here';
COMMENT ON COLUMN dormancy.customer_column_indexes.index_name IS 'the index a lookup can use (a full index before a partial one)';
COMMENT ON COLUMN dormancy.customer_column_indexes.estimated_rows IS 'the rows the planner estimates the table holds (pg_class.reltuples; 0 before its first ANALYZE): what a lookup reads without the index';
COMMENT ON COLUMN dormancy.customer_column_indexes.create_index IS 'when the index is missing, the statement that makes it (on the bound partitioned table for a partition)';
COMMENT ON COLUMN dormancy.customer_column_indexes.covered IS 'for the orders: true when a valid B-tree index starts with the customer column and holds every other bound column (key or INCLUDE), so that the purchase histories read the index alone (index-only scans); NULL for the other sources, views and foreign tables';
COMMENT ON COLUMN dormancy.customer_column_indexes.covering_index IS 'for the orders: the index that covers them (a full index before a partial one)';
COMMENT ON COLUMN dormancy.customer_column_indexes.create_covering_index IS 'for the orders, when no index covers them: the statement that makes one (the customer column, then the other bound columns as INCLUDE; on the bound partitioned table for a partition)';

-- customer_core: one row per customer with its state, decline signals,
-- price changes and contract columns; customer_status adds the rest.  The
-- derived columns come from one C evaluation (_customer_facts); b is what
-- is bound (src_bindings).
CREATE OR REPLACE VIEW dormancy.customer_core WITH (security_invoker = true) AS
-- The settings (the as-of day, the decline settings, the configuration) are
-- each read once, in a CTE, and reach the rows only through init plans
-- (parameters).  Until 2026-12-06 the as-of day and the decline settings
-- were relations of one row joined to the customers: the planner put them
-- on the outer side of a nested loop over every customer, whose inner side,
-- planned for rewinding, kept the Materialize of the histories below the
-- merge join from trimming its tuplestore (771 MB of temporary files at
-- 1,000,000 demo customers with the default work_mem; none now, and
-- customer_core 9.0-10.1 s against 11.2-11.5 s; docs/operations.md).
WITH as_of AS MATERIALIZED (
	-- read once (inlined, it was read per row and reference)
	SELECT ao.day FROM dormancy._as_of ao
), ds AS MATERIALIZED (
	SELECT d.* FROM dormancy.decline_settings_in_force() d
), config AS MATERIALIZED (
	-- the configuration the C functions read (09_configuration.sql), made
	-- once and read only by init plans (see _customer_facts below)
	SELECT dormancy._configuration() AS configuration
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   f.state,
	   f.last_order_at,
	   f.days_since_last_order,
	   f.last_qualifying_order_at,
	   f.days_since_last_qualifying_order,
	   f.first_order_at,
	   f.orders_count,
	   f.order_days,
	   f.total_amount,
	   f.unknown_amount_orders,
	   f.refunds,
	   f.segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   (SELECT a.day FROM as_of a) AS as_of,
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
	   f.declining,
	   f.decline_signals,
	   f.lapsed_after_price_increase,
	   f.price_increase,
	   f.lapsed_after_spec_change,
	   f.spec_change,
	   f.frequency,
	   f.recency AS recency_days,
	   f.age AS age_days,
	   f.monetary_value,
	   f.monetary_days,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days,
	   c.owner,
	   c.company_id
  FROM dormancy.src_customers c
  -- the bindings (constants, folded into the expressions that read them)
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_discounts_bound)
  -- the histories as customer_histories gives them (live, or inside a
  -- refresh the stored ones: the same gate), as two outer joins rather
  -- than one to its UNION ALL: Citus pushes a union down only on the inner
  -- side of a join, and would collect every history on the coordinator; a
  -- customer is in one of them at most
  LEFT JOIN (SELECT l.customer_id, l.history, l.categories, l.category_last_order_at
			   FROM dormancy.customer_histories_live l
			  WHERE (SELECT NOT dormancy._use_stored_histories())) hl ON hl.customer_id = c.customer_id
  LEFT JOIN dormancy.customer_histories_stored hs ON hs.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  -- the rule of the customer's segment: per customer, so that a lookup of
  -- one customer reads no other (a DISTINCT over every customer's segment
  -- did); LIMIT 1 keeps it a subquery, which the planner memoizes by
  -- segment, so _rule_for() (rule_for() in C, over the configuration of the
  -- query) runs once per segment, not once per customer.  The configuration
  -- comes from the CTE in the subquery's own FROM: read once per segment,
  -- and not part of the memo's key (a column of the outer query would be,
  -- hashed for every customer); Citus does not push down a subquery without
  -- FROM that holds a sublink.  (LIMIT rather than OFFSET 0: the planner
  -- then knows the subquery gives one row.  A Citus worker takes the
  -- configuration's intermediate result for some 800 rows, whatever its
  -- conditions, and priced each customer's row as 800.)
  LEFT JOIN LATERAL (
	SELECT dormancy._rule_for(coalesce(c.industry, ''), coalesce(c.company_size, ''), x.configuration) AS rule
	  FROM config x
	 LIMIT 1
  ) r ON true
 -- every derived column in one evaluation (_customer_facts): those of
 -- history_summary, decline_metrics (with the settings of the one row ds)
 -- and btyd_summary (h, as_of(), '1 day'), the history detoasted and walked
 -- once; the state (for rules with use_contract_end, IT services: a lapsed
 -- licence is dormancy, the last day covered by a contract counts like a
 -- purchase); the days since the last orders; the segment; and the price
 -- changes the customer lapsed after: its last purchase (in the change's
 -- category when categories are bound) came before the change, while the
 -- customer was not yet dormant, and nothing was bought since (the latest
 -- of each kind; the price changes of the configuration)
 CROSS JOIN LATERAL dormancy._customer_facts(coalesce(hl.history, hs.history), (SELECT a.day FROM as_of a),
		(r.rule).min_order_amount,
		(SELECT d.window_length FROM ds d), (SELECT d.trend_years FROM ds d), (SELECT d.season_length FROM ds d),
		(SELECT d.amount_drop_threshold FROM ds d), (SELECT d.frequency_drop_threshold FROM ds d),
		(SELECT d.cadence_slowdown_threshold FROM ds d), (SELECT d.overdue_threshold FROM ds d),
		(SELECT d.season_drop_threshold FROM ds d), (SELECT d.trend_drop_threshold FROM ds d),
		(SELECT d.trend_min_points FROM ds d), b.order_discounts_bound,
		(r.rule).at_risk_after, (r.rule).dormant_after, (r.rule).long_dormant_after,
		(r.rule).use_contract_end, con.last_covered_day,
		coalesce(hl.categories, hs.categories), coalesce(hl.category_last_order_at, hs.category_last_order_at),
		b.order_categories_bound,
		-- the configuration as an init plan: a parameter, not a 16 kB column
		-- carried on every row (on a Citus worker too, which reads the CTE's
		-- one row from the coordinator)
		(SELECT x.configuration FROM config x)) f
 WHERE c.customer_id IS NOT NULL;
COMMENT ON VIEW dormancy.customer_core IS 'internal: the state and decline columns of customer_status (customer_status adds the later parts)';

-- data_issues: rows that the views cannot use, counted instead of dropped.
CREATE OR REPLACE VIEW dormancy.data_issues WITH (security_invoker = true) AS
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
-- orders without a usable time, without an order id (with one: below)
SELECT 'order_without_date', o.customer_id::pg_catalog.text, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose order time is NULL or infinite (or, in dormancy.time_zone, beyond the timestamp range), left out of purchase histories'
  FROM dormancy.src_orders o
 CROSS JOIN dormancy.src_bindings b
 -- (the histories' own test: the order's wall-clock time, _local_time, is
 -- infinite also for an instant whose local time is beyond the range)
 WHERE (o.ordered_at IS NULL
		OR NOT pg_catalog.isfinite(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z))))
   AND NOT b.order_ids_bound
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
UNION ALL
-- amounts out of range (src_orders shows them as unknown)
SELECT 'order_amount_out_of_range', o.customer_id::pg_catalog.text, pg_catalog.count(*), NULL,
	   'orders whose amount is beyond +-1e15, NaN or infinite, taken as unknown amounts'
  FROM dormancy.src_orders o
 WHERE o.amount_out_of_range
 GROUP BY o.customer_id::pg_catalog.text
UNION ALL
-- with an order id bound, the whole orders of src_history_rows (it has none
-- without one), in one pass: the orders none of whose lines has an order
-- time (left out, with all their lines and their net), the lines without
-- one netted into an order that has one, and the orders whose lines net
-- beyond +-1e15 (unknown amounts; rows: their lines).  One grouping of the
-- lines, not three: 1.5 s against 4.7 s at 100,000 demo customers with
-- an order id (medians of 3, 2026-12-08).
SELECT k.issue, g.customer_id,
	   CASE k.n WHEN 1 THEN g.left_rows WHEN 2 THEN g.netted_rows ELSE g.range_rows END,
	   CASE k.n WHEN 1 THEN g.left_amount WHEN 2 THEN g.netted_amount END,
	   k.detail
  FROM (SELECT o.customer_id::pg_catalog.text AS customer_id,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.ordered_at IS NULL) AS left_rows,
			   pg_catalog.sum(o.amount) FILTER (WHERE o.ordered_at IS NULL) AS left_amount,
			   pg_catalog.sum(o.undated_rows) FILTER (WHERE o.ordered_at IS NOT NULL) AS netted_rows,
			   pg_catalog.sum(o.undated_amount) FILTER (WHERE o.ordered_at IS NOT NULL) AS netted_amount,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.amount_out_of_range) AS range_rows
		  FROM dormancy.src_history_rows o
		 WHERE o.whole_order AND (o.ordered_at IS NULL OR o.undated_rows > 0 OR o.amount_out_of_range)
		 GROUP BY o.customer_id) g
 CROSS JOIN (VALUES (1, 'order_without_date'::pg_catalog.text,
					 'orders none of whose lines has an order time (NULL or infinite), left out of purchase histories with all their lines'::pg_catalog.text),
					(2, 'order_without_date',
					 'order lines whose order time is NULL or infinite, netted into their order (on the day of its first line with a time)'),
					(3, 'order_amount_out_of_range',
					 'orders (order id bound) whose lines net beyond +-1e15, taken as unknown amounts')) k(n, issue, detail)
 WHERE CASE k.n WHEN 1 THEN g.left_rows WHEN 2 THEN g.netted_rows ELSE g.range_rows END > 0
UNION ALL
-- the customers whose model columns could not be computed (the same model
-- columns as in customer_status, under the model chosen for the segment,
-- Gamma-Gamma's x the one its fit took: models.gammagamma_x)
SELECT 'model_evaluation_failed', core.customer_id::pg_catalog.text, 1::pg_catalog.int8,
	   NULL::double precision, mp.problem
  FROM dormancy.customer_core core
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
 -- (the model chosen by a CASE, not a union of two function scans, which
 -- Citus does not push down to the workers)
 CROSS JOIN LATERAL (
	SELECT CASE WHEN mdl.paretonbd IS NULL
				THEN (dormancy.model_predictions(mdl.bgnbd,
								  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
								  core.frequency, core.recency_days / mdl.unit_days,
								  core.age_days / mdl.unit_days, core.monetary_value,
								  mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END)).problem
				ELSE (dormancy.model_predictions_paretonbd(mdl.paretonbd,
								  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
								  core.frequency, core.recency_days / mdl.unit_days,
								  core.age_days / mdl.unit_days, core.monetary_value,
								  mdl.horizon_days / mdl.unit_days, NULL, NULL,
								  CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END)).problem END AS problem
 ) mp
 WHERE mp.problem IS NOT NULL;
COMMENT ON VIEW dormancy.data_issues IS 'rows the views cannot use (unknown customers, missing dates, NULL or duplicate ids) and customers whose model columns could not be computed, counted per kind';
COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id, duplicate_customer_id, order_amount_out_of_range or model_evaluation_failed';
COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';

-- Data gaps (D9): what a caller would miss before calling a customer.
-- dormancy.customer_contacts counts each customer's usable phone numbers,
-- e-mail addresses and contact persons (from bind_contacts); the column
-- customer_status.data_gaps lists, per customer, the gaps that apply:
--
--   no_contact        neither a usable phone number nor a usable e-mail address
--   no_phone          no usable phone number (phone bound)
--   invalid_phone     a phone number that is not one (phone_valid() in
--                     source_settings.phone_country, after NFKC)
--   no_email          no usable e-mail address (email bound)
--   invalid_email     an address that is not one (local@domain.tld)
--   no_person         no contact person (person bound)
--   contact_outdated  contact data last updated longer ago than
--                     source_settings.contact_stale_after, or never (updated_at bound)
--   no_name           the customer has no name (name bound)
--   duplicate_name    another customer has the same company name once
--                     normalized, branch part included, and the same
--                     company id when a company column is bound (see
--                     duplicate_customers): merge them.  Branches of one
--                     company are not duplicates (company_customers)
--   no_activity       nothing on record: no orders, contracts, deals or
--                     events, so the customer's status cannot be told
--
-- Gaps of a source that is not bound are not reported (no contacts bound:
-- no contact gaps).  docs/sources.md has the definitions.
--
-- customer_status: one row per customer.  customer_core's columns, then
-- the model's (mdl: the model that applies, models: its predictions),
-- engagement (eng), deals (deal), and what one C call per customer (a:
-- _assess) derives from them, the contacts (cc) and the latest outreach
-- conversation (ot: its outcome, declined reason and day), with the score weights
-- (sw) and source settings (pss): contract state, kind of dormancy,
-- priority score (its breakdown is built from a's priority inputs only when
-- read), likely reason, evidence, channel, message theme, approach value
-- and the data gaps (nk: the key duplicates share, _name_key: the name key
-- after the company id and a colon when a company column is bound, NULL
-- when the name gives none; dup: the duplicate keys of more than one
-- customer, for the name's gap, when the stored keys cannot be used: see
-- sql_src/63_name_keys.sql).
-- b: what is bound (src_bindings).
CREATE OR REPLACE VIEW dormancy.customer_status WITH (security_invoker = true) AS
SELECT core.*,
	   ev.model_id, ev.p_alive, ev.expected_purchases, ev.expected_value,
	   (ev.r).contract_state,
	   CASE WHEN st.events_bound THEN coalesce(eng.events_in_window, 0) END AS events_in_window,
	   CASE WHEN st.events_bound THEN coalesce(eng.pricing_views, 0) END AS pricing_views,
	   CASE WHEN st.events_bound THEN coalesce(eng.support_visits, 0) END AS support_visits,
	   eng.days_since_last_event,
	   deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason,
	   coalesce(deal.open_deals, 0) AS open_deals, (ev.r).dormancy_kind,
	   (ev.r).priority_score,
	   -- built only when read: the second C half of score_priority(); the
	   -- weights from an init plan here, not ev.sw, so that a sort below (the
	   -- rank of call_list and of the refresh) does not carry them on every
	   -- row; beside the inputs, the percentiles and the decline heard on a
	   -- call that the deal component reads (docs/priority.md)
	   dormancy._priority_breakdown((ev.r).priority_inputs,
									(SELECT w FROM dormancy.score_weights_in_force() w),
									(ev.r).value_percentiles, (ev.r).outreach_declined_reason,
									(ev.r).days_since_outreach_decline) AS score_breakdown,
	   (ev.r).likely_reason,
	   (ev.r).reason_evidence,
	   (ev.r).evidence,
	   (ev.r).approach_channel,
	   (ev.r).message_theme,
	   (ev.r).approach_value,
	   -- the gaps of a source or column that is not bound are not reported;
	   -- the name's (nk, dup) here, the others from _assess
	   dormancy._data_gaps((ev.r).gaps,
		   CASE WHEN st.customer_names_bound THEN
				CASE WHEN nk.duplicate_key IS NULL THEN 'no_name'
					 -- the stored keys, while they hold every row.  First
					 -- whether the key is shared at all (two rows or more in
					 -- the stored keys the reader may see): a lookup of the
					 -- key's index per customer.  The key is matched as a
					 -- range of one value (>= and <=, leakproof as = is, the
					 -- same rows in a deterministic collation) so that the
					 -- planner has no hashed alternative: it chose hashing
					 -- every stored key (100 ms at 100,000 customers) for a
					 -- lookup of one customer whose row count it took for
					 -- 500, once work_mem let the hash fit.  Only then,
					 -- exactly: the ids that have the key, their rows the
					 -- reader sees whose name has the key now; at least two
					 -- such rows.  The ids as one value (an array), so that
					 -- their rows are read by the index of the customers'
					 -- id also under a policy of yours on the customers (a
					 -- join on the stored id cast back to its type is not
					 -- leakproof: it read every customer the reader sees)
					 WHEN st.customer_name_keys_tracked AND (SELECT dormancy._name_keys_usable()) THEN
						  CASE WHEN EXISTS (
								SELECT 1
								  FROM (SELECT k.name_key
										  FROM dormancy.src_name_keys k
										 GROUP BY k.name_key
										HAVING pg_catalog.sum(k.rows) > 1) ks
								 WHERE ks.name_key >= nk.duplicate_key AND ks.name_key <= nk.duplicate_key)
							   THEN CASE WHEN (SELECT pg_catalog.count(*)
												 FROM dormancy.src_customers kc
												WHERE kc.customer_id = ANY (ARRAY(
														SELECT k.customer_id FROM dormancy.src_name_keys k
														 WHERE k.name_key = nk.duplicate_key))
												  AND dormancy._name_key(kc.name, kc.company_id,
														(SELECT dormancy.legal_forms_in_force())) = nk.duplicate_key) > 1
										 THEN 'duplicate_name' END END
					 -- else every customer's key (dup)
					 WHEN dup.duplicate_key IS NOT NULL THEN 'duplicate_name' END END,
		   (ev.r).no_activity) AS data_gaps,
	   -- value relative to your customers (dormancy.value_distribution)
	   (ev.r).value_percentile,
	   -- no tier while no distribution is stored (the list then ranks by score alone)
	   CASE WHEN (ev.r).value_percentiles[1] IS NULL THEN NULL
			WHEN (ev.r).value_percentile >= (ev.sw).tier_a_percentile THEN 'A'
			WHEN (ev.r).value_percentile >= (ev.sw).tier_b_percentile THEN 'B'
			ELSE 'C' END AS value_tier,
	   -- looking ahead (model_lookahead, model_settings.lookahead and
	   -- p_alive_threshold): the day p_alive falls below the threshold if no
	   -- purchase comes (from the first purchase day, at most a century on)
	   ev.p_alive_ahead,
	   ev.p_purchase_ahead,
	   -- (already below right after the last purchase: the model gives the
	   -- recency in its units, recency_days / unit_days exactly; times the
	   -- unit again it may round up past the day, so that day is taken)
	   CASE WHEN ev.dormant_age * ev.unit_days < 36525
			THEN core.first_order_at
				 + CASE WHEN ev.dormant_age <= core.recency_days / ev.unit_days THEN core.recency_days::integer
						ELSE pg_catalog.ceil(ev.dormant_age * ev.unit_days)::integer END END AS expected_dormancy_day,
	   ev.forecast_model,
	   -- asked not to be contacted: not on the call lists (customer_outreach)
	   ot.opted_out_on,
	   -- the latest contact, and the hold after it: not on the call lists
	   -- before recontact_on (customer_outreach)
	   ot.last_contacted_on,
	   ot.recontact_on,
	   -- put off to next fiscal year's budget: not on the call lists before
	   -- reapproach_on (_reapproach_on, in C: the first day of the next
	   -- fiscal year, the lead earlier, when after as_of).  The event is the
	   -- deal component's input: the decline heard on a call that _assess
	   -- passes on (after the last order, not superseded by a deal), when
	   -- its reason is budget; else the last deal when it says budget (see
	   -- below), after the last order, unless a conversation after it
	   -- showed the customer's own interest (interested, a meeting, a quote,
	   -- an order: the customer is back in touch; whatever came since)
	   dormancy._reapproach_on(core.as_of,
		   CASE WHEN (ev.r).outreach_declined_reason IS NOT NULL
				THEN CASE WHEN (ev.r).outreach_declined_reason = 'budget' THEN ot.last_outcome_on END
				-- The deal says budget when it was lost on budget, or
				-- postponed for budget, for timing (a postponement is a
				-- "later", and timing says no more) or for no reason given
				-- (CRMs mostly leave a postponement's reason empty, and
				-- horyu, miokuri, jinendo kento mostly mean the budget).  A
				-- deal postponed for features, a competitor, price, the
				-- customer's circumstances or another reason (an unmapped
				-- one: other) waits for those, not for a fiscal year: no
				-- hold (until 2026-12-07 every postponement held).  Lost on
				-- timing does not hold, as a decline for timing does not:
				-- "not now" names no fiscal year (the wordings that do,
				-- raiki kento, jiki shoso (raiki kento), ..., are mapped to
				-- budget).  The score does not follow this: deal_postponed
				-- values every postponement alike
				WHEN CASE deal.last_deal_outcome
						  WHEN 'lost' THEN deal.last_deal_reason = 'budget'
						  WHEN 'postponed' THEN deal.last_deal_reason IS NULL
												 OR deal.last_deal_reason IN ('budget', 'timing')
						  ELSE false END
					 AND (core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at)
					 AND (ot.last_interest_on IS NULL OR ot.last_interest_on <= deal.last_deal_at)
				THEN deal.last_deal_at END,
		   ev.fiscal_year_start_month, ev.budget_reapproach_lead) AS reapproach_on
  FROM dormancy.customer_core core
  LEFT JOIN dormancy.customer_engagement eng ON eng.customer_id = core.customer_id
  LEFT JOIN dormancy.customer_deals deal ON deal.customer_id = core.customer_id
  LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id
  -- (DISTINCT ON tells the planner what the grouped view cannot: one row
  -- per customer.  Without it the planner, which has no statistics for a
  -- grouped subquery's output, expects many rows per id, hashes every wide
  -- customer row instead of the few with outreach, and with the default
  -- work_mem writes them to temporary files: at 1,000,000 demo customers,
  -- serial, 979 MB of them against 378 MB, in the same time; 2026-12-03)
  LEFT JOIN (SELECT DISTINCT ON (o.customer_id) o.*
			   FROM dormancy.customer_outreach o
			  ORDER BY o.customer_id) ot ON ot.customer_id = core.customer_id
  -- the bindings (src_bindings: constants, which the planner folds into
  -- the conditions and columns that read them)
 JOIN dormancy.src_bindings st ON dormancy._single_row(st.events_bound)
 -- the model columns and the assessment, one C call each per customer.
 -- The model columns (src/btyd_sql.c, _model_outlook): the
 -- model that applies to the customer (its segment's, else the overall one;
 -- only converged BG/NBD fits count: _model_for's; all NULL when none), its
 -- predictions (model_predictions, or model_predictions_paretonbd when the
 -- segment's Pareto/NBD fit is the one chosen: model_settings.model,
 -- models.model; a value that cannot be computed is NULL, the reason listed
 -- by data_issues; only a converged Gamma-Gamma fit gives expected_value)
 -- and looking ahead (model_lookahead with model_settings.lookahead and
 -- p_alive_threshold: p_alive after the lookahead without a purchase, the
 -- chance of one in it, and the age at which p_alive falls below the
 -- threshold).  It replaced a lateral subquery per function (_model_for,
 -- the predictions and the lookahead of either model, five in all) and the
 -- CASEs that chose between them: 0.3 s of customer_status's 3.3 s at
 -- 100,000 demo customers (serial, 2026-12-03).
 -- The assessment (src/assess_sql.c): the
 -- contract state (the state ladder on contract_covered_until), the kind of
 -- dormancy (lost_deal: the last deal lost or postponed after any purchase,
 -- the customer not active; purchase: at risk or dormant), the evidence the reason rules match on
 -- (lapsed: not while an order of any amount is within at_risk_after; the
 -- last deal and the latest conversation: only when after the last order;
 -- a decline besides only when later than the last closed deal: which of
 -- the two is the latest is decided once, by the test of the deal
 -- component, for the score and the reason alike),
 -- whether the customer is lapsing, the value the channel is chosen by (the
 -- model's expected_value, else the yearly spend while active), the
 -- priority inputs and score (docs/priority.md), the first reason rule that
 -- matches, its message theme, the first approach rule that matches and
 -- whose channel the bound contacts can serve (no phone call without a
 -- usable number, no (step) mail without a usable address), and the data
 -- gaps but the name's.  The rule's use_contract_end applies to the day the
 -- score works from, as to the state.
 -- Each is called in the select list of a subquery (OFFSET 0: one call per
 -- customer) whose composite result is taken apart outside it, not as a
 -- lateral function scan, which puts its one row through a tuplestore
 -- (measured slower: 3.9 s against 3.0 to 3.6 s at 100,000 demo
 -- customers, 2026-12-06).
 -- The settings (the configuration of _configuration(), the model, source
 -- and score settings) are init plans, read once per query, in c: its
 -- OFFSET 0 keeps it from being pulled up, which would copy each init plan
 -- into every expression that reads its column (the configuration, 3 to 5
 -- ms to build, twice), and its reference to the customer keeps Citus from
 -- planning it apart (as an intermediate result of its own, which Citus
 -- 13.2's EXPLAIN ANALYZE then failed to read back).  Every subquery here
 -- has a FROM (the bindings): Citus refuses a correlated subquery without
 -- FROM that holds a sublink.  Until 2026-12-06 the settings were a
 -- relation of one row joined to the customers (st, of four function
 -- scans): the planner put it on the outer side of a nested loop over
 -- every customer, whose inner side, planned for rewinding, kept a
 -- Materialize of every history in customer_core from trimming its
 -- tuplestore: 771 MB of temporary files at 1,000,000 demo customers with
 -- the default work_mem, none now (customer_status 27.3-27.6 s against
 -- 30.6-34.4 s, alternated; the same at 100,000).  On Citus the sublinks
 -- cost planning time: about 0.4 s more for every query of
 -- customer_status on the test cluster (docs/scaling-out.md).  Nothing
 -- above these subqueries reads the configuration, so no sort or hash
 -- carries it on every row (sql/plan_estimates.sql).
 CROSS JOIN LATERAL (
	SELECT (x.o).model_id, (x.o).forecast_model, (x.o).unit_days, (x.o).p_alive,
		   (x.o).expected_purchases, (x.o).expected_value, (x.o).p_alive_ahead,
		   (x.o).p_purchase_ahead, (x.o).dormant_age, x.sw,
		   x.fiscal_year_start_month, x.budget_reapproach_lead,
		   dormancy._assess(core.state, core.as_of, core.at_risk_after, core.dormant_after,
				core.long_dormant_after, core.rule_id,
				core.last_order_at, core.last_qualifying_order_at, core.first_order_at,
				core.orders_count, core.order_days, core.total_amount,
				core.median_gap_days, core.mean_gap_days, core.gap_stddev_days,
				core.segment, core.decline_signals, core.declining,
				core.lapsed_after_price_increase, core.lapsed_after_spec_change,
				core.industry, core.company_size,
				core.contract_terms, core.contract_covered_until, core.contract_lapsed,
				core.days_since_contract_end, core.auto_renew_off, core.downgraded,
				core.renewal_due_in_days,
				(x.o).p_alive, (x.o).expected_value,
				eng.customer_id IS NOT NULL, eng.events_in_window, eng.pricing_views, eng.support_visits,
				eng.days_since_last_event,
				deal.customer_id IS NOT NULL, deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason,
				deal.days_since_last_deal, deal.open_deals,
				cc.phones, cc.emails, cc.persons, cc.invalid_phones, cc.invalid_emails, cc.outdated,
				x.events_bound, x.deals_bound, x.contracts_bound,
				x.contact_phones_bound, x.contact_emails_bound, x.contact_persons_bound,
				x.contact_dates_bound,
				x.pss, x.sw,
				ot.last_outcome, CASE WHEN ot.last_outcome = 'declined' THEN ot.last_declined_reason END,
				ot.last_outcome_on,
				x.configuration) AS r
	  FROM (SELECT dormancy._model_outlook(core.industry, core.company_size, core.frequency,
										   core.recency_days, core.age_days, core.monetary_value,
										   core.monetary_days,
										   pg_catalog.date_part('epoch', (c.ms).lookahead) / 86400,
										   (c.ms).p_alive_threshold, c.configuration) AS o,
				   c.*
			  FROM (SELECT b.*,
						   (SELECT dormancy._configuration()) AS configuration,
						   (SELECT ms FROM dormancy.model_settings_in_force() ms) AS ms,
						   (SELECT pss FROM dormancy.source_settings_in_force() pss) AS pss,
						   (SELECT sw FROM dormancy.score_weights_in_force() sw) AS sw,
						   (SELECT os.fiscal_year_start_month FROM dormancy.outreach_settings_in_force() os)
							   AS fiscal_year_start_month,
						   (SELECT os.budget_reapproach_lead FROM dormancy.outreach_settings_in_force() os)
							   AS budget_reapproach_lead,
						   core.customer_id
					  FROM dormancy.src_bindings b
					OFFSET 0) c
			OFFSET 0) x
	OFFSET 0
  ) ev
 -- the key duplicates share (_name_key: the name key after the company id,
 -- when bound; NULL when the name gives none).  OFFSET 0 computes it once
 -- (without it the planner copies the expression into the join's condition
 -- and each test of the column) and hands duplicate_key to the lookups of
 -- the stored keys below as a plain value: copied in as its expression, ||
 -- and the normalization (not leakproof) would keep the comparison from the
 -- index of the keys under row security (the policy on customer_name_keys),
 -- and every key would be read for each customer
 CROSS JOIN LATERAL (
	SELECT CASE WHEN b.customer_names_bound
				THEN dormancy._name_key(core.name, core.company_id, (SELECT dormancy.legal_forms_in_force())) END AS duplicate_key
	  FROM dormancy.src_bindings b
	OFFSET 0
  ) nk
 -- the name keys that more than one customer has, when the stored keys
 -- cannot be used (a hash join: a window over customer_status would sort its
 -- wide rows); the forms are read once per query (an InitPlan).  It reads
 -- every customer's name, even for a lookup of one customer: skipped (a
 -- one-time filter) while the stored keys serve (docs/sources.md)
  LEFT JOIN (
	SELECT k.duplicate_key
	  FROM (SELECT dormancy._name_key(c.name, c.company_id, (SELECT dormancy.legal_forms_in_force())) AS duplicate_key
			  FROM dormancy.src_customers c
			  JOIN dormancy.src_bindings cb ON dormancy._single_row(cb.customer_names_bound)
			 WHERE c.customer_id IS NOT NULL AND cb.customer_names_bound
			   AND NOT (cb.customer_name_keys_tracked AND (SELECT dormancy._name_keys_usable()))
			OFFSET 0) k
	 WHERE k.duplicate_key IS NOT NULL
	 GROUP BY 1
	HAVING pg_catalog.count(*) > 1
	-- (OFFSET 0: on Citus the keys shared are found once, on the
	-- coordinator, and only they go to the workers; without it every
	-- customer's key went to every worker, which grouped them again in each
	-- task: 433 kB per worker at 20,000 customers)
	OFFSET 0
  ) dup ON dup.duplicate_key = nk.duplicate_key;
COMMENT ON VIEW dormancy.customer_status IS 'one row per customer: dormancy state as of dormancy.as_of_day() with the rule applied, decline signals and the columns of later parts';
COMMENT ON COLUMN dormancy.customer_status.customer_id IS 'the customer id, of the bound column''s type';
COMMENT ON COLUMN dormancy.customer_status.name IS 'customer name';
COMMENT ON COLUMN dormancy.customer_status.industry IS 'customer industry';
COMMENT ON COLUMN dormancy.customer_status.company_size IS 'customer company size';
COMMENT ON COLUMN dormancy.customer_status.company_id IS 'the bound company id as text (customers that are branches of one company share it), NULL when no company column is bound';
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
COMMENT ON COLUMN dormancy.customer_status.lapsed_after_price_increase IS 'last purchase (for a change with a category, in that category: none while no category is bound) before a price increase in dormancy.price_changes, not yet dormant then, nothing bought since';
COMMENT ON COLUMN dormancy.customer_status.price_increase IS 'the latest such price increase: day, category, change and note';
COMMENT ON COLUMN dormancy.customer_status.lapsed_after_spec_change IS 'the same for a specification change';
COMMENT ON COLUMN dormancy.customer_status.spec_change IS 'the latest such specification change: day, category and note';
COMMENT ON COLUMN dormancy.customer_status.frequency IS 'repeat purchase days (purchase days - 1): the x of the BG/NBD and Pareto/NBD models';
COMMENT ON COLUMN dormancy.customer_status.recency_days IS 'days from the first to the last purchase day: the t_x of the BTYD models, in days';
COMMENT ON COLUMN dormancy.customer_status.age_days IS 'days from the first purchase day to as_of: the T of the BTYD models, in days';
COMMENT ON COLUMN dormancy.customer_status.contract_terms IS 'contract terms of the customer (NULL without contracts or when none are bound)';
COMMENT ON COLUMN dormancy.customer_status.contract_covered_until IS 'the last day up to as_of covered by a contract term; for rules with use_contract_end it counts like a purchase day';
COMMENT ON COLUMN dormancy.customer_status.days_since_contract_end IS 'days since the last term ended, when no term covers as_of';
COMMENT ON COLUMN dormancy.customer_status.monetary_value IS 'mean net amount of the repeat purchase days (days with unknown amounts left out)';
COMMENT ON COLUMN dormancy.customer_status.monetary_days IS 'repeat purchase days of known amount, those monetary_value averages: the x of the Gamma-Gamma model (frequency counts the days of unknown amount too)';
COMMENT ON COLUMN dormancy.customer_status.model_id IS 'the dormancy.models row applied: the customer''s segment''s, else the overall one (converged fits only)';
COMMENT ON COLUMN dormancy.customer_status.p_alive IS 'probability that the customer is still alive (BG/NBD), NULL without a fitted model or purchases, or when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.expected_purchases IS 'expected purchase days in the next model_settings.horizon (BG/NBD); NULL when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.expected_value IS 'expected_purchases times the expected spend per purchase (Gamma-Gamma, converged fits whose mean spend exists), undiscounted; NULL when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.contract_end_at IS 'latest end of the customer''s contract terms started by as_of (NULL when open-ended or without contracts)';
COMMENT ON COLUMN dormancy.customer_status.contract_lapsed IS 'no contract term covers as_of and the last one ended more than the grace period before it';
COMMENT ON COLUMN dormancy.customer_status.auto_renew_off IS 'the contract will not renew or was not renewed: no later term signed, and the current term has auto-renew off, or the last one had it off and ended within the grace period (then contract_lapsed)';
COMMENT ON COLUMN dormancy.customer_status.downgraded IS 'a term with fewer seats or a lower amount than the one before it started in the downgrade window';
COMMENT ON COLUMN dormancy.customer_status.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
COMMENT ON COLUMN dormancy.customer_status.contract_state IS 'the state ladder applied to the last day covered by a contract, ended instead of active when no term covers as_of (NULL without contracts)';
COMMENT ON COLUMN dormancy.customer_status.events_in_window IS 'engagement events in the engagement window (NULL when events are not bound)';
COMMENT ON COLUMN dormancy.customer_status.pricing_views IS 'pricing page views in the engagement window';
COMMENT ON COLUMN dormancy.customer_status.support_visits IS 'support page visits in the engagement window';
COMMENT ON COLUMN dormancy.customer_status.days_since_last_event IS 'days since the last engagement event';
COMMENT ON COLUMN dormancy.customer_status.last_deal_at IS 'close day of the last deal that is not open';
COMMENT ON COLUMN dormancy.customer_status.last_deal_outcome IS 'won, lost, postponed or unknown';
COMMENT ON COLUMN dormancy.customer_status.last_deal_reason IS 'reason of the last deal: price, features, competitor, timing, budget, circumstances or other';
COMMENT ON COLUMN dormancy.customer_status.open_deals IS 'deals whose outcome is open';
COMMENT ON COLUMN dormancy.customer_status.dormancy_kind IS 'lost_deal (last deal lost or postponed, after any purchase, the customer not active), purchase (at risk or dormant after purchases), or NULL';
COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
COMMENT ON COLUMN dormancy.customer_status.score_breakdown IS 'per component: value (-1 to 1), weight, share of the 100 points, contribution (share x value) and the basis it was computed from';
COMMENT ON COLUMN dormancy.customer_status.likely_reason IS 'why the customer is lapsing, from the first matching dormancy.reason_rules row (unknown when none matches); NULL for customers who are not lapsing';
COMMENT ON COLUMN dormancy.customer_status.reason_evidence IS 'the evidence of the reason rule that chose likely_reason';
COMMENT ON COLUMN dormancy.customer_status.evidence IS 'all evidence found for the customer (the words reason_rules match on)';
COMMENT ON COLUMN dormancy.customer_status.approach_channel IS 'email, direct_mail, phone, visit or step_mail, from dormancy.approach_rules: the first rule that matches and whose channel the bound contacts can serve (NULL when none)';
COMMENT ON COLUMN dormancy.customer_status.message_theme IS 'the message theme for likely_reason, from dormancy.message_themes';
COMMENT ON COLUMN dormancy.customer_status.approach_value IS 'the value the channel is chosen by: the model''s expected_value when fitted, else the yearly spend while active (total_amount / years from first to last order, at least one)';
COMMENT ON COLUMN dormancy.customer_status.owner IS 'the customer''s owner (sales rep), from the bound owner column (bind_customers(..., owner => ...)); NULL when unbound';
COMMENT ON COLUMN dormancy.customer_status.value_percentile IS 'where the customer''s value stands among your customers, 0 to 100: the higher of the percentiles of total_amount and expected_value in dormancy.value_distribution (stored by fit_models() and refresh()); until one is stored, 100 x ln(1 + amount) / ln(1 + score_weights.value_cap)';
COMMENT ON COLUMN dormancy.customer_status.value_tier IS 'A (value_percentile at least score_weights.tier_a_percentile), B (at least tier_b_percentile) or C: the call list ranks tier by tier; NULL while no value distribution is stored';
COMMENT ON COLUMN dormancy.customer_status.p_alive_ahead IS 'p_alive if the customer stays silent until as_of + model_settings.lookahead (BG/NBD); NULL without a fitted model or purchases';
COMMENT ON COLUMN dormancy.customer_status.p_purchase_ahead IS 'probability of at least one purchase day within model_settings.lookahead after as_of (under the model of forecast_model)';
COMMENT ON COLUMN dormancy.customer_status.expected_dormancy_day IS 'the day p_alive falls below model_settings.p_alive_threshold if no purchase comes (call before it; a past day when it already has); NULL without repeat purchases (p_alive stays 1) or a fitted model';
COMMENT ON COLUMN dormancy.customer_status.forecast_model IS 'the model p_alive, expected_purchases, expected_value and the looking-ahead columns come from: bgnbd or paretonbd (models.model, chosen by model_settings.model); NULL without a fitted model';
COMMENT ON COLUMN dormancy.customer_status.opted_out_on IS 'the day the customer asked not to be contacted again (customer_outreach.opted_out_on): left off call_list, snapshot_call_list and new campaigns; NULL otherwise';
COMMENT ON COLUMN dormancy.customer_status.last_contacted_on IS 'the day of the latest contact, attempts included (customer_outreach.last_contacted_on); NULL without any';
COMMENT ON COLUMN dormancy.customer_status.recontact_on IS 'the first day the customer may be contacted again after a recent contact, a message delivered without an answer or an unanswered direct or step mailing not counted (customer_outreach.recontact_on, outreach_settings.recontact_after): held back from call_list, snapshot_call_list and new campaigns until then; NULL when not held';
COMMENT ON COLUMN dormancy.customer_status.reapproach_on IS 'the first day to approach again a customer who put you off to next fiscal year''s budget (the deal component''s input a decline for budget, a deal lost on budget, or a deal postponed for budget, for timing or with no reason given, not for another reason; after the last order): the first day of the fiscal year after it (outreach_settings.fiscal_year_start_month) minus outreach_settings.budget_reapproach_lead, or that first day itself when the lead puts it on or before the event; held back from call_list, snapshot_call_list and new campaigns until then; NULL when not held (the day passed, another input, an order since, a conversation of the customer''s own interest since a deal (customer_outreach.last_interest_on), or fiscal_year_start_month NULL)';
COMMENT ON COLUMN dormancy.customer_status.data_gaps IS 'what is missing to call the customer: no_contact, no_phone, invalid_phone, no_email, invalid_email, no_person, contact_outdated, no_name, duplicate_name, no_activity (docs/sources.md); empty when nothing is';
-- customer_core's columns mean what they mean in customer_status
PERFORM dormancy._copy_column_comments('dormancy.customer_status', 'dormancy.customer_core');

-- declining_customers: active or at-risk customers sliding, most valuable first.
-- In a database with Citus, the labels are applied over a subquery that
-- Citus runs first (OFFSET 0), on the coordinator, with its own
-- dormancy.labels and dormancy.language: beside customer_status's columns
-- they went to the workers.  On one server the view reads customer_status
-- directly (a lookup of one customer reads that customer only).
EXECUTE format($v$
CREATE OR REPLACE VIEW dormancy.declining_customers WITH (security_invoker = true) AS
SELECT cs.customer_id, cs.name, cs.industry, cs.company_size, cs.state, cs.segment,
	   cs.decline_signals, cs.total_amount, cs.recent_amount, cs.prior_amount,
	   cs.amount_change, cs.recent_orders, cs.prior_orders, cs.frequency_change,
	   cs.median_gap_days, cs.overdue_ratio, cs.cadence_change, cs.same_season_change,
	   cs.amount_trend, cs.last_order_at, cs.days_since_last_order, cs.as_of,
	   dormancy.label('state', cs.state) AS state_label,
	   dormancy.label('segment', cs.segment) AS segment_label,
	   dormancy.labels('decline_signals', cs.decline_signals) AS decline_signals_label
  FROM (SELECT * FROM dormancy.customer_status c
		 WHERE c.declining AND c.state IN ('active', 'at_risk')%s) cs
 ORDER BY coalesce(cs.recent_amount, 0) + coalesce(cs.prior_amount, 0) DESC, cs.total_amount DESC, cs.customer_id
$v$, CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname = 'citus') THEN ' OFFSET 0' ELSE '' END);
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
COMMENT ON COLUMN dormancy.declining_customers.state_label IS 'state in the language of dormancy.language (dormancy.labels)';
COMMENT ON COLUMN dormancy.declining_customers.segment_label IS 'segment in the language of dormancy.language';
COMMENT ON COLUMN dormancy.declining_customers.decline_signals_label IS 'decline_signals in the language of dormancy.language, element by element';

-- category_trend: recent vs prior per customer and category.  The live and
-- the stored category histories (category_histories' two branches, behind
-- the same gate), each with its metrics (m, the function's row), then the
-- columns: Citus pushes a UNION ALL down only on the inner side of a join,
-- and refused category_histories joined to the metrics.  The as-of day and
-- the settings are init plans.
CREATE OR REPLACE VIEW dormancy.category_trend WITH (security_invoker = true) AS
SELECT t.customer_id, t.category,
	   (t.m).recent_amount, (t.m).prior_amount, (t.m).recent_orders, (t.m).prior_orders,
	   (t.m).amount_change, (t.m).frequency_change,
	   ((t.m).recent_orders = 0 AND (t.m).prior_orders > 0) AS stopped,
	   ((t.m).decline_signals && ARRAY['amount_drop', 'frequency_drop']) AS declining,
	   (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).last_order_at,
	   (SELECT a.day FROM dormancy._as_of a) AS as_of
  FROM (SELECT ch.customer_id, ch.category, ch.history, m
		  FROM dormancy.category_histories_live ch
		 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, (SELECT a.day FROM dormancy._as_of a),
													 (SELECT d.settings FROM dormancy._decline_settings d), false) m
		 WHERE ch.category IS NOT NULL AND (SELECT NOT dormancy._use_stored_histories())
		UNION ALL
		SELECT ch.customer_id, ch.category, ch.history, m
		  FROM dormancy.src_stored_histories ch
		 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, (SELECT a.day FROM dormancy._as_of a),
													 (SELECT d.settings FROM dormancy._decline_settings d), false) m
		 WHERE ch.category IS NOT NULL) t
 -- (the categories with an order or a refund by the as-of day: later days
 -- are ignored everywhere, so a category bought only after it is not there
 -- yet.  Expressions, not a lateral call joined to the union nor a
 -- correlated subquery: Citus refuses both over its distributed histories)
 WHERE (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).orders_count > 0
	OR (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).refunds > 0;
COMMENT ON VIEW dormancy.category_trend IS 'recent vs prior amount and orders per customer and category with an order or a refund by the as-of day (empty when no category column is bound)';
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

-- call_list: lapsing customers worth a call, best first.  The rank is among
-- all customers, so it is computed before the list is filtered; ties are
-- broken by customer id (its type has a btree order: bind_customers checks).
CREATE OR REPLACE VIEW dormancy.call_list WITH (security_invoker = true) AS
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.expected_value, cs.score_breakdown, cs.as_of,
	   cs.value_percentile, cs.value_tier, cs.owner,
	   pg_catalog.row_number() OVER (PARTITION BY cs.owner ORDER BY cs.priority_rank) AS owner_order,
	   cs.expected_dormancy_day, cs.p_purchase_ahead,
	   cs.data_gaps,
	   -- the latest contact (0.4.0): never within outreach_settings.recontact_after
	   cs.last_contacted_on,
	   -- the codes' labels in the session's language (dormancy.language)
	   dormancy.label('state', cs.state) AS state_label,
	   dormancy.label('contract_state', cs.contract_state) AS contract_state_label,
	   dormancy.label('dormancy_kind', cs.dormancy_kind) AS dormancy_kind_label,
	   dormancy.label('segment', cs.segment) AS segment_label,
	   dormancy.label('likely_reason', cs.likely_reason) AS likely_reason_label,
	   dormancy.labels('evidence', cs.reason_evidence) AS reason_evidence_label,
	   dormancy.label('approach_channel', cs.approach_channel) AS approach_channel_label,
	   dormancy.label('message_theme', cs.message_theme) AS message_theme_label,
	   dormancy.labels('decline_signals', cs.decline_signals) AS decline_signals_label,
	   dormancy.label('deal_outcome', cs.last_deal_outcome) AS last_deal_outcome_label,
	   dormancy.label('deal_reason', cs.last_deal_reason) AS last_deal_reason_label,
	   dormancy.labels('data_gaps', cs.data_gaps) AS data_gaps_label,
	   dormancy.score_breakdown_label(cs.score_breakdown) AS score_breakdown_label
  FROM (SELECT s.*, pg_catalog.rank() OVER (ORDER BY s.value_tier, s.priority_score DESC, s.customer_id) AS priority_rank
		  FROM dormancy.customer_status s) cs
 WHERE cs.likely_reason IS NOT NULL
   -- the minimum score, for the value tiers shown (every customer while no
   -- distribution is stored: no tier); another tier, a customer who asked
   -- not to be contacted (opted_out_on), one contacted lately and held
   -- back (recontact_on) or one put off to next fiscal year's budget
   -- (reapproach_on: passed with recontact_on as the later of the two; for
   -- all the rank stays theirs among all customers, call_order counts the
   -- listed only) would need an infinite score.  One condition,
   -- _call_list_min_score (sql_src/55_priority.sql,
   -- snapshot_call_list's too), which the planner estimates as it did the
   -- minimum score alone
   AND cs.priority_score >= dormancy._call_list_min_score(cs.value_tier, cs.opted_out_on,
								GREATEST(cs.recontact_on, cs.reapproach_on),
								(SELECT w.call_list_tiers FROM dormancy.score_weights_in_force() w),
								(SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w))
 ORDER BY cs.priority_rank;
COMMENT ON VIEW dormancy.call_list IS 'lapsing customers (at risk, dormant, declining, lost deal or contract signals: never an active customer without any of these) of the value tiers score_weights.call_list_tiers scoring at least score_weights.call_list_min_score, the most valuable tier first and by score within it, with reason, channel and theme; never a customer who asked not to be contacted (customer_status.opted_out_on), nor one contacted within outreach_settings.recontact_after (customer_status.recontact_on), nor one put off to next fiscal year''s budget before its day (customer_status.reapproach_on)';
COMMENT ON COLUMN dormancy.call_list.call_order IS 'position in the list, 1 = call first';
COMMENT ON COLUMN dormancy.call_list.priority_rank IS 'rank among all customers: by value_tier, then priority_score';
COMMENT ON COLUMN dormancy.call_list.priority_score IS 'priority score, 0 to 100';
COMMENT ON COLUMN dormancy.call_list.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.call_list.name IS 'customer name';
COMMENT ON COLUMN dormancy.call_list.industry IS 'customer industry';
COMMENT ON COLUMN dormancy.call_list.company_size IS 'customer company size';
COMMENT ON COLUMN dormancy.call_list.state IS 'dormancy state';
COMMENT ON COLUMN dormancy.call_list.contract_state IS 'the state ladder applied to contract coverage (ended: no term covers as_of, ended too recently for at_risk)';
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
COMMENT ON COLUMN dormancy.call_list.auto_renew_off IS 'the current term will not renew, or the last one, with auto-renew off, ended within the grace period';
COMMENT ON COLUMN dormancy.call_list.renewal_due_in_days IS 'days until the current term ends';
COMMENT ON COLUMN dormancy.call_list.p_alive IS 'probability alive (BG/NBD), when fitted';
COMMENT ON COLUMN dormancy.call_list.expected_value IS 'expected_purchases times the expected spend per purchase, when fitted (see customer_status.expected_value)';
COMMENT ON COLUMN dormancy.call_list.score_breakdown IS 'why the score is what it is, component by component';
COMMENT ON COLUMN dormancy.call_list.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.call_list.value_percentile IS 'where the customer''s value stands among your customers, 0 to 100 (see customer_status.value_percentile)';
COMMENT ON COLUMN dormancy.call_list.value_tier IS 'A, B or C by value_percentile (score_weights.tier_a_percentile, tier_b_percentile)';
COMMENT ON COLUMN dormancy.call_list.owner IS 'the customer''s owner (sales rep), from the bound owner column';
COMMENT ON COLUMN dormancy.call_list.owner_order IS 'position in the owner''s own list: WHERE owner = ... AND owner_order <= 20 is that rep''s best 20';
COMMENT ON COLUMN dormancy.call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
COMMENT ON COLUMN dormancy.call_list.state_label IS 'state in the language of dormancy.language (dormancy.labels)';
COMMENT ON COLUMN dormancy.call_list.contract_state_label IS 'contract_state in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.dormancy_kind_label IS 'dormancy_kind in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.segment_label IS 'segment in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.likely_reason_label IS 'likely_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.reason_evidence_label IS 'reason_evidence in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.approach_channel_label IS 'approach_channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.message_theme_label IS 'message_theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.decline_signals_label IS 'decline_signals in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.last_deal_outcome_label IS 'last_deal_outcome in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.last_deal_reason_label IS 'last_deal_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.data_gaps_label IS 'data_gaps in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.score_breakdown_label IS 'score_breakdown in the language of dormancy.language: per component its label and the basis as a sentence (dormancy.score_breakdown_label)';
COMMENT ON COLUMN dormancy.call_list.expected_dormancy_day IS 'the day p_alive falls below model_settings.p_alive_threshold if no purchase comes: call before it';
COMMENT ON COLUMN dormancy.call_list.p_purchase_ahead IS 'probability of at least one purchase day within model_settings.lookahead';
COMMENT ON COLUMN dormancy.call_list.last_contacted_on IS 'the day of the latest contact, attempts included (customer_status.last_contacted_on): at least outreach_settings.recontact_after ago, unless it was a message delivered without an answer or a direct or step mailing without one; NULL without any';

-- duplicate_customers: duplicate records, customers sharing a name key
-- (branch part included) and, when a company column is bound, a company id,
-- with the state of their combined order history.
CREATE OR REPLACE VIEW dormancy.duplicate_customers WITH (security_invoker = true) AS
WITH forms AS (
	SELECT dormancy.legal_forms_in_force() AS forms
), keyed AS (
	-- one group key: the key of _name_key, the company id and a colon
	-- before the name key
	SELECT c.customer_id, c.name, c.company_id, c.state, c.rule_id, c.last_order_at,
		   dormancy._name_key(c.name, c.company_id, f.forms) AS group_key
	  FROM dormancy.customer_core c JOIN forms f ON dormancy._single_row(f.forms)
	 WHERE c.name IS NOT NULL
), members AS (
	SELECT k.*, pg_catalog.count(*) OVER (PARTITION BY k.group_key) AS customers
	  FROM keyed k
	 WHERE k.group_key IS NOT NULL
), groups AS (
	-- the name key: the group key after its last colon (a name key never
	-- holds one)
	SELECT m.group_key, pg_catalog.min(m.company_id) AS company_id,
		   pg_catalog.split_part(m.group_key, ':', -1) AS name_key,
		   pg_catalog.max(m.customers) AS customers,
		   pg_catalog.array_agg(m.customer_id ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS customer_ids,
		   pg_catalog.array_agg(m.name ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS names,
		   pg_catalog.array_agg(m.state ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS member_states,
		   -- the rule of the member that ordered last
		   (pg_catalog.array_agg(m.rule_id ORDER BY m.last_order_at DESC NULLS LAST,
								 m.customer_id::pg_catalog.text COLLATE "C"))[1] AS rule_id
	  FROM members m
	 WHERE m.customers > 1
	 GROUP BY m.group_key
), combined AS (
	-- each id's history once: an id twice in the customers (a duplicate
	-- record) is two members but one history
	SELECT m.group_key, dormancy.purchase_history_union(h.history) AS history
	  FROM (SELECT DISTINCT m.group_key, m.customer_id FROM members m WHERE m.customers > 1) m
	  JOIN dormancy.customer_histories h ON h.customer_id = m.customer_id
	 GROUP BY m.group_key
)
SELECT g.name_key, g.customers, g.customer_ids, g.names, g.member_states,
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day, r.at_risk_after, r.dormant_after,
							   r.long_dormant_after) AS state,
	   s.last_order_at, s.last_qualifying_order_at, s.first_order_at, s.orders_count, s.order_days,
	   s.total_amount, g.rule_id, a.day AS as_of, g.company_id
  FROM groups g
  JOIN (SELECT dormancy.as_of_day() AS day) a ON dormancy._single_row(a.day)
  LEFT JOIN combined c ON c.group_key = g.group_key
  LEFT JOIN dormancy.rules r ON r.rule_id = g.rule_id
 CROSS JOIN LATERAL dormancy.history_summary(c.history, a.day, coalesce(r.min_order_amount, 0)::pg_catalog.float8) s;
COMMENT ON VIEW dormancy.duplicate_customers IS
		'duplicate records: groups of customers whose names share a key (normalize_company_name with dormancy.legal_forms, branch part included) and, when a company column is bound, a company id, with the state of their combined order history: merge them before calling (branches of one company are in company_customers)';
COMMENT ON COLUMN dormancy.duplicate_customers.name_key IS 'the shared name key';
COMMENT ON COLUMN dormancy.duplicate_customers.customers IS 'customers in the group (at least 2)';
COMMENT ON COLUMN dormancy.duplicate_customers.customer_ids IS 'their ids';
COMMENT ON COLUMN dormancy.duplicate_customers.names IS 'their names as written, in the order of customer_ids';
COMMENT ON COLUMN dormancy.duplicate_customers.member_states IS 'each one''s own state, in the order of customer_ids';
COMMENT ON COLUMN dormancy.duplicate_customers.state IS 'the state of the combined history, with rule_id';
COMMENT ON COLUMN dormancy.duplicate_customers.last_order_at IS 'last purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.last_qualifying_order_at IS 'last qualifying purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.first_order_at IS 'first purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.orders_count IS 'orders of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.order_days IS 'purchase days of the combined history (a day two members bought on counts once)';
COMMENT ON COLUMN dormancy.duplicate_customers.total_amount IS 'net amount of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.rule_id IS 'the rule applied: that of the member that ordered last';
COMMENT ON COLUMN dormancy.duplicate_customers.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.duplicate_customers.company_id IS 'the shared company id when a company column is bound (NULL: none bound, or the members have none)';

-- company_customers: the customers of one company, two or more, each with
-- its own state, and the state of the company's combined order history (the
-- head office active while a branch is dormant).  The company is the bound
-- company id; without one (no company column, or a NULL id) the company key
-- of the name (company_key: the name key without its branch part).
CREATE OR REPLACE VIEW dormancy.company_customers WITH (security_invoker = true) AS
WITH forms AS (
	SELECT dormancy.legal_forms_in_force() AS forms
), keyed AS (
	SELECT c.customer_id, c.name, c.company_id, c.state, c.rule_id, c.last_order_at,
		   CASE WHEN c.company_id IS NULL THEN dormancy.company_key(c.name, f.forms) END AS company_key,
		   dormancy.branch_key(c.name, f.forms) AS branch_key
	  FROM dormancy.customer_core c JOIN forms f ON dormancy._single_row(f.forms)
	 WHERE c.company_id IS NOT NULL OR c.name IS NOT NULL
), members AS (
	-- one group key: the company id and a colon, else the company key (a
	-- key never holds a colon)
	SELECT k.*, pg_catalog.concat(k.company_id || ':', k.company_key) AS group_key,
		   pg_catalog.count(*) OVER (PARTITION BY pg_catalog.concat(k.company_id || ':', k.company_key)) AS customers
	  FROM keyed k
	 WHERE k.company_id IS NOT NULL OR k.company_key <> ''
), groups AS (
	SELECT m.group_key, pg_catalog.min(m.company_id) AS company_id, pg_catalog.min(m.company_key) AS company_key,
		   pg_catalog.max(m.customers) AS customers,
		   pg_catalog.array_agg(m.customer_id ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS customer_ids,
		   pg_catalog.array_agg(m.name ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS names,
		   pg_catalog.array_agg(m.branch_key ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS branches,
		   pg_catalog.array_agg(m.state ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS member_states,
		   -- the rule of the member that ordered last
		   (pg_catalog.array_agg(m.rule_id ORDER BY m.last_order_at DESC NULLS LAST,
								 m.customer_id::pg_catalog.text COLLATE "C"))[1] AS rule_id
	  FROM members m
	 WHERE m.customers > 1
	 GROUP BY m.group_key
), combined AS (
	-- each id's history once: an id twice in the customers (a duplicate
	-- record) is two members but one history
	SELECT m.group_key, dormancy.purchase_history_union(h.history) AS history
	  FROM (SELECT DISTINCT m.group_key, m.customer_id FROM members m WHERE m.customers > 1) m
	  JOIN dormancy.customer_histories h ON h.customer_id = m.customer_id
	 GROUP BY m.group_key
)
SELECT g.company_id, g.company_key, g.customers, g.customer_ids, g.names, g.branches, g.member_states,
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day, r.at_risk_after, r.dormant_after,
							   r.long_dormant_after) AS state,
	   s.last_order_at, s.last_qualifying_order_at, s.first_order_at, s.orders_count, s.order_days,
	   s.total_amount, g.rule_id, a.day AS as_of
  FROM groups g
  JOIN (SELECT dormancy.as_of_day() AS day) a ON dormancy._single_row(a.day)
  LEFT JOIN combined c ON c.group_key = g.group_key
  LEFT JOIN dormancy.rules r ON r.rule_id = g.rule_id
 CROSS JOIN LATERAL dormancy.history_summary(c.history, a.day, coalesce(r.min_order_amount, 0)::pg_catalog.float8) s;
COMMENT ON VIEW dormancy.company_customers IS
		'companies with two or more customers (branches): the bound company id, else the company key of the names (company_key: the name key without its branch part), each member''s state and the state of the company''s combined order history';
COMMENT ON COLUMN dormancy.company_customers.company_id IS 'the company id shared by the members (company column bound); NULL when the company is told from the names';
COMMENT ON COLUMN dormancy.company_customers.company_key IS 'the company key shared by the members'' names (company_key), when no company id says the company';
COMMENT ON COLUMN dormancy.company_customers.customers IS 'customers of the company (at least 2)';
COMMENT ON COLUMN dormancy.company_customers.customer_ids IS 'their ids';
COMMENT ON COLUMN dormancy.company_customers.names IS 'their names as written, in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.branches IS 'the branch key of each name (branch_key; NULL: no branch part), in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.member_states IS 'each one''s own state, in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.state IS 'the state of the company''s combined history, with rule_id';
COMMENT ON COLUMN dormancy.company_customers.last_order_at IS 'last purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.last_qualifying_order_at IS 'last qualifying purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.first_order_at IS 'first purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.orders_count IS 'orders of the combined history';
COMMENT ON COLUMN dormancy.company_customers.order_days IS 'purchase days of the combined history (a day two members bought on counts once)';
COMMENT ON COLUMN dormancy.company_customers.total_amount IS 'net amount of the combined history';
COMMENT ON COLUMN dormancy.company_customers.rule_id IS 'the rule applied: that of the member that ordered last';
COMMENT ON COLUMN dormancy.company_customers.as_of IS 'the as-of day';

-- unmatched_labels: every distinct label of the bound data that matched
-- nothing (compared by label_key), with its rows: empty when every label
-- maps.  Industries and company sizes match an alias or a key of the rules
-- or approach rules; event kinds, deal outcomes and reasons their mapping;
-- the outreach's channels, themes, outcomes (outreach_channels, ...) and
-- declined reasons (deal_reasons) theirs; a price change's category a
-- category of the bound orders.
CREATE OR REPLACE VIEW dormancy.unmatched_labels WITH (security_invoker = true) AS
-- (each source's labels counted first, then matched against the mappings:
-- on Citus the counting runs on the workers, and a correlated subquery over
-- a local table would not run beside a distributed one)
SELECT 'industry'::pg_catalog.text AS vocabulary, c.label, c.rows
  FROM (SELECT c.industry::pg_catalog.text AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL AND dormancy.label_key(c.industry) <> ''
		 GROUP BY c.industry) c
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.industries a
				   WHERE dormancy.label_key(a.source_industry) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.rules r
				   WHERE dormancy.label_key(r.industry) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules ar, pg_catalog.unnest(ar.industries) i
				   WHERE dormancy.label_key(i) = dormancy.label_key(c.label))
UNION ALL
SELECT 'company_size', c.label, c.rows
  FROM (SELECT c.company_size::pg_catalog.text AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL AND dormancy.label_key(c.company_size) <> ''
		 GROUP BY c.company_size) c
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.company_sizes a
				   WHERE dormancy.label_key(a.source_size) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.rules r
				   WHERE dormancy.label_key(r.company_size) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules ar, pg_catalog.unnest(ar.company_sizes) s
				   WHERE dormancy.label_key(s) = dormancy.label_key(c.label))
UNION ALL
SELECT 'event_kind', e.label, e.rows
  FROM (SELECT e.source_kind AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_events e
		 WHERE dormancy.label_key(e.source_kind) <> ''
		 GROUP BY e.source_kind) e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
				   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(e.label))
UNION ALL
SELECT 'deal_outcome', d.label, d.rows
  FROM (SELECT d.source_outcome AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE dormancy.label_key(d.source_outcome) <> ''
		 GROUP BY d.source_outcome) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
				   WHERE dormancy.label_key(o.source_outcome) = dormancy.label_key(d.label))
UNION ALL
SELECT 'deal_reason', d.label, d.rows
  FROM (SELECT d.source_reason AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE dormancy.label_key(d.source_reason) <> ''
		 GROUP BY d.source_reason) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(d.label))
UNION ALL
SELECT 'outreach_channel', x.source_channel, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.channel IS NULL AND dormancy.label_key(x.source_channel) <> ''
 GROUP BY x.source_channel
UNION ALL
SELECT 'outreach_theme', x.source_theme, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.theme IS NULL AND dormancy.label_key(x.source_theme) <> ''
 GROUP BY x.source_theme
UNION ALL
SELECT 'outreach_outcome', x.source_outcome, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.outcome IS NULL AND dormancy.label_key(x.source_outcome) <> ''
 GROUP BY x.source_outcome
UNION ALL
SELECT 'outreach_reason', x.label, x.rows
  FROM (SELECT x.source_reason AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x
		 WHERE dormancy.label_key(x.source_reason) <> ''
		 GROUP BY x.source_reason) x
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(x.label))
UNION ALL
-- (the orders' categories as an uncorrelated subquery: Citus does not join a
-- local table to a correlated subquery over a distributed one)
SELECT 'price_change_category', p.category, pg_catalog.count(*)
  FROM dormancy.price_changes p
  LEFT JOIN (SELECT DISTINCT dormancy.label_key(o.category) AS category_key
			   FROM dormancy.src_orders o WHERE o.category IS NOT NULL) oc
	ON oc.category_key = dormancy.label_key(p.category)
 WHERE p.category IS NOT NULL AND oc.category_key IS NULL
 GROUP BY p.category;
COMMENT ON VIEW dormancy.unmatched_labels IS
	'labels of the bound data that matched nothing (by label_key): industries and company sizes without an alias or a rule, unmapped event kinds, deal outcomes and reasons, outreach channels, themes, outcomes and declined reasons, price change categories no bound order has; empty when every label maps';
COMMENT ON COLUMN dormancy.unmatched_labels.vocabulary IS 'industry, company_size, event_kind, deal_outcome, deal_reason, outreach_channel, outreach_theme, outreach_outcome, outreach_reason or price_change_category';
COMMENT ON COLUMN dormancy.unmatched_labels.label IS 'the label as written in the data';
COMMENT ON COLUMN dormancy.unmatched_labels.rows IS 'rows with it (customers, events, deals, contacts of the outreach or price changes)';

-- model_parameters: one row per parameter of each stored model (dormancy.models),
-- with the standard error fit_models() stored.  The 95% interval is built on
-- the log scale, estimate * exp(+-1.96 * std_error / estimate): it stays
-- positive, as the parameters are, and it covers the true value about as
-- often as it should (the coverage simulation in test/unit/test_btyd_se.c).
CREATE OR REPLACE VIEW dormancy.model_parameters WITH (security_invoker = true) AS
SELECT m.model_id, m.segment_kind, m.segment_value, p.model, p.parameter,
	   p.estimate, p.std_error,
	   p.estimate * pg_catalog.exp(-1.959963984540054 * p.std_error / p.estimate) AS ci_low,
	   p.estimate * pg_catalog.exp(1.959963984540054 * p.std_error / p.estimate) AS ci_high,
	   p.converged
  FROM dormancy.models m
 CROSS JOIN LATERAL (VALUES
		('bgnbd'::pg_catalog.text, 'r'::pg_catalog.text, (m.bgnbd).r, m.bgnbd_std_errors[1], (m.bgnbd).converged),
		('bgnbd', 'alpha', (m.bgnbd).alpha, m.bgnbd_std_errors[2], (m.bgnbd).converged),
		('bgnbd', 'a', (m.bgnbd).a, m.bgnbd_std_errors[3], (m.bgnbd).converged),
		('bgnbd', 'b', (m.bgnbd).b, m.bgnbd_std_errors[4], (m.bgnbd).converged),
		('gammagamma', 'p', (m.gammagamma).p, m.gammagamma_std_errors[1], (m.gammagamma).converged),
		('gammagamma', 'q', (m.gammagamma).q, m.gammagamma_std_errors[2], (m.gammagamma).converged),
		('gammagamma', 'v', (m.gammagamma).v, m.gammagamma_std_errors[3], (m.gammagamma).converged),
		-- Pareto/NBD (when fitted): the square roots of its covariance's diagonal
		('paretonbd', 'r', (m.paretonbd).r, pg_catalog.sqrt(m.paretonbd_covariance[1][1]), (m.paretonbd).converged),
		('paretonbd', 'alpha', (m.paretonbd).alpha, pg_catalog.sqrt(m.paretonbd_covariance[2][2]), (m.paretonbd).converged),
		('paretonbd', 's', (m.paretonbd).s, pg_catalog.sqrt(m.paretonbd_covariance[3][3]), (m.paretonbd).converged),
		('paretonbd', 'beta', (m.paretonbd).beta, pg_catalog.sqrt(m.paretonbd_covariance[4][4]), (m.paretonbd).converged)
	) p (model, parameter, estimate, std_error, converged)
 WHERE p.estimate IS NOT NULL;
COMMENT ON VIEW dormancy.model_parameters IS
	'the fitted parameters of dormancy.models, one row each, with standard errors and 95% intervals (built on the log scale, so they stay positive)';
COMMENT ON COLUMN dormancy.model_parameters.model_id IS 'the dormancy.models row';
COMMENT ON COLUMN dormancy.model_parameters.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.model_parameters.segment_value IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_parameters.model IS 'bgnbd, gammagamma or paretonbd (when fitted: model_settings.model is not bgnbd)';
COMMENT ON COLUMN dormancy.model_parameters.parameter IS 'r, alpha, a, b (bgnbd), p, q, v (gammagamma) or r, alpha, s, beta (paretonbd)';
COMMENT ON COLUMN dormancy.model_parameters.estimate IS 'the maximum-likelihood estimate (alpha in the model''s time unit, v in money units)';
COMMENT ON COLUMN dormancy.model_parameters.std_error IS 'its standard error, from the observed information at the estimate; NULL when the fit did not converge';
COMMENT ON COLUMN dormancy.model_parameters.ci_low IS 'lower end of the 95% interval: estimate * exp(-1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.ci_high IS 'upper end of the 95% interval: estimate * exp(1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.converged IS 'whether the fit of this model converged (else the estimate is not to be trusted and std_error is NULL)';
-- forecast_intervals: per customer, the model columns of customer_status
-- (p_alive, expected_purchases over model_settings.horizon, expected_value)
-- with 95% intervals from the uncertainty of the parameters (the covariance
-- matrices fit_models() stored; model_intervals, the delta method).  A view
-- of its own, so that customer_status does not compute them on every query.
-- The model is customer_status's: _model_for's, its Pareto/NBD fit when the
-- segment's model is Pareto/NBD, and Gamma-Gamma's x the one its fit took
-- (models.gammagamma_x).  The intervals are NULL without a stored
-- covariance (the fit did not converge, or a model row from before 0.4.0:
-- fit_models() again).
CREATE OR REPLACE VIEW dormancy.forecast_intervals WITH (security_invoker = true) AS
SELECT core.customer_id, mdl.model_id,
	   CASE WHEN mdl.model_id IS NOT NULL THEN CASE WHEN mdl.paretonbd IS NULL THEN 'bgnbd' ELSE 'paretonbd' END END AS forecast_model,
	   i.p_alive, i.p_alive_low, i.p_alive_high,
	   i.expected_purchases, i.expected_purchases_low, i.expected_purchases_high,
	   i.expected_value, i.expected_value_low, i.expected_value_high
  FROM dormancy.customer_core core
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
  -- the covariances stored with the model
  LEFT JOIN dormancy.models cov ON cov.model_id = mdl.model_id
 -- The chosen model's intervals: the other model's call is given no model
 -- and gives a row of NULLs, so each column is the first non-NULL of the
 -- two.  Two calls in the select list of a subquery (OFFSET 0: once per
 -- customer, taken apart outside), not a union of two function scans,
 -- which Citus does not push down to the workers.
 CROSS JOIN LATERAL (
	SELECT coalesce((x.b).p_alive, (x.p).p_alive) AS p_alive,
		   coalesce((x.b).p_alive_low, (x.p).p_alive_low) AS p_alive_low,
		   coalesce((x.b).p_alive_high, (x.p).p_alive_high) AS p_alive_high,
		   coalesce((x.b).expected_purchases, (x.p).expected_purchases) AS expected_purchases,
		   coalesce((x.b).expected_purchases_low, (x.p).expected_purchases_low) AS expected_purchases_low,
		   coalesce((x.b).expected_purchases_high, (x.p).expected_purchases_high) AS expected_purchases_high,
		   coalesce((x.b).expected_value, (x.p).expected_value) AS expected_value,
		   coalesce((x.b).expected_value_low, (x.p).expected_value_low) AS expected_value_low,
		   coalesce((x.b).expected_value_high, (x.p).expected_value_high) AS expected_value_high
	  FROM (SELECT dormancy.model_intervals(CASE WHEN mdl.paretonbd IS NULL THEN mdl.bgnbd END, cov.bgnbd_covariance,
											CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
											cov.gammagamma_covariance,
											core.frequency, core.recency_days / mdl.unit_days,
											core.age_days / mdl.unit_days, core.monetary_value,
											mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END) AS b,
				   dormancy.model_intervals(mdl.paretonbd, cov.paretonbd_covariance,
											CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
											cov.gammagamma_covariance,
											core.frequency, core.recency_days / mdl.unit_days,
											core.age_days / mdl.unit_days, core.monetary_value,
											mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END) AS p
			OFFSET 0) x
  ) i;
COMMENT ON VIEW dormancy.forecast_intervals IS
	'per customer, p_alive, expected purchases and expected value as customer_status gives them, each with a 95% interval from the uncertainty of the fitted parameters (delta method); NULL intervals without a stored covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.customer_id IS 'the customer';
COMMENT ON COLUMN dormancy.forecast_intervals.model_id IS 'the dormancy.models row that applies (customer_status.model_id); NULL without a fitted model';
COMMENT ON COLUMN dormancy.forecast_intervals.forecast_model IS 'bgnbd or paretonbd, as customer_status.forecast_model';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive IS 'customer_status.p_alive';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive_low IS 'lower end of the 95% interval of p_alive (delta method on the log-odds); equal to p_alive when it is exactly 1; NULL without a covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive_high IS 'upper end of the 95% interval of p_alive';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases IS 'customer_status.expected_purchases: expected purchase days in the next model_settings.horizon';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases_low IS 'lower end of the 95% interval of expected_purchases (delta method on the logarithm); NULL without a covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases_high IS 'upper end of the 95% interval of expected_purchases';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value IS 'customer_status.expected_value: expected purchases times the Gamma-Gamma expected spend';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value_low IS 'lower end of the 95% interval of expected_value (both models'' uncertainty, on the logarithm); NULL without both covariances';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value_high IS 'upper end of the 95% interval of expected_value';

-- latest_validation, latest_validation_tracking: the rows of the latest run
-- of validate_models() of each segment, for BI tools to plot (they read only
-- the extension's tables, which dormancy_reader may read too)
CREATE OR REPLACE VIEW dormancy.latest_validation WITH (security_invoker = true) AS
SELECT v.validation_id, v.validated_at, v.calibration_end, v.holdout_end, v.time_unit,
	   v.segment_kind, v.segment, v.bucket, v.customers, v.predicted, v.actual, v.mean_absolute_error,
	   v.spend_customers, v.predicted_spend, v.actual_spend, v.spend_mean_absolute_error,
	   v.bgnbd, v.gammagamma, v.model, v.paretonbd, v.gammagamma_x
  FROM dormancy.model_validations v
 WHERE v.validation_id = (SELECT pg_catalog.max(l.validation_id) FROM dormancy.model_validations l
						   WHERE l.segment_kind = v.segment_kind AND l.segment IS NOT DISTINCT FROM v.segment);
COMMENT ON VIEW dormancy.latest_validation IS
	'the rows of dormancy.model_validations of the latest holdout validation of each segment';
PERFORM dormancy._copy_column_comments('dormancy.model_validations', 'dormancy.latest_validation');

CREATE OR REPLACE VIEW dormancy.latest_validation_tracking WITH (security_invoker = true) AS
SELECT t.validation_id, t.segment_kind, t.segment, t.period, t.period_end, t.holdout,
	   t.customers, t.predicted, t.actual
  FROM dormancy.model_validation_tracking t
 WHERE t.validation_id = (SELECT pg_catalog.max(l.validation_id) FROM dormancy.model_validation_tracking l
						   WHERE l.segment_kind = t.segment_kind AND l.segment IS NOT DISTINCT FROM t.segment);
COMMENT ON VIEW dormancy.latest_validation_tracking IS
	'the rows of dormancy.model_validation_tracking of the latest holdout validation of each segment';
PERFORM dormancy._copy_column_comments('dormancy.model_validation_tracking', 'dormancy.latest_validation_tracking');
IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dormancy_reader') THEN
	GRANT SELECT ON dormancy.latest_validation, dormancy.latest_validation_tracking TO dormancy_reader;
END IF;

-- campaign_list: the members of each campaign to approach (not the
-- controls), as frozen at its start (dormancy.campaign_members), with what
-- a rep needs to call them now: name and owner (src_customers), a usable
-- phone number and e-mail address and a contact person (src_contacts, the
-- most recently updated first), and the outreach since the start.  Members
-- are matched to the bound ids by their text (a hash join over the
-- customers); the contacts and the outreach by the bound id, with the
-- equality of its type.
-- (The tables with row security of their own, campaign_members here and
-- status_history, are read in subqueries, (TABLE ...): Citus plans those
-- apart from your distributed customers, and refused or crashed on the
-- table itself beside them; on one server the plans are the same.)
CREATE OR REPLACE VIEW dormancy.campaign_list WITH (security_invoker = true) AS
SELECT m.campaign_id, c.name AS campaign_name,
	   pg_catalog.row_number() OVER (PARTITION BY m.campaign_id ORDER BY m.call_order, m.customer_id) AS call_order,
	   m.customer_id, s.name, s.owner,
	   ct.phone, ct.email, ct.person,
	   m.state, m.likely_reason, m.channel, m.theme, m.priority_score, m.score_band, m.value_tier,
	   coalesce(ot.contacts, 0) AS contacts, ot.last_contacted_at, ot.last_outcome,
	   c.as_of, c.started_at,
	   dormancy.label('state', m.state) AS state_label,
	   dormancy.label('likely_reason', m.likely_reason) AS likely_reason_label,
	   dormancy.label('approach_channel', m.channel) AS channel_label,
	   dormancy.label('message_theme', m.theme) AS theme_label,
	   dormancy.label('outreach_outcome', ot.last_outcome) AS last_outcome_label
  FROM (TABLE dormancy.campaign_members) m
  JOIN dormancy.campaigns c ON c.campaign_id = m.campaign_id
  LEFT JOIN dormancy.src_customers s ON s.customer_id::pg_catalog.text = m.customer_id
  -- the members' contacts, per customer: the usable phone number, e-mail
  -- address and contact person updated last (ties: the smallest value).  A
  -- grouping over the contacts of the members' customers only (their typed
  -- ids, so that the contacts' index on the customer serves), not lateral
  -- subqueries with LIMIT 1, which Citus does not run beside the local
  -- members when the contacts are distributed
  LEFT JOIN (
	SELECT x.customer_id,
		   (pg_catalog.array_agg(x.phone ORDER BY x.updated_on DESC NULLS LAST, x.phone)
				FILTER (WHERE dormancy.phone_valid(x.phone, (SELECT pss.phone_country FROM dormancy.source_settings_in_force() pss))))[1]
			   AS phone,
		   (pg_catalog.array_agg(pg_catalog.btrim(x.email) ORDER BY x.updated_on DESC NULLS LAST, x.email)
				FILTER (WHERE x.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$'))[1] AS email,
		   (pg_catalog.array_agg(pg_catalog.btrim(x.person) ORDER BY x.updated_on DESC NULLS LAST, x.person)
				FILTER (WHERE pg_catalog.btrim(x.person) <> ''))[1] AS person
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IN (SELECT c2.customer_id FROM dormancy.src_customers c2
							  WHERE c2.customer_id::pg_catalog.text IN (SELECT m2.customer_id FROM dormancy.campaign_members m2
																		 WHERE NOT m2.is_control))
	 GROUP BY x.customer_id
  ) ct ON ct.customer_id = s.customer_id
  LEFT JOIN (
	SELECT mo.campaign_id, mo.customer_id,
		   pg_catalog.count(*) FILTER (WHERE o.contacted_on >= co.as_of) AS contacts,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.contacted_on >= co.as_of) AS last_contacted_at,
		   (pg_catalog.array_agg(o.outcome ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome)
				FILTER (WHERE o.outcome IS NOT NULL AND o.contacted_on >= co.as_of))[1] AS last_outcome,
		   -- the opt-out in force: the aggregates of customer_outreach's
		   -- opted_out_on, for its rule (_opt_out_in_force, below): the
		   -- dated contacts here are those up to the as-of day (any day,
		   -- not only since the start), the others opt-outs without a time
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.opt_out AND pg_catalog.isfinite(o.contacted_at))
			   AS last_opt_out_at,
		   pg_catalog.bool_or(NOT coalesce(pg_catalog.isfinite(o.contacted_at), false)) FILTER (WHERE o.opt_out)
			   AS undated_opt_out,
		   pg_catalog.max(o.contacted_at)
				FILTER (WHERE pg_catalog.isfinite(o.contacted_at) AND o.outcome = ANY (dormancy._interest_outcomes()))
			   AS last_interest_at
	  FROM (TABLE dormancy.campaign_members) mo
	  JOIN dormancy.campaigns co ON co.campaign_id = mo.campaign_id
	  -- the members' ids typed (as in campaign_outcomes), then the outreach
	  -- on the ids' own equality
	  JOIN (SELECT k.customer_id, k.customer_id::pg_catalog.text AS customer_key
			  FROM dormancy.src_customers k
			 WHERE k.customer_id::pg_catalog.text IN (SELECT mk.customer_id FROM dormancy.campaign_members mk
														WHERE NOT mk.is_control)
			 GROUP BY k.customer_id) mt ON mt.customer_key = mo.customer_id
	  -- the contacts since the start day, by the day in the zone in force
	  -- (as campaign_outcomes counts them: a contact logged with a date on
	  -- the start day is midnight, before started_at); the opt-outs of any
	  -- day.  Only those up to the as-of day in force, as customer_outreach
	  -- and campaign_outcomes read them (the same cut-off: the day in the
	  -- zone against dormancy._as_of): with a pinned as-of in the past, a
	  -- call made after it has not happened yet (until 2026-12-07 the list
	  -- counted it in contacts, last_contacted_at and last_outcome)
	  -- and an opt-out without a (finite) time, in force as customer_outreach
	  -- takes it (_opt_out_in_force)
	  JOIN dormancy.src_outreach o ON o.customer_id = mt.customer_id
									 AND ((pg_catalog.isfinite(o.contacted_at)
										   AND o.contacted_on <= (SELECT a.day FROM dormancy._as_of a))
										  OR (o.opt_out AND NOT coalesce(pg_catalog.isfinite(o.contacted_at), false)))
	 WHERE NOT mo.is_control
	 GROUP BY mo.campaign_id, mo.customer_id
  ) ot ON ot.campaign_id = m.campaign_id AND ot.customer_id = m.customer_id
 WHERE NOT m.is_control
   -- not a member who has since asked not to be contacted (still a member:
   -- campaign_outcomes counts every one): customer_outreach.opted_out_on,
   -- by the same rule
   AND NOT dormancy._opt_out_in_force(ot.last_opt_out_at, ot.undated_opt_out, ot.last_interest_at);
COMMENT ON VIEW dormancy.campaign_list IS
	'the members of each campaign to approach (controls left out, and members who have asked not to be contacted: customer_outreach.opted_out_on), as frozen at its start, with the name, owner, a usable phone number, e-mail address and contact person now, and the outreach from the start to the as-of day: the list to export for the reps';
COMMENT ON COLUMN dormancy.campaign_list.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_list.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_list.call_order IS 'position in the campaign''s list, 1 = call first (the call list''s order at the start)';
COMMENT ON COLUMN dormancy.campaign_list.customer_id IS 'the customer id as text';
COMMENT ON COLUMN dormancy.campaign_list.name IS 'customer name (NULL when the customer is no longer among the bound customers)';
COMMENT ON COLUMN dormancy.campaign_list.owner IS 'the customer''s owner (sales rep), NULL when unbound';
COMMENT ON COLUMN dormancy.campaign_list.phone IS 'a usable phone number of the customer (dormancy.phone_valid in source_settings.phone_country), the most recently updated contact first; NULL when none or contacts are unbound';
COMMENT ON COLUMN dormancy.campaign_list.email IS 'a usable e-mail address of the customer, the most recently updated contact first; NULL when none';
COMMENT ON COLUMN dormancy.campaign_list.person IS 'a contact person of the customer, the most recently updated contact first; NULL when none';
COMMENT ON COLUMN dormancy.campaign_list.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_list.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_list.channel IS 'the planned approach channel (email, direct_mail, phone, visit, step_mail)';
COMMENT ON COLUMN dormancy.campaign_list.theme IS 'the planned message theme';
COMMENT ON COLUMN dormancy.campaign_list.priority_score IS 'the priority score at the start, 0 to 100';
COMMENT ON COLUMN dormancy.campaign_list.score_band IS 'the band of the score at the start';
COMMENT ON COLUMN dormancy.campaign_list.value_tier IS 'the value tier at the start';
COMMENT ON COLUMN dormancy.campaign_list.contacts IS 'contacts of the customer in the outreach from the campaign''s start day to the as-of day in force (the days in dormancy.time_zone; any campaign id)';
COMMENT ON COLUMN dormancy.campaign_list.last_contacted_at IS 'the latest of those contacts';
COMMENT ON COLUMN dormancy.campaign_list.last_outcome IS 'the outcome of the latest of those contacts that has one';
COMMENT ON COLUMN dormancy.campaign_list.as_of IS 'the as-of day of the campaign''s start';
COMMENT ON COLUMN dormancy.campaign_list.started_at IS 'when the campaign started';
COMMENT ON COLUMN dormancy.campaign_list.state_label IS 'state in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.likely_reason_label IS 'likely_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.channel_label IS 'channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.theme_label IS 'theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.last_outcome_label IS 'last_outcome in dormancy.language (dormancy.labels, vocabulary outreach_outcome)';

-- The effect of the win-back campaigns (issue 15, docs/campaign_effect.md):
-- campaign_outcomes (one row per member: contacted?, came back within the
-- window?, revenue in the window), and above it campaign_effect (treated
-- against control, with 95% intervals), campaign_score_calibration (per
-- score band), measured_approaches (the best measured channel and theme per
-- reason, beside the ones in force) and campaign_transitions (the state
-- changes of status_history in a campaign's window).
--
-- campaign_outcomes: each member of each campaign (campaign_members), with
-- the window of the campaign (the N = reactivation_days days after its
-- as-of day, up to the as-of day in force), the member's first contact
-- (an outreach row of the campaign, or one without a campaign in the
-- window), and the purchase days and revenue in the window, read from
-- src_history_rows in the zone in force.  A purchase day is one of the
-- purchase histories: with an order id bound, each order counts on the day
-- of its first dated line with the net of all its lines; a day is a purchase day
-- when its known amounts net to more than zero (within 1e-9 of its largest
-- order), or its amounts are all unknown.  campaign_members keeps text ids: each is typed once,
-- as the bound customer id whose text it is (src_customers), and the orders
-- and the outreach are read once each, joined to the members on the typed
-- id with the equality of its type, as customer_status joins them (an
-- order's 7.0 is customer 7's; a member no longer among the bound customers
-- has no contact and no purchase).
CREATE OR REPLACE VIEW dormancy.campaign_outcomes WITH (security_invoker = true) AS
WITH m AS (
	SELECT mb.campaign_id, c.name AS campaign_name, mb.customer_id, mb.is_control, mb.stratum, mb.score_band,
		   mb.state, mb.likely_reason, mb.channel, mb.theme, mb.priority_score, mb.p_alive,
		   c.as_of AS start_day, c.reactivation_days,
		   c.as_of + c.reactivation_days AS window_end,
		   a.as_of_day, mt.customer_id AS bound_id
	  FROM (TABLE dormancy.campaign_members) mb
	  JOIN dormancy.campaigns c ON c.campaign_id = mb.campaign_id
	 CROSS JOIN (SELECT dormancy.as_of_day() AS as_of_day) a
	  -- the member's id typed: the bound customer id whose text it is (one
	  -- per id, however many rows of the customers have it)
	  LEFT JOIN (SELECT k.customer_id, k.customer_id::pg_catalog.text AS customer_key
				   FROM dormancy.src_customers k
				  WHERE k.customer_id::pg_catalog.text IN (SELECT mk.customer_id FROM dormancy.campaign_members mk)
				  GROUP BY k.customer_id) mt ON mt.customer_key = mb.customer_id
), contact AS (
	SELECT m.campaign_id, m.customer_id,
		   pg_catalog.min(o.contacted_on) AS first_contact_on,
		   pg_catalog.count(*) AS contacts,
		   -- a conversation among them, by the rule of
		   -- customer_outreach.conversations (_conversation): a message
		   -- delivered without an answer, or a mailing the member did not
		   -- answer, is a contact, not reached (until 2026-12-07 it was
		   -- reached: a campaign of DMs marked delivered reached everyone)
		   pg_catalog.bool_or(dormancy._conversation(o.channel, o.outcome, o.source_outcome)) AS reached
	  FROM m
	  JOIN dormancy.src_outreach o ON o.customer_id = m.bound_id
	  -- (a campaign id that is none of the extension's campaigns: a CRM's
	  -- own number, counted as no campaign)
	  LEFT JOIN dormancy.campaigns oc ON oc.campaign_id = o.campaign_id
	 WHERE o.contacted_on <= m.as_of_day
	   -- nothing before the start counts, not even a row of the campaign
	   -- (a mistyped day), nor a time of -infinity
	   AND o.contacted_on >= m.start_day
	   -- a row of this campaign; in the window, one without a campaign, and
	   -- for a control any contact at all (another campaign's too: the
	   -- control was approached all the same)
	   AND (o.campaign_id = m.campaign_id
			OR ((oc.campaign_id IS NULL OR m.is_control) AND o.contacted_on <= m.window_end))
	 GROUP BY m.campaign_id, m.customer_id
), mc AS (
	SELECT m.*, k.first_contact_on, coalesce(k.contacts, 0) AS contacts, coalesce(k.reached, false) AS reached,
		   -- the last day read: the window, or the window after the contact
		   -- when that ends later, never after the as-of day in force
		   LEAST(m.as_of_day, GREATEST(m.window_end, k.first_contact_on + m.reactivation_days - 1)) AS read_until
	  FROM m
	  LEFT JOIN contact k ON k.campaign_id = m.campaign_id AND k.customer_id = m.customer_id
), d AS (
	-- a purchase day as in the purchase histories (history_day_is_purchase,
	-- docs/decline.md): its known amounts net to more than 1e-9 of its
	-- largest order (at least 1), or all its amounts are unknown
	SELECT mc.campaign_id, mc.customer_id, o.day,
		   pg_catalog.sum(o.amount) AS amount,
		   pg_catalog.count(o.amount) = 0
		   OR pg_catalog.sum(o.amount) > 1e-9 * GREATEST(pg_catalog.max(o.amount) FILTER (WHERE o.amount >= 0), 1)
			   AS purchase
	  FROM mc
	  -- (the day in a subquery over the orders, not a lateral subquery
	  -- without FROM: Citus refuses one holding a sublink)
	  JOIN (SELECT o.customer_id, o.amount,
				   (dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)))::pg_catalog.date AS day
			  -- the rows the purchase histories fold: the order rows, or
			  -- with an order id bound the whole orders (each order's lines
			  -- netted, on the day of its first dated line; the constants of
			  -- src_bindings leave the other rows unread)
			  FROM dormancy.src_history_rows o
			 CROSS JOIN dormancy.src_bindings b
			 WHERE (o.whole_order OR NOT b.order_ids_bound)
			   -- the orders from two days before the first campaign's
			   -- start on (two days: any zone's day against the session's),
			   -- so that the older ones are neither joined nor converted
			   -- (and without an order id, an index on the time serves)
			   AND o.ordered_at >= (SELECT pg_catalog.min(c.as_of) - 2 FROM dormancy.campaigns c)) o
		ON o.customer_id = mc.bound_id
	 -- the window's days, and those from the first contact on (a contact on
	 -- the start day: that day too, for reactivated_after_contact only)
	 WHERE (o.day > mc.start_day OR o.day >= mc.first_contact_on) AND o.day <= mc.read_until
	 GROUP BY mc.campaign_id, mc.customer_id, o.day
)
SELECT mc.campaign_id, mc.campaign_name, mc.customer_id, mc.is_control, mc.stratum, mc.score_band, mc.state,
	   mc.likely_reason, mc.channel, mc.theme, mc.priority_score, mc.p_alive,
	   mc.start_day, mc.window_end, mc.as_of_day >= mc.window_end AS window_ended,
	   mc.contacts > 0 AS contacted, mc.contacts, mc.reached, mc.first_contact_on,
	   coalesce(p.purchase_days, 0) AS purchase_days,
	   coalesce(p.purchase_days, 0) > 0 AS reactivated,
	   p.first_purchase_on,
	   coalesce(p.revenue, 0) AS revenue,
	   CASE WHEN mc.contacts > 0 THEN coalesce(p.purchase_days_after_contact, 0) > 0 END AS reactivated_after_contact
  FROM mc
  LEFT JOIN (SELECT d.campaign_id, d.customer_id,
					pg_catalog.count(*) FILTER (WHERE d.purchase AND d.day > mc.start_day AND d.day <= mc.window_end)
						AS purchase_days,
					pg_catalog.min(d.day) FILTER (WHERE d.purchase AND d.day > mc.start_day AND d.day <= mc.window_end)
						AS first_purchase_on,
					pg_catalog.sum(d.amount) FILTER (WHERE d.day > mc.start_day AND d.day <= mc.window_end) AS revenue,
					pg_catalog.count(*) FILTER (WHERE d.purchase AND d.day >= mc.first_contact_on
												AND d.day < mc.first_contact_on + mc.reactivation_days)
						AS purchase_days_after_contact
			   FROM d
			   JOIN mc ON mc.campaign_id = d.campaign_id AND mc.customer_id = d.customer_id
			  GROUP BY d.campaign_id, d.customer_id) p
	ON p.campaign_id = mc.campaign_id AND p.customer_id = mc.customer_id;
COMMENT ON VIEW dormancy.campaign_outcomes IS
	'one row per member of each campaign: treated or control, contacted or not, and whether the member came back (a purchase day) in the campaign''s window, with the revenue in it (docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_outcomes.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_outcomes.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_outcomes.customer_id IS 'the customer id as text (as in campaign_members)';
COMMENT ON COLUMN dormancy.campaign_outcomes.is_control IS 'held out as control: not to be approached';
COMMENT ON COLUMN dormancy.campaign_outcomes.stratum IS 'state | likely reason | score band at the start (campaign_members.stratum)';
COMMENT ON COLUMN dormancy.campaign_outcomes.score_band IS 'the band of the priority score at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.channel IS 'the planned channel at the start (also for a control: the one it would have had)';
COMMENT ON COLUMN dormancy.campaign_outcomes.theme IS 'the planned message theme at the start (also for a control)';
COMMENT ON COLUMN dormancy.campaign_outcomes.priority_score IS 'the priority score at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.p_alive IS 'the model''s probability alive at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.start_day IS 'the campaign''s as-of day: the window starts the day after';
COMMENT ON COLUMN dormancy.campaign_outcomes.window_end IS 'the last day of the window: start_day + reactivation_days';
COMMENT ON COLUMN dormancy.campaign_outcomes.window_ended IS 'the as-of day in force (dormancy.as_of_day()) is on or after window_end: the window is complete';
COMMENT ON COLUMN dormancy.campaign_outcomes.contacted IS 'the member has an outreach row of this campaign from its start day on, or one without a campaign (or with a campaign id that is none of dormancy.campaigns) in the window; a control, any outreach row in the window (another campaign''s too); up to the as-of day in force';
COMMENT ON COLUMN dormancy.campaign_outcomes.contacts IS 'those outreach rows';
COMMENT ON COLUMN dormancy.campaign_outcomes.reached IS 'one of them is a conversation, as customer_outreach.conversations counts one: an outcome other than not_reached, not a message delivered without an answer (outcome delivered, by any channel: a DM or newsletter marked delivered or opened is contacted, not reached) nor a direct or step mailing the member did not answer (no outcome, not_reached or reached)';
COMMENT ON COLUMN dormancy.campaign_outcomes.first_contact_on IS 'the day of the first of them (in the zone in force)';
COMMENT ON COLUMN dormancy.campaign_outcomes.purchase_days IS 'purchase days in the window, up to the as-of day in force (as in the purchase histories: with an order id bound, an order on the day of its first line with a time, with the net of its lines)';
COMMENT ON COLUMN dormancy.campaign_outcomes.reactivated IS 'at least one purchase day in the window (from the campaign''s start, for treated and control alike)';
COMMENT ON COLUMN dormancy.campaign_outcomes.first_purchase_on IS 'the first purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_outcomes.revenue IS 'the sum of the known order amounts in the window (refunds included; with an order id bound, the nets of the orders whose first line with a time is in it), 0 without any';
COMMENT ON COLUMN dormancy.campaign_outcomes.reactivated_after_contact IS 'a contacted member with a purchase day in the reactivation_days days from the first contact on (NULL when not contacted): descriptive only, see docs/campaign_effect.md';

-- campaign_effect: treated against control per campaign, over all members
-- (level all) and per planned channel, theme, likely reason and their
-- combination (levels channel, theme, reason, approach).  Intention to
-- treat: every member not held out is treated, contacted or not, and both
-- groups are measured from the campaign's start, which the random
-- assignment makes comparable.  The intervals are those of
-- proportion_difference, mean_difference and number_needed_to_treat.
CREATE OR REPLACE VIEW dormancy.campaign_effect WITH (security_invoker = true) AS
WITH g AS (
	SELECT o.campaign_id, o.campaign_name,
		   CASE WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 7 THEN 'all'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 3 THEN 'channel'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 5 THEN 'theme'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 6 THEN 'reason'
				ELSE 'approach' END AS level,
		   o.channel, o.theme, o.likely_reason,
		   pg_catalog.min(o.start_day) AS start_day, pg_catalog.min(o.window_end) AS window_end,
		   pg_catalog.bool_and(o.window_ended) AS window_ended,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS treated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS controls,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.contacted) AS contacted,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.contacted) AS controls_contacted,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS treated_reactivated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS control_reactivated,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated_after_contact) AS contacted_reactivated,
		   pg_catalog.avg(o.revenue) FILTER (WHERE NOT o.is_control) AS treated_revenue,
		   pg_catalog.var_samp(o.revenue) FILTER (WHERE NOT o.is_control) AS treated_revenue_variance,
		   pg_catalog.avg(o.revenue) FILTER (WHERE o.is_control) AS control_revenue,
		   pg_catalog.var_samp(o.revenue) FILTER (WHERE o.is_control) AS control_revenue_variance
	  FROM dormancy.campaign_outcomes o
	 GROUP BY GROUPING SETS ((o.campaign_id, o.campaign_name),
							 (o.campaign_id, o.campaign_name, o.channel),
							 (o.campaign_id, o.campaign_name, o.theme),
							 (o.campaign_id, o.campaign_name, o.likely_reason),
							 (o.campaign_id, o.campaign_name, o.channel, o.theme, o.likely_reason))
)
SELECT g.campaign_id, g.campaign_name, g.level, g.channel, g.theme, g.likely_reason,
	   g.start_day, g.window_end, g.window_ended,
	   g.treated, g.controls, g.contacted, g.controls_contacted,
	   g.treated_reactivated, g.control_reactivated,
	   g.treated_reactivated::double precision / NULLIF(g.treated, 0) AS treated_rate,
	   g.control_reactivated::double precision / NULLIF(g.controls, 0) AS control_rate,
	   pd.difference AS rate_difference, pd.lower AS rate_difference_lower, pd.upper AS rate_difference_upper,
	   nn.number_needed, nn.lower AS number_needed_lower, nn.upper AS number_needed_upper,
	   g.contacted_reactivated,
	   g.contacted_reactivated::double precision / NULLIF(g.contacted, 0) AS contacted_rate,
	   g.treated_revenue AS treated_revenue_per_member, g.control_revenue AS control_revenue_per_member,
	   md.difference AS revenue_difference, md.lower AS revenue_difference_lower, md.upper AS revenue_difference_upper,
	   -- the codes' labels in the session's language (dormancy.language)
	   dormancy.label('approach_channel', g.channel) AS channel_label,
	   dormancy.label('message_theme', g.theme) AS theme_label,
	   dormancy.label('likely_reason', g.likely_reason) AS likely_reason_label
  FROM g
 CROSS JOIN LATERAL dormancy.proportion_difference(g.treated_reactivated, g.treated, g.control_reactivated, g.controls) pd
 CROSS JOIN LATERAL dormancy.number_needed_to_treat(pd.difference, pd.lower, pd.upper) nn
 CROSS JOIN LATERAL dormancy.mean_difference(g.treated, g.treated_revenue, g.treated_revenue_variance,
											 g.controls, g.control_revenue, g.control_revenue_variance) md;
COMMENT ON VIEW dormancy.campaign_effect IS
	'the effect of each campaign, treated against control (intention to treat, from the campaign''s start): reactivation rates and revenue per member with the differences and their 95% intervals, and the number needed to win one customer back; over all members and per planned channel, theme, likely reason and approach (docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_effect.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_effect.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_effect.level IS 'which members the row is over: all (the whole campaign), channel, theme, reason (one planned channel, theme or likely reason) or approach (one channel x theme x reason)';
COMMENT ON COLUMN dormancy.campaign_effect.channel IS 'the planned channel (levels channel and approach; NULL on the others, or a member without one)';
COMMENT ON COLUMN dormancy.campaign_effect.theme IS 'the planned message theme (levels theme and approach)';
COMMENT ON COLUMN dormancy.campaign_effect.likely_reason IS 'the likely reason at the start (levels reason and approach)';
COMMENT ON COLUMN dormancy.campaign_effect.start_day IS 'the campaign''s as-of day: the window starts the day after';
COMMENT ON COLUMN dormancy.campaign_effect.window_end IS 'the last day of the window (start_day + reactivation_days)';
COMMENT ON COLUMN dormancy.campaign_effect.window_ended IS 'false while the as-of day in force is before window_end: the rates are those of the days so far';
COMMENT ON COLUMN dormancy.campaign_effect.treated IS 'members not held out (to be approached), contacted or not';
COMMENT ON COLUMN dormancy.campaign_effect.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaign_effect.contacted IS 'treated members with an outreach row (campaign_outcomes.contacted)';
COMMENT ON COLUMN dormancy.campaign_effect.controls_contacted IS 'controls that were contacted all the same (they stay controls: a large number dilutes the measured effect)';
COMMENT ON COLUMN dormancy.campaign_effect.treated_reactivated IS 'treated members with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_effect.control_reactivated IS 'controls with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_effect.treated_rate IS 'treated_reactivated / treated';
COMMENT ON COLUMN dormancy.campaign_effect.control_rate IS 'control_reactivated / controls';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference IS 'treated_rate - control_rate: the lift in reactivation (NULL without treated or without controls)';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference_lower IS 'lower bound of the 95% interval of rate_difference (Newcombe''s hybrid score interval)';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference_upper IS 'upper bound of the 95% interval of rate_difference';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed IS 'members to approach to win one customer back: 1 / rate_difference (negative: one lost per that many; NULL for no difference)';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed_lower IS 'lower bound of its 95% interval, 1 / rate_difference_upper; NULL when the interval of rate_difference includes 0 (unbounded)';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed_upper IS 'upper bound of its 95% interval, 1 / rate_difference_lower; NULL when the interval of rate_difference includes 0 (unbounded)';
COMMENT ON COLUMN dormancy.campaign_effect.contacted_reactivated IS 'contacted members with a purchase day in the reactivation_days days from their first contact';
COMMENT ON COLUMN dormancy.campaign_effect.contacted_rate IS 'contacted_reactivated / contacted: descriptive only, not an effect (who is reached is not random; docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_effect.treated_revenue_per_member IS 'mean revenue in the window per treated member (0 for a member without orders)';
COMMENT ON COLUMN dormancy.campaign_effect.control_revenue_per_member IS 'mean revenue in the window per control';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference IS 'treated_revenue_per_member - control_revenue_per_member';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference_lower IS 'lower bound of the 95% interval of revenue_difference (Welch); NULL with fewer than 2 members in a group';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference_upper IS 'upper bound of the 95% interval of revenue_difference (Welch)';
COMMENT ON COLUMN dormancy.campaign_effect.channel_label IS 'channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_effect.theme_label IS 'theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_effect.likely_reason_label IS 'likely_reason in the language of dormancy.language';

-- campaign_score_calibration: per campaign and score band at the start, the
-- reactivation of treated and controls.  The control rate is the calibration
-- of the score (do customers of higher bands come back more often on their
-- own?), the difference says in which bands the approach pays.
CREATE OR REPLACE VIEW dormancy.campaign_score_calibration WITH (security_invoker = true) AS
WITH g AS (
	SELECT o.campaign_id, o.campaign_name, o.score_band,
		   pg_catalog.bool_and(o.window_ended) AS window_ended,
		   pg_catalog.min(o.priority_score) AS min_score, pg_catalog.max(o.priority_score) AS max_score,
		   pg_catalog.avg(o.priority_score) AS mean_score, pg_catalog.avg(o.p_alive) AS mean_p_alive,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS treated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS controls,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS treated_reactivated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS control_reactivated
	  FROM dormancy.campaign_outcomes o
	 GROUP BY o.campaign_id, o.campaign_name, o.score_band
)
SELECT g.campaign_id, g.campaign_name, g.score_band,
	   CASE WHEN g.score_band ~ '^[0-9.]+-' THEN pg_catalog.split_part(g.score_band, '-', 1)::double precision END AS band_from,
	   g.window_ended, g.mean_score, g.mean_p_alive,
	   g.treated, g.controls, g.treated_reactivated, g.control_reactivated,
	   g.treated_reactivated::double precision / NULLIF(g.treated, 0) AS treated_rate,
	   g.control_reactivated::double precision / NULLIF(g.controls, 0) AS control_rate,
	   pd.difference AS rate_difference, pd.lower AS rate_difference_lower, pd.upper AS rate_difference_upper
  FROM g
 CROSS JOIN LATERAL dormancy.proportion_difference(g.treated_reactivated, g.treated, g.control_reactivated, g.controls) pd;
COMMENT ON VIEW dormancy.campaign_score_calibration IS
	'per campaign and score band at the start: how often treated members and controls came back in the window (do higher-scored customers come back more often, and where does the approach pay?)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_score_calibration.score_band IS 'the band of the priority score at the start (campaign_members.score_band)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.band_from IS 'the band''s lower bound, to sort by';
COMMENT ON COLUMN dormancy.campaign_score_calibration.window_ended IS 'false while the as-of day in force is before the window''s end';
COMMENT ON COLUMN dormancy.campaign_score_calibration.mean_score IS 'mean priority score of the band''s members at the start';
COMMENT ON COLUMN dormancy.campaign_score_calibration.mean_p_alive IS 'mean probability alive of the band''s members at the start (the model''s own expectation)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated IS 'members not held out';
COMMENT ON COLUMN dormancy.campaign_score_calibration.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated_reactivated IS 'treated members with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_score_calibration.control_reactivated IS 'controls with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated_rate IS 'treated_reactivated / treated';
COMMENT ON COLUMN dormancy.campaign_score_calibration.control_rate IS 'control_reactivated / controls: how often the band comes back without an approach';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference IS 'treated_rate - control_rate: the lift in this band';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference_lower IS 'lower bound of its 95% interval (Newcombe)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference_upper IS 'upper bound of its 95% interval (Newcombe)';

-- measured_approaches: per likely reason, the planned channel and the theme
-- with the best measured lift over the campaigns whose window has ended,
-- among those with at least outreach_settings.min_observations treated
-- members and as many controls: best by the lower bound of the lift's 95%
-- interval, then the lift.  Measured in one campaign, the lift is that of
-- campaign_effect (Newcombe's interval); in several, the campaigns are
-- strata: the Mantel-Haenszel weighted difference (weights n1 n2 / (n1 + n2))
-- with a Wald interval whose variances use (x + 1) / (n + 2) (Agresti-Caffo),
-- so that campaigns with other control shares and other baselines do not
-- make a lift out of their mix (Simpson's paradox).  Only campaigns with
-- both groups for the channel or theme count.  Beside them the theme in
-- force, the channel of the first approach rule that can decide for the
-- reason (when it decides for all its customers), and whether the theme is
-- the installed default.  adopt_measured_approaches() writes the ones whose
-- lower bound is above 0.
CREATE OR REPLACE VIEW dormancy.measured_approaches WITH (security_invoker = true) AS
WITH o AS (
	SELECT o.* FROM dormancy.campaign_outcomes o WHERE o.window_ended AND o.likely_reason IS NOT NULL
), per AS (
	SELECT 'channel'::text AS kind, o.likely_reason, o.channel AS choice, o.campaign_id,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS n1,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS n2,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS x1,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS x2
	  FROM o WHERE o.channel IS NOT NULL GROUP BY o.likely_reason, o.channel, o.campaign_id
	UNION ALL
	SELECT 'theme', o.likely_reason, o.theme, o.campaign_id,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control),
		   pg_catalog.count(*) FILTER (WHERE o.is_control),
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated),
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated)
	  FROM o WHERE o.theme IS NOT NULL GROUP BY o.likely_reason, o.theme, o.campaign_id
), strata AS (
	SELECT p.*, p.n1::double precision * p.n2 / (p.n1 + p.n2) AS w,
		   p.x1::double precision / p.n1 - p.x2::double precision / p.n2 AS d,
		   ((p.x1 + 1.0) / (p.n1 + 2)) * (1 - (p.x1 + 1.0) / (p.n1 + 2)) / p.n1
		   + ((p.x2 + 1.0) / (p.n2 + 2)) * (1 - (p.x2 + 1.0) / (p.n2 + 2)) / p.n2 AS v
	  FROM per p WHERE p.n1 > 0 AND p.n2 > 0
), cand AS (
	SELECT st.kind, st.likely_reason, st.choice, pg_catalog.count(*) AS campaigns,
		   pg_catalog.sum(st.n1) AS treated, pg_catalog.sum(st.n2) AS controls,
		   pg_catalog.sum(st.x1) AS treated_reactivated, pg_catalog.sum(st.x2) AS control_reactivated,
		   pg_catalog.sum(st.w * st.d) / pg_catalog.sum(st.w) AS mh,
		   pg_catalog.sqrt(pg_catalog.sum(st.w * st.w * st.v)::double precision) / pg_catalog.sum(st.w) AS mh_se
	  FROM strata st
	 GROUP BY st.kind, st.likely_reason, st.choice
), lift AS (
	SELECT c.kind, c.likely_reason, c.choice, c.campaigns, c.treated, c.controls,
		   CASE WHEN c.campaigns = 1 THEN pd.difference ELSE c.mh END AS difference,
		   CASE WHEN c.campaigns = 1 THEN pd.lower ELSE GREATEST(c.mh - 1.959963984540054 * c.mh_se, -1) END AS lower,
		   CASE WHEN c.campaigns = 1 THEN pd.upper ELSE LEAST(c.mh + 1.959963984540054 * c.mh_se, 1) END AS upper
	  FROM cand c
	 CROSS JOIN LATERAL dormancy.proportion_difference(c.treated_reactivated::bigint, c.treated::bigint,
													   c.control_reactivated::bigint, c.controls::bigint) pd
	 WHERE c.treated >= (SELECT s.min_observations FROM dormancy.outreach_settings_in_force() s)
	   AND c.controls >= (SELECT s.min_observations FROM dormancy.outreach_settings_in_force() s)
), best AS (
	SELECT DISTINCT ON (l.kind, l.likely_reason) l.*
	  FROM lift l
	 ORDER BY l.kind, l.likely_reason, l.lower DESC, l.difference DESC, l.choice
), reasons AS (
	SELECT DISTINCT o.likely_reason FROM o
), reason_rules AS (
	-- per reason, the first approach rule that can decide for its customers
	-- (reasons NULL or holding the reason): its channel when it has no
	-- other condition (it decides for every customer of the reason), else
	-- NULL (the rules choose by value, industry or size)
	SELECT DISTINCT ON (r.likely_reason) r.likely_reason,
		   CASE WHEN a.industries IS NULL AND a.company_sizes IS NULL
					 AND a.min_value = 0 AND a.min_value_percentile IS NULL THEN a.channel END AS channel
	  FROM reasons r
	  JOIN dormancy.approach_rules a ON a.reasons IS NULL OR r.likely_reason = ANY (a.reasons)
	 ORDER BY r.likely_reason, a.rule_order
)
SELECT r.likely_reason,
	   bc.choice AS measured_channel, bc.difference AS channel_lift,
	   bc.lower AS channel_lift_lower, bc.upper AS channel_lift_upper,
	   bc.treated AS channel_treated, bc.controls AS channel_controls, bc.campaigns AS channel_campaigns,
	   cr.channel AS current_channel,
	   bt.choice AS measured_theme, bt.difference AS theme_lift,
	   bt.lower AS theme_lift_lower, bt.upper AS theme_lift_upper,
	   bt.treated AS theme_treated, bt.controls AS theme_controls, bt.campaigns AS theme_campaigns,
	   mt.theme AS current_theme,
	   mt.installed AS current_theme_installed,
	   coalesce(bc.lower > 0 AND bc.choice IS DISTINCT FROM cr.channel, false) AS adopt_channel,
	   coalesce(bt.lower > 0 AND bt.choice IS DISTINCT FROM mt.theme, false) AS adopt_theme
  FROM reasons r
  LEFT JOIN best bc ON bc.kind = 'channel' AND bc.likely_reason = r.likely_reason
  LEFT JOIN best bt ON bt.kind = 'theme' AND bt.likely_reason = r.likely_reason
  LEFT JOIN dormancy.message_themes mt ON mt.reason = r.likely_reason
  LEFT JOIN reason_rules cr ON cr.likely_reason = r.likely_reason;
COMMENT ON VIEW dormancy.measured_approaches IS
	'per likely reason: the planned channel and the message theme with the best measured lift in reactivation (campaigns whose window has ended, combined as strata; at least outreach_settings.min_observations treated and controls), beside the ones in force; adopt_measured_approaches() writes those marked to adopt';
COMMENT ON COLUMN dormancy.measured_approaches.likely_reason IS 'the likely reason at the campaigns'' start';
COMMENT ON COLUMN dormancy.measured_approaches.measured_channel IS 'the planned channel with the highest lower bound of the lift (NULL: no channel with enough observations)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift IS 'its lift: reactivation rate of the treated minus that of the controls (over several campaigns, the Mantel-Haenszel weighted difference)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift_lower IS 'lower bound of the lift''s 95% interval (Newcombe; over several campaigns, Mantel-Haenszel)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift_upper IS 'upper bound of the lift''s 95% interval';
COMMENT ON COLUMN dormancy.measured_approaches.channel_treated IS 'treated members it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.channel_controls IS 'controls it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.channel_campaigns IS 'campaigns it was measured in (several: a Mantel-Haenszel difference over them)';
COMMENT ON COLUMN dormancy.measured_approaches.current_channel IS 'the channel of the first approach rule (by rule_order) that can decide for this reason (reasons NULL or holding it), when it has no other condition (industries, company sizes, min_value 0, min_value_percentile NULL) and so decides for every customer of the reason; NULL: that rule has a condition (the rules choose by value, industry or size), or no rule applies';
COMMENT ON COLUMN dormancy.measured_approaches.measured_theme IS 'the planned theme with the highest lower bound of the lift (NULL: no theme with enough observations)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift IS 'its lift: reactivation rate of the treated minus that of the controls (over several campaigns, the Mantel-Haenszel weighted difference)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift_lower IS 'lower bound of the lift''s 95% interval (Newcombe; over several campaigns, Mantel-Haenszel)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift_upper IS 'upper bound of the lift''s 95% interval';
COMMENT ON COLUMN dormancy.measured_approaches.theme_treated IS 'treated members it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.theme_controls IS 'controls it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.theme_campaigns IS 'campaigns it was measured in (several: a Mantel-Haenszel difference over them)';
COMMENT ON COLUMN dormancy.measured_approaches.current_theme IS 'the theme in force for this reason (dormancy.message_themes)';
COMMENT ON COLUMN dormancy.measured_approaches.current_theme_installed IS 'current_theme is the extension''s installed default, unedited (message_themes.installed)';
COMMENT ON COLUMN dormancy.measured_approaches.adopt_channel IS 'adopt_measured_approaches() would write the measured channel: its lift''s lower bound is above 0 and it is not the current channel';
COMMENT ON COLUMN dormancy.measured_approaches.adopt_theme IS 'adopt_measured_approaches() would write the measured theme: its lift''s lower bound is above 0 and it is not the current theme';

-- campaign_transitions: for the members who came back in a campaign's
-- window, the first state change that refresh() recorded in status_history
-- from a lapsing state (at_risk, dormant, long_dormant) back to active on or
-- after the first purchase day of the window (a refresh records a change
-- when it runs: after the purchase, possibly after the window), with the
-- member's group and first contact.
CREATE OR REPLACE VIEW dormancy.campaign_transitions WITH (security_invoker = true) AS
SELECT DISTINCT ON (o.campaign_id, o.customer_id)
	   o.campaign_id, o.campaign_name, o.customer_id, o.is_control, o.contacted, o.first_contact_on,
	   o.first_purchase_on, h.history_id, h.run_id, h.from_state, h.to_state, h.as_of AS recorded_as_of,
	   o.first_purchase_on - o.first_contact_on AS days_from_contact,
	   o.first_purchase_on - o.start_day AS days_from_start
  FROM dormancy.campaign_outcomes o
  JOIN (TABLE dormancy.status_history) h ON h.customer_id = o.customer_id
 WHERE o.reactivated
   AND h.change = 'changed' AND h.to_state = 'active'
   AND h.from_state IN ('at_risk', 'dormant', 'long_dormant')
   AND h.as_of >= o.first_purchase_on
 ORDER BY o.campaign_id, o.customer_id, h.history_id;
COMMENT ON VIEW dormancy.campaign_transitions IS
	'members of a campaign who came back in its window, with the first change of their state back to active (from at_risk, dormant or long_dormant) that a refresh recorded on or after the purchase (dormancy.status_history), treated or control';
COMMENT ON COLUMN dormancy.campaign_transitions.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_transitions.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_transitions.customer_id IS 'the customer id as text';
COMMENT ON COLUMN dormancy.campaign_transitions.is_control IS 'held out as control';
COMMENT ON COLUMN dormancy.campaign_transitions.contacted IS 'contacted in the campaign (campaign_outcomes.contacted)';
COMMENT ON COLUMN dormancy.campaign_transitions.first_contact_on IS 'the day of the first contact';
COMMENT ON COLUMN dormancy.campaign_transitions.first_purchase_on IS 'the first purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_transitions.history_id IS 'the row of dormancy.status_history';
COMMENT ON COLUMN dormancy.campaign_transitions.run_id IS 'the refresh that recorded it (dormancy.refresh_runs)';
COMMENT ON COLUMN dormancy.campaign_transitions.from_state IS 'the state before: at_risk, dormant or long_dormant';
COMMENT ON COLUMN dormancy.campaign_transitions.to_state IS 'the state after: active';
COMMENT ON COLUMN dormancy.campaign_transitions.recorded_as_of IS 'the as-of day of the refresh that recorded the change (a refresh runs after the purchase: it can be later than the purchase day)';
COMMENT ON COLUMN dormancy.campaign_transitions.days_from_contact IS 'days from the first contact to the first purchase day (NULL when not contacted; negative: the customer bought before the contact)';
COMMENT ON COLUMN dormancy.campaign_transitions.days_from_start IS 'days from the campaign''s as-of day to the first purchase day';

END
$$;
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;


--
-- Name keys kept by triggers (issue 11)
--
-- A lookup of one customer with the customers' names bound no longer
-- normalizes every customer's name for the duplicate_name data gap:
-- dormancy.customer_name_keys (made by the next build, not a member) holds
-- each bound customer's name key, kept by statement triggers on the bound
-- customers table (sql_src/63_name_keys.sql); customer_status looks the key
-- up there (new adapter src_name_keys, new column
-- src_bindings.customer_name_keys_tracked).  _update_generated_views() (at
-- the end) rebuilds the views, puts the triggers on the bound customers and
-- fills the keys.

CREATE TABLE dormancy.name_key_state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	customers_relation regclass,
	id_column name,
	id_type regtype,
	name_column name,
	name_type regtype,
	current boolean NOT NULL DEFAULT false,
	reason text
);
COMMENT ON TABLE dormancy.name_key_state IS
	'whether dormancy.customer_name_keys is kept for the bound customers, and up to date';
COMMENT ON COLUMN dormancy.name_key_state.singleton IS 'always true: one row';
COMMENT ON COLUMN dormancy.name_key_state.customers_relation IS 'the bound customers table whose triggers keep the keys';
COMMENT ON COLUMN dormancy.name_key_state.id_column IS 'its id column when tracking began';
COMMENT ON COLUMN dormancy.name_key_state.id_type IS 'the type of the id column then';
COMMENT ON COLUMN dormancy.name_key_state.name_column IS 'its name column when tracking began';
COMMENT ON COLUMN dormancy.name_key_state.name_type IS 'the type of the name column then';
COMMENT ON COLUMN dormancy.name_key_state.current IS 'the keys hold every row of the table: customer_status may use them';
COMMENT ON COLUMN dormancy.name_key_state.reason IS 'why the keys are not used (current false)';
INSERT INTO dormancy.name_key_state DEFAULT VALUES;

-- The triggers that keep the keys: name, event and transition tables.
CREATE FUNCTION dormancy._name_key_triggers()
	RETURNS TABLE (trigger_name name, event text, old_table name, new_table name)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	VALUES ('dormancy_names_insert'::name, 'INSERT', NULL::name, 'dormancy_new_names'::name),
		   ('dormancy_names_update', 'UPDATE', 'dormancy_old_names', 'dormancy_new_names'),
		   ('dormancy_names_delete', 'DELETE', 'dormancy_old_names', NULL),
		   ('dormancy_names_truncate', 'TRUNCATE', NULL, NULL)
$$;
COMMENT ON FUNCTION dormancy._name_key_triggers() IS
	'internal: the triggers keeping dormancy.customer_name_keys: name, event and transition tables';

-- Why the keys of a customers table cannot be kept (NULL: they can): the
-- static facts (the binder's own row security is checked when filling).
CREATE FUNCTION dormancy._name_keys_untrackable(rel regclass, id_column name, name_column name)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c pg_class;
	id_att pg_attribute;
	name_att pg_attribute;
	base oid;
BEGIN
	IF rel IS NULL OR name_column IS NULL THEN
		RETURN 'no customer names are bound';
	END IF;
	SELECT * INTO c FROM pg_class x WHERE x.oid = rel;
	IF NOT FOUND THEN
		RETURN 'the customers relation does not exist';
	END IF;
	IF c.relkind <> 'r' THEN
		RETURN format('%s is not a plain table', rel);
	END IF;
	IF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = rel OR i.inhparent = rel) THEN
		RETURN format('%s has inheritance children or parents, whose writes its triggers do not see', rel);
	END IF;
	IF EXISTS (SELECT 1 FROM pg_subscription_rel s WHERE s.srrelid = rel) THEN
		RETURN format('%s receives rows by logical replication, whose apply fires no statement triggers', rel);
	END IF;
	SELECT * INTO id_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = id_column AND a.attnum > 0 AND NOT a.attisdropped;
	SELECT * INTO name_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = name_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF id_att.attrelid IS NULL OR name_att.attrelid IS NULL THEN
		RETURN 'the id or name column does not exist';
	END IF;
	base := coalesce((SELECT CASE WHEN y.typtype = 'd' THEN y.typbasetype ELSE y.oid END FROM pg_type y WHERE y.oid = id_att.atttypid), 0);
	IF base NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'text'::regtype, 'varchar'::regtype, 'uuid'::regtype) THEN
		RETURN format('the id column has type %s (tracked: smallint, integer, bigint, text, varchar, uuid)', id_att.atttypid::regtype);
	END IF;
	IF id_att.attcollation NOT IN (0, 100) THEN
		RETURN 'the id column has a collation other than the default';
	END IF;
	RETURN replace(dormancy._untrackable_type(name_att.atttypid), 'customer column', 'name column');
END
$$;
COMMENT ON FUNCTION dormancy._name_keys_untrackable(regclass, name, name) IS
	'internal: why the name keys of a customers table cannot be kept by triggers (NULL when they can)';

-- What could have let a write go unseen since the keys were filled (NULL:
-- nothing).  Compares catalog facts only.
CREATE FUNCTION dormancy._name_keys_problem()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	why text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.current, false) THEN
		RETURN coalesce(st.reason, 'the name keys are not kept');
	END IF;
	IF to_regclass('dormancy.customer_name_keys') IS NULL THEN
		RETURN 'the table dormancy.customer_name_keys is missing';
	END IF;
	why := dormancy._name_keys_untrackable(st.customers_relation, st.id_column, st.name_column, st.company_column);
	IF why IS NOT NULL THEN
		RETURN why;
	END IF;
	IF st.company_column IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM pg_attribute a
					    WHERE a.attrelid = st.customers_relation AND a.attname = st.company_column
						  AND a.atttypid = st.company_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the company column of %s was renamed, dropped or changed type', st.customers_relation);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a
					WHERE a.attrelid = st.customers_relation AND a.attname = st.id_column
					  AND a.atttypid = st.id_type AND a.attnum > 0 AND NOT a.attisdropped)
	   OR NOT EXISTS (SELECT 1 FROM pg_attribute a
					   WHERE a.attrelid = st.customers_relation AND a.attname = st.name_column
						 AND a.atttypid = st.name_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the id or name column of %s was renamed, dropped or changed type', st.customers_relation);
	END IF;
	IF (SELECT count(*) FROM pg_trigger t JOIN dormancy._name_key_triggers() d ON d.trigger_name = t.tgname
		 WHERE t.tgrelid = st.customers_relation AND t.tgfoid = 'dormancy._customer_names_changed()'::regprocedure
		   AND t.tgenabled = 'A' AND t.tgnargs = 0
		   AND t.tgnewtable IS NOT DISTINCT FROM d.new_table AND t.tgoldtable IS NOT DISTINCT FROM d.old_table)
	   <> (SELECT count(*) FROM dormancy._name_key_triggers()) THEN
		RETURN format('a trigger keeping the name keys of %s is missing, altered or not enabled ALWAYS', st.customers_relation);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._name_keys_problem() IS
	'internal: why dormancy.customer_name_keys may not be used now (NULL: it holds every row of the bound customers)';

-- Whether customer_status may look the keys up (once per query, an init
-- plan).  SECURITY DEFINER, so that a reader needs no grant on the state and
-- the internal checks: it takes no argument and reads catalog facts and the
-- state row only.
CREATE FUNCTION dormancy._name_keys_usable()
	RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy._name_keys_problem() IS NULL;
COMMENT ON FUNCTION dormancy._name_keys_usable() IS
	'internal: whether dormancy.customer_name_keys holds every row of the bound customers (customer_status then looks the keys up)';

-- Mark the keys stale (until the next bind or rebind).
CREATE FUNCTION dormancy._name_keys_stale(why text)
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.name_key_state SET current = false, reason = why WHERE current;
END;
COMMENT ON FUNCTION dormancy._name_keys_stale(text) IS
	'internal: stop using dormancy.customer_name_keys until the next bind or rebind';

-- Statement trigger on the bound customers table: apply the rows written.
-- SECURITY DEFINER: whoever writes the customers need not be allowed to
-- write dormancy's tables.  It trusts nothing of its call: it runs only as
-- dormancy's trigger on the table it keeps, reads the columns recorded when
-- tracking began and only while they have the recorded built-in types.
CREATE FUNCTION dormancy._customer_names_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	sides text;
	gone_ids text[];
	gone_keys text[];
	long_id text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.customers_relation = TG_RELID, false) THEN
		IF TG_NAME IN (SELECT d.trigger_name FROM dormancy._name_key_triggers() d) THEN
			RETURN NULL;	-- left on a table no longer bound: the next build drops it
		END IF;
		RAISE EXCEPTION 'dormancy._customer_names_changed() runs only as a trigger of dormancy on the bound customers'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s, which dormancy does not track.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF NOT st.current THEN
		RETURN NULL;	-- stale: nothing to keep until the next build
	END IF;
	-- the firing trigger is one dormancy made (see _orders_changed)
	IF TG_WHEN <> 'AFTER' OR TG_LEVEL <> 'STATEMENT'
	   OR NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN dormancy._name_key_triggers() d ON d.trigger_name = t.tgname
					   WHERE t.tgrelid = TG_RELID AND t.tgname = TG_NAME AND d.event = TG_OP
						 AND t.tgfoid = 'dormancy._customer_names_changed()'::regprocedure AND t.tgnargs = 0
						 AND t.tgnewtable IS NOT DISTINCT FROM d.new_table
						 AND t.tgoldtable IS NOT DISTINCT FROM d.old_table) THEN
		PERFORM dormancy._name_keys_stale(format('a trigger keeping the name keys of %s was renamed or altered', TG_RELID::regclass));
		RETURN NULL;
	END IF;
	IF dormancy._name_keys_problem() IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_keys_problem());
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM dormancy.customer_name_keys;
		RETURN NULL;
	END IF;
	-- the change of each (id, key): rows written minus rows removed (the
	-- forms a parameter, read once); the key of _name_key, after the
	-- company id and a colon when a company column is bound
	sides := concat_ws(' UNION ALL ',
		CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN
			format('SELECT (n.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
				   'dormancy._name_key((n.%2$I)::pg_catalog.text, %3$s, $1) AS name_key, 1 AS d '
				   'FROM dormancy_new_names n WHERE n.%1$I IS NOT NULL', st.id_column, st.name_column,
				   CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(n.%I)::pg_catalog.text', st.company_column) END) END,
		CASE WHEN TG_OP IN ('DELETE', 'UPDATE') THEN
			format('SELECT (o.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
				   'dormancy._name_key((o.%2$I)::pg_catalog.text, %3$s, $1) AS name_key, -1 AS d '
				   'FROM dormancy_old_names o WHERE o.%1$I IS NOT NULL', st.id_column, st.name_column,
				   CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(o.%I)::pg_catalog.text', st.company_column) END) END);
	-- (in key order, so that concurrent writers lock the rows in one order;
	-- none when a key is too long for the keys' index, which would fail
	-- your write: the keys are then stale, below)
	EXECUTE format(
		'WITH x AS MATERIALIZED (SELECT y.customer_key, y.name_key, y.d '
		'FROM (%s) y WHERE y.name_key IS NOT NULL), '
		'too_long AS (SELECT x.customer_key FROM x WHERE %s ORDER BY x.customer_key LIMIT 1), '
		'up AS (INSERT INTO dormancy.customer_name_keys AS k (customer_key, name_key, rows) '
		'SELECT x.customer_key, x.name_key, pg_catalog.sum(x.d) FROM x '
		'WHERE NOT EXISTS (SELECT 1 FROM too_long) '
		'GROUP BY x.customer_key, x.name_key HAVING pg_catalog.sum(x.d) <> 0 '
		'ORDER BY x.customer_key, x.name_key '
		'ON CONFLICT (customer_key, name_key) DO UPDATE SET rows = k.rows + excluded.rows '
		'RETURNING k.customer_key, k.name_key, k.rows) '
		'SELECT (SELECT t.customer_key FROM too_long t), '
		'pg_catalog.array_agg(up.customer_key) FILTER (WHERE up.rows <= 0), '
		'pg_catalog.array_agg(up.name_key) FILTER (WHERE up.rows <= 0) FROM up',
		sides, dormancy._name_key_too_long('x')) INTO long_id, gone_ids, gone_keys USING dormancy.legal_forms_in_force();
	IF long_id IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_key_too_long_reason(long_id));
		RETURN NULL;
	END IF;
	-- the pairs no row has any more
	IF gone_ids IS NOT NULL THEN
		DELETE FROM dormancy.customer_name_keys k
		 USING unnest(gone_ids, gone_keys) g(customer_key, name_key)
		 WHERE k.customer_key = g.customer_key AND k.name_key = g.name_key AND k.rows <= 0;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._customer_names_changed() IS
	'internal: trigger on the bound customers table keeping dormancy.customer_name_keys';

-- Fill the keys from the whole table (the caller's rights: the binder, or
-- whoever edits dormancy.legal_forms).  A role for whom row security hides
-- rows could not fill them: the keys are then not used.
CREATE FUNCTION dormancy._fill_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	long_id text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	-- DELETE, not TRUNCATE: a reader whose snapshot is older (REPEATABLE
	-- READ) keeps the keys of its snapshot (it saw none: every
	-- duplicate_name gap gone), and reading them does not hold this off
	DELETE FROM dormancy.customer_name_keys;
	IF st.customers_relation IS NULL THEN
		RETURN;
	END IF;
	IF row_security_active(st.customers_relation) THEN
		PERFORM dormancy._name_keys_stale(format('row security of %s applies to role %s, who filled the keys', st.customers_relation, current_user));
		RETURN;
	END IF;
	-- (nothing when a key is too long for the keys' index: stale, as above)
	EXECUTE format(
		'WITH x AS MATERIALIZED (SELECT y.customer_key, y.name_key '
		'FROM (SELECT (t.%1$I)::pg_catalog.text COLLATE pg_catalog."C" AS customer_key, '
		'dormancy._name_key((t.%2$I)::pg_catalog.text, %4$s, $1) AS name_key '
		'FROM %3$s t WHERE t.%1$I IS NOT NULL) y '
		'WHERE y.name_key IS NOT NULL), '
		'too_long AS (SELECT x.customer_key FROM x WHERE %5$s ORDER BY x.customer_key LIMIT 1), '
		'ins AS (INSERT INTO dormancy.customer_name_keys (customer_key, name_key, rows) '
		'SELECT x.customer_key, x.name_key, pg_catalog.count(*) FROM x '
		'WHERE NOT EXISTS (SELECT 1 FROM too_long) GROUP BY 1, 2) '
		'SELECT t.customer_key FROM too_long t',
		st.id_column, st.name_column, st.customers_relation,
		CASE WHEN st.company_column IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(t.%I)::pg_catalog.text', st.company_column) END,
		dormancy._name_key_too_long('x'))
		INTO long_id USING dormancy.legal_forms_in_force();
	IF long_id IS NOT NULL THEN
		PERFORM dormancy._name_keys_stale(dormancy._name_key_too_long_reason(long_id));
		RETURN;
	END IF;
	ANALYZE dormancy.customer_name_keys;
END
$$;
COMMENT ON FUNCTION dormancy._fill_name_keys() IS
	'internal: compute dormancy.customer_name_keys from the whole bound customers table';

-- Statement trigger on dormancy.legal_forms: every key depends on the forms.
CREATE FUNCTION dormancy._legal_forms_changed()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM dormancy.name_key_state s WHERE s.current) THEN
		PERFORM dormancy._fill_name_keys();
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._legal_forms_changed() IS
	'internal: trigger on dormancy.legal_forms recomputing every name key';
CREATE TRIGGER dormancy_name_keys AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dormancy.legal_forms
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._legal_forms_changed();
COMMENT ON TRIGGER dormancy_name_keys ON dormancy.legal_forms IS 'recomputes dormancy.customer_name_keys when the legal forms change';

-- Drop the triggers from a table (if it still exists).
CREATE FUNCTION dormancy._untrack_names(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	trig text;
BEGIN
	FOR trig IN
		SELECT t.tgname FROM pg_trigger t
		 WHERE t.tgrelid = rel AND NOT t.tgisinternal
		   AND t.tgname IN (SELECT d.trigger_name FROM dormancy._name_key_triggers() d)
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %s', trig, rel);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._untrack_names(regclass) IS 'internal: remove the triggers keeping the name keys';

-- The keys table: made at the first build, like the generated views not a
-- member of the extension (its row security policy names the adapter
-- src_customers, which binding writes; pg_dump keeps it with the views).
-- Before every build the policy goes: a build may have to drop
-- src_customers (another id type); the build makes it again.
CREATE FUNCTION dormancy._before_build_63_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('dormancy.customer_name_keys') IS NULL THEN
		CREATE TABLE dormancy.customer_name_keys (
			customer_key text COLLATE "C" NOT NULL,
			name_key text NOT NULL,
			rows bigint NOT NULL,
			CONSTRAINT customer_name_keys_pkey PRIMARY KEY (customer_key, name_key)
		);
		CREATE INDEX customer_name_keys_name_key ON dormancy.customer_name_keys (name_key);
		ALTER TABLE dormancy.customer_name_keys ENABLE ROW LEVEL SECURITY;
		COMMENT ON TABLE dormancy.customer_name_keys IS
			'the name key of each bound customer (normalize_company_name with dormancy.legal_forms), kept by triggers: the index the duplicate_name data gap looks up';
		COMMENT ON COLUMN dormancy.customer_name_keys.customer_key IS 'the customer id as text';
		COMMENT ON COLUMN dormancy.customer_name_keys.name_key IS 'the key of its name (never blank), after its company id and a colon when a company column is bound';
		COMMENT ON COLUMN dormancy.customer_name_keys.rows IS 'rows of the customers table with this id and this key (an id may be there twice)';
		COMMENT ON INDEX dormancy.customer_name_keys_name_key IS 'finds the customers that share a name key';
		REVOKE ALL ON dormancy.customer_name_keys FROM PUBLIC;
		-- the policy shows an analyst only the keys of customers the analyst sees
		GRANT SELECT ON dormancy.customer_name_keys TO dormancy_analyst;
	END IF;
	PERFORM dormancy._unclaim('TABLE', 'dormancy.customer_name_keys');
	IF EXISTS (SELECT 1 FROM pg_policy p
				WHERE p.polrelid = 'dormancy.customer_name_keys'::regclass AND p.polname = 'visible_customers') THEN
		DROP POLICY visible_customers ON dormancy.customer_name_keys;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._before_build_63_name_keys() IS
	'internal: before a build, make dormancy.customer_name_keys if missing and drop its row security policy (it reads src_customers)';

-- After every build: the policy, the triggers on the bound customers table
-- (enabled ALWAYS) and the keys filled afresh.
CREATE FUNCTION dormancy._after_build_63_name_keys()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	cust record;
	why_not text;
	trig record;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state FOR UPDATE;
	SELECT b.relation, (b.columns ->> 'id')::name AS id_column, (b.columns ->> 'name')::name AS name_column,
		   (b.columns ->> 'company')::name AS company_column INTO cust
	  FROM dormancy._usable_bindings() b WHERE b.source = 'customers';
	IF st.customers_relation IS NOT NULL AND st.customers_relation IS DISTINCT FROM cust.relation
	   AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.customers_relation) THEN
		PERFORM dormancy._untrack_names(st.customers_relation);
	END IF;
	-- a reader sees a row of the keys only when it sees a row of its
	-- customer with that key (an id twice in the customers, one row hidden
	-- by the reader's policy: the hidden row's key is not shown).  Tested
	-- for each key row read, by the index of the customers' id: the id as
	-- a value (a sub-select), since a cast of the row's column is not
	-- leakproof and so, under a policy of yours on the customers, no index
	-- condition; OFFSET 0 leaves the planner no hashed alternative, which
	-- reads and normalizes every customer the reader sees once per query
	-- (it chose that for a lookup of one customer whose key rows it
	-- overestimated: 150-250 ms at 100,000 customers instead of a few).
	-- The key in the database's collation: its own is "C", which for text
	-- ids took the comparison off the index of the customers' id (which
	-- has the default one: _name_keys_untrackable refuses any other)
	id_type := dormancy._column_type('dormancy.src_customers', 'customer_id');
	IF dormancy._citus_table_kind(coalesce(cust.relation,
			(SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'orders'))) IS NULL THEN
		EXECUTE format('CREATE POLICY visible_customers ON dormancy.customer_name_keys FOR SELECT '
					   'USING (EXISTS (SELECT 1 FROM dormancy.src_customers c '
					   'WHERE c.customer_id = (SELECT (customer_name_keys.customer_key COLLATE pg_catalog."default")::%s) '
					   'AND dormancy._name_key(c.name::pg_catalog.text, c.company_id, '
					   '(SELECT dormancy.legal_forms_in_force())) = customer_name_keys.name_key OFFSET 0))', id_type);
	ELSE
		-- the customers in a Citus table: the same test through a function,
		-- whose query Citus plans apart (a policy's subquery over them
		-- beside this local table is a join Citus refuses)
		CREATE POLICY visible_customers ON dormancy.customer_name_keys FOR SELECT
			USING ((customer_key, name_key) IN (SELECT k.customer_key, k.name_key FROM dormancy.visible_name_keys() k));
	END IF;
	why_not := dormancy._name_keys_untrackable(cust.relation, cust.id_column, cust.name_column, cust.company_column);
	IF why_not IS NULL THEN
		BEGIN
			FOR trig IN
				SELECT d.trigger_name AS name, d.event,
					   coalesce('REFERENCING ' || NULLIF(concat_ws(' ', 'OLD TABLE AS ' || d.old_table,
																		'NEW TABLE AS ' || d.new_table), '') || ' ', '') AS referencing
				  FROM dormancy._name_key_triggers() d
			LOOP
				IF EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = cust.relation AND t.tgname = trig.name) THEN
					EXECUTE format('DROP TRIGGER %I ON %s', trig.name, cust.relation);
				END IF;
				EXECUTE format('CREATE TRIGGER %s AFTER %s ON %s %sFOR EACH STATEMENT EXECUTE FUNCTION dormancy._customer_names_changed()',
							   trig.name, trig.event, cust.relation, trig.referencing);
				EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', cust.relation, trig.name);
			END LOOP;
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		IF cust.relation IS NOT NULL THEN
			PERFORM dormancy._untrack_names(cust.relation);
		END IF;
		UPDATE dormancy.name_key_state
		   SET customers_relation = NULL, id_column = NULL, id_type = NULL, name_column = NULL, name_type = NULL,
			   company_column = NULL, company_type = NULL, current = false, reason = why_not;
		DELETE FROM dormancy.customer_name_keys;
		RETURN;
	END IF;
	UPDATE dormancy.name_key_state
	   SET customers_relation = cust.relation, id_column = cust.id_column, name_column = cust.name_column,
		   id_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.id_column),
		   name_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.name_column),
		   company_column = cust.company_column,
		   company_type = (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = cust.relation AND a.attname = cust.company_column),
		   current = true, reason = NULL;
	PERFORM dormancy._fill_name_keys();
END
$$;
COMMENT ON FUNCTION dormancy._after_build_63_name_keys() IS
	'internal: after a build, keep the name keys of the bound customers by triggers and fill them';

-- Event trigger: DDL on the tracked table that could hide writes (a trigger
-- disabled, dropped or replaced, a column retyped, a child table) makes the
-- keys stale.  SECURITY DEFINER, because DDL of any role must be seen: it
-- compares catalog facts and writes one fixed row.  Enabled ALWAYS.
CREATE FUNCTION dormancy._customers_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.name_key_state;
	touched boolean := false;
	problem text;
BEGIN
	SELECT * INTO st FROM dormancy.name_key_state;
	IF NOT coalesce(st.current, false) THEN
		RETURN;
	END IF;
	IF TG_EVENT = 'sql_drop' THEN
		touched := EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
							WHERE (d.classid = 'pg_class'::regclass AND d.objid = st.customers_relation)
							   OR d.classid = 'pg_trigger'::regclass);
	ELSE
		touched := EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
							WHERE c.classid = 'pg_class'::regclass
							  AND (c.objid = st.customers_relation
								   OR EXISTS (SELECT 1 FROM pg_inherits i
											   WHERE i.inhrelid = c.objid AND i.inhparent = st.customers_relation)))
				   OR EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
							   JOIN pg_trigger t ON t.oid = c.objid
							  WHERE c.classid = 'pg_trigger'::regclass AND t.tgrelid = st.customers_relation);
	END IF;
	IF touched THEN
		problem := dormancy._name_keys_problem();
		IF problem IS NOT NULL THEN
			PERFORM dormancy._name_keys_stale(problem);
		END IF;
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- never fail the user's DDL: stop using the keys instead
	PERFORM dormancy._name_keys_stale('DDL on the customers table could not be checked: ' || SQLERRM);
END
$$;
COMMENT ON FUNCTION dormancy._customers_ddl() IS
	'internal: event trigger (ddl_command_end, sql_drop) seeing DDL on the bound customers that could hide writes from the name keys';

CREATE EVENT TRIGGER dormancy_names_ddl ON ddl_command_end
	WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'ALTER TRIGGER')
	EXECUTE FUNCTION dormancy._customers_ddl();
ALTER EVENT TRIGGER dormancy_names_ddl ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_names_ddl IS
	'extension dormancy: sees DDL on the bound customers that could hide writes from the name keys';
CREATE EVENT TRIGGER dormancy_names_drop ON sql_drop
	WHEN TAG IN ('DROP TABLE', 'DROP TRIGGER', 'ALTER TABLE')
	EXECUTE FUNCTION dormancy._customers_ddl();
ALTER EVENT TRIGGER dormancy_names_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_names_drop IS
	'extension dormancy: sees dropped triggers of the bound customers';

REVOKE ALL ON dormancy.name_key_state FROM PUBLIC;

-- (_adapter_definitions(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

-- The adapters' comments (reapplied after each build: a replaced view keeps
-- them, a recreated one does not).
-- (_comment_adapters(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';

-- Every generated view, in creation order: the adapters, then the live views.
-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

-- (Re)create the generated views from dormancy.bindings: the adapters
-- always, the live views when missing or when everything is asked for.
-- (_build_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._build_views(boolean) IS
	'internal: create or replace the adapter views from dormancy.bindings, and the live views when missing (or with everything)';

--
-- The live views: every view above the adapters, one definition each, with
-- its comments beside it
--
-- The adapters src_* (sql_src/22_adapters.sql) are the only views that
-- binding writes; an unbound source has an empty adapter of the same shape,
-- and src_bindings says what is bound.  The views below read them, and are
-- created by _build_views() (sql_src/25_views.sql) at the first build, again
-- on an extension update, and dropped and created again only when the type
-- of an adapter's column changes (another type of customer id).  All are
-- security_invoker: a reader computes them from what the reader may see.
--
-- In dependency order:
--   category_histories, customer_histories   the purchase histories
--   contract_signals, customer_engagement,   one row per customer of each
--   customer_deals, customer_contacts        optional source
--   source_issues                            what the optional sources' rows lack
--   customer_core                            state, decline, price changes, contracts
--   data_issues                              what the orders and customers lack
--   customer_status                          customer_core + models, priority,
--                                            reason, approach, data gaps
--   declining_customers, category_trend,     views for the reader
--   call_list, duplicate_customers
--
-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';

--
-- Faster model fits (issue 11)
-- _fit_segments: with segment_by = 'none' one plain aggregate, not GROUPING
-- SETS that fitted everyone twice.
-- (_fit_segments(): defined in an earlier section)

--
-- Time zone, price changes, reason rules, bound views (issue 12)
--
-- dormancy.time_zone follows the session's TimeZone when empty, its new
-- default (C only: SHOW gives the zone in force, and the history store
-- records that zone, so a change of it rebuilds the stored days).  A price
-- change for one category applies to no customer while no category column
-- is bound (C), says so when written (trigger) and in source_issues.  The
-- reason rules: "forgot" needs a lapse (evidence lapsed, C), auto-renew off
-- has a rule, a lapsed licence of a customer still in touch is a change of
-- circumstances; installed rows the user has not edited are updated, edited
-- and deleted ones stay as they are.  A bound view that is not
-- security_invoker over tables with row-level security warns at bind and
-- rebind, and source_issues lists it.

-- The tables with row-level security that a relation reads through a view
-- that is not security_invoker (the first such view on the way down, its
-- "definer"): such a view reads them as its owner, so the querying role's
-- policies do not apply.  Walks the views' dependencies in the catalogs from
-- the relation down; stop_at is not walked through (the outreach adapter
-- reads the customers' adapter, whose tables are the customers' source).
-- A function, not a recursive query in source_issues: Citus does not run a
-- recursive query beside distributed tables.
CREATE FUNCTION dormancy._row_security_bypassed(relation regclass, stop_at regclass DEFAULT NULL)
	RETURNS TABLE (definer regclass, table_name regclass)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE walk(rel, definer) AS (
		SELECT relation::oid, NULL::oid
		UNION
		SELECT d.refobjid,
			   coalesce(w.definer,
						CASE WHEN c.relkind = 'v'
								  AND NOT coalesce((SELECT o.option_value::bool
													  FROM pg_options_to_table(c.reloptions) o
													 WHERE o.option_name = 'security_invoker'), false)
							 THEN c.oid END)
		  FROM walk w
		  JOIN pg_class c ON c.oid = w.rel
		  JOIN pg_rewrite r ON r.ev_class = w.rel
		  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
						  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.rel
		 WHERE w.rel IS DISTINCT FROM stop_at::oid)
	SELECT DISTINCT w.definer::regclass, w.rel::regclass
	  FROM walk w
	  JOIN pg_class t ON t.oid = w.rel
	 WHERE w.definer IS NOT NULL AND t.relrowsecurity
$$;
COMMENT ON FUNCTION dormancy._row_security_bypassed(regclass, regclass) IS
	'internal: the tables with row-level security a relation reads through a view that is not security_invoker, with that view';

-- Warn when a bound relation is (or reads through) an ordinary view, not
-- security_invoker, over tables with row-level security: such a view reads
-- them as its owner, so the querying role's policies do not apply and a rep
-- restricted by a policy sees every row through the live views.
-- dormancy.source_issues lists the same while it stays so.  Returns how many
-- such views it warned about.
CREATE FUNCTION dormancy._warn_definer_views(source text, relation regclass)
	RETURNS integer
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	n integer := 0;
BEGIN
	FOR v IN
		SELECT b.definer, pg_get_userbyid(dv.relowner) AS owner,
			   string_agg(b.table_name::text, ', ' ORDER BY b.table_name::text) AS tables
		  FROM dormancy._row_security_bypassed(relation) b
		  JOIN pg_class dv ON dv.oid = b.definer
		 GROUP BY b.definer, dv.relowner
		 ORDER BY b.definer::text
	LOOP
		RAISE WARNING 'row-level security of % does not apply through view %', v.tables, v.definer
			USING DETAIL = format('The %s are bound to %s, which reads %s through view %s as the view''s owner (%s): '
								  'the view is not security_invoker, so a role restricted by a row security policy '
								  'on those tables sees every row in the live views.  dormancy.source_issues lists it '
								  'while it stays so.',
								  source, relation, v.tables, v.definer, v.owner),
				  HINT = format('Make the view read as the querying role: ALTER VIEW %s SET (security_invoker = true);',
								v.definer);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
COMMENT ON FUNCTION dormancy._warn_definer_views(text, regclass) IS
	'internal: warn when a bound relation reads tables with row-level security through a view that is not security_invoker';

CREATE OR REPLACE FUNCTION dormancy._bind(source text, relation regclass, columns jsonb)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t record;
BEGIN
	INSERT INTO dormancy.bindings AS b (source, relation, columns)
	VALUES (source, relation, jsonb_strip_nulls(columns))
	ON CONFLICT ON CONSTRAINT bindings_pkey DO UPDATE
	   SET relation = excluded.relation, columns = excluded.columns,
		   bound_at = now(), bound_by = CURRENT_USER;
	-- the optional sources' customer columns must still compare with the ids;
	-- the stored value distribution described the customers bound before
	IF _bind.source IN ('customers', 'orders') THEN
		DELETE FROM dormancy.value_distribution;
		PERFORM dormancy._check_customer_column(b.source, b.relation, (b.columns ->> 'customer')::name)
		   FROM dormancy._usable_bindings() b
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
				  HINT = CASE WHEN _bind.source IN ('customers', 'orders')
							  THEN format('Bind a view that casts one of them to the type of the other, or, to move both to ids of another type, unbind the %1$s first: SELECT dormancy.unbind(%2$L).',
										  CASE _bind.source WHEN 'customers' THEN 'orders' ELSE 'customers' END,
										  CASE _bind.source WHEN 'customers' THEN 'orders' ELSE 'customers' END)
							  ELSE 'Bind a view that casts one of them to the type of the other.' END;
	END;
	PERFORM dormancy._warn_definer_views(_bind.source, _bind.relation);
	-- a lookup of one customer reads a table without an index on its
	-- customer column whole: say so (customer_column_indexes lists them)
	FOR t IN
		SELECT x.table_name, x.column_name, x.create_index
		  FROM dormancy.customer_column_indexes x
		 WHERE x.source = _bind.source AND NOT x.indexed
		 ORDER BY x.table_name::text
	LOOP
		RAISE NOTICE '% has no index for a lookup by its customer column %', t.table_name, quote_ident(t.column_name)
			USING DETAIL = 'A lookup of one customer (customer_status WHERE customer_id = ...) reads every row of it.',
				  HINT = format('Create one: %s; dormancy.customer_column_indexes lists every bound table.', t.create_index);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._bind(text, regclass, jsonb) IS 'internal: record a binding, rebuild the views, warn about a bound view through which row-level security does not apply, and note each bound table without an index on its customer column';

CREATE OR REPLACE FUNCTION dormancy.rebind()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._build_views();
	PERFORM dormancy._warn_definer_views(b.source, b.relation)
	   FROM (SELECT x.source, x.relation FROM dormancy._usable_bindings() x ORDER BY x.source) b;
END
$$;
COMMENT ON FUNCTION dormancy.rebind() IS
	'recreate the generated views from dormancy.bindings (after pg_restore, or after a bound relation was altered), warning about bound views through which row-level security does not apply';

-- A change for one category applies only to purchases in that category: with
-- no category column bound to the orders it applies to no customer.  Say so
-- when such a row is written (dormancy.source_issues lists it while it stays
-- so).
CREATE FUNCTION dormancy._price_change_category_check()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM dormancy.bindings b WHERE b.source = 'orders' AND b.columns ? 'category') THEN
		RAISE WARNING 'the price change for category "%" applies to no customer', NEW.category
			USING DETAIL = 'No category column is bound to the orders, so no purchase is in that category; '
						   'a change with category NULL applies to every customer.',
				  HINT = 'Bind the orders with their category column (SELECT dormancy.bind_orders(..., category => ''...'')), '
						 'or record a change that applies to everything with category NULL.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._price_change_category_check() IS
	'internal: trigger on dormancy.price_changes warning about a change for a category while no category is bound';
CREATE TRIGGER category_unbound AFTER INSERT OR UPDATE OF category ON dormancy.price_changes
	FOR EACH ROW WHEN (NEW.category IS NOT NULL) EXECUTE FUNCTION dormancy._price_change_category_check();
COMMENT ON TRIGGER category_unbound ON dormancy.price_changes IS
	'warns when a change for a category is written while no category column is bound to the orders';

-- reason_rules: the 0.4.0 defaults, on the rows still installed (unedited)
ALTER TABLE dormancy.reason_rules DISABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.reason_rules DISABLE TRIGGER defaults_after_change;
UPDATE dormancy.reason_rules
   SET evidence = '{repeat,no_engagement,lapsed}', note = 'a repeat buyer who stopped buying (at risk or dormant) and no longer opens or visits anything'
 WHERE rule_order = 80 AND installed;
UPDATE dormancy.reason_rules
   SET reason = 'circumstances_changed', note = 'a licence that was not renewed while the customer is still in touch (or events are not bound): a change of system or of policy'
 WHERE rule_order = 95 AND installed;
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note, installed)
SELECT 57, '{auto_renew_off}', 'circumstances_changed', 'auto-renewal switched off: the customer is planning a change (another system, another way of working)', true
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.reason_rules r WHERE r.rule_order = 57);
-- (81: a lapsed licence is forgot only from a customer who stopped
-- ordering, or, 82, never ordered: one still ordering every week was
-- forgot; 2026-12-07)
UPDATE dormancy.reason_rules
   SET evidence = '{contract_lapsed,no_engagement,lapsed}', note = 'a licence that lapsed without any contact, and no order since'
 WHERE rule_order = 81 AND installed;
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note, installed)
SELECT 82, '{contract_lapsed,no_engagement,state_never_purchased}', 'forgot', 'a licence that lapsed without any contact, from a customer who never ordered', true
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.reason_rules r WHERE r.rule_order = 82);
ALTER TABLE dormancy.reason_rules ENABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.reason_rules ENABLE TRIGGER defaults_after_change;
-- and the reference reset_defaults() restores
DELETE FROM dormancy.installed_defaults d WHERE d.table_name = 'reason_rules' AND d.key IN ('57', '80', '81', '82', '95');
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'reason_rules', x.rule_order::text, ARRAY['rule_order']::name[],
	   jsonb_build_object('rule_order', x.rule_order, 'evidence', x.evidence, 'reason', x.reason,
						  'note', x.note, 'installed', true)
  FROM (VALUES (57, '{auto_renew_off}'::text[], 'circumstances_changed', 'auto-renewal switched off: the customer is planning a change (another system, another way of working)'),
			   (80, '{repeat,no_engagement,lapsed}'::text[], 'forgot', 'a repeat buyer who stopped buying (at risk or dormant) and no longer opens or visits anything'),
			   (81, '{contract_lapsed,no_engagement,lapsed}'::text[], 'forgot', 'a licence that lapsed without any contact, and no order since'),
			   (82, '{contract_lapsed,no_engagement,state_never_purchased}'::text[], 'forgot', 'a licence that lapsed without any contact, from a customer who never ordered'),
			   (95, '{contract_lapsed}'::text[], 'circumstances_changed', 'a licence that was not renewed while the customer is still in touch (or events are not bound): a change of system or of policy')) x(rule_order, evidence, reason, note);

-- message_themes: the unknown reason asks for feedback (feedback_survey, as
-- seed 001 advises when the cause cannot be told), on the row still
-- installed (unedited), and the reference reset_defaults() restores
ALTER TABLE dormancy.message_themes DISABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.message_themes DISABLE TRIGGER defaults_after_change;
UPDATE dormancy.message_themes
   SET theme = 'feedback_survey', note = 'the cause cannot be told from the records: ask for their opinion and what disappointed them (seed 001)'
 WHERE reason = 'unknown' AND installed;
ALTER TABLE dormancy.message_themes ENABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.message_themes ENABLE TRIGGER defaults_after_change;
UPDATE dormancy.installed_defaults d
   SET row_data = d.row_data || jsonb_build_object('theme', 'feedback_survey', 'note', 'the cause cannot be told from the records: ask for their opinion and what disappointed them (seed 001)')
 WHERE d.table_name = 'message_themes' AND d.row_data ->> 'reason' = 'unknown';

-- source_issues lists price changes that apply to no customer and bound
-- views through which row-level security does not apply
-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

-- (end of Time zone, price changes, reason rules, bound views (issue 12))

--
-- Phone numbers per country (issue 12)
--
-- A phone number is usable by per-country rules (dormancy.phone_valid, C in
-- src/core/phone.c), read in the new source_settings.phone_country (default
-- JP), no longer by a count of 6 to 15 digits: customer_contacts (in
-- _create_views) calls it.  source_settings_in_force() gives the new column's
-- default.
-- The RETURN body of source_settings_in_force() depends on the table's row
-- type, which ALTER TABLE then refuses to change: a body in a string (no
-- dependency) for the time of the change, the real one after it.
-- (in a DO block: the stand-in is not the function's definition)
DO $$
BEGIN
	EXECUTE format('CREATE OR REPLACE FUNCTION %s()
		RETURNS dormancy.source_settings
		LANGUAGE sql STABLE PARALLEL SAFE
		SET search_path = pg_catalog, pg_temp
		AS ''SELECT NULL::dormancy.source_settings''', 'dormancy.source_settings_in_force');
END
$$;
-- The CHECK of source_settings.phone_country: the list of countries of
-- phone_valid() (src/core/phone.c), upper case only.  Public: PostgreSQL
-- runs a CHECK's function with the rights of whoever writes the row (a role
-- granted INSERT or UPDATE on the settings), and it is a pure function of
-- its argument.
CREATE FUNCTION dormancy.country_code_valid(code text)
	RETURNS boolean
	LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
	AS 'MODULE_PATHNAME', 'phone_country_assigned';
COMMENT ON FUNCTION dormancy.country_code_valid(text) IS
	'true for an officially assigned ISO 3166-1 alpha-2 code in upper case (the countries dormancy.phone_valid() accepts): the CHECK of source_settings.phone_country';
ALTER TABLE dormancy.source_settings ADD COLUMN phone_country text NOT NULL DEFAULT 'JP';
ALTER TABLE dormancy.source_settings ADD CONSTRAINT source_settings_phone_country
	CHECK (dormancy.country_code_valid(phone_country));
COMMENT ON COLUMN dormancy.source_settings.phone_country IS
	'the country of phone numbers written without a country code (an officially assigned ISO 3166-1 alpha-2 code, upper case): JP has national rules, any other code accepts only numbers in international form (+...); see dormancy.phone_valid(); default JP';

-- STABLE, not IMMUTABLE: it reads a table
CREATE OR REPLACE FUNCTION dormancy.source_settings_in_force()
	RETURNS dormancy.source_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.source_settings s),
					ROW(true, interval '30 days', interval '12 months', interval '90 days',
						interval '90 days', 3, 2, interval '2 years', 'JP')::dormancy.source_settings);
COMMENT ON FUNCTION dormancy.source_settings_in_force() IS
	'the row of dormancy.source_settings, or the defaults when it is empty';

CREATE FUNCTION dormancy.phone_valid(phone text, country text)
	RETURNS boolean
	LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
	AS 'MODULE_PATHNAME', 'phone_valid';
COMMENT ON FUNCTION dormancy.phone_valid(text, text) IS
	'true when the phone number can be dialled: read after NFKC, a label (TEL:) and an extension (ext, x, #, the Japanese naisen) ignored; country (an officially assigned ISO 3166-1 alpha-2 code, any case; anything else is an error) is where a number without +country code is from: JP checks Japanese numbers (10 or 11 digits by prefix), any other accepts only +numbers of 8 to 15 digits';

-- the live views with the new phone check (sql_src/70_views.sql)
-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

--
-- Order lines with an order id (issue 12)
-- bind_orders takes an optional order id column: the bound relation then
-- holds order lines, which the new adapter src_history_rows groups into
-- orders (counted once, the large-order rule on their totals, categories
-- from the lines); customer_histories and category_histories read it, and
-- the incremental refresh recomputes a changed customer's orders from it.
--
DROP FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name);
CREATE FUNCTION dormancy.bind_orders(relation regclass, customer name, ordered_at name, amount name,
	category name DEFAULT NULL, discounted name DEFAULT NULL, order_id name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'customer', customer);
	PERFORM dormancy._check_day_column(relation, 'ordered_at', ordered_at);
	PERFORM dormancy._check_number_column(relation, 'amount', amount);
	IF category IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'category', category);
	END IF;
	IF discounted IS NOT NULL THEN
		PERFORM dormancy._check_bool_column(relation, 'discounted', discounted);
	END IF;
	IF order_id IS NOT NULL THEN
		PERFORM dormancy._check_id_column(relation, 'order_id', order_id);
	END IF;
	PERFORM dormancy._bind('orders', relation,
						   jsonb_build_object('customer', customer, 'ordered_at', ordered_at,
											  'amount', amount, 'category', category,
											  'discounted', discounted, 'order_id', order_id));
END
$$;
COMMENT ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name, name) IS
	'bind the orders relation: customer, order time and amount columns, optional category, discounted flag and order id (order lines)';
REVOKE ALL ON FUNCTION dormancy.bind_orders(regclass, name, name, name, name, name, name) FROM PUBLIC;

-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

-- (_adapter_definitions(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

-- (_comment_adapters(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';

CREATE OR REPLACE FUNCTION dormancy._prepare_histories(OUT mode text, OUT customers_recomputed bigint, OUT reason text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	ord record;
	id_type text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state FOR UPDATE;
	PERFORM dormancy._read_stored_histories(false);
	-- the state is not that of the bound orders: it is not dumped, so after
	-- pg_restore it is the installed row (nothing tracked, no reason) while
	-- the bindings and the orders' triggers are back.  Track them as a bind
	-- does (the triggers restored with the orders are taken as they are:
	-- no DDL when they are right) and rebuild everything, once.  Until
	-- 2026-12-07 every refresh after a restore read every order, with no
	-- reason given, until rebind().
	IF NOT st.tracked THEN
		SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
		  FROM dormancy.bindings b JOIN pg_class c ON c.oid = b.relation WHERE b.source = 'orders';
		IF st.reason IS NULL OR st.orders_relation IS DISTINCT FROM ord.relation THEN
			PERFORM dormancy._track_orders(ord.relation, ord.customer,
				'the orders were not tracked in this database (its tracking state is not dumped: after pg_restore, say); this refresh tracks them again');
			SELECT * INTO st FROM dormancy.history_store_state;
		END IF;
	END IF;
	-- tracking could have been bypassed: track again, rebuild everything
	IF st.tracked THEN
		reason := dormancy._tracking_problem();
		IF reason IS NOT NULL THEN
			PERFORM dormancy._track_orders(st.orders_relation, st.customer_column, reason);
			SELECT * INTO st FROM dormancy.history_store_state;
		END IF;
	END IF;
	IF NOT st.tracked THEN
		mode := 'live';
		reason := st.reason;
		PERFORM dormancy._log_history_reason(reason);
		RETURN;
	END IF;
	-- the marks visible now are handled now, and only they are deleted at the
	-- end (by id: a mark committed meanwhile, even with a smaller id, stays)
	CREATE TEMP TABLE dormancy_refresh_marks ON COMMIT DROP AS
	SELECT c.change_id, c.customer_key FROM dormancy.changed_customers c;
	CREATE TEMP TABLE dormancy_refresh_invalidations ON COMMIT DROP AS
	SELECT i.invalidation_id, i.reason FROM dormancy.store_invalidations i;
	IF reason IS NULL THEN
		reason := dormancy._store_rebuild_reason(st,
					  (SELECT string_agg(DISTINCT i.reason, '; ' ORDER BY i.reason)
						 FROM pg_temp.dormancy_refresh_invalidations i));
	END IF;
	IF reason IS NULL THEN
		mode := 'incremental';
		id_type := dormancy._column_type('dormancy.src_orders', 'customer_id');
		-- the marks in the text form the store uses
		EXECUTE format('CREATE TEMP TABLE dormancy_refresh_changed ON COMMIT DROP AS '
					   'SELECT DISTINCT (m.customer_key::%s)::pg_catalog.text AS customer_key '
					   'FROM pg_temp.dormancy_refresh_marks m', id_type);
		DELETE FROM dormancy.stored_histories s
		 USING pg_temp.dormancy_refresh_changed k WHERE s.customer_key = k.customer_key;
		-- all the orders of those customers (an index on the customer column serves it)
		IF (SELECT b.order_ids_bound FROM dormancy.src_bindings b) THEN
			-- order lines, grouped into orders by src_history_rows (as
			-- category_histories reads them): the customers as an array
			-- parameter, a filter the planner pushes below the grouping to
			-- the bound relation (a semi-join would stay above it)
			EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
						   'SELECT o.customer_id::pg_catalog.text, o.category, '
						   'dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT dormancy._time_zone_in_force())), o.amount, o.discounted), pg_catalog.sum(o.line_rows) '
						   'FROM dormancy.src_history_rows o '
						   'WHERE o.customer_id = ANY ($1::%s[]) '
						   'GROUP BY o.customer_id, o.category', id_type)
			USING (SELECT pg_catalog.array_agg(k.customer_key) FROM pg_temp.dormancy_refresh_changed k);
		ELSE
			EXECUTE format('INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows) '
						   'SELECT o.customer_id::pg_catalog.text, o.category, '
						   'dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT dormancy._time_zone_in_force())), o.amount, o.discounted), pg_catalog.count(*) '
						   'FROM dormancy.src_orders o '
						   'WHERE o.customer_id IN (SELECT k.customer_key::%s FROM pg_temp.dormancy_refresh_changed k) '
						   'GROUP BY o.customer_id, o.category', id_type);
		END IF;
		SELECT count(*) INTO customers_recomputed FROM pg_temp.dormancy_refresh_changed;
		DROP TABLE pg_temp.dormancy_refresh_changed;
	ELSE
		mode := 'full';
		TRUNCATE dormancy.stored_histories;
		-- into a temporary table first: CREATE TABLE AS may read the orders
		-- in parallel, an INSERT ... SELECT never does (PostgreSQL 15); at
		-- 1,000,000 customers 8 s against 15 s (docs/operations.md)
		CREATE TEMP TABLE dormancy_refresh_store ON COMMIT DROP AS
		SELECT h.customer_id::text AS customer_key, h.category, h.history, h.order_rows
		  FROM dormancy.category_histories_live h;
		INSERT INTO dormancy.stored_histories (customer_key, category, history, order_rows)
		SELECT s.customer_key, s.category, s.history, s.order_rows
		  FROM pg_temp.dormancy_refresh_store s;
		GET DIAGNOSTICS customers_recomputed = ROW_COUNT;
		DROP TABLE pg_temp.dormancy_refresh_store;
		UPDATE dormancy.history_store_state
		   SET complete = true, time_zone = current_setting('dormancy.time_zone'), reason = NULL,
			   row_security = row_security_active(st.orders_relation);
	END IF;
	DELETE FROM dormancy.changed_customers c USING pg_temp.dormancy_refresh_marks m
	 WHERE c.change_id = m.change_id;
	DELETE FROM dormancy.store_invalidations i USING pg_temp.dormancy_refresh_invalidations t
	 WHERE i.invalidation_id = t.invalidation_id;
	DROP TABLE pg_temp.dormancy_refresh_marks, pg_temp.dormancy_refresh_invalidations;
	PERFORM dormancy._log_history_reason(reason);
	PERFORM dormancy._read_stored_histories(true);
END
$$;
COMMENT ON FUNCTION dormancy._prepare_histories() IS
	'internal: update dormancy.stored_histories for a refresh (incremental when the tracking saw every write) and read from it; tracks the bound orders again when the tracking state does not name them (after a restore)';

-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';

--
-- Label keys and aliases (issue 12)
--
-- dormancy.label_key(): the one comparison of a user label with the keys of
-- the rules and mappings (NFKC, case, white space including U+3000); alias
-- tables industries, company_sizes, price_change_kinds with installed
-- defaults; more installed wordings in event_kinds, deal_outcomes and
-- deal_reasons; the unique indexes and the installed-default keys by
-- label_key; rule_for(), the approach rules, the model segments and the price
-- change categories compare by it; view unmatched_labels.
CREATE FUNCTION dormancy.label_key(label text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'label_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.label_key(text) IS
	'the comparison key of a user label: NFKC (UTF8 databases), lower case, white space (U+3000 too) trimmed and inner runs collapsed to one space';

CREATE TABLE dormancy.industries (
	source_industry text PRIMARY KEY,
	industry text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT industries_source_not_blank CHECK (dormancy.label_key(source_industry) <> ''),
	CONSTRAINT industries_industry_not_blank CHECK (dormancy.label_key(industry) <> '')
);
CREATE UNIQUE INDEX industries_key ON dormancy.industries ((dormancy.label_key(source_industry)));
COMMENT ON TABLE dormancy.industries IS
	'maps the industry labels of the bound customers onto the industries the rules and approach rules name (by label_key); a label no rule names is matched through its alias, a label without one by its own key';
COMMENT ON COLUMN dormancy.industries.source_industry IS 'an industry label as written in the bound customers (matched by label_key)';
COMMENT ON COLUMN dormancy.industries.industry IS 'the industry of dormancy.rules and dormancy.approach_rules it stands for (consumables, it_services, manufacturing, ec, retail, ...)';
COMMENT ON COLUMN dormancy.industries.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

CREATE TABLE dormancy.company_sizes (
	source_size text PRIMARY KEY,
	company_size text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT company_sizes_source_not_blank CHECK (dormancy.label_key(source_size) <> ''),
	CONSTRAINT company_sizes_size_not_blank CHECK (dormancy.label_key(company_size) <> '')
);
CREATE UNIQUE INDEX company_sizes_key ON dormancy.company_sizes ((dormancy.label_key(source_size)));
COMMENT ON TABLE dormancy.company_sizes IS
	'maps the company size labels of the bound customers onto the sizes the rules and approach rules name (by label_key); a label no rule names is matched through its alias, a label without one by its own key';
COMMENT ON COLUMN dormancy.company_sizes.source_size IS 'a company size label as written in the bound customers (matched by label_key)';
COMMENT ON COLUMN dormancy.company_sizes.company_size IS 'the company size of dormancy.rules and dormancy.approach_rules it stands for (enterprise, mid, smb, ...)';
COMMENT ON COLUMN dormancy.company_sizes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.industries (source_industry, industry) VALUES
	('manufacturing', 'manufacturing'), ('manufacturer', 'manufacturing'),
	('manufacturers', 'manufacturing'), ('retail', 'retail'), ('retailer', 'retail'),
	('retail trade', 'retail'), ('ec', 'ec'), ('e-commerce', 'ec'), ('ecommerce', 'ec'),
	('e commerce', 'ec'), ('online shop', 'ec'), ('online store', 'ec'), ('mail order', 'ec'),
	('it_services', 'it_services'), ('it services', 'it_services'), ('it service', 'it_services'),
	('it', 'it_services'), ('software', 'it_services'), ('saas', 'it_services'),
	('information technology', 'it_services'), ('consumables', 'consumables'),
	('supplies', 'consumables'), ('office supplies', 'consumables');
INSERT INTO dormancy.company_sizes (source_size, company_size) VALUES
	('enterprise', 'enterprise'), ('large', 'enterprise'), ('large enterprise', 'enterprise'),
	('mid', 'mid'), ('mid-market', 'mid'), ('midmarket', 'mid'), ('mid market', 'mid'),
	('medium', 'mid'), ('mid-size', 'mid'), ('midsize', 'mid'), ('smb', 'smb'), ('sme', 'smb'),
	('small', 'smb'), ('small business', 'smb');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.industries (source_industry, industry) VALUES
		(U&'\88FD\9020\696D', 'manufacturing'),	-- seizogyo: manufacturing industry
		(U&'\88FD\9020', 'manufacturing'),	-- seizo: manufacturing
		(U&'\30E1\30FC\30AB\30FC', 'manufacturing'),	-- meka: manufacturer
		(U&'\5C0F\58F2', 'retail'),	-- kouri: retail
		(U&'\5C0F\58F2\696D', 'retail'),	-- kourigyo: retail trade
		(U&'\30EA\30C6\30FC\30EB', 'retail'),	-- riteru: retail
		(U&'\901A\8CA9', 'ec'),	-- tsuhan: mail order
		(U&'\30CD\30C3\30C8\901A\8CA9', 'ec'),	-- netto tsuhan: online shopping
		(U&'E\30B3\30DE\30FC\30B9', 'ec'),	-- E-komasu: e-commerce
		(U&'\901A\4FE1\8CA9\58F2', 'ec'),	-- tsushin hanbai: mail-order sales
		(U&'IT\30B5\30FC\30D3\30B9', 'it_services'),	-- IT sabisu: IT services
		(U&'\60C5\5831\901A\4FE1', 'it_services'),	-- joho tsushin: information and communications
		(U&'\60C5\5831\901A\4FE1\696D', 'it_services'),	-- joho tsushingyo: information and communications industry
		(U&'\30BD\30D5\30C8\30A6\30A7\30A2', 'it_services'),	-- sofutowea: software
		(U&'\30B7\30B9\30C6\30E0\958B\767A', 'it_services'),	-- shisutemu kaihatsu: system development
		(U&'\6D88\8017\54C1', 'consumables'),	-- shomohin: consumables
		(U&'\4E8B\52D9\7528\54C1', 'consumables'),	-- jimu yohin: office supplies
		(U&'\6D88\8017\54C1\8CA9\58F2', 'consumables');	-- shomohin hanbai: consumables sales
	INSERT INTO dormancy.company_sizes (source_size, company_size) VALUES
		(U&'\5927\4F01\696D', 'enterprise'),	-- daikigyo: large enterprise
		(U&'\5927\624B', 'enterprise'),	-- ote: major company
		(U&'\5927\624B\4F01\696D', 'enterprise'),	-- ote kigyo: major company (seed 002)
		(U&'\30A8\30F3\30BF\30FC\30D7\30E9\30A4\30BA', 'enterprise'),	-- entapuraizu: enterprise
		(U&'\5927\898F\6A21', 'enterprise'),	-- daikibo: large scale
		(U&'\4E2D\5805', 'mid'),	-- chuken: mid-sized
		(U&'\4E2D\5805\4F01\696D', 'mid'),	-- chuken kigyo: mid-sized company
		(U&'\4E2D\898F\6A21', 'mid'),	-- chukibo: medium scale
		(U&'\4E2D\5C0F', 'smb'),	-- chusho: small and medium
		(U&'\4E2D\5C0F\4F01\696D', 'smb'),	-- chusho kigyo: small and medium business
		(U&'\5C0F\898F\6A21', 'smb');	-- shokibo: small scale
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.industries and dormancy.company_sizes: left out';
END
$$;

-- The keys of the installed defaults are label keys now: recompute the
-- stored ones (installed_defaults, and the notes of removed defaults, whose
-- values are keys already, so their label key is their new key).
CREATE OR REPLACE FUNCTION dormancy._default_key(value text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.label_key(value);
COMMENT ON FUNCTION dormancy._default_key(text) IS 'internal: the comparison key of an editable row (dormancy.label_key)';
COMMENT ON COLUMN dormancy.installed_defaults.key IS
	'the row''s key: label_key of its key column; of several key columns, a JSON array of them so (NULL as null)';
COMMENT ON FUNCTION dormancy._default_row_key(jsonb, name[]) IS
	'internal: the key of an editable row: label_key of its key column, or a JSON array of several so';
COMMENT ON FUNCTION dormancy.reset_defaults(regclass) IS
	'restore the installed default rows of an editable table (rules, industries, company_sizes, event_kinds, deal_outcomes, deal_reasons, price_change_kinds, reason_rules, message_themes, approach_rules, legal_forms), replacing the rows with their keys, keeping the user''s other rows';
UPDATE dormancy.installed_defaults d SET key = dormancy._default_row_key(d.row_data, d.key_columns)
 WHERE d.key IS DISTINCT FROM dormancy._default_row_key(d.row_data, d.key_columns);
UPDATE dormancy.removed_defaults r
   SET key = CASE WHEN r.table_name = 'rules'
				  THEN (SELECT jsonb_agg(CASE WHEN jsonb_typeof(x.e) = 'string'
											  THEN to_jsonb(dormancy.label_key(x.e #>> '{}')) ELSE x.e END
										 ORDER BY x.o)
						  FROM jsonb_array_elements(r.key::jsonb) WITH ORDINALITY AS x(e, o))::text
				  ELSE dormancy.label_key(r.key) END
 WHERE r.key IS DISTINCT FROM
	   CASE WHEN r.table_name = 'rules'
			THEN (SELECT jsonb_agg(CASE WHEN jsonb_typeof(x.e) = 'string'
										THEN to_jsonb(dormancy.label_key(x.e #>> '{}')) ELSE x.e END
								   ORDER BY x.o)
					FROM jsonb_array_elements(r.key::jsonb) WITH ORDINALITY AS x(e, o))::text
			ELSE dormancy.label_key(r.key) END;

-- Unique keys by label_key: a table holding two wordings with one label key
-- (a full-width and a half-width one, say) stops the update here, named
DO $$
DECLARE
	clash text;
BEGIN
	SELECT string_agg(x.what, '; ') INTO clash FROM (
		SELECT format('dormancy.rules: %s', string_agg(format('(%s, %s)', coalesce(r.industry, 'NULL'),
																coalesce(r.company_size, 'NULL')), ' and '))
		  FROM dormancy.rules r
		 GROUP BY dormancy.label_key(coalesce(r.industry, '')), dormancy.label_key(coalesce(r.company_size, ''))
		HAVING count(*) > 1
		UNION ALL
		SELECT format('dormancy.event_kinds: %s', string_agg(quote_literal(k.source_kind), ' and '))
		  FROM dormancy.event_kinds k GROUP BY dormancy.label_key(k.source_kind) HAVING count(*) > 1
		UNION ALL
		SELECT format('dormancy.deal_outcomes: %s', string_agg(quote_literal(o.source_outcome), ' and '))
		  FROM dormancy.deal_outcomes o GROUP BY dormancy.label_key(o.source_outcome) HAVING count(*) > 1
		UNION ALL
		SELECT format('dormancy.deal_reasons: %s', string_agg(quote_literal(r.source_reason), ' and '))
		  FROM dormancy.deal_reasons r GROUP BY dormancy.label_key(r.source_reason) HAVING count(*) > 1) x(what);
	IF clash IS NOT NULL THEN
		RAISE EXCEPTION 'rows with one label key: %', clash
			USING ERRCODE = 'unique_violation',
				  DETAIL = '0.4.0 compares labels by dormancy.label_key (NFKC, case, white space), so these rows name one label.',
				  HINT = 'Delete or merge all but one of each, then update again.';
	END IF;
END
$$;
DROP INDEX dormancy.rules_segment_key;
CREATE UNIQUE INDEX rules_segment_key ON dormancy.rules
	((dormancy.label_key(coalesce(industry, ''))), (dormancy.label_key(coalesce(company_size, ''))));
DROP INDEX dormancy.event_kinds_key;
CREATE UNIQUE INDEX event_kinds_key ON dormancy.event_kinds ((dormancy.label_key(source_kind)));
DROP INDEX dormancy.deal_outcomes_key;
CREATE UNIQUE INDEX deal_outcomes_key ON dormancy.deal_outcomes ((dormancy.label_key(source_outcome)));
DROP INDEX dormancy.deal_reasons_key;
CREATE UNIQUE INDEX deal_reasons_key ON dormancy.deal_reasons ((dormancy.label_key(source_reason)));
COMMENT ON COLUMN dormancy.event_kinds.source_kind IS 'a value of the bound kind column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.deal_outcomes.source_outcome IS 'a value of the bound outcome column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.deal_reasons.source_reason IS 'a value of the bound reason column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.rules.industry IS 'customer industry this rule applies to (by label_key, or through dormancy.industries), NULL for any';
COMMENT ON COLUMN dormancy.rules.company_size IS 'customer company size this rule applies to (by label_key, or through dormancy.company_sizes), NULL for any';

-- rule_for(): by label_key, each label by its own key and its alias's
CREATE OR REPLACE FUNCTION dormancy.rule_for(industry text, company_size text)
	RETURNS dormancy.rules
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (WITH own AS (
				SELECT dormancy.label_key(rule_for.industry) AS industry,
					   dormancy.label_key(rule_for.company_size) AS company_size
			), k AS (
				SELECT own.industry,
					   (SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
						 WHERE dormancy.label_key(a.source_industry) = own.industry) AS industry_alias,
					   own.company_size,
					   (SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
						 WHERE dormancy.label_key(a.source_size) = own.company_size) AS size_alias
				  FROM own
			)
			SELECT r FROM dormancy.rules r, k
			 WHERE (r.industry IS NULL OR dormancy.label_key(r.industry) IN (k.industry, k.industry_alias))
			   AND (r.company_size IS NULL OR dormancy.label_key(r.company_size) IN (k.company_size, k.size_alias))
			 ORDER BY r.industry IS NULL, r.company_size IS NULL,
					  dormancy.label_key(r.industry) IS DISTINCT FROM k.industry,
					  dormancy.label_key(r.company_size) IS DISTINCT FROM k.company_size
			 LIMIT 1);
COMMENT ON FUNCTION dormancy.rule_for(text, text) IS
	'the most specific rule for an industry and company size (compared by label_key, each label by its own key and by its alias''s in dormancy.industries and dormancy.company_sizes): both > industry only > size only > catch-all; among equally specific rules the one keyed by the label itself';

-- An approach rule's reasons are likely reasons (compared as written:
-- another word never matched).  A rule naming another stops the update with
-- the rules to correct.
DO $$
DECLARE
	bad text;
BEGIN
	SELECT string_agg(format('%s %s', r.rule_order, r.reasons), ', ' ORDER BY r.rule_order) INTO bad
	  FROM dormancy.approach_rules r
	 WHERE NOT r.reasons <@ ARRAY[
		'dissatisfied_product', 'dissatisfied_price', 'dissatisfied_support', 'forgot',
		'circumstances_changed', 'lost_to_competitor', 'budget_timing', 'campaign_only',
		'one_time_mismatch', 'price_increase', 'spec_change', 'unknown']::text[];
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'approach rules name reasons that are no likely reason: %', bad
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Such a rule never matched a customer; 0.4.0 refuses it.',
				  HINT = 'Correct or delete those rules in dormancy.approach_rules, then run ALTER EXTENSION dormancy UPDATE again.';
	END IF;
END
$$;
ALTER TABLE dormancy.approach_rules ADD CONSTRAINT approach_rules_reasons CHECK (reasons <@ ARRAY[
	'dissatisfied_product', 'dissatisfied_price', 'dissatisfied_support', 'forgot',
	'circumstances_changed', 'lost_to_competitor', 'budget_timing', 'campaign_only',
	'one_time_mismatch', 'price_increase', 'spec_change', 'unknown']::text[]);

-- Thresholds are whole days or months: a negative time part made every
-- customer_status query fail, a positive one was floored to the day.  A rule
-- with a time part keeps the days it counted (the time part dropped; at
-- least a day, where it counted none), then the CHECK.  A rule whose
-- thresholds would then no longer be in order (two of them the same day)
-- stops the update with the rules to correct.
DO $$
DECLARE
	bad text;
BEGIN
	SELECT string_agg(format('%s (%s, %s, %s)', r.rule_id, r.at_risk_after, r.dormant_after, r.long_dormant_after),
					  ', ' ORDER BY r.rule_id) INTO bad
	  FROM dormancy.rules r
	 CROSS JOIN LATERAL (SELECT greatest(date_trunc('day', justify_hours(r.at_risk_after)), interval '1 day') AS ar,
								greatest(date_trunc('day', justify_hours(r.dormant_after)), interval '1 day') AS d,
								greatest(date_trunc('day', justify_hours(r.long_dormant_after)), interval '1 day') AS ld) n
	 WHERE NOT (n.ar < n.d AND n.d < n.ld);
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'rules whose thresholds are not whole days and fall on the same day once they are: %', bad
			USING ERRCODE = 'check_violation',
				  DETAIL = '0.4.0 takes thresholds in whole days or months only; these rules'' thresholds, without their hours, are no longer in order.',
				  HINT = 'Give those rules thresholds in whole days or months in dormancy.rules, then run ALTER EXTENSION dormancy UPDATE again.';
	END IF;
END
$$;
UPDATE dormancy.rules
   SET at_risk_after = greatest(date_trunc('day', justify_hours(at_risk_after)), interval '1 day'),
	   dormant_after = greatest(date_trunc('day', justify_hours(dormant_after)), interval '1 day'),
	   long_dormant_after = greatest(date_trunc('day', justify_hours(long_dormant_after)), interval '1 day')
 WHERE date_trunc('day', at_risk_after) <> at_risk_after
	OR date_trunc('day', dormant_after) <> dormant_after
	OR date_trunc('day', long_dormant_after) <> long_dormant_after;
ALTER TABLE dormancy.rules ADD CONSTRAINT rules_thresholds_whole_days CHECK (
	date_trunc('day', at_risk_after) = at_risk_after AND
	date_trunc('day', dormant_after) = dormant_after AND
	date_trunc('day', long_dormant_after) = long_dormant_after);

SELECT dormancy._install_defaults('dormancy.industries', 'source_industry');
SELECT dormancy._install_defaults('dormancy.company_sizes', 'source_size');

CREATE TABLE dormancy.price_change_kinds (
	source_kind text PRIMARY KEY,
	kind text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT price_change_kinds_kind CHECK (kind IN ('price_increase', 'spec_change')),
	CONSTRAINT price_change_kinds_source_not_blank CHECK (dormancy.label_key(source_kind) <> '')
);
CREATE UNIQUE INDEX price_change_kinds_key ON dormancy.price_change_kinds ((dormancy.label_key(source_kind)));
COMMENT ON TABLE dormancy.price_change_kinds IS
	'maps wordings of a price change''s kind onto price_increase or spec_change (by label_key): dormancy.price_changes.kind accepts them and stores the code';
COMMENT ON COLUMN dormancy.price_change_kinds.source_kind IS 'a wording of the kind (matched by label_key)';
COMMENT ON COLUMN dormancy.price_change_kinds.kind IS 'what it means: price_increase or spec_change';
COMMENT ON COLUMN dormancy.price_change_kinds.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.price_change_kinds (source_kind, kind) VALUES
	('price_increase', 'price_increase'), ('price increase', 'price_increase'),
	('price rise', 'price_increase'), ('price hike', 'price_increase'),
	('price revision', 'price_increase'), ('increase', 'price_increase'),
	('spec_change', 'spec_change'), ('spec change', 'spec_change'),
	('specification change', 'spec_change'), ('product change', 'spec_change'),
	('renewal', 'spec_change'), ('redesign', 'spec_change');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.price_change_kinds (source_kind, kind) VALUES
		(U&'\5024\4E0A\3052', 'price_increase'),	-- neage: price increase
		(U&'\4FA1\683C\6539\5B9A', 'price_increase'),	-- kakaku kaitei: price revision
		(U&'\5024\4E0A\3052\6539\5B9A', 'price_increase'),	-- neage kaitei: price increase revision
		(U&'\4ED5\69D8\5909\66F4', 'spec_change'),	-- shiyo henko: specification change
		(U&'\4ED5\69D8\6539\5B9A', 'spec_change'),	-- shiyo kaitei: specification revision
		(U&'\30EA\30CB\30E5\30FC\30A2\30EB', 'spec_change'),	-- rinyuaru: renewal
		(U&'\30E2\30C7\30EB\30C1\30A7\30F3\30B8', 'spec_change');	-- moderu chenji: model change
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.price_change_kinds: left out';
END
$$;
SELECT dormancy._install_defaults('dormancy.price_change_kinds', 'source_kind');

-- price_changes.kind accepts the wordings of price_change_kinds
CREATE FUNCTION dormancy._price_changes_kind() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.kind IS NOT NULL AND NEW.kind NOT IN ('price_increase', 'spec_change') THEN
		NEW.kind := coalesce((SELECT k.kind FROM dormancy.price_change_kinds k
							   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(NEW.kind)),
							 NEW.kind);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._price_changes_kind() IS
	'internal: store a wording of dormancy.price_change_kinds written into dormancy.price_changes.kind as its code';
CREATE TRIGGER price_changes_kind BEFORE INSERT OR UPDATE OF kind ON dormancy.price_changes
	FOR EACH ROW EXECUTE FUNCTION dormancy._price_changes_kind();
COMMENT ON COLUMN dormancy.price_changes.category IS 'product category it applies to (as in the bound category column, matched by label_key); NULL for all';
COMMENT ON COLUMN dormancy.price_changes.kind IS 'price_increase or spec_change; a wording of dormancy.price_change_kinds written here (e.g. a Japanese one) is stored as its code by a trigger';

-- More installed wordings of event_kinds, deal_outcomes and deal_reasons:
-- the same rows as a fresh install (collected in temporary tables first),
-- recorded in installed_defaults and inserted with the defaults trigger off;
-- a row of the user's with the same label key stays, as after a restore.
CREATE TEMPORARY TABLE new_event_kinds (source_kind text, kind text);
CREATE TEMPORARY TABLE new_deal_outcomes (source_outcome text, outcome text);
CREATE TEMPORARY TABLE new_deal_reasons (source_reason text, reason text);
-- Wordings of CRM and marketing tools (Salesforce, HubSpot, ...), English
-- and Japanese: an inquiry and a seminar or trade show visit are recent
-- interest without the meaning of a pricing or support page, so web_visit.
INSERT INTO pg_temp.new_event_kinds (source_kind, kind) VALUES
	('inquiry', 'web_visit'), ('enquiry', 'web_visit'), ('contact', 'web_visit'),
	('contact form', 'web_visit'), ('contact us', 'web_visit'), ('form submission', 'web_visit'),
	('form_submission', 'web_visit'), ('form submitted', 'web_visit'), ('seminar', 'web_visit'),
	('webinar attended', 'web_visit'), ('event attended', 'web_visit'),
	('trade show', 'web_visit'), ('exhibition', 'web_visit'), ('email_opened', 'email_open'),
	('email_clicked', 'email_click'), ('form_fill', 'web_visit'), ('demo request', 'web_visit'),
	('content download', 'document_download'), ('case study download', 'document_download'),
	-- support tickets and complaints (2026-12-07): contact with the support,
	-- as a support page visit is, and two or more in the window hint at
	-- dissatisfaction with it (evidence support_visits)
	('support ticket', 'support_visit'), ('support_ticket', 'support_visit'),
	('support case', 'support_visit'), ('support request', 'support_visit'),
	('support inquiry', 'support_visit'), ('complaint', 'support_visit');
DO $$
BEGIN
	INSERT INTO pg_temp.new_event_kinds (source_kind, kind) VALUES
		(U&'\304A\554F\3044\5408\308F\305B', 'web_visit'),	-- otoiawase: inquiry
		(U&'\554F\3044\5408\308F\305B', 'web_visit'),	-- toiawase: inquiry
		(U&'\554F\5408\305B', 'web_visit'),	-- toiawase (short spelling): inquiry
		(U&'\30BB\30DF\30CA\30FC\53C2\52A0', 'web_visit'),	-- semina sanka: seminar attendance
		(U&'\30A6\30A7\30D3\30CA\30FC\53C2\52A0', 'web_visit'),	-- webina sanka: webinar attendance
		(U&'\30BB\30DF\30CA\30FC', 'web_visit'),	-- semina: seminar
		(U&'\30A6\30A7\30D3\30CA\30FC', 'web_visit'),	-- webina: webinar
		(U&'\5C55\793A\4F1A', 'web_visit'),	-- tenjikai: trade show
		(U&'\5C55\793A\4F1A\6765\5834', 'web_visit'),	-- tenjikai raijo: trade show visit
		(U&'\30A4\30D9\30F3\30C8\53C2\52A0', 'web_visit'),	-- ibento sanka: event attendance
		(U&'\30C7\30E2\4F9D\983C', 'web_visit'),	-- demo irai: demo request
		(U&'\898B\7A4D\4F9D\983C', 'pricing_view'),	-- mitsumori irai: quote request
		(U&'\30E1\30EB\30DE\30AC\958B\5C01', 'email_open'),	-- merumaga kaifu: newsletter opened
		(U&'\30E1\30EB\30DE\30AC\30AF\30EA\30C3\30AF', 'email_click'),	-- merumaga kurikku: newsletter click
		(U&'\30AF\30EC\30FC\30E0', 'support_visit'),	-- kuremu: complaint
		(U&'\82E6\60C5', 'support_visit'),	-- kujo: complaint
		(U&'\30B5\30DD\30FC\30C8\554F\3044\5408\308F\305B', 'support_visit'),	-- sapoto toiawase: support inquiry
		(U&'\30B5\30DD\30FC\30C8\304A\554F\3044\5408\308F\305B', 'support_visit'),	-- sapoto otoiawase: support inquiry
		(U&'\30B5\30DD\30FC\30C8\4F9D\983C', 'support_visit');	-- sapoto irai: support request
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.event_kinds: left out';
END
$$;
-- Salesforce stages (Closed Won, Closed Lost), HubSpot stages (closedwon,
-- closedlost, in the defaults above) and outcome-with-reason wordings.
INSERT INTO pg_temp.new_deal_outcomes (source_outcome, outcome) VALUES
	('closed - won', 'won'), ('closed/won', 'won'), ('closed-won', 'won'), ('won - closed', 'won'),
	('closed - lost', 'lost'), ('closed/lost', 'lost'), ('closed-lost', 'lost'),
	('lost - price', 'lost'), ('lost - competitor', 'lost'), ('lost - budget', 'lost'),
	('lost - timing', 'lost'), ('lost - features', 'lost'), ('lost - no decision', 'lost'),
	('no decision', 'lost'), ('on-hold', 'postponed');
INSERT INTO pg_temp.new_deal_reasons (source_reason, reason) VALUES
	('lost - price', 'price'), ('price too high', 'price'), ('lost on price', 'price'),
	('lost - competitor', 'competitor'), ('chose competitor', 'competitor'),
	('went with competitor', 'competitor'), ('lost to competition', 'competitor'),
	('lost - budget', 'budget'), ('over budget', 'budget'), ('lost - timing', 'timing'),
	('lost - features', 'features'), ('feature gap', 'features');
DO $$
BEGIN
	INSERT INTO pg_temp.new_deal_outcomes (source_outcome, outcome) VALUES
		(U&'\5931\6CE8\FF08\4FA1\683C\FF09', 'lost'),	-- shitchu (kakaku): lost (price)
		(U&'\5931\6CE8\FF08\7AF6\5408\FF09', 'lost'),	-- shitchu (kyogo): lost (competitor)
		(U&'\5931\6CE8\FF08\4E88\7B97\FF09', 'lost'),	-- shitchu (yosan): lost (budget)
		(U&'\5931\6CE8\FF08\6642\671F\FF09', 'lost'),	-- shitchu (jiki): lost (timing)
		(U&'\5931\6CE8\FF08\6A5F\80FD\FF09', 'lost'),	-- shitchu (kino): lost (features)
		(U&'\53D7\6CE8\6E08', 'won'),	-- juchu-zumi: order won
		(U&'\53D7\6CE8\6E08\307F', 'won'),	-- juchu-zumi: order won
		(U&'\6210\7D04\6E08\307F', 'won'),	-- seiyaku-zumi: deal closed
		(U&'\898B\9001\308A\FF08\6765\671F\FF09', 'postponed');	-- miokuri (raiki): postponed to next term
	INSERT INTO pg_temp.new_deal_reasons (source_reason, reason) VALUES
		(U&'\5931\6CE8\FF08\4FA1\683C\FF09', 'price'),	-- shitchu (kakaku): lost (price)
		(U&'\5931\6CE8\FF08\7AF6\5408\FF09', 'competitor'),	-- shitchu (kyogo): lost (competitor)
		(U&'\5931\6CE8\FF08\4E88\7B97\FF09', 'budget'),	-- shitchu (yosan): lost (budget)
		(U&'\5931\6CE8\FF08\6642\671F\FF09', 'timing'),	-- shitchu (jiki): lost (timing)
		(U&'\5931\6CE8\FF08\6A5F\80FD\FF09', 'features'),	-- shitchu (kino): lost (features)
		(U&'\7AF6\5408\4ED6\793E\306B\6C7A\5B9A', 'competitor'),	-- kyogo tasha ni kettei: chose a competitor
		(U&'\4ED6\793E\306B\6C7A\5B9A', 'competitor'),	-- tasha ni kettei: chose another company
		(U&'\7AF6\5408\306B\8CA0\3051', 'competitor'),	-- kyogo ni make: lost to a competitor
		(U&'\7AF6\5408\8CA0\3051', 'competitor'),	-- kyogo make: lost to a competitor
		(U&'\4ED6\793E\63A1\7528', 'competitor'),	-- tasha saiyo: another company adopted
		(U&'\4FA1\683C\9762\3067\6298\308A\5408\308F\305A', 'price'),	-- kakakumen de oriawazu: no agreement on price
		(U&'\4FA1\683C\304C\5408\308F\306A\3044', 'price'),	-- kakaku ga awanai: the price does not fit
		(U&'\4FA1\683C\9762', 'price'),	-- kakakumen: price side
		(U&'\9AD8\3059\304E\308B', 'price'),	-- takasugiru: too expensive
		(U&'\4E88\7B97\30AA\30FC\30D0\30FC', 'budget'),	-- yosan oba: over budget
		(U&'\4E88\7B97\304C\306A\3044', 'budget'),	-- yosan ga nai: no budget
		-- next term, next fiscal year: budget, held until the next fiscal
		-- year's budget is drawn up (docs/outreach.md)
		(U&'\6642\671F\5C1A\65E9\FF08\6765\671F\691C\8A0E\FF09', 'budget'),	-- jiki shoso (raiki kento): premature, next term
		(U&'\6765\671F', 'budget'),	-- raiki: next term
		(U&'\6765\5E74\5EA6', 'budget'),	-- rainendo: next fiscal year
		(U&'\6B21\5E74\5EA6', 'budget'),	-- jinendo: next fiscal year
		(U&'\6765\671F\691C\8A0E', 'budget'),	-- raiki kento: reconsider next term
		(U&'\6765\5E74\5EA6\691C\8A0E', 'budget'),	-- rainendo kento: reconsider next fiscal year
		(U&'\6B21\5E74\5EA6\691C\8A0E', 'budget'),	-- jinendo kento: reconsider next fiscal year
		(U&'\6765\5E74\5EA6\4E88\7B97', 'budget'),	-- rainendo yosan: next fiscal year's budget
		(U&'\6A5F\80FD\4E0D\8DB3\FF08\8981\4EF6\672A\9054\FF09', 'features'),	-- kino busoku (yoken mitatsu): features short of requirements
		(U&'\8981\4EF6\4E0D\4E00\81F4', 'features');	-- yoken fuicchi: requirements do not match
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.deal_outcomes and dormancy.deal_reasons: left out';
END
$$;

INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'event_kinds', dormancy.label_key(n.source_kind), ARRAY['source_kind']::name[],
	   jsonb_build_object('source_kind', n.source_kind, 'kind', n.kind, 'installed', true)
  FROM pg_temp.new_event_kinds n
ON CONFLICT DO NOTHING;
ALTER TABLE dormancy.event_kinds DISABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.event_kinds (source_kind, kind, installed)
SELECT n.source_kind, n.kind, true FROM pg_temp.new_event_kinds n
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds t WHERE dormancy.label_key(t.source_kind) = dormancy.label_key(n.source_kind));
ALTER TABLE dormancy.event_kinds ENABLE TRIGGER defaults_before_write;
DROP TABLE pg_temp.new_event_kinds;
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'deal_outcomes', dormancy.label_key(n.source_outcome), ARRAY['source_outcome']::name[],
	   jsonb_build_object('source_outcome', n.source_outcome, 'outcome', n.outcome, 'installed', true)
  FROM pg_temp.new_deal_outcomes n
ON CONFLICT DO NOTHING;
ALTER TABLE dormancy.deal_outcomes DISABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.deal_outcomes (source_outcome, outcome, installed)
SELECT n.source_outcome, n.outcome, true FROM pg_temp.new_deal_outcomes n
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes t WHERE dormancy.label_key(t.source_outcome) = dormancy.label_key(n.source_outcome));
ALTER TABLE dormancy.deal_outcomes ENABLE TRIGGER defaults_before_write;
DROP TABLE pg_temp.new_deal_outcomes;
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'deal_reasons', dormancy.label_key(n.source_reason), ARRAY['source_reason']::name[],
	   jsonb_build_object('source_reason', n.source_reason, 'reason', n.reason, 'installed', true)
  FROM pg_temp.new_deal_reasons n
ON CONFLICT DO NOTHING;
ALTER TABLE dormancy.deal_reasons DISABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.deal_reasons (source_reason, reason, installed)
SELECT n.source_reason, n.reason, true FROM pg_temp.new_deal_reasons n
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons t WHERE dormancy.label_key(t.source_reason) = dormancy.label_key(n.source_reason));
ALTER TABLE dormancy.deal_reasons ENABLE TRIGGER defaults_before_write;
DROP TABLE pg_temp.new_deal_reasons;

-- model segments by label_key
-- (_fit_segments(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD fits of fit_models() with their covariance matrices, overall and per segment, from the customers'' summaries kept by _fit_summaries()';
COMMENT ON COLUMN dormancy.models.segment_value IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON FUNCTION dormancy._model_for(text, text) IS
	'internal: the converged dormancy.models row for a customer (its industry''s or company size''s by label_key, else the overall one), with its time unit and the horizon in days; all NULL when none';
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (by label_key, through dormancy.industries and dormancy.company_sizes when no rule names the label), reason and reachability; NULL unless lapsing or when none matches';
COMMENT ON COLUMN dormancy.approach_rules.industries IS 'industries it applies to (by label_key, or through dormancy.industries), NULL for any';
COMMENT ON COLUMN dormancy.approach_rules.company_sizes IS 'company sizes it applies to (by label_key, or through dormancy.company_sizes), NULL for any';

-- the live views: unmatched_labels; label keys in the joins of the mappings
-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';
-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

GRANT SELECT ON dormancy.industries, dormancy.company_sizes, dormancy.price_change_kinds TO dormancy_analyst;

-- the alias tables are lookup tables: statistics, and autovacuum analyses them after any change
-- (_lookup_tables(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._lookup_tables() IS
	'internal: the small tables of the extension that the generated views look up (settings, rules, mappings, models)';
ALTER TABLE dormancy.industries SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE dormancy.company_sizes SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE dormancy.price_change_kinds SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
SELECT dormancy.analyze_lookup_tables();
-- (end of Label keys and aliases (issue 12))

--
-- Labels in Japanese and English (issue 12)
--
-- call_list, declining_customers and the views over the snapshot gain
-- *_label columns at the end (rebuilt by _update_generated_views() at the
-- end of this script).  (_create_views(): the copy in the section "One C
-- evaluation per customer: customer_core and customer_status" has the label
-- columns of call_list and declining_customers)
--
-- Labels of the codes (states, segments, signals, reasons, channels, themes,
-- data gaps, score components, deal and event codes) in Japanese and
-- English, from one editable table; dormancy.language chooses the language
-- (src/dormancy.c: empty means that of lc_messages).  The codes stay what
-- they are, for SQL; the views that a person reads add a column <code
-- column>_label after all their columns (call_list, declining_customers,
-- the views over the snapshot), computed when read, so every session reads
-- its own language.
--

CREATE TABLE dormancy.labels (
	vocabulary text NOT NULL,
	code text NOT NULL,
	language text NOT NULL,
	label text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	PRIMARY KEY (vocabulary, code, language),
	CONSTRAINT labels_language CHECK (language IN ('en', 'ja')),
	CONSTRAINT labels_label_not_blank CHECK (btrim(label) <> ''),
	-- vocabulary and code as the views write them (lower case, no outer
	-- blanks): label() looks them up as written, and the installed row with
	-- the same defaults key (dormancy.label_key) would give way to a row
	-- that no lookup finds
	CONSTRAINT labels_codes_as_written
		CHECK (vocabulary = dormancy.label_key(vocabulary) AND code = dormancy.label_key(code))
);
COMMENT ON TABLE dormancy.labels IS
	'the label of each code in each language (en, ja): what the *_label columns and dormancy.label() show; edit freely';
COMMENT ON COLUMN dormancy.labels.vocabulary IS
	'what the code is: state, contract_state, dormancy_kind, segment, decline_signals, evidence, likely_reason, approach_channel, message_theme, data_gaps, score_component, deal_outcome, deal_reason, event_kind, outreach_outcome, change or score_basis';
COMMENT ON COLUMN dormancy.labels.code IS 'the code as the views write it (active, lost_to_competitor, phone, ...)';
COMMENT ON COLUMN dormancy.labels.language IS 'en or ja';
COMMENT ON COLUMN dormancy.labels.label IS 'what a person reads for the code in that language';
COMMENT ON COLUMN dormancy.labels.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES
	('state', 'active', 'en', 'active'),
	('state', 'at_risk', 'en', 'at risk'),
	('state', 'dormant', 'en', 'dormant'),
	('state', 'long_dormant', 'en', 'long dormant'),
	('state', 'never_purchased', 'en', 'never purchased'),
	('contract_state', 'active', 'en', 'contract current'),
	('contract_state', 'ended', 'en', 'contract ended recently'),
	('contract_state', 'at_risk', 'en', 'contract ended: at risk'),
	('contract_state', 'dormant', 'en', 'contract ended: dormant'),
	('contract_state', 'long_dormant', 'en', 'contract ended: long dormant'),
	('contract_state', 'never_purchased', 'en', 'no term started yet'),
	('dormancy_kind', 'lost_deal', 'en', 'lost or postponed deal'),
	('dormancy_kind', 'purchase', 'en', 'purchases stopped'),
	('segment', 'one_time', 'en', 'one-time buyer'),
	('segment', 'repeat', 'en', 'repeat buyer'),
	('segment', 'campaign_only', 'en', 'buys only on offers'),
	('decline_signals', 'amount_drop', 'en', 'spending down'),
	('decline_signals', 'frequency_drop', 'en', 'ordering less often'),
	('decline_signals', 'cadence_slowdown', 'en', 'longer gaps between orders'),
	('decline_signals', 'overdue', 'en', 'next order overdue'),
	('decline_signals', 'season_drop', 'en', 'down on the same season last year'),
	('decline_signals', 'negative_trend', 'en', 'spending trending down'),
	('evidence', 'state_active', 'en', 'state: active'),
	('evidence', 'state_at_risk', 'en', 'state: at risk'),
	('evidence', 'state_dormant', 'en', 'state: dormant'),
	('evidence', 'state_long_dormant', 'en', 'state: long dormant'),
	('evidence', 'state_never_purchased', 'en', 'state: never purchased'),
	('evidence', 'one_time', 'en', 'one purchase only'),
	('evidence', 'repeat', 'en', 'repeat buyer'),
	('evidence', 'campaign_only', 'en', 'bought only on offers'),
	('evidence', 'declining', 'en', 'declining'),
	('evidence', 'lapsed_after_price_increase', 'en', 'no order since a price increase'),
	('evidence', 'lapsed_after_spec_change', 'en', 'no order since a specification change'),
	('evidence', 'contract_lapsed', 'en', 'contract lapsed'),
	('evidence', 'auto_renew_off', 'en', 'auto-renew off'),
	('evidence', 'downgraded', 'en', 'downgraded'),
	('evidence', 'renewal_due', 'en', 'renewal due'),
	('evidence', 'engaged', 'en', 'engaged recently'),
	('evidence', 'no_engagement', 'en', 'no opens or visits'),
	('evidence', 'pricing_views', 'en', 'viewed pricing'),
	('evidence', 'repeated_pricing_views', 'en', 'repeated pricing views'),
	('evidence', 'support_visits', 'en', 'repeated support visits'),
	('evidence', 'deal_won', 'en', 'last deal won'),
	('evidence', 'deal_lost', 'en', 'last deal lost'),
	('evidence', 'deal_postponed', 'en', 'last deal postponed'),
	('evidence', 'deal_unknown', 'en', 'last deal: outcome unknown'),
	('evidence', 'deal_reason_price', 'en', 'deal reason: price'),
	('evidence', 'deal_reason_features', 'en', 'deal reason: features'),
	('evidence', 'deal_reason_competitor', 'en', 'deal reason: competitor'),
	('evidence', 'deal_reason_timing', 'en', 'deal reason: timing'),
	('evidence', 'deal_reason_budget', 'en', 'deal reason: budget'),
	('evidence', 'deal_reason_circumstances', 'en', 'deal reason: customer circumstances'),
	('evidence', 'deal_reason_other', 'en', 'deal reason: other'),
	('evidence', 'open_deal', 'en', 'open deal'),
	('evidence', 'lost_deal', 'en', 'lost or postponed deal'),
	('evidence', 'amount_drop', 'en', 'spending down'),
	('evidence', 'frequency_drop', 'en', 'ordering less often'),
	('evidence', 'cadence_slowdown', 'en', 'longer gaps between orders'),
	('evidence', 'overdue', 'en', 'next order overdue'),
	('evidence', 'season_drop', 'en', 'down on the same season last year'),
	('evidence', 'negative_trend', 'en', 'spending trending down'),
	('evidence', 'lapsed', 'en', 'lapsed'),
	('evidence', 'outreach_reached', 'en', 'last contact: reached'),
	('evidence', 'outreach_delivered', 'en', 'last contact: delivered, no answer'),
	('evidence', 'outreach_interested', 'en', 'last contact: interested'),
	('evidence', 'outreach_meeting', 'en', 'last contact: meeting set'),
	('evidence', 'outreach_quote', 'en', 'last contact: quote sent'),
	('evidence', 'outreach_order', 'en', 'last contact: ordered'),
	('evidence', 'outreach_declined', 'en', 'last contact: declined'),
	('evidence', 'outreach_reason_price', 'en', 'declined: price'),
	('evidence', 'outreach_reason_features', 'en', 'declined: features'),
	('evidence', 'outreach_reason_competitor', 'en', 'declined: competitor'),
	('evidence', 'outreach_reason_timing', 'en', 'declined: timing'),
	('evidence', 'outreach_reason_budget', 'en', 'declined: budget'),
	('evidence', 'outreach_reason_circumstances', 'en', 'declined: customer circumstances'),
	('evidence', 'outreach_reason_other', 'en', 'declined: other'),
	('likely_reason', 'dissatisfied_product', 'en', 'unhappy with the product'),
	('likely_reason', 'dissatisfied_price', 'en', 'unhappy with the price'),
	('likely_reason', 'dissatisfied_support', 'en', 'unhappy with support'),
	('likely_reason', 'forgot', 'en', 'forgot about us'),
	('likely_reason', 'circumstances_changed', 'en', 'their circumstances changed'),
	('likely_reason', 'lost_to_competitor', 'en', 'lost to a competitor'),
	('likely_reason', 'budget_timing', 'en', 'budget or timing'),
	('likely_reason', 'campaign_only', 'en', 'buys only on offers'),
	('likely_reason', 'one_time_mismatch', 'en', 'one purchase: poor fit'),
	('likely_reason', 'price_increase', 'en', 'price increase'),
	('likely_reason', 'spec_change', 'en', 'specification change'),
	('likely_reason', 'unknown', 'en', 'unknown'),
	('approach_channel', 'email', 'en', 'email'),
	('approach_channel', 'direct_mail', 'en', 'direct mail'),
	('approach_channel', 'phone', 'en', 'phone call'),
	('approach_channel', 'visit', 'en', 'visit'),
	('approach_channel', 'step_mail', 'en', 'step mail series'),
	('message_theme', 'feedback_survey', 'en', 'ask for feedback'),
	('message_theme', 'discount_or_downsell', 'en', 'discount or smaller plan'),
	('message_theme', 'reminder', 'en', 'reminder'),
	('message_theme', 'usage_guide', 'en', 'usage guide'),
	('message_theme', 'new_offer', 'en', 'new product or plan'),
	('message_theme', 'comparison_case_study', 'en', 'comparisons and case studies'),
	('message_theme', 'referral', 'en', 'ask for a referral'),
	('data_gaps', 'no_contact', 'en', 'no contact data'),
	('data_gaps', 'no_phone', 'en', 'no phone number'),
	('data_gaps', 'invalid_phone', 'en', 'invalid phone number'),
	('data_gaps', 'no_email', 'en', 'no email address'),
	('data_gaps', 'invalid_email', 'en', 'invalid email address'),
	('data_gaps', 'no_person', 'en', 'no contact person'),
	('data_gaps', 'contact_outdated', 'en', 'contact data outdated'),
	('data_gaps', 'no_name', 'en', 'no customer name'),
	('data_gaps', 'duplicate_name', 'en', 'possible duplicate record'),
	('data_gaps', 'no_activity', 'en', 'no purchases or activity'),
	('score_component', 'past_value', 'en', 'past value'),
	('score_component', 'regularity', 'en', 'regularity'),
	('score_component', 'recency', 'en', 'recency'),
	('score_component', 'decline', 'en', 'decline signals'),
	('score_component', 'engagement', 'en', 'engagement'),
	('score_component', 'deal', 'en', 'deals'),
	('score_component', 'contract', 'en', 'contract'),
	('score_component', 'p_alive', 'en', 'probability still a customer'),
	('score_component', 'expected_value', 'en', 'expected value'),
	('deal_outcome', 'won', 'en', 'won'),
	('deal_outcome', 'lost', 'en', 'lost'),
	('deal_outcome', 'postponed', 'en', 'postponed'),
	('deal_outcome', 'open', 'en', 'open'),
	('deal_outcome', 'unknown', 'en', 'unknown'),
	('deal_reason', 'price', 'en', 'price'),
	('deal_reason', 'features', 'en', 'features'),
	('deal_reason', 'competitor', 'en', 'competitor'),
	('deal_reason', 'timing', 'en', 'timing'),
	('deal_reason', 'budget', 'en', 'budget'),
	('deal_reason', 'circumstances', 'en', 'customer circumstances'),
	('deal_reason', 'other', 'en', 'other'),
	('event_kind', 'email_open', 'en', 'email opened'),
	('event_kind', 'email_click', 'en', 'email link clicked'),
	('event_kind', 'web_visit', 'en', 'website visit'),
	('event_kind', 'pricing_view', 'en', 'pricing page view'),
	('event_kind', 'document_download', 'en', 'document download'),
	('event_kind', 'support_visit', 'en', 'support page visit'),
	('event_kind', 'other', 'en', 'other'),
	('outreach_outcome', 'not_reached', 'en', 'not reached'),
	('outreach_outcome', 'reached', 'en', 'reached'),
	('outreach_outcome', 'delivered', 'en', 'delivered, no answer'),
	('outreach_outcome', 'interested', 'en', 'interested'),
	('outreach_outcome', 'meeting', 'en', 'meeting set'),
	('outreach_outcome', 'quote', 'en', 'quote sent'),
	('outreach_outcome', 'order', 'en', 'ordered'),
	('outreach_outcome', 'declined', 'en', 'declined'),
	('change', 'new', 'en', 'new'),
	('change', 'changed', 'en', 'changed'),
	('change', 'removed', 'en', 'removed');
-- Japanese labels, written as Unicode escapes so that the install script is
-- ASCII (the comments give the English label): a database whose encoding
-- cannot hold them (LATIN1, ...) gets the English ones only.
-- docs/labels.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES
		('state', 'active', 'ja', U&'\7A3C\50CD\4E2D'),	-- active
		('state', 'at_risk', 'ja', U&'\4F11\7720\4E88\5099\8ECD'),	-- at risk
		('state', 'dormant', 'ja', U&'\4F11\7720'),	-- dormant
		('state', 'long_dormant', 'ja', U&'\9577\671F\4F11\7720'),	-- long dormant
		('state', 'never_purchased', 'ja', U&'\8CFC\5165\5B9F\7E3E\306A\3057'),	-- never purchased
		('contract_state', 'active', 'ja', U&'\5951\7D04\4E2D'),	-- contract current
		('contract_state', 'ended', 'ja', U&'\5951\7D04\7D42\4E86\30FB\8981\30D5\30A9\30ED\30FC'),	-- contract ended recently
		('contract_state', 'at_risk', 'ja', U&'\5951\7D04\7D42\4E86\30FB\4F11\7720\4E88\5099\8ECD'),	-- contract ended: at risk
		('contract_state', 'dormant', 'ja', U&'\5951\7D04\7D42\4E86\30FB\4F11\7720'),	-- contract ended: dormant
		('contract_state', 'long_dormant', 'ja', U&'\5951\7D04\7D42\4E86\30FB\9577\671F\4F11\7720'),	-- contract ended: long dormant
		('contract_state', 'never_purchased', 'ja', U&'\5951\7D04\958B\59CB\524D'),	-- no term started yet
		('dormancy_kind', 'lost_deal', 'ja', U&'\5931\6CE8\30FB\898B\9001\308A'),	-- lost or postponed deal
		('dormancy_kind', 'purchase', 'ja', U&'\8CFC\8CB7\306E\9014\7D76'),	-- purchases stopped
		('segment', 'one_time', 'ja', U&'\5358\767A\8CFC\5165'),	-- one-time buyer
		('segment', 'repeat', 'ja', U&'\30EA\30D4\30FC\30C8\8CFC\5165'),	-- repeat buyer
		('segment', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('decline_signals', 'amount_drop', 'ja', U&'\8CFC\5165\984D\306E\6E1B\5C11'),	-- spending down
		('decline_signals', 'frequency_drop', 'ja', U&'\8CFC\5165\56DE\6570\306E\6E1B\5C11'),	-- ordering less often
		('decline_signals', 'cadence_slowdown', 'ja', U&'\8CFC\5165\9593\9694\306E\9577\671F\5316'),	-- longer gaps between orders
		('decline_signals', 'overdue', 'ja', U&'\6B21\56DE\8CFC\5165\306E\9045\308C'),	-- next order overdue
		('decline_signals', 'season_drop', 'ja', U&'\524D\5E74\540C\671F\6BD4\306E\6E1B\5C11'),	-- down on the same season last year
		('decline_signals', 'negative_trend', 'ja', U&'\8CFC\5165\984D\306E\4E0B\964D\50BE\5411'),	-- spending trending down
		('evidence', 'state_active', 'ja', U&'\72B6\614B: \7A3C\50CD\4E2D'),	-- state: active
		('evidence', 'state_at_risk', 'ja', U&'\72B6\614B: \4F11\7720\4E88\5099\8ECD'),	-- state: at risk
		('evidence', 'state_dormant', 'ja', U&'\72B6\614B: \4F11\7720'),	-- state: dormant
		('evidence', 'state_long_dormant', 'ja', U&'\72B6\614B: \9577\671F\4F11\7720'),	-- state: long dormant
		('evidence', 'state_never_purchased', 'ja', U&'\72B6\614B: \8CFC\5165\5B9F\7E3E\306A\3057'),	-- state: never purchased
		('evidence', 'one_time', 'ja', U&'\5358\767A\8CFC\5165'),	-- one purchase only
		('evidence', 'repeat', 'ja', U&'\30EA\30D4\30FC\30C8\8CFC\5165'),	-- repeat buyer
		('evidence', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- bought only on offers
		('evidence', 'declining', 'ja', U&'\6E1B\5C11\50BE\5411'),	-- declining
		('evidence', 'lapsed_after_price_increase', 'ja', U&'\5024\4E0A\3052\5F8C\306B\8CFC\5165\306A\3057'),	-- no order since a price increase
		('evidence', 'lapsed_after_spec_change', 'ja', U&'\4ED5\69D8\5909\66F4\5F8C\306B\8CFC\5165\306A\3057'),	-- no order since a specification change
		('evidence', 'contract_lapsed', 'ja', U&'\5951\7D04\5931\52B9'),	-- contract lapsed
		('evidence', 'auto_renew_off', 'ja', U&'\81EA\52D5\66F4\65B0\30AA\30D5'),	-- auto-renew off
		('evidence', 'downgraded', 'ja', U&'\5951\7D04\7E2E\5C0F'),	-- downgraded
		('evidence', 'renewal_due', 'ja', U&'\66F4\65B0\6642\671F\304C\8FD1\3044'),	-- renewal due
		('evidence', 'engaged', 'ja', U&'\6700\8FD1\306E\53CD\5FDC\3042\308A'),	-- engaged recently
		('evidence', 'no_engagement', 'ja', U&'\53CD\5FDC\30FB\63A5\89E6\306A\3057'),	-- no opens or visits
		('evidence', 'pricing_views', 'ja', U&'\6599\91D1\30DA\30FC\30B8\95B2\89A7'),	-- viewed pricing
		('evidence', 'repeated_pricing_views', 'ja', U&'\6599\91D1\30DA\30FC\30B8\306E\7E70\308A\8FD4\3057\95B2\89A7'),	-- repeated pricing views
		('evidence', 'support_visits', 'ja', U&'\30B5\30DD\30FC\30C8\30DA\30FC\30B8\306E\7E70\308A\8FD4\3057\95B2\89A7'),	-- repeated support visits
		('evidence', 'deal_won', 'ja', U&'\76F4\8FD1\5546\8AC7: \53D7\6CE8'),	-- last deal won
		('evidence', 'deal_lost', 'ja', U&'\76F4\8FD1\5546\8AC7: \5931\6CE8'),	-- last deal lost
		('evidence', 'deal_postponed', 'ja', U&'\76F4\8FD1\5546\8AC7: \898B\9001\308A\30FB\5EF6\671F'),	-- last deal postponed
		('evidence', 'deal_unknown', 'ja', U&'\76F4\8FD1\5546\8AC7: \7D50\679C\4E0D\660E'),	-- last deal: outcome unknown
		('evidence', 'deal_reason_price', 'ja', U&'\5931\6CE8\7406\7531: \4FA1\683C'),	-- deal reason: price
		('evidence', 'deal_reason_features', 'ja', U&'\5931\6CE8\7406\7531: \6A5F\80FD'),	-- deal reason: features
		('evidence', 'deal_reason_competitor', 'ja', U&'\5931\6CE8\7406\7531: \7AF6\5408'),	-- deal reason: competitor
		('evidence', 'deal_reason_timing', 'ja', U&'\5931\6CE8\7406\7531: \6642\671F'),	-- deal reason: timing
		('evidence', 'deal_reason_budget', 'ja', U&'\5931\6CE8\7406\7531: \4E88\7B97'),	-- deal reason: budget
		('evidence', 'deal_reason_circumstances', 'ja', U&'\5931\6CE8\7406\7531: \9867\5BA2\90FD\5408'),	-- deal reason: customer circumstances
		('evidence', 'deal_reason_other', 'ja', U&'\5931\6CE8\7406\7531: \305D\306E\4ED6'),	-- deal reason: other
		('evidence', 'open_deal', 'ja', U&'\9032\884C\4E2D\306E\5546\8AC7\3042\308A'),	-- open deal
		('evidence', 'lost_deal', 'ja', U&'\5931\6CE8\30FB\898B\9001\308A'),	-- lost or postponed deal
		('evidence', 'amount_drop', 'ja', U&'\8CFC\5165\984D\306E\6E1B\5C11'),	-- spending down
		('evidence', 'frequency_drop', 'ja', U&'\8CFC\5165\56DE\6570\306E\6E1B\5C11'),	-- ordering less often
		('evidence', 'cadence_slowdown', 'ja', U&'\8CFC\5165\9593\9694\306E\9577\671F\5316'),	-- longer gaps between orders
		('evidence', 'overdue', 'ja', U&'\6B21\56DE\8CFC\5165\306E\9045\308C'),	-- next order overdue
		('evidence', 'season_drop', 'ja', U&'\524D\5E74\540C\671F\6BD4\306E\6E1B\5C11'),	-- down on the same season last year
		('evidence', 'negative_trend', 'ja', U&'\8CFC\5165\984D\306E\4E0B\964D\50BE\5411'),	-- spending trending down
		('evidence', 'lapsed', 'ja', U&'\8CFC\5165\9014\7D76'),	-- lapsed
		('evidence', 'outreach_reached', 'ja', U&'\524D\56DE\63A5\89E6: \5FDC\5BFE\3042\308A'),	-- last contact: reached
		('evidence', 'outreach_delivered', 'ja', U&'\524D\56DE\63A5\89E6: \914D\4FE1\6E08\FF08\53CD\5FDC\306A\3057\FF09'),	-- last contact: delivered (no answer)
		('evidence', 'outreach_interested', 'ja', U&'\524D\56DE\63A5\89E6: \95A2\5FC3\3042\308A'),	-- last contact: interested
		('evidence', 'outreach_meeting', 'ja', U&'\524D\56DE\63A5\89E6: \9762\8AC7\8A2D\5B9A'),	-- last contact: meeting set
		('evidence', 'outreach_quote', 'ja', U&'\524D\56DE\63A5\89E6: \898B\7A4D\63D0\51FA'),	-- last contact: quote sent
		('evidence', 'outreach_order', 'ja', U&'\524D\56DE\63A5\89E6: \53D7\6CE8'),	-- last contact: ordered
		('evidence', 'outreach_declined', 'ja', U&'\524D\56DE\63A5\89E6: \8F9E\9000'),	-- last contact: declined
		('evidence', 'outreach_reason_price', 'ja', U&'\8F9E\9000\7406\7531: \4FA1\683C'),	-- declined: price
		('evidence', 'outreach_reason_features', 'ja', U&'\8F9E\9000\7406\7531: \6A5F\80FD'),	-- declined: features
		('evidence', 'outreach_reason_competitor', 'ja', U&'\8F9E\9000\7406\7531: \7AF6\5408'),	-- declined: competitor
		('evidence', 'outreach_reason_timing', 'ja', U&'\8F9E\9000\7406\7531: \6642\671F'),	-- declined: timing
		('evidence', 'outreach_reason_budget', 'ja', U&'\8F9E\9000\7406\7531: \4E88\7B97'),	-- declined: budget
		('evidence', 'outreach_reason_circumstances', 'ja', U&'\8F9E\9000\7406\7531: \9867\5BA2\90FD\5408'),	-- declined: customer circumstances
		('evidence', 'outreach_reason_other', 'ja', U&'\8F9E\9000\7406\7531: \305D\306E\4ED6'),	-- declined: other
		('likely_reason', 'dissatisfied_product', 'ja', U&'\88FD\54C1\3078\306E\4E0D\6E80'),	-- unhappy with the product
		('likely_reason', 'dissatisfied_price', 'ja', U&'\4FA1\683C\3078\306E\4E0D\6E80'),	-- unhappy with the price
		('likely_reason', 'dissatisfied_support', 'ja', U&'\30B5\30DD\30FC\30C8\3078\306E\4E0D\6E80'),	-- unhappy with support
		('likely_reason', 'forgot', 'ja', U&'\5FD8\308C\30FB\5931\5FF5'),	-- forgot about us
		('likely_reason', 'circumstances_changed', 'ja', U&'\9867\5BA2\5074\306E\72B6\6CC1\5909\5316'),	-- their circumstances changed
		('likely_reason', 'lost_to_competitor', 'ja', U&'\7AF6\5408\306B\6D41\51FA'),	-- lost to a competitor
		('likely_reason', 'budget_timing', 'ja', U&'\4E88\7B97\30FB\6642\671F\306E\90FD\5408'),	-- budget or timing
		('likely_reason', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('likely_reason', 'one_time_mismatch', 'ja', U&'\5358\767A\8CFC\5165\30FB\30CB\30FC\30BA\4E0D\4E00\81F4'),	-- one purchase: poor fit
		('likely_reason', 'price_increase', 'ja', U&'\5024\4E0A\3052\306E\5F71\97FF'),	-- price increase
		('likely_reason', 'spec_change', 'ja', U&'\4ED5\69D8\5909\66F4\306E\5F71\97FF'),	-- specification change
		('likely_reason', 'unknown', 'ja', U&'\4E0D\660E'),	-- unknown
		('approach_channel', 'email', 'ja', U&'\30E1\30FC\30EB'),	-- email
		('approach_channel', 'direct_mail', 'ja', 'DM'),	-- direct mail
		('approach_channel', 'phone', 'ja', U&'\96FB\8A71'),	-- phone call
		('approach_channel', 'visit', 'ja', U&'\8A2A\554F'),	-- visit
		('approach_channel', 'step_mail', 'ja', U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB'),	-- step mail series
		('message_theme', 'feedback_survey', 'ja', U&'\30A2\30F3\30B1\30FC\30C8\30FB\3054\610F\898B\4F3A\3044'),	-- ask for feedback
		('message_theme', 'discount_or_downsell', 'ja', U&'\5272\5F15\30FB\30D7\30E9\30F3\898B\76F4\3057\306E\63D0\6848'),	-- discount or smaller plan
		('message_theme', 'reminder', 'ja', U&'\30EA\30DE\30A4\30F3\30C9'),	-- reminder
		('message_theme', 'usage_guide', 'ja', U&'\6D3B\7528\65B9\6CD5\306E\3054\6848\5185'),	-- usage guide
		('message_theme', 'new_offer', 'ja', U&'\65B0\5546\54C1\30FB\65B0\30D7\30E9\30F3\306E\3054\63D0\6848'),	-- new product or plan
		('message_theme', 'comparison_case_study', 'ja', U&'\4ED6\793E\6BD4\8F03\30FB\5C0E\5165\4E8B\4F8B\306E\3054\7D39\4ECB'),	-- comparisons and case studies
		('message_theme', 'referral', 'ja', U&'\3054\7D39\4ECB\306E\304A\9858\3044'),	-- ask for a referral
		('data_gaps', 'no_contact', 'ja', U&'\9023\7D61\5148\306A\3057'),	-- no contact data
		('data_gaps', 'no_phone', 'ja', U&'\96FB\8A71\756A\53F7\306A\3057'),	-- no phone number
		('data_gaps', 'invalid_phone', 'ja', U&'\96FB\8A71\756A\53F7\304C\4E0D\6B63'),	-- invalid phone number
		('data_gaps', 'no_email', 'ja', U&'\30E1\30FC\30EB\30A2\30C9\30EC\30B9\306A\3057'),	-- no email address
		('data_gaps', 'invalid_email', 'ja', U&'\30E1\30FC\30EB\30A2\30C9\30EC\30B9\304C\4E0D\6B63'),	-- invalid email address
		('data_gaps', 'no_person', 'ja', U&'\62C5\5F53\8005\540D\306A\3057'),	-- no contact person
		('data_gaps', 'contact_outdated', 'ja', U&'\9023\7D61\5148\60C5\5831\304C\53E4\3044'),	-- contact data outdated
		('data_gaps', 'no_name', 'ja', U&'\9867\5BA2\540D\306A\3057'),	-- no customer name
		('data_gaps', 'duplicate_name', 'ja', U&'\91CD\8907\767B\9332\306E\53EF\80FD\6027'),	-- possible duplicate record
		('data_gaps', 'no_activity', 'ja', U&'\8CFC\8CB7\30FB\6D3B\52D5\5C65\6B74\306A\3057'),	-- no purchases or activity
		('score_component', 'past_value', 'ja', U&'\904E\53BB\306E\53D6\5F15\984D'),	-- past value
		('score_component', 'regularity', 'ja', U&'\8CFC\5165\306E\898F\5247\6027'),	-- regularity
		('score_component', 'recency', 'ja', U&'\7D4C\904E\671F\9593'),	-- recency
		('score_component', 'decline', 'ja', U&'\6E1B\5C11\30B7\30B0\30CA\30EB'),	-- decline signals
		('score_component', 'engagement', 'ja', U&'\53CD\5FDC\30FB\63A5\89E6'),	-- engagement
		('score_component', 'deal', 'ja', U&'\5546\8AC7'),	-- deals
		('score_component', 'contract', 'ja', U&'\5951\7D04'),	-- contract
		('score_component', 'p_alive', 'ja', U&'\7D99\7D9A\78BA\7387'),	-- probability still a customer
		('score_component', 'expected_value', 'ja', U&'\671F\5F85\8CFC\5165\984D'),	-- expected value
		('deal_outcome', 'won', 'ja', U&'\53D7\6CE8'),	-- won
		('deal_outcome', 'lost', 'ja', U&'\5931\6CE8'),	-- lost
		('deal_outcome', 'postponed', 'ja', U&'\898B\9001\308A\30FB\5EF6\671F'),	-- postponed
		('deal_outcome', 'open', 'ja', U&'\5546\8AC7\4E2D'),	-- open
		('deal_outcome', 'unknown', 'ja', U&'\4E0D\660E'),	-- unknown
		('deal_reason', 'price', 'ja', U&'\4FA1\683C'),	-- price
		('deal_reason', 'features', 'ja', U&'\6A5F\80FD'),	-- features
		('deal_reason', 'competitor', 'ja', U&'\7AF6\5408'),	-- competitor
		('deal_reason', 'timing', 'ja', U&'\6642\671F'),	-- timing
		('deal_reason', 'budget', 'ja', U&'\4E88\7B97'),	-- budget
		('deal_reason', 'circumstances', 'ja', U&'\9867\5BA2\90FD\5408'),	-- customer circumstances
		('deal_reason', 'other', 'ja', U&'\305D\306E\4ED6'),	-- other
		('event_kind', 'email_open', 'ja', U&'\30E1\30FC\30EB\958B\5C01'),	-- email opened
		('event_kind', 'email_click', 'ja', U&'\30E1\30FC\30EB\30AF\30EA\30C3\30AF'),	-- email link clicked
		('event_kind', 'web_visit', 'ja', U&'Web\30B5\30A4\30C8\8A2A\554F'),	-- website visit
		('event_kind', 'pricing_view', 'ja', U&'\6599\91D1\30DA\30FC\30B8\95B2\89A7'),	-- pricing page view
		('event_kind', 'document_download', 'ja', U&'\8CC7\6599\30C0\30A6\30F3\30ED\30FC\30C9'),	-- document download
		('event_kind', 'support_visit', 'ja', U&'\30B5\30DD\30FC\30C8\30DA\30FC\30B8\95B2\89A7'),	-- support page visit
		('event_kind', 'other', 'ja', U&'\305D\306E\4ED6'),	-- other
		('outreach_outcome', 'not_reached', 'ja', U&'\4E0D\901A'),	-- not reached
		('outreach_outcome', 'reached', 'ja', U&'\5FDC\5BFE\3042\308A'),	-- reached
		('outreach_outcome', 'delivered', 'ja', U&'\914D\4FE1\6E08\FF08\53CD\5FDC\306A\3057\FF09'),	-- delivered (no answer)
		('outreach_outcome', 'interested', 'ja', U&'\95A2\5FC3\3042\308A'),	-- interested
		('outreach_outcome', 'meeting', 'ja', U&'\9762\8AC7\8A2D\5B9A'),	-- meeting set
		('outreach_outcome', 'quote', 'ja', U&'\898B\7A4D\63D0\51FA'),	-- quote sent
		('outreach_outcome', 'order', 'ja', U&'\53D7\6CE8'),	-- ordered
		('outreach_outcome', 'declined', 'ja', U&'\8F9E\9000'),	-- declined
		('change', 'new', 'ja', U&'\65B0\898F'),	-- new
		('change', 'changed', 'ja', U&'\72B6\614B\5909\5316'),	-- changed
		('change', 'removed', 'ja', U&'\9867\5BA2\30C7\30FC\30BF\304B\3089\524A\9664');	-- removed
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.labels: left out';
END
$$;

SELECT dormancy._install_defaults('dormancy.labels', ARRAY['vocabulary', 'code', 'language']::name[]);
-- the views over the snapshot show labels (dormancy_analyst: 97_privileges.sql)
GRANT SELECT ON dormancy.labels TO dormancy_reader;

-- STABLE, not IMMUTABLE: it reads a table and the setting dormancy.language
CREATE FUNCTION dormancy.label(vocabulary text, code text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'dormancy_label'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.label(text, text) IS
	'the label of a code in the language of dormancy.language (from dormancy.labels), else the English one, else the code itself';

-- STABLE, not IMMUTABLE: it reads a table and the setting dormancy.language
CREATE FUNCTION dormancy.labels(vocabulary text, codes text[])
	RETURNS text[]
	AS 'MODULE_PATHNAME', 'dormancy_labels'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.labels(text, text[]) IS
	'dormancy.label() of each element of an array of codes, in order (for decline_signals, evidence, data_gaps)';

CREATE FUNCTION dormancy._label_codes()
	RETURNS TABLE (vocabulary text, code text)
	AS 'MODULE_PATHNAME', 'label_codes'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 80;
COMMENT ON FUNCTION dormancy._label_codes() IS
	'internal: the codes the C code writes into columns that have labels, by vocabulary (the codes the tables constrain are in their CHECK constraints)';

GRANT SELECT ON dormancy.labels TO dormancy_analyst;

-- the views over the snapshot: label columns at the end
CREATE OR REPLACE FUNCTION dormancy._snapshot_view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
VALUES
('segment_summary', $q$
-- the labels over the grouped rows (g, OFFSET 0): on Citus the grouping
-- over the distributed snapshot runs on the workers and is combined on the
-- coordinator, which then applies the labels with its own dormancy.labels
-- and dormancy.language (a label() beside the grouping went to the workers)
SELECT g.state, g.industry, g.company_size, g.segment, g.customers, g.declining_customers,
	   g.total_amount, g.recent_amount, g.prior_amount, g.avg_days_since_last_order,
	   g.as_of, g.refreshed_at,
	   dormancy.label('state', g.state)::pg_catalog.text AS state_label,
	   dormancy.label('segment', g.segment)::pg_catalog.text AS segment_label
  FROM (SELECT s.state::pg_catalog.text AS state,
			   s.industry::pg_catalog.text AS industry,
			   s.company_size::pg_catalog.text AS company_size,
			   s.segment::pg_catalog.text AS segment,
			   pg_catalog.count(*)::pg_catalog.int8 AS customers,
			   pg_catalog.count(*) FILTER (WHERE s.declining)::pg_catalog.int8 AS declining_customers,
			   coalesce(pg_catalog.sum(s.total_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS total_amount,
			   coalesce(pg_catalog.sum(s.recent_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS recent_amount,
			   coalesce(pg_catalog.sum(s.prior_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS prior_amount,
			   pg_catalog.avg(s.days_since_last_order)::pg_catalog.float8 AS avg_days_since_last_order,
			   pg_catalog.max(s.as_of)::pg_catalog.date AS as_of,
			   pg_catalog.max(s.refreshed_at)::pg_catalog.timestamptz AS refreshed_at
		  FROM dormancy.status_snapshot s
		 GROUP BY s.state, s.industry, s.company_size, s.segment
		OFFSET 0) g
$q$),
('snapshot_call_list', $q$
-- the labels over the ordered rows (l): a reader who takes the first rows
-- (ORDER BY call_rank LIMIT 50) has them computed for those rows only, not
-- for every listed customer before the first row comes out
SELECT l.call_rank,
	   l.customer_id,
	   l.name,
	   l.industry,
	   l.company_size,
	   l.priority_score,
	   l.likely_reason,
	   l.approach_channel,
	   l.message_theme,
	   l.state,
	   l.segment,
	   l.declining,
	   l.decline_signals,
	   l.total_amount,
	   l.recent_amount,
	   l.prior_amount,
	   l.orders_count,
	   l.last_order_at,
	   l.days_since_last_order,
	   l.dormant_after,
	   l.as_of,
	   l.refreshed_at,
	   l.data_gaps,
	   l.value_percentile,
	   l.value_tier,
	   l.owner,
	   l.owner_rank,
	   l.expected_dormancy_day,
	   l.p_purchase_ahead,
	   l.last_contacted_on,
	   dormancy.label('likely_reason', l.likely_reason)::pg_catalog.text AS likely_reason_label,
	   dormancy.label('approach_channel', l.approach_channel)::pg_catalog.text AS approach_channel_label,
	   dormancy.label('message_theme', l.message_theme)::pg_catalog.text AS message_theme_label,
	   dormancy.label('state', l.state)::pg_catalog.text AS state_label,
	   dormancy.label('segment', l.segment)::pg_catalog.text AS segment_label,
	   dormancy.labels('decline_signals', l.decline_signals)::pg_catalog.text[] AS decline_signals_label,
	   dormancy.labels('data_gaps', l.data_gaps)::pg_catalog.text[] AS data_gaps_label,
	   dormancy.score_breakdown_label(l.score_breakdown)::pg_catalog.jsonb AS score_breakdown_label
  FROM (SELECT pg_catalog.row_number() OVER (ORDER BY s.priority_rank, s.customer_key COLLATE "C")::pg_catalog.int8 AS call_rank,
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
			   s.data_gaps::pg_catalog.text[] AS data_gaps,
			   s.value_percentile::pg_catalog.float8 AS value_percentile,
			   s.value_tier::pg_catalog.text AS value_tier,
			   s.owner::pg_catalog.text AS owner,
			   pg_catalog.row_number() OVER (PARTITION BY s.owner ORDER BY s.priority_rank, s.customer_key COLLATE "C")::pg_catalog.int8 AS owner_rank,
			   s.expected_dormancy_day::pg_catalog.date AS expected_dormancy_day,
			   s.p_purchase_ahead::pg_catalog.float8 AS p_purchase_ahead,
			   s.score_breakdown::pg_catalog.jsonb AS score_breakdown,
			   s.last_contacted_on::pg_catalog.date AS last_contacted_on
		  FROM dormancy.status_snapshot s
		 WHERE s.likely_reason IS NOT NULL
		   -- the minimum score of call_list (_call_list_min_score), and as
		   -- there no customer who asked not to be contacted nor one held
		   -- back after a recent contact or until next fiscal year's budget
		   -- (all as of the refresh)
		   AND s.priority_score >= dormancy._call_list_min_score(s.value_tier, s.opted_out_on,
									   GREATEST(s.recontact_on, s.reapproach_on),
									   (SELECT w.call_list_tiers FROM dormancy.score_weights_in_force() w),
									   (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w))
		 ORDER BY call_rank) l
 ORDER BY l.call_rank
$q$),
('recent_transitions', $q$
SELECT t.customer_id, t.name, t.industry, t.company_size, t.change, t.from_state, t.to_state, t.as_of,
	   t.days_ago, t.current_state, t.total_amount, t.recorded_at, t.run_id, t.change_label,
	   t.from_state_label, t.to_state_label, t.current_state_label
  FROM (
	-- one row per change: an id written twice in the customers has two
	-- snapshot rows and one change (the first of its rows, by name)
	SELECT DISTINCT ON (h.history_id)
		   h.history_id,
		   h.customer_id::pg_catalog.text AS customer_id,
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
		   h.run_id::pg_catalog.int8 AS run_id,
		   dormancy.label('change', h.change::pg_catalog.text)::pg_catalog.text AS change_label,
		   dormancy.label('state', h.from_state::pg_catalog.text)::pg_catalog.text AS from_state_label,
		   dormancy.label('state', h.to_state::pg_catalog.text)::pg_catalog.text AS to_state_label,
		   dormancy.label('state', s.state::pg_catalog.text)::pg_catalog.text AS current_state_label
	  FROM dormancy.status_history h
	 CROSS JOIN (SELECT coalesce((SELECT x.as_of FROM dormancy.status_snapshot x LIMIT 1),
								 (SELECT pg_catalog.max(y.as_of) FROM dormancy.status_history y)) AS day) l
	  LEFT JOIN dormancy.status_snapshot s ON s.customer_key = h.customer_id
	 WHERE h.as_of > l.day - 31
	 ORDER BY h.history_id, s.name COLLATE "C", s.industry COLLATE "C", s.company_size COLLATE "C") t
 ORDER BY t.as_of DESC, t.history_id
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
	COMMENT ON COLUMN dormancy.segment_summary.state_label IS 'state in the language of dormancy.language (dormancy.labels)';
	COMMENT ON COLUMN dormancy.segment_summary.segment_label IS 'segment in the language of dormancy.language';

	COMMENT ON VIEW dormancy.snapshot_call_list IS
		'dormancy.call_list as of the last refresh: lapsing customers worth a call, the most valuable tier first, in priority order (not those who had asked not to be contacted by then, nor those held back after a recent contact or until next fiscal year''s budget: status_snapshot.recontact_on, reapproach_on)';
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
	COMMENT ON COLUMN dormancy.snapshot_call_list.value_percentile IS 'where the customer''s value stands among your customers, 0 to 100';
	COMMENT ON COLUMN dormancy.snapshot_call_list.value_tier IS 'A, B or C by value_percentile: the list ranks tier by tier';
	COMMENT ON COLUMN dormancy.snapshot_call_list.owner IS 'the customer''s owner (sales rep), from the bound owner column';
	COMMENT ON COLUMN dormancy.snapshot_call_list.owner_rank IS 'position in the owner''s own list (owner_rank <= 20: that rep''s best 20)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.likely_reason_label IS 'likely_reason in the language of dormancy.language (dormancy.labels)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.approach_channel_label IS 'approach_channel in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.snapshot_call_list.message_theme_label IS 'message_theme in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.snapshot_call_list.state_label IS 'state in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.snapshot_call_list.segment_label IS 'segment in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.snapshot_call_list.decline_signals_label IS 'decline_signals in the language of dormancy.language, element by element';
	COMMENT ON COLUMN dormancy.snapshot_call_list.data_gaps_label IS 'data_gaps in the language of dormancy.language, element by element';
	COMMENT ON COLUMN dormancy.snapshot_call_list.score_breakdown_label IS 'the customer''s score_breakdown in the language of dormancy.language: per component its label and the basis as a sentence (dormancy.score_breakdown_label)';
	COMMENT ON COLUMN dormancy.snapshot_call_list.expected_dormancy_day IS 'the day p_alive falls below model_settings.p_alive_threshold if no purchase comes: call before it';
	COMMENT ON COLUMN dormancy.snapshot_call_list.p_purchase_ahead IS 'probability of at least one purchase day within model_settings.lookahead';
	COMMENT ON COLUMN dormancy.snapshot_call_list.last_contacted_on IS 'the day of the latest contact as of the refresh, attempts included (customer_status.last_contacted_on): at least outreach_settings.recontact_after before the snapshot''s as-of day, unless it was a message delivered without an answer or a direct or step mailing without one; NULL without any';

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
	COMMENT ON COLUMN dormancy.recent_transitions.change_label IS 'change in the language of dormancy.language (dormancy.labels)';
	COMMENT ON COLUMN dormancy.recent_transitions.from_state_label IS 'from_state in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.recent_transitions.to_state_label IS 'to_state in the language of dormancy.language';
	COMMENT ON COLUMN dormancy.recent_transitions.current_state_label IS 'current_state in the language of dormancy.language';
END
$$;
COMMENT ON FUNCTION dormancy._comment_snapshot_views() IS 'internal: comment the views over the snapshot';

--
-- Call list by value and owner (issue 12)
--
-- Value relative to your own customers: fit_models() (and so refresh()'s
-- refits) stores the distribution of the customers' lifetime value
-- (total_amount) and expected value as quantiles (new table
-- value_distribution); customer_status
-- (_assess) reads it once per query and places each customer in it
-- (new columns value_percentile and value_tier); the score's past_value and
-- expected_value use the percentiles (passed to the new three-argument
-- _priority_breakdown) instead of the log scale up to score_weights.value_cap,
-- which now serves only until a distribution is stored.  The call list ranks tier by tier (A first), then
-- by score, and shows the tiers of score_weights.call_list_tiers (new
-- columns tier_a_percentile, tier_b_percentile, call_list_tiers; an edited
-- row of score_weights keeps its values and takes the defaults of the new
-- columns).  approach_rules gains min_value_percentile: the installed rows
-- take the installed percentiles; edited rows keep min_value alone.  The
-- customers' owner (sales rep): bind_customers(..., owner => ...), column
-- owner in src_customers, customer_core, customer_status, the snapshot,
-- call_list (with owner_order) and snapshot_call_list (with owner_rank).
-- A bind or unbind of the customers or orders forgets the stored
-- distribution.  The views are rebuilt by _update_generated_views() at the
-- end of this script.

-- score_weights_in_force()'s body reads the table's row, which stops the
-- table from taking columns: a body in a string for the time of the ALTER
-- (the whole function follows below)
DO $$
BEGIN
	EXECUTE format('CREATE OR REPLACE FUNCTION %s()
		RETURNS dormancy.score_weights
		LANGUAGE sql STABLE PARALLEL SAFE
		SET search_path = pg_catalog, pg_temp
		AS ''SELECT NULL::dormancy.score_weights''', 'dormancy.score_weights_in_force');
END
$$;
ALTER TABLE dormancy.score_weights
	ADD COLUMN tier_a_percentile double precision NOT NULL DEFAULT 90,
	ADD COLUMN tier_b_percentile double precision NOT NULL DEFAULT 85,
	ADD COLUMN call_list_tiers text[] NOT NULL DEFAULT '{A,B}',
	ADD CONSTRAINT score_weights_tiers CHECK (
		tier_b_percentile BETWEEN 0 AND 100 AND tier_a_percentile BETWEEN tier_b_percentile AND 100),
	ADD CONSTRAINT score_weights_call_list_tiers CHECK (call_list_tiers <@ '{A,B,C}'::text[]);
COMMENT ON COLUMN dormancy.score_weights.past_value IS 'weight of past value (the percentile of total_amount among your customers; a log scale up to value_cap while no value distribution is stored); 0 to 1000; default 20';
COMMENT ON COLUMN dormancy.score_weights.expected_value IS 'weight of the model''s expected value (its percentile among your customers; a log scale up to value_cap while no distribution is stored; only when fitted); default 5';
COMMENT ON COLUMN dormancy.score_weights.value_cap IS 'superseded by dormancy.value_distribution: only while none is stored, the amount (in your currency) at which past_value and expected_value reach 1; default 10,000,000';
COMMENT ON COLUMN dormancy.score_weights.tier_a_percentile IS 'value tier A: value_percentile at least this (the most valuable of your customers); default 90';
COMMENT ON COLUMN dormancy.score_weights.tier_b_percentile IS 'value tier B: value_percentile at least this, below tier A; C below it; default 85 (tiers A and B: at most the top 15% of your customers by value)';
COMMENT ON COLUMN dormancy.score_weights.call_list_tiers IS 'the value tiers dormancy.call_list shows, ranked tier by tier (A first); default {A,B}';

CREATE OR REPLACE FUNCTION dormancy.score_weights_in_force()
	RETURNS dormancy.score_weights
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT w FROM dormancy.score_weights w),
					ROW(true, 20, 15, 20, 10, 10, 10, 5, 5, 5, 10000000, 6, 1826, 2, 10, -0.5,
						0.3, 0.5, 1.0, 0.6, -0.5, -1.0, -0.3, 1095, 0.3, 20,
						90, 85, '{A,B}')::dormancy.score_weights);
COMMENT ON FUNCTION dormancy.score_weights_in_force() IS
	'the row of dormancy.score_weights, or the defaults when it is empty';

ALTER TABLE dormancy.approach_rules
	ADD COLUMN min_value_percentile double precision,
	ADD CONSTRAINT approach_rules_min_value_percentile CHECK (min_value_percentile BETWEEN 0 AND 100);
COMMENT ON TABLE dormancy.approach_rules IS
	'the approach channel: the first rule (by rule_order) that matches the customer''s value (value_percentile, or approach_value), industry, company size and likely reason; edit freely';
COMMENT ON COLUMN dormancy.approach_rules.min_value IS 'the customer''s approach_value must be at least this (in your currency); when min_value_percentile is set, only while no value distribution is stored';
COMMENT ON COLUMN dormancy.approach_rules.min_value_percentile IS 'the customer''s value_percentile must be at least this (0 to 100) once a value distribution is stored (dormancy.value_distribution); NULL: min_value applies';
-- the installed rows take the installed percentiles (the triggers would
-- take the update for the user's edit), and so does their record
ALTER TABLE dormancy.approach_rules DISABLE TRIGGER defaults_before_write, DISABLE TRIGGER defaults_after_change;
UPDATE dormancy.approach_rules a
   SET min_value_percentile = v.pct
  FROM (VALUES (10, 95::double precision), (20, 85), (40, 50)) v(rule_order, pct)
 WHERE a.installed AND a.rule_order = v.rule_order;
ALTER TABLE dormancy.approach_rules ENABLE TRIGGER defaults_before_write, ENABLE TRIGGER defaults_after_change;
UPDATE dormancy.installed_defaults d
   SET row_data = d.row_data || jsonb_build_object('min_value_percentile', v.pct)
  FROM (VALUES ('10', 95::double precision), ('20', 85), ('30', NULL), ('40', 50), ('50', NULL)) v(key, pct)
 WHERE d.table_name = 'approach_rules' AND d.key = v.key;

CREATE TABLE dormancy.value_distribution (
	measure text PRIMARY KEY,
	quantiles double precision[] NOT NULL,
	customers bigint NOT NULL,
	as_of date NOT NULL,
	stored_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT value_distribution_measure CHECK (measure IN ('total_amount', 'expected_value')),
	CONSTRAINT value_distribution_quantiles CHECK (
		cardinality(quantiles) >= 2 AND array_position(quantiles, NULL) IS NULL)
);
COMMENT ON TABLE dormancy.value_distribution IS
	'the distribution of your customers'' lifetime value and expected value, as quantiles: the scale of past_value, expected_value, value_percentile and the value tiers; written by fit_models() (and so by the refits of refresh()), emptied by a bind or unbind of the customers or orders';
COMMENT ON COLUMN dormancy.value_distribution.measure IS 'total_amount (customers with a purchase) or expected_value (customers the model gives one)';
COMMENT ON COLUMN dormancy.value_distribution.quantiles IS 'the quantiles at 0, 0.5, 1, ..., 100 percent (201 values, ascending)';
COMMENT ON COLUMN dormancy.value_distribution.customers IS 'customers the quantiles were computed over';
COMMENT ON COLUMN dormancy.value_distribution.as_of IS 'the as-of day of the customers'' values';
COMMENT ON COLUMN dormancy.value_distribution.stored_at IS 'when it was stored';
SELECT pg_catalog.pg_extension_config_dump('dormancy.value_distribution', '');

-- The model columns of customer_status in one C call (the model _model_for
-- chooses, model_predictions and model_lookahead under it)
CREATE FUNCTION dormancy._model_outlook(industry text, company_size text, frequency integer,
										recency_days double precision, age_days double precision,
										monetary_value double precision, lookahead_days double precision,
										p_alive_threshold double precision,
										OUT model_id integer, OUT forecast_model text,
										OUT unit_days double precision, OUT p_alive double precision,
										OUT expected_purchases double precision,
										OUT expected_value double precision,
										OUT p_alive_ahead double precision,
										OUT p_purchase_ahead double precision,
										OUT dormant_age double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_outlook'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_outlook(text, text, integer, double precision, double precision, double precision, double precision, double precision) IS
	'internal: the model columns of customer_status for a customer (the model _model_for chooses, model_predictions and model_lookahead under it), from its BTYD summary in days, its segment columns, the lookahead in days and the p_alive threshold';

-- A customer's expected_value as customer_status gives it, in one C call
-- (the value distribution's pass: no lateral function scans per customer)
CREATE FUNCTION dormancy._expected_value(industry text, company_size text, frequency integer,
										 recency_days double precision, age_days double precision,
										 monetary_value double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'expected_value_for'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._expected_value(text, text, integer, double precision, double precision, double precision) IS
	'internal: a customer''s expected_value as customer_status computes it (the model _model_for chooses, model_predictions), from its BTYD summary in days and its segment columns; for the value distribution of fit_models()';

CREATE FUNCTION dormancy._store_value_distribution()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off
AS $$
DECLARE
	fractions double precision[] := ARRAY(SELECT g / 200.0 FROM generate_series(0, 200) g);
	customers text;		-- the query of the customers' two values (a constant)
BEGIN
	DELETE FROM dormancy.value_distribution;
	IF to_regclass('pg_temp.dormancy_fit_summaries') IS NOT NULL THEN
		customers := 'SELECT s.total_amount, '
			'dormancy._expected_value(s.industry, s.company_size, s.frequency, s.recency, s.age, '
			's.monetary_value, s.monetary_days, (SELECT dormancy._configuration())) AS expected_value '
			'FROM pg_temp.dormancy_fit_summaries s';
	ELSIF to_regclass('pg_temp.dormancy_fit_states') IS NOT NULL THEN
		-- on Citus (fit_models() kept fit states, not summaries): each
		-- customer's two values computed where its orders are, at the as-of
		-- day and with the configuration (the models just stored) that the
		-- coordinator sends; only the two values move
		-- (the summary as a lateral function scan, computed once: as a
		-- column of the subquery, which is pulled up, it was computed again
		-- for each of its fields read, five times per customer)
		customers := 'SELECT s.total_amount, '
			'dormancy._expected_value(s.industry, s.company_size, b.frequency, b.recency, b.age, '
			'b.monetary_value, b.monetary_days, (SELECT dormancy._configuration())) AS expected_value '
			'FROM (SELECT c.industry, c.company_size, h.history, '
			'(dormancy.history_summary(h.history, (SELECT dormancy.as_of_day()), 0)).total_amount '
			'FROM dormancy.src_customers c '
			'JOIN dormancy.customer_histories_live h ON h.customer_id = c.customer_id '
			'WHERE c.customer_id IS NOT NULL) s '
			'CROSS JOIN LATERAL dormancy.btyd_summary(s.history, (SELECT dormancy.as_of_day()), ''1 day'') b '
			'WHERE b.frequency IS NOT NULL';
	ELSE
		RETURN;
	END IF;
	EXECUTE format($q$INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
	WITH v AS (%s)
	SELECT m.measure, m.q, m.n, dormancy.as_of_day()
	  FROM (SELECT 'total_amount'::text AS measure,
				   percentile_cont($1) WITHIN GROUP (ORDER BY greatest(v.total_amount, 0)) AS q,
				   count(*) AS n
			  FROM v
			UNION ALL
			SELECT 'expected_value',
				   percentile_cont($1) WITHIN GROUP (ORDER BY v.expected_value)
					   FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity'),
				   count(*) FILTER (WHERE v.expected_value >= 0 AND v.expected_value < 'infinity')
			  FROM v) m
	 WHERE m.n > 0$q$, customers) USING fractions;
END
$$;
COMMENT ON FUNCTION dormancy._store_value_distribution() IS
	'internal: store the quantiles of the customers'' total_amount and expected_value in dormancy.value_distribution, from the summaries fit_models() keeps (_fit_summaries)';

-- (with the decline heard on a call that the deal component reads: the
-- section A decline heard on a call, 2026-12-07)
CREATE FUNCTION dormancy._priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights,
											 value_percentiles double precision[],
											 outreach_declined_reason text, days_since_outreach_decline integer)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'priority_breakdown'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights, double precision[], text, integer) IS
	'internal: the breakdown of customer_status.score_breakdown, with the percentiles of total_amount and expected_value among your customers (NULL: the log scale up to value_cap) and the reason and age in days of a decline heard on a call after the last order (NULL: none)';

-- (fit_models(): defined in an earlier section)
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';


-- bind_customers takes the owner column
DROP FUNCTION dormancy.bind_customers(regclass, name, name, name, name);
CREATE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL, owner name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'id', id);
	IF bind_customers.name IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'name', bind_customers.name);
	END IF;
	IF industry IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'industry', industry);
	END IF;
	IF company_size IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company_size', company_size);
	END IF;
	IF owner IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'owner', owner);
	END IF;
	PERFORM dormancy._bind('customers', relation,
						   jsonb_build_object('id', id, 'name', bind_customers.name,
											  'industry', industry, 'company_size', company_size,
											  'owner', owner));
END
$$;
COMMENT ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name) IS
	'bind the customers relation: id column and optional name, industry, company size and owner (sales rep) columns';
REVOKE ALL ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name) FROM PUBLIC;

-- (_bind(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._bind(text, regclass, jsonb) IS 'internal: record a binding, rebuild the views, warn about a bound view through which row-level security does not apply, and note each bound table without an index on its customer column';

CREATE OR REPLACE FUNCTION dormancy.unbind(source text)
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
	-- the stored value distribution described the customers bound before
	IF unbind.source IN ('customers', 'orders') THEN
		DELETE FROM dormancy.value_distribution;
	END IF;
	PERFORM dormancy._build_views();
END
$$;
COMMENT ON FUNCTION dormancy.unbind(text) IS
	'remove a binding (customers or orders); its views become empty views of the same shape';

-- (_adapter_definitions(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

-- (_comment_adapters(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';

-- (_snapshot_view_definitions(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._snapshot_view_definitions() IS
	'internal: the SQL of the views over dormancy.status_snapshot';

-- (_comment_snapshot_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._comment_snapshot_views() IS 'internal: comment the views over the snapshot';

-- (_refresh_work(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

-- refreshes serialise on a lock of dormancy.refresh_runs, not on the
-- advisory lock any role could hold
-- Second transaction of a refresh: take the lock or skip; do the work in a
-- subtransaction, so that a failure leaves the previous snapshot; log the outcome.
CREATE OR REPLACE FUNCTION dormancy._refresh_run(run bigint, as_of date,
	OUT outcome text, OUT error_message text, OUT error_detail text, OUT error_sqlstate text,
	OUT error_hint text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result record;
	locked boolean := false;
	holder text;
	by_refresh boolean;
	saved_lock_timeout text := current_setting('lock_timeout');
BEGIN
	-- Refreshes serialise on a lock of the run log that takes its UPDATE
	-- privilege (every refresher has it), not on an advisory lock, which any
	-- role could hold to stop the nightly refresh quietly.  Held by another
	-- refresh (a holder of the lock whose run is logged running): skipped
	-- at once.  Held by something else (autovacuum or a VACUUM or ANALYZE of
	-- the log, a session holding refreshes off, a prepared transaction):
	-- waited for up to 5 s, which makes autovacuum give way, then skipped,
	-- saying by whom.  A cancel while waiting is logged as a failure.
	BEGIN
		LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE NOWAIT;
		locked := true;
	EXCEPTION WHEN lock_not_available THEN
		locked := false;
	END;
	IF NOT locked THEN
		-- the holders of the conflicting locks on the log in this database
		SELECT string_agg(CASE WHEN l.pid IS NULL THEN 'a prepared transaction (pg_prepared_xacts)'
							   ELSE format('pid %s, %s', l.pid,
										   CASE WHEN a.backend_type IS NULL THEN 'a background process or a session of another role'
												WHEN a.backend_type <> 'client backend' THEN a.backend_type
												ELSE 'a session of ' || a.usename END) END,
						  '; ' ORDER BY l.pid),
			   pg_catalog.bool_or(EXISTS (SELECT 1 FROM dormancy.refresh_runs r
										   WHERE r.outcome = 'running' AND r.run_id <> run AND r.pid = l.pid))
		  INTO holder, by_refresh
		  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		 WHERE l.locktype = 'relation' AND l.relation = 'dormancy.refresh_runs'::regclass AND l.granted
		   AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
		   AND l.pid IS DISTINCT FROM pg_backend_pid()
		   AND l.mode IN ('ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock',
						  'AccessExclusiveLock');
		IF NOT coalesce(by_refresh, false) THEN
			BEGIN
				PERFORM set_config('lock_timeout', '5s', true);
				LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE;
				locked := true;
			EXCEPTION WHEN lock_not_available THEN
				locked := false;
			WHEN query_canceled THEN
				-- logged, then raised by refresh() (as a cancel of the work)
				GET STACKED DIAGNOSTICS error_message = MESSAGE_TEXT, error_sqlstate = RETURNED_SQLSTATE;
				outcome := 'failed';
				UPDATE dormancy.refresh_runs r
				   SET outcome = 'failed',
					   error_text = error_message || E'\nwhile waiting for the lock of dormancy.refresh_runs',
					   sqlstate = error_sqlstate, finished_at = clock_timestamp()
				 WHERE r.run_id = run;
				RETURN;
			END;
			PERFORM set_config('lock_timeout', saved_lock_timeout, true);
		END IF;
	END IF;
	IF NOT locked THEN
		outcome := 'skipped';
		error_message := CASE WHEN coalesce(by_refresh, true) THEN 'another refresh was running'
							  ELSE format('the lock of dormancy.refresh_runs was held by another session, not a refresh (%s)', holder) END;
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'skipped', error_text = error_message, finished_at = clock_timestamp()
		 WHERE r.run_id = run;
		RETURN;
	END IF;
	BEGIN
		-- the day goes through dormancy.as_of, so an invalid one ('infinity')
		-- fails like SET dormancy.as_of would (to_char of it would be NULL,
		-- which would reset the setting to now)
		IF as_of IS NOT NULL THEN
			PERFORM set_config('dormancy.as_of',
							   CASE WHEN NOT isfinite(as_of) THEN as_of::text
									WHEN as_of < '0001-01-01' THEN to_char(as_of, 'YYYY-MM-DD BC')
									ELSE to_char(as_of, 'YYYY-MM-DD') END,
							   true);
		END IF;
		SELECT * INTO result FROM dormancy._refresh_work(run);
		outcome := 'succeeded';
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'succeeded', rows = result.rows, changes = result.changes,
			   as_of = result.as_of, reshaped = result.reshaped, models_refit = result.models_refit,
			   history_mode = result.history_mode, customers_recomputed = result.customers_recomputed,
			   finished_at = clock_timestamp()
		 WHERE r.run_id = run;
	-- a cancel (pg_cancel_backend, statement_timeout: query_canceled, which
	-- OTHERS does not include) is logged like any failure, then re-raised by
	-- refresh(); a termination (FATAL) cannot be caught: _refresh_start()
	-- marks that run aborted at the next refresh
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		GET STACKED DIAGNOSTICS error_message = MESSAGE_TEXT, error_sqlstate = RETURNED_SQLSTATE,
								error_detail = PG_EXCEPTION_DETAIL, error_hint = PG_EXCEPTION_HINT;
		outcome := 'failed';
		error_detail := NULLIF(error_detail, '');
		error_hint := NULLIF(error_hint, '');
		UPDATE dormancy.refresh_runs r
		   SET outcome = 'failed', error_text = concat_ws(E'\n', error_message, error_detail),
			   sqlstate = error_sqlstate, finished_at = clock_timestamp()
		 WHERE r.run_id = run;
	END;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_run(bigint, date) IS
	'internal: one refresh under the lock of dormancy.refresh_runs (or skipped), its failure caught and logged';
-- refresh(): the NOTICE of a skipped run says why
CREATE OR REPLACE PROCEDURE dormancy.refresh(as_of date DEFAULT NULL)
	LANGUAGE plpgsql
AS $$
DECLARE
	run bigint;
	result record;
	owner pg_catalog.oid := (SELECT e.extowner FROM pg_catalog.pg_extension e
							  WHERE e.extname OPERATOR(pg_catalog.=) 'dormancy');
BEGIN
	-- the refresh calls the extension's internal functions, which are the
	-- owner's: a role granted EXECUTE here alone failed on the first of them
	-- ("permission denied for function _refresh_start"), with nothing logged
	IF NOT pg_catalog.has_function_privilege('dormancy._refresh_start()', 'EXECUTE') THEN
		RAISE EXCEPTION 'the refresh must run as the owner of extension dormancy'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = pg_catalog.format('The refresh writes the snapshot, the state history and the run log, and calls the extension''s internal functions, which are its owner''s (%s); %s may not call them.',
											 owner::pg_catalog.regrole, CURRENT_USER),
				  HINT = pg_catalog.format('Run it as %s; for pg_cron, schedule the job as that role.',
										   owner::pg_catalog.regrole);
	END IF;
	run := dormancy._refresh_start();
	COMMIT;
	-- the work at READ COMMITTED whatever the session's default: under
	-- serializable an order written meanwhile failed a full refresh with a
	-- serialization error, which also kept the failure from being logged
	SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
	SELECT * INTO result FROM dormancy._refresh_run(run, as_of);
	COMMIT;
	IF result.outcome OPERATOR(pg_catalog.=) 'failed' AND result.error_hint IS NOT NULL THEN
		RAISE EXCEPTION 'refresh failed: %', result.error_message
			USING ERRCODE = result.error_sqlstate,
				  DETAIL = pg_catalog.concat_ws(' ', result.error_detail,
					  pg_catalog.format('Run %s is logged in dormancy.refresh_runs; the previous snapshot is unchanged.', run)),
				  HINT = result.error_hint;
	ELSIF result.outcome OPERATOR(pg_catalog.=) 'failed' THEN
		RAISE EXCEPTION 'refresh failed: %', result.error_message
			USING ERRCODE = result.error_sqlstate,
				  DETAIL = pg_catalog.concat_ws(' ', result.error_detail,
					  pg_catalog.format('Run %s is logged in dormancy.refresh_runs; the previous snapshot is unchanged.', run));
	ELSIF result.outcome OPERATOR(pg_catalog.=) 'skipped' THEN
		RAISE NOTICE 'refresh skipped: %', result.error_message
			USING DETAIL = pg_catalog.format('Run %s is logged in dormancy.refresh_runs as skipped.', run);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy.refresh_lock_key() IS
	'obsolete since 0.4.0 (refresh no longer takes this advisory lock): to keep refreshes off, hold LOCK TABLE dormancy.refresh_runs IN SHARE UPDATE EXCLUSIVE MODE in a transaction';

-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';

GRANT SELECT ON dormancy.value_distribution TO dormancy_analyst;

--
-- Branches and companies (issue 12)
--
-- A name may end with a branch part (honsha, Osaka shiten, "Osaka
-- Branch", ...): the branches of one company are one company, not duplicate
-- records.  normalize_company_name() (C) also removes a legal form written
-- between the company and its branch part; new company_key() and
-- branch_key() (C) give the two parts.  bind_customers() takes a seventh
-- argument, company, after owner (an explicit company id column: new column
-- src_customers.company_id, customer_core.company_id and
-- customer_status.company_id): the signature changes, so DROP and CREATE.
-- duplicate_name and duplicate_customers are per company and branch; the
-- new view company_customers groups the customers of one company.  The
-- stored name keys carry the company id when one is bound (name_key_state
-- gains company_column and company_type); _update_generated_views() (at the
-- end) rebuilds the views and fills the keys afresh with the new key.
ALTER TABLE dormancy.name_key_state ADD COLUMN company_column name, ADD COLUMN company_type regtype;
COMMENT ON COLUMN dormancy.name_key_state.company_column IS 'its company id column when tracking began (NULL: none bound)';
COMMENT ON COLUMN dormancy.name_key_state.company_type IS 'the type of the company id column then';

COMMENT ON FUNCTION dormancy.normalize_company_name(text, text[]) IS
	'the key of a company name: Unicode NFKC, case folding, spaces and punctuation folded, the given legal forms removed from the start and end (and before a branch part)';

-- normalize_company_name() keeps its definition; its keys change for names
-- with a legal form between the company and a branch part.  An expression
-- index on it keeps the old keys until rebuilt: say which (a WARNING:
-- extension scripts run with client_min_messages = warning).
DO $$
DECLARE
	idx regclass;
BEGIN
	FOR idx IN
		SELECT DISTINCT d.objid::regclass
		  FROM pg_catalog.pg_depend d
		  JOIN pg_catalog.pg_index i ON i.indexrelid = d.objid
		 WHERE d.classid = 'pg_catalog.pg_class'::regclass
		   AND d.refclassid = 'pg_catalog.pg_proc'::regclass
		   AND d.refobjid = 'dormancy.normalize_company_name(text, text[])'::regprocedure
		 ORDER BY 1
	LOOP
		RAISE WARNING 'index % uses dormancy.normalize_company_name(), whose keys changed in 0.4.0 for names with a legal form before a branch part', idx
			USING HINT = format('Rebuild it: REINDEX INDEX %s;', idx);
	END LOOP;
END
$$;

-- Branches and companies: a name may end with a branch part (honsha,
-- Osaka shiten, "Osaka Branch", ...; docs/sources.md lists what is
-- recognised).  The name key keeps it: two branches are two records.  The
-- company key is the name key without it: every branch of one company meets
-- on it.  IMMUTABLE with the forms an argument, like normalize_company_name.
CREATE FUNCTION dormancy.company_key(name text, legal_forms text[])
	RETURNS text
	AS 'MODULE_PATHNAME', 'company_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.company_key(text, text[]) IS
	'the key of the company a name belongs to: its name key without a trailing branch part (head office, branch, sales office, plant, ...)';

CREATE FUNCTION dormancy.company_key(name text)
	RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.company_key(name, dormancy.legal_forms_in_force());
COMMENT ON FUNCTION dormancy.company_key(text) IS
	'the company key of a name with the legal forms of dormancy.legal_forms (STABLE: it reads the table)';

CREATE FUNCTION dormancy.branch_key(name text, legal_forms text[])
	RETURNS text
	AS 'MODULE_PATHNAME', 'branch_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.branch_key(text, text[]) IS
	'the key of the trailing branch part of a company name (head office, Osaka branch, ...), NULL when none is recognised';

CREATE FUNCTION dormancy.branch_key(name text)
	RETURNS text
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN dormancy.branch_key(name, dormancy.legal_forms_in_force());
COMMENT ON FUNCTION dormancy.branch_key(text) IS
	'the branch key of a name with the legal forms of dormancy.legal_forms (STABLE: it reads the table)';

-- (bind_customers takes the company column after owner)
DROP FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name);

-- company: the column of an explicit company id (customers that are
-- branches of one company share it): the company is then that id, no name
-- guessing, and two customers are duplicate records only when they have
-- the same company id and the same name key.
CREATE FUNCTION dormancy.bind_customers(relation regclass, id name, name name DEFAULT NULL,
	industry name DEFAULT NULL, company_size name DEFAULT NULL, owner name DEFAULT NULL,
	company name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_id_column(relation, 'id', id);
	IF bind_customers.name IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'name', bind_customers.name);
	END IF;
	IF industry IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'industry', industry);
	END IF;
	IF company_size IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company_size', company_size);
	END IF;
	IF owner IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'owner', owner);
	END IF;
	IF company IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'company', company);
	END IF;
	PERFORM dormancy._bind('customers', relation,
						   jsonb_build_object('id', id, 'name', bind_customers.name,
											  'industry', industry, 'company_size', company_size,
											  'owner', owner, 'company', company));
END
$$;
COMMENT ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name, name) IS
	'bind the customers relation: id column and optional name, industry, company size, owner (sales rep) and company id columns';
REVOKE ALL ON FUNCTION dormancy.bind_customers(regclass, name, name, name, name, name, name) FROM PUBLIC;

DROP FUNCTION dormancy._name_keys_untrackable(regclass, name, name);

-- Why the keys of a customers table cannot be kept (NULL: they can): the
-- static facts (the binder's own row security is checked when filling).
CREATE FUNCTION dormancy._name_keys_untrackable(rel regclass, id_column name, name_column name,
	company_column name DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c pg_class;
	id_att pg_attribute;
	name_att pg_attribute;
	company_att pg_attribute;
	base oid;
	citus_why text;
BEGIN
	IF rel IS NULL OR name_column IS NULL THEN
		RETURN 'no customer names are bound';
	END IF;
	SELECT * INTO c FROM pg_class x WHERE x.oid = rel;
	IF NOT FOUND THEN
		RETURN 'the customers relation does not exist';
	END IF;
	IF c.relkind <> 'r' THEN
		RETURN format('%s is not a plain table', rel);
	END IF;
	citus_why := dormancy._citus_untrackable(ARRAY[rel::oid]);
	IF citus_why IS NOT NULL THEN
		RETURN citus_why;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = rel OR i.inhparent = rel) THEN
		RETURN format('%s has inheritance children or parents, whose writes its triggers do not see', rel);
	END IF;
	IF EXISTS (SELECT 1 FROM pg_subscription_rel s WHERE s.srrelid = rel) THEN
		RETURN format('%s receives rows by logical replication, whose apply fires no statement triggers', rel);
	END IF;
	SELECT * INTO id_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = id_column AND a.attnum > 0 AND NOT a.attisdropped;
	SELECT * INTO name_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = name_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF id_att.attrelid IS NULL OR name_att.attrelid IS NULL THEN
		RETURN 'the id or name column does not exist';
	END IF;
	base := coalesce((dormancy._base_type(id_att.atttypid)).base, 0);
	IF base NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'text'::regtype, 'varchar'::regtype, 'uuid'::regtype) THEN
		RETURN format('the id column has type %s (tracked: smallint, integer, bigint, text, varchar, uuid)', id_att.atttypid::regtype);
	END IF;
	IF id_att.attcollation NOT IN (0, 100) THEN
		RETURN 'the id column has a collation other than the default';
	END IF;
	IF company_column IS NOT NULL THEN
		SELECT * INTO company_att FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = company_column AND a.attnum > 0 AND NOT a.attisdropped;
		IF company_att.attrelid IS NULL THEN
			RETURN 'the company column does not exist';
		END IF;
		IF dormancy._untrackable_type(company_att.atttypid) IS NOT NULL THEN
			RETURN replace(dormancy._untrackable_type(company_att.atttypid), 'customer column', 'company column');
		END IF;
	END IF;
	RETURN replace(dormancy._untrackable_type(name_att.atttypid), 'customer column', 'name column');
END
$$;
COMMENT ON FUNCTION dormancy._name_keys_untrackable(regclass, name, name, name) IS
	'internal: why the name keys of a customers table cannot be kept by triggers (NULL when they can)';

-- What could have let a write go unseen since the keys were filled (NULL:
-- nothing).  Compares catalog facts only.
-- (_name_keys_problem(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._name_keys_problem() IS
	'internal: why dormancy.customer_name_keys may not be used now (NULL: it holds every row of the bound customers)';

-- Statement trigger on the bound customers table: apply the rows written.
-- SECURITY DEFINER: whoever writes the customers need not be allowed to
-- write dormancy's tables.  It trusts nothing of its call: it runs only as
-- dormancy's trigger on the table it keeps, reads the columns recorded when
-- tracking began and only while they have the recorded built-in types.
-- (_customer_names_changed(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._customer_names_changed() IS
	'internal: trigger on the bound customers table keeping dormancy.customer_name_keys';

-- Fill the keys from the whole table (the caller's rights: the binder, or
-- whoever edits dormancy.legal_forms).  A role for whom row security hides
-- rows could not fill them: the keys are then not used.
-- (_fill_name_keys(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._fill_name_keys() IS
	'internal: compute dormancy.customer_name_keys from the whole bound customers table';

-- The keys table: made at the first build, like the generated views not a
-- member of the extension (its row security policy names the adapter
-- src_customers, which binding writes; pg_dump keeps it with the views).
-- Before every build the policy goes: a build may have to drop
-- src_customers (another id type); the build makes it again.
-- (_before_build_63_name_keys(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._before_build_63_name_keys() IS
	'internal: before a build, make dormancy.customer_name_keys if missing and drop its row security policy (it reads src_customers)';

-- After every build: the policy, the triggers on the bound customers table
-- (enabled ALWAYS) and the keys filled afresh.
-- (_after_build_63_name_keys(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._after_build_63_name_keys() IS
	'internal: after a build, keep the name keys of the bound customers by triggers and fill them';

-- the keys table, when a build made it: its key column's comment
DO $$
BEGIN
	IF to_regclass('dormancy.customer_name_keys') IS NOT NULL THEN
		COMMENT ON COLUMN dormancy.customer_name_keys.name_key IS 'the key of its name (never blank), after its company id and a colon when a company column is bound';
	END IF;
END
$$;

-- (_adapter_definitions(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

-- The adapters' comments (reapplied after each build: a replaced view keeps
-- them, a recreated one does not).
-- (_comment_adapters(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';

-- Every generated view, in creation order: the adapters, then the live views.
-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

--
-- The live views: every view above the adapters, one definition each, with
-- its comments beside it
--
-- The adapters src_* (sql_src/22_adapters.sql) are the only views that
-- binding writes; an unbound source has an empty adapter of the same shape,
-- and src_bindings says what is bound.  The views below read them, and are
-- created by _build_views() (sql_src/25_views.sql) at the first build, again
-- on an extension update, and dropped and created again only when the type
-- of an adapter's column changes (another type of customer id).  All are
-- security_invoker: a reader computes them from what the reader may see.
--
-- In dependency order:
--   category_histories, customer_histories   the purchase histories
--   contract_signals, customer_engagement,   one row per customer of each
--   customer_deals, customer_contacts        optional source
--   source_issues                            what the optional sources' rows lack
--   customer_core                            state, decline, price changes, contracts
--   data_issues                              what the orders and customers lack
--   customer_status                          customer_core + models, priority,
--                                            reason, approach, data gaps
--   declining_customers, category_trend,     views for the reader
--   call_list, duplicate_customers,
--   company_customers
--   unmatched_labels                         labels of the data that map to nothing
--
-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';

--
-- Value distribution in one cheaper pass (issue 12)
--
-- fit_models() reads the bound customers and their histories once, into the
-- temporary table pg_temp.dormancy_fit_summaries (new _fit_summaries()):
-- _fit_segments() fits from it, and _store_value_distribution() computes
-- the models' expected values from it instead of reading customer_core (and
-- so the histories) a second time.  The same models and the same
-- value_distribution rows.
-- What fit_models() reads, in one pass over the bound customers and their
-- histories, kept for the fits (_fit_segments) and the value distribution
-- (_store_value_distribution) in the temporary table
-- pg_temp.dormancy_fit_summaries: each bound customer (src_customers, every
-- copy of a duplicate id, as customer_core) with a purchase day by
-- dormancy.as_of(), its industry and company size, the BTYD summary of its
-- history in days (btyd_summary(h, as_of_day(), '1 day'): customer_core's
-- frequency, recency_days, age_days and monetary_value, which
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

-- The fits of the overall model and one per segment, over the bound data as
-- of dormancy.as_of(), from the summaries that fit_models() keeps in
-- pg_temp.dormancy_fit_summaries (_fit_summaries): each bound customer with
-- a purchase day by then, its segment columns and the BTYD summary of its
-- history, the same values as customer_core's frequency, recency_days,
-- age_days and monetary_value.  The aggregates sort and count identical
-- summaries once (docs/models.md), so the order of the rows does not change
-- a fit.  With segment_by = 'none' a plain aggregate: GROUPING SETS ((),
-- (segment)) would fit the whole population a second time as the segment
-- NULL group.  (With segments, the customers without one are still fitted as
-- a group and dropped by HAVING.)  fit_models() numbers the models in a
-- fixed order, whatever the order of these rows.
-- (_fit_segments(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD fits of fit_models() with their covariance matrices, overall and per segment, from the customers'' summaries kept by _fit_summaries()';

-- Fit the overall model and one per segment (_fit_segments), replace the
-- stored models, and store the value distribution with them
-- (_store_value_distribution), both from the summaries of one pass over the
-- histories (_fit_summaries).
-- (fit_models(): defined in an earlier section)
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;

-- Store the distribution of the customers' values with the models'
-- predictions as customer_status computes them (fit_models(), after the
-- fit), from the summaries fit_models() kept (_fit_summaries), not from
-- customer_core, whose other work (state, decline metrics, contracts, price
-- changes) and second read of the histories these values do not need: the
-- same rows.  total_amount is over the customers with a purchase day
-- (customer_core's order_days > 0: the customers kept), expected_value over
-- those the model gives one (a customer without a purchase day has no BTYD
-- summary and so no expected_value).  A measure without any customer is
-- left out.  Without the summaries (nothing bound: nothing kept), nothing
-- is stored.
-- (_store_value_distribution(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._store_value_distribution() IS
	'internal: store the quantiles of the customers'' total_amount and expected_value in dormancy.value_distribution, from the summaries fit_models() keeps (_fit_summaries)';

-- (end of Value distribution in one cheaper pass (issue 12))

-- Score breakdown in the reader's language (issue 12)
--
-- The templates of the basis sentences (labels vocabulary score_basis), as
-- installed defaults of dormancy.labels; score_breakdown_label(); the column
-- score_breakdown_label at the end of call_list and snapshot_call_list.

ALTER TABLE dormancy.labels DISABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.labels (vocabulary, code, language, label, installed)
SELECT v.vocabulary, v.code, v.language, v.label, true FROM (VALUES
	('score_basis', 'past_value_total', 'en', 'total amount {1}'),
	('score_basis', 'value_percentile', 'en', 'percentile {1} of your customers'),
	('score_basis', 'regularity_no_purchase', 'en', 'no purchase'),
	('score_basis', 'regularity_one_day', 'en', 'one purchase day'),
	('score_basis', 'regularity_days', 'en', '{1} purchase days'),
	('score_basis', 'regularity_median_gap', 'en', 'median gap {1} days'),
	('score_basis', 'regularity_median_gap_unknown', 'en', 'median gap unknown'),
	('score_basis', 'regularity_campaign_only', 'en', 'buys only on offers'),
	('score_basis', 'recency_state', 'en', '{1}'),
	('score_basis', 'recency_no_rule', 'en', 'no state rule applied'),
	('score_basis', 'recency_last_deal', 'en', 'last deal {1} days ago'),
	('score_basis', 'recency_silent', 'en', 'no order for {1} days'),
	('score_basis', 'decline_signals', 'en', 'decline signals: {1}'),
	('score_basis', 'engagement_not_bound', 'en', 'events not bound'),
	('score_basis', 'engagement_no_event', 'en', 'no event in the last {1} days'),
	('score_basis', 'engagement_events', 'en', 'events in the last {3} days: {1} (pricing page views: {2})'),
	('score_basis', 'engagement_last_event', 'en', 'the last {1} days ago'),
	('score_basis', 'deal_not_bound', 'en', 'deals not bound'),
	('score_basis', 'deal_no_closed', 'en', 'no closed deal'),
	('score_basis', 'deal_last_reason', 'en', 'last deal: {1} ({2})'),
	('score_basis', 'deal_last', 'en', 'last deal: {1}'),
	('score_basis', 'deal_days_ago', 'en', '{1} days ago'),
	('score_basis', 'deal_open', 'en', 'open deals: {1}'),
	('score_basis', 'deal_outreach_declined', 'en', 'last contact: declined ({1})'),
	('score_basis', 'contract_not_bound', 'en', 'contracts not bound'),
	('score_basis', 'contract_none', 'en', 'no contract'),
	('score_basis', 'contract_lapsed', 'en', 'lapsed'),
	('score_basis', 'contract_lapsed_days', 'en', 'lapsed {1} days ago'),
	('score_basis', 'contract_auto_renew_off', 'en', 'auto-renew off'),
	('score_basis', 'contract_downgraded', 'en', 'downgraded'),
	('score_basis', 'contract_renewal', 'en', 'renewal in {1} days'),
	('score_basis', 'contract_running', 'en', 'running'),
	('score_basis', 'p_alive', 'en', 'probability still a customer {1}'),
	('score_basis', 'no_model', 'en', 'no model fitted'),
	('score_basis', 'no_value_estimate', 'en', 'no spend estimate'),
	('score_basis', 'expected_value', 'en', 'expected value {1}'),
	('score_basis', 'separator', 'en', ', ')) v(vocabulary, code, language, label)
ON CONFLICT DO NOTHING;
DO $$
BEGIN
	INSERT INTO dormancy.labels (vocabulary, code, language, label, installed)
	SELECT v.vocabulary, v.code, v.language, v.label, true FROM (VALUES
		('score_basis', 'past_value_total', 'ja', U&'\7D2F\8A08\8CFC\5165\984D {1}'),	-- total amount {1}
		('score_basis', 'value_percentile', 'ja', U&'\9867\5BA2\5168\4F53\306E{1}\30D1\30FC\30BB\30F3\30BF\30A4\30EB'),	-- percentile {1} of your customers
		('score_basis', 'regularity_no_purchase', 'ja', U&'\8CFC\5165\306A\3057'),	-- no purchase
		('score_basis', 'regularity_one_day', 'ja', U&'\8CFC\5165\65E5\306F1\65E5\306E\307F'),	-- one purchase day
		('score_basis', 'regularity_days', 'ja', U&'\8CFC\5165\65E5\6570 {1}\65E5'),	-- {1} purchase days
		('score_basis', 'regularity_median_gap', 'ja', U&'\8CFC\5165\9593\9694\306E\4E2D\592E\5024 {1}\65E5'),	-- median gap {1} days
		('score_basis', 'regularity_median_gap_unknown', 'ja', U&'\8CFC\5165\9593\9694\306E\4E2D\592E\5024\306F\4E0D\660E'),	-- median gap unknown
		('score_basis', 'regularity_campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('score_basis', 'recency_state', 'ja', '{1}'),	-- {1}
		('score_basis', 'recency_no_rule', 'ja', U&'\72B6\614B\30EB\30FC\30EB\306E\9069\7528\306A\3057'),	-- no state rule applied
		('score_basis', 'recency_last_deal', 'ja', U&'\76F4\8FD1\5546\8AC7\304B\3089{1}\65E5'),	-- last deal {1} days ago
		('score_basis', 'recency_silent', 'ja', U&'\6700\7D42\8CFC\5165\304B\3089{1}\65E5'),	-- no order for {1} days
		('score_basis', 'decline_signals', 'ja', U&'\6E1B\5C11\30B7\30B0\30CA\30EB {1}\4EF6'),	-- decline signals: {1}
		('score_basis', 'engagement_not_bound', 'ja', U&'\30A4\30D9\30F3\30C8\30C7\30FC\30BF\672A\9023\643A'),	-- events not bound
		('score_basis', 'engagement_no_event', 'ja', U&'\76F4\8FD1{1}\65E5\9593\306E\53CD\5FDC\306A\3057'),	-- no event in the last {1} days
		('score_basis', 'engagement_events', 'ja', U&'\76F4\8FD1{3}\65E5\9593\306E\53CD\5FDC {1}\4EF6\FF08\3046\3061\6599\91D1\30DA\30FC\30B8\95B2\89A7 {2}\4EF6\FF09'),	-- events in the last {3} days: {1} (pricing page views: {2})
		('score_basis', 'engagement_last_event', 'ja', U&'\6700\5F8C\306E\53CD\5FDC\306F{1}\65E5\524D'),	-- the last {1} days ago
		('score_basis', 'deal_not_bound', 'ja', U&'\5546\8AC7\30C7\30FC\30BF\672A\9023\643A'),	-- deals not bound
		('score_basis', 'deal_no_closed', 'ja', U&'\5B8C\4E86\3057\305F\5546\8AC7\306A\3057'),	-- no closed deal
		('score_basis', 'deal_last_reason', 'ja', U&'\76F4\8FD1\5546\8AC7: {1}\FF08{2}\FF09'),	-- last deal: {1} ({2})
		('score_basis', 'deal_last', 'ja', U&'\76F4\8FD1\5546\8AC7: {1}'),	-- last deal: {1}
		('score_basis', 'deal_days_ago', 'ja', U&'{1}\65E5\524D'),	-- {1} days ago
		('score_basis', 'deal_open', 'ja', U&'\9032\884C\4E2D\306E\5546\8AC7 {1}\4EF6'),	-- open deals: {1}
		('score_basis', 'deal_outreach_declined', 'ja', U&'\524D\56DE\63A5\89E6: \8F9E\9000\FF08{1}\FF09'),	-- last contact: declined ({1})
		('score_basis', 'contract_not_bound', 'ja', U&'\5951\7D04\30C7\30FC\30BF\672A\9023\643A'),	-- contracts not bound
		('score_basis', 'contract_none', 'ja', U&'\5951\7D04\306A\3057'),	-- no contract
		('score_basis', 'contract_lapsed', 'ja', U&'\5951\7D04\5931\52B9'),	-- lapsed
		('score_basis', 'contract_lapsed_days', 'ja', U&'{1}\65E5\524D\306B\5951\7D04\5931\52B9'),	-- lapsed {1} days ago
		('score_basis', 'contract_auto_renew_off', 'ja', U&'\81EA\52D5\66F4\65B0\30AA\30D5'),	-- auto-renew off
		('score_basis', 'contract_downgraded', 'ja', U&'\5951\7D04\7E2E\5C0F'),	-- downgraded
		('score_basis', 'contract_renewal', 'ja', U&'\66F4\65B0\307E\3067{1}\65E5'),	-- renewal in {1} days
		('score_basis', 'contract_running', 'ja', U&'\5951\7D04\7D99\7D9A\4E2D'),	-- running
		('score_basis', 'p_alive', 'ja', U&'\7D99\7D9A\78BA\7387 {1}'),	-- probability still a customer {1}
		('score_basis', 'no_model', 'ja', U&'\30E2\30C7\30EB\672A\5B66\7FD2'),	-- no model fitted
		('score_basis', 'no_value_estimate', 'ja', U&'\8CFC\5165\984D\306E\63A8\5B9A\306A\3057'),	-- no spend estimate
		('score_basis', 'expected_value', 'ja', U&'\671F\5F85\8CFC\5165\984D {1}'),	-- expected value {1}
		('score_basis', 'separator', 'ja', U&'\3001')	-- ,
		) v(vocabulary, code, language, label)
	ON CONFLICT DO NOTHING;
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.labels: left out';
END
$$;
ALTER TABLE dormancy.labels ENABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'labels', dormancy._default_row_key(to_jsonb(t), k), k, to_jsonb(t)
  FROM dormancy.labels t, CAST(ARRAY['vocabulary', 'code', 'language'] AS name[]) k
 WHERE t.vocabulary = 'score_basis' AND t.installed
ON CONFLICT DO NOTHING;

-- The score breakdown in the reader's language.  The basis texts of
-- score_breakdown are English with numbers, written by the C code
-- (src/priority_sql.c, append_basis) clause by clause, separated by ", ".
-- _score_basis_forms() gives, per component, each clause the C code writes:
-- the clause itself, or a regular expression (starting with ^) whose
-- captures are its numbers and codes; the code of its sentence template
-- (vocabulary score_basis of dormancy.labels: {1}, {2}, {3} stand for the
-- captures); and the vocabularies whose labels replace captured codes.
-- The expressions are anchored at both ends and keep to the simple syntax
-- that score_breakdown_label() matches without PostgreSQL's engine
-- (src/core/basis_match.h: characters, bracket expressions, ?, *, +, and
-- captures of alternatives).
-- Keep in step with append_basis: sql/score_breakdown_label.sql checks that
-- every basis of its customers reads in full.
CREATE FUNCTION dormancy._score_basis_forms()
	RETURNS TABLE (component text, ord integer, pattern text, code text, vocabularies text[])
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
	VALUES
		('past_value', 1, '^total_amount (-?[0-9.]+)$', 'past_value_total', NULL::text[]),
		('past_value', 2, '^percentile ([0-9.]+) of your customers$', 'value_percentile', NULL::text[]),
		('regularity', 3, 'no purchase', 'regularity_no_purchase', NULL::text[]),
		('regularity', 4, 'one purchase day', 'regularity_one_day', NULL::text[]),
		('regularity', 5, '^([0-9]+) purchase days$', 'regularity_days', NULL::text[]),
		('regularity', 6, '^median gap ([0-9.]+) days$', 'regularity_median_gap', NULL::text[]),
		('regularity', 7, 'median gap unknown days', 'regularity_median_gap_unknown', NULL::text[]),
		('regularity', 8, 'campaign only', 'regularity_campaign_only', NULL::text[]),
		('recency', 9, '^(active|at_risk|dormant|long_dormant|never_purchased)$', 'recency_state', '{state}'::text[]),
		('recency', 10, 'no rule', 'recency_no_rule', NULL::text[]),
		('recency', 11, '^last deal (-?[0-9]+) days ago$', 'recency_last_deal', NULL::text[]),
		('recency', 12, '^silent for (-?[0-9]+) days$', 'recency_silent', NULL::text[]),
		('decline', 13, '^([0-9]+) decline signals?$', 'decline_signals', NULL::text[]),
		('engagement', 14, 'events not bound', 'engagement_not_bound', NULL::text[]),
		('engagement', 15, '^no event in the last ([0-9]+) days$', 'engagement_no_event', NULL::text[]),
		('engagement', 16, '^([0-9]+) events? \(([0-9]+) pricing views?\) in the last ([0-9]+) days$', 'engagement_events', NULL::text[]),
		('engagement', 17, '^the last (-?[0-9]+) days ago$', 'engagement_last_event', NULL::text[]),
		('deal', 18, 'deals not bound', 'deal_not_bound', NULL::text[]),
		('deal', 19, 'no closed deal', 'deal_no_closed', NULL::text[]),
		('deal', 20, '^last deal ([a-z_]+) \(([a-z_]+)\)$', 'deal_last_reason', '{deal_outcome,deal_reason}'::text[]),
		('deal', 21, '^last deal ([a-z_]+)$', 'deal_last', '{deal_outcome}'::text[]),
		('deal', 22, '^(-?[0-9]+) days ago$', 'deal_days_ago', NULL::text[]),
		('deal', 23, '^([0-9]+) open$', 'deal_open', NULL::text[]),
		('deal', 24, '^outreach declined \(([a-z_]+)\)$', 'deal_outreach_declined', '{deal_reason}'::text[]),
		('contract', 25, 'contracts not bound', 'contract_not_bound', NULL::text[]),
		('contract', 26, 'no contract', 'contract_none', NULL::text[]),
		('contract', 27, 'lapsed', 'contract_lapsed', NULL::text[]),
		('contract', 28, '^lapsed (-?[0-9]+) days ago$', 'contract_lapsed_days', NULL::text[]),
		('contract', 29, 'auto-renew off', 'contract_auto_renew_off', NULL::text[]),
		('contract', 30, 'downgraded', 'contract_downgraded', NULL::text[]),
		('contract', 31, '^renewal in (-?[0-9]+) days$', 'contract_renewal', NULL::text[]),
		('contract', 32, 'running', 'contract_running', NULL::text[]),
		('p_alive', 33, '^p_alive ([0-9.]+)$', 'p_alive', NULL::text[]),
		('p_alive', 34, 'no model fitted', 'no_model', NULL::text[]),
		('expected_value', 35, '^expected_value (-?[0-9.]+)$', 'expected_value', NULL::text[]),
		('expected_value', 36, '^percentile ([0-9.]+) of your customers$', 'value_percentile', NULL::text[]),
		('expected_value', 37, 'no model fitted', 'no_model', NULL::text[]),
		('expected_value', 38, 'no spend estimate', 'no_value_estimate', NULL::text[])
$$;
COMMENT ON FUNCTION dormancy._score_basis_forms() IS
	'internal: per score component, the clauses of its basis text (the clause, or a regular expression starting with ^) and the code of the sentence template (labels vocabulary score_basis) of each';

-- STABLE, not IMMUTABLE: it reads dormancy.labels, _score_basis_forms()
-- and dormancy.language.  In C (src/labels_sql.c), reading the labels and
-- the forms once per query: the PL/pgSQL it replaced took 0.34 ms a row
-- (6.8 s for the 20,000 rows of a call list at 200,000 demo customers,
-- 2026-12-04), which every read of call_list and snapshot_call_list paid.
CREATE FUNCTION dormancy.score_breakdown_label(score_breakdown jsonb)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'score_breakdown_label'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.score_breakdown_label(jsonb) IS
	'a score_breakdown in the language of dormancy.language: per component its label and its basis as a sentence from the templates of vocabulary score_basis (dormancy.labels), else the English basis';
-- the views over the snapshot call score_breakdown_label() (dormancy_analyst: 97_privileges.sql)
GRANT EXECUTE ON FUNCTION dormancy._score_basis_forms() TO dormancy_reader;

-- the column score_breakdown_label: call_list, snapshot_call_list
-- (_snapshot_view_definitions(): defined in an earlier section)

-- (_comment_snapshot_views(): defined in an earlier section)

-- (_create_views(): defined in an earlier section)

-- (end of Score breakdown in the reader's language (issue 12))

-- Scale-out: Citus and postgres_fdw (issue 13)
--
-- The zone and the as-of day reach the nodes that fold the orders as values
-- of the query (_time_zone_in_force, _local_time); Citus tables are bound
-- untracked; the views stay on the coordinator (docs/scaling-out.md).
-- Changed functions of earlier sections (_build_views, _adapter_definitions,
-- _create_views, _refresh_work, _prepare_histories, fit_models,
-- _name_keys_untrackable) have their new text there.

-- The zone and the as-of day as values a query carries: the views read the
-- setting once, on the node that plans the query (an init plan), and pass
-- the zone to _local_time(), which is IMMUTABLE.  A Citus worker or a
-- postgres_fdw shard that folds the orders then counts days in the same
-- zone as the coordinator, whatever its own settings (docs/scaling-out.md).
CREATE FUNCTION dormancy._time_zone_in_force() RETURNS jsonb
	AS 'MODULE_PATHNAME', 'dormancy_time_zone_in_force'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._time_zone_in_force() IS
	'internal: the name of the zone days are counted in (dormancy.time_zone, else the session''s TimeZone), as a JSON string: a type without a collation, which postgres_fdw ships';

CREATE FUNCTION dormancy._local_time(timestamptz, zone jsonb) RETURNS timestamp
	AS 'MODULE_PATHNAME', 'dormancy_local_time'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._local_time(timestamptz, jsonb) IS
	'internal: the wall-clock time of an instant in the named zone (infinite instants stay infinite; one whose wall-clock time is beyond the timestamp range is the infinity of its side)';
-- for a bound date or timestamp column the zone changes nothing
CREATE FUNCTION dormancy._local_time(timestamp, zone jsonb) RETURNS timestamp
	AS 'MODULE_PATHNAME', 'dormancy_local_time_unchanged'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._local_time(timestamp, jsonb) IS
	'internal: a timestamp is already wall-clock time';
CREATE FUNCTION dormancy._local_time(date, zone jsonb) RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_local_time_unchanged'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._local_time(date, jsonb) IS
	'internal: a date is already a day';
-- an instant whose wall-clock time in the zone is beyond the timestamp
-- range is no usable time (a contact so dated is one without a time)
CREATE FUNCTION dormancy._usable_instant(timestamptz, zone jsonb) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'dormancy_usable_instant'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._usable_instant(timestamptz, jsonb) IS
	'internal: the instant, or NULL when its wall-clock time in the named zone is beyond the timestamp range (an infinite instant stays infinite)';

-- The Citus kind of a relation: 'distributed', 'reference', 'local' (a
-- Citus local table), or NULL when Citus is not installed or the relation
-- is a plain PostgreSQL one.
CREATE FUNCTION dormancy._citus_table_kind(rel regclass)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind text;
BEGIN
	IF rel IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT CASE WHEN p.partmethod <> ''n'' THEN ''distributed'''
			' WHEN p.repmodel = ''t'' THEN ''reference'' ELSE ''local'' END'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1'
	   INTO kind USING rel;
	RETURN kind;
END
$$;
COMMENT ON FUNCTION dormancy._citus_table_kind(regclass) IS
	'internal: distributed, reference or local when the relation is a Citus table, NULL otherwise';

-- Why none of these relations can carry change-tracking triggers because
-- of Citus (NULL: Citus does not stand in the way).
CREATE FUNCTION dormancy._citus_untrackable(members oid[])
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.format('%s is a Citus %s table: its rows are in shards on the workers, where triggers are not supported',
							 x::regclass, k.kind)
	  FROM pg_catalog.unnest(members) WITH ORDINALITY AS m(x, n)
	 CROSS JOIN LATERAL (SELECT dormancy._citus_table_kind(m.x::regclass) AS kind) k
	 WHERE k.kind IS NOT NULL
	 ORDER BY m.n
	 LIMIT 1
$$;
COMMENT ON FUNCTION dormancy._citus_untrackable(oid[]) IS
	'internal: why Citus keeps these relations from carrying change-tracking triggers, NULL when it does not';

-- A bound day column as a date: timestamptz becomes its day in dormancy.time_zone
-- (the zone an init plan of the reading query, as in the histories: a node
-- that runs the expression needs no settings of its own).
CREATE OR REPLACE FUNCTION dormancy._day_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.date';
	ELSIF (dormancy._binding_column(relation, role, columns ->> role)).type_oid = 'timestamptz'::regtype THEN
		RETURN format('(dormancy._local_time(t.%I, (SELECT z.zone FROM dormancy._zone_in_force z)))::pg_catalog.date', columns ->> role);
	END IF;
	RETURN format('(t.%I)::pg_catalog.date', columns ->> role);
END
$$;
COMMENT ON FUNCTION dormancy._day_expr(regclass, jsonb, text) IS
	'internal: the calendar day of a bound date, timestamp or timestamptz column';

-- A bound day column's instant, which orders two rows of one day: a
-- timestamptz as it is (the clock of a zone repeats an hour when it goes
-- back), a timestamp read in UTC; NULL for a date.
CREATE FUNCTION dormancy._instant_expr(relation regclass, columns jsonb, role text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid;
BEGIN
	IF columns ->> role IS NULL THEN
		RETURN 'NULL::pg_catalog.timestamptz';
	END IF;
	t := (dormancy._binding_column(relation, role, columns ->> role)).type_oid;
	IF t = 'timestamptz'::regtype THEN
		RETURN format('(t.%I)::pg_catalog.timestamptz', columns ->> role);
	ELSIF t = 'timestamp'::regtype THEN
		RETURN format('((t.%I) AT TIME ZONE ''UTC'')', columns ->> role);
	END IF;
	RETURN 'NULL::pg_catalog.timestamptz';
END
$$;
COMMENT ON FUNCTION dormancy._instant_expr(regclass, jsonb, text) IS
	'internal: the instant of a bound timestamp or timestamptz column (a timestamp read in UTC), NULL for a date: what orders rows of one day';

-- Track the orders: triggers on the relation and on all its partitions, the
-- column and its type recorded; the next refresh is a full one (why: reason).
-- A relation that cannot be tracked is recorded as not tracked, with why.
CREATE OR REPLACE FUNCTION dormancy._track_orders(rel regclass, customer name, reason text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[] := dormancy._orders_members(rel);
	m oid;
	col_type oid;
	why_not text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	-- relations tracked before that are no longer members
	FOR m IN SELECT DISTINCT x FROM unnest(coalesce(st.tracked_relations, '{}') || st.orders_relation::oid) x
			  WHERE x IS NOT NULL AND NOT x = ANY (coalesce(members, '{}')) LOOP
		PERFORM dormancy._untrack_orders(m::regclass);
	END LOOP;
	IF rel IS NULL THEN
		UPDATE dormancy.history_store_state
		   SET orders_relation = NULL, tracked = false, complete = false, time_zone = NULL,
			   customer_column = NULL, customer_type = NULL, tracked_relations = NULL, reason = 'no orders are bound';
		RETURN;
	END IF;
	SELECT a.atttypid INTO col_type FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attname = customer AND a.attnum > 0 AND NOT a.attisdropped;
	why_not := coalesce(dormancy._members_untrackable(members), dormancy._orders_parent_problem(rel),
						dormancy._untrackable_type(col_type), dormancy._ambiguous_key(rel, customer));
	IF why_not IS NULL THEN
		BEGIN
			FOREACH m IN ARRAY members LOOP
				PERFORM dormancy._add_tracking_triggers(m::regclass);
			END LOOP;
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		FOREACH m IN ARRAY members LOOP
			PERFORM dormancy._untrack_orders(m::regclass);
		END LOOP;
		RAISE NOTICE 'orders of % are not tracked: every refresh will read all orders', rel
			USING DETAIL = why_not || '.';
	END IF;
	UPDATE dormancy.history_store_state
	   SET orders_relation = rel, tracked = why_not IS NULL, complete = false, time_zone = NULL,
		   customer_column = customer, customer_type = col_type,
		   tracked_relations = CASE WHEN why_not IS NULL THEN members END,
		   reason = coalesce(why_not, _track_orders.reason);
END
$$;
COMMENT ON FUNCTION dormancy._track_orders(regclass, name, text) IS
	'internal: put the change-tracking triggers on the orders relation and all its partitions';

-- (end of Scale-out (issue 13))

-- Pareto/NBD (issue 14)
--
-- The Pareto/NBD model (issue 14): purchase rates gamma(r, alpha), lifetimes
-- exponential with rates gamma(s, beta); fitted by maximum likelihood with
-- an aggregate and applied like BG/NBD.  The mathematics: docs/models.md.
-- C code: src/btyd_sql.c, src/btyd_fit_sql.c, src/core/paretonbd.c.
--

CREATE TYPE dormancy.paretonbd AS (
	r double precision,
	alpha double precision,
	s double precision,
	beta double precision,
	log_likelihood double precision,
	customers bigint,
	iterations integer,
	converged boolean
);
COMMENT ON TYPE dormancy.paretonbd IS
	'a Pareto/NBD model: purchase rates gamma(r, alpha), dropout rates gamma(s, beta), and how it was fitted';
COMMENT ON COLUMN dormancy.paretonbd.r IS 'shape of the gamma distribution of purchase rates';
COMMENT ON COLUMN dormancy.paretonbd.alpha IS 'scale of the gamma distribution of purchase rates, in the time unit of the fit';
COMMENT ON COLUMN dormancy.paretonbd.s IS 'shape of the gamma distribution of dropout rates';
COMMENT ON COLUMN dormancy.paretonbd.beta IS 'scale of the gamma distribution of dropout rates, in the time unit of the fit';
COMMENT ON COLUMN dormancy.paretonbd.log_likelihood IS 'log-likelihood at the estimates (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.paretonbd.customers IS 'customers fitted (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.paretonbd.iterations IS 'optimiser iterations (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.paretonbd.converged IS 'whether the optimiser reached a proper maximum (NULL for a model built from known parameters)';

--
-- Aggregate paretonbd_fit(frequency, recency, age): the state, its
-- transition, combine, serial and deserial functions are bgnbd_fit's (the
-- same customer summaries); only the final function differs.
--

CREATE FUNCTION dormancy.paretonbd_fit_final(internal)
	RETURNS dormancy.paretonbd AS 'MODULE_PATHNAME', 'paretonbd_fit_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_fit_final(internal) IS
	'aggregate final function of paretonbd_fit: the maximum-likelihood fit';

CREATE AGGREGATE dormancy.paretonbd_fit(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.paretonbd_fit_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.paretonbd_fit(integer, double precision, double precision) IS
	'fit a Pareto/NBD model by maximum likelihood to customer summaries (frequency, recency, age), ignoring rows with a NULL';

COMMENT ON FUNCTION dormancy.bgnbd_fit_trans(internal, integer, double precision, double precision) IS
	'aggregate transition function of bgnbd_fit and paretonbd_fit';
COMMENT ON FUNCTION dormancy.bgnbd_fit_combine(internal, internal) IS
	'aggregate combine function of bgnbd_fit and paretonbd_fit';
COMMENT ON FUNCTION dormancy.bgnbd_fit_serialize(internal) IS
	'aggregate serial function of bgnbd_fit and paretonbd_fit';
COMMENT ON FUNCTION dormancy.bgnbd_fit_deserialize(bytea, internal) IS
	'aggregate deserial function of bgnbd_fit and paretonbd_fit';

CREATE FUNCTION dormancy.paretonbd(r double precision, alpha double precision,
	s double precision, beta double precision)
	RETURNS dormancy.paretonbd AS 'MODULE_PATHNAME', 'paretonbd_make'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd(double precision, double precision, double precision, double precision) IS
	'a Pareto/NBD model with known parameters r, alpha, s, beta';

CREATE FUNCTION dormancy.paretonbd_p_alive(m dormancy.paretonbd, frequency integer,
	recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'paretonbd_p_alive'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_p_alive(dormancy.paretonbd, integer, double precision, double precision) IS
	'probability that a customer with this frequency, recency and age is still alive, under a Pareto/NBD model';

CREATE FUNCTION dormancy.paretonbd_expected_purchases(m dormancy.paretonbd, t double precision,
	frequency integer, recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'paretonbd_expected_purchases'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_expected_purchases(dormancy.paretonbd, double precision, integer, double precision, double precision) IS
	'expected purchases in the next t time units of a customer with this frequency, recency and age, under a Pareto/NBD model';

-- (end of Pareto/NBD (issue 14))
-- Parameter uncertainty (issue 14)
--
-- Standard errors of the fitted parameters: dormancy.models gets
-- bgnbd_std_errors and gammagamma_std_errors (NULL until the next
-- fit_models()), filled by fit_models() through the new aggregates
-- bgnbd_standard_errors and gammagamma_standard_errors; the new live view
-- model_parameters (in _generated_views and _create_views, built by
-- _update_generated_views() at the end) shows them with 95% intervals.

ALTER TABLE dormancy.models ADD COLUMN bgnbd_std_errors double precision[],
	ADD COLUMN gammagamma_std_errors double precision[];
COMMENT ON COLUMN dormancy.models.bgnbd_std_errors IS 'standard errors of r, alpha, a, b from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); see dormancy.model_parameters';
COMMENT ON COLUMN dormancy.models.gammagamma_std_errors IS 'standard errors of p, q, v from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); see dormancy.model_parameters';

--
-- Aggregate bgnbd_standard_errors(model, frequency, recency, age)
--

CREATE FUNCTION dormancy.bgnbd_standard_errors_trans(internal, dormancy.bgnbd, integer,
	double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_standard_errors_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_standard_errors_trans(internal, dormancy.bgnbd, integer, double precision, double precision) IS
	'aggregate transition function of bgnbd_standard_errors';
CREATE FUNCTION dormancy.bgnbd_standard_errors_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'bgnbd_standard_errors_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_standard_errors_final(internal) IS
	'aggregate final function of bgnbd_standard_errors: the standard errors of r, alpha, a, b';

-- No combine function: fit_models() runs it over a temporary table, which
-- is never read in parallel.
CREATE AGGREGATE dormancy.bgnbd_standard_errors(model dormancy.bgnbd, frequency integer,
	recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_standard_errors_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.bgnbd_standard_errors_final, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.bgnbd_standard_errors(dormancy.bgnbd, integer, double precision, double precision) IS
	'standard errors of the parameters r, alpha, a, b of a BG/NBD model (the same on every row) fitted to these customer summaries, from the observed information; NULL when the model is not at a maximum of their likelihood';

--
-- Aggregate gammagamma_standard_errors(model, frequency, monetary_value)
--

CREATE FUNCTION dormancy.gammagamma_standard_errors_trans(internal, dormancy.gammagamma, integer,
	double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_standard_errors_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_standard_errors_trans(internal, dormancy.gammagamma, integer, double precision) IS
	'aggregate transition function of gammagamma_standard_errors';
CREATE FUNCTION dormancy.gammagamma_standard_errors_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'gammagamma_standard_errors_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_standard_errors_final(internal) IS
	'aggregate final function of gammagamma_standard_errors: the standard errors of p, q, v';

CREATE AGGREGATE dormancy.gammagamma_standard_errors(model dormancy.gammagamma, frequency integer,
	monetary_value double precision) (
	SFUNC = dormancy.gammagamma_standard_errors_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.gammagamma_standard_errors_final, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.gammagamma_standard_errors(dormancy.gammagamma, integer, double precision) IS
	'standard errors of the parameters p, q, v of a Gamma-Gamma model (the same on every row) fitted to these (frequency, mean repeat spend), over customers with frequency > 0, from the observed information; NULL when the model is not at a maximum of their likelihood';

-- Fit the overall model and one per segment, with their covariance matrices
-- (_fit_segments), replace the stored models with them and their standard
-- errors, and
-- store the value distribution with them (_store_value_distribution), all
-- from the summaries of one pass over the histories (_fit_summaries).
-- (fit_models(): defined in an earlier section)
COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;

-- Every generated view, in creation order: the adapters, then the live views.
-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

-- (end of Parameter uncertainty (issue 14))

-- Suggested rules (issue 14)
--
-- New: suggest_rules(), return_curve(), apply_suggested_rules() and their
-- internal _gap_survival() (sql_src/48_suggest_rules.sql, as there).
--
-- The method (README, "Thresholds from your own data").  A silence is the
-- time between two consecutive purchase days of a customer (a repeat gap: it
-- ended with a purchase) or, after the last purchase day, the customer's
-- current silence up to the as-of day (open: it has not ended yet).  Per
-- segment, the Kaplan-Meier estimate over all silences, the open ones
-- censored, gives S(d): the probability that a silence lasts more than d
-- days.  Customers who have left never end their silence, so S levels off at
-- S_inf, its value at the longest repeat gap: the share of silences that never
-- end (the churn).  The share of the returns that have come by day d is
-- G(d) = (1 - S(d)) / (1 - S_inf), the distribution of the repeat gaps with
-- the open silences taken into account; a threshold is the first day at which
-- G reaches its level (at risk 75%, dormant 90%, long dormant 98% by
-- default).  Read: "dormant after 95 days" means that 90% of the customers
-- who come back at all have come back within 95 days.  Levels on G, not on S,
-- because S never falls below the churn: with 15% of the silences never
-- ending, "S below 10%" is never reached.
--
-- Segments are those of dormancy.rules: the customer's industry and company
-- size mapped as rule_for() maps them (label_key, the alias tables), then the
-- industry alone, then all customers.  A segment with fewer repeat gaps than
-- min_gaps takes its industry's thresholds, or those of all customers.
--

-- How many silences must still be going where the curve's level (S_inf,
-- never_return_share) is read: 1% of the segment's silences (rounded up),
-- and at least two, so that no single silence decides it (an order dated
-- years too early ended the longest silence and put the level at 0; in a
-- segment under 100 silences too).  Not more: in a small segment every
-- silence is evidence (with at least 5 still going, one where every customer
-- came back had 10% never ending; with 2, 1 in 40).
CREATE FUNCTION dormancy._survival_floor(all_silences bigint)
	RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT least(all_silences, greatest(2, pg_catalog.ceil(all_silences * 0.01)::pg_catalog.int8))
$$;
COMMENT ON FUNCTION dormancy._survival_floor(bigint) IS
	'internal: the silences that must still be going where suggest_rules() and return_curve() read the level of the curve (1% of the segment''s, rounded up, at least 2)';

-- Kaplan-Meier of the silences per segment, one row per segment and silence
-- length (in days) at which a silence ended or was still open, with the
-- segment's typical repeat buyer (median repeat purchase days, median days
-- from the first to the last purchase day) for the model's cross-check.
-- Reads the bound customers and their histories (src_customers,
-- customer_histories) with the caller's privileges, as of
-- dormancy.as_of_day(); every purchase day counts, whatever the rule's
-- min_order_amount.
CREATE FUNCTION dormancy._gap_survival()
	RETURNS TABLE (level text, industry text, company_size text,
				   customers bigint, repeat_gaps bigint,
				   median_repeat_purchases double precision, median_span_days double precision,
				   days integer, silences bigint, returns bigint, open_silences bigint,
				   still_silent double precision)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH as_of AS MATERIALIZED (
		SELECT dormancy.as_of_day() AS day
	), cust AS MATERIALIZED (
		SELECT c.customer_id, row_number() OVER () AS cust_no,
			   dormancy.label_key(coalesce(c.industry, '')) AS industry_label,
			   dormancy.label_key(coalesce(c.company_size, '')) AS size_label
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL
	), ind AS MATERIALIZED (
		-- the segment of a label: its own key when a rule names it, else its
		-- alias's, else its own; none when blank
		SELECT l.k,
			   CASE WHEN l.k = '' THEN NULL
					WHEN EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.industry) = l.k) THEN l.k
					ELSE coalesce((SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
									WHERE dormancy.label_key(a.source_industry) = l.k), l.k) END AS seg
		  FROM (SELECT DISTINCT cu.industry_label AS k FROM cust cu) l
	), sz AS MATERIALIZED (
		SELECT l.k,
			   CASE WHEN l.k = '' THEN NULL
					WHEN EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.company_size) = l.k) THEN l.k
					ELSE coalesce((SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
									WHERE dormancy.label_key(a.source_size) = l.k), l.k) END AS seg
		  FROM (SELECT DISTINCT cu.size_label AS k FROM cust cu) l
	), spells AS (
		-- each repeat gap (ended) and the silence since the last purchase
		-- day (open), of every customer with a purchase day by as_of: each
		-- purchase day gives its gap, the last one its silence too.  (Not a
		-- union of the gaps with history_summary's last purchase day, the
		-- same day: Citus refuses a union of table functions in the
		-- subquery it sends to the workers, "Table functions are not
		-- supported with union operator")
		SELECT cu.cust_no, i.seg AS ind, s.seg AS sz, g.len, g.ended
		  FROM cust cu
		  JOIN dormancy.customer_histories h ON h.customer_id = cu.customer_id
		  JOIN ind i ON i.k = cu.industry_label
		  JOIN sz s ON s.k = cu.size_label
		 CROSS JOIN as_of a
		 CROSS JOIN LATERAL (
			SELECT CASE WHEN e.ended THEN d.gap ELSE a.day - d.day END AS len, e.ended
			  FROM (SELECT p.day, p.day - lag(p.day) OVER (ORDER BY p.day) AS gap,
						   lead(p.day) OVER (ORDER BY p.day) IS NULL AS last_day
					  FROM dormancy.purchase_history_days(h.history) p
					 WHERE p.is_purchase_day AND p.day <= a.day) d
			 CROSS JOIN pg_catalog.unnest(ARRAY[true, false]) e(ended)
			 WHERE e.ended OR d.last_day
		 ) g
		 WHERE g.len IS NOT NULL
	), buyers AS (
		SELECT sp.ind, sp.sz, count(*) FILTER (WHERE sp.ended) AS x, sum(sp.len) FILTER (WHERE sp.ended) AS span
		  FROM spells sp
		 GROUP BY sp.cust_no, sp.ind, sp.sz
	), typical AS (
		-- the median repeat buyer of each segment
		SELECT b.ind, b.sz, grouping(b.ind, b.sz) AS lvl,
			   percentile_cont(0.5) WITHIN GROUP (ORDER BY b.x) FILTER (WHERE b.x > 0) AS x,
			   percentile_cont(0.5) WITHIN GROUP (ORDER BY b.span) FILTER (WHERE b.x > 0) AS span
		  FROM buyers b
		 GROUP BY GROUPING SETS ((b.ind, b.sz), (b.ind), ())
	), counts AS (
		-- per segment (industry and size, industry, all) and length
		SELECT sp.ind, sp.sz, grouping(sp.ind, sp.sz) AS lvl, sp.len,
			   count(*) FILTER (WHERE sp.ended) AS ret,
			   count(*) FILTER (WHERE NOT sp.ended) AS opn
		  FROM spells sp
		 GROUP BY GROUPING SETS ((sp.ind, sp.sz, sp.len), (sp.ind, sp.len), (sp.len))
		HAVING CASE grouping(sp.ind, sp.sz)
				   WHEN 0 THEN sp.ind IS NOT NULL AND sp.sz IS NOT NULL
				   WHEN 1 THEN sp.ind IS NOT NULL
				   ELSE true END
	), at_risk AS (
		-- silences still going at the start of each length
		SELECT c.*, sum(c.ret + c.opn) OVER (PARTITION BY c.lvl, c.ind, c.sz ORDER BY c.len DESC) AS n
		  FROM counts c
	)
	SELECT CASE k.lvl WHEN 0 THEN 'industry_size' WHEN 1 THEN 'industry' ELSE 'all' END,
		   k.ind, CASE WHEN k.lvl = 0 THEN k.sz END,
		   (sum(k.opn) OVER seg)::bigint, (sum(k.ret) OVER seg)::bigint,
		   ty.x, ty.span,
		   k.len, k.n::bigint, k.ret, k.opn,
		   -- the product of (1 - ended / at risk) up to this length: 0 from
		   -- the length at which every silence still going ended
		   CASE WHEN bool_or(k.ret = k.n) OVER cum THEN 0::double precision
				ELSE exp(sum(CASE WHEN k.ret < k.n THEN ln(1 - k.ret::double precision / k.n) ELSE 0 END) OVER cum) END
	  FROM at_risk k
	  LEFT JOIN typical ty
		ON ty.lvl = k.lvl AND coalesce(ty.ind, '') = coalesce(k.ind, '') AND coalesce(ty.sz, '') = coalesce(k.sz, '')
	WINDOW seg AS (PARTITION BY k.lvl, k.ind, k.sz),
		   cum AS (PARTITION BY k.lvl, k.ind, k.sz ORDER BY k.len);
END
$$;
COMMENT ON FUNCTION dormancy._gap_survival() IS
	'internal: Kaplan-Meier of the customers'' silences (repeat gaps ended, current silences open) per rules segment (industry and size, industry, all), one row per segment and length in days';

-- The return curve of one segment: industry and company size (labels, mapped
-- as rule_for() maps them), the industry alone (company_size NULL), or all
-- customers (both NULL).
CREATE FUNCTION dormancy.return_curve(industry text DEFAULT NULL, company_size text DEFAULT NULL)
	RETURNS TABLE (days integer, silences bigint, returns bigint, open_silences bigint,
				   still_silent double precision, returned_share double precision,
				   return_chance double precision)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	ind_key text := dormancy.label_key(return_curve.industry);
	size_key text := dormancy.label_key(return_curve.company_size);
BEGIN
	IF ind_key = '' OR size_key = '' THEN
		RAISE EXCEPTION 'industry and company_size must not be blank'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass NULL for the broader segment.';
	END IF;
	IF ind_key IS NULL AND size_key IS NOT NULL THEN
		RAISE EXCEPTION 'a company size needs an industry'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The segments are industry and size, industry, and all customers.';
	END IF;
	-- the segment of each label, as _gap_survival() forms it
	IF ind_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.industry) = ind_key) THEN
		ind_key := coalesce((SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
							  WHERE dormancy.label_key(a.source_industry) = ind_key), ind_key);
	END IF;
	IF size_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.company_size) = size_key) THEN
		size_key := coalesce((SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
							   WHERE dormancy.label_key(a.source_size) = size_key), size_key);
	END IF;
	RETURN QUERY
	SELECT s.days, s.silences, s.returns, s.open_silences, s.still_silent,
		   CASE WHEN s.plateau < 1 THEN least((1 - s.still_silent) / (1 - s.plateau), 1) END,
		   CASE WHEN s.still_silent > 0 THEN greatest(s.still_silent - s.plateau, 0) / s.still_silent ELSE 0 END
	  FROM (SELECT c.*,
				   min(c.still_silent) FILTER (WHERE c.silences >= dormancy._survival_floor(c.all_silences)) OVER ()
					   AS plateau
			  FROM (SELECT g.*, max(g.silences) OVER () AS all_silences
					  FROM dormancy._gap_survival() g
					 WHERE g.level = CASE WHEN size_key IS NOT NULL THEN 'industry_size'
										  WHEN ind_key IS NOT NULL THEN 'industry' ELSE 'all' END
					   AND g.industry IS NOT DISTINCT FROM ind_key
					   AND g.company_size IS NOT DISTINCT FROM size_key) c) s
	 ORDER BY s.days;
END
$$;
COMMENT ON FUNCTION dormancy.return_curve(text, text) IS
	'the return curve of a rules segment (industry and size, industry with size NULL, all with both NULL): per silence length in days, the silences still going, ended and open, the Kaplan-Meier share still silent, the share of the returns come by then, and the chance that a silence this long still ends in a purchase';

-- Thresholds per segment from the return curves, beside the rule in force.
CREATE FUNCTION dormancy.suggest_rules(min_gaps integer DEFAULT 30,
	at_risk_share double precision DEFAULT 0.75,
	dormant_share double precision DEFAULT 0.90,
	long_dormant_share double precision DEFAULT 0.98)
	RETURNS TABLE (level text, industry text, company_size text,
				   customers bigint, repeat_gaps bigint, based_on text,
				   never_return_share double precision, median_gap_days integer,
				   at_risk_after interval, dormant_after interval, long_dormant_after interval,
				   return_chance_at_dormant double precision, p_alive_at_dormant double precision,
				   rule_id integer, rule_at_risk_after interval, rule_dormant_after interval,
				   rule_long_dormant_after interval,
				   at_risk_change_days integer, dormant_change_days integer, long_dormant_change_days integer,
				   curve jsonb)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	min_repeat_gaps integer := min_gaps;
	share_ar double precision := at_risk_share;
	share_d double precision := dormant_share;
	share_ld double precision := long_dormant_share;
	-- the points of the curve column, and the levels
	shares double precision[] := ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
BEGIN
	IF min_repeat_gaps IS NULL OR min_repeat_gaps < 1 THEN
		RAISE EXCEPTION 'min_gaps must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT (share_ar > 0 AND share_ar < share_d AND share_d < share_ld AND share_ld < 1) THEN
		RAISE EXCEPTION 'the shares must be ordered: 0 < at_risk_share < dormant_share < long_dormant_share < 1'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('at_risk_share %s, dormant_share %s, long_dormant_share %s.',
								  share_ar, share_d, share_ld);
	END IF;
	RETURN QUERY
	WITH surv AS MATERIALIZED (
		SELECT g.*, g.level || ':' || coalesce(g.industry, '') || ':' || coalesce(g.company_size, '') AS seg_key
		  FROM dormancy._gap_survival() g
	), seg_all AS (
		SELECT s.seg_key, s.level, s.industry, s.company_size, max(s.customers) AS customers,
			   max(s.repeat_gaps) AS repeat_gaps, max(s.silences) AS all_silences,
			   max(s.median_repeat_purchases) AS typical_x, max(s.median_span_days) AS typical_span
		  FROM surv s
		 GROUP BY 1, 2, 3, 4
	), seg AS (
		-- the level S levels off at, read where enough silences are still
		-- at risk (dormancy._survival_floor): at the very end of the curve
		-- one silence decides, and one order dated years too early made
		-- the longest silence end there, S 0, every churner a return
		SELECT g.*,
			   (SELECT min(s.still_silent) FROM surv s
				 WHERE s.seg_key = g.seg_key AND s.silences >= dormancy._survival_floor(g.all_silences)) AS plateau
		  FROM seg_all g
	), quantiles AS (
		-- the first length at which the share of the returns reaches each level
		SELECT g.seg_key, v.share, min(s.days) AS days
		  FROM seg g
		 CROSS JOIN unnest(shares || ARRAY[share_ar, share_d, share_ld]) v(share)
		  JOIN surv s ON s.seg_key = g.seg_key AND s.still_silent <= 1 - v.share * (1 - g.plateau) + 1e-12
		 WHERE g.repeat_gaps > 0
		 GROUP BY 1, 2
	), own AS (
		SELECT g.*,
			   g.repeat_gaps >= min_repeat_gaps AS enough,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = 0.5) AS q_median,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_ar) AS q_ar,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_d) AS q_d,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_ld) AS q_ld,
			   (SELECT jsonb_agg(jsonb_build_object('returned', q.share, 'days', q.days) ORDER BY q.share)
				  FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = ANY (shares)) AS curve
		  FROM seg g
	), chosen AS (
		-- the segment's own curve, else its industry's, else all customers'
		SELECT o.level, o.industry, o.company_size, o.customers, o.repeat_gaps,
			   src.based_on, src.plateau, src.q_median, src.q_ar, src.q_d, src.q_ld, src.curve,
			   src.typical_x, src.typical_span, src.seg_key AS src_key
		  FROM own o
		  LEFT JOIN LATERAL (
			SELECT CASE WHEN b.seg_key = o.seg_key THEN 'own' ELSE b.level END AS based_on, b.*
			  FROM own b
			 WHERE b.enough
			   AND (b.seg_key = o.seg_key
					OR (o.level = 'industry_size' AND b.level = 'industry' AND b.industry = o.industry)
					OR (o.level <> 'all' AND b.level = 'all'))
			 ORDER BY b.seg_key = o.seg_key DESC, b.level = 'industry' DESC
			 LIMIT 1
		  ) src ON true
	)
	SELECT c.level, c.industry, c.company_size, c.customers, c.repeat_gaps, c.based_on,
		   c.plateau, c.q_median,
		   make_interval(days => t.ar), make_interval(days => t.d), make_interval(days => t.ld),
		   -- of the silences that lasted dormant_after, the share that still ended in a purchase
		   (SELECT CASE WHEN s.still_silent > 0 THEN greatest(s.still_silent - c.plateau, 0) / s.still_silent ELSE 0 END
			  FROM surv s
			 WHERE s.seg_key = c.src_key AND s.days <= t.d
			 ORDER BY s.days DESC
			 LIMIT 1),
		   -- the fitted BG/NBD's cross-check: P(alive) of the typical repeat
		   -- buyer of the curve, silent for dormant_after
		   (SELECT dormancy.bgnbd_p_alive(m.bgnbd, round(c.typical_x)::integer,
										  c.typical_span / m.unit_days, (c.typical_span + t.d) / m.unit_days)
			  FROM dormancy._model_for(coalesce(c.industry, ''), coalesce(c.company_size, ''),
									   (SELECT dormancy._configuration())) m
			 WHERE m.bgnbd IS NOT NULL AND t.d IS NOT NULL),
		   r.rule_id, r.at_risk_after, r.dormant_after, r.long_dormant_after,
		   t.ar - ((a.day + r.at_risk_after)::date - a.day),
		   t.d - ((a.day + r.dormant_after)::date - a.day),
		   t.ld - ((a.day + r.long_dormant_after)::date - a.day),
		   c.curve
	  FROM chosen c
	 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
	 -- whole days below four weeks, whole weeks from four weeks on; each
	 -- threshold at least a step (a day, a week) beyond the one before; none
	 -- without a curve (greatest() would make 1, 2 and 3 days of NULLs)
	  LEFT JOIN LATERAL (
		SELECT y.ar, y.d, greatest(y.ld, y.d + CASE WHEN y.d < 28 THEN 1 ELSE 7 END) AS ld
		  FROM (SELECT x.ar, greatest(x.d, x.ar + CASE WHEN x.ar < 28 THEN 1 ELSE 7 END) AS d, x.ld
				  FROM (SELECT greatest(1, CASE WHEN c.q_ar < 28 THEN c.q_ar ELSE (round(c.q_ar / 7.0) * 7)::integer END) AS ar,
							   CASE WHEN c.q_d < 28 THEN c.q_d ELSE (round(c.q_d / 7.0) * 7)::integer END AS d,
							   CASE WHEN c.q_ld < 28 THEN c.q_ld ELSE (round(c.q_ld / 7.0) * 7)::integer END AS ld
						 WHERE c.based_on IS NOT NULL) x) y
	 ) t ON true
	 -- the rule in force for the segment
	  LEFT JOIN LATERAL (
		SELECT (dormancy.rule_for(coalesce(c.industry, ''), coalesce(c.company_size, ''))).*
	  ) r ON true
	 ORDER BY c.industry IS NULL, c.industry COLLATE "C", c.company_size IS NOT NULL, c.company_size COLLATE "C";
END
$$;
COMMENT ON FUNCTION dormancy.suggest_rules(integer, double precision, double precision, double precision) IS
	'thresholds per rules segment (industry and size, industry, all) from the customers'' return curves: at risk, dormant and long dormant when these shares of the returns have come (Kaplan-Meier of the silences, current ones censored); a segment with fewer than min_gaps repeat gaps takes its industry''s or all customers''; with the rule in force and the differences in days, and the fitted BG/NBD''s P(alive) of the typical repeat buyer silent for dormant_after';

-- Write the suggested thresholds into dormancy.rules: the segment's rule is
-- updated (an installed default so becomes the user's, as any edit), or a
-- rule is added; min_order_amount and use_contract_end stay.  Only segments
-- with their own evidence unless include_inherited (a segment without
-- falls back to its industry's rule, or to the broader rules of rule_for()).
CREATE FUNCTION dormancy.apply_suggested_rules(min_gaps integer DEFAULT 30,
	at_risk_share double precision DEFAULT 0.75,
	dormant_share double precision DEFAULT 0.90,
	long_dormant_share double precision DEFAULT 0.98,
	include_inherited boolean DEFAULT false)
	RETURNS SETOF dormancy.rules
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
	written dormancy.rules;
	why text;
BEGIN
	FOR p IN
		SELECT s.* FROM dormancy.suggest_rules(min_gaps, at_risk_share, dormant_share, long_dormant_share) s
		 WHERE s.at_risk_after IS NOT NULL AND (s.based_on = 'own' OR include_inherited)
		 ORDER BY s.industry IS NULL, s.industry COLLATE "C", s.company_size IS NOT NULL, s.company_size COLLATE "C"
	LOOP
		why := format('suggested as of %s from %s repeat gaps (%s): %s, %s and %s of the returns came within the thresholds',
					  dormancy.as_of_day(), p.repeat_gaps,
					  CASE p.based_on WHEN 'own' THEN 'own' WHEN 'industry' THEN 'the industry''s'
									  ELSE 'all customers''' END,
					  at_risk_share, dormant_share, long_dormant_share);
		UPDATE dormancy.rules r
		   SET at_risk_after = p.at_risk_after, dormant_after = p.dormant_after,
			   long_dormant_after = p.long_dormant_after, note = why
		 WHERE dormancy.label_key(coalesce(r.industry, '')) = coalesce(p.industry, '')
		   AND dormancy.label_key(coalesce(r.company_size, '')) = coalesce(p.company_size, '')
		RETURNING r.* INTO written;
		IF NOT FOUND THEN
			-- a new segment keeps the large-order amount and the contract
			-- recency of the rule it followed
			INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after,
										min_order_amount, use_contract_end, note)
			SELECT p.industry, p.company_size, p.at_risk_after, p.dormant_after, p.long_dormant_after,
				   coalesce(f.min_order_amount, 0), coalesce(f.use_contract_end, false), why
			  FROM (SELECT 1) one
			  LEFT JOIN dormancy.rule_for(p.industry, p.company_size) f ON true
			RETURNING * INTO written;
		END IF;
		RETURN NEXT written;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy.apply_suggested_rules(integer, double precision, double precision, double precision, boolean) IS
	'write the thresholds of suggest_rules() into dormancy.rules (update the segment''s rule, an installed default becoming the user''s, or add one with the large-order amount and contract recency of the rule the segment followed); segments with their own evidence only unless include_inherited; returns the rules written';
REVOKE ALL ON FUNCTION dormancy.apply_suggested_rules(integer, double precision, double precision, double precision, boolean) FROM PUBLIC;

-- (end of Suggested rules (issue 14))

-- Holdout validation (issue 14)
--
-- validate_models() fits on a calibration period and compares with a
-- holdout period (sql_src/66_validation.sql); its runs are kept in two new
-- tables, and two new live views show the latest run of each segment:
-- _generated_views and _create_views are replaced (the new views at the
-- end of each), and _update_generated_views() at the end creates them.

CREATE SEQUENCE dormancy.model_validations_validation_id_seq AS integer;
COMMENT ON SEQUENCE dormancy.model_validations_validation_id_seq IS
	'generates dormancy.model_validations.validation_id, one per run of validate_models()';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validations_validation_id_seq', '');

CREATE TABLE dormancy.model_validations (
	validation_id integer NOT NULL,
	validated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	calibration_end date NOT NULL,
	holdout_end date NOT NULL,
	time_unit interval NOT NULL,
	segment_kind text NOT NULL,
	segment text,
	bucket text NOT NULL,
	customers bigint NOT NULL,
	predicted double precision,
	actual double precision NOT NULL,
	mean_absolute_error double precision,
	spend_customers bigint NOT NULL,
	predicted_spend double precision,
	actual_spend double precision,
	spend_mean_absolute_error double precision,
	bgnbd dormancy.bgnbd,
	gammagamma dormancy.gammagamma,
	CONSTRAINT model_validations_key UNIQUE NULLS NOT DISTINCT (validation_id, segment_kind, segment, bucket),
	CONSTRAINT model_validations_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT model_validations_segment CHECK ((segment_kind = 'all') = (segment IS NULL)),
	CONSTRAINT model_validations_bucket CHECK (bucket IN ('0', '1', '2', '3', '4', '5', '6', '7+', 'all')),
	CONSTRAINT model_validations_period CHECK (calibration_end < holdout_end),
	CONSTRAINT model_validations_predicted CHECK (predicted > '-Infinity' AND predicted < 'Infinity'),
	CONSTRAINT model_validations_actual CHECK (actual >= 0 AND actual < 'Infinity'),
	CONSTRAINT model_validations_mean_absolute_error CHECK (mean_absolute_error >= 0 AND mean_absolute_error < 'Infinity'),
	CONSTRAINT model_validations_predicted_spend CHECK (predicted_spend > '-Infinity' AND predicted_spend < 'Infinity'),
	CONSTRAINT model_validations_actual_spend CHECK (actual_spend > '-Infinity' AND actual_spend < 'Infinity'),
	CONSTRAINT model_validations_spend_mean_absolute_error CHECK (
		spend_mean_absolute_error >= 0 AND spend_mean_absolute_error < 'Infinity')
);
COMMENT ON TABLE dormancy.model_validations IS
	'holdout validations of the models, one row per run, segment and calibration-frequency bucket; written by dormancy.validate_models()';
COMMENT ON COLUMN dormancy.model_validations.validation_id IS 'the run: every row of one validate_models() call has the same id';
COMMENT ON COLUMN dormancy.model_validations.validated_at IS 'when the run was made';
COMMENT ON COLUMN dormancy.model_validations.calibration_end IS 'last day of the calibration period: the models were fitted on the purchase days up to it';
COMMENT ON COLUMN dormancy.model_validations.holdout_end IS 'last day of the holdout period, which starts the day after calibration_end';
COMMENT ON COLUMN dormancy.model_validations.time_unit IS 'the time unit of the fit and of the tracking periods';
COMMENT ON COLUMN dormancy.model_validations.segment_kind IS 'all, industry or company_size (model_settings.segment_by at the time of the run)';
COMMENT ON COLUMN dormancy.model_validations.segment IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_validations.bucket IS 'repeat purchase days in the calibration period: 0 to 6, 7+ (seven or more), or all';
COMMENT ON COLUMN dormancy.model_validations.customers IS 'customers of the segment and bucket with a purchase day on or before calibration_end';
COMMENT ON COLUMN dormancy.model_validations.predicted IS 'sum over those customers of the BG/NBD expected purchase days in the holdout period given their calibration frequency, recency and age (NULL when the model cannot give one for some customer)';
COMMENT ON COLUMN dormancy.model_validations.actual IS 'sum over those customers of their purchase days in the holdout period';
COMMENT ON COLUMN dormancy.model_validations.mean_absolute_error IS 'mean over the buckets 0 to 7+ with customers of |predicted - actual| / customers (purchase days per customer); the same on every row of the run and segment';
COMMENT ON COLUMN dormancy.model_validations.spend_customers IS 'customers of the bucket with a holdout purchase day of known amount and an expected spend';
COMMENT ON COLUMN dormancy.model_validations.predicted_spend IS 'mean over spend_customers of the Gamma-Gamma expected spend per purchase day given their calibration frequency and mean repeat spend';
COMMENT ON COLUMN dormancy.model_validations.actual_spend IS 'mean over spend_customers of their net amount per holdout purchase day (days of known amount)';
COMMENT ON COLUMN dormancy.model_validations.spend_mean_absolute_error IS 'mean over the buckets 0 to 7+ with spend_customers of |predicted_spend - actual_spend|; the same on every row of the run and segment';
COMMENT ON COLUMN dormancy.model_validations.bgnbd IS 'the BG/NBD model fitted on the calibration period';
COMMENT ON COLUMN dormancy.model_validations.gammagamma IS 'the Gamma-Gamma model fitted on the calibration period (NULL without repeat buyers)';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validations', '');

CREATE TABLE dormancy.model_validation_tracking (
	validation_id integer NOT NULL,
	segment_kind text NOT NULL,
	segment text,
	period integer NOT NULL,
	period_end date NOT NULL,
	holdout boolean NOT NULL,
	customers bigint NOT NULL,
	predicted double precision,
	actual double precision NOT NULL,
	CONSTRAINT model_validation_tracking_key UNIQUE NULLS NOT DISTINCT (validation_id, segment_kind, segment, period),
	CONSTRAINT model_validation_tracking_segment_kind CHECK (segment_kind IN ('all', 'industry', 'company_size')),
	CONSTRAINT model_validation_tracking_segment CHECK ((segment_kind = 'all') = (segment IS NULL)),
	CONSTRAINT model_validation_tracking_predicted CHECK (predicted > '-Infinity' AND predicted < 'Infinity'),
	CONSTRAINT model_validation_tracking_actual CHECK (actual >= 0 AND actual < 'Infinity')
);
COMMENT ON TABLE dormancy.model_validation_tracking IS
	'cumulative repeat purchase days per time unit, predicted and actual, of each holdout validation and segment (calibration and holdout periods); written by dormancy.validate_models()';
COMMENT ON COLUMN dormancy.model_validation_tracking.validation_id IS 'the run (dormancy.model_validations.validation_id)';
COMMENT ON COLUMN dormancy.model_validation_tracking.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.model_validation_tracking.segment IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_validation_tracking.period IS '1 for the first period end on or after the segment''s first purchase day, then one per time unit';
COMMENT ON COLUMN dormancy.model_validation_tracking.period_end IS 'the day the cumulative counts run to (included): calibration_end plus a whole number of time units (whole days), and holdout_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.holdout IS 'whether period_end is after calibration_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.customers IS 'customers validated whose first purchase day is on or before period_end';
COMMENT ON COLUMN dormancy.model_validation_tracking.predicted IS 'sum over those customers of the BG/NBD expected repeat purchase days of a new customer from its first purchase day to period_end (unconditional: it does not use the customer''s purchases)';
COMMENT ON COLUMN dormancy.model_validation_tracking.actual IS 'repeat purchase days (every purchase day but a customer''s first) of the validated customers up to period_end';
SELECT pg_catalog.pg_extension_config_dump('dormancy.model_validation_tracking', '');

-- The tracking's forecast, per period end (src/core/tracking.c): the
-- customers whose first purchase day is on or before it and the sum of
-- counts[i] * curve[end - first_days[i]] (curve's first element is lag 0),
-- NULL when the curve lacks a lag it needs.  A convolution that validate_models()
-- once computed as a join of every (end, first day) pair: 2.6 million rows
-- and 3.6 of its 7.8 s at 100,000 demo customers over a year's holdout.
CREATE FUNCTION dormancy._tracking_forecast(first_days date[], counts bigint[],
	curve double precision[], period_ends date[])
	RETURNS TABLE (period_end date, customers bigint, predicted double precision)
	AS 'MODULE_PATHNAME', 'dormancy_tracking_forecast'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION dormancy._tracking_forecast(date[], bigint[], double precision[], date[]) IS
	'internal: validate_models()''s tracking forecast per period end: the customers who first bought by it and their expected repeat purchases (counts times the curve at each first day''s lag)';

-- Fit on the calibration period and compare with the holdout period.  The
-- customers are those of fit_models(): every bound customer (each copy of a
-- duplicate id) with a purchase day on or before calibration_end; their
-- calibration summaries are btyd_summary(history, calibration_end), which
-- ignores the days after it, so the fits are those fit_models() would make
-- as of calibration_end with time_unit = unit (_fit_segments, the segments
-- and min_customers of model_settings).  The holdout purchase days, their
-- amounts and the days for the tracking come from purchase_history_days().
-- The summaries are kept in pg_temp.dormancy_fit_summaries (as
-- _fit_summaries() keeps them; dropped when done) with the holdout columns.
CREATE FUNCTION dormancy.validate_models(calibration_end date, holdout_end date,
	unit interval DEFAULT '7 days')
	RETURNS TABLE (validation_id integer, segment_kind text, segment text, bucket text,
				   customers bigint, predicted double precision, actual double precision,
				   mean_absolute_error double precision, spend_customers bigint,
				   predicted_spend double precision, actual_spend double precision,
				   spend_mean_absolute_error double precision, model text)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	SET jit = off	-- the fits are C aggregates: JIT would only add compile time
AS $$
DECLARE
	settings dormancy.model_settings := dormancy.model_settings_in_force();
	unit_days double precision;
	horizon double precision;
	run integer;
	fit record;
	-- the validated customers: each one's calibration summary (in days, as
	-- _fit_summaries keeps them) and what it bought up to holdout_end (a
	-- constant text, the kept summaries or, on Citus with the customers on
	-- the workers, the query that computes them there: $1 calibration_end,
	-- $2 holdout_end, $3 segment_by)
	histories text;
	summaries text;
BEGIN
	PERFORM dormancy._require_bound('validate the models');
	IF calibration_end IS NULL OR holdout_end IS NULL OR unit IS NULL THEN
		RAISE EXCEPTION 'calibration_end, holdout_end and unit must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT calibration_end < holdout_end OR NOT isfinite(calibration_end) OR NOT isfinite(holdout_end) THEN
		RAISE EXCEPTION 'holdout_end % is not after calibration_end %', holdout_end, calibration_end
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The holdout period runs from the day after calibration_end to holdout_end.';
	END IF;
	IF extract(month FROM unit) <> 0 OR extract(year FROM unit) <> 0 THEN
		RAISE EXCEPTION 'unit must not contain months'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Months have no fixed length in days.',
				  HINT = 'Use days, such as ''7 days'' for weeks.';
	END IF;
	unit_days := extract(epoch FROM unit) / 86400;
	IF NOT unit_days > 0 THEN
		RAISE EXCEPTION 'unit must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	horizon := (holdout_end - calibration_end) / unit_days;
	settings.time_unit := unit;

	-- (a fit_models() earlier in the transaction may have left its
	-- summaries: _fit_segments would fit those)
	PERFORM dormancy._drop_fit_tables();
	-- each history's part, from the live histories (histories are stored
	-- only inside a refresh, so outside one the live ones are
	-- customer_histories')
	histories := 'SELECT h.customer_id, b.frequency, b.recency, b.age, b.monetary_value, b.monetary_days, '
		'd.first_day, d.holdout_days, d.holdout_spend, d.holdout_spend_days, d.repeat_days '
		'FROM dormancy.customer_histories_live h '
		'CROSS JOIN LATERAL dormancy.btyd_summary(h.history, $1, ''1 day'') b '
		'CROSS JOIN LATERAL ('
		'  SELECT min(p.day) AS first_day, '
		'         count(*) FILTER (WHERE p.day > $1) AS holdout_days, '
		'         sum(p.amount) FILTER (WHERE p.day > $1 AND p.unknown_amount_orders = 0) AS holdout_spend, '
		'         count(*) FILTER (WHERE p.day > $1 AND p.unknown_amount_orders = 0) AS holdout_spend_days, '
		'         (array_agg(p.day ORDER BY p.day))[2:] AS repeat_days '
		'    FROM dormancy.purchase_history_days(h.history) p '
		'   WHERE p.is_purchase_day AND p.day <= $2) d '
		'WHERE b.frequency IS NOT NULL';
	-- with each customer's segment columns and its segment's value
	-- ($3 segment_by), computed once per customer
	summaries := 'SELECT c.industry, c.company_size, '
		'dormancy._segment_value($3, c.industry, c.company_size) AS segment, s.* '
		'FROM dormancy.src_customers c JOIN (%s) s ON s.customer_id = c.customer_id '
		'WHERE c.customer_id IS NOT NULL';
	IF dormancy._fits_on_workers() THEN
		-- the fits' observations folded on the workers, as fit_models() folds them
		PERFORM dormancy._fit_states(settings, calibration_end);
		summaries := format(summaries, histories);
	ELSE
		-- the customers' summaries in one pass (on Citus with the customers
		-- collected on the coordinator: the histories' part, kept apart by
		-- OFFSET 0, computed on the workers, one task per shard, and the
		-- summaries received here)
		EXECUTE format('CREATE TEMP TABLE dormancy_fit_summaries ON COMMIT DROP AS ' || summaries,
					   histories || ' OFFSET 0')
			USING calibration_end, holdout_end, settings.segment_by;
		ANALYZE pg_temp.dormancy_fit_summaries (industry, company_size);
		summaries := 'SELECT * FROM pg_temp.dormancy_fit_summaries';
	END IF;

	-- the fits, as fit_models() makes them, numbered
	CREATE TEMP TABLE dormancy_validation_models ON COMMIT DROP AS
	SELECT (row_number() OVER ())::integer AS model_no, f.segment_kind, f.segment_value AS segment, f.bgnbd,
		   CASE WHEN (f.gammagamma).customers > 0 THEN f.gammagamma END AS gammagamma, f.paretonbd,
		   f.bgnbd_status, f.gammagamma_status, f.paretonbd_status
	  FROM dormancy._fit_segments(settings) f;
	-- a WARNING for each fit validated that did not converge (none for the
	-- segments fitted and dropped); its predictions are validated all the same
	FOR fit IN
		SELECT m.* FROM pg_temp.dormancy_validation_models m
		 ORDER BY m.segment_kind <> 'all', m.segment_kind, m.segment COLLATE "C" LOOP
		PERFORM dormancy._warn_not_converged(fit.segment_kind, fit.segment, fit.bgnbd_status,
											 fit.gammagamma_status, fit.paretonbd_status,
											 'are validated with converged = false');
	END LOOP;

	-- each customer once under the overall model and once under its
	-- segment's, with the predictions, summed per model and calibration
	-- frequency (0 to 6, 7+): the customers, the predictions and how many
	-- there are (a model that cannot give one for some customer predicts
	-- nothing for the bucket), the holdout purchase days, and the predicted
	-- and actual spend of the customers with a holdout purchase day of known
	-- amount and an expected spend
	EXECUTE format($q$CREATE TEMP TABLE dormancy_validation_buckets ON COMMIT DROP AS
	SELECT c.model_no, c.bucket, count(*) AS customers,
		   count(c.predicted) AS bgnbd_predictions, sum(c.predicted::numeric) AS bgnbd_predicted,
		   count(c.predicted_paretonbd) AS paretonbd_predictions,
		   sum(c.predicted_paretonbd::numeric) AS paretonbd_predicted,
		   sum(c.holdout_days) AS actual,
		   count(*) FILTER (WHERE c.holdout_spend_days > 0 AND c.predicted_spend IS NOT NULL) AS spend_customers,
		   sum(c.predicted_spend::numeric) FILTER (WHERE c.holdout_spend_days > 0) AS predicted_spend,
		   sum((c.holdout_spend / c.holdout_spend_days)::numeric)
			   FILTER (WHERE c.holdout_spend_days > 0 AND c.predicted_spend IS NOT NULL) AS actual_spend
	  FROM (SELECT m.model_no, CASE WHEN s.frequency >= 7 THEN '7+' ELSE s.frequency::text END AS bucket,
				   s.holdout_days, s.holdout_spend, s.holdout_spend_days,
				   b.expected_purchases AS predicted, p.expected_purchases AS predicted_paretonbd,
				   CASE WHEN (m.gammagamma).p > 0 AND (m.gammagamma).q > 0 AND (m.gammagamma).v > 0
							 AND (m.gammagamma).p * s.monetary_days + (m.gammagamma).q > 1
						THEN dormancy.gammagamma_expected_spend(m.gammagamma, s.monetary_days, s.monetary_value) END AS predicted_spend
			  FROM (%s) s
			  JOIN pg_temp.dormancy_validation_models m ON m.segment_kind = 'all' OR m.segment = s.segment
			  -- each prediction once per customer and model, as a function
			  -- scan: an expression of the subquery would be computed again
			  -- by each aggregate that reads it, the subquery being pulled up
			  CROSS JOIN LATERAL dormancy.model_predictions(m.bgnbd, NULL, s.frequency, s.recency / $4,
															s.age / $4, NULL, $5) b
			  -- under Pareto/NBD too when it is fitted (model_settings.model
			  -- is not bgnbd; else NULLs, at once)
			  CROSS JOIN LATERAL dormancy.model_predictions_paretonbd(m.paretonbd, NULL, s.frequency, s.recency / $4,
																	  s.age / $4, NULL, $5, NULL, NULL) p) c
	 GROUP BY c.model_no, c.bucket$q$, summaries)
		USING calibration_end, holdout_end, settings.segment_by, unit_days, horizon;
	-- the tracking's days: per model and day, the customers whose first
	-- purchase day it is, and the repeat purchase days on it (every purchase
	-- day but a customer's first, up to holdout_end)
	EXECUTE format($q$CREATE TEMP TABLE dormancy_validation_days ON COMMIT DROP AS
	SELECT m.model_no, d.day, count(*) FILTER (WHERE d.n = 1) AS firsts, count(*) FILTER (WHERE d.n > 1) AS repeats
	  FROM (%s) s
	  JOIN pg_temp.dormancy_validation_models m ON m.segment_kind = 'all' OR m.segment = s.segment
	 CROSS JOIN LATERAL unnest(array_prepend(s.first_day, s.repeat_days)) WITH ORDINALITY d(day, n)
	 GROUP BY m.model_no, d.day$q$, summaries)
		USING calibration_end, holdout_end, settings.segment_by;
	PERFORM dormancy._drop_fit_tables();
	ANALYZE pg_temp.dormancy_validation_days;

	run := nextval('dormancy.model_validations_validation_id_seq');

	-- per bucket, every bucket of every segment, BG/NBD's and (when fitted)
	-- Pareto/NBD's, and all of them; the spend columns are the same on both
	INSERT INTO dormancy.model_validations (validation_id, calibration_end, holdout_end, time_unit,
		segment_kind, segment, bucket, customers, predicted, actual, mean_absolute_error,
		spend_customers, predicted_spend, actual_spend, spend_mean_absolute_error, bgnbd, gammagamma,
		model, paretonbd, gammagamma_x)
	SELECT run, calibration_end, holdout_end, unit, m.segment_kind, m.segment, b.bucket,
		   b.customers, b.predicted, b.actual,
		   avg(abs(b.predicted - b.actual) / b.customers)
			   FILTER (WHERE b.bucket <> 'all' AND b.customers > 0)
			   OVER (PARTITION BY b.model_no, b.model),
		   b.spend_customers, b.predicted_spend, b.actual_spend,
		   avg(abs(b.predicted_spend - b.actual_spend))
			   FILTER (WHERE b.bucket <> 'all' AND b.spend_customers > 0)
			   OVER (PARTITION BY b.model_no, b.model),
		   m.bgnbd, m.gammagamma, b.model, CASE WHEN b.model = 'paretonbd' THEN m.paretonbd END, 'monetary_days'
	  FROM (SELECT k.model_no, k.model, k.bucket,
				   coalesce(sum(c.customers), 0)::bigint AS customers,
				   CASE WHEN coalesce(sum(c.customers), 0) = coalesce(sum(CASE k.model WHEN 'bgnbd' THEN c.bgnbd_predictions
																				ELSE c.paretonbd_predictions END), 0)
						THEN coalesce(sum(CASE k.model WHEN 'bgnbd' THEN c.bgnbd_predicted ELSE c.paretonbd_predicted END), 0)::double precision
						END AS predicted,
				   coalesce(sum(c.actual), 0)::double precision AS actual,
				   coalesce(sum(c.spend_customers), 0)::bigint AS spend_customers,
				   (sum(c.predicted_spend) / nullif(sum(c.spend_customers), 0))::double precision AS predicted_spend,
				   (sum(c.actual_spend) / nullif(sum(c.spend_customers), 0))::double precision AS actual_spend
			  FROM (SELECT m.model_no, d.model, k.bucket
					  FROM pg_temp.dormancy_validation_models m
					 CROSS JOIN (VALUES ('bgnbd'), ('paretonbd')) d(model)
					 CROSS JOIN (VALUES ('0'), ('1'), ('2'), ('3'), ('4'), ('5'), ('6'), ('7+'), ('all')) k(bucket)
					 WHERE d.model = 'bgnbd' OR m.paretonbd IS NOT NULL) k
			  LEFT JOIN pg_temp.dormancy_validation_buckets c
				ON c.model_no = k.model_no AND (c.bucket = k.bucket OR k.bucket = 'all')
			 GROUP BY k.model_no, k.model, k.bucket) b
	  JOIN pg_temp.dormancy_validation_models m ON m.model_no = b.model_no;

	-- the tracking: period ends calibration_end + k units (whole days) from
	-- the segment's first purchase day to holdout_end, and holdout_end; the
	-- customers per model and first purchase day; the expectation of a new
	-- customer once per model and lag in days
	CREATE TEMP TABLE dormancy_validation_firsts ON COMMIT DROP AS
	SELECT d.model_no, d.day AS first_day, d.firsts AS n
	  FROM pg_temp.dormancy_validation_days d
	 WHERE d.firsts > 0;
	CREATE TEMP TABLE dormancy_validation_ends ON COMMIT DROP AS
	SELECT s.model_no, e.period_end
	  FROM (SELECT f.model_no, min(f.first_day) AS first_day
			  FROM pg_temp.dormancy_validation_firsts f GROUP BY f.model_no) s
	 CROSS JOIN LATERAL (
		SELECT calibration_end + floor(k * unit_days)::integer AS period_end
		  FROM generate_series(floor((s.first_day - calibration_end) / unit_days)::integer,
							   floor((holdout_end - calibration_end) / unit_days)::integer) k
		UNION
		SELECT holdout_end) e
	 WHERE e.period_end >= s.first_day;
	CREATE TEMP TABLE dormancy_validation_curve ON COMMIT DROP AS
	SELECT m.model_no, l.lag, dormancy.bgnbd_expected_purchases_new(m.bgnbd, l.lag / unit_days) AS expected
	  FROM pg_temp.dormancy_validation_models m
	 CROSS JOIN LATERAL generate_series(0, holdout_end - (SELECT min(f.first_day) FROM pg_temp.dormancy_validation_firsts f
														  WHERE f.model_no = m.model_no)) l(lag)
	 WHERE (m.bgnbd).r > 0 AND (m.bgnbd).alpha > 0 AND (m.bgnbd).a > 0 AND (m.bgnbd).b > 0;

	INSERT INTO dormancy.model_validation_tracking (validation_id, segment_kind, segment, period,
		period_end, holdout, customers, predicted, actual)
	-- per model and period end, the customers who first bought by it and
	-- the sum of their expectations, each first day's count times the curve
	-- at its lag (NULL when the curve lacks one), summed in the order of the
	-- first days: the same digits on one server and on Citus
	WITH forecast AS (
		SELECT e.model_no, t.period_end, t.customers, t.predicted
		  FROM (SELECT e.model_no, array_agg(e.period_end ORDER BY e.period_end) AS ends
				  FROM pg_temp.dormancy_validation_ends e GROUP BY e.model_no) e
		  JOIN (SELECT f.model_no, array_agg(f.first_day ORDER BY f.first_day) AS first_days,
					   array_agg(f.n ORDER BY f.first_day) AS counts
				  FROM pg_temp.dormancy_validation_firsts f GROUP BY f.model_no) f ON f.model_no = e.model_no
		  LEFT JOIN (SELECT g.model_no, array_agg(g.expected ORDER BY g.lag) AS curve
					   FROM pg_temp.dormancy_validation_curve g GROUP BY g.model_no) g ON g.model_no = e.model_no
		 CROSS JOIN LATERAL dormancy._tracking_forecast(f.first_days, f.counts, g.curve, e.ends) t),
	-- the repeat purchase days and the period ends in one ordered pass: a
	-- running sum, read at each end (a day's purchases before its end)
	events AS (
		SELECT d.model_no, d.day, false AS is_end, d.repeats
		  FROM pg_temp.dormancy_validation_days d
		 WHERE d.repeats > 0
		UNION ALL
		SELECT e.model_no, e.period_end, true, 0 FROM pg_temp.dormancy_validation_ends e),
	observed AS (
		SELECT x.model_no, x.day AS period_end, x.actual
		  FROM (SELECT v.model_no, v.day, v.is_end,
					   sum(v.repeats) OVER (PARTITION BY v.model_no ORDER BY v.day, v.is_end ROWS UNBOUNDED PRECEDING) AS actual
				  FROM events v) x
		 WHERE x.is_end)
	SELECT run, m.segment_kind, m.segment,
		   row_number() OVER (PARTITION BY p.model_no ORDER BY p.period_end),
		   p.period_end, p.period_end > calibration_end, p.customers, p.predicted, a.actual
	  FROM forecast p
	  JOIN observed a ON a.model_no = p.model_no AND a.period_end = p.period_end
	  JOIN pg_temp.dormancy_validation_models m ON m.model_no = p.model_no;

	DROP TABLE pg_temp.dormancy_validation_curve;
	DROP TABLE pg_temp.dormancy_validation_ends;
	DROP TABLE pg_temp.dormancy_validation_firsts;
	DROP TABLE pg_temp.dormancy_validation_days;
	DROP TABLE pg_temp.dormancy_validation_buckets;
	DROP TABLE pg_temp.dormancy_validation_models;
	RETURN QUERY
	SELECT v.validation_id, v.segment_kind, v.segment, v.bucket, v.customers, v.predicted, v.actual,
		   v.mean_absolute_error, v.spend_customers, v.predicted_spend, v.actual_spend,
		   v.spend_mean_absolute_error, v.model
	  FROM dormancy.model_validations v
	 WHERE v.validation_id = run
	 ORDER BY v.model <> 'bgnbd', v.segment_kind <> 'all', v.segment_kind, v.segment COLLATE "C", v.bucket COLLATE "C";
END
$$;
COMMENT ON FUNCTION dormancy.validate_models(date, date, interval) IS
	'fit BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD on the purchases up to calibration_end (overall and per segment, as fit_models()) and compare with the holdout period up to holdout_end: repeat purchase days per calibration-frequency bucket, mean spend per purchase day and the tracking per time unit; stores the run in model_validations and model_validation_tracking and returns its bucket rows';
REVOKE ALL ON FUNCTION dormancy.validate_models(date, date, interval) FROM PUBLIC;

-- (_generated_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

-- (_create_views(): defined in an earlier section)
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

-- The holdout validations of the models, for BI tools and analysts alike
-- (the live views over them, latest_validation and
-- latest_validation_tracking, are granted when built: _create_views gives
-- them to dormancy_reader, _after_build_97_privileges to dormancy_analyst).
GRANT SELECT ON dormancy.model_validations, dormancy.model_validation_tracking
	TO dormancy_reader, dormancy_analyst;

-- (end of Holdout validation (issue 14))

-- Looking ahead (issue 14)
--
-- The model per segment: model_settings.model, models.paretonbd and
-- models.model, customer_status.forecast_model; _fit_segments() returns the
-- Pareto/NBD fit too (a new row type: dropped and created again).
-- customer_status.p_alive_ahead, p_purchase_ahead and expected_dormancy_day
-- (the last two also in call_list and snapshot_call_list), from the new
-- model_settings.lookahead and p_alive_threshold.  Changed functions of
-- earlier sections (_create_views, the snapshot views' definitions and
-- comments) have their new text there.
-- model_settings_in_force() (its body is parsed: it holds the row type) is
-- a stand-in with a string body while the table takes its new columns
DO $$
BEGIN
	EXECUTE format('CREATE OR REPLACE FUNCTION %s()
		RETURNS dormancy.model_settings
		LANGUAGE sql STABLE PARALLEL SAFE
		SET search_path = pg_catalog, pg_temp
		AS ''SELECT NULL::dormancy.model_settings''', 'dormancy.model_settings_in_force');
END
$$;
ALTER TABLE dormancy.model_settings
	ADD COLUMN lookahead interval NOT NULL DEFAULT '90 days',
	ADD COLUMN p_alive_threshold double precision NOT NULL DEFAULT 0.5,
	ADD COLUMN model text NOT NULL DEFAULT 'bgnbd',
	ADD CONSTRAINT model_settings_lookahead CHECK (lookahead >= interval '0'
		AND extract(month FROM lookahead) = 0 AND extract(year FROM lookahead) = 0),
	ADD CONSTRAINT model_settings_p_alive_threshold CHECK (p_alive_threshold > 0 AND p_alive_threshold < 1),
	ADD CONSTRAINT model_settings_model CHECK (model IN ('bgnbd', 'paretonbd', 'likelihood'));
COMMENT ON COLUMN dormancy.model_settings.model IS 'the model customer_status applies per segment: bgnbd (default), paretonbd (when its fit converged, else BG/NBD), or likelihood (the one with the higher log-likelihood on the segment: both have four parameters)';
-- the model each segment applies (Pareto/NBD fitted when it may be chosen)
ALTER TABLE dormancy.models
	ADD COLUMN paretonbd dormancy.paretonbd,
	ADD COLUMN model text NOT NULL DEFAULT 'bgnbd',
	ADD CONSTRAINT models_model CHECK (model IN ('bgnbd', 'paretonbd'));
COMMENT ON COLUMN dormancy.models.paretonbd IS 'the Pareto/NBD model, fitted when model_settings.model is not bgnbd (else NULL)';
COMMENT ON COLUMN dormancy.models.model IS 'the model customer_status applies for this segment: bgnbd or paretonbd (model_settings.model)';
COMMENT ON COLUMN dormancy.model_settings.lookahead IS 'customer_status.p_alive_ahead and p_purchase_ahead look this far ahead (days only); default 90 days';
COMMENT ON COLUMN dormancy.model_settings.p_alive_threshold IS 'customer_status.expected_dormancy_day is the day p_alive falls below this if no purchase comes; default 0.5';
-- the defaults now have eight fields
CREATE OR REPLACE FUNCTION dormancy.model_settings_in_force()
	RETURNS dormancy.model_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.model_settings s),
					ROW(true, interval '7 days', interval '1 year', 'industry', 200, interval '7 days',
						interval '90 days', 0.5, 'bgnbd')::dormancy.model_settings);
COMMENT ON FUNCTION dormancy.model_settings_in_force() IS
	'the row of dormancy.model_settings, or the defaults when it is empty';

-- Looking ahead: what happens if the customer stays silent (docs/models.md)
CREATE FUNCTION dormancy.bgnbd_p_purchase(m dormancy.bgnbd, t double precision, frequency integer,
	recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_p_purchase'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_p_purchase(dormancy.bgnbd, double precision, integer, double precision, double precision) IS
	'probability of at least one purchase in the next t time units of a customer with this frequency, recency and age';

CREATE FUNCTION dormancy.bgnbd_dormant_age(m dormancy.bgnbd, frequency integer, recency double precision,
	threshold double precision DEFAULT 0.5)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_dormant_age'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_dormant_age(dormancy.bgnbd, integer, double precision, double precision) IS
	'the age (time units since the first purchase) at which p_alive falls below threshold if no purchase comes after the last one: recency when it already is below right after it, Infinity without repeat purchases (p_alive stays 1)';

-- not STRICT: NULL inputs give NULL values, as model_predictions
CREATE FUNCTION dormancy.model_lookahead(bgnbd dormancy.bgnbd, frequency integer,
	recency double precision, age double precision, ahead double precision, threshold double precision,
	OUT p_alive_ahead double precision, OUT p_purchase_ahead double precision,
	OUT dormant_age double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_lookahead'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_lookahead(dormancy.bgnbd, integer, double precision, double precision, double precision, double precision) IS
	'the looking-ahead columns of customer_status: p_alive if silent for ahead more time units, the probability of a purchase in them, and the age at which p_alive falls below threshold (NULL: never); a value that cannot be computed is NULL and problem says why';

DROP FUNCTION dormancy._fit_segments(dormancy.model_settings);
-- The fits of the overall model and one per segment, over the bound data as
-- of dormancy.as_of(), from the summaries that fit_models() keeps in
-- pg_temp.dormancy_fit_summaries (_fit_summaries): each bound customer with
-- a purchase day by then, its segment columns and the BTYD summary of its
-- history, the same values as customer_core's frequency, recency_days,
-- age_days and monetary_value.  The aggregates sort and count identical
-- summaries once (docs/models.md), so the order of the rows does not change
-- a fit.  With segment_by = 'none' a plain aggregate: GROUPING SETS ((),
-- (segment)) would fit the whole population a second time as the segment
-- NULL group.  (With segments, the customers without one are still fitted as
-- a group and dropped by HAVING.)  fit_models() numbers the models in a
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
COMMENT ON FUNCTION dormancy._fit_segments(dormancy.model_settings) IS
	'internal: the BG/NBD, Gamma-Gamma and (unless model_settings.model is bgnbd) Pareto/NBD fits of fit_models() with their covariance matrices, overall and per segment, from the customers'' summaries kept by _fit_summaries()';

-- What model_predictions and model_lookahead give, under a Pareto/NBD model
-- (customer_status, for a segment whose chosen model it is:
-- model_settings.model).  Not STRICT: NULL inputs give NULL values, and a
-- value that cannot be computed is NULL with the reason in problem.
-- No probability of a purchase ahead: under Pareto/NBD it has no closed form.
CREATE FUNCTION dormancy.model_predictions_paretonbd(paretonbd dormancy.paretonbd,
	gammagamma dormancy.gammagamma, frequency integer, recency double precision,
	age double precision, monetary_value double precision, horizon double precision,
	ahead double precision, threshold double precision, monetary_days integer DEFAULT NULL,
	OUT p_alive double precision, OUT expected_purchases double precision,
	OUT expected_value double precision, OUT p_alive_ahead double precision,
	OUT dormant_age double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_predictions_paretonbd'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_predictions_paretonbd(dormancy.paretonbd, dormancy.gammagamma, integer, double precision, double precision, double precision, double precision, double precision, double precision, integer) IS
	'p_alive, expected purchases and value in the next horizon, p_alive if silent for ahead more units and the age at which p_alive falls below threshold, under a Pareto/NBD model, as customer_status computes them (monetary_days: the repeat days of known amount, Gamma-Gamma''s x; NULL: the frequency): a value that cannot be computed is NULL and problem says why';

-- (end of Looking ahead (issue 14))

-- Forecast intervals and model choice by validation (issue 14)
--
-- Intervals of the forecasts: the covariance matrices of the fitted
-- parameters (models.bgnbd_covariance, paretonbd_covariance,
-- gammagamma_covariance, stored by fit_models() through the new aggregates
-- of a fit and its covariance in _fit_segments()), model_intervals() and the live view
-- forecast_intervals (in _generated_views and _create_views, built by
-- _update_generated_views() at the end).  Pareto/NBD looking ahead:
-- paretonbd_p_purchase() and model_lookahead(paretonbd, ...), which
-- customer_status now uses for p_purchase_ahead under Pareto/NBD.
-- Changed functions of earlier sections (fit_models, _create_views,
-- _generated_views) have their final text here.
ALTER TABLE dormancy.models ADD COLUMN bgnbd_covariance double precision[],
	ADD COLUMN paretonbd_covariance double precision[],
	ADD COLUMN gammagamma_covariance double precision[];
COMMENT ON COLUMN dormancy.models.bgnbd_covariance IS 'covariance matrix (4 x 4) of r, alpha, a, b from the observed information at the estimate, stored by fit_models() (NULL when the fit did not converge); the intervals of dormancy.forecast_intervals come from it';
COMMENT ON COLUMN dormancy.models.paretonbd_covariance IS 'covariance matrix (4 x 4) of r, alpha, s, beta of the Pareto/NBD fit, likewise (NULL when not fitted or not converged)';
COMMENT ON COLUMN dormancy.models.gammagamma_covariance IS 'covariance matrix (3 x 3) of p, q, v, likewise';

-- The covariance aggregates share the transition functions of the standard
-- errors (sql_src/46_model_parameters.sql); no combine function either.
CREATE FUNCTION dormancy.bgnbd_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'bgnbd_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_covariance_final(internal) IS
	'aggregate final function of bgnbd_covariance: the covariance matrix of r, alpha, a, b';
CREATE AGGREGATE dormancy.bgnbd_covariance(model dormancy.bgnbd, frequency integer,
	recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_standard_errors_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.bgnbd_covariance_final, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.bgnbd_covariance(dormancy.bgnbd, integer, double precision, double precision) IS
	'covariance matrix (4 x 4) of the parameters r, alpha, a, b of a BG/NBD model (the same on every row) fitted to these customer summaries, from the observed information; NULL when the model is not at a maximum of their likelihood';

CREATE FUNCTION dormancy.gammagamma_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'gammagamma_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_covariance_final(internal) IS
	'aggregate final function of gammagamma_covariance: the covariance matrix of p, q, v';
CREATE AGGREGATE dormancy.gammagamma_covariance(model dormancy.gammagamma, frequency integer,
	monetary_value double precision) (
	SFUNC = dormancy.gammagamma_standard_errors_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.gammagamma_covariance_final, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.gammagamma_covariance(dormancy.gammagamma, integer, double precision) IS
	'covariance matrix (3 x 3) of the parameters p, q, v of a Gamma-Gamma model (the same on every row) over customers with frequency > 0, from the observed information; NULL when the model is not at a maximum of their likelihood';

CREATE FUNCTION dormancy.paretonbd_covariance_trans(internal, dormancy.paretonbd, integer,
	double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'paretonbd_covariance_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_covariance_trans(internal, dormancy.paretonbd, integer, double precision, double precision) IS
	'aggregate transition function of paretonbd_covariance';
CREATE FUNCTION dormancy.paretonbd_covariance_final(internal)
	RETURNS double precision[] AS 'MODULE_PATHNAME', 'paretonbd_covariance_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_covariance_final(internal) IS
	'aggregate final function of paretonbd_covariance: the covariance matrix of r, alpha, s, beta';
CREATE AGGREGATE dormancy.paretonbd_covariance(model dormancy.paretonbd, frequency integer,
	recency double precision, age double precision) (
	SFUNC = dormancy.paretonbd_covariance_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.paretonbd_covariance_final, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.paretonbd_covariance(dormancy.paretonbd, integer, double precision, double precision) IS
	'covariance matrix (4 x 4) of the parameters r, alpha, s, beta of a Pareto/NBD model (the same on every row) fitted to these customer summaries, from the observed information; NULL when the model is not at a maximum of their likelihood';

-- The fits of fit_models() and their covariance matrices in one pass over
-- the summaries (_fit_segments): internal copies of bgnbd_fit, paretonbd_fit
-- and gammagamma_fit whose final functions leave the state usable by
-- another (FINALFUNC_MODIFY = SHAREABLE: they compact it in place and keep
-- the fit in it), and aggregates of the covariance matrix at the fit over the
-- same rows, with the same transition function and arguments.  PostgreSQL
-- then keeps one state for a fit and its covariance, which is fitted once;
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

REVOKE ALL ON FUNCTION dormancy._bgnbd_fit_covariance_final(internal), dormancy._paretonbd_fit_covariance_final(internal),
	dormancy._gammagamma_fit_covariance_final(internal) FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._bgnbd_fit(integer, double precision, double precision),
	dormancy._bgnbd_fit_covariance(integer, double precision, double precision),
	dormancy._paretonbd_fit(integer, double precision, double precision),
	dormancy._paretonbd_fit_covariance(integer, double precision, double precision),
	dormancy._gammagamma_fit(integer, double precision),
	dormancy._gammagamma_fit_covariance(integer, double precision) FROM PUBLIC;

-- Not STRICT: NULL inputs give NULL values, an unusable one too (quietly,
-- as model_predictions), so one customer or a hand-edited model row never
-- stops the view.
CREATE FUNCTION dormancy.model_intervals(model dormancy.bgnbd, covariance double precision[],
	gammagamma dormancy.gammagamma, gammagamma_covariance double precision[],
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision, monetary_days integer DEFAULT NULL,
	OUT p_alive double precision, OUT p_alive_low double precision, OUT p_alive_high double precision,
	OUT expected_purchases double precision, OUT expected_purchases_low double precision,
	OUT expected_purchases_high double precision,
	OUT expected_value double precision, OUT expected_value_low double precision,
	OUT expected_value_high double precision)
	RETURNS record AS 'MODULE_PATHNAME', 'model_intervals_bgnbd'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_intervals(dormancy.bgnbd, double precision[], dormancy.gammagamma, double precision[], integer, double precision, double precision, double precision, double precision, integer) IS
	'p_alive, expected purchases and expected value in the next horizon under a BG/NBD and a Gamma-Gamma model, each with its 95% interval from the covariance of the parameters (delta method); an interval is NULL without a covariance or when it cannot be computed; monetary_days: the repeat days of known amount, Gamma-Gamma''s x (NULL: the frequency)';

CREATE FUNCTION dormancy.model_intervals(model dormancy.paretonbd, covariance double precision[],
	gammagamma dormancy.gammagamma, gammagamma_covariance double precision[],
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision, monetary_days integer DEFAULT NULL,
	OUT p_alive double precision, OUT p_alive_low double precision, OUT p_alive_high double precision,
	OUT expected_purchases double precision, OUT expected_purchases_low double precision,
	OUT expected_purchases_high double precision,
	OUT expected_value double precision, OUT expected_value_low double precision,
	OUT expected_value_high double precision)
	RETURNS record AS 'MODULE_PATHNAME', 'model_intervals_paretonbd'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_intervals(dormancy.paretonbd, double precision[], dormancy.gammagamma, double precision[], integer, double precision, double precision, double precision, double precision, integer) IS
	'p_alive, expected purchases and expected value in the next horizon under a Pareto/NBD and a Gamma-Gamma model, each with its 95% interval from the covariance of the parameters (delta method); an interval is NULL without a covariance or when it cannot be computed; monetary_days: the repeat days of known amount, Gamma-Gamma''s x (NULL: the frequency)';

CREATE FUNCTION dormancy.paretonbd_p_purchase(m dormancy.paretonbd, t double precision,
	frequency integer, recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'paretonbd_p_purchase'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.paretonbd_p_purchase(dormancy.paretonbd, double precision, integer, double precision, double precision) IS
	'probability of at least one purchase in the next t time units of a customer with this frequency, recency and age, under a Pareto/NBD model';

-- not STRICT: NULL inputs give NULL values, as model_lookahead(bgnbd, ...)
CREATE FUNCTION dormancy.model_lookahead(paretonbd dormancy.paretonbd, frequency integer,
	recency double precision, age double precision, ahead double precision, threshold double precision,
	OUT p_alive_ahead double precision, OUT p_purchase_ahead double precision,
	OUT dormant_age double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_lookahead_paretonbd'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_lookahead(dormancy.paretonbd, integer, double precision, double precision, double precision, double precision) IS
	'the looking-ahead columns of customer_status under a Pareto/NBD model: p_alive if silent for ahead more time units, the probability of a purchase in them, and the age at which p_alive falls below threshold (NULL: never); a value that cannot be computed is NULL and problem says why';

COMMENT ON FUNCTION dormancy.fit_models() IS
	'fit BG/NBD and Gamma-Gamma over the bound customers as of dormancy.as_of(), overall and per segment (model_settings), replacing dormancy.models';
REVOKE ALL ON FUNCTION dormancy.fit_models() FROM PUBLIC;

-- Model choice by holdout validation: model_settings.model = 'validation'
-- chooses per segment the model with the lower mean absolute error in the
-- segment's latest validation of both (models.model_reason says why);
-- validate_models() validates Pareto/NBD too unless the setting is bgnbd
-- (model_validations.model, paretonbd; a new result column: dropped and
-- created again).  fit_models() has its final text above.
ALTER TABLE dormancy.model_settings DROP CONSTRAINT model_settings_model,
	ADD CONSTRAINT model_settings_model CHECK (model IN ('bgnbd', 'paretonbd', 'likelihood', 'validation'));
COMMENT ON COLUMN dormancy.model_settings.model IS 'the model customer_status applies per segment: bgnbd (default), paretonbd (when its fit converged, else BG/NBD), likelihood (the one with the higher log-likelihood on the segment: both have four parameters) or validation (the one with the lower mean absolute error in the segment''s latest holdout validation of both, validate_models(); BG/NBD without one); models.model_reason says why';
ALTER TABLE dormancy.models ADD COLUMN model_reason text;
COMMENT ON COLUMN dormancy.models.model_reason IS 'why model is the one applied: the setting, the log-likelihoods, or the holdout errors of the validation it was chosen by (model_settings.model)';
ALTER TABLE dormancy.model_validations ADD COLUMN model text NOT NULL DEFAULT 'bgnbd',
	ADD COLUMN paretonbd dormancy.paretonbd,
	DROP CONSTRAINT model_validations_key,
	ADD CONSTRAINT model_validations_key UNIQUE NULLS NOT DISTINCT (validation_id, model, segment_kind, segment, bucket),
	ADD CONSTRAINT model_validations_model CHECK (model IN ('bgnbd', 'paretonbd'));
COMMENT ON COLUMN dormancy.model_validations.predicted IS 'sum over those customers of the expected purchase days in the holdout period given their calibration frequency, recency and age, under the row''s model (NULL when the model cannot give one for some customer)';
COMMENT ON COLUMN dormancy.model_validations.mean_absolute_error IS 'mean over the buckets 0 to 7+ with customers of |predicted - actual| / customers (purchase days per customer); the same on every row of the run, model and segment; model_settings.model = validation chooses the model by it';
COMMENT ON COLUMN dormancy.model_validations.bgnbd IS 'the BG/NBD model fitted on the calibration period (on the Pareto/NBD rows too)';
COMMENT ON COLUMN dormancy.model_validations.model IS 'the model validated: bgnbd, or paretonbd (validated too unless model_settings.model is bgnbd)';
COMMENT ON COLUMN dormancy.model_validations.paretonbd IS 'the Pareto/NBD model fitted on the calibration period (NULL when model_settings.model is bgnbd)';
-- (validate_models(): defined in an earlier section)

-- _model_for returns the model chosen for the segment (model, paretonbd):
-- a new return type, dropped and created again (no view uses it until
-- _update_generated_views() builds them at the end)
DROP FUNCTION dormancy._model_for(text, text);
CREATE FUNCTION dormancy._model_for(industry text, company_size text,
									OUT model_id integer, OUT bgnbd dormancy.bgnbd,
									OUT gammagamma dormancy.gammagamma,
									OUT unit_days double precision, OUT horizon_days double precision,
									OUT model text, OUT paretonbd dormancy.paretonbd)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_for'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_for(text, text) IS
	'internal: the converged dormancy.models row for a customer (its industry''s or company size''s by label_key, else the overall one), with its time unit, the horizon in days and the model chosen for it (models.model; paretonbd: its Pareto/NBD fit when that is the one); all NULL when none';

-- the value distribution under the model chosen for each segment, as customer_status
COMMENT ON FUNCTION dormancy._store_value_distribution() IS
	'internal: store the quantiles of the customers'' total_amount and expected_value in dormancy.value_distribution, from the summaries fit_models() keeps (_fit_summaries)';

COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

-- (end of Forecast intervals and model choice by validation (issue 14))

-- Outreach log and campaigns (issue 15)
--
-- New (sql_src/67_outreach.sql): the outreach log, its mappings and
-- bind_outreach(), the adapter src_outreach, the campaigns with their
-- members, start_campaign() and the view campaign_list; a declined outcome
-- with a reason becomes evidence of the likely reason.  Changed here (final
-- text): the functions and views that gained the outreach.

--
-- Outreach and win-back campaigns (issue 15, DOMAIN.md D11)
--
-- What came of approaching the customers: the outreach (calls, mails,
-- visits) from the user's own activity table (bind_outreach) or, without
-- one, from the extension's table dormancy.outreach_log; its channels,
-- themes and outcomes mapped onto the vocabulary of the approach rules by
-- alias tables (Japanese wordings installed).  A campaign (start_campaign)
-- freezes a call list: its members, their scores and planned approach at
-- the start, and a reproducible random control share of each stratum
-- (state x likely reason x score band) that is not approached, so that the
-- effect of the approach can be measured (campaign_effect).  A declined
-- outcome with a reason is evidence for the likely reason.  docs/outreach.md
-- has the definitions.
--

ALTER TABLE dormancy.bindings DROP CONSTRAINT bindings_source_known;
ALTER TABLE dormancy.bindings ADD CONSTRAINT bindings_source_known
	CHECK (source IN ('customers', 'orders', 'contracts', 'events', 'deals', 'contacts', 'outreach'));
COMMENT ON COLUMN dormancy.bindings.source IS 'customers, orders, contracts, events, deals, contacts or outreach';

--
-- Score bands
--

-- The band of a priority score (0 to 100) between cut points: with
-- {25,50,75}, 0-25, 25-50, 50-75 and 75-100, each band holding its lower
-- bound (a score of exactly 25 is in 25-50).  Invalid cut points (NULL,
-- not strictly increasing, outside (0, 100), more than 20) raise an error,
-- which makes this the check of outreach_settings.score_bands too.
CREATE FUNCTION dormancy.score_band(score double precision, cut_points double precision[])
	RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET extra_float_digits = 1
AS $$
DECLARE
	lower_bound double precision := 0;
	cut double precision;
BEGIN
	IF cut_points IS NULL OR array_position(cut_points, NULL) IS NOT NULL OR cardinality(cut_points) > 20
	   OR array_ndims(cut_points) > 1 THEN
		RAISE EXCEPTION 'invalid score band cut points: %', cut_points
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Cut points are a one-dimensional array of at most 20 numbers without NULLs.',
				  HINT = 'Give increasing numbers between 0 and 100, for example ''{25,50,75}''.';
	END IF;
	FOREACH cut IN ARRAY cut_points LOOP
		IF NOT (cut > lower_bound AND cut < 100) THEN
			RAISE EXCEPTION 'invalid score band cut points: %', cut_points
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Cut points must be strictly increasing and lie strictly between 0 and 100.',
					  HINT = 'Give increasing numbers between 0 and 100, for example ''{25,50,75}''.';
		END IF;
		lower_bound := cut;
	END LOOP;
	IF score IS NULL OR score = 'NaN'::double precision THEN
		RETURN NULL;
	END IF;
	lower_bound := 0;
	FOREACH cut IN ARRAY cut_points LOOP
		IF score < cut THEN
			RETURN lower_bound::text || '-' || cut::text;
		END IF;
		lower_bound := cut;
	END LOOP;
	RETURN lower_bound::text || '-100';
END
$$;
COMMENT ON FUNCTION dormancy.score_band(double precision, double precision[]) IS
	'the band of a priority score between cut points, e.g. 25-50 for 30 with {25,50,75} (each band holds its lower bound; the last ends at 100); NULL for a NULL score; invalid cut points raise an error';

--
-- Settings of the outreach and the campaigns
--

-- At most one row; empty means the defaults (the column defaults, repeated
-- in outreach_settings_in_force()), so pg_dump's copy never clashes with a
-- row of CREATE EXTENSION.
CREATE TABLE dormancy.outreach_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	control_share double precision NOT NULL DEFAULT 0.10,
	reactivation_days integer NOT NULL DEFAULT 90,
	min_observations integer NOT NULL DEFAULT 30,
	score_bands double precision[] NOT NULL DEFAULT '{25,50,75}',
	recontact_after interval DEFAULT '14 days',
	fiscal_year_start_month smallint DEFAULT 4,
	budget_reapproach_lead interval NOT NULL DEFAULT '2 months',
	CONSTRAINT outreach_settings_one_row CHECK (singleton),
	CONSTRAINT outreach_settings_control_share CHECK (control_share >= 0 AND control_share < 1),
	CONSTRAINT outreach_settings_reactivation_days CHECK (reactivation_days BETWEEN 1 AND 3660),
	CONSTRAINT outreach_settings_min_observations CHECK (min_observations >= 1),
	CONSTRAINT outreach_settings_score_bands CHECK (dormancy.score_band(0, score_bands) IS NOT NULL),
	-- whole days or months, not negative, under 1,000 years (a date plus it
	-- stays a date); NULL: no hold
	CONSTRAINT outreach_settings_recontact_after CHECK (
		recontact_after >= interval '0' AND recontact_after < interval '1000 years' AND
		date_trunc('day', recontact_after) = recontact_after AND
		extract(month FROM recontact_after) >= 0 AND extract(day FROM recontact_after) >= 0),
	-- a month; NULL: no hold for next fiscal year's budget
	CONSTRAINT outreach_settings_fiscal_year_start_month CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
	-- whole days or months, not negative, under 12 months (a day of the
	-- fiscal year the customer named, or of the one before it)
	CONSTRAINT outreach_settings_budget_reapproach_lead CHECK (
		budget_reapproach_lead >= interval '0' AND budget_reapproach_lead < interval '12 months' AND
		date_trunc('day', budget_reapproach_lead) = budget_reapproach_lead AND
		extract(month FROM budget_reapproach_lead) >= 0 AND extract(day FROM budget_reapproach_lead) >= 0)
);
COMMENT ON TABLE dormancy.outreach_settings IS
	'settings of the win-back campaigns: at most one row; no row means the defaults (see dormancy.outreach_settings_in_force())';
COMMENT ON COLUMN dormancy.outreach_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.outreach_settings.control_share IS
	'share of each stratum of a campaign held out as control (not approached), 0 or more and less than 1; start_campaign() uses it when given none; default 0.10';
COMMENT ON COLUMN dormancy.outreach_settings.reactivation_days IS
	'the length of a campaign''s window: a member, treated or control, contacted or not, is reactivated by a purchase day within this many days after the campaign''s start (its as-of day; intention to treat); the rate among the contacted, descriptive only, counts them from the first contact; copied into a campaign when it starts; 1 to 3660, default 90';
COMMENT ON COLUMN dormancy.outreach_settings.min_observations IS
	'treated members, contacted or not (and as many controls), that a planned channel or a planned theme of a likely reason needs, over the campaigns whose window has ended, before measured_approaches uses its lift for learning; default 30';
COMMENT ON COLUMN dormancy.outreach_settings.score_bands IS
	'cut points of the priority score (0 to 100) into the score bands of the strata, strictly increasing, between 0 and 100 (see dormancy.score_band()); copied into a campaign when it starts; default {25,50,75}: 0-25, 25-50, 50-75, 75-100';
COMMENT ON COLUMN dormancy.outreach_settings.recontact_after IS
	'how long a customer is held back after a contact (attempts included; not a message delivered without an answer, nor a direct_mail or step_mail contact the customer did not answer): the customer leaves call_list, snapshot_call_list and new campaigns until the latest contact''s day plus this (customer_outreach.recontact_on); whole days or months, 0 or more; NULL: no hold; default 14 days';
COMMENT ON COLUMN dormancy.outreach_settings.fiscal_year_start_month IS
	'the month your customers'' fiscal years start in (1 to 12; default 4, April, as in most Japanese companies): a customer who put you off to next fiscal year''s budget (the deal component''s input a decline for budget, a deal lost on budget, or a deal postponed for budget, for timing or with no reason given, not for another reason; after the last order) is held back from call_list, snapshot_call_list and new campaigns until the first day of the fiscal year after that day minus budget_reapproach_lead (customer_status.reapproach_on); NULL: no such hold';
COMMENT ON COLUMN dormancy.outreach_settings.budget_reapproach_lead IS
	'how long before the next fiscal year starts such a customer is approached again (budgets are drawn up before the year starts): customer_status.reapproach_on is the first day of that year minus this, or the first day itself when that is not after the event; whole days or months, 0 or more, under 12 months; default 2 months';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.outreach_settings_in_force()
	RETURNS dormancy.outreach_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.outreach_settings s),
					ROW(true, 0.10, 90, 30, '{25,50,75}', interval '14 days', 4, interval '2 months')::dormancy.outreach_settings);
COMMENT ON FUNCTION dormancy.outreach_settings_in_force() IS
	'the row of dormancy.outreach_settings, or the defaults when it is empty';

-- The first day a customer who put you off to next fiscal year's budget on
-- event_on is approached again (customer_status.reapproach_on;
-- docs/outreach.md, Next fiscal year's budget): the first day of the fiscal
-- year after event_on (fiscal years starting on the first of
-- fiscal_year_start_month) minus lead, or that first day itself when the
-- lead puts it on or before event_on; NULL when that day is on or before
-- as_of (the hold is over) or event_on is not finite.  customer_status
-- chooses the event (the deal component's input, when budget-type).  In C
-- (src/core/fiscal.c): a SQL function of the same arithmetic could not be
-- inlined, and its call per customer cost about 17 us.
CREATE FUNCTION dormancy._reapproach_on(as_of date, event_on date, fiscal_year_start_month smallint, lead interval)
	RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_reapproach_on'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._reapproach_on(date, date, smallint, interval) IS
	'internal: customer_status.reapproach_on: the first day of the fiscal year after event_on (fiscal years starting on the first of fiscal_year_start_month) minus lead, or that first day when the lead puts it on or before event_on, when after as_of; else NULL';

--
-- Campaigns
--

CREATE TABLE dormancy.campaigns (
	campaign_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE,
	started_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	as_of date NOT NULL,
	filter text,
	control_share double precision NOT NULL,
	seed bigint NOT NULL,
	reactivation_days integer NOT NULL,
	score_bands double precision[] NOT NULL,
	customers integer,
	controls integer,
	started_by name NOT NULL DEFAULT CURRENT_USER,
	note text,
	CONSTRAINT campaigns_name_not_blank CHECK (btrim(name) <> ''),
	CONSTRAINT campaigns_control_share CHECK (control_share >= 0 AND control_share < 1),
	CONSTRAINT campaigns_reactivation_days CHECK (reactivation_days BETWEEN 1 AND 3660),
	CONSTRAINT campaigns_score_bands CHECK (dormancy.score_band(0, score_bands) IS NOT NULL),
	CONSTRAINT campaigns_counts CHECK (customers >= 0 AND controls >= 0 AND controls <= customers)
);
COMMENT ON TABLE dormancy.campaigns IS
	'win-back campaigns, one row each, written by dormancy.start_campaign(): the call list it froze, its control share and the seed of the assignment';
COMMENT ON COLUMN dormancy.campaigns.campaign_id IS 'the campaign''s number';
COMMENT ON COLUMN dormancy.campaigns.name IS 'the campaign''s name, unique';
COMMENT ON COLUMN dormancy.campaigns.started_at IS 'when start_campaign() ran';
COMMENT ON COLUMN dormancy.campaigns.as_of IS 'the as-of day in force at the start (dormancy.as_of_day()): the scores and states of the members are those of that day';
COMMENT ON COLUMN dormancy.campaigns.filter IS 'the filter over the columns of dormancy.call_list the list was taken with, as given; NULL for the whole call list';
COMMENT ON COLUMN dormancy.campaigns.control_share IS 'share of each stratum held out as control';
COMMENT ON COLUMN dormancy.campaigns.seed IS 'the seed of the control assignment: the same members, share and seed give the same controls (docs/outreach.md)';
COMMENT ON COLUMN dormancy.campaigns.reactivation_days IS 'outreach_settings.reactivation_days at the start: the window''s length, a member (treated or control, contacted or not) with a purchase day within this many days after the campaign''s as-of day is reactivated';
COMMENT ON COLUMN dormancy.campaigns.score_bands IS 'outreach_settings.score_bands at the start: the cut points of the members'' score bands';
COMMENT ON COLUMN dormancy.campaigns.customers IS 'members of the campaign, controls included';
COMMENT ON COLUMN dormancy.campaigns.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaigns.started_by IS 'the role that started it';
COMMENT ON COLUMN dormancy.campaigns.note IS 'free text';
COMMENT ON SEQUENCE dormancy.campaigns_campaign_id_seq IS 'generates dormancy.campaigns.campaign_id';
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaigns', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaigns_campaign_id_seq', '');

-- customer_id is text, like status_history's: the campaign survives a
-- re-bind to ids of another type.
CREATE TABLE dormancy.campaign_members (
	campaign_id bigint NOT NULL,
	customer_id text NOT NULL,
	is_control boolean NOT NULL,
	stratum text NOT NULL,
	score_band text,
	state text,
	likely_reason text,
	channel text,
	theme text,
	priority_score double precision,
	priority_rank bigint,
	call_order bigint,
	value_tier text,
	p_alive double precision,
	expected_value double precision,
	PRIMARY KEY (campaign_id, customer_id),
	CONSTRAINT campaign_members_priority_score CHECK (priority_score >= 0 AND priority_score <= 100),
	CONSTRAINT campaign_members_p_alive CHECK (p_alive >= 0 AND p_alive <= 1),
	CONSTRAINT campaign_members_expected_value CHECK (expected_value > '-infinity' AND expected_value < 'infinity')
);
CREATE INDEX campaign_members_customer ON dormancy.campaign_members (customer_id);
COMMENT ON TABLE dormancy.campaign_members IS
	'the members of each campaign as they were at its start: the control assignment, the stratum, the scores and the planned approach (written by dormancy.start_campaign())';
COMMENT ON COLUMN dormancy.campaign_members.campaign_id IS 'the campaign (dormancy.campaigns; deleting it deletes its members, by a trigger: no foreign key, so that a parallel restore loads the members before their campaign)';
COMMENT ON COLUMN dormancy.campaign_members.customer_id IS 'the customer id as text (so the campaign survives a re-bind to ids of another type)';
COMMENT ON COLUMN dormancy.campaign_members.is_control IS 'held out: not to be approached in this campaign, the comparison for the contacted members';
COMMENT ON COLUMN dormancy.campaign_members.stratum IS 'state | likely reason | score band at the start (e.g. dormant|lost_to_competitor|50-75; unknown for a NULL part): the control share is drawn in each';
COMMENT ON COLUMN dormancy.campaign_members.score_band IS 'the band of priority_score by the campaign''s score_bands (dormancy.score_band())';
COMMENT ON COLUMN dormancy.campaign_members.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_members.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_members.channel IS 'the planned approach channel at the start (approach_channel)';
COMMENT ON COLUMN dormancy.campaign_members.theme IS 'the planned message theme at the start (message_theme)';
COMMENT ON COLUMN dormancy.campaign_members.priority_score IS 'the priority score at the start, 0 to 100';
COMMENT ON COLUMN dormancy.campaign_members.priority_rank IS 'the priority rank at the start, among all customers';
COMMENT ON COLUMN dormancy.campaign_members.call_order IS 'the position in the call list at the start';
COMMENT ON COLUMN dormancy.campaign_members.value_tier IS 'the value tier at the start (A, B, C or NULL)';
COMMENT ON COLUMN dormancy.campaign_members.p_alive IS 'the model''s probability that the customer is alive, at the start';
COMMENT ON COLUMN dormancy.campaign_members.expected_value IS 'the model''s expected value over its horizon, at the start';
SELECT pg_catalog.pg_extension_config_dump('dormancy.campaign_members', '');

--
-- The extension's own outreach log
--

-- The key by which a customer id of the log is matched to the text of the
-- bound customers' ids: the white space at both ends trimmed, that of
-- label_key (ASCII blanks, tab, CR, LF, and in UTF8 databases U+00A0 and
-- the ideographic space U+3000; 0xA1A1 in the EUC encodings), and nothing
-- else.  Ids come typed by a Japanese input method ('18' and U+3000) or
-- pasted from a spreadsheet cell (a tab, a line break); btrim, used until
-- 2026-12-07, trimmed ASCII blanks only, and such a contact (an opt-out
-- too) matched no one.  Not NFKC: a full-width 19 (U+FF11 U+FF19) stays
-- itself and matches no customer 19 (source_issues lists it): folding would
-- take the contacts of a customer whose own text id is written full-width
-- (U+FF21) away from it and give them to another ('A'), across row
-- security (as trimming the customers' ids did: sql/outreach_padded_ids.sql);
-- folding only where no customer has the id as written would read the
-- customers for each key (no index) and make the key depend on which
-- customers the role sees.  The customers' ids are never trimmed.  One
-- expression everywhere: the index below, the row security policies and
-- the adapter (_outreach_adapter), so that a lookup of one customer reads
-- the index.  In C: a SQL body would need the U+3000 literal, which a
-- non-UTF8 database cannot parse.  PUBLIC: the policies run it as the
-- calling role (a rep granted INSERT on the log need not be an analyst).
-- LEAKPROOF: it raises no error, whatever the text, so that under the
-- row security of the log the lookup of one key is an index condition
-- (not a filter behind the policy over every row of the log).
CREATE FUNCTION dormancy.outreach_customer_key(customer_id text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'outreach_customer_key'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;	-- SUPPORT: below, with _plan_support
COMMENT ON FUNCTION dormancy.outreach_customer_key(text) IS
	'the key by which a customer id of dormancy.outreach_log is matched to the text of the bound customers'' ids: white space (tab, line breaks, U+00A0 and U+3000 too) trimmed at both ends, nothing else (full-width digits stay full-width)';

-- A customer id as text and back, without the errors of a cast (src/
-- customer_id_sql.c): LEAKPROOF, so that under row security the planner
-- keeps them in index conditions.  The policies below test a row of the
-- log, the members or the history by the index of your customers' id with
-- customer_id_from_text (the text of a rep's log cast to integer would
-- raise an error for 'abc'); the log is joined to the customers by its
-- index with customer_id_text (id::text is no index condition under the
-- log's row security: int4out is not leakproof).  PUBLIC, like
-- outreach_customer_key: the policies run them as the calling role.
-- customer_id_from_text refuses a domain type (its constraints are code of
-- yours, which a leakproof function must not run): the policies pass the
-- base type of a domain's ids.
CREATE FUNCTION dormancy.customer_id_text(id anyelement)
	RETURNS text
	AS 'MODULE_PATHNAME', 'customer_id_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;	-- SUPPORT: below, with _plan_support
COMMENT ON FUNCTION dormancy.customer_id_text(anyelement) IS
	'a customer id as text, as id::text writes it, for ids of type smallint, integer, bigint, uuid, text or varchar (or a domain over one of them); leakproof (never an error for a value)';
CREATE FUNCTION dormancy.customer_id_from_text(key text, id_type anyelement)
	RETURNS anyelement
	AS 'MODULE_PATHNAME', 'customer_id_from_text'
	LANGUAGE C IMMUTABLE PARALLEL SAFE LEAKPROOF;	-- SUPPORT: below, with _plan_support
COMMENT ON FUNCTION dormancy.customer_id_from_text(text, anyelement) IS
	'the customer id of the type of id_type (a typed NULL, e.g. NULL::integer: smallint, integer, bigint, uuid, text or varchar) whose text (customer_id_text) is exactly key; NULL when no id of that type has it (''042'', '' 42'', ''abc'' for integer ids): never an error, unlike a cast; leakproof.  Not for a domain type, an error whatever the key (a leakproof function does not run a domain''s constraints): pass its base type (NULL::integer) and cast the result to the domain';


-- For users without an activity table of their own (bind_outreach binds
-- one instead).  The values are the wordings of the reps, mapped like a
-- bound table's by outreach_channels, outreach_themes, outreach_outcomes
-- and deal_reasons; customer_id is text, matched to the customers by the
-- text of their ids, its own white space trimmed (outreach_customer_key).
CREATE TABLE dormancy.outreach_log (
	outreach_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer_id text NOT NULL,
	contacted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	channel text,
	theme text,
	outcome text,
	declined_reason text,
	rep text,
	campaign_id bigint,
	note text,
	CONSTRAINT outreach_log_customer_not_blank CHECK (dormancy.outreach_customer_key(customer_id) <> '')
);
CREATE INDEX outreach_log_customer ON dormancy.outreach_log ((dormancy.outreach_customer_key(customer_id)), contacted_at);
CREATE INDEX outreach_log_campaign ON dormancy.outreach_log (campaign_id);
COMMENT ON TABLE dormancy.outreach_log IS
	'the outreach to customers (calls, mails, visits) and what came of it, one row per contact, for users without an activity table of their own (read by dormancy.src_outreach while no outreach relation is bound)';
COMMENT ON COLUMN dormancy.outreach_log.outreach_id IS 'the row''s number';
COMMENT ON COLUMN dormancy.outreach_log.customer_id IS 'the customer id as text: matched to the bound customers by the text of their ids, its white space (U+3000, tab, line breaks too) trimmed at both ends (dormancy.outreach_customer_key: 42, not 042 nor full-width 42)';
COMMENT ON COLUMN dormancy.outreach_log.contacted_at IS 'when the customer was contacted (or the attempt was made)';
COMMENT ON COLUMN dormancy.outreach_log.channel IS 'the channel as the rep wrote it (e.g. phone, or denwa in Japanese), mapped by dormancy.outreach_channels';
COMMENT ON COLUMN dormancy.outreach_log.theme IS 'the message theme as the rep wrote it, mapped by dormancy.outreach_themes';
COMMENT ON COLUMN dormancy.outreach_log.outcome IS 'the outcome as the rep wrote it (e.g. not reached, or fuzai, shodan, juchu in Japanese), mapped by dormancy.outreach_outcomes';
COMMENT ON COLUMN dormancy.outreach_log.declined_reason IS 'why the customer declined, as the rep wrote it, mapped by dormancy.deal_reasons';
COMMENT ON COLUMN dormancy.outreach_log.rep IS 'who made the contact';
COMMENT ON COLUMN dormancy.outreach_log.campaign_id IS 'the campaign the contact belongs to (dormancy.campaigns), NULL for none; set NULL when the campaign is deleted (a trigger, no foreign key: a campaign id that is no campaign counts as none, source_issues lists it)';
COMMENT ON COLUMN dormancy.outreach_log.note IS 'free text';
COMMENT ON SEQUENCE dormancy.outreach_log_outreach_id_seq IS 'generates dormancy.outreach_log.outreach_id';
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log', '');
SELECT pg_catalog.pg_extension_config_dump('dormancy.outreach_log_outreach_id_seq', '');

-- What foreign keys did, done by triggers on dormancy.campaigns: a campaign
-- deleted takes its members and leaves its contacts in the log without a
-- campaign (campaign_id NULL); TRUNCATE of the campaigns does the same for
-- every campaign; a campaign's number cannot change while members or
-- contacts name it.  Not foreign keys: the three tables are extension
-- configuration tables, whose data pg_dump does not order, and the keys,
-- which CREATE EXTENSION makes before any data is loaded, refused every
-- member and contact that a parallel restore (pg_restore -j) loaded before
-- their campaign (the table's rows lost, 2026-12-07;
-- test/integration/pg_dump_roundtrip.sh).  So nothing checks the campaign
-- of a new member or contact: a member of a campaign that does not exist is
-- read by no view (each joins the campaigns), a contact's campaign is taken
-- as none and listed by source_issues (outreach_campaign_not_found), as a
-- bound CRM's is.  SECURITY DEFINER, as a foreign key's actions run with
-- the tables' owner's rights: whoever may delete a campaign takes all its
-- members, those that row security hides from it too (and needs no grant on
-- the members or the log).  It runs only as these triggers on
-- dormancy.campaigns and runs fixed statements.
CREATE FUNCTION dormancy._campaign_referrers()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_RELID IS DISTINCT FROM 'dormancy.campaigns'::regclass OR TG_WHEN <> 'AFTER'
	   OR TG_NAME NOT IN ('campaign_deleted', 'campaign_renumbered', 'campaigns_truncated') THEN
		RAISE EXCEPTION 'dormancy._campaign_referrers() runs only as a trigger of dormancy on dormancy.campaigns'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		-- (DELETE: a TRUNCATE of the campaigns and the members together
		-- holds the members open, and a TRUNCATE of them here would fail)
		DELETE FROM dormancy.campaign_members;
		UPDATE dormancy.outreach_log l SET campaign_id = NULL WHERE l.campaign_id IS NOT NULL;
	ELSIF TG_OP = 'DELETE' THEN
		DELETE FROM dormancy.campaign_members m WHERE m.campaign_id = OLD.campaign_id;
		UPDATE dormancy.outreach_log l SET campaign_id = NULL WHERE l.campaign_id = OLD.campaign_id;
	ELSIF TG_OP = 'UPDATE' AND OLD.campaign_id IS DISTINCT FROM NEW.campaign_id
		  -- (after the whole statement: another row may have taken the number)
		  AND NOT EXISTS (SELECT 1 FROM dormancy.campaigns c WHERE c.campaign_id = OLD.campaign_id)
		  AND (EXISTS (SELECT 1 FROM dormancy.campaign_members m WHERE m.campaign_id = OLD.campaign_id)
			   OR EXISTS (SELECT 1 FROM dormancy.outreach_log l WHERE l.campaign_id = OLD.campaign_id)) THEN
		RAISE EXCEPTION 'cannot change the number of campaign %: members or contacts name it', OLD.campaign_id
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = 'dormancy.campaign_members or dormancy.outreach_log has rows with campaign_id ' || OLD.campaign_id || '.',
				  HINT = 'Give its members and contacts the new campaign_id first, then the campaign.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._campaign_referrers() IS
	'internal: trigger on dormancy.campaigns: a campaign deleted (or truncated) takes its members and leaves its contacts without a campaign; a campaign named by members or contacts keeps its number';
CREATE TRIGGER campaign_deleted AFTER DELETE ON dormancy.campaigns
	FOR EACH ROW EXECUTE FUNCTION dormancy._campaign_referrers();
CREATE TRIGGER campaign_renumbered AFTER UPDATE OF campaign_id ON dormancy.campaigns
	FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id) EXECUTE FUNCTION dormancy._campaign_referrers();
CREATE TRIGGER campaigns_truncated AFTER TRUNCATE ON dormancy.campaigns
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._campaign_referrers();
COMMENT ON TRIGGER campaign_deleted ON dormancy.campaigns IS
	'deletes the campaign''s members and sets its contacts'' campaign_id NULL in dormancy.outreach_log (what a foreign key with ON DELETE CASCADE and SET NULL did)';
COMMENT ON TRIGGER campaign_renumbered ON dormancy.campaigns IS
	'refuses a new campaign_id for a campaign whose members or contacts name the old one';
COMMENT ON TRIGGER campaigns_truncated ON dormancy.campaigns IS
	'empties dormancy.campaign_members and sets every campaign_id of dormancy.outreach_log NULL';
REVOKE ALL ON FUNCTION dormancy._campaign_referrers() FROM PUBLIC;

--
-- Row security: an analyst sees the contacts and the campaign members of
-- the customers the analyst may see in the bound customers (your table,
-- your policies), as the live views do; the owner sees every row (policies
-- do not apply to a table's owner).  Who writes is left to the grants
-- (docs/security.md); what a granted role writes, to the same customers.
--

-- The ids, as text, of the customers the calling role sees in the bound
-- customers (else the customers of the bound orders); none while nothing is
-- bound.  PL/pgSQL, so that it may name src_customers, which binding makes
-- (and a rebuild replaces: the cached plan follows).  The policies below
-- test a row's key among them (an uncorrelated IN: one hash of the ids per
-- query) when installed, between builds, and where the test by the index
-- of the ids cannot be written (_customer_key_policies).
CREATE FUNCTION dormancy.visible_customer_keys()
	RETURNS SETOF text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('dormancy.src_customers') IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT c.customer_id::text FROM dormancy.src_customers c WHERE c.customer_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION dormancy.visible_customer_keys() IS
	'the ids, as text, of the customers the calling role may see in the bound customers (else in the bound orders): the rows of outreach_log, campaign_members and status_history it may read';

ALTER TABLE dormancy.outreach_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE dormancy.campaign_members ENABLE ROW LEVEL SECURITY;
-- The roles of the nine policies below, recorded: pg_dump does not dump
-- the policies of an extension's tables (the restore has them as
-- installed), but it dumps this configuration table, and a policy that is
-- made again (dropped with src_customers by a DROP ... CASCADE of your
-- bound customers) gets its roles from here.  Until 2026-12-07 both came
-- back TO PUBLIC, and a role you had left out read every contact again.
-- A row is the roles the owner last gave a policy, kept only while they
-- are not the installed ones: no row is "as installed", so CREATE
-- EXTENSION writes none and the rows of a data-only restore meet none,
-- even with their triggers disabled (until 2026-12-08 the nine installed
-- rows made pg_restore --data-only --disable-triggers fail on the key,
-- and the next build recorded the installed PUBLIC).  Written from the
-- policy at every ALTER POLICY or CREATE POLICY of one of the nine, and
-- at a DROP OWNED that takes a role out of one (the event triggers
-- dormancy_policy_roles and dormancy_policy_roles_owned; until 2026-12-08
-- DROP OWNED was not seen, and a restore gave the role the policy again).
-- The policies follow the rows: a row written otherwise (restored, or
-- edited by the owner) gives its policy its roles at once (the triggers
-- below), and every build gives each policy the roles of its row where
-- they differ (a restore with its triggers disabled; a recorded role
-- created since).  The extension's own ALTER POLICY is not recorded
-- again (a transaction-local setting): a restored row keeps the names
-- its policy could not be given.  Each role is a name and, beside it,
-- its OID in the cluster the row was written in (cluster_id, that
-- cluster's system identifier): there, the role is its OID (renamed, it
-- keeps the policy; a new role of its old name does not get it; dropped,
-- it is gone); in another cluster (a restore elsewhere) only its name
-- means anything, and a role of that name made there gets it.  A
-- recorded role that does not exist is left out and kept in the row; a
-- policy none of whose roles exists (or whose row names none: DROP OWNED
-- took its last role) is not given to PUBLIC instead: it is dropped (or
-- not made again), so no role reads or writes through it, with a WARNING.
-- Only the owner writes the table (as only the owner may ALTER POLICY):
-- no privilege for anyone else, and its triggers refuse a role that is
-- not the owner even if granted.
CREATE TABLE dormancy.policy_roles (
	table_name name NOT NULL,
	policy_name name NOT NULL,
	roles name[] NOT NULL,
	role_ids oid[],
	cluster_id bigint,
	PRIMARY KEY (table_name, policy_name),
	CONSTRAINT policy_roles_policy CHECK (table_name IN ('outreach_log', 'campaign_members')
										  AND policy_name IN ('visible_customers', 'writers_insert', 'writers_update', 'writers_delete')
										  OR table_name = 'status_history' AND policy_name = 'analysts_see_their_customers'),
	CONSTRAINT policy_roles_roles CHECK (coalesce(array_ndims(roles), 1) = 1 AND array_position(roles, NULL) IS NULL),
	CONSTRAINT policy_roles_role_ids CHECK (role_ids IS NULL OR coalesce(array_ndims(role_ids), 1) = 1 AND cardinality(role_ids) = cardinality(roles))
);
COMMENT ON TABLE dormancy.policy_roles IS
	'the roles the owner gave the nine row security policies of outreach_log, campaign_members and status_history, where they are not the installed ones (no row: as installed), recorded at every ALTER POLICY and DROP OWNED (dumped, unlike the policies): a policy restored, or made again, follows its row; the owner''s only';
COMMENT ON COLUMN dormancy.policy_roles.table_name IS
	'the table of the policy, in schema dormancy: outreach_log, campaign_members or status_history';
COMMENT ON COLUMN dormancy.policy_roles.policy_name IS
	'the policy: visible_customers, writers_insert, writers_update, writers_delete (of the log and the members), analysts_see_their_customers (of the history)';
COMMENT ON COLUMN dormancy.policy_roles.roles IS
	'the role names it applies to (public: PUBLIC; none: the policy is not made); a role that does not exist is left out when the policy is made or restored, and a policy none of whose roles exists is not made (never TO PUBLIC instead)';
COMMENT ON COLUMN dormancy.policy_roles.role_ids IS
	'beside each name, the role''s OID in the cluster of cluster_id (0 for public; NULL: found by name only): there the role is its OID, renamed or not';
COMMENT ON COLUMN dormancy.policy_roles.cluster_id IS
	'the system identifier (pg_control_system()) of the cluster whose OIDs role_ids holds; in another cluster the roles are found by name (NULL: unknown, a role is found only by its name and OID both)';
REVOKE ALL ON dormancy.policy_roles FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('dormancy.policy_roles', '');

-- The cluster the OIDs of a record belong to: its system identifier (a
-- physical copy of the cluster, a standby or a base backup restored, has
-- the same).  NULL where the role running this may not execute
-- pg_control_system() (EXECUTE revoked from PUBLIC and the owner no
-- superuser): then a recorded role is found only by its name and its OID
-- both, never wider.
CREATE FUNCTION dormancy._cluster_id()
	RETURNS bigint
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE') THEN
		RETURN (SELECT s.system_identifier FROM pg_control_system() s);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._cluster_id() IS
	'internal: the system identifier of this cluster (pg_control_system()), which dormancy.policy_roles records beside the OIDs of roles; NULL where it may not be read';

-- The installed roles of one of the nine policies (NULL for any other
-- policy: which ones are the nine).
CREATE FUNCTION dormancy._policy_roles_installed(table_name name, policy_name name)
	RETURNS name[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN CASE WHEN table_name IN ('outreach_log', 'campaign_members')
					 AND policy_name IN ('visible_customers', 'writers_insert', 'writers_update', 'writers_delete')
				THEN '{public}'::name[]
				WHEN table_name = 'status_history' AND policy_name = 'analysts_see_their_customers'
				THEN '{dormancy_analyst}'::name[] END;
COMMENT ON FUNCTION dormancy._policy_roles_installed(name, name) IS
	'internal: the roles one of the nine row security policies of the log, the members and the history is installed with (NULL for any other policy)';

-- The names of a policy's roles (pg_policy.polroles: 0 is PUBLIC, "public").
CREATE FUNCTION dormancy._policy_role_names(roles oid[])
	RETURNS name[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT CASE WHEN u.r = 0 THEN 'public'::name ELSE a.rolname END
				   FROM unnest(roles) WITH ORDINALITY AS u(r, o) LEFT JOIN pg_roles a ON a.oid = u.r
				  WHERE u.r = 0 OR a.rolname IS NOT NULL
				  ORDER BY u.o);
COMMENT ON FUNCTION dormancy._policy_role_names(oid[]) IS
	'internal: the names of a policy''s roles (pg_policy.polroles), public for PUBLIC';

-- A record's roles as they stand here.  Each is a name and, beside it, an
-- OID of the cluster the record was written in (NULL: by name only): in
-- this cluster the role of that OID if it still has that name; in another
-- the role of that name; where either cluster is unknown, likewise the
-- role of that OID only if it still has that name.  In this cluster an OID
-- under another name now is a role renamed, or the OID of a dropped role
-- given to another (the OIDs wrap around): it gives nothing (renamed,
-- renamed_to: its name now), never wider, unless the policy holds that OID now (held): a
-- role a policy holds cannot have been dropped since, so it is the role
-- recorded, renamed, and the record takes its name now (until 2026-12-08
-- the OID alone was enough, and a new role reusing it got the policy).
-- public is PUBLIC.  names and ids: the roles the policy gets, each once;
-- missing: the recorded names that give none; record_*: the record in
-- this cluster's terms where it can be (a role found, under its name and
-- OID here; a name from another cluster not found, with no OID, to be
-- found by name once it exists; the OID of a role dropped or renamed
-- here, beside the name recorded, which matches nothing again).
CREATE FUNCTION dormancy._policy_roles_resolved(roles name[], role_ids oid[], cluster_id bigint, held oid[] DEFAULT NULL,
												OUT names name[], OUT ids oid[], OUT missing name[],
												OUT record_roles name[], OUT record_ids oid[], OUT record_cluster bigint,
												OUT renamed name[], OUT renamed_to name[])
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	here bigint := dormancy._cluster_id();
	n name;
	o oid;
	found_id oid;
	found_name name;
	unsure boolean := false;
BEGIN
	names := '{}';
	ids := '{}';
	missing := '{}';
	record_roles := '{}';
	record_ids := '{}';
	renamed := '{}';
	renamed_to := '{}';
	FOR i IN 1 .. coalesce(cardinality(roles), 0) LOOP
		n := roles[i];
		o := role_ids[i];
		found_id := NULL;
		found_name := NULL;
		IF n = 'public' THEN
			found_id := 0;
			found_name := 'public';
		ELSIF o IS NULL OR here <> cluster_id THEN
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.rolname = n;
		ELSIF here = cluster_id THEN
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.oid = o;
			IF found_name <> n AND NOT coalesce(o = ANY (held), false) THEN
				renamed := renamed || n;
				renamed_to := renamed_to || found_name;
				found_id := NULL;
			END IF;
		ELSE
			SELECT a.oid, a.rolname INTO found_id, found_name FROM pg_roles a WHERE a.oid = o AND a.rolname = n;
			unsure := unsure OR found_id IS NULL;
		END IF;
		IF found_id IS NULL THEN
			missing := missing || n;
			record_roles := record_roles || n;
			record_ids := record_ids || CASE WHEN here <> cluster_id THEN NULL ELSE o END;
		ELSIF NOT found_id = ANY (ids) THEN
			names := names || found_name;
			ids := ids || found_id;
			record_roles := record_roles || found_name;
			record_ids := record_ids || found_id;
		END IF;
	END LOOP;
	record_cluster := CASE WHEN here IS NULL OR unsure THEN cluster_id ELSE here END;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_resolved(name[], oid[], bigint, oid[]) IS
	'internal: the roles a row of dormancy.policy_roles gives its policy here (by OID and name both in the cluster it was recorded in, an OID the policy holds under its name now; by name in another), the names it records that give none (renamed, renamed_to: those whose OID is under another name, and that name), and the row in this cluster''s terms';

-- Role names as the TO list of CREATE POLICY and ALTER POLICY (and in
-- messages): each quoted as an identifier, PUBLIC for public.
CREATE FUNCTION dormancy._policy_role_list(roles name[])
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT string_agg(CASE WHEN u.r = 'public' THEN 'PUBLIC' ELSE quote_ident(u.r) END, ', ' ORDER BY u.o)
			  FROM unnest(roles) WITH ORDINALITY AS u(r, o));
COMMENT ON FUNCTION dormancy._policy_role_list(name[]) IS
	'internal: role names as the TO list of a policy (quoted identifiers, PUBLIC for public)';

-- Write the row of one of the nine: none while its roles are the
-- installed ones, each found.
CREATE FUNCTION dormancy._store_policy_roles(tname name, policy name, new_roles name[], new_ids oid[], new_cluster bigint)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	now_res record;
	installed record;
BEGIN
	SELECT * INTO now_res FROM dormancy._policy_roles_resolved(new_roles, new_ids, new_cluster);
	SELECT * INTO installed FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(tname, policy), NULL, NULL);
	IF cardinality(now_res.missing) = 0 AND cardinality(now_res.ids) > 0
	   AND now_res.ids @> installed.ids AND installed.ids @> now_res.ids THEN
		DELETE FROM dormancy.policy_roles r WHERE r.table_name = tname AND r.policy_name = policy;
		RETURN;
	END IF;
	UPDATE dormancy.policy_roles r SET roles = new_roles, role_ids = new_ids, cluster_id = new_cluster
	 WHERE r.table_name = tname AND r.policy_name = policy
	   AND (r.roles, r.role_ids, r.cluster_id) IS DISTINCT FROM (new_roles, new_ids, new_cluster);
	IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM dormancy.policy_roles r WHERE r.table_name = tname AND r.policy_name = policy) THEN
		INSERT INTO dormancy.policy_roles (table_name, policy_name, roles, role_ids, cluster_id)
		VALUES (tname, policy, new_roles, new_ids, new_cluster);
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._store_policy_roles(name, name, name[], oid[], bigint) IS
	'internal: writes the row of dormancy.policy_roles of one of the nine policies of the log, the members and the history (deletes it while its roles are the installed ones)';

-- Record the roles the policy has now, the owner's choice (nothing for a
-- policy that does not exist: its record is kept, for the build that makes
-- it again).
CREATE FUNCTION dormancy._record_policy_roles(tab regclass, policy name)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	now_ids oid[];
BEGIN
	SELECT ARRAY(SELECT u.r FROM unnest(y.polroles) WITH ORDINALITY AS u(r, o)
				  WHERE u.r = 0 OR EXISTS (SELECT 1 FROM pg_roles a WHERE a.oid = u.r) ORDER BY u.o)
	  INTO now_ids
	  FROM pg_policy y WHERE y.polrelid = tab AND y.polname = policy;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM dormancy._store_policy_roles((SELECT c.relname FROM pg_class c WHERE c.oid = tab), policy,
										 dormancy._policy_role_names(now_ids), now_ids, dormancy._cluster_id());
END
$$;
COMMENT ON FUNCTION dormancy._record_policy_roles(regclass, name) IS
	'internal: records in dormancy.policy_roles the roles one of the nine policies of the log, the members and the history has now (no row when they are the installed ones)';

-- The triggers of policy_roles: before a write, only the owner (a role
-- with the privileges of the table's owner, as ALTER POLICY requires); an
-- inserted row replaces the row of its policy, and a row is kept in this
-- cluster's terms (a row written with names alone, or whose names changed
-- without their OIDs, is found by name).  After an insert or an update,
-- the policy, if it exists, gets the roles recorded that exist (none: the
-- policy is dropped, not left to PUBLIC), by an ALTER POLICY that is not
-- recorded again (the names not found stay in the row); a missing policy
-- is the next build's.
CREATE FUNCTION dormancy._policy_roles_written()
	RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tab regclass;
	now_ids oid[];
	res record;
	applying text := current_setting('dormancy_policy_roles.applying', true);
BEGIN
	IF TG_RELID IS DISTINCT FROM 'dormancy.policy_roles'::regclass
	   OR TG_NAME NOT IN ('policy_roles_owner_only', 'policy_roles_truncate', 'policy_roles_restored') THEN
		RAISE EXCEPTION 'dormancy._policy_roles_written() runs only as a trigger of dormancy on dormancy.policy_roles'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('It was fired by trigger "%s" on %s.', TG_NAME, TG_RELID::regclass),
				  HINT = 'Do not use this function in triggers of your own.';
	END IF;
	IF TG_WHEN = 'BEFORE' THEN
		IF NOT pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
			RAISE EXCEPTION 'only the owner of dormancy.policy_roles may write it'
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = 'It holds the roles of the row security policies of outreach_log, campaign_members and status_history, which a build and a restore give them.',
					  HINT = 'The owner gives a policy other roles with ALTER POLICY, which records them.';
		END IF;
		IF TG_LEVEL = 'STATEMENT' THEN
			RETURN NULL;
		ELSIF TG_OP = 'DELETE' THEN
			RETURN OLD;
		ELSIF TG_OP = 'INSERT' THEN
			DELETE FROM dormancy.policy_roles r WHERE r.table_name = NEW.table_name AND r.policy_name = NEW.policy_name;
		END IF;
		IF NEW.role_ids IS NULL
		   OR (TG_OP = 'UPDATE' AND NEW.roles IS DISTINCT FROM OLD.roles AND NEW.role_ids IS NOT DISTINCT FROM OLD.role_ids) THEN
			SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NULL, NULL);
		ELSE
			SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NEW.role_ids, NEW.cluster_id);
		END IF;
		NEW.roles := res.record_roles;
		NEW.role_ids := res.record_ids;
		NEW.cluster_id := res.record_cluster;
		RETURN NEW;
	END IF;
	tab := to_regclass(format('dormancy.%I', NEW.table_name));
	SELECT y.polroles INTO now_ids FROM pg_policy y WHERE y.polrelid = tab AND y.polname = NEW.policy_name;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT * INTO res FROM dormancy._policy_roles_resolved(NEW.roles, NEW.role_ids, NEW.cluster_id, now_ids);
	IF cardinality(res.renamed) > 0 THEN
		RAISE WARNING 'policy % on %: recorded role % has another name now (%): renamed, or its OID reused by another role after a drop; left out',
			NEW.policy_name, tab, dormancy._policy_role_list(res.renamed), dormancy._policy_role_list(res.renamed_to)
			USING DETAIL = 'In this cluster a recorded role is its OID and its name both: never one of them alone.',
				  HINT = format('If it is the role recorded, renamed, give it the policy again: ALTER POLICY %I ON %s TO ..., which records it.', NEW.policy_name, tab);
	END IF;
	IF cardinality(res.ids) > 0 AND res.ids @> now_ids AND now_ids @> res.ids THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', 'on', true);
	IF cardinality(res.ids) = 0 THEN
		EXECUTE format('DROP POLICY %I ON %s', NEW.policy_name, tab);
		IF cardinality(NEW.roles) = 0 THEN
			RAISE WARNING 'policy % on % dropped: no role is recorded for it', NEW.policy_name, tab
				USING DETAIL = 'DROP OWNED took its last role. It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
					  HINT = format('Record its roles: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind().',
									NEW.table_name, NEW.policy_name);
		ELSE
			RAISE WARNING 'policy % on % dropped: none of its roles exists (%)', NEW.policy_name, tab, dormancy._policy_role_list(res.missing)
				USING DETAIL = 'dormancy.policy_roles records these roles for it (a restore of a cluster that had them, say). It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
					  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
									NEW.table_name, NEW.policy_name);
		END IF;
	ELSE
		EXECUTE format('ALTER POLICY %I ON %s TO %s', NEW.policy_name, tab, dormancy._policy_role_list(res.names));
		IF cardinality(res.missing) > 0 THEN
			RAISE WARNING 'policy % on % set TO % only (recorded role % does not exist)',
				NEW.policy_name, tab, dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
				USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
									NEW.policy_name, tab);
		END IF;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', coalesce(applying, ''), true);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_written() IS
	'internal: triggers on dormancy.policy_roles: only the owner writes it; a row is kept in this cluster''s terms; a restored or edited row replaces the one of its policy and gives the policy the roles recorded that exist (none: the policy is dropped, never left to PUBLIC)';
CREATE TRIGGER policy_roles_owner_only BEFORE INSERT OR UPDATE OR DELETE ON dormancy.policy_roles
	FOR EACH ROW EXECUTE FUNCTION dormancy._policy_roles_written();
CREATE TRIGGER policy_roles_truncate BEFORE TRUNCATE ON dormancy.policy_roles
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._policy_roles_written();
CREATE TRIGGER policy_roles_restored AFTER INSERT OR UPDATE ON dormancy.policy_roles
	FOR EACH ROW EXECUTE FUNCTION dormancy._policy_roles_written();
COMMENT ON TRIGGER policy_roles_owner_only ON dormancy.policy_roles IS
	'only the owner writes the record; an inserted (restored) row replaces the row of its policy; a row is kept in this cluster''s terms (role OIDs of this cluster where found)';
COMMENT ON TRIGGER policy_roles_truncate ON dormancy.policy_roles IS
	'only the owner empties the record';
COMMENT ON TRIGGER policy_roles_restored ON dormancy.policy_roles IS
	'gives the policy the roles recorded that exist (none: drops it, never leaves it to PUBLIC), without recording them again';

-- The roles a DROP OWNED names (their OIDs; a missing one left out), noted
-- at its ddl_command_start (dormancy_policy_roles_owned_targets) in the
-- transaction-local setting dormancy_policy_roles.drop_owned_targets for
-- _policy_roles_ddl at its ddl_command_end: only the statement tells which
-- roles it took out of a policy it then dropped by cascade.  In C: an
-- event trigger in plpgsql does not see the statement.  It reads no table
-- and raises no error for any role named (it runs for every role's DROP
-- OWNED).
CREATE FUNCTION dormancy._drop_owned_targets()
	RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'dormancy_drop_owned_targets'
	LANGUAGE C;
COMMENT ON FUNCTION dormancy._drop_owned_targets() IS
	'internal: event trigger at the start of DROP OWNED noting the OIDs of the roles it names (dormancy_policy_roles.drop_owned_targets, transaction-local), for dormancy._policy_roles_ddl';

-- The event triggers: ALTER POLICY or CREATE POLICY of one of the nine (by
-- its owner: no one else may) records its roles at once, so that a
-- pg_dump right after carries them (not only after the next build); but
-- not the extension's own (dormancy_policy_roles.applying is on: a build,
-- a restored row), which gives a policy the roles recorded, and would
-- forget those not found.  DROP OWNED takes the roles named out of the
-- policies, and drops a policy whose last role it took, with no ALTER
-- POLICY: the roles each of the nine had before it (ddl_command_start)
-- and after it (ddl_command_end) tell which roles it took, and those leave
-- the record (a policy that lost them all: a row naming none, not made
-- again).  A policy DROP OWNED ... CASCADE drops by cascade (with
-- src_customers, when the role owns the bound customers: sql_drop,
-- dormancy_policy_roles_dropped, tells it from one whose last role it
-- took) keeps its record, as at DROP TABLE ... CASCADE (until 2026-12-08
-- all nine were recorded with none, and no build made them again), but
-- for the roles the statement named that the policy had: PostgreSQL took
-- them out of it before the cascade (until 2026-12-08 the record kept
-- them, and the next build gave them the policy back); the statement's
-- roles are _drop_owned_targets'.  Only a DROP OWNED run with the privileges of the table's
-- owner is recorded: another role's cannot take a role out of the nine
-- (PostgreSQL leaves it there), and may not read the record (until
-- 2026-12-08 its DROP OWNED failed when a policy changed meanwhile, or
-- when it dropped the bound customers).  Policies of other tables are left alone without reading or
-- calling anything of the extension's (any role's DDL fires it, and only
-- the owner may read the record and call the internal functions; only the
-- owner changes one of the nine).  That is why the filters name the nine
-- (not _policy_roles_installed) and dormancy.policy_roles is looked up
-- inside the loops, after them, not joined in their queries: a join may
-- be planned to read policy_roles first, and every other role's CREATE
-- POLICY or DROP OWNED would fail (test tracking_security).  An error
-- recording the roles fails the owner's statement: a policy whose roles
-- were not recorded would get the recorded ones back at the next build.
CREATE FUNCTION dormancy._policy_roles_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	y record;
	res record;
	before jsonb;
	cascaded jsonb;
	targets oid[];
	-- the nine, as table.policy, and the extension's schema: read from the
	-- catalogs only (any role's DDL fires this; no function of ours)
	nine constant text[] := ARRAY['outreach_log.visible_customers', 'outreach_log.writers_insert',
								  'outreach_log.writers_update', 'outreach_log.writers_delete',
								  'campaign_members.visible_customers', 'campaign_members.writers_insert',
								  'campaign_members.writers_update', 'campaign_members.writers_delete',
								  'status_history.analysts_see_their_customers'];
	ns constant oid := (SELECT n.oid FROM pg_namespace n WHERE n.nspname = 'dormancy');
BEGIN
	IF TG_TAG = 'DROP OWNED' THEN
		IF TG_EVENT = 'sql_drop' THEN
			-- the nine dropped by cascade (with src_customers, whose table
			-- DROP OWNED ... CASCADE dropped): no role was taken out of them
			PERFORM set_config('dormancy_policy_roles.cascaded_drop_owned',
							   (SELECT coalesce(jsonb_agg(d.object_identity), '[]')::text
								  FROM pg_event_trigger_dropped_objects() d
								 WHERE d.object_type = 'policy' AND NOT d.original),
							   true);
			RETURN;
		ELSIF TG_EVENT = 'ddl_command_start' THEN
			PERFORM set_config('dormancy_policy_roles.before_drop_owned',
							   (SELECT coalesce(jsonb_object_agg(t.relname || '.' || p.polname, p.polroles::text), '{}')::text
								  FROM pg_policy p JOIN pg_class t ON t.oid = p.polrelid
								 WHERE t.relnamespace = ns AND (t.relname || '.' || p.polname) = ANY (nine)),
							   true);
			RETURN;
		END IF;
		before := nullif(current_setting('dormancy_policy_roles.before_drop_owned', true), '')::jsonb;
		cascaded := nullif(current_setting('dormancy_policy_roles.cascaded_drop_owned', true), '')::jsonb;
		targets := coalesce(nullif(current_setting('dormancy_policy_roles.drop_owned_targets', true), '')::oid[], '{}');
		PERFORM set_config('dormancy_policy_roles.before_drop_owned', '', true);
		PERFORM set_config('dormancy_policy_roles.cascaded_drop_owned', '', true);
		PERFORM set_config('dormancy_policy_roles.drop_owned_targets', '', true);
		FOR y IN
			SELECT z.tname, z.policy, z.was,
				   -- the roles it took out: those the policy lost; of one
				   -- dropped by cascade, those of the statement it had
				   CASE WHEN z.cascade
						THEN ARRAY(SELECT unnest(z.was) INTERSECT SELECT unnest(targets))
						ELSE ARRAY(SELECT unnest(z.was) EXCEPT SELECT unnest(z.now)) END AS gone
			  FROM (SELECT split_part(b.key, '.', 1)::name AS tname, split_part(b.key, '.', 2)::name AS policy,
						   (b.value #>> '{}')::oid[] AS was, coalesce(p.polroles, '{}') AS now,
						   -- dropped by cascade: its record stays (as at DROP
						   -- TABLE ... CASCADE) but for the statement's roles
						   p.polroles IS NULL
						   AND coalesce(cascaded, '[]') ? format('%s on dormancy.%s', quote_ident(split_part(b.key, '.', 2)), quote_ident(split_part(b.key, '.', 1))) AS cascade
					  FROM jsonb_each(coalesce(before, '{}')) b
					  LEFT JOIN (pg_policy p JOIN pg_class t ON t.oid = p.polrelid
								 AND t.relnamespace = ns)
						ON t.relname = split_part(b.key, '.', 1) AND p.polname = split_part(b.key, '.', 2)
					 WHERE p.polroles IS DISTINCT FROM (b.value #>> '{}')::oid[]) z
			 WHERE (NOT z.cascade OR z.was && targets)
			   -- only a role with the privileges of the table's owner (no
			   -- other may read the record): another's DROP OWNED cannot
			   -- take a role out of the nine (PostgreSQL keeps it there)
			   AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c
											   WHERE c.relname = z.tname
												 AND c.relnamespace = ns), 'USAGE')
		LOOP
			SELECT x.* INTO res
			  FROM dormancy.policy_roles r
			 CROSS JOIN LATERAL dormancy._policy_roles_resolved(r.roles, r.role_ids, r.cluster_id, y.was) x
			 WHERE r.table_name = y.tname AND r.policy_name = y.policy;
			IF NOT FOUND THEN
				SELECT * INTO res FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(y.tname, y.policy), NULL, NULL);
			END IF;
			-- the roles it took out leave the record; the names not found stay
			PERFORM dormancy._store_policy_roles(
				y.tname, y.policy,
				ARRAY(SELECT u.n FROM unnest(res.record_roles, res.record_ids) WITH ORDINALITY AS u(n, i, o)
					   WHERE u.i IS NULL OR NOT u.i = ANY (y.gone) ORDER BY u.o),
				ARRAY(SELECT u.i FROM unnest(res.record_roles, res.record_ids) WITH ORDINALITY AS u(n, i, o)
					   WHERE u.i IS NULL OR NOT u.i = ANY (y.gone) ORDER BY u.o),
				res.record_cluster);
		END LOOP;
		RETURN;
	END IF;
	IF current_setting('dormancy_policy_roles.applying', true) = 'on' THEN
		RETURN;
	END IF;
	FOR y IN
		SELECT p.polrelid, p.polname
		  FROM pg_event_trigger_ddl_commands() c
		  JOIN pg_policy p ON p.oid = c.objid
		  JOIN pg_class t ON t.oid = p.polrelid
		 WHERE c.classid = 'pg_policy'::regclass
		   AND t.relnamespace = ns AND (t.relname || '.' || p.polname) = ANY (nine)
	LOOP
		PERFORM dormancy._record_policy_roles(y.polrelid, y.polname);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._policy_roles_ddl() IS
	'internal: event trigger recording the roles of one of the nine policies of the log, the members and the history at its ALTER POLICY or CREATE POLICY (not the extension''s own), and the roles DROP OWNED took out of them (ddl_command_start: the roles before; sql_drop: the policies dropped by cascade, whose records lose only the roles the statement named, noted by dormancy._drop_owned_targets; only as a role with the privileges of the table''s owner)';
CREATE EVENT TRIGGER dormancy_policy_roles ON ddl_command_end
	WHEN TAG IN ('ALTER POLICY', 'CREATE POLICY', 'DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles IS
	'extension dormancy: records the roles given to a row security policy of outreach_log, campaign_members or status_history, or taken out of one by DROP OWNED (dormancy.policy_roles), which pg_dump dumps';
CREATE EVENT TRIGGER dormancy_policy_roles_owned ON ddl_command_start
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles_owned ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_owned IS
	'extension dormancy: notes the roles of the row security policies of outreach_log, campaign_members and status_history before a DROP OWNED, for dormancy_policy_roles to record those it takes out';
CREATE EVENT TRIGGER dormancy_policy_roles_dropped ON sql_drop
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._policy_roles_ddl();
ALTER EVENT TRIGGER dormancy_policy_roles_dropped ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_dropped IS
	'extension dormancy: notes the row security policies a DROP OWNED ... CASCADE drops by cascade (with dormancy.src_customers), for dormancy_policy_roles to leave their records as they are but for the roles the statement named';
CREATE EVENT TRIGGER dormancy_policy_roles_owned_targets ON ddl_command_start
	WHEN TAG IN ('DROP OWNED')
	EXECUTE FUNCTION dormancy._drop_owned_targets();
ALTER EVENT TRIGGER dormancy_policy_roles_owned_targets ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_policy_roles_owned_targets IS
	'extension dormancy: notes the roles a DROP OWNED names, for dormancy_policy_roles to take them out of the records of the row security policies of outreach_log, campaign_members and status_history it drops by cascade';

-- The nine policies of the log, the members and the status history: made
-- (with their comments) and kept here, the one place that defines them
-- (each one's table, command and comment; its installed roles are
-- _policy_roles_installed's; sql_src/97_privileges.sql makes them at
-- install, once dormancy_analyst exists; every build again).
-- Each tests the customer of each row read (its key: the text of a
-- customer id) by the index of your customers' id, once a build has made
-- src_customers: EXISTS a row of src_customers whose id is
-- customer_id_from_text(key) (an id with exactly that text: the same rows
-- as the key among visible_customer_keys()), which the planner either
-- looks up for each row read or, reading many, hashes once, the customers
-- read once per query as before.  visible_customer_keys() always ran whole:
-- an analyst's lookup of one customer read every customer the analyst sees
-- to test its three contacts (at 100,000 customers and 300,000 contacts,
-- 120-160 ms against the owner's 10 ms; 11-12 ms now, with the log's join
-- on customer_id_text: test/bench/analyst_lookup.sh).  The test names
-- src_customers, so it goes before each build (which may drop it for
-- another id type: per_row false, the installed form) and comes back
-- after, for the id type built.  visible_customer_keys() stays where the
-- index cannot serve: ids of another type (customer_id_from_text takes
-- smallint, integer, bigint, uuid, text and varchar), text ids in another
-- collation than the default, customers (else orders) in a Citus table (a
-- subquery over them in a policy of a local table is a join Citus
-- refuses), nothing bound.  The same test for reading and writing: a role
-- granted INSERT, UPDATE or DELETE writes the rows of the customers it
-- sees, and only those (UPDATE and DELETE without a WHERE would otherwise
-- reach rows that its SELECT policy hides); the owner writes any row.
-- A policy of the nine that is missing is made again, with the roles
-- recorded for it in policy_roles (as installed where it has no row), with
-- a NOTICE naming it and its roles: a DROP ... CASCADE of your bound
-- customers (or of src_customers) drops the per-row form with
-- src_customers.  Until the next build (bind, unbind, rebind(), which that
-- drop requires anyway) no policy of the nine lets a role other than the
-- owner read or write a contact, a member or a change: it reads none (row
-- security without a policy for a command denies it), never more;
-- readers_see_all and writers_see_all of the history stay.  A policy that
-- exists and lacks roles of its row, or has others, is given the roles of
-- its row (a NOTICE): its row is the owner's last choice, and only what
-- does not record it parts them (a restore with the triggers of
-- policy_roles disabled, pg_restore --data-only --disable-triggers, leaves
-- the policies as installed; a recorded role missing at the restore may
-- exist now).  A policy with no row and other roles than the installed
-- ones (given before the record was kept: the update from 0.3.0) has them
-- recorded.  A recorded role that does not exist is left out (a WARNING
-- at each build, once); a policy none of whose recorded roles exists is
-- not made (a WARNING): never TO PUBLIC in their place.  Its own CREATE,
-- ALTER and DROP POLICY are not recorded again by the event trigger
-- (dormancy_policy_roles.applying), and its row is kept in this cluster's
-- terms (_store_policy_roles).
-- pg_dump does not dump the policies of the extension's tables: a restore
-- has the installed form (the same rows) until rebind(), with the roles
-- recorded (policy_roles, which pg_dump dumps, gives them at restore).
CREATE FUNCTION dormancy._customer_key_policies(per_row boolean)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel regclass;
	id_type oid;
	id_collation oid;
	p record;
	test text;
	made boolean;
	now_ids oid[];
	recorded boolean;
	r record;
	res record;
	applying text := current_setting('dormancy_policy_roles.applying', true);
BEGIN
	IF per_row AND to_regclass('dormancy.src_customers') IS NOT NULL THEN
		rel := coalesce((SELECT b.relation FROM dormancy._usable_bindings() b WHERE b.source = 'customers'),
						(SELECT b.relation FROM dormancy._usable_bindings() b WHERE b.source = 'orders'));
		SELECT a.atttypid, a.attcollation INTO id_type, id_collation
		  FROM pg_attribute a
		 WHERE a.attrelid = 'dormancy.src_customers'::regclass AND a.attname = 'customer_id' AND NOT a.attisdropped;
		-- a domain's base type (customer_id_from_text refuses a domain)
		id_type := (dormancy._base_type(id_type)).base;
		IF rel IS NULL OR dormancy._citus_table_kind(rel) IS NOT NULL THEN
			id_type := NULL;
		END IF;
	END IF;
	PERFORM set_config('dormancy_policy_roles.applying', 'on', true);
	FOR p IN
		SELECT v.tab, v.tab::regclass AS rel, (SELECT c.relname FROM pg_class c WHERE c.oid = v.tab::regclass) AS tname,
			   v.key, v.name, v.cmd, v.comment
		  FROM (VALUES
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'visible_customers', 'SELECT',
			 'a contact is visible to whom sees its customer (its key, dormancy.outreach_customer_key, is the text of a customer id the role sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_insert', 'INSERT',
			 'a role granted INSERT (not the owner) writes contacts of the customers it sees only'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_update', 'UPDATE',
			 'a role granted UPDATE (not the owner) updates the contacts of the customers it sees, and only to customers it sees'),
			('dormancy.outreach_log', 'dormancy.outreach_customer_key(outreach_log.customer_id)', 'writers_delete', 'DELETE',
			 'a role granted DELETE (not the owner) deletes the contacts of the customers it sees only'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'visible_customers', 'SELECT',
			 'a member is visible to whom sees its customer (its customer_id is the text of a customer id the role sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_insert', 'INSERT',
			 'a role granted INSERT (not the owner; start_campaign as that role) writes members among the customers it sees only'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_update', 'UPDATE',
			 'a role granted UPDATE (not the owner) updates the members among the customers it sees, and only to customers it sees'),
			('dormancy.campaign_members', 'campaign_members.customer_id', 'writers_delete', 'DELETE',
			 'a role granted DELETE (not the owner) deletes the members among the customers it sees only'),
			('dormancy.status_history', 'status_history.customer_id', 'analysts_see_their_customers', 'SELECT',
			 'a member of dormancy_analyst reads the changes of the customers it may see (customer_id is the text of a customer id it sees: tested by the index of the customers'' id after a bind, else among dormancy.visible_customer_keys())')
		  ) v(tab, key, name, cmd, comment)
	LOOP
		test := CASE
			WHEN id_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'uuid'::regtype) THEN
				format('EXISTS (SELECT 1 FROM dormancy.src_customers c '
					   'WHERE c.customer_id = dormancy.customer_id_from_text(%s, NULL::%s))', p.key, format_type(id_type, NULL))
			-- text ids are their text (in the default collation, which the
			-- key has: the comparison of visible_customer_keys())
			WHEN id_type IN ('text'::regtype, 'varchar'::regtype) AND id_collation IN (0, 100) THEN
				format('EXISTS (SELECT 1 FROM dormancy.src_customers c WHERE c.customer_id = %s)', p.key)
			ELSE format('%s IN (SELECT k.k FROM dormancy.visible_customer_keys() k(k))', p.key) END;
		-- the roles: those of its row (as installed with none), which the
		-- policy is given where it has others; its test where the command
		-- reads rows (USING) and where it writes them (WITH CHECK)
		SELECT y.polroles INTO now_ids FROM pg_policy y WHERE y.polrelid = p.rel AND y.polname = p.name;
		made := FOUND;
		SELECT x.roles, x.role_ids, x.cluster_id INTO r FROM dormancy.policy_roles x WHERE x.table_name = p.tname AND x.policy_name = p.name;
		recorded := FOUND;
		IF recorded THEN
			SELECT * INTO res FROM dormancy._policy_roles_resolved(r.roles, r.role_ids, r.cluster_id, CASE WHEN made THEN now_ids END);
			IF cardinality(res.renamed) > 0 AND NOT per_row THEN
				RAISE WARNING 'policy % on %: recorded role % has another name now (%): renamed, or its OID reused by another role after a drop; left out',
					p.name, p.tab, dormancy._policy_role_list(res.renamed), dormancy._policy_role_list(res.renamed_to)
					USING DETAIL = 'In this cluster a recorded role is its OID and its name both: never one of them alone. A build records the new name of a role renamed while the policy holds it; this policy did not (it was missing, or restored).',
						  HINT = format('If it is the role recorded, renamed, give it the policy again: ALTER POLICY %I ON %s TO ..., which records it (or record it: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind()).',
										p.name, p.tab, p.tname, p.name);
			END IF;
		ELSE
			SELECT * INTO res FROM dormancy._policy_roles_resolved(dormancy._policy_roles_installed(p.tname, p.name), NULL, NULL);
		END IF;
		IF made AND NOT (cardinality(res.ids) > 0 AND res.ids @> now_ids AND now_ids @> res.ids) THEN
			IF NOT recorded THEN
				-- roles given before they were recorded: recorded now
				PERFORM dormancy._record_policy_roles(p.rel, p.name);
			ELSIF cardinality(res.ids) = 0 THEN
				EXECUTE format('DROP POLICY %I ON %s', p.name, p.tab);
				RAISE WARNING 'policy % on % dropped: none of its roles exists (%)', p.name, p.tab,
					coalesce(dormancy._policy_role_list(res.missing), 'none recorded')
					USING DETAIL = 'dormancy.policy_roles records these roles for it. It is not left to PUBLIC instead: until it is made again, no role reads or writes a row through it.',
						  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
										p.tname, p.name);
				PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
				CONTINUE;
			ELSE
				EXECUTE format('ALTER POLICY %I ON %s TO %s', p.name, p.tab, dormancy._policy_role_list(res.names));
				RAISE NOTICE 'policy % on % given the roles recorded for it: %', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'dormancy.policy_roles records the roles you gave it last: a restore with its triggers disabled (pg_restore --data-only --disable-triggers) leaves the policies as installed until a build, and a role recorded may have been created since.';
			END IF;
		END IF;
		IF NOT made THEN
			IF cardinality(res.ids) = 0 THEN
				-- (once a build: the call before it, per_row false, said so)
				IF NOT per_row AND recorded AND cardinality(r.roles) = 0 THEN
					RAISE WARNING 'policy % on % is missing and is not made again: no role is recorded for it', p.name, p.tab
						USING DETAIL = 'DROP OWNED took its last role. It is not made TO PUBLIC instead: until it is made, no role reads or writes a row through it.',
							  HINT = format('Record its roles: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then SELECT dormancy.rebind(), which makes it.',
											p.tname, p.name);
				ELSIF NOT per_row THEN
					RAISE WARNING 'policy % on % is missing and is not made again: none of its roles exists (%)',
						p.name, p.tab, dormancy._policy_role_list(res.missing)
						USING DETAIL = 'dormancy.policy_roles records these roles for it. It is not made TO PUBLIC instead: until it is made, no role reads or writes a row through it.',
							  HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which makes the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or record others: UPDATE dormancy.policy_roles SET roles = ''{...}'' WHERE table_name = %L AND policy_name = %L, then rebind().',
											p.tname, p.name);
				END IF;
				IF recorded THEN
					PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
				END IF;
				CONTINUE;
			ELSIF cardinality(res.missing) > 0 THEN
				RAISE WARNING 'policy % on % was missing: made again TO % only (recorded role % does not exist)',
					p.name, p.tab, dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
					USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
										p.name, p.tab);
			ELSIF NOT recorded THEN
				RAISE NOTICE 'policy % on % was missing: made again TO % (as installed: dormancy.policy_roles has no row for it)', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'No row is "as installed" (a DROP ... CASCADE of the bound customers drops it with dormancy.src_customers). A row deleted by hand is no longer the roles you gave it.';
			ELSE
				RAISE NOTICE 'policy % on % was missing: made again TO %', p.name, p.tab, dormancy._policy_role_list(res.names)
					USING DETAIL = 'Its roles are the ones recorded for it in dormancy.policy_roles (a DROP ... CASCADE of the bound customers drops it with dormancy.src_customers).';
			END IF;
		ELSIF cardinality(res.missing) > 0 AND NOT per_row THEN
			RAISE WARNING 'policy % on % is TO % only: recorded role % does not exist', p.name, p.tab,
				dormancy._policy_role_list(res.names), dormancy._policy_role_list(res.missing)
				USING HINT = format('A role of a record from another cluster: create it and run SELECT dormancy.rebind(), which gives it the policy (a role dropped in this cluster is gone: one made again under its name is another role). Or give the policy the roles it should have: ALTER POLICY %I ON %s TO ..., which records them.',
									p.name, p.tab);
		END IF;
		EXECUTE format('%s %I ON %s %s%s%s',
					   CASE WHEN made THEN 'ALTER POLICY' ELSE 'CREATE POLICY' END,
					   p.name, p.tab, CASE WHEN made THEN '' ELSE format('FOR %s TO %s', p.cmd, dormancy._policy_role_list(res.names)) END,
					   CASE WHEN p.cmd <> 'INSERT' THEN format(' USING (%s)', test) ELSE '' END,
					   CASE WHEN p.cmd IN ('INSERT', 'UPDATE') THEN format(' WITH CHECK (%s)', test) ELSE '' END);
		EXECUTE format('COMMENT ON POLICY %I ON %s IS %L', p.name, p.tab, p.comment);
		-- its row in this cluster's terms (renamed roles under their names now)
		IF recorded THEN
			PERFORM dormancy._store_policy_roles(p.tname, p.name, res.record_roles, res.record_ids, res.record_cluster);
		END IF;
	END LOOP;
	PERFORM set_config('dormancy_policy_roles.applying', coalesce(applying, ''), true);
END
$$;
COMMENT ON FUNCTION dormancy._customer_key_policies(boolean) IS
	'internal: makes (if missing, with the roles recorded in policy_roles) and sets the row security policies of outreach_log, campaign_members and status_history for the customers each role sees, with their comments, and gives each the roles of its row (as installed with none): with per_row, after a build, by the index of the customers'' id where it can be (else, and before a build, the key among visible_customer_keys())';

--
-- Mappings of the outreach wordings onto the documented ones
--

CREATE TABLE dormancy.outreach_channels (
	source_channel text PRIMARY KEY,
	channel text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_channels_channel CHECK (channel IN ('email', 'direct_mail', 'phone', 'visit', 'step_mail')),
	CONSTRAINT outreach_channels_source_not_blank CHECK (btrim(source_channel) <> '')
);
CREATE UNIQUE INDEX outreach_channels_key ON dormancy.outreach_channels ((dormancy.label_key(source_channel)));
COMMENT ON TABLE dormancy.outreach_channels IS
	'maps the channels of the outreach onto email, direct_mail, phone, visit or step_mail, the channels of dormancy.approach_rules (case-insensitive); unmapped channels are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_channels.source_channel IS 'a value of the outreach channel column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_channels.channel IS 'what it means: email, direct_mail, phone, visit or step_mail';
COMMENT ON COLUMN dormancy.outreach_channels.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_channels (source_channel, channel) VALUES
	('email', 'email'), ('e-mail', 'email'), ('mail', 'email'), ('newsletter', 'email'),
	('direct_mail', 'direct_mail'), ('direct mail', 'direct_mail'), ('dm', 'direct_mail'),
	('postal mail', 'direct_mail'), ('letter', 'direct_mail'), ('postcard', 'direct_mail'),
	('phone', 'phone'), ('call', 'phone'), ('phone call', 'phone'), ('telephone', 'phone'),
	('tel', 'phone'), ('outbound call', 'phone'),
	('visit', 'visit'), ('site visit', 'visit'), ('in person', 'visit'), ('in-person', 'visit'),
	('field visit', 'visit'),
	('step_mail', 'step_mail'), ('step mail', 'step_mail'), ('drip', 'step_mail'),
	('drip email', 'step_mail'), ('nurture', 'step_mail'), ('nurture email', 'step_mail');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/outreach.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.outreach_channels (source_channel, channel) VALUES
		(U&'\30E1\30FC\30EB', 'email'),	-- meru: e-mail
		(U&'E\30E1\30FC\30EB', 'email'),	-- E-meru: e-mail
		(U&'\96FB\5B50\30E1\30FC\30EB', 'email'),	-- denshi meru: electronic mail
		(U&'\30E1\30EB\30DE\30AC', 'email'),	-- merumaga: newsletter
		(U&'\30C0\30A4\30EC\30AF\30C8\30E1\30FC\30EB', 'direct_mail'),	-- dairekuto meru: direct mail
		(U&'\90F5\9001', 'direct_mail'),	-- yuso: by post
		(U&'\30CF\30AC\30AD', 'direct_mail'),	-- hagaki: postcard
		(U&'\306F\304C\304D', 'direct_mail'),	-- hagaki: postcard
		(U&'\624B\7D19', 'direct_mail'),	-- tegami: letter
		(U&'\96FB\8A71', 'phone'),	-- denwa: telephone
		(U&'\67B6\96FB', 'phone'),	-- kaden: outbound call
		(U&'\96FB\8A71\9023\7D61', 'phone'),	-- denwa renraku: phone contact
		(U&'\30C6\30EC\30A2\30DD', 'phone'),	-- tereapo: telephone appointment setting
		(U&'\30B3\30FC\30EB', 'phone'),	-- koru: call
		(U&'\8A2A\554F', 'visit'),	-- homon: visit
		(U&'\5F80\8A2A', 'visit'),	-- oho: visit to the customer
		(U&'\5BFE\9762', 'visit'),	-- taimen: face to face
		(U&'\8A2A\554F\55B6\696D', 'visit'),	-- homon eigyo: field sales visit
		(U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB', 'step_mail');	-- suteppu meru: step mail
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_channels: left out';
END
$$;

CREATE TABLE dormancy.outreach_themes (
	source_theme text PRIMARY KEY,
	theme text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_themes_theme CHECK (theme IN (
		'feedback_survey', 'discount_or_downsell', 'reminder', 'usage_guide', 'new_offer',
		'comparison_case_study', 'referral')),
	CONSTRAINT outreach_themes_source_not_blank CHECK (btrim(source_theme) <> '')
);
CREATE UNIQUE INDEX outreach_themes_key ON dormancy.outreach_themes ((dormancy.label_key(source_theme)));
COMMENT ON TABLE dormancy.outreach_themes IS
	'maps the message themes of the outreach onto the themes of dormancy.message_themes (case-insensitive); unmapped themes are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_themes.source_theme IS 'a value of the outreach theme column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_themes.theme IS 'what it means: feedback_survey, discount_or_downsell, reminder, usage_guide, new_offer, comparison_case_study or referral';
COMMENT ON COLUMN dormancy.outreach_themes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_themes (source_theme, theme) VALUES
	('feedback_survey', 'feedback_survey'), ('feedback survey', 'feedback_survey'),
	('feedback', 'feedback_survey'), ('survey', 'feedback_survey'),
	('discount_or_downsell', 'discount_or_downsell'), ('discount', 'discount_or_downsell'),
	('downsell', 'discount_or_downsell'), ('special offer', 'discount_or_downsell'),
	('reminder', 'reminder'), ('check-in', 'reminder'), ('check in', 'reminder'),
	('usage_guide', 'usage_guide'), ('usage guide', 'usage_guide'), ('how-to', 'usage_guide'),
	('tips', 'usage_guide'),
	('new_offer', 'new_offer'), ('new offer', 'new_offer'), ('new product', 'new_offer'),
	('product update', 'new_offer'),
	('comparison_case_study', 'comparison_case_study'), ('case study', 'comparison_case_study'),
	('comparison', 'comparison_case_study'),
	('referral', 'referral');
DO $$
BEGIN
	INSERT INTO dormancy.outreach_themes (source_theme, theme) VALUES
		(U&'\30A2\30F3\30B1\30FC\30C8', 'feedback_survey'),	-- anketo: questionnaire
		(U&'\6E80\8DB3\5EA6\8ABF\67FB', 'feedback_survey'),	-- manzokudo chosa: satisfaction survey
		(U&'\5024\5F15\304D', 'discount_or_downsell'),	-- nebiki: price reduction
		(U&'\5272\5F15', 'discount_or_downsell'),	-- waribiki: discount
		(U&'\5024\5F15\304D\63D0\6848', 'discount_or_downsell'),	-- nebiki teian: discount proposal
		(U&'\30EA\30DE\30A4\30F3\30C9', 'reminder'),	-- rimaindo: reminder
		(U&'\3054\6328\62F6', 'reminder'),	-- go-aisatsu: greeting
		(U&'\6328\62F6', 'reminder'),	-- aisatsu: greeting
		(U&'\4F7F\3044\65B9', 'usage_guide'),	-- tsukaikata: how to use
		(U&'\6D3B\7528\65B9\6CD5', 'usage_guide'),	-- katsuyo hoho: ways to make use of it
		(U&'\6D3B\7528\30AC\30A4\30C9', 'usage_guide'),	-- katsuyo gaido: usage guide
		(U&'\4F7F\3044\65B9\6848\5185', 'usage_guide'),	-- tsukaikata annai: how-to guide
		(U&'\65B0\5546\54C1', 'new_offer'),	-- shinshohin: new product
		(U&'\65B0\88FD\54C1', 'new_offer'),	-- shinseihin: new product
		(U&'\65B0\30B5\30FC\30D3\30B9', 'new_offer'),	-- shin sabisu: new service
		(U&'\65B0\30D7\30E9\30F3', 'new_offer'),	-- shin puran: new plan
		(U&'\65B0\5546\54C1\6848\5185', 'new_offer'),	-- shinshohin annai: new product announcement
		(U&'\5C0E\5165\4E8B\4F8B', 'comparison_case_study'),	-- donyu jirei: customer case study
		(U&'\4E8B\4F8B', 'comparison_case_study'),	-- jirei: case study
		(U&'\4E8B\4F8B\7D39\4ECB', 'comparison_case_study'),	-- jirei shokai: case study presentation
		(U&'\6BD4\8F03\8CC7\6599', 'comparison_case_study'),	-- hikaku shiryo: comparison material
		(U&'\7D39\4ECB', 'referral'),	-- shokai: referral
		(U&'\7D39\4ECB\4F9D\983C', 'referral');	-- shokai irai: request for a referral
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_themes: left out';
END
$$;

CREATE TABLE dormancy.outreach_outcomes (
	source_outcome text PRIMARY KEY,
	outcome text NOT NULL,
	opt_out boolean NOT NULL DEFAULT false,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT outreach_outcomes_outcome CHECK (outcome IN (
		'not_reached', 'reached', 'delivered', 'interested', 'meeting', 'quote', 'order', 'declined')),
	-- an opt-out is a refusal: a customer asking for a meeting asks for contact
	CONSTRAINT outreach_outcomes_opt_out_declined CHECK (NOT opt_out OR outcome = 'declined'),
	CONSTRAINT outreach_outcomes_source_not_blank CHECK (btrim(source_outcome) <> '')
);
CREATE UNIQUE INDEX outreach_outcomes_key ON dormancy.outreach_outcomes ((dormancy.label_key(source_outcome)));
COMMENT ON TABLE dormancy.outreach_outcomes IS
	'maps the outcomes of the outreach onto not_reached, reached, delivered (arrived, no answer), interested, meeting, quote, order or declined (case-insensitive); unmapped outcomes are NULL and listed by dormancy.unmatched_labels';
COMMENT ON COLUMN dormancy.outreach_outcomes.source_outcome IS 'a value of the outreach outcome column (matched by label_key: NFKC, case, blanks)';
COMMENT ON COLUMN dormancy.outreach_outcomes.outcome IS 'what it means: not_reached, reached, delivered (arrived, no answer), interested, meeting, quote, order or declined';
COMMENT ON COLUMN dormancy.outreach_outcomes.opt_out IS 'the customer asked not to be contacted again (only with outcome declined): kept off call_list, snapshot_call_list and new campaigns until a later outcome interested, meeting, quote or order (customer_outreach.opted_out_on); default false';
COMMENT ON COLUMN dormancy.outreach_outcomes.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
	('not_reached', 'not_reached'), ('not reached', 'not_reached'), ('no answer', 'not_reached'),
	('no_answer', 'not_reached'), ('voicemail', 'not_reached'), ('left voicemail', 'not_reached'),
	('busy', 'not_reached'), ('bounced', 'not_reached'), ('unreachable', 'not_reached'),
	('returned', 'not_reached'),
	('reached', 'reached'), ('connected', 'reached'), ('contacted', 'reached'), ('talked', 'reached'),
	-- a message that arrived and got no answer (a mailing, a newsletter):
	-- no conversation, and it holds nobody back, whatever the channel
	('delivered', 'delivered'), ('opened', 'delivered'), ('unopened', 'delivered'), ('sent', 'delivered'),
	('interested', 'interested'), ('positive', 'interested'), ('follow up', 'interested'),
	('follow-up', 'interested'),
	('meeting', 'meeting'), ('appointment', 'meeting'), ('meeting booked', 'meeting'),
	('meeting set', 'meeting'), ('demo', 'meeting'), ('demo booked', 'meeting'),
	('quote', 'quote'), ('quotation', 'quote'), ('quote sent', 'quote'), ('proposal sent', 'quote'),
	('order', 'order'), ('ordered', 'order'), ('won', 'order'), ('purchase', 'order'),
	('declined', 'declined'), ('refused', 'declined'), ('rejected', 'declined'),
	('not interested', 'declined'), ('not_interested', 'declined'),
	('lost', 'declined');
-- the requests to be left alone: opt-outs (docs/outreach.md, Opt-outs)
INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES
	('do not contact', 'declined', true), ('do_not_contact', 'declined', true),
	('do not call', 'declined', true), ('opt out', 'declined', true), ('opt-out', 'declined', true),
	('opted out', 'declined', true);
DO $$
BEGIN
	INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome) VALUES
		(U&'\4E0D\5728', 'not_reached'),	-- fuzai: absent
		(U&'\4E0D\901A', 'not_reached'),	-- futsu: no connection
		(U&'\7559\5B88\96FB', 'not_reached'),	-- rusuden: answering machine
		(U&'\7559\5B88\756A\96FB\8A71', 'not_reached'),	-- rusuban denwa: answering machine
		(U&'\8A71\3057\4E2D', 'not_reached'),	-- hanashichu: line busy
		(U&'\672A\63A5\7D9A', 'not_reached'),	-- misetsuzoku: not connected
		-- a mailing that never arrived
		(U&'\4E0D\9054', 'not_reached'),	-- futatsu: undelivered
		(U&'\5B9B\5148\4E0D\660E', 'not_reached'),	-- atesaki fumei: unknown address
		(U&'\8FD4\9001', 'not_reached'),	-- henso: returned
		(U&'\63A5\7D9A', 'reached'),	-- setsuzoku: connected
		(U&'\901A\8A71', 'reached'),	-- tsuwa: talked on the phone
		(U&'\63A5\89E6', 'reached'),	-- sesshoku: contact made
		(U&'\62C5\5F53\8005\63A5\7D9A', 'reached'),	-- tantosha setsuzoku: reached the person in charge
		-- a message that arrived, no answer (a mailing, a newsletter:
		-- docs/outreach.md, Recent contacts)
		(U&'\914D\4FE1', 'delivered'),	-- haishin: sent
		(U&'\914D\4FE1\6E08', 'delivered'),	-- haishin-zumi: delivered
		(U&'\914D\4FE1\6E08\307F', 'delivered'),	-- haishin-zumi: delivered
		(U&'\914D\4FE1\5B8C\4E86', 'delivered'),	-- haishin kanryo: delivery done
		(U&'\767A\9001', 'delivered'),	-- hasso: dispatched
		(U&'\767A\9001\6E08', 'delivered'),	-- hasso-zumi: dispatched
		(U&'\767A\9001\6E08\307F', 'delivered'),	-- hasso-zumi: dispatched
		(U&'\958B\5C01', 'delivered'),	-- kaifu: opened
		(U&'\958B\5C01\6E08', 'delivered'),	-- kaifu-zumi: opened
		(U&'\958B\5C01\6E08\307F', 'delivered'),	-- kaifu-zumi: opened
		(U&'\672A\958B\5C01', 'delivered'),	-- mikaifu: delivered, not opened
		(U&'\8208\5473\3042\308A', 'interested'),	-- kyomi ari: interested
		(U&'\95A2\5FC3\3042\308A', 'interested'),	-- kanshin ari: interested
		(U&'\524D\5411\304D', 'interested'),	-- maemuki: positive
		(U&'\8CC7\6599\9001\4ED8', 'interested'),	-- shiryo sofu: send documents (on request)
		(U&'\5546\8AC7', 'meeting'),	-- shodan: business meeting
		(U&'\30A2\30DD', 'meeting'),	-- apo: appointment
		(U&'\30A2\30DD\30A4\30F3\30C8', 'meeting'),	-- apointo: appointment
		(U&'\30A2\30DD\7372\5F97', 'meeting'),	-- apo kakutoku: appointment won
		(U&'\9762\8AC7', 'meeting'),	-- mendan: interview, meeting
		(U&'\898B\7A4D', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\308A', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\3082\308A', 'quote'),	-- mitsumori: quote
		(U&'\898B\7A4D\63D0\51FA', 'quote'),	-- mitsumori teishutsu: quote submitted
		(U&'\53D7\6CE8', 'order'),	-- juchu: order received
		(U&'\6CE8\6587', 'order'),	-- chumon: order
		(U&'\6210\7D04', 'order'),	-- seiyaku: deal closed
		(U&'\65AD\308A', 'declined'),	-- kotowari: refusal
		(U&'\304A\65AD\308A', 'declined'),	-- o-kotowari: refusal
		(U&'\8F9E\9000', 'declined'),	-- jitai: declined
		(U&'\4E0D\8981', 'declined'),	-- fuyo: not needed
		(U&'\8208\5473\306A\3057', 'declined'),	-- kyomi nashi: not interested
		(U&'\5931\6CE8', 'declined');	-- shitchu: order lost
	INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES
		(U&'\9023\7D61\4E0D\8981', 'declined', true),	-- renraku fuyo: no more contact
		(U&'\4ECA\5F8C\9023\7D61\4E0D\8981', 'declined', true),	-- kongo renraku fuyo: no contact from now on
		(U&'\9023\7D61\62D2\5426', 'declined', true),	-- renraku kyohi: contact refused
		(U&'\55B6\696D\304A\65AD\308A', 'declined', true),	-- eigyo okotowari: no sales calls
		(U&'\67B6\96FB\4E0D\8981', 'declined', true),	-- kaden fuyo: no calls
		(U&'\67B6\96FB\7981\6B62', 'declined', true);	-- kaden kinshi: calls forbidden
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.outreach_outcomes: left out';
END
$$;

-- analysed once while empty, so that the planner takes them for empty (a
-- table never analysed is taken for ten pages) until autovacuum's
-- statistics come
ANALYZE dormancy.outreach_log, dormancy.campaigns, dormancy.campaign_members;

SELECT dormancy._install_defaults('dormancy.outreach_channels', 'source_channel');
SELECT dormancy._install_defaults('dormancy.outreach_themes', 'source_theme');
SELECT dormancy._install_defaults('dormancy.outreach_outcomes', 'source_outcome');

--
-- Binding the user's outreach (activity) table
--

-- The SQL of the adapter src_outreach: the bound outreach relation, else
-- the extension's log; the channel, theme, outcome and reason mapped by
-- label_key (left joins: at most one match each, the keys being unique),
-- the wordings kept beside them; opt_out: the outcome, or the reason, is a
-- wording that outreach_outcomes marks as a request to be left alone.
CREATE FUNCTION dormancy._outreach_adapter()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	src record;
	zone text := '(SELECT dormancy._time_zone_in_force())';
	at_type oid;
	customer_col record;
	cols text;
	citus boolean;
	id_type oid;
BEGIN
	SELECT x.relation, x.columns INTO src FROM dormancy._usable_bindings() x WHERE x.source = 'outreach';
	IF src.relation IS NOT NULL THEN
		at_type := (dormancy._binding_column(src.relation, 'contacted_at', src.columns ->> 'contacted_at')).type_oid;
		customer_col := dormancy._binding_column(src.relation, 'customer', src.columns ->> 'customer');
		cols := format(
			'SELECT %s AS customer_id, %s AS contacted_at, %s AS contacted_on, %s AS source_channel, '
			'%s AS source_theme, %s AS source_outcome, %s AS source_reason, %s AS rep, %s AS campaign_id, '
			'%s AS source_customer_id, NULL::pg_catalog.int8 AS outreach_id FROM %s t',
			-- a text id (text, varchar, char) by the log's key: its white
			-- space at both ends trimmed (outreach_customer_key), typed back
			-- as the column, so that '1042' and a full-width space from a
			-- CRM export is customer '1042' here too; the customers' ids as
			-- they are.  An index on the column itself does not serve the
			-- key: customer_column_indexes proposes one on the key.  Other
			-- types (integer, uuid, ...) compare as they are
			CASE WHEN customer_col.type_oid IN ('pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype,
												'pg_catalog.bpchar'::regtype)
				 THEN format('dormancy.outreach_customer_key((%s)::pg_catalog.text)::%s',
							 dormancy._col(src.columns, 'customer'), customer_col.type_name)
				 ELSE dormancy._col(src.columns, 'customer') END,
			-- a date or timestamp read in the zone; one beyond the range
			-- that converts (a typo, a "max date" placeholder) is no time:
			-- source_issues reports it (outreach_without_date), the views
			-- leave it out (the conversion raised an error for every query).
			-- Likewise a timestamptz whose wall-clock time in the zone is
			-- beyond the range (_usable_instant)
			CASE WHEN at_type = 'timestamptz'::regtype
				 THEN format('dormancy._usable_instant(%s, %s)', dormancy._col(src.columns, 'contacted_at'), zone)
				 ELSE format('CASE WHEN (%2$s) BETWEEN ''4713-12-01 BC''::pg_catalog.timestamp AND ''294276-12-01''::pg_catalog.timestamp '
							 'OR NOT pg_catalog.isfinite(%2$s) '
							 'THEN pg_catalog.timezone(%1$s #>> ''{}'', (%2$s)::pg_catalog.timestamp) END', zone,
							 dormancy._col(src.columns, 'contacted_at')) END,
			dormancy._day_expr(src.relation, src.columns, 'contacted_at'),
			dormancy._col_as(src.columns, 'channel', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'theme', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'reason', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'rep', 'pg_catalog.text'),
			dormancy._col_as(src.columns, 'campaign', 'pg_catalog.int8'),
			dormancy._col_as(src.columns, 'customer', 'pg_catalog.text'),
			src.relation);
	ELSE
		-- the log's ids matched to the customers by their text (the key
		-- outreach_customer_key, the expression of the log's index): the
		-- id comes typed from src_customers, so that a lookup
		-- of one customer reads the customers' index, then the log's.  When
		-- the customers (else the orders) are a Citus table, only the ids of
		-- the customers in the log are read (a semi-join): that filter runs
		-- on the workers, which send those ids, not every customer's row.
		-- Otherwise the semi-join only costs: the planner met it by reading
		-- the log once per customer in it, through the log's index (300,000
		-- contacts of 95,020 customers: customer_outreach 2.0 s with it,
		-- 1.3 s without; 2026-12-06).  The log, which has row security,
		-- in a subquery: Citus plans it apart from distributed customers
		-- (it refused the table itself beside them for an analyst).  On
		-- one server, ids of integer types and uuids as text by
		-- customer_id_text: leakproof, unlike their cast (int4out), so that
		-- under the row security of the log the join reads it by its index
		-- for one customer; it read the whole log for an analyst's lookup
		-- (text ids are their text: no function)
		citus := dormancy._citus_table_kind(coalesce(
					 (SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'customers'),
					 (SELECT x.relation FROM dormancy._usable_bindings() x WHERE x.source = 'orders'))) IS NOT NULL;
		id_type := coalesce(
			(SELECT (dormancy._binding_column(x.relation, 'id', x.columns ->> 'id')).type_oid
			   FROM dormancy._usable_bindings() x WHERE x.source = 'customers'),
			(SELECT (dormancy._binding_column(x.relation, 'customer', x.columns ->> 'customer')).type_oid
			   FROM dormancy._usable_bindings() x WHERE x.source = 'orders'));
		cols := format(
			'SELECT c.customer_id, dormancy._usable_instant(l.contacted_at, %1$s) AS contacted_at, '
			'(dormancy._local_time(l.contacted_at, %1$s))::pg_catalog.date AS contacted_on, '
			'l.channel AS source_channel, l.theme AS source_theme, l.outcome AS source_outcome, '
			'l.declined_reason AS source_reason, l.rep, l.campaign_id, l.customer_id AS source_customer_id, '
			'l.outreach_id FROM (TABLE dormancy.outreach_log) l '
			'LEFT JOIN %s c '
			'ON %s = dormancy.outreach_customer_key(l.customer_id)',
			zone,
			CASE WHEN citus
				 THEN '(SELECT s.customer_id FROM dormancy.src_customers s '
					  'WHERE s.customer_id::pg_catalog.text IN (SELECT dormancy.outreach_customer_key(k.customer_id) FROM dormancy.outreach_log k))'
				 ELSE 'dormancy.src_customers' END,
			CASE WHEN NOT citus AND id_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'uuid'::regtype)
				 THEN 'dormancy.customer_id_text(c.customer_id)'
				 ELSE 'c.customer_id::pg_catalog.text' END);
	END IF;
	-- the mappings as left joins on label_key (hash joins over the whole
	-- outreach, index lookups for one customer): each wording is keyed once
	RETURN 'SELECT x.customer_id, x.contacted_at, x.contacted_on, ch.channel, th.theme, oc.outcome, '
		   'CASE WHEN dormancy.label_key(x.source_reason) <> '''' THEN coalesce(dr.reason, ''other'') END AS declined_reason, '
		   'x.rep, x.campaign_id, x.source_channel, x.source_theme, x.source_outcome, x.source_reason, '
		   'x.source_customer_id, x.outreach_id, (coalesce(oc.opt_out, false) OR orr.opt_out IS NOT NULL) AS opt_out '
		   'FROM (' || cols || ') x '
		   'LEFT JOIN dormancy.outreach_channels ch ON dormancy.label_key(ch.source_channel) = dormancy.label_key(x.source_channel) '
		   'LEFT JOIN dormancy.outreach_themes th ON dormancy.label_key(th.source_theme) = dormancy.label_key(x.source_theme) '
		   'LEFT JOIN dormancy.outreach_outcomes oc ON dormancy.label_key(oc.source_outcome) = dormancy.label_key(x.source_outcome) '
		   'LEFT JOIN dormancy.deal_reasons dr ON dormancy.label_key(dr.source_reason) = dormancy.label_key(x.source_reason) '
		   -- an opt-out written as the reason ('kotowari' for the outcome,
		   -- 'kongo renraku fuyo' for the reason) is one too
		   'LEFT JOIN dormancy.outreach_outcomes orr ON orr.opt_out '
		   'AND dormancy.label_key(orr.source_outcome) = dormancy.label_key(x.source_reason)';
END
$$;
COMMENT ON FUNCTION dormancy._outreach_adapter() IS
	'internal: the SQL of the adapter view src_outreach (the bound outreach relation, else dormancy.outreach_log)';

-- Check a campaign id column: an integer type (campaigns.campaign_id is bigint).
CREATE FUNCTION dormancy._check_campaign_column(relation regclass, col name)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t oid := (dormancy._binding_column(relation, 'campaign', col)).type_oid;
BEGIN
	IF t NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		PERFORM dormancy._binding_type_error(relation, 'campaign', col, format_type(t, NULL),
											 'smallint, integer or bigint (a campaign_id of dormancy.campaigns)');
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_campaign_column(regclass, name) IS
	'internal: check that a bound campaign id column has an integer type';

CREATE FUNCTION dormancy.bind_outreach(relation regclass, customer name, contacted_at name,
	channel name DEFAULT NULL, theme name DEFAULT NULL, outcome name DEFAULT NULL,
	reason name DEFAULT NULL, rep name DEFAULT NULL, campaign name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM dormancy._check_relation(relation);
	PERFORM dormancy._check_customer_column('outreach', relation, customer);
	PERFORM dormancy._check_day_column(relation, 'contacted_at', contacted_at);
	IF channel IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'channel', channel);
	END IF;
	IF theme IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'theme', theme);
	END IF;
	IF outcome IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'outcome', outcome);
	END IF;
	IF reason IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'reason', reason);
	END IF;
	IF rep IS NOT NULL THEN
		PERFORM dormancy._binding_column(relation, 'rep', rep);
	END IF;
	IF campaign IS NOT NULL THEN
		PERFORM dormancy._check_campaign_column(relation, campaign);
	END IF;
	PERFORM dormancy._bind('outreach', relation,
						   jsonb_build_object('customer', customer, 'contacted_at', contacted_at,
											  'channel', channel, 'theme', theme, 'outcome', outcome,
											  'reason', reason, 'rep', rep, 'campaign', campaign));
END
$$;
COMMENT ON FUNCTION dormancy.bind_outreach(regclass, name, name, name, name, name, name, name, name) IS
	'bind the outreach (activity) relation, one row per contact: customer and contact time columns, optional channel, theme, outcome, declined reason, rep and campaign id (mapped by outreach_channels, outreach_themes, outreach_outcomes and deal_reasons); unbound, dormancy.outreach_log is read';
REVOKE ALL ON FUNCTION dormancy.bind_outreach(regclass, name, name, name, name, name, name, name, name) FROM PUBLIC;

--
-- Starting a campaign
--

-- A number in [0, 1) from a seed and a key: the first 60 bits of
-- md5(seed:key) over 2^60.  The same on every platform and version, so an
-- assignment can be reproduced anywhere from its seed.
CREATE FUNCTION dormancy.seeded_uniform(seed bigint, key text)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ('x' || substr(md5(seed::text || ':' || key), 1, 15))::bit(60)::bigint / 1152921504606846976.0::double precision;
COMMENT ON FUNCTION dormancy.seeded_uniform(bigint, text) IS
	'a reproducible number in [0, 1) from a seed and a key: the first 60 bits of md5(seed:key) over 2^60 (the draws of the campaigns'' control assignment)';

-- The controls of a stratum of n members: floor(share * n), plus one more
-- when seeded_uniform(seed, 'stratum:' || stratum) < frac(share * n), so
-- that on average, over seeds, exactly share * n (round() would give a
-- stratum of 4 at 10% no control ever).
CREATE FUNCTION dormancy.stratum_controls(members bigint, share double precision, seed bigint, stratum text)
	RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN floor(share * members)::bigint
		   + CASE WHEN dormancy.seeded_uniform(seed, 'stratum:' || stratum) < share * members - floor(share * members)
				  THEN 1 ELSE 0 END;
COMMENT ON FUNCTION dormancy.stratum_controls(bigint, double precision, bigint, text) IS
	'the number of controls of a campaign stratum of this many members: floor(share * members), plus one with probability frac(share * members) drawn from the seed and the stratum''s name';

-- start_campaign(): freeze the call list (dormancy.call_list, filtered),
-- assign a reproducible control share of each stratum and record both.
--
-- The filter is one boolean expression over the columns of call_list
-- (state = 'dormant' AND priority_score >= 50).  It runs with the caller's
-- privileges (SECURITY INVOKER, like every function here), so it can do
-- nothing the caller could not do with a query of their own; it is checked
-- to be one expression: the query must parse with the filter inside one
-- pair of parentheses and inside two (a filter that closes a parenthesis
-- to append to the query fits only one of them), and it is run as a cursor,
-- which takes one statement only.
--
-- The controls: in a stratum of n members, floor(share * n) controls, plus
-- one more with probability frac(share * n) (stratum_controls: drawn from
-- the seed and the stratum), so that every member is a control with
-- probability share exactly, in small strata too (round() would give a
-- stratum of 4 at 10% no control ever); the controls are the members with
-- the smallest seeded_uniform(seed, customer id).  The same members, share
-- and seed give the same controls.
CREATE FUNCTION dormancy.start_campaign(name text, filter text DEFAULT NULL,
	control_share double precision DEFAULT NULL, seed bigint DEFAULT NULL, note text DEFAULT NULL)
	RETURNS dormancy.campaigns
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	settings dormancy.outreach_settings := dormancy.outreach_settings_in_force();
	share double precision := coalesce(start_campaign.control_share, settings.control_share);
	the_seed bigint := coalesce(start_campaign.seed,
								('x' || substr(md5(coalesce(start_campaign.name, '')), 1, 15))::bit(60)::bigint);
	columns text := 'SELECT l.customer_id::pg_catalog.text AS customer_id, l.state, l.likely_reason, '
					'l.approach_channel, l.message_theme, l.priority_score, l.priority_rank, l.call_order, '
					'l.value_tier, l.p_alive, l.expected_value FROM ';
	query text;
	r record;
	c dormancy.campaigns;
	err text;
	detail text;
	code text;
	held_out bigint;
BEGIN
	IF start_campaign.name IS NULL OR btrim(start_campaign.name) = '' THEN
		RAISE EXCEPTION 'campaign name must not be empty'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Name the campaign, for example ''2026-12 win-back''.';
	END IF;
	IF EXISTS (SELECT 1 FROM dormancy.campaigns x WHERE x.name = start_campaign.name) THEN
		RAISE EXCEPTION 'campaign "%" already exists', start_campaign.name
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A campaign''s members and controls are frozen when it starts.',
				  HINT = 'Choose another name, or delete the campaign first: DELETE FROM dormancy.campaigns WHERE name = ...';
	END IF;
	IF to_regclass('dormancy.call_list') IS NULL THEN
		RAISE EXCEPTION 'there is no call list: nothing is bound'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind the customers and orders first (dormancy.bind_customers, dormancy.bind_orders).';
	END IF;
	IF NOT (share >= 0 AND share < 1) THEN
		RAISE EXCEPTION 'control share must be at least 0 and less than 1, not %', share
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a share such as 0.1 (10% of each stratum held out), or NULL for outreach_settings.control_share.';
	END IF;

	INSERT INTO dormancy.campaigns (name, as_of, filter, control_share, seed, reactivation_days, score_bands, note)
	VALUES (start_campaign.name, dormancy.as_of_day(), start_campaign.filter, share, the_seed,
			settings.reactivation_days, settings.score_bands, start_campaign.note)
	RETURNING * INTO c;

	-- (an error raised here undoes the campaign's row too)
	BEGIN
		IF filter IS NOT NULL THEN
			-- one expression: it parses in one pair of parentheses, in two,
			-- and as a function's argument, where no clause may follow it
			-- (a filter that closes a parenthesis to append ORDER BY or LIMIT
			-- passes the first two, a subquery in the second); planned only
			-- (the list of no rows), each as one statement
			FOR r IN EXECUTE columns || '(SELECT * FROM dormancy.call_list LIMIT 0) l WHERE ((' || filter || E'\n))' LOOP
			END LOOP;
			FOR r IN EXECUTE 'SELECT pg_catalog.num_nulls(' || filter || E'\n) FROM (SELECT * FROM dormancy.call_list LIMIT 0) l' LOOP
			END LOOP;
			query := columns || 'dormancy.call_list l WHERE (' || filter || E'\n)';
		ELSE
			query := columns || 'dormancy.call_list l';
		END IF;
		-- the list: a cursor, which runs one statement only
		FOR r IN EXECUTE query LOOP
			INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, score_band,
												   state, likely_reason, channel, theme, priority_score,
												   priority_rank, call_order, value_tier, p_alive, expected_value)
			VALUES (c.campaign_id, r.customer_id, false,
					concat_ws('|', coalesce(r.state, 'unknown'), coalesce(r.likely_reason, 'unknown'),
							  coalesce(dormancy.score_band(r.priority_score, c.score_bands), 'unknown')),
					dormancy.score_band(r.priority_score, c.score_bands), r.state, r.likely_reason,
					r.approach_channel, r.message_theme, r.priority_score, r.priority_rank, r.call_order,
					r.value_tier, r.p_alive, r.expected_value)
			-- a customer listed twice (its id twice in the bound customers:
			-- data_issues) is one member, where it came first
			ON CONFLICT (campaign_id, customer_id) DO NOTHING;
		END LOOP;
	EXCEPTION WHEN syntax_error OR undefined_column OR datatype_mismatch OR undefined_function
				 OR ambiguous_column OR invalid_cursor_definition OR feature_not_supported
				 OR undefined_table OR grouping_error OR windowing_error OR wrong_object_type THEN
		GET STACKED DIAGNOSTICS err = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
		RAISE EXCEPTION 'invalid campaign filter: %', err
			USING ERRCODE = code,
				  DETAIL = 'The filter must be one boolean expression over the columns of dormancy.call_list.',
				  HINT = 'For example: state = ''dormant'' AND priority_score >= 50.';
	END;

	-- statistics for the members just written, when the role may analyse:
	-- the statement below and the campaign views plan their joins over
	-- them, and a table analysed empty (or before a smaller campaign) was
	-- taken for a few rows until autovacuum came, which made nested loops
	-- over every pair of members
	IF (SELECT pg_catalog.pg_has_role(k.relowner, 'USAGE') FROM pg_catalog.pg_class k
		 WHERE k.oid = 'dormancy.campaign_members'::pg_catalog.regclass) THEN
		ANALYZE dormancy.campaign_members;
	END IF;

	-- the controls of each stratum: its members with the smallest seeded
	-- numbers (ties by the id), as many as stratum_controls() says (drawn
	-- once, MATERIALIZED: a join that rescans them draws nothing again)
	WITH s AS MATERIALIZED (
		SELECT x.customer_id, x.stratum,
			   pg_catalog.row_number() OVER (PARTITION BY x.stratum
											 ORDER BY dormancy.seeded_uniform(c.seed, x.customer_id), x.customer_id) AS k,
			   pg_catalog.count(*) OVER (PARTITION BY x.stratum) AS n
		  FROM dormancy.campaign_members x
		 WHERE x.campaign_id = c.campaign_id
	)
	UPDATE dormancy.campaign_members m
	   SET is_control = true
	  FROM s
	 WHERE m.campaign_id = c.campaign_id AND m.customer_id = s.customer_id
	   AND s.k <= dormancy.stratum_controls(s.n, c.control_share, c.seed, s.stratum);

	UPDATE dormancy.campaigns x
	   SET customers = (SELECT count(*) FROM dormancy.campaign_members m WHERE m.campaign_id = c.campaign_id),
		   controls = (SELECT count(*) FROM dormancy.campaign_members m WHERE m.campaign_id = c.campaign_id AND m.is_control)
	 WHERE x.campaign_id = c.campaign_id
	RETURNING * INTO c;
	-- members to approach who are controls of a campaign whose window is
	-- still open: approached, they dilute that campaign's measured effect
	-- (campaign_effect counts them in its controls_contacted)
	SELECT count(DISTINCT m.customer_id) INTO held_out
	  FROM dormancy.campaign_members m
	  JOIN dormancy.campaign_members o ON o.customer_id = m.customer_id AND o.is_control
	  JOIN dormancy.campaigns oc ON oc.campaign_id = o.campaign_id
	 WHERE m.campaign_id = c.campaign_id AND NOT m.is_control
	   AND o.campaign_id <> c.campaign_id AND oc.as_of + oc.reactivation_days >= c.as_of;
	IF held_out > 0 THEN
		RAISE WARNING '% members of campaign "%" are controls of a campaign whose window is still open', held_out, c.name
			USING DETAIL = 'Approaching them dilutes the effect that campaign measures: campaign_effect counts them in its controls_contacted.',
				  HINT = 'To leave them out, delete this campaign and start it again with the filter customer_id::text NOT IN (SELECT customer_id FROM dormancy.campaign_members WHERE is_control).';
	END IF;
	IF c.customers = 0 THEN
		RAISE EXCEPTION 'the call list has no customer%', CASE WHEN filter IS NOT NULL THEN ' that matches the filter' ELSE '' END
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('Campaign "%s" was not started: a campaign without members measures nothing.', start_campaign.name),
				  HINT = CASE WHEN filter IS NOT NULL THEN 'Loosen the filter, or look at dormancy.call_list: ' ELSE 'Look at dormancy.call_list: ' END
						 || 'score_weights.call_list_min_score and call_list_tiers decide who is on it (and dormancy.as_of the day), and it leaves out'
						 || ' customers contacted within outreach_settings.recontact_after, those put off to next fiscal year''s budget until their day'
						 || ' (outreach_settings.fiscal_year_start_month and budget_reapproach_lead) and those who asked not to be contacted'
						 || ' (customer_status.recontact_on, reapproach_on and opted_out_on).';
	END IF;
	RETURN c;
END
$$;
COMMENT ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) IS
	'start a win-back campaign: freeze the call list (optionally filtered by one boolean expression over its columns, run with the caller''s privileges), hold out a reproducible control share of each stratum (state x likely reason x score band; default outreach_settings.control_share), and record them in dormancy.campaigns and dormancy.campaign_members; the seed defaults to one derived from the name; returns the campaign';
REVOKE ALL ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) FROM PUBLIC;


-- the outreach binding's contact time is a day column; its campaign id an integer
CREATE OR REPLACE FUNCTION dormancy._binding_problems()
	RETURNS TABLE (source text, relation regclass, code text, message text, hint text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b record;
	r record;
	err text;
	available text;
BEGIN
	FOR b IN SELECT x.source, x.relation, x.columns, x.relation_name,
					x.relation IS NOT NULL AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = x.relation) AS relation_exists
			   FROM dormancy.bindings x
			  ORDER BY x.source LOOP
		-- the relation dropped: the binding needs a relation again
		IF NOT b.relation_exists THEN
			source := b.source;
			relation := NULL;
			code := 'undefined_table';
			message := format('the %s binding is broken: its relation %s was dropped', b.source,
							  coalesce(b.relation_name, 'of unknown name'));
			hint := format('Bind the %s again: SELECT dormancy.bind_%s(%s, %s); '
						   'or remove the binding: SELECT dormancy.unbind(%L).',
						   b.source, b.source, coalesce(quote_literal(b.relation_name), '...'),
						   (SELECT string_agg(format('%s => %L', e.key, e.value), ', ' ORDER BY e.key)
							  FROM jsonb_each_text(b.columns) e),
						   b.source);
			RETURN NEXT;
			CONTINUE;
		END IF;
		FOR r IN SELECT e.key AS role, e.value AS col FROM jsonb_each_text(b.columns) e ORDER BY e.key LOOP
			BEGIN
				IF r.role IN ('ordered_at', 'starts_on', 'ends_on', 'occurred_at', 'closed_at', 'updated_at', 'contacted_at') THEN
					PERFORM dormancy._check_day_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('amount', 'seats') THEN
					PERFORM dormancy._check_number_column(b.relation, r.role, r.col);
				ELSIF r.role IN ('discounted', 'auto_renew') THEN
					PERFORM dormancy._check_bool_column(b.relation, r.role, r.col);
				ELSIF b.source = 'outreach' AND r.role = 'campaign' THEN
					PERFORM dormancy._check_campaign_column(b.relation, r.col);
				ELSE
					PERFORM dormancy._binding_column(b.relation, r.role, r.col);
				END IF;
			EXCEPTION WHEN undefined_column OR datatype_mismatch THEN
				GET STACKED DIAGNOSTICS err = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
				SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO available
				  FROM pg_attribute a
				 WHERE a.attrelid = b.relation AND a.attnum > 0 AND NOT a.attisdropped;
				source := b.source;
				relation := b.relation;
				message := format('the %s binding is broken: %s', b.source, err);
				hint := format('Bind the %s again with the column that now holds the %s (columns of %s: %s): '
							   'SELECT dormancy.bind_%s(%L, %s); or remove the binding: SELECT dormancy.unbind(%L).',
							   b.source, r.role, b.relation, coalesce(available, 'none'), b.source, b.relation::text,
							   (SELECT string_agg(format('%s => %s', e.key,
														 CASE WHEN e.key = r.role THEN '...' ELSE quote_literal(e.value) END),
												  ', ' ORDER BY e.key)
								  FROM jsonb_each_text(b.columns) e),
							   b.source);
				RETURN NEXT;
				EXIT;
			END;
		END LOOP;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._binding_problems() IS
	'internal: the bindings whose relation was dropped, lost a bound column or changed its type, with the error and the bind call that repairs it';


-- the adapter src_outreach
COMMENT ON FUNCTION dormancy._adapter_definitions() IS
	'internal: the SQL of every adapter view src_*, from dormancy.bindings';

COMMENT ON FUNCTION dormancy._comment_adapters() IS 'internal: comment the adapter views';

-- src_outreach, customer_outreach and campaign_list are generated views; a broken
-- outreach binding reads the log
COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

COMMENT ON FUNCTION dormancy._build_views(boolean) IS
	'internal: create or replace the adapter views from dormancy.bindings, and the live views when missing (or with everything)';



-- reason_rules: the outreach rules, at the top, unless the user has a rule
-- of that order
ALTER TABLE dormancy.reason_rules DISABLE TRIGGER defaults_before_write;
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note, installed)
SELECT x.rule_order, x.evidence, x.reason, x.note, true
  FROM (VALUES (1, '{outreach_declined,outreach_reason_competitor}'::text[], 'lost_to_competitor', 'declined on the last contact: went to a competitor'),
			   (2, '{outreach_declined,outreach_reason_price}'::text[], 'dissatisfied_price', 'declined on the last contact: the price'),
			   (3, '{outreach_declined,outreach_reason_budget}'::text[], 'budget_timing', 'declined on the last contact: no budget'),
			   (4, '{outreach_declined,outreach_reason_timing}'::text[], 'budget_timing', 'declined on the last contact: not now'),
			   (5, '{outreach_declined,outreach_reason_features}'::text[], 'dissatisfied_product', 'declined on the last contact: the product does not do what they need'),
			   (6, '{outreach_declined,outreach_reason_circumstances}'::text[], 'circumstances_changed', 'declined on the last contact: their circumstances changed')) x(rule_order, evidence, reason, note)
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.reason_rules r WHERE r.rule_order = x.rule_order);
ALTER TABLE dormancy.reason_rules ENABLE TRIGGER defaults_before_write;
-- and the reference reset_defaults() restores
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'reason_rules', x.rule_order::text, ARRAY['rule_order']::name[],
	   jsonb_build_object('rule_order', x.rule_order, 'evidence', x.evidence, 'reason', x.reason,
						  'note', x.note, 'installed', true)
  FROM (VALUES (1, '{outreach_declined,outreach_reason_competitor}'::text[], 'lost_to_competitor', 'declined on the last contact: went to a competitor'),
			   (2, '{outreach_declined,outreach_reason_price}'::text[], 'dissatisfied_price', 'declined on the last contact: the price'),
			   (3, '{outreach_declined,outreach_reason_budget}'::text[], 'budget_timing', 'declined on the last contact: no budget'),
			   (4, '{outreach_declined,outreach_reason_timing}'::text[], 'budget_timing', 'declined on the last contact: not now'),
			   (5, '{outreach_declined,outreach_reason_features}'::text[], 'dissatisfied_product', 'declined on the last contact: the product does not do what they need'),
			   (6, '{outreach_declined,outreach_reason_circumstances}'::text[], 'circumstances_changed', 'declined on the last contact: their circumstances changed')) x(rule_order, evidence, reason, note)
ON CONFLICT (table_name, key) DO NOTHING;

-- reason_rules: a deal postponed for a competitor, on price, for features or
-- on the customer's circumstances gives that reason (rules 11 to 14, before
-- rule 20, which gave every postponed deal budget_timing; 2026-12-07): the
-- new rules unless the user has a rule of that order, rule 20's note on the
-- row still installed (unedited), and the reference reset_defaults() restores
ALTER TABLE dormancy.reason_rules DISABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.reason_rules DISABLE TRIGGER defaults_after_change;
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note, installed)
SELECT x.rule_order, x.evidence, x.reason, x.note, true
  FROM (VALUES (11, '{deal_postponed,deal_reason_competitor}'::text[], 'lost_to_competitor', 'the last deal was postponed for a competitor'),
			   (12, '{deal_postponed,deal_reason_price}'::text[], 'dissatisfied_price', 'the last deal was postponed on price'),
			   (13, '{deal_postponed,deal_reason_features}'::text[], 'dissatisfied_product', 'the last deal was postponed for features'),
			   (14, '{deal_postponed,deal_reason_circumstances}'::text[], 'circumstances_changed', 'the last deal was postponed on the customer''s circumstances')) x(rule_order, evidence, reason, note)
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.reason_rules r WHERE r.rule_order = x.rule_order);
UPDATE dormancy.reason_rules
   SET note = 'the last deal was postponed (e.g. until next fiscal year''s budget) for budget, timing, another reason or none (rules 11 to 14 take competitor, price, features and circumstances)'
 WHERE rule_order = 20 AND installed;
ALTER TABLE dormancy.reason_rules ENABLE TRIGGER defaults_before_write;
ALTER TABLE dormancy.reason_rules ENABLE TRIGGER defaults_after_change;
DELETE FROM dormancy.installed_defaults d WHERE d.table_name = 'reason_rules' AND d.key IN ('11', '12', '13', '14', '20');
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'reason_rules', x.rule_order::text, ARRAY['rule_order']::name[],
	   jsonb_build_object('rule_order', x.rule_order, 'evidence', x.evidence, 'reason', x.reason,
						  'note', x.note, 'installed', true)
  FROM (VALUES (11, '{deal_postponed,deal_reason_competitor}'::text[], 'lost_to_competitor', 'the last deal was postponed for a competitor'),
			   (12, '{deal_postponed,deal_reason_price}'::text[], 'dissatisfied_price', 'the last deal was postponed on price'),
			   (13, '{deal_postponed,deal_reason_features}'::text[], 'dissatisfied_product', 'the last deal was postponed for features'),
			   (14, '{deal_postponed,deal_reason_circumstances}'::text[], 'circumstances_changed', 'the last deal was postponed on the customer''s circumstances'),
			   (20, '{deal_postponed}'::text[], 'budget_timing', 'the last deal was postponed (e.g. until next fiscal year''s budget) for budget, timing, another reason or none (rules 11 to 14 take competitor, price, features and circumstances)')) x(rule_order, evidence, reason, note);
COMMENT ON COLUMN dormancy.reason_rules.rule_order IS 'rules are tried in this order, the first that matches decides: a rule goes before a broader one whose evidence its own contains (11 to 14, {deal_postponed,deal_reason_competitor} ..., before 20, {deal_postponed})';

-- the live views: customer_outreach, the outreach in source_issues,
-- unmatched_labels and customer_status, campaign_list
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';

-- the outreach settings and mappings are lookup tables
CREATE OR REPLACE FUNCTION dormancy._lookup_tables()
	RETURNS SETOF regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t::regclass
	  FROM unnest(ARRAY['dormancy.rules', 'dormancy.bindings', 'dormancy.decline_settings', 'dormancy.price_changes',
						'dormancy.model_settings', 'dormancy.models',
						'dormancy.installed_defaults', 'dormancy.removed_defaults',
						'dormancy.source_settings', 'dormancy.event_kinds', 'dormancy.deal_outcomes',
						'dormancy.deal_reasons', 'dormancy.score_weights', 'dormancy.reason_rules',
						'dormancy.message_themes', 'dormancy.approach_rules', 'dormancy.legal_forms',
						'dormancy.history_store_state', 'dormancy.industries', 'dormancy.company_sizes',
						'dormancy.price_change_kinds', 'dormancy.outreach_settings', 'dormancy.outreach_channels',
						'dormancy.outreach_themes', 'dormancy.outreach_outcomes']) AS t
$$;
COMMENT ON FUNCTION dormancy._lookup_tables() IS
	'internal: the small tables of the extension that the generated views look up (settings, rules, mappings, models)';

ALTER TABLE dormancy.outreach_settings SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE dormancy.outreach_channels SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE dormancy.outreach_themes SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE dormancy.outreach_outcomes SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ANALYZE dormancy.outreach_settings, dormancy.outreach_channels, dormancy.outreach_themes, dormancy.outreach_outcomes;

-- (end of Outreach log and campaigns (issue 15))

-- Campaign effect and learning (issue 15)
--
-- New (sql_src/68_campaign_effect.sql): proportion_difference(),
-- mean_difference() and number_needed_to_treat() (src/effect_sql.c over
-- src/core/effect.c), adopt_measured_approaches(); the live views
-- campaign_outcomes, campaign_effect, campaign_score_calibration,
-- measured_approaches and campaign_transitions (sql_src/70_views.sql), which
-- _update_generated_views() builds at the end.  Changed here (final text):
-- _generated_views() and _create_views(), which list and create them.  In
-- the privileges part: dormancy_analyst reads status_history.

CREATE FUNCTION dormancy.proportion_difference(treated_events bigint, treated bigint,
											   control_events bigint, control bigint,
											   OUT difference double precision,
											   OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'proportion_difference'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.proportion_difference(bigint, bigint, bigint, bigint) IS
	'treated_events/treated - control_events/control with its 95% interval (Newcombe''s hybrid score interval, 1998 method 10); NULLs when a group is empty';

CREATE FUNCTION dormancy.mean_difference(treated bigint, treated_mean double precision, treated_variance double precision,
										 control bigint, control_mean double precision, control_variance double precision,
										 OUT difference double precision,
										 OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'mean_difference'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.mean_difference(bigint, double precision, double precision, bigint, double precision, double precision) IS
	'treated_mean - control_mean with Welch''s 95% interval from the group sizes and sample variances (var_samp); no interval with fewer than 2 in a group (a NULL variance)';

CREATE FUNCTION dormancy.number_needed_to_treat(difference double precision, lower double precision, upper double precision,
												OUT number_needed double precision,
												OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'number_needed_to_treat'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.number_needed_to_treat(double precision, double precision, double precision) IS
	'1 / difference: how many to approach to win one back, with the interval [1/upper, 1/lower] only when the difference''s interval excludes 0 (else NULL: unbounded)';

-- Write the measured approaches of dormancy.measured_approaches marked to
-- adopt: the theme into message_themes (the reason's row), the channel as an
-- approach rule for the reason alone, placed before the first general rule
-- (reasons NULL) so that it decides for the reason's customers.  A written
-- row is the user's (the defaults mechanism, sql_src/15_defaults.sql: it is
-- no longer an installed default, pg_dump keeps it, reset_defaults() brings
-- the installed one back).  A second call changes nothing.  SECURITY INVOKER:
-- only a role that may write those tables adopts.
CREATE FUNCTION dormancy.adopt_measured_approaches(themes boolean DEFAULT true, channels boolean DEFAULT true)
	RETURNS TABLE (kind text, likely_reason text, previous text, adopted text, rule_order integer,
				   lift double precision, lift_lower double precision)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	m record;
	slot integer;
	deciding record;
	rule_note text;
BEGIN
	IF themes IS NULL OR channels IS NULL THEN
		RAISE EXCEPTION 'themes and channels must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Pass true or false for each.';
	END IF;
	FOR m IN SELECT * FROM dormancy.measured_approaches a
			  WHERE (themes AND a.adopt_theme) OR (channels AND a.adopt_channel)
			  ORDER BY a.likely_reason
	LOOP
		IF themes AND m.adopt_theme THEN
			INSERT INTO dormancy.message_themes AS t (reason, theme, note)
			VALUES (m.likely_reason, m.measured_theme,
					format('measured: lift %s (95%% interval %s to %s) over %s treated and %s controls',
						   round(m.theme_lift::numeric, 4), round(m.theme_lift_lower::numeric, 4),
						   round(m.theme_lift_upper::numeric, 4), m.theme_treated, m.theme_controls))
			ON CONFLICT ON CONSTRAINT message_themes_pkey
			DO UPDATE SET theme = EXCLUDED.theme, note = EXCLUDED.note;
			kind := 'theme';
			likely_reason := m.likely_reason;
			previous := m.current_theme;
			adopted := m.measured_theme;
			rule_order := NULL;
			lift := m.theme_lift;
			lift_lower := m.theme_lift_lower;
			RETURN NEXT;
		END IF;
		IF channels AND m.adopt_channel THEN
			rule_note := format('measured: lift %s (95%% interval %s to %s) over %s treated and %s controls',
								round(m.channel_lift::numeric, 4), round(m.channel_lift_lower::numeric, 4),
								round(m.channel_lift_upper::numeric, 4), m.channel_treated, m.channel_controls);
			-- the first rule that can decide for the reason (what
			-- measured_approaches.current_channel reads)
			deciding := NULL;
			SELECT a.rule_order, a.reasons, a.industries, a.company_sizes, a.min_value, a.min_value_percentile
			  INTO deciding
			  FROM dormancy.approach_rules a
			 WHERE a.reasons IS NULL OR m.likely_reason = ANY (a.reasons)
			 ORDER BY a.rule_order LIMIT 1;
			slot := NULL;
			IF deciding.reasons = ARRAY[m.likely_reason] AND deciding.industries IS NULL
			   AND deciding.company_sizes IS NULL AND deciding.min_value = 0
			   AND deciding.min_value_percentile IS NULL THEN
				-- the reason's own rule decides already: its channel changes
				UPDATE dormancy.approach_rules a SET channel = m.measured_channel, note = rule_note
				 WHERE a.rule_order = deciding.rule_order;
				slot := deciding.rule_order;
			ELSE
				IF deciding.rule_order IS NULL THEN
					-- no rule applies to the reason: after the last one (else
					-- any free rule_order)
					SELECT x.s INTO slot
					  FROM (SELECT coalesce(pg_catalog.max(a.rule_order)::bigint, 0) + 10 AS s FROM dormancy.approach_rules a
							UNION ALL
							SELECT a.rule_order::bigint - 1 FROM dormancy.approach_rules a) x
					 WHERE x.s BETWEEN -2147483648 AND 2147483647
					   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules b WHERE b.rule_order = x.s)
					 ORDER BY x.s DESC LIMIT 1;
				ELSE
					-- the largest free rule_order below the deciding rule's
					SELECT x.s INTO slot
					  FROM (SELECT deciding.rule_order::bigint - 1 AS s
							UNION ALL
							SELECT a.rule_order::bigint - 1 FROM dormancy.approach_rules a
							 WHERE a.rule_order < deciding.rule_order) x
					 WHERE x.s >= -2147483648
					   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules b WHERE b.rule_order = x.s)
					 ORDER BY x.s DESC LIMIT 1;
				END IF;
				IF slot IS NULL THEN
					RAISE WARNING 'channel % not adopted for reason %: no free rule_order before the rule that decides for it',
								  m.measured_channel, m.likely_reason
						USING DETAIL = format('Approach rule %s is the first that applies to the reason %s, and no rule_order is free before it.',
											  coalesce(deciding.rule_order::text, 'none'), m.likely_reason),
							  HINT = 'Renumber dormancy.approach_rules to leave room before that rule, or write the reason''s rule by hand.';
				ELSE
					INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, reasons, note)
					VALUES (slot, m.measured_channel, 0, ARRAY[m.likely_reason], rule_note);
				END IF;
			END IF;
		END IF;
		IF channels AND m.adopt_channel AND slot IS NOT NULL THEN
			kind := 'channel';
			likely_reason := m.likely_reason;
			previous := m.current_channel;
			adopted := m.measured_channel;
			rule_order := slot;
			lift := m.channel_lift;
			lift_lower := m.channel_lift_lower;
			RETURN NEXT;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy.adopt_measured_approaches(boolean, boolean) IS
	'write the measured themes (message_themes) and channels (an approach rule per reason, before the first rule that can decide for the reason; not adopted, with a warning, when no rule_order is free there) that dormancy.measured_approaches marks to adopt; returns what it changed; a second call changes nothing';
REVOKE ALL ON FUNCTION dormancy.adopt_measured_approaches(boolean, boolean) FROM PUBLIC;

COMMENT ON FUNCTION dormancy._generated_views() IS
	'internal: the generated views in creation order (adapters src_* first, then the live views of _create_views)';

COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;

-- (end of Campaign effect and learning (issue 15))

-- One segment key for the fits and the validation (issue 14 follow-up)

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

-- (end of One segment key for the fits and the validation)

-- The BTYD summaries of fit_models() computed on the Citus workers (issue 13)

-- The same at a day given: IMMUTABLE, no setting read (fit_models() on
-- Citus computes the summaries on the workers, whose zone is not the
-- coordinator's)
CREATE FUNCTION dormancy.btyd_summary(h dormancy.purchase_history, as_of date,
	unit interval DEFAULT '1 day')
	RETURNS dormancy.btyd_summary
	AS 'MODULE_PATHNAME', 'btyd_summary_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, date, interval) IS
	'frequency, recency, age and monetary value of a history at the day as_of, in units (lifetimes conventions, freq=D)';
-- (customer_histories_live, which _fit_summaries reads on Citus, is one of
-- the live views _create_views creates after the update)

-- (end of The BTYD summaries of fit_models() computed on the Citus workers)

-- The configuration as one value (issue 13: the evaluation on the Citus
-- workers).  The per-customer C functions of the views take the
-- configuration tables as an argument (dormancy.configuration, made once per
-- query by dormancy._configuration()) instead of reading them, and become
-- IMMUTABLE: they give the coordinator's answer on any node.  Their earlier
-- forms in this script read the tables; they are replaced here (the views,
-- rebuilt at the end, call the new ones).

CREATE DOMAIN dormancy.configuration AS jsonb;
COMMENT ON DOMAIN dormancy.configuration IS
	'internal: the configuration tables as one jsonb object with a fingerprint, for the per-customer C functions of the views (dormancy._configuration())';

-- The tables the per-customer C functions read, as JSON arrays of their
-- rows under the tables' names (model_settings: the one row in force), and
-- under "fingerprint" a hash of them (jsonb_hash_extended, in hex).  Read with the caller's
-- privileges.  The float and interval output are pinned so that the text
-- the rows pass through is exact and reads back the same on every node:
-- extra_float_digits 3 (the shortest exact form), IntervalStyle postgres;
-- dates and numerics are exact in JSON anyway.
CREATE FUNCTION dormancy._configuration()
	RETURNS dormancy.configuration
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET extra_float_digits = 3
	SET IntervalStyle = postgres
AS $$
	SELECT (t.tables OPERATOR(pg_catalog.||)
			pg_catalog.jsonb_build_object('fingerprint', pg_catalog.to_hex(pg_catalog.jsonb_hash_extended(t.tables, 0))))
		   ::dormancy.configuration
	  FROM (SELECT pg_catalog.jsonb_build_object(
				'rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.rules r),
				'industries', (SELECT coalesce(pg_catalog.jsonb_agg(a), '[]') FROM dormancy.industries a),
				'company_sizes', (SELECT coalesce(pg_catalog.jsonb_agg(a), '[]') FROM dormancy.company_sizes a),
				'reason_rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.reason_rules r),
				'approach_rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.approach_rules r),
				'message_themes', (SELECT coalesce(pg_catalog.jsonb_agg(m), '[]') FROM dormancy.message_themes m),
				'value_distribution', (SELECT coalesce(pg_catalog.jsonb_agg(v), '[]') FROM dormancy.value_distribution v),
				'models', (SELECT coalesce(pg_catalog.jsonb_agg(m), '[]') FROM dormancy.models m),
				'price_changes', (SELECT coalesce(pg_catalog.jsonb_agg(p), '[]') FROM dormancy.price_changes p),
				'model_settings', pg_catalog.jsonb_build_array(pg_catalog.to_jsonb(dormancy.model_settings_in_force())))
			AS tables) t
$$;
COMMENT ON FUNCTION dormancy._configuration() IS
	'internal: the configuration tables the per-customer C functions read (rules, aliases, reason and approach rules, themes, value distribution, models, price changes, model settings in force) as one value with its fingerprint; the views compute it once per query';


-- rule_for() in C over the rules and aliases of a configuration
-- (09_configuration.sql), for the views: it reads no table, so it is
-- IMMUTABLE and gives the coordinator's answer on a Citus worker.  Each
-- call site prepares the rules once and folds each distinct label once.
-- sql/rule_for_config.sql compares it with rule_for().
CREATE FUNCTION dormancy._rule_for(industry text, company_size text, configuration dormancy.configuration)
	RETURNS dormancy.rules
	AS 'MODULE_PATHNAME', 'rule_for_config'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._rule_for(text, text, dormancy.configuration) IS
	'internal: rule_for() over the rules and aliases of the configuration given (the views pass dormancy._configuration())';

DROP FUNCTION dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean);
CREATE FUNCTION dormancy._customer_facts(
	history dormancy.purchase_history,
	as_of date,
	min_order_amount numeric,
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
	at_risk_after interval,
	dormant_after interval,
	long_dormant_after interval,
	use_contract_end boolean,
	contract_covered_until date,
	categories text[],
	category_last_order_at date[],
	categories_bound boolean,
	configuration dormancy.configuration,
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
	OUT monetary_value double precision,
	OUT monetary_days integer,
	-- customer_core's own
	OUT state text,
	OUT days_since_last_order integer,
	OUT days_since_last_qualifying_order integer,
	OUT segment text,
	OUT lapsed_after_price_increase boolean,
	OUT price_increase text,
	OUT lapsed_after_spec_change boolean,
	OUT spec_change text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'customer_facts'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
	interval, double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean,
	dormancy.configuration) IS
	'internal: every derived column of customer_core in one evaluation (history facts, state, days since, segment, price changes), the price changes those of the configuration given';

DROP FUNCTION dormancy._model_for(text, text);
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

DROP FUNCTION dormancy._model_outlook(text, text, integer, double precision, double precision, double precision, double precision, double precision);
CREATE FUNCTION dormancy._model_outlook(industry text, company_size text, frequency integer,
										recency_days double precision, age_days double precision,
										monetary_value double precision, monetary_days integer,
										lookahead_days double precision,
										p_alive_threshold double precision,
										configuration dormancy.configuration,
										OUT model_id integer, OUT forecast_model text,
										OUT unit_days double precision, OUT p_alive double precision,
										OUT expected_purchases double precision,
										OUT expected_value double precision,
										OUT p_alive_ahead double precision,
										OUT p_purchase_ahead double precision,
										OUT dormant_age double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_outlook'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_outlook(text, text, integer, double precision, double precision, double precision, integer, double precision, double precision, dormancy.configuration) IS
	'internal: the model columns of customer_status for a customer (the model _model_for chooses, model_predictions and model_lookahead under it), from its BTYD summary in days, its segment columns, the lookahead in days and the p_alive threshold';

DROP FUNCTION dormancy._expected_value(text, text, integer, double precision, double precision, double precision);
CREATE FUNCTION dormancy._expected_value(industry text, company_size text, frequency integer,
										 recency_days double precision, age_days double precision,
										 monetary_value double precision, monetary_days integer,
										 configuration dormancy.configuration)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'expected_value_for'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._expected_value(text, text, integer, double precision, double precision, double precision, integer, dormancy.configuration) IS
	'internal: a customer''s expected_value as customer_status computes it (the model _model_for chooses, model_predictions), from its BTYD summary in days and its segment columns; for the value distribution of fit_models()';

DROP FUNCTION dormancy._likely_reason(boolean, text[]);
CREATE FUNCTION dormancy._likely_reason(lapsing boolean, have text[], configuration dormancy.configuration,
										OUT reason text, OUT evidence text[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'likely_reason'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._likely_reason(boolean, text[], dormancy.configuration) IS
	'internal: the reason and evidence of the first dormancy.reason_rules row (by rule_order) whose evidence is contained in have; unknown and {} when none; NULL unless lapsing';

DROP FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean);
CREATE FUNCTION dormancy._approach_channel(lapsing boolean, approach_value double precision,
										   industry text, company_size text, reason text,
										   can_phone boolean, can_mail boolean,
										   configuration dormancy.configuration)
	RETURNS text
	AS 'MODULE_PATHNAME', 'approach_channel'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean, dormancy.configuration) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (by label_key, through dormancy.industries and dormancy.company_sizes when no rule names the label), reason and reachability; NULL unless lapsing or when none matches';

DROP FUNCTION dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
	bigint, integer, double precision, double precision, double precision, double precision, text, text[],
	boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
	double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
	text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
	boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text);
CREATE FUNCTION dormancy._assess(
	state text, as_of date, at_risk_after interval, dormant_after interval,
	long_dormant_after interval, rule_id integer,
	last_order_at date, last_qualifying_order_at date, first_order_at date,
	orders_count bigint, order_days integer, total_amount double precision,
	median_gap_days double precision, mean_gap_days double precision, gap_stddev_days double precision,
	segment text, decline_signals text[], declining boolean,
	lapsed_after_price_increase boolean, lapsed_after_spec_change boolean,
	industry text, company_size text,
	contract_terms bigint, contract_covered_until date, contract_lapsed boolean,
	days_since_contract_end integer, auto_renew_off boolean, downgraded boolean,
	renewal_due_in_days integer,
	p_alive double precision, expected_value double precision,
	has_events boolean, events_in_window integer, pricing_views integer, support_visits integer,
	days_since_last_event integer,
	has_deals boolean, last_deal_at date, last_deal_outcome text, last_deal_reason text,
	days_since_last_deal integer, open_deals integer,
	phones bigint, emails bigint, persons bigint, invalid_phones bigint, invalid_emails bigint,
	contacts_outdated boolean,
	events_bound boolean, deals_bound boolean, contracts_bound boolean,
	contact_phones_bound boolean, contact_emails_bound boolean, contact_persons_bound boolean,
	contact_dates_bound boolean,
	settings dormancy.source_settings, weights dormancy.score_weights,
	last_outreach_outcome text, last_outreach_reason text, last_outreach_on date,
	configuration dormancy.configuration,
	OUT contract_state text, OUT dormancy_kind text, OUT evidence text[],
	OUT approach_value double precision, OUT priority_score double precision,
	OUT priority_inputs dormancy.priority_inputs, OUT likely_reason text,
	OUT reason_evidence text[], OUT approach_channel text, OUT message_theme text,
	OUT gaps integer, OUT no_activity boolean, OUT value_percentile double precision,
	OUT value_percentiles double precision[], OUT outreach_declined_reason text,
	OUT days_since_outreach_decline integer)
	RETURNS record
	AS 'MODULE_PATHNAME', 'assess'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
	bigint, integer, double precision, double precision, double precision, double precision, text, text[],
	boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
	double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
	text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
	boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text, date,
	dormancy.configuration) IS
	'internal: the assessment of one customer for customer_status (contract state, dormancy kind, evidence, approach value, priority inputs and score, likely reason, message theme, channel, data gaps as bits, value percentile, and for the breakdown the percentiles of total_amount and expected_value and the decline heard on a call that the deal component reads: one later than the last closed deal, the same decline the reason rules read), under the configuration given';

-- (end of The configuration as one value)

-- The snapshot distributed with the customers on Citus (issue 13)
--
-- On Citus, with the customers distributed by their id, the snapshot is
-- distributed and co-located with them: each worker writes its customers'
-- rows, the state changes are found on the workers, and only the changes and
-- the ranks travel (docs/scaling-out.md, Refresh on Citus).  _snapshot_sync
-- and _refresh_work have their new text in their own sections.

-- The column of a binding that holds the customer id: 'id' of the customers,
-- 'customer' of every other source (dormancy.bindings.columns).
CREATE FUNCTION dormancy._binding_customer_column(source text, columns jsonb)
	RETURNS name
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (columns ->> CASE source WHEN 'customers' THEN 'id' ELSE 'customer' END)::name
$$;
COMMENT ON FUNCTION dormancy._binding_customer_column(text, jsonb) IS
	'internal: the bound column holding the customer id of a binding (id for customers, customer for the other sources)';

-- The table dormancy.status_snapshot is co-located with on Citus: the bound
-- customers (else the orders) when they are a hash-distributed table whose
-- distribution column is the bound customer id; NULL otherwise, and the
-- snapshot is a local table.  Co-located, each worker writes its own
-- customers' rows from the evaluation it ran (docs/scaling-out.md, Refresh
-- on Citus).
CREATE FUNCTION dormancy._snapshot_colocation()
	RETURNS regclass
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b record;
	dist_column text;
BEGIN
	IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT x.relation, dormancy._binding_customer_column(x.source, x.columns) AS id_column
	  INTO b
	  FROM dormancy.bindings x
	 WHERE x.source IN ('customers', 'orders')
	 ORDER BY x.source = 'customers' DESC
	 LIMIT 1;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- hash-distributed by the bound id (no row: not a distributed table)
	EXECUTE 'SELECT pg_catalog.column_to_column_name(p.logicalrelid, p.partkey)'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1 AND p.partmethod = ''h'''
	   INTO dist_column USING b.relation;
	IF dist_column IS NULL OR dist_column IS DISTINCT FROM b.id_column THEN
		RETURN NULL;
	END IF;
	RETURN b.relation;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_colocation() IS
	'internal: on Citus, the distributed table of the customers (or orders) the snapshot is co-located with; NULL: the snapshot is a local table';

-- Whether two Citus tables are co-located (their shards split the same
-- hash ranges over the same nodes).
CREATE FUNCTION dormancy._citus_colocated(a regclass, b regclass)
	RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	same boolean;
BEGIN
	IF a IS NULL OR b IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE 'SELECT count(DISTINCT p.colocationid) = 1 AND count(*) = 2'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid IN ($1, $2)'
	   INTO same USING a, b;
	RETURN coalesce(same, false);
END
$$;
COMMENT ON FUNCTION dormancy._citus_colocated(regclass, regclass) IS
	'internal: whether two Citus tables are co-located';

-- Run a DDL statement on dormancy.status_snapshot: with Citus's DDL
-- propagation on when the snapshot is distributed (the bind turns it off
-- while it builds the views, which stay on the coordinator; a distributed
-- table's shards must follow every change of its shape, index and policy).
CREATE FUNCTION dormancy._snapshot_ddl(statement text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	saved text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
BEGIN
	IF saved IS NOT NULL AND dormancy._citus_table_kind(pg_catalog.to_regclass('dormancy.status_snapshot')) IS NOT NULL THEN
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
		EXECUTE statement;
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', saved, true);
	ELSE
		EXECUTE statement;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_ddl(text) IS
	'internal: run DDL on dormancy.status_snapshot, propagated to its shards when Citus distributes it';

-- (end of The snapshot distributed with the customers on Citus)

-- One-row relations, told to the planner.  The views join settings (the
-- as-of day, the source, decline, model and score settings, what is bound,
-- the configuration) as relations of one row, ON dormancy._single_row(col)
-- of one of their columns: always true, and its planner support
-- (src/estimates_sql.c) gives it a selectivity that leaves one row of any
-- such relation.  On one server the planner knows these have one row, and
-- nothing changes.  On a Citus worker each is an intermediate result that
-- the worker's planner takes for 1,000 rows: the task query of
-- customer_status with the evaluation on the workers was priced around
-- 1e30 (each cross join multiplied the rows by 1,000) and JIT-compiled some
-- 250 functions on every shard, 1.6 s a task (docs/scaling-out.md).
CREATE FUNCTION dormancy._single_row_support(internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'single_row_support'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._single_row_support(internal) IS
	'internal: planner support of _single_row: the selectivity that leaves one row of the relation';
CREATE FUNCTION dormancy._single_row(anyelement)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'single_row'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._single_row_support;
COMMENT ON FUNCTION dormancy._single_row(anyelement) IS
	'internal: true; as a join condition on a column of a one-row relation (settings), it tells the planner that the relation has one row (a Citus worker takes an intermediate result for 1,000)';

--
-- The indexes on the bound tables' customer columns, for the live view
-- customer_column_indexes (sql_src/70_views.sql).
--

-- The bound tables (sources of dormancy.bindings, and each partition or
-- inheritance child of them) with their customer column and the index that
-- serves a lookup by it: a valid B-tree or hash index whose first column is
-- the customer column, either whole or partial with the predicate
-- "customer column IS NOT NULL" (the views ask only for ids that are not
-- NULL; another predicate could leave a customer's rows out of the index).
-- Views and foreign tables are listed with indexed NULL: the indexes of
-- what they read are not visible here.  A partitioned table holds no rows:
-- its partitions are listed.  SECURITY DEFINER, so that a reader needs no
-- grant on dormancy.bindings: it takes no argument and returns what the
-- catalogs and the adapters' definitions (pg_views) show anyone, the bound
-- relations and their customer columns.
CREATE FUNCTION dormancy._customer_column_indexes()
	RETURNS TABLE (source text, table_name regclass, column_name name, relation_kind text,
				   index_name regclass, estimated_rows bigint, index_on regclass,
				   covering_index regclass, other_columns name[], lookup_key text)
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.source, m.relid::regclass, b.col,
		   CASE c.relkind WHEN 'r' THEN 'table' WHEN 'm' THEN 'materialized view'
						  WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign table' END,
		   x.lookup_index,
		   CASE WHEN c.relkind IN ('r', 'm') THEN greatest(c.reltuples, 0)::bigint END,
		   -- where a missing index is best made: on a bound partitioned
		   -- table, whose partitions (those to come too) then all get one
		   CASE WHEN b.relkind = 'p' THEN b.relation ELSE m.relid::regclass END,
		   CASE WHEN b.source = 'orders' THEN x.covering_index END,
		   CASE WHEN b.source = 'orders' THEN b.others END,
		   CASE WHEN b.key_type IS NULL THEN quote_ident(b.col)
				WHEN b.key_type = 'bpchar'::regtype
				THEN format('(dormancy.outreach_customer_key(%I)::pg_catalog.bpchar)', b.col)
				ELSE format('dormancy.outreach_customer_key(%I)', b.col) END
	  FROM (SELECT b.source, b.relation, r.relkind,
				   dormancy._binding_customer_column(b.source, b.columns) AS col,
				   -- the type of a column read by its key (above), else NULL
				   (SELECT kt.base
					  FROM pg_attribute ka CROSS JOIN LATERAL dormancy._base_type(ka.atttypid) kt
					 WHERE b.source = 'outreach' AND ka.attrelid = b.relation AND NOT ka.attisdropped
					   AND ka.attname = dormancy._binding_customer_column(b.source, b.columns)
					   AND kt.base IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)) AS key_type,
				   -- the other bound columns (a column bound twice, once), in the
				   -- bound relation's column order: one statement for all its
				   -- partitions, whose columns may lie in other orders
				   ARRAY(SELECT a.attname FROM pg_attribute a
						  WHERE a.attrelid = b.relation AND a.attnum > 0 AND NOT a.attisdropped
							AND a.attname::text IN (SELECT e.value FROM jsonb_each_text(b.columns) e)
							AND a.attname IS DISTINCT FROM dormancy._binding_customer_column(b.source, b.columns)
						  ORDER BY a.attnum) AS others
			  FROM dormancy.bindings b
			  JOIN pg_class r ON r.oid = b.relation) b
	 CROSS JOIN LATERAL unnest(dormancy._orders_members(b.relation)) m(relid)
	  JOIN pg_class c ON c.oid = m.relid
	 -- the indexes that serve a lookup by the customer column (above): the
	 -- first of them, a full index before a partial one, and the first
	 -- B-tree one that also gives the customers' order (an operator class
	 -- of a family with a default one, such as varchar_ops beside text_ops:
	 -- not text_pattern_ops, which serves = but sorts otherwise) and whose
	 -- columns, key or INCLUDE, hold every other bound column
	 CROSS JOIN LATERAL (
		SELECT (pg_catalog.array_agg(i.indexrelid::regclass ORDER BY i.indpred IS NOT NULL, ic.relname))[1] AS lookup_index,
			   (pg_catalog.array_agg(i.indexrelid::regclass ORDER BY i.indpred IS NOT NULL, ic.relname)
				  FILTER (WHERE am.amname = 'btree'
							AND EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_opclass d
											  ON d.opcmethod = oc.opcmethod AND d.opcfamily = oc.opcfamily AND d.opcdefault
										 WHERE oc.oid = i.indclass[0])
							AND NOT EXISTS (SELECT 1
											  FROM pg_attribute oa
											 WHERE oa.attrelid = c.oid AND oa.attname = ANY (b.others)
											   AND NOT oa.attnum = ANY (i.indkey::int2[]))))[1] AS covering_index
		  FROM pg_index i
		  JOIN pg_class ic ON ic.oid = i.indexrelid
		  JOIN pg_am am ON am.oid = ic.relam
		  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = b.col AND NOT a.attisdropped
		 WHERE i.indrelid = c.oid AND i.indisvalid
		   -- the column, or for a column read by its key the key of it, as
		   -- pg_get_indexdef writes the adapter's expression (a varchar
		   -- column cast to text; a char one to text and the key back to
		   -- char, whose operators the text index would not serve)
		   AND CASE WHEN b.key_type IS NULL THEN i.indkey[0] = a.attnum
					WHEN b.key_type = 'bpchar'::regtype
					THEN i.indkey[0] = 0
						 AND pg_get_indexdef(i.indexrelid, 1, false)
							 = format('((dormancy.outreach_customer_key((%I)::text))::bpchar)', b.col)
					ELSE i.indkey[0] = 0
						 AND pg_get_indexdef(i.indexrelid, 1, false)
							 IN (format('dormancy.outreach_customer_key(%I)', b.col),
								 format('dormancy.outreach_customer_key((%I)::text)', b.col)) END
		   AND am.amname IN ('btree', 'hash')
		   -- in the column's collation: an index on code COLLATE "C" (the
		   -- column in another one) serves neither = nor the grouping
		   AND i.indcollation[0] = a.attcollation
		   AND (i.indpred IS NULL
				OR pg_get_expr(i.indpred, i.indrelid) = format('(%I IS NOT NULL)', b.col))) x
	 -- a partitioned table holds no rows; a parent of inheritance children
	 -- that ANALYZE found empty is left out likewise (one never analyzed is
	 -- listed: it may hold rows)
	 WHERE c.relkind IN ('r', 'm', 'v', 'f')
	   AND NOT (c.relhassubclass AND c.relkind = 'r' AND c.reltuples = 0)
$$;
COMMENT ON FUNCTION dormancy._customer_column_indexes() IS
	'internal: each bound table (and partition or child) with its customer column, the index a lookup of one customer uses (on the column, or on its key dormancy.outreach_customer_key for a bound outreach table with text ids) and, for the orders, the index that covers every bound column (dormancy.customer_column_indexes)';

-- The planner is told how many histories a refresh reads: the store's size
-- while the gate is open, one row while it is closed (see
-- sql_src/62_incremental.sql and src/history_store.c).
CREATE FUNCTION dormancy._stored_histories_support(internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'dormancy_stored_histories_support'
	LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION dormancy._stored_histories_support(internal) IS
	'internal: planner support of _stored_histories(): the rows of dormancy.stored_histories while a refresh reads them, else one';
ALTER FUNCTION dormancy._stored_histories() SUPPORT dormancy._stored_histories_support;

-- The snapshot's score_breakdown compressed in line with lz4 (see
-- sql_src/60_refresh.sql, src/in_line_sql.c; _refresh_work above).
CREATE FUNCTION dormancy._lz4_in_line(value jsonb)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'lz4_in_line'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._lz4_in_line(jsonb) IS
	'internal: the value compressed with lz4 and kept in line (as the toaster stores a compressed value), when that makes it smaller; for the snapshot''s score_breakdown, whose rows are under the size PostgreSQL compresses at';


-- issue 13: fit_models() on Citus fits from per-worker partial aggregates
-- Whether the bound customers are read on the Citus workers, where their
-- orders are (dormancy.evaluate_on_workers, docs/scaling-out.md): under auto
-- (the default) when the customers are a distributed table; on or off
-- force it; false without Citus.  The adapters read it when they are built
-- (src_customers: otherwise a subquery that Citus collects on the
-- coordinator), fit_models() when it chooses where the fits' states are
-- folded.  The setting may be a placeholder (read before the library is
-- loaded): any boolean spelling counts.
CREATE FUNCTION dormancy._customers_on_workers(customers regclass, orders regclass)
	RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	setting text := coalesce(pg_catalog.lower(pg_catalog.current_setting('dormancy.evaluate_on_workers', true)), '');
	kind text := dormancy._citus_table_kind(coalesce(customers, orders));
BEGIN
	IF kind IS NULL THEN
		RETURN false;
	END IF;
	RETURN CASE WHEN setting IN ('', 'auto') THEN customers IS NOT NULL AND kind = 'distributed'
				ELSE setting::boolean END;
END
$$;
COMMENT ON FUNCTION dormancy._customers_on_workers(regclass, regclass) IS
	'internal: whether the bound customers (else orders) are read on the Citus workers, by dormancy.evaluate_on_workers; false without Citus';

--
-- The model fits' state as a value (src/fit_state_sql.c): what fit_models()
-- folds on each Citus worker and combines on the coordinator
--
-- Citus splits an aggregate into a partial aggregate per shard and a
-- combination on the coordinator only when its transition type is a real
-- type (not internal), and moves the partial states in the type's text form.
-- dormancy.fit_state holds the distinct BG/NBD observations (frequency,
-- recency, age) and Gamma-Gamma observations (frequency, mean spend) of a
-- group of customers with their counts, as the fit aggregates keep them;
-- _fit_state folds customers' BTYD summaries into one, _fit_state_combine
-- merges two, and _bgnbd_fit_of and the others (45_model_status.sql) fit
-- the combined observations with the fit aggregates' own final functions.

CREATE TYPE dormancy.fit_state;
CREATE FUNCTION dormancy.fit_state_in(cstring) RETURNS dormancy.fit_state
	AS 'MODULE_PATHNAME', 'fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.fit_state_out(dormancy.fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.fit_state_recv(internal) RETURNS dormancy.fit_state
	AS 'MODULE_PATHNAME', 'fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.fit_state_send(dormancy.fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE dormancy.fit_state (
	INPUT = dormancy.fit_state_in,
	OUTPUT = dormancy.fit_state_out,
	RECEIVE = dormancy.fit_state_recv,
	SEND = dormancy.fit_state_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = extended
);
COMMENT ON TYPE dormancy.fit_state IS
	'the distinct BG/NBD and Gamma-Gamma observations of a group of customers with their counts, as the model fits keep them (fit_models() on Citus combines one per worker); text form: base64, of the pglz bytes after a * when smaller; binary form: the bytes';
COMMENT ON FUNCTION dormancy.fit_state_in(cstring) IS 'I/O (checks every observation)';
COMMENT ON FUNCTION dormancy.fit_state_out(dormancy.fit_state) IS 'I/O';
COMMENT ON FUNCTION dormancy.fit_state_recv(internal) IS 'I/O (checks every observation)';
COMMENT ON FUNCTION dormancy.fit_state_send(dormancy.fit_state) IS 'I/O';

-- Not STRICT: the first row starts the state (NULL), and a customer without
-- a summary (no purchase day by the as-of day) is left out.
CREATE FUNCTION dormancy._fit_state_trans(dormancy.fit_state, dormancy.btyd_summary, double precision)
	RETURNS dormancy.fit_state AS 'MODULE_PATHNAME', 'fit_state_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_trans(dormancy.fit_state, dormancy.btyd_summary, double precision) IS
	'internal: transition function of _fit_state';
CREATE FUNCTION dormancy._fit_state_combine(dormancy.fit_state, dormancy.fit_state)
	RETURNS dormancy.fit_state AS 'MODULE_PATHNAME', 'fit_state_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_combine(dormancy.fit_state, dormancy.fit_state) IS
	'internal: the observations of two fit states in one (combine function of _fit_state)';
CREATE AGGREGATE dormancy._fit_state(summary dormancy.btyd_summary, unit_days double precision) (
	SFUNC = dormancy._fit_state_trans, STYPE = dormancy.fit_state,
	COMBINEFUNC = dormancy._fit_state_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy._fit_state(dormancy.btyd_summary, double precision) IS
	'internal: the customers'' BTYD summaries (in days) as one fit state, recency and age in units of unit_days: the observations of bgnbd_fit(frequency, recency / unit_days, age / unit_days) and gammagamma_fit(frequency, monetary_value)';
CREATE FUNCTION dormancy._fit_state_customers(dormancy.fit_state)
	RETURNS bigint AS 'MODULE_PATHNAME', 'fit_state_customers'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_customers(dormancy.fit_state) IS
	'internal: the customers folded into a fit state (those with a BTYD summary)';

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

COMMENT ON FUNCTION dormancy._store_value_distribution() IS
	'internal: store the quantiles of the customers'' total_amount and expected_value in dormancy.value_distribution, from the summaries fit_models() keeps (_fit_summaries), or on Citus from the customers'' two values computed on the workers';

COMMENT ON FUNCTION dormancy._single_row_support(internal) IS
	'internal: planner support of _single_row: the selectivity that leaves one row of the relation (as a join condition over several relations: 1)';
COMMENT ON FUNCTION dormancy._single_row(anyelement) IS
	'internal: true; as a join condition on a column of a one-row relation (settings), it tells the planner that the relation has one row (a Citus worker takes an intermediate result for 1,000); over columns of several relations, a join condition that keeps every row';

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

-- Queries of the extension's views run without JIT (src/jit_guard.c, the
-- setting dormancy.jit): planning them loads the library through a planner
-- support that answers nothing, on the functions the views call.
CREATE FUNCTION dormancy._plan_support(internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'dormancy_plan_support'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._plan_support(internal) IS
	'internal: planner support that answers nothing; planning a query that calls its function loads the library (and its JIT guard, dormancy.jit)';
ALTER FUNCTION dormancy.as_of_day() SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy._local_time(timestamptz, jsonb) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy._local_time(timestamp, jsonb) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy._local_time(date, jsonb) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.label_key(text) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.outreach_customer_key(text) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.customer_id_text(anyelement) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.customer_id_from_text(text, anyelement) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, date, double precision) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, date, double precision, boolean) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision, boolean) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision, boolean) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.categorized_history_trans(internal, date, double precision, boolean, text, date) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.categorized_history_trans(internal, timestamp, double precision, boolean, text, date) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.categorized_history_trans(internal, timestamptz, double precision, boolean, text, date) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.label(text, text) SUPPORT dormancy._plan_support;
ALTER FUNCTION dormancy.labels(text, text[]) SUPPORT dormancy._plan_support;

-- The state changes of a refresh that writes the snapshot in place, noted by
-- its MERGE (src/state_notes.c): each row's state passes through
-- _state_noted(), which keeps in the backend only the customers inserted and
-- those whose state changed, and refuses (cardinality_violation) a row
-- already stamped with this run's time or a customer key the snapshot holds
-- twice.  _state_notes() hands them back.  Until 2026-12-06 the refresh
-- copied every previous state out of the snapshot before the MERGE and every
-- new one after it, then joined the two (docs/operations.md).
CREATE FUNCTION dormancy._state_notes_begin()
	RETURNS void
	AS 'MODULE_PATHNAME', 'dormancy_state_notes_begin'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION dormancy._state_notes_begin() IS
	'internal: start noting the state changes of an in-place write of the snapshot (drops the notes of an earlier call in the transaction)';
CREATE FUNCTION dormancy._state_noted(customer_key text, matched boolean, previous_refreshed_at timestamptz,
									  stamp timestamptz, from_state text, to_state text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'dormancy_state_noted'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION dormancy._state_noted(text, boolean, timestamptz, timestamptz, text, text) IS
	'internal: to_state, noting the row when it is new (matched false) or its state changed; refuses a row already stamped with this run''s time or a key matched twice in a row';
CREATE FUNCTION dormancy._state_notes(OUT customer_key text, OUT matched boolean, OUT from_state text, OUT to_state text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'dormancy_state_notes'
	LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 100;
COMMENT ON FUNCTION dormancy._state_notes() IS
	'internal: the rows noted by _state_noted() since _state_notes_begin(), in the order noted';

-- The previous state of each customer, as text ids, for a refresh that
-- replaces the snapshot whole: copied from it before it is emptied; an empty
-- snapshot (emptied by hand, or made again) falls back on the last states
-- recorded in the history.  (Written in place, the MERGE notes the changes
-- itself: _state_noted.)
CREATE FUNCTION dormancy._refresh_previous_states()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	copied bigint;
BEGIN
	IF to_regclass('pg_temp.dormancy_refresh_previous') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_previous;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_previous (customer_id text, state text) ON COMMIT DROP;
	INSERT INTO pg_temp.dormancy_refresh_previous
	SELECT s.customer_key, s.state
	  FROM dormancy.status_snapshot s;
	GET DIAGNOSTICS copied = ROW_COUNT;
	IF copied = 0 THEN
		INSERT INTO pg_temp.dormancy_refresh_previous
		SELECT x.customer_id, x.to_state
		  FROM (SELECT DISTINCT ON (h.customer_id) h.customer_id, h.change, h.to_state
				  FROM dormancy.status_history h
				 ORDER BY h.customer_id, h.history_id DESC) x
		 WHERE x.change <> 'removed';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_previous_states() IS
	'internal: the previous state of each customer (from the snapshot, else from the state history) into a temporary table it makes for the refresh (dropped at commit)';

-- What reshaping the snapshot to customer_status's columns takes: the
-- clauses of its ALTER TABLE (NULL when nothing).  Any but ADD COLUMN
-- empties it first (_snapshot_sync).
CREATE FUNCTION dormancy._snapshot_reshape_actions()
	RETURNS text[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT array_agg(a ORDER BY o, a)
	  FROM (SELECT CASE WHEN h.column_name IS NULL THEN format('ADD COLUMN %I %s%s', w.column_name, w.column_type, w.constraints)
						WHEN w.column_name IS NULL THEN format('DROP COLUMN %I', h.column_name)
						ELSE format('ALTER COLUMN %I TYPE %s USING NULL', w.column_name, w.column_type) END,
				   coalesce(w.attnum, 0)
			  FROM dormancy._snapshot_columns() w
			  FULL JOIN dormancy._relation_columns('dormancy.status_snapshot') h ON h.column_name = w.column_name
			 WHERE w.column_type IS DISTINCT FROM h.column_type) s(a, o)
$$;
COMMENT ON FUNCTION dormancy._snapshot_reshape_actions() IS
	'internal: the ALTER TABLE clauses that would give dormancy.status_snapshot customer_status''s columns (NULL when none)';

-- Refuse work that writes to Citus tables from PL/pgSQL while auto_explain
-- explains nested statements: Citus 13.2 then explains each task on its node
-- with the parameters of the PL/pgSQL function around it, the node cannot
-- type them ("could not determine data type of parameter $1"), and the
-- failed EXPLAIN aborts the distributed transaction under the caller
-- ("cache lookup failed for type ...", "current transaction is aborted").
-- Said plainly, before anything is written (docs/scaling-out.md).  The
-- settings are read from pg_settings, which lists them only while
-- auto_explain is loaded (a placeholder SET without it does not count).
CREATE FUNCTION dormancy._refuse_nested_explain(work text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_settings s
				WHERE s.name = 'auto_explain.log_nested_statements' AND s.setting = 'on')
	   AND (SELECT s.setting::integer >= 0 FROM pg_catalog.pg_settings s
			 WHERE s.name = 'auto_explain.log_min_duration') THEN
		RAISE EXCEPTION 'cannot % on Citus while auto_explain explains nested statements', work
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'Citus sends EXPLAIN for each task with the parameters of the extension''s functions, which its nodes cannot type; the failed EXPLAIN aborts the distributed transaction.',
				  HINT = 'Run it in a session with auto_explain.log_nested_statements = off (or auto_explain.log_min_duration = -1).';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._refuse_nested_explain(text) IS
	'internal: raise feature_not_supported, naming the work, while auto_explain explains nested statements (Citus then aborts the distributed transaction of the extension''s writes)';

-- The columns of a customer's current contract term and of its latest
-- downgrade, each picked together by contract_signals (sql_src/70_views.sql)
-- in one ordered aggregate instead of a row_number() window each.
CREATE TYPE dormancy._contract_term AS (
	starts_on pg_catalog.date,
	ends_on pg_catalog.date,
	plan text,
	seats double precision,
	amount double precision,
	auto_renew boolean,
	end_day pg_catalog.date
);
COMMENT ON TYPE dormancy._contract_term IS 'internal: the columns of a customer''s current contract term, picked together by contract_signals';
CREATE TYPE dormancy._contract_downgrade AS (
	starts_on pg_catalog.date,
	prev_seats double precision,
	seats double precision,
	prev_amount double precision,
	amount double precision,
	prev_plan text,
	plan text
);
COMMENT ON TYPE dormancy._contract_downgrade IS 'internal: the columns of a customer''s latest contract downgrade (the term and the one before it), picked together by contract_signals';

-- The columns of a customer's last closed deal, picked together by
-- customer_deals (sql_src/70_views.sql) in one ordered aggregate: an
-- ordered aggregate sorts each customer's rows for itself, and one per
-- column sorted them six times.
CREATE TYPE dormancy._closed_deal AS (
	closed_on pg_catalog.date,
	outcome text,
	reason text,
	source_outcome text,
	source_reason text,
	note text
);
COMMENT ON TYPE dormancy._closed_deal IS 'internal: the columns of a customer''s last closed deal, picked together by customer_deals';

-- The columns of a customer's latest contact and of the latest conversation,
-- each picked together by customer_outreach (sql_src/70_views.sql) in one
-- ordered aggregate instead of one per column (each sorts the customer's
-- contacts).
CREATE TYPE dormancy._last_contact AS (
	channel text,
	theme text,
	campaign_id bigint
);
COMMENT ON TYPE dormancy._last_contact IS 'internal: the columns of a customer''s latest contact, picked together by customer_outreach';
CREATE TYPE dormancy._last_conversation AS (
	contacted_on pg_catalog.date,
	outcome text,
	declined_reason text
);
COMMENT ON TYPE dormancy._last_conversation IS 'internal: the day, outcome and declined reason of a customer''s latest conversation, picked together by customer_outreach';

--
-- fit_models() reads the stored histories while they are usable
--

-- (0.4.0) who last rebuilt the store under row security
ALTER TABLE dormancy.history_store_state ADD COLUMN row_security boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN dormancy.history_store_state.row_security IS
	'row security applied to the role that last rebuilt the store on the orders: the store may lack orders another role, or the same one without the policy, reads; the next refresh rebuilds it, and fit_models() does not read it';

-- Why the next refresh must rebuild every history, though the orders are
-- tracked (NULL: it may update the store incrementally): the store is not
-- complete, events were recorded that could hide writes (their reasons,
-- given by the caller: the refresh takes them up to a watermark), or the
-- stored days are in another dormancy.time_zone than the one in force.
-- _prepare_histories acts on it; _stored_histories_usable asks it too.
CREATE FUNCTION dormancy._store_rebuild_reason(st dormancy.history_store_state, invalidations text)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN NOT st.complete THEN coalesce(st.reason, 'the store is not complete')
				WHEN invalidations IS NOT NULL THEN invalidations
				WHEN st.time_zone IS DISTINCT FROM current_setting('dormancy.time_zone')
					THEN format('dormancy.time_zone is %s, the stored days are in %s',
								current_setting('dormancy.time_zone'), st.time_zone)
				-- the store holds the orders its last rebuild could read: with
				-- row security then or now, not the orders the role reads now
				WHEN st.row_security THEN 'the stored histories were rebuilt under row security on the orders'
				WHEN CASE WHEN EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.orders_relation)
						  THEN row_security_active(st.orders_relation) END
					THEN format('row security on %s applies to %s', st.orders_relation, current_user) END
$$;
COMMENT ON FUNCTION dormancy._store_rebuild_reason(dormancy.history_store_state, text) IS
	'internal: why the next refresh rebuilds every history (the store not complete, the invalidations given, another time zone, row security on the orders at its last rebuild or now), NULL when it may be incremental';

-- Whether the current transaction wrote rows of these relations (the
-- orders and their partitions): fit_models() then reads the orders, not the
-- store (_stored_histories_usable).  VOLATILE: the answer changes within a
-- statement; PARALLEL RESTRICTED: the counts are the backend's own.
CREATE FUNCTION dormancy._written_in_transaction(relations oid[])
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'dormancy_written_in_transaction'
	LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION dormancy._written_in_transaction(oid[]) IS
	'internal: whether the current transaction inserted, updated or deleted rows of these relations (rolled-back subtransactions not counted)';

-- Whether fit_models() can take its summaries from the stored histories
-- instead of folding every order again (_fit_summaries_from_store,
-- 45_model_status.sql): they hold every order the current role would read
-- now, but for the customers marked since (changed_customers: orders
-- written, deleted or moved since the refresh took the marks), whose
-- histories it folds from the orders.  So: the orders are tracked, a refresh
-- completed the store in the zone in force, and no invalidation or tracking
-- problem was recorded since (what makes the next refresh rebuild the
-- store), and the marks are few: at most a tenth of the stored histories'
-- rows (or 1,000), counted with a limit, since folding many customers one by
-- one in one process (reading the store turns parallel query off) costs
-- more than folding every order in parallel.  Only for the role that owns
-- the store, which the refresh writes as that role (SECURITY DEFINER), and
-- while no row security applies to that role on the orders: another role,
-- or the same one under a policy, may see other orders than the refresh
-- read.  The store is locked (ACCESS SHARE) for the rest of the transaction,
-- so that a full refresh cannot empty it before it is read; while a refresh
-- holds it (a full one empties it), the answer is false at once instead of a
-- wait.  (A refresh that updates the store meanwhile deletes the marks it
-- handled in the same transaction: the fit's one statement sees either the
-- stored history and no mark, or the mark.)
CREATE FUNCTION dormancy._stored_histories_usable()
	RETURNS boolean
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	few bigint;
BEGIN
	-- (inside a refresh the gate is open already: not asked.  A C function,
	-- so that the library, which defines dormancy.time_zone, is loaded)
	IF dormancy._use_stored_histories() THEN
		RETURN false;
	END IF;
	-- a snapshot older than the transaction (REPEATABLE READ, SERIALIZABLE)
	-- may predate a full refresh, which empties the store with TRUNCATE: such
	-- a snapshot sees it empty while the state row says complete
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RETURN false;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_class c
					WHERE c.oid = 'dormancy.stored_histories'::regclass
					  AND c.relowner = (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)) THEN
		RETURN false;
	END IF;
	BEGIN
		LOCK TABLE dormancy.stored_histories IN ACCESS SHARE MODE NOWAIT;
	EXCEPTION WHEN lock_not_available THEN
		RETURN false;
	END;
	-- what the next refresh would find: tracked, no tracking problem and
	-- nothing to rebuild (_store_rebuild_reason, as _prepare_histories asks it)
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false)
	   OR st.orders_relation IS DISTINCT FROM (SELECT b.relation FROM dormancy.bindings b WHERE b.source = 'orders') THEN
		RETURN false;
	END IF;
	-- orders written in this transaction: their marks come from statement
	-- triggers, which fire when the writing statement ends, so a write in
	-- the statement that calls fit_models() (a data-modifying WITH, or a
	-- call per row) has none yet.  The orders are read instead.
	IF dormancy._written_in_transaction(st.tracked_relations) THEN
		RETURN false;
	END IF;
	SELECT greatest(1000, c.reltuples / 10)::bigint INTO few
	  FROM pg_class c WHERE c.oid = 'dormancy.stored_histories'::regclass;
	IF (SELECT count(*) FROM (SELECT 1 FROM dormancy.changed_customers LIMIT few + 1) m) > few THEN
		RETURN false;
	END IF;
	RETURN dormancy._tracking_problem() IS NULL
	   AND dormancy._store_rebuild_reason(st, (SELECT string_agg(DISTINCT i.reason, '; ' ORDER BY i.reason)
												 FROM dormancy.store_invalidations i)) IS NULL;
END
$$;
COMMENT ON FUNCTION dormancy._stored_histories_usable() IS
	'internal: whether fit_models() may read dormancy.stored_histories, with the few customers marked since folded from the orders (the current role owns the store, no row security on the orders then or now, no orders written in this transaction, nothing to rebuild since the refresh that completed it); locks the store for the transaction';

-- _fit_summaries() over the stored histories, when they are usable
-- (_stored_histories_usable, 62_incremental.sql): the summaries without
-- folding every order again.  The customers marked since the refresh
-- (changed_customers, at most a tenth of the store) have their histories
-- folded from the orders first, through the orders' index on the customer
-- column (the ids as an array parameter, which the planner pushes below the
-- grouping), and their stored rows are left out: the same histories as
-- customer_histories gives from the orders.  The gate is then open for the
-- one statement that reads the store (src/history_store.c); opening it
-- turns parallel query off for the transaction, which this function's own
-- setting keeps from outliving the call.  At 1,000,000 demo customers the
-- summaries took 3.6-3.9 s against 6.4-6.6 s from the orders; later, each
-- customer's whole history read as its one stored row
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

-- Privileges (always last)
--
-- Before the first bind no view exists, and a DROP ... CASCADE on a bound
-- relation or column drops them: the work that reads them says which,
-- instead of failing on a missing relation deep in its queries.
CREATE FUNCTION dormancy._require_bound(work text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.to_regclass('dormancy.customer_status') IS NOT NULL THEN
		RETURN;
	ELSIF EXISTS (SELECT 1 FROM dormancy.bindings) THEN
		RAISE EXCEPTION 'the generated views are missing: cannot %', work
			USING ERRCODE = 'undefined_table',
				  DETAIL = 'Something is bound, but the views were dropped (DROP ... CASCADE on a bound relation or column drops them).',
				  HINT = 'Run SELECT dormancy.rebind() to create them again from dormancy.bindings.';
	END IF;
	RAISE EXCEPTION 'nothing is bound yet: cannot %', work
		USING ERRCODE = 'undefined_table',
			  DETAIL = 'The views the extension reads, dormancy.customer_status among them, are built by binding your tables.',
			  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
END
$$;
COMMENT ON FUNCTION dormancy._require_bound(text) IS
	'internal: raise undefined_table, naming the work, while the generated views do not exist (nothing bound yet, or dropped by a DROP ... CASCADE)';

-- A parent of the bound orders (they are a partition, or a child of
-- inheritance), NULL when none: a write through the parent fires the
-- parent's statement triggers only, so the bound relation's tracking would
-- not see it.
CREATE FUNCTION dormancy._orders_parent_problem(rel regclass)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT format('%s has a parent, %s, whose writes to it fire no trigger of its own', rel, i.inhparent::regclass)
			  FROM pg_catalog.pg_inherits i WHERE i.inhrelid = rel ORDER BY i.inhparent LIMIT 1);
COMMENT ON FUNCTION dormancy._orders_parent_problem(regclass) IS
	'internal: why bound orders that have a parent (a partition, a child of inheritance) cannot be tracked, NULL when they have none';

-- and a parent found later is a problem of the tracking
-- What could have let a write go unseen since tracking began (NULL: nothing).
-- Compares catalog facts only (run by the event triggers as the owner).
CREATE OR REPLACE FUNCTION dormancy._tracking_problem()
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[];
	m oid;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false) THEN
		RETURN NULL;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = st.orders_relation) THEN
		RETURN 'the orders relation no longer exists';
	END IF;
	members := dormancy._orders_members(st.orders_relation);
	IF members IS DISTINCT FROM st.tracked_relations THEN
		RETURN format('the partitions of %s changed (attached, detached, created or dropped)', st.orders_relation);
	END IF;
	IF dormancy._orders_parent_problem(st.orders_relation) IS NOT NULL THEN
		RETURN dormancy._orders_parent_problem(st.orders_relation);
	END IF;
	SELECT x INTO m FROM unnest(members) x
	 WHERE (SELECT count(*) FROM pg_trigger t
			 WHERE t.tgrelid = x AND t.tgfoid = 'dormancy._orders_changed()'::regprocedure AND t.tgenabled = 'A'
			   AND t.tgnargs = 0
			   AND t.tgname IN (SELECT d.trigger_name FROM dormancy._tracking_triggers() d))
		   <> (SELECT count(*) FROM dormancy._tracking_triggers())
	 LIMIT 1;
	IF FOUND THEN
		RETURN format('a change-tracking trigger of %s is missing, renamed or not enabled ALWAYS', m::regclass);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a
					WHERE a.attrelid = st.orders_relation AND a.attname = st.customer_column
					  AND a.atttypid = st.customer_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		RETURN format('the customer column "%s" of %s was renamed, dropped or changed type', st.customer_column, st.orders_relation);
	END IF;
	SELECT s.srrelid INTO m FROM pg_subscription_rel s WHERE s.srrelid = ANY (members) LIMIT 1;
	IF FOUND THEN
		RETURN format('%s receives rows by logical replication, whose apply fires no statement triggers', m::regclass);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._tracking_problem() IS
	'internal: whether the change tracking could have missed writes (partitions, triggers or the customer column changed)';

-- (a temporary table is refused with a clear message)
-- Reject relation kinds that cannot be read like a table.
CREATE OR REPLACE FUNCTION dormancy._check_relation(relation regclass)
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
	IF (SELECT c.relnamespace FROM pg_class c WHERE c.oid = relation) = 'dormancy'::regnamespace THEN
		RAISE EXCEPTION 'cannot bind dormancy''s own view %', relation
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- (the views over it would be temporary: they fail deep in the build)
	IF (SELECT c.relpersistence FROM pg_class c WHERE c.oid = relation) = 't' THEN
		RAISE EXCEPTION 'cannot bind the temporary table %', relation
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The views over a bound relation outlive the session; a temporary table does not.',
				  HINT = 'Bind a permanent table (a temporary table of the same name shadows it: qualify the name with its schema).';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._check_relation(regclass) IS
	'internal: check that a relation can be bound';

-- A text for a spreadsheet cell: Excel (and LibreOffice, Google Sheets) runs
-- a CSV cell that starts with =, +, -, @, a tab or a carriage return as a
-- formula (OWASP, "CSV injection"); customer names and ids come from forms
-- and CRM syncs that outsiders can write.  An apostrophe before such a text
-- makes the cell text; it shows in the cell.  The export commands of the
-- docs (docs/operations.md, Exporting the call list for Excel) use it.
CREATE FUNCTION dormancy.spreadsheet_text(value text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r')
				THEN '''' OPERATOR(pg_catalog.||) value ELSE value END
$$;
COMMENT ON FUNCTION dormancy.spreadsheet_text(text) IS
	'the text with an apostrophe before it when it starts with =, +, -, @, a tab or a carriage return, which a spreadsheet would run as a formula (for CSV exports of names and ids)';

-- The stored histories key their categories by a digest (a category over
-- about 2,700 bytes made every refresh fail: sql/incremental.sql)
DROP INDEX dormancy.stored_histories_key;
CREATE UNIQUE INDEX stored_histories_key ON dormancy.stored_histories
	(customer_key, (pg_catalog.md5(category))) NULLS NOT DISTINCT;

-- A stored key row too long for the keys' B-tree indexes (an entry takes at
-- most about 2,700 bytes): the condition on the id and key columns of the
-- relation named, and the reason the keys are then not used.  Such a name
-- (3 kB of characters that do not compress) is no company name, but it is
-- your row: the keys go stale (the view computes every key) rather than
-- fail your write or your bind.
CREATE FUNCTION dormancy._name_key_too_long(relation_alias text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN pg_catalog.format('pg_catalog.octet_length(%1$I.customer_key) + pg_catalog.octet_length(%1$I.name_key) > 2000',
							 relation_alias);
COMMENT ON FUNCTION dormancy._name_key_too_long(text) IS
	'internal: the condition under which a row of dormancy.customer_name_keys would be too long to index (id and key over 2,000 bytes)';
CREATE FUNCTION dormancy._name_key_too_long_reason(customer_key text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN pg_catalog.format('the name key of customer %s is over 2,000 bytes (too long to index)',
							 CASE WHEN pg_catalog.length(customer_key) > 40
								  THEN pg_catalog.left(customer_key, 40) OPERATOR(pg_catalog.||) '...' ELSE customer_key END);
COMMENT ON FUNCTION dormancy._name_key_too_long_reason(text) IS
	'internal: why dormancy.customer_name_keys is not used when a key is too long to index';

-- TRUNCATE of an editable table notes its defaults (defaults_after_truncate):
-- on every table with installed defaults that lacks the trigger (those whose
-- triggers the update made before _install_defaults made it too: rules)
DO $$
DECLARE
	t name;
BEGIN
	FOR t IN
		SELECT DISTINCT d.table_name FROM dormancy.installed_defaults d
		 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
							WHERE g.tgrelid = pg_catalog.format('dormancy.%I', d.table_name)::pg_catalog.regclass
							  AND g.tgname = 'defaults_after_truncate')
		 ORDER BY 1
	LOOP
		EXECUTE format('CREATE TRIGGER defaults_after_truncate AFTER TRUNCATE ON dormancy.%I '
					   'FOR EACH STATEMENT EXECUTE FUNCTION dormancy._defaults_after_truncate()', t);
	END LOOP;
END
$$;

-- The lengths of the rules and settings under 1,000 years (300,000 years
-- made every query of customer_status fail: sql/interval_bounds.sql)
ALTER TABLE dormancy.rules ADD CONSTRAINT rules_thresholds_bounded CHECK (long_dormant_after < interval '1000 years');
ALTER TABLE dormancy.decline_settings ADD CONSTRAINT decline_settings_lengths_bounded CHECK (window_length < interval '1000 years' AND season_length < interval '1000 years');
ALTER TABLE dormancy.source_settings ADD CONSTRAINT source_settings_lengths_bounded CHECK (contract_grace_period < interval '1000 years' AND downgrade_window < interval '1000 years'
	AND renewal_horizon < interval '1000 years' AND engagement_window < interval '1000 years' AND contact_stale_after < interval '1000 years');
ALTER TABLE dormancy.model_settings ADD CONSTRAINT model_settings_lengths_bounded CHECK (time_unit < interval '1000 years' AND horizon < interval '1000 years'
	AND lookahead < interval '1000 years' AND refit_every < interval '1000 years');

-- The row security of customer_name_keys when the customers are a Citus
-- table reads the keys through this function (an analyst read no live view
-- there until 2026-12-07).
CREATE OR REPLACE FUNCTION dormancy.visible_name_keys()
	RETURNS TABLE (customer_key text, name_key text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	forms text[] := dormancy.legal_forms_in_force();
BEGIN
	IF to_regclass('dormancy.src_customers') IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY
		SELECT c.customer_id::text, dormancy._name_key(c.name::text, c.company_id, forms)
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION dormancy.visible_name_keys() IS
	'the ids, as text, and name keys (NULL where the name gives none) of the rows of the bound customers the calling role may see: the rows of customer_name_keys it may read when the customers are a Citus table';
-- 2026-12-07: a table attached as a partition of the tracked orders gets
-- the change-tracking triggers at once, and its customers are marked
-- A table attached to a tracked relation (ALTER TABLE ... ATTACH
-- PARTITION), with its own partitions if it has any:
-- track them from now on, as a partition created there is, and mark the
-- customers of the orders it brings, so that the next refresh recomputes
-- them and stays incremental.  The triggers go on first (locking out
-- writers of the table till the end of the transaction; ATTACH holds it
-- already), then its rows are read under a snapshot taken after that: none
-- is missed.  When that cannot be done (a foreign table, a table replicated
-- in, no privilege, row security on it, a snapshot older than the attach:
-- REPEATABLE READ or SERIALIZABLE), nothing is added and the reason is
-- recorded: the next refresh tracks it itself and rebuilds in full.  It
-- reads the one column recorded when tracking began, of a built-in type,
-- so every cast and comparison it evaluates is PostgreSQL's own.
CREATE FUNCTION dormancy._track_attached_member(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	members oid[] := dormancy._orders_members(rel);
	m oid;
	why_not text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	why_not := dormancy._members_untrackable(members);
	IF why_not IS NULL AND current_setting('transaction_isolation') <> 'read committed' THEN
		why_not := format('it was attached in a %s transaction, whose snapshot can miss rows written to it before',
						  upper(current_setting('transaction_isolation')));
	END IF;
	IF why_not IS NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute a
										WHERE a.attrelid = rel AND a.attname = st.customer_column
										  AND a.atttypid = st.customer_type AND a.attnum > 0 AND NOT a.attisdropped) THEN
		why_not := format('its customer column "%s" is missing or of another type', st.customer_column);
	END IF;
	IF why_not IS NULL AND row_security_active(rel) THEN
		why_not := 'row security applies to it';
	END IF;
	IF why_not IS NULL THEN
		BEGIN
			FOREACH m IN ARRAY members LOOP
				PERFORM dormancy._add_tracking_triggers(m::regclass);
			END LOOP;
			-- COLLATE "C": as the triggers mark them (_orders_changed)
			EXECUTE format('INSERT INTO dormancy.changed_customers (customer_key) '
						   'SELECT DISTINCT (o.%1$I)::pg_catalog.text COLLATE pg_catalog."C" FROM %2$s o '
						   'WHERE o.%1$I IS NOT NULL', st.customer_column, rel);
		EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
			why_not := SQLERRM;
		END;
	END IF;
	IF why_not IS NOT NULL THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('the attached partition %s cannot be tracked: %s', rel, why_not));
		RETURN;
	END IF;
	PERFORM dormancy._record_tracked(members);
END
$$;
COMMENT ON FUNCTION dormancy._track_attached_member(regclass) IS
	'internal: add the change-tracking triggers to a table attached under the tracked orders (and its partitions), and mark the customers of its orders';

CREATE OR REPLACE FUNCTION dormancy._orders_ddl()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st dormancy.history_store_state;
	cmd record;
	touched boolean := false;
	altered oid[] := '{}';
	m oid;
	problem text;
BEGIN
	SELECT * INTO st FROM dormancy.history_store_state;
	IF NOT coalesce(st.tracked, false) THEN
		RETURN;
	END IF;
	FOR cmd IN SELECT DISTINCT c.classid, c.objid, c.command_tag FROM pg_event_trigger_ddl_commands() c LOOP
		IF cmd.classid = 'pg_class'::regclass AND cmd.objid = ANY (st.tracked_relations) THEN
			touched := true;
		ELSIF cmd.classid = 'pg_class'::regclass AND cmd.command_tag = 'CREATE TABLE'
			  AND EXISTS (SELECT 1 FROM pg_inherits i
						   WHERE i.inhrelid = cmd.objid AND i.inhparent = ANY (st.tracked_relations)) THEN
			PERFORM dormancy._track_new_member(cmd.objid::regclass);
			touched := true;
		ELSIF cmd.classid = 'pg_trigger'::regclass
			  AND EXISTS (SELECT 1 FROM pg_trigger t
						   WHERE t.oid = cmd.objid AND t.tgrelid = ANY (st.tracked_relations)) THEN
			touched := true;
		END IF;
		IF cmd.classid = 'pg_class'::regclass AND cmd.command_tag = 'ALTER TABLE' THEN
			altered := altered || cmd.objid;
		END IF;
	END LOOP;
	-- tables attached to a tracked relation by ALTER TABLE ... ATTACH
	-- PARTITION (the command names the parent): track them at once.  (Not a
	-- child added by INHERIT, which the command names: the ALTER TABLE ...
	-- ENABLE ALWAYS TRIGGER that tracking a table runs names it too, and
	-- would track it again from inside; the next refresh tracks it.)
	FOR m IN SELECT DISTINCT i.inhrelid FROM pg_inherits i
			  WHERE i.inhparent = ANY (st.tracked_relations) AND i.inhparent = ANY (altered)
				AND NOT i.inhrelid = ANY (st.tracked_relations)
			  ORDER BY i.inhrelid LOOP
		PERFORM dormancy._track_attached_member(m::regclass);
		touched := true;
	END LOOP;
	IF touched THEN
		problem := dormancy._tracking_problem();
		IF problem IS NOT NULL THEN
			INSERT INTO dormancy.store_invalidations (reason) VALUES (problem);
		END IF;
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- never fail the user's DDL: the next refresh checks and rebuilds
	RAISE WARNING 'dormancy could not check this command for its change tracking: %', SQLERRM
		USING HINT = 'The next dormancy.refresh() checks the tracking itself and rebuilds in full if it must.';
END
$$;
COMMENT ON FUNCTION dormancy._orders_ddl() IS
	'internal: event trigger (ddl_command_end) tracking new and attached partitions of the orders and seeing DDL that could hide writes';

-- A bound relation that was dropped (DROP TABLE ... CASCADE) leaves its
-- binding broken, not removed: rebind() removed it, and the next refresh
-- wrote every customer to never_purchased (sql/broken_binding.sql).  The
-- relation's name is kept (filled at the build below) for the repair hint;
-- the event trigger dormancy_bindings_drop records the drop (relation NULL:
-- no stale OID is kept, dumped and restored where it may name another
-- relation).  A relation of that name is never bound by its name.
ALTER TABLE dormancy.bindings ADD COLUMN relation_name text;
ALTER TABLE dormancy.bindings ALTER COLUMN relation DROP NOT NULL;
COMMENT ON COLUMN dormancy.bindings.relation IS 'the bound table, view, materialized view or foreign table; NULL once it was dropped (the binding is broken until the source is bound again)';
COMMENT ON COLUMN dormancy.bindings.relation_name IS 'the schema-qualified name of the bound relation when the views were last built or when it was dropped: the repair hint of a dropped one names it (a relation of that name is never bound by its name)';

-- Event trigger: a bound relation dropped (DROP TABLE, VIEW, MATERIALIZED
-- VIEW or FOREIGN TABLE, DROP SCHEMA ... CASCADE, DROP OWNED, by any role)
-- leaves its binding with no relation, the name it had kept for the repair
-- hint.  Without it the binding would keep the dropped relation's OID:
-- pg_dump writes it as a number, which in a restored cluster can name any
-- relation.  SECURITY DEFINER, because a drop by any role must be recorded:
-- it compares OIDs and runs one fixed UPDATE.  Never fails the user's DDL
-- (an error becomes a WARNING; the next build finds the OID gone and
-- records the drop itself).  Enabled ALWAYS.
CREATE FUNCTION dormancy._bound_relation_dropped()
	RETURNS event_trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM dormancy.bindings b, pg_event_trigger_dropped_objects() d
				WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND d.objid = b.relation::oid) THEN
		UPDATE dormancy.bindings b
		   SET relation = NULL, relation_name = format('%I.%I', d.schema_name, d.object_name)
		  FROM pg_event_trigger_dropped_objects() d
		 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND d.objid = b.relation::oid;
	END IF;
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'dormancy could not record the drop of a bound relation: %', SQLERRM
		USING HINT = 'The next bind or dormancy.rebind() finds the relation gone and reports the binding as broken.';
END
$$;
COMMENT ON FUNCTION dormancy._bound_relation_dropped() IS
	'internal: event trigger (sql_drop) recording that a bound relation was dropped: its binding keeps the name, no OID';

CREATE EVENT TRIGGER dormancy_bindings_drop ON sql_drop
	EXECUTE FUNCTION dormancy._bound_relation_dropped();
ALTER EVENT TRIGGER dormancy_bindings_drop ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER dormancy_bindings_drop IS
	'extension dormancy: records that a bound relation was dropped, so that its binding keeps no stale OID';

CREATE OR REPLACE FUNCTION dormancy._after_build_62_incremental()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ord record;
BEGIN
	-- (a bound relation that was dropped, its binding kept broken, is not
	-- tracked)
	SELECT b.relation, b.columns ->> 'customer' AS customer INTO ord
	  FROM dormancy.bindings b JOIN pg_class c ON c.oid = b.relation WHERE b.source = 'orders';
	PERFORM dormancy._track_orders(ord.relation, ord.customer, 'the orders were bound, rebound or the extension updated');
	TRUNCATE dormancy.stored_histories, dormancy.changed_customers, dormancy.store_invalidations;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_62_incremental() IS
	'internal: after a build, track changes of the bound orders table and make the next refresh a full one';

-- The settings the live views apply, each read through a small view that
-- also names a local table of the extension, so that Citus reads it on the
-- coordinator even for a query of one customer (sql_src/70_views.sql, the
-- settings of the views).  Members of the extension (they read no table of
-- yours), made before _update_generated_views() builds the views on them.
CREATE VIEW dormancy._as_of WITH (security_invoker = true) AS
SELECT dormancy.as_of_day() AS day
  FROM (SELECT) one LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._as_of IS
	'internal: the as-of day (as_of_day()), read beside a local table of the extension so that Citus reads it on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._as_of.day IS 'dormancy.as_of_day(): the calendar day of dormancy.as_of() in dormancy.time_zone';

CREATE VIEW dormancy._zone_in_force WITH (security_invoker = true) AS
SELECT dormancy._time_zone_in_force() AS zone
  FROM (SELECT) one LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._zone_in_force IS
	'internal: the zone days are counted in (_time_zone_in_force()), read beside a local table of the extension so that Citus reads it on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._zone_in_force.zone IS 'dormancy._time_zone_in_force(): the name of the zone (dormancy.time_zone, else the session''s TimeZone) as a JSON string';

CREATE VIEW dormancy._source_settings WITH (security_invoker = true) AS
SELECT s.*
  FROM dormancy.source_settings_in_force() s LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._source_settings IS
	'internal: the source settings in force (source_settings_in_force()), read beside a local table of the extension so that Citus reads them on the coordinator (sql_src/70_views.sql)';
SELECT dormancy._copy_column_comments('dormancy.source_settings', 'dormancy._source_settings');

CREATE VIEW dormancy._decline_settings WITH (security_invoker = true) AS
SELECT ds AS settings
  FROM dormancy.decline_settings_in_force() ds LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._decline_settings IS
	'internal: the decline settings in force (decline_settings_in_force()) as one value, read beside a local table of the extension so that Citus reads them on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._decline_settings.settings IS 'dormancy.decline_settings_in_force(): the row of dormancy.decline_settings, or the defaults when it is empty';
GRANT SELECT ON dormancy._as_of, dormancy._zone_in_force, dormancy._source_settings,
	dormancy._decline_settings
	TO dormancy_analyst;

-- Gamma-Gamma's x is the number of repeat purchase days of known amount,
-- the days monetary_value averages (btyd_summary's new monetary_days), not
-- the frequency: in the fits, the predictions and the validation
ALTER TYPE dormancy.btyd_summary ADD ATTRIBUTE monetary_days integer;
COMMENT ON TYPE dormancy.btyd_summary IS
	'frequency (repeat purchase days), recency and age (T) in units, mean amount of the repeat purchase days of known amount, and how many those are (Gamma-Gamma''s x)';
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, timestamptz, interval) IS
	'frequency, recency, age, monetary value and its days of known amount of a history at as_of, in units (lifetimes conventions, freq=D)';
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, date, interval) IS
	'frequency, recency, age, monetary value and its days of known amount of a history at the day as_of, in units (lifetimes conventions, freq=D)';
COMMENT ON FUNCTION dormancy.model_predictions(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, double precision) IS
	'p_alive, expected purchases and expected value (expected purchases times expected spend, the monetary value taken as the mean of frequency days) in the next horizon time units: a value that cannot be computed is NULL and problem says why, instead of an error';
-- The same with the repeat days of known amount that monetary_value
-- averages (btyd_summary's monetary_days) as Gamma-Gamma's x, as
-- customer_status computes it; NULL monetary_days: the frequency.  (An
-- overload, not a default: the seven-argument form was released in 0.3.0
-- and views depend on it.)
CREATE FUNCTION dormancy.model_predictions(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision, monetary_days integer,
	OUT p_alive double precision, OUT expected_purchases double precision,
	OUT expected_value double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_predictions'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.model_predictions(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, double precision, integer) IS
	'p_alive, expected purchases and expected value (expected purchases times expected spend, the monetary value the mean of monetary_days repeat days of known amount) in the next horizon time units, as customer_status computes them: a value that cannot be computed is NULL and problem says why, instead of an error';
COMMENT ON COLUMN dormancy.model_validations.predicted_spend IS 'mean over spend_customers of the Gamma-Gamma expected spend per purchase day given their mean spend over the calibration repeat days of known amount and how many those are';
COMMENT ON AGGREGATE dormancy._fit_state(dormancy.btyd_summary, double precision) IS
	'internal: the customers'' BTYD summaries (in days) as one fit state, recency and age in units of unit_days: the observations of bgnbd_fit(frequency, recency / unit_days, age / unit_days) and gammagamma_fit(monetary_days, monetary_value)';

-- Why these relations (the orders and their partitions) cannot carry the
-- statement triggers, NULL when they can: only tables and partitioned
-- tables, not Citus tables, not tables that logical replication writes.
CREATE OR REPLACE FUNCTION dormancy._members_untrackable(members oid[])
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	why_not text;
BEGIN
	SELECT format('%s is a %s', c.oid::regclass,
				  CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
								 ELSE 'relation of kind ' || c.relkind::text END)
	  INTO why_not
	  FROM unnest(members) x JOIN pg_class c ON c.oid = x
	 WHERE c.relkind NOT IN ('r', 'p')
	 ORDER BY c.oid LIMIT 1;
	why_not := coalesce(why_not, dormancy._citus_untrackable(members));
	IF why_not IS NULL THEN
		SELECT format('%s receives rows by logical replication, whose apply fires no statement triggers', s.srrelid::regclass)
		  INTO why_not
		  FROM pg_subscription_rel s WHERE s.srrelid = ANY (members) LIMIT 1;
	END IF;
	RETURN why_not;
END
$$;
COMMENT ON FUNCTION dormancy._members_untrackable(oid[]) IS
	'internal: why the orders relations given cannot carry the change-tracking triggers (NULL: they can)';

-- Add relations to the tracked ones, never waiting for a running refresh
-- (it holds the row): if one does, the next refresh sees them unrecorded
-- and rebuilds in full.
CREATE OR REPLACE FUNCTION dormancy._record_tracked(members oid[])
	RETURNS void
	LANGUAGE sql
	SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE dormancy.history_store_state s
	   SET tracked_relations = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(s.tracked_relations || members) x)
	 WHERE s.singleton
	   AND s.singleton IN (SELECT l.singleton FROM dormancy.history_store_state l FOR UPDATE SKIP LOCKED);
END;
COMMENT ON FUNCTION dormancy._record_tracked(oid[]) IS
	'internal: add relations to history_store_state.tracked_relations unless a refresh holds the row';

-- A partition created under a tracked relation: track it from the start.
CREATE OR REPLACE FUNCTION dormancy._track_new_member(rel regclass)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	BEGIN
		PERFORM dormancy._add_tracking_triggers(rel);
	EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR wrong_object_type OR object_not_in_prerequisite_state THEN
		INSERT INTO dormancy.store_invalidations (reason)
		VALUES (format('the new partition %s cannot be tracked: %s', rel, SQLERRM));
		RETURN;
	END;
	PERFORM dormancy._record_tracked(ARRAY[rel::oid]);
END
$$;
COMMENT ON FUNCTION dormancy._track_new_member(regclass) IS
	'internal: add the change-tracking triggers to a partition created under the tracked orders';

-- The key the duplicate-name check compares, written here only: the name
-- key after the company id and a colon (when a company column is bound: a
-- name key never holds a colon, so the pair is told apart), NULL when the
-- name gives no key (NULL, blank, nothing but punctuation).  What
-- dormancy.customer_name_keys stores (the triggers and every fill), what
-- customer_status, duplicate_customers, the row security of the stored keys
-- and visible_name_keys() compute.  IMMUTABLE with the forms an argument,
-- like normalize_company_name.  Inlined into the query that calls it, so
-- that the planner sees the expression (no call per row): no SET
-- search_path (which stops inlining) and not STRICT; its body is
-- SQL-standard (RETURN), so its names are resolved once, when the extension
-- script creates it (functions and operators qualified), and nothing is
-- looked up when it runs.
-- A company id as the views take it: a blank one (an empty cell of a CSV
-- import, white space, a full-width space) is none, so that customers
-- without a company id are never one company of their own (a review of
-- 2026-12-08).  Inlined, like _name_key below (no SET, not STRICT, a
-- SQL-standard body): src_customers and the stored name keys both call it.
CREATE FUNCTION dormancy._company_id(company_id text)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN pg_catalog.btrim(company_id, U&' \0009') OPERATOR(pg_catalog.<>) '' THEN company_id END;
-- the full-width space too, where the database encoding holds it (not LATIN1)
DO $$
BEGIN
	CREATE OR REPLACE FUNCTION dormancy._company_id(company_id text)
		RETURNS text
		LANGUAGE sql IMMUTABLE PARALLEL SAFE
		RETURN CASE WHEN pg_catalog.btrim(company_id, U&' \0009\3000') OPERATOR(pg_catalog.<>) '' THEN company_id END;
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	NULL;
END
$$;
COMMENT ON FUNCTION dormancy._company_id(text) IS
	'internal: a company id as the views take it: NULL when it is blank (empty, or spaces, tabs and full-width spaces only)';

CREATE OR REPLACE FUNCTION dormancy._name_key(name text, company_id text, legal_forms text[])
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN COALESCE(dormancy._company_id(company_id) OPERATOR(pg_catalog.||) ':', '')
		   OPERATOR(pg_catalog.||) NULLIF(dormancy.normalize_company_name(name, legal_forms), '');
COMMENT ON FUNCTION dormancy._name_key(text, text, text[]) IS
	'internal: the key the duplicate_name data gap compares and customer_name_keys stores: the name key with the forms given, after the company id and a colon when one is given (NULL: the name gives no key)';

-- Which x a Gamma-Gamma fit took (models.gammagamma_x): the fits kept by
-- this update took the frequency, the column's default, which a row of a
-- 0.3.0 dump restored where 0.4.0 is installed gets too; fit_models() and
-- validate_models() (final text above) write monetary_days.
-- customer_status, forecast_intervals and data_issues (_model_for,
-- _create_views above; src/rules_sql.c) apply a fit with the x it took,
-- and the next refresh refits the frequency ones whatever
-- model_settings.refit_every says (_refresh_work above), saying why in
-- refresh_runs.models_refit_reason.
ALTER TABLE dormancy.models ADD COLUMN gammagamma_x text NOT NULL DEFAULT 'frequency',
	ADD CONSTRAINT models_gammagamma_x CHECK (gammagamma_x IN ('frequency', 'monetary_days'));
COMMENT ON COLUMN dormancy.models.gammagamma_x IS 'the x the Gamma-Gamma fit took: monetary_days (the repeat days of known amount, written by fit_models() since 0.4.0) or frequency (the default: a fit made before 0.4.0, kept by the update or restored from a dump); customer_status applies the fit with its own x, and the next refresh refits a frequency one';
ALTER TABLE dormancy.model_validations ADD COLUMN gammagamma_x text NOT NULL DEFAULT 'frequency',
	ADD CONSTRAINT model_validations_gammagamma_x CHECK (gammagamma_x IN ('frequency', 'monetary_days'));
COMMENT ON COLUMN dormancy.model_validations.gammagamma_x IS 'the x the Gamma-Gamma fit and predicted_spend took: monetary_days (the calibration repeat days of known amount, since 0.4.0) or frequency (a validation made before 0.4.0)';
ALTER TABLE dormancy.refresh_runs ADD COLUMN models_refit_reason text;
COMMENT ON COLUMN dormancy.refresh_runs.models_refit_reason IS
	'why the run refitted the models (models_refit): model_settings.refit_every had passed since the fit, or a Gamma-Gamma fit made before 0.4.0 took the frequency as x (models.gammagamma_x), refitted whatever refit_every says';
COMMENT ON COLUMN dormancy.refresh_runs.models_refit IS 'whether this run refitted the models (dormancy.model_settings.refit_every, or fits made before 0.4.0: models_refit_reason)';

-- clv() with the repeat days of known amount as Gamma-Gamma's x
-- (monetary_days, as model_predictions; NULL: the frequency).  An overload
-- without defaults: the nine-argument form was released in 0.3.0, so views
-- may depend on it, and a form with period and monetary_days both
-- defaulted would make every call of eight or nine arguments ambiguous.
CREATE FUNCTION dormancy.clv(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon integer, discount_rate double precision,
	period double precision, monetary_days integer)
	RETURNS double precision AS 'MODULE_PATHNAME', 'dormancy_clv'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.clv(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, integer, double precision, double precision, integer) IS
	'customer lifetime value, as the nine-argument form, with the expected spend of monetary_days repeat days of known amount (Gamma-Gamma''s x, 0 to the frequency: customer_status.monetary_days; NULL: the frequency) of mean monetary_value';

-- Japanese legal forms beyond the companies' (medical, school, welfare,
-- non-profit, public-interest and administrative corporations and their
-- bracketed abbreviations), the forms of bank transfers in kana, and the
-- honorifics of an address line: installed defaults like the others (a
-- review of DOMAIN D9 found (gaku) Yamada Gakuen and gakko hojin Yamada
-- Gakuen to be two names; 2026-12-07).  Rows of yours with the same form,
-- and defaults you deleted, are left as they are.
ALTER TABLE dormancy.legal_forms DISABLE TRIGGER defaults_before_write;
DO $$
BEGIN
	INSERT INTO dormancy.legal_forms (form, note, installed)
	SELECT x.form, x.note, true
	  FROM (VALUES
			(U&'\533B\7642\6CD5\4EBA', 'iryo hojin: medical corporation'),
			(U&'\533B\7642\6CD5\4EBA\793E\56E3', 'iryo hojin shadan: medical corporation (association)'),
			(U&'\533B\7642\6CD5\4EBA\8CA1\56E3', 'iryo hojin zaidan: medical corporation (foundation)'),
			(U&'(\533B)', 'iryo hojin, abbreviated'),
			(U&'\5B66\6821\6CD5\4EBA', 'gakko hojin: school corporation'),
			(U&'(\5B66)', 'gakko hojin, abbreviated'),
			(U&'\793E\4F1A\798F\7949\6CD5\4EBA', 'shakai fukushi hojin: social welfare corporation'),
			(U&'(\798F)', 'shakai fukushi hojin, abbreviated'),
			(U&'\7279\5B9A\975E\55B6\5229\6D3B\52D5\6CD5\4EBA', 'tokutei hieiri katsudo hojin: non-profit corporation'),
			(U&'NPO\6CD5\4EBA', 'NPO hojin: non-profit corporation'),
			(U&'(\7279\975E)', 'tokutei hieiri katsudo hojin, abbreviated'),
			(U&'\516C\76CA\793E\56E3\6CD5\4EBA', 'koeki shadan hojin: public interest incorporated association'),
			(U&'(\516C\793E)', 'koeki shadan hojin, abbreviated'),
			(U&'\516C\76CA\8CA1\56E3\6CD5\4EBA', 'koeki zaidan hojin: public interest incorporated foundation'),
			(U&'(\516C\8CA1)', 'koeki zaidan hojin, abbreviated'),
			(U&'\72EC\7ACB\884C\653F\6CD5\4EBA', 'dokuritsu gyosei hojin: incorporated administrative agency'),
			(U&'(\72EC)', 'dokuritsu gyosei hojin, abbreviated'),
			(U&'\30AB\30D6\30B7\30AD\30AC\30A4\30B7\30E3', 'kabushiki gaisha in kana (bank transfers, in half-width kana: NFKC)'),
			(U&'\30E6\30A6\30B2\30F3\30AC\30A4\30B7\30E3', 'yugen gaisha in kana'),
			(U&'\30B4\30A6\30C9\30A6\30AC\30A4\30B7\30E3', 'godo gaisha in kana'),
			(U&'\30AB)', 'kabushiki kaisha as a bank transfer abbreviates it before the name'),
			(U&'(\30AB', 'kabushiki kaisha as a bank transfer abbreviates it after the name'),
			(U&'\30E6)', 'yugen kaisha, bank transfer, before the name'),
			(U&'(\30E6', 'yugen kaisha, bank transfer, after the name'),
			(U&'\30C9)', 'godo kaisha, bank transfer, before the name'),
			(U&'(\30C9', 'godo kaisha, bank transfer, after the name'),
			(U&'\5FA1\4E2D', 'onchu: honorific of an address line, not a form'),
			(U&'\69D8', 'sama: honorific, not a form (a whole word only)'),
			(U&'\6BBF', 'dono: honorific, not a form (a whole word only)')) x(form, note)
	 WHERE NOT EXISTS (SELECT 1 FROM dormancy.legal_forms f WHERE lower(btrim(f.form)) = lower(btrim(x.form)))
	   AND NOT EXISTS (SELECT 1 FROM dormancy.removed_defaults r
					    WHERE r.table_name = 'legal_forms' AND r.key = dormancy._default_key(x.form));
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the new Japanese defaults of dormancy.legal_forms: left out';
END
$$;
ALTER TABLE dormancy.legal_forms ENABLE TRIGGER defaults_before_write;
-- and the reference reset_defaults() restores
INSERT INTO dormancy.installed_defaults (table_name, key, key_columns, row_data)
SELECT 'legal_forms', dormancy._default_row_key(to_jsonb(t), ARRAY['form']::name[]), ARRAY['form']::name[], to_jsonb(t)
  FROM dormancy.legal_forms t
 WHERE t.installed
ON CONFLICT DO NOTHING;

-- The opt-out rule and the call list's minimum score written once
-- (2026-12-07): customer_outreach and campaign_list had each their copy of
-- the rule and of the outcomes that lift an opt-out, call_list and
-- snapshot_call_list of the condition on the score.  The views take them
-- when _update_generated_views() rebuilds them at the end (_create_views
-- and _snapshot_view_definitions, final text above).
--
-- The opt-out rule (docs/outreach.md, Opt-outs), written here only:
-- customer_outreach (its opted_out_on) and campaign_list (the members it
-- leaves out) apply it (_opt_out_in_force) to each customer's latest opt-out,
-- its opt-outs without a time and its latest outcome of interest on or
-- before the as-of day.
--
-- The outcomes of the customer's own interest, which lift an earlier
-- opt-out.  IMMUTABLE without arguments: the planner folds the call into
-- the constant array when it plans the view (no call per row), so its
-- search_path stays pinned.
CREATE FUNCTION dormancy._interest_outcomes()
	RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN '{interested,meeting,quote,order}'::text[];
COMMENT ON FUNCTION dormancy._interest_outcomes() IS
	'internal: the outcomes of the customer''s own interest (interested, meeting, quote, order), which lift an earlier opt-out (customer_outreach.opted_out_on, campaign_list)';

-- Whether an opt-out is in force, from the customer's contacts on or
-- before the as-of day: the instant of its latest opt-out with a (finite)
-- time, whether it has an opt-out without a usable time (NULL in a bound
-- table, infinity, -infinity), and the instant of its latest outcome of
-- interest with a time (NULL: none).  In force when an opt-out has no
-- usable time (its time unknown, no conversation can be known to come
-- after it: nothing lifts it), or when no outcome of interest came
-- strictly later than the latest dated one (one of the same instant does
-- not lift it); false otherwise, never NULL.  campaign_list leaves out the
-- members for whom it is true, and customer_outreach.opted_out_on is not
-- NULL exactly when it is: one expression of the rule for both (until a
-- review of 2026-12-07 each view wrote the opt-out without a time its own
-- way, campaign_list as an opt-out at infinity).  Inlined into the views
-- that call it, so that the planner sees the expression (no call per
-- group) and estimates campaign_list's condition as an unknown boolean
-- (half the members: the condition before it, the latest opt-out alone,
-- was estimated at a third; most members have none): no SET search_path
-- (which stops inlining), not STRICT (no opt-out is false); its body is
-- SQL-standard (RETURN), so its names are resolved once, when the
-- extension script creates it (the operator qualified), and nothing is
-- looked up when it runs.
CREATE FUNCTION dormancy._opt_out_in_force(last_opt_out_at timestamptz, undated_opt_out boolean,
										   last_interest_at timestamptz)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN coalesce(undated_opt_out
					OR (last_opt_out_at IS NOT NULL
						AND NOT coalesce(last_interest_at OPERATOR(pg_catalog.>) last_opt_out_at, false)),
					false);
COMMENT ON FUNCTION dormancy._opt_out_in_force(timestamptz, boolean, timestamptz) IS
	'internal: whether an opt-out is in force, from the instant of the latest dated opt-out, whether an opt-out has no (finite) time, and the instant of the latest outcome of interest (_interest_outcomes): true for an opt-out without a time (nothing lifts it) or when no interest came strictly later than the dated one, else false (customer_outreach.opted_out_on, campaign_list)';

-- Whether a contact (its channel and outcome as src_outreach maps them, and
-- the wording of the outcome as given) is a message the customer did not
-- answer: one that arrived (delivered: a mailing, a newsletter, opened or
-- not) by any channel, and a mailing (direct_mail, step_mail) with no
-- outcome, not reached or reached.  It holds nobody back and is no
-- conversation (docs/outreach.md, Recent contacts).  An answer (interest, a
-- decline) is none; an outcome nobody mapped is none either (it holds, as
-- a channel nobody mapped does).  Never NULL.  Inlined into the views that
-- call it (customer_outreach, and campaign_outcomes through
-- _conversation), so that the planner sees the expression (no call per
-- row): no SET search_path (which stops inlining), not STRICT; its body is
-- SQL-standard (RETURN), so its names are resolved once, when the extension
-- script creates it (functions and operators qualified), and nothing is
-- looked up when it runs.
CREATE FUNCTION dormancy._unanswered(channel text, outcome text, source_outcome text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN COALESCE(outcome OPERATOR(pg_catalog.=) 'delivered' OR
					(channel OPERATOR(pg_catalog.=) ANY ('{direct_mail,step_mail}'::pg_catalog.text[]) AND
					 (outcome OPERATOR(pg_catalog.=) ANY ('{not_reached,reached}'::pg_catalog.text[]) OR
					  (outcome IS NULL AND
					   COALESCE(dormancy.label_key(source_outcome), '') OPERATOR(pg_catalog.=) ''))),
					false);
COMMENT ON FUNCTION dormancy._unanswered(text, text, text) IS
	'internal: whether a contact (mapped channel and outcome, the outcome''s wording) is a message the customer did not answer: outcome delivered by any channel, or a direct or step mailing with no outcome, not_reached or reached; it holds nobody back and is no conversation (customer_outreach.recontact_on, conversations)';

-- Whether a contact is a conversation (the same arguments): an outcome other
-- than not_reached, not a message the customer did not answer
-- (_unanswered).  The one rule of customer_outreach.conversations and its
-- latest conversation (the evidence of the likely reason) and of
-- campaign_outcomes.reached.  Never NULL.  Inlined as _unanswered is.
CREATE FUNCTION dormancy._conversation(channel text, outcome text, source_outcome text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN outcome IS NOT NULL AND outcome OPERATOR(pg_catalog.<>) 'not_reached'
		   AND NOT dormancy._unanswered(channel, outcome, source_outcome);
COMMENT ON FUNCTION dormancy._conversation(text, text, text) IS
	'internal: whether a contact (mapped channel and outcome, the outcome''s wording) is a conversation: an outcome other than not_reached, not a message the customer did not answer (_unanswered); customer_outreach.conversations and last_outcome, campaign_outcomes.reached';

-- The score a customer needs to be on call_list and snapshot_call_list
-- (written here only; both pass the call-list settings in force,
-- score_weights.call_list_tiers and call_list_min_score): the minimum score
-- for the value tiers shown (every customer while no distribution is
-- stored: no tier); infinity for another tier, for a customer who asked not
-- to be contacted (opted_out_on) and for one held back after a recent
-- contact (recontact_on; the views pass the later of recontact_on and
-- reapproach_on, the hold until next fiscal year's budget).  Folded into one condition on the score, which
-- the planner estimates as it did the minimum score alone: a separate
-- opted_out_on IS NULL was taken to keep one customer in 200 (the outreach
-- is grouped, with no statistics).  Inlined into the views, so that the
-- planner sees that condition (and the settings' sub-selects, once per
-- query): no SET search_path (which stops inlining), not STRICT; its body
-- is SQL-standard (RETURN), so its names are resolved once, when the
-- extension script creates it (operators qualified), and nothing is looked
-- up when it runs.
CREATE FUNCTION dormancy._call_list_min_score(value_tier text, opted_out_on date, recontact_on date,
											  tiers text[], min_score double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN opted_out_on IS NOT NULL OR recontact_on IS NOT NULL
				THEN 'infinity'::pg_catalog.float8
				WHEN COALESCE(value_tier OPERATOR(pg_catalog.=) ANY (tiers), true)
				THEN min_score
				ELSE 'infinity'::pg_catalog.float8 END;
COMMENT ON FUNCTION dormancy._call_list_min_score(text, date, date, text[], double precision) IS
	'internal: the score a customer needs to be on call_list and snapshot_call_list, with the call-list tiers and minimum score given: that minimum for the tiers shown (or no tier), infinity for another tier, an opt-out (opted_out_on) or a recent contact''s hold (recontact_on)';

-- A decline heard on a call moves the priority score as the same fact as a
-- lost deal does (DOMAIN D7, D11; 2026-12-07): the latest conversation, when
-- it was a decline with a reason after the last order, is the deal
-- component's input when later than the last deal.  _assess gives it in two
-- more columns, which customer_status passes to _priority_breakdown (both
-- with their new text above; _create_views() too); the basis form and the
-- templates of its clause are with the others above (_score_basis_forms(),
-- labels deal_outreach_declined).  The weights' comments:
COMMENT ON COLUMN dormancy.score_weights.deal IS 'weight of the last deal, or of a later decline heard on a call (counts when deals are bound; without them, for a customer with such a decline only, outside the other weights'' total); default 10';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_budget_timing IS 'value of a last deal lost on budget or timing, and of a decline for either heard on a call; default 0.6';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_price IS 'value of a last deal lost on price, and of a decline on price heard on a call; default -0.5';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_competitor IS 'value of a last deal lost to a competitor, and of a decline for a competitor heard on a call; default -1';
COMMENT ON COLUMN dormancy.score_weights.deal_lost_other IS 'value of a last deal lost for another or no reason, and of a decline for another reason heard on a call; default -0.3';
COMMENT ON COLUMN dormancy.score_weights.deal_horizon_days IS 'a deal''s (or a decline''s) value fades linearly to 0 at this age in days; default 1095';

-- The same with a decline heard on a call (the latest conversation of the
-- outreach when it was a decline with a reason after the last order; NULL
-- for none), which the deal component reads when it is later than the last
-- deal: what customer_status passes (docs/priority.md, A decline heard on a
-- call).  Not strict in the decline: a NULL reason or age is none, and each
-- is checked whatever the other is.  No percentiles: customer_status's
-- score only while no value distribution is stored.
CREATE FUNCTION dormancy.score_priority(inputs dormancy.priority_inputs, weights dormancy.score_weights,
										outreach_declined_reason text, days_since_outreach_decline integer)
	RETURNS dormancy.priority_result
	AS 'MODULE_PATHNAME', 'score_priority'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.score_priority(dormancy.priority_inputs, dormancy.score_weights, text, integer) IS
	'priority score of one customer with a decline heard on a call (its reason, a code of deal_reasons: price, features, competitor, timing, budget, circumstances or other, and its age in days, 0 or more; a NULL in either: no decline; another reason or a negative age is an error, whatever the other argument), which the deal component reads when it is later than the last deal; 0 to 100, with the breakdown.  The same as customer_status''s for the inputs and the decline it passes while no value distribution is stored: the function takes no percentiles (past_value and expected_value on the log scale up to value_cap)';

-- a domain over a domain is followed to its base type (2026-12-08)
CREATE OR REPLACE FUNCTION dormancy._untrackable_type(t regtype)
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN y.oid IS NULL THEN 'the customer column does not exist'
				WHEN y.oid < 16384 THEN NULL
				WHEN (dormancy._base_type(y.oid)).base::oid < 16384 THEN NULL
				ELSE format('the customer column has type %s, which is not built into PostgreSQL', y.oid::regtype)
		   END
	  FROM (SELECT t::oid AS want) w LEFT JOIN pg_type y ON y.oid = w.want
$$;

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
-- refresh's own transaction), whether the stored name keys are up to date,
-- the key they compare (_name_key, also in the policy of the stored keys),
-- raising a broken binding's error, the amounts of a bound numeric column,
-- the configuration (_configuration(): the rules, models and the other
-- tables the evaluation reads, with the analyst's own SELECT on them), the
-- model of a customer and its predictions, the score's breakdown, and the
-- one evaluation per customer of customer_core and customer_status
-- (_rule_for, _customer_facts, _assess, _data_gaps, over that configuration),
-- and the views between the adapters and tables with row security
-- (_row_security_bypassed, for source_issues), what tells the planner
-- that a settings relation has one row (_single_row), and the rules that
-- the views inline or fold (the opt-out rule and the outcomes that lift it,
-- what is a conversation and an unanswered message, the call list's minimum
-- score: the planner checks EXECUTE on them too),
-- and the day a customer put off to next fiscal year's budget is due
-- (_reapproach_on, customer_status)
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._name_keys_usable(), dormancy._name_key(text, text, text[]), dormancy._company_id(text), dormancy._time_zone_in_force(),
	dormancy._local_time(timestamptz, jsonb), dormancy._local_time(timestamp, jsonb), dormancy._local_time(date, jsonb),
	dormancy._usable_instant(timestamptz, jsonb),
	dormancy._broken_binding(text, text, text, text), dormancy._numeric_amount(numeric),
	dormancy._configuration(),
	dormancy._rule_for(text, text, dormancy.configuration),
	dormancy._model_for(text, text, dormancy.configuration),
	dormancy._model_outlook(text, text, integer, double precision, double precision, double precision,
		integer, double precision, double precision, dormancy.configuration),
	dormancy._score_basis_forms(),
	dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights),
	dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights, double precision[], text, integer),
	dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
		interval, double precision, double precision, double precision, double precision, double precision,
		double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean,
		dormancy.configuration),
	dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
		bigint, integer, double precision, double precision, double precision, double precision, text, text[],
		boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
		double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
		text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
		boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text, date,
		dormancy.configuration),
	dormancy._data_gaps(integer, text, boolean),
	dormancy._row_security_bypassed(regclass, regclass),
	dormancy._single_row(anyelement),
	dormancy._interest_outcomes(), dormancy._opt_out_in_force(timestamptz, boolean, timestamptz),
	dormancy._unanswered(text, text, text), dormancy._conversation(text, text, text),
	dormancy._call_list_min_score(text, date, date, text[], double precision),
	dormancy._reapproach_on(date, date, smallint, interval)
	TO dormancy_analyst;
-- ... and the call list's minimum score to the readers of the snapshot too
-- (snapshot_call_list)
GRANT EXECUTE ON FUNCTION dormancy._call_list_min_score(text, date, date, text[], double precision) TO dormancy_reader;
-- and the return curves that suggest_rules() and return_curve() read from
-- the live views with the analyst's own privileges
GRANT EXECUTE ON FUNCTION dormancy._gap_survival() TO dormancy_analyst;
GRANT EXECUTE ON FUNCTION dormancy._survival_floor(bigint) TO dormancy_analyst;
-- and which bound tables lack an index on their customer column
-- (customer_column_indexes: a catalog read through a SECURITY DEFINER
-- function, no grant on dormancy.bindings)
GRANT EXECUTE ON FUNCTION dormancy._customer_column_indexes() TO dormancy_analyst;

-- and the state changes, which campaign_transitions ties to the campaigns
-- (issue 15, campaign effect)
GRANT SELECT ON dormancy.status_history TO dormancy_analyst;
-- ... only of the customers they may see (a policy of the extension's; the
-- BI role reads every row; policies of your own are kept and add up).  The
-- analysts' policy and the eight of the log and the members are made by
-- _customer_key_policies, which defines them and their comments: here as
-- installed, after a bind (the update's rebuild below) by the index of the
-- customers' id
ALTER TABLE dormancy.status_history ENABLE ROW LEVEL SECURITY;
SELECT dormancy._customer_key_policies(false);
CREATE POLICY readers_see_all ON dormancy.status_history FOR SELECT TO dormancy_reader
	USING (true);
CREATE POLICY writers_see_all ON dormancy.status_history
	USING ((SELECT pg_catalog.has_table_privilege('dormancy.status_history', 'INSERT, UPDATE, DELETE')))
	WITH CHECK ((SELECT pg_catalog.has_table_privilege('dormancy.status_history', 'INSERT, UPDATE, DELETE')));
COMMENT ON POLICY readers_see_all ON dormancy.status_history IS
	'a member of dormancy_reader (BI tools) reads every change';
COMMENT ON POLICY writers_see_all ON dormancy.status_history IS
	'a role that may write the history (the owner, a role granted INSERT, UPDATE or DELETE to refresh) reads and writes every row';
-- a role you granted SELECT on the history itself (not through
-- dormancy_reader or dormancy_analyst, not a writer of it) now reads none of
-- its rows unless a policy of yours lets it: named here
DO $$
DECLARE
	roles text;
BEGIN
	-- (SELECT on the table or on some of its columns; a policy TO a role
	-- applies to the roles that inherit its privileges: USAGE)
	SELECT pg_catalog.string_agg(g.name, ', ' ORDER BY g.name)
	  INTO roles
	  FROM (SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::pg_catalog.regrole::pg_catalog.text END AS name
			  FROM pg_catalog.pg_class c,
				   LATERAL (SELECT x.grantee, x.privilege_type FROM pg_catalog.aclexplode(c.relacl) x
							UNION ALL
							SELECT x.grantee, x.privilege_type
							  FROM pg_catalog.pg_attribute t, pg_catalog.aclexplode(t.attacl) x
							 WHERE t.attrelid = c.oid AND t.attnum > 0 AND NOT t.attisdropped) a
			 WHERE c.oid = 'dormancy.status_history'::pg_catalog.regclass AND a.privilege_type = 'SELECT'
			   AND a.grantee <> c.relowner
			   AND (a.grantee = 0
					OR NOT (pg_catalog.pg_has_role(a.grantee, 'dormancy_reader', 'USAGE')
							OR pg_catalog.pg_has_role(a.grantee, 'dormancy_analyst', 'USAGE')
							OR pg_catalog.pg_has_role(a.grantee, c.relowner, 'USAGE')
							OR pg_catalog.has_table_privilege(a.grantee, c.oid, 'INSERT, UPDATE, DELETE')
							OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
										WHERE r.oid = a.grantee AND (r.rolsuper OR r.rolbypassrls))))) g;
	IF roles IS NOT NULL THEN
		RAISE WARNING 'dormancy.status_history has row security now: roles granted SELECT on it read none of its rows: %', roles
			USING DETAIL = 'Since 0.4.0 members of dormancy_reader read every row of the state history, members of dormancy_analyst the rows of the customers they may see, roles that may write it every row; other roles only what a policy of yours lets them.',
				  HINT = 'GRANT dormancy_reader TO the role, or create a policy: CREATE POLICY ... ON dormancy.status_history FOR SELECT TO the role USING (...) (docs/operations.md, Row-level security).';
	END IF;
END
$$;

-- and the outreach and the campaigns (issue 15)
GRANT SELECT ON dormancy.outreach_settings, dormancy.outreach_channels, dormancy.outreach_themes,
	dormancy.outreach_outcomes, dormancy.outreach_log, dormancy.campaigns, dormancy.campaign_members
	TO dormancy_analyst;

SELECT dormancy._update_generated_views();
