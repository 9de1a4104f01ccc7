/*
 * fuzz_history.c
 *		libFuzzer target for src/core/history.c.
 *
 * The input bytes are read as a few header bytes and then a sequence of
 * orders (day, amount, flags).  The orders are folded into histories the way
 * the purchase_history aggregate does it (extend the last entry while the day
 * repeats, compact the buffer when it fills, grow only when the distinct days
 * need it), split into two halves that are built separately and then joined
 * with history_merge_sorted and with the combine path, and checked against
 * one-shot compaction of every order and against a naive reference that
 * re-implements the folding rules without calling history.c.
 *
 * Invariants (any violation aborts):
 *	- every built history passes history_validate;
 *	- chunked building, merge of halves, combine of halves and one-shot
 *	  compaction all give the same days, field by field;
 *	- those equal the naive reference (which checks history_day_add_order);
 *	- history_summarize agrees with a naive summary for several as-of days
 *	  and minimum amounts.
 *
 * Amounts are multiples of 1/4 below 2^13 and at most FZ_MAX_ORDERS orders are
 * read, so every sum is exact in double precision and results can be compared
 * with ==, whatever the order of addition.
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
} FzOrder;

/* Everything decoded from one input. */
typedef struct FzInput
{
	int32_t		capacity;		/* initial capacity of the aggregate buffers */
	int32_t		norders;
	int32_t		split;			/* orders [0, split) left, [split, n) right */
	int32_t		as_of;			/* one as-of day to summarise at */
	double		min_amount;		/* one minimum order amount */
	FzOrder    *orders;
} FzInput;

/* A copy of the aggregate state of src/history_type.c. */
typedef struct FzAgg
{
	HistoryDay *days;
	int32_t		ndays;
	int32_t		capacity;
} FzAgg;

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
 *			bit 7: spare
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
	}
}

/* ---------- the aggregate, as in src/history_type.c ---------- */

static void
fz_agg_init(FzAgg *s, int32_t capacity)
{
	s->capacity = capacity < 1 ? 1 : capacity;
	s->ndays = 0;
	s->days = fz_alloc(sizeof(HistoryDay) * (size_t) s->capacity);
}

/* Reserve(): compact first, grow only when the distinct days need it. */
static void
fz_agg_reserve(FzAgg *s, int32_t extra)
{
	if (s->ndays + extra <= s->capacity)
		return;
	s->ndays = history_compact(s->days, s->ndays);
	if (s->ndays + extra > s->capacity / 2)
	{
		int32_t		newcap = s->capacity * 2;

		if (newcap < s->ndays + extra)
			newcap = s->ndays + extra;
		s->days = realloc(s->days, sizeof(HistoryDay) * (size_t) newcap);
		if (s->days == NULL)
			abort();
		s->capacity = newcap;
	}
}

/* AddOrder(): extend the last entry while the day repeats. */
static void
fz_agg_add(FzAgg *s, const FzOrder *o)
{
	HistoryDay *last = s->ndays > 0 ? &s->days[s->ndays - 1] : NULL;

	if (last == NULL || last->day != o->day)
	{
		fz_agg_reserve(s, 1);
		last = &s->days[s->ndays++];
		history_day_init(last, o->day);
	}
	history_day_add_order(last, o->known ? o->amount : 0, o->known,
						  o->discounted);
}

/* purchase_history_combine() with a non-empty left state. */
static void
fz_agg_combine(FzAgg *left, const FzAgg *right)
{
	fz_agg_reserve(left, right->ndays);
	if (right->ndays > 0)
		memcpy(left->days + left->ndays, right->days,
			   sizeof(HistoryDay) * (size_t) right->ndays);
	left->ndays += right->ndays;
}

/* purchase_history_final() / serialize(): compact in place. */
static void
fz_agg_final(FzAgg *s)
{
	s->ndays = history_compact(s->days, s->ndays);
}

