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
 * The range of day numbers, that of PostgreSQL's date type (4713 BC to
 * 5874897 AD) counted from 2000-01-01; the glue checks that they agree.
 */
#define HISTORY_MIN_DAY (-2451545)
#define HISTORY_MAX_DAY 2145031948

/*
 * One calendar day of a customer's orders.
 *
 * orders counts order rows with a positive, zero or unknown (NULL) amount;
 * refunds counts rows with a negative amount; unknown counts rows whose amount
 * was NULL; discounted counts order rows flagged as discounted.  amount is the
 * net of all known amounts of the day (refunds subtract): their exact sum
 * rounded once, so the same orders give the same bits in any order; max_order
 * the largest single known order amount (-INFINITY when the day has none).
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

/*
 * Add one order row to a day entry (amount_known false for NULL amounts).
 * The amount is added to d->amount with one rounding per row, so the result
 * of several rows depends on their order: this builds single test days by
 * hand; the aggregate sums exactly (HistoryAcc below).
 */
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
 * number of days.  The merged amount is the exact sum of the entries' amounts
 * rounded once, so it does not depend on the order of the entries.  A merged
 * amount beyond the double range becomes +-infinity or NaN (history_validate
 * rejects both) and sets *overflow (when not NULL).
 */
extern int32_t history_compact(HistoryDay *days, int32_t ndays);
extern int32_t history_compact_checked(HistoryDay *days, int32_t ndays,
									   bool *overflow);

/*
 * Merge two sorted, compact day arrays into 'out' (room for na + nb days).
 * Returns the number of days written.
 */
extern int32_t history_merge_sorted(const HistoryDay *a, int32_t na,
									const HistoryDay *b, int32_t nb,
									HistoryDay *out);

/*
 * Check that one day is one the aggregate, union and merge can produce; NULL
 * when it is, else a sentence fragment saying why not.  These invariants:
 *	- day within HISTORY_MIN_DAY .. HISTORY_MAX_DAY, reserved zero;
 *	- counts >= 0, at least one order or refund, unknown <= orders,
 *	  discounted <= orders;
 *	- amount finite, max_order -infinity or finite and >= 0;
 *	- a known order (orders > unknown) gives a finite max_order, none gives
 *	  -infinity (unless the counts saturated at INT32_MAX);
 *	- without refunds the amount is a sum of orders: >= max_order and >= 0,
 *	  and exactly 0 without known orders;
 *	- refunds without known orders net below zero.
 * No upper bound relates amount to orders * max_order: a union of rounded day
 * sums can exceed it by the last bit.
 */
extern const char *history_validate_day(const HistoryDay *d);

/* Every day valid, sorted strictly by day; NULL when fine, else why. */
extern const char *history_validate(const HistoryDay *days, int32_t ndays);

/* The same, and the index of the first bad day in *bad (-1 for the day count). */
extern const char *history_validate_at(const HistoryDay *days, int32_t ndays,
									   int32_t *bad);

/* ---------- exact sums ---------- */

/*
 * An exact sum of doubles: a two's complement integer of 64-bit limbs,
 * value = sum of limb[i] * 2^(64 * (lo + i)).  Every double is a multiple of
 * 2^-1074 below 2^1024, so limb indexes run from -17; a sum of up to 2^64
 * doubles stays below 2^1088, limb 16, plus a sign limb.  Kept normalized:
 * no zero low limb, no redundant sign limb, n == 0 for zero, so equal sums
 * have equal representations.  Rounding it once gives a result that does not
 * depend on the order of the additions.
 */
#define HISTORY_SUM_MIN_LIMB (-17)
#define HISTORY_SUM_MAX_LIMB 17
#define HISTORY_SUM_MAX_LIMBS (HISTORY_SUM_MAX_LIMB - HISTORY_SUM_MIN_LIMB + 1)

typedef struct HistorySum
{
	int32_t		lo;				/* limb index of limb[0] */
	int32_t		n;				/* limbs in use */
	uint64_t	limb[HISTORY_SUM_MAX_LIMBS + 1];
} HistorySum;

extern void history_sum_init(HistorySum *s);

/* Add a finite double; false (s unchanged) when the sum leaves the limb range. */
extern bool history_sum_add_double(HistorySum *s, double x);

/* Add another sum given by its limbs; false (s unchanged) when out of range. */
extern bool history_sum_add_limbs(HistorySum *s, int32_t lo, int32_t n,
								  const uint64_t *limb);

/*
 * The sum rounded to the nearest double, ties to even (+0.0 for zero).
 * False when it rounds beyond the double range; *out is then +-infinity.
 */
