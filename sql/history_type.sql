-- The purchase_history type and aggregate: folding, text and binary I/O,
-- malformed input, merge, NULLs, every order time type, time zones.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

-- folding: same-day orders merge, refunds net, NULL amounts are unknown orders
SELECT dormancy.purchase_history(d, a)
  FROM (VALUES (date '2026-01-05', 100.0::float8), ('2026-01-05', 20.5), ('2026-01-01', 7),
			   ('2026-01-05', -10), ('2026-02-01', NULL), (NULL, 5)) AS v(d, a);
-- discounted orders are counted (a discounted refund is not an order)
SELECT dormancy.purchase_history(d, a, disc)
  FROM (VALUES (date '2026-01-05', 100.0::float8, true), ('2026-01-05', 20, false),
			   ('2026-01-06', -5, true), ('2026-01-07', 3, NULL)) AS v(d, a, disc);
-- no rows: NULL; rows without a day: an empty history
SELECT dormancy.purchase_history(d, a) IS NULL AS no_rows FROM (SELECT date '2026-01-01', 1.0::float8 WHERE false) AS v(d, a);
SELECT dormancy.purchase_history(NULL::date, 5.0);
-- NaN and infinite amounts are unknown, infinite days are left out
SELECT dormancy.purchase_history(d, a)
  FROM (VALUES (date '2026-01-01', 'NaN'::float8), ('2026-01-01', 'Infinity'), ('infinity', 3)) AS v(d, a);

-- the inspection function
SELECT * FROM dormancy.purchase_history_days('{2026-01-01 orders=2 amount=10 max=7 refunds=1 unknown=1 discounted=1; 2026-01-02 orders=0 amount=-3 refunds=1}');

-- timestamp: the date part is the day; timestamptz: the day in dormancy.time_zone
SELECT dormancy.purchase_history(t, 1) FROM (VALUES (timestamp '2026-01-01 23:59:59'), ('2026-01-02 00:00')) AS v(t);
SELECT dormancy.purchase_history(t, 1) FROM (VALUES (timestamptz '2026-01-01 23:30+00'), ('2026-01-02 00:30+00')) AS v(t);
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT dormancy.purchase_history(t, 1) FROM (VALUES (timestamptz '2026-01-01 23:30+00'), ('2026-01-02 00:30+00')) AS v(t);
SET dormancy.time_zone = 'America/New_York';
SELECT dormancy.purchase_history(t, 1) FROM (VALUES (timestamptz '2026-01-01 23:30+00'), ('2026-01-02 00:30+00')) AS v(t);
-- around a daylight saving change (2026-03-08 02:00 in New York)
SELECT dormancy.purchase_history(t, 1) FROM (VALUES (timestamptz '2026-03-08 04:59+00'), ('2026-03-08 05:00+00'), ('2026-03-09 03:59+00'), ('2026-03-09 04:00+00')) AS v(t);
RESET dormancy.time_zone;
-- dates before 2000 and far ahead
SELECT dormancy.purchase_history(d, 1) FROM (VALUES (date '1999-12-31'), ('1970-01-01'), ('2400-02-29'), ('0044-03-15 BC')) AS v(d);

-- text round trip keeps every field; unsorted input is rejected, empty history is fine
SELECT h::text = dormancy.purchase_history_in(h::text::cstring)::text AS round_trip
  FROM (SELECT dormancy.purchase_history(d, a, disc) AS h
		  FROM (VALUES (date '2026-01-05', 0.1::float8, true), ('2026-01-05', 0.2, false),
					   ('2025-12-31', -1e-300, false), ('2026-03-01', 1e300, NULL), ('2026-03-02', NULL, true)) AS v(d, a, disc)) AS x;
SELECT '{}'::dormancy.purchase_history, ' { } '::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 max=5}'::dormancy.purchase_history;

-- malformed text is refused, one case each
SELECT ''::dormancy.purchase_history;
SELECT '2026-01-01 orders=1'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5} x'::dormancy.purchase_history;
SELECT '{2026-13-01 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-02-29 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026/01/01 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=abc}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=NaN}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=Infinity}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=1e999}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=-1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=99999999999 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 colour=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders 1}'::dormancy.purchase_history;
SELECT '{2026-01-02 orders=1 amount=5 max=5; 2026-01-01 orders=1 amount=5 max=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 max=5; 2026-01-01 orders=1 amount=5 max=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 2026-01-02 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 unknown=2 amount=0}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 max=Infinity}'::dormancy.purchase_history;

