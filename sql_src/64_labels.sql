--
-- Labels of the codes (states, segments, signals, reasons, channels, themes,
-- data gaps, score components, deal and event codes) in Japanese and
-- English, from one editable table; dormancy.language chooses the language
-- (src/dormancy.c: empty means that of lc_messages).  The codes stay what
-- they are, for SQL; the views that a person reads add a column <code
-- column>_label after all their columns (call_list, declining_customers,
-- the views over the snapshot), computed when read, so every session reads
-- its own language.
--

CREATE TABLE dormancy.labels (
	vocabulary text NOT NULL,
	code text NOT NULL,
	language text NOT NULL,
	label text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	PRIMARY KEY (vocabulary, code, language),
	CONSTRAINT labels_language CHECK (language IN ('en', 'ja')),
	CONSTRAINT labels_label_not_blank CHECK (btrim(label) <> ''),
	-- vocabulary and code as the views write them (lower case, no outer
	-- blanks): label() looks them up as written, and the installed row with
	-- the same defaults key (dormancy.label_key) would give way to a row
	-- that no lookup finds
	CONSTRAINT labels_codes_as_written
		CHECK (vocabulary = dormancy.label_key(vocabulary) AND code = dormancy.label_key(code))
);
COMMENT ON TABLE dormancy.labels IS
	'the label of each code in each language (en, ja): what the *_label columns and dormancy.label() show; edit freely';
COMMENT ON COLUMN dormancy.labels.vocabulary IS
	'what the code is: state, contract_state, dormancy_kind, segment, decline_signals, evidence, likely_reason, approach_channel, message_theme, data_gaps, score_component, deal_outcome, deal_reason, event_kind, outreach_outcome, change or score_basis';
