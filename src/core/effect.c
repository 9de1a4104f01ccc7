/*
 * effect.c
 *		The statistics of a campaign's effect: Newcombe's interval for a
 *		difference of proportions, Welch's interval for a difference of means,
 *		the number needed to treat (effect.h; docs/campaign_effect.md).
 */
#include "effect.h"

#include <float.h>
#include <math.h>

/* Wilson's score interval for x / n. */
bool
effect_wilson(int64_t x, int64_t n, double z, double *lower, double *upper)
{
	double		nn,
				p,
				z2,
				denom,
				centre,
				half,
				lo,
				hi;

	if (n <= 0 || x < 0 || x > n || !(z > 0.0) || !isfinite(z))
		return false;
	nn = (double) n;
	p = (double) x / nn;
	z2 = z * z;
	denom = 1.0 + z2 / nn;
	centre = (p + z2 / (2.0 * nn)) / denom;
	half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
	lo = centre - half;
	hi = centre + half;
	/* exact at the ends, where the two terms cancel up to rounding */
	if (x == 0 || lo < 0.0)
		lo = 0.0;
	if (x == n || hi > 1.0)
		hi = 1.0;
	/* rounding must not leave p outside its own interval */
	if (lo > p)
		lo = p;
	if (hi < p)
		hi = p;
	*lower = lo;
	*upper = hi;
	return true;
}

/* Newcombe's hybrid score interval (method 10) for x1/n1 - x2/n2. */
EffectInterval
effect_proportion_difference(int64_t x1, int64_t n1, int64_t x2, int64_t n2)
{
	EffectInterval r = {false, false, 0.0, 0.0, 0.0};
	double		l1,
				u1,
				l2,
				u2,
				p1,
				p2,
				d;

	if (!effect_wilson(x1, n1, EFFECT_Z95, &l1, &u1) ||
		!effect_wilson(x2, n2, EFFECT_Z95, &l2, &u2))
		return r;
	p1 = (double) x1 / (double) n1;
	p2 = (double) x2 / (double) n2;
	d = p1 - p2;
	r.valid = true;
	r.bounded = true;
	r.estimate = d;
	r.lower = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
	r.upper = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
	/* the bounds are within [-1, 1] in exact arithmetic; keep them so */
	if (r.lower < -1.0)
		r.lower = -1.0;
	if (r.upper > 1.0)
		r.upper = 1.0;
	if (r.lower > d)
		r.lower = d;
	if (r.upper < d)
		r.upper = d;
	return r;
}

/* Welch's interval for mean1 - mean2. */
EffectInterval
effect_mean_difference(double n1, double mean1, double var1,
					   double n2, double mean2, double var2)
{
	EffectInterval r = {false, false, 0.0, 0.0, 0.0};
	double		a,
				b,
				se,
				df,
				t,
				d;

	if (!(n1 > 0.0) || !(n2 > 0.0) || !isfinite(n1) || !isfinite(n2) ||
		!isfinite(mean1) || !isfinite(mean2))
		return r;
	d = mean1 - mean2;
	if (!isfinite(d))
		return r;
	r.valid = true;
	r.estimate = d;
	if (!(n1 >= 2.0) || !(n2 >= 2.0) || !(var1 >= 0.0) || !(var2 >= 0.0) ||
		!isfinite(var1) || !isfinite(var2))
		return r;
	a = var1 / n1;
	b = var2 / n2;
	se = sqrt(a + b);
	if (!isfinite(se))
		return r;
	if (se == 0.0)
	{
		/* no spread in either group: the difference is what it is */
		r.bounded = true;
		r.lower = d;
		r.upper = d;
		return r;
	}
	/* Welch-Satterthwaite, scaled to keep the squares finite */
	{
		double		s = a + b,
					fa = a / s,
					fb = b / s;

		df = 1.0 / (fa * fa / (n1 - 1.0) + fb * fb / (n2 - 1.0));
	}
	t = effect_t_quantile(0.975, df);
	if (!isfinite(t) || !isfinite(t * se))
		return r;
	r.bounded = true;
	r.lower = d - t * se;
	r.upper = d + t * se;
	if (!isfinite(r.lower) || !isfinite(r.upper))
		r.bounded = false;
	return r;
}

