/*
 * optimise.c
 *		The maximum-likelihood optimiser: BFGS with a strong-Wolfe line
 *		search in scaled log-parameters, multistart, the convergence and
 *		boundary checks, and standard errors from the observed information.
 *
 * Pure computation: no PostgreSQL headers, no allocation, no state.  The
 * model is a log-likelihood callback (optimise.h); docs/models.md describes
 * the optimiser and its convergence rules.
 */
#include "optimise.h"

#include <math.h>
#include <string.h>

/* log-parameters are confined to |theta| <= THETA_BOX (about 1e13 either way) */
#define THETA_BOX		30.0
/* an estimate beyond this many e-folds from its scale counts as run away */
#define THETA_EDGE		16.0
/* largest change of any log-parameter in one line search */
#define MAX_STEP		4.0
/* function evaluations allowed to one line search */
#define LS_MAX_EVALS	40
#define MAX_PARAMS		BTYD_MAX_PARAMS
/* largest standard error of a log-parameter in a determined fit */
#define MAX_LOG_SE		20.0

/*
 * What the optimiser minimises: minus the mean log-likelihood per customer,
 * as a function of theta_i = log(param_i / scale_i).  The scales (1 for
 * r, a, b, p, q; the mean age for alpha; the mean spend for v) make theta
 * independent of the time and money units.
 */
typedef struct Objective
{
	int			nparams;
	BtydLoglikFn loglik;		/* the model's log-likelihood */
	double		scale[MAX_PARAMS];
	double		upper[MAX_PARAMS];	/* 0: unbounded */
	double		weight;			/* 1 / customers */
	const void *obs;			/* its observations, passed to loglik */
	size_t		n;
	int			evaluations;
	BtydStopFn	stop;			/* asked before each evaluation */
	void	   *stop_arg;
	bool		stopped;		/* it said stop: every evaluation fails from now on */
} Objective;

/* Natural parameters of theta. */
static void
objective_params(const Objective *obj, const double *theta, double *params)
{
	int			i;

	for (i = 0; i < obj->nparams; i++)
	{
		params[i] = obj->scale[i] * exp(theta[i]);
		if (obj->upper[i] > 0.0)
			params[i] = 1.0 / (1.0 / params[i] + 1.0 / obj->upper[i]);
	}
}

/*
 * Whether a bounded parameter is past a tenth of its bound: where the bound
 * starts to bend the parametrisation, and where the model counts as having
 * reached the limiting case the bound stands for.
 */
static bool
objective_at_bound(const Objective *obj, const double *theta)
{
	double		params[MAX_PARAMS];
	int			i;

	objective_params(obj, theta, params);
	for (i = 0; i < obj->nparams; i++)
	{
		if (obj->upper[i] > 0.0 && params[i] > 0.1 * obj->upper[i])
			return true;
	}
	return false;
}

/* Value and gradient of the objective; +Infinity outside the box or where not finite. */
static double
objective_eval(Objective *obj, const double *theta, double *grad)
{
	double		params[MAX_PARAMS];
	double		g[MAX_PARAMS];
	double		ll;
	int			i;

	for (i = 0; i < obj->nparams; i++)
	{
		if (!(fabs(theta[i]) <= THETA_BOX))
			return INFINITY;
	}
	/* once told to stop, every point is infinite: the optimiser winds down */
	if (obj->stopped || (obj->stop != NULL && obj->stop(obj->stop_arg)))
	{
		obj->stopped = true;
		return INFINITY;
	}
	obj->evaluations++;
	objective_params(obj, theta, params);
	ll = obj->loglik(params, obj->obs, obj->n, g);
	if (!isfinite(ll))
		return INFINITY;
	for (i = 0; i < obj->nparams; i++)
	{
		/* d log(param) / d theta: 1, or 1 - param / upper when bounded */
		double		dlog = obj->upper[i] > 0.0 ? 1.0 - params[i] / obj->upper[i] : 1.0;

		grad[i] = -g[i] * obj->weight * dlog;
		if (!isfinite(grad[i]))
			return INFINITY;
	}
	return -ll * obj->weight;
}

