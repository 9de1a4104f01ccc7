/*
 * facts_sql.c
 *		SQL interface of the one-evaluation facts: dormancy._history_facts(),
 *		the history-derived columns of customer_core in one call.
 *
 * customer_core used to call history_summary(), decline_metrics() and
 * btyd_summary() per customer, each detoasting and walking the same history.
 * This detoasts it once, runs core/facts.c once and forms one row.  The
 * result type, the checked settings and the window boundaries are kept in
 * fn_extra, that is for one query (one FmgrInfo): nothing outlives it, so an
 * edit of dormancy.decline_settings shows in the next query, as before.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "core/facts.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "history_type.h"
#include "metrics_sql.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(history_facts);

/* Arguments of dormancy._history_facts(), in order. */
enum
{
	HF_ARG_HISTORY,
	HF_ARG_AS_OF,
	HF_ARG_MIN_ORDER_AMOUNT,
	HF_ARG_WINDOW_LENGTH,
	HF_ARG_TREND_YEARS,
	HF_ARG_SEASON_LENGTH,
	HF_ARG_AMOUNT_DROP,
	HF_ARG_FREQUENCY_DROP,
	HF_ARG_CADENCE_SLOWDOWN,
	HF_ARG_OVERDUE,
	HF_ARG_SEASON_DROP,
	HF_ARG_TREND_DROP,
	HF_ARG_TREND_MIN_POINTS,
	HF_ARG_DISCOUNTED_KNOWN
};

/* Names of the setting arguments, for the error on NULL (as decline_metrics). */
static const char *const setting_names[] = {
	[HF_ARG_WINDOW_LENGTH] = "window_length",
	[HF_ARG_TREND_YEARS] = "trend_years",
	[HF_ARG_SEASON_LENGTH] = "season_length",
	[HF_ARG_AMOUNT_DROP] = "amount_drop_threshold",
	[HF_ARG_FREQUENCY_DROP] = "frequency_drop_threshold",
	[HF_ARG_CADENCE_SLOWDOWN] = "cadence_slowdown_threshold",
	[HF_ARG_OVERDUE] = "overdue_threshold",
	[HF_ARG_SEASON_DROP] = "season_drop_threshold",
	[HF_ARG_TREND_DROP] = "trend_drop_threshold",
	[HF_ARG_TREND_MIN_POINTS] = "trend_min_points",
	[HF_ARG_DISCOUNTED_KNOWN] = "discounted_known"
};

/*
 * Result columns: those of dormancy.history_summary, then of
 * dormancy.decline_metrics, then of dormancy.btyd_summary.  Keep in step with
 * the OUT parameters in sql_src/36_history_facts.sql.
 */
#define HF_SUMMARY 0
#define HF_SUMMARY_NATTS 9
#define HF_DECLINE (HF_SUMMARY + HF_SUMMARY_NATTS)
#define HF_BTYD (HF_DECLINE + DECLINE_METRICS_NATTS)
#define HF_BTYD_NATTS 4
#define HF_NATTS (HF_BTYD + HF_BTYD_NATTS)

/* What one query's calls share (in fn_mcxt). */
typedef struct FactsCache
{
	TupleDesc	tupdesc;		/* blessed result descriptor */
	bool		prepared;		/* the key and bounds below are set */
	/* key: the arguments the bounds and checks depend on */
	DateADT		as_of;
	Interval	window_length;
	int32		trend_years;
	Interval	season_length;
	DeclineThresholds thresholds;
	/* checked, and the boundaries */
	DeclineBounds bounds;
} FactsCache;

/* A setting argument; NULL is refused like a NULL field of decline_settings. */
static Datum
SettingArg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("decline setting %s must not be null", setting_names[argno])));
	return PG_GETARG_DATUM(argno);
}

static bool
SameInterval(const Interval *a, const Interval *b)
{
	return a->time == b->time && a->day == b->day && a->month == b->month;
}

