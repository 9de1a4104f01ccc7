/*
 * compensated_sum.h
 *		Neumaier's compensated summation, for the likelihoods' sums over
 *		many observations and the validation's forecast sums: the error does
 *		not grow with the number of terms.
 */
#ifndef DORMANCY_COMPENSATED_SUM_H
#define DORMANCY_COMPENSATED_SUM_H

#include <math.h>

typedef struct CompensatedSum
{
	double		sum;
	double		comp;
} CompensatedSum;

/* Add v to a compensated sum. */
static inline void
compensated_sum_add(CompensatedSum *k, double v)
{
	double		t = k->sum + v;

	if (fabs(k->sum) >= fabs(v))
		k->comp += (k->sum - t) + v;
	else
		k->comp += (v - t) + k->sum;
	k->sum = t;
}

/* Value of a compensated sum. */
static inline double
compensated_sum_value(const CompensatedSum *k)
{
	return k->sum + k->comp;
}

#endif							/* DORMANCY_COMPENSATED_SUM_H */
