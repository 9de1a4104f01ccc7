-- A customer who asked not to be contacted ("do not contact", renraku fuyo,
-- ...: an outcome that outreach_outcomes maps with opt_out) is kept off the
-- call list, the snapshot's call list and new campaigns, until a later
-- conversation of the customer's own interest (interested, meeting, quote,
-- order) lifts it.  Until 2026-12-07 such a refusal was a decline like any
-- other and the customer stayed first in line (docs/outreach.md, Opt-outs).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET dormancy.time_zone = 'Asia/Tokyo';
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA oo;
CREATE TABLE oo.customers (id integer PRIMARY KEY, name text);
CREATE TABLE oo.orders (customer integer, at timestamptz, amount numeric);
INSERT INTO oo.customers SELECT i, 'Customer ' || i FROM generate_series(1, 12) i;
-- every customer a repeat buyer who stopped in spring: all lapsing, all listed
INSERT INTO oo.orders SELECT c.id, timestamptz '2025-04-10 03:00+00' + (m || ' months')::interval, 100000
  FROM oo.customers c CROSS JOIN generate_series(0, 11) m;
SELECT dormancy.bind_customers('oo.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('oo.orders', 'customer', 'at', 'amount') IS NULL AS bound;
-- before any contact: every customer is on the call list
SELECT count(*) AS listed FROM dormancy.call_list;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('1', '2026-09-01 10:00+09', 'phone', 'do not contact', 'the English default'),
	('2', '2026-09-01 10:00+09', 'phone', U&'\9023\7D61\4E0D\8981', 'renraku fuyo: no more contact'),
	('3', '2026-08-01 10:00+09', 'phone', 'Do Not  Contact ', 'case and blanks: the same label'),
	('3', '2026-09-01 10:00+09', 'visit', U&'\5546\8AC7', 'shodan: the customer asked for a meeting: lifted'),
	('4', '2026-08-01 10:00+09', 'phone', U&'\55B6\696D\304A\65AD\308A', 'eigyo okotowari: no sales calls'),
	('4', '2026-08-15 10:00+09', 'phone', 'not reached', 'an attempt does not lift it'),
	('4', '2026-09-01 10:00+09', 'phone', 'reached', 'a rep reaching the customer does not lift it'),
	('4', '2026-09-15 10:00+09', 'phone', 'declined', 'nor does another refusal'),
	('5', '2026-10-05 10:00+09', 'phone', 'do not contact', 'after the as-of day'),
	('6', '2026-09-01 10:00+09', 'phone', 'declined', 'a refusal of one offer: stays listed'),
	('7', '2026-09-01 10:00+09', 'phone', 'do not contact', 'the same instant as a meeting'),
	('7', '2026-09-01 10:00+09', 'phone', 'meeting', 'the same instant: the opt-out stands'),
	('8', '2026-09-01 10:00+09', 'phone', 'NG for sales', 'a label of the company''s own, mapped below'),
	('9', '2026-10-01 23:30+09', 'phone', 'do not contact', 'the as-of day in Tokyo, 14:30 UTC'),
	('10', '2026-10-02 00:10+09', 'phone', 'do not contact', 'the next day in Tokyo, still 1 October in UTC'),
	('11', '2026-09-01 10:00+09', 'phone', 'opt out', NULL),
	('11', '2026-09-10 10:00+09', 'email', 'ordered', 'the customer ordered through the rep: lifted');
SELECT customer_id, last_outcome, opted_out_on FROM dormancy.customer_outreach ORDER BY customer_id;
-- the opt-out is a decline: the likely reason and its evidence are those of
-- customer 6's plain refusal
SELECT customer_id, likely_reason, reason_evidence, evidence, opted_out_on
  FROM dormancy.customer_status WHERE customer_id IN (1, 6, 12) ORDER BY customer_id;
SELECT count(*) AS opted_out FROM dormancy.customer_status WHERE opted_out_on IS NOT NULL;
SELECT customer_id FROM dormancy.call_list ORDER BY customer_id;
-- the call order has no gap where the opted-out customers were
SELECT count(*) = max(call_order) AS dense, count(DISTINCT owner_order) > 0 AS owner_order FROM dormancy.call_list;
-- a label of the company's own: the next query sees the mapping
INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES ('NG for sales', 'declined', true);
SELECT customer_id, opted_out_on FROM dormancy.customer_outreach WHERE customer_id = 8;
SELECT count(*) AS listed, bool_or(customer_id = 8) AS customer_8_listed FROM dormancy.call_list;
-- only a refusal can be an opt-out
INSERT INTO dormancy.outreach_outcomes (source_outcome, outcome, opt_out) VALUES ('please call', 'meeting', true);
-- an unedited default: reset_defaults keeps its opt_out
UPDATE dormancy.outreach_outcomes SET opt_out = false WHERE source_outcome = 'do not contact';
-- (customer 1 comes back; not customer 9, called on the as-of day and held
-- back for outreach_settings.recontact_after: docs/outreach.md, Recent contacts)
SELECT count(*) AS listed FROM dormancy.call_list;
SELECT dormancy.reset_defaults('dormancy.outreach_outcomes');
SELECT source_outcome, outcome, opt_out, installed FROM dormancy.outreach_outcomes
 WHERE opt_out ORDER BY dormancy.label_key(source_outcome) COLLATE "C";
-- campaigns start from the call list: no opted-out member
SELECT customers FROM dormancy.start_campaign('autumn', control_share => 0);
SELECT customer_id FROM dormancy.campaign_members ORDER BY customer_id::integer;
-- a campaign started before an opt-out: the member stays a member (and is
-- counted by campaign_outcomes), but leaves the reps' list; an opt-out
-- lifted by a later meeting brings the member back
SELECT count(*) AS to_approach FROM dormancy.campaign_list WHERE campaign_name = 'autumn';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT '12', '2026-10-01 09:00+09', 'phone', U&'\67B6\96FB\7981\6B62', campaign_id FROM dormancy.campaigns WHERE name = 'autumn';
SELECT customer_id, call_order, contacts FROM dormancy.campaign_list WHERE campaign_name = 'autumn' ORDER BY call_order;
SELECT count(*) AS members, count(*) FILTER (WHERE contacted) AS contacted FROM dormancy.campaign_outcomes
 WHERE campaign_name = 'autumn';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome)
