/*
 * history_type.c
 *		The dormancy.purchase_history type: text and binary I/O, the
 *		aggregate that builds it, and the merge function.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/shortest_dec.h"
#include "datatype/timestamp.h"
#include "dormancy.h"
#include "fmgr.h"
#include "utils/memutils.h"
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

/*
 * Accept exactly the days the aggregate can produce (history_validate_day):
 * an error naming the first bad day, 22P02 for text input, 22P03 for binary.
 */
static void
ValidateDays(const HistoryDay *days, int32 ndays, bool text, const char *str)
{
	int32		bad;
	const char *why = history_validate_at(days, ndays, &bad);
	StringInfoData detail;

	if (why == NULL)
		return;
	initStringInfo(&detail);
	if (bad >= 0 && days[bad].day >= HISTORY_MIN_DAY && days[bad].day <= HISTORY_MAX_DAY)
	{
		appendStringInfoString(&detail, "On ");
		AppendDay(&detail, days[bad].day);
		appendStringInfo(&detail, ": %s.", why);
	}
	else if (bad >= 0)
		appendStringInfo(&detail, "Day %d: %s.", bad + 1, why);
	else
		appendStringInfo(&detail, "The history is not valid: %s.", why);
	if (text)
		InvalidHistoryInput(str, detail.data);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary purchase_history value"),
			 errdetail("%s", detail.data)));
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

/*
 * Parse a finite double field; advances *p.  Like float8in, a result that
 * underflows to a nonzero subnormal is kept (strtod reports ERANGE for it):
 * that is what the output writes for amounts below 2.2e-308.
 */
static double
ParseDouble(const char *str, char **p, const char *what)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(*p, &end);
	if (end == *p || !isfinite(v) ||
		(errno == ERANGE && (v == 0 || fabs(v) >= DBL_MIN)))
		InvalidHistoryInput(str, psprintf("Expected a finite number within the range of double precision for %s.", what));
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
	int			seen;

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

		/* key=value fields until ";" or "}", each at most once */
		seen = 0;
		for (;;)
		{
			char	   *key;
			size_t		keylen;
			int			field;

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
			field = KEY_IS("orders") ? 0 : KEY_IS("refunds") ? 1 :
				KEY_IS("unknown") ? 2 : KEY_IS("discounted") ? 3 :
				KEY_IS("amount") ? 4 : KEY_IS("max") ? 5 : -1;
			if (field < 0)
				InvalidHistoryInput(str, "Known fields are orders, refunds, unknown, discounted, amount and max.");
			if (seen & (1 << field))
				InvalidHistoryInput(str, psprintf("The field %.*s appears twice in one day.",
												  (int) keylen, key));
			seen |= 1 << field;
			switch (field)
			{
				case 0:
					d->orders = ParseCount(str, &p, "orders");
					break;
				case 1:
					d->refunds = ParseCount(str, &p, "refunds");
					break;
				case 2:
					d->unknown = ParseCount(str, &p, "unknown");
					break;
				case 3:
					d->discounted = ParseCount(str, &p, "discounted");
					break;
				case 4:
					d->amount = ParseDouble(str, &p, "amount");
					break;
				default:
					d->max_order = ParseDouble(str, &p, "max");
					break;
			}
#undef KEY_IS
		}
		if (*p == '\0')
			InvalidHistoryInput(str, "A purchase history ends with \"}\".");
		n++;
	}
	p = SkipSpace(p + 1);
	if (*p != '\0')
		InvalidHistoryInput(str, "Unexpected text after \"}\".");

	ValidateDays(days, n, true, str);
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
	}
	ValidateDays(days, ndays, false, NULL);
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

/*
 * The aggregate state is a HistoryAcc (core/history.h): the counts of each
 * day and the exact sum of its amounts, rounded once in the final function,
 * so the result does not depend on the order of the rows, the partial states
 * or the histories of a union.
 */
#define INITIAL_CAPACITY 8

StaticAssertDecl(HISTORY_MIN_DAY == DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE,
				 "HISTORY_MIN_DAY is the first valid date");
StaticAssertDecl(HISTORY_MAX_DAY == DATE_END_JULIAN - POSTGRES_EPOCH_JDATE - 1,
				 "HISTORY_MAX_DAY is the last valid date");

/* HistoryReallocFn for a memory context (the aggregate's, or a scratch one) */
void *
HistoryContextRealloc(void *ctx, void *ptr, size_t size)
{
	if (size == 0)
	{
		if (ptr != NULL)
			pfree(ptr);
		return NULL;
	}
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("purchase history has too many days")));
	if (ptr == NULL)
		return MemoryContextAlloc((MemoryContext) ctx, size);
	return repalloc(ptr, size);
}

/* Raise the error a state function reported. */
void
HistoryAccError(const char *err)
{
	if (err == HISTORY_ERR_OUT_OF_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("purchase history amount out of range"),
				 errdetail("The orders of one day add up beyond the range of double precision.")));
	if (err == HISTORY_ERR_TOO_MANY_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("purchase history has too many days"),
				 errdetail("A history holds at most %d distinct days.", HISTORY_MAX_DAYS)));
	elog(ERROR, "invalid purchase_history aggregate state: %s", err);
}

