#!/usr/bin/env bash
# Benchmark: customer_core with one C call per customer (_history_facts)
# against its previous definition (history_summary, decline_metrics and
# btyd_summary as three LATERAL calls), on the demo data, in the same run,
# alternating, serial and with 2 parallel workers, JIT off and on.
# The previous definition is the one sql/history_facts.sql checks the view
# against (demo.previous_core there).  Reports medians and ratios; asserts
# nothing about speed.
#   bash test/bench/core_one_call.sh [customers] [runs]   (default 100000, 5)
set -eu
. "$(dirname "$0")/../lib/common.sh"
cd "$REPO"
customers=${1:-100000}
runs=${2:-5}

ensure_packages
build_install
trap stop_server EXIT
start_server

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
head -10 test/demo/report.sql | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
{
	echo 'CREATE VIEW public.previous_core AS'
	sed -n '/^CREATE VIEW demo.previous_core AS$/,/^;$/p' sql/history_facts.sql | sed '1d'
} | psql -X -q -v ON_ERROR_STOP=1
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
echo "customers: $customers, orders: $orders, runs: $runs (alternating), medians"

old="SELECT state, count(*), sum(total_amount) FROM public.previous_core GROUP BY state"
new="SELECT state, count(*), sum(total_amount) FROM dormancy.customer_core GROUP BY state"
printf '%-4s %-8s %12s %12s %10s\n' jit workers previous_ms one_call_ms prev/new
for jit in off on; do
	for w in 0 2; do
		{
			echo "SET dormancy.as_of = '2026-11-01'; SET dormancy.time_zone = 'Asia/Tokyo';"
			echo "SET jit = $jit; SET max_parallel_workers_per_gather = $w;"
			echo '\o /dev/null'
			echo '\timing on'
			for _ in $(seq "$runs"); do echo "$old;"; echo "$new;"; done
		} | psql -X -At -v ON_ERROR_STOP=1 2>&1 | grep -o 'Time: [0-9.]*' | awk '{print $2}' |
			python3 -c '
import statistics, sys
t = [float(x) for x in sys.stdin]
o, n = statistics.median(t[0::2]), statistics.median(t[1::2])
print("%-4s %-8s %12.0f %12.0f %9.2fx" % (sys.argv[1], sys.argv[2], o, n, o / n))' "$jit" "$w"
	done
done
