--
-- The live views: every view above the adapters, one definition each, with
-- its comments beside it
--
-- The adapters src_* (sql_src/22_adapters.sql) are the only views that
-- binding writes; an unbound source has an empty adapter of the same shape,
-- and src_bindings says what is bound.  The views below read them, and are
-- created by _build_views() (sql_src/25_views.sql) at the first build, again
-- on an extension update, and dropped and created again only when the type
-- of an adapter's column changes (another type of customer id).  All are
-- security_invoker: a reader computes them from what the reader may see.
--
-- In dependency order:
--   category_histories(_live), customer_histories(_live)   the purchase histories
--   contract_signals, customer_engagement,   one row per customer of each
--   customer_deals, customer_contacts,       optional source
--   customer_outreach
--   source_issues                            what the optional sources' rows lack
--   customer_column_indexes                  which bound tables a lookup reads whole
--   customer_core                            state, decline, price changes, contracts
--   data_issues                              what the orders and customers lack
--   customer_status                          customer_core + models, priority,
--                                            reason, approach, data gaps
--   declining_customers, category_trend,     views for the reader
--   call_list, duplicate_customers,
--   company_customers
--   unmatched_labels                         labels of the data that map to nothing
--   model_parameters                         the fitted models' parameters with
--                                            standard errors and 95% intervals
--   forecast_intervals                       the forecasts with 95% intervals
--   latest_validation,                       the latest holdout validation of
--   latest_validation_tracking               each segment (validate_models)
--   campaign_list                            the members of each campaign to approach
--   campaign_outcomes, campaign_effect,      the effect of the win-back
--   campaign_score_calibration,              campaigns, treated against
--   measured_approaches,                     control (issue 15,
--   campaign_transitions                     docs/campaign_effect.md)
--
-- The settings (the as-of day, the zone, the source and decline settings)
-- are read from four small views, here, and nowhere else, as
--   (SELECT a.day FROM dormancy._as_of a)
--   (SELECT z.zone FROM dormancy._zone_in_force z)
--   FROM dormancy._source_settings s          (its columns: s.phone_country)
--   (SELECT d.settings FROM dormancy._decline_settings d)
-- Each reads its setting in a subquery that also names a local table of
-- the extension, joined on false so that none of its rows is read:
--   SELECT dormancy.as_of_day() AS day
--     FROM (SELECT) one LEFT JOIN dormancy.decline_settings ON false
-- On one server that is the same init plan as the function alone (the view
-- is pulled up into the reading subquery, the join folds to a constant).
-- On Citus it keeps the query from being routed whole to one shard: a
-- query of one customer (WHERE customer_id = ...) of a view whose other
-- relations are all distributed would otherwise run on that customer's
-- worker, settings and all, in the worker's zone and as of the worker's
-- today.  With a local table in it, Citus plans each such subquery on the
-- coordinator and sends the worker its one row, as it does for a query of
-- every customer (docs/scaling-out.md, The time zone and the as-of day
-- travel with the query); a setting read beside one of these views, in the
-- same subquery (dormancy.as_of_day() beside _source_settings), is read
-- there too.  So a view reads the settings through these views only, never
-- the functions alone, and a new setting gets a view of its own here.
--
-- They read no table of yours, so unlike the live views they are members
-- of the extension: made by the install and update scripts, before any
-- build, and kept while _build_views() drops and creates the live views
-- again (the adapters read the zone too: _day_expr(), sql_src/20_bind.sql).
-- security_invoker like the live views (a reader needs SELECT on
-- dormancy.decline_settings, as every live view does); dormancy_analyst
-- reads them (sql_src/97_privileges.sql).  _decline_settings holds the row
-- as one value, of the type decline_metrics() takes; _source_settings has
-- the columns of dormancy.source_settings as they were when it was made (a
-- column added to that table needs CREATE OR REPLACE VIEW in the update
-- script).
CREATE VIEW dormancy._as_of WITH (security_invoker = true) AS
SELECT dormancy.as_of_day() AS day
  FROM (SELECT) one LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._as_of IS
	'internal: the as-of day (as_of_day()), read beside a local table of the extension so that Citus reads it on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._as_of.day IS 'dormancy.as_of_day(): the calendar day of dormancy.as_of() in dormancy.time_zone';

CREATE VIEW dormancy._zone_in_force WITH (security_invoker = true) AS
SELECT dormancy._time_zone_in_force() AS zone
  FROM (SELECT) one LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._zone_in_force IS
	'internal: the zone days are counted in (_time_zone_in_force()), read beside a local table of the extension so that Citus reads it on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._zone_in_force.zone IS 'dormancy._time_zone_in_force(): the name of the zone (dormancy.time_zone, else the session''s TimeZone) as a JSON string';

CREATE VIEW dormancy._source_settings WITH (security_invoker = true) AS
SELECT s.*
  FROM dormancy.source_settings_in_force() s LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._source_settings IS
	'internal: the source settings in force (source_settings_in_force()), read beside a local table of the extension so that Citus reads them on the coordinator (sql_src/70_views.sql)';
SELECT dormancy._copy_column_comments('dormancy.source_settings', 'dormancy._source_settings');

CREATE VIEW dormancy._decline_settings WITH (security_invoker = true) AS
SELECT ds AS settings
  FROM dormancy.decline_settings_in_force() ds LEFT JOIN dormancy.decline_settings ON false;
COMMENT ON VIEW dormancy._decline_settings IS
	'internal: the decline settings in force (decline_settings_in_force()) as one value, read beside a local table of the extension so that Citus reads them on the coordinator (sql_src/70_views.sql)';
COMMENT ON COLUMN dormancy._decline_settings.settings IS 'dormancy.decline_settings_in_force(): the row of dormancy.decline_settings, or the defaults when it is empty';

CREATE FUNCTION dormancy._create_views()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN

-- category_histories: one aggregate pass over the orders per customer and
-- category (category_histories_live: what the refresh stores, and what
-- category_trend reads), or,
-- inside a refresh, the histories stored by the last one: a gate that only
-- the refresh's own code sets, in C, selects the branch; the other is
-- skipped without being read.  The rows are those of src_history_rows: the
-- order rows, or with an order id bound the orders per category, and the
-- whole orders as the row of category NULL.  The gate and the zone are init
-- plans, read once on the node that plans the query: a filter holding a
-- subquery is not pushed into the grouping, so the grouping is whole and a
-- Citus worker or a postgres_fdw shard can run it, in the zone it is given
-- (_local_time), never in its own settings (docs/scaling-out.md).  Grouped
-- in the customers' order, never hashed, as customer_histories_live is (the
-- constant key, below): a refresh that stores every history reads it in
-- parallel workers that each fold whole customers (_prepare_histories).
CREATE OR REPLACE VIEW dormancy.category_histories_live WITH (security_invoker = true) AS
SELECT o.customer_id, o.category,
	   dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
								 o.amount, o.discounted) AS history,
	   pg_catalog.sum(o.line_rows) AS order_rows
  FROM dormancy.src_history_rows o
 WHERE o.customer_id IS NOT NULL
 GROUP BY o.customer_id, o.category, B''::pg_catalog.varbit;
COMMENT ON VIEW dormancy.category_histories_live IS 'internal: category_histories computed from the orders, never from the stored histories';

CREATE OR REPLACE VIEW dormancy.category_histories WITH (security_invoker = true) AS
SELECT a.customer_id, a.category, a.history, a.order_rows
  FROM dormancy.category_histories_live a
 WHERE (SELECT NOT dormancy._use_stored_histories())
UNION ALL
SELECT s.customer_id, s.category, s.history, s.order_rows
  FROM dormancy.src_stored_histories s;
COMMENT ON VIEW dormancy.category_histories IS 'one purchase history per customer and category over src_orders (what a refresh stores); with an order id bound, an order counts once in each category it has, and the row of category NULL holds the whole orders';
COMMENT ON COLUMN dormancy.category_histories.customer_id IS 'customer id as in src_orders';
COMMENT ON COLUMN dormancy.category_histories.category IS 'product category (NULL when no category column is bound; with an order id bound, NULL is the whole orders, every category)';
COMMENT ON COLUMN dormancy.category_histories.history IS 'the customer''s orders of this category folded into distinct days';
COMMENT ON COLUMN dormancy.category_histories.order_rows IS 'order rows (lines) read, refunds and rows without a date included';
PERFORM dormancy._copy_column_comments('dormancy.category_histories', 'dormancy.category_histories_live');

-- customer_histories_live: one aggregate pass over the orders, per
-- customer; the categorized_history aggregate keeps the per-category detail
-- in the customer's state (its categories, the last purchase day of each,
-- and the history as the union of the category histories, as
-- category_histories would give them).  With an order id bound, the history
-- is that of the whole orders (src_history_rows.whole_order: each order
-- counted once, its total compared with min_order_amount), folded in the
-- same pass; without one, no row is a whole order and the filtered
-- aggregates stay NULL.  as_of and the zone are read once, in init plans
-- (as in category_histories).  Always from the orders: customer_histories
-- reads it outside a refresh; fit_models() reads it on Citus, where the
-- histories are never stored and a union with the stored ones would make
-- Citus collect every history on the coordinator (_fit_summaries).
--
-- Grouped in the customers' order, never hashed: the constant second key
-- (an empty varbit, a type with a sort order but no hash) leaves the planner
-- only sorted grouping.  A history's state takes 1 to 2 kB (SSPACE), and a
-- hash aggregate keeps every customer's at once and merges each customer's
-- partial states from the parallel workers after them; grouped in order
-- (by the orders' index on the customer column, or a sort), each worker
-- folds whole customers and the states are freed one by one.  Measured
-- (demo data, JIT off, parallel plans, three runs each, 2026-12-03):
-- 1,000,000 customers with work_mem 256MB, customer_histories 7.8 s against
-- 10.3 s, customer_status 33.0 s against 38.5 s; 100,000 customers, 0.56 s
-- against 0.74 s and 2.82 s against 3.33 s; with the default work_mem, where
-- the hash aggregates spill early, 1,000,000 customers the same time for the
-- histories and 31.5 s against 34.1 s for customer_status.
CREATE OR REPLACE VIEW dormancy.customer_histories_live WITH (security_invoker = true) AS
SELECT a.customer_id,
	   coalesce(a.whole, (a.h).history) AS history,
	   coalesce(a.whole_rows, (a.h).order_rows) AS order_rows,
	   (a.h).categories,
	   (a.h).category_last_order_at
  FROM (SELECT o.customer_id,
			   dormancy.categorized_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
											o.amount, o.discounted, o.category,
											(SELECT a.day FROM dormancy._as_of a)) FILTER (WHERE NOT o.whole_order) AS h,
			   dormancy.purchase_history(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)),
										 o.amount, o.discounted) FILTER (WHERE o.whole_order) AS whole,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.whole_order) AS whole_rows
		  FROM dormancy.src_history_rows o
		 WHERE o.customer_id IS NOT NULL
		 GROUP BY o.customer_id, B''::pg_catalog.varbit) a;
COMMENT ON VIEW dormancy.customer_histories_live IS 'internal: customer_histories computed from the orders, never from the stored histories';

-- customer_histories_stored: inside a refresh, the stored per-category
-- histories merged per customer, or with an order id the stored whole
-- orders (category NULL); no rows elsewhere (src_stored_histories).
CREATE OR REPLACE VIEW dormancy.customer_histories_stored WITH (security_invoker = true) AS
SELECT s.customer_id,
	   dormancy.purchase_history_union(s.history) FILTER (WHERE s.category IS NULL OR NOT b.order_ids_bound) AS history,
	   (pg_catalog.sum(s.order_rows) FILTER (WHERE s.category IS NULL OR NOT b.order_ids_bound))::pg_catalog.int8 AS order_rows,
	   pg_catalog.array_agg(s.category ORDER BY s.category) FILTER (WHERE s.category IS NOT NULL) AS categories,
	   pg_catalog.array_agg((dormancy.history_summary(s.history, (SELECT a.day FROM dormancy._as_of a))).last_order_at ORDER BY s.category)
		   FILTER (WHERE s.category IS NOT NULL) AS category_last_order_at
  FROM dormancy.src_stored_histories s
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_ids_bound)
 GROUP BY s.customer_id;
COMMENT ON VIEW dormancy.customer_histories_stored IS 'internal: customer_histories from the histories a refresh stored, inside a refresh (no rows elsewhere)';

-- customer_histories: the live histories (customer_histories_live); inside
-- a refresh the same columns come from the stored histories
-- (customer_histories_stored; the gate, as in category_histories).
CREATE OR REPLACE VIEW dormancy.customer_histories WITH (security_invoker = true) AS
SELECT l.customer_id, l.history, l.order_rows, l.categories, l.category_last_order_at
  FROM dormancy.customer_histories_live l
 WHERE (SELECT NOT dormancy._use_stored_histories())
UNION ALL
SELECT s.customer_id, s.history, s.order_rows, s.categories, s.category_last_order_at
  FROM dormancy.customer_histories_stored s;
COMMENT ON VIEW dormancy.customer_histories IS 'one purchase history per customer with orders: one aggregate pass over src_orders (categorized_history), the union of its category histories, or with an order id bound the history of its whole orders';
COMMENT ON COLUMN dormancy.customer_histories.customer_id IS 'customer id as in src_orders';
COMMENT ON COLUMN dormancy.customer_histories.history IS 'the customer''s orders folded into distinct days (with an order id bound: each order once, with its total)';
COMMENT ON COLUMN dormancy.customer_histories.order_rows IS 'order rows (lines) read for this customer, refunds and rows without a date included';
COMMENT ON COLUMN dormancy.customer_histories.categories IS 'the categories the customer ordered, sorted (NULL when no category column is bound)';
COMMENT ON COLUMN dormancy.customer_histories.category_last_order_at IS 'last purchase day up to as_of per category, in the order of categories';
PERFORM dormancy._copy_column_comments('dormancy.customer_histories', 'dormancy.customer_histories_live');
PERFORM dormancy._copy_column_comments('dormancy.customer_histories', 'dormancy.customer_histories_stored');

-- contract_signals: per customer, from its valid terms (a start or an end,
-- no end before the start, some day covered); NULL start means started long
-- ago, NULL or infinite end means open-ended.  The contracts are read once (terms, ranked
-- per customer, then one GROUP BY), and every window is by customer, so
-- WHERE customer_id = $1 reaches the contracts (their index).
CREATE OR REPLACE VIEW dormancy.contract_signals WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day, s.contract_grace_period, s.downgrade_window, s.renewal_horizon
	  FROM dormancy._source_settings s
), terms AS (
	SELECT w.*,
		   (w.started AND w.end_day >= a.day) AS is_current,
		   coalesce(w.started
					AND coalesce(w.starts_on, '-infinity'::pg_catalog.date) > (a.day - a.downgrade_window)::pg_catalog.date
					AND (w.seats < w.prev_seats OR w.amount < w.prev_amount), false) AS is_downgrade
	  FROM (SELECT c.customer_id, c.starts_on, c.ends_on, c.seats, c.amount, c.auto_renew, c.plan,
				   coalesce(c.ends_on, 'infinity'::pg_catalog.date) AS end_day,
				   (c.starts_on IS NULL OR c.starts_on <= a.day) AS started,
				   pg_catalog.lag(c.seats) OVER w AS prev_seats,
				   pg_catalog.lag(c.amount) OVER w AS prev_amount,
				   pg_catalog.lag(c.plan) OVER w AS prev_plan
			  FROM dormancy.src_contracts c JOIN a ON dormancy._single_row(a.day)
			 WHERE c.customer_id IS NOT NULL
			   AND (c.starts_on IS NOT NULL OR c.ends_on IS NOT NULL)
			   AND (c.starts_on IS NULL OR c.ends_on IS NULL OR c.starts_on <= c.ends_on)
			   -- (a term ending at -infinity or starting at infinity covers
			   -- no day: source_issues, contract_covers_no_day)
			   AND c.ends_on IS DISTINCT FROM '-infinity'::pg_catalog.date
			   AND c.starts_on IS DISTINCT FROM 'infinity'::pg_catalog.date
			-- (terms of one start and end in a fixed order: fewer seats, then
			-- the lower amount, then the plan, so that such terms, side by
			-- side, are no downgrade of each other)
			WINDOW w AS (PARTITION BY c.customer_id
						 ORDER BY coalesce(c.starts_on, '-infinity'::pg_catalog.date), c.ends_on NULLS LAST,
								  c.seats NULLS FIRST, c.amount NULLS FIRST, c.plan)) w
	  JOIN a ON dormancy._single_row(a.day)
), picked AS (
	-- the current term (started, covering as_of, ending last) and the latest
	-- term in the downgrade window with fewer seats or a lower amount than
	-- the one before it, each picked whole by one ordered aggregate
	-- (dormancy._contract_term, _contract_downgrade): a row_number() window
	-- for each sorted every term again.  Terms of one start and end: the one
	-- with more seats, then the higher amount, then the plan (the windows
	-- left that to the sort)
	SELECT t.customer_id,
		   pg_catalog.count(*) AS terms,
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started) AS last_end,
		   coalesce(pg_catalog.bool_or(t.is_current), false) AS covered,
		   coalesce(pg_catalog.bool_or(t.starts_on > a.day), false) AS renewed_ahead,
		   -- the latest end of a started term whose auto-renew is not off
		   -- (true or unknown): before last_end, every term that ended last
		   -- had auto-renew off
		   pg_catalog.max(t.end_day) FILTER (WHERE t.started AND t.auto_renew IS DISTINCT FROM false) AS last_end_renewing,
		   pg_catalog.bool_or(t.is_downgrade) AS down,
		   (pg_catalog.array_agg(ROW(t.starts_on, t.ends_on, t.plan, t.seats, t.amount, t.auto_renew, t.end_day)::dormancy._contract_term
								 ORDER BY t.end_day DESC, t.starts_on DESC NULLS LAST,
										  t.seats DESC NULLS LAST, t.amount DESC NULLS LAST, t.plan, t.auto_renew DESC)
				FILTER (WHERE t.is_current))[1] AS cur,
		   (pg_catalog.array_agg(ROW(t.starts_on, t.prev_seats, t.seats, t.prev_amount, t.amount, t.prev_plan, t.plan)::dormancy._contract_downgrade
								 ORDER BY t.starts_on DESC NULLS LAST, t.end_day DESC,
										  t.seats DESC NULLS LAST, t.amount DESC NULLS LAST, t.plan)
				FILTER (WHERE t.is_downgrade))[1] AS downgrade
	  FROM terms t JOIN a ON dormancy._single_row(a.day)
	 GROUP BY t.customer_id
)
SELECT p.customer_id,
	   p.terms,
	   (p.cur).starts_on AS current_starts_on,
	   (p.cur).ends_on AS current_ends_on,
	   (p.cur).plan AS current_plan,
	   (p.cur).seats AS current_seats,
	   (p.cur).amount AS current_amount,
	   (p.cur).auto_renew AS current_auto_renew,
	   CASE WHEN p.last_end < 'infinity'::pg_catalog.date THEN p.last_end END AS contract_end_at,
	   CASE WHEN p.last_end IS NOT NULL THEN least(p.last_end, a.day) END AS last_covered_day,
	   (p.last_end IS NOT NULL AND NOT p.covered
		AND (p.last_end + a.contract_grace_period)::pg_catalog.date < a.day) AS contract_lapsed,
	   CASE WHEN p.last_end IS NOT NULL AND NOT p.covered THEN a.day - p.last_end END AS days_since_contract_end,
	   -- the current term will not renew; or, once no term covers as_of,
	   -- the term that ended last did not (auto-renew off), until the
	   -- contract counts as lapsed: the month after the end is when to call
	   -- (seed 002), and contract_lapsed waits for the grace period
	   (NOT p.renewed_ahead
		AND (coalesce((p.cur).auto_renew = false, false)
			 OR (p.last_end IS NOT NULL AND NOT p.covered
				 AND (p.last_end + a.contract_grace_period)::pg_catalog.date >= a.day
				 AND (p.last_end_renewing IS NULL OR p.last_end_renewing < p.last_end)))) AS auto_renew_off,
	   CASE WHEN (p.cur).end_day < 'infinity'::pg_catalog.date AND NOT p.renewed_ahead
			THEN (p.cur).end_day - a.day END AS renewal_due_in_days,
	   (a.day + a.renewal_horizon)::pg_catalog.date - a.day AS renewal_horizon_days,
	   p.down AS downgraded,
	   (p.downgrade).starts_on AS downgraded_on,
	   (p.downgrade).prev_seats AS seats_before,
	   (p.downgrade).seats AS seats_after,
	   (p.downgrade).prev_amount AS amount_before,
	   (p.downgrade).amount AS amount_after,
	   (p.downgrade).prev_plan AS plan_before,
	   (p.downgrade).plan AS plan_after,
	   a.day AS as_of
  FROM picked p
  JOIN a ON dormancy._single_row(a.day);
COMMENT ON VIEW dormancy.contract_signals IS 'contract signals per customer with contract terms, as of dormancy.as_of_day() (docs/sources.md)';
COMMENT ON COLUMN dormancy.contract_signals.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.contract_signals.terms IS 'valid terms (a start or an end, not ending before the start)';
COMMENT ON COLUMN dormancy.contract_signals.current_starts_on IS 'start of the current term (the started term covering as_of that ends last)';
COMMENT ON COLUMN dormancy.contract_signals.current_ends_on IS 'end of the current term; NULL when open-ended or none';
COMMENT ON COLUMN dormancy.contract_signals.current_plan IS 'plan of the current term';
COMMENT ON COLUMN dormancy.contract_signals.current_seats IS 'seats of the current term';
COMMENT ON COLUMN dormancy.contract_signals.current_amount IS 'amount of the current term';
COMMENT ON COLUMN dormancy.contract_signals.current_auto_renew IS 'auto-renew flag of the current term';
COMMENT ON COLUMN dormancy.contract_signals.contract_end_at IS 'latest end of the terms started by as_of; NULL when one is open-ended';
COMMENT ON COLUMN dormancy.contract_signals.last_covered_day IS 'the last day up to as_of covered by a term (as_of while a term runs): the contract recency';
COMMENT ON COLUMN dormancy.contract_signals.contract_lapsed IS 'no term covers as_of and the last one ended more than the grace period before it';
COMMENT ON COLUMN dormancy.contract_signals.days_since_contract_end IS 'days from the end of the last term to as_of when no term covers as_of';
COMMENT ON COLUMN dormancy.contract_signals.auto_renew_off IS 'no later term is signed, and the current term has auto-renew off, or (no term covering as_of) the terms that ended last had auto-renew off and ended within the grace period (not yet contract_lapsed)';
COMMENT ON COLUMN dormancy.contract_signals.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
COMMENT ON COLUMN dormancy.contract_signals.renewal_horizon_days IS 'the renewal horizon of dormancy.source_settings in days';
COMMENT ON COLUMN dormancy.contract_signals.downgraded IS 'a term with fewer seats or a lower amount than the term before it started within the downgrade window';
COMMENT ON COLUMN dormancy.contract_signals.downgraded_on IS 'start of the latest such term';
COMMENT ON COLUMN dormancy.contract_signals.seats_before IS 'seats of the term before the downgrade';
COMMENT ON COLUMN dormancy.contract_signals.seats_after IS 'seats of the downgraded term';
COMMENT ON COLUMN dormancy.contract_signals.amount_before IS 'amount of the term before the downgrade';
COMMENT ON COLUMN dormancy.contract_signals.amount_after IS 'amount of the downgraded term';
COMMENT ON COLUMN dormancy.contract_signals.plan_before IS 'plan of the term before the downgrade';
COMMENT ON COLUMN dormancy.contract_signals.plan_after IS 'plan of the downgraded term';
COMMENT ON COLUMN dormancy.contract_signals.as_of IS 'the as-of day';

