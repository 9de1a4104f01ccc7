/*
 * paretonbd.c
 *		The Pareto/NBD model: likelihood (2F1, or quadrature with an
 *		analytic gradient for large r + s + x), maximum-likelihood fit
 *		(starting points, scales and bounds; the optimiser is optimise.c),
 *		probability alive and conditional expected purchases.
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.  docs/models.md gives the formulas (Fader & Hardie 2005, "A Note
 * on Deriving the Pareto/NBD Model and Related Expressions"); the comments
 * here say how each is evaluated.
 */
#include "paretonbd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compensated_sum.h"
#include "specfun.h"

/* Whether every parameter is finite and strictly positive. */
bool
btyd_pareto_params_valid(const BtydParetoParams *m)
{
	return isfinite(m->r) && m->r > 0.0 && isfinite(m->alpha) && m->alpha > 0.0 &&
		isfinite(m->s) && m->s > 0.0 && isfinite(m->beta) && m->beta > 0.0;
}

/*
 * log F(tau) = log 2F1(a, b; a+1; z) - a log(big + tau), z = (big - small) /
 * (big + tau), 1 - z = (small + tau) / (big + tau).  When b > 1 that 2F1
 * grows like (1 - z)^(1-b) as z -> 1 (small << big) and overflows for large
 * parameters; Euler's transformation
 *	2F1(a, b; a+1; z) = (1 - z)^(1-b) 2F1(1, a+1-b; a+1; z)
 * then leaves a 2F1 between 1 and a / (b - 1) (its c - a - b is b - 1 > 0)
 * and puts the growth in the logarithm.  False when 2F1 gives no positive
 * finite value.
 */
static bool
pareto_log_f(double a, double b, double big, double small, double tau,
			 double *lf)
{
	double		lbig = log(big + tau);
	double		z = (big - small) / (big + tau);
	double		f;

	if (b > 1.0)
	{
		f = btyd_hyp2f1(1.0, a + 1.0 - b, a + 1.0, z);
		if (!(isfinite(f) && f > 0.0))
			return false;
		*lf = (1.0 - b) * (log(small + tau) - lbig) + log(f) - a * lbig;
	}
	else
	{
		f = btyd_hyp2f1(a, b, a + 1.0, z);
		if (!(isfinite(f) && f > 0.0))
			return false;
		*lf = log(f) - a * lbig;
	}
	return true;
}

/*
 * Above this r + s + x the death-time integral is evaluated by quadrature
 * (pareto_log_dead_quad) instead of 2F1, whose series costs time linear in
 * r + s + x (about 3 us at 30, 0.6 ms at 12,000) when z is near 1.  At 40
 * both cost a few microseconds; the CDNOW fit stays on the series.
 */
#define PARETO_SERIES_MAX_A 40.0

/* Gauss-Kronrod 15-point rule on [-1, 1] (QUADPACK qk15): nodes, weights, Gauss 7 weights. */
static const double gk15_x[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0
};
static const double gk15_wk[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714
};
static const double gk15_wg[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327
};

/* The death-time integrand, scaled: see pareto_log_dead_quad. */
typedef struct ParetoDeathIntegrand
{
	double		R;				/* r + x */
	double		s1;				/* s + 1 */
	double		A;				/* alpha + t_x */
	double		B;				/* beta + t_x */
	double		alpha;
	double		beta;
	double		ell;			/* 1 / (R/A + s1/B), the initial e-folding time */
	int			nq;				/* components wanted: 1 (value) or 5 (and moments) */
} ParetoDeathIntegrand;

/* Components of the integral: the value, then its moments (pareto_log_dead_quad). */
#define PARETO_NQ 5

/*
 * The integrand exp(v - R log1p(u/A) - (s+1) log1p(u/B)) at u = ell
 * expm1(v) in q[0]; with d->nq = 5 also times log1p(u/A), alpha/(A+u),
 * log1p(u/B) and beta/(B+u) in q[1 .. 4].
 */
static inline void
pareto_death_integrand(const ParetoDeathIntegrand *d, double v, double *q)
{
	double		u = d->ell * expm1(v);
	double		la = log1p(u / d->A);
	double		lb = log1p(u / d->B);
	double		f = exp(v - d->R * la - d->s1 * lb);

	q[0] = f;
	if (d->nq > 1)
	{
		q[1] = f * la;
		q[2] = f * d->alpha / (d->A + u);
		q[3] = f * lb;
		q[4] = f * d->beta / (d->B + u);
	}
}

