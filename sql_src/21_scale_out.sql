--
-- Scale-out: what dormancy needs to know about Citus (docs/scaling-out.md)
--
-- Citus keeps a distributed or reference table's rows in shards on the
-- workers: a trigger on the coordinator's table is refused ("triggers are
-- not supported on distributed tables") and would not see writes made on a
-- worker anyway, so such a table is bound untracked (every refresh reads
-- all of it).  The catalog pg_dist_partition exists only where Citus is
-- installed; it is read through EXECUTE so that these functions are valid
-- without Citus.
--

-- One-row relations, told to the planner.  The views join settings (the
-- as-of day, the source, decline, model and score settings, what is bound,
-- the configuration) as relations of one row, ON dormancy._single_row(col)
-- of one of their columns: always true, and its planner support
-- (src/estimates_sql.c) gives it a selectivity that leaves one row of any
-- such relation.  On one server the planner knows these have one row, and
-- nothing changes.  On a Citus worker each is an intermediate result that
-- the worker's planner takes for 1,000 rows: the task query of
-- customer_status with the evaluation on the workers was priced around
-- 1e30 (each cross join multiplied the rows by 1,000) and JIT-compiled some
-- 250 functions on every shard, 1.6 s a task (docs/scaling-out.md).
-- Over columns of several relations (a ROW of them) it is a join condition,
-- which keeps every row: customer_status joins its settings on one that
-- names the optional sources, so that the settings (with the configuration)
-- are joined after them, not carried through their hash joins.
CREATE FUNCTION dormancy._single_row_support(internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'single_row_support'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._single_row_support(internal) IS
	'internal: planner support of _single_row: the selectivity that leaves one row of the relation (as a join condition over several relations: 1)';
CREATE FUNCTION dormancy._single_row(anyelement)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'single_row'
	LANGUAGE C IMMUTABLE PARALLEL SAFE
	SUPPORT dormancy._single_row_support;
COMMENT ON FUNCTION dormancy._single_row(anyelement) IS
	'internal: true; as a join condition on a column of a one-row relation (settings), it tells the planner that the relation has one row (a Citus worker takes an intermediate result for 1,000); over columns of several relations, a join condition that keeps every row';

-- The Citus kind of a relation: 'distributed', 'reference', 'local' (a
-- Citus local table), or NULL when Citus is not installed or the relation
-- is a plain PostgreSQL one.
CREATE FUNCTION dormancy._citus_table_kind(rel regclass)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind text;
BEGIN
	IF rel IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT CASE WHEN p.partmethod <> ''n'' THEN ''distributed'''
			' WHEN p.repmodel = ''t'' THEN ''reference'' ELSE ''local'' END'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1'
	   INTO kind USING rel;
	RETURN kind;
END
$$;
COMMENT ON FUNCTION dormancy._citus_table_kind(regclass) IS
	'internal: distributed, reference or local when the relation is a Citus table, NULL otherwise';

-- Refuse work that writes to Citus tables from PL/pgSQL while auto_explain
-- explains nested statements: Citus 13.2 then explains each task on its node
-- with the parameters of the PL/pgSQL function around it, the node cannot
-- type them ("could not determine data type of parameter $1"), and the
-- failed EXPLAIN aborts the distributed transaction under the caller
-- ("cache lookup failed for type ...", "current transaction is aborted").
-- Said plainly, before anything is written (docs/scaling-out.md).  The
-- settings are read from pg_settings, which lists them only while
-- auto_explain is loaded (a placeholder SET without it does not count).
CREATE FUNCTION dormancy._refuse_nested_explain(work text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_settings s
				WHERE s.name = 'auto_explain.log_nested_statements' AND s.setting = 'on')
	   AND (SELECT s.setting::integer >= 0 FROM pg_catalog.pg_settings s
			 WHERE s.name = 'auto_explain.log_min_duration') THEN
		RAISE EXCEPTION 'cannot % on Citus while auto_explain explains nested statements', work
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'Citus sends EXPLAIN for each task with the parameters of the extension''s functions, which its nodes cannot type; the failed EXPLAIN aborts the distributed transaction.',
				  HINT = 'Run it in a session with auto_explain.log_nested_statements = off (or auto_explain.log_min_duration = -1).';
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._refuse_nested_explain(text) IS
	'internal: raise feature_not_supported, naming the work, while auto_explain explains nested statements (Citus then aborts the distributed transaction of the extension''s writes)';

-- Whether the bound customers are read on the Citus workers, where their
-- orders are (dormancy.evaluate_on_workers, docs/scaling-out.md): under auto
-- (the default) when the customers are a distributed table; on or off
-- force it; false without Citus.  The adapters read it when they are built
-- (src_customers: otherwise a subquery that Citus collects on the
-- coordinator), fit_models() when it chooses where the fits' states are
-- folded.  The setting may be a placeholder (read before the library is
-- loaded): any boolean spelling counts.
CREATE FUNCTION dormancy._customers_on_workers(customers regclass, orders regclass)
	RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	setting text := coalesce(pg_catalog.lower(pg_catalog.current_setting('dormancy.evaluate_on_workers', true)), '');
	kind text := dormancy._citus_table_kind(coalesce(customers, orders));
BEGIN
	IF kind IS NULL THEN
		RETURN false;
	END IF;
	RETURN CASE WHEN setting IN ('', 'auto') THEN customers IS NOT NULL AND kind = 'distributed'
				ELSE setting::boolean END;
END
$$;
COMMENT ON FUNCTION dormancy._customers_on_workers(regclass, regclass) IS
	'internal: whether the bound customers (else orders) are read on the Citus workers, by dormancy.evaluate_on_workers; false without Citus';

-- Why none of these relations can carry change-tracking triggers because
-- of Citus (NULL: Citus does not stand in the way).
CREATE FUNCTION dormancy._citus_untrackable(members oid[])
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.format('%s is a Citus %s table: its rows are in shards on the workers, where triggers are not supported',
							 x::regclass, k.kind)
	  FROM pg_catalog.unnest(members) WITH ORDINALITY AS m(x, n)
	 CROSS JOIN LATERAL (SELECT dormancy._citus_table_kind(m.x::regclass) AS kind) k
	 WHERE k.kind IS NOT NULL
	 ORDER BY m.n
	 LIMIT 1
$$;
COMMENT ON FUNCTION dormancy._citus_untrackable(oid[]) IS
	'internal: why Citus keeps these relations from carrying change-tracking triggers, NULL when it does not';

-- The table dormancy.status_snapshot is co-located with on Citus: the bound
-- customers (else the orders) when they are a hash-distributed table whose
-- distribution column is the bound customer id; NULL otherwise, and the
-- snapshot is a local table.  Co-located, each worker writes its own
-- customers' rows from the evaluation it ran (docs/scaling-out.md, Refresh
-- on Citus).
CREATE FUNCTION dormancy._snapshot_colocation()
	RETURNS regclass
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b record;
	dist_column text;
BEGIN
	IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT x.relation, dormancy._binding_customer_column(x.source, x.columns) AS id_column
	  INTO b
	  FROM dormancy.bindings x
	 WHERE x.source IN ('customers', 'orders')
	 ORDER BY x.source = 'customers' DESC
	 LIMIT 1;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- hash-distributed by the bound id (no row: not a distributed table)
	EXECUTE 'SELECT pg_catalog.column_to_column_name(p.logicalrelid, p.partkey)'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1 AND p.partmethod = ''h'''
	   INTO dist_column USING b.relation;
	IF dist_column IS NULL OR dist_column IS DISTINCT FROM b.id_column THEN
		RETURN NULL;
	END IF;
	RETURN b.relation;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_colocation() IS
	'internal: on Citus, the distributed table of the customers (or orders) the snapshot is co-located with; NULL: the snapshot is a local table';

-- Whether two Citus tables are co-located (their shards split the same
-- hash ranges over the same nodes).
CREATE FUNCTION dormancy._citus_colocated(a regclass, b regclass)
	RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	same boolean;
BEGIN
	IF a IS NULL OR b IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN false;
	END IF;
	EXECUTE 'SELECT count(DISTINCT p.colocationid) = 1 AND count(*) = 2'
			' FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid IN ($1, $2)'
	   INTO same USING a, b;
	RETURN coalesce(same, false);
END
$$;
COMMENT ON FUNCTION dormancy._citus_colocated(regclass, regclass) IS
	'internal: whether two Citus tables are co-located';

-- Run a DDL statement on dormancy.status_snapshot: with Citus's DDL
-- propagation on when the snapshot is distributed (the bind turns it off
-- while it builds the views, which stay on the coordinator; a distributed
-- table's shards must follow every change of its shape, index and policy).
CREATE FUNCTION dormancy._snapshot_ddl(statement text)
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	saved text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
BEGIN
	IF saved IS NOT NULL AND dormancy._citus_table_kind(pg_catalog.to_regclass('dormancy.status_snapshot')) IS NOT NULL THEN
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
		EXECUTE statement;
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', saved, true);
	ELSE
		EXECUTE statement;
	END IF;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_ddl(text) IS
	'internal: run DDL on dormancy.status_snapshot, propagated to its shards when Citus distributes it';
