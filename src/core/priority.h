/*
 * priority.h
 *		Priority score of one customer: whom to call first (DOMAIN.md D7).
 *
 * Pure computation, no PostgreSQL headers: this file and priority.c build
 * into the unit tests as well as into the server module.
 *
 * The score is a weighted mean of components, each a value in [-1, 1]:
 *
 *		score = clamp(sum_i 100 * w_i * v_i / W, 0, 100)
 *
 * over the applicable components i (W is the sum of their weights).  A
 * component is not applicable when its source is not bound (engagement,
 * deals, contracts) or its model is not fitted (p_alive, expected_value);
 * then the other weights share the 100 points.  A customer with no data in a
 * bound source is applicable with the value the definitions below give (no
 * recent event at all lowers the score, for example).  Each component's
 * contribution is 100 * w_i * v_i / W, so the contributions add up to the
 * score before the clamp.  One exception: a decline heard on a call (the
 * outreach log) while deals are not bound makes the deal component
 * applicable for that customer alone, outside W: its share is
 * 100 * w_deal / (W + w_deal), the share it has when deals are bound, and
 * the other shares stay 100 * w_i / W (priority_compute).  docs/priority.md
 * spells out every value.
 */
#ifndef DORMANCY_CORE_PRIORITY_H
#define DORMANCY_CORE_PRIORITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value that may be undefined (SQL NULL). */
typedef struct PriorityValue
{
	bool		valid;
	double		value;			/* meaningful only when valid */
} PriorityValue;

/* The dormancy state the score works from. */
typedef enum PriorityState
{
	PRIORITY_STATE_UNKNOWN,		/* no rule applied (NULL state) */
	PRIORITY_STATE_ACTIVE,
	PRIORITY_STATE_AT_RISK,
	PRIORITY_STATE_DORMANT,
	PRIORITY_STATE_LONG_DORMANT,
	PRIORITY_STATE_NEVER_PURCHASED
} PriorityState;

/* Outcome of the customer's last deal (dormancy.deal_outcomes). */
typedef enum DealOutcome
{
	DEAL_OUTCOME_NONE,			/* no deal */
	DEAL_OUTCOME_UNKNOWN,		/* a deal whose outcome is not mapped */
	DEAL_OUTCOME_WON,
	DEAL_OUTCOME_LOST,
	DEAL_OUTCOME_POSTPONED,
	DEAL_OUTCOME_OPEN
} DealOutcome;

/* Reason of the last deal (dormancy.deal_reasons). */
typedef enum DealReason
{
	DEAL_REASON_NONE,			/* none given */
	DEAL_REASON_PRICE,
	DEAL_REASON_FEATURES,
	DEAL_REASON_COMPETITOR,
	DEAL_REASON_TIMING,
	DEAL_REASON_BUDGET,
	DEAL_REASON_CIRCUMSTANCES,
	DEAL_REASON_OTHER
} DealReason;

/*
 * Everything the score reads about one customer.  Counts are 64-bit and
 * combined in double, so no input value can overflow (the SQL columns are
 * integer; a fuzzer may pass anything).
 */
