-- The priority breakdown, built in one pass in C (issue 11): for thousands
-- of random inputs and several weight rows, the jsonb of score_priority()
-- against a plain-SQL computation of the same object (keys, weights, shares,
-- the basis texts, which values are null, how every number is written), and
-- the two internal halves that customer_status calls against the public
-- function.  Prints counts of rows that differ (all 0) and, as a digest of
-- every breakdown, an md5 that 0.3.0's score_priority() gave for the same
-- rows (the C before this change: the numbers must be written as before).
SET client_min_messages = warning;
SET extra_float_digits = 0;
SET jit = off;
CREATE SCHEMA pb;

-- A number as the breakdown writes it: rounded half away from zero at d
-- decimals of x scaled by ten d times in double precision, trailing zeros
-- dropped; NULL (JSON null) when not finite or too large.
CREATE FUNCTION pb.num(x double precision, d integer) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT CASE WHEN s IS NULL OR s = 'NaN' OR abs(s) >= 9e18 THEN NULL
						ELSE trim_scale((sign(s) * floor(abs(s) + 0.5))::numeric / (10::numeric ^ d))::text END
			  FROM (SELECT CASE d WHEN 0 THEN x WHEN 1 THEN x * 10 WHEN 2 THEN x * 10 * 10
						  WHEN 3 THEN x * 10 * 10 * 10 ELSE x * 10 * 10 * 10 * 10 END) v(s));

-- A number as a basis text writes it: rounded to d decimals, trailing zeros
-- dropped ("null" when not finite; the inputs have no exact ties)
CREATE FUNCTION pb.txt(x double precision, d integer) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN x IS NULL THEN NULL WHEN x IN ('NaN', 'Infinity', '-Infinity') THEN 'null'
				ELSE trim_scale(round(x::numeric, d))::text END;

SELECT setseed(0.2026);
-- random inputs: every state, NULLs, unmapped deal outcomes, bound and unbound sources
CREATE TABLE pb.inputs AS
SELECT n, ROW(
	(ARRAY['active', 'at_risk', 'dormant', 'long_dormant', 'never_purchased', NULL])[1 + floor(random() * 6)::int],
	CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 3000)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE 30 + floor(random() * 200)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE 250 + floor(random() * 300)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE 500 + floor(random() * 900)::int END,
	(ARRAY[NULL, 0, -random() * 1000, random() * 1e6, round((random() * 1e4)::numeric, 2)::float8,
		   random() * 1e9])[1 + floor(random() * 6)::int],
	CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 30)::int END,
	CASE WHEN random() < 0.2 THEN NULL WHEN random() < 0.05 THEN 'NaN' ELSE random() * 500 END,
	CASE WHEN random() < 0.2 THEN NULL ELSE random() * 500 END,
	CASE WHEN random() < 0.2 THEN NULL ELSE random() * 300 END,
	(ARRAY['one_time', 'repeat', 'campaign_only', NULL])[1 + floor(random() * 4)::int],
	CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 4)::int END,
	random() < 0.3,
	random() < 0.6,
	CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 4)::int * floor(random() * 8)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 4)::int END,
	CASE WHEN random() < 0.4 THEN NULL ELSE floor(random() * 120)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE 1 + floor(random() * 365)::int END,
	random() < 0.6,
	(ARRAY['won', 'lost', 'postponed', 'open', NULL, 'an outcome "not mapped"'])[1 + floor(random() * 6)::int],
	(ARRAY['price', 'features', 'competitor', 'timing', 'budget', 'circumstances', 'other', NULL])[1 + floor(random() * 8)::int],
	CASE WHEN random() < 0.2 THEN NULL ELSE floor(random() * 2000)::int END,
	CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 4)::int * floor(random() * 2)::int END,
	random() < 0.6,
	random() < 0.7,
	random() < 0.3,
	CASE WHEN random() < 0.3 THEN NULL ELSE floor(random() * 800)::int END,
	random() < 0.3,
	random() < 0.2,
	CASE WHEN random() < 0.4 THEN NULL ELSE floor(random() * 450)::int - 50 END,
	CASE WHEN random() < 0.05 THEN NULL ELSE 30 + floor(random() * 200)::int END,
	CASE WHEN random() < 0.4 THEN NULL WHEN random() < 0.05 THEN 'NaN' ELSE random() END,
	CASE WHEN random() < 0.4 THEN NULL ELSE random() * 2e6 END
	)::dormancy.priority_inputs AS i,
	NULL::text AS reason, NULL::integer AS days
  FROM generate_series(1, 2500) n;

