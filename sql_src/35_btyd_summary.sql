--
-- The BTYD summary of a history: the inputs of the BG/NBD and Gamma-Gamma models
--

CREATE TYPE dormancy.btyd_summary AS (
	frequency integer,
	recency double precision,
	age double precision,
	monetary_value double precision,
	monetary_days integer
);
COMMENT ON TYPE dormancy.btyd_summary IS
	'frequency (repeat purchase days), recency and age (T) in units, mean amount of the repeat purchase days of known amount, and how many those are (Gamma-Gamma''s x)';

-- STABLE: the as-of instant becomes a day in dormancy.time_zone
CREATE FUNCTION dormancy.btyd_summary(h dormancy.purchase_history, as_of timestamptz,
	unit interval DEFAULT '1 day')
	RETURNS dormancy.btyd_summary
	AS 'MODULE_PATHNAME', 'btyd_summary'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, timestamptz, interval) IS
	'frequency, recency, age, monetary value and its days of known amount of a history at as_of, in units (lifetimes conventions, freq=D)';

-- The same at a day given: IMMUTABLE, no setting read (fit_models() on
-- Citus computes the summaries on the workers, whose zone is not the
-- coordinator's)
CREATE FUNCTION dormancy.btyd_summary(h dormancy.purchase_history, as_of date,
	unit interval DEFAULT '1 day')
	RETURNS dormancy.btyd_summary
	AS 'MODULE_PATHNAME', 'btyd_summary_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.btyd_summary(dormancy.purchase_history, date, interval) IS
	'frequency, recency, age, monetary value and its days of known amount of a history at the day as_of, in units (lifetimes conventions, freq=D)';
