/*
 * fuzz_btyd_merge.c
 *		libFuzzer target for the compaction of the fit states in
 *		src/core/btyd.c: btyd_bgnbd_compact / btyd_gg_compact and
 *		btyd_bgnbd_merge_tail / btyd_gg_merge_tail, driven as the aggregate
 *		states of src/btyd_fit_sql.c drive them (append rows; when the buffer
 *		fills, compact what was appended and merge it into the compacted part;
 *		grow when the distinct observations need it; combine appends one state
 *		to another).
 *
 * Input: a flag byte, the buffer capacities of three states, then rows:
 * BG/NBD observations (x, t_x, T) in whole or fractional units, or raw
 * doubles kept only when btyd_bgnbd_check_obs accepts them (as the
 * transition function does, so -0.0 and huge values come in), Gamma-Gamma
 * observations (x, m) likewise (rows with x = 0 are skipped, as
 * gammagamma_fit skips them), each with a count of 1 to 256.  Invariants:
 *	- the rows folded in input order, folded in reverse order with another
 *	  capacity, and split between two states that are combined, compact to
 *	  the same observations with the same counts;
 *	- that is the naive compaction: all rows sorted at once (qsort) and
 *	  equal neighbours merged;
 *	- the result is strictly increasing in (x, t_x, T) or (x, m), and the
 *	  counts add up to the rows' counts;
 *	- the BG/NBD and Gamma-Gamma log-likelihoods of the states are the same
 *	  value.
 */
#include "btyd.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_btyd_merge"
#define FZ_MAX_ROWS 3000

/* A state of either kind, as btyd_fit_sql.c keeps it. */
typedef struct FzState
{
	bool		bgnbd;
	void	   *obs;
	size_t		nobs;
	size_t		nsorted;
	size_t		capacity;
} FzState;

static size_t
fz_obs_size(const FzState *s)
{
	return s->bgnbd ? sizeof(BtydBgnbdObs) : sizeof(BtydGgObs);
}

static void
fz_state_init(FzState *s, bool bgnbd, size_t capacity)
{
	s->bgnbd = bgnbd;
	s->nobs = s->nsorted = 0;
	s->capacity = capacity;
	s->obs = malloc(fz_obs_size(s) * capacity);
	if (s->obs == NULL)
		abort();
}

/* CompactState of btyd_fit_sql.c */
static void
fz_compact(FzState *s)
{
	char	   *tail = (char *) s->obs + fz_obs_size(s) * s->nsorted;
	size_t		ntail = s->nobs - s->nsorted;
	size_t		nhead = s->nsorted;
	void	   *scratch;

	if (ntail == 0)
		return;
	ntail = s->bgnbd ? btyd_bgnbd_compact((BtydBgnbdObs *) tail, ntail)
		: btyd_gg_compact((BtydGgObs *) tail, ntail);
	if (nhead > 0)
	{
		/* exactly ntail observations: ASan sees a write beyond */
		scratch = malloc(fz_obs_size(s) * ntail);
		if (scratch == NULL)
			abort();
		s->nobs = s->bgnbd ? btyd_bgnbd_merge_tail(s->obs, nhead, ntail, scratch)
			: btyd_gg_merge_tail(s->obs, nhead, ntail, scratch);
		free(scratch);
	}
	else
		s->nobs = ntail;
	s->nsorted = s->nobs;
}

/* Reserve of btyd_fit_sql.c */
static void
fz_reserve(FzState *s, size_t extra)
{
	size_t		newcap;

	if (s->nobs + extra <= s->capacity)
		return;
	fz_compact(s);
	if (s->nobs + extra <= s->capacity / 2)
		return;
	newcap = s->capacity * 2 > s->nobs + extra ? s->capacity * 2 : s->nobs + extra;
	s->obs = realloc(s->obs, fz_obs_size(s) * newcap);
	if (s->obs == NULL)
		abort();
	s->capacity = newcap;
}

static void
fz_add(FzState *s, const void *o)
{
	fz_reserve(s, 1);
	memcpy((char *) s->obs + fz_obs_size(s) * s->nobs, o, fz_obs_size(s));
	s->nobs++;
}

/* AppendObservations of btyd_fit_sql.c (the combine function) */
static void
fz_append(FzState *dst, const FzState *src)
{
	fz_reserve(dst, src->nobs);
	memcpy((char *) dst->obs + fz_obs_size(dst) * dst->nobs, src->obs, fz_obs_size(src) * src->nobs);
	dst->nobs += src->nobs;
}

