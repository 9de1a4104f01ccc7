-- The outreach (issue 15): the extension's own log and a bound CRM
-- activity table with Japanese wordings, mapped by outreach_channels,
-- outreach_themes, outreach_outcomes and deal_reasons; unmapped values in
-- unmatched_labels, bad rows in source_issues; the latest conversation's
-- outcome and declined reason as evidence of the likely reason (checked
-- against a plain-SQL reference); days in dormancy.time_zone near midnight;
-- what the analysts may do.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA ot;
CREATE TABLE ot.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE ot.sales (account integer, day date, total numeric);
INSERT INTO ot.accounts SELECT i, 'account ' || i FROM generate_series(1, 20) i;
-- everyone bought monthly from 2024-01-01 to 2025-10-01 (13 months silent: dormant, repeat)
INSERT INTO ot.sales
SELECT i, d::date, 100 FROM generate_series(1, 20) i, generate_series('2024-01-01'::date, '2025-10-01', '1 month') d;
SELECT dormancy.bind_customers('ot.accounts', id => 'id', name => 'name');
SELECT dormancy.bind_orders('ot.sales', customer => 'account', ordered_at => 'day', amount => 'total');

-- nothing logged: empty views of the full shape; the evidence as before
SELECT (SELECT count(*) FROM dormancy.src_outreach) AS outreach, (SELECT count(*) FROM dormancy.customer_outreach) AS per_customer;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'dormancy.src_outreach'::regclass AND attnum > 0 ORDER BY attnum;
SELECT likely_reason, evidence, count(*) FROM dormancy.customer_status GROUP BY 1, 2 ORDER BY 1, 2;

