--
-- Intervals of the forecasts (issue 14): the covariance matrices of the
-- fitted parameters (aggregates, from the observed information at the
-- estimate), stored by fit_models() in dormancy.models (bgnbd_covariance,
-- paretonbd_covariance, gammagamma_covariance), and the per-customer 95%
-- intervals of p_alive, expected purchases and expected value they give by
-- the delta method (model_intervals; the live view forecast_intervals in
-- sql_src/70_views.sql).  The mathematics: docs/models.md, "Intervals of
-- the forecasts".  C code: src/btyd_fit_sql.c, src/intervals_sql.c,
-- src/core/intervals.c.
--

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
