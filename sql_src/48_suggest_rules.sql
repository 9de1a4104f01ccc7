--
-- Thresholds from the data: suggest_rules(), return_curve(),
-- apply_suggested_rules()
--
-- The method (README, "Thresholds from your own data").  A silence is the
-- time between two consecutive purchase days of a customer (a repeat gap: it
-- ended with a purchase) or, after the last purchase day, the customer's
-- current silence up to the as-of day (open: it has not ended yet).  Per
-- segment, the Kaplan-Meier estimate over all silences, the open ones
-- censored, gives S(d): the probability that a silence lasts more than d
-- days.  Customers who have left never end their silence, so S levels off at
-- S_inf, its value at the longest repeat gap while 1% of the silences (at
-- least two) are still going: the share of silences that never end (the
-- churn).  The share of the returns that have come by day d is
-- G(d) = (1 - S(d)) / (1 - S_inf), the distribution of the repeat gaps with
-- the open silences taken into account; a threshold is the first day at which
-- G reaches its level (at risk 75%, dormant 90%, long dormant 98% by
-- default).  Read: "dormant after 95 days" means that 90% of the customers
-- who come back at all have come back within 95 days.  Levels on G, not on S,
-- because S never falls below the churn: with 15% of the silences never
-- ending, "S below 10%" is never reached.
--
-- Segments are those of dormancy.rules: the customer's industry and company
-- size mapped as rule_for() maps them (label_key, the alias tables), then the
-- industry alone, then all customers.  A segment with fewer repeat gaps than
-- min_gaps takes its industry's thresholds, or those of all customers.
--

-- How many silences must still be going where the curve's level (S_inf,
-- never_return_share) is read: 1% of the segment's silences (rounded up),
-- and at least two, so that no single silence decides it (an order dated
-- years too early ended the longest silence and put the level at 0; in a
-- segment under 100 silences too).  Not more: in a small segment every
-- silence is evidence (with at least 5 still going, one where every customer
-- came back had 10% never ending; with 2, 1 in 40).
CREATE FUNCTION dormancy._survival_floor(all_silences bigint)
	RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT least(all_silences, greatest(2, pg_catalog.ceil(all_silences * 0.01)::pg_catalog.int8))
$$;
COMMENT ON FUNCTION dormancy._survival_floor(bigint) IS
	'internal: the silences that must still be going where suggest_rules() and return_curve() read the level of the curve (1% of the segment''s, rounded up, at least 2)';

