-- Reason and approach rules applied in C, read once per query (issue 11):
-- likely_reason, reason_evidence and approach_channel of customer_status
-- equal the SQL they replace (the LATERAL subqueries over reason_rules and
-- approach_rules of 0.3.0, kept here as functions) for every demo customer,
-- with rules that have NULL and empty lists, Japanese labels with full-width
-- spaces, mixed case and padding, duplicate evidence; the same on a grid of
-- edge inputs (NULLs, NaN, empty arrays, NULL elements); an edit shows in
-- the next query, in the same session and in the same transaction, also
-- from a PL/pgSQL expression kept across statements.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
\i test/sql_ref/unbind_all.sql
\set customers 3000
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
-- labels as users write them: mixed case, padding, Japanese with full-width spaces
UPDATE demo.accounts SET sector = CASE account_id % 7
		WHEN 0 THEN '  EC '
		WHEN 1 THEN '製造業'
		WHEN 2 THEN '　製造業　'
		WHEN 3 THEN 'Ｒｅｔａｉｌ'
		WHEN 4 THEN ' Manufacturing'
		ELSE sector END,
	size_class = CASE account_id % 5
		WHEN 0 THEN ' Enterprise '
		WHEN 1 THEN '大企業'
		WHEN 2 THEN 'ＭＩＤ'
		ELSE size_class END
 WHERE account_id % 3 = 0;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SELECT dormancy.bind_contacts('demo.contacts', customer => 'account_id', phone => 'phone', email => 'email',
							  person => 'contact_name', updated_at => 'updated_on');
SET dormancy.as_of = '2026-11-01';

-- the SQL of 0.3.0 (sql_src/55_priority.sql before issue 11), as functions;
-- labels compared by label_key, an industry or size by its own key and by
-- its alias's (dormancy.industries, dormancy.company_sizes), as 0.4.0
-- compares them
CREATE SCHEMA rc;
CREATE FUNCTION rc.industry_keys(label text) RETURNS text[] LANGUAGE sql STABLE AS $$
SELECT ARRAY[dormancy.label_key(label),
			 (SELECT dormancy.label_key(a.industry) FROM dormancy.industries a
			   WHERE dormancy.label_key(a.source_industry) = dormancy.label_key(label))]
$$;
CREATE FUNCTION rc.size_keys(label text) RETURNS text[] LANGUAGE sql STABLE AS $$
SELECT ARRAY[dormancy.label_key(label),
			 (SELECT dormancy.label_key(a.company_size) FROM dormancy.company_sizes a
			   WHERE dormancy.label_key(a.source_size) = dormancy.label_key(label))]
$$;
CREATE FUNCTION rc.old_reason(lapsing boolean, have text[], OUT reason text, OUT evidence text[])
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN lapsing THEN coalesce(rr.reason, 'unknown') END,
	   CASE WHEN lapsing THEN coalesce(rr.evidence, '{}'::text[]) END
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (
	SELECT rr.reason, rr.evidence
	  FROM dormancy.reason_rules rr
	 WHERE lapsing AND rr.evidence <@ have
	 ORDER BY rr.rule_order
	 LIMIT 1) rr ON true
$$;
CREATE FUNCTION rc.old_channel(lapsing boolean, approach_value float8, industry text, company_size text,
							   reason text, can_phone boolean, can_mail boolean, percentile float8 DEFAULT NULL)
RETURNS text LANGUAGE sql STABLE AS $$
SELECT ar.channel
  FROM dormancy.approach_rules ar
 WHERE lapsing
   -- the percentile once a value distribution is stored and the rule names one
   AND CASE WHEN ar.min_value_percentile IS NOT NULL AND percentile IS NOT NULL
			THEN percentile >= ar.min_value_percentile
			ELSE approach_value >= ar.min_value END
   AND (ar.industries IS NULL OR EXISTS (
		SELECT 1 FROM unnest(ar.industries) i
		 WHERE dormancy.label_key(i) = ANY (rc.industry_keys(industry))))
   AND (ar.company_sizes IS NULL OR EXISTS (
		SELECT 1 FROM unnest(ar.company_sizes) s
		 WHERE dormancy.label_key(s) = ANY (rc.size_keys(company_size))))
   AND (ar.reasons IS NULL OR reason = ANY (ar.reasons))
   AND (ar.channel <> 'phone' OR can_phone)
   AND (ar.channel NOT IN ('email', 'step_mail') OR can_mail)
 ORDER BY ar.rule_order
 LIMIT 1
$$;

