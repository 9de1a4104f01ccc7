/*
 * test_metrics.c
 *		Unit tests of the decline metrics (src/core/metrics.c), without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit", or compile src/core/[all .c files] with this file,
 * -std=c11 -Wall -Wextra -Werror -Isrc/core and -lm.
 *
 * The window boundaries are computed here the way SQL's date - interval does
 * (months first, clamped to the month's last day, then days), so the leap-day
 * cases use the same boundaries the server passes in.  The last group checks
 * random histories against a second, deliberately naive implementation.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "history.h"
#include "metrics.h"


/* Relative closeness for doubles computed in different ways. */
static bool
close_to(double a, double b, double tol)
{
	if (a == b)
		return true;
	return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* A defined metric equal to expected. */
static void
is_value(MetricValue v, double expected, const char *desc)
{
	if (!v.valid)
		ok(false, "%s (got NULL, want %g)", desc, expected);
	else if (!close_to(v.value, expected, 1e-12))
		ok(false, "%s (got %.17g, want %.17g)", desc, v.value, expected);
	else
		ok(true, "%s", desc);
}

/* An undefined metric. */
static void
is_null(MetricValue v, const char *desc)
{
	if (v.valid)
		ok(false, "%s (got %.17g, want NULL)", desc, v.value);
	else
		ok(true, "%s", desc);
}

/* An exact double (sums of exactly representable amounts). */
static void
is_amount(double got, double want, const char *desc)
{
	if (got != want)
		ok(false, "%s (got %.17g, want %.17g)", desc, got, want);
	else
		ok(true, "%s", desc);
}

static void
is_int(int64_t got, int64_t want, const char *desc)
{
	if (got != want)
		ok(false, "%s (got %lld, want %lld)", desc, (long long) got,
		   (long long) want);
	else
		ok(true, "%s", desc);
}

/*
 * Calendar helpers (test only: the core has no calendar logic)
 */

/* Days since 2000-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int32_t
day_of(int y, int m, int d)
{
	int			era;
	unsigned	yoe,
				doy,
				doe;
	long		days;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = (long) era * 146097 + (long) doe - 719468;	/* since 1970-01-01 */
	return (int32_t) (days - 10957);	/* 2000-01-01 is day 10957 */
}

static int
days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Calendar date of a day number (inverse of day_of, by search from a year guess). */
static void
date_of(int32_t day, int *y, int *m, int *d)
{
	int			yy = 2000 + (int) floor(day / 365.2425);

	while (day_of(yy, 1, 1) > day)
		yy--;
	while (day_of(yy + 1, 1, 1) <= day)
		yy++;
	*y = yy;
	*m = 1;
	while (*m < 12 && day_of(yy, *m + 1, 1) <= day)
		(*m)++;
	*d = day - day_of(yy, *m, 1) + 1;
}

/* day - (months, days) as SQL date - interval: months clamped to month end, then days. */
static int32_t
minus(int32_t day, int months, int days)
{
	int			y,
				m,
				d,
				total;

	date_of(day, &y, &m, &d);
	total = y * 12 + (m - 1) - months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return day_of(y, m, d) - days;
}

/* Boundaries for as_of with W months, N years, S months. */
static DeclineBounds
bounds_for(int32_t as_of, int w_months, int n_years, int s_months)
{
	DeclineBounds b;

	b.as_of_day = as_of;
	b.recent_start = minus(as_of, w_months, 0);
	b.prior_start = minus(as_of, 2 * w_months, 0);
	b.trend_start = minus(as_of, 12 * n_years, 0);
	b.season_start = minus(as_of, s_months, 0);
	b.last_season_end = minus(as_of, 12, 0);
	b.last_season_start = minus(b.last_season_end, s_months, 0);
	return b;
}

/* The documented defaults of dormancy.decline_settings. */
static DeclineThresholds
default_thresholds(void)
{
	DeclineThresholds t;

	t.amount_drop = 0.3;
	t.frequency_drop = 0.3;
	t.cadence_slowdown = 0.5;
	t.overdue = 2.0;
	t.season_drop = 0.3;
	t.trend_drop = 0.1;
	t.trend_min_points = 4;
	return t;
}

/*
 * History builder
 */

#define MAX_TEST_DAYS 4096

typedef struct TestHistory
{
	HistoryDay	days[MAX_TEST_DAYS];
	int32_t		ndays;
} TestHistory;

static void
reset(TestHistory *h)
{
	h->ndays = 0;
}

/* Add one order row (any order; compacted before use). */
static void
order(TestHistory *h, int32_t day, double amount)
{
	history_day_init(&h->days[h->ndays], day);
	history_day_add_order(&h->days[h->ndays], amount, true, false);
	h->ndays++;
}

static void
order_ex(TestHistory *h, int32_t day, double amount, bool known,
		 bool discounted)
{
	history_day_init(&h->days[h->ndays], day);
	history_day_add_order(&h->days[h->ndays], amount, known, discounted);
	h->ndays++;
}

/* Compact and compute with the given bounds and thresholds. */
static DeclineMetrics
compute_with(TestHistory *h, const DeclineBounds *b,
			 const DeclineThresholds *t, bool discounted_known)
{
	DeclineMetrics m;
	double	   *scratch;
	const char *why;

	h->ndays = history_compact(h->days, h->ndays);
	why = history_validate(h->days, h->ndays);
	if (why != NULL)
	{
		fprintf(stderr, "test history invalid: %s\n", why);
		exit(2);
	}
	scratch = malloc(DECLINE_SCRATCH_LEN(h->ndays) * sizeof(double) + 1);
	decline_compute(h->days, h->ndays, b, t, discounted_known, scratch, &m);
	free(scratch);
	return m;
}

