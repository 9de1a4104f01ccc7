/*
 * assess_sql.c
 *		The assessment of customer_status in one C call per customer:
 *		dormancy._assess(<customer_core's columns>, <the optional sources'
 *						 aggregates>, <what is bound>, settings, weights,
 *						 <the latest outreach outcome and declined reason>)
 *			returns (contract_state, dormancy_kind, evidence, approach_value,
 *					 priority_score, priority_inputs, likely_reason,
 *					 reason_evidence, approach_channel, message_theme, gaps,
 *					 no_activity)
 *		dormancy._data_gaps(gaps integer, name_gap text, no_activity boolean)
 *			returns text[]
 *
 * It replaces the SQL of customer_status between customer_core and the
 * columns it returns: the contract state, the kind of dormancy, the evidence
 * array, whether the customer is lapsing, the value the channel is chosen
 * by, the priority inputs and score, the likely reason (reason rules), the
 * message theme (message_themes), the channel (approach rules) and the data
 * gaps but the name's.  The logic is in core/assess.c, the rule matching in
 * core/rules.c, the score in core/priority.c (through priority_sql.c, so
 * score and breakdown stay those of score_priority()).  The breakdown is
 * not built here: customer_status passes priority_inputs to
 * _priority_breakdown(), so it is built only when it is read.
 *
 * The configuration (reason_rules, approach_rules, message_themes, rules
 * for use_contract_end, value_distribution) comes as the last argument,
 * dormancy._configuration() of the query, and is prepared once per call
 * site, as in rules_sql.c: an edit shows in the next query.  Values that SQL computed
 * with numeric or date arithmetic are computed by the same server functions,
 * so every column is the one the SQL gave.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "core/assess.h"
#include "core/priority.h"
#include "dormancy.h"
#include "fmgr.h"
#include "funcapi.h"
#include "priority_sql.h"
#include "rules_sql.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(assess);
PG_FUNCTION_INFO_V1(data_gaps);

/* The arguments of _assess (sql_src/55_priority.sql). */
enum
{
	A_STATE, A_AS_OF, A_AT_RISK_AFTER, A_DORMANT_AFTER, A_LONG_DORMANT_AFTER, A_RULE_ID,
	A_LAST_ORDER_AT, A_LAST_QUALIFYING_ORDER_AT, A_FIRST_ORDER_AT, A_ORDERS_COUNT,
	A_ORDER_DAYS, A_TOTAL_AMOUNT, A_MEDIAN_GAP_DAYS, A_MEAN_GAP_DAYS, A_GAP_STDDEV_DAYS,
	A_SEGMENT, A_DECLINE_SIGNALS, A_DECLINING, A_LAPSED_AFTER_PRICE_INCREASE,
	A_LAPSED_AFTER_SPEC_CHANGE, A_INDUSTRY, A_COMPANY_SIZE,
	A_CONTRACT_TERMS, A_CONTRACT_COVERED_UNTIL, A_CONTRACT_LAPSED, A_DAYS_SINCE_CONTRACT_END,
	A_AUTO_RENEW_OFF, A_DOWNGRADED, A_RENEWAL_DUE_IN_DAYS,
	A_P_ALIVE, A_EXPECTED_VALUE,
	A_HAS_EVENTS, A_EVENTS_IN_WINDOW, A_PRICING_VIEWS, A_SUPPORT_VISITS, A_DAYS_SINCE_LAST_EVENT,
	A_HAS_DEALS, A_LAST_DEAL_AT, A_LAST_DEAL_OUTCOME, A_LAST_DEAL_REASON, A_DAYS_SINCE_LAST_DEAL,
	A_OPEN_DEALS,
	A_PHONES, A_EMAILS, A_PERSONS, A_INVALID_PHONES, A_INVALID_EMAILS, A_CONTACTS_OUTDATED,
	A_EVENTS_BOUND, A_DEALS_BOUND, A_CONTRACTS_BOUND, A_CONTACT_PHONES_BOUND,
	A_CONTACT_EMAILS_BOUND, A_CONTACT_PERSONS_BOUND, A_CONTACT_DATES_BOUND,
	A_SETTINGS, A_WEIGHTS,
	A_LAST_OUTREACH_OUTCOME, A_LAST_OUTREACH_REASON, A_LAST_OUTREACH_ON,
	A_CONFIGURATION,
	A_NARGS
};

/* The result columns. */
enum
{
	R_CONTRACT_STATE, R_DORMANCY_KIND, R_EVIDENCE, R_APPROACH_VALUE, R_PRIORITY_SCORE,
	R_PRIORITY_INPUTS, R_LIKELY_REASON, R_REASON_EVIDENCE, R_APPROACH_CHANNEL,
	R_MESSAGE_THEME, R_GAPS, R_NO_ACTIVITY, R_VALUE_PERCENTILE, R_VALUE_PERCENTILES,
	R_OUTREACH_DECLINED_REASON, R_DAYS_SINCE_OUTREACH_DECLINE,
	R_NCOLS
};

/* The fields of dormancy.priority_inputs, in their order. */
#define PRIORITY_INPUTS_NATTS 33

/* Slots of the memo of spans of days in years. */
#define YEARS_MEMO 4096

/* The fields of dormancy.source_settings read here. */
enum
{
	S_RENEWAL_HORIZON, S_ENGAGEMENT_WINDOW, S_REPEATED_PRICING_VIEWS, S_SUPPORT_VISITS_THRESHOLD,
	S_NFIELDS
};
static const char *const settings_fields[S_NFIELDS] = {
	"renewal_horizon", "engagement_window", "repeated_pricing_views", "support_visits_threshold"
};

/* (as_of + span)::date - as_of, remembered for the last as_of and span. */
typedef struct DaysMemo
{
	bool		set;
	DateADT		as_of;
	Interval	span;
	int32		days;
} DaysMemo;

