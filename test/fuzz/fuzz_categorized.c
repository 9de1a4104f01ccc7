/*
 * fuzz_categorized.c
 *		libFuzzer target for src/core/categorized.c, the state of the
 *		categorized_history aggregate: accumulate, combine, serialize,
 *		deserialize and the final fold, on top of src/core/history.c.
 *
 * Input: a flag byte.  With bit 0 set the rest is a serialized state as a
 * parallel worker would send it, garbage included: categorized_acc_deserialize
 * must refuse it or accept it, and an accepted state must serialize to the
 * same bytes again and finish without a sanitizer report.
 *
 * Otherwise: up to 24 category names (bytes from the input, NUL and case
 * included, so equal names happen), then order rows (category or NULL,
 * day or none, amount: cents, a wide power of two or unknown, discounted).
 * Bit 1 compares the names case-insensitively, a collation that calls
 * different bytes equal.  Invariants:
 *	- one pass over the rows, the two halves serialized and deserialized into
 *	  one state, and the halves combined the other way round finish to the
 *	  same days, categories and last purchase days;
 *	- all equal the two-level reference: one HistoryAcc per category (per
 *	  class of equal names) finished, then the union of the finished days
 *	  (history_acc_add_days) finished, field by field, amounts bit for bit;
 *	- order_rows counts every row; the serialization of a state read back
 *	  is the same bytes; every strict prefix of it is refused, and so is
 *	  it with a trailing byte; a state with one byte changed is refused or
 *	  finishes safely.
 */
#include "categorized.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_categorized"
#define FZ_MAX_CATS 24
#define FZ_MAX_ROWS 2000

static void *
fz_realloc(void *ctx, void *ptr, size_t size)
{
	(void) ctx;
	if (size == 0)
	{
		free(ptr);
		return NULL;
	}
	ptr = realloc(ptr, size);
	if (ptr == NULL)
		abort();
	return ptr;
}

static int
fz_cmp_bytes(void *ctx, const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = (alen == 0 || blen == 0) ? 0 : memcmp(a, b, alen < blen ? alen : blen);

	(void) ctx;
	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
fz_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
fz_cmp_nocase(void *ctx, const char *a, size_t alen, const char *b, size_t blen)
{
	(void) ctx;
	for (size_t i = 0; i < alen && i < blen; i++)
	{
		int			c = fz_lower((unsigned char) a[i]) - fz_lower((unsigned char) b[i]);

		if (c != 0)
			return c;
	}
	return (alen > blen) - (alen < blen);
}

typedef struct FzRow
{
	int			cat;			/* -1: NULL */
	bool		have_day;
	int32_t		day;
	double		amount;
	bool		known;
	bool		discounted;
} FzRow;

/* What a finished state says. */
typedef struct FzResult
{
	HistoryDay *days;
	int32_t		ndays;
	int32_t		ncats;
	const char *name[FZ_MAX_CATS + 1];
	size_t		name_len[FZ_MAX_CATS + 1];
	bool		has_last[FZ_MAX_CATS + 1];
	int32_t		last[FZ_MAX_CATS + 1];
} FzResult;

static char fz_names[FZ_MAX_CATS][8];
static size_t fz_name_len[FZ_MAX_CATS];
static CategoryCompareFn fz_cmp;

static bool
same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

static void
fz_feed(CategorizedAcc *acc, const FzRow *rows, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		const FzRow *r = &rows[i];
		const char *err;

		err = categorized_acc_add_order(acc, r->cat >= 0 ? fz_names[r->cat] : NULL,
										r->cat >= 0 ? fz_name_len[r->cat] : 0,
										r->cat >= 0, r->have_day, r->day,
										r->amount, r->known, r->discounted);
		FZ_CHECK(FZ_T, err == NULL, "add_order row %d: %s", i, err);
	}
}

/* Serialize (compacts); the caller frees. */
static char *
fz_serialize(CategorizedAcc *acc, size_t *len)
{
	const char *err = categorized_acc_serial_size(acc, len);
	char	   *buf;

	FZ_CHECK(FZ_T, err == NULL, "serial_size: %s", err);
	buf = malloc(*len > 0 ? *len : 1);
	if (buf == NULL)
		abort();
	categorized_acc_serialize(acc, buf);
	return buf;
}

