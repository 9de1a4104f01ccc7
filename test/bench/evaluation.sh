#!/usr/bin/env bash
# The evaluation bench of issue 11: customer_status and the refresh against a
# bare GROUP BY over the same orders and against a plain-SQL query that
# computes the same kind of answer (test/bench/plain_sql.sql), side by side
# in one run, on the demo data (test/demo/generate.sql).  Prints a markdown
# table (query, ms, ratio to the bare GROUP BY, target, met?).  Asserts
# nothing about speed: the ratios within one run are what count.
#   bash test/bench/evaluation.sh [customers] [orders_per_customer]
#        (default 100000 customers, about 10 orders each)
#   version=0.3.0 bash test/bench/evaluation.sh ...   (a released version)
#   runs=1 ...        (runs per figure: the median of them; default 3)
#   sources=no ...    (skip the part with every optional source bound)
#
# Timings: JIT off, work_mem = 256MB, parallel workers as configured by
# default (2 per Gather), dormancy.as_of = 2026-11-01, models fitted first;
# the bare GROUP BYs, the plain SQL and the three views in interleaved rounds.
# Every query's result is consumed by count(s.*) over it, which forms every
# column of every row on the server without sending them to the client.
# Steps: one more fit_models() and one more refresh with no change, each
# statement inside them timed by auto_explain (no ANALYZE), summed by prefix.
# Memory: a fresh serial session with the default work_mem, peak resident
# memory of the backend from /proc (VmHWM minus the shared buffers it
# touched, RssShmem) and the temporary files it wrote (log_temp_files = 0).
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib.sh"
cd "$REPO"
customers=${1:-100000}
per_customer=${2:-10}
version=${version:-}
runs=${runs:-3}
sources=${sources:-yes}
as_of=2026-11-01

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "log_temp_files = 0" "max_wal_size = '4GB'"
bench_clock

# The demo generator gives about 8.8 orders per customer; shorter gaps give
# more (regular buyers' orders grow like 1/gap_scale; one-time buyers, second
# lines and refunds as measured at 100k customers).
gap_scale=$(awk -v n="$per_customer" 'BEGIN { d = n / 1.08 - 0.22; if (d < 0.5) d = 0.5; printf "%.4f", 7.93 / d }')
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy ${version:+VERSION '$version'}"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -v gap_scale="$gap_scale" \
	-f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f test/bench/plain_sql.sql
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" \
	-c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total')" >/dev/null
