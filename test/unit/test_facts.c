/*
 * test_facts.c
 *		Unit tests of the one-evaluation facts (src/core/facts.c), without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * history_facts_compute() must give, bit for bit, what history_summarize(),
 * history_btyd_summary() and decline_compute() give one after another: a
 * few hand-made histories, then random ones (refunds, unknown amounts,
 * discounted orders, days after as_of) at several as-of days, minimum order
 * amounts and units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "facts.h"
#include "history.h"
#include "metrics.h"

#define MAX_TEST_DAYS 2048

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

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

/* Simple fixed-length windows around as_of (the calendar does not matter here). */
static DeclineBounds
bounds_at(int32_t as_of, int window, int years, int season)
{
	DeclineBounds b;

	b.as_of_day = as_of;
	b.recent_start = as_of - window;
	b.prior_start = as_of - 2 * window;
	b.trend_start = as_of - 365 * years;
	b.season_start = as_of - season;
	b.last_season_end = as_of - 365;
	b.last_season_start = b.last_season_end - season;
	return b;
}

static DeclineThresholds
thresholds(void)
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

/* Bitwise equality of doubles (so -0.0 and 0.0 differ, as they would in SQL output). */
static bool
same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

static bool
same_metric(MetricValue a, MetricValue b)
{
	return a.valid == b.valid && (!a.valid || same_bits(a.value, b.value));
}

/* Every field of the facts against the three separate functions; why on failure. */
static const char *
compare(const HistoryDay *days, int32_t ndays, double min_amount,
		double unit_days, const DeclineBounds *b, const DeclineThresholds *t,
		bool discounted_known)
{
	HistoryFacts f;
	HistorySummary s;
	BtydSummary bs;
	bool		has_bs;
	DeclineMetrics m;
	double	   *scratch = malloc(DECLINE_SCRATCH_LEN(ndays) * sizeof(double) + 1);
	double	   *scratch2 = malloc(DECLINE_SCRATCH_LEN(ndays) * sizeof(double) + 1);

	history_facts_compute(days, ndays, min_amount, unit_days, b, t,
						  discounted_known, scratch, &f);
	history_summarize(days, ndays, b->as_of_day, min_amount, &s);
	has_bs = history_btyd_summary(days, ndays, b->as_of_day, unit_days, &bs);
	decline_compute(days, ndays, b, t, discounted_known, scratch2, &m);
	free(scratch);
	free(scratch2);

	if (f.summary.order_days != s.order_days ||
		f.summary.orders_count != s.orders_count ||
		f.summary.unknown_amount_orders != s.unknown_amount_orders ||
		f.summary.refunds != s.refunds ||
		f.summary.discounted_days != s.discounted_days ||
		!same_bits(f.summary.total_amount, s.total_amount))
		return "summary counts or total";
	if (s.order_days > 0 &&
		(f.summary.first_day != s.first_day || f.summary.last_day != s.last_day))
		return "summary first or last day";
	if (f.summary.has_qualifying != s.has_qualifying ||
		(s.has_qualifying && f.summary.last_qualifying_day != s.last_qualifying_day))
		return "summary last qualifying day";
	if (f.has_btyd != has_bs)
		return "btyd presence";
	if (has_bs &&
		(f.btyd.frequency != bs.frequency || !same_bits(f.btyd.recency, bs.recency) ||
		 !same_bits(f.btyd.age, bs.age) || f.btyd.has_monetary != bs.has_monetary ||
		 f.btyd.monetary_days != bs.monetary_days ||
		 (bs.has_monetary && !same_bits(f.btyd.monetary_value, bs.monetary_value))))
		return "btyd summary";
	if (f.decline.purchase_days != m.purchase_days ||
		!same_metric(f.decline.mean_gap_days, m.mean_gap_days) ||
		!same_metric(f.decline.median_gap_days, m.median_gap_days) ||
		!same_metric(f.decline.gap_stddev_days, m.gap_stddev_days) ||
		!same_metric(f.decline.overdue_ratio, m.overdue_ratio) ||
		!same_bits(f.decline.recent_amount, m.recent_amount) ||
		!same_bits(f.decline.prior_amount, m.prior_amount) ||
		f.decline.recent_orders != m.recent_orders ||
		f.decline.prior_orders != m.prior_orders ||
		!same_metric(f.decline.amount_change, m.amount_change) ||
		!same_metric(f.decline.frequency_change, m.frequency_change) ||
		!same_metric(f.decline.amount_trend, m.amount_trend) ||
		f.decline.trend_points != m.trend_points ||
		!same_metric(f.decline.relative_trend, m.relative_trend) ||
		!same_metric(f.decline.recent_median_gap_days, m.recent_median_gap_days) ||
		!same_metric(f.decline.earlier_median_gap_days, m.earlier_median_gap_days) ||
		!same_metric(f.decline.cadence_change, m.cadence_change) ||
		!same_bits(f.decline.season_amount, m.season_amount) ||
		!same_bits(f.decline.last_season_amount, m.last_season_amount) ||
		f.decline.season_orders != m.season_orders ||
		f.decline.last_season_orders != m.last_season_orders ||
		!same_metric(f.decline.same_season_change, m.same_season_change) ||
		f.decline.signals != m.signals || f.decline.declining != m.declining ||
		f.decline.campaign_only_known != m.campaign_only_known ||
		f.decline.campaign_only != m.campaign_only)
		return "decline metrics";
	return NULL;
}

/* One order row on a day (compacted by the caller). */
static void
add(HistoryDay *days, int32_t *n, int32_t day, double amount, bool known,
	bool discounted)
{
	history_day_init(&days[*n], day);
	history_day_add_order(&days[*n], amount, known, discounted);
	(*n)++;
}

