-- Win-back campaigns (issue 15): start_campaign() freezes the call list,
-- its strata (state x likely reason x score band) and a reproducible
-- control share of each; checked against the call list itself, a second
-- computation of the documented assignment, and a simulation over seeds
-- (every member a control with probability share, small strata too); the
-- filter (one expression, the caller's privileges, injection attempts),
-- the empty list, duplicate names; campaign_list for the reps.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.campaigns;

-- nothing bound: an empty call list starts nothing
SELECT dormancy.rebind();
SELECT dormancy.start_campaign('too early');
SELECT count(*) AS campaigns FROM dormancy.campaigns;

-- 200 accounts: repeat buyers stopping at different times, one-time buyers
-- (every 5th), lost deals (every 7th: competitor, price or features) and
-- postponed deals (every 11th)
CREATE SCHEMA cp;
CREATE TABLE cp.accounts (id integer PRIMARY KEY, name text, owner text);
CREATE TABLE cp.sales (account integer, day date, total numeric);
CREATE TABLE cp.deals (account integer, closed date, outcome text, reason text);
CREATE TABLE cp.contacts (account integer, tel text, mail text, person text, updated date);
INSERT INTO cp.accounts SELECT i, 'account ' || i, 'rep ' || (i % 3) FROM generate_series(1, 200) i;
INSERT INTO cp.sales
SELECT i, d::date, 50 + (i % 17) * 30
  FROM generate_series(1, 200) i,
	   generate_series('2023-01-01'::date + (i % 300), '2026-11-01'::date - (i * 7 % 700), ((20 + i % 40) || ' days')::interval) d
 WHERE i % 5 <> 0 OR d::date = '2023-01-01'::date + (i % 300);
INSERT INTO cp.deals SELECT i, '2026-10-01'::date - i, CASE WHEN i % 7 = 0 THEN 'lost' ELSE 'postponed' END,
	   CASE WHEN i % 7 = 0 THEN (ARRAY['competitor', 'price', 'features'])[1 + i % 3] END
  FROM generate_series(1, 200) i WHERE i % 7 = 0 OR i % 11 = 0;
-- every account has a mail address of 2025 (the approach channel needs one)
INSERT INTO cp.contacts SELECT i, NULL, 'a' || i || '@example.jp', NULL, '2025-01-01' FROM generate_series(1, 200) i;
SELECT dormancy.bind_customers('cp.accounts', id => 'id', name => 'name', owner => 'owner');
SELECT dormancy.bind_orders('cp.sales', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT dormancy.bind_deals('cp.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_contacts('cp.contacts', customer => 'account', phone => 'tel', email => 'mail', person => 'person',
							  updated_at => 'updated');
CREATE TABLE cp.list_then AS SELECT * FROM dormancy.call_list;
SELECT count(*) AS on_call_list, count(DISTINCT (state, likely_reason, dormancy.score_band(priority_score, '{25,50,75}'))) AS strata
  FROM cp.list_then;

--
-- The whole call list, the default share (10%) and seed (from the name)
--
SELECT name, as_of, filter, control_share, reactivation_days, score_bands, customers, controls, started_by = current_user AS by_me
  FROM dormancy.start_campaign('december win-back');
-- the members are the call list, frozen as it was
SELECT (SELECT count(*) FROM dormancy.campaign_members) AS members,
	   NOT EXISTS (SELECT customer_id::text, state, likely_reason, approach_channel, message_theme, priority_score,
						  priority_rank, call_order, value_tier, p_alive FROM cp.list_then
				   EXCEPT
				   SELECT customer_id, state, likely_reason, channel, theme, priority_score, priority_rank,
						  call_order, value_tier, p_alive FROM dormancy.campaign_members) AS all_of_the_list,
	   NOT EXISTS (SELECT m.customer_id FROM dormancy.campaign_members m
				   EXCEPT SELECT customer_id::text FROM cp.list_then) AS nothing_else;
-- the expected value is customer_status's
SELECT count(*) FILTER (WHERE m.expected_value IS NOT DISTINCT FROM s.expected_value) AS same_expected_value, count(*)
  FROM dormancy.campaign_members m JOIN dormancy.customer_status s ON s.customer_id::text = m.customer_id;
-- the strata: state | likely reason | score band (a second computation of the bands)
SELECT count(*) FILTER (WHERE m.stratum = l.state || '|' || l.likely_reason || '|' ||
							CASE WHEN l.priority_score < 25 THEN '0-25' WHEN l.priority_score < 50 THEN '25-50'
								 WHEN l.priority_score < 75 THEN '50-75' ELSE '75-100' END) AS stratum_right,
	   count(*)
  FROM dormancy.campaign_members m JOIN cp.list_then l ON l.customer_id::text = m.customer_id;
-- per stratum floor(0.1 n) or one more; in all about 10%
SELECT count(*) AS strata,
	   count(*) FILTER (WHERE controls IN (floor(0.1 * n), floor(0.1 * n) + 1)) AS floor_or_one_more,
	   count(*) FILTER (WHERE controls = floor(0.1 * n) + 1 AND 0.1 * n = floor(0.1 * n)) AS more_than_exact,
	   sum(controls) AS controls, sum(n) AS members
  FROM (SELECT stratum, count(*) AS n, count(*) FILTER (WHERE is_control) AS controls
		  FROM dormancy.campaign_members GROUP BY stratum) s;
-- the controls of a stratum are its members with the smallest md5(seed:id),
-- recomputed from the documented rule
SELECT count(*) AS wrong_controls
  FROM (SELECT m.is_control,
			   rank() OVER (PARTITION BY m.stratum ORDER BY substr(md5(c.seed || ':' || m.customer_id), 1, 15) COLLATE "C", m.customer_id) AS k,
			   count(*) FILTER (WHERE m.is_control) OVER (PARTITION BY m.stratum) AS controls
		  FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)) x
 WHERE x.is_control <> (x.k <= x.controls);
-- the seed from the name: the same in another database, reproducible
SELECT seed = ('x' || substr(md5('december win-back'), 1, 15))::bit(60)::bigint AS seed_from_name
  FROM dormancy.campaigns WHERE name = 'december win-back';

--
-- Reproducible: the same seed gives the same controls, another seed others
--
SELECT customers, controls FROM dormancy.start_campaign('same seed', seed => (SELECT seed FROM dormancy.campaigns WHERE name = 'december win-back'));
SELECT customers, controls FROM dormancy.start_campaign('other seed', seed => 42);
-- the customers are evaluated once: start_campaign() calls the per-customer
-- evaluation as often as one read of the call list does (the expected value
-- comes with the list; it read customer_status a second time for it before)
BEGIN;
SET LOCAL track_functions = 'all';
SELECT count(*) > 0 AS listed FROM dormancy.call_list;
SELECT calls AS list_calls FROM pg_stat_xact_user_functions WHERE schemaname = 'dormancy' AND funcname = '_customer_facts' \gset
SELECT customers > 0 AS started FROM dormancy.start_campaign('counted');
SELECT :list_calls > 0 AS evaluated, calls - :list_calls = :list_calls AS one_evaluation
  FROM pg_stat_xact_user_functions WHERE schemaname = 'dormancy' AND funcname = '_customer_facts';
ROLLBACK;
SELECT (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.campaign_members JOIN dormancy.campaigns USING (campaign_id)
		 WHERE name = 'december win-back' AND is_control)
	 = (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.campaign_members JOIN dormancy.campaigns USING (campaign_id)
		 WHERE name = 'same seed' AND is_control) AS same_controls,
	   (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.campaign_members JOIN dormancy.campaigns USING (campaign_id)
		 WHERE name = 'december win-back' AND is_control)
	 = (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.campaign_members JOIN dormancy.campaigns USING (campaign_id)
		 WHERE name = 'other seed' AND is_control) AS other_seed_same_controls;

--
-- Every member is a control with probability share: the assignment drawn
-- with 400 seeds over the strata of 'other seed' (stratum_controls and
-- seeded_uniform, as start_campaign draws it).  Overall and in the strata
-- of at most 4 members (where rounding share * n would give no control at
-- all) the share of controls is 0.1 within four standard errors; each
-- stratum's count stays floor(0.1 n) or one more.
--
CREATE TABLE cp.draws AS
SELECT d.seed, x.customer_id, x.stratum, x.n,
	   x.k <= dormancy.stratum_controls(x.n, 0.1, d.seed, x.stratum) AS is_control
  FROM generate_series(1, 400) AS d(seed)
 CROSS JOIN LATERAL (
	SELECT m.customer_id, m.stratum,
		   row_number() OVER (PARTITION BY m.stratum ORDER BY dormancy.seeded_uniform(d.seed, m.customer_id), m.customer_id) AS k,
		   count(*) OVER (PARTITION BY m.stratum) AS n
	  FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id) WHERE c.name = 'other seed') x;
