/*
 * effect_sql.c
 *		SQL interface of the campaign effect statistics (issue 15):
 *		dormancy.proportion_difference(treated_events, treated,
 *									   control_events, control)
 *		dormancy.mean_difference(treated, treated_mean, treated_variance,
 *								 control, control_mean, control_variance)
 *		dormancy.number_needed_to_treat(difference, lower, upper)
 *			each returning (estimate, lower, upper) under its own names.
 *
 * The computation is in core/effect.c; docs/campaign_effect.md has the
 * methods.  A group without members gives NULLs (no estimate); counts that
 * cannot be (negative, more events than members) and negative variances are
 * errors.  IMMUTABLE: the result depends only on the arguments.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "core/effect.h"
#include "fmgr.h"
#include "funcapi.h"

PG_FUNCTION_INFO_V1(proportion_difference);
PG_FUNCTION_INFO_V1(mean_difference);
PG_FUNCTION_INFO_V1(number_needed_to_treat);

/* The (estimate, lower, upper) row of an interval; NULL where undefined. */
static Datum
IntervalRow(FunctionCallInfo fcinfo, EffectInterval r)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Float8GetDatum(r.estimate);
	values[1] = Float8GetDatum(r.lower);
	values[2] = Float8GetDatum(r.upper);
	nulls[0] = !r.valid;
	nulls[1] = nulls[2] = !(r.valid && r.bounded);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* Refuse a count outside 0..members. */
static void
CheckCount(int64 events, int64 members, const char *group)
{
	if (members < 0 || events < 0 || events > members)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s count: " INT64_FORMAT " events of " INT64_FORMAT " members",
						group, events, members),
				 errdetail("A group's events must be between 0 and its number of members."),
				 errhint("Pass the number of members who reactivated and the number of members.")));
}

/*
 * proportion_difference(treated_events bigint, treated bigint,
 *						 control_events bigint, control bigint,
 *						 OUT difference, OUT lower, OUT upper)
 *
 * treated_events/treated - control_events/control with Newcombe's hybrid
 * score 95% interval; NULLs when a group has no members.
 */
Datum
proportion_difference(PG_FUNCTION_ARGS)
{
	int64		x1 = PG_GETARG_INT64(0),
				n1 = PG_GETARG_INT64(1),
				x2 = PG_GETARG_INT64(2),
				n2 = PG_GETARG_INT64(3);

	CheckCount(x1, n1, "treated");
	CheckCount(x2, n2, "control");
	return IntervalRow(fcinfo, effect_proportion_difference(x1, n1, x2, n2));
}

/*
 * mean_difference(treated bigint, treated_mean float8, treated_variance float8,
 *				   control bigint, control_mean float8, control_variance float8,
 *				   OUT difference, OUT lower, OUT upper)
 *
 * treated_mean - control_mean with Welch's 95% interval.  Not strict: a NULL
 * variance (var_samp of one member) leaves the interval NULL; a NULL size or
 * mean leaves everything NULL.
 */
Datum
mean_difference(PG_FUNCTION_ARGS)
{
	EffectInterval r = {false, false, 0.0, 0.0, 0.0};
	double		v1 = PG_ARGISNULL(2) ? NAN : PG_GETARG_FLOAT8(2),
				v2 = PG_ARGISNULL(5) ? NAN : PG_GETARG_FLOAT8(5);

	if (v1 < 0.0 || v2 < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid variance %g", v1 < 0.0 ? v1 : v2),
				 errdetail("A variance cannot be negative."),
				 errhint("Pass var_samp() of each group.")));
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1) && !PG_ARGISNULL(3) && !PG_ARGISNULL(4))
	{
		int64		n1 = PG_GETARG_INT64(0),
					n2 = PG_GETARG_INT64(3);

		if (n1 < 0 || n2 < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid group size " INT64_FORMAT, n1 < 0 ? n1 : n2),
					 errdetail("A group cannot have fewer than 0 members.")));
		r = effect_mean_difference((double) n1, PG_GETARG_FLOAT8(1), v1,
								   (double) n2, PG_GETARG_FLOAT8(4), v2);
	}
	return IntervalRow(fcinfo, r);
}

/*
 * number_needed_to_treat(difference float8, lower float8, upper float8,
 *						  OUT number_needed, OUT lower, OUT upper)
 *
 * 1 / difference, with [1 / upper, 1 / lower] only when the difference's
 * interval excludes 0 (else the interval is unbounded: NULL).  Not strict: a
 * NULL bound means no interval; a NULL difference gives NULLs.
 */
Datum
number_needed_to_treat(PG_FUNCTION_ARGS)
{
	EffectInterval d = {false, false, 0.0, 0.0, 0.0};

	if (!PG_ARGISNULL(0))
	{
		d.valid = true;
		d.estimate = PG_GETARG_FLOAT8(0);
		if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
		{
			d.bounded = true;
			d.lower = PG_GETARG_FLOAT8(1);
			d.upper = PG_GETARG_FLOAT8(2);
			if (!(d.lower <= d.estimate && d.estimate <= d.upper))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("difference %g is outside its interval [%g, %g]", d.estimate, d.lower, d.upper),
						 errdetail("The interval of a difference must contain the difference.")));
		}
	}
	return IntervalRow(fcinfo, effect_number_needed(d));
}
