-- The default call list on demo-like data: short (at most 15% of the
-- customers), mixing reasons and channels, without active customers who are
-- not declining, and ranked by value relative to the customers' own
-- (value tiers from the stored value distribution), with scenario pairs
-- whose order is known: a 50M customer slipping above a 633k one in the
-- same state; a high-value customer lost to a competitor above a low-value
-- customer who forgot us.  Owners: each rep's own top N.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
\i test/sql_ref/unbind_all.sql
\set customers 2000
\i test/sql_ref/load_demo.sql
-- amounts in yen: a lifetime of a few hundred thousand is ordinary here
UPDATE demo.invoices SET total = total * 30;
ALTER TABLE demo.accounts ADD COLUMN rep text;
UPDATE demo.accounts SET rep = (ARRAY['Sato', 'Suzuki', 'Tanaka'])[1 + account_id % 3];
-- the scenario customers (ids 9001..), same rule (no industry, enterprise)
INSERT INTO demo.accounts VALUES
	(9001, '大企業A 株式会社', NULL, 'enterprise', 'Sato'),
	(9002, '中堅B 株式会社', NULL, 'enterprise', 'Sato'),
	(9003, '競合に流れたC', NULL, 'enterprise', 'Suzuki'),
	(9004, '忘れたD', NULL, 'enterprise', 'Suzuki');
-- 9001: four orders of 12.5M, the last on 2026-03-10; 9002: twelve monthly
-- orders of 52,750 (633,000), the last the same day: both slipping alike
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT 9001, d, 12500000, 'core' FROM generate_series(timestamptz '2025-06-10 10:00+09', '2026-03-10 10:00+09', '3 months') d
UNION ALL
SELECT 9002, d, 52750, 'core' FROM generate_series(timestamptz '2025-04-10 10:00+09', '2026-03-10 10:00+09', '1 month') d
-- 9003: 20M over five orders up to 2025-05-01, then a deal lost to a competitor
UNION ALL
SELECT 9003, d, 4000000, 'core' FROM generate_series(timestamptz '2024-05-01 10:00+09', '2025-05-01 10:00+09', '3 months') d
-- 9004: ten small orders of 3,000 up to 2025-05-01, nothing since
UNION ALL
SELECT 9004, d, 3000, 'core' FROM generate_series(timestamptz '2024-08-01 10:00+09', '2025-05-01 10:00+09', '1 month') d;
CREATE TABLE demo.deals (account_id integer, closed_on date, outcome text, reason text);
INSERT INTO demo.deals VALUES (9003, '2026-08-20', 'lost', 'competitor');
CREATE TABLE demo.events (account_id integer, occurred_at timestamptz, kind text);
ANALYZE demo.invoices;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class', owner => 'rep');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SELECT dormancy.bind_deals('demo.deals', customer => 'account_id', closed_at => 'closed_on',
						   outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_events('demo.events', customer => 'account_id', occurred_at => 'occurred_at', kind => 'kind');
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';

-- the value distribution is stored by fit_models()
SET client_min_messages = error;	-- segments the model does not fit only warn
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();
SET client_min_messages = warning;
SELECT measure, customers > 1000 AS many, cardinality(quantiles) AS quantiles, as_of
  FROM dormancy.value_distribution ORDER BY measure;

-- the default list: at most 15% of the customers, mixed, no excluded ones
CREATE TEMP TABLE cl AS SELECT * FROM dormancy.call_list;
SELECT count(*) AS listed, count(DISTINCT likely_reason) AS reasons, count(DISTINCT approach_channel) AS channels FROM cl;
SELECT (SELECT count(*) FROM cl) <= 0.15 * (SELECT count(*) FROM dormancy.customer_status) AS short,
	   (SELECT count(*) FROM cl) >= 50 AS not_empty,
	   (SELECT count(DISTINCT likely_reason) FROM cl) >= 3 AS reasons_mixed,
	   (SELECT count(DISTINCT approach_channel) FROM cl) >= 2 AS channels_mixed;
