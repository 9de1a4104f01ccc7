-- pg_temp.plan_lines(query): the lines of its EXPLAIN (COSTS OFF), to count scans.
CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		RETURN NEXT line;
	END LOOP;
END $$;
