/*
 * assess.c
 *		The per-customer assessment of customer_status (see assess.h).
 *
 * Each function follows the SQL expression it replaced word for word,
 * three-valued logic included: a comparison with NULL is not true, so a
 * CASE WHEN on it takes the next branch.
 */
#include "assess.h"

#include <string.h>

const char *const assess_gap_names[ASSESS_NGAPS] = {
	"no_contact", "no_phone", "invalid_phone", "no_email", "invalid_email",
	"no_person", "contact_outdated", "no_activity"
};

/* x > 0, NULL not true */
static bool
positive(AssessInt x)
{
	return x.valid && x.value > 0;
}

/* a >= b, NULL on either side not true */
static bool
at_least(AssessInt a, AssessInt b)
{
	return a.valid && b.valid && a.value >= b.value;
}

/* coalesce(x, 0) */
static int64_t
or_zero(AssessInt x)
{
	return x.valid ? x.value : 0;
}

/* state IN ('at_risk', 'dormant', 'long_dormant') */
bool
assess_state_lapsing(const char *state)
{
	return state != NULL &&
		(strcmp(state, "at_risk") == 0 || strcmp(state, "dormant") == 0 ||
		 strcmp(state, "long_dormant") == 0);
}

/*
 * CASE WHEN last_deal_outcome IN ('lost', 'postponed')
 *			 AND (last_activity_at IS NULL OR last_deal_at > last_activity_at)
 *			 AND state IS DISTINCT FROM 'active' THEN 'lost_deal'
 *		WHEN state IN ('at_risk', 'dormant', 'long_dormant') THEN 'purchase' END
 *
 * (an active customer, still buying, is not dormant after a lost deal: D1)
 */
AssessKind
assess_kind(const AssessInput *in)
{
	if (in->last_deal_outcome != NULL &&
		!(in->state != NULL && strcmp(in->state, "active") == 0) &&
		(strcmp(in->last_deal_outcome, "lost") == 0 || strcmp(in->last_deal_outcome, "postponed") == 0) &&
		(!in->last_activity_at.valid ||
		 (in->last_deal_at.valid && in->last_deal_at.value > in->last_activity_at.value)))
		return ASSESS_KIND_LOST_DEAL;
	if (assess_state_lapsing(in->state))
		return ASSESS_KIND_PURCHASE;
	return ASSESS_KIND_NONE;
}

/*
 * state IN ('at_risk', 'dormant', 'long_dormant') OR declining
 * OR dormancy_kind = 'lost_deal'
 * OR coalesce(contract_lapsed OR auto_renew_off OR downgraded, false)
 * (NULL, when the state is NULL and nothing else holds, behaves as false
 * wherever lapsing is read)
 */
bool
assess_lapsing(const AssessInput *in, AssessKind kind)
{
	return assess_state_lapsing(in->state) || in->declining ||
		kind == ASSESS_KIND_LOST_DEAL ||
		in->contract_lapsed == ASSESS_TRUE || in->auto_renew_off == ASSESS_TRUE ||
		in->downgraded == ASSESS_TRUE;
}

/* no order, or the day is later than the last order */
bool
assess_after_last_order(const AssessInput *in, AssessInt day)
{
	return !in->last_order_at.valid || (day.valid && day.value > in->last_order_at.value);
}

static void
add(AssessWord *out, int *n, const char *prefix, const char *text)
{
	out[*n].prefix = prefix;
	out[*n].text = text;
	(*n)++;
}

