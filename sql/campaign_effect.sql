-- The effect of a win-back campaign (issue 15): a simulated campaign on
-- generated customers with a known true lift per planned channel (phone +12
-- points, email +2, direct mail none, over a control rate of 20%), and the
-- effect view must recover each lift within its 95% interval; the counts
-- and intervals equal a second computation in plain SQL; learning adopts
-- the measured channel and theme; the state history ties in; and over 100
-- simulated campaigns the intervals cover the true lift 90 to 99 times.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;	-- one process: random() draws in a fixed order
-- Each member's draws are made in a CTE ordered by the customer id (a
-- volatile select list is evaluated after its ORDER BY), not in a WHERE,
-- which the planner evaluates in the order its scan returns the rows: heap
-- order by a bitmap scan, id order by an index scan, depending on whether
-- autovacuum had analyzed the members yet (a lift of 0.15 instead of 0.16).
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\i test/sql_ref/unbind_all.sql
SELECT dormancy.reset_defaults('dormancy.message_themes'), dormancy.reset_defaults('dormancy.approach_rules');
DELETE FROM dormancy.outreach_settings;
-- the days in Japan's zone: an order at 15:30 UTC is the next day there
SET dormancy.time_zone = 'Asia/Tokyo';
SET dormancy.as_of = '2026-10-01';
SELECT setseed(0.15);

