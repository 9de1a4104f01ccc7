-- Customer ids of a domain type.  customer_id_from_text(key, id_type) is
-- LEAKPROOF: it may run before row security's policies, so it must not run
-- code of yours, and a domain's CHECK is code of yours (it may raise an
-- error for a value, or do anything).  Until a review found it (2026-12-07)
-- it took a typed NULL of a domain, returned a value of that domain without
-- its constraints: customer_id_from_text('-5', NULL::posint), posint CHECK
-- (VALUE > 0), gave -5 typed posint, which an INSERT ... SELECT stored in a
-- posint column; a varchar(3) domain took 'toolong'.  Now a domain is
-- refused, by its type alone (whatever the key, NULL too): pass its base
-- type (NULL::integer) and cast the result to the domain where you want
-- its constraints checked.  customer_id_text(id) still takes a value of a
-- domain (a value the domain held).  The extension's own calls pass the
-- base type: a customers table whose id is a domain is bound, its policies
-- find each row's customer by the index of the ids, and a role under a
-- policy of yours on the customers reads and writes the contacts, members
-- and changes of its customers only.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-10-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
CREATE SCHEMA cid;
CREATE DOMAIN cid.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN cid.shortv AS varchar(3) CHECK (VALUE <> 'bad');
CREATE DOMAIN cid.plain_uuid AS uuid;				-- no constraint at all
CREATE DOMAIN cid.required AS bigint NOT NULL;	-- NULL is no value of it
CREATE DOMAIN cid.small_posint AS cid.posint CHECK (VALUE < 1000);	-- a domain over a domain
CREATE DOMAIN cid.known_uuid AS uuid CHECK (VALUE <> '00000000-0000-0000-0000-000000000000');
CREATE DOMAIN cid.amount AS numeric CHECK (VALUE > 0);

-- a domain is refused whatever the key: the error depends on the type only
\set VERBOSITY default
SELECT dormancy.customer_id_from_text('-5', NULL::cid.posint);
SELECT dormancy.customer_id_from_text('toolong', NULL::cid.shortv);
\set VERBOSITY terse
SELECT dormancy.customer_id_from_text('5', NULL::cid.posint);
SELECT dormancy.customer_id_from_text(NULL, NULL::cid.posint);
SELECT dormancy.customer_id_from_text('ab', NULL::cid.shortv);
SELECT dormancy.customer_id_from_text('0000000a-0000-0000-0000-000000000000', NULL::cid.plain_uuid);
SELECT dormancy.customer_id_from_text('7', 7::cid.required);	-- (NULL::cid.required is an error of its own)
SELECT dormancy.customer_id_from_text('7', NULL::cid.small_posint);
-- a domain over a type the functions do not take: that type's error, as before
SELECT dormancy.customer_id_from_text('7', NULL::cid.amount);
SELECT dormancy.customer_id_text(7::cid.amount);
-- nothing stored: the review's INSERT ... SELECT fails
CREATE TABLE cid.t (id cid.posint);
INSERT INTO cid.t SELECT dormancy.customer_id_from_text('-5', NULL::cid.posint);
\set VERBOSITY default
SELECT count(*) AS stored FROM cid.t;
-- the base type, as the hint says, and a cast to the domain, which checks it
SELECT pg_typeof(dormancy.customer_id_from_text('-5', NULL::integer)) AS type,
	   dormancy.customer_id_from_text('-5', NULL::integer) AS id;
\set VERBOSITY terse
INSERT INTO cid.t SELECT dormancy.customer_id_from_text('-5', NULL::integer);
INSERT INTO cid.t SELECT dormancy.customer_id_from_text('-5', NULL::integer)::cid.posint;
\set VERBOSITY default
INSERT INTO cid.t SELECT dormancy.customer_id_from_text('5', NULL::integer);
SELECT id, pg_typeof(id) AS type FROM cid.t;
-- customer_id_text takes a domain's values (each one the domain held)
SELECT dormancy.customer_id_text(7::cid.posint) AS posint, dormancy.customer_id_text('ab'::cid.shortv) AS shortv,
	   dormancy.customer_id_text('0000000a-0000-0000-0000-000000000000'::cid.plain_uuid) AS plain_uuid,
	   dormancy.customer_id_text(7::cid.required) AS required, dormancy.customer_id_text(7::cid.small_posint) AS small_posint;
