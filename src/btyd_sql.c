/*
 * btyd_sql.c
 *		SQL interface of the BG/NBD, Pareto/NBD and Gamma-Gamma models as
 *		values: the composite types dormancy.bgnbd, dormancy.paretonbd and
 *		dormancy.gammagamma (read,
 *		checked, built), their constructors, the prediction functions
 *		(probability alive, expected purchases, expected spend, CLV) and the
 *		model columns of customer_status; with the glue the fitting
 *		aggregates of btyd_fit_sql.c share (btyd_sql.h).
 *
 * The numerics live in core/btyd.c and core/paretonbd.c; this file validates inputs and converts
 * to and from SQL values.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "btyd_sql.h"
#include "core/btyd.h"
#include "core/paretonbd.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "rules_sql.h"
#include "utils/builtins.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(bgnbd_make);
PG_FUNCTION_INFO_V1(bgnbd_p_alive);
PG_FUNCTION_INFO_V1(bgnbd_p_purchase);
PG_FUNCTION_INFO_V1(bgnbd_dormant_age);
PG_FUNCTION_INFO_V1(model_lookahead);
PG_FUNCTION_INFO_V1(model_predictions_paretonbd);
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
PG_FUNCTION_INFO_V1(paretonbd_make);
PG_FUNCTION_INFO_V1(paretonbd_p_alive);
PG_FUNCTION_INFO_V1(paretonbd_expected_purchases);
PG_FUNCTION_INFO_V1(paretonbd_p_purchase);
PG_FUNCTION_INFO_V1(model_lookahead_paretonbd);
PG_FUNCTION_INFO_V1(gammagamma_make);
PG_FUNCTION_INFO_V1(gammagamma_expected_spend);
PG_FUNCTION_INFO_V1(dormancy_clv);

/* Most fields of the composite types dormancy.bgnbd and dormancy.gammagamma. */
#define MODEL_MAX_NATTS 8

/* Longest CLV horizon, in periods (cost grows linearly with it). */
#define CLV_MAX_HORIZON 10000

/* ---------- interrupts ---------- */

/*
 * The stop callback of the long core loops (the optimiser, the CLV sum):
 * true when a query cancel (statement_timeout, pg_cancel_backend) or a
 * termination is pending, noting it in *arg.  The core function then
 * returns, having freed its memory, and the caller raises the interrupt
 * (RaiseStop): the core never longjmps out of its own allocations.
 */
bool
BtydStopRequested(void *arg)
{
	bool		stop = QueryCancelPending || ProcDiePending;

	if (stop && arg != NULL)
		*(bool *) arg = true;
	return stop;
}

/* Raise the pending interrupt that stopped a core loop. */
void
BtydRaiseStop(const char *what)
{
	CHECK_FOR_INTERRUPTS();
	/* the interrupt was not raised (it should have been): stop all the same */
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("%s was interrupted", what)));
}

/* ---------- input checks ---------- */

/* Report an unusable observation with its value. */
void
BtydReportObsError(BtydObsError err, double x, double t_x, double T, double m)
{
	const char *detail = btyd_obs_error_message(err);

	switch (err)
	{
		case BTYD_OBS_OK:
			return;
		case BTYD_OBS_NONFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("customer summary must be finite"),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_NEGATIVE_FREQUENCY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("frequency must not be negative: %.0f", x),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_FRACTIONAL_FREQUENCY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("frequency must be a whole number: %g", x),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_NEGATIVE_RECENCY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("recency must not be negative: %g", t_x),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_RECENCY_AFTER_AGE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("recency %g is greater than age %g", t_x, T),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_RECENCY_WITHOUT_REPEAT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("recency must be 0 when frequency is 0, not %g", t_x),
					 errdetail("%s", detail)));
			break;
		case BTYD_OBS_NONPOSITIVE_MONETARY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("monetary value must be positive when frequency is positive, not %g", m),
					 errdetail("%s", detail)));
			break;
	}
	elog(ERROR, "unrecognized observation error: %d", (int) err);
}

/* Error unless (x, t_x, T) is a valid BG/NBD customer summary. */
void
BtydCheckBgnbdObs(double x, double t_x, double T)
{
	BtydReportObsError(btyd_bgnbd_check_obs(x, t_x, T), x, t_x, T, 0.0);
}

/* Error unless t is a usable prediction horizon. */
static void
CheckHorizon(double t)
{
	if (!isfinite(t) || t < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prediction time t must be finite and not negative: %g", t),
				 errdetail("t is the length of the period to predict, in the units of recency and age.")));
}

/* Error when a computed prediction is not a finite number. */
static double
CheckResult(double v, const char *what)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", what),
				 errdetail("The model does not give a finite value for these inputs.")));
	return v;
}

/* ---------- the composite model types ---------- */

/* A field of a model row that must be present. */
static double
GetModelField(HeapTupleHeader rec, int attno, const char *type, const char *name)
{
	bool		isnull;
	Datum		d = GetAttributeByNum(rec, attno, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s model has no %s", type, name),
				 errdetail("A model needs all of its parameters.")));
	return DatumGetFloat8(d);
}

/* Read and validate the parameters of a dormancy.bgnbd value. */
static void
GetBgnbdModel(HeapTupleHeader rec, BtydBgnbdParams *m)
{
	m->r = GetModelField(rec, 1, "BG/NBD", "r");
	m->alpha = GetModelField(rec, 2, "BG/NBD", "alpha");
	m->a = GetModelField(rec, 3, "BG/NBD", "a");
	m->b = GetModelField(rec, 4, "BG/NBD", "b");
	if (!btyd_bgnbd_params_valid(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid BG/NBD model (r %g, alpha %g, a %g, b %g)",
						m->r, m->alpha, m->a, m->b),
				 errdetail("The parameters r, alpha, a and b must be positive and finite.")));
}

/* Error unless the Pareto/NBD parameters are all positive and finite. */
static void
CheckParetoParams(const BtydParetoParams *m)
{
	if (!btyd_pareto_params_valid(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid Pareto/NBD model (r %g, alpha %g, s %g, beta %g)",
						m->r, m->alpha, m->s, m->beta),
				 errdetail("The parameters r, alpha, s and beta must be positive and finite.")));
}