static int
fz_bgnbd_cmp(const void *pa, const void *pb)
{
	const BtydBgnbdObs *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->t_x != b->t_x)
		return a->t_x < b->t_x ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	return 0;
}

static int
fz_gg_cmp(const void *pa, const void *pb)
{
	const BtydGgObs *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return 0;
}

static int
fz_cmp(const FzState *s, const void *a, const void *b)
{
	return s->bgnbd ? fz_bgnbd_cmp(a, b) : fz_gg_cmp(a, b);
}

static int64_t
fz_count(const FzState *s, size_t i)
{
	return s->bgnbd ? ((const BtydBgnbdObs *) s->obs)[i].count : ((const BtydGgObs *) s->obs)[i].count;
}

static const void *
fz_at(const FzState *s, size_t i)
{
	return (const char *) s->obs + fz_obs_size(s) * i;
}

/* The naive compaction: sort everything at once, merge equal neighbours. */
static void
fz_naive(FzState *s)
{
	size_t		out = 0;

	if (s->nobs == 0)
		return;
	qsort(s->obs, s->nobs, fz_obs_size(s), s->bgnbd ? fz_bgnbd_cmp : fz_gg_cmp);
	for (size_t i = 1; i < s->nobs; i++)
	{
		if (fz_cmp(s, fz_at(s, out), fz_at(s, i)) == 0)
		{
			if (s->bgnbd)
				((BtydBgnbdObs *) s->obs)[out].count += ((BtydBgnbdObs *) s->obs)[i].count;
			else
				((BtydGgObs *) s->obs)[out].count += ((BtydGgObs *) s->obs)[i].count;
		}
		else
		{
			out++;
			memmove((char *) s->obs + fz_obs_size(s) * out, fz_at(s, i), fz_obs_size(s));
		}
	}
	s->nobs = s->nsorted = out + 1;
}

static void
fz_same(const char *what, const FzState *a, const FzState *ref, int64_t total)
{
	int64_t		sum = 0;

	if (getenv("FZ_DEBUG") != NULL)
	{
		fprintf(stderr, "%s:\n", what);
		for (size_t i = 0; i < a->nobs || i < ref->nobs; i++)
		{
			const FzState *s[2] = {a, ref};

			for (int k = 0; k < 2; k++)
			{
				if (i >= s[k]->nobs)
					fprintf(stderr, "  %-40s", "-");
				else if (a->bgnbd)
				{
					const BtydBgnbdObs *o = fz_at(s[k], i);

					fprintf(stderr, "  (%g, %g, %g) x %lld", o->x, o->t_x, o->T, (long long) o->count);
				}
				else
				{
					const BtydGgObs *o = fz_at(s[k], i);

					fprintf(stderr, "  (%g, %g) x %lld", o->x, o->m, (long long) o->count);
				}
			}
			fprintf(stderr, "\n");
		}
	}
	FZ_CHECK(FZ_T, a->nsorted == a->nobs, "%s: not compacted", what);
	FZ_CHECK(FZ_T, a->nobs == ref->nobs, "%s: %zu observations, naive %zu", what, a->nobs, ref->nobs);
	for (size_t i = 0; i < a->nobs; i++)
	{
		FZ_CHECK(FZ_T, fz_cmp(a, fz_at(a, i), fz_at(ref, i)) == 0 && fz_count(a, i) == fz_count(ref, i),
				 "%s: observation %zu differs from the naive compaction", what, i);
		if (i > 0)
			FZ_CHECK(FZ_T, fz_cmp(a, fz_at(a, i - 1), fz_at(a, i)) < 0,
					 "%s: observations %zu and %zu not strictly increasing", what, i - 1, i);
		sum += fz_count(a, i);
	}
	FZ_CHECK(FZ_T, sum == total, "%s: counts add up to %lld of %lld", what, (long long) sum, (long long) total);
}

