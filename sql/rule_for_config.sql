-- The configuration as one value (sql_src/09_configuration.sql): the views'
-- C functions read the configuration they are given, never the tables.
-- _rule_for, rule_for() in C over a configuration, gives rule_for()'s rule
-- for every wording: own labels, aliases, full-width and case variants,
-- Japanese labels, empty and NULL.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/unbind_all.sql
BEGIN;
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount) VALUES
	('製造業', '中小企業', '100 days', '200 days', '300 days', 5),
	(NULL, '大企業', '110 days', '210 days', '310 days', 0),
	('Ｗｈｏｌｅｓａｌｅ', 'SMB', '120 days', '220 days', '320 days', 0),
	('wholesale', NULL, '130 days', '230 days', '330 days', 0);
INSERT INTO dormancy.industries (source_industry, industry) VALUES
	('ものづくり', '製造業'), ('卸売', 'wholesale'), ('問屋', 'no rule names this');
INSERT INTO dormancy.company_sizes (source_size, company_size) VALUES
	('中堅', '中小企業'), ('上場', '大企業');

CREATE TEMP TABLE labels AS
SELECT DISTINCT v.label
  FROM (SELECT r.industry FROM dormancy.rules r UNION ALL SELECT r.company_size FROM dormancy.rules r
		UNION ALL SELECT a.source_industry FROM dormancy.industries a UNION ALL SELECT a.industry FROM dormancy.industries a
		UNION ALL SELECT s.source_size FROM dormancy.company_sizes s UNION ALL SELECT s.company_size FROM dormancy.company_sizes s) l(x)
 CROSS JOIN LATERAL (VALUES (l.x), (upper(l.x)), (' ' || l.x || '　'), (normalize(l.x, NFKD))) v(label)
UNION SELECT '' UNION SELECT 'unknown' UNION SELECT NULL;

-- every pair of labels (industry, size): the same rule row, field by field
SELECT count(*) > 1000 AS many_pairs,
	   count(*) FILTER (WHERE dormancy.rule_for(i.label, s.label)
							  IS DISTINCT FROM dormancy._rule_for(i.label, s.label, (SELECT dormancy._configuration()))) AS differ,
	   count(DISTINCT (dormancy.rule_for(i.label, s.label)).rule_id) AS distinct_rules
  FROM labels i CROSS JOIN labels s;

-- a few by hand: an alias to an industry with a rule, an alias to one
-- without (the catch-all, or the size's), full-width
SELECT i, s, (dormancy._rule_for(i, s, (SELECT dormancy._configuration()))).dormant_after
  FROM (VALUES ('ものづくり', '中堅'), ('ものづくり', 'enterprise'), ('問屋', '上場'), ('問屋', NULL),
			   ('WHOLESALE', 'smb'), ('卸売', NULL), (NULL, NULL), ('', '')) v(i, s)
 ORDER BY 1, 2;

-- a rule keyed by a label for one segment does not take the label's alias
-- away from its other customers: adding a rule changes the rule of only the
-- pairs of labels that get the new rule (the most specific rule over a
-- label's own key and its alias's, the own key first among equally specific
-- ones).  ('製造業', '中小企業') was added at the start: without it, 製造業
-- reached manufacturing through its alias for every size, and 中小企業 smb
DELETE FROM dormancy.rules WHERE industry = '製造業' AND company_size = '中小企業';
-- (_rule_for only: the first query of this file shows rule_for() the same
-- on every pair)
CREATE TEMP TABLE rule_before AS
SELECT i.label AS i, s.label AS s,
	   (dormancy._rule_for(i.label, s.label, (SELECT dormancy._configuration()))).rule_id AS c_rule
  FROM labels i CROSS JOIN labels s;
CREATE TEMP TABLE added_rule AS
WITH a AS (
	INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount)
	VALUES ('製造業', '中小企業', '100 days', '200 days', '300 days', 5) RETURNING rule_id)
SELECT rule_id FROM a;
SELECT count(*) FILTER (WHERE a.c_rule = (SELECT rule_id FROM added_rule)) > 0 AS some_get_it,
	   count(*) FILTER (WHERE a.c_rule IS DISTINCT FROM (SELECT rule_id FROM added_rule)
						  AND a.c_rule IS DISTINCT FROM b.c_rule) AS others_changed
  FROM rule_before b
 CROSS JOIN LATERAL (SELECT (dormancy._rule_for(b.i, b.s, (SELECT dormancy._configuration()))).rule_id AS c_rule) a;
