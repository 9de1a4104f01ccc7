/*
 * rules_sql.c
 *		The rules, reason rules, approach rules and models applied in C,
 *		prepared once per query from the configuration they are given:
 *		dormancy._likely_reason(lapsing boolean, have text[], configuration,
 *								OUT reason text, OUT evidence text[])
 *		dormancy._approach_channel(lapsing boolean, approach_value float8,
 *								   industry text, company_size text, reason text,
 *								   can_phone boolean, can_mail boolean,
 *								   configuration)
 *			returns text
 *		dormancy._rule_for(industry text, company_size text, configuration)
 *			returns dormancy.rules
 *		dormancy._model_for(industry text, company_size text, configuration,
 *							OUT model_id integer, OUT bgnbd dormancy.bgnbd,
 *							OUT gammagamma dormancy.gammagamma,
 *							OUT unit_days float8, OUT horizon_days float8,
 *							OUT model text, OUT paretonbd dormancy.paretonbd)
 *
 * customer_status calls them once per customer in place of a LATERAL
 * subquery over dormancy.reason_rules, dormancy.approach_rules
 * (sql_src/55_priority.sql) and dormancy.models (sql_src/45_model_status.sql);
 * customer_core calls _rule_for, dormancy.rule_for() in C.
 * The rule matching is in core/rules.c.
 *
 * The configuration: these functions, and those of assess_sql.c,
 * facts_sql.c and btyd_sql.c that customer_core and customer_status call
 * per customer, read no table.  Their last argument is a
 * dormancy.configuration (sql_src/09_configuration.sql): the configuration
 * tables as one jsonb object with its fingerprint, made by
 * dormancy._configuration() once per query, in an init plan, on the node
 * that plans the query.  So they are IMMUTABLE, and a Citus worker or a
 * parallel worker gives the answer the coordinator's tables give.
 *
 * The cache: on its first call, each call site (its FmgrInfo) reads the rows
 * it needs from the configuration with SPI (jsonb_populate_recordset over
 * the value: CONFIG_TABLE in rules_sql.h) and keeps them prepared in
 * fn_extra, in a child context of fn_mcxt, which lives as long as the
 * query's executor state, with the fingerprint it read.  Later calls read
 * only the fingerprint of their argument; another fingerprint (a call site
 * that outlives its query, such as a PL/pgSQL expression, or a caller that
 * passes another configuration) prepares the rows again.  So every row of a
 * query sees the same configuration and an edit shows in the next query,
 * as with the SQL these functions replace.  ReadRows and the snapshot key
 * remain for dormancy.label(), which still reads its table (labels_sql.c).
 *
 * Folding of industry and company size: the rules' lists are folded by
 * dormancy.label_key(x) in the SQL that reads them; a customer's value by
 * the same function (label_key_sql.c) under the call's collation (the default
 * collation when it has none), once per distinct value per query.  Folded
 * words are then compared as bytes, as text equality does under a
 * deterministic collation.  The rules and approach rules compare a
 * customer's value by its own key and by its alias's (dormancy.industries,
 * dormancy.company_sizes), as dormancy.rule_for() does.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "core/rules.h"
#include "rules_sql.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "label_key_sql.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(likely_reason);
PG_FUNCTION_INFO_V1(approach_channel);
PG_FUNCTION_INFO_V1(model_for);
PG_FUNCTION_INFO_V1(segment_value);

/* The key of the active snapshot; false when there is none. */
static bool
CurrentSnapshotKey(SnapshotKey *key)
{
	Snapshot	snap;

	if (!ActiveSnapshotSet())
		return false;
	snap = GetActiveSnapshot();
	key->xmin = snap->xmin;
	key->xmax = snap->xmax;
	key->curcid = snap->curcid;
	key->completions = snap->snapXactCompletionCount;
	return true;
}

/* Whether a cache read with key may serve the call now. */
static bool
SnapshotKeyCurrent(const SnapshotKey *key)
{
	SnapshotKey now;

	return CurrentSnapshotKey(&now) && now.xmin == key->xmin && now.xmax == key->xmax &&
		now.curcid == key->curcid && now.completions == key->completions;
}

/* Free the call site's cache (NULL: none), so that the caller reads it again; returns true. */
static bool
DropCallSiteCache(FunctionCallInfo fcinfo, CallSiteCache *site)
{
	fcinfo->flinfo->fn_extra = NULL;
	if (site != NULL)
		MemoryContextDelete(site->mcxt);
	return true;
}

/*
 * Whether the call site's cache is missing or was read with another
 * snapshot (a call site that outlived its statement: a PL/pgSQL expression
 * in a loop); a stale cache is freed, so the caller reads it again.
 */
bool
CallSiteCacheStale(FunctionCallInfo fcinfo)
{
	CallSiteCache *site = (CallSiteCache *) fcinfo->flinfo->fn_extra;

	if (site != NULL && SnapshotKeyCurrent(&site->snap))
		return false;
	return DropCallSiteCache(fcinfo, site);
}

/*
 * A new, zeroed cache of size bytes in mcxt (its own context, a child of
 * fn_mcxt), keyed on the active snapshot.  The current memory context is
 * left as it was.
 */
void *
NewCallSiteCache(MemoryContext mcxt, Size size)
{
	CallSiteCache *site = MemoryContextAllocZero(mcxt, size);

	site->mcxt = mcxt;
	if (!CurrentSnapshotKey(&site->snap))
		memset(&site->snap, 0, sizeof(site->snap));
	return site;
}

/*
 * Run a read-only query with SPI (the caller's rights, the active snapshot;
 * with config, its tables as $1) and copy its rows and their descriptor
 * into mcxt; returns the row count.  The query runs inside the caller's
 * query, so its names are resolved with search_path pinned to pg_catalog
 * (then pg_temp, last): otherwise an operator of exactly the argument types
 * in a schema the caller searches (public, for a role that may create there)
 * would be picked for the query's operators, and its function run with the
 * rights of whoever reads the views (sql/search_path_attack.sql).
 */