-- customer_status against the old SQL, customer by customer; the reason is
-- NULL exactly when the customer is not lapsing
CREATE VIEW rc.compare AS
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE cs.likely_reason IS NOT NULL) AS lapsing,
	   count(DISTINCT cs.likely_reason) AS reasons,
	   count(DISTINCT cs.approach_channel) AS channels,
	   count(*) FILTER (WHERE (cs.likely_reason, cs.reason_evidence) IS DISTINCT FROM
							  (SELECT (o.reason, o.evidence) FROM rc.old_reason(cs.likely_reason IS NOT NULL, cs.evidence) o))
		 AS reason_mismatches,
	   count(*) FILTER (WHERE cs.approach_channel IS DISTINCT FROM
							  rc.old_channel(cs.likely_reason IS NOT NULL, cs.approach_value, cs.industry,
											 cs.company_size, cs.likely_reason,
											 coalesce(cc.phones, 0) > 0, coalesce(cc.emails, 0) > 0,
											 CASE WHEN EXISTS (SELECT 1 FROM dormancy.value_distribution v
																WHERE v.measure = 'total_amount')
												  THEN cs.value_percentile END))
		 AS channel_mismatches
  FROM dormancy.customer_status cs
  LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = cs.customer_id;

-- the installed rules
SELECT * FROM rc.compare;

-- rules as users edit them: Japanese labels with full-width spaces, mixed
-- case, padding; NULL lists (any) and empty lists (none); reasons lists;
-- duplicate evidence
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES
	(5, '{repeat,repeat,state_dormant}', 'forgot'),
	(6, '{state_at_risk,one_time,state_at_risk}', 'one_time_mismatch'),
	(7, '{never_seen_word}', 'spec_change');
DELETE FROM dormancy.approach_rules;
INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, industries, company_sizes, reasons) VALUES
	(1, 'visit', 0, '{}', NULL, NULL),
	(2, 'visit', 200000, '{" 製造業 ", "ＲＥＴＡＩＬ"}', '{"大企業", "enterprise"}', NULL),
	(3, 'phone', 50000, '{"　製造業　"}', NULL, '{forgot,circumstances_changed}'),
	(4, 'phone', 0, NULL, '{"  ＭＩＤ", Mid}', '{}'),
	(5, 'step_mail', 0, '{EC, Ec, "ｅｃ"}', NULL, NULL),
	(6, 'direct_mail', 10000, '{MANUFACTURING, it_services}', '{SMB, " mid "}', '{one_time_mismatch, forgot}'),
	(7, 'phone', 1000, NULL, NULL, '{circumstances_changed}'),
	(8, 'email', 0, NULL, NULL, NULL);
SELECT * FROM rc.compare;

-- equal rule_order cannot happen: it is the primary key of both tables
INSERT INTO dormancy.reason_rules (rule_order, evidence, reason) VALUES (5, '{repeat}', 'forgot');
INSERT INTO dormancy.approach_rules (rule_order, channel) VALUES (8, 'phone');

-- a grid of edge inputs, the functions against the old SQL
CREATE TABLE rc.haves AS
SELECT * FROM (VALUES (NULL::text[]), ('{}'), ('{NULL}'), ('{repeat}'), ('{repeat,NULL,state_dormant}'),
	('{state_dormant,repeat,repeat}'), ('{one_time,state_at_risk}'), ('{deal_lost,deal_reason_competitor,x}'),
	('{{repeat,no_engagement},{a,b}}'), ('{REPEAT}'), ('{" repeat"}'), ('{never_seen_word}')) v(have);
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE (n.reason, n.evidence) IS DISTINCT FROM (o.reason, o.evidence)) AS mismatches
  FROM rc.haves h, (VALUES (NULL::boolean), (false), (true)) l(lapsing),
	   LATERAL dormancy._likely_reason(l.lapsing, h.have, (SELECT dormancy._configuration())) n,
	   LATERAL rc.old_reason(l.lapsing, h.have) o;
SELECT h.have, n.reason, n.evidence
  FROM rc.haves h, LATERAL dormancy._likely_reason(true, h.have, (SELECT dormancy._configuration())) n
 ORDER BY h.have::text COLLATE "C" NULLS FIRST;
CREATE TABLE rc.grid AS
SELECT l.lapsing, v.value, i.industry, s.company_size, r.reason, p.can_phone, m.can_mail
  FROM (VALUES (NULL::boolean), (false), (true)) l(lapsing),
	   (VALUES (NULL::float8), (0), (-0.0), (999.999), (1000), (60000), (300000), ('NaN'), ('Infinity')) v(value),
	   (VALUES (NULL::text), (''), ('ec'), ('  EC '), ('Ｅｃ'), ('ｅｃ'), ('製造業'), ('　製造業　'), (' 製造業'),
			   ('retail'), ('ｒｅｔａｉｌ'), ('manufacturing'), ('IT_Services')) i(industry),
	   (VALUES (NULL::text), ('mid'), ('ＭＩＤ'), ('ｍｉｄ'), ('大企業'), (' ENTERPRISE'), ('smb')) s(company_size),
	   (VALUES (NULL::text), ('forgot'), ('circumstances_changed'), ('one_time_mismatch'), ('unknown')) r(reason),
	   (VALUES (NULL::boolean), (false), (true)) p(can_phone),
	   (VALUES (false), (true)) m(can_mail);
