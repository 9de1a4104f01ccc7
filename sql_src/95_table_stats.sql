--
-- Planner statistics for the extension's own small tables.
--
-- The generated views read the rules, settings, mappings, reason and
-- approach rules, price changes and models once per customer or per segment.
-- A table that was never analysed is taken for at least 10 pages (some 1,700
-- rows), so without statistics the planner prices customer_status ten times
-- too high and compiles it with JIT (inlining and optimisation) on every
-- query: 3.2 s instead of 1.6 s for 20,000 customers, measured.  Autovacuum's
-- defaults never analyse a table of under 50 changed rows, so these tables
-- are analysed when installed or updated, by autovacuum after any change
-- (threshold 0), and by refresh() when they changed since.
--

CREATE FUNCTION dormancy._lookup_tables()
	RETURNS SETOF regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t::regclass
	  FROM unnest(ARRAY['dormancy.rules', 'dormancy.bindings', 'dormancy.decline_settings', 'dormancy.price_changes',
						'dormancy.model_settings', 'dormancy.models',
						'dormancy.installed_defaults', 'dormancy.removed_defaults',
						'dormancy.source_settings', 'dormancy.event_kinds', 'dormancy.deal_outcomes',
						'dormancy.deal_reasons', 'dormancy.score_weights', 'dormancy.reason_rules',
						'dormancy.message_themes', 'dormancy.approach_rules', 'dormancy.legal_forms',
						'dormancy.history_store_state', 'dormancy.industries', 'dormancy.company_sizes',
						'dormancy.price_change_kinds', 'dormancy.outreach_settings', 'dormancy.outreach_channels',
						'dormancy.outreach_themes', 'dormancy.outreach_outcomes']) AS t
$$;
COMMENT ON FUNCTION dormancy._lookup_tables() IS
	'internal: the small tables of the extension that the generated views look up (settings, rules, mappings, models)';

-- ANALYZE the lookup tables that have no statistics or changed since their
-- last analysis (only those the current role may analyse: no warnings).
CREATE FUNCTION dormancy.analyze_lookup_tables()
	RETURNS integer
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t regclass;
	analysed integer := 0;
BEGIN
	FOR t IN
		SELECT l.t
		  FROM dormancy._lookup_tables() AS l(t)
		  JOIN pg_class c ON c.oid = l.t
		  LEFT JOIN pg_stat_user_tables s ON s.relid = l.t
		 WHERE pg_has_role(c.relowner, 'USAGE')
		   AND (c.reltuples < 0 OR s.n_mod_since_analyze IS NULL OR s.n_mod_since_analyze > 0)
		 ORDER BY c.relname
	LOOP
		EXECUTE format('ANALYZE %s', t);
		analysed := analysed + 1;
	END LOOP;
	RETURN analysed;
END
$$;
COMMENT ON FUNCTION dormancy.analyze_lookup_tables() IS
	'analyse the small tables of the extension (rules, settings, mappings, models) that have no statistics or changed since; refresh() calls it; returns how many it analysed';
REVOKE ALL ON FUNCTION dormancy.analyze_lookup_tables() FROM PUBLIC;

-- autovacuum analyses them after any change, however small
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN SELECT * FROM dormancy._lookup_tables() LOOP
		EXECUTE format('ALTER TABLE %s SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0)', t);
	END LOOP;
END
$$;
SELECT dormancy.analyze_lookup_tables();