CREATE SCHEMA ce;
CREATE TABLE ce.customers (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE ce.orders (customer integer, at timestamptz, amount numeric);
CREATE INDEX ON ce.orders (customer);
-- 6,000 customers who stopped buying in 2025: lapsing on 2026-10-01.  Half
-- bought monthly for half a year (likely reason circumstances_changed, theme
-- new_offer), half once (one_time_mismatch, feedback_survey); the industry
-- (by id) decides the planned channel: the approach rules are replaced by
-- one per industry (phone, email, direct mail).
INSERT INTO ce.customers
SELECT g, 'customer ' || g, (ARRAY['manufacturing', 'retail', 'wholesale'])[1 + g % 3] FROM generate_series(1, 6000) g;
INSERT INTO ce.orders
SELECT c.id, timestamptz '2025-01-10 03:00+00' + (m || ' months')::interval + (c.id % 20 || ' days')::interval,
	   1000 + c.id % 500
  FROM ce.customers c CROSS JOIN generate_series(0, 5) m
 WHERE (c.id / 3) % 2 = 0 OR m = 2;
SELECT dormancy.bind_customers('ce.customers', 'id', name => 'name', industry => 'industry');
SELECT dormancy.bind_orders('ce.orders', 'customer', 'at', 'amount');
DELETE FROM dormancy.approach_rules;
INSERT INTO dormancy.approach_rules (rule_order, channel, industries, note) VALUES
	(10, 'phone', '{manufacturing}', 'test'), (20, 'email', '{retail}', 'test'), (30, 'direct_mail', '{wholesale}', 'test');
-- everyone lapsing is on the call list
INSERT INTO dormancy.score_weights (call_list_min_score, call_list_tiers) VALUES (0, '{A,B,C}');

-- The campaign: start_campaign() freezes the call list and holds out 20% of
-- each stratum (state x reason x score band)
SELECT customers, controls, reactivation_days, as_of FROM dormancy.start_campaign('autumn win-back', control_share => 0.2, seed => 42);
SELECT campaign_id AS cid FROM dormancy.campaigns WHERE name = 'autumn win-back' \gset
SELECT m.channel, m.likely_reason, m.theme, count(*) AS members, count(*) FILTER (WHERE m.is_control) AS controls
  FROM dormancy.campaign_members m WHERE m.campaign_id = :cid GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT m.score_band, count(*) AS members FROM dormancy.campaign_members m WHERE m.campaign_id = :cid GROUP BY 1 ORDER BY 1;

-- The truth: a control comes back with probability 0.15 in the lowest score
-- band, 0.05 more in each higher band; a treated member (contacted or not:
-- intention to treat) with that + the channel's lift.  A returning member orders once on a random day
-- of the 90-day window, an amount exponential around 30,000.
CREATE TABLE ce.truth (channel text PRIMARY KEY, lift double precision);
INSERT INTO ce.truth VALUES ('phone', 0.12), ('email', 0.02), ('direct_mail', 0.0);
WITH m AS MATERIALIZED (
	SELECT m.*, random() AS u, random() AS u_day, random() AS u_amount
	  FROM dormancy.campaign_members m WHERE m.campaign_id = :cid ORDER BY m.customer_id::integer)
INSERT INTO ce.orders
SELECT m.customer_id::integer,
	   timestamptz '2026-10-01 03:00+00' + ((1 + floor(m.u_day * 90)::int) || ' days')::interval,
	   round((-30000 * ln(1 - m.u_amount))::numeric)
  FROM m
  JOIN ce.truth t ON t.channel = m.channel
 WHERE m.u < 0.15 + 0.05 * (SELECT count(*) FROM unnest('{25,50,75}'::float8[]) b WHERE m.priority_score >= b)
			 + CASE WHEN m.is_control THEN 0 ELSE t.lift END;
-- what must not count, on members who did not come back (the five lowest
-- ids without an order after the start): an order on the start day itself,
-- orders after the window (day 91 in Japan: 2026-12-30 15:30 UTC is
-- 2026-12-31 there), a refund alone on a day (no purchase day); and an
-- order without a customer.  What counts: a purchase on the window's last
-- day in Japan (2026-12-29 15:30 UTC is 2026-12-30 00:30 there)
CREATE TABLE ce.edge AS
SELECT row_number() OVER (ORDER BY m.customer_id::integer) AS k, m.customer_id
  FROM dormancy.campaign_members m
 WHERE m.campaign_id = :cid
   AND NOT EXISTS (SELECT 1 FROM ce.orders o WHERE o.customer = m.customer_id::integer AND o.at >= '2026-10-01')
 ORDER BY m.customer_id::integer LIMIT 5;
INSERT INTO ce.orders
SELECT e.customer_id::integer, v.at, v.amount
  FROM ce.edge e
  JOIN (VALUES (1, timestamptz '2026-10-01 05:00+00', 5000), (2, '2026-12-30 15:30+00', 7000),
			   (3, '2027-01-05 03:00+00', 9000), (4, '2026-11-01 03:00+00', -3000),
			   (5, '2026-12-29 15:30+00', 4000)) v(k, at, amount) ON v.k = e.k;
INSERT INTO ce.orders VALUES (NULL, '2026-11-01 03:00+00', 1000);

-- The outreach: 85% of the treated reached in the first 20 days, by the
-- planned channel, some in Japanese wordings; two controls were called all
-- the same.
WITH m AS MATERIALIZED (
	SELECT m.*, random() AS u, random() AS u_day, random() AS u_outcome
	  FROM dormancy.campaign_members m WHERE m.campaign_id = :cid AND NOT m.is_control ORDER BY m.customer_id::integer)
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, theme, outcome, campaign_id)
SELECT m.customer_id, timestamptz '2026-10-02 01:00+00' + ((floor(m.u_day * 20)::int) || ' days')::interval,
	   CASE WHEN m.channel = 'phone' AND m.customer_id::integer % 2 = 0 THEN U&'\96FB\8A71' ELSE m.channel END,
	   m.theme, (ARRAY['reached', 'not_reached', 'interested', 'declined'])[1 + floor(m.u_outcome * 4)::int], :cid
  FROM m
 WHERE m.u < 0.85;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT m.customer_id, '2026-10-05 01:00+00', 'phone', 'reached', :cid
  FROM dormancy.campaign_members m WHERE m.campaign_id = :cid AND m.is_control ORDER BY m.customer_id::integer LIMIT 2;

SET dormancy.as_of = '2027-01-15';

-- 1. Each channel's lift is recovered within its interval; direct mail (no
-- true effect) covers zero; phone's lift is clearly above zero
SELECT e.channel, e.treated, e.controls, e.window_ended,
	   round(e.rate_difference::numeric, 3) AS lift,
	   round(e.rate_difference_lower::numeric, 3) AS lower, round(e.rate_difference_upper::numeric, 3) AS upper,
	   e.rate_difference_lower <= t.lift AND t.lift <= e.rate_difference_upper AS covers_true_lift,
	   e.rate_difference_lower <= 0 AND 0 <= e.rate_difference_upper AS covers_zero
  FROM dormancy.campaign_effect e JOIN ce.truth t ON t.channel = e.channel
 WHERE e.campaign_id = :cid AND e.level = 'channel'
 ORDER BY t.lift DESC;