SELECT small, count(*) AS draws,
	   abs(avg(is_control::integer) - 0.1) < 4 * sqrt(0.1 * 0.9 / count(*)) AS share_is_0_1
  FROM (SELECT *, n <= 4 AS small FROM cp.draws) d GROUP BY small ORDER BY small;
SELECT count(*) AS stratum_draws,
	   count(*) FILTER (WHERE controls IN (floor(0.1 * n), floor(0.1 * n) + 1)) AS floor_or_one_more
  FROM (SELECT seed, stratum, n, count(*) FILTER (WHERE is_control) AS controls FROM cp.draws GROUP BY 1, 2, 3) s;
-- the draws are uniform: ten bins of seeded_uniform over 100,000 keys hold
-- 10,000 each within four standard errors
SELECT count(*) AS bins, count(*) FILTER (WHERE abs(n - 10000) < 4 * sqrt(100000 * 0.1 * 0.9)) AS even
  FROM (SELECT floor(dormancy.seeded_uniform(7, i::text) * 10) AS bin, count(*) AS n
		  FROM generate_series(1, 100000) i GROUP BY 1) b;
-- control share 0: no control; the share's bounds
SELECT customers, controls FROM dormancy.start_campaign('no controls', control_share => 0);
SELECT dormancy.start_campaign('all controls', control_share => 1);
SELECT dormancy.start_campaign('negative', control_share => -0.1);
SELECT dormancy.start_campaign('nan', control_share => 'NaN');
-- the setting applies when no share is given
INSERT INTO dormancy.outreach_settings (control_share) VALUES (0.5);
SELECT control_share, customers, controls FROM dormancy.start_campaign('half');
DELETE FROM dormancy.outreach_settings;
INSERT INTO dormancy.outreach_settings (control_share) VALUES (1);
INSERT INTO dormancy.outreach_settings (score_bands) VALUES ('{50,25}');

