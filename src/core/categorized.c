/*
 * categorized.c
 *		The state of the categorized_history aggregate: a customer's orders
 *		per category, finished into the customer's history, its categories
 *		and each category's last purchase day (see categorized.h).
 */
#include "categorized.h"

#include <string.h>

/* Up to this many slots a linear search finds a category; beyond, the index. */
#define LINEAR_SLOTS 8

/*
 * First entries of a slot's HistoryAcc: the rows without a category (all of
 * them when no category is bound) start like purchase_history's state, a
 * category's smaller (memory follows the distinct customer-category days).
 */
#define CUSTOMER_CAPACITY 8

/* Up to this many slots the final step merges the finished days directly. */
#define MERGE_SLOTS 16
#define CATEGORY_CAPACITY 4

/* FNV-1a over the name's bytes; the NULL category hashes apart. */
static uint32_t
hash_name(const char *name, size_t len, bool has_name)
{
	uint32_t	h = 2166136261u;

	if (!has_name)
		return 0x9e3779b9u;
	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) name[i];
		h *= 16777619u;
	}
	return h;
}

static bool
slot_matches(const CategorySlot *s, const char *name, size_t len, bool has_name,
			 uint32_t hash)
{
	if (s->has_name != has_name)
		return false;
	if (!has_name)
		return true;
	return s->hash == hash && s->name_len == len &&
		(len == 0 || memcmp(s->name, name, len) == 0);
}

void
categorized_acc_init(CategorizedAcc *acc, HistoryReallocFn realloc_fn, void *ctx)
{
	memset(acc, 0, sizeof(CategorizedAcc));
	acc->realloc_fn = realloc_fn;
	acc->realloc_ctx = ctx;
	acc->last = -1;
}

static void
free_slot(CategorizedAcc *acc, CategorySlot *s)
{
	history_acc_free(&s->acc);
	if (s->name != NULL)
		acc->realloc_fn(acc->realloc_ctx, s->name, 0);
	s->name = NULL;
}

void
categorized_acc_free(CategorizedAcc *acc)
{
	for (int32_t i = 0; i < acc->nslots; i++)
		free_slot(acc, &acc->slots[i]);
	if (acc->slots != NULL && acc->slots != &acc->inline_slot)
		acc->realloc_fn(acc->realloc_ctx, acc->slots, 0);
	acc->inline_days_used = false;
	if (acc->index != NULL)
		acc->realloc_fn(acc->realloc_ctx, acc->index, 0);
	acc->slots = NULL;
	acc->index = NULL;
	acc->nslots = acc->capacity = acc->index_cap = 0;
	acc->last = -1;
}

const char *const CATEGORIZED_ERR_AS_OF_DIFFERS = "as_of differs";

const char *
categorized_acc_set_as_of(CategorizedAcc *acc, int32_t as_of_day)
{
	if (acc->has_as_of)
		return acc->as_of_day == as_of_day ? NULL : CATEGORIZED_ERR_AS_OF_DIFFERS;
	acc->has_as_of = true;
	acc->as_of_day = as_of_day;
	return NULL;
}

/* Put slot 'i' into the index (which has room). */
static void
index_insert(CategorizedAcc *acc, int32_t i)
{
	uint32_t	mask = (uint32_t) acc->index_cap - 1;
	uint32_t	pos = acc->slots[i].hash & mask;

	while (acc->index[pos] >= 0)
		pos = (pos + 1) & mask;
	acc->index[pos] = i;
}

/* (Re)build the index at a size that keeps it at most half full. */
static void
index_rebuild(CategorizedAcc *acc)
{
	int32_t		cap = 16;

	while (cap < 4 * acc->nslots)
		cap *= 2;
	if (acc->index != NULL)
		acc->realloc_fn(acc->realloc_ctx, acc->index, 0);
	acc->index = acc->realloc_fn(acc->realloc_ctx, NULL, sizeof(int32_t) * (size_t) cap);
	acc->index_cap = cap;
	for (int32_t k = 0; k < cap; k++)
		acc->index[k] = -1;
	for (int32_t i = 0; i < acc->nslots; i++)
		index_insert(acc, i);
}