-- the whole campaign: true lift (0.12 + 0.02 + 0) / 3
SELECT e.level, e.treated, e.controls, e.contacted, e.controls_contacted,
	   e.rate_difference_lower <= 0.14 / 3 AND 0.14 / 3 <= e.rate_difference_upper AS covers_true_lift,
	   e.number_needed_lower <= e.number_needed AND e.number_needed <= e.number_needed_upper AS number_needed_in_interval,
	   e.number_needed_upper IS NULL = (e.rate_difference_lower <= 0) AS unbounded_iff_interval_has_zero,
	   e.revenue_difference_lower < e.revenue_difference AND e.revenue_difference < e.revenue_difference_upper AS revenue_interval,
	   e.contacted_rate IS NOT NULL AS contacted_rate_shown
  FROM dormancy.campaign_effect e WHERE e.campaign_id = :cid AND e.level = 'all';

-- revenue: the true difference per member is lift * 30,000 (the mean order)
SELECT e.channel,
	   e.revenue_difference_lower <= t.lift * 30000 AND t.lift * 30000 <= e.revenue_difference_upper AS covers_true_revenue
  FROM dormancy.campaign_effect e JOIN ce.truth t ON t.channel = e.channel
 WHERE e.campaign_id = :cid AND e.level = 'channel'
 ORDER BY t.lift DESC;

-- 2. A second computation in plain SQL: the members' outcomes from the
-- orders, the rates, Newcombe's interval from Wilson's formula, Welch's
-- from var_samp (with the t quantile of the C code: its own test checks it
-- against the tables), the number needed to treat
CREATE TABLE ce.ref_members AS
SELECT m.customer_id, m.is_control, m.channel, m.theme, m.likely_reason,
	   EXISTS (SELECT 1 FROM (SELECT (o.at AT TIME ZONE 'Asia/Tokyo')::date AS day, sum(o.amount) AS amount
								FROM ce.orders o WHERE o.customer = m.customer_id::integer GROUP BY 1) d
				WHERE d.day > '2026-10-01' AND d.day <= '2026-12-30' AND d.amount > 0) AS reactivated,
	   coalesce((SELECT sum(o.amount) FROM ce.orders o
				  WHERE o.customer = m.customer_id::integer
					AND (o.at AT TIME ZONE 'Asia/Tokyo')::date > '2026-10-01'
					AND (o.at AT TIME ZONE 'Asia/Tokyo')::date <= '2026-12-30'), 0)::double precision AS revenue,
	   EXISTS (SELECT 1 FROM dormancy.outreach_log l WHERE l.customer_id = m.customer_id AND l.campaign_id = :cid) AS contacted
  FROM dormancy.campaign_members m WHERE m.campaign_id = :cid;
CREATE TABLE ce.ref AS
WITH g AS (
	SELECT r.channel,
		   count(*) FILTER (WHERE NOT r.is_control)::double precision AS n1,
		   count(*) FILTER (WHERE r.is_control)::double precision AS n2,
		   count(*) FILTER (WHERE NOT r.is_control AND r.reactivated)::double precision AS x1,
		   count(*) FILTER (WHERE r.is_control AND r.reactivated)::double precision AS x2,
		   count(*) FILTER (WHERE NOT r.is_control AND r.contacted) AS contacted,
		   avg(r.revenue) FILTER (WHERE NOT r.is_control) AS m1, var_samp(r.revenue) FILTER (WHERE NOT r.is_control) AS v1,
		   avg(r.revenue) FILTER (WHERE r.is_control) AS m2, var_samp(r.revenue) FILTER (WHERE r.is_control) AS v2
	  FROM ce.ref_members r GROUP BY r.channel
), w AS (	-- Wilson's bounds, z = 1.959963984540054
	SELECT g.*, g.x1 / g.n1 AS p1, g.x2 / g.n2 AS p2, 1.959963984540054::double precision AS z FROM g
), b AS (
	SELECT w.*,
		   ((w.p1 + w.z ^ 2 / (2 * w.n1)) - w.z * sqrt(w.p1 * (1 - w.p1) / w.n1 + w.z ^ 2 / (4 * w.n1 ^ 2))) / (1 + w.z ^ 2 / w.n1) AS l1,
		   ((w.p1 + w.z ^ 2 / (2 * w.n1)) + w.z * sqrt(w.p1 * (1 - w.p1) / w.n1 + w.z ^ 2 / (4 * w.n1 ^ 2))) / (1 + w.z ^ 2 / w.n1) AS u1,
		   ((w.p2 + w.z ^ 2 / (2 * w.n2)) - w.z * sqrt(w.p2 * (1 - w.p2) / w.n2 + w.z ^ 2 / (4 * w.n2 ^ 2))) / (1 + w.z ^ 2 / w.n2) AS l2,
		   ((w.p2 + w.z ^ 2 / (2 * w.n2)) + w.z * sqrt(w.p2 * (1 - w.p2) / w.n2 + w.z ^ 2 / (4 * w.n2 ^ 2))) / (1 + w.z ^ 2 / w.n2) AS u2,
		   (w.v1 / w.n1 + w.v2 / w.n2) ^ 2 / ((w.v1 / w.n1) ^ 2 / (w.n1 - 1) + (w.v2 / w.n2) ^ 2 / (w.n2 - 1)) AS df
	  FROM w
)
SELECT b.channel, b.n1, b.n2, b.x1, b.x2, b.contacted, b.p1 - b.p2 AS d,
	   b.p1 - b.p2 - sqrt((b.p1 - b.l1) ^ 2 + (b.u2 - b.p2) ^ 2) AS lower,
	   b.p1 - b.p2 + sqrt((b.u1 - b.p1) ^ 2 + (b.p2 - b.l2) ^ 2) AS upper,
	   b.m1 - b.m2 AS rd, b.df, sqrt(b.v1 / b.n1 + b.v2 / b.n2) AS se
  FROM b;
