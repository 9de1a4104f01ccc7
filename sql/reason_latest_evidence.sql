-- The likely reason and the score read the same latest evidence
-- (docs/priority.md, "Why this order" and "A decline heard on a call").  A
-- decline heard on a call (the latest conversation, with a reason, after
-- the last order) is the deal component's input only when it is later than
-- the last closed deal, deals bound: a deal closed after it, or on its own
-- day, wins.  The reason rules 1 to 6 (outreach_declined,
-- outreach_reason_<reason>) read the decline under the same condition.
-- Until the fix they read it whatever deal came after it: a customer who
-- declined for a competitor in May and had a deal postponed until next
-- fiscal year's budget in August was scored on the postponed deal and
-- called about a competitor (lost_to_competitor, comparison_case_study).
--
-- 1. Hand-made customers, deals bound and not; 2. random customers against
-- a plain-SQL reading of the log, the deals and the orders.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_settings;
-- no hold after a contact nor until next fiscal year's budget: the call
-- list shows every lapsing customer (sql/budget_reapproach.sql holds them)
INSERT INTO dormancy.outreach_settings (recontact_after, fiscal_year_start_month) VALUES (NULL, NULL);
DELETE FROM dormancy.score_weights;
SELECT dormancy.reset_defaults('dormancy.reason_rules') IS NOT NULL AS reset,
	   dormancy.reset_defaults('dormancy.message_themes') IS NOT NULL AS reset;
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA rl;
CREATE TABLE rl.customers (id integer PRIMARY KEY, name text);
CREATE TABLE rl.orders (customer integer, day date, amount numeric);
CREATE TABLE rl.deals (customer integer, closed_on date, outcome text, reason text);
INSERT INTO rl.customers VALUES
	(1, 'declined (competitor) in May, deal postponed (budget) in August'),
	(2, 'declined (competitor) in May, deal lost on price in August'),
	(3, 'declined (competitor) in May, deal won in August'),
	(4, 'deal lost on price in May, declined (competitor) in August'),
	(5, 'deal postponed (budget) and declined (competitor) on the same day'),
	(6, 'declined (budget) in May, deal lost to a competitor in August'),
	(7, 'declined (competitor) in May, an open deal since'),
	(8, 'declined without a reason in May, deal postponed in August'),
	(9, 'declined (price) in August, no deal');
-- the same orders for everyone: monthly through 2022 (dormant repeat buyers)
INSERT INTO rl.orders SELECT c.id, d::date, 100000 FROM rl.customers c, generate_series('2022-01-10'::date, '2022-12-10', '1 month') d;
INSERT INTO rl.deals VALUES
	(1, '2026-08-01', 'postponed', 'budget'),
	(2, '2026-08-01', 'lost', 'price'),
	(3, '2026-08-01', 'won', NULL),
	(4, '2026-05-01', 'lost', 'price'),
	(5, '2026-08-01', 'postponed', 'budget'),
	(6, '2026-08-01', 'lost', 'competitor'),
	(7, '2026-09-01', 'open', NULL),
	(8, '2026-08-01', 'postponed', NULL);
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason) VALUES
	('1', '2026-05-01 12:00+00', 'phone', 'declined', 'competitor'),
	('2', '2026-05-01 12:00+00', 'phone', 'declined', 'competitor'),
	('3', '2026-05-01 12:00+00', 'phone', 'declined', 'competitor'),
	('4', '2026-08-01 12:00+00', 'phone', 'declined', 'competitor'),
	('5', '2026-08-01 12:00+00', 'phone', 'declined', 'competitor'),
	('6', '2026-05-01 12:00+00', 'phone', 'declined', 'budget'),
	('7', '2026-05-01 12:00+00', 'phone', 'declined', 'competitor'),
	('8', '2026-05-01 12:00+00', 'phone', 'declined', NULL),
	('9', '2026-08-01 12:00+00', 'phone', 'declined', 'price');
