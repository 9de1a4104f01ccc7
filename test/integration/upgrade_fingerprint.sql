-- A text description of everything extension dormancy owns, one line per
-- fact, sorted: two databases whose outputs are equal have the same objects,
-- definitions, comments, privileges, settings and dump configuration.  Used
-- by upgrade.sh to compare an upgraded database with a fresh install.
-- With -v data=1 the rows of the extension's tables are described too.
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\if :{?data}
\else
\set data 0
\endif

WITH ext AS (
	SELECT oid FROM pg_extension WHERE extname = 'dormancy'
), members AS (
	SELECT d.classid, d.objid, d.objsubid,
		   pg_describe_object(d.classid, d.objid, d.objsubid) AS object
	  FROM pg_depend d, ext
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), facts AS (
	-- every member, with its comment
	SELECT m.object AS object, 'member' AS fact,
		   coalesce(obj_description(m.objid, m.classid::regclass::name), '(no comment)') AS detail
	  FROM members m
	UNION ALL
	-- functions, procedures: the whole definition (body, volatility, parallel
	-- safety, SET clauses, strictness, cost), owner and privileges
	SELECT m.object, 'definition', pg_get_functiondef(p.oid)
	  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	 WHERE p.prokind <> 'a'
	UNION ALL
	SELECT m.object, 'aggregate',
		   concat_ws(' ', a.aggkind, a.aggtransfn::regprocedure, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
					 a.aggdeserialfn, a.aggtranstype::regtype, a.aggtransspace, a.agginitval,
					 a.aggfinalextra, a.aggfinalmodify, p.proparallel, p.provolatile)
	  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	  JOIN pg_aggregate a ON a.aggfnoid = p.oid
	UNION ALL
	SELECT m.object, 'privileges', coalesce((SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(p.proacl) x), '(default)')
	  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	UNION ALL
	-- relations: kind, options, privileges, row security, columns in order,
	-- constraints, indexes, triggers, policies, view text
	SELECT m.object, 'relation',
		   concat_ws(' ', c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,
					 (SELECT string_agg(o, ',' ORDER BY o) FROM unnest(c.reloptions) o),
					 (SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(c.relacl) x))
	  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	UNION ALL
	SELECT m.object, format('column %s', a.attnum),
		   concat_ws(' ', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
					 CASE WHEN a.attnotnull THEN 'NOT NULL' END,
					 'DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid),
					 nullif(a.attidentity, ''), nullif(a.attgenerated, ''),
					 CASE WHEN a.attcollation <> 0 THEN (SELECT 'COLLATE ' || collname FROM pg_collation WHERE oid = a.attcollation) END,
					 '-- ' || col_description(c.oid, a.attnum))
	  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
	UNION ALL
	SELECT m.object, 'constraint ' || co.conname, pg_get_constraintdef(co.oid)
	  FROM members m JOIN pg_constraint co ON m.classid = 'pg_class'::regclass AND co.conrelid = m.objid
	UNION ALL
	SELECT m.object, 'index', pg_get_indexdef(i.indexrelid)
	  FROM members m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
	UNION ALL
	SELECT m.object, 'trigger ' || t.tgname, pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
	  FROM members m JOIN pg_trigger t ON m.classid = 'pg_class'::regclass AND t.tgrelid = m.objid
	 WHERE NOT t.tgisinternal
	UNION ALL
	SELECT m.object, 'policy ' || p.polname,
		   concat_ws(' ', p.polcmd, p.polpermissive, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
	  FROM members m JOIN pg_policy p ON m.classid = 'pg_class'::regclass AND p.polrelid = m.objid
	UNION ALL
	SELECT m.object, 'view', pg_get_viewdef(c.oid)
	  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	 WHERE c.relkind IN ('v', 'm')
	UNION ALL
	SELECT m.object, 'sequence',
		   concat_ws(' ', s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
	  FROM members m JOIN pg_sequence s ON m.classid = 'pg_class'::regclass AND s.seqrelid = m.objid
	UNION ALL
	-- types: base types with their functions and storage, composite types
	-- with their fields, domains with their constraints
	SELECT m.object, 'type',
		   concat_ws(' ', t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory,
					 t.typinput, t.typoutput, t.typreceive, t.typsend, t.typbasetype::regtype, t.typnotnull,
					 (SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(t.typacl) x))
	  FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
	UNION ALL
	SELECT m.object, format('field %s', a.attnum),
		   concat_ws(' ', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), '-- ' || col_description(t.typrelid, a.attnum))
	  FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
	  JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT m.object, 'domain constraint ' || co.conname, pg_get_constraintdef(co.oid)
	  FROM members m JOIN pg_constraint co ON m.classid = 'pg_type'::regclass AND co.contypid = m.objid
	UNION ALL
	SELECT m.object, 'schema',
		   coalesce((SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(n.nspacl) x), '(default)')
	  FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
	UNION ALL
	-- what pg_dump dumps of the extension's tables
	SELECT 'extension dormancy', 'dumps ' || x.tab::regclass::text, coalesce(nullif(x.cond, ''), '(all rows)')
	  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(tab, cond)
	 WHERE e.extname = 'dormancy'
	UNION ALL
	SELECT 'extension dormancy', 'settings', concat_ws(' ', e.extrelocatable, e.extnamespace::regnamespace, e.extversion)
	  FROM pg_extension e WHERE e.extname = 'dormancy'
	UNION ALL
	-- the role the extension makes
	SELECT 'role ' || r.rolname, 'attributes',
		   concat_ws(' ', r.rolcanlogin, r.rolinherit, r.rolsuper, shobj_description(r.oid, 'pg_authid'))
	  FROM pg_roles r WHERE r.rolname = 'dormancy_reader'
)
SELECT object || ' | ' || fact || ' | ' || detail FROM facts
ORDER BY 1;

-- the rows of the extension's tables (the installed defaults), optional
\if :data
SELECT format('SELECT %L || '' | '' || t::text FROM %s t ORDER BY 1', c.oid::regclass::text || ' row', c.oid::regclass)
  FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND c.relkind IN ('r', 'p')
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'dormancy')
 ORDER BY 1 \gexec
\endif
