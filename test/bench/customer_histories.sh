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

best() {	# best SQL WORKERS
	psql -X -At -v ON_ERROR_STOP=1 2>/dev/null <<SQL | grep -o 'Time: [0-9.]*' | awk '{print $2}' | sort -n | head -1
SET dormancy.as_of = '2026-11-01';
SET max_parallel_workers_per_gather = $2;
SET jit = off;
\o /dev/null
\timing on
$1;
$1;
$1;
SQL
}

bare="SELECT count(*), sum(q.n), max(q.m), sum(q.s) FROM (SELECT o.customer_id, count(*) AS n, max(o.ordered_at) AS m, sum(o.amount) AS s FROM dormancy.src_orders o GROUP BY 1) q"
count_of() { echo "SELECT count(*), sum(order_rows) FROM $1"; }
# every column computed (the count above lets the planner skip unused ones)
all_of() { echo "SELECT count(*), sum(order_rows), count(history), count(categories), count(category_last_order_at) FROM $1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "customers: $customers, orders: $orders (JIT off, best of 3, ms)"
printf '%-10s %-8s %-7s %10s %10s %10s %9s %9s %9s\n' category query workers bare old new old/bare new/bare new/old
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
			b=$(best "$bare" $w)
			o=$(best "$(${q}_of bench.old_customer_histories)" $w)
			n=$(best "$(${q}_of dormancy.customer_histories)" $w)
			printf '%-10s %-8s %-7s %10.1f %10.1f %10.1f %8sx %8sx %8sx\n' "$cat" "$q" "$w" "$b" "$o" "$n" \
				"$(ratio "$o" "$b")" "$(ratio "$n" "$b")" "$(ratio "$n" "$o")"
		done
	done
done
