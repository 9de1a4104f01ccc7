-- Attacks on the change tracking and the history store (issue 10, items 1-3):
--  1. a member of dormancy_reader attaches the tracking trigger function to a
--     temporary table of its own whose column has a type with its own cast
--     to text: it cannot attach it, and a role given EXECUTE by mistake is
--     refused when the trigger fires; nobody becomes superuser;
--  2. the (ordinary) owner of the bound orders table points the tracked
--     column name at a column of its own type with its own cast, or attaches
--     the function itself: no cast of theirs runs as dormancy's owner;
--  3. a sales rep whose row security policies hide most orders sees in the
--     live customer_status only its own customers, computed from the orders
--     it may see, needs no grant on the history store, and can SET nothing
--     that changes that.
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA sec;
-- what a cast function ran as, if it ever ran
CREATE TABLE sec.escalations (who name, via text);
GRANT USAGE ON SCHEMA sec TO PUBLIC;
GRANT INSERT, SELECT ON sec.escalations TO PUBLIC;
CREATE ROLE dormancy_test_owner;
CREATE ROLE dormancy_test_reader IN ROLE dormancy_reader;
CREATE ROLE dormancy_test_rep;
GRANT CREATE ON SCHEMA sec TO dormancy_test_owner;
-- the owner also reads dormancy's results
GRANT USAGE ON SCHEMA dormancy TO dormancy_test_owner;

-- the orders and customers belong to an ordinary role
SET ROLE dormancy_test_owner;
CREATE TABLE sec.customers (id integer PRIMARY KEY, name text, region text NOT NULL);
CREATE TABLE sec.orders (order_id serial, customer integer, at date, amount numeric);
INSERT INTO sec.customers SELECT i, 'customer ' || i, CASE WHEN i % 3 = 0 THEN 'east' ELSE 'west' END
  FROM generate_series(1, 30) i;
INSERT INTO sec.orders (customer, at, amount)
SELECT c.id, date '2024-01-01' + (c.id * 11 + k * (20 + c.id)) % 1000, 100 + c.id + k
  FROM sec.customers c, generate_series(1, 1 + c.id % 7) k;
-- the rep sees the east customers and their orders only
ALTER TABLE sec.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE sec.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY east ON sec.customers FOR SELECT TO dormancy_test_rep USING (region = 'east');
CREATE POLICY east ON sec.orders FOR SELECT TO dormancy_test_rep
	USING (customer IN (SELECT c.id FROM sec.customers c));
GRANT SELECT ON sec.customers, sec.orders TO dormancy_test_rep;
RESET ROLE;

SELECT dormancy.bind_customers('sec.customers', id => 'id', name => 'name', industry => 'region');
SELECT dormancy.bind_orders('sec.orders', customer => 'customer', ordered_at => 'at', amount => 'amount');
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
CALL dormancy.refresh();
SELECT history_mode FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;

-- 3. row security.  The rep is an analyst (docs/security.md): the live
-- views and the settings they apply, nothing of the history store.
GRANT dormancy_analyst TO dormancy_test_rep;
CREATE TABLE sec.status_all AS
SELECT s.customer_id, s.state, s.orders_count, s.total_amount, c.region
  FROM dormancy.customer_status s JOIN sec.customers c ON c.id = s.customer_id;
GRANT SELECT ON sec.status_all TO dormancy_test_rep;
SELECT count(*) AS stored_customers FROM dormancy.stored_histories;
SET ROLE dormancy_test_rep;
CREATE FUNCTION pg_temp.rep_view_check()
	RETURNS TABLE (rows bigint, not_east bigint, differing bigint, orders bigint, histories bigint, history_orders bigint)
LANGUAGE sql AS $$
	SELECT count(*),
		   count(*) FILTER (WHERE a.region IS DISTINCT FROM 'east'),
		   count(*) FILTER (WHERE (s.state, s.orders_count, s.total_amount) IS DISTINCT FROM (a.state, a.orders_count, a.total_amount)),
		   sum(s.orders_count),
		   (SELECT count(*) FROM dormancy.customer_histories),
		   (SELECT sum(h.order_rows) FROM dormancy.customer_histories h)
	  FROM dormancy.customer_status s LEFT JOIN sec.status_all a ON a.customer_id = s.customer_id
