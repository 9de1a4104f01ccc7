/*
 * categorized.h
 *		One customer's orders in one aggregate state, kept per product
 *		category: the state of the categorized_history aggregate.
 *
 * Pure computation, no PostgreSQL headers (like history.h, which it builds on).
 *
 * The customer's history is the union of its category histories, built the
 * way purchase_history_union builds it from the per-category values: each
 * category's days are finished first (their amounts rounded once), then the
 * finished days of all categories are summed exactly and rounded once more.
 * So the result has the same bits as the two-level computation (a GROUP BY
 * customer and category, then a union per customer), from one pass.
 */
#ifndef DORMANCY_CORE_CATEGORIZED_H
#define DORMANCY_CORE_CATEGORIZED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"

/*
 * One category of the customer (or the rows without a category: has_name
 * false).  has_last and last_day are set by categorized_acc_finish.
 */
typedef struct CategorySlot
{
	char	   *name;			/* the category's bytes (not terminated) */
	uint32_t	name_len;
	bool		has_name;		/* false: the rows whose category is NULL */
	bool		has_last;		/* a purchase day on or before as_of */
	int32_t		last_day;		/* the last one, when has_last */
	uint32_t	hash;
	HistoryAcc	acc;
} CategorySlot;

/*
 * Compare two category names (the glue's collation); ties mean the same
 * category, as GROUP BY would treat them.
 */
typedef int (*CategoryCompareFn) (void *ctx, const char *a, size_t alen,
								  const char *b, size_t blen);

/* Entries of the first slot's history kept inside the state itself. */
#define CATEGORIZED_INLINE_DAYS 8

/*
 * The state.  Memory follows the distinct (category, day) pairs: each slot is
 * a HistoryAcc, which compacts before it grows.  Slots are found by a hash of
 * their bytes once there are more than a few; rows of one category in a row
 * (the common case) hit the slot of the previous row first.
 *
 * The first slot and its first CATEGORIZED_INLINE_DAYS entries live inside
 * the struct, so a customer with one category (or none bound) and a few order
 * days is one allocation (under 512 bytes), and a row touches one block of memory,
 * not four.  So the struct must not be copied or moved once in use.
 */
typedef struct CategorizedAcc
{
	CategorySlot *slots;
	int32_t		nslots;
	int32_t		capacity;
	int32_t		last;			/* slot of the previous row, -1 for none */
	int32_t    *index;			/* open addressing over slot numbers, -1 empty */
	int32_t		index_cap;		/* 0 while there is no index; a power of 2 */
	int64_t		order_rows;		/* every row, those without a day included */
	bool		has_as_of;
	int32_t		as_of_day;		/* the as-of day of category_last_order_at */
	HistoryReallocFn realloc_fn;
	void	   *realloc_ctx;
	bool		inline_days_used;	/* some slot's acc.days is inline_days */
	CategorySlot inline_slot;	/* slots[0] while capacity is 1 */
	HistoryAccDay inline_days[CATEGORIZED_INLINE_DAYS];
} CategorizedAcc;

extern void categorized_acc_init(CategorizedAcc *acc, HistoryReallocFn realloc_fn,
								 void *ctx);

/*
 * Ask for every cache line of the struct at once.  A hash aggregate's states
 * are far apart in memory, so the header, the first slot and the day entries
 * a row touches are each a cache miss, each address coming from the previous
 * load; called first thing in a transition function, before the row's day and
 * amount are worked out, the misses overlap that work and each other.  A hint
 * only: nothing on compilers without the builtin.
 */
static inline void
categorized_acc_prefetch(const CategorizedAcc *acc)
{
#if defined(__GNUC__) || defined(__clang__)
	for (size_t off = 0; off < sizeof(CategorizedAcc); off += 64)
		__builtin_prefetch((const char *) acc + off);
#else
	(void) acc;
#endif
}
extern void categorized_acc_free(CategorizedAcc *acc);

/*
 * as_of differs between the rows (or the partial states) of one group:
 * categorized_acc_set_as_of() and categorized_acc_combine() return it.
 */
extern const char *const CATEGORIZED_ERR_AS_OF_DIFFERS;

/*
 * Record the as-of day: the first one given, which every later one must
 * equal (CATEGORIZED_ERR_AS_OF_DIFFERS otherwise, the state unchanged).
 */
extern const char *categorized_acc_set_as_of(CategorizedAcc *acc, int32_t as_of_day);

/*
 * One order row of category 'name' (has_name false for NULL).  have_day false:
 * a row without a day, counted in order_rows and making its category appear,
 * but placed on no day (like purchase_history, which skips it).
 */
extern const char *categorized_acc_add_order(CategorizedAcc *acc,
											 const char *name, size_t name_len,
											 bool has_name, bool have_day,
											 int32_t day, double amount,
											 bool amount_known, bool discounted);

/*
 * Everything in 'src' into 'dst' (the combine function);
 * CATEGORIZED_ERR_AS_OF_DIFFERS when both have an as-of day and they differ.
 */
extern const char *categorized_acc_combine(CategorizedAcc *dst,
										   const CategorizedAcc *src);

/*
 * The serialized state (compacts every slot) and reading it back (appends;
 * CATEGORIZED_ERR_AS_OF_DIFFERS as for categorized_acc_combine).
 */
extern const char *categorized_acc_serial_size(CategorizedAcc *acc, size_t *size);
extern void categorized_acc_serialize(const CategorizedAcc *acc, void *buf);
extern const char *categorized_acc_deserialize(CategorizedAcc *acc,
											   const void *buf, size_t len);

/*
 * The final step, in place.  Sorts the named slots by 'cmp' (stable) and
 * merges those it calls equal; afterwards slots[0 .. *ncategories - 1] are
 * the named categories in order, each with has_last/last_day, and the slot
 * of the NULL category (if any) follows.  Writes the customer's history to
 * *days (*ndays days, allocated with scratch_fn, which also holds the
 * temporary buffers; free it with scratch_fn(ctx, *days, 0)).
 */
extern const char *categorized_acc_finish(CategorizedAcc *acc,
										  CategoryCompareFn cmp, void *cmp_ctx,
										  HistoryReallocFn scratch_fn,
										  void *scratch_ctx,
										  HistoryDay **days, int32_t *ndays,
										  int32_t *ncategories);

#endif							/* DORMANCY_CORE_CATEGORIZED_H */