static double
fz_loglik(const FzState *s)
{
	if (s->bgnbd)
	{
		BtydBgnbdParams m = {0.5, 3.0, 0.8, 2.5};

		return btyd_bgnbd_loglik(&m, s->obs, s->nobs, NULL);
	}
	else
	{
		BtydGgParams m = {6.0, 4.0, 15.0};

		return btyd_gg_loglik(&m, s->obs, s->nobs, NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	uint8_t		flags;
	bool		bgnbd;
	size_t		cap[3];
	size_t		osize;
	char	   *rows;
	size_t		nrows = 0;
	int64_t		total = 0;
	size_t		split;
	FzState		fwd,
				rev,
				a,
				b,
				ref;
	double		unit;

	fz_reader_init(&r, data, size);
	flags = fz_u8(&r);
	bgnbd = !(flags & 1);
	for (int k = 0; k < 3; k++)
		cap[k] = 1 + fz_u8(&r) % 64;
	unit = (flags & 6) == 0 ? 1.0 : (flags & 6) == 2 ? 7.0 : (flags & 6) == 4 ? 30.4375 : 365.25;
	osize = bgnbd ? sizeof(BtydBgnbdObs) : sizeof(BtydGgObs);
	rows = malloc(osize * FZ_MAX_ROWS);
	if (rows == NULL)
		abort();

	while (fz_more(&r) && nrows < FZ_MAX_ROWS)
	{
		uint8_t		sel = fz_u8(&r);
		int64_t		count = 1 + (sel & 0x80 ? fz_u8(&r) : 0);

		if (bgnbd)
		{
			BtydBgnbdObs o;

			if (sel & 1)
			{
				o.x = fz_any_double(&r);
				o.t_x = fz_any_double(&r);
				o.T = fz_any_double(&r);
			}
			else
			{
				/* whole days in a unit: few distinct values, many repeats */
				uint8_t		x = fz_u8(&r) % 8;
				uint16_t	T = fz_u16(&r) % 512;
				uint16_t	tx = x == 0 ? 0 : fz_u16(&r) % (T + 1);

				o.x = x;
				o.t_x = tx / unit;
				o.T = T / unit;
				if ((sel & 6) == 6)
					o.t_x = x == 0 ? -0.0 : o.t_x;
			}
			o.count = count;
			if (btyd_bgnbd_check_obs(o.x, o.t_x, o.T) != BTYD_OBS_OK)
				continue;
			memcpy(rows + osize * nrows, &o, osize);
		}
		else
		{
			BtydGgObs	o;

			if (sel & 1)
			{
				o.x = fz_any_double(&r);
				o.m = fz_any_double(&r);
			}
			else
			{
				o.x = fz_u8(&r) % 8;
				o.m = (1 + fz_u16(&r) % 300) / 4.0;
			}
			o.count = count;
			/* the transition function skips x = 0 rows (m may be anything) */
			if (btyd_gg_check_obs(o.x, o.m) != BTYD_OBS_OK || o.x == 0)
				continue;
			memcpy(rows + osize * nrows, &o, osize);
		}
		total += count;
		nrows++;
	}
	split = nrows > 0 ? fz_u16(&r) % (nrows + 1) : 0;

	/* input order */
	fz_state_init(&fwd, bgnbd, cap[0]);
	for (size_t i = 0; i < nrows; i++)
		fz_add(&fwd, rows + osize * i);
	fz_compact(&fwd);

	/* reverse order, another capacity */
	fz_state_init(&rev, bgnbd, cap[1]);
	for (size_t i = nrows; i > 0; i--)
		fz_add(&rev, rows + osize * (i - 1));
	fz_compact(&rev);

	/* two states combined: the second half first, then the first appended */
	fz_state_init(&a, bgnbd, cap[2]);
	fz_state_init(&b, bgnbd, cap[0]);
	for (size_t i = 0; i < split; i++)
		fz_add(&a, rows + osize * i);
	for (size_t i = split; i < nrows; i++)
		fz_add(&b, rows + osize * i);
	if (flags & 8)
		fz_compact(&a);
	fz_append(&b, &a);
	fz_compact(&b);

	/* the naive compaction of everything */
	fz_state_init(&ref, bgnbd, nrows > 0 ? nrows : 1);
	memcpy(ref.obs, rows, osize * nrows);
	ref.nobs = nrows;
	fz_naive(&ref);
	if (nrows == 0)
		ref.nobs = ref.nsorted = 0;

	fz_same("input order", &fwd, &ref, total);
	fz_same("reverse order", &rev, &ref, total);
	fz_same("combined states", &b, &ref, total);
	{
		double		l1 = fz_loglik(&fwd),
					l2 = fz_loglik(&rev),
					l3 = fz_loglik(&b);

		FZ_CHECK(FZ_T, (l1 == l2 && l1 == l3) || (isnan(l1) && isnan(l2) && isnan(l3)),
				 "log-likelihoods %.17g %.17g %.17g", l1, l2, l3);
	}

	free(fwd.obs);
	free(rev.obs);
	free(a.obs);
	free(b.obs);
	free(ref.obs);
	free(rows);
	return 0;
}
