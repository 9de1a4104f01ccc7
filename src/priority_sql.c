/*
 * priority_sql.c
 *		SQL interface of the priority score:
 *		dormancy.score_priority(inputs dormancy.priority_inputs,
 *								weights dormancy.score_weights)
 *			returns dormancy.priority_result (score, breakdown).
 *		dormancy.score_priority(inputs, weights, outreach_declined_reason text,
 *								days_since_outreach_decline integer)
 *			the same with a decline heard on a call after the last order,
 *			which the deal component reads when it is later than the last
 *			deal (customer_status passes the one of _assess).
 *
 *		dormancy._priority_score(inputs, weights) returns double precision
 *		dormancy._priority_breakdown(inputs, weights) returns jsonb
 *			its two halves, which customer_status calls.
 *		dormancy._priority_breakdown(inputs, weights, value_percentiles float8[],
 *									 outreach_declined_reason text,
 *									 days_since_outreach_decline integer)
 *			the breakdown with the percentiles of total_amount and expected_value
 *			among the customers (value_distribution), which past_value and
 *			expected_value then use instead of the log scale up to value_cap,
 *			and the latest conversation when it was a decline with a reason
 *			after the last order (customer_status: _assess gives them), which
 *			the deal component reads (core/priority.c).
 *
 * The computation is in core/priority.c.  This file reads the two composite
 * arguments by field name (the map from names to attribute numbers is built
 * once per query and cached in fn_extra), checks the weights (once per query:
 * they are kept while the same row comes again), runs the core once, and
 * writes the breakdown as jsonb: one object per component with its value,
 * weight, share, contribution and the basis it was computed from.  The
 * breakdown is a JsonbValue tree laid out in jsonb's key order and converted
 * in one pass; weights and shares are made into numerics once.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "core/priority.h"
#include "priority_sql.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(score_priority);
PG_FUNCTION_INFO_V1(priority_score_only);
PG_FUNCTION_INFO_V1(priority_breakdown);

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

/*
 * The weights of the last call, read, checked and turned into breakdown
 * numbers once, and kept while the argument is the same datum byte for byte
 * (a query passes the same row for every customer).
 */
typedef struct WeightsCache
{
	MemoryContext cxt;			/* bytes, numbers, shares; reset on a change */
	char	   *bytes;			/* the composite datum as last seen */
	uint32		len;			/* its length; 0 while nothing is cached */
	PriorityWeights w;
	JsonbValue	weight[PRIORITY_NCOMPONENTS];	/* "weight" of each component */
	/*
	 * "share" of each component, per set of applicable components (bit i),
	 * and whether the deal's is outside W (bit PRIORITY_NCOMPONENTS: an
	 * outreach decline while deals are not bound)
	 */
	JsonbValue *share[1 << (PRIORITY_NCOMPONENTS + 1)];
} WeightsCache;

