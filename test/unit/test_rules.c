/*
 * test_rules.c
 *		Unit tests of the reason and approach rule matching
 *		(src/core/rules.c), without a server.  Prints TAP; exits nonzero
 *		when a test fails.
 *
 * Build: "make unit".  The server-side reading of the tables and the
 * comparison with the SQL the functions replace are in sql/rule_cache.sql.
 */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "rules.h"

#define W(s) {s, sizeof(s) - 1}

static RulesWord words[16];
static int	nwords;

static int
id(const char *s)
{
	return rules_word_find(words, nwords, s, strlen(s));
}

/* A set of the given words (NULL-terminated list). */
static void
make_set(uint64_t *set, int nset, const char *const *list)
{
	memset(set, 0, sizeof(uint64_t) * nset);
	for (; *list != NULL; list++)
		if (id(*list) >= 0)
			rules_set_add(set, id(*list));
}

static void
test_words(void)
{
	RulesWord	w[] = {W("repeat"), W("one_time"), W("repeat"), W("deal_lost"),
	W("deal_lost_x"), W("b\0c"), W("b"), W("")};
	int			n = rules_words_prepare(w, 8);

	ok(n == 7, "duplicates dropped (%d distinct)", n);
	ok(rules_word_find(w, n, "repeat", 6) >= 0, "a word is found");
	ok(rules_word_find(w, n, "repea", 5) == -1, "a prefix is not the word");
	ok(rules_word_find(w, n, "deal_lost_x", 11) != rules_word_find(w, n, "deal_lost", 9),
	   "a longer word is another word");
	ok(rules_word_find(w, n, "b\0c", 3) >= 0 && rules_word_find(w, n, "b", 1) >= 0 &&
	   rules_word_find(w, n, "b\0c", 3) != rules_word_find(w, n, "b", 1),
	   "words are compared as bytes with their length");
	ok(rules_word_find(w, n, "", 0) >= 0, "the empty word is a word");
	ok(rules_word_find(w, n, "Repeat", 6) == -1, "case matters (folding is the caller's)");
	ok(rules_word_find(w, 0, "repeat", 6) == -1, "nothing is in an empty table");
	ok(rules_words_prepare(w, 0) == 0, "an empty table prepares");
}

static void
test_reasons(void)
{
	RulesWord	all[] = {W("deal_lost"), W("deal_reason_competitor"), W("repeat"),
	W("no_engagement"), W("one_time")};
	uint64_t	need[5][1];
	uint64_t	have[1];
	ReasonRule	rules[5];
	const char *r0[] = {"deal_lost", "deal_reason_competitor", NULL};
	const char *r1[] = {"repeat", "no_engagement", NULL};
	const char *r2[] = {"repeat", "repeat", NULL};	/* duplicates */
	const char *r3[] = {NULL};	/* empty evidence */
	const char *r4[] = {"one_time", NULL};

	memcpy(words, all, sizeof(all));
	nwords = rules_words_prepare(words, 5);
	make_set(need[0], 1, r0);
	make_set(need[1], 1, r1);
	make_set(need[2], 1, r2);
	make_set(need[3], 1, r3);
	make_set(need[4], 1, r4);
	for (int i = 0; i < 5; i++)
	{
		rules[i].need = need[i];
		rules[i].never = false;
	}

	{
		const char *h[] = {"deal_lost", "state_dormant", "deal_reason_competitor", NULL};

		make_set(have, 1, h);
		ok(reason_rules_first(rules, 5, have, 1) == 0, "all of the first rule's evidence: the first rule");
	}
	{
		const char *h[] = {"deal_lost", "repeat", NULL};

		make_set(have, 1, h);
		ok(reason_rules_first(rules, 5, have, 1) == 2, "part of a rule's evidence is not enough; duplicates in a rule do not matter");
	}
	{
		const char *h[] = {"repeat", "repeat", "no_engagement", NULL};

		make_set(have, 1, h);
		ok(reason_rules_first(rules, 5, have, 1) == 1, "duplicates in the customer's evidence do not matter");
		rules[1].never = true;
		ok(reason_rules_first(rules, 5, have, 1) == 2, "a rule with a NULL element matches nothing");
		rules[1].never = false;
	}
	{
		const char *h[] = {"one_time", NULL};

		make_set(have, 1, h);
		ok(reason_rules_first(rules, 5, have, 1) == 3, "an empty rule evidence matches any evidence");
		ok(reason_rules_first(rules, 3, have, 1) == -1, "no rule matches: -1");
		ok(reason_rules_first(rules + 4, 1, have, 1) == 0, "one word");
	}
	{
		const char *h[] = {NULL};

		make_set(have, 1, h);
		ok(reason_rules_first(rules, 5, have, 1) == 3, "an empty customer evidence: only an empty rule matches");
		ok(reason_rules_first(rules, 5, NULL, 1) == -1, "a NULL customer evidence matches no rule, not even an empty one");
	}
	ok(reason_rules_first(rules, 0, have, 1) == -1, "no rules: -1");

	/* more than 64 words: sets of two elements */
	{
		uint64_t	big_need[2] = {0, 0};
		uint64_t	big_have[2] = {0, 0};
		ReasonRule	r = {big_need, false};

		rules_set_add(big_need, 3);
		rules_set_add(big_need, 70);
		rules_set_add(big_have, 3);
		ok(reason_rules_first(&r, 1, big_have, 2) == -1, "a word past the first 64 is required");
		rules_set_add(big_have, 70);
		rules_set_add(big_have, 100);
		ok(reason_rules_first(&r, 1, big_have, 2) == 0, "and found");
	}
}

