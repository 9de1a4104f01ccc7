-- After the same writes and one more refresh on both nodes
-- (test/integration/citus.sh): the snapshot, ranks included, and the state
-- changes that refresh appended to the history, one query per '-- query:'
-- line, each ordered to unique rows.
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
-- query: snapshot after the writes
SELECT customer_id, customer_key, state, last_order_at, orders_count, priority_score, priority_rank, value_tier
  FROM dormancy.status_snapshot ORDER BY customer_id;
-- query: state changes of the last refresh
SELECT h.customer_id, h.change, h.from_state, h.to_state, h.as_of,
	   rank() OVER (ORDER BY h.history_id) AS position
  FROM dormancy.status_history h
 WHERE h.run_id = (SELECT max(r.run_id) FROM dormancy.refresh_runs r WHERE r.outcome = 'succeeded')
 ORDER BY h.history_id;
-- query: campaign transitions after the refreshes
SELECT campaign_id, customer_id, is_control, from_state, to_state, recorded_as_of, days_from_contact, days_from_start
  FROM dormancy.campaign_transitions ORDER BY campaign_id, customer_id, recorded_as_of, from_state, to_state;
-- query: recent transitions (the local history joined to the snapshot)
SELECT customer_id, change, from_state, to_state, as_of, days_ago, current_state, total_amount, name
  FROM dormancy.recent_transitions ORDER BY as_of DESC, customer_id, change;
