/*
 * fuzz_btyd_predict.c
 *		libFuzzer target for the predictions of src/core/btyd.c with extreme
 *		parameters: btyd_bgnbd_p_alive, btyd_bgnbd_expected,
 *		btyd_bgnbd_expected_new, btyd_gg_expected_spend and btyd_clv, plus
 *		the special functions btyd_hyp2f1 / btyd_hyp2f1_excess on raw
 *		doubles (no crash; NaN beyond z = 1 unless the series terminates).
 *
 * BG/NBD parameters are spread log-uniformly over [1e-4, 3e4] (r up to 1e4,
 * b up to 20 a; the fits of issue 10 item 4 reached a = 3000, b = 27000);
 * Gamma-Gamma parameters over [1e-4, 1e6].  A customer has x <= 1e4 repeat
 * purchases, ages up to 1e5 time units, prediction horizons up to 1e5 and
 * CLV horizons up to 12 periods (CLV on one input in four).
 *
 * Invariants: p_alive is a number in [0, 1]; expected purchases are finite,
 * >= 0 and do not decrease with the horizon; E[X(t)] of a new customer is
 * finite, >= 0; the expected spend is +Infinity exactly when p x + q <= 1
 * (documented), else finite and positive; CLV is finite and >= 0 when the
 * spend is finite.  A NaN or infinite expectation for valid inputs (the
 * "expected purchases is out of range" error of item 4) is a violation.
 */
#include "btyd.h"
#include "fuzz_common.h"
#include "specfun.h"

#define FZ_T "fuzz_btyd_predict"

/*
 * Upper ends of the BG/NBD parameters, the repeat purchases and the CLV
 * horizon.  The cost of one expectation grows linearly with r + x (about
 * 3.5 ms at r + x = 1e4, 10 ms at 3e4 and 20 ms at 1e5 without sanitizers,
 * several times more with them: issue 10 item 6), so wider ranges make the
 * bounded run see too few inputs.
 */
