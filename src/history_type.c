/*
 * history_type.c
 *		The dormancy.purchase_history type: text and binary I/O, the
 *		aggregate that builds it, and the merge function.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "dormancy.h"
#include "fmgr.h"
#include "history_type.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "funcapi.h"
#include "utils/tuplestore.h"
#include "parser/scansup.h"

PG_FUNCTION_INFO_V1(purchase_history_in);
PG_FUNCTION_INFO_V1(purchase_history_out);
PG_FUNCTION_INFO_V1(purchase_history_recv);
PG_FUNCTION_INFO_V1(purchase_history_send);
PG_FUNCTION_INFO_V1(purchase_history_merge);
PG_FUNCTION_INFO_V1(purchase_history_trans_date);
PG_FUNCTION_INFO_V1(purchase_history_trans_timestamp);
PG_FUNCTION_INFO_V1(purchase_history_trans_timestamptz);
PG_FUNCTION_INFO_V1(purchase_history_union_trans);
PG_FUNCTION_INFO_V1(purchase_history_combine);
PG_FUNCTION_INFO_V1(purchase_history_serialize);
PG_FUNCTION_INFO_V1(purchase_history_deserialize);
PG_FUNCTION_INFO_V1(purchase_history_final);
PG_FUNCTION_INFO_V1(purchase_history_days);

/* ---------- building values ---------- */

/* Build a value from a sorted, compact day array. */
PurchaseHistory *
PurchaseHistoryFromDays(const HistoryDay *days, int32 ndays)
{
	Size		size;
	PurchaseHistory *h;

	/* sums of huge amounts can overflow; never store a value that cannot be read back */
	for (int32 i = 0; i < ndays; i++)
	{
		if (!isfinite(days[i].amount))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("purchase history amount out of range"),
					 errdetail("The orders of one day add up beyond the range of double precision.")));
	}

	if (ndays > HISTORY_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("purchase history has too many days: %d", ndays),
				 errdetail("A history holds at most %d distinct days.", HISTORY_MAX_DAYS)));
	size = PURCHASE_HISTORY_SIZE(ndays);
	h = (PurchaseHistory *) palloc0(size);
	SET_VARSIZE(h, size);
	h->version = HISTORY_FORMAT_VERSION;
	h->ndays = ndays;
	if (ndays > 0)
		memcpy(h->days, days, sizeof(HistoryDay) * ndays);
	return h;
}

/* Reject a value whose header or days are malformed. */
void
CheckPurchaseHistory(const PurchaseHistory *h)
{
	const char *why;

	if (VARSIZE(h) < offsetof(PurchaseHistory, days) ||
		h->ndays < 0 || h->ndays > HISTORY_MAX_DAYS ||
		VARSIZE(h) != PURCHASE_HISTORY_SIZE(h->ndays))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid purchase history: size does not match day count")));
	if (h->version != HISTORY_FORMAT_VERSION || h->flags != 0 ||
		h->unused != 0 || h->unused2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid purchase history: unknown format version %d", h->version)));
	why = history_validate(h->days, h->ndays);
	if (why != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid purchase history: %s", why)));
}

/* ---------- text I/O ---------- */

/*
 * Text form, one day after another:
 *   {2024-01-05 orders=2 amount=120.5 max=100; 2024-02-01 orders=1 amount=30 max=30 discounted=1}
 * Counts that are zero and a missing largest order are left out.
 */

/* Append a double in the shortest form that reads back exactly. */
static void
AppendDouble(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

/* Append a day number as YYYY-MM-DD, independent of DateStyle. */
static void
AppendDay(StringInfo buf, int32 day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	appendStringInfo(buf, "%04d-%02d-%02d", y, m, d);
}

/* Raise the standard invalid-input error with a detail. */
static void
pg_attribute_noreturn()
InvalidHistoryInput(const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type purchase_history: \"%s\"", str),
			 errdetail("%s", detail)));
}

/* Parse a signed integer field; advances *p. */
static int64
ParseInteger(const char *str, char **p, const char *what)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno != 0)
		InvalidHistoryInput(str, psprintf("Expected an integer for %s.", what));
	*p = end;
	return v;
}

