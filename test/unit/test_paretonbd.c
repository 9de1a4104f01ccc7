/*
 * test_paretonbd.c
 *		Unit tests of the Pareto/NBD model (src/core/paretonbd.c), no server.
 *
 * The log-likelihood is checked against two references computed here in
 * long double: the note's formula with 2F1 summed as a plain power series,
 * and the integral over the death time by Simpson's rule (no 2F1 at all);
 * P(alive) and expected purchases against the integrals they come from.
 * Then the edge inputs (x = 0, t_x = T, huge T, alpha = beta, s = 1), the
 * CDNOW fit (the published estimates) and the fit's corner cases.
 *
 * The data directory is argv[1], $DORMANCY_TEST_DATA or test/data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "btyd_sim.h"
#include "cdnow.h"
#include "paretonbd.h"

/* 2F1(a, b; c; z) by its power series, 0 <= z < 1, long double. */
static long double
series_2f1(long double a, long double b, long double c, long double z)
{
	long double t = 1.0L;
	long double sum = 1.0L;
	int			n;

	for (n = 0; n < 100000; n++)
	{
		t *= (a + n) * (b + n) / ((c + n) * (n + 1.0L)) * z;
		sum += t;
		if (fabsl(t) < 1e-22L * fabsl(sum))
			break;
	}
	return sum;
}

/* log Gamma(r + x) - log Gamma(r) for whole x as a sum of logs. */
static long double
log_rising(long double r, int x)
{
	long double s = 0.0L;
	int			k;

	for (k = 0; k < x; k++)
		s += logl(r + k);
	return s;
}

/* The note's likelihood (eq. 22) with 2F1 as a plain series. */
static double
ref_loglik_series(const BtydParetoParams *m, int x, double t_x, double T)
{
	long double r = m->r, al = m->alpha, s = m->s, be = m->beta;
	long double a = r + s + x;
	long double big = al >= be ? al : be;
	long double d = fabsl(al - be);
	long double b = al >= be ? s + 1.0L : r + x;
	long double a0;
	long double l;

	a0 = series_2f1(a, b, a + 1.0L, d / (big + t_x)) / powl(big + t_x, a)
		- series_2f1(a, b, a + 1.0L, d / (big + T)) / powl(big + T, a);
	l = powl(al + T, -(r + x)) * powl(be + T, -s) + s / a * a0;
	return (double) (log_rising(r, x) + r * logl(al) + s * logl(be) + logl(l));
}

/*
 * The two terms of the likelihood as integrals (no 2F1): *alive =
 * (alpha+T)^-(r+x) (beta+T)^-s, *dead = integral over (t_x, T) of
 * s (alpha+tau)^-(r+x) (beta+tau)^-(s+1), by Simpson's rule in
 * v = log(g + tau), g = min(alpha, beta), on 20,000 intervals; both scaled
 * by exp(-shift), shift = the log of the integrand at t_x.
 */
static void
ref_terms_integral(const BtydParetoParams *m, int x, double t_x, double T,
				   long double *alive, long double *dead, long double *shift)
{
	const int	N = 20000;
	long double r = m->r, al = m->alpha, s = m->s, be = m->beta;
	long double g = al < be ? al : be;
	long double h = (logl(g + T) - logl(g + t_x)) / N;
	long double sum = 0.0L;
	int			i;

	*shift = -(r + x) * logl(al + t_x) - (s + 1.0L) * logl(be + t_x);
	*alive = expl(-(r + x) * logl(al + T) - s * logl(be + T) - *shift);
	for (i = 0; i <= N && h > 0.0L; i++)
	{
		long double tau = (g + t_x) * expl(i * h) - g;
		long double f = s * expl(-(r + x) * logl((al + tau) / (al + t_x))
								 - (s + 1.0L) * logl((be + tau) / (be + t_x))) * (g + tau);

		sum += (i == 0 || i == N ? 1.0L : (i % 2 ? 4.0L : 2.0L)) * f;
	}
	*dead = h > 0.0L ? sum * h / 3.0L : 0.0L;
}