-- input accepts exactly the days the aggregate can produce (22P02 otherwise)
CREATE FUNCTION pg_temp.try_history(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	detail text;
BEGIN
	PERFORM t::dormancy.purchase_history;
	RETURN 'accepted';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || detail;
END
$$;
SELECT n, what, pg_temp.try_history(t) AS result
  FROM (VALUES
	(1, 'refund-only day, positive net', '{2026-01-01 orders=0 amount=5 refunds=1}'),
	(2, 'refund-only day, zero net', '{2026-01-01 orders=0 amount=0 refunds=2}'),
	(3, 'refund and unknown order, zero net', '{2026-01-01 orders=1 unknown=1 amount=0 refunds=1}'),
	(4, 'largest order above the net', '{2026-01-01 orders=1 amount=5 max=9}'),
	(5, 'negative net without refunds', '{2026-01-01 orders=2 amount=-1 max=0}'),
	(6, 'negative largest order', '{2026-01-01 orders=1 amount=5 max=-5}'),
	(7, 'known order without largest order', '{2026-01-01 orders=1 amount=5}'),
	(8, 'largest order on an unknown-only day', '{2026-01-01 orders=1 unknown=1 amount=0 max=3}'),
	(9, 'amount on an unknown-only day', '{2026-01-01 orders=1 unknown=1 amount=4}'),
	(10, 'a field twice', '{2026-01-01 orders=1 amount=5 max=5 orders=2}'),
	(11, 'amount twice', '{2026-01-01 orders=1 amount=5 max=5 amount=5}'),
	(12, 'amount underflowing to zero', '{2026-01-01 orders=1 amount=1e-400 max=0}'),
	(13, 'bad second day', '{2026-01-01 orders=1 amount=5 max=5; 2026-01-02 orders=0 amount=1 refunds=1}'),
	(20, 'subnormal order', '{2026-01-01 orders=1 amount=1e-310 max=1e-310}'),
	(21, 'smallest subnormal refund', '{2026-01-01 orders=0 amount=-5e-324 refunds=1}'),
	(22, 'refund above the order', '{2026-01-01 orders=1 amount=-20 max=10 refunds=1}'),
	(23, 'orders of zero', '{2026-01-01 orders=2 amount=0 max=0}'),
	(24, 'unknown order and refund', '{2026-01-01 orders=1 unknown=1 amount=-3 refunds=1}'),
	(25, 'saturated counts', '{2026-01-01 orders=2147483647 unknown=2147483647 amount=7 max=7}')
  ) v(n, what, t) ORDER BY n;
-- binary input (recv) applies the same rules (22P03, invalid binary representation)
CREATE FUNCTION pg_temp.day_bytes(day int, orders int, refunds int, unknown int, discounted int,
								  amount float8, max float8) RETURNS bytea LANGUAGE sql AS $$
	SELECT int4send(day) || int4send(orders) || int4send(refunds) || int4send(unknown) ||
		   int4send(discounted) || int4send(0) || float8send(amount) || float8send(max)
$$;
-- a bytea column copied out in binary reads back as its raw bytes: the send format
CREATE FUNCTION pg_temp.try_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	detail text;
	result text;
	-- the server's file in its own data directory (gone with a throwaway
	-- server; /tmp was shared by every run on the machine)
	file text := current_setting('data_directory') || '/dormancy_regress_recv.bin';
BEGIN
	CREATE TEMP TABLE recv_bytes (b bytea);
	CREATE TEMP TABLE recv_history (h dormancy.purchase_history);
	INSERT INTO recv_bytes VALUES (bytes);
	EXECUTE format('COPY recv_bytes TO %L (FORMAT binary)', file);
	EXECUTE format('COPY recv_history FROM %L (FORMAT binary)', file);
	SELECT h::text INTO result FROM recv_history;
	DROP TABLE recv_bytes, recv_history;
	RETURN result;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || detail;
END
$$;
SELECT n, what, pg_temp.try_recv('\x01'::bytea || int4send(1) || b) AS result
  FROM (VALUES
	(1, 'well formed', pg_temp.day_bytes(9497, 1, 0, 0, 0, 5, 5)),
	(2, 'refund-only day, positive net', pg_temp.day_bytes(9497, 0, 1, 0, 0, 5, '-Infinity')),
	(3, 'largest order above the net', pg_temp.day_bytes(9497, 1, 0, 0, 0, 5, 9)),
	(4, 'negative largest order', pg_temp.day_bytes(9497, 1, 0, 0, 0, 5, -5)),
	(5, 'NaN amount', pg_temp.day_bytes(9497, 1, 0, 0, 0, 'NaN', 5)),
	(6, 'day out of range', pg_temp.day_bytes(2145031949, 1, 0, 0, 0, 5, 5)),
	(7, 'subnormal order', pg_temp.day_bytes(9497, 1, 0, 0, 0, 1e-310, 1e-310))
  ) v(n, what, b) ORDER BY n;
