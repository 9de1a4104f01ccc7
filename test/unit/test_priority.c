/*
 * test_priority.c
 *		Unit tests of the priority score (src/core/priority.c), without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit", or compile src/core/[all .c files] with this file,
 * -std=c11 -Wall -Wextra -Werror -Isrc/core and -lm.
 *
 * The scenario pairs of issue #5 (regular high-value > one-time, recent
 * pricing views > no engagement, postponed for budget > moved to a
 * competitor, at risk > long dormant) each differ in one input; the test
 * checks the order and that the difference is in the one component that
 * reads that input.  Then the component values at their documented points,
 * the weight checks, and random inputs against the score's invariants.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "priority.h"


static bool
close_to(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static PriorityValue
val(double v)
{
	PriorityValue p = {true, v};

	return p;
}

static const PriorityValue null_value = {false, 0};

/*
 * A dormant repeat buyer of the default ladder (dormant after 365 days, long
 * dormant after 730), 400 days silent, monthly for two years, with every
 * source bound and nothing in them.
 */
static PriorityInputs
base_inputs(void)
{
	PriorityInputs in;

	memset(&in, 0, sizeof(in));
	in.state = PRIORITY_STATE_DORMANT;
	in.days_since_last_order = val(400);
	in.at_risk_days = val(181);
	in.dormant_days = val(365);
	in.long_dormant_days = val(730);
	in.total_amount = 240000;
	in.order_days = 24;
	in.median_gap_days = val(30);
	in.mean_gap_days = val(30);
	in.gap_stddev_days = val(3);
	in.decline_signals = 1;
	in.events_bound = true;
	in.engagement_window_days = 90;
	in.days_since_last_event = null_value;
	in.deals_bound = true;
	in.last_deal_outcome = DEAL_OUTCOME_NONE;
	in.contracts_bound = true;
	in.renewal_horizon_days = 90;
	in.p_alive = null_value;
	in.expected_value = null_value;
	return in;
}

static PriorityWeights weights;

static PriorityResult
score(const PriorityInputs *in)
{
	PriorityResult r;

	priority_compute(in, &weights, &r);
	return r;
}

/* a beats b, and every component but the listed ones is equal. */
static void
pair(const char *what, const PriorityInputs *a, const PriorityInputs *b,
	 PriorityComponent c1, int c2)
{
	PriorityResult ra = score(a);
	PriorityResult rb = score(b);
	bool		others_equal = true;

	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		if (i != (int) c1 && i != c2 && !close_to(ra.part[i].contribution, rb.part[i].contribution))
			others_equal = false;
	ok(ra.score > rb.score, "%s: %.2f > %.2f", what, ra.score, rb.score);
	ok(ra.part[c1].contribution > rb.part[c1].contribution,
	   "%s: the difference is in %s (%.2f vs %.2f)", what, priority_component_names[c1],
	   ra.part[c1].contribution, rb.part[c1].contribution);
	ok(others_equal, "%s: the other components are equal", what);
}

static void
test_pairs(void)
{
	PriorityInputs a;
	PriorityInputs b;

	/* regular high-value > one-time (same silence, same state) */
	a = base_inputs();
	b = base_inputs();
	b.total_amount = 8000;
	b.order_days = 1;
	b.median_gap_days = b.mean_gap_days = b.gap_stddev_days = null_value;
	pair("regular high-value beats one-time", &a, &b, PRIORITY_REGULARITY, PRIORITY_PAST_VALUE);
	ok(score(&b).part[PRIORITY_REGULARITY].value == 0, "one-time buyer has no regularity");

	/* recent pricing views > no engagement */
	a = base_inputs();
	b = base_inputs();
	a.events_in_window = 4;
	a.pricing_views = 3;
	a.days_since_last_event = val(5);
	pair("recent pricing views beat no engagement", &a, &b, PRIORITY_ENGAGEMENT, -1);
	ok(close_to(score(&b).part[PRIORITY_ENGAGEMENT].value, weights.no_engagement),
	   "no event in the window gives no_engagement");

	/* postponed for budget > moved to a competitor */
	a = base_inputs();
	b = base_inputs();
	a.last_deal_outcome = DEAL_OUTCOME_POSTPONED;
	a.last_deal_reason = DEAL_REASON_BUDGET;
	a.days_since_last_deal = val(60);
	b.last_deal_outcome = DEAL_OUTCOME_LOST;
	b.last_deal_reason = DEAL_REASON_COMPETITOR;
	b.days_since_last_deal = val(60);
	pair("postponed for budget beats moved to a competitor", &a, &b, PRIORITY_DEAL, -1);
	ok(score(&b).part[PRIORITY_DEAL].contribution < 0, "a competitor loss contributes negatively");

	/* at risk > long dormant */
	a = base_inputs();
	b = base_inputs();
	a.state = PRIORITY_STATE_AT_RISK;
	a.days_since_last_order = val(200);
	b.state = PRIORITY_STATE_LONG_DORMANT;
	b.days_since_last_order = val(800);
	pair("at risk beats long dormant", &a, &b, PRIORITY_RECENCY, -1);

	/* lost on price is negative, but less so than a competitor */
	a = base_inputs();
	b = base_inputs();
	a.last_deal_outcome = b.last_deal_outcome = DEAL_OUTCOME_LOST;
	a.last_deal_reason = DEAL_REASON_PRICE;
	b.last_deal_reason = DEAL_REASON_COMPETITOR;
	pair("lost on price beats lost to a competitor", &a, &b, PRIORITY_DEAL, -1);
}

