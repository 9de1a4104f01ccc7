/*
 * specfun.c
 *		Special functions of the BTYD models: digamma, differences of
 *		log-gamma and of digamma, and the Gauss hypergeometric function 2F1
 *		with its "excess" form.
 *
 * Pure computation: no PostgreSQL headers, no allocation, no state.
 * docs/models.md gives the methods and their validation; the comments here
 * say how each is evaluated.
 */
#include "specfun.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#define BTYD_PI 3.14159265358979323846

/*
 * Digamma: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
 * asymptotic series to x^-14 (truncation error below 1e-17 there).
 */
double
btyd_digamma(double x)
{
	double		result = 0.0;
	double		f;

	if (isnan(x) || x == -INFINITY)
		return NAN;
	if (x == INFINITY)
		return INFINITY;
	if (x <= 0.0)
	{
		if (x == floor(x))
			return NAN;
		/* reflection: psi(1 - x) - psi(x) = pi cot(pi x) */
		return btyd_digamma(1.0 - x) - BTYD_PI / tan(BTYD_PI * x);
	}
	while (x < 10.0)
	{
		result -= 1.0 / x;
		x += 1.0;
	}
	f = 1.0 / (x * x);
	result += log(x) - 0.5 / x
		- f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240
				- f * (1.0 / 132 - f * (691.0 / 32760 - f / 12.0))))));
	return result;
}

/* Stirling series of log Gamma(w) beyond (w - 1/2) log w - w + log(2 pi)/2, for w >= 20. */
static double
lgamma_stirling_tail(double w)
{
	double		f = 1.0 / (w * w);

	return (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680
				- f / 1188.0)))) / w;
}

/* Asymptotic series of psi(w) beyond log w - 1/(2 w), for w >= 20. */
static double
digamma_stirling_tail(double w)
{
	double		f = 1.0 / (w * w);

	return -f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240
				- f / 132.0))));
}

/*
 * log Gamma(z + d) - log Gamma(z).  For z >= 20 the difference of Stirling
 * series is taken term by term (log1p for the leading part), which keeps full
 * relative precision when z is huge and d small, where subtracting two
 * lgamma values would cancel.
 */
double
btyd_lgamma_diff(double z, double d)
{
	if (d == 0.0)
		return 0.0;
	if (z >= 20.0)
		return (z - 0.5) * log1p(d / z) + d * log(z + d) - d
			+ (lgamma_stirling_tail(z + d) - lgamma_stirling_tail(z));
	return lgamma(z + d) - lgamma(z);
}

/* psi(z + d) - psi(z), by the same split as btyd_lgamma_diff. */
double
btyd_digamma_diff(double z, double d)
{
	if (d == 0.0)
		return 0.0;
	if (z >= 20.0)
		return log1p(d / z) + d / (2.0 * z * (z + d))
			+ (digamma_stirling_tail(z + d) - digamma_stirling_tail(z));
	return btyd_digamma(z + d) - btyd_digamma(z);
}

/* expm1(y) / y, continuous at 0. */
static double
expm1_ratio(double y)
{
	if (fabs(y) < 1e-300)
		return 1.0;
	return expm1(y) / y;
}

/* Sign of Gamma(x): NaN at the poles. */
static double
gamma_sign(double x)
{
	if (x > 0.0)
		return 1.0;
	if (x == floor(x))
		return NAN;
	return fmod(floor(x), 2.0) == 0.0 ? 1.0 : -1.0;
}

/* True for 0, -1, -2, ... */
static bool
is_nonpositive_integer(double x)
{
	return x <= 0.0 && x == floor(x);
}

/* Relative size below which a series term counts as negligible. */
#define HYP_EPS			1e-17
/* Terms allowed to the plain series for z <= 1/2, and near 1 before continuing. */
#define HYP_SERIES_MAX	1000000
#define HYP_SERIES_NEAR 2000
/* Largest term allowed relative to the sum (3 digits lost at most). */
#define HYP_CANCEL		1e3
/* Limits of the analytic continuation. */
#define HYP_TAYLOR_MAX	300
#define HYP_MAX_STEPS	100000

