/*
 * history.c
 *		Folding orders into distinct days, and summarising the result.
 *
 * Pure computation: no PostgreSQL headers, so the unit tests and fuzzers link
 * this file directly.
 */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* a + b for counts, saturating at INT32_MAX (two billion orders on one day) */
static inline int32_t
add_count(int32_t a, int32_t b)
{
	int64_t		sum = (int64_t) a + b;

	return sum > INT32_MAX ? INT32_MAX : (int32_t) sum;
}

/* Initialise a day entry with no orders. */
void
history_day_init(HistoryDay *d, int32_t day)
{
	memset(d, 0, sizeof(HistoryDay));
	d->day = day;
	d->max_order = -INFINITY;
}

/*
 * Count one order row into a day, without its amount: a negative amount is a
 * refund (it only nets the day); -0.0 counts as 0, so the largest order does
 * not depend on the order of a 0 and a -0.
 */
static void
day_count_order(HistoryDay *d, double amount, bool amount_known,
				bool discounted)
{
	if (!amount_known)
	{
		d->orders = add_count(d->orders, 1);
		d->unknown = add_count(d->unknown, 1);
	}
	else if (amount < 0)
		d->refunds = add_count(d->refunds, 1);
	else
	{
		d->orders = add_count(d->orders, 1);
		amount += 0.0;			/* -0.0 becomes +0.0 */
		if (amount > d->max_order)
			d->max_order = amount;
	}
	if (discounted && (!amount_known || amount >= 0))
		d->discounted = add_count(d->discounted, 1);
}

/* Add one order row, its amount rounded into d->amount at once. */
void
history_day_add_order(HistoryDay *d, double amount, bool amount_known,
					  bool discounted)
{
	day_count_order(d, amount, amount_known, discounted);
	if (amount_known)
		d->amount += amount;
}

/* The counts and largest order of 'src' into 'dst' (same day), not the amount. */
static void
day_merge_counts(HistoryDay *dst, const HistoryDay *src)
{
	double		max = src->max_order + 0.0;	/* -0.0 becomes +0.0 */

	dst->orders = add_count(dst->orders, src->orders);
	dst->refunds = add_count(dst->refunds, src->refunds);
	dst->unknown = add_count(dst->unknown, src->unknown);
	dst->discounted = add_count(dst->discounted, src->discounted);
	dst->max_order += 0.0;
	if (max > dst->max_order)
		dst->max_order = max;
}

/* Fold one entry of the same day into another (one rounding: a + b). */
void
history_day_merge(HistoryDay *dst, const HistoryDay *src)
{
	day_merge_counts(dst, src);
	dst->amount += src->amount;
}

/*
 * A day is a purchase day when its known amounts net above zero, or when it
 * has orders and all of them have unknown amounts (we cannot net what we do
 * not know, and an order of unknown value is still an order).
 *
 * Amounts are summed in double precision, so an order fully refunded in
 * parts (0.10 + 0.20 - 0.30) can leave a residue of 1e-17: a net within
 * HISTORY_AMOUNT_EPSILON of the day's largest order (at least 1) is zero.
 */
bool
history_day_is_purchase(const HistoryDay *d)
{
	int64_t		known = (int64_t) d->orders - d->unknown + d->refunds;
	double		scale;

	if (known == 0)
		return d->unknown > 0;
	scale = d->max_order > 1 ? d->max_order : 1;
	return d->amount > HISTORY_AMOUNT_EPSILON * scale;
}

/* Some single known order on the day reaches min_amount (any order when min is 0 or less). */
bool
history_day_qualifies(const HistoryDay *d, double min_amount)
{
	if (!history_day_is_purchase(d))
		return false;
	if (min_amount <= 0)
		return true;
	return d->max_order >= min_amount;
}

static int
compare_days(const void *a, const void *b)
{
	int32_t		da = ((const HistoryDay *) a)->day;
	int32_t		db = ((const HistoryDay *) b)->day;

	return (da > db) - (da < db);
}

/*
 * Sort by day and merge duplicates in place; returns the new count.  A day
 * met more than once gets the exact sum of its amounts, rounded once.
 */
int32_t
history_compact_checked(HistoryDay *days, int32_t ndays, bool *overflow)
{
	int32_t		out = 0;
	bool		sorted = true;

	if (overflow)
		*overflow = false;
	if (ndays <= 1)
		return ndays;

	for (int32_t i = 1; i < ndays; i++)
	{
		if (days[i].day < days[i - 1].day)
		{
			sorted = false;
			break;
		}
	}
	if (!sorted)
		qsort(days, (size_t) ndays, sizeof(HistoryDay), compare_days);

	for (int32_t i = 0; i < ndays;)
	{
		int32_t		j = i + 1;

		days[out] = days[i];
		if (j < ndays && days[j].day == days[i].day)
		{
			HistorySum	sum;
			bool		fits;

			history_sum_init(&sum);
			fits = history_sum_add_double(&sum, days[i].amount);
			for (; j < ndays && days[j].day == days[out].day; j++)
			{
				day_merge_counts(&days[out], &days[j]);
				fits = fits && history_sum_add_double(&sum, days[j].amount);
			}
			/* out of range: +-infinity (from history_sum_round) or NaN */
			if (!fits || !history_sum_round(&sum, &days[out].amount))
			{
				if (!fits)
					days[out].amount = NAN;
				if (overflow)
					*overflow = true;
			}
		}
		out++;
		i = j;
	}
	return out;
}

