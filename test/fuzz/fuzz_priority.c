/*
 * fuzz_priority.c
 *		libFuzzer target for src/core/priority.c: priority_compute() over
 *		arbitrary inputs (any int32, any double including NaN and infinities)
 *		with the default weights or with arbitrary weights that pass
 *		priority_check_weights().
 *
 * Invariants: the score is in [0, 100]; every component value is in
 * [-1, 1]; a component's share is 0 when it is not applicable and the
 * shares of the components inside W add up to 100 when some weight
 * applies; a deal outside W (an outreach decline, deals not bound) has the
 * share 100 * w / (W + w) and the others' shares are those without it;
 * contribution = share * value; the exposed component functions agree with
 * the breakdown.
 * Undefined behaviour (e.g. signed overflow in the engagement count) stops
 * the run through UBSan.
 */
#include "priority.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_priority"

static PriorityValue
fz_value(FzReader *r)
{
	PriorityValue v;
	uint8_t		sel = fz_u8(r);

	v.valid = (sel & 1) != 0;
	switch (sel >> 1 & 3)
	{
		case 0:
			v.value = fz_any_double(r);
			break;
		case 1:
			v.value = (double) (int32_t) fz_u32(r);
			break;
		default:
			v.value = fz_uniform(r, -100, 4000);
			break;
	}
	return v;
}