--
-- The filter: one boolean expression over the columns of call_list
--
SELECT customers, controls FROM dormancy.start_campaign('dormant, 50 and up', $$state = 'dormant' AND priority_score >= 50$$);
SELECT (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.campaign_members JOIN dormancy.campaigns USING (campaign_id)
		 WHERE name = 'dormant, 50 and up')
	 = (SELECT array_agg(customer_id::text ORDER BY customer_id::text) FROM cp.list_then
		 WHERE state = 'dormant' AND priority_score >= 50) AS the_filtered_list;
SELECT customers FROM dormancy.start_campaign('lost to a competitor', $$likely_reason = 'lost_to_competitor' OR 'deal_lost' = ANY (reason_evidence)$$);
-- an empty list starts nothing
SELECT dormancy.start_campaign('nobody', 'false');
SELECT dormancy.start_campaign('nobody', $$state = 'never_purchased'$$);
-- bad filters, injection attempts: each refused, nothing written
CREATE TABLE cp.victim (x integer);
INSERT INTO cp.victim VALUES (1);
SELECT count(*) AS campaigns_before FROM dormancy.campaigns;
SELECT dormancy.start_campaign('bad 1', 'state =');
SELECT dormancy.start_campaign('bad 2', 'nope = 1');
SELECT dormancy.start_campaign('bad 3', 'priority_score');
SELECT dormancy.start_campaign('bad 4', 'true; DELETE FROM cp.victim');
SELECT dormancy.start_campaign('bad 5', $$true) UNION ALL (SELECT '1', 'x', 'x', 'x', 'x', 1, 1, 1, 'A', 1, 1$$);
SELECT dormancy.start_campaign('bad 6', $$true)) UNION ALL ((SELECT '1', 'x', 'x', 'x', 'x', 1, 1, 1, 'A', 1, 1$$);
SELECT dormancy.start_campaign('bad 7', 'true) --');
SELECT dormancy.start_campaign('bad 8', 'true /*');
SELECT dormancy.start_campaign('bad 9', $$(WITH d AS (DELETE FROM cp.victim RETURNING 1) SELECT true)$$);
SELECT dormancy.start_campaign('bad 10', 'count(*) > 0');
SELECT dormancy.start_campaign('bad 11', 'true GROUP BY 1');
SELECT dormancy.start_campaign('bad 12', '');
-- clauses that close a parenthesis and open another (a subquery in two
-- pairs, a clause after it in one): an ORDER BY and a LIMIT appended
SELECT dormancy.start_campaign('bad 13', $$SELECT true) ORDER BY (l.customer_id) DESC LIMIT (2$$);
SELECT count(*) AS campaigns_after, (SELECT count(*) FROM cp.victim) AS victim_rows FROM dormancy.campaigns;
-- names
SELECT dormancy.start_campaign('december win-back');
SELECT dormancy.start_campaign('  ');
SELECT dormancy.start_campaign(NULL);

--
-- Who may start campaigns: the owner, and whom the owner grants it; the
-- filter runs with the caller's privileges, never the owner's
--
SELECT has_function_privilege('dormancy_analyst', 'dormancy.start_campaign(text, text, double precision, bigint, text)', 'execute') AS analyst_starts,
	   has_table_privilege('dormancy_analyst', 'dormancy.campaigns', 'insert') AS analyst_writes,
	   has_table_privilege('dormancy_analyst', 'dormancy.campaign_list', 'select') AS analyst_reads_list,
	   (SELECT prosecdef FROM pg_proc WHERE oid = 'dormancy.start_campaign(text, text, double precision, bigint, text)'::regprocedure) AS security_definer;
CREATE ROLE cp_rep IN ROLE dormancy_analyst;
GRANT USAGE ON SCHEMA cp TO cp_rep;
GRANT SELECT ON cp.accounts, cp.sales, cp.deals, cp.contacts TO cp_rep;
SET ROLE cp_rep;
-- an analyst cannot start one
SELECT dormancy.start_campaign('by an analyst');
RESET ROLE;
GRANT EXECUTE ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) TO cp_rep;
GRANT INSERT, UPDATE ON dormancy.campaigns, dormancy.campaign_members TO cp_rep;
SET ROLE cp_rep;
-- the filter reads what the rep may read, nothing more
SELECT dormancy.start_campaign('rep peeks', '(SELECT count(*) FROM dormancy.bindings) > 0');
SELECT dormancy.start_campaign('rep peeks', '(SELECT count(*) FROM cp.victim) > 0');
SELECT customers > 0 AS started FROM dormancy.start_campaign('by a rep', $$owner = 'rep 1'$$);
RESET ROLE;
-- with row security on the customers, a rep sees the members of the
-- customers the rep sees (those of 'rep 1'), in the table and in the list
ALTER TABLE cp.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_accounts ON cp.accounts FOR SELECT TO cp_rep USING (owner = 'rep 1');
CREATE TABLE cp.rep1 AS
SELECT m.customer_id, m.is_control FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
  JOIN cp.accounts a ON a.id::text = m.customer_id
 WHERE c.name = 'december win-back' AND a.owner = 'rep 1';