typedef struct PriorityInputs
{
	/* recency: the state and the days since its last day, with the thresholds in days */
	PriorityState state;
	PriorityValue days_since_last_order;
	PriorityValue at_risk_days;
	PriorityValue dormant_days;
	PriorityValue long_dormant_days;

	/* past value and regularity */
	double		total_amount;
	int64_t		order_days;
	PriorityValue median_gap_days;
	PriorityValue mean_gap_days;
	PriorityValue gap_stddev_days;
	bool		campaign_only;

	/* decline */
	int64_t		decline_signals;	/* how many signals fired */
	bool		declining;

	/* engagement (events in the engagement window) */
	bool		events_bound;
	int64_t		events_in_window;
	int64_t		pricing_views;
	PriorityValue days_since_last_event;
	int64_t		engagement_window_days;

	/* the last deal */
	bool		deals_bound;
	DealOutcome last_deal_outcome;
	DealReason	last_deal_reason;
	PriorityValue days_since_last_deal;
	int64_t		open_deals;

	/*
	 * the latest conversation of the outreach log, when it was a decline
	 * with a reason after the last order (customer_status passes nothing
	 * else): its reason (DEAL_REASON_NONE for none) and its age in days.
	 * It is the deal component's input when it is later than the last deal
	 * (priority_deal_from_outreach).
	 */
	DealReason	outreach_declined_reason;
	PriorityValue days_since_outreach_decline;

	/* contracts */
	bool		contracts_bound;
	bool		has_contract;
	bool		contract_lapsed;
	PriorityValue days_since_contract_end;
	bool		auto_renew_off;
	bool		downgraded;
	PriorityValue renewal_due_in_days;
	int64_t		renewal_horizon_days;

	/* models (NULL when none is fitted) */
	PriorityValue p_alive;
	PriorityValue expected_value;

	/*
	 * Where total_amount and expected_value stand among your customers, 0 to
	 * 100 (dormancy.value_distribution); NULL while no distribution is
	 * stored: then the amount's log scale up to value_cap is used instead.
	 */
	PriorityValue value_percentile;
	PriorityValue expected_value_percentile;
} PriorityInputs;

/* The components, in the order of the breakdown. */
typedef enum PriorityComponent
{
	PRIORITY_PAST_VALUE,
	PRIORITY_REGULARITY,
	PRIORITY_RECENCY,
	PRIORITY_DECLINE,
	PRIORITY_ENGAGEMENT,
	PRIORITY_DEAL,
	PRIORITY_CONTRACT,
	PRIORITY_P_ALIVE,
	PRIORITY_EXPECTED_VALUE,
	PRIORITY_NCOMPONENTS
} PriorityComponent;

/* Component names (the keys of score_breakdown and columns of score_weights). */
extern const char *const priority_component_names[PRIORITY_NCOMPONENTS];

/* dormancy.score_weights: weights, caps and the values of deal outcomes. */
typedef struct PriorityWeights
{
	double		weight[PRIORITY_NCOMPONENTS];	/* each >= 0 */
	double		value_cap;		/* amount at which past_value and expected_value reach 1 */
	int32_t		regular_days_cap;	/* purchase days for full regularity, >= 2 */
	int32_t		replacement_cycle_days; /* median gap at which regularity is 0 */
	int32_t		decline_signals_cap;	/* signals for a full decline value */
	double		engagement_cap; /* weighted events for full intensity */
	double		no_engagement;	/* value with no event in the window, in [-1, 0] */
	double		deal_won;		/* values of the last deal, each in [-1, 1] */
	double		deal_open;
	double		deal_postponed;
	double		deal_lost_budget_timing;
	double		deal_lost_price;
	double		deal_lost_competitor;
	double		deal_lost_other;
	int32_t		deal_horizon_days;	/* a deal's value fades to 0 at this age */
	double		campaign_only_factor;	/* regularity multiplier for campaign-only buyers */
} PriorityWeights;

/* One component of a result. */
typedef struct PriorityPart
{
	bool		applicable;
	/*
	 * applicable, but its weight is not in W: the deal component of an
	 * outreach decline while deals are not bound (share 100 * weight /
	 * (W + weight))
	 */
	bool		outside_total;
	double		value;			/* in [-1, 1]; 0 when not applicable */
	double		share;			/* 100 * weight / W: the points it can give */
	double		contribution;	/* share * value */
} PriorityPart;

typedef struct PriorityResult
{
	double		score;			/* in [0, 100] */
	double		total_weight;	/* W: sum of the applicable weights */
	PriorityPart part[PRIORITY_NCOMPONENTS];
} PriorityResult;

/* The installed defaults of dormancy.score_weights. */
extern void priority_default_weights(PriorityWeights *w);

/*
 * Check weights: returns NULL when they are valid, else the name of the
 * first field out of range (the CHECK constraints of dormancy.score_weights
 * say the same).
 */