/* What one call site keeps for the query. */
typedef struct AssessCache
{
	CallSiteCache site;			/* first: the cache is a CallSiteCache too */
	ReasonCache *reasons;
	ApproachCache *approach;
	Datum	   *rule_themes;	/* message theme per reason rule */
	bool	   *rule_theme_nulls;
	Datum		unknown_theme;	/* the theme of 'unknown' */
	bool		unknown_theme_null;
	int			nrules;			/* dormancy.rules: id -> use_contract_end */
	int32	   *rule_ids;		/* sorted */
	bool	   *use_contract_end;
	TupleDesc	result_desc;
	TupleDesc	inputs_desc;	/* dormancy.priority_inputs */
	void	   *score_cache;	/* priority_sql.c's */
	Datum		days_per_year;	/* numeric 365.25 */
	int32	   *years_span;		/* memo of the years of a span of days: */
	double	   *years;			/* span -> years, by span % YEARS_MEMO */
	Datum		kinds[3];		/* NULL, 'lost_deal', 'purchase' */
	Oid			settings_type;
	int			settings_attno[S_NFIELDS];
	char	   *settings_bytes;	/* the settings row as last read */
	uint32		settings_len;
	Datum		settings[S_NFIELDS];	/* its fields (intervals copied) */
	bool		settings_null[S_NFIELDS];
	DaysMemo	memo[5];		/* at_risk, dormant, long_dormant, engagement, renewal */
	/* dormancy.value_distribution: quantiles per measure, n 0 when none */
	double	   *total_q;
	int			total_n;
	double	   *expected_q;
	int			expected_n;
} AssessCache;

/* Read dormancy.message_themes: the theme of each reason rule's reason and of 'unknown'. */
static void
LoadThemes(AssessCache *cache, const Configuration *config)
{
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n = ReadConfigRows("SELECT t.reason, t.theme FROM " CONFIG_TABLE("message_themes") " t",
								   "dormancy.message_themes", config, cache->site.mcxt, &desc, &tuples);
	ReasonCache *rc = cache->reasons;

	cache->rule_themes = palloc0(sizeof(Datum) * Max(rc->nrules, 1));
	cache->rule_theme_nulls = palloc(sizeof(bool) * Max(rc->nrules, 1));
	for (int r = 0; r <= rc->nrules; r++)
	{
		text	   *reason = DatumGetTextPP(r < rc->nrules ? rc->reasons[r] : rc->unknown);
		bool		found = false;
		Datum		theme = (Datum) 0;

		/* reason is the key: at most one row matches */
		for (int i = 0; i < n && !found; i++)
		{
			bool		isnull;
			text	   *key = DatumGetTextPP(heap_getattr(tuples[i], 1, desc, &isnull));

			if (isnull || VARSIZE_ANY_EXHDR(key) != VARSIZE_ANY_EXHDR(reason) ||
				memcmp(VARDATA_ANY(key), VARDATA_ANY(reason), VARSIZE_ANY_EXHDR(key)) != 0)
				continue;
			theme = heap_getattr(tuples[i], 2, desc, &isnull);
			found = !isnull;
			if (found)
				theme = PointerGetDatum(DatumGetTextPCopy(theme));
		}
		if (r < rc->nrules)
		{
			cache->rule_themes[r] = theme;
			cache->rule_theme_nulls[r] = !found;
		}
		else
		{
			cache->unknown_theme = theme;
			cache->unknown_theme_null = !found;
		}
	}
}

/* Read dormancy.value_distribution: the quantiles of each measure stored. */
static void
LoadValueDistribution(AssessCache *cache, const Configuration *config)
{
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n = ReadConfigRows("SELECT v.measure, v.quantiles FROM " CONFIG_TABLE("value_distribution") " v",
								   "dormancy.value_distribution", config, cache->site.mcxt, &desc, &tuples);

	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		char	   *measure;
		ArrayType  *a;
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		double	   *q;
		int			k = 0;

		measure = TextDatumGetCString(heap_getattr(tuples[i], 1, desc, &isnull));
		a = DatumGetArrayTypeP(heap_getattr(tuples[i], 2, desc, &isnull));
		if (isnull || ARR_ELEMTYPE(a) != FLOAT8OID)
			continue;
		deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &nulls, &nelems);
		q = palloc(sizeof(double) * Max(nelems, 1));
		for (int j = 0; j < nelems; j++)
		{
			double		x = nulls[j] ? NAN : DatumGetFloat8(elems[j]);

			/* ascending and finite, or the distribution is not used */
			if (isnan(x) || isinf(x) || (k > 0 && x < q[k - 1]))
			{
				k = 0;
				break;
			}
			q[k++] = x;
		}
		if (k < 2)
			continue;
		if (strcmp(measure, "total_amount") == 0)
		{
			cache->total_q = q;
			cache->total_n = k;
		}
		else if (strcmp(measure, "expected_value") == 0)
		{
			cache->expected_q = q;
			cache->expected_n = k;
		}
	}
}

/* Read dormancy.rules: which rule ids use the contract end. */
static void
LoadRules(AssessCache *cache, const Configuration *config)
{
	HeapTuple  *tuples;
	TupleDesc	desc;
	int			n = ReadConfigRows("SELECT r.rule_id, coalesce(r.use_contract_end, false)"
								   " FROM " CONFIG_TABLE("rules") " r"
								   " WHERE r.rule_id IS NOT NULL ORDER BY r.rule_id",
								   "dormancy.rules", config, cache->site.mcxt, &desc, &tuples);

	cache->nrules = n;
	cache->rule_ids = palloc(sizeof(int32) * Max(n, 1));
	cache->use_contract_end = palloc(sizeof(bool) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		cache->rule_ids[i] = DatumGetInt32(heap_getattr(tuples[i], 1, desc, &isnull));
		cache->use_contract_end[i] = DatumGetBool(heap_getattr(tuples[i], 2, desc, &isnull));
	}
}