GRANT SELECT ON cp.rep1 TO cp_rep;
SET ROLE cp_rep;
SELECT (SELECT count(*) FROM cp.rep1) AS of_rep_1,
	   (SELECT count(*) FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
		 WHERE c.name = 'december win-back') AS members_seen,
	   (SELECT count(*) FROM dormancy.campaign_list WHERE campaign_name = 'december win-back')
	 = (SELECT count(*) FROM cp.rep1 WHERE NOT is_control) AS list_is_rep_1s;
RESET ROLE;
DROP POLICY own_accounts ON cp.accounts;
ALTER TABLE cp.accounts DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON FUNCTION dormancy.start_campaign(text, text, double precision, bigint, text) FROM cp_rep;
REVOKE ALL ON dormancy.campaigns, dormancy.campaign_members FROM cp_rep;

--
-- campaign_list: the members to approach, with name, phone, e-mail and
-- person now, and the outreach since the start
--
SELECT count(*) = (SELECT customers - controls FROM dormancy.campaigns WHERE name = 'december win-back') AS all_to_approach,
	   count(*) FILTER (WHERE l.customer_id IN (SELECT customer_id FROM dormancy.campaign_members m
												 WHERE m.campaign_id = l.campaign_id AND m.is_control)) AS controls_listed,
	   min(call_order) AS first, max(call_order) = count(*) AS numbered
  FROM dormancy.campaign_list l WHERE campaign_name = 'december win-back';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT customer_id, '2026-11-01 10:00+00', U&'\96FB\8A71', U&'\4E0D\5728', campaign_id FROM dormancy.campaign_list
 WHERE campaign_name = 'december win-back' AND call_order <= 2;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT customer_id, '2026-11-01 11:00+00', U&'\96FB\8A71', U&'\5546\8AC7', campaign_id FROM dormancy.campaign_list
 WHERE campaign_name = 'december win-back' AND call_order = 1;
