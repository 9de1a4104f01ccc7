--
-- The model fits' state as a value (src/fit_state_sql.c): what fit_models()
-- folds on each Citus worker and combines on the coordinator
--
-- Citus splits an aggregate into a partial aggregate per shard and a
-- combination on the coordinator only when its transition type is a real
-- type (not internal), and moves the partial states in the type's text form.
-- dormancy.fit_state holds the distinct BG/NBD observations (frequency,
-- recency, age) and Gamma-Gamma observations (repeat days of known amount,
-- mean spend) of a
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
	'internal: the customers'' BTYD summaries (in days) as one fit state, recency and age in units of unit_days: the observations of bgnbd_fit(frequency, recency / unit_days, age / unit_days) and gammagamma_fit(monetary_days, monetary_value)';
CREATE FUNCTION dormancy._fit_state_customers(dormancy.fit_state)
	RETURNS bigint AS 'MODULE_PATHNAME', 'fit_state_customers'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._fit_state_customers(dormancy.fit_state) IS
	'internal: the customers folded into a fit state (those with a BTYD summary)';
