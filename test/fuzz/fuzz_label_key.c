/*
 * fuzz_label_key.c
 *		libFuzzer target for src/core/label_key.c: the label key (trimmed,
 *		inner white space collapsed, ASCII lower-cased) of any bytes.
 *
 * Input: a flag byte (bit 0: UTF-8), then the label's bytes.  Invariants:
 * the key is no longer than the label; it neither starts nor ends with a
 * space and has no two spaces in a row, and no other white space byte
 * (ASCII blanks; in UTF-8 also U+00A0 and U+3000 as whole sequences); no
 * ASCII capital; folding in place gives the same bytes; the key of a key is
 * itself; non_ascii says whether a byte is 0x80 or above; the non-white
 * bytes of the label, lower-cased, are the key's with its spaces taken out.
 * label_trim: a slice of the label, empty exactly when the key is, whose
 * key is the label's, and which trims to itself.
 */
#include "label_key.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
fz_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool		utf8;
	const char *in;
	size_t		len;
	char	   *out,
			   *again,
			   *inplace,
			   *want;
	size_t		n,
				n2,
				n3,
				nw = 0,
				ns = 0;
	bool		high,
				high2;

	if (size < 1)
		return 0;
	utf8 = data[0] & 1;
	in = (const char *) data + 1;
	len = size - 1;
	out = malloc(len + 1);
	again = malloc(len + 1);
	inplace = malloc(len + 1);
	want = malloc(len + 1);

	n = label_fold(in, len, out, utf8, &high);
	if (n > len)
		abort();
	for (size_t i = 0; i < n; i++)
	{
		uint8_t		c = (uint8_t) out[i];

		if (c >= 'A' && c <= 'Z')
			abort();
		if (fz_blank(c) && c != ' ')
			abort();
		if (c == ' ' && (i == 0 || i + 1 == n || out[i + 1] == ' '))
			abort();
		if (utf8 && c == 0xC2 && i + 1 < n && (uint8_t) out[i + 1] == 0xA0)
			abort();
		if (utf8 && c == 0xE3 && i + 2 < n && (uint8_t) out[i + 1] == 0x80 && (uint8_t) out[i + 2] == 0x80)
			abort();
	}
	if (high != !label_is_ascii(out, n))
		abort();

	/* idempotent, and the same in place */
	n2 = label_fold(out, n, again, utf8, &high2);
	if (n2 != n || memcmp(again, out, n) != 0 || high2 != high)
		abort();
	memcpy(inplace, in, len);
	n3 = label_fold(inplace, len, inplace, utf8, NULL);
	if (n3 != n || memcmp(inplace, out, n) != 0)
		abort();

	/* without its spaces, the key is the label's other bytes lower-cased */
	for (size_t i = 0; i < len;)
	{
		uint8_t		c = (uint8_t) in[i];

		if (fz_blank(c))
		{
			i++;
			continue;
		}
		if (utf8 && c == 0xC2 && i + 1 < len && (uint8_t) in[i + 1] == 0xA0)
		{
			i += 2;
			continue;
		}
		if (utf8 && c == 0xE3 && i + 2 < len && (uint8_t) in[i + 1] == 0x80 && (uint8_t) in[i + 2] == 0x80)
		{
			i += 3;
			continue;
		}
		want[nw++] = (char) (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		i++;
	}
	for (size_t i = 0; i < n; i++)
		if (out[i] != ' ')
			again[ns++] = out[i];
	if (ns != nw || memcmp(again, want, nw) != 0)
		abort();

	/* the trimming alone */
	{
		size_t		start,
					start2,
					nt = label_trim(in, len, utf8, &start),
					nt2;

		if (start > len || nt > len - start || (nt == 0) != (n == 0) || (nt == 0 && start != 0))
			abort();
		if (label_fold(in + start, nt, again, utf8, NULL) != n || memcmp(again, out, n) != 0)
			abort();
		nt2 = label_trim(in + start, nt, utf8, &start2);
		if (nt2 != nt || start2 != 0)
			abort();
	}

	free(out);
	free(again);
	free(inplace);
	free(want);
	return 0;
}