/* The slot of a category, made when missing; NULL only when out of slots. */
static CategorySlot *
find_slot(CategorizedAcc *acc, const char *name, size_t len, bool has_name)
{
	uint32_t	hash;
	CategorySlot *s;

	/* rows of one category usually come together */
	if (acc->last >= 0)
	{
		s = &acc->slots[acc->last];
		if (s->has_name == has_name &&
			(!has_name || (s->name_len == len &&
						   (len == 0 || memcmp(s->name, name, len) == 0))))
			return s;
	}
	if (acc->index_cap == 0)
	{
		/* few categories: compare lengths and bytes, no hash to compute */
		for (int32_t i = 0; i < acc->nslots; i++)
		{
			s = &acc->slots[i];
			if (s->has_name == has_name &&
				(!has_name || (s->name_len == len &&
							   (len == 0 || memcmp(s->name, name, len) == 0))))
			{
				acc->last = i;
				return s;
			}
		}
		hash = hash_name(name, len, has_name);
	}
	else
	{
		uint32_t	mask = (uint32_t) acc->index_cap - 1;

		hash = hash_name(name, len, has_name);
		for (uint32_t pos = hash & mask; acc->index[pos] >= 0; pos = (pos + 1) & mask)
			if (slot_matches(&acc->slots[acc->index[pos]], name, len, has_name, hash))
			{
				acc->last = acc->index[pos];
				return &acc->slots[acc->last];
			}
	}

	/* a new category */
	if (len > UINT32_MAX || acc->nslots >= INT32_MAX / 4)
		return NULL;
	if (acc->nslots == acc->capacity)
	{
		/* the first slot inside the struct; from the second on, an array */
		if (acc->capacity == 0)
		{
			acc->slots = &acc->inline_slot;
			acc->capacity = 1;
		}
		else if (acc->slots == &acc->inline_slot)
		{
			acc->slots = acc->realloc_fn(acc->realloc_ctx, NULL, sizeof(CategorySlot) * 4);
			memcpy(acc->slots, &acc->inline_slot, sizeof(CategorySlot) * (size_t) acc->nslots);
			acc->capacity = 4;
		}
		else
		{
			int32_t		cap = acc->capacity * 2;

			acc->slots = acc->realloc_fn(acc->realloc_ctx, acc->slots,
										 sizeof(CategorySlot) * (size_t) cap);
			acc->capacity = cap;
		}
	}
	s = &acc->slots[acc->nslots];
	memset(s, 0, sizeof(CategorySlot));
	s->has_name = has_name;
	s->hash = hash;
	if (has_name)
	{
		s->name_len = (uint32_t) len;
		s->name = acc->realloc_fn(acc->realloc_ctx, NULL, len > 0 ? len : 1);
		if (len > 0)
			memcpy(s->name, name, len);
	}
	/*
	 * The first slot's days start inside the struct; a customer's category
	 * has a few days, all of its orders more.
	 */
	if (!acc->inline_days_used)
	{
		history_acc_init_buffer(&s->acc, acc->inline_days, CATEGORIZED_INLINE_DAYS,
								acc->realloc_fn, acc->realloc_ctx);
		acc->inline_days_used = true;
	}
	else
		history_acc_init(&s->acc, has_name ? CATEGORY_CAPACITY : CUSTOMER_CAPACITY,
						 acc->realloc_fn, acc->realloc_ctx);
	acc->last = acc->nslots++;
	if (acc->index_cap > 0 && 2 * acc->nslots <= acc->index_cap)
		index_insert(acc, acc->last);
	else if (acc->nslots > LINEAR_SLOTS)
		index_rebuild(acc);
	return s;
}

const char *
categorized_acc_add_order(CategorizedAcc *acc, const char *name, size_t name_len,
						  bool has_name, bool have_day, int32_t day,
						  double amount, bool amount_known, bool discounted)
{
	CategorySlot *s = find_slot(acc, name, name_len, has_name);

	if (s == NULL)
		return HISTORY_ERR_TOO_MANY_DAYS;
	if (acc->order_rows < INT64_MAX)
		acc->order_rows++;
	if (!have_day)
		return NULL;
	return history_acc_add_order(&s->acc, day, amount, amount_known, discounted);
}