/* array_remove(ARRAY[...], NULL) of the evidence, before || decline_signals */
int
assess_evidence(const AssessInput *in, AssessKind kind, AssessWord *out)
{
	int			n = 0;

	if (in->state != NULL)
		add(out, &n, "state_", in->state);
	/* stopped buying: not while an order of any amount is recent */
	if (assess_state_lapsing(in->state) && !in->bought_recently)
		add(out, &n, "", "lapsed");
	if (in->segment != NULL)
		add(out, &n, "", in->segment);
	if (in->declining)
		add(out, &n, "", "declining");
	if (in->lapsed_after_price_increase)
		add(out, &n, "", "lapsed_after_price_increase");
	if (in->lapsed_after_spec_change)
		add(out, &n, "", "lapsed_after_spec_change");
	if (in->contract_lapsed == ASSESS_TRUE)
		add(out, &n, "", "contract_lapsed");
	if (in->auto_renew_off == ASSESS_TRUE)
		add(out, &n, "", "auto_renew_off");
	if (in->downgraded == ASSESS_TRUE)
		add(out, &n, "", "downgraded");
	if (in->renewal_due_in_days.valid && in->renewal_due_in_days.value <= in->renewal_horizon_days)
		add(out, &n, "", "renewal_due");
	/* a conversation in the window is engagement too (events bound) */
	if (in->events_bound)
		add(out, &n, "", or_zero(in->events_in_window) > 0 || in->conversation_in_window ?
			"engaged" : "no_engagement");
	if (positive(in->pricing_views))
		add(out, &n, "", "pricing_views");
	if (at_least(in->pricing_views, in->repeated_pricing_views))
		add(out, &n, "", "repeated_pricing_views");
	if (at_least(in->support_visits, in->support_visits_threshold))
		add(out, &n, "", "support_visits");
	/*
	 * the last deal and conversation, when they came after the last order;
	 * a decline besides only when it is later than the last closed deal
	 */
	if (in->last_deal_outcome != NULL && assess_after_last_order(in, in->last_deal_at))
		add(out, &n, "deal_", in->last_deal_outcome);
	if (in->last_deal_reason != NULL && assess_after_last_order(in, in->last_deal_at))
		add(out, &n, "deal_reason_", in->last_deal_reason);
	if (positive(in->open_deals))
		add(out, &n, "", "open_deal");
	if (kind == ASSESS_KIND_LOST_DEAL)
		add(out, &n, "", "lost_deal");
	/* (a decline only while no deal was closed on its day or later) */
	if (in->last_outreach_outcome != NULL && assess_after_last_order(in, in->last_outreach_on) &&
		!in->decline_superseded)
		add(out, &n, "outreach_", in->last_outreach_outcome);
	if (in->last_outreach_reason != NULL && assess_after_last_order(in, in->last_outreach_on) &&
		!in->decline_superseded)
		add(out, &n, "outreach_reason_", in->last_outreach_reason);
	return n;
}

/* The CASEs of data_gaps but the name's (the gaps of an unbound source are not reported). */
uint32_t
assess_gaps(const AssessInput *in)
{
	uint32_t	gaps = 0;

	if ((in->contact_phones_bound || in->contact_emails_bound) &&
		or_zero(in->phones) + or_zero(in->emails) == 0)
		gaps |= 1u << ASSESS_GAP_NO_CONTACT;
	if (in->contact_phones_bound && or_zero(in->phones) == 0)
		gaps |= 1u << ASSESS_GAP_NO_PHONE;
	if (in->contact_phones_bound && positive(in->invalid_phones))
		gaps |= 1u << ASSESS_GAP_INVALID_PHONE;
	if (in->contact_emails_bound && or_zero(in->emails) == 0)
		gaps |= 1u << ASSESS_GAP_NO_EMAIL;
	if (in->contact_emails_bound && positive(in->invalid_emails))
		gaps |= 1u << ASSESS_GAP_INVALID_EMAIL;
	if (in->contact_persons_bound && or_zero(in->persons) == 0)
		gaps |= 1u << ASSESS_GAP_NO_PERSON;
	if (in->contact_dates_bound && in->outdated == ASSESS_TRUE)
		gaps |= 1u << ASSESS_GAP_CONTACT_OUTDATED;
	if (!in->has_orders && !in->has_contract && !in->has_events && !in->has_deals)
		gaps |= 1u << ASSESS_GAP_NO_ACTIVITY;
	return gaps;
}
