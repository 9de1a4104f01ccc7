/*
 * btyd_sql.h
 *		Glue shared by the SQL interface of the models (btyd_sql.c) and of
 *		their fitting aggregates (btyd_fit_sql.c): the interrupt callback of
 *		the core loops, observation errors, and building a model row.
 */
#ifndef DORMANCY_BTYD_SQL_H
#define DORMANCY_BTYD_SQL_H

#include "postgres.h"
#include "access/htup.h"
#include "fmgr.h"

#include "core/btyd.h"

/*
 * The BtydStopFn of the core loops: true when a query cancel or a
 * termination is pending, noting it in *(bool *) arg when arg is not NULL.
 */
extern bool BtydStopRequested(void *arg);

/* Raise the pending interrupt that stopped a core loop (what: for the message). */
extern void BtydRaiseStop(const char *what);

/* ERROR for an unusable observation, with its values; returns for BTYD_OBS_OK. */
extern void BtydReportObsError(BtydObsError err, double x, double t_x, double T,
							   double m);

/* ERROR unless (x, t_x, T) is a valid BG/NBD customer summary. */
extern void BtydCheckBgnbdObs(double x, double t_x, double T);

/*
 * The parameters of a dormancy.bgnbd or dormancy.gammagamma value: ERROR
 * when one is NULL or not positive and finite.
 */
extern void BtydGetBgnbdParams(HeapTupleHeader rec, BtydBgnbdParams *m);
extern void BtydGetGammaGammaParams(HeapTupleHeader rec, BtydGgParams *m);

/* The parameters r, alpha, s, beta of a dormancy.paretonbd value, likewise. */
extern void BtydGetParetoParams(HeapTupleHeader rec, double params[4]);

/*
 * The function's model row (dormancy.bgnbd or dormancy.gammagamma): the
 * parameters, then the fit's figures, all NULL when fit is NULL.
 */
extern Datum BtydMakeModelRow(FunctionCallInfo fcinfo, const double *params,
							  int nparams, bool with_skipped, const BtydFit *fit);

#endif							/* DORMANCY_BTYD_SQL_H */
