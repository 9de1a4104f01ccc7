#!/usr/bin/env bash
# Benchmark: customer_histories, the one aggregate pass (categorized_history),
# against the two-level definition it replaced (GROUP BY customer over
# category_histories, GROUP BY customer and category) and a bare GROUP BY
# customer over the same orders, in the same run, on the demo data, without
# and with a category bound, serial and with 2 parallel workers (JIT off).
# Reports the best of 3 and ratios; asserts nothing about speed.
#   bash test/bench/customer_histories.sh [customers]   (default 100000, about 850k orders)
set -eu
. "$(dirname "$0")/../lib/common.sh"
cd "$REPO"
customers=${1:-100000}

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "work_mem = '256MB'"

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" >/dev/null
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")

# the definition of customer_histories before the one pass (0.3.0)
old_view() {
	psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE VIEW bench.old_customer_histories AS
SELECT ch.customer_id,
	   dormancy.purchase_history_union(ch.history) AS history,
	   pg_catalog.sum(ch.order_rows)::pg_catalog.int8 AS order_rows,
	   pg_catalog.array_agg(ch.category ORDER BY ch.category) FILTER (WHERE ch.category IS NOT NULL) AS categories,
	   pg_catalog.array_agg((dormancy.history_summary(ch.history, dormancy.as_of_day())).last_order_at ORDER BY ch.category)
		   FILTER (WHERE ch.category IS NOT NULL) AS category_last_order_at
  FROM dormancy.category_histories ch
 GROUP BY ch.customer_id;
SQL
}

# best SQL WORKERS: the best wall time of 3 runs and, serial, the best CPU
# time of the backend (user + system, from /proc; 10 ms ticks), which a
# machine shared with other work disturbs less
best() {
	psql -X -At -v ON_ERROR_STOP=1 2>/dev/null <<SQL | awk '
		/^Time: / { t = $2 + 0; if (wall == "" || t < wall) wall = t }
		/^cpu / { if (prev != "") { d = ($2 - prev) * 10; if (cpu == "" || d < cpu) cpu = d; prev = "" } else prev = $2 }
		END { printf "%s %s\n", wall, cpu }'
SET dormancy.as_of = '2026-11-01';
SET max_parallel_workers_per_gather = $2;
SET jit = off;
SELECT pg_backend_pid() AS pid \gset
\setenv PID :pid
\o /dev/null
\timing on
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
$1;
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
$1;
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
$1;
\! awk '{ print "cpu", \$14 + \$15 }' /proc/\$PID/stat
SQL
}

bare="SELECT count(*), sum(q.n), max(q.m), sum(q.s) FROM (SELECT o.customer_id, count(*) AS n, max(o.ordered_at) AS m, sum(o.amount) AS s FROM dormancy.src_orders o GROUP BY 1) q"
count_of() { echo "SELECT count(*), sum(order_rows) FROM $1"; }
# every column computed (the count above lets the planner skip unused ones)
all_of() { echo "SELECT count(*), sum(order_rows), count(history), count(categories), count(category_last_order_at) FROM $1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "customers: $customers, orders: $orders (JIT off, best of 3; serial: wall and backend CPU ms, 2 workers: wall ms)"
printf '%-7s %-6s %-8s %9s %9s %9s %9s %9s %9s\n' category query workers bare old new old/bare new/bare new/old
for cat in none bound; do
	if [ "$cat" = none ]; then
		psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total', discounted => 'discounted')" >/dev/null
	else
		psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total', category => 'category', discounted => 'discounted')" >/dev/null
	fi
	old_view
	# the two definitions agree (else the timings compare different work)
	same=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET dormancy.as_of = '2026-11-01'" -c "
		SELECT count(*) = count(*) FILTER (WHERE dormancy.purchase_history_send(o.history) = dormancy.purchase_history_send(n.history)
			AND o.order_rows = n.order_rows AND o.categories IS NOT DISTINCT FROM n.categories
			AND o.category_last_order_at IS NOT DISTINCT FROM n.category_last_order_at)
		  FROM bench.old_customer_histories o FULL JOIN dormancy.customer_histories n USING (customer_id)")
	[ "$same" = t ] || { echo "old and new customer_histories differ ($cat)" >&2; exit 1; }
	for q in count all; do
		for w in 0 2; do
			read -r bw bc <<<"$(best "$bare" $w)"
			read -r ow oc <<<"$(best "$(${q}_of bench.old_customer_histories)" $w)"
			read -r nw nc <<<"$(best "$(${q}_of dormancy.customer_histories)" $w)"
			printf '%-7s %-6s %-8s %9.0f %9.0f %9.0f %8sx %8sx %8sx\n' "$cat" "$q" "$w wall" "$bw" "$ow" "$nw" \
				"$(ratio "$ow" "$bw")" "$(ratio "$nw" "$bw")" "$(ratio "$nw" "$ow")"
			if [ "$w" = 0 ]; then
				printf '%-7s %-6s %-8s %9.0f %9.0f %9.0f %8sx %8sx %8sx\n' "$cat" "$q" "$w cpu" "$bc" "$oc" "$nc" \
					"$(ratio "$oc" "$bc")" "$(ratio "$nc" "$bc")" "$(ratio "$nc" "$oc")"
			fi
		done
	done
done
