-- One customer per likely reason, built from real orders, events, deals and
-- contracts, with the installed reason rules: each installed reason is
-- reachable, and the reported cases hold (a customer who bought 11 days ago
-- with halved spend is not "forgot"; auto-renew switched off has its rule;
-- "forgot" needs a real lapse).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.price_changes;
SELECT dormancy.reset_defaults('dormancy.reason_rules'), dormancy.reset_defaults('dormancy.message_themes');
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA rs;
CREATE TABLE rs.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE rs.orders (account integer, at date, total numeric, category text, discounted boolean DEFAULT false);
CREATE TABLE rs.events (account integer, at date, kind text);
CREATE TABLE rs.deals (account integer, closed date, outcome text, reason text);
CREATE TABLE rs.contracts (account integer, starts date, ends date, seats integer, auto_renew boolean);
INSERT INTO rs.accounts VALUES
	(1, 'lost to a competitor'), (2, 'deal postponed'), (3, 'no order since the paper price rose'),
	(4, 'no order since the ink specification changed'), (5, 'deal lost on price'),
	(6, 'repeated pricing views'), (7, 'support visits'), (8, 'deal lost on features'),
	(9, 'deal lost on the customer''s circumstances'), (10, 'fewer seats at renewal'),
	(11, 'auto-renew switched off, still buying'), (12, 'bought only at a discount'), (13, 'one purchase'),
	(14, 'bought 11 days ago, half the spend'), (15, 'at risk, twice a year, no contact'),
	(16, 'licence lapsed, no contact'), (17, 'licence lapsed, still visiting'),
	(18, 'dormant repeat buyer, still visiting'), (19, 'deal lost for another reason'),
	(20, 'bought last week, no contact'), (21, 'weekly buyer silent for two months, no contact'),
	(22, 'dormant repeat buyer, no contact');
-- monthly orders of a customer from a first to a last day at one amount
CREATE FUNCTION rs.monthly(account integer, first date, last date, amount numeric,
						   category text DEFAULT 'general', discounted boolean DEFAULT false)
	RETURNS void LANGUAGE sql AS $$
	INSERT INTO rs.orders SELECT account, d::date, amount, category, discounted
	  FROM generate_series(first, last, interval '1 month') d
$$;
SELECT rs.monthly(3, '2025-01-05', '2026-03-05', 1000, 'paper');
SELECT rs.monthly(4, '2025-01-05', '2026-03-05', 1000, 'ink');
SELECT rs.monthly(6, '2025-01-05', '2026-03-05', 1000);
SELECT rs.monthly(7, '2025-01-05', '2026-03-05', 1000);
SELECT rs.monthly(11, '2024-11-10', '2026-10-10', 1000);
SELECT rs.monthly(12, '2025-01-05', '2026-03-05', 1000, 'general', true);
INSERT INTO rs.orders VALUES (13, '2026-01-10', 5000, 'general', false);
SELECT rs.monthly(14, '2024-11-21', '2025-10-21', 2000);
SELECT rs.monthly(14, '2025-11-21', '2026-10-21', 1000);
INSERT INTO rs.orders VALUES (15, '2024-11-20', 3000, 'general', false), (15, '2025-04-20', 3000, 'general', false),
	(15, '2025-11-20', 3000, 'general', false), (15, '2026-04-20', 3000, 'general', false);
SELECT rs.monthly(18, '2023-01-05', '2025-06-05', 1000);
SELECT rs.monthly(22, '2023-01-05', '2025-06-05', 1000);
SELECT rs.monthly(20, '2024-11-25', '2026-10-25', 1000);
INSERT INTO rs.orders SELECT 21, d::date, 500, 'general', false
  FROM generate_series(date '2024-11-03', date '2026-09-01', interval '1 week') d;
INSERT INTO rs.events VALUES
	(6, '2026-10-01', 'pricing_view'), (6, '2026-10-08', 'pricing_view'), (6, '2026-10-15', 'pricing_view'),
	(7, '2026-10-01', 'support_visit'), (7, '2026-10-20', 'support_visit'),
	(17, '2026-10-10', 'web_visit'), (18, '2026-10-12', 'email_open'),
	-- someone else's engagement: events are bound
	(3, '2026-10-01', 'email_open'), (4, '2026-10-01', 'email_open');
INSERT INTO rs.deals VALUES
	(1, '2026-09-01', 'lost', 'competitor'), (2, '2026-09-01', 'postponed', NULL),
	(5, '2026-09-01', 'lost', 'price'), (8, '2026-09-01', 'lost', 'features'),
	(9, '2026-09-01', 'lost', 'circumstances'), (19, '2026-09-01', 'lost', 'other');
INSERT INTO rs.contracts VALUES
	(10, '2025-01-01', '2025-12-31', 10, true), (10, '2026-01-01', '2026-12-31', 5, true),
	(11, '2026-01-01', '2026-12-31', 3, false),
	(16, '2024-01-01', '2025-12-31', 5, true), (17, '2024-01-01', '2025-12-31', 5, true);
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note) VALUES
	('2026-04-01', 'paper', 10, 'price_increase', 'paper +10%'),
	('2026-04-01', 'ink', NULL, 'spec_change', 'new ink cartridges');

