-- The lengths of the rules and settings have an upper bound (under 1,000
-- years): a threshold or window of 300,000 years was accepted, and then every
-- query of customer_status failed with "timestamp out of range", naming no
-- table or column.  Under the bound the views answer.
SET client_min_messages = warning;
SET dormancy.as_of = '2026-12-01';
CREATE SCHEMA ib;
CREATE TABLE ib.customers (id int PRIMARY KEY, name text);
CREATE TABLE ib.orders (customer int, ordered_on date, amount numeric);
INSERT INTO ib.customers VALUES (1, 'A');
INSERT INTO ib.orders VALUES (1, '2026-05-01', 100);
SELECT dormancy.bind_customers('ib.customers', id => 'id', name => 'name');
SELECT dormancy.bind_orders('ib.orders', customer => 'customer', ordered_at => 'ordered_on', amount => 'amount');
\set VERBOSITY terse
-- refused, naming the constraint (each attempt rolled back: the tables of
-- settings hold one row)
UPDATE dormancy.rules SET long_dormant_after = '300000 years' WHERE industry IS NULL AND company_size IS NULL;
BEGIN;
INSERT INTO dormancy.decline_settings (window_length) VALUES ('300000 years');
ROLLBACK;
BEGIN;
INSERT INTO dormancy.decline_settings (season_length) VALUES ('1000 years');
ROLLBACK;
BEGIN;
INSERT INTO dormancy.source_settings (contact_stale_after) VALUES ('300000 years');
ROLLBACK;
BEGIN;
INSERT INTO dormancy.source_settings (engagement_window) VALUES ('5000 years');
ROLLBACK;
BEGIN;
INSERT INTO dormancy.model_settings (horizon) VALUES ('300000 years');
ROLLBACK;
\set VERBOSITY default
SELECT customer_id, state FROM dormancy.customer_status;
-- just under the bound: the views answer
UPDATE dormancy.rules SET long_dormant_after = '999 years' WHERE industry IS NULL AND company_size IS NULL;
INSERT INTO dormancy.decline_settings (window_length, season_length) VALUES ('999 years', '3 months');
INSERT INTO dormancy.source_settings (contact_stale_after, engagement_window, renewal_horizon, downgrade_window)
VALUES ('999 years', '999 years', '999 years', '999 years');
SELECT customer_id, state, long_dormant_after FROM dormancy.customer_status;
SELECT count(*) AS call_list_rows FROM dormancy.call_list;
DELETE FROM dormancy.decline_settings;
DELETE FROM dormancy.source_settings;
SELECT dormancy.reset_rules();
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA ib CASCADE;