SELECT e.channel,
	   e.treated = r.n1 AND e.controls = r.n2 AND e.treated_reactivated = r.x1 AND e.control_reactivated = r.x2
		   AND e.contacted = r.contacted AS counts_agree,
	   abs(e.rate_difference - r.d) < 1e-12 AND abs(e.rate_difference_lower - r.lower) < 1e-12
		   AND abs(e.rate_difference_upper - r.upper) < 1e-12 AS newcombe_agrees,
	   abs(e.number_needed - 1 / r.d) < 1e-9 AS number_needed_agrees,
	   abs(e.revenue_difference - r.rd) < 1e-6 AS revenue_agrees,
	   -- Welch's half-width over the standard error is the t quantile of
	   -- the Welch-Satterthwaite df: between the normal one and that of
	   -- the smaller group's df
	   (e.revenue_difference_upper - e.revenue_difference) / r.se BETWEEN 1.959963984540054 AND 1.9720 AS welch_t_in_range,
	   r.df > 1000 AS df_large
  FROM dormancy.campaign_effect e JOIN ce.ref r ON r.channel = e.channel
 WHERE e.campaign_id = :cid AND e.level = 'channel'
 ORDER BY 1;

-- the edge orders: the start-day order, the orders after the window and the
-- refund do not count; the order on the window's last day in Japan does
SELECT e.k, (ARRAY['start day', 'day 91 in Japan', 'after the window', 'refund', 'last day in Japan'])[e.k] AS edge,
	   o.reactivated, o.first_purchase_on, o.revenue
  FROM ce.edge e JOIN dormancy.campaign_outcomes o ON o.campaign_id = :cid AND o.customer_id = e.customer_id
 ORDER BY e.k;
SELECT r.customer_id, r.reactivated = o.reactivated AS agrees
  FROM ce.ref_members r JOIN dormancy.campaign_outcomes o ON o.customer_id = r.customer_id AND o.campaign_id = :cid
 WHERE r.reactivated <> o.reactivated OR abs(r.revenue - o.revenue) > 1e-6
 ORDER BY 1;

-- the labels in Japanese
SET dormancy.language = 'ja';
SELECT channel, channel_label, theme_label, likely_reason_label FROM dormancy.campaign_effect
 WHERE campaign_id = :cid AND level = 'approach' ORDER BY channel, likely_reason LIMIT 2;
RESET dormancy.language;

-- the same outreach in the CRM's own activity table, bound instead of the
-- extension's log: the same contacts
SELECT contacted AS contacted_from_log FROM dormancy.campaign_effect WHERE campaign_id = :cid AND level = 'all' \gset
CREATE TABLE ce.activities AS
SELECT customer_id::integer AS account, contacted_at AS done_at, channel AS kind, outcome AS result, campaign_id AS campaign
  FROM dormancy.outreach_log;
SELECT dormancy.bind_outreach('ce.activities', customer => 'account', contacted_at => 'done_at',
							  channel => 'kind', outcome => 'result', campaign => 'campaign');