/* Compute with 12-month windows, 3 trend years, 3-month seasons, defaults. */
static DeclineMetrics
compute(TestHistory *h, int32_t as_of)
{
	DeclineBounds b = bounds_for(as_of, 12, 3, 3);
	DeclineThresholds t = default_thresholds();

	return compute_with(h, &b, &t, false);
}

static bool
has_signal(const DeclineMetrics *m, uint32_t bit)
{
	return (m->signals & bit) != 0;
}

/*
 * Hand-computed cases
 */

static void
test_empty(void)
{
	TestHistory h;
	DeclineMetrics m;
	DeclineBounds b = bounds_for(day_of(2024, 6, 30), 12, 3, 3);
	DeclineThresholds t = default_thresholds();

	reset(&h);
	m = compute_with(&h, &b, &t, true);
	is_int(m.purchase_days, 0, "empty: no purchase days");
	is_null(m.mean_gap_days, "empty: mean gap NULL");
	is_null(m.median_gap_days, "empty: median gap NULL");
	is_null(m.gap_stddev_days, "empty: gap stddev NULL");
	is_null(m.overdue_ratio, "empty: overdue ratio NULL");
	is_amount(m.recent_amount + m.prior_amount, 0, "empty: window amounts 0");
	is_int(m.recent_orders + m.prior_orders, 0, "empty: window orders 0");
	is_null(m.amount_change, "empty: amount change NULL");
	is_null(m.frequency_change, "empty: frequency change NULL");
	is_null(m.amount_trend, "empty: trend NULL");
	is_int(m.trend_points, 0, "empty: no trend points");
	is_null(m.cadence_change, "empty: cadence change NULL");
	is_null(m.same_season_change, "empty: season change NULL");
	ok(!m.declining && m.signals == 0, "empty: not declining");
	ok(m.campaign_only_known && !m.campaign_only,
	   "empty: campaign_only known and false");
}

static void
test_one_purchase_day(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	reset(&h);
	order(&h, day_of(2024, 1, 15), 120);
	m = compute(&h, as_of);
	is_int(m.purchase_days, 1, "one day: one purchase day");
	is_null(m.mean_gap_days, "one day: mean gap NULL");
	is_null(m.median_gap_days, "one day: median gap NULL");
	is_null(m.gap_stddev_days, "one day: stddev NULL");
	is_null(m.overdue_ratio, "one day: overdue ratio NULL");
	is_amount(m.recent_amount, 120, "one day: recent amount");
	is_int(m.recent_orders, 1, "one day: recent orders");
	is_null(m.amount_change, "one day: amount change NULL (prior 0)");
	is_null(m.frequency_change, "one day: frequency change NULL (prior 0)");
	is_int(m.trend_points, 1, "one day: one trend point");
	is_null(m.amount_trend, "one day: trend NULL with one point");
	is_null(m.relative_trend, "one day: relative trend NULL");
	ok(!m.declining, "one day: not declining");
	ok(!m.campaign_only_known, "one day: campaign_only unknown when not known");
}

static void
test_same_day_orders(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	reset(&h);
	order(&h, day_of(2024, 3, 1), 40);
	order(&h, day_of(2024, 3, 1), 60);
	m = compute(&h, as_of);
	is_int(m.purchase_days, 1, "same day: two orders, one purchase day");
	is_null(m.median_gap_days, "same day: no gap");
	is_int(m.recent_orders, 2, "same day: both orders counted");
	is_amount(m.recent_amount, 100, "same day: amounts summed");
	is_int(m.season_orders, 0, "same day: March is outside the last 3 months");

	/* a third order on a second day: one gap, stddev undefined */
	order(&h, day_of(2024, 4, 10), 10);
	m = compute(&h, as_of);
	is_value(m.mean_gap_days, 40, "same day + 1: mean gap 40");
	is_value(m.median_gap_days, 40, "same day + 1: median gap 40");
	is_null(m.gap_stddev_days, "same day + 1: stddev NULL with one gap");
	is_value(m.overdue_ratio, (double) (as_of - day_of(2024, 4, 10)) / 40,
			 "same day + 1: overdue ratio = days since last / median");
	is_int(m.season_orders, 1, "same day + 1: April 10 is in the season");
}

static void
test_odd_even_median(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		d0 = day_of(2023, 1, 1);
	int32_t		as_of = d0 + 100 + 20;

	/* gaps 10, 20, 60: odd count */
	reset(&h);
	order(&h, d0, 10);
	order(&h, d0 + 10, 10);
	order(&h, d0 + 30, 10);
	order(&h, d0 + 90, 10);
	m = compute(&h, as_of);
	is_value(m.mean_gap_days, 30, "odd: mean gap 30");
	is_value(m.median_gap_days, 20, "odd: median gap 20 (middle value)");
	is_value(m.gap_stddev_days, sqrt((400.0 + 100.0 + 900.0) / 2.0),
			 "odd: sample stddev (n - 1)");
	is_value(m.overdue_ratio, 30.0 / 20.0, "odd: overdue 30 / 20");

	/* gaps 10, 20, 30, 40 (unsorted in time order: 30, 10, 40, 20) */
	reset(&h);
	order(&h, d0, 10);
	order(&h, d0 + 30, 10);
	order(&h, d0 + 40, 10);
	order(&h, d0 + 80, 10);
	order(&h, d0 + 100, 10);
	m = compute(&h, as_of);
	is_value(m.median_gap_days, 25, "even: median is the mean of 20 and 30");
	is_value(m.mean_gap_days, 25, "even: mean gap 25");
	is_value(m.gap_stddev_days, sqrt((225.0 + 25.0 + 25.0 + 225.0) / 3.0),
			 "even: sample stddev");
	is_value(m.overdue_ratio, 20.0 / 25.0, "even: overdue 20 / 25");

	{
		double		one[] = {7};
		double		two[] = {3, 8};

		ok(decline_median_sorted(one, 1) == 7, "median of one value");
		ok(decline_median_sorted(two, 2) == 5.5, "median of two values");
	}
}

