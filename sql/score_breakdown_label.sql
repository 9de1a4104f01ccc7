-- The score breakdown in the reader's language: score_breakdown_label()
-- turns each component's English basis into a sentence from the templates
-- of vocabulary score_basis (dormancy.labels), in the language of
-- dormancy.language; a missing template falls back to English, then to
-- the basis as written.
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE SCHEMA sbl;

-- six customers whose breakdowns hold nearly every form of basis
CREATE TABLE sbl.customers AS
SELECT c.id, dormancy._priority_breakdown(jsonb_populate_record(NULL::dormancy.priority_inputs, c.inputs),
										  dormancy.score_weights_in_force(), c.percentiles,
										  c.inputs ->> 'outreach_declined_reason',
										  (c.inputs ->> 'days_since_outreach_decline')::integer) AS breakdown
  FROM (VALUES
	(1, '{"state": "dormant", "days_since_last_order": 400, "at_risk_days": 181, "dormant_days": 365,
		  "long_dormant_days": 730, "total_amount": 120000.5, "order_days": 12, "median_gap_days": 30.5,
		  "mean_gap_days": 30, "gap_stddev_days": 2, "segment": "repeat", "decline_signals": 2, "declining": true,
		  "events_bound": true, "events_in_window": 3, "pricing_views": 1, "days_since_last_event": 5,
		  "engagement_window_days": 90, "deals_bound": true, "last_deal_outcome": "lost",
		  "last_deal_reason": "competitor", "days_since_last_deal": 40, "open_deals": 1,
		  "contracts_bound": true, "has_contract": true, "contract_lapsed": true, "days_since_contract_end": 10,
		  "auto_renew_off": true, "downgraded": true, "renewal_horizon_days": 90,
		  "p_alive": 0.4213, "expected_value": 5000}'::jsonb, '{80.5,60}'::float8[]),
	(2, '{"state": "at_risk", "days_since_last_order": 200, "at_risk_days": 181, "dormant_days": 365,
		  "long_dormant_days": 730, "total_amount": 800, "order_days": 1, "segment": "campaign_only",
		  "decline_signals": 1, "events_bound": true, "events_in_window": 0, "engagement_window_days": 90,
		  "deals_bound": true, "contracts_bound": true, "has_contract": false}'::jsonb, NULL),
	(3, '{"state": "never_purchased", "total_amount": 0, "order_days": 0, "decline_signals": 0,
		  "deals_bound": true, "last_deal_outcome": "postponed", "days_since_last_deal": 30,
		  "contracts_bound": true, "has_contract": true, "renewal_due_in_days": 20}'::jsonb, NULL),
	(4, '{"total_amount": 10, "order_days": 3, "segment": "repeat", "decline_signals": 0,
		  "contracts_bound": true, "has_contract": true}'::jsonb, NULL),
	-- a purchase model applies, but there is no spend estimate (no
	-- converged Gamma-Gamma fit, or the amounts unknown)
	(5, '{"total_amount": 10, "order_days": 3, "segment": "repeat", "decline_signals": 0,
		  "p_alive": 0.8}'::jsonb, NULL),
	-- a decline heard on a call, later than the last deal: the deal's input
	(6, '{"total_amount": 10, "order_days": 3, "segment": "repeat", "decline_signals": 0,
		  "deals_bound": true, "last_deal_outcome": "won", "days_since_last_deal": 90, "open_deals": 1,
		  "outreach_declined_reason": "timing", "days_since_outreach_decline": 12}'::jsonb, NULL)
  ) c(id, inputs, percentiles);

CREATE VIEW sbl.read AS
SELECT c.id, e.key AS component, l.value ->> 'label' AS label, l.value ->> 'basis' AS basis
  FROM sbl.customers c
 CROSS JOIN LATERAL jsonb_each(c.breakdown) e
  JOIN LATERAL jsonb_each(dormancy.score_breakdown_label(c.breakdown)) l ON l.key = e.key;

-- the English basis as the C code writes it
SELECT c.id, e.key AS component, e.value ->> 'basis' AS basis
  FROM sbl.customers c CROSS JOIN LATERAL jsonb_each(c.breakdown) e
 ORDER BY c.id, e.key COLLATE "C";