--
-- The extension's log, with the reps' wordings
--
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, theme, outcome, declined_reason, rep) VALUES
	-- 1: reached, then declined: went to a competitor (Japanese wordings)
	('1', '2026-10-01 10:00+09', U&'\96FB\8A71', U&'\5C0E\5165\4E8B\4F8B', U&'\63A5\7D9A', NULL, 'sato'),
	('1', '2026-10-15 10:00+09', U&'\96FB\8A71', U&'\5C0E\5165\4E8B\4F8B', U&'\65AD\308A', U&'\7AF6\5408\4ED6\793E\306B\6C7A\5B9A', 'sato'),
	-- 2: declined on price (English, odd case and blanks)
	(' 2', '2026-10-02 09:00+09', '  Phone Call ', 'Discount', 'DECLINED', 'price too high', 'suzuki'),
	-- 3: declined for budget, later interested: the latest conversation decides
	('3', '2026-09-01 09:00+09', U&'\30E1\30FC\30EB', NULL, U&'\8F9E\9000', U&'\4E88\7B97\304C\306A\3044', 'sato'),
	('3', '2026-10-20 09:00+09', U&'\8A2A\554F', U&'\65B0\5546\54C1', U&'\8208\5473\3042\308A', NULL, 'sato'),
	-- 4: declined (timing), then not reached: an attempt is no conversation
	('4', '2026-09-10 09:00+09', 'DM', NULL, U&'\304A\65AD\308A', 'lost - timing', 'tanaka'),
	('4', '2026-10-25 09:00+09', U&'\96FB\8A71', NULL, U&'\4E0D\5728', NULL, 'tanaka'),
	-- 5: declined on features, after as_of: not yet
	('5', '2026-11-02 09:00+09', U&'\96FB\8A71', NULL, 'declined', 'feature gap', 'tanaka'),
	-- 6: declined with a reason nobody mapped: other, no rule
	('6', '2026-10-03 09:00+09', U&'\96FB\8A71', NULL, 'declined', U&'\793E\9577\306E\610F\5411', 'ito'),
	-- 7: declined, no reason given
	('7', '2026-10-04 09:00+09', U&'\96FB\8A71', NULL, U&'\65AD\308A', '', 'ito'),
	-- 8: declined: circumstances; 9: budget; 10: order
	('8', '2026-10-05 09:00+09', 'visit', 'check-in', 'declined', U&'\7D44\7E54\5909\66F4', 'ito'),
	('9', '2026-10-06 09:00+09', 'step mail', 'Usage Guide', 'refused', 'over budget', 'ito'),
	('10', '2026-10-07 09:00+09', U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB', U&'\5272\5F15', U&'\53D7\6CE8', NULL, 'ito'),
	-- unmapped wordings, an unknown customer, ids that cannot be integers
	('11', '2026-10-08 09:00+09', 'fax', 'misc', U&'\4FDD\7559\4E2D', NULL, 'ito'),
	('999', '2026-10-09 09:00+09', 'phone', NULL, 'reached', NULL, 'ito'),
	('abc', '2026-10-09 09:00+09', 'phone', NULL, 'reached', NULL, 'ito'),
	('99999999999', '2026-10-09 09:00+09', 'phone', NULL, 'reached', NULL, 'ito');

SELECT source_customer_id, customer_id, contacted_on, channel, theme, outcome, declined_reason, rep
  FROM dormancy.src_outreach ORDER BY outreach_id;
SELECT customer_id, contacts, conversations, last_channel, last_theme, last_outcome_on, last_outcome, last_declined_reason
  FROM dormancy.customer_outreach ORDER BY customer_id;
-- the latest conversation, from a plain query of the log: the same
WITH ref AS (
	SELECT DISTINCT ON (btrim(l.customer_id)) btrim(l.customer_id)::integer AS customer_id, o.outcome,
		   CASE WHEN o.outcome = 'declined' AND dormancy.label_key(l.declined_reason) <> ''
				THEN coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.outreach_log l
	  JOIN dormancy.outreach_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(l.outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(l.declined_reason)
	 WHERE o.outcome <> 'not_reached' AND btrim(l.customer_id) IN (SELECT a.id::text FROM ot.accounts a)
	   AND (l.contacted_at AT TIME ZONE 'UTC')::date <= '2026-11-01'
	 ORDER BY btrim(l.customer_id), l.contacted_at DESC, l.outreach_id DESC
)
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE c.last_outcome IS NOT DISTINCT FROM ref.outcome
						AND c.last_declined_reason IS NOT DISTINCT FROM ref.reason) AS same
  FROM ref FULL JOIN (SELECT * FROM dormancy.customer_outreach WHERE last_outcome IS NOT NULL) c USING (customer_id);

-- the evidence and the likely reason: the outreach rules first
SELECT customer_id, likely_reason,
	   array(SELECT e FROM unnest(evidence) e WHERE e LIKE 'outreach%') AS outreach_evidence, reason_evidence
  FROM dormancy.customer_status WHERE customer_id <= 11 ORDER BY customer_id;
SELECT rule_order, evidence, reason FROM dormancy.reason_rules WHERE rule_order < 10 ORDER BY rule_order;
-- a rule of one's own on the outreach: interested customers are approached anew
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason, note)
VALUES (7, '{outreach_interested}', 'forgot', 'interested on the last contact');
SELECT customer_id, likely_reason FROM dormancy.customer_status WHERE customer_id = 3;
DELETE FROM dormancy.reason_rules WHERE rule_order = 7;

