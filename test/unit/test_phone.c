/*
 * test_phone.c
 *		Unit tests of the phone number rules (src/core/phone.c), without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit".  The inputs are UTF-8, decoded with names_utf8_decode;
 * the server applies NFKC first, but phone_check() folds the full-width
 * forms itself, so they are written here as users type them.
 * sql/phone_numbers.sql checks the SQL function and the view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "names.h"
#include "phone.h"

static PhoneResult
check(const char *s, const char *country, char *e164)
{
	uint32_t	cps[256];
	long		n = names_utf8_decode((const unsigned char *) s, strlen(s), cps);

	if (n < 0)
	{
		fprintf(stderr, "invalid UTF-8 in a test string: %s\n", s);
		exit(2);
	}
	return phone_check(cps, (size_t) n, country, e164);
}

/* A valid number and its E.164 form. */
static void
valid(const char *s, const char *country, const char *want)
{
	char		e164[PHONE_E164_BUFSIZE];
	PhoneResult r = check(s, country, e164);

	if (!ok(r == PHONE_VALID && strcmp(e164, want) == 0, "%s: \"%s\" is %s", country, s, want))
		diag("got %s, \"%s\"", phone_result_name(r), e164);
}

/* An invalid number and why. */
static void
invalid(const char *s, const char *country, PhoneResult want)
{
	char		e164[PHONE_E164_BUFSIZE];
	PhoneResult r = check(s, country, e164);

	if (!ok(r == want && e164[0] == '\0', "%s: \"%s\" is %s", country, s, phone_result_name(want)))
		diag("got %s, \"%s\"", phone_result_name(r), e164);
}

