/*
 * fuzz_history.c
 *		libFuzzer target for src/core/history.c.
 *
 * The input bytes are read as a few header bytes and then a sequence of
 * orders (day, amount, flags).  The orders are folded into histories with the
 * aggregate's own state (HistoryAcc, with a small initial capacity so that it
 * compacts and grows), split into two halves that are built separately and
 * then joined with history_merge_sorted, with the combine path and through
 * serialize/deserialize, folded again in a shuffled order, and split by a
 * flag into two "categories" whose histories are united in both orders; all
 * are checked against one-shot compaction of every order and against a naive
 * reference that re-implements the folding rules without calling history.c.
 *
 * Invariants (any violation aborts):
 *	- every built history passes history_validate;
 *	- chunked building, combine of halves (also serialized), a shuffled
 *	  order and one-shot compaction give bit-identical days: sums are exact
 *	  and rounded once, whatever the order of the orders;
 *	- the union of the categories is the same in both orders;
 *	- with narrow amounts only (multiples of 1/4 below 2^13, at most
 *	  FZ_MAX_ORDERS of them, so that every sum is exact even when rounded
 *	  more than once) the merge of halves, the union and the naive reference
 *	  (which checks history_day_add_order) give the same days too;
 *	- history_summarize agrees with a naive summary for several as-of days
 *	  and minimum amounts.
 *
 * Wide amounts (flag bit 7) are the quarter amount scaled by 2^-60 .. 2^67,
 * so that sums round and naive sums depend on the order of addition.
 *
 * Build and run: see test/fuzz/README.md.  With -DFUZZ_STANDALONE a main()
 * replays files or runs seeded random inputs without libFuzzer.  The unit
 * test test/unit/test_history.c includes this file and runs fz_check() on
 * random inputs, so `make unit` exercises the same invariants under gcc.
 */
#include "history.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_HEADER_BYTES 6
#define FZ_ORDER_BYTES 4
#define FZ_MAX_ORDERS 4096

/* One order row as the aggregate sees it. */
typedef struct FzOrder
{
	int32_t		day;
	double		amount;			/* meaningful when known */
	bool		known;
	bool		discounted;
	bool		wide;			/* amount scaled (and category 1) */
} FzOrder;

/* Everything decoded from one input. */
typedef struct FzInput
{
	int32_t		capacity;		/* initial capacity of the aggregate buffers */
	int32_t		norders;
	int32_t		split;			/* orders [0, split) left, [split, n) right */
	int32_t		as_of;			/* one as-of day to summarise at */
	double		min_amount;		/* one minimum order amount */
	bool		any_wide;		/* some amount is wide */
	uint64_t	seed;			/* of the shuffle */
	FzOrder    *orders;
} FzInput;

static char fz_msg[512];

static void *
fz_alloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "fuzz_history: out of memory\n");
		abort();
	}
	return p;
}

/* ---------- decoding ---------- */

/*
 * Header: capacity, split, as-of (2 bytes), min amount selector, spare.
 * Each order: 4 bytes
 *	b0		day, low 8 bits
 *	b1		bits 0-1: day, high 2 bits (days -512..511)
 *			bit 2: discounted
 *			bit 3: amount unknown (NULL)
 *			bit 4: amount zero
 *			bit 5: same day as the previous order
 *			bit 6: narrow day range (day = b0 % 8), many duplicates
 *			bit 7: wide amount: quarters * 2^((b0 * 37) % 128 - 60);
 *				   also the "category" of the union check
 *	b2 b3	amount as int16, in quarters
 */
