-- Labels of the codes in Japanese and English (dormancy.labels): every code
-- the views can write has a label in both languages; dormancy.language
-- chooses the language of the *_label columns of call_list and the views
-- over the snapshot (default: that of lc_messages); a missing label falls
-- back to English, then to the code; an edit shows in the next query.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA lb;

-- every code that the C code writes (_label_codes) or a table's CHECK allows,
-- with the evidence words built from the deal outcomes and reasons
CREATE VIEW lb.codes AS
SELECT c.vocabulary, c.code FROM dormancy._label_codes() c
UNION
SELECT v.vocabulary, m[1]
  FROM (VALUES ('likely_reason', 'dormancy.reason_rules'::regclass, 'reason_rules_reason'),
			   ('likely_reason', 'dormancy.message_themes'::regclass, 'message_themes_reason'),
			   ('message_theme', 'dormancy.message_themes'::regclass, 'message_themes_theme'),
			   ('approach_channel', 'dormancy.approach_rules'::regclass, 'approach_rules_channel'),
			   ('deal_outcome', 'dormancy.deal_outcomes'::regclass, 'deal_outcomes_outcome'),
			   ('deal_reason', 'dormancy.deal_reasons'::regclass, 'deal_reasons_reason'),
			   ('event_kind', 'dormancy.event_kinds'::regclass, 'event_kinds_kind'),
			   ('outreach_outcome', 'dormancy.outreach_outcomes'::regclass, 'outreach_outcomes_outcome'),
			   ('change', 'dormancy.status_history'::regclass, 'status_history_change_known')) v(vocabulary, rel, con)
  JOIN pg_constraint k ON k.conrelid = v.rel AND k.conname = v.con
 CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(k.oid), '''([a-z_]+)''', 'g') m
UNION
-- customer_deals: an outcome that is NULL or not mapped
SELECT 'deal_outcome', 'unknown'
UNION
-- evidence deal_<outcome> of the last closed deal (never open), deal_reason_<reason>
SELECT 'evidence', 'deal_' || m[1]
  FROM pg_constraint k CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(k.oid), '''([a-z_]+)''', 'g') m
 WHERE k.conrelid = 'dormancy.deal_outcomes'::regclass AND k.conname = 'deal_outcomes_outcome' AND m[1] <> 'open'
UNION
SELECT 'evidence', 'deal_unknown'
UNION
SELECT 'evidence', 'deal_reason_' || m[1]
  FROM pg_constraint k CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(k.oid), '''([a-z_]+)''', 'g') m
 WHERE k.conrelid = 'dormancy.deal_reasons'::regclass AND k.conname = 'deal_reasons_reason'
UNION
-- evidence outreach_<outcome> of the latest contact that reached the customer
-- (never not_reached), outreach_reason_<reason> of a refusal (deal reasons)
SELECT 'evidence', 'outreach_' || m[1]
  FROM pg_constraint k CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(k.oid), '''([a-z_]+)''', 'g') m
 WHERE k.conrelid = 'dormancy.outreach_outcomes'::regclass AND k.conname = 'outreach_outcomes_outcome' AND m[1] <> 'not_reached'
UNION
SELECT 'evidence', 'outreach_reason_' || m[1]
  FROM pg_constraint k CROSS JOIN LATERAL regexp_matches(pg_get_constraintdef(k.oid), '''([a-z_]+)''', 'g') m
 WHERE k.conrelid = 'dormancy.deal_reasons'::regclass AND k.conname = 'deal_reasons_reason'
UNION
-- the templates of the basis sentences of score_breakdown_label(), and their separator
SELECT 'score_basis', f.code FROM dormancy._score_basis_forms() f
UNION
SELECT 'score_basis', 'separator';

-- codes per vocabulary (a new code shows here)
SELECT vocabulary, count(*) AS codes FROM lb.codes GROUP BY vocabulary ORDER BY vocabulary COLLATE "C";
-- every code has a label in English and in Japanese: no row
SELECT c.vocabulary, c.code, array_agg(l.language ORDER BY l.language COLLATE "C") FILTER (WHERE l.language IS NOT NULL) AS languages
  FROM lb.codes c
  LEFT JOIN dormancy.labels l ON l.vocabulary = c.vocabulary AND l.code = c.code
 GROUP BY c.vocabulary, c.code
