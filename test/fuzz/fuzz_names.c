/*
 * fuzz_names.c
 *		libFuzzer target for src/core/names.c: UTF-8 decoding and encoding,
 *		folding, legal forms and the key of a company name.
 *
 * Input: segments separated by 0xFF (a byte that never occurs in UTF-8);
 * the last segment is the name, the ones before it (at most 8) are legal
 * forms.  The first byte chooses how a segment becomes code points: as
 * UTF-8 (invalid UTF-8 falls back to one code point per byte), or as
 * 3-byte groups taken modulo 0x110000 (surrogates become U+FFFD), which
 * reaches every code point.
 *
 * Invariants:
 *	- valid UTF-8 decodes and encodes back to the same bytes;
 *	- names_fold: no longer than its input, breaks only between tokens
 *	  (none at either end, never two in a row), every other code point a
 *	  kept character;
 *	- names_key: no longer than its input, valid code points only, no
 *	  NAMES_BREAK, no space at either end or twice in a row, empty exactly
 *	  when the folded name is; without legal forms, the key of a key is
 *	  itself;
 *	- names_keys_in: its record key is names_key's; the company and branch
 *	  keys are well formed, no longer than it, both non-empty when a branch
 *	  part is found, else the company key is the key.
 */
#include "names.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_names"
#define FZ_MAX_FORMS 8

static void *
fz_alloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

