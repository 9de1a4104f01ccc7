-- The score breakdown in the reader's language: score_breakdown_label()
-- turns each component's English basis into a sentence from the templates
-- of vocabulary score_basis (dormancy.labels), in the language of
-- dormancy.language; a missing template falls back to English, then to
-- the basis as written.
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE SCHEMA sbl;

-- four customers whose breakdowns hold nearly every form of basis
CREATE TABLE sbl.customers AS
SELECT c.id, dormancy._priority_breakdown(jsonb_populate_record(NULL::dormancy.priority_inputs, c.inputs),
										  dormancy.score_weights_in_force(), c.percentiles) AS breakdown
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
		  "contracts_bound": true, "has_contract": true}'::jsonb, NULL)
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

RESET dormancy.language;
DROP SCHEMA sbl CASCADE;
