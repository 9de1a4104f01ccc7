/*
 * test_basis_match.c
 *		Unit tests of the matcher of the score's basis forms
 *		(src/core/basis_match.c), without a server.  Prints TAP; exits
 *		nonzero when a test fails.
 *
 * Build: "make unit".  sql/score_breakdown_label.sql compares the labels it
 * gives with those of regexp_match() on random breakdowns.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "basis_match.h"

static bool
compiles(const char *pattern)
{
	BasisMatch	m;

	return basis_match_compile(pattern, strlen(pattern), &m);
}

/* Whether text matches; capture group (from 1) in buf when it does ("NULL" when unset). */
static bool
matches(const char *pattern, const char *text, int group, char *buf, size_t size)
{
	BasisMatch	m;
	BasisMatchCaptures c;

	if (!basis_match_compile(pattern, strlen(pattern), &m))
	{
		snprintf(buf, size, "(not compiled)");
		return false;
	}
	if (!basis_match_run(&m, text, strlen(text), &c))
		return false;
	if (c.start[group] < 0)
		snprintf(buf, size, "NULL");
	else
		snprintf(buf, size, "%.*s", c.end[group] - c.start[group], text + c.start[group]);
	return true;
}

static bool
capture_is(const char *pattern, const char *text, int group, const char *expected)
{
	char		buf[4096];

	return matches(pattern, text, group, buf, sizeof(buf)) && strcmp(buf, expected) == 0;
}

static bool
no_match(const char *pattern, const char *text)
{
	char		buf[256];

	return compiles(pattern) && !matches(pattern, text, 0, buf, sizeof(buf));
}

static void
test_forms(void)
{
	/* forms of dormancy._score_basis_forms() */
	ok(capture_is("^total_amount (-?[0-9.]+)$", "total_amount -12.50", 1, "-12.50"), "a signed decimal");
	ok(no_match("^total_amount (-?[0-9.]+)$", "total_amount 12x"), "a letter is no digit");
	ok(no_match("^total_amount (-?[0-9.]+)$", "total_amount "), "+ needs one");
	ok(capture_is("^([0-9]+) decline signals?$", "1 decline signal", 1, "1") &&
	   capture_is("^([0-9]+) decline signals?$", "3 decline signals", 1, "3"), "an optional letter");
	ok(no_match("^([0-9]+) decline signals?$", "3 decline signalss"), "only one");
	ok(capture_is("^(active|at_risk|dormant|long_dormant|never_purchased)$", "long_dormant", 1, "long_dormant"),
	   "alternatives");
	ok(no_match("^(active|at_risk|dormant)$", "act") && no_match("^(active|at_risk|dormant)$", "actives"),
	   "an alternative matches whole");
	ok(capture_is("^last deal ([a-z_]+) \\(([a-z_]+)\\)$", "last deal lost (price)", 2, "price") &&
	   capture_is("^last deal ([a-z_]+) \\(([a-z_]+)\\)$", "last deal lost (price)", 1, "lost"),
	   "escaped parentheses, two captures");
	ok(capture_is("^([0-9]+) events? \\(([0-9]+) pricing views?\\) in the last ([0-9]+) days$",
				  "2 events (1 pricing view) in the last 90 days", 3, "90"), "three captures");
	ok(capture_is("^p_alive ([0-9.]+)$", "p_alive 0.8592", 0, "p_alive 0.8592"), "capture 0: the whole text");
}