$$;
-- 10 east customers, each as the owner sees it; the orders (and histories)
-- the rep may see
SELECT * FROM pg_temp.rep_view_check();
SELECT count(*) AS orders_visible FROM sec.orders;
-- the setting of version 0.2.0 changes nothing any more
SET dormancy.use_stored_histories = on;
SELECT * FROM pg_temp.rep_view_check();
RESET dormancy.use_stored_histories;
-- the gate is not the rep's to open, and the store not the rep's to read
SELECT dormancy._read_stored_histories(true);
SELECT count(*) AS rows_through_the_gate FROM dormancy._stored_histories();
SELECT count(*) FROM dormancy.stored_histories;
RESET ROLE;
-- even a rep given SELECT on the store (0.2.0 needed that) cannot switch
-- its live view over to it: the store has every customer's history
GRANT SELECT ON dormancy.stored_histories TO dormancy_test_rep;
SET ROLE dormancy_test_rep;
SET dormancy.use_stored_histories = on;
SELECT * FROM pg_temp.rep_view_check();
RESET dormancy.use_stored_histories;
RESET ROLE;
REVOKE SELECT ON dormancy.stored_histories FROM dormancy_test_rep;

-- 1. a reader's own temporary table, type and cast
SET ROLE dormancy_test_reader;
CREATE TYPE pg_temp.evil AS ENUM ('x');
CREATE FUNCTION pg_temp.evil_text(pg_temp.evil) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec.escalations VALUES (current_user, 'the reader''s cast');
	IF (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		EXECUTE 'ALTER ROLE dormancy_test_reader SUPERUSER';
	END IF;
	RETURN 'x';
END $$;
CREATE CAST (pg_temp.evil AS text) WITH FUNCTION pg_temp.evil_text(pg_temp.evil);
CREATE TEMP TABLE bait (customer pg_temp.evil);
CREATE TRIGGER bait_track AFTER INSERT ON bait REFERENCING NEW TABLE AS dormancy_new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed('customer');
INSERT INTO bait VALUES ('x');
RESET ROLE;
-- given EXECUTE by mistake, the reader can attach it, but it refuses to run
GRANT EXECUTE ON FUNCTION dormancy._orders_changed() TO dormancy_test_reader;
SET ROLE dormancy_test_reader;
CREATE TRIGGER bait_track AFTER INSERT ON bait REFERENCING NEW TABLE AS dormancy_new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed('customer');
INSERT INTO bait VALUES ('x');
-- named like dormancy's own triggers (as left on a detached partition), it does nothing
CREATE TRIGGER dormancy_track_insert AFTER INSERT ON bait REFERENCING NEW TABLE AS dormancy_new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed();
DROP TRIGGER bait_track ON bait;
INSERT INTO bait VALUES ('x');
DROP TABLE bait;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION dormancy._orders_changed() FROM dormancy_test_reader;
SELECT rolsuper AS reader_is_superuser FROM pg_roles WHERE rolname = 'dormancy_test_reader';
SELECT count(*) AS casts_run FROM sec.escalations;

-- 2. the owner of the bound orders: writing needs no EXECUTE (firing a
-- trigger checks none), and the writes are tracked
SET ROLE dormancy_test_owner;
INSERT INTO sec.orders (customer, at, amount) VALUES (4, '2026-10-20', 50);
RESET ROLE;
SELECT customer_key FROM dormancy.changed_customers ORDER BY 1;
SET ROLE dormancy_test_owner;
CREATE TYPE sec.evil AS ENUM ('x');
CREATE FUNCTION sec.evil_text(sec.evil) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec.escalations VALUES (current_user, 'the owner''s cast');
	IF (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		EXECUTE 'ALTER ROLE dormancy_test_owner SUPERUSER';
	END IF;
	RETURN 'x';
END $$;
CREATE CAST (sec.evil AS text) WITH FUNCTION sec.evil_text(sec.evil);
-- (a) the function in a trigger of the owner's, on a column of the owner's choosing
ALTER TABLE sec.orders ADD COLUMN tag sec.evil DEFAULT 'x';
CREATE TRIGGER my_track AFTER INSERT ON sec.orders REFERENCING NEW TABLE AS dormancy_new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed('tag');
INSERT INTO sec.orders (customer, at, amount) VALUES (5, '2026-10-21', 60);
DROP TRIGGER IF EXISTS my_track ON sec.orders;
SELECT count(*) AS casts_run FROM sec.escalations;
-- (c) dormancy's own trigger replaced by one of the same name without its
-- transition table, so that the name the function reads would resolve to a
-- temporary table of the owner's, whose customer column has the owner's type.
-- Without EXECUTE the owner cannot even create it; given EXECUTE by mistake,
-- the function sees that the trigger is not its own and reads nothing.
DROP TRIGGER dormancy_track_insert ON sec.orders;
CREATE TRIGGER dormancy_track_insert AFTER INSERT ON sec.orders
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed();
RESET ROLE;
GRANT EXECUTE ON FUNCTION dormancy._orders_changed() TO dormancy_test_owner;
SET ROLE dormancy_test_owner;
CREATE TRIGGER dormancy_track_insert AFTER INSERT ON sec.orders
	FOR EACH STATEMENT EXECUTE FUNCTION dormancy._orders_changed();
CREATE TEMP TABLE dormancy_new_rows (customer sec.evil);
INSERT INTO dormancy_new_rows VALUES ('x');
INSERT INTO sec.orders (customer, at, amount) VALUES (8, '2026-10-21', 60);
DROP TABLE dormancy_new_rows;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION dormancy._orders_changed() FROM dormancy_test_owner;
SELECT rolsuper AS owner_is_superuser FROM pg_roles WHERE rolname = 'dormancy_test_owner';
SELECT count(*) AS casts_run FROM sec.escalations;
SET ROLE dormancy_test_owner;
-- (b) the tracked column's name given to a column of the owner's type
ALTER TABLE sec.orders RENAME COLUMN customer TO customer_was;
ALTER TABLE sec.orders RENAME COLUMN tag TO customer;
INSERT INTO sec.orders (customer_was, at, amount) VALUES (6, '2026-10-22', 70);
UPDATE sec.orders SET amount = amount + 1 WHERE customer_was = 7;
RESET ROLE;
SELECT rolsuper AS owner_is_superuser FROM pg_roles WHERE rolname = 'dormancy_test_owner';
SELECT count(*) AS casts_run FROM sec.escalations;
-- the trigger saw the change and read nothing: the next refresh is full
SELECT DISTINCT reason FROM dormancy.store_invalidations ORDER BY 1;
SELECT customer_key FROM dormancy.changed_customers ORDER BY 1;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');

-- 4. the event triggers that record the roles of the extension's nine row
-- security policies (dormancy.policy_roles) fire for every role's ALTER
-- POLICY, CREATE POLICY and DROP OWNED: a role that is not the owner, on a
-- table of its own (a policy named like one of the nine), gets no warning
-- and no error from them; nor when it is named in one of the nine and runs
-- DROP OWNED BY itself (only PostgreSQL's own warning: it may not take
-- itself out of a policy on the owner's table), which changes no record
CREATE ROLE dormancy_test_ddl;
CREATE SCHEMA ddl_own AUTHORIZATION dormancy_test_ddl;
ALTER POLICY visible_customers ON dormancy.outreach_log TO dormancy_test_ddl, dormancy_test_reader;
SET ROLE dormancy_test_ddl;
CREATE TABLE ddl_own.t (x integer);
ALTER TABLE ddl_own.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_customers ON ddl_own.t FOR SELECT TO dormancy_test_ddl USING (true);
ALTER POLICY visible_customers ON ddl_own.t TO PUBLIC;
ALTER POLICY visible_customers ON ddl_own.t RENAME TO writers_insert;
DROP POLICY writers_insert ON ddl_own.t;
CREATE POLICY analysts_see_their_customers ON ddl_own.t FOR SELECT TO dormancy_test_ddl USING (true);
DROP OWNED BY dormancy_test_ddl;
RESET ROLE;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'ddl_own';
SELECT p.polroles::regrole[] AS roles FROM pg_policy p
 WHERE p.polrelid = 'dormancy.outreach_log'::regclass AND p.polname = 'visible_customers';
SELECT table_name, policy_name, roles FROM dormancy.policy_roles ORDER BY 1, 2;
-- (as installed again: no row)
ALTER POLICY visible_customers ON dormancy.outreach_log TO PUBLIC;
SELECT count(*) AS recorded FROM dormancy.policy_roles;
DROP ROLE dormancy_test_ddl;

DROP SCHEMA sec CASCADE;
-- (the temporary objects of the roles too)
DROP OWNED BY dormancy_test_owner, dormancy_test_reader, dormancy_test_rep CASCADE;
DROP ROLE dormancy_test_owner;
DROP ROLE dormancy_test_reader;
DROP ROLE dormancy_test_rep;