/* Read and validate the parameters of a dormancy.paretonbd value. */
static void
GetParetoModel(HeapTupleHeader rec, BtydParetoParams *m)
{
	m->r = GetModelField(rec, 1, "Pareto/NBD", "r");
	m->alpha = GetModelField(rec, 2, "Pareto/NBD", "alpha");
	m->s = GetModelField(rec, 3, "Pareto/NBD", "s");
	m->beta = GetModelField(rec, 4, "Pareto/NBD", "beta");
	CheckParetoParams(m);
}

/* Read and validate the parameters of a dormancy.gammagamma value. */
static void
GetGammaGammaModel(HeapTupleHeader rec, BtydGgParams *m)
{
	m->p = GetModelField(rec, 1, "Gamma-Gamma", "p");
	m->q = GetModelField(rec, 2, "Gamma-Gamma", "q");
	m->v = GetModelField(rec, 3, "Gamma-Gamma", "v");
	if (!btyd_gg_params_valid(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid Gamma-Gamma model (p %g, q %g, v %g)", m->p, m->q, m->v),
				 errdetail("The parameters p, q and v must be positive and finite.")));
}

/* Exported GetBgnbdModel, for the aggregates of btyd_fit_sql.c. */
void
BtydGetBgnbdParams(HeapTupleHeader rec, BtydBgnbdParams *m)
{
	GetBgnbdModel(rec, m);
}

/* Exported GetGammaGammaModel, for the aggregates of btyd_fit_sql.c. */
void
BtydGetGammaGammaParams(HeapTupleHeader rec, BtydGgParams *m)
{
	GetGammaGammaModel(rec, m);
}

/* Exported GetParetoModel, for the aggregates of btyd_fit_sql.c. */
void
BtydGetParetoParams(HeapTupleHeader rec, double params[4])
{
	BtydParetoParams m;

	GetParetoModel(rec, &m);
	params[0] = m.r;
	params[1] = m.alpha;
	params[2] = m.s;
	params[3] = m.beta;
}

/* The tuple descriptor of the function's composite result. */
static TupleDesc
ResultTupleDesc(FunctionCallInfo fcinfo, int natts)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != natts)
		elog(ERROR, "model row type has %d fields, expected %d", tupdesc->natts, natts);
	return BlessTupleDesc(tupdesc);
}

/*
 * A model row: the parameters, then log_likelihood, customers, (for
 * Gamma-Gamma) skipped, iterations and converged, all NULL when fit is NULL
 * (a model built from known parameters).
 */
Datum
BtydMakeModelRow(FunctionCallInfo fcinfo, const double *params, int nparams,
				 bool with_skipped, const BtydFit *fit)
{
	int			natts = nparams + (with_skipped ? 5 : 4);
	TupleDesc	tupdesc = ResultTupleDesc(fcinfo, natts);
	Datum		values[MODEL_MAX_NATTS];
	bool		nulls[MODEL_MAX_NATTS];
	int			i;
	int			k;

	for (i = 0; i < nparams; i++)
	{
		values[i] = Float8GetDatum(params[i]);
		nulls[i] = false;
	}
	k = nparams;
	values[k++] = Float8GetDatum(fit ? fit->log_likelihood : 0.0);
	values[k++] = Int64GetDatum(fit ? fit->customers : 0);
	if (with_skipped)
		values[k++] = Int64GetDatum(fit ? fit->skipped : 0);
	values[k++] = Int32GetDatum(fit ? fit->iterations : 0);
	values[k++] = BoolGetDatum(fit ? fit->converged : false);
	for (i = nparams; i < natts; i++)
		nulls[i] = (fit == NULL);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* SQL: bgnbd(r, alpha, a, b) builds a model from known parameters. */
Datum
bgnbd_make(PG_FUNCTION_ARGS)
{
	double		params[4];
	BtydBgnbdParams m;

	m.r = params[0] = PG_GETARG_FLOAT8(0);
	m.alpha = params[1] = PG_GETARG_FLOAT8(1);
	m.a = params[2] = PG_GETARG_FLOAT8(2);
	m.b = params[3] = PG_GETARG_FLOAT8(3);
	if (!btyd_bgnbd_params_valid(&m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid BG/NBD model (r %g, alpha %g, a %g, b %g)",
						m.r, m.alpha, m.a, m.b),
				 errdetail("The parameters r, alpha, a and b must be positive and finite.")));
	return BtydMakeModelRow(fcinfo, params, 4, false, NULL);
}

/* SQL: bgnbd_p_alive(m, frequency, recency, age) */
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams m;
	double		x = (double) PG_GETARG_INT32(1);
	double		t_x = PG_GETARG_FLOAT8(2);
	double		T = PG_GETARG_FLOAT8(3);

	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_bgnbd_p_alive(&m, x, t_x, T), "probability alive"));
}

/* Error unless p is a probability strictly between 0 and 1. */
static void
CheckThreshold(double p)
{
	if (!(p > 0.0 && p < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_alive threshold must be between 0 and 1: %g", p),
				 errdetail("The threshold is the probability alive below which a customer counts as dormant.")));
}

/* SQL: bgnbd_p_purchase(m, t, frequency, recency, age) */
Datum
bgnbd_p_purchase(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams m;
	double		t = PG_GETARG_FLOAT8(1);
	double		x = (double) PG_GETARG_INT32(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);

	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckHorizon(t);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_bgnbd_p_purchase(&m, t, x, t_x, T), "probability of a purchase"));
}

/* SQL: bgnbd_dormant_age(m, frequency, recency, threshold): Infinity when never */
Datum
bgnbd_dormant_age(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams m;
	double		x = (double) PG_GETARG_INT32(1);
	double		t_x = PG_GETARG_FLOAT8(2);
	double		threshold = PG_GETARG_FLOAT8(3);

	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckThreshold(threshold);
	BtydCheckBgnbdObs(x, t_x, t_x);
	PG_RETURN_FLOAT8(btyd_bgnbd_dormant_age(&m, x, t_x, threshold));
}

