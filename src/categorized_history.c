/*
 * categorized_history.c
 *		The categorized_history aggregate: one pass over a customer's orders
 *		gives its purchase history, its order rows, its categories and each
 *		category's last purchase day up to as_of (the state is in
 *		core/categorized.c).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "history_type.h"
#include "core/categorized.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

PG_FUNCTION_INFO_V1(categorized_history_trans_date);
PG_FUNCTION_INFO_V1(categorized_history_trans_timestamp);
PG_FUNCTION_INFO_V1(categorized_history_trans_timestamptz);
PG_FUNCTION_INFO_V1(categorized_history_combine);
PG_FUNCTION_INFO_V1(categorized_history_serialize);
PG_FUNCTION_INFO_V1(categorized_history_deserialize);
PG_FUNCTION_INFO_V1(categorized_history_final);

/*
 * Arguments of the transition functions: 0 state, 1 ordered_at, 2 amount,
 * 3 discounted, 4 category, 5 as_of.
 */
#define ARG_CATEGORY 4
#define ARG_AS_OF 5

/* Raise the error a state function reported. */
static void
pg_attribute_noreturn()
StateError(const char *err)
{
	if (err == HISTORY_ERR_OUT_OF_RANGE || err == HISTORY_ERR_TOO_MANY_DAYS)
		HistoryAccError(err);
	elog(ERROR, "invalid categorized_history aggregate state: %s", err);
}

/* as_of differs between the rows of a group: 'kept' is the one recorded. */
static void
pg_attribute_noreturn()
AsOfDiffers(DateADT kept, DateADT other)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("as_of must be the same on every row of a group"),
			 errdetail("The rows of one group give %s and %s.",
					   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(kept))),
					   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(other)))),
			 errhint("Pass one as-of day for the whole aggregate, such as dormancy.as_of_day().")));
}

/* A fresh state in the aggregate memory context. */
static CategorizedAcc *
NewState(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;
	CategorizedAcc *state;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "categorized_history aggregate function called in non-aggregate context");
	state = MemoryContextAlloc(aggcontext, sizeof(CategorizedAcc));
	categorized_acc_init(state, HistoryContextRealloc, aggcontext);
	return state;
}

/* Shared body of the transition functions, once the day is known. */
static Datum
AddOrder(FunctionCallInfo fcinfo, bool have_day, DateADT day)
{
	CategorizedAcc *state;
	bool		known;
	double		amount = 0;
	bool		discounted;
	const char *name = NULL;
	size_t		name_len = 0;
	const char *err;

	state = PG_ARGISNULL(0) ? NewState(fcinfo)
		: (CategorizedAcc *) PG_GETARG_POINTER(0);
	if (!PG_ARGISNULL(ARG_AS_OF) &&
		categorized_acc_set_as_of(state, PG_GETARG_DATEADT(ARG_AS_OF)) != NULL)
		AsOfDiffers(state->as_of_day, PG_GETARG_DATEADT(ARG_AS_OF));

	known = !PG_ARGISNULL(2);
	if (known)
	{
		amount = PG_GETARG_FLOAT8(2);
		if (!isfinite(amount))
			known = false;		/* NaN or infinity: amount unknown */
	}
	discounted = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	if (!PG_ARGISNULL(ARG_CATEGORY))
	{
		text	   *category = PG_GETARG_TEXT_PP(ARG_CATEGORY);

		name = VARDATA_ANY(category);
		name_len = VARSIZE_ANY_EXHDR(category);
	}

	/* a row without a day counts and makes its category appear, on no day */
	err = categorized_acc_add_order(state, name, name_len, !PG_ARGISNULL(ARG_CATEGORY),
									have_day, day, amount, known, discounted);
	if (err != NULL)
		StateError(err);
	PG_RETURN_POINTER(state);
}

/* SQL: transition function for date order times */
Datum
categorized_history_trans_date(PG_FUNCTION_ARGS)
{
	DateADT		day = PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1);

	/* the state's lines load while the day and amount are worked out */
	if (!PG_ARGISNULL(0))
		categorized_acc_prefetch((CategorizedAcc *) PG_GETARG_POINTER(0));

	return AddOrder(fcinfo, !PG_ARGISNULL(1) && !DATE_NOT_FINITE(day), day);
}

/* SQL: transition function for timestamp order times (the date part is the day) */
Datum
categorized_history_trans_timestamp(PG_FUNCTION_ARGS)
{
	Timestamp	ts = PG_ARGISNULL(1) ? 0 : PG_GETARG_TIMESTAMP(1);

	/* the state's lines load while the day and amount are worked out */
	if (!PG_ARGISNULL(0))
		categorized_acc_prefetch((CategorizedAcc *) PG_GETARG_POINTER(0));

	if (PG_ARGISNULL(1) || TIMESTAMP_NOT_FINITE(ts))
		return AddOrder(fcinfo, false, 0);
	return AddOrder(fcinfo, true, DormancyDayOfTimestamp(ts));
}

