--
-- The effect of the win-back campaigns, and learning from it (issue 15,
-- DOMAIN.md D11; docs/campaign_effect.md)
--
-- The statistics (C, src/effect_sql.c over src/core/effect.c): the
-- difference of two proportions with Newcombe's hybrid score interval, of
-- two means with Welch's, and the number needed to treat.  The views over
-- the campaigns (campaign_outcomes, campaign_effect,
-- campaign_score_calibration, measured_approaches, campaign_transitions)
-- read the orders and the outreach, so they are live views, built with the
-- others (sql_src/70_views.sql).  adopt_measured_approaches() writes the
-- measured approaches into message_themes and approach_rules.
--

CREATE FUNCTION dormancy.proportion_difference(treated_events bigint, treated bigint,
											   control_events bigint, control bigint,
											   OUT difference double precision,
											   OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'proportion_difference'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.proportion_difference(bigint, bigint, bigint, bigint) IS
	'treated_events/treated - control_events/control with its 95% interval (Newcombe''s hybrid score interval, 1998 method 10); NULLs when a group is empty';

CREATE FUNCTION dormancy.mean_difference(treated bigint, treated_mean double precision, treated_variance double precision,
										 control bigint, control_mean double precision, control_variance double precision,
										 OUT difference double precision,
										 OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'mean_difference'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.mean_difference(bigint, double precision, double precision, bigint, double precision, double precision) IS
	'treated_mean - control_mean with Welch''s 95% interval from the group sizes and sample variances (var_samp); no interval with fewer than 2 in a group (a NULL variance)';

CREATE FUNCTION dormancy.number_needed_to_treat(difference double precision, lower double precision, upper double precision,
												OUT number_needed double precision,
												OUT lower double precision, OUT upper double precision)
	RETURNS record
	AS 'MODULE_PATHNAME', 'number_needed_to_treat'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.number_needed_to_treat(double precision, double precision, double precision) IS
	'1 / difference: how many to approach to win one back, with the interval [1/upper, 1/lower] only when the difference''s interval excludes 0 (else NULL: unbounded)';

-- Write the measured approaches of dormancy.measured_approaches marked to
-- adopt: the theme into message_themes (the reason's row), the channel as an
-- approach rule for the reason alone, so that it decides for the reason's
-- customers: it updates the first rule that can decide for the reason
-- (reasons NULL or holding it, by rule_order) when that is already the
-- reason's own rule without another condition, else it is inserted at the
-- free rule_order just before that rule; with no free one before it (the
-- rule is at the smallest integer), the channel is not adopted, with a
-- warning.  A written row is the user's (the defaults mechanism,
-- sql_src/15_defaults.sql: it is no longer an installed default, pg_dump
-- keeps it, reset_defaults() brings the installed one back).  A second call
-- changes nothing.  SECURITY INVOKER: only a role that may write those
-- tables adopts.
CREATE FUNCTION dormancy.adopt_measured_approaches(themes boolean DEFAULT true, channels boolean DEFAULT true)
	RETURNS TABLE (kind text, likely_reason text, previous text, adopted text, rule_order integer,
				   lift double precision, lift_lower double precision)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	m record;
	slot integer;
	deciding record;
	rule_note text;
BEGIN
	IF themes IS NULL OR channels IS NULL THEN
		RAISE EXCEPTION 'themes and channels must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Pass true or false for each.';
	END IF;
	FOR m IN SELECT * FROM dormancy.measured_approaches a
			  WHERE (themes AND a.adopt_theme) OR (channels AND a.adopt_channel)
			  ORDER BY a.likely_reason
	LOOP
		IF themes AND m.adopt_theme THEN
			INSERT INTO dormancy.message_themes AS t (reason, theme, note)
			VALUES (m.likely_reason, m.measured_theme,
					format('measured: lift %s (95%% interval %s to %s) over %s treated and %s controls',
						   round(m.theme_lift::numeric, 4), round(m.theme_lift_lower::numeric, 4),
						   round(m.theme_lift_upper::numeric, 4), m.theme_treated, m.theme_controls))
			ON CONFLICT ON CONSTRAINT message_themes_pkey
			DO UPDATE SET theme = EXCLUDED.theme, note = EXCLUDED.note;
			kind := 'theme';
			likely_reason := m.likely_reason;
			previous := m.current_theme;
			adopted := m.measured_theme;
			rule_order := NULL;
			lift := m.theme_lift;
			lift_lower := m.theme_lift_lower;
			RETURN NEXT;
		END IF;
		IF channels AND m.adopt_channel THEN
			rule_note := format('measured: lift %s (95%% interval %s to %s) over %s treated and %s controls',
								round(m.channel_lift::numeric, 4), round(m.channel_lift_lower::numeric, 4),
								round(m.channel_lift_upper::numeric, 4), m.channel_treated, m.channel_controls);
			-- the first rule that can decide for the reason (what
			-- measured_approaches.current_channel reads)
			deciding := NULL;
			SELECT a.rule_order, a.reasons, a.industries, a.company_sizes, a.min_value, a.min_value_percentile
			  INTO deciding
			  FROM dormancy.approach_rules a
			 WHERE a.reasons IS NULL OR m.likely_reason = ANY (a.reasons)
			 ORDER BY a.rule_order LIMIT 1;
			slot := NULL;
			IF deciding.reasons = ARRAY[m.likely_reason] AND deciding.industries IS NULL
			   AND deciding.company_sizes IS NULL AND deciding.min_value = 0
			   AND deciding.min_value_percentile IS NULL THEN
				-- the reason's own rule decides already: its channel changes
				UPDATE dormancy.approach_rules a SET channel = m.measured_channel, note = rule_note
				 WHERE a.rule_order = deciding.rule_order;
				slot := deciding.rule_order;
			ELSE
				IF deciding.rule_order IS NULL THEN
					-- no rule applies to the reason: after the last one (else
					-- any free rule_order)
					SELECT x.s INTO slot
					  FROM (SELECT coalesce(pg_catalog.max(a.rule_order)::bigint, 0) + 10 AS s FROM dormancy.approach_rules a
							UNION ALL
							SELECT a.rule_order::bigint - 1 FROM dormancy.approach_rules a) x
					 WHERE x.s BETWEEN -2147483648 AND 2147483647
					   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules b WHERE b.rule_order = x.s)
					 ORDER BY x.s DESC LIMIT 1;
				ELSE
					-- the largest free rule_order below the deciding rule's
					SELECT x.s INTO slot
					  FROM (SELECT deciding.rule_order::bigint - 1 AS s
							UNION ALL
							SELECT a.rule_order::bigint - 1 FROM dormancy.approach_rules a
							 WHERE a.rule_order < deciding.rule_order) x
					 WHERE x.s >= -2147483648
					   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules b WHERE b.rule_order = x.s)
					 ORDER BY x.s DESC LIMIT 1;
				END IF;
				IF slot IS NULL THEN
					RAISE WARNING 'channel % not adopted for reason %: no free rule_order before the rule that decides for it',
								  m.measured_channel, m.likely_reason
						USING DETAIL = format('Approach rule %s is the first that applies to the reason %s, and no rule_order is free before it.',
											  coalesce(deciding.rule_order::text, 'none'), m.likely_reason),
							  HINT = 'Renumber dormancy.approach_rules to leave room before that rule, or write the reason''s rule by hand.';
				ELSE
					INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, reasons, note)
					VALUES (slot, m.measured_channel, 0, ARRAY[m.likely_reason], rule_note);
				END IF;
			END IF;
		END IF;
		IF channels AND m.adopt_channel AND slot IS NOT NULL THEN
			kind := 'channel';
			likely_reason := m.likely_reason;
			previous := m.current_channel;
			adopted := m.measured_channel;
			rule_order := slot;
			lift := m.channel_lift;
			lift_lower := m.channel_lift_lower;
			RETURN NEXT;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION dormancy.adopt_measured_approaches(boolean, boolean) IS
	'write the measured themes (message_themes) and channels (an approach rule per reason, before the first rule that can decide for the reason; not adopted, with a warning, when no rule_order is free there) that dormancy.measured_approaches marks to adopt; returns what it changed; a second call changes nothing';
REVOKE ALL ON FUNCTION dormancy.adopt_measured_approaches(boolean, boolean) FROM PUBLIC;
