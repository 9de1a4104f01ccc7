-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Priority score and breakdown, cheap per row (issue 11)
--
-- score_priority() builds its jsonb breakdown in one pass (C only: same
-- result).  customer_status calls its two halves in the select list instead
-- of score_priority() in FROM.
CREATE FUNCTION dormancy._priority_score(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'priority_score_only'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_score(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the score of score_priority() alone (customer_status.priority_score)';

CREATE FUNCTION dormancy._priority_breakdown(inputs dormancy.priority_inputs, weights dormancy.score_weights)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'priority_breakdown'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights) IS
	'internal: the breakdown of score_priority() alone (customer_status.score_breakdown)';

CREATE OR REPLACE FUNCTION dormancy._status_parts_55_priority(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	events_bound text := CASE WHEN bindings ? 'events' THEN 'true' ELSE 'false' END;
	deals_bound text := CASE WHEN bindings ? 'deals' THEN 'true' ELSE 'false' END;
	contracts_bound text := CASE WHEN bindings ? 'contracts' THEN 'true' ELSE 'false' END;
	id_type regtype := dormancy._customer_id_type()::regtype;
	tie_break text;
	-- with contacts bound, a channel the customer cannot be reached by is
	-- skipped (cc: part 53): no phone call without a usable number, no
	-- (step) mail without a usable address
	reachable text := concat_ws(' AND ', 'true',
		CASE WHEN bindings -> 'contacts' ? 'phone'
			 THEN $r$(ar.channel <> 'phone' OR coalesce(cc.phones, 0) > 0)$r$ END,
		CASE WHEN bindings -> 'contacts' ? 'email'
			 THEN $r$(ar.channel NOT IN ('email', 'step_mail') OR coalesce(cc.emails, 0) > 0)$r$ END);
BEGIN
	-- ranks break ties by customer id: its own order when it has one, else as text
	IF EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
				WHERE am.amname = 'btree' AND o.opcdefault
				  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype
					   AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		tie_break := 'core.customer_id';
	ELSE
		tie_break := 'core.customer_id::pg_catalog.text COLLATE "C"';
	END IF;

	from_item := format($f$CROSS JOIN dormancy.score_weights_in_force() sw
CROSS JOIN dormancy.source_settings_in_force() pss
CROSS JOIN LATERAL (
	SELECT pg_catalog.array_remove(ARRAY[
			   'state_' || cst.scored_state,
			   core.segment,
			   CASE WHEN core.declining THEN 'declining' END,
			   CASE WHEN core.lapsed_after_price_increase THEN 'lapsed_after_price_increase' END,
			   CASE WHEN core.lapsed_after_spec_change THEN 'lapsed_after_spec_change' END,
			   CASE WHEN con.contract_lapsed THEN 'contract_lapsed' END,
			   CASE WHEN con.auto_renew_off THEN 'auto_renew_off' END,
			   CASE WHEN con.downgraded THEN 'downgraded' END,
			   CASE WHEN con.renewal_due_in_days <= (core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of
					THEN 'renewal_due' END,
			   CASE WHEN %1$s THEN CASE WHEN coalesce(eng.events_in_window, 0) > 0 THEN 'engaged' ELSE 'no_engagement' END END,
			   CASE WHEN eng.pricing_views > 0 THEN 'pricing_views' END,
			   CASE WHEN eng.pricing_views >= pss.repeated_pricing_views THEN 'repeated_pricing_views' END,
			   CASE WHEN eng.support_visits >= pss.support_visits_threshold THEN 'support_visits' END,
			   'deal_' || deal.last_deal_outcome,
			   'deal_reason_' || deal.last_deal_reason,
			   CASE WHEN deal.open_deals > 0 THEN 'open_deal' END,
			   CASE WHEN dk.dormancy_kind = 'lost_deal' THEN 'lost_deal' END
		   ]::pg_catalog.text[], NULL) || core.decline_signals AS evidence,
		   (cst.scored_state IN ('at_risk', 'dormant', 'long_dormant') OR core.declining
			OR dk.dormancy_kind = 'lost_deal'
			OR coalesce(con.contract_lapsed OR con.auto_renew_off OR con.downgraded, false)) AS lapsing,
		   coalesce(mval.expected_value,
					CASE WHEN core.order_days > 0
						 THEN greatest(core.total_amount, 0) / greatest(1.0, (core.last_order_at - core.first_order_at) / 365.25)
						 ELSE 0 END) AS approach_value
) ev
CROSS JOIN LATERAL (
	SELECT dormancy._priority_score(pin.inputs, sw) AS score,
		   dormancy._priority_breakdown(pin.inputs, sw) AS breakdown
	  FROM (SELECT ROW(
	cst.scored_state,
	core.as_of - cst.scored_last_day,
	(core.as_of + core.at_risk_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.dormant_after)::pg_catalog.date - core.as_of,
	(core.as_of + core.long_dormant_after)::pg_catalog.date - core.as_of,
	core.total_amount,
	core.order_days,
	core.median_gap_days,
	core.mean_gap_days,
	core.gap_stddev_days,
	core.segment,
	pg_catalog.cardinality(core.decline_signals),
	core.declining,
	%1$s,
	coalesce(eng.events_in_window, 0),
	coalesce(eng.pricing_views, 0),
	eng.days_since_last_event,
	(core.as_of + pss.engagement_window)::pg_catalog.date - core.as_of,
	%2$s,
	deal.last_deal_outcome,
	deal.last_deal_reason,
	deal.days_since_last_deal,
	coalesce(deal.open_deals, 0),
	%3$s,
	con.customer_id IS NOT NULL,
	coalesce(con.contract_lapsed, false),
	con.days_since_contract_end,
	coalesce(con.auto_renew_off, false),
	coalesce(con.downgraded, false),
	con.renewal_due_in_days,
	(core.as_of + pss.renewal_horizon)::pg_catalog.date - core.as_of,
	models.p_alive,
	mval.expected_value)::dormancy.priority_inputs AS inputs) pin
) prio
LEFT JOIN LATERAL (
	SELECT rr.reason, rr.evidence
	  FROM dormancy.reason_rules rr
	 WHERE ev.lapsing AND rr.evidence <@ ev.evidence
	 ORDER BY rr.rule_order
	 LIMIT 1
) rr ON true
CROSS JOIN LATERAL (
	SELECT CASE WHEN ev.lapsing THEN coalesce(rr.reason, 'unknown') END AS reason,
		   CASE WHEN ev.lapsing THEN coalesce(rr.evidence, '{}'::pg_catalog.text[]) END AS evidence
) rsn
LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
LEFT JOIN LATERAL (
	SELECT ar.channel
	  FROM dormancy.approach_rules ar
	 WHERE ev.lapsing
	   AND ev.approach_value >= ar.min_value
	   AND (ar.industries IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.industries) i
			 WHERE pg_catalog.lower(pg_catalog.btrim(i)) = pg_catalog.lower(pg_catalog.btrim(core.industry))))
	   AND (ar.company_sizes IS NULL OR EXISTS (
			SELECT 1 FROM pg_catalog.unnest(ar.company_sizes) s
			 WHERE pg_catalog.lower(pg_catalog.btrim(s)) = pg_catalog.lower(pg_catalog.btrim(core.company_size))))
	   AND (ar.reasons IS NULL OR rsn.reason = ANY (ar.reasons))
	   AND %4$s
	 ORDER BY ar.rule_order
	 LIMIT 1
) ch ON true$f$, events_bound, deals_bound, contracts_bound, reachable);

	select_list := format(
		'prio.score AS priority_score, '
		'pg_catalog.rank() OVER (ORDER BY prio.score DESC, %s) AS priority_rank, '
		'prio.breakdown AS score_breakdown, '
		'rsn.reason AS likely_reason, '
		'rsn.evidence AS reason_evidence, '
		'ev.evidence, '
		'ch.channel AS approach_channel, '
		'th.theme AS message_theme, '
		'ev.approach_value', tie_break);
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_55_priority(jsonb) IS
	'internal: the priority, reason and approach columns of customer_status';

--
-- Privileges (always last)
--
-- Internal functions (names starting with an underscore) are the owner's:
-- none of them is meant to be called by anyone else, and trigger functions
-- cannot be attached to other tables without EXECUTE.  Run last, so that it
-- covers every function of the script.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
		 WHERE p.pronamespace = 'dormancy'::regnamespace AND starts_with(p.proname, '_')
	LOOP
		EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', f);
	END LOOP;
END
$$;

-- ... except the internal functions that the live views themselves call,
-- which the analysts need: the gate of the history store (closed but inside a
-- refresh's own transaction), raising a broken binding's error, and the
-- two halves of score_priority()
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._broken_binding(text, text, text, text),
	dormancy._priority_score(dormancy.priority_inputs, dormancy.score_weights),
	dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights) TO dormancy_analyst;

SELECT dormancy._update_generated_views();