typedef struct ScoreCache
{
	RowMap		inputs;
	RowMap		weights;
	WeightsCache wcache;
	TupleDesc	result_desc;	/* dormancy.priority_result, blessed, in fn_mcxt */
	Numeric		zero;			/* the breakdown's 0, in fn_mcxt */
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

/* Append a number rounded to a few decimals, as priority_format_number writes it. */
static void
append_number(StringInfo buf, double x, int decimals)
{
	char		num[PRIORITY_NUMBER_BUFSIZE];
	int			len = priority_format_number(num, x, decimals);

	appendBinaryStringInfo(buf, num, len);
}

/* Append an integer. */
static void
append_int(StringInfo buf, int64 x)
{
	char		num[MAXINT8LEN + 1];
	int			len = pg_lltoa(x, num);

	appendBinaryStringInfo(buf, num, len);
}

/* Append "s" unless n is 1 (plural of a count). */
static void
append_plural(StringInfo buf, int64 n)
{
	if (n != 1)
		appendStringInfoChar(buf, 's');
}

/*
 * A breakdown number: x rounded to a few decimals without trailing zeros
 * (built as a scaled integer: no text formatting and parsing); null when not
 * finite.
 */
static void
number_value(JsonbValue *v, double x, int decimals, Numeric zero)
{
	double		scaled = x;

	for (int i = 0; i < decimals; i++)
		scaled *= 10;
	if (!isfinite(scaled) || fabs(scaled) >= 9e18)
		v->type = jbvNull;
	else
	{
		int64		n = (int64) llround(scaled);

		v->type = jbvNumeric;
		if (n == 0)
		{
			v->val.numeric = zero;
			return;
		}
		while (decimals > 0 && n % 10 == 0)
		{
			n /= 10;
			decimals--;
		}
		v->val.numeric = int64_div_fast_to_numeric(n, decimals);
	}
}

/* A string value (or key) pointing at s. */
static void
string_value(JsonbValue *v, const char *s, int len)
{
	v->type = jbvString;
	v->val.string.len = len;
	v->val.string.val = (char *) s;
}

/*
 * Append the basis of a component to b: what it was computed from, in
 * words.
 */
static void
append_basis(StringInfo b, PriorityComponent c, const PriorityInputs *in, const char *state,
			 const char *outcome, const char *reason, const char *declined_reason)
{
	switch (c)
	{
		case PRIORITY_PAST_VALUE:
			appendStringInfoString(b, "total_amount ");
			append_number(b, in->total_amount, 2);
			if (in->value_percentile.valid)
			{
				appendStringInfoString(b, ", percentile ");
				append_number(b, in->value_percentile.value, 1);
				appendStringInfoString(b, " of your customers");
			}
			break;
		case PRIORITY_REGULARITY:
			if (in->order_days <= 0)
				appendStringInfoString(b, "no purchase");
			else if (in->order_days == 1)
				appendStringInfoString(b, "one purchase day");
			else
			{
				append_int(b, in->order_days);
				appendStringInfoString(b, " purchase days, median gap ");
				if (in->median_gap_days.valid)
					append_number(b, in->median_gap_days.value, 1);
				else
					appendStringInfoString(b, "unknown");
				appendStringInfoString(b, " days");
			}
			if (in->campaign_only)
				appendStringInfoString(b, ", campaign only");
			break;
		case PRIORITY_RECENCY:
			appendStringInfoString(b, state ? state : "no rule");
			if (priority_recency_from_deal(in))
			{
				appendStringInfoString(b, ", last deal ");
				append_number(b, in->days_since_last_deal.value, 0);
				appendStringInfoString(b, " days ago");
			}
			else if (in->days_since_last_order.valid)
			{
				appendStringInfoString(b, ", silent for ");
				append_number(b, in->days_since_last_order.value, 0);
				appendStringInfoString(b, " days");
			}
			break;
		case PRIORITY_DECLINE:
			append_int(b, in->decline_signals);
			appendStringInfoString(b, " decline signal");
			append_plural(b, in->decline_signals);
			break;
		case PRIORITY_ENGAGEMENT:
			if (!in->events_bound)
				appendStringInfoString(b, "events not bound");
			else if (in->events_in_window <= 0)
			{
				appendStringInfoString(b, "no event in the last ");
				append_int(b, in->engagement_window_days);
				appendStringInfoString(b, " days");
			}
			else
			{
				append_int(b, in->events_in_window);
				appendStringInfoString(b, " event");
				append_plural(b, in->events_in_window);
				appendStringInfoString(b, " (");
				append_int(b, in->pricing_views);
				appendStringInfoString(b, " pricing view");
				append_plural(b, in->pricing_views);
				appendStringInfoString(b, ") in the last ");
				append_int(b, in->engagement_window_days);
				appendStringInfoString(b, " days");
				if (in->days_since_last_event.valid)
				{
					appendStringInfoString(b, ", the last ");
					append_number(b, in->days_since_last_event.value, 0);
					appendStringInfoString(b, " days ago");
				}
			}
			break;
		case PRIORITY_DEAL:
			if (priority_deal_from_outreach(in))
			{
				/* a decline heard on a call, later than the last deal */
				appendStringInfoString(b, "outreach declined (");
				appendStringInfoString(b, declined_reason ? declined_reason : "other");
				appendStringInfoString(b, "), ");
				append_number(b, in->days_since_outreach_decline.value, 0);
				appendStringInfoString(b, " days ago");
			}
			else if (!in->deals_bound)
				appendStringInfoString(b, "deals not bound");
			else if (in->last_deal_outcome == DEAL_OUTCOME_NONE)
				appendStringInfoString(b, "no closed deal");
			else
			{
				appendStringInfoString(b, "last deal ");
				appendStringInfoString(b, outcome ? outcome : "unknown");
				if (reason)
				{
					appendStringInfoString(b, " (");
					appendStringInfoString(b, reason);
					appendStringInfoChar(b, ')');
				}
				if (in->days_since_last_deal.valid)
				{
					appendStringInfoString(b, ", ");
					append_number(b, in->days_since_last_deal.value, 0);
					appendStringInfoString(b, " days ago");
				}
			}
			if (in->deals_bound && in->open_deals > 0)
			{
				appendStringInfoString(b, ", ");
				append_int(b, in->open_deals);
				appendStringInfoString(b, " open");
			}
			break;
		case PRIORITY_CONTRACT:
			if (!in->contracts_bound)
				appendStringInfoString(b, "contracts not bound");
			else if (!in->has_contract)
				appendStringInfoString(b, "no contract");
			else
			{
				bool		any = false;

				if (in->contract_lapsed)
				{
					appendStringInfoString(b, "lapsed");
					if (in->days_since_contract_end.valid)
					{
						appendStringInfoChar(b, ' ');
						append_number(b, in->days_since_contract_end.value, 0);
						appendStringInfoString(b, " days ago");
					}
					any = true;
				}
				if (in->auto_renew_off)
				{
					appendStringInfoString(b, any ? ", auto-renew off" : "auto-renew off");
					any = true;
				}
				if (in->downgraded)
				{
					appendStringInfoString(b, any ? ", downgraded" : "downgraded");
					any = true;
				}
				if (in->renewal_due_in_days.valid)
				{
					appendStringInfoString(b, any ? ", renewal in " : "renewal in ");
					append_number(b, in->renewal_due_in_days.value, 0);
					appendStringInfoString(b, " days");
					any = true;
				}
				if (!any)
					appendStringInfoString(b, "running");
			}
			break;
		case PRIORITY_P_ALIVE:
			if (in->p_alive.valid)
			{
				appendStringInfoString(b, "p_alive ");
				append_number(b, in->p_alive.value, 4);
			}
			else
				appendStringInfoString(b, "no model fitted");
			break;
		case PRIORITY_EXPECTED_VALUE:
			if (in->expected_value.valid)
			{
				appendStringInfoString(b, "expected_value ");
				append_number(b, in->expected_value.value, 2);
				if (in->expected_value_percentile.valid)
				{
					appendStringInfoString(b, ", percentile ");
					append_number(b, in->expected_value_percentile.value, 1);
					appendStringInfoString(b, " of your customers");
				}
			}
			else if (in->p_alive.valid)
			{
				/* a purchase model applies: no converged spend model, or no amount */
				appendStringInfoString(b, "no spend estimate");
			}
			else
				appendStringInfoString(b, "no model fitted");
			break;
		case PRIORITY_NCOMPONENTS:
			break;
	}
}

/*
 * Read and check the weights argument, unless it is the datum of the last
 * call again; fill the cache's weights and their breakdown numbers.
 */
static void
read_weights(ScoreCache *cache, HeapTupleHeader w_row, MemoryContext fn_mcxt)
{
	WeightsCache *wc = &cache->wcache;
	uint32		len = HeapTupleHeaderGetDatumLength(w_row);
	Datum		wv[ROW_MAX_ATTS];
	bool		wnull[ROW_MAX_ATTS];
	PriorityWeights w;
	const char *bad;

	if (wc->len == len && memcmp(wc->bytes, w_row, len) == 0)
		return;

	map_row(w_row, &cache->weights, weight_fields, W_NFIELDS, fn_mcxt);
	if (cache->weights.tupdesc->natts > ROW_MAX_ATTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many fields in the arguments of score_priority")));
	deform_row(w_row, &cache->weights, wv, wnull);

	/* every field is required */
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

	/* valid: keep them, with their breakdown numbers */
	if (wc->cxt == NULL)
		wc->cxt = AllocSetContextCreate(fn_mcxt, "score_priority weights", ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(wc->cxt);
	wc->len = 0;
	memset(wc->share, 0, sizeof(wc->share));
	wc->w = w;
	{
		MemoryContext old = MemoryContextSwitchTo(wc->cxt);

		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
			number_value(&wc->weight[i], w.weight[i], 4, cache->zero);
		wc->bytes = palloc(len);
		MemoryContextSwitchTo(old);
	}
	memcpy(wc->bytes, w_row, len);
	wc->len = len;
}

/*
 * The "share" numbers of the components for a set of applicable ones (bit i
 * for component i; bit PRIORITY_NCOMPONENTS when the deal's weight is
 * outside W): they follow from the weights alone, so they are made once per
 * set.
 */
static const JsonbValue *
share_values(ScoreCache *cache, const PriorityResult *r)
{
	WeightsCache *wc = &cache->wcache;
	int			mask = 0;

	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		if (r->part[i].applicable)
			mask |= 1 << i;
	if (r->part[PRIORITY_DEAL].outside_total)
		mask |= 1 << PRIORITY_NCOMPONENTS;
	if (wc->share[mask] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(wc->cxt);
		JsonbValue *v = palloc(sizeof(JsonbValue) * PRIORITY_NCOMPONENTS);

		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
			number_value(&v[i], r->part[i].share, 2, cache->zero);
		wc->share[mask] = v;
		MemoryContextSwitchTo(old);
	}
	return wc->share[mask];
}

/* Keys of a component's object, and the order jsonb keeps both levels in. */
enum
{
	KEY_VALUE,
	KEY_WEIGHT,
	KEY_SHARE,
	KEY_CONTRIBUTION,
	KEY_BASIS,
	NKEYS
};
static const char *const part_keys[NKEYS] = {"value", "weight", "share", "contribution", "basis"};
static int	part_key_order[NKEYS];
static int	component_order[PRIORITY_NCOMPONENTS];
static JsonbValue part_key_values[NKEYS];	/* the keys as jsonb strings */
static JsonbValue component_key_values[PRIORITY_NCOMPONENTS];
static bool key_orders_done = false;

/*
 * The breakdown: {component: {value, weight, share, contribution, basis}}.
 * The pairs are laid out in jsonb's own key order, so the object is written
 * straight to its binary form (JsonbValueToJsonb) without pushJsonbValue's
 * sorting; the bytes are those pushJsonbValue would make.
 */
static Jsonb *
make_breakdown(ScoreCache *cache, const PriorityInputs *in, const PriorityResult *r,
			   const char *state, const char *outcome, const char *reason,
			   const char *declined_reason)
{
	const JsonbValue *shares = share_values(cache, r);
	JsonbPair	top_pairs[PRIORITY_NCOMPONENTS];
	JsonbPair	part_pairs[PRIORITY_NCOMPONENTS][NKEYS];
	int			basis_start[PRIORITY_NCOMPONENTS + 1];
	StringInfoData basis;
	JsonbValue	top;

	if (!key_orders_done)
	{
		priority_json_key_order(priority_component_names, PRIORITY_NCOMPONENTS, component_order);
		priority_json_key_order(part_keys, NKEYS, part_key_order);
		for (int i = 0; i < NKEYS; i++)
			string_value(&part_key_values[i], part_keys[i], strlen(part_keys[i]));
		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
			string_value(&component_key_values[i], priority_component_names[i],
						 strlen(priority_component_names[i]));
		key_orders_done = true;
	}

	/* the basis texts, one after another in one buffer */
	initStringInfo(&basis);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		basis_start[i] = basis.len;
		append_basis(&basis, (PriorityComponent) i, in, state, outcome, reason, declined_reason);
	}
	basis_start[PRIORITY_NCOMPONENTS] = basis.len;

	for (int k = 0; k < PRIORITY_NCOMPONENTS; k++)
	{
		int			i = component_order[k];
		const PriorityPart *p = &r->part[i];
		JsonbValue	v[NKEYS];

		if (p->applicable)
			number_value(&v[KEY_VALUE], p->value, 4, cache->zero);
		else
			v[KEY_VALUE].type = jbvNull;
		v[KEY_WEIGHT] = cache->wcache.weight[i];
		v[KEY_SHARE] = shares[i];
		number_value(&v[KEY_CONTRIBUTION], p->contribution, 2, cache->zero);
		string_value(&v[KEY_BASIS], basis.data + basis_start[i], basis_start[i + 1] - basis_start[i]);
		for (int j = 0; j < NKEYS; j++)
		{
			int			key = part_key_order[j];

			part_pairs[k][j].key = part_key_values[key];
			part_pairs[k][j].value = v[key];
			part_pairs[k][j].order = j;
		}
		top_pairs[k].key = component_key_values[i];
		top_pairs[k].value.type = jbvObject;
		top_pairs[k].value.val.object.nPairs = NKEYS;
		top_pairs[k].value.val.object.pairs = part_pairs[k];
		top_pairs[k].order = k;
	}
	top.type = jbvObject;
	top.val.object.nPairs = PRIORITY_NCOMPONENTS;
	top.val.object.pairs = top_pairs;
	return JsonbValueToJsonb(&top);
}

/* One customer's inputs as read from the arguments, and the score. */
typedef struct ScoredRow
{
	/* the percentiles of the values among the customers, set by the caller */
	PriorityValue value_percentile;
	PriorityValue expected_value_percentile;
	/*
	 * the latest conversation when it was a decline with a reason after the
	 * last order, set by the caller: its reason (NULL for none) and age
	 */
	const char *declined_reason;
	PriorityValue days_since_outreach_decline;
	PriorityInputs in;
	PriorityResult r;
	char	   *state;			/* the texts the basis repeats, NULL for NULL */
	char	   *outcome;
	char	   *reason;
} ScoredRow;

/*
 * Read the two composite arguments of any of the entry points below and
 * score the customer.  The field maps, the weights and their breakdown
 * numbers are kept in fn_extra from call to call.
 */
static ScoreCache *
score_rows(ScoreCache **cachep, MemoryContext fn_mcxt, HeapTupleHeader in_row,
		   HeapTupleHeader w_row, ScoredRow *row)
{
	ScoreCache *cache = *cachep;
	PriorityInputs *in = &row->in;
	Datum		iv[ROW_MAX_ATTS];
	bool		inull[ROW_MAX_ATTS];
	char	   *segment;

	if (cache == NULL)
	{
		MemoryContext old;

		cache = MemoryContextAllocZero(fn_mcxt, sizeof(ScoreCache));
		old = MemoryContextSwitchTo(fn_mcxt);
		cache->zero = int64_div_fast_to_numeric(0, 0);
		MemoryContextSwitchTo(old);
		*cachep = cache;
	}
	map_row(in_row, &cache->inputs, input_fields, IN_NFIELDS, fn_mcxt);
	if (cache->inputs.tupdesc->natts > ROW_MAX_ATTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many fields in the arguments of score_priority")));
	read_weights(cache, w_row, fn_mcxt);
	deform_row(in_row, &cache->inputs, iv, inull);

	memset(in, 0, sizeof(*in));
	row->state = text_or_null(&cache->inputs, iv, inull, IN_STATE);
	in->state = parse_state(row->state);
	in->days_since_last_order = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_ORDER);
	in->at_risk_days = opt_int(&cache->inputs, iv, inull, IN_AT_RISK_DAYS);
	in->dormant_days = opt_int(&cache->inputs, iv, inull, IN_DORMANT_DAYS);
	in->long_dormant_days = opt_int(&cache->inputs, iv, inull, IN_LONG_DORMANT_DAYS);
	in->total_amount = FIELD_NULL(&cache->inputs, inull, IN_TOTAL_AMOUNT) ? 0 :
		DatumGetFloat8(FIELD(&cache->inputs, iv, IN_TOTAL_AMOUNT));
	in->order_days = int_or(&cache->inputs, iv, inull, IN_ORDER_DAYS, 0);
	in->median_gap_days = opt_float(&cache->inputs, iv, inull, IN_MEDIAN_GAP_DAYS);
	in->mean_gap_days = opt_float(&cache->inputs, iv, inull, IN_MEAN_GAP_DAYS);
	in->gap_stddev_days = opt_float(&cache->inputs, iv, inull, IN_GAP_STDDEV_DAYS);
	segment = text_or_null(&cache->inputs, iv, inull, IN_SEGMENT);
	in->campaign_only = segment != NULL && strcmp(segment, "campaign_only") == 0;
	in->decline_signals = int_or(&cache->inputs, iv, inull, IN_DECLINE_SIGNALS, 0);
	in->declining = bool_or_false(&cache->inputs, iv, inull, IN_DECLINING);
	in->events_bound = bool_or_false(&cache->inputs, iv, inull, IN_EVENTS_BOUND);
	in->events_in_window = int_or(&cache->inputs, iv, inull, IN_EVENTS_IN_WINDOW, 0);
	in->pricing_views = int_or(&cache->inputs, iv, inull, IN_PRICING_VIEWS, 0);
	in->days_since_last_event = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_EVENT);
	in->engagement_window_days = int_or(&cache->inputs, iv, inull, IN_ENGAGEMENT_WINDOW_DAYS, 90);
	in->deals_bound = bool_or_false(&cache->inputs, iv, inull, IN_DEALS_BOUND);
	row->outcome = text_or_null(&cache->inputs, iv, inull, IN_LAST_DEAL_OUTCOME);
	row->reason = text_or_null(&cache->inputs, iv, inull, IN_LAST_DEAL_REASON);
	in->last_deal_outcome = priority_deal_outcome(row->outcome);
	in->last_deal_reason = priority_deal_reason(row->reason);
	in->days_since_last_deal = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_LAST_DEAL);
	in->open_deals = int_or(&cache->inputs, iv, inull, IN_OPEN_DEALS, 0);
	in->contracts_bound = bool_or_false(&cache->inputs, iv, inull, IN_CONTRACTS_BOUND);
	in->has_contract = bool_or_false(&cache->inputs, iv, inull, IN_HAS_CONTRACT);
	in->contract_lapsed = bool_or_false(&cache->inputs, iv, inull, IN_CONTRACT_LAPSED);
	in->days_since_contract_end = opt_int(&cache->inputs, iv, inull, IN_DAYS_SINCE_CONTRACT_END);
	in->auto_renew_off = bool_or_false(&cache->inputs, iv, inull, IN_AUTO_RENEW_OFF);
	in->downgraded = bool_or_false(&cache->inputs, iv, inull, IN_DOWNGRADED);
	in->renewal_due_in_days = opt_int(&cache->inputs, iv, inull, IN_RENEWAL_DUE_IN_DAYS);
	in->renewal_horizon_days = int_or(&cache->inputs, iv, inull, IN_RENEWAL_HORIZON_DAYS, 90);
	in->p_alive = opt_float(&cache->inputs, iv, inull, IN_P_ALIVE);
	in->expected_value = opt_float(&cache->inputs, iv, inull, IN_EXPECTED_VALUE);
	/* not a field of priority_inputs: the caller's (score_row, PriorityScoreOfRows) */
	in->outreach_declined_reason = priority_deal_reason(row->declined_reason);
	in->days_since_outreach_decline = row->days_since_outreach_decline;
	in->value_percentile = row->value_percentile;
	in->expected_value_percentile = row->expected_value_percentile;

	priority_compute(in, &cache->wcache.w, &row->r);
	return cache;
}

