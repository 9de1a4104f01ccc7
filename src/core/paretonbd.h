/*
 * paretonbd.h
 *		The Pareto/NBD customer-base model (Schmittlein, Morrison & Colombo
 *		1987), in the forms of Fader & Hardie (2005), "A Note on Deriving the
 *		Pareto/NBD Model and Related Expressions": likelihood, maximum-
 *		likelihood fit, probability alive and conditional expected purchases.
 *
 * It reads the same customer summaries (x, t_x, T) as BG/NBD (BtydBgnbdObs,
 * checked by btyd_bgnbd_check_obs, compacted by btyd_bgnbd_compact) and
 * fits with the optimiser of optimise.h; the special functions are those of
 * specfun.h.  docs/models.md gives the formulas.
 *
 * Pure computation, no PostgreSQL headers; nothing allocates except the fit
 * (malloc, for a compacted copy) and nothing keeps global state.  Time is in
 * any unit the caller likes: alpha and beta come out in it.
 */
#ifndef DORMANCY_CORE_PARETONBD_H
#define DORMANCY_CORE_PARETONBD_H

#include <stdbool.h>
#include <stddef.h>

#include "btyd.h"
#include "optimise.h"

/* Pareto/NBD parameters: all strictly positive. */
typedef struct BtydParetoParams
{
	double		r;				/* shape of the gamma mixing the purchase rates */
	double		alpha;			/* scale of it, in time units */
	double		s;				/* shape of the gamma mixing the dropout rates */
	double		beta;			/* scale of it, in time units */
} BtydParetoParams;

/* How btyd_pareto_log_dead evaluates the death-time integral. */
typedef enum BtydParetoMethod
{
	BTYD_PARETO_AUTO = 0,		/* 2F1 for small r + s + x, quadrature above */
	BTYD_PARETO_SERIES,			/* the 2F1 of the note (cost grows with r + s + x) */
	BTYD_PARETO_QUADRATURE		/* Gauss-Kronrod quadrature (cost bounded) */
} BtydParetoMethod;

/* Whether every parameter is finite and strictly positive. */
extern bool btyd_pareto_params_valid(const BtydParetoParams *m);

/*
 * Log-likelihood of one valid customer summary (x, t_x, T); NaN when the
 * hypergeometric function cannot be evaluated.
 */
extern double btyd_pareto_loglik_one(const BtydParetoParams *m,
									 double x, double t_x, double T);

/*
 * The likelihood's death term, log of s times the integral over the death
 * time tau in (t_x, T) of (alpha+tau)^-(r+x) (beta+tau)^-(s+1), by the
 * method asked for (btyd_pareto_loglik_one and the predictions use
 * BTYD_PARETO_AUTO, the fit's summed likelihood BTYD_PARETO_QUADRATURE).  -Infinity when t_x >= T, NaN when it cannot be
 * evaluated.
 */
extern double btyd_pareto_log_dead(const BtydParetoParams *m, double x, double t_x,
								   double T, BtydParetoMethod method);

/*
 * Log-likelihood summed over the observations, each weighted by its count,
 * the death terms by quadrature (what the fit maximises; equal to the sum
 * of btyd_pareto_loglik_one to about 1e-11 relative).  If grad is not NULL
 * it receives the gradient with respect to (log r, log alpha, log s,
 * log beta), analytic, from the same quadratures.
 */
extern double btyd_pareto_loglik(const BtydParetoParams *m,
								 const BtydBgnbdObs *obs, size_t n,
								 double *grad);

/*
 * The fit bounds the gamma shapes r and s by this: past it the gamma of the
 * purchase (or dropout) rates has all but collapsed to one rate (a
 * coefficient of variation of 1%); a fit past a tenth of it (3%) is
 * reported as BTYD_BOUNDARY (docs/models.md).
 */
#define BTYD_PARETO_MAX_SHAPE 1e4

/*
 * Maximum-likelihood fit, as btyd_bgnbd_fit (btyd.h): opts may be NULL,
 * observations valid but not necessarily compact; false only when memory
 * runs out.  out->params holds r, alpha, s, beta; r and s stay below
 * BTYD_PARETO_MAX_SHAPE, and an estimate beyond a tenth of it is flagged
 * BTYD_BOUNDARY (not converged).  opts->stop is also asked within an
 * evaluation of the likelihood, every few hundred observations.
 */
extern bool btyd_pareto_fit(const BtydBgnbdObs *obs, size_t n,
							const BtydFitOptions *opts, BtydFit *out);

/*
 * Covariance of the log-parameters (log r, log alpha, log s, log beta),
 * row-major, at m over the observations (sorted and compacted, as the
 * aggregates keep them): the inverse of the observed information.  False
 * when it is not positive definite (m is not at a maximum).
 */
extern bool btyd_pareto_log_cov(const BtydParetoParams *m, const BtydBgnbdObs *obs,
								size_t n, double cov[16]);

/*
 * P(at least one purchase in (T, T + t] | x, t_x, T): P(alive) times the
 * integral over (0, t] of the posterior density of the first purchase
 * after T while alive (quadrature; docs/models.md).
 */
extern double btyd_pareto_p_purchase(const BtydParetoParams *m, double t,
									 double x, double t_x, double T);

/* Probability that a customer with history (x, t_x, T) is still alive. */
extern double btyd_pareto_p_alive(const BtydParetoParams *m,
								  double x, double t_x, double T);

/* The age at which P(alive) falls to threshold without another purchase (INFINITY: never). */
extern double btyd_pareto_dormant_age(const BtydParetoParams *m, double x, double t_x,
									  double threshold);

/* Expected purchases in the next t time units of a customer with history (x, t_x, T). */
extern double btyd_pareto_expected(const BtydParetoParams *m, double t,
								   double x, double t_x, double T);

#endif							/* DORMANCY_CORE_PARETONBD_H */
