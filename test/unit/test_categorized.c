/*
 * test_categorized.c
 *		Unit tests of src/core/categorized.c (the categorized_history state),
 *		built without PostgreSQL by `make unit`.  TAP output.
 *
 * The reference is the two-level computation the state replaces: one
 * HistoryAcc per category finished into days (a category history), then the
 * finished days of all categories summed exactly and rounded once (the
 * union).  Amounts are cents, which are not exact in binary, so a state that
 * summed every order of a day at once, across categories, would round
 * differently and fail the bit-for-bit comparisons.
 */
#include "tap.h"
#include "categorized.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 20261201;

static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int32_t
rng_range(int32_t lo, int32_t hi)	/* inclusive */
{
	return lo + (int32_t) (rng() % (uint64_t) (hi - lo + 1));
}

static void *
test_realloc(void *ctx, void *ptr, size_t size)
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

/* byte order, like COLLATE "C" */
static int
cmp_bytes(void *ctx, const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	(void) ctx;
	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* case-insensitive: a collation that calls different bytes equal */
static int
cmp_nocase(void *ctx, const char *a, size_t alen, const char *b, size_t blen)
{
	(void) ctx;
	for (size_t i = 0; i < alen && i < blen; i++)
	{
		int			c = tolower((unsigned char) a[i]) - tolower((unsigned char) b[i]);

		if (c != 0)
			return c;
	}
	return (alen > blen) - (alen < blen);
}

/* ---------- random orders and the two-level reference ---------- */

#define MAX_ROWS 4000
#define MAX_CATS 64

typedef struct Row
{
	int			cat;			/* -1: NULL category */
	bool		have_day;
	int32_t		day;
	double		amount;
	bool		known;
	bool		discounted;
} Row;

static char cat_names[MAX_CATS][16];

static void
make_names(void)
{
	for (int i = 0; i < MAX_CATS; i++)
		snprintf(cat_names[i], sizeof(cat_names[i]), "c%02d", (i * 37) % MAX_CATS);
	strcpy(cat_names[0], "");	/* the empty string is a category, not NULL */
}

static int
random_rows(Row *rows, int ncats, bool with_null)
{
	int			n = rng_range(1, MAX_ROWS);

	for (int i = 0; i < n; i++)
	{
		Row		   *r = &rows[i];

		r->cat = (with_null && rng() % 5 == 0) ? -1 : rng_range(0, ncats - 1);
		r->have_day = rng() % 50 != 0;
		r->day = rng_range(9000, 9400);
		r->known = rng() % 20 != 0;
		/* cents, about one refund in ten */
		r->amount = (double) rng_range(-3000, 30000) / 100.0;
		r->discounted = rng() % 4 == 0;
	}
	return n;
}

static void
feed(CategorizedAcc *acc, const Row *rows, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		const Row  *r = &rows[i];
		const char *name = r->cat >= 0 ? cat_names[r->cat] : NULL;
		const char *err = categorized_acc_add_order(acc, name, name ? strlen(name) : 0,
													r->cat >= 0, r->have_day, r->day,
													r->amount, r->known, r->discounted);

		if (err != NULL)
		{
			diag("add_order: %s", err);
			abort();
		}
	}
}

typedef struct Reference
{
	HistoryDay *days;
	int32_t		ndays;
	int			ncats;
	int			order[MAX_CATS];	/* category numbers in cmp_bytes order */
	bool		has_last[MAX_CATS];
	int32_t		last[MAX_CATS];
	int64_t		rows;
} Reference;

static int
cmp_cat_numbers(const void *a, const void *b)
{
	return strcmp(cat_names[*(const int *) a], cat_names[*(const int *) b]);
}

