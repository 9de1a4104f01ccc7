-- What a contact counts for, and who may write the log and the members:
-- cases an adversarial review found wrong (2026-12-07), each checked
-- against the documented rule (docs/campaign_effect.md, docs/outreach.md,
-- docs/security.md):
--  1. a contact time of -infinity is left out (source_issues says so);
--  2. a bound CRM campaign number that is no campaign of the extension
--     counts as a contact without a campaign (source_issues says so);
--  3. a control of one campaign contacted by another campaign inside its
--     window counts as a control contacted;
--  4. the purchase days after a contact count from the contact's day on, the
--     start day included; a row of a campaign dated before its start is no
--     contact of it;
--  5. the score band's text, and so the strata and the controls, do not
--     depend on the client's extra_float_digits;
--  6. campaign_list counts a contact logged with a date on the start day;
--  7. row security limits what a granted role updates, deletes and inserts
--     to the customers it sees; the documented grant for reps leaves the
--     row number to the log.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;

-- ten customers buying monthly from 2024-01 to 2025-03, then silent
CREATE SCHEMA cc;
CREATE TABLE cc.customers (id integer PRIMARY KEY, name text, owner text);
CREATE TABLE cc.orders (customer integer, at timestamptz, amount numeric);
INSERT INTO cc.customers SELECT g, 'customer ' || g, CASE WHEN g <= 5 THEN 'cc_mgr' ELSE 'someone else' END
  FROM generate_series(1, 10) g;
INSERT INTO cc.orders SELECT c.id, timestamptz '2024-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM cc.customers c CROSS JOIN generate_series(0, 14) m;
SELECT dormancy.bind_customers('cc.customers', 'id', name => 'name', owner => 'owner') IS NULL AS bound;
SELECT dormancy.bind_orders('cc.orders', 'customer', 'at', 'amount') IS NULL AS bound;
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';

-- 1. a contact at -infinity (an import that wrote an empty date so) is
-- listed as left out, and left out: no contact, no evidence of a reason
SELECT customer_id, likely_reason FROM dormancy.customer_status WHERE customer_id = 1;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason)
VALUES ('1', '-infinity', '電話', '断り', '競合他社に決定');
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY issue;
SELECT count(*) AS customers_with_outreach FROM dormancy.customer_outreach;
SELECT customer_id, likely_reason FROM dormancy.customer_status WHERE customer_id = 1;
DELETE FROM dormancy.outreach_log;

-- campaign A: 10 members, 3 controls (seed 7)
SELECT customers, controls FROM dormancy.start_campaign('A', control_share => 0.3, seed => 7);
SELECT campaign_id AS a_id FROM dormancy.campaigns WHERE name = 'A' \gset
SELECT string_agg(customer_id, ',' ORDER BY customer_id::integer) FILTER (WHERE is_control) AS a_controls,
	   string_agg(customer_id, ',' ORDER BY customer_id::integer) FILTER (WHERE NOT is_control) AS a_treated
  FROM dormancy.campaign_members WHERE campaign_id = :a_id;
-- ... and a row of campaign A at -infinity is no contact of it either
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome, campaign_id) VALUES ('2', '-infinity', 'reached', :a_id);
SELECT customer_id, contacted, contacts FROM dormancy.campaign_outcomes WHERE customer_id = '2';
DELETE FROM dormancy.outreach_log;

-- 4. treated member 1 called on the start day at 10:00 JST, ordering at
-- 15:00 JST the same day: a purchase day from the contact's day on, though
-- not in the window (which starts the day after the start); treated member
-- 2 with a row of campaign A mistyped a year before the campaign began,
-- the real call on 10-05 and an order on 10-10
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
VALUES ('1', '2026-10-01 10:00+09', 'phone', 'interested', :a_id),
	   ('2', '2025-10-05 10:00+09', 'phone', 'reached', :a_id),
	   ('2', '2026-10-05 10:00+09', 'phone', 'reached', :a_id);
INSERT INTO cc.orders VALUES (1, '2026-10-01 15:00+09', 800), (2, '2026-10-10 11:00+09', 800);
SET dormancy.as_of = '2027-01-15';
SELECT customer_id, start_day, contacts, first_contact_on, purchase_days, reactivated, revenue, reactivated_after_contact
  FROM dormancy.campaign_outcomes WHERE customer_id IN ('1', '2') ORDER BY customer_id;
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY issue;
DELETE FROM dormancy.outreach_log;
DELETE FROM cc.orders WHERE at >= '2026-01-01';

