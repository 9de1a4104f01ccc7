/*
 * labels.c
 *		The labels of the codes: the language of a locale name and the
 *		lookup of a key (see labels.h).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this
 * file directly.
 */
#include "labels.h"
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

const char *const label_language_codes[LABEL_NLANGUAGES] = {"en", "ja"};

/* ASCII lower case of one byte (locale names are ASCII). */
static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* Whether s starts with the lower-case ASCII prefix, in any case. */
static bool
starts_with(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (lower(*s) != *prefix)
			return false;
	return true;
}

int
label_language_of_code(const char *code)
{
	if (code == NULL)
		return -1;
	for (int i = 0; i < LABEL_NLANGUAGES; i++)
		if (starts_with(code, label_language_codes[i]) && code[strlen(label_language_codes[i])] == '\0')
			return i;
	return -1;
}

LabelLanguage
label_language_of_locale(const char *locale)
{
	if (locale == NULL)
		return LABEL_EN;
	if (starts_with(locale, "japanese"))
		return LABEL_JA;
	if (starts_with(locale, "ja"))
	{
		char		next = locale[2];

		if (next == '\0' || next == '_' || next == '-' || next == '.' || next == '@')
			return LABEL_JA;
	}
	return LABEL_EN;
}

static int
compare_key(const char *v, size_t vlen, const char *c, size_t clen, const LabelKey *k)
{
	int			r = bytes_cmp(v, vlen, k->vocabulary, k->vocabulary_len);

	return r != 0 ? r : bytes_cmp(c, clen, k->code, k->code_len);
}

static int
compare_keys(const void *a, const void *b)
{
	const LabelKey *x = a;
	const LabelKey *y = b;
	int			r = compare_key(x->vocabulary, x->vocabulary_len, x->code, x->code_len, y);

	/* equal keys in row order, so that the sort is deterministic */
	if (r != 0)
		return r;
	return x->row < y->row ? -1 : (x->row > y->row ? 1 : 0);
}

void
label_keys_sort(LabelKey *keys, int n)
{
	if (n > 1)
		qsort(keys, (size_t) n, sizeof(LabelKey), compare_keys);
}

bool
label_keys_equal(const LabelKey *a, const LabelKey *b)
{
	return compare_key(a->vocabulary, a->vocabulary_len, a->code, a->code_len, b) == 0;
}

int
label_keys_find(const LabelKey *keys, int n, const char *vocabulary, size_t vocabulary_len,
				const char *code, size_t code_len)
{
	int			lo = 0;
	int			hi = n;

	/* the first key not below the one sought */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (compare_key(vocabulary, vocabulary_len, code, code_len, &keys[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && compare_key(vocabulary, vocabulary_len, code, code_len, &keys[lo]) == 0)
		return lo;
	return -1;
}
