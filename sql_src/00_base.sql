-- dormancy--@EXTVERSION@.sql: built from the files in sql_src/; edit those, not this file

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION dormancy" to load this file. \quit

COMMENT ON SCHEMA dormancy IS 'dormant customer detection (extension dormancy)';

-- Planner support that answers no request (the plans are those without it):
-- its call while a query is costed loads the library, whose executor hook
-- then runs the query without JIT (src/jit_guard.c).  Attached to the
-- functions the views call: as_of_day(), _local_time(), the histories'
-- transition functions, label_key(), label() and labels().
CREATE FUNCTION dormancy._plan_support(internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'dormancy_plan_support'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._plan_support(internal) IS
	'internal: planner support that answers nothing; planning a query that calls its function loads the library (and its JIT guard, dormancy.jit)';

--
-- Settings: the as-of instant and the calendar day it falls on
--

-- STABLE, not IMMUTABLE: they read the dormancy.as_of and dormancy.time_zone settings
CREATE FUNCTION dormancy.as_of() RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'dormancy_as_of'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.as_of() IS
	'the instant that counts as now: dormancy.as_of when set, else the transaction start';

CREATE FUNCTION dormancy.as_of_day() RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_as_of_day'
	LANGUAGE C STABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy.as_of_day() IS
	'the calendar day of dormancy.as_of() in dormancy.time_zone';

CREATE FUNCTION dormancy.local_day(timestamptz) RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_local_day'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.local_day(timestamptz) IS
	'the calendar day of an instant in dormancy.time_zone';

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
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy._local_time(timestamptz, jsonb) IS
	'internal: the wall-clock time of an instant in the named zone (infinite instants stay infinite; one whose wall-clock time is beyond the timestamp range is the infinity of its side)';
-- for a bound date or timestamp column the zone changes nothing
CREATE FUNCTION dormancy._local_time(timestamp, zone jsonb) RETURNS timestamp
	AS 'MODULE_PATHNAME', 'dormancy_local_time_unchanged'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy._local_time(timestamp, jsonb) IS
	'internal: a timestamp is already wall-clock time';
CREATE FUNCTION dormancy._local_time(date, zone jsonb) RETURNS date
	AS 'MODULE_PATHNAME', 'dormancy_local_time_unchanged'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;
COMMENT ON FUNCTION dormancy._local_time(date, jsonb) IS
	'internal: a date is already a day';
-- an instant whose wall-clock time in the zone is beyond the timestamp
-- range is no usable time (a contact so dated is one without a time)
CREATE FUNCTION dormancy._usable_instant(timestamptz, zone jsonb) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'dormancy_usable_instant'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._usable_instant(timestamptz, jsonb) IS
	'internal: the instant, or NULL when its wall-clock time in the named zone is beyond the timestamp range (an infinite instant stays infinite)';

--
-- Type purchase_history
--

CREATE TYPE dormancy.purchase_history;

CREATE FUNCTION dormancy.purchase_history_in(cstring) RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_out(dormancy.purchase_history) RETURNS cstring
	AS 'MODULE_PATHNAME', 'purchase_history_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_recv(internal) RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_send(dormancy.purchase_history) RETURNS bytea
	AS 'MODULE_PATHNAME', 'purchase_history_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE dormancy.purchase_history (
	INPUT = dormancy.purchase_history_in,
	OUTPUT = dormancy.purchase_history_out,
	RECEIVE = dormancy.purchase_history_recv,
	SEND = dormancy.purchase_history_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE dormancy.purchase_history IS
	'one customer''s orders folded into distinct order days (orders, refunds, net amount, largest order)';
COMMENT ON FUNCTION dormancy.purchase_history_in(cstring) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_out(dormancy.purchase_history) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_recv(internal) IS 'I/O';
COMMENT ON FUNCTION dormancy.purchase_history_send(dormancy.purchase_history) IS 'I/O';

-- Not strict: NULL is a customer without orders, so the other side is the answer.
CREATE FUNCTION dormancy.purchase_history_merge(dormancy.purchase_history, dormancy.purchase_history)
	RETURNS dormancy.purchase_history
	AS 'MODULE_PATHNAME', 'purchase_history_merge'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.purchase_history_merge(dormancy.purchase_history, dormancy.purchase_history) IS
	'merge two histories (a stored history absorbing new orders); NULL counts as empty';

CREATE FUNCTION dormancy.purchase_history_days(h dormancy.purchase_history,
	OUT day date, OUT orders integer, OUT refunds integer,
	OUT unknown_amount_orders integer, OUT discounted_orders integer,
	OUT amount double precision, OUT max_order double precision,
	OUT is_purchase_day boolean)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'purchase_history_days'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION dormancy.purchase_history_days(dormancy.purchase_history) IS
	'the days stored in a history, one row each';

--
-- Aggregate purchase_history(ordered_at, amount [, discounted])
--

-- Transition functions are not strict: the first call has a NULL state, and
-- NULL order times or amounts are handled (skipped, or counted as unknown).
-- The timestamptz one is STABLE: it reads dormancy.time_zone.
CREATE FUNCTION dormancy.purchase_history_trans(internal, date, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_date'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_trans(internal, date, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_date'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision, boolean)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.purchase_history_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'purchase_history_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dormancy.purchase_history_final(internal)
	RETURNS dormancy.purchase_history AS 'MODULE_PATHNAME', 'purchase_history_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, date, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, date, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamp, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_trans(internal, timestamptz, double precision, boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION dormancy.purchase_history_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION dormancy.purchase_history_serialize(internal) IS 'aggregate serial function';
COMMENT ON FUNCTION dormancy.purchase_history_deserialize(bytea, internal) IS 'aggregate deserial function';
COMMENT ON FUNCTION dormancy.purchase_history_final(internal) IS 'aggregate final function';

-- SSPACE is the memory one state takes, which the planner multiplies by the
-- groups it expects to size a hash aggregate and to plan its spill.  Measured
-- (EXPLAIN ANALYZE, a hash aggregate's peak memory per group less that of a
-- count(*) grouped alike) on the demo data, 11 orders a customer on average:
-- 1,050 bytes per customer (610 with one or two orders, 3,900 with more than
-- forty); categorized_history below 1,620.  Declared smaller (400 and 600
-- until 0.4.0), a hash aggregate over 1,000,000 customers was planned to fit
-- in work_mem x hash_mem_multiplier and grew to 1.1 GB before it spilled
-- (docs/operations.md, The memory of a history aggregate).
-- sql/plan_estimates.sql checks the declarations against the memory measured.
CREATE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at date, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamp, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
CREATE AGGREGATE dormancy.purchase_history(ordered_at timestamptz, amount double precision, discounted boolean) (
	SFUNC = dormancy.purchase_history_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE dormancy.purchase_history(date, double precision) IS
	'fold orders into a purchase history (the date is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(date, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the date is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamp, double precision) IS
	'fold orders into a purchase history (the date part is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamp, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the date part is the day)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamptz, double precision) IS
	'fold orders into a purchase history (the day in dormancy.time_zone)';
COMMENT ON AGGREGATE dormancy.purchase_history(timestamptz, double precision, boolean) IS
	'fold orders into a purchase history, counting discounted orders (the day in dormancy.time_zone)';

-- Union of histories: same state, combine, serialize and final as above.
CREATE FUNCTION dormancy.purchase_history_union_trans(internal, dormancy.purchase_history)
	RETURNS internal AS 'MODULE_PATHNAME', 'purchase_history_union_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.purchase_history_union_trans(internal, dormancy.purchase_history) IS 'aggregate transition function';
CREATE AGGREGATE dormancy.purchase_history_union(dormancy.purchase_history) (
	SFUNC = dormancy.purchase_history_union_trans, STYPE = internal, SSPACE = 1000,
	FINALFUNC = dormancy.purchase_history_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.purchase_history_combine,
	SERIALFUNC = dormancy.purchase_history_serialize,
	DESERIALFUNC = dormancy.purchase_history_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.purchase_history_union(dormancy.purchase_history) IS
	'merge many histories into one (per customer from per-category histories, or duplicates of one customer)';

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
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.categorized_history_trans(internal, timestamp, double precision, boolean, text, date)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_trans_timestamp'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
CREATE FUNCTION dormancy.categorized_history_trans(internal, timestamptz, double precision, boolean, text, date)
	RETURNS internal AS 'MODULE_PATHNAME', 'categorized_history_trans_timestamptz'
	LANGUAGE C STABLE PARALLEL SAFE
	SUPPORT dormancy._plan_support;
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

--
-- First-release figures and the state ladder
--

CREATE TYPE dormancy.history_summary AS (
	first_order_at date,
	last_order_at date,
	last_qualifying_order_at date,
	orders_count bigint,
	order_days integer,
	total_amount double precision,
	unknown_amount_orders integer,
	refunds integer,
	discounted_days integer
);
COMMENT ON TYPE dormancy.history_summary IS 'figures of a purchase history up to an as-of day';

-- Not strict in h: a NULL history is a customer without orders (zero counts).
CREATE FUNCTION dormancy.history_summary(h dormancy.purchase_history, as_of date,
	min_order_amount double precision DEFAULT 0)
	RETURNS dormancy.history_summary
	AS 'MODULE_PATHNAME', 'history_summary'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.history_summary(dormancy.purchase_history, date, double precision) IS
	'first, last and last qualifying purchase day, order count, purchase days and net amount up to as_of';

-- Not strict in the last order: NULL means never_purchased.
CREATE FUNCTION dormancy.dormancy_state(last_order date, as_of date,
	at_risk_after interval, dormant_after interval, long_dormant_after interval)
	RETURNS text
	AS 'MODULE_PATHNAME', 'dormancy_state'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.dormancy_state(date, date, interval, interval, interval) IS
	'active, at_risk, dormant, long_dormant or never_purchased: the deepest threshold reached by last_order + threshold <= as_of';
