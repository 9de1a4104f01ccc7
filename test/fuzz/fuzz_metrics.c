/*
 * fuzz_metrics.c
 *		libFuzzer target for src/core/metrics.c (decline_compute) and the
 *		summaries of src/core/history.c, over any history that
 *		history_validate accepts (what the text and binary input let in)
 *		with arbitrary window boundaries and thresholds (NaN included).
 *
 * Input: a header (bounds, thresholds, flags), then 16 bytes per day: the
 * gap to the previous day, the counts, the net amount and the largest
 * order.  Amounts are cents up to about 1e10, so sums stay finite; the
 * days' fields are otherwise free, and a history that does not validate is
 * only checked for not crashing history_validate.
 *
 * Invariants: purchase days, window order counts and window amounts equal
 * a naive recount (same order of additions, so exactly); a metric is
 * defined exactly when its definition says (two purchase days for gaps, a
 * positive earlier value for changes) and then finite; gaps are >= 1 day,
 * the overdue ratio >= 0; the signals are those decline_evaluate_signals
 * gives and declining says whether any fired; history_summarize and
 * history_btyd_summary count the same purchase days.
 *
 * history_facts_compute (src/core/facts.c), the one-pass version of the
 * three, is compared with history_summarize, history_btyd_summary and
 * decline_compute called one after another: every field, doubles bit for
 * bit, at any minimum amount (NaN included) and unit of days.
 */
#include "facts.h"
#include "metrics.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_metrics"
#define FZ_MAX_DAYS 400

static bool
fz_in(int32_t day, int32_t start, int32_t end)
{
	return day > start && day <= end;
}

static void
fz_check_metric(const char *name, MetricValue v, bool want_valid)
{
	FZ_CHECK(FZ_T, v.valid == want_valid, "%s valid %d, expected %d", name, (int) v.valid, (int) want_valid);
	if (v.valid)
		FZ_CHECK(FZ_T, isfinite(v.value), "%s = %.17g", name, v.value);
}

static bool
fz_same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

static bool
fz_same_metric(MetricValue a, MetricValue b)
{
	return a.valid == b.valid && (!a.valid || fz_same_bits(a.value, b.value));
}

