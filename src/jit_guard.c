/*
 * jit_guard.c
 *		Queries that read the extension's views and tables run without JIT.
 *
 * Their work is in the extension's C functions, which PostgreSQL's JIT does
 * not compile, while compiling the SQL around them costs time per query
 * (docs/operations.md, JIT and planner statistics: unoptimised JIT code made
 * customer_status 26% slower at 1,000,000 customers, optimised JIT took 7 s
 * to compile and won them back at best).  Honest plan costs cannot keep such
 * queries below jit_above_cost: the bare GROUP BY over ten million orders is
 * above it.  So once the library is loaded, an executor hook starts every
 * query whose range table holds a relation of the extension's schema with
 * JIT off, unless dormancy.jit is on.  The hook must be in place before the
 * query starts, so planning the views loads the library: the evaluation
 * views call _single_row or _stored_histories, whose planner support is in
 * it, and the functions the other views call (as_of_day, _local_time, the
 * history aggregates' transitions, label_key, label, labels) have a planner
 * support that answers nothing (_plan_support, below), called while the
 * plan is costed.  Not covered, as the first query of a session: a plain
 * table of the extension, the adapters (src_*) and the few small views that
 * call none of those functions.
 *
 * The plan itself is not changed (it may be a cached one, reused under other
 * settings): the executor gets a copy of the statement without JIT flags.
 */
#include "postgres.h"

#include "fmgr.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "jit/jit.h"
#include "nodes/parsenodes.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

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

/* Does the statement read a relation (view or table) of the extension's schema? */
static bool
ReadsExtensionRelation(PlannedStmt *stmt)
{
	Oid			schema;
	ListCell   *lc;

	/* the extension is not relocatable: its schema is dormancy (dormancy.control) */
	if (!OidIsValid(get_extension_oid("dormancy", true)))
		return false;
	schema = get_namespace_oid("dormancy", true);
	if (!OidIsValid(schema))
		return false;
	/* a view's own entry stays in the range table (for its permission check) */
	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		if (rte->rtekind == RTE_RELATION && get_rel_namespace(rte->relid) == schema)
			return true;
	}
	return false;
}

static void
DormancyExecutorStart(QueryDesc *queryDesc, int eflags)
{
	PlannedStmt *stmt = queryDesc->plannedstmt;

	/* only a plan that would be compiled is looked at: those are costly anyway */
	if (!dormancy_jit && (stmt->jitFlags & PGJIT_PERFORM) != 0 && ReadsExtensionRelation(stmt))
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
							 "Lets PostgreSQL JIT-compile queries that read the extension's views and tables.",
							 "Off (the default), such queries run without JIT whatever jit and its costs say: "
							 "their work is in C functions that JIT does not compile. On, jit decides as for "
							 "any query.",
							 &dormancy_jit,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = DormancyExecutorStart;
}