static void
test_components(void)
{
	PriorityInputs in = base_inputs();
	PriorityResult r;
	double		sum = 0;

	/* recency at the documented points */
	in.days_since_last_order = val(365);
	ok(close_to(priority_recency_value(&in), 0.8), "recency 0.8 at dormant_after");
	in.days_since_last_order = val(547.5);
	ok(close_to(priority_recency_value(&in), 0.55), "recency halfway through dormant is 0.55");
	in.state = PRIORITY_STATE_LONG_DORMANT;
	in.days_since_last_order = val(730);
	ok(close_to(priority_recency_value(&in), 0.2), "recency 0.2 at long_dormant_after");
	in.days_since_last_order = val(1460);
	ok(close_to(priority_recency_value(&in), 0), "recency 0 at twice long_dormant_after");
	in.days_since_last_order = val(5000);
	ok(close_to(priority_recency_value(&in), 0), "recency stays 0 after that");
	in.state = PRIORITY_STATE_AT_RISK;
	ok(close_to(priority_recency_value(&in), 1), "recency 1 at risk");
	in.state = PRIORITY_STATE_ACTIVE;
	ok(close_to(priority_recency_value(&in), 0.2), "recency 0.2 active");
	in.state = PRIORITY_STATE_NEVER_PURCHASED;
	ok(close_to(priority_recency_value(&in), 0), "recency 0 never purchased");
	/* a prospect who lost a deal: on the ladder by the days since the deal */
	in.last_deal_outcome = DEAL_OUTCOME_LOST;
	in.days_since_last_deal = val(200);
	ok(close_to(priority_recency_value(&in), 1), "a deal lost 200 days ago puts a prospect at risk (1)");
	in.days_since_last_deal = val(30);
	ok(close_to(priority_recency_value(&in), 0.2), "a deal lost 30 days ago: like active (0.2)");
	in.last_deal_outcome = DEAL_OUTCOME_WON;
	ok(close_to(priority_recency_value(&in), 0), "a won deal without purchases: 0");

	/* deal fades with age; an open deal is a floor */
	in = base_inputs();
	in.last_deal_outcome = DEAL_OUTCOME_POSTPONED;
	in.days_since_last_deal = val(0);
	ok(close_to(priority_deal_value(&in, &weights), 1.0), "postponed deal today is 1");
	in.days_since_last_deal = val(weights.deal_horizon_days / 2.0);
	ok(close_to(priority_deal_value(&in, &weights), 0.5), "postponed deal at half the horizon is 0.5");
	in.days_since_last_deal = val(weights.deal_horizon_days * 2.0);
	ok(close_to(priority_deal_value(&in, &weights), 0), "a deal older than the horizon is 0");
	in.last_deal_outcome = DEAL_OUTCOME_LOST;
	in.last_deal_reason = DEAL_REASON_COMPETITOR;
	in.days_since_last_deal = val(0);
	in.open_deals = 1;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_open), "an open deal lifts a lost one to deal_open");
	in.open_deals = 0;
	in.last_deal_reason = DEAL_REASON_TIMING;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_budget_timing), "lost on timing is deal_lost_budget_timing");
	in.last_deal_outcome = DEAL_OUTCOME_UNKNOWN;
	ok(close_to(priority_deal_value(&in, &weights), 0), "an unmapped outcome is neutral");

	/* contract */
	in = base_inputs();
	ok(priority_contract_value(&in) == 0, "no contract is neutral");
	in.has_contract = true;
	in.auto_renew_off = true;
	in.renewal_due_in_days = val(30);
	ok(close_to(priority_contract_value(&in), 1.0), "auto-renew off with renewal due is 1");
	in.renewal_due_in_days = val(200);
	ok(close_to(priority_contract_value(&in), 0.7), "auto-renew off with renewal far away is 0.7");
	in.auto_renew_off = false;
	in.declining = true;
	in.renewal_due_in_days = val(10);
	ok(close_to(priority_contract_value(&in), 1.0), "declining before the renewal is 1");
	in.declining = false;
	ok(close_to(priority_contract_value(&in), 0.4), "renewal due is 0.4");
	in.renewal_due_in_days = null_value;
	in.contract_lapsed = true;
	in.days_since_contract_end = val(0);
	ok(close_to(priority_contract_value(&in), 0.8), "just lapsed is 0.8");
	in.days_since_contract_end = val(400);
	in.downgraded = true;
	ok(close_to(priority_contract_value(&in), 0.6), "long lapsed and downgraded is 0.6");

	/* contributions add up to the score; shares to 100 */
	in = base_inputs();
	in.events_in_window = 2;
	in.days_since_last_event = val(10);
	r = score(&in);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		sum += r.part[i].contribution;
	ok(close_to(sum, r.score), "contributions add up to the score (%.4f)", r.score);
	sum = 0;
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		sum += r.part[i].share;
	ok(close_to(sum, 100), "shares of the applicable components add up to 100");
	ok(!r.part[PRIORITY_P_ALIVE].applicable && r.part[PRIORITY_P_ALIVE].share == 0,
	   "p_alive without a model is not applicable and has no share");
	ok(close_to(r.total_weight, 90), "total weight leaves the models out (90)");

	/* unbound sources give their weight to the others */
	in.events_bound = in.deals_bound = in.contracts_bound = false;
	r = score(&in);
	ok(close_to(r.total_weight, 65) && close_to(r.part[PRIORITY_RECENCY].share, 100.0 * 20 / 65),
	   "with only orders bound, recency has 20/65 of the points");

	/* a fitted model counts */
	in.p_alive = val(0.9);
	in.expected_value = val(5000);
	r = score(&in);
	ok(r.part[PRIORITY_P_ALIVE].applicable && close_to(r.part[PRIORITY_P_ALIVE].value, 0.9),
	   "p_alive counts when fitted");

	/* regularity: perfectly regular monthly buyer */
	in = base_inputs();
	in.gap_stddev_days = val(0);
	in.order_days = 6;
	r = score(&in);
	ok(close_to(r.part[PRIORITY_REGULARITY].value, 1.0 - 30.0 / 1826),
	   "regularity of 6 steady monthly days is 1 - 30/1826");
	in.campaign_only = true;
	r = score(&in);
	ok(close_to(r.part[PRIORITY_REGULARITY].value, (1.0 - 30.0 / 1826) * 0.3),
	   "campaign-only buyers keep campaign_only_factor of it");
	in.median_gap_days = val(2000);
	r = score(&in);
	ok(r.part[PRIORITY_REGULARITY].value == 0, "a replacement cycle beyond replacement_cycle_days gives 0");

	/* past value on a log scale up to the cap */
	in = base_inputs();
	in.total_amount = weights.value_cap * 10;
	ok(close_to(score(&in).part[PRIORITY_PAST_VALUE].value, 1), "past value is 1 at and above the cap");
	in.total_amount = -50;
	ok(score(&in).part[PRIORITY_PAST_VALUE].value == 0, "a net refund gives past value 0");
}

