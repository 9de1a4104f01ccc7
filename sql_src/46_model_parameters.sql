--
-- Uncertainty of the fitted parameters: the standard errors of a model's
-- parameters over the observations it was fitted to (aggregates, from the
-- observed information at the estimate), stored by fit_models() in
-- dormancy.models (bgnbd_std_errors, gammagamma_std_errors), and the view
-- model_parameters: one row per parameter with its 95% interval.  The
-- mathematics: docs/models.md.  C code: src/btyd_fit_sql.c, src/core/btyd.c.
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

-- The standard errors of the models fit_models() has just stored, over the
-- same summaries (pg_temp.dormancy_fit_summaries, _fit_summaries) and in
-- the same time unit as _fit_segments fitted them: the overall model over
-- every customer, a segment's over the customers of the segment.  Only of
-- converged fits (NULL otherwise).  A second pass over the summaries, not
-- part of the fit aggregates, so that the model types stay as they are;
-- it costs a few gradient evaluations per model, less than the fits.
CREATE FUNCTION dormancy._fit_standard_errors(settings dormancy.model_settings)
	RETURNS TABLE (model_id integer, bgnbd_std_errors double precision[],
				   gammagamma_std_errors double precision[])
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	unit_days double precision := extract(epoch FROM settings.time_unit) / 86400;
BEGIN
	RETURN QUERY
	SELECT m.model_id,
		   dormancy.bgnbd_standard_errors(CASE WHEN (m.bgnbd).converged THEN m.bgnbd END,
										  s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy.gammagamma_standard_errors(CASE WHEN (m.gammagamma).converged THEN m.gammagamma END,
											   s.frequency, s.monetary_value)
	  FROM dormancy.models m
	 CROSS JOIN pg_temp.dormancy_fit_summaries s
	 WHERE m.segment_kind = 'all'
	 GROUP BY m.model_id
	UNION ALL
	SELECT m.model_id,
		   dormancy.bgnbd_standard_errors(CASE WHEN (m.bgnbd).converged THEN m.bgnbd END,
										  s.frequency, s.recency / unit_days, s.age / unit_days),
		   dormancy.gammagamma_standard_errors(CASE WHEN (m.gammagamma).converged THEN m.gammagamma END,
											   s.frequency, s.monetary_value)
	  FROM (SELECT CASE settings.segment_by
					   WHEN 'industry' THEN dormancy.label_key(f.industry)
					   WHEN 'company_size' THEN dormancy.label_key(f.company_size) END AS segment_value,
				   f.frequency, f.recency, f.age, f.monetary_value
			  FROM pg_temp.dormancy_fit_summaries f) s
	  JOIN dormancy.models m ON m.segment_kind = settings.segment_by AND m.segment_value = s.segment_value
	 GROUP BY m.model_id;
END
$$;
COMMENT ON FUNCTION dormancy._fit_standard_errors(dormancy.model_settings) IS
	'internal: the standard errors of the converged fits fit_models() stored, over the customers'' summaries kept by _fit_summaries()';

-- One row per parameter of each stored model.  The 95% interval is built on
-- the log scale, estimate * exp(+-1.96 * std_error / estimate): it stays
-- positive, as the parameters are, and it covers the true value about as
-- often as it should (the coverage simulation in test/unit/test_btyd_se.c).
CREATE VIEW dormancy.model_parameters WITH (security_invoker = true) AS
SELECT m.model_id, m.segment_kind, m.segment_value, p.model, p.parameter,
	   p.estimate, p.std_error,
	   p.estimate * exp(-1.959963984540054 * p.std_error / p.estimate) AS ci_low,
	   p.estimate * exp(1.959963984540054 * p.std_error / p.estimate) AS ci_high,
	   p.converged
  FROM dormancy.models m
 CROSS JOIN LATERAL (VALUES
		('bgnbd', 'r', (m.bgnbd).r, m.bgnbd_std_errors[1], (m.bgnbd).converged),
		('bgnbd', 'alpha', (m.bgnbd).alpha, m.bgnbd_std_errors[2], (m.bgnbd).converged),
		('bgnbd', 'a', (m.bgnbd).a, m.bgnbd_std_errors[3], (m.bgnbd).converged),
		('bgnbd', 'b', (m.bgnbd).b, m.bgnbd_std_errors[4], (m.bgnbd).converged),
		('gammagamma', 'p', (m.gammagamma).p, m.gammagamma_std_errors[1], (m.gammagamma).converged),
		('gammagamma', 'q', (m.gammagamma).q, m.gammagamma_std_errors[2], (m.gammagamma).converged),
		('gammagamma', 'v', (m.gammagamma).v, m.gammagamma_std_errors[3], (m.gammagamma).converged)
	) p (model, parameter, estimate, std_error, converged)
 WHERE p.estimate IS NOT NULL;
COMMENT ON VIEW dormancy.model_parameters IS
	'the fitted parameters of dormancy.models, one row each, with standard errors and 95% intervals (built on the log scale, so they stay positive)';
COMMENT ON COLUMN dormancy.model_parameters.model_id IS 'the dormancy.models row';
COMMENT ON COLUMN dormancy.model_parameters.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.model_parameters.segment_value IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_parameters.model IS 'bgnbd or gammagamma';
COMMENT ON COLUMN dormancy.model_parameters.parameter IS 'r, alpha, a, b (bgnbd) or p, q, v (gammagamma)';
COMMENT ON COLUMN dormancy.model_parameters.estimate IS 'the maximum-likelihood estimate (alpha in the model''s time unit, v in money units)';
COMMENT ON COLUMN dormancy.model_parameters.std_error IS 'its standard error, from the observed information at the estimate; NULL when the fit did not converge';
COMMENT ON COLUMN dormancy.model_parameters.ci_low IS 'lower end of the 95% interval: estimate * exp(-1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.ci_high IS 'upper end of the 95% interval: estimate * exp(1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.converged IS 'whether the fit of this model converged (else the estimate is not to be trusted and std_error is NULL)';