SELECT e.contacted = :contacted_from_log AS same_contacts, e.controls_contacted
  FROM dormancy.campaign_effect e WHERE e.campaign_id = :cid AND e.level = 'all';
SELECT dormancy.unbind('outreach');

-- the levels: one 'all' row, 3 channels, 2 themes, 2 reasons, 12 approaches
SELECT level, count(*) FROM dormancy.campaign_effect WHERE campaign_id = :cid GROUP BY level ORDER BY level;
-- the approach rows add up to the whole campaign
SELECT sum(treated) = (SELECT treated FROM dormancy.campaign_effect WHERE campaign_id = :cid AND level = 'all') AS adds_up
  FROM dormancy.campaign_effect WHERE campaign_id = :cid AND level = 'approach';

-- 3. A window not yet over: as of 2026-11-01, the campaign says so, and only
-- the days so far count
SET dormancy.as_of = '2026-11-01';
SELECT e.window_ended, e.window_end, e.treated_reactivated < 900 AS fewer_so_far
  FROM dormancy.campaign_effect e WHERE e.campaign_id = :cid AND e.level = 'all';
-- an as-of day before the start: nothing yet, and the window is not over
SET dormancy.as_of = '2026-09-01';
SELECT e.window_ended, e.treated_reactivated, e.control_reactivated, e.contacted
  FROM dormancy.campaign_effect e WHERE e.campaign_id = :cid AND e.level = 'all';
SET dormancy.as_of = '2027-01-15';

-- 4. Calibration per score band: the control rate grows with the band (the
-- truth: 0.15 + 0.05 per band above the lowest); one row per band
SELECT c.score_band, c.band_from, c.treated, c.controls,
	   0.15 + 0.05 * (SELECT count(*) FROM unnest('{25,50,75}'::float8[]) b WHERE c.band_from >= b) AS true_control_rate,
	   round(c.control_rate::numeric, 2) AS control_rate, round(c.treated_rate::numeric, 2) AS treated_rate
  FROM dormancy.campaign_score_calibration c WHERE c.campaign_id = :cid ORDER BY c.band_from;

-- 5. Learning: per reason, the measured channel is phone; the measured
-- theme is one with a lift above 0; too few observations show nothing
SELECT a.likely_reason, a.measured_channel, a.channel_lift_lower > 0 AS channel_lift_above_0,
	   a.current_channel, a.current_theme, a.current_theme_installed, a.adopt_channel,
	   a.channel_treated, a.channel_controls
  FROM dormancy.measured_approaches a ORDER BY 1;
INSERT INTO dormancy.outreach_settings (min_observations) VALUES (1000);
SELECT a.likely_reason, a.measured_channel, a.measured_theme, a.adopt_channel, a.adopt_theme
  FROM dormancy.measured_approaches a ORDER BY 1;
DELETE FROM dormancy.outreach_settings;

-- an analyst reads the effect (with SELECT on the tables it is computed
-- from) but cannot adopt: that writes the rules
GRANT USAGE ON SCHEMA ce TO dormancy_analyst;
GRANT SELECT ON ce.customers, ce.orders TO dormancy_analyst;
SET ROLE dormancy_analyst;
SELECT count(*) AS effect_rows FROM (SELECT * FROM dormancy.campaign_effect WHERE campaign_id = :cid) e;
SELECT count(*) > 0 AS measured FROM (SELECT * FROM dormancy.measured_approaches) a;
SELECT count(*) AS calibration_rows FROM (SELECT * FROM dormancy.campaign_score_calibration WHERE campaign_id = :cid) c;
SELECT count(*) AS member_rows FROM (SELECT * FROM dormancy.campaign_outcomes WHERE campaign_id = :cid) o;
SELECT count(*) AS transitions FROM (SELECT * FROM dormancy.campaign_transitions) t;
-- the per-row values too (a count alone may skip columns)
SELECT sum(length(m::text)) > 0 AS read_all FROM dormancy.measured_approaches m;
SELECT sum(length(e::text)) > 0 AS read_all FROM dormancy.campaign_effect e WHERE e.campaign_id = :cid;
\set VERBOSITY terse
SELECT * FROM dormancy.adopt_measured_approaches();
\set VERBOSITY default
RESET ROLE;

