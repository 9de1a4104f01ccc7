/*
 * fuzz_basis_match.c
 *		libFuzzer target for src/core/basis_match.c: the matcher of the
 *		score's basis forms, on any pattern and any text.
 *
 * Input: a byte n, then n bytes of pattern (fewer when the input is
 * shorter), then the text.  Invariants: a pattern that compiles stays within
 * the limits; a match reports capture 0 as the whole text and every capture
 * within it (start <= end, or unset); the text, each byte of it escaped
 * (letters and digits as they are, other ASCII after a backslash), is a
 * pattern that matches the text alone (when it compiles: ASCII, within the
 * limits), not the text with a byte more or less.
 */
#include "basis_match.h"
#include "fuzz_common.h"

#define TARGET "fuzz_basis_match"

static void
check_captures(const BasisMatch *m, const BasisMatchCaptures *c, size_t len)
{
	FZ_CHECK(TARGET, c->start[0] == 0 && c->end[0] == (int) len, "capture 0 is %d..%d of %zu", c->start[0], c->end[0], len);
	for (int g = 1; g <= m->ngroups; g++)
		FZ_CHECK(TARGET, c->start[g] == -1 ||
				 (c->start[g] >= 0 && c->start[g] <= c->end[g] && c->end[g] <= (int) len),
				 "capture %d is %d..%d of %zu", g, c->start[g], c->end[g], len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	BasisMatch	m;
	BasisMatchCaptures c;
	size_t		n;
	const char *pattern;
	const char *text;
	size_t		len;
	char		literal[2 * 64 + 3];
	size_t		k = 0;
	bool		ascii = true;

	if (size < 1)
		return 0;
	n = data[0];
	if (n > size - 1)
		n = size - 1;
	pattern = (const char *) data + 1;
	text = pattern + n;
	len = size - 1 - n;

	if (basis_match_compile(pattern, n, &m))
	{
		FZ_CHECK(TARGET, m.ngroups <= BASIS_MATCH_MAX_GROUPS && m.nitems <= BASIS_MATCH_MAX_ITEMS &&
				 m.top_items <= m.nitems && m.nalternatives <= BASIS_MATCH_MAX_ALTERNATIVES,
				 "limits: %d groups, %d items", m.ngroups, m.nitems);
		if (basis_match_run(&m, text, len, &c))
			check_captures(&m, &c, len);
	}

	/* the text as a literal pattern */
	if (len > 60)
		return 0;
	literal[k++] = '^';
	for (size_t i = 0; i < len; i++)
	{
		unsigned char ch = (unsigned char) text[i];

		if (ch >= 128)
			ascii = false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			literal[k++] = '\\';
		literal[k++] = (char) ch;
	}
	literal[k++] = '$';
	if (!basis_match_compile(literal, k, &m))
	{
		FZ_CHECK(TARGET, !ascii, "the literal pattern of an ASCII text (%zu bytes) did not compile", len);
		return 0;
	}
	FZ_CHECK(TARGET, basis_match_run(&m, text, len, &c), "a text does not match its literal pattern");
	check_captures(&m, &c, len);
	if (len > 0)
		FZ_CHECK(TARGET, !basis_match_run(&m, text, len - 1, &c), "a text without its last byte matches");
	{
		char		longer[64];

		memcpy(longer, text, len);
		longer[len] = 'x';
		FZ_CHECK(TARGET, !basis_match_run(&m, longer, len + 1, &c), "a text with a byte more matches");
	}
	return 0;
}