static int
RunReadOnly(const char *sql, const char *what, Datum *config_tables, MemoryContext mcxt,
			TupleDesc *desc, HeapTuple **tuples)
{
	MemoryContext old;
	Oid			argtypes[1] = {JSONBOID};
	int			n;
	int			rc;
	int			guc_level;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* undone by AtEOXact_GUC below, or by the abort on an error */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	rc = config_tables == NULL ? SPI_execute(sql, true, 0) :
		SPI_execute_with_args(sql, 1, argtypes, config_tables, NULL, true, 0);
	AtEOXact_GUC(true, guc_level);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s", what);
	old = MemoryContextSwitchTo(mcxt);
	n = (int) SPI_processed;
	*desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	*tuples = palloc(sizeof(HeapTuple) * Max(n, 1));
	for (int i = 0; i < n; i++)
		(*tuples)[i] = heap_copytuple(SPI_tuptable->vals[i]);
	MemoryContextSwitchTo(old);
	SPI_finish();
	return n;
}

/* Rows of a query over the tables themselves (see RunReadOnly). */
int
ReadRows(const char *sql, const char *what, MemoryContext mcxt, TupleDesc *desc, HeapTuple **tuples)
{
	return RunReadOnly(sql, what, NULL, mcxt, desc, tuples);
}

/*
 * Rows of a query over a configuration's tables (CONFIG_TABLE in its FROM
 * items; see RunReadOnly).  A table the configuration does not hold has no
 * rows.
 */
int
ReadConfigRows(const char *sql, const char *what, const Configuration *config, MemoryContext mcxt,
			   TupleDesc *desc, HeapTuple **tuples)
{
	Datum		value = JsonbPGetDatum(config->value);

	return RunReadOnly(sql, what, &value, mcxt, desc, tuples);
}

/*
 * The dormancy.configuration of argument argno.  Only its fingerprint is
 * read here (one key of the object), so that a call whose cache is current
 * pays nothing for the tables beside it.
 */
void
ConfigurationArg(FunctionCallInfo fcinfo, int argno, Configuration *config)
{
	Jsonb	   *value;
	JsonbValue	fingerprint;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the configuration must not be null"),
				 errhint("Pass dormancy._configuration(), the configuration tables as one value.")));
	value = PG_GETARG_JSONB_P(argno);
	if (!JB_ROOT_IS_OBJECT(value) ||
		getKeyJsonValueFromContainer(&value->root, "fingerprint", strlen("fingerprint"), &fingerprint) == NULL ||
		fingerprint.type != jbvString || fingerprint.val.string.len < 1 ||
		fingerprint.val.string.len > CONFIG_FINGERPRINT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the configuration has no fingerprint"),
				 errdetail("A configuration is a JSON object with the key \"fingerprint\", a string of 1 to %d characters.",
						   CONFIG_FINGERPRINT_MAX),
				 errhint("Pass dormancy._configuration(), the configuration tables as one value.")));
	config->fingerprint = fingerprint.val.string.val;
	config->fingerprint_len = fingerprint.val.string.len;
	config->value = value;
}

/* Whether a cache (NULL: none) was read from the configuration. */
bool
ConfigCacheCurrent(const CallSiteCache *site, const Configuration *config)
{
	return site != NULL && site->fingerprint_len == config->fingerprint_len &&
		memcmp(site->fingerprint, config->fingerprint, config->fingerprint_len) == 0;
}

/*
 * Whether the call site's cache is missing or was read from another
 * configuration; a stale cache is freed, so the caller reads it again.
 */
bool
ConfigCacheStale(FunctionCallInfo fcinfo, const Configuration *config)
{
	CallSiteCache *site = (CallSiteCache *) fcinfo->flinfo->fn_extra;

	if (ConfigCacheCurrent(site, config))
		return false;
	return DropCallSiteCache(fcinfo, site);
}

/* A new, zeroed cache of size bytes in mcxt, keyed on the configuration. */
void *
NewConfigCache(MemoryContext mcxt, Size size, const Configuration *config)
{
	CallSiteCache *site = MemoryContextAllocZero(mcxt, size);

	site->mcxt = mcxt;
	site->fingerprint_len = config->fingerprint_len;
	memcpy(site->fingerprint, config->fingerprint, config->fingerprint_len);
	return site;
}

/* The elements of a text[] (copied into the current context), without NULLs; *had_null says if any was. */
static int
TextElements(ArrayType *array, RulesWord *out, bool *had_null)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			k = 0;

	if (ARR_ELEMTYPE(array) != TEXTOID)
		elog(ERROR, "expected an array of text");
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (had_null)
		*had_null = false;
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
		{
			if (had_null)
				*had_null = true;
			continue;
		}
		if (out != NULL)
		{
			out[k].data = VARDATA_ANY(DatumGetPointer(elems[i]));
			out[k].len = VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i]));
		}
		k++;
	}
	return k;
}

/* The number of elements of a text[] (NULLs included). */
static int
TextElementCount(ArrayType *array)
{
	return ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
}

/*
 * Read the configuration's reason rules into a new cache in a child of parent.
 */
