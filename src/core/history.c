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

/* Add one order row; a negative amount is a refund and only nets the day. */
void
history_day_add_order(HistoryDay *d, double amount, bool amount_known,
					  bool discounted)
{
	if (!amount_known)
	{
		d->orders = add_count(d->orders, 1);
		d->unknown = add_count(d->unknown, 1);
	}
	else if (amount < 0)
	{
		d->refunds = add_count(d->refunds, 1);
		d->amount += amount;
	}
	else
	{
		d->orders = add_count(d->orders, 1);
		d->amount += amount;
		if (amount > d->max_order)
			d->max_order = amount;
	}
	if (discounted && (!amount_known || amount >= 0))
		d->discounted = add_count(d->discounted, 1);
}

/* Fold one entry of the same day into another. */
void
history_day_merge(HistoryDay *dst, const HistoryDay *src)
{
	dst->orders = add_count(dst->orders, src->orders);
	dst->refunds = add_count(dst->refunds, src->refunds);
	dst->unknown = add_count(dst->unknown, src->unknown);
	dst->discounted = add_count(dst->discounted, src->discounted);
	dst->amount += src->amount;
	if (src->max_order > dst->max_order)
		dst->max_order = src->max_order;
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

/* Sort by day and merge duplicates in place; returns the new count. */
int32_t
history_compact(HistoryDay *days, int32_t ndays)
{
	int32_t		out = 0;
	bool		sorted = true;

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

	for (int32_t i = 1; i < ndays; i++)
	{
		if (days[i].day == days[out].day)
			history_day_merge(&days[out], &days[i]);
		else
			days[++out] = days[i];
	}
	return out + 1;
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

/* Why an array is not a valid stored history, or NULL when it is. */
const char *
history_validate(const HistoryDay *days, int32_t ndays)
{
	if (ndays < 0 || ndays > HISTORY_MAX_DAYS)
		return "day count out of range";
	for (int32_t i = 0; i < ndays; i++)
	{
		const HistoryDay *d = &days[i];

		if (i > 0 && d->day <= days[i - 1].day)
			return "days are not in strictly ascending order";
		if (d->orders < 0 || d->refunds < 0 || d->unknown < 0 ||
			d->discounted < 0)
			return "negative count";
		if (d->unknown > d->orders || d->discounted > d->orders)
			return "more unknown or discounted orders than orders";
		if (d->orders == 0 && d->refunds == 0)
			return "day without orders";
		if (d->reserved != 0)
			return "reserved field is not zero";
		if (!isfinite(d->amount))
			return "amount is not finite";
		if (isnan(d->max_order) || d->max_order == INFINITY)
			return "largest order is not a number";
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
 * first) whose amounts are all known, as the Gamma-Gamma model expects.
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
	return true;
}