-- the defaults and three random rows of weights (some weights 0)
CREATE TABLE pb.weights AS
SELECT 0 AS k, dormancy.score_weights_in_force() AS w
UNION ALL
SELECT k, ROW(true,
	CASE WHEN random() < 0.15 THEN 0 ELSE random() * 1000 END, CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END,
	CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END, CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END,
	CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END, CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END,
	CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END, CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END,
	CASE WHEN random() < 0.15 THEN 0 ELSE random() * 100 END,
	1000 + random() * 1e8, 2 + floor(random() * 10)::int, 1 + floor(random() * 3000)::int, 1 + floor(random() * 4)::int,
	0.5 + random() * 20, -random(), 2 * random() - 1, 2 * random() - 1, 2 * random() - 1, 2 * random() - 1,
	2 * random() - 1, 2 * random() - 1, 2 * random() - 1, 1 + floor(random() * 2000)::int, random(), 20,
	90, 80, '{A,B}'
	)::dormancy.score_weights
  FROM generate_series(1, 3) k;

-- the first thousand inputs again with a decline heard on a call, given to
-- score_priority() beside the inputs (2026-12-07: the deal component's input
-- when later than the last deal; without bound deals it counts outside the
-- total of the weights)
SELECT setseed(0.1207);
INSERT INTO pb.inputs
SELECT n + 2500, i,
	   (ARRAY['price', 'features', 'competitor', 'timing', 'budget', 'circumstances', 'other', NULL,
			  'other'])[1 + floor(random() * 9)::int],
	   CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() * 2000)::int END
  FROM pb.inputs WHERE n <= 1000;

CREATE TABLE pb.scored AS
SELECT n, k, i, w, reason, days, p.score, p.breakdown
  FROM pb.inputs CROSS JOIN pb.weights
 CROSS JOIN LATERAL (SELECT * FROM dormancy.score_priority(i, w) WHERE n <= 2500
					 UNION ALL
					 SELECT * FROM dormancy.score_priority(i, w, reason, days) WHERE n > 2500) p;

