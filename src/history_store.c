/*
 * history_store.c
 *		The gate through which dormancy.category_histories reads the stored
 *		purchase histories (incremental refresh).
 *
 * The gate is a backend-local flag, not a setting: no SET, ALTER ROLE ... SET
 * or connection option can turn it on.  Only dormancy._read_stored_histories(),
 * whose EXECUTE is revoked from PUBLIC and which the refresh calls for its own
 * transaction, sets it; the end of the transaction, or the abort of the
 * subtransaction that set it, clears it.  Even when it is on, the store is
 * read with the rights of the role that queries (dormancy._stored_histories()
 * is not SECURITY DEFINER), so the gate gives nobody rows they could not read.
 *
 * The gate also decides how many rows dormancy._stored_histories() gives the
 * planner (its support function, below): none while it is closed, the
 * store's size while it is open.  Taken for one row, the stored histories
 * made a nested loop over them look as cheap as a hash join, and a refresh
 * at 1,000,000 customers was seen re-reading their result (a tuplestore
 * spilled to disk) per customer: cancelled after 13 minutes, where the same
 * refresh takes 45 seconds.
 *
 * And whether the current transaction has written the orders (their rows
 * that this transaction inserted, updated or deleted and that are not rolled
 * back), which fit_models() asks before it reads the store instead of the
 * orders: the marks of a write come from statement triggers, so a write in
 * the statement that calls fit_models() has none yet.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/supportnodes.h"
#include "optimizer/plancat.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"

PG_FUNCTION_INFO_V1(dormancy_use_stored_histories);
PG_FUNCTION_INFO_V1(dormancy_read_stored_histories);
PG_FUNCTION_INFO_V1(dormancy_stored_histories_support);
PG_FUNCTION_INFO_V1(dormancy_written_in_transaction);

static bool read_stored = false;
/* subtransaction nesting level that set the flag */
static int	read_stored_level = 0;
static bool callbacks_registered = false;

/* Clear the flag at the end of the transaction. */
static void
ReadStoredXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			read_stored = false;
			read_stored_level = 0;
			break;
		default:
			break;
	}
}

/* Clear the flag when the subtransaction that set it aborts. */
static void
ReadStoredSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
						  SubTransactionId parentSubid, void *arg)
{
	int			level;

	if (!read_stored)
		return;
	level = GetCurrentTransactionNestLevel();
	if (event == SUBXACT_EVENT_ABORT_SUB && read_stored_level >= level)
	{
		read_stored = false;
		read_stored_level = 0;
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB && read_stored_level >= level)
		read_stored_level = level - 1;
}

/* SQL: dormancy._use_stored_histories() */
Datum
dormancy_use_stored_histories(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(read_stored);
}

/*
 * SQL: dormancy._read_stored_histories(boolean)
 *
 * Turning the gate on also turns parallel query off for the rest of the
 * transaction and drops the backend's cached plans: parallel workers do not
 * see the flag, so a worker must never evaluate the gate while it is on.
 */
Datum
dormancy_read_stored_histories(PG_FUNCTION_ARGS)
{
	bool		on = PG_GETARG_BOOL(0);

	if (!callbacks_registered)
	{
		RegisterXactCallback(ReadStoredXactCallback, NULL);
		RegisterSubXactCallback(ReadStoredSubXactCallback, NULL);
		callbacks_registered = true;
	}
	if (on)
	{
		if (IsInParallelMode())
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
					 errmsg("cannot read the stored histories in parallel mode")));
		(void) set_config_option("max_parallel_workers_per_gather", "0",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);
		ResetPlanCache();
		read_stored = true;
		read_stored_level = GetCurrentTransactionNestLevel();
	}
	else
	{
		read_stored = false;
		read_stored_level = 0;
	}
	PG_RETURN_VOID();
}

/*
 * SQL: the planner support of dormancy._stored_histories(): its rows are the
 * rows of dormancy.stored_histories (in the function's schema) as the planner
 * estimates a table's, from its current size, while the gate is open; one
 * (the declared ROWS) while it is closed, when the function returns none.
 * Opening the gate resets the cached plans, so a plan made inside a refresh
 * is made with the store's size.
 */
Datum
dormancy_stored_histories_support(PG_FUNCTION_ARGS)
{
	Node	   *request = (Node *) PG_GETARG_POINTER(0);
	SupportRequestRows *rows_request;
	Oid			store;
	Relation	rel;
	BlockNumber pages;
	double		tuples;
	double		allvisfrac;

	if (!IsA(request, SupportRequestRows) || !read_stored)
		PG_RETURN_POINTER(NULL);
	rows_request = (SupportRequestRows *) request;
	store = get_relname_relid("stored_histories", get_func_namespace(rows_request->funcid));
	if (!OidIsValid(store))
		PG_RETURN_POINTER(NULL);
	rel = table_open(store, AccessShareLock);
	estimate_rel_size(rel, NULL, &pages, &tuples, &allvisfrac);
	table_close(rel, AccessShareLock);
	rows_request->rows = Max(tuples, 1.0);
	PG_RETURN_POINTER(rows_request);
}

/*
 * SQL: dormancy._written_in_transaction(oid[]): whether the current
 * transaction inserted, updated or deleted rows of any of these relations
 * (its live subtransactions included, those rolled back not).  The counts
 * are the backend's own statistics of the transaction, which it keeps per
 * (sub)transaction until the end (pg_stat_get_xact_tuples_inserted and the
 * like add earlier transactions' counts not yet reported, for up to ten
 * seconds in PostgreSQL 15, so they are not used).  A TRUNCATE is not
 * counted: the tracking records it otherwise (an invalidation).  With
 * track_counts off there are no counts, and any write of the transaction
 * counts as one.
 */
Datum
dormancy_written_in_transaction(PG_FUNCTION_ARGS)
{
	ArrayType  *relations = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *oids;
	bool	   *nulls;
	int			n;
	int			i;

	/*
	 * Without track_counts no table counts are kept: then any write of the
	 * transaction (it has a transaction id) answers yes.
	 */
	if (!pgstat_track_counts)
		PG_RETURN_BOOL(TransactionIdIsValid(GetTopTransactionIdIfAny()));
	deconstruct_array(relations, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &oids, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		PgStat_TableStatus *status;
		PgStat_TableXactStatus *trans;

		if (nulls[i])
			continue;
		status = find_tabstat_entry(DatumGetObjectId(oids[i]));
		if (status == NULL)
			continue;
		for (trans = status->trans; trans != NULL; trans = trans->upper)
			if (trans->tuples_inserted > 0 || trans->tuples_updated > 0 || trans->tuples_deleted > 0)
				PG_RETURN_BOOL(true);
	}
	PG_RETURN_BOOL(false);
}