static void
test_weights(void)
{
	PriorityWeights w;
	PriorityInputs in = base_inputs();
	PriorityResult r;

	priority_default_weights(&w);
	ok(priority_check_weights(&w) == NULL, "the default weights are valid");
	w.weight[PRIORITY_DEAL] = -1;
	ok(priority_check_weights(&w) != NULL && strcmp(priority_check_weights(&w), "deal") == 0,
	   "a negative weight is refused");
	priority_default_weights(&w);
	w.weight[PRIORITY_RECENCY] = NAN;
	ok(priority_check_weights(&w) != NULL, "a NaN weight is refused");
	priority_default_weights(&w);
	w.no_engagement = 0.5;
	ok(priority_check_weights(&w) != NULL && strcmp(priority_check_weights(&w), "no_engagement") == 0,
	   "a positive no_engagement is refused");
	priority_default_weights(&w);
	w.value_cap = 0;
	ok(priority_check_weights(&w) != NULL, "a zero value_cap is refused");
	priority_default_weights(&w);
	w.regular_days_cap = 1;
	ok(priority_check_weights(&w) != NULL, "regular_days_cap below 2 is refused");

	/* all weights zero: score 0 */
	priority_default_weights(&w);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		w.weight[i] = 0;
	priority_compute(&in, &w, &r);
	ok(r.score == 0 && r.total_weight == 0, "all weights zero give score 0");

	/* only a negative component: clamped at 0 */
	w.weight[PRIORITY_DEAL] = 10;
	in.last_deal_outcome = DEAL_OUTCOME_LOST;
	in.last_deal_reason = DEAL_REASON_COMPETITOR;
	priority_compute(&in, &w, &r);
	ok(r.score == 0 && close_to(r.part[PRIORITY_DEAL].contribution, -100), "a negative sum is clamped to 0");

	/* a single component decides alone */
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		w.weight[i] = 0;
	w.weight[PRIORITY_RECENCY] = 1;
	in = base_inputs();
	in.state = PRIORITY_STATE_AT_RISK;
	priority_compute(&in, &w, &r);
	ok(close_to(r.score, 100), "recency alone at risk gives 100");
}

