/*
 * state_notes.c
 *		The state changes of a refresh that writes the snapshot in place,
 *		noted by the write itself.
 *
 * A refresh appends to dormancy.status_history each customer whose state
 * changed.  Written in place, the snapshot's rows are updated by one MERGE,
 * which in PostgreSQL 15 has no RETURNING; the refresh used to copy every
 * previous state out of the snapshot before it (a scan of the whole wide
 * table) and every new one after it (another), then join the two: 8.7 to
 * 9.7 s of a next-day refresh at 1,000,000 customers (1.5 s now), for the
 * 0.2% whose state changes.  Instead the MERGE passes each row's state through
 * dormancy._state_noted(), which sees the previous and the new state side
 * by side and keeps, in the backend, only the customers inserted and those
 * whose state changed; dormancy._state_notes() hands them back.
 *
 * The same call guards what writing in place needs (the refresh then
 * replaces the snapshot whole, as before): a snapshot row already stamped
 * with this run's time, and a customer key held twice by the snapshot.  The
 * MERGE finds a customer's snapshot rows by an index lookup for each row of
 * customer_status (_refresh_work writes the condition so that the planner
 * has no other join), so the rows of one key are matched one after the
 * other: a key matched twice in a row is a key held twice.  Both raise
 * cardinality_violation, which the refresh catches, as it catches the
 * MERGE's own (customer_status listing a customer twice).
 *
 * The notes are kept in a tuplestore bounded by work_mem (beyond it, a
 * temporary file: a rule edited may change the state of most customers),
 * in a memory context of the transaction made by
 * dormancy._state_notes_begin() (which drops those of any earlier call in
 * the transaction); the end of the transaction frees them with it.  Their
 * temporary file belongs to the top transaction's resource owner (the
 * notes outlive the statements that write and read them): ended before a
 * commit, and when the subtransaction that began them aborts.  The
 * functions are internal (EXECUTE revoked from PUBLIC); a caller can only
 * note into, and read, its own backend's notes.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(dormancy_state_notes_begin);
PG_FUNCTION_INFO_V1(dormancy_state_noted);
PG_FUNCTION_INFO_V1(dormancy_state_notes);

/* a note: customer_key text, matched boolean, from_state text, to_state text */
#define NOTE_COLUMNS 4

static MemoryContext notes_context = NULL;
/* the transaction the context belongs to (freed with it) */
static LocalTransactionId notes_lxid = InvalidLocalTransactionId;
static Tuplestorestate *notes = NULL;
static TupleDesc notes_desc = NULL;
/* subtransaction nesting level that began them */
static int	notes_level = 0;
static bool callbacks_registered = false;
/* the key of the last row matched (its bytes), and whether there is one */
static char *last_key = NULL;
static Size last_key_len = 0;
static Size last_key_allocated = 0;
static bool last_key_set = false;

/* Whether the notes of this transaction exist (else they were freed). */
static bool
notes_valid(void)
{
	return notes != NULL && notes_lxid == MyProc->lxid;
}

/*
 * Forget the notes (their memory is the transaction's; after an abort, the
 * top transaction's resource owner closes their temporary file).
 */
static void
forget_notes(void)
{
	notes = NULL;
	notes_desc = NULL;
	notes_context = NULL;
	notes_lxid = InvalidLocalTransactionId;
	notes_level = 0;
	last_key = NULL;
	last_key_len = 0;
	last_key_allocated = 0;
	last_key_set = false;
}

/*
 * Before a commit, end the tuplestore (a temporary file left open would be
 * reported as leaked); after an abort, forget it.
 */
static void
NotesXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (notes_valid())
				tuplestore_end(notes);
			forget_notes();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			forget_notes();
			break;
		default:
			break;
	}
}

/* The abort of the subtransaction that began them ends them too. */
static void
NotesSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	int			level;

	if (notes == NULL)
		return;
	level = GetCurrentTransactionNestLevel();
	if (event == SUBXACT_EVENT_ABORT_SUB && notes_level >= level)
	{
		tuplestore_end(notes);
		MemoryContextDelete(notes_context);
		forget_notes();
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB && notes_level >= level)
		notes_level = level - 1;
}

static bool
text_equal(text *a, text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b)
		&& memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static void
notes_not_begun(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("state changes are not being noted in this transaction"),
			 errhint("Only dormancy.refresh() calls this function.")));
}

/* Whether key is the last key matched; it becomes the last key matched. */
static bool
same_as_last_key(text *key)
{
	Size		len = VARSIZE_ANY_EXHDR(key);
	bool		same = last_key_set && len == last_key_len
		&& memcmp(last_key, VARDATA_ANY(key), len) == 0;

	if (len > last_key_allocated)
	{
		last_key_allocated = Max(len, 64);
		last_key = last_key == NULL ? MemoryContextAlloc(notes_context, last_key_allocated)
			: repalloc(last_key, last_key_allocated);
	}
	if (len > 0)
		memcpy(last_key, VARDATA_ANY(key), len);
	last_key_len = len;
	last_key_set = true;
	return same;
}

