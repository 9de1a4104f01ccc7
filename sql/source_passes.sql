-- The optional sources' per-customer views against a second computation in
-- plain SQL, row by row, on rows made to catch them out (kinds of the source
-- that map to one kind, unmapped and NULL kinds, events after as_of or at
-- an infinite time, deals closed on one day, contract terms of one start and
-- end, blank and invalid contacts),
-- and how often they call their per-row functions: customer_engagement
-- maps each customer's kinds, not each event (an events table is often many
-- times the orders); customer_contacts checks each phone number once.  The
-- outreach log's customer_outreach the same way (contacts at one instant,
-- ids with blanks or of no customer, outcomes and reasons mapped or not).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA sp;
CREATE TABLE sp.accounts (id integer PRIMARY KEY);
CREATE TABLE sp.orders (account integer, day date, total numeric);
CREATE TABLE sp.events (account integer, at timestamptz, kind text);
CREATE TABLE sp.deals (account integer, closed date, outcome text, reason text, note text);
CREATE TABLE sp.contacts (account integer, tel text, mail text, person text, updated date);
INSERT INTO sp.accounts SELECT i FROM generate_series(1, 40) i;
INSERT INTO sp.orders SELECT i, '2026-06-01', 100 FROM generate_series(1, 40) i;
SELECT setseed(0.17);
-- 10 customers with 60 events each over 400 days, in kinds of the source that
-- differ only in case and blanks ('Web Visit', ' web visit'), kinds no
-- mapping knows ('webinar') and NULL
INSERT INTO sp.events
SELECT 1 + (g % 10), timestamptz '2026-11-01 00:00+00' - random() * interval '400 days',
	   (ARRAY['Web Visit', ' web visit', 'web_visit', 'pricing_view', 'email_open', 'webinar', NULL])[1 + floor(random() * 7)::int]
  FROM generate_series(0, 599) g;
-- after as_of, at the edge of the day, infinite, NULL, without a customer
INSERT INTO sp.events VALUES
	(31, '2026-11-01 00:00+00', 'web_visit'), (31, '2026-11-02 00:00+00', 'web_visit'),
	(32, 'infinity', 'web_visit'), (32, '-infinity', 'pricing_view'), (32, '2026-10-31 23:59:59+00', 'pricing_view'),
	(33, NULL, 'web_visit'), (NULL, '2026-10-01', 'web_visit'),
	(34, '2026-12-01', 'email_open');
-- deals: several closed on one day (the outcome, then the reason, then the
-- outcome as written, then the note decide), open ones, NULL, infinite and
-- future close days, no reason and an unmapped one
INSERT INTO sp.deals VALUES
	(1, '2026-09-01', 'lost', 'price', 'a'), (1, '2026-09-01', 'won', NULL, 'b'), (1, '2026-08-01', 'lost', 'timing', NULL),
	(2, '2026-09-01', 'lost', 'price', 'b'), (2, '2026-09-01', 'lost', 'price', 'a'), (2, '2026-09-01', 'Lost', 'price', NULL),
	(3, '2026-09-01', 'open', NULL, NULL), (3, NULL, 'lost', 'budget', NULL), (3, '2026-07-01', '保留', '予算', 'x'),
	(4, 'infinity', 'won', NULL, NULL), (4, '-infinity', 'lost', 'no idea', NULL), (4, '2026-12-01', 'won', NULL, NULL),
	(5, '2026-10-31', 'something', '', 'blank reason'), (5, '2026-10-31', NULL, NULL, NULL),
	(6, '2026-12-01', 'lost', 'price', NULL), (NULL, '2026-09-01', 'won', NULL, NULL);
