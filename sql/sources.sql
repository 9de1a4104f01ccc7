-- Optional sources (issue #5): bind_contracts, bind_events and bind_deals
-- (every error leaves the bindings as they were), the contract signals, the
-- engagement counts and the last deal per customer, their mapping tables and
-- settings (each change shows in the next query), bad rows reported in
-- source_issues, the contract end as recency source for IT services, and
-- the installed defaults surviving an edit, a deletion and a restore.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA so;
CREATE TABLE so.accounts (id integer PRIMARY KEY, name text, sector text, size text);
CREATE TABLE so.invoices (account integer, day date, total numeric);
INSERT INTO so.accounts
SELECT i, 'account ' || i, CASE WHEN i BETWEEN 40 AND 49 THEN 'it_services' END, NULL
  FROM generate_series(1, 60) i;
-- everyone bought monthly from 2024-01-01 to 2025-10-01 (13 months silent: dormant)
INSERT INTO so.invoices
SELECT i, d::date, 100 FROM generate_series(1, 60) i, generate_series('2024-01-01'::date, '2025-10-01', '1 month') d;
SELECT dormancy.bind_customers('so.accounts', id => 'id', name => 'name', industry => 'sector', company_size => 'size');
SELECT dormancy.bind_orders('so.invoices', customer => 'account', ordered_at => 'day', amount => 'total');

-- unbound: empty views of the full shape, NULL columns in customer_status
SELECT (SELECT count(*) FROM dormancy.src_contracts) AS contracts, (SELECT count(*) FROM dormancy.src_events) AS events,
	   (SELECT count(*) FROM dormancy.src_deals) AS deals, (SELECT count(*) FROM dormancy.contract_signals) AS signals,
	   (SELECT count(*) FROM dormancy.customer_engagement) AS engagement, (SELECT count(*) FROM dormancy.customer_deals) AS per_deal,
	   (SELECT count(*) FROM dormancy.source_issues) AS issues;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE contract_state IS NULL AND contract_lapsed IS NULL AND events_in_window IS NULL
						AND last_deal_outcome IS NULL AND open_deals = 0) AS all_null
  FROM dormancy.customer_status;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'dormancy.src_contracts'::regclass AND attnum > 0 ORDER BY attnum;

--
-- Binding errors: each leaves the bindings and views as they were
--
CREATE TABLE so.contracts (account integer, starts date, ends date, seats integer, fee numeric, auto boolean,
						   plan text, label text, starts_ts timestamptz);
CREATE TABLE so.events (account integer, at timestamptz, kind text, n integer);
CREATE TABLE so.deals (account integer, closed date, outcome text, reason text, note text, n integer);
CREATE TABLE so.uuid_contracts (account uuid, starts date, ends date);
CREATE INDEX so_contracts_idx ON so.contracts (account);
CREATE TABLE so.saved AS SELECT source, relation, columns, bound_at FROM dormancy.bindings;
CREATE FUNCTION so.unchanged() RETURNS boolean LANGUAGE sql AS $$
	SELECT NOT EXISTS (SELECT source, relation, columns, bound_at FROM dormancy.bindings EXCEPT SELECT * FROM so.saved)
	   AND (SELECT count(*) FROM dormancy.bindings) = (SELECT count(*) FROM so.saved)
	   AND (SELECT count(*) FROM dormancy.src_contracts) = 0 $$;
SELECT dormancy.bind_contracts('so.nope', customer => 'account', starts_on => 'starts', ends_on => 'ends');
SELECT dormancy.bind_contracts(NULL, customer => 'account', starts_on => 'starts', ends_on => 'ends');
SELECT dormancy.bind_contracts('so.so_contracts_idx', customer => 'account', starts_on => 'starts', ends_on => 'ends');
SELECT dormancy.bind_contracts('dormancy.contract_signals', customer => 'customer_id', starts_on => 'as_of', ends_on => 'as_of');
SELECT dormancy.bind_contracts('so.contracts', customer => 'customer', starts_on => 'starts', ends_on => 'ends');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => NULL);
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'label', ends_on => 'ends');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'seats');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', seats => 'label');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', amount => 'auto');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', auto_renew => 'seats');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', plan => 'tier');
SELECT dormancy.bind_contracts('so.uuid_contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends');
SELECT dormancy.bind_events('so.events', customer => 'account', occurred_at => 'kind', kind => 'kind');
SELECT dormancy.bind_events('so.events', customer => 'account', occurred_at => 'at', kind => 'type');
SELECT dormancy.bind_deals('so.deals', customer => 'account', closed_at => 'n', outcome => 'outcome');
SELECT dormancy.bind_deals('so.deals', customer => 'account', closed_at => 'closed', outcome => 'result');
SELECT dormancy.bind_deals('so.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome', lost_reason => 'why');
SELECT so.unchanged();
-- only the owner binds
SELECT has_function_privilege('public', 'dormancy.bind_contracts(regclass, name, name, name, name, name, name, name)', 'execute') AS public_binds_contracts,
	   has_function_privilege('public', 'dormancy.bind_events(regclass, name, name, name)', 'execute') AS public_binds_events,
	   has_function_privilege('public', 'dormancy.bind_deals(regclass, name, name, name, name, name)', 'execute') AS public_binds_deals;