-- the plain-SQL side: per row and component, what the breakdown must say
CREATE VIEW pb.expected AS
WITH r AS (
	SELECT s.n, s.k, s.breakdown, (s.i).*, s.reason AS outreach_declined_reason,
		   s.days AS days_since_outreach_decline, (s.w).past_value AS w_past_value, (s.w).regularity AS w_regularity,
		   (s.w).recency AS w_recency, (s.w).decline AS w_decline, (s.w).engagement AS w_engagement,
		   (s.w).deal AS w_deal, (s.w).contract AS w_contract, (s.w).p_alive AS w_p_alive,
		   (s.w).expected_value AS w_expected_value
	  FROM pb.scored s
), a AS (
	SELECT r.*,
		   coalesce(r.events_bound, false) AS eb, coalesce(r.deals_bound, false) AS db,
		   coalesce(r.contracts_bound, false) AS cb,
		   r.p_alive IS NOT NULL AND r.p_alive <> 'NaN' AS pa,
		   r.expected_value IS NOT NULL AND r.expected_value <> 'NaN' AS ea,
		   r.median_gap_days IS NOT NULL AND r.median_gap_days <> 'NaN' AS ma,
		   -- the deal valued from a decline: given, and later than the last
		   -- closed deal (a deal of the same day wins), or deals not bound
		   r.outreach_declined_reason IS NOT NULL AND r.days_since_outreach_decline IS NOT NULL
		   AND (NOT coalesce(r.deals_bound, false) OR r.last_deal_outcome IS NULL OR r.days_since_last_deal IS NULL
				OR r.days_since_outreach_decline < r.days_since_last_deal) AS fo
	  FROM r
), t AS (
	-- the total of the applicable weights, added in component order (the
	-- deal's not when it counts outside it: a decline, deals not bound)
	SELECT a.*, a.w_past_value + a.w_regularity + a.w_recency + a.w_decline
				+ CASE WHEN a.eb THEN a.w_engagement ELSE 0 END + CASE WHEN a.db THEN a.w_deal ELSE 0 END
				+ CASE WHEN a.cb THEN a.w_contract ELSE 0 END + CASE WHEN a.pa THEN a.w_p_alive ELSE 0 END
				+ CASE WHEN a.ea THEN a.w_expected_value ELSE 0 END AS total
	  FROM a
)
SELECT t.n, t.k, t.breakdown, c.key, c.applicable, c.weight,
	   CASE WHEN c.key = 'deal' AND NOT t.db AND t.fo
			THEN CASE WHEN t.total + c.weight > 0 THEN 100.0 * c.weight / (t.total + c.weight) ELSE 0 END
			WHEN c.applicable AND t.total > 0 THEN 100.0 * c.weight / t.total ELSE 0 END AS share,
	   c.basis
  FROM t CROSS JOIN LATERAL (VALUES
	('past_value', true, t.w_past_value, 'total_amount ' || pb.txt(coalesce(t.total_amount, 0), 2)),
	('regularity', true, t.w_regularity,
	 CASE WHEN coalesce(t.order_days, 0) <= 0 THEN 'no purchase'
		  WHEN t.order_days = 1 THEN 'one purchase day'
		  ELSE t.order_days || ' purchase days, median gap '
			   || CASE WHEN t.ma THEN pb.txt(t.median_gap_days, 1) ELSE 'unknown' END || ' days' END
	 || CASE WHEN t.segment = 'campaign_only' THEN ', campaign only' ELSE '' END),
	('recency', true, t.w_recency,
	 coalesce(t.state, 'no rule')
	 || CASE WHEN t.state = 'never_purchased' AND t.last_deal_outcome IN ('lost', 'postponed')
				  AND t.days_since_last_deal IS NOT NULL
			 THEN ', last deal ' || t.days_since_last_deal || ' days ago'
			 WHEN t.days_since_last_order IS NOT NULL THEN ', silent for ' || t.days_since_last_order || ' days'
			 ELSE '' END),
	('decline', true, t.w_decline,
	 coalesce(t.decline_signals, 0) || ' decline signal' || CASE WHEN coalesce(t.decline_signals, 0) = 1 THEN '' ELSE 's' END),
	('engagement', t.eb, t.w_engagement,
	 CASE WHEN NOT t.eb THEN 'events not bound'
		  WHEN coalesce(t.events_in_window, 0) <= 0 THEN 'no event in the last ' || coalesce(t.engagement_window_days, 90) || ' days'
		  ELSE t.events_in_window || ' event' || CASE WHEN t.events_in_window = 1 THEN '' ELSE 's' END
			   || ' (' || coalesce(t.pricing_views, 0) || ' pricing view'
			   || CASE WHEN coalesce(t.pricing_views, 0) = 1 THEN '' ELSE 's' END
			   || ') in the last ' || coalesce(t.engagement_window_days, 90) || ' days'
			   || coalesce(', the last ' || t.days_since_last_event || ' days ago', '') END),
	('deal', t.db OR t.fo, t.w_deal,
	 CASE WHEN t.fo THEN 'outreach declined (' || t.outreach_declined_reason || '), '
						 || t.days_since_outreach_decline || ' days ago'
		  WHEN NOT t.db THEN 'deals not bound'
		  WHEN t.last_deal_outcome IS NULL THEN 'no closed deal'
		  ELSE 'last deal ' || t.last_deal_outcome || coalesce(' (' || t.last_deal_reason || ')', '')
			   || coalesce(', ' || t.days_since_last_deal || ' days ago', '') END
	 || CASE WHEN t.db AND t.open_deals > 0 THEN ', ' || t.open_deals || ' open' ELSE '' END),
	('contract', t.cb, t.w_contract,
	 CASE WHEN NOT t.cb THEN 'contracts not bound'
		  WHEN NOT coalesce(t.has_contract, false) THEN 'no contract'
		  ELSE coalesce(nullif(concat_ws(', ',
				   CASE WHEN t.contract_lapsed THEN 'lapsed' || coalesce(' ' || t.days_since_contract_end || ' days ago', '') END,
				   CASE WHEN t.auto_renew_off THEN 'auto-renew off' END,
				   CASE WHEN t.downgraded THEN 'downgraded' END,
				   'renewal in ' || t.renewal_due_in_days || ' days'), ''), 'running') END),
	('p_alive', t.pa, t.w_p_alive, CASE WHEN t.pa THEN 'p_alive ' || pb.txt(t.p_alive, 4) ELSE 'no model fitted' END),
	('expected_value', t.ea, t.w_expected_value,
	 CASE WHEN t.ea THEN 'expected_value ' || pb.txt(t.expected_value, 2)
		  WHEN t.pa THEN 'no spend estimate' ELSE 'no model fitted' END)
	) c(key, applicable, weight, basis);

SELECT count(*) AS rows, count(DISTINCT k) AS weight_rows FROM pb.scored;

-- the same keys at both levels
SELECT count(*) FILTER (WHERE ARRAY(SELECT jsonb_object_keys(breakdown) ORDER BY 1) <>
		   '{contract,deal,decline,engagement,expected_value,p_alive,past_value,recency,regularity}') AS top_keys_differ,
	   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_each(breakdown) e
									  WHERE ARRAY(SELECT jsonb_object_keys(e.value) ORDER BY 1) <>
											'{basis,contribution,share,value,weight}')) AS component_keys_differ
  FROM pb.scored;