static double
ref_loglik_integral(const BtydParetoParams *m, int x, double t_x, double T)
{
	long double alive, dead, shift;

	ref_terms_integral(m, x, t_x, T, &alive, &dead, &shift);
	return (double) (log_rising(m->r, x) + m->r * logl(m->alpha) + m->s * logl(m->beta)
					 + shift + logl(alive + dead));
}

static double
ref_p_alive(const BtydParetoParams *m, int x, double t_x, double T)
{
	long double alive, dead, shift;

	ref_terms_integral(m, x, t_x, T, &alive, &dead, &shift);
	return (double) (alive / (alive + dead));
}

/*
 * E[Y(t)] = P(alive) (r+x)/(alpha+T) * integral over (0, t) of
 * ((beta+T)/(beta+T+u))^s du (given alive, lambda ~ Gamma(r+x, alpha+T) and
 * mu ~ Gamma(s, beta+T), independent), by Simpson's rule.
 */
static double
ref_expected(const BtydParetoParams *m, double t, int x, double t_x, double T)
{
	const int	N = 20000;
	long double h = (long double) t / N;
	long double sum = 0.0L;
	int			i;

	for (i = 0; i <= N; i++)
		sum += (i == 0 || i == N ? 1.0L : (i % 2 ? 4.0L : 2.0L))
			* powl((m->beta + T) / (m->beta + T + i * h), m->s);
	return (double) (ref_p_alive(m, x, t_x, T) * (m->r + x) / (m->alpha + T) * sum * h / 3.0L);
}

static bool
close_rel(double got, double want, double tol)
{
	return fabs(got - want) <= tol * fabs(want);
}

/* The likelihood, P(alive) and expected purchases against the references. */
static void
test_against_references(void)
{
	static const BtydParetoParams models[] = {
		{0.5534, 10.5802, 0.6061, 11.6562},	/* CDNOW: alpha < beta */
		{2.0, 40.0, 1.5, 0.5},	/* alpha >> beta */
		{0.3, 0.5, 3.0, 60.0},	/* alpha << beta */
		{1.0, 7.0, 1.0, 7.0},	/* alpha = beta: 2F1 at z = 0 */
		{4.0, 3.0, 0.2, 2.5},
	};
	static const struct
	{
		int			x;
		double		t_x;
		double		T;
	}			custs[] = {
		{0, 0.0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 38.86},
		{29, 37.71, 38.0}, {3, 10.0, 10.0}, {0, 0.0, 0.5}, {5, 0.1, 200.0},
	};
	size_t		i;
	size_t		j;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
	{
		const BtydParetoParams *m = &models[i];
		int			bad_series = 0;
		int			bad_integral = 0;
		int			bad_p = 0;
		int			bad_e = 0;

		for (j = 0; j < sizeof(custs) / sizeof(custs[0]); j++)
		{
			int			x = custs[j].x;
			double		t_x = custs[j].t_x;
			double		T = custs[j].T;
			double		ll = btyd_pareto_loglik_one(m, x, t_x, T);
			double		p = btyd_pareto_p_alive(m, x, t_x, T);
			double		e = btyd_pareto_expected(m, 26.0, x, t_x, T);

			if (!close_rel(ll, ref_loglik_series(m, x, t_x, T), 1e-12))
			{
				bad_series++;
				diag("series: model %zu customer %zu: %.17g vs %.17g", i, j, ll, ref_loglik_series(m, x, t_x, T));
			}
			if (!close_rel(ll, ref_loglik_integral(m, x, t_x, T), 1e-11))
			{
				bad_integral++;
				diag("integral: model %zu customer %zu: %.17g vs %.17g", i, j, ll, ref_loglik_integral(m, x, t_x, T));
			}
			if (!(fabs(p - ref_p_alive(m, x, t_x, T)) <= 1e-11 * fmax(p, 1e-300) + 1e-300 &&
				  p >= 0.0 && p <= 1.0))
			{
				bad_p++;
				diag("p_alive: model %zu customer %zu: %.17g vs %.17g", i, j, p, ref_p_alive(m, x, t_x, T));
			}
			if (!close_rel(e, ref_expected(m, 26.0, x, t_x, T), 1e-10))
			{
				bad_e++;
				diag("expected: model %zu customer %zu: %.17g vs %.17g", i, j, e, ref_expected(m, 26.0, x, t_x, T));
			}
		}
		ok(bad_series == 0, "model %zu: log-likelihood = the note's formula with 2F1 as a series (1e-12)", i);
		ok(bad_integral == 0, "model %zu: log-likelihood = the integral over the death time (1e-11)", i);
		ok(bad_p == 0, "model %zu: P(alive) = its integral form, in [0, 1]", i);
		ok(bad_e == 0, "model %zu: expected purchases in 26 = the integral of the posterior survival (1e-10)", i);
	}
}