/* SQL: bgnbd_expected_purchases(m, t, frequency, recency, age) */
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams m;
	double		t = PG_GETARG_FLOAT8(1);
	double		x = (double) PG_GETARG_INT32(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);

	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckHorizon(t);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_bgnbd_expected(&m, t, x, t_x, T), "expected purchases"));
}

/* SQL: bgnbd_expected_purchases_new(m, t) */
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams m;
	double		t = PG_GETARG_FLOAT8(1);

	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckHorizon(t);
	PG_RETURN_FLOAT8(CheckResult(btyd_bgnbd_expected_new(&m, t), "expected purchases"));
}

/* ---------- Pareto/NBD ---------- */

/* SQL: paretonbd(r, alpha, s, beta) builds a model from known parameters. */
Datum
paretonbd_make(PG_FUNCTION_ARGS)
{
	double		params[4];
	BtydParetoParams m;

	m.r = params[0] = PG_GETARG_FLOAT8(0);
	m.alpha = params[1] = PG_GETARG_FLOAT8(1);
	m.s = params[2] = PG_GETARG_FLOAT8(2);
	m.beta = params[3] = PG_GETARG_FLOAT8(3);
	CheckParetoParams(&m);
	return BtydMakeModelRow(fcinfo, params, 4, false, NULL);
}

/* SQL: paretonbd_p_alive(m, frequency, recency, age) */
Datum
paretonbd_p_alive(PG_FUNCTION_ARGS)
{
	BtydParetoParams m;
	double		x = (double) PG_GETARG_INT32(1);
	double		t_x = PG_GETARG_FLOAT8(2);
	double		T = PG_GETARG_FLOAT8(3);

	GetParetoModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_pareto_p_alive(&m, x, t_x, T), "probability alive"));
}

/* SQL: paretonbd_expected_purchases(m, t, frequency, recency, age) */
Datum
paretonbd_expected_purchases(PG_FUNCTION_ARGS)
{
	BtydParetoParams m;
	double		t = PG_GETARG_FLOAT8(1);
	double		x = (double) PG_GETARG_INT32(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);

	GetParetoModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckHorizon(t);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_pareto_expected(&m, t, x, t_x, T), "expected purchases"));
}

/* SQL: paretonbd_p_purchase(m, t, frequency, recency, age) */
Datum
paretonbd_p_purchase(PG_FUNCTION_ARGS)
{
	BtydParetoParams m;
	double		t = PG_GETARG_FLOAT8(1);
	double		x = (double) PG_GETARG_INT32(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);

	GetParetoModel(PG_GETARG_HEAPTUPLEHEADER(0), &m);
	CheckHorizon(t);
	BtydCheckBgnbdObs(x, t_x, T);
	PG_RETURN_FLOAT8(CheckResult(btyd_pareto_p_purchase(&m, t, x, t_x, T), "probability of a purchase"));
}

/* ---------- Gamma-Gamma ---------- */

/* SQL: gammagamma(p, q, v) builds a model from known parameters. */
Datum
gammagamma_make(PG_FUNCTION_ARGS)
{
	double		params[3];
	BtydGgParams m;

	m.p = params[0] = PG_GETARG_FLOAT8(0);
	m.q = params[1] = PG_GETARG_FLOAT8(1);
	m.v = params[2] = PG_GETARG_FLOAT8(2);
	if (!btyd_gg_params_valid(&m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid Gamma-Gamma model (p %g, q %g, v %g)", m.p, m.q, m.v),
				 errdetail("The parameters p, q and v must be positive and finite.")));
	return BtydMakeModelRow(fcinfo, params, 3, true, NULL);
}

/*
 * Expected spend per transaction for (x, m); m may be unknown (NULL) when
 * x = 0.  Errors for invalid input or an infinite mean.
 */
static double
ExpectedSpend(const BtydGgParams *g, double x, bool m_known, double m)
{
	double		s;

	if (x < 0)
		BtydReportObsError(BTYD_OBS_NEGATIVE_FREQUENCY, x, 0, 0, 0);
	if (x > 0)
		BtydReportObsError(btyd_gg_check_obs(x, m), x, 0, 0, m);
	s = btyd_gg_expected_spend(g, x, m_known ? m : 0.0);
	if (isinf(s) && !(g->p * x + g->q > 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected spend is infinite for frequency %.0f under this Gamma-Gamma model", x),
				 errdetail("With p * frequency + q <= 1 (here q = %g) the mean spend does not exist.", g->q)));
	return CheckResult(s, "expected spend");
}

/*
 * SQL: gammagamma_expected_spend(m, frequency, monetary_value).  Not
 * strict: a customer without repeat purchases (frequency 0) has no mean
 * spend of their own, so monetary_value may be NULL there and the answer
 * is the population mean p v / (q - 1).
 */
Datum
gammagamma_expected_spend(PG_FUNCTION_ARGS)
{
	BtydGgParams g;
	double		x;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	x = (double) PG_GETARG_INT32(1);
	if (x != 0 && PG_ARGISNULL(2))
		PG_RETURN_NULL();
	GetGammaGammaModel(PG_GETARG_HEAPTUPLEHEADER(0), &g);
	PG_RETURN_FLOAT8(ExpectedSpend(&g, x, !PG_ARGISNULL(2),
								   PG_ARGISNULL(2) ? 0.0 : PG_GETARG_FLOAT8(2)));
}

/*
 * SQL: clv(bgnbd, gammagamma, frequency, recency, age, monetary_value,
 * horizon, discount_rate, period[, monetary_days]): see btyd_clv in
 * core/btyd.h.  monetary_days, the repeat days of known amount that
 * monetary_value averages, is Gamma-Gamma's x (0 .. frequency, as for
 * model_predictions); without it, or NULL, x is the frequency.  Not strict
 * for the same reason as gammagamma_expected_spend: monetary_value may be
 * NULL when Gamma-Gamma's x is 0; any other NULL gives NULL.
 */