-- and a contact from before the start, which does not count
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome)
SELECT customer_id, '2026-01-01', 'phone', 'reached' FROM dormancy.campaign_list
 WHERE campaign_name = 'december win-back' AND call_order = 1;
SET dormancy.language = 'ja';
SELECT call_order, contacts, last_outcome, channel, channel_label
  FROM dormancy.campaign_list WHERE campaign_name = 'december win-back' AND call_order <= 3 ORDER BY call_order;
RESET dormancy.language;
-- the list counts the contacts up to the as-of day, by the day in
-- dormancy.time_zone, as campaign_outcomes and customer_outreach do: a call
-- at 23:30 on the as-of day in Tokyo counts, one at 00:10 the next day has
-- not happened yet as of that day (until 2026-12-07 the list counted it:
-- its contacts, last_contacted_at and last_outcome ran ahead of the
-- campaign's own count; a review found it, this test came first)
SET dormancy.time_zone = 'Asia/Tokyo';
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT l.customer_id, v.at::timestamptz, 'phone', v.outcome, l.campaign_id
  FROM dormancy.campaign_list l
 CROSS JOIN (VALUES ('2026-11-01 23:30+09', 'reached'), ('2026-11-02 00:10+09', 'meeting')) v(at, outcome)
 WHERE l.campaign_name = 'december win-back' AND l.call_order = 3;
SELECT l.call_order, l.contacts, l.last_contacted_at AT TIME ZONE 'Asia/Tokyo' AS last_contacted_jst, l.last_outcome,
	   o.contacts AS outcomes_contacts, o.first_contact_on,
	   co.contacts AS outreach_contacts, co.last_contacted_at = l.last_contacted_at AS same_last_contact
  FROM dormancy.campaign_list l
  JOIN dormancy.campaign_outcomes o ON o.campaign_id = l.campaign_id AND o.customer_id = l.customer_id
  JOIN dormancy.customer_outreach co ON co.customer_id::text = l.customer_id
 WHERE l.campaign_name = 'december win-back' AND l.call_order = 3;
-- as of the next day, the call at 00:10 counts in all three
SET dormancy.as_of = '2026-11-02';
SELECT l.call_order, l.contacts, l.last_contacted_at AT TIME ZONE 'Asia/Tokyo' AS last_contacted_jst, l.last_outcome,
	   o.contacts AS outcomes_contacts, co.contacts AS outreach_contacts
  FROM dormancy.campaign_list l
  JOIN dormancy.campaign_outcomes o ON o.campaign_id = l.campaign_id AND o.customer_id = l.customer_id
  JOIN dormancy.customer_outreach co ON co.customer_id::text = l.customer_id
 WHERE l.campaign_name = 'december win-back' AND l.call_order = 3;
SET dormancy.as_of = '2026-11-01';
RESET dormancy.time_zone;
-- the contacts as they are now: a usable one, the most recently updated first
INSERT INTO cp.contacts
SELECT l.customer_id::integer, v.tel, v.mail, v.person, v.updated::date
  FROM dormancy.campaign_list l
  JOIN (VALUES (1, '03-1234-5678', 'first@example.jp', U&'\5C71\7530', '2026-01-01'),
			   (1, '090-1234-5678', 'not an address', NULL, '2026-06-01'),
			   (2, 'unknown', 'second@example.jp', NULL, NULL)) v(n, tel, mail, person, updated) ON v.n = l.call_order
 WHERE l.campaign_name = 'december win-back';
SELECT call_order, name IS NOT NULL AS named, owner IS NOT NULL AS owned, phone, email, person
  FROM dormancy.campaign_list WHERE campaign_name = 'december win-back' AND call_order <= 3 ORDER BY call_order;
-- a campaign deleted takes its members; the log keeps its contacts, without the campaign
DELETE FROM dormancy.campaigns WHERE name = 'december win-back';
SELECT (SELECT count(*) FROM dormancy.campaign_members m WHERE NOT EXISTS (SELECT 1 FROM dormancy.campaigns c WHERE c.campaign_id = m.campaign_id)) AS orphans,
	   count(*) AS contacts, count(campaign_id) AS with_campaign FROM dormancy.outreach_log;
-- Triggers do that, not foreign keys (2026-12-07): a parallel restore loads
-- the members and the log before their campaign (pg_dump_roundtrip.sh).
-- None on the tables: the members' and the log's only foreign keys were those
SELECT count(*) AS foreign_keys FROM pg_constraint c, pg_extension e
 WHERE e.extname = 'dormancy' AND c.contype = 'f'
   AND (c.conrelid = ANY (e.extconfig) OR c.confrelid = ANY (e.extconfig));
-- a member and a contact of a campaign not loaded yet: accepted, in no
-- view; the contact counts as one without a campaign, source_issues names it
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum) VALUES (9101, '5', false, 'restored');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
VALUES ('5', '2026-11-01', 'phone', 'reached', 9101);
SELECT (SELECT count(*) FROM dormancy.campaign_list WHERE campaign_id = 9101) AS listed,
	   (SELECT count(*) FROM dormancy.campaign_outcomes WHERE campaign_id = 9101) AS outcomes;
