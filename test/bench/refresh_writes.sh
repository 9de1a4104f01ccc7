#!/usr/bin/env bash
# Benchmark: what a nightly refresh costs, the snapshot written in place (this
# checkout) against the snapshot replaced by DELETE + INSERT (the refresh of
# another git revision, default the 0.3.0 release), in the same run on the same data.
# Two copies of one demo database: in the "old" one, _refresh_work() and
# _snapshot_sync() are replaced by the other revision's text (and the snapshot
# has no fillfactor); each step runs in both, one after the other:
#   customer_status   SELECT * FROM dormancy.customer_status (as of the day)
#   first             the first refresh (stores every history)
#   same day          the same as-of day again, nothing changed (3 times, median)
#   next day          the next as-of day, no new order (3 days, median)
#   0.1% new orders   one order for 0.1% of the customers, the next as-of day
#                     (3 days, median)
# Before each refresh the snapshot is vacuumed and analyzed (what autovacuum
# does between two nightly runs: a refresh changes every row), untimed.
# Reports wall time, the backend's CPU time (the machine may be shared: CPU
# time is the steadier figure), WAL written, the temporary files written
# (log_temp_files = 0) and the snapshot's size; then checks that both copies
# hold the same snapshot and history.  Asserts nothing about speed.  No
# checkpoint runs during the steps (checkpoint_timeout, max_wal_size), so
# that the full-page images a checkpoint causes do not fall on one copy's
# step and not the other's: the WAL figures are the records of each step.
#   bash test/bench/refresh_writes.sh [customers] [revision]   (default 100000, 0.3.0)
#   work_mem=4MB ...   (the server's work_mem; default 256MB)
# A revision whose snapshot has fillfactor 50 (0.4.0 on) keeps it in the old
# copy; an older one gets the default fillfactor, as it had.
set -eu
. "$(dirname "$0")/../lib/common.sh"
cd "$REPO"
customers=${1:-100000}
# (default: the 0.3.0 release, the last refresh that replaced the snapshot)
rev=${2:-$(git log --format=%H -1 --grep='^Release 0.3.0')}
work_mem=${work_mem:-256MB}

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "work_mem = '$work_mem'" "autovacuum = off" "log_temp_files = 0" \
	"checkpoint_timeout = '1h'" "max_wal_size = '20GB'"

old_sql=$(mktemp /tmp/dormancy-old-refresh.XXXXXX.sql)
git show "$rev:sql_src/60_refresh.sql" | python3 -c '
import re, sys
src = sys.stdin.read()
for name in ("_refresh_work", "_snapshot_sync"):
    m = re.search(r"^CREATE FUNCTION dormancy\." + name + r"\(.*?^\$\$;\n", src, re.S | re.M)
    print(m.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
' >"$old_sql"

createdb bench_base
export PGDATABASE=bench_base
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name', industry => 'sector', company_size => 'size_class')" \
	-c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total', category => 'category', discounted => 'discounted')" >/dev/null
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
psql -X -q -c "VACUUM ANALYZE" >/dev/null
createdb -T bench_base bench_old
createdb -T bench_base bench_new
psql -X -q -v ON_ERROR_STOP=1 -d bench_old -f "$old_sql"
if ! git show "$rev:sql_src/60_refresh.sql" | grep -q 'fillfactor = 50'; then
	psql -X -q -v ON_ERROR_STOP=1 -d bench_old -c "ALTER TABLE dormancy.status_snapshot RESET (fillfactor)"
fi
rm -f "$old_sql"

