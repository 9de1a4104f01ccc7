-- campaign_outcomes' purchase days are those of the purchase histories
-- (docs/campaign_effect.md, docs/decline.md): with an order id bound, the
-- lines of an order are netted on the day of its first line (an order
-- returned in full later in the window is no purchase), and a net within
-- 1e-9 of the day's largest order is zero (0.1 + 0.2 - 0.3 in double
-- precision is no purchase).  Until the campaign review of 2026-12-07 the
-- lines were netted per day with an exact "> 0": both counted as a
-- reactivation while customer_status kept the customers lapsing.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA ol;
CREATE TABLE ol.customers (id integer PRIMARY KEY, name text);
CREATE TABLE ol.lines (customer integer, at timestamptz, amount float8, order_no text);
INSERT INTO ol.customers SELECT g, 'customer ' || g FROM generate_series(1, 5) g;
INSERT INTO ol.lines SELECT c.id, timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000, 'old-' || c.id || '-' || m
  FROM ol.customers c CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('ol.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('ol.lines', 'customer', 'at', 'amount', order_id => 'order_no') IS NULL AS bound;
SELECT customers, controls FROM dormancy.start_campaign('lines', control_share => 0, seed => 7);
-- 1: an order on 2026-10-10 returned in full on 2026-10-20 (the same order id)
INSERT INTO ol.lines VALUES (1, '2026-10-10 03:00+00', 50000, 'new-1'), (1, '2026-10-20 03:00+00', -50000, 'new-1');
-- 2: an order of three lines on 2026-11-05 netting to 0 in double precision
INSERT INTO ol.lines SELECT 2, '2026-11-05 03:00+00', v, 'z-2' FROM unnest('{0.1,0.2,-0.3}'::float8[]) v;
-- 3: an order on 2026-10-10 half returned on 2026-10-20: a purchase on 2026-10-10 of 25,000
INSERT INTO ol.lines VALUES (3, '2026-10-10 03:00+00', 50000, 'new-3'), (3, '2026-10-20 03:00+00', -25000, 'new-3');
-- 4: a return on 2026-10-20 of an order of 2026-09-20, before the window:
-- no purchase, nothing off the window's revenue
INSERT INTO ol.lines VALUES (4, '2026-09-20 03:00+00', 3000, 'sep-4'), (4, '2026-10-20 03:00+00', -3000, 'sep-4');
-- 5: an order of unknown amount on 2026-11-01: a purchase
INSERT INTO ol.lines VALUES (5, '2026-11-01 03:00+00', NULL, 'new-5');
SET dormancy.as_of = '2027-01-15';
SELECT customer_id, state, last_order_at FROM dormancy.customer_status ORDER BY customer_id;
SELECT customer_id, reactivated, purchase_days, first_purchase_on, revenue
  FROM dormancy.campaign_outcomes ORDER BY customer_id::integer;

-- without an order id, the rows are the orders: the day of 2 nets to 0
-- within the tolerance; the return of 1 is a day of its own, no purchase
SELECT dormancy.bind_orders('ol.lines', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT customer_id, state, last_order_at FROM dormancy.customer_status ORDER BY customer_id;
SELECT customer_id, reactivated, purchase_days, first_purchase_on, revenue
  FROM dormancy.campaign_outcomes ORDER BY customer_id::integer;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ol CASCADE;
DELETE FROM dormancy.score_weights;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
