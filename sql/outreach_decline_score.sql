-- A decline heard on a call moves the priority score as the same fact
-- recorded as a lost deal does (DOMAIN.md D7, D11; docs/priority.md, the
-- deal component).  Until 2026-12-07 a customer's outreach decline with a
-- reason changed the likely reason but not the score: a rep logged
-- "went with a competitor" and the customer stayed first on the next day's
-- call list, while the same fact as a lost deal took deal_lost_competitor
-- (-1).  Now the latest conversation, when it is a decline with a reason
-- on a day after the last order and later than the last closed deal, is the
-- deal component's input, valued with the deal weights and fading over
-- deal_horizon_days from its day.  Without bound deals the component is
-- still left out of the other customers' scores; for a customer with such a
-- decline it adds its share as if deals were bound, on top (docs/priority.md).
--
-- Twelve customers with the same orders (monthly in 2022), which differ only
-- in their outreach (and, in the second part, their deals); the expected
-- value of the deal component comes from a plain-SQL reading of the log,
-- the deals and score_weights, and the score from customer 1's, who has
-- neither.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
TRUNCATE dormancy.outreach_log, dormancy.campaign_members, dormancy.campaigns;
DELETE FROM dormancy.outreach_settings;
-- no hold after a contact, nor until next fiscal year's budget
-- (sql/budget_reapproach.sql): the call list shows every lapsing customer
INSERT INTO dormancy.outreach_settings (recontact_after, fiscal_year_start_month) VALUES (NULL, NULL);
SET dormancy.as_of = '2026-10-01';
CREATE SCHEMA ds;
CREATE TABLE ds.customers (id integer PRIMARY KEY, name text);
CREATE TABLE ds.orders (customer integer, day date, amount numeric);
CREATE TABLE ds.deals (customer integer, closed_on date, outcome text, reason text);
INSERT INTO ds.customers SELECT i, 'Customer ' || i FROM generate_series(1, 12) i;
-- the same orders for everyone: monthly through 2022, the last on 2022-12-10
INSERT INTO ds.orders SELECT c.id, d::date, 100000 FROM ds.customers c, generate_series('2022-01-10'::date, '2022-12-10', '1 month') d;
SELECT dormancy.bind_customers('ds.customers', 'id', name => 'name') IS NULL AS bound;
SELECT dormancy.bind_orders('ds.orders', 'customer', 'day', 'amount') IS NULL AS bound;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, declined_reason, note) VALUES
	('2', '2026-09-01 12:00+00', 'phone', U&'\65AD\308A', U&'\7AF6\5408\4ED6\793E\306B\6C7A\5B9A', 'went with a competitor'),
	('3', '2026-09-01 12:00+00', 'phone', 'declined', 'price', 'price'),
	('4', '2026-09-01 12:00+00', 'phone', 'declined', 'budget', 'budget'),
	('5', '2026-09-01 12:00+00', 'phone', 'declined', NULL, 'no reason given'),
	('6', '2022-11-15 12:00+00', 'phone', 'declined', 'competitor', 'before the last order'),
	('7', '2023-06-01 12:00+00', 'phone', 'declined', 'competitor', 'after the last order, older than deal_horizon_days'),
	('8', '2026-07-01 12:00+00', 'phone', 'declined', 'competitor', 'a later deal (part 2) overrides it'),
	('9', '2026-08-01 12:00+00', 'phone', 'declined', 'competitor', 'later than the deal of part 2'),
	('10', '2026-07-01 12:00+00', 'phone', 'declined', 'competitor', 'then interested'),
	('10', '2026-08-01 12:00+00', 'phone', 'interested', NULL, 'the latest conversation decides'),
	('11', '2026-08-01 12:00+00', 'phone', 'meeting', NULL, 'not a decline'),
	('12', '2026-04-01 12:00+00', 'phone', 'declined', 'features', 'another reason: deal_lost_other');