-- customer_engagement: events per customer in the engagement window, by kind.
CREATE OR REPLACE VIEW dormancy.customer_engagement WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.engagement_window)::pg_catalog.date AS window_start
	  FROM dormancy._source_settings s
), by_source_kind AS (
	-- one row per customer and kind of the source first: two aggregates per
	-- event instead of sixteen, and the kinds mapped once per row of this
	-- (an events table is often many times the orders)
	SELECT e.customer_id, e.source_kind,
		   pg_catalog.count(*) FILTER (WHERE e.occurred_on > a.window_start)::integer AS in_window,
		   pg_catalog.max(e.occurred_on) AS last_on
	  FROM dormancy.src_events e
	  JOIN a ON dormancy._single_row(a.day)
	 WHERE e.customer_id IS NOT NULL AND e.occurred_on IS NOT NULL AND pg_catalog.isfinite(e.occurred_on)
	   AND e.occurred_on <= a.day
	 GROUP BY e.customer_id, e.source_kind
), by_kind AS (
	SELECT s.customer_id, coalesce(k.kind, 'other') AS kind, s.in_window, s.last_on
	  FROM by_source_kind s
	  LEFT JOIN dormancy.event_kinds k ON dormancy.label_key(k.source_kind) = dormancy.label_key(s.source_kind)
)
SELECT ev.customer_id,
	   pg_catalog.sum(ev.in_window)::integer AS events_in_window,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'email_open'), 0)::integer AS email_opens,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'email_click'), 0)::integer AS email_clicks,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'web_visit'), 0)::integer AS web_visits,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'pricing_view'), 0)::integer AS pricing_views,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'document_download'), 0)::integer AS document_downloads,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'support_visit'), 0)::integer AS support_visits,
	   coalesce(pg_catalog.sum(ev.in_window) FILTER (WHERE ev.kind = 'other'), 0)::integer AS other_events,
	   pg_catalog.max(ev.last_on) AS last_event_at,
	   a.day - pg_catalog.max(ev.last_on) AS days_since_last_event,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'email_open') AS days_since_last_email_open,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'email_click') AS days_since_last_email_click,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'web_visit') AS days_since_last_web_visit,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'pricing_view') AS days_since_last_pricing_view,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'document_download') AS days_since_last_document_download,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'support_visit') AS days_since_last_support_visit,
	   a.day - pg_catalog.max(ev.last_on) FILTER (WHERE ev.kind = 'other') AS days_since_last_other_event,
	   a.day - a.window_start AS engagement_window_days,
	   a.day AS as_of
  FROM by_kind ev JOIN a ON dormancy._single_row(a.day)
 GROUP BY ev.customer_id, a.day, a.window_start;
COMMENT ON VIEW dormancy.customer_engagement IS 'engagement events per customer: counts in the engagement window and days since the last event, by kind';
COMMENT ON COLUMN dormancy.customer_engagement.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_engagement.events_in_window IS 'events in (as_of - engagement_window, as_of]';
COMMENT ON COLUMN dormancy.customer_engagement.email_opens IS 'email_open events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.email_clicks IS 'email_click events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.web_visits IS 'web_visit events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.pricing_views IS 'pricing_view events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.document_downloads IS 'document_download events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.support_visits IS 'support_visit events in the window';
COMMENT ON COLUMN dormancy.customer_engagement.other_events IS 'other events (unmapped kinds included) in the window';
COMMENT ON COLUMN dormancy.customer_engagement.last_event_at IS 'day of the last event up to as_of';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_event IS 'as_of minus last_event_at';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_open IS 'days since the last email_open';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_email_click IS 'days since the last email_click';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_web_visit IS 'days since the last web_visit';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_pricing_view IS 'days since the last pricing_view';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_document_download IS 'days since the last document_download';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_support_visit IS 'days since the last support_visit';
COMMENT ON COLUMN dormancy.customer_engagement.days_since_last_other_event IS 'days since the last other event';
COMMENT ON COLUMN dormancy.customer_engagement.engagement_window_days IS 'length of the engagement window in days';
COMMENT ON COLUMN dormancy.customer_engagement.as_of IS 'the as-of day';

-- customer_deals: the last closed deal per customer (open deals counted apart):
-- the latest day, then the latest instant of that day when the bound column
-- has one.  The last deal's columns are picked together, as one
-- dormancy._closed_deal (sql_src/50_sources.sql).
CREATE OR REPLACE VIEW dormancy.customer_deals WITH (security_invoker = true) AS
WITH a AS (
	SELECT ao.day FROM dormancy._as_of ao
), d AS (
	SELECT x.customer_id, x.closed_on, x.closed_at, x.source_outcome, x.source_reason, x.note,
		   coalesce(o.outcome, 'unknown') AS outcome,
		   -- no reason given: the outcome's wording when it carries one
		   -- (lost - competitor and its installed Japanese wordings: in
		   -- deal_reasons too)
		   CASE WHEN x.source_reason IS NULL OR dormancy.label_key(x.source_reason) = '' THEN ro.reason
				ELSE coalesce(r.reason, 'other') END AS reason
	  FROM dormancy.src_deals x
	  LEFT JOIN dormancy.deal_outcomes o ON dormancy.label_key(o.source_outcome) = dormancy.label_key(x.source_outcome)
	  LEFT JOIN dormancy.deal_reasons r ON dormancy.label_key(r.source_reason) = dormancy.label_key(x.source_reason)
	  LEFT JOIN dormancy.deal_reasons ro ON dormancy.label_key(ro.source_reason) = dormancy.label_key(x.source_outcome)
	 WHERE x.customer_id IS NOT NULL
), closed AS (
	SELECT d.*, (d.outcome IS DISTINCT FROM 'open' AND d.closed_on IS NOT NULL AND pg_catalog.isfinite(d.closed_on)
				 AND d.closed_on <= a.day) AS counts
	  FROM d JOIN a ON dormancy._single_row(a.day)
), g AS (
	SELECT c.customer_id, a.day,
		   (pg_catalog.array_agg(ROW(c.closed_on, c.outcome, c.reason, c.source_outcome, c.source_reason, c.note)::dormancy._closed_deal
								 ORDER BY c.closed_on DESC, c.closed_at DESC NULLS LAST, c.outcome, c.reason,
										  c.source_outcome, c.note)
				FILTER (WHERE c.counts))[1] AS last_deal,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'won')::integer AS deals_won,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'lost')::integer AS deals_lost,
		   pg_catalog.count(*) FILTER (WHERE c.counts AND c.outcome = 'postponed')::integer AS deals_postponed,
		   pg_catalog.count(*) FILTER (WHERE c.outcome = 'open')::integer AS open_deals,
		   pg_catalog.max(c.closed_on) FILTER (WHERE c.counts AND c.outcome = 'won') AS last_won_at
	  FROM closed c JOIN a ON dormancy._single_row(a.day)
	 GROUP BY c.customer_id, a.day
)
SELECT g.customer_id,
	   (g.last_deal).closed_on AS last_deal_at,
	   g.day - (g.last_deal).closed_on AS days_since_last_deal,
	   (g.last_deal).outcome AS last_deal_outcome,
	   (g.last_deal).reason AS last_deal_reason,
	   (g.last_deal).source_outcome AS last_deal_source_outcome,
	   (g.last_deal).source_reason AS last_deal_source_reason,
	   (g.last_deal).note AS last_deal_note,
	   g.deals_won,
	   g.deals_lost,
	   g.deals_postponed,
	   g.open_deals,
	   g.last_won_at,
	   g.day AS as_of
  FROM g;
COMMENT ON VIEW dormancy.customer_deals IS 'the last closed deal per customer with deals, and deal counts';
COMMENT ON COLUMN dormancy.customer_deals.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_at IS 'close day of the last deal that is not open, up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.days_since_last_deal IS 'as_of minus last_deal_at';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_outcome IS 'won, lost, postponed, or unknown (an outcome that is NULL or not in dormancy.deal_outcomes)';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_reason IS 'price, features, competitor, timing, budget, circumstances or other; without a reason given, the reason its outcome wording carries (in dormancy.deal_reasons, as lost - competitor), else NULL';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_outcome IS 'the outcome as it is in the bound relation';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_source_reason IS 'the reason as it is in the bound relation';
COMMENT ON COLUMN dormancy.customer_deals.last_deal_note IS 'the note of the last deal';
COMMENT ON COLUMN dormancy.customer_deals.deals_won IS 'won deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.deals_lost IS 'lost deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.deals_postponed IS 'postponed deals up to as_of';
COMMENT ON COLUMN dormancy.customer_deals.open_deals IS 'deals whose outcome is open';
COMMENT ON COLUMN dormancy.customer_deals.last_won_at IS 'close day of the last won deal';
COMMENT ON COLUMN dormancy.customer_deals.as_of IS 'the as-of day';

-- customer_contacts: per customer with contacts, the usable ones counted
-- (the data gaps of customer_status; D9, docs/sources.md).
CREATE OR REPLACE VIEW dormancy.customer_contacts WITH (security_invoker = true) AS
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.contact_stale_after)::pg_catalog.date AS fresh_from,
		   s.phone_country
	  FROM dormancy._source_settings s
), c AS (
	SELECT x.customer_id,
		   NULLIF(pg_catalog.btrim(x.phone), '') AS phone,
		   NULLIF(pg_catalog.btrim(x.email), '') AS email,
		   NULLIF(pg_catalog.btrim(x.person), '') AS person,
		   x.updated_on
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IS NOT NULL
), checked AS (
	SELECT c.*,
		   -- per-country rules after NFKC (full-width digits count)
		   dormancy.phone_valid(c.phone, a.phone_country) AS phone_ok,
		   c.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$' AS email_ok
	  FROM c JOIN a ON dormancy._single_row(a.day)
)
SELECT k.customer_id,
	   pg_catalog.count(*) AS contacts,
	   pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS phones,
	   pg_catalog.count(*) FILTER (WHERE k.email_ok) AS emails,
	   pg_catalog.count(k.person) AS persons,
	   -- invalid: a value that is not valid (phone_ok and email_ok are NULL
	   -- only without a value), from the same aggregates as phones and
	   -- emails, so that each check runs once a row, not again under a NOT
	   pg_catalog.count(k.phone) - pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS invalid_phones,
	   pg_catalog.count(k.email) - pg_catalog.count(*) FILTER (WHERE k.email_ok) AS invalid_emails,
	   pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) AS last_updated_at,
	   coalesce(pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) < a.fresh_from, true) AS outdated,
	   a.day AS as_of
  FROM checked k JOIN a ON dormancy._single_row(a.day)
 GROUP BY k.customer_id, a.day, a.fresh_from;
COMMENT ON VIEW dormancy.customer_contacts IS 'usable phone numbers, e-mail addresses and contact persons per customer with contacts (bind_contacts)';
COMMENT ON COLUMN dormancy.customer_contacts.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_contacts.contacts IS 'contact rows of the customer';
COMMENT ON COLUMN dormancy.customer_contacts.phones IS 'usable phone numbers: dormancy.phone_valid() in source_settings.phone_country (Japanese numbers of 10 or 11 digits by prefix, other countries +8 to 15 digits; full-width digits count)';
COMMENT ON COLUMN dormancy.customer_contacts.emails IS 'usable e-mail addresses: local@domain.tld without spaces';
COMMENT ON COLUMN dormancy.customer_contacts.persons IS 'contact persons named (not blank)';
COMMENT ON COLUMN dormancy.customer_contacts.invalid_phones IS 'phone values that are not blank and not a usable number';
COMMENT ON COLUMN dormancy.customer_contacts.invalid_emails IS 'e-mail values that are not blank and not a usable address';
COMMENT ON COLUMN dormancy.customer_contacts.last_updated_at IS 'the latest update day of the contacts up to as_of (NULL when unknown)';
COMMENT ON COLUMN dormancy.customer_contacts.outdated IS 'last_updated_at is unknown or older than source_settings.contact_stale_after before as_of';
COMMENT ON COLUMN dormancy.customer_contacts.as_of IS 'the as-of day';

-- customer_outreach: per customer with outreach (bind_outreach, else
-- dormancy.outreach_log), the contacts up to as_of and the latest of them;
-- the latest outcome that is not not_reached (the latest conversation) and
-- its declined reason are evidence of the likely reason (outreach_declined,
-- outreach_reason_competitor, ...; docs/outreach.md).  Ties of one instant
-- are broken by the log's row number, then the values.  The latest contact's
-- and the latest conversation's columns are each picked together, in one
-- ordered aggregate (dormancy._last_contact, _last_conversation,
-- sql_src/67_outreach.sql): each ordered aggregate sorts a customer's rows.
-- opted_out_on: the day of the latest opt-out (outreach_outcomes.opt_out)
-- when no conversation of the customer's own interest (_interest_outcomes:
-- interested, meeting, quote, order) came after it; one of the same instant
-- does not lift it; -infinity for an opt-out without a time, which nothing
-- lifts, unless a dated opt-out is in force too (_opt_out_in_force, the
-- rule campaign_list applies too, on the same aggregates:
-- sql_src/67_outreach.sql; docs/outreach.md, Opt-outs).  recontact_on:
-- the day after the hold that follows a contact
-- (outreach_settings.recontact_after) when it is still ahead, else NULL; a
-- mailing (direct_mail, step_mail) without an answer (delivered or opened
-- is none) holds nobody back, since a follow-up call is its point
-- (docs/outreach.md, Recent contacts).
CREATE OR REPLACE VIEW dormancy.customer_outreach WITH (security_invoker = true) AS
WITH a AS (
	SELECT ao.day, (SELECT s.recontact_after FROM dormancy.outreach_settings_in_force() s) AS recontact_after
	  FROM dormancy._as_of ao
), o AS (
	SELECT y.*,
		   (y.counts AND NOT y.unanswered) AS holds,
		   (y.counts AND dormancy._conversation(y.channel, y.outcome, y.source_outcome)) AS conversation
	  FROM (SELECT x.*, (pg_catalog.isfinite(x.contacted_at) AND x.contacted_on <= a.day) IS TRUE AS counts,
				   (x.contacted_at IS NULL OR NOT pg_catalog.isfinite(x.contacted_at)) AS undated,
				   -- a message the customer did not answer (_unanswered,
				   -- sql_src/67_outreach.sql: delivered by any channel, a
				   -- direct or step mailing with no outcome, not reached or
				   -- reached) holds nobody back and is no conversation
				   -- (_conversation: a decline heard before it stays the
				   -- latest thing the customer said), the rule
				   -- campaign_outcomes.reached reads too.  An answer
				   -- (interest, a decline) holds and is a conversation; an
				   -- outcome nobody mapped holds, as a channel nobody mapped
				   -- does
				   dormancy._unanswered(x.channel, x.outcome, x.source_outcome) AS unanswered
			  FROM dormancy.src_outreach x JOIN a ON dormancy._single_row(a.day)
			 -- a contact without a (finite) time is left out (source_issues
			 -- lists it), but for an opt-out: its time unknown, it is in
			 -- force and nothing lifts it (the customer asked not to be
			 -- called; no conversation can be known to come after it)
			 WHERE x.customer_id IS NOT NULL
			   AND ((x.contacted_at IS NOT NULL AND pg_catalog.isfinite(x.contacted_at)) OR x.opt_out)) y
), g AS (
	SELECT o.customer_id, a.day, a.recontact_after,
		   pg_catalog.count(*) FILTER (WHERE o.counts) AS contacts,
		   pg_catalog.count(*) FILTER (WHERE o.conversation) AS conversations,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts) AS last_contacted_at,
		   (pg_catalog.array_agg(ROW(o.channel, o.theme, o.campaign_id)::dormancy._last_contact
								 ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome, o.channel, o.theme)
				FILTER (WHERE o.counts))[1] AS last_contact,
		   (pg_catalog.array_agg(ROW(o.contacted_on, o.outcome,
									 CASE WHEN o.outcome = 'declined' THEN o.declined_reason END)::dormancy._last_conversation
								 ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome, o.declined_reason)
				FILTER (WHERE o.conversation))[1] AS last_conversation,
		   -- the opt-out in force (_opt_out_in_force, below; campaign_list
		   -- aggregates the same): the latest dated opt-out, whether one
		   -- has no time (in force, nothing can come after it) and the
		   -- latest interest
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts AND o.opt_out) AS last_opt_out_at,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts AND o.opt_out) AS last_opt_out_on,
		   pg_catalog.bool_or(o.undated) FILTER (WHERE o.opt_out) AS undated_opt_out,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.counts AND o.outcome = ANY (dormancy._interest_outcomes()))
				AS last_interest_at,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts) AS last_contacted_on,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.holds) AS last_holding_contact_on,
		   pg_catalog.max(o.contacted_on) FILTER (WHERE o.counts AND o.outcome = ANY (dormancy._interest_outcomes()))
				AS last_interest_on
	  FROM o JOIN a ON dormancy._single_row(a.day)
	 GROUP BY o.customer_id, a.day, a.recontact_after
)
SELECT g.customer_id,
	   g.contacts,
	   g.conversations,
	   g.last_contacted_at,
	   (g.last_contact).channel AS last_channel,
	   (g.last_contact).theme AS last_theme,
	   -- a campaign id that is no campaign: a contact without a campaign, as
	   -- campaign_outcomes and source_issues count it
	   CASE WHEN EXISTS (SELECT FROM dormancy.campaigns c WHERE c.campaign_id = (g.last_contact).campaign_id)
			THEN (g.last_contact).campaign_id END AS last_campaign_id,
	   (g.last_conversation).contacted_on AS last_outcome_on,
	   (g.last_conversation).outcome AS last_outcome,
	   (g.last_conversation).declined_reason AS last_declined_reason,
	   g.day AS as_of,
	   -- in force: the day of the latest dated opt-out when that one is in
	   -- force, else none known (-infinity: only an opt-out without a time)
	   CASE WHEN dormancy._opt_out_in_force(g.last_opt_out_at, g.undated_opt_out, g.last_interest_at)
			THEN CASE WHEN dormancy._opt_out_in_force(g.last_opt_out_at, false, g.last_interest_at)
					  THEN g.last_opt_out_on ELSE '-infinity'::pg_catalog.date END END AS opted_out_on,
	   g.last_contacted_on,
	   CASE WHEN (g.last_holding_contact_on + g.recontact_after)::pg_catalog.date > g.day
			THEN (g.last_holding_contact_on + g.recontact_after)::pg_catalog.date END AS recontact_on,
	   g.last_interest_on
  FROM g;
COMMENT ON VIEW dormancy.customer_outreach IS 'per customer with outreach (bind_outreach, else dormancy.outreach_log): the contacts up to as_of and the latest of them, and the latest conversation''s outcome and declined reason (evidence of the likely reason)';
COMMENT ON COLUMN dormancy.customer_outreach.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.customer_outreach.contacts IS 'contacts (attempts included) on or before as_of';
COMMENT ON COLUMN dormancy.customer_outreach.conversations IS 'contacts on or before as_of with an outcome other than not_reached, not counting a message delivered without an answer (outcome delivered, by any channel) nor a direct or step mailing the customer did not answer (no outcome, not_reached or reached)';
COMMENT ON COLUMN dormancy.customer_outreach.last_contacted_at IS 'the time of the latest contact on or before as_of';
COMMENT ON COLUMN dormancy.customer_outreach.last_channel IS 'the channel of the latest contact (email, direct_mail, phone, visit, step_mail; NULL when unmapped or not given)';
COMMENT ON COLUMN dormancy.customer_outreach.last_theme IS 'the message theme of the latest contact (NULL when unmapped or not given)';
COMMENT ON COLUMN dormancy.customer_outreach.last_campaign_id IS 'the campaign of the latest contact, NULL for none (and for a campaign id that is none of dormancy.campaigns: source_issues lists it)';
COMMENT ON COLUMN dormancy.customer_outreach.last_outcome_on IS 'the day of the latest conversation (outcome other than not_reached; a message delivered without an answer, or a direct or step mailing the customer did not answer, is none)';
COMMENT ON COLUMN dormancy.customer_outreach.last_outcome IS 'the outcome of the latest conversation: reached, interested, meeting, quote, order or declined (evidence outreach_<outcome>; a message delivered without an answer, or an unanswered mailing, is no conversation)';
COMMENT ON COLUMN dormancy.customer_outreach.last_declined_reason IS 'when the latest conversation was declined, its reason: price, features, competitor, timing, budget, circumstances or other (evidence outreach_reason_<reason>); else NULL';
COMMENT ON COLUMN dormancy.customer_outreach.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.customer_outreach.opted_out_on IS 'the day the customer asked not to be contacted again (an outcome with outreach_outcomes.opt_out) on or before as_of, when no later outcome interested, meeting, quote or order lifted it; -infinity for an opt-out without a (finite) time, which nothing lifts; NULL otherwise.  Such a customer is left off call_list, snapshot_call_list and new campaigns';
COMMENT ON COLUMN dormancy.customer_outreach.last_contacted_on IS 'the day (in the zone of dormancy.time_zone) of the latest contact on or before as_of, attempts included';
COMMENT ON COLUMN dormancy.customer_outreach.recontact_on IS 'the first day the customer may be contacted again: the day of the latest contact that holds the customer back (any but a message delivered without an answer, or a direct or step mailing the customer did not answer) plus outreach_settings.recontact_after, when that is after as_of; NULL otherwise (and while recontact_after is NULL).  Such a customer is held back from call_list, snapshot_call_list and new campaigns';
COMMENT ON COLUMN dormancy.customer_outreach.last_interest_on IS 'the day of the latest contact on or before as_of with an outcome of the customer''s own interest (interested, meeting, quote, order); NULL without any.  It ends a hold until next fiscal year''s budget that a deal closed before it began (customer_status.reapproach_on)';

-- source_issues: rows of the optional sources the views cannot use or had to
-- interpret, counted per kind.  Every source reports its rows without a
-- customer and those of unknown customers alike.  The unknown customers are
-- anti-joins, and the unmapped wordings are counted first and matched with
-- the mappings after: Citus runs neither a correlated subquery over the
-- customers nor one over a local mapping beside a distributed source.
CREATE OR REPLACE VIEW dormancy.source_issues WITH (security_invoker = true) AS
SELECT 'contracts'::pg_catalog.text AS source, 'contract_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'contract terms whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_contracts x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'contracts', 'contract_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_contracts x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'events'::pg_catalog.text AS source, 'event_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'events whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_events x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'events', 'event_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_events x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'deals'::pg_catalog.text AS source, 'deal_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'deals whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_deals x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'deals', 'deal_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'deals of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_deals x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'contacts'::pg_catalog.text AS source, 'contact_without_customer'::pg_catalog.text AS issue,
	   NULL::pg_catalog.text AS customer_id, NULL::pg_catalog.text AS value, pg_catalog.count(*) AS rows,
	   'contacts whose customer is NULL, left out'::pg_catalog.text AS detail
  FROM dormancy.src_contacts x WHERE x.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'contacts', 'contact_customer_not_found', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contacts of a customer not in the bound customers, not in customer_status'
  FROM dormancy.src_contacts x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY x.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_dates', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms with neither start nor end, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on IS NULL
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_start', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without a start: taken as started before the as-of day'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.starts_on IS NULL AND c.ends_on > '-infinity'::pg_catalog.date
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_without_end', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms without an end: taken as open-ended (running)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on IS NULL AND c.starts_on < 'infinity'::pg_catalog.date
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_ends_before_start', c.customer_id::pg_catalog.text,
	   (pg_catalog.array_agg(c.starts_on::pg_catalog.text || ' > ' || c.ends_on::pg_catalog.text
							 ORDER BY c.starts_on, c.ends_on))[1], pg_catalog.count(*),
	   'contract terms that end before they start, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.ends_on < c.starts_on
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_number_out_of_range', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms whose seats or amount is beyond +-1e15, NaN or infinite: read as unknown (NULL)'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL AND c.numbers_out_of_range
 GROUP BY c.customer_id
UNION ALL
SELECT 'contracts', 'contract_covers_no_day', c.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contract terms ending at -infinity or starting at infinity, left out of the contract signals'
  FROM dormancy.src_contracts c
 WHERE c.customer_id IS NOT NULL
   AND (c.ends_on = '-infinity'::pg_catalog.date OR c.starts_on = 'infinity'::pg_catalog.date)
   AND NOT coalesce(c.ends_on < c.starts_on, false)
 GROUP BY c.customer_id
UNION ALL
SELECT 'events', 'event_without_date', e.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'events whose time is NULL or infinite, left out'
  FROM dormancy.src_events e
 WHERE e.customer_id IS NOT NULL AND (e.occurred_on IS NULL OR NOT pg_catalog.isfinite(e.occurred_on))
 GROUP BY e.customer_id
UNION ALL
SELECT 'events', 'event_kind_unmapped', NULL, e.source_kind, e.rows,
	   'event kinds not in dormancy.event_kinds (NULL included), counted as other'
  FROM (SELECT e.source_kind, pg_catalog.count(*) AS rows FROM dormancy.src_events e GROUP BY e.source_kind) e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
				   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(e.source_kind))
UNION ALL
SELECT 'deals', 'deal_without_date', d.customer_id::pg_catalog.text, NULL, pg_catalog.sum(d.rows)::pg_catalog.int8,
	   'deals that are not open and have no (finite) close date, left out of the last deal'
  FROM (SELECT d.customer_id, d.source_outcome, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE d.customer_id IS NOT NULL AND (d.closed_on IS NULL OR NOT pg_catalog.isfinite(d.closed_on))
		 GROUP BY d.customer_id, d.source_outcome) d
 -- (the open outcomes' keys as one array, not a correlated subquery: grouped
 -- by customer, this branch runs on the Citus workers, and Citus refuses a
 -- local table correlated with it)
 WHERE NOT coalesce(dormancy.label_key(d.source_outcome)
					  = ANY (ARRAY(SELECT dormancy.label_key(o.source_outcome) FROM dormancy.deal_outcomes o
									WHERE o.outcome = 'open')), false)
 GROUP BY d.customer_id
