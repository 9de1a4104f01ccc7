-- The plain-SQL reference of the evaluation bench (test/bench/evaluation.sh):
-- what a user would write instead of the extension, over the demo tables
-- (test/demo/generate.sql), as of 2026-11-01 in UTC days: per customer its
-- state (the rule of its industry and size, as dormancy.rules has it), the
-- gaps between its order days (mean, median, standard deviation), the last
-- 12 months against the 12 before (amount and orders), and the trend of its
-- yearly amounts (regr_slope).  No dormancy function is called.
--
-- Its plan is the better of the two tried at 100k customers: the orders are
-- folded into days once (a materialized CTE read twice, for the gaps and for
-- the yearly amounts); folding them twice (NOT MATERIALIZED) was 10-20%
-- slower.  The bench runs it with work_mem = 256MB (it spills at the default).
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE VIEW bench.plain_status AS
WITH days AS MATERIALIZED (
	SELECT i.account_id AS customer_id, (i.invoiced_on AT TIME ZONE 'UTC')::date AS day,
		   count(*) AS orders, sum(i.total) AS amount
	  FROM demo.invoices i
	 WHERE i.account_id IS NOT NULL AND i.invoiced_on < timestamptz '2026-11-01 00:00+00'
	 GROUP BY 1, 2
), gaps AS (
	SELECT d.customer_id, d.day, d.orders, d.amount,
		   d.day - lag(d.day) OVER (PARTITION BY d.customer_id ORDER BY d.day) AS gap
	  FROM days d
), per_customer AS (
	SELECT g.customer_id,
		   min(g.day) AS first_order_at,
		   max(g.day) FILTER (WHERE g.amount IS NULL OR g.amount > 0) AS last_order_at,
		   sum(g.orders) AS orders_count, count(*) AS order_days, sum(g.amount) AS total_amount,
		   avg(g.gap) AS mean_gap, percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap) AS median_gap,
		   stddev_samp(g.gap) AS stddev_gap,
		   coalesce(sum(g.amount) FILTER (WHERE g.day > date '2026-11-01' - 365), 0) AS recent_amount,
		   coalesce(sum(g.orders) FILTER (WHERE g.day > date '2026-11-01' - 365), 0) AS recent_orders,
		   coalesce(sum(g.amount) FILTER (WHERE g.day <= date '2026-11-01' - 365
											AND g.day > date '2026-11-01' - 730), 0) AS prior_amount,
		   coalesce(sum(g.orders) FILTER (WHERE g.day <= date '2026-11-01' - 365
											AND g.day > date '2026-11-01' - 730), 0) AS prior_orders
	  FROM gaps g
	 GROUP BY g.customer_id
), trend AS (
	SELECT y.customer_id, regr_slope(y.amount, y.year) AS amount_trend
	  FROM (SELECT d.customer_id, extract(year FROM d.day)::double precision AS year,
				   sum(d.amount)::double precision AS amount
			  FROM days d
			 GROUP BY 1, 2) y
	 GROUP BY y.customer_id
), rule AS (
	SELECT a.account_id, r.at_risk_after, r.dormant_after, r.long_dormant_after
	  FROM demo.accounts a
	 CROSS JOIN LATERAL (
		SELECT r.at_risk_after, r.dormant_after, r.long_dormant_after
		  FROM dormancy.rules r
		 WHERE (r.industry IS NULL OR lower(btrim(r.industry)) = lower(btrim(a.sector)))
		   AND (r.company_size IS NULL OR lower(btrim(r.company_size)) = lower(btrim(a.size_class)))
		 ORDER BY (r.industry IS NOT NULL) DESC, (r.company_size IS NOT NULL) DESC
		 LIMIT 1) r
)
SELECT r.account_id AS customer_id,
	   CASE WHEN p.last_order_at IS NULL THEN 'never_purchased'
			WHEN p.last_order_at + r.long_dormant_after <= date '2026-11-01' THEN 'long_dormant'
			WHEN p.last_order_at + r.dormant_after <= date '2026-11-01' THEN 'dormant'
			WHEN p.last_order_at + r.at_risk_after <= date '2026-11-01' THEN 'at_risk'
			ELSE 'active' END AS state,
	   date '2026-11-01' - p.last_order_at AS days_since_last_order,
	   p.first_order_at, p.last_order_at, p.orders_count, p.order_days, p.total_amount,
	   p.mean_gap, p.median_gap, p.stddev_gap,
	   p.recent_amount, p.recent_orders, p.prior_amount, p.prior_orders,
	   t.amount_trend
  FROM rule r
  LEFT JOIN per_customer p ON p.customer_id = r.account_id
  LEFT JOIN trend t ON t.customer_id = r.account_id;
