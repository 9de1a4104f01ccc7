/*
 * priority_sql.c
 *		SQL interface of the priority score:
 *		dormancy.score_priority(inputs dormancy.priority_inputs,
 *								weights dormancy.score_weights)
 *			returns dormancy.priority_result (score, breakdown).
 *
 * The computation is in core/priority.c.  This file reads the two composite
 * arguments by field name (the map from names to attribute numbers is built
 * once per query and cached in fn_extra), checks the weights, runs the core
 * once, and writes the breakdown as jsonb: one object per component with its
 * value, weight, share, contribution and the basis it was computed from.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "core/priority.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(score_priority);

/* A field of a composite argument, read by name. */
typedef struct FieldSpec
{
	const char *name;
	Oid			type;
} FieldSpec;

/* Fields of dormancy.priority_inputs (sql_src/55_priority.sql). */
enum
{
	IN_STATE,
	IN_DAYS_SINCE_LAST_ORDER,
	IN_AT_RISK_DAYS,
	IN_DORMANT_DAYS,
	IN_LONG_DORMANT_DAYS,
	IN_TOTAL_AMOUNT,
	IN_ORDER_DAYS,
	IN_MEDIAN_GAP_DAYS,
	IN_MEAN_GAP_DAYS,
	IN_GAP_STDDEV_DAYS,
	IN_SEGMENT,
	IN_DECLINE_SIGNALS,
	IN_DECLINING,
	IN_EVENTS_BOUND,
	IN_EVENTS_IN_WINDOW,
	IN_PRICING_VIEWS,
	IN_DAYS_SINCE_LAST_EVENT,
	IN_ENGAGEMENT_WINDOW_DAYS,
	IN_DEALS_BOUND,
	IN_LAST_DEAL_OUTCOME,
	IN_LAST_DEAL_REASON,
	IN_DAYS_SINCE_LAST_DEAL,
	IN_OPEN_DEALS,
	IN_CONTRACTS_BOUND,
	IN_HAS_CONTRACT,
	IN_CONTRACT_LAPSED,
	IN_DAYS_SINCE_CONTRACT_END,
	IN_AUTO_RENEW_OFF,
	IN_DOWNGRADED,
	IN_RENEWAL_DUE_IN_DAYS,
	IN_RENEWAL_HORIZON_DAYS,
	IN_P_ALIVE,
	IN_EXPECTED_VALUE,
	IN_NFIELDS
};

static const FieldSpec input_fields[IN_NFIELDS] = {
	{"state", TEXTOID},
	{"days_since_last_order", INT4OID},
	{"at_risk_days", INT4OID},
	{"dormant_days", INT4OID},
	{"long_dormant_days", INT4OID},
	{"total_amount", FLOAT8OID},
	{"order_days", INT4OID},
	{"median_gap_days", FLOAT8OID},
	{"mean_gap_days", FLOAT8OID},
	{"gap_stddev_days", FLOAT8OID},
	{"segment", TEXTOID},
	{"decline_signals", INT4OID},
	{"declining", BOOLOID},
	{"events_bound", BOOLOID},
	{"events_in_window", INT4OID},
	{"pricing_views", INT4OID},
	{"days_since_last_event", INT4OID},
	{"engagement_window_days", INT4OID},
	{"deals_bound", BOOLOID},
	{"last_deal_outcome", TEXTOID},
	{"last_deal_reason", TEXTOID},
	{"days_since_last_deal", INT4OID},
	{"open_deals", INT4OID},
	{"contracts_bound", BOOLOID},
	{"has_contract", BOOLOID},
	{"contract_lapsed", BOOLOID},
	{"days_since_contract_end", INT4OID},
	{"auto_renew_off", BOOLOID},
	{"downgraded", BOOLOID},
	{"renewal_due_in_days", INT4OID},
	{"renewal_horizon_days", INT4OID},
	{"p_alive", FLOAT8OID},
	{"expected_value", FLOAT8OID},
};