/* Dot product of short vectors. */
static double
vec_dot(int n, const double *a, const double *b)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* Largest absolute component. */
static double
vec_maxabs(int n, const double *a)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s = fmax(s, fabs(a[i]));
	return s;
}

/* One point of a line search: step, value, slope, position and gradient. */
typedef struct LsPoint
{
	double		step;
	double		f;
	double		slope;
	double		x[MAX_PARAMS];
	double		g[MAX_PARAMS];
} LsPoint;

/* Evaluate the objective at x0 + step p. */
static void
ls_eval(Objective *obj, const double *x0, const double *p, double step,
		LsPoint *pt)
{
	int			i;

	pt->step = step;
	for (i = 0; i < obj->nparams; i++)
		pt->x[i] = x0[i] + step * p[i];
	pt->f = objective_eval(obj, pt->x, pt->g);
	pt->slope = isfinite(pt->f) ? vec_dot(obj->nparams, pt->g, p) : NAN;
}

/*
 * Minimiser of the cubic through (lo, f, slope) and (hi, f, slope)
 * (Nocedal & Wright eq. 3.59), kept at least a tenth of the interval away
 * from either end; bisection when the cubic is unusable.
 */
static double
ls_interpolate(const LsPoint *lo, const LsPoint *hi)
{
	double		a = lo->step;
	double		b = hi->step;
	double		lo_bound = fmin(a, b) + 0.1 * fabs(b - a);
	double		hi_bound = fmax(a, b) - 0.1 * fabs(b - a);
	double		d1;
	double		d2sq;
	double		d2;
	double		t;

	if (!isfinite(hi->f) || !isfinite(hi->slope))
		return 0.5 * (a + b);
	d1 = lo->slope + hi->slope - 3.0 * (lo->f - hi->f) / (a - b);
	d2sq = d1 * d1 - lo->slope * hi->slope;
	if (!(d2sq >= 0.0))
		return 0.5 * (a + b);
	d2 = (b > a ? 1.0 : -1.0) * sqrt(d2sq);
	t = b - (b - a) * (hi->slope + d2 - d1) / (hi->slope - lo->slope + 2.0 * d2);
	if (!isfinite(t) || t < lo_bound || t > hi_bound)
		return 0.5 * (a + b);
	return t;
}

/*
 * Line search for the strong Wolfe conditions (sufficient decrease c1 =
 * 1e-4, curvature c2 = 0.9; Nocedal & Wright algorithms 3.5 and 3.6): steps
 * grow from 'step' (doubling, at most max_step) until the minimum is
 * bracketed, then the bracket is shrunk by safeguarded cubic interpolation.
 * Non-finite values count as too long a step.  If the Wolfe conditions are
 * not met within LS_MAX_EVALS evaluations, the best point with sufficient
 * decrease is taken.  Returns false when there is none.
 */
static bool
line_search(Objective *obj, const double *x0, double f0, const double *p,
			double slope0, double step, double max_step, LsPoint *out)
{
	const double c1 = 1e-4;
	const double c2 = 0.9;
	LsPoint		prev;
	LsPoint		cur;
	LsPoint		lo;
	LsPoint		hi;
	LsPoint		best;
	bool		have_best = false;
	int			evals = 0;

	prev.step = 0.0;
	prev.f = f0;
	prev.slope = slope0;

	/* bracketing phase */
	for (;;)
	{
		ls_eval(obj, x0, p, step, &cur);
		evals++;
		if (!isfinite(cur.f) || cur.f > f0 + c1 * step * slope0 ||
			(evals > 1 && cur.f >= prev.f))
		{
			lo = prev;
			hi = cur;
			break;
		}
		best = cur;
		have_best = true;
		if (fabs(cur.slope) <= -c2 * slope0)
		{
			*out = cur;
			return true;
		}
		if (cur.slope >= 0.0)
		{
			lo = cur;
			hi = prev;
			break;
		}
		if (step >= max_step || evals >= LS_MAX_EVALS)
		{
			/* sufficient decrease but still descending at the longest step allowed */
			*out = cur;
			return true;
		}
		prev = cur;
		step = fmin(2.0 * step, max_step);
	}

	/* zoom: lo has sufficient decrease and the lowest value so far */
	while (evals < LS_MAX_EVALS)
	{
		double		t = ls_interpolate(&lo, &hi);

		if (fabs(hi.step - lo.step) * vec_maxabs(obj->nparams, p) < 1e-15)
			break;
		ls_eval(obj, x0, p, t, &cur);
		evals++;
		if (!isfinite(cur.f) || cur.f > f0 + c1 * t * slope0 || cur.f >= lo.f)
			hi = cur;
		else
		{
			if (!have_best || cur.f < best.f)
			{
				best = cur;
				have_best = true;
			}
			if (fabs(cur.slope) <= -c2 * slope0)
			{
				*out = cur;
				return true;
			}
			if (cur.slope * (hi.step - lo.step) >= 0.0)
				hi = lo;
			lo = cur;
		}
	}
	if (have_best && best.f < f0)
	{
		*out = best;
		return true;
	}
	return false;
}

