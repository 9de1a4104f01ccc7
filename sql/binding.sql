-- Binding: every relation kind and column type that is accepted, every error
-- path (which must leave the previous binding intact), and re-binding.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA b;
CREATE TABLE b.accounts (account_id integer PRIMARY KEY, "Account Name" text, sector text, size_class text, info json);
CREATE TABLE b.invoices (account_id integer, "Invoiced On" date, total numeric(12, 2), label text, flag boolean, n integer);
INSERT INTO b.accounts VALUES (1, 'One', 'consumables', 'smb', '{}'), (2, 'Two', NULL, NULL, '{}'), (3, 'Three', 'manufacturing', 'enterprise', '{}');
INSERT INTO b.invoices VALUES (1, '2026-10-01', 10, 'x', true, 1), (2, '2025-06-01', 20, 'y', false, 2), (7, '2026-01-01', 5, 'x', NULL, 3);

SELECT dormancy.bind_customers('b.accounts', id => 'account_id', name => 'Account Name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total',
							category => 'label', discounted => 'flag');
SELECT source, relation, columns FROM dormancy.bindings ORDER BY source;
SELECT customer_id, name, state, last_order_at, order_days FROM dormancy.customer_status ORDER BY customer_id;

-- a snapshot of the bindings to compare after each failed bind
CREATE TABLE b.saved AS SELECT source, relation, columns, bound_at FROM dormancy.bindings;
CREATE FUNCTION b.unchanged() RETURNS boolean LANGUAGE sql AS $$
	SELECT NOT EXISTS (SELECT source, relation, columns, bound_at FROM dormancy.bindings
					   EXCEPT SELECT * FROM b.saved)
	   AND (SELECT count(*) FROM dormancy.bindings) = (SELECT count(*) FROM b.saved)
	   AND (SELECT count(*) FROM dormancy.customer_status) = 3 $$;

-- errors: no such relation, wrong kind, NULLs
SELECT dormancy.bind_customers('b.nope', id => 'account_id');
SELECT dormancy.bind_customers(NULL, id => 'account_id');
SELECT dormancy.bind_customers('b.accounts_pkey', id => 'account_id');
CREATE SEQUENCE b.seq;
SELECT dormancy.bind_orders('b.seq', customer => 'a', ordered_at => 'b', amount => 'c');
SELECT dormancy.bind_customers('dormancy.customer_status', id => 'customer_id');
SELECT dormancy.bind_customers('b.accounts', id => NULL);
SELECT b.unchanged();

-- errors: missing columns, with the columns that exist in the hint
SELECT dormancy.bind_customers('b.accounts', id => 'id');
SELECT dormancy.bind_customers('b.accounts', id => 'account_id', name => 'account_name');
SELECT dormancy.bind_customers('b.accounts', id => 'account_id', industry => 'industry');
SELECT dormancy.bind_customers('b.accounts', id => 'account_id', company_size => 'size');
SELECT dormancy.bind_orders('b.invoices', customer => 'customer_id', ordered_at => 'Invoiced On', amount => 'total');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'amount');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total', category => 'cat');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total', discounted => 'disc');
SELECT b.unchanged();

-- errors: wrong types
SELECT dormancy.bind_customers('b.accounts', id => 'info');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'label', amount => 'total');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'n', amount => 'total');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'label');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'flag');
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total', discounted => 'n');
-- an id type with equality but no order (xid: hash only), for the customers'
-- id and for the orders' customer column alike
CREATE TABLE b.xid_rows (id xid, at date, amount numeric);
SELECT dormancy.bind_customers('b.xid_rows', id => 'id');
SELECT dormancy.bind_orders('b.xid_rows', customer => 'id', ordered_at => 'at', amount => 'amount');
DROP TABLE b.xid_rows;
SELECT b.unchanged();
-- customer ids that cannot be compared
CREATE TABLE b.text_accounts (code text, name text);
SELECT dormancy.bind_customers('b.text_accounts', id => 'code');
SELECT b.unchanged();

-- unbind of something not bound
SELECT dormancy.unbind('contracts');
SELECT b.unchanged();

-- accepted order time types: timestamp and timestamptz
CREATE TABLE b.ts_orders (cid integer, at timestamp, amt real);
INSERT INTO b.ts_orders VALUES (1, '2026-10-31 23:30', 1.5), (3, '2024-01-01 00:00', 100);
SELECT dormancy.bind_orders('b.ts_orders', customer => 'cid', ordered_at => 'at', amount => 'amt');
SELECT customer_id, state, last_order_at, total_amount FROM dormancy.customer_status ORDER BY customer_id;
CREATE TABLE b.tstz_orders (cid bigint, at timestamptz, amt money);
INSERT INTO b.tstz_orders VALUES (1, '2026-10-31 23:30+00', 1.5), (2, '2026-10-31 23:30-05', 2.25);
SELECT dormancy.bind_orders('b.tstz_orders', customer => 'cid', ordered_at => 'at', amount => 'amt');
SELECT customer_id, state, last_order_at, total_amount FROM dormancy.customer_status ORDER BY customer_id;