VALUES ('12', '2026-10-01 10:00+09', 'phone', 'meeting booked');
SELECT bool_or(customer_id = '12') AS customer_12_back FROM dormancy.campaign_list WHERE campaign_name = 'autumn';
DELETE FROM dormancy.outreach_log WHERE customer_id = '12';
-- the snapshot carries the day; its call list leaves them out too
CALL dormancy.refresh();
SELECT customer_key, opted_out_on FROM dormancy.status_snapshot WHERE opted_out_on IS NOT NULL ORDER BY customer_id;
SELECT customer_id FROM dormancy.snapshot_call_list ORDER BY customer_id::integer;
-- a reader of the snapshot needs nothing on the outreach log
CREATE ROLE oo_reader IN ROLE dormancy_reader;
SET ROLE oo_reader;
SELECT count(*) AS snapshot_listed FROM dormancy.snapshot_call_list;
RESET ROLE;
DROP ROLE oo_reader;
-- a later as-of day: customers 5 and 10 opted out by then
SET dormancy.as_of = '2026-10-10';
SELECT customer_id, opted_out_on FROM dormancy.customer_outreach WHERE opted_out_on IS NOT NULL ORDER BY customer_id;
-- an opt-out written as the declined reason (outcome 'kotowari', reason
-- 'kongo renraku fuyo'; 'declined' for 'do not contact'): an opt-out too
-- (until 2026-12-07 only the outcome was read, and a review found the
-- reason's wording mapped to nothing that could say so)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason) VALUES
	('6', '2026-10-08 10:00+09', 'phone', U&'\65AD\308A', U&'\4ECA\5F8C\9023\7D61\4E0D\8981'),
	('3', '2026-10-09 10:00+09', 'phone', 'declined', 'Do not contact');
SELECT customer_id, last_outcome, last_declined_reason, opted_out_on FROM dormancy.customer_outreach
 WHERE customer_id IN (3, 6) ORDER BY customer_id;
-- campaign_list and customer_outreach apply one rule: a member is on the
-- reps' list exactly when customer_outreach has no opt-out in force for the
-- customer.  Unlifted: 3 and 6 (an opt-out as the reason), 5 (by now),
-- 12 (a quote of the same instant, then an attempt and a rep reaching the
-- customer); lifted: 10 (interested the next day), 11 (an order)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('12', '2026-10-05 10:00+09', 'phone', 'do not contact', 'agreement'),
	('12', '2026-10-05 10:00+09', 'visit', 'quote', 'agreement'),
	('12', '2026-10-06 10:00+09', 'phone', 'not reached', 'agreement'),
	('12', '2026-10-07 10:00+09', 'phone', 'reached', 'agreement'),
	('10', '2026-10-03 10:00+09', 'phone', 'interested', 'agreement');
SELECT m.customer_id, o.opted_out_on, l.customer_id IS NOT NULL AS listed,
	   (o.opted_out_on IS NULL) = (l.customer_id IS NOT NULL) AS agree
  FROM dormancy.campaign_members m
  JOIN dormancy.campaigns c ON c.campaign_id = m.campaign_id AND c.name = 'autumn'
  LEFT JOIN dormancy.customer_outreach o ON o.customer_id::text = m.customer_id
  LEFT JOIN dormancy.campaign_list l ON l.campaign_id = m.campaign_id AND l.customer_id = m.customer_id
 ORDER BY m.customer_id::integer;
-- the rule and the outcomes that lift an opt-out are each written once
-- (dormancy._opt_out_in_force, dormancy._interest_outcomes), and the call
-- lists' minimum score (dormancy._call_list_min_score): inlined or folded
-- into the plans of the views that use them, never called row by row
\i test/sql_ref/plan_nodes.sql
SELECT v, count(*) FILTER (WHERE (n - 'Plans')::text ~ '_(opt_out_in_force|interest_outcomes|call_list_min_score)\(') AS calls,
	   bool_or((n - 'Plans')::text ~ '\{interested,meeting,quote,order\}') AS outcomes_folded
  FROM unnest(ARRAY['customer_outreach', 'campaign_list', 'call_list', 'snapshot_call_list']) v,
	   LATERAL pg_temp.plan_nodes('SELECT * FROM dormancy.' || v, 'VERBOSE, COSTS off') n
 GROUP BY v ORDER BY v;
DELETE FROM dormancy.outreach_log WHERE note = 'agreement';
-- a bound outreach table of the user's: its outcome text is mapped the same way
CREATE TABLE oo.activities (account integer, at timestamptz, result text);
INSERT INTO oo.activities VALUES (12, '2026-09-20 15:00+09', U&'\9023\7D61\62D2\5426'),
								 (6, '2026-09-20 15:00+09', 'interested');
SELECT dormancy.bind_outreach('oo.activities', 'account', 'at', outcome => 'result') IS NULL AS bound;
SELECT customer_id, last_outcome, opted_out_on FROM dormancy.customer_outreach ORDER BY customer_id;
SELECT count(*) AS listed, bool_or(customer_id = 12) AS customer_12_listed FROM dormancy.call_list;
-- an opt-out whose time is missing or not finite (a CRM row without its
-- date) keeps the customer off the lists all the same: its time unknown,
-- no conversation can be known to come after it, so nothing lifts it, and
-- opted_out_on is -infinity (a dated opt-out's day when there is one);
-- source_issues lists the rows.  Until 2026-12-07 it was left out like any
-- contact without a time, and a customer who had asked not to be called
-- stayed on the call list.  A contact without a time that is not an
-- opt-out still counts for nothing (customer 8)
INSERT INTO oo.activities VALUES (4, NULL, 'do not contact'), (4, '2026-09-25 10:00+09', 'meeting'),
								 (7, 'infinity', U&'\9023\7D61\4E0D\8981'), (8, NULL, 'interested'),
								 (11, NULL, 'do not call'),
								 -- a dated opt-out lifted by a meeting, and one of -infinity:
								 -- the day shown is none (until a review, 1 September's)
								 (5, '2026-09-01 10:00+09', 'do not contact'), (5, '2026-09-20 10:00+09', 'meeting'),
								 (5, '-infinity', 'do not contact');
SELECT customer_id, contacts, last_outcome, opted_out_on FROM dormancy.customer_outreach ORDER BY customer_id;
SELECT count(*) AS listed, bool_or(customer_id IN (4, 7)) AS customer_4_or_7_listed FROM dormancy.call_list;
SELECT customer_id, opted_out_on FROM dormancy.customer_status WHERE customer_id IN (4, 5, 7, 8, 11) ORDER BY customer_id;
-- (customer 11, a member of the campaign: off the reps' list)
SELECT customer_id FROM dormancy.campaign_list WHERE campaign_name = 'autumn' ORDER BY call_order;
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY 1, 2;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA oo CASCADE;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
RESET dormancy.time_zone;