/* Outcome of one BFGS run. */
typedef struct MinResult
{
	double		f;
	double		gnorm;
	int			iterations;
	BtydStatus	status;
} MinResult;

/* Set H to the identity. */
static void
mat_identity(int n, double H[MAX_PARAMS][MAX_PARAMS])
{
	int			i;
	int			j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			H[i][j] = i == j ? 1.0 : 0.0;
}

/*
 * BFGS on the inverse Hessian approximation H, started at theta (updated in
 * place).  H starts as the identity and is rescaled by s'y / y'y after the
 * first step (Nocedal & Wright eq. 6.20); updates whose curvature s'y is not
 * positive are skipped.  Each step p = -H g is shortened to change no
 * log-parameter by more than MAX_STEP.
 *
 * Stops as converged when max |g| <= gtol, or when the relative change of
 * the objective falls below ftol (or the line search finds no lower point)
 * while max |g| <= gtol_stall: rounding then dominates.  A failed line
 * search first restarts from steepest descent; failing again with a larger
 * gradient ends with BTYD_LINE_SEARCH.
 */
static void
bfgs_minimize(Objective *obj, double *theta, const BtydFitOptions *opts,
			  MinResult *res)
{
	const int	n = obj->nparams;
	double		H[MAX_PARAMS][MAX_PARAMS];
	double		g[MAX_PARAMS];
	double		p[MAX_PARAMS];
	double		f;
	bool		fresh = true;
	int			iter = 0;
	int			i;
	int			j;

	f = objective_eval(obj, theta, g);
	res->iterations = 0;
	if (!isfinite(f))
	{
		res->f = f;
		res->gnorm = INFINITY;
		res->status = BTYD_NONFINITE;
		return;
	}
	mat_identity(n, H);
	for (;;)
	{
		double		gnorm = vec_maxabs(n, g);
		double		slope;
		double		pmax;
		double		max_step;
		double		s[MAX_PARAMS];
		double		y[MAX_PARAMS];
		double		sy;
		double		yy;
		bool		stalled;
		LsPoint		pt;

		res->f = f;
		res->gnorm = gnorm;
		res->iterations = iter;
		if (gnorm <= opts->gtol)
		{
			res->status = BTYD_CONVERGED;
			return;
		}
		if (gnorm <= opts->gtol_stall && objective_at_bound(obj, theta))
		{
			/* levelling off past a tenth of a bound: the limiting case, no maximum */
			res->status = BTYD_BOUNDARY;
			return;
		}
		if (iter >= opts->max_iter)
		{
			res->status = BTYD_MAX_ITER;
			return;
		}
		iter++;

		for (i = 0; i < n; i++)
		{
			p[i] = 0.0;
			for (j = 0; j < n; j++)
				p[i] -= H[i][j] * g[j];
		}
		slope = vec_dot(n, g, p);
		if (!(slope < 0.0))
		{
			mat_identity(n, H);
			fresh = true;
			for (i = 0; i < n; i++)
				p[i] = -g[i];
			slope = -vec_dot(n, g, g);
		}
		pmax = vec_maxabs(n, p);
		max_step = MAX_STEP / pmax;
		if (!line_search(obj, theta, f, p, slope, fmin(1.0, max_step),
						 max_step, &pt))
		{
			if (!fresh)
			{
				/* forget the curvature information and try steepest descent */
				mat_identity(n, H);
				fresh = true;
				continue;
			}
			res->status = gnorm <= opts->gtol_stall ? BTYD_CONVERGED : BTYD_LINE_SEARCH;
			return;
		}

		for (i = 0; i < n; i++)
		{
			s[i] = pt.x[i] - theta[i];
			y[i] = pt.g[i] - g[i];
		}
		sy = vec_dot(n, s, y);
		yy = vec_dot(n, y, y);
		if (sy > 1e-12 * sqrt(vec_dot(n, s, s) * yy))
		{
			double		rho = 1.0 / sy;
			double		Hy[MAX_PARAMS];
			double		yHy;

			if (fresh)
			{
				mat_identity(n, H);
				for (i = 0; i < n; i++)
					H[i][i] = sy / yy;
				fresh = false;
			}
			/* H += (1 + rho y'Hy) rho s s' - rho (H y s' + s y'H) */
			for (i = 0; i < n; i++)
			{
				Hy[i] = 0.0;
				for (j = 0; j < n; j++)
					Hy[i] += H[i][j] * y[j];
			}
			yHy = vec_dot(n, y, Hy);
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					H[i][j] += (1.0 + rho * yHy) * rho * s[i] * s[j]
						- rho * (Hy[i] * s[j] + s[i] * Hy[j]);
		}

		stalled = fabs(f - pt.f) <= opts->ftol * fmax(1.0, fmax(fabs(f), fabs(pt.f)));
		memcpy(theta, pt.x, sizeof(double) * n);
		memcpy(g, pt.g, sizeof(double) * n);
		f = pt.f;
		if (stalled && vec_maxabs(n, g) <= opts->gtol_stall)
		{
			res->f = f;
			res->gnorm = vec_maxabs(n, g);
			res->iterations = iter;
			res->status = BTYD_CONVERGED;
			return;
		}
	}
}