/*
 * Gauss-Kronrod 15 on [a, b]: the Kronrod estimates of the components in
 * k, and |Kronrod - Gauss 7| of the value as the error estimate.
 */
static double
pareto_gk15(const ParetoDeathIntegrand *d, double a, double b, double *k)
{
	double		c = 0.5 * (a + b);
	double		h = 0.5 * (b - a);
	double		q[PARETO_NQ];
	double		q2[PARETO_NQ];
	double		g;
	int			j;
	int			i;

	pareto_death_integrand(d, c, q);
	for (i = 0; i < d->nq; i++)
		k[i] = gk15_wk[7] * q[i];
	g = gk15_wg[3] * q[0];
	for (j = 0; j < 7; j++)
	{
		pareto_death_integrand(d, c - h * gk15_x[j], q);
		pareto_death_integrand(d, c + h * gk15_x[j], q2);
		for (i = 0; i < d->nq; i++)
			k[i] += gk15_wk[j] * (q[i] + q2[i]);
		if (j % 2 == 1)
			g += gk15_wg[j / 2] * (q[0] + q2[0]);
	}
	for (i = 0; i < d->nq; i++)
		k[i] *= h;
	return fabs(k[0] - g * h);
}

/*
 * Adaptive Gauss-Kronrod on [a, b], adding the components to sum: a panel
 * is accepted when the error estimate of its value is below tol (absolute)
 * or below 1e-14 of its value, or at depth 0 or once *budget (panels) is
 * spent; else it is halved.
 */
static void
pareto_gk15_adapt(const ParetoDeathIntegrand *d, double a, double b, double tol,
				  int depth, int *budget, double *sum)
{
	double		k[PARETO_NQ];
	double		err = pareto_gk15(d, a, b, k);
	int			i;

	(*budget)--;
	if (err <= tol || err <= 1e-14 * k[0] || depth <= 0 || *budget <= 0)
	{
		for (i = 0; i < d->nq; i++)
			sum[i] += k[i];
		return;
	}
	pareto_gk15_adapt(d, a, 0.5 * (a + b), 0.5 * tol, depth - 1, budget, sum);
	pareto_gk15_adapt(d, 0.5 * (a + b), b, 0.5 * tol, depth - 1, budget, sum);
}

/*
 * log of the death term by quadrature, for large r + s + x:
 *
 *	l_dead = log s + log integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau
 *
 * With tau = t_x + u the integrand is exp(g0 - Psi(u)), g0 its log at t_x
 * and Psi(u) = (r+x) log1p(u/A) + (s+1) log1p(u/B) (A = alpha + t_x,
 * B = beta + t_x) increasing and concave from 0: it falls like
 * exp(-u/ell) at first (ell = 1/Psi'(0)) and like a power of u later.  In
 * v = log1p(u/ell) (u = ell expm1(v), du = ell e^v dv) both regimes are
 * smooth on a range of a few units: the integral is ell times that of
 * exp(v - Psi(ell expm1(v))) over [0, log1p((T - t_x)/ell)], an integrand
 * that starts at 1 with slope 0 and decays.  Adaptive Gauss-Kronrod 15 on
 * panels of width at most 1, to a relative 1e-14 of the first sweep's sum
 * (at most 400 panels): its cost does not depend on r, s or x.  Validated
 * against 2F1 in test_paretonbd.c.  -Infinity when t_x = T.
 *
 * If dl is not NULL it receives the derivatives of l_dead with respect to
 * (log r, log alpha, log s, log beta) from the same nodes, as means over
 * the death time (E below) of the derivatives of the integrand's log:
 *	d/dlog r     = -r E[log(alpha+tau)]
 *	d/dlog alpha = -(r+x) E[alpha/(alpha+tau)]
 *	d/dlog s     = 1 - s E[log(beta+tau)]
 *	d/dlog beta  = -(s+1) E[beta/(beta+tau)]
 * except that dl[0] and dl[2] are those of l_dead + r log alpha + s log beta
 * (the likelihood's front terms), which cancel the large log(alpha) and
 * log(beta): log(alpha+tau) - log(alpha) = log1p(t_x/alpha) + log1p(u/A),
 * and the same for beta.
 */