Datum
dormancy_clv(PG_FUNCTION_ARGS)
{
	BtydBgnbdParams bg;
	BtydGgParams gg;
	double		x;
	double		t_x;
	double		T;
	int32		horizon;
	double		discount;
	double		period;
	double		m_days;
	double		spend;
	double		clv;
	bool		stopped = false;
	int			i;

	for (i = 0; i < PG_NARGS(); i++)
	{
		if (i != 5 && i != 9 && PG_ARGISNULL(i))
			PG_RETURN_NULL();
	}
	x = (double) PG_GETARG_INT32(2);
	m_days = PG_NARGS() > 9 && !PG_ARGISNULL(9) ? (double) PG_GETARG_INT32(9) : x;
	/* a count of the repeat days: none below 0 nor above the frequency */
	if (x >= 0 && (m_days < 0 || m_days > x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary_days %.0f is not between 0 and the frequency %.0f", m_days, x),
				 errdetail("monetary_days counts the repeat purchase days of known amount that the monetary value averages.")));
	if (m_days != 0 && PG_ARGISNULL(5))
		PG_RETURN_NULL();
	GetBgnbdModel(PG_GETARG_HEAPTUPLEHEADER(0), &bg);
	GetGammaGammaModel(PG_GETARG_HEAPTUPLEHEADER(1), &gg);
	t_x = PG_GETARG_FLOAT8(3);
	T = PG_GETARG_FLOAT8(4);
	horizon = PG_GETARG_INT32(6);
	discount = PG_GETARG_FLOAT8(7);
	period = PG_NARGS() > 8 ? PG_GETARG_FLOAT8(8) : 1.0;

	BtydCheckBgnbdObs(x, t_x, T);
	if (horizon < 0 || horizon > CLV_MAX_HORIZON)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon must be between 0 and %d periods, not %d", CLV_MAX_HORIZON, horizon)));
	if (!isfinite(discount) || discount <= -1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate must be finite and greater than -1, not %g", discount),
				 errdetail("The discount rate is per period, for example 0.01 for 1%% a month.")));
	if (!isfinite(period) || period <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be finite and positive, not %g", period),
				 errdetail("The period is the length of one discounting period in the units of recency and age.")));
	/* the spend part errors out here for bad inputs or an infinite mean */
	spend = ExpectedSpend(&gg, m_days, !PG_ARGISNULL(5), PG_ARGISNULL(5) ? 0.0 : PG_GETARG_FLOAT8(5));
	clv = btyd_clv_spend_stoppable(&bg, spend, x, t_x, T, horizon, discount, period,
								   BtydStopRequested, &stopped);
	if (stopped)
		BtydRaiseStop("the customer lifetime value");
	PG_RETURN_FLOAT8(CheckResult(clv, "customer lifetime value"));
}

/* ---------- the model columns of customer_status ---------- */

PG_FUNCTION_INFO_V1(model_predictions);

/* Append one problem to the list (separated by "; "). */
static void
AddProblem(StringInfo problems, const char *fmt,...) pg_attribute_printf(2, 3);
static void
AddProblem(StringInfo problems, const char *fmt,...)
{
	va_list		args;

	if (problems->data == NULL)
		initStringInfo(problems);
	else if (problems->len > 0)
		appendStringInfoString(problems, "; ");
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(problems, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(problems, needed);
	}
}

/*
 * Read the parameters of a model row without raising an error: false (with
 * a problem noted) when a field is NULL or a parameter is not positive and
 * finite.
 */
static bool
ReadModelQuietly(HeapTupleHeader rec, int nparams, double *params,
				 const char *model, const char *const *names, StringInfo problems)
{
	int			i;

	for (i = 0; i < nparams; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(rec, i + 1, &isnull);

		if (isnull)
		{
			AddProblem(problems, "the %s model has no %s", model, names[i]);
			return false;
		}
		params[i] = DatumGetFloat8(d);
		if (!(isfinite(params[i]) && params[i] > 0.0))
		{
			AddProblem(problems, "the %s model's %s is %g, not a positive finite number",
					   model, names[i], params[i]);
			return false;
		}
	}
	return true;
}

