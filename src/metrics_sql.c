/*
 * metrics_sql.c
 *		SQL interface of the decline metrics: dormancy.decline_metrics().
 *
 * The computation is in core/metrics.c, which knows nothing of calendars.
 * This file checks the arguments, turns the window lengths into day-number
 * boundaries with the calendar arithmetic of date - interval, runs the core
 * once over the history, and builds the dormancy.decline_metrics row.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "core/metrics.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "history_type.h"
#include "metrics_sql.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(decline_metrics);
PG_FUNCTION_INFO_V1(decline_metrics_settings);

/*
 * Columns of the SQL type dormancy.decline_metrics, in order.  Keep in step
 * with sql_src/30_decline.sql.
 */
enum
{
	DM_MEAN_GAP_DAYS,
	DM_MEDIAN_GAP_DAYS,
	DM_GAP_STDDEV_DAYS,
	DM_OVERDUE_RATIO,
	DM_RECENT_AMOUNT,
	DM_PRIOR_AMOUNT,
	DM_RECENT_ORDERS,
	DM_PRIOR_ORDERS,
	DM_AMOUNT_CHANGE,
	DM_FREQUENCY_CHANGE,
	DM_AMOUNT_TREND,
	DM_TREND_POINTS,
	DM_RELATIVE_TREND,
	DM_RECENT_MEDIAN_GAP_DAYS,
	DM_EARLIER_MEDIAN_GAP_DAYS,
	DM_CADENCE_CHANGE,
	DM_SEASON_AMOUNT,
	DM_LAST_SEASON_AMOUNT,
	DM_SEASON_ORDERS,
	DM_LAST_SEASON_ORDERS,
	DM_SAME_SEASON_CHANGE,
	DM_DECLINING,
	DM_DECLINE_SIGNALS,
	DM_CAMPAIGN_ONLY,
	DM_NATTS
};

StaticAssertDecl(DM_NATTS == DECLINE_METRICS_NATTS,
				 "DECLINE_METRICS_NATTS must match the column list");

/* Most trend years accepted (and the CHECK of dormancy.decline_settings). */
#define MAX_TREND_YEARS 100

/*
 * A window length must be a positive whole number of days and months: no
 * time of day (a window ends on a calendar day) and no negative part (so
 * every boundary lies before as_of).
 */
static void
CheckWindowLength(const Interval *span, const char *name)
{
	if (span->time != 0 || span->month < 0 || span->day < 0 ||
		(span->month == 0 && span->day == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive number of days, months or years: %s",
						name,
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(span)))),
				 errdetail("Windows end on calendar days, so hours and negative parts are not allowed."),
				 errhint("Use a value such as '12 months' or '90 days'.")));
}

/* A threshold must be a finite number in [min, max] (min excluded when asked). */
static void
CheckThreshold(double value, const char *name, double min, bool min_included,
			   double max)
{
	if (!isfinite(value) || value > max ||
		(min_included ? value < min : value <= min))
	{
		if (isinf(max))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be %s %g and finite, not %g",
							name, min_included ? "at least" : "greater than",
							min, value)));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be %s %g and at most %g, not %g",
							name, min_included ? "at least" : "greater than",
							min, max, value)));
	}
}

/*
 * The day a window length (times factor) before 'day': date - factor * span,
 * months first (clamped to the month's last day), then days.
 */
static int32
DayBefore(DateADT day, const Interval *span, int32 factor)
{
	Interval	back;

	if (pg_mul_s32_overflow(span->month, -factor, &back.month) ||
		pg_mul_s32_overflow(span->day, -factor, &back.day))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	back.time = 0;
	return DormancyDayPlusInterval(day, &back);
}

/* A float8 result, or NULL when undefined; infinity is an overflow. */
static Datum
MetricDatum(MetricValue v, bool *isnull)
{
	*isnull = !v.valid;
	if (!v.valid)
		return (Datum) 0;
	if (!isfinite(v.value))
		float_overflow_error();
	return Float8GetDatum(v.value);
}

