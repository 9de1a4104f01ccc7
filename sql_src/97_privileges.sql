--
-- Privileges: who may do what (docs/security.md has the whole catalogue,
-- and test/integration/privileges.sh checks the catalogue against it).
--
--   PUBLIC            the functions and types of the API (histories,
--                     metrics, models, names, settings in force); nothing
--                     that binds, writes, refreshes or reads a table
--   dormancy_reader   the results: status_snapshot, status_history and the
--                     views over them (BI tools)
--   dormancy_analyst  the live views, computed with the analyst's own
--                     privileges on your tables, and the settings they apply
--   the owner         everything else (bind, refresh, fit, reset, edit)
--

-- The analysts' role.  Like dormancy_reader: cluster-wide, made only when
-- missing, not a member of the extension, left by DROP EXTENSION.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dormancy_analyst') THEN
		CREATE ROLE dormancy_analyst NOLOGIN;
		COMMENT ON ROLE dormancy_analyst IS
			'queries the live views of extension dormancy (customer_status, call_list, ...) over the tables it may read itself; created by CREATE EXTENSION dormancy';
	END IF;
END
$$;
GRANT USAGE ON SCHEMA dormancy TO dormancy_analyst;

-- The settings, rules, mappings and models the live views apply.  Not the
-- bookkeeping (bindings, installed defaults, the history store, change marks,
-- the run log): the live views never read those.
GRANT SELECT ON dormancy.rules, dormancy.decline_settings, dormancy.price_changes,
	dormancy.model_settings, dormancy.models, dormancy.source_settings,
	dormancy.event_kinds, dormancy.deal_outcomes, dormancy.deal_reasons,
	dormancy.score_weights, dormancy.reason_rules, dormancy.message_themes,
	dormancy.approach_rules, dormancy.legal_forms, dormancy.labels, dormancy.value_distribution,
	dormancy.industries, dormancy.company_sizes, dormancy.price_change_kinds
	TO dormancy_analyst;
-- ... and the views the live views read them through (the as-of day, the
-- zone, the source and decline settings in force: sql_src/70_views.sql);
-- security_invoker, so they show what the functions they call show
GRANT SELECT ON dormancy._as_of, dormancy._zone_in_force, dormancy._source_settings,
	dormancy._decline_settings
	TO dormancy_analyst;

-- The holdout validations of the models, for BI tools and analysts alike
-- (the live views over them, latest_validation and
-- latest_validation_tracking, are granted when built: _create_views gives
-- them to dormancy_reader, _after_build_97_privileges to dormancy_analyst).
GRANT SELECT ON dormancy.model_validations, dormancy.model_validation_tracking
	TO dormancy_reader, dormancy_analyst;

-- The outreach and the campaigns (sql_src/67_outreach.sql): analysts read
-- them (campaign_list and campaign_effect read them with the analyst's own
-- privileges); starting a campaign and writing the outreach log are the
-- owner's, who may grant them (docs/security.md).
GRANT SELECT ON dormancy.outreach_settings, dormancy.outreach_channels, dormancy.outreach_themes,
	dormancy.outreach_outcomes, dormancy.outreach_log, dormancy.campaigns, dormancy.campaign_members
	TO dormancy_analyst;

-- The state changes the refreshes recorded, for the analysts too: the live
-- view campaign_transitions ties them to the campaigns (sql_src/70_views.sql)
GRANT SELECT ON dormancy.status_history TO dormancy_analyst;
-- ... but only of the customers they may see: the history is written by the
-- refresh, which sees every customer, so without a policy an analyst whose
-- row security hides most customers would read every customer's changes.
-- The BI role reads every row (it has no access to your customers table; add
-- policies of your own for roles of yours: docs/operations.md, Row-level
-- security).  A role granted INSERT, UPDATE or DELETE on it (to refresh)
-- reads and writes every row; other roles read none unless a policy of
-- yours lets them.  The analysts' policy, analysts_see_their_customers,
-- and the eight of the outreach log and the campaign members are made by
-- _customer_key_policies (sql_src/67_outreach.sql), which defines them and
-- their comments: here as installed (every id the role sees), after a bind
-- by the index of the customers' id.
ALTER TABLE dormancy.status_history ENABLE ROW LEVEL SECURITY;
SELECT dormancy._customer_key_policies(false);
CREATE POLICY readers_see_all ON dormancy.status_history FOR SELECT TO dormancy_reader
	USING (true);
CREATE POLICY writers_see_all ON dormancy.status_history
	USING ((SELECT pg_catalog.has_table_privilege('dormancy.status_history', 'INSERT, UPDATE, DELETE')))
	WITH CHECK ((SELECT pg_catalog.has_table_privilege('dormancy.status_history', 'INSERT, UPDATE, DELETE')));
COMMENT ON POLICY readers_see_all ON dormancy.status_history IS
	'a member of dormancy_reader (BI tools) reads every change';