SELECT dormancy.bind_customers('rl.customers', 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('rl.orders', 'customer', 'day', 'amount') IS NOT NULL AS bound;

-- what each column says: the deal component's basis, the deal and outreach
-- evidence, the likely reason with the evidence that chose it, the theme;
-- agree: the score reads the decline exactly when the evidence holds the
-- decline and its reason, and a reason chosen by outreach evidence is one
-- the score read too
CREATE VIEW rl.seen AS
SELECT s.customer_id, s.deal_basis, s.deal_outreach_evidence, s.likely_reason, s.reason_evidence, s.message_theme,
	   (coalesce(s.deal_basis LIKE 'outreach declined%', false)
		= ('outreach_declined' = ANY (s.evidence)
		   AND EXISTS (SELECT 1 FROM unnest(s.evidence) e WHERE e LIKE 'outreach\_reason\_%')))
	   AND (coalesce(s.deal_basis LIKE 'outreach declined%', false)
			OR NOT EXISTS (SELECT 1 FROM unnest(s.reason_evidence) e WHERE e LIKE 'outreach%')) AS agree
  FROM (SELECT cs.customer_id, cs.score_breakdown -> 'deal' ->> 'basis' AS deal_basis,
			   array(SELECT e FROM unnest(cs.evidence) e WHERE e LIKE 'deal%' OR e LIKE 'outreach%' ORDER BY e) AS deal_outreach_evidence,
			   cs.evidence, cs.likely_reason, cs.reason_evidence, cs.message_theme
		  FROM dormancy.customer_status cs) s;

--
-- 1a. Deals bound: the latest of the last closed deal and the decline is
-- read, by the score and by the reason alike
--
SELECT dormancy.bind_deals('rl.deals', customer => 'customer', closed_at => 'closed_on', outcome => 'outcome',
						   lost_reason => 'reason') IS NOT NULL AS bound;
SELECT customer_id, deal_basis, deal_outreach_evidence, likely_reason, reason_evidence, message_theme, agree
  FROM rl.seen WHERE customer_id <= 9 ORDER BY customer_id;
-- the call list says the same
SELECT customer_id, likely_reason, approach_channel, message_theme, score_breakdown -> 'deal' ->> 'basis' AS deal_basis
  FROM dormancy.call_list WHERE customer_id IN (1, 2, 5, 6) ORDER BY customer_id;

--
-- 1b. Deals not bound: the decline is the latest evidence there is
--
SELECT dormancy.unbind('deals') IS NOT NULL AS unbound;
SELECT customer_id, deal_basis, deal_outreach_evidence, likely_reason, reason_evidence, message_theme, agree
  FROM rl.seen WHERE customer_id <= 9 ORDER BY customer_id;

--
-- 2. Random customers: orders (or none), deals and conversations on a
-- grid of days four weeks apart (so that a deal and a decline often share
-- a day), against a plain-SQL reading of the log, the deals and the orders
--
SELECT setseed(0.417);
CREATE TABLE rl.random AS
SELECT 100 + i AS id, random() AS p_orders, DATE '2024-01-07' + 7 * floor(random() * 100)::int AS first_order,
	   floor(random() * 10)::int AS orders, floor(random() * 3)::int AS deals,
	   floor(random() * 3)::int AS conversations
  FROM generate_series(1, 400) i ORDER BY i;
INSERT INTO rl.customers SELECT r.id, 'random ' || r.id FROM rl.random r ORDER BY r.id;
INSERT INTO rl.orders
SELECT r.id, r.first_order + 28 * g, 1000 FROM rl.random r CROSS JOIN LATERAL generate_series(0, r.orders) g
 WHERE r.p_orders > 0.15 AND r.first_order + 28 * g <= DATE '2026-10-01' ORDER BY r.id, g;
-- deals: distinct days per customer (the reference need not break ties)
INSERT INTO rl.deals
SELECT x.id, x.day, x.outcome, x.reason
  FROM (SELECT r.id, g, DATE '2025-06-01' + 28 * (g * 8 + floor(random() * 8)::int) AS day,
			   (ARRAY['won', 'lost', 'postponed', 'open', 'weird'])[1 + floor(random() * 5)::int] AS outcome,
			   (ARRAY['price', 'competitor', 'budget', 'timing', 'features', NULL])[1 + floor(random() * 6)::int] AS reason
		  FROM rl.random r CROSS JOIN LATERAL generate_series(0, r.deals - 1) g
		 ORDER BY r.id, g) x
 WHERE x.day <= DATE '2026-10-01';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason)
SELECT x.id::text, x.day + TIME '12:00', 'phone', x.outcome,
	   CASE WHEN x.outcome = 'declined' THEN x.reason END
  FROM (SELECT r.id, g, DATE '2025-06-01' + 28 * (g * 8 + floor(random() * 8)::int) AS day,
			   (ARRAY['declined', 'declined', 'declined', 'interested', 'meeting', 'no answer'])[1 + floor(random() * 6)::int] AS outcome,
			   (ARRAY['competitor', 'price', 'budget', 'timing', 'features', 'circumstances', 'whatever', NULL])[1 + floor(random() * 8)::int] AS reason
		  FROM rl.random r CROSS JOIN LATERAL generate_series(0, r.conversations - 1) g
		 ORDER BY r.id, g) x
 WHERE x.day <= DATE '2026-10-01';

