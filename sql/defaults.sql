--
-- One defaults mechanism for every editable table (sql_src/15_defaults.sql),
-- dormancy.rules included: its key is compound (industry, company_size,
-- either NULL for any).  Everything runs in one transaction on a fresh
-- install, rolled back at the end.
--
BEGIN;
SET client_min_messages = warning;
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
RESET client_min_messages;

-- keys: one column lower-cased and trimmed (as before), several a JSON array so
SELECT dormancy._default_row_key('{"source_kind": " Webinar "}', '{source_kind}') AS one_column,
	   dormancy._default_row_key('{"industry": " EC ", "company_size": null}', '{industry,company_size}') AS two_columns,
	   dormancy._default_row_key('{"industry": null, "company_size": "SMB"}', '{industry,company_size}') AS size_only,
	   dormancy._default_row_key('{"industry": "a\", \"b", "company_size": null}', '{industry,company_size}') AS quoted;
-- the triggers pass TG_ARGV, which starts at 0
SELECT dormancy._default_row_key('{"form": "Inc."}', '[0:0]={form}'::name[]) AS from_zero;

-- every editable table is in installed_defaults, rules with their two key columns
SELECT table_name, key_columns, count(*) AS defaults
  FROM dormancy.installed_defaults GROUP BY 1, 2 ORDER BY 1;
SELECT key, row_data ->> 'rule_id' AS rule_id FROM dormancy.installed_defaults
 WHERE table_name = 'rules' ORDER BY (row_data ->> 'rule_id')::int;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
 WHERE tgrelid = 'dormancy.rules'::regclass AND NOT tgisinternal ORDER BY 1;
-- the installed rules, their reference (a materialized view of installed_defaults)
SELECT count(*) AS installed, (SELECT count(*) FROM dormancy.default_rules) AS reference,
	   (SELECT count(*) FROM (SELECT * FROM dormancy.rules EXCEPT SELECT * FROM dormancy.default_rules) d) AS differences
  FROM dormancy.rules WHERE installed;
-- pg_dump: rules except the installed ones, the notes, not the landing table
SELECT c::regclass AS dumped, x AS condition FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(c, x)
 WHERE e.extname = 'dormancy' AND c::regclass::text ~ '(rules|defaults)' ORDER BY c::regclass::text COLLATE "C";

--
-- Editing: the user's rows
--
-- an edited default is the user's (dumped), and nothing is noted
UPDATE dormancy.rules SET dormant_after = '10 months' WHERE industry IS NULL AND company_size IS NULL;
-- an inserted rule for a default's segment (any case, blanks) replaces it
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after, note)
	VALUES (' Consumables', '2 months', '4 months', '1 year', 'ours');
-- a rule for a new segment
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after, note)
	VALUES ('retail', 'smb', '1 month', '3 months', '1 year', 'ours too');
-- a deleted default is noted; a deleted rule of the user's is not
DELETE FROM dormancy.rules WHERE industry = 'ec';
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('shipping', '1 month', '2 months', '3 months');
DELETE FROM dormancy.rules WHERE industry = 'shipping';
-- a default moved to another segment (it keeps its rule_id) leaves a note for its old one
UPDATE dormancy.rules SET industry = 'machinery' WHERE industry = 'manufacturing';
-- a default moved onto another default's segment replaces that one: only its old segment is noted
UPDATE dormancy.rules SET industry = NULL, company_size = 'Enterprise ' WHERE industry = 'it_services';
SELECT rule_id, industry, company_size, dormant_after, installed FROM dormancy.rules ORDER BY rule_id;
SELECT key FROM dormancy.removed_defaults WHERE table_name = 'rules' ORDER BY 1;
-- inserting a rule for a noted segment takes the note away
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('EC', '1 month', '2 months', '3 months');
SELECT key FROM dormancy.removed_defaults WHERE table_name = 'rules' ORDER BY 1;
DELETE FROM dormancy.rules WHERE industry = 'EC';
SELECT key FROM dormancy.removed_defaults WHERE table_name = 'rules' ORDER BY 1;
-- the lookup is unchanged: most specific rule first, case-insensitive
SELECT (dormancy.rule_for('CONSUMABLES', 'smb')).note AS consumables_smb,
	   (dormancy.rule_for('retail', ' SMB')).note AS retail_smb,
	   (dormancy.rule_for('ec', NULL)).dormant_after AS ec_falls_back;

