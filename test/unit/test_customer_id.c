/*
 * test_customer_id.c
 *		Unit tests of a customer id read back from its text
 *		(src/core/customer_id.c), without a server: the integers and uuids
 *		whose text is exactly the key, and every other text refused (signs,
 *		leading zeros, "-0", blanks, the range of bigint, upper-case hex,
 *		braces, missing hyphens).  Against snprintf as the independent writer
 *		of the integers.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit".  sql/point_lookup.sql tests
 * dormancy.customer_id_from_text() under row security.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "customer_id.h"

static void
check_integer(const char *key, bool want_ok, int64_t want)
{
	int64_t		got = 12345;
	bool		r = customer_id_parse_integer(key, (int) strlen(key), &got);

	if (!ok(r == want_ok && (!r || got == want), "integer \"%s\" %s", key, want_ok ? "read" : "refused"))
		diag("got %d, %" PRId64, r, got);
}

static void
check_uuid(const char *key, bool want_ok)
{
	unsigned char out[16];

	ok(customer_id_parse_uuid(key, (int) strlen(key), out) == want_ok, "uuid \"%s\" %s", key, want_ok ? "read" : "refused");
}

int
main(void)
{
	static const char *refused[] = {
		"", "-", "+1", "01", "00", "-0", "-01", " 1", "1 ", "1.0", "1e3", "0x10", "abc",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "１"
	};
	unsigned char u[16];
	char		buf[32];
	uint64_t	x = 88172645463325252ULL;
	bool		round_trips = true;

	check_integer("0", true, 0);
	check_integer("42", true, 42);
	check_integer("-42", true, -42);
	check_integer("9223372036854775807", true, INT64_MAX);
	check_integer("-9223372036854775808", true, INT64_MIN);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		check_integer(refused[i], false, 0);

	/* every text snprintf writes reads back as its value (xorshift values) */
	for (int i = 0; i < 100000; i++)
	{
		int64_t		v,
					got;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (int64_t) (x >> (i % 64));
		if (i % 2)
			v = -v;
		snprintf(buf, sizeof(buf), "%" PRId64, v);
		if (!customer_id_parse_integer(buf, (int) strlen(buf), &got) || got != v)
		{
			round_trips = false;
			diag("%s", buf);
			break;
		}
	}
	ok(round_trips, "100000 integers written by snprintf read back");

	check_uuid("0123abcd-4567-89ef-0123-456789abcdef", true);
	check_uuid("00000000-0000-0000-0000-000000000000", true);
	check_uuid("0123ABCD-4567-89EF-0123-456789ABCDEF", false);
	check_uuid("{0123abcd-4567-89ef-0123-456789abcdef}", false);
	check_uuid("0123abcd456789ef0123456789abcdef", false);
	check_uuid("0123abcd-4567-89ef-0123-456789abcde", false);
	check_uuid("0123abcd-4567-89ef-0123-456789abcdeg", false);
	check_uuid("0123abcd-4567-89ef-0123_456789abcdef", false);
	ok(customer_id_parse_uuid("0123abcd-4567-89ef-0123-456789abcdef", 36, u) &&
	   u[0] == 0x01 && u[3] == 0xcd && u[4] == 0x45 && u[15] == 0xef, "uuid bytes in order");
	return tap_done();
}
