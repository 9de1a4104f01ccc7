-- The Pareto/NBD fit where the likelihood has no interior maximum (issue 14):
-- regular buyers, like the demo's retail and IT-services accounts (one
-- order every 50 to 56 weeks, nobody lapsing), whose counts vary less than
-- any Poisson mixture allows, so the likelihood keeps rising as the gamma of
-- purchase rates collapses to one rate (r -> infinity).  The fit must
-- return (r and s are bounded by 10,000; the death-time integral costs the
-- same for any r), flagged converged = false with a warning, at the bound
-- on r and next to the limiting Poisson model.
-- Then a long fit (20,000 distinct customers) under a statement_timeout of
-- half a second: the cancel comes promptly, not after the evaluation under
-- way.  Timings are in docs/models.md (Limitations).
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE SCHEMA paretonbd_boundary;
SELECT setseed(0.14);

-- 400 regular buyers: ages 1 to 5 years, a gap of 50 to 56 weeks each
CREATE TABLE paretonbd_boundary.regular AS
SELECT i, floor(age / gap)::int AS x, floor(age / gap) * gap AS t_x, age AS t
  FROM (SELECT i, 52 + 208 * random() AS age, 50 + 6 * random() AS gap
		  FROM generate_series(1, 400) AS i) c;

CREATE TABLE paretonbd_boundary.fit AS
SELECT dormancy.paretonbd_fit(x, t_x, t) AS m FROM paretonbd_boundary.regular;
-- the estimate stopped at the bound on r, flagged.  The limit it heads for
-- is a Poisson process with one rate and no dropout, whose maximum
-- likelihood rate is sum(x) / sum(T) with log-likelihood
-- sum(x log(rate) - rate T): the fit's rate r / alpha must match it to
-- 1e-4 and its log-likelihood come within 0.05 of it (not above: the bound
-- stops short of the limit)
SELECT (m).converged, (m).customers,
	   (m).r BETWEEN 5000 AND 10000 AS r_at_bound,
	   abs((m).r / (m).alpha / p.rate - 1) < 1e-4 AS poisson_rate,
	   (m).log_likelihood BETWEEN p.ll - 0.05 AND p.ll + 1e-6 AS poisson_loglik,
	   (m).s > 0 AND (m).beta > 0 AS positive
  FROM paretonbd_boundary.fit,
	   LATERAL (SELECT sum(x) / sum(t) AS rate FROM paretonbd_boundary.regular) q,
	   LATERAL (SELECT sum(x * ln(q.rate) - q.rate * t) AS ll, q.rate FROM paretonbd_boundary.regular) p;

-- predictions from it are finite and in range
SELECT bool_and(p BETWEEN 0 AND 1) AS p_alive_in_range
  FROM (SELECT dormancy.paretonbd_p_alive((f.m), r.x, r.t_x, r.t) AS p
		  FROM paretonbd_boundary.regular r, paretonbd_boundary.fit f) q;

-- a long fit: 20,000 distinct customers, cancelled by a statement_timeout
CREATE TABLE paretonbd_boundary.big AS
SELECT x, t_x, t
  FROM (SELECT floor(60 * random())::int AS x, random() AS u, 100 + 200 * random() AS t
		  FROM generate_series(1, 20000)) g,
	   LATERAL (SELECT CASE WHEN x = 0 THEN 0 ELSE u * t END AS t_x) l;
SET statement_timeout = '500ms';
DO $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	PERFORM dormancy.paretonbd_fit(x, t_x, t) FROM paretonbd_boundary.big;
	RAISE WARNING 'the fit finished before the timeout';
EXCEPTION WHEN query_canceled THEN
	RAISE WARNING 'cancelled within 10 s: %', clock_timestamp() - t0 < interval '10 s';
END
$$;
RESET statement_timeout;

DROP SCHEMA paretonbd_boundary CASCADE;
