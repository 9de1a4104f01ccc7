/*
 * effect.h
 *		The statistics of a campaign's effect (issue 15, docs/campaign_effect.md):
 *		the difference of two proportions with Newcombe's hybrid score
 *		interval, the difference of two means with Welch's interval, and the
 *		number needed to treat.  All intervals are 95% two-sided.
 *
 * Pure computation, no PostgreSQL headers, no allocation, no global state:
 * this file and effect.c build into the unit tests and the fuzz target as
 * well as into the server module (src/effect_sql.c).
 *
 * Group 1 is the treated group (the customers the campaign approached),
 * group 2 the control group; a difference is group 1 minus group 2.
 */
#ifndef DORMANCY_CORE_EFFECT_H
#define DORMANCY_CORE_EFFECT_H

#include <stdbool.h>
#include <stdint.h>

/* The standard normal quantile of 0.975: a 95% two-sided interval. */
#define EFFECT_Z95 1.959963984540054

/* An estimate with its 95% interval; nothing is meaningful unless valid. */
typedef struct EffectInterval
{
	bool		valid;			/* the estimate is defined */
	bool		bounded;		/* lower and upper are defined */
	double		estimate;
	double		lower;
	double		upper;
} EffectInterval;

/*
 * Wilson's score interval for a proportion x / n (without continuity
 * correction), z the normal quantile.  Returns false (and leaves *lower and
 * *upper alone) unless 0 <= x <= n, n > 0 and z > 0 is finite.  The bounds
 * lie in [0, 1]: exactly 0 when x = 0, exactly 1 when x = n.
 */
extern bool effect_wilson(int64_t x, int64_t n, double z, double *lower, double *upper);

/*
 * The difference of two proportions x1/n1 - x2/n2 with the hybrid score
 * interval of Newcombe (1998, "Interval estimation for the difference between
 * independent proportions", Statistics in Medicine 17:873-890, method 10),
 * built from the two Wilson intervals: it stays inside [-1, 1] and keeps its
 * coverage at 0 events and small n, where the Wald interval collapses.
 * Not valid unless 0 <= x1 <= n1, 0 <= x2 <= n2, n1 > 0 and n2 > 0.
 */
extern EffectInterval effect_proportion_difference(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/*
 * The difference of two means mean1 - mean2 with Welch's interval: standard
 * error sqrt(var1/n1 + var2/n2) (var the sample variance, n - 1 in the
 * denominator), Student's t with the Welch-Satterthwaite degrees of freedom.
 * The estimate is valid when n1 > 0 and n2 > 0 and both means are finite;
 * the interval is bounded when also n1 >= 2, n2 >= 2 and both variances are
 * finite and >= 0.  Both variances 0 gives the interval [estimate, estimate].
 */
extern EffectInterval effect_mean_difference(double n1, double mean1, double var1,
											 double n2, double mean2, double var2);

/*
 * The number needed to treat: 1 / difference, the customers to approach to
 * win one back (negative: the approach loses one customer per that many).
 * Valid when the difference is valid and not 0; bounded only when the
 * difference's interval is bounded and excludes 0: then it is
 * [1 / upper, 1 / lower].  An interval that includes 0 makes the number
 * needed to treat unbounded (it would run through infinity), so then it has
 * no interval.
 */
extern EffectInterval effect_number_needed(EffectInterval difference);

/*
 * The p quantile of Student's t distribution with df > 0 degrees of freedom
 * (real df), 0 < p < 1.  NaN outside that domain.  For p = 0.975 (the
 * level of the intervals) above 200 degrees of freedom, a Cornish-Fisher
 * expansion (df = +infinity: the normal quantile); any other p above 1e8
 * degrees of freedom (or infinite) is NaN.
 */
extern double effect_t_quantile(double p, double df);

/*
 * The regularized incomplete beta function I_x(a, b), a > 0, b > 0,
 * 0 <= x <= 1 (continued fraction, Lentz's method).  NaN outside.
 */
extern double effect_incomplete_beta(double a, double b, double x);

#endif							/* DORMANCY_CORE_EFFECT_H */
