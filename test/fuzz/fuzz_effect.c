/*
 * fuzz_effect.c
 *		libFuzzer target for src/core/effect.c: the statistics of a
 *		campaign's effect.
 *
 * Input: counts (any int64, half of them drawn small so that valid groups
 * are common), means and variances (any double, NaN and infinities
 * included, or small ones), degrees of freedom.
 *
 * Invariants:
 *	- a difference of proportions is valid exactly when 0 <= x <= n and
 *	  n > 0 in both groups; then -1 <= lower <= estimate <= upper <= 1, the
 *	  estimate is x1/n1 - x2/n2, and swapping the groups negates it and its
 *	  interval;
 *	- Wilson's interval lies in [0, 1] and holds x / n;
 *	- a bounded difference of means holds its estimate, is finite and
 *	  symmetric about it, and twice as wide with four times both variances;
 *	- the number needed to treat is 1 / difference, bounded only when the
 *	  difference's interval excludes 0, and then holds its estimate, every
 *	  bound of the sign of the estimate;
 *	- the 0.975 t quantile is at least the normal one for any df > 0.
 */
#include "effect.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_effect"

static int64_t
fz_count(FzReader *r)
{
	uint8_t		sel = fz_u8(r);

	if (sel < 160)
		return (int64_t) (fz_u16(r) % 2000);
	if (sel < 200)
		return (int64_t) fz_u8(r) - 3;
	return (int64_t) fz_u64(r);
}

static double
fz_value(FzReader *r)
{
	uint8_t		sel = fz_u8(r);

	if (sel < 128)
		return fz_uniform(r, -1e5, 1e5);
	if (sel < 192)
		return fz_log_uniform(r, 1e-300, 1e300);
	return fz_any_double(r);
}

