-- A customer contacted lately (any outcome, an unanswered call included) is
-- held back from the call list, the snapshot's call list and new campaigns
-- until outreach_settings.recontact_after (default 14 days) has passed since
-- the latest contact's day: customer_outreach.recontact_on, the first day
-- the customer may be contacted again.  Until 2026-12-07 a call logged
-- yesterday changed nothing on today's list: a customer called six times in
-- a week without an answer stayed first in line (docs/outreach.md,
-- Recent contacts).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET dormancy.time_zone = 'Asia/Tokyo';
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_settings;
\i test/sql_ref/empty_snapshot.sql
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA rc;
CREATE TABLE rc.customers (id integer PRIMARY KEY, name text);
CREATE TABLE rc.orders (customer integer, at timestamptz, amount numeric);
INSERT INTO rc.customers SELECT i, 'Customer ' || i FROM generate_series(1, 10) i;
-- every customer a repeat buyer who stopped in spring: all lapsing, all listed
INSERT INTO rc.orders SELECT c.id, timestamptz '2025-04-10 03:00+00' + (m || ' months')::interval, 100000 + c.id
  FROM rc.customers c CROSS JOIN generate_series(0, 11) m;
SELECT dormancy.bind_customers('rc.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('rc.orders', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT recontact_after FROM dormancy.outreach_settings_in_force();
SELECT count(*) AS listed FROM dormancy.call_list;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note)
SELECT '1', timestamptz '2026-09-25 10:00+09' + g * interval '1 day', 'phone', 'not reached', 'six unanswered calls'
  FROM generate_series(0, 5) g;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('2', '2026-09-30 11:00+09', 'phone', 'interested', NULL),
	('2', '2026-09-30 15:00+09', 'phone', 'meeting booked', 'yesterday: a meeting'),
	('3', '2026-10-01 23:30+09', 'phone', 'reached', 'the as-of day in Tokyo, 14:30 UTC'),
	('4', '2026-10-02 00:10+09', 'phone', 'reached', 'the next day in Tokyo, still 1 October in UTC'),
	('5', '2026-09-17 10:00+09', 'email', 'reached', '14 days before: may be contacted again today'),
	('6', '2026-09-18 10:00+09', 'email', 'not reached', '13 days before: held until tomorrow'),
	('7', '2026-08-01 10:00+09', 'phone', 'declined', 'long ago');
SELECT customer_id, contacts, last_contacted_at, last_contacted_on, recontact_on
  FROM dormancy.customer_outreach ORDER BY customer_id;
-- customer_status carries both days (the rank stays among all customers)
SELECT customer_id, priority_rank IS NOT NULL AS ranked, last_contacted_on, recontact_on
  FROM (SELECT s.*, rank() OVER (ORDER BY s.value_tier, s.priority_score DESC, s.customer_id) AS priority_rank
		  FROM dormancy.customer_status s) x
 ORDER BY customer_id;
-- the list: not the held customers, no gap in the call order; the last
-- contact shown at the end
SELECT call_order, customer_id, owner_order, last_contacted_on FROM dormancy.call_list ORDER BY call_order;
-- a campaign started now draws from the call list: no held member
SELECT customers FROM dormancy.start_campaign('autumn', control_share => 0);
SELECT customer_id FROM dormancy.campaign_members ORDER BY customer_id::integer;
-- a campaign of held customers only: nobody to start it with, and the hint
-- names the holds (it named only the minimum score until a review)
SELECT customers FROM dormancy.start_campaign('held only', 'customer_id IN (2, 3, 6)');
-- the campaign's own calls do not take a member off the reps' list (nor
-- does any contact: the campaign is the plan), while call_list holds the
-- customer back
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT '8', '2026-10-01 09:00+09', 'phone', 'not reached', campaign_id FROM dormancy.campaigns WHERE name = 'autumn';
SELECT customer_id, call_order, contacts, last_contacted_at FROM dormancy.campaign_list
 WHERE campaign_name = 'autumn' ORDER BY call_order;