SELECT issue, value, rows FROM dormancy.source_issues WHERE issue = 'outreach_campaign_not_found';
-- then the campaign: its member and contact are its own
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands, customers, controls)
VALUES (9101, 'restored', '2026-10-01', 0.1, 1, 90, '{25,50,75}', 1, 0);
SELECT campaign_id, customer_id, contacts FROM dormancy.campaign_list WHERE campaign_id = 9101;
SELECT count(*) AS issues FROM dormancy.source_issues WHERE issue = 'outreach_campaign_not_found';
-- its number cannot change while they name it (as under the foreign keys)
UPDATE dormancy.campaigns SET campaign_id = 9102 WHERE campaign_id = 9101;
SELECT campaign_id, name FROM dormancy.campaigns WHERE campaign_id > 9000;
-- TRUNCATE of the campaigns empties the members and unlinks the contacts
-- (alone, or with the members: no error, as the tests' clean-ups do)
TRUNCATE dormancy.campaigns;
SELECT (SELECT count(*) FROM dormancy.campaign_members) AS members,
	   count(*) AS contacts, count(campaign_id) AS with_campaign FROM dormancy.outreach_log;
-- the trigger function runs as those triggers only (and no role but the
-- owner may execute it, so none can attach it: privileges.sh)
CREATE TABLE cp.mine (campaign_id bigint);
CREATE TRIGGER mine AFTER DELETE ON cp.mine FOR EACH ROW EXECUTE FUNCTION dormancy._campaign_referrers();
INSERT INTO cp.mine VALUES (1);
DELETE FROM cp.mine;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA cp CASCADE;
REVOKE ALL ON SCHEMA dormancy FROM cp_rep;
DROP ROLE cp_rep;
-- emptied and analysed as installed (the plans of later tests count on an empty log)
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
ANALYZE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_settings;
