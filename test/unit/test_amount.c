/*
 * test_amount.c
 *		Unit tests of src/core/amount.c: a numeric's base-10000 digits as the
 *		double strtod() gives for the same decimal, and the +-1e15 range.
 *		Prints TAP; exits nonzero when a test fails.  sql/numeric_amount.sql
 *		checks the server function against numeric::float8 on random values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "amount.h"

/* the decimal text of a numeric given by its digits, as numeric_out would write it */
static void
to_text(bool negative, int weight, const uint16_t *digits, int ndigits, char *buf)
{
	char	   *p = buf;

	if (negative)
		*p++ = '-';
	*p++ = '0';
	*p++ = '.';
	for (int i = 0; i < ndigits; i++)
		p += sprintf(p, "%04u", (unsigned) digits[i]);
	sprintf(p, "e%d", 4 * (weight + 1));
}

static void
check(bool negative, int weight, const uint16_t *digits, int ndigits, const char *what)
{
	char		text[128];
	double		got = 0,
				want;
	AmountResult r = amount_from_base10000(negative, weight, digits, ndigits, &got);

	to_text(negative, weight, digits, ndigits, text);
	want = strtod(text, NULL);
	if (r == AMOUNT_SLOW)
		ok(true, "%s: %s left to the slow path", what, text);
	else if (fabs(want) > AMOUNT_LIMIT)
		ok(r == AMOUNT_OUT_OF_RANGE, "%s: %s out of range", what, text);
	else
		ok(r == AMOUNT_OK && memcmp(&got, &want, sizeof(double)) == 0,
		   "%s: %s gives %.17g (strtod %.17g)", what, text, got, want);
}

int
main(void)
{
	uint16_t	d[4] = {0};
	int			fast = 0,
				slow = 0,
				wrong = 0;
	double		v;

	/* zero, small integers, cents, the limits */
	check(false, 0, d, 0, "zero");
	d[0] = 1234;
	check(false, 0, d, 1, "integer");
	check(true, 0, d, 1, "negative integer");
	d[0] = 12;
	d[1] = 3400;
	check(false, 0, d, 2, "cents");
	d[0] = 1000;
	check(false, 3, d, 1, "1e15");
	ok(amount_from_base10000(false, 3, d, 1, &v) == AMOUNT_OK && v == 1e15, "1e15 is usable");
	ok(amount_from_base10000(true, 3, d, 1, &v) == AMOUNT_OK && v == -1e15, "-1e15 is usable");
	d[0] = 1000;
	d[1] = 0;
	d[2] = 0;
	d[3] = 1;
	ok(amount_from_base10000(false, 3, d, 4, &v) == AMOUNT_OUT_OF_RANGE, "1e15 + 1 is out of range");
	d[0] = 1000;
	d[1] = 1;
	ok(amount_from_base10000(false, 3, d, 2, &v) == AMOUNT_OUT_OF_RANGE, "1e15 + 1e8 is out of range");
	d[0] = 1;
	ok(amount_from_base10000(false, 4, d, 1, &v) == AMOUNT_OUT_OF_RANGE, "1e16 is out of range");
	for (int i = 0; i < 4; i++)
		d[i] = 9999;
	check(false, -1, d, 4, "16 nines after the point");
	ok(amount_from_base10000(false, -1, d, 4, &v) == AMOUNT_SLOW, "a mantissa of 2^53 or more is left to the slow path");
	d[0] = 1;
	ok(amount_from_base10000(false, -7, d, 1, &v) == AMOUNT_SLOW, "10^-28 is left to the slow path");
	check(false, -6, d, 1, "10^-24");
	check(false, -5, d, 1, "10^-20");

	/* random digits and weights: every fast answer equals strtod's */
	srand(42);
	for (int n = 0; n < 2000000; n++)
	{
		int			nd = 1 + rand() % 4;
		int			w = -6 + rand() % 11;
		bool		neg = rand() % 2;
		char		text[128];
		double		want;
		AmountResult r;

		for (int i = 0; i < nd; i++)
			d[i] = (uint16_t) (rand() % 10000);
		if (d[nd - 1] == 0)
			d[nd - 1] = 1;		/* numeric strips trailing zero digits */
		r = amount_from_base10000(neg, w, d, nd, &v);
		to_text(neg, w, d, nd, text);
		want = strtod(text, NULL);
		if (r == AMOUNT_SLOW)
			slow++;
		else if (r == AMOUNT_OUT_OF_RANGE)
			wrong += fabs(want) <= AMOUNT_LIMIT;
		else
		{
			fast++;
			wrong += memcmp(&v, &want, sizeof(double)) != 0 || fabs(want) > AMOUNT_LIMIT;
		}
	}
	ok(wrong == 0, "2,000,000 random numerics: %d fast, %d slow, %d wrong", fast, slow, wrong);
	ok(fast > 1000000, "most random numerics take the fast path");
	return tap_done();
}
