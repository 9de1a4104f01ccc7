-- The evidence the likely reason is chosen by describes the customer now:
-- `lapsed` needs the last order of any amount to be past the at-risk
-- threshold (a large-order rule makes the state dormant while small orders
-- go on), and a deal or an outreach conversation counts only when it came
-- after the last purchase (review of the likely reasons, 2026-12-07).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.price_changes;
DELETE FROM dormancy.outreach_log;
SELECT dormancy.reset_defaults('dormancy.reason_rules'), dormancy.reset_defaults('dormancy.message_themes');
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA red;
CREATE TABLE red.c (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE red.o (cid integer, at date, amount numeric);
CREATE TABLE red.ev (cid integer, at date, kind text);
-- a large order is one of 1,000,000 or more (manufacturing)
UPDATE dormancy.rules SET min_order_amount = 1000000 WHERE industry = 'manufacturing';
INSERT INTO red.c VALUES
	(1, 'large orders stopped in 2024, small parts every week since', 'manufacturing'),
	(2, 'large orders stopped in 2024, small parts until 2025-06', 'manufacturing');
INSERT INTO red.o VALUES (1, '2023-06-10', 2000000), (1, '2024-01-10', 2500000), (1, '2024-06-10', 1800000),
	(2, '2023-06-10', 2000000), (2, '2024-01-10', 2500000), (2, '2024-06-10', 1800000);
INSERT INTO red.o SELECT 1, d::date, 20000 FROM generate_series(date '2023-06-03', date '2026-10-28', interval '1 week') d;
INSERT INTO red.o SELECT 2, d::date, 20000 FROM generate_series(date '2023-06-03', date '2025-06-28', interval '1 week') d;
-- someone else's event: events are bound, these customers have none
INSERT INTO red.ev VALUES (99, '2026-10-01', 'email_open');
SELECT dormancy.bind_customers('red.c', id => 'id', name => 'name', industry => 'industry') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('red.o', customer => 'cid', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT dormancy.bind_events('red.ev', customer => 'cid', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;

-- 1 is dormant on its large orders and still buys every week: not lapsed,
-- not forgot (circumstances_changed: a repeat buyer whose situation
-- changed); 2 stopped buying anything 16 months ago: lapsed, forgot
SELECT s.customer_id, s.state, s.days_since_last_order, s.days_since_last_qualifying_order,
	   'lapsed' = ANY (s.evidence) AS lapsed, s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s ORDER BY s.customer_id;
SELECT count(*) AS forgot_but_bought_within_30_days
  FROM dormancy.customer_status WHERE likely_reason = 'forgot' AND days_since_last_order <= 30;


-- a deal or an outreach conversation counts when it came after the last
-- purchase (any amount): one before it was followed by purchases, and no
-- longer says why the customer stops now.  3 lost a deal to a competitor in
-- 2019 and 4 declined a call on price in 2019, then both bought monthly from
-- 2025-01 to 2026-03, as 5 did with neither: the same reason as 5.  6 and 7
-- lost the deal or declined after their last purchase: lost_to_competitor,
-- dissatisfied_price.  8 declined on price on the day of its last order (not
-- after it), 9 lost a deal to a competitor in 2019 and never bought (counts)
INSERT INTO red.c VALUES
	(3, 'deal lost to a competitor in 2019, then a customer 2025-01..2026-03', NULL),
	(4, 'declined a call on price in 2019, then a customer 2025-01..2026-03', NULL),
	(5, 'same orders, no deal, no outreach', NULL),
	(6, 'same orders, deal lost to a competitor 2026-09', NULL),
	(7, 'same orders, declined a call on price 2026-09', NULL),
	(8, 'same orders, declined a call on price on the day of the last order', NULL),
	(9, 'deal lost to a competitor in 2019, never bought', NULL);
INSERT INTO red.o SELECT g, d::date, 1000 FROM generate_series(3, 8) g,
	generate_series(date '2025-01-05', date '2026-03-05', interval '1 month') d;
CREATE TABLE red.d (cid integer, closed date, outcome text, reason text);
INSERT INTO red.d VALUES (3, '2019-06-01', 'lost', 'competitor'), (6, '2026-09-01', 'lost', 'competitor'),
	(9, '2019-06-01', 'lost', 'competitor');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason, rep) VALUES
	('4', '2019-06-01 10:00+00', 'phone', 'declined', 'price', 'rep'),
	('7', '2026-09-01 10:00+00', 'phone', 'declined', 'price', 'rep'),
	('8', '2026-03-05 10:00+00', 'phone', 'declined', 'price', 'rep');
SELECT dormancy.bind_deals('red.d', customer => 'cid', closed_at => 'closed', outcome => 'outcome',
						   lost_reason => 'reason') IS NOT NULL AS bound;
SELECT s.customer_id, s.state, s.last_order_at, s.last_deal_at, o.last_outcome_on, s.dormancy_kind,
	   array(SELECT e FROM unnest(s.evidence) e WHERE e LIKE 'deal%' OR e LIKE 'outreach%' ORDER BY e) AS deal_outreach_evidence,
	   s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s LEFT JOIN dormancy.customer_outreach o ON o.customer_id = s.customer_id
 WHERE s.customer_id >= 3 ORDER BY s.customer_id;

-- dormant after a lost deal (D1, D5: no transaction now): 10 and 11 buy
-- every month, the last order 7 days ago, and lost an upsell deal (to a
-- competitor) or had it postponed since: active, no dormancy_kind, not
-- lapsing, so no reason and not on the call list; 6 (at risk) and 9 (never
-- bought) keep lost_deal
INSERT INTO red.c VALUES (10, 'monthly buyer, upsell deal lost to a competitor 4 days ago', NULL),
	(11, 'monthly buyer, upsell deal postponed 4 days ago', NULL);
INSERT INTO red.o SELECT g, d::date, 1000 FROM generate_series(10, 11) g,
	generate_series(date '2024-11-25', date '2026-10-25', interval '1 month') d;
INSERT INTO red.d VALUES (10, '2026-10-28', 'lost', 'competitor'), (11, '2026-10-28', 'postponed', NULL);
SELECT s.customer_id, s.state, s.days_since_last_order, s.dormancy_kind, s.likely_reason, s.message_theme,
	   EXISTS (SELECT 1 FROM dormancy.call_list l WHERE l.customer_id = s.customer_id) AS on_call_list
  FROM dormancy.customer_status s WHERE s.customer_id IN (6, 9, 10, 11) ORDER BY s.customer_id;

-- a conversation in the engagement window is engagement: a customer who
-- said "do not contact" (12) or booked a meeting (13) four days ago did not
-- forget us (no forgot, whose evidence is no_engagement); 14 was reached in
-- April, after its last order but before the 90-day window: forgot
INSERT INTO red.c VALUES (12, 'said do not contact 4 days ago', NULL), (13, 'booked a meeting 4 days ago', NULL),
	(14, 'reached in April, nothing since', NULL);
INSERT INTO red.o SELECT g, d::date, 1000 FROM generate_series(12, 14) g,
	generate_series(date '2025-01-05', date '2026-03-05', interval '1 month') d;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, rep) VALUES
	('12', '2026-10-28 10:00+00', 'phone', 'do not contact', 'rep'),
	('13', '2026-10-28 10:00+00', 'phone', 'meeting', 'rep'),
	('14', '2026-04-01 10:00+00', 'phone', 'reached', 'rep');
SELECT s.customer_id, s.state, s.events_in_window, o.last_outcome_on, o.last_outcome,
	   array(SELECT e FROM unnest(s.evidence) e WHERE e LIKE '%engage%' OR e LIKE 'outreach%' ORDER BY e) AS evidence,
	   s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s LEFT JOIN dormancy.customer_outreach o ON o.customer_id = s.customer_id
 WHERE s.customer_id IN (5, 12, 13, 14) ORDER BY s.customer_id;


-- a licence that lapsed while the customer still buys: not forgot either.
-- it_services counts the licence (use_contract_end); 20 and 21's licences
-- ended 2023-12-31 and their large orders stopped in 2023-06; 20 has bought
-- small parts every week since (rule 81 {contract_lapsed,no_engagement} gave
-- it forgot: 81 needs lapsed now, 82 the state never_purchased, a licence
-- with no order, and 90 says circumstances_changed), 21 bought nothing since
-- (lapsed: forgot); 22 has the licence alone (82: forgot)
UPDATE dormancy.rules SET min_order_amount = 1000000 WHERE industry = 'it_services';
CREATE TABLE red.k (cid integer, s date, e date);
INSERT INTO red.c VALUES (20, 'licence ended 2023, small orders every week since', 'it_services'),
	(21, 'licence ended 2023, nothing since 2023-06', 'it_services'),
	(22, 'licence ended 2023, never ordered', 'it_services');
INSERT INTO red.o VALUES (20, '2022-06-10', 2000000), (20, '2023-06-10', 2000000),
	(21, '2022-06-10', 2000000), (21, '2023-06-10', 2000000);
INSERT INTO red.o SELECT 20, d::date, 20000 FROM generate_series(date '2023-07-01', date '2026-10-28', interval '1 week') d;
INSERT INTO red.k VALUES (20, '2022-01-01', '2023-12-31'), (21, '2022-01-01', '2023-12-31'), (22, '2022-01-01', '2023-12-31');
SELECT dormancy.bind_contracts('red.k', customer => 'cid', starts_on => 's', ends_on => 'e') IS NOT NULL AS bound;
SELECT s.customer_id, s.state, s.days_since_last_order, 'lapsed' = ANY (s.evidence) AS lapsed,
	   s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s WHERE s.customer_id IN (20, 21, 22) ORDER BY s.customer_id;
SELECT count(*) AS forgot_but_bought_within_30_days
  FROM dormancy.customer_status WHERE likely_reason = 'forgot' AND days_since_last_order <= 30;
SELECT dormancy.unbind('contracts') IS NOT NULL AS unbound;

SELECT dormancy.reset_defaults('dormancy.rules') IS NOT NULL AS rules_reset;
DELETE FROM dormancy.outreach_log;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA red CASCADE;
