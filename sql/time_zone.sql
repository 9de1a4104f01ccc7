-- dormancy.time_zone follows the session's TimeZone by default: on a server
-- in Tokyo, an order at 23:30 JST falls on that Tokyo day and one at 00:10
-- JST on the next, not on the UTC day they share.  The incremental refresh's
-- stored days are rebuilt when the zone in force changes.
SET client_min_messages = warning;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Asia/Tokyo';
-- the installed default is empty (the test database pins UTC for the other
-- tests: setup.sql); SET to the default gives back the session's zone
SELECT dormancy.local_day(now()) IS NOT NULL AS library_loaded;
SELECT boot_val = '' AS default_is_empty FROM pg_settings WHERE name = 'dormancy.time_zone';
SET dormancy.time_zone = '';
SHOW dormancy.time_zone;
SELECT current_setting('dormancy.time_zone') AS in_force, dormancy.local_day('2026-10-01 23:30+09') AS late_evening,
	   dormancy.local_day('2026-10-02 00:10+09') AS after_midnight;
-- an infinite instant is on an infinite day, as (ts AT TIME ZONE zone)::date
-- gives (it was an error)
SELECT dormancy.local_day('infinity') AS local_day, ('infinity'::timestamptz AT TIME ZONE 'Asia/Tokyo')::date AS plain;
SELECT dormancy.local_day('-infinity') AS local_day, ('-infinity'::timestamptz AT TIME ZONE 'Asia/Tokyo')::date AS plain;
\i test/sql_ref/unbind_all.sql
SET dormancy.as_of = '2026-11-01';
SELECT dormancy.as_of() AS as_of_instant, dormancy.as_of_day();

CREATE SCHEMA tz_t;
CREATE TABLE tz_t.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE tz_t.orders (account integer, at timestamptz, total numeric);
INSERT INTO tz_t.accounts VALUES (1, 'late evening and after midnight'), (2, 'the evening before the as-of day'),
	(3, 'noon');
INSERT INTO tz_t.orders VALUES
	(1, '2026-10-01 23:30+09', 1000), (1, '2026-10-02 00:10+09', 1000),
	(2, '2026-10-31 23:30+09', 500),
	(3, '2026-06-01 12:00+09', 700);