--
-- Contracts (D3): one customer per case; terms end on the day given (inclusive)
--
INSERT INTO so.contracts (account, starts, ends, seats, fee, auto, plan) VALUES
	-- 1: running, ends in 30 days, auto-renew off: will not renew
	(1, '2025-12-01', '2026-12-01', 10, 1000, false, 'pro'),
	-- 2: running, auto-renew off, but the next term is already signed
	(2, '2025-12-01', '2026-12-01', 10, 1000, false, 'pro'), (2, '2026-12-02', '2027-12-01', 10, 1000, true, 'pro'),
	-- 3: ended 20 days ago: within the 30-day grace, not lapsed yet
	(3, '2025-10-12', '2026-10-12', 10, 1000, true, 'pro'),
	-- 4: ended 60 days ago: lapsed
	(4, '2025-09-02', '2026-09-02', 10, 1000, true, 'pro'),
	-- 5: renewed two months ago with fewer seats: downgraded
	(5, '2025-09-01', '2026-08-31', 10, 1000, true, 'pro'), (5, '2026-09-01', '2027-08-31', 5, 600, true, 'basic'),
	-- 6: the same downgrade two years ago: outside the 12-month window
	(6, '2023-09-01', '2024-08-31', 10, 1000, true, 'pro'), (6, '2024-09-01', '2027-08-31', 5, 600, true, 'basic'),
	-- 7: open-ended (no end): running, reported
	(7, '2024-01-01', NULL, 3, 300, NULL, NULL),
	-- 8: ends before it starts: reported, left out (no signals row)
	(8, '2026-05-01', '2025-05-01', 3, 300, true, NULL),
	-- 9: no start, ended a year ago: reported, taken as started
	(9, NULL, '2025-10-31', 3, 300, true, NULL),
	-- 10: only a term that starts next year
	(10, '2027-01-01', '2027-12-31', 3, 300, true, NULL),
	-- 11: ended 100 days ago, the next term starts next month: a gap, lapsed
	(11, '2025-07-24', '2026-07-23', 3, 300, true, NULL), (11, '2026-12-01', '2027-11-30', 3, 300, true, NULL),
	-- 12: neither start nor end: reported, left out
	(12, NULL, NULL, 1, 1, NULL, NULL),
	-- not a customer; no customer
	(99, '2026-01-01', '2026-12-31', 1, 1, true, NULL), (NULL, '2026-01-01', '2026-12-31', 1, 1, true, NULL),
	-- 40: IT services: ordered last 13 months ago, licence runs to next spring
	(40, '2025-04-01', '2027-03-31', 20, 5000, true, 'enterprise'),
	-- 41: IT services: licence lapsed 200 days ago
	(41, '2024-04-16', '2026-04-15', 20, 5000, true, 'enterprise');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends',
							   seats => 'seats', amount => 'fee', auto_renew => 'auto', plan => 'plan');
SELECT customer_id, terms, current_starts_on, current_ends_on, contract_end_at, last_covered_day, contract_lapsed AS lapsed,
	   days_since_contract_end AS days_ended, auto_renew_off, renewal_due_in_days AS renewal_in, downgraded,
	   downgraded_on, seats_before, seats_after, plan_before, plan_after
  FROM dormancy.contract_signals ORDER BY customer_id;
SELECT customer_id, state, contract_state, contract_end_at, contract_lapsed, auto_renew_off, downgraded, renewal_due_in_days
  FROM dormancy.customer_status WHERE customer_id IN (1, 3, 4, 10, 40, 41, 50) ORDER BY customer_id;