-- Kaplan-Meier of the silences per segment, one row per segment and silence
-- length (in days) at which a silence ended or was still open, with the
-- segment's typical repeat buyer (median repeat purchase days, median days
-- from the first to the last purchase day) for the model's cross-check.
-- Reads the bound customers and their histories (src_customers,
-- customer_histories) with the caller's privileges, as of
-- dormancy.as_of_day(); every purchase day counts, whatever the rule's
-- min_order_amount.
CREATE FUNCTION dormancy._gap_survival()
	RETURNS TABLE (level text, industry text, company_size text,
				   customers bigint, repeat_gaps bigint,
				   median_repeat_purchases double precision, median_span_days double precision,
				   days integer, silences bigint, returns bigint, open_silences bigint,
				   still_silent double precision)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH as_of AS MATERIALIZED (
		SELECT dormancy.as_of_day() AS day
	), cust AS MATERIALIZED (
		SELECT c.customer_id, row_number() OVER () AS cust_no,
			   dormancy.label_key(coalesce(c.industry, '')) AS industry_label,
			   dormancy.label_key(coalesce(c.company_size, '')) AS size_label
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL
	), ind AS MATERIALIZED (
		-- the segment of a label: its own key when a rule names it, else its
		-- alias's, else its own; none when blank
		SELECT l.k,
			   CASE WHEN l.k = '' THEN NULL
					WHEN EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.industry) = l.k) THEN l.k
					ELSE coalesce((SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
									WHERE dormancy.label_key(a.source_industry) = l.k), l.k) END AS seg
		  FROM (SELECT DISTINCT cu.industry_label AS k FROM cust cu) l
	), sz AS MATERIALIZED (
		SELECT l.k,
			   CASE WHEN l.k = '' THEN NULL
					WHEN EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.company_size) = l.k) THEN l.k
					ELSE coalesce((SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
									WHERE dormancy.label_key(a.source_size) = l.k), l.k) END AS seg
		  FROM (SELECT DISTINCT cu.size_label AS k FROM cust cu) l
	), spells AS (
		-- each repeat gap (ended) and the silence since the last purchase
		-- day (open), of every customer with a purchase day by as_of: each
		-- purchase day gives its gap, the last one its silence too.  (Not a
		-- union of the gaps with history_summary's last purchase day, the
		-- same day: Citus refuses a union of table functions in the
		-- subquery it sends to the workers, "Table functions are not
		-- supported with union operator")
		SELECT cu.cust_no, i.seg AS ind, s.seg AS sz, g.len, g.ended
		  FROM cust cu
		  JOIN dormancy.customer_histories h ON h.customer_id = cu.customer_id
		  JOIN ind i ON i.k = cu.industry_label
		  JOIN sz s ON s.k = cu.size_label
		 CROSS JOIN as_of a
		 CROSS JOIN LATERAL (
			SELECT CASE WHEN e.ended THEN d.gap ELSE a.day - d.day END AS len, e.ended
			  FROM (SELECT p.day, p.day - lag(p.day) OVER (ORDER BY p.day) AS gap,
						   lead(p.day) OVER (ORDER BY p.day) IS NULL AS last_day
					  FROM dormancy.purchase_history_days(h.history) p
					 WHERE p.is_purchase_day AND p.day <= a.day) d
			 CROSS JOIN pg_catalog.unnest(ARRAY[true, false]) e(ended)
			 WHERE e.ended OR d.last_day
		 ) g
		 WHERE g.len IS NOT NULL
	), buyers AS (
		SELECT sp.ind, sp.sz, count(*) FILTER (WHERE sp.ended) AS x, sum(sp.len) FILTER (WHERE sp.ended) AS span
		  FROM spells sp
		 GROUP BY sp.cust_no, sp.ind, sp.sz
	), typical AS (
		-- the median repeat buyer of each segment
		SELECT b.ind, b.sz, grouping(b.ind, b.sz) AS lvl,
			   percentile_cont(0.5) WITHIN GROUP (ORDER BY b.x) FILTER (WHERE b.x > 0) AS x,
			   percentile_cont(0.5) WITHIN GROUP (ORDER BY b.span) FILTER (WHERE b.x > 0) AS span
		  FROM buyers b
		 GROUP BY GROUPING SETS ((b.ind, b.sz), (b.ind), ())
	), counts AS (
		-- per segment (industry and size, industry, all) and length
		SELECT sp.ind, sp.sz, grouping(sp.ind, sp.sz) AS lvl, sp.len,
			   count(*) FILTER (WHERE sp.ended) AS ret,
			   count(*) FILTER (WHERE NOT sp.ended) AS opn
		  FROM spells sp
		 GROUP BY GROUPING SETS ((sp.ind, sp.sz, sp.len), (sp.ind, sp.len), (sp.len))
		HAVING CASE grouping(sp.ind, sp.sz)
				   WHEN 0 THEN sp.ind IS NOT NULL AND sp.sz IS NOT NULL
				   WHEN 1 THEN sp.ind IS NOT NULL
				   ELSE true END
	), at_risk AS (
		-- silences still going at the start of each length
		SELECT c.*, sum(c.ret + c.opn) OVER (PARTITION BY c.lvl, c.ind, c.sz ORDER BY c.len DESC) AS n
		  FROM counts c
	)
	SELECT CASE k.lvl WHEN 0 THEN 'industry_size' WHEN 1 THEN 'industry' ELSE 'all' END,
		   k.ind, CASE WHEN k.lvl = 0 THEN k.sz END,
		   (sum(k.opn) OVER seg)::bigint, (sum(k.ret) OVER seg)::bigint,
		   ty.x, ty.span,
		   k.len, k.n::bigint, k.ret, k.opn,
		   -- the product of (1 - ended / at risk) up to this length: 0 from
		   -- the length at which every silence still going ended
		   CASE WHEN bool_or(k.ret = k.n) OVER cum THEN 0::double precision
				ELSE exp(sum(CASE WHEN k.ret < k.n THEN ln(1 - k.ret::double precision / k.n) ELSE 0 END) OVER cum) END
	  FROM at_risk k
	  LEFT JOIN typical ty
		ON ty.lvl = k.lvl AND coalesce(ty.ind, '') = coalesce(k.ind, '') AND coalesce(ty.sz, '') = coalesce(k.sz, '')
	WINDOW seg AS (PARTITION BY k.lvl, k.ind, k.sz),
		   cum AS (PARTITION BY k.lvl, k.ind, k.sz ORDER BY k.len);
END
$$;
COMMENT ON FUNCTION dormancy._gap_survival() IS
	'internal: Kaplan-Meier of the customers'' silences (repeat gaps ended, current silences open) per rules segment (industry and size, industry, all), one row per segment and length in days';

-- The return curve of one segment: industry and company size (labels, mapped
-- as rule_for() maps them), the industry alone (company_size NULL), or all
-- customers (both NULL).
CREATE FUNCTION dormancy.return_curve(industry text DEFAULT NULL, company_size text DEFAULT NULL)
	RETURNS TABLE (days integer, silences bigint, returns bigint, open_silences bigint,
				   still_silent double precision, returned_share double precision,
				   return_chance double precision)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	ind_key text := dormancy.label_key(return_curve.industry);
	size_key text := dormancy.label_key(return_curve.company_size);
BEGIN
	IF ind_key = '' OR size_key = '' THEN
		RAISE EXCEPTION 'industry and company_size must not be blank'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass NULL for the broader segment.';
	END IF;
	IF ind_key IS NULL AND size_key IS NOT NULL THEN
		RAISE EXCEPTION 'a company size needs an industry'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The segments are industry and size, industry, and all customers.';
	END IF;
	-- the segment of each label, as _gap_survival() forms it
	IF ind_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.industry) = ind_key) THEN
		ind_key := coalesce((SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
							  WHERE dormancy.label_key(a.source_industry) = ind_key), ind_key);
	END IF;
	IF size_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dormancy.rules x WHERE dormancy.label_key(x.company_size) = size_key) THEN
		size_key := coalesce((SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
							   WHERE dormancy.label_key(a.source_size) = size_key), size_key);
	END IF;
	RETURN QUERY
	SELECT s.days, s.silences, s.returns, s.open_silences, s.still_silent,
		   CASE WHEN s.plateau < 1 THEN least((1 - s.still_silent) / (1 - s.plateau), 1) END,
		   CASE WHEN s.still_silent > 0 THEN greatest(s.still_silent - s.plateau, 0) / s.still_silent ELSE 0 END
	  FROM (SELECT c.*,
				   min(c.still_silent) FILTER (WHERE c.silences >= dormancy._survival_floor(c.all_silences)) OVER ()
					   AS plateau
			  FROM (SELECT g.*, max(g.silences) OVER () AS all_silences
					  FROM dormancy._gap_survival() g
					 WHERE g.level = CASE WHEN size_key IS NOT NULL THEN 'industry_size'
										  WHEN ind_key IS NOT NULL THEN 'industry' ELSE 'all' END
					   AND g.industry IS NOT DISTINCT FROM ind_key
					   AND g.company_size IS NOT DISTINCT FROM size_key) c) s
	 ORDER BY s.days;
