/*
 * btyd.c
 *		The BG/NBD and Gamma-Gamma models: observation checks, likelihoods,
 *		maximum-likelihood fits (starting points and scales; the optimiser is
 *		optimise.c) and predictions.
 *
 * Pure computation: no PostgreSQL headers, so the unit tests and benchmarks
 * link this file directly.  docs/models.md gives the formulas; the comments
 * here say how each is evaluated.
 */
#include "btyd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compensated_sum.h"
#include "specfun.h"

/* ----------------------------------------------------------------------
 * Observations
 * ---------------------------------------------------------------------- */

/* Validate one BG/NBD triple. */
BtydObsError
btyd_bgnbd_check_obs(double x, double t_x, double T)
{
	if (!isfinite(x) || !isfinite(t_x) || !isfinite(T))
		return BTYD_OBS_NONFINITE;
	if (x < 0.0)
		return BTYD_OBS_NEGATIVE_FREQUENCY;
	if (x != floor(x))
		return BTYD_OBS_FRACTIONAL_FREQUENCY;
	if (t_x < 0.0)
		return BTYD_OBS_NEGATIVE_RECENCY;
	if (t_x > T)
		return BTYD_OBS_RECENCY_AFTER_AGE;
	if (x == 0.0 && t_x != 0.0)
		return BTYD_OBS_RECENCY_WITHOUT_REPEAT;
	return BTYD_OBS_OK;
}

/* Validate one Gamma-Gamma pair; m only matters when x > 0. */
BtydObsError
btyd_gg_check_obs(double x, double m)
{
	if (!isfinite(x))
		return BTYD_OBS_NONFINITE;
	if (x < 0.0)
		return BTYD_OBS_NEGATIVE_FREQUENCY;
	if (x != floor(x))
		return BTYD_OBS_FRACTIONAL_FREQUENCY;
	if (x > 0.0)
	{
		if (!isfinite(m))
			return BTYD_OBS_NONFINITE;
		if (m <= 0.0)
			return BTYD_OBS_NONPOSITIVE_MONETARY;
	}
	return BTYD_OBS_OK;
}

/* Sentence for an observation error. */
const char *
btyd_obs_error_message(BtydObsError err)
{
	switch (err)
	{
		case BTYD_OBS_OK:
			return "The observation is valid.";
		case BTYD_OBS_NONFINITE:
			return "Frequency, recency, age and monetary value must be finite numbers.";
		case BTYD_OBS_NEGATIVE_FREQUENCY:
			return "Frequency counts repeat purchases and cannot be negative.";
		case BTYD_OBS_FRACTIONAL_FREQUENCY:
			return "Frequency counts repeat purchases and must be a whole number.";
		case BTYD_OBS_NEGATIVE_RECENCY:
			return "Recency is the time from the first to the last purchase and cannot be negative.";
		case BTYD_OBS_RECENCY_AFTER_AGE:
			return "Recency cannot exceed age: the last purchase cannot come after the end of observation.";
		case BTYD_OBS_RECENCY_WITHOUT_REPEAT:
			return "A customer without repeat purchases (frequency 0) must have recency 0.";
		case BTYD_OBS_NONPOSITIVE_MONETARY:
			return "The mean monetary value of a customer with repeat purchases must be positive.";
	}
	return "Unknown observation error.";
}

/* All four BG/NBD parameters finite and positive. */
bool
btyd_bgnbd_params_valid(const BtydBgnbdParams *m)
{
	return isfinite(m->r) && m->r > 0.0 &&
		isfinite(m->alpha) && m->alpha > 0.0 &&
		isfinite(m->a) && m->a > 0.0 &&
		isfinite(m->b) && m->b > 0.0;
}

/* All three Gamma-Gamma parameters finite and positive. */
bool
btyd_gg_params_valid(const BtydGgParams *m)
{
	return isfinite(m->p) && m->p > 0.0 &&
		isfinite(m->q) && m->q > 0.0 &&
		isfinite(m->v) && m->v > 0.0;
}

/* qsort order of BG/NBD observations: x, then t_x, then T. */
static int
bgnbd_obs_cmp(const void *pa, const void *pb)
{
	const BtydBgnbdObs *a = (const BtydBgnbdObs *) pa;
	const BtydBgnbdObs *b = (const BtydBgnbdObs *) pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->t_x != b->t_x)
		return a->t_x < b->t_x ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	return 0;
}

/* qsort order of Gamma-Gamma observations: x, then m. */
static int
gg_obs_cmp(const void *pa, const void *pb)
{
	const BtydGgObs *a = (const BtydGgObs *) pa;
	const BtydGgObs *b = (const BtydGgObs *) pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return 0;
}

/* The orders of bgnbd_obs_cmp and gg_obs_cmp as "a before b", inlined. */
static inline bool
bgnbd_obs_less(const BtydBgnbdObs *a, const BtydBgnbdObs *b)
{
	if (a->x != b->x)
		return a->x < b->x;
	if (a->t_x != b->t_x)
		return a->t_x < b->t_x;
	return a->T < b->T;
}

static inline bool
gg_obs_less(const BtydGgObs *a, const BtydGgObs *b)
{
	if (a->x != b->x)
		return a->x < b->x;
	return a->m < b->m;
}

/*
 * Introsort of an observation array by LESS: quicksort (median of three,
 * Hoare partition, the smaller side first so the stack stays logarithmic),
 * heapsort below a depth of 2 log2 n, insertion sort for short runs.  The
 * comparison is inlined, which makes it about twice as fast as qsort
 * with a comparison callback.  Observations that compare equal are merged
 * afterwards, so the order among them does not matter.
 */
