-- The decline windows' sums and category_trend, against plain SQL over the
-- same rows (exact numeric sums):
-- 1. a window whose amounts net to zero (orders returned on later days: 1.10
--    + 2.20 - 3.30) sums to 0, not to a floating-point residue of 4.4e-16:
--    amount_change and same_season_change are then NULL, as documented for a
--    window netting to zero or less (they were -1, firing amount_drop and
--    season_drop, or 2.25e17); also orders returned on their own day, whose
--    residue is of the orders' size
-- 2. category_trend lists the categories with an order or a refund by the
--    as-of day (a category bought only later was listed with zeros)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA dw;
CREATE TABLE dw.orders (customer_id int, ordered_on date, amount numeric(12,2), category text);
INSERT INTO dw.orders VALUES
	-- 1: 1.10 and 2.20 in the prior window, both returned (-3.30); nothing since
	(1, '2025-03-10', 1.10, 'paper'), (1, '2025-04-10', 2.20, 'paper'), (1, '2025-05-10', -3.30, 'paper'),
	-- 2: the same, then 100.00 in the recent window
	(2, '2025-03-10', 1.10, 'paper'), (2, '2025-04-10', 2.20, 'paper'), (2, '2025-05-10', -3.30, 'paper'),
	(2, '2026-06-10', 100.00, 'paper'),
	-- 3: last year's season (Aug-Oct 2025) nets to zero, nothing this season
	(3, '2025-09-10', 1.10, 'paper'), (3, '2025-10-10', 2.20, 'paper'), (3, '2025-10-20', -3.30, 'paper'),
	(3, '2026-03-01', 5.00, 'paper'),
	-- 4: toner only after the as-of day
	(4, '2026-06-01', 10.00, 'paper'), (4, '2027-01-10', 20.00, 'toner'),
	-- 5: two large orders returned on their day (a day netting to zero on its
	-- own: its residue is of its orders' size, 2e-9), nothing since
	(5, '2025-03-10', 11000000.01, 'paper'), (5, '2025-03-10', 22000000.01, 'paper'),
	(5, '2025-03-10', -33000000.02, 'paper'), (5, '2026-06-01', 100.00, 'paper'),
	-- 6: ink returned on its day, a credit note for toner: categories too
	(6, '2026-05-01', 500.00, 'paper'), (6, '2026-05-01', 100.00, 'ink'), (6, '2026-05-01', -100.00, 'ink'),
	(6, '2026-05-02', -200.00, 'toner');
SELECT dormancy.bind_orders('dw.orders', customer => 'customer_id', ordered_at => 'ordered_on',
							amount => 'amount', category => 'category') IS NOT NULL AS bound;

-- 1. the windows of the defaults (12 months, seasons of 3 months), exactly
CREATE TEMP VIEW want AS
SELECT customer_id, prior_amount, recent_amount,
	   CASE WHEN prior_amount > 0 THEN recent_amount / prior_amount - 1 END AS amount_change,
	   last_season_amount, season_amount,
	   CASE WHEN last_season_amount > 0 THEN season_amount / last_season_amount - 1 END AS same_season_change
  FROM (SELECT customer_id,
			   coalesce(sum(amount) FILTER (WHERE ordered_on > '2024-11-01' AND ordered_on <= '2025-11-01'), 0) AS prior_amount,
			   coalesce(sum(amount) FILTER (WHERE ordered_on > '2025-11-01' AND ordered_on <= '2026-11-01'), 0) AS recent_amount,
			   coalesce(sum(amount) FILTER (WHERE ordered_on > '2025-08-01' AND ordered_on <= '2025-11-01'), 0) AS last_season_amount,
			   coalesce(sum(amount) FILTER (WHERE ordered_on > '2026-08-01' AND ordered_on <= '2026-11-01'), 0) AS season_amount
		  FROM dw.orders GROUP BY customer_id) s;
SELECT s.customer_id, s.prior_amount, s.amount_change, s.last_season_amount, s.same_season_change, s.decline_signals,
	   (s.prior_amount, s.recent_amount, s.last_season_amount, s.season_amount)
		 = (w.prior_amount::float8, w.recent_amount::float8, w.last_season_amount::float8, w.season_amount::float8) AS sums_exact,
	   s.amount_change IS NOT DISTINCT FROM round(w.amount_change, 12)::float8
		 AND s.same_season_change IS NOT DISTINCT FROM round(w.same_season_change, 12)::float8 AS changes_as_want
  FROM dormancy.customer_status s JOIN want w USING (customer_id)
 ORDER BY 1;

-- 2. category_trend: the categories each customer bought by the as-of day
SELECT customer_id, category, recent_orders, prior_orders FROM dormancy.category_trend ORDER BY 1, 2;
SELECT count(*) AS not_as_bought
  FROM ((SELECT customer_id, category FROM dormancy.category_trend
		 EXCEPT SELECT customer_id, category FROM dw.orders WHERE ordered_on <= '2026-11-01')
		UNION ALL
		(SELECT customer_id, category FROM dw.orders WHERE ordered_on <= '2026-11-01'
		 EXCEPT SELECT customer_id, category FROM dormancy.category_trend)) d;

\i test/sql_ref/unbind_all.sql
DROP VIEW want;
DROP SCHEMA dw CASCADE;
RESET dormancy.as_of;
