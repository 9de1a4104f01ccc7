/*
 * label_key.c
 *		The comparison key of a user label: trimmed, inner white space
 *		collapsed, ASCII lower-cased; and the trimming alone, for the
 *		customer ids of the outreach log (see label_key.h).
 */
#include "label_key.h"

/* The length of the white space character at in[i..len), 0 when none. */
static size_t
space_at(const unsigned char *in, size_t i, size_t len, bool utf8)
{
	unsigned char c = in[i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
		return 1;
	if (!utf8)
		return 0;
	if (c == 0xC2 && i + 1 < len && in[i + 1] == 0xA0)
		return 2;				/* U+00A0 */
	if (c == 0xE3 && i + 2 < len && in[i + 1] == 0x80 && in[i + 2] == 0x80)
		return 3;				/* U+3000 */
	return 0;
}

size_t
label_fold(const char *in, size_t len, char *out, bool utf8, bool *non_ascii)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		o = 0;
	size_t		i = 0;
	bool		pending = false;	/* white space seen since the last character */
	bool		high = false;

	/*
	 * out never runs ahead of i (a run of white space of one or more bytes
	 * becomes one byte), so writing in place is safe.
	 */
	while (i < len)
	{
		size_t		w = space_at(s, i, len, utf8);
		unsigned char c;

		if (w > 0)
		{
			pending = o > 0;	/* leading white space is dropped */
			i += w;
			continue;
		}
		if (pending)
		{
			out[o++] = ' ';
			pending = false;
		}
		c = s[i++];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char) (c - 'A' + 'a');
		else if (c >= 0x80)
			high = true;
		out[o++] = (char) c;
	}
	/* trailing white space: pending is dropped */
	if (non_ascii != NULL)
		*non_ascii = high;
	return o;
}

size_t
label_trim(const char *in, size_t len, bool utf8, size_t *start)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		first = len;	/* the first byte that is no white space */
	size_t		end = 0;		/* after the last such byte */
	size_t		i = 0;

	while (i < len)
	{
		size_t		w = space_at(s, i, len, utf8);

		if (w > 0)
		{
			i += w;
			continue;
		}
		if (first == len)
			first = i;
		end = ++i;
	}
	if (end == 0)
	{
		*start = 0;
		return 0;
	}
	*start = first;
	return end - first;
}

bool
label_is_ascii(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *) in;

	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0x80)
			return false;
	return true;
}