/* Random inputs: the score stays in range and grows with the amount. */
static void
test_random(void)
{
	bool		in_range = true;
	bool		monotone = true;
	bool		sums = true;

	srand(11);
	for (int round = 0; round < 20000; round++)
	{
		PriorityInputs in = base_inputs();
		PriorityResult r;
		PriorityResult r2;
		double		sum = 0;

		in.state = (PriorityState) (rand() % 6);
		in.days_since_last_order = (rand() % 5) ? val(rand() % 3000) : null_value;
		in.total_amount = (rand() % 2) ? exp((rand() % 2000) / 100.0) : -(rand() % 100);
		in.order_days = rand() % 50;
		in.gap_stddev_days = (rand() % 3) ? val((rand() % 1000) / 10.0) : null_value;
		in.mean_gap_days = val((rand() % 1000) / 10.0);
		in.decline_signals = rand() % 7;
		in.events_bound = rand() % 2;
		in.events_in_window = rand() % 40;
		in.pricing_views = rand() % 10;
		in.days_since_last_event = (rand() % 4) ? val(rand() % 200) : null_value;
		in.deals_bound = rand() % 2;
		in.last_deal_outcome = (DealOutcome) (rand() % 6);
		in.last_deal_reason = (DealReason) (rand() % 8);
		in.days_since_last_deal = (rand() % 4) ? val(rand() % 3000) : null_value;
		in.open_deals = rand() % 2;
		in.outreach_declined_reason = (DealReason) (rand() % 8);
		in.days_since_outreach_decline = (rand() % 4) ? val(rand() % 3000) : null_value;
		in.contracts_bound = rand() % 2;
		in.has_contract = rand() % 2;
		in.contract_lapsed = rand() % 2;
		in.auto_renew_off = rand() % 2;
		in.downgraded = rand() % 2;
		in.renewal_due_in_days = (rand() % 2) ? val(rand() % 400) : null_value;
		in.p_alive = (rand() % 2) ? val((rand() % 1001) / 1000.0) : null_value;
		in.expected_value = (rand() % 2) ? val(rand() % 100000) : null_value;
		r = score(&in);
		if (!(r.score >= 0 && r.score <= 100))
			in_range = false;
		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		{
			if (!isfinite(r.part[i].contribution) || r.part[i].value < -1 || r.part[i].value > 1)
				in_range = false;
			sum += r.part[i].contribution;
		}
		if (sum >= 0 && sum <= 100 && !close_to(sum, r.score))
			sums = false;
		in.total_amount = in.total_amount * 2 + 1;
		r2 = score(&in);
		if (r2.score < r.score - 1e-9)
			monotone = false;
	}
	ok(in_range, "random inputs: score in [0, 100], values in [-1, 1], contributions finite");
	ok(sums, "random inputs: contributions add up to the unclamped score");
	ok(monotone, "random inputs: a larger amount never lowers the score");
}

/*
 * Counts at the largest value their SQL type (integer) can carry: no
 * overflow (issue 10 item 11: events_in_window + pricing_views was a signed
 * 32-bit sum, undefined behaviour that wrapped to a negative intensity), and
 * every component at its saturated value.  Built with clang
 * -fsanitize=undefined -fno-sanitize-recover=all it must run clean.
 */