-- both still leakproof, immutable, parallel safe
SELECT p.oid::regprocedure AS function, p.proleakproof, p.provolatile, p.proparallel, p.proisstrict
  FROM pg_proc p WHERE p.oid IN ('dormancy.customer_id_text(anyelement)'::regprocedure,
								 'dormancy.customer_id_from_text(text, anyelement)'::regprocedure)
 ORDER BY 1::text;

--
-- Customers whose id is a domain, end to end
--
CREATE TABLE cid.customers (id cid.posint PRIMARY KEY, name text, owner text);
CREATE TABLE cid.orders (customer cid.posint, at date, amount numeric);
CREATE INDEX orders_customer ON cid.orders (customer);
INSERT INTO cid.customers SELECT i, 'Customer ' || i, CASE WHEN i % 2 = 1 THEN 'cid_rep_a' ELSE 'cid_rep_b' END
  FROM generate_series(1, 6) i;
INSERT INTO cid.orders SELECT c.id, date '2025-01-10' + 30 * m, 1000 FROM cid.customers c CROSS JOIN generate_series(0, 5) m;
ANALYZE cid.customers, cid.orders;
SELECT dormancy.bind_customers('cid.customers', 'id', name => 'name', owner => 'owner') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('cid.orders', 'customer', 'at', 'amount') IS NOT NULL AS bound;
-- the policies of the log, the members and the history: by the index of
-- the ids, with the domain's base type
\i test/sql_ref/policy_forms.sql
SELECT * FROM pg_temp.policy_forms();
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason)
SELECT k, '2026-09-01 10:00+00', 'phone', 'declined', 'competitor'
  FROM unnest(ARRAY['1', '2', ' 3', '4', '-5', '0', 'abc', '99999999999']) k;
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands, customers, controls)
VALUES (9201, 'cid', '2026-09-01', 0, 1, 90, '{25,50,75}', 6, 0);
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, state, priority_score, call_order)
SELECT 9201, i::text, false, 'dormant|unknown|0-25', 'dormant', 50, i FROM generate_series(1, 6) i;
INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
SELECT 1, i::text, 'changed', 'active', 'at_risk', date '2026-09-01' FROM generate_series(1, 6) i;
-- the owner: every contact of a customer, the others listed as no customer's
SELECT customer_id, contacts, last_declined_reason FROM dormancy.customer_outreach ORDER BY customer_id;
SELECT customer_id, score_breakdown -> 'deal' ->> 'basis' AS deal FROM dormancy.customer_status ORDER BY customer_id;
-- a lookup of one customer reads the log by its index, the domain's ids
-- as text by customer_id_text (seq scans off: a handful of rows)
\i test/sql_ref/plan_scans.sql
SET enable_seqscan = off;
SELECT pg_temp.scans_on('SELECT * FROM dormancy.customer_outreach WHERE customer_id = 3', 'outreach_log') AS log_scan;
RESET enable_seqscan;
-- a rep under a policy of yours on the customers reads the contacts, the
-- members and the changes of her customers (the odd ids) only, and logs a
-- contact of hers, not of another's
ALTER TABLE cid.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON cid.customers FOR SELECT USING (owner = current_user);
CREATE ROLE cid_rep_a;
GRANT dormancy_analyst TO cid_rep_a;
GRANT USAGE ON SCHEMA cid TO cid_rep_a;
GRANT SELECT ON cid.customers, cid.orders TO cid_rep_a;
GRANT INSERT (customer_id, contacted_at, channel, theme, outcome, declined_reason, rep, campaign_id, note)
	ON dormancy.outreach_log TO cid_rep_a;
