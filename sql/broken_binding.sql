-- A bound column dropped or retyped (ALTER TABLE ... DROP COLUMN ... CASCADE
-- drops the generated views): the binding is kept, rebind() names it and how
-- to repair it and builds the views of the intact bindings, refresh() fails
-- with the same message (not "nothing is bound yet"), and binding the new
-- column repairs everything.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA bb;
CREATE TABLE bb.accounts (id integer PRIMARY KEY, name text, sector text);
CREATE TABLE bb.orders (account integer, at date, total numeric, label text);
CREATE TABLE bb.events (account integer, at date, kind text);
INSERT INTO bb.accounts VALUES (1, 'Alpha', 'consumables'), (2, 'Beta', 'it_services'), (3, 'Gamma', NULL);
INSERT INTO bb.orders VALUES (1, '2026-10-01', 10, 'x'), (2, '2025-06-01', 500, 'y'), (2, '2024-06-01', 700, 'x');
INSERT INTO bb.events VALUES (1, '2026-10-15', 'web_visit'), (3, '2026-09-01', 'email_open');
SELECT dormancy.bind_customers('bb.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('bb.orders', customer => 'account', ordered_at => 'at', amount => 'total', category => 'label');
SELECT dormancy.bind_events('bb.events', customer => 'account', occurred_at => 'at', kind => 'kind');
-- run numbers of this test from 1001 (the errors name them)
SELECT setval(pg_get_serial_sequence('dormancy.refresh_runs', 'run_id'), 1000);
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT coalesce(max(run_id), 0) AS run0 FROM dormancy.refresh_runs \gset
SELECT customer_id, state, total_amount, events_in_window FROM dormancy.customer_status ORDER BY customer_id;

-- the amount column goes, and with it the generated views
ALTER TABLE bb.orders DROP COLUMN total CASCADE;
SELECT to_regclass('dormancy.customer_status') IS NULL AS status_dropped,
	   to_regclass('dormancy.src_events') IS NOT NULL AS events_kept;
-- refresh says which binding is broken and how to repair it
CALL dormancy.refresh();
-- rebind() keeps the binding, warns, and builds the views of the others
SELECT dormancy.rebind();
SELECT source, relation, columns FROM dormancy.bindings ORDER BY source;
SELECT count(*) AS customers FROM dormancy.src_customers;
SELECT customer_id, source_kind FROM dormancy.src_events ORDER BY customer_id;
SELECT customer_id, events_in_window FROM dormancy.customer_engagement ORDER BY customer_id;
-- reading the views that need the orders raises the binding's error (they
-- would otherwise show every customer without orders)
SELECT count(*) FROM dormancy.customer_status;
SELECT count(*) FROM dormancy.customer_histories;
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 1;
-- refresh, with the views back, still refuses
CALL dormancy.refresh();

-- an optional source broken too: its view is empty, with a warning
ALTER TABLE bb.events RENAME COLUMN kind TO what;
SELECT dormancy.rebind();
SELECT count(*) AS events FROM dormancy.src_events;

-- binding the new column repairs the orders; the events are still reported
ALTER TABLE bb.orders ADD COLUMN amount numeric;
UPDATE bb.orders SET amount = CASE at WHEN '2026-10-01' THEN 10 WHEN '2025-06-01' THEN 500 ELSE 700 END;
SELECT dormancy.bind_orders('bb.orders', customer => 'account', ordered_at => 'at', amount => 'amount', category => 'label');
SELECT customer_id, state, total_amount, events_in_window FROM dormancy.customer_status ORDER BY customer_id;
CALL dormancy.refresh();
SELECT dormancy.bind_events('bb.events', customer => 'account', occurred_at => 'at', kind => 'what');
CALL dormancy.refresh();
SELECT customer_id, state, total_amount, events_in_window FROM dormancy.status_snapshot ORDER BY customer_id;

-- a column of a type its role does not take (the views had to go first)
DROP VIEW dormancy.src_orders CASCADE;
ALTER TABLE bb.orders ALTER COLUMN amount TYPE text;
CALL dormancy.refresh();
SELECT dormancy.rebind();
ALTER TABLE bb.orders ALTER COLUMN amount TYPE numeric USING amount::numeric;
-- bindings intact but the views dropped by hand: refresh says to rebind,
-- and so does fit_models() (it said nothing was bound)
DROP VIEW dormancy.src_orders CASCADE;
CALL dormancy.refresh();
SELECT * FROM dormancy.fit_models();
SELECT dormancy.rebind();
CALL dormancy.refresh();
-- the customers' id renamed
ALTER TABLE bb.accounts RENAME COLUMN id TO account_id;
SELECT dormancy.rebind();
SELECT count(*) FROM dormancy.src_customers;
SELECT dormancy.bind_customers('bb.accounts', id => 'account_id', name => 'name', industry => 'sector');
SELECT count(*) FROM dormancy.customer_status;

-- a bound table dropped (DROP TABLE ... CASCADE, to swap in a rebuilt
-- one): the binding is kept, broken, not removed, so customer_status and
-- refresh() fail naming the repair instead of showing every customer
-- without orders, and the snapshot and the history keep the last good
-- state (until 2026-12-07 rebind() unbound the orders, and the next
-- refresh wrote every customer to never_purchased)
CALL dormancy.refresh();
SELECT count(*) AS history_rows FROM dormancy.status_history \gset
CREATE TABLE bb.orders_new AS SELECT account, at, label FROM bb.orders;
DROP TABLE bb.orders CASCADE;
CALL dormancy.refresh();
SELECT dormancy.rebind();
SELECT source, relation_name, to_regclass(relation_name) IS NULL AS relation_gone
  FROM dormancy.bindings ORDER BY source;