int32_t
history_compact(HistoryDay *days, int32_t ndays)
{
	return history_compact_checked(days, ndays, NULL);
}

/* Merge two sorted compact arrays into out; returns the count written. */
int32_t
history_merge_sorted(const HistoryDay *a, int32_t na,
					 const HistoryDay *b, int32_t nb, HistoryDay *out)
{
	int32_t		i = 0,
				j = 0,
				n = 0;

	while (i < na || j < nb)
	{
		if (j >= nb || (i < na && a[i].day < b[j].day))
			out[n++] = a[i++];
		else if (i >= na || b[j].day < a[i].day)
			out[n++] = b[j++];
		else
		{
			out[n] = a[i++];
			history_day_merge(&out[n], &b[j++]);
			n++;
		}
	}
	return n;
}

/*
 * Why one day is not one the aggregate can produce, or NULL.  Each rule
 * follows from how a day is built (history_day_add_order, the exact sums of
 * HistoryAcc) and survives union and merge, which add counts, take the
 * larger largest order and sum amounts: see history.h.
 */
const char *
history_validate_day(const HistoryDay *d)
{
	int64_t		known_orders = (int64_t) d->orders - d->unknown;

	if (d->day < HISTORY_MIN_DAY || d->day > HISTORY_MAX_DAY)
		return "day out of range";
	if (d->reserved != 0)
		return "reserved field is not zero";
	if (d->orders < 0 || d->refunds < 0 || d->unknown < 0 || d->discounted < 0)
		return "negative count";
	if (d->orders == 0 && d->refunds == 0)
		return "day without orders or refunds";
	if (d->unknown > d->orders)
		return "more orders of unknown amount than orders";
	if (d->discounted > d->orders)
		return "more discounted orders than orders";
	if (!isfinite(d->amount))
		return "amount is not finite";
	if (isnan(d->max_order) || d->max_order == INFINITY)
		return "largest order is not a finite number";
	if (d->max_order != -INFINITY && d->max_order < 0)
		return "largest order is negative";
	if (known_orders > 0 && d->max_order == -INFINITY)
		return "orders of known amount without a largest order";
	/* with orders saturated at INT32_MAX, unknown may have saturated too */
	if (known_orders == 0 && d->max_order != -INFINITY && d->orders != INT32_MAX)
		return "largest order on a day without orders of known amount";
	if (d->refunds == 0)
	{
		if (d->max_order == -INFINITY)
		{
			if (d->amount != 0)
				return "amount on a day with neither known amounts nor refunds";
		}
		else if (!(d->amount >= d->max_order))
			return "amount below the largest order on a day without refunds";
	}
	else if (d->max_order == -INFINITY && !(d->amount < 0))
		return "refunds alone do not net below zero";
	return NULL;
}

/* Why an array is not a valid stored history, or NULL; *bad is the day. */
const char *
history_validate_at(const HistoryDay *days, int32_t ndays, int32_t *bad)
{
	*bad = -1;
	if (ndays < 0 || ndays > HISTORY_MAX_DAYS)
		return "day count out of range";
	for (int32_t i = 0; i < ndays; i++)
	{
		const char *why = history_validate_day(&days[i]);

		*bad = i;
		if (why != NULL)
			return why;
		if (i > 0 && days[i].day <= days[i - 1].day)
			return "days are not in strictly ascending order";
	}
	*bad = -1;
	return NULL;
}

const char *
history_validate(const HistoryDay *days, int32_t ndays)
{
	int32_t		bad;

	return history_validate_at(days, ndays, &bad);
}

/* ---------- exact sums ---------- */

static inline bool
limb_negative(uint64_t x)
{
	return (x >> 63) != 0;
}

/* Limb i of a two's complement sum (sign-extended above, zero below). */
static inline uint64_t
limb_at(int32_t lo, int32_t n, const uint64_t *limb, int32_t i)
{
	if (n == 0 || i < lo)
		return 0;
	if (i >= lo + n)
		return limb_negative(limb[n - 1]) ? UINT64_MAX : 0;
	return limb[i - lo];
}

/* Drop redundant sign limbs at the top and zero limbs at the bottom. */
static void
sum_normalize(HistorySum *s)
{
	int32_t		n = s->n;
	int32_t		skip = 0;

	while (n >= 2 &&
		   ((s->limb[n - 1] == 0 && !limb_negative(s->limb[n - 2])) ||
			(s->limb[n - 1] == UINT64_MAX && limb_negative(s->limb[n - 2]))))
		n--;
	if (n == 1 && s->limb[0] == 0)
		n = 0;
	while (skip < n && s->limb[skip] == 0)
		skip++;
	if (skip > 0)
	{
		memmove(s->limb, s->limb + skip, sizeof(uint64_t) * (size_t) (n - skip));
		s->lo += skip;
		n -= skip;
	}
	if (n == 0)
		s->lo = 0;
	s->n = n;
}