-- The reference: the latest conversation (outcome other than not_reached)
-- from the log, the last closed deal from ds.deals while deals are bound,
-- the last order from ds.orders; the deal component's value from
-- score_weights, fading linearly to 0 at deal_horizon_days.
CREATE VIEW ds.reference AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day, sw.* FROM dormancy.score_weights_in_force() sw
), conv AS (
	SELECT DISTINCT ON (l.customer_id) l.customer_id::integer AS customer_id,
		   (l.contacted_at AT TIME ZONE 'UTC')::date AS day, o.outcome,
		   CASE WHEN o.outcome = 'declined' AND dormancy.label_key(l.declined_reason) <> ''
				THEN coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.outreach_log l
	  JOIN dormancy.outreach_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(l.outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(l.declined_reason)
	 WHERE o.outcome <> 'not_reached' AND (l.contacted_at AT TIME ZONE 'UTC')::date <= (SELECT day FROM a)
	 ORDER BY l.customer_id, l.contacted_at DESC, l.outreach_id DESC
), deal AS (
	SELECT DISTINCT ON (d.customer) d.customer AS customer_id, d.closed_on, d.outcome, d.reason
	  FROM ds.deals d
	 WHERE (SELECT b.deals_bound FROM dormancy.src_bindings b)
	 ORDER BY d.customer, d.closed_on DESC
), x AS (
	SELECT c.id AS customer_id, conv.outcome, conv.reason, conv.day, deal.closed_on, deal.outcome AS deal_outcome,
		   deal.reason AS deal_reason,
		   conv.reason IS NOT NULL
		   AND conv.day > (SELECT max(o.day) FROM ds.orders o WHERE o.customer = c.id)
		   AND (deal.closed_on IS NULL OR conv.day > deal.closed_on) AS decline_counts
	  FROM ds.customers c
	  LEFT JOIN conv ON conv.customer_id = c.id
	  LEFT JOIN deal ON deal.customer_id = c.id
)
SELECT x.customer_id, x.decline_counts,
	   CASE WHEN x.decline_counts
			THEN CASE x.reason WHEN 'competitor' THEN a.deal_lost_competitor
							   WHEN 'price' THEN a.deal_lost_price
							   WHEN 'budget' THEN a.deal_lost_budget_timing
							   WHEN 'timing' THEN a.deal_lost_budget_timing
							   ELSE a.deal_lost_other END
				 * greatest(0, least(1, 1 - (a.day - x.day)::float8 / a.deal_horizon_days))
			WHEN x.deal_outcome IS NOT NULL
			THEN CASE x.deal_outcome WHEN 'won' THEN a.deal_won
									 WHEN 'postponed' THEN a.deal_postponed
									 WHEN 'lost' THEN CASE x.deal_reason WHEN 'competitor' THEN a.deal_lost_competitor
																		 WHEN 'price' THEN a.deal_lost_price
																		 WHEN 'budget' THEN a.deal_lost_budget_timing
																		 WHEN 'timing' THEN a.deal_lost_budget_timing
																		 ELSE a.deal_lost_other END
									 ELSE 0 END
				 * greatest(0, least(1, 1 - (a.day - x.closed_on)::float8 / a.deal_horizon_days))
			ELSE 0 END AS value
  FROM x CROSS JOIN a;

-- The score of each customer against the reference: the deal component's
-- value and contribution, the score (customer 1's, who has no decline and
-- no deal, plus the deal's contribution), and every other component as
-- customer 1's.  W is the sum of the applicable weights but the deal's
-- (events and contracts are not bound; the models' only when one applies);
-- the deal's share is 100 * deal / (W + deal), bound or not.
CREATE VIEW ds.check AS
SELECT cs.customer_id, cs.score_breakdown -> 'deal' ->> 'basis' AS deal_basis,
	   (cs.score_breakdown -> 'deal' ->> 'value')::float8 AS value,
	   (cs.score_breakdown -> 'deal' ->> 'contribution')::float8 AS contribution,
	   round(cs.priority_score::numeric, 4) AS score,
	   r.decline_counts,
	   CASE WHEN b.deals_bound OR r.decline_counts
			THEN (cs.score_breakdown -> 'deal' ->> 'value')::float8 = round(r.value::numeric, 4)::float8
			ELSE cs.score_breakdown -> 'deal' -> 'value' = 'null' END AS value_ok,
	   (cs.score_breakdown -> 'deal' ->> 'contribution')::float8
		 = round((100 * sw.deal / (w.w + sw.deal) * r.value)::numeric, 2)::float8 AS contribution_ok,
	   abs(cs.priority_score - greatest(0, least(100, base.priority_score + 100 * sw.deal / (w.w + sw.deal) * r.value))) < 1e-9 AS score_ok,
	   (cs.score_breakdown - 'deal') = (base.score_breakdown - 'deal') AS others_as_customer_1
  FROM dormancy.customer_status cs
  JOIN ds.reference r USING (customer_id)
  JOIN dormancy.customer_status base ON base.customer_id = 1
 CROSS JOIN dormancy.score_weights_in_force() sw
 CROSS JOIN dormancy.src_bindings b
 CROSS JOIN LATERAL (
	SELECT sw.past_value + sw.regularity + sw.recency + sw.decline
		   + CASE WHEN cs.p_alive IS NOT NULL THEN sw.p_alive ELSE 0 END
		   + CASE WHEN cs.expected_value IS NOT NULL THEN sw.expected_value ELSE 0 END AS w
  ) w;

--
-- 1. Deals not bound: the outreach log is the only source of the component
--
SELECT customer_id, last_outcome_on, last_outcome, last_declined_reason FROM dormancy.customer_outreach ORDER BY customer_id;
SELECT * FROM ds.check ORDER BY customer_id;
SELECT count(*) FILTER (WHERE value_ok AND contribution_ok AND score_ok AND others_as_customer_1) AS as_expected,
	   count(*) AS customers
  FROM ds.check;
-- customer 1 (no decline) keeps the score it had: the deal component is not
-- applicable for it, the other components share the 100 points
SELECT customer_id, score_breakdown -> 'deal' AS deal,
	   (SELECT sum((e.value ->> 'share')::float8) FROM jsonb_each(score_breakdown) e WHERE e.key <> 'deal') AS other_shares
  FROM dormancy.customer_status WHERE customer_id IN (1, 2) ORDER BY customer_id;
-- the call list: the budget decline first, the price and competitor
-- declines last (with equal scores the list was by id)
SELECT call_order, customer_id, round(priority_score::numeric, 2) AS score, likely_reason
  FROM dormancy.call_list ORDER BY call_order;
SELECT (SELECT priority_score FROM dormancy.call_list WHERE customer_id = 2)
	   < (SELECT priority_score FROM dormancy.call_list WHERE customer_id = 1) AS competitor_below_customer_1,
	   (SELECT priority_score FROM dormancy.call_list WHERE customer_id = 4)
	   > (SELECT priority_score FROM dormancy.call_list WHERE customer_id = 1) AS budget_above_customer_1;
-- the breakdown in Japanese and English
SET dormancy.language = 'ja';
SELECT customer_id, dormancy.score_breakdown_label(score_breakdown) -> 'deal' AS deal
  FROM dormancy.customer_status WHERE customer_id IN (1, 2, 4, 12) ORDER BY customer_id;
SET dormancy.language = 'en';
SELECT customer_id, dormancy.score_breakdown_label(score_breakdown) -> 'deal' AS deal
  FROM dormancy.customer_status WHERE customer_id IN (1, 2, 4, 12) ORDER BY customer_id;
RESET dormancy.language;

--
-- 2. Deals bound: the latest of the last closed deal and the decline wins,
-- for the likely reason too (customer 8's deal, postponed after its
-- decline: budget_timing; sql/reason_latest_evidence.sql)
--
INSERT INTO ds.deals VALUES
	(8, '2026-08-01', 'postponed', 'budget'),	-- after customer 8's decline: the deal
	(9, '2026-07-01', 'lost', 'budget'),		-- before customer 9's decline: the decline
	(11, '2026-06-01', 'lost', 'competitor');	-- customer 11's meeting is no decline: the deal
SELECT dormancy.bind_deals('ds.deals', customer => 'customer', closed_at => 'closed_on', outcome => 'outcome', lost_reason => 'reason');
SELECT customer_id, last_deal_at, last_deal_outcome, last_deal_reason FROM dormancy.customer_deals ORDER BY customer_id;
SELECT * FROM ds.check ORDER BY customer_id;
SELECT count(*) FILTER (WHERE value_ok AND contribution_ok AND score_ok AND others_as_customer_1) AS as_expected,
	   count(*) AS customers
  FROM ds.check;
SELECT call_order, customer_id, round(priority_score::numeric, 2) AS score, likely_reason
  FROM dormancy.call_list ORDER BY call_order;
-- a deal on the day of the decline: the decline is not later, the deal counts
UPDATE ds.deals SET closed_on = '2026-08-01' WHERE customer = 9;
SELECT customer_id, deal_basis, value, decline_counts, value_ok, contribution_ok, score_ok FROM ds.check WHERE customer_id = 9;
-- the weights as edited: the reference reads them
INSERT INTO dormancy.score_weights (deal, deal_lost_competitor, deal_horizon_days) VALUES (30, -0.8, 400);
SELECT count(*) FILTER (WHERE value_ok AND contribution_ok AND score_ok AND others_as_customer_1) AS as_expected,
	   count(*) AS customers
  FROM ds.check;
SELECT customer_id, deal_basis, value, contribution FROM ds.check WHERE customer_id IN (2, 9) ORDER BY customer_id;

--
-- 3. The public score_priority(inputs, weights, reason, days) scores as
-- customer_status does while no value distribution is stored (past_value
-- and expected_value on the log scale up to value_cap): given the inputs
-- customer_status builds and its decline, the same score and breakdown.
-- It takes no percentiles, so once a distribution is stored (fit_models()
-- stores one) it differs in those two components, and so in the score
-- (docs/priority.md).  The inputs, internal, read from a copy of
-- customer_status that shows them.
--
DO $$
BEGIN
	EXECUTE 'CREATE VIEW ds.status_inputs AS ' ||
		replace(pg_get_viewdef('dormancy.customer_status'), '(ev.r).priority_score AS priority_score,',
				'(ev.r).priority_score AS priority_score, (ev.r).priority_inputs AS t_inputs, '
				'(ev.r).outreach_declined_reason AS t_reason, (ev.r).days_since_outreach_decline AS t_days,');
END
$$;
CREATE VIEW ds.public_form AS
SELECT s.customer_id, s.t_reason, s.t_days, s.priority_score, s.score_breakdown, p.score, p.breakdown
  FROM ds.status_inputs s
 CROSS JOIN LATERAL dormancy.score_priority(s.t_inputs, dormancy.score_weights_in_force(), s.t_reason, s.t_days) p;
SELECT count(*) AS stored FROM dormancy.value_distribution;
SELECT count(*) AS customers, count(*) FILTER (WHERE t_reason IS NOT NULL) AS with_decline,
	   count(*) FILTER (WHERE score = priority_score) AS same_score,
	   count(*) FILTER (WHERE breakdown = score_breakdown) AS same_breakdown
  FROM ds.public_form;
-- a distribution of the amounts stored: past_value is a percentile now
INSERT INTO dormancy.value_distribution (measure, quantiles, customers, as_of)
SELECT 'total_amount', array_agg(20000.0 * g ORDER BY g), 1000, '2026-10-01' FROM generate_series(0, 200) g;
SELECT count(*) AS customers, count(*) FILTER (WHERE score = priority_score) AS same_score,
	   count(*) FILTER (WHERE breakdown = score_breakdown) AS same_breakdown,
	   count(*) FILTER (WHERE breakdown - 'past_value' = score_breakdown - 'past_value') AS same_but_past_value
  FROM ds.public_form;
SELECT DISTINCT score_breakdown -> 'past_value' ->> 'value' AS status_past_value, breakdown -> 'past_value' ->> 'value' AS public_past_value
  FROM ds.public_form;
DELETE FROM dormancy.value_distribution;
DROP VIEW ds.public_form, ds.status_inputs;
DELETE FROM dormancy.score_weights;
-- unbound again: the first part's scores
SELECT dormancy.unbind('deals');
SELECT count(*) FILTER (WHERE value_ok AND contribution_ok AND score_ok AND others_as_customer_1) AS as_expected,
	   count(*) AS customers
  FROM ds.check;

DROP VIEW ds.check, ds.reference;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA ds CASCADE;
TRUNCATE dormancy.outreach_log;
DELETE FROM dormancy.outreach_settings;
RESET dormancy.as_of;
