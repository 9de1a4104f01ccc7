--
-- The indexes on the bound tables' customer columns, for the live view
-- customer_column_indexes (sql_src/70_views.sql).
--

-- The bound tables (sources of dormancy.bindings, and each partition or
-- inheritance child of them) with their customer column and the index that
-- serves a lookup by it: a valid B-tree or hash index whose first column is
-- the customer column (in its collation), either whole or partial with the predicate
-- "customer column IS NOT NULL" (the views ask only for ids that are not
-- NULL; another predicate could leave a customer's rows out of the index).
-- Views and foreign tables are listed with indexed NULL: the indexes of
-- what they read are not visible here.  A partitioned table holds no rows:
-- its partitions are listed.  SECURITY DEFINER, so that a reader needs no
-- grant on dormancy.bindings: it takes no argument and returns what the
-- catalogs and the adapters' definitions (pg_views) show anyone, the bound
-- relations and their customer columns.
--
-- For the orders also the index that covers them: a valid B-tree index whose
-- first column is the customer column (whole, or partial as above) and whose
-- columns, key or INCLUDE, hold every other bound column of the orders, so
-- that the purchase histories, folded in the customers' order through that
-- index, read only the index (an index-only scan, on the pages VACUUM has
-- marked all-visible) instead of fetching each order row from the table in
-- the index's order: for orders written over time, one table page per row.
-- other_columns: those other bound columns, in the table's column order.
--
-- A bound outreach table whose customer column is text (text, varchar or
-- char, or a domain over one) is read by the key of the column,
-- dormancy.outreach_customer_key(column) (_outreach_adapter): a lookup uses
-- an index whose first column is that expression, not the column itself.
-- lookup_key: what a lookup's index starts with, as CREATE INDEX takes it.
CREATE FUNCTION dormancy._customer_column_indexes()
	RETURNS TABLE (source text, table_name regclass, column_name name, relation_kind text,
				   index_name regclass, estimated_rows bigint, index_on regclass,
				   covering_index regclass, other_columns name[], lookup_key text)
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.source, m.relid::regclass, b.col,
		   CASE c.relkind WHEN 'r' THEN 'table' WHEN 'm' THEN 'materialized view'
						  WHEN 'v' THEN 'view' WHEN 'f' THEN 'foreign table' END,
		   x.lookup_index,
		   CASE WHEN c.relkind IN ('r', 'm') THEN greatest(c.reltuples, 0)::bigint END,
		   -- where a missing index is best made: on a bound partitioned
		   -- table, whose partitions (those to come too) then all get one
		   CASE WHEN b.relkind = 'p' THEN b.relation ELSE m.relid::regclass END,
		   CASE WHEN b.source = 'orders' THEN x.covering_index END,
		   CASE WHEN b.source = 'orders' THEN b.others END,
		   CASE WHEN b.key_type IS NULL THEN quote_ident(b.col)
				WHEN b.key_type = 'bpchar'::regtype
				THEN format('(dormancy.outreach_customer_key(%I)::pg_catalog.bpchar)', b.col)
				ELSE format('dormancy.outreach_customer_key(%I)', b.col) END
	  FROM (SELECT b.source, b.relation, r.relkind,
				   dormancy._binding_customer_column(b.source, b.columns) AS col,
				   -- the type of a column read by its key (above), else NULL
				   (SELECT kt.base
					  FROM pg_attribute ka CROSS JOIN LATERAL dormancy._base_type(ka.atttypid) kt
					 WHERE b.source = 'outreach' AND ka.attrelid = b.relation AND NOT ka.attisdropped
					   AND ka.attname = dormancy._binding_customer_column(b.source, b.columns)
					   AND kt.base IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)) AS key_type,
				   -- the other bound columns (a column bound twice, once), in the
				   -- bound relation's column order: one statement for all its
				   -- partitions, whose columns may lie in other orders
				   ARRAY(SELECT a.attname FROM pg_attribute a
						  WHERE a.attrelid = b.relation AND a.attnum > 0 AND NOT a.attisdropped
							AND a.attname::text IN (SELECT e.value FROM jsonb_each_text(b.columns) e)
							AND a.attname IS DISTINCT FROM dormancy._binding_customer_column(b.source, b.columns)
						  ORDER BY a.attnum) AS others
			  FROM dormancy.bindings b
			  JOIN pg_class r ON r.oid = b.relation) b
	 CROSS JOIN LATERAL unnest(dormancy._orders_members(b.relation)) m(relid)
	  JOIN pg_class c ON c.oid = m.relid
	 -- the indexes that serve a lookup by the customer column (above): the
	 -- first of them, a full index before a partial one, and the first
	 -- B-tree one that also gives the customers' order (an operator class
	 -- of a family with a default one, such as varchar_ops beside text_ops:
	 -- not text_pattern_ops, which serves = but sorts otherwise) and whose
	 -- columns, key or INCLUDE, hold every other bound column
	 CROSS JOIN LATERAL (
		SELECT (pg_catalog.array_agg(i.indexrelid::regclass ORDER BY i.indpred IS NOT NULL, ic.relname))[1] AS lookup_index,
			   (pg_catalog.array_agg(i.indexrelid::regclass ORDER BY i.indpred IS NOT NULL, ic.relname)
				  FILTER (WHERE am.amname = 'btree'
							AND EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_opclass d
											  ON d.opcmethod = oc.opcmethod AND d.opcfamily = oc.opcfamily AND d.opcdefault
										 WHERE oc.oid = i.indclass[0])
							AND NOT EXISTS (SELECT 1
											  FROM pg_attribute oa
											 WHERE oa.attrelid = c.oid AND oa.attname = ANY (b.others)
											   AND NOT oa.attnum = ANY (i.indkey::int2[]))))[1] AS covering_index
		  FROM pg_index i
		  JOIN pg_class ic ON ic.oid = i.indexrelid
		  JOIN pg_am am ON am.oid = ic.relam
		  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = b.col AND NOT a.attisdropped
		 WHERE i.indrelid = c.oid AND i.indisvalid
		   -- the column, or for a column read by its key the key of it, as
		   -- pg_get_indexdef writes the adapter's expression (a varchar
		   -- column cast to text; a char one to text and the key back to
		   -- char, whose operators the text index would not serve)
		   AND CASE WHEN b.key_type IS NULL THEN i.indkey[0] = a.attnum
					WHEN b.key_type = 'bpchar'::regtype
					THEN i.indkey[0] = 0
						 AND pg_get_indexdef(i.indexrelid, 1, false)
							 = format('((dormancy.outreach_customer_key((%I)::text))::bpchar)', b.col)
					ELSE i.indkey[0] = 0
						 AND pg_get_indexdef(i.indexrelid, 1, false)
							 IN (format('dormancy.outreach_customer_key(%I)', b.col),
								 format('dormancy.outreach_customer_key((%I)::text)', b.col)) END
		   AND am.amname IN ('btree', 'hash')
		   -- in the column's collation: an index on code COLLATE "C" (the
		   -- column in another one) serves neither = nor the grouping
		   AND i.indcollation[0] = a.attcollation
		   AND (i.indpred IS NULL
				OR pg_get_expr(i.indpred, i.indrelid) = format('(%I IS NOT NULL)', b.col))) x
	 -- a partitioned table holds no rows; a parent of inheritance children
	 -- that ANALYZE found empty is left out likewise (one never analyzed is
	 -- listed: it may hold rows)
	 WHERE c.relkind IN ('r', 'm', 'v', 'f')
	   AND NOT (c.relhassubclass AND c.relkind = 'r' AND c.reltuples = 0)
$$;
COMMENT ON FUNCTION dormancy._customer_column_indexes() IS
	'internal: each bound table (and partition or child) with its customer column, the index a lookup of one customer uses (on the column, or on its key dormancy.outreach_customer_key for a bound outreach table with text ids) and, for the orders, the index that covers every bound column (dormancy.customer_column_indexes)';
