-- The plain-SQL reference for customer_status: the same definitions written
-- with GROUP BY, FILTER and date arithmetic only (no dormancy functions), over
-- the demo tables.  Used by sql/demo_reference.sql and test/bench/.
--   demo.reference(time zone, as-of day)
CREATE FUNCTION demo.reference(p_tz text, p_as_of date)
RETURNS TABLE (customer_id integer, state text, last_order_at date, last_qualifying_order_at date,
			   days_since_last_order integer, first_order_at date, orders_count bigint,
			   order_days bigint, total_amount numeric, segment text, rule_id integer)
LANGUAGE sql STABLE AS $$
WITH days AS (
	SELECT i.account_id, (i.invoiced_on AT TIME ZONE p_tz)::date AS day,
		   count(*) FILTER (WHERE i.total IS NULL OR i.total >= 0) AS orders,
		   count(i.total) AS known,
		   count(*) FILTER (WHERE i.total IS NULL) AS unknown,
		   coalesce(sum(i.total), 0) AS net,
		   max(i.total) FILTER (WHERE i.total >= 0) AS max_order
	  FROM demo.invoices i
	 WHERE i.invoiced_on IS NOT NULL AND i.account_id IS NOT NULL
	 GROUP BY 1, 2
), flagged AS (
	SELECT d.*, CASE WHEN d.known = 0 THEN d.unknown > 0 ELSE d.net > 0 END AS purchase
	  FROM days d WHERE d.day <= p_as_of
), rule AS (
	SELECT a.account_id, r.*
	  FROM demo.accounts a
	 CROSS JOIN LATERAL (
		SELECT r.rule_id, r.at_risk_after, r.dormant_after, r.long_dormant_after, r.min_order_amount
		  FROM dormancy.rules r
		 WHERE (r.industry IS NULL OR lower(btrim(r.industry)) = lower(btrim(a.sector)))
		   AND (r.company_size IS NULL OR lower(btrim(r.company_size)) = lower(btrim(a.size_class)))
		 ORDER BY (r.industry IS NOT NULL) DESC, (r.company_size IS NOT NULL) DESC
		 LIMIT 1) r
), per_customer AS (
	SELECT a.account_id,
		   max(f.day) FILTER (WHERE f.purchase) AS last_day,
		   max(f.day) FILTER (WHERE f.purchase AND (r.min_order_amount <= 0 OR f.max_order >= r.min_order_amount)) AS last_q,
		   min(f.day) FILTER (WHERE f.purchase) AS first_day,
		   coalesce(sum(f.orders) FILTER (WHERE f.purchase), 0) AS orders_count,
		   count(f.day) FILTER (WHERE f.purchase) AS order_days,
		   coalesce(sum(f.net), 0) AS total
	  FROM demo.accounts a
	  JOIN rule r USING (account_id)
	  LEFT JOIN flagged f ON f.account_id = a.account_id
	 GROUP BY a.account_id
)
SELECT p.account_id,
	   CASE WHEN p.last_q IS NULL THEN 'never_purchased'
			WHEN p.last_q + r.long_dormant_after <= p_as_of THEN 'long_dormant'
			WHEN p.last_q + r.dormant_after <= p_as_of THEN 'dormant'
			WHEN p.last_q + r.at_risk_after <= p_as_of THEN 'at_risk'
			ELSE 'active' END,
	   p.last_day, p.last_q, p_as_of - p.last_day, p.first_day, p.orders_count, p.order_days, p.total,
	   CASE p.order_days WHEN 0 THEN NULL WHEN 1 THEN 'one_time' ELSE 'repeat' END,
	   r.rule_id
  FROM per_customer p JOIN rule r USING (account_id)
$$;