extern const char *priority_check_weights(const PriorityWeights *w);

/* Score one customer.  Weights must pass priority_check_weights(). */
extern void priority_compute(const PriorityInputs *in, const PriorityWeights *w,
							 PriorityResult *out);

/*
 * True when recency is measured from the last deal: a customer who never
 * purchased and whose last deal was lost or postponed.
 */
extern bool priority_recency_from_deal(const PriorityInputs *in);

/*
 * True when the deal component is valued from the outreach decline: one is
 * given, and it is later than the last closed deal (or there is none, or
 * deals are not bound): priority_decline_is_latest.  A deal on the
 * decline's day wins.
 */
extern bool priority_deal_from_outreach(const PriorityInputs *in);

/*
 * "The latest wins" between a decline heard on a call and the deals: true
 * when deals are not bound, there is no closed deal (outcome
 * DEAL_OUTCOME_NONE or its age unknown), or the decline, days_since_decline
 * days ago, is later than the last closed deal; false when a deal was
 * closed on the decline's day or after it (or the decline's age is
 * unknown while there is such a deal).  The one test of both readers of a
 * decline: the deal component (priority_deal_from_outreach) and
 * customer_status's evidence of the likely reason (src/assess_sql.c: the
 * words outreach_declined and outreach_reason_<reason> of the reason rules
 * 1 to 6 only for a decline this says is the latest).
 */
extern bool priority_decline_is_latest(bool deals_bound, DealOutcome last_deal_outcome,
									   PriorityValue days_since_last_deal,
									   PriorityValue days_since_decline);

/*
 * A deal outcome or reason code of customer_deals (or customer_outreach's
 * declined reason) as its enum: NULL is DEAL_OUTCOME_NONE / DEAL_REASON_NONE,
 * an outcome nobody mapped DEAL_OUTCOME_UNKNOWN, a reason that is no code
 * DEAL_REASON_OTHER.
 */
extern DealOutcome priority_deal_outcome(const char *s);
extern DealReason priority_deal_reason(const char *s);

/*
 * The breakdown's numbers as text: x rounded to `decimals` (0 to
 * PRIORITY_MAX_DECIMALS) places as printf's "%.*f" rounds it, without
 * trailing zeros after the point, "-0" written "0", and "null" when x is not
 * finite.  Writes at most PRIORITY_NUMBER_BUFSIZE bytes with the terminating
 * NUL and returns the length.  Exact values print without printf (most
 * calls); values within rounding error of a tie, and huge ones, go through
 * snprintf.
 */
#define PRIORITY_MAX_DECIMALS 4
#define PRIORITY_NUMBER_BUFSIZE 352
extern int	priority_format_number(char *buf, double x, int decimals);

/*
 * Sort n distinct object keys into the order jsonb stores them in (shorter
 * first, then bytewise), writing their indexes into order[].  Building a
 * jsonb object with its pairs already in this order needs no sorting.
 */
extern void priority_json_key_order(const char *const *keys, int n, int *order);

/*
 * The percentile (0 to 100) of x in a distribution given by n >= 2
 * quantiles q[0..n-1] at the fractions i / (n - 1), ascending: linear
 * between the two quantiles around x; 0 below q[0], 100 at q[n-1] and
 * above.  Where several quantiles equal x, the highest of them.  NaN x is 0.
 */
extern double priority_percentile(const double *q, int n, double x);

/*
 * The value scale without a stored distribution: 100 * ln(1 + amount) /
 * ln(1 + cap), between 0 and 100 (0 for amounts <= 0).
 */
extern double priority_absolute_percentile(double amount, double cap);

/* The value of each component on its own (exposed for the unit tests). */
extern double priority_recency_value(const PriorityInputs *in);
extern double priority_deal_value(const PriorityInputs *in, const PriorityWeights *w);
extern double priority_contract_value(const PriorityInputs *in);

#endif							/* DORMANCY_CORE_PRIORITY_H */
