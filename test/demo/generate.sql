-- Demo data: a B2B/B2C seller's accounts and invoices, deterministic.
--   psql -v customers=2000 -v seed=0.42 -f test/demo/generate.sql
-- (optional: -v gap_scale=0.8 shortens every regular buyer's gaps, for more
-- orders per customer; test/bench/evaluation.sh uses it.  Default 1.)
-- Creates schema demo with demo.accounts and demo.invoices, shaped like a
-- user's own tables (their own column names), covering: industries and sizes
-- with their rhythms, churn at a random time, slowing customers, one-time and
-- campaign-only buyers, customers who never bought, refunds, unknown amounts,
-- orders of unknown customers and orders without a date.  Orders run up to
-- 2026-10-31, the day before the demo's as-of day.
\set ON_ERROR_STOP on
\if :{?gap_scale}
\else
\set gap_scale 1
\endif
SET max_parallel_workers_per_gather = 0;	-- one process: random() draws in a fixed order
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;
SELECT setseed(:seed) \gset

-- one row per customer with the parameters of its buying process
CREATE TABLE demo.profile AS
SELECT i AS account_id,
	   (ARRAY['consumables', 'consumables', 'consumables', 'it_services', 'it_services',
			  'manufacturing', 'manufacturing', 'ec', 'ec', 'ec', 'retail', NULL])[1 + floor(random() * 12)::int] AS sector,
	   (ARRAY['smb', 'smb', 'smb', 'smb', 'mid', 'mid', 'mid', 'enterprise', 'enterprise', NULL])[1 + floor(random() * 10)::int] AS size_class,
	   date '2020-01-01' + floor(random() * 2400)::int AS first_day,
	   random() AS u_kind,		-- never / one-time / campaign-only / regular
	   random() AS u_churn,		-- churned, and when
	   random() AS u_slow,		-- slowing down
	   random() AS u_gap,
	   random() AS u_basket
  FROM generate_series(1, :customers) AS i;

CREATE TABLE demo.accounts (
	account_id integer PRIMARY KEY,
	account_name text NOT NULL,
	sector text,
	size_class text
);
INSERT INTO demo.accounts
SELECT p.account_id,
	   CASE p.account_id % 4
		   WHEN 0 THEN format('株式会社デモ%s', p.account_id)
		   WHEN 1 THEN format('Demo %s Co., Ltd.', p.account_id)
		   WHEN 2 THEN format('(株)サンプル%s', p.account_id)
		   ELSE format('Example %s Inc.', p.account_id) END,
	   p.sector, p.size_class
  FROM demo.profile p;

-- the rhythm per customer: mean gap in days by industry, spread by u_gap
CREATE TABLE demo.process AS
SELECT p.*,
	   :gap_scale * CASE p.sector
		   WHEN 'consumables' THEN 20 + 40 * p.u_gap
		   WHEN 'it_services' THEN 330 + 60 * p.u_gap
		   WHEN 'manufacturing' THEN 90 + 270 * p.u_gap
		   WHEN 'ec' THEN 30 + 120 * p.u_gap
		   WHEN 'retail' THEN 365
		   ELSE 30 + 300 * p.u_gap END AS gap,
	   CASE p.sector
		   WHEN 'manufacturing' THEN 2000 + 20000 * p.u_basket
		   WHEN 'it_services' THEN 1000 + 9000 * p.u_basket
		   WHEN 'consumables' THEN 50 + 500 * p.u_basket
		   ELSE 20 + 200 * p.u_basket END AS basket,
	   CASE WHEN p.u_kind < 0.08 THEN 'never'
			WHEN p.u_kind < 0.30 THEN 'one_time'
			WHEN p.u_kind < 0.38 THEN 'campaign_only'
			ELSE 'regular' END AS kind,
	   -- 45% stop buying at some point after their first order
	   CASE WHEN p.u_churn < 0.45
			THEN p.first_day + floor((date '2026-10-31' - p.first_day) * p.u_churn / 0.45)::int END AS churn_day,
	   -- 20% slow down: gap k grows like k^slow
	   CASE WHEN p.u_slow < 0.20 THEN 1.0 + 0.6 * p.u_slow / 0.20 ELSE 1.0 END AS slow
  FROM demo.profile p;

CREATE TABLE demo.invoices (
	invoice_id bigserial PRIMARY KEY,
	account_id integer,
	invoiced_on timestamptz,
	total numeric(12, 2),
	category text,
	discounted boolean NOT NULL DEFAULT false
);