-- per component: weight, share and basis as computed in SQL; value null
-- exactly when the component does not apply; every number written with at
-- most 4 (value, weight) or 2 (share, contribution) decimals and no trailing
-- zero; the contribution is share x value (to the rounding of both)
SELECT count(*) AS components,
	   count(*) FILTER (WHERE e.breakdown -> e.key ->> 'weight' IS DISTINCT FROM pb.num(e.weight, 4)) AS weight_differs,
	   count(*) FILTER (WHERE e.breakdown -> e.key ->> 'share' IS DISTINCT FROM pb.num(e.share, 2)) AS share_differs,
	   count(*) FILTER (WHERE e.breakdown -> e.key ->> 'basis' IS DISTINCT FROM e.basis) AS basis_differs,
	   count(*) FILTER (WHERE (e.breakdown -> e.key -> 'value' = 'null') = e.applicable) AS value_null_differs,
	   count(*) FILTER (WHERE v.value <> trim_scale(v.value::numeric)::text OR scale(v.value::numeric) > 4
						   OR abs(v.value::numeric) > 1) AS value_written_wrong,
	   count(*) FILTER (WHERE v.contribution <> trim_scale(v.contribution::numeric)::text
						   OR scale(v.contribution::numeric) > 2) AS contribution_written_wrong,
	   count(*) FILTER (WHERE abs(v.contribution::numeric - e.share::numeric * coalesce(v.value::numeric, 0))
						   > 0.0051 + e.share::numeric * 0.00005) AS contribution_differs
  FROM pb.expected e
	   CROSS JOIN LATERAL (SELECT e.breakdown -> e.key ->> 'value', e.breakdown -> e.key ->> 'contribution') v(value, contribution);

-- the contributions add up to the score (to their rounding)
SELECT count(*) FILTER (WHERE abs(least(greatest(c.total, 0), 100) - s.score::numeric) > 0.05) AS sum_differs
  FROM pb.scored s
	   CROSS JOIN LATERAL (SELECT sum((e.value ->> 'contribution')::numeric) FROM jsonb_each(s.breakdown) e) c(total);

