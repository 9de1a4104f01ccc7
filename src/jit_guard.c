/*
 * jit_guard.c
 *		Queries that read the extension's views and tables, or call its
 *		functions, run without JIT.
 *
 * Their work is in the extension's C functions, which PostgreSQL's JIT does
 * not compile, while compiling the SQL around them costs time per query
 * (docs/operations.md, JIT and planner statistics: unoptimised JIT code made
 * customer_status 26% slower at 1,000,000 customers, optimised JIT took 7 s
 * to compile and won them back at best).  Honest plan costs cannot keep such
 * queries below jit_above_cost: the bare GROUP BY over ten million orders is
 * above it.  So once the library is loaded, an executor hook starts every
 * query whose range table holds a relation of the extension's schema, or
 * whose plan calls one of its functions (its invalItems), with JIT off,
 * unless dormancy.jit is on: on one server, on a Citus worker running a
 * shard's task, on a postgres_fdw shard running the shipped aggregate.  The hook must be in place before the
 * query starts, so planning the views loads the library: the evaluation
 * views call _single_row or _stored_histories, whose planner support is in
 * it, and the functions the other views call (as_of_day, _local_time, the
 * history aggregates' transitions, label_key, outreach_customer_key, label,
 * labels) have a planner
 * support that answers nothing (_plan_support, below), called while the
 * plan is costed.  Not covered, as the first query of a session: a plain
 * table of the extension, the adapters (src_*), the few small views that
 * call none of those functions, and queries that call only functions
 * without a planner support.
 *
 * The plan itself is not changed (it may be a cached one, reused under other
 * settings): the executor gets a copy of the statement without JIT flags.
 */
#include "postgres.h"

#include "fmgr.h"
#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "jit/jit.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "jit_guard.h"

/* dormancy.jit: let PostgreSQL decide on JIT for the extension's queries too */
static bool dormancy_jit = false;

static ExecutorStart_hook_type prev_ExecutorStart = NULL;

PG_FUNCTION_INFO_V1(dormancy_plan_support);

/*
 * Planner support that answers no request (the planner then uses the
 * function's declared cost, rows and selectivity, as without it): calling
 * it loads the library while the query is planned.
 */
Datum
dormancy_plan_support(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(NULL);
}

/*
 * The extension's schema and the PROCOID hash values of its functions, as
 * the planner records them in a plan's invalItems (every function a plan
 * calls that is not built in), sorted; rebuilt after any change to pg_proc.
 * Also whether the citus extension exists (src/join_order.c): creating or
 * dropping it creates or drops functions, so the same invalidation covers it.
 */
static bool extension_known = false;
static Oid	extension_schema = InvalidOid;
static bool citus_present = false;
static uint32 *function_hashes = NULL;
static int	nfunction_hashes = 0;
static uint64 pg_proc_changes = 0;	/* invalidations seen */

static void
ForgetExtension(Datum arg, int cacheid, uint32 hashvalue)
{
	pg_proc_changes++;
	extension_known = false;
}

static int
CompareHashes(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return (x > y) - (x < y);
}

/*
 * Read the schema and the functions' hashes.  Collected in the current
 * context and kept only once read whole (an error or a cancel leaves the
 * previous ones and the next query reads again); a change to pg_proc while
 * they are read leaves them to be read again by the next query.
 */
static void
LearnExtension(void)
{
	uint64		changes_before = pg_proc_changes;
	Oid			schema = InvalidOid;
	bool		citus = OidIsValid(get_extension_oid("citus", true));
	int			allocated = 256;
	uint32	   *hashes = palloc(allocated * sizeof(uint32));
	int			n = 0;

	/* the extension is not relocatable: its schema is dormancy (dormancy.control) */
	if (OidIsValid(get_extension_oid("dormancy", true)))
		schema = get_namespace_oid("dormancy", true);
	if (OidIsValid(schema))
	{
		Relation	rel = table_open(ProcedureRelationId, AccessShareLock);
		SysScanDesc scan;
		ScanKeyData key;
		HeapTuple	tuple;

		ScanKeyInit(&key, Anum_pg_proc_pronamespace, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(schema));
		scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Oid			funcid = ((Form_pg_proc) GETSTRUCT(tuple))->oid;

			if (n == allocated)
			{
				allocated *= 2;
				hashes = repalloc(hashes, allocated * sizeof(uint32));
			}
			hashes[n++] = GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(funcid));
		}
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
		qsort(hashes, n, sizeof(uint32), CompareHashes);
	}
	{
		uint32	   *kept = MemoryContextAlloc(TopMemoryContext, Max(n, 1) * sizeof(uint32));

		memcpy(kept, hashes, n * sizeof(uint32));
		if (function_hashes != NULL)
			pfree(function_hashes);
		function_hashes = kept;
	}
	nfunction_hashes = n;
	extension_schema = schema;
	citus_present = citus;
	pfree(hashes);
	extension_known = (pg_proc_changes == changes_before);
}

/* The extension's schema (InvalidOid while the extension is not created). */
Oid
DormancyExtensionSchema(void)
{
	if (!extension_known)
		LearnExtension();
	return extension_schema;
}

/* Whether the citus extension exists in the database. */
bool
DormancyCitusPresent(void)
{
	if (!extension_known)
		LearnExtension();
	return citus_present;
}

/*
 * Does the statement read a relation (view or table) of the extension's
 * schema, or call one of its functions?  (A function is known by its hash
 * value: another function of the same 32-bit hash would also run without
 * JIT, which costs nothing but JIT's gain.)
 */
static bool
IsExtensionQuery(PlannedStmt *stmt)
{
	ListCell   *lc;

	if (!OidIsValid(DormancyExtensionSchema()))
		return false;
	/* a view's own entry stays in the range table (for its permission check) */
	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		if (rte->rtekind == RTE_RELATION && get_rel_namespace(rte->relid) == extension_schema)
			return true;
	}
	foreach(lc, stmt->invalItems)
	{
		PlanInvalItem *item = lfirst_node(PlanInvalItem, lc);

		if (item->cacheId == PROCOID &&
			bsearch(&item->hashValue, function_hashes, nfunction_hashes, sizeof(uint32),
					CompareHashes) != NULL)
			return true;
	}
	return false;
}

static void
DormancyExecutorStart(QueryDesc *queryDesc, int eflags)
{
	PlannedStmt *stmt = queryDesc->plannedstmt;

	/* only a plan that would be compiled is looked at: those are costly anyway */
	if (!dormancy_jit && (stmt->jitFlags & PGJIT_PERFORM) != 0 && IsExtensionQuery(stmt))
	{
		PlannedStmt *copy = palloc(sizeof(PlannedStmt));

		memcpy(copy, stmt, sizeof(PlannedStmt));
		copy->jitFlags = PGJIT_NONE;
		queryDesc->plannedstmt = copy;
	}
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

void
DormancyDefineJitGuard(void)
{
	DefineCustomBoolVariable("dormancy.jit",
							 "Lets PostgreSQL JIT-compile queries that read the extension's views and tables or call its functions.",
							 "Off (the default), such queries run without JIT whatever jit and its costs say: "
							 "their work is in C functions that JIT does not compile. On, jit decides as for "
							 "any query.",
							 &dormancy_jit,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	CacheRegisterSyscacheCallback(PROCOID, ForgetExtension, (Datum) 0);
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = DormancyExecutorStart;
}