SELECT source, issue, customer_id, value, rows, detail FROM dormancy.source_issues ORDER BY source, issue, customer_id;

-- the grace period is a setting: 90 days and customer 4 is no longer lapsed; 0 days and customer 3 is
INSERT INTO dormancy.source_settings (contract_grace_period) VALUES ('90 days');
SELECT customer_id, contract_lapsed FROM dormancy.contract_signals WHERE customer_id IN (3, 4, 11) ORDER BY 1;
UPDATE dormancy.source_settings SET contract_grace_period = '0 days';
SELECT customer_id, contract_lapsed FROM dormancy.contract_signals WHERE customer_id IN (3, 4, 11) ORDER BY 1;
-- the downgrade window and renewal horizon too
UPDATE dormancy.source_settings SET downgrade_window = '3 years', renewal_horizon = '7 days';
SELECT customer_id, downgraded, downgraded_on, renewal_horizon_days FROM dormancy.contract_signals WHERE customer_id IN (5, 6) ORDER BY 1;
DELETE FROM dormancy.source_settings;
-- settings are checked
INSERT INTO dormancy.source_settings (contract_grace_period) VALUES ('-1 day');
INSERT INTO dormancy.source_settings (engagement_window) VALUES ('0 days');
INSERT INTO dormancy.source_settings (engagement_window) VALUES ('36 hours');
INSERT INTO dormancy.source_settings (repeated_pricing_views) VALUES (0);
INSERT INTO dormancy.source_settings (singleton) VALUES (false);
SELECT (dormancy.source_settings_in_force()).*;
-- the defaults of an empty table are the column defaults
WITH ins AS (INSERT INTO dormancy.source_settings DEFAULT VALUES RETURNING *)
SELECT (SELECT i FROM ins i)::text = dormancy.source_settings_in_force()::text AS defaults_agree;
DELETE FROM dormancy.source_settings;

-- IT services (rule use_contract_end): the licence coverage counts like a
-- purchase day for the state the priority works from (evidence state_*)
SELECT r.industry, r.use_contract_end FROM dormancy.rules r WHERE r.use_contract_end;
SELECT customer_id, state, contract_state, evidence[1] AS scored_state FROM dormancy.customer_status
 WHERE customer_id IN (40, 41, 42) ORDER BY customer_id;
UPDATE dormancy.rules SET use_contract_end = false WHERE industry = 'it_services';
SELECT customer_id, state, contract_state, evidence[1] AS scored_state FROM dormancy.customer_status
 WHERE customer_id IN (40, 41) ORDER BY customer_id;
SELECT dormancy.reset_rules();
SELECT count(*) AS it_rules_back FROM dormancy.rules WHERE use_contract_end AND installed;

--
-- Engagement events (D4)
--
INSERT INTO so.events (account, at, kind) VALUES
	(20, '2026-10-25 10:00+00', 'Pricing'), (20, '2026-10-20 10:00+00', ' pricing page '),
	(20, '2026-10-10 10:00+00', '料金ページ閲覧'), (20, '2026-09-01 10:00+00', 'メール開封'),
	-- 89 and 91 days before as_of: in and out of the 90-day window
	(21, '2026-08-04 12:00+00', 'web_visit'), (21, '2026-08-02 12:00+00', 'web_visit'),
	-- unmapped and NULL kinds count as other and are reported
	(22, '2026-10-01 00:00+00', 'webinar'), (22, '2026-10-02 00:00+00', 'webinar'), (22, '2026-10-03 00:00+00', NULL),
	-- support visits; a timestamp late on 2026-10-31 UTC
	(23, '2026-10-31 20:00+00', 'support'), (23, '2026-10-30 20:00+00', 'サポートページ閲覧'),
	-- after the as-of day: ignored
	(24, '2026-11-05 00:00+00', 'click'),
	-- no date, no customer, unknown customer
	(25, NULL, 'open'), (NULL, '2026-10-01', 'open'), (98, '2026-10-01', 'open');
SELECT dormancy.bind_events('so.events', customer => 'account', occurred_at => 'at', kind => 'kind');
SELECT customer_id, events_in_window AS n, email_opens AS opens, web_visits AS visits, pricing_views AS pricing,
	   support_visits AS support, other_events AS other, last_event_at, days_since_last_event AS days,
	   days_since_last_pricing_view AS days_pricing, days_since_last_web_visit AS days_visit, engagement_window_days AS window
  FROM dormancy.customer_engagement ORDER BY customer_id;