static double
pareto_log_dead_quad(const BtydParetoParams *m, double x, double t_x, double T,
					 double *dl)
{
	ParetoDeathIntegrand d;
	double		V;
	double		sum[PARETO_NQ] = {0, 0, 0, 0, 0};
	double		first = 0.0;
	double		k[64][PARETO_NQ];
	double		err[64];
	int			npanels;
	int			budget = 400;
	int			i;
	int			c;

	d.R = m->r + x;
	d.s1 = m->s + 1.0;
	d.A = m->alpha + t_x;
	d.B = m->beta + t_x;
	d.alpha = m->alpha;
	d.beta = m->beta;
	d.ell = 1.0 / (d.R / d.A + d.s1 / d.B);
	d.nq = dl != NULL ? PARETO_NQ : 1;
	V = log1p((T - t_x) / d.ell);
	if (!(V > 0.0))
		return -INFINITY;
	npanels = (int) fmin(ceil(V), 64.0);
	/* first sweep: the scale of the integral, for the absolute tolerance */
	for (i = 0; i < npanels; i++)
	{
		err[i] = pareto_gk15(&d, V * i / npanels, V * (i + 1) / npanels, k[i]);
		first += k[i][0];
	}
	for (i = 0; i < npanels; i++)
	{
		double		a = V * i / npanels;
		double		b = V * (i + 1) / npanels;
		double		tol = 1e-14 * first / npanels;

		if (err[i] <= tol || err[i] <= 1e-14 * k[i][0])
		{
			for (c = 0; c < d.nq; c++)
				sum[c] += k[i][c];
		}
		else
		{
			pareto_gk15_adapt(&d, a, 0.5 * (a + b), 0.5 * tol, 30, &budget, sum);
			pareto_gk15_adapt(&d, 0.5 * (a + b), b, 0.5 * tol, 30, &budget, sum);
		}
	}
	if (dl != NULL)
	{
		/* relative to alpha and beta, as the likelihood's front terms cancel them */
		dl[0] = -m->r * (log1p(t_x / m->alpha) + sum[1] / sum[0]);
		dl[1] = -d.R * sum[2] / sum[0];
		dl[2] = 1.0 - m->s * (log1p(t_x / m->beta) + sum[3] / sum[0]);
		dl[3] = -d.s1 * sum[4] / sum[0];
	}
	return log(m->s) - d.R * log(d.A) - d.s1 * log(d.B) + log(d.ell) + log(sum[0]);
}

/*
 * The death term of the likelihood by 2F1 (see pareto_terms), NaN when
 * 2F1 cannot be evaluated.  *lf_tx is log F(t_x): computed here when NaN,
 * reused otherwise (the dormant-age search moves only T).
 */
static double
pareto_log_dead_series(const BtydParetoParams *m, double x, double t_x, double T,
					   double *lf_tx)
{
	const double a = m->r + m->s + x;
	double		big;
	double		small;
	double		b;
	double		lf2;

	if (m->alpha >= m->beta)
	{
		big = m->alpha;
		small = m->beta;
		b = m->s + 1.0;
	}
	else
	{
		big = m->beta;
		small = m->alpha;
		b = m->r + x;
	}
	if (isnan(*lf_tx) && !pareto_log_f(a, b, big, small, t_x, lf_tx))
		*lf_tx = NAN;
	if (isnan(*lf_tx) || !pareto_log_f(a, b, big, small, T, &lf2))
		return NAN;
	/* rounding when t_x is all but T: nothing measurable died between */
	if (!(lf2 < *lf_tx))
		return -INFINITY;
	return log(m->s) - log(a) + *lf_tx + log(-expm1(lf2 - *lf_tx));
}

/*
 * btyd_pareto_log_dead by the method asked for, with the series' log F(t_x)
 * kept in *lf_tx (NaN: not yet computed).
 */
static double
pareto_log_dead_m(const BtydParetoParams *m, double x, double t_x, double T,
				  BtydParetoMethod method, double *lf_tx)
{
	if (!(t_x < T))
		return -INFINITY;
	if (method == BTYD_PARETO_QUADRATURE ||
		(method == BTYD_PARETO_AUTO && m->r + m->s + x > PARETO_SERIES_MAX_A))
		return pareto_log_dead_quad(m, x, t_x, T, NULL);
	return pareto_log_dead_series(m, x, t_x, T, lf_tx);
}

/*
 * The death term log(s A0 / (r+s+x)) of pareto_terms by the method asked
 * for (BTYD_PARETO_AUTO: 2F1 up to r + s + x = PARETO_SERIES_MAX_A,
 * quadrature above); -Infinity when t_x >= T, NaN when it cannot be
 * evaluated.
 */
