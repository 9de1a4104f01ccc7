-- The change tracking keys each customer by its id as text (the history
-- store, the marks of the customers written since a refresh), while the
-- views group the orders by the id itself.  An id that can be written in
-- more than one way as text would be one customer to the views and two to
-- the store, so the orders of such a customer column are not tracked
-- (every refresh folds every order, history_mode 'live'), with the reason.
-- Found on 2026-12-07: with numeric ids without a scale, an order of
-- customer 7 written as 7.00 after a refresh had stored 7 made the next
-- incremental refresh fail on the store's unique key, and every one after
-- it; with a collation that is not deterministic, fit_models() counted
-- customer C7 twice once an order was written for c7.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
\set SHOW_CONTEXT never

-- which column types have one text form per id (NULL) and which do not
CREATE SCHEMA tk;
CREATE DOMAIN tk.code AS varchar(12);
CREATE DOMAIN tk.amount_id AS numeric(10, 0);
CREATE DOMAIN tk.loose_id AS numeric;
CREATE COLLATION tk.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tk.kinds (i2 smallint, i4 integer, i8 bigint, u uuid, n10 numeric(10, 0), n numeric, t text, v varchar(20),
					   c8 char(8), bp bpchar, t_nocase text COLLATE tk.nocase, t_c text COLLATE "C",
					   d_code tk.code, d_n10 tk.amount_id, d_n tk.loose_id, f8 double precision, day date,
					   ts timestamptz, span interval);
SELECT a.attname AS id_column, dormancy._ambiguous_key('tk.kinds', a.attname) AS why_not_tracked
  FROM pg_attribute a WHERE a.attrelid = 'tk.kinds'::regclass AND a.attnum > 0 ORDER BY a.attnum;

-- numeric ids without a scale: not tracked, and a refresh after an order of
-- customer 7 written as 7.00 succeeds, with one customer 7
CREATE TABLE tk.customers (id numeric PRIMARY KEY, sector text);
CREATE TABLE tk.orders (id numeric, at date, amount numeric);
CREATE INDEX ON tk.orders (id);
INSERT INTO tk.customers SELECT g, 'retail' FROM generate_series(1, 30) g;
INSERT INTO tk.orders SELECT 1 + g % 30, date '2025-01-01' + g * 2, 100 FROM generate_series(1, 300) g;
SELECT dormancy.bind_customers('tk.customers', id => 'id', industry => 'sector') IS NOT NULL AS bound;
SET client_min_messages = notice;
SELECT dormancy.bind_orders('tk.orders', customer => 'id', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SET client_min_messages = warning;
SELECT tracked, reason FROM dormancy.history_store_state;
CALL dormancy.refresh();
INSERT INTO tk.orders VALUES (7.00, '2026-10-01', 500);
CALL dormancy.refresh();
SELECT history_mode, outcome, rows FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT customer_key, last_order_at, orders_count FROM dormancy.status_snapshot WHERE customer_id = 7;
SELECT count(*) AS stored FROM dormancy.stored_histories;

-- with a scale (numeric(12, 0): 7.00 is stored as 7) the ids are tracked
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
ALTER TABLE tk.orders ALTER COLUMN id TYPE numeric(12, 0);
SELECT dormancy.bind_orders('tk.orders', customer => 'id', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT tracked, reason FROM dormancy.history_store_state;
CALL dormancy.refresh();
INSERT INTO tk.orders VALUES (7.00, '2026-10-15', 500);
CALL dormancy.refresh();
SELECT history_mode, customers_recomputed, outcome FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT customer_key, last_order_at, orders_count FROM dormancy.status_snapshot WHERE customer_id = 7;

-- text ids in a collation that is not deterministic (C7 and c7 are one
-- customer): not tracked, so fit_models() reads the orders, and counts C7
-- once
CREATE TABLE tk.accounts (code text COLLATE tk.nocase PRIMARY KEY, sector text);
CREATE TABLE tk.sales (code text COLLATE tk.nocase, at timestamptz, amount numeric);
CREATE INDEX ON tk.sales (code);
SELECT setseed(0.5);
INSERT INTO tk.accounts SELECT 'C' || g, (ARRAY['retail', 'ec'])[1 + g % 2] FROM generate_series(1, 300) g;
INSERT INTO tk.sales
SELECT 'C' || (1 + floor(random() * 300))::int, timestamptz '2024-01-01 09:00+09' + floor(random() * 1000) * interval '1 day',
	   round((random() * 1000)::numeric, 2)
  FROM generate_series(1, 3000);
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.bind_customers('tk.accounts', id => 'code', industry => 'sector') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('tk.sales', customer => 'code', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT tracked, reason FROM dormancy.history_store_state;
CALL dormancy.refresh();
INSERT INTO tk.sales VALUES ('c7', '2026-10-30 10:00+09', 500);
SELECT dormancy._stored_histories_usable() AS usable;
SET client_min_messages = error;	-- segments that do not fit the model warn
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT (m.bgnbd).customers = (SELECT count(*) FROM dormancy.customer_core c WHERE c.frequency IS NOT NULL) AS each_customer_once
  FROM dormancy.models m WHERE m.segment_kind = 'all';
CALL dormancy.refresh();
SELECT history_mode, outcome FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT customer_key, orders_count FROM dormancy.status_snapshot WHERE customer_id = 'C7';

DELETE FROM dormancy.models;
DELETE FROM dormancy.value_distribution;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA tk CASCADE;