#define DEFINE_OBS_SORT(NAME, TYPE, LESS) \
static void \
NAME##_insertion(TYPE *a, size_t n) \
{ \
	size_t		i; \
\
	for (i = 1; i < n; i++) \
	{ \
		TYPE		v = a[i]; \
		size_t		j = i; \
\
		while (j > 0 && LESS(&v, &a[j - 1])) \
		{ \
			a[j] = a[j - 1]; \
			j--; \
		} \
		a[j] = v; \
	} \
} \
\
static void \
NAME##_sift(TYPE *a, size_t root, size_t n) \
{ \
	TYPE		v = a[root]; \
\
	for (;;) \
	{ \
		size_t		child = 2 * root + 1; \
\
		if (child >= n) \
			break; \
		if (child + 1 < n && LESS(&a[child], &a[child + 1])) \
			child++; \
		if (!LESS(&v, &a[child])) \
			break; \
		a[root] = a[child]; \
		root = child; \
	} \
	a[root] = v; \
} \
\
static void \
NAME##_heapsort(TYPE *a, size_t n) \
{ \
	size_t		i; \
\
	for (i = n / 2; i > 0; i--) \
		NAME##_sift(a, i - 1, n); \
	for (i = n; i > 1; i--) \
	{ \
		TYPE		t = a[0]; \
\
		a[0] = a[i - 1]; \
		a[i - 1] = t; \
		NAME##_sift(a, 0, i - 1); \
	} \
} \
\
static void \
NAME##_intro(TYPE *a, size_t n, int depth) \
{ \
	while (n > 16) \
	{ \
		size_t		mid = n / 2; \
		size_t		i = 0; \
		size_t		j = n - 1; \
		TYPE		t; \
		TYPE		pivot; \
\
		if (depth-- <= 0) \
		{ \
			NAME##_heapsort(a, n); \
			return; \
		} \
		/* order a[0], a[mid], a[n - 1]: they bound both scans */ \
		if (LESS(&a[mid], &a[0])) \
		{ \
			t = a[mid]; a[mid] = a[0]; a[0] = t; \
		} \
		if (LESS(&a[n - 1], &a[mid])) \
		{ \
			t = a[mid]; a[mid] = a[n - 1]; a[n - 1] = t; \
			if (LESS(&a[mid], &a[0])) \
			{ \
				t = a[mid]; a[mid] = a[0]; a[0] = t; \
			} \
		} \
		pivot = a[mid]; \
		for (;;) \
		{ \
			while (LESS(&a[i], &pivot)) \
				i++; \
			while (LESS(&pivot, &a[j])) \
				j--; \
			if (i >= j) \
				break; \
			t = a[i]; a[i] = a[j]; a[j] = t; \
			i++; \
			j--; \
		} \
		/* a[0 .. j] <= pivot <= a[j + 1 .. n), both sides non-empty */ \
		if (j + 1 < n - j - 1) \
		{ \
			NAME##_intro(a, j + 1, depth); \
			a += j + 1; \
			n -= j + 1; \
		} \
		else \
		{ \
			NAME##_intro(a + j + 1, n - j - 1, depth); \
			n = j + 1; \
		} \
	} \
	NAME##_insertion(a, n); \
} \
\
static void \
NAME(TYPE *a, size_t n) \
{ \
	int			depth = 0; \
	size_t		m; \
\
	for (m = n; m > 1; m >>= 1) \
		depth += 2; \
	NAME##_intro(a, n, depth); \
}

DEFINE_OBS_SORT(bgnbd_obs_sort, BtydBgnbdObs, bgnbd_obs_less)
DEFINE_OBS_SORT(gg_obs_sort, BtydGgObs, gg_obs_less)

/*
 * Sort and merge identical BG/NBD triples.  Input that is already in order
 * (a compacted array, or one with repeats next to each other) is not sorted
 * again: one pass checks the order first.
 */
size_t
btyd_bgnbd_compact(BtydBgnbdObs *obs, size_t n)
{
	size_t		i;
	size_t		out = 0;

	if (n == 0)
		return 0;
	for (i = 1; i < n; i++)
	{
		if (bgnbd_obs_cmp(&obs[i - 1], &obs[i]) > 0)
		{
			bgnbd_obs_sort(obs, n);
			break;
		}
	}
	for (i = 1; i < n; i++)
	{
		if (bgnbd_obs_cmp(&obs[out], &obs[i]) == 0)
			obs[out].count += obs[i].count;
		else
			obs[++out] = obs[i];
	}
	return out + 1;
}

/* Sort and merge identical Gamma-Gamma pairs (no sort when already in order). */
size_t
btyd_gg_compact(BtydGgObs *obs, size_t n)
{
	size_t		i;
	size_t		out = 0;

	if (n == 0)
		return 0;
	for (i = 1; i < n; i++)
	{
		if (gg_obs_cmp(&obs[i - 1], &obs[i]) > 0)
		{
			gg_obs_sort(obs, n);
			break;
		}
	}
	for (i = 1; i < n; i++)
	{
		if (gg_obs_cmp(&obs[out], &obs[i]) == 0)
			obs[out].count += obs[i].count;
		else
			obs[++out] = obs[i];
	}
	return out + 1;
}

/* Merge a compacted tail of BG/NBD observations into the compacted head before it (see btyd.h). */
size_t
btyd_bgnbd_merge_tail(BtydBgnbdObs *obs, size_t nhead, size_t ntail, BtydBgnbdObs *scratch)
{
	size_t		i = nhead;
	size_t		j = ntail;
	size_t		k = nhead + ntail;

	/*
	 * Backwards from the top: the next write (k - 1) never falls below the
	 * next head element read (i - 1), since k >= i + j throughout.
	 */
	memcpy(scratch, obs + nhead, ntail * sizeof(BtydBgnbdObs));
	while (i > 0 && j > 0)
	{
		int			c = bgnbd_obs_cmp(&obs[i - 1], &scratch[j - 1]);

		if (c > 0)
			obs[--k] = obs[--i];
		else if (c < 0)
			obs[--k] = scratch[--j];
		else
		{
			BtydBgnbdObs		o = obs[--i];

			o.count += scratch[--j].count;
			obs[--k] = o;
		}
	}
	while (j > 0)
		obs[--k] = scratch[--j];
	/* the result is obs[0 .. i) followed by obs[k .. nhead + ntail) */
	if (k > i)
		memmove(obs + i, obs + k, (nhead + ntail - k) * sizeof(BtydBgnbdObs));
	return i + (nhead + ntail - k);
}