/* The two-level computation: per category, then the union. */
static void
reference(const Row *rows, int n, int ncats, int32_t as_of, Reference *ref)
{
	HistoryAcc	per[MAX_CATS + 1];	/* [ncats] is the NULL category */
	bool		seen[MAX_CATS + 1] = {0};
	HistoryAcc	all;

	memset(ref, 0, sizeof(Reference));
	for (int c = 0; c <= ncats; c++)
		history_acc_init(&per[c], 0, test_realloc, NULL);
	for (int i = 0; i < n; i++)
	{
		int			c = rows[i].cat >= 0 ? rows[i].cat : ncats;

		seen[c] = true;
		ref->rows++;
		if (rows[i].have_day)
			history_acc_add_order(&per[c], rows[i].day, rows[i].amount,
								  rows[i].known, rows[i].discounted);
	}
	history_acc_init(&all, 0, test_realloc, NULL);
	for (int c = 0; c <= ncats; c++)
	{
		HistoryDay *d;
		int32_t		nd;
		HistorySummary s;

		if (!seen[c])
		{
			history_acc_free(&per[c]);
			continue;
		}
		history_acc_compact(&per[c]);
		d = malloc(sizeof(HistoryDay) * (size_t) (per[c].ndays + 1));
		history_acc_finish(&per[c], d, &nd);
		history_acc_add_days(&all, d, nd);
		if (c < ncats)
		{
			history_summarize(d, nd, as_of, 0, &s);
			ref->order[ref->ncats++] = c;
			ref->has_last[c] = s.order_days > 0;
			ref->last[c] = s.last_day;
		}
		free(d);
		history_acc_free(&per[c]);
	}
	qsort(ref->order, (size_t) ref->ncats, sizeof(int), cmp_cat_numbers);
	history_acc_compact(&all);
	ref->days = malloc(sizeof(HistoryDay) * (size_t) (all.ndays + 1));
	history_acc_finish(&all, ref->days, &ref->ndays);
	history_acc_free(&all);
}

/* Does a finished state equal the reference, bit for bit? */
static bool
same_as_reference(CategorizedAcc *acc, const Reference *ref, CategoryCompareFn cmp)
{
	HistoryDay *days;
	int32_t		ndays,
				ncats;
	const char *err = categorized_acc_finish(acc, cmp, NULL, test_realloc, NULL,
											 &days, &ndays, &ncats);
	bool		same = err == NULL && ndays == ref->ndays && ncats == ref->ncats &&
		acc->order_rows == ref->rows &&
		memcmp(days, ref->days, sizeof(HistoryDay) * (size_t) ndays) == 0;

	for (int i = 0; same && i < ncats; i++)
	{
		const CategorySlot *s = &acc->slots[i];
		int			c = ref->order[i];

		same = s->has_name && s->name_len == strlen(cat_names[c]) &&
			memcmp(s->name, cat_names[c], s->name_len) == 0 &&
			s->has_last == ref->has_last[c] &&
			(!s->has_last || s->last_day == ref->last[c]);
	}
	free(days);
	return same;
}

/* ---------- tests ---------- */

static void
test_random_against_reference(void)
{
	static Row	rows[MAX_ROWS];
	int			bad_serial = 0,
				bad_split = 0,
				bad_empty = 0;
	const int	trials = 300;

	for (int t = 0; t < trials; t++)
	{
		int			ncats = t % 3 == 0 ? 1 : rng_range(1, t % 2 ? 5 : MAX_CATS);
		bool		with_null = t % 4 != 1;
		int			n = random_rows(rows, ncats, with_null);
		int32_t		as_of = rng_range(9100, 9500);
		Reference	ref;
		CategorizedAcc a,
					b,
					c;
		int			cut = rng_range(0, n);
		size_t		len;
		char	   *buf;

		reference(rows, n, ncats, as_of, &ref);

		/* one state, all rows */
		categorized_acc_init(&a, test_realloc, NULL);
		categorized_acc_set_as_of(&a, as_of);
		feed(&a, rows, 0, n);
		if (!same_as_reference(&a, &ref, cmp_bytes))
			bad_serial++;
		categorized_acc_free(&a);

		/* two partial states, one through serialize/deserialize, combined */
		categorized_acc_init(&a, test_realloc, NULL);
		categorized_acc_init(&b, test_realloc, NULL);
		categorized_acc_init(&c, test_realloc, NULL);
		categorized_acc_set_as_of(&b, as_of);
		feed(&a, rows, 0, cut);
		feed(&b, rows, cut, n);
		if (categorized_acc_serial_size(&b, &len) != NULL)
			bad_split++;
		buf = malloc(len);
		categorized_acc_serialize(&b, buf);
		if (categorized_acc_deserialize(&c, buf, len) != NULL ||
			categorized_acc_combine(&a, &c) != NULL ||
			!same_as_reference(&a, &ref, cmp_bytes))
			bad_split++;
		free(buf);
		categorized_acc_free(&a);
		categorized_acc_free(&b);
		categorized_acc_free(&c);

		/* an empty partial state on either side changes nothing */
		categorized_acc_init(&a, test_realloc, NULL);
		categorized_acc_init(&b, test_realloc, NULL);
		feed(&b, rows, 0, n);
		categorized_acc_set_as_of(&b, as_of);
		if (categorized_acc_combine(&a, &b) != NULL ||
			!same_as_reference(&a, &ref, cmp_bytes))
			bad_empty++;
		categorized_acc_free(&a);
		categorized_acc_free(&b);
		free(ref.days);
	}
	ok(bad_serial == 0, "random: %d states equal the two-level computation bit for bit (%d differ)",
	   trials, bad_serial);
	ok(bad_split == 0, "random: split, serialized and combined states equal it too (%d differ)",
	   bad_split);
	ok(bad_empty == 0, "random: combining into an empty state changes nothing (%d differ)",
	   bad_empty);
}