/* Fields of dormancy.score_weights (after the component weights). */
enum
{
	W_VALUE_CAP = PRIORITY_NCOMPONENTS,
	W_REGULAR_DAYS_CAP,
	W_REPLACEMENT_CYCLE_DAYS,
	W_DECLINE_SIGNALS_CAP,
	W_ENGAGEMENT_CAP,
	W_NO_ENGAGEMENT,
	W_DEAL_WON,
	W_DEAL_OPEN,
	W_DEAL_POSTPONED,
	W_DEAL_LOST_BUDGET_TIMING,
	W_DEAL_LOST_PRICE,
	W_DEAL_LOST_COMPETITOR,
	W_DEAL_LOST_OTHER,
	W_DEAL_HORIZON_DAYS,
	W_CAMPAIGN_ONLY_FACTOR,
	W_NFIELDS
};

static const FieldSpec weight_fields[W_NFIELDS] = {
	/* component weights, in the order of PriorityComponent */
	{"past_value", FLOAT8OID},
	{"regularity", FLOAT8OID},
	{"recency", FLOAT8OID},
	{"decline", FLOAT8OID},
	{"engagement", FLOAT8OID},
	{"deal", FLOAT8OID},
	{"contract", FLOAT8OID},
	{"p_alive", FLOAT8OID},
	{"expected_value", FLOAT8OID},
	{"value_cap", FLOAT8OID},
	{"regular_days_cap", INT4OID},
	{"replacement_cycle_days", INT4OID},
	{"decline_signals_cap", INT4OID},
	{"engagement_cap", FLOAT8OID},
	{"no_engagement", FLOAT8OID},
	{"deal_won", FLOAT8OID},
	{"deal_open", FLOAT8OID},
	{"deal_postponed", FLOAT8OID},
	{"deal_lost_budget_timing", FLOAT8OID},
	{"deal_lost_price", FLOAT8OID},
	{"deal_lost_competitor", FLOAT8OID},
	{"deal_lost_other", FLOAT8OID},
	{"deal_horizon_days", INT4OID},
	{"campaign_only_factor", FLOAT8OID},
};

#define MAX_FIELDS IN_NFIELDS

/* Most attributes a composite argument may have (dropped columns included). */
#define ROW_MAX_ATTS 64

/* Where each wanted field is in one composite type. */
typedef struct RowMap
{
	Oid			typid;
	int32		typmod;
	TupleDesc	tupdesc;		/* copy in fn_mcxt */
	int			attno[MAX_FIELDS];	/* 0-based attribute index per field */
} RowMap;

typedef struct ScoreCache
{
	RowMap		inputs;
	RowMap		weights;
} ScoreCache;

StaticAssertDecl((int) W_NFIELDS <= (int) IN_NFIELDS, "MAX_FIELDS too small");

/* Build (or reuse) the map of a composite argument's fields. */
static void
map_row(HeapTupleHeader th, RowMap *map, const FieldSpec *fields, int nfields,
		MemoryContext mcxt)
{
	Oid			typid = HeapTupleHeaderGetTypeId(th);
	int32		typmod = HeapTupleHeaderGetTypMod(th);
	TupleDesc	td;
	MemoryContext old;

	if (map->tupdesc != NULL && map->typid == typid && map->typmod == typmod)
		return;
	td = lookup_rowtype_tupdesc(typid, typmod);
	for (int f = 0; f < nfields; f++)
	{
		int			found = -1;

		for (int a = 0; a < td->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(td, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), fields[f].name) == 0)
			{
				found = a;
				if (att->atttypid != fields[f].type)
				{
					ReleaseTupleDesc(td);
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("field \"%s\" of %s has type %s, expected %s",
									fields[f].name, format_type_be(typid),
									format_type_be(att->atttypid), format_type_be(fields[f].type))));
				}
				break;
			}
		}
		if (found < 0)
		{
			ReleaseTupleDesc(td);
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s has no field \"%s\"", format_type_be(typid), fields[f].name)));
		}
		map->attno[f] = found;
	}
	old = MemoryContextSwitchTo(mcxt);
	if (map->tupdesc != NULL)
		FreeTupleDesc(map->tupdesc);
	map->tupdesc = CreateTupleDescCopy(td);
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(td);
	map->typid = typid;
	map->typmod = typmod;
}

