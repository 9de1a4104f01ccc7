-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Reason and approach rules in C (issue 11)
--
-- likely_reason, reason_evidence and approach_channel of customer_status come
-- from two C functions that read dormancy.reason_rules and
-- dormancy.approach_rules once per query, and the model columns from one that
-- reads dormancy.models once per query, in place of a LATERAL subquery per
-- customer (docs/priority.md, "How the rules are applied").

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._likely_reason(lapsing boolean, have text[], OUT reason text, OUT evidence text[])
	RETURNS record
	AS 'MODULE_PATHNAME', 'likely_reason'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._likely_reason(boolean, text[]) IS
	'internal: the reason and evidence of the first dormancy.reason_rules row (by rule_order) whose evidence is contained in have; unknown and {} when none; NULL unless lapsing';

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy._approach_channel(lapsing boolean, approach_value double precision,
										   industry text, company_size text, reason text,
										   can_phone boolean, can_mail boolean)
	RETURNS text
	AS 'MODULE_PATHNAME', 'approach_channel'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean) IS
	'internal: the channel of the first dormancy.approach_rules row (by rule_order) matching approach_value, industry and company size (lower(btrim())), reason and reachability; NULL unless lapsing or when none matches';

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
	can_phone text := CASE WHEN bindings -> 'contacts' ? 'phone'
						   THEN 'coalesce(cc.phones, 0) > 0' ELSE 'true' END;
	can_mail text := CASE WHEN bindings -> 'contacts' ? 'email'
						  THEN 'coalesce(cc.emails, 0) > 0' ELSE 'true' END;
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
CROSS JOIN LATERAL dormancy.score_priority(ROW(
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
	mval.expected_value)::dormancy.priority_inputs, sw) prio
CROSS JOIN LATERAL dormancy._likely_reason(ev.lapsing, ev.evidence) rsn
LEFT JOIN dormancy.message_themes th ON th.reason = rsn.reason
CROSS JOIN LATERAL (
	SELECT dormancy._approach_channel(ev.lapsing, ev.approach_value, core.industry, core.company_size,
									  rsn.reason, %4$s, %5$s) AS channel
) ch$f$, events_bound, deals_bound, contracts_bound, can_phone, can_mail);

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

-- the model choice likewise: the models table read once per query
-- The model that applies to a customer, in C (src/rules_sql.c): the
-- converged fits of dormancy.models read once per query, with the caller's
-- privileges and the query's snapshot (an edit or a refit shows in the next
-- query).  STABLE, not IMMUTABLE: it reads a table.
CREATE FUNCTION dormancy._model_for(industry text, company_size text,
									OUT model_id integer, OUT bgnbd dormancy.bgnbd,
									OUT gammagamma dormancy.gammagamma,
									OUT unit_days double precision, OUT horizon_days double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'model_for'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy._model_for(text, text) IS
	'internal: the converged dormancy.models row for a customer (its industry''s or company size''s by lower(btrim()), else the overall one), with its time unit and the horizon in days; all NULL when none';

CREATE OR REPLACE FUNCTION dormancy._model_from_item()
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT $f$CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size) mdl
LEFT JOIN LATERAL (
	-- a value that cannot be computed is NULL, with the reason in problem:
	-- one customer never stops the query; only a converged Gamma-Gamma fit
	-- gives expected_value
	SELECT mp.p_alive, mp.expected_purchases, mp.expected_value, mp.problem
	  FROM dormancy.model_predictions(mdl.bgnbd,
									  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
									  core.frequency, core.recency_days / mdl.unit_days,
									  core.age_days / mdl.unit_days, core.monetary_value,
									  mdl.horizon_days / mdl.unit_days) mp
  ) models ON true
LEFT JOIN LATERAL (
	SELECT models.expected_value
  ) mval ON true$f$
$$;
COMMENT ON FUNCTION dormancy._model_from_item() IS
	'internal: the FROM items of the model columns, shared by customer_status and data_issues';

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
-- reason rules, approach rules and models (read with the analyst's own
-- SELECT on them)
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._broken_binding(text, text, text, text),
	dormancy._likely_reason(boolean, text[]),
	dormancy._approach_channel(boolean, double precision, text, text, text, boolean, boolean),
	dormancy._model_for(text, text)
	TO dormancy_analyst;

SELECT dormancy._update_generated_views();