SET dormancy.language = 'en';
SELECT * FROM sbl.read ORDER BY id, component COLLATE "C";
SET dormancy.language = 'ja';
SELECT * FROM sbl.read ORDER BY id, component COLLATE "C";
-- every clause of every basis has a form and a template: nothing stays English
SELECT count(*) AS components,
	   count(*) FILTER (WHERE r.basis = c.breakdown -> r.component ->> 'basis') AS as_written
  FROM sbl.read r JOIN sbl.customers c USING (id);
-- every component has forms, and every form's code a template in both languages: no row
SELECT p.component FROM unnest(ARRAY['past_value', 'regularity', 'recency', 'decline', 'engagement',
									 'deal', 'contract', 'p_alive', 'expected_value']) p(component)
 WHERE NOT EXISTS (SELECT 1 FROM dormancy._score_basis_forms() f WHERE f.component = p.component)
UNION ALL
SELECT f.code || ' ' || lang FROM dormancy._score_basis_forms() f, unnest(ARRAY['en', 'ja']) lang
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.labels l
					WHERE l.vocabulary = 'score_basis' AND l.code = f.code AND l.language = lang);

-- an edited template shows in the next query
UPDATE dormancy.labels SET label = U&'\6E1B\5C11\306E\5146\5019: {1}' WHERE vocabulary = 'score_basis' AND code = 'decline_signals' AND language = 'ja';
SELECT id, basis FROM sbl.read WHERE component = 'decline' ORDER BY id;
-- no Japanese template: the English one
DELETE FROM dormancy.labels WHERE vocabulary = 'score_basis' AND code = 'decline_signals' AND language = 'ja';
SELECT id, basis FROM sbl.read WHERE component = 'decline' ORDER BY id;
-- no template at all: the basis as written, for that component only
DELETE FROM dormancy.labels WHERE vocabulary = 'score_basis' AND code = 'decline_signals';
SELECT id, component, basis FROM sbl.read WHERE component IN ('decline', 'past_value') ORDER BY id, component COLLATE "C";
-- no separator: ", "
DELETE FROM dormancy.labels WHERE vocabulary = 'score_basis' AND code = 'separator';
SELECT id, basis FROM sbl.read WHERE component = 'contract' ORDER BY id;
-- a clause that no form knows: the basis as written
SELECT dormancy.score_breakdown_label('{"recency": {"basis": "dormant, asleep for 3 days"}, "decline": {"value": 0}}');
SELECT dormancy.score_breakdown_label('[]') IS NULL AS not_an_object, dormancy.score_breakdown_label(NULL) IS NULL AS strict;
SELECT dormancy.reset_defaults('dormancy.labels');
SELECT id, basis FROM sbl.read WHERE component IN ('decline', 'contract') ORDER BY id, component COLLATE "C";


-- The C function against a second implementation: the PL/pgSQL that
-- score_breakdown_label() was until 2026-12-04, kept here as the reference.
-- Random breakdowns of every kind of basis (_priority_breakdown over random
-- inputs), bases the C code never writes (numbers, objects, empty, clauses
-- no form knows, separators at the ends), in both languages, with the
-- default labels and with templates that are missing, empty, repeat a
-- capture or hold a placeholder in a label; equal in every row (no row).
CREATE FUNCTION sbl.reference_label(score_breakdown jsonb)
	RETURNS jsonb
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	forms jsonb;
	f jsonb;
	result jsonb := '{}';
	sep text := dormancy.label('score_basis', 'separator');
	k text;
	v jsonb;
	basis text;
	sentence text;
	clause text;
	part text;
	pattern text;
	code text;
	m text[];
