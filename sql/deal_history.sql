-- The last deal and what it says (D5), each against plain SQL over the same
-- rows:
-- 1. an outcome wording that carries its reason (失注（競合）, Lost - Competitor:
--    installed in deal_outcomes and in deal_reasons) gives that reason when
--    the reason column is empty or unbound, as outcome 失注 with reason 他社
--    does (it gave no reason: not lost_to_competitor, the deal scored as a
--    loss for another reason)
-- 2. dormancy_kind lost_deal compares the deal with the customer's recency
--    day: for a rule that counts contract coverage (IT services), a licence
--    running past the deal is activity after it (it compared with the
--    orders only: a running SaaS account became "dormant after a lost deal")
-- 3. deals closed on the same day are ordered by their close time when the
--    bound column has one (a deal lost at 10:00 and won at 16:00 is won; it
--    took the outcome's name, lost before won)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA dh;
CREATE TABLE dh.customers (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE dh.orders (customer integer, ordered_on date, amount numeric);
CREATE TABLE dh.deals (customer integer, closed_at timestamptz, stage text, reason text);
CREATE TABLE dh.contracts (customer integer, term_start date, term_end date);
INSERT INTO dh.customers VALUES
	(1, 'stage and reason', NULL), (2, 'stage with its reason', NULL), (3, 'CRM stage with its reason', NULL),
	(4, 'reason column says otherwise', NULL), (5, 'a blank reason', NULL),
	(6, '株式会社クラウド', 'ITサービス'), (7, '株式会社オーダー', 'ITサービス'), (8, 'licence lapsed', 'ITサービス'),
	(9, 'lost, then won the same day', NULL), (10, 'won, then lost the same day', NULL),
	(11, 'two the same day, dates only', NULL);
INSERT INTO dh.orders SELECT c, d, 10000 FROM generate_series(1, 5) c, generate_series('2024-03-01'::date, '2026-03-01', '1 month') d;
INSERT INTO dh.orders VALUES (7, '2026-10-01', 120000), (9, '2025-06-01', 100000), (10, '2025-06-01', 100000),
	(11, '2025-06-01', 100000);
INSERT INTO dh.deals VALUES
	(1, '2026-09-01 10:00+09', '失注', '他社'),
	(2, '2026-09-01 10:00+09', '失注（競合）', NULL),
	(3, '2026-09-01 10:00+09', 'Lost - Competitor', NULL),
	(4, '2026-09-01 10:00+09', '失注（競合）', '予算'),
	(5, '2026-09-01 10:00+09', 'lost - price', '  '),
	(6, '2026-05-01 10:00+09', '失注', '価格'), (7, '2026-05-01 10:00+09', '失注', '価格'),
	(8, '2026-05-01 10:00+09', '失注', '価格'),
	(9, '2026-10-01 10:00+09', '失注', '価格'), (9, '2026-10-01 16:00+09', '受注', NULL),
	(10, '2026-10-01 10:00+09', '受注', NULL), (10, '2026-10-01 16:00+09', '失注', '価格'),
	-- (23:30 and 00:30 JST: two days, whatever the session's zone)
	(11, '2026-09-30 23:30+09', '受注', NULL), (11, '2026-10-01 00:30+09', '失注', '価格');
INSERT INTO dh.contracts VALUES (6, '2025-07-01', '2027-06-30'), (7, '2025-07-01', '2027-06-30'),
	(8, '2024-07-01', '2025-06-30');
SELECT dormancy.bind_customers('dh.customers', id => 'id', name => 'name', industry => 'industry');
SELECT dormancy.bind_orders('dh.orders', customer => 'customer', ordered_at => 'ordered_on', amount => 'amount');
SELECT dormancy.bind_deals('dh.deals', customer => 'customer', closed_at => 'closed_at', outcome => 'stage', lost_reason => 'reason');
SELECT dormancy.bind_contracts('dh.contracts', customer => 'customer', starts_on => 'term_start', ends_on => 'term_end');

-- 1. the reason of each lost deal: the reason column's when it holds one,
-- else the outcome wording's (plain SQL over the mappings)
SELECT cs.customer_id, cs.last_deal_outcome, cs.last_deal_reason, cs.likely_reason,
	   cs.last_deal_reason IS NOT DISTINCT FROM w.reason AS as_plain_sql
  FROM dormancy.customer_status cs
  JOIN LATERAL (
	SELECT coalesce((SELECT r.reason FROM dormancy.deal_reasons r
					  WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(nullif(btrim(d.reason), ''))),
					(SELECT r.reason FROM dormancy.deal_reasons r
					  WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(d.stage))) AS reason
	  FROM dh.deals d WHERE d.customer = cs.customer_id) w ON true
 WHERE cs.customer_id <= 5 ORDER BY 1;
-- the same reason, the same score: 2 and 3 as 1 (one deal each, the same orders)
SELECT count(DISTINCT priority_score) AS scores, count(DISTINCT score_breakdown -> 'deal') AS deal_parts
  FROM dormancy.customer_status WHERE customer_id <= 3;

-- 2. dormancy_kind: lost_deal when the lost deal came after the recency day
-- (the last order, or the last covered contract day when later, for a rule
-- with use_contract_end) or there is none
SELECT cs.customer_id, cs.state, cs.last_order_at, cs.contract_covered_until, cs.last_deal_at, cs.dormancy_kind,
	   cs.dormancy_kind IS NOT DISTINCT FROM w.kind AS as_plain_sql
  FROM dormancy.customer_status cs
  JOIN dormancy.rules r USING (rule_id)
 CROSS JOIN LATERAL (
	SELECT CASE WHEN cs.last_deal_outcome IN ('lost', 'postponed')
				 AND (p.recency_day IS NULL OR cs.last_deal_at > p.recency_day) THEN 'lost_deal'
				WHEN cs.state IN ('at_risk', 'dormant', 'long_dormant') THEN 'purchase' END AS kind
	  FROM (SELECT CASE WHEN r.use_contract_end
						THEN greatest((SELECT max(o.ordered_on) FROM dh.orders o WHERE o.customer = cs.customer_id),
									  (SELECT least(max(k.term_end), date '2026-11-01') FROM dh.contracts k
										WHERE k.customer = cs.customer_id))
						ELSE (SELECT max(o.ordered_on) FROM dh.orders o WHERE o.customer = cs.customer_id) END
				   AS recency_day) p) w
 WHERE cs.customer_id BETWEEN 6 AND 8 ORDER BY 1;

-- 3. the last deal: the one closed last, by its time in dormancy.time_zone
-- (plain SQL: the latest close instant)
SELECT cs.customer_id, cs.last_deal_at, cs.last_deal_outcome, cs.dormancy_kind,
	   (cs.last_deal_at, cs.last_deal_outcome) IS NOT DISTINCT FROM (w.day, w.outcome) AS as_plain_sql
  FROM dormancy.customer_status cs
 CROSS JOIN LATERAL (
	SELECT (d.closed_at AT TIME ZONE 'Asia/Tokyo')::date AS day, o.outcome
	  FROM dh.deals d JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(d.stage)
	 WHERE d.customer = cs.customer_id ORDER BY d.closed_at DESC LIMIT 1) w
 WHERE cs.customer_id BETWEEN 9 AND 11 ORDER BY 1;
-- a session in another zone reads the same days and the same last deals
SET TimeZone = 'America/Los_Angeles';
SELECT customer_id, last_deal_at, last_deal_outcome FROM dormancy.customer_deals
 WHERE customer_id BETWEEN 9 AND 11 ORDER BY 1;
RESET TimeZone;
-- by the instant, not the clock: where clocks go back (New York, 2026-11-01),
-- a deal lost at 01:30 EDT and one won an hour later at 01:20 EST
SET dormancy.time_zone = 'America/New_York';
INSERT INTO dh.customers VALUES (12, 'lost, then won in the repeated hour', NULL);
INSERT INTO dh.orders VALUES (12, '2025-06-01', 100000);
INSERT INTO dh.deals VALUES (12, '2026-11-01 01:30-04', '失注', '価格'), (12, '2026-11-01 01:20-05', '受注', NULL);
SELECT customer_id, last_deal_at, last_deal_outcome,
	   last_deal_outcome = (SELECT o.outcome FROM dh.deals d
							  JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(d.stage)
							 WHERE d.customer = 12 ORDER BY d.closed_at DESC LIMIT 1) AS the_later_one
  FROM dormancy.customer_deals WHERE customer_id = 12;
SET dormancy.time_zone = 'Asia/Tokyo';

\i test/sql_ref/unbind_all.sql
DROP SCHEMA dh CASCADE;