/* The row type a function returns, looked up once per query (fn_extra). */
static TupleDesc
ResultRowType(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;

	if (tupdesc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	return tupdesc;
}

/* A BG/NBD model row, quietly (see ReadModelQuietly). */
static bool
ReadBgnbdQuietly(HeapTupleHeader rec, BtydBgnbdParams *bg, StringInfo problems)
{
	static const char *const names[] = {"r", "alpha", "a", "b"};
	double		p[4];

	if (!ReadModelQuietly(rec, 4, p, "BG/NBD", names, problems))
		return false;
	bg->r = p[0];
	bg->alpha = p[1];
	bg->a = p[2];
	bg->b = p[3];
	return true;
}

/* A Pareto/NBD model row, quietly (see ReadModelQuietly). */
static bool
ReadParetoQuietly(HeapTupleHeader rec, BtydParetoParams *m, StringInfo problems)
{
	static const char *const names[] = {"r", "alpha", "s", "beta"};
	double		p[4];

	if (!ReadModelQuietly(rec, 4, p, "Pareto/NBD", names, problems))
		return false;
	m->r = p[0];
	m->alpha = p[1];
	m->s = p[2];
	m->beta = p[3];
	return true;
}

/* A customer summary, quietly: false (with a problem noted) when invalid. */
static bool
CheckBgnbdObsQuietly(double x, double t_x, double T, StringInfo problems)
{
	BtydObsError err = btyd_bgnbd_check_obs(x, t_x, T);

	if (err == BTYD_OBS_OK)
		return true;
	AddProblem(problems, "the customer summary (frequency %.0f, recency %g, age %g) is invalid: %s",
			   x, t_x, T, btyd_obs_error_message(err));
	return false;
}

/* The row of a quiet function, its problems (if any) in column problem_col. */
static Datum
QuietResult(TupleDesc tupdesc, Datum *values, bool *nulls, int problem_col, StringInfo problems)
{
	if (problems->len > 0)
	{
		values[problem_col] = CStringGetTextDatum(problems->data);
		nulls[problem_col] = false;
	}
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * expected_value of the quiet predictions: expected purchases times the
 * Gamma-Gamma expected spend, with a Gamma-Gamma model (gg_rec) and a
 * known mean spend m of x spends (x: the repeat days of known amount; m not
 * needed at x = 0); NULL without a problem when the mean spend does not
 * exist (p x + q <= 1).
 */
static void
ExpectedValueQuietly(HeapTupleHeader gg_rec, bool m_known, double m, double x, double expected,
					 Datum *value, bool *isnull, StringInfo problems)
{
	static const char *const gg_names[] = {"p", "q", "v"};
	double		ggp[3];
	BtydGgParams gg;
	BtydObsError err;

	if (gg_rec == NULL || (x > 0.0 && !m_known))
		return;
	if (!ReadModelQuietly(gg_rec, 3, ggp, "Gamma-Gamma", gg_names, problems))
		return;
	if (!m_known)
		m = 0.0;
	gg.p = ggp[0];
	gg.q = ggp[1];
	gg.v = ggp[2];
	err = x > 0.0 ? btyd_gg_check_obs(x, m) : BTYD_OBS_OK;
	if (err != BTYD_OBS_OK)
		AddProblem(problems, "expected_value: the monetary value %g is invalid: %s",
				   m, btyd_obs_error_message(err));
	else if (gg.p * x + gg.q > 1.0)
	{
		double		spend = btyd_gg_expected_spend(&gg, x, m);
		double		v = expected * spend;

		if (isfinite(spend) && isfinite(v))
		{
			*value = Float8GetDatum(v);
			*isnull = false;
		}
		else
			AddProblem(problems, "expected_value is %g, not a finite number (expected spend %g: p %g, q %g, v %g; frequency %.0f, monetary value %g)",
					   v, spend, gg.p, gg.q, gg.v, x, m);
	}
}

/* Whether the lookahead and the p_alive threshold are usable (else a problem is noted). */
static bool
LookaheadUsable(double ahead, double threshold, StringInfo problems)
{
	if (!(isfinite(ahead) && ahead >= 0.0))
	{
		AddProblem(problems, "the lookahead %g is not a finite number >= 0", ahead);
		return false;
	}
	if (!(threshold > 0.0 && threshold < 1.0))
	{
		AddProblem(problems, "the p_alive threshold %g is not between 0 and 1", threshold);
		return false;
	}
	return true;
}

/* A probability into a result column, or a problem when it is not one. */
static void
SetProbability(double v, const char *what, Datum *value, bool *isnull, StringInfo problems)
{
	if (isfinite(v) && v >= 0.0 && v <= 1.0)
	{
		*value = Float8GetDatum(v);
		*isnull = false;
	}
	else
		AddProblem(problems, "%s is %g, not a probability", what, v);
}

/* A dormant age into a result column: NULL when infinite (never), a problem when not an age >= recency. */
static void
SetDormantAge(double v, double t_x, Datum *value, bool *isnull, StringInfo problems)
{
	if (isfinite(v) && v >= t_x)
	{
		*value = Float8GetDatum(v);
		*isnull = false;
	}
	else if (!(isinf(v) && v > 0.0))
		AddProblem(problems, "the dormant age is %g, not a finite age >= recency", v);
}

/*
 * The model columns of one customer (values[0..2]: p_alive, expected
 * purchases, expected value; a value stays NULL when it cannot be computed,
 * with the problem noted), under the model row model_rec (a Pareto/NBD row
 * when pareto, else BG/NBD; *bg or *pn gets its parameters), with the
 * Gamma-Gamma row gg_rec (NULL for none) and the mean spend m (m_known) of
 * the m_days repeat days of known amount (Gamma-Gamma's x; x, the
 * frequency, counts the days of unknown amount too).
 * False when p_alive or the expected purchases could not be computed.
 */
static bool
PredictCustomer(bool pareto, HeapTupleHeader model_rec, HeapTupleHeader gg_rec,
				double x, double t_x, double T, double t, bool m_known, double m, double m_days,
				Datum *values, bool *nulls, StringInfo problems,
				BtydBgnbdParams *bg, BtydParetoParams *pn)
{
	double		p_alive;
	double		expected;

	if (pareto ? !ReadParetoQuietly(model_rec, pn, problems)
		: !ReadBgnbdQuietly(model_rec, bg, problems))
		return false;
	if (!CheckBgnbdObsQuietly(x, t_x, T, problems))
		return false;
	if (!(isfinite(t) && t >= 0.0))
	{
		AddProblem(problems, "the horizon %g is not a finite number >= 0", t);
		return false;
	}

	p_alive = pareto ? btyd_pareto_p_alive(pn, x, t_x, T) : btyd_bgnbd_p_alive(bg, x, t_x, T);
	if (!(isfinite(p_alive) && p_alive >= 0.0 && p_alive <= 1.0))
	{
		if (pareto)
			AddProblem(problems, "p_alive is %g, not a probability (Pareto/NBD r %g, alpha %g, s %g, beta %g; frequency %.0f, recency %g, age %g)",
					   p_alive, pn->r, pn->alpha, pn->s, pn->beta, x, t_x, T);
		else
			AddProblem(problems, "p_alive is %g, not a probability (r %g, alpha %g, a %g, b %g; frequency %.0f, recency %g, age %g)",
					   p_alive, bg->r, bg->alpha, bg->a, bg->b, x, t_x, T);
		return false;
	}
	values[0] = Float8GetDatum(p_alive);
	nulls[0] = false;

	expected = pareto ? btyd_pareto_expected(pn, t, x, t_x, T) : btyd_bgnbd_expected(bg, t, x, t_x, T);
	if (!(isfinite(expected) && expected >= 0.0))
	{
		if (pareto)
			AddProblem(problems, "expected_purchases is %g, not a finite number >= 0 (Pareto/NBD)", expected);
		else
			AddProblem(problems, "expected_purchases is %g, not a finite number >= 0 (r %g, alpha %g, a %g, b %g; frequency %.0f, recency %g, age %g, horizon %g)",
					   expected, bg->r, bg->alpha, bg->a, bg->b, x, t_x, T, t);
		return false;
	}
	values[1] = Float8GetDatum(expected);
	nulls[1] = false;

	ExpectedValueQuietly(gg_rec, m_known, m, m_days, expected, &values[2], &nulls[2], problems);
	return true;
}

/*
 * SQL: model_predictions(bgnbd, gammagamma, frequency, recency, age,
 * monetary_value, horizon[, monetary_days]) -> (p_alive, expected_purchases,
 * expected_value, problem), and model_predictions_paretonbd (pareto: the
 * same under a Pareto/NBD model, with the looking-ahead columns; its
 * monetary_days is the tenth argument).  monetary_days, the repeat days of
 * known amount that monetary_value averages, is Gamma-Gamma's x; without
 * it (or NULL) x is the frequency.
 *
 * The model columns of customer_status for one customer, computed so that
 * one customer cannot stop the query: where a value cannot be computed
 * (an invalid model row, an inconsistent summary, a result that is not a
 * finite number) it is NULL, with the values that depend on it, and problem
 * says which and why (customer_status lists these in data_issues).  NULL
 * inputs give NULL values without a problem: no model, no purchase, no
 * Gamma-Gamma model, or no known monetary value.  expected_value is also
 * NULL, without a problem, when the mean spend does not exist
 * (p * frequency + q <= 1).  Not strict.
 */
static Datum
ModelPredictions(FunctionCallInfo fcinfo, bool pareto)
{
	TupleDesc	tupdesc = ResultRowType(fcinfo);
	Datum		values[6];
	bool		nulls[6] = {true, true, true, true, true, true};
	StringInfoData problems;
	BtydBgnbdParams bg;
	BtydParetoParams pn;
	double		x;
	double		t_x;
	double		m_days;
	int			m_days_arg;
	bool		gg_usable;

	/* problems are rare: the buffer is allocated with the first */
	memset(&problems, 0, sizeof(problems));

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(6))
		goto done;
	x = (double) PG_GETARG_INT32(2);
	t_x = PG_GETARG_FLOAT8(3);
	m_days_arg = pareto ? 9 : 7;
	if (m_days_arg < PG_NARGS() && !PG_ARGISNULL(m_days_arg))
		m_days = (double) PG_GETARG_INT32(m_days_arg);
	else
		m_days = x;
	/* a count of the repeat days: none below 0 nor above the frequency */
	gg_usable = !PG_ARGISNULL(1);
	if (gg_usable && x >= 0.0 && (m_days < 0.0 || m_days > x))
	{
		AddProblem(&problems, "expected_value: monetary_days %.0f is not between 0 and the frequency %.0f",
				   m_days, x);
		gg_usable = false;
	}
	if (!PredictCustomer(pareto, PG_GETARG_HEAPTUPLEHEADER(0),
						 gg_usable ? PG_GETARG_HEAPTUPLEHEADER(1) : NULL,
						 x, t_x, PG_GETARG_FLOAT8(4), PG_GETARG_FLOAT8(6),
						 !PG_ARGISNULL(5), PG_ARGISNULL(5) ? 0.0 : PG_GETARG_FLOAT8(5), m_days,
						 values, nulls, &problems, &bg, &pn))
		goto done;

	/*
	 * Pareto/NBD: looking ahead too, as model_lookahead (p_purchase_ahead:
	 * model_lookahead only)
	 */
	if (pareto && !PG_ARGISNULL(7) && !PG_ARGISNULL(8) &&
		LookaheadUsable(PG_GETARG_FLOAT8(7), PG_GETARG_FLOAT8(8), &problems))
	{
		double		T = PG_GETARG_FLOAT8(4);

		SetProbability(btyd_pareto_p_alive(&pn, x, t_x, T + PG_GETARG_FLOAT8(7)), "p_alive_ahead",
					   &values[3], &nulls[3], &problems);
		SetDormantAge(btyd_pareto_dormant_age(&pn, x, t_x, PG_GETARG_FLOAT8(8)), t_x,
					  &values[4], &nulls[4], &problems);
	}

done:
	PG_RETURN_DATUM(QuietResult(tupdesc, values, nulls, pareto ? 5 : 3, &problems));
}

/* SQL: model_predictions(bgnbd, ...): ModelPredictions under BG/NBD. */
Datum
model_predictions(PG_FUNCTION_ARGS)
{
	return ModelPredictions(fcinfo, false);
}

/*
 * The looking-ahead values of one customer (values[0..2]: p_alive_ahead,
 * p_purchase_ahead, dormant_age; each NULL when it cannot be computed, with
 * the problem noted) under the model row model_rec (Pareto/NBD when pareto,
 * else BG/NBD), `ahead` time units on and the p_alive threshold.
 */
static void
LookaheadCustomer(bool pareto, HeapTupleHeader model_rec, double x, double t_x, double T,
				  double ahead, double threshold, Datum *values, bool *nulls, StringInfo problems)
{
	BtydBgnbdParams bg;
	BtydParetoParams pn;

	if (pareto ? !ReadParetoQuietly(model_rec, &pn, problems)
		: !ReadBgnbdQuietly(model_rec, &bg, problems))
		return;
	if (!CheckBgnbdObsQuietly(x, t_x, T, problems) || !LookaheadUsable(ahead, threshold, problems))
		return;
	SetProbability(pareto ? btyd_pareto_p_alive(&pn, x, t_x, T + ahead) : btyd_bgnbd_p_alive(&bg, x, t_x, T + ahead),
				   "p_alive_ahead", &values[0], &nulls[0], problems);
	SetProbability(pareto ? btyd_pareto_p_purchase(&pn, ahead, x, t_x, T) : btyd_bgnbd_p_purchase(&bg, ahead, x, t_x, T),
				   "p_purchase_ahead", &values[1], &nulls[1], problems);
	SetDormantAge(pareto ? btyd_pareto_dormant_age(&pn, x, t_x, threshold) : btyd_bgnbd_dormant_age(&bg, x, t_x, threshold),
				  t_x, &values[2], &nulls[2], problems);
}

/*
 * The looking-ahead columns of customer_status under either model (pareto:
 * Pareto/NBD, else BG/NBD), quietly as model_predictions computes its own:
 * p_alive if the customer stays silent for `ahead` more time units, the
 * probability of at least one purchase in them, and the age at which
 * p_alive falls below `threshold` without a purchase (NULL: never, for a
 * customer without repeat purchases).  A value that cannot be computed is
 * NULL and problem says why; NULL inputs give NULLs.
 */
static Datum
ModelLookahead(FunctionCallInfo fcinfo, bool pareto)
{
	TupleDesc	tupdesc = ResultRowType(fcinfo);
	Datum		values[4];
	bool		nulls[4] = {true, true, true, true};
	StringInfoData problems;

	memset(&problems, 0, sizeof(problems));
	if (!(PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		  PG_ARGISNULL(4) || PG_ARGISNULL(5)))
		LookaheadCustomer(pareto, PG_GETARG_HEAPTUPLEHEADER(0), (double) PG_GETARG_INT32(1),
						  PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), PG_GETARG_FLOAT8(4),
						  PG_GETARG_FLOAT8(5), values, nulls, &problems);
	PG_RETURN_DATUM(QuietResult(tupdesc, values, nulls, 3, &problems));
}

