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
