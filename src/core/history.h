/*
 * history.h
 *		Purchase history: one customer's orders folded into distinct order days.
 *
 * Pure computation, no PostgreSQL headers: this file and history.c build into
 * the unit tests and fuzzers as well as into the server module.
 *
 * Days are counted like PostgreSQL's DateADT: days since 2000-01-01.
 */
#ifndef DORMANCY_CORE_HISTORY_H
#define DORMANCY_CORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Version byte of the on-disk layout; bump and convert on read when it changes. */
#define HISTORY_FORMAT_VERSION 1

/* Relative size below which a day's net amount counts as zero (rounding residue). */
#define HISTORY_AMOUNT_EPSILON 1e-9

/* Most distinct days one history may hold (about 2,700 years of daily orders). */
#define HISTORY_MAX_DAYS 1000000

/*
 * One calendar day of a customer's orders.
 *
 * orders counts order rows with a positive, zero or unknown (NULL) amount;
 * refunds counts rows with a negative amount; unknown counts rows whose amount
 * was NULL; discounted counts order rows flagged as discounted.  amount is the
 * net of all known amounts of the day (refunds subtract), max_order the
 * largest single known order amount (-INFINITY when the day has none).
 *
 * Counts saturate at INT32_MAX rather than wrap.
 *
 * The struct is stored as is inside the varlena value: 40 bytes, no padding
 * holes, so keep the field order.
 */
typedef struct HistoryDay
{
	int32_t		day;			/* days since 2000-01-01 */
	int32_t		orders;
	int32_t		refunds;
	int32_t		unknown;
	int32_t		discounted;
	int32_t		reserved;		/* must be zero */
	double		amount;
	double		max_order;
} HistoryDay;

/* A growable, possibly unsorted buffer of days (the aggregate state). */
typedef struct HistoryBuffer
{
	HistoryDay *days;
	int32_t		ndays;
	int32_t		capacity;
	bool		sorted;			/* days sorted ascending, no duplicate day */
} HistoryBuffer;

/* Add one order row to a day entry (amount_known false for NULL amounts). */
extern void history_day_add_order(HistoryDay *d, double amount,
								  bool amount_known, bool discounted);

/* Initialise a day entry for day number 'day' with no orders. */
extern void history_day_init(HistoryDay *d, int32_t day);

/* Fold day 'src' into 'dst' (same calendar day). */
extern void history_day_merge(HistoryDay *dst, const HistoryDay *src);

/*
 * True when the day counts as a purchase day: its known amounts net to more
 * than zero, or it has orders and every amount on it is unknown.
 */
extern bool history_day_is_purchase(const HistoryDay *d);

/* True when some single known order on the day is >= min_amount. */
extern bool history_day_qualifies(const HistoryDay *d, double min_amount);

/*
 * Sort by day and merge entries of the same day, in place.  Returns the new
 * number of days.
 */
extern int32_t history_compact(HistoryDay *days, int32_t ndays);

/*
 * Merge two sorted, compact day arrays into 'out' (room for na + nb days).
 * Returns the number of days written.
 */
extern int32_t history_merge_sorted(const HistoryDay *a, int32_t na,
									const HistoryDay *b, int32_t nb,
									HistoryDay *out);

/* Check that an array is sorted, compact and well formed; NULL when fine, else why. */
extern const char *history_validate(const HistoryDay *days, int32_t ndays);

/*
 * What the first-release metrics need from one history, looking only at days
 * on or before as_of_day.
 */
typedef struct HistorySummary
{
	int32_t		order_days;		/* purchase days */
	int64_t		orders_count;	/* order rows on purchase days */
	int32_t		first_day;		/* first purchase day; valid if order_days > 0 */
	int32_t		last_day;		/* last purchase day; valid if order_days > 0 */
	bool		has_qualifying;
	int32_t		last_qualifying_day;	/* last purchase day with an order >= min */
	double		total_amount;	/* net of every known amount, refund days included */
	int32_t		unknown_amount_orders;	/* order rows with NULL amount */
	int32_t		refunds;		/* refund rows */
	int32_t		discounted_days;	/* purchase days with a discounted order */
} HistorySummary;

extern void history_summarize(const HistoryDay *days, int32_t ndays,
							  int32_t as_of_day, double min_order_amount,
							  HistorySummary *out);

/*
 * The per-customer summary of the BTYD models (BG/NBD, Gamma-Gamma), by the
 * conventions of lifetimes' summary_data_from_transaction_data with freq='D'
 * and freq_multiplier = unit_days, which the published CDNOW summary follows:
 * a purchase occasion is a purchase day; frequency counts repeat purchase
 * days; recency and age are measured from the first purchase day, in units.
 */
typedef struct BtydSummary
{
	int32_t		frequency;		/* purchase days - 1 */
	double		recency;		/* (last purchase day - first) / unit_days */
	double		age;			/* (as_of_day - first) / unit_days */
	double		monetary_value; /* mean net amount of the repeat purchase days */
	bool		has_monetary;	/* false without a repeat day of known amount */
} BtydSummary;

/* Fill *out; false when there is no purchase day on or before as_of_day. */
extern bool history_btyd_summary(const HistoryDay *days, int32_t ndays,
								 int32_t as_of_day, double unit_days,
								 BtydSummary *out);

#endif							/* DORMANCY_CORE_HISTORY_H */
