-- customer_status: every state boundary, each rule level, the large-order
-- rule, refunds, unknown amounts, time zones, empty tables, customers
-- without orders, orders after the as-of day.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
CREATE SCHEMA s;
CREATE TABLE s.customers (id integer, name text, industry text, size text);
CREATE TABLE s.orders (cid integer, day date, amt numeric);
SELECT dormancy.bind_customers('s.customers', id => 'id', name => 'name', industry => 'industry', company_size => 'size');
SELECT dormancy.bind_orders('s.orders', customer => 'cid', ordered_at => 'day', amount => 'amt');
SET dormancy.as_of = '2026-11-01';

-- empty tables: no rows, no errors
SELECT count(*) FROM dormancy.customer_status;
SELECT count(*) FROM dormancy.data_issues;

-- the default ladder (6 months, 1 year, 2 years): each boundary and the day before it
INSERT INTO s.customers (id, name) VALUES
	(1, 'ordered on as_of'), (2, 'day before at_risk'), (3, 'exactly at_risk'),
	(4, 'day before dormant'), (5, 'exactly dormant'), (6, 'day before long dormant'),
	(7, 'exactly long dormant'), (8, 'no orders'), (9, 'only after as_of'), (10, 'before and after as_of');
INSERT INTO s.orders VALUES
	(1, '2026-11-01', 10), (2, '2026-05-02', 10), (3, '2026-05-01', 10),
	(4, '2025-11-02', 10), (5, '2025-11-01', 10), (6, '2024-11-02', 10),
	(7, '2024-11-01', 10), (9, '2026-11-02', 10), (10, '2026-01-01', 10), (10, '2026-12-01', 99);
SELECT customer_id, name, state, last_order_at, days_since_last_order, orders_count, order_days, total_amount, segment
  FROM dormancy.customer_status ORDER BY customer_id;

-- calendar months: at_risk_after '3 months' from Nov 30 ends on Feb 28 (month end clamps)
INSERT INTO s.customers VALUES (11, 'month end', 'consumables', NULL), (12, 'leap day', NULL, NULL);
INSERT INTO s.orders VALUES (11, '2025-11-30', 5), (12, '2024-02-29', 5);
SET dormancy.as_of = '2026-02-27';
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 11;
SET dormancy.as_of = '2026-02-28';
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 11;
-- Feb 29 + 1 year = Feb 28 of the next year
SET dormancy.as_of = '2025-02-27';
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 12;
SET dormancy.as_of = '2025-02-28';
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 12;
SET dormancy.as_of = '2026-11-01';

-- rule levels: industry and size > industry > size > catch-all; case and blanks ignored
INSERT INTO s.customers VALUES
	(20, 'consumables smb', 'consumables', 'smb'),
	(21, 'smb only', NULL, 'smb'),
	(22, 'unknown industry, enterprise', 'shipbuilding', 'enterprise'),
	(23, 'Consumables, odd case', ' Consumables ', NULL),
	(24, 'nothing known', NULL, NULL),
	(25, 'manufacturing smb', 'manufacturing', 'SMB');
INSERT INTO s.orders SELECT id, '2026-06-15', 100 FROM generate_series(20, 25) AS id;
SELECT customer_id, name, rule_id, at_risk_after, dormant_after, long_dormant_after, state
  FROM dormancy.customer_status WHERE customer_id BETWEEN 20 AND 25 ORDER BY customer_id;
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after)
	VALUES ('consumables', 'smb', '1 month', '2 months', '3 months');
SELECT customer_id, at_risk_after, dormant_after, state
  FROM dormancy.customer_status WHERE customer_id IN (20, 23) ORDER BY customer_id;
-- an edit shows in the next query
UPDATE dormancy.rules SET at_risk_after = '2 months', dormant_after = '4 months', long_dormant_after = '6 months'
 WHERE industry IS NULL AND company_size IS NULL;
SELECT customer_id, dormant_after, state FROM dormancy.customer_status WHERE customer_id = 24;
UPDATE dormancy.rules SET at_risk_after = '6 months', dormant_after = '1 year', long_dormant_after = '2 years'
 WHERE industry IS NULL AND company_size IS NULL;
DELETE FROM dormancy.rules WHERE industry = 'consumables' AND company_size = 'smb';

