-- dormancy._single_row(column): always true; its planner support tells the
-- planner that the relation it is a condition on has one row.  The views
-- join their one-row settings on it, so that a Citus worker, which takes
-- each such relation (an intermediate result) for 1,000 rows, prices the
-- evaluation honestly instead of around 1e30 (test/integration/citus.sh
-- checks the task queries).  Here: the value, and the estimates.
SET client_min_messages = warning;
SET jit = off;

-- true for any value, NULL included: it never removes a row
SELECT dormancy._single_row(1), dormancy._single_row('x'::text), dormancy._single_row(NULL::date),
	   dormancy._single_row(ARRAY['a']), dormancy._single_row(now());
SELECT count(*) AS all_rows_kept FROM generate_series(1, 1000) g WHERE dormancy._single_row(g);

-- the planner's estimate of a query's rows (EXPLAIN, JSON)
CREATE FUNCTION pg_temp.estimated_rows(query text) RETURNS double precision
	LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;

-- a relation of 1,000 rows (as the planner knows them) is estimated at one
-- with the condition, and a cross join with it no longer multiplies
SELECT pg_temp.estimated_rows('SELECT * FROM generate_series(1, 1000) g') AS without_condition,
	   pg_temp.estimated_rows('SELECT * FROM generate_series(1, 1000) g WHERE dormancy._single_row(g)') AS with_condition;
SELECT pg_temp.estimated_rows('SELECT * FROM generate_series(1, 100) c CROSS JOIN generate_series(1, 1000) s') AS cross_join,
	   pg_temp.estimated_rows('SELECT * FROM generate_series(1, 100) c JOIN generate_series(1, 1000) s ON dormancy._single_row(s)') AS joined_on_single_row;

-- a constant folds away: the condition on a constant column of a pulled-up
-- subquery (src_bindings, the configuration in customer_status) leaves no
-- filter in the plan
EXPLAIN (COSTS OFF) SELECT * FROM generate_series(1, 3) g JOIN (SELECT 1 AS one) s ON dormancy._single_row(s.one);

-- the analysts, who read the live views with their own privileges, may call it
SELECT has_function_privilege('dormancy_analyst', 'dormancy._single_row(anyelement)', 'EXECUTE') AS analyst,
	   has_function_privilege('public', 'dormancy._single_row(anyelement)', 'EXECUTE') AS public;