/* Default optimiser settings (documented in btyd.h). */
void
btyd_fit_options_default(BtydFitOptions *opts)
{
	opts->max_iter = 200;
	opts->gtol = 1e-8;
	opts->ftol = 1e-13;
	opts->gtol_stall = 1e-5;
	opts->stop = NULL;
	opts->stop_arg = NULL;
}

/* Sentence for a fit status. */
const char *
btyd_status_message(BtydStatus status)
{
	switch (status)
	{
		case BTYD_CONVERGED:
			return "The optimiser converged.";
		case BTYD_NO_DATA:
			return "There were no customers to fit.";
		case BTYD_NO_REPEAT:
			return "No customer made a repeat purchase, so the likelihood has no maximum.";
		case BTYD_MAX_ITER:
			return "The optimiser reached its iteration limit before converging.";
		case BTYD_LINE_SEARCH:
			return "The optimiser could not improve the likelihood further, although it is not at a maximum.";
		case BTYD_BOUNDARY:
			return "A parameter ran off towards zero or infinity: the data do not determine it.";
		case BTYD_NONFINITE:
			return "The likelihood was not finite at any starting point.";
		case BTYD_STOPPED:
			return "The fit was stopped before it finished.";
	}
	return "Unknown fit status.";
}

/*
 * Run BFGS from each starting point in turn, stopping at the first that
 * converges; keep the converged run with the highest likelihood, else the
 * run with the highest likelihood.  Then flag estimates that ran towards the
 * edge of the box.
 */
