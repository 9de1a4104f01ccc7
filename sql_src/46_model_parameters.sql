--
-- Uncertainty of the fitted parameters: the standard errors of a model's
-- parameters over the observations it was fitted to (aggregates, from the
-- observed information at the estimate), stored by fit_models() in
-- dormancy.models (bgnbd_std_errors, gammagamma_std_errors).  The live view
-- model_parameters (sql_src/70_views.sql) shows them, one row per parameter
-- with its 95% interval.  The mathematics: docs/models.md.  C code:
-- src/btyd_fit_sql.c, src/core/btyd.c.
--

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

