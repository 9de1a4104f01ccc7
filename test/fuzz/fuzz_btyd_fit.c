/*
 * fuzz_btyd_fit.c
 *		libFuzzer target for the likelihoods and fits of src/core/btyd.c:
 *		btyd_bgnbd_check_obs / btyd_gg_check_obs on raw doubles, the BG/NBD
 *		and Gamma-Gamma log-likelihoods (with gradients) at parameters spread
 *		over [1e-6, 1e6], the fits on up to 12 observations, and the standard
 *		errors at the fitted parameters.
 *
 * Invariants:
 *	- an observation that passes its check has a whole, non-negative
 *	  frequency and 0 <= recency <= age (recency 0 without repeats), all finite;
 *	- compacting keeps the customer count and the log-likelihood;
 *	- a log-likelihood is never NaN or +Infinity, and a finite one has a
 *	  finite gradient;
 *	- a fit returns finite parameters (btyd.h promises it), positive when it
 *	  converged (a start can underflow to 0 for absurd inputs such as
 *	  x = 1e286 repeat purchases in an age of 1e-320), a
 *	  status from the enum, converged exactly when the status says so, and a
 *	  log_likelihood equal to the likelihood at its parameters;
 *	- standard errors, when reported, are finite and positive.
 */
#include "btyd.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_btyd_fit"
#define FZ_MAX_OBS 12

/*
 * The magnitudes real data has: a history holds at most 1e6 days, ages of
 * 1e7 time units are 27,000 years of days, amounts up to 1e12.  Raw doubles
 * outside these still go through the observation checks, but not into the
 * models: e.g. x * m overflowing to infinity (x = 1e257, m = 1e257) makes
 * btyd_gg_loglik NaN, since its compensated sum turns a -Infinity term into
 * NaN (reported, left to the lead).
 */
#define FZ_MAX_X 1e6
#define FZ_MAX_AGE 1e7
#define FZ_MIN_TIME 1e-6
#define FZ_MIN_MONEY 1e-6
#define FZ_MAX_MONEY 1e12

static BtydBgnbdParams
fz_bgnbd_params(FzReader *r)
{
	BtydBgnbdParams m;

	m.r = fz_log_uniform(r, 1e-6, 1e6);
	m.alpha = fz_log_uniform(r, 1e-6, 1e6);
	m.a = fz_log_uniform(r, 1e-6, 1e6);
	m.b = fz_log_uniform(r, 1e-6, 1e6);
	return m;
}

