-- A customer id written twice in the customers (a duplicate record,
-- source_issues duplicate_customer_id):
-- 1. duplicate_customers and company_customers combine the order histories
--    of their members: such an id is two members of its group but one order
--    history, counted once (until 2026-12-07 its orders counted twice: 5
--    orders and 410 for the first group below, 3 and 210 for the second);
--    checked against the orders themselves;
-- 2. a role whose row security hides one of the two rows does not read that
--    row's name key in customer_name_keys (until 2026-12-07 it read the key
--    of a hidden company's name whenever it saw the other row);
-- 3. recent_transitions lists each state change once, as status_history
--    records it (it repeated it once per snapshot row of such an id).
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA di;
CREATE TABLE di.accounts (id integer, name text);
CREATE TABLE di.orders (account integer, day date, total numeric);
INSERT INTO di.accounts VALUES (1, '株式会社山田商事'), (1, '株式会社山田商事'), (2, '山田商事(株)'),
							   (3, '株式会社鈴木工業 本社'), (3, '株式会社鈴木工業 本社'), (4, '鈴木工業 大阪支店');
INSERT INTO di.orders VALUES (1, '2026-06-01', 100), (1, '2026-07-01', 100), (2, '2026-08-01', 10),
							 (3, '2026-06-01', 100), (4, '2026-08-01', 10);
SELECT dormancy.bind_customers('di.accounts', id => 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('di.orders', customer => 'account', ordered_at => 'day', amount => 'total') IS NULL AS bound;
SELECT d.name_key, d.customers, d.customer_ids, d.orders_count, d.total_amount,
	   (d.orders_count, d.total_amount) = (SELECT count(*), sum(o.total) FROM di.orders o WHERE o.account = ANY (d.customer_ids)) AS as_the_orders
  FROM dormancy.duplicate_customers d ORDER BY d.name_key;
SELECT c.company_key, c.customers, c.customer_ids, c.orders_count, c.total_amount,
	   (c.orders_count, c.total_amount) = (SELECT count(*), sum(o.total) FROM di.orders o WHERE o.account = ANY (c.customer_ids)) AS as_the_orders
  FROM dormancy.company_customers c ORDER BY c.company_key;

-- 2. customer 1 again under another name, visible to the owner's role only
CREATE TABLE di.owned (id integer, name text, owner text);
INSERT INTO di.owned VALUES (1, 'Alpha Trading', 'di_rep'), (1, '極秘買収先ホールディングス株式会社', 'boss'), (2, 'Beta', 'di_rep');
SELECT dormancy.bind_customers('di.owned', id => 'id', name => 'name') IS NULL AS bound;
SELECT current FROM dormancy.name_key_state;
CREATE ROLE di_rep;
GRANT dormancy_analyst TO di_rep;
GRANT USAGE ON SCHEMA di TO di_rep;
GRANT SELECT ON di.owned, di.orders TO di_rep;
ALTER TABLE di.owned ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON di.owned FOR SELECT TO di_rep USING (owner = current_user);
SELECT customer_key, name_key, rows FROM dormancy.customer_name_keys ORDER BY 1, 2;
SET ROLE di_rep;
SELECT id, name FROM di.owned ORDER BY 1;
SELECT customer_key, name_key, rows FROM dormancy.customer_name_keys ORDER BY 1, 2;
RESET ROLE;
DROP OWNED BY di_rep;
DROP ROLE di_rep;

-- 3. a refresh: one change per id in the history, and in recent_transitions
-- (customer 1 and 3 are written twice, under one name each)
UPDATE di.accounts SET name = name || ' (旧)' WHERE ctid IN (SELECT min(ctid) FROM di.accounts GROUP BY id HAVING count(*) > 1);
SELECT dormancy.bind_customers('di.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh('2026-11-01');
SELECT customer_id, name, change, to_state FROM dormancy.recent_transitions ORDER BY customer_id;
SELECT (SELECT count(*) FROM dormancy.recent_transitions)
	 = (SELECT count(*) FROM dormancy.status_history WHERE as_of > date '2026-11-01' - 31) AS once_each;
DELETE FROM dormancy.status_history;
DELETE FROM dormancy.status_snapshot;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA di CASCADE;
RESET dormancy.as_of;