HAVING coalesce(array_agg(l.language ORDER BY l.language COLLATE "C") FILTER (WHERE l.language IS NOT NULL), '{}') <> '{en,ja}'
 ORDER BY c.vocabulary COLLATE "C", c.code COLLATE "C";
-- and no installed label is for a code that nothing writes: no row
SELECT l.vocabulary, l.code FROM dormancy.labels l
 WHERE NOT EXISTS (SELECT 1 FROM lb.codes c WHERE c.vocabulary = l.vocabulary AND c.code = l.code)
 ORDER BY l.vocabulary COLLATE "C", l.code COLLATE "C";
-- the installed defaults: as many Japanese as English, all installed, Japanese really Japanese
SELECT language, count(*) AS labels, bool_and(installed) AS installed,
	   count(*) FILTER (WHERE label ~ '[^\x01-\x7f]') AS non_ascii
  FROM dormancy.labels GROUP BY language ORDER BY language COLLATE "C";
SELECT count(*) AS defaults FROM dormancy.installed_defaults WHERE table_name = 'labels';

-- the setting: ja or en in any case; SHOW gives the language in force
SET dormancy.language = 'JA';
SHOW dormancy.language;
SET dormancy.language = 'en';
SELECT current_setting('dormancy.language');
SET dormancy.language = 'fr';
SET dormancy.language = 'japanese';
-- empty (the default): the language of lc_messages (C here: en)
SET lc_messages = 'C';
RESET dormancy.language;
SELECT setting, boot_val, current_setting('dormancy.language') AS in_force
  FROM pg_settings WHERE name = 'dormancy.language';
-- a Japanese lc_messages gives ja (when the server has a ja_JP locale; the
-- mapping of locale names is unit-tested in test/unit/test_labels.c)
DO $$
BEGIN
	BEGIN
		PERFORM set_config('lc_messages', 'ja_JP.UTF-8', true);
	EXCEPTION WHEN invalid_parameter_value THEN
		RETURN;		-- no such locale on this machine
	END;
	IF current_setting('dormancy.language') <> 'ja' OR dormancy.label('state', 'dormant') <> U&'\4F11\7720' THEN
		RAISE EXCEPTION 'lc_messages % gives language %', current_setting('lc_messages'), current_setting('dormancy.language');
	END IF;
END
$$;
SELECT current_setting('lc_messages') AS lc_messages, current_setting('dormancy.language') AS in_force;

-- label() and labels(): the language in force, else English, else the code
SET dormancy.language = 'ja';
SELECT dormancy.label('state', 'dormant') AS dormant, dormancy.label('state', 'long_dormant') AS long_dormant,
	   dormancy.label('state', 'at_risk') AS at_risk, dormancy.label('state', 'active') AS active,
	   dormancy.label('likely_reason', 'forgot') AS forgot,
	   dormancy.label('likely_reason', 'lost_to_competitor') AS lost_to_competitor;
SELECT dormancy.label('approach_channel', c) AS channel, c FROM unnest('{phone,visit,step_mail,direct_mail,email}'::text[]) c;
SELECT dormancy.labels('decline_signals', '{amount_drop,NULL,no_such_signal}') AS ja,
	   dormancy.label('no_such_vocabulary', 'dormant') AS unknown_vocabulary,
	   dormancy.label('state', NULL) IS NULL AS null_code, dormancy.labels('state', NULL) IS NULL AS null_codes,
	   dormancy.labels('state', '{}') AS empty;