/* The number needed to treat, 1 / difference. */
EffectInterval
effect_number_needed(EffectInterval difference)
{
	EffectInterval r = {false, false, 0.0, 0.0, 0.0};

	if (!difference.valid || difference.estimate == 0.0 || !isfinite(difference.estimate))
		return r;
	r.valid = true;
	r.estimate = 1.0 / difference.estimate;
	if (difference.bounded && difference.lower <= difference.estimate &&
		difference.estimate <= difference.upper &&
		((difference.lower > 0.0) || (difference.upper < 0.0)))
	{
		r.bounded = true;
		r.lower = 1.0 / difference.upper;
		r.upper = 1.0 / difference.lower;
		/* rounding of the reciprocals must not leave the estimate outside */
		if (r.lower > r.estimate)
			r.lower = r.estimate;
		if (r.upper < r.estimate)
			r.upper = r.estimate;
	}
	return r;
}

/*
 * Continued fraction of the incomplete beta function (modified Lentz), for
 * x < (a + 1) / (a + b + 2), where it converges fast.
 */
static double
betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		qab = a + b,
				qap = a + 1.0,
				qam = a - 1.0,
				c = 1.0,
				d = 1.0 - qab * x / qap,
				h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 10000; m++)
	{
		double		m2 = 2.0 * m,
					aa,
					del;

		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
double
effect_incomplete_beta(double a, double b, double x)
{
	double		front;

	if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0) || !(x <= 1.0) || !isfinite(a) || !isfinite(b))
		return NAN;
	if (x == 0.0)
		return 0.0;
	if (x == 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * betacf(a, b, x) / a;
	return 1.0 - front * betacf(b, a, 1.0 - x) / b;
}

/*
 * Student's t quantile.  For p > 0.5, t = sqrt(df (1 - x) / x) where
 * I_x(df/2, 1/2) = 2 (1 - p); x is found by bisection, which cannot fail to
 * converge (I_x is increasing in x) and is fast enough for a few calls per
 * row.
 */
double
effect_t_quantile(double p, double df)
{
	double		target,
				lo = 0.0,
				hi = 1.0,
				x,
				t;

	if (!(p > 0.0) || !(p < 1.0) || !(df > 0.0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return -effect_t_quantile(1.0 - p, df);
	if (p == 0.975 && df > 200.0)
	{
		/*
		 * Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5):
		 * below 1e-12 off beyond 200 degrees of freedom, where the
		 * bisection would slow down (the continued fraction needs about
		 * sqrt(df) terms)
		 */
		double		z = EFFECT_Z95,
					z2 = z * z,
					z3 = z2 * z,
					z5 = z3 * z2,
					z7 = z5 * z2,
					z9 = z7 * z2,
					g1 = (z3 + z) / 4.0,
					g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0,
					g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0,
					g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;

		if (!isfinite(df))
			return z;
		return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
	}
	if (!isfinite(df) || df > 1e8)
		return NAN;
	target = 2.0 * (1.0 - p);
	for (int i = 0; i < 200; i++)
	{
		double		mid = 0.5 * (lo + hi);
		double		v = effect_incomplete_beta(0.5 * df, 0.5, mid);

		if (!isfinite(v))
			return NAN;
		if (v < target)
			lo = mid;
		else
			hi = mid;
		if (hi - lo <= DBL_EPSILON * hi)
			break;
	}
	x = 0.5 * (lo + hi);
	if (!(x > 0.0))
		return INFINITY;
	t = sqrt(df * (1.0 - x) / x);
	return t;
}
