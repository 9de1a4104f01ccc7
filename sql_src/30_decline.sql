--
-- Decline before dormancy (issue #3): settings, price changes, and the
-- decline metrics of a purchase history.  Definitions: docs/decline.md.
--

--
-- Settings of the decline signals
--

-- At most one row.  Empty means the documented defaults (the column
-- defaults, repeated in decline_settings_in_force()).  The extension script
-- inserts no row, so pg_dump's copy of the user's row restores without
-- clashing with a row of CREATE EXTENSION.
CREATE TABLE dormancy.decline_settings (
	singleton boolean PRIMARY KEY DEFAULT true,
	window_length interval NOT NULL DEFAULT '12 months',
	trend_years integer NOT NULL DEFAULT 3,
	season_length interval NOT NULL DEFAULT '3 months',
	amount_drop_threshold double precision NOT NULL DEFAULT 0.3,
	frequency_drop_threshold double precision NOT NULL DEFAULT 0.3,
	cadence_slowdown_threshold double precision NOT NULL DEFAULT 0.5,
	overdue_threshold double precision NOT NULL DEFAULT 2.0,
	season_drop_threshold double precision NOT NULL DEFAULT 0.3,
	trend_drop_threshold double precision NOT NULL DEFAULT 0.1,
	trend_min_points integer NOT NULL DEFAULT 4,
	CONSTRAINT decline_settings_one_row CHECK (singleton),
	CONSTRAINT decline_settings_window_length CHECK (
		window_length > interval '0' AND
		date_trunc('day', window_length) = window_length AND
		extract(year FROM window_length) >= 0 AND
		extract(month FROM window_length) >= 0 AND
		extract(day FROM window_length) >= 0),
	CONSTRAINT decline_settings_season_length CHECK (
		season_length > interval '0' AND
		date_trunc('day', season_length) = season_length AND
		extract(year FROM season_length) >= 0 AND
		extract(month FROM season_length) >= 0 AND
		extract(day FROM season_length) >= 0),
	CONSTRAINT decline_settings_trend_years CHECK (trend_years BETWEEN 1 AND 100),
	-- under 1,000 years: the windows must stay dates (see rules_thresholds_bounded)
	CONSTRAINT decline_settings_lengths_bounded CHECK (window_length < interval '1000 years' AND season_length < interval '1000 years'),
	CONSTRAINT decline_settings_amount_drop CHECK (amount_drop_threshold > 0 AND amount_drop_threshold <= 1),
	CONSTRAINT decline_settings_frequency_drop CHECK (frequency_drop_threshold > 0 AND frequency_drop_threshold <= 1),
	CONSTRAINT decline_settings_cadence_slowdown CHECK (cadence_slowdown_threshold > 0 AND cadence_slowdown_threshold < 'infinity'),
	CONSTRAINT decline_settings_overdue CHECK (overdue_threshold >= 1 AND overdue_threshold < 'infinity'),
	CONSTRAINT decline_settings_season_drop CHECK (season_drop_threshold > 0 AND season_drop_threshold <= 1),
	CONSTRAINT decline_settings_trend_drop CHECK (trend_drop_threshold >= 0 AND trend_drop_threshold < 'infinity'),
	CONSTRAINT decline_settings_trend_min_points CHECK (trend_min_points >= 2)
);

COMMENT ON TABLE dormancy.decline_settings IS
	'settings of the decline signals: at most one row; no row means the defaults (see dormancy.decline_settings_in_force())';
COMMENT ON COLUMN dormancy.decline_settings.singleton IS 'always true: keeps the table to one row';
COMMENT ON COLUMN dormancy.decline_settings.window_length IS
	'W: the recent window is (as_of - W, as_of], the prior window (as_of - 2 W, as_of - W]; whole days or months; default 12 months';
COMMENT ON COLUMN dormancy.decline_settings.trend_years IS
	'N: amount_trend fits purchase days in (as_of - N years, as_of]; 1 to 100; default 3';
COMMENT ON COLUMN dormancy.decline_settings.season_length IS
	'S: the season is (as_of - S, as_of], last season ((as_of - 1 year) - S, as_of - 1 year]; whole days or months; default 3 months';
COMMENT ON COLUMN dormancy.decline_settings.amount_drop_threshold IS
	'amount_drop fires when amount_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.frequency_drop_threshold IS
	'frequency_drop fires when frequency_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.cadence_slowdown_threshold IS
	'cadence_slowdown fires when cadence_change >= this; above 0; default 0.5';
COMMENT ON COLUMN dormancy.decline_settings.overdue_threshold IS
	'overdue fires when overdue_ratio >= this; at least 1; default 2';
COMMENT ON COLUMN dormancy.decline_settings.season_drop_threshold IS
	'season_drop fires when same_season_change <= -this; in (0, 1]; default 0.3';
COMMENT ON COLUMN dormancy.decline_settings.trend_drop_threshold IS
	'negative_trend fires when relative_trend <= -this (and amount_trend < 0); at least 0; default 0.1 (10% of the mean amount per year)';
COMMENT ON COLUMN dormancy.decline_settings.trend_min_points IS
	'negative_trend needs at least this many trend points; at least 2; default 4';

-- keep the user's row in pg_dump (the script inserts none, so no filter)
SELECT pg_catalog.pg_extension_config_dump('dormancy.decline_settings', '');

-- STABLE, not IMMUTABLE: it reads a table
CREATE FUNCTION dormancy.decline_settings_in_force()
	RETURNS dormancy.decline_settings
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN coalesce((SELECT s FROM dormancy.decline_settings s),
					ROW(true, interval '12 months', 3, interval '3 months',
						0.3, 0.3, 0.5, 2.0, 0.3, 0.1, 4)::dormancy.decline_settings);
COMMENT ON FUNCTION dormancy.decline_settings_in_force() IS
	'the row of dormancy.decline_settings, or the defaults when it is empty';

--
-- Price and specification changes (filled by the user)
--

CREATE TABLE dormancy.price_changes (
	changed_at date NOT NULL,
	category text,
	change_pct numeric,
	kind text NOT NULL,
	note text,
	CONSTRAINT price_changes_kind CHECK (kind IN ('price_increase', 'spec_change')),
	CONSTRAINT price_changes_changed_at_finite CHECK (isfinite(changed_at)),
	CONSTRAINT price_changes_increase_positive CHECK (
		kind <> 'price_increase' OR change_pct IS NULL OR change_pct > 0),
	CONSTRAINT price_changes_change_pct_finite CHECK (
		change_pct IS NULL OR (change_pct > '-Infinity' AND change_pct < 'Infinity')),
	CONSTRAINT price_changes_category_not_blank CHECK (category IS NULL OR btrim(category) <> ''),
	CONSTRAINT price_changes_key UNIQUE NULLS NOT DISTINCT (changed_at, category, kind)
);

COMMENT ON TABLE dormancy.price_changes IS
	'price increases and specification changes, for lapsed_after_price_increase and lapsed_after_spec_change';
COMMENT ON COLUMN dormancy.price_changes.changed_at IS 'first day on which the new price or specification applied';
COMMENT ON COLUMN dormancy.price_changes.category IS 'product category it applies to (as in the bound category column, matched by label_key); NULL for all';
COMMENT ON COLUMN dormancy.price_changes.change_pct IS 'price change in percent (10 means +10%); positive for a price_increase; NULL when unknown';
COMMENT ON COLUMN dormancy.price_changes.kind IS 'price_increase or spec_change; a wording of dormancy.price_change_kinds written here (e.g. a Japanese one) is stored as its code by a trigger';
COMMENT ON COLUMN dormancy.price_changes.note IS 'what changed, for the call list';

-- user data only
SELECT pg_catalog.pg_extension_config_dump('dormancy.price_changes', '');

-- A change for one category applies only to purchases in that category: with
-- no category column bound to the orders it applies to no customer.  Say so
-- when such a row is written (dormancy.source_issues lists it while it stays
-- so).
CREATE FUNCTION dormancy._price_change_category_check()
	RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM dormancy.bindings b WHERE b.source = 'orders' AND b.columns ? 'category') THEN
		RAISE WARNING 'the price change for category "%" applies to no customer', NEW.category
			USING DETAIL = 'No category column is bound to the orders, so no purchase is in that category; '
						   'a change with category NULL applies to every customer.',
				  HINT = 'Bind the orders with their category column (SELECT dormancy.bind_orders(..., category => ''...'')), '
						 'or record a change that applies to everything with category NULL.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION dormancy._price_change_category_check() IS
	'internal: trigger on dormancy.price_changes warning about a change for a category while no category is bound';
