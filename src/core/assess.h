/*
 * assess.h
 *		The per-customer assessment of customer_status: the kind of dormancy,
 *		the evidence the reason rules match on, whether the customer is
 *		lapsing, and the data gaps, from customer_core's columns and the
 *		optional sources' per-customer aggregates.
 *
 * Pure computation, no PostgreSQL headers (unit-tested in
 * test/unit/test_assess.c).  Each function says which part of the SQL it
 * replaced (sql_src/70_views.sql, customer_status); SQL NULL is an
 * AssessBool of ASSESS_NULL or a missing value flag.
 */
#ifndef DORMANCY_CORE_ASSESS_H
#define DORMANCY_CORE_ASSESS_H

#include <stdbool.h>
#include <stdint.h>

/* A boolean of SQL: false, true or NULL. */
typedef enum AssessBool
{
	ASSESS_FALSE = 0,
	ASSESS_TRUE = 1,
	ASSESS_NULL = 2
} AssessBool;

/* An integer of SQL that may be NULL. */
typedef struct AssessInt
{
	bool		valid;
	int64_t		value;
} AssessInt;

/* What the assessment reads about one customer. */
typedef struct AssessInput
{
	/* customer_core */
	const char *state;			/* the scored state, NULL for NULL */
	const char *segment;		/* NULL for NULL */
	bool		declining;
	bool		lapsed_after_price_increase;
	bool		lapsed_after_spec_change;
	bool		has_orders;		/* coalesce(orders_count, 0) <> 0 */
	/*
	 * the recency day of dormancy_kind, a day number: the last order day,
	 * or the last covered contract day when later and the customer's rule
	 * has use_contract_end
	 */
	AssessInt	last_activity_at;
	/*
	 * an order of any amount (or the covered contract day, as in
	 * last_activity_at) is less than at_risk_after before as_of: the
	 * customer is still buying, even when the state, of the qualifying
	 * orders (a large-order rule), says at risk or dormant
	 */
	bool		bought_recently;
	/*
	 * the last order day of any amount, a day number (contracts do not
	 * move it): a deal or an outreach conversation counts as evidence only
	 * when it came on a later day (or there is no order)
	 */
	AssessInt	last_order_at;
	bool		has_contract;	/* contract_terms IS NOT NULL */
	AssessBool	contract_lapsed;
	AssessBool	auto_renew_off;
	AssessBool	downgraded;
	AssessInt	renewal_due_in_days;
	int64_t		renewal_horizon_days;

	/* engagement (customer_engagement; has_events: a row of it) */
	bool		events_bound;
	bool		has_events;
	AssessInt	events_in_window;
	AssessInt	pricing_views;
	AssessInt	support_visits;
	AssessInt	repeated_pricing_views; /* source_settings */
	AssessInt	support_visits_threshold;

	/* deals (customer_deals; has_deals: a row of it) */
	bool		has_deals;
	const char *last_deal_outcome;	/* NULL for NULL */
	const char *last_deal_reason;
	AssessInt	last_deal_at;
	AssessInt	open_deals;

	/*
	 * outreach (customer_outreach): the outcome of the latest contact that
	 * reached the customer, and the reason when it was declined
	 */
	const char *last_outreach_outcome;	/* NULL for NULL */
	const char *last_outreach_reason;
	AssessInt	last_outreach_on;	/* its day, a day number */
	/*
	 * the latest conversation is a decline and a deal was closed on its day
	 * or later (deals bound): the deal is the latest evidence, and the
	 * decline's words (outreach_declined, outreach_reason_<reason>) are left
	 * out, as the deal component leaves the decline out of the score
	 * (core/priority.c, priority_decline_is_latest, which decides it)
	 */
	bool		decline_superseded;
	/*
	 * its day is in the engagement window (as_of - engagement_window,
	 * as_of]: a conversation is engagement, as an event is
	 */
	bool		conversation_in_window;

	/* contacts (customer_contacts; NULL counts when no row) */
	bool		contact_phones_bound;
	bool		contact_emails_bound;
	bool		contact_persons_bound;
	bool		contact_dates_bound;
	AssessInt	phones;
	AssessInt	emails;
	AssessInt	persons;
	AssessInt	invalid_phones;
	AssessInt	invalid_emails;
	AssessBool	outdated;
} AssessInput;

/* The kind of dormancy (dk.dormancy_kind). */
typedef enum AssessKind
{
	ASSESS_KIND_NONE,			/* NULL */
	ASSESS_KIND_LOST_DEAL,
	ASSESS_KIND_PURCHASE
} AssessKind;

/* Most words assess_evidence writes (before the decline signals). */
#define ASSESS_MAX_EVIDENCE 20

/*
 * An evidence word: a prefix ("" or state_, deal_, deal_reason_, outreach_,
 * outreach_reason_) and a text.
 */
typedef struct AssessWord
{
	const char *prefix;			/* "", "state_", "deal_", "outreach_", ... */
	const char *text;
} AssessWord;

/* The data gaps, one bit each, in the order of customer_status.data_gaps. */
typedef enum AssessGap
{
	ASSESS_GAP_NO_CONTACT,
	ASSESS_GAP_NO_PHONE,
	ASSESS_GAP_INVALID_PHONE,
	ASSESS_GAP_NO_EMAIL,
	ASSESS_GAP_INVALID_EMAIL,
	ASSESS_GAP_NO_PERSON,
	ASSESS_GAP_CONTACT_OUTDATED,
	/* the name gaps (no_name, duplicate_name) come here, from SQL */
	ASSESS_GAP_NO_ACTIVITY,
	ASSESS_NGAPS
} AssessGap;

/* Names of the gaps, by AssessGap. */
extern const char *const assess_gap_names[ASSESS_NGAPS];

/* Whether a state is one of at_risk, dormant, long_dormant. */
extern bool assess_state_lapsing(const char *state);

/* The kind of dormancy. */
extern AssessKind assess_kind(const AssessInput *in);

/*
 * Whether a deal or an outreach conversation of that day still counts: it
 * came after the last order of any amount (a later day), or there is no
 * order; an undated one counts only when there is no order.
 */
extern bool assess_after_last_order(const AssessInput *in, AssessInt day);

/* Whether the customer is lapsing (false for SQL NULL too). */
extern bool assess_lapsing(const AssessInput *in, AssessKind kind);

/*
 * The evidence words before the decline signals, in the order of the SQL
 * array they replace; returns how many (at most ASSESS_MAX_EVIDENCE).
 */
extern int	assess_evidence(const AssessInput *in, AssessKind kind, AssessWord *out);

/* The data gaps that apply, bit i for AssessGap i (name gaps excluded). */
extern uint32_t assess_gaps(const AssessInput *in);

#endif							/* DORMANCY_CORE_ASSESS_H */