-- a rule of a reason placed after the general rules decides nothing: it is
-- not the reason's current channel, and adopting leaves it and writes one
-- before the general rules
INSERT INTO dormancy.approach_rules (rule_order, channel, reasons, note) VALUES (90, 'visit', '{one_time_mismatch}', 'after the general rules');
SELECT a.likely_reason, a.current_channel, a.adopt_channel FROM dormancy.measured_approaches a ORDER BY 1;
-- (the same with the dead rule on the measured channel: still to adopt)
UPDATE dormancy.approach_rules SET channel = 'phone' WHERE rule_order = 90;
SELECT a.likely_reason, a.current_channel, a.adopt_channel FROM dormancy.measured_approaches a ORDER BY 1;
UPDATE dormancy.approach_rules SET channel = 'visit' WHERE rule_order = 90;

-- adopting writes the measured channel as a rule per reason before the
-- general ones (and the theme where it differs); a second call changes nothing
SELECT kind, likely_reason, previous, adopted, rule_order, lift_lower > 0 AS lift_above_0
  FROM dormancy.adopt_measured_approaches() ORDER BY kind, likely_reason;
SELECT count(*) AS second_call FROM dormancy.adopt_measured_approaches();
SELECT rule_order, channel, reasons, installed, rule_order < (SELECT min(rule_order) FROM dormancy.approach_rules WHERE reasons IS NULL) AS before_general
  FROM dormancy.approach_rules WHERE reasons IS NOT NULL ORDER BY rule_order;
SELECT a.likely_reason, a.current_channel, a.adopt_channel, a.adopt_theme FROM dormancy.measured_approaches a ORDER BY 1;
-- the adopted rules decide the channel of the reason's customers now
SELECT likely_reason, approach_channel, count(*) FROM dormancy.customer_status
 WHERE likely_reason IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;
-- the written rows are the user's: reset_defaults keeps them (it brings
-- back the installed rows only)
SELECT dormancy.reset_defaults('dormancy.approach_rules');
SELECT count(*) AS reason_rules_kept FROM dormancy.approach_rules WHERE reasons IS NOT NULL;
DELETE FROM dormancy.approach_rules WHERE reasons IS NOT NULL;
-- a theme that measures better is written into message_themes as the
-- user's: a second campaign (ended) tries two themes on the reason
-- circumstances_changed by e-mail, half held out; the truth: referral +15
-- points, usage_guide none
SELECT setseed(0.31);
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands)
VALUES (9004, 'theme trial', '2026-09-01', 0.5, 7, 60, '{25,50,75}');
-- (members are customers: campaign_outcomes reads the orders of the bound
-- customers only, as customer_status)
INSERT INTO ce.customers SELECT 20000 + i, 'customer ' || (20000 + i), 'retail' FROM generate_series(1, 2000) i;
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, likely_reason, channel, theme)
SELECT 9004, (20000 + i)::text, i % 4 < 2, 'circumstances_changed', 'circumstances_changed', 'email',
	   CASE WHEN i % 2 = 0 THEN 'referral' ELSE 'usage_guide' END
  FROM generate_series(1, 2000) i;
WITH m AS MATERIALIZED (
	SELECT m.*, random() AS u FROM dormancy.campaign_members m WHERE m.campaign_id = 9004 ORDER BY m.customer_id::integer)
INSERT INTO ce.orders
SELECT m.customer_id::integer, timestamptz '2026-09-10 03:00+00', 8000
  FROM m
 WHERE m.u < 0.2 + CASE WHEN NOT m.is_control AND m.theme = 'referral' THEN 0.15 ELSE 0 END;
SELECT a.likely_reason, a.measured_theme, a.theme_lift_lower > 0 AS theme_lift_above_0, a.current_theme,
	   a.current_theme_installed, a.adopt_theme, a.theme_treated, a.theme_controls
  FROM dormancy.measured_approaches a ORDER BY 1;
SELECT kind, likely_reason, previous, adopted FROM dormancy.adopt_measured_approaches(themes => true, channels => false);
SELECT reason, theme, installed, note LIKE 'measured: lift %' AS noted FROM dormancy.message_themes WHERE reason = 'circumstances_changed';
SELECT count(*) AS second_call FROM dormancy.adopt_measured_approaches(themes => true, channels => false);
-- the measured theme is the one the reason's customers get now
SELECT DISTINCT message_theme FROM dormancy.customer_status WHERE likely_reason = 'circumstances_changed';
SELECT dormancy.reset_defaults('dormancy.message_themes');
\set VERBOSITY terse
SELECT * FROM dormancy.adopt_measured_approaches(NULL, true);
\set VERBOSITY default

