#!/usr/bin/env bash
# dormancy_reader: a LOGIN role granted it reads the results (the snapshot, the
# history and the views over them) and nothing else: not the bound source
# tables, not the live customer_status, not the rules or bindings; it cannot
# bind, change rules or run refresh.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
db=dormancy_reader_t
user=dormancy_bi_$$
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
cleanup() {
	dropdb --if-exists "$db"
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $user"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL >/dev/null
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
-- the schema is visible to all, so what denies the reader is the tables' privileges
GRANT USAGE ON SCHEMA crm TO PUBLIC;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text, sector text);
CREATE TABLE crm.orders (account integer, at date, total numeric);
INSERT INTO crm.accounts VALUES (1, 'Alpha', 'consumables'), (2, 'Beta', 'it_services'), (3, 'Gamma', NULL);
INSERT INTO crm.orders VALUES (1, '2026-10-01', 10), (2, '2025-06-01', 500), (2, '2024-06-01', 700), (3, '2023-01-01', 5);
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total');
SET dormancy.as_of = '2026-11-01';
CALL dormancy.refresh();
CREATE ROLE $user LOGIN IN ROLE dormancy_reader;
SQL

as_reader() { psql -X -At -v ON_ERROR_STOP=1 -d "$db" -U "$user" "$@"; }
fails=0
can() {	# can DESCRIPTION SQL
	if out=$(as_reader -c "$2" 2>&1); then
		echo "ok: can $1"
	else
		echo "FAIL: cannot $1: $out"; fails=$((fails + 1))
	fi
}
cannot() {	# cannot DESCRIPTION SQL: must fail with insufficient privilege
	if out=$(as_reader -c "\\set VERBOSITY verbose" -c "$2" 2>&1); then
		echo "FAIL: can $1: $out"; fails=$((fails + 1))
	elif grep -q '42501' <<<"$out"; then
		echo "ok: cannot $1 ($(grep -o 'permission denied[^"]*"*[^"]*"*' <<<"$out" | head -1))"
	else
		echo "FAIL: $1 failed, but not for lack of privilege: $out"; fails=$((fails + 1))
	fi
}

# the results
can "read the snapshot" "SELECT count(*) FROM dormancy.status_snapshot"
can "read the history" "SELECT count(*) FROM dormancy.status_history"
can "read segment_summary" "SELECT * FROM dormancy.segment_summary"
can "read snapshot_call_list" "SELECT * FROM dormancy.snapshot_call_list"
can "read recent_transitions" "SELECT * FROM dormancy.recent_transitions"
rows=$(as_reader -c "SELECT count(*) FROM dormancy.status_snapshot")
list=$(as_reader -c "SELECT string_agg(customer_id || ':' || likely_reason, ' ' ORDER BY call_rank) FROM dormancy.snapshot_call_list")
live=$(psql -X -At -d "$db" -c "SET dormancy.as_of = '2026-11-01'" \
	-c "SELECT string_agg(customer_id::text || ':' || likely_reason, ' ' ORDER BY call_order) FROM dormancy.call_list" | tail -1)
echo "reader sees $rows snapshot rows; call list: $list (live, as owner: $live)"
[ "$rows" = 3 ] || { echo "FAIL: expected 3 snapshot rows"; fails=$((fails + 1)); }
[ -n "$list" ] && [ "$list" = "$live" ] || { echo "FAIL: the reader's call list is not the owner's"; fails=$((fails + 1)); }

# nothing else
cannot "read the bound customers" "SELECT * FROM crm.accounts"
cannot "read the bound orders" "SELECT * FROM crm.orders"
cannot "read the live customer_status" "SELECT * FROM dormancy.customer_status"
cannot "read the source adapter views" "SELECT * FROM dormancy.src_orders"
cannot "read the bindings" "SELECT * FROM dormancy.bindings"
cannot "read the rules" "SELECT * FROM dormancy.rules"
cannot "read the run log" "SELECT * FROM dormancy.refresh_runs"
cannot "change a rule" "UPDATE dormancy.rules SET dormant_after = '1 month' WHERE industry IS NULL"
cannot "add a rule" "INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('x', '1 day', '2 days', '3 days')"
cannot "reset the rules" "SELECT dormancy.reset_rules()"
cannot "bind customers" "SELECT dormancy.bind_customers('crm.accounts', id => 'id')"
cannot "bind orders" "SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total')"
cannot "unbind" "SELECT dormancy.unbind('orders')"
cannot "rebind" "SELECT dormancy.rebind()"
cannot "run refresh" "CALL dormancy.refresh()"
cannot "write the snapshot" "DELETE FROM dormancy.status_snapshot"
cannot "write the history" "INSERT INTO dormancy.status_history (run_id, customer_id, change, to_state, as_of) VALUES (1, 'x', 'new', 'active', '2026-01-01')"
cannot "create objects in schema dormancy" "CREATE TABLE dormancy.mine (x int)"

# the refresh must not have run as the reader: the log still has one run
runs=$(psql -X -At -d "$db" -c "SELECT count(*) FROM dormancy.refresh_runs")
[ "$runs" = 1 ] || { echo "FAIL: refresh_runs has $runs rows, expected 1"; fails=$((fails + 1)); }

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "dormancy_reader reads the results only"
