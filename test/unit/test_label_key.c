/*
 * test_label_key.c
 *		Unit tests of the label key (src/core/label_key.c), without a server:
 *		trimming, collapsing of inner white space, ASCII lower case; and the
 *		trimming alone (label_trim, the outreach log's customer ids).  Prints
 *		TAP; exits nonzero when a test fails.
 *
 * Build: "make unit".  NFKC and the server's lower() are applied by
 * src/label_key_sql.c; sql/labels_normalized.sql tests dormancy.label_key().
 */
#include <string.h>

#include "tap.h"
#include "label_key.h"

/* The key of s, as a NUL-terminated string in a static buffer. */
static const char *
key(const char *s, bool utf8, bool *non_ascii)
{
	static char out[256];
	size_t		n = label_fold(s, strlen(s), out, utf8, non_ascii);

	out[n] = '\0';
	return out;
}

static void
check_trim(const char *in, bool utf8, const char *want)
{
	size_t		start = 99;
	size_t		n = label_trim(in, strlen(in), utf8, &start);

	if (!ok(n == strlen(want) && strncmp(in + start, want, n) == 0 && (n > 0 || start == 0),
			"trim of \"%s\" (%s) is \"%s\"", in, utf8 ? "UTF-8" : "other encoding", want))
		diag("got start %zu, length %zu", start, n);
}

static void
check(const char *in, bool utf8, const char *want, bool want_non_ascii)
{
	bool		non_ascii = !want_non_ascii;
	const char *got = key(in, utf8, &non_ascii);

	if (!ok(strcmp(got, want) == 0 && non_ascii == want_non_ascii,
			"key of \"%s\" (%s) is \"%s\"", in, utf8 ? "UTF-8" : "other encoding", want))
		diag("got \"%s\", non_ascii %d", got, non_ascii);
}

int
main(void)
{
	char		buf[64];
	size_t		n;

	/* ASCII */
	check("", true, "", false);
	check("   ", true, "", false);
	check("Consumables", true, "consumables", false);
	check("  IT  Services\t", true, "it services", false);
	check("\t\n\v\f\r a \r\n b \t", false, "a b", false);
	check("Closed Won", false, "closed won", false);
	check("closed_won", false, "closed_won", false);
	check("MID-Market", true, "mid-market", false);

	/* U+3000 (E3 80 80) and U+00A0 (C2 A0) are white space in UTF-8 */
	check("\xE6\xB6\x88\xE8\x80\x97\xE5\x93\x81\xE3\x80\x80", true,
		  "\xE6\xB6\x88\xE8\x80\x97\xE5\x93\x81", true);	/* shomohin + U+3000 */
	check("\xE3\x80\x80\xE5\xA4\xB1\xE6\xB3\xA8", true, "\xE5\xA4\xB1\xE6\xB3\xA8", true);	/* U+3000 shitchu */
	check("IT\xE3\x80\x80\xE3\x80\x80Service", true, "it service", false);
	check("IT\xC2\xA0Service", true, "it service", false);
	check("\xC2\xA0", true, "", false);
	/* ... but not in other encodings, whose multi-byte bytes are all >= 0x80 */
	check("IT\xC2\xA0Service", false, "it\xC2\xA0service", true);
	/* a lone or cut sequence is not white space */
	check("a\xE3\x80", true, "a\xE3\x80", true);
	check("\xE3\x80\x81", true, "\xE3\x80\x81", true);	/* U+3001, ideographic comma */
	/* non-ASCII letters are left to the server's lower() */
	check("\xC3\x84pfel", true, "\xC3\x84pfel", true);

	/* in place */
	strcpy(buf, "  Closed \t Lost  ");
	n = label_fold(buf, strlen(buf), buf, true, NULL);
	buf[n] = '\0';
	ok(strcmp(buf, "closed lost") == 0, "folding in place");

	/* the key of a key is itself */
	strcpy(buf, key(" A \xE3\x80\x80 B ", true, NULL));
	ok(strcmp(key(buf, true, NULL), buf) == 0, "a key folds to itself");

	ok(label_is_ascii("abc XYZ", 7), "ASCII is ASCII");
	ok(!label_is_ascii("a\xC3\x84", 3), "UTF-8 is not ASCII");
	ok(label_is_ascii("", 0), "the empty string is ASCII");

	/* trimming alone: both ends, nothing inside, no case */
	check_trim("", true, "");
	check_trim("42", true, "42");
	check_trim("  42  ", true, "42");
	check_trim("17\t", true, "17");
	check_trim("\r\n20\r\n", false, "20");
	check_trim("18\xE3\x80\x80", true, "18");	/* U+3000 */
	check_trim("\xC2\xA0" "19\xC2\xA0", true, "19");	/* U+00A0 */
	check_trim("\xE3\x80\x80\t 2 \xE3\x80\x80 2 \n", true, "2 \xE3\x80\x80 2");
	check_trim("Ab C", true, "Ab C");
	check_trim("\xE3\x80\x80", true, "");
	check_trim(" \t\r\n\v\f", false, "");
	/* full-width digits are not white space, and stay */
	check_trim("\xEF\xBC\x92\xEF\xBC\x91\xE3\x80\x80", true, "\xEF\xBC\x92\xEF\xBC\x91");
	/* in other encodings only ASCII blanks (the server glue does EUC's) */
	check_trim("18\xE3\x80\x80", false, "18\xE3\x80\x80");
	check_trim("\xC2\xA0" "19", false, "\xC2\xA0" "19");
	/* a cut sequence is not white space */
	check_trim("a\xE3\x80", true, "a\xE3\x80");

	return tap_done();
}