static void
fz_decode(const uint8_t *data, size_t size, FzInput *in)
{
	uint8_t		hdr[FZ_HEADER_BYTES] = {0};
	size_t		n;

	memcpy(hdr, data, size < FZ_HEADER_BYTES ? size : FZ_HEADER_BYTES);
	n = size > FZ_HEADER_BYTES ? (size - FZ_HEADER_BYTES) / FZ_ORDER_BYTES : 0;
	if (n > FZ_MAX_ORDERS)
		n = FZ_MAX_ORDERS;

	in->capacity = 1 + hdr[0] % 16;
	in->any_wide = false;
	in->seed = hdr[5];
	in->norders = (int32_t) n;
	in->split = (int32_t) ((n * hdr[1]) / 255);
	in->as_of = (int32_t) ((hdr[2] | (hdr[3] << 8)) % 1100) - 550;
	switch (hdr[4] % 4)
	{
		case 0:
			in->min_amount = 0;
			break;
		case 1:
			in->min_amount = -1;
			break;
		default:
			in->min_amount = (double) (hdr[4] / 4) * 16.0;
			break;
	}
	in->orders = fz_alloc(sizeof(FzOrder) * (n ? n : 1));

	for (size_t i = 0; i < n; i++)
	{
		const uint8_t *b = data + FZ_HEADER_BYTES + i * FZ_ORDER_BYTES;
		FzOrder    *o = &in->orders[i];
		int16_t		q = (int16_t) (uint16_t) (b[2] | (b[3] << 8));

		if ((b[1] & 0x20) && i > 0)
			o->day = in->orders[i - 1].day;
		else if (b[1] & 0x40)
			o->day = b[0] % 8;
		else
			o->day = (int32_t) (b[0] | ((b[1] & 3) << 8)) - 512;
		o->discounted = (b[1] & 0x04) != 0;
		o->known = (b[1] & 0x08) == 0;
		o->amount = (b[1] & 0x10) ? 0.0 : q / 4.0;
		o->wide = (b[1] & 0x80) != 0;
		if (o->wide)
		{
			o->amount = ldexp(o->amount, (b[0] * 37) % 128 - 60);
			in->any_wide = in->any_wide || (o->known && o->amount != 0);
		}
		in->seed = in->seed * 31 + b[0] + (b[2] << 8);
	}
}

/* ---------- the aggregate state (core HistoryAcc) ---------- */

static void *
fz_realloc(void *ctx, void *ptr, size_t size)
{
	void	   *p;

	(void) ctx;
	if (size == 0)
	{
		free(ptr);
		return NULL;
	}
	p = realloc(ptr, size);
	if (p == NULL)
	{
		fprintf(stderr, "fuzz_history: out of memory\n");
		abort();
	}
	return p;
}

/* Add orders to a state, as the transition function does. */
static const char *
fz_agg_build(HistoryAcc *s, const FzOrder *orders, int32_t n)
{
	const char *err = NULL;

	for (int32_t i = 0; i < n && err == NULL; i++)
		err = history_acc_add_order(s, orders[i].day,
									orders[i].known ? orders[i].amount : 0,
									orders[i].known, orders[i].discounted);
	return err;
}

/* The final function: the history's days, malloc'd, into *days. */
static const char *
fz_agg_final(HistoryAcc *s, HistoryDay **days, int32_t *ndays)
{
	const char *err = history_acc_compact(s);

	*days = fz_alloc(sizeof(HistoryDay) * (size_t) (s->ndays + 1));
	*ndays = 0;
	if (err == NULL)
		err = history_acc_finish(s, *days, ndays);
	return err;
}

/* serialize, then deserialize into state 'out' (the parallel path) */
static const char *
fz_agg_roundtrip(HistoryAcc *s, HistoryAcc *out)
{
	const char *err = history_acc_compact(s);
	size_t		len;
	void	   *buf;

	if (err != NULL)
		return err;
	len = history_acc_serial_size(s);
	buf = fz_alloc(len);
	history_acc_serialize(s, buf);
	err = history_acc_deserialize(out, buf, len);
	free(buf);
	return err;
}

/* ---------- naive references, independent of history.c ---------- */

/*
 * Fold orders into sorted distinct days by linear search and insertion,
 * following the rules of history.h: a NULL amount is an order of unknown
 * value, a negative amount is a refund that only nets the day, a discounted
 * refund does not count as discounted.  Returns the number of days.
 */