-- regular and campaign-only buyers: orders at first_day + gap * k^slow + jitter
INSERT INTO demo.invoices (account_id, invoiced_on, total, category, discounted)
SELECT o.account_id,
	   (o.day + make_interval(mins => floor(random() * 1440)::int))::timestamp AT TIME ZONE 'Asia/Tokyo',
	   round((o.basket * (0.5 + random()))::numeric, 2),
	   (ARRAY['core', 'core', 'accessories', 'service'])[1 + floor(random() * 4)::int],
	   o.kind = 'campaign_only' OR random() < 0.15
  FROM (SELECT pr.account_id, pr.basket, pr.kind, pr.first_day,
			   pr.first_day + floor(pr.gap * power(k, pr.slow) + (random() - 0.5) * pr.gap * 0.5)::int AS day,
			   pr.churn_day
		  FROM demo.process pr
		 CROSS JOIN LATERAL generate_series(0, 400) AS k
		 WHERE pr.kind IN ('regular', 'campaign_only')
		   AND pr.first_day + floor(pr.gap * power(k, pr.slow))::int <= date '2026-10-31') o
 WHERE o.day >= o.first_day
   AND o.day <= date '2026-10-31'
   AND (o.churn_day IS NULL OR o.day <= o.churn_day);

-- one-time buyers
INSERT INTO demo.invoices (account_id, invoiced_on, total, category, discounted)
SELECT pr.account_id, pr.first_day::timestamp AT TIME ZONE 'Asia/Tokyo' + interval '10 hours',
	   round((pr.basket * (0.5 + random()))::numeric, 2), 'core', random() < 0.3
  FROM demo.process pr
 WHERE pr.kind = 'one_time' AND pr.first_day <= date '2026-10-31';

-- a second line on the same day for some orders
INSERT INTO demo.invoices (account_id, invoiced_on, total, category, discounted)
SELECT i.account_id, i.invoiced_on + interval '5 minutes', round(i.total * 0.3, 2), 'accessories', i.discounted
  FROM demo.invoices i
 WHERE random() < 0.05
 ORDER BY i.invoice_id;

-- refunds: part or all of an order credited back, same day or weeks later
INSERT INTO demo.invoices (account_id, invoiced_on, total, category, discounted)
SELECT i.account_id,
	   least(i.invoiced_on + make_interval(days => floor(random() * 40)::int),
			 timestamptz '2026-10-31 12:00+09'),
	   -round(i.total * (CASE WHEN random() < 0.5 THEN 1 ELSE 0.2 END), 2),
	   i.category, false
  FROM demo.invoices i
 WHERE random() < 0.03
 ORDER BY i.invoice_id;

-- unknown amounts
UPDATE demo.invoices SET total = NULL WHERE invoice_id % 211 = 0;

-- data problems the views must report: unknown customers, no date
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT :customers + 1 + (g % 5), timestamptz '2026-03-01 10:00+00' + g * interval '3 days', 99.00, 'core'
  FROM generate_series(1, 12) AS g;
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT 1 + (g * 37) % :customers, NULL, 10.00, 'core'
  FROM generate_series(1, 3) AS g;

-- contacts, one or two per account (drawn after everything else, so the
-- accounts and invoices do not depend on them): most have a phone number, an
-- e-mail address and a person; some numbers are in full-width digits, some
-- values are missing or malformed, some were last updated years ago
SELECT setseed(:seed / 2) \gset
CREATE TABLE demo.contacts AS
SELECT a.account_id,
	   CASE WHEN random() < 0.75 THEN format('0%s-%s-%s', 3 + floor(random() * 6)::int,
											 lpad(floor(random() * 10000)::int::text, 4, '0'),
											 lpad(floor(random() * 10000)::int::text, 4, '0'))
			WHEN random() < 0.4 THEN '０３－５５５５－０１２３'
			WHEN random() < 0.5 THEN '-' END AS phone,
	   CASE WHEN random() < 0.8 THEN format('buyer%s.%s@example.co.jp', a.account_id, k)
			WHEN random() < 0.3 THEN format('buyer%s@example', a.account_id) END AS email,
	   CASE WHEN random() < 0.7 THEN (ARRAY['佐藤', '鈴木', '高橋', '田中', 'Smith', 'Garcia'])[1 + floor(random() * 6)::int] END AS contact_name,
	   date '2026-10-31' - floor(random() * random() * 2000)::int AS updated_on
  FROM (SELECT account_id, 1 + floor(random() * 2)::int AS n FROM demo.accounts ORDER BY account_id) a,
	   generate_series(1, a.n) k
 WHERE random() < 0.95
 ORDER BY 1, k;

DROP TABLE demo.profile;
DROP TABLE demo.process;
CREATE INDEX ON demo.invoices (account_id);
ANALYZE demo.accounts;
ANALYZE demo.invoices;
ANALYZE demo.contacts;