static void
fit_multistart(Objective *obj, const BtydFitOptions *opts,
			   double starts[][MAX_PARAMS], int nstarts, double *theta_out,
			   MinResult *best, int *tried)
{
	bool		have = false;
	int			k;
	int			i;

	for (k = 0; k < nstarts; k++)
	{
		double		theta[MAX_PARAMS];
		MinResult	res;
		bool		better;

		memcpy(theta, starts[k], sizeof(double) * obj->nparams);
		memset(&res, 0, sizeof(res));
		bfgs_minimize(obj, theta, opts, &res);
		*tried = k + 1;
		/* a run that ends past a tenth of a bound found the limiting case: no other start */
		if (!obj->stopped && isfinite(res.f) && objective_at_bound(obj, theta))
			res.status = BTYD_BOUNDARY;
		if (!have)
			better = true;
		else if ((res.status == BTYD_CONVERGED) != (best->status == BTYD_CONVERGED))
			better = res.status == BTYD_CONVERGED;
		else
			better = res.f < best->f;
		if (better && isfinite(res.f))
		{
			*best = res;
			memcpy(theta_out, theta, sizeof(double) * obj->nparams);
			have = true;
		}
		if ((have && (best->status == BTYD_CONVERGED || best->status == BTYD_BOUNDARY)) ||
			obj->stopped)
			break;
	}
	if (!have)
	{
		/* nothing finite anywhere: report the first start */
		memcpy(theta_out, starts[0], sizeof(double) * obj->nparams);
		best->f = INFINITY;
		best->gnorm = INFINITY;
		best->iterations = 0;
		best->status = BTYD_NONFINITE;
		return;
	}
	if (best->status == BTYD_CONVERGED)
	{
		for (i = 0; i < obj->nparams; i++)
		{
			if (fabs(theta_out[i]) > THETA_EDGE)
				best->status = BTYD_BOUNDARY;
		}
	}
	/* however the run ended: an estimate past a tenth of an upper bound */
	if (!obj->stopped && objective_at_bound(obj, theta_out))
		best->status = BTYD_BOUNDARY;
}

/*
 * Fill a fit result from the optimiser's outcome.  A stationary point only
 * counts as converged if it is a proper maximum: the observed information
 * must be positive definite with no log-parameter standard error above
 * MAX_LOG_SE.  A flat direction (a parameter drifting towards 0 or infinity
 * with the likelihood levelling off, which can stop the optimiser anywhere
 * on the way) fails that and is reported as BTYD_BOUNDARY.
 */
static void
fit_finish(const Objective *obj, const double *theta, const MinResult *res,
		   int tried, BtydFit *out)
{
	int			i;

	objective_params(obj, theta, out->params);
	for (i = obj->nparams; i < 4; i++)
		out->params[i] = 0.0;
	out->log_likelihood = isfinite(res->f) ? -res->f / obj->weight : -INFINITY;
	out->grad_norm = res->gnorm;
	out->iterations = res->iterations;
	out->evaluations = obj->evaluations;
	out->starts = tried;
	out->status = obj->stopped ? BTYD_STOPPED : res->status;
	if (out->status == BTYD_CONVERGED)
	{
		/* the standard errors' check; the covariance stays in the fit */
		if (!btyd_mle_log_cov(obj->loglik, out->params, obj->nparams,
							  obj->obs, obj->n, out->log_cov))
			out->status = BTYD_BOUNDARY;
		else
		{
			for (i = 0; i < obj->nparams; i++)
			{
				if (!(sqrt(out->log_cov[i * obj->nparams + i]) <= MAX_LOG_SE))
					out->status = BTYD_BOUNDARY;
			}
		}
	}
	out->converged = out->status == BTYD_CONVERGED;
}

/* Run the multistart optimiser on a problem and fill the fit result (see optimise.h). */
void
btyd_mle_fit(const BtydMleProblem *prob, const BtydFitOptions *opts,
			 double starts[][BTYD_MAX_PARAMS], int nstarts, BtydFit *out)
{
	Objective	obj;
	double		theta[MAX_PARAMS];
	MinResult	res;
	int			tried = 0;

	memset(&obj, 0, sizeof(obj));
	obj.stop = opts->stop;
	obj.stop_arg = opts->stop_arg;
	obj.nparams = prob->nparams;
	obj.loglik = prob->loglik;
	obj.obs = prob->obs;
	obj.n = prob->n;
	obj.weight = prob->weight;
	memcpy(obj.scale, prob->scale, sizeof(obj.scale));
	memcpy(obj.upper, prob->upper, sizeof(obj.upper));
	fit_multistart(&obj, opts, starts, nstarts, theta, &res, &tried);
	fit_finish(&obj, theta, &res, tried, out);
}

