-- Looking ahead (customer_status.p_alive_ahead, p_purchase_ahead,
-- expected_dormancy_day; model_lookahead, bgnbd_p_purchase,
-- bgnbd_dormant_age) on the CDNOW sample: checked against the BG/NBD closed
-- forms written out in plain SQL, against the NBD probability of a first
-- purchase, and against what the CDNOW customers did in the 39 weeks after
-- the calibration period (counted here from the raw transactions).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
CREATE SCHEMA la;
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/CDNOW_sample.txt'
CREATE TABLE la.cdnow AS
SELECT f[2]::int AS id, to_date(f[3], 'YYYYMMDD') AS day, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line, E' \r\t'), '\s+') AS f FROM raw WHERE btrim(line, E' \r\t') <> '') AS x;
-- $0.00 days are purchase days (unknown amounts), as in the published summary
CREATE VIEW la.orders AS SELECT id, day, nullif(dollars, 0) AS dollars FROM la.cdnow WHERE day <= '1998-06-30';
SELECT dormancy.bind_orders('la.orders', customer => 'id', ordered_at => 'day', amount => 'dollars');
-- one model, weekly, looking 39 weeks ahead
INSERT INTO dormancy.model_settings (segment_by, lookahead) VALUES ('none', '273 days');
SET dormancy.as_of = '1997-09-30';
SELECT count(*) AS models FROM dormancy.fit_models();
CREATE TABLE la.m AS SELECT bgnbd AS m FROM dormancy.models WHERE segment_kind = 'all';
SELECT round((m).r::numeric, 3) AS r, round((m).alpha::numeric, 3) AS alpha,
	   round((m).a::numeric, 3) AS a, round((m).b::numeric, 3) AS b FROM la.m;
CREATE TABLE la.cs AS
SELECT customer_id, frequency, recency_days / 7.0 AS t_x, age_days / 7.0 AS t, first_order_at,
	   p_alive, p_alive_ahead, p_purchase_ahead, expected_dormancy_day
  FROM dormancy.customer_status;

-- the closed form of P(alive) in plain SQL, at an age T
CREATE FUNCTION la.p_alive(m dormancy.bgnbd, x integer, t_x double precision, t double precision)
	RETURNS double precision LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN x = 0 THEN 1
				ELSE 1 / (1 + (m).a / ((m).b + x - 1) * power(((m).alpha + t) / ((m).alpha + t_x), (m).r + x)) END;

-- p_alive_ahead is P(alive) 39 weeks on, silent all along
SELECT count(*) AS customers,
	   max(abs(c.p_alive_ahead - la.p_alive(m.m, c.frequency, c.t_x, c.t + 39))) < 1e-12 AS ahead_is_closed_form,
	   bool_and(c.p_alive_ahead <= c.p_alive) AS never_above_now
  FROM la.cs c, la.m m;

-- the expected dormancy day: P(alive) is at the threshold (0.5) on the
-- dormant age, above it a day earlier; recency when it is already below
-- right after the last purchase; none without repeat purchases
SELECT count(*) FILTER (WHERE c.frequency = 0) AS one_time,
	   count(*) FILTER (WHERE c.frequency = 0 AND c.expected_dormancy_day IS NULL) AS one_time_without_day,
	   count(*) FILTER (WHERE c.frequency > 0 AND c.expected_dormancy_day IS NOT NULL) AS repeat_with_day,
	   count(*) FILTER (WHERE c.frequency > 0 AND la.p_alive(m.m, c.frequency, c.t_x, c.t_x) <= 0.5) AS below_at_last_purchase,
	   bool_and(abs(la.p_alive(m.m, c.frequency, c.t_x, d.age) - 0.5) < 1e-9)
		   FILTER (WHERE c.frequency > 0 AND la.p_alive(m.m, c.frequency, c.t_x, c.t_x) > 0.5) AS at_threshold,
	   bool_and(d.age = c.t_x) FILTER (WHERE c.frequency > 0 AND la.p_alive(m.m, c.frequency, c.t_x, c.t_x) <= 0.5) AS at_last_purchase,
	   bool_and(la.p_alive(m.m, c.frequency, c.t_x, (c.expected_dormancy_day - c.first_order_at) / 7.0) < 0.5
			AND la.p_alive(m.m, c.frequency, c.t_x, (c.expected_dormancy_day - 1 - c.first_order_at) / 7.0) >= 0.5)
		   FILTER (WHERE c.frequency > 0 AND la.p_alive(m.m, c.frequency, c.t_x, c.t_x) > 0.5) AS first_day_below
  FROM la.cs c, la.m m,
	   LATERAL (SELECT dormancy.bgnbd_dormant_age(m.m, c.frequency, c.t_x, 0.5) AS age) d;