/* Parse a finite double field; advances *p. */
static double
ParseDouble(const char *str, char **p, const char *what)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(*p, &end);
	if (end == *p || errno == ERANGE || !isfinite(v))
		InvalidHistoryInput(str, psprintf("Expected a finite number for %s.", what));
	*p = end;
	return v;
}

static char *
SkipSpace(char *p)
{
	while (*p && scanner_isspace((unsigned char) *p))
		p++;
	return p;
}

/* Read a count field that must fit a non-negative int32. */
static int32
ParseCount(const char *str, char **p, const char *what)
{
	int64		v = ParseInteger(str, p, what);

	if (v < 0 || v > PG_INT32_MAX)
		InvalidHistoryInput(str, psprintf("The %s count must be between 0 and %d.", what, PG_INT32_MAX));
	return (int32) v;
}

/* SQL: purchase_history input function */
Datum
purchase_history_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	char	   *p = str;
	int32		n = 0;
	int32		cap = 16;
	HistoryDay *days = palloc(sizeof(HistoryDay) * cap);
	PurchaseHistory *h;
	const char *why;

	p = SkipSpace(p);
	if (*p != '{')
		InvalidHistoryInput(str, "A purchase history starts with \"{\".");
	p = SkipSpace(p + 1);

	while (*p != '}')
	{
		HistoryDay *d;
		int64		y,
					m,
					dd;

		if (n > 0)
		{
			if (*p != ';')
				InvalidHistoryInput(str, "Days are separated by \";\".");
			p = SkipSpace(p + 1);
		}
		if (n >= HISTORY_MAX_DAYS)
			InvalidHistoryInput(str, "Too many days.");
		if (n == cap)
		{
			cap *= 2;
			days = repalloc(days, sizeof(HistoryDay) * cap);
		}
		d = &days[n];

		/* the day: [-]YYYY-MM-DD */
		y = ParseInteger(str, &p, "the year");
		if (*p++ != '-')
			InvalidHistoryInput(str, "A day is written YYYY-MM-DD.");
		m = ParseInteger(str, &p, "the month");
		if (*p++ != '-')
			InvalidHistoryInput(str, "A day is written YYYY-MM-DD.");
		dd = ParseInteger(str, &p, "the day of month");
		if (y < -4713 || y > 5874897 || m < 1 || m > 12 || dd < 1 ||
			dd > day_tab[isleap(y)][m - 1] ||
			!IS_VALID_DATE(date2j((int) y, (int) m, (int) dd) - POSTGRES_EPOCH_JDATE))
			InvalidHistoryInput(str, "A day is not a valid date.");
		history_day_init(d, date2j((int) y, (int) m, (int) dd) - POSTGRES_EPOCH_JDATE);

		/* key=value fields until ";" or "}" */
		for (;;)
		{
			char	   *key;
			size_t		keylen;

			p = SkipSpace(p);
			if (*p == ';' || *p == '}' || *p == '\0')
				break;
			key = p;
			while (*p >= 'a' && *p <= 'z')
				p++;
			keylen = p - key;
			if (*p++ != '=')
				InvalidHistoryInput(str, "Fields are written name=value.");
#define KEY_IS(s) (keylen == strlen(s) && strncmp(key, s, keylen) == 0)
			if (KEY_IS("orders"))
				d->orders = ParseCount(str, &p, "orders");
			else if (KEY_IS("refunds"))
				d->refunds = ParseCount(str, &p, "refunds");
			else if (KEY_IS("unknown"))
				d->unknown = ParseCount(str, &p, "unknown");
			else if (KEY_IS("discounted"))
				d->discounted = ParseCount(str, &p, "discounted");
			else if (KEY_IS("amount"))
				d->amount = ParseDouble(str, &p, "amount");
			else if (KEY_IS("max"))
				d->max_order = ParseDouble(str, &p, "max");
			else
				InvalidHistoryInput(str, "Known fields are orders, refunds, unknown, discounted, amount and max.");
#undef KEY_IS
		}
		if (*p == '\0')
			InvalidHistoryInput(str, "A purchase history ends with \"}\".");
		n++;
	}
	p = SkipSpace(p + 1);
	if (*p != '\0')
		InvalidHistoryInput(str, "Unexpected text after \"}\".");

	why = history_validate(days, n);
	if (why != NULL)
		InvalidHistoryInput(str, psprintf("The history is not valid: %s.", why));

	h = PurchaseHistoryFromDays(days, n);
	pfree(days);
	PG_RETURN_PURCHASE_HISTORY_P(h);
}