/* The model outlook's columns (_model_outlook, and _expected_value's one). */
enum
{
	OUTLOOK_MODEL_ID,
	OUTLOOK_FORECAST_MODEL,
	OUTLOOK_UNIT_DAYS,
	OUTLOOK_P_ALIVE,
	OUTLOOK_EXPECTED_PURCHASES,
	OUTLOOK_EXPECTED_VALUE,
	OUTLOOK_P_ALIVE_AHEAD,
	OUTLOOK_P_PURCHASE_AHEAD,
	OUTLOOK_DORMANT_AGE,
	OUTLOOK_COLS
};

/* A number that may be missing (a SQL NULL). */
typedef struct OptionalValue
{
	bool		known;
	double		value;
} OptionalValue;

/*
 * A customer's inputs to the model outlook: the BTYD summary in days
 * (frequency, recency, age, monetary value and its days of known amount),
 * and the lookahead in days and
 * the p_alive threshold (model_settings); missing where NULL.
 */
typedef struct OutlookInputs
{
	OptionalValue frequency;
	OptionalValue recency_days;
	OptionalValue age_days;
	OptionalValue monetary_value;
	OptionalValue monetary_days;
	OptionalValue lookahead_days;
	OptionalValue threshold;
} OutlookInputs;

/* Argument arg (float8, or int4 when is_int) as an optional number. */
static OptionalValue
OptionalArg(FunctionCallInfo fcinfo, int arg, bool is_int)
{
	OptionalValue r = {false, 0.0};

	if (arg < PG_NARGS() && !PG_ARGISNULL(arg))
	{
		r.known = true;
		r.value = is_int ? (double) PG_GETARG_INT32(arg) : PG_GETARG_FLOAT8(arg);
	}
	return r;
}

