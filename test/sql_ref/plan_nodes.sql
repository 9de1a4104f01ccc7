-- pg_temp.plan_nodes(query, options): every node of the query's plan, as the
-- JSON object EXPLAIN (FORMAT JSON) gives for it (its own "Plans" included),
-- with the EXPLAIN options given (default ANALYZE, TIMING off: the rows and
-- loops each node ran).
CREATE FUNCTION pg_temp.plan_nodes(query text, options text DEFAULT 'ANALYZE, TIMING off')
	RETURNS SETOF jsonb
	LANGUAGE plpgsql
AS $$
DECLARE
	plan jsonb;
BEGIN
	EXECUTE format('EXPLAIN (%s, FORMAT JSON) %s', options, query) INTO plan;
	RETURN QUERY
	WITH RECURSIVE n(p) AS (
		SELECT plan -> 0 -> 'Plan'
		UNION ALL
		SELECT c FROM n, jsonb_array_elements(n.p -> 'Plans') c
	)
	SELECT n.p FROM n;
END
$$;
