/*
 * test_tracking.c
 *		Unit tests of the tracking's forecast (src/core/tracking.c), without
 *		a server.  Prints TAP.
 *
 * The reference is the computation it replaces, written out per customer:
 * every customer of every first day on its own, its expectation at the lag
 * looked up and added in long double, the customers counted one by one.
 * Random first days, counts, curves and ends (fixed seed), with gaps in the
 * curve and ends before the first day; and a sum whose plain double
 * addition loses the small terms.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"
#include "tracking.h"

#define MAX_FIRSTS 60
#define MAX_CURVE 400
#define MAX_ENDS 50

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) (rng >> 11);
}

/* The same end, customer by customer. */
static void
reference(const int32_t *first_days, const int64_t *counts, int nfirsts,
		  const double *curve, const bool *known, int ncurve, int32_t end,
		  int64_t *customers, long double *predicted, bool *predicted_known)
{
	int			i;
	int64_t		c;

	*customers = 0;
	*predicted = 0;
	*predicted_known = true;
	for (i = 0; i < nfirsts; i++)
		for (c = 0; c < counts[i]; c++)
		{
			int64_t		lag = (int64_t) end - first_days[i];

			if (lag < 0)
				continue;
			(*customers)++;
			if (lag >= ncurve || !known[lag])
				*predicted_known = false;
			else
				*predicted += curve[lag];
		}
}

int
main(void)
{
	int32_t		first_days[MAX_FIRSTS];
	int64_t		counts[MAX_FIRSTS];
	double		curve[MAX_CURVE];
	bool		known[MAX_CURVE];
	int32_t		ends[MAX_ENDS];
	TrackingForecast out[MAX_ENDS];
	int			set;
	int			wrong_customers = 0;
	int			wrong_known = 0;
	int			wrong_value = 0;
	int			unknown = 0;
	int			empty = 0;
	double		worst = 0;

	for (set = 0; set < 200; set++)
	{
		int			nfirsts = 1 + next_random() % MAX_FIRSTS;
		int			ncurve = next_random() % MAX_CURVE;
		int			nends = 1 + next_random() % MAX_ENDS;
		int32_t		base = (int32_t) (next_random() % 20000) - 10000;
		bool		gaps = set % 4 == 0;
		int			i;

		for (i = 0; i < nfirsts; i++)
		{
			first_days[i] = base + (int32_t) (next_random() % 300);
			counts[i] = next_random() % 40;
		}
		/* an increasing curve from 0, as an expectation by lag is */
		for (i = 0; i < ncurve; i++)
		{
			curve[i] = (i == 0 ? 0 : curve[i - 1]) + (next_random() % 1000) / 3000.0;
			known[i] = !(gaps && next_random() % 50 == 0);
		}
		for (i = 0; i < nends; i++)
			ends[i] = base - 20 + (int32_t) (next_random() % 420);

		tracking_forecast(first_days, counts, nfirsts, curve, known, ncurve, ends, nends, out);
		for (i = 0; i < nends; i++)
		{
			int64_t		customers;
			long double predicted;
			bool		predicted_known;

			reference(first_days, counts, nfirsts, curve, known, ncurve, ends[i],
					  &customers, &predicted, &predicted_known);
			if (out[i].customers != customers)
				wrong_customers++;
			if (out[i].predicted_known != predicted_known)
				wrong_known++;
			else if (predicted_known)
			{
				double		err = predicted == 0 ? fabs(out[i].predicted)
					: (double) fabsl(out[i].predicted / predicted - 1);

				if (err > worst)
					worst = err;
				if (err > 4e-16)
					wrong_value++;
			}
			if (!predicted_known)
				unknown++;
			if (customers == 0)
				empty++;
		}
	}
	ok(wrong_customers == 0, "customers per end equal the count customer by customer (%d wrong)", wrong_customers);
	ok(wrong_known == 0, "an end is unknown exactly when a customer's lag has no curve value (%d wrong)", wrong_known);
	ok(wrong_value == 0, "predicted within 4e-16 of the long double sum customer by customer (%d wrong, worst %.2g)",
	   wrong_value, worst);
	ok(unknown > 50 && empty > 50, "the sets cover unknown lags (%d ends) and ends before every first day (%d)",
	   unknown, empty);

	/* no curve at all: customers counted, nothing predicted */
	{
		int32_t		f[2] = {10, 20};
		int64_t		n[2] = {3, 4};
		int32_t		e[3] = {5, 15, 25};

		tracking_forecast(f, n, 2, NULL, NULL, 0, e, 3, out);
		ok(out[0].customers == 0 && out[0].predicted_known && out[0].predicted == 0 &&
		   out[1].customers == 3 && !out[1].predicted_known &&
		   out[2].customers == 7 && !out[2].predicted_known,
		   "without a curve: customers 0, 3, 7; predicted 0 (none to predict), unknown, unknown");
	}

	/* compensated: one large term, then a million tiny ones that plain double addition drops */
	{
		static int32_t f[1000001];
		static int64_t n[1000001];
		double		c[2];
		int32_t		e = 1;
		int			i;

		/* first day 0 (lag 1): 1e16; first day 1 (lag 0): a million 1s */
		f[0] = 0;
		n[0] = 1;
		for (i = 1; i <= 1000000; i++)
		{
			f[i] = 1;
			n[i] = 1;
		}
		c[0] = 1.0;
		c[1] = 1e16;
		tracking_forecast(f, n, 1000001, c, NULL, 2, &e, 1, out);
		ok(out[0].customers == 1000001 && out[0].predicted == 1e16 + 1e6,
		   "1e16 then a million 1s add up to 1e16 + 1e6 exactly (got %.17g)", out[0].predicted);
	}
	return tap_done();
}
