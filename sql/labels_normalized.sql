-- Label keys and aliases: labels in the user's data are compared with the
-- keys of the rules and mappings by label_key (NFKC, case, white space
-- including U+3000), industries and company sizes go through the alias
-- tables, the installed Japanese and English wordings map, and
-- unmatched_labels lists what maps to nothing.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never

-- the key: NFKC (full-width ASCII, half-width katakana, U+3000), case, blanks
SELECT x AS label, dormancy.label_key(x) AS key
  FROM unnest(ARRAY['ＩＴサービス', 'ITｻｰﾋﾞｽ', '消耗品　', '　失注　', E'  Closed \t Won ',
					'ＥＣ', '中堅　企業', '', '　']) WITH ORDINALITY AS t(x, n)
 ORDER BY n;
SELECT dormancy.label_key(NULL) IS NULL AS strict;
SELECT dormancy.label_key('ＩＴサービス') = dormancy.label_key('ITｻｰﾋﾞｽ') AS same,
	   dormancy.label_key('消耗品　') = '消耗品' AS trimmed;

CREATE SCHEMA ln;
CREATE TABLE ln.accounts (id integer PRIMARY KEY, name text, sector text, size text);
CREATE TABLE ln.lines (account integer, day date, total numeric, category text);
CREATE TABLE ln.events (account integer, at timestamptz, kind text);
CREATE TABLE ln.deals (account integer, closed date, outcome text, reason text);
INSERT INTO ln.accounts VALUES
	(1, 'full-width IT', 'ＩＴサービス', '大企業'),
	(2, 'half-width IT', 'ITｻｰﾋﾞｽ', '中堅'),
	(3, 'consumables, trailing U+3000', '消耗品　', '中小'),
	(4, 'manufacturer', '製造業', '大企業'),
	(5, 'web shop', 'ネット通販', '中小'),
	(6, 'retailer', '小売', NULL),
	(7, 'unknown words', 'よくわからない業種', 'huge'),
	(8, 'English CRM words', 'Software', 'Mid-Market');
-- 1, 2, 8: monthly 10,000 up to 2026-03-01; 3: the same in category 消耗品
INSERT INTO ln.lines SELECT c, d, 10000, NULL FROM generate_series('2024-03-01'::date, '2026-03-01', '1 month') d, (VALUES (1), (2), (8)) v(c);
INSERT INTO ln.lines SELECT 3, d, 10000, '消耗品' FROM generate_series('2024-03-01'::date, '2026-03-01', '1 month') d;
-- 4: 2,000,000 a quarter up to 2025-06-01 (a high-value manufacturer)
INSERT INTO ln.lines SELECT 4, d, 2000000, NULL FROM generate_series('2023-03-01'::date, '2025-06-01', '3 months') d;
-- 5, 6: small monthly orders up to 2026-06-01
INSERT INTO ln.lines SELECT c, d, 80, NULL FROM generate_series('2025-06-01'::date, '2026-06-01', '1 month') d, (VALUES (5), (6)) v(c);
INSERT INTO ln.lines SELECT 7, d, 500, NULL FROM generate_series('2025-01-01'::date, '2025-07-01', '2 months') d;
INSERT INTO ln.events VALUES
	(1, '2026-10-28 09:00+00', 'お問い合わせ'), (2, '2026-10-20 09:00+00', 'セミナー参加'),
	(3, '2026-10-20 09:00+00', 'ｳｪﾋﾞﾅｰ参加'), (8, '2026-10-20 09:00+00', 'Seminar');
INSERT INTO ln.deals VALUES
	(1, '2026-09-01', '失注　', '競合他社に決定'), (2, '2026-09-01', '失注（価格）', '価格面で折り合わず'),
	(3, '2026-09-01', 'Closed Lost', '予算オーバー'), (8, '2026-09-01', 'closedlost', 'Lost - Price');
SELECT dormancy.bind_customers('ln.accounts', id => 'id', name => 'name', industry => 'sector', company_size => 'size');
SELECT dormancy.bind_orders('ln.lines', customer => 'account', ordered_at => 'day', amount => 'total', category => 'category');
SELECT dormancy.bind_events('ln.events', customer => 'account', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('ln.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome', lost_reason => 'reason');

-- price changes: a wording of price_change_kinds is stored as its code; the
-- category matches the orders' by label_key
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note)
VALUES ('2026-04-01', '消耗品　', 10, '値上げ', 'ink +10%');
SELECT changed_at, category, kind FROM dormancy.price_changes ORDER BY changed_at;
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('2026-05-01', 'ﾘﾆｭｰｱﾙ');
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('2026-05-02', 'Price Hike ');
SELECT changed_at, kind FROM dormancy.price_changes ORDER BY changed_at;
DELETE FROM dormancy.price_changes WHERE changed_at > '2026-04-01';
-- a wording nobody mapped is refused by the CHECK
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('2026-05-01', '値下げ');

-- each customer's rule (by its segment), state and channel: the Japanese
-- and English wordings reach the installed rules and approach rules
SELECT cs.customer_id, cs.industry, cs.company_size, r.industry AS rule_industry,
	   r.company_size AS rule_size, cs.state, cs.approach_channel,
	   cs.lapsed_after_price_increase
  FROM dormancy.customer_status cs
  LEFT JOIN dormancy.rules r USING (rule_id)
 ORDER BY cs.customer_id;