CREATE TRIGGER category_unbound AFTER INSERT OR UPDATE OF category ON dormancy.price_changes
	FOR EACH ROW WHEN (NEW.category IS NOT NULL) EXECUTE FUNCTION dormancy._price_change_category_check();
COMMENT ON TRIGGER category_unbound ON dormancy.price_changes IS
	'warns when a change for a category is written while no category column is bound to the orders';

-- BEFORE INSERT OR UPDATE OF kind: a wording of dormancy.price_change_kinds
-- (neage, price hike, ...; by label_key) is stored as its code, so the
-- CHECK on kind holds for the stored value and the C that reads the table
-- sees codes only.  A kind that is no wording is left as written (the CHECK
-- refuses it unless it is a code).
CREATE FUNCTION dormancy._price_changes_kind() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.kind IS NOT NULL AND NEW.kind NOT IN ('price_increase', 'spec_change') THEN
		NEW.kind := coalesce((SELECT k.kind FROM dormancy.price_change_kinds k
							   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(NEW.kind)),
							 NEW.kind);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION dormancy._price_changes_kind() IS
	'internal: store a wording of dormancy.price_change_kinds written into dormancy.price_changes.kind as its code';
CREATE TRIGGER price_changes_kind BEFORE INSERT OR UPDATE OF kind ON dormancy.price_changes
	FOR EACH ROW EXECUTE FUNCTION dormancy._price_changes_kind();

