/*
 * btyd_fit_sql.c
 *		SQL interface of the model fits: the aggregates bgnbd_fit,
 *		paretonbd_fit and gammagamma_fit (transition, combine, serialize,
 *		deserialize and final functions) and their states, and the
 *		aggregates of the standard errors and covariance matrix of a fitted
 *		model over the same observations (bgnbd_standard_errors,
 *		bgnbd_covariance, ...), and the final functions of fit_models()'s
 *		internal aggregates of a covariance at the fit (_bgnbd_fit_covariance,
 *		...), which share the fit's state.
 *		paretonbd_fit reads the same customer summaries as bgnbd_fit and
 *		shares its transition, combine, serialize and deserialize functions:
 *		only the final function differs.
 *
 * The numerics live in core/btyd.c, core/paretonbd.c and core/optimise.c; this file keeps the
 * aggregate states, validates the rows and returns the fitted model as a
 * row (btyd_sql.c builds it).
 *
 * The aggregate states are arrays of distinct observations with counts:
 * rows are appended, and when the array fills what was appended since the
 * last time is sorted, identical observations are merged (btyd_*_compact),
 * and the result is merged into the compacted part (btyd_*_merge_tail), so
 * memory follows the number of distinct (frequency, recency, age) triples,
 * not the number of customers, and no row is sorted twice.  The fit then
 * runs over the distinct observations, each weighted by its count.
 */
#include "postgres.h"

#include <math.h>

#include "btyd_fit_state.h"
#include "btyd_sql.h"
#include "core/btyd.h"
#include "core/paretonbd.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(bgnbd_fit_trans);
PG_FUNCTION_INFO_V1(bgnbd_fit_combine);
PG_FUNCTION_INFO_V1(bgnbd_fit_serialize);
PG_FUNCTION_INFO_V1(bgnbd_fit_deserialize);
PG_FUNCTION_INFO_V1(bgnbd_fit_final);
PG_FUNCTION_INFO_V1(paretonbd_fit_final);
PG_FUNCTION_INFO_V1(gammagamma_fit_trans);
PG_FUNCTION_INFO_V1(gammagamma_fit_combine);
PG_FUNCTION_INFO_V1(gammagamma_fit_serialize);
PG_FUNCTION_INFO_V1(gammagamma_fit_deserialize);
PG_FUNCTION_INFO_V1(gammagamma_fit_final);
PG_FUNCTION_INFO_V1(bgnbd_standard_errors_trans);
PG_FUNCTION_INFO_V1(bgnbd_standard_errors_final);
PG_FUNCTION_INFO_V1(gammagamma_standard_errors_trans);
PG_FUNCTION_INFO_V1(gammagamma_standard_errors_final);
PG_FUNCTION_INFO_V1(bgnbd_covariance_final);
PG_FUNCTION_INFO_V1(gammagamma_covariance_final);
PG_FUNCTION_INFO_V1(paretonbd_covariance_trans);
PG_FUNCTION_INFO_V1(paretonbd_covariance_final);
PG_FUNCTION_INFO_V1(bgnbd_fit_covariance_final);
PG_FUNCTION_INFO_V1(paretonbd_fit_covariance_final);
PG_FUNCTION_INFO_V1(gammagamma_fit_covariance_final);
PG_FUNCTION_INFO_V1(bgnbd_fit_quiet_final);
PG_FUNCTION_INFO_V1(paretonbd_fit_quiet_final);
PG_FUNCTION_INFO_V1(gammagamma_fit_quiet_final);
PG_FUNCTION_INFO_V1(bgnbd_fit_status_final);
PG_FUNCTION_INFO_V1(paretonbd_fit_status_final);
PG_FUNCTION_INFO_V1(gammagamma_fit_status_final);

/* Version byte of the serialized aggregate states. */
#define BTYD_STATE_VERSION 1

/*
 * Most customers one observation read back may count: far above any real
 * population, and low enough that sums of counts cannot overflow (a
 * dormancy.fit_state can be typed in).
 */
#define MAX_READ_COUNT ((int64) 1 << 32)

/* What to do about a fit that did not converge, by its status. */
static const char *
NotConvergedHint(const BtydFit *fit)
{
	switch (fit->status)
	{
		case BTYD_NO_REPEAT:
			return "Fit over customers or segments that include repeat buyers.";
		case BTYD_BOUNDARY:
			return "A limiting case of the model (such as one purchase rate or one dropout probability for all customers) fits as well; fit over more customers or other segments.";
		default:
			return "Check the inputs for extreme values.";
	}
}

