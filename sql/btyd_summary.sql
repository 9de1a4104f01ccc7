-- btyd_summary on the CDNOW sample (test/data/CDNOW_sample.txt, 2,357
-- customers, calibration to 1997-09-30, weekly units) reproduces the published
-- per-customer summary (test/data/cdnow_customers_summary_with_transactions.csv,
-- rounded there to 2 decimals, so compared to half a cent)
-- customer by customer; plus units, as-of and error cases.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TEMP TABLE cdnow_tx AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[4]::int AS cds, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
CREATE TEMP TABLE published (id int, x int, t_x float8, t float8, zbar float8);
\copy published FROM 'test/data/cdnow_customers_summary_with_transactions.csv' WITH (FORMAT csv, HEADER)
SELECT count(*) AS transactions, count(DISTINCT id) AS customers FROM cdnow_tx;

CREATE TEMP TABLE ours AS
SELECT id, (dormancy.btyd_summary(dormancy.purchase_history(day, dollars::float8), '1997-09-30', '7 days')).*
  FROM cdnow_tx WHERE day <= '1997-09-30' GROUP BY id;
-- The published summary counts a $0.00 day as a purchase; here a day whose
-- net is not positive is no purchase day (README).  So: equal for every
-- customer without a $0.00 day in the calibration period, and each customer
-- that differs has one.
CREATE TEMP TABLE zero_day_customers AS
SELECT DISTINCT id FROM cdnow_tx WHERE day <= '1997-09-30' GROUP BY id, day HAVING sum(dollars) = 0;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE z.id IS NOT NULL) AS with_zero_days,
	   count(*) FILTER (WHERE z.id IS NULL AND NOT (
			o.frequency = p.x
		AND abs(o.recency - p.t_x) < 0.005
		AND abs(o.age - p.t) < 0.005
		AND ((p.x = 0 AND o.monetary_value IS NULL) OR abs(o.monetary_value - p.zbar) <= 0.00501))) AS mismatched
  FROM ours o FULL JOIN published p USING (id) LEFT JOIN zero_day_customers z USING (id);
SELECT count(*) AS zero_day_customers_that_differ
  FROM ours o JOIN published p USING (id) JOIN zero_day_customers z USING (id)
 WHERE o.frequency <> p.x OR abs(o.monetary_value - p.zbar) > 0.00501 OR o.monetary_value IS NULL;

-- units: days, weeks, fractional days; the as-of day is a day in dormancy.time_zone
SELECT (dormancy.btyd_summary(h, '2026-01-31', '1 day')).*,
	   (dormancy.btyd_summary(h, '2026-01-31', '7 days')).recency AS recency_weeks,
	   (dormancy.btyd_summary(h, '2026-01-31', '12 hours')).age AS age_half_days
  FROM (SELECT '{2026-01-01 orders=1 amount=10 max=10; 2026-01-08 orders=2 amount=30 max=20; 2026-01-15 orders=0 amount=-5 refunds=1; 2026-01-22 orders=1 amount=0 unknown=1; 2026-02-05 orders=1 amount=99 max=99}'::dormancy.purchase_history AS h) AS x;
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT (dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', '2026-01-31 16:00+00')).age;
-- at a day given (date): no zone is read, so the age stays 30 days in any
-- zone, where the instant above is already the next day in Tokyo
SELECT (dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', date '2026-01-31')).age AS age_tokyo;
SET dormancy.time_zone = 'America/Los_Angeles';
SELECT (dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', date '2026-01-31')).age AS age_los_angeles,
	   (dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', '2026-01-31 16:00+00')).age AS instant_los_angeles;
-- the day version equals the instant version at that instant's day
SELECT dormancy.btyd_summary(h, dormancy.as_of_day(), '7 days') = dormancy.btyd_summary(h, dormancy.as_of(), '7 days') AS same
  FROM (SELECT '{2026-01-01 orders=1 amount=10 max=10; 2026-01-08 orders=2 amount=30 max=20; 2026-02-05 orders=1 amount=99 max=99}'::dormancy.purchase_history AS h) AS x;
RESET dormancy.time_zone;
-- one purchase day: frequency 0, no monetary value; none by as_of: NULL
SELECT (dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', '2026-01-31')).*;
SELECT dormancy.btyd_summary('{2026-01-01 orders=1 amount=10 max=10}', '2025-12-31') IS NULL AS none_yet;
SELECT dormancy.btyd_summary('{}', '2025-12-31') IS NULL AS empty;
-- units must be a fixed positive length
SELECT dormancy.btyd_summary('{}', '2025-12-31', '1 month');
SELECT dormancy.btyd_summary('{}', '2025-12-31', '0 days');
SELECT dormancy.btyd_summary('{}', '2025-12-31', '-7 days');