--
-- Decline metrics of a purchase history
--

CREATE TYPE dormancy.decline_metrics AS (
	mean_gap_days double precision,
	median_gap_days double precision,
	gap_stddev_days double precision,
	overdue_ratio double precision,
	recent_amount double precision,
	prior_amount double precision,
	recent_orders bigint,
	prior_orders bigint,
	amount_change double precision,
	frequency_change double precision,
	amount_trend double precision,
	trend_points integer,
	relative_trend double precision,
	recent_median_gap_days double precision,
	earlier_median_gap_days double precision,
	cadence_change double precision,
	season_amount double precision,
	last_season_amount double precision,
	season_orders bigint,
	last_season_orders bigint,
	same_season_change double precision,
	declining boolean,
	decline_signals text[],
	campaign_only boolean
);

COMMENT ON TYPE dormancy.decline_metrics IS
	'decline metrics and signals of a purchase history at an as-of day (docs/decline.md)';
COMMENT ON COLUMN dormancy.decline_metrics.mean_gap_days IS
	'mean of the gaps in days between consecutive purchase days; NULL with fewer than two purchase days';
COMMENT ON COLUMN dormancy.decline_metrics.median_gap_days IS
	'median gap in days (mean of the two middle gaps for an even count); NULL with fewer than two purchase days';
COMMENT ON COLUMN dormancy.decline_metrics.gap_stddev_days IS
	'sample standard deviation of the gaps (as stddev_samp); NULL with fewer than two gaps';
COMMENT ON COLUMN dormancy.decline_metrics.overdue_ratio IS
	'days from the last purchase day to as_of divided by median_gap_days';
COMMENT ON COLUMN dormancy.decline_metrics.recent_amount IS
	'net amount of all days in (as_of - W, as_of], refund days included';
COMMENT ON COLUMN dormancy.decline_metrics.prior_amount IS
	'net amount of all days in (as_of - 2 W, as_of - W], refund days included';
COMMENT ON COLUMN dormancy.decline_metrics.recent_orders IS
	'order rows on purchase days in (as_of - W, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.prior_orders IS
	'order rows on purchase days in (as_of - 2 W, as_of - W]';
