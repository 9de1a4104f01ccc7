/*
 * rules.c
 *		Reason rules and approach rules: which rule applies to one customer
 *		(rules.h says the semantics).
 */
#include "rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

static int
word_qsort_cmp(const void *pa, const void *pb)
{
	const RulesWord *a = pa;
	const RulesWord *b = pb;

	return bytes_cmp(a->data, a->len, b->data, b->len);
}

int
rules_words_prepare(RulesWord *words, int n)
{
	int			out = 0;

	if (n <= 0)
		return 0;
	qsort(words, (size_t) n, sizeof(RulesWord), word_qsort_cmp);
	for (int i = 0; i < n; i++)
	{
		if (out > 0 && bytes_cmp(words[out - 1].data, words[out - 1].len,
								words[i].data, words[i].len) == 0)
			continue;
		words[out++] = words[i];
	}
	return out;
}

int
rules_word_find(const RulesWord *words, int n, const char *data, size_t len)
{
	int			lo = 0;
	int			hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = bytes_cmp(words[mid].data, words[mid].len, data, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

bool
rules_set_contains(const uint64_t *have, const uint64_t *need, int nset)
{
	for (int i = 0; i < nset; i++)
		if ((need[i] & ~have[i]) != 0)
			return false;
	return true;
}

int
reason_rules_first(const ReasonRule *rules, int nrules, const uint64_t *have, int nset)
{
	if (have == NULL)
		return -1;
	for (int i = 0; i < nrules; i++)
		if (!rules[i].never && rules_set_contains(have, rules[i].need, nset))
			return i;
	return -1;
}

bool
rules_float8_ge(double a, double b)
{
	if (isnan(a))
		return true;
	if (isnan(b))
		return false;
	return a >= b;
}

/* Whether a list is NULL or holds the id (-1 is in no list). */
static bool
list_admits(const RulesIdList *list, int32_t id)
{
	if (list->any)
		return true;
	if (id < 0)
		return false;
	for (int i = 0; i < list->n; i++)
		if (list->ids[i] == id)
			return true;
	return false;
}

/* Whether a list is NULL or holds the label's own key or its alias's. */
static bool
list_admits_label(const RulesIdList *list, RulesLabel label)
{
	return list_admits(list, label.own) || list_admits(list, label.alias);
}

bool
approach_rule_matches(const ApproachRule *rule, const ApproachCustomer *c)
{
	/*
	 * the value: the percentile among your customers once a distribution is
	 * stored and the rule names one, else the amount (min_value)
	 */
	if (rule->has_min_percentile && c->has_percentile)
	{
		if (!rules_float8_ge(c->percentile, rule->min_percentile))
			return false;
	}
	else if (!c->has_value || !rules_float8_ge(c->value, rule->min_value))
		return false;
	if (!list_admits_label(&rule->industries, c->industry) ||
		!list_admits_label(&rule->company_sizes, c->company_size) ||
		!list_admits(&rule->reasons, c->reason))
		return false;
	if (rule->needs_phone && !c->can_phone)
		return false;
	if (rule->needs_mail && !c->can_mail)
		return false;
	return true;
}

int
approach_rules_first(const ApproachRule *rules, int nrules, const ApproachCustomer *c)
{
	for (int i = 0; i < nrules; i++)
		if (approach_rule_matches(&rules[i], c))
			return i;
	return -1;
}
