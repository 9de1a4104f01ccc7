/*
 * fuzz_paretonbd_predict.c
 *		libFuzzer target for the Pareto/NBD functions of src/core/paretonbd.c
 *		with extreme parameters: btyd_pareto_loglik_one, btyd_pareto_loglik
 *		(the fit's, by quadrature, with its gradient), btyd_pareto_p_alive,
 *		btyd_pareto_expected, btyd_pareto_p_purchase and
 *		btyd_pareto_dormant_age.
 *
 * Parameters are spread log-uniformly over [1e-3, 1e3] (the range of
 * fitted models; btyd_hyp2f1 is not validated for parameters in the
 * hundreds beyond that), a customer has x <= 1000 repeat purchases, ages
 * up to 1e5 time units and prediction horizons up to 1e5.
 *
 * Invariants: the log-likelihood is finite and not above 0 plus the
 * log-density slack of continuous times (finite is what is checked);
 * p_alive is a number in [0, 1], exactly 1 when t_x = T; expected
 * purchases are finite, >= 0, 0 at t = 0 and do not decrease with t; the
 * probability of a purchase in t is in [0, p_alive], 0 at t = 0, and does
 * not decrease with t; the fit's log-likelihood (by quadrature) and its
 * gradient are finite and the log-likelihood within 1e-8 (relative to
 * max(1, |ll|)) of btyd_pareto_loglik_one's; the dormant age at a threshold
 * in (0, 1) is Infinity or at least t_x with P(alive) there within 1e-6 of
 * the threshold.
 */
#include "fuzz_common.h"
#include "paretonbd.h"

#define FZ_T "fuzz_paretonbd_predict"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	BtydParetoParams m;
	double		x,
				t_x,
				age,
				t,
				ll,
				pa,
				e,
				e_half,
				pp,
				pp_half,
				ll_fit,
				grad[4],
				threshold,
				dormant;
	BtydBgnbdObs obs;
	uint8_t		sel;

	fz_reader_init(&r, data, size);
	sel = fz_u8(&r);
	m.r = fz_log_uniform(&r, 1e-3, 1e3);
	m.alpha = fz_log_uniform(&r, 1e-3, 1e3);
	m.s = fz_log_uniform(&r, 1e-3, 1e3);
	m.beta = sel & 1 ? m.alpha * fz_uniform(&r, 0.5, 2) : fz_log_uniform(&r, 1e-3, 1e3);
	x = sel & 2 ? (double) (fz_u8(&r) % 8) : floor(fz_log_uniform(&r, 1, 1e3));
	if (sel & 4)
		x = 0;
	age = sel & 8 ? 0 : fz_log_uniform(&r, 1e-3, 1e5);
	t_x = x > 0 ? age * fz_uniform(&r, 0, 1) : 0;
	if (x > 0 && (sel & 16))
		t_x = age;
	t = fz_log_uniform(&r, 1e-3, 1e5);
	threshold = fz_uniform(&r, 0.01, 0.99);

	FZ_CHECK(FZ_T, btyd_bgnbd_check_obs(x, t_x, age) == BTYD_OBS_OK, "harness made a bad observation");

	ll = btyd_pareto_loglik_one(&m, x, t_x, age);
	FZ_CHECK(FZ_T, isfinite(ll),
			 "loglik %.17g at r=%.17g alpha=%.17g s=%.17g beta=%.17g x=%.17g t_x=%.17g T=%.17g",
			 ll, m.r, m.alpha, m.s, m.beta, x, t_x, age);
	pa = btyd_pareto_p_alive(&m, x, t_x, age);
	FZ_CHECK(FZ_T, pa >= 0 && pa <= 1 && (t_x < age || pa == 1),
			 "p_alive %.17g at r=%.17g alpha=%.17g s=%.17g beta=%.17g x=%.17g t_x=%.17g T=%.17g",
			 pa, m.r, m.alpha, m.s, m.beta, x, t_x, age);
	e = btyd_pareto_expected(&m, t, x, t_x, age);
	FZ_CHECK(FZ_T, isfinite(e) && e >= 0,
			 "expected %.17g at r=%.17g alpha=%.17g s=%.17g beta=%.17g t=%.17g x=%.17g t_x=%.17g T=%.17g",
			 e, m.r, m.alpha, m.s, m.beta, t, x, t_x, age);
	e_half = btyd_pareto_expected(&m, t / 2, x, t_x, age);
	FZ_CHECK(FZ_T, isfinite(e_half) && e_half <= e * (1 + 1e-9) + 1e-300,
			 "expected %.17g at t/2 but %.17g at t=%.17g", e_half, e, t);
	FZ_CHECK(FZ_T, btyd_pareto_expected(&m, 0, x, t_x, age) == 0, "expected at t = 0");
	pp = btyd_pareto_p_purchase(&m, t, x, t_x, age);
	FZ_CHECK(FZ_T, pp >= 0 && pp <= pa * (1 + 1e-12),
			 "p_purchase %.17g (p_alive %.17g) at r=%.17g alpha=%.17g s=%.17g beta=%.17g t=%.17g x=%.17g t_x=%.17g T=%.17g",
			 pp, pa, m.r, m.alpha, m.s, m.beta, t, x, t_x, age);
	pp_half = btyd_pareto_p_purchase(&m, t / 2, x, t_x, age);
	FZ_CHECK(FZ_T, pp_half >= 0 && pp_half <= pp + 1e-9,
			 "p_purchase %.17g at t/2 but %.17g at t=%.17g", pp_half, pp, t);
	FZ_CHECK(FZ_T, btyd_pareto_p_purchase(&m, 0, x, t_x, age) == 0, "p_purchase at t = 0");

	obs = (BtydBgnbdObs) {.x = x, .t_x = t_x, .T = age, .count = 1};
	ll_fit = btyd_pareto_loglik(&m, &obs, 1, grad);
	FZ_CHECK(FZ_T, isfinite(ll_fit) && fabs(ll_fit - ll) <= 1e-8 * fmax(1, fabs(ll)) &&
			 isfinite(grad[0]) && isfinite(grad[1]) && isfinite(grad[2]) && isfinite(grad[3]),
			 "fit's loglik %.17g (one: %.17g), gradient %g %g %g %g at r=%.17g alpha=%.17g s=%.17g beta=%.17g x=%.17g t_x=%.17g T=%.17g",
			 ll_fit, ll, grad[0], grad[1], grad[2], grad[3], m.r, m.alpha, m.s, m.beta, x, t_x, age);
	dormant = btyd_pareto_dormant_age(&m, x, t_x, threshold);
	FZ_CHECK(FZ_T, isinf(dormant) ||
			 (dormant >= t_x && fabs(btyd_pareto_p_alive(&m, x, t_x, dormant) - threshold) <= 1e-6),
			 "dormant age %.17g (p_alive there %.17g, threshold %.17g) at r=%.17g alpha=%.17g s=%.17g beta=%.17g x=%.17g t_x=%.17g",
			 dormant, btyd_pareto_p_alive(&m, x, t_x, dormant), threshold, m.r, m.alpha, m.s, m.beta, x, t_x);
	return 0;
}