void
history_sum_init(HistorySum *s)
{
	s->lo = 0;
	s->n = 0;
}

/* s += the sum given by (lo, n, limb); false (s unchanged) when out of range. */
bool
history_sum_add_limbs(HistorySum *s, int32_t lo, int32_t n, const uint64_t *limb)
{
	HistorySum	r;
	int32_t		hi;
	uint64_t	carry = 0;

	if (n <= 0)
		return n == 0;
	/* (lo may come from a serialized state: compared without adding to it) */
	if (lo < HISTORY_SUM_MIN_LIMB || lo > HISTORY_SUM_MAX_LIMB + 1 - n)
		return false;
	r.lo = s->n == 0 ? lo : (s->lo < lo ? s->lo : lo);
	hi = s->n == 0 ? lo + n : (s->lo + s->n > lo + n ? s->lo + s->n : lo + n);
	hi++;						/* room for the carry */
	r.n = hi - r.lo;			/* at most HISTORY_SUM_MAX_LIMBS + 1 */
	for (int32_t i = r.lo; i < hi; i++)
	{
		uint64_t	a = limb_at(s->lo, s->n, s->limb, i);
		uint64_t	b = limb_at(lo, n, limb, i);
		uint64_t	t = a + b;
		uint64_t	c1 = t < a;

		r.limb[i - r.lo] = t + carry;
		carry = c1 | (r.limb[i - r.lo] < t);
	}
	sum_normalize(&r);
	if (r.n > 0 && r.lo + r.n > HISTORY_SUM_MAX_LIMB + 1)
		return false;
	s->lo = r.lo;
	s->n = r.n;
	memcpy(s->limb, r.limb, sizeof(uint64_t) * (size_t) r.n);
	return true;
}

/* s += x, exactly; false for a non-finite x or a sum out of range. */
bool
history_sum_add_double(HistorySum *s, double x)
{
	uint64_t	bits;
	uint64_t	m;
	int32_t		biased;
	int32_t		e;
	int32_t		li;
	int32_t		shift;
	uint64_t	a[3];

	memcpy(&bits, &x, sizeof(bits));
	biased = (int32_t) ((bits >> 52) & 0x7FF);
	m = bits & ((UINT64_C(1) << 52) - 1);
	if (biased == 0x7FF)
		return false;
	if (biased == 0)
	{
		if (m == 0)
			return true;		/* +-0 */
		e = -1074;
	}
	else
	{
		m |= UINT64_C(1) << 52;
		e = biased - 1075;
	}
	/* x = +-m * 2^e: limb index floor(e / 64), shift within it */
	li = e >= 0 ? e / 64 : -((-e + 63) / 64);
	shift = e - 64 * li;
	a[0] = m << shift;
	a[1] = shift > 0 ? m >> (64 - shift) : 0;
	a[2] = 0;
	if (bits >> 63)
	{
		uint64_t	c = 1;

		for (int i = 0; i < 3; i++)
		{
			a[i] = ~a[i] + c;
			c = c && a[i] == 0;
		}
	}
	return history_sum_add_limbs(s, li, 3, a);
}

/* Round to nearest, ties to even; false when beyond the double range. */
bool
history_sum_round(const HistorySum *s, double *out)
{
	uint64_t	mag[HISTORY_SUM_MAX_LIMBS + 1];
	bool		neg;
	int32_t		t;
	int			b;
	int32_t		top;
	uint64_t	hi;
	uint64_t	keep;
	uint64_t	rem;
	bool		sticky = false;
	double		r;

	if (s->n == 0)
	{
		*out = 0.0;
		return true;
	}
	neg = limb_negative(s->limb[s->n - 1]);
	memcpy(mag, s->limb, sizeof(uint64_t) * (size_t) s->n);
	if (neg)
	{
		uint64_t	c = 1;

		for (int32_t i = 0; i < s->n; i++)
		{
			mag[i] = ~mag[i] + c;
			c = c && mag[i] == 0;
		}
	}
	t = s->n - 1;
	while (t > 0 && mag[t] == 0)
		t--;
	b = 63 - __builtin_clzll(mag[t]);	/* mag[t] != 0: s is normalized */
	top = 64 * (s->lo + t) + b;	/* the value's leading bit is 2^top */

	/* the 64 bits from the leading one down, and whether any bit is below */
	hi = mag[t] << (63 - b);
	if (t > 0)
	{
		if (b < 63)
		{
			hi |= mag[t - 1] >> (b + 1);
			sticky = (mag[t - 1] & ((UINT64_C(1) << (b + 1)) - 1)) != 0;
		}
		else
			sticky = mag[t - 1] != 0;
		for (int32_t i = 0; i < t - 1 && !sticky; i++)
			sticky = mag[i] != 0;
	}
	keep = hi >> 11;			/* 53 bits */
	rem = hi & 0x7FF;
	if (rem > 0x400 || (rem == 0x400 && (sticky || (keep & 1))))
		keep++;
	if (keep == UINT64_C(1) << 53)
	{
		keep >>= 1;
		top++;
	}
	if (top > 1023)
	{
		*out = neg ? -INFINITY : INFINITY;
		return false;
	}

	/*
	 * Exact: a normal result has 53 bits; below 2^-1022 the sum, a multiple
	 * of 2^-1074 as every double is, is representable and rem, sticky are 0.
	 */
	r = ldexp((double) keep, top - 52);
	*out = neg ? -r : r;
	return true;
}