/* coalesce(rules.use_contract_end, false) of the customer's rule (a LEFT JOIN on rule_id). */
static bool
UsesContractEnd(const AssessCache *cache, int32 rule_id)
{
	int			lo = 0,
				hi = cache->nrules - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (cache->rule_ids[mid] == rule_id)
			return cache->use_contract_end[mid];
		if (cache->rule_ids[mid] < rule_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static AssessCache *
LoadAssessCache(FunctionCallInfo fcinfo, const Configuration *config)
{
	AssessCache *cache = NewConfigCache(AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "dormancy assessment", ALLOCSET_SMALL_SIZES),
										sizeof(AssessCache), config);
	MemoryContext old;
	TupleDesc	desc;

	cache->reasons = LoadReasonRules(cache->site.mcxt, config);
	cache->approach = LoadApproachRules(cache->site.mcxt, config);
	old = MemoryContextSwitchTo(cache->site.mcxt);
	LoadThemes(cache, config);
	LoadRules(cache, config);
	LoadValueDistribution(cache, config);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != R_NCOLS)
		elog(ERROR, "return type must be a row type of %d columns", R_NCOLS);
	cache->result_desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	cache->inputs_desc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(TupleDescAttr(desc, R_PRIORITY_INPUTS)->atttypid, -1));
	if (cache->inputs_desc->natts != PRIORITY_INPUTS_NATTS)
		elog(ERROR, "dormancy.priority_inputs must have %d fields", PRIORITY_INPUTS_NATTS);
	cache->days_per_year = DirectFunctionCall3(numeric_in, CStringGetDatum("365.25"),
											   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	cache->years_span = palloc(sizeof(int32) * YEARS_MEMO);
	cache->years = palloc(sizeof(double) * YEARS_MEMO);
	for (int i = 0; i < YEARS_MEMO; i++)
		cache->years_span[i] = -1;	/* no span: only spans > 365 are kept */
	cache->kinds[ASSESS_KIND_LOST_DEAL] = CStringGetTextDatum("lost_deal");
	cache->kinds[ASSESS_KIND_PURCHASE] = CStringGetTextDatum("purchase");
	MemoryContextSwitchTo(old);
	return cache;
}

/* Where the settings' fields are in their row type. */
static void
MapSettings(AssessCache *cache, HeapTupleHeader row)
{
	Oid			typid = HeapTupleHeaderGetTypeId(row);
	TupleDesc	td;

	if (cache->settings_type == typid)
		return;
	td = lookup_rowtype_tupdesc(typid, HeapTupleHeaderGetTypMod(row));
	for (int f = 0; f < S_NFIELDS; f++)
	{
		cache->settings_attno[f] = -1;
		for (int a = 0; a < td->natts; a++)
			if (!TupleDescAttr(td, a)->attisdropped &&
				strcmp(NameStr(TupleDescAttr(td, a)->attname), settings_fields[f]) == 0)
				cache->settings_attno[f] = a + 1;
		if (cache->settings_attno[f] < 0)
			elog(ERROR, "%s has no field \"%s\"", format_type_be(typid), settings_fields[f]);
	}
	ReleaseTupleDesc(td);
	cache->settings_type = typid;
}

/*
 * Read the fields of the settings row, unless it is the row of the last
 * call again, byte for byte (a query passes one row for every customer).
 */
static void
ReadSettings(AssessCache *cache, HeapTupleHeader row)
{
	uint32		len;
	MemoryContext old;

	if (row == NULL)
	{
		for (int f = 0; f < S_NFIELDS; f++)
			cache->settings_null[f] = true;
		cache->settings_len = 0;
		return;
	}
	len = HeapTupleHeaderGetDatumLength(row);
	if (cache->settings_bytes != NULL && cache->settings_len == len &&
		memcmp(cache->settings_bytes, row, len) == 0)
		return;
	MapSettings(cache, row);
	old = MemoryContextSwitchTo(cache->site.mcxt);
	for (int f = 0; f < S_NFIELDS; f++)
	{
		Datum		d = GetAttributeByNum(row, cache->settings_attno[f], &cache->settings_null[f]);

		/* the intervals are by reference: keep copies */
		if (!cache->settings_null[f] && (f == S_RENEWAL_HORIZON || f == S_ENGAGEMENT_WINDOW))
		{
			Interval   *copy = palloc(sizeof(Interval));

			*copy = *DatumGetIntervalP(d);
			d = IntervalPGetDatum(copy);
		}
		cache->settings[f] = d;
	}
	cache->settings_bytes = palloc(len);
	memcpy(cache->settings_bytes, row, len);
	cache->settings_len = len;
	MemoryContextSwitchTo(old);
}

/* A field of the settings row read last; *isnull when NULL or the row is. */
static Datum
SettingsField(AssessCache *cache, HeapTupleHeader row, int f, bool *isnull)
{
	*isnull = cache->settings_null[f];
	return cache->settings[f];
}

/* (as_of + span)::date - as_of, by the server's own date arithmetic. */
static int32
DaysOf(DaysMemo *memo, DateADT as_of, Interval *span)
{
	if (memo->set && memo->as_of == as_of && memcmp(&memo->span, span, sizeof(Interval)) == 0)
		return memo->days;
	memo->days = DatumGetInt32(DirectFunctionCall2(date_mi,
												   DirectFunctionCall1(timestamp_date,
																	   DirectFunctionCall2(date_pl_interval,
																						   DateADTGetDatum(as_of),
																						   IntervalPGetDatum(span))),
												   DateADTGetDatum(as_of)));
	memo->as_of = as_of;
	memo->span = *span;
	memo->set = true;
	return memo->days;
}

static AssessInt
OptInt(FunctionCallInfo fcinfo, int arg, Oid type)
{
	AssessInt	x = {false, 0};

	if (!PG_ARGISNULL(arg))
	{
		x.valid = true;
		x.value = type == INT8OID ? PG_GETARG_INT64(arg) : PG_GETARG_INT32(arg);
	}
	return x;
}