const char *
categorized_acc_combine(CategorizedAcc *dst, const CategorizedAcc *src)
{
	if (src->has_as_of && categorized_acc_set_as_of(dst, src->as_of_day) != NULL)
		return CATEGORIZED_ERR_AS_OF_DIFFERS;
	dst->order_rows = src->order_rows > INT64_MAX - dst->order_rows
		? INT64_MAX : dst->order_rows + src->order_rows;
	for (int32_t i = 0; i < src->nslots; i++)
	{
		const CategorySlot *from = &src->slots[i];
		CategorySlot *to = find_slot(dst, from->name, from->name_len, from->has_name);
		const char *err;

		if (to == NULL)
			return HISTORY_ERR_TOO_MANY_DAYS;
		if ((err = history_acc_combine(&to->acc, &from->acc)) != NULL)
			return err;
	}
	return NULL;
}

/* ---------- serialization ---------- */

/*
 * Layout, native byte order (states only travel between the processes of one
 * server): int64 order_rows, int32 has_as_of, int32 as_of_day, int32 nslots;
 * then per slot int32 has_name, uint32 name_len, the name's bytes, uint64 the
 * length of the slot's HistoryAcc bytes, and those bytes.
 */
#define HEADER_SIZE (sizeof(int64_t) + 3 * sizeof(int32_t))
#define SLOT_HEADER_SIZE (2 * sizeof(int32_t))

const char *
categorized_acc_serial_size(CategorizedAcc *acc, size_t *size)
{
	size_t		n = HEADER_SIZE;

	for (int32_t i = 0; i < acc->nslots; i++)
	{
		CategorySlot *s = &acc->slots[i];
		const char *err = history_acc_compact(&s->acc);

		if (err != NULL)
			return err;
		n += SLOT_HEADER_SIZE + s->name_len + sizeof(uint64_t) +
			history_acc_serial_size(&s->acc);
	}
	*size = n;
	return NULL;
}

void
categorized_acc_serialize(const CategorizedAcc *acc, void *buf)
{
	char	   *p = buf;
	int32_t		flag = acc->has_as_of ? 1 : 0;

	memcpy(p, &acc->order_rows, sizeof(int64_t));
	p += sizeof(int64_t);
	memcpy(p, &flag, sizeof(int32_t));
	p += sizeof(int32_t);
	memcpy(p, &acc->as_of_day, sizeof(int32_t));
	p += sizeof(int32_t);
	memcpy(p, &acc->nslots, sizeof(int32_t));
	p += sizeof(int32_t);
	for (int32_t i = 0; i < acc->nslots; i++)
	{
		const CategorySlot *s = &acc->slots[i];
		int32_t		has_name = s->has_name ? 1 : 0;
		uint64_t	acc_len = history_acc_serial_size(&s->acc);

		memcpy(p, &has_name, sizeof(int32_t));
		p += sizeof(int32_t);
		memcpy(p, &s->name_len, sizeof(uint32_t));
		p += sizeof(uint32_t);
		if (s->name_len > 0)
			memcpy(p, s->name, s->name_len);
		p += s->name_len;
		memcpy(p, &acc_len, sizeof(uint64_t));
		p += sizeof(uint64_t);
		history_acc_serialize(&s->acc, p);
		p += acc_len;
	}
}