/*
 * score_rows() on the arguments of the call, with the cache in fn_extra:
 * the inputs and the weights; then, in the four-argument form of
 * score_priority, the declined reason and its age; in the five-argument
 * form of _priority_breakdown, the percentiles, the declined reason and its
 * age.
 */
static ScoreCache *
score_row(FunctionCallInfo fcinfo, ScoredRow *row)
{
	int			pct_arg = -1;	/* {total_amount's, expected_value's} */
	int			decline_arg = -1;	/* the reason, then the days */
	char	   *reason = NULL;

	switch (PG_NARGS())
	{
		case 3:
			pct_arg = 2;
			break;
		case 4:
			decline_arg = 2;
			break;
		case 5:
			pct_arg = 2;
			decline_arg = 3;
			break;
	}
	row->value_percentile.valid = row->expected_value_percentile.valid = false;
	row->declined_reason = NULL;
	row->days_since_outreach_decline.valid = false;
	row->days_since_outreach_decline.value = 0;
	if (decline_arg >= 0 && !PG_ARGISNULL(decline_arg))
		reason = TextDatumGetCString(PG_GETARG_DATUM(decline_arg));
	/*
	 * score_priority, the public form: each argument of the decline checked
	 * by itself, whatever the other is (a NULL in either is no decline, but
	 * a wording that is no code, or a negative age, is an error with or
	 * without the other: until a review found it, 'Bogus' without an age
	 * scored as no decline).  A code, as customer_status passes it
	 * (_priority_breakdown's callers map the wordings themselves).
	 */
	if (PG_NARGS() == 4)
	{
		if (reason != NULL && priority_deal_reason(reason) == DEAL_REASON_OTHER && strcmp(reason, "other") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid declined reason \"%s\"", reason),
					 errhint("The reason is price, features, competitor, timing, budget, circumstances, other or NULL: map a wording with dormancy.deal_reasons.")));
		if (!PG_ARGISNULL(decline_arg + 1) && PG_GETARG_INT32(decline_arg + 1) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("days since the decline must not be negative, not %d", PG_GETARG_INT32(decline_arg + 1)),
					 errdetail("A decline after the as-of day has not been heard yet.")));
	}
	/* the decline heard on a call: both, or none */
	if (reason != NULL && !PG_ARGISNULL(decline_arg + 1))
	{
		row->declined_reason = reason;
		row->days_since_outreach_decline.valid = true;
		row->days_since_outreach_decline.value = PG_GETARG_INT32(decline_arg + 1);
	}
	if (pct_arg >= 0 && !PG_ARGISNULL(pct_arg))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(pct_arg);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_ELEMTYPE(a) != FLOAT8OID)
			elog(ERROR, "expected an array of double precision");
		deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &nulls, &n);
		if (n > 0 && !nulls[0])
		{
			row->value_percentile.valid = !isnan(DatumGetFloat8(elems[0]));
			row->value_percentile.value = DatumGetFloat8(elems[0]);
		}
		if (n > 1 && !nulls[1])
		{
			row->expected_value_percentile.valid = !isnan(DatumGetFloat8(elems[1]));
			row->expected_value_percentile.value = DatumGetFloat8(elems[1]);
		}
	}
	return score_rows((ScoreCache **) &fcinfo->flinfo->fn_extra, fcinfo->flinfo->fn_mcxt,
					  PG_GETARG_HEAPTUPLEHEADER(0), PG_GETARG_HEAPTUPLEHEADER(1), row);
}

