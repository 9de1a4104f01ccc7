/*
 * optimise.h
 *		The maximum-likelihood optimiser of the BTYD models: BFGS with a
 *		strong-Wolfe line search in scaled log-parameters, run from several
 *		starting points, and standard errors from the observed information.
 *
 * Knows nothing of the models: a model hands it its log-likelihood as a
 * function of a parameter vector (BtydLoglikFn), the observations as an
 * opaque pointer, and the scales and starting points.  The optimiser and its
 * convergence rules are described in docs/models.md.
 *
 * Pure computation, no PostgreSQL headers, no allocation, no global state.
 */
#ifndef DORMANCY_CORE_OPTIMISE_H
#define DORMANCY_CORE_OPTIMISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most parameters of a model the optimiser fits. */
#define BTYD_MAX_PARAMS 4

/*
 * Outcome of a fit.  BTYD_NO_DATA and BTYD_NO_REPEAT are set by the model
 * fits (they depend on the data), the others by the optimiser.
 */
typedef enum BtydStatus
{
	BTYD_CONVERGED = 0,
	BTYD_NO_DATA,				/* no usable observation */
	BTYD_NO_REPEAT,				/* no repeat purchase: the MLE does not exist */
	BTYD_MAX_ITER,				/* iteration limit reached */
	BTYD_LINE_SEARCH,			/* no further descent found away from a stationary point */
	BTYD_BOUNDARY,				/* a parameter ran off towards 0 or infinity, or to its bound */
	BTYD_NONFINITE,				/* likelihood not finite at any starting point */
	BTYD_STOPPED				/* the stop callback asked to stop */
} BtydStatus;

/*
 * A callback the long loops (the optimiser, once per likelihood
 * evaluation; the CLV sum, once per period) call to ask whether to stop:
 * the server module passes one that reports a pending query cancel or
 * termination, then raises it once the core function has returned and
 * freed what it allocated.  NULL: never stop.  No global state: the
 * callback and its argument travel with the call.
 */
typedef bool (*BtydStopFn) (void *arg);

/* Optimiser settings; btyd_fit_options_default fills in the documented defaults. */
typedef struct BtydFitOptions
{
	int			max_iter;		/* BFGS iterations per starting point (200) */
	double		gtol;			/* converged when max |gradient| <= gtol (1e-8) */
	double		ftol;			/* relative change counted as stalled (1e-13) */
	double		gtol_stall;		/* a stall counts as converged below this (1e-5) */
	BtydStopFn	stop;			/* asked once per likelihood evaluation (NULL) */
	void	   *stop_arg;		/* passed to stop */
} BtydFitOptions;

/*
 * Result of a fit.  params holds r, alpha, a, b (BG/NBD) or p, q, v, 0
 * (Gamma-Gamma) on their natural scale.  The gradient is that of the mean
 * log-likelihood per customer with respect to the log-parameters.
 */
typedef struct BtydFit
{
	double		params[4];
	double		log_likelihood; /* total over all customers */
	double		grad_norm;		/* max |gradient| at the estimate */
	int64_t		customers;		/* customers used (Gamma-Gamma: x > 0 only) */
	int64_t		skipped;		/* Gamma-Gamma: customers with x = 0 */
	int			iterations;		/* BFGS iterations of the chosen start */
	int			evaluations;	/* likelihood evaluations, all starts */
	int			starts;			/* starting points tried */
	bool		converged;
	BtydStatus	status;
	/*
	 * With converged: the covariance of the log-parameters at params
	 * (btyd_mle_log_cov, row-major nparams x nparams), computed anyway to
	 * check the standard errors, kept so that no caller computes it again.
	 */
	double		log_cov[BTYD_MAX_PARAMS * BTYD_MAX_PARAMS];
} BtydFit;

/*
 * A log-likelihood summed over n observations at obs (the model's own
 * type), at the natural parameters params[0 .. nparams - 1].  If grad is not
 * NULL it receives the gradient with respect to the log-parameters.
 */
typedef double (*BtydLoglikFn) (const double *params, const void *obs,
								size_t n, double *grad);

/*
 * A maximum-likelihood problem.  The optimiser minimises minus the mean
 * log-likelihood per customer (weight = 1 / customers) as a function of
 * theta_i = log(param_i / scale_i); the scales make theta independent of
 * the time and money units.
 */
typedef struct BtydMleProblem
{
	BtydLoglikFn loglik;
	const void *obs;
	size_t		n;
	int			nparams;		/* at most BTYD_MAX_PARAMS */
	double		scale[BTYD_MAX_PARAMS];
	double		weight;			/* 1 / customers */
	/*
	 * Upper bounds (0: none).  A bounded parameter is
	 * 1 / (1/(scale e^theta) + 1/upper): smooth in theta, below upper, and
	 * all but scale e^theta well below it.  An estimate above upper / 10 is
	 * reported as BTYD_BOUNDARY, and a run that levels off there (max
	 * |gradient| <= gtol_stall) ends at once, the other starts untried.
	 */
	double		upper[BTYD_MAX_PARAMS];
} BtydMleProblem;

extern void btyd_fit_options_default(BtydFitOptions *opts);

/* English sentence describing a fit status (for warnings). */
extern const char *btyd_status_message(BtydStatus status);

/*
 * Maximise the likelihood of prob from the starting points (theta vectors,
 * tried in turn until one converges) with the settings of opts (not NULL).
 * Fills every field of out except customers and skipped, which are the
 * model's; out->params holds the estimate (zeros beyond nparams).  A
 * converged estimate must also be a proper maximum (btyd_mle_log_se
 * succeeds with no standard error above a bound), else it is reported as
 * BTYD_BOUNDARY.
 */
extern void btyd_mle_fit(const BtydMleProblem *prob, const BtydFitOptions *opts,
						 double starts[][BTYD_MAX_PARAMS], int nstarts,
						 BtydFit *out);

/*
 * Standard errors of the log-parameters at params[0 .. np - 1] from the
 * inverse of the observed information (finite differences of the analytic
 * gradient).  Returns false when the information matrix is not positive
 * definite (not at a maximum).
 */
extern bool btyd_mle_log_se(BtydLoglikFn loglik, const double *params, int np,
							const void *obs, size_t n, double *se);

/*
 * The covariance matrix of the log-parameters (row-major, np x np): the
 * inverse of the observed information btyd_mle_log_se takes the diagonal
 * of.  False as btyd_mle_log_se, or when an element is not finite.
 */
extern bool btyd_mle_log_cov(BtydLoglikFn loglik, const double *params, int np,
							 const void *obs, size_t n, double *cov);

#endif							/* DORMANCY_CORE_OPTIMISE_H */