-- contacts: NULL, blank and invalid phone numbers and e-mail addresses,
-- full-width digits, updates after as_of
INSERT INTO sp.contacts VALUES
	(1, '03-1234-5678', 'a@example.co.jp', 'Sato', '2026-10-01'), (1, NULL, NULL, NULL, NULL),
	(1, '  ', ' ', ' ', '2026-12-01'), (1, 'n/a', 'nobody', 'Ito', '2020-01-01'),
	(2, '０３－１２３４－５６７８', 'b@example.com', NULL, '2026-11-01'), (2, '12', 'b@ex ample.com', 'Abe', NULL),
	(3, NULL, 'c@example', NULL, '2026-10-01'), (NULL, '03-1234-5678', 'x@example.com', 'X', '2026-10-01');
INSERT INTO sp.contacts
SELECT 4 + (g % 30), '06-' || lpad((1000 + g)::text, 4, '0') || '-1111', 'buyer' || g || '@example.com', 'P' || g, '2026-10-01'
  FROM generate_series(0, 199) g;
SELECT dormancy.bind_customers('sp.accounts', id => 'id');
SELECT dormancy.bind_orders('sp.orders', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT dormancy.bind_events('sp.events', customer => 'account', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('sp.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome',
						   lost_reason => 'reason', note => 'note');
SELECT dormancy.bind_contacts('sp.contacts', customer => 'account', phone => 'tel', email => 'mail',
							  person => 'person', updated_at => 'updated');

-- customer_engagement: each event counted by its own kind, as written in the
-- documentation of the columns
CREATE VIEW sp.engagement_reference AS
WITH ev AS (
	SELECT e.account AS customer_id, (e.at AT TIME ZONE 'UTC')::date AS day,
		   coalesce((SELECT k.kind FROM dormancy.event_kinds k
					  WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(e.kind)), 'other') AS kind
	  FROM sp.events e
	 WHERE e.account IS NOT NULL AND isfinite(e.at) AND (e.at AT TIME ZONE 'UTC')::date <= '2026-11-01'
), w AS (
	SELECT ev.*, ev.day > date '2026-11-01' - (SELECT engagement_window FROM dormancy.source_settings_in_force()) AS in_window
	  FROM ev
)
SELECT customer_id,
	   count(*) FILTER (WHERE in_window)::integer AS events_in_window,
	   count(*) FILTER (WHERE in_window AND kind = 'email_open')::integer AS email_opens,
	   count(*) FILTER (WHERE in_window AND kind = 'email_click')::integer AS email_clicks,
	   count(*) FILTER (WHERE in_window AND kind = 'web_visit')::integer AS web_visits,
	   count(*) FILTER (WHERE in_window AND kind = 'pricing_view')::integer AS pricing_views,
	   count(*) FILTER (WHERE in_window AND kind = 'document_download')::integer AS document_downloads,
	   count(*) FILTER (WHERE in_window AND kind = 'support_visit')::integer AS support_visits,
	   count(*) FILTER (WHERE in_window AND kind = 'other')::integer AS other_events,
	   max(day) AS last_event_at,
	   date '2026-11-01' - max(day) AS days_since_last_event,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'email_open') AS days_since_last_email_open,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'email_click') AS days_since_last_email_click,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'web_visit') AS days_since_last_web_visit,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'pricing_view') AS days_since_last_pricing_view,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'document_download') AS days_since_last_document_download,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'support_visit') AS days_since_last_support_visit,
	   date '2026-11-01' - max(day) FILTER (WHERE kind = 'other') AS days_since_last_other_event,
	   date '2026-11-01' - (date '2026-11-01' - (SELECT engagement_window FROM dormancy.source_settings_in_force()))::date
		   AS engagement_window_days,
	   date '2026-11-01' AS as_of
  FROM w GROUP BY customer_id;
SELECT (SELECT engagement_window FROM dormancy.source_settings_in_force()) AS engagement_window,
	   (SELECT count(*) FROM dormancy.customer_engagement) AS customers,
	   (SELECT count(*) FROM (SELECT * FROM dormancy.customer_engagement EXCEPT ALL
							  SELECT * FROM sp.engagement_reference) x) AS not_in_reference,
	   (SELECT count(*) FROM (SELECT * FROM sp.engagement_reference EXCEPT ALL
							  SELECT * FROM dormancy.customer_engagement) x) AS not_in_view;
