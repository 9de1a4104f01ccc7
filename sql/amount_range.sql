-- One absurd amount must not stop every query and the nightly run: an order
-- of 1.7e308 (float8) or 1e400 (numeric, beyond double precision) used to
-- fail customer_status ("value out of range: overflow") for every customer.
-- Amounts beyond +-1e15 (a thousand trillion in any currency), NaN and
-- infinities are taken as unknown amounts and listed in data_issues.
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA ar;
CREATE TABLE ar.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE ar.orders_f (account integer, at date, total float8);
CREATE TABLE ar.orders_n (account integer, at date, total numeric);
CREATE TABLE ar.orders_i (account integer, at date, total bigint);
INSERT INTO ar.accounts VALUES (1, 'Alpha'), (2, 'Beta'), (3, 'Gamma');
-- customer 1 is ordinary; 2 has one absurd amount among ordinary ones; 3 the largest kept
INSERT INTO ar.orders_f VALUES (1, '2026-09-01', 100), (1, '2026-10-01', 120),
	(2, '2026-08-01', 50), (2, '2026-09-01', 1.7e308), (2, '2026-09-15', 'NaN'), (2, '2026-10-01', '-Infinity'),
	(3, '2026-10-01', 1e15), (3, '2026-10-02', -1e15);
INSERT INTO ar.orders_n SELECT account, at, CASE WHEN total = 1.7e308 THEN 1e400 ELSE total::numeric END FROM ar.orders_f;
INSERT INTO ar.orders_i VALUES (1, '2026-09-01', 100), (1, '2026-10-01', 120),
	(2, '2026-08-01', 50), (2, '2026-09-01', 9223372036854775807), (2, '2026-10-01', -9223372036854775808),
	(3, '2026-10-01', 1000000000000000), (3, '2026-10-02', -1000000000000000);
SELECT dormancy.bind_customers('ar.accounts', id => 'id', name => 'name');

-- each amount type: every customer has a row, the absurd amounts count as unknown
SELECT dormancy.bind_orders('ar.orders_f', customer => 'account', ordered_at => 'at', amount => 'total');
SELECT customer_id, state, orders_count, order_days, total_amount, unknown_amount_orders, refunds
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT issue, customer_id, rows, detail FROM dormancy.data_issues ORDER BY issue, customer_id;
SELECT dormancy.bind_orders('ar.orders_n', customer => 'account', ordered_at => 'at', amount => 'total');
SELECT customer_id, state, orders_count, order_days, total_amount, unknown_amount_orders, refunds
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT issue, customer_id, rows FROM dormancy.data_issues ORDER BY issue, customer_id;
SELECT dormancy.bind_orders('ar.orders_i', customer => 'account', ordered_at => 'at', amount => 'total');
SELECT customer_id, state, orders_count, order_days, total_amount, unknown_amount_orders, refunds
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT issue, customer_id, rows FROM dormancy.data_issues ORDER BY issue, customer_id;
-- and the nightly run goes through
CALL dormancy.refresh();
SELECT outcome, rows FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ar CASCADE;
