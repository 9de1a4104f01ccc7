--
-- The generated views of the sources
--

CREATE FUNCTION dormancy._views_50_sources(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type text := dormancy._customer_id_type();
	b record;
BEGIN
	-- src_contracts: one row per contract term
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contracts';
	view_name := 'src_contracts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS starts_on, %s AS ends_on, %s AS seats, %s AS amount, '
			'%s AS auto_renew, %s AS plan FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'starts_on'),
			dormancy._day_expr(b.relation, b.columns, 'ends_on'),
			dormancy._number_expr(b.relation, b.columns, 'seats'),
			dormancy._number_expr(b.relation, b.columns, 'amount'),
			dormancy._col_as(b.columns, 'auto_renew', 'pg_catalog.bool'),
			dormancy._col_as(b.columns, 'plan', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS starts_on, NULL::pg_catalog.date AS ends_on, '
			'NULL::pg_catalog.float8 AS seats, NULL::pg_catalog.float8 AS amount, NULL::pg_catalog.bool AS auto_renew, '
			'NULL::pg_catalog.text AS plan WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_events: one row per event
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'events';
	view_name := 'src_events';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS occurred_on, %s AS source_kind FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'occurred_at'),
			dormancy._col_as(b.columns, 'kind', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS occurred_on, '
			'NULL::pg_catalog.text AS source_kind WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_deals: one row per deal
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'deals';
	view_name := 'src_deals';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS closed_on, %s AS source_outcome, %s AS source_reason, '
			'%s AS note FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._day_expr(b.relation, b.columns, 'closed_at'),
			dormancy._col_as(b.columns, 'outcome', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'lost_reason', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'note', 'pg_catalog.text'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.date AS closed_on, NULL::pg_catalog.text AS source_outcome, '
			'NULL::pg_catalog.text AS source_reason, NULL::pg_catalog.text AS note WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- src_contacts: one row per contact
	b := NULL;
	SELECT x.relation, x.columns INTO b FROM dormancy._usable_bindings() x
	 WHERE x.source = 'contacts';
	view_name := 'src_contacts';
	IF b.relation IS NOT NULL THEN
		definition := format(
			'SELECT %s AS customer_id, %s AS phone, %s AS email, %s AS person, %s AS updated_on FROM %s t',
			dormancy._col(b.columns, 'customer'),
			dormancy._col_as(b.columns, 'phone', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'email', 'pg_catalog.text'),
			dormancy._col_as(b.columns, 'person', 'pg_catalog.text'),
			dormancy._day_expr(b.relation, b.columns, 'updated_at'),
			b.relation);
	ELSE
		definition := format(
			'SELECT NULL::%s AS customer_id, NULL::pg_catalog.text AS phone, NULL::pg_catalog.text AS email, '
			'NULL::pg_catalog.text AS person, NULL::pg_catalog.date AS updated_on WHERE false', id_type);
	END IF;
	RETURN NEXT;

	-- contract_signals: per customer, from its valid terms (a start or an
	-- end, and no end before the start); NULL start means started long ago,
	-- NULL or infinite end means open-ended.  The contracts are read once
	-- (terms, ranked per customer, then one GROUP BY), and every window is by
	-- customer, so WHERE customer_id = $1 reaches the contracts (their index)
	view_name := 'contract_signals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day, s.contract_grace_period, s.downgrade_window, s.renewal_horizon
	  FROM dormancy.source_settings_in_force() s
), ranked AS (
	SELECT t.*,
		   -- the current term: started, covering as_of, ending last
		   pg_catalog.row_number() OVER (PARTITION BY t.customer_id
			   ORDER BY t.is_current DESC, t.end_day DESC, t.starts_on DESC NULLS LAST) AS current_rank,
		   -- the latest term in the downgrade window with fewer seats or a lower amount than the one before
		   pg_catalog.row_number() OVER (PARTITION BY t.customer_id
			   ORDER BY t.is_downgrade DESC, t.starts_on DESC NULLS LAST, t.end_day DESC) AS downgrade_rank
	  FROM (SELECT w.*,
				   (w.started AND w.end_day >= a.day) AS is_current,
				   coalesce(w.started
							AND coalesce(w.starts_on, '-infinity'::pg_catalog.date) > (a.day - a.downgrade_window)::pg_catalog.date
							AND (w.seats < w.prev_seats OR w.amount < w.prev_amount), false) AS is_downgrade
			  FROM (SELECT c.customer_id, c.starts_on, c.ends_on, c.seats, c.amount, c.auto_renew, c.plan,
						   coalesce(c.ends_on, 'infinity'::pg_catalog.date) AS end_day,
						   (c.starts_on IS NULL OR c.starts_on <= a.day) AS started,
						   pg_catalog.lag(c.seats) OVER w AS prev_seats,
						   pg_catalog.lag(c.amount) OVER w AS prev_amount,
						   pg_catalog.lag(c.plan) OVER w AS prev_plan
					  FROM dormancy.src_contracts c CROSS JOIN a
					 WHERE c.customer_id IS NOT NULL
					   AND (c.starts_on IS NOT NULL OR c.ends_on IS NOT NULL)
					   AND (c.starts_on IS NULL OR c.ends_on IS NULL OR c.starts_on <= c.ends_on)
					WINDOW w AS (PARTITION BY c.customer_id
								 ORDER BY coalesce(c.starts_on, '-infinity'::pg_catalog.date), c.ends_on NULLS LAST)) w
			 CROSS JOIN a) t
), p AS (
	SELECT r.customer_id,
		   pg_catalog.count(*) AS terms,
		   pg_catalog.max(r.end_day) FILTER (WHERE r.started) AS last_end,
		   coalesce(pg_catalog.bool_or(r.started AND r.end_day >= a.day), false) AS covered,
		   coalesce(pg_catalog.bool_or(r.starts_on > a.day), false) AS renewed_ahead,
		   -- the current term's columns (one row: current_rank 1, if current)
		   pg_catalog.max(r.starts_on) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_starts_on,
		   pg_catalog.max(r.ends_on) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_ends_on,
		   pg_catalog.max(r.plan) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_plan,
		   pg_catalog.max(r.seats) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_seats,
		   pg_catalog.max(r.amount) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_amount,
		   pg_catalog.bool_or(r.auto_renew) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_auto_renew,
		   pg_catalog.max(r.end_day) FILTER (WHERE r.current_rank = 1 AND r.is_current) AS cur_end_day,
		   -- the downgrade's (one row: downgrade_rank 1, if a downgrade)
		   pg_catalog.bool_or(r.downgrade_rank = 1 AND r.is_downgrade) AS down,
		   pg_catalog.max(r.starts_on) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_starts_on,
		   pg_catalog.max(r.prev_seats) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_prev_seats,
		   pg_catalog.max(r.seats) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_seats,
		   pg_catalog.max(r.prev_amount) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_prev_amount,
		   pg_catalog.max(r.amount) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_amount,
		   pg_catalog.max(r.prev_plan) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_prev_plan,
		   pg_catalog.max(r.plan) FILTER (WHERE r.downgrade_rank = 1 AND r.is_downgrade) AS down_plan
	  FROM ranked r CROSS JOIN a
	 GROUP BY r.customer_id
)
SELECT p.customer_id,
	   p.terms,
	   p.cur_starts_on AS current_starts_on,
	   p.cur_ends_on AS current_ends_on,
	   p.cur_plan AS current_plan,
	   p.cur_seats AS current_seats,
	   p.cur_amount AS current_amount,
	   p.cur_auto_renew AS current_auto_renew,
	   CASE WHEN p.last_end < 'infinity'::pg_catalog.date THEN p.last_end END AS contract_end_at,
	   CASE WHEN p.last_end IS NOT NULL THEN least(p.last_end, a.day) END AS last_covered_day,
	   (p.last_end IS NOT NULL AND NOT p.covered
		AND (p.last_end + a.contract_grace_period)::pg_catalog.date < a.day) AS contract_lapsed,
	   CASE WHEN p.last_end IS NOT NULL AND NOT p.covered THEN a.day - p.last_end END AS days_since_contract_end,
	   coalesce(p.cur_auto_renew = false AND NOT p.renewed_ahead, false) AS auto_renew_off,
	   CASE WHEN p.cur_end_day < 'infinity'::pg_catalog.date AND NOT p.renewed_ahead
			THEN p.cur_end_day - a.day END AS renewal_due_in_days,
	   (a.day + a.renewal_horizon)::pg_catalog.date - a.day AS renewal_horizon_days,
	   p.down AS downgraded,
	   p.down_starts_on AS downgraded_on,
	   p.down_prev_seats AS seats_before,
	   p.down_seats AS seats_after,
	   p.down_prev_amount AS amount_before,
	   p.down_amount AS amount_after,
	   p.down_prev_plan AS plan_before,
	   p.down_plan AS plan_after,
	   a.day AS as_of
  FROM p
 CROSS JOIN a
$q$;
	RETURN NEXT;

	-- customer_engagement: events per customer in the engagement window, by kind
	view_name := 'customer_engagement';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.engagement_window)::pg_catalog.date AS window_start
	  FROM dormancy.source_settings_in_force() s
), ev AS (
	SELECT e.customer_id, e.occurred_on, coalesce(k.kind, 'other') AS kind,
		   e.occurred_on > a.window_start AS in_window
	  FROM dormancy.src_events e
	 CROSS JOIN a
	  LEFT JOIN dormancy.event_kinds k ON pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind))
	 WHERE e.customer_id IS NOT NULL AND e.occurred_on IS NOT NULL AND pg_catalog.isfinite(e.occurred_on)
	   AND e.occurred_on <= a.day
)
SELECT ev.customer_id,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window)::integer AS events_in_window,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_open')::integer AS email_opens,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'email_click')::integer AS email_clicks,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'web_visit')::integer AS web_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'pricing_view')::integer AS pricing_views,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'document_download')::integer AS document_downloads,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'support_visit')::integer AS support_visits,
	   pg_catalog.count(*) FILTER (WHERE ev.in_window AND ev.kind = 'other')::integer AS other_events,
	   pg_catalog.max(ev.occurred_on) AS last_event_at,
	   a.day - pg_catalog.max(ev.occurred_on) AS days_since_last_event,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_open') AS days_since_last_email_open,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'email_click') AS days_since_last_email_click,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'web_visit') AS days_since_last_web_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'pricing_view') AS days_since_last_pricing_view,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'document_download') AS days_since_last_document_download,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'support_visit') AS days_since_last_support_visit,
	   a.day - pg_catalog.max(ev.occurred_on) FILTER (WHERE ev.kind = 'other') AS days_since_last_other_event,
	   a.day - a.window_start AS engagement_window_days,
	   a.day AS as_of
  FROM ev CROSS JOIN a
 GROUP BY ev.customer_id, a.day, a.window_start