-- amounts of every numeric type, and domains over them
CREATE DOMAIN b.amount_d AS numeric(10, 2) CHECK (VALUE > -1000000);
CREATE DOMAIN b.day_d AS date;
CREATE TABLE b.typed (cid smallint, d b.day_d, a2 smallint, a4 integer, a8 bigint, an numeric, af4 real, af8 double precision, am money, ad b.amount_d);
INSERT INTO b.typed VALUES (1, '2026-01-01', 1, 2, 3, 4.5, 5.5, 6.5, 7.5, 8.5);
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'a2');
SELECT 'a2' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'a4');
SELECT 'a4' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'a8');
SELECT 'a8' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'an');
SELECT 'an' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'af4');
SELECT 'af4' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'af8');
SELECT 'af8' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'am');
SELECT 'am' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT dormancy.bind_orders('b.typed', customer => 'cid', ordered_at => 'd', amount => 'ad');
SELECT 'ad' AS amount_column, total_amount FROM dormancy.customer_status WHERE customer_id = 1;

-- every relation kind: view, materialized view, partitioned table, foreign table
CREATE VIEW b.v_orders AS SELECT account_id, "Invoiced On" AS day, total FROM b.invoices WHERE total > 6;
SELECT dormancy.bind_orders('b.v_orders', customer => 'account_id', ordered_at => 'day', amount => 'total');
SELECT customer_id, order_days FROM dormancy.customer_status ORDER BY customer_id;
CREATE MATERIALIZED VIEW b.m_orders AS SELECT account_id, "Invoiced On" AS day, total FROM b.invoices;
SELECT dormancy.bind_orders('b.m_orders', customer => 'account_id', ordered_at => 'day', amount => 'total');
SELECT customer_id, order_days FROM dormancy.customer_status ORDER BY customer_id;
CREATE TABLE b.p_orders (account_id integer, day date, total numeric) PARTITION BY RANGE (day);
CREATE TABLE b.p_orders_2025 PARTITION OF b.p_orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE b.p_orders_2026 PARTITION OF b.p_orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO b.p_orders SELECT account_id, "Invoiced On", total FROM b.invoices;
SELECT dormancy.bind_orders('b.p_orders', customer => 'account_id', ordered_at => 'day', amount => 'total');
SELECT customer_id, order_days, last_order_at FROM dormancy.customer_status ORDER BY customer_id;
CREATE EXTENSION file_fdw;
CREATE SERVER b_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE b.f_orders (account_id integer, day date, total numeric)
	SERVER b_files OPTIONS (program 'printf "1,2026-09-30,11\n3,2026-10-30,1\n"', format 'csv');
SELECT dormancy.bind_orders('b.f_orders', customer => 'account_id', ordered_at => 'day', amount => 'total');
SELECT customer_id, order_days, last_order_at, state FROM dormancy.customer_status ORDER BY customer_id;

-- re-binding with another id type rebuilds the views; a user's view on
-- customer_status survives a rebind that keeps the shape, and blocks one that does not
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total');
CREATE VIEW b.my_dormant AS SELECT customer_id FROM dormancy.customer_status WHERE state = 'dormant';
SELECT dormancy.bind_customers('b.accounts', id => 'account_id', name => 'Account Name');
SELECT * FROM b.my_dormant;
CREATE TABLE b.big_accounts (account_id bigint, name text);
INSERT INTO b.big_accounts VALUES (1, 'Big one'), (2, 'Big two');
SELECT dormancy.bind_customers('b.big_accounts', id => 'account_id', name => 'name');
DROP VIEW b.my_dormant;
SELECT dormancy.bind_customers('b.big_accounts', id => 'account_id', name => 'name');
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'dormancy.customer_status'::regclass AND attname = 'customer_id';
SELECT customer_id, name, state FROM dormancy.customer_status ORDER BY customer_id;
-- (the generated views are not members of the extension; the four views of
-- the settings, which read no table of yours, are)
SELECT count(*) FILTER (WHERE c.relname IN (SELECT g.view_name FROM dormancy._generated_views() g)) AS views_in_extension,
	   string_agg(c.relname, ', ' ORDER BY c.relname) AS member_views
  FROM pg_class c
 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
   AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e');
SELECT count(*) AS uncommented_columns
  FROM pg_attribute a
 WHERE a.attrelid = 'dormancy.customer_status'::regclass AND a.attnum > 0
   AND col_description(a.attrelid, a.attnum) IS NULL;