SELECT dormancy.bind_customers('tz_t.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('tz_t.orders', customer => 'account', ordered_at => 'at', amount => 'total') IS NOT NULL AS bound;

-- customer 1 bought on two Tokyo days (both orders fall on 2026-10-01 in UTC)
SELECT customer_id, first_order_at, last_order_at, order_days, segment, days_since_last_order
  FROM dormancy.customer_status ORDER BY customer_id;

-- the same with the zone named, whatever the session's TimeZone
SET TimeZone = 'UTC';
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT customer_id, first_order_at, last_order_at, order_days, segment
  FROM dormancy.customer_status ORDER BY customer_id;
-- and a UTC session with the default: UTC days
SET dormancy.time_zone = '';
SHOW dormancy.time_zone;
SELECT customer_id, first_order_at, last_order_at, order_days, segment
  FROM dormancy.customer_status ORDER BY customer_id;

-- the refresh stores days in the zone in force and rebuilds them when it
-- changes (a nightly job runs with the server's TimeZone: a session of the
-- same TimeZone gets the same days, and an incremental refresh)
SET TimeZone = 'Asia/Tokyo';
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT time_zone, complete FROM dormancy.history_store_state;
CREATE VIEW tz_t.last_run AS
SELECT outcome, history_mode, history_reason FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
INSERT INTO tz_t.orders VALUES (3, '2026-10-15 23:50+09', 700);
CALL dormancy.refresh();
SELECT * FROM tz_t.last_run;
SELECT customer_key, last_order_at, order_days FROM dormancy.status_snapshot ORDER BY customer_key;
-- a session in UTC (the default follows it): the stored Tokyo days are rebuilt
SET TimeZone = 'UTC';
CALL dormancy.refresh();
SELECT * FROM tz_t.last_run;
SELECT time_zone FROM dormancy.history_store_state;
SELECT customer_key, last_order_at, order_days FROM dormancy.status_snapshot ORDER BY customer_key;
-- naming the zone that is in force already changes nothing
SET dormancy.time_zone = 'UTC';
CALL dormancy.refresh();
SELECT * FROM tz_t.last_run;

-- The zone as a value of the query (scale-out: a Citus worker or a
-- postgres_fdw shard folds the orders in the zone it is given, whatever its
-- own settings): _time_zone_in_force() names the zone in force, a JSON
-- string; _local_time() is its wall-clock time there, IMMUTABLE.
SET TimeZone = 'UTC';
RESET dormancy.time_zone;
SELECT dormancy._time_zone_in_force();
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT dormancy._time_zone_in_force();
-- 23:30 and 00:10 in Tokyo, on either side of midnight, whatever the session's zone
SET TimeZone = 'America/Los_Angeles';
SELECT t, dormancy._local_time(t, '"Asia/Tokyo"') AS tokyo, dormancy._local_time(t, '"Asia/Tokyo"')::date AS day
  FROM (VALUES (timestamptz '2026-10-31 23:30+09'), (timestamptz '2026-11-01 00:10+09'),
			   (timestamptz 'infinity'), (NULL)) v(t);
SELECT dormancy._local_time(date '2026-11-01', '"Asia/Tokyo"'), dormancy._local_time(timestamp '2026-11-01 00:10', '"UTC"');
SELECT p.proname, p.provolatile, pg_catalog.pg_get_function_identity_arguments(p.oid)
  FROM pg_proc p WHERE p.proname = '_local_time' ORDER BY 3;
-- against PostgreSQL's own timezone(), in a zone with summer time and one
-- without, for instants in a shuffled order (the offset of the last instant
-- is reused while it holds): every 7 hours 13 minutes over 1995-2030, the
-- seconds on either side of each change of the clocks, and 1880-1950
SELECT z.zone, count(*) AS instants,
	   count(*) FILTER (WHERE dormancy._local_time(i.t, to_jsonb(z.zone)) IS DISTINCT FROM timezone(z.zone, i.t)) AS differing
  FROM (VALUES ('America/Los_Angeles'), ('Asia/Tokyo'), ('Europe/London')) z(zone)
 CROSS JOIN LATERAL (
	SELECT t FROM (
		SELECT g AS t FROM generate_series(timestamptz '1995-01-01 00:00+00', '2030-12-31', interval '7 hours 13 minutes') g
		UNION ALL
		SELECT b + d * interval '1 second'
		  FROM generate_series(timestamptz '1995-03-08 10:00+00', '2030-12-31', interval '1 day') b,
			   (VALUES (-1), (0), (1)) v(d)
		 WHERE extract(hour FROM timezone(z.zone, b)) IS NOT NULL
		   AND timezone(z.zone, b - interval '1 hour') + interval '1 hour' <> timezone(z.zone, b)
		UNION ALL
		SELECT g FROM generate_series(timestamptz '1880-01-01 00:00+00', '1950-12-31', interval '97 hours') g) x
	ORDER BY hashtext(t::text)) i
 GROUP BY 1 ORDER BY 1;
-- a bad zone is an error, not a wrong day
SELECT dormancy._local_time(timestamptz '2026-11-01 00:10+09', '"Mars/Olympus"');
SELECT dormancy._local_time(timestamptz '2026-11-01 00:10+09', '9');
-- the views take the zone in force, not the session's TimeZone: the same days
-- in Los Angeles as in Tokyo with dormancy.time_zone = 'Asia/Tokyo'
CREATE TEMP TABLE tz_days_la AS
SELECT customer_id, history::text FROM dormancy.customer_histories ORDER BY customer_id;
SET TimeZone = 'Asia/Tokyo';
SELECT count(*) AS histories, count(*) FILTER (WHERE h.history::text IS DISTINCT FROM la.history) AS differing
  FROM dormancy.customer_histories h FULL JOIN tz_days_la la USING (customer_id);
SET TimeZone = 'UTC';

RESET dormancy.time_zone;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA tz_t CASCADE;