/* Merge a compacted tail of Gamma-Gamma observations into the compacted head before it (see btyd.h). */
size_t
btyd_gg_merge_tail(BtydGgObs *obs, size_t nhead, size_t ntail, BtydGgObs *scratch)
{
	size_t		i = nhead;
	size_t		j = ntail;
	size_t		k = nhead + ntail;

	/* as btyd_bgnbd_merge_tail */
	memcpy(scratch, obs + nhead, ntail * sizeof(BtydGgObs));
	while (i > 0 && j > 0)
	{
		int			c = gg_obs_cmp(&obs[i - 1], &scratch[j - 1]);

		if (c > 0)
			obs[--k] = obs[--i];
		else if (c < 0)
			obs[--k] = scratch[--j];
		else
		{
			BtydGgObs		o = obs[--i];

			o.count += scratch[--j].count;
			obs[--k] = o;
		}
	}
	while (j > 0)
		obs[--k] = scratch[--j];
	/* the result is obs[0 .. i) followed by obs[k .. nhead + ntail) */
	if (k > i)
		memmove(obs + i, obs + k, (nhead + ntail - k) * sizeof(BtydGgObs));
	return i + (nhead + ntail - k);
}

/* ----------------------------------------------------------------------
 * Likelihoods
 * ---------------------------------------------------------------------- */

/*
 * BG/NBD log-likelihood.  Per customer (x, t_x, T):
 *
 *	log L = [lgamma(r+x) - lgamma(r)] + [lgamma(b+x) - lgamma(b)]
 *		  - [lgamma(a+b+x) - lgamma(a+b)] - x log alpha
 *		  + log( exp(L3) + [x > 0] exp(L4) )
 *	L3 = -(r+x) log1p(T/alpha)
 *	L4 = log a - log(b+x-1) - (r+x) log1p(t_x/alpha)
 *
 * which is the paper's likelihood with alpha^r / (alpha+T)^(r+x) rewritten
 * through log1p, and the sum of the two terms taken by log-sum-exp.  With
 * w3, w4 the shares of exp(L3) and exp(L4) in their sum, the gradient with
 * respect to the log-parameters is
 *
 *	d/dlog r	 = r [psi(r+x) - psi(r) - w3 log1p(T/alpha) - w4 log1p(t_x/alpha)]
 *	d/dlog alpha = -x + (r+x) [w3 T/(alpha+T) + w4 t_x/(alpha+t_x)]
 *	d/dlog a	 = -a [psi(a+b+x) - psi(a+b)] + w4
 *	d/dlog b	 = b [psi(b+x) - psi(b) - psi(a+b+x) + psi(a+b)] - w4 b/(b+x-1)
 *
 * The terms that depend on x alone are computed once per run of equal x.
 *
 * When the fit has tabulated the distinct values of t_x and T (tab not
 * NULL, see BgnbdTable), log1p(t_x/alpha) and log1p(T/alpha) are looked up
 * in a table filled once per evaluation, by the same expression on the same
 * value: the result is identical to computing them per observation.
 */

/*
 * The distinct t_x and T values of a compacted array of observations, for
 * evaluating the likelihood many times: each observation points at its two
 * values, and log1p_v receives log1p(value / alpha) per evaluation.  With
 * recency and age in whole days, thousands of values serve hundreds of
 * thousands of observations.
 */
typedef struct BgnbdTable
{
	const BtydBgnbdObs *obs;
	size_t		n;
	double	   *values;			/* distinct t_x and T values */
	size_t		nvalues;
	uint32_t   *tx_idx;			/* per observation: its t_x in values */
	uint32_t   *T_idx;			/* per observation: its T in values */
	double	   *log1p_v;		/* per evaluation: log1p(values[k] / alpha) */
} BgnbdTable;

static double
bgnbd_loglik_impl(const BtydBgnbdParams *m, const BtydBgnbdObs *obs,
				  size_t n, const BgnbdTable *tab, double *grad)
{
	const double r = m->r;
	const double alpha = m->alpha;
	const double a = m->a;
	const double b = m->b;
	const double log_alpha = log(alpha);
	const double log_a = log(a);
	CompensatedSum	ll = {0, 0};
	CompensatedSum	gr = {0, 0};
	CompensatedSum	galpha = {0, 0};
	CompensatedSum	ga = {0, 0};
	CompensatedSum	gb = {0, 0};
	double		cur_x = -1.0;
	double		x_const = 0.0;
	double		l4_const = 0.0;
	double		dx_r = 0.0;
	double		dx_a = 0.0;
	double		dx_b = 0.0;
	double		w4_b = 0.0;
	size_t		i;

	if (tab)
	{
		for (i = 0; i < tab->nvalues; i++)
			tab->log1p_v[i] = log1p(tab->values[i] / alpha);
	}
	for (i = 0; i < n; i++)
	{
		const BtydBgnbdObs *o = &obs[i];
		const double x = o->x;
		const double cnt = (double) o->count;
		const double lT = tab ? tab->log1p_v[tab->T_idx[i]] : log1p(o->T / alpha);
		double		rx;
		double		lt;
		double		l3;
		double		l4;
		double		e;
		double		w3;
		double		w4;

		if (x == 0.0)
		{
			/* L = (alpha / (alpha + T))^r */
			compensated_sum_add(&ll, cnt * (-r * lT));
			if (grad)
			{
				compensated_sum_add(&gr, cnt * (-r * lT));
				compensated_sum_add(&galpha, cnt * (r * o->T / (alpha + o->T)));
			}
			continue;
		}
		if (x != cur_x)
		{
			double		lgd_ab = btyd_lgamma_diff(a + b, x);

			cur_x = x;
			x_const = btyd_lgamma_diff(r, x) + btyd_lgamma_diff(b, x)
				- lgd_ab - x * log_alpha;
			l4_const = log_a - log(b + x - 1.0);
			if (grad)
			{
				double		dg_ab = btyd_digamma_diff(a + b, x);

				dx_r = r * btyd_digamma_diff(r, x);
				dx_a = -a * dg_ab;
				dx_b = b * (btyd_digamma_diff(b, x) - dg_ab);
				w4_b = b / (b + x - 1.0);
			}
		}
		rx = r + x;
		lt = tab ? tab->log1p_v[tab->tx_idx[i]] : log1p(o->t_x / alpha);
		l3 = -rx * lT;
		l4 = l4_const - rx * lt;
		e = exp(-fabs(l3 - l4));
		compensated_sum_add(&ll, cnt * (x_const + fmax(l3, l4) + log1p(e)));
		if (grad)
		{
			if (l3 >= l4)
			{
				w3 = 1.0 / (1.0 + e);
				w4 = e / (1.0 + e);
			}
			else
			{
				w3 = e / (1.0 + e);
				w4 = 1.0 / (1.0 + e);
			}
			compensated_sum_add(&gr, cnt * (dx_r - r * (w3 * lT + w4 * lt)));
			compensated_sum_add(&galpha, cnt * (-x + rx * (w3 * o->T / (alpha + o->T) +
												 w4 * o->t_x / (alpha + o->t_x))));
			compensated_sum_add(&ga, cnt * (dx_a + w4));
			compensated_sum_add(&gb, cnt * (dx_b - w4 * w4_b));
		}
	}
	if (grad)
	{
		grad[0] = compensated_sum_value(&gr);
		grad[1] = compensated_sum_value(&galpha);
		grad[2] = compensated_sum_value(&ga);
		grad[3] = compensated_sum_value(&gb);
	}
	return compensated_sum_value(&ll);
}