SELECT bool_or(customer_id = 8) AS customer_8_listed FROM dormancy.call_list;
-- an edit of the setting: the next query sees it
INSERT INTO dormancy.outreach_settings (recontact_after) VALUES ('3 days');
SELECT customer_id, recontact_on FROM dormancy.customer_outreach WHERE recontact_on IS NOT NULL ORDER BY customer_id;
SELECT customer_id FROM dormancy.call_list ORDER BY customer_id;
UPDATE dormancy.outreach_settings SET recontact_after = '1 mon';
SELECT customer_id, recontact_on FROM dormancy.customer_outreach WHERE recontact_on IS NOT NULL ORDER BY customer_id;
-- NULL: no hold
UPDATE dormancy.outreach_settings SET recontact_after = NULL;
SELECT count(*) AS held FROM dormancy.customer_outreach WHERE recontact_on IS NOT NULL;
SELECT count(*) AS listed FROM dormancy.call_list;
-- whole days or months, not negative
UPDATE dormancy.outreach_settings SET recontact_after = '-1 day';
UPDATE dormancy.outreach_settings SET recontact_after = '12 hours';
UPDATE dormancy.outreach_settings SET recontact_after = '0 days';
SELECT count(*) AS held FROM dormancy.customer_outreach WHERE recontact_on IS NOT NULL;
DELETE FROM dormancy.outreach_settings;
-- the snapshot carries the days; its call list leaves the held customers out
CALL dormancy.refresh();
SELECT customer_key, last_contacted_on, recontact_on FROM dormancy.status_snapshot
 WHERE last_contacted_on IS NOT NULL ORDER BY customer_id;
SELECT call_rank, customer_id, last_contacted_on FROM dormancy.snapshot_call_list ORDER BY call_rank;
-- a reader of the snapshot needs nothing on the outreach log
CREATE ROLE rc_reader IN ROLE dormancy_reader;
SET ROLE rc_reader;
SELECT count(*) AS snapshot_listed FROM dormancy.snapshot_call_list;
RESET ROLE;
DROP ROLE rc_reader;
-- a later as-of day: every hold of these contacts has ended
SET dormancy.as_of = '2026-10-20';
SELECT count(*) AS held FROM dormancy.customer_outreach WHERE recontact_on IS NOT NULL;
SELECT count(*) AS listed FROM dormancy.call_list;
-- a one-way contact (direct mail, step mail) holds nobody back: the call
-- that follows a mailing is the point of it (DM then a follow-up call),
-- unless the customer answered it; a contact by any other channel, an
-- unmapped one included, holds (until 2026-12-07 every contact held)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('9', '2026-10-18 10:00+09', 'DM', NULL, 'a mailing'),
	('10', '2026-10-18 10:00+09', 'step mail', 'not reached', 'an automated sequence'),
	('5', '2026-10-18 10:00+09', 'direct mail', 'interested', 'answered the mailing'),
	('6', '2026-10-18 10:00+09', 'newsletter', NULL, 'an email'),
	('3', '2026-10-18 10:00+09', 'fax', NULL, 'an unmapped channel'),
	-- delivered or opened (mapped to reached) is no answer (until a review
	-- found it: a marketing tool logs one for every step mail); an outcome
	-- nobody mapped may be one, so it holds, as an unmapped channel does
	('4', '2026-10-18 10:00+09', 'step mail', 'opened', 'opened, no answer'),
	('7', '2026-10-18 10:00+09', 'DM', 'delivered', 'delivered, no answer'),
	('8', '2026-10-18 10:00+09', 'DM', U&'\8FD4\4FE1\3042\308A', 'henshin ari (replied): unmapped');
SELECT customer_id, last_channel, last_contacted_on, recontact_on
  FROM dormancy.customer_outreach WHERE last_contacted_on = '2026-10-18' ORDER BY customer_id::integer;