SET ROLE cid_rep_a;
SELECT string_agg(customer_id, ',' ORDER BY outreach_id) AS log_rows FROM dormancy.outreach_log;
SELECT string_agg(customer_id, ',' ORDER BY customer_id) AS members FROM dormancy.campaign_members;
SELECT string_agg(customer_id, ',' ORDER BY customer_id) AS changes FROM dormancy.status_history;
SELECT customer_id, contacts FROM dormancy.customer_outreach ORDER BY customer_id;
SELECT customer_id, score_breakdown -> 'deal' ->> 'basis' AS deal FROM dormancy.customer_status ORDER BY customer_id;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('5', '2026-09-20 10:00+00', 'reached');
\set VERBOSITY terse
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('6', '2026-09-20 10:00+00', 'reached');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('-5', '2026-09-20 10:00+00', 'reached');
\set VERBOSITY default
SELECT customer_id, contacts FROM dormancy.customer_outreach WHERE customer_id = 5;
RESET ROLE;

-- uuid ids of a domain: the policies pass uuid (the keys of the integer
-- ids and the nil uuid are no customer's, without an error)
SELECT count(*) AS unbound FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s) u;
CREATE TABLE cid.uuid_customers (id cid.known_uuid PRIMARY KEY, n integer, owner text);
CREATE TABLE cid.uuid_orders (customer cid.known_uuid, at date, amount numeric);
INSERT INTO cid.uuid_customers SELECT md5('u' || id)::uuid, id, owner FROM cid.customers;
INSERT INTO cid.uuid_orders SELECT md5('u' || customer)::uuid, at, amount FROM cid.orders;
ALTER TABLE cid.uuid_customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON cid.uuid_customers FOR SELECT USING (owner = current_user);
GRANT SELECT ON cid.uuid_customers, cid.uuid_orders TO cid_rep_a;
SELECT dormancy.bind_customers('cid.uuid_customers', 'id', owner => 'owner') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('cid.uuid_orders', 'customer', 'at', 'amount') IS NOT NULL AS bound;
SELECT * FROM pg_temp.policy_forms();
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome)
SELECT k, '2026-09-10 10:00+00', 'phone', 'reached'
  FROM unnest(ARRAY[md5('u1')::uuid::text, md5('u2')::uuid::text, '00000000-0000-0000-0000-000000000000']) k;
SET ROLE cid_rep_a;
SELECT count(*) AS log_rows, count(*) FILTER (WHERE customer_id = md5('u1')::uuid::text) AS of_1 FROM dormancy.outreach_log;
SELECT c.n, o.contacts FROM dormancy.customer_outreach o JOIN cid.uuid_customers c ON c.id = o.customer_id ORDER BY 1;
RESET ROLE;

-- ids of a domain over a domain (over integer): bound like its base type,
-- the histories, the status, the stored histories and a lookup
SELECT count(*) AS unbound FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s) u;
CREATE TABLE cid.small_customers (id cid.small_posint PRIMARY KEY, name text);
CREATE TABLE cid.small_orders (customer cid.small_posint, at timestamptz, amount numeric);
INSERT INTO cid.small_customers SELECT id, name FROM cid.customers;
INSERT INTO cid.small_orders SELECT customer, at + time '09:00', amount * customer FROM cid.orders;
SELECT dormancy.bind_customers('cid.small_customers', 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('cid.small_orders', 'customer', 'at', 'amount') IS NOT NULL AS bound;
SELECT b.source, b.relation FROM dormancy.bindings b ORDER BY 1;
SELECT tracked, reason FROM dormancy.history_store_state;
-- the policies find a row's customer by the ids' base type, integer
SELECT * FROM pg_temp.policy_forms();
SELECT customer_id, state, orders_count, total_amount FROM dormancy.customer_status ORDER BY customer_id;
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT count(*) AS snapshot_rows, sum(total_amount) AS snapshot_total FROM dormancy.status_snapshot;
-- an order since: the next refresh folds that customer alone
INSERT INTO cid.small_orders VALUES (4, '2025-08-01 23:30+09', 500);
CALL dormancy.refresh();
SELECT history_mode, customers_recomputed, outcome FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT customer_id, orders_count, total_amount FROM dormancy.status_snapshot WHERE customer_id IN (3, 4) ORDER BY 1;
SELECT customer_id, orders_count FROM dormancy.customer_status WHERE customer_id = 4;

DROP OWNED BY cid_rep_a;
DROP ROLE cid_rep_a;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA cid CASCADE;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
ANALYZE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
