#!/usr/bin/env bash
# Benchmark: the orders read through an index that covers them (the statement
# customer_column_indexes.create_covering_index proposes) against reading
# them through the index on the customer column alone, side by side in one
# run on the demo data (JIT off).  The covering index is made once; the runs
# without it turn index-only scans off (enable_indexonlyscan), so that the
# same index entries are read and each order row is fetched from the table,
# as through the index on the customer column.  The two alternate, round by
# round, on one server.  Reports medians and ratios; asserts nothing about
# speed.
#   bash test/bench/covering_index.sh [customers] [rounds]   (default 100000, 3)
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib.sh"
cd "$REPO"
customers=${1:-100000}
rounds=${2:-3}
as_of=2026-11-01

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "work_mem = '256MB'" "max_wal_size = '4GB'"
bench_clock

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -v gap_scale=0.8773 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 \
	-c "SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class')" \
	-c "SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total')" >/dev/null
covering=$(psql -X -At -c "SELECT DISTINCT create_covering_index FROM dormancy.customer_column_indexes WHERE create_covering_index IS NOT NULL")
note "data: $customers customers, $(psql -X -At -c "SELECT count(*) FROM demo.invoices") orders; $covering"
psql -X -q -v ON_ERROR_STOP=1 -c "$covering" -c "VACUUM (ANALYZE) demo.invoices"
psql -X -q -v ON_ERROR_STOP=1 -c "SET dormancy.as_of = '$as_of'" -c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null 2>&1

# ms SETTING SQL...: the wall time in ms of the last statement, in a new
# session with enable_indexonlyscan = SETTING
ms() {
	local setting=$1
	shift
	{
		printf "SET dormancy.as_of = '%s';\nSET jit = off;\nSET enable_indexonlyscan = %s;\n\\\\o /dev/null\n" "$as_of" "$setting"
		for s in "$@"; do printf '\\timing off\n'; printf '%s;\n' "${s%%|*}"; printf '\\timing on\n'; printf '%s;\n' "${s#*|}"; done
	} | psql -X -q -v ON_ERROR_STOP=1 2>&1 | awk '/^Time: / { t = $2 } END { print t }'
}
# lookup SETTING: the median of 20 lookups of one customer (ms)
lookup() {
	local ids
	ids=$(psql -X -At -c "SELECT string_agg(account_id::text, ' ') FROM (SELECT account_id FROM demo.accounts ORDER BY hashint4(account_id) LIMIT 20) a")
	{
		printf "SET dormancy.as_of = '%s';\nSET jit = off;\nSET enable_indexonlyscan = %s;\n" "$as_of" "$1"
		printf 'PREPARE one(integer) AS SELECT * FROM dormancy.customer_status WHERE customer_id = $1;\n\\o /dev/null\nEXECUTE one(1);\n\\timing on\n'
		for id in $ids; do printf 'EXECUTE one(%s);\n' "$id"; done
	} | psql -X -q -v ON_ERROR_STOP=1 | awk '/^Time: / { print $2 }' | median
}

declare -A q=(
	[bare]="SELECT 1|SELECT count(s.*) FROM (SELECT account_id, count(*), max(invoiced_on), sum(total) FROM demo.invoices GROUP BY account_id) s"
	[hist]="SELECT 1|SELECT count(s.*) FROM dormancy.customer_histories s"
	[status]="SELECT 1|SELECT count(s.*) FROM dormancy.customer_status s"
	[fit]="SELECT dormancy.reset_stored_histories()|SELECT count(*) FROM dormancy.fit_models()"
	[refresh]="SELECT dormancy.reset_stored_histories()|CALL dormancy.refresh()"
)
keys="bare hist status fit refresh"
declare -A runs
for r in $(seq "$rounds"); do
	for k in $keys; do
		for mode in off on; do
			runs[$k.$mode]+="$(ms "$mode" "${q[$k]}") "
			note "round $r, $k, index-only scans $mode: ${runs[$k.$mode]##* }"
		done
	done
	for mode in off on; do
		runs[lookup.$mode]+="$(lookup "$mode") "
		note "round $r, lookup, index-only scans $mode"
	done
done
med() { printf '%s\n' ${runs[$1]} | grep -v '^ *$' | median; }

cat <<EOF

Customers: $customers, orders: $(psql -X -At -c "SELECT count(*) FROM demo.invoices"), dormancy $(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'dormancy'"),
$(date +%F), $(nproc) cores, $(psql -X -At -c "SELECT split_part(version(), ' on ', 1)"), JIT off, work_mem 256MB,
median of $rounds rounds, alternated (lookup: median of 20 customers each round).
The covering index: $covering

| query | customer index (ms) | covering index (ms) | covering ÷ customer index |
|---|---:|---:|---:|
EOF
for k in bare hist status lookup fit refresh; do
	case $k in
		bare) label="bare \`GROUP BY customer\` (count, max, sum)" ;;
		hist) label="\`customer_histories\`" ;;
		status) label="\`customer_status\`, all columns" ;;
		lookup) label="lookup of one customer" ;;
		fit) label="\`fit_models()\`, no stored histories" ;;
		refresh) label="\`CALL dormancy.refresh()\`, histories stored afresh" ;;
	esac
	off=$(med "$k.off"); on=$(med "$k.on")
	printf '| %s | %s | %s | %s |\n' "$label" "$off" "$on" "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f", a / b }')"
done
note done