/* ---------- the aggregate state ---------- */

const char *const HISTORY_ERR_TOO_MANY_DAYS = "too many days";
const char *const HISTORY_ERR_OUT_OF_RANGE = "amount out of range";

/* the smallest entry array: states of one category of a customer start small */
#define ACC_MIN_CAPACITY 2

/* Up to this many entries compaction sorts by insertion. */
#define ACC_INSERTION_SORT 32

/* The most pool words an entry can address (d.reserved is an int32). */
#define ACC_MAX_POOL ((size_t) INT32_MAX - 1)

/*
 * The number of entries that fill an allocation of the next power of two
 * (what a memory context's small chunks take anyway) with room for n.
 */
static int32_t
acc_fit_capacity(int64_t n)
{
	size_t		bytes = sizeof(HistoryAccDay) * (size_t) (n > 0 ? n : 1);
	size_t		chunk = 64;

	if (bytes > 8192)
		return (int32_t) n;
	while (chunk < bytes)
		chunk *= 2;
	return (int32_t) (chunk / sizeof(HistoryAccDay));
}

/* Note the day of the last entry (kept so that a row need not read it). */
static inline void
acc_sync_last(HistoryAcc *acc)
{
	acc->last_day = acc->ndays > 0 ? acc->days[acc->ndays - 1].d.day : INT32_MIN;
}

void
history_acc_init(HistoryAcc *acc, int32_t capacity, HistoryReallocFn realloc_fn,
				 void *ctx)
{
	memset(acc, 0, sizeof(HistoryAcc));
	acc->realloc_fn = realloc_fn;
	acc->realloc_ctx = ctx;
	acc->capacity = acc_fit_capacity(capacity > ACC_MIN_CAPACITY ? capacity : ACC_MIN_CAPACITY);
	acc->days = realloc_fn(ctx, NULL, sizeof(HistoryAccDay) * (size_t) acc->capacity);
	acc->own_days = true;
	acc->last_day = INT32_MIN;
}

void
history_acc_init_buffer(HistoryAcc *acc, HistoryAccDay *buf, int32_t capacity,
						HistoryReallocFn realloc_fn, void *ctx)
{
	memset(acc, 0, sizeof(HistoryAcc));
	acc->realloc_fn = realloc_fn;
	acc->realloc_ctx = ctx;
	acc->capacity = capacity;
	acc->days = buf;
	acc->own_days = false;
	acc->last_day = INT32_MIN;
}

void
history_acc_free(HistoryAcc *acc)
{
	if (acc->own_days && acc->days != NULL)
		acc->realloc_fn(acc->realloc_ctx, acc->days, 0);
	if (acc->pool != NULL)
		acc->realloc_fn(acc->realloc_ctx, acc->pool, 0);
	acc->days = NULL;
	acc->pool = NULL;
	acc->own_days = false;
	acc->ndays = acc->capacity = 0;
	acc->last_day = INT32_MIN;
	acc->pool_len = acc->pool_cap = 0;
}

/*
 * a + b in *sum when that double is the exact sum (the error of the addition,
 * by Knuth's TwoSum, is zero, and the sum is finite).
 */
static inline bool
exact_add(double a, double b, double *sum)
{
	double		s = a + b;
	double		bb = s - a;
	double		err = (a - (s - bb)) + (b - bb);

	if (err != 0 || !isfinite(s))
		return false;			/* a NaN err fails too */
	*sum = s;
	return true;
}

/* Room for 'extra' more words in a pool; false when it would be too large. */
static bool
pool_reserve(HistoryAcc *acc, uint64_t **pool, size_t len, size_t *cap, size_t extra)
{
	size_t		want;

	if (len + extra <= *cap)
		return true;
	if (len + extra > ACC_MAX_POOL)
		return false;
	want = *cap * 2 > len + extra ? *cap * 2 : len + extra;
	if (want < 16)
		want = 16;
	if (want > ACC_MAX_POOL)
		want = ACC_MAX_POOL;
	*pool = acc->realloc_fn(acc->realloc_ctx, *pool, sizeof(uint64_t) * want);
	*cap = want;
	return true;
}

