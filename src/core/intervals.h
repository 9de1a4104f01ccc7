/*
 * intervals.h
 *		Per-customer 95% intervals of the model forecasts (probability
 *		alive, expected purchases, expected value) from the uncertainty of
 *		the fitted parameters, by the delta method.
 *
 * The covariance of the parameters comes from the observed information at
 * the fit (btyd_*_log_cov); the gradient of each forecast with respect to
 * the log-parameters is taken here by central differences of its closed
 * form.  Each interval is built on a scale where the forecast is unbounded
 * (the log-odds of P(alive), the logarithm of expected purchases and
 * value) and mapped back, so it stays in range.  docs/models.md, "Intervals
 * of the forecasts".
 *
 * Pure computation, no PostgreSQL headers, no allocation, no global state.
 */
#ifndef DORMANCY_CORE_INTERVALS_H
#define DORMANCY_CORE_INTERVALS_H

#include <stdbool.h>

#include "btyd.h"
#include "paretonbd.h"

#define BTYD_Z95 1.959963984540054

/* Which purchase model the parameters are of. */
typedef enum BtydPurchaseModel
{
	BTYD_MODEL_BGNBD,			/* r, alpha, a, b */
	BTYD_MODEL_PARETONBD		/* r, alpha, s, beta */
} BtydPurchaseModel;

/* A point forecast with its 95% interval; ok false when there is none. */
typedef struct BtydInterval
{
	double		value;
	double		low;
	double		high;
	bool		ok;
} BtydInterval;

/* The three forecasts of one customer. */
typedef struct BtydForecastIntervals
{
	BtydInterval p_alive;
	BtydInterval expected;		/* purchases in the next t */
	BtydInterval value;			/* expected purchases times expected spend */
} BtydForecastIntervals;

/* A forecast as a function of the parameters (natural scale). */
typedef double (*BtydParamFn) (const double *params, const void *arg);

/*
 * Gradient of f with respect to the log-parameters at params[0 .. np-1]
 * (np <= 4), by the five-point central difference with step h in each
 * log-parameter (error O(h^4)).  False when f is not finite at a point.
 */
extern bool btyd_log_gradient(BtydParamFn f, const void *arg, const double *params,
							  int np, double h, double *grad);

/*
 * Variance g' C g of a forecast whose gradient in the log-parameters is g,
 * given the covariance C of the log-parameters (row-major np x np).
 */
extern double btyd_delta_variance(const double *grad, const double *log_cov, int np);

/*
 * The covariance of the log-parameters from that of the parameters
 * themselves (row-major np x np): cov_ij / (params_i params_j).  False when
 * a parameter is not positive and finite, an element is not finite, a
 * variance is negative or the matrix is not symmetric (to 1e-9 relative).
 */
extern bool btyd_log_covariance(const double *params, const double *cov, int np,
								double *log_cov);

/*
 * The intervals of one customer (x, t_x, T, mean spend m of its m_days
 * repeat days of known amount: Gamma-Gamma's x) over the next t time units, under the purchase model (params, its covariance
 * cov, both on the natural scale; cov NULL: no intervals, only the point
 * values) and the Gamma-Gamma model gg with its covariance gg_cov (gg
 * NULL: no value; gg_cov NULL: no interval of the value).  m is ignored at
 * m_days = 0.  A point value is ok when it is finite; its interval is then NaN
 * (low and high) when it cannot be computed, or without the covariance.
 * P(alive) = 1 exactly (BG/NBD without a repeat purchase) and expected
 * purchases 0 (t = 0) have no uncertainty: with a covariance, the interval
 * is the point.
 */
extern void btyd_forecast_intervals(BtydPurchaseModel model, const double *params,
									const double *cov, const BtydGgParams *gg,
									const double *gg_cov, double x, double t_x, double T,
									double m, double m_days, double t,
									BtydForecastIntervals *out);

#endif							/* DORMANCY_CORE_INTERVALS_H */