/* greatest(day, covered) when the covered contract day counts (NULL ignored) */
static AssessInt
WithCoverage(AssessInt day, bool covered_counts, DateADT covered)
{
	if (covered_counts && (!day.valid || covered > day.value))
		day = (AssessInt) {true, covered};
	return day;
}

static AssessBool
OptBool(FunctionCallInfo fcinfo, int arg)
{
	return PG_ARGISNULL(arg) ? ASSESS_NULL : PG_GETARG_BOOL(arg) ? ASSESS_TRUE : ASSESS_FALSE;
}

static bool
IsTrue(FunctionCallInfo fcinfo, int arg)
{
	return !PG_ARGISNULL(arg) && PG_GETARG_BOOL(arg);
}

static char *
OptText(FunctionCallInfo fcinfo, int arg)
{
	return PG_ARGISNULL(arg) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg));
}

/* An argument passed on as it is, with its null flag. */
#define PASS(i, arg) (values[i] = PG_GETARG_DATUM(arg), nulls[i] = PG_ARGISNULL(arg))
/* coalesce(argument, dflt) */
#define PASS_OR(i, arg, dflt) (values[i] = PG_ARGISNULL(arg) ? (dflt) : PG_GETARG_DATUM(arg), nulls[i] = false)

/*
 * The approach value: coalesce(expected_value, CASE WHEN order_days > 0
 * THEN greatest(total_amount, 0) / greatest(1.0, (last_order_at -
 * first_order_at) / 365.25) ELSE 0 END), the years in numeric as in SQL.
 */
static double
ApproachValue(FunctionCallInfo fcinfo, AssessCache *cache)
{
	double		amount;
	double		years = 1.0;

	if (!PG_ARGISNULL(A_EXPECTED_VALUE))
		return PG_GETARG_FLOAT8(A_EXPECTED_VALUE);
	if (PG_ARGISNULL(A_ORDER_DAYS) || PG_GETARG_INT32(A_ORDER_DAYS) <= 0)
		return 0;
	amount = PG_ARGISNULL(A_TOTAL_AMOUNT) ? 0 : PG_GETARG_FLOAT8(A_TOTAL_AMOUNT);
	if (amount < 0)				/* greatest: NaN and -0 stay */
		amount = 0;
	if (!PG_ARGISNULL(A_LAST_ORDER_AT) && !PG_ARGISNULL(A_FIRST_ORDER_AT))
	{
		Datum		span = DirectFunctionCall2(date_mi, PG_GETARG_DATUM(A_LAST_ORDER_AT),
											   PG_GETARG_DATUM(A_FIRST_ORDER_AT));

		int32		days = DatumGetInt32(span);

		/*
		 * span / 365.25 exceeds 1.0 from 366 days on; numeric division and
		 * conversion as in SQL (a double division could round otherwise),
		 * remembered per span: customers share few spans
		 */
		if (days > 365)
		{
			int			slot = days % YEARS_MEMO;

			if (cache->years_span[slot] != days)
			{
				cache->years[slot] =
					DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													   DirectFunctionCall2(numeric_div,
																		   DirectFunctionCall1(int4_numeric, span),
																		   cache->days_per_year)));
				cache->years_span[slot] = days;
			}
			years = cache->years[slot];
		}
	}
	return amount / years;
}

/*
 * _assess(...): see the header comment.  IMMUTABLE: it reads the
 * configuration it is given, no table.  Not strict: NULL is a value of most
 * arguments.
 */
