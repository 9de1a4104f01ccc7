/*
 * rules_sql.h
 *		The call-site caches of rules_sql.c, shared with assess_sql.c,
 *		facts_sql.c, btyd_sql.c and labels_sql.c: the configuration read once
 *		per query (see rules_sql.c for how a cache sees edits).
 */
#ifndef DORMANCY_RULES_SQL_H
#define DORMANCY_RULES_SQL_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "core/rules.h"
#include "fmgr.h"
#include "utils/jsonb.h"

/* The snapshot a cache was read with. */
typedef struct SnapshotKey
{
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint64		completions;
} SnapshotKey;

/*
 * What every cache of a call site starts with: its memory (a child of
 * fn_mcxt, deleted when the cache is read again) and what it was read
 * from: the snapshot (a cache of tables) or the fingerprint of the
 * configuration (a cache of a dormancy.configuration argument).
 */
#define CONFIG_FINGERPRINT_MAX 32

typedef struct CallSiteCache
{
	MemoryContext mcxt;
	SnapshotKey snap;
	int			fingerprint_len;
	char		fingerprint[CONFIG_FINGERPRINT_MAX];
} CallSiteCache;

/*
 * A dormancy.configuration argument (sql_src/09_configuration.sql): the
 * configuration tables as one jsonb object, made once per query on the node
 * that plans it (dormancy._configuration()), with its fingerprint (the key
 * "fingerprint", a string), which is all a call reads of it while its call
 * site's cache is current.
 */
typedef struct Configuration
{
	const char *fingerprint;	/* points into value */
	int			fingerprint_len;
	Jsonb	   *value;
} Configuration;

/*
 * The rows of one configuration table, in SQL that reads the configuration
 * ($1, its tables) in place of the table itself.
 */
#define CONFIG_TABLE(name) \
	"pg_catalog.jsonb_populate_recordset(NULL::dormancy." name ", $1 OPERATOR(pg_catalog.->) '" name "')"

/* The prepared reason rules of one call site. */
typedef struct ReasonCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nwords;
	RulesWord  *words;			/* distinct evidence words of all rules */
	int			nset;			/* RULES_SET_SIZE(nwords) */
	int			nrules;
	ReasonRule *rules;			/* in rule_order */
	Datum	   *reasons;		/* text, per rule */
	Datum	   *evidence;		/* text[] as stored, per rule */
	uint64_t   *have;			/* scratch: the customer's evidence set */
	Datum		unknown;		/* 'unknown' */
	Datum		empty;			/* '{}'::text[] */
	TupleDesc	tupdesc;
} ReasonCache;

/* A customer's value and the ids of its folded form, cached per query. */
typedef struct FoldEntry
{
	struct FoldEntry *next;
	uint32		hash;
	RulesLabel	ids;
	int			len;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} FoldEntry;

#define FOLD_BUCKETS 256
#define FOLD_MAX_ENTRIES 10000	/* past this, fold without caching */

typedef struct FoldCache
{
	FoldEntry  *buckets[FOLD_BUCKETS];
	int			n;
} FoldCache;

/*
 * A vocabulary's aliases (dormancy.industries, dormancy.company_sizes):
 * label keys of the user's wordings, sorted, and the label key of the code
 * each stands for.
 */
typedef struct LabelAliases
{
	int			n;
	RulesWord  *from;			/* label_key(source), sorted, distinct */
	RulesWord  *to;				/* label_key(code) of each */
} LabelAliases;

/* The prepared approach rules of one call site. */
typedef struct ApproachCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	int			nindustries;
	RulesWord  *industries;		/* distinct folded industries of all rules */
	int			nsizes;
	RulesWord  *sizes;			/* distinct folded company sizes */
	int			nreasons;
	RulesWord  *reasons;		/* distinct reasons */
	int			nrules;
	ApproachRule *rules;		/* in rule_order */
	Datum	   *channels;		/* text, per rule */
	bool	   *channel_nulls;
	LabelAliases industry_aliases;	/* dormancy.industries */
	LabelAliases size_aliases;	/* dormancy.company_sizes */
	FoldCache	industry_fold;
	FoldCache	size_fold;
} ApproachCache;

/*
 * The model of a customer as dormancy._model_for chooses it (rules_sql.c),
 * for a C function that keeps the models in its own fn_extra: the pointers
 * point into that cache, valid until the function's next call.
 */
typedef struct CustomerModel
{
	bool		has_model;		/* false: none applies, every field empty */
	int32		model_id;
	HeapTupleHeader bgnbd;		/* NULL when none */
	HeapTupleHeader converged_gammagamma;	/* NULL unless it converged */
	bool		gg_x_frequency; /* its x is the frequency, not monetary_days
								 * (models.gammagamma_x: a fit made before
								 * 0.4.0) */
	HeapTupleHeader paretonbd;	/* the segment's Pareto/NBD fit when chosen, else NULL */
	bool		has_unit_days;
	double		unit_days;
	bool		has_horizon_days;
	double		horizon_days;
} CustomerModel;

extern void CustomerModelFor(FunctionCallInfo fcinfo, text *industry, text *company_size,
							 const Configuration *config, CustomerModel *out, TupleDesc *result_type);
extern void ConfigurationArg(FunctionCallInfo fcinfo, int argno, Configuration *config);
extern bool ConfigCacheStale(FunctionCallInfo fcinfo, const Configuration *config);
extern bool ConfigCacheCurrent(const CallSiteCache *site, const Configuration *config);
extern void *NewConfigCache(MemoryContext mcxt, Size size, const Configuration *config);
extern int	ReadConfigRows(const char *sql, const char *what, const Configuration *config,
						   MemoryContext mcxt, TupleDesc *desc, HeapTuple **tuples);
extern bool CallSiteCacheStale(FunctionCallInfo fcinfo);
extern void *NewCallSiteCache(MemoryContext mcxt, Size size);
extern int	ReadRows(const char *sql, const char *what, MemoryContext mcxt, TupleDesc *desc,
					 HeapTuple **tuples);
extern RulesLabel FoldedLabel(FoldCache *fc, text *value, const RulesWord *words, int nwords,
							  const LabelAliases *aliases, Oid collation, MemoryContext mcxt);
extern void LoadVocabularyAliases(const Configuration *config, MemoryContext mcxt,
								  LabelAliases *industries, LabelAliases *sizes);
extern ReasonCache *LoadReasonRules(MemoryContext parent, const Configuration *config);
extern int	ReasonRulesMatch(ReasonCache *cache, const RulesWord *words, int n);
extern ApproachCache *LoadApproachRules(MemoryContext parent, const Configuration *config);

#endif							/* DORMANCY_RULES_SQL_H */