-- the edges, as they are
SELECT customer_id, events_in_window, web_visits, pricing_views, other_events, last_event_at,
	   days_since_last_web_visit, days_since_last_pricing_view
  FROM dormancy.customer_engagement WHERE customer_id > 30 ORDER BY customer_id;
-- the kinds are mapped once per customer and kind of the source, not once per
-- event: a hash join computes each side's key once and, for a match, both
-- again; with every event mapped, the label keys would outnumber the events
BEGIN;
SET LOCAL track_functions = 'all';
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT count(e.*) AS customers FROM dormancy.customer_engagement e;
SELECT (SELECT count(*) FROM sp.events) AS events,
	   s.calls <= 3 * (SELECT count(DISTINCT (account, kind)) FROM sp.events) + (SELECT count(*) FROM dormancy.event_kinds)
		   AS at_most_three_per_customer_kind_and_one_per_mapping,
	   s.calls < (SELECT count(*) FROM sp.events) AS fewer_than_the_events
  FROM pg_stat_xact_user_functions s
 WHERE s.schemaname = 'dormancy' AND s.funcname = 'label_key';
COMMIT;

-- customer_deals: the last deal by DISTINCT ON, the counts apart
CREATE VIEW sp.deals_reference AS
WITH d AS (
	SELECT x.account AS customer_id, x.closed AS closed_on, x.outcome AS source_outcome, x.reason AS source_reason, x.note,
		   coalesce((SELECT o.outcome FROM dormancy.deal_outcomes o
					  WHERE dormancy.label_key(o.source_outcome) = dormancy.label_key(x.outcome)), 'unknown') AS outcome,
		   CASE WHEN x.reason IS NULL OR dormancy.label_key(x.reason) = '' THEN NULL
				ELSE coalesce((SELECT r.reason FROM dormancy.deal_reasons r
								WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(x.reason)), 'other') END AS reason
	  FROM sp.deals x WHERE x.account IS NOT NULL
), c AS (
	SELECT d.*, (d.outcome <> 'open' AND isfinite(d.closed_on) AND d.closed_on <= '2026-11-01') AS counts FROM d
), last AS (
	SELECT DISTINCT ON (customer_id) * FROM c WHERE counts
	 ORDER BY customer_id, closed_on DESC, outcome, reason, source_outcome, note
)
SELECT g.customer_id, l.closed_on AS last_deal_at, date '2026-11-01' - l.closed_on AS days_since_last_deal,
	   l.outcome AS last_deal_outcome, l.reason AS last_deal_reason, l.source_outcome AS last_deal_source_outcome,
	   l.source_reason AS last_deal_source_reason, l.note AS last_deal_note,
	   g.deals_won, g.deals_lost, g.deals_postponed, g.open_deals, g.last_won_at, date '2026-11-01' AS as_of
  FROM (SELECT customer_id,
			   count(*) FILTER (WHERE counts AND outcome = 'won')::integer AS deals_won,
			   count(*) FILTER (WHERE counts AND outcome = 'lost')::integer AS deals_lost,
			   count(*) FILTER (WHERE counts AND outcome = 'postponed')::integer AS deals_postponed,
			   count(*) FILTER (WHERE outcome = 'open')::integer AS open_deals,
			   max(closed_on) FILTER (WHERE counts AND outcome = 'won') AS last_won_at
		  FROM c GROUP BY customer_id) g
  LEFT JOIN last l USING (customer_id);
SELECT (SELECT count(*) FROM dormancy.customer_deals) AS customers,
	   (SELECT count(*) FROM (SELECT * FROM dormancy.customer_deals EXCEPT ALL SELECT * FROM sp.deals_reference) x) AS not_in_reference,
	   (SELECT count(*) FROM (SELECT * FROM sp.deals_reference EXCEPT ALL SELECT * FROM dormancy.customer_deals) x) AS not_in_view;