UNION ALL
SELECT 'deals', 'deal_outcome_unmapped', NULL, d.source_outcome, d.rows,
	   'deal outcomes not in dormancy.deal_outcomes (NULL included): outcome unknown, neutral in the score'
  FROM (SELECT d.source_outcome, pg_catalog.count(*) AS rows FROM dormancy.src_deals d GROUP BY d.source_outcome) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
				   WHERE dormancy.label_key(o.source_outcome) = dormancy.label_key(d.source_outcome))
UNION ALL
SELECT 'deals', 'deal_reason_unmapped', NULL, d.source_reason, d.rows,
	   'lost reasons not in dormancy.deal_reasons, counted as other'
  FROM (SELECT d.source_reason, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE d.source_reason IS NOT NULL AND dormancy.label_key(d.source_reason) <> ''
		 GROUP BY d.source_reason) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(d.source_reason))
UNION ALL
SELECT 'outreach', 'outreach_without_customer', NULL, NULL, pg_catalog.count(*),
	   'contacts whose customer is NULL, left out'
  FROM dormancy.src_outreach x WHERE x.source_customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
-- (the id as written: a text id's key, white space trimmed, matched no one)
SELECT 'outreach', 'outreach_customer_not_found', COALESCE(x.source_customer_id, x.customer_id::pg_catalog.text),
	   NULL, pg_catalog.count(*),
	   'contacts of a customer not in the bound customers (no customer id has this text, its white space trimmed at both ends when it is text, in dormancy.outreach_log or a bound table: dormancy.outreach_customer_key), not in customer_status'
  FROM dormancy.src_outreach x
  LEFT JOIN dormancy.src_customers s ON s.customer_id = x.customer_id
 WHERE x.source_customer_id IS NOT NULL AND s.customer_id IS NULL
 GROUP BY 3
UNION ALL
SELECT 'outreach', 'outreach_without_date', x.customer_id::pg_catalog.text, NULL, pg_catalog.count(*),
	   'contacts without a (finite) contact time, left out; an opt-out among them keeps the customer off the lists all the same (customer_outreach.opted_out_on -infinity unless a dated opt-out gives its day): give it its time'
  FROM dormancy.src_outreach x
 WHERE x.customer_id IS NOT NULL AND (x.contacted_at IS NULL OR NOT pg_catalog.isfinite(x.contacted_at))
 GROUP BY x.customer_id
UNION ALL
SELECT 'outreach', 'outreach_campaign_not_found', NULL, x.campaign_id::pg_catalog.text, x.rows,
	   'contacts whose campaign id is not in dormancy.campaigns: counted as contacts without a campaign'
  FROM (SELECT x.campaign_id, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x WHERE x.campaign_id IS NOT NULL GROUP BY x.campaign_id) x
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.campaigns c WHERE c.campaign_id = x.campaign_id)
UNION ALL
-- (the contacts grouped first, then matched with the local campaigns: as
-- above, for Citus)
SELECT 'outreach', 'outreach_before_campaign', x.customer_id::pg_catalog.text, x.campaign_id::pg_catalog.text,
	   pg_catalog.sum(x.rows)::pg_catalog.int8,
	   'contacts of a campaign dated before the campaign''s start day: not counted for it'
  FROM (SELECT x.customer_id, x.campaign_id, x.contacted_on, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x
		 WHERE x.campaign_id IS NOT NULL AND x.customer_id IS NOT NULL
		 GROUP BY x.customer_id, x.campaign_id, x.contacted_on) x
  JOIN dormancy.campaigns c ON c.campaign_id = x.campaign_id
 -- (a contact without a usable time is outreach_without_date, not this)
 WHERE x.contacted_on < c.as_of AND pg_catalog.isfinite(x.contacted_on)
 GROUP BY x.customer_id, x.campaign_id
UNION ALL
-- price changes for one category while no category is bound: they match no
-- purchase (a change with category NULL applies to everyone)
SELECT 'price_changes', 'price_change_category_unbound', NULL, p.category, pg_catalog.count(*),
	   'price changes recorded for a category while the orders have no category column bound: they apply to no customer'
  FROM dormancy.price_changes p
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_categories_bound)
 WHERE p.category IS NOT NULL AND NOT b.order_categories_bound
 GROUP BY p.category
UNION ALL
-- a view (not security_invoker) between an adapter and a table with row
-- security: the view reads the table as its owner, so the policies do not
-- apply to the querying role; found live in the catalogs, from each adapter
-- down through the views it reads
SELECT s.source, 'bound_view_not_security_invoker', NULL, b.definer::pg_catalog.text, pg_catalog.count(*),
	   'a view that is not security_invoker reads tables with row-level security as its owner: their policies do not apply to the roles that query the live views (ALTER VIEW ... SET (security_invoker = true))'
  FROM (VALUES ('customers', 'src_customers'), ('orders', 'src_orders'), ('contracts', 'src_contracts'),
			   ('events', 'src_events'), ('deals', 'src_deals'), ('contacts', 'src_contacts'),
			   ('outreach', 'src_outreach')) s(source, adapter)
  JOIN pg_catalog.pg_class a ON a.relname = s.adapter AND a.relnamespace = 'dormancy'::pg_catalog.regnamespace
 -- (the outreach log's adapter reads the customers' adapter: that is the
 -- customers' source, reported there)
 CROSS JOIN LATERAL dormancy._row_security_bypassed(a.oid::pg_catalog.regclass,
		CASE WHEN s.source = 'outreach' THEN 'dormancy.src_customers'::pg_catalog.regclass END) b
 GROUP BY s.source, b.definer;
COMMENT ON VIEW dormancy.source_issues IS 'rows of the contracts, events, deals, contacts and outreach sources that cannot be used or had to be interpreted, counted per kind; price changes that apply to no customer; bound views through which row-level security does not apply';
COMMENT ON COLUMN dormancy.source_issues.source IS 'contracts, events, deals, contacts or outreach; price_changes; or the source whose bound view is not security_invoker (customers, orders, ...)';
COMMENT ON COLUMN dormancy.source_issues.issue IS 'what is wrong (docs/sources.md lists every issue)';
COMMENT ON COLUMN dormancy.source_issues.customer_id IS 'the customer id concerned, as text';
COMMENT ON COLUMN dormancy.source_issues.value IS 'the value concerned (an unmapped kind, outcome or reason; the dates of the first term ending before its start; the category of a price change; the view that is not security_invoker)';
COMMENT ON COLUMN dormancy.source_issues.rows IS 'rows concerned';
COMMENT ON COLUMN dormancy.source_issues.detail IS 'what the issue means and what was done with the rows';

-- customer_column_indexes: whether each bound table has an index on the
-- column that holds the customer id.  A lookup of one customer
-- (customer_status WHERE customer_id = $1) reads that customer's rows of
-- every bound source through the source's index on its customer column;
-- without one it reads every row of that source, and a lookup that takes
-- milliseconds takes as long as the table is large.  Nothing else tells:
-- the answer is the same, only slower.  Per bound table (each partition or
-- inheritance child on a row of its own, from the catalogs:
-- _customer_column_indexes), whether such an index exists, and the
-- statement that makes one.
CREATE OR REPLACE VIEW dormancy.customer_column_indexes WITH (security_invoker = true) AS
SELECT x.source,
	   x.table_name,
	   x.column_name,
	   x.relation_kind,
	   CASE WHEN x.relation_kind IN ('table', 'materialized view') THEN x.index_name IS NOT NULL END AS indexed,
	   x.index_name,
	   x.estimated_rows,
	   CASE WHEN x.relation_kind IN ('table', 'materialized view') AND x.index_name IS NULL
			THEN pg_catalog.format('CREATE INDEX ON %s (%s)', x.index_on, x.lookup_key)
	   END AS create_index,
	   -- the orders only: the histories fold them in the customers' order
	   -- through the index, and an index that holds every bound column lets
	   -- that fold (and a lookup) read the index alone: docs/operations.md,
	   -- An index that covers the orders
	   CASE WHEN x.source = 'orders' AND x.relation_kind IN ('table', 'materialized view')
			THEN x.covering_index IS NOT NULL END AS covered,
	   x.covering_index,
	   CASE WHEN x.source = 'orders' AND x.relation_kind IN ('table', 'materialized view') AND x.covering_index IS NULL
			THEN pg_catalog.format('CREATE INDEX ON %s (%I) INCLUDE (%s)', x.index_on, x.column_name,
								   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o), ', ' ORDER BY n)
									  FROM pg_catalog.unnest(x.other_columns) WITH ORDINALITY u(o, n)))
	   END AS create_covering_index
  FROM dormancy._customer_column_indexes() x;
COMMENT ON VIEW dormancy.customer_column_indexes IS
	'per bound table (each partition or inheritance child on its own row): whether an index on its customer column lets a lookup of one customer read only that customer''s rows, and the statement that makes one when it is missing; for the orders also whether an index holds every bound column, and the statement that makes one';
COMMENT ON COLUMN dormancy.customer_column_indexes.source IS 'the source it is bound as: customers, orders, contracts, events, deals, contacts or outreach';
COMMENT ON COLUMN dormancy.customer_column_indexes.table_name IS 'the bound relation, or one of its partitions or inheritance children';
COMMENT ON COLUMN dormancy.customer_column_indexes.column_name IS 'the column bound as the customer id (the id of the customers)';
COMMENT ON COLUMN dormancy.customer_column_indexes.relation_kind IS 'table, materialized view, view or foreign table';
COMMENT ON COLUMN dormancy.customer_column_indexes.indexed IS 'true when a valid B-tree or hash index starts with the customer column (for a bound outreach table with text ids: with its key, dormancy.outreach_customer_key(column)), whole or partial with the predicate customer column IS NOT NULL; false when none does (a lookup of one customer reads every row); NULL for a view or foreign table, whose indexes are not visible here';
COMMENT ON COLUMN dormancy.customer_column_indexes.index_name IS 'the index a lookup can use (a full index before a partial one)';
COMMENT ON COLUMN dormancy.customer_column_indexes.estimated_rows IS 'the rows the planner estimates the table holds (pg_class.reltuples; 0 before its first ANALYZE): what a lookup reads without the index';
COMMENT ON COLUMN dormancy.customer_column_indexes.create_index IS 'when the index is missing, the statement that makes it (on the bound partitioned table for a partition)';
COMMENT ON COLUMN dormancy.customer_column_indexes.covered IS 'for the orders: true when a valid B-tree index starts with the customer column and holds every other bound column (key or INCLUDE), so that the purchase histories read the index alone (index-only scans); NULL for the other sources, views and foreign tables';
COMMENT ON COLUMN dormancy.customer_column_indexes.covering_index IS 'for the orders: the index that covers them (a full index before a partial one)';
COMMENT ON COLUMN dormancy.customer_column_indexes.create_covering_index IS 'for the orders, when no index covers them: the statement that makes one (the customer column, then the other bound columns as INCLUDE; on the bound partitioned table for a partition)';

-- customer_core: one row per customer with its state, decline signals,
-- price changes and contract columns; customer_status adds the rest.  The
-- derived columns come from one C evaluation (_customer_facts); b is what
-- is bound (src_bindings).
CREATE OR REPLACE VIEW dormancy.customer_core WITH (security_invoker = true) AS
-- The settings (the as-of day, the decline settings, the configuration) are
-- each read once, in a CTE, and reach the rows only through init plans
-- (parameters).  Until 2026-12-06 the as-of day and the decline settings
-- were relations of one row joined to the customers: the planner put them
-- on the outer side of a nested loop over every customer, whose inner side,
-- planned for rewinding, kept the Materialize of the histories below the
-- merge join from trimming its tuplestore (771 MB of temporary files at
-- 1,000,000 demo customers with the default work_mem; none now, and
-- customer_core 9.0-10.1 s against 11.2-11.5 s; docs/operations.md).
WITH as_of AS MATERIALIZED (
	-- read once (inlined, it was read per row and reference)
	SELECT ao.day FROM dormancy._as_of ao
), ds AS MATERIALIZED (
	SELECT d.* FROM dormancy.decline_settings_in_force() d
), config AS MATERIALIZED (
	-- the configuration the C functions read (09_configuration.sql), made
	-- once and read only by init plans (see _customer_facts below)
	SELECT dormancy._configuration() AS configuration
)
SELECT c.customer_id,
	   c.name,
	   c.industry,
	   c.company_size,
	   f.state,
	   f.last_order_at,
	   f.days_since_last_order,
	   f.last_qualifying_order_at,
	   f.days_since_last_qualifying_order,
	   f.first_order_at,
	   f.orders_count,
	   f.order_days,
	   f.total_amount,
	   f.unknown_amount_orders,
	   f.refunds,
	   f.segment,
	   (r.rule).rule_id,
	   (r.rule).at_risk_after,
	   (r.rule).dormant_after,
	   (r.rule).long_dormant_after,
	   (r.rule).min_order_amount,
	   (SELECT a.day FROM as_of a) AS as_of,
	   f.mean_gap_days,
	   f.median_gap_days,
	   f.gap_stddev_days,
	   f.overdue_ratio,
	   f.recent_amount,
	   f.prior_amount,
	   f.recent_orders,
	   f.prior_orders,
	   f.amount_change,
	   f.frequency_change,
	   f.amount_trend,
	   f.trend_points,
	   f.relative_trend,
	   f.recent_median_gap_days,
	   f.earlier_median_gap_days,
	   f.cadence_change,
	   f.season_amount,
	   f.last_season_amount,
	   f.season_orders,
	   f.last_season_orders,
	   f.same_season_change,
	   f.declining,
	   f.decline_signals,
	   f.lapsed_after_price_increase,
	   f.price_increase,
	   f.lapsed_after_spec_change,
	   f.spec_change,
	   f.frequency,
	   f.recency AS recency_days,
	   f.age AS age_days,
	   f.monetary_value,
	   f.monetary_days,
	   con.terms AS contract_terms,
	   con.contract_end_at,
	   con.last_covered_day AS contract_covered_until,
	   con.contract_lapsed,
	   con.days_since_contract_end,
	   con.auto_renew_off,
	   con.downgraded,
	   con.renewal_due_in_days,
	   c.owner,
	   c.company_id
  FROM dormancy.src_customers c
  -- the bindings (constants, folded into the expressions that read them)
  JOIN dormancy.src_bindings b ON dormancy._single_row(b.order_discounts_bound)
  -- the histories as customer_histories gives them (live, or inside a
  -- refresh the stored ones: the same gate), as two outer joins rather
  -- than one to its UNION ALL: Citus pushes a union down only on the inner
  -- side of a join, and would collect every history on the coordinator; a
  -- customer is in one of them at most
  LEFT JOIN (SELECT l.customer_id, l.history, l.categories, l.category_last_order_at
			   FROM dormancy.customer_histories_live l
			  WHERE (SELECT NOT dormancy._use_stored_histories())) hl ON hl.customer_id = c.customer_id
  LEFT JOIN dormancy.customer_histories_stored hs ON hs.customer_id = c.customer_id
  LEFT JOIN dormancy.contract_signals con ON con.customer_id = c.customer_id
  -- the rule of the customer's segment: per customer, so that a lookup of
  -- one customer reads no other (a DISTINCT over every customer's segment
  -- did); LIMIT 1 keeps it a subquery, which the planner memoizes by
  -- segment, so _rule_for() (rule_for() in C, over the configuration of the
  -- query) runs once per segment, not once per customer.  The configuration
  -- comes from the CTE in the subquery's own FROM: read once per segment,
  -- and not part of the memo's key (a column of the outer query would be,
  -- hashed for every customer); Citus does not push down a subquery without
  -- FROM that holds a sublink.  (LIMIT rather than OFFSET 0: the planner
  -- then knows the subquery gives one row.  A Citus worker takes the
  -- configuration's intermediate result for some 800 rows, whatever its
  -- conditions, and priced each customer's row as 800.)
  LEFT JOIN LATERAL (
	SELECT dormancy._rule_for(coalesce(c.industry, ''), coalesce(c.company_size, ''), x.configuration) AS rule
	  FROM config x
	 LIMIT 1
  ) r ON true
 -- every derived column in one evaluation (_customer_facts): those of
 -- history_summary, decline_metrics (with the settings of the one row ds)
 -- and btyd_summary (h, as_of(), '1 day'), the history detoasted and walked
 -- once; the state (for rules with use_contract_end, IT services: a lapsed
 -- licence is dormancy, the last day covered by a contract counts like a
 -- purchase); the days since the last orders; the segment; and the price
 -- changes the customer lapsed after: its last purchase (in the change's
 -- category when categories are bound) came before the change, while the
 -- customer was not yet dormant, and nothing was bought since (the latest
 -- of each kind; the price changes of the configuration)
 CROSS JOIN LATERAL dormancy._customer_facts(coalesce(hl.history, hs.history), (SELECT a.day FROM as_of a),
		(r.rule).min_order_amount,
		(SELECT d.window_length FROM ds d), (SELECT d.trend_years FROM ds d), (SELECT d.season_length FROM ds d),
		(SELECT d.amount_drop_threshold FROM ds d), (SELECT d.frequency_drop_threshold FROM ds d),
		(SELECT d.cadence_slowdown_threshold FROM ds d), (SELECT d.overdue_threshold FROM ds d),
		(SELECT d.season_drop_threshold FROM ds d), (SELECT d.trend_drop_threshold FROM ds d),
		(SELECT d.trend_min_points FROM ds d), b.order_discounts_bound,
		(r.rule).at_risk_after, (r.rule).dormant_after, (r.rule).long_dormant_after,
		(r.rule).use_contract_end, con.last_covered_day,
		coalesce(hl.categories, hs.categories), coalesce(hl.category_last_order_at, hs.category_last_order_at),
		b.order_categories_bound,
		-- the configuration as an init plan: a parameter, not a 16 kB column
		-- carried on every row (on a Citus worker too, which reads the CTE's
		-- one row from the coordinator)
		(SELECT x.configuration FROM config x)) f
 WHERE c.customer_id IS NOT NULL;
COMMENT ON VIEW dormancy.customer_core IS 'internal: the state and decline columns of customer_status (customer_status adds the later parts)';

-- data_issues: rows that the views cannot use, counted instead of dropped.
CREATE OR REPLACE VIEW dormancy.data_issues WITH (security_invoker = true) AS
SELECT 'order_customer_not_found'::text AS issue,
	   o.customer_id::pg_catalog.text AS customer_id,
	   pg_catalog.count(*) AS rows,
	   pg_catalog.sum(o.amount) AS amount,
	   'orders whose customer is not in the bound customers'::text AS detail
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM dormancy.src_customers c WHERE c.customer_id = o.customer_id)
 GROUP BY o.customer_id
UNION ALL
SELECT 'order_without_customer', NULL, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose customer column is NULL'
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
-- orders without a usable time, without an order id (with one: below)
SELECT 'order_without_date', o.customer_id::pg_catalog.text, pg_catalog.count(*), pg_catalog.sum(o.amount),
	   'orders whose order time is NULL or infinite (or, in dormancy.time_zone, beyond the timestamp range), left out of purchase histories'
  FROM dormancy.src_orders o
 CROSS JOIN dormancy.src_bindings b
 -- (the histories' own test: the order's wall-clock time, _local_time, is
 -- infinite also for an instant whose local time is beyond the range)
 WHERE (o.ordered_at IS NULL
		OR NOT pg_catalog.isfinite(dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z))))
   AND NOT b.order_ids_bound
 GROUP BY o.customer_id
UNION ALL
SELECT 'customer_without_id', NULL, pg_catalog.count(*), NULL,
	   'customers whose id is NULL, left out of customer_status'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NULL
HAVING pg_catalog.count(*) > 0
UNION ALL
SELECT 'duplicate_customer_id', c.customer_id::pg_catalog.text, pg_catalog.count(*), NULL,
	   'customer ids that appear more than once; each copy gets its own customer_status row'
  FROM dormancy.src_customers c
 WHERE c.customer_id IS NOT NULL
 GROUP BY c.customer_id
HAVING pg_catalog.count(*) > 1
UNION ALL
-- amounts out of range (src_orders shows them as unknown)
SELECT 'order_amount_out_of_range', o.customer_id::pg_catalog.text, pg_catalog.count(*), NULL,
	   'orders whose amount is beyond +-1e15, NaN or infinite, taken as unknown amounts'
  FROM dormancy.src_orders o
 WHERE o.amount_out_of_range
 GROUP BY o.customer_id::pg_catalog.text
UNION ALL
-- with an order id bound, the whole orders of src_history_rows (it has none
-- without one), in one pass: the orders none of whose lines has an order
-- time (left out, with all their lines and their net), the lines without
-- one netted into an order that has one, and the orders whose lines net
-- beyond +-1e15 (unknown amounts; rows: their lines).  One grouping of the
-- lines, not three: 1.5 s against 4.7 s at 100,000 demo customers with
-- an order id (medians of 3, 2026-12-08).
SELECT k.issue, g.customer_id,
	   CASE k.n WHEN 1 THEN g.left_rows WHEN 2 THEN g.netted_rows ELSE g.range_rows END,
	   CASE k.n WHEN 1 THEN g.left_amount WHEN 2 THEN g.netted_amount END,
	   k.detail
  FROM (SELECT o.customer_id::pg_catalog.text AS customer_id,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.ordered_at IS NULL) AS left_rows,
			   pg_catalog.sum(o.amount) FILTER (WHERE o.ordered_at IS NULL) AS left_amount,
			   pg_catalog.sum(o.undated_rows) FILTER (WHERE o.ordered_at IS NOT NULL) AS netted_rows,
			   pg_catalog.sum(o.undated_amount) FILTER (WHERE o.ordered_at IS NOT NULL) AS netted_amount,
			   pg_catalog.sum(o.line_rows) FILTER (WHERE o.amount_out_of_range) AS range_rows
		  FROM dormancy.src_history_rows o
		 WHERE o.whole_order AND (o.ordered_at IS NULL OR o.undated_rows > 0 OR o.amount_out_of_range)
		 GROUP BY o.customer_id) g
 CROSS JOIN (VALUES (1, 'order_without_date'::pg_catalog.text,
					 'orders none of whose lines has an order time (NULL or infinite), left out of purchase histories with all their lines'::pg_catalog.text),
					(2, 'order_without_date',
					 'order lines whose order time is NULL or infinite, netted into their order (on the day of its first line with a time)'),
					(3, 'order_amount_out_of_range',
					 'orders (order id bound) whose lines net beyond +-1e15, taken as unknown amounts')) k(n, issue, detail)
 WHERE CASE k.n WHEN 1 THEN g.left_rows WHEN 2 THEN g.netted_rows ELSE g.range_rows END > 0