SELECT count(*) FROM dormancy.customer_status;
SELECT customer_id, state FROM dormancy.customer_status WHERE customer_id = 1;
CALL dormancy.refresh();
SELECT customer_id, state, total_amount FROM dormancy.status_snapshot ORDER BY customer_id;
SELECT count(*) - :history_rows AS new_history_rows FROM dormancy.status_history;
-- the drop is recorded at once (an event trigger): the binding names no
-- relation any more, only the name it had, so a dump of the bindings
-- cannot carry the dropped relation's OID into a restored cluster, where
-- it could name another relation
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
-- a relation put under the dropped one's name is never bound by its name:
-- a role that may only create in the schema plants a view calling its own
-- function; neither the owner's next bind nor rebind() binds it, and
-- nothing of it runs (until 2026-12-07 the next build bound it, and the
-- owner's read of customer_status ran the function with the owner's rights)
CREATE ROLE bb_planter;
GRANT USAGE, CREATE ON SCHEMA bb TO bb_planter;
SET ROLE bb_planter;
CREATE TABLE bb.ran_as (who name);
GRANT INSERT ON bb.ran_as TO PUBLIC;
CREATE FUNCTION bb.spy() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO bb.ran_as VALUES (current_user);
	RETURN true;
END $$;
CREATE VIEW bb.orders AS
	SELECT 1 AS account, date '2026-10-20' AS at, 1e9::numeric AS amount, 'x'::text AS label WHERE bb.spy();
GRANT SELECT ON bb.orders TO PUBLIC;
RESET ROLE;
SELECT dormancy.bind_customers('bb.accounts', id => 'account_id', name => 'name', industry => 'sector');
SELECT dormancy.rebind();
SELECT source, relation_name, source IN (SELECT u.source FROM dormancy._usable_bindings() u) AS usable
  FROM dormancy.bindings ORDER BY source;
SELECT count(*) FROM dormancy.customer_status;
CALL dormancy.refresh();
SELECT who FROM bb.ran_as;
DROP VIEW bb.orders;
DROP FUNCTION bb.spy();
DROP TABLE bb.ran_as;
REVOKE ALL ON SCHEMA bb FROM bb_planter;
DROP ROLE bb_planter;
-- nor the rebuilt table renamed to the old name, with the bound columns:
-- the binding stays broken, rebind() warns with the call that binds it,
-- and that call repairs it
ALTER TABLE bb.orders_new RENAME TO orders;
ALTER TABLE bb.orders ADD COLUMN amount numeric;
UPDATE bb.orders SET amount = CASE at WHEN '2026-10-01' THEN 10 WHEN '2025-06-01' THEN 500 ELSE 700 END;
SELECT dormancy.rebind();
SELECT source, relation_name, source IN (SELECT u.source FROM dormancy._usable_bindings() u) AS usable
  FROM dormancy.bindings ORDER BY source;
CALL dormancy.refresh();
SELECT dormancy.bind_orders('bb.orders', amount => 'amount', category => 'label', customer => 'account', ordered_at => 'at');
SELECT source, relation_name, source IN (SELECT u.source FROM dormancy._usable_bindings() u) AS usable
  FROM dormancy.bindings ORDER BY source;
CALL dormancy.refresh();
SELECT customer_id, state, total_amount FROM dormancy.status_snapshot ORDER BY customer_id;
SELECT count(*) - :history_rows AS new_history_rows FROM dormancy.status_history;
-- the customers dropped: the same (status does not fall back to the
-- customers seen in the orders, without their names and industries)
DROP TABLE bb.accounts CASCADE;
SELECT dormancy.rebind();
SELECT count(*) FROM dormancy.customer_status;
CALL dormancy.refresh();
-- an optional source bound to a view: DROP VIEW is recorded as well; its
-- view is empty, and refresh() refuses
CREATE SCHEMA bb2;
CREATE VIEW bb2.events AS SELECT * FROM bb.events;
SELECT dormancy.bind_events('bb2.events', customer => 'account', occurred_at => 'at', kind => 'what');
DROP VIEW bb2.events CASCADE;
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
SELECT dormancy.rebind();
SELECT count(*) AS events FROM dormancy.src_events;
-- and so is a schema dropped with its relations (DROP SCHEMA ... CASCADE)
CREATE VIEW bb2.events AS SELECT * FROM bb.events;
SELECT dormancy.bind_events('bb2.events', customer => 'account', occurred_at => 'at', kind => 'what');
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
DROP SCHEMA bb2 CASCADE;
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
-- a relation dropped while the event trigger was off: the next build
-- finds its OID gone and records the drop the same way
SELECT dormancy.bind_events('bb.events', customer => 'account', occurred_at => 'at', kind => 'what');
ALTER EVENT TRIGGER dormancy_bindings_drop DISABLE;
DROP TABLE bb.events CASCADE;
ALTER EVENT TRIGGER dormancy_bindings_drop ENABLE ALWAYS;
SELECT source, relation IS NULL AS recorded FROM dormancy.bindings WHERE source = 'events';
SELECT dormancy.rebind();
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
SELECT count(*) AS events FROM dormancy.src_events;
-- unbind() removes a binding whose relation is gone
SELECT dormancy.unbind('customers');
SELECT dormancy.unbind('events');
SELECT source, relation, relation_name FROM dormancy.bindings ORDER BY source;
SELECT customer_id, state FROM dormancy.customer_status ORDER BY customer_id;

SELECT outcome, sqlstate, error_text FROM dormancy.refresh_runs WHERE run_id > :run0 ORDER BY run_id;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA bb CASCADE;
