-- A price change recorded for one category applies only to purchases in that
-- category: with no category bound it applies to no customer (and says so,
-- when written and in source_issues); a change with category NULL applies to
-- everyone; with categories bound, a customer whose purchases have no
-- category is not matched by a category's change.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.price_changes;
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA pc_t;
CREATE TABLE pc_t.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE pc_t.lines (account integer, at date, total numeric, category text);
INSERT INTO pc_t.accounts VALUES (1, 'paper buyer'), (2, 'ink buyer'), (3, 'lines without category');
-- each bought monthly until March 2026, then nothing
INSERT INTO pc_t.lines
SELECT a.id, d::date, 1000, CASE a.id WHEN 1 THEN 'paper' WHEN 2 THEN 'ink' END
  FROM pc_t.accounts a, generate_series(date '2025-06-01', date '2026-03-01', interval '1 month') d;
SELECT dormancy.bind_customers('pc_t.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
-- bound without the category column
SELECT dormancy.bind_orders('pc_t.lines', customer => 'account', ordered_at => 'at', amount => 'total') IS NOT NULL AS bound;

-- a change for paper: a WARNING, and it applies to nobody
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note)
VALUES ('2026-04-01', 'paper', 10, 'price_increase', 'paper +10%');
SELECT customer_id, lapsed_after_price_increase, price_increase, likely_reason
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT source, issue, value, rows FROM dormancy.source_issues WHERE source = 'price_changes' ORDER BY value;
-- a change for every category applies to everyone who bought before it (no warning)
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note)
VALUES ('2026-04-15', NULL, 5, 'price_increase', 'list prices +5%');
SELECT customer_id, lapsed_after_price_increase, price_increase, likely_reason
  FROM dormancy.customer_status ORDER BY customer_id;
DELETE FROM dormancy.price_changes WHERE category IS NULL;

-- with the category bound: the paper change matches the paper buyer only,
-- not the ink buyer nor the customer whose lines have no category; no issue
SELECT dormancy.bind_orders('pc_t.lines', customer => 'account', ordered_at => 'at', amount => 'total',
							category => 'category') IS NOT NULL AS bound;
SELECT customer_id, lapsed_after_price_increase, price_increase, likely_reason
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT count(*) AS price_change_issues FROM dormancy.source_issues WHERE source = 'price_changes';
-- no warning now
UPDATE dormancy.price_changes SET category = 'ink' WHERE category = 'paper';
SELECT customer_id, lapsed_after_price_increase, price_increase
  FROM dormancy.customer_status ORDER BY customer_id;

DELETE FROM dormancy.price_changes;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA pc_t CASCADE;
