/*
 * join_order.c
 *		On a Citus coordinator, queries that read the extension's views are
 *		planned with their joins in the order the views write them.
 *
 * customer_status joins some fifteen relations (the customers, their
 * histories, the optional sources, the settings, the per-customer
 * evaluations).  PostgreSQL's join search tries many orders of them; Citus
 * records each join it tries, and for every subquery it plans on its own (a
 * lookup of one customer plans 37) walks all of those joins again: on the
 * test cluster 94% of a point lookup's time was Citus's planning
 * (docs/scaling-out.md, Looking up one customer).  The views are written in
 * the order they are meant to be joined (each source joined to the customer
 * by its id), so the search finds nothing better: with join_collapse_limit =
 * 1 while such a query is planned, a lookup on the test cluster took 0.27 s
 * instead of 0.7 to 0.9 s, with the same answers and the same shard tasks.
 *
 * dormancy.join_order: auto (the default) keeps the written order while the
 * citus extension exists in the database, and leaves the planner free
 * elsewhere (on one server the search costs milliseconds and the plans were
 * the same); written and planner force either.  Only queries that read a
 * view of the extension's schema are touched, and the user's own
 * join_collapse_limit is in force again once the query is planned (also when
 * planning fails: the transaction's or subtransaction's end restores it).
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/planner.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "jit_guard.h"
#include "join_order.h"

typedef enum JoinOrder
{
	JOIN_ORDER_AUTO,
	JOIN_ORDER_WRITTEN,
	JOIN_ORDER_PLANNER
} JoinOrder;

static const struct config_enum_entry join_order_options[] = {
	{"auto", JOIN_ORDER_AUTO, false},
	{"written", JOIN_ORDER_WRITTEN, false},
	{"planner", JOIN_ORDER_PLANNER, false},
	{NULL, 0, false}
};

static int	dormancy_join_order = JOIN_ORDER_AUTO;

static planner_hook_type prev_planner = NULL;

/*
 * Does the query read a view of the extension's schema?  Once rewritten, a
 * view is a subquery whose range table keeps the view's own entry (for its
 * permission check), so every range table, at every level, is looked at.
 */
static bool
ReadsExtensionView(Node *node, Oid *schema)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		return rte->rtekind == RTE_RELATION && rte->relkind == RELKIND_VIEW &&
			get_rel_namespace(rte->relid) == *schema;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, ReadsExtensionView, schema,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, ReadsExtensionView, schema);
}

/*
 * Planned for every query of the session once the library is loaded: the
 * cheap tests first (the setting, then the cached schema and Citus's
 * presence), the walk of the query last.
 */
static bool
KeepWrittenOrder(Query *parse)
{
	Oid			schema;

	if (dormancy_join_order == JOIN_ORDER_PLANNER)
		return false;
	schema = DormancyExtensionSchema();
	if (!OidIsValid(schema))
		return false;
	if (dormancy_join_order == JOIN_ORDER_AUTO && !DormancyCitusPresent())
		return false;
	return ReadsExtensionView((Node *) parse, &schema);
}

static PlannedStmt *
DormancyPlanner(Query *parse, const char *query_string, int cursorOptions,
				ParamListInfo boundParams)
{
	PlannedStmt *result;
	int			nest_level = -1;

	if (KeepWrittenOrder(parse))
	{
		nest_level = NewGUCNestLevel();
		(void) set_config_option("join_collapse_limit", "1", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	if (prev_planner)
		result = prev_planner(parse, query_string, cursorOptions, boundParams);
	else
		result = standard_planner(parse, query_string, cursorOptions, boundParams);
	if (nest_level >= 0)
		AtEOXact_GUC(true, nest_level);
	return result;
}

void
DormancyDefineJoinOrder(void)
{
	DefineCustomEnumVariable("dormancy.join_order",
							 "Plans queries that read the extension's views with their joins in the order the views write them.",
							 "auto (the default): the written order on a Citus coordinator (the citus extension "
							 "exists in the database), the planner's search elsewhere; written and planner force "
							 "either. The written order is join_collapse_limit = 1 while such a query is planned.",
							 &dormancy_join_order,
							 JOIN_ORDER_AUTO,
							 join_order_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	prev_planner = planner_hook;
	planner_hook = DormancyPlanner;
}