SET dormancy.language = 'en';
SELECT dormancy.label('state', 'long_dormant') AS en, dormancy.labels('data_gaps', '{no_phone,duplicate_name}') AS en_gaps;
-- a Japanese label missing: English; both missing: the code
DELETE FROM dormancy.labels WHERE vocabulary = 'state' AND code = 'at_risk' AND language = 'ja';
DELETE FROM dormancy.labels WHERE vocabulary = 'state' AND code = 'dormant';
SET dormancy.language = 'ja';
SELECT dormancy.label('state', 'at_risk') AS english_fallback, dormancy.label('state', 'dormant') AS code_fallback,
	   dormancy.labels('state', '{at_risk,dormant,active}') AS in_arrays;
-- the user's own label shows in the next query, and stays the user's
INSERT INTO dormancy.labels VALUES ('state', 'dormant', 'ja', U&'\304A\4F11\307F\4E2D');
SELECT dormancy.label('state', 'dormant') AS users_label, installed FROM dormancy.labels
 WHERE vocabulary = 'state' AND code = 'dormant';
SELECT table_name, key FROM dormancy.removed_defaults WHERE table_name = 'labels' ORDER BY key COLLATE "C";
SELECT dormancy.reset_defaults('dormancy.labels');
SELECT dormancy.label('state', 'dormant') AS dormant, dormancy.label('state', 'at_risk') AS at_risk,
	   (SELECT count(*) FROM dormancy.labels WHERE NOT installed) AS users_rows;
-- a bad language cannot be stored
INSERT INTO dormancy.labels VALUES ('state', 'dormant', 'fr', 'en sommeil');
INSERT INTO dormancy.labels VALUES ('state', 'dormant', 'en', ' ');

-- the views: a few customers, each lapsing in another way (nothing else bound)
DO $$
DECLARE s text;
BEGIN
	FOR s IN SELECT source FROM dormancy.bindings ORDER BY source LOOP
		PERFORM dormancy.unbind(s);
	END LOOP;
END
$$;
CREATE TABLE lb.accounts (id integer PRIMARY KEY, name text, tel text, mail text);
CREATE TABLE lb.invoices (account integer, day date, total numeric);
INSERT INTO lb.accounts VALUES
	(1, 'dormant repeat buyer', '03-1234-5678', 'a@example.jp'),
	(2, 'at risk, spending down', NULL, 'b@example.jp'),
	(3, 'one purchase long ago', '03-2345-6789', NULL),
	(4, 'active', '03-3456-7890', 'd@example.jp');
-- 1: monthly 50,000 up to 2025-09-01; 2: monthly 10,000 then 3,000 up to 2026-05-01;
-- 3: one order in 2023; 4: monthly up to last month
INSERT INTO lb.invoices SELECT 1, d, 50000 FROM generate_series('2023-10-01'::date, '2025-09-01', '1 month') d;
INSERT INTO lb.invoices SELECT 2, d, CASE WHEN d < '2025-11-01' THEN 10000 ELSE 3000 END
  FROM generate_series('2024-05-01'::date, '2026-05-01', '1 month') d;
