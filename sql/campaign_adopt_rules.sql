-- measured_approaches.current_channel is the channel of the first approach
-- rule that can decide for the reason (its reasons NULL or holding the
-- reason), and adopt_measured_approaches() writes the measured channel
-- before that rule, so that it decides: the call list shows it after.
-- Until the campaign review of 2026-12-07 only rules for the reason alone
-- counted, and the adopted rule went just before the first general rule:
-- behind a user's rule for two reasons, which kept deciding.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
SELECT dormancy.reset_defaults('dormancy.approach_rules');
DELETE FROM dormancy.outreach_settings;
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA ar;
CREATE TABLE ar.customers (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE ar.orders (customer integer, at timestamptz, amount numeric);
INSERT INTO ar.customers SELECT g, 'customer ' || g, (ARRAY['manufacturing', 'retail'])[1 + g % 2] FROM generate_series(1, 400) g;
INSERT INTO ar.orders SELECT c.id, timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM ar.customers c CROSS JOIN generate_series(0, 5) m;
SELECT dormancy.bind_customers('ar.customers', 'id', name => 'name', industry => 'industry') IS NULL AS bound;
SELECT dormancy.bind_orders('ar.orders', 'customer', 'at', 'amount') IS NULL AS bound;
-- the channel by industry: manufacturing phone, retail e-mail
DELETE FROM dormancy.approach_rules;
INSERT INTO dormancy.approach_rules (rule_order, channel, industries, note) VALUES
	(10, 'phone', '{manufacturing}', 'general'), (20, 'email', '{retail}', 'general');
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SELECT customers, controls FROM dormancy.start_campaign('adopt', control_share => 0.5, seed => 3);
-- controls and the e-mailed come back 10%, the phoned 50% (by id)
INSERT INTO ar.orders SELECT m.customer_id::int, '2026-11-01 03:00+00', 700 FROM dormancy.campaign_members m
 WHERE m.customer_id::int % 10 < CASE WHEN NOT m.is_control AND m.channel = 'phone' THEN 5 ELSE 1 END;
SET dormancy.as_of = '2027-01-15';

-- 1. without a rule of the reason, the first rule that can decide has a
-- condition (an industry): no single channel is in force
SELECT likely_reason, measured_channel, channel_lift_lower > 0 AS lift_above_0, current_channel, adopt_channel
  FROM dormancy.measured_approaches;

-- 2. the user's rule for two reasons, before the general rules, decides
-- for every customer of the reason: it is the channel in force
INSERT INTO dormancy.approach_rules (rule_order, channel, reasons, note) VALUES (5, 'email', '{circumstances_changed,forgot}', 'user rule');
SELECT likely_reason, approach_channel, count(*) FROM dormancy.call_list GROUP BY 1, 2 ORDER BY 1, 2;
SELECT likely_reason, measured_channel, current_channel, adopt_channel FROM dormancy.measured_approaches;
-- adopting writes the measured channel before it, and the call list has it
SELECT kind, likely_reason, previous, adopted, rule_order FROM dormancy.adopt_measured_approaches(themes => false);
SELECT rule_order, channel, reasons, note LIKE 'measured: lift %' AS measured FROM dormancy.approach_rules ORDER BY 1;
SELECT likely_reason, measured_channel, current_channel, adopt_channel FROM dormancy.measured_approaches;
SELECT likely_reason, approach_channel, count(*) FROM dormancy.call_list GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS second_call FROM dormancy.adopt_measured_approaches(themes => false);

-- 3. the reason's own rule deciding first is updated in place
UPDATE dormancy.approach_rules SET channel = 'direct_mail' WHERE rule_order = 4;
SELECT current_channel, adopt_channel FROM dormancy.measured_approaches;
SELECT kind, previous, adopted, rule_order FROM dormancy.adopt_measured_approaches(themes => false);
SELECT rule_order, channel, reasons FROM dormancy.approach_rules ORDER BY 1;

-- 4. no free rule_order before the first rule that decides: the channel is
-- not adopted, with a warning
DELETE FROM dormancy.approach_rules WHERE rule_order IN (4, 5);
INSERT INTO dormancy.approach_rules (rule_order, channel, note) VALUES (-2147483648, 'email', 'first of all');
SELECT current_channel, adopt_channel FROM dormancy.measured_approaches;
SELECT count(*) AS adopted FROM dormancy.adopt_measured_approaches(themes => false);
SELECT count(*) AS rules FROM dormancy.approach_rules;

-- 5. no rule applies to the reason: the channel's rule goes after the last
DELETE FROM dormancy.approach_rules WHERE rule_order = -2147483648;
UPDATE dormancy.approach_rules SET reasons = '{forgot}';
SELECT current_channel, adopt_channel FROM dormancy.measured_approaches;
SELECT kind, previous, adopted, rule_order FROM dormancy.adopt_measured_approaches(themes => false);
SELECT DISTINCT approach_channel FROM dormancy.call_list WHERE likely_reason = 'circumstances_changed';

-- 6. the settings say what the views measure: every treated member from the
-- campaign's start, contacted or not (intention to treat), and
-- min_observations counts treated members (and controls); neither speaks of
-- contacts (until the campaign review of 2026-12-07 both did)
SELECT c.relname, a.attname, col_description(c.oid, a.attnum) AS comment
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'dormancy'::regnamespace
   AND (c.relname, a.attname::text) IN (('outreach_settings', 'reactivation_days'), ('outreach_settings', 'min_observations'),
										('campaigns', 'reactivation_days'))
 ORDER BY 1, 2;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ar CASCADE;
DELETE FROM dormancy.score_weights;
DELETE FROM dormancy.approach_rules;
SELECT dormancy.reset_defaults('dormancy.approach_rules');
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