-- The reference: the latest conversation that reached the customer, the
-- last closed deal (deals bound), the last order.  latest: the
-- conversation is a decline after the last order and later than the last
-- closed deal; scored: besides, it has a reason.  The reason rules 1 to 6
-- give the decline's reason its likely reason (other has none).
CREATE VIEW rl.reference AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day
), conv AS (
	SELECT DISTINCT ON (l.customer_id) l.customer_id::integer AS customer_id,
		   (l.contacted_at AT TIME ZONE 'UTC')::date AS day, o.outcome,
		   CASE WHEN o.outcome = 'declined' AND dormancy.label_key(l.declined_reason) <> ''
				THEN coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.outreach_log l
	  JOIN dormancy.outreach_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(l.outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(l.declined_reason)
	 WHERE o.outcome <> 'not_reached' AND (l.contacted_at AT TIME ZONE 'UTC')::date <= (SELECT day FROM a)
	 ORDER BY l.customer_id, l.contacted_at DESC, l.outreach_id DESC
), deal AS (
	SELECT DISTINCT ON (d.customer) d.customer AS customer_id, d.closed_on
	  FROM rl.deals d
	  LEFT JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(d.outcome)
	 WHERE (SELECT b.deals_bound FROM dormancy.src_bindings b)
	   AND o.outcome IS DISTINCT FROM 'open' AND d.closed_on <= (SELECT day FROM a)
	 ORDER BY d.customer, d.closed_on DESC
), x AS (
	SELECT c.id AS customer_id, conv.outcome, conv.reason, conv.day, deal.closed_on,
		   conv.outcome = 'declined'
		   AND (lo.day IS NULL OR conv.day > lo.day)
		   AND (deal.closed_on IS NULL OR conv.day > deal.closed_on) AS latest
	  FROM rl.customers c
	  LEFT JOIN conv ON conv.customer_id = c.id
	  LEFT JOIN deal ON deal.customer_id = c.id
	  LEFT JOIN (SELECT o.customer, max(o.day) AS day FROM rl.orders o
				  WHERE o.day <= (SELECT day FROM a) GROUP BY o.customer) lo ON lo.customer = c.id
	 WHERE c.id > 100
)
SELECT x.customer_id, x.outcome, x.reason, x.day, x.closed_on,
	   coalesce(x.latest, false) AS latest,
	   coalesce(x.latest AND x.reason IS NOT NULL, false) AS scored,
	   (SELECT rr.reason FROM dormancy.reason_rules rr
		 WHERE rr.evidence <@ ARRAY['outreach_declined', 'outreach_reason_' || x.reason]
		 ORDER BY rr.rule_order LIMIT 1) AS decline_reason
  FROM x;
CREATE VIEW rl.check AS
SELECT r.*, cs.likely_reason, cs.message_theme,
	   -- the score reads the decline
	   coalesce(cs.score_breakdown -> 'deal' ->> 'basis' LIKE 'outreach declined%', false) = r.scored AS score_ok,
	   -- the evidence holds the decline, and its reason
	   ('outreach_declined' = ANY (cs.evidence)) = r.latest
	   AND coalesce('outreach_reason_' || r.reason = ANY (cs.evidence), false) = (r.reason IS NOT NULL AND r.latest)
	   AND (r.scored OR NOT EXISTS (SELECT 1 FROM unnest(cs.evidence) e WHERE e LIKE 'outreach\_reason\_%')) AS evidence_ok,
	   -- a lapsing customer whose decline is read and has a rule takes the
	   -- rule's reason and theme; a decline not read chooses nothing
	   CASE WHEN cs.likely_reason IS NULL THEN true
			WHEN r.scored AND r.decline_reason IS NOT NULL
			THEN cs.likely_reason = r.decline_reason
				 AND cs.reason_evidence = ARRAY['outreach_declined', 'outreach_reason_' || r.reason]
				 AND cs.message_theme IS NOT DISTINCT FROM (SELECT t.theme FROM dormancy.message_themes t WHERE t.reason = r.decline_reason)
			ELSE NOT EXISTS (SELECT 1 FROM unnest(cs.reason_evidence) e WHERE e LIKE 'outreach%') END AS reason_ok
  FROM rl.reference r JOIN dormancy.customer_status cs USING (customer_id);

-- deals not bound
SELECT count(*) AS customers, count(*) FILTER (WHERE scored) AS declines_scored,
	   count(*) FILTER (WHERE scored AND likely_reason IS NOT NULL) AS declines_scored_lapsing,
	   count(*) FILTER (WHERE score_ok AND evidence_ok AND reason_ok) AS as_expected
  FROM rl.check;
-- deals bound: some declines are followed by a deal (or one of their day)
SELECT dormancy.bind_deals('rl.deals', customer => 'customer', closed_at => 'closed_on', outcome => 'outcome',
						   lost_reason => 'reason') IS NOT NULL AS bound;
SELECT count(*) AS customers, count(*) FILTER (WHERE scored) AS declines_scored,
	   count(*) FILTER (WHERE scored AND likely_reason IS NOT NULL) AS declines_scored_lapsing,
	   count(*) FILTER (WHERE outcome = 'declined' AND reason IS NOT NULL AND NOT latest
							AND closed_on >= day) AS declines_before_a_deal,
	   count(*) FILTER (WHERE outcome = 'declined' AND reason IS NOT NULL AND closed_on = day) AS declines_on_a_deal_day,
	   count(*) FILTER (WHERE score_ok AND evidence_ok AND reason_ok) AS as_expected
  FROM rl.check;
SELECT customer_id, outcome, reason, day, closed_on, latest, scored, likely_reason, score_ok, evidence_ok, reason_ok
  FROM rl.check WHERE NOT (score_ok AND evidence_ok AND reason_ok) ORDER BY customer_id LIMIT 10;

DROP VIEW rl.check, rl.reference, rl.seen;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA rl CASCADE;
TRUNCATE dormancy.outreach_log;
DELETE FROM dormancy.outreach_settings;
RESET dormancy.as_of;