static int32_t
fz_naive_days(const FzOrder *orders, int32_t n, HistoryDay *out)
{
	int32_t		nd = 0;

	for (int32_t i = 0; i < n; i++)
	{
		const FzOrder *o = &orders[i];
		int32_t		pos = 0;
		HistoryDay *d;

		while (pos < nd && out[pos].day < o->day)
			pos++;
		if (pos == nd || out[pos].day != o->day)
		{
			memmove(&out[pos + 1], &out[pos], sizeof(HistoryDay) * (size_t) (nd - pos));
			memset(&out[pos], 0, sizeof(HistoryDay));
			out[pos].day = o->day;
			out[pos].max_order = -INFINITY;
			nd++;
		}
		d = &out[pos];
		if (!o->known)
		{
			d->orders++;
			d->unknown++;
			if (o->discounted)
				d->discounted++;
		}
		else if (o->amount < 0)
		{
			d->refunds++;
			d->amount += o->amount;
		}
		else
		{
			d->orders++;
			d->amount += o->amount;
			if (o->amount > d->max_order)
				d->max_order = o->amount;
			if (o->discounted)
				d->discounted++;
		}
	}
	return nd;
}

#ifndef HISTORY_AMOUNT_EPSILON
#define HISTORY_AMOUNT_EPSILON 0
#endif

/*
 * The purchase-day rule, spelled out from history.h: known amounts net above
 * zero (a net within HISTORY_AMOUNT_EPSILON of the largest order, at least 1,
 * is rounding residue), or orders that all have unknown amounts.
 */
static bool
fz_naive_is_purchase(const HistoryDay *d)
{
	int64_t		known_rows = (int64_t) d->orders - d->unknown + d->refunds;
	double		scale = d->max_order > 1 ? d->max_order : 1;

	if (known_rows == 0)
		return d->orders > 0;	/* only orders of unknown value */
	return d->amount > HISTORY_AMOUNT_EPSILON * scale;
}

static void
fz_naive_summary(const HistoryDay *days, int32_t n, int32_t as_of,
				 double min_amount, HistorySummary *s)
{
	memset(s, 0, sizeof(*s));
	for (int32_t i = 0; i < n; i++)
	{
		const HistoryDay *d = &days[i];

		if (d->day > as_of)
			continue;
		s->total_amount += d->amount;
		s->unknown_amount_orders += d->unknown;
		s->refunds += d->refunds;
		if (!fz_naive_is_purchase(d))
			continue;
		if (s->order_days == 0 || d->day < s->first_day)
			s->first_day = d->day;
		if (s->order_days == 0 || d->day > s->last_day)
			s->last_day = d->day;
		s->order_days++;
		s->orders_count += d->orders;
		if (d->discounted > 0)
			s->discounted_days++;
		if (min_amount <= 0 || d->max_order >= min_amount)
		{
			if (!s->has_qualifying || d->day > s->last_qualifying_day)
				s->last_qualifying_day = d->day;
			s->has_qualifying = true;
		}
	}
}

/* ---------- comparisons ---------- */

/* NULL when a and b hold the same days field by field (amounts bit for bit), else why not. */
static const char *
fz_days_differ(const char *what, const HistoryDay *a, int32_t na,
			   const HistoryDay *b, int32_t nb)
{
	if (na != nb)
	{
		snprintf(fz_msg, sizeof(fz_msg), "%s: %d days vs %d days", what, na, nb);
		return fz_msg;
	}
	for (int32_t i = 0; i < na; i++)
	{
		const HistoryDay *x = &a[i];
		const HistoryDay *y = &b[i];

		if (x->day != y->day || x->orders != y->orders ||
			x->refunds != y->refunds || x->unknown != y->unknown ||
			x->discounted != y->discounted || x->reserved != y->reserved ||
			memcmp(&x->amount, &y->amount, sizeof(double)) != 0 ||
			memcmp(&x->max_order, &y->max_order, sizeof(double)) != 0)
		{
			snprintf(fz_msg, sizeof(fz_msg),
					 "%s: day #%d differs: {day=%d orders=%d refunds=%d unknown=%d disc=%d res=%d amount=%.17g max=%.17g}"
					 " vs {day=%d orders=%d refunds=%d unknown=%d disc=%d res=%d amount=%.17g max=%.17g}",
					 what, i,
					 x->day, x->orders, x->refunds, x->unknown, x->discounted, x->reserved, x->amount, x->max_order,
					 y->day, y->orders, y->refunds, y->unknown, y->discounted, y->reserved, y->amount, y->max_order);
			return fz_msg;
		}
	}
	return NULL;
}