static void
test_windows(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	/* everything in the recent window: no prior, changes NULL */
	reset(&h);
	for (int i = 0; i < 6; i++)
		order(&h, day_of(2024, 1 + i, 5), 50);
	m = compute(&h, as_of);
	is_amount(m.recent_amount, 300, "all recent: recent amount");
	is_amount(m.prior_amount, 0, "all recent: prior amount 0");
	is_int(m.recent_orders, 6, "all recent: recent orders");
	is_null(m.amount_change, "all recent: amount change NULL");
	is_null(m.frequency_change, "all recent: frequency change NULL");
	is_null(m.cadence_change, "all recent: cadence NULL (no earlier gap)");
	/* gaps 31, 29 (leap February), 31, 30, 31 */
	is_value(m.recent_median_gap_days, 31, "all recent: recent median gap 31");
	ok(!has_signal(&m, DECLINE_AMOUNT_DROP) &&
	   !has_signal(&m, DECLINE_FREQUENCY_DROP),
	   "all recent: no drop signals");

	/* everything in the prior window: recent 0, change -1, drops fire */
	reset(&h);
	for (int i = 0; i < 4; i++)
		order(&h, day_of(2023, 1 + i, 10), 25);
	m = compute(&h, as_of);
	is_amount(m.recent_amount, 0, "all prior: recent amount 0");
	is_amount(m.prior_amount, 100, "all prior: prior amount");
	is_value(m.amount_change, -1, "all prior: amount change -1");
	is_value(m.frequency_change, -1, "all prior: frequency change -1");
	ok(has_signal(&m, DECLINE_AMOUNT_DROP), "all prior: amount_drop fires");
	ok(has_signal(&m, DECLINE_FREQUENCY_DROP), "all prior: frequency_drop fires");
	ok(has_signal(&m, DECLINE_OVERDUE), "all prior: overdue fires");
	ok(m.declining, "all prior: declining");

	/*
	 * a prior window that nets to zero over several days (1.10 + 2.20, both
	 * returned: -3.30) sums to 0, not to a residue of 4e-16: no change, no
	 * amount_drop (it was -1)
	 */
	reset(&h);
	order(&h, day_of(2023, 1, 10), 1.10);
	order(&h, day_of(2023, 2, 10), 2.20);
	order(&h, day_of(2023, 3, 10), -3.30);
	m = compute(&h, as_of);
	ok(m.prior_amount == 0.0, "zero-net prior window: prior amount exactly 0 (%.17g)", m.prior_amount);
	is_null(m.amount_change, "zero-net prior window: amount change NULL");
	ok(!has_signal(&m, DECLINE_AMOUNT_DROP), "zero-net prior window: no amount_drop");

	/* boundaries: (as_of - W, as_of] excludes the start day, includes as_of */
	reset(&h);
	order(&h, day_of(2023, 6, 30), 1);	/* = as_of - 12 months: prior */
	order(&h, day_of(2023, 7, 1), 2);	/* first recent day */
	order(&h, as_of, 4);		/* as_of itself: recent */
	order(&h, day_of(2022, 6, 30), 8);	/* = as_of - 24 months: outside */
	order(&h, day_of(2022, 7, 1), 16);	/* first prior day */
	m = compute(&h, as_of);
	is_amount(m.recent_amount, 6, "boundary: recent = (as_of - W, as_of]");
	is_amount(m.prior_amount, 17, "boundary: prior = (as_of - 2W, as_of - W]");
	is_int(m.recent_orders, 2, "boundary: recent orders");
	is_int(m.prior_orders, 2, "boundary: prior orders");
	is_value(m.amount_change, 6.0 / 17.0 - 1, "boundary: amount change");
	is_value(m.frequency_change, 0, "boundary: frequency change 0");
	is_value(m.overdue_ratio, 0, "boundary: purchase on as_of, overdue 0");
}

static void
test_before_first_order(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	/* history starts inside the prior window; trend window starts earlier */
	reset(&h);
	order(&h, day_of(2023, 5, 1), 100);
	order(&h, day_of(2023, 6, 1), 100);
	order(&h, day_of(2023, 8, 1), 100);
	order(&h, day_of(2024, 2, 1), 100);
	m = compute(&h, as_of);
	is_amount(m.prior_amount, 200, "early start: prior covers what exists");
	is_value(m.amount_change, 0, "early start: amount change 0");
	is_int(m.trend_points, 4, "early start: trend counts every point");
	is_value(m.amount_trend, 0, "early start: flat amounts, slope 0");
	ok(!has_signal(&m, DECLINE_NEGATIVE_TREND), "early start: flat trend does not fire");
	is_amount(m.last_season_amount, 200,
			  "early start: last season (2023-03-30, 2023-06-30] starts before history");
	is_value(m.same_season_change, -1, "early start: nothing this season, change -1");
	is_value(m.earlier_median_gap_days, 31, "early start: earlier gap 31");
	is_value(m.recent_median_gap_days,
			 ((day_of(2023, 8, 1) - day_of(2023, 6, 1)) +
			  (day_of(2024, 2, 1) - day_of(2023, 8, 1))) / 2.0,
			 "early start: straddling gap belongs to the recent window");
}

