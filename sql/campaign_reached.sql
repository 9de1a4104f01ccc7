-- campaign_outcomes.reached: the member had at least one conversation among
-- the contacts that count for the campaign (campaign_outcomes.contacts), by
-- the rule of customer_outreach.conversations (docs/outreach.md, "What the
-- outreach tells about a customer"; docs/campaign_effect.md): an outcome
-- other than not_reached, not a message delivered without an answer
-- (delivered: 配信済, 未開封, ..., by any channel) and not a direct or step
-- mailing the customer did not answer (no outcome, not_reached or reached).
-- Until 2026-12-07 any outcome but not_reached was reached: a campaign of
-- DMs marked 配信済 reported every member reached.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;

-- sixteen customers buying monthly from 2024-01 to 2025-03, then silent
CREATE SCHEMA cr;
CREATE TABLE cr.customers (id integer PRIMARY KEY, name text);
CREATE TABLE cr.orders (customer integer, at timestamptz, amount numeric);
INSERT INTO cr.customers SELECT g, 'customer ' || g FROM generate_series(1, 16) g;
INSERT INTO cr.orders SELECT c.id, timestamptz '2024-01-10 03:00+00' + (m || ' months')::interval, 1000
  FROM cr.customers c CROSS JOIN generate_series(0, 14) m;
SELECT dormancy.bind_customers('cr.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('cr.orders', 'customer', 'at', 'amount') IS NULL AS bound;
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
SELECT customers, controls FROM dormancy.start_campaign('R', control_share => 0.0);
SELECT campaign_id AS r_id FROM dormancy.campaigns WHERE name = 'R' \gset

-- one kind of contact per member, logged for the campaign on 2026-10-05
-- (member 10: a DM delivered, then a call; member 14: no contact; member
-- 16: a call reached before the start, which is no contact of it, then a
-- DM delivered)
CREATE TABLE cr.contacts (member integer, at timestamptz, channel text, outcome text, what text);
INSERT INTO cr.contacts VALUES
	(1, '2026-10-05 10:00+09', '電話', '接続', 'a call reached'),
	(2, '2026-10-05 10:00+09', '電話', '不在', 'a call not reached'),
	(3, '2026-10-05 10:00+09', 'ダイレクトメール', '配信済', 'a DM delivered (配信済)'),
	(4, '2026-10-05 10:00+09', 'ハガキ', '未開封', 'a DM unopened (未開封)'),
	(5, '2026-10-05 10:00+09', 'メルマガ', 'delivered', 'a newsletter delivered'),
	(6, '2026-10-05 10:00+09', 'dm', NULL, 'a DM without an outcome'),
	(7, '2026-10-05 10:00+09', 'dm', 'reached', 'a DM reached'),
	(8, '2026-10-05 10:00+09', '電話', 'お断り', 'a call declined'),
	(9, '2026-10-05 10:00+09', '電話', '返信あり', 'a call with an unmapped outcome'),
	(10, '2026-10-04 10:00+09', 'dm', '配信済', 'a DM delivered, then a call interested'),
	(10, '2026-10-05 10:00+09', '電話', '興味あり', NULL),
	(11, '2026-10-05 10:00+09', 'dm', '資料送付', 'a DM answered (interested)'),
	(12, '2026-10-05 10:00+09', 'ステップメール', '不達', 'a step mail returned'),
	(13, '2026-10-05 10:00+09', 'email', 'reached', 'an e-mail reached'),
	(15, '2026-10-05 10:00+09', 'dm', '  ', 'a DM with a blank outcome'),
	(16, '2026-09-20 10:00+09', '電話', '接続', 'a call reached before the start, then a DM delivered'),
	(16, '2026-10-05 10:00+09', 'dm', '配信済', NULL);
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT member::text, at, channel, outcome, :r_id FROM cr.contacts;
SET dormancy.as_of = '2026-11-01';

-- the reference, written from the docs: the contacts of the campaign from
-- its start day to the as-of day, their wordings mapped by the mapping
-- tables; a conversation has an outcome, neither not_reached nor delivered,
-- and is not a direct or step mailing reached
CREATE VIEW cr.reference AS
SELECT m.customer_id,
	   coalesce(bool_or(c.outcome IS NOT NULL AND c.outcome NOT IN ('not_reached', 'delivered')
						AND NOT (c.outcome = 'reached' AND coalesce(c.channel IN ('direct_mail', 'step_mail'), false))),
				false) AS reached
  FROM dormancy.campaign_members m
  LEFT JOIN (SELECT l.customer_id, ch.channel, oc.outcome
			   FROM dormancy.outreach_log l
			   LEFT JOIN dormancy.outreach_channels ch ON dormancy.label_key(ch.source_channel) = dormancy.label_key(l.channel)
			   LEFT JOIN dormancy.outreach_outcomes oc ON dormancy.label_key(oc.source_outcome) = dormancy.label_key(l.outcome)
			  WHERE l.campaign_id = :r_id
				AND l.contacted_at >= '2026-10-01 00:00+09' AND l.contacted_at < '2026-11-02 00:00+09') c
	ON c.customer_id = m.customer_id
 WHERE m.campaign_id = :r_id
 GROUP BY m.customer_id;

SELECT o.customer_id, (SELECT string_agg(k.what, '; ') FROM cr.contacts k WHERE k.member::text = o.customer_id) AS contact,
	   o.contacted, o.contacts, o.reached, r.reached AS reference
  FROM dormancy.campaign_outcomes o JOIN cr.reference r USING (customer_id)
 ORDER BY o.customer_id::integer;
-- no member differs from the reference
SELECT count(*) AS members, count(*) FILTER (WHERE o.reached IS DISTINCT FROM r.reached) AS differ
  FROM dormancy.campaign_outcomes o JOIN cr.reference r USING (customer_id);
-- the same rule as customer_outreach.conversations: for the members whose
-- every contact counts for the campaign (all but 16), reached is a
-- conversation there
SELECT count(*) AS members, count(*) FILTER (WHERE o.reached IS DISTINCT FROM coalesce(co.conversations > 0, false)) AS differ
  FROM dormancy.campaign_outcomes o
  LEFT JOIN dormancy.customer_outreach co ON co.customer_id::text = o.customer_id
 WHERE o.customer_id <> '16';

-- the rule is inlined into both views (no call per contact): their plans
-- hold its expression, not the functions
CREATE FUNCTION cr.verbose_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
		RETURN NEXT line;
	END LOOP;
END $$;
SELECT v.view_name,
	   count(*) FILTER (WHERE p ~ 'dormancy\._(conversation|unanswered)\(') AS calls,
	   count(*) FILTER (WHERE p ~ '''delivered''') > 0 AS rule_inlined
  FROM (VALUES ('customer_outreach'), ('campaign_outcomes')) v(view_name)
 CROSS JOIN LATERAL cr.verbose_plan('SELECT * FROM dormancy.' || v.view_name) p
 GROUP BY v.view_name ORDER BY 1;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA cr CASCADE;
DELETE FROM dormancy.score_weights;
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
RESET dormancy.time_zone;
RESET dormancy.as_of;