/* NULL when two summaries agree, else a description. */
static const char *
fz_summary_differs(const char *what, const HistorySummary *a,
				   const HistorySummary *b)
{
	bool		same = a->order_days == b->order_days &&
		a->orders_count == b->orders_count &&
		a->has_qualifying == b->has_qualifying &&
		a->total_amount == b->total_amount &&
		a->unknown_amount_orders == b->unknown_amount_orders &&
		a->refunds == b->refunds &&
		a->discounted_days == b->discounted_days;

	if (same && a->order_days > 0)
		same = a->first_day == b->first_day && a->last_day == b->last_day;
	if (same && a->has_qualifying)
		same = a->last_qualifying_day == b->last_qualifying_day;
	if (same)
		return NULL;
	snprintf(fz_msg, sizeof(fz_msg),
			 "%s: {days=%d orders=%lld first=%d last=%d q=%d lastq=%d total=%.17g unk=%d ref=%d disc=%d}"
			 " vs {days=%d orders=%lld first=%d last=%d q=%d lastq=%d total=%.17g unk=%d ref=%d disc=%d}",
			 what,
			 a->order_days, (long long) a->orders_count, a->first_day, a->last_day,
			 (int) a->has_qualifying, a->last_qualifying_day, a->total_amount,
			 a->unknown_amount_orders, a->refunds, a->discounted_days,
			 b->order_days, (long long) b->orders_count, b->first_day, b->last_day,
			 (int) b->has_qualifying, b->last_qualifying_day, b->total_amount,
			 b->unknown_amount_orders, b->refunds, b->discounted_days);
	return fz_msg;
}

static const char *
fz_validates(const char *what, const HistoryDay *days, int32_t n)
{
	const char *why = history_validate(days, n);

	if (why == NULL)
		return NULL;
	snprintf(fz_msg, sizeof(fz_msg), "%s does not validate: %s", what, why);
	return fz_msg;
}

/* ---------- the check ---------- */

/* A deterministic shuffle of the orders (Fisher-Yates, splitmix64 from seed). */
static void
fz_shuffle(FzOrder *orders, int32_t n, uint64_t seed)
{
	for (int32_t i = n - 1; i > 0; i--)
	{
		uint64_t	z = (seed += 0x9E3779B97F4A7C15ULL);
		int32_t		j;
		FzOrder		t;

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		j = (int32_t) ((z ^ (z >> 31)) % (uint64_t) (i + 1));
		t = orders[i];
		orders[i] = orders[j];
		orders[j] = t;
	}
}

/*
 * Run every invariant on one input.  NULL when all hold, else a description
 * of the first violation.
 */