UNION ALL
-- the customers whose model columns could not be computed (the same model
-- columns as in customer_status, under the model chosen for the segment,
-- Gamma-Gamma's x the one its fit took: models.gammagamma_x)
SELECT 'model_evaluation_failed', core.customer_id::pg_catalog.text, 1::pg_catalog.int8,
	   NULL::double precision, mp.problem
  FROM dormancy.customer_core core
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
 -- (the model chosen by a CASE, not a union of two function scans, which
 -- Citus does not push down to the workers)
 CROSS JOIN LATERAL (
	SELECT CASE WHEN mdl.paretonbd IS NULL
				THEN (dormancy.model_predictions(mdl.bgnbd,
								  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
								  core.frequency, core.recency_days / mdl.unit_days,
								  core.age_days / mdl.unit_days, core.monetary_value,
								  mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END)).problem
				ELSE (dormancy.model_predictions_paretonbd(mdl.paretonbd,
								  CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
								  core.frequency, core.recency_days / mdl.unit_days,
								  core.age_days / mdl.unit_days, core.monetary_value,
								  mdl.horizon_days / mdl.unit_days, NULL, NULL,
								  CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END)).problem END AS problem
 ) mp
 WHERE mp.problem IS NOT NULL;
COMMENT ON VIEW dormancy.data_issues IS 'rows the views cannot use (unknown customers, missing dates, NULL or duplicate ids) and customers whose model columns could not be computed, counted per kind';
COMMENT ON COLUMN dormancy.data_issues.issue IS 'order_customer_not_found, order_without_customer, order_without_date, customer_without_id, duplicate_customer_id, order_amount_out_of_range or model_evaluation_failed';
COMMENT ON COLUMN dormancy.data_issues.customer_id IS 'the customer id concerned, as text';
COMMENT ON COLUMN dormancy.data_issues.rows IS 'rows concerned';
COMMENT ON COLUMN dormancy.data_issues.amount IS 'their summed amount, for orders';
COMMENT ON COLUMN dormancy.data_issues.detail IS 'what the issue means';

-- Data gaps (D9): what a caller would miss before calling a customer.
-- dormancy.customer_contacts counts each customer's usable phone numbers,
-- e-mail addresses and contact persons (from bind_contacts); the column
-- customer_status.data_gaps lists, per customer, the gaps that apply:
--
--   no_contact        neither a usable phone number nor a usable e-mail address
--   no_phone          no usable phone number (phone bound)
--   invalid_phone     a phone number that is not one (phone_valid() in
--                     source_settings.phone_country, after NFKC)
--   no_email          no usable e-mail address (email bound)
--   invalid_email     an address that is not one (local@domain.tld)
--   no_person         no contact person (person bound)
--   contact_outdated  contact data last updated longer ago than
--                     source_settings.contact_stale_after, or never (updated_at bound)
--   no_name           the customer has no name (name bound)
--   duplicate_name    another customer has the same company name once
--                     normalized, branch part included, and the same
--                     company id when a company column is bound (see
--                     duplicate_customers): merge them.  Branches of one
--                     company are not duplicates (company_customers)
--   no_activity       nothing on record: no orders, contracts, deals or
--                     events, so the customer's status cannot be told
--
-- Gaps of a source that is not bound are not reported (no contacts bound:
-- no contact gaps).  docs/sources.md has the definitions.
--
-- customer_status: one row per customer.  customer_core's columns, then
-- the model's (mdl: the model that applies, models: its predictions),
-- engagement (eng), deals (deal), and what one C call per customer (a:
-- _assess) derives from them, the contacts (cc) and the latest outreach
-- conversation (ot: its outcome, declined reason and day), with the score weights
-- (sw) and source settings (pss): contract state, kind of dormancy,
-- priority score (its breakdown is built from a's priority inputs only when
-- read), likely reason, evidence, channel, message theme, approach value
-- and the data gaps (nk: the key duplicates share, _name_key: the name key
-- after the company id and a colon when a company column is bound, NULL
-- when the name gives none; dup: the duplicate keys of more than one
-- customer, for the name's gap, when the stored keys cannot be used: see
-- sql_src/63_name_keys.sql).
-- b: what is bound (src_bindings).
CREATE OR REPLACE VIEW dormancy.customer_status WITH (security_invoker = true) AS
SELECT core.*,
	   ev.model_id, ev.p_alive, ev.expected_purchases, ev.expected_value,
	   (ev.r).contract_state,
	   CASE WHEN st.events_bound THEN coalesce(eng.events_in_window, 0) END AS events_in_window,
	   CASE WHEN st.events_bound THEN coalesce(eng.pricing_views, 0) END AS pricing_views,
	   CASE WHEN st.events_bound THEN coalesce(eng.support_visits, 0) END AS support_visits,
	   eng.days_since_last_event,
	   deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason,
	   coalesce(deal.open_deals, 0) AS open_deals, (ev.r).dormancy_kind,
	   (ev.r).priority_score,
	   -- built only when read: the second C half of score_priority(); the
	   -- weights from an init plan here, not ev.sw, so that a sort below (the
	   -- rank of call_list and of the refresh) does not carry them on every
	   -- row; beside the inputs, the percentiles and the decline heard on a
	   -- call that the deal component reads (docs/priority.md)
	   dormancy._priority_breakdown((ev.r).priority_inputs,
									(SELECT w FROM dormancy.score_weights_in_force() w),
									(ev.r).value_percentiles, (ev.r).outreach_declined_reason,
									(ev.r).days_since_outreach_decline) AS score_breakdown,
	   (ev.r).likely_reason,
	   (ev.r).reason_evidence,
	   (ev.r).evidence,
	   (ev.r).approach_channel,
	   (ev.r).message_theme,
	   (ev.r).approach_value,
	   -- the gaps of a source or column that is not bound are not reported;
	   -- the name's (nk, dup) here, the others from _assess
	   dormancy._data_gaps((ev.r).gaps,
		   CASE WHEN st.customer_names_bound THEN
				CASE WHEN nk.duplicate_key IS NULL THEN 'no_name'
					 -- the stored keys, while they hold every row.  First
					 -- whether the key is shared at all (two rows or more in
					 -- the stored keys the reader may see): a lookup of the
					 -- key's index per customer.  The key is matched as a
					 -- range of one value (>= and <=, leakproof as = is, the
					 -- same rows in a deterministic collation) so that the
					 -- planner has no hashed alternative: it chose hashing
					 -- every stored key (100 ms at 100,000 customers) for a
					 -- lookup of one customer whose row count it took for
					 -- 500, once work_mem let the hash fit.  Only then,
					 -- exactly: the ids that have the key, their rows the
					 -- reader sees whose name has the key now; at least two
					 -- such rows.  The ids as one value (an array), so that
					 -- their rows are read by the index of the customers'
					 -- id also under a policy of yours on the customers (a
					 -- join on the stored id cast back to its type is not
					 -- leakproof: it read every customer the reader sees)
					 WHEN st.customer_name_keys_tracked AND (SELECT dormancy._name_keys_usable()) THEN
						  CASE WHEN EXISTS (
								SELECT 1
								  FROM (SELECT k.name_key
										  FROM dormancy.src_name_keys k
										 GROUP BY k.name_key
										HAVING pg_catalog.sum(k.rows) > 1) ks
								 WHERE ks.name_key >= nk.duplicate_key AND ks.name_key <= nk.duplicate_key)
							   THEN CASE WHEN (SELECT pg_catalog.count(*)
												 FROM dormancy.src_customers kc
												WHERE kc.customer_id = ANY (ARRAY(
														SELECT k.customer_id FROM dormancy.src_name_keys k
														 WHERE k.name_key = nk.duplicate_key))
												  AND dormancy._name_key(kc.name, kc.company_id,
														(SELECT dormancy.legal_forms_in_force())) = nk.duplicate_key) > 1
										 THEN 'duplicate_name' END END
					 -- else every customer's key (dup)
					 WHEN dup.duplicate_key IS NOT NULL THEN 'duplicate_name' END END,
		   (ev.r).no_activity) AS data_gaps,
	   -- value relative to your customers (dormancy.value_distribution)
	   (ev.r).value_percentile,
	   -- no tier while no distribution is stored (the list then ranks by score alone)
	   CASE WHEN (ev.r).value_percentiles[1] IS NULL THEN NULL
			WHEN (ev.r).value_percentile >= (ev.sw).tier_a_percentile THEN 'A'
			WHEN (ev.r).value_percentile >= (ev.sw).tier_b_percentile THEN 'B'
			ELSE 'C' END AS value_tier,
	   -- looking ahead (model_lookahead, model_settings.lookahead and
	   -- p_alive_threshold): the day p_alive falls below the threshold if no
	   -- purchase comes (from the first purchase day, at most a century on)
	   ev.p_alive_ahead,
	   ev.p_purchase_ahead,
	   -- (already below right after the last purchase: the model gives the
	   -- recency in its units, recency_days / unit_days exactly; times the
	   -- unit again it may round up past the day, so that day is taken)
	   CASE WHEN ev.dormant_age * ev.unit_days < 36525
			THEN core.first_order_at
				 + CASE WHEN ev.dormant_age <= core.recency_days / ev.unit_days THEN core.recency_days::integer
						ELSE pg_catalog.ceil(ev.dormant_age * ev.unit_days)::integer END END AS expected_dormancy_day,
	   ev.forecast_model,
	   -- asked not to be contacted: not on the call lists (customer_outreach)
	   ot.opted_out_on,
	   -- the latest contact, and the hold after it: not on the call lists
	   -- before recontact_on (customer_outreach)
	   ot.last_contacted_on,
	   ot.recontact_on,
	   -- put off to next fiscal year's budget: not on the call lists before
	   -- reapproach_on (_reapproach_on, in C: the first day of the next
	   -- fiscal year, the lead earlier, when after as_of).  The event is the
	   -- deal component's input: the decline heard on a call that _assess
	   -- passes on (after the last order, not superseded by a deal), when
	   -- its reason is budget; else the last deal when it says budget (see
	   -- below), after the last order, unless a conversation after it
	   -- showed the customer's own interest (interested, a meeting, a quote,
	   -- an order: the customer is back in touch; whatever came since)
	   dormancy._reapproach_on(core.as_of,
		   CASE WHEN (ev.r).outreach_declined_reason IS NOT NULL
				THEN CASE WHEN (ev.r).outreach_declined_reason = 'budget' THEN ot.last_outcome_on END
				-- The deal says budget when it was lost on budget, or
				-- postponed for budget, for timing (a postponement is a
				-- "later", and timing says no more) or for no reason given
				-- (CRMs mostly leave a postponement's reason empty, and
				-- horyu, miokuri, jinendo kento mostly mean the budget).  A
				-- deal postponed for features, a competitor, price, the
				-- customer's circumstances or another reason (an unmapped
				-- one: other) waits for those, not for a fiscal year: no
				-- hold (until 2026-12-07 every postponement held).  Lost on
				-- timing does not hold, as a decline for timing does not:
				-- "not now" names no fiscal year (the wordings that do,
				-- raiki kento, jiki shoso (raiki kento), ..., are mapped to
				-- budget).  The score does not follow this: deal_postponed
				-- values every postponement alike
				WHEN CASE deal.last_deal_outcome
						  WHEN 'lost' THEN deal.last_deal_reason = 'budget'
						  WHEN 'postponed' THEN deal.last_deal_reason IS NULL
												 OR deal.last_deal_reason IN ('budget', 'timing')
						  ELSE false END
					 AND (core.last_order_at IS NULL OR deal.last_deal_at > core.last_order_at)
					 AND (ot.last_interest_on IS NULL OR ot.last_interest_on <= deal.last_deal_at)
				THEN deal.last_deal_at END,
		   ev.fiscal_year_start_month, ev.budget_reapproach_lead) AS reapproach_on
  FROM dormancy.customer_core core
  LEFT JOIN dormancy.customer_engagement eng ON eng.customer_id = core.customer_id
  LEFT JOIN dormancy.customer_deals deal ON deal.customer_id = core.customer_id
  LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id
  -- (DISTINCT ON tells the planner what the grouped view cannot: one row
  -- per customer.  Without it the planner, which has no statistics for a
  -- grouped subquery's output, expects many rows per id, hashes every wide
  -- customer row instead of the few with outreach, and with the default
  -- work_mem writes them to temporary files: at 1,000,000 demo customers,
  -- serial, 979 MB of them against 378 MB, in the same time; 2026-12-03)
  LEFT JOIN (SELECT DISTINCT ON (o.customer_id) o.*
			   FROM dormancy.customer_outreach o
			  ORDER BY o.customer_id) ot ON ot.customer_id = core.customer_id
  -- the bindings (src_bindings: constants, which the planner folds into
  -- the conditions and columns that read them)
 JOIN dormancy.src_bindings st ON dormancy._single_row(st.events_bound)
 -- the model columns and the assessment, one C call each per customer.
 -- The model columns (src/btyd_sql.c, _model_outlook): the
 -- model that applies to the customer (its segment's, else the overall one;
 -- only converged BG/NBD fits count: _model_for's; all NULL when none), its
 -- predictions (model_predictions, or model_predictions_paretonbd when the
 -- segment's Pareto/NBD fit is the one chosen: model_settings.model,
 -- models.model; a value that cannot be computed is NULL, the reason listed
 -- by data_issues; only a converged Gamma-Gamma fit gives expected_value)
 -- and looking ahead (model_lookahead with model_settings.lookahead and
 -- p_alive_threshold: p_alive after the lookahead without a purchase, the
 -- chance of one in it, and the age at which p_alive falls below the
 -- threshold).  It replaced a lateral subquery per function (_model_for,
 -- the predictions and the lookahead of either model, five in all) and the
 -- CASEs that chose between them: 0.3 s of customer_status's 3.3 s at
 -- 100,000 demo customers (serial, 2026-12-03).
 -- The assessment (src/assess_sql.c): the
 -- contract state (the state ladder on contract_covered_until), the kind of
 -- dormancy (lost_deal: the last deal lost or postponed after any purchase,
 -- the customer not active; purchase: at risk or dormant), the evidence the reason rules match on
 -- (lapsed: not while an order of any amount is within at_risk_after; the
 -- last deal and the latest conversation: only when after the last order;
 -- a decline besides only when later than the last closed deal: which of
 -- the two is the latest is decided once, by the test of the deal
 -- component, for the score and the reason alike),
 -- whether the customer is lapsing, the value the channel is chosen by (the
 -- model's expected_value, else the yearly spend while active), the
 -- priority inputs and score (docs/priority.md), the first reason rule that
 -- matches, its message theme, the first approach rule that matches and
 -- whose channel the bound contacts can serve (no phone call without a
 -- usable number, no (step) mail without a usable address), and the data
 -- gaps but the name's.  The rule's use_contract_end applies to the day the
 -- score works from, as to the state.
 -- Each is called in the select list of a subquery (OFFSET 0: one call per
 -- customer) whose composite result is taken apart outside it, not as a
 -- lateral function scan, which puts its one row through a tuplestore
 -- (measured slower: 3.9 s against 3.0 to 3.6 s at 100,000 demo
 -- customers, 2026-12-06).
 -- The settings (the configuration of _configuration(), the model, source
 -- and score settings) are init plans, read once per query, in c: its
 -- OFFSET 0 keeps it from being pulled up, which would copy each init plan
 -- into every expression that reads its column (the configuration, 3 to 5
 -- ms to build, twice), and its reference to the customer keeps Citus from
 -- planning it apart (as an intermediate result of its own, which Citus
 -- 13.2's EXPLAIN ANALYZE then failed to read back).  Every subquery here
 -- has a FROM (the bindings): Citus refuses a correlated subquery without
 -- FROM that holds a sublink.  Until 2026-12-06 the settings were a
 -- relation of one row joined to the customers (st, of four function
 -- scans): the planner put it on the outer side of a nested loop over
 -- every customer, whose inner side, planned for rewinding, kept a
 -- Materialize of every history in customer_core from trimming its
 -- tuplestore: 771 MB of temporary files at 1,000,000 demo customers with
 -- the default work_mem, none now (customer_status 27.3-27.6 s against
 -- 30.6-34.4 s, alternated; the same at 100,000).  On Citus the sublinks
 -- cost planning time: about 0.4 s more for every query of
 -- customer_status on the test cluster (docs/scaling-out.md).  Nothing
 -- above these subqueries reads the configuration, so no sort or hash
 -- carries it on every row (sql/plan_estimates.sql).
 CROSS JOIN LATERAL (
	SELECT (x.o).model_id, (x.o).forecast_model, (x.o).unit_days, (x.o).p_alive,
		   (x.o).expected_purchases, (x.o).expected_value, (x.o).p_alive_ahead,
		   (x.o).p_purchase_ahead, (x.o).dormant_age, x.sw,
		   x.fiscal_year_start_month, x.budget_reapproach_lead,
		   dormancy._assess(core.state, core.as_of, core.at_risk_after, core.dormant_after,
				core.long_dormant_after, core.rule_id,
				core.last_order_at, core.last_qualifying_order_at, core.first_order_at,
				core.orders_count, core.order_days, core.total_amount,
				core.median_gap_days, core.mean_gap_days, core.gap_stddev_days,
				core.segment, core.decline_signals, core.declining,
				core.lapsed_after_price_increase, core.lapsed_after_spec_change,
				core.industry, core.company_size,
				core.contract_terms, core.contract_covered_until, core.contract_lapsed,
				core.days_since_contract_end, core.auto_renew_off, core.downgraded,
				core.renewal_due_in_days,
				(x.o).p_alive, (x.o).expected_value,
				eng.customer_id IS NOT NULL, eng.events_in_window, eng.pricing_views, eng.support_visits,
				eng.days_since_last_event,
				deal.customer_id IS NOT NULL, deal.last_deal_at, deal.last_deal_outcome, deal.last_deal_reason,
				deal.days_since_last_deal, deal.open_deals,
				cc.phones, cc.emails, cc.persons, cc.invalid_phones, cc.invalid_emails, cc.outdated,
				x.events_bound, x.deals_bound, x.contracts_bound,
				x.contact_phones_bound, x.contact_emails_bound, x.contact_persons_bound,
				x.contact_dates_bound,
				x.pss, x.sw,
				ot.last_outcome, CASE WHEN ot.last_outcome = 'declined' THEN ot.last_declined_reason END,
				ot.last_outcome_on,
				x.configuration) AS r
	  FROM (SELECT dormancy._model_outlook(core.industry, core.company_size, core.frequency,
										   core.recency_days, core.age_days, core.monetary_value,
										   core.monetary_days,
										   pg_catalog.date_part('epoch', (c.ms).lookahead) / 86400,
										   (c.ms).p_alive_threshold, c.configuration) AS o,
				   c.*
			  FROM (SELECT b.*,
						   (SELECT dormancy._configuration()) AS configuration,
						   (SELECT ms FROM dormancy.model_settings_in_force() ms) AS ms,
						   (SELECT pss FROM dormancy.source_settings_in_force() pss) AS pss,
						   (SELECT sw FROM dormancy.score_weights_in_force() sw) AS sw,
						   (SELECT os.fiscal_year_start_month FROM dormancy.outreach_settings_in_force() os)
							   AS fiscal_year_start_month,
						   (SELECT os.budget_reapproach_lead FROM dormancy.outreach_settings_in_force() os)
							   AS budget_reapproach_lead,
						   core.customer_id
					  FROM dormancy.src_bindings b
					OFFSET 0) c
			OFFSET 0) x
	OFFSET 0
  ) ev
 -- the key duplicates share (_name_key: the name key after the company id,
 -- when bound; NULL when the name gives none).  OFFSET 0 computes it once
 -- (without it the planner copies the expression into the join's condition
 -- and each test of the column) and hands duplicate_key to the lookups of
 -- the stored keys below as a plain value: copied in as its expression, ||
 -- and the normalization (not leakproof) would keep the comparison from the
 -- index of the keys under row security (the policy on customer_name_keys),
 -- and every key would be read for each customer
 CROSS JOIN LATERAL (
	SELECT CASE WHEN b.customer_names_bound
				THEN dormancy._name_key(core.name, core.company_id, (SELECT dormancy.legal_forms_in_force())) END AS duplicate_key
	  FROM dormancy.src_bindings b
	OFFSET 0
  ) nk
 -- the name keys that more than one customer has, when the stored keys
 -- cannot be used (a hash join: a window over customer_status would sort its
 -- wide rows); the forms are read once per query (an InitPlan).  It reads
 -- every customer's name, even for a lookup of one customer: skipped (a
 -- one-time filter) while the stored keys serve (docs/sources.md)
  LEFT JOIN (
	SELECT k.duplicate_key
	  FROM (SELECT dormancy._name_key(c.name, c.company_id, (SELECT dormancy.legal_forms_in_force())) AS duplicate_key
			  FROM dormancy.src_customers c
			  JOIN dormancy.src_bindings cb ON dormancy._single_row(cb.customer_names_bound)
			 WHERE c.customer_id IS NOT NULL AND cb.customer_names_bound
			   AND NOT (cb.customer_name_keys_tracked AND (SELECT dormancy._name_keys_usable()))
			OFFSET 0) k
	 WHERE k.duplicate_key IS NOT NULL
	 GROUP BY 1
	HAVING pg_catalog.count(*) > 1
	-- (OFFSET 0: on Citus the keys shared are found once, on the
	-- coordinator, and only they go to the workers; without it every
	-- customer's key went to every worker, which grouped them again in each
	-- task: 433 kB per worker at 20,000 customers)
	OFFSET 0
  ) dup ON dup.duplicate_key = nk.duplicate_key;
COMMENT ON VIEW dormancy.customer_status IS 'one row per customer: dormancy state as of dormancy.as_of_day() with the rule applied, decline signals and the columns of later parts';
COMMENT ON COLUMN dormancy.customer_status.customer_id IS 'the customer id, of the bound column''s type';
COMMENT ON COLUMN dormancy.customer_status.name IS 'customer name';
COMMENT ON COLUMN dormancy.customer_status.industry IS 'customer industry';
COMMENT ON COLUMN dormancy.customer_status.company_size IS 'customer company size';
COMMENT ON COLUMN dormancy.customer_status.company_id IS 'the bound company id as text (customers that are branches of one company share it), NULL when no company column is bound';
COMMENT ON COLUMN dormancy.customer_status.state IS 'active, at_risk, dormant, long_dormant or never_purchased, from the last qualifying order';
COMMENT ON COLUMN dormancy.customer_status.last_order_at IS 'last purchase day on or before as_of';
COMMENT ON COLUMN dormancy.customer_status.days_since_last_order IS 'as_of minus last_order_at, in days';
COMMENT ON COLUMN dormancy.customer_status.last_qualifying_order_at IS 'last purchase day with an order of at least the rule''s min_order_amount';
COMMENT ON COLUMN dormancy.customer_status.days_since_last_qualifying_order IS 'as_of minus last_qualifying_order_at, in days; the state is based on it';
COMMENT ON COLUMN dormancy.customer_status.first_order_at IS 'first purchase day';
COMMENT ON COLUMN dormancy.customer_status.orders_count IS 'order rows on purchase days up to as_of (refund rows excluded)';
COMMENT ON COLUMN dormancy.customer_status.order_days IS 'distinct purchase days up to as_of';
COMMENT ON COLUMN dormancy.customer_status.total_amount IS 'net amount of all orders and refunds up to as_of (unknown amounts count as nothing)';
COMMENT ON COLUMN dormancy.customer_status.unknown_amount_orders IS 'orders up to as_of whose amount was NULL';
COMMENT ON COLUMN dormancy.customer_status.refunds IS 'refund rows (negative amounts) up to as_of';
COMMENT ON COLUMN dormancy.customer_status.segment IS 'one_time (one purchase day) or repeat; NULL without purchases';
COMMENT ON COLUMN dormancy.customer_status.rule_id IS 'the dormancy.rules row applied';
COMMENT ON COLUMN dormancy.customer_status.at_risk_after IS 'threshold applied: at risk after this long';
COMMENT ON COLUMN dormancy.customer_status.dormant_after IS 'threshold applied: dormant after this long';
COMMENT ON COLUMN dormancy.customer_status.long_dormant_after IS 'threshold applied: long dormant after this long';
COMMENT ON COLUMN dormancy.customer_status.min_order_amount IS 'threshold applied: smallest order that counts for recency';
COMMENT ON COLUMN dormancy.customer_status.as_of IS 'the as-of day the row was computed for';
COMMENT ON COLUMN dormancy.customer_status.mean_gap_days IS 'mean gap in days between consecutive purchase days; NULL with fewer than two';
COMMENT ON COLUMN dormancy.customer_status.median_gap_days IS 'median gap in days (mean of the two middle gaps for an even count)';
COMMENT ON COLUMN dormancy.customer_status.gap_stddev_days IS 'sample standard deviation of the gaps; NULL with fewer than two gaps';
COMMENT ON COLUMN dormancy.customer_status.overdue_ratio IS 'days since the last purchase day / median gap: lateness against the customer''s own rhythm';
COMMENT ON COLUMN dormancy.customer_status.recent_amount IS 'net amount in the recent window (as_of - W, as_of]';
COMMENT ON COLUMN dormancy.customer_status.prior_amount IS 'net amount in the prior window (as_of - 2W, as_of - W]';
COMMENT ON COLUMN dormancy.customer_status.recent_orders IS 'orders on purchase days in the recent window';
COMMENT ON COLUMN dormancy.customer_status.prior_orders IS 'orders on purchase days in the prior window';
COMMENT ON COLUMN dormancy.customer_status.amount_change IS 'recent_amount / prior_amount - 1; NULL when prior_amount <= 0';
COMMENT ON COLUMN dormancy.customer_status.frequency_change IS 'recent_orders / prior_orders - 1; NULL when prior_orders = 0';
COMMENT ON COLUMN dormancy.customer_status.amount_trend IS 'least-squares slope of purchase-day amount over the last N years, in amount per year';
COMMENT ON COLUMN dormancy.customer_status.trend_points IS 'purchase days the trend was fitted on';
COMMENT ON COLUMN dormancy.customer_status.relative_trend IS 'amount_trend / mean amount of the trend points';
COMMENT ON COLUMN dormancy.customer_status.recent_median_gap_days IS 'median of the gaps ending in the recent window';
COMMENT ON COLUMN dormancy.customer_status.earlier_median_gap_days IS 'median of the gaps ending before the recent window';
COMMENT ON COLUMN dormancy.customer_status.cadence_change IS 'recent_median_gap_days / earlier_median_gap_days - 1 (1.0: monthly became bimonthly)';
COMMENT ON COLUMN dormancy.customer_status.season_amount IS 'net amount in the last S, (as_of - S, as_of]';
COMMENT ON COLUMN dormancy.customer_status.last_season_amount IS 'net amount in the same season a year earlier, (as_of - 1 year - S, as_of - 1 year]';
COMMENT ON COLUMN dormancy.customer_status.season_orders IS 'orders in the last S';
COMMENT ON COLUMN dormancy.customer_status.last_season_orders IS 'orders in the same season a year earlier';
COMMENT ON COLUMN dormancy.customer_status.same_season_change IS 'season_amount / last_season_amount - 1; NULL when last_season_amount <= 0';
COMMENT ON COLUMN dormancy.customer_status.declining IS 'true when any decline signal fired (an active customer can be declining)';
COMMENT ON COLUMN dormancy.customer_status.decline_signals IS 'the signals that fired: amount_drop, frequency_drop, cadence_slowdown, overdue, season_drop, negative_trend';
COMMENT ON COLUMN dormancy.customer_status.lapsed_after_price_increase IS 'last purchase (for a change with a category, in that category: none while no category is bound) before a price increase in dormancy.price_changes, not yet dormant then, nothing bought since';
COMMENT ON COLUMN dormancy.customer_status.price_increase IS 'the latest such price increase: day, category, change and note';
COMMENT ON COLUMN dormancy.customer_status.lapsed_after_spec_change IS 'the same for a specification change';
COMMENT ON COLUMN dormancy.customer_status.spec_change IS 'the latest such specification change: day, category and note';
COMMENT ON COLUMN dormancy.customer_status.frequency IS 'repeat purchase days (purchase days - 1): the x of the BG/NBD and Pareto/NBD models';
COMMENT ON COLUMN dormancy.customer_status.recency_days IS 'days from the first to the last purchase day: the t_x of the BTYD models, in days';
COMMENT ON COLUMN dormancy.customer_status.age_days IS 'days from the first purchase day to as_of: the T of the BTYD models, in days';
COMMENT ON COLUMN dormancy.customer_status.contract_terms IS 'contract terms of the customer (NULL without contracts or when none are bound)';
COMMENT ON COLUMN dormancy.customer_status.contract_covered_until IS 'the last day up to as_of covered by a contract term; for rules with use_contract_end it counts like a purchase day';
COMMENT ON COLUMN dormancy.customer_status.days_since_contract_end IS 'days since the last term ended, when no term covers as_of';
COMMENT ON COLUMN dormancy.customer_status.monetary_value IS 'mean net amount of the repeat purchase days (days with unknown amounts left out)';
COMMENT ON COLUMN dormancy.customer_status.monetary_days IS 'repeat purchase days of known amount, those monetary_value averages: the x of the Gamma-Gamma model (frequency counts the days of unknown amount too)';
COMMENT ON COLUMN dormancy.customer_status.model_id IS 'the dormancy.models row applied: the customer''s segment''s, else the overall one (converged fits only)';
COMMENT ON COLUMN dormancy.customer_status.p_alive IS 'probability that the customer is still alive (BG/NBD), NULL without a fitted model or purchases, or when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.expected_purchases IS 'expected purchase days in the next model_settings.horizon (BG/NBD); NULL when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.expected_value IS 'expected_purchases times the expected spend per purchase (Gamma-Gamma, converged fits whose mean spend exists), undiscounted; NULL when it cannot be computed (see data_issues)';
COMMENT ON COLUMN dormancy.customer_status.contract_end_at IS 'latest end of the customer''s contract terms started by as_of (NULL when open-ended or without contracts)';
COMMENT ON COLUMN dormancy.customer_status.contract_lapsed IS 'no contract term covers as_of and the last one ended more than the grace period before it';
COMMENT ON COLUMN dormancy.customer_status.auto_renew_off IS 'the contract will not renew or was not renewed: no later term signed, and the current term has auto-renew off, or the last one had it off and ended within the grace period (then contract_lapsed)';
COMMENT ON COLUMN dormancy.customer_status.downgraded IS 'a term with fewer seats or a lower amount than the one before it started in the downgrade window';
COMMENT ON COLUMN dormancy.customer_status.renewal_due_in_days IS 'days until the current term ends, when no later term is signed';
COMMENT ON COLUMN dormancy.customer_status.contract_state IS 'the state ladder applied to the last day covered by a contract, ended instead of active when no term covers as_of (NULL without contracts)';
COMMENT ON COLUMN dormancy.customer_status.events_in_window IS 'engagement events in the engagement window (NULL when events are not bound)';
COMMENT ON COLUMN dormancy.customer_status.pricing_views IS 'pricing page views in the engagement window';
COMMENT ON COLUMN dormancy.customer_status.support_visits IS 'support page visits in the engagement window';
COMMENT ON COLUMN dormancy.customer_status.days_since_last_event IS 'days since the last engagement event';
COMMENT ON COLUMN dormancy.customer_status.last_deal_at IS 'close day of the last deal that is not open';
COMMENT ON COLUMN dormancy.customer_status.last_deal_outcome IS 'won, lost, postponed or unknown';
COMMENT ON COLUMN dormancy.customer_status.last_deal_reason IS 'reason of the last deal: price, features, competitor, timing, budget, circumstances or other';
COMMENT ON COLUMN dormancy.customer_status.open_deals IS 'deals whose outcome is open';
COMMENT ON COLUMN dormancy.customer_status.dormancy_kind IS 'lost_deal (last deal lost or postponed, after any purchase, the customer not active), purchase (at risk or dormant after purchases), or NULL';
COMMENT ON COLUMN dormancy.customer_status.priority_score IS 'whom to call first: 0 to 100, the weighted mean of the components in score_breakdown (docs/priority.md)';
COMMENT ON COLUMN dormancy.customer_status.score_breakdown IS 'per component: value (-1 to 1), weight, share of the 100 points, contribution (share x value) and the basis it was computed from';
COMMENT ON COLUMN dormancy.customer_status.likely_reason IS 'why the customer is lapsing, from the first matching dormancy.reason_rules row (unknown when none matches); NULL for customers who are not lapsing';
COMMENT ON COLUMN dormancy.customer_status.reason_evidence IS 'the evidence of the reason rule that chose likely_reason';
COMMENT ON COLUMN dormancy.customer_status.evidence IS 'all evidence found for the customer (the words reason_rules match on)';
COMMENT ON COLUMN dormancy.customer_status.approach_channel IS 'email, direct_mail, phone, visit or step_mail, from dormancy.approach_rules: the first rule that matches and whose channel the bound contacts can serve (NULL when none)';
COMMENT ON COLUMN dormancy.customer_status.message_theme IS 'the message theme for likely_reason, from dormancy.message_themes';
COMMENT ON COLUMN dormancy.customer_status.approach_value IS 'the value the channel is chosen by: the model''s expected_value when fitted, else the yearly spend while active (total_amount / years from first to last order, at least one)';
COMMENT ON COLUMN dormancy.customer_status.owner IS 'the customer''s owner (sales rep), from the bound owner column (bind_customers(..., owner => ...)); NULL when unbound';
COMMENT ON COLUMN dormancy.customer_status.value_percentile IS 'where the customer''s value stands among your customers, 0 to 100: the higher of the percentiles of total_amount and expected_value in dormancy.value_distribution (stored by fit_models() and refresh()); until one is stored, 100 x ln(1 + amount) / ln(1 + score_weights.value_cap)';
COMMENT ON COLUMN dormancy.customer_status.value_tier IS 'A (value_percentile at least score_weights.tier_a_percentile), B (at least tier_b_percentile) or C: the call list ranks tier by tier; NULL while no value distribution is stored';
COMMENT ON COLUMN dormancy.customer_status.p_alive_ahead IS 'p_alive if the customer stays silent until as_of + model_settings.lookahead (BG/NBD); NULL without a fitted model or purchases';
COMMENT ON COLUMN dormancy.customer_status.p_purchase_ahead IS 'probability of at least one purchase day within model_settings.lookahead after as_of (under the model of forecast_model)';
COMMENT ON COLUMN dormancy.customer_status.expected_dormancy_day IS 'the day p_alive falls below model_settings.p_alive_threshold if no purchase comes (call before it; a past day when it already has); NULL without repeat purchases (p_alive stays 1) or a fitted model';
COMMENT ON COLUMN dormancy.customer_status.forecast_model IS 'the model p_alive, expected_purchases, expected_value and the looking-ahead columns come from: bgnbd or paretonbd (models.model, chosen by model_settings.model); NULL without a fitted model';
COMMENT ON COLUMN dormancy.customer_status.opted_out_on IS 'the day the customer asked not to be contacted again (customer_outreach.opted_out_on): left off call_list, snapshot_call_list and new campaigns; NULL otherwise';
COMMENT ON COLUMN dormancy.customer_status.last_contacted_on IS 'the day of the latest contact, attempts included (customer_outreach.last_contacted_on); NULL without any';
COMMENT ON COLUMN dormancy.customer_status.recontact_on IS 'the first day the customer may be contacted again after a recent contact, a message delivered without an answer or an unanswered direct or step mailing not counted (customer_outreach.recontact_on, outreach_settings.recontact_after): held back from call_list, snapshot_call_list and new campaigns until then; NULL when not held';
COMMENT ON COLUMN dormancy.customer_status.reapproach_on IS 'the first day to approach again a customer who put you off to next fiscal year''s budget (the deal component''s input a decline for budget, a deal lost on budget, or a deal postponed for budget, for timing or with no reason given, not for another reason; after the last order): the first day of the fiscal year after it (outreach_settings.fiscal_year_start_month) minus outreach_settings.budget_reapproach_lead, or that first day itself when the lead puts it on or before the event; held back from call_list, snapshot_call_list and new campaigns until then; NULL when not held (the day passed, another input, an order since, a conversation of the customer''s own interest since a deal (customer_outreach.last_interest_on), or fiscal_year_start_month NULL)';
COMMENT ON COLUMN dormancy.customer_status.data_gaps IS 'what is missing to call the customer: no_contact, no_phone, invalid_phone, no_email, invalid_email, no_person, contact_outdated, no_name, duplicate_name, no_activity (docs/sources.md); empty when nothing is';
-- customer_core's columns mean what they mean in customer_status
PERFORM dormancy._copy_column_comments('dormancy.customer_status', 'dormancy.customer_core');

-- declining_customers: active or at-risk customers sliding, most valuable first.
-- In a database with Citus, the labels are applied over a subquery that
-- Citus runs first (OFFSET 0), on the coordinator, with its own
-- dormancy.labels and dormancy.language: beside customer_status's columns
-- they went to the workers.  On one server the view reads customer_status
-- directly (a lookup of one customer reads that customer only).
EXECUTE format($v$
CREATE OR REPLACE VIEW dormancy.declining_customers WITH (security_invoker = true) AS
SELECT cs.customer_id, cs.name, cs.industry, cs.company_size, cs.state, cs.segment,
	   cs.decline_signals, cs.total_amount, cs.recent_amount, cs.prior_amount,
	   cs.amount_change, cs.recent_orders, cs.prior_orders, cs.frequency_change,
	   cs.median_gap_days, cs.overdue_ratio, cs.cadence_change, cs.same_season_change,
	   cs.amount_trend, cs.last_order_at, cs.days_since_last_order, cs.as_of,
	   dormancy.label('state', cs.state) AS state_label,
	   dormancy.label('segment', cs.segment) AS segment_label,
	   dormancy.labels('decline_signals', cs.decline_signals) AS decline_signals_label
  FROM (SELECT * FROM dormancy.customer_status c
		 WHERE c.declining AND c.state IN ('active', 'at_risk')%s) cs
 ORDER BY coalesce(cs.recent_amount, 0) + coalesce(cs.prior_amount, 0) DESC, cs.total_amount DESC, cs.customer_id
$v$, CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname = 'citus') THEN ' OFFSET 0' ELSE '' END);
COMMENT ON VIEW dormancy.declining_customers IS 'active or at-risk customers with a decline signal, most valuable (recent + prior amount) first';
COMMENT ON COLUMN dormancy.declining_customers.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.declining_customers.name IS 'customer name';
COMMENT ON COLUMN dormancy.declining_customers.industry IS 'customer industry';
COMMENT ON COLUMN dormancy.declining_customers.company_size IS 'customer company size';
COMMENT ON COLUMN dormancy.declining_customers.state IS 'active or at_risk';
COMMENT ON COLUMN dormancy.declining_customers.segment IS 'one_time, repeat or campaign_only';
COMMENT ON COLUMN dormancy.declining_customers.decline_signals IS 'the signals that fired';
COMMENT ON COLUMN dormancy.declining_customers.total_amount IS 'net amount of all orders up to as_of';
COMMENT ON COLUMN dormancy.declining_customers.recent_amount IS 'net amount in the recent window';
COMMENT ON COLUMN dormancy.declining_customers.prior_amount IS 'net amount in the prior window';
COMMENT ON COLUMN dormancy.declining_customers.amount_change IS 'recent_amount / prior_amount - 1';
COMMENT ON COLUMN dormancy.declining_customers.recent_orders IS 'orders in the recent window';
COMMENT ON COLUMN dormancy.declining_customers.prior_orders IS 'orders in the prior window';
COMMENT ON COLUMN dormancy.declining_customers.frequency_change IS 'recent_orders / prior_orders - 1';
COMMENT ON COLUMN dormancy.declining_customers.median_gap_days IS 'median gap between purchase days';
COMMENT ON COLUMN dormancy.declining_customers.overdue_ratio IS 'days since the last purchase / median gap';
COMMENT ON COLUMN dormancy.declining_customers.cadence_change IS 'recent median gap / earlier median gap - 1';
COMMENT ON COLUMN dormancy.declining_customers.same_season_change IS 'season amount / same season last year - 1';
COMMENT ON COLUMN dormancy.declining_customers.amount_trend IS 'slope of purchase-day amount, per year';
COMMENT ON COLUMN dormancy.declining_customers.last_order_at IS 'last purchase day';
COMMENT ON COLUMN dormancy.declining_customers.days_since_last_order IS 'days since the last purchase day';
COMMENT ON COLUMN dormancy.declining_customers.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.declining_customers.state_label IS 'state in the language of dormancy.language (dormancy.labels)';
COMMENT ON COLUMN dormancy.declining_customers.segment_label IS 'segment in the language of dormancy.language';
COMMENT ON COLUMN dormancy.declining_customers.decline_signals_label IS 'decline_signals in the language of dormancy.language, element by element';

-- category_trend: recent vs prior per customer and category.  The live and
-- the stored category histories (category_histories' two branches, behind
-- the same gate), each with its metrics (m, the function's row), then the
-- columns: Citus pushes a UNION ALL down only on the inner side of a join,
-- and refused category_histories joined to the metrics.  The as-of day and
-- the settings are init plans.
CREATE OR REPLACE VIEW dormancy.category_trend WITH (security_invoker = true) AS
SELECT t.customer_id, t.category,
	   (t.m).recent_amount, (t.m).prior_amount, (t.m).recent_orders, (t.m).prior_orders,
	   (t.m).amount_change, (t.m).frequency_change,
	   ((t.m).recent_orders = 0 AND (t.m).prior_orders > 0) AS stopped,
	   ((t.m).decline_signals && ARRAY['amount_drop', 'frequency_drop']) AS declining,
	   (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).last_order_at,
	   (SELECT a.day FROM dormancy._as_of a) AS as_of
  FROM (SELECT ch.customer_id, ch.category, ch.history, m
		  FROM dormancy.category_histories_live ch
		 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, (SELECT a.day FROM dormancy._as_of a),
													 (SELECT d.settings FROM dormancy._decline_settings d), false) m
		 WHERE ch.category IS NOT NULL AND (SELECT NOT dormancy._use_stored_histories())
		UNION ALL
		SELECT ch.customer_id, ch.category, ch.history, m
		  FROM dormancy.src_stored_histories ch
		 CROSS JOIN LATERAL dormancy.decline_metrics(ch.history, (SELECT a.day FROM dormancy._as_of a),
													 (SELECT d.settings FROM dormancy._decline_settings d), false) m
		 WHERE ch.category IS NOT NULL) t
 -- (the categories with an order or a refund by the as-of day: later days
 -- are ignored everywhere, so a category bought only after it is not there
 -- yet.  Expressions, not a lateral call joined to the union nor a
 -- correlated subquery: Citus refuses both over its distributed histories)
 WHERE (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).orders_count > 0
	OR (dormancy.history_summary(t.history, (SELECT a.day FROM dormancy._as_of a))).refunds > 0;
COMMENT ON VIEW dormancy.category_trend IS 'recent vs prior amount and orders per customer and category with an order or a refund by the as-of day (empty when no category column is bound)';
COMMENT ON COLUMN dormancy.category_trend.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.category_trend.category IS 'product category';
COMMENT ON COLUMN dormancy.category_trend.recent_amount IS 'net amount of the category in the recent window';
COMMENT ON COLUMN dormancy.category_trend.prior_amount IS 'net amount of the category in the prior window';
COMMENT ON COLUMN dormancy.category_trend.recent_orders IS 'orders of the category in the recent window';
COMMENT ON COLUMN dormancy.category_trend.prior_orders IS 'orders of the category in the prior window';
COMMENT ON COLUMN dormancy.category_trend.amount_change IS 'recent_amount / prior_amount - 1';
COMMENT ON COLUMN dormancy.category_trend.frequency_change IS 'recent_orders / prior_orders - 1';
COMMENT ON COLUMN dormancy.category_trend.stopped IS 'bought the category in the prior window and not in the recent one';
COMMENT ON COLUMN dormancy.category_trend.declining IS 'amount_drop or frequency_drop fired for the category';
COMMENT ON COLUMN dormancy.category_trend.last_order_at IS 'last purchase day of the category';
COMMENT ON COLUMN dormancy.category_trend.as_of IS 'the as-of day';

-- call_list: lapsing customers worth a call, best first.  The rank is among
-- all customers, so it is computed before the list is filtered; ties are
-- broken by customer id (its type has a btree order: bind_customers checks).
CREATE OR REPLACE VIEW dormancy.call_list WITH (security_invoker = true) AS
SELECT pg_catalog.row_number() OVER (ORDER BY cs.priority_rank) AS call_order,
	   cs.priority_rank, cs.priority_score, cs.customer_id, cs.name, cs.industry, cs.company_size,
	   cs.state, cs.contract_state, cs.dormancy_kind, cs.segment,
	   cs.likely_reason, cs.reason_evidence, cs.approach_channel, cs.message_theme, cs.approach_value,
	   cs.total_amount, cs.last_order_at, cs.days_since_last_order, cs.decline_signals,
	   cs.last_deal_at, cs.last_deal_outcome, cs.last_deal_reason,
	   cs.events_in_window, cs.days_since_last_event,
	   cs.contract_lapsed, cs.auto_renew_off, cs.renewal_due_in_days,
	   cs.p_alive, cs.expected_value, cs.score_breakdown, cs.as_of,
	   cs.value_percentile, cs.value_tier, cs.owner,
	   pg_catalog.row_number() OVER (PARTITION BY cs.owner ORDER BY cs.priority_rank) AS owner_order,
	   cs.expected_dormancy_day, cs.p_purchase_ahead,
	   cs.data_gaps,
	   -- the latest contact (0.4.0): never within outreach_settings.recontact_after
	   cs.last_contacted_on,
	   -- the codes' labels in the session's language (dormancy.language)
	   dormancy.label('state', cs.state) AS state_label,
	   dormancy.label('contract_state', cs.contract_state) AS contract_state_label,
	   dormancy.label('dormancy_kind', cs.dormancy_kind) AS dormancy_kind_label,
	   dormancy.label('segment', cs.segment) AS segment_label,
	   dormancy.label('likely_reason', cs.likely_reason) AS likely_reason_label,
	   dormancy.labels('evidence', cs.reason_evidence) AS reason_evidence_label,
	   dormancy.label('approach_channel', cs.approach_channel) AS approach_channel_label,
	   dormancy.label('message_theme', cs.message_theme) AS message_theme_label,
	   dormancy.labels('decline_signals', cs.decline_signals) AS decline_signals_label,
	   dormancy.label('deal_outcome', cs.last_deal_outcome) AS last_deal_outcome_label,
	   dormancy.label('deal_reason', cs.last_deal_reason) AS last_deal_reason_label,
	   dormancy.labels('data_gaps', cs.data_gaps) AS data_gaps_label,
	   dormancy.score_breakdown_label(cs.score_breakdown) AS score_breakdown_label
  FROM (SELECT s.*, pg_catalog.rank() OVER (ORDER BY s.value_tier, s.priority_score DESC, s.customer_id) AS priority_rank
		  FROM dormancy.customer_status s) cs
 WHERE cs.likely_reason IS NOT NULL
   -- the minimum score, for the value tiers shown (every customer while no
   -- distribution is stored: no tier); another tier, a customer who asked
   -- not to be contacted (opted_out_on), one contacted lately and held
   -- back (recontact_on) or one put off to next fiscal year's budget
   -- (reapproach_on: passed with recontact_on as the later of the two; for
   -- all the rank stays theirs among all customers, call_order counts the
   -- listed only) would need an infinite score.  One condition,
   -- _call_list_min_score (sql_src/55_priority.sql,
   -- snapshot_call_list's too), which the planner estimates as it did the
   -- minimum score alone
   AND cs.priority_score >= dormancy._call_list_min_score(cs.value_tier, cs.opted_out_on,
								GREATEST(cs.recontact_on, cs.reapproach_on),
								(SELECT w.call_list_tiers FROM dormancy.score_weights_in_force() w),
								(SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w))
 ORDER BY cs.priority_rank;
COMMENT ON VIEW dormancy.call_list IS 'lapsing customers (at risk, dormant, declining, lost deal or contract signals: never an active customer without any of these) of the value tiers score_weights.call_list_tiers scoring at least score_weights.call_list_min_score, the most valuable tier first and by score within it, with reason, channel and theme; never a customer who asked not to be contacted (customer_status.opted_out_on), nor one contacted within outreach_settings.recontact_after (customer_status.recontact_on), nor one put off to next fiscal year''s budget before its day (customer_status.reapproach_on)';
COMMENT ON COLUMN dormancy.call_list.call_order IS 'position in the list, 1 = call first';
COMMENT ON COLUMN dormancy.call_list.priority_rank IS 'rank among all customers: by value_tier, then priority_score';
COMMENT ON COLUMN dormancy.call_list.priority_score IS 'priority score, 0 to 100';
COMMENT ON COLUMN dormancy.call_list.customer_id IS 'the customer id';
COMMENT ON COLUMN dormancy.call_list.name IS 'customer name';
COMMENT ON COLUMN dormancy.call_list.industry IS 'customer industry';
COMMENT ON COLUMN dormancy.call_list.company_size IS 'customer company size';
COMMENT ON COLUMN dormancy.call_list.state IS 'dormancy state';
COMMENT ON COLUMN dormancy.call_list.contract_state IS 'the state ladder applied to contract coverage (ended: no term covers as_of, ended too recently for at_risk)';
COMMENT ON COLUMN dormancy.call_list.dormancy_kind IS 'lost_deal or purchase';
COMMENT ON COLUMN dormancy.call_list.segment IS 'one_time, repeat or campaign_only';
COMMENT ON COLUMN dormancy.call_list.likely_reason IS 'why the customer is lapsing';
COMMENT ON COLUMN dormancy.call_list.reason_evidence IS 'the evidence that chose the reason';
COMMENT ON COLUMN dormancy.call_list.approach_channel IS 'the channel to use';
COMMENT ON COLUMN dormancy.call_list.message_theme IS 'the message theme';
COMMENT ON COLUMN dormancy.call_list.approach_value IS 'the value the channel was chosen by';
COMMENT ON COLUMN dormancy.call_list.total_amount IS 'net amount of all orders up to as_of';
COMMENT ON COLUMN dormancy.call_list.last_order_at IS 'last purchase day';
COMMENT ON COLUMN dormancy.call_list.days_since_last_order IS 'days since the last purchase day';
COMMENT ON COLUMN dormancy.call_list.decline_signals IS 'the decline signals that fired';
COMMENT ON COLUMN dormancy.call_list.last_deal_at IS 'close day of the last deal';
COMMENT ON COLUMN dormancy.call_list.last_deal_outcome IS 'outcome of the last deal';
COMMENT ON COLUMN dormancy.call_list.last_deal_reason IS 'reason of the last deal';
COMMENT ON COLUMN dormancy.call_list.events_in_window IS 'engagement events in the engagement window';
COMMENT ON COLUMN dormancy.call_list.days_since_last_event IS 'days since the last engagement event';
COMMENT ON COLUMN dormancy.call_list.contract_lapsed IS 'the contract lapsed';
COMMENT ON COLUMN dormancy.call_list.auto_renew_off IS 'the current term will not renew, or the last one, with auto-renew off, ended within the grace period';
COMMENT ON COLUMN dormancy.call_list.renewal_due_in_days IS 'days until the current term ends';
COMMENT ON COLUMN dormancy.call_list.p_alive IS 'probability alive (BG/NBD), when fitted';
COMMENT ON COLUMN dormancy.call_list.expected_value IS 'expected_purchases times the expected spend per purchase, when fitted (see customer_status.expected_value)';
COMMENT ON COLUMN dormancy.call_list.score_breakdown IS 'why the score is what it is, component by component';
COMMENT ON COLUMN dormancy.call_list.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.call_list.value_percentile IS 'where the customer''s value stands among your customers, 0 to 100 (see customer_status.value_percentile)';
COMMENT ON COLUMN dormancy.call_list.value_tier IS 'A, B or C by value_percentile (score_weights.tier_a_percentile, tier_b_percentile)';
COMMENT ON COLUMN dormancy.call_list.owner IS 'the customer''s owner (sales rep), from the bound owner column';
COMMENT ON COLUMN dormancy.call_list.owner_order IS 'position in the owner''s own list: WHERE owner = ... AND owner_order <= 20 is that rep''s best 20';
COMMENT ON COLUMN dormancy.call_list.data_gaps IS 'what is missing to call the customer (no_contact, no_phone, duplicate_name, ...; see customer_status.data_gaps)';
COMMENT ON COLUMN dormancy.call_list.state_label IS 'state in the language of dormancy.language (dormancy.labels)';
COMMENT ON COLUMN dormancy.call_list.contract_state_label IS 'contract_state in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.dormancy_kind_label IS 'dormancy_kind in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.segment_label IS 'segment in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.likely_reason_label IS 'likely_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.reason_evidence_label IS 'reason_evidence in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.approach_channel_label IS 'approach_channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.message_theme_label IS 'message_theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.decline_signals_label IS 'decline_signals in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.last_deal_outcome_label IS 'last_deal_outcome in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.last_deal_reason_label IS 'last_deal_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.call_list.data_gaps_label IS 'data_gaps in the language of dormancy.language, element by element';
COMMENT ON COLUMN dormancy.call_list.score_breakdown_label IS 'score_breakdown in the language of dormancy.language: per component its label and the basis as a sentence (dormancy.score_breakdown_label)';
COMMENT ON COLUMN dormancy.call_list.expected_dormancy_day IS 'the day p_alive falls below model_settings.p_alive_threshold if no purchase comes: call before it';
COMMENT ON COLUMN dormancy.call_list.p_purchase_ahead IS 'probability of at least one purchase day within model_settings.lookahead';
COMMENT ON COLUMN dormancy.call_list.last_contacted_on IS 'the day of the latest contact, attempts included (customer_status.last_contacted_on): at least outreach_settings.recontact_after ago, unless it was a message delivered without an answer or a direct or step mailing without one; NULL without any';

-- duplicate_customers: duplicate records, customers sharing a name key
-- (branch part included) and, when a company column is bound, a company id,
-- with the state of their combined order history.
CREATE OR REPLACE VIEW dormancy.duplicate_customers WITH (security_invoker = true) AS
WITH forms AS (
	SELECT dormancy.legal_forms_in_force() AS forms
), keyed AS (
	-- one group key: the key of _name_key, the company id and a colon
	-- before the name key
	SELECT c.customer_id, c.name, c.company_id, c.state, c.rule_id, c.last_order_at,
		   dormancy._name_key(c.name, c.company_id, f.forms) AS group_key
	  FROM dormancy.customer_core c JOIN forms f ON dormancy._single_row(f.forms)
	 WHERE c.name IS NOT NULL
), members AS (
	SELECT k.*, pg_catalog.count(*) OVER (PARTITION BY k.group_key) AS customers
	  FROM keyed k
	 WHERE k.group_key IS NOT NULL
), groups AS (
	-- the name key: the group key after its last colon (a name key never
	-- holds one)
	SELECT m.group_key, pg_catalog.min(m.company_id) AS company_id,
		   pg_catalog.split_part(m.group_key, ':', -1) AS name_key,
		   pg_catalog.max(m.customers) AS customers,
		   pg_catalog.array_agg(m.customer_id ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS customer_ids,
		   pg_catalog.array_agg(m.name ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS names,
		   pg_catalog.array_agg(m.state ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS member_states,
		   -- the rule of the member that ordered last
		   (pg_catalog.array_agg(m.rule_id ORDER BY m.last_order_at DESC NULLS LAST,
								 m.customer_id::pg_catalog.text COLLATE "C"))[1] AS rule_id
	  FROM members m
	 WHERE m.customers > 1
	 GROUP BY m.group_key
), combined AS (
	-- each id's history once: an id twice in the customers (a duplicate
	-- record) is two members but one history
	SELECT m.group_key, dormancy.purchase_history_union(h.history) AS history
	  FROM (SELECT DISTINCT m.group_key, m.customer_id FROM members m WHERE m.customers > 1) m
	  JOIN dormancy.customer_histories h ON h.customer_id = m.customer_id
	 GROUP BY m.group_key
)
SELECT g.name_key, g.customers, g.customer_ids, g.names, g.member_states,
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day, r.at_risk_after, r.dormant_after,
							   r.long_dormant_after) AS state,
	   s.last_order_at, s.last_qualifying_order_at, s.first_order_at, s.orders_count, s.order_days,
	   s.total_amount, g.rule_id, a.day AS as_of, g.company_id
  FROM groups g
  JOIN (SELECT dormancy.as_of_day() AS day) a ON dormancy._single_row(a.day)
  LEFT JOIN combined c ON c.group_key = g.group_key
  LEFT JOIN dormancy.rules r ON r.rule_id = g.rule_id
 CROSS JOIN LATERAL dormancy.history_summary(c.history, a.day, coalesce(r.min_order_amount, 0)::pg_catalog.float8) s;
COMMENT ON VIEW dormancy.duplicate_customers IS
		'duplicate records: groups of customers whose names share a key (normalize_company_name with dormancy.legal_forms, branch part included) and, when a company column is bound, a company id, with the state of their combined order history: merge them before calling (branches of one company are in company_customers)';
COMMENT ON COLUMN dormancy.duplicate_customers.name_key IS 'the shared name key';
COMMENT ON COLUMN dormancy.duplicate_customers.customers IS 'customers in the group (at least 2)';
COMMENT ON COLUMN dormancy.duplicate_customers.customer_ids IS 'their ids';
COMMENT ON COLUMN dormancy.duplicate_customers.names IS 'their names as written, in the order of customer_ids';
COMMENT ON COLUMN dormancy.duplicate_customers.member_states IS 'each one''s own state, in the order of customer_ids';
COMMENT ON COLUMN dormancy.duplicate_customers.state IS 'the state of the combined history, with rule_id';
COMMENT ON COLUMN dormancy.duplicate_customers.last_order_at IS 'last purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.last_qualifying_order_at IS 'last qualifying purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.first_order_at IS 'first purchase day of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.orders_count IS 'orders of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.order_days IS 'purchase days of the combined history (a day two members bought on counts once)';
COMMENT ON COLUMN dormancy.duplicate_customers.total_amount IS 'net amount of the combined history';
COMMENT ON COLUMN dormancy.duplicate_customers.rule_id IS 'the rule applied: that of the member that ordered last';
COMMENT ON COLUMN dormancy.duplicate_customers.as_of IS 'the as-of day';
COMMENT ON COLUMN dormancy.duplicate_customers.company_id IS 'the shared company id when a company column is bound (NULL: none bound, or the members have none)';

-- company_customers: the customers of one company, two or more, each with
-- its own state, and the state of the company's combined order history (the
-- head office active while a branch is dormant).  The company is the bound
-- company id; without one (no company column, or a NULL id) the company key
-- of the name (company_key: the name key without its branch part).
CREATE OR REPLACE VIEW dormancy.company_customers WITH (security_invoker = true) AS
WITH forms AS (
	SELECT dormancy.legal_forms_in_force() AS forms
), keyed AS (
	SELECT c.customer_id, c.name, c.company_id, c.state, c.rule_id, c.last_order_at,
		   CASE WHEN c.company_id IS NULL THEN dormancy.company_key(c.name, f.forms) END AS company_key,
		   dormancy.branch_key(c.name, f.forms) AS branch_key
	  FROM dormancy.customer_core c JOIN forms f ON dormancy._single_row(f.forms)
	 WHERE c.company_id IS NOT NULL OR c.name IS NOT NULL
), members AS (
	-- one group key: the company id and a colon, else the company key (a
	-- key never holds a colon)
	SELECT k.*, pg_catalog.concat(k.company_id || ':', k.company_key) AS group_key,
		   pg_catalog.count(*) OVER (PARTITION BY pg_catalog.concat(k.company_id || ':', k.company_key)) AS customers
	  FROM keyed k
	 WHERE k.company_id IS NOT NULL OR k.company_key <> ''
), groups AS (
	SELECT m.group_key, pg_catalog.min(m.company_id) AS company_id, pg_catalog.min(m.company_key) AS company_key,
		   pg_catalog.max(m.customers) AS customers,
		   pg_catalog.array_agg(m.customer_id ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS customer_ids,
		   pg_catalog.array_agg(m.name ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS names,
		   pg_catalog.array_agg(m.branch_key ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS branches,
		   pg_catalog.array_agg(m.state ORDER BY m.customer_id::pg_catalog.text COLLATE "C") AS member_states,
		   -- the rule of the member that ordered last
		   (pg_catalog.array_agg(m.rule_id ORDER BY m.last_order_at DESC NULLS LAST,
								 m.customer_id::pg_catalog.text COLLATE "C"))[1] AS rule_id
	  FROM members m
	 WHERE m.customers > 1
	 GROUP BY m.group_key
), combined AS (
	-- each id's history once: an id twice in the customers (a duplicate
	-- record) is two members but one history
	SELECT m.group_key, dormancy.purchase_history_union(h.history) AS history
	  FROM (SELECT DISTINCT m.group_key, m.customer_id FROM members m WHERE m.customers > 1) m
	  JOIN dormancy.customer_histories h ON h.customer_id = m.customer_id
	 GROUP BY m.group_key
)
SELECT g.company_id, g.company_key, g.customers, g.customer_ids, g.names, g.branches, g.member_states,
	   dormancy.dormancy_state(s.last_qualifying_order_at, a.day, r.at_risk_after, r.dormant_after,
							   r.long_dormant_after) AS state,
	   s.last_order_at, s.last_qualifying_order_at, s.first_order_at, s.orders_count, s.order_days,
	   s.total_amount, g.rule_id, a.day AS as_of
  FROM groups g
  JOIN (SELECT dormancy.as_of_day() AS day) a ON dormancy._single_row(a.day)
  LEFT JOIN combined c ON c.group_key = g.group_key
  LEFT JOIN dormancy.rules r ON r.rule_id = g.rule_id
 CROSS JOIN LATERAL dormancy.history_summary(c.history, a.day, coalesce(r.min_order_amount, 0)::pg_catalog.float8) s;
COMMENT ON VIEW dormancy.company_customers IS
		'companies with two or more customers (branches): the bound company id, else the company key of the names (company_key: the name key without its branch part), each member''s state and the state of the company''s combined order history';
COMMENT ON COLUMN dormancy.company_customers.company_id IS 'the company id shared by the members (company column bound); NULL when the company is told from the names';
COMMENT ON COLUMN dormancy.company_customers.company_key IS 'the company key shared by the members'' names (company_key), when no company id says the company';
COMMENT ON COLUMN dormancy.company_customers.customers IS 'customers of the company (at least 2)';
COMMENT ON COLUMN dormancy.company_customers.customer_ids IS 'their ids';
COMMENT ON COLUMN dormancy.company_customers.names IS 'their names as written, in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.branches IS 'the branch key of each name (branch_key; NULL: no branch part), in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.member_states IS 'each one''s own state, in the order of customer_ids';
COMMENT ON COLUMN dormancy.company_customers.state IS 'the state of the company''s combined history, with rule_id';
COMMENT ON COLUMN dormancy.company_customers.last_order_at IS 'last purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.last_qualifying_order_at IS 'last qualifying purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.first_order_at IS 'first purchase day of the combined history';
COMMENT ON COLUMN dormancy.company_customers.orders_count IS 'orders of the combined history';
COMMENT ON COLUMN dormancy.company_customers.order_days IS 'purchase days of the combined history (a day two members bought on counts once)';
COMMENT ON COLUMN dormancy.company_customers.total_amount IS 'net amount of the combined history';
COMMENT ON COLUMN dormancy.company_customers.rule_id IS 'the rule applied: that of the member that ordered last';
COMMENT ON COLUMN dormancy.company_customers.as_of IS 'the as-of day';

-- unmatched_labels: every distinct label of the bound data that matched
-- nothing (compared by label_key), with its rows: empty when every label
-- maps.  Industries and company sizes match an alias or a key of the rules
-- or approach rules; event kinds, deal outcomes and reasons their mapping;
-- the outreach's channels, themes, outcomes (outreach_channels, ...) and
-- declined reasons (deal_reasons) theirs; a price change's category a
-- category of the bound orders.
CREATE OR REPLACE VIEW dormancy.unmatched_labels WITH (security_invoker = true) AS
-- (each source's labels counted first, then matched against the mappings:
-- on Citus the counting runs on the workers, and a correlated subquery over
-- a local table would not run beside a distributed one)
SELECT 'industry'::pg_catalog.text AS vocabulary, c.label, c.rows
  FROM (SELECT c.industry::pg_catalog.text AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL AND dormancy.label_key(c.industry) <> ''
		 GROUP BY c.industry) c
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.industries a
				   WHERE dormancy.label_key(a.source_industry) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.rules r
				   WHERE dormancy.label_key(r.industry) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules ar, pg_catalog.unnest(ar.industries) i
				   WHERE dormancy.label_key(i) = dormancy.label_key(c.label))
UNION ALL
SELECT 'company_size', c.label, c.rows
  FROM (SELECT c.company_size::pg_catalog.text AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_customers c
		 WHERE c.customer_id IS NOT NULL AND dormancy.label_key(c.company_size) <> ''
		 GROUP BY c.company_size) c
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.company_sizes a
				   WHERE dormancy.label_key(a.source_size) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.rules r
				   WHERE dormancy.label_key(r.company_size) = dormancy.label_key(c.label))
   AND NOT EXISTS (SELECT 1 FROM dormancy.approach_rules ar, pg_catalog.unnest(ar.company_sizes) s
				   WHERE dormancy.label_key(s) = dormancy.label_key(c.label))
UNION ALL
SELECT 'event_kind', e.label, e.rows
  FROM (SELECT e.source_kind AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_events e
		 WHERE dormancy.label_key(e.source_kind) <> ''
		 GROUP BY e.source_kind) e
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.event_kinds k
				   WHERE dormancy.label_key(k.source_kind) = dormancy.label_key(e.label))
UNION ALL
SELECT 'deal_outcome', d.label, d.rows
  FROM (SELECT d.source_outcome AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE dormancy.label_key(d.source_outcome) <> ''
		 GROUP BY d.source_outcome) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_outcomes o
				   WHERE dormancy.label_key(o.source_outcome) = dormancy.label_key(d.label))