static bool
SameThresholds(const DeclineThresholds *a, const DeclineThresholds *b)
{
	return a->amount_drop == b->amount_drop &&
		a->frequency_drop == b->frequency_drop &&
		a->cadence_slowdown == b->cadence_slowdown &&
		a->overdue == b->overdue &&
		a->season_drop == b->season_drop &&
		a->trend_drop == b->trend_drop &&
		a->trend_min_points == b->trend_min_points;
}

/* The cache of this call site, made on the first call. */
static FactsCache *
GetFactsCache(FunctionCallInfo fcinfo)
{
	FactsCache *cache = (FactsCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		TupleDesc	tupdesc;

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		if (tupdesc->natts != HF_NATTS)
			elog(ERROR, "dormancy._history_facts has %d columns, expected %d",
				 tupdesc->natts, HF_NATTS);
		cache = (FactsCache *) palloc0(sizeof(FactsCache));
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * The checked settings and boundaries for these arguments: computed on the
 * first call and again only when an argument they depend on differs (in the
 * view they come from one row, so once per query).
 */
static const DeclineBounds *
PreparedBounds(FunctionCallInfo fcinfo, FactsCache *cache, DateADT as_of,
			   DeclineThresholds *t)
{
	Interval   *window_length;
	Interval   *season_length;
	int32		trend_years;

	window_length = DatumGetIntervalP(SettingArg(fcinfo, HF_ARG_WINDOW_LENGTH));
	trend_years = DatumGetInt32(SettingArg(fcinfo, HF_ARG_TREND_YEARS));
	season_length = DatumGetIntervalP(SettingArg(fcinfo, HF_ARG_SEASON_LENGTH));
	t->amount_drop = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_AMOUNT_DROP));
	t->frequency_drop = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_FREQUENCY_DROP));
	t->cadence_slowdown = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_CADENCE_SLOWDOWN));
	t->overdue = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_OVERDUE));
	t->season_drop = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_SEASON_DROP));
	t->trend_drop = DatumGetFloat8(SettingArg(fcinfo, HF_ARG_TREND_DROP));
	t->trend_min_points = DatumGetInt32(SettingArg(fcinfo, HF_ARG_TREND_MIN_POINTS));

	if (cache->prepared && cache->as_of == as_of &&
		SameInterval(&cache->window_length, window_length) &&
		cache->trend_years == trend_years &&
		SameInterval(&cache->season_length, season_length) &&
		SameThresholds(&cache->thresholds, t))
		return &cache->bounds;

	/* raises the errors of decline_metrics() for bad settings */
	cache->prepared = false;
	DeclinePrepare(as_of, window_length, trend_years, season_length, t,
				   &cache->bounds);
	cache->as_of = as_of;
	cache->window_length = *window_length;
	cache->trend_years = trend_years;
	cache->season_length = *season_length;
	cache->thresholds = *t;
	cache->prepared = true;
	return &cache->bounds;
}

/*
 * SQL: dormancy._history_facts(history, as_of date, min_order_amount float8,
 * window_length interval, trend_years int, season_length interval,
 * amount_drop_threshold float8, frequency_drop_threshold float8,
 * cadence_slowdown_threshold float8, overdue_threshold float8,
 * season_drop_threshold float8, trend_drop_threshold float8,
 * trend_min_points int, discounted_known bool) returns record (OUT
 * parameters: the columns of history_summary, decline_metrics, btyd_summary).
 *
 * The columns are those of history_summary(history, as_of,
 * min_order_amount), decline_metrics(history, as_of, <settings>,
 * discounted_known) and btyd_summary(history, <as_of>, '1 day'), with their
 * NULLs: not strict in the history, which NULL means a customer without
 * orders (zero counts, decline and BTYD columns NULL); the BTYD columns are
 * NULL without a purchase day by as_of.  A NULL as_of gives NULL.  The
 * settings are checked only for a customer with a history, as
 * decline_metrics (strict) did.
 */