/* WARNING for a fit that did not converge, with the reason and what to do. */
static void
WarnNotConverged(const char *model, const BtydFit *fit)
{
	ereport(WARNING,
			(errmsg("%s fit did not converge", model),
			 errdetail("%s The estimates are returned with converged = false.",
					   btyd_status_message(fit->status)),
			 errhint("%s", NotConvergedHint(fit))));
}

/* ---------- aggregate states ---------- */

/* The model's name in messages. */
static const char *
FitModelName(FitModel model)
{
	return model == FIT_BGNBD ? "BG/NBD" : model == FIT_PARETONBD ? "Pareto/NBD" : "Gamma-Gamma";
}

#define INITIAL_CAPACITY 64

/* Size of one observation of the state's kind. */
static inline Size
ObsSize(const BtydAggState *state)
{
	return state->bgnbd ? sizeof(BtydBgnbdObs) : sizeof(BtydGgObs);
}

/* Most observations one state may hold: its array must stay allocatable. */
static inline int64
MaxObs(const BtydAggState *state)
{
	return (int64) (MaxAllocSize / ObsSize(state));
}

/* A fresh state in memory context cxt, room for capacity observations. */
BtydAggState *
BtydStateNew(MemoryContext cxt, bool bgnbd, int64 capacity)
{
	BtydAggState *state;

	state = MemoryContextAllocZero(cxt, sizeof(BtydAggState));
	state->bgnbd = bgnbd;
	state->capacity = Max(capacity, INITIAL_CAPACITY);
	state->obs = MemoryContextAlloc(cxt, ObsSize(state) * state->capacity);
	return state;
}

/* A fresh state in the aggregate memory context. */
static BtydAggState *
NewAggState(FunctionCallInfo fcinfo, bool bgnbd, int64 capacity)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context",
			 bgnbd ? "bgnbd_fit support function" : "gammagamma_fit support function");
	return BtydStateNew(aggcontext, bgnbd, capacity);
}

/*
 * Sort the observations and merge identical ones: compact what was appended
 * since the last compaction, then merge it into the compacted part.
 */
void
BtydStateCompact(BtydAggState *state)
{
	char	   *tail = (char *) state->obs + ObsSize(state) * state->nsorted;
	size_t		ntail = (size_t) (state->nobs - state->nsorted);
	size_t		nhead = (size_t) state->nsorted;
	void	   *scratch;

	if (ntail == 0)
		return;
	ntail = state->bgnbd ? btyd_bgnbd_compact((BtydBgnbdObs *) tail, ntail)
		: btyd_gg_compact((BtydGgObs *) tail, ntail);
	if (nhead > 0)
	{
		scratch = palloc(ObsSize(state) * ntail);
		state->nobs = (int64) (state->bgnbd
							   ? btyd_bgnbd_merge_tail(state->obs, nhead, ntail, scratch)
							   : btyd_gg_merge_tail(state->obs, nhead, ntail, scratch));
		pfree(scratch);
	}
	else
		state->nobs = (int64) ntail;
	state->nsorted = state->nobs;
}

/*
 * Make room for 'extra' more observations: compact first, and grow only
 * when the distinct observations need it.
 */
static void
Reserve(BtydAggState *state, int64 extra)
{
	int64		newcap;

	if (state->nobs + extra <= state->capacity)
		return;
	BtydStateCompact(state);
	if (state->nobs + extra <= state->capacity / 2)
		return;
	newcap = Max(state->capacity * 2, state->nobs + extra);
	if (newcap > MaxObs(state))
	{
		newcap = MaxObs(state);
		if (state->nobs + extra > newcap)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct customer summaries to fit: more than " INT64_FORMAT,
							newcap),
					 errhint("Round recency and age to a coarser unit, or fit per segment.")));
	}
	state->obs = repalloc(state->obs, ObsSize(state) * newcap);
	state->capacity = newcap;
}

/* Append the observations of src to dst (same kind). */
void
BtydStateAppend(BtydAggState *dst, const BtydAggState *src)
{
	memset(dst->fitted, 0, sizeof(dst->fitted));
	Reserve(dst, src->nobs);
	memcpy((char *) dst->obs + ObsSize(dst) * dst->nobs, src->obs,
		   ObsSize(src) * src->nobs);
	dst->nobs += src->nobs;
	dst->skipped += src->skipped;
}

/*
 * Count one observation: (x, t_x, T) for BG/NBD, (x, m) for Gamma-Gamma
 * (c unused).  A repeat of the last one only counts up, so sorted or grouped
 * input stays compact.
 */