SELECT count(*) AS cases,
	   count(DISTINCT c.channel) AS channels,
	   count(*) FILTER (WHERE c.channel IS DISTINCT FROM
			rc.old_channel(g.lapsing, g.value, g.industry, g.company_size, g.reason, g.can_phone, g.can_mail)) AS mismatches
  FROM rc.grid g,
	   LATERAL (SELECT dormancy._approach_channel(g.lapsing, g.value, g.industry, g.company_size, g.reason,
												  g.can_phone, g.can_mail, (SELECT dormancy._configuration())) AS channel) c;
-- a few by hand
SELECT dormancy._approach_channel(true, 60000, '　製造業　', NULL, 'forgot', true, true, (SELECT dormancy._configuration())) AS full_width_padded,
	   dormancy._approach_channel(true, 60000, '製造業', NULL, 'forgot', true, true, (SELECT dormancy._configuration())) AS full_width_spaces_trimmed,
	   dormancy._approach_channel(true, 0, 'ｅｃ', NULL, 'unknown', true, true, (SELECT dormancy._configuration())) AS full_width_lower,
	   dormancy._approach_channel(true, 0, 'ｅｃ', NULL, 'unknown', true, false, (SELECT dormancy._configuration())) AS no_mail,
	   dormancy._approach_channel(true, 'NaN', 'Ｒｅｔａｉｌ', '大企業', 'unknown', true, true, (SELECT dormancy._configuration())) AS nan_value,
	   dormancy._approach_channel(true, NULL, NULL, NULL, NULL, true, true, (SELECT dormancy._configuration())) AS null_value,
	   dormancy._approach_channel(false, 1e9, 'ec', 'mid', 'forgot', true, true, (SELECT dormancy._configuration())) AS not_lapsing;

-- in parallel workers: each worker reads the rules itself (PARALLEL SAFE);
-- the same counts as the serial plan
ANALYZE rc.grid;
CREATE VIEW rc.grid_channels AS
SELECT dormancy._approach_channel(g.lapsing, g.value, g.industry, g.company_size, r.reason,
								  g.can_phone, g.can_mail, (SELECT dormancy._configuration())) AS channel,
	   r.reason, count(*)
  FROM rc.grid g, LATERAL dormancy._likely_reason(g.lapsing, ARRAY[g.industry, g.company_size, 'repeat'], (SELECT dormancy._configuration())) r
 GROUP BY 1, 2;