END
$$;
COMMENT ON FUNCTION dormancy.return_curve(text, text) IS
	'the return curve of a rules segment (industry and size, industry with size NULL, all with both NULL): per silence length in days, the silences still going, ended and open, the Kaplan-Meier share still silent, the share of the returns come by then, and the chance that a silence this long still ends in a purchase';

-- Thresholds per segment from the return curves, beside the rule in force.
CREATE FUNCTION dormancy.suggest_rules(min_gaps integer DEFAULT 30,
	at_risk_share double precision DEFAULT 0.75,
	dormant_share double precision DEFAULT 0.90,
	long_dormant_share double precision DEFAULT 0.98)
	RETURNS TABLE (level text, industry text, company_size text,
				   customers bigint, repeat_gaps bigint, based_on text,
				   never_return_share double precision, median_gap_days integer,
				   at_risk_after interval, dormant_after interval, long_dormant_after interval,
				   return_chance_at_dormant double precision, p_alive_at_dormant double precision,
				   rule_id integer, rule_at_risk_after interval, rule_dormant_after interval,
				   rule_long_dormant_after interval,
				   at_risk_change_days integer, dormant_change_days integer, long_dormant_change_days integer,
				   curve jsonb)
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	min_repeat_gaps integer := min_gaps;
	share_ar double precision := at_risk_share;
	share_d double precision := dormant_share;
	share_ld double precision := long_dormant_share;
	-- the points of the curve column, and the levels
	shares double precision[] := ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