void
BtydStateAdd(BtydAggState *state, double x, double b, double c)
{
	memset(state->fitted, 0, sizeof(state->fitted));
	if (state->bgnbd)
	{
		BtydBgnbdObs *obs = (BtydBgnbdObs *) state->obs;

		if (state->nobs > 0 && obs[state->nobs - 1].x == x &&
			obs[state->nobs - 1].t_x == b && obs[state->nobs - 1].T == c)
		{
			obs[state->nobs - 1].count++;
			return;
		}
		Reserve(state, 1);
		((BtydBgnbdObs *) state->obs)[state->nobs] = (BtydBgnbdObs) {.x = x, .t_x = b, .T = c, .count = 1};
	}
	else
	{
		BtydGgObs  *obs = (BtydGgObs *) state->obs;

		if (state->nobs > 0 && obs[state->nobs - 1].x == x && obs[state->nobs - 1].m == b)
		{
			obs[state->nobs - 1].count++;
			return;
		}
		Reserve(state, 1);
		((BtydGgObs *) state->obs)[state->nobs] = (BtydGgObs) {.x = x, .m = b, .count = 1};
	}
	state->nobs++;
}

/*
 * The maximum-likelihood fit of the model over the state's observations
 * (of the state's kind; at least one), fitted once and kept in the state:
 * compacts the state in place.  Errors when out of memory or stopped.
 */
static const BtydFit *
EnsureFit(BtydAggState *state, FitModel model)
{
	const char *name = FitModelName(model);
	const char *what = model == FIT_BGNBD ? "the BG/NBD fit"
		: model == FIT_PARETONBD ? "the Pareto/NBD fit" : "the Gamma-Gamma fit";
	BtydFitOptions opts;
	BtydFit    *fit = &state->fits[model];
	bool		ok;

	if (state->bgnbd != (model != FIT_GAMMAGAMMA))
		elog(ERROR, "%s fit called with a state of the wrong kind", name);
	if (state->fitted[model])
		return fit;
	BtydStateCompact(state);
	btyd_fit_options_default(&opts);
	opts.stop = BtydStopRequested;
	switch (model)
	{
		case FIT_BGNBD:
			ok = btyd_bgnbd_fit(state->obs, (size_t) state->nobs, &opts, fit);
			break;
		case FIT_PARETONBD:
			ok = btyd_pareto_fit(state->obs, (size_t) state->nobs, &opts, fit);
			break;
		default:
			ok = btyd_gg_fit(state->obs, (size_t) state->nobs, &opts, fit);
			break;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("The %s fit of " INT64_FORMAT " distinct customer summaries could not allocate its working copy.",
						   name, state->nobs)));
	if (fit->status == BTYD_STOPPED)
		BtydRaiseStop(what);
	fit->skipped += state->skipped;
	state->fitted[model] = true;
	return fit;
}

/*
 * The fit of a final function's state (EnsureFit: fitted at the first final
 * function that asks, kept for the others sharing the state), and the state
 * through *state_out when not NULL; NULL when no observation was counted.
 */
static const BtydFit *
FinalStateFit(FunctionCallInfo fcinfo, FitModel model, BtydAggState **state_out)
{
	BtydAggState *state;

	if (PG_ARGISNULL(0))
		return NULL;
	state = (BtydAggState *) PG_GETARG_POINTER(0);
	if (state->nobs == 0)
		return NULL;
	if (state_out != NULL)
		*state_out = state;
	return EnsureFit(state, model);
}

/*
 * Shared final function: the maximum-likelihood fit of the model (whose
 * observations are of the state's kind), as a model row, with a WARNING
 * when it did not converge; NULL when no observation was counted.
 * Compacts the state in place and keeps the fit in it (EnsureFit), which
 * leaves it usable by other final functions (FINALFUNC_MODIFY = SHAREABLE
 * for the internal aggregates; the public ones say READ_WRITE, as before),
 * and never frees it.
 */
static Datum
FitFinal(FunctionCallInfo fcinfo, FitModel model, bool warn)
{
	const BtydFit *fit = FinalStateFit(fcinfo, model, NULL);

	if (fit == NULL)
		PG_RETURN_NULL();
	if (!fit->converged && warn)
		WarnNotConverged(FitModelName(model), fit);
	return BtydMakeModelRow(fcinfo, fit->params, model == FIT_GAMMAGAMMA ? 3 : 4,
							model == FIT_GAMMAGAMMA, fit);
}

/*
 * Shared final function of the internal status aggregates (_bgnbd_fit_status
 * and the others, beside _bgnbd_fit on the same state): NULL when the fit
 * converged or had no observation, else why it did not and what to do, the
 * DETAIL and HINT of WarnNotConverged as a text[2].  fit_models() and
 * validate_models() fit every segment and keep some; they warn with these
 * for the fits they keep only (the internal fits do not warn themselves).
 */