ReasonCache *
LoadReasonRules(MemoryContext parent, const Configuration *config)
{
	ReasonCache *cache = NewConfigCache(AllocSetContextCreate(parent, "dormancy reason rules", ALLOCSET_SMALL_SIZES),
										sizeof(ReasonCache), config);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	ArrayType **arrays;
	int			total = 0;
	RulesWord  *all;
	int			k = 0;
	uint64_t   *sets;

	cache->nrules = ReadConfigRows("SELECT rr.reason, rr.evidence FROM " CONFIG_TABLE("reason_rules") " rr"
								   " ORDER BY rr.rule_order",
								   "dormancy.reason_rules", config, cache->site.mcxt, &desc, &tuples);
	cache->rules = palloc0(sizeof(ReasonRule) * Max(cache->nrules, 1));
	cache->reasons = palloc0(sizeof(Datum) * Max(cache->nrules, 1));
	cache->evidence = palloc0(sizeof(Datum) * Max(cache->nrules, 1));
	arrays = palloc0(sizeof(ArrayType *) * Max(cache->nrules, 1));
	for (int i = 0; i < cache->nrules; i++)
	{
		bool		isnull;
		Datum		d;

		d = heap_getattr(tuples[i], 1, desc, &isnull);
		if (isnull)				/* NOT NULL in the table */
			elog(ERROR, "a reason rule has no reason");
		cache->reasons[i] = PointerGetDatum(DatumGetTextPCopy(d));
		d = heap_getattr(tuples[i], 2, desc, &isnull);
		if (isnull)				/* NOT NULL in the table */
			elog(ERROR, "a reason rule has no evidence");
		arrays[i] = DatumGetArrayTypePCopy(d);
		cache->evidence[i] = PointerGetDatum(arrays[i]);
		total += TextElementCount(arrays[i]);
	}

	/* the words of all rules, then each rule as a set of their ids */
	all = palloc(sizeof(RulesWord) * Max(total, 1));
	for (int i = 0; i < cache->nrules; i++)
		k += TextElements(arrays[i], all + k, NULL);
	cache->nwords = rules_words_prepare(all, k);
	cache->words = all;
	cache->nset = Max(RULES_SET_SIZE(cache->nwords), 1);
	sets = palloc0(sizeof(uint64_t) * cache->nset * Max(cache->nrules, 1));
	for (int i = 0; i < cache->nrules; i++)
	{
		uint64_t   *need = sets + (Size) i * cache->nset;
		RulesWord  *words = palloc(sizeof(RulesWord) * Max(TextElementCount(arrays[i]), 1));
		bool		had_null;
		int			n = TextElements(arrays[i], words, &had_null);

		for (int j = 0; j < n; j++)
			rules_set_add(need, rules_word_find(cache->words, cache->nwords, words[j].data, words[j].len));
		cache->rules[i].need = need;
		cache->rules[i].never = had_null;	/* a NULL element is never contained */
		pfree(words);
	}
	cache->have = palloc(sizeof(uint64_t) * cache->nset);
	cache->unknown = CStringGetTextDatum("unknown");
	cache->empty = PointerGetDatum(construct_empty_array(TEXTOID));
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * The first reason rule whose evidence words are all among the n words,
 * or -1.  A word no rule names is left out.
 */
int
ReasonRulesMatch(ReasonCache *cache, const RulesWord *words, int n)
{
	memset(cache->have, 0, sizeof(uint64_t) * cache->nset);
	for (int i = 0; i < n; i++)
	{
		int			id = rules_word_find(cache->words, cache->nwords, words[i].data, words[i].len);

		if (id >= 0)
			rules_set_add(cache->have, id);
	}
	return reason_rules_first(cache->rules, cache->nrules, cache->have, cache->nset);
}

/*
 * _likely_reason(lapsing boolean, have text[]) returns (reason text, evidence text[])
 *
 * For a lapsing customer, the reason and evidence of the first reason rule
 * (by rule_order) whose evidence is contained in have, else 'unknown' and
 * '{}'; both NULL when lapsing is false or NULL.  Not strict: a NULL have
 * matches no rule.
 */
Datum
likely_reason(PG_FUNCTION_ARGS)
{
	ReasonCache *cache = (ReasonCache *) fcinfo->flinfo->fn_extra;
	Datum		values[2];
	bool		nulls[2] = {true, true};
	Configuration config;

	ConfigurationArg(fcinfo, 2, &config);
	if (ConfigCacheStale(fcinfo, &config))
	{
		MemoryContext old;
		TupleDesc	desc;

		cache = LoadReasonRules(fcinfo->flinfo->fn_mcxt, &config);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(cache->site.mcxt);
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cache;
	}

	if (!PG_ARGISNULL(0) && PG_GETARG_BOOL(0))
	{
		int			match = -1;

		if (!PG_ARGISNULL(1))
		{
			ArrayType  *have = PG_GETARG_ARRAYTYPE_P(1);
			int			n = TextElementCount(have);
			RulesWord  *words = palloc(sizeof(RulesWord) * Max(n, 1));

			n = TextElements(have, words, NULL);	/* a NULL element matches nothing */
			match = ReasonRulesMatch(cache, words, n);
		}
		values[0] = match >= 0 ? cache->reasons[match] : cache->unknown;
		values[1] = match >= 0 ? cache->evidence[match] : cache->empty;
		nulls[0] = nulls[1] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

/* Words of a list column: 'any' when NULL; ids into the prepared table. */
static void
ListIds(Datum d, bool isnull, const RulesWord *table, int ntable, RulesIdList *list)
{
	ArrayType  *array;
	RulesWord  *words;
	int32_t    *ids;
	int			n;

	list->any = isnull;
	list->n = 0;
	list->ids = NULL;
	if (isnull)
		return;
	array = DatumGetArrayTypeP(d);
	words = palloc(sizeof(RulesWord) * Max(TextElementCount(array), 1));
	n = TextElements(array, words, NULL);	/* a NULL element equals nothing */
	ids = palloc(sizeof(int32_t) * Max(n, 1));
	for (int i = 0; i < n; i++)
		ids[i] = rules_word_find(table, ntable, words[i].data, words[i].len);
	list->n = n;
	list->ids = ids;
}

/* The words of a list column, appended to *all (grown as needed). */
static void
CollectWords(Datum d, bool isnull, RulesWord **all, int *n, int *cap)
{
	ArrayType  *array;
	int			count;

	if (isnull)
		return;
	array = DatumGetArrayTypeP(d);
	count = TextElementCount(array);
	if (*n + count > *cap)
	{
		*cap = Max(*cap * 2, *n + count);
		*all = repalloc(*all, sizeof(RulesWord) * *cap);
	}
	*n += TextElements(array, *all + *n, NULL);
}

/*
 * Read the configuration's approach rules into a new cache in a child of
 * parent.  The industries and company sizes come folded by the SQL of the
 * view it replaces.
 */
ApproachCache *
LoadApproachRules(MemoryContext parent, const Configuration *config)
{
	ApproachCache *cache = NewConfigCache(AllocSetContextCreate(parent, "dormancy approach rules", ALLOCSET_SMALL_SIZES),
										  sizeof(ApproachCache), config);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	RulesWord  *inds;
	RulesWord  *sizes;
	RulesWord  *reasons;
	int			nind = 0,
				nsize = 0,
				nreason = 0;
	int			capind = 8,
				capsize = 8,
				capreason = 8;

	cache->nrules = ReadConfigRows("SELECT ar.channel, ar.min_value,"
								   " CASE WHEN ar.industries IS NOT NULL THEN ARRAY("
								   "  SELECT dormancy.label_key(i) FROM pg_catalog.unnest(ar.industries) i) END,"
								   " CASE WHEN ar.company_sizes IS NOT NULL THEN ARRAY("
								   "  SELECT dormancy.label_key(s) FROM pg_catalog.unnest(ar.company_sizes) s) END,"
								   " ar.reasons, ar.min_value_percentile"
								   " FROM " CONFIG_TABLE("approach_rules") " ar ORDER BY ar.rule_order",
								   "dormancy.approach_rules", config, cache->site.mcxt, &desc, &tuples);

	/* the tables of distinct words */
	inds = palloc(sizeof(RulesWord) * capind);
	sizes = palloc(sizeof(RulesWord) * capsize);
	reasons = palloc(sizeof(RulesWord) * capreason);
	for (int i = 0; i < cache->nrules; i++)
	{
		bool		isnull;
		Datum		d;

		d = heap_getattr(tuples[i], 3, desc, &isnull);
		CollectWords(d, isnull, &inds, &nind, &capind);
		d = heap_getattr(tuples[i], 4, desc, &isnull);
		CollectWords(d, isnull, &sizes, &nsize, &capsize);
		d = heap_getattr(tuples[i], 5, desc, &isnull);
		CollectWords(d, isnull, &reasons, &nreason, &capreason);
	}
	cache->nindustries = rules_words_prepare(inds, nind);
	cache->industries = inds;
	cache->nsizes = rules_words_prepare(sizes, nsize);
	cache->sizes = sizes;
	cache->nreasons = rules_words_prepare(reasons, nreason);
	cache->reasons = reasons;

	/* the rules */
	cache->rules = palloc0(sizeof(ApproachRule) * Max(cache->nrules, 1));
	cache->channels = palloc0(sizeof(Datum) * Max(cache->nrules, 1));
	cache->channel_nulls = palloc0(sizeof(bool) * Max(cache->nrules, 1));
	for (int i = 0; i < cache->nrules; i++)
	{
		ApproachRule *rule = &cache->rules[i];
		bool		isnull;
		Datum		d;

		d = heap_getattr(tuples[i], 1, desc, &isnull);
		cache->channel_nulls[i] = isnull;
		if (!isnull)
		{
			char	   *channel = TextDatumGetCString(d);

			cache->channels[i] = PointerGetDatum(DatumGetTextPCopy(d));
			/* the channels the bound contacts must serve (_status_parts_55_priority) */
			rule->needs_phone = strcmp(channel, "phone") == 0;
			rule->needs_mail = strcmp(channel, "email") == 0 || strcmp(channel, "step_mail") == 0;
		}
		d = heap_getattr(tuples[i], 2, desc, &isnull);
		if (isnull)				/* NOT NULL in the table */
			elog(ERROR, "an approach rule has no min_value");
		rule->min_value = DatumGetFloat8(d);
		d = heap_getattr(tuples[i], 3, desc, &isnull);
		ListIds(d, isnull, cache->industries, cache->nindustries, &rule->industries);
		d = heap_getattr(tuples[i], 4, desc, &isnull);
		ListIds(d, isnull, cache->sizes, cache->nsizes, &rule->company_sizes);
		d = heap_getattr(tuples[i], 5, desc, &isnull);
		ListIds(d, isnull, cache->reasons, cache->nreasons, &rule->reasons);
		d = heap_getattr(tuples[i], 6, desc, &isnull);
		rule->has_min_percentile = !isnull;
		rule->min_percentile = isnull ? 0 : DatumGetFloat8(d);
	}

	/* the aliases of the customers' values */
	LoadVocabularyAliases(config, cache->site.mcxt, &cache->industry_aliases, &cache->size_aliases);
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * Read the aliases of a vocabulary (sql: the label keys of the wording and
 * of its code) into aliases, in mcxt.  Wordings with one key (the unique
 * index on label_key(source) forbids two) keep the first.
 */
static void
LoadLabelAliases(const char *sql, const char *what, const Configuration *config, MemoryContext mcxt,
				 LabelAliases *aliases)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n = ReadConfigRows(sql, what, config, mcxt, &desc, &tuples);
	RulesWord  *from = palloc(sizeof(RulesWord) * Max(n, 1));
	RulesWord  *to = palloc0(sizeof(RulesWord) * Max(n, 1));
	bool	   *set = palloc0(sizeof(bool) * Max(n, 1));
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuples[i], 1, desc, &isnull);
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(d);
		from[k].data = VARDATA_ANY(t);
		from[k].len = VARSIZE_ANY_EXHDR(t);
		k++;
	}
	k = rules_words_prepare(from, k);
	for (int i = 0; i < n; i++)
	{
		bool		isnull,
					isnull2;
		Datum		d = heap_getattr(tuples[i], 1, desc, &isnull);
		Datum		d2 = heap_getattr(tuples[i], 2, desc, &isnull2);
		text	   *t;
		int			id;

		if (isnull || isnull2)
			continue;
		t = DatumGetTextPP(d);
		id = rules_word_find(from, k, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (id < 0 || set[id])
			continue;
		t = DatumGetTextPP(d2);
		to[id].data = VARDATA_ANY(t);
		to[id].len = VARSIZE_ANY_EXHDR(t);
		set[id] = true;
	}
	aliases->n = k;
	aliases->from = from;
	aliases->to = to;
	MemoryContextSwitchTo(old);
}

/* The aliases of both vocabularies (dormancy.industries, dormancy.company_sizes). */
void
LoadVocabularyAliases(const Configuration *config, MemoryContext mcxt,
					  LabelAliases *industries, LabelAliases *sizes)
{
	LoadLabelAliases("SELECT dormancy.label_key(a.source_industry), dormancy.label_key(a.industry)"
					 " FROM " CONFIG_TABLE("industries") " a",
					 "dormancy.industries", config, mcxt, industries);
	LoadLabelAliases("SELECT dormancy.label_key(a.source_size), dormancy.label_key(a.company_size)"
					 " FROM " CONFIG_TABLE("company_sizes") " a",
					 "dormancy.company_sizes", config, mcxt, sizes);
}

/*
 * The ids of label_key(value) among the rules' folded words and (with
 * aliases) of its alias's code, each -1 when no rule names it; cached per
 * distinct value of the query.
 */
RulesLabel
FoldedLabel(FoldCache *fc, text *value, const RulesWord *words, int nwords,
			const LabelAliases *aliases, Oid collation, MemoryContext mcxt)
{
	const char *data = VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	uint32		hash;
	FoldEntry  *e;
	text	   *folded;
	RulesLabel	ids = RULES_NO_LABEL;

	if (nwords == 0)
		return ids;				/* no rule names one: nothing to fold */
	hash = hash_bytes((const unsigned char *) data, len);
	for (e = fc->buckets[hash % FOLD_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == hash && e->len == len && memcmp(e->data, data, len) == 0)
			return e->ids;

	/* dormancy.label_key(), as the SQL that read the rules applied it */
	folded = LabelKeyText(value, collation);
	ids.own = rules_word_find(words, nwords, VARDATA_ANY(folded), VARSIZE_ANY_EXHDR(folded));
	if (aliases != NULL && aliases->n > 0)
	{
		int			a = rules_word_find(aliases->from, aliases->n,
										VARDATA_ANY(folded), VARSIZE_ANY_EXHDR(folded));

		if (a >= 0)
			ids.alias = rules_word_find(words, nwords, aliases->to[a].data, aliases->to[a].len);
	}
	pfree(folded);

	if (fc->n < FOLD_MAX_ENTRIES)
	{
		e = MemoryContextAlloc(mcxt, offsetof(FoldEntry, data) + Max(len, 1));
		e->hash = hash;
		e->len = len;
		e->ids = ids;
		memcpy(e->data, data, len);
		e->next = fc->buckets[hash % FOLD_BUCKETS];
		fc->buckets[hash % FOLD_BUCKETS] = e;
		fc->n++;
	}
	return ids;
}

/*
 * _approach_channel(lapsing, approach_value, industry, company_size, reason,
 *					 can_phone, can_mail) returns text
 *
 * For a lapsing customer, the channel of the first approach rule (by
 * rule_order) that matches: approach_value >= min_value; industry and
 * company size (label_key() on both sides: the value's own key or its
 * alias's) in the rule's lists or the list NULL; reason in the rule's reasons or that NULL; a phone rule only
 * when can_phone, an email or step_mail rule only when can_mail.  NULL when
 * none matches or lapsing is false or NULL.  Not strict: a NULL argument
 * matches as NULL does in SQL (a NULL can_phone or can_mail is false).
 */
Datum
approach_channel(PG_FUNCTION_ARGS)
{
	ApproachCache *cache = (ApproachCache *) fcinfo->flinfo->fn_extra;
	ApproachCustomer c;
	Oid			collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	int			match;
	Configuration config;

	ConfigurationArg(fcinfo, 7, &config);
	if (ConfigCacheStale(fcinfo, &config))
		fcinfo->flinfo->fn_extra = cache = LoadApproachRules(fcinfo->flinfo->fn_mcxt, &config);

	if (PG_ARGISNULL(0) || !PG_GETARG_BOOL(0))
		PG_RETURN_NULL();

	c.has_value = !PG_ARGISNULL(1);
	c.value = c.has_value ? PG_GETARG_FLOAT8(1) : 0;
	c.industry = PG_ARGISNULL(2) ? RULES_NO_LABEL :
		FoldedLabel(&cache->industry_fold, PG_GETARG_TEXT_PP(2), cache->industries,
					cache->nindustries, &cache->industry_aliases, collation, cache->site.mcxt);
	c.company_size = PG_ARGISNULL(3) ? RULES_NO_LABEL :
		FoldedLabel(&cache->size_fold, PG_GETARG_TEXT_PP(3), cache->sizes,
					cache->nsizes, &cache->size_aliases, collation, cache->site.mcxt);
	if (PG_ARGISNULL(4))
		c.reason = -1;
	else
	{
		text	   *reason = PG_GETARG_TEXT_PP(4);

		c.reason = rules_word_find(cache->reasons, cache->nreasons,
								   VARDATA_ANY(reason), VARSIZE_ANY_EXHDR(reason));
	}
	c.can_phone = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
	c.can_mail = !PG_ARGISNULL(6) && PG_GETARG_BOOL(6);
	c.has_percentile = false;	/* the amount: min_value */
	c.percentile = 0;

	match = approach_rules_first(cache->rules, cache->nrules, &c);
	if (match < 0 || cache->channel_nulls[match])
		PG_RETURN_NULL();
	PG_RETURN_DATUM(cache->channels[match]);
}

/* The rules of one call site of _rule_for, with their folded segments. */
typedef struct RuleCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nrules;
	Datum	   *rows;			/* the dormancy.rules row of each, by rule_id */
	int32	   *industry;		/* id of its folded industry, -1 for any */
	int32	   *company_size;	/* likewise */
	int			nindustries;
	RulesWord  *industries;		/* distinct folded industries of all rules */
	int			nsizes;
	RulesWord  *sizes;
	LabelAliases industry_aliases;
	LabelAliases size_aliases;
	FoldCache	industry_fold;
	FoldCache	size_fold;
} RuleCache;

/*
 * The distinct words of a text column over the rows use selects (NULL: all),
 * sorted, and each row's id among them (-1 where NULL or not selected).
 */
static void
ColumnWords(HeapTuple *tuples, TupleDesc desc, int n, int attno, const bool *use,
			RulesWord **words_out, int *nwords_out, int32 *ids)
{
	RulesWord  *words = palloc(sizeof(RulesWord) * Max(n, 1));
	text	  **values = palloc(sizeof(text *) * Max(n, 1));
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuples[i], attno, desc, &isnull);

		values[i] = (isnull || (use != NULL && !use[i])) ? NULL : (text *) PG_DETOAST_DATUM_PACKED(d);
		if (values[i] == NULL)
			continue;
		words[k].data = VARDATA_ANY(values[i]);
		words[k].len = VARSIZE_ANY_EXHDR(values[i]);
		k++;
	}
	k = rules_words_prepare(words, k);
	for (int i = 0; i < n; i++)
		ids[i] = values[i] == NULL ? -1 :
			rules_word_find(words, k, VARDATA_ANY(values[i]), VARSIZE_ANY_EXHDR(values[i]));
	pfree(values);
	*words_out = words;
	*nwords_out = k;
}