static void
test_extremes(void)
{
	PriorityInputs in = base_inputs();
	PriorityResult r;

	in.order_days = INT_MAX;
	in.decline_signals = INT_MAX;
	in.events_in_window = INT_MAX;
	in.pricing_views = INT_MAX;
	in.days_since_last_event = val(0);
	in.open_deals = INT_MAX;
	in.last_deal_outcome = DEAL_OUTCOME_NONE;
	priority_compute(&in, &weights, &r);
	ok(close_to(r.part[PRIORITY_ENGAGEMENT].value, 1.0),
	   "INT_MAX events and pricing views: full intensity and freshness (got %g)",
	   r.part[PRIORITY_ENGAGEMENT].value);
	ok(close_to(r.part[PRIORITY_DECLINE].value, 1.0),
	   "INT_MAX decline signals: full decline value (got %g)", r.part[PRIORITY_DECLINE].value);
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_open),
	   "INT_MAX open deals: the open-deal value (got %g)", priority_deal_value(&in, &weights));
	ok(r.score >= 0 && r.score <= 100, "INT_MAX counts: score %g in [0, 100]", r.score);

	in.events_in_window = 1;
	in.pricing_views = INT_MAX;
	priority_compute(&in, &weights, &r);
	ok(close_to(r.part[PRIORITY_ENGAGEMENT].value, 1.0),
	   "one event with INT_MAX pricing views: full engagement (got %g)",
	   r.part[PRIORITY_ENGAGEMENT].value);
}

/*
 * What the breakdown wrote before priority_format_number: printf's "%.*f",
 * trailing zeros after the point dropped, "-0" as "0", "null" when not
 * finite (a buffer large enough for any double).
 */
static void
reference_number(char *out, double x, int decimals)
{
	char		num[400];
	int			len;

	if (!isfinite(x))
	{
		strcpy(out, "null");
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
	strcpy(out, num);
}

/* One number against the reference; on failure says which. */
static bool
number_matches(double x, int decimals)
{
	char		got[PRIORITY_NUMBER_BUFSIZE];
	char		want[400];
	int			len;

	memset(got, 'x', sizeof(got));
	len = priority_format_number(got, x, decimals);
	reference_number(want, x, decimals);
	if (strcmp(got, want) != 0 || len != (int) strlen(got))
	{
		diag("%.17g with %d decimals: got \"%s\" (length %d), want \"%s\"", x, decimals, got, len, want);
		return false;
	}
	return true;
}

static void
test_format_number(void)
{
	static const double fixed[] = {
		0, -0.0, 1, -1, 10, 100, 1000, 0.5, -0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.125,
		0.05, 0.005, 0.0005, 0.00005, 0.00015, 1.005, 2.675, 1.0049999999999999,
		0.1, 0.2, 0.3, 0.7, 6.15, 11.91, 30.77, 15.38, 23.08, 0.3872, 0.1097, 512.34,
		-0.004, -0.00004, -0.3, -1.26, 99.995, 99.994999, 1e-300, -1e-300,
		123456789.125, 999999999999.5, 1e11 + 0.5, 1e12, 1e12 + 0.25, 4.5e15, 1e16,
		1e21, 1e300, -1e300, 1.7976931348623157e308, 9007199254740993.0,
		2147483647, -2147483648.0, 4294967296.5
	};
	bool		all = true;
	bool		random_ok = true;
	bool		days_ok = true;
	bool		special = true;
	char		buf[PRIORITY_NUMBER_BUFSIZE];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		for (int d = 0; d <= PRIORITY_MAX_DECIMALS; d++)
			all &= number_matches(fixed[i], d);
	ok(all, "format_number: fixed values (ties, tiny, huge, negative zero) as printf rounds them");

	srand(20261201);
	for (int i = 0; i < 200000; i++)
	{
		double		u = (double) rand() / RAND_MAX;
		double		x;

		switch (i % 5)
		{
			case 0:				/* amounts */
				x = (u - 0.2) * 1e7;
				break;
			case 1:				/* values and shares */
				x = (u - 0.5) * 2;
				break;
			case 2:				/* on a grid of halves of the last place: ties */
				x = round((u - 0.5) * 2e6) / 2e4 + ((i / 5) % 2 ? 0.00005 : 0.005);
				break;
			case 3:				/* wide magnitudes */
				x = (u - 0.5) * pow(10, (rand() % 40) - 10);
				break;
			default:			/* a handful of cents */
				x = (double) (rand() % 100000) / 100.0;
				break;
		}
		for (int d = 0; d <= PRIORITY_MAX_DECIMALS; d++)
			if (!number_matches(x, d))
				random_ok = false;
	}
	ok(random_ok, "format_number: 200000 random values at 0 to 4 decimals as printf rounds them");

	for (int day = -100000; day <= 100000; day++)
		if (!number_matches((double) day, 0))
			days_ok = false;
	ok(days_ok, "format_number: whole days from -100000 to 100000");

	special &= priority_format_number(buf, NAN, 2) == 4 && strcmp(buf, "null") == 0;
	special &= priority_format_number(buf, INFINITY, 0) == 4 && strcmp(buf, "null") == 0;
	special &= priority_format_number(buf, -INFINITY, 4) == 4 && strcmp(buf, "null") == 0;
	special &= priority_format_number(buf, -0.0, 0) == 1 && strcmp(buf, "0") == 0;
	special &= priority_format_number(buf, 2.5, 0) == 1 && strcmp(buf, "2") == 0;
	special &= priority_format_number(buf, 0.125, 2) == 4 && strcmp(buf, "0.12") == 0;
	special &= priority_format_number(buf, 12.3, 4) == 4 && strcmp(buf, "12.3") == 0;
	ok(special, "format_number: not finite is null, -0 is 0, ties to even as printf");
}

static void
test_json_key_order(void)
{
	static const char *const inner[] = {"value", "weight", "share", "contribution", "basis"};
	static const int inner_want[] = {4, 2, 0, 1, 3};
	static const char *const mixed[] = {"bb", "a", "ab", "b", "aa", "ccc"};
	static const int mixed_want[] = {1, 3, 4, 2, 0, 5};
	int			order[PRIORITY_NCOMPONENTS];
	char		names[256] = "";
	bool		same = true;

	priority_json_key_order(priority_component_names, PRIORITY_NCOMPONENTS, order);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		strcat(names, priority_component_names[order[i]]);
		strcat(names, i + 1 < PRIORITY_NCOMPONENTS ? " " : "");
	}
	ok(strcmp(names, "deal decline p_alive recency contract engagement past_value regularity expected_value") == 0,
	   "json key order of the components: %s", names);

	priority_json_key_order(inner, 5, order);
	for (int i = 0; i < 5; i++)
		same &= order[i] == inner_want[i];
	ok(same, "json key order of a component: basis share value weight contribution");

	same = true;
	priority_json_key_order(mixed, 6, order);
	for (int i = 0; i < 6; i++)
		same &= order[i] == mixed_want[i];
	ok(same, "json key order: by length, then bytewise");
}

