--
-- Models: BG/NBD (probability alive, expected purchases) and Gamma-Gamma
-- (expected spend), fitted by maximum likelihood with aggregates; CLV.
-- The mathematics: docs/models.md.  C code: src/btyd_sql.c, src/core/btyd.c.
--

CREATE TYPE dormancy.bgnbd AS (
	r double precision,
	alpha double precision,
	a double precision,
	b double precision,
	log_likelihood double precision,
	customers bigint,
	iterations integer,
	converged boolean
);
COMMENT ON TYPE dormancy.bgnbd IS
	'a BG/NBD model: purchase rates gamma(r, alpha), dropout probabilities beta(a, b), and how it was fitted';
COMMENT ON COLUMN dormancy.bgnbd.r IS 'shape of the gamma distribution of purchase rates';
COMMENT ON COLUMN dormancy.bgnbd.alpha IS 'scale of the gamma distribution of purchase rates, in the time unit of the fit';
COMMENT ON COLUMN dormancy.bgnbd.a IS 'first shape of the beta distribution of dropout probabilities';
COMMENT ON COLUMN dormancy.bgnbd.b IS 'second shape of the beta distribution of dropout probabilities';
COMMENT ON COLUMN dormancy.bgnbd.log_likelihood IS 'log-likelihood at the estimates (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.customers IS 'customers fitted (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.iterations IS 'optimiser iterations (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.bgnbd.converged IS 'whether the optimiser reached a proper maximum (NULL for a model built from known parameters)';

CREATE TYPE dormancy.gammagamma AS (
	p double precision,
	q double precision,
	v double precision,
	log_likelihood double precision,
	customers bigint,
	skipped bigint,
	iterations integer,
	converged boolean
);
COMMENT ON TYPE dormancy.gammagamma IS
	'a Gamma-Gamma spend model: spend per transaction gamma(p, nu), nu gamma(q, v), and how it was fitted';
COMMENT ON COLUMN dormancy.gammagamma.p IS 'shape of the spend per transaction';
COMMENT ON COLUMN dormancy.gammagamma.q IS 'shape of the gamma distribution of the customers'' spend rates';
COMMENT ON COLUMN dormancy.gammagamma.v IS 'scale of the gamma distribution of the customers'' spend rates, in money units';
COMMENT ON COLUMN dormancy.gammagamma.log_likelihood IS 'log-likelihood at the estimates (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.customers IS 'customers fitted: those with frequency > 0 and a monetary value (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.skipped IS 'rows not used: frequency 0 or monetary value NULL (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.iterations IS 'optimiser iterations (NULL for a model built from known parameters)';
COMMENT ON COLUMN dormancy.gammagamma.converged IS 'whether the optimiser reached a proper maximum (NULL for a model built from known parameters)';

--
-- Aggregate bgnbd_fit(frequency, recency, age)
--

CREATE FUNCTION dormancy.bgnbd_fit_trans(internal, integer, double precision, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_trans(internal, integer, double precision, double precision) IS
	'aggregate transition function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_combine(internal, internal) IS
	'aggregate combine function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'bgnbd_fit_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_serialize(internal) IS
	'aggregate serial function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_deserialize(bytea, internal) IS
	'aggregate deserial function of bgnbd_fit';
CREATE FUNCTION dormancy.bgnbd_fit_final(internal)
	RETURNS dormancy.bgnbd AS 'MODULE_PATHNAME', 'bgnbd_fit_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_fit_final(internal) IS
	'aggregate final function of bgnbd_fit: the maximum-likelihood fit';

CREATE AGGREGATE dormancy.bgnbd_fit(frequency integer, recency double precision, age double precision) (
	SFUNC = dormancy.bgnbd_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.bgnbd_fit_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.bgnbd_fit_combine,
	SERIALFUNC = dormancy.bgnbd_fit_serialize,
	DESERIALFUNC = dormancy.bgnbd_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.bgnbd_fit(integer, double precision, double precision) IS
	'fit a BG/NBD model by maximum likelihood to customer summaries (frequency, recency, age), ignoring rows with a NULL';

CREATE FUNCTION dormancy.bgnbd(r double precision, alpha double precision,
	a double precision, b double precision)
	RETURNS dormancy.bgnbd AS 'MODULE_PATHNAME', 'bgnbd_make'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd(double precision, double precision, double precision, double precision) IS
	'a BG/NBD model with known parameters r, alpha, a, b';

CREATE FUNCTION dormancy.bgnbd_p_alive(m dormancy.bgnbd, frequency integer,
	recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_p_alive(dormancy.bgnbd, integer, double precision, double precision) IS
	'probability that a customer with this frequency, recency and age is still alive';

CREATE FUNCTION dormancy.bgnbd_expected_purchases(m dormancy.bgnbd, t double precision,
	frequency integer, recency double precision, age double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_expected_purchases(dormancy.bgnbd, double precision, integer, double precision, double precision) IS
	'expected purchases in the next t time units of a customer with this frequency, recency and age';

CREATE FUNCTION dormancy.bgnbd_expected_purchases_new(m dormancy.bgnbd, t double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.bgnbd_expected_purchases_new(dormancy.bgnbd, double precision) IS
	'expected repeat purchases in the first t time units of a new customer';

-- not STRICT: NULL inputs give NULL values (no model, no purchase, no spend model)
CREATE FUNCTION dormancy.model_predictions(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon double precision,
	OUT p_alive double precision, OUT expected_purchases double precision,
	OUT expected_value double precision, OUT problem text)
	RETURNS record AS 'MODULE_PATHNAME', 'model_predictions'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
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

--
-- Aggregate gammagamma_fit(frequency, monetary_value)
--

CREATE FUNCTION dormancy.gammagamma_fit_trans(internal, integer, double precision)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_trans(internal, integer, double precision) IS
	'aggregate transition function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_combine(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_combine(internal, internal) IS
	'aggregate combine function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_serialize(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'gammagamma_fit_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_serialize(internal) IS
	'aggregate serial function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_deserialize(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_deserialize(bytea, internal) IS
	'aggregate deserial function of gammagamma_fit';
CREATE FUNCTION dormancy.gammagamma_fit_final(internal)
	RETURNS dormancy.gammagamma AS 'MODULE_PATHNAME', 'gammagamma_fit_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_fit_final(internal) IS
	'aggregate final function of gammagamma_fit: the maximum-likelihood fit';

CREATE AGGREGATE dormancy.gammagamma_fit(frequency integer, monetary_value double precision) (
	SFUNC = dormancy.gammagamma_fit_trans, STYPE = internal, SSPACE = 4096,
	FINALFUNC = dormancy.gammagamma_fit_final, FINALFUNC_MODIFY = READ_WRITE,
	COMBINEFUNC = dormancy.gammagamma_fit_combine,
	SERIALFUNC = dormancy.gammagamma_fit_serialize,
	DESERIALFUNC = dormancy.gammagamma_fit_deserialize,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE dormancy.gammagamma_fit(integer, double precision) IS
	'fit a Gamma-Gamma spend model by maximum likelihood to (frequency, mean repeat spend), over customers with frequency > 0';

CREATE FUNCTION dormancy.gammagamma(p double precision, q double precision, v double precision)
	RETURNS dormancy.gammagamma AS 'MODULE_PATHNAME', 'gammagamma_make'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma(double precision, double precision, double precision) IS
	'a Gamma-Gamma model with known parameters p, q, v';

-- not STRICT: monetary_value may be NULL for a customer with frequency 0
CREATE FUNCTION dormancy.gammagamma_expected_spend(m dormancy.gammagamma, frequency integer,
	monetary_value double precision)
	RETURNS double precision AS 'MODULE_PATHNAME', 'gammagamma_expected_spend'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.gammagamma_expected_spend(dormancy.gammagamma, integer, double precision) IS
	'expected spend per transaction of a customer with this frequency and mean repeat spend (monetary value ignored, may be NULL, at frequency 0)';

-- not STRICT: monetary_value may be NULL for a customer with frequency 0
CREATE FUNCTION dormancy.clv(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon integer, discount_rate double precision,
	period double precision DEFAULT 1)
	RETURNS double precision AS 'MODULE_PATHNAME', 'dormancy_clv'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.clv(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, integer, double precision, double precision) IS
	'customer lifetime value: expected spend times expected purchases per period, over horizon periods of period time units, discounted by discount_rate per period';
-- The same with the repeat days of known amount that monetary_value
-- averages (btyd_summary's monetary_days) as Gamma-Gamma's x, as
-- model_predictions takes them; NULL: the frequency.  (An overload without
-- defaults: the nine-argument form was released in 0.3.0, so views may
-- depend on it, and a form with period and monetary_days both defaulted
-- would make every call of eight or nine arguments ambiguous.)
CREATE FUNCTION dormancy.clv(bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
	frequency integer, recency double precision, age double precision,
	monetary_value double precision, horizon integer, discount_rate double precision,
	period double precision, monetary_days integer)
	RETURNS double precision AS 'MODULE_PATHNAME', 'dormancy_clv'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.clv(dormancy.bgnbd, dormancy.gammagamma, integer, double precision, double precision, double precision, integer, double precision, double precision, integer) IS
	'customer lifetime value, as the nine-argument form, with the expected spend of monetary_days repeat days of known amount (Gamma-Gamma''s x, 0 to the frequency: customer_status.monetary_days; NULL: the frequency) of mean monetary_value';
