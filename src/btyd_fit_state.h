/*
 * btyd_fit_state.h
 *		The state of the model fit aggregates (btyd_fit_sql.c): distinct
 *		customer summaries with their counts, shared with the fit state as a
 *		value (fit_state_sql.c, the type dormancy.fit_state that Citus
 *		combines across workers).
 */
#ifndef DORMANCY_BTYD_FIT_STATE_H
#define DORMANCY_BTYD_FIT_STATE_H

#include "postgres.h"
#include "lib/stringinfo.h"

#include "core/btyd.h"

/* The models the final functions fit. */
typedef enum FitModel
{
	FIT_BGNBD,
	FIT_PARETONBD,
	FIT_GAMMAGAMMA
} FitModel;

/*
 * State of bgnbd_fit and gammagamma_fit: a buffer of observations of one
 * of the two kinds, compacted when it fills.  The first nsorted are
 * compacted (sorted, no repeats); the rest were appended since.
 * gammagamma_fit also counts the rows it skips.  The standard-error
 * aggregates keep the model of their first row in model (has_model).  The
 * final functions keep each model's fit in fits (fitted), so that the
 * internal aggregates of fit_models() that share one state (a fit and its
 * covariance matrix: _fit_segments) fit it once; a new observation forgets
 * them.
 */
typedef struct BtydAggState
{
	void	   *obs;
	int64		nobs;
	int64		nsorted;
	int64		capacity;
	int64		skipped;
	bool		bgnbd;
	bool		has_model;
	double		model[4];
	bool		fitted[3];		/* by FitModel */
	BtydFit		fits[3];
} BtydAggState;

/* A fresh state of the kind asked for (bgnbd: else Gamma-Gamma) in cxt. */
extern BtydAggState *BtydStateNew(MemoryContext cxt, bool bgnbd, int64 capacity);

/* Count one observation: (x, t_x, T) for BG/NBD, (x, m) for Gamma-Gamma (c unused). */
extern void BtydStateAdd(BtydAggState *state, double x, double b, double c);

/* One customer's summary as bgnbd_fit counts it (checked: ERROR when invalid). */
extern void BtydStateAddBgnbd(BtydAggState *state, double x, double t_x, double T);

/* One customer's (frequency, monetary value) as gammagamma_fit counts it (skipped when x = 0 or !has_m). */
extern void BtydStateAddGammaGamma(BtydAggState *state, double x, double m, bool has_m);

/* Append the observations of src to dst (same kind). */
extern void BtydStateAppend(BtydAggState *dst, const BtydAggState *src);

/* Sort the observations and merge identical ones, in place. */
extern void BtydStateCompact(BtydAggState *state);

/* Append the state's serialized form to buf (compacts it). */
extern void BtydStateWrite(StringInfo buf, BtydAggState *state);

/* Read and check one serialized state of the kind asked for from buf into cxt. */
extern BtydAggState *BtydStateRead(StringInfo buf, bool bgnbd, MemoryContext cxt);

#endif							/* DORMANCY_BTYD_FIT_STATE_H */