/*
 * The power series at z (0 <= z < 1 in practice) of 2F1(A, B; C; z), or of
 * the excess function (C/B) (2F1 - 1) when excess is true, with its
 * derivative.  Both series share the term ratio
 *	(A + n)(B + n) / ((C + n)(n + 1)) z
 * (the excess series starts at n = 1 with the term A z).  It stops when the
 * tail, bounded by a geometric series with the larger of the current ratio
 * and z, is below HYP_EPS of the sum for both the value and the derivative.
 * Returns false if that does not happen within max_terms terms, if a sum
 * overflows, or if the largest term exceeds max_cancel times the sum
 * (cancellation that would cost more than log10(max_cancel) digits).  The
 * derivative is summed in any case (its overflow is one of the failures),
 * but needs to converge and is checked for cancellation only when deriv is
 * not NULL (its tail bound is much weaker close to z = 1).
 */
static bool
hyp_series(double A, double B, double C, double z, bool excess,
		   long max_terms, double max_cancel, double *value, double *deriv)
{
	double		t;
	double		sum;
	double		dsum;
	double		tmax;
	double		dmax;
	double		ratio;
	long		n;
	int			quiet = 0;

	if (z == 0.0)
	{
		*value = excess ? 0.0 : 1.0;
		if (deriv)
			*deriv = excess ? A : A * B / C;
		return true;
	}
	if (excess)
	{
		n = 1;
		t = A * z;
		sum = t;
		dsum = A;
	}
	else
	{
		n = 0;
		t = 1.0;
		sum = 1.0;
		dsum = 0.0;
	}
	tmax = fabs(t);
	dmax = fabs(dsum);
	/* the next term's ratio, computed once: its factor, and the tail bound before it */
	ratio = (A + n) * (B + n) / ((C + n) * (n + 1.0)) * z;
	while (n < max_terms)
	{
		bool		done = false;
		double		dt;

		t *= ratio;
		n++;
		sum += t;
		if (fabs(t) > tmax)
			tmax = fabs(t);
		/*
		 * The derivative's sum is kept even when not asked for: its overflow
		 * (terms near the largest double, whose sum is not to be trusted)
		 * sends the caller to another method.
		 */
		dt = n * t / z;
		dsum += dt;
		if (!isfinite(sum) || !isfinite(dsum))
			return false;
		if (deriv && fabs(dt) > dmax)
			dmax = fabs(dt);
		ratio = (A + n) * (B + n) / ((C + n) * (n + 1.0)) * z;
		if (t == 0.0)
			done = true;		/* a terminating (polynomial) series */
		else
		{
			double		nr = fabs(ratio) > fabs(z) ? fabs(ratio) : fabs(z);

			if (nr < 1.0 && A + n > 0.0 && B + n > 0.0 && C + n > 0.0)
			{
				double		tail = fabs(t) * nr / (1.0 - nr);
				double		dtail = 0.0;

				if (deriv)
				{
					double		dq = nr * (n + 1.0) / n;

					dtail = dq < 1.0 ? fabs(dt) * dq / (1.0 - dq) : INFINITY;
				}
				/* two quiet terms in a row, against accidental small terms */
				if (tail <= HYP_EPS * fabs(sum) && dtail <= HYP_EPS * fabs(dsum))
					done = ++quiet >= 2;
				else
					quiet = 0;
			}
		}
		if (done)
		{
			if (tmax > max_cancel * fabs(sum) ||
				(deriv != NULL && dmax > max_cancel * fabs(dsum)))
				return false;
			*value = sum;
			if (deriv)
				*deriv = dsum;
			return true;
		}
	}
	return false;
}

/*
 * One Taylor step of the hypergeometric differential equation
 *	z (1 - z) u'' + (C - (A + B + 1) z) u' - A B u = kappa
 * from zc = 1 - d (value u, derivative du) to zc + h.  With a_n = c_n h^n
 * the Taylor coefficients obey
 *	a_{n+2} = [(n+A)(n+B) h^2 a_n - ((1 - 2 zc) n + C - (A+B+1) zc)(n+1) h a_{n+1}
 *			   + [n = 0] kappa h^2] / (zc d (n+1)(n+2)).
 * Fails (so the caller halves h) when the terms do not die out quickly or
 * when their absolute sum dwarfs the result: cancellation that would
 * amplify rounding errors.
 */
