-- Decline metrics (issue #3): settings tables, dormancy.decline_metrics() on
-- hand-made histories (edge cases with known answers, argument errors), and
-- every metric against an independent plain-SQL computation of the same
-- definition on a few hundred generated customers.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

--
-- Settings
--

-- empty by default: the defaults are in force, and they equal the column defaults
SELECT count(*) AS rows FROM dormancy.decline_settings;
SELECT * FROM dormancy.decline_settings_in_force();
BEGIN;
CREATE TEMP TABLE fallback AS SELECT dormancy.decline_settings_in_force() AS s;
INSERT INTO dormancy.decline_settings DEFAULT VALUES;
SELECT (SELECT s FROM dormancy.decline_settings s) = (SELECT s FROM fallback) AS defaults_agree;
ROLLBACK;

-- a partial override, then one row only
BEGIN;
INSERT INTO dormancy.decline_settings (window_length, overdue_threshold) VALUES ('6 months', 3);
SELECT window_length, trend_years, overdue_threshold FROM dormancy.decline_settings_in_force();
INSERT INTO dormancy.decline_settings (window_length) VALUES ('1 year');
ROLLBACK;
INSERT INTO dormancy.decline_settings (singleton) VALUES (false);

-- CHECK constraints, one violation each
INSERT INTO dormancy.decline_settings (window_length) VALUES ('0 days');
INSERT INTO dormancy.decline_settings (window_length) VALUES ('1 day 02:00');
INSERT INTO dormancy.decline_settings (window_length) VALUES ('1 month -1 day');
INSERT INTO dormancy.decline_settings (season_length) VALUES ('-3 months');
INSERT INTO dormancy.decline_settings (trend_years) VALUES (0);
INSERT INTO dormancy.decline_settings (trend_years) VALUES (101);
INSERT INTO dormancy.decline_settings (amount_drop_threshold) VALUES (0);
INSERT INTO dormancy.decline_settings (frequency_drop_threshold) VALUES (1.5);
INSERT INTO dormancy.decline_settings (cadence_slowdown_threshold) VALUES ('NaN');
INSERT INTO dormancy.decline_settings (overdue_threshold) VALUES (0.5);
INSERT INTO dormancy.decline_settings (overdue_threshold) VALUES ('infinity');
INSERT INTO dormancy.decline_settings (season_drop_threshold) VALUES (-0.1);
INSERT INTO dormancy.decline_settings (trend_drop_threshold) VALUES (-0.1);
INSERT INTO dormancy.decline_settings (trend_min_points) VALUES (1);
SELECT count(*) AS rows FROM dormancy.decline_settings;

-- price changes: valid rows, and what is refused
BEGIN;
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note) VALUES
	('2024-04-01', NULL, 8, 'price_increase', 'list prices +8%'),
	('2024-04-01', 'toner', NULL, 'spec_change', 'new cartridge format'),
	('2024-04-01', 'toner', 12, 'price_increase', NULL);
SELECT count(*) AS rows FROM dormancy.price_changes;
-- NULL categories are equal in the key: one change per day, category and kind
INSERT INTO dormancy.price_changes (changed_at, category, kind) VALUES ('2024-04-01', NULL, 'price_increase');
ROLLBACK;
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('2024-05-01', 'discount');
INSERT INTO dormancy.price_changes (changed_at, change_pct, kind) VALUES ('2024-05-01', -5, 'price_increase');
INSERT INTO dormancy.price_changes (changed_at, category, kind) VALUES ('2024-05-01', ' ', 'spec_change');
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('infinity', 'spec_change');
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES (NULL, 'spec_change');
SELECT count(*) AS rows FROM dormancy.price_changes;

-- both tables keep user rows in pg_dump
SELECT c.relname, e.extcondition[array_position(e.extconfig, c.oid)] AS filter
  FROM pg_extension e JOIN pg_class c ON c.oid = ANY (e.extconfig)
 WHERE e.extname = 'dormancy' AND c.relname IN ('decline_settings', 'price_changes')
 ORDER BY c.relname COLLATE "C";

--
-- Hand-made histories
--

-- decline_metrics with the default settings and discounted known
CREATE FUNCTION pg_temp.dm(h dormancy.purchase_history, as_of date)
	RETURNS dormancy.decline_metrics LANGUAGE sql
	RETURN dormancy.decline_metrics(h, as_of, '12 months', 3, '3 months',
									0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, true);