/* SQL: purchase_history output function */
Datum
purchase_history_out(PG_FUNCTION_ARGS)
{
	PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int32 i = 0; i < h->ndays; i++)
	{
		HistoryDay *d = &h->days[i];

		if (i > 0)
			appendStringInfoString(&buf, "; ");
		AppendDay(&buf, d->day);
		appendStringInfo(&buf, " orders=%d amount=", d->orders);
		AppendDouble(&buf, d->amount);
		if (d->max_order != -INFINITY)
		{
			appendStringInfoString(&buf, " max=");
			AppendDouble(&buf, d->max_order);
		}
		if (d->refunds)
			appendStringInfo(&buf, " refunds=%d", d->refunds);
		if (d->unknown)
			appendStringInfo(&buf, " unknown=%d", d->unknown);
		if (d->discounted)
			appendStringInfo(&buf, " discounted=%d", d->discounted);
	}
	appendStringInfoChar(&buf, '}');
	PG_FREE_IF_COPY(h, 0);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- binary I/O ---------- */

/* SQL: purchase_history receive function */
Datum
purchase_history_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		version = pq_getmsgbyte(buf);
	int32		ndays;
	HistoryDay *days;
	PurchaseHistory *h;
	const char *why;

	if (version != HISTORY_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported purchase history format version %d", version)));
	ndays = pq_getmsgint(buf, 4);
	if (ndays < 0 || ndays > HISTORY_MAX_DAYS ||
		(Size) (buf->len - buf->cursor) != (Size) ndays * 40)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase history: day count %d does not match the message length", ndays)));
	days = palloc(sizeof(HistoryDay) * Max(ndays, 1));
	for (int32 i = 0; i < ndays; i++)
	{
		HistoryDay *d = &days[i];

		d->day = pq_getmsgint(buf, 4);
		d->orders = pq_getmsgint(buf, 4);
		d->refunds = pq_getmsgint(buf, 4);
		d->unknown = pq_getmsgint(buf, 4);
		d->discounted = pq_getmsgint(buf, 4);
		d->reserved = pq_getmsgint(buf, 4);
		d->amount = pq_getmsgfloat8(buf);
		d->max_order = pq_getmsgfloat8(buf);
		if (!IS_VALID_DATE(d->day))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid purchase history: day %d out of range", d->day)));
	}
	why = history_validate(days, ndays);
	if (why != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid purchase history: %s", why)));
	h = PurchaseHistoryFromDays(days, ndays);
	pfree(days);
	PG_RETURN_PURCHASE_HISTORY_P(h);
}

/* SQL: purchase_history send function */
Datum
purchase_history_send(PG_FUNCTION_ARGS)
{
	PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HISTORY_FORMAT_VERSION);
	pq_sendint32(&buf, h->ndays);
	for (int32 i = 0; i < h->ndays; i++)
	{
		HistoryDay *d = &h->days[i];

		pq_sendint32(&buf, d->day);
		pq_sendint32(&buf, d->orders);
		pq_sendint32(&buf, d->refunds);
		pq_sendint32(&buf, d->unknown);
		pq_sendint32(&buf, d->discounted);
		pq_sendint32(&buf, d->reserved);
		pq_sendfloat8(&buf, d->amount);
		pq_sendfloat8(&buf, d->max_order);
	}
	PG_FREE_IF_COPY(h, 0);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------- merge ---------- */

/* Merge two stored histories into a new value. */
static PurchaseHistory *
MergeHistories(PurchaseHistory *a, PurchaseHistory *b)
{
	HistoryDay *out;
	int32		n;
	PurchaseHistory *h;

	out = palloc(sizeof(HistoryDay) * Max((Size) a->ndays + b->ndays, 1));
	n = history_merge_sorted(a->days, a->ndays, b->days, b->ndays, out);
	h = PurchaseHistoryFromDays(out, n);
	pfree(out);
	return h;
}

/*
 * SQL: purchase_history_merge(a, b).  Not strict: a NULL side is a customer
 * without orders, so the other side is the answer.
 */
Datum
purchase_history_merge(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	PG_RETURN_PURCHASE_HISTORY_P(MergeHistories(PG_GETARG_PURCHASE_HISTORY_P(0),
												PG_GETARG_PURCHASE_HISTORY_P(1)));
}

/* ---------- aggregate ---------- */

/* Aggregate state: an unsorted buffer that is compacted whenever it fills. */
typedef struct HistoryAggState
{
	HistoryDay *days;
	int32		ndays;
	int32		capacity;
} HistoryAggState;

#define INITIAL_CAPACITY 8

/* A fresh state in the aggregate memory context. */
static HistoryAggState *
NewAggState(FunctionCallInfo fcinfo, int32 capacity)
{
	MemoryContext aggcontext;
	HistoryAggState *state;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "purchase_history aggregate function called in non-aggregate context");
	state = MemoryContextAlloc(aggcontext, sizeof(HistoryAggState));
	state->capacity = Max(capacity, INITIAL_CAPACITY);
	state->ndays = 0;
	state->days = MemoryContextAlloc(aggcontext, sizeof(HistoryDay) * state->capacity);
	return state;
}

