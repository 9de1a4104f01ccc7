--
-- The configuration as one value (the type: 09_configuration.sql).
--

-- The tables the per-customer C functions read, as JSON arrays of their
-- rows under the tables' names (model_settings: the one row in force), and
-- under "fingerprint" a hash of them (jsonb_hash_extended, in hex).  Read with the caller's
-- privileges.  The float and interval output are pinned so that the text
-- the rows pass through is exact and reads back the same on every node:
-- extra_float_digits 3 (the shortest exact form), IntervalStyle postgres;
-- dates and numerics are exact in JSON anyway.
CREATE FUNCTION dormancy._configuration()
	RETURNS dormancy.configuration
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	SET extra_float_digits = 3
	SET IntervalStyle = postgres
AS $$
	SELECT (t.tables OPERATOR(pg_catalog.||)
			pg_catalog.jsonb_build_object('fingerprint', pg_catalog.to_hex(pg_catalog.jsonb_hash_extended(t.tables, 0))))
		   ::dormancy.configuration
	  FROM (SELECT pg_catalog.jsonb_build_object(
				'rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.rules r),
				'industries', (SELECT coalesce(pg_catalog.jsonb_agg(a), '[]') FROM dormancy.industries a),
				'company_sizes', (SELECT coalesce(pg_catalog.jsonb_agg(a), '[]') FROM dormancy.company_sizes a),
				'reason_rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.reason_rules r),
				'approach_rules', (SELECT coalesce(pg_catalog.jsonb_agg(r), '[]') FROM dormancy.approach_rules r),
				'message_themes', (SELECT coalesce(pg_catalog.jsonb_agg(m), '[]') FROM dormancy.message_themes m),
				'value_distribution', (SELECT coalesce(pg_catalog.jsonb_agg(v), '[]') FROM dormancy.value_distribution v),
				'models', (SELECT coalesce(pg_catalog.jsonb_agg(m), '[]') FROM dormancy.models m),
				'price_changes', (SELECT coalesce(pg_catalog.jsonb_agg(p), '[]') FROM dormancy.price_changes p),
				'model_settings', pg_catalog.jsonb_build_array(pg_catalog.to_jsonb(dormancy.model_settings_in_force())))
			AS tables) t
$$;
COMMENT ON FUNCTION dormancy._configuration() IS
	'internal: the configuration tables the per-customer C functions read (rules, aliases, reason and approach rules, themes, value distribution, models, price changes, model settings in force) as one value with its fingerprint; the views compute it once per query';