-- by hand: the segment of the rule each function picks, and the one wanted
SELECT v.i, v.s, r.industry, r.company_size, (r.industry, r.company_size) IS NOT DISTINCT FROM (v.want_i, v.want_s) AS as_wanted,
	   (dormancy._rule_for(v.i, v.s, (SELECT dormancy._configuration()))).rule_id = r.rule_id AS c_same
  FROM (VALUES ('製造業', NULL, 'manufacturing', NULL),			-- the industry's alias
			   ('製造業', '大企業', 'manufacturing', NULL),		-- industry outranks size
			   ('製造業', '中小企業', '製造業', '中小企業'),		-- the rule keyed by both labels
			   ('製造業', 'smb', 'manufacturing', NULL),
			   ('manufacturing', '中小企業', 'manufacturing', NULL),
			   (NULL, '中小企業', NULL, 'smb'),					-- the size's alias
			   ('問屋', '中小企業', NULL, 'smb')) v(i, s, want_i, want_s)
 CROSS JOIN LATERAL dormancy.rule_for(v.i, v.s) r
 ORDER BY 1, 2;

-- a configuration made before an edit still gives the rules as they were:
-- the function reads the value, not the table
CREATE TEMP TABLE before_edit AS SELECT dormancy._configuration() AS c;
UPDATE dormancy.rules SET dormant_after = '250 days' WHERE industry = '製造業';
SELECT (dormancy._rule_for('製造業', '中小企業', (SELECT b.c FROM before_edit b))).dormant_after AS given,
	   (dormancy._rule_for('製造業', '中小企業', (SELECT dormancy._configuration()))).dormant_after AS now,
	   (dormancy.rule_for('製造業', '中小企業')).dormant_after AS table_now,
	   (SELECT b.c FROM before_edit b) ->> 'fingerprint' <> dormancy._configuration() ->> 'fingerprint' AS new_fingerprint;

-- an edit of any table the configuration holds gives a new fingerprint:
-- each of the ten, in turn (rows added to empty ones, the model settings'
-- row), then two empty again and a row changed to another measure (the
-- edits then rolled back)
CREATE TEMP TABLE fingerprints (step text, fingerprint text);
SAVEPOINT edits;
INSERT INTO fingerprints SELECT 'start', dormancy._configuration() ->> 'fingerprint';
UPDATE dormancy.rules SET min_order_amount = 6 WHERE industry = '製造業';
INSERT INTO fingerprints SELECT 'rules', dormancy._configuration() ->> 'fingerprint';
DELETE FROM dormancy.industries WHERE source_industry = '問屋';
INSERT INTO fingerprints SELECT 'industries', dormancy._configuration() ->> 'fingerprint';
DELETE FROM dormancy.company_sizes WHERE source_size = '上場';
INSERT INTO fingerprints SELECT 'company_sizes', dormancy._configuration() ->> 'fingerprint';
UPDATE dormancy.reason_rules SET note = 'edited' WHERE rule_order = (SELECT max(rule_order) FROM dormancy.reason_rules);
INSERT INTO fingerprints SELECT 'reason_rules', dormancy._configuration() ->> 'fingerprint';
UPDATE dormancy.approach_rules SET note = 'edited' WHERE rule_order = (SELECT max(rule_order) FROM dormancy.approach_rules);
INSERT INTO fingerprints SELECT 'approach_rules', dormancy._configuration() ->> 'fingerprint';
UPDATE dormancy.message_themes SET note = 'edited' WHERE theme = (SELECT max(theme) FROM dormancy.message_themes);
INSERT INTO fingerprints SELECT 'message_themes', dormancy._configuration() ->> 'fingerprint';
INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
VALUES ('total_amount', ARRAY[0, 1], 2, '2026-11-01');
INSERT INTO fingerprints SELECT 'value_distribution', dormancy._configuration() ->> 'fingerprint';
INSERT INTO dormancy.price_changes (changed_at, kind) VALUES ('2026-10-01', 'spec_change');
INSERT INTO fingerprints SELECT 'price_changes', dormancy._configuration() ->> 'fingerprint';
INSERT INTO dormancy.models (model_id, segment_kind, fitted_at, as_of, time_unit, model)
VALUES (1, 'all', '2026-11-01', '2026-11-01', '7 days', 'bgnbd');
INSERT INTO fingerprints SELECT 'models', dormancy._configuration() ->> 'fingerprint';
INSERT INTO dormancy.model_settings (time_unit) VALUES ('1 day');
INSERT INTO fingerprints SELECT 'model_settings', dormancy._configuration() ->> 'fingerprint';
DELETE FROM dormancy.value_distribution;
DELETE FROM dormancy.price_changes;
INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
VALUES ('expected_value', ARRAY[0, 1], 2, '2026-11-01');
INSERT INTO fingerprints SELECT 'moved', dormancy._configuration() ->> 'fingerprint';
SELECT count(*) AS steps, count(DISTINCT fingerprint) AS fingerprints,
	   count(*) FILTER (WHERE fingerprint !~ '^[0-9a-f]{1,32}$') AS malformed
  FROM fingerprints;
