/*
 * estimates_sql.c
 *		What the planner cannot know about the views' one-row settings
 *		relations (SQL glue, no computation).
 *
 * The views join settings (the as-of day, source settings, bindings, the
 * configuration) as relations of one row.  On one server the planner knows
 * they have one row.  On a Citus worker each is an intermediate result that
 * the worker's planner takes for 1,000 rows (Citus corrects the scan's own
 * estimate, not the relation's): every such cross join multiplies the
 * estimated rows by 1,000, the task query of customer_status is priced
 * around 1e30 and JIT-compiles for seconds on every shard.
 * dormancy._single_row(column) is always true; its planner support
 * function tells the planner that the condition keeps a fraction that
 * leaves one row of any such relation, so the views state, in a join
 * condition, what they know: this relation has one row.  Over columns of
 * several relations it is a join condition that keeps every row, which ties
 * where a relation is joined to the relations it names.
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/supportnodes.h"

PG_FUNCTION_INFO_V1(single_row);
PG_FUNCTION_INFO_V1(single_row_support);

/* SQL: _single_row(anyelement): true, whatever the value (NULL included). */
Datum
single_row(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(true);
}

/*
 * SQL: planner support of _single_row: a selectivity small enough that the
 * relation's estimate is clamped to one row (a Citus intermediate result is
 * priced at 1,000).  As a join condition (its argument names columns of
 * several relations) it keeps every row: customer_status joins its one-row
 * settings on it to name the relations they must be joined after.
 */
Datum
single_row_support(PG_FUNCTION_ARGS)
{
	Node	   *request = (Node *) PG_GETARG_POINTER(0);

	if (IsA(request, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *selectivity = (SupportRequestSelectivity *) request;

		selectivity->selectivity = selectivity->is_join ? 1.0 : 1e-9;
		PG_RETURN_POINTER(selectivity);
	}
	PG_RETURN_POINTER(NULL);
}