BEGIN
	IF min_repeat_gaps IS NULL OR min_repeat_gaps < 1 THEN
		RAISE EXCEPTION 'min_gaps must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT (share_ar > 0 AND share_ar < share_d AND share_d < share_ld AND share_ld < 1) THEN
		RAISE EXCEPTION 'the shares must be ordered: 0 < at_risk_share < dormant_share < long_dormant_share < 1'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('at_risk_share %s, dormant_share %s, long_dormant_share %s.',
								  share_ar, share_d, share_ld);
	END IF;
	RETURN QUERY
	WITH surv AS MATERIALIZED (
		SELECT g.*, g.level || ':' || coalesce(g.industry, '') || ':' || coalesce(g.company_size, '') AS seg_key
		  FROM dormancy._gap_survival() g
	), seg_all AS (
		SELECT s.seg_key, s.level, s.industry, s.company_size, max(s.customers) AS customers,
			   max(s.repeat_gaps) AS repeat_gaps, max(s.silences) AS all_silences,
			   max(s.median_repeat_purchases) AS typical_x, max(s.median_span_days) AS typical_span
		  FROM surv s
		 GROUP BY 1, 2, 3, 4
	), seg AS (
		-- the level S levels off at, read where enough silences are still
		-- at risk (dormancy._survival_floor): at the very end of the curve
		-- one silence decides, and one order dated years too early made
		-- the longest silence end there, S 0, every churner a return
		SELECT g.*,
			   (SELECT min(s.still_silent) FROM surv s
				 WHERE s.seg_key = g.seg_key AND s.silences >= dormancy._survival_floor(g.all_silences)) AS plateau
		  FROM seg_all g
	), quantiles AS (
		-- the first length at which the share of the returns reaches each level
		SELECT g.seg_key, v.share, min(s.days) AS days
		  FROM seg g
		 CROSS JOIN unnest(shares || ARRAY[share_ar, share_d, share_ld]) v(share)
		  JOIN surv s ON s.seg_key = g.seg_key AND s.still_silent <= 1 - v.share * (1 - g.plateau) + 1e-12
		 WHERE g.repeat_gaps > 0
		 GROUP BY 1, 2
	), own AS (
		SELECT g.*,
			   g.repeat_gaps >= min_repeat_gaps AS enough,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = 0.5) AS q_median,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_ar) AS q_ar,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_d) AS q_d,
			   (SELECT q.days FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = share_ld) AS q_ld,
			   (SELECT jsonb_agg(jsonb_build_object('returned', q.share, 'days', q.days) ORDER BY q.share)
				  FROM quantiles q WHERE q.seg_key = g.seg_key AND q.share = ANY (shares)) AS curve
		  FROM seg g
	), chosen AS (
		-- the segment's own curve, else its industry's, else all customers'
		SELECT o.level, o.industry, o.company_size, o.customers, o.repeat_gaps,
			   src.based_on, src.plateau, src.q_median, src.q_ar, src.q_d, src.q_ld, src.curve,
			   src.typical_x, src.typical_span, src.seg_key AS src_key
		  FROM own o
		  LEFT JOIN LATERAL (
			SELECT CASE WHEN b.seg_key = o.seg_key THEN 'own' ELSE b.level END AS based_on, b.*
			  FROM own b
			 WHERE b.enough
			   AND (b.seg_key = o.seg_key
					OR (o.level = 'industry_size' AND b.level = 'industry' AND b.industry = o.industry)
					OR (o.level <> 'all' AND b.level = 'all'))
			 ORDER BY b.seg_key = o.seg_key DESC, b.level = 'industry' DESC
			 LIMIT 1
		  ) src ON true
	)
	SELECT c.level, c.industry, c.company_size, c.customers, c.repeat_gaps, c.based_on,
		   c.plateau, c.q_median,
		   make_interval(days => t.ar), make_interval(days => t.d), make_interval(days => t.ld),
		   -- of the silences that lasted dormant_after, the share that still ended in a purchase
		   (SELECT CASE WHEN s.still_silent > 0 THEN greatest(s.still_silent - c.plateau, 0) / s.still_silent ELSE 0 END
			  FROM surv s
			 WHERE s.seg_key = c.src_key AND s.days <= t.d
			 ORDER BY s.days DESC
			 LIMIT 1),
		   -- the fitted BG/NBD's cross-check: P(alive) of the typical repeat
		   -- buyer of the curve, silent for dormant_after
		   (SELECT dormancy.bgnbd_p_alive(m.bgnbd, round(c.typical_x)::integer,
										  c.typical_span / m.unit_days, (c.typical_span + t.d) / m.unit_days)
			  FROM dormancy._model_for(coalesce(c.industry, ''), coalesce(c.company_size, ''),
									   (SELECT dormancy._configuration())) m
			 WHERE m.bgnbd IS NOT NULL AND t.d IS NOT NULL),
		   r.rule_id, r.at_risk_after, r.dormant_after, r.long_dormant_after,
		   t.ar - ((a.day + r.at_risk_after)::date - a.day),
		   t.d - ((a.day + r.dormant_after)::date - a.day),
		   t.ld - ((a.day + r.long_dormant_after)::date - a.day),
		   c.curve
	  FROM chosen c
	 CROSS JOIN (SELECT dormancy.as_of_day() AS day) a
	 -- whole days below four weeks, whole weeks from four weeks on; each
	 -- threshold at least a step (a day, a week) beyond the one before; none
	 -- without a curve (greatest() would make 1, 2 and 3 days of NULLs)
	  LEFT JOIN LATERAL (
		SELECT y.ar, y.d, greatest(y.ld, y.d + CASE WHEN y.d < 28 THEN 1 ELSE 7 END) AS ld
		  FROM (SELECT x.ar, greatest(x.d, x.ar + CASE WHEN x.ar < 28 THEN 1 ELSE 7 END) AS d, x.ld
				  FROM (SELECT greatest(1, CASE WHEN c.q_ar < 28 THEN c.q_ar ELSE (round(c.q_ar / 7.0) * 7)::integer END) AS ar,
							   CASE WHEN c.q_d < 28 THEN c.q_d ELSE (round(c.q_d / 7.0) * 7)::integer END AS d,
							   CASE WHEN c.q_ld < 28 THEN c.q_ld ELSE (round(c.q_ld / 7.0) * 7)::integer END AS ld
						 WHERE c.based_on IS NOT NULL) x) y
	 ) t ON true
	 -- the rule in force for the segment
	  LEFT JOIN LATERAL (
		SELECT (dormancy.rule_for(coalesce(c.industry, ''), coalesce(c.company_size, ''))).*
	  ) r ON true
	 ORDER BY c.industry IS NULL, c.industry COLLATE "C", c.company_size IS NOT NULL, c.company_size COLLATE "C";
