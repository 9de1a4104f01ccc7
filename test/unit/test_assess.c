/*
 * test_assess.c
 *		Unit tests of the assessment of customer_status (src/core/assess.c)
 *		and of customer_core's segment and price-change choice
 *		(src/core/facts.c), without a server.  Prints TAP; exits nonzero
 *		when a test fails.
 *
 * Build: "make unit".  The comparison with the SQL these replaced, customer
 * by customer, is sql/assessment.sql.
 */
#include <string.h>

#include "tap.h"
#include "assess.h"
#include "facts.h"

static AssessInt
I(int64_t v)
{
	AssessInt	x = {true, v};

	return x;
}

static const AssessInt NONE = {false, 0};

/* A customer with nothing known: every count NULL, every flag false. */
static AssessInput
blank(void)
{
	AssessInput in;

	memset(&in, 0, sizeof(in));
	in.contract_lapsed = in.auto_renew_off = in.downgraded = ASSESS_NULL;
	in.outdated = ASSESS_NULL;
	in.renewal_horizon_days = 90;
	return in;
}

/* The evidence as one string, words joined by ','. */
static const char *
joined(const AssessInput *in, AssessKind kind)
{
	static char buf[1024];
	AssessWord	w[ASSESS_MAX_EVIDENCE];
	int			n = assess_evidence(in, kind, w);

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			strcat(buf, ",");
		strcat(buf, w[i].prefix);
		strcat(buf, w[i].text);
	}
	return buf;
}

static void
test_kind(void)
{
	AssessInput in = blank();

	ok(assess_kind(&in) == ASSESS_KIND_NONE, "nothing known: no kind");
	in.state = "dormant";
	ok(assess_kind(&in) == ASSESS_KIND_PURCHASE, "dormant: purchase");
	in.state = "active";
	ok(assess_kind(&in) == ASSESS_KIND_NONE, "active: none");
	in.last_deal_outcome = "lost";
	in.last_deal_at = I(100);
	ok(assess_kind(&in) == ASSESS_KIND_NONE, "active, a lost deal after the last purchase: still buying, none");
	in.state = "never_purchased";
	ok(assess_kind(&in) == ASSESS_KIND_LOST_DEAL, "a lost deal and no purchase: lost_deal");
	in.last_activity_at = I(100);
	ok(assess_kind(&in) == ASSESS_KIND_NONE, "a lost deal on the day of the last purchase: not after it");
	in.last_activity_at = I(99);
	ok(assess_kind(&in) == ASSESS_KIND_LOST_DEAL, "a lost deal after the last purchase");
	in.last_deal_outcome = "postponed";
	ok(assess_kind(&in) == ASSESS_KIND_LOST_DEAL, "postponed counts as lost");
	in.last_deal_outcome = "won";
	in.state = "long_dormant";
	ok(assess_kind(&in) == ASSESS_KIND_PURCHASE, "a won deal: the state decides");
	in.last_deal_outcome = "lost";
	in.last_deal_at = NONE;
	ok(assess_kind(&in) == ASSESS_KIND_PURCHASE, "a lost deal without a day, after purchases: NULL comparison, the state decides");
}

static void
test_lapsing(void)
{
	AssessInput in = blank();

	ok(!assess_lapsing(&in, ASSESS_KIND_NONE), "nothing known: not lapsing (NULL)");
	in.state = "at_risk";
	ok(assess_lapsing(&in, ASSESS_KIND_PURCHASE), "at risk");
	in.state = "active";
	ok(!assess_lapsing(&in, ASSESS_KIND_NONE), "active");
	in.declining = true;
	ok(assess_lapsing(&in, ASSESS_KIND_NONE), "active but declining");
	in.declining = false;
	ok(assess_lapsing(&in, ASSESS_KIND_LOST_DEAL), "a lost deal");
	in.auto_renew_off = ASSESS_TRUE;
	ok(assess_lapsing(&in, ASSESS_KIND_NONE), "auto-renew off");
	in.auto_renew_off = ASSESS_FALSE;
	in.contract_lapsed = ASSESS_FALSE;
	ok(!assess_lapsing(&in, ASSESS_KIND_NONE), "contract flags false or NULL: not lapsing");
	in.downgraded = ASSESS_TRUE;
	ok(assess_lapsing(&in, ASSESS_KIND_NONE), "downgraded");
}

