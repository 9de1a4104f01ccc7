/*
 * names_sql.c
 *		SQL interface of the company-name keys:
 *		dormancy.normalize_company_name(name text, legal_forms text[]).
 *
 * The folding is in core/names.c, which works on code points.  This file
 * turns the text into UTF-8 code points (converting from the database
 * encoding when it is not UTF-8), applies Unicode NFKC with the server's own
 * unicode_normalize() (the function behind SQL's normalize()), prepares the
 * legal forms once per distinct forms array (cached in fn_extra), and turns
 * the key back into text.
 *
 * IMMUTABLE like normalize(): the result depends only on the arguments and
 * on the Unicode tables compiled into the server.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/unicode_norm.h"
#include "core/names.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(normalize_company_name);

StaticAssertDecl(sizeof(pg_wchar) == sizeof(uint32_t), "pg_wchar is a 32-bit code point");

/* The legal forms prepared for one forms array, kept in fn_mcxt. */
typedef struct FormsCache
{
	char	   *array_bytes;	/* copy of the (detoasted) array, to recognize it */
	Size		array_size;
	NameForm   *forms;
	size_t		nforms;
} FormsCache;

/*
 * The code points of a string in the database encoding, NFKC normalized.
 * Sets *n to their number; the array has room for *n + 1 values.
 */
static uint32_t *
nfkc_code_points(const char *s, int len, size_t *n)
{
	const char *utf8 = s;
	uint32_t   *cps;
	long		count;
	bool		ascii = true;

	if (GetDatabaseEncoding() != PG_UTF8)
		utf8 = pg_server_to_any(s, len, PG_UTF8);
	if (utf8 != s)
		len = strlen(utf8);
	if ((Size) len >= MaxAllocSize / sizeof(uint32_t) - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("company name is too long to normalize")));

	cps = palloc(sizeof(uint32_t) * ((Size) len + 1));
	count = names_utf8_decode((const unsigned char *) utf8, len, cps);
	if (count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid byte sequence for encoding \"UTF8\" in company name"),
				 errdetail("Names are normalized as Unicode text; the database encoding is %s.",
						   GetDatabaseEncodingName())));
	cps[count] = 0;
	for (long i = 0; i < count && ascii; i++)
		ascii = cps[i] < 0x80;

	/* ASCII is its own NFKC form */
	if (!ascii)
	{
		pg_wchar   *norm = unicode_normalize(UNICODE_NFKC, (const pg_wchar *) cps);
		size_t		m = 0;

		while (norm[m] != 0)
			m++;
		pfree(cps);
		cps = (uint32_t *) norm;
		count = (long) m;
	}
	*n = (size_t) count;
	return cps;
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
		uint32_t   *cps;
		uint32_t   *folded;
		size_t		n;
		size_t		len;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("legal forms must not contain NULL")));
		t = DatumGetTextPP(elems[i]);
		cps = nfkc_code_points(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &n);
		folded = palloc(sizeof(uint32_t) * Max(n, 1));
		len = names_fold(cps, n, folded);
		pfree(cps);
		/* a form of nothing but punctuation matches nothing: left out */
		if (names_form_init(&cache->forms[cache->nforms], folded, len))
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
 * folding, legal forms removed at either end (core/names.h).
 */
Datum
normalize_company_name(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	FormsCache *cache = forms_for_call(fcinfo, array);
	uint32_t   *cps;
	uint32_t   *key;
	uint32_t   *scratch;
	unsigned char *utf8;
	char	   *server;
	size_t		n;
	size_t		k;
	size_t		bytes;

	cps = nfkc_code_points(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &n);
	if (n >= MaxAllocSize / (4 * sizeof(uint32_t)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("company name is too long to normalize")));
	key = palloc(sizeof(uint32_t) * Max(n, 1));
	scratch = palloc(sizeof(uint32_t) * Max(n, 1));
	k = names_key(cps, n, cache->forms, cache->nforms, key, scratch);

	utf8 = palloc(4 * Max(k, 1) + 1);
	bytes = names_utf8_encode(key, k, utf8);
	utf8[bytes] = '\0';
	server = pg_any_to_server((const char *) utf8, (int) bytes, PG_UTF8);
	PG_RETURN_TEXT_P(cstring_to_text(server));
}
