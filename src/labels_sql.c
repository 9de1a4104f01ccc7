/*
 * labels_sql.c
 *		The labels of the codes in the language of dormancy.language, read
 *		from dormancy.labels once per query:
 *		dormancy.label(vocabulary text, code text) returns text
 *		dormancy.labels(vocabulary text, codes text[]) returns text[]
 *		dormancy._label_codes() returns (vocabulary text, code text)
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
#include "core/labels.h"
#include "core/metrics.h"
#include "core/priority.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "rules_sql.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(dormancy_label);
PG_FUNCTION_INFO_V1(dormancy_labels);
PG_FUNCTION_INFO_V1(label_codes);

/* The labels of one call site. */
typedef struct LabelCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nkeys;
	LabelKey   *keys;			/* distinct (vocabulary, code), sorted */
	Datum	   *labels;			/* text per key and language: [key * LABEL_NLANGUAGES + language], 0: none */
} LabelCache;

/* Read dormancy.labels into a new cache, a child context of parent. */
static LabelCache *
LoadLabels(MemoryContext parent)
{
	LabelCache *cache = NewCallSiteCache(AllocSetContextCreate(parent, "dormancy labels", ALLOCSET_SMALL_SIZES),
										 sizeof(LabelCache));
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
		fcinfo->flinfo->fn_extra = LoadLabels(fcinfo->flinfo->fn_mcxt);
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
 * (src/status.c, DormancyStateName and dormancy_state), the segments
 * (src/core/facts.c, customer_segment), the kinds of dormancy
 * (src/assess_sql.c) and the evidence words (src/core/assess.c,
 * assess_evidence).  The codes that tables constrain (reasons, themes,
 * channels, deal outcomes and reasons, event kinds) are in their CHECK
 * constraints; sql/labels.sql reads both.
 */
static const char *const state_codes[] = {"active", "at_risk", "dormant", "long_dormant", "never_purchased"};
static const char *const segment_codes[] = {"one_time", "repeat", "campaign_only"};
static const char *const kind_codes[] = {"lost_deal", "purchase"};
static const char *const evidence_words[] = {
	"declining", "lapsed_after_price_increase", "lapsed_after_spec_change", "contract_lapsed",
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
	PUT_ALL(rsinfo, "contract_state", "", state_codes, lengthof(state_codes));
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