/* Edge inputs: t_x = T, x = 0, huge T, s = 1, t = 0. */
static void
test_edges(void)
{
	const BtydParetoParams m = {0.55, 10.58, 0.61, 11.67};
	const BtydParetoParams m1 = {0.55, 10.58, 1.0, 11.67};
	BtydParetoParams lo = m1;
	BtydParetoParams hi = m1;
	double		alive_only;
	double		big[] = {1e4, 1e6, 1e9, 1e12};
	size_t		i;
	bool		fine = true;
	bool		decreasing = true;
	double		prev = 2.0;

	/* t_x = T: nobody can have died in between */
	ok(btyd_pareto_p_alive(&m, 4, 20.0, 20.0) == 1.0, "t_x = T: P(alive) is 1");
	alive_only = lgamma(m.r + 4) - lgamma(m.r) + m.r * log(m.alpha) + m.s * log(m.beta)
		- (m.r + 4) * log(m.alpha + 20.0) - m.s * log(m.beta + 20.0);
	ok(close_rel(btyd_pareto_loglik_one(&m, 4, 20.0, 20.0), alive_only, 1e-13),
	   "t_x = T: the log-likelihood is the alive term alone");
	ok(btyd_pareto_p_alive(&m, 0, 0.0, 0.0) == 1.0, "T = 0: P(alive) is 1");
	ok(fabs(btyd_pareto_loglik_one(&m, 0, 0.0, 0.0)) < 1e-12, "T = 0: the log-likelihood is 0");

	/* x = 0: P(alive) falls with age */
	for (i = 0; i < 6; i++)
	{
		double		p = btyd_pareto_p_alive(&m, 0, 0.0, 10.0 * (i + 1));

		if (!(p < prev && p > 0.0))
			decreasing = false;
		prev = p;
	}
	ok(decreasing, "x = 0: P(alive) falls with age");

	/* huge ages: finite, probabilities, and equal to the integral reference */
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++)
	{
		double		ll0 = btyd_pareto_loglik_one(&m, 0, 0.0, big[i]);
		double		ll5 = btyd_pareto_loglik_one(&m, 5, 3.0, big[i]);
		double		p0 = btyd_pareto_p_alive(&m, 0, 0.0, big[i]);
		double		p5 = btyd_pareto_p_alive(&m, 5, big[i] / 2, big[i]);
		double		e5 = btyd_pareto_expected(&m, 52.0, 5, big[i] / 2, big[i]);

		if (!(isfinite(ll0) && isfinite(ll5) && p0 >= 0.0 && p0 <= 1.0 &&
			  p5 >= 0.0 && p5 <= 1.0 && isfinite(e5) && e5 >= 0.0))
		{
			fine = false;
			diag("T = %g: ll %g %g, p %g %g, e %g", big[i], ll0, ll5, p0, p5, e5);
		}
		if (big[i] <= 1e6 && !close_rel(ll0, ref_loglik_integral(&m, 0, 0.0, big[i]), 1e-11))
		{
			fine = false;
			diag("T = %g: ll %.17g vs integral %.17g", big[i], ll0, ref_loglik_integral(&m, 0, 0.0, big[i]));
		}
	}
	ok(fine, "huge ages (up to 1e12): finite values, probabilities in [0, 1], the integral's value");

	/* s = 1: the closed form's limit, continuous */
	lo.s = 1.0 - 1e-9;
	hi.s = 1.0 + 1e-9;
	ok(close_rel(btyd_pareto_expected(&m1, 26.0, 2, 20.0, 39.0), ref_expected(&m1, 26.0, 2, 20.0, 39.0), 1e-10),
	   "s = 1: expected purchases = the integral");
	ok(close_rel(btyd_pareto_expected(&lo, 26.0, 2, 20.0, 39.0), btyd_pareto_expected(&m1, 26.0, 2, 20.0, 39.0), 1e-8) &&
	   close_rel(btyd_pareto_expected(&hi, 26.0, 2, 20.0, 39.0), btyd_pareto_expected(&m1, 26.0, 2, 20.0, 39.0), 1e-8),
	   "s = 1 +- 1e-9: continuous");
	ok(btyd_pareto_expected(&m, 0.0, 2, 20.0, 39.0) == 0.0, "t = 0: no purchases expected");
	ok(btyd_pareto_params_valid(&m) && !btyd_pareto_params_valid(&(BtydParetoParams) {0.5, 1, 0, 1}) &&
	   !btyd_pareto_params_valid(&(BtydParetoParams) {0.5, NAN, 1, 1}) &&
	   !btyd_pareto_params_valid(&(BtydParetoParams) {0.5, 1, 1, INFINITY}),
	   "parameter check: positive and finite");
}

