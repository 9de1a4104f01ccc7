-- dormancy 0.3.0 -> 0.4.0
--
-- 0.4.0: one evaluation pass (issue 11).  An upgraded database equals a
-- fresh 0.4.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" to load this file. \quit

-- (sections of this update, one per part of the change, follow)

--
-- Ranking (issue 11)
--
-- priority_rank leaves customer_status (a window over every customer stopped
-- a lookup of one customer from reaching the orders index): call_list and
-- the snapshot written by refresh() rank.  A column cannot be dropped from a
-- view in place, so _update_generated_views() (at the end) drops the
-- generated views and creates them again; views of yours on customer_status
-- would be dropped with it, so the update stops first and names them.
DO $$
DECLARE
	status regclass := pg_catalog.to_regclass('dormancy.customer_status');
	dependents text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
					WHERE a.attrelid = status AND a.attname = 'priority_rank' AND NOT a.attisdropped) THEN
		RETURN;
	END IF;
	SELECT pg_catalog.string_agg(DISTINCT coalesce('view ' || r.ev_class::regclass::text,
												   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
	  INTO dependents
	  FROM pg_catalog.pg_depend d
	  LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
	 WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
	   AND d.refobjid = status
	   AND d.deptype = 'n'
	   AND r.ev_class IS DISTINCT FROM status
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
					   WHERE c.oid = r.ev_class AND c.relnamespace = 'dormancy'::regnamespace
						 AND c.relname IN (SELECT g.view_name FROM dormancy._view_definitions() g));
	IF dependents IS NOT NULL THEN
		RAISE EXCEPTION 'cannot update: column priority_rank of dormancy.customer_status goes in 0.4.0, and other objects depend on the view'
			USING ERRCODE = 'dependent_objects_still_exist',
				  DETAIL = format('A column cannot be dropped from a view in place, so the update drops dormancy.customer_status and creates it again, which would drop these: %s.', dependents),
				  HINT = 'Drop them, run ALTER EXTENSION dormancy UPDATE, then create them again. For the rank, use dormancy.call_list.priority_rank, dormancy.status_snapshot.priority_rank, or rank() OVER (ORDER BY priority_score DESC, customer_id) over dormancy.customer_status.';
	END IF;
END
$$;

-- ranks break ties by customer id (was inline in _status_parts_55_priority)
CREATE FUNCTION dormancy._customer_id_order(id_column text)
	RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_type regtype := dormancy._customer_id_type()::regtype;
BEGIN
	IF EXISTS (SELECT 1 FROM pg_opclass o JOIN pg_am am ON am.oid = o.opcmethod
				WHERE am.amname = 'btree' AND o.opcdefault
				  AND (o.opcintype = id_type OR (o.opcintype = 'text'::regtype
					   AND id_type IN ('varchar'::regtype, 'bpchar'::regtype)))) THEN
		RETURN id_column;
	END IF;
	RETURN id_column || '::pg_catalog.text COLLATE "C"';
END
$$;
COMMENT ON FUNCTION dormancy._customer_id_order(text) IS
	'internal: the ORDER BY expression that breaks rank ties by the customer id column given (its own order, else as text)';

CREATE OR REPLACE FUNCTION dormancy._status_parts_55_priority(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	events_bound text := CASE WHEN bindings ? 'events' THEN 'true' ELSE 'false' END;
	deals_bound text := CASE WHEN bindings ? 'deals' THEN 'true' ELSE 'false' END;
	contracts_bound text := CASE WHEN bindings ? 'contracts' THEN 'true' ELSE 'false' END;
	-- with contacts bound, a channel the customer cannot be reached by is
	-- skipped (cc: part 53): no phone call without a usable number, no
	-- (step) mail without a usable address
	reachable text := concat_ws(' AND ', 'true',
		CASE WHEN bindings -> 'contacts' ? 'phone'
			 THEN $r$(ar.channel <> 'phone' OR coalesce(cc.phones, 0) > 0)$r$ END,
		CASE WHEN bindings -> 'contacts' ? 'email'
			 THEN $r$(ar.channel NOT IN ('email', 'step_mail') OR coalesce(cc.emails, 0) > 0)$r$ END);
BEGIN
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
		'prio.breakdown AS score_breakdown, '
		'rsn.reason AS likely_reason, '
		'rsn.evidence AS reason_evidence, '
		'ev.evidence, '
		'ch.channel AS approach_channel, '
		'th.theme AS message_theme, '
		'ev.approach_value');
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_55_priority(jsonb) IS
	'internal: the priority, reason and approach columns of customer_status';

CREATE OR REPLACE FUNCTION dormancy._status_views_55_call_list(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'call_list', format($q$
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.score_breakdown, cs.as_of, cs.data_gaps
  FROM (SELECT s.*, pg_catalog.rank() OVER (ORDER BY s.priority_score DESC, %s) AS priority_rank
		  FROM dormancy.customer_status s) cs
 WHERE cs.likely_reason IS NOT NULL
   AND cs.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY cs.priority_rank
$q$, dormancy._customer_id_order('s.customer_id'))
$$;
COMMENT ON FUNCTION dormancy._status_views_55_call_list(jsonb) IS 'internal: the call list view';

CREATE OR REPLACE FUNCTION dormancy._comment_views_55_priority()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
	COMMENT ON COLUMN dormancy.customer_status.score_breakdown IS 'per component: value (-1 to 1), weight, share of the 100 points, contribution (share x value) and the basis it was computed from';
	COMMENT ON COLUMN dormancy.customer_status.likely_reason IS 'why the customer is lapsing, from the first matching dormancy.reason_rules row (unknown when none matches); NULL for customers who are not lapsing';
	COMMENT ON COLUMN dormancy.customer_status.reason_evidence IS 'the evidence of the reason rule that chose likely_reason';
	COMMENT ON COLUMN dormancy.customer_status.evidence IS 'all evidence found for the customer (the words reason_rules match on)';
	COMMENT ON COLUMN dormancy.customer_status.approach_channel IS 'email, direct_mail, phone, visit or step_mail, from dormancy.approach_rules: the first rule that matches and whose channel the bound contacts can serve (NULL when none)';
	COMMENT ON COLUMN dormancy.customer_status.message_theme IS 'the message theme for likely_reason, from dormancy.message_themes';
	COMMENT ON COLUMN dormancy.customer_status.approach_value IS 'the value the channel is chosen by: the model''s expected_value when fitted, else the yearly spend while active (total_amount / years from first to last order, at least one)';

	COMMENT ON VIEW dormancy.call_list IS 'lapsing customers (at risk, dormant, declining, lost deal or contract signals) scoring at least score_weights.call_list_min_score, best first, with reason, channel and theme';
	COMMENT ON COLUMN dormancy.call_list.call_order IS 'position in the list, 1 = call first';
	COMMENT ON COLUMN dormancy.call_list.priority_rank IS 'rank among all customers';
	COMMENT ON COLUMN dormancy.call_list.priority_score IS 'priority score, 0 to 100';
	COMMENT ON COLUMN dormancy.call_list.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.call_list.name IS 'customer name';
	COMMENT ON COLUMN dormancy.call_list.industry IS 'customer industry';
	COMMENT ON COLUMN dormancy.call_list.company_size IS 'customer company size';
	COMMENT ON COLUMN dormancy.call_list.state IS 'dormancy state';
	COMMENT ON COLUMN dormancy.call_list.contract_state IS 'the state ladder applied to contract coverage';
	COMMENT ON COLUMN dormancy.call_list.dormancy_kind IS 'lost_deal or purchase';
	COMMENT ON COLUMN dormancy.call_list.segment IS 'one_time, repeat or campaign_only';
	COMMENT ON COLUMN dormancy.call_list.likely_reason IS 'why the customer is lapsing';
	COMMENT ON COLUMN dormancy.call_list.reason_evidence IS 'the evidence that chose the reason';
	COMMENT ON COLUMN dormancy.call_list.approach_channel IS 'the channel to use';
	COMMENT ON COLUMN dormancy.call_list.message_theme IS 'the message theme';
	COMMENT ON COLUMN dormancy.call_list.approach_value IS 'the value the channel was chosen by';
	COMMENT ON COLUMN dormancy.call_list.total_amount IS 'net amount of all orders up to as_of';
	COMMENT ON COLUMN dormancy.call_list.last_order_at IS 'last purchase day';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_order IS 'days since the last purchase day';
	COMMENT ON COLUMN dormancy.call_list.decline_signals IS 'the decline signals that fired';
	COMMENT ON COLUMN dormancy.call_list.last_deal_at IS 'close day of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_outcome IS 'outcome of the last deal';
	COMMENT ON COLUMN dormancy.call_list.last_deal_reason IS 'reason of the last deal';
	COMMENT ON COLUMN dormancy.call_list.events_in_window IS 'engagement events in the engagement window';
	COMMENT ON COLUMN dormancy.call_list.days_since_last_event IS 'days since the last engagement event';
	COMMENT ON COLUMN dormancy.call_list.contract_lapsed IS 'the contract lapsed';
	COMMENT ON COLUMN dormancy.call_list.auto_renew_off IS 'the current term will not renew';
	COMMENT ON COLUMN dormancy.call_list.renewal_due_in_days IS 'days until the current term ends';
	COMMENT ON COLUMN dormancy.call_list.p_alive IS 'probability alive (BG/NBD), when fitted';
	COMMENT ON COLUMN dormancy.call_list.score_breakdown IS 'why the score is what it is, component by component';
	COMMENT ON COLUMN dormancy.call_list.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_55_priority() IS 'internal: comment the priority columns and the call list';

CREATE OR REPLACE FUNCTION dormancy._snapshot_columns()
	RETURNS TABLE (attnum integer, column_name name, column_type text, constraints text, description text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.attnum * 2, c.column_name, c.column_type, '',
		   coalesce(col_description(to_regclass('dormancy.customer_status'), c.attnum),
					'see dormancy.customer_status.' || c.column_name)
	  FROM dormancy._relation_columns(to_regclass('dormancy.customer_status')) c
	 WHERE c.column_name NOT IN ('customer_key', 'refreshed_at', 'priority_rank')
	UNION ALL
	SELECT coalesce((SELECT c.attnum * 2 + 1
					   FROM dormancy._relation_columns(to_regclass('dormancy.customer_status')) c
					  WHERE c.column_name = 'priority_score'), 10000),
		   'priority_rank'::name, 'bigint', '',
		   '1 = call first: rank among all customers by priority_score, ties by customer id (computed by the refresh; customer_status has no rank)'
	UNION ALL
	VALUES (20001, 'customer_key'::name, 'text', ' NOT NULL',
			'the customer id as text, the same whatever the bound id type: use it in row security policies and to join status_history'),
		   (20002, 'refreshed_at'::name, 'timestamp with time zone', ' NOT NULL',
			'when the refresh that wrote the row ran (one value per snapshot)')
$$;
COMMENT ON FUNCTION dormancy._snapshot_columns() IS
	'internal: the columns dormancy.status_snapshot should have, with their comments';

CREATE OR REPLACE FUNCTION dormancy._snapshot_sync(reshape boolean)
	RETURNS boolean
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	status regclass := to_regclass('dormancy.customer_status');
	snap regclass := to_regclass('dormancy.status_snapshot');
	actions text[];
	v record;
	pol record;
	policies text[] := '{}';
	policy_names name[] := '{}';
	i integer;
	changed boolean := false;
	idx record;
	views_missing boolean := EXISTS (SELECT 1 FROM dormancy._snapshot_view_definitions() d
									  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NULL);
BEGIN
	IF status IS NULL THEN
		RAISE EXCEPTION 'nothing is bound yet: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  HINT = 'Bind your tables with dormancy.bind_customers() and dormancy.bind_orders() (or run SELECT dormancy.rebind()).';
	END IF;

	IF snap IS NULL THEN
		EXECUTE format('CREATE TABLE dormancy.status_snapshot (%s)',
					   (SELECT string_agg(format('%I %s%s', c.column_name, c.column_type, c.constraints), ', ' ORDER BY c.attnum)
						  FROM dormancy._snapshot_columns() c));
		snap := 'dormancy.status_snapshot'::regclass;
		PERFORM dormancy._unclaim('TABLE', snap);
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus priority_rank, customer_key and refreshed_at; read it, do not write it';
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dormancy_reader') THEN
			GRANT SELECT ON dormancy.status_snapshot TO dormancy_reader;
		END IF;
		changed := true;
	ELSIF reshape OR views_missing THEN
		-- (views missing over a snapshot left from before: they may need its new columns)
		SELECT array_agg(a ORDER BY o, a) INTO actions
		  FROM (SELECT CASE WHEN h.column_name IS NULL THEN format('ADD COLUMN %I %s%s', w.column_name, w.column_type, w.constraints)
							WHEN w.column_name IS NULL THEN format('DROP COLUMN %I', h.column_name)
							ELSE format('ALTER COLUMN %I TYPE %s USING NULL', w.column_name, w.column_type) END,
					   coalesce(w.attnum, 0)
				  FROM dormancy._snapshot_columns() w
				  FULL JOIN dormancy._relation_columns(snap) h ON h.column_name = w.column_name
				 WHERE w.column_type IS DISTINCT FROM h.column_type) s(a, o);
		IF actions IS NOT NULL THEN
			-- the views over the snapshot: placeholders of the same columns, no dependency
			FOR v IN SELECT d.view_name FROM dormancy._snapshot_view_definitions() d
					  WHERE to_regclass('dormancy.' || quote_ident(d.view_name)) IS NOT NULL LOOP
				EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS SELECT %s WHERE false',
							   v.view_name,
							   (SELECT string_agg(format('NULL::%s AS %I', c.column_type, c.column_name), ', ' ORDER BY c.attnum)
								  FROM dormancy._relation_columns(('dormancy.' || quote_ident(v.view_name))::regclass) c));
			END LOOP;
			-- row security policies: keep their text, drop, create again after
			FOR pol IN
				SELECT p.polname, p.polpermissive, p.polcmd,
					   (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')
						  FROM unnest(p.polroles) r) AS roles,
					   pg_get_expr(p.polqual, p.polrelid) AS qual,
					   pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
					   obj_description(p.oid, 'pg_policy') AS description
				  FROM pg_policy p WHERE p.polrelid = snap LOOP
				policy_names := policy_names || pol.polname;
				policies := policies || format('CREATE POLICY %I ON dormancy.status_snapshot AS %s FOR %s TO %s%s%s',
					pol.polname,
					CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
					CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
									WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
					pol.roles,
					CASE WHEN pol.qual IS NOT NULL THEN format(' USING (%s)', pol.qual) ELSE '' END,
					CASE WHEN pol.with_check IS NOT NULL THEN format(' WITH CHECK (%s)', pol.with_check) ELSE '' END);
				IF pol.description IS NOT NULL THEN
					policy_names := policy_names || pol.polname;
					policies := policies || format('COMMENT ON POLICY %I ON dormancy.status_snapshot IS %L',
												   pol.polname, pol.description);
				END IF;
				EXECUTE format('DROP POLICY %I ON dormancy.status_snapshot', pol.polname);
			END LOOP;

			-- rows of the old shape go (their states are in status_history);
			-- columns only added keep them, the new columns NULL until the next refresh
			IF EXISTS (SELECT 1 FROM unnest(actions) a WHERE a NOT LIKE 'ADD COLUMN %') THEN
				DELETE FROM dormancy.status_snapshot;
			END IF;
			BEGIN
				EXECUTE 'ALTER TABLE dormancy.status_snapshot ' || array_to_string(actions, ', ');
			EXCEPTION WHEN feature_not_supported OR dependent_objects_still_exist THEN
				RAISE EXCEPTION 'cannot reshape dormancy.status_snapshot: %', SQLERRM
					USING ERRCODE = 'dependent_objects_still_exist',
						  DETAIL = format('customer_status changed its columns, so the snapshot must change too: %s.',
										  array_to_string(actions, ', ')),
						  HINT = 'Drop your views or rules that use dormancy.status_snapshot, refresh, then create them again (or build them on the views over the snapshot, whose columns do not change).';
			END;
			FOR i IN 1 .. cardinality(policies) LOOP
				BEGIN
					EXECUTE policies[i];
				EXCEPTION WHEN OTHERS THEN
					RAISE EXCEPTION 'cannot keep policy "%" on dormancy.status_snapshot: %', policy_names[i], SQLERRM
						USING ERRCODE = 'dependent_objects_still_exist',
							  DETAIL = format('customer_status changed its columns (%s), and the policy no longer fits them: %s.',
											  array_to_string(actions, ', '), policies[i]),
							  HINT = 'Write the policy with customer_key, the id as text, which never changes type; or drop the policy, refresh, and create it for the new columns.';
				END;
			END LOOP;
			changed := true;
		END IF;
	END IF;

	-- the views over the snapshot (created, or restored after placeholders)
	IF changed OR views_missing THEN
		PERFORM dormancy._build_snapshot_views();
	END IF;

	-- indexes for the BI queries (a dropped column takes its index with it)
	FOR idx IN
		SELECT * FROM (VALUES ('status_snapshot_state', ARRAY['state']),
							  ('status_snapshot_segment', ARRAY['industry', 'company_size']),
							  ('status_snapshot_customer_id', ARRAY['customer_id']),
							  ('status_snapshot_customer_key', ARRAY['customer_key'])) i(index_name, cols)
		 WHERE to_regclass('dormancy.' || i.index_name) IS NULL
		   AND (SELECT count(*) FROM dormancy._relation_columns(snap) c WHERE c.column_name = ANY (i.cols))
			   = cardinality(i.cols) LOOP
		EXECUTE format('CREATE INDEX %I ON dormancy.status_snapshot (%s)', idx.index_name,
					   (SELECT string_agg(quote_ident(c), ', ') FROM unnest(idx.cols) c));
	END LOOP;

	-- the snapshot's columns say what customer_status's say (only those that differ)
	FOR v IN
		SELECT s.column_name, w.description
		  FROM dormancy._relation_columns(snap) s
		  JOIN dormancy._snapshot_columns() w ON w.column_name = s.column_name
		 WHERE col_description(snap, s.attnum) IS DISTINCT FROM w.description LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.status_snapshot.%I IS %L', v.column_name, v.description);
	END LOOP;
	RETURN changed;
END
$$;
COMMENT ON FUNCTION dormancy._snapshot_sync(boolean) IS
	'internal: create dormancy.status_snapshot and its views when missing; with reshape, alter it to the columns of customer_status';

CREATE OR REPLACE FUNCTION dormancy._refresh_work(run bigint,
	OUT rows bigint, OUT changes bigint, OUT as_of date, OUT reshaped boolean, OUT models_refit boolean,
	OUT history_mode text, OUT customers_recomputed bigint)
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
	-- the work is in C functions, which JIT cannot speed up; compiling the
	-- plan of customer_status costs 1.5-2 s per query (see docs/operations.md)
	SET jit = off
AS $$
DECLARE
	cols text;
	problem record;
BEGIN
	-- a binding that lost a column (see _binding_problems): the status would
	-- be computed without that source, so say which binding and stop
	SELECT p.* INTO problem FROM dormancy._binding_problems() p ORDER BY p.source LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION '%', problem.message
			USING ERRCODE = problem.code,
				  DETAIL = format('A refresh would compute the status without the %s, so it does not run until they are bound again.', problem.source),
				  HINT = problem.hint;
	END IF;
	IF to_regclass('dormancy.customer_status') IS NULL AND EXISTS (SELECT 1 FROM dormancy.bindings) THEN
		RAISE EXCEPTION 'the generated views are missing: view dormancy.customer_status does not exist'
			USING ERRCODE = 'undefined_table',
				  DETAIL = 'Something is bound, but the views were dropped (DROP ... CASCADE on a bound relation or column drops them).',
				  HINT = 'Run SELECT dormancy.rebind() to create them again from dormancy.bindings.';
	END IF;
	as_of := dormancy.as_of_day();
	-- rules or settings edited since: fresh statistics for the plan
	PERFORM dormancy.analyze_lookup_tables();
	-- the snapshot exists from the first bind on; without a binding this fails
	reshaped := dormancy._snapshot_sync(false);

	-- the previous state of each customer, as text ids; an empty snapshot
	-- (emptied by hand) falls back on the last states recorded in the history
	IF to_regclass('pg_temp.dormancy_refresh_previous') IS NOT NULL THEN
		DROP TABLE pg_temp.dormancy_refresh_previous;
	END IF;
	CREATE TEMP TABLE dormancy_refresh_previous ON COMMIT DROP AS
	SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
	  FROM dormancy.status_snapshot s
	 ORDER BY s.customer_key, s.state;
	GET DIAGNOSTICS rows = ROW_COUNT;
	IF rows = 0 THEN
		INSERT INTO pg_temp.dormancy_refresh_previous
		SELECT x.customer_id, x.to_state
		  FROM (SELECT DISTINCT ON (h.customer_id) h.customer_id, h.change, h.to_state
				  FROM dormancy.status_history h
				 ORDER BY h.customer_id, h.history_id DESC) x
		 WHERE x.change <> 'removed';
	END IF;

	reshaped := dormancy._snapshot_sync(true) OR reshaped;
	-- the DELETE must see every row: row security must not apply to the refresher
	IF row_security_active('dormancy.status_snapshot') THEN
		RAISE EXCEPTION 'row security applies to % on dormancy.status_snapshot', current_user
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'A refresh replaces every row of the snapshot, so it must see every row.',
				  HINT = 'Refresh as the owner of dormancy.status_snapshot (without FORCE ROW LEVEL SECURITY) or as a role with BYPASSRLS.';
	END IF;

	-- purchase histories: recompute only the customers whose orders changed
	-- (dormancy.stored_histories) when the orders are tracked
	SELECT p.mode, p.customers_recomputed INTO history_mode, customers_recomputed
	  FROM dormancy._prepare_histories() p;

	-- models, once fitted, are refitted on their own schedule before the
	-- snapshot uses them (model_settings.refit_every; NULL: never here)
	models_refit := false;
	IF (dormancy.model_settings_in_force()).refit_every IS NOT NULL
	   AND (SELECT max(m.fitted_at) FROM dormancy.models m)
		   <= now() - (dormancy.model_settings_in_force()).refit_every THEN
		PERFORM dormancy.fit_models();
		models_refit := true;
	END IF;

	SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.attnum) INTO cols
	  FROM dormancy._relation_columns('dormancy.customer_status') c
	 WHERE c.column_name <> 'priority_rank';
	DELETE FROM dormancy.status_snapshot;
	-- the rank is the call list's (dormancy.call_list): by score, ties by id
	EXECUTE format('INSERT INTO dormancy.status_snapshot (%s, priority_rank, customer_key, refreshed_at) '
				   'SELECT %s, pg_catalog.rank() OVER (ORDER BY priority_score DESC, %s), '
				   'customer_id::pg_catalog.text, $1 FROM dormancy.customer_status',
				   cols, cols, dormancy._customer_id_order('customer_id'))
		USING now();
	GET DIAGNOSTICS rows = ROW_COUNT;

	INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of)
	SELECT run, coalesce(n.customer_id, o.customer_id),
		   CASE WHEN o.customer_id IS NULL THEN 'new' WHEN n.customer_id IS NULL THEN 'removed' ELSE 'changed' END,
		   o.state, n.state, _refresh_work.as_of
	  FROM (SELECT DISTINCT ON (s.customer_key) s.customer_key AS customer_id, s.state
			  FROM dormancy.status_snapshot s
			 ORDER BY s.customer_key, s.state) n
	  FULL JOIN pg_temp.dormancy_refresh_previous o ON o.customer_id = n.customer_id
	 WHERE n.customer_id IS NULL OR o.customer_id IS NULL OR n.state IS DISTINCT FROM o.state
	 ORDER BY 2;
	GET DIAGNOSTICS changes = ROW_COUNT;
	DROP TABLE pg_temp.dormancy_refresh_previous;