static const char *
fz_check(const uint8_t *data, size_t size)
{
	FzInput		in;
	int32_t		n;
	HistoryDay *oneshot;
	HistoryDay *naive;
	HistoryDay *merged = NULL;
	HistoryDay *d_whole = NULL,
			   *d_left = NULL,
			   *d_right = NULL,
			   *d_comb = NULL,
			   *d_ser = NULL,
			   *d_shuf = NULL,
			   *d_cat[2] = {NULL, NULL},
			   *d_u1 = NULL,
			   *d_u2 = NULL;
	int32_t		n_oneshot,
				n_naive,
				n_merged,
				n_whole,
				n_left,
				n_right,
				n_comb,
				n_ser,
				n_shuf,
				n_cat[2],
				n_u1,
				n_u2;
	enum
	{
		WHOLE, LEFT, RIGHT, CLEFT, CRIGHT, SLEFT, SLEFT2, SRIGHT, SHUF, CAT0, CAT1, U1, U2, NACC
	};
	HistoryAcc	acc[NACC];
	FzOrder    *shuffled,
			   *by_cat[2];
	int32_t		ncat[2] = {0, 0};
	bool		overflow;
	const char *err = NULL;

	fz_decode(data, size, &in);
	n = in.norders;
	for (int i = 0; i < NACC; i++)
		history_acc_init(&acc[i], i == SLEFT2 || i == SRIGHT ? 1 : in.capacity,
						 fz_realloc, NULL);

	/* one-shot: every order its own entry, compacted once (exact sums) */
	oneshot = fz_alloc(sizeof(HistoryDay) * (size_t) (n ? n : 1));
	for (int32_t i = 0; i < n; i++)
	{
		history_day_init(&oneshot[i], in.orders[i].day);
		history_day_add_order(&oneshot[i],
							  in.orders[i].known ? in.orders[i].amount : 0,
							  in.orders[i].known, in.orders[i].discounted);
	}
	n_oneshot = history_compact_checked(oneshot, n, &overflow);

	naive = fz_alloc(sizeof(HistoryDay) * (size_t) (n ? n : 1));
	n_naive = fz_naive_days(in.orders, n, naive);

	shuffled = fz_alloc(sizeof(FzOrder) * (size_t) (n ? n : 1));
	by_cat[0] = fz_alloc(sizeof(FzOrder) * (size_t) (n ? n : 1));
	by_cat[1] = fz_alloc(sizeof(FzOrder) * (size_t) (n ? n : 1));
	if (n > 0)
		memcpy(shuffled, in.orders, sizeof(FzOrder) * (size_t) n);
	fz_shuffle(shuffled, n, in.seed);
	for (int32_t i = 0; i < n; i++)
		by_cat[in.orders[i].wide][ncat[in.orders[i].wide]++] = in.orders[i];

	if ((err = fz_agg_build(&acc[WHOLE], in.orders, n)) ||
		(err = fz_agg_final(&acc[WHOLE], &d_whole, &n_whole)) ||
		(err = fz_agg_build(&acc[LEFT], in.orders, in.split)) ||
		(err = fz_agg_final(&acc[LEFT], &d_left, &n_left)) ||
		(err = fz_agg_build(&acc[RIGHT], in.orders + in.split, n - in.split)) ||
		(err = fz_agg_final(&acc[RIGHT], &d_right, &n_right)) ||
	/* combine: left partial state unfinished, right compacted */
		(err = fz_agg_build(&acc[CLEFT], in.orders, in.split)) ||
		(err = fz_agg_build(&acc[CRIGHT], in.orders + in.split, n - in.split)) ||
		(err = history_acc_compact(&acc[CRIGHT])) ||
		(err = history_acc_combine(&acc[CLEFT], &acc[CRIGHT])) ||
		(err = fz_agg_final(&acc[CLEFT], &d_comb, &n_comb)) ||
	/* both halves serialized, combined the other way round */
		(err = fz_agg_build(&acc[SLEFT], in.orders, in.split)) ||
		(err = fz_agg_roundtrip(&acc[SLEFT], &acc[SLEFT2])) ||
		(err = fz_agg_roundtrip(&acc[CRIGHT], &acc[SRIGHT])) ||
		(err = history_acc_combine(&acc[SRIGHT], &acc[SLEFT2])) ||
		(err = fz_agg_final(&acc[SRIGHT], &d_ser, &n_ser)) ||
	/* every order, shuffled */
		(err = fz_agg_build(&acc[SHUF], shuffled, n)) ||
		(err = fz_agg_final(&acc[SHUF], &d_shuf, &n_shuf)) ||
	/* two categories, united both ways */
		(err = fz_agg_build(&acc[CAT0], by_cat[0], ncat[0])) ||
		(err = fz_agg_final(&acc[CAT0], &d_cat[0], &n_cat[0])) ||
		(err = fz_agg_build(&acc[CAT1], by_cat[1], ncat[1])) ||
		(err = fz_agg_final(&acc[CAT1], &d_cat[1], &n_cat[1])) ||
		(err = history_acc_add_days(&acc[U1], d_cat[0], n_cat[0])) ||
		(err = history_acc_add_days(&acc[U1], d_cat[1], n_cat[1])) ||
		(err = fz_agg_final(&acc[U1], &d_u1, &n_u1)) ||
		(err = history_acc_add_days(&acc[U2], d_cat[1], n_cat[1])) ||
		(err = history_acc_add_days(&acc[U2], d_cat[0], n_cat[0])) ||
		(err = fz_agg_final(&acc[U2], &d_u2, &n_u2)))
		goto done;

	merged = fz_alloc(sizeof(HistoryDay) * (size_t) (n_left + n_right + 1));
	n_merged = history_merge_sorted(d_left, n_left, d_right, n_right, merged);

	if (overflow)
		err = "one-shot compaction overflowed";
	if (err ||
		(err = fz_validates("one-shot compaction", oneshot, n_oneshot)) ||
		(err = fz_validates("chunked aggregate", d_whole, n_whole)) ||
		(err = fz_validates("left half", d_left, n_left)) ||
		(err = fz_validates("right half", d_right, n_right)) ||
		(err = fz_validates("merged halves", merged, n_merged)) ||
		(err = fz_validates("combined halves", d_comb, n_comb)) ||
		(err = fz_validates("serialized halves", d_ser, n_ser)) ||
		(err = fz_validates("shuffled", d_shuf, n_shuf)) ||
		(err = fz_validates("category 0", d_cat[0], n_cat[0])) ||
		(err = fz_validates("category 1", d_cat[1], n_cat[1])) ||
		(err = fz_validates("union", d_u1, n_u1)) ||
		(err = fz_days_differ("chunked vs one-shot", d_whole, n_whole, oneshot, n_oneshot)) ||
		(err = fz_days_differ("combined vs one-shot", d_comb, n_comb, oneshot, n_oneshot)) ||
		(err = fz_days_differ("serialized vs one-shot", d_ser, n_ser, oneshot, n_oneshot)) ||
		(err = fz_days_differ("shuffled vs one-shot", d_shuf, n_shuf, oneshot, n_oneshot)) ||
		(err = fz_days_differ("union(0, 1) vs union(1, 0)", d_u1, n_u1, d_u2, n_u2)))
		goto done;

	/* merging is symmetric */
	{
		HistoryDay *merged2 = fz_alloc(sizeof(HistoryDay) * (size_t) (n_left + n_right + 1));
		int32_t		n_merged2 = history_merge_sorted(d_right, n_right, d_left, n_left, merged2);

		err = fz_days_differ("merge(right, left) vs merge(left, right)", merged2, n_merged2,
							 merged, n_merged);
		free(merged2);
		if (err)
			goto done;
	}
	/* with narrow amounts every sum is exact, however often it is rounded */
	if (!in.any_wide &&
		((err = fz_days_differ("one-shot vs naive", oneshot, n_oneshot, naive, n_naive)) ||
		 (err = fz_days_differ("merged vs one-shot", merged, n_merged, oneshot, n_oneshot)) ||
		 (err = fz_days_differ("union vs one-shot", d_u1, n_u1, oneshot, n_oneshot))))
		goto done;

	/* summaries at several as-of days and minimum amounts */
	if (!in.any_wide)
	{
		int32_t		as_ofs[6] = {in.as_of, INT32_MAX, INT32_MIN, 0, -1, 7};
		double		mins[5] = {in.min_amount, 0, 100, INFINITY, 1};

		if (n_oneshot > 0)
		{
			as_ofs[3] = oneshot[0].day;
			as_ofs[4] = oneshot[n_oneshot - 1].day - 1;
			as_ofs[5] = oneshot[n_oneshot / 2].day;
			/* a minimum equal to some day's largest order (>= boundary) */
			if (isfinite(oneshot[n_oneshot / 2].max_order))
				mins[4] = oneshot[n_oneshot / 2].max_order;
		}
		for (int ai = 0; ai < 6 && err == NULL; ai++)
		{
			for (int mi = 0; mi < 5 && err == NULL; mi++)
			{
				HistorySummary s_merged,
							s_oneshot,
							s_naive;

				history_summarize(merged, n_merged, as_ofs[ai], mins[mi], &s_merged);
				history_summarize(oneshot, n_oneshot, as_ofs[ai], mins[mi], &s_oneshot);
				fz_naive_summary(naive, n_naive, as_ofs[ai], mins[mi], &s_naive);
				if ((err = fz_summary_differs("summary merged vs one-shot", &s_merged, &s_oneshot)) == NULL)
					err = fz_summary_differs("summary one-shot vs naive", &s_oneshot, &s_naive);
			}
		}
	}

done:
	free(in.orders);
	free(oneshot);
	free(naive);
	free(merged);
	free(shuffled);
	free(by_cat[0]);
	free(by_cat[1]);
	free(d_whole);
	free(d_left);
	free(d_right);
	free(d_comb);
	free(d_ser);
	free(d_shuf);
	free(d_cat[0]);
	free(d_cat[1]);
	free(d_u1);
	free(d_u2);
	for (int i = 0; i < NACC; i++)
		history_acc_free(&acc[i]);
	return err;
}

