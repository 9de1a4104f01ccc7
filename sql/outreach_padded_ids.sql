-- The outreach log's ids and the customers' ids are compared with the
-- blanks at their ends trimmed on both sides, in the outreach adapter and
-- in the row security (dormancy.visible_customer_keys() and the policies of
-- outreach_log, campaign_members and status_history).  Until the campaign
-- review of 2026-12-07 only the log's side was trimmed: a customer whose
-- text id carries a blank ('C1 ', as a fixed-width CRM export leaves it)
-- never matched a log row, not even one with exactly its id.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA pi;
CREATE TABLE pi.customers (id text PRIMARY KEY, name text, owner text);
CREATE TABLE pi.orders (customer text, at timestamptz, amount numeric);
INSERT INTO pi.customers VALUES ('C1 ', 'padded id', 'pi_rep'), ('C2', 'plain id', 'someone else');
INSERT INTO pi.orders SELECT c.id, timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM pi.customers c CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('pi.customers', 'id', name => 'name', owner => 'owner') IS NULL AS bound;
SELECT dormancy.bind_orders('pi.orders', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT customers, controls FROM dormancy.start_campaign('padded', control_share => 0);
-- both called on 2026-10-05 with the campaign's id, declining for a
-- competitor: the ids written exactly as in the customers; C1 reached the
-- day before, its id written without the blank
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason, campaign_id)
SELECT customer_id, '2026-10-05 10:00+09', 'phone', 'declined', U&'\7AF6\5408\4ED6\793E\306B\6C7A\5B9A', campaign_id
  FROM dormancy.campaign_members;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome)
VALUES ('C1', '2026-10-04 10:00+09', 'phone', 'reached');
SET dormancy.as_of = '2026-10-10';
SELECT '"' || customer_id || '"' AS id, contacts FROM dormancy.customer_outreach ORDER BY 1;
SELECT issue, count(*) FROM dormancy.source_issues GROUP BY 1 ORDER BY 1;
SELECT '"' || o.customer_id || '"' AS id, o.contacted, o.contacts, s.likely_reason
  FROM dormancy.campaign_outcomes o JOIN dormancy.customer_status s ON s.customer_id = o.customer_id ORDER BY 1;
SELECT '"' || customer_id || '"' AS id, contacts, last_outcome FROM dormancy.campaign_list ORDER BY 1;

-- a rep who sees C1 only (the user's policy) reads C1's contacts, member
-- row and history, and writes contacts for C1 (with or without the blank),
-- not for C2
SELECT coalesce(max(history_id), 0) AS h0 FROM dormancy.status_history \gset
INSERT INTO dormancy.status_history (run_id, customer_id, as_of, from_state, to_state, change)
VALUES (1, 'C1 ', '2026-10-10', 'dormant', 'active', 'changed'), (1, 'C2', '2026-10-10', 'dormant', 'active', 'changed');
ALTER TABLE pi.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON pi.customers FOR SELECT USING (owner = current_user);
CREATE ROLE pi_rep;
GRANT dormancy_analyst TO pi_rep;
GRANT USAGE ON SCHEMA pi TO pi_rep;
GRANT SELECT ON pi.customers, pi.orders TO pi_rep;
GRANT INSERT (customer_id, contacted_at, channel, theme, outcome, declined_reason, rep, campaign_id, note)
	ON dormancy.outreach_log TO pi_rep;
SET ROLE pi_rep;
SELECT '"' || k || '"' AS key FROM dormancy.visible_customer_keys() k ORDER BY 1;
SELECT '"' || customer_id || '"' AS id, count(*) FROM dormancy.outreach_log GROUP BY 1 ORDER BY 1;
SELECT '"' || customer_id || '"' AS id FROM dormancy.campaign_members ORDER BY 1;
SELECT '"' || customer_id || '"' AS id FROM dormancy.status_history WHERE history_id > :h0 ORDER BY 1;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('C1 ', '2026-10-07', 'reached');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('C1', '2026-10-07', 'reached');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('C2', '2026-10-07', 'reached');
SELECT '"' || customer_id || '"' AS id, contacts FROM dormancy.customer_outreach ORDER BY 1;
RESET ROLE;

DROP OWNED BY pi_rep;
DROP ROLE pi_rep;
DELETE FROM dormancy.status_history WHERE history_id > :h0;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA pi CASCADE;
DELETE FROM dormancy.score_weights;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
