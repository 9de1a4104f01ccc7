/*
 * names_sql.c
 *		SQL interface of the company-name keys:
 *		dormancy.normalize_company_name(name text, legal_forms text[]),
 *		dormancy.company_key(name text, legal_forms text[]) and
 *		dormancy.branch_key(name text, legal_forms text[]).
 *
 * The folding is in core/names.c, which works on code points.  This file
 * turns the text into code points, applies Unicode NFKC with the server's own
 * unicode_normalize() (the function behind SQL's normalize()), prepares the
 * legal forms once per distinct forms array (cached in fn_extra), and turns
 * the key back into text in the database encoding.
 *
 * A database that is not UTF-8 (docs/priority.md, "Clean names"):
 *  - a character is converted to Unicode with the server's conversion; one
 *    that has no Unicode equivalent (EUC_JP's user-defined and unassigned
 *    codes, ...) is kept as it is, an opaque value holding its bytes;
 *  - the key must be text in the database encoding, for every name: when the
 *    NFKC form of a character (with the combining marks that follow it) has
 *    a letter the encoding cannot hold (LATIN1: µ is μ, the accents ´ ¨ ¯ ¸
 *    are a space and a combining mark; EUC_JP: half-width ﾞ alone is U+3099),
 *    that character is taken as it is, not normalized, and a case folding the
 *    encoding cannot hold is not applied (core/names.h, NamesCharset);
 *  - SQL_ASCII declares no encoding: a name that is valid UTF-8 is keyed as
 *    UTF-8, any other name keeps its bytes >= 0x80 as they are (ASCII folded);
 *    in an encoding without a conversion to UTF-8 (MULE_INTERNAL) every
 *    character that is not ASCII is kept as it is.
 *
 * IMMUTABLE like normalize(): the result depends only on the arguments, the
 * database encoding and the Unicode tables compiled into the server.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/unicode_norm.h"
#include "core/names.h"
#include "dormancy.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(normalize_company_name);
PG_FUNCTION_INFO_V1(company_key);
PG_FUNCTION_INFO_V1(branch_key);

StaticAssertDecl(sizeof(pg_wchar) == sizeof(uint32_t), "pg_wchar is a 32-bit code point");

/* The legal forms prepared for one forms array, kept in fn_mcxt. */
typedef struct FormsCache
{
	char	   *array_bytes;	/* copy of the (detoasted) array, to recognize it */
	Size		array_size;
	NameForm   *forms;
	size_t		nforms;
} FormsCache;

/* A growing array of code points. */
typedef struct CodePoints
{
	uint32_t   *cps;
	size_t		n;
	size_t		room;
} CodePoints;

/*
 * The database encoding and, when it is neither UTF-8 nor SQL_ASCII, its
 * conversions to and from UTF-8 (looked up once per backend: the database
 * encoding never changes), with a cache of which code points it can hold.
 */
#define HOLDS_CACHE_SIZE 4096

typedef struct DatabaseCharset
{
	bool		ready;
	int			encoding;
	bool		converted;		/* converted to and from UTF-8 (not UTF-8 itself) */
	FmgrInfo	to_utf8;
	FmgrInfo	from_utf8;
	struct
	{
		uint32_t	cp;			/* 0: empty slot */
		bool		holds;
	}			holds_cache[HOLDS_CACHE_SIZE];
} DatabaseCharset;

static DatabaseCharset db_charset;

static void
charset_init(void)
{
	Oid			to_proc;
	Oid			from_proc;

	if (db_charset.ready)
		return;
	db_charset.encoding = GetDatabaseEncoding();
	db_charset.converted = false;
	if (db_charset.encoding != PG_UTF8 && db_charset.encoding != PG_SQL_ASCII)
	{
		/* none for MULE_INTERNAL: its characters are then kept as they are */
		to_proc = FindDefaultConversionProc(db_charset.encoding, PG_UTF8);
		from_proc = FindDefaultConversionProc(PG_UTF8, db_charset.encoding);
		if (OidIsValid(to_proc) && OidIsValid(from_proc))
		{
			fmgr_info_cxt(to_proc, &db_charset.to_utf8, TopMemoryContext);
			fmgr_info_cxt(from_proc, &db_charset.from_utf8, TopMemoryContext);
			db_charset.converted = true;
		}
	}
	db_charset.ready = true;
}

/*
 * Convert len bytes at src with a conversion of the database charset into
 * dst (room for len * MAX_CONVERSION_GROWTH + 1), stopping before the first
 * character that has no equivalent (or raising an error, unless no_error).
 * Returns the number of bytes of src converted; dst is NUL-terminated.
 */