static Datum
FitStatusFinal(FunctionCallInfo fcinfo, FitModel model)
{
	const BtydFit *fit = FinalStateFit(fcinfo, model, NULL);
	Datum		texts[2];

	if (fit == NULL || fit->converged)
		PG_RETURN_NULL();
	texts[0] = CStringGetTextDatum(btyd_status_message(fit->status));
	texts[1] = CStringGetTextDatum(NotConvergedHint(fit));
	PG_RETURN_ARRAYTYPE_P(construct_array(texts, 2, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Shared combine function: handles NULL on either side (empty partial states). */
static Datum
CombineStates(FunctionCallInfo fcinfo, bool bgnbd)
{
	BtydAggState *left;
	BtydAggState *right;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	right = (BtydAggState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		left = NewAggState(fcinfo, bgnbd, right->nobs);
	else
		left = (BtydAggState *) PG_GETARG_POINTER(0);
	BtydStateAppend(left, right);
	PG_RETURN_POINTER(left);
}

/*
 * Serialized state: version byte, kind byte, skipped (int64), count n
 * (int64), then n observations: BG/NBD as x, t_x, T (float8) and count
 * (int64); Gamma-Gamma as x, m (float8) and count (int64).  Network byte
 * order, through pq_send*.  Appended to buf (compacts the state).
 */
void
BtydStateWrite(StringInfo buf, BtydAggState *state)
{
	int64		i;

	BtydStateCompact(state);
	pq_sendbyte(buf, BTYD_STATE_VERSION);
	pq_sendbyte(buf, state->bgnbd ? 1 : 0);
	pq_sendint64(buf, state->skipped);
	pq_sendint64(buf, state->nobs);
	for (i = 0; i < state->nobs; i++)
	{
		if (state->bgnbd)
		{
			BtydBgnbdObs *o = &((BtydBgnbdObs *) state->obs)[i];

			pq_sendfloat8(buf, o->x);
			pq_sendfloat8(buf, o->t_x);
			pq_sendfloat8(buf, o->T);
			pq_sendint64(buf, o->count);
		}
		else
		{
			BtydGgObs  *o = &((BtydGgObs *) state->obs)[i];

			pq_sendfloat8(buf, o->x);
			pq_sendfloat8(buf, o->m);
			pq_sendint64(buf, o->count);
		}
	}
}

/*
 * Read one serialized state of the kind asked for (BtydStateWrite) from
 * buf at its cursor into a new state in cxt, checking its layout and every
 * observation (the bytes may come from anywhere: a worker, or a value
 * typed in); leaves the cursor after it.
 */
BtydAggState *
BtydStateRead(StringInfo buf, bool bgnbd, MemoryContext cxt)
{
	BtydAggState *state;
	int64		n;
	int64		skipped;
	int64		i;
	int			elem = bgnbd ? 32 : 24;

	if (buf->len - buf->cursor < 18 || pq_getmsgbyte(buf) != BTYD_STATE_VERSION ||
		pq_getmsgbyte(buf) != (bgnbd ? 1 : 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized model fit state")));
	skipped = pq_getmsgint64(buf);
	n = pq_getmsgint64(buf);
	if (n < 0 || skipped < 0 || skipped > MAX_READ_COUNT || n > (buf->len - buf->cursor) / elem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized model fit state: length does not match " INT64_FORMAT " observations", n)));

	state = BtydStateNew(cxt, bgnbd, n);
	state->skipped = skipped;
	for (i = 0; i < n; i++)
	{
		if (bgnbd)
		{
			BtydBgnbdObs *o = &((BtydBgnbdObs *) state->obs)[i];

			o->x = pq_getmsgfloat8(buf);
			o->t_x = pq_getmsgfloat8(buf);
			o->T = pq_getmsgfloat8(buf);
			o->count = pq_getmsgint64(buf);
			if (btyd_bgnbd_check_obs(o->x, o->t_x, o->T) != BTYD_OBS_OK || o->count < 1 || o->count > MAX_READ_COUNT)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid serialized model fit state: bad observation")));
		}
		else
		{
			BtydGgObs  *o = &((BtydGgObs *) state->obs)[i];

			o->x = pq_getmsgfloat8(buf);
			o->m = pq_getmsgfloat8(buf);
			o->count = pq_getmsgint64(buf);
			if (btyd_gg_check_obs(o->x, o->m) != BTYD_OBS_OK || o->x <= 0 || o->count < 1 || o->count > MAX_READ_COUNT)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid serialized model fit state: bad observation")));
		}
	}
	state->nobs = n;
	return state;
}

/* The state as the aggregates' serialized bytea. */
static Datum
SerializeState(FunctionCallInfo fcinfo)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	BtydStateWrite(&buf, (BtydAggState *) PG_GETARG_POINTER(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read a serialized state back into the aggregate context (BtydStateRead). */
static Datum
DeserializeState(FunctionCallInfo fcinfo, bool bgnbd)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcontext;
	StringInfoData buf;
	BtydAggState *state;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "model fit state deserialized in non-aggregate context");
	buf.data = VARDATA_ANY(data);
	buf.len = VARSIZE_ANY_EXHDR(data);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	state = BtydStateRead(&buf, bgnbd, aggcontext);
	if (buf.cursor != buf.len)
		elog(ERROR, "invalid serialized model fit state: length does not match " INT64_FORMAT " observations",
			 state->nobs);
	PG_RETURN_POINTER(state);
}

/*
 * One customer's BG/NBD summary into a BG/NBD state, as bgnbd_fit counts
 * it: ERROR unless it is a valid summary.
 */
void
BtydStateAddBgnbd(BtydAggState *state, double x, double t_x, double T)
{
	BtydCheckBgnbdObs(x, t_x, T);
	BtydStateAdd(state, x, t_x, T);
}

/*
 * One customer's (frequency, monetary value) into a Gamma-Gamma state, as
 * gammagamma_fit counts it: frequency 0 or no monetary value (has_m false)
 * carries no spend information and is counted as skipped; a negative
 * frequency or an unusable value is an ERROR.
 */
void
BtydStateAddGammaGamma(BtydAggState *state, double x, double m, bool has_m)
{
	if (x < 0)
		BtydReportObsError(BTYD_OBS_NEGATIVE_FREQUENCY, x, 0, 0, 0);
	if (x == 0 || !has_m)
	{
		state->skipped++;
		return;
	}
	BtydReportObsError(btyd_gg_check_obs(x, m), x, 0, 0, m);
	BtydStateAdd(state, x, m, 0.0);
}

/* ---------- bgnbd_fit ---------- */

/*
 * SQL: transition function of bgnbd_fit(frequency, recency, age).  Rows
 * with a NULL input are ignored; inconsistent ones are an error.  Repeats
 * of the last triple just count up, so sorted input stays compact.
 */
Datum
bgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	BtydAggState *state;
	double		x;
	double		t_x;
	double		T;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, true, INITIAL_CAPACITY)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);
	x = (double) PG_GETARG_INT32(1);
	t_x = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	BtydStateAddBgnbd(state, x, t_x, T);
	PG_RETURN_POINTER(state);
}

/* SQL: combine function of bgnbd_fit */
Datum
bgnbd_fit_combine(PG_FUNCTION_ARGS)
{
	return CombineStates(fcinfo, true);
}

/* SQL: serialize function of bgnbd_fit */
Datum
bgnbd_fit_serialize(PG_FUNCTION_ARGS)
{
	return SerializeState(fcinfo);
}

/* SQL: deserialize function of bgnbd_fit */
Datum
bgnbd_fit_deserialize(PG_FUNCTION_ARGS)
{
	return DeserializeState(fcinfo, true);
}

/*
 * SQL: final function of bgnbd_fit: the maximum-likelihood fit, as a
 * dormancy.bgnbd row; NULL when no row had all three inputs.
 */
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_BGNBD, true);
}

/* SQL: final function of the internal _bgnbd_fit: the same fit, without the WARNING. */
Datum
bgnbd_fit_quiet_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_BGNBD, false);
}

