/*
 * state_notes.c
 *		The state changes of a refresh that writes the snapshot in place,
 *		noted by the write itself.
 *
 * A refresh appends to dormancy.status_history each customer whose state
 * changed.  Written in place, the snapshot's rows are updated by one MERGE,
 * which in PostgreSQL 15 has no RETURNING; the refresh used to copy every
 * previous state out of the snapshot before it (a scan of the whole wide
 * table) and every new one after it (another), then join the two: 6.9 s of
 * a 66.5 s next-day refresh at 1,000,000 customers, for the 0.2% whose state
 * changes.  Instead the MERGE passes each row's state through
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
 * The notes live in a memory context of the transaction, made by
 * dormancy._state_notes_begin() (which drops those of any earlier call in
 * the transaction); the end of the transaction frees them with it.  The
 * functions are internal (EXECUTE revoked from PUBLIC); a caller can only
 * note into, and read, its own backend's list.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(dormancy_state_notes_begin);
PG_FUNCTION_INFO_V1(dormancy_state_noted);
PG_FUNCTION_INFO_V1(dormancy_state_notes);

typedef struct StateNote
{
	text	   *customer_key;
	bool		matched;		/* the snapshot had a row for it */
	text	   *from_state;		/* NULL: no previous row, or its state NULL */
	text	   *to_state;
} StateNote;

static MemoryContext notes_context = NULL;
/* the transaction the context belongs to (freed with it) */
static LocalTransactionId notes_lxid = InvalidLocalTransactionId;
static StateNote *notes = NULL;
static int	notes_count = 0;
static int	notes_allocated = 0;
/* the key of the last row matched (its bytes), and whether there is one */
static char *last_key = NULL;
static Size last_key_len = 0;
static Size last_key_allocated = 0;
static bool last_key_set = false;

/* Whether the notes of this transaction exist (else they were freed). */
static bool
notes_valid(void)
{
	return notes_context != NULL && notes_lxid == MyProc->lxid;
}

static bool
text_equal(text *a, text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b)
		&& memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
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
	if (notes_valid())
		MemoryContextDelete(notes_context);
	notes_context = AllocSetContextCreate(TopTransactionContext,
										  "dormancy state notes",
										  ALLOCSET_DEFAULT_SIZES);
	notes_lxid = MyProc->lxid;
	notes = NULL;
	notes_count = 0;
	notes_allocated = 0;
	last_key = NULL;
	last_key_len = 0;
	last_key_allocated = 0;
	last_key_set = false;
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
	MemoryContext old;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("customer key, matched and stamp must not be null")));
	if (!notes_valid())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("state changes are not being noted in this transaction"),
				 errhint("Only dormancy.refresh() calls this function.")));
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
		StateNote  *note;

		old = MemoryContextSwitchTo(notes_context);
		if (notes_count == notes_allocated)
		{
			notes_allocated = notes_allocated == 0 ? 256 : notes_allocated * 2;
			if ((Size) notes_allocated * sizeof(StateNote) > MaxAllocSize)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many state changes to note in one refresh")));
			notes = notes == NULL ? palloc(notes_allocated * sizeof(StateNote))
				: repalloc(notes, notes_allocated * sizeof(StateNote));
		}
		note = &notes[notes_count++];
		note->customer_key = (text *) pg_detoast_datum_copy((struct varlena *) key);
		note->matched = matched;
		note->from_state = from_state == NULL ? NULL
			: (text *) pg_detoast_datum_copy((struct varlena *) from_state);
		note->to_state = to_state == NULL ? NULL
			: (text *) pg_detoast_datum_copy((struct varlena *) to_state);
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
	int			i;

	if (!notes_valid())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("state changes are not being noted in this transaction"),
				 errhint("Only dormancy.refresh() calls this function.")));
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < notes_count; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = PointerGetDatum(notes[i].customer_key);
		values[1] = BoolGetDatum(notes[i].matched);
		values[2] = PointerGetDatum(notes[i].from_state);
		nulls[2] = notes[i].from_state == NULL;
		values[3] = PointerGetDatum(notes[i].to_state);
		nulls[3] = notes[i].to_state == NULL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