/* history_facts_compute against the three functions it replaces. */
static void
fz_check_facts(const HistoryDay *days, int32_t n, double min_amount, double unit,
			   const DeclineBounds *b, const DeclineThresholds *t,
			   bool discounted_known, const DeclineMetrics *m)
{
	HistoryFacts f;
	HistorySummary s;
	BtydSummary bs;
	bool		has_bs;
	double	   *scratch = malloc(sizeof(double) * (n > 0 ? DECLINE_SCRATCH_LEN(n) : 1));

	if (scratch == NULL)
		abort();
	/* dirty the output: the function must set every field */
	memset(&f, 0xa5, sizeof(f));
	history_facts_compute(days, n, min_amount, unit, b, t, discounted_known,
						  n > 0 ? scratch : NULL, &f);
	free(scratch);
	history_summarize(days, n, b->as_of_day, min_amount, &s);
	memset(&bs, 0, sizeof(bs));
	has_bs = history_btyd_summary(days, n, b->as_of_day, unit, &bs);

	FZ_CHECK(FZ_T, f.summary.order_days == s.order_days && f.summary.orders_count == s.orders_count &&
			 f.summary.unknown_amount_orders == s.unknown_amount_orders &&
			 f.summary.refunds == s.refunds && f.summary.discounted_days == s.discounted_days &&
			 fz_same_bits(f.summary.total_amount, s.total_amount),
			 "facts: summary counts or total (%.17g, %.17g)", f.summary.total_amount, s.total_amount);
	FZ_CHECK(FZ_T, s.order_days == 0 || (f.summary.first_day == s.first_day && f.summary.last_day == s.last_day),
			 "facts: first or last day");
	FZ_CHECK(FZ_T, f.summary.has_qualifying == s.has_qualifying &&
			 (!s.has_qualifying || f.summary.last_qualifying_day == s.last_qualifying_day),
			 "facts: last qualifying day at minimum %.17g", min_amount);
	FZ_CHECK(FZ_T, f.has_btyd == has_bs, "facts: btyd summary %d, separately %d", (int) f.has_btyd, (int) has_bs);
	if (has_bs)
		FZ_CHECK(FZ_T, f.btyd.frequency == bs.frequency && fz_same_bits(f.btyd.recency, bs.recency) &&
				 fz_same_bits(f.btyd.age, bs.age) && f.btyd.has_monetary == bs.has_monetary &&
				 (!bs.has_monetary || fz_same_bits(f.btyd.monetary_value, bs.monetary_value)),
				 "facts: btyd summary (%d, %.17g, %.17g, %.17g) separately (%d, %.17g, %.17g, %.17g)",
				 f.btyd.frequency, f.btyd.recency, f.btyd.age, f.btyd.monetary_value,
				 bs.frequency, bs.recency, bs.age, bs.monetary_value);
	FZ_CHECK(FZ_T, f.decline.purchase_days == m->purchase_days &&
			 fz_same_metric(f.decline.mean_gap_days, m->mean_gap_days) &&
			 fz_same_metric(f.decline.median_gap_days, m->median_gap_days) &&
			 fz_same_metric(f.decline.gap_stddev_days, m->gap_stddev_days) &&
			 fz_same_metric(f.decline.overdue_ratio, m->overdue_ratio) &&
			 fz_same_bits(f.decline.recent_amount, m->recent_amount) &&
			 fz_same_bits(f.decline.prior_amount, m->prior_amount) &&
			 f.decline.recent_orders == m->recent_orders && f.decline.prior_orders == m->prior_orders &&
			 fz_same_metric(f.decline.amount_change, m->amount_change) &&
			 fz_same_metric(f.decline.frequency_change, m->frequency_change) &&
			 fz_same_metric(f.decline.amount_trend, m->amount_trend) &&
			 f.decline.trend_points == m->trend_points &&
			 fz_same_metric(f.decline.relative_trend, m->relative_trend) &&
			 fz_same_metric(f.decline.recent_median_gap_days, m->recent_median_gap_days) &&
			 fz_same_metric(f.decline.earlier_median_gap_days, m->earlier_median_gap_days) &&
			 fz_same_metric(f.decline.cadence_change, m->cadence_change) &&
			 fz_same_bits(f.decline.season_amount, m->season_amount) &&
			 fz_same_bits(f.decline.last_season_amount, m->last_season_amount) &&
			 f.decline.season_orders == m->season_orders &&
			 f.decline.last_season_orders == m->last_season_orders &&
			 fz_same_metric(f.decline.same_season_change, m->same_season_change) &&
			 f.decline.signals == m->signals && f.decline.declining == m->declining &&
			 f.decline.campaign_only_known == m->campaign_only_known &&
			 f.decline.campaign_only == m->campaign_only,
			 "facts: decline metrics differ from decline_compute");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	DeclineBounds b;
	DeclineThresholds t;
	DeclineMetrics m;
	HistoryDay *days;
	double	   *scratch;
	int32_t		n = 0;
	int32_t		day;
	uint8_t		flags;
	bool		discounted_known;

	fz_reader_init(&r, data, size);
	flags = fz_u8(&r);
	discounted_known = flags & 1;

	/* boundaries: as SQL makes them (ordered), or anything */
	b.as_of_day = (int32_t) fz_u32(&r);
	if (flags & 2)
	{
		b.recent_start = (int32_t) fz_u32(&r);
		b.prior_start = (int32_t) fz_u32(&r);
		b.trend_start = (int32_t) fz_u32(&r);
		b.season_start = (int32_t) fz_u32(&r);
		b.last_season_end = (int32_t) fz_u32(&r);
		b.last_season_start = (int32_t) fz_u32(&r);
	}
	else
	{
		int32_t		w = 1 + fz_u16(&r) % 800;
		int32_t		s = 1 + fz_u16(&r) % 400;

		b.as_of_day = (int32_t) (fz_u16(&r) % 4000);
		b.recent_start = b.as_of_day - w;
		b.prior_start = b.as_of_day - 2 * w;
		b.trend_start = b.as_of_day - 365 * (1 + fz_u8(&r) % 5);
		b.season_start = b.as_of_day - s;
		b.last_season_end = b.as_of_day - 365;
		b.last_season_start = b.last_season_end - s;
	}
	t.amount_drop = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 1);
	t.frequency_drop = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 1);
	t.cadence_slowdown = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 3);
	t.overdue = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 5);
	t.season_drop = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 1);
	t.trend_drop = flags & 4 ? fz_any_double(&r) : fz_uniform(&r, 0, 1);
	t.trend_min_points = (int32_t) fz_u32(&r);

	/* the days */
	days = malloc(sizeof(HistoryDay) * FZ_MAX_DAYS);
	if (days == NULL)
		abort();
	day = flags & 8 ? (int32_t) fz_u32(&r) : -(int32_t) fz_u16(&r);
	while (fz_more(&r) && n < FZ_MAX_DAYS)
	{
		HistoryDay *d = &days[n];
		uint8_t		gap = fz_u8(&r);
		uint8_t		c = fz_u8(&r);

		memset(d, 0, sizeof(*d));
		if (n > 0)
		{
			int64_t		next = (int64_t) day + (gap < 250 ? gap % 40 : (int64_t) gap * 1000);

			if (next > INT32_MAX)
				break;
			day = (int32_t) next;
		}
		d->day = day;
		d->orders = c & 7;
		d->refunds = (c >> 3) & 3;
		d->unknown = (c >> 5) & 3;
		d->discounted = (c >> 7) ? d->orders : 0;
		if (d->unknown > d->orders)
			d->unknown = d->orders;
		d->amount = (double) ((int32_t) fz_u32(&r) >> (fz_u8(&r) & 7)) / 100.0;
		d->max_order = (c & 0x40) && d->orders > d->unknown ? fabs(d->amount) + (fz_u16(&r) % 1000) / 100.0 : -INFINITY;
		n++;
	}
	if (history_validate(days, n) != NULL)
	{
		free(days);
		return 0;
	}

	scratch = malloc(sizeof(double) * (n > 0 ? DECLINE_SCRATCH_LEN(n) : 1));
	if (scratch == NULL)
		abort();
	decline_compute(days, n, &b, &t, discounted_known, n > 0 ? scratch : NULL, &m);

	/* naive recount */
	{
		int32_t		purchase_days = 0;
		int64_t		recent_orders = 0,
					prior_orders = 0,
					season_orders = 0,
					last_season_orders = 0;
		double		recent_amount = 0,
					prior_amount = 0,
					season_amount = 0,
					last_season_amount = 0;
		/* each window's largest day net or order, at least 1 */
		double		recent_scale = 1,
					prior_scale = 1,
					season_scale = 1,
					last_season_scale = 1;
		bool		all_discounted = true;

		for (int32_t i = 0; i < n && days[i].day <= b.as_of_day; i++)
		{
			const HistoryDay *d = &days[i];
			bool		p = history_day_is_purchase(d);
			int32_t		o = p ? d->orders : 0;

			if (fz_in(d->day, b.recent_start, b.as_of_day))
				recent_amount += d->amount, recent_orders += o, recent_scale = fmax(recent_scale, fmax(fabs(d->amount), d->max_order));
			if (fz_in(d->day, b.prior_start, b.recent_start))
				prior_amount += d->amount, prior_orders += o, prior_scale = fmax(prior_scale, fmax(fabs(d->amount), d->max_order));
			if (fz_in(d->day, b.season_start, b.as_of_day))
				season_amount += d->amount, season_orders += o, season_scale = fmax(season_scale, fmax(fabs(d->amount), d->max_order));
			if (fz_in(d->day, b.last_season_start, b.last_season_end))
				last_season_amount += d->amount, last_season_orders += o,
					last_season_scale = fmax(last_season_scale, fmax(fabs(d->amount), d->max_order));
			if (p)
			{
				purchase_days++;
				if (d->discounted == 0)
					all_discounted = false;
			}
		}
		FZ_CHECK(FZ_T, m.purchase_days == purchase_days, "%d purchase days, recount %d", m.purchase_days, purchase_days);
		FZ_CHECK(FZ_T, m.recent_orders == recent_orders && m.prior_orders == prior_orders &&
				 m.season_orders == season_orders && m.last_season_orders == last_season_orders,
				 "window order counts differ from the recount");
		/* a sum within HISTORY_AMOUNT_EPSILON of the window's largest day is zero */
#define FZ_WINDOW(sum, scale) (fabs(sum) <= HISTORY_AMOUNT_EPSILON * (scale) ? 0.0 : (sum))
		FZ_CHECK(FZ_T, m.recent_amount == FZ_WINDOW(recent_amount, recent_scale) &&
				 m.prior_amount == FZ_WINDOW(prior_amount, prior_scale) &&
				 m.season_amount == FZ_WINDOW(season_amount, season_scale) &&
				 m.last_season_amount == FZ_WINDOW(last_season_amount, last_season_scale),
				 "window amounts differ from the recount");
#undef FZ_WINDOW
		FZ_CHECK(FZ_T, m.campaign_only_known == discounted_known &&
				 m.campaign_only == (discounted_known && purchase_days > 0 && all_discounted),
				 "campaign_only %d", (int) m.campaign_only);
	}

	fz_check_metric("mean_gap_days", m.mean_gap_days, m.purchase_days >= 2);
	fz_check_metric("median_gap_days", m.median_gap_days, m.purchase_days >= 2);
	fz_check_metric("gap_stddev_days", m.gap_stddev_days, m.purchase_days >= 3);
	fz_check_metric("overdue_ratio", m.overdue_ratio, m.purchase_days >= 2);
	if (m.purchase_days >= 2)
		FZ_CHECK(FZ_T, m.mean_gap_days.value >= 1 && m.median_gap_days.value >= 1 && m.overdue_ratio.value >= 0,
				 "gaps mean %.17g median %.17g overdue %.17g",
				 m.mean_gap_days.value, m.median_gap_days.value, m.overdue_ratio.value);
	if (m.gap_stddev_days.valid)
		FZ_CHECK(FZ_T, m.gap_stddev_days.value >= 0, "stddev %.17g", m.gap_stddev_days.value);
	fz_check_metric("amount_change", m.amount_change, m.prior_amount > 0);
	fz_check_metric("frequency_change", m.frequency_change, m.prior_orders > 0);
	fz_check_metric("same_season_change", m.same_season_change, m.last_season_amount > 0);
	if (m.amount_trend.valid)
		FZ_CHECK(FZ_T, isfinite(m.amount_trend.value) && m.trend_points >= 2, "trend %.17g over %d points",
				 m.amount_trend.value, m.trend_points);
	if (m.relative_trend.valid)
		FZ_CHECK(FZ_T, m.amount_trend.valid && isfinite(m.relative_trend.value), "relative trend %.17g",
				 m.relative_trend.value);
	if (m.cadence_change.valid)
		FZ_CHECK(FZ_T, isfinite(m.cadence_change.value) && m.cadence_change.value >= -1, "cadence %.17g",
				 m.cadence_change.value);
	FZ_CHECK(FZ_T, m.signals == decline_evaluate_signals(&m, &t) && m.declining == (m.signals != 0),
			 "signals %u", (unsigned) m.signals);
	FZ_CHECK(FZ_T, m.signals < (1u << DECLINE_NSIGNALS), "signals %u", (unsigned) m.signals);

	/* the summaries count the same purchase days */
	{
		HistorySummary s;
		BtydSummary bs;
		double		unit = fz_log_uniform(&r, 1e-3, 1e3);
		bool		any;

		history_summarize(days, n, b.as_of_day, fz_uniform(&r, -10, 1e4), &s);
		FZ_CHECK(FZ_T, s.order_days == m.purchase_days, "summary %d purchase days, metrics %d",
				 s.order_days, m.purchase_days);
		if (s.order_days > 0)
			FZ_CHECK(FZ_T, s.first_day <= s.last_day && s.last_day <= b.as_of_day &&
					 (!s.has_qualifying || s.last_qualifying_day <= s.last_day),
					 "summary days %d %d %d", s.first_day, s.last_day, s.last_qualifying_day);
		any = history_btyd_summary(days, n, b.as_of_day, unit, &bs);
		FZ_CHECK(FZ_T, any == (s.order_days > 0), "btyd summary %d with %d purchase days", (int) any, s.order_days);
		if (any)
			FZ_CHECK(FZ_T, bs.frequency == s.order_days - 1 && bs.recency >= 0 && bs.recency <= bs.age &&
					 isfinite(bs.age) && (!bs.has_monetary || isfinite(bs.monetary_value)),
					 "btyd summary x=%d t_x=%.17g T=%.17g", bs.frequency, bs.recency, bs.age);
	}

	/* the facts in one pass equal the three functions */
	{
		uint8_t		sel = fz_u8(&r);
		double		min_amount = sel & 1 ? fz_any_double(&r) : fz_uniform(&r, -10, 1e4);
		double		unit = fz_log_uniform(&r, 1e-3, 1e3);

		fz_check_facts(days, n, min_amount, unit, &b, &t, discounted_known, &m);
	}

	free(scratch);
	free(days);
	return 0;
}