static void
test_hand_made(void)
{
	static HistoryDay days[16];
	int32_t		n = 0;
	DeclineBounds b = bounds_at(1000, 365, 3, 90);
	DeclineThresholds t = thresholds();
	HistoryFacts f;
	const char *why;

	/* no days at all */
	why = compare(days, 0, 0, 1, &b, &t, true);
	ok(why == NULL, "empty history: same as the separate functions%s%s",
	   why ? ": " : "", why ? why : "");
	history_facts_compute(days, 0, 0, 1, &b, &t, true, NULL, &f);
	ok(!f.has_btyd && f.summary.order_days == 0 && f.decline.purchase_days == 0 &&
	   !f.decline.campaign_only && f.decline.campaign_only_known,
	   "empty history: no BTYD summary, zero counts, campaign_only false");

	/* a refund only: no purchase day, but a total and a refund count */
	add(days, &n, 900, -50, true, false);
	why = compare(days, n, 0, 1, &b, &t, false);
	ok(why == NULL, "refund only: same%s%s", why ? ": " : "", why ? why : "");
	history_facts_compute(days, n, 0, 1, &b, &t, false, NULL, &f);
	ok(!f.has_btyd && f.summary.refunds == 1 && f.summary.total_amount == -50,
	   "refund only: no BTYD summary, one refund, total -50");

	/* purchases before and after as_of, one of unknown amount, one discounted */
	n = 0;
	add(days, &n, 100, 120, true, false);
	add(days, &n, 400, 0, false, true);
	add(days, &n, 700, 80, true, true);
	add(days, &n, 700, 30, true, false);
	add(days, &n, 1200, 500, true, false);
	n = history_compact(days, n);
	{
		double		scratch[2 * 16 + 1];

		why = compare(days, n, 50, 7, &b, &t, true);
		ok(why == NULL, "mixed history: same%s%s", why ? ": " : "", why ? why : "");
		history_facts_compute(days, n, 50, 7, &b, &t, true, scratch, &f);
	}
	ok(f.summary.order_days == 3 && f.summary.last_day == 700 &&
	   f.summary.has_qualifying && f.summary.last_qualifying_day == 700,
	   "mixed history: the day after as_of is left out; 700 qualifies at 50");
	ok(f.has_btyd && f.btyd.frequency == 2 && f.btyd.has_monetary &&
	   f.btyd.monetary_value == 110 && f.btyd.age == 900.0 / 7,
	   "mixed history: BTYD frequency 2, monetary value of the known repeat day, age in weeks");
	ok(f.btyd.monetary_days == 1,
	   "mixed history: one repeat day of known amount (Gamma-Gamma's x), the frequency 2");

	/* four repeat days, three of unknown amount (one with a known order too) */
	n = 0;
	add(days, &n, 100, 40, true, false);
	add(days, &n, 200, 0, false, false);
	add(days, &n, 300, 90, true, false);
	add(days, &n, 400, 0, false, false);
	add(days, &n, 500, 70, true, false);
	add(days, &n, 500, 0, false, false);
	n = history_compact(days, n);
	{
		BtydSummary bs;

		why = compare(days, n, 0, 1, &b, &t, true);
		ok(why == NULL, "unknown repeat days: same%s%s", why ? ": " : "", why ? why : "");
		ok(history_btyd_summary(days, n, 900, 1, &bs) && bs.frequency == 4 &&
		   bs.monetary_days == 1 && bs.has_monetary && bs.monetary_value == 90,
		   "unknown repeat days: frequency 4, one repeat day of known amount, its mean 90");
		ok(history_btyd_summary(days, n, 250, 1, &bs) && bs.frequency == 1 &&
		   bs.monetary_days == 0 && !bs.has_monetary,
		   "unknown repeat days: at day 250 no repeat day of known amount");
	}
}

/* Random histories: every field the same as the three functions'. */
static void
test_random(void)
{
	static HistoryDay days[MAX_TEST_DAYS];
	DeclineThresholds t = thresholds();
	int			failures = 0;
	int			cases = 0;
	const char *first_why = NULL;

	for (int iter = 0; iter < 3000; iter++)
	{
		int32_t		n = 0;
		int			rows = rng_int(0, iter % 10 == 0 ? 600 : 40);
		int32_t		start = rng_int(-2000, 2000);
		int			span = rng_int(1, 3000);

		for (int r = 0; r < rows && n < MAX_TEST_DAYS; r++)
		{
			int32_t		day = start + rng_int(0, span);
			int			kind = rng_int(0, 19);
			double		amount = rng_int(1, 100000) / 100.0;

			if (kind == 0)
				amount = -amount;	/* refund */
			else if (kind == 1)
				amount = 0;
			add(days, &n, day, amount, kind != 2, rng_int(0, 3) == 0);
		}
		n = history_compact(days, n);
		if (history_validate(days, n) != NULL)
			continue;

		for (int k = 0; k < 4; k++)
		{
			int32_t		as_of = start + rng_int(-100, span + 400);
			DeclineBounds b = bounds_at(as_of, rng_int(30, 400), rng_int(1, 4),
										rng_int(30, 120));
			double		min_amount = (double[]) {0, -5, 50, 500}[k];
			double		unit = (double[]) {1, 7, 30.4375, 0.5}[rng_int(0, 3)];
			const char *why = compare(days, n, min_amount, unit, &b, &t,
									  rng_int(0, 1) == 1);

			cases++;
			if (why != NULL)
			{
				failures++;
				if (first_why == NULL)
					first_why = why;
			}
		}
	}
	ok(failures == 0, "%d random cases: every field as the separate functions give it%s%s",
	   cases, first_why ? "; first difference: " : "", first_why ? first_why : "");
}

int
main(void)
{
	test_hand_made();
	test_random();
	return tap_done();
}