static void
test_refunds(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	reset(&h);
	order(&h, day_of(2023, 3, 1), 200);
	order(&h, day_of(2023, 4, 1), 200);
	order(&h, day_of(2024, 1, 1), 150);
	order(&h, day_of(2024, 1, 20), -50);	/* refund-only day */
	order(&h, day_of(2024, 3, 1), 80);
	order(&h, day_of(2024, 3, 1), -80); /* nets to zero: not a purchase day */
	m = compute(&h, as_of);
	is_int(m.purchase_days, 3, "refunds: refund and zero-net days are not purchase days");
	is_amount(m.recent_amount, 100, "refunds: refund days net into window amounts");
	is_int(m.recent_orders, 1, "refunds: orders count only on purchase days");
	is_value(m.median_gap_days,
			 ((day_of(2023, 4, 1) - day_of(2023, 3, 1)) +
			  (day_of(2024, 1, 1) - day_of(2023, 4, 1))) / 2.0,
			 "refunds: gaps skip non-purchase days");
	is_value(m.amount_change, 100.0 / 400.0 - 1, "refunds: amount change uses the net");
	is_value(m.overdue_ratio, (double) (as_of - day_of(2024, 1, 1)) /
			 (((day_of(2023, 4, 1) - day_of(2023, 3, 1)) +
			   (day_of(2024, 1, 1) - day_of(2023, 4, 1))) / 2.0),
			 "refunds: overdue counts from the last purchase day");

	/* a prior window that nets negative has no meaningful change */
	reset(&h);
	order(&h, day_of(2023, 3, 1), 20);
	order(&h, day_of(2023, 3, 2), -70);
	order(&h, day_of(2024, 3, 1), 10);
	m = compute(&h, as_of);
	is_amount(m.prior_amount, -50, "refunds: prior amount can be negative");
	is_null(m.amount_change, "refunds: amount change NULL when prior <= 0");
	is_value(m.frequency_change, 0, "refunds: frequency still defined");

	/* refund inside the trend window is not a trend point */
	reset(&h);
	order(&h, day_of(2024, 1, 1), 10);
	order(&h, day_of(2024, 2, 1), -5);
	order(&h, day_of(2024, 3, 1), 20);
	m = compute(&h, as_of);
	is_int(m.trend_points, 2, "refunds: refund day is not a trend point");
	is_value(m.amount_trend, 10.0 / ((day_of(2024, 3, 1) - day_of(2024, 1, 1)) / 365.25),
			 "refunds: slope of two points");
}

static void
test_unknown_amounts(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);

	reset(&h);
	order(&h, day_of(2024, 1, 1), 10);
	order_ex(&h, day_of(2024, 2, 1), 0, false, false);	/* all unknown */
	order(&h, day_of(2024, 3, 1), 30);
	order_ex(&h, day_of(2024, 3, 1), 0, false, false);	/* partly unknown */
	order(&h, day_of(2024, 4, 1), 20);
	m = compute(&h, as_of);
	is_int(m.purchase_days, 4, "unknown: a day of unknown amounts is a purchase day");
	is_int(m.recent_orders, 5, "unknown: unknown-amount orders are orders");
	is_amount(m.recent_amount, 60, "unknown: amounts sum the known ones");
	is_int(m.trend_points, 2, "unknown: days with an unknown amount are not trend points");
	is_value(m.amount_trend, 10.0 / ((day_of(2024, 4, 1) - day_of(2024, 1, 1)) / 365.25),
			 "unknown: slope over the known days");
}

static void
test_leap_days(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 2, 29);
	DeclineBounds b = bounds_for(as_of, 12, 3, 3);

	ok(b.recent_start == day_of(2023, 2, 28), "leap: as_of - 12 months = 2023-02-28");
	ok(b.prior_start == day_of(2022, 2, 28), "leap: as_of - 24 months = 2022-02-28");
	ok(b.season_start == day_of(2023, 11, 29), "leap: as_of - 3 months = 2023-11-29");
	ok(b.last_season_end == day_of(2023, 2, 28), "leap: as_of - 1 year = 2023-02-28");
	ok(b.last_season_start == day_of(2022, 11, 28),
	   "leap: (as_of - 1 year) - 3 months = 2022-11-28");

	reset(&h);
	order(&h, day_of(2023, 2, 28), 1);	/* last day of prior / last season */
	order(&h, day_of(2023, 3, 1), 2);	/* first day of recent */
	order(&h, day_of(2022, 11, 28), 4); /* excluded from last season */
	order(&h, day_of(2022, 11, 29), 8);
	order(&h, day_of(2023, 11, 29), 16);	/* excluded from season */
	order(&h, day_of(2023, 11, 30), 32);
	order(&h, as_of, 64);
	m = compute(&h, as_of);
	is_amount(m.recent_amount, 2 + 16 + 32 + 64, "leap: recent window");
	is_amount(m.prior_amount, 1 + 4 + 8, "leap: prior window");
	is_amount(m.season_amount, 32 + 64, "leap: season window");
	is_amount(m.last_season_amount, 1 + 8, "leap: last season window");
	is_int(m.season_orders, 2, "leap: season orders");
	is_int(m.last_season_orders, 2, "leap: last season orders");
	is_value(m.same_season_change, 96.0 / 9.0 - 1, "leap: same season change");

	/* as_of on Feb 28 of a leap year: one year back is Feb 28 too */
	b = bounds_for(day_of(2024, 2, 28), 12, 3, 3);
	ok(b.recent_start == day_of(2023, 2, 28) &&
	   b.last_season_end == day_of(2023, 2, 28),
	   "leap: 2024-02-28 - 1 year = 2023-02-28");
	b = bounds_for(day_of(2025, 3, 1), 12, 3, 3);
	ok(b.recent_start == day_of(2024, 3, 1), "leap: 2025-03-01 - 1 year = 2024-03-01");
}