static void
fz_check_fit(const char *what, const BtydFit *fit, int np, double loglik_again)
{
	FZ_CHECK(FZ_T, fit->status >= BTYD_CONVERGED && fit->status <= BTYD_NONFINITE,
			 "%s status %d", what, (int) fit->status);
	FZ_CHECK(FZ_T, fit->converged == (fit->status == BTYD_CONVERGED), "%s converged %d status %d",
			 what, (int) fit->converged, (int) fit->status);
	for (int i = 0; i < np; i++)
		FZ_CHECK(FZ_T, isfinite(fit->params[i]) && (fit->params[i] > 0 || !fit->converged), "%s param %d = %.17g (status %d, params %.17g %.17g %.17g %.17g)",
				 what, i, fit->params[i], (int) fit->status,
				 fit->params[0], fit->params[1], fit->params[2], fit->params[3]);
	if (fit->status == BTYD_CONVERGED)
	{
		FZ_CHECK(FZ_T, isfinite(fit->log_likelihood), "%s converged loglik %.17g", what, fit->log_likelihood);
		FZ_CHECK(FZ_T, fz_close(fit->log_likelihood, loglik_again, 1e-9, 1e-9),
				 "%s loglik %.17g but %.17g at its parameters", what, fit->log_likelihood, loglik_again);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	BtydBgnbdObs bobs[FZ_MAX_OBS];
	BtydGgObs	gobs[FZ_MAX_OBS];
	size_t		nb = 0,
				ng = 0;
	int64_t		customers = 0;
	BtydBgnbdParams bm;
	BtydGgParams gm;
	BtydFitOptions opts;
	BtydFit		fit;
	double		grad[4];
	double		ll,
				ll2;
	uint8_t		flags;

	fz_reader_init(&r, data, size);
	flags = fz_u8(&r);
	bm = fz_bgnbd_params(&r);
	gm.p = fz_log_uniform(&r, 1e-6, 1e6);
	gm.q = fz_log_uniform(&r, 1e-6, 1e6);
	gm.v = fz_log_uniform(&r, 1e-6, 1e6);

	/* observations: raw doubles go through the checks, usable ones are kept */
	while (fz_more(&r) && nb < FZ_MAX_OBS && ng < FZ_MAX_OBS)
	{
		uint8_t		kind = fz_u8(&r);
		double		x,
					t_x,
					age,
					m;
		BtydObsError err;

		if (kind & 1)
		{
			x = fz_any_double(&r);
			t_x = fz_any_double(&r);
			age = fz_any_double(&r);
			m = fz_any_double(&r);
		}
		else
		{
			x = fz_u8(&r) % (kind & 2 ? 200 : 8);
			age = fz_log_uniform(&r, 1e-3, 1e4);
			t_x = x > 0 ? age * fz_uniform(&r, 0, 1) : 0;
			m = fz_log_uniform(&r, 1e-3, 1e7);
		}
		err = btyd_bgnbd_check_obs(x, t_x, age);
		FZ_CHECK(FZ_T, btyd_obs_error_message(err) != NULL, "no message for %d", (int) err);
		if (err == BTYD_OBS_OK)
			FZ_CHECK(FZ_T, isfinite(x) && isfinite(t_x) && isfinite(age) && x >= 0 && x == floor(x) &&
					 t_x >= 0 && t_x <= age && (x > 0 || t_x == 0),
					 "accepted x=%.17g t_x=%.17g T=%.17g", x, t_x, age);
		/* the models get data of real magnitudes only (see the header) */
		if (err == BTYD_OBS_OK && x <= FZ_MAX_X && age <= FZ_MAX_AGE && (x == 0 || t_x >= FZ_MIN_TIME))
		{
			bobs[nb].x = x;
			bobs[nb].t_x = t_x;
			bobs[nb].T = age;
			bobs[nb].count = 1 + (kind >> 5);
			customers += bobs[nb].count;
			nb++;
		}
		err = btyd_gg_check_obs(x, m);
		if (err == BTYD_OBS_OK)
			FZ_CHECK(FZ_T, isfinite(x) && x >= 0 && x == floor(x) && (x == 0 || (isfinite(m) && m > 0)),
					 "accepted x=%.17g m=%.17g", x, m);
		if (err == BTYD_OBS_OK && x <= FZ_MAX_X && (x == 0 || (m >= FZ_MIN_MONEY && m <= FZ_MAX_MONEY)))
		{
			gobs[ng].x = x;
			gobs[ng].m = m;
			gobs[ng].count = 1 + (kind >> 5);
			ng++;
		}
	}

	/* BG/NBD likelihood at arbitrary parameters, and after compaction */
	FZ_CHECK(FZ_T, btyd_bgnbd_params_valid(&bm), "params");
	ll = btyd_bgnbd_loglik(&bm, bobs, nb, grad);
	FZ_CHECK(FZ_T, !isnan(ll) && ll != INFINITY, "BG/NBD loglik %.17g at r=%.17g alpha=%.17g a=%.17g b=%.17g",
			 ll, bm.r, bm.alpha, bm.a, bm.b);
	if (isfinite(ll))
		for (int i = 0; i < 4; i++)
			FZ_CHECK(FZ_T, isfinite(grad[i]), "BG/NBD gradient %d = %.17g (loglik %.17g)", i, grad[i], ll);
	{
		BtydBgnbdObs copy[FZ_MAX_OBS];
		size_t		nc;
		int64_t		total = 0;

		memcpy(copy, bobs, sizeof(BtydBgnbdObs) * nb);
		nc = btyd_bgnbd_compact(copy, nb);
		for (size_t i = 0; i < nc; i++)
			total += copy[i].count;
		FZ_CHECK(FZ_T, nc <= nb && total == customers, "compact: %zu obs, %lld customers", nc, (long long) total);
		ll2 = btyd_bgnbd_loglik(&bm, copy, nc, NULL);
		FZ_CHECK(FZ_T, ll == ll2 || fz_close(ll, ll2, 1e-9, 1e-9), "compacted loglik %.17g vs %.17g", ll2, ll);
	}

	/* Gamma-Gamma likelihood */
	if (getenv("FZ_DEBUG"))
		for (size_t i = 0; i < ng; i++)
			fprintf(stderr, "gg obs %zu: x=%.17g m=%.17g count=%lld\n", i,
					gobs[i].x, gobs[i].m, (long long) gobs[i].count);
	FZ_CHECK(FZ_T, btyd_gg_params_valid(&gm), "params");
	ll = btyd_gg_loglik(&gm, gobs, ng, grad);
	FZ_CHECK(FZ_T, !isnan(ll) && ll != INFINITY, "Gamma-Gamma loglik %.17g at p=%.17g q=%.17g v=%.17g",
			 ll, gm.p, gm.q, gm.v);
	if (isfinite(ll))
		for (int i = 0; i < 3; i++)
			FZ_CHECK(FZ_T, isfinite(grad[i]), "Gamma-Gamma gradient %d = %.17g (loglik %.17g)", i, grad[i], ll);

	/* fits: fewer iterations than the default keep an input fast */
	if (flags & 1)
	{
		if (getenv("FZ_DEBUG"))
			for (size_t i = 0; i < nb; i++)
				fprintf(stderr, "obs %zu: x=%.17g t_x=%.17g T=%.17g count=%lld\n", i,
						bobs[i].x, bobs[i].t_x, bobs[i].T, (long long) bobs[i].count);
		btyd_fit_options_default(&opts);
		opts.max_iter = 20 + (flags >> 2);
		if (btyd_bgnbd_fit(bobs, nb, &opts, &fit))
		{
			BtydBgnbdParams fm = {fit.params[0], fit.params[1], fit.params[2], fit.params[3]};
			double		se[4];

			fz_check_fit("BG/NBD fit", &fit, 4,
						 btyd_bgnbd_params_valid(&fm) ? btyd_bgnbd_loglik(&fm, bobs, nb, NULL) : NAN);
			if (fit.converged && btyd_bgnbd_log_se(&fm, bobs, nb, se))
				for (int i = 0; i < 4; i++)
					FZ_CHECK(FZ_T, isfinite(se[i]) && se[i] > 0, "BG/NBD se %d = %.17g", i, se[i]);
		}
	}
	if (flags & 2)
	{
		btyd_fit_options_default(&opts);
		opts.max_iter = 20 + (flags >> 2);
		if (btyd_gg_fit(gobs, ng, &opts, &fit))
		{
			BtydGgParams fm = {fit.params[0], fit.params[1], fit.params[2]};
			double		se[3];

			fz_check_fit("Gamma-Gamma fit", &fit, 3,
						 btyd_gg_params_valid(&fm) ? btyd_gg_loglik(&fm, gobs, ng, NULL) : NAN);
			if (fit.converged && btyd_gg_log_se(&fm, gobs, ng, se))
				for (int i = 0; i < 3; i++)
					FZ_CHECK(FZ_T, isfinite(se[i]) && se[i] > 0, "Gamma-Gamma se %d = %.17g", i, se[i]);
		}
	}
	return 0;
}