ROLLBACK TO SAVEPOINT edits;

-- customer_core within one query sees one configuration; an edit shows in
-- the next query
CREATE SCHEMA rfc;
CREATE TABLE rfc.cust (id integer, industry text, company_size text);
CREATE TABLE rfc.ord (customer_id integer, ordered_at timestamptz, amount numeric);
INSERT INTO rfc.cust VALUES (1, 'ものづくり', '中堅'), (2, '問屋', NULL);
INSERT INTO rfc.ord VALUES (1, '2026-04-01', 10), (2, '2026-04-01', 10);
SELECT dormancy.bind_customers('rfc.cust', id => 'id', industry => 'industry', company_size => 'company_size') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('rfc.ord', customer => 'customer_id', ordered_at => 'ordered_at', amount => 'amount') IS NOT NULL AS bound;
SELECT customer_id, dormant_after, state FROM dormancy.customer_status ORDER BY customer_id;
UPDATE dormancy.rules SET dormant_after = '150 days', at_risk_after = '90 days' WHERE industry = '製造業';
SELECT customer_id, dormant_after, state FROM dormancy.customer_status ORDER BY customer_id;

-- the session's float and interval output do not change the value: the
-- rows pass through exact text (floats that need 17 digits, intervals with
-- months and days, and with fractional seconds), and read back as the table's
DELETE FROM dormancy.value_distribution;
INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
VALUES ('total_amount', ARRAY[0, 1 / 3.0::float8, 2 / 3.0::float8, 0.1 + 0.2, 1e300], 5, '2026-11-01');
UPDATE dormancy.rules SET long_dormant_after = '1 year 2 mons 3 days' WHERE industry = '製造業';
INSERT INTO dormancy.model_settings (horizon) VALUES ('1 year 2 mons 3 days 04:05:06.789');
CREATE TEMP TABLE default_output AS SELECT dormancy._configuration() AS c;
SET LOCAL extra_float_digits = -15;
SET LOCAL IntervalStyle = sql_standard;
SELECT dormancy._configuration() = (SELECT d.c FROM default_output d) AS same_value,
	   (SELECT v.quantiles FROM jsonb_populate_recordset(NULL::dormancy.value_distribution,
														 dormancy._configuration() -> 'value_distribution') v)
		 = (SELECT v.quantiles FROM dormancy.value_distribution v) AS floats_exact,
	   (dormancy._rule_for('製造業', '中小企業', (SELECT dormancy._configuration())))::text
		 = (SELECT r::text FROM dormancy.rules r WHERE r.industry = '製造業') AS rule_exact,
	   (SELECT m.horizon::text FROM jsonb_populate_recordset(NULL::dormancy.model_settings,
															 dormancy._configuration() -> 'model_settings') m)
		 = (SELECT m.horizon::text FROM dormancy.model_settings m) AS interval_exact;
RESET extra_float_digits;
RESET IntervalStyle;

-- no configuration is an error; a configuration without tables has no rules
SELECT dormancy._rule_for('x', 'y', NULL);
ROLLBACK;
SELECT dormancy._rule_for('x', 'y', '{"fingerprint": "1"}') IS NULL AS no_rule;
SELECT dormancy._rule_for('x', 'y', '{"rules": []}');
SELECT dormancy._rule_for('x', 'y', '{"fingerprint": 1}');