UNION ALL
SELECT 'deal_reason', d.label, d.rows
  FROM (SELECT d.source_reason AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_deals d
		 WHERE dormancy.label_key(d.source_reason) <> ''
		 GROUP BY d.source_reason) d
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(d.label))
UNION ALL
SELECT 'outreach_channel', x.source_channel, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.channel IS NULL AND dormancy.label_key(x.source_channel) <> ''
 GROUP BY x.source_channel
UNION ALL
SELECT 'outreach_theme', x.source_theme, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.theme IS NULL AND dormancy.label_key(x.source_theme) <> ''
 GROUP BY x.source_theme
UNION ALL
SELECT 'outreach_outcome', x.source_outcome, pg_catalog.count(*)
  FROM dormancy.src_outreach x
 WHERE x.outcome IS NULL AND dormancy.label_key(x.source_outcome) <> ''
 GROUP BY x.source_outcome
UNION ALL
SELECT 'outreach_reason', x.label, x.rows
  FROM (SELECT x.source_reason AS label, pg_catalog.count(*) AS rows
		  FROM dormancy.src_outreach x
		 WHERE dormancy.label_key(x.source_reason) <> ''
		 GROUP BY x.source_reason) x
 WHERE NOT EXISTS (SELECT 1 FROM dormancy.deal_reasons r
				   WHERE dormancy.label_key(r.source_reason) = dormancy.label_key(x.label))