END
$$;
COMMENT ON FUNCTION dormancy._refresh_work(bigint) IS
	'internal: write the snapshot and the state changes (called by refresh() under its lock)';

CREATE OR REPLACE FUNCTION dormancy._build_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v record;
	views text[];
	dependents text;
BEGIN
	-- a bound relation that was dropped (DROP TABLE ... CASCADE) is unbound
	FOR v IN DELETE FROM dormancy.bindings b
			  WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = b.relation)
			  RETURNING b.source LOOP
		RAISE WARNING 'the bound % relation no longer exists: % is unbound', v.source, v.source
			USING HINT = format('Bind the %s again with dormancy.bind_%s().', v.source, v.source);
	END LOOP;
	-- a binding that lost a column is kept; the views are built without it
	FOR v IN SELECT * FROM dormancy._binding_problems() LOOP
		RAISE WARNING '%', v.message
			USING DETAIL = CASE WHEN v.source IN ('customers', 'orders')
								THEN format('The views are built without it: reading dormancy.src_%s and the views on it, customer_status among them, raises this error, and refresh() fails, until the %s are bound again.',
											v.source, v.source)
								ELSE format('The views are built as if the %s were not bound (dormancy.src_%s is empty), and refresh() fails, until they are bound again.',
											v.source, v.source) END,
				  HINT = v.hint;
	END LOOP;

	SELECT array_agg(d.view_name ORDER BY d.ord) INTO views
	  FROM dormancy._view_definitions() WITH ORDINALITY AS d(view_name, definition, ord);

	-- first try in place, which keeps views that users built on ours
	BEGIN
		FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
			EXECUTE format('CREATE OR REPLACE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
						   v.view_name, v.definition);
		END LOOP;
	EXCEPTION
		WHEN invalid_table_definition OR feature_not_supported OR datatype_mismatch THEN
			-- a column changed type: drop everything and build afresh
			FOR i IN REVERSE array_length(views, 1) .. 1 LOOP
				IF to_regclass('dormancy.' || quote_ident(views[i])) IS NOT NULL THEN
					PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(views[i]))::regclass);
					BEGIN
						EXECUTE format('DROP VIEW dormancy.%I', views[i]);
					EXCEPTION WHEN dependent_objects_still_exist THEN
						GET STACKED DIAGNOSTICS dependents = PG_EXCEPTION_DETAIL;
						RAISE EXCEPTION 'cannot rebind: other views depend on dormancy.%', views[i]
							USING ERRCODE = 'dependent_objects_still_exist',
								  DETAIL = format('The new binding changes a column type of the generated views (or a new version drops a column), so they must be dropped and recreated. What depends on them: %s.',
												  replace(dependents, E'\n', '; ')),
								  HINT = format('Drop the views that use dormancy.%s, bind, then create them again.', views[i]);
					END;
				END IF;
			END LOOP;
			FOR v IN SELECT * FROM dormancy._view_definitions() LOOP
				EXECUTE format('CREATE VIEW dormancy.%I WITH (security_invoker = true) AS %s',
							   v.view_name, v.definition);
			END LOOP;
	END;

	-- not members of the extension (see _is_member)
	FOREACH v.view_name IN ARRAY views LOOP
		PERFORM dormancy._unclaim('VIEW', ('dormancy.' || quote_ident(v.view_name))::regclass);
	END LOOP;
	PERFORM dormancy._comment_views();
	-- later parts comment their own views: functions dormancy._comment_views_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_comment_views_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
	-- customer_core's columns mean what they mean in customer_status
	FOR v IN
		SELECT a.attname, col_description('dormancy.customer_status'::regclass, st.attnum) AS description
		  FROM pg_attribute a
		  JOIN pg_attribute st ON st.attrelid = 'dormancy.customer_status'::regclass AND st.attname = a.attname
		 WHERE a.attrelid = 'dormancy.customer_core'::regclass AND a.attnum > 0
	LOOP
		EXECUTE format('COMMENT ON COLUMN dormancy.customer_core.%I IS %L', v.attname, v.description);
	END LOOP;
	-- and do what must follow each build: functions dormancy._after_build_NN_topic()
	FOR v IN SELECT * FROM dormancy._view_hooks('_after_build_') LOOP
		EXECUTE format('SELECT %s()', v.fn);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._build_views() IS 'internal: (re)create the generated views from dormancy.bindings';

-- the snapshot's table comment names priority_rank (the snapshot is not a
-- member of the extension: it follows the bindings)
DO $$
BEGIN
	IF to_regclass('dormancy.status_snapshot') IS NOT NULL THEN
		COMMENT ON TABLE dormancy.status_snapshot IS
			'customer_status as of the last successful dormancy.refresh(), plus priority_rank, customer_key and refreshed_at; read it, do not write it';
	END IF;
END
$$;
-- (end of Ranking (issue 11))

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
-- refresh's own transaction) and raising a broken binding's error
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._broken_binding(text, text, text, text) TO dormancy_analyst;

SELECT dormancy._update_generated_views();