/* The percentile of a value in stored quantiles, and the absolute fallback. */
static void
test_percentile(void)
{
	double		q[5] = {0, 10, 20, 20, 100};	/* at 0, 25, 50, 75 and 100 percent */
	PriorityInputs in;
	PriorityWeights w;
	PriorityResult r;

	ok(priority_percentile(q, 5, -1) == 0, "below the lowest quantile: 0");
	ok(priority_percentile(q, 5, 0) == 0, "at the lowest: 0");
	ok(fabs(priority_percentile(q, 5, 5) - 12.5) < 1e-12, "between two quantiles: linear");
	ok(priority_percentile(q, 5, 20) == 75, "on equal quantiles: the highest of them");
	ok(fabs(priority_percentile(q, 5, 60) - 87.5) < 1e-12, "between the last two");
	ok(priority_percentile(q, 5, 100) == 100 && priority_percentile(q, 5, 1e300) == 100, "at or above the top: 100");
	ok(priority_percentile(q, 5, NAN) == 0, "NaN: 0");
	ok(priority_percentile(q, 1, 50) == 0, "fewer than two quantiles: 0");
	ok(priority_absolute_percentile(0, 1e7) == 0 && priority_absolute_percentile(1e7, 1e7) == 100 &&
	   priority_absolute_percentile(1e9, 1e7) == 100, "the absolute scale: 0 to 100 up to the cap");

	/* past_value: the percentile when given, else the log scale */
	memset(&in, 0, sizeof(in));
	in.state = PRIORITY_STATE_DORMANT;
	in.total_amount = 633000;
	priority_default_weights(&w);
	priority_compute(&in, &w, &r);
	ok(fabs(r.part[PRIORITY_PAST_VALUE].value - log1p(633000) / log1p(1e7)) < 1e-12, "no percentile: log scale");
	in.value_percentile = (PriorityValue) {true, 40};
	priority_compute(&in, &w, &r);
	ok(fabs(r.part[PRIORITY_PAST_VALUE].value - 0.4) < 1e-12, "with a percentile: percentile / 100");
	in.expected_value = (PriorityValue) {true, 5e7};
	in.expected_value_percentile = (PriorityValue) {true, 99};
	priority_compute(&in, &w, &r);
	ok(fabs(r.part[PRIORITY_EXPECTED_VALUE].value - 0.99) < 1e-12, "expected_value: its percentile / 100");
	in.expected_value_percentile.valid = false;
	priority_compute(&in, &w, &r);
	ok(r.part[PRIORITY_EXPECTED_VALUE].value == 1, "expected_value without a percentile: log scale, capped");
}

