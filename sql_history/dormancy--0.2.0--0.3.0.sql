-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, the reader role (lead)
--

--
-- Change tracking and the history store (helper: tracking)
--

--
-- Settings, NaN checks, rebind, refresh log (helper: settings)
--

--
-- Purchase history type: input, sums (helper: history)
--

-- The C functions keep their signatures and the stored format its version
-- (1): values stored by 0.2.0 read as they are.  Day sums are now exact sums
-- rounded once; the stored histories were summed row by row, so the next
-- refresh rebuilds them all (a full refresh) and the snapshot then has the
-- same bits as the live view.
SELECT dormancy.reset_stored_histories();

-- segment_summary sums amounts in numeric (exact, independent of plan order);
-- the views over the snapshot are rebuilt at the end of this script
CREATE OR REPLACE FUNCTION dormancy._snapshot_view_definitions()
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
VALUES
('segment_summary', $q$
SELECT s.state::pg_catalog.text AS state,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.segment::pg_catalog.text AS segment,
	   pg_catalog.count(*)::pg_catalog.int8 AS customers,
	   pg_catalog.count(*) FILTER (WHERE s.declining)::pg_catalog.int8 AS declining_customers,
	   coalesce(pg_catalog.sum(s.total_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS total_amount,
	   coalesce(pg_catalog.sum(s.recent_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS recent_amount,
	   coalesce(pg_catalog.sum(s.prior_amount::pg_catalog.numeric), 0)::pg_catalog.float8 AS prior_amount,
	   pg_catalog.avg(s.days_since_last_order)::pg_catalog.float8 AS avg_days_since_last_order,
	   pg_catalog.max(s.as_of)::pg_catalog.date AS as_of,
	   pg_catalog.max(s.refreshed_at)::pg_catalog.timestamptz AS refreshed_at
  FROM dormancy.status_snapshot s
 GROUP BY s.state, s.industry, s.company_size, s.segment
$q$),
('snapshot_call_list', $q$
SELECT pg_catalog.row_number() OVER (ORDER BY s.priority_rank, s.customer_key COLLATE "C")::pg_catalog.int8 AS call_rank,
	   s.customer_key::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   s.priority_score::pg_catalog.float8 AS priority_score,
	   s.likely_reason::pg_catalog.text AS likely_reason,
	   s.approach_channel::pg_catalog.text AS approach_channel,
	   s.message_theme::pg_catalog.text AS message_theme,
	   s.state::pg_catalog.text AS state,
	   s.segment::pg_catalog.text AS segment,
	   s.declining::pg_catalog.bool AS declining,
	   s.decline_signals::pg_catalog.text[] AS decline_signals,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   s.recent_amount::pg_catalog.float8 AS recent_amount,
	   s.prior_amount::pg_catalog.float8 AS prior_amount,
	   s.orders_count::pg_catalog.int8 AS orders_count,
	   s.last_order_at::pg_catalog.date AS last_order_at,
	   s.days_since_last_order::pg_catalog.int4 AS days_since_last_order,
	   s.dormant_after::pg_catalog.interval AS dormant_after,
	   s.as_of::pg_catalog.date AS as_of,
	   s.refreshed_at::pg_catalog.timestamptz AS refreshed_at,
	   s.data_gaps::pg_catalog.text[] AS data_gaps
  FROM dormancy.status_snapshot s
 WHERE s.likely_reason IS NOT NULL
   AND s.priority_score >= (SELECT w.call_list_min_score FROM dormancy.score_weights_in_force() w)
 ORDER BY call_rank
$q$),
('recent_transitions', $q$
SELECT h.customer_id::pg_catalog.text AS customer_id,
	   s.name::pg_catalog.text AS name,
	   s.industry::pg_catalog.text AS industry,
	   s.company_size::pg_catalog.text AS company_size,
	   h.change::pg_catalog.text AS change,
	   h.from_state::pg_catalog.text AS from_state,
	   h.to_state::pg_catalog.text AS to_state,
	   h.as_of::pg_catalog.date AS as_of,
	   (l.day - h.as_of)::pg_catalog.int4 AS days_ago,
	   s.state::pg_catalog.text AS current_state,
	   s.total_amount::pg_catalog.float8 AS total_amount,
	   h.recorded_at::pg_catalog.timestamptz AS recorded_at,
	   h.run_id::pg_catalog.int8 AS run_id
  FROM dormancy.status_history h
 CROSS JOIN (SELECT coalesce((SELECT x.as_of FROM dormancy.status_snapshot x LIMIT 1),
							 (SELECT pg_catalog.max(y.as_of) FROM dormancy.status_history y)) AS day) l
  LEFT JOIN dormancy.status_snapshot s ON s.customer_key = h.customer_id
 WHERE h.as_of > l.day - 31
 ORDER BY h.as_of DESC, h.history_id
$q$)
$$;

--
-- Models and scores: stable evaluation, interrupts (helper: models)
--

--
-- Names and encodings (helper: encodings)
--

SELECT dormancy._update_generated_views();