/* SQL: final function of _bgnbd_fit_status: why the fit did not converge, or NULL. */
Datum
bgnbd_fit_status_final(PG_FUNCTION_ARGS)
{
	return FitStatusFinal(fcinfo, FIT_BGNBD);
}

/* ---------- paretonbd_fit ---------- */

/*
 * SQL: final function of paretonbd_fit(frequency, recency, age), whose
 * other support functions are bgnbd_fit's: the maximum-likelihood
 * Pareto/NBD fit, as a dormancy.paretonbd row; NULL when no row had all
 * three inputs.
 */
Datum
paretonbd_fit_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_PARETONBD, true);
}

/* SQL: final function of the internal _paretonbd_fit: the same fit, without the WARNING. */
Datum
paretonbd_fit_quiet_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_PARETONBD, false);
}

/* SQL: final function of _paretonbd_fit_status: why the fit did not converge, or NULL. */
Datum
paretonbd_fit_status_final(PG_FUNCTION_ARGS)
{
	return FitStatusFinal(fcinfo, FIT_PARETONBD);
}

/* ---------- gammagamma_fit ---------- */

/*
 * SQL: transition function of gammagamma_fit(frequency, monetary_value).
 * Rows with frequency 0 carry no spend information and are counted as
 * skipped, as are rows whose monetary value is NULL; a NULL frequency is
 * ignored.
 */