Datum
assess(PG_FUNCTION_ARGS)
{
	AssessCache *cache = (AssessCache *) fcinfo->flinfo->fn_extra;
	Oid			collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	HeapTupleHeader settings = PG_ARGISNULL(A_SETTINGS) ? NULL : PG_GETARG_HEAPTUPLEHEADER(A_SETTINGS);
	Datum		result[R_NCOLS];
	bool		result_null[R_NCOLS];
	Datum		values[PRIORITY_INPUTS_NATTS];
	bool		nulls[PRIORITY_INPUTS_NATTS];
	AssessInput in;
	AssessKind	kind;
	AssessWord	words[ASSESS_MAX_EVIDENCE];
	int			nwords;
	int			ndecline = 0;
	Datum	   *decline = NULL;
	bool	   *decline_nulls = NULL;
	Datum	   *evidence;
	bool	   *evidence_nulls;
	bool		evidence_has_null = false;
	RulesWord  *match_words;
	int			nmatch = 0;
	bool		lapsing;
	double		approach_value;
	DateADT		as_of;
	bool		isnull;
	Datum		d;
	int32		renewal_horizon_days = 0;
	bool		renewal_horizon_null = true;
	bool		covered_counts;	/* the customer's rule has use_contract_end, and a day is covered */
	DateADT		covered = 0;
	int			rule = -1;
	PriorityValue vp;			/* the percentiles of total_amount and expected_value */
	PriorityValue evp;
	const char *declined_reason = NULL; /* the decline the deal reads, if any */
	PriorityValue days_since_decline = {false, 0};
	Configuration config;

	if (PG_NARGS() != A_NARGS)
		elog(ERROR, "_assess takes %d arguments", A_NARGS);
	ConfigurationArg(fcinfo, A_CONFIGURATION, &config);
	if (ConfigCacheStale(fcinfo, &config))
		fcinfo->flinfo->fn_extra = cache = LoadAssessCache(fcinfo, &config);
	if (PG_ARGISNULL(A_AS_OF))
		elog(ERROR, "the as-of day of _assess must not be NULL");
	as_of = PG_GETARG_DATEADT(A_AS_OF);
	ReadSettings(cache, settings);
	memset(result_null, true, sizeof(result_null));

	/* the settings in days */
	d = SettingsField(cache, settings, S_RENEWAL_HORIZON, &isnull);
	if (!isnull)
	{
		renewal_horizon_days = DaysOf(&cache->memo[4], as_of, DatumGetIntervalP(d));
		renewal_horizon_null = false;
	}

	/*
	 * contract state: the state ladder on the last day covered by a
	 * contract, but "ended" where the ladder says active and no term covers
	 * as_of (the last covered day is before it): a licence that ended last
	 * month is not current, however recent its end (seed 002)
	 */
	if (!PG_ARGISNULL(A_CONTRACT_TERMS) && !PG_ARGISNULL(A_AT_RISK_AFTER) &&
		!PG_ARGISNULL(A_DORMANT_AFTER) && !PG_ARGISNULL(A_LONG_DORMANT_AFTER))
	{
		const char *s = PG_ARGISNULL(A_CONTRACT_COVERED_UNTIL) ? "never_purchased" :
			DormancyStateName(PG_GETARG_DATEADT(A_CONTRACT_COVERED_UNTIL), as_of,
							  PG_GETARG_INTERVAL_P(A_AT_RISK_AFTER),
							  PG_GETARG_INTERVAL_P(A_DORMANT_AFTER),
							  PG_GETARG_INTERVAL_P(A_LONG_DORMANT_AFTER));

		if (!PG_ARGISNULL(A_CONTRACT_COVERED_UNTIL) &&
			PG_GETARG_DATEADT(A_CONTRACT_COVERED_UNTIL) < as_of && strcmp(s, "active") == 0)
			s = "ended";

		result[R_CONTRACT_STATE] = CStringGetTextDatum(s);
		result_null[R_CONTRACT_STATE] = false;
	}

	/* the last covered contract day counts like a purchase day (use_contract_end) */
	covered_counts = !PG_ARGISNULL(A_CONTRACT_COVERED_UNTIL) && !PG_ARGISNULL(A_RULE_ID) &&
		UsesContractEnd(cache, PG_GETARG_INT32(A_RULE_ID));
	if (covered_counts)
		covered = PG_GETARG_DATEADT(A_CONTRACT_COVERED_UNTIL);

	/* the customer, for core/assess.c */
	memset(&in, 0, sizeof(in));
	in.state = OptText(fcinfo, A_STATE);
	in.segment = OptText(fcinfo, A_SEGMENT);
	in.declining = IsTrue(fcinfo, A_DECLINING);
	in.lapsed_after_price_increase = IsTrue(fcinfo, A_LAPSED_AFTER_PRICE_INCREASE);
	in.lapsed_after_spec_change = IsTrue(fcinfo, A_LAPSED_AFTER_SPEC_CHANGE);
	in.has_orders = !PG_ARGISNULL(A_ORDERS_COUNT) && PG_GETARG_INT64(A_ORDERS_COUNT) != 0;
	/* a covered contract day is activity too, for a rule with use_contract_end */
	in.last_activity_at = WithCoverage(OptInt(fcinfo, A_LAST_ORDER_AT, INT4OID), covered_counts, covered);
	/*
	 * an order of any amount (or the covered day) before the at-risk
	 * threshold (only read when the state is lapsing)
	 */
	in.bought_recently = assess_state_lapsing(in.state) &&
		in.last_activity_at.valid && !PG_ARGISNULL(A_AT_RISK_AFTER) &&
		DormancyDayPlusInterval((DateADT) in.last_activity_at.value, PG_GETARG_INTERVAL_P(A_AT_RISK_AFTER)) > as_of;
	in.has_contract = !PG_ARGISNULL(A_CONTRACT_TERMS);
	in.contract_lapsed = OptBool(fcinfo, A_CONTRACT_LAPSED);
	in.auto_renew_off = OptBool(fcinfo, A_AUTO_RENEW_OFF);
	in.downgraded = OptBool(fcinfo, A_DOWNGRADED);
	in.renewal_due_in_days = OptInt(fcinfo, A_RENEWAL_DUE_IN_DAYS, INT4OID);
	if (renewal_horizon_null)
		in.renewal_due_in_days.valid = false;	/* x <= NULL is not true */
	in.renewal_horizon_days = renewal_horizon_days;
	in.events_bound = IsTrue(fcinfo, A_EVENTS_BOUND);
	in.has_events = IsTrue(fcinfo, A_HAS_EVENTS);
	in.events_in_window = OptInt(fcinfo, A_EVENTS_IN_WINDOW, INT4OID);
	in.pricing_views = OptInt(fcinfo, A_PRICING_VIEWS, INT4OID);
	in.support_visits = OptInt(fcinfo, A_SUPPORT_VISITS, INT4OID);
	d = SettingsField(cache, settings, S_REPEATED_PRICING_VIEWS, &isnull);
	in.repeated_pricing_views.valid = !isnull;
	in.repeated_pricing_views.value = isnull ? 0 : DatumGetInt32(d);
	d = SettingsField(cache, settings, S_SUPPORT_VISITS_THRESHOLD, &isnull);
	in.support_visits_threshold.valid = !isnull;
	in.support_visits_threshold.value = isnull ? 0 : DatumGetInt32(d);
	in.has_deals = IsTrue(fcinfo, A_HAS_DEALS);
	in.last_deal_outcome = OptText(fcinfo, A_LAST_DEAL_OUTCOME);
	in.last_deal_reason = OptText(fcinfo, A_LAST_DEAL_REASON);
	in.last_deal_at = OptInt(fcinfo, A_LAST_DEAL_AT, INT4OID);
	in.open_deals = OptInt(fcinfo, A_OPEN_DEALS, INT4OID);
	in.last_outreach_outcome = OptText(fcinfo, A_LAST_OUTREACH_OUTCOME);
	in.last_outreach_reason = OptText(fcinfo, A_LAST_OUTREACH_REASON);
	in.last_outreach_on = OptInt(fcinfo, A_LAST_OUTREACH_ON, INT4OID);
	/* the conversation's day after (as_of - engagement_window)::date */
	if (in.last_outreach_outcome != NULL && in.last_outreach_on.valid)
	{
		d = SettingsField(cache, settings, S_ENGAGEMENT_WINDOW, &isnull);
		if (!isnull)
		{
			DateADT		window_start = DatumGetDateADT(DirectFunctionCall1(timestamp_date,
																		   DirectFunctionCall2(date_mi_interval,
																							   DateADTGetDatum(as_of), d)));

			in.conversation_in_window = in.last_outreach_on.value > window_start &&
				in.last_outreach_on.value <= as_of;
		}
	}
	in.last_order_at = OptInt(fcinfo, A_LAST_ORDER_AT, INT4OID);
	in.contact_phones_bound = IsTrue(fcinfo, A_CONTACT_PHONES_BOUND);
	in.contact_emails_bound = IsTrue(fcinfo, A_CONTACT_EMAILS_BOUND);
	in.contact_persons_bound = IsTrue(fcinfo, A_CONTACT_PERSONS_BOUND);
	in.contact_dates_bound = IsTrue(fcinfo, A_CONTACT_DATES_BOUND);
	in.phones = OptInt(fcinfo, A_PHONES, INT8OID);
	in.emails = OptInt(fcinfo, A_EMAILS, INT8OID);
	in.persons = OptInt(fcinfo, A_PERSONS, INT8OID);
	in.invalid_phones = OptInt(fcinfo, A_INVALID_PHONES, INT8OID);
	in.invalid_emails = OptInt(fcinfo, A_INVALID_EMAILS, INT8OID);
	in.outdated = OptBool(fcinfo, A_CONTACTS_OUTDATED);

	/*
	 * The latest conversation, when it was a decline: which is the latest
	 * evidence, the decline or the last closed deal, decided once, by the
	 * test of the deal component (core/priority.c,
	 * priority_decline_is_latest: a deal closed on the decline's day or
	 * later wins, deals bound), for the score and the likely reason alike.
	 * A decline the deal supersedes gives no evidence (decline_superseded:
	 * the reason rules 1 to 6 do not read it) and no input of the score.
	 * A decline that is the latest, with a reason, on a day after the last
	 * order of any amount (as for its evidence), is the deal component's
	 * input: not a field of priority_inputs, whose shape the views of
	 * earlier versions (in their dumps) cast to, but two columns of the
	 * result, which customer_status passes to _priority_breakdown beside
	 * the inputs.
	 */
	if (in.last_outreach_outcome != NULL && strcmp(in.last_outreach_outcome, "declined") == 0 &&
		in.last_outreach_on.valid && !DATE_NOT_FINITE((DateADT) in.last_outreach_on.value))
	{
		PriorityValue days;
		PriorityValue deal_days = {false, 0};

		days.valid = true;
		days.value = DatumGetInt32(DirectFunctionCall2(date_mi, DateADTGetDatum(as_of),
													   DateADTGetDatum((DateADT) in.last_outreach_on.value)));
		if (!PG_ARGISNULL(A_DAYS_SINCE_LAST_DEAL))
		{
			deal_days.valid = true;
			deal_days.value = PG_GETARG_INT32(A_DAYS_SINCE_LAST_DEAL);
		}
		in.decline_superseded = !priority_decline_is_latest(IsTrue(fcinfo, A_DEALS_BOUND),
															 priority_deal_outcome(in.last_deal_outcome),
															 deal_days, days);
		if (!in.decline_superseded && in.last_outreach_reason != NULL &&
			assess_after_last_order(&in, in.last_outreach_on))
		{
			result[R_OUTREACH_DECLINED_REASON] = PG_GETARG_DATUM(A_LAST_OUTREACH_REASON);
			result[R_DAYS_SINCE_OUTREACH_DECLINE] = Int32GetDatum((int32) days.value);
			result_null[R_OUTREACH_DECLINED_REASON] = result_null[R_DAYS_SINCE_OUTREACH_DECLINE] = false;
			declined_reason = in.last_outreach_reason;
			days_since_decline = days;
		}
	}

	/* the kind of dormancy */
	kind = assess_kind(&in);
	if (kind != ASSESS_KIND_NONE)
	{
		result[R_DORMANCY_KIND] = cache->kinds[kind];
		result_null[R_DORMANCY_KIND] = false;
	}

	/* the evidence: the words, then the decline signals */
	nwords = assess_evidence(&in, kind, words);
	if (!PG_ARGISNULL(A_DECLINE_SIGNALS))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(A_DECLINE_SIGNALS);

		if (ARR_ELEMTYPE(a) != TEXTOID)
			elog(ERROR, "expected an array of text");
		deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &decline, &decline_nulls, &ndecline);
	}
	evidence = palloc(sizeof(Datum) * (nwords + ndecline + 1));
	evidence_nulls = palloc(sizeof(bool) * (nwords + ndecline + 1));
	match_words = palloc(sizeof(RulesWord) * (nwords + ndecline + 1));
	for (int i = 0; i < nwords; i++)
	{
		size_t		plen = strlen(words[i].prefix);
		size_t		tlen = strlen(words[i].text);
		text	   *t = (text *) palloc(VARHDRSZ + plen + tlen);

		SET_VARSIZE(t, VARHDRSZ + plen + tlen);
		memcpy(VARDATA(t), words[i].prefix, plen);
		memcpy(VARDATA(t) + plen, words[i].text, tlen);
		evidence[i] = PointerGetDatum(t);
		evidence_nulls[i] = false;
		match_words[nmatch].data = VARDATA(t);
		match_words[nmatch].len = plen + tlen;
		nmatch++;
	}
	for (int i = 0; i < ndecline; i++)
	{
		evidence[nwords + i] = decline[i];
		evidence_nulls[nwords + i] = decline_nulls[i];
		if (decline_nulls[i])
		{
			evidence_has_null = true;
			continue;			/* a NULL element matches nothing */
		}
		match_words[nmatch].data = VARDATA_ANY(DatumGetPointer(decline[i]));
		match_words[nmatch].len = VARSIZE_ANY_EXHDR(DatumGetPointer(decline[i]));
		nmatch++;
	}
	{
		int			n = nwords + ndecline;
		int			dims[1] = {n};
		int			lbs[1] = {1};

		result[R_EVIDENCE] = n == 0 ? PointerGetDatum(construct_empty_array(TEXTOID)) :
			PointerGetDatum(construct_md_array(evidence, evidence_has_null ? evidence_nulls : NULL,
											   1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
		result_null[R_EVIDENCE] = false;
	}

	/* the value the channel is chosen by */
	approach_value = ApproachValue(fcinfo, cache);
	result[R_APPROACH_VALUE] = Float8GetDatum(approach_value);
	result_null[R_APPROACH_VALUE] = false;

	/* the priority inputs, as customer_status's ROW(...) gave them */
	memset(nulls, false, sizeof(nulls));
	PASS(0, A_STATE);
	{
		/* the day the score works from: use_contract_end applied */
		AssessInt	day = WithCoverage(OptInt(fcinfo, A_LAST_QUALIFYING_ORDER_AT, INT4OID), covered_counts, covered);

		nulls[1] = !day.valid;
		if (day.valid)
			values[1] = DirectFunctionCall2(date_mi, DateADTGetDatum(as_of), DateADTGetDatum((DateADT) day.value));
	}
	for (int t = 0; t < 3; t++)
	{
		nulls[2 + t] = PG_ARGISNULL(A_AT_RISK_AFTER + t);
		if (!nulls[2 + t])
			values[2 + t] = Int32GetDatum(DaysOf(&cache->memo[t], as_of, PG_GETARG_INTERVAL_P(A_AT_RISK_AFTER + t)));
	}
	PASS(5, A_TOTAL_AMOUNT);
	PASS(6, A_ORDER_DAYS);
	PASS(7, A_MEDIAN_GAP_DAYS);
	PASS(8, A_MEAN_GAP_DAYS);
	PASS(9, A_GAP_STDDEV_DAYS);
	PASS(10, A_SEGMENT);
	nulls[11] = PG_ARGISNULL(A_DECLINE_SIGNALS);
	if (!nulls[11])
		values[11] = Int32GetDatum(ndecline);	/* cardinality() */
	PASS(12, A_DECLINING);
	PASS(13, A_EVENTS_BOUND);
	PASS_OR(14, A_EVENTS_IN_WINDOW, Int32GetDatum(0));
	PASS_OR(15, A_PRICING_VIEWS, Int32GetDatum(0));
	PASS(16, A_DAYS_SINCE_LAST_EVENT);
	d = SettingsField(cache, settings, S_ENGAGEMENT_WINDOW, &isnull);
	nulls[17] = isnull;
	if (!isnull)
		values[17] = Int32GetDatum(DaysOf(&cache->memo[3], as_of, DatumGetIntervalP(d)));
	PASS(18, A_DEALS_BOUND);
	PASS(19, A_LAST_DEAL_OUTCOME);
	PASS(20, A_LAST_DEAL_REASON);
	PASS(21, A_DAYS_SINCE_LAST_DEAL);
	PASS_OR(22, A_OPEN_DEALS, Int32GetDatum(0));
	PASS(23, A_CONTRACTS_BOUND);
	values[24] = BoolGetDatum(!PG_ARGISNULL(A_CONTRACT_TERMS));
	PASS_OR(25, A_CONTRACT_LAPSED, BoolGetDatum(false));
	PASS(26, A_DAYS_SINCE_CONTRACT_END);
	PASS_OR(27, A_AUTO_RENEW_OFF, BoolGetDatum(false));
	PASS_OR(28, A_DOWNGRADED, BoolGetDatum(false));
	PASS(29, A_RENEWAL_DUE_IN_DAYS);
	nulls[30] = renewal_horizon_null;
	values[30] = Int32GetDatum(renewal_horizon_days);
	PASS(31, A_P_ALIVE);
	PASS(32, A_EXPECTED_VALUE);
	/* where the customer's values stand among your customers */
	{
		double		total = PG_ARGISNULL(A_TOTAL_AMOUNT) ? 0 : PG_GETARG_FLOAT8(A_TOTAL_AMOUNT);
		bool		bought = !PG_ARGISNULL(A_ORDER_DAYS) && PG_GETARG_INT32(A_ORDER_DAYS) > 0;
		double		pct = -1;
		Datum		pcts[2];
		bool		pct_nulls[2] = {true, true};
		int			dims[1] = {2};
		int			lbs[1] = {1};

		vp.valid = evp.valid = false;
		if (cache->total_n > 0)
		{
			vp.valid = true;
			/* no purchase or a net refund: 0, not the top of the zeros' block */
			vp.value = bought && total > 0 ? priority_percentile(cache->total_q, cache->total_n, total) : 0;
			pct = vp.value;
		}
		if (cache->expected_n > 0 && !PG_ARGISNULL(A_EXPECTED_VALUE))
		{
			evp.valid = true;
			evp.value = priority_percentile(cache->expected_q, cache->expected_n,
											PG_GETARG_FLOAT8(A_EXPECTED_VALUE));
			if (vp.valid)
				pct = Max(pct, evp.value);
		}
		if (!vp.valid && !PG_ARGISNULL(A_WEIGHTS))
		{
			/* no distribution stored: the absolute scale of value_cap */
			bool		capnull;
			Datum		cap = GetAttributeByName(PG_GETARG_HEAPTUPLEHEADER(A_WEIGHTS), "value_cap", &capnull);
			double		amount = total;

			if (!PG_ARGISNULL(A_EXPECTED_VALUE) && PG_GETARG_FLOAT8(A_EXPECTED_VALUE) > amount)
				amount = PG_GETARG_FLOAT8(A_EXPECTED_VALUE);
			if (!capnull && DatumGetFloat8(cap) > 0)
				pct = priority_absolute_percentile(amount, DatumGetFloat8(cap));
		}
		if (pct >= 0)
		{
			result[R_VALUE_PERCENTILE] = Float8GetDatum(pct);
			result_null[R_VALUE_PERCENTILE] = false;
		}
		/* the two percentiles the breakdown uses (NULL while none is stored) */
		if (vp.valid)
		{
			pcts[0] = Float8GetDatum(vp.value);
			pct_nulls[0] = false;
		}
		if (evp.valid)
		{
			pcts[1] = Float8GetDatum(evp.value);
			pct_nulls[1] = false;
		}
		result[R_VALUE_PERCENTILES] =
			PointerGetDatum(construct_md_array(pcts, pct_nulls, 1, dims, lbs, FLOAT8OID,
											   sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		result_null[R_VALUE_PERCENTILES] = false;
	}
	{
		HeapTuple	tuple = heap_form_tuple(cache->inputs_desc, values, nulls);

		result[R_PRIORITY_INPUTS] = HeapTupleGetDatum(tuple);
		result_null[R_PRIORITY_INPUTS] = false;
		if (!PG_ARGISNULL(A_WEIGHTS))
		{
			result[R_PRIORITY_SCORE] =
				Float8GetDatum(PriorityScoreOfRows(&cache->score_cache, cache->site.mcxt,
												   tuple->t_data, PG_GETARG_HEAPTUPLEHEADER(A_WEIGHTS),
												   vp, evp, declined_reason, days_since_decline));
			result_null[R_PRIORITY_SCORE] = false;
		}
	}

	/* the likely reason, its theme and the channel: for lapsing customers only */
	lapsing = assess_lapsing(&in, kind);
	if (lapsing)
	{
		ApproachCache *ac = cache->approach;
		ApproachCustomer c;
		int			match;

		rule = ReasonRulesMatch(cache->reasons, match_words, nmatch);
		result[R_LIKELY_REASON] = rule >= 0 ? cache->reasons->reasons[rule] : cache->reasons->unknown;
		result[R_REASON_EVIDENCE] = rule >= 0 ? cache->reasons->evidence[rule] : cache->reasons->empty;
		result_null[R_LIKELY_REASON] = result_null[R_REASON_EVIDENCE] = false;
		result[R_MESSAGE_THEME] = rule >= 0 ? cache->rule_themes[rule] : cache->unknown_theme;
		result_null[R_MESSAGE_THEME] = rule >= 0 ? cache->rule_theme_nulls[rule] : cache->unknown_theme_null;

		c.has_value = true;
		c.value = approach_value;
		c.industry = PG_ARGISNULL(A_INDUSTRY) ? RULES_NO_LABEL :
			FoldedLabel(&ac->industry_fold, PG_GETARG_TEXT_PP(A_INDUSTRY), ac->industries,
						ac->nindustries, &ac->industry_aliases, collation, ac->site.mcxt);
		c.company_size = PG_ARGISNULL(A_COMPANY_SIZE) ? RULES_NO_LABEL :
			FoldedLabel(&ac->size_fold, PG_GETARG_TEXT_PP(A_COMPANY_SIZE), ac->sizes,
						ac->nsizes, &ac->size_aliases, collation, ac->site.mcxt);
		{
			text	   *reason = DatumGetTextPP(result[R_LIKELY_REASON]);

			c.reason = rules_word_find(ac->reasons, ac->nreasons,
									   VARDATA_ANY(reason), VARSIZE_ANY_EXHDR(reason));
		}
		/* NOT bound OR coalesce(count, 0) > 0; NULL is false */
		c.can_phone = (!PG_ARGISNULL(A_CONTACT_PHONES_BOUND) && !PG_GETARG_BOOL(A_CONTACT_PHONES_BOUND)) ||
			(!PG_ARGISNULL(A_PHONES) && PG_GETARG_INT64(A_PHONES) > 0);
		c.can_mail = (!PG_ARGISNULL(A_CONTACT_EMAILS_BOUND) && !PG_GETARG_BOOL(A_CONTACT_EMAILS_BOUND)) ||
			(!PG_ARGISNULL(A_EMAILS) && PG_GETARG_INT64(A_EMAILS) > 0);
		/* the percentile rules once a distribution is stored */
		c.has_percentile = cache->total_n > 0 && !result_null[R_VALUE_PERCENTILE];
		c.percentile = c.has_percentile ? DatumGetFloat8(result[R_VALUE_PERCENTILE]) : 0;
		match = approach_rules_first(ac->rules, ac->nrules, &c);
		if (match >= 0 && !ac->channel_nulls[match])
		{
			result[R_APPROACH_CHANNEL] = ac->channels[match];
			result_null[R_APPROACH_CHANNEL] = false;
		}
	}

	{
		uint32		gaps = assess_gaps(&in);

		result[R_GAPS] = Int32GetDatum((int32) (gaps & ~(1u << ASSESS_GAP_NO_ACTIVITY)));
		result[R_NO_ACTIVITY] = BoolGetDatum((gaps & (1u << ASSESS_GAP_NO_ACTIVITY)) != 0);
		result_null[R_GAPS] = result_null[R_NO_ACTIVITY] = false;
	}

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->result_desc, result, result_null)));
}

/*
 * _data_gaps(gaps integer, name_gap text, no_activity boolean) returns text[]
 *
 * The data gaps of customer_status in their order: the gaps of _assess's
 * bits, then name_gap (no_name or duplicate_name, computed in SQL), then
 * no_activity.  Empty when none.
 */
Datum
data_gaps(PG_FUNCTION_ARGS)
{
	uint32		gaps = PG_ARGISNULL(0) ? 0 : (uint32) PG_GETARG_INT32(0);
	Datum		elems[ASSESS_NGAPS + 1];
	int			n = 0;
	int			dims[1];
	int			lbs[1] = {1};

	for (int g = 0; g < ASSESS_GAP_NO_ACTIVITY; g++)
		if (gaps & (1u << g))
			elems[n++] = CStringGetTextDatum(assess_gap_names[g]);
	if (!PG_ARGISNULL(1))
		elems[n++] = PG_GETARG_DATUM(1);
	if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
		elems[n++] = CStringGetTextDatum(assess_gap_names[ASSESS_GAP_NO_ACTIVITY]);
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	dims[0] = n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, NULL, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}