static int
charset_convert(FmgrInfo *conv, int from, int to, const char *src, int len,
				unsigned char *dst, bool no_error)
{
	return DatumGetInt32(FunctionCall6(conv,
									   Int32GetDatum(from),
									   Int32GetDatum(to),
									   CStringGetDatum(src),
									   CStringGetDatum((char *) dst),
									   Int32GetDatum(len),
									   BoolGetDatum(no_error)));
}

/* NamesCharset.holds of the database encoding (only for converted encodings). */
static bool
charset_holds(uint32_t cp, void *arg)
{
	unsigned char utf8[4];
	unsigned char out[4 * MAX_CONVERSION_GROWTH + 1];
	size_t		bytes;
	int			slot;

	if (cp < 0x80 || names_is_opaque(cp))
		return true;
	slot = (int) ((uint32_t) (cp * 2654435761u) >> 20) % HOLDS_CACHE_SIZE;
	if (db_charset.holds_cache[slot].cp == cp)
		return db_charset.holds_cache[slot].holds;
	bytes = names_utf8_encode(&cp, 1, utf8);
	db_charset.holds_cache[slot].holds =
		charset_convert(&db_charset.from_utf8, PG_UTF8, db_charset.encoding,
						(const char *) utf8, (int) bytes, out, true) == (int) bytes;
	db_charset.holds_cache[slot].cp = cp;
	return db_charset.holds_cache[slot].holds;
}

static const NamesCharset database_charset = {charset_holds, NULL};

/* The charset for names_key_in(): NULL when the database holds every code point. */
static const NamesCharset *
key_charset(void)
{
	return db_charset.converted ? &database_charset : NULL;
}

static void
cps_init(CodePoints *a, size_t room)
{
	a->room = Max(room, 8);
	a->n = 0;
	a->cps = palloc(sizeof(uint32_t) * a->room);
}

static void
cps_append(CodePoints *a, const uint32_t *cps, size_t n)
{
	if (a->n + n > a->room)
	{
		while (a->n + n > a->room)
		{
			if (a->room >= MaxAllocSize / (2 * sizeof(uint32_t)))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("company name is too long to normalize")));
			a->room *= 2;
		}
		a->cps = repalloc(a->cps, sizeof(uint32_t) * a->room);
	}
	memcpy(a->cps + a->n, cps, sizeof(uint32_t) * n);
	a->n += n;
}

static void
check_length(int len)
{
	if ((Size) len >= MaxAllocSize / (4 * MAX_CONVERSION_GROWTH * sizeof(uint32_t)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("company name is too long to normalize")));
}

/*
 * The characters of len bytes of text in the database encoding, as code
 * points; opaque values for those that have no Unicode equivalent.
 */
static void
text_code_points(const char *s, int len, CodePoints *out)
{
	long		count;

	check_length(len);
	cps_init(out, (size_t) len + 1);
	if (db_charset.encoding == PG_UTF8 || db_charset.encoding == PG_SQL_ASCII)
		count = names_utf8_decode((const unsigned char *) s, len, out->cps);
	else
		count = -1;
	if (count >= 0)
		out->n = (size_t) count;
	else if (db_charset.encoding == PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid byte sequence for encoding \"UTF8\" in company name")));
	else if (!db_charset.converted)
	{
		/* SQL_ASCII (not UTF-8), MULE_INTERNAL: no Unicode; ASCII is ASCII */
		for (int pos = 0; pos < len;)
		{
			int			clen = s[pos] & 0x80 ?
				Min(pg_encoding_mblen(db_charset.encoding, s + pos), len - pos) : 1;
			uint32_t	cp = clen == 1 && !(s[pos] & 0x80) ? (uint32_t) s[pos] :
				names_opaque_pack((const unsigned char *) s + pos, clen);

			if (cp == 0)
				elog(ERROR, "unexpected character of %d bytes in encoding %s",
					 clen, GetDatabaseEncodingName());
			out->cps[out->n++] = cp;
			pos += clen;
		}
	}
	else
	{
		unsigned char *utf8 = palloc((Size) len * MAX_CONVERSION_GROWTH + 1);
		uint32_t   *decoded = palloc(sizeof(uint32_t) * ((Size) len * MAX_CONVERSION_GROWTH + 1));
		int			pos = 0;

		while (pos < len)
		{
			int			done = charset_convert(&db_charset.to_utf8, db_charset.encoding, PG_UTF8,
											   s + pos, len - pos, utf8, true);

			/* (one character may be more than one code point) */
			count = names_utf8_decode(utf8, strlen((char *) utf8), decoded);
			if (count < 0)
				elog(ERROR, "conversion from %s gave invalid UTF-8", GetDatabaseEncodingName());
			cps_append(out, decoded, (size_t) count);
			pos += done;
			if (pos < len)
			{
				/* a character with no Unicode equivalent: kept as it is */
				int			clen = Min(pg_encoding_mblen(db_charset.encoding, s + pos), len - pos);
				uint32_t	opaque = names_opaque_pack((const unsigned char *) s + pos, clen);

				if (opaque == 0)
					elog(ERROR, "unexpected character of %d bytes in encoding %s",
						 clen, GetDatabaseEncodingName());
				cps_append(out, &opaque, 1);
				pos += clen;
			}
		}
		pfree(decoded);
		pfree(utf8);
	}
}