/* A float8 sum; infinity is an overflow. */
static Datum
AmountDatum(double v)
{
	if (!isfinite(v))
		float_overflow_error();
	return Float8GetDatum(v);
}

/* The names of the signals that fired, as text[] (empty when none). */
static Datum
SignalArray(uint32 signals)
{
	Datum		names[DECLINE_NSIGNALS];
	int			n = 0;

	for (int i = 0; i < DECLINE_NSIGNALS; i++)
	{
		if (signals & (1U << i))
			names[n++] = PointerGetDatum(cstring_to_text(decline_signal_names[i]));
	}
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * Check the as-of day, window lengths and thresholds, and compute the window
 * boundaries (each one as_of - interval, as SQL computes it).  Shared by
 * decline_metrics() and the one-evaluation facts (facts_sql.c).
 */
void
DeclinePrepare(DateADT as_of, Interval *window_length, int32 trend_years,
			   Interval *season_length, const DeclineThresholds *t,
			   DeclineBounds *b)
{
	Interval	span;

	if (DATE_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a finite date"),
				 errdetail("Windows are counted back from as_of.")));
	CheckWindowLength(window_length, "window_length");
	CheckWindowLength(season_length, "season_length");
	if (trend_years < 1 || trend_years > MAX_TREND_YEARS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trend_years must be between 1 and %d, not %d",
						MAX_TREND_YEARS, trend_years)));
	CheckThreshold(t->amount_drop, "amount_drop_threshold", 0, false, 1);
	CheckThreshold(t->frequency_drop, "frequency_drop_threshold", 0, false, 1);
	CheckThreshold(t->cadence_slowdown, "cadence_slowdown_threshold", 0, false,
				   INFINITY);
	CheckThreshold(t->overdue, "overdue_threshold", 1, true, INFINITY);
	CheckThreshold(t->season_drop, "season_drop_threshold", 0, false, 1);
	CheckThreshold(t->trend_drop, "trend_drop_threshold", 0, true, INFINITY);
	if (t->trend_min_points < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trend_min_points must be at least 2, not %d",
						t->trend_min_points),
				 errdetail("A slope needs two points.")));

	b->as_of_day = as_of;
	b->recent_start = DayBefore(as_of, window_length, 1);
	b->prior_start = DayBefore(as_of, window_length, 2);
	span.month = 12 * trend_years;
	span.day = 0;
	span.time = 0;
	b->trend_start = DayBefore(as_of, &span, 1);
	b->season_start = DayBefore(as_of, season_length, 1);
	span.month = 12;
	b->last_season_end = DayBefore(as_of, &span, 1);
	b->last_season_start = DayBefore(b->last_season_end, season_length, 1);
}

/*
 * The DECLINE_METRICS_NATTS columns of dormancy.decline_metrics, in its
 * order, into values[] and nulls[].
 */
