-- The extension installs (pg_regress --load-extension) with its objects and
-- the unbound views, which are empty but have their full shape.
SET client_min_messages = warning;
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

-- SQL and plpgsql functions pin their search_path
SELECT p.proname
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'dormancy'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
 ORDER BY 1;

-- nothing bound yet: empty views of the full shape
SELECT count(*) FROM dormancy.customer_status;
SELECT count(*) FROM dormancy.src_orders;
SELECT count(*) FROM dormancy.data_issues;
SELECT * FROM dormancy.bindings;
SELECT attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'dormancy.customer_status'::regclass AND attnum > 0
 ORDER BY attnum;

-- the generated views are members of the extension and security_invoker
SELECT c.relname, c.reloptions
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
 ORDER BY 1;
SELECT count(*) AS views_not_in_extension
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e');

-- drop and create again: a clean reinstall
DROP EXTENSION dormancy;
CREATE EXTENSION dormancy;
SELECT count(*) FROM dormancy.rules;