COMMENT ON POLICY writers_see_all ON dormancy.status_history IS
	'a role that may write the history (the owner, a role granted INSERT, UPDATE or DELETE to refresh) reads and writes every row';

-- After every build: the generated live views, for the analysts.  They are
-- security_invoker, so this grants no row of your tables: the analyst's own
-- privileges and row security policies decide what each view computes from.
CREATE FUNCTION dormancy._after_build_97_privileges()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v regclass;
BEGIN
	FOR v IN
		SELECT c.oid::regclass
		  FROM pg_class c
		 WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'
		   AND c.relname IN (SELECT g.view_name FROM dormancy._generated_views() g)
	LOOP
		EXECUTE format('GRANT SELECT ON %s TO dormancy_analyst', v);
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy._after_build_97_privileges() IS
	'internal: after a build, let dormancy_analyst read the generated live views';

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
-- refresh's own transaction), whether the stored name keys are up to date,
-- the key they compare (_name_key, also in the policy of the stored keys),
-- raising a broken binding's error, the amounts of a bound numeric column,
-- the configuration (_configuration(): the rules, models and the other
-- tables the evaluation reads, with the analyst's own SELECT on them), the
-- model of a customer and its predictions, the score's breakdown, and the
-- one evaluation per customer of customer_core and customer_status
-- (_rule_for, _customer_facts, _assess, _data_gaps, over that configuration),
-- and the views between the adapters and tables with row security
-- (_row_security_bypassed, for source_issues), what tells the planner
-- that a settings relation has one row (_single_row), and the rules that
-- the views inline or fold (the opt-out rule and the outcomes that lift it,
-- what is a conversation and an unanswered message, the call list's minimum
-- score: the planner checks EXECUTE on them too),
-- and the day a customer put off to next fiscal year's budget is due
-- (_reapproach_on, customer_status)
GRANT EXECUTE ON FUNCTION dormancy._use_stored_histories(), dormancy._stored_histories(),
	dormancy._name_keys_usable(), dormancy._name_key(text, text, text[]), dormancy._company_id(text), dormancy._time_zone_in_force(),
	dormancy._local_time(timestamptz, jsonb), dormancy._local_time(timestamp, jsonb), dormancy._local_time(date, jsonb),
	dormancy._usable_instant(timestamptz, jsonb),
	dormancy._broken_binding(text, text, text, text), dormancy._numeric_amount(numeric),
	dormancy._configuration(),
	dormancy._rule_for(text, text, dormancy.configuration),
	dormancy._model_for(text, text, dormancy.configuration),
	dormancy._model_outlook(text, text, integer, double precision, double precision, double precision,
		integer, double precision, double precision, dormancy.configuration),
	dormancy._score_basis_forms(),
	dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights),
	dormancy._priority_breakdown(dormancy.priority_inputs, dormancy.score_weights, double precision[], text, integer),
	dormancy._customer_facts(dormancy.purchase_history, date, numeric, interval, integer,
		interval, double precision, double precision, double precision, double precision, double precision,
		double precision, integer, boolean, interval, interval, interval, boolean, date, text[], date[], boolean,
		dormancy.configuration),
	dormancy._assess(text, date, interval, interval, interval, integer, date, date, date,
		bigint, integer, double precision, double precision, double precision, double precision, text, text[],
		boolean, boolean, boolean, text, text, bigint, date, boolean, integer, boolean, boolean, integer,
		double precision, double precision, boolean, integer, integer, integer, integer, boolean, date, text,
		text, integer, integer, bigint, bigint, bigint, bigint, bigint, boolean, boolean, boolean, boolean,
		boolean, boolean, boolean, boolean, dormancy.source_settings, dormancy.score_weights, text, text, date,
		dormancy.configuration),
	dormancy._data_gaps(integer, text, boolean),
	dormancy._row_security_bypassed(regclass, regclass),
	dormancy._single_row(anyelement),
	dormancy._interest_outcomes(), dormancy._opt_out_in_force(timestamptz, boolean, timestamptz),
	dormancy._unanswered(text, text, text), dormancy._conversation(text, text, text),
	dormancy._call_list_min_score(text, date, date, text[], double precision),
	dormancy._reapproach_on(date, date, smallint, interval)
	TO dormancy_analyst;
-- ... and the call list's minimum score to the readers of the snapshot too
-- (snapshot_call_list)
GRANT EXECUTE ON FUNCTION dormancy._call_list_min_score(text, date, date, text[], double precision) TO dormancy_reader;
-- and the return curves that suggest_rules() and return_curve() read from
-- the live views with the analyst's own privileges
GRANT EXECUTE ON FUNCTION dormancy._gap_survival() TO dormancy_analyst;
GRANT EXECUTE ON FUNCTION dormancy._survival_floor(bigint) TO dormancy_analyst;
-- and which bound tables lack an index on their customer column
-- (customer_column_indexes: a catalog read through a SECURITY DEFINER
-- function, no grant on dormancy.bindings)
GRANT EXECUTE ON FUNCTION dormancy._customer_column_indexes() TO dormancy_analyst;