/* Code points of one segment (caller frees); sets *n. */
static uint32_t *
fz_code_points(const uint8_t *s, size_t len, bool raw, size_t *n)
{
	uint32_t   *cps = fz_alloc(sizeof(uint32_t) * (len ? len : 1));

	if (raw)
	{
		size_t		k = 0;

		for (size_t i = 0; i + 2 < len; i += 3)
		{
			uint32_t	cp = (s[i] | (s[i + 1] << 8) | ((uint32_t) s[i + 2] << 16)) % (NAMES_MAX_CODE_POINT + 1);

			cps[k++] = (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp;
		}
		*n = k;
	}
	else
	{
		long		k = names_utf8_decode(s, len, cps);

		if (k >= 0)
		{
			unsigned char *back = fz_alloc(4 * (size_t) k);
			size_t		blen = names_utf8_encode(cps, (size_t) k, back);

			FZ_CHECK(FZ_T, blen == len && memcmp(back, s, len) == 0,
					 "UTF-8 of %zu bytes decodes to %ld code points and encodes to %zu bytes",
					 len, k, blen);
			free(back);
			*n = (size_t) k;
		}
		else
		{
			/* not UTF-8: one code point per byte (Latin-1) */
			for (size_t i = 0; i < len; i++)
				cps[i] = s[i];
			*n = len;
		}
	}
	return cps;
}

static void
fz_check_folded(const uint32_t *f, size_t len, size_t n)
{
	FZ_CHECK(FZ_T, len <= n, "folded %zu code points into %zu", n, len);
	for (size_t i = 0; i < len; i++)
	{
		if (f[i] == NAMES_BREAK)
			FZ_CHECK(FZ_T, i > 0 && i + 1 < len && f[i + 1] != NAMES_BREAK,
					 "break at %zu of %zu", i, len);
		else
			FZ_CHECK(FZ_T, names_char_class(f[i]) == NAME_CHAR_KEEP && f[i] <= NAMES_MAX_CODE_POINT,
					 "folded U+%04X is not a kept character", (unsigned) f[i]);
	}
}

static void
fz_check_key(const uint32_t *k, size_t klen, size_t n)
{
	FZ_CHECK(FZ_T, klen <= n, "key of %zu code points from %zu", klen, n);
	for (size_t i = 0; i < klen; i++)
	{
		FZ_CHECK(FZ_T, k[i] != NAMES_BREAK && k[i] <= NAMES_MAX_CODE_POINT &&
				 !(k[i] >= 0xD800 && k[i] <= 0xDFFF), "key has U+%04X", (unsigned) k[i]);
		if (k[i] == ' ')
			FZ_CHECK(FZ_T, i > 0 && i + 1 < klen && k[i + 1] != ' ', "space at %zu of %zu", i, klen);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool		raw;
	const uint8_t *seg[FZ_MAX_FORMS + 1];
	size_t		seglen[FZ_MAX_FORMS + 1];
	int			nseg = 0;
	NameForm	forms[FZ_MAX_FORMS];
	uint32_t   *form_keys[FZ_MAX_FORMS];
	size_t		nforms = 0;
	size_t		start;

	if (size == 0)
		return 0;
	raw = data[0] & 1;
	data++;
	size--;

	/* split at 0xFF: the last FZ_MAX_FORMS + 1 segments count */
	start = 0;
	for (size_t i = 0; i <= size; i++)
	{
		if (i == size || data[i] == 0xFF)
		{
			if (nseg == FZ_MAX_FORMS + 1)
			{
				memmove(seg, seg + 1, sizeof(seg[0]) * FZ_MAX_FORMS);
				memmove(seglen, seglen + 1, sizeof(seglen[0]) * FZ_MAX_FORMS);
				nseg--;
			}
			seg[nseg] = data + start;
			seglen[nseg] = i - start;
			nseg++;
			start = i + 1;
		}
	}

	/* legal forms */
	for (int s = 0; s < nseg - 1; s++)
	{
		size_t		n,
					len;
		uint32_t   *cps = fz_code_points(seg[s], seglen[s], raw, &n);
		uint32_t   *folded = fz_alloc(sizeof(uint32_t) * n);

		len = names_fold(cps, n, folded);
		fz_check_folded(folded, len, n);
		free(cps);
		if (names_form_init(&forms[nforms], folded, len, n))
			form_keys[nforms++] = folded;
		else
			free(folded);
	}
	names_sort_forms(forms, nforms);
	for (size_t f = 1; f < nforms; f++)
		FZ_CHECK(FZ_T, forms[f - 1].len >= forms[f].len, "forms not sorted longest first");

	/* the name */
	{
		size_t		n,
					flen,
					klen,
					klen2;
		uint32_t   *cps = fz_code_points(seg[nseg - 1], seglen[nseg - 1], raw, &n);
		uint32_t   *folded = fz_alloc(sizeof(uint32_t) * n);
		uint32_t   *key = fz_alloc(sizeof(uint32_t) * n);
		uint32_t   *key2 = fz_alloc(sizeof(uint32_t) * n);
		uint32_t   *scratch = fz_alloc(sizeof(uint32_t) * n);
		unsigned char *utf8;

		flen = names_fold(cps, n, folded);
		fz_check_folded(folded, flen, n);

		klen = names_key(cps, n, forms, nforms, key, scratch);
		fz_check_key(key, klen, n);
		FZ_CHECK(FZ_T, (klen == 0) == (flen == 0), "key length %zu, folded length %zu", klen, flen);

		/* the key's UTF-8 reads back */
		utf8 = fz_alloc(4 * klen);
		{
			size_t		blen = names_utf8_encode(key, klen, utf8);
			uint32_t   *back = fz_alloc(sizeof(uint32_t) * blen);
			long		k = names_utf8_decode(utf8, blen, back);

			FZ_CHECK(FZ_T, k == (long) klen && memcmp(back, key, sizeof(uint32_t) * klen) == 0,
					 "key's UTF-8 decodes to %ld code points, not %zu", k, klen);
			free(back);
		}
		free(utf8);

		/* the keys with branches: the record key is names_key's, the parts well formed */
		{
			uint32_t   *company = fz_alloc(sizeof(uint32_t) * n);
			uint32_t   *branch = fz_alloc(sizeof(uint32_t) * n);
			NameKeys	keys = {0};

			keys.record = key2;
			keys.company = company;
			keys.branch = branch;
			names_keys_in(cps, n, forms, nforms, scratch, NULL, &keys);
			FZ_CHECK(FZ_T, keys.record_len == klen && memcmp(key2, key, sizeof(uint32_t) * klen) == 0,
					 "record key of names_keys_in differs from names_key");
			fz_check_key(company, keys.company_len, n);
			fz_check_key(branch, keys.branch_len, n);
			FZ_CHECK(FZ_T, keys.company_len <= klen && keys.branch_len <= klen,
					 "company key %zu or branch key %zu longer than the key %zu",
					 keys.company_len, keys.branch_len, klen);
			FZ_CHECK(FZ_T, !keys.has_branch || (keys.company_len > 0 && keys.branch_len > 0),
					 "a branch part with an empty company (%zu) or branch (%zu)",
					 keys.company_len, keys.branch_len);
			FZ_CHECK(FZ_T, keys.has_branch || (keys.company_len == klen && keys.branch_len == 0),
					 "no branch part, yet the company key is not the key");
			free(company);
			free(branch);
		}

		/* without forms a key is its own key */
		klen = names_key(cps, n, NULL, 0, key, scratch);
		klen2 = names_key(key, klen, NULL, 0, key2, scratch);
		FZ_CHECK(FZ_T, klen2 == klen && memcmp(key, key2, sizeof(uint32_t) * klen) == 0,
				 "key of the key differs (%zu vs %zu code points)", klen2, klen);

		free(cps);
		free(folded);
		free(key);
		free(key2);
		free(scratch);
	}
	for (size_t f = 0; f < nforms; f++)
		free(form_keys[f]);
	return 0;
}