/*
 * The inputs of _model_outlook and _expected_value, which share the
 * argument list (industry, company_size, frequency, recency_days, age_days,
 * monetary_value, monetary_days[, lookahead_days, p_alive_threshold],
 * configuration), and the configuration.
 */
static OutlookInputs
OutlookArgs(FunctionCallInfo fcinfo, bool with_lookahead, Configuration *config)
{
	OutlookInputs in;

	in.frequency = OptionalArg(fcinfo, 2, true);
	in.recency_days = OptionalArg(fcinfo, 3, false);
	in.age_days = OptionalArg(fcinfo, 4, false);
	in.monetary_value = OptionalArg(fcinfo, 5, false);
	in.monetary_days = OptionalArg(fcinfo, 6, true);
	in.lookahead_days = with_lookahead ? OptionalArg(fcinfo, 7, false) : (OptionalValue) {false, 0.0};
	in.threshold = with_lookahead ? OptionalArg(fcinfo, 8, false) : (OptionalValue) {false, 0.0};
	ConfigurationArg(fcinfo, with_lookahead ? 9 : 7, config);
	return in;
}

/*
 * days / unit_days as customer_status's SQL divided them (float8 division,
 * whose errors it keeps: division by zero for a model row whose time unit
 * is zero); missing stays missing.
 */
static OptionalValue
InModelUnits(OptionalValue days, double unit_days)
{
	if (days.known)
		days.value = float8_div(days.value, unit_days);
	return days;
}

/*
 * The model outlook of one customer (values/nulls: the OUTLOOK_ columns):
 * the model _model_for chooses for the segment, and under it the
 * predictions of model_predictions (model_predictions_paretonbd when the
 * segment's Pareto/NBD fit is the one chosen) and the looking-ahead values
 * of model_lookahead, with the summary, the horizon and the lookahead in
 * the model's time unit, in the same arithmetic and order as the SQL of
 * customer_status that this replaced.  Gamma-Gamma's x is monetary_days,
 * or the frequency under a fit that took the frequency (made before 0.4.0:
 * models.gammagamma_x), as that version applied it.  A value that cannot
 * be computed is NULL (its problem dropped, as customer_status dropped it);
 * no model, or a missing input, means NULL values (without the lookahead or
 * the threshold, only the looking-ahead columns).
 */