/* An entry's exact sum. */
static void
acc_load_sum(const HistoryAcc *acc, const HistoryAccDay *e, HistorySum *s)
{
	const uint64_t *rec;

	history_sum_init(s);
	if (e->d.reserved == 0)
	{
		/* a finite double: cannot fail */
		(void) history_sum_add_double(s, e->d.amount);
		return;
	}
	rec = acc->pool + (e->d.reserved - 1);
	s->lo = (int32_t) (uint32_t) (rec[0] & UINT32_MAX);
	s->n = (int32_t) (uint32_t) (rec[0] >> 32);
	memcpy(s->limb, rec + 1, sizeof(uint64_t) * (size_t) s->n);
}

/*
 * Store a sum as an entry's: as its double when 'try_double' and the sum is
 * one exactly, else as a record of the pool (pool, *len, *cap: the acc's own
 * or one being rebuilt).  A record at the end of the pool is replaced in
 * place.  False when the pool would be too large.
 */
static bool
acc_put_sum(HistoryAcc *acc, uint64_t **pool, size_t *len, size_t *cap,
			HistoryAccDay *e, const HistorySum *s, bool try_double)
{
	double		r;

	if (s->n == 0)
		try_double = true;
	if (try_double && history_sum_round(s, &r))
	{
		HistorySum	back;

		history_sum_init(&back);
		(void) history_sum_add_double(&back, r);
		if (back.n == s->n && back.lo == s->lo &&
			memcmp(back.limb, s->limb, sizeof(uint64_t) * (size_t) s->n) == 0)
		{
			e->d.reserved = 0;
			e->d.amount = r;
			return true;
		}
	}
	if (e->d.reserved != 0 && *pool == acc->pool)
	{
		size_t		off = (size_t) (e->d.reserved - 1);
		size_t		oldn = (size_t) ((*pool)[off] >> 32);

		if (off + 1 + oldn == *len)
			*len = off;			/* the last record: rewrite it */
		else if ((size_t) s->n <= oldn)
		{
			(*pool)[off] = (uint64_t) (uint32_t) s->lo | ((uint64_t) (uint32_t) s->n << 32);
			memcpy(*pool + off + 1, s->limb, sizeof(uint64_t) * (size_t) s->n);
			return true;
		}
	}
	if (!pool_reserve(acc, pool, *len, cap, 1 + (size_t) s->n))
		return false;
	(*pool)[*len] = (uint64_t) (uint32_t) s->lo | ((uint64_t) (uint32_t) s->n << 32);
	memcpy(*pool + *len + 1, s->limb, sizeof(uint64_t) * (size_t) s->n);
	e->d.reserved = (int32_t) (*len + 1);
	e->d.amount = 0;
	*len += 1 + (size_t) s->n;
	return true;
}

/* acc_put_sum into the acc's own pool. */
static bool
acc_store_sum(HistoryAcc *acc, HistoryAccDay *e, const HistorySum *s, bool try_double)
{
	return acc_put_sum(acc, &acc->pool, &acc->pool_len, &acc->pool_cap, e, s, try_double);
}

static int
compare_acc_days(const void *a, const void *b)
{
	int32_t		da = ((const HistoryAccDay *) a)->d.day;
	int32_t		db = ((const HistoryAccDay *) b)->d.day;

	return (da > db) - (da < db);
}

/*
 * Sort the entries, merge those of one day, and rebuild the pool without
 * gaps (only when it holds a record).
 */
