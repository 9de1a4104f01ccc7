-- One C evaluation per customer (issue 11): dormancy._customer_facts()
-- (customer_core) and _assess() and _data_gaps() (customer_status) against
-- the SQL they replaced (the previous definitions of customer_core and
-- customer_status, copied below as demo.old_core and demo.old_status),
-- customer by customer on the demo data with synthetic contracts, events,
-- deals and contacts: sources unbound and bound, models fitted and not, a
-- rule with use_contract_end, price changes; and edits of the tables
-- _assess reads (reason_rules, approach_rules, message_themes, rules)
-- showing in the next query.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
\set SHOW_CONTEXT never
\set customers 1500
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SET dormancy.as_of = '2026-11-01';
-- a large-order rule and a price increase and a spec change
UPDATE dormancy.rules SET min_order_amount = 5000 WHERE industry = 'manufacturing';
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note) VALUES
	('2025-06-01', NULL, 8.50, 'price_increase', 'list prices'),
	('2026-02-01', 'service', NULL, 'spec_change', 'new formula'),
	('2026-03-01', 'accessories', -2.500, 'spec_change', NULL),
	('2026-01-15', 'core', 12.000, 'price_increase', NULL),
	('2025-09-01', 'nothing sold', 3, 'price_increase', NULL),
	('2026-12-01', NULL, 5, 'price_increase', 'after as_of');

-- contracts, events and deals, for a third of the customers each, seeded
SELECT setseed(0.11);
CREATE TABLE demo.contracts AS
SELECT a.account_id, s.starts_on, s.starts_on + (180 + (random() * 900)::int) AS ends_on,
	   (1 + random() * 20)::int AS seats, round((random() * 5000)::numeric, 2) AS amount,
	   random() < 0.5 AS auto_renew, CASE WHEN random() < 0.5 THEN 'basic' ELSE 'pro' END AS plan
  FROM demo.accounts a
 CROSS JOIN LATERAL (SELECT DATE '2023-01-01' + (random() * 1300)::int AS starts_on,
							generate_series(1, 1 + (random() * 2)::int) AS n) s
 WHERE a.account_id % 3 = 0
ORDER BY 1, 2;
CREATE TABLE demo.events AS
SELECT a.account_id, TIMESTAMPTZ '2026-06-01' + random() * INTERVAL '160 days' AS at,
	   (ARRAY['email_open', 'pricing_view', 'support_visit', 'web_visit', 'strange'])[1 + (random() * 4)::int] AS kind
  FROM demo.accounts a CROSS JOIN generate_series(1, 4)
 WHERE a.account_id % 3 = 1 AND random() < 0.7
ORDER BY 1, 2;
CREATE TABLE demo.deals AS
SELECT a.account_id, DATE '2025-01-01' + (random() * 700)::int AS closed_on,
	   (ARRAY['won', 'lost', 'postponed', 'open', 'weird'])[1 + (random() * 4)::int] AS outcome,
	   (ARRAY['price', 'timing', NULL, 'competitor'])[1 + (random() * 3)::int] AS reason
  FROM demo.accounts a CROSS JOIN generate_series(1, 2)
 WHERE a.account_id % 3 = 2 AND random() < 0.8
ORDER BY 1, 2;
-- (the demo has its contacts: demo.contacts)