-- 6. The state history: refreshes before and after the window; the members
-- who came back show the transition to active, linked to the campaign
SELECT coalesce(max(history_id), 0) AS hist0 FROM dormancy.status_history \gset
SET dormancy.as_of = '2026-10-01';
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SET dormancy.as_of = '2027-01-15';
CALL dormancy.refresh();
-- (the transitions of members whose purchase was not in the window, the
-- edge orders above, are not tied to the campaign)
SELECT count(*) AS transitions_to_active,
	   count(*) FILTER (WHERE customer_id IN (SELECT t.customer_id FROM dormancy.campaign_transitions t WHERE t.campaign_id = :cid))
		   AS of_members_who_came_back
  FROM dormancy.status_history WHERE history_id > :hist0 AND to_state = 'active' AND change = 'changed';
SELECT t.is_control, count(*) > 0 AS has_transitions, bool_and(o.reactivated) AS all_reactivated,
	   bool_and(t.days_from_start BETWEEN 1 AND 90 AND t.recorded_as_of >= t.first_purchase_on) AS in_window,
	   bool_and(t.from_state IN ('at_risk', 'dormant', 'long_dormant') AND t.to_state = 'active') AS back_to_active
  FROM dormancy.campaign_transitions t
  JOIN dormancy.campaign_outcomes o ON o.campaign_id = t.campaign_id AND o.customer_id = t.customer_id
 WHERE t.campaign_id = :cid
 GROUP BY t.is_control ORDER BY 1;

-- an analyst reads them too (status_history is granted for it)
SELECT count(*) AS owner_transitions FROM dormancy.campaign_transitions \gset
SET ROLE dormancy_analyst;
SELECT count(*) = :owner_transitions AND count(*) > 0 AS analyst_sees_them
  FROM (SELECT * FROM dormancy.campaign_transitions) t;
RESET ROLE;

-- Learning over several campaigns: two ended campaigns try visits on the
-- reason spec_change with no true lift, one holding out half its members
-- where few come back (10%), the other a tenth where many do (40%).  Added
-- up, the treated come mostly from the second and the controls from the
-- first: a lift of about +14 points that is not there (Simpson's paradox).
-- Taken as strata (Mantel-Haenszel), the interval covers 0.
SELECT setseed(0.5) \gset
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands)
VALUES (9005, 'visits a', '2026-08-01', 0.5, 5, 60, '{25,50,75}'),
	   (9006, 'visits b', '2026-08-15', 0.1, 6, 60, '{25,50,75}');
INSERT INTO ce.customers SELECT 30000 + i, 'customer ' || (30000 + i), 'retail' FROM generate_series(1, 4000) i;
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, likely_reason, channel, theme)
SELECT CASE WHEN i <= 2000 THEN 9005 ELSE 9006 END, (30000 + i)::text,
	   CASE WHEN i <= 2000 THEN i % 2 = 0 ELSE i % 10 = 0 END,
	   'spec_change', 'spec_change', 'visit', 'usage_guide'
  FROM generate_series(1, 4000) i;
WITH m AS MATERIALIZED (
	SELECT m.*, random() AS u
	  FROM dormancy.campaign_members m WHERE m.campaign_id IN (9005, 9006) ORDER BY m.customer_id::integer)
INSERT INTO ce.orders
SELECT m.customer_id::integer, c.as_of + 10 + time '03:00', 5000
  FROM m
  JOIN dormancy.campaigns c USING (campaign_id)
 WHERE m.u < CASE m.campaign_id WHEN 9005 THEN 0.10 ELSE 0.40 END;
WITH naive AS (
	SELECT pd.*
	  FROM (SELECT count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS x1, count(*) FILTER (WHERE NOT o.is_control) AS n1,
				   count(*) FILTER (WHERE o.is_control AND o.reactivated) AS x2, count(*) FILTER (WHERE o.is_control) AS n2
			  FROM dormancy.campaign_outcomes o WHERE o.campaign_id IN (9005, 9006)) t
	 CROSS JOIN LATERAL dormancy.proportion_difference(t.x1, t.n1, t.x2, t.n2) pd
)
SELECT a.measured_channel, a.channel_campaigns, a.channel_treated, a.channel_controls,
	   a.channel_lift_lower <= 0 AND 0 <= a.channel_lift_upper AS covers_zero, a.adopt_channel,
	   round(n.difference::numeric, 2) AS added_up_lift, n.lower > 0 AS added_up_would_mislead
  FROM dormancy.measured_approaches a CROSS JOIN naive n
 WHERE a.likely_reason = 'spec_change';