static bool
hyp_taylor_step(double A, double B, double C, double kappa, double d,
				double h, double *u, double *du)
{
	double		zc = 1.0 - d;
	double		a0 = *u;
	double		a1 = *du * h;
	double		val = a0 + a1;
	double		dval = *du;
	double		absum = fabs(a0) + fabs(a1);
	double		start = absum;
	int			quiet = 0;
	int			n;

	for (n = 0; n < HYP_TAYLOR_MAX; n++)
	{
		double		a2;
		double		scale;

		a2 = ((n + A) * (n + B) * h * h * a0
			  - ((d - zc) * n + C - (A + B + 1.0) * zc) * (n + 1.0) * h * a1
			  + (n == 0 ? kappa * h * h : 0.0))
			/ (zc * d * (n + 1.0) * (n + 2.0));
		val += a2;
		dval += (n + 2.0) * a2 / h;
		absum += fabs(a2);
		if (!isfinite(val) || !isfinite(dval))
			return false;
		scale = fabs(val) + h * fabs(dval);
		if (fabs(a2) * (n + 3.0) <= HYP_EPS * scale)
		{
			if (++quiet >= 2)
				break;
		}
		else
			quiet = 0;
		a0 = a1;
		a1 = a2;
	}
	if (n >= HYP_TAYLOR_MAX)
		return false;
	if (absum > 1e4 * fmax(start, fabs(val) + h * fabs(dval)))
		return false;
	*u = val;
	*du = dval;
	return true;
}

/*
 * Analytic continuation along the real axis from 1 - d0 to 1 - d1
 * (d0 > d1 > 0), by Taylor steps of at most half the distance to the nearer
 * singular point, halved while a step fails its checks.  The distance d to 1
 * is tracked rather than z, so points within 1e-300 of 1 keep their
 * precision.
 */
static bool
hyp_continue(double A, double B, double C, double kappa, double d0,
			 double d1, double *u, double *du)
{
	double		d = d0;
	double		h = 0.5 * d0;
	int			steps = 0;

	while (d > d1)
	{
		double		step = fmin(h, fmin(0.5 * d, 0.5 * (1.0 - d)));
		double		nu = *u;
		double		ndu = *du;
		bool		last = false;

		if (step >= d - d1)
		{
			step = d - d1;
			last = true;
		}
		if (!hyp_taylor_step(A, B, C, kappa, d, step, &nu, &ndu))
		{
			h = 0.5 * step;
			if (h < 1e-14 * d)
				return false;
			continue;
		}
		*u = nu;
		*du = ndu;
		d = last ? d1 : d - step;
		h = 2.0 * step;
		if (++steps > HYP_MAX_STEPS)
			return false;
	}
	return true;
}

/*
 * 2F1 or its excess at 0 <= z < 1, omz = 1 - z (passed separately, exact
 * even when z rounds to 1).  The series serves for z <= 1/2, and beyond when
 * it still converges quickly (z not close to 1, or c - a - b large so that
 * the terms fall like n^(a+b-c-1)), provided its terms do not cancel by more
 * than HYP_CANCEL.  Otherwise the value and derivative are taken from the
 * series at a smaller z0 (1/2, or smaller until the series there is free of
 * cancellation, as it is when a large negative parameter makes the terms
 * alternate) and carried to z by analytic continuation of the differential
 * equation.  This avoids the 1 - z connection formulas, whose gamma factors
 * cancel catastrophically when c - a - b is near an integer.
 */
static double
hyp_eval(double A, double B, double C, double z, double omz, bool excess)
{
	double		v;
	double		dv;
	double		z0;
	int			k;

	if (z <= 0.5 || omz >= 0.1 || C - A - B >= 12.0)
	{
		if (hyp_series(A, B, C, z, excess,
					   z <= 0.5 ? HYP_SERIES_MAX : HYP_SERIES_NEAR, HYP_CANCEL,
					   &v, NULL))
			return v;
	}
	z0 = fmin(0.5, 0.5 * z);
	for (k = 0; k < 30; k++, z0 *= 0.25)
	{
		if (hyp_series(A, B, C, z0, excess, HYP_SERIES_MAX, HYP_CANCEL, &v, &dv))
		{
			if (hyp_continue(A, B, C, excess ? A * C : 0.0, 1.0 - z0, omz, &v, &dv))
				return v;
			break;
		}
	}
	/* last resort: a long series, whatever its cancellation */
	if (hyp_series(A, B, C, z, excess, 50 * HYP_SERIES_MAX, INFINITY, &v, NULL))
		return v;
	return NAN;
}