SELECT source, issue, customer_id, value, rows FROM dormancy.source_issues WHERE source = 'events' ORDER BY issue, value;
SELECT customer_id, events_in_window, pricing_views, support_visits, days_since_last_event
  FROM dormancy.customer_status WHERE customer_id IN (1, 20, 23) ORDER BY customer_id;
-- the day of a timestamptz follows dormancy.time_zone: in Tokyo customer 23's last visit was on 11-01
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT customer_id, days_since_last_event FROM dormancy.customer_engagement WHERE customer_id = 23;
RESET dormancy.time_zone;
-- mapping changes show in the next query: webinar becomes a document download, Pricing a web visit
INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES ('Webinar', 'document_download');
UPDATE dormancy.event_kinds SET kind = 'web_visit' WHERE source_kind = 'pricing';
SELECT customer_id, pricing_views, web_visits, document_downloads, other_events
  FROM dormancy.customer_engagement WHERE customer_id IN (20, 22) ORDER BY customer_id;
SELECT value, rows FROM dormancy.source_issues WHERE issue = 'event_kind_unmapped' ORDER BY value;
-- kinds are checked
INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES ('tweet', 'social');
INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES ('  ', 'other');
INSERT INTO dormancy.event_kinds (source_kind, kind) VALUES ('PRICING ', 'pricing_view');
-- the window is a setting
INSERT INTO dormancy.source_settings (engagement_window) VALUES ('92 days');
SELECT customer_id, events_in_window, engagement_window_days FROM dormancy.customer_engagement WHERE customer_id = 21;
DELETE FROM dormancy.source_settings;

--
-- Deals (D5)
--
INSERT INTO so.deals (account, closed, outcome, reason, note) VALUES
	(30, '2026-09-01', '失注', '価格', 'no answer on price'),
	(31, '2026-09-01', 'Postponed', '来期予算', 'next fiscal year'),
	(32, NULL, '商談中', NULL, NULL), (32, '2026-03-01', 'won', NULL, NULL),
	(33, NULL, 'lost', 'competitor', NULL),
	(34, '2026-06-01', 'maybe', 'moon phase', NULL),
	(35, '2027-01-01', 'lost', 'price', 'in the future: ignored'),
	(36, '2025-01-01', 'lost', 'price', NULL), (36, '2026-05-01', 'closed lost', '他社に乗り換え', 'moved to a competitor'),
	(37, '2026-10-01', NULL, NULL, NULL),
	(97, '2026-01-01', 'won', NULL, NULL), (NULL, '2026-01-01', 'won', NULL, NULL);
-- a prospect who never bought and lost a deal
INSERT INTO so.accounts VALUES (70, 'prospect', NULL, NULL);
INSERT INTO so.deals VALUES (70, '2026-07-01', 'lost', 'timing', NULL);
SELECT dormancy.bind_deals('so.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome',
						   lost_reason => 'reason', note => 'note');
SELECT customer_id, last_deal_at, days_since_last_deal AS days, last_deal_outcome, last_deal_reason,
	   last_deal_source_outcome AS source_outcome, last_deal_note, deals_won, deals_lost, deals_postponed, open_deals
  FROM dormancy.customer_deals ORDER BY customer_id;
SELECT source, issue, customer_id, value, rows FROM dormancy.source_issues WHERE source = 'deals' ORDER BY issue, value;
SELECT customer_id, state, last_deal_outcome, last_deal_reason, open_deals, dormancy_kind
  FROM dormancy.customer_status WHERE customer_id IN (1, 30, 31, 32, 70) ORDER BY customer_id;
-- mapping changes show in the next query
INSERT INTO dormancy.deal_outcomes (source_outcome, outcome) VALUES ('maybe', 'open');
INSERT INTO dormancy.deal_reasons (source_reason, reason) VALUES ('moon phase', 'timing');
UPDATE dormancy.deal_reasons SET reason = 'budget' WHERE source_reason = '価格';
SELECT customer_id, last_deal_outcome, last_deal_reason, open_deals FROM dormancy.customer_deals
 WHERE customer_id IN (30, 34) ORDER BY customer_id;
SELECT issue, value FROM dormancy.source_issues WHERE source = 'deals' AND issue LIKE '%unmapped' ORDER BY 1, 2;
INSERT INTO dormancy.deal_outcomes VALUES ('abandoned', 'cancelled');