/* A fresh state in the aggregate memory context. */
static HistoryAcc *
NewAggState(FunctionCallInfo fcinfo, int32 capacity)
{
	MemoryContext aggcontext;
	HistoryAcc *state;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "purchase_history aggregate function called in non-aggregate context");
	state = MemoryContextAlloc(aggcontext, sizeof(HistoryAcc));
	history_acc_init(state, Max(capacity, INITIAL_CAPACITY), HistoryContextRealloc, aggcontext);
	return state;
}

/* Shared body of the transition functions, once the day is known. */
static Datum
AddOrder(FunctionCallInfo fcinfo, bool have_day, DateADT day)
{
	HistoryAcc *state;
	bool		known;
	double		amount = 0;
	bool		discounted;
	const char *err;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, INITIAL_CAPACITY)
		: (HistoryAcc *) PG_GETARG_POINTER(0);

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

	err = history_acc_add_order(state, day, amount, known, discounted);
	if (err != NULL)
		HistoryAccError(err);
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

	if (PG_ARGISNULL(1) || TIMESTAMP_NOT_FINITE(ts))
		return AddOrder(fcinfo, false, 0);
	return AddOrder(fcinfo, true, DormancyDayOfTimestamp(ts));
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
 * days of each input history go into the same state as orders do (their
 * amounts summed exactly), so the union aggregate shares combine, serialize
 * and final with the order one.
 */
Datum
purchase_history_union_trans(PG_FUNCTION_ARGS)
{
	HistoryAcc *state;
	PurchaseHistory *h;
	const char *err;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, INITIAL_CAPACITY)
		: (HistoryAcc *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	h = PG_GETARG_PURCHASE_HISTORY_P(1);
	err = history_acc_add_days(state, h->days, h->ndays);
	if (err != NULL)
		HistoryAccError(err);
	PG_RETURN_POINTER(state);
}

/*
 * SQL: combine function; handles NULL on either side (empty partial states).
 * A right state that purchase_history_deserialize made in this aggregate's
 * context becomes the group's state when the group has none yet, and is
 * freed once merged; any other is copied.
 */
Datum
purchase_history_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	HistoryAcc *left;
	HistoryAcc *right;
	bool		own_right;
	const char *err;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "purchase_history aggregate function called in non-aggregate context");
	right = (HistoryAcc *) PG_GETARG_POINTER(1);
	own_right = GetMemoryChunkContext(right) == aggcontext &&
		right->realloc_ctx == (void *) aggcontext;
	if (PG_ARGISNULL(0) && own_right)
		PG_RETURN_POINTER(right);
	left = PG_ARGISNULL(0) ? NewAggState(fcinfo, right->ndays)
		: (HistoryAcc *) PG_GETARG_POINTER(0);
	err = history_acc_combine(left, right);
	if (err != NULL)
		HistoryAccError(err);
	if (own_right)
	{
		history_acc_free(right);
		pfree(right);
	}
	PG_RETURN_POINTER(left);
}

/* SQL: serialize the state, compacted: per day its counts and exact sum */
Datum
purchase_history_serialize(PG_FUNCTION_ARGS)
{
	HistoryAcc *state = (HistoryAcc *) PG_GETARG_POINTER(0);
	const char *err;
	Size		len;
	bytea	   *result;

	err = history_acc_compact(state);
	if (err != NULL)
		HistoryAccError(err);
	len = history_acc_serial_size(state);
	if (len > MaxAllocSize - VARHDRSZ)
		HistoryAccError(HISTORY_ERR_TOO_MANY_DAYS);
	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	history_acc_serialize(state, VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

/* SQL: deserialize a state written by purchase_history_serialize */
Datum
purchase_history_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	HistoryAcc *state;
	const char *err;

	/*
	 * In the aggregate's context: the combine function takes it over as the
	 * group's state, or frees it once merged (a state left there would stay
	 * until the end of the query).
	 */
	state = NewAggState(fcinfo, INITIAL_CAPACITY);
	err = history_acc_deserialize(state, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	if (err != NULL)
		HistoryAccError(err);
	PG_RETURN_POINTER(state);
}

/* SQL: final function; compacts the state in place (FINALFUNC_MODIFY = READ_WRITE) */
Datum
purchase_history_final(PG_FUNCTION_ARGS)
{
	HistoryAcc *state;
	HistoryDay *days;
	int32		ndays;
	const char *err;
	PurchaseHistory *h;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (HistoryAcc *) PG_GETARG_POINTER(0);
	err = history_acc_compact(state);
	if (err == NULL && state->ndays > HISTORY_MAX_DAYS)
		err = HISTORY_ERR_TOO_MANY_DAYS;
	if (err != NULL)
		HistoryAccError(err);
	days = palloc(sizeof(HistoryDay) * Max(state->ndays, 1));
	err = history_acc_finish(state, days, &ndays);
	if (err != NULL)
		HistoryAccError(err);
	h = PurchaseHistoryFromDays(days, ndays);
	pfree(days);
	PG_RETURN_PURCHASE_HISTORY_P(h);
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
