-- Start from nothing bound (earlier tests leave bindings): unbind every
-- source, quietly.
\set ECHO none
DO $$
DECLARE s text;
BEGIN
	FOR s IN SELECT source FROM dormancy.bindings ORDER BY source LOOP
		PERFORM dormancy.unbind(s);
	END LOOP;
END
$$;
\set ECHO all
