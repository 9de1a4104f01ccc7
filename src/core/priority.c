/*
 * priority.c
 *		Priority score of one customer (see priority.h and docs/priority.md).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.  Every component is a small function of the inputs with a value
 * in [-1, 1]; the score is their weighted mean over the applicable ones.
 */
#include "priority.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keep in the order of PriorityComponent. */
const char *const priority_component_names[PRIORITY_NCOMPONENTS] = {
	"past_value",
	"regularity",
	"recency",
	"decline",
	"engagement",
	"deal",
	"contract",
	"p_alive",
	"expected_value"
};

/* Recency values at the state boundaries (docs/priority.md). */
#define RECENCY_ACTIVE 0.2
#define RECENCY_AT_RISK 1.0
#define RECENCY_DORMANT_START 0.8
#define RECENCY_DORMANT_END 0.3
#define RECENCY_LONG_DORMANT_START 0.2

/* Contract values. */
#define CONTRACT_RENEWAL_AT_RISK 1.0	/* auto-renew off or declining, renewal due */
#define CONTRACT_AUTO_RENEW_OFF 0.7
#define CONTRACT_LAPSED 0.8		/* just lapsed; fades to 0 over a year */
#define CONTRACT_DOWNGRADED 0.6
#define CONTRACT_RENEWAL_DUE 0.4
#define CONTRACT_LAPSE_FADE_DAYS 365.0

static double
clamp(double x, double lo, double hi)
{
	if (isnan(x))
		return lo;
	return x < lo ? lo : (x > hi ? hi : x);
}

void
priority_default_weights(PriorityWeights *w)
{
	w->weight[PRIORITY_PAST_VALUE] = 20;
	w->weight[PRIORITY_REGULARITY] = 15;
	w->weight[PRIORITY_RECENCY] = 20;
	w->weight[PRIORITY_DECLINE] = 10;
	w->weight[PRIORITY_ENGAGEMENT] = 10;
	w->weight[PRIORITY_DEAL] = 10;
	w->weight[PRIORITY_CONTRACT] = 5;
	w->weight[PRIORITY_P_ALIVE] = 5;
	w->weight[PRIORITY_EXPECTED_VALUE] = 5;
	w->value_cap = 10000000;
	w->regular_days_cap = 6;
	w->replacement_cycle_days = 1826;
	w->decline_signals_cap = 2;
	w->engagement_cap = 10;
	w->no_engagement = -0.5;
	w->deal_won = 0.3;
	w->deal_open = 0.5;
	w->deal_postponed = 1.0;
	w->deal_lost_budget_timing = 0.6;
	w->deal_lost_price = -0.5;
	w->deal_lost_competitor = -1.0;
	w->deal_lost_other = -0.3;
	w->deal_horizon_days = 1095;
	w->campaign_only_factor = 0.3;
}

static bool
in_range(double x, double lo, double hi)
{
	return !isnan(x) && x >= lo && x <= hi;
}

const char *
priority_check_weights(const PriorityWeights *w)
{
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		if (!in_range(w->weight[i], 0, 1000))
			return priority_component_names[i];
	if (!(isfinite(w->value_cap) && w->value_cap > 0))
		return "value_cap";
	if (w->regular_days_cap < 2)
		return "regular_days_cap";
	if (w->replacement_cycle_days < 1)
		return "replacement_cycle_days";
	if (w->decline_signals_cap < 1)
		return "decline_signals_cap";
	if (!(isfinite(w->engagement_cap) && w->engagement_cap > 0))
		return "engagement_cap";
	if (!in_range(w->no_engagement, -1, 0))
		return "no_engagement";
	if (!in_range(w->deal_won, -1, 1))
		return "deal_won";
	if (!in_range(w->deal_open, -1, 1))
		return "deal_open";
	if (!in_range(w->deal_postponed, -1, 1))
		return "deal_postponed";
	if (!in_range(w->deal_lost_budget_timing, -1, 1))
		return "deal_lost_budget_timing";
	if (!in_range(w->deal_lost_price, -1, 1))
		return "deal_lost_price";
	if (!in_range(w->deal_lost_competitor, -1, 1))
		return "deal_lost_competitor";
	if (!in_range(w->deal_lost_other, -1, 1))
		return "deal_lost_other";
	if (w->deal_horizon_days < 1)
		return "deal_horizon_days";
	if (!in_range(w->campaign_only_factor, 0, 1))
		return "campaign_only_factor";
	return NULL;
}