--
-- A pg_dump and restore, simulated: what pg_dump writes (the rows that are
-- not installed, the notes, the sequence), into a fresh install, in either
-- order of the tables (pg_restore --jobs may load them at once)
--
CREATE TEMP TABLE dump_rules AS SELECT * FROM dormancy.rules WHERE NOT installed;
CREATE TEMP TABLE dump_notes AS SELECT * FROM dormancy.removed_defaults;
CREATE TEMP TABLE before AS SELECT * FROM dormancy.rules;
SELECT last_value AS sequence FROM dormancy.rules_rule_id_seq \gset
SAVEPOINT dumped;
SET client_min_messages = warning;
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
RESET client_min_messages;
INSERT INTO dormancy.removed_defaults SELECT * FROM dump_notes;
INSERT INTO dormancy.rules SELECT * FROM dump_rules;
SELECT setval('dormancy.rules_rule_id_seq', :sequence);
SELECT count(*) AS differences FROM (
	(SELECT * FROM before EXCEPT SELECT * FROM dormancy.rules)
	UNION ALL (SELECT * FROM dormancy.rules EXCEPT SELECT * FROM before)) d;
ROLLBACK TO SAVEPOINT dumped;
-- the rules first: the moved default (machinery, rule_id 4) replaces the
-- reinstalled manufacturing default by its rule_id, not clash with it
SET client_min_messages = warning;
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
RESET client_min_messages;
INSERT INTO dormancy.rules SELECT * FROM dump_rules;
INSERT INTO dormancy.removed_defaults SELECT * FROM dump_notes;
SELECT setval('dormancy.rules_rule_id_seq', :sequence);
SELECT count(*) AS differences FROM (
	(SELECT * FROM before EXCEPT SELECT * FROM dormancy.rules)
	UNION ALL (SELECT * FROM dormancy.rules EXCEPT SELECT * FROM before)) d;
SELECT key FROM dormancy.removed_defaults WHERE table_name = 'rules' ORDER BY 1;

--
-- A dump of 0.3.0 carries its notes in removed_default_rules: they land in
-- removed_defaults, and the reinstalled default goes
--
INSERT INTO dormancy.removed_default_rules (industry_key, size_key, removed_at)
	VALUES ('', 'smb', '2026-05-01 10:00+00'), ('ec', '', '2026-05-01 10:00+00');
SELECT count(*) AS landed FROM dormancy.removed_default_rules;
SELECT key, removed_at = '2026-05-01 10:00+00' AS kept_time FROM dormancy.removed_defaults
 WHERE table_name = 'rules' ORDER BY 1;
SELECT count(*) AS smb_defaults FROM dormancy.rules WHERE company_size = 'smb' AND industry IS NULL;

--
-- reset_rules() (the same as reset_defaults('dormancy.rules')): the defaults
-- back, also those moved to another segment (machinery keeps the rule_id of
-- manufacturing), the user's rules for other segments kept, the notes gone
--
SELECT dormancy.reset_rules();
SELECT rule_id, industry, company_size, dormant_after, installed FROM dormancy.rules ORDER BY rule_id;
SELECT count(*) AS notes FROM dormancy.removed_defaults WHERE table_name = 'rules';
SELECT count(*) AS differences FROM (SELECT * FROM dormancy.rules WHERE installed EXCEPT SELECT * FROM dormancy.default_rules) d;
DELETE FROM dormancy.rules WHERE industry = 'consumables';
SELECT dormancy.reset_defaults('dormancy.rules');
SELECT count(*) FILTER (WHERE installed) AS installed, count(*) FILTER (WHERE NOT installed) AS users,
	   (SELECT count(*) FROM dormancy.removed_defaults) AS notes
  FROM dormancy.rules;

--
-- TRUNCATE of an editable table notes every default it removed (TRUNCATE
-- fires no row trigger: a dump and restore brought them all back, 7 rules
-- where the owner had left one, 92 event kinds where none), simulated as
-- above
--
SAVEPOINT truncated;
TRUNCATE dormancy.rules, dormancy.event_kinds;
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after)
VALUES (NULL, NULL, '1 year', '2 years', '3 years');
SELECT table_name, count(*) AS notes FROM dormancy.removed_defaults
 WHERE table_name IN ('rules', 'event_kinds') GROUP BY 1 ORDER BY 1;