psql -X -q -c "VACUUM ANALYZE demo.invoices" -c "CHECKPOINT"
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
extversion=$(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'dormancy'")
note "data: $customers customers, $orders orders (gap_scale $gap_scale), dormancy $extversion"

preamble="SET dormancy.as_of = '$as_of';
SET jit = off;
SET work_mem = '256MB';
SET client_min_messages = error;"

# times SCRIPT: the "Time:" figures of the statements psql timed, one a line
times() {
	psql -X -At -v ON_ERROR_STOP=1 <<SQL | grep -o '^Time: [0-9.]*' | awk '{print $2}'
$preamble
\o /dev/null
$1
SQL
}
# med SQL: the median of $runs runs of one statement
med() {
	local script="\\timing on" i
	for ((i = 0; i < runs; i++)); do script+=$'\n'"$1;"; done
	times "$script" | median
}

declare -A ms
# m KEY SQL: ms[KEY] = the median of $runs runs of SQL, logged as it comes
m() { ms[$1]=$(med "$2"); note "$1: ${ms[$1]} ms"; }
q_bare="SELECT count(s.*) FROM (SELECT account_id, count(*), max(invoiced_on), sum(total) FROM demo.invoices GROUP BY account_id) s"
q_bare_src="SELECT count(s.*) FROM (SELECT customer_id, count(*), max(ordered_at), sum(amount) FROM dormancy.src_orders GROUP BY customer_id) s"

note "fit_models"
m fit "SELECT count(*) FROM dormancy.fit_models()"
# steps SQL PREFIX...: one run of SQL with auto_explain timing every nested
# statement (no ANALYZE: next to no overhead); prints, for each PREFIX of a
# statement's text (runs of white space as one space), the ms of the
# statements that start with it, summed
steps() {
	local sql=$1 before
	shift
	before=$(wc -l <"$PG_TMP/server.log")
	psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
$preamble
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
$sql;
SQL
	sleep 1
	tail -n +$((before + 1)) "$PG_TMP/server.log" |
		awk '/duration: [0-9.]+ ms  plan:/ { match($0, /duration: [0-9.]+/); d = substr($0, RSTART + 10, RLENGTH - 10); next }
			 d != "" && /Query Text:/ { sub(/.*Query Text: /, ""); print d "\t" $0; d = "" }' |
		awk -F'\t' -v prefixes="$(printf '%s\n' "$@")" '
			BEGIN { n = split(prefixes, p, "\n") }
			{ q = $2; gsub(/[ \t]+/, " ", q)
			  for (i = 1; i <= n; i++) if (p[i] != "" && index(q, p[i]) == 1) t[i] += $1 }
			END { for (i = 1; i <= n; i++) if (p[i] != "") printf "%.0f\n", t[i] }'
}
# where fit_models() spends its time: the summaries (one pass over the
# histories), the fits with their covariance matrices (one pass over the
# summaries), the value distribution
read -r fit_summaries fit_fits fit_distribution < <(steps "SELECT count(*) FROM dormancy.fit_models()" \
	"CREATE TEMP TABLE dormancy_fit_summaries" "CREATE TEMP TABLE dormancy_fits" \
	"INSERT INTO dormancy.value_distribution" | paste -sd' ' -)
note "fit_models steps: summaries $fit_summaries ms, fits and covariances $fit_fits, value distribution $fit_distribution"
# the queries compared, in rounds (one run of each per round), so that the
# load of a shared machine falls on all of them alike
declare -A q=(
	[bare]="$q_bare"
	[bare_src]="$q_bare_src"
	[plain]="SELECT count(s.*) FROM bench.plain_status s"
	[hist]="SELECT count(s.*) FROM dormancy.customer_histories s"
	[core]="SELECT count(s.*) FROM dormancy.customer_core s"
	[status]="SELECT count(s.*) FROM dormancy.customer_status s"
)
declare -A took
for ((i = 1; i <= runs; i++)); do
	for k in bare bare_src plain hist core status; do
		t=$(times "\\timing on"$'\n'"${q[$k]};")
		took[$k]+="$t "
		note "round $i, $k: $t ms"
	done
done
for k in "${!took[@]}"; do ms[$k]=$(echo "${took[$k]}" | tr ' ' '\n' | grep . | median); done

# point lookups: 20 customers in a fixed pseudo-random order, one prepared
# statement; when one takes over 2 s (every customer computed), only $runs
note "point lookups"
ids=$(psql -X -At -c "SELECT account_id FROM demo.accounts ORDER BY hashint4(account_id) LIMIT 20")
lookup() {
	local script="PREPARE one(integer) AS SELECT * FROM dormancy.customer_status WHERE customer_id = \$1;
\\timing on" id
	for id in "$@"; do script+=$'\n'"EXECUTE one($id);"; done
	times "$script"
}
# the lookup times: of every customer of $ids, or of $runs when the first
# takes over 2 s
lookups() {
	local first
	first=$(lookup $(echo "$ids" | head -1))
	if awk -v t="$first" 'BEGIN { exit !(t > 2000) }'; then
		echo "$first"
		if [ "$runs" -gt 1 ]; then lookup $(echo "$ids" | sed -n "2,${runs}p"); fi
	else
		lookup $ids
	fi
}
lookups=$(lookups)
ms[lookup]=$(echo "$lookups" | median)
note "lookup: ${ms[lookup]} ms"
lookup_n=$(echo "$lookups" | grep -c .)
# the same with the customers' names bound: data_gaps' duplicate_name check
# looks the customer's name key up in dormancy.customer_name_keys, kept by
# triggers on the customers table (docs/sources.md); bound again without
# names afterwards
note "point lookups, names bound"
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name', industry => 'sector', company_size => 'size_class')" >/dev/null
ms[lookup_named]=$(lookups | median)
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" >/dev/null
note "lookup, names bound: ${ms[lookup_named]} ms"

# JIT with the default settings: does the plan of customer_status cross
# jit_above_cost?  (EXPLAIN without ANALYZE: the JIT section shows whether
# it would compile; with ANALYZE, up to 200k customers, what it costs.)
note "JIT"
jit_plain=$(psql -X -At -q -c "SET dormancy.as_of = '$as_of'" -c "EXPLAIN (FORMAT JSON) SELECT count(s.*) FROM dormancy.customer_status s" |
	python3 -c 'import json,sys; p=json.load(sys.stdin)[0]; j=p.get("JIT"); print("no" if not j else "yes (%d functions, plan cost %.0f)" % (j["Functions"], p["Plan"]["Total Cost"]))')
jit_ms=
if [ "$customers" -le 200000 ]; then
	jit_ms=$(psql -X -At -q -c "SET dormancy.as_of = '$as_of'" -c "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(s.*) FROM dormancy.customer_status s" |
		python3 -c 'import json,sys; p=json.load(sys.stdin)[0]; j=p.get("JIT"); print("%.0f ms of %.0f ms" % (j["Timing"]["Total"], p["Execution Time"]) if j else "")')
fi
note "JIT: $jit_plain${jit_ms:+, $jit_ms}"

# peak memory and temporary files of one backend, serial, default work_mem
# peak SQL: "MB_private MB_temp"
peak() {
	local out pid hwm shm tmp
	out=$(psql -X -At -v ON_ERROR_STOP=1 <<SQL
SET dormancy.as_of = '$as_of';
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;
SELECT pg_backend_pid() AS pid \gset
\o /dev/null
$1;
\o
\echo pid :pid
\setenv BACKEND_PID :pid
\! grep -E '^(VmHWM|RssShmem):' /proc/\$BACKEND_PID/status
SQL
)
	pid=$(echo "$out" | awk '/^pid/ {print $2}')
	hwm=$(echo "$out" | awk '/^VmHWM/ {print $2}')
	shm=$(echo "$out" | awk '/^RssShmem/ {print $2}')
	sleep 1
	tmp=$(grep "\[$pid\].*temporary file" "$PG_TMP/server.log" | grep -o 'size [0-9]*' | awk '{ s += $2 } END { print s + 0 }')
	awk -v h="$hwm" -v s="$shm" -v t="$tmp" 'BEGIN { printf "%.0f %.0f\n", (h - s) / 1024, t / 1048576 }'
}
note "memory"
read -r mem_status tmp_status < <(peak "SELECT count(s.*) FROM dormancy.customer_status s")
note "customer_status: $mem_status MB, temp files $tmp_status MB"

# refreshes: full (the stored histories dropped first), the next day's
# after 0.1% of the customers got one order each, and one with no change
note "refresh"
script=""
for ((i = 0; i < runs; i++)); do
	script+="SELECT dormancy.reset_stored_histories();
\\timing on
CALL dormancy.refresh('$as_of');
\\timing off
"
done
ms[refresh]=$(times "$script" | median)
note "refresh: ${ms[refresh]} ms"
# the memory of the last full one
read -r mem_refresh tmp_refresh < <(peak "SELECT dormancy.reset_stored_histories(); CALL dormancy.refresh('$as_of')")
note "full refresh: $mem_refresh MB, temp files $tmp_refresh MB"
psql -X -q -c "CALL dormancy.refresh('$as_of')"	# histories stored again, as they are every night
# Between two nightly refreshes autovacuum prunes the snapshot's previous row
# versions; a refresh run right after another prunes them itself (about 5 s
# more at 1M, docs/operations.md).  So each next day's refresh starts from a
# vacuumed snapshot, untimed (until 2026-12-06 it did not).
script=""
for ((i = 1; i <= runs; i++)); do
	script+="INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT a.account_id, date '$as_of' + $((i - 1)) + time '10:00', 100.00, 'core'
  FROM demo.accounts a ORDER BY hashint4(a.account_id + $i) LIMIT greatest($customers / 1000, 1);
VACUUM dormancy.status_snapshot;
\\timing on
CALL dormancy.refresh(date '$as_of' + $i);
\\timing off
"
done
ms[refresh_next]=$(times "$script" | median)
note "refresh_next: ${ms[refresh_next]} ms"
script=""
for ((i = 0; i < runs; i++)); do
	script+="VACUUM dormancy.status_snapshot;
\\timing on
CALL dormancy.refresh(date '$as_of' + $runs);
\\timing off
"
done
ms[refresh_none]=$(times "$script" | median)
note "refresh_none: ${ms[refresh_none]} ms"
refresh_modes=$(psql -X -At -F' ' -c "SELECT history_mode, count(*), round(avg(customers_recomputed)) FROM (SELECT * FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT $((2 * runs))) r GROUP BY 1 ORDER BY 1")
# where a refresh with no change spends its time: the stored histories, the
# snapshot's statement (evaluation, rank, writes), all of the work
psql -X -q -c "VACUUM dormancy.status_snapshot"
read -r step_histories step_snapshot step_work < <(steps "CALL dormancy.refresh(date '$as_of' + $runs)" \
	"SELECT p.mode, p.customers_recomputed" "MERGE INTO dormancy.status_snapshot" "SELECT * FROM dormancy._refresh_work(run)" | paste -sd' ' -)
note "refresh steps: histories $step_histories ms, snapshot $step_snapshot, work $step_work"
# fit_models() once a refresh has stored the histories and nothing was
# written since: it reads them there (docs/models.md, From the stored histories)
m fit_stored "SELECT count(*) FROM dormancy.fit_models()"
# and after 0.1% of the customers got an order since that refresh: the store,
# and those customers' orders
psql -X -q -c "INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
SELECT a.account_id, date '$as_of' + $runs + time '11:00', 100.00, 'core'
  FROM demo.accounts a ORDER BY hashint4(a.account_id - 1) LIMIT greatest($customers / 1000, 1)"
m fit_marked "SELECT count(*) FROM dormancy.fit_models()"

# with every optional source bound: contracts, events, deals, contacts
if [ "$sources" = yes ]; then
	note "optional sources"
	psql -X -q -v ON_ERROR_STOP=1 -f "$REPO/test/scale_out/sources.sql" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE INDEX ON demo.events (account_id);
CREATE INDEX ON demo.deals (account_id);
CREATE INDEX ON demo.contracts (account_id);
CREATE INDEX ON demo.contacts (account_id);
ANALYZE demo.events; ANALYZE demo.deals; ANALYZE demo.contracts; ANALYZE demo.contacts;
SELECT dormancy.bind_events('demo.events', customer => 'account_id', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('demo.deals', customer => 'account_id', closed_at => 'closed', outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_contracts('demo.contracts', customer => 'account_id', starts_on => 'starts', ends_on => 'ends', amount => 'amount', auto_renew => 'auto');
SELECT dormancy.bind_contacts('demo.contacts', customer => 'account_id', phone => 'phone', email => 'email',
							  person => 'contact_name', updated_at => 'updated_on');
SQL
	m bare_events "SELECT count(s.*) FROM (SELECT account_id, count(*), max(at) FROM demo.events GROUP BY account_id) s"
	m bare_deals "SELECT count(s.*) FROM (SELECT account_id, count(*), max(closed), sum(amount) FROM demo.deals GROUP BY account_id) s"
	m bare_contracts "SELECT count(s.*) FROM (SELECT account_id, count(*), max(ends), sum(amount) FROM demo.contracts GROUP BY account_id) s"
	m bare_contacts "SELECT count(s.*) FROM (SELECT account_id, count(*), max(updated_on) FROM demo.contacts GROUP BY account_id) s"
	ms[bare_all]=$(awk -v a="${ms[bare]}" -v b="${ms[bare_events]}" -v c="${ms[bare_deals]}" -v d="${ms[bare_contracts]}" -v e="${ms[bare_contacts]}" 'BEGIN { print a + b + c + d + e }')
	m status_all "SELECT count(s.*) FROM dormancy.customer_status s"
	source_rows=$(psql -X -At -F' ' -c "SELECT (SELECT count(*) FROM demo.events), (SELECT count(*) FROM demo.deals), (SELECT count(*) FROM demo.contracts), (SELECT count(*) FROM demo.contacts)")
fi

# the table
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "no" }'; }
f() { awk -v a="$1" 'BEGIN { printf "%.0f", a }'; }
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
b=${ms[bare]}
echo
echo "Customers: $customers, orders: $orders ($(awk -v o="$orders" -v c="$customers" 'BEGIN { printf "%.1f", o / c }') per customer), dormancy $extversion,"
echo "$(date -u +%Y-%m-%d), $(nproc) cores shared with other jobs, PostgreSQL $(psql -X -At -c 'SHOW server_version'), JIT off, work_mem 256MB,"
echo "median of $runs runs (point lookup: median of $lookup_n customers)."
echo
echo "| query | ms | × bare GROUP BY | target | met? |"
echo "|---|---:|---:|---|---|"
row "bare \`GROUP BY customer\`: count, max, sum over the orders table" "$(f "$b")" "1.00" "reference" ""
row "the same over \`src_orders\`" "$(f "${ms[bare_src]}")" "$(r "${ms[bare_src]}" "$b")" "" ""
row "plain SQL: state, gap statistics, 12-month windows, trend (best plan)" "$(f "${ms[plain]}")" "$(r "${ms[plain]}" "$b")" "" ""
row "\`customer_histories\`" "$(f "${ms[hist]}")" "$(r "${ms[hist]}" "$b")" "≤ 1.0×" "$(le "${ms[hist]}" "$b")"
row "\`customer_core\`" "$(f "${ms[core]}")" "$(r "${ms[core]}" "$b")" "" ""
row "\`customer_status\`, all columns" "$(f "${ms[status]}")" "$(r "${ms[status]}" "$b")" "≤ 1.0×" "$(le "${ms[status]}" "$b")"
row "plain SQL ÷ \`customer_status\`" "" "$(r "${ms[plain]}" "${ms[status]}")×" "≥ 3×" "$(le 3 "$(r "${ms[plain]}" "${ms[status]}")")"
row "point lookup \`WHERE customer_id = \$1\`" "$(awk -v a="${ms[lookup]}" 'BEGIN { printf "%.1f", a }')" "$(r "${ms[lookup]}" "$b")" "≤ 20 ms" "$(le "${ms[lookup]}" 20)"
row "point lookup, customers' names bound (duplicate-name check)" "$(awk -v a="${ms[lookup_named]}" 'BEGIN { printf "%.1f", a }')" "$(r "${ms[lookup_named]}" "$b")" "≤ 20 ms" "$(le "${ms[lookup_named]}" 20)"
row "\`CALL dormancy.refresh()\`, full" "$(f "${ms[refresh]}")" "$(r "${ms[refresh]}" "$b")" "≤ 1.5× customer_status ($(r "${ms[refresh]}" "${ms[status]}")×)" "$(le "${ms[refresh]}" "$(awk -v s="${ms[status]}" 'BEGIN { print 1.5 * s }')")"
row "refresh, next day, 0.1% of customers with a new order" "$(f "${ms[refresh_next]}")" "$(r "${ms[refresh_next]}" "$b")" "≤ 5% of full ($(awk -v a="${ms[refresh_next]}" -v b="${ms[refresh]}" 'BEGIN { printf "%.0f%%", 100 * a / b }'))" "$(le "${ms[refresh_next]}" "$(awk -v s="${ms[refresh]}" 'BEGIN { print 0.05 * s }')")"
row "refresh, no change" "$(f "${ms[refresh_none]}")" "$(r "${ms[refresh_none]}" "$b")" "($(awk -v a="${ms[refresh_none]}" -v b="${ms[refresh]}" 'BEGIN { printf "%.0f%%", 100 * a / b }') of full)" ""
row "\`SELECT dormancy.fit_models()\`" "$(f "${ms[fit]}")" "$(r "${ms[fit]}" "$b")" "≤ customer_histories + 2 s ($(awk -v a="${ms[fit]}" -v h="${ms[hist]}" 'BEGIN { printf "%+.1f s", (a - h) / 1000 }'))" "$(le "${ms[fit]}" "$(awk -v h="${ms[hist]}" 'BEGIN { print h + 2000 }')")"
row "\`SELECT dormancy.fit_models()\` after a refresh (the stored histories current)" "$(f "${ms[fit_stored]}")" "$(r "${ms[fit_stored]}" "$b")" "($(awk -v a="${ms[fit_stored]}" -v h="${ms[hist]}" 'BEGIN { printf "%+.1f s", (a - h) / 1000 }'))" "$(le "${ms[fit_stored]}" "$(awk -v h="${ms[hist]}" 'BEGIN { print h + 2000 }')")"
row "\`SELECT dormancy.fit_models()\` after 0.1% of customers got an order since the refresh" "$(f "${ms[fit_marked]}")" "$(r "${ms[fit_marked]}" "$b")" "($(awk -v a="${ms[fit_marked]}" -v h="${ms[hist]}" 'BEGIN { printf "%+.1f s", (a - h) / 1000 }'))" "$(le "${ms[fit_marked]}" "$(awk -v h="${ms[hist]}" 'BEGIN { print h + 2000 }')")"
row "peak memory, \`customer_status\` (MB; temp files MB)" "$mem_status; $tmp_status" "" "≤ 1 GB, no spill" "$(awk -v m="$mem_status" -v t="$tmp_status" 'BEGIN { print (m <= 1024 && t == 0) ? "yes" : "no" }')"
row "peak memory, full refresh (MB; temp files MB)" "$mem_refresh; $tmp_refresh" "" "≤ 1 GB, no spill" "$(awk -v m="$mem_refresh" -v t="$tmp_refresh" 'BEGIN { print (m <= 1024 && t == 0) ? "yes" : "no" }')"
row "JIT with default settings, \`customer_status\`" "${jit_ms:-}" "" "none" "$([ "$jit_plain" = no ] && echo yes || echo "no: $jit_plain")"
if [ "$sources" = yes ]; then
	row "all sources bound: sum of bare GROUP BYs (orders, events, deals, contracts, contacts)" "$(f "${ms[bare_all]}")" "1.00" "reference" ""
	row "all sources bound: \`customer_status\`, all columns" "$(f "${ms[status_all]}")" "$(r "${ms[status_all]}" "${ms[bare_all]}")" "≤ 1.0×" "$(le "${ms[status_all]}" "${ms[bare_all]}")"
fi
echo
echo "Refreshes by history mode (mode, runs, customers recomputed on average): $(echo "$refresh_modes" | paste -sd';' -)."
[ "$sources" = yes ] && echo "Optional sources: events, deals, contracts, contacts rows: $source_rows."
echo "Memory: one serial backend with the default work_mem, VmHWM minus RssShmem; temp files from log_temp_files."
echo "fit_models() in steps (one more run, ms): the summaries $fit_summaries (one pass over the histories), the fits with their covariance matrices $fit_fits, the value distribution $fit_distribution."
echo "A refresh with no change in steps (one more run, ms): the stored histories $step_histories, the snapshot's MERGE $step_snapshot (evaluation, rank, writes), the rest $(awk -v w="$step_work" -v h="$step_histories" -v s="$step_snapshot" 'BEGIN { printf "%.0f", w - h - s }') (previous and current states, state history) of $step_work."
note "done"