static void
fz_agg_build(FzAgg *s, int32_t capacity, const FzOrder *orders, int32_t n)
{
	fz_agg_init(s, capacity);
	for (int32_t i = 0; i < n; i++)
		fz_agg_add(s, &orders[i]);
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

/* NULL when a and b hold the same days field by field, else a description. */
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
			!(x->amount == y->amount) || !(x->max_order == y->max_order))
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
	HistoryDay *merged;
	int32_t		n_oneshot;
	int32_t		n_naive;
	int32_t		n_merged;
	FzAgg		whole,
				left,
				right,
				cleft,
				cright;
	const char *err = NULL;

	fz_decode(data, size, &in);
	n = in.norders;

	/* one-shot: every order its own entry, compacted once */
	oneshot = fz_alloc(sizeof(HistoryDay) * (size_t) (n ? n : 1));
	for (int32_t i = 0; i < n; i++)
	{
		history_day_init(&oneshot[i], in.orders[i].day);
		history_day_add_order(&oneshot[i],
							  in.orders[i].known ? in.orders[i].amount : 0,
							  in.orders[i].known, in.orders[i].discounted);
	}
	n_oneshot = history_compact(oneshot, n);

	naive = fz_alloc(sizeof(HistoryDay) * (size_t) (n ? n : 1));
	n_naive = fz_naive_days(in.orders, n, naive);

	/* chunked, as the aggregate: whole, and the two halves */
	fz_agg_build(&whole, in.capacity, in.orders, n);
	fz_agg_final(&whole);
	fz_agg_build(&left, in.capacity, in.orders, in.split);
	fz_agg_final(&left);
	fz_agg_build(&right, in.capacity, in.orders + in.split, n - in.split);
	fz_agg_final(&right);

	merged = fz_alloc(sizeof(HistoryDay) * (size_t) (left.ndays + right.ndays + 1));
	n_merged = history_merge_sorted(left.days, left.ndays, right.days, right.ndays, merged);

	/* combine path: left partial state unfinished, right serialized (compacted) */
	fz_agg_build(&cleft, in.capacity, in.orders, in.split);
	fz_agg_build(&cright, in.capacity, in.orders + in.split, n - in.split);
	fz_agg_final(&cright);
	fz_agg_combine(&cleft, &cright);
	fz_agg_final(&cleft);

	if ((err = fz_validates("one-shot compaction", oneshot, n_oneshot)) ||
		(err = fz_validates("naive reference", naive, n_naive)) ||
		(err = fz_validates("chunked aggregate", whole.days, whole.ndays)) ||
		(err = fz_validates("left half", left.days, left.ndays)) ||
		(err = fz_validates("right half", right.days, right.ndays)) ||
		(err = fz_validates("merged halves", merged, n_merged)) ||
		(err = fz_validates("combined halves", cleft.days, cleft.ndays)) ||
		(err = fz_days_differ("one-shot vs naive", oneshot, n_oneshot, naive, n_naive)) ||
		(err = fz_days_differ("chunked vs one-shot", whole.days, whole.ndays, oneshot, n_oneshot)) ||
		(err = fz_days_differ("merged vs one-shot", merged, n_merged, oneshot, n_oneshot)) ||
		(err = fz_days_differ("combined vs one-shot", cleft.days, cleft.ndays, oneshot, n_oneshot)))
		goto done;

	/* merging is symmetric */
	n_merged = history_merge_sorted(right.days, right.ndays, left.days, left.ndays, merged);
	if ((err = fz_days_differ("merge(right, left) vs one-shot", merged, n_merged, oneshot, n_oneshot)))
		goto done;

	/* summaries at several as-of days and minimum amounts */
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
	free(whole.days);
	free(left.days);
	free(right.days);
	free(cleft.days);
	free(cright.days);
	return err;
}

/* ---------- entry points ---------- */

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err = fz_check(data, size);

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