static void
check_nnt(EffectInterval d)
{
	EffectInterval n = effect_number_needed(d);

	FZ_CHECK(FZ_T, n.valid == (d.valid && d.estimate != 0.0 && isfinite(d.estimate)),
			 "number needed valid %d for difference %g", n.valid, d.estimate);
	if (!n.valid)
		return;
	FZ_CHECK(FZ_T, n.estimate == 1.0 / d.estimate, "number needed %g for difference %g", n.estimate, d.estimate);
	FZ_CHECK(FZ_T, n.bounded == (d.bounded && (d.lower > 0.0 || d.upper < 0.0)),
			 "number needed bounded %d for (%g, %g)", n.bounded, d.lower, d.upper);
	if (n.bounded)
	{
		FZ_CHECK(FZ_T, n.lower <= n.estimate && n.estimate <= n.upper,
				 "number needed %g outside (%g, %g)", n.estimate, n.lower, n.upper);
		FZ_CHECK(FZ_T, (n.lower > 0.0) == (n.estimate > 0.0) && (n.upper > 0.0) == (n.estimate > 0.0),
				 "number needed (%g, %g) crosses 0 (estimate %g)", n.lower, n.upper, n.estimate);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	int64_t		x1,
				n1,
				x2,
				n2;
	double		lo,
				hi,
				m1,
				v1,
				m2,
				v2,
				c1,
				c2,
				df,
				t;
	EffectInterval d,
				s;
	bool		want;

	fz_reader_init(&r, data, size);
	n1 = fz_count(&r);
	x1 = fz_count(&r);
	n2 = fz_count(&r);
	x2 = fz_count(&r);
	if (fz_u8(&r) & 1 && n1 > 0)
		x1 = (int64_t) ((uint64_t) x1 % ((uint64_t) n1 + 1));

	/* Wilson */
	if (effect_wilson(x1, n1, EFFECT_Z95, &lo, &hi))
	{
		double		p = (double) x1 / (double) n1;

		FZ_CHECK(FZ_T, 0.0 <= lo && lo <= p && p <= hi && hi <= 1.0,
				 "Wilson (%g, %g) of %lld/%lld", lo, hi, (long long) x1, (long long) n1);
	}
	else
		FZ_CHECK(FZ_T, !(n1 > 0 && x1 >= 0 && x1 <= n1), "Wilson refused %lld/%lld", (long long) x1, (long long) n1);

	/* the difference of proportions */
	d = effect_proportion_difference(x1, n1, x2, n2);
	want = n1 > 0 && n2 > 0 && x1 >= 0 && x2 >= 0 && x1 <= n1 && x2 <= n2;
	FZ_CHECK(FZ_T, d.valid == want && d.bounded == want, "valid %d for %lld/%lld - %lld/%lld",
			 d.valid, (long long) x1, (long long) n1, (long long) x2, (long long) n2);
	if (d.valid)
	{
		FZ_CHECK(FZ_T, -1.0 <= d.lower && d.lower <= d.estimate && d.estimate <= d.upper && d.upper <= 1.0,
				 "%g (%g, %g)", d.estimate, d.lower, d.upper);
		FZ_CHECK(FZ_T, d.estimate == (double) x1 / (double) n1 - (double) x2 / (double) n2, "estimate %g", d.estimate);
		s = effect_proportion_difference(x2, n2, x1, n1);
		FZ_CHECK(FZ_T, s.estimate == -d.estimate && fz_close(s.lower, -d.upper, 1e-12, 1e-14) &&
				 fz_close(s.upper, -d.lower, 1e-12, 1e-14),
				 "swapped %g (%g, %g) against %g (%g, %g)", s.estimate, s.lower, s.upper, d.estimate, d.lower, d.upper);
	}
	check_nnt(d);

	/* the difference of means */
	c1 = (double) (fz_u16(&r) % 5000);
	c2 = (double) (fz_u16(&r) % 5000);
	if (fz_u8(&r) == 7)
		c1 = fz_any_double(&r);
	m1 = fz_value(&r);
	v1 = fz_value(&r);
	m2 = fz_value(&r);
	v2 = fz_value(&r);
	d = effect_mean_difference(c1, m1, v1, c2, m2, v2);
	FZ_CHECK(FZ_T, d.valid == (c1 > 0 && c2 > 0 && isfinite(c1) && isfinite(c2) && isfinite(m1) &&
							   isfinite(m2) && isfinite(m1 - m2)),
			 "mean difference valid %d", d.valid);
	FZ_CHECK(FZ_T, !d.bounded || d.valid, "bounded but not valid");
	if (d.valid)
		FZ_CHECK(FZ_T, d.estimate == m1 - m2, "estimate %g of %g - %g", d.estimate, m1, m2);
	if (d.bounded)
	{
		FZ_CHECK(FZ_T, c1 >= 2 && c2 >= 2 && v1 >= 0 && v2 >= 0, "bounded with n %g, %g var %g, %g", c1, c2, v1, v2);
		FZ_CHECK(FZ_T, isfinite(d.lower) && isfinite(d.upper) && d.lower <= d.estimate && d.estimate <= d.upper,
				 "%g (%g, %g)", d.estimate, d.lower, d.upper);
		FZ_CHECK(FZ_T, fz_close(d.upper - d.estimate, d.estimate - d.lower, 1e-6, 1e-9 * fmax(1.0, fabs(d.estimate))),
				 "asymmetric (%g, %g) about %g", d.lower, d.upper, d.estimate);
		/* the degrees of freedom depend only on the ratio of the variances */
		s = effect_mean_difference(c1, m1, v1 * 4.0, c2, m2, v2 * 4.0);
		if (s.bounded && isfinite(v1 * 4.0) && isfinite(v2 * 4.0) && d.upper > d.lower)
			FZ_CHECK(FZ_T, fz_close(s.upper - s.lower, 2.0 * (d.upper - d.lower), 1e-6, 1e-9 * fmax(1.0, fabs(d.estimate))),
					 "four times the variances: width %g, not twice %g", s.upper - s.lower, d.upper - d.lower);
	}
	check_nnt(d);

	/* Student's t */
	df = fz_log_uniform(&r, 1e-3, 1e9);
	t = effect_t_quantile(0.975, df);
	FZ_CHECK(FZ_T, t >= EFFECT_Z95 * (1.0 - 1e-12), "t quantile %g with %g df", t, df);
	FZ_CHECK(FZ_T, effect_t_quantile(0.025, df) == -t, "t quantile not symmetric at %g df", df);
	return 0;
}
