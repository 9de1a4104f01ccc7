#!/usr/bin/env bash
# What binding an order id costs: the demo invoices split into order lines
# (1 to 3 lines an invoice, the categories from the lines), bound once
# without and once with order_id, and customer_histories, category_histories
# and a full refresh timed on each, in interleaved rounds.  Also the live
# customer_histories of the invoices table (no order id) against the
# definition it had before order ids (count(*) and one aggregate), on the
# same data: what the order-id support costs a binding without one.  Prints
# a markdown table (query, ms, ratio).  Asserts nothing about speed.
#   bash test/bench/order_lines.sh [customers]   (default 20000)
#   runs=1 ...   (runs per figure, the median of them; default 3)
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib.sh"
cd "$REPO"
customers=${1:-20000}
runs=${runs:-3}

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '512MB'" "max_wal_size = '4GB'"
note() { printf '%s\n' "$*" >&2; }

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
-- every invoice as 1 to 3 lines of one order, the total split over them
CREATE TABLE demo.invoice_lines AS
SELECT i.invoice_id, i.account_id, i.invoiced_on,
	   round(i.total / k.n, 2) AS amount,
	   CASE WHEN l.line = 1 THEN coalesce(i.category, 'core') ELSE (ARRAY['addon', 'service'])[l.line - 1] END AS category,
	   i.discounted
  FROM demo.invoices i
 CROSS JOIN LATERAL (SELECT 1 + (i.invoice_id % 3)::int AS n) k
 CROSS JOIN LATERAL generate_series(1, k.n) l(line);
CREATE INDEX ON demo.invoice_lines (account_id);
VACUUM ANALYZE demo.invoice_lines;
VACUUM ANALYZE demo.invoices;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class');
SQL
invoices=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
lines=$(psql -X -At -c "SELECT count(*) FROM demo.invoice_lines")
note "data: $customers customers, $invoices invoices, $lines lines"

preamble="SET dormancy.as_of = '2026-11-01';
SET jit = off;
SET work_mem = '256MB';
SET client_min_messages = error;"
times() {
	psql -X -At -v ON_ERROR_STOP=1 <<SQL | grep -o '^Time: [0-9.]*' | awk '{print $2}'
$preamble
\o /dev/null
$1
SQL
}

bind_lines() {	# bind_lines [order_id]
	psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_orders('demo.invoice_lines', customer => 'account_id',
		ordered_at => 'invoiced_on', amount => 'amount', category => 'category', discounted => 'discounted'
		${1:+, order_id => '$1'})" >/dev/null
}
bind_invoices() {
	psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id',
		ordered_at => 'invoiced_on', amount => 'total', category => 'category', discounted => 'discounted')" >/dev/null
}
# the definitions of customer_histories and category_histories before order
# ids, as views of the bench's own (over the same adapters; made once the
# adapters have the types of these tables)
bind_invoices
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE SCHEMA bench;
CREATE VIEW bench.old_category_histories AS
SELECT o.customer_id, o.category,
	   dormancy.purchase_history(o.ordered_at, o.amount, o.discounted) AS history,
	   pg_catalog.count(*) AS order_rows
  FROM dormancy.src_orders o
 WHERE o.customer_id IS NOT NULL AND NOT dormancy._use_stored_histories()
 GROUP BY o.customer_id, o.category
UNION ALL
SELECT s.customer_id, s.category, s.history, s.order_rows
  FROM dormancy.src_stored_histories s;
CREATE VIEW bench.old_customer_histories AS
SELECT a.customer_id, (a.h).history, (a.h).order_rows, (a.h).categories, (a.h).category_last_order_at
  FROM (SELECT o.customer_id,
			   dormancy.categorized_history(o.ordered_at, o.amount, o.discounted, o.category,
											(SELECT dormancy.as_of_day())) AS h
		  FROM dormancy.src_orders o
		 WHERE o.customer_id IS NOT NULL AND NOT dormancy._use_stored_histories()
		 GROUP BY o.customer_id) a
UNION ALL
SELECT s.customer_id,
	   dormancy.purchase_history_union(s.history),
	   pg_catalog.sum(s.order_rows)::pg_catalog.int8,
	   pg_catalog.array_agg(s.category ORDER BY s.category) FILTER (WHERE s.category IS NOT NULL),
	   pg_catalog.array_agg((dormancy.history_summary(s.history, dormancy.as_of_day())).last_order_at ORDER BY s.category)
		   FILTER (WHERE s.category IS NOT NULL)
  FROM dormancy.src_stored_histories s
 GROUP BY s.customer_id;
SQL
declare -A q=(
	[hist]="SELECT count(s.*) FROM dormancy.customer_histories s"
	[cat]="SELECT count(s.*) FROM dormancy.category_histories s"
	[refresh]="SELECT dormancy.reset_stored_histories(); CALL dormancy.refresh()"
	[status]="SELECT count(s.*) FROM dormancy.customer_status s"
	[old_hist]="SELECT count(s.*) FROM bench.old_customer_histories s"
	[old_cat]="SELECT count(s.*) FROM bench.old_category_histories s"
)
declare -A took
for ((i = 1; i <= runs; i++)); do
	for mode in invoices lines order_id; do
		case $mode in
			invoices) bind_invoices; keys="hist old_hist cat old_cat" ;;
			lines) bind_lines; keys="hist cat status refresh" ;;
			order_id) bind_lines invoice_id; keys="hist cat status refresh" ;;
		esac
		for k in $keys; do
			# the refresh: its last statement's time
			t=$(times "\\timing on"$'\n'"${q[$k]};" | tail -1)
			took[$mode/$k]+="$t "
			note "round $i, $mode, $k: $t ms"
		done
	done
done
declare -A ms
for k in "${!took[@]}"; do ms[$k]=$(echo "${took[$k]}" | tr ' ' '\n' | grep . | median); done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "| query | ms | ratio |"
echo "|---|---:|---:|"
echo "| customer_histories, invoices (no order id), before order ids | ${ms[invoices/old_hist]} | 1 |"
echo "| customer_histories, invoices (no order id), now | ${ms[invoices/hist]} | $(ratio "${ms[invoices/hist]}" "${ms[invoices/old_hist]}") |"
echo "| category_histories, invoices (no order id), before order ids | ${ms[invoices/old_cat]} | 1 |"
echo "| category_histories, invoices (no order id), now | ${ms[invoices/cat]} | $(ratio "${ms[invoices/cat]}" "${ms[invoices/old_cat]}") |"
for k in hist cat status refresh; do
	name=$k; [ "$k" = hist ] && name=customer_histories; [ "$k" = cat ] && name=category_histories; [ "$k" = refresh ] && name="full refresh"; [ "$k" = status ] && name=customer_status
	echo "| $name, $lines lines without order id | ${ms[lines/$k]} | 1 |"
	echo "| $name, $lines lines with order id | ${ms[order_id/$k]} | $(ratio "${ms[order_id/$k]}" "${ms[lines/$k]}") |"
done