UNION ALL
-- (the orders' categories as an uncorrelated subquery: Citus does not join a
-- local table to a correlated subquery over a distributed one)
SELECT 'price_change_category', p.category, pg_catalog.count(*)
  FROM dormancy.price_changes p
  LEFT JOIN (SELECT DISTINCT dormancy.label_key(o.category) AS category_key
			   FROM dormancy.src_orders o WHERE o.category IS NOT NULL) oc
	ON oc.category_key = dormancy.label_key(p.category)
 WHERE p.category IS NOT NULL AND oc.category_key IS NULL
 GROUP BY p.category;
COMMENT ON VIEW dormancy.unmatched_labels IS
	'labels of the bound data that matched nothing (by label_key): industries and company sizes without an alias or a rule, unmapped event kinds, deal outcomes and reasons, outreach channels, themes, outcomes and declined reasons, price change categories no bound order has; empty when every label maps';
COMMENT ON COLUMN dormancy.unmatched_labels.vocabulary IS 'industry, company_size, event_kind, deal_outcome, deal_reason, outreach_channel, outreach_theme, outreach_outcome, outreach_reason or price_change_category';
COMMENT ON COLUMN dormancy.unmatched_labels.label IS 'the label as written in the data';
COMMENT ON COLUMN dormancy.unmatched_labels.rows IS 'rows with it (customers, events, deals, contacts of the outreach or price changes)';

-- model_parameters: one row per parameter of each stored model (dormancy.models),
-- with the standard error fit_models() stored.  The 95% interval is built on
-- the log scale, estimate * exp(+-1.96 * std_error / estimate): it stays
-- positive, as the parameters are, and it covers the true value about as
-- often as it should (the coverage simulation in test/unit/test_btyd_se.c).
CREATE OR REPLACE VIEW dormancy.model_parameters WITH (security_invoker = true) AS
SELECT m.model_id, m.segment_kind, m.segment_value, p.model, p.parameter,
	   p.estimate, p.std_error,
	   p.estimate * pg_catalog.exp(-1.959963984540054 * p.std_error / p.estimate) AS ci_low,
	   p.estimate * pg_catalog.exp(1.959963984540054 * p.std_error / p.estimate) AS ci_high,
	   p.converged
  FROM dormancy.models m
 CROSS JOIN LATERAL (VALUES
		('bgnbd'::pg_catalog.text, 'r'::pg_catalog.text, (m.bgnbd).r, m.bgnbd_std_errors[1], (m.bgnbd).converged),
		('bgnbd', 'alpha', (m.bgnbd).alpha, m.bgnbd_std_errors[2], (m.bgnbd).converged),
		('bgnbd', 'a', (m.bgnbd).a, m.bgnbd_std_errors[3], (m.bgnbd).converged),
		('bgnbd', 'b', (m.bgnbd).b, m.bgnbd_std_errors[4], (m.bgnbd).converged),
		('gammagamma', 'p', (m.gammagamma).p, m.gammagamma_std_errors[1], (m.gammagamma).converged),
		('gammagamma', 'q', (m.gammagamma).q, m.gammagamma_std_errors[2], (m.gammagamma).converged),
		('gammagamma', 'v', (m.gammagamma).v, m.gammagamma_std_errors[3], (m.gammagamma).converged),
		-- Pareto/NBD (when fitted): the square roots of its covariance's diagonal
		('paretonbd', 'r', (m.paretonbd).r, pg_catalog.sqrt(m.paretonbd_covariance[1][1]), (m.paretonbd).converged),
		('paretonbd', 'alpha', (m.paretonbd).alpha, pg_catalog.sqrt(m.paretonbd_covariance[2][2]), (m.paretonbd).converged),
		('paretonbd', 's', (m.paretonbd).s, pg_catalog.sqrt(m.paretonbd_covariance[3][3]), (m.paretonbd).converged),
		('paretonbd', 'beta', (m.paretonbd).beta, pg_catalog.sqrt(m.paretonbd_covariance[4][4]), (m.paretonbd).converged)
	) p (model, parameter, estimate, std_error, converged)
 WHERE p.estimate IS NOT NULL;
COMMENT ON VIEW dormancy.model_parameters IS
	'the fitted parameters of dormancy.models, one row each, with standard errors and 95% intervals (built on the log scale, so they stay positive)';
COMMENT ON COLUMN dormancy.model_parameters.model_id IS 'the dormancy.models row';
COMMENT ON COLUMN dormancy.model_parameters.segment_kind IS 'all, industry or company_size';
COMMENT ON COLUMN dormancy.model_parameters.segment_value IS 'the industry or company size (its label_key); NULL for all';
COMMENT ON COLUMN dormancy.model_parameters.model IS 'bgnbd, gammagamma or paretonbd (when fitted: model_settings.model is not bgnbd)';
COMMENT ON COLUMN dormancy.model_parameters.parameter IS 'r, alpha, a, b (bgnbd), p, q, v (gammagamma) or r, alpha, s, beta (paretonbd)';
COMMENT ON COLUMN dormancy.model_parameters.estimate IS 'the maximum-likelihood estimate (alpha in the model''s time unit, v in money units)';
COMMENT ON COLUMN dormancy.model_parameters.std_error IS 'its standard error, from the observed information at the estimate; NULL when the fit did not converge';
COMMENT ON COLUMN dormancy.model_parameters.ci_low IS 'lower end of the 95% interval: estimate * exp(-1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.ci_high IS 'upper end of the 95% interval: estimate * exp(1.96 * std_error / estimate)';
COMMENT ON COLUMN dormancy.model_parameters.converged IS 'whether the fit of this model converged (else the estimate is not to be trusted and std_error is NULL)';
-- forecast_intervals: per customer, the model columns of customer_status
-- (p_alive, expected_purchases over model_settings.horizon, expected_value)
-- with 95% intervals from the uncertainty of the parameters (the covariance
-- matrices fit_models() stored; model_intervals, the delta method).  A view
-- of its own, so that customer_status does not compute them on every query.
-- The model is customer_status's: _model_for's, its Pareto/NBD fit when the
-- segment's model is Pareto/NBD, and Gamma-Gamma's x the one its fit took
-- (models.gammagamma_x).  The intervals are NULL without a stored
-- covariance (the fit did not converge, or a model row from before 0.4.0:
-- fit_models() again).
CREATE OR REPLACE VIEW dormancy.forecast_intervals WITH (security_invoker = true) AS
SELECT core.customer_id, mdl.model_id,
	   CASE WHEN mdl.model_id IS NOT NULL THEN CASE WHEN mdl.paretonbd IS NULL THEN 'bgnbd' ELSE 'paretonbd' END END AS forecast_model,
	   i.p_alive, i.p_alive_low, i.p_alive_high,
	   i.expected_purchases, i.expected_purchases_low, i.expected_purchases_high,
	   i.expected_value, i.expected_value_low, i.expected_value_high
  FROM dormancy.customer_core core
 CROSS JOIN LATERAL dormancy._model_for(core.industry, core.company_size, (SELECT dormancy._configuration())) mdl
  -- the covariances stored with the model
  LEFT JOIN dormancy.models cov ON cov.model_id = mdl.model_id
 -- The chosen model's intervals: the other model's call is given no model
 -- and gives a row of NULLs, so each column is the first non-NULL of the
 -- two.  Two calls in the select list of a subquery (OFFSET 0: once per
 -- customer, taken apart outside), not a union of two function scans,
 -- which Citus does not push down to the workers.
 CROSS JOIN LATERAL (
	SELECT coalesce((x.b).p_alive, (x.p).p_alive) AS p_alive,
		   coalesce((x.b).p_alive_low, (x.p).p_alive_low) AS p_alive_low,
		   coalesce((x.b).p_alive_high, (x.p).p_alive_high) AS p_alive_high,
		   coalesce((x.b).expected_purchases, (x.p).expected_purchases) AS expected_purchases,
		   coalesce((x.b).expected_purchases_low, (x.p).expected_purchases_low) AS expected_purchases_low,
		   coalesce((x.b).expected_purchases_high, (x.p).expected_purchases_high) AS expected_purchases_high,
		   coalesce((x.b).expected_value, (x.p).expected_value) AS expected_value,
		   coalesce((x.b).expected_value_low, (x.p).expected_value_low) AS expected_value_low,
		   coalesce((x.b).expected_value_high, (x.p).expected_value_high) AS expected_value_high
	  FROM (SELECT dormancy.model_intervals(CASE WHEN mdl.paretonbd IS NULL THEN mdl.bgnbd END, cov.bgnbd_covariance,
											CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
											cov.gammagamma_covariance,
											core.frequency, core.recency_days / mdl.unit_days,
											core.age_days / mdl.unit_days, core.monetary_value,
											mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END) AS b,
				   dormancy.model_intervals(mdl.paretonbd, cov.paretonbd_covariance,
											CASE WHEN (mdl.gammagamma).converged THEN mdl.gammagamma END,
											cov.gammagamma_covariance,
											core.frequency, core.recency_days / mdl.unit_days,
											core.age_days / mdl.unit_days, core.monetary_value,
											mdl.horizon_days / mdl.unit_days, CASE WHEN mdl.gammagamma_x = 'monetary_days' THEN core.monetary_days END) AS p
			OFFSET 0) x
  ) i;