/* Deform a composite argument into values/nulls by attribute index. */
static void
deform_row(HeapTupleHeader th, const RowMap *map, Datum *values, bool *nulls)
{
	HeapTupleData tuple;

	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	heap_deform_tuple(&tuple, map->tupdesc, values, nulls);
}

/* Field f of a deformed row, with its null flag. */
#define FIELD_NULL(map, nulls, f) ((nulls)[(map)->attno[f]])
#define FIELD(map, values, f) ((values)[(map)->attno[f]])

static PriorityValue
opt_int(const RowMap *m, Datum *v, bool *n, int f)
{
	PriorityValue p = {false, 0};

	if (!FIELD_NULL(m, n, f))
	{
		p.valid = true;
		p.value = DatumGetInt32(FIELD(m, v, f));
	}
	return p;
}

static PriorityValue
opt_float(const RowMap *m, Datum *v, bool *n, int f)
{
	PriorityValue p = {false, 0};

	if (!FIELD_NULL(m, n, f))
	{
		p.value = DatumGetFloat8(FIELD(m, v, f));
		p.valid = !isnan(p.value);
	}
	return p;
}

static int32
int_or(const RowMap *m, Datum *v, bool *n, int f, int32 dflt)
{
	return FIELD_NULL(m, n, f) ? dflt : DatumGetInt32(FIELD(m, v, f));
}

static bool
bool_or_false(const RowMap *m, Datum *v, bool *n, int f)
{
	return !FIELD_NULL(m, n, f) && DatumGetBool(FIELD(m, v, f));
}

/* A text field as a C string, NULL for SQL NULL. */
static char *
text_or_null(const RowMap *m, Datum *v, bool *n, int f)
{
	return FIELD_NULL(m, n, f) ? NULL : TextDatumGetCString(FIELD(m, v, f));
}

static PriorityState
parse_state(const char *s)
{
	if (s == NULL)
		return PRIORITY_STATE_UNKNOWN;
	if (strcmp(s, "active") == 0)
		return PRIORITY_STATE_ACTIVE;
	if (strcmp(s, "at_risk") == 0)
		return PRIORITY_STATE_AT_RISK;
	if (strcmp(s, "dormant") == 0)
		return PRIORITY_STATE_DORMANT;
	if (strcmp(s, "long_dormant") == 0)
		return PRIORITY_STATE_LONG_DORMANT;
	if (strcmp(s, "never_purchased") == 0)
		return PRIORITY_STATE_NEVER_PURCHASED;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid state \"%s\"", s),
			 errhint("The state is active, at_risk, dormant, long_dormant, never_purchased or NULL.")));
	return PRIORITY_STATE_UNKNOWN;	/* keep compiler quiet */
}

static DealOutcome
parse_outcome(const char *s)
{
	if (s == NULL)
		return DEAL_OUTCOME_NONE;
	if (strcmp(s, "won") == 0)
		return DEAL_OUTCOME_WON;
	if (strcmp(s, "lost") == 0)
		return DEAL_OUTCOME_LOST;
	if (strcmp(s, "postponed") == 0)
		return DEAL_OUTCOME_POSTPONED;
	if (strcmp(s, "open") == 0)
		return DEAL_OUTCOME_OPEN;
	/* an outcome not mapped by dormancy.deal_outcomes: neutral */
	return DEAL_OUTCOME_UNKNOWN;
}

static DealReason
parse_reason(const char *s)
{
	if (s == NULL)
		return DEAL_REASON_NONE;
	if (strcmp(s, "price") == 0)
		return DEAL_REASON_PRICE;
	if (strcmp(s, "features") == 0)
		return DEAL_REASON_FEATURES;
	if (strcmp(s, "competitor") == 0)
		return DEAL_REASON_COMPETITOR;
	if (strcmp(s, "timing") == 0)
		return DEAL_REASON_TIMING;
	if (strcmp(s, "budget") == 0)
		return DEAL_REASON_BUDGET;
	if (strcmp(s, "circumstances") == 0)
		return DEAL_REASON_CIRCUMSTANCES;
	return DEAL_REASON_OTHER;
}