static int32_t
fz_int(FzReader *r)
{
	uint8_t		sel = fz_u8(r);

	switch (sel & 3)
	{
		case 0:
			return (int32_t) fz_u32(r);
		case 1:
			return sel & 4 ? INT32_MAX - (sel >> 3) : INT32_MIN + (sel >> 3);
		default:
			return (int32_t) (sel >> 2) - 8;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	PriorityInputs in;
	PriorityWeights w;
	PriorityResult out;
	double		sum_share = 0;
	double		outside_share = 0;
	PriorityInputs no_decline;
	PriorityResult without;

	fz_reader_init(&r, data, size);
	memset(&in, 0, sizeof(in));
	in.state = (PriorityState) (fz_u8(&r) % (PRIORITY_STATE_NEVER_PURCHASED + 1));
	in.days_since_last_order = fz_value(&r);
	in.at_risk_days = fz_value(&r);
	in.dormant_days = fz_value(&r);
	in.long_dormant_days = fz_value(&r);
	in.total_amount = fz_any_double(&r);
	in.order_days = fz_int(&r);
	in.median_gap_days = fz_value(&r);
	in.mean_gap_days = fz_value(&r);
	in.gap_stddev_days = fz_value(&r);
	in.campaign_only = fz_u8(&r) & 1;
	in.decline_signals = fz_int(&r);
	in.declining = fz_u8(&r) & 1;
	in.events_bound = fz_u8(&r) & 1;
	in.events_in_window = fz_int(&r);
	in.pricing_views = fz_int(&r);
	in.days_since_last_event = fz_value(&r);
	in.engagement_window_days = fz_int(&r);
	in.deals_bound = fz_u8(&r) & 1;
	in.last_deal_outcome = (DealOutcome) (fz_u8(&r) % (DEAL_OUTCOME_OPEN + 1));
	in.last_deal_reason = (DealReason) (fz_u8(&r) % (DEAL_REASON_OTHER + 1));
	in.days_since_last_deal = fz_value(&r);
	in.open_deals = fz_int(&r);
	in.contracts_bound = fz_u8(&r) & 1;
	in.has_contract = fz_u8(&r) & 1;
	in.contract_lapsed = fz_u8(&r) & 1;
	in.days_since_contract_end = fz_value(&r);
	in.auto_renew_off = fz_u8(&r) & 1;
	in.downgraded = fz_u8(&r) & 1;
	in.renewal_due_in_days = fz_value(&r);
	in.renewal_horizon_days = fz_int(&r);
	in.p_alive = fz_value(&r);
	in.expected_value = fz_value(&r);
	in.value_percentile = fz_value(&r);
	in.expected_value_percentile = fz_value(&r);
	in.outreach_declined_reason = (DealReason) (fz_u8(&r) % (DEAL_REASON_OTHER + 1));
	in.days_since_outreach_decline = fz_value(&r);

	priority_default_weights(&w);
	FZ_CHECK(FZ_T, priority_check_weights(&w) == NULL, "default weights rejected");
	if (fz_u8(&r) & 1)
	{
		PriorityWeights fw = w;

		for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
			fw.weight[i] = fz_u8(&r) & 1 ? fz_any_double(&r) : fz_uniform(&r, 0, 1000);
		fw.value_cap = fz_any_double(&r);
		fw.regular_days_cap = fz_int(&r);
		fw.replacement_cycle_days = fz_int(&r);
		fw.decline_signals_cap = fz_int(&r);
		fw.engagement_cap = fz_any_double(&r);
		fw.no_engagement = fz_uniform(&r, -1, 0);
		fw.deal_won = fz_uniform(&r, -1, 1);
		fw.deal_open = fz_uniform(&r, -1, 1);
		fw.deal_postponed = fz_uniform(&r, -1, 1);
		fw.deal_lost_budget_timing = fz_uniform(&r, -1, 1);
		fw.deal_lost_price = fz_uniform(&r, -1, 1);
		fw.deal_lost_competitor = fz_uniform(&r, -1, 1);
		fw.deal_lost_other = fz_any_double(&r);
		fw.deal_horizon_days = fz_int(&r);
		fw.campaign_only_factor = fz_uniform(&r, 0, 1);
		if (priority_check_weights(&fw) == NULL)
			w = fw;
	}

	priority_compute(&in, &w, &out);

	FZ_CHECK(FZ_T, out.score >= 0 && out.score <= 100, "score %.17g", out.score);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
	{
		const PriorityPart *p = &out.part[i];

		FZ_CHECK(FZ_T, p->value >= -1 && p->value <= 1, "%s value %.17g",
				 priority_component_names[i], p->value);
		/* 100 * w / W rounds: a lone weight can give 100 plus an ulp */
		FZ_CHECK(FZ_T, p->share >= 0 && p->share <= 100 * (1 + 1e-12) && (p->applicable || p->share == 0),
				 "%s share %.17g", priority_component_names[i], p->share);
		FZ_CHECK(FZ_T, p->contribution == p->share * p->value, "%s contribution",
				 priority_component_names[i]);
		FZ_CHECK(FZ_T, !p->outside_total || (i == PRIORITY_DEAL && p->applicable && !in.deals_bound),
				 "%s outside W", priority_component_names[i]);
		if (p->outside_total)
			outside_share = p->share;
		else
			sum_share += p->share;
	}
	FZ_CHECK(FZ_T, out.total_weight >= 0 && isfinite(out.total_weight), "total weight %.17g", out.total_weight);
	if (out.total_weight > 0)
		FZ_CHECK(FZ_T, fabs(sum_share - 100) < 1e-9, "shares add up to %.17g", sum_share);
	else
		FZ_CHECK(FZ_T, sum_share == 0 && (outside_share > 0 || out.score == 0),
				 "no weight but shares %.17g", sum_share);

	/* a decline outside W leaves the other components as they were */
	no_decline = in;
	no_decline.outreach_declined_reason = DEAL_REASON_NONE;
	priority_compute(&no_decline, &w, &without);
	FZ_CHECK(FZ_T, out.total_weight == without.total_weight, "total weight with a decline %.17g", out.total_weight);
	for (int i = 0; i < PRIORITY_NCOMPONENTS; i++)
		if (i != PRIORITY_DEAL)
			FZ_CHECK(FZ_T, out.part[i].share == without.part[i].share &&
					 out.part[i].contribution == without.part[i].contribution,
					 "%s changed by a decline", priority_component_names[i]);

	/* the exposed components are the breakdown's values (before the clamp) */
	if (in.contracts_bound)
	{
		double		v = priority_contract_value(&in);

		FZ_CHECK(FZ_T, v >= 0 && v <= 1 && v == out.part[PRIORITY_CONTRACT].value, "contract %.17g", v);
	}
	if (in.deals_bound || priority_deal_from_outreach(&in))
	{
		double		v = priority_deal_value(&in, &w);

		FZ_CHECK(FZ_T, v >= -1 && v <= 1 && v == out.part[PRIORITY_DEAL].value, "deal %.17g", v);
	}
	{
		double		v = priority_recency_value(&in);

		FZ_CHECK(FZ_T, v >= 0 && v <= 1 && v == out.part[PRIORITY_RECENCY].value, "recency %.17g", v);
	}
	return 0;
}