$q$;
	RETURN NEXT;

	-- customer_deals: the last closed deal per customer (open deals counted apart)
	view_name := 'customer_deals';
	definition := $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day
), d AS (
	SELECT x.customer_id, x.closed_on, x.source_outcome, x.source_reason, x.note,
		   coalesce(o.outcome, 'unknown') AS outcome,
		   CASE WHEN x.source_reason IS NULL OR pg_catalog.btrim(x.source_reason) = '' THEN NULL
				ELSE coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.src_deals x
	  LEFT JOIN dormancy.deal_outcomes o ON pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(x.source_outcome))
	  LEFT JOIN dormancy.deal_reasons r ON pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(x.source_reason))
	 WHERE x.customer_id IS NOT NULL
), closed AS (
	SELECT d.*, (d.outcome IS DISTINCT FROM 'open' AND d.closed_on IS NOT NULL AND pg_catalog.isfinite(d.closed_on)
				 AND d.closed_on <= a.day) AS counts
	  FROM d CROSS JOIN a
)
SELECT c.customer_id,
	   (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_at,
	   a.day - (pg_catalog.array_agg(c.closed_on ORDER BY c.closed_on DESC) FILTER (WHERE c.counts))[1] AS days_since_last_deal,
	   (pg_catalog.array_agg(c.outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_outcome,
	   (pg_catalog.array_agg(c.reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_reason,
	   (pg_catalog.array_agg(c.source_outcome ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_outcome,
	   (pg_catalog.array_agg(c.source_reason ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_source_reason,
	   (pg_catalog.array_agg(c.note ORDER BY c.closed_on DESC, c.outcome, c.reason, c.source_outcome, c.note) FILTER (WHERE c.counts))[1] AS last_deal_note,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'won')::integer AS deals_won,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'lost')::integer AS deals_lost,
	   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'postponed')::integer AS deals_postponed,
	   pg_catalog.count(*) FILTER (WHERE c.outcome = 'open')::integer AS open_deals,
	   pg_catalog.max(c.closed_on) FILTER (WHERE c.counts AND c.outcome = 'won') AS last_won_at,
	   a.day AS as_of
  FROM closed c CROSS JOIN a
 GROUP BY c.customer_id, a.day
$q$;
	RETURN NEXT;

	-- source_issues: rows of the optional sources the views cannot use or
	-- had to interpret, counted per kind.  Every source reports its rows
	-- without a customer and those of unknown customers alike.
	view_name := 'source_issues';
	SELECT string_agg(format($b$
SELECT %1$L::pg_catalog.text AS source, %2$L::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   %4$L::pg_catalog.text AS detail
  FROM dormancy.%3$I x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT %1$L, %5$L, x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*), %6$L
  FROM dormancy.%3$I x
 WHERE x.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers s WHERE s.customer_id = x.customer_id)
 GROUP BY x.customer_id$b$,
		   v.source, v.noun || '_without_customer', 'src_' || v.source, v.rows_noun || ' whose customer is NULL, left out',
		   v.noun || '_customer_not_found', v.rows_noun || ' of a customer not in the bound customers, not in customer_status'),
		   E'\nUNION ALL' ORDER BY v.ord)
	  INTO definition
	  FROM (VALUES (1, 'contracts', 'contract', 'contract terms'), (2, 'events', 'event', 'events'),
				   (3, 'deals', 'deal', 'deals'), (4, 'contacts', 'contact', 'contacts')) v(ord, source, noun, rows_noun);
	definition := definition || $q$
UNION ALL
SELECT 'contracts', 'contract_without_dates', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms with neither start nor end, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_start', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without a start: taken as started before the as-of day'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_end', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without an end: taken as open-ended (running)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on IS NULL AND c.starts_on IS NOT NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_ends_before_start', c.customer_id::pg_catalog.text,
	   pg_catalog.min(c.starts_on)::pg_catalog.text || ' > ' || pg_catalog.min(c.ends_on)::pg_catalog.text, pg_catalog.count(*),
	   'contract terms that end before they start, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on < c.starts_on
 GROUP BY c.customer_id
UNION ALL
SELECT 'events', 'event_without_date', e.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events whose time is NULL or infinite, left out'
  FROM dormancy.src_events e
 WHERE e.occurred_on IS NULL OR NOT pg_catalog.isfinite(e.occurred_on)
 GROUP BY e.customer_id
UNION ALL
SELECT 'events', 'event_kind_unmapped', NULL, e.source_kind, pg_catalog.count(*),
	   'event kinds not in dormancy.event_kinds (NULL included), counted as other'
  FROM dormancy.src_events e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
					WHERE pg_catalog.lower(pg_catalog.btrim(k.source_kind)) = pg_catalog.lower(pg_catalog.btrim(e.source_kind)))
 GROUP BY e.source_kind
UNION ALL
SELECT 'deals', 'deal_without_date', d.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'deals that are not open and have no (finite) close date, left out of the last deal'
  FROM dormancy.src_deals d
 WHERE (d.closed_on IS NULL OR NOT pg_catalog.isfinite(d.closed_on))
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome))
					  AND o.outcome = 'open')
 GROUP BY d.customer_id