-- what matched nothing, and the rows that cannot be used
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels WHERE vocabulary LIKE 'outreach%' ORDER BY 1, 2;
SELECT issue, customer_id, value, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY 1, 2, 3;
-- a mapping added shows in the next query
INSERT INTO dormancy.outreach_channels (source_channel, channel) VALUES ('FAX', 'direct_mail');
SELECT channel FROM dormancy.src_outreach WHERE source_channel = 'fax';
SELECT count(*) AS still_unmatched FROM dormancy.unmatched_labels WHERE vocabulary = 'outreach_channel';
-- a blank customer id is refused
\set VERBOSITY terse
INSERT INTO dormancy.outreach_log (customer_id, channel) VALUES ('  ', 'phone');
\set VERBOSITY default
-- a campaign id that is no campaign is taken (no foreign key since
-- 2026-12-07: a parallel restore loads the log before the campaigns,
-- docs/outreach.md), counted as no campaign; source_issues names it
INSERT INTO dormancy.outreach_log (customer_id, channel, campaign_id) VALUES ('1', 'phone', 12345);
SELECT issue, value, rows FROM dormancy.source_issues WHERE issue = 'outreach_campaign_not_found';
-- as the customer's latest contact: a contact without a campaign (the
-- campaign id was shown until a review found it)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, campaign_id) VALUES ('1', '2026-10-31 09:00+09', 'visit', 12345);
SELECT customer_id, last_channel, last_campaign_id FROM dormancy.customer_outreach WHERE customer_id = '1';
DELETE FROM dormancy.outreach_log WHERE campaign_id = 12345;

--
-- Days in dormancy.time_zone: a call at 00:30 in Tokyo on 1 November is on
-- 1 November there (counts for as_of 2026-11-01), on 31 October in UTC
--
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason)
VALUES ('12', '2026-11-01 00:30+09', 'phone', 'declined', 'price'),
	   ('13', '2026-11-02 00:30+09', 'phone', 'declined', 'price');
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT customer_id, contacted_on FROM dormancy.src_outreach WHERE customer_id IN (12, 13) ORDER BY 1;
SELECT customer_id, last_outcome FROM dormancy.customer_outreach WHERE customer_id IN (12, 13) ORDER BY 1;
SET dormancy.time_zone = 'UTC';
SELECT customer_id, contacted_on FROM dormancy.src_outreach WHERE customer_id IN (12, 13) ORDER BY 1;
SELECT customer_id, last_outcome FROM dormancy.customer_outreach WHERE customer_id IN (12, 13) ORDER BY 1;
RESET dormancy.time_zone;

--
-- A CRM's activity table, bound: local times without a zone, Japanese
-- wordings, a campaign column
--
CREATE TABLE ot.activities (account integer, at timestamp, kind text, theme text, result text, reason text,
							staff text, campaign bigint, memo text, day date);
INSERT INTO ot.activities VALUES
	(14, '2026-10-10 18:00', U&'\67B6\96FB', U&'\30A2\30F3\30B1\30FC\30C8', U&'\5546\8AC7', NULL, U&'\4F50\85E4', NULL, NULL, '2026-10-10'),
	(15, '2026-10-11 09:00', U&'\FF24\FF2D', NULL, U&'\898B\7A4D\63D0\51FA', NULL, U&'\4F50\85E4', NULL, NULL, '2026-10-11'),
	(16, '2026-10-12 09:00', U&'\8A2A\554F', NULL, U&'\8F9E\9000', U&'\4ED6\793E\63A1\7528', U&'\9234\6728', NULL, NULL, '2026-10-12'),
	(NULL, '2026-10-12 09:00', U&'\8A2A\554F', NULL, U&'\8F9E\9000', NULL, U&'\9234\6728', NULL, NULL, '2026-10-12'),
	(17, NULL, U&'\96FB\8A71', NULL, U&'\4E0D\5728', NULL, U&'\9234\6728', NULL, NULL, NULL);
-- errors leave the binding as it was
SELECT dormancy.bind_outreach('ot.activities', customer => 'account', contacted_at => 'kind');
SELECT dormancy.bind_outreach('ot.activities', customer => 'account', contacted_at => 'at', channel => 'type');
SELECT dormancy.bind_outreach('ot.activities', customer => 'account', contacted_at => 'at', campaign => 'memo');
SELECT dormancy.bind_outreach('ot.activities', customer => 'name', contacted_at => 'at');
SELECT count(*) AS outreach_bindings FROM dormancy.bindings WHERE source = 'outreach';
SELECT dormancy.bind_outreach('ot.activities', customer => 'account', contacted_at => 'at', channel => 'kind',
							  theme => 'theme', outcome => 'result', reason => 'reason', rep => 'staff',
							  campaign => 'campaign');