static void
test_future_days_ignored(void)
{
	TestHistory h,
				g;
	DeclineMetrics a,
				c;
	int32_t		as_of = day_of(2024, 6, 30);

	reset(&h);
	order(&h, day_of(2022, 9, 1), 70);
	order(&h, day_of(2023, 5, 1), 90);
	order(&h, day_of(2024, 1, 1), 30);
	order(&h, day_of(2024, 5, 1), 10);
	g = h;
	order(&g, as_of + 1, 1000);
	order(&g, day_of(2025, 1, 1), 1000);
	order(&g, day_of(2025, 1, 2), -5000);
	a = compute(&h, as_of);
	c = compute(&g, as_of);
	ok(a.purchase_days == c.purchase_days &&
	   a.mean_gap_days.value == c.mean_gap_days.value &&
	   a.median_gap_days.value == c.median_gap_days.value &&
	   a.gap_stddev_days.value == c.gap_stddev_days.value &&
	   a.overdue_ratio.value == c.overdue_ratio.value &&
	   a.recent_amount == c.recent_amount &&
	   a.recent_orders == c.recent_orders &&
	   a.season_amount == c.season_amount &&
	   a.amount_trend.value == c.amount_trend.value &&
	   a.trend_points == c.trend_points &&
	   a.cadence_change.valid == c.cadence_change.valid &&
	   a.cadence_change.value == c.cadence_change.value &&
	   a.signals == c.signals,
	   "future days after as_of change nothing");
	is_int(c.purchase_days, 4, "future: only days up to as_of counted");

	/* as_of before every order: like an empty history */
	c = compute(&g, day_of(2020, 1, 1));
	ok(c.purchase_days == 0 && !c.mean_gap_days.valid &&
	   c.recent_amount == 0 && !c.declining,
	   "future: as_of before every order looks empty");
}

static void
test_trend(void)
{
	TestHistory h;
	DeclineMetrics m;
	DeclineThresholds t = default_thresholds();
	int32_t		as_of = day_of(2024, 6, 30);
	DeclineBounds b = bounds_for(as_of, 12, 3, 3);
	int32_t		d0 = as_of - 400;

	/* amount falls by one per day: -365.25 per year */
	reset(&h);
	order(&h, d0, 1000);
	order(&h, d0 + 100, 900);
	order(&h, d0 + 200, 800);
	order(&h, d0 + 300, 700);
	m = compute_with(&h, &b, &t, false);
	is_int(m.trend_points, 4, "trend: four points");
	is_value(m.amount_trend, -365.25, "trend: slope in amount per year");
	is_value(m.relative_trend, -365.25 / 850.0, "trend: relative to the mean amount");
	ok(has_signal(&m, DECLINE_NEGATIVE_TREND), "trend: negative_trend fires with 4 points");

	t.trend_min_points = 5;
	m = compute_with(&h, &b, &t, false);
	ok(!has_signal(&m, DECLINE_NEGATIVE_TREND), "trend: not below trend_min_points");

	t = default_thresholds();
	t.trend_drop = 0.5;
	m = compute_with(&h, &b, &t, false);
	ok(!has_signal(&m, DECLINE_NEGATIVE_TREND), "trend: not when the relative fall is small");

	/* points before the trend window do not count */
	order(&h, b.trend_start, 5000);
	order(&h, b.trend_start + 1, 1100);
	t = default_thresholds();
	m = compute_with(&h, &b, &t, false);
	is_int(m.trend_points, 5, "trend: window (as_of - N years, as_of]");
	ok(m.amount_trend.valid && m.amount_trend.value < 0, "trend: still falling");

	/* rising amounts never fire */
	reset(&h);
	for (int i = 0; i < 6; i++)
		order(&h, d0 + 60 * i, 100 + 10 * i);
	m = compute_with(&h, &b, &t, false);
	ok(m.amount_trend.valid && m.amount_trend.value > 0 &&
	   !has_signal(&m, DECLINE_NEGATIVE_TREND), "trend: rising does not fire");

	/* trend_drop 0: any negative slope with enough points fires */
	reset(&h);
	for (int i = 0; i < 6; i++)
		order(&h, d0 + 60 * i, 1000 - (i == 5));
	t.trend_drop = 0;
	m = compute_with(&h, &b, &t, false);
	ok(m.amount_trend.value < 0 && has_signal(&m, DECLINE_NEGATIVE_TREND),
	   "trend: trend_drop 0 fires on any fall");
}

/*
 * The trend of the same points is the same number whatever the as-of day:
 * the slope does not depend on the origin of the time axis, and its bits
 * must not either (computed from the as-of day, 26% of the demo customers'
 * trends changed in their last digits from one day to the next with no new
 * order, so a refresh could not tell a changed row from a recomputed one).
 */
static void
test_trend_same_bits(void)
{
	TestHistory h;
	int32_t		as_of = day_of(2024, 6, 30);
	uint64_t	seed = 7;
	int			same = 0;
	int			cases = 0;

	for (int c = 0; c < 200; c++)
	{
		int32_t		first = as_of - 700;
		DeclineMetrics m0;

		reset(&h);
		for (int i = 0; i < 3 + c % 20; i++)
		{
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			order(&h, first + (int32_t) ((seed >> 33) % 690),
				  1 + (double) ((seed >> 20) % 100000) / 7.0);
		}
		m0 = compute(&h, as_of);
		/* later as-of days whose trend window holds the same points */
		for (int32_t later = 1; later <= 30; later += 7)
		{
			DeclineMetrics m1 = compute(&h, as_of + later);

			cases++;
			if (m1.trend_points == m0.trend_points &&
				m1.amount_trend.valid == m0.amount_trend.valid &&
				memcmp(&m1.amount_trend.value, &m0.amount_trend.value, sizeof(double)) == 0 &&
				memcmp(&m1.relative_trend.value, &m0.relative_trend.value, sizeof(double)) == 0)
				same++;
		}
	}
	is_int(same, cases, "trend: the same bits as of later days with the same points");
}