/* The gradient against differences of the summed likelihood. */
static void
test_gradient(const BtydBgnbdObs *obs, size_t n)
{
	const BtydParetoParams m = {0.6, 9.0, 0.7, 13.0};
	double		g[4];
	double		ll = btyd_pareto_loglik(&m, obs, n, g);
	double		p[4] = {m.r, m.alpha, m.s, m.beta};
	bool		fine = isfinite(ll);
	int			k;

	for (k = 0; k < 4; k++)
	{
		double		q[4];
		BtydParetoParams mp;
		BtydParetoParams mm;
		double		fd;

		memcpy(q, p, sizeof(q));
		q[k] = p[k] * exp(1e-4);
		mp = (BtydParetoParams) {q[0], q[1], q[2], q[3]};
		q[k] = p[k] * exp(-1e-4);
		mm = (BtydParetoParams) {q[0], q[1], q[2], q[3]};
		fd = (btyd_pareto_loglik(&mp, obs, n, NULL) - btyd_pareto_loglik(&mm, obs, n, NULL)) / 2e-4;
		if (!(fabs(g[k] - fd) <= 1e-5 * fmax(1.0, fabs(fd))))
		{
			fine = false;
			diag("gradient %d: %.12g vs %.12g", k, g[k], fd);
		}
	}
	ok(fine, "gradient = coarser central differences of the summed log-likelihood");

	{
		/* where r + s + x > 40 the gradient is analytic (quadrature): against differences */
		static const BtydParetoParams big[] = {
			{50.0, 4000.0, 0.4, 90.0}, {9000.0, 8e5, 0.3, 60.0}, {0.5, 10.0, 60.0, 900.0}};
		int			j;

		fine = true;
		for (j = 0; j < 3; j++)
		{
			double		pb[4] = {big[j].r, big[j].alpha, big[j].s, big[j].beta};

			ll = btyd_pareto_loglik(&big[j], obs, n, g);
			fine = fine && isfinite(ll);
			for (k = 0; k < 4; k++)
			{
				double		q[4];
				BtydParetoParams mp;
				BtydParetoParams mm;
				double		fd;

				memcpy(q, pb, sizeof(q));
				q[k] = pb[k] * exp(1e-4);
				mp = (BtydParetoParams) {q[0], q[1], q[2], q[3]};
				q[k] = pb[k] * exp(-1e-4);
				mm = (BtydParetoParams) {q[0], q[1], q[2], q[3]};
				fd = (btyd_pareto_loglik(&mp, obs, n, NULL) - btyd_pareto_loglik(&mm, obs, n, NULL)) / 2e-4;
				if (!(fabs(g[k] - fd) <= 1e-5 * fmax(1.0, fabs(fd))))
				{
					fine = false;
					diag("model %d gradient %d: %.12g vs %.12g", j, k, g[k], fd);
				}
			}
		}
		ok(fine, "analytic gradient (quadrature, r + s + x > 40) = central differences");
	}
}

