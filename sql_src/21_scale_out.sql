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
