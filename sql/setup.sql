-- The extension installs (pg_regress --load-extension) with its objects and
-- the unbound views, which are empty but have their full shape.
SET client_min_messages = warning;
-- dormancy.time_zone follows the session's TimeZone by default; pg_regress
-- runs with PGTZ=PST8PDT, and the expected outputs of the tests that do not
-- set it themselves are calendar days in UTC: pin it for the test database
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET dormancy.time_zone = %L', current_database(), 'UTC'); END $$;
SELECT extname, extversion FROM pg_extension WHERE extname = 'dormancy';
SELECT count(*) > 0 AS has_functions FROM pg_proc WHERE pronamespace = 'dormancy'::regnamespace;

-- every object of the extension has a comment
SELECT d.classid::regclass AS catalog, pg_describe_object(d.classid, d.objid, d.objsubid) AS object
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'dormancy')
   AND d.deptype = 'e'
   AND obj_description(d.objid, d.classid::regclass::name) IS NULL
   AND d.classid <> 'pg_type'::regclass		-- row types of tables and views
 ORDER BY 2;

-- every column of the generated views and tables has a comment
SELECT c.relname, a.attname
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind IN ('r', 'v')
   AND a.attnum > 0 AND NOT a.attisdropped
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1, 2;

-- functions: C and SQL functions state their volatility and parallel safety on purpose
SELECT p.proname, p.provolatile, p.proparallel, count(*)
  FROM pg_proc p
 WHERE p.pronamespace = 'dormancy'::regnamespace AND p.prokind = 'f'
   AND p.proparallel = 'u' AND p.provolatile <> 'v'
 GROUP BY 1, 2, 3 ORDER BY 1;

-- SQL and plpgsql functions pin their search_path, but for the ones made
-- to be inlined into the query that calls them (a SET stops that), each
-- reviewed and named here: a SQL-standard body (RETURN) whose names are
-- resolved once, when it is created (not a body with a text to reg* cast,
-- which looks a name up when it runs), not SECURITY DEFINER: _name_key
-- (the name key, per customer row); _company_id (a blank company id is
-- none, per customer row, in _name_key and src_customers); _opt_out_in_force (the opt-out rule, in
-- customer_outreach per customer and in campaign_list's condition, whose
-- estimate it sets); _unanswered and _conversation (per contact, in
-- customer_outreach and campaign_outcomes); _call_list_min_score (the call
-- lists' condition on the score, whose estimate the plans depend on:
-- sql/plan_estimates.sql)
SELECT p.oid::regprocedure AS unpinned
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'dormancy'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
   AND p.prokind <> 'p'		-- a procedure that commits cannot SET search_path: refresh() qualifies every name
   AND NOT (p.oid IN ('dormancy._name_key(text,text,text[])'::regprocedure,
					  'dormancy._company_id(text)'::regprocedure,
					  'dormancy._opt_out_in_force(timestamptz,boolean,timestamptz)'::regprocedure,
					  'dormancy._unanswered(text,text,text)'::regprocedure,
					  'dormancy._conversation(text,text,text)'::regprocedure,
					  'dormancy._call_list_min_score(text,date,date,text[],double precision)'::regprocedure)
			AND p.prosqlbody IS NOT NULL AND NOT p.prosecdef AND p.proconfig IS NULL)
 ORDER BY 1;

-- no generated views until the first bind or rebind(): only the views of
-- the settings, members of the extension (sql_src/70_views.sql)
SELECT c.relname, dormancy._is_member(c.oid) AS member
  FROM pg_class c WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
 ORDER BY 1;
SELECT * FROM dormancy.bindings;
-- rebind() with nothing bound: empty views of the full shape
SELECT dormancy.rebind();
SELECT count(*) FROM dormancy.customer_status;
SELECT count(*) FROM dormancy.src_orders;
SELECT count(*) FROM dormancy.data_issues;
-- the generated views are the fixed list of _generated_views(): every one
-- listed exists, every view built is listed (the snapshot's views and the
-- extension's own views of the settings aside), and the adapters are exactly
-- those of _adapter_definitions()
SELECT coalesce(g.view_name, c.relname::text) AS view_name, g.view_name IS NOT NULL AS listed, c.oid IS NOT NULL AS exists
  FROM dormancy._generated_views() g
  FULL JOIN (SELECT c.oid, c.relname FROM pg_class c
			  WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
				AND c.relname NOT IN (SELECT d.view_name FROM dormancy._snapshot_view_definitions() d)
				AND NOT dormancy._is_member(c.oid)) c
	ON c.relname = g.view_name
 WHERE g.view_name IS NULL OR c.oid IS NULL
 ORDER BY 1;
SELECT coalesce(g.view_name, a.view_name) AS adapter, g.view_name IS NOT NULL AS listed, a.view_name IS NOT NULL AS defined
  FROM (SELECT * FROM dormancy._generated_views() WHERE adapter) g
  FULL JOIN dormancy._adapter_definitions() a ON a.view_name = g.view_name
 WHERE g.view_name IS NULL OR a.view_name IS NULL
 ORDER BY 1;
SELECT attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'dormancy.customer_status'::regclass AND attnum > 0
 ORDER BY attnum;

-- every column of the generated views has a comment
SELECT c.relname, a.attname
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
   AND a.attnum > 0 AND NOT a.attisdropped
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1, 2;

-- the generated views are security_invoker and not members of the extension
-- (the views of the settings, which read no table of yours, are members)
SELECT c.relname, c.reloptions,
	   EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') AS member
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
 ORDER BY 1;

-- so DROP EXTENSION needs CASCADE once they exist; then a clean reinstall
\set VERBOSITY terse
DROP EXTENSION dormancy;
\set VERBOSITY default
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
SELECT count(*) FROM dormancy.rules;
