/*
 * tracking_sql.c
 *		SQL interface of the tracking's forecast (core/tracking.c):
 *		dormancy._tracking_forecast(first_days date[], counts bigint[],
 *									curve double precision[], period_ends date[])
 *			returns table (period_end date, customers bigint,
 *						   predicted double precision)
 *
 * Internal to validate_models(), which passes one model's arrays: its
 * customers' first purchase days and how many first bought on each, the
 * expectation of one new customer by lag in days (element 1 is lag 0; a NULL
 * element or a lag beyond the array makes the end's prediction NULL, as a
 * missing lag did in the join it replaces; a NULL array: no curve), and the
 * period ends.  IMMUTABLE: the rows depend only on the arguments.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "core/tracking.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(dormancy_tracking_forecast);

/* The elements of a one-dimensional array argument (NULL: none). */
static int
ArrayArgument(FunctionCallInfo fcinfo, int argno, Oid element_type, const char *name,
			  bool nulls_allowed, Datum **elements, bool **nulls)
{
	ArrayType  *a;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n;

	*elements = NULL;
	*nulls = NULL;
	if (PG_ARGISNULL(argno))
		return 0;
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", name)));
	get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
	deconstruct_array(a, element_type, typlen, typbyval, typalign, elements, nulls, &n);
	if (!nulls_allowed)
	{
		int			i;

		for (i = 0; i < n; i++)
			if ((*nulls)[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s must not contain NULL", name)));
	}
	return n;
}

/* Days of finite dates. */
static int32_t *
Days(const Datum *elements, int n, const char *name)
{
	int32_t    *days = palloc(sizeof(int32_t) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		DateADT		d = DatumGetDateADT(elements[i]);

		if (DATE_NOT_FINITE(d))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be finite dates", name)));
		days[i] = d;
	}
	return days;
}

Datum
dormancy_tracking_forecast(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum	   *elements;
	bool	   *nulls;
	int			nfirsts;
	int			ncounts;
	int			ncurve;
	int			nends;
	int32_t    *first_days;
	int64_t    *counts;
	double	   *curve;
	bool	   *curve_known;
	int32_t    *ends;
	TrackingForecast *out;
	int64		total = 0;
	int			i;

	nfirsts = ArrayArgument(fcinfo, 0, DATEOID, "first_days", false, &elements, &nulls);
	first_days = Days(elements, nfirsts, "first_days");

	ncounts = ArrayArgument(fcinfo, 1, INT8OID, "counts", false, &elements, &nulls);
	if (ncounts != nfirsts)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("first_days and counts must have the same length"),
				 errdetail("Their lengths are %d and %d.", nfirsts, ncounts)));
	counts = palloc(sizeof(int64_t) * Max(ncounts, 1));
	for (i = 0; i < ncounts; i++)
	{
		counts[i] = DatumGetInt64(elements[i]);
		if (counts[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("counts must not be negative")));
		/* (their sum is an end's customers) */
		if (pg_add_s64_overflow(total, counts[i], &total))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("bigint out of range"),
					 errdetail("The counts add up to more than a bigint holds.")));
	}

	ncurve = ArrayArgument(fcinfo, 2, FLOAT8OID, "curve", true, &elements, &nulls);
	curve = palloc(sizeof(double) * Max(ncurve, 1));
	curve_known = palloc(sizeof(bool) * Max(ncurve, 1));
	for (i = 0; i < ncurve; i++)
	{
		curve_known[i] = !nulls[i];
		curve[i] = nulls[i] ? 0 : DatumGetFloat8(elements[i]);
	}

	nends = ArrayArgument(fcinfo, 3, DATEOID, "period_ends", false, &elements, &nulls);
	ends = Days(elements, nends, "period_ends");

	/* one end at a time, so that a long call can be cancelled */
	out = palloc(sizeof(TrackingForecast) * Max(nends, 1));
	for (i = 0; i < nends; i++)
	{
		CHECK_FOR_INTERRUPTS();
		tracking_forecast(first_days, counts, nfirsts, curve, curve_known, ncurve, ends + i, 1, out + i);
	}

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < nends; i++)
	{
		Datum		values[3];
		bool		isnull[3] = {false, false, false};

		values[0] = DateADTGetDatum(ends[i]);
		values[1] = Int64GetDatum(out[i].customers);
		values[2] = Float8GetDatum(out[i].predicted);
		isnull[2] = !out[i].predicted_known;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
	}
	return (Datum) 0;
}
