/*
 * facts.h
 *		The history-derived facts of one customer in one evaluation: the
 *		first-release summary, the BTYD summary and the decline metrics of one
 *		purchase history at one as-of day.
 *
 * Pure computation, no PostgreSQL headers.  The figures are exactly those of
 * history_summarize(), history_btyd_summary() and decline_compute() called
 * one after another (same arithmetic in the same order, so the same bits);
 * this walks the days once for the two summaries, then once (plus the trend
 * window) for the decline metrics.
 */
#ifndef DORMANCY_CORE_FACTS_H
#define DORMANCY_CORE_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "metrics.h"

typedef struct HistoryFacts
{
	HistorySummary summary;		/* as history_summarize() */
	bool		has_btyd;		/* a purchase day by as_of (else btyd is zero) */
	BtydSummary btyd;			/* as history_btyd_summary() */
	DeclineMetrics decline;		/* as decline_compute() */
} HistoryFacts;

/*
 * Everything of a sorted, compact day array at bounds->as_of_day: the summary
 * with min_order_amount, the BTYD summary in units of unit_days (> 0), the
 * decline metrics with the given bounds and thresholds.  scratch needs room
 * for DECLINE_SCRATCH_LEN(ndays) doubles (NULL is fine when ndays is 0).
 */
extern void history_facts_compute(const HistoryDay *days, int32_t ndays,
								  double min_order_amount, double unit_days,
								  const DeclineBounds *bounds,
								  const DeclineThresholds *thresholds,
								  bool discounted_known, double *scratch,
								  HistoryFacts *out);

/*
 * The segment of customer_core: "campaign_only", "one_time" (one purchase
 * day), "repeat" (more), or NULL (no purchase day, or campaign_only
 * unknown and no purchase day).
 */
extern const char *customer_segment(bool has_campaign_only, bool campaign_only, int32_t order_days);

/*
 * A price change (dormancy.price_changes) as customer_core reads it: its
 * kind and whether the customer lapsed after it (its last purchase, in the
 * change's category for a change with one (never when no category is
 * bound), came before the change while the customer was not yet dormant,
 * and nothing was bought since).
 */
typedef struct PriceChangeHit
{
	bool		is_price_increase;	/* else a spec change */
	bool		lapsed;			/* the customer lapsed after it */
} PriceChangeHit;

/*
 * The latest change of each kind the customer lapsed after, from hits in
 * the order of their changed_at, latest first: the index of the latest
 * price increase (or -1) and of the latest spec change (or -1).
 */
extern void price_changes_latest(const PriceChangeHit *hits, int n, int *price_increase,
								 int *spec_change);

#endif							/* DORMANCY_CORE_FACTS_H */