static void
test_cadence(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 6, 30);
	DeclineBounds b = bounds_for(as_of, 12, 3, 3);
	DeclineThresholds t = default_thresholds();

	/* every 30 days before the recent window, every 60 days inside it */
	reset(&h);
	for (int32_t d = b.recent_start - 300; d <= b.recent_start; d += 30)
		order(&h, d, 10);
	for (int32_t d = b.recent_start + 60; d <= as_of; d += 60)
		order(&h, d, 10);
	m = compute_with(&h, &b, &t, false);
	is_value(m.earlier_median_gap_days, 30, "cadence: earlier median 30");
	is_value(m.recent_median_gap_days, 60, "cadence: recent median 60");
	is_value(m.cadence_change, 1.0, "cadence: monthly became bimonthly = +1");
	ok(has_signal(&m, DECLINE_CADENCE_SLOWDOWN), "cadence: cadence_slowdown fires");

	/* only one purchase before the window: no earlier gap */
	reset(&h);
	order(&h, b.recent_start - 10, 10);
	order(&h, b.recent_start + 30, 10);
	order(&h, b.recent_start + 90, 10);
	m = compute_with(&h, &b, &t, false);
	is_null(m.earlier_median_gap_days, "cadence: no earlier gap");
	is_value(m.recent_median_gap_days, 50, "cadence: straddling gap 40 and 60");
	is_null(m.cadence_change, "cadence: change NULL without earlier gaps");

	/* no purchase in the recent window: no recent gap */
	reset(&h);
	order(&h, b.recent_start - 60, 10);
	order(&h, b.recent_start - 30, 10);
	order(&h, b.recent_start, 10);
	m = compute_with(&h, &b, &t, false);
	is_value(m.earlier_median_gap_days, 30, "cadence: a gap ending on recent_start is earlier");
	is_null(m.recent_median_gap_days, "cadence: no recent gap");
	is_null(m.cadence_change, "cadence: change NULL without recent gaps");

	/* faster cadence is negative and does not fire */
	reset(&h);
	for (int32_t d = b.recent_start - 300; d <= b.recent_start; d += 60)
		order(&h, d, 10);
	for (int32_t d = b.recent_start + 20; d <= as_of; d += 20)
		order(&h, d, 10);
	m = compute_with(&h, &b, &t, false);
	ok(m.cadence_change.valid && m.cadence_change.value < 0 &&
	   !has_signal(&m, DECLINE_CADENCE_SLOWDOWN), "cadence: speeding up does not fire");
}

static void
test_season(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		as_of = day_of(2024, 12, 31);

	/* a Christmas buyer: big last December, small this December */
	reset(&h);
	order(&h, day_of(2023, 12, 15), 500);
	order(&h, day_of(2023, 12, 20), 300);
	order(&h, day_of(2024, 6, 1), 50);
	order(&h, day_of(2024, 12, 18), 200);
	m = compute(&h, as_of);
	is_amount(m.last_season_amount, 800, "season: last year's Oct-Dec");
	is_amount(m.season_amount, 200, "season: this year's Oct-Dec");
	is_int(m.last_season_orders, 2, "season: last season orders");
	is_int(m.season_orders, 1, "season: season orders");
	is_value(m.same_season_change, 200.0 / 800.0 - 1, "season: change -0.75");
	ok(has_signal(&m, DECLINE_SEASON_DROP), "season: season_drop fires");

	order(&h, day_of(2024, 12, 24), 600);
	m = compute(&h, as_of);
	ok(m.same_season_change.valid && m.same_season_change.value == 0 &&
	   !has_signal(&m, DECLINE_SEASON_DROP), "season: same amount, no drop");
}

static void
test_overdue(void)
{
	TestHistory h;
	DeclineMetrics m;
	int32_t		d0 = day_of(2024, 1, 1);

	reset(&h);
	for (int i = 0; i < 4; i++)
		order(&h, d0 + 30 * i, 10);
	m = compute(&h, d0 + 90 + 59);
	is_value(m.overdue_ratio, 59.0 / 30.0, "overdue: 59 / 30");
	ok(!has_signal(&m, DECLINE_OVERDUE), "overdue: below 2 does not fire");
	m = compute(&h, d0 + 90 + 60);
	is_value(m.overdue_ratio, 2.0, "overdue: 60 / 30 = 2");
	ok(has_signal(&m, DECLINE_OVERDUE), "overdue: threshold itself fires");
	ok(m.declining, "overdue: an overdue customer is declining");
}

static void
test_campaign_only(void)
{
	TestHistory h;
	DeclineMetrics m;
	DeclineBounds b = bounds_for(day_of(2024, 6, 30), 12, 3, 3);
	DeclineThresholds t = default_thresholds();

	reset(&h);
	order_ex(&h, day_of(2024, 1, 1), 10, true, true);
	order_ex(&h, day_of(2024, 2, 1), 10, true, true);
	order_ex(&h, day_of(2024, 2, 1), 10, true, false);
	order_ex(&h, day_of(2024, 3, 1), -10, true, true);	/* refund day */
	m = compute_with(&h, &b, &t, true);
	ok(m.campaign_only_known && m.campaign_only,
	   "campaign: every purchase day had a discounted order");
	m = compute_with(&h, &b, &t, false);
	ok(!m.campaign_only_known && !m.campaign_only,
	   "campaign: unknown when the discounted column is not known");
	order_ex(&h, day_of(2024, 4, 1), 10, true, false);
	m = compute_with(&h, &b, &t, true);
	ok(m.campaign_only_known && !m.campaign_only,
	   "campaign: one full-price purchase day makes it false");
	b = bounds_for(day_of(2024, 3, 15), 12, 3, 3);
	m = compute_with(&h, &b, &t, true);
	ok(m.campaign_only, "campaign: full-price day after as_of is ignored");
}

