/*
 * labels_sql.c
 *		The labels of the codes in the language of dormancy.language, read
 *		from dormancy.labels once per query:
 *		dormancy.label(vocabulary text, code text) returns text
 *		dormancy.labels(vocabulary text, codes text[]) returns text[]
 *		dormancy._label_codes() returns (vocabulary text, code text)
 *		dormancy.score_breakdown_label(score_breakdown jsonb) returns jsonb
 *
 * The cache works like the rules' (src/rules_sql.c): on its first call in a
 * query, each call site (its FmgrInfo) reads the whole table with SPI, with
 * the caller's privileges and the query's snapshot, and keeps it in
 * fn_extra, sorted by (vocabulary, code) with the label of each language;
 * a call site that outlives its snapshot reads again.  Per row: the
 * language in force (a few byte comparisons, src/dormancy.c) and a binary
 * search (src/core/labels.c).  A label missing in the language in force
 * falls back to English, then to the code itself.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "core/assess.h"
#include "core/basis_match.h"
#include "core/labels.h"
#include "core/metrics.h"
#include "core/priority.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "rules_sql.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(dormancy_label);
PG_FUNCTION_INFO_V1(dormancy_labels);
PG_FUNCTION_INFO_V1(label_codes);
PG_FUNCTION_INFO_V1(score_breakdown_label);

/* The labels of one call site. */
typedef struct LabelCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nkeys;
	LabelKey   *keys;			/* distinct (vocabulary, code), sorted */
	Datum	   *labels;			/* text per key and language: [key * LABEL_NLANGUAGES + language], 0: none */
} LabelCache;

/*
 * Read dormancy.labels into a new cache of size bytes (a LabelCache or a
 * struct that starts with one), a child context of parent.
 */
static LabelCache *
LoadLabels(MemoryContext parent, Size size)
{
	LabelCache *cache = NewCallSiteCache(AllocSetContextCreate(parent, "dormancy labels", ALLOCSET_SMALL_SIZES),
										 size);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	LabelKey   *rows;
	int			n;
	int			k = -1;

	n = ReadRows("SELECT l.vocabulary, l.code, l.language, l.label FROM dormancy.labels l",
				 "dormancy.labels", cache->site.mcxt, &desc, &tuples);
	rows = palloc(sizeof(LabelKey) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		text	   *v = DatumGetTextPP(heap_getattr(tuples[i], 1, desc, &isnull));
		text	   *c;

		if (isnull)				/* the primary key */
			elog(ERROR, "a label has no vocabulary");
		c = DatumGetTextPP(heap_getattr(tuples[i], 2, desc, &isnull));
		if (isnull)
			elog(ERROR, "a label has no code");
		rows[i].vocabulary = VARDATA_ANY(v);
		rows[i].vocabulary_len = VARSIZE_ANY_EXHDR(v);
		rows[i].code = VARDATA_ANY(c);
		rows[i].code_len = VARSIZE_ANY_EXHDR(c);
		rows[i].row = i;
	}
	label_keys_sort(rows, n);

	/* one key per (vocabulary, code), with its label in each language */
	cache->keys = palloc(sizeof(LabelKey) * Max(n, 1));
	cache->labels = palloc0(sizeof(Datum) * LABEL_NLANGUAGES * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		lang;
		Datum		label;
		int			language;

		if (k < 0 || !label_keys_equal(&cache->keys[k], &rows[i]))
			cache->keys[++k] = rows[i];
		lang = heap_getattr(tuples[rows[i].row], 3, desc, &isnull);
		if (isnull)
			continue;
		language = label_language_of_code(TextDatumGetCString(lang));
		label = heap_getattr(tuples[rows[i].row], 4, desc, &isnull);
		if (language < 0 || isnull)	/* a CHECK of the table */
			continue;
		cache->labels[k * LABEL_NLANGUAGES + language] = PointerGetDatum(DatumGetTextPP(label));
	}
	cache->nkeys = k + 1;
	MemoryContextSwitchTo(old);
	return cache;
}

/* The cache of the call site, read when missing or stale. */
static LabelCache *
CallSiteLabels(FunctionCallInfo fcinfo)
{
	if (CallSiteCacheStale(fcinfo))
		fcinfo->flinfo->fn_extra = LoadLabels(fcinfo->flinfo->fn_mcxt, sizeof(LabelCache));
	return (LabelCache *) fcinfo->flinfo->fn_extra;
}