INSERT INTO lb.invoices VALUES (3, '2023-05-10', 20000);
INSERT INTO lb.invoices SELECT 4, d, 3000 FROM generate_series('2024-10-15'::date, '2026-10-15', '1 month') d;
SELECT dormancy.bind_customers('lb.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('lb.invoices', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT dormancy.bind_contacts('lb.accounts', customer => 'id', phone => 'tel', email => 'mail') IS NOT NULL AS bound;

-- the call list in Japanese, then in English: the codes stay the same
SET dormancy.language = 'ja';
SELECT customer_id, state, state_label, segment_label, dormancy_kind_label, likely_reason, likely_reason_label,
	   reason_evidence_label, approach_channel, approach_channel_label, message_theme_label,
	   decline_signals_label, data_gaps_label, contract_state_label, last_deal_outcome_label, last_deal_reason_label
  FROM dormancy.call_list ORDER BY call_order;
SET dormancy.language = 'en';
SELECT customer_id, state, state_label, segment_label, dormancy_kind_label, likely_reason, likely_reason_label,
	   reason_evidence_label, approach_channel, approach_channel_label, message_theme_label,
	   decline_signals_label, data_gaps_label
  FROM dormancy.call_list ORDER BY call_order;
-- every code column of the call list has its label column, at the end
SELECT a.attname FROM pg_attribute a
 WHERE a.attrelid = 'dormancy.call_list'::regclass AND a.attnum > 0 AND a.attname LIKE '%\_label'
 ORDER BY a.attnum;
SELECT max(a.attnum) FILTER (WHERE a.attname NOT LIKE '%\_label') < min(a.attnum) FILTER (WHERE a.attname LIKE '%\_label') AS labels_last
  FROM pg_attribute a WHERE a.attrelid = 'dormancy.call_list'::regclass AND a.attnum > 0;

-- declining customers (active or at risk with a decline signal) likewise
SET dormancy.language = 'ja';
SELECT customer_id, state_label, segment_label, decline_signals_label FROM dormancy.declining_customers ORDER BY customer_id;

-- the snapshot: labels computed when read, in the reader's language
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SET dormancy.language = 'ja';
SELECT call_rank, customer_id, state_label, segment_label, likely_reason_label, approach_channel_label,
	   message_theme_label, decline_signals_label, data_gaps_label
  FROM dormancy.snapshot_call_list ORDER BY call_rank;
SELECT state, state_label, segment, segment_label, customers FROM dormancy.segment_summary
 ORDER BY state COLLATE "C", segment COLLATE "C";
-- seven months later: the changes that refresh records (2 becomes dormant, 4 at risk)
SELECT max(run_id) AS run1 FROM dormancy.refresh_runs \gset
SET dormancy.as_of = '2027-06-01';
CALL dormancy.refresh();
SELECT customer_id, change, change_label, from_state_label, to_state_label, current_state_label
  FROM dormancy.recent_transitions WHERE run_id > :run1 ORDER BY customer_id COLLATE "C";
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SET dormancy.language = 'en';
SELECT call_rank, customer_id, state_label, segment_label, likely_reason_label, approach_channel_label,
	   message_theme_label, decline_signals_label, data_gaps_label
  FROM dormancy.snapshot_call_list ORDER BY call_rank;
-- the snapshot stores codes only
SELECT count(*) AS label_columns_stored FROM pg_attribute
 WHERE attrelid = 'dormancy.status_snapshot'::regclass AND attname LIKE '%\_label' AND NOT attisdropped;
-- the reader reads the labels too
SET dormancy.language = 'ja';
SET ROLE dormancy_reader;
SELECT customer_id, state_label, likely_reason_label FROM dormancy.snapshot_call_list ORDER BY call_rank LIMIT 1;
RESET ROLE;
-- the words of a call's outcome, as evidence and as campaign_list's last
-- outcome, in both languages
SELECT dormancy.labels('evidence', ARRAY['lapsed', 'outreach_declined', 'outreach_reason_competitor']) AS evidence,
	   dormancy.label('outreach_outcome', 'not_reached') AS last_outcome;
SET dormancy.language = 'en';
SELECT dormancy.labels('evidence', ARRAY['lapsed', 'outreach_declined', 'outreach_reason_competitor']) AS evidence,
	   dormancy.label('outreach_outcome', 'not_reached') AS last_outcome;
SELECT attname FROM pg_attribute WHERE attrelid = 'dormancy.campaign_list'::regclass AND attname = 'last_outcome_label';

-- a vocabulary or code written otherwise than the views write it (case,
-- blanks) is refused: its defaults key is that of the installed row, which
-- it replaced, but label() looks codes up as written, so the installed label
-- was gone and the English one showed
SET dormancy.language = 'ja';
INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES ('State', 'Long_Dormant', 'ja', '長期休眠（要対応）');
INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES ('state', 'long_dormant ', 'ja', '長期休眠（要対応）');
SELECT dormancy.label('state', 'long_dormant') AS label_ja,
	   (SELECT count(*) FROM dormancy.labels WHERE vocabulary = 'state' AND code = 'long_dormant' AND language = 'ja') AS installed_row;

RESET dormancy.language;
RESET lc_messages;
SELECT dormancy.unbind('contacts') IS NOT NULL AS unbound;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA lb CASCADE;