SELECT dormancy.bind_customers('rs.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('rs.orders', customer => 'account', ordered_at => 'at', amount => 'total',
							category => 'category', discounted => 'discounted') IS NOT NULL AS bound;
SELECT dormancy.bind_events('rs.events', customer => 'account', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;
SELECT dormancy.bind_deals('rs.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome',
						   lost_reason => 'reason') IS NOT NULL AS bound;
SELECT dormancy.bind_contracts('rs.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends',
							   seats => 'seats', auto_renew => 'auto_renew') IS NOT NULL AS bound;

SELECT s.customer_id, a.name, s.state, s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s JOIN rs.accounts a ON a.id = s.customer_id
 ORDER BY s.customer_id;

-- every installed reason is reached by some customer
SELECT r.reason, count(s.customer_id) AS customers
  FROM (SELECT DISTINCT reason FROM dormancy.reason_rules UNION SELECT 'unknown') r
  LEFT JOIN dormancy.customer_status s ON s.likely_reason = r.reason
 GROUP BY r.reason ORDER BY r.reason;
-- the reported cases
SELECT customer_id, days_since_last_order, decline_signals, likely_reason
  FROM dormancy.customer_status WHERE customer_id IN (11, 14, 20, 21) ORDER BY customer_id;
SELECT count(*) AS forgot_but_bought_within_30_days
  FROM dormancy.customer_status WHERE likely_reason = 'forgot' AND days_since_last_order <= 30;


-- The last deal's reason decides, postponed as lost (review of 2026-12-07):
-- a deal postponed for a competitor, on price, for features or for the
-- customer's circumstances gives that reason (rules 11 to 14), as a lost one
-- does (10, 40, 50, 55); postponed for budget, timing, no reason or an
-- unmapped one (other) stays budget_timing (rule 20).  Until the fix every
-- postponed deal gave budget_timing, theme reminder ("follow up when the new
-- budget opens"), whatever the reason the rep recorded, though only a
-- postponement for budget, timing or no reason holds the customer until next
-- fiscal year (docs/outreach.md): the others are on call_list.  Customers
-- 31-38 postponed, 41-48 lost, each with competitor, price, features,
-- circumstances, budget, timing, no reason and an unmapped one; the same
-- orders as 3 and 4 (monthly until 2026-03, no events: repeat, lapsed,
-- no_engagement), the deal in September.
INSERT INTO rs.accounts
SELECT 30 + 10 * o.n + r.n, o.outcome || ' ' || coalesce(r.reason, '(no reason)')
  FROM (VALUES (0, 'postponed'), (1, 'lost')) o(n, outcome),
	   (VALUES (1, 'competitor'), (2, 'price'), (3, 'features'), (4, 'circumstances'), (5, 'budget'),
			   (6, 'timing'), (7, NULL), (8, 'no reason given in the CRM')) r(n, reason)
 ORDER BY 1;
INSERT INTO rs.deals
SELECT a.id, '2026-09-01', split_part(a.name, ' ', 1), nullif(substr(a.name, strpos(a.name, ' ') + 1), '(no reason)')
  FROM rs.accounts a WHERE a.id > 30 ORDER BY a.id;
INSERT INTO rs.orders SELECT a.id, d::date, 1000, 'general', false
  FROM rs.accounts a, generate_series(date '2025-01-05', date '2026-03-05', interval '1 month') d
 WHERE a.id > 30 ORDER BY a.id, d;
-- the reference: the installed reason rules and themes as docs/priority.md
-- lists them, applied in plain SQL to the evidence the customer has: the
-- last deal's outcome and reason (deal_<outcome>, deal_reason_<reason>,
-- mapped by deal_outcomes and deal_reasons, other when unmapped), with what
-- customer_status finds besides the deal (repeat, lapsed, no_engagement, ...)
CREATE TABLE rs.doc_rules (rule_order integer, evidence text[], reason text);
INSERT INTO rs.doc_rules VALUES
	(1, '{outreach_declined,outreach_reason_competitor}', 'lost_to_competitor'),
	(2, '{outreach_declined,outreach_reason_price}', 'dissatisfied_price'),
	(3, '{outreach_declined,outreach_reason_budget}', 'budget_timing'),
	(4, '{outreach_declined,outreach_reason_timing}', 'budget_timing'),
	(5, '{outreach_declined,outreach_reason_features}', 'dissatisfied_product'),
	(6, '{outreach_declined,outreach_reason_circumstances}', 'circumstances_changed'),
	(10, '{deal_lost,deal_reason_competitor}', 'lost_to_competitor'),
	(11, '{deal_postponed,deal_reason_competitor}', 'lost_to_competitor'),
	(12, '{deal_postponed,deal_reason_price}', 'dissatisfied_price'),
	(13, '{deal_postponed,deal_reason_features}', 'dissatisfied_product'),
	(14, '{deal_postponed,deal_reason_circumstances}', 'circumstances_changed'),
	(20, '{deal_postponed}', 'budget_timing'),
	(21, '{deal_lost,deal_reason_budget}', 'budget_timing'),
	(22, '{deal_lost,deal_reason_timing}', 'budget_timing'),
	(30, '{lapsed_after_price_increase}', 'price_increase'),
	(31, '{lapsed_after_spec_change}', 'spec_change'),
	(40, '{deal_lost,deal_reason_price}', 'dissatisfied_price'),
	(41, '{repeated_pricing_views}', 'dissatisfied_price'),
	(45, '{support_visits}', 'dissatisfied_support'),
	(50, '{deal_lost,deal_reason_features}', 'dissatisfied_product'),
	(55, '{deal_reason_circumstances}', 'circumstances_changed'),
	(56, '{downgraded}', 'circumstances_changed'),
	(57, '{auto_renew_off}', 'circumstances_changed'),
	(60, '{campaign_only}', 'campaign_only'),
	(70, '{one_time}', 'one_time_mismatch'),
	(80, '{repeat,no_engagement,lapsed}', 'forgot'),
	(81, '{contract_lapsed,no_engagement,lapsed}', 'forgot'),
	(82, '{contract_lapsed,no_engagement,state_never_purchased}', 'forgot'),
	(85, '{repeat,amount_drop}', 'circumstances_changed'),
	(86, '{repeat,frequency_drop}', 'circumstances_changed'),
	(87, '{repeat,cadence_slowdown}', 'circumstances_changed'),
	(90, '{repeat}', 'circumstances_changed'),
	(95, '{contract_lapsed}', 'circumstances_changed');
CREATE TABLE rs.doc_themes (reason text, theme text);
INSERT INTO rs.doc_themes VALUES
	('dissatisfied_product', 'feedback_survey'), ('dissatisfied_support', 'feedback_survey'),
	('one_time_mismatch', 'feedback_survey'), ('unknown', 'feedback_survey'),
	('dissatisfied_price', 'discount_or_downsell'), ('campaign_only', 'discount_or_downsell'),
	('price_increase', 'discount_or_downsell'), ('forgot', 'reminder'), ('budget_timing', 'reminder'),
	('circumstances_changed', 'new_offer'), ('lost_to_competitor', 'comparison_case_study'),
	('spec_change', 'usage_guide');
CREATE VIEW rs.deal_check AS
WITH ev AS (
	SELECT s.customer_id, s.likely_reason, s.reason_evidence, s.message_theme,
		   array(SELECT e FROM unnest(s.evidence) e WHERE e NOT LIKE 'deal%') ||
		   array_remove(ARRAY['deal_' || coalesce(o.outcome, 'unknown'),
							  'deal_reason_' || CASE WHEN d.reason IS NOT NULL THEN coalesce(r.reason, 'other') END], NULL) AS have
	  FROM dormancy.customer_status s
	  JOIN rs.deals d ON d.account = s.customer_id
	  LEFT JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(d.outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(d.reason)
	 WHERE s.customer_id > 30
), x AS (
	SELECT ev.*, coalesce((SELECT dr.reason FROM rs.doc_rules dr WHERE dr.evidence <@ ev.have
							ORDER BY dr.rule_order LIMIT 1), 'unknown') AS expected_reason
	  FROM ev
)
SELECT x.customer_id, x.likely_reason, x.reason_evidence, x.message_theme, x.expected_reason,
	   (SELECT t.theme FROM rs.doc_themes t WHERE t.reason = x.expected_reason) AS expected_theme
  FROM x;
SELECT c.customer_id, a.name, c.likely_reason, c.reason_evidence, c.message_theme, s.reapproach_on,
	   c.likely_reason = c.expected_reason AND c.message_theme = c.expected_theme AS as_expected
  FROM rs.deal_check c JOIN rs.accounts a ON a.id = c.customer_id
  JOIN dormancy.customer_status s ON s.customer_id = c.customer_id ORDER BY c.customer_id;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE likely_reason = expected_reason AND message_theme = expected_theme) AS as_expected
  FROM rs.deal_check;
-- the installed rules are those docs/priority.md lists
SELECT count(*) AS rules, count(*) FILTER (WHERE d.rule_order IS NULL OR r.rule_order IS NULL) AS differ
  FROM dormancy.reason_rules r FULL JOIN rs.doc_rules d
	ON d.rule_order = r.rule_order AND d.evidence = r.evidence AND d.reason = r.reason;
SELECT count(*) AS themes, count(*) FILTER (WHERE d.reason IS NULL OR t.reason IS NULL) AS differ
  FROM dormancy.message_themes t FULL JOIN rs.doc_themes d ON d.reason = t.reason AND d.theme = t.theme;
-- the postponed ones not held until next fiscal year's budget are on the
-- call list with the reason the rep recorded
SELECT l.customer_id, l.likely_reason, l.message_theme
  FROM dormancy.call_list l WHERE l.customer_id BETWEEN 31 AND 38 ORDER BY l.customer_id;
DROP VIEW rs.deal_check;

DELETE FROM dormancy.price_changes;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA rs CASCADE;