COMMENT ON VIEW dormancy.forecast_intervals IS
	'per customer, p_alive, expected purchases and expected value as customer_status gives them, each with a 95% interval from the uncertainty of the fitted parameters (delta method); NULL intervals without a stored covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.customer_id IS 'the customer';
COMMENT ON COLUMN dormancy.forecast_intervals.model_id IS 'the dormancy.models row that applies (customer_status.model_id); NULL without a fitted model';
COMMENT ON COLUMN dormancy.forecast_intervals.forecast_model IS 'bgnbd or paretonbd, as customer_status.forecast_model';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive IS 'customer_status.p_alive';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive_low IS 'lower end of the 95% interval of p_alive (delta method on the log-odds); equal to p_alive when it is exactly 1; NULL without a covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.p_alive_high IS 'upper end of the 95% interval of p_alive';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases IS 'customer_status.expected_purchases: expected purchase days in the next model_settings.horizon';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases_low IS 'lower end of the 95% interval of expected_purchases (delta method on the logarithm); NULL without a covariance';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_purchases_high IS 'upper end of the 95% interval of expected_purchases';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value IS 'customer_status.expected_value: expected purchases times the Gamma-Gamma expected spend';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value_low IS 'lower end of the 95% interval of expected_value (both models'' uncertainty, on the logarithm); NULL without both covariances';
COMMENT ON COLUMN dormancy.forecast_intervals.expected_value_high IS 'upper end of the 95% interval of expected_value';

-- latest_validation, latest_validation_tracking: the rows of the latest run
-- of validate_models() of each segment, for BI tools to plot (they read only
-- the extension's tables, which dormancy_reader may read too)
CREATE OR REPLACE VIEW dormancy.latest_validation WITH (security_invoker = true) AS
SELECT v.validation_id, v.validated_at, v.calibration_end, v.holdout_end, v.time_unit,
	   v.segment_kind, v.segment, v.bucket, v.customers, v.predicted, v.actual, v.mean_absolute_error,
	   v.spend_customers, v.predicted_spend, v.actual_spend, v.spend_mean_absolute_error,
	   v.bgnbd, v.gammagamma, v.model, v.paretonbd, v.gammagamma_x
  FROM dormancy.model_validations v
 WHERE v.validation_id = (SELECT pg_catalog.max(l.validation_id) FROM dormancy.model_validations l
						   WHERE l.segment_kind = v.segment_kind AND l.segment IS NOT DISTINCT FROM v.segment);
COMMENT ON VIEW dormancy.latest_validation IS
	'the rows of dormancy.model_validations of the latest holdout validation of each segment';
PERFORM dormancy._copy_column_comments('dormancy.model_validations', 'dormancy.latest_validation');

CREATE OR REPLACE VIEW dormancy.latest_validation_tracking WITH (security_invoker = true) AS
SELECT t.validation_id, t.segment_kind, t.segment, t.period, t.period_end, t.holdout,
	   t.customers, t.predicted, t.actual
  FROM dormancy.model_validation_tracking t
 WHERE t.validation_id = (SELECT pg_catalog.max(l.validation_id) FROM dormancy.model_validation_tracking l
						   WHERE l.segment_kind = t.segment_kind AND l.segment IS NOT DISTINCT FROM t.segment);
COMMENT ON VIEW dormancy.latest_validation_tracking IS
	'the rows of dormancy.model_validation_tracking of the latest holdout validation of each segment';
PERFORM dormancy._copy_column_comments('dormancy.model_validation_tracking', 'dormancy.latest_validation_tracking');
IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dormancy_reader') THEN
	GRANT SELECT ON dormancy.latest_validation, dormancy.latest_validation_tracking TO dormancy_reader;
END IF;

-- campaign_list: the members of each campaign to approach (not the
-- controls), as frozen at its start (dormancy.campaign_members), with what
-- a rep needs to call them now: name and owner (src_customers), a usable
-- phone number and e-mail address and a contact person (src_contacts, the
-- most recently updated first), and the outreach since the start.  Members
-- are matched to the bound ids by their text (a hash join over the
-- customers); the contacts and the outreach by the bound id, with the
-- equality of its type.
-- (The tables with row security of their own, campaign_members here and
-- status_history, are read in subqueries, (TABLE ...): Citus plans those
-- apart from your distributed customers, and refused or crashed on the
-- table itself beside them; on one server the plans are the same.)
CREATE OR REPLACE VIEW dormancy.campaign_list WITH (security_invoker = true) AS
SELECT m.campaign_id, c.name AS campaign_name,
	   pg_catalog.row_number() OVER (PARTITION BY m.campaign_id ORDER BY m.call_order, m.customer_id) AS call_order,
	   m.customer_id, s.name, s.owner,
	   ct.phone, ct.email, ct.person,
	   m.state, m.likely_reason, m.channel, m.theme, m.priority_score, m.score_band, m.value_tier,
	   coalesce(ot.contacts, 0) AS contacts, ot.last_contacted_at, ot.last_outcome,
	   c.as_of, c.started_at,
	   dormancy.label('state', m.state) AS state_label,
	   dormancy.label('likely_reason', m.likely_reason) AS likely_reason_label,
	   dormancy.label('approach_channel', m.channel) AS channel_label,
	   dormancy.label('message_theme', m.theme) AS theme_label,
	   dormancy.label('outreach_outcome', ot.last_outcome) AS last_outcome_label
  FROM (TABLE dormancy.campaign_members) m
  JOIN dormancy.campaigns c ON c.campaign_id = m.campaign_id
  LEFT JOIN dormancy.src_customers s ON s.customer_id::pg_catalog.text = m.customer_id
  -- the members' contacts, per customer: the usable phone number, e-mail
  -- address and contact person updated last (ties: the smallest value).  A
  -- grouping over the contacts of the members' customers only (their typed
  -- ids, so that the contacts' index on the customer serves), not lateral
  -- subqueries with LIMIT 1, which Citus does not run beside the local
  -- members when the contacts are distributed
  LEFT JOIN (
	SELECT x.customer_id,
		   (pg_catalog.array_agg(x.phone ORDER BY x.updated_on DESC NULLS LAST, x.phone)
				FILTER (WHERE dormancy.phone_valid(x.phone, (SELECT pss.phone_country FROM dormancy.source_settings_in_force() pss))))[1]
			   AS phone,
		   (pg_catalog.array_agg(pg_catalog.btrim(x.email) ORDER BY x.updated_on DESC NULLS LAST, x.email)
				FILTER (WHERE x.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$'))[1] AS email,
		   (pg_catalog.array_agg(pg_catalog.btrim(x.person) ORDER BY x.updated_on DESC NULLS LAST, x.person)
				FILTER (WHERE pg_catalog.btrim(x.person) <> ''))[1] AS person
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IN (SELECT c2.customer_id FROM dormancy.src_customers c2
							  WHERE c2.customer_id::pg_catalog.text IN (SELECT m2.customer_id FROM dormancy.campaign_members m2
																		 WHERE NOT m2.is_control))
	 GROUP BY x.customer_id
  ) ct ON ct.customer_id = s.customer_id
  LEFT JOIN (
	SELECT mo.campaign_id, mo.customer_id,
		   pg_catalog.count(*) FILTER (WHERE o.contacted_on >= co.as_of) AS contacts,
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.contacted_on >= co.as_of) AS last_contacted_at,
		   (pg_catalog.array_agg(o.outcome ORDER BY o.contacted_at DESC, o.outreach_id DESC NULLS LAST, o.outcome)
				FILTER (WHERE o.outcome IS NOT NULL AND o.contacted_on >= co.as_of))[1] AS last_outcome,
		   -- the opt-out in force: the aggregates of customer_outreach's
		   -- opted_out_on, for its rule (_opt_out_in_force, below): the
		   -- dated contacts here are those up to the as-of day (any day,
		   -- not only since the start), the others opt-outs without a time
		   pg_catalog.max(o.contacted_at) FILTER (WHERE o.opt_out AND pg_catalog.isfinite(o.contacted_at))
			   AS last_opt_out_at,
		   pg_catalog.bool_or(NOT coalesce(pg_catalog.isfinite(o.contacted_at), false)) FILTER (WHERE o.opt_out)
			   AS undated_opt_out,
		   pg_catalog.max(o.contacted_at)
				FILTER (WHERE pg_catalog.isfinite(o.contacted_at) AND o.outcome = ANY (dormancy._interest_outcomes()))
			   AS last_interest_at
	  FROM (TABLE dormancy.campaign_members) mo
	  JOIN dormancy.campaigns co ON co.campaign_id = mo.campaign_id
	  -- the members' ids typed (as in campaign_outcomes), then the outreach
	  -- on the ids' own equality
	  JOIN (SELECT k.customer_id, k.customer_id::pg_catalog.text AS customer_key
			  FROM dormancy.src_customers k
			 WHERE k.customer_id::pg_catalog.text IN (SELECT mk.customer_id FROM dormancy.campaign_members mk
														WHERE NOT mk.is_control)
			 GROUP BY k.customer_id) mt ON mt.customer_key = mo.customer_id
	  -- the contacts since the start day, by the day in the zone in force
	  -- (as campaign_outcomes counts them: a contact logged with a date on
	  -- the start day is midnight, before started_at); the opt-outs of any
	  -- day.  Only those up to the as-of day in force, as customer_outreach
	  -- and campaign_outcomes read them (the same cut-off: the day in the
	  -- zone against dormancy._as_of): with a pinned as-of in the past, a
	  -- call made after it has not happened yet (until 2026-12-07 the list
	  -- counted it in contacts, last_contacted_at and last_outcome)
	  -- and an opt-out without a (finite) time, in force as customer_outreach
	  -- takes it (_opt_out_in_force)
	  JOIN dormancy.src_outreach o ON o.customer_id = mt.customer_id
									 AND ((pg_catalog.isfinite(o.contacted_at)
										   AND o.contacted_on <= (SELECT a.day FROM dormancy._as_of a))
										  OR (o.opt_out AND NOT coalesce(pg_catalog.isfinite(o.contacted_at), false)))
	 WHERE NOT mo.is_control
	 GROUP BY mo.campaign_id, mo.customer_id
  ) ot ON ot.campaign_id = m.campaign_id AND ot.customer_id = m.customer_id
 WHERE NOT m.is_control
   -- not a member who has since asked not to be contacted (still a member:
   -- campaign_outcomes counts every one): customer_outreach.opted_out_on,
   -- by the same rule
   AND NOT dormancy._opt_out_in_force(ot.last_opt_out_at, ot.undated_opt_out, ot.last_interest_at);
COMMENT ON VIEW dormancy.campaign_list IS
	'the members of each campaign to approach (controls left out, and members who have asked not to be contacted: customer_outreach.opted_out_on), as frozen at its start, with the name, owner, a usable phone number, e-mail address and contact person now, and the outreach from the start to the as-of day: the list to export for the reps';
COMMENT ON COLUMN dormancy.campaign_list.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_list.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_list.call_order IS 'position in the campaign''s list, 1 = call first (the call list''s order at the start)';
COMMENT ON COLUMN dormancy.campaign_list.customer_id IS 'the customer id as text';
COMMENT ON COLUMN dormancy.campaign_list.name IS 'customer name (NULL when the customer is no longer among the bound customers)';
COMMENT ON COLUMN dormancy.campaign_list.owner IS 'the customer''s owner (sales rep), NULL when unbound';
COMMENT ON COLUMN dormancy.campaign_list.phone IS 'a usable phone number of the customer (dormancy.phone_valid in source_settings.phone_country), the most recently updated contact first; NULL when none or contacts are unbound';
COMMENT ON COLUMN dormancy.campaign_list.email IS 'a usable e-mail address of the customer, the most recently updated contact first; NULL when none';
COMMENT ON COLUMN dormancy.campaign_list.person IS 'a contact person of the customer, the most recently updated contact first; NULL when none';
COMMENT ON COLUMN dormancy.campaign_list.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_list.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_list.channel IS 'the planned approach channel (email, direct_mail, phone, visit, step_mail)';
COMMENT ON COLUMN dormancy.campaign_list.theme IS 'the planned message theme';
COMMENT ON COLUMN dormancy.campaign_list.priority_score IS 'the priority score at the start, 0 to 100';
COMMENT ON COLUMN dormancy.campaign_list.score_band IS 'the band of the score at the start';
COMMENT ON COLUMN dormancy.campaign_list.value_tier IS 'the value tier at the start';
COMMENT ON COLUMN dormancy.campaign_list.contacts IS 'contacts of the customer in the outreach from the campaign''s start day to the as-of day in force (the days in dormancy.time_zone; any campaign id)';
COMMENT ON COLUMN dormancy.campaign_list.last_contacted_at IS 'the latest of those contacts';
COMMENT ON COLUMN dormancy.campaign_list.last_outcome IS 'the outcome of the latest of those contacts that has one';
COMMENT ON COLUMN dormancy.campaign_list.as_of IS 'the as-of day of the campaign''s start';
COMMENT ON COLUMN dormancy.campaign_list.started_at IS 'when the campaign started';
COMMENT ON COLUMN dormancy.campaign_list.state_label IS 'state in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.likely_reason_label IS 'likely_reason in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.channel_label IS 'channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.theme_label IS 'theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_list.last_outcome_label IS 'last_outcome in dormancy.language (dormancy.labels, vocabulary outreach_outcome)';

-- The effect of the win-back campaigns (issue 15, docs/campaign_effect.md):
-- campaign_outcomes (one row per member: contacted?, came back within the
-- window?, revenue in the window), and above it campaign_effect (treated
-- against control, with 95% intervals), campaign_score_calibration (per
-- score band), measured_approaches (the best measured channel and theme per
-- reason, beside the ones in force) and campaign_transitions (the state
-- changes of status_history in a campaign's window).
--
-- campaign_outcomes: each member of each campaign (campaign_members), with
-- the window of the campaign (the N = reactivation_days days after its
-- as-of day, up to the as-of day in force), the member's first contact
-- (an outreach row of the campaign, or one without a campaign in the
-- window), and the purchase days and revenue in the window, read from
-- src_history_rows in the zone in force.  A purchase day is one of the
-- purchase histories: with an order id bound, each order counts on the day
-- of its first dated line with the net of all its lines; a day is a purchase day
-- when its known amounts net to more than zero (within 1e-9 of its largest
-- order), or its amounts are all unknown.  campaign_members keeps text ids: each is typed once,
-- as the bound customer id whose text it is (src_customers), and the orders
-- and the outreach are read once each, joined to the members on the typed
-- id with the equality of its type, as customer_status joins them (an
-- order's 7.0 is customer 7's; a member no longer among the bound customers
-- has no contact and no purchase).
CREATE OR REPLACE VIEW dormancy.campaign_outcomes WITH (security_invoker = true) AS
WITH m AS (
	SELECT mb.campaign_id, c.name AS campaign_name, mb.customer_id, mb.is_control, mb.stratum, mb.score_band,
		   mb.state, mb.likely_reason, mb.channel, mb.theme, mb.priority_score, mb.p_alive,
		   c.as_of AS start_day, c.reactivation_days,
		   c.as_of + c.reactivation_days AS window_end,
		   a.as_of_day, mt.customer_id AS bound_id
	  FROM (TABLE dormancy.campaign_members) mb
	  JOIN dormancy.campaigns c ON c.campaign_id = mb.campaign_id
	 CROSS JOIN (SELECT dormancy.as_of_day() AS as_of_day) a
	  -- the member's id typed: the bound customer id whose text it is (one
	  -- per id, however many rows of the customers have it)
	  LEFT JOIN (SELECT k.customer_id, k.customer_id::pg_catalog.text AS customer_key
				   FROM dormancy.src_customers k
				  WHERE k.customer_id::pg_catalog.text IN (SELECT mk.customer_id FROM dormancy.campaign_members mk)
				  GROUP BY k.customer_id) mt ON mt.customer_key = mb.customer_id
), contact AS (
	SELECT m.campaign_id, m.customer_id,
		   pg_catalog.min(o.contacted_on) AS first_contact_on,
		   pg_catalog.count(*) AS contacts,
		   -- a conversation among them, by the rule of
		   -- customer_outreach.conversations (_conversation): a message
		   -- delivered without an answer, or a mailing the member did not
		   -- answer, is a contact, not reached (until 2026-12-07 it was
		   -- reached: a campaign of DMs marked delivered reached everyone)
		   pg_catalog.bool_or(dormancy._conversation(o.channel, o.outcome, o.source_outcome)) AS reached
	  FROM m
	  JOIN dormancy.src_outreach o ON o.customer_id = m.bound_id
	  -- (a campaign id that is none of the extension's campaigns: a CRM's
	  -- own number, counted as no campaign)
	  LEFT JOIN dormancy.campaigns oc ON oc.campaign_id = o.campaign_id
	 WHERE o.contacted_on <= m.as_of_day
	   -- nothing before the start counts, not even a row of the campaign
	   -- (a mistyped day), nor a time of -infinity
	   AND o.contacted_on >= m.start_day
	   -- a row of this campaign; in the window, one without a campaign, and
	   -- for a control any contact at all (another campaign's too: the
	   -- control was approached all the same)
	   AND (o.campaign_id = m.campaign_id
			OR ((oc.campaign_id IS NULL OR m.is_control) AND o.contacted_on <= m.window_end))
	 GROUP BY m.campaign_id, m.customer_id
), mc AS (
	SELECT m.*, k.first_contact_on, coalesce(k.contacts, 0) AS contacts, coalesce(k.reached, false) AS reached,
		   -- the last day read: the window, or the window after the contact
		   -- when that ends later, never after the as-of day in force
		   LEAST(m.as_of_day, GREATEST(m.window_end, k.first_contact_on + m.reactivation_days - 1)) AS read_until
	  FROM m
	  LEFT JOIN contact k ON k.campaign_id = m.campaign_id AND k.customer_id = m.customer_id
), d AS (
	-- a purchase day as in the purchase histories (history_day_is_purchase,
	-- docs/decline.md): its known amounts net to more than 1e-9 of its
	-- largest order (at least 1), or all its amounts are unknown
	SELECT mc.campaign_id, mc.customer_id, o.day,
		   pg_catalog.sum(o.amount) AS amount,
		   pg_catalog.count(o.amount) = 0
		   OR pg_catalog.sum(o.amount) > 1e-9 * GREATEST(pg_catalog.max(o.amount) FILTER (WHERE o.amount >= 0), 1)
			   AS purchase
	  FROM mc
	  -- (the day in a subquery over the orders, not a lateral subquery
	  -- without FROM: Citus refuses one holding a sublink)
	  JOIN (SELECT o.customer_id, o.amount,
				   (dormancy._local_time(o.ordered_at, (SELECT z.zone FROM dormancy._zone_in_force z)))::pg_catalog.date AS day
			  -- the rows the purchase histories fold: the order rows, or
			  -- with an order id bound the whole orders (each order's lines
			  -- netted, on the day of its first dated line; the constants of
			  -- src_bindings leave the other rows unread)
			  FROM dormancy.src_history_rows o
			 CROSS JOIN dormancy.src_bindings b
			 WHERE (o.whole_order OR NOT b.order_ids_bound)
			   -- the orders from two days before the first campaign's
			   -- start on (two days: any zone's day against the session's),
			   -- so that the older ones are neither joined nor converted
			   -- (and without an order id, an index on the time serves)
			   AND o.ordered_at >= (SELECT pg_catalog.min(c.as_of) - 2 FROM dormancy.campaigns c)) o
		ON o.customer_id = mc.bound_id
	 -- the window's days, and those from the first contact on (a contact on
	 -- the start day: that day too, for reactivated_after_contact only)
	 WHERE (o.day > mc.start_day OR o.day >= mc.first_contact_on) AND o.day <= mc.read_until
	 GROUP BY mc.campaign_id, mc.customer_id, o.day
)
SELECT mc.campaign_id, mc.campaign_name, mc.customer_id, mc.is_control, mc.stratum, mc.score_band, mc.state,
	   mc.likely_reason, mc.channel, mc.theme, mc.priority_score, mc.p_alive,
	   mc.start_day, mc.window_end, mc.as_of_day >= mc.window_end AS window_ended,
	   mc.contacts > 0 AS contacted, mc.contacts, mc.reached, mc.first_contact_on,
	   coalesce(p.purchase_days, 0) AS purchase_days,
	   coalesce(p.purchase_days, 0) > 0 AS reactivated,
	   p.first_purchase_on,
	   coalesce(p.revenue, 0) AS revenue,
	   CASE WHEN mc.contacts > 0 THEN coalesce(p.purchase_days_after_contact, 0) > 0 END AS reactivated_after_contact
  FROM mc
  LEFT JOIN (SELECT d.campaign_id, d.customer_id,
					pg_catalog.count(*) FILTER (WHERE d.purchase AND d.day > mc.start_day AND d.day <= mc.window_end)
						AS purchase_days,
					pg_catalog.min(d.day) FILTER (WHERE d.purchase AND d.day > mc.start_day AND d.day <= mc.window_end)
						AS first_purchase_on,
					pg_catalog.sum(d.amount) FILTER (WHERE d.day > mc.start_day AND d.day <= mc.window_end) AS revenue,
					pg_catalog.count(*) FILTER (WHERE d.purchase AND d.day >= mc.first_contact_on
												AND d.day < mc.first_contact_on + mc.reactivation_days)
						AS purchase_days_after_contact
			   FROM d
			   JOIN mc ON mc.campaign_id = d.campaign_id AND mc.customer_id = d.customer_id
			  GROUP BY d.campaign_id, d.customer_id) p
	ON p.campaign_id = mc.campaign_id AND p.customer_id = mc.customer_id;
COMMENT ON VIEW dormancy.campaign_outcomes IS
	'one row per member of each campaign: treated or control, contacted or not, and whether the member came back (a purchase day) in the campaign''s window, with the revenue in it (docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_outcomes.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_outcomes.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_outcomes.customer_id IS 'the customer id as text (as in campaign_members)';
COMMENT ON COLUMN dormancy.campaign_outcomes.is_control IS 'held out as control: not to be approached';
COMMENT ON COLUMN dormancy.campaign_outcomes.stratum IS 'state | likely reason | score band at the start (campaign_members.stratum)';
COMMENT ON COLUMN dormancy.campaign_outcomes.score_band IS 'the band of the priority score at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.state IS 'the dormancy state at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.likely_reason IS 'the likely reason at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.channel IS 'the planned channel at the start (also for a control: the one it would have had)';
COMMENT ON COLUMN dormancy.campaign_outcomes.theme IS 'the planned message theme at the start (also for a control)';
COMMENT ON COLUMN dormancy.campaign_outcomes.priority_score IS 'the priority score at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.p_alive IS 'the model''s probability alive at the start';
COMMENT ON COLUMN dormancy.campaign_outcomes.start_day IS 'the campaign''s as-of day: the window starts the day after';
COMMENT ON COLUMN dormancy.campaign_outcomes.window_end IS 'the last day of the window: start_day + reactivation_days';
COMMENT ON COLUMN dormancy.campaign_outcomes.window_ended IS 'the as-of day in force (dormancy.as_of_day()) is on or after window_end: the window is complete';
COMMENT ON COLUMN dormancy.campaign_outcomes.contacted IS 'the member has an outreach row of this campaign from its start day on, or one without a campaign (or with a campaign id that is none of dormancy.campaigns) in the window; a control, any outreach row in the window (another campaign''s too); up to the as-of day in force';
COMMENT ON COLUMN dormancy.campaign_outcomes.contacts IS 'those outreach rows';
COMMENT ON COLUMN dormancy.campaign_outcomes.reached IS 'one of them is a conversation, as customer_outreach.conversations counts one: an outcome other than not_reached, not a message delivered without an answer (outcome delivered, by any channel: a DM or newsletter marked delivered or opened is contacted, not reached) nor a direct or step mailing the member did not answer (no outcome, not_reached or reached)';
COMMENT ON COLUMN dormancy.campaign_outcomes.first_contact_on IS 'the day of the first of them (in the zone in force)';
COMMENT ON COLUMN dormancy.campaign_outcomes.purchase_days IS 'purchase days in the window, up to the as-of day in force (as in the purchase histories: with an order id bound, an order on the day of its first line with a time, with the net of its lines)';
COMMENT ON COLUMN dormancy.campaign_outcomes.reactivated IS 'at least one purchase day in the window (from the campaign''s start, for treated and control alike)';
COMMENT ON COLUMN dormancy.campaign_outcomes.first_purchase_on IS 'the first purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_outcomes.revenue IS 'the sum of the known order amounts in the window (refunds included; with an order id bound, the nets of the orders whose first line with a time is in it), 0 without any';
COMMENT ON COLUMN dormancy.campaign_outcomes.reactivated_after_contact IS 'a contacted member with a purchase day in the reactivation_days days from the first contact on (NULL when not contacted): descriptive only, see docs/campaign_effect.md';

-- campaign_effect: treated against control per campaign, over all members
-- (level all) and per planned channel, theme, likely reason and their
-- combination (levels channel, theme, reason, approach).  Intention to
-- treat: every member not held out is treated, contacted or not, and both
-- groups are measured from the campaign's start, which the random
-- assignment makes comparable.  The intervals are those of
-- proportion_difference, mean_difference and number_needed_to_treat.
CREATE OR REPLACE VIEW dormancy.campaign_effect WITH (security_invoker = true) AS
WITH g AS (
	SELECT o.campaign_id, o.campaign_name,
		   CASE WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 7 THEN 'all'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 3 THEN 'channel'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 5 THEN 'theme'
				WHEN GROUPING(o.channel, o.theme, o.likely_reason) = 6 THEN 'reason'
				ELSE 'approach' END AS level,
		   o.channel, o.theme, o.likely_reason,
		   pg_catalog.min(o.start_day) AS start_day, pg_catalog.min(o.window_end) AS window_end,
		   pg_catalog.bool_and(o.window_ended) AS window_ended,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS treated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS controls,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.contacted) AS contacted,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.contacted) AS controls_contacted,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS treated_reactivated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS control_reactivated,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated_after_contact) AS contacted_reactivated,
		   pg_catalog.avg(o.revenue) FILTER (WHERE NOT o.is_control) AS treated_revenue,
		   pg_catalog.var_samp(o.revenue) FILTER (WHERE NOT o.is_control) AS treated_revenue_variance,
		   pg_catalog.avg(o.revenue) FILTER (WHERE o.is_control) AS control_revenue,
		   pg_catalog.var_samp(o.revenue) FILTER (WHERE o.is_control) AS control_revenue_variance
	  FROM dormancy.campaign_outcomes o
	 GROUP BY GROUPING SETS ((o.campaign_id, o.campaign_name),
							 (o.campaign_id, o.campaign_name, o.channel),
							 (o.campaign_id, o.campaign_name, o.theme),
							 (o.campaign_id, o.campaign_name, o.likely_reason),
							 (o.campaign_id, o.campaign_name, o.channel, o.theme, o.likely_reason))
)
SELECT g.campaign_id, g.campaign_name, g.level, g.channel, g.theme, g.likely_reason,
	   g.start_day, g.window_end, g.window_ended,
	   g.treated, g.controls, g.contacted, g.controls_contacted,
	   g.treated_reactivated, g.control_reactivated,
	   g.treated_reactivated::double precision / NULLIF(g.treated, 0) AS treated_rate,
	   g.control_reactivated::double precision / NULLIF(g.controls, 0) AS control_rate,
	   pd.difference AS rate_difference, pd.lower AS rate_difference_lower, pd.upper AS rate_difference_upper,
	   nn.number_needed, nn.lower AS number_needed_lower, nn.upper AS number_needed_upper,
	   g.contacted_reactivated,
	   g.contacted_reactivated::double precision / NULLIF(g.contacted, 0) AS contacted_rate,
	   g.treated_revenue AS treated_revenue_per_member, g.control_revenue AS control_revenue_per_member,
	   md.difference AS revenue_difference, md.lower AS revenue_difference_lower, md.upper AS revenue_difference_upper,
	   -- the codes' labels in the session's language (dormancy.language)
	   dormancy.label('approach_channel', g.channel) AS channel_label,
	   dormancy.label('message_theme', g.theme) AS theme_label,
	   dormancy.label('likely_reason', g.likely_reason) AS likely_reason_label
  FROM g
 CROSS JOIN LATERAL dormancy.proportion_difference(g.treated_reactivated, g.treated, g.control_reactivated, g.controls) pd
 CROSS JOIN LATERAL dormancy.number_needed_to_treat(pd.difference, pd.lower, pd.upper) nn
 CROSS JOIN LATERAL dormancy.mean_difference(g.treated, g.treated_revenue, g.treated_revenue_variance,
											 g.controls, g.control_revenue, g.control_revenue_variance) md;