/*
 * A decline heard on a call (the outreach log): valued as a deal lost for
 * the same reason, fading from its day; the latest of it and the last deal
 * wins; without bound deals it counts outside W, so that the other shares
 * and every other customer's score stay as they were, and it moves the
 * score by the sign of its value.
 */
static void
test_outreach_decline(void)
{
	PriorityInputs base = base_inputs();
	PriorityInputs in;
	PriorityResult rb;
	PriorityResult r;
	bool		others_same = true;
	double		sum = 0;

	base.events_bound = base.deals_bound = base.contracts_bound = false;
	rb = score(&base);

	in = base;
	in.outreach_declined_reason = DEAL_REASON_COMPETITOR;
	in.days_since_outreach_decline = val(0);
	ok(priority_deal_from_outreach(&in), "a decline with deals not bound is the deal's input");
	r = score(&in);
	ok(r.part[PRIORITY_DEAL].applicable && r.part[PRIORITY_DEAL].outside_total,
	   "deals not bound: the deal counts, outside W");
	ok(close_to(r.part[PRIORITY_DEAL].value, weights.deal_lost_competitor),
	   "a competitor decline today is deal_lost_competitor");
	ok(close_to(r.total_weight, rb.total_weight), "W is unchanged (%.0f)", r.total_weight);
	ok(close_to(r.part[PRIORITY_DEAL].share, 100.0 * 10 / (65 + 10)),
	   "its share is the one of bound deals, 100 * 10 / 75 (%.4f)", r.part[PRIORITY_DEAL].share);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		if (i != PRIORITY_DEAL &&
			(!close_to(r.part[i].share, rb.part[i].share) || !close_to(r.part[i].contribution, rb.part[i].contribution)))
			others_same = false;
		sum += r.part[i].contribution;
	}
	ok(others_same, "the other components keep their shares and contributions");
	ok(close_to(sum, r.score) && close_to(r.score, rb.score + r.part[PRIORITY_DEAL].contribution),
	   "the score moves by the deal's contribution (%.4f -> %.4f)", rb.score, r.score);
	ok(!score(&base).part[PRIORITY_DEAL].applicable, "without a decline the deal is not applicable");

	/* the reasons */
	in.outreach_declined_reason = DEAL_REASON_PRICE;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_price), "price: deal_lost_price");
	in.outreach_declined_reason = DEAL_REASON_BUDGET;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_budget_timing), "budget: deal_lost_budget_timing");
	in.outreach_declined_reason = DEAL_REASON_TIMING;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_budget_timing), "timing: deal_lost_budget_timing");
	in.outreach_declined_reason = DEAL_REASON_FEATURES;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_other), "features: deal_lost_other");
	in.outreach_declined_reason = DEAL_REASON_OTHER;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_other), "other: deal_lost_other");

	/* fading */
	in.outreach_declined_reason = DEAL_REASON_COMPETITOR;
	in.days_since_outreach_decline = val(weights.deal_horizon_days / 2.0);
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_lost_competitor / 2),
	   "at half the horizon: half the value");
	in.days_since_outreach_decline = val(weights.deal_horizon_days + 100.0);
	r = score(&in);
	ok(r.part[PRIORITY_DEAL].value == 0 && close_to(r.score, rb.score),
	   "older than the horizon: 0, the score unchanged");

	/* a budget decline raises even a high score (taken into W it would lower it) */
	in = base;
	in.total_amount = weights.value_cap;
	in.state = PRIORITY_STATE_AT_RISK;
	in.days_since_last_order = val(200);
	in.gap_stddev_days = val(0);
	rb = score(&in);
	in.outreach_declined_reason = DEAL_REASON_BUDGET;
	in.days_since_outreach_decline = val(10);
	r = score(&in);
	ok(rb.score > 100 * weights.deal_lost_budget_timing && r.score > rb.score,
	   "a budget decline raises a score above 60 (%.2f -> %.2f)", rb.score, r.score);

	/* deals bound: the latest wins, a deal of the same day */
	in = base_inputs();
	in.last_deal_outcome = DEAL_OUTCOME_POSTPONED;
	in.days_since_last_deal = val(30);
	in.outreach_declined_reason = DEAL_REASON_COMPETITOR;
	in.days_since_outreach_decline = val(60);
	ok(!priority_deal_from_outreach(&in) &&
	   close_to(priority_deal_value(&in, &weights), weights.deal_postponed * (1 - 30.0 / weights.deal_horizon_days)),
	   "a later deal overrides an earlier decline");
	in.days_since_outreach_decline = val(10);
	r = score(&in);
	ok(priority_deal_from_outreach(&in) && !r.part[PRIORITY_DEAL].outside_total &&
	   close_to(r.part[PRIORITY_DEAL].value, weights.deal_lost_competitor * (1 - 10.0 / weights.deal_horizon_days)),
	   "a later decline overrides an earlier deal, inside W");
	in.days_since_outreach_decline = val(30);
	ok(!priority_deal_from_outreach(&in), "a deal of the decline's day wins");
	in.days_since_outreach_decline = val(10);
	in.open_deals = 1;
	ok(close_to(priority_deal_value(&in, &weights), weights.deal_open), "an open deal is still a floor");
	in.open_deals = 0;
	in.last_deal_outcome = DEAL_OUTCOME_NONE;
	in.days_since_last_deal = null_value;
	ok(priority_deal_from_outreach(&in), "no closed deal: the decline");
	in.outreach_declined_reason = DEAL_REASON_NONE;
	ok(!priority_deal_from_outreach(&in), "a decline without a reason is nothing");
	in.outreach_declined_reason = DEAL_REASON_PRICE;
	in.days_since_outreach_decline = null_value;
	ok(!priority_deal_from_outreach(&in), "an undated decline is nothing");

	/*
	 * the latest-wins test itself, which customer_status's evidence of the
	 * likely reason reads too (the reason rules 1 to 6)
	 */
	ok(priority_decline_is_latest(false, DEAL_OUTCOME_POSTPONED, val(10), val(60)),
	   "deals not bound: the decline is the latest");
	ok(priority_decline_is_latest(true, DEAL_OUTCOME_NONE, null_value, val(60)),
	   "no closed deal: the decline is the latest");
	ok(priority_decline_is_latest(true, DEAL_OUTCOME_WON, val(61), val(60)),
	   "a deal the day before: the decline is the latest");
	ok(!priority_decline_is_latest(true, DEAL_OUTCOME_WON, val(60), val(60)),
	   "a deal of the decline's day: the deal");
	ok(!priority_decline_is_latest(true, DEAL_OUTCOME_LOST, val(10), val(60)),
	   "a later lost deal: the deal");
	ok(!priority_decline_is_latest(true, DEAL_OUTCOME_UNKNOWN, val(10), val(60)),
	   "a later deal of an unmapped outcome: the deal");
	ok(!priority_decline_is_latest(true, DEAL_OUTCOME_POSTPONED, val(10), null_value),
	   "an undated decline against a deal: the deal");
	ok(priority_deal_outcome(NULL) == DEAL_OUTCOME_NONE && priority_deal_outcome("postponed") == DEAL_OUTCOME_POSTPONED &&
	   priority_deal_outcome("weird") == DEAL_OUTCOME_UNKNOWN && priority_deal_reason(NULL) == DEAL_REASON_NONE &&
	   priority_deal_reason("competitor") == DEAL_REASON_COMPETITOR && priority_deal_reason("whatever") == DEAL_REASON_OTHER,
	   "outcome and reason codes");

	/* recency stays the deal's (a prospect's ladder) */
	in = base_inputs();
	in.state = PRIORITY_STATE_NEVER_PURCHASED;
	in.days_since_last_order = null_value;
	in.last_deal_outcome = DEAL_OUTCOME_LOST;
	in.days_since_last_deal = val(200);
	in.outreach_declined_reason = DEAL_REASON_COMPETITOR;
	in.days_since_outreach_decline = val(10);
	ok(close_to(priority_recency_value(&in), 1), "a later decline leaves recency on the deal's ladder");

	/* every weight but the deal's 0: the decline alone */
	in = base;
	{
		PriorityWeights w = weights;

		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
			if (i != PRIORITY_DEAL)
				w.weight[i] = 0;
		in.outreach_declined_reason = DEAL_REASON_BUDGET;
		in.days_since_outreach_decline = val(0);
		priority_compute(&in, &w, &r);
		ok(close_to(r.part[PRIORITY_DEAL].share, 100) && close_to(r.score, 100 * w.deal_lost_budget_timing),
		   "only the deal weighs: its share is 100 (score %.2f)", r.score);
		w.weight[PRIORITY_DEAL] = 0;
		priority_compute(&in, &w, &r);
		ok(r.part[PRIORITY_DEAL].share == 0 && r.score == 0, "no weight at all: share 0, score 0");
	}
}

int
main(void)
{
	priority_default_weights(&weights);
	test_pairs();
	test_components();
	test_weights();
	test_outreach_decline();
	test_random();
	test_extremes();
	test_format_number();
	test_json_key_order();
	test_percentile();
	return tap_done();
}