--
-- Installed defaults: edits are the user's, defaults come back with reset_defaults()
--
SELECT table_name, count(*) AS defaults FROM dormancy.installed_defaults GROUP BY 1 ORDER BY 1;
SELECT source_kind, kind, installed FROM dormancy.event_kinds WHERE source_kind IN ('pricing', 'Webinar', 'open') ORDER BY 1;
DELETE FROM dormancy.deal_reasons WHERE source_reason IN ('コスト', 'moon phase');
-- an insert replaces an unedited default with the same key (case-insensitive)
INSERT INTO dormancy.deal_outcomes VALUES ('LOST ', 'postponed');
SELECT source_outcome, outcome, installed FROM dormancy.deal_outcomes WHERE lower(btrim(source_outcome)) = 'lost';
SELECT table_name, key FROM dormancy.removed_defaults ORDER BY 1, 2;
-- a pg_dump / restore keeps exactly the user's rows: simulate it
CREATE TABLE so.dump_kinds AS SELECT * FROM dormancy.event_kinds WHERE NOT installed;
CREATE TABLE so.dump_outcomes AS SELECT * FROM dormancy.deal_outcomes WHERE NOT installed;
CREATE TABLE so.dump_reasons AS SELECT * FROM dormancy.deal_reasons WHERE NOT installed;
CREATE TABLE so.dump_removed AS SELECT * FROM dormancy.removed_defaults;
CREATE TABLE so.before AS
SELECT 'k' AS t, source_kind AS key, kind AS value FROM dormancy.event_kinds
UNION ALL SELECT 'o', source_outcome, outcome FROM dormancy.deal_outcomes
UNION ALL SELECT 'r', source_reason, reason FROM dormancy.deal_reasons;
SELECT dormancy.unbind(s) FROM unnest(ARRAY['deals', 'events', 'contracts', 'orders', 'customers']) s;
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
INSERT INTO dormancy.event_kinds SELECT * FROM so.dump_kinds;
INSERT INTO dormancy.deal_outcomes SELECT * FROM so.dump_outcomes;
INSERT INTO dormancy.deal_reasons SELECT * FROM so.dump_reasons;
INSERT INTO dormancy.removed_defaults SELECT * FROM so.dump_removed;
SELECT count(*) AS differences FROM (
	(SELECT * FROM so.before
	 EXCEPT SELECT 'k', source_kind, kind FROM dormancy.event_kinds
	 EXCEPT SELECT 'o', source_outcome, outcome FROM dormancy.deal_outcomes
	 EXCEPT SELECT 'r', source_reason, reason FROM dormancy.deal_reasons)
	UNION ALL
	(SELECT 'k', source_kind, kind FROM dormancy.event_kinds
	 UNION ALL SELECT 'o', source_outcome, outcome FROM dormancy.deal_outcomes
	 UNION ALL SELECT 'r', source_reason, reason FROM dormancy.deal_reasons
	 EXCEPT SELECT * FROM so.before)) d;
-- reset_defaults puts the installed rows back and keeps the user's other rows
SELECT dormancy.reset_defaults('dormancy.deal_outcomes');
SELECT dormancy.reset_defaults('dormancy.deal_reasons');
SELECT dormancy.reset_defaults('dormancy.event_kinds');
SELECT count(*) FILTER (WHERE installed) AS installed, count(*) FILTER (WHERE NOT installed) AS users
  FROM dormancy.event_kinds;
SELECT source_outcome, outcome, installed FROM dormancy.deal_outcomes WHERE source_outcome IN ('lost', 'maybe', 'LOST ');
SELECT count(*) AS removed_notes FROM dormancy.removed_defaults;
SELECT dormancy.reset_defaults('dormancy.rules');

-- unbinding a source empties its views
SELECT dormancy.bind_customers('so.accounts', id => 'id', name => 'name', industry => 'sector', company_size => 'size');
SELECT dormancy.bind_contracts('so.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends');
SELECT count(*) > 0 AS has_signals FROM dormancy.contract_signals;
SELECT dormancy.unbind('contracts');
SELECT count(*) AS signals FROM dormancy.contract_signals;
SELECT dormancy.unbind('customers');
-- with no customers or orders bound, customer ids are bigint
CREATE TABLE so.text_events (account text, at date, kind text);
SELECT dormancy.bind_events('so.text_events', customer => 'account', occurred_at => 'at', kind => 'kind');
DROP SCHEMA so CASCADE;