int
main(void)
{
	/* Japanese fixed lines: 10 digits, area codes of 1 to 4 digits */
	valid("03-1234-5678", "JP", "+81312345678");
	valid("06-6123-4567", "JP", "+81661234567");
	valid("045-123-4567", "JP", "+81451234567");
	valid("0422-12-3456", "JP", "+81422123456");
	valid("01267-2-3456", "JP", "+81126723456");
	valid("0312345678", "JP", "+81312345678");
	valid("(03) 1234-5678", "JP", "+81312345678");
	valid("03(1234)5678", "JP", "+81312345678");
	valid("03.1234.5678", "JP", "+81312345678");
	valid("03 1234 5678", "JP", "+81312345678");
	valid("03/1234/5678", "JP", "+81312345678");
	/* mobile, PHS, IP, M2M: 11 digits */
	valid("090-1234-5678", "JP", "+819012345678");
	valid("080-1234-5678", "JP", "+818012345678");
	valid("070-1234-5678", "JP", "+817012345678");
	valid("050-1234-5678", "JP", "+815012345678");
	valid("020-1234-5678", "JP", "+812012345678");
	valid("09012345678", "JP", "+819012345678");
	/* toll-free and navi dial */
	valid("0120-123-456", "JP", "+81120123456");
	valid("0800-123-4567", "JP", "+818001234567");
	valid("0570-123-456", "JP", "+81570123456");
	/* full-width digits, hyphens, spaces; the long vowel mark and dashes */
	valid("０３－１２３４－５６７８", "JP", "+81312345678");
	valid("０９０ー１２３４ー５６７８", "JP", "+819012345678");
	valid("090ｰ1234ｰ5678", "JP", "+819012345678");
	valid("090‐1234‐5678", "JP", "+819012345678");
	valid("090−1234−5678", "JP", "+819012345678");
	valid("090–1234—5678", "JP", "+819012345678");
	valid("　03　1234　5678　", "JP", "+81312345678");
	valid("（０３）１２３４－５６７８", "JP", "+81312345678");
	/* +81, 81, (+81), +81 (0) */
	valid("+81-3-1234-5678", "JP", "+81312345678");
	valid("+81 90 1234 5678", "JP", "+819012345678");
	valid("+819012345678", "JP", "+819012345678");
	valid("(+81) 3-1234-5678", "JP", "+81312345678");
	valid("+81 (0)3-1234-5678", "JP", "+81312345678");
	valid("＋８１－３－１２３４－５６７８", "JP", "+81312345678");
	valid("81-3-1234-5678", "JP", "+81312345678");
	valid("81-90-1234-5678", "JP", "+819012345678");
	valid("+81 120 123 456", "JP", "+81120123456");
	/* a Japanese number in international form is Japanese in any country */
	valid("+81-3-1234-5678", "US", "+81312345678");
	valid("+81-3-1234-5678", "DE", "+81312345678");
	/* extensions and labels */
	valid("03-1234-5678 内線123", "JP", "+81312345678");
	valid("03-1234-5678（内線１２３）", "JP", "+81312345678");
	valid("03-1234-5678(内)45", "JP", "+81312345678");
	valid("03-1234-5678 ext. 12", "JP", "+81312345678");
	valid("03-1234-5678 EXT 12", "JP", "+81312345678");
	valid("03-1234-5678 x12", "JP", "+81312345678");
	valid("03-1234-5678#12", "JP", "+81312345678");
	/* a note of the line after the number: main line, direct line */
	valid("03-1234-5678(代)", "JP", "+81312345678");
	valid("03-1234-5678（代表）", "JP", "+81312345678");
	valid("03-1234-5678 直通", "JP", "+81312345678");
	valid("TEL: 03-1234-5678", "JP", "+81312345678");
	valid("Tel.03-1234-5678", "JP", "+81312345678");
	valid("ＴＥＬ：０３－１２３４－５６７８", "JP", "+81312345678");
	valid("電話 03-1234-5678", "JP", "+81312345678");
	valid("電話番号：03-1234-5678", "JP", "+81312345678");
	valid("phone 090-1234-5678", "JP", "+819012345678");
	/* international prefix 010 from Japan */
	valid("010-1-212-555-1234", "JP", "+12125551234");
	valid("010-44-20-7946-0958", "JP", "+442079460958");
	/* other countries: E.164, 8 to 15 digits after '+' */
	valid("+44 20 7946 0958", "JP", "+442079460958");
	valid("+44 20 7946 0958", "GB", "+442079460958");
	valid("+1 (212) 555-1234", "US", "+12125551234");
	valid("+1-212-555-1234", "JP", "+12125551234");
	valid("+49 30 123456", "DE", "+4930123456");
	valid("+65 6123 4567", "SG", "+6561234567");
	valid("+339876543210987", "FR", "+339876543210987");
	invalid("+3398765432109876", "FR", PHONE_WRONG_LENGTH);
	valid("+33123456", "FR", "+33123456");
	invalid("+3312345", "FR", PHONE_WRONG_LENGTH);
	valid("+86 10 1234 5678", "CN", "+861012345678");

	/* the reported number: 7 digits */
	invalid("090-1234", "JP", PHONE_WRONG_LENGTH);
	invalid("０９０－１２３４", "JP", PHONE_WRONG_LENGTH);
	/* wrong lengths */
	invalid("03-1234-567", "JP", PHONE_WRONG_LENGTH);
	invalid("03-1234-56789", "JP", PHONE_WRONG_LENGTH);
	invalid("090-1234-567", "JP", PHONE_WRONG_LENGTH);
	invalid("090-1234-56789", "JP", PHONE_WRONG_LENGTH);
	invalid("090-123-4567", "JP", PHONE_WRONG_LENGTH);
	invalid("0120-123-4567", "JP", PHONE_WRONG_LENGTH);
	invalid("0120-12-345", "JP", PHONE_WRONG_LENGTH);
	invalid("0800-123-456", "JP", PHONE_WRONG_LENGTH);
	invalid("050-123-4567", "JP", PHONE_WRONG_LENGTH);
	invalid("123456", "US", PHONE_NOT_INTERNATIONAL);
	invalid("0", "JP", PHONE_WRONG_LENGTH);
	invalid("+81-3-1234-567", "JP", PHONE_WRONG_LENGTH);
	invalid("+81-90-1234-567", "JP", PHONE_WRONG_LENGTH);
	invalid("+81", "JP", PHONE_WRONG_LENGTH);
	invalid("+", "JP", PHONE_NO_DIGITS);
	invalid("+1 212 555 123", "US", PHONE_WRONG_LENGTH);
	invalid("+44 1234", "GB", PHONE_WRONG_LENGTH);
	invalid("+1234567", "FR", PHONE_WRONG_LENGTH);
	invalid("+1234567890123456", "FR", PHONE_WRONG_LENGTH);
	invalid("0312345678901234567890123456789012345", "JP", PHONE_WRONG_LENGTH);
	/* prefixes */
	invalid("3-1234-5678", "JP", PHONE_BAD_PREFIX);
	invalid("1234567890", "JP", PHONE_BAD_PREFIX);
	invalid("110", "JP", PHONE_BAD_PREFIX);
	invalid("0033-1234-5678", "JP", PHONE_BAD_PREFIX);
	invalid("+0 3 1234 5678", "JP", PHONE_BAD_PREFIX);
	invalid("+81 00 1234 5678", "JP", PHONE_BAD_PREFIX);
	/* without '+' only Japan has national rules */
	invalid("03-1234-5678", "US", PHONE_NOT_INTERNATIONAL);
	invalid("(212) 555-1234", "US", PHONE_NOT_INTERNATIONAL);
	invalid("030 1234567", "DE", PHONE_NOT_INTERNATIONAL);
	/* not numbers */
	invalid("", "JP", PHONE_NO_DIGITS);
	invalid("   ", "JP", PHONE_NO_DIGITS);
	invalid("---", "JP", PHONE_NO_DIGITS);
	invalid("不明", "JP", PHONE_BAD_CHARACTER);
	invalid("なし", "JP", PHONE_BAD_CHARACTER);
	invalid("n/a", "JP", PHONE_BAD_CHARACTER);
	invalid("03-1234-5678 携帯", "JP", PHONE_BAD_CHARACTER);
	invalid("03-1234-5678 / 090-1234-5678", "JP", PHONE_WRONG_LENGTH);
	invalid("03-1234-abcd", "JP", PHONE_BAD_CHARACTER);
	invalid("tel", "JP", PHONE_NO_DIGITS);
	invalid("内線123", "JP", PHONE_BAD_CHARACTER);
	invalid("代表", "JP", PHONE_BAD_CHARACTER);
	invalid("代表 03-1234-5678", "JP", PHONE_BAD_CHARACTER);
	invalid("03-1234(代)5678", "JP", PHONE_WRONG_LENGTH);
	invalid("x123", "JP", PHONE_BAD_CHARACTER);
	invalid("03+1234-5678", "JP", PHONE_BAD_CHARACTER);
	invalid("++81 3 1234 5678", "JP", PHONE_BAD_CHARACTER);
	invalid("03_1234_5678", "JP", PHONE_BAD_CHARACTER);
	invalid("03~1234~5678", "JP", PHONE_BAD_CHARACTER);
	invalid("fax 03-1234-5678", "JP", PHONE_BAD_CHARACTER);

	/* country codes */
	ok(phone_country_ok("JP") && phone_country_ok("US") && phone_country_ok("GB") &&
	   phone_country_ok("AD") && phone_country_ok("ZW") && phone_country_ok("AX") &&
	   phone_country_ok("SS") && phone_country_ok("BQ"),
	   "officially assigned ISO 3166-1 alpha-2 codes are country codes");
	ok(!phone_country_ok("jp") && !phone_country_ok("J") && !phone_country_ok("JPN") &&
	   !phone_country_ok("") && !phone_country_ok(NULL) && !phone_country_ok("J1"),
	   "anything else is not");
	/* two letters, not assigned: a language code, user-assigned, reserved, withdrawn */
	ok(!phone_country_ok("JA") && !phone_country_ok("EN") && !phone_country_ok("ZZ") &&
	   !phone_country_ok("XK") && !phone_country_ok("AA") && !phone_country_ok("QM") &&
	   !phone_country_ok("UK") && !phone_country_ok("EU") && !phone_country_ok("AN") &&
	   !phone_country_ok("YU") && !phone_country_ok("CS") && !phone_country_ok("SU"),
	   "two letters that are no assigned code are not");
	{
		int			assigned = 0;
		char		code[3] = {0};

		for (code[0] = 'A'; code[0] <= 'Z'; code[0]++)
			for (code[1] = 'A'; code[1] <= 'Z'; code[1]++)
				assigned += phone_country_ok(code);
		ok(assigned == 249, "249 codes are assigned (%d)", assigned);
	}
	/* NULL e164 is allowed */
	{
		uint32_t	cps[] = {'0', '3', '1', '2', '3', '4', '5', '6', '7', '8'};

		ok(phone_check(cps, 10, "JP", NULL) == PHONE_VALID, "no E.164 buffer");
		ok(phone_check(cps, 0, "JP", NULL) == PHONE_NO_DIGITS, "no code points");
	}
	return tap_done();
}
