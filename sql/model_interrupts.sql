-- Long model computations obey statement_timeout and cancels (issue 10
-- item 6).  dormancy.clv() sums one expectation per period, up to 10,000
-- periods; with these parameters each takes about 0.1 ms (the 2F1 series
-- route; b just under 1,000, where a larger b far out is integrated in
-- about 0.01 ms since 2026-12-07: the parameters used until then, b = 4900,
-- now sum in 0.13 s), so the call runs about 1 s, and before 0.3.0 it ignored
-- statement_timeout until it finished (with large beta shapes and a tiny
-- alpha each period took 0.2 s: half an hour for one call).  The sum now
-- asks for pending interrupts once per period, and the fits once per
-- likelihood evaluation.
SET client_min_messages = notice;
\set SHOW_CONTEXT never

SET statement_timeout = '200ms';
SELECT dormancy.clv(dormancy.bgnbd(0.3, 0.5, 1e-6, 999), dormancy.gammagamma(6, 4, 15),
					1, 10, 20, 30, 10000, 0.01, 1);

-- and it stops promptly: well before the 1 s the whole sum takes
DO $$
DECLARE
	started timestamptz := clock_timestamp();
BEGIN
	PERFORM dormancy.clv(dormancy.bgnbd(0.3, 0.5, 1e-6, 999), dormancy.gammagamma(6, 4, 15),
						 1, 10, 20, 30, 10000, 0.01, 1);
	RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
	RAISE NOTICE 'cancelled within 1 s: %', clock_timestamp() - started < interval '1 s';
END
$$;
RESET statement_timeout;

-- the fits: the optimiser asks before each likelihood evaluation (over
-- 500,000 distinct customer summaries one takes a few milliseconds and the
-- whole fit about 1.5 s; the scan that feeds it about 0.1 s)
SELECT setseed(0.5);
CREATE TEMP TABLE obs AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE age * random() END AS t_x, age
  FROM (SELECT g % 7 AS x, 30 + g * 1e-4 AS age FROM generate_series(1, 500000) g) s;
SET statement_timeout = '400ms';
DO $$
DECLARE
	started timestamptz := clock_timestamp();
BEGIN
	PERFORM dormancy.bgnbd_fit(x, t_x, age) FROM obs;
	RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
	RAISE NOTICE 'fit cancelled within 1 s: %', clock_timestamp() - started < interval '1 s';
END
$$;
RESET statement_timeout;
DROP TABLE obs;

-- the work per call is bounded: at most 10,000 periods
SELECT dormancy.clv(dormancy.bgnbd(0.3, 0.5, 1e-6, 999), dormancy.gammagamma(6, 4, 15),
					1, 10, 20, 30, 10001, 0.01, 1);