-- a threshold of 0.9: for the customers already below it right after their
-- last purchase the day is that purchase's (it was the day after for some,
-- the dormant age times the unit rounded up in floating point); the others
-- reach it on the first day below
UPDATE dormancy.model_settings SET p_alive_threshold = 0.9;
SELECT count(*) FILTER (WHERE la.p_alive(m.m, c.frequency, c.recency_days / 7.0, c.recency_days / 7.0) < 0.9) AS below_at_last_purchase,
	   count(*) FILTER (WHERE la.p_alive(m.m, c.frequency, c.recency_days / 7.0, c.recency_days / 7.0) < 0.9
						  AND c.expected_dormancy_day IS DISTINCT FROM c.last_order_at) AS not_on_last_purchase_day,
	   bool_and(la.p_alive(m.m, c.frequency, c.recency_days / 7.0, (c.expected_dormancy_day - c.first_order_at) / 7.0) < 0.9
				AND la.p_alive(m.m, c.frequency, c.recency_days / 7.0, (c.expected_dormancy_day - 1 - c.first_order_at) / 7.0) >= 0.9)
		   FILTER (WHERE la.p_alive(m.m, c.frequency, c.recency_days / 7.0, c.recency_days / 7.0) >= 0.9) AS first_day_below
  FROM dormancy.customer_status c, la.m m
 WHERE c.frequency > 0;
UPDATE dormancy.model_settings SET p_alive_threshold = 0.5;

-- a threshold above P(alive) right after the last purchase: the day is the
-- last purchase's; without repeat purchases: never (Infinity)
SELECT la.p_alive(m.m, 1, 20, 20) < 0.9 AS below_already,
	   dormancy.bgnbd_dormant_age(m.m, 1, 20, 0.9) AS at_recency,
	   dormancy.bgnbd_dormant_age(m.m, 0, 0, 0.5) AS never
  FROM la.m m;

-- P(a purchase within t): a customer without repeat purchases at age 0 buys
-- with the NBD probability 1 - (alpha / (alpha + t))^r; none in no time; every
-- customer alive buys eventually (p_alive); more time, more chance
SELECT abs(dormancy.bgnbd_p_purchase(m.m, 10, 0, 0, 0) - (1 - power((m.m).alpha / ((m.m).alpha + 10), (m.m).r))) < 1e-14 AS nbd,
	   dormancy.bgnbd_p_purchase(m.m, 0, 3, 20, 30) AS in_no_time,
	   abs(dormancy.bgnbd_p_purchase(m.m, 1e12, 3, 20, 30) - dormancy.bgnbd_p_alive(m.m, 3, 20, 30)) < 1e-6 AS eventually_p_alive,
	   dormancy.bgnbd_p_purchase(m.m, 10, 3, 20, 30) < dormancy.bgnbd_p_purchase(m.m, 20, 3, 20, 30) AS grows
  FROM la.m m;

-- what the customers did: predicted and actual customers with a purchase day
-- in the 39 weeks after 1997-09-30, by repeat purchases in the calibration
-- period (the model's own check, as Fader, Hardie & Lee's figures)
WITH actual AS (
	SELECT DISTINCT id FROM la.cdnow WHERE day > '1997-09-30' AND day <= '1998-06-30'
)
SELECT CASE WHEN c.frequency >= 7 THEN '7+' ELSE c.frequency::text END AS bucket,
	   count(*) AS customers,
	   round(sum(c.p_purchase_ahead)::numeric, 1) AS predicted,
	   count(a.id) AS actual
  FROM la.cs c LEFT JOIN actual a ON a.id = c.customer_id
 GROUP BY ROLLUP (1) ORDER BY 1 NULLS LAST;
WITH actual AS (
	SELECT DISTINCT id FROM la.cdnow WHERE day > '1997-09-30' AND day <= '1998-06-30'
)
SELECT sum(c.p_purchase_ahead) / count(a.id) BETWEEN 0.85 AND 1.15 AS within_15_percent
  FROM la.cs c LEFT JOIN actual a ON a.id = c.customer_id;

-- the call lists carry the day and the chance of a purchase
SELECT attname FROM pg_attribute
 WHERE attrelid = 'dormancy.call_list'::regclass AND attname IN ('expected_dormancy_day', 'p_purchase_ahead')
 ORDER BY 1;
-- one bad input gives NULLs and a reason, never an error
SELECT p_alive_ahead, p_purchase_ahead, dormant_age, problem
  FROM dormancy.model_lookahead((SELECT m FROM la.m), 3, 40, 30, 10, 0.5);
SELECT p_alive_ahead IS NULL AS no_value, problem
  FROM dormancy.model_lookahead((SELECT m FROM la.m), 3, 20, 30, 10, 1.5);
SELECT dormancy.bgnbd_dormant_age((SELECT m FROM la.m), 3, 20, 0);
SELECT dormancy.bgnbd_p_purchase((SELECT m FROM la.m), -1, 3, 20, 30);
-- the settings are checked
UPDATE dormancy.model_settings SET p_alive_threshold = 1;
UPDATE dormancy.model_settings SET lookahead = '1 month';

RESET dormancy.as_of;
DELETE FROM dormancy.model_settings;
DELETE FROM dormancy.models;
SELECT dormancy.unbind('orders');
DROP SCHEMA la CASCADE;
