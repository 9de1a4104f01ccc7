-- The campaign views match the orders and a bound outreach relation to the
-- members with the equality of the ids' own type, as customer_status does:
-- not by the text of the id (campaign review, 2026-12-07).  Customers with
-- integer ids and orders and outreach whose customer column is numeric
-- (an ERP export: 7.0), or customers with char(8) ids and orders in varchar
-- with a trailing blank ('C7 '), printed otherwise than the customer id:
-- every member came back in the window and was contacted.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA ti;

-- A. integer customers, numeric orders and outreach (7.0); customer 4 is
-- twice in the customers (one extra row of a CRM sync): once a member
CREATE TABLE ti.customers (id integer, name text);
CREATE TABLE ti.orders (customer numeric, at timestamptz, amount numeric);
CREATE TABLE ti.activities (account numeric(10,1), done_at timestamptz, result text);
INSERT INTO ti.customers SELECT g, 'customer ' || g FROM generate_series(1, 8) g;
INSERT INTO ti.customers VALUES (4, 'customer 4');
INSERT INTO ti.orders SELECT c.id::numeric(10,1), timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM generate_series(1, 8) c(id) CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('ti.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('ti.orders', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT customers, controls FROM dormancy.start_campaign('numeric ids', control_share => 0.5, seed => 1);
-- every member buys on 2026-11-01, inside the window; the treated are called
INSERT INTO ti.orders SELECT g::numeric(10,1), '2026-11-01 03:00+00', 500 FROM generate_series(1, 8) g;
INSERT INTO ti.activities SELECT customer_id::integer, '2026-10-05 03:00+00', 'reached'
  FROM dormancy.campaign_members WHERE NOT is_control;
SELECT dormancy.bind_outreach('ti.activities', customer => 'account', contacted_at => 'done_at', outcome => 'result') IS NULL AS bound;
SET dormancy.as_of = '2027-01-15';
SELECT state, count(*) FROM dormancy.customer_status GROUP BY 1 ORDER BY 1;
SELECT customer_id, is_control, contacted, contacts, reached, reactivated, purchase_days, first_purchase_on, revenue
  FROM dormancy.campaign_outcomes ORDER BY customer_id::integer;
SELECT treated, controls, treated_reactivated, control_reactivated, treated_rate, control_rate
  FROM dormancy.campaign_effect WHERE level = 'all';
SELECT customer_id, contacts, last_outcome FROM dormancy.campaign_list ORDER BY customer_id::integer;
SELECT dormancy.unbind('outreach') IS NULL AS unbound;
SELECT dormancy.unbind('orders') IS NULL AS unbound;
SELECT dormancy.unbind('customers') IS NULL AS unbound;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;

-- B. char(8) customers, varchar orders with a trailing blank ('C7 ')
SET dormancy.as_of = '2026-10-01';
CREATE TABLE ti.customers_b (id char(8) PRIMARY KEY, name text);
CREATE TABLE ti.orders_b (customer varchar(10), at timestamptz, amount numeric);
INSERT INTO ti.customers_b SELECT 'C' || g, 'customer ' || g FROM generate_series(1, 6) g;
INSERT INTO ti.orders_b SELECT rtrim(c.id) || ' ', timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM ti.customers_b c CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('ti.customers_b', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('ti.orders_b', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT customers, controls FROM dormancy.start_campaign('char ids', control_share => 0.5, seed => 1);
INSERT INTO ti.orders_b SELECT rtrim(id) || ' ', '2026-11-01 03:00+00', 500 FROM ti.customers_b;
SET dormancy.as_of = '2027-01-15';
SELECT state, count(*) FROM dormancy.customer_status GROUP BY 1 ORDER BY 1;
SELECT customer_id, is_control, reactivated, purchase_days, first_purchase_on, revenue
  FROM dormancy.campaign_outcomes ORDER BY customer_id;
SELECT treated, controls, treated_reactivated, control_reactivated FROM dormancy.campaign_effect WHERE level = 'all';

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ti CASCADE;
DELETE FROM dormancy.score_weights;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