-- the halves customer_status calls give what score_priority() gives (with
-- a decline: the breakdown of five arguments, without percentiles); a
-- decline of NULL is none
SELECT count(*) FILTER (WHERE n <= 2500 AND dormancy._priority_score(i, w) IS DISTINCT FROM score) AS score_differs,
	   count(*) FILTER (WHERE n <= 2500 AND dormancy._priority_breakdown(i, w)::text IS DISTINCT FROM breakdown::text) AS breakdown_differs,
	   count(*) FILTER (WHERE dormancy._priority_breakdown(i, w, NULL, reason, days)::text IS DISTINCT FROM breakdown::text) AS five_arguments_differ,
	   count(*) FILTER (WHERE n <= 2500 AND (dormancy.score_priority(i, w, NULL, NULL)).breakdown::text IS DISTINCT FROM breakdown::text) AS no_decline_differs
  FROM pb.scored;
SELECT dormancy._priority_score(NULL, w) IS NULL AS score_strict, dormancy._priority_breakdown(NULL, w) IS NULL AS breakdown_strict
  FROM pb.weights WHERE k = 0;
-- and check the weights as it does
SELECT dormancy._priority_score(i, ROW(true, 20, 15, 20, 10, 10, 10, 5, 5, 5, NULL, 6, 1826, 2, 10, -0.5,
		0.3, 0.5, 1.0, 0.6, -0.5, -1.0, -0.3, 1095, 0.3, 20, 90, 80, '{A,B}')::dormancy.score_weights)
  FROM pb.inputs WHERE n = 1;
SELECT dormancy._priority_breakdown(i, ROW(true, 2000, 15, 20, 10, 10, 10, 5, 5, 5, 10000000, 6, 1826, 2, 10, -0.5,
		0.3, 0.5, 1.0, 0.6, -0.5, -1.0, -0.3, 1095, 0.3, 20, 90, 80, '{A,B}')::dormancy.score_weights)
  FROM pb.inputs WHERE n = 1;

-- every breakdown, as text, in one digest (0.3.0's score_priority gave
-- 3ee7368a89d18456d01ad67772e37df9, before expected_value's basis said "no
-- spend estimate" where a purchase model applies; the comparisons above hold
-- every component against the SQL reference), of the rows without an
-- outreach decline, which 0.3.0 did not read
SELECT md5(string_agg(breakdown::text, E'\n' ORDER BY k, n)) AS digest FROM pb.scored WHERE n <= 2500;
-- the rows with one: how many count, bound or not, and what they do to the
-- score of the same row without it (a lower score only for a decline of
-- negative value; no change for one older than deal_horizon_days)
SELECT count(*) AS declines,
	   count(*) FILTER (WHERE d.breakdown -> 'deal' ->> 'basis' LIKE 'outreach declined%') AS valued,
	   count(*) FILTER (WHERE d.breakdown -> 'deal' ->> 'basis' LIKE 'outreach declined%'
						AND NOT (d.i).deals_bound) AS outside_the_total,
	   count(*) FILTER (WHERE d.breakdown -> 'deal' ->> 'basis' LIKE 'outreach declined%'
						AND NOT (d.i).deals_bound
						AND (round(d.score::numeric, 9) - round(o.score::numeric, 9))
							* (d.breakdown -> 'deal' ->> 'value')::numeric < 0) AS moved_against_the_value,
	   count(*) FILTER (WHERE d.breakdown -> 'deal' ->> 'basis' LIKE 'outreach declined%'
						AND NOT (d.i).deals_bound
						AND d.days >= (d.w).deal_horizon_days
						AND d.score <> o.score) AS old_decline_moved
  FROM pb.scored d JOIN pb.scored o ON o.n = d.n - 2500 AND o.k = d.k
 WHERE d.n > 2500;

DROP SCHEMA pb CASCADE;