/* The label of a code in the language, else in English; (Datum) 0 when there is none. */
static Datum
FindLabel(LabelCache *cache, LabelLanguage language, text *vocabulary, const char *code, size_t code_len)
{
	int			i = label_keys_find(cache->keys, cache->nkeys,
									VARDATA_ANY(vocabulary), VARSIZE_ANY_EXHDR(vocabulary),
									code, code_len);
	Datum		d;

	if (i < 0)
		return (Datum) 0;
	d = cache->labels[i * LABEL_NLANGUAGES + language];
	if (d == (Datum) 0)
		d = cache->labels[i * LABEL_NLANGUAGES + LABEL_EN];
	return d;
}

/*
 * label(vocabulary text, code text) returns text
 *
 * The label of the code in the language in force, else the English one,
 * else the code.  Strict.
 */
Datum
dormancy_label(PG_FUNCTION_ARGS)
{
	LabelLanguage language = DormancyLanguage();
	LabelCache *cache = CallSiteLabels(fcinfo);
	text	   *vocabulary = PG_GETARG_TEXT_PP(0);
	Datum		code = PG_GETARG_DATUM(1);
	text	   *c = DatumGetTextPP(code);
	Datum		label = FindLabel(cache, language, vocabulary, VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c));

	PG_RETURN_DATUM(label != (Datum) 0 ? label : code);
}

/*
 * labels(vocabulary text, codes text[]) returns text[]
 *
 * label() of each element, in order; a NULL element stays NULL.  Strict.
 */
Datum
dormancy_labels(PG_FUNCTION_ARGS)
{
	LabelLanguage language = DormancyLanguage();
	LabelCache *cache = CallSiteLabels(fcinfo);
	text	   *vocabulary = PG_GETARG_TEXT_PP(0);
	ArrayType  *codes = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (ARR_ELEMTYPE(codes) != TEXTOID)
		elog(ERROR, "expected an array of text");
	deconstruct_array(codes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		text	   *c;
		Datum		label;

		if (nulls[i])
			continue;
		c = DatumGetTextPP(elems[i]);
		label = FindLabel(cache, language, vocabulary, VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c));
		if (label != (Datum) 0)
			elems[i] = label;
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, ARR_NDIM(codes), ARR_DIMS(codes),
											 ARR_LBOUND(codes), TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * The codes the C code writes into the columns that have labels, beside
 * the arrays of the core that name them.  Keep in step with: the states
 * (src/status.c, DormancyStateName and dormancy_state; contract_state adds
 * "ended", src/assess_sql.c), the segments
 * (src/core/facts.c, customer_segment), the kinds of dormancy
 * (src/assess_sql.c) and the evidence words (src/core/assess.c,
 * assess_evidence).  The codes that tables constrain (reasons, themes,
 * channels, deal outcomes and reasons, event kinds) are in their CHECK
 * constraints; sql/labels.sql reads both.
 */
static const char *const state_codes[] = {"active", "at_risk", "dormant", "long_dormant", "never_purchased"};
/* contract_state: the states, and "ended" (src/assess_sql.c) */
static const char *const contract_state_codes[] = {"active", "ended", "at_risk", "dormant", "long_dormant", "never_purchased"};
static const char *const segment_codes[] = {"one_time", "repeat", "campaign_only"};
static const char *const kind_codes[] = {"lost_deal", "purchase"};
static const char *const evidence_words[] = {
	"lapsed", "declining", "lapsed_after_price_increase", "lapsed_after_spec_change", "contract_lapsed",
	"auto_renew_off", "downgraded", "renewal_due", "engaged", "no_engagement", "pricing_views",
	"repeated_pricing_views", "support_visits", "open_deal", "lost_deal"
};
/* the name's gaps, from SQL (customer_status), beside assess_gap_names */
static const char *const name_gap_codes[] = {"no_name", "duplicate_name"};

static void
PutCode(ReturnSetInfo *rsinfo, const char *vocabulary, const char *prefix, const char *code)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};

	values[0] = CStringGetTextDatum(vocabulary);
	values[1] = CStringGetTextDatum(psprintf("%s%s", prefix, code));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

#define PUT_ALL(rsinfo, vocabulary, prefix, list, n) \
	for (int i_ = 0; i_ < (int) (n); i_++) \
		PutCode(rsinfo, vocabulary, prefix, (list)[i_])