/*
 * Make room for 'extra' more entries: compact first, and grow only when the
 * distinct days really need it, so memory follows days, not orders.
 */
static void
Reserve(HistoryAggState *state, int32 extra)
{
	if (state->ndays + extra <= state->capacity)
		return;
	state->ndays = history_compact(state->days, state->ndays);
	if (state->ndays + extra > state->capacity / 2)
	{
		Size		newcap = Max((Size) state->capacity * 2,
								 (Size) state->ndays + extra);

		if (newcap > MaxAllocSize / sizeof(HistoryDay))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("purchase history has too many days")));
		state->days = repalloc(state->days, sizeof(HistoryDay) * newcap);
		state->capacity = (int32) newcap;
	}
}

/* Shared body of the transition functions, once the day is known. */
static Datum
AddOrder(FunctionCallInfo fcinfo, bool have_day, DateADT day)
{
	HistoryAggState *state;
	HistoryDay *last;
	bool		known;
	double		amount = 0;
	bool		discounted;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, INITIAL_CAPACITY)
		: (HistoryAggState *) PG_GETARG_POINTER(0);

	/* an order without a day cannot be placed: reported by data_issues */
	if (!have_day)
		PG_RETURN_POINTER(state);

	known = !PG_ARGISNULL(2);
	if (known)
	{
		amount = PG_GETARG_FLOAT8(2);
		if (!isfinite(amount))
			known = false;		/* NaN or infinity: amount unknown */
	}
	discounted = PG_NARGS() > 3 && !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);

	/* orders usually arrive grouped by day: extend the last entry */
	last = state->ndays > 0 ? &state->days[state->ndays - 1] : NULL;
	if (last == NULL || last->day != day)
	{
		Reserve(state, 1);
		last = &state->days[state->ndays++];
		history_day_init(last, day);
	}
	history_day_add_order(last, amount, known, discounted);
	PG_RETURN_POINTER(state);
}

/* SQL: transition function for date order times */
Datum
purchase_history_trans_date(PG_FUNCTION_ARGS)
{
	DateADT		day = PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1);

	return AddOrder(fcinfo, !PG_ARGISNULL(1) && !DATE_NOT_FINITE(day), day);
}

/* SQL: transition function for timestamp order times (the date part is the day) */
Datum
purchase_history_trans_timestamp(PG_FUNCTION_ARGS)
{
	Timestamp	ts = PG_ARGISNULL(1) ? 0 : PG_GETARG_TIMESTAMP(1);
	DateADT		day = 0;

	if (PG_ARGISNULL(1) || TIMESTAMP_NOT_FINITE(ts))
		return AddOrder(fcinfo, false, 0);
	day = (DateADT) (ts / USECS_PER_DAY);
	if (ts < 0 && ts % USECS_PER_DAY != 0)
		day--;
	return AddOrder(fcinfo, true, day);
}