double
btyd_pareto_log_dead(const BtydParetoParams *m, double x, double t_x, double T,
					 BtydParetoMethod method)
{
	double		lf_tx = NAN;

	return pareto_log_dead_m(m, x, t_x, T, method, &lf_tx);
}

/*
 * The two logarithms whose exponentials make up the likelihood of (x, t_x,
 * T), less the common factor Gamma(r+x)/Gamma(r) alpha^r beta^s:
 *
 *	*l_alive = -(r+x) log(alpha+T) - s log(beta+T)
 *		the customer is alive at T;
 *	*l_dead  = log(s / (r+s+x)) + log A0
 *		the customer died between t_x and T, with (note, eq. 22)
 *	A0 = F(t_x) - F(T),
 *	F(tau) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+tau)) / (alpha+tau)^(r+s+x)
 *		when alpha >= beta,
 *	F(tau) = 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+tau)) / (beta+tau)^(r+s+x)
 *		otherwise,
 * so that the argument of 2F1 always lies in [0, 1) (and its growth near 1
 * is taken in logs: pareto_log_f).  A0 is the integral
 * over the death time tau in (t_x, T) of (r+s+x)(alpha+tau)^-(r+x)
 * (beta+tau)^-(s+1): positive, and F decreasing.  It is formed in logs,
 * log F(t_x) + log(-expm1(log F(T) - log F(t_x))), so nothing overflows;
 * the difference only loses digits when t_x is close to T, where A0 is
 * small beside the alive term anyway.  Above r + s + x =
 * PARETO_SERIES_MAX_A the integral is evaluated directly by quadrature
 * (pareto_log_dead_quad), whose cost does not grow with r + s + x.
 * *l_dead is -Infinity when t_x = T.  Returns false when it cannot be
 * evaluated.
 */
static bool
pareto_terms(const BtydParetoParams *m, double x, double t_x, double T,
			 double *l_alive, double *l_dead)
{
	*l_alive = -(m->r + x) * log(m->alpha + T) - m->s * log(m->beta + T);
	*l_dead = btyd_pareto_log_dead(m, x, t_x, T, BTYD_PARETO_AUTO);
	return !isnan(*l_dead);
}

/* log(exp(u) + exp(v)) without overflow; u or v may be -Infinity. */
static double
log_add_exp(double u, double v)
{
	double		hi = fmax(u, v);

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(fmin(u, v) - hi));
}

/* Log-likelihood of one customer with the death term by the given method. */
static double
pareto_loglik_one_m(const BtydParetoParams *m, double x, double t_x, double T,
					BtydParetoMethod method)
{
	double		l_alive = -(m->r + x) * log(m->alpha + T) - m->s * log(m->beta + T);
	double		l_dead = btyd_pareto_log_dead(m, x, t_x, T, method);

	if (isnan(l_dead))
		return NAN;
	return btyd_lgamma_diff(m->r, x) + m->r * log(m->alpha) + m->s * log(m->beta)
		+ log_add_exp(l_alive, l_dead);
}

/*
 * Log-likelihood of one customer: log Gamma(r+x) - log Gamma(r) + r log alpha
 * + s log beta + log(exp(l_alive) + exp(l_dead)) (note, eq. 22).
 */
double
btyd_pareto_loglik_one(const BtydParetoParams *m, double x, double t_x, double T)
{
	return pareto_loglik_one_m(m, x, t_x, T, BTYD_PARETO_AUTO);
}

/*
 * Log-likelihood of one customer and its gradient g with respect to the
 * log-parameters, the death term by quadrature (pareto_log_dead_quad) at
 * any r + s + x: the alive and death terms' derivatives weighted by their
 * shares of the likelihood, the death term's from the quadrature's own
 * nodes, plus r (psi(r+x) - psi(r)) for log Gamma(r+x)/Gamma(r).  One
 * quadrature gives the value and the four derivatives; 2F1 has no
 * convenient derivatives in its parameters, and its series, taken by central
 * differences (eight more likelihoods, sixteen more 2F1), cost the fit of
 * 100,000 demo customers 54 s where they ran to thousands of terms (z near
 * 1: alpha or beta far above t_x).  NaN when it cannot be evaluated.
 */