-- the log is no longer read; 18:00 in Tokyo is 09:00 UTC
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT customer_id, contacted_at, contacted_on, channel, theme, outcome, declined_reason, rep
  FROM dormancy.src_outreach ORDER BY contacted_at, customer_id;
RESET dormancy.time_zone;
SELECT customer_id, likely_reason, array(SELECT e FROM unnest(evidence) e WHERE e LIKE 'outreach%') AS outreach_evidence
  FROM dormancy.customer_status WHERE customer_id IN (1, 14, 15, 16) ORDER BY customer_id;
SELECT issue, customer_id, value, rows FROM dormancy.source_issues WHERE source = 'outreach' ORDER BY 1, 2, 3;
-- a date column binds too (the day itself)
SELECT dormancy.bind_outreach('ot.activities', customer => 'account', contacted_at => 'day', outcome => 'result');
SELECT customer_id, contacted_at, contacted_on, outcome FROM dormancy.src_outreach WHERE customer_id = 14;
-- a bound column that goes away: the binding is broken, the views read the log again
ALTER TABLE ot.activities RENAME COLUMN day TO day_done;
SELECT dormancy.rebind();
SELECT count(*) > 0 AS log_read_again FROM dormancy.src_outreach WHERE outreach_id IS NOT NULL;
SELECT dormancy.unbind('outreach');
SELECT count(*) AS outreach_bindings FROM dormancy.bindings WHERE source = 'outreach';

--
-- Who may do what: analysts read the outreach, the log and the mappings,
-- and write nothing; only the owner binds
--
SELECT has_function_privilege('dormancy_analyst', 'dormancy.bind_outreach(regclass, name, name, name, name, name, name, name, name)', 'execute') AS analyst_binds,
	   has_table_privilege('dormancy_analyst', 'dormancy.outreach_log', 'select') AS analyst_reads_log,
	   has_table_privilege('dormancy_analyst', 'dormancy.outreach_log', 'insert') AS analyst_writes_log,
	   has_table_privilege('dormancy_analyst', 'dormancy.outreach_channels', 'insert') AS analyst_maps,
	   has_table_privilege('dormancy_analyst', 'dormancy.src_outreach', 'select') AS analyst_reads_adapter,
	   has_table_privilege('dormancy_analyst', 'dormancy.customer_outreach', 'select') AS analyst_reads_view;
CREATE ROLE ot_analyst IN ROLE dormancy_analyst;
GRANT USAGE ON SCHEMA ot TO ot_analyst;
GRANT SELECT ON ot.accounts, ot.sales TO ot_analyst;
SET ROLE ot_analyst;
SELECT count(*) AS contacts FROM dormancy.customer_outreach;
INSERT INTO dormancy.outreach_log (customer_id, outcome) VALUES ('1', 'order');
RESET ROLE;
-- with row security on the customers, an analyst sees the contacts of the
-- customers the analyst sees, in the log itself and in the views
ALTER TABLE ot.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY first_five ON ot.accounts FOR SELECT TO ot_analyst USING (id <= 5);
SET ROLE ot_analyst;
SELECT array_agg(customer_id ORDER BY outreach_id) AS log_rows FROM dormancy.outreach_log;
SELECT array_agg(customer_id ORDER BY customer_id) AS customers FROM dormancy.customer_outreach;
RESET ROLE;
SELECT count(*) AS owner_sees FROM dormancy.outreach_log;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ot CASCADE;
REVOKE ALL ON SCHEMA dormancy FROM ot_analyst;
DROP ROLE ot_analyst;
-- emptied and analysed as installed (the plans of later tests count on an empty log)
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
ANALYZE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_channels WHERE NOT installed;
SELECT count(*) AS channels, count(*) FILTER (WHERE installed) AS installed FROM dormancy.outreach_channels;