SELECT customer_id, last_contacted_on FROM dormancy.call_list
 WHERE customer_id IN (3, 4, 5, 6, 7, 8, 9, 10) ORDER BY customer_id;
-- a mailing without an answer is no conversation either: a decline heard
-- on a call before it stays the latest thing the customer said, in the
-- score and the likely reason (until a review of 2026-12-07 a mailing
-- delivered or opened took its place, and the decline weighed nothing the
-- day after a mailing to every dormant customer).  The Japanese wordings
-- of a mailing tool (配信済 delivered, 開封 opened, 不達 returned) are
-- installed, and hold nobody back either
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason, note)
SELECT c, '2026-10-05 10:00+09', 'phone', 'declined', 'competitor', 'went with a competitor'
  FROM unnest(ARRAY['4', '7', '9', '10', '2']) c;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('4', '2026-10-19 10:00+09', U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB', U&'\958B\5C01', 'step mail, kaifu (opened)'),
	('7', '2026-10-19 10:00+09', 'DM', U&'\914D\4FE1\6E08', 'DM, haishinzumi (delivered)'),
	('10', '2026-10-19 10:00+09', U&'\306F\304C\304D', U&'\4E0D\9054', 'hagaki (postcard), futatsu (returned)');
SELECT customer_id, last_contacted_on, last_outcome, last_declined_reason, last_outcome_on, recontact_on
  FROM dormancy.customer_outreach WHERE customer_id IN ('2', '4', '7', '9', '10') ORDER BY customer_id::integer;
-- customer 2, whose last contact was the call, is the reference: the others
-- have the same orders but for an amount a few yen apart
SELECT customer_id, likely_reason, score_breakdown -> 'deal' ->> 'basis' AS deal_basis,
	   round(priority_score::numeric, 1) - (SELECT round(priority_score::numeric, 1) FROM dormancy.customer_status WHERE customer_id = 2)
		   AS score_minus_customer_2
  FROM dormancy.customer_status WHERE customer_id IN (2, 4, 7, 9, 10) ORDER BY customer_id;
SELECT customer_id FROM dormancy.call_list WHERE customer_id IN (2, 4, 7, 9, 10) ORDER BY customer_id;
-- nor is a message delivered by another channel: a newsletter (メルマガ,
-- an email) delivered, a LINE broadcast (a channel nobody mapped) opened.
-- Delivered, opened and their Japanese wordings are the outcome delivered
-- (arrived, no answer), whatever the channel: no conversation, no hold
-- (until a review of 2026-12-07 they were reached, a conversation on every
-- channel but a mailing, and the reps' list read 応対あり for an unopened mail)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, note) VALUES
	('9', '2026-10-19 11:00+09', U&'\30E1\30EB\30DE\30AC', U&'\914D\4FE1\6E08', 'merumaga (newsletter), haishinzumi'),
	('2', '2026-10-19 11:00+09', U&'LINE\914D\4FE1', U&'\958B\5C01', 'LINE haishin (broadcast), kaifu');
SELECT customer_id, last_channel, last_outcome, last_declined_reason, last_outcome_on, recontact_on
  FROM dormancy.customer_outreach WHERE customer_id IN ('2', '9') ORDER BY customer_id::integer;
SELECT customer_id FROM dormancy.call_list WHERE customer_id IN (2, 9) ORDER BY customer_id;
SELECT source_outcome, outcome FROM dormancy.outreach_outcomes
 WHERE outcome IN ('delivered', 'reached') ORDER BY outcome, dormancy.label_key(source_outcome) COLLATE "C";
SET dormancy.language = 'ja';
SELECT dormancy.label('outreach_outcome', 'delivered') AS delivered, dormancy.label('outreach_outcome', 'reached') AS reached;
RESET dormancy.language;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA rc CASCADE;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
RESET dormancy.time_zone;