const char *
categorized_acc_deserialize(CategorizedAcc *acc, const void *buf, size_t len)
{
	const char *p = buf;
	const char *end = p + len;
	int64_t		order_rows;
	int32_t		has_as_of,
				as_of_day,
				nslots;

	if (len < HEADER_SIZE)
		return "truncated header";
	memcpy(&order_rows, p, sizeof(int64_t));
	p += sizeof(int64_t);
	memcpy(&has_as_of, p, sizeof(int32_t));
	p += sizeof(int32_t);
	memcpy(&as_of_day, p, sizeof(int32_t));
	p += sizeof(int32_t);
	memcpy(&nslots, p, sizeof(int32_t));
	p += sizeof(int32_t);
	if (order_rows < 0 || (has_as_of != 0 && has_as_of != 1) || nslots < 0)
		return "malformed header";
	if (has_as_of && categorized_acc_set_as_of(acc, as_of_day) != NULL)
		return CATEGORIZED_ERR_AS_OF_DIFFERS;
	acc->order_rows = order_rows > INT64_MAX - acc->order_rows
		? INT64_MAX : acc->order_rows + order_rows;
	for (int32_t i = 0; i < nslots; i++)
	{
		int32_t		has_name;
		uint32_t	name_len;
		uint64_t	acc_len;
		const char *name;
		CategorySlot *s;
		const char *err;

		if ((size_t) (end - p) < SLOT_HEADER_SIZE)
			return "truncated category";
		memcpy(&has_name, p, sizeof(int32_t));
		p += sizeof(int32_t);
		memcpy(&name_len, p, sizeof(uint32_t));
		p += sizeof(uint32_t);
		if ((has_name != 0 && has_name != 1) || (!has_name && name_len != 0))
			return "malformed category";
		if ((size_t) (end - p) < (size_t) name_len + sizeof(uint64_t))
			return "truncated category";
		name = p;
		p += name_len;
		memcpy(&acc_len, p, sizeof(uint64_t));
		p += sizeof(uint64_t);
		if ((uint64_t) (end - p) < acc_len)
			return "truncated category history";
		s = find_slot(acc, name, name_len, has_name != 0);
		if (s == NULL)
			return HISTORY_ERR_TOO_MANY_DAYS;
		if ((err = history_acc_deserialize(&s->acc, p, (size_t) acc_len)) != NULL)
			return err;
		p += acc_len;
	}
	if (p != end)
		return "trailing bytes";
	return NULL;
}

/* ---------- the final step ---------- */

/* Stable merge sort of slot numbers by their names under cmp. */
static void
sort_slots(const CategorySlot *slots, int32_t *order, int32_t *tmp, int32_t n,
		   CategoryCompareFn cmp, void *ctx)
{
	int32_t		mid = n / 2,
				i = 0,
				j,
				k = 0;

	if (n < 2)
		return;
	sort_slots(slots, order, tmp, mid, cmp, ctx);
	sort_slots(slots, order + mid, tmp, n - mid, cmp, ctx);
	j = mid;
	while (i < mid && j < n)
	{
		const CategorySlot *a = &slots[order[i]];
		const CategorySlot *b = &slots[order[j]];

		if (cmp(ctx, b->name, b->name_len, a->name, a->name_len) < 0)
			tmp[k++] = order[j++];
		else
			tmp[k++] = order[i++];
	}
	while (i < mid)
		tmp[k++] = order[i++];
	while (j < n)
		tmp[k++] = order[j++];
	memcpy(order, tmp, sizeof(int32_t) * (size_t) n);
}

/* The last purchase day on or before as_of of compact days. */
static bool
last_purchase_day(const HistoryDay *days, int32_t ndays, int32_t as_of_day,
				  int32_t *last)
{
	for (int32_t i = ndays - 1; i >= 0; i--)
	{
		if (days[i].day > as_of_day)
			continue;
		if (history_day_is_purchase(&days[i]))
		{
			*last = days[i].day;
			return true;
		}
	}
	return false;
}

/* Sort the named slots, merge equal ones, put the NULL slot last. */
static const char *
order_slots(CategorizedAcc *acc, CategoryCompareFn cmp, void *cmp_ctx,
			HistoryReallocFn scratch_fn, void *scratch_ctx, int32_t *ncategories)
{
	int32_t		n = acc->nslots;
	int32_t    *order;
	CategorySlot *sorted;
	int32_t		named = 0,
				out = 0;
	const char *err = NULL;

	*ncategories = 0;
	if (n == 0)
		return NULL;
	if (n == 1)
	{
		/* one slot (no category bound, or one category): already in order */
		*ncategories = acc->slots[0].has_name ? 1 : 0;
		return NULL;
	}
	order = scratch_fn(scratch_ctx, NULL, sizeof(int32_t) * 2 * (size_t) n);
	sorted = scratch_fn(scratch_ctx, NULL, sizeof(CategorySlot) * (size_t) n);
	for (int32_t i = 0; i < n; i++)
		if (acc->slots[i].has_name)
			order[named++] = i;
	sort_slots(acc->slots, order, order + n, named, cmp, cmp_ctx);

	for (int32_t i = 0; i < named; i++)
	{
		CategorySlot *s = &acc->slots[order[i]];

		/* a collation may call different bytes equal: one category, as in GROUP BY */
		if (out > 0 && err == NULL &&
			cmp(cmp_ctx, sorted[out - 1].name, sorted[out - 1].name_len,
				s->name, s->name_len) == 0)
		{
			err = history_acc_combine(&sorted[out - 1].acc, &s->acc);
			free_slot(acc, s);
			continue;
		}
		sorted[out++] = *s;
	}
	*ncategories = out;
	for (int32_t i = 0; i < n; i++)
		if (!acc->slots[i].has_name)
			sorted[out++] = acc->slots[i];
	memcpy(acc->slots, sorted, sizeof(CategorySlot) * (size_t) out);
	acc->nslots = out;
	scratch_fn(scratch_ctx, sorted, 0);
	scratch_fn(scratch_ctx, order, 0);

	/* slot numbers changed: drop the index and the last hit */
	if (acc->index != NULL)
		acc->realloc_fn(acc->realloc_ctx, acc->index, 0);
	acc->index = NULL;
	acc->index_cap = 0;
	acc->last = -1;
	if (err == NULL && acc->nslots > LINEAR_SLOTS)
		index_rebuild(acc);
	return err;
}