step() {	# step DB SQL: wall ms, CPU ms, WAL bytes, temporary file bytes
	local out pid
	out=$(psql -X -q -d "$1" -v ON_ERROR_STOP=1 -At <<SQL
SET client_min_messages = warning;
SELECT pg_backend_pid() AS pid \gset
\echo pid :pid
\set cpu0 \`awk '{print \$14 + \$15}' /proc/:pid/stat\`
SELECT pg_current_wal_insert_lsn() AS l0, clock_timestamp() AS t0 \gset
\o /dev/null
$2
\o
\set cpu1 \`awk '{print \$14 + \$15}' /proc/:pid/stat\`
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000), (:cpu1 - :cpu0) * 1000 / $(getconf CLK_TCK),
	   pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'l0');
SQL
)
	pid=$(sed -n 's/^pid //p' <<<"$out")
	sleep 0.5	# (the log is written by the backend as it deletes each file)
	printf '%s|%s\n' "$(grep -v '^pid ' <<<"$out")" \
		"$(grep "\[$pid\].*temporary file" "$PG_TMP/server.log" | grep -o 'size [0-9]*' | awk '{ s += $2 } END { print s + 0 }')"
}
declare -A wall cpu wal tmp
run() {	# run NAME SQL [DAY]: in both copies, one after the other
	local db out
	for db in bench_old bench_new; do
		[ "$2" = status ] || psql -X -q -d "$db" -c "VACUUM (ANALYZE) dormancy.status_snapshot"
		case $2 in
			status) out=$(step "$db" "SET jit = off; SET dormancy.as_of = '$3'; SELECT * FROM dormancy.customer_status;") ;;
			*) out=$(step "$db" "$2") ;;
		esac
		read -r wall["$1/$db"] cpu["$1/$db"] wal["$1/$db"] tmp["$1/$db"] <<<"$(tr '|' ' ' <<<"$out")"
	done
}
median() {	# median NAME1 NAME2 NAME3 -> NAME (wall, cpu, wal, tmp of each copy)
	local db k
	for db in bench_old bench_new; do
		for k in wall cpu wal tmp; do
			local -n arr=$k
			arr["$1/$db"]=$(printf '%s\n' "${arr[$2/$db]}" "${arr[$3/$db]}" "${arr[$4/$db]}" | sort -n | sed -n 2p)
		done
	done
}
new_orders() {	# new_orders DAY N: one order on DAY for 0.1% of the customers (the Nth such draw)
	echo "INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
		SELECT a.account_id, '$1', 100.00, 'core' FROM demo.accounts a
		 ORDER BY hashint4(a.account_id + $2) LIMIT greatest(1, $customers / 1000);"
}

run status status 2026-11-01
run first "CALL dormancy.refresh('2026-11-01');"
run same1 "CALL dormancy.refresh('2026-11-01');"
run same2 "CALL dormancy.refresh('2026-11-01');"
run same3 "CALL dormancy.refresh('2026-11-01');"
median same same1 same2 same3
run next1 "CALL dormancy.refresh('2026-11-02');"
run next2 "CALL dormancy.refresh('2026-11-03');"
run next3 "CALL dormancy.refresh('2026-11-04');"
median next next1 next2 next3
for i in 1 2 3; do
	day=$(date -d "2026-11-04 + $i day" +%F)
	for db in bench_old bench_new; do psql -X -q -d "$db" -c "$(new_orders "$(date -d "$day - 1 day" +%F)" "$i")"; done
	run "orders$i" "CALL dormancy.refresh('$day');"
done
median orders orders1 orders2 orders3
run status7 status 2026-11-07

echo "== refresh, old (${rev:0:10}) vs new (this checkout); $customers customers, $orders orders, work_mem $work_mem"
echo "(same day, next day and 0.1% new orders: median of 3 runs)"
printf '%-22s %10s %10s %8s %10s %10s %8s %10s %10s %10s %10s\n' step "old wall" "new wall" "new/old" "old CPU" "new CPU" "new/old" "old WAL" "new WAL" "old temp" "new temp"
for s in status first same next orders status7; do
	case $s in status) label="customer_status 11-01" ;; status7) label="customer_status 11-07" ;; first) label="first refresh" ;;
		same) label="same day again" ;; next) label="next day" ;; orders) label="0.1% new orders" ;; esac
	printf '%-22s %8s ms %8s ms %8.2f %7s ms %7s ms %8.2f %10s %10s %10s %10s\n' "$label" \
		"${wall[$s/bench_old]}" "${wall[$s/bench_new]}" "$(echo "${wall[$s/bench_new]} / ${wall[$s/bench_old]}" | bc -l)" \
		"${cpu[$s/bench_old]}" "${cpu[$s/bench_new]}" "$(echo "${cpu[$s/bench_new]} / (${cpu[$s/bench_old]} + 0.001)" | bc -l)" \
		"$(numfmt --to=iec "${wal[$s/bench_old]}")" "$(numfmt --to=iec "${wal[$s/bench_new]}")" \
		"$(numfmt --to=iec "${tmp[$s/bench_old]}")" "$(numfmt --to=iec "${tmp[$s/bench_new]}")"
done
echo "== against customer_status (same database), CPU time"
for db in bench_old bench_new; do
	printf '%s: first %.2f, same day %.2f, next day %.2f, after 0.1%% new orders %.2f x customer_status; 0.1%% new orders / first %.2f\n' "${db#bench_}" \
		"$(echo "${cpu[first/$db]} / ${cpu[status/$db]}" | bc -l)" "$(echo "${cpu[same/$db]} / ${cpu[status/$db]}" | bc -l)" \
		"$(echo "${cpu[next/$db]} / ${cpu[status/$db]}" | bc -l)" "$(echo "${cpu[orders/$db]} / ${cpu[status7/$db]}" | bc -l)" \
		"$(echo "${cpu[orders/$db]} / ${cpu[first/$db]}" | bc -l)"
done
echo "== the snapshot's writes (pg_stat_user_tables) and size"
for db in bench_old bench_new; do
	psql -X -At -d "$db" -c "SELECT pg_stat_force_next_flush()" >/dev/null
	psql -X -At -d "$db" -c "SELECT format('%s: inserted %s, updated %s (HOT %s), deleted %s; table %s, indexes %s', '${db#bench_}',
			n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del,
			pg_size_pretty(pg_table_size('dormancy.status_snapshot')), pg_size_pretty(pg_indexes_size('dormancy.status_snapshot')))
		  FROM pg_stat_user_tables WHERE relid = 'dormancy.status_snapshot'::regclass"
done
# both copies must hold the same results (refreshed_at, run ids and
# recorded_at aside)
same() {
	psql -X -At -d "$1" <<'SQL' | md5sum
SET extra_float_digits = 3;
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute
 WHERE attrelid = 'dormancy.status_snapshot'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'refreshed_at' \gset
SELECT s::text FROM (SELECT :cols FROM dormancy.status_snapshot ORDER BY customer_key) s;
SELECT h.customer_id, h.change, h.from_state, h.to_state, h.as_of FROM dormancy.status_history h ORDER BY h.history_id;
SQL
}
if [ "$(same bench_old)" = "$(same bench_new)" ]; then
	echo "the old and the new refresh left the same snapshot and history"
else
	echo "DIFFERENT snapshot or history between the old and the new refresh"
	exit 1
fi