/* Finish into res (the names point into acc, which stays alive). */
static const char *
fz_finish(CategorizedAcc *acc, FzResult *res)
{
	const char *err;

	memset(res, 0, sizeof(FzResult));
	err = categorized_acc_finish(acc, fz_cmp, NULL, fz_realloc, NULL,
								 &res->days, &res->ndays, &res->ncats);
	if (err != NULL)
		return err;
	FZ_CHECK(FZ_T, res->ncats >= 0 && res->ncats <= acc->nslots && acc->nslots - res->ncats <= 1,
			 "%d categories of %d slots", res->ncats, acc->nslots);
	for (int32_t i = 0; i < res->ncats && i <= FZ_MAX_CATS; i++)
	{
		const CategorySlot *s = &acc->slots[i];

		FZ_CHECK(FZ_T, s->has_name, "category %d has no name", i);
		res->name[i] = s->name;
		res->name_len[i] = s->name_len;
		res->has_last[i] = s->has_last;
		res->last[i] = s->last_day;
		if (i > 0)
			FZ_CHECK(FZ_T, fz_cmp(NULL, res->name[i - 1], res->name_len[i - 1],
								  s->name, s->name_len) < 0,
					 "categories %d and %d not in order", i - 1, i);
	}
	if (acc->nslots > res->ncats)
		FZ_CHECK(FZ_T, !acc->slots[res->ncats].has_name, "the slot after the categories has a name");
	return NULL;
}

static void
fz_same_result(const char *what, const FzResult *a, const FzResult *b)
{
	FZ_CHECK(FZ_T, a->ndays == b->ndays, "%s: %d days, expected %d", what, a->ndays, b->ndays);
	for (int32_t i = 0; i < a->ndays; i++)
	{
		const HistoryDay *x = &a->days[i];
		const HistoryDay *y = &b->days[i];

		FZ_CHECK(FZ_T, x->day == y->day && x->orders == y->orders && x->refunds == y->refunds &&
				 x->unknown == y->unknown && x->discounted == y->discounted &&
				 x->reserved == y->reserved && same_bits(x->amount, y->amount) &&
				 same_bits(x->max_order, y->max_order),
				 "%s: day %d: (%d, %d orders, %.17g, max %.17g), expected (%d, %d orders, %.17g, max %.17g)",
				 what, i, x->day, x->orders, x->amount, x->max_order,
				 y->day, y->orders, y->amount, y->max_order);
	}
	FZ_CHECK(FZ_T, a->ncats == b->ncats, "%s: %d categories, expected %d", what, a->ncats, b->ncats);
	for (int32_t i = 0; i < a->ncats; i++)
	{
		FZ_CHECK(FZ_T, fz_cmp(NULL, a->name[i], a->name_len[i], b->name[i], b->name_len[i]) == 0,
				 "%s: category %d has another name", what, i);
		FZ_CHECK(FZ_T, a->has_last[i] == b->has_last[i] && (!a->has_last[i] || a->last[i] == b->last[i]),
				 "%s: category %d: last day %d %d, expected %d %d", what, i,
				 (int) a->has_last[i], a->last[i], (int) b->has_last[i], b->last[i]);
	}
}

/* The last purchase day on or before as_of of finished days. */
static bool
fz_last_purchase(const HistoryDay *d, int32_t n, int32_t as_of, int32_t *last)
{
	bool		found = false;

	for (int32_t i = 0; i < n; i++)
		if (d[i].day <= as_of && history_day_is_purchase(&d[i]))
		{
			*last = d[i].day;
			found = true;
		}
	return found;
}

/*
 * The two-level computation: one HistoryAcc per class of equal names (and
 * one for NULL), each finished, then the union of the finished days.
 */
