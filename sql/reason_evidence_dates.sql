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

SELECT dormancy.reset_defaults('dormancy.rules') IS NOT NULL AS rules_reset;
DELETE FROM dormancy.outreach_log;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA red CASCADE;