-- STRICT: a customer without orders has no history and no metrics
SELECT pg_temp.dm(NULL, '2024-06-30') IS NULL AS no_history_no_metrics;

-- one purchase day: no gaps, no prior window, one trend point
SELECT m.mean_gap_days, m.median_gap_days, m.gap_stddev_days, m.overdue_ratio,
	   m.recent_amount, m.recent_orders, m.amount_change, m.frequency_change,
	   m.trend_points, m.amount_trend, m.declining, m.decline_signals, m.campaign_only
  FROM (SELECT dormancy.purchase_history(d, a, true) h
		  FROM (VALUES (date '2024-01-15', 120::float8)) o(d, a)) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- two orders on one day, then a second day 40 days later: one gap of 40
SELECT m.mean_gap_days, m.median_gap_days, m.gap_stddev_days, m.overdue_ratio,
	   m.recent_amount, m.recent_orders, m.campaign_only
  FROM (SELECT dormancy.purchase_history(d, a, disc) h
		  FROM (VALUES (date '2024-03-01', 40::float8, true), ('2024-03-01', 60, false),
					   ('2024-04-10', 10, true)) o(d, a, disc)) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- odd and even counts of gaps: medians 20 and 25
SELECT n, m.mean_gap_days, m.median_gap_days, round(m.gap_stddev_days::numeric, 6) AS gap_stddev_days
  FROM (SELECT n, dormancy.purchase_history(date '2023-01-01' + g, 10) h
		  FROM (VALUES (3, ARRAY[0, 10, 30, 90]), (4, ARRAY[0, 30, 40, 80, 100])) v(n, gaps),
			   unnest(v.gaps) g
		 GROUP BY n) s,
	   LATERAL pg_temp.dm(s.h, '2023-05-01') m
 ORDER BY n;

-- leap day: as_of 2024-02-29, W 12 months, S 3 months.  Amounts are powers
-- of two, so each window sum names its days: recent (2023-02-28, 2024-02-29],
-- prior (2022-02-28, 2023-02-28], season (2023-11-29, 2024-02-29],
-- last season (2022-11-28, 2023-02-28].
SELECT m.recent_amount, m.prior_amount, m.season_amount, m.last_season_amount,
	   m.season_orders, m.last_season_orders, round(m.same_season_change::numeric, 6) AS same_season_change
  FROM (SELECT dormancy.purchase_history(d, a) h
		  FROM (VALUES (date '2023-02-28', 1::float8), ('2023-03-01', 2),
					   ('2022-11-28', 4), ('2022-11-29', 8),
					   ('2023-11-29', 16), ('2023-11-30', 32),
					   ('2024-02-29', 64), ('2022-02-28', 128), ('2022-03-01', 256)) o(d, a)) s,
	   LATERAL pg_temp.dm(s.h, '2024-02-29') m;

-- the same days with W = 365 days (not a calendar year) and as_of 2025-02-28
SELECT w, as_of, m.recent_amount, m.prior_amount
  FROM (SELECT dormancy.purchase_history(d, a) h
		  FROM (VALUES (date '2023-02-28', 1::float8), ('2023-03-01', 2), ('2024-02-29', 4),
					   ('2024-03-01', 8), ('2025-02-28', 16)) o(d, a)) s,
	   (VALUES (interval '12 months', date '2024-02-29'), ('365 days', '2024-02-29'),
			   ('12 months', '2025-02-28'), ('365 days', '2025-02-28')) v(w, as_of),
	   LATERAL dormancy.decline_metrics(s.h, v.as_of, v.w, 3, '3 months',
										0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) m
 ORDER BY v.as_of, v.w;

-- refunds: a refund-only day and a day netting to zero are not purchase days,
-- but their net counts in the window amounts
SELECT m.recent_amount, m.recent_orders, m.prior_amount, m.median_gap_days, m.amount_change
  FROM (SELECT dormancy.purchase_history(d, a) h
		  FROM (VALUES (date '2023-03-01', 200::float8), ('2023-04-01', 200),
					   ('2024-01-01', 150), ('2024-01-20', -50),
					   ('2024-03-01', 80), ('2024-03-01', -80)) o(d, a)) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- a prior window that nets negative: amount_change is NULL, frequency is not
