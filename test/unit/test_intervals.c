/*
 * test_intervals.c
 *		Unit tests of the per-customer forecast intervals (src/core/
 *		intervals.c), of the covariance of the fitted parameters
 *		(btyd_*_log_cov) and of the Pareto/NBD probability of a purchase
 *		ahead (btyd_pareto_p_purchase), without a server.  Prints TAP.
 *
 * Each check is against something computed another way:
 *
 * 1. The numerical gradients of the forecasts (five-point differences in
 *    the log-parameters) against analytic ones where the closed form has a
 *    simple derivative (the log-odds of the BG/NBD P(alive), the log of the
 *    Gamma-Gamma expected spend), and against plain two-point differences of
 *    the closed forms with a smaller step where it has not (expected
 *    purchases, Pareto/NBD P(alive)).
 * 2. The covariance's diagonal against the standard errors (the same
 *    matrix) and the Pareto/NBD covariance against a numerical Hessian of
 *    the log-likelihood's values on CDNOW.
 * 3. On CDNOW, the delta-method intervals against intervals from 4,000
 *    parameter vectors drawn from the normal approximation (fixed seed):
 *    the 2.5% and 97.5% quantiles of the forecast over the draws.
 * 4. Coverage: 200 data sets simulated from known BG/NBD parameters, each
 *    fitted; the 95% intervals of P(alive) and of expected purchases of
 *    fixed customers must cover their values at the true parameters in 90%
 *    to 99% of the sets.
 * 5. The Pareto/NBD probability of a purchase in (T, T+t] against a Monte
 *    Carlo simulation of the posterior process (rates drawn, first purchase
 *    and death times drawn), and its limits.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "btyd.h"
#include "intervals.h"
#include "paretonbd.h"
#include "btyd_sim.h"
#include "cdnow.h"

/* ---------------------------------------------------------------------- */

typedef struct Cust
{
	double		x;
	double		t_x;
	double		T;
	double		t;
	double		m;
} Cust;

static double
f_logit_bg(const double *p, const void *arg)
{
	const Cust *c = arg;
	BtydBgnbdParams bg = {p[0], p[1], p[2], p[3]};
	double		v = btyd_bgnbd_p_alive(&bg, c->x, c->t_x, c->T);

	return log(v) - log1p(-v);
}

static double
f_log_exp_bg(const double *p, const void *arg)
{
	const Cust *c = arg;
	BtydBgnbdParams bg = {p[0], p[1], p[2], p[3]};

	return log(btyd_bgnbd_expected(&bg, c->t, c->x, c->t_x, c->T));
}

static double
f_logit_pn(const double *p, const void *arg)
{
	const Cust *c = arg;
	BtydParetoParams pn = {p[0], p[1], p[2], p[3]};
	double		v = btyd_pareto_p_alive(&pn, c->x, c->t_x, c->T);

	return log(v) - log1p(-v);
}

static double
f_log_exp_pn(const double *p, const void *arg)
{
	const Cust *c = arg;
	BtydParetoParams pn = {p[0], p[1], p[2], p[3]};

	return log(btyd_pareto_expected(&pn, c->t, c->x, c->t_x, c->T));
}

static double
f_log_spend(const double *p, const void *arg)
{
	const Cust *c = arg;
	BtydGgParams gg = {p[0], p[1], p[2]};

	return log(btyd_gg_expected_spend(&gg, c->x, c->m));
}

/* Plain two-point central differences in the log-parameters. */
static void
two_point(BtydParamFn f, const void *arg, const double *params, int np, double h, double *g)
{
	double		q[4];
	int			k;

	for (k = 0; k < np; k++)
	{
		double		fp;

		memcpy(q, params, sizeof(double) * np);
		q[k] = params[k] * exp(h);
		fp = f(q, arg);
		q[k] = params[k] * exp(-h);
		g[k] = (fp - f(q, arg)) / (2.0 * h);
	}
}