-- the previous definition of customer_status (sql_src/70_views.sql before
-- _assess), as the reference
CREATE VIEW demo.old_status AS
SELECT core.*,
	   mdl.model_id, models.p_alive, models.expected_purchases, mval.expected_value,
	   cst.contract_state,
	   CASE WHEN b.events_bound THEN coalesce(eng.events_in_window, 0) END AS events_in_window,
	   CASE WHEN b.events_bound THEN coalesce(eng.pricing_views, 0) END AS pricing_views,
	   CASE WHEN b.events_bound THEN coalesce(eng.support_visits, 0) END AS support_visits,
	   eng.days_since_last_event,
	   deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason,
	   coalesce(deal.open_deals, 0) AS open_deals, dk.dormancy_kind,
	   prio.score AS priority_score,
	   prio.breakdown AS score_breakdown,
	   rsn.reason AS likely_reason,
	   rsn.evidence AS reason_evidence,
	   ev.evidence,
	   ch.channel AS approach_channel,
	   th.theme AS message_theme,
	   ev.approach_value,
	   -- the gaps of a source or column that is not bound are not reported
	   pg_catalog.array_remove(ARRAY[
		   CASE WHEN (b.contact_phones_bound OR b.contact_emails_bound)
					 AND coalesce(cc.phones, 0) + coalesce(cc.emails, 0) = 0 THEN 'no_contact' END,
		   CASE WHEN b.contact_phones_bound AND coalesce(cc.phones, 0) = 0 THEN 'no_phone' END,
		   CASE WHEN b.contact_phones_bound AND cc.invalid_phones > 0 THEN 'invalid_phone' END,
		   CASE WHEN b.contact_emails_bound AND coalesce(cc.emails, 0) = 0 THEN 'no_email' END,
		   CASE WHEN b.contact_emails_bound AND cc.invalid_emails > 0 THEN 'invalid_email' END,
		   CASE WHEN b.contact_persons_bound AND coalesce(cc.persons, 0) = 0 THEN 'no_person' END,
		   CASE WHEN b.contact_dates_bound AND cc.outdated THEN 'contact_outdated' END,
		   CASE WHEN b.customer_names_bound THEN
				CASE WHEN nk.name_key IS NULL OR nk.name_key = '' THEN 'no_name'
					 WHEN dup.name_key IS NOT NULL THEN 'duplicate_name' END END,
		   CASE WHEN coalesce(core.orders_count, 0) = 0 AND core.contract_terms IS NULL
					 AND eng.customer_id IS NULL AND deal.customer_id IS NULL THEN 'no_activity' END
	   ]::pg_catalog.text[], NULL) AS data_gaps
  FROM dormancy.customer_core core
 CROSS JOIN dormancy.src_bindings b
 -- the model that applies to the customer: its segment's, else the overall
 -- one; only converged BG/NBD fits count (_model_for, all NULL when none)
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
  LEFT JOIN LATERAL (
	-- a value that cannot be computed is NULL, with the reason in problem
	-- (listed by data_issues): one customer never stops the query; only a
	-- converged Gamma-Gamma fit gives expected_value
	SELECT mp.p_alive, mp.expected_purchases, mp.expected_value, mp.problem
	  FROM dormancy.model_predictions(mdl.bgnbd,
									  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
									  core.frequency, core.recency_days / mdl.unit_days,
									  core.age_days / mdl.unit_days, core.monetary_value,
									  mdl.horizon_days / mdl.unit_days, core.monetary_days) mp
  ) models ON true
  LEFT JOIN LATERAL (
	SELECT models.expected_value
  ) mval ON true
  -- contracts: customer_core joins contract_signals once; these are its
  -- columns.  cst.scored_state is the state the priority uses (customer_core
  -- applies use_contract_end already: the last covered day of the contracts
  -- counts like a purchase day).
  LEFT JOIN LATERAL (
	SELECT CASE WHEN core.contract_terms IS NOT NULL THEN core.customer_id END AS customer_id,
		   core.contract_end_at, core.contract_covered_until AS last_covered_day, core.contract_lapsed,
		   core.days_since_contract_end, core.auto_renew_off, core.downgraded, core.renewal_due_in_days
  ) con ON true
  LEFT JOIN dormancy.rules csr ON csr.rule_id = core.rule_id
 CROSS JOIN LATERAL (
	SELECT CASE WHEN con.customer_id IS NOT NULL THEN
				CASE WHEN con.last_covered_day < core.as_of
						  AND dormancy.dormancy_state(con.last_covered_day, core.as_of, core.at_risk_after,
													  core.dormant_after, core.long_dormant_after) = 'active'
					 THEN 'ended'
					 ELSE dormancy.dormancy_state(con.last_covered_day, core.as_of, core.at_risk_after,
												  core.dormant_after, core.long_dormant_after) END END AS contract_state,
		   CASE WHEN coalesce(csr.use_contract_end, false) AND con.last_covered_day IS NOT NULL
				THEN greatest(core.last_qualifying_order_at, con.last_covered_day)
				ELSE core.last_qualifying_order_at END AS scored_last_day
  ) cst0
 CROSS JOIN LATERAL (
	SELECT cst0.contract_state,
		   cst0.scored_last_day,
		   core.state AS scored_state
  ) cst
  LEFT JOIN dormancy.customer_engagement eng ON eng.customer_id = core.customer_id
  -- deals (dk: the kind of dormancy, after the last order or, for a rule
  -- with use_contract_end, the last covered contract day when later)
  LEFT JOIN dormancy.customer_deals deal ON deal.customer_id = core.customer_id
 CROSS JOIN LATERAL (
	SELECT CASE WHEN coalesce(csr.use_contract_end, false)
				THEN greatest(core.last_order_at, con.last_covered_day)
				ELSE core.last_order_at END AS last_activity_at
  ) rec
 CROSS JOIN LATERAL (
	SELECT CASE WHEN deal.last_deal_outcome IN ('lost', 'postponed')
					 AND (rec.last_activity_at IS NULL OR deal.last_deal_at > rec.last_activity_at)
					 AND cst.scored_state IS DISTINCT FROM 'active' THEN 'lost_deal'
				WHEN cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') THEN 'purchase' END AS dormancy_kind
  ) dk
  LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id
 CROSS JOIN dormancy.score_weights_in_force() sw
 CROSS JOIN dormancy.source_settings_in_force() pss
 -- the evidence the reason rules match on, whether the customer is lapsing,
 -- and the value the channel is chosen by
 CROSS JOIN LATERAL (
	SELECT pg_catalog.array_remove(ARRAY[
			   'state_' || cst.scored_state,
			   -- (not while an order of any amount is recent: 2026-12-07)
			   CASE WHEN cst.scored_state IN ('at_risk', 'dormant', 'long_dormant')
					 AND NOT coalesce((rec.last_activity_at + core.at_risk_after)::pg_catalog.date > core.as_of, false)
					THEN 'lapsed' END,
			   core.segment,
			   CASE WHEN core.declining THEN 'declining' END,
			   CASE WHEN core.lapsed_after_price_increase THEN 'lapsed_after_price_increase' END,
			   CASE WHEN core.lapsed_after_spec_change THEN 'lapsed_after_spec_change' END,
			   CASE WHEN con.contract_lapsed THEN 'contract_lapsed' END,
			   CASE WHEN con.auto_renew_off THEN 'auto_renew_off' END,
			   CASE WHEN con.downgraded THEN 'downgraded' END,
			   CASE WHEN con.renewal_due_in_days <= (core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of
					THEN 'renewal_due' END,
			   CASE WHEN b.events_bound THEN CASE WHEN coalesce(eng.events_in_window, 0) > 0 THEN 'engaged' ELSE 'no_engagement' END END,
			   CASE WHEN eng.pricing_views > 0 THEN 'pricing_views' END,
			   CASE WHEN eng.pricing_views >= pss.repeated_pricing_views THEN 'repeated_pricing_views' END,
			   CASE WHEN eng.support_visits >= pss.support_visits_threshold THEN 'support_visits' END,
			   -- (only after the last order of any amount: 2026-12-07)
			   CASE WHEN core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at
					THEN 'deal_' || deal.last_deal_outcome END,
			   CASE WHEN core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at
					THEN 'deal_reason_' || deal.last_deal_reason END,
			   CASE WHEN deal.open_deals > 0 THEN 'open_deal' END,
			   CASE WHEN dk.dormancy_kind = 'lost_deal' THEN 'lost_deal' END
		   ]::pg_catalog.text[], NULL) || core.decline_signals AS evidence,
		   (cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') OR core.declining
			OR dk.dormancy_kind = 'lost_deal'
			OR coalesce(con.contract_lapsed OR con.auto_renew_off OR con.downgraded, false)) AS lapsing,
		   coalesce(mval.expected_value,
					CASE WHEN core.order_days > 0
						 THEN greatest(core.total_amount, 0) / greatest(1.0, (core.last_order_at - core.first_order_at) / 365.25)
						 ELSE 0 END) AS approach_value
  ) ev
 -- the priority score and its breakdown (docs/priority.md), two C halves of
 -- score_priority(): the breakdown is built only when it is read
 CROSS JOIN LATERAL (
	SELECT dormancy._priority_score(pin.inputs, sw) AS score,
		   dormancy._priority_breakdown(pin.inputs, sw) AS breakdown
	  FROM (SELECT ROW(
	cst.scored_state,
	core.as_of - cst.scored_last_day,
	(core.as_of + core.at_risk_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.dormant_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.long_dormant_after)::pg_catalog.date - core.as_of,
	core.total_amount,
	core.order_days,
	core.median_gap_days,
	core.mean_gap_days,
	core.gap_stddev_days,
	core.segment,
	pg_catalog.cardinality(core.decline_signals),
	core.declining,
	b.events_bound,
	coalesce(eng.events_in_window, 0),
	coalesce(eng.pricing_views, 0),
	eng.days_since_last_event,
	(core.as_of + pss.engagement_window)::pg_catalog.date - core.as_of,
	b.deals_bound,
	deal.last_deal_outcome,
	deal.last_deal_reason,
	deal.days_since_last_deal,
	coalesce(deal.open_deals, 0),
	b.contracts_bound,
	con.customer_id IS NOT NULL,
	coalesce(con.contract_lapsed, false),
	con.days_since_contract_end,
	coalesce(con.auto_renew_off, false),
	coalesce(con.downgraded, false),
	con.renewal_due_in_days,
	(core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of,
	models.p_alive,
	mval.expected_value)::dormancy.priority_inputs AS inputs) pin
  ) prio
 -- the first reason rule that matches the evidence (in C, rules read once per query)
 CROSS JOIN LATERAL dormancy._likely_reason(ev.lapsing, ev.evidence, (SELECT dormancy._configuration())) rsn
  LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
 -- the first approach rule that matches and whose channel the bound contacts
 -- can serve: no phone call without a usable number, no (step) mail without
 -- a usable address
 CROSS JOIN LATERAL (
	SELECT dormancy._approach_channel(ev.lapsing, ev.approach_value, core.industry, core.company_size,
									  rsn.reason,
									  NOT b.contact_phones_bound OR coalesce(cc.phones, 0) > 0,
									  NOT b.contact_emails_bound OR coalesce(cc.emails, 0) > 0, (SELECT dormancy._configuration())) AS channel
  ) ch
 -- the name key (OFFSET 0 computes it once: without it the planner copies
 -- the expression into the join's condition and each test of the column)
 CROSS JOIN LATERAL (
	SELECT CASE WHEN b.customer_names_bound
				THEN dormancy.normalize_company_name(core.name, (SELECT dormancy.legal_forms_in_force())) END AS name_key
	OFFSET 0
  ) nk
 -- the name keys that more than one customer has (a hash join: a window over
 -- customer_status would sort its wide rows); the forms are read once per
 -- query (an InitPlan).  Exact, so it reads every customer's name, even for
 -- a lookup of one customer (docs/sources.md)
  LEFT JOIN (
	SELECT k.name_key
	  FROM (SELECT dormancy.normalize_company_name(c.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
			  FROM dormancy.src_customers c
			 CROSS JOIN dormancy.src_bindings cb
			 WHERE c.customer_id IS NOT NULL AND cb.customer_names_bound
			OFFSET 0) k
	 WHERE k.name_key <> ''
	 GROUP BY k.name_key
	HAVING pg_catalog.count(*) > 1
  ) dup ON dup.name_key = nk.name_key;
;

-- the previous definition of customer_core, as the reference
CREATE VIEW demo.old_core AS
WITH as_of AS (
	SELECT dormancy.as_of_day() AS day
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   -- for rules with use_contract_end (IT services: a lapsed licence is
	   -- dormancy), the last day covered by a contract counts like a purchase
	   dormancy.dormancy_state(CASE WHEN (r.rule).use_contract_end AND con.last_covered_day IS NOT NULL
									THEN greatest(f.last_qualifying_order_at, con.last_covered_day)
									ELSE f.last_qualifying_order_at END,
							   a.day, (r.rule).at_risk_after, (r.rule).dormant_after,
							   (r.rule).long_dormant_after) AS state,
	   f.last_order_at,
	   a.day - f.last_order_at AS days_since_last_order,
	   f.last_qualifying_order_at,
	   a.day - f.last_qualifying_order_at AS days_since_last_qualifying_order,
	   f.first_order_at,
	   f.orders_count,
	   f.order_days,
	   f.total_amount,
	   f.unknown_amount_orders,
	   f.refunds,
	   CASE WHEN f.campaign_only THEN 'campaign_only'
			WHEN f.order_days = 1 THEN 'one_time'
			WHEN f.order_days > 1 THEN 'repeat' END AS segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   a.day AS as_of,
	   f.mean_gap_days,
	   f.median_gap_days,
	   f.gap_stddev_days,
	   f.overdue_ratio,
	   f.recent_amount,
	   f.prior_amount,
	   f.recent_orders,
	   f.prior_orders,
	   f.amount_change,
	   f.frequency_change,
	   f.amount_trend,
	   f.trend_points,
	   f.relative_trend,
	   f.recent_median_gap_days,
	   f.earlier_median_gap_days,
	   f.cadence_change,
	   f.season_amount,
	   f.last_season_amount,
	   f.season_orders,
	   f.last_season_orders,
	   f.same_season_change,
	   coalesce(f.declining, false) AS declining,
	   coalesce(f.decline_signals, '{}') AS decline_signals,
	   coalesce(pc.lapsed_after_price_increase, false) AS lapsed_after_price_increase,
	   pc.price_increase,
	   coalesce(pc.lapsed_after_spec_change, false) AS lapsed_after_spec_change,
	   pc.spec_change,
	   f.frequency,
	   f.recency * 1.0 AS recency_days,
	   f.age * 1.0 AS age_days,
	   f.monetary_value,
	   f.monetary_days,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days,
	   c.owner,
	   c.company_id
  FROM dormancy.src_customers c
 CROSS JOIN as_of a
 CROSS JOIN dormancy.src_bindings b
 CROSS JOIN dormancy.decline_settings_in_force() ds
  LEFT JOIN dormancy.customer_histories h ON h.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  -- the rule of the customer's segment: per customer, so that a lookup of
  -- one customer reads no other (a DISTINCT over every customer's segment
  -- did); OFFSET 0 keeps it a subquery, which the planner memoizes by
  -- segment, so rule_for() runs once per segment, not once per customer
  LEFT JOIN LATERAL (
	SELECT dormancy.rule_for(coalesce(c.industry, ''), coalesce(c.company_size, '')) AS rule
	OFFSET 0
  ) r ON true
 -- the history-derived columns in one evaluation: those of history_summary,
 -- decline_metrics (with the settings of the one row ds) and btyd_summary
 -- (h, as_of(), '1 day'), the history detoasted and walked once
 CROSS JOIN LATERAL dormancy._history_facts(h.history, a.day,
		(r.rule).min_order_amount::pg_catalog.float8,
		ds.window_length, ds.trend_years, ds.season_length,
		ds.amount_drop_threshold, ds.frequency_drop_threshold,
		ds.cadence_slowdown_threshold, ds.overdue_threshold,
		ds.season_drop_threshold, ds.trend_drop_threshold,
		ds.trend_min_points, b.order_discounts_bound) f
  LEFT JOIN LATERAL (
	-- a change the customer lapsed after: its last purchase (in the change's
	-- category when categories are bound) came before the change, while the
	-- customer was not yet dormant, and nothing was bought since
	SELECT pg_catalog.bool_or(x.kind = 'price_increase') AS lapsed_after_price_increase,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'price_increase'))[1] AS price_increase,
		   pg_catalog.bool_or(x.kind = 'spec_change') AS lapsed_after_spec_change,
		   (pg_catalog.array_agg(x.label ORDER BY x.changed_at DESC) FILTER (WHERE x.kind = 'spec_change'))[1] AS spec_change
	  FROM (SELECT p.kind, p.changed_at,
				   concat_ws(' ', p.changed_at::pg_catalog.text, coalesce(p.category, 'all categories'),
							 CASE WHEN p.change_pct IS NOT NULL
								  THEN CASE WHEN p.change_pct > 0 THEN '+' ELSE '' END || pg_catalog.trim_scale(p.change_pct)::pg_catalog.text || '%' END,
							 p.note) AS label,
				   CASE WHEN p.category IS NULL THEN f.last_order_at
						WHEN NOT b.order_categories_bound THEN NULL
						ELSE (SELECT cl.last_day
								FROM unnest(h.categories, h.category_last_order_at) AS cl(category, last_day)
							   WHERE cl.category = p.category) END AS last_day
			  FROM dormancy.price_changes p
			 WHERE p.changed_at <= a.day) x
	 WHERE x.last_day < x.changed_at
	   AND x.last_day + (r.rule).dormant_after > x.changed_at
  ) pc ON true
 WHERE c.customer_id IS NOT NULL;
;

-- customers whose customer_core columns differ (every column, NULLs included)
CREATE FUNCTION demo.core_differ()
	RETURNS TABLE (customers bigint, lapsed_after_price_increase bigint,
				   lapsed_after_spec_change bigint, differ bigint)
	LANGUAGE sql AS $$
SELECT count(*), count(*) FILTER (WHERE n.lapsed_after_price_increase),
	   count(*) FILTER (WHERE n.lapsed_after_spec_change),
	   count(*) FILTER (WHERE o.customer_id IS NULL OR n IS DISTINCT FROM o
						OR n.decline_signals::text IS DISTINCT FROM o.decline_signals::text)
  FROM dormancy.customer_core n
  LEFT JOIN demo.old_core o USING (customer_id)
$$;

-- customers whose assessed columns differ (IS DISTINCT FROM, NULLs
-- included, jsonb and arrays by value), with counts of what was covered
CREATE FUNCTION demo.assess_mismatches()
	RETURNS TABLE (customers bigint, lapsing bigint, with_reason bigint, with_channel bigint,
				   with_theme bigint, with_contract_state bigint, lost_deal bigint, with_gaps bigint,
				   differ bigint)
	LANGUAGE sql AS $$
SELECT count(*),
	   count(*) FILTER (WHERE n.likely_reason IS NOT NULL),
	   count(*) FILTER (WHERE n.likely_reason <> 'unknown'),
	   count(n.approach_channel),
	   count(n.message_theme),
	   count(n.contract_state),
	   count(*) FILTER (WHERE n.dormancy_kind = 'lost_deal'),
	   count(*) FILTER (WHERE cardinality(n.data_gaps) > 0),
	   count(*) FILTER (WHERE o.customer_id IS NULL OR
		   (n.contract_state, n.dormancy_kind, n.priority_score, n.score_breakdown, n.likely_reason,
			n.reason_evidence, n.evidence, n.approach_channel, n.message_theme, n.approach_value,
			n.data_gaps, n.model_id, n.p_alive, n.expected_purchases, n.expected_value,
			n.events_in_window, n.pricing_views, n.support_visits, n.days_since_last_event,
			n.last_deal_at, n.last_deal_outcome, n.last_deal_reason, n.open_deals)
		   IS DISTINCT FROM
		   (o.contract_state, o.dormancy_kind, o.priority_score, o.score_breakdown, o.likely_reason,
			o.reason_evidence, o.evidence, o.approach_channel, o.message_theme, o.approach_value,
			o.data_gaps, o.model_id, o.p_alive, o.expected_purchases, o.expected_value,
			o.events_in_window, o.pricing_views, o.support_visits, o.days_since_last_event,
			o.last_deal_at, o.last_deal_outcome, o.last_deal_reason, o.open_deals)
		OR n.priority_score::text IS DISTINCT FROM o.priority_score::text
		OR n.approach_value::text IS DISTINCT FROM o.approach_value::text
		OR n.score_breakdown::text IS DISTINCT FROM o.score_breakdown::text)
  FROM dormancy.customer_status n
  LEFT JOIN demo.old_status o USING (customer_id)
$$;

-- 1. sources unbound, no models
SELECT * FROM demo.core_differ();
SELECT * FROM demo.assess_mismatches();

-- 2. every source bound, with a use_contract_end rule
SELECT dormancy.bind_contracts('demo.contracts', customer => 'account_id', starts_on => 'starts_on',
							   ends_on => 'ends_on', seats => 'seats', amount => 'amount',
							   auto_renew => 'auto_renew', plan => 'plan');
SELECT dormancy.bind_events('demo.events', customer => 'account_id', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('demo.deals', customer => 'account_id', closed_at => 'closed_on',
						   outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_contacts('demo.contacts', customer => 'account_id', phone => 'phone', email => 'email',
							  person => 'contact_name', updated_at => 'updated_on');
SELECT count(*) AS use_contract_end_rules FROM dormancy.rules WHERE use_contract_end;
SELECT * FROM demo.core_differ();
SELECT * FROM demo.assess_mismatches();

-- 3. models fitted: p_alive and expected_value feed the score and the approach value
SET client_min_messages = error;
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
SET client_min_messages = warning;
-- the reference predates the value distribution that fit_models() stores
-- (value percentiles: call_list_defaults tests them): compare without it
DELETE FROM dormancy.value_distribution;
SELECT count(p_alive) AS with_p_alive, count(expected_value) AS with_expected_value
  FROM dormancy.customer_status;
SELECT * FROM demo.assess_mismatches();

-- 4. only some sources bound (contacts without email and dates)
SELECT dormancy.bind_contacts('demo.contacts', customer => 'account_id', phone => 'phone');
SELECT dormancy.unbind('deals');
SELECT * FROM demo.assess_mismatches();

-- 5. edits of the tables _assess reads show in the next query
UPDATE dormancy.message_themes SET theme = 'referral' WHERE reason = 'unknown';
UPDATE dormancy.approach_rules SET min_value = min_value + 1e9;
UPDATE dormancy.rules SET use_contract_end = NOT use_contract_end;
DELETE FROM dormancy.reason_rules WHERE rule_order = (SELECT min(rule_order) FROM dormancy.reason_rules);
-- (and the rules of auto-renew off and of a licence lapsed while in touch,
-- so that some customers have no matching rule: unknown, whose theme is edited)
DELETE FROM dormancy.reason_rules WHERE rule_order IN (57, 95);
SELECT * FROM demo.assess_mismatches();
-- and of price_changes, in customer_core
DELETE FROM dormancy.price_changes WHERE kind = 'spec_change';
UPDATE dormancy.price_changes SET note = 'edited', category = 'accessories' WHERE change_pct = 8.5;
SELECT * FROM demo.core_differ();
SELECT count(*) FILTER (WHERE price_increase = '2025-06-01 accessories +8.5% edited') > 0 AS label_edited
  FROM dormancy.customer_core;
-- categories not bound: a change for one category applies to no customer
-- (and every change left has one: the one for all was moved to accessories)
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total');
SELECT * FROM demo.core_differ();
SELECT count(*) FILTER (WHERE message_theme = 'referral') > 0 AS unknown_theme_edited,
	   count(approach_channel) AS channels_after_edit
  FROM dormancy.customer_status;

-- ... and from a PL/pgSQL expression, whose call site lives for the
-- transaction: an edit of price_changes between two evaluations shows
CREATE FUNCTION demo.price_edit_between(h dormancy.purchase_history) RETURNS text[]
	LANGUAGE plpgsql AS $$
DECLARE
	seen text[] := '{}';
	ds dormancy.decline_settings := dormancy.decline_settings_in_force();
BEGIN
	FOR i IN 1..2 LOOP
		-- one expression, evaluated twice with an edit between
		seen := seen || (dormancy._customer_facts(h, '2026-11-01', 0, ds.window_length, ds.trend_years,
							ds.season_length, ds.amount_drop_threshold, ds.frequency_drop_threshold,
							ds.cadence_slowdown_threshold, ds.overdue_threshold, ds.season_drop_threshold,
							ds.trend_drop_threshold, ds.trend_min_points, false,
							'3 months', '1 year', '2 years', false, NULL,
							-- the customer's last order taken as a purchase in category core
							ARRAY['core'], ARRAY[(dormancy.history_summary(h, '2026-11-01', 0)).last_order_at],
							true, (SELECT dormancy._configuration()))).price_increase;
		UPDATE dormancy.price_changes SET note = 'edited in the loop' WHERE change_pct = 12;
	END LOOP;
	RETURN seen;
END
$$;
BEGIN;
SELECT demo.price_edit_between(h.history)
  FROM dormancy.customer_histories h
 WHERE (dormancy.history_summary(h.history, '2026-11-01', 0)).last_order_at BETWEEN '2025-01-01' AND '2025-05-31'
 ORDER BY h.customer_id LIMIT 1;
ROLLBACK;

-- leave nothing behind for the next tests
DROP VIEW demo.old_status;
DROP VIEW demo.old_core;
DELETE FROM dormancy.models;
DELETE FROM dormancy.price_changes;
SELECT dormancy.reset_defaults(t)
  FROM unnest(ARRAY['dormancy.rules', 'dormancy.reason_rules', 'dormancy.approach_rules',
					'dormancy.message_themes']::regclass[]) t;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA demo CASCADE;
