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
-- approach rule for the reason alone, placed before the first general rule
-- (reasons NULL) so that it decides for the reason's customers.  A written
-- row is the user's (the defaults mechanism, sql_src/15_defaults.sql: it is
-- no longer an installed default, pg_dump keeps it, reset_defaults() brings
-- the installed one back).  A second call changes nothing.  SECURITY INVOKER:
-- only a role that may write those tables adopts.
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
	existing integer;
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
			-- the reason's own rule (what measured_approaches.current_channel
			-- reads): one before the general rules, the only place where it
			-- decides (one after them is left as it is, and a new one written)
			SELECT a.rule_order INTO existing FROM dormancy.approach_rules a
			 WHERE a.reasons = ARRAY[m.likely_reason] AND a.industries IS NULL AND a.company_sizes IS NULL
			   AND a.min_value = 0 AND a.min_value_percentile IS NULL
			   AND a.rule_order < coalesce((SELECT pg_catalog.min(g.rule_order) FROM dormancy.approach_rules g
											 WHERE g.reasons IS NULL), 2147483647)
			 ORDER BY a.rule_order LIMIT 1;
			IF existing IS NOT NULL THEN
				UPDATE dormancy.approach_rules a SET channel = m.measured_channel, note = rule_note
				 WHERE a.rule_order = existing;
				slot := existing;
			ELSE
				-- the free order just before the first general rule
				SELECT pg_catalog.min(a.rule_order) - 1 INTO slot FROM dormancy.approach_rules a WHERE a.reasons IS NULL;
				IF slot IS NULL THEN
					SELECT coalesce(pg_catalog.max(a.rule_order), 0) + 10 INTO slot FROM dormancy.approach_rules a;
				END IF;
				WHILE EXISTS (SELECT 1 FROM dormancy.approach_rules a WHERE a.rule_order = slot) LOOP
					slot := slot - 1;
				END LOOP;
				INSERT INTO dormancy.approach_rules (rule_order, channel, min_value, reasons, note)
				VALUES (slot, m.measured_channel, 0, ARRAY[m.likely_reason], rule_note);
			END IF;
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
	'write the measured themes (message_themes) and channels (an approach rule per reason, before the general ones) that dormancy.measured_approaches marks to adopt; returns what it changed; a second call changes nothing';
REVOKE ALL ON FUNCTION dormancy.adopt_measured_approaches(boolean, boolean) FROM PUBLIC;