static void
test_evidence(void)
{
	AssessInput in = blank();

	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "") == 0, "nothing known: no evidence");
	in.state = "dormant";
	in.segment = "repeat";
	in.declining = true;
	in.lapsed_after_price_increase = true;
	in.contract_lapsed = ASSESS_TRUE;
	in.renewal_due_in_days = I(90);
	in.events_bound = true;
	in.pricing_views = I(3);
	in.repeated_pricing_views = I(3);
	in.support_visits = I(1);
	in.support_visits_threshold = I(2);
	in.last_deal_outcome = "lost";
	in.last_deal_reason = "price";
	in.open_deals = I(1);
	ok(strcmp(joined(&in, ASSESS_KIND_LOST_DEAL),
			  "state_dormant,lapsed,repeat,declining,lapsed_after_price_increase,contract_lapsed,"
			  "renewal_due,no_engagement,pricing_views,repeated_pricing_views,deal_lost,"
			  "deal_reason_price,open_deal,lost_deal") == 0,
	   "the words in the order of the SQL array: %s", joined(&in, ASSESS_KIND_LOST_DEAL));
	in.renewal_due_in_days = I(91);
	in.events_in_window = I(2);
	in.repeated_pricing_views = NONE;
	in.support_visits = I(2);
	ok(strcmp(joined(&in, ASSESS_KIND_PURCHASE),
			  "state_dormant,lapsed,repeat,declining,lapsed_after_price_increase,contract_lapsed,"
			  "engaged,pricing_views,support_visits,deal_lost,deal_reason_price,open_deal") == 0,
	   "renewal past the horizon, engaged, a NULL setting matches nothing: %s", joined(&in, ASSESS_KIND_PURCHASE));
	in = blank();
	in.events_bound = true;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "no_engagement") == 0, "events bound, none: no_engagement");
	in.conversation_in_window = true;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "engaged") == 0, "no event, a conversation in the window: engaged");
	in.events_bound = false;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "") == 0, "events not bound: neither word");
	in = blank();
	in.state = "active";
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_active") == 0, "active: not lapsed");
	in.state = "at_risk";
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_at_risk,lapsed") == 0, "at risk: lapsed");
	in.state = "long_dormant";
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_long_dormant,lapsed") == 0, "long dormant: lapsed");
	/* a large-order rule: dormant on large orders, still buying small ones */
	in.bought_recently = true;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_long_dormant") == 0,
	   "dormant on qualifying orders but an order of any amount within at_risk_after: not lapsed");
	ok(assess_lapsing(&in, ASSESS_KIND_PURCHASE), "still lapsing (the state), so a reason is given");
	in.bought_recently = false;
	/* the outreach: the latest outcome, and a declined reason, last */
	in.last_outreach_outcome = "declined";
	in.last_outreach_reason = "competitor";
	ok(strcmp(joined(&in, ASSESS_KIND_NONE),
			  "state_long_dormant,lapsed,outreach_declined,outreach_reason_competitor") == 0,
	   "outreach declined with a reason: %s", joined(&in, ASSESS_KIND_NONE));
	in.last_outreach_outcome = "interested";
	in.last_outreach_reason = NULL;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_long_dormant,lapsed,outreach_interested") == 0,
	   "outreach interested: %s", joined(&in, ASSESS_KIND_NONE));
	/* a deal or a conversation counts only after the last order */
	in.last_outreach_outcome = "declined";
	in.last_outreach_reason = "price";
	in.last_outreach_on = I(200);
	in.last_deal_outcome = "lost";
	in.last_deal_reason = "competitor";
	in.last_deal_at = I(150);
	in.last_order_at = I(100);
	ok(strcmp(joined(&in, ASSESS_KIND_NONE),
			  "state_long_dormant,lapsed,deal_lost,deal_reason_competitor,outreach_declined,outreach_reason_price") == 0,
	   "a deal and a decline after the last order count: %s", joined(&in, ASSESS_KIND_NONE));
	in.last_order_at = I(150);
	ok(strcmp(joined(&in, ASSESS_KIND_NONE),
			  "state_long_dormant,lapsed,outreach_declined,outreach_reason_price") == 0,
	   "a deal on the day of the last order does not: %s", joined(&in, ASSESS_KIND_NONE));
	in.last_order_at = I(300);
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_long_dormant,lapsed") == 0,
	   "a deal and a decline before the last order do not: %s", joined(&in, ASSESS_KIND_NONE));
	in.last_deal_at = NONE;
	in.last_outreach_on = NONE;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE), "state_long_dormant,lapsed") == 0,
	   "undated, with orders: not counted");
	in.last_order_at = NONE;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE),
			  "state_long_dormant,lapsed,deal_lost,deal_reason_competitor,outreach_declined,outreach_reason_price") == 0,
	   "no order: every deal and conversation counts: %s", joined(&in, ASSESS_KIND_NONE));
	ok(assess_after_last_order(&in, NONE), "no order: an undated day counts");
	/* a decline a deal superseded (closed on its day or later) gives no words */
	in.last_outreach_on = I(200);
	in.last_deal_at = I(250);
	in.last_deal_outcome = "postponed";
	in.last_deal_reason = "budget";
	in.decline_superseded = true;
	ok(strcmp(joined(&in, ASSESS_KIND_NONE),
			  "state_long_dormant,lapsed,deal_postponed,deal_reason_budget") == 0,
	   "a decline superseded by a later deal: the deal's words only: %s", joined(&in, ASSESS_KIND_NONE));
	in.decline_superseded = false;
	in.last_deal_at = I(150);
	in.last_deal_outcome = "lost";
	in.last_deal_reason = "competitor";
	/* every word at once: exactly ASSESS_MAX_EVIDENCE */
	in = blank();
	in.state = "dormant";
	in.segment = "repeat";
	in.declining = in.lapsed_after_price_increase = in.lapsed_after_spec_change = true;
	in.contract_lapsed = in.auto_renew_off = in.downgraded = ASSESS_TRUE;
	in.renewal_due_in_days = I(1);
	in.events_bound = true;
	in.pricing_views = I(5);
	in.repeated_pricing_views = I(3);
	in.support_visits = I(5);
	in.support_visits_threshold = I(2);
	in.last_deal_outcome = "lost";
	in.last_deal_reason = "price";
	in.open_deals = I(1);
	in.last_outreach_outcome = "declined";
	in.last_outreach_reason = "budget";
	{
		AssessWord	w[ASSESS_MAX_EVIDENCE];

		ok(assess_evidence(&in, ASSESS_KIND_LOST_DEAL, w) == ASSESS_MAX_EVIDENCE,
		   "every word at once fills ASSESS_MAX_EVIDENCE (%d)", ASSESS_MAX_EVIDENCE);
	}
}