extern bool history_sum_round(const HistorySum *s, double *out);

/* ---------- the aggregate state ---------- */

/*
 * Reallocation for the aggregate state: like realloc(ptr, size), never
 * returns NULL (the server's version raises an error, the tests' aborts).
 */
typedef void *(*HistoryReallocFn) (void *ctx, void *ptr, size_t size);

/*
 * One entry of the state: a day's counts, largest order and exact sum.  While
 * d.reserved is 0 the exact sum is d.amount itself (+0.0 for none): a day's
 * first amount, and the sum of more as long as each addition was exact in
 * double precision (the common case: one order a day, or amounts that add
 * without rounding).  Otherwise d.reserved - 1 is the offset in the pool of
 * the sum's record (one header word: lo in the low, n in the high 32 bits;
 * then n limbs) and d.amount is 0.  Both forms round to the same double.
 */
typedef struct HistoryAccDay
{
	HistoryDay	d;
} HistoryAccDay;

/*
 * The state of the purchase_history aggregates: entries of possibly repeated,
 * unsorted days, compacted (sorted, same days merged) whenever the entry
 * array fills and grown only when the distinct days need the room, so memory
 * follows days, not orders.  The limbs of the sums that are not one double
 * live in one pool, allocated when the first one is needed; a sum whose
 * record is at the pool's end (orders arriving grouped by day) is extended in
 * place.  The entry array may be a buffer the caller owns (own_days false,
 * history_acc_init_buffer): it is then copied, never freed, when it grows.
 */
typedef struct HistoryAcc
{
	HistoryAccDay *days;
	int32_t		ndays;
	int32_t		capacity;
	int32_t		last_day;		/* days[ndays - 1].d.day; INT32_MIN for none */
	bool		own_days;
	uint64_t   *pool;
	size_t		pool_len;
	size_t		pool_cap;
	HistoryReallocFn realloc_fn;
	void	   *realloc_ctx;
} HistoryAcc;

/* Reasons the state functions can fail; NULL is success. */
extern const char *const HISTORY_ERR_TOO_MANY_DAYS;
extern const char *const HISTORY_ERR_OUT_OF_RANGE;

extern void history_acc_init(HistoryAcc *acc, int32_t capacity,
							 HistoryReallocFn realloc_fn, void *ctx);
extern void history_acc_free(HistoryAcc *acc);

/* The same, with the caller's buffer of 'capacity' entries as the first array. */
extern void history_acc_init_buffer(HistoryAcc *acc, HistoryAccDay *buf,
									int32_t capacity,
									HistoryReallocFn realloc_fn, void *ctx);

/* One order row on 'day' (amount_known false for a NULL or non-finite amount). */
extern const char *history_acc_add_order(HistoryAcc *acc, int32_t day,
										 double amount, bool amount_known,
										 bool discounted);

/* The days of a stored history (a valid, compact array). */
extern const char *history_acc_add_days(HistoryAcc *acc, const HistoryDay *days,
										int32_t ndays);

/* Everything in 'src' into 'dst' (the combine function). */
extern const char *history_acc_combine(HistoryAcc *dst, const HistoryAcc *src);

/* Sort and merge the entries in place. */
extern const char *history_acc_compact(HistoryAcc *acc);

/*
 * Compact, then write the days with their amounts rounded once into 'out'
 * (room for acc->ndays after compaction; history_acc_compact first to know).
 */
extern const char *history_acc_finish(HistoryAcc *acc, HistoryDay *out,
									  int32_t *ndays);

/* The size of the serialized state and the bytes themselves (compact first). */
extern size_t history_acc_serial_size(const HistoryAcc *acc);
extern void history_acc_serialize(const HistoryAcc *acc, void *buf);

/* Append a serialized state to 'acc'; NULL when well formed, else why. */
extern const char *history_acc_deserialize(HistoryAcc *acc, const void *buf,
										   size_t len);

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
	double		monetary_value; /* mean net amount of the repeat purchase days of
								 * known amount */
	int32_t		monetary_days;	/* those days: Gamma-Gamma's x (0 when none) */
	bool		has_monetary;	/* false without a repeat day of known amount */
} BtydSummary;

/* Fill *out; false when there is no purchase day on or before as_of_day. */
extern bool history_btyd_summary(const HistoryDay *days, int32_t ndays,
								 int32_t as_of_day, double unit_days,
								 BtydSummary *out);

#endif							/* DORMANCY_CORE_HISTORY_H */