#define FZ_MAX_PARAM 3e4
#define FZ_MAX_R 1e4
#define FZ_MAX_X 1e4
#define FZ_MAX_HORIZON 12

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	BtydBgnbdParams bg;
	BtydGgParams gg;
	double		x,
				t_x,
				age,
				t,
				mean_value,
				pa,
				e,
				e_half,
				e_new,
				spend;
	uint8_t		sel;

	fz_reader_init(&r, data, size);
	sel = fz_u8(&r);

	/* the special functions on anything: they must return, NaN or not */
	if (sel & 0x80)
	{
		double		a = fz_any_double(&r),
					b = fz_any_double(&r),
					c = fz_any_double(&r),
					z = fz_any_double(&r);
		double		h = btyd_hyp2f1(a, b, c, z);

		(void) btyd_hyp2f1_excess(a, b, c, z < 1 ? z : -z);
		/* beyond z = 1 only the polynomial case (a or b 0 or a negative integer) has a value */
		FZ_CHECK(FZ_T, !(z > 1) || isnan(h) || (a <= 0 && a == floor(a)) || (b <= 0 && b == floor(b)),
				 "2F1(%g, %g; %g; %g) = %g beyond z = 1", a, b, c, z, h);
		(void) btyd_digamma(a);
		if (a > 0 && b >= 0)
		{
			(void) btyd_lgamma_diff(a, b);
			(void) btyd_digamma_diff(a, b);
		}
		return 0;
	}

	bg.r = fz_log_uniform(&r, 1e-4, FZ_MAX_R);
	bg.alpha = fz_log_uniform(&r, 1e-4, FZ_MAX_PARAM);
	bg.a = fz_log_uniform(&r, 1e-4, FZ_MAX_PARAM);
	bg.b = sel & 1 ? bg.a * fz_uniform(&r, 0.5, 20) : fz_log_uniform(&r, 1e-4, FZ_MAX_PARAM);
	gg.p = fz_log_uniform(&r, 1e-4, 1e6);
	gg.q = fz_log_uniform(&r, 1e-4, 1e6);
	gg.v = fz_log_uniform(&r, 1e-4, 1e6);
	x = sel & 2 ? (double) (fz_u8(&r) % 8) : floor(fz_log_uniform(&r, 1, FZ_MAX_X));
	if (sel & 4)
		x = 0;
	age = sel & 8 ? 0 : fz_log_uniform(&r, 1e-3, 1e5);
	t_x = x > 0 ? age * fz_uniform(&r, 0, 1) : 0;
	if (x > 0 && (sel & 16))
		t_x = age;				/* last purchase on the as-of day */
	t = fz_log_uniform(&r, 1e-3, 1e5);
	mean_value = fz_log_uniform(&r, 1e-2, 1e7);

	FZ_CHECK(FZ_T, btyd_bgnbd_check_obs(x, t_x, age) == BTYD_OBS_OK, "harness made a bad observation");

	pa = btyd_bgnbd_p_alive(&bg, x, t_x, age);
	FZ_CHECK(FZ_T, pa >= 0 && pa <= 1,
			 "p_alive %.17g at r=%.17g alpha=%.17g a=%.17g b=%.17g x=%.17g t_x=%.17g T=%.17g",
			 pa, bg.r, bg.alpha, bg.a, bg.b, x, t_x, age);

	e = btyd_bgnbd_expected(&bg, t, x, t_x, age);
	FZ_CHECK(FZ_T, isfinite(e) && e >= 0,
			 "expected %.17g at r=%.17g alpha=%.17g a=%.17g b=%.17g t=%.17g x=%.17g t_x=%.17g T=%.17g",
			 e, bg.r, bg.alpha, bg.a, bg.b, t, x, t_x, age);
	e_half = btyd_bgnbd_expected(&bg, t / 2, x, t_x, age);
	FZ_CHECK(FZ_T, isfinite(e_half) && e_half <= e * (1 + 1e-6) + 1e-12,
			 "expected %.17g at t/2 but %.17g at t=%.17g (r=%.17g alpha=%.17g a=%.17g b=%.17g x=%.17g t_x=%.17g T=%.17g)",
			 e_half, e, t, bg.r, bg.alpha, bg.a, bg.b, x, t_x, age);
	FZ_CHECK(FZ_T, btyd_bgnbd_expected(&bg, 0, x, t_x, age) == 0, "expected at t = 0");

	e_new = btyd_bgnbd_expected_new(&bg, t);
	FZ_CHECK(FZ_T, isfinite(e_new) && e_new >= 0,
			 "expected_new %.17g at r=%.17g alpha=%.17g a=%.17g b=%.17g t=%.17g",
			 e_new, bg.r, bg.alpha, bg.a, bg.b, t);

	spend = btyd_gg_expected_spend(&gg, x, mean_value);
	if (gg.p * x + gg.q - 1.0 <= 0)
		FZ_CHECK(FZ_T, spend == INFINITY, "spend %.17g without a mean", spend);
	else if (sel & 32)
	{
		int			horizon = fz_u8(&r) % (FZ_MAX_HORIZON + 1);
		double		discount = fz_uniform(&r, 0, 1);
		double		period = fz_log_uniform(&r, 1e-2, 400);
		double		clv;

		FZ_CHECK(FZ_T, isfinite(spend) && spend > 0, "spend %.17g at p=%.17g q=%.17g v=%.17g x=%.17g m=%.17g",
				 spend, gg.p, gg.q, gg.v, x, mean_value);
		clv = btyd_clv(&bg, &gg, x, t_x, age, mean_value, horizon, discount, period);
		FZ_CHECK(FZ_T, isfinite(clv) && clv >= -1e-9 * spend,
				 "clv %.17g (spend %.17g, horizon %d, discount %.17g, period %.17g)",
				 clv, spend, horizon, discount, period);
	}
	return 0;
}