/* Read the configuration's rules and the aliases into a new cache in fn_mcxt. */
static RuleCache *
LoadRuleCache(FunctionCallInfo fcinfo, const Configuration *config)
{
	RuleCache  *cache = NewConfigCache(AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "dormancy rules", ALLOCSET_SMALL_SIZES),
									   sizeof(RuleCache), config);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n;

	n = ReadConfigRows("SELECT dormancy.label_key(r.industry), dormancy.label_key(r.company_size), r"
					   " FROM " CONFIG_TABLE("rules") " r ORDER BY r.rule_id",
					   "dormancy.rules", config, cache->site.mcxt, &desc, &tuples);
	cache->nrules = n;
	cache->rows = palloc(sizeof(Datum) * Max(n, 1));
	cache->industry = palloc(sizeof(int32) * Max(n, 1));
	cache->company_size = palloc(sizeof(int32) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		cache->rows[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(heap_getattr(tuples[i], 3, desc, &isnull)));
	}
	ColumnWords(tuples, desc, n, 1, NULL, &cache->industries, &cache->nindustries, cache->industry);
	ColumnWords(tuples, desc, n, 2, NULL, &cache->sizes, &cache->nsizes, cache->company_size);
	LoadVocabularyAliases(config, cache->site.mcxt, &cache->industry_aliases, &cache->size_aliases);
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * _rule_for(industry text, company_size text, configuration) returns
 *		dormancy.rules
 *
 * dormancy.rule_for() over the configuration's rules and aliases, for the
 * views: the most specific rule whose industry and company size (label_key
 * on both sides: the value's own key or its alias's) match the customer's
 * or are NULL: both > industry only > size only > catch-all; among equally
 * specific rules, the one keyed by the industry's own key, then by the
 * size's own key.  The unique key of the rules (label_key of each, NULL as
 * '') leaves at most four candidates of each kind.  NULL when none matches.
 * sql/rule_for_config.sql compares it with rule_for() on every wording.
 */