Datum
gammagamma_fit_trans(PG_FUNCTION_ARGS)
{
	BtydAggState *state;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, false, INITIAL_CAPACITY)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	BtydStateAddGammaGamma(state, (double) PG_GETARG_INT32(1),
						   PG_ARGISNULL(2) ? 0.0 : PG_GETARG_FLOAT8(2), !PG_ARGISNULL(2));
	PG_RETURN_POINTER(state);
}

/* SQL: combine function of gammagamma_fit */
Datum
gammagamma_fit_combine(PG_FUNCTION_ARGS)
{
	return CombineStates(fcinfo, false);
}

/* SQL: serialize function of gammagamma_fit */
Datum
gammagamma_fit_serialize(PG_FUNCTION_ARGS)
{
	return SerializeState(fcinfo);
}

/* SQL: deserialize function of gammagamma_fit */
Datum
gammagamma_fit_deserialize(PG_FUNCTION_ARGS)
{
	return DeserializeState(fcinfo, false);
}

/*
 * SQL: final function of gammagamma_fit: the maximum-likelihood fit over
 * the customers with frequency > 0, as a dormancy.gammagamma row; NULL when
 * there was no such customer.
 */
Datum
gammagamma_fit_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_GAMMAGAMMA, true);
}

/* SQL: final function of the internal _gammagamma_fit: the same fit, without the WARNING. */
Datum
gammagamma_fit_quiet_final(PG_FUNCTION_ARGS)
{
	return FitFinal(fcinfo, FIT_GAMMAGAMMA, false);
}

/* SQL: final function of _gammagamma_fit_status: why the fit did not converge, or NULL. */
Datum
gammagamma_fit_status_final(PG_FUNCTION_ARGS)
{
	return FitStatusFinal(fcinfo, FIT_GAMMAGAMMA);
}

/* ---------- bgnbd_standard_errors, gammagamma_standard_errors ---------- */

/*
 * Keep the model of a row in the state: the first one is kept, any other
 * must be the same (the standard errors are those of one model).  The error
 * names the aggregate called (the standard errors and the covariance
 * aggregates share their transition functions); aggname when not called as
 * an aggregate.
 */
static void
KeepModel(FunctionCallInfo fcinfo, BtydAggState *state, const double *params, int nparams,
		  const char *aggname)
{
	Aggref	   *aggref;

	if (!state->has_model)
	{
		memcpy(state->model, params, sizeof(double) * nparams);
		state->has_model = true;
		return;
	}
	if (memcmp(state->model, params, sizeof(double) * nparams) == 0)
		return;
	aggref = AggGetAggref(fcinfo);
	if (aggref != NULL)
	{
		char	   *name = get_func_name(aggref->aggfnoid);

		if (name != NULL)
			aggname = name;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s needs the same model on every row", aggname),
			 errdetail("The standard errors and the covariance are those of one model over the observations of the group."),
			 errhint("Group by the model, or join each observation to the one model it was fitted with.")));
}

/*
 * Shared final function: the standard errors of the model's parameters at
 * the counted observations, as a double precision[] in the order of the
 * model's parameters; NULL when no row had a model and all observations,
 * or when the observed information is not positive definite (the model is
 * not at a maximum of the likelihood of these observations).  Each is the
 * parameter times the standard error of its logarithm (btyd_*_log_se):
 * at a maximum the two agree exactly.
 */
