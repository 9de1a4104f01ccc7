#!/usr/bin/env bash
# Benchmark: the C aggregate and state functions against the plain-SQL
# computation of the same definitions (test/demo/reference.sql), on the demo
# data, in the same run, serial and with 2 parallel workers.
# Then the whole customer_status with and without JIT, and a full refresh.
# Reports times and ratios; asserts nothing about speed.
#   bash test/bench/status_vs_sql.sh [customers]   (default 100000, about 850k orders)
#   version=0.1.0 bash test/bench/status_vs_sql.sh   (a released version, for comparison)
set -eu
. "$(dirname "$0")/../lib/common.sh"
cd "$REPO"
customers=${1:-100000}
version=${version:-}

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "work_mem = '256MB'"

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy ${version:+VERSION '$version'}"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f test/demo/reference.sql
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" \
	-c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total')" >/dev/null
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")

best() {	# best SQL WORKERS [JIT]
	psql -X -At -v ON_ERROR_STOP=1 2>/dev/null <<SQL | grep -o 'Time: [0-9.]*' | awk '{print $2}' | sort -n | head -1
SET dormancy.as_of = '2026-11-01';
SET max_parallel_workers_per_gather = $2;
SET jit = ${3:-on};
\o /dev/null
\timing on
$1;
$1;
$1;
SQL
}
# the same figures three ways: the plain-SQL reference (state and counts
# only), customer_core (state plus every decline metric, from the C
# aggregate), and the whole customer_status (plus models, sources, priority,
# reasons: far more work than the reference, shown for its cost)
ref="SELECT state, count(*), sum(total_amount), sum(orders_count) FROM demo.reference('UTC', '2026-11-01') GROUP BY state"
core="SELECT state, count(*), sum(total_amount), sum(orders_count) FROM dormancy.customer_core GROUP BY state"
full="SELECT state, count(*), sum(total_amount), sum(orders_count) FROM dormancy.customer_status GROUP BY state"

echo "customers: $customers, orders: $orders"
printf '%-8s %14s %16s %18s %12s\n' workers plain_sql_ms customer_core_ms customer_status_ms sql/core
for w in 0 2; do
	r=$(best "$ref" $w)
	c=$(best "$core" $w)
	f=$(best "$full" $w)
	printf '%-8s %14.1f %16.1f %18.1f %11.2fx\n' "$w" "$r" "$c" "$f" "$(awk -v r="$r" -v c="$c" 'BEGIN { print r / c }')"
done

# the whole customer_status with and without JIT (its work is in C functions,
# which JIT cannot compile; compiling the plan costs a fixed time per query)
echo "extension version: $(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'dormancy'")"
on=$(best "$full" 0 on)
off=$(best "$full" 0 off)
printf 'customer_status: jit on %.1f ms, jit off %.1f ms\n' "$on" "$off"
# a refresh (the first stores every history, the next ones find no change): best of 3
t=$(psql -X -At -v ON_ERROR_STOP=1 2>/dev/null <<SQL | grep -o 'Time: [0-9.]*' | awk '{print $2}' | sort -n | head -1
SET client_min_messages = warning;
\\timing on
CALL dormancy.refresh('2026-11-01');
CALL dormancy.refresh('2026-11-01');
CALL dormancy.refresh('2026-11-01');
SQL
)
printf 'refresh: %.1f ms\n' "$t"