/* BG/NBD log-likelihood and gradient (see btyd.h and above). */
double
btyd_bgnbd_loglik(const BtydBgnbdParams *m, const BtydBgnbdObs *obs,
				  size_t n, double *grad)
{
	return bgnbd_loglik_impl(m, obs, n, NULL, grad);
}

/* Free a table (NULL is fine). */
static void
bgnbd_table_free(BgnbdTable *tab)
{
	if (tab == NULL)
		return;
	free(tab->values);
	free(tab->tx_idx);
	free(tab->T_idx);
	free(tab->log1p_v);
	free(tab);
}

/*
 * Open-addressing set of the bit patterns of doubles (so 0.0 and -0.0 stay
 * apart, as computing per observation would keep them), numbering each new
 * value in order of arrival.
 */
typedef struct ValueSet
{
	uint64_t   *keys;
	uint32_t   *slots;			/* value number + 1; 0 = empty */
	size_t		mask;
	size_t		count;
} ValueSet;

/*
 * The number of v in the set, adding it (and its value to values) if new;
 * UINT32_MAX once more than limit values would be needed.
 */
static uint32_t
value_number(ValueSet *set, double *values, size_t limit, double v)
{
	uint64_t	key;
	size_t		h;

	memcpy(&key, &v, sizeof(key));
	h = (size_t) ((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & set->mask;
	while (set->slots[h] != 0)
	{
		if (set->keys[h] == key)
			return set->slots[h] - 1;
		h = (h + 1) & set->mask;
	}
	if (set->count >= limit)
		return UINT32_MAX;
	set->keys[h] = key;
	values[set->count] = v;
	set->slots[h] = (uint32_t) ++set->count;
	return set->slots[h] - 1;
}

/*
 * Tabulate the distinct t_x and T values of n observations, or return NULL
 * when that would not save three quarters of the log1p calls of an
 * evaluation (ages and recencies that are all different: the count stops
 * at that limit) or memory runs out: the fit then computes them per
 * observation, with the same result.
 */
static BgnbdTable *
bgnbd_table_make(const BtydBgnbdObs *obs, size_t n)
{
	BgnbdTable *tab;
	ValueSet	set = {NULL, NULL, 0, 0};
	size_t		calls = 0;
	size_t		limit;
	size_t		cap = 16;
	size_t		i;
	bool		ok = true;

	for (i = 0; i < n; i++)
		calls += obs[i].x == 0.0 ? 1 : 2;
	limit = calls / 4;
	if (limit == 0 || limit >= UINT32_MAX / 2)
		return NULL;
	while (cap < 2 * limit)
		cap *= 2;
	tab = calloc(1, sizeof(BgnbdTable));
	if (tab == NULL)
		return NULL;
	tab->obs = obs;
	tab->n = n;
	tab->values = malloc(limit * sizeof(double));
	tab->tx_idx = malloc(n * sizeof(uint32_t));
	tab->T_idx = malloc(n * sizeof(uint32_t));
	set.keys = malloc(cap * sizeof(uint64_t));
	set.slots = calloc(cap, sizeof(uint32_t));
	set.mask = cap - 1;
	if (tab->values == NULL || tab->tx_idx == NULL || tab->T_idx == NULL ||
		set.keys == NULL || set.slots == NULL)
		ok = false;
	for (i = 0; ok && i < n; i++)
	{
		tab->T_idx[i] = value_number(&set, tab->values, limit, obs[i].T);
		/* t_x only counts with repeat purchases */
		tab->tx_idx[i] = obs[i].x == 0.0 ? tab->T_idx[i]
			: value_number(&set, tab->values, limit, obs[i].t_x);
		ok = tab->T_idx[i] != UINT32_MAX && tab->tx_idx[i] != UINT32_MAX;
	}
	free(set.keys);
	free(set.slots);
	if (ok)
	{
		tab->nvalues = set.count;
		tab->log1p_v = malloc(tab->nvalues * sizeof(double));
		ok = tab->log1p_v != NULL;
	}
	if (!ok)
	{
		bgnbd_table_free(tab);
		return NULL;
	}
	return tab;
}

/*
 * Gamma-Gamma log-likelihood of the mean spend m of x repeat purchases
 * (Fader, Hardie & Lee 2005; the density lifetimes uses):
 *
 *	log L = lgamma(px+q) - lgamma(px) - lgamma(q) + q log v + (px-1) log m
 *		  + px log x - (px+q) log(x m + v)
 *		  = [lgamma(px+q) - lgamma(px)] - lgamma(q) - q log1p(x m / v)
 *		  - px log1p(v / (x m)) - log m
 *
 * (second form evaluated).  Gradient with respect to the log-parameters:
 *
 *	d/dlog p = p x [psi(px+q) - psi(px) - log1p(v/(xm))]
 *	d/dlog q = q [psi(px+q) - psi(q) - log1p(xm/v)]
 *	d/dlog v = (q x m - p x v) / (x m + v)
 *
 * When the fit has tabulated log m per observation (tab not NULL, see
 * GgTable), it is looked up instead of computed: the same expression on the
 * same value, so the same result, one logarithm fewer per evaluation.
 */

/* Per observation of a compacted Gamma-Gamma array: log m. */
typedef struct GgTable
{
	const BtydGgObs *obs;
	double	   *log_m;
} GgTable;

static double
gg_loglik_impl(const BtydGgParams *m, const BtydGgObs *obs, size_t n,
			   const GgTable *tab, double *grad)
{
	const double p = m->p;
	const double q = m->q;
	const double v = m->v;
	const double lg_q = lgamma(q);
	const double log_v = log(v);
	CompensatedSum	ll = {0, 0};
	CompensatedSum	gp = {0, 0};
	CompensatedSum	gq = {0, 0};
	CompensatedSum	gv = {0, 0};
	double		cur_x = -1.0;
	double		px = 0.0;
	double		log_x = 0.0;
	double		lgd = 0.0;
	double		dgd_p = 0.0;
	double		dgd_q = 0.0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		const BtydGgObs *o = &obs[i];
		const double cnt = (double) o->count;
		double		xm;
		double		lm;
		double		l1;
		double		l2;

		if (o->x <= 0.0)
			continue;
		if (o->x != cur_x)
		{
			cur_x = o->x;
			px = p * o->x;
			log_x = log(o->x);
			lgd = btyd_lgamma_diff(px, q);
			if (grad)
			{
				dgd_p = btyd_digamma_diff(px, q);
				dgd_q = btyd_digamma_diff(q, px);
			}
		}
		xm = o->x * o->m;
		lm = tab ? tab->log_m[i] : log(o->m);
		/*
		 * log1p(v/xm) - log1p(xm/v) = log v - log xm: one log1p, of the
		 * smaller ratio, and the other from it by adding a difference of
		 * the same sign (no cancellation)
		 */
		if (xm >= v)
		{
			l2 = log1p(v / xm);
			l1 = l2 + ((log_x + lm) - log_v);
		}
		else
		{
			l1 = log1p(xm / v);
			l2 = l1 + (log_v - (log_x + lm));
		}
		compensated_sum_add(&ll, cnt * (lgd - lg_q - q * l1 - px * l2 - lm));
		if (grad)
		{
			compensated_sum_add(&gp, cnt * px * (dgd_p - l2));
			compensated_sum_add(&gq, cnt * q * (dgd_q - l1));
			compensated_sum_add(&gv, cnt * (q * xm - px * v) / (xm + v));
		}
	}
	if (grad)
	{
		grad[0] = compensated_sum_value(&gp);
		grad[1] = compensated_sum_value(&gq);
		grad[2] = compensated_sum_value(&gv);
	}
	return compensated_sum_value(&ll);
}

/* Gamma-Gamma log-likelihood and gradient (see btyd.h and above). */
double
btyd_gg_loglik(const BtydGgParams *m, const BtydGgObs *obs, size_t n,
			   double *grad)
{
	return gg_loglik_impl(m, obs, n, NULL, grad);
}

/* Free a Gamma-Gamma table (NULL is fine). */
static void
gg_table_free(GgTable *tab)
{
	if (tab == NULL)
		return;
	free(tab->log_m);
	free(tab);
}

/*
 * Tabulate log m of n observations; NULL when memory runs out (the fit then
 * computes it per evaluation, with the same result).
 */
static GgTable *
gg_table_make(const BtydGgObs *obs, size_t n)
{
	GgTable    *tab;
	size_t		i;

	if (n == 0)
		return NULL;
	tab = calloc(1, sizeof(GgTable));
	if (tab == NULL)
		return NULL;
	tab->obs = obs;
	tab->log_m = malloc(n * sizeof(double));
	if (tab->log_m == NULL)
	{
		gg_table_free(tab);
		return NULL;
	}
	for (i = 0; i < n; i++)
		tab->log_m[i] = log(obs[i].m);
	return tab;
}

/* ----------------------------------------------------------------------
 * Fitting
 * ---------------------------------------------------------------------- */

/* btyd_bgnbd_loglik at the parameter vector (r, alpha, a, b): the optimiser's view. */
static double
bgnbd_loglik_vec(const double *params, const void *obs, size_t n, double *grad)
{
	BtydBgnbdParams m = {params[0], params[1], params[2], params[3]};

	return btyd_bgnbd_loglik(&m, obs, n, grad);
}

/* The same over a table of values (obs is a BgnbdTable): the same result. */
static double
bgnbd_loglik_table_vec(const double *params, const void *obs, size_t n, double *grad)
{
	BtydBgnbdParams m = {params[0], params[1], params[2], params[3]};
	const BgnbdTable *tab = (const BgnbdTable *) obs;

	return bgnbd_loglik_impl(&m, tab->obs, n, tab, grad);
}

/* btyd_gg_loglik at the parameter vector (p, q, v): the optimiser's view. */
static double
gg_loglik_vec(const double *params, const void *obs, size_t n, double *grad)
{
	BtydGgParams m = {params[0], params[1], params[2]};

	return btyd_gg_loglik(&m, obs, n, grad);
}

/* The same over a Gamma-Gamma table (obs is a GgTable): the same result. */
static double
gg_loglik_table_vec(const double *params, const void *obs, size_t n, double *grad)
{
	BtydGgParams m = {params[0], params[1], params[2]};
	const GgTable *tab = (const GgTable *) obs;

	return gg_loglik_impl(&m, tab->obs, n, tab, grad);
}

/*
 * The sample a BG/NBD-shaped fit (BG/NBD, Pareto/NBD) works on: a compacted
 * copy of the observations (*work, *nw: free() it; NULL when n is 0), the
 * customers and the totals of x and T over them.  out is cleared, its
 * customers counted and its parameters set to 1; with no customer its status
 * is BTYD_NO_DATA.  False when out of memory.
 */
bool
btyd_bgnbd_fit_sample(const BtydBgnbdObs *obs, size_t n, BtydFit *out,
					  BtydBgnbdObs **work, size_t *nw,
					  double *customers, double *sum_x, double *sum_T)
{
	size_t		i;

	*work = NULL;
	if (n > 0)
	{
		*work = malloc(n * sizeof(BtydBgnbdObs));
		if (*work == NULL)
			return false;
		memcpy(*work, obs, n * sizeof(BtydBgnbdObs));
	}
	*nw = btyd_bgnbd_compact(*work, n);

	memset(out, 0, sizeof(BtydFit));
	*customers = *sum_x = *sum_T = 0.0;
	for (i = 0; i < *nw; i++)
	{
		*customers += (double) (*work)[i].count;
		*sum_x += (*work)[i].x * (double) (*work)[i].count;
		*sum_T += (*work)[i].T * (double) (*work)[i].count;
		out->customers += (*work)[i].count;
	}
	out->params[0] = out->params[1] = out->params[2] = out->params[3] = 1.0;
	if (*customers <= 0.0)
		out->status = BTYD_NO_DATA;
	return true;
}

/*
 * Fit BG/NBD.  Starting points, all with the mean purchase rate r/alpha
 * equal to mean(x)/mean(T): (r, a, b) = (1, 1, 1), then (0.25, 0.5, 2),
 * then (4, 2, 8).  With no repeat purchase at all the likelihood
 * (alpha/(alpha+T))^r has no maximum (it grows as r -> 0); the fit still runs
 * and returns finite numbers, flagged BTYD_NO_REPEAT.
 */
bool
btyd_bgnbd_fit(const BtydBgnbdObs *obs, size_t n, const BtydFitOptions *opts,
			   BtydFit *out)
{
	BtydFitOptions defaults;
	BtydBgnbdObs *work;
	BgnbdTable *table;
	BtydMleProblem prob;
	double		starts[3][BTYD_MAX_PARAMS];
	double		customers;
	double		sum_x;
	double		sum_T;
	double		xbar;
	size_t		nw;
	int			k;

	if (opts == NULL)
	{
		btyd_fit_options_default(&defaults);
		opts = &defaults;
	}
	if (!btyd_bgnbd_fit_sample(obs, n, out, &work, &nw, &customers, &sum_x, &sum_T))
		return false;
	if (customers <= 0.0)
	{
		free(work);
		return true;
	}

	memset(&prob, 0, sizeof(prob));
	table = bgnbd_table_make(work, nw);
	prob.loglik = table ? bgnbd_loglik_table_vec : bgnbd_loglik_vec;
	prob.obs = table ? (const void *) table : (const void *) work;
	prob.n = nw;
	prob.nparams = 4;
	prob.weight = 1.0 / customers;
	prob.scale[0] = prob.scale[2] = prob.scale[3] = 1.0;
	prob.scale[1] = sum_T > 0.0 ? sum_T / customers : 1.0;

	xbar = fmax(sum_x / customers, 0.01);
	{
		static const double rab[3][3] = {{1.0, 1.0, 1.0}, {0.25, 0.5, 2.0}, {4.0, 2.0, 8.0}};

		for (k = 0; k < 3; k++)
		{
			starts[k][0] = log(rab[k][0]);
			starts[k][1] = log(rab[k][0] / xbar);
			starts[k][2] = log(rab[k][1]);
			starts[k][3] = log(rab[k][2]);
		}
	}
	btyd_mle_fit(&prob, opts, starts, 3, out);
	if (sum_x == 0.0 && out->status != BTYD_STOPPED)
	{
		out->status = BTYD_NO_REPEAT;
		out->converged = false;
	}
	bgnbd_table_free(table);
	free(work);
	return true;
}

/*
 * Fit Gamma-Gamma on the observations with x > 0.  Starting points, with
 * the mean spend p v / (q - 1) equal to the sample mean of m:
 * (p, q) = (1, 2), (4, 4), (0.5, 1.5) (the last with v = mean m).
 */
bool
btyd_gg_fit(const BtydGgObs *obs, size_t n, const BtydFitOptions *opts,
			BtydFit *out)
{
	BtydFitOptions defaults;
	BtydGgObs  *work = NULL;
	GgTable    *table;
	BtydMleProblem prob;
	double		starts[3][BTYD_MAX_PARAMS];
	double		customers = 0.0;
	double		sum_m = 0.0;
	size_t		nw = 0;
	size_t		i;

	if (opts == NULL)
	{
		btyd_fit_options_default(&defaults);
		opts = &defaults;
	}
	memset(out, 0, sizeof(BtydFit));
	if (n > 0)
	{
		work = malloc(n * sizeof(BtydGgObs));
		if (work == NULL)
			return false;
	}
	for (i = 0; i < n; i++)
	{
		if (obs[i].x > 0.0)
			work[nw++] = obs[i];
		else
			out->skipped += obs[i].count;
	}
	nw = btyd_gg_compact(work, nw);
	for (i = 0; i < nw; i++)
	{
		customers += (double) work[i].count;
		sum_m += work[i].m * (double) work[i].count;
		out->customers += work[i].count;
	}
	out->params[0] = out->params[1] = out->params[2] = 1.0;
	if (customers <= 0.0)
	{
		free(work);
		out->status = BTYD_NO_DATA;
		return true;
	}

	memset(&prob, 0, sizeof(prob));
	table = gg_table_make(work, nw);
	prob.loglik = table ? gg_loglik_table_vec : gg_loglik_vec;
	prob.obs = table ? (const void *) table : (const void *) work;
	prob.n = nw;
	prob.nparams = 3;
	prob.weight = 1.0 / customers;
	prob.scale[0] = prob.scale[1] = 1.0;
	prob.scale[2] = sum_m / customers;

	starts[0][0] = log(1.0);
	starts[0][1] = log(2.0);
	starts[0][2] = log(1.0);
	starts[1][0] = log(4.0);
	starts[1][1] = log(4.0);
	starts[1][2] = log(0.75);
	starts[2][0] = log(0.5);
	starts[2][1] = log(1.5);
	starts[2][2] = log(1.0);
	btyd_mle_fit(&prob, opts, starts, 3, out);
	gg_table_free(table);
	free(work);
	return true;
}

/* ----------------------------------------------------------------------
 * Standard errors
 * ---------------------------------------------------------------------- */

/* Standard errors of log r, log alpha, log a, log b. */
bool
btyd_bgnbd_log_se(const BtydBgnbdParams *m, const BtydBgnbdObs *obs,
				  size_t n, double se[4])
{
	double		params[4] = {m->r, m->alpha, m->a, m->b};

	return btyd_mle_log_se(bgnbd_loglik_vec, params, 4, obs, n, se);
}

/* Standard errors of log p, log q, log v. */
bool
btyd_gg_log_se(const BtydGgParams *m, const BtydGgObs *obs, size_t n,
			   double se[3])
{
	double		params[3] = {m->p, m->q, m->v};

	return btyd_mle_log_se(gg_loglik_vec, params, 3, obs, n, se);
}

/* Covariance of (log r, log alpha, log a, log b), row-major 4 x 4. */
bool
btyd_bgnbd_log_cov(const BtydBgnbdParams *m, const BtydBgnbdObs *obs,
				   size_t n, double cov[16])
{
	double		params[4] = {m->r, m->alpha, m->a, m->b};

	return btyd_mle_log_cov(bgnbd_loglik_vec, params, 4, obs, n, cov);
}

/* Covariance of (log p, log q, log v), row-major 3 x 3. */
bool
btyd_gg_log_cov(const BtydGgParams *m, const BtydGgObs *obs, size_t n,
				double cov[9])
{
	double		params[3] = {m->p, m->q, m->v};

	return btyd_mle_log_cov(gg_loglik_vec, params, 3, obs, n, cov);
}

/* ----------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------- */

/*
 * P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
 * evaluated as a logistic function of the log of the second term so that
 * it neither overflows nor loses the small side.
 */
double
btyd_bgnbd_p_alive(const BtydBgnbdParams *m, double x, double t_x, double T)
{
	double		lr;

	if (x <= 0.0)
		return 1.0;
	lr = log(m->a) - log(m->b + x - 1.0)
		+ (m->r + x) * log1p((T - t_x) / (m->alpha + t_x));
	if (lr > 0.0)
		return exp(-lr) / (1.0 + exp(-lr));
	return 1.0 / (1.0 + exp(lr));
}

/*
 * P(at least one purchase in the next t | x, t_x, T): the customer is alive
 * at T (p_alive) and then buys at least once in t.  Given alive, the rate is
 * Gamma(r + x, alpha + T), so no purchase in t has probability
 * ((alpha + T) / (alpha + T + t))^(r + x); a BG/NBD customer drops out only
 * right after a purchase, so one alive at T is alive until the next.
 */
double
btyd_bgnbd_p_purchase(const BtydBgnbdParams *m, double t, double x, double t_x, double T)
{
	return btyd_bgnbd_p_alive(m, x, t_x, T) * -expm1(-(m->r + x) * log1p(t / (m->alpha + T)));
}

/*
 * The age T at which p_alive falls to `threshold` if no purchase comes after
 * the last one (at t_x): from p_alive = 1 / (1 + a / (b + x - 1)
 * ((alpha + T) / (alpha + t_x))^(r + x)), decreasing in T.  t_x when p_alive
 * is at or below the threshold right after the last purchase; INFINITY for a
 * customer without repeat purchases (x = 0: p_alive stays 1) or a threshold
 * of 0 or less.
 */
double
btyd_bgnbd_dormant_age(const BtydBgnbdParams *m, double x, double t_x, double threshold)
{
	double		z;

	if (x <= 0.0 || threshold <= 0.0)
		return INFINITY;
	if (threshold >= 1.0)
		return t_x;
	/* log of ((alpha + T) / (alpha + t_x))^(r + x) where p_alive = threshold */
	z = log1p(-threshold) - log(threshold) + log(m->b + x - 1.0) - log(m->a);
	if (z <= 0.0)
		return t_x;
	return t_x + (m->alpha + t_x) * expm1(z / (m->r + x));
}

/* log(1 + exp(z)) without overflow. */
static double
softplus(double z)
{
	return z > 0.0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* Beta shapes from which the expectation is always integrated (see below). */
#define EXPECT_QUAD_SHAPE	5.0
/* Beyond this s = t / (alpha + T) the series route is slow (up to a second) and fails. */
#define EXPECT_SERIES_MAX_S	1e6
/*
 * Beyond s = EXPECT_CONTINUE_S the series route continues 2F1 analytically
 * (its argument s / (1 + s) is within 0.1 of 1), in a number of steps that
 * grows with the beta shape b + x: integrated instead from EXPECT_CONTINUE_SHAPE.
 */
#define EXPECT_CONTINUE_S	9.0
#define EXPECT_CONTINUE_SHAPE	1000.0
/* Step of the trapezoidal rule in the sinh-mapped variable. */
#define EXPECT_QUAD_STEP	0.05
/* The beta weight is cut off where it falls below exp(-EXPECT_QUAD_DROP) of its peak. */
#define EXPECT_QUAD_DROP	100.0

/*
 * E[Y(t) | alive at T] = E[(1 - (1 + p s)^-R) / p] over p ~ Beta(A, B), with
 * R = r + x, A = a, B = b + x, s = t / (alpha + T): given alive, the
 * purchase rate is Gamma(R, alpha + T), a customer alive with rate lambda
 * and dropout probability p makes (1 - exp(-lambda p t)) / p purchases in t
 * on average, and the mean over lambda is the bracket.
 *
 * Integrated in the log-odds u = log(p / (1 - p)), where the beta weight
 * p^A (1-p)^B is log-concave with its peak at u* = log(A/B) and curvature
 * 1/(1/A + 1/B) there, after the map u = u* + sigma sinh(v) with sigma the
 * peak's width sqrt(1/A + 1/B), at most 1/2:
 * the trapezoidal rule in v (step EXPECT_QUAD_STEP) resolves the peak
 * however narrow (large A and B) and reaches long tails (small A or B) in
 * few steps.  Weights are taken relative to the peak (in logs, so nothing
 * overflows) and the result is the ratio of the weighted sum of the bracket
 * to the sum of the weights, so the beta function is never needed.  About
 * 100 to 450 evaluations; relative accuracy about 1e-14 against mpmath,
 * 1e-10 in extreme corners such as A = 0.001 with B = 10^4.
 */
static double
expected_alive_quad(double R, double A, double B, double s)
{
	const double u_peak = log(A) - log(B);
	const double sigma = fmin(0.5, sqrt(1.0 / A + 1.0 / B));
	const double lw_peak = -A * softplus(-u_peak) - B * softplus(u_peak);
	double		num = 0.0;
	double		den = 0.0;
	int			side;

	for (side = 0; side < 2; side++)
	{
		int			k;

		for (k = side; k < 20000; k++)
		{
			double		v = (side == 0 ? k : -k) * EXPECT_QUAD_STEP;
			double		u = u_peak + sigma * sinh(v);
			double		lp = -softplus(-u);
			double		lw = -A * softplus(-u) - B * softplus(u) - lw_peak;
			double		w;
			double		p;
			double		g;

			if (!(lw >= -EXPECT_QUAD_DROP))
				break;
			w = exp(lw) * cosh(v);
			p = exp(lp);
			/* (1 - (1 + p s)^-R) / p, whose limit at p = 0 is R s */
			if (p * s == 0.0)
				g = R * s;
			else
				g = -expm1(-R * log1p(p * s)) / p;
			num += w * g;
			den += w;
		}
	}
	return num / den;
}

/*
 * E[Y(t) | x, t_x, T] = P(alive) (a+b+x-1)/(a-1)
 *		[1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
 * (Fader, Hardie & Lee 2005, eq. 10).  By Pfaff's transformation the bracket
 * is 1 - 2F1(r+x, a-1; a+b+x-1; -s) with s = t/(alpha+T), so the whole is
 * -P(alive) E(r+x, a-1, a+b+x-1, -s) with E the excess function: no
 * division by a - 1 (finite at a = 1) and no cancellation in 1 - 2F1.
 *
 * That series route fails once the beta shapes a and b + x are both large
 * (from about 30, earlier for large s): the Pfaff factor (1 + s)^-(a-1)
 * underflows while the 2F1 beside it overflows, giving NaN, and short of
 * that it loses digits (1e-9); beyond s = EXPECT_SERIES_MAX_S it takes up
 * to a second before failing.  It is slow too where b + x is large (from
 * EXPECT_CONTINUE_SHAPE) and s beyond EXPECT_CONTINUE_S: 2F1 is continued
 * there in steps whose number grows with b + x (0.4 ms a value at 10^4,
 * 12 ms at 3 x 10^5, the demo's IT services fit over the 60-odd years of an
 * order typed as 1900), and loses digits (1e-6 against mpmath at 3 x 10^5,
 * where the integral is within 1e-10).  There, and wherever the series
 * gives no finite non-negative value, the expectation is integrated over
 * the dropout probability instead (expected_alive_quad), which is stable
 * for any positive parameters and takes a bounded number of steps.  At T =
 * 0 and x = 0 both give E[X(t)] of a new customer (eq. 9).
 */
double
btyd_bgnbd_expected(const BtydBgnbdParams *m, double t, double x, double t_x,
					double T)
{
	double		s;
	double		e = NAN;
	double		A = m->a;
	double		B = m->b + x;

	if (t <= 0.0)
		return 0.0;
	s = t / (m->alpha + T);
	if (!(fmin(A, B) >= EXPECT_QUAD_SHAPE) && s <= EXPECT_SERIES_MAX_S
		&& !(B >= EXPECT_CONTINUE_SHAPE && s > EXPECT_CONTINUE_S))
		e = -btyd_hyp2f1_excess(m->r + x, m->a - 1.0, m->a + m->b + x - 1.0, -s);
	if (!(isfinite(e) && e >= 0.0))
		e = expected_alive_quad(m->r + x, A, B, s);
	return btyd_bgnbd_p_alive(m, x, t_x, T) * e;
}

/*
 * E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
 * (eq. 9): the conditional expectation of a customer with x = t_x = T = 0.
 */
double
btyd_bgnbd_expected_new(const BtydBgnbdParams *m, double t)
{
	return btyd_bgnbd_expected(m, t, 0.0, 0.0, 0.0);
}

/* E[M | x, m] = p (v + x m) / (p x + q - 1), a weighted mean of the population and the customer's own mean. */
double
btyd_gg_expected_spend(const BtydGgParams *m, double x, double mean_value)
{
	double		den = m->p * x + m->q - 1.0;

	if (!(den > 0.0))
		return INFINITY;
	if (x == 0.0)
		return m->p * m->v / den;
	return m->p * (m->v + x * mean_value) / den;
}

/* Discounted sum of expected spend per period (see btyd.h). */
double
btyd_clv(const BtydBgnbdParams *bg, const BtydGgParams *gg, double x,
		 double t_x, double T, double mean_value, int horizon,
		 double discount_rate, double period)
{
	return btyd_clv_stoppable(bg, gg, x, t_x, T, mean_value, horizon,
							  discount_rate, period, NULL, NULL);
}

/* The same, asking stop once per period. */
double
btyd_clv_stoppable(const BtydBgnbdParams *bg, const BtydGgParams *gg, double x,
				   double t_x, double T, double mean_value, int horizon,
				   double discount_rate, double period, BtydStopFn stop,
				   void *stop_arg)
{
	return btyd_clv_spend_stoppable(bg, btyd_gg_expected_spend(gg, x, mean_value),
									x, t_x, T, horizon, discount_rate, period,
									stop, stop_arg);
}

/* The same with the expected spend given. */
double
btyd_clv_spend_stoppable(const BtydBgnbdParams *bg, double spend, double x,
						 double t_x, double T, int horizon,
						 double discount_rate, double period, BtydStopFn stop,
						 void *stop_arg)
{
	double		factor = 1.0 / (1.0 + discount_rate);
	double		disc = 1.0;
	double		prev = 0.0;
	double		total = 0.0;
	int			i;

	if (!isfinite(spend))
		return spend;
	for (i = 1; i <= horizon; i++)
	{
		double		e;

		if (stop != NULL && stop(stop_arg))
			return NAN;
		e = btyd_bgnbd_expected(bg, i * period, x, t_x, T);

		disc *= factor;
		total += spend * (e - prev) * disc;
		prev = e;
	}
	return total;
}