-- events and deals
SELECT customer_id, events_in_window, web_visits, other_events
  FROM dormancy.customer_engagement ORDER BY customer_id;
SELECT customer_id, last_deal_outcome, last_deal_reason
  FROM dormancy.customer_deals ORDER BY customer_id;
SELECT source, issue, value, rows FROM dormancy.source_issues ORDER BY source, issue, value;

-- what matched nothing: only customer 7's words
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY vocabulary, label;

-- a deleted alias: its label falls through, and is listed; rule and channel
-- go back to the catch-all
DELETE FROM dormancy.industries WHERE source_industry = '製造業';
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY vocabulary, label;
SELECT cs.customer_id, r.industry AS rule_industry, r.company_size AS rule_size, cs.approach_channel
  FROM dormancy.customer_status cs LEFT JOIN dormancy.rules r USING (rule_id)
 WHERE cs.customer_id = 4;
-- every vocabulary: a deleted event kind, deal outcome and reason, and a
-- price change in a category no order has
DELETE FROM dormancy.event_kinds WHERE source_kind = 'お問い合わせ';
DELETE FROM dormancy.deal_outcomes WHERE source_outcome = '失注（価格）';
DELETE FROM dormancy.deal_reasons WHERE source_reason = '競合他社に決定';
DELETE FROM dormancy.company_sizes WHERE source_size = '中堅';
INSERT INTO dormancy.price_changes (changed_at, category, kind) VALUES ('2026-06-01', 'ghost', 'spec_change');
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY vocabulary, label;
SELECT dormancy.reset_defaults(t) FROM unnest(ARRAY['dormancy.industries', 'dormancy.company_sizes',
	'dormancy.event_kinds', 'dormancy.deal_outcomes', 'dormancy.deal_reasons']::regclass[]) t;
DELETE FROM dormancy.price_changes WHERE category = 'ghost';
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY vocabulary, label;
-- without customer 7, every label of the data maps: the view is empty
DELETE FROM ln.accounts WHERE id = 7;
SELECT count(*) AS unmatched FROM dormancy.unmatched_labels;

-- a user's rule keyed by the label itself wins over the alias; a rule keyed
-- in Japanese matches full-width and half-width wordings
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, note)
VALUES ('製造業', NULL, '2 years', '3 years', '5 years', 'our own manufacturing rule'),
	   ('ITサービス', NULL, '4 months', '8 months', '16 months', 'our own IT rule');
SELECT x.industry, (dormancy.rule_for(x.industry, x.size)).note
  FROM (VALUES ('製造業', '大企業'), ('メーカー', '大企業'), ('ＩＴサービス', NULL), ('ITｻｰﾋﾞｽ　', NULL),
			   ('SaaS', NULL)) x(industry, size)
 ORDER BY x.industry;
-- a second rule with the same key is refused, whatever its width
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after)
VALUES ('ＩＴサービス　', '4 months', '8 months', '16 months');
-- and the approach rules: a rule naming the label itself comes first
INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, industries)
VALUES (5, 'phone', 0, '{ＳＯＦＴＷＡＲＥ　}');
SELECT cs.customer_id, cs.approach_channel FROM dormancy.customer_status cs
 WHERE cs.customer_id IN (1, 8) ORDER BY cs.customer_id;
SELECT dormancy.reset_defaults('dormancy.approach_rules');
-- a rule naming one wording for one reason does not take the wording's
-- alias away from the other rules: the customers of that wording whose
-- reason is another keep their channel (ネット通販 reaches rule 30, ec or
-- retail, through its alias ec)
CREATE TEMP TABLE channel_before AS
SELECT cs.customer_id, cs.likely_reason, cs.approach_channel FROM dormancy.customer_status cs;
INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, industries, reasons)
VALUES (6, 'phone', 0, '{ネット通販}', '{lost_to_competitor}');
SELECT cs.customer_id, cs.industry, cs.likely_reason, b.approach_channel AS before, cs.approach_channel AS after
  FROM dormancy.customer_status cs JOIN channel_before b USING (customer_id)
 WHERE cs.approach_channel IS NOT NULL ORDER BY cs.customer_id;
SELECT count(*) AS channel_changed FROM dormancy.customer_status cs JOIN channel_before b USING (customer_id)
 WHERE cs.approach_channel IS DISTINCT FROM b.approach_channel
   AND NOT (dormancy.label_key(cs.industry) = dormancy.label_key('ネット通販') AND cs.likely_reason = 'lost_to_competitor');
DELETE FROM dormancy.approach_rules WHERE rule_order = 6;
DROP TABLE channel_before;
DELETE FROM dormancy.rules WHERE NOT installed;

-- an edited wording replaces the installed default with the same key
INSERT INTO dormancy.industries VALUES ('ＩＴサービス', 'software_house');
SELECT source_industry, industry, installed FROM dormancy.industries
 WHERE dormancy.label_key(source_industry) = dormancy.label_key('ITサービス');
SELECT dormancy.reset_defaults('dormancy.industries');
SELECT source_industry, industry, installed FROM dormancy.industries
 WHERE dormancy.label_key(source_industry) = dormancy.label_key('ITサービス');

SELECT dormancy.unbind('customers'), dormancy.unbind('orders'), dormancy.unbind('events'), dormancy.unbind('deals');
DELETE FROM dormancy.price_changes;
DROP SCHEMA ln CASCADE;