static Datum
StandardErrorsFinal(FunctionCallInfo fcinfo, bool bgnbd)
{
	BtydAggState *state;
	int			np = bgnbd ? 4 : 3;
	double		se[4];
	Datum		values[4];
	bool		ok;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (BtydAggState *) PG_GETARG_POINTER(0);
	if (state->nobs == 0 || !state->has_model)
		PG_RETURN_NULL();
	BtydStateCompact(state);
	CHECK_FOR_INTERRUPTS();
	if (bgnbd)
	{
		BtydBgnbdParams m = {state->model[0], state->model[1], state->model[2], state->model[3]};

		ok = btyd_bgnbd_log_se(&m, state->obs, (size_t) state->nobs, se);
	}
	else
	{
		BtydGgParams m = {state->model[0], state->model[1], state->model[2]};

		ok = btyd_gg_log_se(&m, state->obs, (size_t) state->nobs, se);
	}
	if (!ok)
		PG_RETURN_NULL();
	for (i = 0; i < np; i++)
	{
		double		v = state->model[i] * se[i];

		if (!isfinite(v))
			PG_RETURN_NULL();
		values[i] = Float8GetDatum(v);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(values, np, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * SQL: transition function of bgnbd_standard_errors(model, frequency,
 * recency, age).  Rows with a NULL are ignored, inconsistent observations
 * and invalid models are an error, as in bgnbd_fit.
 */
Datum
bgnbd_standard_errors_trans(PG_FUNCTION_ARGS)
{
	BtydAggState *state;
	BtydBgnbdParams m;
	double		params[4];
	double		x;
	double		t_x;
	double		T;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, true, INITIAL_CAPACITY)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_POINTER(state);
	BtydGetBgnbdParams(PG_GETARG_HEAPTUPLEHEADER(1), &m);
	params[0] = m.r;
	params[1] = m.alpha;
	params[2] = m.a;
	params[3] = m.b;
	KeepModel(fcinfo, state, params, 4, "bgnbd_standard_errors");
	x = (double) PG_GETARG_INT32(2);
	t_x = PG_GETARG_FLOAT8(3);
	T = PG_GETARG_FLOAT8(4);
	BtydCheckBgnbdObs(x, t_x, T);
	BtydStateAdd(state, x, t_x, T);
	PG_RETURN_POINTER(state);
}

/*
 * SQL: final function of bgnbd_standard_errors: the standard errors of r,
 * alpha, a and b.
 */
Datum
bgnbd_standard_errors_final(PG_FUNCTION_ARGS)
{
	return StandardErrorsFinal(fcinfo, true);
}

/*
 * SQL: transition function of gammagamma_standard_errors(model, frequency,
 * monetary_value).  Like gammagamma_fit, rows with frequency 0 or a NULL
 * monetary value carry no spend information and are left out.
 */
Datum
gammagamma_standard_errors_trans(PG_FUNCTION_ARGS)
{
	BtydAggState *state;
	BtydGgParams m;
	double		params[3];
	double		x;
	double		v;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, false, INITIAL_CAPACITY)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	x = (double) PG_GETARG_INT32(2);
	if (x < 0)
		BtydReportObsError(BTYD_OBS_NEGATIVE_FREQUENCY, x, 0, 0, 0);
	if (x == 0 || PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);
	BtydGetGammaGammaParams(PG_GETARG_HEAPTUPLEHEADER(1), &m);
	params[0] = m.p;
	params[1] = m.q;
	params[2] = m.v;
	KeepModel(fcinfo, state, params, 3, "gammagamma_standard_errors");
	v = PG_GETARG_FLOAT8(3);
	BtydReportObsError(btyd_gg_check_obs(x, v), x, 0, 0, v);
	BtydStateAdd(state, x, v, 0.0);
	PG_RETURN_POINTER(state);
}

/*
 * SQL: final function of gammagamma_standard_errors: the standard errors
 * of p, q and v.
 */
Datum
gammagamma_standard_errors_final(PG_FUNCTION_ARGS)
{
	return StandardErrorsFinal(fcinfo, false);
}

/* ---------- bgnbd_covariance, paretonbd_covariance, gammagamma_covariance ---------- */

/*
 * The covariance matrix of the model's parameters (natural scale) at
 * params over the state's observations (compacted here), as a
 * two-dimensional double precision[] in the order of the parameters; false
 * when the observed information is not positive definite or a value is not
 * finite.  From the covariance of the log-parameters (btyd_*_log_cov): cov_ij
 * times the two parameters, whose diagonal's square roots are the standard
 * errors of bgnbd_standard_errors and gammagamma_standard_errors.  With
 * log_cov (a converged fit's own, BtydFit.log_cov: the same function at the
 * same parameters over the same observations) it is taken from there.
 */
static bool
CovarianceMatrix(BtydAggState *state, FitModel which, const double *params,
				 const double *log_cov, Datum *result)
{
	int			np = which == FIT_GAMMAGAMMA ? 3 : 4;
	double		cov[16];
	Datum		values[16];
	int			dims[2];
	int			lbs[2] = {1, 1};
	bool		ok;
	int			i;
	int			j;

	if (log_cov != NULL)
		memcpy(cov, log_cov, sizeof(double) * np * np);
	else
	{
		BtydStateCompact(state);
		CHECK_FOR_INTERRUPTS();
		if (which == FIT_BGNBD)
		{
			BtydBgnbdParams m = {params[0], params[1], params[2], params[3]};

			ok = btyd_bgnbd_log_cov(&m, state->obs, (size_t) state->nobs, cov);
		}
		else if (which == FIT_PARETONBD)
		{
			BtydParetoParams m = {params[0], params[1], params[2], params[3]};

			ok = btyd_pareto_log_cov(&m, state->obs, (size_t) state->nobs, cov);
		}
		else
		{
			BtydGgParams m = {params[0], params[1], params[2]};

			ok = btyd_gg_log_cov(&m, state->obs, (size_t) state->nobs, cov);
		}
		if (!ok)
			return false;
	}
	for (i = 0; i < np; i++)
		for (j = 0; j < np; j++)
		{
			double		v = cov[i * np + j] * params[i] * params[j];

			if (!isfinite(v))
				return false;
			values[i * np + j] = Float8GetDatum(v);
		}
	dims[0] = dims[1] = np;
	*result = PointerGetDatum(construct_md_array(values, NULL, 2, dims, lbs, FLOAT8OID, sizeof(float8),
												 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	return true;
}

/*
 * Shared final function of the covariance aggregates: the covariance matrix
 * at the model of their rows (CovarianceMatrix); NULL with no rows, or as
 * CovarianceMatrix.
 */
static Datum
CovarianceFinal(FunctionCallInfo fcinfo, FitModel which)
{
	BtydAggState *state;
	Datum		result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (BtydAggState *) PG_GETARG_POINTER(0);
	if (state->nobs == 0 || !state->has_model)
		PG_RETURN_NULL();
	if (!CovarianceMatrix(state, which, state->model, NULL, &result))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * Shared final function of the internal aggregates _bgnbd_fit_covariance,
 * _paretonbd_fit_covariance and _gammagamma_fit_covariance: the covariance
 * matrix at the model's fit over the same rows (kept in the state shared
 * with the fit's aggregate, else fitted here: EnsureFit), the one the fit
 * computed to check its standard errors; NULL with no rows, when the fit did
 * not converge, or as CovarianceMatrix.
 */
static Datum
FitCovarianceFinal(FunctionCallInfo fcinfo, FitModel model)
{
	BtydAggState *state = NULL;
	const BtydFit *fit = FinalStateFit(fcinfo, model, &state);
	Datum		result;

	if (fit == NULL || !fit->converged ||
		!CovarianceMatrix(state, model, fit->params, fit->log_cov, &result))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* SQL: final function of _bgnbd_fit_covariance(frequency, recency, age). */
Datum
bgnbd_fit_covariance_final(PG_FUNCTION_ARGS)
{
	return FitCovarianceFinal(fcinfo, FIT_BGNBD);
}

/* SQL: final function of _paretonbd_fit_covariance(frequency, recency, age). */
Datum
paretonbd_fit_covariance_final(PG_FUNCTION_ARGS)
{
	return FitCovarianceFinal(fcinfo, FIT_PARETONBD);
}

/* SQL: final function of _gammagamma_fit_covariance(frequency, monetary_value). */
Datum
gammagamma_fit_covariance_final(PG_FUNCTION_ARGS)
{
	return FitCovarianceFinal(fcinfo, FIT_GAMMAGAMMA);
}

/*
 * SQL: final function of bgnbd_covariance(model, frequency, recency, age),
 * whose transition function is bgnbd_standard_errors': the covariance of
 * r, alpha, a, b.
 */
Datum
bgnbd_covariance_final(PG_FUNCTION_ARGS)
{
	return CovarianceFinal(fcinfo, FIT_BGNBD);
}

/*
 * SQL: final function of gammagamma_covariance(model, frequency,
 * monetary_value), whose transition function is
 * gammagamma_standard_errors': the covariance of p, q, v.
 */
Datum
gammagamma_covariance_final(PG_FUNCTION_ARGS)
{
	return CovarianceFinal(fcinfo, FIT_GAMMAGAMMA);
}

/*
 * SQL: transition function of paretonbd_covariance(model, frequency,
 * recency, age), as bgnbd_standard_errors_trans with a Pareto/NBD model.
 */
Datum
paretonbd_covariance_trans(PG_FUNCTION_ARGS)
{
	BtydAggState *state;
	double		params[4];
	double		x;
	double		t_x;
	double		T;

	state = PG_ARGISNULL(0) ? NewAggState(fcinfo, true, INITIAL_CAPACITY)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_POINTER(state);
	BtydGetParetoParams(PG_GETARG_HEAPTUPLEHEADER(1), params);
	KeepModel(fcinfo, state, params, 4, "paretonbd_covariance");
	x = (double) PG_GETARG_INT32(2);
	t_x = PG_GETARG_FLOAT8(3);
	T = PG_GETARG_FLOAT8(4);
	BtydCheckBgnbdObs(x, t_x, T);
	BtydStateAdd(state, x, t_x, T);
	PG_RETURN_POINTER(state);
}

/* SQL: final function of paretonbd_covariance: the covariance of r, alpha, s, beta. */
Datum
paretonbd_covariance_final(PG_FUNCTION_ARGS)
{
	return CovarianceFinal(fcinfo, FIT_PARETONBD);
}