-- CHECK constraints keep thresholds positive and ordered
\set VERBOSITY terse
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 year', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '0 days', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '-1 month', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 month', '6 months', '6 months');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 year -400 days', '6 months', '2 years');
-- thresholds are whole days or months: a time part, negative ('1 month -1
-- hour' made every customer_status query fail) or not ('12 hours' counted as
-- 0 days), is refused
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 month -1 hour', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '12 hours', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 month', '6 months', '2 years 00:00:01');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after, min_order_amount) VALUES ('x', '1 month', '6 months', '2 years', -1);
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('  ', '1 month', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('shipping', '1 month', '6 months', '2 years');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES (' Shipping ', '1 month', '6 months', '2 years');
DELETE FROM dormancy.rules WHERE industry = 'shipping';
-- a rule for a segment whose installed default is unedited replaces that default
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('EC', '1 month', '6 months', '2 years');
SELECT industry, dormant_after, installed FROM dormancy.rules WHERE lower(industry) = 'ec';
-- reset_rules() puts the defaults back; edited rows stop being "installed"
UPDATE dormancy.rules SET note = 'edited' WHERE industry = 'consumables' AND company_size IS NULL;
SELECT industry, installed FROM dormancy.rules WHERE industry IN ('consumables', 'it_services') ORDER BY 1;
SELECT dormancy.reset_rules();
SELECT count(*) AS rules, count(*) FILTER (WHERE installed) AS installed FROM dormancy.rules;
SELECT count(*) AS differing_from_defaults
  FROM (SELECT industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount FROM dormancy.rules
		EXCEPT SELECT industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount FROM dormancy.default_rules) AS d;
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', NULL, '6 months', '2 years');
\set VERBOSITY default

-- the large-order rule: only orders of at least min_order_amount count for recency
UPDATE dormancy.rules SET min_order_amount = 1000 WHERE industry = 'manufacturing' AND company_size IS NULL;
INSERT INTO s.customers VALUES (30, 'big then small', 'manufacturing', NULL), (31, 'exactly the minimum', 'manufacturing', NULL),
	(32, 'only small orders', 'manufacturing', NULL), (33, 'unknown amount', 'manufacturing', NULL);
INSERT INTO s.orders VALUES
	(30, '2024-06-01', 1500), (30, '2026-10-01', 100), (30, '2026-10-01', 200),
	(31, '2025-06-01', 1000),
	(32, '2026-10-01', 999.99),
	(33, '2026-10-01', NULL);
SELECT customer_id, state, last_order_at, days_since_last_order, last_qualifying_order_at,
	   days_since_last_qualifying_order, order_days, min_order_amount
  FROM dormancy.customer_status WHERE customer_id BETWEEN 30 AND 33 ORDER BY customer_id;
UPDATE dormancy.rules SET min_order_amount = 0 WHERE industry = 'manufacturing';

-- refunds net into their day; a day that nets to zero or less is no purchase day
INSERT INTO s.customers (id, name) VALUES (40, 'full refund same day'), (41, 'partial refund'),
	(42, 'refund weeks later'), (43, 'refund only'), (44, 'zero amount order'), (45, 'refunded in parts');
INSERT INTO s.orders VALUES
	(40, '2026-10-01', 50), (40, '2026-10-01', -50),
	(41, '2026-10-01', 50), (41, '2026-10-01', -20),
	(42, '2026-09-01', 80), (42, '2026-10-15', -80),
	(43, '2026-10-01', -30),
	(44, '2026-10-01', 0),
	(45, '2026-10-01', 0.10), (45, '2026-10-01', 0.20), (45, '2026-10-01', -0.30);
SELECT customer_id, name, state, last_order_at, orders_count, order_days, abs(total_amount) < 1e-9 AS nets_to_zero, refunds
  FROM dormancy.customer_status WHERE customer_id BETWEEN 40 AND 45 ORDER BY customer_id;

-- NULL amounts: an order of unknown value is still an order; its day is a purchase day
INSERT INTO s.customers (id, name) VALUES (50, 'unknown amount only'), (51, 'unknown and known');
INSERT INTO s.orders VALUES (50, '2026-10-01', NULL), (51, '2026-10-01', NULL), (51, '2026-10-01', 5), (51, '2026-09-01', NULL);
SELECT customer_id, state, orders_count, order_days, total_amount, unknown_amount_orders
  FROM dormancy.customer_status WHERE customer_id IN (50, 51) ORDER BY customer_id;

-- NULL order days and unknown customers are reported, not dropped
INSERT INTO s.orders VALUES (51, NULL, 7), (99, '2026-10-01', 1), (NULL, '2026-10-01', 2);
INSERT INTO s.customers (id, name) VALUES (NULL, 'no id'), (50, 'duplicate of 50');
SELECT issue, customer_id, rows, amount FROM dormancy.data_issues ORDER BY issue, customer_id;
DELETE FROM s.customers WHERE id IS NULL OR name = 'duplicate of 50';

-- time zones: an order at 20:00 UTC on Oct 31 is Nov 1 in Tokyo
CREATE TABLE s.tz_orders (cid integer, at timestamptz, amt numeric);
INSERT INTO s.tz_orders VALUES (60, '2026-10-31 20:00+00', 1), (60, '2025-11-01 16:00+00', 1);
INSERT INTO s.customers (id, name) VALUES (60, 'late evening buyer');
SELECT dormancy.bind_orders('s.tz_orders', customer => 'cid', ordered_at => 'at', amount => 'amt');
SELECT dormancy.as_of(), dormancy.as_of_day();
SELECT customer_id, state, first_order_at, last_order_at, days_since_last_order, order_days
  FROM dormancy.customer_status WHERE customer_id = 60;
SET dormancy.time_zone = 'Asia/Tokyo';
-- '2026-11-01' is now read as midnight in Tokyo
SELECT dormancy.as_of(), dormancy.as_of_day();
SELECT customer_id, state, first_order_at, last_order_at, days_since_last_order, order_days
  FROM dormancy.customer_status WHERE customer_id = 60;
SET dormancy.time_zone = 'America/Los_Angeles';
SELECT dormancy.as_of_day(), dormancy.local_day('2026-11-01 05:00+00');
-- an explicit zone in as_of wins
SET dormancy.as_of = '2026-11-01 05:00+00';
SELECT dormancy.as_of_day();
RESET dormancy.time_zone;
SET dormancy.as_of = '2026-11-01';
-- the session TimeZone does not change the answer
SET TimeZone = 'Pacific/Auckland';
SELECT dormancy.as_of_day(), count(*) FILTER (WHERE state = 'active') AS active
  FROM dormancy.customer_status;
SET TimeZone = 'UTC';
SELECT dormancy.as_of_day(), count(*) FILTER (WHERE state = 'active') AS active
  FROM dormancy.customer_status;

-- bad settings are refused
SET dormancy.time_zone = 'Mars/Olympus_Mons';
SET dormancy.time_zone = '';
SET dormancy.as_of = 'next tuesday-ish';
SET dormancy.as_of = 'infinity';
SHOW dormancy.as_of;
-- empty as_of means now (the transaction start)
RESET dormancy.as_of;
SELECT dormancy.as_of() = now() AS as_of_is_now;
SET dormancy.as_of = '2026-11-01';

-- the state function on its own
SELECT dormancy.dormancy_state(NULL, '2026-11-01', '6 months', '1 year', '2 years');
SELECT dormancy.dormancy_state('2026-01-01', '2026-11-01', NULL, '1 year', '2 years');
SELECT dormancy.dormancy_state('2026-01-01', '2026-11-01', '-6 months', '1 year', '2 years');
SELECT dormancy.dormancy_state('2026-01-01', '2026-11-01', '0 days', '1 year', '2 years');
SELECT dormancy.dormancy_state('2026-12-01', '2026-11-01', '6 months', '1 year', '2 years');
SELECT dormancy.dormancy_state('2026-05-01', '2026-11-01', '6 months', '1 year', '2 years');
-- a threshold with a time part is an error, like in dormancy.rules (it was
-- cut to whole days: '12 hours' made a customer at_risk on the day of its order)
SELECT dormancy.dormancy_state('2026-05-01', '2026-11-01', '4380 hours', '1 year', '2 years');
SELECT dormancy.dormancy_state('2024-01-01', '2024-01-01', '12 hours', '2 days', '3 days');
SELECT dormancy.dormancy_state('2024-01-01', '2024-01-01', '1 day', '1 day 00:00:01', '3 days');
SELECT dormancy.dormancy_state('2024-01-01', '2024-01-01', '1 day', '2 days', '1 month -1 hour');
-- hours that make whole days too ('48:00' is no '2 days' to the rules table either)
SELECT dormancy.dormancy_state('2024-01-01', '2024-01-01', '1 day', '48:00', '3 days');
-- whole days and months are fine
SELECT dormancy.dormancy_state('2024-01-01', '2024-01-02', '1 day', '2 days', '1 month');

-- no matching rule (the catch-all deleted): thresholds and state are NULL
BEGIN;
DELETE FROM dormancy.rules WHERE industry IS NULL AND company_size IS NULL;
SELECT customer_id, rule_id, state FROM dormancy.customer_status WHERE customer_id IN (24, 60) ORDER BY 1;
ROLLBACK;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA s CASCADE;
