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
SELECT '{2026-01-02 orders=1 amount=5; 2026-01-01 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5; 2026-01-01 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 2026-01-02 orders=1 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 unknown=2 amount=5}'::dormancy.purchase_history;
SELECT '{2026-01-01 orders=1 amount=5 max=Infinity}'::dormancy.purchase_history;

-- binary COPY round trip
CREATE TABLE hist_copy (id int, h dormancy.purchase_history);
INSERT INTO hist_copy
SELECT c, dormancy.purchase_history(date '2026-01-01' + (c * g) % 400, (g % 7 - 1) * 10.5, g % 3 = 0)
  FROM generate_series(1, 50) AS c, generate_series(1, 30) AS g
 GROUP BY c;
INSERT INTO hist_copy VALUES (51, '{}'), (52, NULL);
COPY hist_copy TO '/tmp/dormancy_regress_hist.bin' (FORMAT binary);
CREATE TABLE hist_copy2 (LIKE hist_copy);
COPY hist_copy2 FROM '/tmp/dormancy_regress_hist.bin' (FORMAT binary);
SELECT count(*) AS rows, count(*) FILTER (WHERE a.h::text IS NOT DISTINCT FROM b.h::text) AS identical
  FROM hist_copy a JOIN hist_copy2 b USING (id);
-- text COPY too
COPY hist_copy TO '/tmp/dormancy_regress_hist.txt';
TRUNCATE hist_copy2;
COPY hist_copy2 FROM '/tmp/dormancy_regress_hist.txt';
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
