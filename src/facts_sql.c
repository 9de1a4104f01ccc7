/*
 * facts_sql.c
 *		SQL interface of the one-evaluation facts: dormancy._history_facts(),
 *		the history-derived columns of customer_core in one call, and
 *		dormancy._customer_facts(), those and every other derived column of
 *		customer_core (state, days since, segment, price changes).
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
#include "catalog/pg_collation.h"
#include "core/facts.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "history_type.h"
#include "metrics_sql.h"
#include "label_key_sql.h"
#include "rules_sql.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(history_facts);
PG_FUNCTION_INFO_V1(customer_facts);

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
#define HF_BTYD_NATTS 5
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
	struct PriceCache *prices;	/* _customer_facts: dormancy.price_changes */
	char	   *min_amount_bytes;	/* _customer_facts: the last numeric */
	Size		min_amount_len;	/* min_order_amount and its float8 */
	double		min_amount;
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
GetFactsCache(FunctionCallInfo fcinfo, int natts)
{
	FactsCache *cache = (FactsCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		TupleDesc	tupdesc;

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		if (tupdesc->natts != natts)
			elog(ERROR, "%s has %d columns, expected %d",
				 get_func_name(fcinfo->flinfo->fn_oid), tupdesc->natts, natts);
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
static void
HistoryFactsColumns(FunctionCallInfo fcinfo, FactsCache *cache, DateADT as_of,
					double min_amount, Datum *values, bool *nulls)
{

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
		values[HF_BTYD + 4] = Int32GetDatum(f.btyd.monetary_days);
		if (!f.has_btyd)
		{
			for (int i = 0; i < HF_BTYD_NATTS; i++)
				nulls[HF_BTYD + i] = true;
		}
		PG_FREE_IF_COPY(h, HF_ARG_HISTORY);
	}
}

/* SQL: dormancy._history_facts(): the columns above as one row. */
Datum
history_facts(PG_FUNCTION_ARGS)
{
	FactsCache *cache;
	Datum		values[HF_NATTS];
	bool		nulls[HF_NATTS] = {0};

	if (PG_ARGISNULL(HF_ARG_AS_OF))
		PG_RETURN_NULL();
	cache = GetFactsCache(fcinfo, HF_NATTS);
	HistoryFactsColumns(fcinfo, cache, PG_GETARG_DATEADT(HF_ARG_AS_OF),
						PG_ARGISNULL(HF_ARG_MIN_ORDER_AMOUNT) ? 0 : PG_GETARG_FLOAT8(HF_ARG_MIN_ORDER_AMOUNT),
						values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

/*
 * dormancy._customer_facts(): the arguments of _history_facts, then these.
 */
enum
{
	CF_ARG_AT_RISK_AFTER = HF_ARG_DISCOUNTED_KNOWN + 1,
	CF_ARG_DORMANT_AFTER,
	CF_ARG_LONG_DORMANT_AFTER,
	CF_ARG_USE_CONTRACT_END,
	CF_ARG_CONTRACT_COVERED_UNTIL,
	CF_ARG_CATEGORIES,
	CF_ARG_CATEGORY_LAST_ORDER_AT,
	CF_ARG_CATEGORIES_BOUND,
	CF_ARG_CONFIGURATION,
	CF_NARGS
};

/* Its columns: those of _history_facts, then these. */
enum
{
	CF_STATE = HF_NATTS,
	CF_DAYS_SINCE_LAST_ORDER,
	CF_DAYS_SINCE_LAST_QUALIFYING_ORDER,
	CF_SEGMENT,
	CF_LAPSED_AFTER_PRICE_INCREASE,
	CF_PRICE_INCREASE,
	CF_LAPSED_AFTER_SPEC_CHANGE,
	CF_SPEC_CHANGE,
	CF_NATTS
};

/* Columns of _history_facts read here (decline_metrics' order, metrics_sql.c). */
#define HF_FIRST_ORDER_AT (HF_SUMMARY + 0)
#define HF_LAST_ORDER_AT (HF_SUMMARY + 1)
#define HF_LAST_QUALIFYING_ORDER_AT (HF_SUMMARY + 2)
#define HF_ORDER_DAYS (HF_SUMMARY + 4)
#define HF_DECLINING (HF_DECLINE + 21)
#define HF_DECLINE_SIGNALS (HF_DECLINE + 22)
#define HF_CAMPAIGN_ONLY (HF_DECLINE + 23)

/*
 * The price changes of a configuration, latest first: the label is made by
 * the SQL that customer_core used, so it is the same text.
 */
typedef struct PriceCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			n;
	bool	   *is_price_increase;
	DateADT    *changed_at;
	text	  **category;		/* label_key(category); NULL: all categories */
	Datum	   *label;
	PriceChangeHit *hits;		/* scratch, per customer */
	Datum		empty;			/* '{}'::text[] */
	Datum		segments[3];	/* campaign_only, one_time, repeat */
} PriceCache;

static PriceCache *
LoadPriceChanges(MemoryContext parent, const Configuration *config)
{
	PriceCache *cache = NewConfigCache(AllocSetContextCreate(parent, "dormancy price changes", ALLOCSET_SMALL_SIZES),
									   sizeof(PriceCache), config);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n;

	n = ReadConfigRows("SELECT p.kind = 'price_increase', p.changed_at, dormancy.label_key(p.category),"
				 " pg_catalog.concat_ws(' ', p.changed_at::pg_catalog.text,"
				 "  coalesce(p.category, 'all categories'),"
				 "  CASE WHEN p.change_pct IS NOT NULL"
				 "   THEN pg_catalog.concat(CASE WHEN p.change_pct > 0 THEN '+' ELSE '' END,"
				 "    pg_catalog.trim_scale(p.change_pct)::pg_catalog.text, '%') END,"
				 "  p.note)"
				 " FROM " CONFIG_TABLE("price_changes") " p ORDER BY p.changed_at DESC",
				 "dormancy.price_changes", config, cache->site.mcxt, &desc, &tuples);
	cache->n = n;
	cache->is_price_increase = palloc(sizeof(bool) * Max(n, 1));
	cache->changed_at = palloc(sizeof(DateADT) * Max(n, 1));
	cache->category = palloc(sizeof(text *) * Max(n, 1));
	cache->label = palloc(sizeof(Datum) * Max(n, 1));
	cache->hits = palloc(sizeof(PriceChangeHit) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d;

		cache->is_price_increase[i] = DatumGetBool(heap_getattr(tuples[i], 1, desc, &isnull));
		cache->changed_at[i] = DatumGetDateADT(heap_getattr(tuples[i], 2, desc, &isnull));
		d = heap_getattr(tuples[i], 3, desc, &isnull);
		cache->category[i] = isnull ? NULL : DatumGetTextPCopy(d);
		cache->label[i] = PointerGetDatum(DatumGetTextPCopy(heap_getattr(tuples[i], 4, desc, &isnull)));
	}
	cache->empty = PointerGetDatum(construct_empty_array(TEXTOID));
	cache->segments[0] = CStringGetTextDatum("campaign_only");
	cache->segments[1] = CStringGetTextDatum("one_time");
	cache->segments[2] = CStringGetTextDatum("repeat");
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * The customer's last purchase day in a category, as unnest(categories, last
 * days) gives it: category is a label key (dormancy.label_key of the price
 * change's category), compared with the label keys of the customer's
 * categories; the latest day of those with that key.
 */
static bool
CategoryLastDay(FunctionCallInfo fcinfo, Datum **cats, bool **catnulls, int *ncats,
				Datum **days, bool **daynulls, int *ndays, text *category, DateADT *day)
{
	bool		found = false;

	if (PG_ARGISNULL(CF_ARG_CATEGORIES) || PG_ARGISNULL(CF_ARG_CATEGORY_LAST_ORDER_AT))
		return false;			/* unnest(NULL, ...) has no rows */
	if (*cats == NULL)
	{
		deconstruct_array(PG_GETARG_ARRAYTYPE_P(CF_ARG_CATEGORIES), TEXTOID, -1, false,
						  TYPALIGN_INT, cats, catnulls, ncats);
		deconstruct_array(PG_GETARG_ARRAYTYPE_P(CF_ARG_CATEGORY_LAST_ORDER_AT), DATEOID,
						  sizeof(DateADT), true, TYPALIGN_INT, days, daynulls, ndays);
		/* the customer's categories as label keys, once per customer */
		for (int i = 0; i < *ncats; i++)
			if (!(*catnulls)[i])
				(*cats)[i] = PointerGetDatum(LabelKeyText(DatumGetTextPP((*cats)[i]),
														  DEFAULT_COLLATION_OID));
	}
	for (int i = 0; i < *ncats; i++)
	{
		text	   *c;

		if ((*catnulls)[i])
			continue;
		c = DatumGetTextPP((*cats)[i]);
		if (VARSIZE_ANY_EXHDR(c) == VARSIZE_ANY_EXHDR(category) &&
			memcmp(VARDATA_ANY(c), VARDATA_ANY(category), VARSIZE_ANY_EXHDR(c)) == 0 &&
			i < *ndays && !(*daynulls)[i])
		{
			DateADT		d = DatumGetDateADT((*days)[i]);

			if (!found || d > *day)
				*day = d;
			found = true;
		}
	}
	return found;
}

/*
 * min_order_amount::float8 (NULL: 0), converted by the server's cast once
 * per distinct value: the customers of a segment share their rule's.
 */
static double
MinOrderAmount(FunctionCallInfo fcinfo, FactsCache *cache)
{
	struct varlena *n;
	Size		len;

	if (PG_ARGISNULL(HF_ARG_MIN_ORDER_AMOUNT))
		return 0;
	n = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(HF_ARG_MIN_ORDER_AMOUNT));
	len = VARSIZE_ANY(n);
	if (cache->min_amount_bytes != NULL && cache->min_amount_len == len &&
		memcmp(cache->min_amount_bytes, n, len) == 0)
		return cache->min_amount;
	cache->min_amount = DatumGetFloat8(DirectFunctionCall1(numeric_float8, PointerGetDatum(n)));
	if (cache->min_amount_bytes != NULL)
		pfree(cache->min_amount_bytes);
	cache->min_amount_bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
	memcpy(cache->min_amount_bytes, n, len);
	cache->min_amount_len = len;
	return cache->min_amount;
}

/*
 * SQL: dormancy._customer_facts(<the arguments of _history_facts, but
 * min_order_amount numeric>, at_risk_after, dormant_after, long_dormant_after interval,
 * use_contract_end boolean, contract_covered_until date, categories text[],
 * category_last_order_at date[], categories_bound boolean, configuration)
 * returns record
 *
 * The columns of _history_facts (declining false and decline_signals '{}'
 * where it gives NULL), then what customer_core derived from them in SQL:
 * the state (dormancy_state on the last qualifying order, or the last day
 * covered by a contract when later and use_contract_end), the days since
 * the last and the last qualifying order, the segment, and the price
 * changes the customer lapsed after (the latest of each kind with its
 * label).  The price changes are those of the configuration, prepared once
 * per query per call site (rules_sql.c): an edit shows in the next query.
 * IMMUTABLE: it reads no table.
 */
Datum
customer_facts(PG_FUNCTION_ARGS)
{
	FactsCache *cache;
	PriceCache *prices;
	DateADT		as_of;
	Datum		values[CF_NATTS];
	bool		nulls[CF_NATTS] = {0};
	int			pi,
				sc;
	Datum	   *cats = NULL,
			   *days = NULL;
	bool	   *catnulls = NULL,
			   *daynulls = NULL;
	int			ncats = 0,
				ndays = 0;
	Configuration config;

	if (PG_NARGS() != CF_NARGS)
		elog(ERROR, "_customer_facts takes %d arguments", CF_NARGS);
	if (PG_ARGISNULL(HF_ARG_AS_OF))
		PG_RETURN_NULL();
	as_of = PG_GETARG_DATEADT(HF_ARG_AS_OF);
	ConfigurationArg(fcinfo, CF_ARG_CONFIGURATION, &config);
	cache = GetFactsCache(fcinfo, CF_NATTS);
	if (!ConfigCacheCurrent((CallSiteCache *) cache->prices, &config))
	{
		if (cache->prices != NULL)
			MemoryContextDelete(cache->prices->site.mcxt);
		cache->prices = NULL;
		cache->prices = LoadPriceChanges(fcinfo->flinfo->fn_mcxt, &config);
	}
	prices = cache->prices;
	HistoryFactsColumns(fcinfo, cache, as_of, MinOrderAmount(fcinfo, cache), values, nulls);

	/* coalesce(declining, false), coalesce(decline_signals, '{}') */
	if (nulls[HF_DECLINING])
	{
		values[HF_DECLINING] = BoolGetDatum(false);
		nulls[HF_DECLINING] = false;
	}
	if (nulls[HF_DECLINE_SIGNALS])
	{
		values[HF_DECLINE_SIGNALS] = prices->empty;
		nulls[HF_DECLINE_SIGNALS] = false;
	}

	/* the state, use_contract_end applied */
	nulls[CF_STATE] = true;
	if (!PG_ARGISNULL(CF_ARG_AT_RISK_AFTER) && !PG_ARGISNULL(CF_ARG_DORMANT_AFTER) &&
		!PG_ARGISNULL(CF_ARG_LONG_DORMANT_AFTER))
	{
		bool		last_null = nulls[HF_LAST_QUALIFYING_ORDER_AT];
		DateADT		last = last_null ? 0 : DatumGetDateADT(values[HF_LAST_QUALIFYING_ORDER_AT]);

		if (!PG_ARGISNULL(CF_ARG_USE_CONTRACT_END) && PG_GETARG_BOOL(CF_ARG_USE_CONTRACT_END) &&
			!PG_ARGISNULL(CF_ARG_CONTRACT_COVERED_UNTIL))
		{
			DateADT		covered = PG_GETARG_DATEADT(CF_ARG_CONTRACT_COVERED_UNTIL);

			if (last_null || covered > last)	/* greatest(), NULL ignored */
				last = covered;
			last_null = false;
		}
		values[CF_STATE] = CStringGetTextDatum(last_null ? "never_purchased" :
											   DormancyStateName(last, as_of,
																 PG_GETARG_INTERVAL_P(CF_ARG_AT_RISK_AFTER),
																 PG_GETARG_INTERVAL_P(CF_ARG_DORMANT_AFTER),
																 PG_GETARG_INTERVAL_P(CF_ARG_LONG_DORMANT_AFTER)));
		nulls[CF_STATE] = false;
	}

	/* as_of - last_order_at, as_of - last_qualifying_order_at */
	nulls[CF_DAYS_SINCE_LAST_ORDER] = nulls[HF_LAST_ORDER_AT];
	if (!nulls[HF_LAST_ORDER_AT])
		values[CF_DAYS_SINCE_LAST_ORDER] = DirectFunctionCall2(date_mi, DateADTGetDatum(as_of),
															   values[HF_LAST_ORDER_AT]);
	nulls[CF_DAYS_SINCE_LAST_QUALIFYING_ORDER] = nulls[HF_LAST_QUALIFYING_ORDER_AT];
	if (!nulls[HF_LAST_QUALIFYING_ORDER_AT])
		values[CF_DAYS_SINCE_LAST_QUALIFYING_ORDER] = DirectFunctionCall2(date_mi, DateADTGetDatum(as_of),
																		  values[HF_LAST_QUALIFYING_ORDER_AT]);

	/* the segment */
	{
		const char *segment = customer_segment(!nulls[HF_CAMPAIGN_ONLY],
											   !nulls[HF_CAMPAIGN_ONLY] && DatumGetBool(values[HF_CAMPAIGN_ONLY]),
											   nulls[HF_ORDER_DAYS] ? 0 : DatumGetInt32(values[HF_ORDER_DAYS]));

		nulls[CF_SEGMENT] = segment == NULL;
		if (segment != NULL)
			values[CF_SEGMENT] = prices->segments[segment[0] == 'c' ? 0 : segment[0] == 'o' ? 1 : 2];
	}

	/* the price changes the customer lapsed after */
	for (int i = 0; i < prices->n; i++)
	{
		bool		has_day;
		DateADT		day = 0;
		bool		lapsed = false;

		prices->hits[i].is_price_increase = prices->is_price_increase[i];
		if (prices->changed_at[i] <= as_of)
		{
			/*
			 * A change for all categories: the last order.  A change for one
			 * category: the last purchase in it, none when no category is
			 * bound (source_issues reports such changes) or the customer's
			 * purchases have no category.
			 */
			if (prices->category[i] == NULL)
			{
				has_day = !nulls[HF_LAST_ORDER_AT];
				if (has_day)
					day = DatumGetDateADT(values[HF_LAST_ORDER_AT]);
			}
			else if (PG_ARGISNULL(CF_ARG_CATEGORIES_BOUND) || !PG_GETARG_BOOL(CF_ARG_CATEGORIES_BOUND))
				has_day = false;
			else
				has_day = CategoryLastDay(fcinfo, &cats, &catnulls, &ncats, &days, &daynulls,
										  &ndays, prices->category[i], &day);
			/* last_day < changed_at AND last_day + dormant_after > changed_at */
			lapsed = has_day && day < prices->changed_at[i] && !PG_ARGISNULL(CF_ARG_DORMANT_AFTER) &&
				DatumGetBool(DirectFunctionCall2(timestamp_gt_date,
												 DirectFunctionCall2(date_pl_interval, DateADTGetDatum(day),
																	 PG_GETARG_DATUM(CF_ARG_DORMANT_AFTER)),
												 DateADTGetDatum(prices->changed_at[i])));
		}
		prices->hits[i].lapsed = lapsed;
	}
	price_changes_latest(prices->hits, prices->n, &pi, &sc);
	values[CF_LAPSED_AFTER_PRICE_INCREASE] = BoolGetDatum(pi >= 0);
	nulls[CF_PRICE_INCREASE] = pi < 0;
	if (pi >= 0)
		values[CF_PRICE_INCREASE] = prices->label[pi];
	values[CF_LAPSED_AFTER_SPEC_CHANGE] = BoolGetDatum(sc >= 0);
	nulls[CF_SPEC_CHANGE] = sc < 0;
	if (sc >= 0)
		values[CF_SPEC_CHANGE] = prices->label[sc];

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}
