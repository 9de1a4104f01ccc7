/*
 * facts.c
 *		The history-derived facts of one customer in one evaluation (see
 *		facts.h).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.
 */
#include "facts.h"

#include <string.h>

/* a + b for counts, saturating at INT32_MAX like history_summarize() */
static inline int32_t
add_count(int32_t a, int32_t b)
{
	int64_t		sum = (int64_t) a + b;

	return sum > INT32_MAX ? INT32_MAX : (int32_t) sum;
}

/*
 * One pass for both summaries, then the decline metrics.  The loop is the
 * union of the loops of history_summarize() and history_btyd_summary(): each
 * sum is built from the same terms in the same order, so the results are
 * bit for bit theirs (test/unit/test_facts.c compares them).
 */
void
history_facts_compute(const HistoryDay *days, int32_t ndays,
					  double min_order_amount, double unit_days,
					  const DeclineBounds *bounds,
					  const DeclineThresholds *thresholds,
					  bool discounted_known, double *scratch,
					  HistoryFacts *out)
{
	HistorySummary *s = &out->summary;
	int32_t		as_of_day = bounds->as_of_day;
	double		repeat_sum = 0;
	int32_t		repeat_known = 0;

	memset(out, 0, sizeof(HistoryFacts));

	for (int32_t i = 0; i < ndays && days[i].day <= as_of_day; i++)
	{
		const HistoryDay *d = &days[i];

		s->total_amount += d->amount;
		s->unknown_amount_orders = add_count(s->unknown_amount_orders, d->unknown);
		s->refunds = add_count(s->refunds, d->refunds);
		if (!history_day_is_purchase(d))
			continue;
		if (s->order_days == 0)
			s->first_day = d->day;
		else if (d->unknown == 0)
		{
			/* BTYD monetary value: repeat days of known amount */
			repeat_sum += d->amount;
			repeat_known++;
		}
		s->order_days++;
		s->orders_count += d->orders;
		s->last_day = d->day;
		if (d->discounted > 0)
			s->discounted_days++;
		if (history_day_qualifies(d, min_order_amount))
		{
			s->has_qualifying = true;
			s->last_qualifying_day = d->day;
		}
	}

	if (s->order_days > 0)
	{
		out->has_btyd = true;
		out->btyd.frequency = s->order_days - 1;
		out->btyd.recency = (double) (s->last_day - s->first_day) / unit_days;
		out->btyd.age = ((double) as_of_day - s->first_day) / unit_days;
		out->btyd.has_monetary = repeat_known > 0;
		out->btyd.monetary_value = repeat_known > 0 ? repeat_sum / repeat_known : 0;
		out->btyd.monetary_days = repeat_known;
	}

	decline_compute(days, ndays, bounds, thresholds, discounted_known, scratch,
					&out->decline);
}

/* CASE WHEN campaign_only THEN ... WHEN order_days = 1 ... WHEN order_days > 1 ... END */
const char *
customer_segment(bool has_campaign_only, bool campaign_only, int32_t order_days)
{
	if (has_campaign_only && campaign_only)
		return "campaign_only";
	if (order_days == 1)
		return "one_time";
	if (order_days > 1)
		return "repeat";
	return NULL;
}

/* bool_or and (array_agg(label ORDER BY changed_at DESC))[1] per kind */
void
price_changes_latest(const PriceChangeHit *hits, int n, int *price_increase, int *spec_change)
{
	*price_increase = -1;
	*spec_change = -1;
	for (int i = 0; i < n; i++)
	{
		int		   *slot = hits[i].is_price_increase ? price_increase : spec_change;

		if (hits[i].lapsed && *slot < 0)
			*slot = i;
	}
}