static void
test_signal_table(void)
{
	DeclineMetrics m;
	DeclineThresholds t = default_thresholds();

	ok(strcmp(decline_signal_names[0], "amount_drop") == 0 &&
	   strcmp(decline_signal_names[1], "frequency_drop") == 0 &&
	   strcmp(decline_signal_names[2], "cadence_slowdown") == 0 &&
	   strcmp(decline_signal_names[3], "overdue") == 0 &&
	   strcmp(decline_signal_names[4], "season_drop") == 0 &&
	   strcmp(decline_signal_names[5], "negative_trend") == 0,
	   "signal names match the bits");
	ok(DECLINE_NEGATIVE_TREND == 1 << (DECLINE_NSIGNALS - 1), "signal count matches");

	memset(&m, 0, sizeof(m));
	ok(decline_evaluate_signals(&m, &t) == 0, "signals: undefined metrics never fire");

	m.amount_change.valid = true;
	m.amount_change.value = -0.3;
	m.frequency_change.valid = true;
	m.frequency_change.value = -0.29;
	m.cadence_change.valid = true;
	m.cadence_change.value = 0.5;
	m.overdue_ratio.valid = true;
	m.overdue_ratio.value = 1.99;
	m.same_season_change.valid = true;
	m.same_season_change.value = -0.3;
	ok(decline_evaluate_signals(&m, &t) ==
	   (DECLINE_AMOUNT_DROP | DECLINE_CADENCE_SLOWDOWN | DECLINE_SEASON_DROP),
	   "signals: thresholds are inclusive");

	memset(&m, 0, sizeof(m));
	m.amount_trend.valid = true;
	m.amount_trend.value = 0;
	m.relative_trend.valid = true;
	m.relative_trend.value = 0;
	m.trend_points = 10;
	t.trend_drop = 0;
	ok(decline_evaluate_signals(&m, &t) == 0, "signals: a flat trend never fires");
}

/*
 * Random histories against a naive second implementation
 */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* xorshift64*: deterministic across platforms */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static int
rng_int(int lo, int hi)
{
	return lo + (int) (rng() % (uint64_t) (hi - lo + 1));
}

/* Insertion sort, then the middle (not the library's qsort path). */
static bool
naive_median(const double *v, int n, double *out)
{
	double		s[MAX_TEST_DAYS];

	if (n == 0)
		return false;
	for (int i = 0; i < n; i++)
	{
		int			j = i;

		while (j > 0 && s[j - 1] > v[i])
		{
			s[j] = s[j - 1];
			j--;
		}
		s[j] = v[i];
	}
	/* percentile_cont(0.5): interpolate at position 0.5 * (n - 1) */
	{
		double		pos = 0.5 * (n - 1);
		int			lo = (int) floor(pos);
		int			hi = (int) ceil(pos);

		*out = s[lo] + (s[hi] - s[lo]) * (pos - lo);
	}
	return true;
}

static bool
same_metric(MetricValue v, bool valid, double want, double tol)
{
	if (v.valid != valid)
		return false;
	return !valid || close_to(v.value, want, tol);
}

