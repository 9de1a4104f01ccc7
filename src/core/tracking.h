/*
 * tracking.h
 *		The forecast of a holdout validation's tracking (validate_models()):
 *		the expected cumulative repeat purchases of the customers who had
 *		made their first purchase by each period end.
 */
#ifndef DORMANCY_TRACKING_H
#define DORMANCY_TRACKING_H

#include <stdbool.h>
#include <stdint.h>

/* One period end's forecast. */
typedef struct TrackingForecast
{
	int64_t		customers;		/* first purchase on or before the end */
	double		predicted;		/* their expected repeat purchases by it */
	bool		predicted_known;	/* false: a lag the curve does not give */
} TrackingForecast;

/*
 * For each of nends period ends (days), from nfirsts first purchase days
 * with their customer counts and the expectation of one new customer's
 * repeat purchases by lag in days (curve[lag], known where curve_known[lag];
 * curve may be NULL with ncurve 0: no curve; curve_known NULL: all known).
 * A first day with no customers adds nothing.  The sum runs over the first
 * days in the order given, compensated, so the same inputs give the same
 * bits whatever produced them.
 */
extern void tracking_forecast(const int32_t *first_days, const int64_t *counts, int nfirsts,
							  const double *curve, const bool *curve_known, int ncurve,
							  const int32_t *ends, int nends, TrackingForecast *out);

#endif							/* DORMANCY_TRACKING_H */
