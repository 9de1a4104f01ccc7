-- The demo's win-back campaign (issue 15; docs/campaign_effect.md): start a
-- campaign on the call list of 2026-11-01, then SIMULATE what came after it
-- (the demo data end on 2026-10-31): the reps' outreach, and the purchases of
-- the members in the 90 days after the start, with known true lifts per
-- channel.  Then read the effect as of 2027-02-15, after the window.  The
-- outreach and the purchases after 2026-11-01 are made up by this script,
-- reproducibly (setseed); only the measuring is real.
\set ON_ERROR_STOP on
\pset null '(none)'
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
SET max_parallel_workers_per_gather = 0;	-- one process: random() draws in a fixed order
SET client_min_messages = warning;

\echo
\echo '== a win-back campaign on the call list of 2026-11-01: 20% of each stratum held out as control'
SELECT name, as_of, customers, controls, reactivation_days
  FROM dormancy.start_campaign('demo win-back', control_share => 0.2, seed => 2026);

-- SIMULATED from here: the outreach (85% of the members to approach are
-- contacted in the first three weeks, by the planned channel) ...
SELECT setseed(0.2026) \gset
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, theme, outcome, campaign_id, note)
SELECT m.customer_id, timestamptz '2026-11-02 10:00+09' + floor(random() * 21)::int * interval '1 day',
	   m.channel, m.theme, (ARRAY['reached', 'not_reached', 'interested', 'meeting', 'declined'])[1 + floor(random() * 5)::int],
	   c.campaign_id, 'simulated by test/demo/campaign.sql'
  FROM dormancy.campaign_members m JOIN dormancy.campaigns c USING (campaign_id)
 WHERE c.name = 'demo win-back' AND NOT m.is_control AND random() < 0.85
 ORDER BY m.customer_id;
-- ... and the purchases in the window: a member comes back with a chance
-- that depends on its state (at risk 25%, dormant 10%, long dormant 4%), plus,
-- if not held out, the true lift of its planned channel: visit +15 points,
-- phone +12, direct mail +4, step mail +3, e-mail +2
CREATE TEMP TABLE true_lift (channel text PRIMARY KEY, lift double precision);
INSERT INTO true_lift VALUES ('visit', 0.15), ('phone', 0.12), ('direct_mail', 0.04), ('step_mail', 0.03), ('email', 0.02);
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT m.customer_id::integer,
	   timestamptz '2026-11-02 11:00+09' + floor(random() * 89)::int * interval '1 day',
	   round((coalesce(a.mean_total, 10000) * (0.5 + random()))::numeric, 2), a.category
  FROM dormancy.campaign_members m
  JOIN dormancy.campaigns c USING (campaign_id)
  LEFT JOIN true_lift t ON t.channel = m.channel
  LEFT JOIN LATERAL (SELECT avg(i.total) AS mean_total, mode() WITHIN GROUP (ORDER BY i.category) AS category
					   FROM demo.invoices i WHERE i.account_id = m.customer_id::integer AND i.total > 0) a ON true
 WHERE c.name = 'demo win-back'
   AND random() < CASE m.state WHEN 'at_risk' THEN 0.25 WHEN 'dormant' THEN 0.10 ELSE 0.04 END
				  + CASE WHEN m.is_control THEN 0 ELSE coalesce(t.lift, 0) END
 ORDER BY m.customer_id;
-- (end of the simulation)

SET dormancy.as_of = '2027-02-15';
\echo '== the effect of the campaign as of 2027-02-15 (outreach and purchases after 2026-11-01 SIMULATED,'
\echo '   true lifts: visit +0.15, phone +0.12, direct mail +0.04, step mail +0.03, e-mail +0.02)'
SELECT level, coalesce(channel, '') AS channel, treated, controls, contacted,
	   round(treated_rate::numeric, 3) AS treated_rate, round(control_rate::numeric, 3) AS control_rate,
	   round(rate_difference::numeric, 3) AS lift,
	   '[' || round(rate_difference_lower::numeric, 3) || ', ' || round(rate_difference_upper::numeric, 3) || ']' AS lift_95,
	   round(number_needed::numeric, 1) AS number_needed,
	   round(revenue_difference::numeric) AS revenue_lift, window_ended
  FROM dormancy.campaign_effect
 WHERE campaign_name = 'demo win-back' AND level IN ('all', 'channel')
 ORDER BY level, treated DESC, channel;

\echo '== per score band: do higher-scored customers come back more often (control_rate), and where do calls pay?'
SELECT score_band, treated, controls, round(control_rate::numeric, 3) AS control_rate,
	   round(treated_rate::numeric, 3) AS treated_rate, round(rate_difference::numeric, 3) AS lift,
	   round(mean_p_alive::numeric, 2) AS mean_p_alive
  FROM dormancy.campaign_score_calibration
 WHERE campaign_name = 'demo win-back'
 ORDER BY band_from;

\echo '== learning: the best measured channel and theme per likely reason, beside the ones in force'
SELECT likely_reason, measured_channel, round(channel_lift_lower::numeric, 3) AS channel_lift_lower,
	   coalesce(current_channel, '(by value)') AS current_channel, adopt_channel,
	   measured_theme, round(theme_lift_lower::numeric, 3) AS theme_lift_lower, current_theme, adopt_theme
  FROM dormancy.measured_approaches
 ORDER BY likely_reason;
