-- The optional sources of the demo customers (events, deals, contracts),
-- deterministic: made by test/bench/evaluation.sh, by
-- test/integration/upgrade.sh in every version it fills, and on the single
-- node of test/integration/citus.sh before its schema demo is copied to the
-- Citus coordinator, which distributes them with the customers.
SELECT setseed(0.42);
CREATE TABLE demo.events AS
SELECT a.account_id, timestamptz '2026-10-31 12:00+00' - random() * interval '120 days' AS at,
	   (ARRAY['pricing_view', 'web_visit', 'email_open', 'support_ticket'])[1 + floor(random() * 4)::int] AS kind
  FROM demo.accounts a, generate_series(1, 3) g
 WHERE a.account_id % 3 = 0 ORDER BY 1, 2;
CREATE TABLE demo.deals AS
SELECT a.account_id, date '2026-10-01' - (a.account_id % 200) AS closed,
	   (ARRAY['won', 'lost', '保留'])[1 + a.account_id % 3] AS outcome,
	   CASE WHEN a.account_id % 3 = 1 THEN (ARRAY['price', '予算', 'competitor'])[1 + a.account_id % 3] END AS reason,
	   (a.account_id % 50) * 1000.00 AS amount
  FROM demo.accounts a WHERE a.account_id % 7 = 0;
CREATE TABLE demo.contracts AS
SELECT a.account_id, date '2025-11-01' + (a.account_id % 300) AS starts,
	   date '2026-10-31' + (a.account_id % 300) - 150 AS ends, a.account_id % 2 = 0 AS auto,
	   (a.account_id % 40) * 100.00 AS amount
  FROM demo.accounts a WHERE a.sector = 'it_services';