PG_FUNCTION_INFO_V1(rule_for_config);
Datum
rule_for_config(PG_FUNCTION_ARGS)
{
	RuleCache  *cache = (RuleCache *) fcinfo->flinfo->fn_extra;
	Oid			collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	Configuration config;
	RulesLabel	industry,
				company_size;
	int			best = -1,
				best_rank = 16;

	ConfigurationArg(fcinfo, 2, &config);
	if (ConfigCacheStale(fcinfo, &config))
		fcinfo->flinfo->fn_extra = cache = LoadRuleCache(fcinfo, &config);
	industry = PG_ARGISNULL(0) ? RULES_NO_LABEL :
		FoldedLabel(&cache->industry_fold, PG_GETARG_TEXT_PP(0), cache->industries, cache->nindustries,
					&cache->industry_aliases, collation, cache->site.mcxt);
	company_size = PG_ARGISNULL(1) ? RULES_NO_LABEL :
		FoldedLabel(&cache->size_fold, PG_GETARG_TEXT_PP(1), cache->sizes, cache->nsizes,
					&cache->size_aliases, collation, cache->site.mcxt);
	for (int i = 0; i < cache->nrules; i++)
	{
		int32		ind = cache->industry[i],
					size = cache->company_size[i];
		int			rank;

		if ((ind >= 0 && ind != industry.own && ind != industry.alias) ||
			(size >= 0 && size != company_size.own && size != company_size.alias))
			continue;
		/*
		 * ORDER BY industry IS NULL, company_size IS NULL, then the rule keyed
		 * by the own key before the one keyed by the alias's
		 */
		rank = ((ind < 0 ? 2 : 0) + (size < 0 ? 1 : 0)) * 4 +
			(ind >= 0 && ind != industry.own ? 2 : 0) + (size >= 0 && size != company_size.own ? 1 : 0);
		if (rank >= best_rank)
			continue;
		best = i;
		best_rank = rank;
	}
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(cache->rows[best]);
}

