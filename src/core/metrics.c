/*
 * metrics.c
 *		Decline metrics of one purchase history (see metrics.h and
 *		docs/decline.md for the definitions).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.  One pass over the days collects window sums, gaps and the trend
 * means; a second pass over the trend window gives the centred sums of the
 * least-squares slope.
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Keep in the order of the DeclineSignal bits. */
const char *const decline_signal_names[DECLINE_NSIGNALS] = {
	"amount_drop",
	"frequency_drop",
	"cadence_slowdown",
	"overdue",
	"season_drop",
	"negative_trend"
};

/* Days per year in the trend's time axis, as in regr_slope(amount, day / 365.25). */
#define DAYS_PER_YEAR 365.25

/* True when day lies in the half-open window (start, end]. */
static inline bool
in_window(int32_t day, int32_t start, int32_t end)
{
	return day > start && day <= end;
}

/* A defined value. */
static inline MetricValue
metric(double value)
{
	MetricValue v;

	v.valid = true;
	v.value = value;
	return v;
}

/* qsort comparator for doubles (gaps are finite: no NaN handling needed). */
static int
compare_doubles(const void *a, const void *b)
{
	double		da = *(const double *) a;
	double		db = *(const double *) b;

	return (da > db) - (da < db);
}

/* Median of sorted values: the middle one, or the mean of the two middle ones. */
double
decline_median_sorted(const double *values, size_t n)
{
	if (n % 2 == 1)
		return values[n / 2];
	return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* Sort n values in place and return their median; undefined for none. */
static MetricValue
median_of(double *values, size_t n)
{
	MetricValue v = {false, 0.0};

	if (n == 0)
		return v;
	qsort(values, n, sizeof(double), compare_doubles);
	return metric(decline_median_sorted(values, n));
}

/* A window's sum, zero when within HISTORY_AMOUNT_EPSILON of its scale. */
static double
window_sum(double sum, double scale)
{
	return fabs(sum) <= HISTORY_AMOUNT_EPSILON * scale ? 0.0 : sum;
}

/* later / earlier - 1, defined only when earlier is positive. */
static MetricValue
relative_change(double later, double earlier)
{
	MetricValue v = {false, 0.0};

	if (earlier > 0)
		v = metric(later / earlier - 1.0);
	return v;
}

/*
 * Which signals fire.  Each needs its metric defined; an undefined metric
 * never fires.  Comparisons include the threshold itself.
 */
uint32_t
decline_evaluate_signals(const DeclineMetrics *m,
						 const DeclineThresholds *t)
{
	uint32_t	signals = 0;

	if (m->amount_change.valid && m->amount_change.value <= -t->amount_drop)
		signals |= DECLINE_AMOUNT_DROP;
	if (m->frequency_change.valid &&
		m->frequency_change.value <= -t->frequency_drop)
		signals |= DECLINE_FREQUENCY_DROP;
	if (m->cadence_change.valid &&
		m->cadence_change.value >= t->cadence_slowdown)
		signals |= DECLINE_CADENCE_SLOWDOWN;
	if (m->overdue_ratio.valid && m->overdue_ratio.value >= t->overdue)
		signals |= DECLINE_OVERDUE;
	if (m->same_season_change.valid &&
		m->same_season_change.value <= -t->season_drop)
		signals |= DECLINE_SEASON_DROP;
	if (m->amount_trend.valid && m->relative_trend.valid &&
		m->trend_points >= t->trend_min_points &&
		m->amount_trend.value < 0 &&
		m->relative_trend.value <= -t->trend_drop)
		signals |= DECLINE_NEGATIVE_TREND;
	return signals;
}

/* A day that is a point of the amount trend (see metrics.h). */
static inline bool
is_trend_point(const HistoryDay *d, const DeclineBounds *b)
{
	return in_window(d->day, b->trend_start, b->as_of_day) &&
		d->unknown == 0 && history_day_is_purchase(d);
}

/*
 * Compute all metrics.  The days must be sorted ascending with one entry per
 * day (a valid stored history); days after as_of_day are ignored.
 */
void
decline_compute(const HistoryDay *days, int32_t ndays,
				const DeclineBounds *b, const DeclineThresholds *t,
				bool discounted_known, double *scratch, DeclineMetrics *out)
{
	double	   *gaps = scratch;
	size_t		ngaps = 0;
	size_t		nearlier = 0;
	int32_t		first_day = 0;
	int32_t		last_day = 0;
	bool		all_discounted = true;
	int32_t		trend_origin = 0;	/* the first point's day (below) */
	int64_t		trend_sum_dx = 0;	/* sum of (day - trend_origin) over points */
	double		trend_sum_y = 0.0;
	int32_t		n = 0;			/* days on or before as_of */
	/*
	 * the largest day net or order of each window, at least 1: what a zero
	 * sum is within
	 */
	double		day_scale,
				recent_scale = 1.0,
				prior_scale = 1.0,
				season_scale = 1.0,
				last_season_scale = 1.0;

	memset(out, 0, sizeof(DeclineMetrics));

	for (int32_t i = 0; i < ndays && days[i].day <= b->as_of_day; i++)
	{
		const HistoryDay *d = &days[i];
		bool		purchase = history_day_is_purchase(d);
		int32_t		orders = purchase ? d->orders : 0;

		n++;

		/*
		 * window amounts: the net of every day, refund days included; each
		 * window's scale is its largest day net or single order (a day that
		 * nets to zero on its own leaves a residue of its orders' size)
		 */
		day_scale = fmax(fabs(d->amount), d->max_order);
		if (in_window(d->day, b->recent_start, b->as_of_day))
		{
			out->recent_amount += d->amount;
			out->recent_orders += orders;
			recent_scale = fmax(recent_scale, day_scale);
		}
		if (in_window(d->day, b->prior_start, b->recent_start))
		{
			out->prior_amount += d->amount;
			out->prior_orders += orders;
			prior_scale = fmax(prior_scale, day_scale);
		}
		if (in_window(d->day, b->season_start, b->as_of_day))
		{
			out->season_amount += d->amount;
			out->season_orders += orders;
			season_scale = fmax(season_scale, day_scale);
		}
		if (in_window(d->day, b->last_season_start, b->last_season_end))
		{
			out->last_season_amount += d->amount;
			out->last_season_orders += orders;
			last_season_scale = fmax(last_season_scale, day_scale);
		}

		if (!purchase)
			continue;

		/* gaps, in order of their later day; the earlier history comes first */
		if (out->purchase_days == 0)
			first_day = d->day;
		else
		{
			gaps[ngaps++] = (double) ((int64_t) d->day - last_day);
			if (d->day <= b->recent_start)
				nearlier++;
		}
		last_day = d->day;
		out->purchase_days++;

		if (d->discounted == 0)
			all_discounted = false;

		if (is_trend_point(d, b))
		{
			if (out->trend_points == 0)
				trend_origin = d->day;
			out->trend_points++;
			trend_sum_dx += (int64_t) d->day - trend_origin;
			trend_sum_y += d->amount;
		}
	}

	/* gap statistics over all gaps: sort a copy, keep the ordered gaps */
	if (ngaps > 0)
	{
		double	   *sorted = scratch + ndays;
		double		mean = (double) ((int64_t) last_day - first_day) / (double) ngaps;

		out->mean_gap_days = metric(mean);
		memcpy(sorted, gaps, ngaps * sizeof(double));
		out->median_gap_days = median_of(sorted, ngaps);

		if (ngaps >= 2)
		{
			double		ss = 0.0;

			for (size_t i = 0; i < ngaps; i++)
				ss += (gaps[i] - mean) * (gaps[i] - mean);
			out->gap_stddev_days = metric(sqrt(ss / (double) (ngaps - 1)));
		}

		out->overdue_ratio =
			metric((double) ((int64_t) b->as_of_day - last_day) /
				   out->median_gap_days.value);

		/* cadence: the ordered gaps split at the recent window's start */
		out->earlier_median_gap_days = median_of(gaps, nearlier);
		out->recent_median_gap_days = median_of(gaps + nearlier,
												ngaps - nearlier);
		if (out->earlier_median_gap_days.valid &&
			out->recent_median_gap_days.valid)
			out->cadence_change =
				metric(out->recent_median_gap_days.value /
					   out->earlier_median_gap_days.value - 1.0);
	}

	/*
	 * A window's days summed in double precision: orders returned on other
	 * days (1.10 + 2.20 - 3.30) leave a residue of 4e-16, which as a prior
	 * window made a change of -1 or 1e17.  A sum within
	 * HISTORY_AMOUNT_EPSILON of the window's largest day net or order is
	 * zero, as a day's net is (history_day_is_purchase).
	 */
	out->recent_amount = window_sum(out->recent_amount, recent_scale);
	out->prior_amount = window_sum(out->prior_amount, prior_scale);
	out->season_amount = window_sum(out->season_amount, season_scale);
	out->last_season_amount = window_sum(out->last_season_amount, last_season_scale);

	out->amount_change = relative_change(out->recent_amount, out->prior_amount);
	out->frequency_change = relative_change((double) out->recent_orders,
											(double) out->prior_orders);
	out->same_season_change = relative_change(out->season_amount,
											  out->last_season_amount);

	/*
	 * trend: centred least squares, x = (day - first point's day) / 365.25.
	 * The slope does not depend on the axis' origin; its rounding does, so
	 * the origin is a point, not the as-of day: the same points give the
	 * same bits on every as-of day (with as_of, 26% of the demo customers'
	 * trends changed in their last digits from one day to the next).
	 */
	if (out->trend_points >= 2)
	{
		double		mean_x = (double) trend_sum_dx / out->trend_points / DAYS_PER_YEAR;
		double		mean_y = trend_sum_y / out->trend_points;
		double		sxx = 0.0;
		double		sxy = 0.0;

		for (int32_t i = 0; i < n; i++)
		{
			const HistoryDay *d = &days[i];
			double		dx;

			if (!is_trend_point(d, b))
				continue;
			dx = ((double) ((int64_t) d->day - trend_origin)) / DAYS_PER_YEAR - mean_x;
			sxx += dx * dx;
			sxy += dx * (d->amount - mean_y);
		}
		/* distinct days: sxx > 0 with two or more points */
		if (sxx > 0)
		{
			out->amount_trend = metric(sxy / sxx);
			/* points are purchase days with known amounts: mean_y > 0 */
			if (mean_y > 0)
				out->relative_trend = metric(out->amount_trend.value / mean_y);
		}
	}

	out->campaign_only_known = discounted_known;
	out->campaign_only = discounted_known && out->purchase_days > 0 &&
		all_discounted;

	out->signals = decline_evaluate_signals(out, t);
	out->declining = (out->signals != 0);
}