CREATE TEMP TABLE dump_rules2 AS SELECT * FROM dormancy.rules WHERE NOT installed;
CREATE TEMP TABLE dump_notes2 AS SELECT * FROM dormancy.removed_defaults;
SET client_min_messages = warning;
DROP EXTENSION dormancy CASCADE;
CREATE EXTENSION dormancy;
RESET client_min_messages;
INSERT INTO dormancy.removed_defaults SELECT * FROM dump_notes2;
INSERT INTO dormancy.rules SELECT * FROM dump_rules2;
SELECT (SELECT count(*) FROM dormancy.rules) AS rules_restored,
	   (SELECT string_agg(concat_ws(' ', industry, company_size, dormant_after), '; ') FROM dormancy.rules) AS the_rule,
	   (SELECT count(*) FROM dormancy.event_kinds) AS event_kinds_restored;
-- reset_defaults() brings them back and takes the notes away
SELECT dormancy.reset_defaults('dormancy.event_kinds');
SELECT count(*) AS event_kinds, (SELECT count(*) FROM dormancy.removed_defaults WHERE table_name = 'event_kinds') AS notes
  FROM dormancy.event_kinds;
ROLLBACK TO SAVEPOINT truncated;


--
-- A role granted INSERT, UPDATE and DELETE on editable tables edits them as
-- the owner does: the defaults' triggers run as the extension's owner (they
-- ran as the writer, who may not execute the internal functions they call:
-- "permission denied for function _default_row_key")
--
SAVEPOINT editor;
SELECT dormancy.reset_defaults('dormancy.rules');
SELECT dormancy.reset_defaults('dormancy.labels');
CREATE ROLE dormancy_test_editor;
GRANT USAGE ON SCHEMA dormancy TO dormancy_test_editor;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON dormancy.rules, dormancy.labels, dormancy.event_kinds, dormancy.legal_forms,
	dormancy.price_changes TO dormancy_test_editor;
GRANT USAGE ON SEQUENCE dormancy.rules_rule_id_seq TO dormancy_test_editor;
SET ROLE dormancy_test_editor;
UPDATE dormancy.rules SET dormant_after = '400 days' WHERE industry = 'it_services' AND company_size IS NULL;
INSERT INTO dormancy.rules (industry, company_size, at_risk_after, dormant_after, long_dormant_after)
VALUES (U&'\5370\5237', NULL, '60 days', '120 days', '1 year');
DELETE FROM dormancy.rules WHERE industry = 'consumables' AND company_size IS NULL;
INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES ('state', 'dormant', 'ja', U&'\4F11\7720\4E2D');
TRUNCATE dormancy.event_kinds;
INSERT INTO dormancy.legal_forms (form) VALUES (U&'\FF08\682A\FF09');
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind) VALUES ('2026-04-01', NULL, 5, U&'\5024\4E0A\3052');
RESET ROLE;
SELECT industry, dormant_after, installed FROM dormancy.rules
 WHERE industry IN ('it_services', 'consumables', U&'\5370\5237') AND company_size IS NULL ORDER BY 1;
SELECT label, installed FROM dormancy.labels WHERE vocabulary = 'state' AND code = 'dormant' AND language = 'ja';
SELECT table_name, key FROM dormancy.removed_defaults WHERE table_name = 'rules' ORDER BY 1, 2;
SELECT count(*) AS event_kinds_notes FROM dormancy.removed_defaults WHERE table_name = 'event_kinds';
SELECT form, installed FROM dormancy.legal_forms WHERE form = U&'\FF08\682A\FF09';
SELECT kind, change_pct FROM dormancy.price_changes;
-- and no more than the grants: the notes and the installed defaults stay the owner's
SET ROLE dormancy_test_editor;
SAVEPOINT denied;
INSERT INTO dormancy.removed_defaults (table_name, key) VALUES ('rules', 'x');
ROLLBACK TO SAVEPOINT denied;
SAVEPOINT denied;
SELECT count(*) FROM dormancy.installed_defaults;
ROLLBACK TO SAVEPOINT denied;
RESET ROLE;
ROLLBACK TO SAVEPOINT editor;

ROLLBACK;