/* The result columns of _model_for; then segment_kind and segment_value. */
#define MODEL_FOR_COLS 8
#define MODEL_FOR_KIND_COL (MODEL_FOR_COLS + 1)
/* the result column gammagamma_x (0-based) */
#define MODEL_FOR_GG_X 7

/* The converged models of one call site, by segment. */
typedef struct ModelCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nrows;
	Datum	  (*values)[MODEL_FOR_COLS];	/* per model: the result columns */
	bool	  (*nulls)[MODEL_FOR_COLS];
	int			overall;		/* the model of segment_kind 'all', or -1 */
	int			nindustries;
	RulesWord  *industries;		/* segment values of the industry models, sorted */
	int		   *industry_model; /* model of each */
	int			nsizes;
	RulesWord  *sizes;			/* likewise for company_size */
	int		   *size_model;
	FoldCache	industry_fold;
	FoldCache	size_fold;
	bool	   *gg_converged;	/* per model: its Gamma-Gamma fit converged */
	bool	   *gg_x_frequency; /* per model: its Gamma-Gamma fit took the
								 * frequency as x (gammagamma_x, a fit made
								 * before 0.4.0) */
	TupleDesc	tupdesc;		/* _model_for's result; NULL for other callers */
} ModelCache;

/* Segment values of one kind, sorted, with the model of each. */
static void
SegmentTable(HeapTuple *tuples, TupleDesc desc, int n, const char *kind,
			 RulesWord **words_out, int **model_out, int *count_out)
{
	bool	   *of_kind = palloc(sizeof(bool) * Max(n, 1));
	int32	   *ids = palloc(sizeof(int32) * Max(n, 1));
	int		   *model;

	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		of_kind[i] = strcmp(TextDatumGetCString(heap_getattr(tuples[i], MODEL_FOR_KIND_COL, desc, &isnull)),
							kind) == 0;
	}
	/* a NULL segment_value equals nothing */
	ColumnWords(tuples, desc, n, MODEL_FOR_KIND_COL + 1, of_kind, words_out, count_out, ids);
	/* segment_key is unique, so no two models share a value of one kind */
	model = palloc(sizeof(int) * Max(*count_out, 1));
	for (int j = 0; j < *count_out; j++)
		model[j] = -1;
	for (int i = 0; i < n; i++)
		if (ids[i] >= 0 && model[ids[i]] < 0)	/* the first in model_id order */
			model[ids[i]] = i;
	pfree(of_kind);
	pfree(ids);
	*model_out = model;
}

