-- One opt-out rule for every list (docs/outreach.md, Opt-outs): the latest
-- opt-out on or before the as-of day is in force unless a later outcome of
-- the customer's own interest (interested, meeting, quote, order) lifted
-- it, and an opt-out without a usable time (NULL in a bound CRM table,
-- infinity, -infinity) is in force and nothing lifts it.  customer_outreach
-- (opted_out_on: customer_status, call_list, the snapshot, start_campaign)
-- and campaign_list (the members it leaves out) read it from the contacts
-- each in its own grouping.  Here they are compared, on random data, with
-- one plain-SQL reading of the definition: 300 customers, contacts near
-- midnight in Tokyo (the day in the zone decides what counts by the as-of
-- day), opt-outs dated, NULL, infinity and -infinity, as the outcome or as
-- the declined reason, lifted by a later interest or by one of the same
-- instant (which does not lift), and three as-of days.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET dormancy.time_zone = 'Asia/Tokyo';
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
\i test/sql_ref/empty_snapshot.sql
-- no hold but the opt-out: a lapsing customer scoring enough is off a list
-- for its opt-out only
DELETE FROM dormancy.outreach_settings;
INSERT INTO dormancy.outreach_settings (recontact_after, fiscal_year_start_month) VALUES (NULL, NULL);
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA oor;
CREATE TABLE oor.customers (id integer PRIMARY KEY, name text);
CREATE TABLE oor.orders (customer integer, at timestamptz, amount numeric);
CREATE TABLE oor.activities (account integer, at timestamptz, result text, reason text);
-- the wordings the contacts use, and what each says (the reference reads
-- these, not the extension's mappings)
CREATE TABLE oor.wordings (wording text PRIMARY KEY, opt_out boolean, interest boolean);
INSERT INTO oor.wordings VALUES
	('do not contact', true, false), (U&'\9023\7D61\4E0D\8981', true, false), ('opt out', true, false),
	('interested', false, true), ('meeting booked', false, true), ('quote', false, true), ('order', false, true),
	('reached', false, false), ('not reached', false, false), ('declined', false, false),
	('delivered', false, false), ('price', false, false);
SELECT setseed(0.1207);
INSERT INTO oor.customers SELECT i, 'Customer ' || i FROM generate_series(1, 300) i;
-- repeat buyers who stopped in the winter or spring: lapsing
INSERT INTO oor.orders
SELECT c.id, timestamptz '2025-01-10 03:00+00' + ((c.stop - m) || ' months')::interval, 1000 + floor(random() * 90000)
  FROM (SELECT id, 12 + floor(random() * 5)::int AS stop FROM oor.customers) c CROSS JOIN generate_series(0, 11) m;
SELECT dormancy.bind_customers('oor.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('oor.orders', 'customer', 'at', 'amount') IS NULL AS bound;
SELECT dormancy.bind_outreach('oor.activities', 'account', 'at', outcome => 'result', reason => 'reason') IS NULL AS bound;
-- a campaign started before any contact: its members are the customers
-- that campaign_list may leave out
SELECT customers > 250 AS most_customers FROM dormancy.start_campaign('before', control_share => 0);
-- up to 6 contacts per customer (and some of customers that do not exist),
-- at few instants so that a customer's contacts share some: on 24 September
-- to 2 October, at 23:30, 23:59:59.999999, midnight or 00:10 in Tokyo; one
-- in ten without a time (NULL), one in 25 at infinity, one in 25 at
-- -infinity.  A quarter opt out (by the outcome, or by the reason whatever
-- the outcome), a quarter show interest
INSERT INTO oor.activities
SELECT c.id,
	   CASE WHEN r.t < 0.10 THEN NULL
			WHEN r.t < 0.14 THEN 'infinity'
			WHEN r.t < 0.18 THEN '-infinity'
			ELSE timestamptz '2026-09-24 00:00+09' + floor(r.d * 9) * interval '1 day'
				 + (ARRAY[interval '-30 min', interval '-1 microsecond', interval '0', interval '10 min'])[1 + floor(r.h * 4)::int] END,
	   (ARRAY['do not contact', U&'\9023\7D61\4E0D\8981', 'opt out', 'interested', 'meeting booked', 'quote', 'order',
			  'reached', 'not reached', 'declined', 'delivered', 'declined'])[1 + floor(r.o * 12)::int],
	   CASE WHEN r.q < 0.08 THEN 'do not contact' WHEN r.q < 0.2 THEN 'price' END
  FROM (SELECT id FROM oor.customers UNION ALL SELECT 300 + i FROM generate_series(1, 5) i) c
 CROSS JOIN LATERAL (SELECT random() AS t, random() AS d, random() AS h, random() AS o, random() AS q
					   FROM generate_series(1, floor(random() * 7)::int + c.id * 0)) r;
SELECT count(*) AS contacts, count(*) FILTER (WHERE at IS NULL) AS no_time,
	   count(*) FILTER (WHERE at = 'infinity') AS infinity, count(*) FILTER (WHERE at = '-infinity') AS minus_infinity
  FROM oor.activities;

-- The reference: the definition in plain SQL, from the bound table and the
-- wordings above
CREATE TEMP VIEW reference AS
WITH k AS (
	-- each contact of a bound customer: its day in Tokyo, whether it has a
	-- usable time and what it says
	SELECT x.account AS customer_id, x.at, (x.at AT TIME ZONE 'Asia/Tokyo')::date AS day,
		   x.at IS NOT NULL AND x.at NOT IN ('infinity', '-infinity') AS dated,
		   coalesce(w.opt_out, false) OR coalesce(r.opt_out, false) AS opt_out,
		   coalesce(w.interest, false) AS interest
	  FROM oor.activities x
	  JOIN oor.customers c ON c.id = x.account
	  LEFT JOIN oor.wordings w ON w.wording = x.result
	  LEFT JOIN oor.wordings r ON r.wording = x.reason
), d AS (
	-- the dated ones up to the as-of day
	SELECT k.* FROM k WHERE k.dated AND k.day <= current_setting('dormancy.as_of')::date
)
SELECT c.id AS customer_id,
	   CASE WHEN EXISTS (SELECT FROM d o
						  WHERE o.customer_id = c.id AND o.opt_out
							AND NOT EXISTS (SELECT FROM d i WHERE i.customer_id = c.id AND i.interest AND i.at > o.at))
			THEN (SELECT max(o.day) FROM d o WHERE o.customer_id = c.id AND o.opt_out)
			WHEN EXISTS (SELECT FROM k o WHERE o.customer_id = c.id AND o.opt_out AND NOT o.dated)
			THEN '-infinity'::date END AS opted_out_on,
	   EXISTS (SELECT FROM d o WHERE o.customer_id = c.id AND o.opt_out) AS dated_opt_out,
	   EXISTS (SELECT FROM d o JOIN d i USING (customer_id)
				WHERE o.customer_id = c.id AND o.opt_out AND i.interest AND i.at = o.at) AS same_instant,
	   -- an opt-out by the reason of an outcome of interest
	   EXISTS (SELECT FROM k o WHERE o.customer_id = c.id AND o.opt_out AND o.interest) AS by_reason_interest
  FROM oor.customers c;

-- Who each list holds off for an opt-out, against the reference: among the
-- customers the list would show without it (lapsing, scoring enough, in a
-- tier shown; no other hold here), those it does not show
CREATE TEMP VIEW agreement AS
WITH w AS (SELECT * FROM dormancy.score_weights_in_force()),
listable AS (
	SELECT s.customer_id::text AS customer_id
	  FROM dormancy.customer_status s, w
	 WHERE s.likely_reason IS NOT NULL AND s.priority_score >= w.call_list_min_score
	   AND coalesce(s.value_tier = ANY (w.call_list_tiers), true)
), snapshot_listable AS (
	SELECT s.customer_key AS customer_id
	  FROM dormancy.status_snapshot s, w
	 WHERE s.likely_reason IS NOT NULL AND s.priority_score >= w.call_list_min_score
	   AND coalesce(s.value_tier = ANY (w.call_list_tiers), true)
), held AS (
	SELECT 'call_list' AS list, l.customer_id,
		   NOT EXISTS (SELECT FROM dormancy.call_list c WHERE c.customer_id::text = l.customer_id) AS held_off
	  FROM listable l
	UNION ALL
	SELECT 'snapshot_call_list', l.customer_id,
		   NOT EXISTS (SELECT FROM dormancy.snapshot_call_list c WHERE c.customer_id = l.customer_id)
	  FROM snapshot_listable l
	UNION ALL
	SELECT 'campaign_list', m.customer_id,
		   NOT EXISTS (SELECT FROM dormancy.campaign_list c WHERE c.campaign_id = m.campaign_id AND c.customer_id = m.customer_id)
	  FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
	 WHERE c.name = 'before'
	UNION ALL
	SELECT 'customer_status', s.customer_id::text, s.opted_out_on IS NOT NULL
	  FROM dormancy.customer_status s
)
SELECT h.list, count(*) AS customers, count(*) FILTER (WHERE h.held_off) AS held_off,
	   count(*) FILTER (WHERE h.held_off IS DISTINCT FROM (r.opted_out_on IS NOT NULL)) AS disagree
  FROM held h JOIN reference r ON r.customer_id::text = h.customer_id
 GROUP BY h.list;

-- what the reference holds off, and why, as of 1 October
SELECT count(*) FILTER (WHERE opted_out_on > '-infinity') AS dated_in_force,
	   count(*) FILTER (WHERE opted_out_on = '-infinity') AS undated_only,
	   count(*) FILTER (WHERE opted_out_on = '-infinity' AND dated_opt_out) AS undated_dated_lifted,
	   count(*) FILTER (WHERE opted_out_on IS NULL AND dated_opt_out) AS lifted,
	   count(*) FILTER (WHERE opted_out_on IS NOT NULL AND same_instant) AS same_instant_in_force,
	   count(*) FILTER (WHERE by_reason_interest) AS opt_out_reason_interest,
	   count(*) FILTER (WHERE opted_out_on IS NULL) AS not_opted_out
  FROM reference;
-- the day itself: customer_status and customer_outreach against the
-- reference, customer by customer, on three as-of days (the contacts of
-- 30 September at 23:30 and of 1 October at 00:10 in Tokyo fall on
-- either side of the last one)
CREATE TEMP VIEW day_agreement AS
SELECT current_setting('dormancy.as_of') AS as_of,
	   count(*) FILTER (WHERE s.opted_out_on IS DISTINCT FROM r.opted_out_on) AS status_disagree,
	   count(*) FILTER (WHERE o.opted_out_on IS DISTINCT FROM r.opted_out_on) AS outreach_disagree
  FROM reference r
  JOIN dormancy.customer_status s ON s.customer_id = r.customer_id
  LEFT JOIN dormancy.customer_outreach o ON o.customer_id = r.customer_id;
SELECT * FROM day_agreement;
SELECT * FROM agreement WHERE list <> 'snapshot_call_list' ORDER BY list;
SET dormancy.as_of = '2026-09-30';
SELECT * FROM day_agreement;
SELECT * FROM agreement WHERE list <> 'snapshot_call_list' ORDER BY list;
SET dormancy.as_of = '2026-09-26';
SELECT * FROM day_agreement;
SELECT * FROM agreement WHERE list <> 'snapshot_call_list' ORDER BY list;
-- the snapshot, refreshed on 1 October: its day and its call list
SET dormancy.as_of = '2026-10-01';
CALL dormancy.refresh();
SELECT count(*) AS snapshot_customers,
	   count(*) FILTER (WHERE s.opted_out_on IS DISTINCT FROM r.opted_out_on) AS snapshot_disagree
  FROM reference r JOIN dormancy.status_snapshot s ON s.customer_key = r.customer_id::text;
SELECT * FROM agreement ORDER BY list;
-- a campaign started now: the call list, none opted out
SELECT customers FROM dormancy.start_campaign('after', control_share => 0);
SELECT count(*) AS members,
	   count(*) FILTER (WHERE r.opted_out_on IS NOT NULL) AS opted_out,
	   count(*) FILTER (WHERE l.customer_id IS NULL) AS not_on_call_list
  FROM dormancy.campaign_members m
  JOIN dormancy.campaigns c ON c.campaign_id = m.campaign_id AND c.name = 'after'
  JOIN reference r ON r.customer_id::text = m.customer_id
  LEFT JOIN dormancy.call_list l ON l.customer_id::text = m.customer_id;
SELECT count(*) AS call_list,
	   count(*) FILTER (WHERE NOT EXISTS (SELECT FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
										   WHERE c.name = 'after' AND m.customer_id = l.customer_id::text)) AS not_members
  FROM dormancy.call_list l;
DROP VIEW day_agreement, agreement, reference;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA oor CASCADE;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_settings;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
RESET dormancy.time_zone;
