/*
 * intervals_sql.c
 *		SQL interface of the per-customer forecast intervals:
 *		model_intervals(bgnbd | paretonbd, covariance, gammagamma,
 *		gammagamma_covariance, frequency, recency, age, monetary_value,
 *		horizon, monetary_days).  The numerics are in core/intervals.c.
 *
 * Quiet like model_predictions: a NULL or unusable input gives NULL
 * values, never an error, so that one customer or one hand-edited model
 * row does not stop the view dormancy.forecast_intervals.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "core/intervals.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(model_intervals_bgnbd);
PG_FUNCTION_INFO_V1(model_intervals_paretonbd);

/*
 * The np x np covariance matrix in a double precision[] (two dimensions,
 * no NULL): false when it is not one.
 */
static bool
ReadCovariance(ArrayType *arr, int np, double *cov)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) != 2 ||
		ARR_DIMS(arr)[0] != np || ARR_DIMS(arr)[1] != np)
		return false;
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &n);
	if (n != np * np)
		return false;
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			return false;
		cov[i] = DatumGetFloat8(elems[i]);
	}
	return true;
}

/*
 * The first np fields of a model row as positive finite parameters: false
 * when one is NULL or not.
 */
static bool
ReadParams(HeapTupleHeader rec, int np, double *params)
{
	int			i;

	for (i = 0; i < np; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(rec, i + 1, &isnull);

		if (isnull)
			return false;
		params[i] = DatumGetFloat8(d);
		if (!(isfinite(params[i]) && params[i] > 0.0))
			return false;
	}
	return true;
}

/* One interval into three result columns (value, low, high). */
static void
SetInterval(const BtydInterval *iv, Datum *values, bool *nulls, int col)
{
	if (!iv->ok)
		return;
	values[col] = Float8GetDatum(iv->value);
	nulls[col] = false;
	if (isfinite(iv->low) && isfinite(iv->high))
	{
		values[col + 1] = Float8GetDatum(iv->low);
		values[col + 2] = Float8GetDatum(iv->high);
		nulls[col + 1] = nulls[col + 2] = false;
	}
}

/*
 * Shared body: arguments (model, covariance, gammagamma,
 * gammagamma_covariance, frequency, recency, age, monetary_value, horizon,
 * monetary_days).
 */
static Datum
ModelIntervals(FunctionCallInfo fcinfo, BtydPurchaseModel model)
{
	TupleDesc	tupdesc;
	Datum		values[9];
	bool		nulls[9];
	double		params[4];
	double		cov[16];
	double		ggp[3];
	double		gg_cov[9];
	BtydGgParams gg;
	bool		have_cov;
	bool		have_gg = false;
	bool		have_gg_cov = false;
	double		x;
	double		t_x;
	double		T;
	double		t;
	double		m = 0.0;
	double		m_days;
	BtydForecastIntervals out;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	for (i = 0; i < 9; i++)
		nulls[i] = true;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(4) || PG_ARGISNULL(5) || PG_ARGISNULL(6) || PG_ARGISNULL(8))
		goto done;
	if (!ReadParams(PG_GETARG_HEAPTUPLEHEADER(0), 4, params))
		goto done;
	x = (double) PG_GETARG_INT32(4);
	t_x = PG_GETARG_FLOAT8(5);
	T = PG_GETARG_FLOAT8(6);
	t = PG_GETARG_FLOAT8(8);
	if (btyd_bgnbd_check_obs(x, t_x, T) != BTYD_OBS_OK || !(isfinite(t) && t >= 0.0))
		goto done;
	have_cov = !PG_ARGISNULL(1) && ReadCovariance(PG_GETARG_ARRAYTYPE_P(1), 4, cov);
	/*
	 * the value needs a spend model and, past x = 0, a usable mean spend;
	 * Gamma-Gamma's x: the repeat days of known amount (argument 9, between
	 * 0 and the frequency), else the frequency
	 */
	m_days = (PG_NARGS() > 9 && !PG_ARGISNULL(9)) ? (double) PG_GETARG_INT32(9) : x;
	if (!PG_ARGISNULL(2) && m_days >= 0.0 && m_days <= x &&
		ReadParams(PG_GETARG_HEAPTUPLEHEADER(2), 3, ggp) &&
		(m_days == 0.0 ||
		 (!PG_ARGISNULL(7) && btyd_gg_check_obs(m_days, PG_GETARG_FLOAT8(7)) == BTYD_OBS_OK)))
	{
		have_gg = true;
		gg.p = ggp[0];
		gg.q = ggp[1];
		gg.v = ggp[2];
		m = (m_days > 0.0) ? PG_GETARG_FLOAT8(7) : 0.0;
		have_gg_cov = !PG_ARGISNULL(3) && ReadCovariance(PG_GETARG_ARRAYTYPE_P(3), 3, gg_cov);
	}
	btyd_forecast_intervals(model, params, have_cov ? cov : NULL, have_gg ? &gg : NULL,
							have_gg_cov ? gg_cov : NULL, x, t_x, T, m, m_days, t, &out);
	SetInterval(&out.p_alive, values, nulls, 0);
	SetInterval(&out.expected, values, nulls, 3);
	SetInterval(&out.value, values, nulls, 6);

done:
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* SQL: model_intervals(bgnbd, covariance, gammagamma, gammagamma_covariance, ...) */
Datum
model_intervals_bgnbd(PG_FUNCTION_ARGS)
{
	return ModelIntervals(fcinfo, BTYD_MODEL_BGNBD);
}

/* SQL: model_intervals(paretonbd, covariance, gammagamma, gammagamma_covariance, ...) */
Datum
model_intervals_paretonbd(PG_FUNCTION_ARGS)
{
	return ModelIntervals(fcinfo, BTYD_MODEL_PARETONBD);
}
