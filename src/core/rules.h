/*
 * rules.h
 *		The reason rules and approach rules of the priority layer
 *		(dormancy.reason_rules, dormancy.approach_rules): which rule applies
 *		to one customer.
 *
 * Pure computation, no PostgreSQL headers: this file and rules.c build into
 * the unit tests as well as into the server module (src/rules_sql.c reads
 * the tables once per query and calls these per row).
 *
 * Words (evidence words, folded industries and company sizes, reasons) are
 * compared as bytes, as PostgreSQL's text equality does under a
 * deterministic collation.  Each table of distinct words is sorted once
 * (rules_words_prepare); a word is then known by its position in it, its
 * id, and a set of words is a bit set over the ids.
 *
 * The semantics are those of the SQL the functions replace
 * (sql_src/55_priority.sql, docs/priority.md):
 *	- reason rules: the first rule in order whose evidence is contained in
 *	  the customer's (rule.evidence <@ customer.evidence).  Duplicates do not
 *	  matter; a NULL element of a rule's evidence never matches; an empty
 *	  rule evidence matches any customer evidence; a NULL customer evidence
 *	  matches no rule.
 *	- approach rules: the first rule in order with approach_value >=
 *	  min_value (PostgreSQL's float8 order: NaN above every number), whose
 *	  industries, company sizes and reasons lists are NULL (any) or contain
 *	  the customer's (an empty list contains nothing, a NULL value is in no
 *	  list; an industry or size is in a list that holds its own key or its
 *	  alias's), and whose channel the customer can be reached by.
 */
#ifndef DORMANCY_CORE_RULES_H
#define DORMANCY_CORE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A word: bytes, not terminated. */
typedef struct RulesWord
{
	const char *data;
	size_t		len;
} RulesWord;

/*
 * Sort words and drop duplicates, in place; returns the number of distinct
 * words.  A word's id is then its index.
 */
extern int	rules_words_prepare(RulesWord *words, int n);

/* The id of a word in a prepared table, or -1 when it is not there. */
extern int	rules_word_find(const RulesWord *words, int n, const char *data, size_t len);

/* Bit sets over word ids: 64 ids per element. */
#define RULES_SET_SIZE(nwords) (((nwords) + 63) / 64)

static inline void
rules_set_add(uint64_t *set, int id)
{
	set[id / 64] |= (uint64_t) 1 << (id % 64);
}

/* A reason rule, prepared. */
typedef struct ReasonRule
{
	const uint64_t *need;		/* its evidence words, RULES_SET_SIZE long */
	bool		never;			/* a NULL element: matches nothing */
} ReasonRule;

/* Whether every word of need is in have (sets of nset elements). */
extern bool rules_set_contains(const uint64_t *have, const uint64_t *need, int nset);

/*
 * The index of the first rule whose evidence the customer has all of, or -1.
 * have: the customer's evidence words (ids of words not in any rule are
 * irrelevant and left out); NULL when the customer's evidence is NULL.
 */
extern int	reason_rules_first(const ReasonRule *rules, int nrules,
							   const uint64_t *have, int nset);

/* A list of word ids that may be NULL (any value matches). */
typedef struct RulesIdList
{
	bool		any;			/* the list is NULL: every value matches */
	int			n;
	const int32_t *ids;			/* ids of the non-NULL elements */
} RulesIdList;

/* An approach rule, prepared. */
typedef struct ApproachRule
{
	double		min_value;
	RulesIdList industries;		/* ids of lower(btrim(element)) */
	RulesIdList company_sizes;	/* ids of lower(btrim(element)) */
	RulesIdList reasons;		/* ids of the elements */
	bool		needs_phone;	/* channel phone */
	bool		needs_mail;		/* channel email or step_mail */
	bool		has_min_percentile; /* min_value_percentile is not NULL */
	double		min_percentile; /* instead of min_value when the customer has a percentile */
} ApproachRule;

/*
 * A customer's industry or company size among the rules' words: the id of
 * its own key and the id of its alias's key (dormancy.industries,
 * dormancy.company_sizes); -1 for either when NULL, without an alias or in
 * no rule.
 */
typedef struct RulesLabel
{
	int32_t		own;
	int32_t		alias;
} RulesLabel;

#define RULES_NO_LABEL ((RulesLabel) {-1, -1})

/* What the approach rules read about one customer. */
typedef struct ApproachCustomer
{
	bool		has_value;		/* approach_value is not NULL */
	double		value;
	RulesLabel	industry;		/* folded by label_key */
	RulesLabel	company_size;	/* likewise */
	int32_t		reason;			/* id of the likely reason; -1: NULL or in no rule */
	bool		can_phone;		/* false when a phone call cannot reach the customer */
	bool		can_mail;		/* false when (step) mail cannot */
	bool		has_percentile; /* value_percentile from a stored distribution */
	double		percentile;		/* 0 to 100 */
} ApproachCustomer;

/* PostgreSQL's float8 a >= b: NaN equals NaN and is above every number. */
extern bool rules_float8_ge(double a, double b);

/* Whether one approach rule applies to the customer. */
extern bool approach_rule_matches(const ApproachRule *rule, const ApproachCustomer *c);

/* The index of the first approach rule that applies, or -1. */
extern int	approach_rules_first(const ApproachRule *rules, int nrules,
								 const ApproachCustomer *c);

#endif							/* DORMANCY_CORE_RULES_H */