-- 3. campaign B, started on 10-15 inside A's window (a warning: A's
-- controls are on B's list), calls every member (A's controls too) on
-- 10-20: A's controls were contacted all the same
SET dormancy.as_of = '2026-10-15';
SELECT customers, controls FROM dormancy.start_campaign('B', control_share => 0.0);
-- (the hint's filter leaves them out)
SELECT customers, controls FROM dormancy.start_campaign('B without A''s controls', control_share => 0.0,
	filter => 'customer_id::text NOT IN (SELECT customer_id FROM dormancy.campaign_members WHERE is_control)');
DELETE FROM dormancy.campaigns WHERE name = 'B without A''s controls';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT m.customer_id, '2026-10-20 10:00+09', 'phone', 'reached', m.campaign_id
  FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id) WHERE c.name = 'B';
SET dormancy.as_of = '2027-01-15';
SELECT campaign_name, treated, controls, contacted, controls_contacted
  FROM dormancy.campaign_effect WHERE level = 'all' ORDER BY campaign_name;
-- (A's treated members were not contacted by A: B's call is not A's)
SELECT customer_id, is_control, contacted, contacts FROM dormancy.campaign_outcomes
 WHERE campaign_name = 'A' ORDER BY customer_id::integer;
DELETE FROM dormancy.outreach_log;

-- 2. the CRM's activities, whose campaign column holds the CRM's own
-- numbers: a call of member 1 with CRM campaign 4711 in A's window counts as
-- a contact without a campaign, as one without a number (member 2)
CREATE TABLE cc.activities (account integer, done_at timestamptz, kind text, result text, crm_campaign integer);
INSERT INTO cc.activities VALUES (1, '2026-10-05 01:00+00', 'phone', 'reached', 4711),
								 (2, '2026-10-05 01:00+00', 'phone', 'reached', NULL);
SELECT dormancy.bind_outreach('cc.activities', customer => 'account', contacted_at => 'done_at',
							  channel => 'kind', outcome => 'result', campaign => 'crm_campaign') IS NULL AS bound;
SELECT issue, value, rows FROM dormancy.source_issues WHERE issue = 'outreach_campaign_not_found';
SELECT customer_id, contacted, contacts, reached, first_contact_on
  FROM dormancy.campaign_outcomes WHERE campaign_name = 'A' AND customer_id IN ('1', '2') ORDER BY customer_id;
SELECT dormancy.unbind('outreach');

-- 6. the reps' list counts a contact logged with a date (an activity day)
-- on the day the campaign started, as campaign_outcomes does (A's window
-- has ended: no warning about its controls; B held none out)
SET dormancy.as_of = '2027-01-02';
SELECT customers FROM dormancy.start_campaign('C', control_share => 0.0);
SELECT campaign_id AS c_id FROM dormancy.campaigns WHERE name = 'C' \gset
CREATE TABLE cc.activity_days (account integer, activity_day date, result text, campaign bigint);
INSERT INTO cc.activity_days VALUES (1, '2027-01-02', '接続', :c_id);
SELECT dormancy.bind_outreach('cc.activity_days', customer => 'account', contacted_at => 'activity_day',
							  outcome => 'result', campaign => 'campaign') IS NULL AS bound;
SELECT customer_id, contacts, last_outcome FROM dormancy.campaign_list WHERE campaign_name = 'C' AND customer_id = '1';
SELECT customer_id, contacted, contacts, first_contact_on
  FROM dormancy.campaign_outcomes WHERE campaign_name = 'C' AND customer_id = '1';
-- one activity dated beyond timestamp's range (a typo, a "max date"
-- placeholder) is reported and left out: it made customer_status, the
-- campaign views, source_issues and every refresh fail for everyone
INSERT INTO cc.activity_days VALUES (2, '5874897-12-31', '接続', NULL);
SELECT count(*) AS customers FROM dormancy.customer_status;
SELECT customer_id, contacts FROM dormancy.campaign_list WHERE campaign_name = 'C' AND customer_id IN ('1', '2') ORDER BY 1;
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY 1, 2;
DELETE FROM cc.activity_days WHERE activity_day > '3000-01-01';
SELECT dormancy.unbind('outreach');
-- the same at the ends of a timestamp column's range, read in a zone
CREATE TABLE cc.activity_times (account integer, at timestamp, result text);
INSERT INTO cc.activity_times VALUES (1, '2026-10-01 10:00', 'reached'), (2, '4714-11-24 00:00 BC', 'reached'),
									 (3, '294276-12-31 23:00', 'reached'), (4, 'infinity', 'reached');
SELECT dormancy.bind_outreach('cc.activity_times', customer => 'account', contacted_at => 'at', outcome => 'result');
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT count(*) AS customers FROM dormancy.customer_status;
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY 1, 2;
SET dormancy.time_zone = 'America/Los_Angeles';
SELECT count(*) AS customers FROM dormancy.customer_status;
RESET dormancy.time_zone;
SELECT dormancy.unbind('outreach');

