/*
 * fiscal_sql.c
 *		dormancy._reapproach_on(as_of date, event_on date,
 *		fiscal_year_start_month smallint, lead interval) returns date: the
 *		first day a customer who put you off to next fiscal year's budget on
 *		event_on is approached again (src/core/fiscal.c), when it is after
 *		as_of; NULL when the hold is over or event_on is not finite.
 *		customer_status.reapproach_on (docs/outreach.md, Next fiscal year's
 *		budget).  In C, as one call per row: the SQL of the same
 *		arithmetic could not be inlined (a subquery, the day used four
 *		times), and a call of a SQL function per customer cost about 17 us.
 */
#include "postgres.h"

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "core/fiscal.h"

PG_FUNCTION_INFO_V1(dormancy_reapproach_on);

Datum
dormancy_reapproach_on(PG_FUNCTION_ARGS)
{
	DateADT		as_of = PG_GETARG_DATEADT(0);
	DateADT		event_on = PG_GETARG_DATEADT(1);
	int16		start_month = PG_GETARG_INT16(2);
	Interval   *lead = PG_GETARG_INTERVAL_P(3);
	int64		day;

	if (start_month < 1 || start_month > 12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fiscal year start month must be between 1 and 12, not %d", start_month)));
	if (lead->month < 0 || lead->day < 0 || lead->time != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the lead must be whole days or months, not negative"),
				 errhint("outreach_settings.budget_reapproach_lead takes such an interval, e.g. '2 months'.")));
	if (DATE_NOT_FINITE(as_of) || DATE_NOT_FINITE(event_on))
		PG_RETURN_NULL();
	if (!fiscal_reapproach_day(event_on, start_month, lead->month, lead->day, &day))
		PG_RETURN_NULL();
	/* beyond the range of a date (an event in the last days it has) */
	if (day > INT32_MAX || !IS_VALID_DATE((DateADT) day))
		PG_RETURN_NULL();
	if (day <= as_of)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT((DateADT) day);
}