static void
fz_reference(const FzRow *rows, int n, int ncats, bool has_as_of, int32_t as_of,
			 FzResult *res, HistoryAcc *per)
{
	int			cls[FZ_MAX_CATS];
	bool		seen[FZ_MAX_CATS + 1] = {0};
	int			order[FZ_MAX_CATS];
	int			nclasses = 0;
	HistoryAcc	all;
	const char *err;

	memset(res, 0, sizeof(FzResult));
	for (int c = 0; c < ncats; c++)
	{
		cls[c] = c;
		for (int e = 0; e < c; e++)
			if (fz_cmp(NULL, fz_names[e], fz_name_len[e], fz_names[c], fz_name_len[c]) == 0)
			{
				cls[c] = cls[e];
				break;
			}
	}
	for (int c = 0; c <= ncats; c++)
		history_acc_init(&per[c], 0, fz_realloc, NULL);
	for (int i = 0; i < n; i++)
	{
		int			c = rows[i].cat >= 0 ? cls[rows[i].cat] : ncats;

		seen[c] = true;
		if (rows[i].have_day)
		{
			err = history_acc_add_order(&per[c], rows[i].day, rows[i].amount,
										rows[i].known, rows[i].discounted);
			FZ_CHECK(FZ_T, err == NULL, "reference add_order: %s", err);
		}
	}
	/* the classes in name order (insertion sort, ties cannot occur) */
	for (int c = 0; c < ncats; c++)
	{
		int			j;

		if (!seen[c])
			continue;
		for (j = nclasses; j > 0 &&
			 fz_cmp(NULL, fz_names[order[j - 1]], fz_name_len[order[j - 1]],
					fz_names[c], fz_name_len[c]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = c;
		nclasses++;
	}
	history_acc_init(&all, 0, fz_realloc, NULL);
	for (int k = 0; k <= nclasses; k++)
	{
		int			c = k < nclasses ? order[k] : ncats;
		HistoryDay *d;
		int32_t		nd;

		if (!seen[c])
			continue;
		err = history_acc_compact(&per[c]);
		FZ_CHECK(FZ_T, err == NULL, "reference compact: %s", err);
		d = malloc(sizeof(HistoryDay) * (size_t) (per[c].ndays + 1));
		if (d == NULL)
			abort();
		err = history_acc_finish(&per[c], d, &nd);
		FZ_CHECK(FZ_T, err == NULL, "reference finish: %s", err);
		if (k < nclasses)
		{
			res->name[k] = fz_names[c];
			res->name_len[k] = fz_name_len[c];
			res->has_last[k] = has_as_of && fz_last_purchase(d, nd, as_of, &res->last[k]);
		}
		err = history_acc_add_days(&all, d, nd);
		FZ_CHECK(FZ_T, err == NULL, "reference add_days: %s", err);
		free(d);
	}
	res->ncats = nclasses;
	err = history_acc_compact(&all);
	FZ_CHECK(FZ_T, err == NULL, "reference union compact: %s", err);
	res->days = malloc(sizeof(HistoryDay) * (size_t) (all.ndays + 1));
	if (res->days == NULL)
		abort();
	err = history_acc_finish(&all, res->days, &res->ndays);
	FZ_CHECK(FZ_T, err == NULL, "reference union finish: %s", err);
	history_acc_free(&all);
	for (int c = 0; c <= ncats; c++)
		history_acc_free(&per[c]);
}

/* Raw bytes as a state from a worker: refused, or accepted and safe. */
static void
fz_raw_state(const uint8_t *data, size_t size, CategoryCompareFn cmp, bool check_roundtrip)
{
	CategorizedAcc acc;
	const char *err;

	categorized_acc_init(&acc, fz_realloc, NULL);
	err = categorized_acc_deserialize(&acc, data, size);
	if (err == NULL)
	{
		FzResult	res;
		size_t		len;
		char	   *buf = fz_serialize(&acc, &len);

		FZ_CHECK(FZ_T, acc.order_rows >= 0, "order_rows %lld", (long long) acc.order_rows);
		if (check_roundtrip)
		{
			CategorizedAcc again;
			size_t		len2;
			char	   *buf2;

			categorized_acc_init(&again, fz_realloc, NULL);
			err = categorized_acc_deserialize(&again, buf, len);
			FZ_CHECK(FZ_T, err == NULL, "an accepted state, serialized again, is refused: %s", err);
			buf2 = fz_serialize(&again, &len2);
			FZ_CHECK(FZ_T, len2 == len && memcmp(buf, buf2, len) == 0,
					 "an accepted state does not serialize to the same bytes twice (%zu, %zu)", len, len2);
			free(buf2);
			categorized_acc_free(&again);
		}
		free(buf);
		if (fz_finish(&acc, &res) == NULL)
			free(res.days);
	}
	(void) cmp;
	categorized_acc_free(&acc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	uint8_t		flags;
	int			ncats;
	int			nrows = 0;
	int			half;
	FzRow	   *rows;
	int32_t		base;
	bool		has_as_of;
	int32_t		as_of;
	CategorizedAcc one,
				ser,
				a,
				b;
	FzResult	res_one,
				res_ser,
				res_comb,
				res_ref;
	HistoryAcc	per[FZ_MAX_CATS + 1];
	char	   *buf_a,
			   *buf_b;
	size_t		len_a,
				len_b;
	const char *err;

	fz_reader_init(&r, data, size);
	flags = fz_u8(&r);
	fz_cmp = flags & 2 ? fz_cmp_nocase : fz_cmp_bytes;
	if (flags & 1)
	{
		fz_raw_state(data + 1, size - (size > 0), fz_cmp, true);
		return 0;
	}

	/* the names */
	ncats = 1 + fz_u8(&r) % FZ_MAX_CATS;
	for (int c = 0; c < ncats; c++)
	{
		uint8_t		h = fz_u8(&r);

		fz_name_len[c] = h % 8;
		for (size_t k = 0; k < fz_name_len[c]; k++)
		{
			uint8_t		v = fz_u8(&r);

			/* mostly a few letters of both cases, so that names repeat */
			fz_names[c][k] = (char) (h & 0x80 ? v : "aAbB\0c"[v % 6]);
		}
	}
	has_as_of = flags & 4;
	base = (int32_t) (fz_u16(&r) % 20000) - 10000;
	as_of = base + (int32_t) (fz_u16(&r) % 600) - 100;

	/* the rows */
	rows = malloc(sizeof(FzRow) * FZ_MAX_ROWS);
	if (rows == NULL)
		abort();
	while (fz_more(&r) && nrows < FZ_MAX_ROWS)
	{
		FzRow	   *row = &rows[nrows++];
		uint8_t		c = fz_u8(&r);
		uint8_t		f = fz_u8(&r);
		int16_t		cents = (int16_t) fz_u16(&r);

		row->cat = c == 255 ? -1 : c % ncats;
		row->have_day = (f & 0x0f) != 0x0f;
		row->day = (f & 0x30) == 0x30 ? (f & 1 ? HISTORY_MAX_DAY : HISTORY_MIN_DAY)
			: base + (int32_t) (fz_u8(&r) % 64);
		row->known = (f & 0x0f) != 0x0e;
		row->discounted = f & 0x40;
		/* cents (not exact in binary), or a wide power-of-two multiple */
		row->amount = f & 0x80 ? ldexp((double) cents, (int) (fz_u8(&r) % 128) - 60)
			: (double) cents / 100.0;
	}
	half = nrows > 0 ? fz_u8(&r) % (nrows + 1) : 0;
	if (half > nrows)
		half = nrows;

	/* one pass */
	categorized_acc_init(&one, fz_realloc, NULL);
	if (has_as_of)
		categorized_acc_set_as_of(&one, as_of);
	fz_feed(&one, rows, 0, nrows);
	FZ_CHECK(FZ_T, one.order_rows == nrows, "order_rows %lld of %d rows", (long long) one.order_rows, nrows);

	/* two halves, serialized, then read back into one state (a worker each) */
	categorized_acc_init(&a, fz_realloc, NULL);
	categorized_acc_init(&b, fz_realloc, NULL);
	if (has_as_of)
	{
		categorized_acc_set_as_of(&a, as_of);
		categorized_acc_set_as_of(&b, as_of);
	}
	fz_feed(&a, rows, 0, half);
	fz_feed(&b, rows, half, nrows);
	buf_a = fz_serialize(&a, &len_a);
	buf_b = fz_serialize(&b, &len_b);
	categorized_acc_init(&ser, fz_realloc, NULL);
	err = categorized_acc_deserialize(&ser, buf_a, len_a);
	FZ_CHECK(FZ_T, err == NULL, "the first half's state is refused: %s", err);
	err = categorized_acc_deserialize(&ser, buf_b, len_b);
	FZ_CHECK(FZ_T, err == NULL, "the second half's state is refused: %s", err);
	FZ_CHECK(FZ_T, ser.order_rows == nrows, "deserialized order_rows %lld of %d rows",
			 (long long) ser.order_rows, nrows);
	FZ_CHECK(FZ_T, ser.has_as_of == has_as_of && (!has_as_of || ser.as_of_day == as_of),
			 "deserialized as-of day");

	/* the state read back serializes to the same bytes */
	{
		CategorizedAcc back;
		size_t		len;
		char	   *buf;

		categorized_acc_init(&back, fz_realloc, NULL);
		err = categorized_acc_deserialize(&back, buf_a, len_a);
		FZ_CHECK(FZ_T, err == NULL, "state refused: %s", err);
		buf = fz_serialize(&back, &len);
		FZ_CHECK(FZ_T, len == len_a && memcmp(buf, buf_a, len) == 0,
				 "a state read back serializes differently (%zu bytes, was %zu)", len, len_a);
		free(buf);
		categorized_acc_free(&back);
	}

	/* truncated, extended and damaged states */
	{
		size_t		step = len_a > 256 ? len_a / 97 + 1 : 1;
		char	   *longer = malloc(len_a + 1);
		CategorizedAcc t;

		if (longer == NULL)
			abort();
		for (size_t cut = 0; cut < len_a; cut += step)
		{
			categorized_acc_init(&t, fz_realloc, NULL);
			err = categorized_acc_deserialize(&t, buf_a, cut);
			FZ_CHECK(FZ_T, err != NULL, "a state cut to %zu of %zu bytes is accepted", cut, len_a);
			categorized_acc_free(&t);
		}
		memcpy(longer, buf_a, len_a);
		longer[len_a] = (char) fz_u8(&r);
		categorized_acc_init(&t, fz_realloc, NULL);
		err = categorized_acc_deserialize(&t, longer, len_a + 1);
		FZ_CHECK(FZ_T, err != NULL, "a state with a trailing byte is accepted");
		categorized_acc_free(&t);
		if (len_a > 0)
		{
			uint32_t	pos = fz_u32(&r);

			longer[pos % len_a] ^= (char) (fz_u8(&r) | 1);
			fz_raw_state((const uint8_t *) longer, len_a, fz_cmp, false);
		}
		free(longer);
	}

	/* the halves combined the other way round */
	err = categorized_acc_combine(&b, &a);
	FZ_CHECK(FZ_T, err == NULL, "combine: %s", err);
	FZ_CHECK(FZ_T, b.order_rows == nrows, "combined order_rows %lld of %d rows",
			 (long long) b.order_rows, nrows);

	fz_reference(rows, nrows, ncats, has_as_of, as_of, &res_ref, per);
	err = fz_finish(&one, &res_one);
	FZ_CHECK(FZ_T, err == NULL, "finish one pass: %s", err);
	fz_same_result("one pass", &res_one, &res_ref);
	err = fz_finish(&ser, &res_ser);
	FZ_CHECK(FZ_T, err == NULL, "finish deserialized: %s", err);
	fz_same_result("serialized halves", &res_ser, &res_ref);
	err = fz_finish(&b, &res_comb);
	FZ_CHECK(FZ_T, err == NULL, "finish combined: %s", err);
	fz_same_result("combined halves", &res_comb, &res_ref);
	FZ_CHECK(FZ_T, history_validate(res_one.days, res_one.ndays) == NULL,
			 "the finished history does not validate: %s", history_validate(res_one.days, res_one.ndays));

	free(res_one.days);
	free(res_ser.days);
	free(res_comb.days);
	free(res_ref.days);
	free(buf_a);
	free(buf_b);
	categorized_acc_free(&one);
	categorized_acc_free(&ser);
	categorized_acc_free(&a);
	categorized_acc_free(&b);
	free(rows);
	return 0;
}