static void
test_gradients(void)
{
	const double bg[4] = {0.243, 4.414, 0.793, 2.426};
	const double pn[4] = {0.553, 10.58, 0.606, 11.67};
	const double gg[3] = {6.25, 3.74, 15.44};
	const Cust	cs[4] = {{2, 30.43, 38.86, 39, 25}, {1, 1, 60, 39, 10}, {10, 50, 52, 5, 80}, {0, 0, 20, 52, 0}};
	double		worst_a = 0.0;
	double		worst_s = 0.0;
	double		worst_n = 0.0;
	int			i;
	int			k;

	for (i = 0; i < 4; i++)
	{
		const Cust *c = &cs[i];
		double		g[4];
		double		h[4];

		/* log-odds of the BG/NBD P(alive): -(log a - log(b+x-1) + (r+x) log((alpha+T)/(alpha+t_x))) */
		if (c->x > 0)
		{
			double		an[4];

			ok(btyd_log_gradient(f_logit_bg, c, bg, 4, 1e-3, g), "BG/NBD log-odds gradient computed (x=%.0f)", c->x);
			an[0] = -bg[0] * log((bg[1] + c->T) / (bg[1] + c->t_x));
			an[1] = -bg[1] * (bg[0] + c->x) * (1.0 / (bg[1] + c->T) - 1.0 / (bg[1] + c->t_x));
			an[2] = -1.0;
			an[3] = bg[3] / (bg[3] + c->x - 1.0);
			for (k = 0; k < 4; k++)
				worst_a = fmax(worst_a, fabs(g[k] - an[k]) / fmax(1.0, fabs(an[k])));
		}
		/* log of the expected spend: log p + log(v + x m) - log(p x + q - 1) */
		{
			double		an[3];

			btyd_log_gradient(f_log_spend, c, gg, 3, 1e-3, g);
			an[0] = 1.0 - gg[0] * c->x / (gg[0] * c->x + gg[1] - 1.0);
			an[1] = -gg[1] / (gg[0] * c->x + gg[1] - 1.0);
			an[2] = gg[2] / (gg[2] + c->x * c->m);
			for (k = 0; k < 3; k++)
				worst_s = fmax(worst_s, fabs(g[k] - an[k]) / fmax(1.0, fabs(an[k])));
		}
		/* no simple derivative: two-point differences with a small step */
		btyd_log_gradient(f_log_exp_bg, c, bg, 4, 1e-3, g);
		two_point(f_log_exp_bg, c, bg, 4, 1e-5, h);
		for (k = 0; k < 4; k++)
			worst_n = fmax(worst_n, fabs(g[k] - h[k]) / fmax(1.0, fabs(h[k])));
		btyd_log_gradient(f_log_exp_pn, c, pn, 4, 1e-3, g);
		two_point(f_log_exp_pn, c, pn, 4, 1e-5, h);
		for (k = 0; k < 4; k++)
			worst_n = fmax(worst_n, fabs(g[k] - h[k]) / fmax(1.0, fabs(h[k])));
		btyd_log_gradient(f_logit_pn, c, pn, 4, 1e-3, g);
		two_point(f_logit_pn, c, pn, 4, 1e-5, h);
		for (k = 0; k < 4; k++)
			worst_n = fmax(worst_n, fabs(g[k] - h[k]) / fmax(1.0, fabs(h[k])));
	}
	ok(worst_a < 1e-9, "BG/NBD log-odds of P(alive): numerical gradient = analytic (worst %.2g)", worst_a);
	ok(worst_s < 1e-9, "Gamma-Gamma log expected spend: numerical gradient = analytic (worst %.2g)", worst_s);
	ok(worst_n < 1e-7, "expected purchases (both models) and Pareto/NBD log-odds: five-point gradient = two-point differences of the closed forms (worst %.2g)", worst_n);
}

/* ---------------------------------------------------------------------- */

/* Cholesky of a positive definite n x n row-major matrix into L (lower). */
static bool
cholesky(const double *a, int n, double *L)
{
	int			i;
	int			j;
	int			k;

	memset(L, 0, sizeof(double) * n * n);
	for (j = 0; j < n; j++)
	{
		double		s = a[j * n + j];

		for (k = 0; k < j; k++)
			s -= L[j * n + k] * L[j * n + k];
		if (!(s > 0.0))
			return false;
		L[j * n + j] = sqrt(s);
		for (i = j + 1; i < n; i++)
		{
			double		t = a[i * n + j];

			for (k = 0; k < j; k++)
				t -= L[i * n + k] * L[j * n + k];
			L[i * n + j] = t / L[j * n + j];
		}
	}
	return true;
}