const char *
history_acc_compact(HistoryAcc *acc)
{
	uint64_t   *pool = NULL;
	size_t		len = 0;
	size_t		cap = 0;
	int32_t		out = 0;
	bool		sorted = true;
	bool		rebuild = acc->pool_len > 0;

	for (int32_t i = 1; i < acc->ndays && sorted; i++)
		sorted = acc->days[i].d.day > acc->days[i - 1].d.day;
	if (sorted)
		return NULL;			/* nothing to merge */
	if (acc->ndays <= ACC_INSERTION_SORT)
	{
		/* a customer's few days: insertion sort beats qsort's calls */
		for (int32_t i = 1; i < acc->ndays; i++)
		{
			HistoryAccDay e = acc->days[i];
			int32_t		j = i;

			for (; j > 0 && acc->days[j - 1].d.day > e.d.day; j--)
				acc->days[j] = acc->days[j - 1];
			acc->days[j] = e;
		}
	}
	else
		qsort(acc->days, (size_t) acc->ndays, sizeof(HistoryAccDay), compare_acc_days);

	for (int32_t i = 0; i < acc->ndays;)
	{
		HistoryAccDay merged = acc->days[i];
		int32_t		j = i + 1;
		bool		fast = merged.d.reserved == 0;

		/* one double while every addition is exact */
		for (; fast && j < acc->ndays && acc->days[j].d.day == merged.d.day; j++)
		{
			const HistoryAccDay *e = &acc->days[j];

			if (e->d.reserved != 0 || !exact_add(merged.d.amount, e->d.amount, &merged.d.amount))
				break;
			day_merge_counts(&merged.d, &e->d);
		}
		if (!fast || (j < acc->ndays && acc->days[j].d.day == merged.d.day))
		{
			HistorySum	sum;

			acc_load_sum(acc, &merged, &sum);
			for (; j < acc->ndays && acc->days[j].d.day == merged.d.day; j++)
			{
				const HistoryAccDay *e = &acc->days[j];
				HistorySum	add;

				day_merge_counts(&merged.d, &e->d);
				acc_load_sum(acc, e, &add);
				if (!history_sum_add_limbs(&sum, add.lo, add.n, add.limb))
				{
					if (pool != NULL)
						acc->realloc_fn(acc->realloc_ctx, pool, 0);
					return HISTORY_ERR_OUT_OF_RANGE;
				}
			}
			merged.d.reserved = 0;	/* a record of the new pool */
			if (!acc_put_sum(acc, &pool, &len, &cap, &merged, &sum, true))
			{
				if (pool != NULL)
					acc->realloc_fn(acc->realloc_ctx, pool, 0);
				return HISTORY_ERR_TOO_MANY_DAYS;
			}
		}
		acc->days[out++] = merged;
		i = j;
	}
	if (rebuild || pool != NULL)
	{
		if (acc->pool != NULL)
			acc->realloc_fn(acc->realloc_ctx, acc->pool, 0);
		acc->pool = pool;
		acc->pool_len = len;
		acc->pool_cap = cap;
	}
	acc->ndays = out;
	acc_sync_last(acc);
	return NULL;
}

/*
 * Room for 'extra' more entries: compact first, and grow only when the
 * distinct days really need it, so memory follows days, not orders.
 */
static const char *
acc_reserve(HistoryAcc *acc, int32_t extra)
{
	const char *err;
	int64_t		newcap;

	if ((int64_t) acc->ndays + extra <= acc->capacity)
		return NULL;
	if ((err = history_acc_compact(acc)) != NULL)
		return err;
	if (acc->ndays > HISTORY_MAX_DAYS)
		return HISTORY_ERR_TOO_MANY_DAYS;
	if ((int64_t) acc->ndays + extra > acc->capacity / 2)
	{
		newcap = (int64_t) acc->capacity * 2;
		if (newcap < (int64_t) acc->ndays + extra)
			newcap = (int64_t) acc->ndays + extra;
		newcap = acc_fit_capacity(newcap);
		if (acc->own_days)
			acc->days = acc->realloc_fn(acc->realloc_ctx, acc->days,
										sizeof(HistoryAccDay) * (size_t) newcap);
		else
		{
			HistoryAccDay *days = acc->realloc_fn(acc->realloc_ctx, NULL,
												  sizeof(HistoryAccDay) * (size_t) newcap);

			if (acc->ndays > 0)
				memcpy(days, acc->days, sizeof(HistoryAccDay) * (size_t) acc->ndays);
			acc->days = days;
			acc->own_days = true;
		}
		acc->capacity = (int32_t) newcap;
	}
	return NULL;
}

/* A new entry at the end, for 'day', with nothing counted. */
static HistoryAccDay *
acc_new_entry(HistoryAcc *acc, int32_t day)
{
	HistoryAccDay *e = &acc->days[acc->ndays++];

	history_day_init(&e->d, day);
	acc->last_day = day;
	return e;
}

const char *
history_acc_add_order(HistoryAcc *acc, int32_t day, double amount,
					  bool amount_known, bool discounted)
{
	HistoryAccDay *last;

	if (amount_known && !isfinite(amount))
		amount_known = false;
	if (acc->last_day != day)
	{
		/*
		 * A new day (most rows): the entry is made in a local and stored
		 * whole, so the row reads nothing of the entry array, which in a
		 * hash aggregate is a cache miss; only the store goes there.
		 */
		const char *err = acc_reserve(acc, 1);
		HistoryAccDay e;

		if (err != NULL)
			return err;
		history_day_init(&e.d, day);
		day_count_order(&e.d, amount, amount_known, discounted);
		if (amount_known && amount != 0)
			e.d.amount = amount;	/* one double: its own exact sum */
		acc->days[acc->ndays++] = e;
		acc->last_day = day;
		return NULL;
	}
	/* orders usually arrive grouped by day: extend the last entry */
	last = &acc->days[acc->ndays - 1];
	day_count_order(&last->d, amount, amount_known, discounted);
	if (amount_known && amount != 0 &&
		(last->d.reserved != 0 || !exact_add(last->d.amount, amount, &last->d.amount)))
	{
		HistorySum	sum;

		acc_load_sum(acc, last, &sum);
		if (!history_sum_add_double(&sum, amount))
			return HISTORY_ERR_OUT_OF_RANGE;
		if (!acc_store_sum(acc, last, &sum, false))
			return HISTORY_ERR_TOO_MANY_DAYS;
	}
	return NULL;
}