/*
 * The union of a few categories: finish each into one buffer, then merge the
 * sorted day arrays, each day folded as history_acc_add_days and
 * history_acc_finish fold it (counts merged into a fresh day, the amounts
 * summed exactly and rounded once), so the bits are the same.
 */
static const char *
merge_finished(CategorizedAcc *acc, int64_t total, HistoryReallocFn scratch_fn,
			   void *scratch_ctx, HistoryDay **days, int32_t *ndays)
{
	HistoryDay *fin;
	HistoryDay *out;
	int32_t		pos[MERGE_SLOTS],
				end[MERGE_SLOTS];
	int32_t		off = 0,
				n = 0;
	const char *err = NULL;

	if (total > HISTORY_MAX_DAYS * (int64_t) MERGE_SLOTS)
		return HISTORY_ERR_TOO_MANY_DAYS;
	fin = scratch_fn(scratch_ctx, NULL, sizeof(HistoryDay) * (size_t) (total > 0 ? total : 1));
	for (int32_t i = 0; i < acc->nslots && err == NULL; i++)
	{
		CategorySlot *s = &acc->slots[i];
		int32_t		nd;

		if (s->acc.ndays > HISTORY_MAX_DAYS)
			err = HISTORY_ERR_TOO_MANY_DAYS;
		else if ((err = history_acc_finish(&s->acc, fin + off, &nd)) == NULL)
		{
			if (s->has_name)
				s->has_last = acc->has_as_of &&
					last_purchase_day(fin + off, nd, acc->as_of_day, &s->last_day);
			pos[i] = off;
			end[i] = off + nd;
			off += nd;
		}
	}
	if (err != NULL)
	{
		scratch_fn(scratch_ctx, fin, 0);
		return err;
	}

	out = scratch_fn(scratch_ctx, NULL, sizeof(HistoryDay) * (size_t) (total > 0 ? total : 1));
	for (;;)
	{
		int32_t		day = 0;
		bool		any = false;
		int			contributors = 0;
		double		single = 0;
		HistoryDay	d;
		HistorySum	sum;

		for (int32_t i = 0; i < acc->nslots; i++)
			if (pos[i] < end[i] && (!any || fin[pos[i]].day < day))
			{
				day = fin[pos[i]].day;
				any = true;
			}
		if (!any)
			break;
		history_day_init(&d, day);
		history_sum_init(&sum);
		for (int32_t i = 0; i < acc->nslots; i++)
			if (pos[i] < end[i] && fin[pos[i]].day == day)
			{
				const HistoryDay *src = &fin[pos[i]++];

				history_day_merge(&d, src);
				if (!history_sum_add_double(&sum, src->amount))
					err = HISTORY_ERR_OUT_OF_RANGE;
				single = src->amount;
				contributors++;
			}
		/* one finite nonzero double is its own exact sum; zero rounds to +0.0 */
		if (contributors == 1 && single != 0)
			d.amount = single;
		else if (err == NULL && !history_sum_round(&sum, &d.amount))
			err = HISTORY_ERR_OUT_OF_RANGE;
		if (err != NULL)
			break;
		out[n++] = d;
	}
	scratch_fn(scratch_ctx, fin, 0);
	if (err == NULL && n > HISTORY_MAX_DAYS)
		err = HISTORY_ERR_TOO_MANY_DAYS;
	if (err != NULL)
	{
		scratch_fn(scratch_ctx, out, 0);
		return err;
	}
	*days = out;
	*ndays = n;
	return NULL;
}