static double
pareto_loglik_one_grad(const BtydParetoParams *m, double x, double t_x, double T,
					   double *g)
{
	const double r = m->r;
	const double alpha = m->alpha;
	const double s = m->s;
	const double beta = m->beta;
	double		la;				/* l_alive + r log alpha + s log beta */
	double		ld;				/* l_dead + r log alpha + s log beta */
	double		dd[4] = {0, 0, 0, 0};
	double		pa;
	double		pd;

	la = -r * log1p(T / alpha) - x * log(alpha + T) - s * log1p(T / beta);
	if (t_x < T)
	{
		ld = pareto_log_dead_quad(m, x, t_x, T, dd);
		if (isnan(ld))
			return NAN;
		ld += r * log(alpha) + s * log(beta);
	}
	else
		ld = -INFINITY;
	/* shares of the alive and death terms in the likelihood */
	if (ld - la > 0.0)
	{
		pa = exp(la - ld) / (1.0 + exp(la - ld));
		pd = 1.0 / (1.0 + exp(la - ld));
	}
	else
	{
		pa = 1.0 / (1.0 + exp(ld - la));
		pd = exp(ld - la) / (1.0 + exp(ld - la));
	}
	g[0] = r * btyd_digamma_diff(r, x) + pa * (-r * log1p(T / alpha)) + pd * dd[0];
	g[1] = r + pa * (-(r + x) * alpha / (alpha + T)) + pd * dd[1];
	g[2] = pa * (-s * log1p(T / beta)) + pd * dd[2];
	g[3] = s + pa * (-s * beta / (beta + T)) + pd * dd[3];
	return btyd_lgamma_diff(r, x) + log_add_exp(la, ld);
}

/*
 * What the optimiser's callback sees as its observations: the compacted
 * observations and the stop callback, asked every PARETO_STOP_EVERY
 * observations within one evaluation (each up to tens of milliseconds on
 * a large segment).
 */
typedef struct ParetoWork
{
	const BtydBgnbdObs *obs;
	BtydStopFn	stop;			/* NULL: never stop */
	void	   *stop_arg;
	bool	   *stopped;		/* set when stop said so */
} ParetoWork;

#define PARETO_STOP_EVERY 256

/*
 * The summed log-likelihood alone (NaN as soon as one term is not finite,
 * or when the stop callback of w, if any, says stop), the death terms by
 * quadrature, as with the gradient (pareto_loglik_one_grad): the optimiser
 * compares values of both.
 */
static double
pareto_loglik_sum_w(const BtydParetoParams *m, const ParetoWork *w, size_t n)
{
	const BtydBgnbdObs *obs = w->obs;
	CompensatedSum	ll = {0, 0};
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		l;

		if (w->stop != NULL && i % PARETO_STOP_EVERY == PARETO_STOP_EVERY - 1)
		{
			if (*w->stopped || w->stop(w->stop_arg))
			{
				*w->stopped = true;
				return NAN;
			}
		}
		l = pareto_loglik_one_m(m, obs[i].x, obs[i].t_x, obs[i].T, BTYD_PARETO_QUADRATURE);
		if (!isfinite(l))
			return NAN;
		compensated_sum_add(&ll, (double) obs[i].count * l);
	}
	return compensated_sum_value(&ll);
}

/*
 * Log-likelihood and, if grad is not NULL, its gradient with respect to the
 * log-parameters, summed over the customers of pareto_loglik_one_grad
 * (analytic, from the quadrature of each death term).  The stop callback
 * of w is asked every PARETO_STOP_EVERY customers.
 */
