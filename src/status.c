/*
 * status.c
 *		First-release figures of a history and the dormancy state ladder.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "history_type.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(history_summary);
PG_FUNCTION_INFO_V1(dormancy_state);
PG_FUNCTION_INFO_V1(btyd_summary);
PG_FUNCTION_INFO_V1(btyd_summary_day);

/*
 * SQL: history_summary(h, as_of date, min_order_amount float8).
 *
 * Not strict in h: a NULL history is a customer without orders and gets zero
 * counts.  Days after as_of are ignored, so a pinned as_of gives the state the
 * data had on that day.
 */
Datum
history_summary(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	HistorySummary s;
	DateADT		as_of;
	double		min_amount;
	Datum		values[9];
	bool		nulls[9] = {0};

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	as_of = PG_GETARG_DATEADT(1);
	min_amount = PG_ARGISNULL(2) ? 0 : PG_GETARG_FLOAT8(2);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	if (PG_ARGISNULL(0))
		memset(&s, 0, sizeof(s));
	else
	{
		PurchaseHistory *h = PG_GETARG_PURCHASE_HISTORY_P(0);

		/* an infinite as_of means "everything": clamp to the int32 range */
		history_summarize(h->days, h->ndays,
						  DATE_IS_NOBEGIN(as_of) ? PG_INT32_MIN : as_of,
						  min_amount, &s);
	}

	values[0] = DateADTGetDatum(s.first_day);
	nulls[0] = (s.order_days == 0);
	values[1] = DateADTGetDatum(s.last_day);
	nulls[1] = (s.order_days == 0);
	values[2] = DateADTGetDatum(s.last_qualifying_day);
	nulls[2] = !s.has_qualifying;
	values[3] = Int64GetDatum(s.orders_count);
	values[4] = Int32GetDatum(s.order_days);
	values[5] = Float8GetDatum(s.total_amount);
	values[6] = Int32GetDatum(s.unknown_amount_orders);
	values[7] = Int32GetDatum(s.refunds);
	values[8] = Int32GetDatum(s.discounted_days);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
													  values, nulls)));
}

/*
 * A threshold interval must move a day forward, in whole days or months, as
 * the rules table's CHECK constraints say (rules_thresholds_whole_days): a
 * time part would be cut off when the threshold is added to a day.
 */
static void
CheckThreshold(Interval *span, const char *name)
{
	if (span->month < 0 || span->day < 0 || span->time < 0 ||
		(span->month == 0 && span->day == 0 && span->time <= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive interval", name)));
	if (span->time != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be whole days or months", name),
				 errdetail("A threshold is added to a day, so a time part would be cut off."),
				 errhint("Give the threshold in days or months, such as '1 day' instead of '24 hours'.")));
}

/*
 * The state of dormancy_state() for a last order day that is not NULL, with
 * its checks: thresholds of whole days or months that move a day forward
 * (the rules table's CHECK constraints), a last order not after
 * as_of.  Also the contract state of customer_status (assess_sql.c).
 */
const char *
DormancyStateName(DateADT last_order, DateADT as_of, Interval *at_risk_after,
				  Interval *dormant_after, Interval *long_dormant_after)
{
	const char *state;

	CheckThreshold(at_risk_after, "at_risk_after");
	CheckThreshold(dormant_after, "dormant_after");
	CheckThreshold(long_dormant_after, "long_dormant_after");

	if (last_order > as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("last order day is after the as-of day"),
				 errdetail("Only orders on or before the as-of day count.")));

	if (DormancyDayPlusInterval(last_order, long_dormant_after) <= as_of)
		state = "long_dormant";
	else if (DormancyDayPlusInterval(last_order, dormant_after) <= as_of)
		state = "dormant";
	else if (DormancyDayPlusInterval(last_order, at_risk_after) <= as_of)
		state = "at_risk";
	else
		state = "active";
	return state;
}

/*
 * SQL: dormancy_state(last_order date, as_of date, at_risk_after,
 * dormant_after, long_dormant_after).
 *
 * A customer is in the deepest state whose threshold has been reached:
 * last_order + threshold <= as_of (so exactly dormant_after since the last
 * order is dormant).  A NULL last order means never_purchased; NULL as_of or
 * thresholds give NULL (no rule matched).
 */
Datum
dormancy_state(PG_FUNCTION_ARGS)
{
	DateADT		last_order;
	DateADT		as_of;
	const char *state;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text("never_purchased"));

	last_order = PG_GETARG_DATEADT(0);
	as_of = PG_GETARG_DATEADT(1);
	state = DormancyStateName(last_order, as_of, PG_GETARG_INTERVAL_P(2),
							  PG_GETARG_INTERVAL_P(3), PG_GETARG_INTERVAL_P(4));
	PG_RETURN_TEXT_P(cstring_to_text(state));
}

/*
 * The BTYD summary of a history at the day as_of, in units (the common body
 * of both btyd_summary): the unit must be a fixed length (days and time, no
 * months); NULL when the customer has no purchase day by as_of.
 */
static Datum
BtydSummaryAt(FunctionCallInfo fcinfo, PurchaseHistory *h, DateADT as_of, Interval *unit)
{
	double		unit_days;
	BtydSummary s;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {0};

	if (unit->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must not contain months"),
				 errdetail("Months have no fixed length in days."),
				 errhint("Use days, such as '7 days' for weeks or '30.4375 days' for average months.")));
	unit_days = unit->day + (double) unit->time / USECS_PER_DAY;
	if (!(unit_days > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be a positive interval")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	if (!history_btyd_summary(h->days, h->ndays, as_of, unit_days, &s))
		PG_RETURN_NULL();
	values[0] = Int32GetDatum(s.frequency);
	values[1] = Float8GetDatum(s.recency);
	values[2] = Float8GetDatum(s.age);
	values[3] = Float8GetDatum(s.monetary_value);
	nulls[3] = !s.has_monetary;
	values[4] = Int32GetDatum(s.monetary_days);
	/* (a type of 0.3.0 not yet updated has four attributes) */
	if (tupdesc->natts < 4 || tupdesc->natts > 5)
		elog(ERROR, "return type must have 4 or 5 attributes");
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * SQL: btyd_summary(h, as_of timestamptz, unit interval) returns (frequency,
 * recency, age, monetary_value, monetary_days): at the day of as_of in dormancy.time_zone
 * (STABLE: it reads the setting).
 */
Datum
btyd_summary(PG_FUNCTION_ARGS)
{
	return BtydSummaryAt(fcinfo, PG_GETARG_PURCHASE_HISTORY_P(0),
						 DormancyDayOfTimestampTz(PG_GETARG_TIMESTAMPTZ(1)), PG_GETARG_INTERVAL_P(2));
}

/*
 * SQL: btyd_summary(h, as_of date, unit interval): the same at a day given
 * (IMMUTABLE: no setting is read, so a Citus worker computes it as the
 * coordinator would).
 */
Datum
btyd_summary_day(PG_FUNCTION_ARGS)
{
	return BtydSummaryAt(fcinfo, PG_GETARG_PURCHASE_HISTORY_P(0), PG_GETARG_DATEADT(1), PG_GETARG_INTERVAL_P(2));
}
