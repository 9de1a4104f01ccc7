/*
 * label_key_sql.c
 *		dormancy.label_key(text) returns text: the key under which a user
 *		label is compared with the keys of the rules and the vocabulary
 *		mappings (industries, company_sizes, event_kinds, deal_outcomes,
 *		deal_reasons, price_change_kinds, price change categories).
 *
 * The key: Unicode NFKC when the database encoding is UTF8 (the server's
 * own unicode_normalize(), as SQL's normalize(x, NFKC): full-width ASCII
 * becomes ASCII, half-width katakana full-width, U+3000 a space); then
 * lower case (ASCII in core/label_key.c, other letters by the server's lower()
 * under the call's collation); white space trimmed and inner runs collapsed
 * to one space (core/label_key.c).  Other encodings: no NFKC, the rest alike;
 * the ideographic space of the EUC encodings (0xA1A1 in EUC_JP,
 * EUC_JIS_2004, EUC_CN and EUC_KR, U+3000 in Unicode) counts as white space
 * too, found character by character (pg_mblen), never inside another
 * character.
 *
 * IMMUTABLE like normalize() and lower(): the result depends only on the
 * argument, its collation, the database encoding and the Unicode tables
 * compiled into the server.  ASCII labels (the common case) take no
 * allocation beyond the result.
 *
 * dormancy.outreach_customer_key(text) returns text: a customer id of the
 * outreach log with the same white space trimmed at both ends, nothing
 * else (no NFKC, no case, inner white space kept): the key matched to the
 * text of the bound customers' ids (sql_src/67_outreach.sql).  IMMUTABLE:
 * it depends on the argument and the database encoding only.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "common/unicode_norm.h"
#include "core/label_key.h"
#include "fmgr.h"
#include "label_key_sql.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(label_key);
PG_FUNCTION_INFO_V1(outreach_customer_key);

/* The length of a code point in UTF-8. */
static int
Utf8Length(pg_wchar c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/* NFKC of UTF-8 bytes, as palloc'd UTF-8 bytes; *outlen their length. */
static char *
NormalizeUtf8(const char *data, int len, int *outlen)
{
	int			nchars = pg_mbstrlen_with_len(data, len);
	pg_wchar   *input = palloc(sizeof(pg_wchar) * (nchars + 1));
	pg_wchar   *output;
	const unsigned char *p = (const unsigned char *) data;
	unsigned char *out;
	unsigned char *q;
	int			n = 0;

	for (int i = 0; i < nchars; i++)
	{
		input[i] = utf8_to_unicode(p);
		p += pg_utf_mblen(p);
	}
	input[nchars] = 0;
	if (unicode_is_normalized_quickcheck(UNICODE_NFKC, input) == UNICODE_NORM_QC_YES)
	{
		pfree(input);
		*outlen = len;
		return (char *) data;
	}
	output = unicode_normalize(UNICODE_NFKC, input);
	for (pg_wchar *c = output; *c; c++)
		n += Utf8Length(*c);
	q = out = palloc(n + 1);
	for (pg_wchar *c = output; *c; c++)
	{
		unicode_to_utf8(*c, q);
		q += Utf8Length(*c);
	}
	pfree(input);
	pfree(output);
	*outlen = n;
	return (char *) out;
}

/* Whether the server encoding's 0xA1A1 is the ideographic space U+3000. */
static bool
EucIdeographicSpace(int encoding)
{
	return encoding == PG_EUC_JP || encoding == PG_EUC_JIS_2004 ||
		encoding == PG_EUC_CN || encoding == PG_EUC_KR ||
		encoding == PG_EUC_TW;
}

/*
 * An EUC label with each ideographic space (0xA1A1, a whole character) made
 * an ASCII space, palloc'd; *len is updated.  Walks by characters, so that
 * the bytes A1 A1 across two characters are left alone.
 */
static char *
EucSpacesToAscii(const char *data, int *len)
{
	char	   *out = palloc(*len);
	int			o = 0;

	for (int i = 0; i < *len;)
	{
		int			w = pg_mblen(data + i);

		if (w > *len - i)
			w = *len - i;
		if (w == 2 && (unsigned char) data[i] == 0xA1 && (unsigned char) data[i + 1] == 0xA1)
			out[o++] = ' ';
		else
		{
			memcpy(out + o, data + i, w);
			o += w;
		}
		i += w;
	}
	*len = o;
	return out;
}

/*
 * The label key of value (see the file header), palloc'd.  collation: that
 * of lower() for letters beyond ASCII (the default when invalid).
 */
text *
LabelKeyText(text *value, Oid collation)
{
	const char *data = VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	int			encoding = GetDatabaseEncoding();
	bool		utf8 = encoding == PG_UTF8;
	bool		non_ascii;
	text	   *result;
	size_t		n;

	if (!label_is_ascii(data, len))
	{
		if (utf8)
			data = NormalizeUtf8(data, len, &len);
		else if (EucIdeographicSpace(encoding))
			data = EucSpacesToAscii(data, &len);
	}
	result = palloc(VARHDRSZ + len);
	n = label_fold(data, len, VARDATA(result), utf8, &non_ascii);
	SET_VARSIZE(result, VARHDRSZ + n);
	if (non_ascii)
	{
		/* letters beyond ASCII: the server's lower(), as SQL's lower() */
		text	   *lowered;

		if (!OidIsValid(collation))
			collation = DEFAULT_COLLATION_OID;
		lowered = DatumGetTextPP(DirectFunctionCall1Coll(lower, collation, PointerGetDatum(result)));
		if (lowered != result)
			pfree(result);
		result = lowered;
	}
	return result;
}

/*
 * label_key(text) returns text: the comparison key of a user label.  STRICT.
 */
Datum
label_key(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(LabelKeyText(PG_GETARG_TEXT_PP(0), PG_GET_COLLATION()));
}

/*
 * The white space at both ends of an EUC value (ASCII blanks, the
 * ideographic space 0xA1A1) trimmed: returns the length left, *start its
 * offset.  Walks by characters, as EucSpacesToAscii.
 */
static size_t
EucTrim(const char *data, int len, size_t *start)
{
	int			first = -1;
	int			end = 0;

	for (int i = 0; i < len;)
	{
		int			w = pg_mblen(data + i);
		unsigned char c = (unsigned char) data[i];
		bool		space;

		if (w > len - i)
			w = len - i;
		if (w == 1)
			space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
		else
			space = w == 2 && c == 0xA1 && (unsigned char) data[i + 1] == 0xA1;
		if (!space)
		{
			if (first < 0)
				first = i;
			end = i + w;
		}
		i += w;
	}
	if (first < 0)
	{
		*start = 0;
		return 0;
	}
	*start = (size_t) first;
	return (size_t) (end - first);
}

/*
 * outreach_customer_key(text) returns text: the value with the white space
 * of label_key trimmed at both ends (the file header).  STRICT.
 */
Datum
outreach_customer_key(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	const char *data = VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	int			encoding = GetDatabaseEncoding();
	size_t		start;
	size_t		n;

	if (encoding != PG_UTF8 && EucIdeographicSpace(encoding) && !label_is_ascii(data, len))
		n = EucTrim(data, len, &start);
	else
		n = label_trim(data, len, encoding == PG_UTF8, &start);
	if (start == 0 && n == (size_t) len)
		PG_RETURN_TEXT_P(value);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(data + start, (int) n));
}