static double
pareto_loglik_w(const BtydParetoParams *m, const ParetoWork *w, size_t n, double *grad)
{
	const BtydBgnbdObs *obs = w->obs;
	CompensatedSum	ll = {0, 0};
	CompensatedSum	gs[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
	size_t		i;
	int			k;

	if (grad == NULL)
		return pareto_loglik_sum_w(m, w, n);
	for (i = 0; i < n; i++)
	{
		double		g[4];
		double		l;
		double		c = (double) obs[i].count;

		if (w->stop != NULL && i % PARETO_STOP_EVERY == PARETO_STOP_EVERY - 1)
		{
			if (*w->stopped || w->stop(w->stop_arg))
			{
				*w->stopped = true;
				return NAN;
			}
		}
		l = pareto_loglik_one_grad(m, obs[i].x, obs[i].t_x, obs[i].T, g);
		if (!isfinite(l))
			return NAN;
		compensated_sum_add(&ll, c * l);
		for (k = 0; k < 4; k++)
			compensated_sum_add(&gs[k], c * g[k]);
	}
	for (k = 0; k < 4; k++)
		grad[k] = compensated_sum_value(&gs[k]);
	return compensated_sum_value(&ll);
}

double
btyd_pareto_loglik(const BtydParetoParams *m, const BtydBgnbdObs *obs,
				   size_t n, double *grad)
{
	bool		stopped = false;
	ParetoWork	w = {obs, NULL, NULL, &stopped};

	return pareto_loglik_w(m, &w, n, grad);
}

/* btyd_pareto_loglik at the parameter vector (r, alpha, s, beta): the optimiser's view. */
static double
pareto_loglik_vec(const double *params, const void *work, size_t n, double *grad)
{
	BtydParetoParams m = {params[0], params[1], params[2], params[3]};

	return pareto_loglik_w(&m, (const ParetoWork *) work, n, grad);
}

/*
 * Covariance of (log r, log alpha, log s, log beta), row-major 4 x 4, from
 * the observed information (differences of the numerical gradient).
 */
bool
btyd_pareto_log_cov(const BtydParetoParams *m, const BtydBgnbdObs *obs,
					size_t n, double cov[16])
{
	double		params[4] = {m->r, m->alpha, m->s, m->beta};
	bool		stopped = false;
	ParetoWork	w = {obs, NULL, NULL, &stopped};

	return btyd_mle_log_cov(pareto_loglik_vec, params, 4, &w, n, cov);
}

/*
 * Fit Pareto/NBD.  Scales: the mean age for alpha and beta.  Starting
 * points, all with the mean purchase rate r/alpha equal to mean(x)/mean(T):
 * (r, s, beta / mean T) = (1, 1, 1), then (0.5, 0.5, 0.3), then (2, 2, 3).
 * As for BG/NBD, with no repeat purchase at all the maximum does not exist;
 * the fit returns finite numbers flagged BTYD_NO_REPEAT.
 */
bool
btyd_pareto_fit(const BtydBgnbdObs *obs, size_t n, const BtydFitOptions *opts,
				BtydFit *out)
{
	static const double rsb[3][3] = {{1.0, 1.0, 1.0}, {0.5, 0.5, 0.3}, {2.0, 2.0, 3.0}};
	BtydFitOptions defaults;
	BtydBgnbdObs *work;
	BtydMleProblem prob;
	ParetoWork	w;
	bool		stopped = false;
	double		starts[3][BTYD_MAX_PARAMS];
	double		customers;
	double		sum_x;
	double		sum_T;
	double		xbar;
	size_t		nw;
	int			k;

	if (opts == NULL)
	{
		btyd_fit_options_default(&defaults);
		opts = &defaults;
	}
	if (!btyd_bgnbd_fit_sample(obs, n, out, &work, &nw, &customers, &sum_x, &sum_T))
		return false;
	if (customers <= 0.0)
	{
		free(work);
		return true;
	}

	w.obs = work;
	w.stop = opts->stop;
	w.stop_arg = opts->stop_arg;
	w.stopped = &stopped;
	memset(&prob, 0, sizeof(prob));
	prob.loglik = pareto_loglik_vec;
	prob.obs = &w;
	prob.n = nw;
	prob.nparams = 4;
	prob.weight = 1.0 / customers;
	prob.scale[0] = prob.scale[2] = 1.0;
	prob.scale[1] = prob.scale[3] = sum_T > 0.0 ? sum_T / customers : 1.0;
	prob.upper[0] = prob.upper[2] = BTYD_PARETO_MAX_SHAPE;

	xbar = fmax(sum_x / customers, 0.01);
	for (k = 0; k < 3; k++)
	{
		starts[k][0] = log(rsb[k][0]);
		starts[k][1] = log(rsb[k][0] / xbar);
		starts[k][2] = log(rsb[k][1]);
		starts[k][3] = log(rsb[k][2]);
	}
	btyd_mle_fit(&prob, opts, starts, 3, out);
	if (stopped)
	{
		/* stopped within an evaluation, perhaps the last one */
		out->status = BTYD_STOPPED;
		out->converged = false;
	}
	if (sum_x == 0.0 && out->status != BTYD_STOPPED)
	{
		out->status = BTYD_NO_REPEAT;
		out->converged = false;
	}
	free(work);
	return true;
}

/*
 * P(alive | x, t_x, T) = 1 / (1 + exp(l_dead - l_alive)) (note, eq. 18:
 * [1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0]^-1), as a logistic function
 * so that it neither overflows nor loses the small side.  NaN when 2F1
 * cannot be evaluated.
 */
double
btyd_pareto_p_alive(const BtydParetoParams *m, double x, double t_x, double T)
{
	double		l_alive;
	double		l_dead;
	double		d;

	if (!pareto_terms(m, x, t_x, T, &l_alive, &l_dead))
		return NAN;
	d = l_dead - l_alive;
	if (d == -INFINITY)
		return 1.0;
	if (d > 0.0)
		return exp(-d) / (1.0 + exp(-d));
	return 1.0 / (1.0 + exp(d));
}

/*
 * The log-odds of death at age T, l_dead - l_alive (P(alive) = 1 / (1 +
 * exp of it)), and its derivative in T in *slope: exp(l_dead) is the
 * integral up to T of s (alpha+tau)^-(r+x) (beta+tau)^-(s+1), so l_dead
 * grows by that integrand over exp(l_dead), and -l_alive by (r+x)/(alpha+T)
 * + s/(beta+T).  *lf_tx as in pareto_log_dead_m.  NaN when it cannot be
 * evaluated.
 */
static double
pareto_death_log_odds(const BtydParetoParams *m, double x, double t_x, double T,
					  double *lf_tx, double *slope)
{
	double		la = -(m->r + x) * log(m->alpha + T) - m->s * log(m->beta + T);
	double		ld = pareto_log_dead_m(m, x, t_x, T, BTYD_PARETO_AUTO, lf_tx);

	*slope = exp(log(m->s) - (m->r + x) * log(m->alpha + T) - (m->s + 1.0) * log(m->beta + T) - ld)
		+ (m->r + x) / (m->alpha + T) + m->s / (m->beta + T);
	return ld - la;
}

/*
 * The age T at which P(alive) falls to `threshold` if no purchase comes
 * after the last one (at t_x).  Under Pareto/NBD P(alive) decreases in T
 * from 1 at T = t_x for every x (a customer may drop out before the first
 * repeat purchase too), so its log-odds of death g rise from -Infinity.
 * The age is found by Newton's method on g as a function of the log of the
 * silence T - t_x, in which g is close to linear for long silences (there
 * it grows like (r+s+x) log T), from a silence of one unit, within the
 * bracket of the points evaluated so far: bisection where a step would
 * leave it (doubling the silence while no point is past the threshold),
 * to a relative 1e-12.  Each step is one P(alive), with 2F1 at t_x
 * computed once: a tenth of the time of doubling and bisection, which
 * took some 45 steps with 2F1 twice each (the same ages to 1e-12).  t_x for a threshold of 1 or more;
 * INFINITY for one of 0 or less, or beyond an age of 1e12 units; NaN when
 * P(alive) cannot be evaluated.
 */
double
btyd_pareto_dormant_age(const BtydParetoParams *m, double x, double t_x, double threshold)
{
	double		target;			/* the log-odds of death at the threshold */
	double		lf_tx = NAN;
	double		lo = t_x;		/* g <= 0 here */
	double		hi = INFINITY;	/* g > 0 here */
	double		T = t_x + 1.0;
	int			i;

	if (threshold >= 1.0)
		return t_x;
	if (threshold <= 0.0)
		return INFINITY;
	target = log1p(-threshold) - log(threshold);
	for (i = 0; i < 300; i++)
	{
		double		slope;
		double		g = pareto_death_log_odds(m, x, t_x, T, &lf_tx, &slope) - target;
		double		next;

		if (isnan(g))
			return NAN;
		if (g > 0.0)
			hi = T;
		else if (T - t_x >= 1e12)
			return INFINITY;
		else
			lo = T;
		if (hi < INFINITY && hi - lo <= 1e-12 * hi)
			return hi;
		/* Newton in log(T - t_x): d g / d log(T - t_x) = slope (T - t_x) */
		next = t_x + (T - t_x) * exp(-g / (slope * (T - t_x)));
		if (!(next > lo && next < hi))
			next = isinf(hi) ? t_x + 2.0 * (lo - t_x) + 1.0 : lo + (hi - lo) / 2.0;
		else if (fabs(next - T) <= 1e-13 * next)
			return next;		/* converged */
		T = fmin(next, t_x + 1e12);
	}
	return hi;
}

/*
 * The integrand of btyd_pareto_p_purchase in w: the posterior probability
 * that the customer is still alive at the time tau(w) of a purchase,
 * (B/(B+tau))^s, with tau = A expm1(-log1p(-w)/R).
 */
static double
pareto_purchase_integrand(double w, double R, double A, double B, double s)
{
	double		tau;

	if (w >= 1.0)
		return 0.0;
	tau = A * expm1(-log1p(-w) / R);
	return exp(-s * log1p(tau / B));
}

/*
 * Adaptive Simpson on [a, b] to absolute tolerance tol, limited in depth
 * and in integrand evaluations (*budget; a panel over budget takes its
 * Richardson-corrected estimate as it is).
 */
static double
pareto_simpson(double a, double b, double fa, double fm, double fb, double whole,
			   double tol, int depth, int *budget, double R, double A, double B, double s)
{
	double		m = 0.5 * (a + b);
	double		lm = 0.5 * (a + m);
	double		rm = 0.5 * (m + b);
	double		flm = pareto_purchase_integrand(lm, R, A, B, s);
	double		frm = pareto_purchase_integrand(rm, R, A, B, s);
	double		left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
	double		right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
	double		delta = left + right - whole;

	*budget -= 2;
	if (depth <= 0 || *budget <= 0 || fabs(delta) <= 15.0 * tol)
		return left + right + delta / 15.0;
	return pareto_simpson(a, m, fa, flm, fm, left, tol / 2.0, depth - 1, budget, R, A, B, s)
		+ pareto_simpson(m, b, fm, frm, fb, right, tol / 2.0, depth - 1, budget, R, A, B, s);
}

/*
 * P(X(T, T+t] >= 1 | x, t_x, T).  Given alive at T, lambda ~ Gamma(R, A)
 * and mu ~ Gamma(s, B) independently, with R = r+x, A = alpha+T,
 * B = beta+T; a customer with (lambda, mu) makes a first purchase in
 * (T, T+t] before dropping out with probability
 * integral_0^t lambda e^-(lambda+mu) tau dtau, so
 *
 *	P = P(alive) integral_0^t (R/A) (A/(A+tau))^(R+1) (B/(B+tau))^s dtau
 *
 * In w = 1 - (A/(A+tau))^R this is integral_0^W (B/(B+tau(w)))^s dw with
 * W = 1 - (A/(A+t))^R: the NBD's probability of a purchase, thinned by the
 * chance of dying first.  The integrand lies in (0, 1] and decreases;
 * adaptive Simpson to 1e-12.  NaN when P(alive) cannot be evaluated.
 */
double
btyd_pareto_p_purchase(const BtydParetoParams *m, double t, double x, double t_x, double T)
{
	double		R = m->r + x;
	double		A = m->alpha + T;
	double		B = m->beta + T;
	double		W;
	double		fa;
	double		fm;
	double		fb;
	double		p_alive;
	int			budget = 20000;

	if (!(t > 0.0))
		return 0.0;
	p_alive = btyd_pareto_p_alive(m, x, t_x, T);
	if (isnan(p_alive))
		return NAN;
	W = -expm1(-R * log1p(t / A));
	fa = 1.0;
	fm = pareto_purchase_integrand(0.5 * W, R, A, B, m->s);
	fb = pareto_purchase_integrand(W, R, A, B, m->s);
	return p_alive * pareto_simpson(0.0, W, fa, fm, fb, W / 6.0 * (fa + 4.0 * fm + fb),
									1e-12, 40, &budget, R, A, B, m->s);
}

/*
 * E[Y(t) | x, t_x, T] = P(alive) (r+x)(beta+T) / ((alpha+T)(s-1))
 *		[1 - ((beta+T)/(beta+T+t))^(s-1)]
 * (note, eq. 20).  With u = log1p(t/(beta+T)) the bracket over s - 1 is
 * -expm1(-(s-1) u) / (s-1), continuous at s = 1 where it is u.
 */
double
btyd_pareto_expected(const BtydParetoParams *m, double t, double x, double t_x,
					 double T)
{
	double		u;
	double		g;
	double		sm1 = m->s - 1.0;

	if (t <= 0.0)
		return 0.0;
	u = log1p(t / (m->beta + T));
	if (fabs(sm1 * u) < 1e-300)
		g = u;
	else
		g = -expm1(-sm1 * u) / sm1;
	return btyd_pareto_p_alive(m, x, t_x, T) * (m->r + x) * (m->beta + T) / (m->alpha + T) * g;
}