/* ----------------------------------------------------------------------
 * Standard errors
 * ---------------------------------------------------------------------- */

/*
 * Covariance of the log-parameters: the observed information matrix
 * -d2 logL / dtheta2 by central differences (step 1e-5) of the analytic
 * gradient, symmetrised, inverted by Cholesky; cov[i * np + j] = (I^-1)_ij.
 */
bool
btyd_mle_log_cov(BtydLoglikFn loglik, const double *params, int np,
				 const void *obs, size_t n, double *cov)
{
	const double h = 1e-5;
	double		info[MAX_PARAMS][MAX_PARAMS];
	double		L[MAX_PARAMS][MAX_PARAMS];
	double		inv[MAX_PARAMS][MAX_PARAMS];
	int			i;
	int			j;
	int			k;

	for (k = 0; k < np; k++)
	{
		double		gp[MAX_PARAMS];
		double		gm[MAX_PARAMS];
		double		pp[MAX_PARAMS];
		double		pm[MAX_PARAMS];

		memcpy(pp, params, sizeof(double) * np);
		memcpy(pm, params, sizeof(double) * np);
		pp[k] *= exp(h);
		pm[k] *= exp(-h);
		loglik(pp, obs, n, gp);
		loglik(pm, obs, n, gm);
		for (i = 0; i < np; i++)
			info[i][k] = -(gp[i] - gm[i]) / (2.0 * h);
	}
	for (i = 0; i < np; i++)
		for (j = 0; j < i; j++)
			info[i][j] = info[j][i] = 0.5 * (info[i][j] + info[j][i]);

	/* Cholesky: info = L L' */
	memset(L, 0, sizeof(L));
	for (j = 0; j < np; j++)
	{
		double		s = info[j][j];

		for (k = 0; k < j; k++)
			s -= L[j][k] * L[j][k];
		if (!(s > 0.0) || !isfinite(s))
			return false;
		L[j][j] = sqrt(s);
		for (i = j + 1; i < np; i++)
		{
			double		t = info[i][j];

			for (k = 0; k < j; k++)
				t -= L[i][k] * L[j][k];
			L[i][j] = t / L[j][j];
		}
	}
	/* columns of the inverse: solve L L' x = e_k */
	for (k = 0; k < np; k++)
	{
		double		yv[MAX_PARAMS];

		for (i = 0; i < np; i++)
		{
			double		t = i == k ? 1.0 : 0.0;

			for (j = 0; j < i; j++)
				t -= L[i][j] * yv[j];
			yv[i] = t / L[i][i];
		}
		for (i = np - 1; i >= 0; i--)
		{
			double		t = yv[i];

			for (j = i + 1; j < np; j++)
				t -= L[j][i] * inv[j][k];
			inv[i][k] = t / L[i][i];
		}
	}
	for (i = 0; i < np; i++)
	{
		if (!(inv[i][i] > 0.0))
			return false;
		for (j = 0; j < np; j++)
		{
			if (!isfinite(inv[i][j]))
				return false;
			cov[i * np + j] = inv[i][j];
		}
	}
	return true;
}

/*
 * Standard errors of the log-parameters: se_i = sqrt((I^-1)_ii) of
 * btyd_mle_log_cov.
 */
bool
btyd_mle_log_se(BtydLoglikFn loglik, const double *params, int np,
				const void *obs, size_t n, double *se)
{
	double		cov[MAX_PARAMS * MAX_PARAMS];
	int			i;

	if (!btyd_mle_log_cov(loglik, params, np, obs, n, cov))
		return false;
	for (i = 0; i < np; i++)
		se[i] = sqrt(cov[i * np + i]);
	return true;
}