Datum
history_facts(PG_FUNCTION_ARGS)
{
	FactsCache *cache;
	DateADT		as_of;
	double		min_amount;
	Datum		values[HF_NATTS];
	bool		nulls[HF_NATTS] = {0};

	if (PG_ARGISNULL(HF_ARG_AS_OF))
		PG_RETURN_NULL();
	as_of = PG_GETARG_DATEADT(HF_ARG_AS_OF);
	min_amount = PG_ARGISNULL(HF_ARG_MIN_ORDER_AMOUNT) ? 0 :
		PG_GETARG_FLOAT8(HF_ARG_MIN_ORDER_AMOUNT);
	cache = GetFactsCache(fcinfo);

	if (PG_ARGISNULL(HF_ARG_HISTORY))
	{
		/* no orders: the summary's zero counts, everything else NULL */
		for (int i = 0; i < HF_NATTS; i++)
		{
			values[i] = (Datum) 0;
			nulls[i] = true;
		}
		values[HF_SUMMARY + 3] = Int64GetDatum(0);
		for (int i = 3; i < HF_SUMMARY_NATTS; i++)
			nulls[HF_SUMMARY + i] = false;
		values[HF_SUMMARY + 4] = Int32GetDatum(0);
		values[HF_SUMMARY + 5] = Float8GetDatum(0);
		values[HF_SUMMARY + 6] = Int32GetDatum(0);
		values[HF_SUMMARY + 7] = Int32GetDatum(0);
		values[HF_SUMMARY + 8] = Int32GetDatum(0);
	}
	else
	{
		PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(HF_ARG_HISTORY);
		const DeclineBounds *b;
		DeclineThresholds t;
		HistoryFacts f;
		double	   *scratch;
		bool		discounted_known;

		CheckPurchaseHistory(h);
		b = PreparedBounds(fcinfo, cache, as_of, &t);
		discounted_known = DatumGetBool(SettingArg(fcinfo, HF_ARG_DISCOUNTED_KNOWN));

		/* ndays <= HISTORY_MAX_DAYS (checked above), so this stays small */
		scratch = (double *) palloc(DECLINE_SCRATCH_LEN(h->ndays) * sizeof(double) + 1);
		history_facts_compute(h->days, h->ndays, min_amount, 1.0, b, &t,
							  discounted_known, scratch, &f);
		pfree(scratch);

		/* dormancy.history_summary */
		values[HF_SUMMARY + 0] = DateADTGetDatum(f.summary.first_day);
		nulls[HF_SUMMARY + 0] = (f.summary.order_days == 0);
		values[HF_SUMMARY + 1] = DateADTGetDatum(f.summary.last_day);
		nulls[HF_SUMMARY + 1] = (f.summary.order_days == 0);
		values[HF_SUMMARY + 2] = DateADTGetDatum(f.summary.last_qualifying_day);
		nulls[HF_SUMMARY + 2] = !f.summary.has_qualifying;
		values[HF_SUMMARY + 3] = Int64GetDatum(f.summary.orders_count);
		values[HF_SUMMARY + 4] = Int32GetDatum(f.summary.order_days);
		values[HF_SUMMARY + 5] = Float8GetDatum(f.summary.total_amount);
		values[HF_SUMMARY + 6] = Int32GetDatum(f.summary.unknown_amount_orders);
		values[HF_SUMMARY + 7] = Int32GetDatum(f.summary.refunds);
		values[HF_SUMMARY + 8] = Int32GetDatum(f.summary.discounted_days);

		/* dormancy.decline_metrics */
		DeclineFillColumns(&f.decline, values + HF_DECLINE, nulls + HF_DECLINE);

		/* dormancy.btyd_summary, in days */
		values[HF_BTYD + 0] = Int32GetDatum(f.btyd.frequency);
		values[HF_BTYD + 1] = Float8GetDatum(f.btyd.recency);
		values[HF_BTYD + 2] = Float8GetDatum(f.btyd.age);
		values[HF_BTYD + 3] = Float8GetDatum(f.btyd.monetary_value);
		nulls[HF_BTYD + 3] = !f.btyd.has_monetary;
		if (!f.has_btyd)
		{
			for (int i = 0; i < HF_BTYD_NATTS; i++)
				nulls[HF_BTYD + i] = true;
		}
		PG_FREE_IF_COPY(h, HF_ARG_HISTORY);
	}

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}