static void
test_approach(void)
{
	int32_t		sizes[] = {0, 1};
	int32_t		inds[] = {2};
	int32_t		reasons[] = {5};
	ApproachRule rules[4];
	ApproachCustomer c;

	memset(rules, 0, sizeof(rules));
	/* visit: >= 1e6, sizes {0,1} */
	rules[0].min_value = 1e6;
	rules[0].industries.any = true;
	rules[0].company_sizes = (RulesIdList) {false, 2, sizes};
	rules[0].reasons.any = true;
	/* phone: >= 3e5 */
	rules[1].min_value = 3e5;
	rules[1].industries.any = rules[1].company_sizes.any = rules[1].reasons.any = true;
	rules[1].needs_phone = true;
	/* step mail: industry 2, reason 5 */
	rules[2].min_value = 0;
	rules[2].industries = (RulesIdList) {false, 1, inds};
	rules[2].company_sizes.any = true;
	rules[2].reasons = (RulesIdList) {false, 1, reasons};
	rules[2].needs_mail = true;
	/* email: empty industries list: matches nothing */
	rules[3].min_value = 0;
	rules[3].industries = (RulesIdList) {false, 0, NULL};
	rules[3].company_sizes.any = rules[3].reasons.any = true;

	c = (ApproachCustomer) {true, 2e6, RULES_NO_LABEL, {1, -1}, 5, true, true, false, 0};
	ok(approach_rules_first(rules, 4, &c) == 0, "value and size: the first rule");
	c.company_size = RULES_NO_LABEL;
	ok(approach_rules_first(rules, 4, &c) == 1, "a NULL size is in no list: the next rule");
	c.can_phone = false;
	ok(approach_rules_first(rules, 4, &c) == -1, "unreachable by phone; industry NULL; empty list: none");
	c.industry = (RulesLabel) {2, -1};
	ok(approach_rules_first(rules, 4, &c) == 2, "industry and reason in the lists");
	c.can_mail = false;
	ok(approach_rules_first(rules, 4, &c) == -1, "unreachable by mail");
	c = (ApproachCustomer) {true, 1e6, RULES_NO_LABEL, {0, -1}, -1, true, true, false, 0};
	ok(approach_rules_first(rules, 4, &c) == 0, "min_value is inclusive");
	c.value = nextafter(1e6, 0);
	ok(approach_rules_first(rules, 4, &c) == 1, "just below min_value");
	c.has_value = false;
	ok(approach_rules_first(rules, 4, &c) == -1, "a NULL value matches no rule");
	c.has_value = true;
	c.value = NAN;
	ok(approach_rules_first(rules, 4, &c) == 0, "NaN is above every min_value (PostgreSQL's order)");
	c.value = -0.0;
	c.industry = (RulesLabel) {2, -1};
	c.reason = 5;
	ok(approach_rules_first(rules, 4, &c) == 2, "-0 >= 0");
	c.reason = 4;
	ok(approach_rules_first(rules, 4, &c) == -1, "a reason not in the list");
	ok(approach_rules_first(rules, 0, &c) == -1, "no rules: -1");

	/*
	 * an industry is in a list that names its own key or its alias's: a
	 * label named by no rule reaches rule 2 through its alias; a label that
	 * some rule names (own id 3, not in rule 2's list) still does
	 */
	c = (ApproachCustomer) {true, 0, {-1, 2}, RULES_NO_LABEL, 5, false, true, false, 0};
	ok(approach_rules_first(rules, 4, &c) == 2, "the alias's key in the list");
	c.industry = (RulesLabel) {3, 2};
	ok(approach_rules_first(rules, 4, &c) == 2, "a label some other rule names keeps its alias");
	c.industry = (RulesLabel) {3, -1};
	ok(approach_rules_first(rules, 4, &c) == -1, "neither key in the list");
	c.industry = (RulesLabel) {-1, -1};
	c.company_size = (RulesLabel) {7, 1};
	c.value = 2e6;
	ok(approach_rules_first(rules, 4, &c) == 0, "a size through its alias");

	/* the percentile, once a distribution is stored, instead of min_value */
	rules[0].has_min_percentile = true;
	rules[0].min_percentile = 95;
	c = (ApproachCustomer) {true, 10, RULES_NO_LABEL, {0, -1}, -1, true, true, true, 95};
	ok(approach_rules_first(rules, 4, &c) == 0, "a small amount at the 95th percentile: the percentile rule");
	c.percentile = 94.9;
	ok(approach_rules_first(rules, 4, &c) == -1, "below the percentile: not that rule (nor the amount rules)");
	c.has_percentile = false;
	c.value = 2e6;
	ok(approach_rules_first(rules, 4, &c) == 0, "no distribution stored: min_value decides");
	c.value = 10;
	ok(approach_rules_first(rules, 4, &c) == -1, "no distribution stored, a small amount: no rule");
	c.has_percentile = true;
	c.percentile = 99;
	c.has_value = false;
	ok(approach_rules_first(rules, 4, &c) == 0, "a percentile rule does not need the amount");
	rules[0].has_min_percentile = false;
	c.has_value = true;
	c.value = 10;
	ok(approach_rules_first(rules, 4, &c) == -1, "a rule without a percentile compares the amount even with one");

	ok(rules_float8_ge(NAN, NAN) && rules_float8_ge(NAN, INFINITY) && !rules_float8_ge(INFINITY, NAN) &&
	   rules_float8_ge(1, 1) && !rules_float8_ge(0, 1), "float8 >= as PostgreSQL orders it");
}

int
main(void)
{
	test_words();
	test_reasons();
	test_approach();
	return tap_done();
}