/*
 * The same bytes read raw: as a serialized aggregate state (deserialize must
 * refuse or accept it without touching memory it does not own, and a state
 * it accepts must compact, serialize and finish), and as an array of days
 * for history_validate (which must not read past it).
 */
static void
fz_check_raw(const uint8_t *data, size_t size)
{
	HistoryAcc	acc;
	HistoryDay *days;
	int32_t		ndays = (int32_t) (size / sizeof(HistoryDay));

	history_acc_init(&acc, 1, fz_realloc, NULL);
	if (history_acc_deserialize(&acc, data, size) == NULL &&
		history_acc_compact(&acc) == NULL)
	{
		size_t		len = history_acc_serial_size(&acc);
		void	   *buf = fz_alloc(len);
		HistoryDay *out = fz_alloc(sizeof(HistoryDay) * (size_t) (acc.ndays + 1));
		int32_t		nout;

		history_acc_serialize(&acc, buf);
		(void) history_acc_finish(&acc, out, &nout);
		free(buf);
		free(out);
	}
	history_acc_free(&acc);

	days = fz_alloc(sizeof(HistoryDay) * (size_t) (ndays + 1));
	if (ndays > 0)
		memcpy(days, data, sizeof(HistoryDay) * (size_t) ndays);
	(void) history_validate(days, ndays);
	free(days);
}