const char *
history_acc_add_days(HistoryAcc *acc, const HistoryDay *days, int32_t ndays)
{
	const char *err = acc_reserve(acc, ndays);

	if (err != NULL)
		return err;
	for (int32_t i = 0; i < ndays; i++)
	{
		HistoryAccDay *e = acc_new_entry(acc, days[i].day);

		day_merge_counts(&e->d, &days[i]);
		if (!isfinite(days[i].amount))
			return HISTORY_ERR_OUT_OF_RANGE;
		e->d.amount = days[i].amount + 0.0;	/* -0.0 sums to +0.0 */
	}
	return NULL;
}

const char *
history_acc_combine(HistoryAcc *dst, const HistoryAcc *src)
{
	const char *err = acc_reserve(dst, src->ndays);

	if (err != NULL)
		return err;
	if (src->pool_len == 0)
	{
		/* every sum is its entry's amount: the entries as they are */
		if (src->ndays > 0)
			memcpy(dst->days + dst->ndays, src->days, sizeof(HistoryAccDay) * (size_t) src->ndays);
		dst->ndays += src->ndays;
		acc_sync_last(dst);
		return NULL;
	}
	for (int32_t i = 0; i < src->ndays; i++)
	{
		HistoryAccDay *e = &dst->days[dst->ndays++];

		*e = src->days[i];
		dst->last_day = e->d.day;
		if (e->d.reserved != 0)
		{
			HistorySum	sum;

			acc_load_sum(src, &src->days[i], &sum);
			e->d.reserved = 0;
			if (!acc_store_sum(dst, e, &sum, false))
				return HISTORY_ERR_TOO_MANY_DAYS;
		}
	}
	return NULL;
}

const char *
history_acc_finish(HistoryAcc *acc, HistoryDay *out, int32_t *ndays)
{
	const char *err = history_acc_compact(acc);

	*ndays = 0;
	if (err != NULL)
		return err;
	if (acc->ndays > HISTORY_MAX_DAYS)
		return HISTORY_ERR_TOO_MANY_DAYS;
	for (int32_t i = 0; i < acc->ndays; i++)
	{
		const HistoryAccDay *e = &acc->days[i];

		out[i] = e->d;
		out[i].reserved = 0;
		if (e->d.reserved == 0)
			out[i].amount = e->d.amount + 0.0;	/* the exact sum; zero is +0.0 */
		else
		{
			HistorySum	sum;

			acc_load_sum(acc, e, &sum);
			if (!history_sum_round(&sum, &out[i].amount))
				return HISTORY_ERR_OUT_OF_RANGE;
		}
	}
	*ndays = acc->ndays;
	return NULL;
}

/*
 * Serialized state, per entry: its HistoryDay with reserved = n, the number
 * of limbs of its exact sum.  n = 0: the sum is the entry's amount (a finite
 * double), nothing follows; the common case, so a state of such days is
 * written and read as the entry array itself.  n > 0: amount 0, then int32
 * lo, int32 0 and the n limbs.  Native byte order (states only travel
 * between processes of one server).
 */
#define ACC_LIMBS_HEADER (2 * sizeof(int32_t))

size_t
history_acc_serial_size(const HistoryAcc *acc)
{
	size_t		size = sizeof(HistoryDay) * (size_t) acc->ndays;

	for (int32_t i = 0; i < acc->ndays; i++)
	{
		const HistoryAccDay *e = &acc->days[i];

		if (e->d.reserved != 0)
			size += ACC_LIMBS_HEADER +
				sizeof(uint64_t) * (size_t) (acc->pool[e->d.reserved - 1] >> 32);
	}
	return size;
}

void
history_acc_serialize(const HistoryAcc *acc, void *buf)
{
	char	   *p = buf;

	if (acc->pool_len == 0)
	{
		/* every sum is its entry's amount */
		if (acc->ndays > 0)
			memcpy(p, acc->days, sizeof(HistoryDay) * (size_t) acc->ndays);
		return;
	}
	for (int32_t i = 0; i < acc->ndays; i++)
	{
		const HistoryAccDay *e = &acc->days[i];
		HistoryDay	d = e->d;
		HistorySum	sum;
		int32_t		zero = 0;

		if (e->d.reserved == 0)
		{
			memcpy(p, &d, sizeof(HistoryDay));
			p += sizeof(HistoryDay);
			continue;
		}
		acc_load_sum(acc, e, &sum);
		d.amount = 0;
		d.reserved = sum.n;
		memcpy(p, &d, sizeof(HistoryDay));
		p += sizeof(HistoryDay);
		memcpy(p, &sum.lo, sizeof(int32_t));
		p += sizeof(int32_t);
		memcpy(p, &zero, sizeof(int32_t));
		p += sizeof(int32_t);
		memcpy(p, sum.limb, sizeof(uint64_t) * (size_t) sum.n);
		p += sizeof(uint64_t) * (size_t) sum.n;
	}
}