/*
 * _label_codes() returns (vocabulary text, code text)
 *
 * The codes the C code can write into a column that has labels, by
 * vocabulary (the test that every one has a label in both languages).
 * Evidence also holds "deal_" || the deal outcome and "deal_reason_" ||
 * the deal reason, whose codes are the tables'.
 */
Datum
label_codes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	PUT_ALL(rsinfo, "state", "", state_codes, lengthof(state_codes));
	PUT_ALL(rsinfo, "contract_state", "", contract_state_codes, lengthof(contract_state_codes));
	PUT_ALL(rsinfo, "segment", "", segment_codes, lengthof(segment_codes));
	PUT_ALL(rsinfo, "dormancy_kind", "", kind_codes, lengthof(kind_codes));
	PUT_ALL(rsinfo, "decline_signals", "", decline_signal_names, DECLINE_NSIGNALS);
	PUT_ALL(rsinfo, "data_gaps", "", assess_gap_names, ASSESS_NGAPS);
	PUT_ALL(rsinfo, "data_gaps", "", name_gap_codes, lengthof(name_gap_codes));
	PUT_ALL(rsinfo, "score_component", "", priority_component_names, PRIORITY_NCOMPONENTS);
	PUT_ALL(rsinfo, "evidence", "state_", state_codes, lengthof(state_codes));
	PUT_ALL(rsinfo, "evidence", "", segment_codes, lengthof(segment_codes));
	PUT_ALL(rsinfo, "evidence", "", evidence_words, lengthof(evidence_words));
	PUT_ALL(rsinfo, "evidence", "", decline_signal_names, DECLINE_NSIGNALS);
	return (Datum) 0;
}

/*
 * The score breakdown in the reader's language.  The C code writes each
 * component's basis in English, clause by clause, separated by ", "
 * (src/priority_sql.c, append_basis); dormancy._score_basis_forms()
 * (sql_src/64_labels.sql) gives, per component, each clause it writes: the
 * clause itself, or a regular expression (starting with ^) whose captures
 * are its numbers and codes, the code of the clause's sentence template
 * (vocabulary score_basis of dormancy.labels: {1}, {2}, ... stand for the
 * captures) and the vocabularies whose labels replace captured codes.  The
 * forms are read once per call site, with the labels.  The expressions are
 * matched by src/core/basis_match.c, which takes the simple syntax they are
 * written in (a form it does not take is an error when the forms are read,
 * so sql/score_breakdown_label.sql fails on it) and finds the captures
 * regexp_match() finds in them.  With PostgreSQL's engine a breakdown took
 * 61 us, most of it the engine's setup of each match; with the simple
 * matcher 7 to 9 us (20,000 breakdowns of the demo data, 2026-12-04; the
 * PL/pgSQL before them, 340 us).
 */
typedef struct BasisForm
{
	char	   *component;
	size_t		component_len;
	text	   *pattern;
	BasisMatch *simple;			/* the expression (a pattern starting with ^), compiled
								 * (src/core/basis_match.c); NULL: the clause itself */
	char	   *code;
	int			nvocabularies;
	text	  **vocabularies;	/* per capture, NULL: none */
} BasisForm;

typedef struct ScoreLabelCache
{
	LabelCache	labels;			/* first: the cache is a LabelCache too */
	int			nforms;
	BasisForm  *forms;			/* in their order */
	text	   *score_basis;	/* the vocabularies' names, as text */
	text	   *score_component;
} ScoreLabelCache;