/* An amount on a log scale: 0 at 0, 1 at the cap and above. */
static double
amount_value(double amount, double cap)
{
	if (!(amount > 0))
		return 0;
	return clamp(log1p(amount) / log1p(cap), 0, 1);
}

double
priority_absolute_percentile(double amount, double cap)
{
	return 100.0 * amount_value(amount, cap);
}

double
priority_percentile(const double *q, int n, double x)
{
	int			lo,
				hi;

	if (n < 2 || isnan(x) || x < q[0])
		return 0;
	if (x >= q[n - 1])
		return 100;
	/* the last i with q[i] <= x: q[lo] <= x < q[hi] */
	lo = 0;
	hi = n - 1;
	while (hi - lo > 1)
	{
		int			mid = lo + (hi - lo) / 2;

		if (q[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return clamp(100.0 * ((double) lo + (x - q[lo]) / (q[hi] - q[lo])) / (double) (n - 1), 0, 100);
}

/*
 * Regularity: repeat buying on a steady, short enough cycle.
 *	count  = (purchase days - 1) / (regular_days_cap - 1), at most 1
 *	steady = 1 / (1 + coefficient of variation of the gaps); 0.5 with one gap
 *	cycle  = 1 - median gap / replacement_cycle_days, at least 0
 * One purchase day (or none) is 0; campaign-only buyers are scaled down.
 */
static double
regularity_value(const PriorityInputs *in, const PriorityWeights *w)
{
	double		count;
	double		steady = 0.5;
	double		cycle = 0;

	if (in->order_days <= 1)
		return 0;
	count = clamp(((double) in->order_days - 1.0) / ((double) w->regular_days_cap - 1.0), 0, 1);
	if (in->gap_stddev_days.valid && in->mean_gap_days.valid && in->mean_gap_days.value > 0)
		steady = 1.0 / (1.0 + fmax(0, in->gap_stddev_days.value) / in->mean_gap_days.value);
	if (in->median_gap_days.valid)
		cycle = clamp(1.0 - in->median_gap_days.value / w->replacement_cycle_days, 0, 1);
	return count * steady * cycle * (in->campaign_only ? w->campaign_only_factor : 1.0);
}

/*
 * The recency value of d days of silence on the rule's ladder: active 0.2;
 * at_risk 1; dormant 0.8 at dormant_after falling linearly to 0.3 at
 * long_dormant_after; long_dormant 0.2 falling to 0 at twice
 * long_dormant_after.  Without usable thresholds: the middle of the state.
 */
static double
ladder_value(PriorityState state, const PriorityInputs *in, PriorityValue days)
{
	double		d = days.value;
	double		dormant = in->dormant_days.value;
	double		longd = in->long_dormant_days.value;

	switch (state)
	{
		case PRIORITY_STATE_ACTIVE:
			return RECENCY_ACTIVE;
		case PRIORITY_STATE_AT_RISK:
			return RECENCY_AT_RISK;
		case PRIORITY_STATE_DORMANT:
			if (!days.valid || !in->dormant_days.valid ||
				!in->long_dormant_days.valid || longd <= dormant)
				return (RECENCY_DORMANT_START + RECENCY_DORMANT_END) / 2;
			return RECENCY_DORMANT_START -
				(RECENCY_DORMANT_START - RECENCY_DORMANT_END) * clamp((d - dormant) / (longd - dormant), 0, 1);
		case PRIORITY_STATE_LONG_DORMANT:
			if (!days.valid || !in->long_dormant_days.valid || longd <= 0)
				return 0;
			return RECENCY_LONG_DORMANT_START * clamp(1.0 - (d - longd) / longd, 0, 1);
		case PRIORITY_STATE_NEVER_PURCHASED:
		case PRIORITY_STATE_UNKNOWN:
			break;
	}
	return 0;
}

/* The state of d days of silence on the rule's ladder. */
static PriorityState
ladder_state(const PriorityInputs *in, double d)
{
	if (!in->at_risk_days.valid || !in->dormant_days.valid || !in->long_dormant_days.valid)
		return PRIORITY_STATE_UNKNOWN;
	if (d >= in->long_dormant_days.value)
		return PRIORITY_STATE_LONG_DORMANT;
	if (d >= in->dormant_days.value)
		return PRIORITY_STATE_DORMANT;
	if (d >= in->at_risk_days.value)
		return PRIORITY_STATE_AT_RISK;
	return PRIORITY_STATE_ACTIVE;
}

bool
priority_recency_from_deal(const PriorityInputs *in)
{
	return in->state == PRIORITY_STATE_NEVER_PURCHASED &&
		(in->last_deal_outcome == DEAL_OUTCOME_LOST || in->last_deal_outcome == DEAL_OUTCOME_POSTPONED) &&
		in->days_since_last_deal.valid;
}

/*
 * Recency: highest for at-risk customers, high for the recently dormant,
 * fading to nothing over the long-dormant period (ladder_value).  A customer
 * who never purchased but lost (or postponed) a deal is placed on the same
 * ladder by the days since that deal: a deal lost months ago is the time to
 * approach again (dormant after a lost deal, D5).  Other customers who never
 * purchased, and customers without a rule, get 0.
 */
double
priority_recency_value(const PriorityInputs *in)
{
	if (priority_recency_from_deal(in))
		return ladder_value(ladder_state(in, in->days_since_last_deal.value), in, in->days_since_last_deal);
	return ladder_value(in->state, in, in->days_since_last_order);
}

/* Decline: the signals that fired, up to the cap. */
static double
decline_value(const PriorityInputs *in, const PriorityWeights *w)
{
	return clamp((double) in->decline_signals / w->decline_signals_cap, 0, 1);
}

/*
 * Engagement: intensity (events, pricing views counted twice, over the cap)
 * and freshness (1 for an event today, 0 at the end of the window), half
 * each; no_engagement (negative) when there is no event in the window.
 */
static double
engagement_value(const PriorityInputs *in, const PriorityWeights *w)
{
	double		intensity;
	double		fresh = 0;

	if (in->events_in_window <= 0)
		return w->no_engagement;
	intensity = clamp(((double) in->events_in_window + (double) in->pricing_views) / w->engagement_cap, 0, 1);
	if (in->days_since_last_event.valid && in->engagement_window_days > 0)
		fresh = clamp(1.0 - in->days_since_last_event.value / in->engagement_window_days, 0, 1);
	return 0.5 * intensity + 0.5 * fresh;
}

/* The value of a deal lost for a reason (and of a decline for one). */
static double
lost_value(DealReason reason, const PriorityWeights *w)
{
	switch (reason)
	{
		case DEAL_REASON_BUDGET:
		case DEAL_REASON_TIMING:
			return w->deal_lost_budget_timing;
		case DEAL_REASON_PRICE:
			return w->deal_lost_price;
		case DEAL_REASON_COMPETITOR:
			return w->deal_lost_competitor;
		default:
			return w->deal_lost_other;
	}
}

DealOutcome
priority_deal_outcome(const char *s)
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

DealReason
priority_deal_reason(const char *s)
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

bool
priority_decline_is_latest(bool deals_bound, DealOutcome last_deal_outcome,
						   PriorityValue days_since_last_deal, PriorityValue days_since_decline)
{
	if (!deals_bound || last_deal_outcome == DEAL_OUTCOME_NONE || !days_since_last_deal.valid)
		return true;
	/* later: fewer days ago (a deal of the same day wins) */
	return days_since_decline.valid && days_since_decline.value < days_since_last_deal.value;
}

bool
priority_deal_from_outreach(const PriorityInputs *in)
{
	if (in->outreach_declined_reason == DEAL_REASON_NONE || !in->days_since_outreach_decline.valid)
		return false;
	return priority_decline_is_latest(in->deals_bound, in->last_deal_outcome, in->days_since_last_deal,
									  in->days_since_outreach_decline);
}

/*
 * Deal: the value of the last deal's outcome (and reason, for lost deals),
 * fading linearly to 0 at deal_horizon_days; an open deal gives at least
 * deal_open.  A decline heard on a call later than the last deal takes the
 * deal's place: valued as a deal lost for the same reason, fading from its
 * day (priority_deal_from_outreach).
 */
double
priority_deal_value(const PriorityInputs *in, const PriorityWeights *w)
{
	double		base = 0;
	double		fade = 1;

	if (priority_deal_from_outreach(in))
	{
		base = lost_value(in->outreach_declined_reason, w);
		fade = clamp(1.0 - in->days_since_outreach_decline.value / w->deal_horizon_days, 0, 1);
		base *= fade;
		if (in->deals_bound && in->open_deals > 0 && base < w->deal_open)
			base = w->deal_open;
		return base;
	}
	switch (in->last_deal_outcome)
	{
		case DEAL_OUTCOME_NONE:
		case DEAL_OUTCOME_UNKNOWN:
			base = 0;
			break;
		case DEAL_OUTCOME_WON:
			base = w->deal_won;
			break;
		case DEAL_OUTCOME_OPEN:
			base = w->deal_open;
			break;
		case DEAL_OUTCOME_POSTPONED:
			base = w->deal_postponed;
			break;
		case DEAL_OUTCOME_LOST:
			base = lost_value(in->last_deal_reason, w);
			break;
	}
	if (in->days_since_last_deal.valid)
		fade = clamp(1.0 - in->days_since_last_deal.value / w->deal_horizon_days, 0, 1);
	base *= fade;
	if (in->open_deals > 0 && base < w->deal_open)
		base = w->deal_open;
	return base;
}

/*
 * Contract: the most urgent contract signal.
 *	renewal due within the horizon with auto-renew off, or while declining: 1
 *	auto-renew off (renewal further away): 0.7
 *	lapsed: 0.8 just after the end, fading to 0 over a year
 *	downgraded: 0.6; renewal due within the horizon: 0.4; otherwise 0
 */
double
priority_contract_value(const PriorityInputs *in)
{
	double		v = 0;
	bool		due = in->renewal_due_in_days.valid &&
		in->renewal_due_in_days.value <= in->renewal_horizon_days;

	if (!in->has_contract)
		return 0;
	if (due && (in->auto_renew_off || in->declining))
		v = fmax(v, CONTRACT_RENEWAL_AT_RISK);
	if (in->auto_renew_off)
		v = fmax(v, CONTRACT_AUTO_RENEW_OFF);
	if (in->contract_lapsed)
	{
		double		age = in->days_since_contract_end.valid ? in->days_since_contract_end.value : CONTRACT_LAPSE_FADE_DAYS;

		v = fmax(v, CONTRACT_LAPSED * clamp(1.0 - age / CONTRACT_LAPSE_FADE_DAYS, 0, 1));
	}
	if (in->downgraded)
		v = fmax(v, CONTRACT_DOWNGRADED);
	if (due)
		v = fmax(v, CONTRACT_RENEWAL_DUE);
	return v;
}

void
priority_compute(const PriorityInputs *in, const PriorityWeights *w, PriorityResult *out)
{
	double		total = 0;
	double		sum = 0;

	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		out->part[i].applicable = true;
		out->part[i].outside_total = false;
		out->part[i].value = 0;
	}
	if (in->value_percentile.valid && !isnan(in->value_percentile.value))
		out->part[PRIORITY_PAST_VALUE].value = clamp(in->value_percentile.value / 100.0, 0, 1);
	else
		out->part[PRIORITY_PAST_VALUE].value = amount_value(in->total_amount, w->value_cap);
	out->part[PRIORITY_REGULARITY].value = regularity_value(in, w);
	out->part[PRIORITY_RECENCY].value = priority_recency_value(in);
	out->part[PRIORITY_DECLINE].value = decline_value(in, w);

	if (in->events_bound)
		out->part[PRIORITY_ENGAGEMENT].value = engagement_value(in, w);
	else
		out->part[PRIORITY_ENGAGEMENT].applicable = false;

	if (in->deals_bound)
		out->part[PRIORITY_DEAL].value = priority_deal_value(in, w);
	else if (priority_deal_from_outreach(in))
	{
		/*
		 * Deals not bound, but a decline heard on a call: the component
		 * counts for this customer alone, outside W, so that the other
		 * components keep their shares and every other customer's score
		 * stays what it was.  Its share is the one it has when deals are
		 * bound, 100 * w / (W + w): the decline moves the score by what
		 * the same lost deal would, up or down by the sign of its value.
		 * Taken into W instead, it would pull the score towards
		 * 100 * value: a budget decline (0.6) would lower a customer
		 * scoring above 60 (docs/priority.md).
		 */
		out->part[PRIORITY_DEAL].value = priority_deal_value(in, w);
		out->part[PRIORITY_DEAL].outside_total = true;
	}
	else
		out->part[PRIORITY_DEAL].applicable = false;

	if (in->contracts_bound)
		out->part[PRIORITY_CONTRACT].value = priority_contract_value(in);
	else
		out->part[PRIORITY_CONTRACT].applicable = false;

	if (in->p_alive.valid && !isnan(in->p_alive.value))
		out->part[PRIORITY_P_ALIVE].value = clamp(in->p_alive.value, 0, 1);
	else
		out->part[PRIORITY_P_ALIVE].applicable = false;

	if (in->expected_value.valid && !isnan(in->expected_value.value))
	{
		if (in->expected_value_percentile.valid && !isnan(in->expected_value_percentile.value))
			out->part[PRIORITY_EXPECTED_VALUE].value = clamp(in->expected_value_percentile.value / 100.0, 0, 1);
		else
			out->part[PRIORITY_EXPECTED_VALUE].value = amount_value(in->expected_value.value, w->value_cap);
	}
	else
		out->part[PRIORITY_EXPECTED_VALUE].applicable = false;

	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		out->part[i].value = clamp(out->part[i].value, -1, 1);
		if (out->part[i].applicable && !out->part[i].outside_total)
			total += w->weight[i];
	}
	out->total_weight = total;
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		PriorityPart *p = &out->part[i];

		if (p->outside_total)
			p->share = (total + w->weight[i] > 0) ? 100.0 * w->weight[i] / (total + w->weight[i]) : 0;
		else
			p->share = (p->applicable && total > 0) ? 100.0 * w->weight[i] / total : 0;
		p->contribution = p->share * p->value;
		sum += p->contribution;
	}
	out->score = clamp(sum, 0, 100);
}

