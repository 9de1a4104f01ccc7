-- Start from nothing bound (earlier tests leave bindings): unbind every
-- source, quietly.
\set ECHO none
-- (the customers and the orders last: a source bound with ids of another
-- type than the one they fall back to would fail)
DO $$
DECLARE s text;
BEGIN
	FOR s IN SELECT source FROM dormancy.bindings ORDER BY source IN ('customers', 'orders'), source LOOP
		PERFORM dormancy.unbind(s);
	END LOOP;
END
$$;
\set ECHO all