static ScoreLabelCache *
LoadScoreLabels(MemoryContext parent)
{
	ScoreLabelCache *cache = (ScoreLabelCache *) LoadLabels(parent, sizeof(ScoreLabelCache));
	MemoryContext old = MemoryContextSwitchTo(cache->labels.site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n;

	n = ReadRows("SELECT f.component, f.pattern, f.code, f.vocabularies FROM dormancy._score_basis_forms() f ORDER BY f.ord",
				 "dormancy._score_basis_forms()", cache->labels.site.mcxt, &desc, &tuples);
	cache->forms = palloc0(sizeof(BasisForm) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		BasisForm  *f = &cache->forms[cache->nforms];
		bool		isnull[4];
		Datum		d[4];

		for (int a = 0; a < 4; a++)
			d[a] = heap_getattr(tuples[i], a + 1, desc, &isnull[a]);
		if (isnull[0] || isnull[1] || isnull[2])	/* not a form */
			continue;
		f->component = TextDatumGetCString(d[0]);
		f->component_len = strlen(f->component);
		f->pattern = DatumGetTextPCopy(d[1]);
		if (VARSIZE_ANY_EXHDR(f->pattern) > 0 && *VARDATA_ANY(f->pattern) == '^')
		{
			f->simple = palloc(sizeof(BasisMatch));
			if (!basis_match_compile(VARDATA_ANY(f->pattern), VARSIZE_ANY_EXHDR(f->pattern), f->simple))
				elog(ERROR, "the basis form \"%s\" of dormancy._score_basis_forms() is not of the syntax of src/core/basis_match.h",
					 text_to_cstring(f->pattern));
		}
		f->code = TextDatumGetCString(d[2]);
		if (!isnull[3])
		{
			Datum	   *elems;
			bool	   *nulls;

			deconstruct_array(DatumGetArrayTypeP(d[3]), TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &f->nvocabularies);
			f->vocabularies = palloc0(sizeof(text *) * Max(f->nvocabularies, 1));
			for (int j = 0; j < f->nvocabularies; j++)
				f->vocabularies[j] = nulls[j] ? NULL : DatumGetTextPCopy(elems[j]);
		}
		cache->nforms++;
	}
	cache->score_basis = cstring_to_text("score_basis");
	cache->score_component = cstring_to_text("score_component");
	MemoryContextSwitchTo(old);
	return cache;
}

/* label(vocabulary, code) of SQL: the label, else the code itself */
static const char *
LabelOrCode(LabelCache *cache, LabelLanguage language, text *vocabulary, const char *code, size_t code_len)
{
	Datum		label = FindLabel(cache, language, vocabulary, code, code_len);

	if (label == (Datum) 0)
		return pnstrdup(code, code_len);
	return text_to_cstring(DatumGetTextPP(label));
}

/* replace(s, what, with) of SQL: every occurrence, left to right */
static char *
ReplaceAll(const char *s, const char *what, const char *with)
{
	StringInfoData buf;
	size_t		what_len = strlen(what);
	const char *hit;

	if (what_len == 0 || (hit = strstr(s, what)) == NULL)
		return (char *) s;
	initStringInfo(&buf);
	do
	{
		appendBinaryStringInfo(&buf, s, hit - s);
		appendStringInfoString(&buf, with);
		s = hit + what_len;
	} while ((hit = strstr(s, what)) != NULL);
	appendStringInfoString(&buf, s);
	return buf.data;
}

/*
 * The sentence of one clause of a component's basis: the template of the
 * first form of the component that the clause matches, with its captures
 * (each replaced by its label when the form names a vocabulary for it);
 * NULL when no form matches or the form's template has no label in any
 * language.
 */
static char *
ClauseSentence(ScoreLabelCache *cache, LabelLanguage language, const char *component, size_t component_len,
			   const char *clause, size_t clause_len)
{
	for (int i = 0; i < cache->nforms; i++)
	{
		BasisForm  *f = &cache->forms[i];
		int			ncaptures = 0;
		char	  **captures = NULL;
		const char *part;

		if (f->component_len != component_len || memcmp(f->component, component, component_len) != 0)
			continue;
		if (f->simple != NULL)
		{
			BasisMatchCaptures found;

			if (!basis_match_run(f->simple, clause, clause_len, &found))
				continue;
			/* as regexp_match: the captures, else the whole match */
			ncaptures = f->simple->ngroups > 0 ? f->simple->ngroups : 1;
			captures = palloc0(sizeof(char *) * ncaptures);
			for (int j = 0; j < ncaptures; j++)
			{
				int			g = f->simple->ngroups > 0 ? j + 1 : 0;

				if (found.start[g] >= 0)
					captures[j] = pnstrdup(clause + found.start[g], found.end[g] - found.start[g]);
			}
		}
		else if (VARSIZE_ANY_EXHDR(f->pattern) != clause_len ||
				 memcmp(VARDATA_ANY(f->pattern), clause, clause_len) != 0)
			continue;

		part = LabelOrCode(&cache->labels, language, cache->score_basis, f->code, strlen(f->code));
		if (strcmp(part, f->code) == 0)	/* no template in any language */
			return NULL;
		for (int j = 0; j < ncaptures; j++)
		{
			const char *with = captures[j] != NULL ? captures[j] : "";

			if (captures[j] != NULL && j < f->nvocabularies && f->vocabularies[j] != NULL)
				with = LabelOrCode(&cache->labels, language, f->vocabularies[j], captures[j], strlen(captures[j]));
			part = ReplaceAll(part, psprintf("{%d}", j + 1), with);
		}
		return (char *) part;
	}
	return NULL;
}

/* v ->> 'basis' of SQL for a component's value; NULL when none */
static char *
BasisText(JsonbValue *v)
{
	JsonbValue *b;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;
	b = getKeyJsonValueFromContainer(v->val.binary.data, "basis", 5, NULL);
	if (b == NULL)
		return NULL;
	switch (b->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return pnstrdup(b->val.string.val, b->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(b->val.numeric)));
		case jbvBool:
			return pstrdup(b->val.boolean ? "true" : "false");
		case jbvBinary:
			return JsonbToCString(NULL, b->val.binary.data, b->val.binary.len);
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) b->type);
	}
	return NULL;				/* keep compiler quiet */
}