static void
test_cases(void)
{
	CategorizedAcc a;
	HistoryDay *days;
	int32_t		ndays,
				ncats;
	const char *err;

	/* no category at all: one NULL slot, no categories */
	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_set_as_of(&a, 100);
	categorized_acc_add_order(&a, NULL, 0, false, true, 10, 5, true, false);
	categorized_acc_add_order(&a, NULL, 0, false, false, 0, 5, true, false);
	err = categorized_acc_finish(&a, cmp_bytes, NULL, test_realloc, NULL, &days, &ndays, &ncats);
	ok(err == NULL && ndays == 1 && ncats == 0 && a.order_rows == 2 && days[0].amount == 5,
	   "no category: one day, two rows counted, no categories");
	free(days);
	categorized_acc_free(&a);

	/*
	 * a category with only a dayless row, one with only orders after as_of,
	 * one with only a refund: listed, without a last purchase day
	 */
	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_set_as_of(&a, 100);
	categorized_acc_add_order(&a, "z", 1, true, false, 0, 5, true, false);
	categorized_acc_add_order(&a, "y", 1, true, true, 101, 5, true, false);
	categorized_acc_add_order(&a, "x", 1, true, true, 50, -5, true, false);
	categorized_acc_add_order(&a, "w", 1, true, true, 60, 0, false, false);
	err = categorized_acc_finish(&a, cmp_bytes, NULL, test_realloc, NULL, &days, &ndays, &ncats);
	ok(err == NULL && ncats == 4 && ndays == 3 &&
	   a.slots[0].name[0] == 'w' && a.slots[0].has_last && a.slots[0].last_day == 60 &&
	   a.slots[1].name[0] == 'x' && !a.slots[1].has_last &&
	   a.slots[2].name[0] == 'y' && !a.slots[2].has_last &&
	   a.slots[3].name[0] == 'z' && !a.slots[3].has_last,
	   "categories sorted; unknown amounts count, refunds, later days and dayless rows do not");
	free(days);
	categorized_acc_free(&a);

	/* without an as-of day no category has a last day */
	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_add_order(&a, "a", 1, true, true, 10, 5, true, false);
	err = categorized_acc_finish(&a, cmp_bytes, NULL, test_realloc, NULL, &days, &ndays, &ncats);
	ok(err == NULL && ncats == 1 && !a.slots[0].has_last, "no as_of: no last day");
	free(days);
	categorized_acc_free(&a);

	/* a collation that calls "Tea" and "tea" equal merges them, as GROUP BY would */
	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_set_as_of(&a, 100);
	categorized_acc_add_order(&a, "tea", 3, true, true, 10, 1, true, false);
	categorized_acc_add_order(&a, "Coffee", 6, true, true, 20, 2, true, false);
	categorized_acc_add_order(&a, "Tea", 3, true, true, 30, 3, true, false);
	err = categorized_acc_finish(&a, cmp_nocase, NULL, test_realloc, NULL, &days, &ndays, &ncats);
	ok(err == NULL && ncats == 2 && ndays == 3 && a.nslots == 2 &&
	   a.slots[0].name_len == 6 && a.slots[1].name_len == 3 && a.slots[1].last_day == 30,
	   "equal under the collation: one category, its last day the later one");
	free(days);
	categorized_acc_free(&a);

	/* many categories (the index), rows of each scattered */
	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_set_as_of(&a, 1000);
	for (int i = 0; i < 2000; i++)
	{
		char		name[8];
		int			k = (i * 7919) % 200;

		snprintf(name, sizeof(name), "k%03d", k);
		categorized_acc_add_order(&a, name, strlen(name), true, true, k, 1, true, false);
	}
	err = categorized_acc_finish(&a, cmp_bytes, NULL, test_realloc, NULL, &days, &ndays, &ncats);
	{
		bool		good = err == NULL && ncats == 200 && ndays == 200 && a.order_rows == 2000;

		for (int i = 0; good && i < 200; i++)
			good = a.slots[i].last_day == i && days[i].orders == 10;
		ok(good, "200 categories: each found again (hash index), 10 rows each");
	}
	free(days);
	categorized_acc_free(&a);
}