const char *
categorized_acc_finish(CategorizedAcc *acc, CategoryCompareFn cmp, void *cmp_ctx,
					   HistoryReallocFn scratch_fn, void *scratch_ctx,
					   HistoryDay **days, int32_t *ndays, int32_t *ncategories)
{
	HistoryAcc	all;
	HistoryDay *buf = NULL;
	size_t		buf_cap = 0;
	int64_t		total = 0;
	const char *err;

	*days = NULL;
	*ndays = 0;
	if ((err = order_slots(acc, cmp, cmp_ctx, scratch_fn, scratch_ctx, ncategories)) != NULL)
		return err;
	for (int32_t i = 0; i < acc->nslots; i++)
	{
		if ((err = history_acc_compact(&acc->slots[i].acc)) != NULL)
			return err;
		total += acc->slots[i].acc.ndays;
	}

	/* one slot (no category bound, or one category): its days are the answer */
	if (acc->nslots <= 1)
	{
		CategorySlot *s = acc->nslots == 1 ? &acc->slots[0] : NULL;

		if (total > HISTORY_MAX_DAYS)
			return HISTORY_ERR_TOO_MANY_DAYS;
		buf = scratch_fn(scratch_ctx, NULL, sizeof(HistoryDay) * (size_t) (total > 0 ? total : 1));
		if (s != NULL)
		{
			if ((err = history_acc_finish(&s->acc, buf, ndays)) != NULL)
			{
				scratch_fn(scratch_ctx, buf, 0);
				return err;
			}
			if (s->has_name)
				s->has_last = acc->has_as_of &&
					last_purchase_day(buf, *ndays, acc->as_of_day, &s->last_day);
		}
		*days = buf;
		return NULL;
	}

	/*
	 * Several: finish each (amounts rounded per category, as a stored
	 * category history has them), then sum the finished days exactly: the
	 * union purchase_history_union makes.  A few categories merge their
	 * sorted days directly; many go through a HistoryAcc.
	 */
	if (acc->nslots <= MERGE_SLOTS)
		return merge_finished(acc, total, scratch_fn, scratch_ctx, days, ndays);
	history_acc_init(&all, total > INT32_MAX / 2 ? INT32_MAX / 2 : (int32_t) total,
					 scratch_fn, scratch_ctx);
	for (int32_t i = 0; i < acc->nslots && err == NULL; i++)
	{
		CategorySlot *s = &acc->slots[i];
		int32_t		n;

		if (s->acc.ndays > HISTORY_MAX_DAYS)
		{
			err = HISTORY_ERR_TOO_MANY_DAYS;
			break;
		}
		if ((size_t) s->acc.ndays > buf_cap || buf == NULL)
		{
			buf_cap = s->acc.ndays > 0 ? (size_t) s->acc.ndays : 1;
			buf = scratch_fn(scratch_ctx, buf, sizeof(HistoryDay) * buf_cap);
		}
		if ((err = history_acc_finish(&s->acc, buf, &n)) != NULL)
			break;
		if (s->has_name)
			s->has_last = acc->has_as_of &&
				last_purchase_day(buf, n, acc->as_of_day, &s->last_day);
		err = history_acc_add_days(&all, buf, n);
	}
	if (buf != NULL)
		scratch_fn(scratch_ctx, buf, 0);
	if (err == NULL)
		err = history_acc_compact(&all);
	if (err == NULL && all.ndays > HISTORY_MAX_DAYS)
		err = HISTORY_ERR_TOO_MANY_DAYS;
	if (err == NULL)
	{
		*days = scratch_fn(scratch_ctx, NULL,
						   sizeof(HistoryDay) * (size_t) (all.ndays > 0 ? all.ndays : 1));
		err = history_acc_finish(&all, *days, ndays);
		if (err != NULL)
		{
			scratch_fn(scratch_ctx, *days, 0);
			*days = NULL;
			*ndays = 0;
		}
	}
	history_acc_free(&all);
	return err;
}
