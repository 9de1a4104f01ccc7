-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, the reader role (lead)
--

--
-- Change tracking and the history store (helper: tracking)
--

--
-- Settings, NaN checks, rebind, refresh log (helper: settings)
--

--
-- Purchase history type: input, sums (helper: history)
--

--
-- Models and scores: stable evaluation, interrupts (helper: models)
--

--
-- Names and encodings (helper: encodings)
--
-- normalize_company_name() keeps its definition; its keys change for names
-- with accents written on their own (the acute accent vanishes, the others
-- break) and, in a database that is not UTF-8, for names that failed before.
-- An expression index on it keeps the old keys until rebuilt: say which
-- (a WARNING: extension scripts run with client_min_messages = warning).
DO $$
DECLARE
	idx regclass;
BEGIN
	FOR idx IN
		SELECT DISTINCT d.objid::regclass
		  FROM pg_catalog.pg_depend d
		  JOIN pg_catalog.pg_index i ON i.indexrelid = d.objid
		 WHERE d.classid = 'pg_catalog.pg_class'::regclass
		   AND d.refclassid = 'pg_catalog.pg_proc'::regclass
		   AND d.refobjid = 'dormancy.normalize_company_name(text, text[])'::regprocedure
		 ORDER BY 1
	LOOP
		RAISE WARNING 'index % uses dormancy.normalize_company_name(), whose keys changed in 0.3.0 for names with accents written on their own', idx
			USING HINT = format('Rebuild it: REINDEX INDEX %s;', idx);
	END LOOP;
END
$$;

SELECT dormancy._update_generated_views();