SELECT customer_id, last_deal_at, last_deal_outcome, last_deal_reason, last_deal_source_outcome, last_deal_note,
	   deals_won, deals_lost, deals_postponed, open_deals, last_won_at
  FROM dormancy.customer_deals ORDER BY customer_id;

-- customer_contacts: each row checked in plain SQL
CREATE VIEW sp.contacts_reference AS
WITH c AS (
	SELECT x.account AS customer_id, NULLIF(btrim(x.tel), '') AS phone, NULLIF(btrim(x.mail), '') AS email,
		   NULLIF(btrim(x.person), '') AS person, x.updated
	  FROM sp.contacts x WHERE x.account IS NOT NULL
)
SELECT customer_id, count(*) AS contacts,
	   count(*) FILTER (WHERE dormancy.phone_valid(phone, 'JP')) AS phones,
	   count(*) FILTER (WHERE email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$') AS emails,
	   count(person) AS persons,
	   count(*) FILTER (WHERE phone IS NOT NULL AND NOT dormancy.phone_valid(phone, 'JP')) AS invalid_phones,
	   count(*) FILTER (WHERE email IS NOT NULL AND email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$') AS invalid_emails,
	   max(updated) FILTER (WHERE updated <= '2026-11-01') AS last_updated_at,
	   coalesce(max(updated) FILTER (WHERE updated <= '2026-11-01')
				< date '2026-11-01' - (SELECT contact_stale_after FROM dormancy.source_settings_in_force()), true) AS outdated,
	   date '2026-11-01' AS as_of
  FROM c GROUP BY customer_id;
SELECT (SELECT count(*) FROM dormancy.customer_contacts) AS customers,
	   (SELECT count(*) FROM (SELECT * FROM dormancy.customer_contacts EXCEPT ALL SELECT * FROM sp.contacts_reference) x) AS not_in_reference,
	   (SELECT count(*) FROM (SELECT * FROM sp.contacts_reference EXCEPT ALL SELECT * FROM dormancy.customer_contacts) x) AS not_in_view;
SELECT customer_id, contacts, phones, emails, persons, invalid_phones, invalid_emails, last_updated_at, outdated
  FROM dormancy.customer_contacts WHERE customer_id <= 4 ORDER BY customer_id;
-- each phone number is checked once (a blank or NULL one not at all)
BEGIN;
SET LOCAL track_functions = 'all';
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT count(c.*) AS customers FROM dormancy.customer_contacts c;
SELECT s.calls AS phone_checks,
	   (SELECT count(*) FROM sp.contacts WHERE account IS NOT NULL AND btrim(tel) <> '') AS phone_numbers
  FROM pg_stat_xact_user_functions s
 WHERE s.schemaname = 'dormancy' AND s.funcname = 'phone_valid';
COMMIT;

-- contract_signals: the current term and the latest downgrade by DISTINCT ON,
-- over terms of one start and end (the current one: more seats, then the
-- higher amount, then the plan; side by side they are no downgrade of each
-- other), open-ended and future terms, terms without a start, and rows that
-- are no term (no day, or ending before they start)
CREATE TABLE sp.contracts (account integer, starts date, ends date, seats integer, fee numeric, auto boolean, plan text);
INSERT INTO sp.contracts VALUES
	(1, '2025-01-01', '2025-12-31', 10, 1000, true, 'basic'), (1, '2026-01-01', '2026-12-31', 8, 900, false, 'basic'),
	(1, '2026-01-01', '2026-12-31', 9, 900, true, 'basic'), (1, '2026-01-01', '2026-12-31', 9, 950, true, 'pro'),
	(2, '2025-06-01', NULL, 5, 500, NULL, NULL), (2, '2026-06-01', '2027-05-31', 4, 400, true, 'lite'),
	(3, NULL, '2026-12-31', 20, NULL, false, 'pro'), (3, '2026-12-01', '2027-11-30', 25, NULL, true, 'pro'),
	(4, '2024-01-01', '2024-12-31', 3, 300, true, NULL), (4, NULL, NULL, 1, 1, true, 'none'),
	(4, '2026-02-01', '2025-01-01', 1, 1, true, 'backwards'),
	(5, '2026-03-01', '2027-02-28', 7, 700, true, 'a'), (5, '2026-03-01', '2027-02-28', 7, 700, true, 'b'),
	(5, '2025-03-01', '2026-02-28', 8, 800, true, 'a');
SELECT dormancy.bind_contracts('sp.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends',
							   seats => 'seats', amount => 'fee', auto_renew => 'auto', plan => 'plan');
CREATE VIEW sp.contracts_reference AS
WITH t AS (
	SELECT c.account AS customer_id, c.starts AS starts_on, c.ends AS ends_on, c.seats::float8 AS seats,
		   c.fee::float8 AS amount, c.auto AS auto_renew, c.plan, coalesce(c.ends, 'infinity') AS end_day,
		   (c.starts IS NULL OR c.starts <= '2026-11-01') AS started,
		   lag(c.seats::float8) OVER w AS prev_seats, lag(c.fee::float8) OVER w AS prev_amount, lag(c.plan) OVER w AS prev_plan
	  FROM sp.contracts c
	 WHERE (c.starts IS NOT NULL OR c.ends IS NOT NULL) AND (c.starts IS NULL OR c.ends IS NULL OR c.starts <= c.ends)
	WINDOW w AS (PARTITION BY c.account ORDER BY coalesce(c.starts, '-infinity'), c.ends NULLS LAST,
									 c.seats NULLS FIRST, c.fee NULLS FIRST, c.plan)
), f AS (
	SELECT t.*, t.started AND t.end_day >= '2026-11-01' AS is_current,
		   coalesce(t.started AND coalesce(t.starts_on, '-infinity') > date '2026-11-01' - interval '12 months'
					AND (t.seats < t.prev_seats OR t.amount < t.prev_amount), false) AS is_downgrade
	  FROM t
), cur AS (
	SELECT DISTINCT ON (customer_id) * FROM f WHERE is_current
	 ORDER BY customer_id, end_day DESC, starts_on DESC NULLS LAST, seats DESC NULLS LAST, amount DESC NULLS LAST, plan, auto_renew DESC
), down AS (
	SELECT DISTINCT ON (customer_id) * FROM f WHERE is_downgrade
	 ORDER BY customer_id, starts_on DESC NULLS LAST, end_day DESC, seats DESC NULLS LAST, amount DESC NULLS LAST, plan
)
SELECT g.customer_id, g.terms, c.starts_on AS current_starts_on, c.ends_on AS current_ends_on, c.plan AS current_plan,
	   c.seats AS current_seats, c.amount AS current_amount, c.auto_renew AS current_auto_renew,
	   d.customer_id IS NOT NULL AS downgraded, d.starts_on AS downgraded_on, d.prev_seats AS seats_before,
	   d.seats AS seats_after, d.prev_amount AS amount_before, d.amount AS amount_after, d.prev_plan AS plan_before,
	   d.plan AS plan_after
  FROM (SELECT customer_id, count(*) AS terms FROM f GROUP BY customer_id) g
  LEFT JOIN cur c USING (customer_id) LEFT JOIN down d USING (customer_id);
SELECT (SELECT count(*) FROM dormancy.contract_signals) AS customers,
	   (SELECT count(*) FROM (SELECT customer_id, terms, current_starts_on, current_ends_on, current_plan, current_seats,
									 current_amount, current_auto_renew, downgraded, downgraded_on, seats_before, seats_after,
									 amount_before, amount_after, plan_before, plan_after
								FROM dormancy.contract_signals
							  EXCEPT ALL SELECT * FROM sp.contracts_reference) x) AS not_in_reference,
	   (SELECT count(*) FROM (SELECT * FROM sp.contracts_reference
							  EXCEPT ALL
							  SELECT customer_id, terms, current_starts_on, current_ends_on, current_plan, current_seats,
									 current_amount, current_auto_renew, downgraded, downgraded_on, seats_before, seats_after,
									 amount_before, amount_after, plan_before, plan_after
								FROM dormancy.contract_signals) x) AS not_in_view;
SELECT customer_id, terms, current_starts_on, current_plan, current_seats, current_amount, current_auto_renew,
	   downgraded, downgraded_on, seats_before, seats_after, plan_before, plan_after
  FROM dormancy.contract_signals ORDER BY customer_id;

-- customer_outreach: the latest contact and the latest conversation by
-- DISTINCT ON, from the log, the wordings mapped by subqueries
INSERT INTO dormancy.outreach_log (outreach_id, customer_id, contacted_at, channel, theme, outcome, declined_reason) VALUES
	(1, '1', '2026-10-01 10:00+00', 'phone', 'new product', 'not reached', NULL),
	(2, '1', '2026-10-01 10:00+00', 'email', NULL, 'declined', 'price'),
	(3, ' 1 ', '2026-09-01 10:00+00', '電話', 'discount', '商談', NULL),
	(4, '2', '2026-10-05 10:00+00', 'visit', NULL, NULL, NULL),
	(5, '2', '2026-10-04 10:00+00', 'fax', 'whatever', 'declined', '予算'),
	(6, '2', '2026-11-02 10:00+00', 'phone', NULL, 'order', NULL),
	(7, '3', '2026-10-01 23:30+00', 'phone', NULL, 'declined', 'no reason we know'),
	(8, '3', '2026-10-01 23:30+00', 'phone', NULL, 'declined', 'competitor'),
	(9, '042', '2026-10-01 10:00+00', 'phone', NULL, 'order', NULL),
	(10, '999', '2026-10-01 10:00+00', 'phone', NULL, 'order', NULL),
	(11, '4', '2026-12-01 10:00+00', 'phone', NULL, 'order', NULL),
	-- opt-outs: in force (5: a decline after it; 6: its order after the
	-- as-of day; 7: a meeting of the same instant), lifted by interest (8)
	(12, '5', '2026-09-15 10:00+00', 'email', NULL, 'opt out', NULL),
	(13, '5', '2026-10-01 10:00+00', 'phone', NULL, 'declined', 'price'),
	(14, '6', '2026-10-10 10:00+00', 'phone', NULL, '連絡不要', NULL),
	(15, '6', '2026-11-02 10:00+00', 'phone', NULL, 'order', NULL),
	(16, '7', '2026-10-15 10:00+00', 'phone', NULL, 'do not contact', NULL),
	(17, '7', '2026-10-15 10:00+00', 'phone', NULL, 'meeting', NULL),
	(18, '8', '2026-09-20 10:00+00', 'phone', NULL, 'do not contact', NULL),
	(19, '8', '2026-09-25 10:00+00', 'phone', NULL, 'interested', NULL),
	-- (9: the opt-out written as the reason)
	(20, '9', '2026-10-20 10:00+00', 'phone', NULL, 'declined', '連絡拒否'),
	-- recent contacts: an unanswered mailing after a call holds nothing
	-- (10: held after the call only), an answered one holds (11)
	(21, '10', '2026-10-20 10:00+00', 'phone', NULL, 'not reached', NULL),
	(22, '10', '2026-10-25 10:00+00', 'DM', NULL, NULL, NULL),
	(23, '11', '2026-10-28 10:00+00', 'step mail', NULL, 'interested', NULL),
	-- opened is no answer (12); an outcome nobody mapped may be one (13)
	(24, '12', '2026-10-28 10:00+00', 'step mail', NULL, 'opened', NULL),
	(25, '13', '2026-10-28 10:00+00', 'DM', NULL, '返信あり', NULL);
CREATE VIEW sp.outreach_reference AS
WITH m AS (
	SELECT c.id AS customer_id, l.outreach_id, l.contacted_at, (l.contacted_at AT TIME ZONE 'UTC')::date AS contacted_on,
		   (SELECT x.channel FROM dormancy.outreach_channels x WHERE dormancy.label_key(x.source_channel) = dormancy.label_key(l.channel)) AS channel,
		   (SELECT x.theme FROM dormancy.outreach_themes x WHERE dormancy.label_key(x.source_theme) = dormancy.label_key(l.theme)) AS theme,
		   (SELECT x.outcome FROM dormancy.outreach_outcomes x WHERE dormancy.label_key(x.source_outcome) = dormancy.label_key(l.outcome)) AS outcome,
		   CASE WHEN dormancy.label_key(l.declined_reason) <> '' THEN
				coalesce((SELECT x.reason FROM dormancy.deal_reasons x
						   WHERE dormancy.label_key(x.source_reason) = dormancy.label_key(l.declined_reason)), 'other') END AS declined_reason,
		   l.campaign_id, l.outcome AS raw_outcome,
		   coalesce((SELECT x.opt_out FROM dormancy.outreach_outcomes x
					  WHERE dormancy.label_key(x.source_outcome) = dormancy.label_key(l.outcome)), false)
		   OR EXISTS (SELECT FROM dormancy.outreach_outcomes x
					   WHERE x.opt_out AND dormancy.label_key(x.source_outcome) = dormancy.label_key(l.declined_reason)) AS opt_out
	  FROM dormancy.outreach_log l JOIN sp.accounts c ON c.id::text = btrim(l.customer_id)
), f AS (
	SELECT m.*, m.contacted_on <= '2026-11-01' AS counts,
		   -- delivered (opened: 12), or a mailing reached, is no answer, so
		   -- no conversation
		   m.contacted_on <= '2026-11-01' AND m.outcome IS NOT NULL AND m.outcome NOT IN ('not_reached', 'delivered')
		   AND NOT (m.outcome = 'reached' AND coalesce(m.channel IN ('direct_mail', 'step_mail'), false)) AS conversation
	  FROM m
), last_contact AS (
	SELECT DISTINCT ON (customer_id) * FROM f WHERE counts
	 ORDER BY customer_id, contacted_at DESC, outreach_id DESC, outcome, channel, theme
), last_conversation AS (
	SELECT DISTINCT ON (customer_id) * FROM f WHERE conversation
	 ORDER BY customer_id, contacted_at DESC, outreach_id DESC, outcome, declined_reason
)
SELECT g.customer_id, g.contacts, g.conversations, g.last_contacted_at,
	   lc.channel AS last_channel, lc.theme AS last_theme, lc.campaign_id AS last_campaign_id,
	   lv.contacted_on AS last_outcome_on, lv.outcome AS last_outcome,
	   CASE WHEN lv.outcome = 'declined' THEN lv.declined_reason END AS last_declined_reason,
	   date '2026-11-01' AS as_of,
	   -- the latest opt-out with no interest after it
	   (SELECT o.contacted_on FROM f o
		 WHERE o.customer_id = g.customer_id AND o.counts AND o.opt_out
		   AND NOT EXISTS (SELECT 1 FROM f i WHERE i.customer_id = o.customer_id AND i.counts
							  AND i.outcome IN ('interested', 'meeting', 'quote', 'order') AND i.contacted_at > o.contacted_at)
		 ORDER BY o.contacted_at DESC LIMIT 1) AS opted_out_on,
	   -- the latest contact's day, and the day after the default hold of
	   -- 14 days (outreach_settings.recontact_after) that follows the latest
	   -- contact other than a mailing without an answer, when still ahead
	   (g.last_contacted_at AT TIME ZONE 'UTC')::date AS last_contacted_on,
	   (SELECT max(h.contacted_on) + 14 FROM f h
		 WHERE h.customer_id = g.customer_id AND h.counts
		   AND h.outcome IS DISTINCT FROM 'delivered'
		   AND NOT (coalesce(h.channel IN ('direct_mail', 'step_mail'), false)
					AND NOT coalesce(h.outcome IN ('interested', 'meeting', 'quote', 'order', 'declined'), false)
					AND NOT (h.outcome IS NULL AND btrim(h.raw_outcome) <> ''))
		HAVING max(h.contacted_on) + 14 > date '2026-11-01') AS recontact_on,
	   g.last_interest_on
  FROM (SELECT customer_id, count(*) FILTER (WHERE counts) AS contacts, count(*) FILTER (WHERE conversation) AS conversations,
			   max(contacted_at) FILTER (WHERE counts) AS last_contacted_at,
			   max(contacted_on) FILTER (WHERE counts AND outcome IN ('interested', 'meeting', 'quote', 'order'))
				   AS last_interest_on
		  FROM f GROUP BY customer_id) g
  LEFT JOIN last_contact lc USING (customer_id)
  LEFT JOIN last_conversation lv USING (customer_id);
SELECT (SELECT count(*) FROM dormancy.customer_outreach) AS customers,
	   (SELECT count(*) FROM (SELECT * FROM dormancy.customer_outreach EXCEPT ALL SELECT * FROM sp.outreach_reference) x) AS not_in_reference,
	   (SELECT count(*) FROM (SELECT * FROM sp.outreach_reference EXCEPT ALL SELECT * FROM dormancy.customer_outreach) x) AS not_in_view;
SELECT customer_id, contacts, conversations, last_contacted_at, last_channel, last_theme, last_outcome_on, last_outcome,
	   last_declined_reason, opted_out_on, last_contacted_on, recontact_on
  FROM dormancy.customer_outreach ORDER BY customer_id;
-- The log analysed while empty (as the extension installs it), then 3,000
-- contacts of 2,000 customers written, and read before autovacuum analyses
-- it: the planner takes the log for empty, and no plan may then read it once
-- per customer or per contact (until 2026-12-06 src_outreach met the
-- customers through a semi-join with the log's ids, and the planner read the
-- log through its index once per customer: 2,000 scans here; at 100,000
-- customers with 300,000 contacts, customer_status ran for minutes instead
-- of 3 s)
INSERT INTO sp.accounts SELECT i FROM generate_series(41, 2000) i;
ANALYZE sp.accounts;	-- (so that autovacuum does not change the plans halfway)
DELETE FROM dormancy.outreach_log;
ANALYZE dormancy.outreach_log;
ALTER TABLE dormancy.outreach_log SET (autovacuum_enabled = false);
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome)
SELECT (1 + g % 2000)::text, timestamptz '2026-10-01 00:00+00' - g * interval '1 hour',
	   (ARRAY['phone', 'email'])[1 + g % 2], (ARRAY['not reached', 'declined', 'order'])[1 + g % 3]
  FROM generate_series(1, 3000) g;
\i test/sql_ref/plan_nodes.sql
CREATE FUNCTION sp.log_scans(query text) RETURNS TABLE (scans_of_the_log bigint, most_loops float8)
	LANGUAGE sql AS $$
	SELECT count(*), max((p ->> 'Actual Loops')::float8)
	  FROM pg_temp.plan_nodes(query) p
	 WHERE p ->> 'Relation Name' = 'outreach_log' AND (p ->> 'Actual Loops')::float8 > 0
$$;
SELECT 'customer_outreach' AS view, * FROM sp.log_scans('SELECT * FROM dormancy.customer_outreach')
UNION ALL
SELECT 'customer_status', * FROM sp.log_scans('SELECT * FROM dormancy.customer_status');
SELECT count(*) AS customers_with_outreach, sum(contacts) AS contacts FROM dormancy.customer_outreach;
ALTER TABLE dormancy.outreach_log RESET (autovacuum_enabled);
DELETE FROM dormancy.outreach_log;

SELECT dormancy.unbind(s) FROM unnest(ARRAY['contracts', 'contacts', 'deals', 'events', 'orders', 'customers']) s;
DROP SCHEMA sp CASCADE;