BEGIN
	IF jsonb_typeof(score_breakdown) <> 'object' THEN
		RETURN NULL;
	END IF;
	IF sep = 'separator' THEN
		sep := ', ';
	END IF;
	SELECT jsonb_agg(to_jsonb(fs) ORDER BY fs.ord) INTO forms FROM dormancy._score_basis_forms() fs;
	FOR k, v IN SELECT e.key, e.value FROM jsonb_each(score_breakdown) e LOOP
		basis := v ->> 'basis';
		sentence := NULL;
		IF basis IS NOT NULL THEN
			-- each clause by its form and template; any unknown: the basis as written
			sentence := '';
			FOREACH clause IN ARRAY string_to_array(basis, ', ') LOOP
				part := NULL;
				FOR i IN 0 .. jsonb_array_length(forms) - 1 LOOP
					f := forms -> i;
					CONTINUE WHEN f ->> 'component' <> k;
					pattern := f ->> 'pattern';
					IF starts_with(pattern, '^') THEN
						m := regexp_match(clause, pattern);
					ELSIF clause = pattern THEN
						m := '{}';
					ELSE
						m := NULL;
					END IF;
					CONTINUE WHEN m IS NULL;
					code := f ->> 'code';
					part := dormancy.label('score_basis', code);
					IF part = code THEN		-- no template in any language
						part := NULL;
					ELSE
						FOR j IN 1 .. coalesce(array_length(m, 1), 0) LOOP
							part := replace(part, '{' || j || '}',
											coalesce(dormancy.label(f -> 'vocabularies' ->> (j - 1), m[j]), m[j], ''));
						END LOOP;
					END IF;
					EXIT;
				END LOOP;
				IF part IS NULL THEN
					sentence := NULL;
					EXIT;
				END IF;
				sentence := CASE WHEN sentence = '' THEN part ELSE sentence || sep || part END;
			END LOOP;
		END IF;
		result := result || jsonb_build_object(k, jsonb_build_object('label', dormancy.label('score_component', k),
																	 'basis', coalesce(sentence, basis)));
	END LOOP;
	RETURN result;
END
$$;

SELECT setseed(0.25);
CREATE TABLE sbl.random AS
SELECT dormancy._priority_breakdown(jsonb_populate_record(NULL::dormancy.priority_inputs, jsonb_build_object(
		   'state', (ARRAY['active', 'at_risk', 'dormant', 'long_dormant', 'never_purchased', NULL])[1 + floor(random() * 6)::int],
		   'days_since_last_order', floor(random() * 1500)::int - 10,
		   'at_risk_days', 90, 'dormant_days', 365, 'long_dormant_days', 730,
		   'total_amount', CASE WHEN random() < 0.1 THEN -random() * 100 ELSE round((random() * 1e6)::numeric, 2) END,
		   'order_days', floor(random() * 4)::int * floor(random() * 30)::int,
		   'median_gap_days', CASE WHEN random() < 0.8 THEN round((random() * 200)::numeric, 1) END,
		   'mean_gap_days', random() * 200, 'gap_stddev_days', random() * 50,
		   'segment', (ARRAY['one_time', 'repeat', 'campaign_only', NULL])[1 + floor(random() * 4)::int],
		   'decline_signals', floor(random() * 4)::int, 'declining', random() < 0.5,
		   'events_bound', random() < 0.5, 'events_in_window', floor(random() * 5)::int,
		   'pricing_views', floor(random() * 3)::int, 'days_since_last_event', floor(random() * 200)::int,
		   'engagement_window_days', 90,
		   'deals_bound', random() < 0.6,
		   'last_deal_outcome', (ARRAY['won', 'lost', 'postponed', 'unknown', NULL])[1 + floor(random() * 5)::int],
		   'last_deal_reason', (ARRAY['price', 'competitor', 'timing', NULL])[1 + floor(random() * 4)::int],
		   'days_since_last_deal', floor(random() * 400)::int, 'open_deals', floor(random() * 3)::int,
		   'contracts_bound', random() < 0.6, 'has_contract', random() < 0.6, 'contract_lapsed', random() < 0.3,
		   'days_since_contract_end', CASE WHEN random() < 0.5 THEN floor(random() * 100)::int END,
		   'auto_renew_off', random() < 0.3, 'downgraded', random() < 0.3,
		   'renewal_due_in_days', CASE WHEN random() < 0.5 THEN floor(random() * 120)::int END,
		   'renewal_horizon_days', 90,
		   'p_alive', CASE WHEN random() < 0.8 THEN random() END,
		   'expected_value', CASE WHEN random() < 0.8 THEN random() * 1e5 END)),
		   dormancy.score_weights_in_force(),
		   CASE WHEN random() < 0.5 THEN ARRAY[random() * 100, random() * 100] END,
		   -- a decline heard on a call, a third of the time
		   (ARRAY['price', 'competitor', 'budget', 'circumstances', NULL, NULL])[1 + floor(random() * 6)::int],
		   floor(random() * 400)::int) AS breakdown
  FROM generate_series(1, 1500);