COMMENT ON COLUMN dormancy.decline_metrics.amount_change IS
	'recent_amount / prior_amount - 1; NULL when prior_amount <= 0';
COMMENT ON COLUMN dormancy.decline_metrics.frequency_change IS
	'recent_orders / prior_orders - 1; NULL when prior_orders = 0';
COMMENT ON COLUMN dormancy.decline_metrics.amount_trend IS
	'least-squares slope of purchase-day amount against day / 365.25 over (as_of - N years, as_of], amount per year (regr_slope); NULL with fewer than two points';
COMMENT ON COLUMN dormancy.decline_metrics.trend_points IS
	'purchase days with only known amounts in (as_of - N years, as_of]: the points of amount_trend';
COMMENT ON COLUMN dormancy.decline_metrics.relative_trend IS
	'amount_trend divided by the mean amount of its points (fraction of the mean per year)';
COMMENT ON COLUMN dormancy.decline_metrics.recent_median_gap_days IS
	'median of the gaps whose later purchase day is in (as_of - W, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.earlier_median_gap_days IS
	'median of the gaps whose later purchase day is on or before as_of - W';
COMMENT ON COLUMN dormancy.decline_metrics.cadence_change IS
	'recent_median_gap_days / earlier_median_gap_days - 1 (1 means monthly became bimonthly); NULL when either is NULL';
COMMENT ON COLUMN dormancy.decline_metrics.season_amount IS
	'net amount of all days in (as_of - S, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.last_season_amount IS
	'net amount of all days in ((as_of - 1 year) - S, as_of - 1 year]';
COMMENT ON COLUMN dormancy.decline_metrics.season_orders IS
	'order rows on purchase days in (as_of - S, as_of]';
COMMENT ON COLUMN dormancy.decline_metrics.last_season_orders IS
	'order rows on purchase days in ((as_of - 1 year) - S, as_of - 1 year]';
COMMENT ON COLUMN dormancy.decline_metrics.same_season_change IS
	'season_amount / last_season_amount - 1; NULL when last_season_amount <= 0';
COMMENT ON COLUMN dormancy.decline_metrics.declining IS
	'true when at least one decline signal fired';
COMMENT ON COLUMN dormancy.decline_metrics.decline_signals IS
	'the signals that fired, in the order amount_drop, frequency_drop, cadence_slowdown, overdue, season_drop, negative_trend';
COMMENT ON COLUMN dormancy.decline_metrics.campaign_only IS
	'every purchase day had a discounted order; false without purchase days; NULL when the discounted column is unknown';

CREATE FUNCTION dormancy.decline_metrics(
	history dormancy.purchase_history,
	as_of date,
	window_length interval,
	trend_years integer,
	season_length interval,
	amount_drop_threshold double precision,
	frequency_drop_threshold double precision,
	cadence_slowdown_threshold double precision,
	overdue_threshold double precision,
	season_drop_threshold double precision,
	trend_drop_threshold double precision,
	trend_min_points integer,
	discounted_known boolean)
	RETURNS dormancy.decline_metrics
	AS 'MODULE_PATHNAME', 'decline_metrics'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.decline_metrics(dormancy.purchase_history, date, interval, integer, interval,
	double precision, double precision, double precision, double precision, double precision,
	double precision, integer, boolean) IS
	'decline metrics and signals of a purchase history at as_of, with explicit settings';

-- The settings from a dormancy.decline_settings row, e.g. decline_settings_in_force(),
-- read by column name.
CREATE FUNCTION dormancy.decline_metrics(
	history dormancy.purchase_history,
	as_of date,
	settings dormancy.decline_settings,
	discounted_known boolean)
	RETURNS dormancy.decline_metrics
	AS 'MODULE_PATHNAME', 'decline_metrics_settings'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dormancy.decline_metrics(dormancy.purchase_history, date, dormancy.decline_settings, boolean) IS
	'decline metrics and signals of a purchase history at as_of, with the settings of a dormancy.decline_settings row';