-- 5. score bands in thirds ({33.333333333333336, 66.66666666666667}): the
-- same band text, strata and controls whatever the client's
-- extra_float_digits (the controls are drawn from the strata's names)
INSERT INTO dormancy.outreach_settings (score_bands) VALUES (ARRAY[100/3.0::float8, 200/3.0::float8]);
SET extra_float_digits = 1;
SELECT dormancy.score_band(70, ARRAY[100/3.0::float8, 200/3.0::float8]) AS band_at_1;
SELECT customers, controls FROM dormancy.start_campaign('thirds 1', control_share => 0.25, seed => 1);
SET extra_float_digits = 0;
SELECT dormancy.score_band(70, ARRAY[100/3.0::float8, 200/3.0::float8]) AS band_at_0;
SELECT customers, controls FROM dormancy.start_campaign('thirds 2', control_share => 0.25, seed => 1);
SELECT count(DISTINCT (SELECT string_agg(m.stratum || ':' || m.customer_id || ':' || m.is_control, ',' ORDER BY m.customer_id)
						 FROM dormancy.campaign_members m WHERE m.campaign_id = c.campaign_id)) AS different_assignments
  FROM dormancy.campaigns c WHERE c.name LIKE 'thirds _';
DELETE FROM dormancy.outreach_settings;

-- 7. a campaign manager who sees customers 1-5 (the user's policy), granted
-- as docs/security.md shows, and allowed to correct the log
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome)
SELECT g::text, '2026-10-05', 'reached' FROM generate_series(1, 10) g;
ALTER TABLE cc.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON cc.customers FOR SELECT USING (owner = current_user);
CREATE ROLE cc_mgr;
GRANT dormancy_analyst TO cc_mgr;
GRANT USAGE ON SCHEMA cc TO cc_mgr;
GRANT SELECT ON cc.customers, cc.orders TO cc_mgr;
GRANT EXECUTE ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) TO cc_mgr;
GRANT INSERT, UPDATE ON dormancy.campaigns, dormancy.campaign_members TO cc_mgr;
GRANT INSERT (customer_id, contacted_at, channel, theme, outcome, declined_reason, rep, campaign_id, note)
	ON dormancy.outreach_log TO cc_mgr;
GRANT UPDATE, DELETE ON dormancy.outreach_log TO cc_mgr;
SET ROLE cc_mgr;
SELECT count(*) AS members_seen FROM dormancy.campaign_members WHERE campaign_id = :a_id;
-- every row of the statement's reach is one it sees
UPDATE dormancy.campaign_members SET is_control = true;
UPDATE dormancy.outreach_log SET note = 'checked';
DELETE FROM dormancy.outreach_log;
-- evidence for a customer it does not see is refused; for its own, taken
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome, declined_reason) VALUES ('8', '2026-09-20', 'declined', 'competitor');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, outcome) VALUES ('3', '2026-09-20', 'reached');
-- a member moved to a customer it does not see is refused
UPDATE dormancy.campaign_members SET customer_id = '8' WHERE customer_id = '3' AND campaign_id = :a_id;
-- the row number is the log's
INSERT INTO dormancy.outreach_log (outreach_id, customer_id, contacted_at, outcome) VALUES (1000000, '3', '2026-09-21', 'reached');
RESET ROLE;
SELECT campaign_id = :a_id AS campaign_a, count(*) FILTER (WHERE is_control) AS controls, count(*) AS members
  FROM dormancy.campaign_members GROUP BY 1 ORDER BY 1;
SELECT customer_id, note, outcome FROM dormancy.outreach_log ORDER BY customer_id::integer, contacted_at;

-- 8. a customer twice in the bound customers (one extra row of a CRM sync)
-- is twice on the call list, and once among a campaign's members
CREATE TABLE cc.customers_twice AS SELECT * FROM cc.customers UNION ALL SELECT * FROM cc.customers WHERE id = 4;
SELECT dormancy.bind_customers('cc.customers_twice', 'id', name => 'name') IS NULL AS bound;
SELECT count(*) AS on_the_list, count(DISTINCT customer_id) AS customers FROM dormancy.call_list;
SELECT customers, controls FROM dormancy.start_campaign('D', control_share => 0.0);
SELECT customer_id, call_order FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
 WHERE c.name = 'D' AND customer_id = '4';

RESET ROLE;
DROP OWNED BY cc_mgr;
DROP ROLE cc_mgr;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA cc CASCADE;
DELETE FROM dormancy.score_weights;
-- emptied, without statistics, as installed
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