/* The CDNOW fit: the published estimates, and the fit's corner cases. */
static void
test_fit(const BtydBgnbdObs *obs, int n)
{
	BtydFit		fit;
	BtydParetoParams lifetimes = {0.5534, 10.5802, 0.6061, 11.6562};
	BtydBgnbdObs *zero;
	int			i;

	ok(btyd_pareto_fit(obs, (size_t) n, NULL, &fit), "CDNOW fit runs");
	diag("CDNOW Pareto/NBD: r %.10g alpha %.10g s %.10g beta %.10g log-likelihood %.10g, %d iterations, status %d",
		 fit.params[0], fit.params[1], fit.params[2], fit.params[3], fit.log_likelihood,
		 fit.iterations, (int) fit.status);
	ok(fit.converged && fit.status == BTYD_CONVERGED && fit.customers == n, "CDNOW fit converged over all customers");
	ok(fabs(fit.params[0] - 0.55) < 0.005 && fabs(fit.params[1] - 10.58) < 0.005 &&
	   fabs(fit.params[2] - 0.61) < 0.005 && fabs(fit.params[3] - 11.67) < 0.005,
	   "CDNOW: r 0.55, alpha 10.58, s 0.61, beta 11.67 to the published 2 decimals");
	ok(fabs(fit.log_likelihood - -9595.0) < 0.05, "CDNOW: log-likelihood -9595.0 to 0.1");
	ok(fit.log_likelihood >= btyd_pareto_loglik(&lifetimes, obs, (size_t) n, NULL),
	   "CDNOW: at least lifetimes' likelihood");

	/* no data, no repeat purchase */
	ok(btyd_pareto_fit(obs, 0, NULL, &fit) && fit.status == BTYD_NO_DATA && !fit.converged,
	   "no observations: BTYD_NO_DATA");
	zero = malloc(sizeof(BtydBgnbdObs) * n);
	for (i = 0; i < n; i++)
		zero[i] = (BtydBgnbdObs) {.x = 0, .t_x = 0, .T = obs[i].T, .count = 1};
	ok(btyd_pareto_fit(zero, (size_t) n, NULL, &fit) && fit.status == BTYD_NO_REPEAT && !fit.converged &&
	   isfinite(fit.params[0]) && isfinite(fit.params[1]) && isfinite(fit.params[2]) && isfinite(fit.params[3]),
	   "no repeat purchase: BTYD_NO_REPEAT with finite parameters");
	free(zero);
}

/*
 * Simulation with known parameters: 20,000 customers of the Pareto/NBD
 * process (ages 26 to 78 units), fitted; each estimate within 3.5 of its
 * standard errors of the truth (on the log scale, where the covariance is).
 * Once with CDNOW's parameters, once with beta far below alpha, where the
 * 2F1 of the likelihood has its argument near 1 (the demo data's case).
 */
static void
test_simulated(void)
{
	static const BtydParetoParams truths[] = {
		{0.55, 10.58, 0.61, 11.67}, {1.5, 40.0, 0.3, 0.8}};
	static const char *const names[] = {"r", "alpha", "s", "beta"};
	const size_t n = 20000;
	BtydBgnbdObs *obs = malloc(sizeof(BtydBgnbdObs) * n);
	size_t		t;

	for (t = 0; t < 2; t++)
	{
		const double truth[4] = {truths[t].r, truths[t].alpha, truths[t].s, truths[t].beta};
		BtydRng		rng;
		BtydFit		fit;
		BtydParetoParams est;
		double		cov[16];
		bool		near = true;
		int			k;

		btyd_rng_seed(&rng, 20261203 + t);
		btyd_pareto_simulate(&truths[t], &rng, n, 26.0, 78.0, obs);
		ok(btyd_pareto_fit(obs, n, NULL, &fit) && fit.converged, "simulated set %zu: the fit converged", t);
		est = (BtydParetoParams) {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};
		near = fit.converged && btyd_pareto_log_cov(&est, obs, n, cov);
		for (k = 0; near && k < 4; k++)
		{
			double		z = (log(fit.params[k]) - log(truth[k])) / sqrt(cov[k * 4 + k]);

			diag("simulated set %zu: %s %.4g (truth %.4g), %.2f standard errors off", t, names[k],
				 fit.params[k], truth[k], z);
			near = near && fabs(z) <= 3.5;
		}
		ok(near, "simulated set %zu: every estimate within 3.5 standard errors of the truth", t);
	}
	free(obs);
}