SELECT m.prior_amount, m.amount_change, m.frequency_change
  FROM (SELECT dormancy.purchase_history(d, a) h
		  FROM (VALUES (date '2023-03-01', 20::float8), ('2023-03-02', -70), ('2024-03-01', 10)) o(d, a)) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- every purchase in the prior window: amount and frequency fall by 100%
SELECT m.recent_amount, m.prior_amount, m.amount_change, m.frequency_change,
	   round(m.overdue_ratio::numeric, 4) AS overdue_ratio, m.declining, m.decline_signals
  FROM (SELECT dormancy.purchase_history(d, 25) h
		  FROM unnest(ARRAY[date '2023-01-10', '2023-02-10', '2023-03-10', '2023-04-10']) d) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- monthly became bimonthly: cadence_change 1
SELECT m.earlier_median_gap_days, m.recent_median_gap_days, m.cadence_change, m.decline_signals
  FROM (SELECT dormancy.purchase_history(d, 10) h
		  FROM (SELECT date '2023-06-30' - 30 * i FROM generate_series(0, 10) i
				UNION ALL
				SELECT date '2023-06-30' + 60 * i FROM generate_series(1, 6) i) o(d)) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- a falling amount: -1 per day is -365.25 per year
SELECT m.trend_points, m.amount_trend, round(m.relative_trend::numeric, 6) AS relative_trend, m.decline_signals
  FROM (SELECT dormancy.purchase_history(date '2023-05-27' + 100 * i, 1000 - 100 * i) h
		  FROM generate_series(0, 3) i) s,
	   LATERAL pg_temp.dm(s.h, '2024-06-30') m;

-- orders after as_of are ignored: the same metrics as without them
SELECT a IS NOT DISTINCT FROM b AS future_ignored
  FROM (SELECT pg_temp.dm(dormancy.purchase_history(d, x), '2024-06-30') a
		  FROM (VALUES (date '2022-09-01', 70::float8), ('2023-05-01', 90), ('2024-01-01', 30), ('2024-05-01', 10)) o(d, x)) s1,
	   (SELECT pg_temp.dm(dormancy.purchase_history(d, x), '2024-06-30') b
		  FROM (VALUES (date '2022-09-01', 70::float8), ('2023-05-01', 90), ('2024-01-01', 30), ('2024-05-01', 10),
					   ('2024-07-01', 1000), ('2025-01-01', -5000)) o(d, x)) s2;

-- as_of before every order: nothing counts
SELECT m.mean_gap_days, m.recent_amount, m.recent_orders, m.trend_points, m.declining, m.campaign_only
  FROM (SELECT dormancy.purchase_history(d, 10, true) h
		  FROM unnest(ARRAY[date '2024-01-01', '2024-02-01']) d) s,
	   LATERAL pg_temp.dm(s.h, '2023-12-31') m;

-- campaign_only: NULL when the discounted column is unknown
SELECT known, m.campaign_only
  FROM (SELECT dormancy.purchase_history(d, 10, true) h
		  FROM unnest(ARRAY[date '2024-01-01', '2024-02-01']) d) s,
	   (VALUES (true), (false)) v(known),
	   LATERAL dormancy.decline_metrics(s.h, '2024-06-30', '12 months', 3, '3 months',
										0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, v.known) m
 ORDER BY known;

-- the settings overload gives the same row as the explicit arguments
SELECT dormancy.decline_metrics(h, '2024-06-30', dormancy.decline_settings_in_force(), true)
	   IS NOT DISTINCT FROM pg_temp.dm(h, '2024-06-30') AS overload_agrees
  FROM (SELECT dormancy.purchase_history(d, x, true) h
		  FROM (VALUES (date '2022-09-01', 70::float8), ('2023-05-01', 90), ('2024-01-01', 30)) o(d, x)) s;