void
DeclineFillColumns(const DeclineMetrics *m, Datum *values, bool *nulls)
{
	values[DM_MEAN_GAP_DAYS] = MetricDatum(m->mean_gap_days, &nulls[DM_MEAN_GAP_DAYS]);
	values[DM_MEDIAN_GAP_DAYS] = MetricDatum(m->median_gap_days, &nulls[DM_MEDIAN_GAP_DAYS]);
	values[DM_GAP_STDDEV_DAYS] = MetricDatum(m->gap_stddev_days, &nulls[DM_GAP_STDDEV_DAYS]);
	values[DM_OVERDUE_RATIO] = MetricDatum(m->overdue_ratio, &nulls[DM_OVERDUE_RATIO]);
	values[DM_RECENT_AMOUNT] = AmountDatum(m->recent_amount);
	nulls[DM_RECENT_AMOUNT] = false;
	values[DM_PRIOR_AMOUNT] = AmountDatum(m->prior_amount);
	nulls[DM_PRIOR_AMOUNT] = false;
	values[DM_RECENT_ORDERS] = Int64GetDatum(m->recent_orders);
	nulls[DM_RECENT_ORDERS] = false;
	values[DM_PRIOR_ORDERS] = Int64GetDatum(m->prior_orders);
	nulls[DM_PRIOR_ORDERS] = false;
	values[DM_AMOUNT_CHANGE] = MetricDatum(m->amount_change, &nulls[DM_AMOUNT_CHANGE]);
	values[DM_FREQUENCY_CHANGE] = MetricDatum(m->frequency_change, &nulls[DM_FREQUENCY_CHANGE]);
	values[DM_AMOUNT_TREND] = MetricDatum(m->amount_trend, &nulls[DM_AMOUNT_TREND]);
	values[DM_TREND_POINTS] = Int32GetDatum(m->trend_points);
	nulls[DM_TREND_POINTS] = false;
	values[DM_RELATIVE_TREND] = MetricDatum(m->relative_trend, &nulls[DM_RELATIVE_TREND]);
	values[DM_RECENT_MEDIAN_GAP_DAYS] = MetricDatum(m->recent_median_gap_days,
													&nulls[DM_RECENT_MEDIAN_GAP_DAYS]);
	values[DM_EARLIER_MEDIAN_GAP_DAYS] = MetricDatum(m->earlier_median_gap_days,
													 &nulls[DM_EARLIER_MEDIAN_GAP_DAYS]);
	values[DM_CADENCE_CHANGE] = MetricDatum(m->cadence_change, &nulls[DM_CADENCE_CHANGE]);
	values[DM_SEASON_AMOUNT] = AmountDatum(m->season_amount);
	nulls[DM_SEASON_AMOUNT] = false;
	values[DM_LAST_SEASON_AMOUNT] = AmountDatum(m->last_season_amount);
	nulls[DM_LAST_SEASON_AMOUNT] = false;
	values[DM_SEASON_ORDERS] = Int64GetDatum(m->season_orders);
	nulls[DM_SEASON_ORDERS] = false;
	values[DM_LAST_SEASON_ORDERS] = Int64GetDatum(m->last_season_orders);
	nulls[DM_LAST_SEASON_ORDERS] = false;
	values[DM_SAME_SEASON_CHANGE] = MetricDatum(m->same_season_change,
												&nulls[DM_SAME_SEASON_CHANGE]);
	values[DM_DECLINING] = BoolGetDatum(m->declining);
	nulls[DM_DECLINING] = false;
	values[DM_DECLINE_SIGNALS] = SignalArray(m->signals);
	nulls[DM_DECLINE_SIGNALS] = false;
	values[DM_CAMPAIGN_ONLY] = BoolGetDatum(m->campaign_only);
	nulls[DM_CAMPAIGN_ONLY] = !m->campaign_only_known;
}

/*
 * Compute the metrics of one history and build the result row.  Shared by
 * both SQL signatures; checks every argument first.
 */
static Datum
DeclineMetricsRow(FunctionCallInfo fcinfo, PurchaseHistory *h, DateADT as_of,
				  Interval *window_length, int32 trend_years,
				  Interval *season_length, DeclineThresholds *t,
				  bool discounted_known)
{
	DeclineBounds b;
	DeclineMetrics m;
	TupleDesc	tupdesc;
	Datum		values[DM_NATTS];
	bool		nulls[DM_NATTS] = {0};
	double	   *scratch;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != DM_NATTS)
		elog(ERROR, "dormancy.decline_metrics has %d columns, expected %d",
			 tupdesc->natts, DM_NATTS);

	/* arguments */
	CheckPurchaseHistory(h);
	DeclinePrepare(as_of, window_length, trend_years, season_length, t, &b);

	/* ndays <= HISTORY_MAX_DAYS (checked above), so this stays small */
	scratch = (double *) palloc(DECLINE_SCRATCH_LEN(h->ndays) * sizeof(double) + 1);
	decline_compute(h->days, h->ndays, &b, t, discounted_known, scratch, &m);
	pfree(scratch);

	DeclineFillColumns(&m, values, nulls);

	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
											 values, nulls));
}