-- text ids
CREATE TABLE b.t_orders (code text, day date, amt numeric);
INSERT INTO b.t_orders VALUES ('A-1', '2026-10-01', 1), ('A-2', '2020-10-01', 1);
-- switching both id types needs an unbind in between: each bind checks against the other source
SELECT dormancy.bind_customers('b.text_accounts', id => 'code', name => 'name');
SELECT dormancy.unbind('customers');
SELECT dormancy.bind_orders('b.t_orders', customer => 'code', ordered_at => 'day', amount => 'amt');
SELECT dormancy.bind_customers('b.text_accounts', id => 'code', name => 'name');
INSERT INTO b.text_accounts VALUES ('A-1', 'Alpha'), ('A-3', 'Gamma');
SELECT customer_id, name, state FROM dormancy.customer_status ORDER BY customer_id;
SELECT issue, customer_id, rows FROM dormancy.data_issues ORDER BY issue, customer_id;

-- only orders bound: customers are the ones seen in orders
SELECT dormancy.unbind('customers');
SELECT customer_id, name, state FROM dormancy.customer_status ORDER BY customer_id;
-- nothing bound: empty views, downstream queries still work
SELECT dormancy.unbind('orders');
SELECT count(*) FROM dormancy.customer_status;
SELECT * FROM dormancy.bindings;

-- rebind() rebuilds from the stored bindings
SELECT dormancy.bind_orders('b.invoices', customer => 'account_id', ordered_at => 'Invoiced On', amount => 'total');
SELECT dormancy.rebind();
SELECT count(*) FROM dormancy.customer_status;
SELECT dormancy.unbind('orders');

-- DROP TABLE ... CASCADE on a bound table drops the generated views, never
-- the extension; rebind() then keeps the lost source's binding, broken,
-- with a warning (sql/broken_binding.sql), until it is unbound.  With
-- src_customers go the row security policies of the log, the members and
-- the history that name it, which the next build makes again
-- (sql/point_lookup.sql)
CREATE TABLE b.doomed (account_id integer, day date, total numeric);
SELECT dormancy.bind_orders('b.doomed', customer => 'account_id', ordered_at => 'day', amount => 'total');
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('doomed', '1 day', '2 days', '3 days');
-- (terse: the notice lists what went in the catalog's order, which earlier
-- tests change; what went is listed below, sorted)
CREATE TEMP VIEW dormancy_objects AS
SELECT 'view ' || c.oid::regclass::text AS object
  FROM pg_class c WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
UNION ALL
SELECT format('policy %s on %s', y.polname, y.polrelid::regclass)
  FROM pg_policy y JOIN pg_class c ON c.oid = y.polrelid WHERE c.relnamespace = 'dormancy'::regnamespace;
CREATE TEMP TABLE doomed_before AS SELECT * FROM dormancy_objects;
SET client_min_messages = notice;
\set VERBOSITY terse
DROP TABLE b.doomed CASCADE;
\set VERBOSITY default
SET client_min_messages = warning;
SELECT object AS dropped FROM doomed_before EXCEPT SELECT object FROM dormancy_objects ORDER BY 1;
DROP VIEW dormancy_objects;
DROP TABLE doomed_before;
SELECT extname FROM pg_extension WHERE extname = 'dormancy';
SELECT count(*) AS my_rule_kept FROM dormancy.rules WHERE industry = 'doomed';
SELECT to_regclass('dormancy.customer_status') AS status_view;
SELECT dormancy.rebind();
SELECT source FROM dormancy.bindings ORDER BY 1;
SELECT count(*) FROM dormancy.customer_status;
SELECT dormancy.unbind('orders');
SELECT source FROM dormancy.bindings ORDER BY 1;
SELECT count(*) FROM dormancy.customer_status;
DELETE FROM dormancy.rules WHERE industry = 'doomed';

-- an id of an extension's type (citext) is refused: the views compare ids
-- with the operators they see under their pinned search path, not citext's,
-- so 'ABC' and 'abc' never matched and every customer was never_purchased
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE b.ci_customers (id citext PRIMARY KEY);
SELECT dormancy.bind_customers('b.ci_customers', id => 'id');
DROP TABLE b.ci_customers;
DROP EXTENSION citext;
-- a temporary table (one that shadows a bound name, say) is refused with a
-- clear message (it failed deep in the views' build)
CREATE TEMP TABLE tmp_orders (customer integer, at date, amount numeric);
SELECT dormancy.bind_orders('tmp_orders', customer => 'customer', ordered_at => 'at', amount => 'amount');
DROP TABLE tmp_orders;

DROP SCHEMA b CASCADE;
DROP SERVER b_files;
DROP EXTENSION file_fdw;