static void
test_gaps(void)
{
	AssessInput in = blank();
	uint32_t	all_contacts = (1u << ASSESS_GAP_NO_CONTACT) | (1u << ASSESS_GAP_NO_PHONE) |
		(1u << ASSESS_GAP_NO_EMAIL) | (1u << ASSESS_GAP_NO_PERSON);

	ok(assess_gaps(&in) == 1u << ASSESS_GAP_NO_ACTIVITY, "nothing bound, nothing on record: no_activity only");
	in.has_deals = true;
	ok(assess_gaps(&in) == 0, "a deal is activity");
	in.contact_phones_bound = in.contact_emails_bound = in.contact_persons_bound = true;
	in.contact_dates_bound = true;
	ok(assess_gaps(&in) == all_contacts, "contacts bound, no row: no contact, phone, email, person");
	in.phones = I(1);
	in.emails = I(0);
	in.persons = I(2);
	in.invalid_phones = I(0);
	in.invalid_emails = I(1);
	in.outdated = ASSESS_TRUE;
	ok(assess_gaps(&in) == ((1u << ASSESS_GAP_NO_EMAIL) | (1u << ASSESS_GAP_INVALID_EMAIL) |
							(1u << ASSESS_GAP_CONTACT_OUTDATED)),
	   "a phone, an invalid address, outdated");
	in.contact_dates_bound = false;
	in.contact_emails_bound = false;
	ok(assess_gaps(&in) == 0, "gaps of columns not bound are not reported");
	ok(strcmp(assess_gap_names[ASSESS_GAP_NO_ACTIVITY], "no_activity") == 0 &&
	   strcmp(assess_gap_names[ASSESS_GAP_NO_CONTACT], "no_contact") == 0, "gap names");
}

static void
test_core(void)
{
	PriceChangeHit hits[4] = {{true, false}, {false, true}, {true, true}, {false, true}};
	int			pi,
				sc;

	ok(customer_segment(true, true, 5) != NULL && strcmp(customer_segment(true, true, 5), "campaign_only") == 0,
	   "campaign only first");
	ok(strcmp(customer_segment(true, false, 1), "one_time") == 0, "one purchase day: one_time");
	ok(strcmp(customer_segment(false, false, 2), "repeat") == 0, "two: repeat");
	ok(customer_segment(false, false, 0) == NULL, "none: NULL");
	price_changes_latest(hits, 4, &pi, &sc);
	ok(pi == 2 && sc == 1, "the first (latest) change of each kind the customer lapsed after");
	price_changes_latest(hits, 1, &pi, &sc);
	ok(pi == -1 && sc == -1, "none lapsed after: -1");
}

int
main(void)
{
	test_kind();
	test_lapsing();
	test_evidence();
	test_gaps();
	test_core();
	return tap_done();
}