SELECT pg_temp.try_recv('\x01'::bytea || int4send(2) || pg_temp.day_bytes(9497, 1, 0, 0, 0, 5, 5)
						|| pg_temp.day_bytes(9497, 1, 0, 0, 0, 5, 5)) AS same_day_twice;

-- subnormal amounts: the output reads back (a plain pg_dump restores them)
SELECT h::text AS history, h::text::dormancy.purchase_history::text = h::text AS text_round_trip
  FROM (SELECT dormancy.purchase_history(d, a) AS h
		  FROM (VALUES (date '2026-01-01', 1e-310::float8), ('2026-01-02', -2.5e-320), ('2026-01-02', 5e-324),
					   ('2026-01-03', 2.2250738585072014e-308), ('2026-01-03', -4.9406564584124654e-324)) AS v(d, a)) x;

-- every history the aggregate, union and merge produce reads back, in text and binary
SELECT setseed(0.5);
CREATE TABLE prop_orders AS
SELECT (s.r1 * 40)::int AS c, (s.r2 * 3)::int AS cat, date '2026-01-01' + (s.r3 * 20)::int AS d,
	   CASE WHEN s.r4 < 0.1 THEN NULL
			WHEN s.r4 < 0.3 THEN -round((s.r5 * 100)::numeric, 2)::float8
			WHEN s.r4 < 0.35 THEN 0
			WHEN s.r4 < 0.4 THEN s.r5 * 1e-310
			WHEN s.r4 < 0.45 THEN s.r5 * 1e300
			ELSE round((s.r5 * 1000)::numeric, 2)::float8 END AS a,
	   s.r6 < 0.2 AS disc
  FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
		  FROM generate_series(1, 6000) g) s;
CREATE TABLE prop_histories AS
SELECT 'aggregate' AS kind, c, dormancy.purchase_history(d, a, disc) AS h FROM prop_orders GROUP BY c
UNION ALL
SELECT 'union', c, dormancy.purchase_history_union(h) FROM
	(SELECT c, cat, dormancy.purchase_history(d, a, disc) AS h FROM prop_orders GROUP BY c, cat) x GROUP BY c
UNION ALL
SELECT 'merge', x.c, dormancy.purchase_history_merge(x.h, y.h)
  FROM (SELECT c, dormancy.purchase_history(d, a, disc) AS h FROM prop_orders WHERE cat = 0 GROUP BY c) x
  JOIN (SELECT c, dormancy.purchase_history(d, a, disc) AS h FROM prop_orders WHERE cat = 1 GROUP BY c) y USING (c)
UNION ALL
SELECT 'refunds only', c, dormancy.purchase_history(d, a) FROM prop_orders WHERE a < 0 GROUP BY c
UNION ALL
SELECT 'unknown only', c, dormancy.purchase_history(d, a) FROM prop_orders WHERE a IS NULL GROUP BY c;
-- the kinds of day covered
SELECT count(*) FILTER (WHERE d.orders = 0) AS refund_only_days,
	   count(*) FILTER (WHERE d.orders = d.unknown_amount_orders AND d.refunds = 0) AS unknown_only_days,
	   count(*) FILTER (WHERE d.refunds > 0 AND d.orders > d.unknown_amount_orders) AS mixed_days,
	   count(*) FILTER (WHERE abs(d.amount) < 2.2250738585072014e-308 AND d.amount <> 0) AS subnormal_days
  FROM prop_histories p, dormancy.purchase_history_days(p.h) d;
SELECT kind, count(*) AS histories,
	   count(*) FILTER (WHERE h::text::dormancy.purchase_history::text = h::text
						  AND dormancy.purchase_history_send(h::text::dormancy.purchase_history)
							  = dormancy.purchase_history_send(h)) AS text_round_trips
  FROM prop_histories GROUP BY kind ORDER BY kind;
SELECT d || '/dormancy_regress_prop.bin' AS prop_file, d || '/dormancy_regress_hist.bin' AS hist_file,
	   d || '/dormancy_regress_hist.txt' AS hist_text_file
  FROM current_setting('data_directory') d \gset
COPY prop_histories TO :'prop_file' (FORMAT binary);
CREATE TABLE prop_histories2 (LIKE prop_histories);
COPY prop_histories2 FROM :'prop_file' (FORMAT binary);
SELECT count(*) AS histories,
	   count(*) FILTER (WHERE dormancy.purchase_history_send(a.h) = dormancy.purchase_history_send(b.h)) AS binary_round_trips
  FROM prop_histories a JOIN prop_histories2 b USING (kind, c);
DROP TABLE prop_orders, prop_histories, prop_histories2;

