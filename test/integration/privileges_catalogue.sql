-- What PUBLIC, dormancy_reader and dormancy_analyst may do with every function,
-- table, view and sequence in schema dormancy (and the schema), one line per
-- object: name|kind|PUBLIC|dormancy_reader|dormancy_analyst.  Functions are
-- listed by name: every overload of a name must have the same privileges (a
-- name whose overloads differ shows "mixed").  A role's column is what it may
-- do directly, through membership or through PUBLIC.
WITH roles(col, role) AS (
	VALUES (1, 'public'), (2, 'dormancy_reader'), (3, 'dormancy_analyst')
), rels AS (
	SELECT 'dormancy.' || c.relname AS object,
		   CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
						  WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' END AS kind,
		   r.col,
		   CASE WHEN c.relkind = 'S' THEN
				concat_ws(', ',
					CASE WHEN has_sequence_privilege(r.role, c.oid, 'SELECT') THEN 'SELECT' END,
					CASE WHEN has_sequence_privilege(r.role, c.oid, 'USAGE') THEN 'USAGE' END,
					CASE WHEN has_sequence_privilege(r.role, c.oid, 'UPDATE') THEN 'UPDATE' END)
		   ELSE
				concat_ws(', ',
					CASE WHEN has_table_privilege(r.role, c.oid, 'SELECT') THEN 'SELECT' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'INSERT') THEN 'INSERT' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'UPDATE') THEN 'UPDATE' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'DELETE') THEN 'DELETE' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'REFERENCES') THEN 'REFERENCES' END,
					CASE WHEN has_table_privilege(r.role, c.oid, 'TRIGGER') THEN 'TRIGGER' END)
		   END AS privs
	  FROM pg_class c CROSS JOIN roles r
	 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
), funcs AS (
	SELECT 'dormancy.' || p.proname AS object,
		   CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
		   r.col,
		   CASE WHEN count(DISTINCT has_function_privilege(r.role, p.oid, 'EXECUTE')) > 1 THEN 'mixed'
				WHEN bool_and(has_function_privilege(r.role, p.oid, 'EXECUTE')) THEN 'EXECUTE'
				ELSE '' END AS privs
	  FROM pg_proc p CROSS JOIN roles r
	 WHERE p.pronamespace = 'dormancy'::regnamespace
	 GROUP BY p.proname, p.prokind, r.col
), schema AS (
	SELECT 'dormancy' AS object, 'schema' AS kind, r.col,
		   concat_ws(', ',
			   CASE WHEN has_schema_privilege(r.role, 'dormancy', 'USAGE') THEN 'USAGE' END,
			   CASE WHEN has_schema_privilege(r.role, 'dormancy', 'CREATE') THEN 'CREATE' END) AS privs
	  FROM roles r
), everything AS (
	SELECT * FROM rels UNION ALL SELECT * FROM funcs UNION ALL SELECT * FROM schema
)
SELECT object || '|' || kind || '|' ||
	   string_agg(CASE WHEN privs = '' THEN '-' ELSE privs END, '|' ORDER BY col)
  FROM everything
 GROUP BY object, kind
 ORDER BY object, kind;