/* Append the NFKC form of n code points (opaque values stay as they are). */
static void
append_nfkc(CodePoints *out, const uint32_t *cps, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		size_t		j = i;
		bool		ascii = true;

		if (names_is_opaque(cps[i]))
		{
			cps_append(out, &cps[i], 1);
			i++;
			continue;
		}
		/* a run of Unicode characters */
		while (j < n && !names_is_opaque(cps[j]))
		{
			ascii = ascii && cps[j] < 0x80;
			j++;
		}
		if (ascii)				/* ASCII is its own NFKC form */
			cps_append(out, cps + i, j - i);
		else
		{
			pg_wchar   *run = palloc(sizeof(pg_wchar) * (j - i + 1));
			pg_wchar   *norm;
			size_t		m = 0;

			memcpy(run, cps + i, sizeof(pg_wchar) * (j - i));
			run[j - i] = 0;
			norm = unicode_normalize(UNICODE_NFKC, run);
			while (norm[m] != 0)
				m++;
			cps_append(out, (const uint32_t *) norm, m);
			pfree(norm);
			pfree(run);
		}
		i = j;
	}
}

/* True when the database encoding holds every letter (kept character) of a. */
static bool
holds_letters(const uint32_t *cps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names_char_class(cps[i]) == NAME_CHAR_KEEP && !charset_holds(cps[i], NULL))
			return false;
	return true;
}

/*
 * What names_key() folds, for len bytes of text in the database encoding:
 * its NFKC form; in an encoding that cannot hold every letter of it, each
 * character (with the combining marks after it) whose NFKC form has such a
 * letter is taken as it is.
 */
static void
key_input(const char *s, int len, CodePoints *out)
{
	CodePoints	raw;
	CodePoints	one;

	charset_init();
	text_code_points(s, len, &raw);
	cps_init(out, raw.n + 1);
	append_nfkc(out, raw.cps, raw.n);
	if (!db_charset.converted || holds_letters(out->cps, out->n))
	{
		pfree(raw.cps);
		return;
	}

	out->n = 0;
	cps_init(&one, 8);
	for (size_t i = 0; i < raw.n;)
	{
		size_t		j = i + 1;

		while (j < raw.n && !names_is_opaque(raw.cps[j]) && names_is_combining(raw.cps[j]))
			j++;
		one.n = 0;
		append_nfkc(&one, raw.cps + i, j - i);
		if (holds_letters(one.cps, one.n))
			cps_append(out, one.cps, one.n);
		else
			cps_append(out, raw.cps + i, j - i);
		i = j;
	}
	pfree(one.cps);
	pfree(raw.cps);
}

/* The text, in the database encoding, of a key's k code points. */
static text *
key_text(const uint32_t *key, size_t k)
{
	StringInfoData buf;
	unsigned char *utf8 = palloc(4 * Max(k, 1) + 1);
	unsigned char *conv = db_charset.converted ?
		palloc(4 * Max(k, 1) * MAX_CONVERSION_GROWTH + 1) : NULL;
	text	   *result;

	initStringInfo(&buf);
	for (size_t i = 0; i < k;)
	{
		size_t		j = i;
		size_t		bytes;

		if (names_is_opaque(key[i]))
		{
			unsigned char raw[4];
			size_t		n = names_opaque_unpack(key[i], raw);

			appendBinaryStringInfo(&buf, (const char *) raw, (int) n);
			i++;
			continue;
		}
		while (j < k && !names_is_opaque(key[j]))
			j++;
		bytes = names_utf8_encode(key + i, j - i, utf8);
		if (!db_charset.converted)
			appendBinaryStringInfo(&buf, (const char *) utf8, (int) bytes);
		else
		{
			/* every letter was checked (key_input, NamesCharset): no error */
			charset_convert(&db_charset.from_utf8, PG_UTF8, db_charset.encoding,
							(const char *) utf8, (int) bytes, conv, false);
			appendStringInfoString(&buf, (const char *) conv);
		}
		i = j;
	}
	result = cstring_to_text_with_len(buf.data, buf.len);
	pfree(buf.data);
	pfree(utf8);
	if (conv)
		pfree(conv);
	return result;
}