const char *
history_acc_deserialize(HistoryAcc *acc, const void *buf, size_t len)
{
	const char *p = buf;
	const char *end = p + len;

	while (p < end)
	{
		HistoryDay	d;
		HistorySum	sum;
		HistorySum	norm;
		HistoryAccDay *e;
		int32_t		zero;
		const char *err;

		if ((size_t) (end - p) < sizeof(HistoryDay))
			return "truncated entry";
		memcpy(&d, p, sizeof(HistoryDay));
		p += sizeof(HistoryDay);
		if (d.day < HISTORY_MIN_DAY || d.day > HISTORY_MAX_DAY ||
			d.orders < 0 || d.refunds < 0 || d.unknown < 0 || d.discounted < 0 ||
			isnan(d.max_order) || d.max_order == INFINITY ||
			d.reserved < 0 || d.reserved > HISTORY_SUM_MAX_LIMBS ||
			(d.reserved == 0 && !isfinite(d.amount)))
			return "malformed entry";
		if ((err = acc_reserve(acc, 1)) != NULL)
			return err;
		if (d.reserved == 0)
		{
			e = &acc->days[acc->ndays++];
			e->d = d;
			acc->last_day = d.day;
			e->d.amount = d.amount + 0.0;	/* -0.0 sums to +0.0 */
			continue;
		}
		sum.n = d.reserved;
		if ((size_t) (end - p) < ACC_LIMBS_HEADER + sizeof(uint64_t) * (size_t) sum.n)
			return "truncated sum";
		memcpy(&sum.lo, p, sizeof(int32_t));
		p += sizeof(int32_t);
		memcpy(&zero, p, sizeof(int32_t));
		p += sizeof(int32_t);
		if (zero != 0)
			return "sum out of range";
		memcpy(sum.limb, p, sizeof(uint64_t) * (size_t) sum.n);
		p += sizeof(uint64_t) * (size_t) sum.n;
		/*
		 * normalized, as the state's own sums are (then rounding is safe);
		 * history_sum_add_limbs refuses limbs out of range, lo as read from
		 * the bytes included
		 */
		history_sum_init(&norm);
		if (!history_sum_add_limbs(&norm, sum.lo, sum.n, sum.limb))
			return "sum out of range";
		e = acc_new_entry(acc, d.day);
		e->d = d;
		e->d.reserved = 0;
		e->d.amount = 0;
		if (!acc_store_sum(acc, e, &norm, true))
			return HISTORY_ERR_TOO_MANY_DAYS;
	}
	return NULL;
}

/* The first-release figures of a history, counting days up to as_of_day. */
void
history_summarize(const HistoryDay *days, int32_t ndays, int32_t as_of_day,
				  double min_order_amount, HistorySummary *out)
{
	memset(out, 0, sizeof(HistorySummary));

	for (int32_t i = 0; i < ndays && days[i].day <= as_of_day; i++)
	{
		const HistoryDay *d = &days[i];

		out->total_amount += d->amount;
		out->unknown_amount_orders = add_count(out->unknown_amount_orders, d->unknown);
		out->refunds = add_count(out->refunds, d->refunds);
		if (!history_day_is_purchase(d))
			continue;
		if (out->order_days == 0)
			out->first_day = d->day;
		out->order_days++;
		out->orders_count += d->orders;
		out->last_day = d->day;
		if (d->discounted > 0)
			out->discounted_days++;	/* at most HISTORY_MAX_DAYS */
		if (history_day_qualifies(d, min_order_amount))
		{
			out->has_qualifying = true;
			out->last_qualifying_day = d->day;
		}
	}
}

/*
 * BTYD summary.  Monetary value averages the repeat purchase days (not the
 * first) whose amounts are all known, as the Gamma-Gamma model expects, and
 * monetary_days counts them: the number of spends that mean is of, the x of
 * Gamma-Gamma (the frequency counts the days of unknown amount too).
 */
bool
history_btyd_summary(const HistoryDay *days, int32_t ndays, int32_t as_of_day,
					 double unit_days, BtydSummary *out)
{
	int32_t		purchase_days = 0;
	int32_t		first = 0,
				last = 0;
	double		repeat_sum = 0;
	int32_t		repeat_known = 0;

	memset(out, 0, sizeof(BtydSummary));
	for (int32_t i = 0; i < ndays && days[i].day <= as_of_day; i++)
	{
		const HistoryDay *d = &days[i];

		if (!history_day_is_purchase(d))
			continue;
		if (purchase_days == 0)
			first = d->day;
		else if (d->unknown == 0)
		{
			repeat_sum += d->amount;
			repeat_known++;
		}
		last = d->day;
		purchase_days++;
	}
	if (purchase_days == 0)
		return false;
	out->frequency = purchase_days - 1;
	out->recency = (double) (last - first) / unit_days;
	out->age = ((double) as_of_day - first) / unit_days;
	out->has_monetary = repeat_known > 0;
	out->monetary_value = repeat_known > 0 ? repeat_sum / repeat_known : 0;
	out->monetary_days = repeat_known;
	return true;
}