COMMENT ON COLUMN dormancy.labels.code IS 'the code as the views write it (active, lost_to_competitor, phone, ...)';
COMMENT ON COLUMN dormancy.labels.language IS 'en or ja';
COMMENT ON COLUMN dormancy.labels.label IS 'what a person reads for the code in that language';
COMMENT ON COLUMN dormancy.labels.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES
	('state', 'active', 'en', 'active'),
	('state', 'at_risk', 'en', 'at risk'),
	('state', 'dormant', 'en', 'dormant'),
	('state', 'long_dormant', 'en', 'long dormant'),
	('state', 'never_purchased', 'en', 'never purchased'),
	('contract_state', 'active', 'en', 'contract current'),
	('contract_state', 'ended', 'en', 'contract ended recently'),
	('contract_state', 'at_risk', 'en', 'contract ended: at risk'),
	('contract_state', 'dormant', 'en', 'contract ended: dormant'),
	('contract_state', 'long_dormant', 'en', 'contract ended: long dormant'),
	('contract_state', 'never_purchased', 'en', 'no term started yet'),
	('dormancy_kind', 'lost_deal', 'en', 'lost or postponed deal'),
	('dormancy_kind', 'purchase', 'en', 'purchases stopped'),
	('segment', 'one_time', 'en', 'one-time buyer'),
	('segment', 'repeat', 'en', 'repeat buyer'),
	('segment', 'campaign_only', 'en', 'buys only on offers'),
	('decline_signals', 'amount_drop', 'en', 'spending down'),
	('decline_signals', 'frequency_drop', 'en', 'ordering less often'),
	('decline_signals', 'cadence_slowdown', 'en', 'longer gaps between orders'),
	('decline_signals', 'overdue', 'en', 'next order overdue'),
	('decline_signals', 'season_drop', 'en', 'down on the same season last year'),
	('decline_signals', 'negative_trend', 'en', 'spending trending down'),
	('evidence', 'state_active', 'en', 'state: active'),
	('evidence', 'state_at_risk', 'en', 'state: at risk'),
	('evidence', 'state_dormant', 'en', 'state: dormant'),
	('evidence', 'state_long_dormant', 'en', 'state: long dormant'),
	('evidence', 'state_never_purchased', 'en', 'state: never purchased'),
	('evidence', 'one_time', 'en', 'one purchase only'),
	('evidence', 'repeat', 'en', 'repeat buyer'),
	('evidence', 'campaign_only', 'en', 'bought only on offers'),
	('evidence', 'declining', 'en', 'declining'),
	('evidence', 'lapsed_after_price_increase', 'en', 'no order since a price increase'),
	('evidence', 'lapsed_after_spec_change', 'en', 'no order since a specification change'),
	('evidence', 'contract_lapsed', 'en', 'contract lapsed'),
	('evidence', 'auto_renew_off', 'en', 'auto-renew off'),
	('evidence', 'downgraded', 'en', 'downgraded'),
	('evidence', 'renewal_due', 'en', 'renewal due'),
	('evidence', 'engaged', 'en', 'engaged recently'),
	('evidence', 'no_engagement', 'en', 'no opens or visits'),
	('evidence', 'pricing_views', 'en', 'viewed pricing'),
	('evidence', 'repeated_pricing_views', 'en', 'repeated pricing views'),
	('evidence', 'support_visits', 'en', 'repeated support visits'),
	('evidence', 'deal_won', 'en', 'last deal won'),
	('evidence', 'deal_lost', 'en', 'last deal lost'),
	('evidence', 'deal_postponed', 'en', 'last deal postponed'),
	('evidence', 'deal_unknown', 'en', 'last deal: outcome unknown'),
	('evidence', 'deal_reason_price', 'en', 'deal reason: price'),
	('evidence', 'deal_reason_features', 'en', 'deal reason: features'),
	('evidence', 'deal_reason_competitor', 'en', 'deal reason: competitor'),
	('evidence', 'deal_reason_timing', 'en', 'deal reason: timing'),
	('evidence', 'deal_reason_budget', 'en', 'deal reason: budget'),
	('evidence', 'deal_reason_circumstances', 'en', 'deal reason: customer circumstances'),
	('evidence', 'deal_reason_other', 'en', 'deal reason: other'),
	('evidence', 'open_deal', 'en', 'open deal'),
	('evidence', 'lost_deal', 'en', 'lost or postponed deal'),
	('evidence', 'amount_drop', 'en', 'spending down'),
	('evidence', 'frequency_drop', 'en', 'ordering less often'),
	('evidence', 'cadence_slowdown', 'en', 'longer gaps between orders'),
	('evidence', 'overdue', 'en', 'next order overdue'),
	('evidence', 'season_drop', 'en', 'down on the same season last year'),
	('evidence', 'negative_trend', 'en', 'spending trending down'),
	('evidence', 'lapsed', 'en', 'lapsed'),
	('evidence', 'outreach_reached', 'en', 'last contact: reached'),
	('evidence', 'outreach_delivered', 'en', 'last contact: delivered, no answer'),
	('evidence', 'outreach_interested', 'en', 'last contact: interested'),
	('evidence', 'outreach_meeting', 'en', 'last contact: meeting set'),
	('evidence', 'outreach_quote', 'en', 'last contact: quote sent'),
	('evidence', 'outreach_order', 'en', 'last contact: ordered'),
	('evidence', 'outreach_declined', 'en', 'last contact: declined'),
	('evidence', 'outreach_reason_price', 'en', 'declined: price'),
	('evidence', 'outreach_reason_features', 'en', 'declined: features'),
	('evidence', 'outreach_reason_competitor', 'en', 'declined: competitor'),
	('evidence', 'outreach_reason_timing', 'en', 'declined: timing'),
	('evidence', 'outreach_reason_budget', 'en', 'declined: budget'),
	('evidence', 'outreach_reason_circumstances', 'en', 'declined: customer circumstances'),
	('evidence', 'outreach_reason_other', 'en', 'declined: other'),
	('likely_reason', 'dissatisfied_product', 'en', 'unhappy with the product'),
	('likely_reason', 'dissatisfied_price', 'en', 'unhappy with the price'),
	('likely_reason', 'dissatisfied_support', 'en', 'unhappy with support'),
	('likely_reason', 'forgot', 'en', 'forgot about us'),
	('likely_reason', 'circumstances_changed', 'en', 'their circumstances changed'),
	('likely_reason', 'lost_to_competitor', 'en', 'lost to a competitor'),
	('likely_reason', 'budget_timing', 'en', 'budget or timing'),
	('likely_reason', 'campaign_only', 'en', 'buys only on offers'),
	('likely_reason', 'one_time_mismatch', 'en', 'one purchase: poor fit'),
	('likely_reason', 'price_increase', 'en', 'price increase'),
	('likely_reason', 'spec_change', 'en', 'specification change'),
	('likely_reason', 'unknown', 'en', 'unknown'),
	('approach_channel', 'email', 'en', 'email'),
	('approach_channel', 'direct_mail', 'en', 'direct mail'),
	('approach_channel', 'phone', 'en', 'phone call'),
	('approach_channel', 'visit', 'en', 'visit'),
	('approach_channel', 'step_mail', 'en', 'step mail series'),
	('message_theme', 'feedback_survey', 'en', 'ask for feedback'),
	('message_theme', 'discount_or_downsell', 'en', 'discount or smaller plan'),
	('message_theme', 'reminder', 'en', 'reminder'),
	('message_theme', 'usage_guide', 'en', 'usage guide'),
	('message_theme', 'new_offer', 'en', 'new product or plan'),
	('message_theme', 'comparison_case_study', 'en', 'comparisons and case studies'),
	('message_theme', 'referral', 'en', 'ask for a referral'),
	('data_gaps', 'no_contact', 'en', 'no contact data'),
	('data_gaps', 'no_phone', 'en', 'no phone number'),
	('data_gaps', 'invalid_phone', 'en', 'invalid phone number'),
	('data_gaps', 'no_email', 'en', 'no email address'),
	('data_gaps', 'invalid_email', 'en', 'invalid email address'),
	('data_gaps', 'no_person', 'en', 'no contact person'),
	('data_gaps', 'contact_outdated', 'en', 'contact data outdated'),
	('data_gaps', 'no_name', 'en', 'no customer name'),
	('data_gaps', 'duplicate_name', 'en', 'possible duplicate record'),
	('data_gaps', 'no_activity', 'en', 'no purchases or activity'),
	('score_component', 'past_value', 'en', 'past value'),
	('score_component', 'regularity', 'en', 'regularity'),
	('score_component', 'recency', 'en', 'recency'),
	('score_component', 'decline', 'en', 'decline signals'),
	('score_component', 'engagement', 'en', 'engagement'),
	('score_component', 'deal', 'en', 'deals'),
	('score_component', 'contract', 'en', 'contract'),
	('score_component', 'p_alive', 'en', 'probability still a customer'),
	('score_component', 'expected_value', 'en', 'expected value'),
	('score_basis', 'past_value_total', 'en', 'total amount {1}'),
	('score_basis', 'value_percentile', 'en', 'percentile {1} of your customers'),
	('score_basis', 'regularity_no_purchase', 'en', 'no purchase'),
	('score_basis', 'regularity_one_day', 'en', 'one purchase day'),
	('score_basis', 'regularity_days', 'en', '{1} purchase days'),
	('score_basis', 'regularity_median_gap', 'en', 'median gap {1} days'),
	('score_basis', 'regularity_median_gap_unknown', 'en', 'median gap unknown'),
	('score_basis', 'regularity_campaign_only', 'en', 'buys only on offers'),
	('score_basis', 'recency_state', 'en', '{1}'),
	('score_basis', 'recency_no_rule', 'en', 'no state rule applied'),
	('score_basis', 'recency_last_deal', 'en', 'last deal {1} days ago'),
	('score_basis', 'recency_silent', 'en', 'no order for {1} days'),
	('score_basis', 'decline_signals', 'en', 'decline signals: {1}'),
	('score_basis', 'engagement_not_bound', 'en', 'events not bound'),
	('score_basis', 'engagement_no_event', 'en', 'no event in the last {1} days'),
	('score_basis', 'engagement_events', 'en', 'events in the last {3} days: {1} (pricing page views: {2})'),
	('score_basis', 'engagement_last_event', 'en', 'the last {1} days ago'),
	('score_basis', 'deal_not_bound', 'en', 'deals not bound'),
	('score_basis', 'deal_no_closed', 'en', 'no closed deal'),
	('score_basis', 'deal_last_reason', 'en', 'last deal: {1} ({2})'),
	('score_basis', 'deal_last', 'en', 'last deal: {1}'),
	('score_basis', 'deal_days_ago', 'en', '{1} days ago'),
	('score_basis', 'deal_open', 'en', 'open deals: {1}'),
	('score_basis', 'deal_outreach_declined', 'en', 'last contact: declined ({1})'),
	('score_basis', 'contract_not_bound', 'en', 'contracts not bound'),
	('score_basis', 'contract_none', 'en', 'no contract'),
	('score_basis', 'contract_lapsed', 'en', 'lapsed'),
	('score_basis', 'contract_lapsed_days', 'en', 'lapsed {1} days ago'),
	('score_basis', 'contract_auto_renew_off', 'en', 'auto-renew off'),
	('score_basis', 'contract_downgraded', 'en', 'downgraded'),
	('score_basis', 'contract_renewal', 'en', 'renewal in {1} days'),
	('score_basis', 'contract_running', 'en', 'running'),
	('score_basis', 'p_alive', 'en', 'probability still a customer {1}'),
	('score_basis', 'no_model', 'en', 'no model fitted'),
	('score_basis', 'no_value_estimate', 'en', 'no spend estimate'),
	('score_basis', 'expected_value', 'en', 'expected value {1}'),
	('score_basis', 'separator', 'en', ', '),
	('deal_outcome', 'won', 'en', 'won'),
	('deal_outcome', 'lost', 'en', 'lost'),
	('deal_outcome', 'postponed', 'en', 'postponed'),
	('deal_outcome', 'open', 'en', 'open'),
	('deal_outcome', 'unknown', 'en', 'unknown'),
	('deal_reason', 'price', 'en', 'price'),
	('deal_reason', 'features', 'en', 'features'),
	('deal_reason', 'competitor', 'en', 'competitor'),
	('deal_reason', 'timing', 'en', 'timing'),
	('deal_reason', 'budget', 'en', 'budget'),
	('deal_reason', 'circumstances', 'en', 'customer circumstances'),
	('deal_reason', 'other', 'en', 'other'),
	('event_kind', 'email_open', 'en', 'email opened'),
	('event_kind', 'email_click', 'en', 'email link clicked'),
	('event_kind', 'web_visit', 'en', 'website visit'),
	('event_kind', 'pricing_view', 'en', 'pricing page view'),
	('event_kind', 'document_download', 'en', 'document download'),
	('event_kind', 'support_visit', 'en', 'support page visit'),
	('event_kind', 'other', 'en', 'other'),
	('outreach_outcome', 'not_reached', 'en', 'not reached'),
	('outreach_outcome', 'reached', 'en', 'reached'),
	('outreach_outcome', 'delivered', 'en', 'delivered, no answer'),
	('outreach_outcome', 'interested', 'en', 'interested'),
	('outreach_outcome', 'meeting', 'en', 'meeting set'),
	('outreach_outcome', 'quote', 'en', 'quote sent'),
	('outreach_outcome', 'order', 'en', 'ordered'),
	('outreach_outcome', 'declined', 'en', 'declined'),
	('change', 'new', 'en', 'new'),
	('change', 'changed', 'en', 'changed'),
	('change', 'removed', 'en', 'removed');
