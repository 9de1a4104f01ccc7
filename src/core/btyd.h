/*
 * btyd.h
 *		"Buy till you die" customer-base models: BG/NBD and Gamma-Gamma.
 *
 * Observation checks, likelihoods, maximum-likelihood fitting and
 * predictions (probability alive, expected purchases, expected spend, CLV).
 * The special functions they need are in specfun.h, the optimiser (and the
 * fit options, status and result types used here) in optimise.h; the
 * seeded simulator used by the tests and benchmarks is test/lib/btyd_sim.h.
 * The mathematics, the optimiser and its convergence rules are described
 * in docs/models.md.
 *
 * Pure computation, no PostgreSQL headers: this file and btyd.c build into
 * the unit tests and benchmarks as well as into the server module.  Nothing
 * here allocates except the fitting functions (malloc, for sorted copies) and
 * nothing keeps global state.
 *
 * Time is in any unit the caller likes (days, weeks): recency, age and the
 * prediction horizon must use the same one, and alpha comes out in it.
 */
#ifndef DORMANCY_CORE_BTYD_H
#define DORMANCY_CORE_BTYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimise.h"

/* BG/NBD parameters (Fader, Hardie & Lee 2005): all strictly positive. */
typedef struct BtydBgnbdParams
{
	double		r;				/* shape of the gamma mixing the purchase rates */
	double		alpha;			/* scale of it, in time units */
	double		a;				/* beta mixing the dropout probabilities */
	double		b;
} BtydBgnbdParams;

/* Gamma-Gamma spend model parameters: all strictly positive. */
typedef struct BtydGgParams
{
	double		p;				/* shape of the spend per transaction */
	double		q;				/* shape of the gamma mixing its scale */
	double		v;				/* scale of that gamma, in money units */
} BtydGgParams;

/*
 * One BG/NBD observation: x repeat purchases, the last one t_x after the
 * first purchase, observed for T since the first purchase; count customers
 * share it.
 */
typedef struct BtydBgnbdObs
{
	double		x;				/* frequency: a whole number >= 0 */
	double		t_x;			/* recency: 0 <= t_x <= T, 0 when x = 0 */
	double		T;				/* age */
	int64_t		count;			/* customers with exactly this triple, >= 1 */
} BtydBgnbdObs;

/* One Gamma-Gamma observation: x repeat purchases with mean value m. */
typedef struct BtydGgObs
{
	double		x;				/* frequency; x = 0 rows carry no information */
	double		m;				/* mean spend of the repeat purchases, > 0 */
	int64_t		count;
} BtydGgObs;

/* Why an observation is unusable (see btyd_bgnbd_check_obs). */
typedef enum BtydObsError
{
	BTYD_OBS_OK = 0,
	BTYD_OBS_NONFINITE,			/* NaN or infinite input */
	BTYD_OBS_NEGATIVE_FREQUENCY,
	BTYD_OBS_FRACTIONAL_FREQUENCY,
	BTYD_OBS_NEGATIVE_RECENCY,
	BTYD_OBS_RECENCY_AFTER_AGE,
	BTYD_OBS_RECENCY_WITHOUT_REPEAT,	/* x = 0 but t_x != 0 */
	BTYD_OBS_NONPOSITIVE_MONETARY	/* Gamma-Gamma: x > 0 but m <= 0 */
} BtydObsError;

/* ----- observations ----- */

/* Whether (x, t_x, T) is a valid BG/NBD observation. */
extern BtydObsError btyd_bgnbd_check_obs(double x, double t_x, double T);

/* Whether (x, m) is a valid Gamma-Gamma observation (x = 0 rows are valid). */
extern BtydObsError btyd_gg_check_obs(double x, double m);

/* English sentence describing an observation error (for error details). */
extern const char *btyd_obs_error_message(BtydObsError err);

/* Whether every parameter is finite and strictly positive. */
extern bool btyd_bgnbd_params_valid(const BtydBgnbdParams *m);
extern bool btyd_gg_params_valid(const BtydGgParams *m);

/*
 * Sort observations (by x, then the rest) and merge identical ones, adding
 * their counts.  Returns the new number of observations.  Input already in
 * that order is not sorted again (checked in one pass).
 */
extern size_t btyd_bgnbd_compact(BtydBgnbdObs *obs, size_t n);
extern size_t btyd_gg_compact(BtydGgObs *obs, size_t n);

/*
 * Merge a compacted tail into the compacted head before it: obs[0 .. nhead)
 * and obs[nhead .. nhead + ntail) are each sorted without repeats (as
 * btyd_*_compact leaves them); afterwards obs[0 .. result) is, an
 * observation in both counted once with the sum of its counts.  scratch has
 * room for ntail observations.  Linear: appending to a compacted array and
 * compacting only what was appended costs no sort of the whole.
 */
extern size_t btyd_bgnbd_merge_tail(BtydBgnbdObs *obs, size_t nhead,
									size_t ntail, BtydBgnbdObs *scratch);
extern size_t btyd_gg_merge_tail(BtydGgObs *obs, size_t nhead, size_t ntail,
								 BtydGgObs *scratch);

/* ----- likelihoods ----- */

/*
 * BG/NBD log-likelihood summed over the observations (each weighted by its
 * count).  If grad is not NULL it receives the gradient with respect to
 * (log r, log alpha, log a, log b).  Observations sorted by x evaluate
 * fastest (per-x terms are reused).
 */
extern double btyd_bgnbd_loglik(const BtydBgnbdParams *m,
								const BtydBgnbdObs *obs, size_t n,
								double *grad);