/* A standard normal variate (Box-Muller). */
static double
normal(BtydRng *rng)
{
	double		u1 = btyd_rng_uniform(rng);
	double		u2 = btyd_rng_uniform(rng);

	if (u1 <= 0.0)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

#define DRAWS 4000

/*
 * Draws-based interval of a forecast f: the 2.5% and 97.5% quantiles over
 * DRAWS parameter vectors exp(log params + L z).
 */
static void
draws_interval(double (*forecast) (const double *p, const Cust *c), const Cust *c,
			   const double *params, const double *L, int np, BtydRng *rng,
			   double *lo, double *hi)
{
	static double vals[DRAWS];
	int			d;
	int			i;
	int			k;

	for (d = 0; d < DRAWS; d++)
	{
		double		z[4];
		double		q[4];

		for (k = 0; k < np; k++)
			z[k] = normal(rng);
		for (i = 0; i < np; i++)
		{
			double		s = 0.0;

			for (k = 0; k <= i; k++)
				s += L[i * np + k] * z[k];
			q[i] = params[i] * exp(s);
		}
		vals[d] = forecast(q, c);
	}
	qsort(vals, DRAWS, sizeof(double), cmp_double);
	*lo = vals[(int) (0.025 * DRAWS)];
	*hi = vals[(int) (0.975 * DRAWS) - 1];
}

static double
fc_p_alive_bg(const double *p, const Cust *c)
{
	BtydBgnbdParams bg = {p[0], p[1], p[2], p[3]};

	return btyd_bgnbd_p_alive(&bg, c->x, c->t_x, c->T);
}

static double
fc_exp_bg(const double *p, const Cust *c)
{
	BtydBgnbdParams bg = {p[0], p[1], p[2], p[3]};

	return btyd_bgnbd_expected(&bg, c->t, c->x, c->t_x, c->T);
}

static double
fc_p_alive_pn(const double *p, const Cust *c)
{
	BtydParetoParams pn = {p[0], p[1], p[2], p[3]};

	return btyd_pareto_p_alive(&pn, c->x, c->t_x, c->T);
}

static double
fc_exp_pn(const double *p, const Cust *c)
{
	BtydParetoParams pn = {p[0], p[1], p[2], p[3]};

	return btyd_pareto_expected(&pn, c->t, c->x, c->t_x, c->T);
}

/* Numerical Hessian of the Pareto/NBD log-likelihood values (natural scale). */
static double
pn_ll(const double *th, const BtydBgnbdObs *obs, size_t n)
{
	BtydParetoParams m = {th[0], th[1], th[2], th[3]};

	return btyd_pareto_loglik(&m, obs, n, NULL);
}

static bool
invert4(double a[4][4], double inv[4][4])
{
	double		m[4][8];
	int			i;
	int			j;
	int			k;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			m[i][j] = j < 4 ? a[i][j] : (j - 4 == i ? 1.0 : 0.0);
	for (k = 0; k < 4; k++)
	{
		int			piv = k;
		double		t;

		for (i = k + 1; i < 4; i++)
			if (fabs(m[i][k]) > fabs(m[piv][k]))
				piv = i;
		if (m[piv][k] == 0.0)
			return false;
		for (j = 0; j < 8; j++)
		{
			t = m[k][j];
			m[k][j] = m[piv][j];
			m[piv][j] = t;
		}
		t = m[k][k];
		for (j = 0; j < 8; j++)
			m[k][j] /= t;
		for (i = 0; i < 4; i++)
		{
			if (i == k)
				continue;
			t = m[i][k];
			for (j = 0; j < 8; j++)
				m[i][j] -= t * m[k][j];
		}
	}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			inv[i][j] = m[i][j + 4];
	return true;
}

static bool
pn_numerical_cov(const double *th, const BtydBgnbdObs *obs, size_t n, double cov[4][4])
{
	double		info[4][4];
	double		h[4];
	double		f0 = pn_ll(th, obs, n);
	int			i;
	int			j;

	for (i = 0; i < 4; i++)
		h[i] = 1e-3 * th[i];
	for (i = 0; i < 4; i++)
		for (j = i; j < 4; j++)
		{
			double		t[4];
			double		d2;

			if (i == j)
			{
				double		fp;
				double		fm;

				memcpy(t, th, sizeof(t));
				t[i] = th[i] + h[i];
				fp = pn_ll(t, obs, n);
				t[i] = th[i] - h[i];
				fm = pn_ll(t, obs, n);
				d2 = (fp - 2.0 * f0 + fm) / (h[i] * h[i]);
			}
			else
			{
				double		f[4];
				int			s;

				for (s = 0; s < 4; s++)
				{
					memcpy(t, th, sizeof(t));
					t[i] += (s & 1) ? -h[i] : h[i];
					t[j] += (s & 2) ? -h[j] : h[j];
					f[s] = pn_ll(t, obs, n);
				}
				d2 = (f[0] - f[1] - f[2] + f[3]) / (4.0 * h[i] * h[j]);
			}
			info[i][j] = info[j][i] = -d2;
		}
	return invert4(info, cov);
}

/*
 * The delta method linearises the forecast in the log-parameters; the
 * draws do not.  Their ends must agree within tol of the interval's width
 * (BG/NBD on CDNOW: 0.1; Pareto/NBD, whose beta has a standard error of
 * half its value, 0.25: the delta intervals sit up to a fifth of their width
 * below the draws' for P(alive)).  Standard errors off by a factor 1.5 move
 * the ends by a sixth of the width each, twice that of the two together.
 */
static void
compare_with_draws(const char *model, BtydPurchaseModel kind, const double *params,
				   const double *log_cov, const BtydGgParams *gg, const double *gg_cov,
				   const CdnowRow *rows, int ncust, const int *pick, BtydRng *rng, double tol)
{
	double		L[16];
	double		nat_cov[16];
	double		worst_p = 0.0;
	double		worst_e = 0.0;
	int			i;
	int			j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			nat_cov[i * 4 + j] = log_cov[i * 4 + j] * params[i] * params[j];
	if (!ok(cholesky(log_cov, 4, L), "CDNOW %s: covariance of the log-parameters is positive definite", model))
		return;
	for (i = 0; i < ncust; i++)
	{
		const CdnowRow *r = &rows[pick[i]];
		Cust		c = {r->x, r->t_x, r->T, 39.0, r->zbar};
		BtydForecastIntervals out;
		double		lo;
		double		hi;

		btyd_forecast_intervals(kind, params, nat_cov, gg, gg_cov, c.x, c.t_x, c.T, c.m, c.x, c.t, &out);
		draws_interval(kind == BTYD_MODEL_BGNBD ? fc_p_alive_bg : fc_p_alive_pn, &c, params, L, 4, rng, &lo, &hi);
		diag("%s x=%.0f t_x=%.2f T=%.2f: p_alive %.4f delta [%.4f, %.4f] draws [%.4f, %.4f]",
			 model, c.x, c.t_x, c.T, out.p_alive.value, out.p_alive.low, out.p_alive.high, lo, hi);
		if (out.p_alive.value < 1.0)
			worst_p = fmax(worst_p, fmax(fabs(out.p_alive.low - lo), fabs(out.p_alive.high - hi)) /
						   (hi - lo));
		draws_interval(kind == BTYD_MODEL_BGNBD ? fc_exp_bg : fc_exp_pn, &c, params, L, 4, rng, &lo, &hi);
		diag("%s x=%.0f: expected purchases in 39 weeks %.4f delta [%.4f, %.4f] draws [%.4f, %.4f]; value %.2f [%.2f, %.2f]",
			 model, c.x, out.expected.value, out.expected.low, out.expected.high, lo, hi,
			 out.value.value, out.value.low, out.value.high);
		worst_e = fmax(worst_e, fmax(fabs(out.expected.low - lo), fabs(out.expected.high - hi)) / (hi - lo));
		ok(out.p_alive.ok && out.expected.ok && out.value.ok &&
		   out.p_alive.low <= out.p_alive.value && out.p_alive.value <= out.p_alive.high &&
		   out.expected.low < out.expected.value && out.expected.value < out.expected.high &&
		   out.value.low < out.value.value && out.value.value < out.value.high &&
		   out.value.high / out.value.low > out.expected.high / out.expected.low,
		   "%s customer %d: every interval holds its point; the value's is wider than the purchases' (spend adds uncertainty)",
		   model, pick[i]);
	}
	ok(worst_p < tol && worst_e < tol,
	   "CDNOW %s: delta-method and draws-based 95%% intervals agree (ends within %.3f and %.3f of the width; at most %.2f)",
	   model, worst_p, worst_e, tol);
}

static void
test_cdnow(const char *dir)
{
	static CdnowRow rows[CDNOW_CUSTOMERS];
	static BtydBgnbdObs obs[CDNOW_CUSTOMERS];
	static BtydGgObs gobs[CDNOW_CUSTOMERS];
	size_t		ng = 0;
	BtydFit		fit;
	BtydGgParams gg;
	double		gg_log[9];
	double		gg_cov[9];
	double		cov[16];
	double		se[4];
	BtydRng		rng;
	int			pick[4] = {-1, -1, -1, -1};
	int			npick = 0;
	int			i;
	int			j;

	if (!ok(cdnow_load(dir, rows) == CDNOW_CUSTOMERS, "CDNOW summary files read from %s", dir))
		return;
	for (i = 0; i < CDNOW_CUSTOMERS; i++)
	{
		obs[i] = (BtydBgnbdObs) {rows[i].x, rows[i].t_x, rows[i].T, 1};
		if (rows[i].x > 0)
			gobs[ng++] = (BtydGgObs) {rows[i].x, rows[i].zbar, 1};
	}
	/* customers with 1, 2, 5 and 10+ repeat purchases, the first of each */
	for (i = 0; i < CDNOW_CUSTOMERS && npick < 4; i++)
	{
		double		want[4] = {1, 2, 5, 10};

		if (rows[i].x == want[npick] || (npick == 3 && rows[i].x >= 10))
			pick[npick++] = i;
	}
	btyd_rng_seed(&rng, 20261203);

	btyd_gg_fit(gobs, ng, NULL, &fit);
	gg = (BtydGgParams) {fit.params[0], fit.params[1], fit.params[2]};
	ok(fit.converged && btyd_gg_log_cov(&gg, gobs, ng, gg_log), "CDNOW Gamma-Gamma covariance");
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			gg_cov[i * 3 + j] = gg_log[i * 3 + j] * fit.params[i] * fit.params[j];

	/* BG/NBD */
	btyd_bgnbd_fit(obs, CDNOW_CUSTOMERS, NULL, &fit);
	{
		BtydBgnbdParams m = {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};
		bool		have = fit.converged && btyd_bgnbd_log_cov(&m, obs, CDNOW_CUSTOMERS, cov) &&
			btyd_bgnbd_log_se(&m, obs, CDNOW_CUSTOMERS, se);
		bool		same = have;

		for (i = 0; have && i < 4; i++)
			for (j = 0; j < 4; j++)
				same = same && sqrt(cov[i * 4 + i]) == se[i] &&
					fabs(cov[i * 4 + j] - cov[j * 4 + i]) <= 1e-12 * sqrt(cov[i * 4 + i] * cov[j * 4 + j]);
		ok(same, "CDNOW BG/NBD: covariance symmetric (to 1e-12), its diagonal's square roots are the standard errors bit for bit");
		if (have)
			compare_with_draws("BG/NBD", BTYD_MODEL_BGNBD, fit.params, cov, &gg, gg_cov, rows, npick, pick, &rng, 0.1);
	}

	/* Pareto/NBD */
	btyd_pareto_fit(obs, CDNOW_CUSTOMERS, NULL, &fit);
	{
		BtydParetoParams m = {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};
		double		num[4][4];
		double		worst = 0.0;
		bool		have = fit.converged && btyd_pareto_log_cov(&m, obs, CDNOW_CUSTOMERS, cov) &&
			pn_numerical_cov(fit.params, obs, CDNOW_CUSTOMERS, num);

		ok(have, "CDNOW Pareto/NBD: fit converged, covariance and numerical Hessian invert");
		for (i = 0; have && i < 4; i++)
		{
			double		s = fit.params[i] * sqrt(cov[i * 4 + i]);

			diag("CDNOW Pareto/NBD parameter %d: %.4f se %.5f (numerical Hessian of the values %.5f)",
				 i, fit.params[i], s, sqrt(num[i][i]));
			for (j = 0; j < 4; j++)
				worst = fmax(worst, fabs(cov[i * 4 + j] * fit.params[i] * fit.params[j] - num[i][j]) /
							 sqrt(num[i][i] * num[j][j]));
		}
		ok(have && worst < 1e-4,
		   "CDNOW Pareto/NBD covariance agrees with a numerical Hessian of the log-likelihood values (worst %.2g of the standard errors' product)",
		   worst);
		if (have)
			compare_with_draws("Pareto/NBD", BTYD_MODEL_PARETONBD, fit.params, cov, &gg, gg_cov, rows, npick, pick, &rng, 0.25);
	}
}

/* ---------------------------------------------------------------------- */

#define SETS 200
#define CUSTOMERS 2000

static void
test_coverage(void)
{
	const BtydBgnbdParams truth = {0.25, 4.0, 0.8, 2.5};
	const double tp[4] = {0.25, 4.0, 0.8, 2.5};
	const Cust	cs[3] = {{1, 10, 40, 26, 0}, {3, 35, 50, 26, 0}, {0, 0, 30, 26, 0}};
	BtydBgnbdObs *obs = malloc(sizeof(BtydBgnbdObs) * CUSTOMERS);
	int			cov_p[3] = {0};
	int			cov_e[3] = {0};
	int			used = 0;
	BtydRng		rng;
	int			set;
	int			i;
	bool		all_in = true;

	btyd_rng_seed(&rng, 20261204);
	for (set = 0; set < SETS; set++)
	{
		BtydFit		fit;
		double		lc[16];
		double		nc[16];
		int			j;

		btyd_bgnbd_simulate(&truth, &rng, CUSTOMERS, 10.0, 60.0, obs);
		btyd_bgnbd_fit(obs, CUSTOMERS, NULL, &fit);
		{
			BtydBgnbdParams est = {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};

			if (!fit.converged || !btyd_bgnbd_log_cov(&est, obs, CUSTOMERS, lc))
				continue;
		}
		used++;
		for (i = 0; i < 4; i++)
			for (j = 0; j < 4; j++)
				nc[i * 4 + j] = lc[i * 4 + j] * fit.params[i] * fit.params[j];
		for (i = 0; i < 3; i++)
		{
			BtydForecastIntervals out;
			double		p_true = fc_p_alive_bg(tp, &cs[i]);
			double		e_true = fc_exp_bg(tp, &cs[i]);

			btyd_forecast_intervals(BTYD_MODEL_BGNBD, fit.params, nc, NULL, NULL,
									cs[i].x, cs[i].t_x, cs[i].T, 0, cs[i].x, cs[i].t, &out);
			if (out.p_alive.low <= p_true && p_true <= out.p_alive.high)
				cov_p[i]++;
			if (out.expected.low <= e_true && e_true <= out.expected.high)
				cov_e[i]++;
		}
	}
	ok(used >= SETS - SETS / 50, "coverage: %d of %d simulated fits converged with a covariance", used, SETS);
	for (i = 0; i < 3; i++)
	{
		double		sp = (double) cov_p[i] / used;
		double		se = (double) cov_e[i] / used;

		diag("customer x=%.0f t_x=%.0f T=%.0f: P(alive) interval covers the true value in %.1f%%, expected purchases in 26 in %.1f%%",
			 cs[i].x, cs[i].t_x, cs[i].T, 100 * sp, 100 * se);
		if (!((cs[i].x == 0 || (sp >= 0.90 && sp <= 0.99)) && se >= 0.90 && se <= 0.99))
			all_in = false;
		if (cs[i].x == 0 && cov_p[i] != used)
			all_in = false;
	}
	ok(all_in, "95%% intervals of P(alive) and expected purchases cover the values at the true parameters in 90%% to 99%% of the sets (P(alive) = 1 always for x = 0)");
	free(obs);
}

/* ---------------------------------------------------------------------- */

static void
test_pareto_p_purchase(void)
{
	const BtydParetoParams m = {0.553, 10.58, 0.606, 11.67};
	const Cust	cs[3] = {{2, 30.43, 38.86, 39, 0}, {0, 0, 30, 13, 0}, {8, 70, 77, 52, 0}};
	BtydRng		rng;
	int			i;

	btyd_rng_seed(&rng, 20261205);
	for (i = 0; i < 3; i++)
	{
		const Cust *c = &cs[i];
		double		R = m.r + c->x;
		double		A = m.alpha + c->T;
		double		B = m.beta + c->T;
		double		p_alive = btyd_pareto_p_alive(&m, c->x, c->t_x, c->T);
		double		p = btyd_pareto_p_purchase(&m, c->t, c->x, c->t_x, c->T);
		const int	n = 1000000;
		int			hits = 0;
		int			k;
		double		mc;
		double		sd;

		/* given alive: lambda ~ Gamma(R, A), mu ~ Gamma(s, B); a purchase before death and t */
		for (k = 0; k < n; k++)
		{
			double		lambda = btyd_rng_gamma(&rng, R) / A;
			double		mu = btyd_rng_gamma(&rng, m.s) / B;
			double		first = -log(1.0 - btyd_rng_uniform(&rng)) / lambda;
			double		death = -log(1.0 - btyd_rng_uniform(&rng)) / mu;

			if (first <= c->t && first <= death)
				hits++;
		}
		mc = p_alive * hits / n;
		sd = p_alive * sqrt((double) hits / n * (1.0 - (double) hits / n) / n);
		ok(fabs(p - mc) < 4.0 * sd + 1e-12,
		   "Pareto/NBD P(purchase in %.0f | x=%.0f, t_x=%.2f, T=%.2f) = %.5f, simulation %.5f +- %.5f",
		   c->t, c->x, c->t_x, c->T, p, mc, sd);
		ok(p < p_alive && btyd_pareto_p_purchase(&m, 2 * c->t, c->x, c->t_x, c->T) > p &&
		   btyd_pareto_p_purchase(&m, 0, c->x, c->t_x, c->T) == 0.0,
		   "Pareto/NBD P(purchase) is 0 at t = 0, grows with t, stays below P(alive)");
	}
	/* s -> 0: nobody dies, the NBD's 1 - (A/(A+t))^R times P(alive) */
	{
		const BtydParetoParams m0 = {0.553, 10.58, 1e-9, 11.67};
		double		p = btyd_pareto_p_purchase(&m0, 20, 3, 20, 30);
		double		nbd = btyd_pareto_p_alive(&m0, 3, 20, 30) * -expm1(-(0.553 + 3) * log1p(20 / (10.58 + 30)));

		ok(fabs(p - nbd) < 1e-8, "Pareto/NBD P(purchase) with s -> 0 is the NBD's (%.10f vs %.10f)", p, nbd);
	}
	/* huge t: P(alive) E[lambda / (lambda + mu)], and a long-tailed case stays finite */
	{
		double		p = btyd_pareto_p_purchase(&m, 1e9, 2, 30.43, 38.86);

		ok(isfinite(p) && p > 0 && p < btyd_pareto_p_alive(&m, 2, 30.43, 38.86),
		   "Pareto/NBD P(purchase) over 1e9 units is finite and below P(alive) (%.6f)", p);
	}
}

/*
 * Gamma-Gamma's x is m_days, the repeat days of known amount that m
 * averages, not the frequency: a customer with 4 repeat days of which 3 are
 * of unknown amount has the value expected purchases times the spend of one
 * observation, p (v + m) / (p + q - 1), and its interval moves with it.
 */
static void
test_known_amount_days(void)
{
	double		params[4] = {0.243, 4.414, 0.793, 2.426};
	BtydGgParams gg = {6.25, 3.74, 15.44};
	BtydForecastIntervals one;
	BtydForecastIntervals four;
	BtydForecastIntervals none;
	double		spend1 = gg.p * (gg.v + 1 * 120.0) / (gg.p * 1 + gg.q - 1);
	double		spend4 = gg.p * (gg.v + 4 * 120.0) / (gg.p * 4 + gg.q - 1);
	double		spend0 = gg.p * gg.v / (gg.q - 1);

	btyd_forecast_intervals(BTYD_MODEL_BGNBD, params, NULL, &gg, NULL, 4, 20, 38, 120.0, 1, 39, &one);
	btyd_forecast_intervals(BTYD_MODEL_BGNBD, params, NULL, &gg, NULL, 4, 20, 38, 120.0, 4, 39, &four);
	btyd_forecast_intervals(BTYD_MODEL_BGNBD, params, NULL, &gg, NULL, 4, 20, 38, 120.0, 0, 39, &none);
	ok(one.value.ok && fabs(one.value.value - one.expected.value * spend1) <= 1e-13 * one.value.value,
	   "x 4, one repeat day of known amount: value %.6f = expected purchases x p(v + m)/(p + q - 1) %.6f",
	   one.value.value, one.expected.value * spend1);
	ok(four.value.ok && fabs(four.value.value - four.expected.value * spend4) <= 1e-13 * four.value.value &&
	   one.expected.value == four.expected.value,
	   "x 4, four known: the spend of 4 observations (%.2f, not %.2f); the same expected purchases",
	   spend4, spend1);
	ok(none.value.ok && fabs(none.value.value - none.expected.value * spend0) <= 1e-13 * none.value.value,
	   "x 4, no repeat day of known amount: the population's mean spend p v / (q - 1)");
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("DORMANCY_TEST_DATA");

	if (dir == NULL)
		dir = "test/data";
	test_gradients();
	test_pareto_p_purchase();
	test_known_amount_days();
	test_cdnow(dir);
	test_coverage();
	return tap_done();
}
