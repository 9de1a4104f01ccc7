#!/usr/bin/env bash
# What the readers would pay if the as-of-dependent columns were computed when
# the snapshot is read instead of by the nightly refresh: the design that the
# target "the next day's refresh at most 5% of a full one" of issue 11 needs
# (docs/operations.md, What a refresh writes).  A measurement for that
# decision, not a feature: nothing here is installed by the extension.
#
# The prototype view public.readtime_status is customer_status's own text
# (sql_src/70_views.sql) with customer_core replaced by the snapshot's stored
# copy of its columns, the as-of day moved on by one (as_of, age_days and
# days_since_last_order + 1): what a reader would compute for every customer
# (the model outlook, the assessment, reason, channel, score, breakdown and
# data gaps), leaving out what the stored facts would keep (the histories,
# the state and decline metrics, contracts).  readtime_call_list is
# call_list's text over it (the rank over every customer, then the list).
#
# Side by side on the demo data, in interleaved rounds (median of $runs):
#   status       customer_status as of the next day: what a refresh evaluates today
#   refresh      CALL dormancy.refresh() on the next day (no new order)
#   snap_all     every row of the snapshot, read (count(s.*))
#   rt_all       every row computed at read time (count(s.*))
#   snap_list    the first 50 rows of snapshot_call_list
#   rt_list      the first 50 rows of readtime_call_list
#   rt_rank      every customer's rank alone, computed at read time: the least
#                a ranked list would cost if the other columns (breakdown,
#                data gaps, ...) were computed only for the rows it shows
#   snap_one     one customer from the snapshot (the snapshot's index)
#   rt_one       one customer computed at read time, without its rank (a rank
#                needs every customer: that is rt_list's cost)
#   changes      the refresh's side: 3% of the customers evaluated and their
#                snapshot rows rewritten (rolled back), against refresh
# Prints a markdown table; asserts nothing about speed.
#   bash test/bench/read_time.sh [customers]   (default 100000)
#   runs=1 ...   (default 3)
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib.sh"
cd "$REPO"
customers=${1:-100000}
runs=${runs:-3}
as_of=2026-11-01
next=2026-11-02

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "max_wal_size = '4GB'"
bench_clock

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" \
	-c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total')" >/dev/null
psql -X -q -c "VACUUM ANALYZE demo.invoices" -c "VACUUM ANALYZE demo.accounts"
psql -X -q -v ON_ERROR_STOP=1 -c "SET dormancy.as_of = '$as_of'" -c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "CALL dormancy.refresh('$as_of')" -c "VACUUM ANALYZE dormancy.status_snapshot"
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
note "data: $customers customers, $orders orders; snapshot as of $as_of"