/* The dormant age by plain bisection on P(alive), to a relative 1e-14. */
static double
ref_dormant_age(const BtydParetoParams *m, double x, double t_x, double threshold)
{
	double		lo = t_x;
	double		hi = t_x + 1.0;

	while (btyd_pareto_p_alive(m, x, t_x, hi) >= threshold)
	{
		lo = hi;
		hi = t_x + 2.0 * (hi - t_x);
		if (hi > 1e12)
			return INFINITY;
	}
	while (hi - lo > 1e-14 * hi)
	{
		double		mid = lo + (hi - lo) / 2.0;

		if (btyd_pareto_p_alive(m, x, t_x, mid) < threshold)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The dormant age: P(alive) is at the threshold there. */
static void
test_dormant_age(void)
{
	BtydParetoParams m = {0.55, 10.58, 0.61, 11.67};
	static const double cases[][3] = {{0, 0, 0.5}, {2, 20, 0.5}, {7, 30, 0.3}, {1, 5, 0.9}};
	int			i;

	for (i = 0; i < 4; i++)
	{
		double		age = btyd_pareto_dormant_age(&m, cases[i][0], cases[i][1], cases[i][2]);

		ok(isfinite(age) && age >= cases[i][1] &&
		   fabs(btyd_pareto_p_alive(&m, cases[i][0], cases[i][1], age) - cases[i][2]) < 1e-9,
		   "Pareto/NBD p_alive is %g at the dormant age %g (x %g, t_x %g)",
		   cases[i][2], age, cases[i][0], cases[i][1]);
	}
	{
		/*
		 * Against plain bisection on P(alive) (the method before Newton's), on
		 * models where 2F1's argument is near 1 (the demo's fit: beta far
		 * below alpha), alpha far below beta, and r + s + x above 40
		 * (quadrature)
		 */
		static const BtydParetoParams ms[] = {
			{0.55, 10.58, 0.61, 11.67}, {6.73, 221.8, 0.0592, 0.0506},
			{0.3, 0.5, 3.0, 60.0}, {50.0, 4000.0, 0.4, 90.0}};
		static const double cs[][3] = {{0, 0, 0.5}, {1, 0.3, 0.5}, {4, 30, 0.2}, {12, 150, 0.8}, {0, 0, 0.05}};
		double		worst = 0.0;
		int			a;
		int			k;

		for (a = 0; a < 4; a++)
			for (k = 0; k < 5; k++)
			{
				double		got = btyd_pareto_dormant_age(&ms[a], cs[k][0], cs[k][1], cs[k][2]);
				double		ref = ref_dormant_age(&ms[a], cs[k][0], cs[k][1], cs[k][2]);

				worst = isfinite(got) && isfinite(ref) ? fmax(worst, fabs(got - ref) / ref) : INFINITY;
			}
		ok(worst <= 1e-10, "Pareto/NBD dormant age = bisection on P(alive) to 1e-10 relative (worst %.2g)", worst);
	}
	ok(btyd_pareto_dormant_age(&m, 2, 20, 1.0) == 20.0, "a threshold of 1: the last purchase");
	ok(isinf(btyd_pareto_dormant_age(&m, 2, 20, 0.0)), "a threshold of 0: never");
}

/*
 * The death-time integral by quadrature (the method above r + s + x = 40)
 * against 2F1 (the method below) on a grid that covers both regimes: r up
 * to 12,000, alpha up to 1e7 (the demo fit's boundary run), alpha far below
 * and above beta, x up to 100.  Both are accurate there except where t_x
 * is within 1e-2 of T (2F1 forms a difference of two nearly equal terms);
 * they must agree to 1e-10 relative (of max(1, |log|)).  The quadrature
 * also against the Simpson reference of the integral, and the likelihood
 * continuous where the method switches.
 */
static void
test_quadrature(void)
{
	static const double rs[] = {0.5, 2, 10, 35, 100, 1000, 12000};
	static const double als[] = {0.1, 1, 10, 100, 1e4, 1e7};
	static const double ss[] = {0.1, 0.6, 3, 30};
	static const double bes[] = {0.1, 1, 10, 100, 1e4};
	static const double cs[][3] = {{0, 0, 38}, {1, 1.7, 38.9}, {7, 29, 38.9}, {29, 37.7, 38},
	{5, 0.1, 200}, {100, 300, 330}, {3, 1, 2}, {60, 100, 2000}};
	double		worst = 0.0;
	int			compared = 0;
	int			bad_ref = 0;
	size_t		a, b, c, e, k;

	for (a = 0; a < sizeof(rs) / sizeof(rs[0]); a++)
		for (b = 0; b < sizeof(als) / sizeof(als[0]); b++)
			for (c = 0; c < sizeof(ss) / sizeof(ss[0]); c++)
				for (e = 0; e < sizeof(bes) / sizeof(bes[0]); e++)
					for (k = 0; k < sizeof(cs) / sizeof(cs[0]); k++)
					{
						BtydParetoParams m = {rs[a], als[b], ss[c], bes[e]};
						double		q = btyd_pareto_log_dead(&m, cs[k][0], cs[k][1], cs[k][2], BTYD_PARETO_QUADRATURE);
						double		f = btyd_pareto_log_dead(&m, cs[k][0], cs[k][1], cs[k][2], BTYD_PARETO_SERIES);

						if (!isfinite(f))
							continue;	/* 2F1 out of its validated range */
						compared++;
						worst = fmax(worst, fabs(q - f) / fmax(1.0, fabs(f)));
					}
	ok(compared > 6000 && worst <= 1e-10,
	   "death term: quadrature = 2F1 to 1e-10 relative (%d cases, worst %.2g)", compared, worst);

	for (a = 0; a < 4; a++)
	{
		static const BtydParetoParams ms[] = {
			{0.5534, 10.5802, 0.6061, 11.6562}, {2.0, 40.0, 1.5, 0.5},
			{0.3, 0.5, 3.0, 60.0}, {50.0, 4000.0, 0.4, 90.0}};
		long double alive, dead, shift;

		for (k = 0; k < 3; k++)
		{
			static const double cc[3][3] = {{1, 1.71, 38.86}, {7, 29.43, 38.86}, {0, 0, 38.86}};
			double		q = btyd_pareto_log_dead(&ms[a], cc[k][0], cc[k][1], cc[k][2], BTYD_PARETO_QUADRATURE);

			ref_terms_integral(&ms[a], (int) cc[k][0], cc[k][1], cc[k][2], &alive, &dead, &shift);
			if (!close_rel(q, (double) (logl(dead) + shift), 1e-10))
				bad_ref++;
		}
	}
	ok(bad_ref == 0, "death term by quadrature = Simpson reference of the integral (%d off)", bad_ref);

	{
		/* r + s + x crosses 40 between the two: the likelihood barely moves */
		BtydParetoParams lo = {30.0 - 1e-9, 2000.0, 0.5, 50.0};
		BtydParetoParams hi = {30.0 + 1e-9, 2000.0, 0.5, 50.0};
		double		l1 = btyd_pareto_loglik_one(&lo, 9.5, 20.0, 52.0);
		double		l2 = btyd_pareto_loglik_one(&hi, 9.5, 20.0, 52.0);

		ok(fabs(l1 - l2) < 1e-9 * fabs(l1), "likelihood continuous where 2F1 gives way to quadrature (%.3g)", l2 - l1);
	}
}

int
main(int argc, char **argv)
{
	static CdnowRow rows[CDNOW_CUSTOMERS];
	static BtydBgnbdObs obs[CDNOW_CUSTOMERS];
	const char *dir = argc > 1 ? argv[1] : getenv("DORMANCY_TEST_DATA");
	int			n;
	int			i;

	if (dir == NULL || dir[0] == '\0')
		dir = "test/data";
	test_against_references();
	test_edges();
	test_dormant_age();
	test_quadrature();
	test_simulated();
	n = cdnow_load(dir, rows);
	ok(n == CDNOW_CUSTOMERS, "CDNOW summary read from %s (%d customers)", dir, n);
	if (n == CDNOW_CUSTOMERS)
	{
		for (i = 0; i < n; i++)
			obs[i] = (BtydBgnbdObs) {.x = rows[i].x, .t_x = rows[i].t_x, .T = rows[i].T, .count = 1};
		test_gradient(obs, (size_t) n);
		test_fit(obs, n);
	}
	return tap_done();
}
