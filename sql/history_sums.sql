-- Order-independent day sums (issue 10, item 12): the same orders give the
-- same bits whatever the order of the rows, of the partial states and of the
-- histories of a union; customers with the same orders get the same score,
-- and equal scores rank by customer id, in the live view and the snapshot.
-- (Serial against parallel plans: sql/parallel.sql.)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA hs;

-- mixed magnitudes, refunds among them: naive float sums depend on the order
CREATE TABLE hs.o AS
SELECT g, g % 7 AS c, g % 5 AS cat, date '2026-01-01' + g % 3 AS d,
	   (ARRAY[0.1, 0.2, 0.3, 1e16, -1e16, 1, 12345.67, -0.07, 3.3e-5, 7e15])[1 + (g * 7919) % 10]::float8 AS a
  FROM generate_series(1, 2000) g;
SELECT count(*) AS customer_days,
	   count(*) FILTER (WHERE s1 <> s2 OR s1 <> s3) > 0 AS naive_sums_differ
  FROM (SELECT c, d, sum(a ORDER BY g) AS s1, sum(a ORDER BY g DESC) AS s2,
			   sum(a ORDER BY (g * 2654435761) % 4294967296) AS s3
		  FROM hs.o GROUP BY c, d) x;

-- the aggregate: bit-identical in three row orders (binary form compared)
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE dormancy.purchase_history_send(h1) = dormancy.purchase_history_send(h2)
						  AND dormancy.purchase_history_send(h1) = dormancy.purchase_history_send(h3)) AS identical
  FROM (SELECT c, dormancy.purchase_history(d, a ORDER BY g) AS h1,
			   dormancy.purchase_history(d, a ORDER BY g DESC) AS h2,
			   dormancy.purchase_history(d, a ORDER BY (g * 2654435761) % 4294967296) AS h3
		  FROM hs.o GROUP BY c) x;
-- the day sums are the exact sums rounded once: 0.1 + 0.2 + 0.3 is 0.6 in any order
-- (naively 0.6000000000000001 in the first), 1e16 + 1 - 1e16 is 1 (naively 0 in the second)
SELECT a, b, c, dormancy.purchase_history(date '2026-01-01', x ORDER BY o)::text AS history
  FROM (VALUES (0.1::float8, 0.2::float8, 0.3::float8), (0.3, 0.2, 0.1), (1e16, 1, -1e16), (1, -1e16, 1e16)) v(a, b, c),
	   LATERAL (VALUES (1, a), (2, b), (3, c)) w(o, x)
 GROUP BY a, b, c ORDER BY a, b, c;

-- the union of category histories: bit-identical in any order of the categories
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE dormancy.purchase_history_send(u1) = dormancy.purchase_history_send(u2)
						  AND dormancy.purchase_history_send(u1) = dormancy.purchase_history_send(u3)) AS identical
  FROM (SELECT c, dormancy.purchase_history_union(h ORDER BY cat) AS u1,
			   dormancy.purchase_history_union(h ORDER BY cat DESC) AS u2,
			   dormancy.purchase_history_union(h ORDER BY (cat * 3) % 5) AS u3
		  FROM (SELECT c, cat, dormancy.purchase_history(d, a) AS h FROM hs.o GROUP BY c, cat) x
		 GROUP BY c) y;
-- merge of two histories is symmetric
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE dormancy.purchase_history_send(dormancy.purchase_history_merge(x.h, y.h))
						    = dormancy.purchase_history_send(dormancy.purchase_history_merge(y.h, x.h))) AS symmetric
  FROM (SELECT c, cat, dormancy.purchase_history(d, a) AS h FROM hs.o GROUP BY c, cat) x
  JOIN (SELECT c, cat, dormancy.purchase_history(d, a) AS h FROM hs.o GROUP BY c, cat) y
	ON x.c = y.c AND x.cat < y.cat;

-- ties: customers 1 and 2 order the same amounts on the same days, in rows
-- of another order (naively 3333.9999999999995 and 3334.0000000000005 a day);
-- 3 and 4 likewise with 0.1, 0.2, 0.3
CREATE TABLE hs.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE hs.invoices (account integer, day date, total numeric);
INSERT INTO hs.accounts VALUES (1, 'twin one'), (2, 'twin two'), (3, 'small one'), (4, 'small two');
INSERT INTO hs.invoices
SELECT v.account, d, v.total
  FROM generate_series(date '2025-01-01', '2025-06-01', '1 month') d,
	   LATERAL (VALUES (1, 1, 1000.2), (1, 2, 333.33), (1, 3, 0.07), (1, 4, 1000.3), (1, 5, 1000.1),
					   (2, 1, 1000.1), (2, 2, 1000.2), (2, 3, 1000.3), (2, 4, 0.07), (2, 5, 333.33),
					   (3, 1, 0.3), (3, 2, 0.2), (3, 3, 0.1),
					   (4, 1, 0.1), (4, 2, 0.2), (4, 3, 0.3)) v(account, o, total)
 ORDER BY d, v.account, v.o;
SELECT dormancy.bind_customers('hs.accounts', id => 'id', name => 'name');
SELECT dormancy.bind_orders('hs.invoices', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT customer_id, history::text FROM dormancy.customer_histories ORDER BY customer_id;
-- customer_status has no rank (call_list and the snapshot rank): the same window here
CREATE VIEW hs.ranked AS
SELECT cs.*, rank() OVER (ORDER BY cs.priority_score DESC, cs.customer_id) AS priority_rank
  FROM dormancy.customer_status cs;
SELECT a.customer_id, b.customer_id AS twin,
	   a.total_amount = b.total_amount AS same_total,
	   a.priority_score = b.priority_score AS same_score,
	   b.priority_rank - a.priority_rank AS rank_gap
  FROM hs.ranked a JOIN hs.ranked b ON b.customer_id = a.customer_id + 1
 WHERE a.customer_id IN (1, 3) ORDER BY a.customer_id;
SELECT customer_id, priority_rank FROM hs.ranked ORDER BY priority_rank;
-- the snapshot keeps those ranks, and its call list breaks ties by customer id too
CALL dormancy.refresh();
SELECT s.customer_key, s.priority_rank, s.priority_rank = c.priority_rank AS same_as_live,
	   s.total_amount = c.total_amount AS same_total_as_live
  FROM dormancy.status_snapshot s JOIN hs.ranked c ON c.customer_id::text = s.customer_key
 ORDER BY s.priority_rank;
DROP VIEW hs.ranked;
SELECT call_rank, customer_id FROM dormancy.snapshot_call_list ORDER BY call_rank;
-- segment_summary sums in numeric: the plan's order does not matter there either
SELECT state, customers, total_amount,
	   total_amount = (SELECT sum(x.total_amount::numeric)::float8 FROM dormancy.status_snapshot x
						WHERE x.state = g.state) AS exact
  FROM dormancy.segment_summary g ORDER BY state COLLATE "C";
-- the same in every row order: rewrite the table reversed, the histories keep their bits
CREATE TABLE hs.histories_before AS SELECT customer_id, dormancy.purchase_history_send(history) AS bytes FROM dormancy.customer_histories;
CREATE TABLE hs.reversed AS SELECT * FROM hs.invoices ORDER BY ctid DESC;
TRUNCATE hs.invoices;
INSERT INTO hs.invoices SELECT * FROM hs.reversed;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE b.bytes = dormancy.purchase_history_send(h.history)) AS identical
  FROM hs.histories_before b JOIN dormancy.customer_histories h USING (customer_id);

SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s;
DROP SCHEMA hs CASCADE;