CREATE TABLE rc.serial AS SELECT * FROM rc.grid_channels;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE FUNCTION rc.plan_has(query text, node text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line LIKE '%' || node || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
SELECT rc.plan_has('SELECT * FROM rc.grid_channels', 'Partial') AS partial_aggregate_in_workers;
SELECT (SELECT count(*) FROM rc.serial) AS groups,
	   (SELECT count(*) FROM (SELECT * FROM rc.serial EXCEPT ALL SELECT * FROM rc.grid_channels) d) AS serial_only,
	   (SELECT count(*) FROM (SELECT * FROM rc.grid_channels EXCEPT ALL SELECT * FROM rc.serial) d) AS parallel_only;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;

-- an edit shows in the next query: in the same session ...
SELECT likely_reason, approach_channel, count(*) FROM dormancy.customer_status
 WHERE likely_reason IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
UPDATE dormancy.reason_rules SET reason = 'dissatisfied_support' WHERE rule_order = 5;
UPDATE dormancy.approach_rules SET channel = 'direct_mail' WHERE rule_order = 8;
SELECT likely_reason, approach_channel, count(*) FROM dormancy.customer_status
 WHERE likely_reason IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM rc.compare;
-- ... and in the same transaction, between two queries
BEGIN;
SELECT count(*) FILTER (WHERE likely_reason = 'dissatisfied_support') AS support,
	   count(*) FILTER (WHERE approach_channel = 'direct_mail') AS direct_mail
  FROM dormancy.customer_status;
UPDATE dormancy.reason_rules SET reason = 'campaign_only' WHERE rule_order = 5;
DELETE FROM dormancy.approach_rules WHERE rule_order = 8;
SELECT count(*) FILTER (WHERE likely_reason = 'dissatisfied_support') AS support,
	   count(*) FILTER (WHERE approach_channel = 'direct_mail') AS direct_mail,
	   count(*) FILTER (WHERE likely_reason IS NOT NULL AND approach_channel IS NULL) AS no_channel
  FROM dormancy.customer_status;
SELECT * FROM rc.compare;
ROLLBACK;
-- ... and from a PL/pgSQL expression, whose call site lives for the transaction
CREATE FUNCTION rc.edit_between() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	seen text[] := '{}';
BEGIN
	FOR i IN 1..2 LOOP
		-- one expression, evaluated twice with an edit between
		seen := seen || ARRAY[(dormancy._likely_reason(true, '{repeat,state_dormant}', (SELECT dormancy._configuration()))).reason,
							  dormancy._approach_channel(true, 0, 'x', 'y', 'unknown', true, true, (SELECT dormancy._configuration()))];
		UPDATE dormancy.reason_rules SET reason = 'campaign_only' WHERE rule_order = 5;
		UPDATE dormancy.approach_rules SET channel = 'phone' WHERE rule_order = 8;
	END LOOP;
	RETURN seen;
END
$$;
BEGIN;
SELECT rc.edit_between();
ROLLBACK;

-- the model choice (dormancy._model_for) against the SQL of 0.3.0: fitted
-- per industry (the labels above fold into some segments), then per company
-- size, with a model that did not converge and one whose segment value no
-- customer folds to
CREATE FUNCTION rc.old_model(industry text, company_size text)
RETURNS TABLE (model_id integer, bgnbd dormancy.bgnbd, gammagamma dormancy.gammagamma,
			   unit_days float8, horizon_days float8)
LANGUAGE sql STABLE AS $$
SELECT m.model_id, m.bgnbd, m.gammagamma,
	   date_part('epoch', m.time_unit) / 86400 AS unit_days,
	   date_part('epoch', (dormancy.model_settings_in_force()).horizon) / 86400 AS horizon_days
  FROM dormancy.models m
 WHERE (m.bgnbd).converged
   AND (m.segment_kind = 'all'
		OR (m.segment_kind = 'industry' AND m.segment_value = dormancy.label_key(industry))
		OR (m.segment_kind = 'company_size' AND m.segment_value = dormancy.label_key(company_size)))
 ORDER BY m.segment_kind = 'all'
 LIMIT 1
$$;
CREATE VIEW rc.compare_models AS
SELECT count(*) AS customers,
	   count(DISTINCT cs.model_id) AS models,
	   count(*) FILTER (WHERE cs.model_id IS DISTINCT FROM o.model_id) AS model_mismatches,
	   count(*) FILTER (WHERE (n.model_id, n.bgnbd, n.gammagamma, n.unit_days, n.horizon_days)
						 IS DISTINCT FROM (o.model_id, o.bgnbd, o.gammagamma, o.unit_days, o.horizon_days)) AS row_mismatches
  FROM dormancy.customer_status cs
  LEFT JOIN LATERAL rc.old_model(cs.industry, cs.company_size) o ON true
  CROSS JOIN LATERAL dormancy._model_for(cs.industry, cs.company_size, (SELECT dormancy._configuration())) n;
INSERT INTO dormancy.model_settings (min_customers) VALUES (100);
SELECT segment_kind, segment_value, (bgnbd).converged FROM dormancy.fit_models() ORDER BY segment_kind, segment_value COLLATE "C";
SELECT * FROM rc.compare_models;
UPDATE dormancy.models SET bgnbd.converged = false WHERE segment_value = 'ec';
INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd)
SELECT 'industry', ' Retail', as_of, time_unit, bgnbd FROM dormancy.models WHERE segment_kind = 'all';
SELECT * FROM rc.compare_models;
UPDATE dormancy.model_settings SET segment_by = 'company_size';
SELECT segment_kind, segment_value, (bgnbd).converged FROM dormancy.fit_models() ORDER BY segment_kind, segment_value COLLATE "C";
SELECT * FROM rc.compare_models;
-- an edit of the models shows in the next query
UPDATE dormancy.models SET bgnbd.converged = false WHERE segment_kind = 'all';
SELECT * FROM rc.compare_models;
DELETE FROM dormancy.models;
SELECT * FROM rc.compare_models;
DELETE FROM dormancy.model_settings;

-- installed defaults back
SELECT dormancy.reset_defaults('dormancy.reason_rules');
SELECT dormancy.reset_defaults('dormancy.approach_rules');
DELETE FROM dormancy.reason_rules WHERE NOT installed;
DELETE FROM dormancy.approach_rules WHERE NOT installed;
SELECT count(*) AS reason_rules FROM dormancy.reason_rules;
SELECT count(*) AS approach_rules FROM dormancy.approach_rules;
SELECT * FROM rc.compare;

DROP SCHEMA rc CASCADE;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA demo CASCADE;