/* ---------- entry points ---------- */

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err = fz_check(data, size);

	fz_check_raw(data, size);
	if (err != NULL)
	{
		fprintf(stderr, "fuzz_history: invariant violated: %s\n", err);
		abort();
	}
	return 0;
}

#ifdef FUZZ_STANDALONE
/*
 * Without libFuzzer:
 *	fuzz_history FILE...                replay inputs (e.g. crash-* files)
 *	fuzz_history [-runs=N] [-seed=S]    N random inputs from a seeded PRNG
 */
static uint64_t
fz_splitmix(uint64_t *s)
{
	uint64_t	z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

int
main(int argc, char **argv)
{
	long		runs = 100000;
	uint64_t	seed = 1;
	int			nfiles = 0;
	uint8_t    *buf;

	for (int i = 1; i < argc; i++)
	{
		if (strncmp(argv[i], "-runs=", 6) == 0)
			runs = strtol(argv[i] + 6, NULL, 10);
		else if (strncmp(argv[i], "-seed=", 6) == 0)
			seed = strtoull(argv[i] + 6, NULL, 10);
		else
		{
			FILE	   *f = fopen(argv[i], "rb");
			uint8_t    *data;
			long		len;

			if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0)
			{
				fprintf(stderr, "cannot read %s\n", argv[i]);
				return 2;
			}
			rewind(f);
			data = fz_alloc((size_t) len);
			if (fread(data, 1, (size_t) len, f) != (size_t) len)
			{
				fprintf(stderr, "cannot read %s\n", argv[i]);
				return 2;
			}
			fclose(f);
			LLVMFuzzerTestOneInput(data, (size_t) len);
			free(data);
			nfiles++;
		}
	}
	if (nfiles > 0)
	{
		printf("%d inputs ok\n", nfiles);
		return 0;
	}

	buf = fz_alloc(FZ_HEADER_BYTES + FZ_ORDER_BYTES * 600);
	for (long r = 0; r < runs; r++)
	{
		size_t		len = (size_t) (fz_splitmix(&seed) % (FZ_HEADER_BYTES + FZ_ORDER_BYTES * 600));

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t) fz_splitmix(&seed);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
	printf("%ld random inputs ok\n", runs);
	return 0;
}
#endif
