-- Priority (issue #5, D6-D8): the scenario pairs of the issue, each two
-- customers alike but for one thing (regular high-value > one-time; recent
-- pricing views > no engagement; postponed for budget > moved to a
-- competitor; at risk > long dormant), with the breakdown explaining each
-- difference; likely reasons, themes and channels; the call list; every
-- weight, rule and mapping change showing in the next query; bad input.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;			-- estimated costs of the per-customer parts would JIT-compile every query on these few rows
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
-- no hold until next fiscal year's budget (sql/budget_reapproach.sql): the
-- call list ranks every lapsing customer; the hold is shown with it below
DELETE FROM dormancy.outreach_settings;
INSERT INTO dormancy.outreach_settings (fiscal_year_start_month) VALUES (NULL);
CREATE SCHEMA pr;
CREATE TABLE pr.accounts (id integer PRIMARY KEY, name text, sector text, size text);
CREATE TABLE pr.invoices (account integer, day date, total numeric);
CREATE TABLE pr.events (account integer, at timestamptz, kind text);
CREATE TABLE pr.deals (account integer, closed date, outcome text, reason text);
CREATE TABLE pr.contracts (account integer, starts date, ends date, auto boolean);
INSERT INTO pr.accounts VALUES
	(1, 'regular high-value', NULL, NULL), (2, 'one-time', NULL, NULL),
	(3, 'pricing views', NULL, NULL), (4, 'no engagement', NULL, NULL),
	(5, 'postponed for budget', NULL, NULL), (6, 'moved to a competitor', NULL, NULL),
	(7, 'at risk', NULL, NULL), (8, 'long dormant', NULL, NULL),
	(9, 'active, auto-renew off', NULL, NULL), (10, 'enterprise account', 'manufacturing', 'enterprise'),
	(11, 'web shop buyer', 'EC', NULL), (12, 'twin A', NULL, NULL), (13, 'twin B', NULL, NULL),
	(14, 'active and steady', NULL, NULL), (15, 'prospect lost on price', NULL, NULL),
	(16, 'prospect postponed', NULL, NULL);
-- 1: 24 monthly orders of 50,000 up to 2025-09-01 (dormant); 2: one order of 5,000 that day
INSERT INTO pr.invoices SELECT 1, d, 50000 FROM generate_series('2023-10-01'::date, '2025-09-01', '1 month') d;
INSERT INTO pr.invoices VALUES (2, '2025-09-01', 5000);
-- 3 to 7: monthly orders of 10,000 up to 2026-03-01 (at risk); 8: the same four years earlier (long dormant)
INSERT INTO pr.invoices SELECT c, d, 10000 FROM generate_series(3, 7) c, generate_series('2024-03-01'::date, '2026-03-01', '1 month') d;
INSERT INTO pr.invoices SELECT 8, d - interval '4 years', 10000 FROM generate_series('2024-03-01'::date, '2026-03-01', '1 month') d;
-- 9 and 14: monthly up to last month (active); 10: 2,000,000 a quarter up to 2025-06-01
INSERT INTO pr.invoices SELECT c, d, 3000 FROM generate_series('2024-10-15'::date, '2026-10-15', '1 month') d, (VALUES (9), (14)) v(c);
INSERT INTO pr.invoices SELECT 10, d, 2000000 FROM generate_series('2023-03-01'::date, '2025-06-01', '3 months') d;
-- 11: small monthly web shop orders up to 2026-06-01 (EC: at risk after 3 months)
INSERT INTO pr.invoices SELECT 11, d, 80 FROM generate_series('2025-06-01'::date, '2026-06-01', '1 month') d;
-- 12 and 13: identical
INSERT INTO pr.invoices SELECT c, d, 700 FROM generate_series('2025-01-01'::date, '2025-07-01', '2 months') d, (VALUES (12), (13)) v(c);
INSERT INTO pr.events VALUES
	(3, '2026-10-28 09:00+00', 'pricing_view'), (3, '2026-10-25 09:00+00', 'pricing_view'),
	(3, '2026-10-20 09:00+00', 'pricing_view'), (3, '2026-10-20 09:05+00', 'web_visit'),
	(9, '2026-10-30 09:00+00', 'email_open'), (14, '2026-10-30 09:00+00', 'email_open');
INSERT INTO pr.deals VALUES
	(5, '2026-09-01', '保留', '来期予算'), (6, '2026-09-01', '失注', '他社に乗り換え'),
	(15, '2026-10-01', '失注', '価格'), (16, '2026-04-15', '保留', '予算');
INSERT INTO pr.contracts VALUES (9, '2025-11-21', '2026-11-20', false);
SELECT dormancy.bind_customers('pr.accounts', id => 'id', name => 'name', industry => 'sector', company_size => 'size');
SELECT dormancy.bind_orders('pr.invoices', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT dormancy.bind_events('pr.events', customer => 'account', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('pr.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_contracts('pr.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', auto_renew => 'auto');

-- customer_status has no rank (ranking reads every customer): call_list and
-- the snapshot rank; here the same window over customer_status
CREATE VIEW pr.ranked AS
SELECT cs.*, rank() OVER (ORDER BY cs.priority_score DESC, cs.customer_id) AS priority_rank
  FROM dormancy.customer_status cs;
SELECT customer_id, name, state, round(priority_score::numeric, 2) AS score, priority_rank AS rank,
	   likely_reason, reason_evidence, approach_channel, message_theme
  FROM pr.ranked ORDER BY customer_id;

--
-- The pairs: the first of each scores higher, and the breakdown shows why
--
CREATE TABLE pr.pairs (pair text, a integer, b integer);
INSERT INTO pr.pairs VALUES ('1 regular high-value > one-time', 1, 2), ('2 pricing views > no engagement', 3, 4),
	('3 postponed for budget > moved to competitor', 5, 6), ('4 at risk > long dormant', 7, 8);
CREATE VIEW pr.pair_status AS
SELECT p.pair, a.priority_score AS a_score, b.priority_score AS b_score, a.priority_rank AS a_rank, b.priority_rank AS b_rank,
	   a.score_breakdown AS a_breakdown, b.score_breakdown AS b_breakdown
  FROM pr.pairs p
  JOIN pr.ranked a ON a.customer_id = p.a
  JOIN pr.ranked b ON b.customer_id = p.b;
SELECT pair, a_score > b_score AS first_scores_higher, a_rank < b_rank AS first_ranks_higher,
	   round((a_score - b_score)::numeric, 2) AS difference
  FROM pr.pair_status ORDER BY pair;
-- the components whose contribution differs, with what they were computed from
SELECT s.pair, k AS component,
	   (s.a_breakdown -> k ->> 'contribution')::numeric AS first, (s.b_breakdown -> k ->> 'contribution')::numeric AS second,
	   s.a_breakdown -> k ->> 'basis' AS first_basis, s.b_breakdown -> k ->> 'basis' AS second_basis
  FROM pr.pair_status s CROSS JOIN LATERAL jsonb_object_keys(s.a_breakdown) k
 WHERE s.a_breakdown -> k -> 'contribution' <> s.b_breakdown -> k -> 'contribution'
 ORDER BY s.pair, k;
-- the differing contributions add up to the score difference (to the rounding of the breakdown)
SELECT s.pair,
	   abs(sum((s.a_breakdown -> k ->> 'contribution')::numeric - (s.b_breakdown -> k ->> 'contribution')::numeric)
		   - (s.a_score - s.b_score)::numeric) < 0.05 AS explained
  FROM pr.pair_status s CROSS JOIN LATERAL jsonb_object_keys(s.a_breakdown) k
 GROUP BY s.pair, s.a_score, s.b_score ORDER BY s.pair;
-- a full breakdown
SELECT k AS component, v ->> 'value' AS value, v ->> 'weight' AS weight, v ->> 'share' AS share,
	   v ->> 'contribution' AS contribution, v ->> 'basis' AS basis
  FROM dormancy.customer_status cs CROSS JOIN LATERAL jsonb_each(cs.score_breakdown) e(k, v)
 WHERE cs.customer_id = 5 ORDER BY k;

-- ranks: 1 is the highest score, ties broken by customer id (the twins)
-- (the call list's rank, among all customers, against the scores of customer_status)
SELECT bool_and(l.priority_rank = r.expected) AND count(*) = 14 AS ranks_follow_scores
  FROM dormancy.call_list l
  JOIN (SELECT customer_id, row_number() OVER (ORDER BY priority_score DESC, customer_id) AS expected
		  FROM dormancy.customer_status) r USING (customer_id);
SELECT customer_id, priority_score = lag(priority_score) OVER (ORDER BY customer_id) AS same_score, priority_rank
  FROM dormancy.call_list WHERE customer_id IN (12, 13) ORDER BY customer_id;

--
-- The call list: lapsing customers scoring at least call_list_min_score, best first
--
SELECT call_order, priority_rank, customer_id, name, state, dormancy_kind, round(priority_score::numeric, 1) AS score,
	   likely_reason, approach_channel, message_theme, round(approach_value::numeric) AS approach_value
  FROM dormancy.call_list;
SELECT (SELECT count(*) FROM dormancy.call_list) =
	   (SELECT count(*) FROM dormancy.customer_status WHERE likely_reason IS NOT NULL AND priority_score >= 20) AS complete,
	   (SELECT bool_and(likely_reason IS NULL AND approach_channel IS NULL AND message_theme IS NULL)
		  FROM dormancy.customer_status WHERE customer_id = 14) AS steady_active_not_listed;
-- with the hold (the default): the two postponed for next fiscal year's
-- budget wait until 1 February 2027, off the list; the others keep their order
DELETE FROM dormancy.outreach_settings;
SELECT customer_id, name, last_deal_outcome, reapproach_on FROM dormancy.customer_status
 WHERE reapproach_on IS NOT NULL ORDER BY customer_id;
SELECT string_agg(customer_id::text, ' ' ORDER BY call_order) AS listed FROM dormancy.call_list;
INSERT INTO dormancy.outreach_settings (fiscal_year_start_month) VALUES (NULL);
-- still one scan of each bound relation
CREATE FUNCTION pr.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT l; END LOOP;
END $$;
SELECT count(*) FILTER (WHERE l ~ 'Scan on invoices') AS order_scans, count(*) FILTER (WHERE l ~ 'Scan on events') AS event_scans,
	   count(*) FILTER (WHERE l ~ 'Scan on deals') AS deal_scans, count(*) FILTER (WHERE l ~ 'Scan on contracts') AS contract_scans
  FROM pr.plan('SELECT * FROM dormancy.call_list') l;

--
-- Weights: each change shows in the next query
--
-- engagement weighs nothing: the pricing views no longer count
INSERT INTO dormancy.score_weights (engagement) VALUES (0);
SELECT pair, round((a_score - b_score)::numeric, 2) AS difference, a_breakdown -> 'engagement' ->> 'share' AS engagement_share
  FROM pr.pair_status WHERE pair LIKE '2%';
-- and weighs a lot
UPDATE dormancy.score_weights SET engagement = 100;
SELECT pair, round((a_score - b_score)::numeric, 2) AS difference, a_breakdown -> 'engagement' ->> 'share' AS engagement_share
  FROM pr.pair_status WHERE pair LIKE '2%';
-- deal values turned around: the competitor loss now ranks first
UPDATE dormancy.score_weights SET engagement = 10, deal_postponed = -1, deal_lost_competitor = 1;
SELECT pair, a_score > b_score AS first_scores_higher FROM pr.pair_status WHERE pair LIKE '3%';
-- a higher bar for the call list
UPDATE dormancy.score_weights SET deal_postponed = 1, deal_lost_competitor = -1, call_list_min_score = 50;
SELECT count(*) AS listed, min(priority_score) >= 50 AS all_above FROM dormancy.call_list;
DELETE FROM dormancy.score_weights;
SELECT count(*) AS listed FROM dormancy.call_list;
-- weights are checked
INSERT INTO dormancy.score_weights (recency) VALUES (-1);
INSERT INTO dormancy.score_weights (no_engagement) VALUES (0.5);
INSERT INTO dormancy.score_weights (deal_lost_price) VALUES (-2);
INSERT INTO dormancy.score_weights (value_cap) VALUES (0);
INSERT INTO dormancy.score_weights (regular_days_cap) VALUES (1);
INSERT INTO dormancy.score_weights (call_list_min_score) VALUES (101);
INSERT INTO dormancy.score_weights (past_value) VALUES ('NaN');
SELECT (dormancy.score_weights_in_force()).past_value, (dormancy.score_weights_in_force()).value_cap;
-- the defaults of an empty table are the column defaults
WITH ins AS (INSERT INTO dormancy.score_weights DEFAULT VALUES RETURNING *)
SELECT (SELECT i FROM ins i)::text = dormancy.score_weights_in_force()::text AS defaults_agree;
DELETE FROM dormancy.score_weights;

--
-- Reasons, themes, channels: editable tables
--
-- a competitor loss read as a product problem; no rule for postponed deals
UPDATE dormancy.reason_rules SET reason = 'dissatisfied_product' WHERE rule_order = 10;
DELETE FROM dormancy.reason_rules WHERE rule_order = 20;
SELECT customer_id, likely_reason, reason_evidence, message_theme FROM dormancy.customer_status
 WHERE customer_id IN (5, 6) ORDER BY customer_id;
-- a new first rule
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES (0, '{pricing_views,state_at_risk}', 'lost_to_competitor');
SELECT customer_id, likely_reason, reason_evidence FROM dormancy.customer_status WHERE customer_id = 3;
-- reset_defaults() restores the installed rules and keeps the user's own (rule 0)
SELECT dormancy.reset_defaults('dormancy.reason_rules');
SELECT rule_order, reason, installed FROM dormancy.reason_rules WHERE rule_order IN (0, 10, 20) ORDER BY 1;
DELETE FROM dormancy.reason_rules WHERE rule_order = 0;
SELECT customer_id, likely_reason FROM dormancy.customer_status WHERE customer_id IN (3, 5, 6) ORDER BY customer_id;
-- themes
UPDATE dormancy.message_themes SET theme = 'new_offer' WHERE reason = 'budget_timing';
SELECT customer_id, likely_reason, message_theme FROM dormancy.customer_status WHERE customer_id = 5;
-- channels: a call for every postponed budget; industries match case-insensitively
INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, reasons) VALUES (1, 'phone', 0, '{budget_timing}');
UPDATE dormancy.approach_rules SET industries = '{Ec}' WHERE rule_order = 30;
SELECT customer_id, approach_channel FROM dormancy.customer_status WHERE customer_id IN (5, 6, 10, 11) ORDER BY customer_id;
DELETE FROM dormancy.approach_rules WHERE rule_order = 1;
SELECT dormancy.reset_defaults('dormancy.approach_rules');
SELECT dormancy.reset_defaults('dormancy.message_themes');
SELECT customer_id, approach_channel, message_theme FROM dormancy.customer_status WHERE customer_id IN (5, 11) ORDER BY customer_id;
-- rules are checked
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES (2, '{one_time}', 'bored');
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES (2, '{}', 'forgot');
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES (2, '{one_time,NULL}', 'forgot');
INSERT INTO dormancy.message_themes (reason, theme) VALUES ('forgot', 'gift');
INSERT INTO dormancy.approach_rules (rule_order, channel) VALUES (2, 'fax');
INSERT INTO dormancy.approach_rules (rule_order, channel, min_value) VALUES (2, 'email', -1);
-- a reason that is no likely reason (a typo, another case) would never match
INSERT INTO dormancy.approach_rules (rule_order, channel, reasons) VALUES (2, 'phone', '{one_time_missmatch}');
INSERT INTO dormancy.approach_rules (rule_order, channel, reasons) VALUES (2, 'phone', '{forgot,One_Time_Mismatch}');

--
-- The score function itself
--
CREATE FUNCTION pr.inputs(state text, days integer, p_alive float8 DEFAULT NULL, expected_value float8 DEFAULT NULL)
RETURNS dormancy.priority_inputs LANGUAGE sql AS $$
	SELECT ROW(state, days, 181, 365, 730, 120000, 12, 30, 30, 2, 'repeat', 1, true,
			   false, 0, 0, NULL, 90, false, NULL, NULL, NULL, 0, false, false, false, NULL, false, false, NULL, 90,
			   p_alive, expected_value)::dormancy.priority_inputs $$;
SELECT round(s.score::numeric, 2) AS score, s.breakdown -> 'p_alive' AS p_alive, s.breakdown -> 'engagement' AS engagement
  FROM dormancy.score_priority(pr.inputs('dormant', 400, 0.8, 5000), dormancy.score_weights_in_force()) s;
SELECT round(s.score::numeric, 2) AS score, s.breakdown -> 'p_alive' ->> 'share' AS p_alive_share
  FROM dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force()) s;
SELECT dormancy.score_priority(NULL, dormancy.score_weights_in_force()) IS NULL AS strict;
SELECT dormancy.score_priority(pr.inputs('sleepy', 400), dormancy.score_weights_in_force());
SELECT dormancy.score_priority(pr.inputs('dormant', 400),
	   ROW(true, -5, 15, 20, 10, 10, 10, 5, 5, 5, 1e7, 6, 1826, 2, 10, -0.5, 0.3, 0.5, 1, 0.6, -0.5, -1, -0.3, 1095, 0.3, 20, 90, 80, '{A,B}')::dormancy.score_weights);
SELECT dormancy.score_priority(pr.inputs('dormant', 400),
	   ROW(true, 20, 15, 20, 10, 10, 10, 5, 5, 5, NULL, 6, 1826, 2, 10, -0.5, 0.3, 0.5, 1, 0.6, -0.5, -1, -0.3, 1095, 0.3, 20, 90, 80, '{A,B}')::dormancy.score_weights);
-- the four-argument form: a decline heard on a call, its reason a code
-- (deal_reasons' seven) and its age in days, 0 or more; another wording or
-- a negative age is refused (until a review found them: an unknown
-- wording was scored as other, a negative age did not fade)
SELECT round((s.breakdown -> 'deal' ->> 'value')::numeric, 4) AS deal_value
  FROM dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), 'competitor', 30) s;
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), 'Competitor', 30);
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), 'competitor', -400);
SELECT (dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), NULL, 30)).score =
	   (dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force())).score AS none_without_reason;
-- each argument checked by itself: a wording that is no code is refused
-- with or without an age, a negative age with or without a reason (until a
-- review found it, both were checked only when both were given: 'Bogus'
-- without an age scored as no decline); a NULL in either is no decline
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), 'Bogus', NULL);
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), '', NULL);
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), NULL, -1);
SELECT dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), NULL, (-2147483647 - 1));
SELECT x.reason, x.days,
	   (dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force(), x.reason, x.days)).breakdown =
	   (dormancy.score_priority(pr.inputs('dormant', 400), dormancy.score_weights_in_force())).breakdown AS no_decline
  FROM (VALUES ('competitor', NULL::integer), ('other', NULL), (NULL, 0), (NULL, 30), (NULL, NULL)) x(reason, days);
-- NULL inputs or weights: NULL, as the two-argument form (strict) gives
SELECT dormancy.score_priority(NULL, dormancy.score_weights_in_force(), 'Bogus', -1) IS NULL AS null_inputs;

DROP VIEW pr.pair_status, pr.ranked;
SELECT dormancy.unbind(s) FROM unnest(ARRAY['contracts', 'deals', 'events', 'orders', 'customers']) s;
DROP SCHEMA pr CASCADE;
DELETE FROM dormancy.outreach_settings;