INSERT INTO sbl.random VALUES
	('{"recency": {"basis": 5}, "decline": {"basis": {"a": [1, 2]}}, "deal": {"basis": true}, "p_alive": {"basis": null}}'),
	('{"recency": {"basis": ""}, "decline": {"basis": ", "}, "deal": {"basis": "no closed deal, "}, "contract": {"basis": ", lapsed"}}'),
	('{"recency": {"basis": "dormant, asleep"}, "past_value": "total_amount 5", "engagement": [1], "p_alive": {}}'),
	('{"contract": {"basis": "lapsed, lapsed 3 days ago, auto-renew off, downgraded, renewal in -2 days, running"}}'),
	('{"deal": {"basis": "last deal lost (price), -3 days ago, 2 open"}, "unknown_component": {"basis": "no purchase"}}'),
	('{"regularity": {"basis": "no purchase, no purchase, 1 purchase days"}, "休眠": {"basis": "dormant"}}'),
	('{}');
CREATE FUNCTION sbl.differences() RETURNS bigint LANGUAGE sql
	RETURN (SELECT count(*) FROM sbl.random r
			 WHERE dormancy.score_breakdown_label(r.breakdown) IS DISTINCT FROM sbl.reference_label(r.breakdown));
-- the inputs cover the forms: how many the random breakdowns' clauses match
SELECT count(DISTINCT f.code) >= 30 AS forms_covered
  FROM sbl.random r, jsonb_each(r.breakdown) e,
	   unnest(string_to_array(e.value ->> 'basis', ', ')) c, dormancy._score_basis_forms() f
 WHERE jsonb_typeof(e.value) = 'object' AND f.component = e.key
   AND CASE WHEN starts_with(f.pattern, '^') THEN c ~ f.pattern ELSE c = f.pattern END;
SELECT count(*) AS breakdowns FROM sbl.random;
SET dormancy.language = 'en';
SELECT sbl.differences() AS english;
SET dormancy.language = 'ja';
SELECT (SELECT sbl.differences()) AS japanese,
	   count(*) FILTER (WHERE dormancy.score_breakdown_label(r.breakdown) IS DISTINCT FROM
									(SELECT jsonb_object_agg(e.key, jsonb_build_object('label', e.key, 'basis', e.value -> 'basis'))
									   FROM jsonb_each(r.breakdown) e)) AS translated
  FROM sbl.random r;
-- templates edited: one missing, one that is its own code (no template),
-- one with its capture twice, one whose capture's label holds a
-- placeholder; no separator
BEGIN;
DELETE FROM dormancy.labels WHERE vocabulary = 'score_basis' AND code IN ('p_alive', 'separator');
UPDATE dormancy.labels SET label = code WHERE vocabulary = 'score_basis' AND code = 'regularity_no_purchase';
UPDATE dormancy.labels SET label = '{1} / {1} {2}' WHERE vocabulary = 'score_basis' AND code = 'recency_silent';
UPDATE dormancy.labels SET label = '{2}{1}' WHERE vocabulary = 'score_basis' AND code = 'deal_last_reason';
UPDATE dormancy.labels SET label = 'lost {2}' WHERE vocabulary = 'deal_outcome' AND code = 'lost';
SELECT sbl.differences() AS japanese_edited;
SET dormancy.language = 'en';
SELECT sbl.differences() AS english_edited;
ROLLBACK;
RESET dormancy.language;
DROP SCHEMA sbl CASCADE;