-- binary COPY round trip
CREATE TABLE hist_copy (id int, h dormancy.purchase_history);
INSERT INTO hist_copy
SELECT c, dormancy.purchase_history(date '2026-01-01' + (c * g) % 400, (g % 7 - 1) * 10.5, g % 3 = 0)
  FROM generate_series(1, 50) AS c, generate_series(1, 30) AS g
 GROUP BY c;
INSERT INTO hist_copy VALUES (51, '{}'), (52, NULL);
COPY hist_copy TO :'hist_file' (FORMAT binary);
CREATE TABLE hist_copy2 (LIKE hist_copy);
COPY hist_copy2 FROM :'hist_file' (FORMAT binary);
SELECT count(*) AS rows, count(*) FILTER (WHERE a.h::text IS NOT DISTINCT FROM b.h::text) AS identical
  FROM hist_copy a JOIN hist_copy2 b USING (id);
-- text COPY too
COPY hist_copy TO :'hist_text_file';
TRUNCATE hist_copy2;
COPY hist_copy2 FROM :'hist_text_file';
SELECT count(*) FILTER (WHERE a.h::text IS NOT DISTINCT FROM b.h::text) AS identical
  FROM hist_copy a JOIN hist_copy2 b USING (id);

-- merge: equals the aggregate over both sets of orders; NULL is empty
CREATE TABLE merge_orders AS
SELECT (g % 20) AS c, date '2025-01-01' + (g * 7919) % 500 AS d, ((g * 31) % 200 - 20)::float8 AS a, g % 5 = 0 AS disc, g
  FROM generate_series(1, 4000) AS g;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE dormancy.purchase_history_merge(x.h1, x.h2)::text = x.h_all::text) AS merge_matches
  FROM (SELECT c,
			   dormancy.purchase_history(d, a, disc) FILTER (WHERE g <= 2500) AS h1,
			   dormancy.purchase_history(d, a, disc) FILTER (WHERE g > 2500) AS h2,
			   dormancy.purchase_history(d, a, disc) AS h_all
		  FROM merge_orders GROUP BY c) AS x;
SELECT dormancy.purchase_history_merge(NULL, '{2026-01-01 orders=1 amount=1 max=1}');
SELECT dormancy.purchase_history_merge('{2026-01-01 orders=1 amount=1 max=1}', NULL);
SELECT dormancy.purchase_history_merge(NULL, NULL) IS NULL AS both_null;
SELECT dormancy.purchase_history_merge('{2026-01-01 orders=1 amount=1 max=1}', '{2026-01-01 orders=2 amount=3 max=2 refunds=1; 2026-01-03 orders=1 amount=1 max=1}');

-- the aggregate does not depend on input order (compaction happens in chunks)
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE x.asc_h::text = x.desc_h::text AND x.asc_h::text = x.rand_h::text) AS same
  FROM (SELECT c,
			   dormancy.purchase_history(d, a ORDER BY d, g) AS asc_h,
			   dormancy.purchase_history(d, a ORDER BY d DESC, g DESC) AS desc_h,
			   dormancy.purchase_history(d, a ORDER BY (g * 2654435761) % 4294967296) AS rand_h
		  FROM merge_orders GROUP BY c) AS x;

-- history_summary against the days it was built from
SELECT (dormancy.history_summary(h, '2026-01-31')).*
  FROM (SELECT '{2025-12-01 orders=2 amount=30 max=20 discounted=1; 2026-01-05 orders=0 amount=-5 refunds=1; 2026-01-10 orders=1 amount=0 unknown=1; 2026-02-01 orders=1 amount=9 max=9}'::dormancy.purchase_history AS h) AS x;
SELECT (dormancy.history_summary(NULL, '2026-01-31')).*;
SELECT dormancy.history_summary('{}', NULL) IS NULL AS null_as_of;
SELECT (dormancy.history_summary('{2025-12-01 orders=1 amount=30 max=30}', '-infinity')).order_days,
	   (dormancy.history_summary('{2025-12-01 orders=1 amount=30 max=30}', 'infinity')).order_days;


DROP TABLE hist_copy, hist_copy2, merge_orders;

-- extremes: sums beyond double precision are refused, counts saturate
SELECT dormancy.purchase_history(d, a) FROM (VALUES (date '2026-01-01', 1e308::float8), ('2026-01-01', 1e308)) AS v(d, a);
SELECT dormancy.purchase_history_merge('{2024-01-01 orders=1 amount=1e308 max=1e308}', '{2024-01-01 orders=1 amount=1e308 max=1e308}');
SELECT dormancy.purchase_history_merge('{2024-01-01 orders=2147483647 amount=1 max=1}', '{2024-01-01 orders=1 amount=1 max=1}');