/* What "%.*f" writes, then trailing zeros after the point dropped, "-0" as "0". */
static int
format_number_printf(char *buf, double x, int decimals)
{
	int			len = snprintf(buf, PRIORITY_NUMBER_BUFSIZE, "%.*f", decimals, x);

	if (len < 0 || len >= PRIORITY_NUMBER_BUFSIZE)
	{
		/* cannot happen: DBL_MAX has 309 digits */
		strcpy(buf, "null");
		return 4;
	}
	if (strchr(buf, '.') != NULL)
	{
		while (len > 0 && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '.')
			buf[--len] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
	{
		strcpy(buf, "0");
		len = 1;
	}
	return len;
}

int
priority_format_number(char *buf, double x, int decimals)
{
	static const double pow10[PRIORITY_MAX_DECIMALS + 1] = {1, 10, 100, 1000, 10000};
	double		scaled;
	double		frac;
	uint64_t	n;
	int			len = 0;
	char		digits[24];
	int			ndigits = 0;

	if (!isfinite(x))
	{
		strcpy(buf, "null");
		return 4;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > PRIORITY_MAX_DECIMALS)
		return format_number_printf(buf, x, decimals);

	/*
	 * x * 10^decimals is within half a unit in the last place of the exact
	 * product (10^decimals is exact).  Below 1e12 that unit is under 2^-13,
	 * so when the fraction is more than 1e-3 away from one half, rounding the
	 * product to the nearest integer rounds the exact value the same way
	 * printf does.  Otherwise (a tie or close to one, or a huge value) ask
	 * printf.
	 */
	scaled = x * pow10[decimals];
	if (!(fabs(scaled) < 1e12))
		return format_number_printf(buf, x, decimals);
	frac = fabs(scaled) - floor(fabs(scaled));
	if (fabs(frac - 0.5) <= 1e-3)
		return format_number_printf(buf, x, decimals);
	n = (uint64_t) floor(fabs(scaled) + 0.5);

	/* drop trailing zeros after the point */
	while (decimals > 0 && n % 10 == 0)
	{
		n /= 10;
		decimals--;
	}
	if (n == 0)
	{
		strcpy(buf, "0");
		return 1;
	}
	if (x < 0)
		buf[len++] = '-';
	/* the digits, least significant first, at least decimals + 1 of them */
	while (n > 0 || ndigits <= decimals)
	{
		digits[ndigits++] = (char) ('0' + n % 10);
		n /= 10;
	}
	while (ndigits > 0)
	{
		if (ndigits == decimals)
			buf[len++] = '.';
		buf[len++] = digits[--ndigits];
	}
	buf[len] = '\0';
	return len;
}

/* The jsonb order of two keys: shorter first, then bytewise. */
static int
json_key_cmp(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

void
priority_json_key_order(const char *const *keys, int n, int *order)
{
	/* insertion sort: a handful of keys, sorted once */
	for (int i = 0; i < n; i++)
	{
		int			j = i;

		while (j > 0 && json_key_cmp(keys[order[j - 1]], keys[i]) > 0)
		{
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}