/* SQL: transition function for timestamptz order times (day in dormancy.time_zone) */
Datum
purchase_history_trans_timestamptz(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_ARGISNULL(1) ? 0 : PG_GETARG_TIMESTAMPTZ(1);

	if (PG_ARGISNULL(1) || TIMESTAMP_NOT_FINITE(ts))
		return AddOrder(fcinfo, false, 0);
	return AddOrder(fcinfo, true, DormancyDayOfTimestampTz(ts));
}

/*
 * SQL: transition function of purchase_history_union(purchase_history): the
 * days of each input history go into the same state as orders do, so the
 * union aggregate shares combine, serialize and final with the order one.
 */
Datum
purchase_history_union_trans(PG_FUNCTION_ARGS)
{
	HistoryAggState *state;
	PurchaseHistory *h;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, INITIAL_CAPACITY)
		: (HistoryAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	h = PG_GETARG_PURCHASE_HISTORY_P(1);
	Reserve(state, h->ndays);
	memcpy(state->days + state->ndays, h->days, sizeof(HistoryDay) * h->ndays);
	state->ndays += h->ndays;
	PG_RETURN_POINTER(state);
}

/* SQL: combine function; handles NULL on either side (empty partial states) */
Datum
purchase_history_combine(PG_FUNCTION_ARGS)
{
	HistoryAggState *left;
	HistoryAggState *right;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	right = (HistoryAggState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		left = NewAggState(fcinfo, right->ndays);
		memcpy(left->days, right->days, sizeof(HistoryDay) * right->ndays);
		left->ndays = right->ndays;
		PG_RETURN_POINTER(left);
	}
	left = (HistoryAggState *) PG_GETARG_POINTER(0);
	Reserve(left, right->ndays);
	memcpy(left->days + left->ndays, right->days, sizeof(HistoryDay) * right->ndays);
	left->ndays += right->ndays;
	PG_RETURN_POINTER(left);
}

/* SQL: serialize the state as a compact day array */
Datum
purchase_history_serialize(PG_FUNCTION_ARGS)
{
	HistoryAggState *state = (HistoryAggState *) PG_GETARG_POINTER(0);
	Size		len;
	bytea	   *result;

	state->ndays = history_compact(state->days, state->ndays);
	len = sizeof(HistoryDay) * (Size) state->ndays;
	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	if (len > 0)
		memcpy(VARDATA(result), state->days, len);
	PG_RETURN_BYTEA_P(result);
}

/* SQL: deserialize a state written by purchase_history_serialize */
Datum
purchase_history_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(bytes);
	HistoryAggState *state;
	int32		ndays;

	if (len % sizeof(HistoryDay) != 0 || len / sizeof(HistoryDay) > HISTORY_MAX_DAYS)
		elog(ERROR, "invalid serialized purchase_history state of %zu bytes", len);
	ndays = (int32) (len / sizeof(HistoryDay));
	state = NewAggState(fcinfo, ndays);
	if (len > 0)
		memcpy(state->days, VARDATA_ANY(bytes), len);
	state->ndays = ndays;
	PG_RETURN_POINTER(state);
}

/* SQL: final function; compacts the state in place (FINALFUNC_MODIFY = READ_WRITE) */
Datum
purchase_history_final(PG_FUNCTION_ARGS)
{
	HistoryAggState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (HistoryAggState *) PG_GETARG_POINTER(0);
	state->ndays = history_compact(state->days, state->ndays);
	PG_RETURN_PURCHASE_HISTORY_P(PurchaseHistoryFromDays(state->days, state->ndays));
}

/* SQL: purchase_history_days(h): one row per stored day, for inspection */
Datum
purchase_history_days(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < h->ndays; i++)
	{
		HistoryDay *d = &h->days[i];
		Datum		values[8];
		bool		nulls[8] = {0};

		values[0] = DateADTGetDatum(d->day);
		values[1] = Int32GetDatum(d->orders);
		values[2] = Int32GetDatum(d->refunds);
		values[3] = Int32GetDatum(d->unknown);
		values[4] = Int32GetDatum(d->discounted);
		values[5] = Float8GetDatum(d->amount);
		values[6] = Float8GetDatum(d->max_order);
		nulls[6] = (d->max_order == -INFINITY);
		values[7] = BoolGetDatum(history_day_is_purchase(d));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