-- argument errors
CREATE TEMP TABLE one AS SELECT dormancy.purchase_history(date '2024-01-01', 10) h;
SELECT dormancy.decline_metrics(h, 'infinity', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '0 days', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '1 day 01:00', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '1 month -1 day', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 0, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 'NaN', 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 0.3, 'infinity', 2.0, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 0.9, 0.3, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 1.1, 0.1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, -1, 4, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 1, false) FROM one;
-- a settings row made outside the table is checked the same way
SELECT dormancy.decline_metrics(h, '2024-06-30', ROW(true, NULL, 3, '3 months', 0.3, 0.3, 0.5, 2, 0.3, 0.1, 4)::dormancy.decline_settings, false) FROM one;
SELECT dormancy.decline_metrics(h, '2024-06-30', ROW(true, '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2, 0.3, 0.1, 0)::dormancy.decline_settings, false) FROM one;
-- a boundary before the first representable day
SELECT dormancy.decline_metrics(h, '4714-11-30 BC', '12 months', 3, '3 months', 0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, false) FROM one;

--
-- Generated customers against plain SQL
--

-- 400 customers with their own cadence, jitter, refunds, unknown amounts,
-- same-day orders, discounts and orders after some as-of days; amounts are
-- whole quarters so sums are exact in any order
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.3);
CREATE TEMP TABLE cust AS
SELECT c, 1 + floor(random() * 90)::int AS cadence, floor(random() * 60)::int AS jitter,
	   floor(random() * 2500)::int AS span, floor(random() * 50)::int AS n,
	   (ARRAY[0, 0.5, 1])[1 + floor(random() * 3)::int] AS p_disc,
	   random() < 0.3 AS slows
  FROM generate_series(1, 400) c;
CREATE TEMP TABLE orders AS
SELECT c.c, o.ordered_at, o.u,
	   CASE WHEN o.u < 0.05 THEN NULL
			WHEN o.u < 0.12 THEN -round(random() * 800) / 4
			ELSE round(random() * 4000) / 4 + 0.25 END::float8 AS amount,
	   random() < c.p_disc AS discounted
  FROM cust c,
	   LATERAL (SELECT date '2025-01-31' - c.span
					   + k * c.cadence * CASE WHEN c.slows AND k > c.n / 2 THEN 2 ELSE 1 END
					   + floor(random() * (c.jitter + 1))::int AS ordered_at,
					   random() AS u
				  FROM generate_series(0, c.n) k) o;
-- same-day second orders for some rows
INSERT INTO orders
SELECT c, ordered_at, 1, round(random() * 400) / 4, random() < 0.5 FROM orders WHERE u > 0.9;
SELECT count(*) > 5000 AS enough_orders, count(DISTINCT c) = 400 AS all_customers FROM orders;

-- the settings to compare under: leap day, month ends, whole days
CREATE TEMP TABLE params (p int, as_of date, w interval, n int, s interval);
INSERT INTO params VALUES
	(1, '2024-02-29', '12 months', 3, '3 months'),
	(2, '2023-03-31', '1 month', 1, '45 days'),
	(3, '2024-12-31', '90 days', 2, '2 months'),
	(4, '2023-08-31', '6 months', 5, '6 months');

-- the C side: one aggregate pass per customer, then the function per setting
CREATE TEMP TABLE hist AS
SELECT c, dormancy.purchase_history(ordered_at, amount, discounted) h FROM orders GROUP BY c;
CREATE TEMP TABLE got AS
SELECT p.p, s.c, m.*
  FROM hist s CROSS JOIN params p,
	   LATERAL dormancy.decline_metrics(s.h, p.as_of, p.w, p.n, p.s,
										0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4, true) m;

-- the plain-SQL side, from the order rows
CREATE TEMP VIEW ref_orders AS SELECT c, ordered_at, amount, discounted FROM orders;
\set ECHO none
\i test/sql_ref/decline_want.sql
\set ECHO all

SELECT (SELECT count(*) FROM got) = 1600 AS got_all, (SELECT count(*) FROM want) = 1600 AS want_all;

-- equal to floating-point tolerance, NULL where the other is NULL
CREATE FUNCTION pg_temp.same(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE
	RETURN (a IS NULL AND b IS NULL)
		OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b));