-- Japanese labels, written as Unicode escapes so that the install script is
-- ASCII (the comments give the English label): a database whose encoding
-- cannot hold them (LATIN1, ...) gets the English ones only.
-- docs/labels.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.labels (vocabulary, code, language, label) VALUES
		('state', 'active', 'ja', U&'\7A3C\50CD\4E2D'),	-- active
		('state', 'at_risk', 'ja', U&'\4F11\7720\4E88\5099\8ECD'),	-- at risk
		('state', 'dormant', 'ja', U&'\4F11\7720'),	-- dormant
		('state', 'long_dormant', 'ja', U&'\9577\671F\4F11\7720'),	-- long dormant
		('state', 'never_purchased', 'ja', U&'\8CFC\5165\5B9F\7E3E\306A\3057'),	-- never purchased
		('contract_state', 'active', 'ja', U&'\5951\7D04\4E2D'),	-- contract current
		('contract_state', 'ended', 'ja', U&'\5951\7D04\7D42\4E86\30FB\8981\30D5\30A9\30ED\30FC'),	-- contract ended recently
		('contract_state', 'at_risk', 'ja', U&'\5951\7D04\7D42\4E86\30FB\4F11\7720\4E88\5099\8ECD'),	-- contract ended: at risk
		('contract_state', 'dormant', 'ja', U&'\5951\7D04\7D42\4E86\30FB\4F11\7720'),	-- contract ended: dormant
		('contract_state', 'long_dormant', 'ja', U&'\5951\7D04\7D42\4E86\30FB\9577\671F\4F11\7720'),	-- contract ended: long dormant
		('contract_state', 'never_purchased', 'ja', U&'\5951\7D04\958B\59CB\524D'),	-- no term started yet
		('dormancy_kind', 'lost_deal', 'ja', U&'\5931\6CE8\30FB\898B\9001\308A'),	-- lost or postponed deal
		('dormancy_kind', 'purchase', 'ja', U&'\8CFC\8CB7\306E\9014\7D76'),	-- purchases stopped
		('segment', 'one_time', 'ja', U&'\5358\767A\8CFC\5165'),	-- one-time buyer
		('segment', 'repeat', 'ja', U&'\30EA\30D4\30FC\30C8\8CFC\5165'),	-- repeat buyer
		('segment', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('decline_signals', 'amount_drop', 'ja', U&'\8CFC\5165\984D\306E\6E1B\5C11'),	-- spending down
		('decline_signals', 'frequency_drop', 'ja', U&'\8CFC\5165\56DE\6570\306E\6E1B\5C11'),	-- ordering less often
		('decline_signals', 'cadence_slowdown', 'ja', U&'\8CFC\5165\9593\9694\306E\9577\671F\5316'),	-- longer gaps between orders
		('decline_signals', 'overdue', 'ja', U&'\6B21\56DE\8CFC\5165\306E\9045\308C'),	-- next order overdue
		('decline_signals', 'season_drop', 'ja', U&'\524D\5E74\540C\671F\6BD4\306E\6E1B\5C11'),	-- down on the same season last year
		('decline_signals', 'negative_trend', 'ja', U&'\8CFC\5165\984D\306E\4E0B\964D\50BE\5411'),	-- spending trending down
		('evidence', 'state_active', 'ja', U&'\72B6\614B: \7A3C\50CD\4E2D'),	-- state: active
		('evidence', 'state_at_risk', 'ja', U&'\72B6\614B: \4F11\7720\4E88\5099\8ECD'),	-- state: at risk
		('evidence', 'state_dormant', 'ja', U&'\72B6\614B: \4F11\7720'),	-- state: dormant
		('evidence', 'state_long_dormant', 'ja', U&'\72B6\614B: \9577\671F\4F11\7720'),	-- state: long dormant
		('evidence', 'state_never_purchased', 'ja', U&'\72B6\614B: \8CFC\5165\5B9F\7E3E\306A\3057'),	-- state: never purchased
		('evidence', 'one_time', 'ja', U&'\5358\767A\8CFC\5165'),	-- one purchase only
		('evidence', 'repeat', 'ja', U&'\30EA\30D4\30FC\30C8\8CFC\5165'),	-- repeat buyer
		('evidence', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- bought only on offers
		('evidence', 'declining', 'ja', U&'\6E1B\5C11\50BE\5411'),	-- declining
		('evidence', 'lapsed_after_price_increase', 'ja', U&'\5024\4E0A\3052\5F8C\306B\8CFC\5165\306A\3057'),	-- no order since a price increase
		('evidence', 'lapsed_after_spec_change', 'ja', U&'\4ED5\69D8\5909\66F4\5F8C\306B\8CFC\5165\306A\3057'),	-- no order since a specification change
		('evidence', 'contract_lapsed', 'ja', U&'\5951\7D04\5931\52B9'),	-- contract lapsed
		('evidence', 'auto_renew_off', 'ja', U&'\81EA\52D5\66F4\65B0\30AA\30D5'),	-- auto-renew off
		('evidence', 'downgraded', 'ja', U&'\5951\7D04\7E2E\5C0F'),	-- downgraded
		('evidence', 'renewal_due', 'ja', U&'\66F4\65B0\6642\671F\304C\8FD1\3044'),	-- renewal due
		('evidence', 'engaged', 'ja', U&'\6700\8FD1\306E\53CD\5FDC\3042\308A'),	-- engaged recently
		('evidence', 'no_engagement', 'ja', U&'\53CD\5FDC\30FB\63A5\89E6\306A\3057'),	-- no opens or visits
		('evidence', 'pricing_views', 'ja', U&'\6599\91D1\30DA\30FC\30B8\95B2\89A7'),	-- viewed pricing
		('evidence', 'repeated_pricing_views', 'ja', U&'\6599\91D1\30DA\30FC\30B8\306E\7E70\308A\8FD4\3057\95B2\89A7'),	-- repeated pricing views
		('evidence', 'support_visits', 'ja', U&'\30B5\30DD\30FC\30C8\30DA\30FC\30B8\306E\7E70\308A\8FD4\3057\95B2\89A7'),	-- repeated support visits
		('evidence', 'deal_won', 'ja', U&'\76F4\8FD1\5546\8AC7: \53D7\6CE8'),	-- last deal won
		('evidence', 'deal_lost', 'ja', U&'\76F4\8FD1\5546\8AC7: \5931\6CE8'),	-- last deal lost
		('evidence', 'deal_postponed', 'ja', U&'\76F4\8FD1\5546\8AC7: \898B\9001\308A\30FB\5EF6\671F'),	-- last deal postponed
		('evidence', 'deal_unknown', 'ja', U&'\76F4\8FD1\5546\8AC7: \7D50\679C\4E0D\660E'),	-- last deal: outcome unknown
		('evidence', 'deal_reason_price', 'ja', U&'\5931\6CE8\7406\7531: \4FA1\683C'),	-- deal reason: price
		('evidence', 'deal_reason_features', 'ja', U&'\5931\6CE8\7406\7531: \6A5F\80FD'),	-- deal reason: features
		('evidence', 'deal_reason_competitor', 'ja', U&'\5931\6CE8\7406\7531: \7AF6\5408'),	-- deal reason: competitor
		('evidence', 'deal_reason_timing', 'ja', U&'\5931\6CE8\7406\7531: \6642\671F'),	-- deal reason: timing
		('evidence', 'deal_reason_budget', 'ja', U&'\5931\6CE8\7406\7531: \4E88\7B97'),	-- deal reason: budget
		('evidence', 'deal_reason_circumstances', 'ja', U&'\5931\6CE8\7406\7531: \9867\5BA2\90FD\5408'),	-- deal reason: customer circumstances
		('evidence', 'deal_reason_other', 'ja', U&'\5931\6CE8\7406\7531: \305D\306E\4ED6'),	-- deal reason: other
		('evidence', 'open_deal', 'ja', U&'\9032\884C\4E2D\306E\5546\8AC7\3042\308A'),	-- open deal
		('evidence', 'lost_deal', 'ja', U&'\5931\6CE8\30FB\898B\9001\308A'),	-- lost or postponed deal
		('evidence', 'amount_drop', 'ja', U&'\8CFC\5165\984D\306E\6E1B\5C11'),	-- spending down
		('evidence', 'frequency_drop', 'ja', U&'\8CFC\5165\56DE\6570\306E\6E1B\5C11'),	-- ordering less often
		('evidence', 'cadence_slowdown', 'ja', U&'\8CFC\5165\9593\9694\306E\9577\671F\5316'),	-- longer gaps between orders
		('evidence', 'overdue', 'ja', U&'\6B21\56DE\8CFC\5165\306E\9045\308C'),	-- next order overdue
		('evidence', 'season_drop', 'ja', U&'\524D\5E74\540C\671F\6BD4\306E\6E1B\5C11'),	-- down on the same season last year
		('evidence', 'negative_trend', 'ja', U&'\8CFC\5165\984D\306E\4E0B\964D\50BE\5411'),	-- spending trending down
		('evidence', 'lapsed', 'ja', U&'\8CFC\5165\9014\7D76'),	-- lapsed
		('evidence', 'outreach_reached', 'ja', U&'\524D\56DE\63A5\89E6: \5FDC\5BFE\3042\308A'),	-- last contact: reached
		('evidence', 'outreach_delivered', 'ja', U&'\524D\56DE\63A5\89E6: \914D\4FE1\6E08\FF08\53CD\5FDC\306A\3057\FF09'),	-- last contact: delivered (no answer)
		('evidence', 'outreach_interested', 'ja', U&'\524D\56DE\63A5\89E6: \95A2\5FC3\3042\308A'),	-- last contact: interested
		('evidence', 'outreach_meeting', 'ja', U&'\524D\56DE\63A5\89E6: \9762\8AC7\8A2D\5B9A'),	-- last contact: meeting set
		('evidence', 'outreach_quote', 'ja', U&'\524D\56DE\63A5\89E6: \898B\7A4D\63D0\51FA'),	-- last contact: quote sent
		('evidence', 'outreach_order', 'ja', U&'\524D\56DE\63A5\89E6: \53D7\6CE8'),	-- last contact: ordered
		('evidence', 'outreach_declined', 'ja', U&'\524D\56DE\63A5\89E6: \8F9E\9000'),	-- last contact: declined
		('evidence', 'outreach_reason_price', 'ja', U&'\8F9E\9000\7406\7531: \4FA1\683C'),	-- declined: price
		('evidence', 'outreach_reason_features', 'ja', U&'\8F9E\9000\7406\7531: \6A5F\80FD'),	-- declined: features
		('evidence', 'outreach_reason_competitor', 'ja', U&'\8F9E\9000\7406\7531: \7AF6\5408'),	-- declined: competitor
		('evidence', 'outreach_reason_timing', 'ja', U&'\8F9E\9000\7406\7531: \6642\671F'),	-- declined: timing
		('evidence', 'outreach_reason_budget', 'ja', U&'\8F9E\9000\7406\7531: \4E88\7B97'),	-- declined: budget
		('evidence', 'outreach_reason_circumstances', 'ja', U&'\8F9E\9000\7406\7531: \9867\5BA2\90FD\5408'),	-- declined: customer circumstances
		('evidence', 'outreach_reason_other', 'ja', U&'\8F9E\9000\7406\7531: \305D\306E\4ED6'),	-- declined: other
		('likely_reason', 'dissatisfied_product', 'ja', U&'\88FD\54C1\3078\306E\4E0D\6E80'),	-- unhappy with the product
		('likely_reason', 'dissatisfied_price', 'ja', U&'\4FA1\683C\3078\306E\4E0D\6E80'),	-- unhappy with the price
		('likely_reason', 'dissatisfied_support', 'ja', U&'\30B5\30DD\30FC\30C8\3078\306E\4E0D\6E80'),	-- unhappy with support
		('likely_reason', 'forgot', 'ja', U&'\5FD8\308C\30FB\5931\5FF5'),	-- forgot about us
		('likely_reason', 'circumstances_changed', 'ja', U&'\9867\5BA2\5074\306E\72B6\6CC1\5909\5316'),	-- their circumstances changed
		('likely_reason', 'lost_to_competitor', 'ja', U&'\7AF6\5408\306B\6D41\51FA'),	-- lost to a competitor
		('likely_reason', 'budget_timing', 'ja', U&'\4E88\7B97\30FB\6642\671F\306E\90FD\5408'),	-- budget or timing
		('likely_reason', 'campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('likely_reason', 'one_time_mismatch', 'ja', U&'\5358\767A\8CFC\5165\30FB\30CB\30FC\30BA\4E0D\4E00\81F4'),	-- one purchase: poor fit
		('likely_reason', 'price_increase', 'ja', U&'\5024\4E0A\3052\306E\5F71\97FF'),	-- price increase
		('likely_reason', 'spec_change', 'ja', U&'\4ED5\69D8\5909\66F4\306E\5F71\97FF'),	-- specification change
		('likely_reason', 'unknown', 'ja', U&'\4E0D\660E'),	-- unknown
		('approach_channel', 'email', 'ja', U&'\30E1\30FC\30EB'),	-- email
		('approach_channel', 'direct_mail', 'ja', 'DM'),	-- direct mail
		('approach_channel', 'phone', 'ja', U&'\96FB\8A71'),	-- phone call
		('approach_channel', 'visit', 'ja', U&'\8A2A\554F'),	-- visit
		('approach_channel', 'step_mail', 'ja', U&'\30B9\30C6\30C3\30D7\30E1\30FC\30EB'),	-- step mail series
		('message_theme', 'feedback_survey', 'ja', U&'\30A2\30F3\30B1\30FC\30C8\30FB\3054\610F\898B\4F3A\3044'),	-- ask for feedback
		('message_theme', 'discount_or_downsell', 'ja', U&'\5272\5F15\30FB\30D7\30E9\30F3\898B\76F4\3057\306E\63D0\6848'),	-- discount or smaller plan
		('message_theme', 'reminder', 'ja', U&'\30EA\30DE\30A4\30F3\30C9'),	-- reminder
		('message_theme', 'usage_guide', 'ja', U&'\6D3B\7528\65B9\6CD5\306E\3054\6848\5185'),	-- usage guide
		('message_theme', 'new_offer', 'ja', U&'\65B0\5546\54C1\30FB\65B0\30D7\30E9\30F3\306E\3054\63D0\6848'),	-- new product or plan
		('message_theme', 'comparison_case_study', 'ja', U&'\4ED6\793E\6BD4\8F03\30FB\5C0E\5165\4E8B\4F8B\306E\3054\7D39\4ECB'),	-- comparisons and case studies
		('message_theme', 'referral', 'ja', U&'\3054\7D39\4ECB\306E\304A\9858\3044'),	-- ask for a referral
		('data_gaps', 'no_contact', 'ja', U&'\9023\7D61\5148\306A\3057'),	-- no contact data
		('data_gaps', 'no_phone', 'ja', U&'\96FB\8A71\756A\53F7\306A\3057'),	-- no phone number
		('data_gaps', 'invalid_phone', 'ja', U&'\96FB\8A71\756A\53F7\304C\4E0D\6B63'),	-- invalid phone number
		('data_gaps', 'no_email', 'ja', U&'\30E1\30FC\30EB\30A2\30C9\30EC\30B9\306A\3057'),	-- no email address
		('data_gaps', 'invalid_email', 'ja', U&'\30E1\30FC\30EB\30A2\30C9\30EC\30B9\304C\4E0D\6B63'),	-- invalid email address
		('data_gaps', 'no_person', 'ja', U&'\62C5\5F53\8005\540D\306A\3057'),	-- no contact person
		('data_gaps', 'contact_outdated', 'ja', U&'\9023\7D61\5148\60C5\5831\304C\53E4\3044'),	-- contact data outdated
		('data_gaps', 'no_name', 'ja', U&'\9867\5BA2\540D\306A\3057'),	-- no customer name
		('data_gaps', 'duplicate_name', 'ja', U&'\91CD\8907\767B\9332\306E\53EF\80FD\6027'),	-- possible duplicate record
		('data_gaps', 'no_activity', 'ja', U&'\8CFC\8CB7\30FB\6D3B\52D5\5C65\6B74\306A\3057'),	-- no purchases or activity
		('score_component', 'past_value', 'ja', U&'\904E\53BB\306E\53D6\5F15\984D'),	-- past value
		('score_component', 'regularity', 'ja', U&'\8CFC\5165\306E\898F\5247\6027'),	-- regularity
		('score_component', 'recency', 'ja', U&'\7D4C\904E\671F\9593'),	-- recency
		('score_component', 'decline', 'ja', U&'\6E1B\5C11\30B7\30B0\30CA\30EB'),	-- decline signals
		('score_component', 'engagement', 'ja', U&'\53CD\5FDC\30FB\63A5\89E6'),	-- engagement
		('score_component', 'deal', 'ja', U&'\5546\8AC7'),	-- deals
		('score_component', 'contract', 'ja', U&'\5951\7D04'),	-- contract
		('score_component', 'p_alive', 'ja', U&'\7D99\7D9A\78BA\7387'),	-- probability still a customer
		('score_component', 'expected_value', 'ja', U&'\671F\5F85\8CFC\5165\984D'),	-- expected value
		('score_basis', 'past_value_total', 'ja', U&'\7D2F\8A08\8CFC\5165\984D {1}'),	-- total amount {1}
		('score_basis', 'value_percentile', 'ja', U&'\9867\5BA2\5168\4F53\306E{1}\30D1\30FC\30BB\30F3\30BF\30A4\30EB'),	-- percentile {1} of your customers
		('score_basis', 'regularity_no_purchase', 'ja', U&'\8CFC\5165\306A\3057'),	-- no purchase
		('score_basis', 'regularity_one_day', 'ja', U&'\8CFC\5165\65E5\306F1\65E5\306E\307F'),	-- one purchase day
		('score_basis', 'regularity_days', 'ja', U&'\8CFC\5165\65E5\6570 {1}\65E5'),	-- {1} purchase days
		('score_basis', 'regularity_median_gap', 'ja', U&'\8CFC\5165\9593\9694\306E\4E2D\592E\5024 {1}\65E5'),	-- median gap {1} days
		('score_basis', 'regularity_median_gap_unknown', 'ja', U&'\8CFC\5165\9593\9694\306E\4E2D\592E\5024\306F\4E0D\660E'),	-- median gap unknown
		('score_basis', 'regularity_campaign_only', 'ja', U&'\30AD\30E3\30F3\30DA\30FC\30F3\6642\306E\307F\8CFC\5165'),	-- buys only on offers
		('score_basis', 'recency_state', 'ja', '{1}'),	-- {1}
		('score_basis', 'recency_no_rule', 'ja', U&'\72B6\614B\30EB\30FC\30EB\306E\9069\7528\306A\3057'),	-- no state rule applied
		('score_basis', 'recency_last_deal', 'ja', U&'\76F4\8FD1\5546\8AC7\304B\3089{1}\65E5'),	-- last deal {1} days ago
		('score_basis', 'recency_silent', 'ja', U&'\6700\7D42\8CFC\5165\304B\3089{1}\65E5'),	-- no order for {1} days
		('score_basis', 'decline_signals', 'ja', U&'\6E1B\5C11\30B7\30B0\30CA\30EB {1}\4EF6'),	-- decline signals: {1}
		('score_basis', 'engagement_not_bound', 'ja', U&'\30A4\30D9\30F3\30C8\30C7\30FC\30BF\672A\9023\643A'),	-- events not bound
		('score_basis', 'engagement_no_event', 'ja', U&'\76F4\8FD1{1}\65E5\9593\306E\53CD\5FDC\306A\3057'),	-- no event in the last {1} days
		('score_basis', 'engagement_events', 'ja', U&'\76F4\8FD1{3}\65E5\9593\306E\53CD\5FDC {1}\4EF6\FF08\3046\3061\6599\91D1\30DA\30FC\30B8\95B2\89A7 {2}\4EF6\FF09'),	-- events in the last {3} days: {1} (pricing page views: {2})
		('score_basis', 'engagement_last_event', 'ja', U&'\6700\5F8C\306E\53CD\5FDC\306F{1}\65E5\524D'),	-- the last {1} days ago
		('score_basis', 'deal_not_bound', 'ja', U&'\5546\8AC7\30C7\30FC\30BF\672A\9023\643A'),	-- deals not bound
		('score_basis', 'deal_no_closed', 'ja', U&'\5B8C\4E86\3057\305F\5546\8AC7\306A\3057'),	-- no closed deal
		('score_basis', 'deal_last_reason', 'ja', U&'\76F4\8FD1\5546\8AC7: {1}\FF08{2}\FF09'),	-- last deal: {1} ({2})
		('score_basis', 'deal_last', 'ja', U&'\76F4\8FD1\5546\8AC7: {1}'),	-- last deal: {1}
		('score_basis', 'deal_days_ago', 'ja', U&'{1}\65E5\524D'),	-- {1} days ago
		('score_basis', 'deal_open', 'ja', U&'\9032\884C\4E2D\306E\5546\8AC7 {1}\4EF6'),	-- open deals: {1}
		('score_basis', 'deal_outreach_declined', 'ja', U&'\524D\56DE\63A5\89E6: \8F9E\9000\FF08{1}\FF09'),	-- last contact: declined ({1})
		('score_basis', 'contract_not_bound', 'ja', U&'\5951\7D04\30C7\30FC\30BF\672A\9023\643A'),	-- contracts not bound
		('score_basis', 'contract_none', 'ja', U&'\5951\7D04\306A\3057'),	-- no contract
		('score_basis', 'contract_lapsed', 'ja', U&'\5951\7D04\5931\52B9'),	-- lapsed
		('score_basis', 'contract_lapsed_days', 'ja', U&'{1}\65E5\524D\306B\5951\7D04\5931\52B9'),	-- lapsed {1} days ago
		('score_basis', 'contract_auto_renew_off', 'ja', U&'\81EA\52D5\66F4\65B0\30AA\30D5'),	-- auto-renew off
		('score_basis', 'contract_downgraded', 'ja', U&'\5951\7D04\7E2E\5C0F'),	-- downgraded
		('score_basis', 'contract_renewal', 'ja', U&'\66F4\65B0\307E\3067{1}\65E5'),	-- renewal in {1} days
		('score_basis', 'contract_running', 'ja', U&'\5951\7D04\7D99\7D9A\4E2D'),	-- running
		('score_basis', 'p_alive', 'ja', U&'\7D99\7D9A\78BA\7387 {1}'),	-- probability still a customer {1}
		('score_basis', 'no_model', 'ja', U&'\30E2\30C7\30EB\672A\5B66\7FD2'),	-- no model fitted
		('score_basis', 'no_value_estimate', 'ja', U&'\8CFC\5165\984D\306E\63A8\5B9A\306A\3057'),	-- no spend estimate
		('score_basis', 'expected_value', 'ja', U&'\671F\5F85\8CFC\5165\984D {1}'),	-- expected value {1}
		('score_basis', 'separator', 'ja', U&'\3001'),	-- , 
		('deal_outcome', 'won', 'ja', U&'\53D7\6CE8'),	-- won
		('deal_outcome', 'lost', 'ja', U&'\5931\6CE8'),	-- lost
		('deal_outcome', 'postponed', 'ja', U&'\898B\9001\308A\30FB\5EF6\671F'),	-- postponed
		('deal_outcome', 'open', 'ja', U&'\5546\8AC7\4E2D'),	-- open
		('deal_outcome', 'unknown', 'ja', U&'\4E0D\660E'),	-- unknown
		('deal_reason', 'price', 'ja', U&'\4FA1\683C'),	-- price
		('deal_reason', 'features', 'ja', U&'\6A5F\80FD'),	-- features
		('deal_reason', 'competitor', 'ja', U&'\7AF6\5408'),	-- competitor
		('deal_reason', 'timing', 'ja', U&'\6642\671F'),	-- timing
		('deal_reason', 'budget', 'ja', U&'\4E88\7B97'),	-- budget
		('deal_reason', 'circumstances', 'ja', U&'\9867\5BA2\90FD\5408'),	-- customer circumstances
		('deal_reason', 'other', 'ja', U&'\305D\306E\4ED6'),	-- other
		('event_kind', 'email_open', 'ja', U&'\30E1\30FC\30EB\958B\5C01'),	-- email opened
		('event_kind', 'email_click', 'ja', U&'\30E1\30FC\30EB\30AF\30EA\30C3\30AF'),	-- email link clicked
		('event_kind', 'web_visit', 'ja', U&'Web\30B5\30A4\30C8\8A2A\554F'),	-- website visit
		('event_kind', 'pricing_view', 'ja', U&'\6599\91D1\30DA\30FC\30B8\95B2\89A7'),	-- pricing page view
		('event_kind', 'document_download', 'ja', U&'\8CC7\6599\30C0\30A6\30F3\30ED\30FC\30C9'),	-- document download
		('event_kind', 'support_visit', 'ja', U&'\30B5\30DD\30FC\30C8\30DA\30FC\30B8\95B2\89A7'),	-- support page visit
		('event_kind', 'other', 'ja', U&'\305D\306E\4ED6'),	-- other
		('outreach_outcome', 'not_reached', 'ja', U&'\4E0D\901A'),	-- not reached
		('outreach_outcome', 'reached', 'ja', U&'\5FDC\5BFE\3042\308A'),	-- reached
		('outreach_outcome', 'delivered', 'ja', U&'\914D\4FE1\6E08\FF08\53CD\5FDC\306A\3057\FF09'),	-- delivered (no answer)
		('outreach_outcome', 'interested', 'ja', U&'\95A2\5FC3\3042\308A'),	-- interested
		('outreach_outcome', 'meeting', 'ja', U&'\9762\8AC7\8A2D\5B9A'),	-- meeting set
		('outreach_outcome', 'quote', 'ja', U&'\898B\7A4D\63D0\51FA'),	-- quote sent
		('outreach_outcome', 'order', 'ja', U&'\53D7\6CE8'),	-- ordered
		('outreach_outcome', 'declined', 'ja', U&'\8F9E\9000'),	-- declined
		('change', 'new', 'ja', U&'\65B0\898F'),	-- new
		('change', 'changed', 'ja', U&'\72B6\614B\5909\5316'),	-- changed
		('change', 'removed', 'ja', U&'\9867\5BA2\30C7\30FC\30BF\304B\3089\524A\9664');	-- removed
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.labels: left out';
END
$$;

SELECT dormancy._install_defaults('dormancy.labels', ARRAY['vocabulary', 'code', 'language']::name[]);
-- the views over the snapshot show labels (dormancy_analyst: 97_privileges.sql)
GRANT SELECT ON dormancy.labels TO dormancy_reader;

-- STABLE, not IMMUTABLE: it reads a table and the setting dormancy.language
CREATE FUNCTION dormancy.label(vocabulary text, code text)
	RETURNS text
	AS 'MODULE_PATHNAME', 'dormancy_label'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;	-- planning loads the library (src/jit_guard.c)
COMMENT ON FUNCTION dormancy.label(text, text) IS
	'the label of a code in the language of dormancy.language (from dormancy.labels), else the English one, else the code itself';

-- STABLE, not IMMUTABLE: it reads a table and the setting dormancy.language
CREATE FUNCTION dormancy.labels(vocabulary text, codes text[])
	RETURNS text[]
	AS 'MODULE_PATHNAME', 'dormancy_labels'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT dormancy._plan_support;	-- planning loads the library (src/jit_guard.c)
COMMENT ON FUNCTION dormancy.labels(text, text[]) IS
	'dormancy.label() of each element of an array of codes, in order (for decline_signals, evidence, data_gaps)';

CREATE FUNCTION dormancy._label_codes()
	RETURNS TABLE (vocabulary text, code text)
	AS 'MODULE_PATHNAME', 'label_codes'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 80;
COMMENT ON FUNCTION dormancy._label_codes() IS
	'internal: the codes the C code writes into columns that have labels, by vocabulary (the codes the tables constrain are in their CHECK constraints)';

-- The score breakdown in the reader's language.  The basis texts of
-- score_breakdown are English with numbers, written by the C code
-- (src/priority_sql.c, append_basis) clause by clause, separated by ", ".
-- _score_basis_forms() gives, per component, each clause the C code writes:
-- the clause itself, or a regular expression (starting with ^) whose
-- captures are its numbers and codes; the code of its sentence template
-- (vocabulary score_basis of dormancy.labels: {1}, {2}, {3} stand for the
-- captures); and the vocabularies whose labels replace captured codes.
-- The expressions are anchored at both ends and keep to the simple syntax
-- that score_breakdown_label() matches without PostgreSQL's engine
-- (src/core/basis_match.h: characters, bracket expressions, ?, *, +, and
-- captures of alternatives).
-- Keep in step with append_basis: sql/score_breakdown_label.sql checks that
-- every basis of its customers reads in full.
CREATE FUNCTION dormancy._score_basis_forms()
	RETURNS TABLE (component text, ord integer, pattern text, code text, vocabularies text[])
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
	VALUES
		('past_value', 1, '^total_amount (-?[0-9.]+)$', 'past_value_total', NULL::text[]),
		('past_value', 2, '^percentile ([0-9.]+) of your customers$', 'value_percentile', NULL::text[]),
		('regularity', 3, 'no purchase', 'regularity_no_purchase', NULL::text[]),
		('regularity', 4, 'one purchase day', 'regularity_one_day', NULL::text[]),
		('regularity', 5, '^([0-9]+) purchase days$', 'regularity_days', NULL::text[]),
		('regularity', 6, '^median gap ([0-9.]+) days$', 'regularity_median_gap', NULL::text[]),
		('regularity', 7, 'median gap unknown days', 'regularity_median_gap_unknown', NULL::text[]),
		('regularity', 8, 'campaign only', 'regularity_campaign_only', NULL::text[]),
		('recency', 9, '^(active|at_risk|dormant|long_dormant|never_purchased)$', 'recency_state', '{state}'::text[]),
		('recency', 10, 'no rule', 'recency_no_rule', NULL::text[]),
		('recency', 11, '^last deal (-?[0-9]+) days ago$', 'recency_last_deal', NULL::text[]),
		('recency', 12, '^silent for (-?[0-9]+) days$', 'recency_silent', NULL::text[]),
		('decline', 13, '^([0-9]+) decline signals?$', 'decline_signals', NULL::text[]),
		('engagement', 14, 'events not bound', 'engagement_not_bound', NULL::text[]),
		('engagement', 15, '^no event in the last ([0-9]+) days$', 'engagement_no_event', NULL::text[]),
		('engagement', 16, '^([0-9]+) events? \(([0-9]+) pricing views?\) in the last ([0-9]+) days$', 'engagement_events', NULL::text[]),
		('engagement', 17, '^the last (-?[0-9]+) days ago$', 'engagement_last_event', NULL::text[]),
		('deal', 18, 'deals not bound', 'deal_not_bound', NULL::text[]),
		('deal', 19, 'no closed deal', 'deal_no_closed', NULL::text[]),
		('deal', 20, '^last deal ([a-z_]+) \(([a-z_]+)\)$', 'deal_last_reason', '{deal_outcome,deal_reason}'::text[]),
		('deal', 21, '^last deal ([a-z_]+)$', 'deal_last', '{deal_outcome}'::text[]),
		('deal', 22, '^(-?[0-9]+) days ago$', 'deal_days_ago', NULL::text[]),
		('deal', 23, '^([0-9]+) open$', 'deal_open', NULL::text[]),
		('deal', 24, '^outreach declined \(([a-z_]+)\)$', 'deal_outreach_declined', '{deal_reason}'::text[]),
		('contract', 25, 'contracts not bound', 'contract_not_bound', NULL::text[]),
		('contract', 26, 'no contract', 'contract_none', NULL::text[]),
		('contract', 27, 'lapsed', 'contract_lapsed', NULL::text[]),
		('contract', 28, '^lapsed (-?[0-9]+) days ago$', 'contract_lapsed_days', NULL::text[]),
		('contract', 29, 'auto-renew off', 'contract_auto_renew_off', NULL::text[]),
		('contract', 30, 'downgraded', 'contract_downgraded', NULL::text[]),
		('contract', 31, '^renewal in (-?[0-9]+) days$', 'contract_renewal', NULL::text[]),
		('contract', 32, 'running', 'contract_running', NULL::text[]),
		('p_alive', 33, '^p_alive ([0-9.]+)$', 'p_alive', NULL::text[]),
		('p_alive', 34, 'no model fitted', 'no_model', NULL::text[]),
		('expected_value', 35, '^expected_value (-?[0-9.]+)$', 'expected_value', NULL::text[]),
		('expected_value', 36, '^percentile ([0-9.]+) of your customers$', 'value_percentile', NULL::text[]),
		('expected_value', 37, 'no model fitted', 'no_model', NULL::text[]),
		('expected_value', 38, 'no spend estimate', 'no_value_estimate', NULL::text[])
$$;
COMMENT ON FUNCTION dormancy._score_basis_forms() IS
	'internal: per score component, the clauses of its basis text (the clause, or a regular expression starting with ^) and the code of the sentence template (labels vocabulary score_basis) of each';

-- STABLE, not IMMUTABLE: it reads dormancy.labels, _score_basis_forms()
-- and dormancy.language.  In C (src/labels_sql.c), reading the labels and
-- the forms once per query: the PL/pgSQL it replaced took 0.34 ms a row
-- (6.8 s for the 20,000 rows of a call list at 200,000 demo customers,
-- 2026-12-04), which every read of call_list and snapshot_call_list paid.
CREATE FUNCTION dormancy.score_breakdown_label(score_breakdown jsonb)
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'score_breakdown_label'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.score_breakdown_label(jsonb) IS
	'a score_breakdown in the language of dormancy.language: per component its label and its basis as a sentence from the templates of vocabulary score_basis (dormancy.labels), else the English basis';
-- the views over the snapshot call score_breakdown_label() (dormancy_analyst: 97_privileges.sql)
GRANT EXECUTE ON FUNCTION dormancy._score_basis_forms() TO dormancy_reader;

-- A text for a spreadsheet cell: Excel (and LibreOffice, Google Sheets) runs
-- a CSV cell that starts with =, +, -, @, a tab or a carriage return as a
-- formula (OWASP, "CSV injection"); customer names and ids come from forms
-- and CRM syncs that outsiders can write.  An apostrophe before such a text
-- makes the cell text; it shows in the cell.  The export commands of the
-- docs (docs/operations.md, Exporting the call list for Excel) use it.
CREATE FUNCTION dormancy.spreadsheet_text(value text)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r')
				THEN '''' OPERATOR(pg_catalog.||) value ELSE value END
$$;
COMMENT ON FUNCTION dormancy.spreadsheet_text(text) IS
	'the text with an apostrophe before it when it starts with =, +, -, @, a tab or a carriage return, which a spreadsheet would run as a formula (for CSV exports of names and ids)';