static void
test_malformed(void)
{
	CategorizedAcc a,
				b;
	size_t		len;
	char	   *buf;
	int			rejected = 0,
				checked = 0;

	categorized_acc_init(&a, test_realloc, NULL);
	categorized_acc_set_as_of(&a, 100);
	categorized_acc_add_order(&a, "a", 1, true, true, 10, 1.5, true, false);
	categorized_acc_add_order(&a, NULL, 0, false, true, 11, 2.5, true, true);
	categorized_acc_serial_size(&a, &len);
	buf = malloc(len + 1);
	categorized_acc_serialize(&a, buf);

	/* every truncation is refused, never read past the end */
	for (size_t cut = 0; cut < len; cut++)
	{
		char	   *copy = malloc(cut > 0 ? cut : 1);

		memcpy(copy, buf, cut);
		categorized_acc_init(&b, test_realloc, NULL);
		checked++;
		if (categorized_acc_deserialize(&b, copy, cut) != NULL)
			rejected++;
		categorized_acc_free(&b);
		free(copy);
	}
	ok(rejected == checked, "deserialize: %d of %d truncations refused", rejected, checked);

	/* trailing bytes */
	buf[len] = 0;
	categorized_acc_init(&b, test_realloc, NULL);
	ok(categorized_acc_deserialize(&b, buf, len + 1) != NULL, "deserialize: trailing bytes refused");
	categorized_acc_free(&b);
	categorized_acc_init(&b, test_realloc, NULL);
	ok(categorized_acc_deserialize(&b, buf, len) == NULL && b.order_rows == 2 &&
	   b.nslots == 2 && b.has_as_of && b.as_of_day == 100,
	   "deserialize: the whole state reads back");
	categorized_acc_free(&b);
	free(buf);
	categorized_acc_free(&a);
}

/*
 * as_of is one value per group: another one, in a row or in a partial state,
 * is an error (the first one was kept, so the answer followed the row order
 * and, in a parallel plan, which worker saw which row).
 */
static void
test_as_of_differs(void)
{
	CategorizedAcc a;
	CategorizedAcc b;

	categorized_acc_init(&a, test_realloc, NULL);
	ok(categorized_acc_set_as_of(&a, 100) == NULL && categorized_acc_set_as_of(&a, 100) == NULL &&
	   a.has_as_of && a.as_of_day == 100, "as_of: the same day again is fine");
	ok(categorized_acc_set_as_of(&a, 200) == CATEGORIZED_ERR_AS_OF_DIFFERS && a.as_of_day == 100,
	   "as_of: another day is an error, the state unchanged");
	ok(categorized_acc_set_as_of(&a, 99) == CATEGORIZED_ERR_AS_OF_DIFFERS, "as_of: an earlier one too");

	/* partial states */
	categorized_acc_init(&b, test_realloc, NULL);
	ok(categorized_acc_combine(&a, &b) == NULL && a.as_of_day == 100, "combine: a state without as_of");
	ok(categorized_acc_combine(&b, &a) == NULL && b.has_as_of && b.as_of_day == 100,
	   "combine: into a state without as_of, which takes it");
	ok(categorized_acc_combine(&a, &b) == NULL, "combine: the same as_of");
	categorized_acc_free(&b);
	categorized_acc_init(&b, test_realloc, NULL);
	categorized_acc_set_as_of(&b, 200);
	ok(categorized_acc_combine(&a, &b) == CATEGORIZED_ERR_AS_OF_DIFFERS && a.as_of_day == 100,
	   "combine: another as_of is an error");
	ok(categorized_acc_combine(&b, &a) == CATEGORIZED_ERR_AS_OF_DIFFERS && b.as_of_day == 200,
	   "combine: either way round");
	categorized_acc_free(&b);
	categorized_acc_free(&a);
}

int
main(void)
{
	make_names();
	test_cases();
	test_as_of_differs();
	test_random_against_reference();
	test_malformed();
	return tap_done();
}