/*
 * SQL: dormancy.decline_metrics(history, as_of date, window_length interval,
 * trend_years int, season_length interval, amount_drop_threshold float8,
 * frequency_drop_threshold float8, cadence_slowdown_threshold float8,
 * overdue_threshold float8, season_drop_threshold float8,
 * trend_drop_threshold float8, trend_min_points int, discounted_known bool)
 * returns dormancy.decline_metrics.
 *
 * STRICT.  One pass over the history's days (plus one over the trend
 * window); days after as_of are ignored.  Undefined metrics are NULL.
 */
Datum
decline_metrics(PG_FUNCTION_ARGS)
{
	PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);
	DeclineThresholds t;
	Datum		result;

	t.amount_drop = PG_GETARG_FLOAT8(5);
	t.frequency_drop = PG_GETARG_FLOAT8(6);
	t.cadence_slowdown = PG_GETARG_FLOAT8(7);
	t.overdue = PG_GETARG_FLOAT8(8);
	t.season_drop = PG_GETARG_FLOAT8(9);
	t.trend_drop = PG_GETARG_FLOAT8(10);
	t.trend_min_points = PG_GETARG_INT32(11);

	result = DeclineMetricsRow(fcinfo, h, PG_GETARG_DATEADT(1),
							   PG_GETARG_INTERVAL_P(2), PG_GETARG_INT32(3),
							   PG_GETARG_INTERVAL_P(4), &t,
							   PG_GETARG_BOOL(12));
	PG_FREE_IF_COPY(h, 0);
	PG_RETURN_DATUM(result);
}

/* One field of a dormancy.decline_settings row; NULL is refused. */
static Datum
SettingField(HeapTupleHeader settings, const char *name)
{
	bool		isnull;
	Datum		value = GetAttributeByName(settings, name, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("decline setting %s must not be null", name)));
	return value;
}

/*
 * SQL: dormancy.decline_metrics(history, as_of date,
 * settings dormancy.decline_settings, discounted_known bool)
 * returns dormancy.decline_metrics.
 *
 * The same as decline_metrics() with the settings taken from a row of
 * dormancy.decline_settings (e.g. decline_settings_in_force()), read by
 * column name.  STRICT.
 */
Datum
decline_metrics_settings(PG_FUNCTION_ARGS)
{
	PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);
	HeapTupleHeader settings = PG_GETARG_HEAPTUPLEHEADER(2);
	DeclineThresholds t;
	Datum		result;

	t.amount_drop = DatumGetFloat8(SettingField(settings, "amount_drop_threshold"));
	t.frequency_drop = DatumGetFloat8(SettingField(settings, "frequency_drop_threshold"));
	t.cadence_slowdown = DatumGetFloat8(SettingField(settings, "cadence_slowdown_threshold"));
	t.overdue = DatumGetFloat8(SettingField(settings, "overdue_threshold"));
	t.season_drop = DatumGetFloat8(SettingField(settings, "season_drop_threshold"));
	t.trend_drop = DatumGetFloat8(SettingField(settings, "trend_drop_threshold"));
	t.trend_min_points = DatumGetInt32(SettingField(settings, "trend_min_points"));

	result = DeclineMetricsRow(fcinfo, h, PG_GETARG_DATEADT(1),
							   DatumGetIntervalP(SettingField(settings, "window_length")),
							   DatumGetInt32(SettingField(settings, "trend_years")),
							   DatumGetIntervalP(SettingField(settings, "season_length")),
							   &t, PG_GETARG_BOOL(3));
	PG_FREE_IF_COPY(h, 0);
	PG_RETURN_DATUM(result);
}