/*
 * Gamma-Gamma log-likelihood of the mean spends (observations with x = 0 are
 * ignored); gradient with respect to (log p, log q, log v) if grad != NULL.
 */
extern double btyd_gg_loglik(const BtydGgParams *m,
							 const BtydGgObs *obs, size_t n, double *grad);

/*
 * Standard errors of the log-parameters from the inverse of the observed
 * information (finite differences of the analytic gradient).  The standard
 * error of a parameter itself is about param * se.  Returns false when the
 * information matrix is not positive definite (not at a maximum).
 */
extern bool btyd_bgnbd_log_se(const BtydBgnbdParams *m,
							  const BtydBgnbdObs *obs, size_t n, double se[4]);
extern bool btyd_gg_log_se(const BtydGgParams *m,
						   const BtydGgObs *obs, size_t n, double se[3]);

/*
 * The whole covariance matrix of the log-parameters (row-major), whose
 * diagonal btyd_*_log_se take the square roots of; false likewise.  The
 * covariance of the parameters themselves is cov[i][j] * param_i * param_j.
 */
extern bool btyd_bgnbd_log_cov(const BtydBgnbdParams *m,
							   const BtydBgnbdObs *obs, size_t n, double cov[16]);
extern bool btyd_gg_log_cov(const BtydGgParams *m,
							const BtydGgObs *obs, size_t n, double cov[9]);

/* ----- fitting ----- */

/*
 * Maximum-likelihood fits (the optimiser of optimise.h).  opts may be NULL
 * for the defaults (btyd_fit_options_default).  The observations must be
 * valid (check them first); they need not be sorted or compact.  Returns
 * false only when memory runs out (out is then untouched); otherwise
 * out->status and out->converged say how it went, and out->params is always
 * finite.  When opts->stop asks to stop, the fit ends early with status
 * BTYD_STOPPED (its parameters are not an estimate).
 */
/* The compacted sample and totals a BG/NBD-shaped fit starts from (see btyd.c). */
extern bool btyd_bgnbd_fit_sample(const BtydBgnbdObs *obs, size_t n, BtydFit *out,
								  BtydBgnbdObs **work, size_t *nw,
								  double *customers, double *sum_x, double *sum_T);
extern bool btyd_bgnbd_fit(const BtydBgnbdObs *obs, size_t n,
						   const BtydFitOptions *opts, BtydFit *out);
extern bool btyd_gg_fit(const BtydGgObs *obs, size_t n,
						const BtydFitOptions *opts, BtydFit *out);

/* ----- predictions ----- */

/* Probability that a customer with history (x, t_x, T) is still alive. */
extern double btyd_bgnbd_p_alive(const BtydBgnbdParams *m,
								 double x, double t_x, double T);

/* P(at least one purchase in the next t | x, t_x, T). */
extern double btyd_bgnbd_p_purchase(const BtydBgnbdParams *m, double t,
									double x, double t_x, double T);

/* The age at which p_alive falls to threshold without another purchase (INFINITY: never). */
extern double btyd_bgnbd_dormant_age(const BtydBgnbdParams *m, double x, double t_x,
									 double threshold);

/* Expected purchases in the next t time units of a customer with history (x, t_x, T). */
extern double btyd_bgnbd_expected(const BtydBgnbdParams *m, double t,
								  double x, double t_x, double T);

/* Expected purchases in the first t time units of a new customer, E[X(t)]. */
extern double btyd_bgnbd_expected_new(const BtydBgnbdParams *m, double t);

/*
 * Expected mean spend per transaction of a customer with x repeat purchases
 * of mean value m: p (v + x m) / (p x + q - 1).  +Infinity when
 * p x + q <= 1 (the mean does not exist).
 */
extern double btyd_gg_expected_spend(const BtydGgParams *m, double x,
									 double mean_value);

/*
 * Customer lifetime value in the discrete discounted form of lifetimes'
 * customer_lifetime_value:
 *
 *	sum_{i=1..horizon} S * (E[Y(i P)] - E[Y((i-1) P)]) / (1 + d)^i
 *
 * with S = btyd_gg_expected_spend(gg, x, m), E[Y(t)] = btyd_bgnbd_expected
 * (bg, t, x, t_x, T), P = period (model time units per discounting period)
 * and d = discount_rate per period.  The cost is linear in horizon: each
 * period evaluates one expectation, whose own cost is bounded.
 */
extern double btyd_clv(const BtydBgnbdParams *bg, const BtydGgParams *gg,
					   double x, double t_x, double T, double mean_value,
					   int horizon, double discount_rate, double period);

/* btyd_clv asking stop(stop_arg) once per period: NaN when it said stop. */
extern double btyd_clv_stoppable(const BtydBgnbdParams *bg, const BtydGgParams *gg,
								 double x, double t_x, double T, double mean_value,
								 int horizon, double discount_rate, double period,
								 BtydStopFn stop, void *stop_arg);

/*
 * btyd_clv_stoppable with the expected spend per transaction S given: the
 * spend of a Gamma-Gamma x other than the frequency x of the purchases (the
 * repeat days of known amount, of which the mean spend is).  A spend that
 * is not finite is returned as it is.
 */
extern double btyd_clv_spend_stoppable(const BtydBgnbdParams *bg, double spend,
									   double x, double t_x, double T,
									   int horizon, double discount_rate, double period,
									   BtydStopFn stop, void *stop_arg);

#endif							/* DORMANCY_CORE_BTYD_H */
