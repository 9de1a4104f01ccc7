-- Customers whose text ids differ only by blanks at their ends ('A' and
-- 'A ') are two customers: a rep restricted by a policy to one of them reads
-- neither the campaign membership nor the state history of the other.  The
-- outreach log's ids are matched with their blanks trimmed (docs/outreach.md):
-- a contact logged as 'A ' is customer 'A''s, and a customer whose own id
-- carries blanks matches no contact.  (A change of 2026-12-07 trimmed both
-- sides: each contact then went to both customers, and each rep read the
-- other's members and history; a review found it, this test came first.)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA pi;
CREATE TABLE pi.customers (id text PRIMARY KEY, name text, owner text);
CREATE TABLE pi.orders (customer text, at timestamptz, amount numeric);
INSERT INTO pi.customers VALUES ('A', 'Alpha KK', 'pi_rep_a'), ('A ', 'Other Co', 'pi_rep_b');
INSERT INTO pi.orders SELECT c.id, timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM pi.customers c CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('pi.customers', 'id', name => 'name', owner => 'owner') IS NULL AS bound;
SELECT dormancy.bind_orders('pi.orders', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT '"' || customer_id || '"' AS customer_status_ids FROM dormancy.customer_status ORDER BY 1;
SELECT customers FROM dormancy.start_campaign('c1', control_share => 0);
CALL dormancy.refresh();
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note)
VALUES ('A ', '2026-10-05 10:00+09', 'phone', 'declined', 'logged as A and a blank');
SET dormancy.as_of = '2026-10-10';
-- the contact is customer 'A''s (its id trimmed), once
SELECT '"' || customer_id || '"' AS id, contacts FROM dormancy.customer_outreach ORDER BY 1;
SELECT '"' || customer_id || '"' AS id, contacted, contacts FROM dormancy.campaign_outcomes ORDER BY 1;
ALTER TABLE pi.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON pi.customers FOR SELECT USING (owner = current_user);
CREATE ROLE pi_rep_a;
CREATE ROLE pi_rep_b;
GRANT dormancy_analyst TO pi_rep_a, pi_rep_b;
GRANT USAGE ON SCHEMA pi TO pi_rep_a, pi_rep_b;
GRANT SELECT ON pi.customers, pi.orders TO pi_rep_a, pi_rep_b;
SET ROLE pi_rep_a;
SELECT '"' || id || '"' AS sees FROM pi.customers;
SELECT '"' || customer_id || '"' AS log_id FROM dormancy.outreach_log;
SELECT '"' || customer_id || '"' AS member FROM dormancy.campaign_members ORDER BY 1;
SELECT DISTINCT '"' || customer_id || '"' AS history FROM dormancy.status_history ORDER BY 1;
RESET ROLE;
SET ROLE pi_rep_b;
SELECT '"' || id || '"' AS sees FROM pi.customers;
SELECT '"' || customer_id || '"' AS log_id FROM dormancy.outreach_log;
SELECT '"' || customer_id || '"' AS member FROM dormancy.campaign_members ORDER BY 1;
SELECT DISTINCT '"' || customer_id || '"' AS history FROM dormancy.status_history ORDER BY 1;
RESET ROLE;
DROP OWNED BY pi_rep_a;
DROP OWNED BY pi_rep_b;
DROP ROLE pi_rep_a;
DROP ROLE pi_rep_b;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA pi CASCADE;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