/* SQL: transition function for timestamptz order times (day in dormancy.time_zone) */
Datum
categorized_history_trans_timestamptz(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_ARGISNULL(1) ? 0 : PG_GETARG_TIMESTAMPTZ(1);

	/* the state's lines load while the day and amount are worked out */
	if (!PG_ARGISNULL(0))
		categorized_acc_prefetch((CategorizedAcc *) PG_GETARG_POINTER(0));

	if (PG_ARGISNULL(1) || TIMESTAMP_NOT_FINITE(ts))
		return AddOrder(fcinfo, false, 0);
	return AddOrder(fcinfo, true, DormancyDayOfTimestampTz(ts));
}

/*
 * SQL: combine function; handles NULL on either side (empty partial states).
 * A right state that categorized_history_deserialize made in this
 * aggregate's context (every one in a parallel or partial plan) becomes the
 * group's state when the group has none yet, and is freed once merged; any
 * other is copied.
 */
Datum
categorized_history_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	CategorizedAcc *left;
	CategorizedAcc *right;
	bool		own_right;
	const char *err;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "categorized_history aggregate function called in non-aggregate context");
	right = (CategorizedAcc *) PG_GETARG_POINTER(1);
	own_right = GetMemoryChunkContext(right) == aggcontext &&
		right->realloc_ctx == (void *) aggcontext;
	if (PG_ARGISNULL(0) && own_right)
		PG_RETURN_POINTER(right);
	left = PG_ARGISNULL(0) ? NewState(fcinfo) : (CategorizedAcc *) PG_GETARG_POINTER(0);
	err = categorized_acc_combine(left, right);
	if (err == CATEGORIZED_ERR_AS_OF_DIFFERS)
		AsOfDiffers(left->as_of_day, right->as_of_day);
	if (err != NULL)
		StateError(err);
	if (own_right)
	{
		categorized_acc_free(right);
		pfree(right);
	}
	PG_RETURN_POINTER(left);
}

/* SQL: serialize the state, each category compacted */
Datum
categorized_history_serialize(PG_FUNCTION_ARGS)
{
	CategorizedAcc *state = (CategorizedAcc *) PG_GETARG_POINTER(0);
	const char *err;
	size_t		len;
	bytea	   *result;

	if ((err = categorized_acc_serial_size(state, &len)) != NULL)
		StateError(err);
	if (len > MaxAllocSize - VARHDRSZ)
		StateError(HISTORY_ERR_TOO_MANY_DAYS);
	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	categorized_acc_serialize(state, VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

/* SQL: deserialize a state written by categorized_history_serialize */
Datum
categorized_history_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	CategorizedAcc *state;
	const char *err;

	/*
	 * In the aggregate's context: the combine function takes it over as the
	 * group's state, or frees it once merged (a state left there would stay
	 * until the end of the query).
	 */
	state = NewState(fcinfo);
	err = categorized_acc_deserialize(state, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	if (err != NULL)
		StateError(err);
	PG_RETURN_POINTER(state);
}

/* CategoryCompareFn: the order of ORDER BY category in the input's collation */
static int
CompareCategories(void *ctx, const char *a, size_t alen, const char *b, size_t blen)
{
	return varstr_cmp(a, (int) alen, b, (int) blen, *(Oid *) ctx);
}

/*
 * SQL: final function.  Sorts and compacts the state in place
 * (FINALFUNC_MODIFY = READ_WRITE); the scratch buffers go to the current
 * (per-output-row) context.
 */
Datum
categorized_history_final(PG_FUNCTION_ARGS)
{
	CategorizedAcc *state;
	Oid			collation = PG_GET_COLLATION();
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	HistoryDay *days;
	int32		ndays;
	int32		ncategories;
	const char *err;
	Datum		values[4];
	bool		nulls[4] = {0};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (CategorizedAcc *) PG_GETARG_POINTER(0);
	if (!OidIsValid(collation))
		collation = DEFAULT_COLLATION_OID;
	if (tupdesc == NULL)
	{
		MemoryContext old;
		TupleDesc	desc;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}

	err = categorized_acc_finish(state, CompareCategories, &collation,
								 HistoryContextRealloc, CurrentMemoryContext,
								 &days, &ndays, &ncategories);
	if (err != NULL)
		StateError(err);
	values[0] = PointerGetDatum(PurchaseHistoryFromDays(days, ndays));
	pfree(days);
	values[1] = Int64GetDatum(state->order_rows);
	if (ncategories == 0)
		nulls[2] = nulls[3] = true;
	else
	{
		Datum	   *names = palloc(sizeof(Datum) * ncategories);
		Datum	   *lasts = palloc(sizeof(Datum) * ncategories);
		bool	   *last_nulls = palloc(sizeof(bool) * ncategories);
		int			dims[1] = {ncategories};
		int			lbs[1] = {1};

		for (int32 i = 0; i < ncategories; i++)
		{
			CategorySlot *s = &state->slots[i];

			names[i] = PointerGetDatum(cstring_to_text_with_len(s->name, (int) s->name_len));
			lasts[i] = DateADTGetDatum(s->has_last ? s->last_day : 0);
			last_nulls[i] = !s->has_last;
		}
		values[2] = PointerGetDatum(construct_array(names, ncategories, TEXTOID, -1, false, TYPALIGN_INT));
		values[3] = PointerGetDatum(construct_md_array(lasts, last_nulls, 1, dims, lbs,
													   DATEOID, sizeof(DateADT), true, TYPALIGN_INT));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