static void
ModelOutlook(const CustomerModel *mdl, const OutlookInputs *in, Datum *values, bool *nulls)
{
	StringInfoData problems;
	BtydBgnbdParams bg;
	BtydParetoParams pn;
	bool		pareto = mdl->paretonbd != NULL;
	HeapTupleHeader model_rec = pareto ? mdl->paretonbd : mdl->bgnbd;
	OptionalValue horizon_days = {mdl->has_horizon_days, mdl->horizon_days};
	OptionalValue t_x;
	OptionalValue T;
	OptionalValue horizon;
	OptionalValue ahead;

	for (int c = 0; c < OUTLOOK_COLS; c++)
		nulls[c] = true;
	if (!mdl->has_model)
		return;
	values[OUTLOOK_MODEL_ID] = Int32GetDatum(mdl->model_id);
	nulls[OUTLOOK_MODEL_ID] = false;
	values[OUTLOOK_FORECAST_MODEL] = CStringGetTextDatum(pareto ? "paretonbd" : "bgnbd");
	nulls[OUTLOOK_FORECAST_MODEL] = false;
	if (!mdl->has_unit_days)
		return;
	values[OUTLOOK_UNIT_DAYS] = Float8GetDatum(mdl->unit_days);
	nulls[OUTLOOK_UNIT_DAYS] = false;

	/* every division the SQL made, made (and failing) alike */
	t_x = InModelUnits(in->recency_days, mdl->unit_days);
	T = InModelUnits(in->age_days, mdl->unit_days);
	horizon = InModelUnits(horizon_days, mdl->unit_days);
	ahead = InModelUnits(in->lookahead_days, mdl->unit_days);
	if (model_rec == NULL || !in->frequency.known || !t_x.known || !T.known)
		return;

	/* problems are rare: the buffer is allocated with the first */
	memset(&problems, 0, sizeof(problems));
	if (horizon.known)
		(void) PredictCustomer(pareto, model_rec, mdl->converged_gammagamma,
							   in->frequency.value, t_x.value, T.value, horizon.value,
							   in->monetary_value.known, in->monetary_value.value,
							   /* Gamma-Gamma's x: the one its fit took */
							   in->monetary_days.known && !mdl->gg_x_frequency ?
							   in->monetary_days.value : in->frequency.value,
							   &values[OUTLOOK_P_ALIVE], &nulls[OUTLOOK_P_ALIVE],
							   &problems, &bg, &pn);
	if (ahead.known && in->threshold.known)
		LookaheadCustomer(pareto, model_rec, in->frequency.value, t_x.value, T.value,
						  ahead.value, in->threshold.value,
						  &values[OUTLOOK_P_ALIVE_AHEAD], &nulls[OUTLOOK_P_ALIVE_AHEAD], &problems);
}

/*
 * SQL: _model_outlook(industry, company_size, frequency, recency_days,
 * age_days, monetary_value, monetary_days, lookahead_days, p_alive_threshold,
 * configuration) -> (model_id, forecast_model, unit_days, p_alive,
 * expected_purchases, expected_value, p_alive_ahead, p_purchase_ahead,
 * dormant_age)
 *
 * The model columns of customer_status for a customer's BTYD summary in
 * days, in one call (ModelOutlook): the models are those of the
 * configuration, prepared once per query (the cache of rules_sql.c, in this
 * call site's fn_extra), as _model_for prepares them.  It replaces a lateral subquery per function (_model_for,
 * model_predictions, model_lookahead, and their Pareto/NBD forms) and the
 * CASEs that picked between them.  Not strict: NULLs mean NULL values (the
 * segment's: no segment).
 */
PG_FUNCTION_INFO_V1(model_outlook);
Datum
model_outlook(PG_FUNCTION_ARGS)
{
	CustomerModel mdl;
	TupleDesc	tupdesc;
	Configuration config;
	OutlookInputs in = OutlookArgs(fcinfo, true, &config);
	Datum		values[OUTLOOK_COLS];
	bool		nulls[OUTLOOK_COLS];

	CustomerModelFor(fcinfo, PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0),
					 PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1), &config, &mdl, &tupdesc);
	ModelOutlook(&mdl, &in, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * SQL: _expected_value(industry, company_size, frequency, recency_days,
 * age_days, monetary_value, monetary_days, configuration) -> double precision
 *
 * The expected_value of customer_status (_model_outlook's) alone, for
 * fit_models()'s value distribution, which needs this one value for every
 * customer.  Not strict, as _model_outlook.
 */
PG_FUNCTION_INFO_V1(expected_value_for);
Datum
expected_value_for(PG_FUNCTION_ARGS)
{
	CustomerModel mdl;
	Configuration config;
	OutlookInputs in = OutlookArgs(fcinfo, false, &config);
	Datum		values[OUTLOOK_COLS];
	bool		nulls[OUTLOOK_COLS];

	CustomerModelFor(fcinfo, PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0),
					 PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1), &config, &mdl, NULL);
	ModelOutlook(&mdl, &in, values, nulls);
	if (nulls[OUTLOOK_EXPECTED_VALUE])
		PG_RETURN_NULL();
	PG_RETURN_DATUM(values[OUTLOOK_EXPECTED_VALUE]);
}

/*
 * SQL: model_lookahead(bgnbd, frequency, recency, age, ahead, threshold) ->
 * (p_alive_ahead, p_purchase_ahead, dormant_age, problem): ModelLookahead
 * under a BG/NBD model.  Not strict.
 */
Datum
model_lookahead(PG_FUNCTION_ARGS)
{
	return ModelLookahead(fcinfo, false);
}

/*
 * SQL: model_lookahead(paretonbd, frequency, recency, age, ahead, threshold)
 * -> (p_alive_ahead, p_purchase_ahead, dormant_age, problem): the same under
 * a Pareto/NBD model.  Not strict.
 */
Datum
model_lookahead_paretonbd(PG_FUNCTION_ARGS)
{
	return ModelLookahead(fcinfo, true);
}

/*
 * SQL: model_predictions_paretonbd(paretonbd, gammagamma, frequency, recency,
 * age, monetary_value, horizon, ahead, threshold) -> (p_alive,
 * expected_purchases, expected_value, p_alive_ahead, dormant_age, problem).
 *
 * What model_predictions and model_lookahead give, under a Pareto/NBD model
 * (customer_status, for a segment whose chosen model it is), quietly in the
 * same way.  Not strict.
 */
Datum
model_predictions_paretonbd(PG_FUNCTION_ARGS)
{
	return ModelPredictions(fcinfo, true);
}