COMMENT ON VIEW dormancy.campaign_effect IS
	'the effect of each campaign, treated against control (intention to treat, from the campaign''s start): reactivation rates and revenue per member with the differences and their 95% intervals, and the number needed to win one customer back; over all members and per planned channel, theme, likely reason and approach (docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_effect.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_effect.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_effect.level IS 'which members the row is over: all (the whole campaign), channel, theme, reason (one planned channel, theme or likely reason) or approach (one channel x theme x reason)';
COMMENT ON COLUMN dormancy.campaign_effect.channel IS 'the planned channel (levels channel and approach; NULL on the others, or a member without one)';
COMMENT ON COLUMN dormancy.campaign_effect.theme IS 'the planned message theme (levels theme and approach)';
COMMENT ON COLUMN dormancy.campaign_effect.likely_reason IS 'the likely reason at the start (levels reason and approach)';
COMMENT ON COLUMN dormancy.campaign_effect.start_day IS 'the campaign''s as-of day: the window starts the day after';
COMMENT ON COLUMN dormancy.campaign_effect.window_end IS 'the last day of the window (start_day + reactivation_days)';
COMMENT ON COLUMN dormancy.campaign_effect.window_ended IS 'false while the as-of day in force is before window_end: the rates are those of the days so far';
COMMENT ON COLUMN dormancy.campaign_effect.treated IS 'members not held out (to be approached), contacted or not';
COMMENT ON COLUMN dormancy.campaign_effect.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaign_effect.contacted IS 'treated members with an outreach row (campaign_outcomes.contacted)';
COMMENT ON COLUMN dormancy.campaign_effect.controls_contacted IS 'controls that were contacted all the same (they stay controls: a large number dilutes the measured effect)';
COMMENT ON COLUMN dormancy.campaign_effect.treated_reactivated IS 'treated members with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_effect.control_reactivated IS 'controls with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_effect.treated_rate IS 'treated_reactivated / treated';
COMMENT ON COLUMN dormancy.campaign_effect.control_rate IS 'control_reactivated / controls';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference IS 'treated_rate - control_rate: the lift in reactivation (NULL without treated or without controls)';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference_lower IS 'lower bound of the 95% interval of rate_difference (Newcombe''s hybrid score interval)';
COMMENT ON COLUMN dormancy.campaign_effect.rate_difference_upper IS 'upper bound of the 95% interval of rate_difference';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed IS 'members to approach to win one customer back: 1 / rate_difference (negative: one lost per that many; NULL for no difference)';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed_lower IS 'lower bound of its 95% interval, 1 / rate_difference_upper; NULL when the interval of rate_difference includes 0 (unbounded)';
COMMENT ON COLUMN dormancy.campaign_effect.number_needed_upper IS 'upper bound of its 95% interval, 1 / rate_difference_lower; NULL when the interval of rate_difference includes 0 (unbounded)';
COMMENT ON COLUMN dormancy.campaign_effect.contacted_reactivated IS 'contacted members with a purchase day in the reactivation_days days from their first contact';
COMMENT ON COLUMN dormancy.campaign_effect.contacted_rate IS 'contacted_reactivated / contacted: descriptive only, not an effect (who is reached is not random; docs/campaign_effect.md)';
COMMENT ON COLUMN dormancy.campaign_effect.treated_revenue_per_member IS 'mean revenue in the window per treated member (0 for a member without orders)';
COMMENT ON COLUMN dormancy.campaign_effect.control_revenue_per_member IS 'mean revenue in the window per control';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference IS 'treated_revenue_per_member - control_revenue_per_member';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference_lower IS 'lower bound of the 95% interval of revenue_difference (Welch); NULL with fewer than 2 members in a group';
COMMENT ON COLUMN dormancy.campaign_effect.revenue_difference_upper IS 'upper bound of the 95% interval of revenue_difference (Welch)';
COMMENT ON COLUMN dormancy.campaign_effect.channel_label IS 'channel in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_effect.theme_label IS 'theme in the language of dormancy.language';
COMMENT ON COLUMN dormancy.campaign_effect.likely_reason_label IS 'likely_reason in the language of dormancy.language';

-- campaign_score_calibration: per campaign and score band at the start, the
-- reactivation of treated and controls.  The control rate is the calibration
-- of the score (do customers of higher bands come back more often on their
-- own?), the difference says in which bands the approach pays.
CREATE OR REPLACE VIEW dormancy.campaign_score_calibration WITH (security_invoker = true) AS
WITH g AS (
	SELECT o.campaign_id, o.campaign_name, o.score_band,
		   pg_catalog.bool_and(o.window_ended) AS window_ended,
		   pg_catalog.min(o.priority_score) AS min_score, pg_catalog.max(o.priority_score) AS max_score,
		   pg_catalog.avg(o.priority_score) AS mean_score, pg_catalog.avg(o.p_alive) AS mean_p_alive,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS treated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS controls,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS treated_reactivated,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS control_reactivated
	  FROM dormancy.campaign_outcomes o
	 GROUP BY o.campaign_id, o.campaign_name, o.score_band
)
SELECT g.campaign_id, g.campaign_name, g.score_band,
	   CASE WHEN g.score_band ~ '^[0-9.]+-' THEN pg_catalog.split_part(g.score_band, '-', 1)::double precision END AS band_from,
	   g.window_ended, g.mean_score, g.mean_p_alive,
	   g.treated, g.controls, g.treated_reactivated, g.control_reactivated,
	   g.treated_reactivated::double precision / NULLIF(g.treated, 0) AS treated_rate,
	   g.control_reactivated::double precision / NULLIF(g.controls, 0) AS control_rate,
	   pd.difference AS rate_difference, pd.lower AS rate_difference_lower, pd.upper AS rate_difference_upper
  FROM g
 CROSS JOIN LATERAL dormancy.proportion_difference(g.treated_reactivated, g.treated, g.control_reactivated, g.controls) pd;
COMMENT ON VIEW dormancy.campaign_score_calibration IS
	'per campaign and score band at the start: how often treated members and controls came back in the window (do higher-scored customers come back more often, and where does the approach pay?)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_score_calibration.score_band IS 'the band of the priority score at the start (campaign_members.score_band)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.band_from IS 'the band''s lower bound, to sort by';
COMMENT ON COLUMN dormancy.campaign_score_calibration.window_ended IS 'false while the as-of day in force is before the window''s end';
COMMENT ON COLUMN dormancy.campaign_score_calibration.mean_score IS 'mean priority score of the band''s members at the start';
COMMENT ON COLUMN dormancy.campaign_score_calibration.mean_p_alive IS 'mean probability alive of the band''s members at the start (the model''s own expectation)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated IS 'members not held out';
COMMENT ON COLUMN dormancy.campaign_score_calibration.controls IS 'members held out as control';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated_reactivated IS 'treated members with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_score_calibration.control_reactivated IS 'controls with a purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_score_calibration.treated_rate IS 'treated_reactivated / treated';
COMMENT ON COLUMN dormancy.campaign_score_calibration.control_rate IS 'control_reactivated / controls: how often the band comes back without an approach';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference IS 'treated_rate - control_rate: the lift in this band';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference_lower IS 'lower bound of its 95% interval (Newcombe)';
COMMENT ON COLUMN dormancy.campaign_score_calibration.rate_difference_upper IS 'upper bound of its 95% interval (Newcombe)';

-- measured_approaches: per likely reason, the planned channel and the theme
-- with the best measured lift over the campaigns whose window has ended,
-- among those with at least outreach_settings.min_observations treated
-- members and as many controls: best by the lower bound of the lift's 95%
-- interval, then the lift.  Measured in one campaign, the lift is that of
-- campaign_effect (Newcombe's interval); in several, the campaigns are
-- strata: the Mantel-Haenszel weighted difference (weights n1 n2 / (n1 + n2))
-- with a Wald interval whose variances use (x + 1) / (n + 2) (Agresti-Caffo),
-- so that campaigns with other control shares and other baselines do not
-- make a lift out of their mix (Simpson's paradox).  Only campaigns with
-- both groups for the channel or theme count.  Beside them the theme in
-- force, the channel of the first approach rule that can decide for the
-- reason (when it decides for all its customers), and whether the theme is
-- the installed default.  adopt_measured_approaches() writes the ones whose
-- lower bound is above 0.
CREATE OR REPLACE VIEW dormancy.measured_approaches WITH (security_invoker = true) AS
WITH o AS (
	SELECT o.* FROM dormancy.campaign_outcomes o WHERE o.window_ended AND o.likely_reason IS NOT NULL
), per AS (
	SELECT 'channel'::text AS kind, o.likely_reason, o.channel AS choice, o.campaign_id,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control) AS n1,
		   pg_catalog.count(*) FILTER (WHERE o.is_control) AS n2,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated) AS x1,
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated) AS x2
	  FROM o WHERE o.channel IS NOT NULL GROUP BY o.likely_reason, o.channel, o.campaign_id
	UNION ALL
	SELECT 'theme', o.likely_reason, o.theme, o.campaign_id,
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control),
		   pg_catalog.count(*) FILTER (WHERE o.is_control),
		   pg_catalog.count(*) FILTER (WHERE NOT o.is_control AND o.reactivated),
		   pg_catalog.count(*) FILTER (WHERE o.is_control AND o.reactivated)
	  FROM o WHERE o.theme IS NOT NULL GROUP BY o.likely_reason, o.theme, o.campaign_id
), strata AS (
	SELECT p.*, p.n1::double precision * p.n2 / (p.n1 + p.n2) AS w,
		   p.x1::double precision / p.n1 - p.x2::double precision / p.n2 AS d,
		   ((p.x1 + 1.0) / (p.n1 + 2)) * (1 - (p.x1 + 1.0) / (p.n1 + 2)) / p.n1
		   + ((p.x2 + 1.0) / (p.n2 + 2)) * (1 - (p.x2 + 1.0) / (p.n2 + 2)) / p.n2 AS v
	  FROM per p WHERE p.n1 > 0 AND p.n2 > 0
), cand AS (
	SELECT st.kind, st.likely_reason, st.choice, pg_catalog.count(*) AS campaigns,
		   pg_catalog.sum(st.n1) AS treated, pg_catalog.sum(st.n2) AS controls,
		   pg_catalog.sum(st.x1) AS treated_reactivated, pg_catalog.sum(st.x2) AS control_reactivated,
		   pg_catalog.sum(st.w * st.d) / pg_catalog.sum(st.w) AS mh,
		   pg_catalog.sqrt(pg_catalog.sum(st.w * st.w * st.v)::double precision) / pg_catalog.sum(st.w) AS mh_se
	  FROM strata st
	 GROUP BY st.kind, st.likely_reason, st.choice
), lift AS (
	SELECT c.kind, c.likely_reason, c.choice, c.campaigns, c.treated, c.controls,
		   CASE WHEN c.campaigns = 1 THEN pd.difference ELSE c.mh END AS difference,
		   CASE WHEN c.campaigns = 1 THEN pd.lower ELSE GREATEST(c.mh - 1.959963984540054 * c.mh_se, -1) END AS lower,
		   CASE WHEN c.campaigns = 1 THEN pd.upper ELSE LEAST(c.mh + 1.959963984540054 * c.mh_se, 1) END AS upper
	  FROM cand c
	 CROSS JOIN LATERAL dormancy.proportion_difference(c.treated_reactivated::bigint, c.treated::bigint,
													   c.control_reactivated::bigint, c.controls::bigint) pd
	 WHERE c.treated >= (SELECT s.min_observations FROM dormancy.outreach_settings_in_force() s)
	   AND c.controls >= (SELECT s.min_observations FROM dormancy.outreach_settings_in_force() s)
), best AS (
	SELECT DISTINCT ON (l.kind, l.likely_reason) l.*
	  FROM lift l
	 ORDER BY l.kind, l.likely_reason, l.lower DESC, l.difference DESC, l.choice
), reasons AS (
	SELECT DISTINCT o.likely_reason FROM o
), reason_rules AS (
	-- per reason, the first approach rule that can decide for its customers
	-- (reasons NULL or holding the reason): its channel when it has no
	-- other condition (it decides for every customer of the reason), else
	-- NULL (the rules choose by value, industry or size)
	SELECT DISTINCT ON (r.likely_reason) r.likely_reason,
		   CASE WHEN a.industries IS NULL AND a.company_sizes IS NULL
					 AND a.min_value = 0 AND a.min_value_percentile IS NULL THEN a.channel END AS channel
	  FROM reasons r
	  JOIN dormancy.approach_rules a ON a.reasons IS NULL OR r.likely_reason = ANY (a.reasons)
	 ORDER BY r.likely_reason, a.rule_order
)
SELECT r.likely_reason,
	   bc.choice AS measured_channel, bc.difference AS channel_lift,
	   bc.lower AS channel_lift_lower, bc.upper AS channel_lift_upper,
	   bc.treated AS channel_treated, bc.controls AS channel_controls, bc.campaigns AS channel_campaigns,
	   cr.channel AS current_channel,
	   bt.choice AS measured_theme, bt.difference AS theme_lift,
	   bt.lower AS theme_lift_lower, bt.upper AS theme_lift_upper,
	   bt.treated AS theme_treated, bt.controls AS theme_controls, bt.campaigns AS theme_campaigns,
	   mt.theme AS current_theme,
	   mt.installed AS current_theme_installed,
	   coalesce(bc.lower > 0 AND bc.choice IS DISTINCT FROM cr.channel, false) AS adopt_channel,
	   coalesce(bt.lower > 0 AND bt.choice IS DISTINCT FROM mt.theme, false) AS adopt_theme
  FROM reasons r
  LEFT JOIN best bc ON bc.kind = 'channel' AND bc.likely_reason = r.likely_reason
  LEFT JOIN best bt ON bt.kind = 'theme' AND bt.likely_reason = r.likely_reason
  LEFT JOIN dormancy.message_themes mt ON mt.reason = r.likely_reason
  LEFT JOIN reason_rules cr ON cr.likely_reason = r.likely_reason;
COMMENT ON VIEW dormancy.measured_approaches IS
	'per likely reason: the planned channel and the message theme with the best measured lift in reactivation (campaigns whose window has ended, combined as strata; at least outreach_settings.min_observations treated and controls), beside the ones in force; adopt_measured_approaches() writes those marked to adopt';
COMMENT ON COLUMN dormancy.measured_approaches.likely_reason IS 'the likely reason at the campaigns'' start';
COMMENT ON COLUMN dormancy.measured_approaches.measured_channel IS 'the planned channel with the highest lower bound of the lift (NULL: no channel with enough observations)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift IS 'its lift: reactivation rate of the treated minus that of the controls (over several campaigns, the Mantel-Haenszel weighted difference)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift_lower IS 'lower bound of the lift''s 95% interval (Newcombe; over several campaigns, Mantel-Haenszel)';
COMMENT ON COLUMN dormancy.measured_approaches.channel_lift_upper IS 'upper bound of the lift''s 95% interval';
COMMENT ON COLUMN dormancy.measured_approaches.channel_treated IS 'treated members it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.channel_controls IS 'controls it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.channel_campaigns IS 'campaigns it was measured in (several: a Mantel-Haenszel difference over them)';
COMMENT ON COLUMN dormancy.measured_approaches.current_channel IS 'the channel of the first approach rule (by rule_order) that can decide for this reason (reasons NULL or holding it), when it has no other condition (industries, company sizes, min_value 0, min_value_percentile NULL) and so decides for every customer of the reason; NULL: that rule has a condition (the rules choose by value, industry or size), or no rule applies';
COMMENT ON COLUMN dormancy.measured_approaches.measured_theme IS 'the planned theme with the highest lower bound of the lift (NULL: no theme with enough observations)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift IS 'its lift: reactivation rate of the treated minus that of the controls (over several campaigns, the Mantel-Haenszel weighted difference)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift_lower IS 'lower bound of the lift''s 95% interval (Newcombe; over several campaigns, Mantel-Haenszel)';
COMMENT ON COLUMN dormancy.measured_approaches.theme_lift_upper IS 'upper bound of the lift''s 95% interval';
COMMENT ON COLUMN dormancy.measured_approaches.theme_treated IS 'treated members it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.theme_controls IS 'controls it was measured on';
COMMENT ON COLUMN dormancy.measured_approaches.theme_campaigns IS 'campaigns it was measured in (several: a Mantel-Haenszel difference over them)';
COMMENT ON COLUMN dormancy.measured_approaches.current_theme IS 'the theme in force for this reason (dormancy.message_themes)';
COMMENT ON COLUMN dormancy.measured_approaches.current_theme_installed IS 'current_theme is the extension''s installed default, unedited (message_themes.installed)';
COMMENT ON COLUMN dormancy.measured_approaches.adopt_channel IS 'adopt_measured_approaches() would write the measured channel: its lift''s lower bound is above 0 and it is not the current channel';
COMMENT ON COLUMN dormancy.measured_approaches.adopt_theme IS 'adopt_measured_approaches() would write the measured theme: its lift''s lower bound is above 0 and it is not the current theme';

-- campaign_transitions: for the members who came back in a campaign's
-- window, the first state change that refresh() recorded in status_history
-- from a lapsing state (at_risk, dormant, long_dormant) back to active on or
-- after the first purchase day of the window (a refresh records a change
-- when it runs: after the purchase, possibly after the window), with the
-- member's group and first contact.
CREATE OR REPLACE VIEW dormancy.campaign_transitions WITH (security_invoker = true) AS
SELECT DISTINCT ON (o.campaign_id, o.customer_id)
	   o.campaign_id, o.campaign_name, o.customer_id, o.is_control, o.contacted, o.first_contact_on,
	   o.first_purchase_on, h.history_id, h.run_id, h.from_state, h.to_state, h.as_of AS recorded_as_of,
	   o.first_purchase_on - o.first_contact_on AS days_from_contact,
	   o.first_purchase_on - o.start_day AS days_from_start
  FROM dormancy.campaign_outcomes o
  JOIN (TABLE dormancy.status_history) h ON h.customer_id = o.customer_id
 WHERE o.reactivated
   AND h.change = 'changed' AND h.to_state = 'active'
   AND h.from_state IN ('at_risk', 'dormant', 'long_dormant')
   AND h.as_of >= o.first_purchase_on
 ORDER BY o.campaign_id, o.customer_id, h.history_id;
COMMENT ON VIEW dormancy.campaign_transitions IS
	'members of a campaign who came back in its window, with the first change of their state back to active (from at_risk, dormant or long_dormant) that a refresh recorded on or after the purchase (dormancy.status_history), treated or control';
COMMENT ON COLUMN dormancy.campaign_transitions.campaign_id IS 'the campaign (dormancy.campaigns)';
COMMENT ON COLUMN dormancy.campaign_transitions.campaign_name IS 'the campaign''s name';
COMMENT ON COLUMN dormancy.campaign_transitions.customer_id IS 'the customer id as text';
COMMENT ON COLUMN dormancy.campaign_transitions.is_control IS 'held out as control';
COMMENT ON COLUMN dormancy.campaign_transitions.contacted IS 'contacted in the campaign (campaign_outcomes.contacted)';
COMMENT ON COLUMN dormancy.campaign_transitions.first_contact_on IS 'the day of the first contact';
COMMENT ON COLUMN dormancy.campaign_transitions.first_purchase_on IS 'the first purchase day in the window';
COMMENT ON COLUMN dormancy.campaign_transitions.history_id IS 'the row of dormancy.status_history';
COMMENT ON COLUMN dormancy.campaign_transitions.run_id IS 'the refresh that recorded it (dormancy.refresh_runs)';
COMMENT ON COLUMN dormancy.campaign_transitions.from_state IS 'the state before: at_risk, dormant or long_dormant';
COMMENT ON COLUMN dormancy.campaign_transitions.to_state IS 'the state after: active';
COMMENT ON COLUMN dormancy.campaign_transitions.recorded_as_of IS 'the as-of day of the refresh that recorded the change (a refresh runs after the purchase: it can be later than the purchase day)';
COMMENT ON COLUMN dormancy.campaign_transitions.days_from_contact IS 'days from the first contact to the first purchase day (NULL when not contacted; negative: the customer bought before the contact)';
COMMENT ON COLUMN dormancy.campaign_transitions.days_from_start IS 'days from the campaign''s as-of day to the first purchase day';

END
$$;
COMMENT ON FUNCTION dormancy._create_views() IS
	'internal: create (or replace) every live view above the adapters, with its comments';
REVOKE ALL ON FUNCTION dormancy._create_views() FROM PUBLIC;