SELECT (SELECT count(*) FROM cl c JOIN dormancy.customer_status s USING (customer_id)
		 WHERE s.state = 'active' AND NOT s.declining) AS active_not_declining;
-- the list is ranked tier by tier (A first), then by score
SELECT bool_and(x.ok) AS tiers_in_order
  FROM (SELECT (lag(value_tier) OVER w IS NULL OR lag(value_tier) OVER w < value_tier
				OR (lag(value_tier) OVER w = value_tier AND lag(priority_score) OVER w >= priority_score)) AS ok
		  FROM cl WINDOW w AS (ORDER BY call_order)) x;

-- the scenario customers
SELECT s.customer_id, s.state, s.value_tier, s.likely_reason, s.approach_channel,
	   round(s.value_percentile::numeric) AS value_percentile, c.call_order IS NOT NULL AS listed
  FROM dormancy.customer_status s LEFT JOIN cl c USING (customer_id)
 WHERE s.customer_id >= 9001 ORDER BY s.customer_id;
-- pairs: the first ranks above the second (the second in the list below it, or not at all)
SELECT p.high, p.low,
	   h.call_order IS NOT NULL AND (l.call_order IS NULL OR h.call_order < l.call_order) AS high_first
  FROM (VALUES (9001, 9002), (9003, 9004)) p(high, low)
  LEFT JOIN cl h ON h.customer_id = p.high
  LEFT JOIN cl l ON l.customer_id = p.low
 ORDER BY p.high;
-- 50M above 633k also among all customers in the same state
SELECT a.state = b.state AS same_state, a.priority_rank < b.priority_rank AS fifty_million_first
  FROM (SELECT * FROM cl WHERE customer_id = 9001) a
 CROSS JOIN (SELECT s.state, r.priority_rank
			   FROM dormancy.customer_status s
			   JOIN (SELECT customer_id, rank() OVER (ORDER BY value_tier, priority_score DESC, customer_id) AS priority_rank
					   FROM dormancy.customer_status) r USING (customer_id)
			  WHERE s.customer_id = 9002) b;

-- each rep's own list: owner_order counts within the owner
SELECT owner, count(*) > 0 AS has_customers, min(owner_order) AS first, max(owner_order) = count(*) AS numbered
  FROM cl GROUP BY owner ORDER BY owner;
SELECT count(*) AS sato_top_5 FROM dormancy.call_list WHERE owner = 'Sato' AND owner_order <= 5;

-- without a stored distribution: no tier (the list ranks by score alone);
-- value_percentile on the absolute scale of value_cap
DELETE FROM dormancy.value_distribution;
SELECT customer_id, value_tier, round(value_percentile::numeric) AS value_percentile
  FROM dormancy.customer_status WHERE customer_id IN (9001, 9004) ORDER BY customer_id;

-- a refresh keeps the stored distribution (fit_models() writes it), so the
-- snapshot ranks as the live list does
SELECT count(*) AS stored FROM dormancy.value_distribution;
SET client_min_messages = error;
SELECT count(*) > 0 AS refitted FROM dormancy.fit_models();
SET client_min_messages = warning;
CALL dormancy.refresh();
SELECT measure, customers > 1000 AS many FROM dormancy.value_distribution ORDER BY measure;
SELECT count(*) AS differing
  FROM (SELECT customer_id::text, call_order FROM dormancy.call_list
		EXCEPT
		SELECT customer_id, call_rank FROM dormancy.snapshot_call_list) d;
SELECT count(*) <= 0.15 * 2004 AS snapshot_list_short,
	   count(DISTINCT owner) = 3 AS owners
  FROM dormancy.snapshot_call_list;

SELECT dormancy.unbind('events');
SELECT dormancy.unbind('deals');
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
-- unbinding the customers forgets their value distribution
SELECT count(*) AS distribution_left FROM dormancy.value_distribution;
DELETE FROM dormancy.models;
DROP SCHEMA demo CASCADE;