END
$$;
COMMENT ON FUNCTION dormancy.suggest_rules(integer, double precision, double precision, double precision) IS
	'thresholds per rules segment (industry and size, industry, all) from the customers'' return curves: at risk, dormant and long dormant when these shares of the returns have come (Kaplan-Meier of the silences, current ones censored); a segment with fewer than min_gaps repeat gaps takes its industry''s or all customers''; with the rule in force and the differences in days, and the fitted BG/NBD''s P(alive) of the typical repeat buyer silent for dormant_after';

-- Write the suggested thresholds into dormancy.rules: the segment's rule is
-- updated (an installed default so becomes the user's, as any edit), or a
-- rule is added; min_order_amount and use_contract_end stay (an added rule
-- takes those of the rule the segment followed).  Only segments
-- with their own evidence unless include_inherited (a segment without
-- falls back to its industry's rule, or to the broader rules of rule_for()).
CREATE FUNCTION dormancy.apply_suggested_rules(min_gaps integer DEFAULT 30,
	at_risk_share double precision DEFAULT 0.75,
	dormant_share double precision DEFAULT 0.90,
	long_dormant_share double precision DEFAULT 0.98,
	include_inherited boolean DEFAULT false)
	RETURNS SETOF dormancy.rules
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
	written dormancy.rules;
	why text;
BEGIN
	FOR p IN
		SELECT s.* FROM dormancy.suggest_rules(min_gaps, at_risk_share, dormant_share, long_dormant_share) s
		 WHERE s.at_risk_after IS NOT NULL AND (s.based_on = 'own' OR include_inherited)
		 ORDER BY s.industry IS NULL, s.industry COLLATE "C", s.company_size IS NOT NULL, s.company_size COLLATE "C"
	LOOP
		why := format('suggested as of %s from %s repeat gaps (%s): %s, %s and %s of the returns came within the thresholds',
					  dormancy.as_of_day(), p.repeat_gaps,
					  CASE p.based_on WHEN 'own' THEN 'own' WHEN 'industry' THEN 'the industry''s'
									  ELSE 'all customers''' END,
					  at_risk_share, dormant_share, long_dormant_share);
		UPDATE dormancy.rules r
		   SET at_risk_after = p.at_risk_after, dormant_after = p.dormant_after,
			   long_dormant_after = p.long_dormant_after, note = why
		 WHERE dormancy.label_key(coalesce(r.industry, '')) = coalesce(p.industry, '')
		   AND dormancy.label_key(coalesce(r.company_size, '')) = coalesce(p.company_size, '')
		RETURNING r.* INTO written;
		IF NOT FOUND THEN
			-- a new segment keeps the large-order amount and the contract
			-- recency of the rule it followed
			INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after,
										min_order_amount, use_contract_end, note)
			SELECT p.industry, p.company_size, p.at_risk_after, p.dormant_after, p.long_dormant_after,
				   coalesce(f.min_order_amount, 0), coalesce(f.use_contract_end, false), why
			  FROM (SELECT 1) one
			  LEFT JOIN dormancy.rule_for(p.industry, p.company_size) f ON true
			RETURNING * INTO written;
		END IF;
		RETURN NEXT written;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy.apply_suggested_rules(integer, double precision, double precision, double precision, boolean) IS
	'write the thresholds of suggest_rules() into dormancy.rules (update the segment''s rule, an installed default becoming the user''s, or add one with the large-order amount and contract recency of the rule the segment followed); segments with their own evidence only unless include_inherited; returns the rules written';
REVOKE ALL ON FUNCTION dormancy.apply_suggested_rules(integer, double precision, double precision, double precision, boolean) FROM PUBLIC;
