/*
 * metrics.h
 *		Decline metrics of one purchase history: gaps between purchase days,
 *		recent vs prior windows, amount trend, cadence change, same season
 *		last year, and the decline signals built on them.
 *
 * Pure computation, no PostgreSQL headers: this file and metrics.c build into
 * the unit tests as well as into the server module.
 *
 * There is no calendar logic here.  The caller computes every window boundary
 * as a day number (days since 2000-01-01, like DateADT) with the calendar
 * arithmetic of date - interval, and passes them in a DeclineBounds.  Every
 * window is half-open: (start, end], start excluded, end included.
 *
 * Only days on or before as_of_day count; later days are ignored as if they
 * were not in the history.  The definitions are spelled out in
 * docs/decline.md; the comments below are the short form.
 */
#ifndef DORMANCY_CORE_METRICS_H
#define DORMANCY_CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"

/* A value that may be undefined (SQL NULL). */
typedef struct MetricValue
{
	bool		valid;
	double		value;			/* meaningful only when valid */
} MetricValue;

/*
 * Window boundaries as day numbers.  W is the window length, N the trend
 * years, S the season length; each boundary is as_of minus an interval, with
 * the month part applied first, clamped to the month's last day, like SQL's
 * date - interval.
 */
typedef struct DeclineBounds
{
	int32_t		as_of_day;		/* last day that counts */
	int32_t		recent_start;	/* as_of - W; recent = (recent_start, as_of] */
	int32_t		prior_start;	/* as_of - 2*W; prior = (prior_start, recent_start] */
	int32_t		trend_start;	/* as_of - N years; trend = (trend_start, as_of] */
	int32_t		season_start;	/* as_of - S; season = (season_start, as_of] */
	int32_t		last_season_end;	/* as_of - 1 year */
	int32_t		last_season_start;	/* (as_of - 1 year) - S */
} DeclineBounds;

/* Thresholds of the decline signals (dormancy.decline_settings). */
typedef struct DeclineThresholds
{
	double		amount_drop;	/* amount_change <= -amount_drop */
	double		frequency_drop; /* frequency_change <= -frequency_drop */
	double		cadence_slowdown;	/* cadence_change >= cadence_slowdown */
	double		overdue;		/* overdue_ratio >= overdue */
	double		season_drop;	/* same_season_change <= -season_drop */
	double		trend_drop;		/* relative_trend <= -trend_drop (and < 0) */
	int32_t		trend_min_points;	/* negative_trend needs this many points */
} DeclineThresholds;

/* The decline signals, as bits of DeclineMetrics.signals. */
typedef enum DeclineSignal
{
	DECLINE_AMOUNT_DROP = 1 << 0,
	DECLINE_FREQUENCY_DROP = 1 << 1,
	DECLINE_CADENCE_SLOWDOWN = 1 << 2,
	DECLINE_OVERDUE = 1 << 3,
	DECLINE_SEASON_DROP = 1 << 4,
	DECLINE_NEGATIVE_TREND = 1 << 5
} DeclineSignal;

#define DECLINE_NSIGNALS 6

/* Signal names by bit position: decline_signal_names[i] names bit 1 << i. */
extern const char *const decline_signal_names[DECLINE_NSIGNALS];

/*
 * Everything computed for one history.  "Purchase day" means a day on or
 * before as_of_day for which history_day_is_purchase() is true.
 */
typedef struct DeclineMetrics
{
	int32_t		purchase_days;

	/* gaps: differences in days between consecutive purchase days */
	MetricValue mean_gap_days;	/* needs 2 purchase days */
	MetricValue median_gap_days;	/* needs 2 purchase days */
	MetricValue gap_stddev_days;	/* sample (n - 1) stddev; needs 2 gaps */
	MetricValue overdue_ratio;	/* (as_of - last purchase day) / median gap */

	/* amounts: net of every day in the window; orders: on purchase days */
	double		recent_amount;
	double		prior_amount;
	int64_t		recent_orders;
	int64_t		prior_orders;
	MetricValue amount_change;	/* recent / prior - 1; needs prior_amount > 0 */
	MetricValue frequency_change;	/* needs prior_orders > 0 */

	/*
	 * trend: least-squares slope of a purchase day's net amount against the
	 * day in years (day / 365.25), over purchase days in the trend window
	 * whose amounts are all known
	 */
	MetricValue amount_trend;	/* amount per year; needs 2 points */
	int32_t		trend_points;
	MetricValue relative_trend; /* amount_trend / mean amount of the points */

	/*
	 * cadence: a gap belongs to the recent window when its later purchase day
	 * does (day > recent_start), to the earlier history otherwise
	 */
	MetricValue recent_median_gap_days;
	MetricValue earlier_median_gap_days;
	MetricValue cadence_change; /* recent / earlier - 1 */

	/* season: the last S vs the S before as_of - 1 year */
	double		season_amount;
	double		last_season_amount;
	int64_t		season_orders;
	int64_t		last_season_orders;
	MetricValue same_season_change; /* needs last_season_amount > 0 */

	uint32_t	signals;		/* DeclineSignal bits */
	bool		declining;		/* signals != 0 */

	/*
	 * campaign_only: every purchase day had a discounted order.  Unknown
	 * (campaign_only_known false) when the caller does not know the
	 * discounted flag; false when there is no purchase day.
	 */
	bool		campaign_only_known;
	bool		campaign_only;
} DeclineMetrics;

/* Number of doubles of scratch space decline_compute() needs for ndays days. */
#define DECLINE_SCRATCH_LEN(ndays) (2 * (size_t) (ndays))

/*
 * Compute every metric and signal of a sorted, compact day array.
 *
 * scratch must have room for DECLINE_SCRATCH_LEN(ndays) doubles (it may be
 * NULL when ndays is 0).  discounted_known says whether the discounted counts
 * of the days mean anything.
 */
extern void decline_compute(const HistoryDay *days, int32_t ndays,
							const DeclineBounds *bounds,
							const DeclineThresholds *thresholds,
							bool discounted_known, double *scratch,
							DeclineMetrics *out);

/* The signals that fire for already computed metrics (DeclineSignal bits). */
extern uint32_t decline_evaluate_signals(const DeclineMetrics *m,
										 const DeclineThresholds *thresholds);

/*
 * Median of n values sorted ascending (the mean of the two middle values for
 * an even n), like percentile_cont(0.5).  n must be at least 1.
 */
extern double decline_median_sorted(const double *values, size_t n);

#endif							/* DORMANCY_CORE_METRICS_H */