# the prototype views, from the extension's own text of customer_status and call_list
view_text() {	# NAME: the CREATE VIEW statement of dormancy.NAME in sql_src/70_views.sql
	awk -v v="CREATE OR REPLACE VIEW dormancy.$1 WITH" -v c="COMMENT ON VIEW dormancy.$1 IS" \
		'index($0, v) == 1 { p = 1 } index($0, c) == 1 { exit } p' sql_src/70_views.sql
}
core_columns=$(psql -X -At -c "
	SELECT string_agg(CASE WHEN attname IN ('as_of', 'age_days', 'days_since_last_order')
						   THEN format('%I + 1 AS %I', attname, attname) ELSE quote_ident(attname) END,
					  ', ' ORDER BY attnum)
	  FROM pg_attribute
	 WHERE attrelid = 'dormancy.customer_core'::regclass AND attnum > 0 AND NOT attisdropped")
{
	view_text customer_status |
		sed -e 's/^CREATE OR REPLACE VIEW dormancy.customer_status WITH (security_invoker = true) AS/CREATE VIEW public.readtime_status AS/' \
			-e "s/FROM dormancy.customer_core core/FROM (SELECT $core_columns FROM dormancy.status_snapshot) core/"
	view_text call_list |
		sed -e 's/^CREATE OR REPLACE VIEW dormancy.call_list WITH (security_invoker = true) AS/CREATE VIEW public.readtime_call_list AS/' \
			-e 's/FROM dormancy.customer_status s)/FROM public.readtime_status s)/'
} | psql -X -q -v ON_ERROR_STOP=1
# the prototype reads what it should: the snapshot, not the orders
if psql -X -At -c "EXPLAIN SELECT * FROM public.readtime_call_list" | grep -q 'invoices'; then
	echo "read_time.sh: the prototype reads the orders" >&2
	exit 1
fi
one=$(psql -X -At -c "SELECT customer_id FROM dormancy.status_snapshot ORDER BY hashint4(customer_id) LIMIT 1")

preamble="SET dormancy.as_of = '$next';
SET jit = off;
SET client_min_messages = error;"
times() {
	psql -X -At -v ON_ERROR_STOP=1 <<SQL | grep -o '^Time: [0-9.]*' | awk '{print $2}'
$preamble
\o /dev/null
\timing on
$1
SQL
}

declare -A q=(
	[status]="SELECT count(s.*) FROM dormancy.customer_status s"
	[snap_all]="SELECT count(s.*) FROM dormancy.status_snapshot s"
	[rt_all]="SELECT count(s.*) FROM public.readtime_status s"
	[snap_list]="SELECT count(s.*) FROM (SELECT * FROM dormancy.snapshot_call_list LIMIT 50) s"
	[rt_list]="SELECT count(s.*) FROM (SELECT * FROM public.readtime_call_list LIMIT 50) s"
	[rt_rank]="SELECT max(s.r) FROM (SELECT pg_catalog.rank() OVER (ORDER BY s.value_tier, s.priority_score DESC, s.customer_id) AS r FROM public.readtime_status s) s"
	[snap_one]="SELECT count(s.*) FROM dormancy.status_snapshot s WHERE s.customer_id = $one"
	[rt_one]="SELECT count(s.*) FROM public.readtime_status s WHERE s.customer_id = $one"
)
order=(status snap_all rt_all snap_list rt_list rt_rank snap_one rt_one)
declare -A took
for ((i = 1; i <= runs; i++)); do
	for k in "${order[@]}"; do
		t=$(times "${q[$k]};")
		took[$k]+="$t "
		note "round $i, $k: $t ms"
	done
done
# the refresh's side of the trade, estimated: evaluate 3% of the customers
# (the share whose stored facts change in a day: 0.1% new orders, 2.7% other
# columns, docs/operations.md) and rewrite their snapshot rows, rolled back
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE public.rt_sample AS
	SELECT customer_id FROM dormancy.status_snapshot ORDER BY hashint4(customer_id)
	 LIMIT (SELECT count(*) * 3 / 100 FROM dormancy.status_snapshot)" -c "ANALYZE public.rt_sample"
sample=$(psql -X -At -c "SELECT count(*) FROM public.rt_sample")
for ((i = 1; i <= runs; i++)); do
	# one by one (docs/operations.md, Several customers): a list or a join
	# to the sample would fold every customer's orders first
	t=$(times "BEGIN;
CREATE TEMPORARY TABLE rt_changed ON COMMIT DROP AS
	SELECT s.* FROM public.rt_sample i
	 CROSS JOIN LATERAL (SELECT * FROM dormancy.customer_status s WHERE s.customer_id = i.customer_id OFFSET 0) s;
UPDATE dormancy.status_snapshot t SET refreshed_at = pg_catalog.now() FROM rt_changed c WHERE t.customer_id = c.customer_id;
ROLLBACK;" | awk '{ s += $1 } END { printf "%.3f\n", s }')
	took[changes]+="$t "
	note "round $i, changes ($sample customers): $t ms"
done
# the refreshes last: each moves the snapshot on by a day (vacuumed before,
# as autovacuum does between two nightly runs)
for ((i = 1; i <= runs; i++)); do
	psql -X -q -c "VACUUM dormancy.status_snapshot"
	t=$(psql -X -At <<SQL | grep -o '^Time: [0-9.]*' | awk '{print $2}'
\o /dev/null
\timing on
CALL dormancy.refresh(date '$as_of' + $i);
SQL
)
	took[refresh]+="$t "
	note "refresh $i: $t ms"
done
declare -A ms
for k in "${!took[@]}"; do ms[$k]=$(echo "${took[$k]}" | tr ' ' '\n' | grep . | median); done

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
f() { awk -v a="$1" 'BEGIN { printf (a < 100 ? "%.1f ms" : "%.0f ms"), a }'; }
echo
echo "Read-time prototype, $customers customers, $orders orders, $(date -u +%Y-%m-%d), medians of $runs ($(nproc) cores):"
echo
echo "| read | from the snapshot | computed at read time | read time ÷ snapshot |"
echo "|---|---:|---:|---:|"
echo "| every customer, every column | $(f "${ms[snap_all]}") | $(f "${ms[rt_all]}") | $(r "${ms[rt_all]}" "${ms[snap_all]}") |"
echo "| the call list's first 50 | $(f "${ms[snap_list]}") | $(f "${ms[rt_list]}") | $(r "${ms[rt_list]}" "${ms[snap_list]}") |"
echo "| every customer's rank alone | | $(f "${ms[rt_rank]}") | |"
echo "| one customer (read time: without its rank) | $(f "${ms[snap_one]}") | $(f "${ms[rt_one]}") | $(r "${ms[rt_one]}" "${ms[snap_one]}") |"
echo
echo "For scale: customer_status as of the next day $(f "${ms[status]}") (read time every customer: $(r "${ms[rt_all]}" "${ms[status]}") of it);"
echo "the next day's refresh today $(f "${ms[refresh]}"); evaluating and rewriting the $sample customers (3%) whose"
echo "stored facts would change in a day, as a refresh under the read-time design would: $(f "${ms[changes]}") ($(awk -v a="${ms[changes]}" -v b="${ms[refresh]}" 'BEGIN { printf "%.1f%%", 100 * a / b }') of today's)."
