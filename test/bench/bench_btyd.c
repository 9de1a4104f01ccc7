/*
 * bench_btyd.c
 *		Fit time of BG/NBD and Gamma-Gamma, and of Pareto/NBD with its
 *		covariance, for 100k and 1M simulated customers, without a server.
 *
 * Build and run from the repository root:
 *	cc -std=c11 -O2 -Isrc/core -Itest/lib src/core/[all .c] \
 *		test/lib/btyd_sim.c test/bench/bench_btyd.c -lm -o /tmp/bench_btyd \
 *		&& /tmp/bench_btyd
 *
 * Two cases per size: ages and recencies as continuous numbers (every
 * triple distinct: the worst case for the fit) and rounded to whole days
 * over a two-year window (what the aggregate sees with unit '1 day', where
 * identical triples are counted once).  Pareto/NBD: weekly units (the
 * default time_unit), ages in whole days over two years, for two
 * parameter sets: CDNOW's, and beta far below alpha (where 2F1's argument
 * is near 1, as in the demo data's fit).  Times are CPU seconds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "btyd.h"
#include "paretonbd.h"
#include "btyd_sim.h"

/* CPU seconds used so far. */
static double
cpu_seconds(void)
{
	return (double) clock() / CLOCKS_PER_SEC;
}

/* Simulate, optionally round to days, compact, fit; print one line. */
static void
bench(size_t n, bool days)
{
	BtydBgnbdParams truth = {0.25, 4.0 * 7.0, 0.8, 2.5};	/* alpha in days */
	BtydGgParams gtruth = {6.0, 4.0, 15.0};
	BtydBgnbdObs *obs = malloc(sizeof(BtydBgnbdObs) * n);
	BtydGgObs  *gobs = malloc(sizeof(BtydGgObs) * n);
	double	   *xs = malloc(sizeof(double) * n);
	double	   *ms = malloc(sizeof(double) * n);
	BtydRng		rng;
	BtydFit		fit;
	BtydFit		gfit;
	size_t		distinct;
	size_t		i;
	double		t0;
	double		t_compact;
	double		t_fit;
	double		t_gfit;

	if (!obs || !gobs || !xs || !ms)
	{
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	btyd_rng_seed(&rng, 12345);
	btyd_bgnbd_simulate(&truth, &rng, n, 1.0, 730.0, obs);
	for (i = 0; i < n; i++)
	{
		if (days)
		{
			obs[i].T = ceil(obs[i].T);
			obs[i].t_x = floor(obs[i].t_x);
		}
		xs[i] = obs[i].x;
	}
	btyd_gg_simulate(&gtruth, &rng, xs, n, ms);
	for (i = 0; i < n; i++)
		gobs[i] = (BtydGgObs) {xs[i], days ? round(ms[i] * 100.0) / 100.0 : ms[i], 1};

	t0 = cpu_seconds();
	distinct = btyd_bgnbd_compact(obs, n);
	t_compact = cpu_seconds() - t0;

	t0 = cpu_seconds();
	btyd_bgnbd_fit(obs, distinct, NULL, &fit);
	t_fit = cpu_seconds() - t0;

	t0 = cpu_seconds();
	btyd_gg_fit(gobs, n, NULL, &gfit);
	t_gfit = cpu_seconds() - t0;

	printf("%8zu customers, %-10s: %8zu distinct triples, compact %.3fs, "
		   "BG/NBD fit %.3fs (%d iterations, %d evaluations, converged %s), "
		   "Gamma-Gamma fit %.3fs (%lld customers, converged %s)\n",
		   n, days ? "whole days" : "continuous", distinct, t_compact, t_fit,
		   fit.iterations, fit.evaluations, fit.converged ? "yes" : "no",
		   t_gfit, (long long) gfit.customers, gfit.converged ? "yes" : "no");
	printf("%8s estimates r=%.4f alpha=%.3f a=%.4f b=%.4f (truth 0.25, 28, 0.8, 2.5); "
		   "p=%.3f q=%.3f v=%.3f (truth 6, 4, 15)\n", "",
		   fit.params[0], fit.params[1], fit.params[2], fit.params[3],
		   gfit.params[0], gfit.params[1], gfit.params[2]);
	free(obs);
	free(gobs);
	free(xs);
	free(ms);
}

/* Simulate Pareto/NBD in weeks over whole days, compact, fit, covariance; print one line. */
static void
bench_pareto(size_t n, const BtydParetoParams *truth, const char *label)
{
	BtydBgnbdObs *obs = malloc(sizeof(BtydBgnbdObs) * n);
	BtydRng		rng;
	BtydFit		fit;
	BtydParetoParams est;
	double		cov[16];
	size_t		distinct;
	size_t		i;
	double		t0;
	double		t_fit;
	double		t_cov;
	bool		have_cov;

	if (!obs)
	{
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	btyd_rng_seed(&rng, 12345);
	btyd_pareto_simulate(truth, &rng, n, 1.0, 104.0, obs);
	for (i = 0; i < n; i++)
	{
		obs[i].T = ceil(obs[i].T * 7.0) / 7.0;
		obs[i].t_x = floor(obs[i].t_x * 7.0) / 7.0;
	}
	distinct = btyd_bgnbd_compact(obs, n);
	t0 = cpu_seconds();
	btyd_pareto_fit(obs, distinct, NULL, &fit);
	t_fit = cpu_seconds() - t0;
	est = (BtydParetoParams) {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};
	t0 = cpu_seconds();
	have_cov = fit.converged && btyd_pareto_log_cov(&est, obs, distinct, cov);
	t_cov = cpu_seconds() - t0;
	printf("%8zu customers, Pareto/NBD %-14s: %8zu distinct triples, fit %.3fs (%d iterations, %d evaluations, "
		   "converged %s), covariance %.3fs (%s)\n",
		   n, label, distinct, t_fit, fit.iterations, fit.evaluations, fit.converged ? "yes" : "no",
		   t_cov, have_cov ? "positive definite" : "none");
	printf("%8s estimates r=%.4f alpha=%.3f s=%.4f beta=%.4f (truth %g, %g, %g, %g)\n", "",
		   fit.params[0], fit.params[1], fit.params[2], fit.params[3],
		   truth->r, truth->alpha, truth->s, truth->beta);
	free(obs);
}

int
main(void)
{
	static const BtydParetoParams cdnow = {0.55, 10.58, 0.61, 11.67};
	static const BtydParetoParams near_one = {1.5, 40.0, 0.3, 0.8};

	bench(100000, false);
	bench(100000, true);
	bench(1000000, false);
	bench(1000000, true);
	bench_pareto(100000, &cdnow, "(CDNOW's)");
	bench_pareto(100000, &near_one, "(beta << alpha)");
	bench_pareto(1000000, &cdnow, "(CDNOW's)");
	bench_pareto(1000000, &near_one, "(beta << alpha)");
	return 0;
}