/*
 * The score of a dormancy.priority_inputs row under a dormancy.score_weights
 * row, as _priority_score() gives it, for another C function (the
 * assessment of customer_status); *cachep is its cache (NULL at first),
 * kept in mcxt.
 */
double
PriorityScoreOfRows(void **cachep, MemoryContext mcxt, HeapTupleHeader inputs,
					HeapTupleHeader weights, PriorityValue value_percentile,
					PriorityValue expected_value_percentile, const char *declined_reason,
					PriorityValue days_since_outreach_decline)
{
	ScoredRow	row;

	row.declined_reason = declined_reason;
	row.days_since_outreach_decline = days_since_outreach_decline;
	row.value_percentile = value_percentile;
	row.expected_value_percentile = expected_value_percentile;
	score_rows((ScoreCache **) cachep, mcxt, inputs, weights, &row);
	return row.r.score;
}

/*
 * score_priority(inputs dormancy.priority_inputs, weights dormancy.score_weights)
 *		returns dormancy.priority_result
 * score_priority(inputs, weights, outreach_declined_reason text,
 *				  days_since_outreach_decline integer)
 *		returns dormancy.priority_result
 */
Datum
score_priority(PG_FUNCTION_ARGS)
{
	ScoredRow	row;
	ScoreCache *cache;
	Datum		result[2];
	bool		result_null[2] = {false, false};

	/* the four-argument form is not strict in the decline */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	cache = score_row(fcinfo, &row);

	if (cache->result_desc == NULL)
	{
		TupleDesc	desc;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "score_priority must return a composite type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->result_desc = BlessTupleDesc(CreateTupleDescCopy(desc));
		MemoryContextSwitchTo(old);
	}
	result[0] = Float8GetDatum(row.r.score);
	result[1] = JsonbPGetDatum(make_breakdown(cache, &row.in, &row.r, row.state, row.outcome,
											  row.reason, row.declined_reason));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->result_desc, result, result_null)));
}

/*
 * _priority_score(inputs dormancy.priority_inputs, weights dormancy.score_weights)
 *		returns double precision
 *
 * The score of score_priority() alone, for customer_status: a query that
 * does not read the breakdown does not build it.
 */
Datum
priority_score_only(PG_FUNCTION_ARGS)
{
	ScoredRow	row;

	score_row(fcinfo, &row);
	PG_RETURN_FLOAT8(row.r.score);
}

/*
 * _priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights)
 *		returns jsonb
 * _priority_breakdown(inputs, weights, value_percentiles float8[],
 *					   outreach_declined_reason text, days_since_outreach_decline integer)
 *		returns jsonb
 *
 * The breakdown of score_priority() alone, for customer_status (the second
 * form, with what _assess gives beside the inputs).
 */
Datum
priority_breakdown(PG_FUNCTION_ARGS)
{
	ScoredRow	row;
	ScoreCache *cache;

	/* the five-argument form is not strict in its percentiles and decline */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	cache = score_row(fcinfo, &row);

	PG_RETURN_JSONB_P(make_breakdown(cache, &row.in, &row.r, row.state, row.outcome, row.reason,
									 row.declined_reason));
}