/* SQL: dormancy._state_notes_begin() returns void */
Datum
dormancy_state_notes_begin(PG_FUNCTION_ARGS)
{
	MemoryContext old;
	ResourceOwner owner;

	if (!callbacks_registered)
	{
		RegisterXactCallback(NotesXactCallback, NULL);
		RegisterSubXactCallback(NotesSubXactCallback, NULL);
		callbacks_registered = true;
	}
	if (notes_valid())
	{
		tuplestore_end(notes);
		MemoryContextDelete(notes_context);
	}
	forget_notes();
	notes_level = GetCurrentTransactionNestLevel();
	notes_context = AllocSetContextCreate(TopTransactionContext,
										  "dormancy state notes",
										  ALLOCSET_DEFAULT_SIZES);
	notes_lxid = MyProc->lxid;
	old = MemoryContextSwitchTo(notes_context);
	notes_desc = CreateTemplateTupleDesc(NOTE_COLUMNS);
	TupleDescInitEntry(notes_desc, 1, "customer_key", TEXTOID, -1, 0);
	TupleDescInitEntry(notes_desc, 2, "matched", BOOLOID, -1, 0);
	TupleDescInitEntry(notes_desc, 3, "from_state", TEXTOID, -1, 0);
	TupleDescInitEntry(notes_desc, 4, "to_state", TEXTOID, -1, 0);
	/* (the store opens its file, once it outgrows work_mem, for this owner) */
	owner = CurrentResourceOwner;
	CurrentResourceOwner = TopTransactionResourceOwner;
	notes = tuplestore_begin_heap(false, false, work_mem);
	CurrentResourceOwner = owner;
	MemoryContextSwitchTo(old);
	PG_RETURN_VOID();
}

/*
 * SQL: dormancy._state_noted(customer_key text, matched boolean,
 *		previous_refreshed_at timestamptz, stamp timestamptz,
 *		from_state text, to_state text) returns text
 *
 * Returns to_state.  Notes the row when it was not matched (a new
 * customer) or when its state changed.
 */
Datum
dormancy_state_noted(PG_FUNCTION_ARGS)
{
	text	   *key;
	bool		matched;
	text	   *from_state = PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_PP(4);
	text	   *to_state = PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5);
	bool		changed;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("customer key, matched and stamp must not be null")));
	if (!notes_valid())
		notes_not_begun();
	key = PG_GETARG_TEXT_PP(0);
	matched = PG_GETARG_BOOL(1);

	if (matched)
	{
		if (!PG_ARGISNULL(2)
			&& timestamp_cmp_internal(PG_GETARG_TIMESTAMPTZ(2), PG_GETARG_TIMESTAMPTZ(3)) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("a snapshot row already carries this refresh's time"),
					 errdetail("The row of customer key \"%s\" was stamped %s.",
							   text_to_cstring(key),
							   timestamptz_to_str(PG_GETARG_TIMESTAMPTZ(3)))));
		if (same_as_last_key(key))
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("the snapshot holds customer key \"%s\" more than once",
							text_to_cstring(key))));
	}

	if (!matched)
		changed = true;
	else if (from_state == NULL || to_state == NULL)
		changed = (from_state == NULL) != (to_state == NULL);
	else
		changed = !text_equal(from_state, to_state);

	if (changed)
	{
		Datum		values[NOTE_COLUMNS];
		bool		nulls[NOTE_COLUMNS] = {false, false, from_state == NULL, to_state == NULL};
		MemoryContext old;

		values[0] = PointerGetDatum(key);
		values[1] = BoolGetDatum(matched);
		values[2] = PointerGetDatum(from_state);
		values[3] = PointerGetDatum(to_state);
		old = MemoryContextSwitchTo(notes_context);
		tuplestore_putvalues(notes, notes_desc, values, nulls);
		MemoryContextSwitchTo(old);
	}

	if (to_state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(to_state);
}

/*
 * SQL: dormancy._state_notes(OUT customer_key text, OUT matched boolean,
 *		OUT from_state text, OUT to_state text) returns setof record
 *
 * The rows noted since _state_notes_begin(), in the order noted.
 */
Datum
dormancy_state_notes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleTableSlot *slot;
	MemoryContext old;

	if (!notes_valid())
		notes_not_begun();
	InitMaterializedSRF(fcinfo, 0);
	slot = MakeSingleTupleTableSlot(notes_desc, &TTSOpsMinimalTuple);
	old = MemoryContextSwitchTo(notes_context);
	tuplestore_rescan(notes);
	while (tuplestore_gettupleslot(notes, true, false, slot))
	{
		slot_getallattrs(slot);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, slot->tts_values, slot->tts_isnull);
	}
	MemoryContextSwitchTo(old);
	ExecDropSingleTupleTableSlot(slot);
	return (Datum) 0;
}
