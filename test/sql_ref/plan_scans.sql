-- pg_temp.scans_on(query, node, next_line): the scans of the query's plan
-- (EXPLAIN, COSTS off) on the relations whose name matches node, each with
-- its index condition or filter; only those whose next line matches
-- next_line (default: any).
\set ECHO none
CREATE FUNCTION pg_temp.scans_on(query text, node text, next_line text DEFAULT '') RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	plan text[] := '{}';
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		plan := plan || line;
	END LOOP;
	FOR i IN 1 .. cardinality(plan) LOOP
		IF plan[i] ~ (' on ' || node || '\M') AND coalesce(plan[i + 1], '') ~ next_line THEN
			RETURN NEXT regexp_replace(btrim(plan[i]), '^->\s*', '') ||
				CASE WHEN i < cardinality(plan) AND plan[i + 1] ~ '^\s+(Index Cond|Filter):'
					 THEN ' / ' || btrim(plan[i + 1]) ELSE '' END;
		END IF;
	END LOOP;
END
$$;
\set ECHO all