/*
 * Read the converged models of the configuration into a new cache in
 * fn_mcxt (with the result row type of the caller when row_result); the
 * horizon is that of the settings in force, the configuration's one row of
 * model_settings.
 */
static ModelCache *
LoadModels(FunctionCallInfo fcinfo, const Configuration *config, bool row_result)
{
	ModelCache *cache = NewConfigCache(AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "dormancy models", ALLOCSET_SMALL_SIZES),
									   sizeof(ModelCache), config);
	MemoryContext old = MemoryContextSwitchTo(cache->site.mcxt);
	HeapTuple  *tuples;
	TupleDesc	desc;

	cache->nrows = ReadConfigRows("SELECT m.model_id, CASE WHEN (m.bgnbd).converged THEN m.bgnbd END, m.gammagamma,"
								  " pg_catalog.date_part('epoch', m.time_unit) / 86400,"
								  " pg_catalog.date_part('epoch', ms.horizon) / 86400,"
								  " m.model, CASE WHEN m.model = 'paretonbd' AND (m.paretonbd).converged THEN m.paretonbd END,"
								  " m.gammagamma_x, m.segment_kind, m.segment_value"
								  " FROM " CONFIG_TABLE("models") " m"
								  " LEFT JOIN " CONFIG_TABLE("model_settings") " ms ON true"
								  " WHERE (m.bgnbd).converged"
								  " OR (m.model = 'paretonbd' AND (m.paretonbd).converged)"
								  " ORDER BY m.model_id",
								  "dormancy.models", config, cache->site.mcxt, &desc, &tuples);

	cache->values = palloc0(sizeof(Datum[MODEL_FOR_COLS]) * Max(cache->nrows, 1));
	cache->nulls = palloc0(sizeof(bool[MODEL_FOR_COLS]) * Max(cache->nrows, 1));
	cache->overall = -1;
	for (int i = 0; i < cache->nrows; i++)
	{
		bool		isnull;

		for (int c = 0; c < MODEL_FOR_COLS; c++)
		{
			Datum		d = heap_getattr(tuples[i], c + 1, desc, &isnull);

			cache->nulls[i][c] = isnull;
			/* the composites and the text as flat values of their own */
			cache->values[i][c] = (isnull || (c != 1 && c != 2 && c != 5 && c != 6 && c != MODEL_FOR_GG_X)) ? d :
				PointerGetDatum(PG_DETOAST_DATUM_COPY(d));
		}
		if (cache->overall < 0 &&
			strcmp(TextDatumGetCString(heap_getattr(tuples[i], MODEL_FOR_KIND_COL, desc, &isnull)), "all") == 0)
			cache->overall = i;
	}
	/* (gammagamma).converged of each model, as a SQL CASE on it would read it */
	cache->gg_converged = palloc0(sizeof(bool) * Max(cache->nrows, 1));
	for (int i = 0; i < cache->nrows; i++)
	{
		bool		isnull = true;
		Datum		converged = (Datum) 0;

		if (!cache->nulls[i][2])
			converged = GetAttributeByName(DatumGetHeapTupleHeader(cache->values[i][2]), "converged", &isnull);
		cache->gg_converged[i] = !isnull && DatumGetBool(converged);
	}
	/* gammagamma_x is NOT NULL in the table; a configuration without it (none is) counts as frequency */
	cache->gg_x_frequency = palloc0(sizeof(bool) * Max(cache->nrows, 1));
	for (int i = 0; i < cache->nrows; i++)
		cache->gg_x_frequency[i] = cache->nulls[i][MODEL_FOR_GG_X] ||
			strcmp(TextDatumGetCString(cache->values[i][MODEL_FOR_GG_X]), "monetary_days") != 0;
	SegmentTable(tuples, desc, cache->nrows, "industry",
				 &cache->industries, &cache->industry_model, &cache->nindustries);
	SegmentTable(tuples, desc, cache->nrows, "company_size",
				 &cache->sizes, &cache->size_model, &cache->nsizes);

	if (row_result)
	{
		if (get_call_result_type(fcinfo, NULL, &cache->tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		cache->tupdesc = BlessTupleDesc(CreateTupleDescCopy(cache->tupdesc));
	}
	MemoryContextSwitchTo(old);
	return cache;
}

/*
 * The model of a customer in the cache: its industry's, else its company
 * size's (by label_key), else the overall one; -1 when none.
 */
static int
ModelIndex(ModelCache *cache, text *industry, text *company_size, Oid collation)
{
	int			model = -1;

	if (industry != NULL && cache->nindustries > 0)
	{
		int32		id = FoldedLabel(&cache->industry_fold, industry, cache->industries,
									 cache->nindustries, NULL, collation, cache->site.mcxt).own;

		if (id >= 0)
			model = cache->industry_model[id];
	}
	if (model < 0 && company_size != NULL && cache->nsizes > 0)
	{
		int32		id = FoldedLabel(&cache->size_fold, company_size, cache->sizes,
									 cache->nsizes, NULL, collation, cache->site.mcxt).own;

		if (id >= 0)
			model = cache->size_model[id];
	}
	if (model < 0)
		model = cache->overall;
	return model;
}

/*
 * The model of a customer as _model_for chooses it, for a C caller whose
 * fn_extra is free for the cache (see rules_sql.h); with result_type, also
 * the caller's result row type, kept in the same cache.
 */
void
CustomerModelFor(FunctionCallInfo fcinfo, text *industry, text *company_size, const Configuration *config,
				 CustomerModel *out, TupleDesc *result_type)
{
	ModelCache *cache = (ModelCache *) fcinfo->flinfo->fn_extra;
	Oid			collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	int			model;

	if (ConfigCacheStale(fcinfo, config))
		fcinfo->flinfo->fn_extra = cache = LoadModels(fcinfo, config, result_type != NULL);
	if (result_type != NULL)
		*result_type = cache->tupdesc;
	memset(out, 0, sizeof(*out));
	model = ModelIndex(cache, industry, company_size, collation);
	if (model < 0)
		return;					/* no model: every field NULL or false */
	out->has_model = true;
	out->model_id = DatumGetInt32(cache->values[model][0]);
	if (!cache->nulls[model][1])
		out->bgnbd = DatumGetHeapTupleHeader(cache->values[model][1]);
	if (!cache->nulls[model][2] && cache->gg_converged[model])
		out->converged_gammagamma = DatumGetHeapTupleHeader(cache->values[model][2]);
	out->gg_x_frequency = cache->gg_x_frequency[model];
	out->has_unit_days = !cache->nulls[model][3];
	out->unit_days = out->has_unit_days ? DatumGetFloat8(cache->values[model][3]) : 0.0;
	out->has_horizon_days = !cache->nulls[model][4];
	out->horizon_days = out->has_horizon_days ? DatumGetFloat8(cache->values[model][4]) : 0.0;
	if (!cache->nulls[model][6])
		out->paretonbd = DatumGetHeapTupleHeader(cache->values[model][6]);
}

/*
 * _model_for(industry text, company_size text, configuration) returns
 *		(model_id, bgnbd, gammagamma, unit_days, horizon_days, model,
 *		paretonbd, gammagamma_x)
 *
 * The model that applies to a customer: among the models with a converged
 * fit of the kind that applies (the BG/NBD fit, or the Pareto/NBD fit where
 * models.model chose it), its industry's or company size's (segment_value =
 * label_key(value)), else the overall one; all NULL when none.  With models
 * of both kinds for one customer (fit_models() makes one kind only) the
 * industry's is taken.  model is the one chosen for the segment
 * (models.model), paretonbd its Pareto/NBD fit when that is the one and it
 * converged (else NULL: BG/NBD applies); bgnbd NULL where that fit did not
 * converge (a segment whose chosen Pareto/NBD fit applies).  gammagamma_x
 * is the x its Gamma-Gamma fit took (models.gammagamma_x), which the
 * predictions under it take too.
 */
Datum
model_for(PG_FUNCTION_ARGS)
{
	ModelCache *cache = (ModelCache *) fcinfo->flinfo->fn_extra;
	Oid			collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	bool		nulls[MODEL_FOR_COLS] = {true, true, true, true, true, true, true, true};
	Datum		values[MODEL_FOR_COLS] = {0};
	int			model;
	Configuration config;

	ConfigurationArg(fcinfo, 2, &config);
	if (ConfigCacheStale(fcinfo, &config))
		fcinfo->flinfo->fn_extra = cache = LoadModels(fcinfo, &config, true);

	model = ModelIndex(cache, PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0),
					   PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1), collation);
	if (model >= 0)
	{
		memcpy(values, cache->values[model], sizeof(values));
		memcpy(nulls, cache->nulls[model], sizeof(nulls));
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

/*
 * _segment_value(segment_by text, industry text, company_size text)
 *		returns text
 *
 * The segment fit_models() fits a customer in, and validate_models()
 * validates it in: the label key of its industry or company size, as
 * model_settings.segment_by says; NULL for 'none' or a NULL label.  The
 * same key _model_for above looks a customer's model up by.  In C (not a
 * SQL CASE) so that the fits, which call it once per customer, pay no
 * function call with a pinned search_path.
 */
Datum
segment_value(PG_FUNCTION_ARGS)
{
	text	   *by;
	int			arg;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	by = PG_GETARG_TEXT_PP(0);
	if (VARSIZE_ANY_EXHDR(by) == strlen("industry")
		&& memcmp(VARDATA_ANY(by), "industry", strlen("industry")) == 0)
		arg = 1;
	else if (VARSIZE_ANY_EXHDR(by) == strlen("company_size")
			 && memcmp(VARDATA_ANY(by), "company_size", strlen("company_size")) == 0)
		arg = 2;
	else
		PG_RETURN_NULL();
	if (PG_ARGISNULL(arg))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(LabelKeyText(PG_GETARG_TEXT_PP(arg), PG_GET_COLLATION()));
}