/* Prepare the legal forms of a forms array (in the current memory context). */
static void
prepare_forms(ArrayType *array, FormsCache *cache)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	cache->forms = palloc(sizeof(NameForm) * Max(nelems, 1));
	cache->nforms = 0;
	for (int i = 0; i < nelems; i++)
	{
		text	   *t;
		CodePoints	input;
		uint32_t   *folded;
		size_t		len;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("legal forms must not contain NULL")));
		t = DatumGetTextPP(elems[i]);
		key_input(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &input);
		folded = palloc(sizeof(uint32_t) * Max(input.n, 1));
		len = names_fold_in(input.cps, input.n, folded, key_charset());
		pfree(input.cps);
		/* a form of nothing but punctuation matches nothing: left out */
		if (names_form_init(&cache->forms[cache->nforms], folded, len, input.n))
			cache->nforms++;
	}
	names_sort_forms(cache->forms, cache->nforms);
}

/* The prepared forms of this call's array: cached while the array is the same. */
static FormsCache *
forms_for_call(FunctionCallInfo fcinfo, ArrayType *array)
{
	FormsCache *cache = (FormsCache *) fcinfo->flinfo->fn_extra;
	Size		size = VARSIZE(array);
	MemoryContext old;

	if (cache != NULL && cache->array_size == size &&
		memcmp(cache->array_bytes, array, size) == 0)
		return cache;

	if (ARR_ELEMTYPE(array) != TEXTOID)
		elog(ERROR, "legal forms must be an array of text");

	/* a new array: drop the old preparation, keep it in the function's context */
	if (cache != NULL)
	{
		for (size_t i = 0; i < cache->nforms; i++)
			pfree((void *) cache->forms[i].key);
		pfree(cache->forms);
		pfree(cache->array_bytes);
	}
	else
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FormsCache));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache->array_size = 0;
	cache->nforms = 0;
	cache->forms = NULL;
	cache->array_bytes = NULL;
	prepare_forms(array, cache);
	cache->array_bytes = palloc(size);
	memcpy(cache->array_bytes, array, size);
	cache->array_size = size;
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/*
 * normalize_company_name(name text, legal_forms text[]) returns text
 *
 * The key of a company name: NFKC, case folding, white space and punctuation
 * folding, legal forms removed at either end and before a branch part
 * (core/names.h).
 */
Datum
normalize_company_name(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	FormsCache *cache = forms_for_call(fcinfo, array);
	CodePoints	input;
	uint32_t   *key;
	uint32_t   *scratch;
	size_t		k;

	key_input(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &input);
	key = palloc(sizeof(uint32_t) * Max(input.n, 1));
	scratch = palloc(sizeof(uint32_t) * Max(input.n, 1));
	k = names_key_in(input.cps, input.n, cache->forms, cache->nforms, key, scratch,
					 key_charset());
	PG_RETURN_TEXT_P(key_text(key, k));
}

/* The company and branch keys of the name argument (core/names.h, "Branches"). */
static void
name_parts(FunctionCallInfo fcinfo, NameKeys *keys)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	FormsCache *cache = forms_for_call(fcinfo, array);
	CodePoints	input;
	uint32_t   *scratch;

	key_input(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &input);
	scratch = palloc(sizeof(uint32_t) * Max(input.n, 1));
	memset(keys, 0, sizeof(NameKeys));
	keys->company = palloc(sizeof(uint32_t) * Max(input.n, 1));
	keys->branch = palloc(sizeof(uint32_t) * Max(input.n, 1));
	names_keys_in(input.cps, input.n, cache->forms, cache->nforms, scratch,
				  key_charset(), keys);
}

/*
 * company_key(name text, legal_forms text[]) returns text
 *
 * The key of the company a name belongs to: its name key without the branch
 * part (the whole name key when there is none).
 */
Datum
company_key(PG_FUNCTION_ARGS)
{
	NameKeys	keys;

	name_parts(fcinfo, &keys);
	PG_RETURN_TEXT_P(key_text(keys.company, keys.company_len));
}

/*
 * branch_key(name text, legal_forms text[]) returns text
 *
 * The key of the branch part of a name (本社, 大阪支店, Osaka Branch, ...);
 * NULL when no branch part is recognised.
 */
Datum
branch_key(PG_FUNCTION_ARGS)
{
	NameKeys	keys;

	name_parts(fcinfo, &keys);
	if (!keys.has_branch)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(key_text(keys.branch, keys.branch_len));
}

/*
 * The NFKC form of len bytes of text in the database encoding, as code
 * points in palloc'd *cps (characters without a Unicode equivalent as
 * opaque values above U+10FFFF); for other checks of user text that need
 * the same reading as the name keys (src/phone_sql.c).
 */
void
DormancyTextNfkc(const char *s, int len, uint32_t **cps, size_t *n)
{
	CodePoints	out;

	key_input(s, len, &out);
	*cps = out.cps;
	*n = out.n;
}