-- per metric: customers (x settings) that differ, and whether enough of them
-- have the metric defined for the comparison to mean something
SELECT v.metric, count(*) FILTER (WHERE NOT v.equal) AS mismatches,
	   count(*) FILTER (WHERE v.defined) >= 100 AS exercised
  FROM got x JOIN want y USING (p, c),
	   LATERAL (VALUES
		   ('mean_gap_days', pg_temp.same(x.mean_gap_days, y.mean_gap_days), x.mean_gap_days IS NOT NULL),
		   ('median_gap_days', pg_temp.same(x.median_gap_days, y.median_gap_days), x.median_gap_days IS NOT NULL),
		   ('gap_stddev_days', pg_temp.same(x.gap_stddev_days, y.gap_stddev_days), x.gap_stddev_days IS NOT NULL),
		   ('overdue_ratio', pg_temp.same(x.overdue_ratio, y.overdue_ratio), x.overdue_ratio IS NOT NULL),
		   ('recent_amount', pg_temp.same(x.recent_amount, y.recent_amount), x.recent_amount <> 0),
		   ('prior_amount', pg_temp.same(x.prior_amount, y.prior_amount), x.prior_amount <> 0),
		   ('recent_orders', x.recent_orders = y.recent_orders, x.recent_orders > 0),
		   ('prior_orders', x.prior_orders = y.prior_orders, x.prior_orders > 0),
		   ('amount_change', pg_temp.same(x.amount_change, y.amount_change), x.amount_change IS NOT NULL),
		   ('frequency_change', pg_temp.same(x.frequency_change, y.frequency_change), x.frequency_change IS NOT NULL),
		   ('amount_trend', pg_temp.same(x.amount_trend, y.amount_trend), x.amount_trend IS NOT NULL),
		   ('trend_points', x.trend_points = y.trend_points, x.trend_points > 1),
		   ('relative_trend', pg_temp.same(x.relative_trend, y.relative_trend), x.relative_trend IS NOT NULL),
		   ('recent_median_gap_days', pg_temp.same(x.recent_median_gap_days, y.recent_median_gap_days), x.recent_median_gap_days IS NOT NULL),
		   ('earlier_median_gap_days', pg_temp.same(x.earlier_median_gap_days, y.earlier_median_gap_days), x.earlier_median_gap_days IS NOT NULL),
		   ('cadence_change', pg_temp.same(x.cadence_change, y.cadence_change), x.cadence_change IS NOT NULL),
		   ('season_amount', pg_temp.same(x.season_amount, y.season_amount), x.season_amount <> 0),
		   ('last_season_amount', pg_temp.same(x.last_season_amount, y.last_season_amount), x.last_season_amount <> 0),
		   ('season_orders', x.season_orders = y.season_orders, x.season_orders > 0),
		   ('last_season_orders', x.last_season_orders = y.last_season_orders, x.last_season_orders > 0),
		   ('same_season_change', pg_temp.same(x.same_season_change, y.same_season_change), x.same_season_change IS NOT NULL),
		   ('decline_signals', x.decline_signals = y.decline_signals, cardinality(x.decline_signals) > 0),
		   ('declining', x.declining = (cardinality(y.decline_signals) > 0), x.declining),
		   ('campaign_only', x.campaign_only = y.campaign_only, x.campaign_only)
	   ) v(metric, equal, defined)
 GROUP BY v.metric
 ORDER BY min(array_position(ARRAY['mean_gap_days', 'median_gap_days', 'gap_stddev_days', 'overdue_ratio',
	'recent_amount', 'prior_amount', 'recent_orders', 'prior_orders', 'amount_change', 'frequency_change',
	'amount_trend', 'trend_points', 'relative_trend', 'recent_median_gap_days', 'earlier_median_gap_days',
	'cadence_change', 'season_amount', 'last_season_amount', 'season_orders', 'last_season_orders',
	'same_season_change', 'decline_signals', 'declining', 'campaign_only'], v.metric));

-- every signal fires somewhere, and not everywhere
SELECT s.signal, count(*) FILTER (WHERE s.signal = ANY (x.decline_signals)) BETWEEN 10 AND 1500 AS fires_sometimes
  FROM got x,
	   unnest(ARRAY['amount_drop', 'frequency_drop', 'cadence_slowdown', 'overdue', 'season_drop',
					'negative_trend']) WITH ORDINALITY s(signal, i)
 GROUP BY s.signal, s.i
 ORDER BY s.i;

-- still one scan of the orders: the metrics ride on the one aggregate pass
\i test/sql_ref/plan_lines.sql
SELECT count(*) AS scans_of_orders
  FROM pg_temp.plan_lines($$
	SELECT s.c, m.*
	  FROM (SELECT c, dormancy.purchase_history(ordered_at, amount, discounted) h
			  FROM orders GROUP BY c) s,
		   LATERAL dormancy.decline_metrics(s.h, date '2024-02-29', dormancy.decline_settings_in_force(), true) m $$) l
 WHERE l ~ 'Scan on orders';
