-- One customer per likely reason, built from real orders, events, deals and
-- contracts, with the installed reason rules: each installed reason is
-- reachable, and the reported cases hold (a customer who bought 11 days ago
-- with halved spend is not "forgot"; auto-renew switched off has its rule;
-- "forgot" needs a real lapse).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.price_changes;
SELECT dormancy.reset_defaults('dormancy.reason_rules'), dormancy.reset_defaults('dormancy.message_themes');
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA rs;
CREATE TABLE rs.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE rs.orders (account integer, at date, total numeric, category text, discounted boolean DEFAULT false);
CREATE TABLE rs.events (account integer, at date, kind text);
CREATE TABLE rs.deals (account integer, closed date, outcome text, reason text);
CREATE TABLE rs.contracts (account integer, starts date, ends date, seats integer, auto_renew boolean);
INSERT INTO rs.accounts VALUES
	(1, 'lost to a competitor'), (2, 'deal postponed'), (3, 'no order since the paper price rose'),
	(4, 'no order since the ink specification changed'), (5, 'deal lost on price'),
	(6, 'repeated pricing views'), (7, 'support visits'), (8, 'deal lost on features'),
	(9, 'deal lost on the customer''s circumstances'), (10, 'fewer seats at renewal'),
	(11, 'auto-renew switched off, still buying'), (12, 'bought only at a discount'), (13, 'one purchase'),
	(14, 'bought 11 days ago, half the spend'), (15, 'at risk, twice a year, no contact'),
	(16, 'licence lapsed, no contact'), (17, 'licence lapsed, still visiting'),
	(18, 'dormant repeat buyer, still visiting'), (19, 'deal lost for another reason'),
	(20, 'bought last week, no contact'), (21, 'weekly buyer silent for two months, no contact'),
	(22, 'dormant repeat buyer, no contact');
-- monthly orders of a customer from a first to a last day at one amount
CREATE FUNCTION rs.monthly(account integer, first date, last date, amount numeric,
						   category text DEFAULT 'general', discounted boolean DEFAULT false)
	RETURNS void LANGUAGE sql AS $$
	INSERT INTO rs.orders SELECT account, d::date, amount, category, discounted
	  FROM generate_series(first, last, interval '1 month') d
$$;
SELECT rs.monthly(3, '2025-01-05', '2026-03-05', 1000, 'paper');
SELECT rs.monthly(4, '2025-01-05', '2026-03-05', 1000, 'ink');
SELECT rs.monthly(6, '2025-01-05', '2026-03-05', 1000);
SELECT rs.monthly(7, '2025-01-05', '2026-03-05', 1000);
SELECT rs.monthly(11, '2024-11-10', '2026-10-10', 1000);
SELECT rs.monthly(12, '2025-01-05', '2026-03-05', 1000, 'general', true);
INSERT INTO rs.orders VALUES (13, '2026-01-10', 5000, 'general', false);
SELECT rs.monthly(14, '2024-11-21', '2025-10-21', 2000);
SELECT rs.monthly(14, '2025-11-21', '2026-10-21', 1000);
INSERT INTO rs.orders VALUES (15, '2024-11-20', 3000, 'general', false), (15, '2025-04-20', 3000, 'general', false),
	(15, '2025-11-20', 3000, 'general', false), (15, '2026-04-20', 3000, 'general', false);
SELECT rs.monthly(18, '2023-01-05', '2025-06-05', 1000);
SELECT rs.monthly(22, '2023-01-05', '2025-06-05', 1000);
SELECT rs.monthly(20, '2024-11-25', '2026-10-25', 1000);
INSERT INTO rs.orders SELECT 21, d::date, 500, 'general', false
  FROM generate_series(date '2024-11-03', date '2026-09-01', interval '1 week') d;
INSERT INTO rs.events VALUES
	(6, '2026-10-01', 'pricing_view'), (6, '2026-10-08', 'pricing_view'), (6, '2026-10-15', 'pricing_view'),
	(7, '2026-10-01', 'support_visit'), (7, '2026-10-20', 'support_visit'),
	(17, '2026-10-10', 'web_visit'), (18, '2026-10-12', 'email_open'),
	-- someone else's engagement: events are bound
	(3, '2026-10-01', 'email_open'), (4, '2026-10-01', 'email_open');
INSERT INTO rs.deals VALUES
	(1, '2026-09-01', 'lost', 'competitor'), (2, '2026-09-01', 'postponed', NULL),
	(5, '2026-09-01', 'lost', 'price'), (8, '2026-09-01', 'lost', 'features'),
	(9, '2026-09-01', 'lost', 'circumstances'), (19, '2026-09-01', 'lost', 'other');
INSERT INTO rs.contracts VALUES
	(10, '2025-01-01', '2025-12-31', 10, true), (10, '2026-01-01', '2026-12-31', 5, true),
	(11, '2026-01-01', '2026-12-31', 3, false),
	(16, '2024-01-01', '2025-12-31', 5, true), (17, '2024-01-01', '2025-12-31', 5, true);
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note) VALUES
	('2026-04-01', 'paper', 10, 'price_increase', 'paper +10%'),
	('2026-04-01', 'ink', NULL, 'spec_change', 'new ink cartridges');

SELECT dormancy.bind_customers('rs.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('rs.orders', customer => 'account', ordered_at => 'at', amount => 'total',
							category => 'category', discounted => 'discounted') IS NOT NULL AS bound;
SELECT dormancy.bind_events('rs.events', customer => 'account', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;
SELECT dormancy.bind_deals('rs.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome',
						   lost_reason => 'reason') IS NOT NULL AS bound;
SELECT dormancy.bind_contracts('rs.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends',
							   seats => 'seats', auto_renew => 'auto_renew') IS NOT NULL AS bound;

SELECT s.customer_id, a.name, s.state, s.likely_reason, s.reason_evidence, s.message_theme
  FROM dormancy.customer_status s JOIN rs.accounts a ON a.id = s.customer_id
 ORDER BY s.customer_id;

-- every installed reason is reached by some customer
SELECT r.reason, count(s.customer_id) AS customers
  FROM (SELECT DISTINCT reason FROM dormancy.reason_rules UNION SELECT 'unknown') r
  LEFT JOIN dormancy.customer_status s ON s.likely_reason = r.reason
 GROUP BY r.reason ORDER BY r.reason;
-- the reported cases
SELECT customer_id, days_since_last_order, decline_signals, likely_reason
  FROM dormancy.customer_status WHERE customer_id IN (11, 14, 20, 21) ORDER BY customer_id;
SELECT count(*) AS forgot_but_bought_within_30_days
  FROM dormancy.customer_status WHERE likely_reason = 'forgot' AND days_since_last_order <= 30;

DELETE FROM dormancy.price_changes;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA rs CASCADE;