-- 7. Empty and degenerate: a campaign without controls has no difference;
-- a campaign without members has no rows
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands, customers, controls)
VALUES (9002, 'no controls', '2026-10-01', 0, 1, 90, '{25,50,75}', 2, 0),
	   (9003, 'empty', '2026-10-01', 0.1, 1, 90, '{25,50,75}', 0, 0);
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, channel)
VALUES (9002, '1', false, 'x', 'phone'), (9002, '2', false, 'x', 'phone');
SELECT campaign_id, level, treated, controls, rate_difference, number_needed, revenue_difference
  FROM dormancy.campaign_effect WHERE campaign_id IN (9002, 9003) AND level = 'all' ORDER BY 1;

-- 8. Coverage over 100 simulated campaigns (disjoint members, half held
-- out, control rate 0.20, treated 0.25; revenue exponential, mean 10,000
-- per buyer): the 95% intervals cover the true lift 90 to 99 times of 100
SELECT setseed(0.77);
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands)
SELECT 10000 + k, 'simulated ' || k, '2026-10-01', 0.5, k, 60, '{25,50,75}' FROM generate_series(1, 100) k;
INSERT INTO ce.customers SELECT 100000 + 400 * k + i, 'customer', 'retail' FROM generate_series(1, 100) k CROSS JOIN generate_series(0, 399) i;
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, likely_reason, channel)
SELECT 10000 + k, (100000 + 400 * k + i)::text, i % 2 = 0, 'all', 'unknown', 'phone'
  FROM generate_series(1, 100) k CROSS JOIN generate_series(0, 399) i;
WITH m AS MATERIALIZED (
	SELECT m.*, random() AS u, random() AS u_day, random() AS u_amount
	  FROM dormancy.campaign_members m WHERE m.campaign_id > 10000 ORDER BY m.customer_id::integer)
INSERT INTO ce.orders
SELECT m.customer_id::integer, timestamptz '2026-10-01 03:00+00' + ((1 + floor(m.u_day * 60)::int) || ' days')::interval,
	   (-10000 * ln(1 - m.u_amount))::numeric
  FROM m
 WHERE m.u < CASE WHEN m.is_control THEN 0.20 ELSE 0.25 END;
SELECT count(*) AS campaigns,
	   count(*) FILTER (WHERE e.rate_difference_lower <= 0.05 AND 0.05 <= e.rate_difference_upper) AS rate_covered,
	   count(*) FILTER (WHERE e.revenue_difference_lower <= 500 AND 500 <= e.revenue_difference_upper) AS revenue_covered,
	   count(*) FILTER (WHERE e.rate_difference_lower <= 0.05 AND 0.05 <= e.rate_difference_upper) BETWEEN 90 AND 99 AS rate_coverage_ok,
	   count(*) FILTER (WHERE e.revenue_difference_lower <= 500 AND 500 <= e.revenue_difference_upper) BETWEEN 90 AND 99 AS revenue_coverage_ok
  FROM dormancy.campaign_effect e WHERE e.campaign_id > 10000 AND e.level = 'all';

-- the 100 campaigns taken together as strata (measured_approaches): the
-- Mantel-Haenszel lift of phone for their reason covers the true 0.05
SELECT a.measured_channel, a.channel_campaigns, a.channel_treated, a.channel_controls,
	   a.channel_lift_lower <= 0.05 AND 0.05 <= a.channel_lift_upper AS covers_true_lift,
	   a.channel_lift_upper - a.channel_lift_lower < 0.03 AS narrow
  FROM dormancy.measured_approaches a WHERE a.likely_reason = 'unknown';

RESET dormancy.as_of;
RESET dormancy.time_zone;
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.campaigns WHERE campaign_id = :cid OR campaign_id >= 9002;
DELETE FROM dormancy.outreach_log;
DELETE FROM dormancy.score_weights;
SELECT dormancy.reset_defaults('dormancy.approach_rules'), dormancy.reset_defaults('dormancy.message_themes');
DROP SCHEMA ce CASCADE;