UNION ALL
SELECT 'deals', 'deal_outcome_unmapped', NULL, d.source_outcome, pg_catalog.count(*),
	   'deal outcomes not in dormancy.deal_outcomes (NULL included): outcome unknown, neutral in the score'
  FROM dormancy.src_deals d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
					WHERE pg_catalog.lower(pg_catalog.btrim(o.source_outcome)) = pg_catalog.lower(pg_catalog.btrim(d.source_outcome)))
 GROUP BY d.source_outcome
UNION ALL
SELECT 'deals', 'deal_reason_unmapped', NULL, d.source_reason, pg_catalog.count(*),
	   'lost reasons not in dormancy.deal_reasons, counted as other'
  FROM dormancy.src_deals d
 WHERE d.source_reason IS NOT NULL AND pg_catalog.btrim(d.source_reason) <> ''
   AND NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
					WHERE pg_catalog.lower(pg_catalog.btrim(r.source_reason)) = pg_catalog.lower(pg_catalog.btrim(d.source_reason)))
 GROUP BY d.source_reason$q$;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._views_50_sources(jsonb) IS
	'internal: the views of the contracts, events, deals and contacts sources (adapters, per-customer signals, source_issues)';

--
-- Their columns in customer_status
--

-- Contracts (alias con; csr = the rule's recency source, cst = the
-- contract-based state).  cst.scored_state is the state the priority uses:
-- for rules with use_contract_end, the last covered day of the contracts
-- counts like a purchase day.
CREATE FUNCTION dormancy._status_parts_50_contracts(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN LATERAL (
	-- customer_core joins contract_signals once; these are its columns
	SELECT CASE WHEN core.contract_terms IS NOT NULL THEN core.customer_id END AS customer_id,
		   core.contract_end_at, core.contract_covered_until AS last_covered_day, core.contract_lapsed,
		   core.days_since_contract_end, core.auto_renew_off, core.downgraded, core.renewal_due_in_days
  ) con ON true
LEFT JOIN dormancy.rules csr ON csr.rule_id = core.rule_id
CROSS JOIN LATERAL (
	SELECT CASE WHEN con.customer_id IS NOT NULL THEN
				dormancy.dormancy_state(con.last_covered_day, core.as_of, core.at_risk_after,
										core.dormant_after, core.long_dormant_after) END AS contract_state,
		   CASE WHEN coalesce(csr.use_contract_end, false) AND con.last_covered_day IS NOT NULL
				THEN greatest(core.last_qualifying_order_at, con.last_covered_day)
				ELSE core.last_qualifying_order_at END AS scored_last_day
) cst0
CROSS JOIN LATERAL (
	SELECT cst0.contract_state,
		   cst0.scored_last_day,
		   core.state AS scored_state	-- customer_core applies use_contract_end already
) cst$f$,
		   'cst.contract_state'
$$;
COMMENT ON FUNCTION dormancy._status_parts_50_contracts(jsonb) IS
	'internal: the contract columns of customer_status';

-- Engagement (alias eng).
CREATE FUNCTION dormancy._status_parts_51_engagement(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN dormancy.customer_engagement eng ON eng.customer_id = core.customer_id',
		   CASE WHEN bindings ? 'events'
				THEN 'coalesce(eng.events_in_window, 0) AS events_in_window, coalesce(eng.pricing_views, 0) AS pricing_views, '
					 'coalesce(eng.support_visits, 0) AS support_visits, eng.days_since_last_event'
				ELSE 'eng.events_in_window, eng.pricing_views, eng.support_visits, eng.days_since_last_event' END
$$;
COMMENT ON FUNCTION dormancy._status_parts_51_engagement(jsonb) IS
	'internal: the engagement columns of customer_status';

-- Deals (alias deal; dk = the kind of dormancy).
CREATE FUNCTION dormancy._status_parts_52_deals(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$LEFT JOIN dormancy.customer_deals deal ON deal.customer_id = core.customer_id
CROSS JOIN LATERAL (
	SELECT CASE WHEN deal.last_deal_outcome IN ('lost', 'postponed')
					 AND (core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at) THEN 'lost_deal'
				WHEN cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') THEN 'purchase' END AS dormancy_kind
) dk$f$,
		   'deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason, '
		   'coalesce(deal.open_deals, 0) AS open_deals, dk.dormancy_kind'
$$;
COMMENT ON FUNCTION dormancy._status_parts_52_deals(jsonb) IS
	'internal: the deal columns of customer_status';

CREATE FUNCTION dormancy._comment_views_50_sources()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.src_contracts IS 'adapter view over the bound contracts relation, one row per contract term (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contracts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contracts.starts_on IS 'first day of the term (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_contracts.ends_on IS 'last day of the term; NULL or infinity for an open-ended term';
	COMMENT ON COLUMN dormancy.src_contracts.seats IS 'seats or licences of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.amount IS 'amount of the term as double precision, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contracts.auto_renew IS 'whether the term renews by itself, NULL when unbound or unknown';
	COMMENT ON COLUMN dormancy.src_contracts.plan IS 'plan of the term as text, NULL when unbound';

	COMMENT ON VIEW dormancy.src_events IS 'adapter view over the bound engagement events relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_events.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_events.occurred_on IS 'the day of the event (a timestamptz becomes its day in dormancy.time_zone)';
	COMMENT ON COLUMN dormancy.src_events.source_kind IS 'the bound kind column as text, mapped by dormancy.event_kinds';

	COMMENT ON VIEW dormancy.src_deals IS 'adapter view over the bound deals relation (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_deals.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_deals.closed_on IS 'the day the deal closed (NULL for open deals); a timestamptz becomes its day in dormancy.time_zone';
	COMMENT ON COLUMN dormancy.src_deals.source_outcome IS 'the bound outcome column as text, mapped by dormancy.deal_outcomes';
	COMMENT ON COLUMN dormancy.src_deals.source_reason IS 'the bound lost reason column as text, mapped by dormancy.deal_reasons; NULL when unbound';
	COMMENT ON COLUMN dormancy.src_deals.note IS 'the bound note column as text, NULL when unbound';

	COMMENT ON VIEW dormancy.src_contacts IS 'adapter view over the bound contacts relation, one row per contact (empty when unbound)';
	COMMENT ON COLUMN dormancy.src_contacts.customer_id IS 'the bound customer column';
	COMMENT ON COLUMN dormancy.src_contacts.phone IS 'the bound phone column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.email IS 'the bound email column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.person IS 'the bound contact person column as text, NULL when unbound';
	COMMENT ON COLUMN dormancy.src_contacts.updated_on IS 'the day the contact was last updated (a timestamptz becomes its day in dormancy.time_zone), NULL when unbound';

	COMMENT ON VIEW dormancy.contract_signals IS 'contract signals per customer with contract terms, as of dormancy.as_of_day() (docs/sources.md)';
	COMMENT ON COLUMN dormancy.contract_signals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.contract_signals.terms IS 'valid terms (a start or an end, not ending before the start)';
	COMMENT ON COLUMN dormancy.contract_signals.current_starts_on IS 'start of the current term (the started term covering as_of that ends last)';
	COMMENT ON COLUMN dormancy.contract_signals.current_ends_on IS 'end of the current term; NULL when open-ended or none';
	COMMENT ON COLUMN dormancy.contract_signals.current_plan IS 'plan of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_seats IS 'seats of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_amount IS 'amount of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.current_auto_renew IS 'auto-renew flag of the current term';
	COMMENT ON COLUMN dormancy.contract_signals.contract_end_at IS 'latest end of the terms started by as_of; NULL when one is open-ended';
	COMMENT ON COLUMN dormancy.contract_signals.last_covered_day IS 'the last day up to as_of covered by a term (as_of while a term runs): the contract recency';
	COMMENT ON COLUMN dormancy.contract_signals.contract_lapsed IS 'no term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.contract_signals.days_since_contract_end IS 'days from the end of the last term to as_of when no term covers as_of';
	COMMENT ON COLUMN dormancy.contract_signals.auto_renew_off IS 'the current term has auto-renew off and no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.contract_signals.renewal_horizon_days IS 'the renewal horizon of dormancy.source_settings in days';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded IS 'a term with fewer seats or a lower amount than the term before it started within the downgrade window';
	COMMENT ON COLUMN dormancy.contract_signals.downgraded_on IS 'start of the latest such term';
	COMMENT ON COLUMN dormancy.contract_signals.seats_before IS 'seats of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.seats_after IS 'seats of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.amount_before IS 'amount of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.amount_after IS 'amount of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.plan_before IS 'plan of the term before the downgrade';
	COMMENT ON COLUMN dormancy.contract_signals.plan_after IS 'plan of the downgraded term';
	COMMENT ON COLUMN dormancy.contract_signals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_engagement IS 'engagement events per customer: counts in the engagement window and days since the last event, by kind';
	COMMENT ON COLUMN dormancy.customer_engagement.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_engagement.events_in_window IS 'events in (as_of - engagement_window, as_of]';
	COMMENT ON COLUMN dormancy.customer_engagement.email_opens IS 'email_open events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.email_clicks IS 'email_click events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.web_visits IS 'web_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.pricing_views IS 'pricing_view events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.document_downloads IS 'document_download events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.support_visits IS 'support_visit events in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.other_events IS 'other events (unmapped kinds included) in the window';
	COMMENT ON COLUMN dormancy.customer_engagement.last_event_at IS 'day of the last event up to as_of';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_event IS 'as_of minus last_event_at';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_open IS 'days since the last email_open';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_click IS 'days since the last email_click';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_web_visit IS 'days since the last web_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_pricing_view IS 'days since the last pricing_view';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_document_download IS 'days since the last document_download';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_support_visit IS 'days since the last support_visit';
	COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_other_event IS 'days since the last other event';
	COMMENT ON COLUMN dormancy.customer_engagement.engagement_window_days IS 'length of the engagement window in days';
	COMMENT ON COLUMN dormancy.customer_engagement.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.customer_deals IS 'the last closed deal per customer with deals, and deal counts';
	COMMENT ON COLUMN dormancy.customer_deals.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_at IS 'close day of the last deal that is not open, up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.days_since_last_deal IS 'as_of minus last_deal_at';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_outcome IS 'won, lost, postponed, or unknown (an outcome that is NULL or not in dormancy.deal_outcomes)';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_reason IS 'price, features, competitor, timing, budget, circumstances or other; NULL when none was given';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_outcome IS 'the outcome as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_reason IS 'the reason as it is in the bound relation';
	COMMENT ON COLUMN dormancy.customer_deals.last_deal_note IS 'the note of the last deal';
	COMMENT ON COLUMN dormancy.customer_deals.deals_won IS 'won deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_lost IS 'lost deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.deals_postponed IS 'postponed deals up to as_of';
	COMMENT ON COLUMN dormancy.customer_deals.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_deals.last_won_at IS 'close day of the last won deal';
	COMMENT ON COLUMN dormancy.customer_deals.as_of IS 'the as-of day';

	COMMENT ON VIEW dormancy.source_issues IS 'rows of the contracts, events, deals and contacts sources that cannot be used or had to be interpreted, counted per kind';
	COMMENT ON COLUMN dormancy.source_issues.source IS 'contracts, events, deals or contacts';
	COMMENT ON COLUMN dormancy.source_issues.issue IS 'what is wrong (docs/sources.md lists every issue)';
	COMMENT ON COLUMN dormancy.source_issues.customer_id IS 'the customer id concerned, as text';
	COMMENT ON COLUMN dormancy.source_issues.value IS 'the value concerned (an unmapped kind, outcome or reason; the dates of a term ending before its start)';
	COMMENT ON COLUMN dormancy.source_issues.rows IS 'rows concerned';
	COMMENT ON COLUMN dormancy.source_issues.detail IS 'what the issue means and what was done with the rows';

	COMMENT ON COLUMN dormancy.customer_status.contract_end_at IS 'latest end of the customer''s contract terms started by as_of (NULL when open-ended or without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.contract_lapsed IS 'no contract term covers as_of and the last one ended more than the grace period before it';
	COMMENT ON COLUMN dormancy.customer_status.auto_renew_off IS 'the current term will not renew: auto-renew off and no later term signed';
	COMMENT ON COLUMN dormancy.customer_status.downgraded IS 'a term with fewer seats or a lower amount than the one before it started in the downgrade window';
	COMMENT ON COLUMN dormancy.customer_status.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
	COMMENT ON COLUMN dormancy.customer_status.contract_state IS 'the state ladder applied to the last day covered by a contract (NULL without contracts)';
	COMMENT ON COLUMN dormancy.customer_status.events_in_window IS 'engagement events in the engagement window (NULL when events are not bound)';
	COMMENT ON COLUMN dormancy.customer_status.pricing_views IS 'pricing page views in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.support_visits IS 'support page visits in the engagement window';
	COMMENT ON COLUMN dormancy.customer_status.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_at IS 'close day of the last deal that is not open';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_outcome IS 'won, lost, postponed or unknown';
	COMMENT ON COLUMN dormancy.customer_status.last_deal_reason IS 'reason of the last deal: price, features, competitor, timing, budget, circumstances or other';
	COMMENT ON COLUMN dormancy.customer_status.open_deals IS 'deals whose outcome is open';
	COMMENT ON COLUMN dormancy.customer_status.dormancy_kind IS 'lost_deal (last deal lost or postponed, after any purchase), purchase (at risk or dormant after purchases), or NULL';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_50_sources() IS 'internal: comment the views and columns of the optional sources';

REVOKE ALL ON FUNCTION dormancy._comment_views_50_sources() FROM PUBLIC;
REVOKE ALL ON FUNCTION dormancy._install_defaults(regclass, name) FROM PUBLIC;