static void
PushString(JsonbParseState **state, JsonbIteratorToken token, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	pushJsonbValue(state, token, &v);
}

/*
 * score_breakdown_label(score_breakdown jsonb) returns jsonb
 *
 * Per component of the breakdown: its label (vocabulary score_component)
 * and its basis as a sentence, each clause from its template, joined by the
 * label of score_basis/separator (", " without one); the basis as written
 * when any clause has no form or no template.  NULL when the breakdown is
 * not an object.  Strict.
 */
Datum
score_breakdown_label(PG_FUNCTION_ARGS)
{
	Jsonb	   *breakdown = PG_GETARG_JSONB_P(0);
	LabelLanguage language = DormancyLanguage();
	ScoreLabelCache *cache;
	const char *separator;
	JsonbParseState *state = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbValue	key;
	JsonbIteratorToken token;
	JsonbValue *result;

	if (!JB_ROOT_IS_OBJECT(breakdown))
		PG_RETURN_NULL();
	if (CallSiteCacheStale(fcinfo))
		fcinfo->flinfo->fn_extra = LoadScoreLabels(fcinfo->flinfo->fn_mcxt);
	cache = (ScoreLabelCache *) fcinfo->flinfo->fn_extra;
	separator = LabelOrCode(&cache->labels, language, cache->score_basis, "separator", strlen("separator"));
	if (strcmp(separator, "separator") == 0)	/* no label: the English one */
		separator = ", ";

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(&breakdown->root);
	key.type = jbvNull;
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *basis;
		char	   *sentence = NULL;

		if (token == WJB_KEY)
		{
			key = v;
			continue;
		}
		if (token != WJB_VALUE)
			continue;
		basis = BasisText(&v);
		if (basis != NULL)
		{
			/*
			 * The clauses as string_to_array(basis, ', ') gives them: none
			 * in an empty basis, else the fields between the separators
			 * (empty ones too)
			 */
			StringInfoData buf;
			bool		unknown = false;

			initStringInfo(&buf);
			if (*basis != '\0')
			{
				const char *p = basis;

				for (;;)
				{
					const char *next = strstr(p, ", ");
					size_t		len = next != NULL ? (size_t) (next - p) : strlen(p);
					char	   *part = ClauseSentence(cache, language, key.val.string.val, key.val.string.len, p, len);

					if (part == NULL)
					{
						unknown = true;
						break;
					}
					/* as the SQL did: no separator while the sentence is empty */
					if (buf.len > 0)
						appendStringInfoString(&buf, separator);
					appendStringInfoString(&buf, part);
					if (next == NULL)
						break;
					p = next + 2;
				}
			}
			sentence = unknown ? NULL : buf.data;
		}
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		PushString(&state, WJB_KEY, "label");
		PushString(&state, WJB_VALUE, LabelOrCode(&cache->labels, language, cache->score_component,
												  key.val.string.val, key.val.string.len));
		PushString(&state, WJB_KEY, "basis");
		if (sentence != NULL)
			PushString(&state, WJB_VALUE, sentence);
		else if (basis != NULL)
			PushString(&state, WJB_VALUE, basis);
		else
		{
			JsonbValue	null;

			null.type = jbvNull;
			pushJsonbValue(&state, WJB_VALUE, &null);
		}
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(result));
}