static void
test_syntax(void)
{
	ok(!compiles("^a|b$"), "a top-level alternative is not taken");
	ok(!compiles("^(a(b))$"), "nested groups are not taken");
	ok(!compiles("^(ab)+$") && !compiles("^(ab)?$") && !compiles("^(ab){2}$"), "a quantified group is not taken");
	ok(!compiles("^a{2}$") && !compiles("^a{2,3}$"), "bounds are not taken");
	ok(!compiles("^\\d+$") && !compiles("^\\w$") && !compiles("^(a)\\1$"), "letter and digit escapes are not taken");
	ok(!compiles("^.$") && !compiles("^a.b$"), ". is not taken (a character may be several bytes)");
	ok(!compiles("^[^a]$"), "a negated set is not taken");
	ok(!compiles("^[[:alpha:]]$") && !compiles("^[[=a=]]$") && !compiles("^[[.a.]]$"), "classes are not taken");
	ok(!compiles("^[\\d]$"), "an escape in brackets is not taken");
	ok(!compiles("^a*?$") && !compiles("^a+?$") && !compiles("^a??$"), "non-greedy quantifiers are not taken");
	ok(!compiles("abc$") && !compiles("^abc") && !compiles("^abc\\$") && !compiles(""), "both anchors are required");
	ok(!compiles("^(?:a)$") && !compiles("^(?=a)a$"), "(? is not taken");
	ok(!compiles("^\xc3\xa9$") && !compiles("^[\xc3\xa9]$"), "non-ASCII patterns are not taken");
	ok(!compiles("^[a$") && !compiles("^(a$") && !compiles("^a)$"), "unbalanced brackets and parentheses");
	ok(!compiles("^*a$") && !compiles("^a^b$") && !compiles("^a$b$"), "a quantifier with nothing before, anchors inside");
	ok(!compiles("^[z-a]$"), "a reversed range");
	ok(compiles("^$") && capture_is("^$", "", 0, "") && no_match("^$", "x"), "the empty expression matches the empty text");
}

static void
test_matching(void)
{
	ok(capture_is("^a*(a)b$", "aaab", 1, "a"), "a greedy item gives back for what follows");
	ok(capture_is("^(a*)(a*)$", "aaa", 1, "aaa") && capture_is("^(a*)(a*)$", "aaa", 2, ""),
	   "the first quantified item takes the longest");
	/* (PostgreSQL prefers the longest alternative here: "xy"; basis_match.h) */
	ok(capture_is("^(x|xy)(y?)$", "xy", 1, "x"), "the first alternative that leads to a match");
	ok(capture_is("^x[]a]y$", "x]y", 0, "x]y") && capture_is("^x[]a]y$", "xay", 0, "xay"), "] first in brackets is a member");
	ok(capture_is("^[a-]$", "-", 0, "-") && capture_is("^[-a]$", "-", 0, "-") && no_match("^[a-]$", "b"),
	   "- first or last in brackets is a member");
	ok(capture_is("^[a-c_]+$", "ab_c", 0, "ab_c") && no_match("^[a-c_]+$", "abd"), "a range and a member");
	ok(no_match("^([a-z_]+)$", "\xc3\xa9") && no_match("^([a-z_]+)$", "ab\xc3\xa9"), "non-ASCII bytes are no members");
	ok(capture_is("^caf(\xc3\xa9)?$", "caf", 1, "NULL") || !compiles("^caf(\xc3\xa9)?$"), "non-ASCII stays out");
	ok(capture_is("^a(b?)c$", "ac", 1, ""), "an empty capture is empty, not unset");
	ok(capture_is("^\\(\\.\\)$", "(.)", 0, "(.)"), "escaped special characters are literal");
	ok(capture_is("^a\\\\$", "a\\", 0, "a\\"), "an escaped backslash before the final $");
	ok(no_match("^ab$", "a") && no_match("^ab$", "abc") && no_match("^ab$", ""), "the whole text, no more, no less");
	{
		char		long_text[2001];

		memset(long_text, '9', 2000);
		long_text[2000] = '\0';
		ok(capture_is("^([0-9]+)$", long_text, 0, long_text), "a long text");
		long_text[1999] = 'x';
		ok(no_match("^([0-9]+) days$", long_text), "a long text that does not match");
	}
}

int
main(void)
{
	test_forms();
	test_syntax();
	test_matching();
	return tap_done();
}