/* Gauss's sum 2F1(a, b; c; 1) = Gamma(c) Gamma(c-a-b) / (Gamma(c-a) Gamma(c-b)), c - a - b > 0. */
static double
hyp2f1_at_one(double a, double b, double c)
{
	double		s;

	if (is_nonpositive_integer(c - a) || is_nonpositive_integer(c - b))
		return 0.0;
	s = gamma_sign(c) * gamma_sign(c - a - b) * gamma_sign(c - a) * gamma_sign(c - b);
	return s * exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b));
}

/*
 * 2F1(a, b; c; z).  Negative z goes through a Pfaff transformation
 *	2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; z / (z - 1))
 *					= (1 - z)^-b 2F1(c - a, b; c; z / (z - 1))
 * (the one whose new upper parameter is smaller, the other if that under- or
 * overflows), which maps it into [0, 1).
 */
double
btyd_hyp2f1(double a, double b, double c, double z)
{
	double		zeta;
	double		omzeta;
	double		lz;
	double		v = NAN;
	int			k;

	if (isnan(a) || isnan(b) || isnan(c) || isnan(z) || !isfinite(z))
		return NAN;
	if (is_nonpositive_integer(c))
		return NAN;
	if (a == 0.0 || b == 0.0)
		return 1.0;
	if (z > 1.0)
		return NAN;
	/* polynomials: the series terminates, any z <= 1 */
	if (is_nonpositive_integer(a) || is_nonpositive_integer(b))
		return hyp_series(a, b, c, z, false, HYP_SERIES_MAX, INFINITY, &v, NULL) ? v : NAN;

	/*
	 * Euler's transformation 2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a, c-b;
	 * c; z) makes a polynomial of these: exact, where the value may vanish
	 * at z = 1.
	 */
	if (is_nonpositive_integer(c - a) || is_nonpositive_integer(c - b))
	{
		if (z == 1.0)
			return c - a - b > 0.0 ? 0.0 : NAN;
		if (!hyp_series(c - a, c - b, c, z, false, HYP_SERIES_MAX, INFINITY, &v, NULL))
			return NAN;
		return exp((c - a - b) * log1p(-z)) * v;
	}
	if (z == 1.0)
		return c - a - b > 0.0 ? hyp2f1_at_one(a, b, c) : NAN;
	if (z >= 0.0)
		return hyp_eval(a, b, c, z, 1.0 - z, false);
	zeta = -z / (1.0 - z);
	omzeta = 1.0 / (1.0 - z);
	lz = log1p(-z);
	for (k = 0; k < 2; k++)
	{
		/* first the form whose new upper parameter is smaller, then the other */
		bool		keep_a = (fabs(c - b) <= fabs(c - a)) == (k == 0);

		if (keep_a)
			v = exp(-a * lz) * hyp_eval(a, c - b, c, zeta, omzeta, false);
		else
			v = exp(-b * lz) * hyp_eval(c - a, b, c, zeta, omzeta, false);
		if (isfinite(v) && v != 0.0)
			return v;
	}
	return v;
}

/*
 * The excess (c/b) (2F1(a, b; c; z) - 1).  For negative z the b-keeping
 * Pfaff transformation gives
 *	E(a, b, c, z) = (c/b) ((1 - z)^-b - 1) + (1 - z)^-b E(c - a, b, c, z/(z-1))
 * whose first term is evaluated as -c L expm1(-b L)/(-b L), L = log(1 - z),
 * so that nothing divides by b.
 */
double
btyd_hyp2f1_excess(double a, double b, double c, double z)
{
	double		lz;

	if (isnan(a) || isnan(b) || isnan(c) || isnan(z) || !isfinite(z))
		return NAN;
	if (c < 0.0 && c == floor(c))
		return NAN;
	if (z > 1.0)
		return NAN;
	if (a == 0.0 || z == 0.0)
		return 0.0;
	if (z == 1.0)
	{
		if (c - a - b > 0.0 && b != 0.0 && !is_nonpositive_integer(c))
			return c / b * (hyp2f1_at_one(a, b, c) - 1.0);
		return NAN;
	}
	if (z > 0.0)
		return hyp_eval(a, b, c, z, 1.0 - z, true);
	lz = log1p(-z);
	return -c * lz * expm1_ratio(-b * lz)
		+ exp(-b * lz) * hyp_eval(c - a, b, c, -z / (1.0 - z), 1.0 / (1.0 - z), true);
}