/* Append a number rounded to a few decimals, without trailing zeros. */
static void
append_number(StringInfo buf, double x, int decimals)
{
	char		num[64];
	int			len;

	if (!isfinite(x))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	len = snprintf(num, sizeof(num), "%.*f", decimals, x);
	if (strchr(num, '.') != NULL)
	{
		while (len > 0 && num[len - 1] == '0')
			num[--len] = '\0';
		if (len > 0 && num[len - 1] == '.')
			num[--len] = '\0';
	}
	if (strcmp(num, "-0") == 0)
		strcpy(num, "0");
	appendStringInfoString(buf, num);
}

/* A number as text for a basis sentence. */
static char *
number_text(double x, int decimals)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_number(&buf, x, decimals);
	return buf.data;
}

/* Push an object key. */
static void
push_key(JsonbParseState **state, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(key);
	v.val.string.val = (char *) key;
	pushJsonbValue(state, WJB_KEY, &v);
}

/*
 * Push a number rounded to a few decimals, without trailing zeros (built as
 * a scaled integer: no text formatting and parsing); NULL when not finite.
 */
static void
push_number(JsonbParseState **state, double x, int decimals)
{
	JsonbValue	v;
	double		scaled = x;

	for (int i = 0; i < decimals; i++)
		scaled *= 10;
	if (!isfinite(scaled) || fabs(scaled) >= 9e18)
		v.type = jbvNull;
	else
	{
		int64		n = (int64) llround(scaled);

		while (decimals > 0 && n % 10 == 0)
		{
			n /= 10;
			decimals--;
		}
		v.type = jbvNumeric;
		v.val.numeric = int64_div_fast_to_numeric(n, decimals);
	}
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* Push a string value. */
static void
push_string(JsonbParseState **state, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(s);
	v.val.string.val = (char *) s;
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* Push a JSON null. */
static void
push_null(JsonbParseState **state)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* The basis of each component: what it was computed from, in words. */
static char *
component_basis(PriorityComponent c, const PriorityInputs *in, const char *state,
				const char *outcome, const char *reason)
{
	StringInfoData b;

	initStringInfo(&b);
	switch (c)
	{
		case PRIORITY_PAST_VALUE:
			appendStringInfo(&b, "total_amount %s", number_text(in->total_amount, 2));
			break;
		case PRIORITY_REGULARITY:
			if (in->order_days <= 0)
				appendStringInfoString(&b, "no purchase");
			else if (in->order_days == 1)
				appendStringInfoString(&b, "one purchase day");
			else
				appendStringInfo(&b, INT64_FORMAT " purchase days, median gap %s days", in->order_days,
								 in->median_gap_days.valid ? number_text(in->median_gap_days.value, 1) : "unknown");
			if (in->campaign_only)
				appendStringInfoString(&b, ", campaign only");
			break;
		case PRIORITY_RECENCY:
			appendStringInfoString(&b, state ? state : "no rule");
			if (priority_recency_from_deal(in))
				appendStringInfo(&b, ", last deal %s days ago",
								 number_text(in->days_since_last_deal.value, 0));
			else if (in->days_since_last_order.valid)
				appendStringInfo(&b, ", silent for %s days",
								 number_text(in->days_since_last_order.value, 0));
			break;
		case PRIORITY_DECLINE:
			appendStringInfo(&b, INT64_FORMAT " decline signal%s", in->decline_signals,
							 in->decline_signals == 1 ? "" : "s");
			break;
		case PRIORITY_ENGAGEMENT:
			if (!in->events_bound)
				appendStringInfoString(&b, "events not bound");
			else if (in->events_in_window <= 0)
				appendStringInfo(&b, "no event in the last " INT64_FORMAT " days", in->engagement_window_days);
			else
			{
				appendStringInfo(&b, INT64_FORMAT " event%s (" INT64_FORMAT " pricing view%s) in the last " INT64_FORMAT " days",
								 in->events_in_window, in->events_in_window == 1 ? "" : "s",
								 in->pricing_views, in->pricing_views == 1 ? "" : "s",
								 in->engagement_window_days);
				if (in->days_since_last_event.valid)
					appendStringInfo(&b, ", the last %s days ago",
									 number_text(in->days_since_last_event.value, 0));
			}
			break;
		case PRIORITY_DEAL:
			if (!in->deals_bound)
				appendStringInfoString(&b, "deals not bound");
			else if (in->last_deal_outcome == DEAL_OUTCOME_NONE)
				appendStringInfoString(&b, "no closed deal");
			else
			{
				appendStringInfo(&b, "last deal %s", outcome ? outcome : "unknown");
				if (reason)
					appendStringInfo(&b, " (%s)", reason);
				if (in->days_since_last_deal.valid)
					appendStringInfo(&b, ", %s days ago", number_text(in->days_since_last_deal.value, 0));
			}
			if (in->deals_bound && in->open_deals > 0)
				appendStringInfo(&b, ", " INT64_FORMAT " open", in->open_deals);
			break;
		case PRIORITY_CONTRACT:
			if (!in->contracts_bound)
				appendStringInfoString(&b, "contracts not bound");
			else if (!in->has_contract)
				appendStringInfoString(&b, "no contract");
			else
			{
				bool		any = false;

				if (in->contract_lapsed)
				{
					appendStringInfoString(&b, "lapsed");
					if (in->days_since_contract_end.valid)
						appendStringInfo(&b, " %s days ago", number_text(in->days_since_contract_end.value, 0));
					any = true;
				}
				if (in->auto_renew_off)
				{
					appendStringInfo(&b, "%sauto-renew off", any ? ", " : "");
					any = true;
				}
				if (in->downgraded)
				{
					appendStringInfo(&b, "%sdowngraded", any ? ", " : "");
					any = true;
				}
				if (in->renewal_due_in_days.valid)
				{
					appendStringInfo(&b, "%srenewal in %s days", any ? ", " : "",
									 number_text(in->renewal_due_in_days.value, 0));
					any = true;
				}
				if (!any)
					appendStringInfoString(&b, "running");
			}
			break;
		case PRIORITY_P_ALIVE:
			if (in->p_alive.valid)
				appendStringInfo(&b, "p_alive %s", number_text(in->p_alive.value, 4));
			else
				appendStringInfoString(&b, "no model fitted");
			break;
		case PRIORITY_EXPECTED_VALUE:
			if (in->expected_value.valid)
				appendStringInfo(&b, "expected_value %s", number_text(in->expected_value.value, 2));
			else
				appendStringInfoString(&b, "no model fitted");
			break;
		case PRIORITY_NCOMPONENTS:
			break;
	}
	return b.data;
}

/*
 * score_priority(inputs dormancy.priority_inputs, weights dormancy.score_weights)
 *		returns dormancy.priority_result
 */
Datum
score_priority(PG_FUNCTION_ARGS)
{
	HeapTupleHeader in_row = PG_GETARG_HEAPTUPLEHEADER(0);
	HeapTupleHeader w_row = PG_GETARG_HEAPTUPLEHEADER(1);
	ScoreCache *cache = (ScoreCache *) fcinfo->flinfo->fn_extra;
	Datum		iv[ROW_MAX_ATTS];
	bool		inull[ROW_MAX_ATTS];
	Datum		wv[ROW_MAX_ATTS];
	bool		wnull[ROW_MAX_ATTS];
	PriorityInputs in;
	PriorityWeights w;
	PriorityResult r;
	const char *bad;
	char	   *state;
	char	   *outcome;
	char	   *reason;
	char	   *segment;
	TupleDesc	result_desc;
	Datum		result[2];
	bool		result_null[2] = {false, false};
	JsonbParseState *jstate = NULL;
	JsonbValue *breakdown;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ScoreCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	map_row(in_row, &cache->inputs, input_fields, IN_NFIELDS, fcinfo->flinfo->fn_mcxt);
	map_row(w_row, &cache->weights, weight_fields, W_NFIELDS, fcinfo->flinfo->fn_mcxt);
	if (cache->inputs.tupdesc->natts > ROW_MAX_ATTS ||
		cache->weights.tupdesc->natts > ROW_MAX_ATTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many fields in the arguments of score_priority")));
	deform_row(in_row, &cache->inputs, iv, inull);
	deform_row(w_row, &cache->weights, wv, wnull);

	/* the weights: every field is required */
	for (int f = 0; f < W_NFIELDS; f++)
		if (FIELD_NULL(&cache->weights, wnull, f))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("score weight \"%s\" must not be NULL", weight_fields[f].name)));
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		w.weight[i] = DatumGetFloat8(FIELD(&cache->weights, wv, i));
	w.value_cap = DatumGetFloat8(FIELD(&cache->weights, wv, W_VALUE_CAP));
	w.regular_days_cap = DatumGetInt32(FIELD(&cache->weights, wv, W_REGULAR_DAYS_CAP));
	w.replacement_cycle_days = DatumGetInt32(FIELD(&cache->weights, wv, W_REPLACEMENT_CYCLE_DAYS));
	w.decline_signals_cap = DatumGetInt32(FIELD(&cache->weights, wv, W_DECLINE_SIGNALS_CAP));
	w.engagement_cap = DatumGetFloat8(FIELD(&cache->weights, wv, W_ENGAGEMENT_CAP));
	w.no_engagement = DatumGetFloat8(FIELD(&cache->weights, wv, W_NO_ENGAGEMENT));
	w.deal_won = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_WON));
	w.deal_open = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_OPEN));
	w.deal_postponed = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_POSTPONED));
	w.deal_lost_budget_timing = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_LOST_BUDGET_TIMING));
	w.deal_lost_price = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_LOST_PRICE));
	w.deal_lost_competitor = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_LOST_COMPETITOR));
	w.deal_lost_other = DatumGetFloat8(FIELD(&cache->weights, wv, W_DEAL_LOST_OTHER));
	w.deal_horizon_days = DatumGetInt32(FIELD(&cache->weights, wv, W_DEAL_HORIZON_DAYS));
	w.campaign_only_factor = DatumGetFloat8(FIELD(&cache->weights, wv, W_CAMPAIGN_ONLY_FACTOR));
	bad = priority_check_weights(&w);
	if (bad != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score weight \"%s\" is out of range", bad),
				 errhint("See the CHECK constraints of dormancy.score_weights for the valid ranges.")));

	/* the inputs */
	memset(&in, 0, sizeof(in));
	state = text_or_null(&cache->inputs, iv, inull, IN_STATE);
	in.state = parse_state(state);
	in.days_since_last_order = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_ORDER);
	in.at_risk_days = opt_int(&cache->inputs, iv, inull, IN_AT_RISK_DAYS);
	in.dormant_days = opt_int(&cache->inputs, iv, inull, IN_DORMANT_DAYS);
	in.long_dormant_days = opt_int(&cache->inputs, iv, inull, IN_LONG_DORMANT_DAYS);
	in.total_amount = FIELD_NULL(&cache->inputs, inull, IN_TOTAL_AMOUNT) ? 0 :
		DatumGetFloat8(FIELD(&cache->inputs, iv, IN_TOTAL_AMOUNT));
	in.order_days = int_or(&cache->inputs, iv, inull, IN_ORDER_DAYS, 0);
	in.median_gap_days = opt_float(&cache->inputs, iv, inull, IN_MEDIAN_GAP_DAYS);
	in.mean_gap_days = opt_float(&cache->inputs, iv, inull, IN_MEAN_GAP_DAYS);
	in.gap_stddev_days = opt_float(&cache->inputs, iv, inull, IN_GAP_STDDEV_DAYS);
	segment = text_or_null(&cache->inputs, iv, inull, IN_SEGMENT);
	in.campaign_only = segment != NULL && strcmp(segment, "campaign_only") == 0;
	in.decline_signals = int_or(&cache->inputs, iv, inull, IN_DECLINE_SIGNALS, 0);
	in.declining = bool_or_false(&cache->inputs, iv, inull, IN_DECLINING);
	in.events_bound = bool_or_false(&cache->inputs, iv, inull, IN_EVENTS_BOUND);
	in.events_in_window = int_or(&cache->inputs, iv, inull, IN_EVENTS_IN_WINDOW, 0);
	in.pricing_views = int_or(&cache->inputs, iv, inull, IN_PRICING_VIEWS, 0);
	in.days_since_last_event = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_EVENT);
	in.engagement_window_days = int_or(&cache->inputs, iv, inull, IN_ENGAGEMENT_WINDOW_DAYS, 90);
	in.deals_bound = bool_or_false(&cache->inputs, iv, inull, IN_DEALS_BOUND);
	outcome = text_or_null(&cache->inputs, iv, inull, IN_LAST_DEAL_OUTCOME);
	reason = text_or_null(&cache->inputs, iv, inull, IN_LAST_DEAL_REASON);
	in.last_deal_outcome = parse_outcome(outcome);
	in.last_deal_reason = parse_reason(reason);
	in.days_since_last_deal = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_DEAL);
	in.open_deals = int_or(&cache->inputs, iv, inull, IN_OPEN_DEALS, 0);
	in.contracts_bound = bool_or_false(&cache->inputs, iv, inull, IN_CONTRACTS_BOUND);
	in.has_contract = bool_or_false(&cache->inputs, iv, inull, IN_HAS_CONTRACT);
	in.contract_lapsed = bool_or_false(&cache->inputs, iv, inull, IN_CONTRACT_LAPSED);
	in.days_since_contract_end = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_CONTRACT_END);
	in.auto_renew_off = bool_or_false(&cache->inputs, iv, inull, IN_AUTO_RENEW_OFF);
	in.downgraded = bool_or_false(&cache->inputs, iv, inull, IN_DOWNGRADED);
	in.renewal_due_in_days = opt_int(&cache->inputs, iv, inull, IN_RENEWAL_DUE_IN_DAYS);
	in.renewal_horizon_days = int_or(&cache->inputs, iv, inull, IN_RENEWAL_HORIZON_DAYS, 90);
	in.p_alive = opt_float(&cache->inputs, iv, inull, IN_P_ALIVE);
	in.expected_value = opt_float(&cache->inputs, iv, inull, IN_EXPECTED_VALUE);

	priority_compute(&in, &w, &r);

	/* the breakdown: {component: {value, weight, share, contribution, basis}} */
	pushJsonbValue(&jstate, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		const PriorityPart *p = &r.part[i];

		push_key(&jstate, priority_component_names[i]);
		pushJsonbValue(&jstate, WJB_BEGIN_OBJECT, NULL);
		push_key(&jstate, "value");
		if (p->applicable)
			push_number(&jstate, p->value, 4);
		else
			push_null(&jstate);
		push_key(&jstate, "weight");
		push_number(&jstate, w.weight[i], 4);
		push_key(&jstate, "share");
		push_number(&jstate, p->share, 2);
		push_key(&jstate, "contribution");
		push_number(&jstate, p->contribution, 2);
		push_key(&jstate, "basis");
		push_string(&jstate, component_basis((PriorityComponent) i, &in, state, outcome, reason));
		pushJsonbValue(&jstate, WJB_END_OBJECT, NULL);
	}
	breakdown = pushJsonbValue(&jstate, WJB_END_OBJECT, NULL);

	if (get_call_result_type(fcinfo, NULL, &result_desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "score_priority must return a composite type");
	result_desc = BlessTupleDesc(result_desc);
	result[0] = Float8GetDatum(r.score);
	result[1] = JsonbPGetDatum(JsonbValueToJsonb(breakdown));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(result_desc, result, result_null)));
}