/* Recompute every metric from the raw days and compare. */
static int
check_against_naive(const HistoryDay *days, int32_t ndays,
					const DeclineBounds *b, const DeclineThresholds *t,
					const DeclineMetrics *m, char *why, size_t whylen)
{
	double		gaps[MAX_TEST_DAYS],
				recent_gaps[MAX_TEST_DAYS],
				earlier_gaps[MAX_TEST_DAYS];
	int			ngaps = 0,
				nrecent = 0,
				nearlier = 0,
				np = 0;
	int32_t		prev = 0;
	double		ra = 0,
				pa = 0,
				sa = 0,
				la = 0;
	int64_t		ro = 0,
				po = 0,
				so = 0,
				lo = 0;
	double		sx = 0,
				sy = 0,
				sxx = 0,
				sxy = 0;
	int			tn = 0;
	double		med = 0;
	bool		has_med;
	uint32_t	signals = 0;

	for (int32_t i = 0; i < ndays; i++)
	{
		const HistoryDay *d = &days[i];
		bool		known_any = (d->orders - d->unknown + d->refunds) > 0;
		bool		purchase = known_any ? d->amount > 0 : d->unknown > 0;

		if (d->day > b->as_of_day)
			continue;
		if (d->day > b->recent_start)
			ra += d->amount, ro += purchase ? d->orders : 0;
		if (d->day > b->prior_start && d->day <= b->recent_start)
			pa += d->amount, po += purchase ? d->orders : 0;
		if (d->day > b->season_start)
			sa += d->amount, so += purchase ? d->orders : 0;
		if (d->day > b->last_season_start && d->day <= b->last_season_end)
			la += d->amount, lo += purchase ? d->orders : 0;
		if (!purchase)
			continue;
		if (np > 0)
		{
			double		g = d->day - prev;

			gaps[ngaps++] = g;
			if (d->day > b->recent_start)
				recent_gaps[nrecent++] = g;
			else
				earlier_gaps[nearlier++] = g;
		}
		prev = d->day;
		np++;
		if (d->day > b->trend_start && d->unknown == 0)
		{
			double		x = d->day / 365.25;

			tn++;
			sx += x;
			sy += d->amount;
			sxx += x * x;
			sxy += x * d->amount;
		}
	}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return 0; } while (0)
	if (m->purchase_days != np)
		FAIL("purchase_days");
	if (m->recent_amount != ra || m->prior_amount != pa ||
		m->season_amount != sa || m->last_season_amount != la)
		FAIL("window amounts");
	if (m->recent_orders != ro || m->prior_orders != po ||
		m->season_orders != so || m->last_season_orders != lo)
		FAIL("window orders");
	{
		double		mean = 0,
					ss = 0;

		for (int i = 0; i < ngaps; i++)
			mean += gaps[i];
		mean = ngaps ? mean / ngaps : 0;
		for (int i = 0; i < ngaps; i++)
			ss += gaps[i] * gaps[i];
		if (!same_metric(m->mean_gap_days, ngaps > 0, mean, 1e-12))
			FAIL("mean gap");
		if (!same_metric(m->gap_stddev_days, ngaps > 1,
						 ngaps > 1 ? sqrt((ss - ngaps * mean * mean) / (ngaps - 1)) : 0,
						 1e-7))
			FAIL("gap stddev");
	}
	has_med = naive_median(gaps, ngaps, &med);
	if (!same_metric(m->median_gap_days, has_med, med, 1e-12))
		FAIL("median gap");
	if (!same_metric(m->overdue_ratio, has_med,
					 has_med ? (b->as_of_day - prev) / med : 0, 1e-12))
		FAIL("overdue ratio");
	{
		double		rm = 0,
					em = 0;
		bool		hr = naive_median(recent_gaps, nrecent, &rm);
		bool		he = naive_median(earlier_gaps, nearlier, &em);

		if (!same_metric(m->recent_median_gap_days, hr, rm, 1e-12) ||
			!same_metric(m->earlier_median_gap_days, he, em, 1e-12))
			FAIL("cadence medians");
		if (!same_metric(m->cadence_change, hr && he, hr && he ? rm / em - 1 : 0, 1e-12))
			FAIL("cadence change");
	}
	if (!same_metric(m->amount_change, pa > 0, pa > 0 ? ra / pa - 1 : 0, 1e-12))
		FAIL("amount change");
	if (!same_metric(m->frequency_change, po > 0, po > 0 ? (double) ro / po - 1 : 0, 1e-12))
		FAIL("frequency change");
	if (!same_metric(m->same_season_change, la > 0, la > 0 ? sa / la - 1 : 0, 1e-12))
		FAIL("season change");
	if (m->trend_points != tn)
		FAIL("trend points");
	{
		/* regr_slope's definition: (N Sxy - Sx Sy) / (N Sxx - Sx^2) */
		double		slope = tn > 1 ? (tn * sxy - sx * sy) / (tn * sxx - sx * sx) : 0;

		if (!same_metric(m->amount_trend, tn > 1, slope, 1e-6))
			FAIL("amount trend (got %.17g want %.17g)", m->amount_trend.value, slope);
		if (!same_metric(m->relative_trend, tn > 1, tn > 1 ? slope / (sy / tn) : 0, 1e-6))
			FAIL("relative trend");
	}
	signals = decline_evaluate_signals(m, t);
	if (m->signals != signals || m->declining != (signals != 0))
		FAIL("signals");
#undef FAIL
	return 1;
}

static void
test_random_against_naive(void)
{
	static TestHistory h;
	DeclineThresholds t = default_thresholds();
	int			failures = 0;
	int			with_trend = 0,
				with_cadence = 0,
				with_change = 0,
				declining = 0;
	char		why[300] = "";

	for (int c = 0; c < 500; c++)
	{
		int32_t		as_of = day_of(2024, 1, 1) + rng_int(-400, 400);
		int			norders = rng_int(0, 120);
		int			cadence = rng_int(1, 90);
		int32_t		start = as_of - rng_int(0, 2000);
		int32_t		d = start;
		DeclineBounds b = bounds_for(as_of, rng_int(1, 24), rng_int(1, 5),
									 rng_int(1, 6));
		DeclineMetrics m;
		char		w[200];

		reset(&h);
		for (int i = 0; i < norders && h.ndays < MAX_TEST_DAYS; i++)
		{
			int			kind = rng_int(0, 19);

			if (rng_int(0, 3) > 0)
				d += rng_int(0, 2 * cadence);
			/* whole quarters: sums are exact in any order */
			if (kind == 0)
				order_ex(&h, d, 0, false, rng_int(0, 1));
			else if (kind == 1)
				order(&h, d, -rng_int(1, 400) / 4.0);
			else
				order_ex(&h, d, rng_int(1, 4000) / 4.0, true, rng_int(0, 1));
		}
		m = compute_with(&h, &b, &t, true);
		with_trend += m.amount_trend.valid;
		with_cadence += m.cadence_change.valid;
		with_change += m.amount_change.valid;
		declining += m.declining;
		if (!check_against_naive(h.days, h.ndays, &b, &t, &m, w, sizeof(w)))
		{
			if (failures++ == 0)
				snprintf(why, sizeof(why), "customer %d: %s", c, w);
		}
	}
	ok(failures == 0, "random: 500 histories match the naive implementation%s%s",
	   failures ? ", first failure " : "", why);
	ok(with_trend > 100 && with_cadence > 100 && with_change > 100 &&
	   declining > 50 && declining < 500,
	   "random: the sample exercises every metric (trend %d, cadence %d, change %d, declining %d)",
	   with_trend, with_cadence, with_change, declining);
}

int
main(void)
{
	test_empty();
	test_one_purchase_day();
	test_same_day_orders();
	test_odd_even_median();
	test_windows();
	test_before_first_order();
	test_refunds();
	test_unknown_amounts();
	test_leap_days();
	test_future_days_ignored();
	test_trend();
	test_trend_same_bits();
	test_cadence();
	test_season();
	test_overdue();
	test_campaign_only();
	test_signal_table();
	test_random_against_naive();

	return tap_done();
}
