#!/usr/bin/env bash
# Scale-out with postgres_fdw (issue 13): a coordinator whose demo.accounts
# and demo.invoices are hash-partitioned by account_id into three foreign
# partitions, one on each of three shard servers, against a single-node
# reference server holding the same data.  Both are bound as
# test/demo/report.sql binds them, models fitted and a refresh run with the
# same as-of day and time zone; then every query of
# test/scale_out/compare.sql must give the same rows on both
# (test/scale_out/compare_nodes.py).  Then: writes through the coordinator
# (INSERT, UPDATE, DELETE on both partitioned tables) keep working after
# binding and the next refresh shows them; an order written directly on a
# shard shows after the next refresh; the same writes made on the reference
# keep the two equal.  The coordinator runs with
# enable_partitionwise_aggregate = on, so every comparison takes whatever
# shipped path the planner finds.  Last: the per-customer aggregate of
# dormancy.customer_histories is shipped to the shards, the coordinator's
# zone and as-of day parameters of the remote query (the shards' own
# sessions run in UTC).
#
# Five servers of its own (each start_server makes one in its own socket
# directory, all on port 5432), stopped at exit; the PG* environment of the
# runner's server is restored.
set -eu
. "$(dirname "$0")/../lib/common.sh"

saved_env=$(declare -p PGHOST PGPORT PGUSER PGDATABASE 2>/dev/null || true)
servers=()
cleanup() {
	local dir
	for dir in "${servers[@]}"; do
		PG_TMP=$dir
		stop_server
	done
	eval "$saved_env"
}
trap cleanup EXIT

fail() {
	echo "FAILED: $*"
	exit 1
}

# psql on the server whose socket directory is $1
on() {
	local host=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p 5432 -U postgres -d postgres "$@"
}
# one value (or unaligned rows) from the server whose socket directory is $1
val() {
	local host=$1
	shift
	psql -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p 5432 -U postgres -d postgres "$@"
}
dsn() { printf 'host=%s port=5432 dbname=postgres user=postgres' "$1"; }

# a new server; its socket directory in $dir
new_server() {
	start_server "$@"
	servers+=("$PG_TMP")
	dir=$PG_TMP
}

build_install
[ -f "$PG_ROOT/usr/share/postgresql/15/extension/postgres_fdw.control" ] ||
	fail "postgres_fdw is not in the private PostgreSQL tree ($PG_ROOT): Debian's postgresql-15 ships it"

new_server
ref=$dir
shards=()
for k in 0 1 2; do
	new_server
	shards+=("$dir")
done
# the coordinator plans every query partitionwise, so that the refresh and
# the compared views take the shipped path wherever the planner can take it
new_server "enable_partitionwise_aggregate = on" "enable_partitionwise_join = on"
coord=$dir
echo "servers: reference $ref, shards ${shards[*]}, coordinator $coord"

# the reference: the demo data, as generated
customers=3000
on "$ref" -c 'CREATE EXTENSION dormancy'
on "$ref" -v customers=$customers -v seed=0.42 -f "$REPO/test/demo/generate.sql" >/dev/null

# the shards: the extension (the same build, so the same version) and the
# tables, empty, with the reference's column names and types
for s in "${shards[@]}"; do
	on "$s" <<'SQL'
CREATE EXTENSION dormancy;
CREATE SCHEMA demo;
CREATE TABLE demo.accounts (
	account_id integer PRIMARY KEY,
	account_name text NOT NULL,
	sector text,
	size_class text
);
CREATE TABLE demo.invoices (
	invoice_id bigint PRIMARY KEY,
	account_id integer,
	invoiced_on timestamptz,
	total numeric(12, 2),
	category text,
	discounted boolean NOT NULL DEFAULT false
);
CREATE INDEX ON demo.invoices (account_id);
SQL
done

# the coordinator: partitioned tables, partition k a foreign table on shard k
on "$coord" -c 'CREATE EXTENSION postgres_fdw' -c 'CREATE EXTENSION dormancy' -c 'CREATE SCHEMA demo'
on "$coord" <<'SQL'
CREATE TABLE demo.accounts (
	account_id integer NOT NULL,
	account_name text NOT NULL,
	sector text,
	size_class text
) PARTITION BY HASH (account_id);
CREATE SEQUENCE demo.invoices_invoice_id_seq;
CREATE TABLE demo.invoices (
	invoice_id bigint NOT NULL DEFAULT nextval('demo.invoices_invoice_id_seq'),
	account_id integer,
	invoiced_on timestamptz,
	total numeric(12, 2),
	category text,
	discounted boolean NOT NULL DEFAULT false
) PARTITION BY HASH (account_id);
SQL
for k in 0 1 2; do
	on "$coord" <<SQL
CREATE SERVER shard$k FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '${shards[$k]}', port '5432', dbname 'postgres', extensions 'dormancy', async_capable 'true');
CREATE USER MAPPING FOR postgres SERVER shard$k OPTIONS (user 'postgres');
CREATE FOREIGN TABLE demo.accounts_$k PARTITION OF demo.accounts FOR VALUES WITH (MODULUS 3, REMAINDER $k)
	SERVER shard$k OPTIONS (schema_name 'demo', table_name 'accounts');
CREATE FOREIGN TABLE demo.invoices_$k PARTITION OF demo.invoices FOR VALUES WITH (MODULUS 3, REMAINDER $k)
	SERVER shard$k OPTIONS (schema_name 'demo', table_name 'invoices');
SQL
done

# the reference's rows, copied through the coordinator: each row routed to
# its shard by postgres_fdw
for t in accounts invoices; do
	val "$ref" -c "\\copy demo.$t TO STDOUT" | on "$coord" -c "\\copy demo.$t FROM STDIN"
done
# contacts stay a local (unbound) table on the coordinator
pg_dump -h "$ref" -p 5432 -U postgres -t demo.contacts postgres | on "$coord" >/dev/null
on "$coord" -c "SELECT setval('demo.invoices_invoice_id_seq', (SELECT max(invoice_id) FROM demo.invoices))" >/dev/null
for s in "${shards[@]}"; do on "$s" -c 'ANALYZE'; done
on "$coord" -c 'ANALYZE demo.accounts, demo.invoices'

echo "rows per shard (accounts, invoices):"
for k in 0 1 2; do
	echo "  shard$k: $(val "${shards[$k]}" -c "SELECT (SELECT count(*) FROM demo.accounts) || ', ' || (SELECT count(*) FROM demo.invoices)")"
done
counts="SELECT (SELECT count(*) FROM demo.accounts) || ' accounts, ' || (SELECT count(*) FROM demo.invoices) || ' invoices'"
counts_ref=$(val "$ref" -c "$counts")
counts_coord=$(val "$coord" -c "$counts")
[ "$counts_ref" = "$counts_coord" ] || fail "row counts differ: reference $counts_ref, coordinator $counts_coord"
echo "ok: same rows on the reference and through the coordinator ($counts_ref)"
# every shard holds rows of its own remainder only
for k in 0 1 2; do
	# (OFFSET 0: the check runs on the coordinator, which knows the parent)
	wrong=$(val "$coord" -c "SELECT count(*) FROM (SELECT account_id FROM demo.invoices_$k OFFSET 0) i
		WHERE NOT satisfies_hash_partition('demo.invoices'::regclass, 3, $k, i.account_id)")
	[ "$wrong" = 0 ] || fail "shard$k holds $wrong orders of another shard"
done

# bind as test/demo/report.sql does, on both
bind() {
	on "$1" <<'SQL'
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class') IS NOT NULL AS customers_bound;
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted') IS NOT NULL AS orders_bound;
SQL
}
echo "binding on the reference"
bind "$ref" 2>&1 | sed 's/^/  /'
echo "binding on the coordinator"
bind "$coord" >"$coord/bind.log" 2>&1 || { sed 's/^/  /' "$coord/bind.log"; fail "binding on the coordinator"; }
sed 's/^/  /' "$coord/bind.log"
echo "ok: both bound"

# fit and refresh, the settings in the same session
refresh() {
	on "$1" <<'SQL'
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT count(*) AS models_fitted FROM dormancy.fit_models();
CALL dormancy.refresh();
SQL
}
refresh_only() {
	on "$1" -c "SET dormancy.as_of = '2026-11-01'" -c "SET dormancy.time_zone = 'Asia/Tokyo'" \
		-c 'CALL dormancy.refresh()'
}
for node in ref coord; do
	start=$SECONDS
	refresh "${!node}" >"${!node}/refresh.log" 2>&1 || { sed 's/^/  /' "${!node}/refresh.log"; fail "fit and refresh on $node"; }
	echo "fit_models and refresh on $node: $((SECONDS - start)) s"
done

# The queries of test/scale_out/compare.sql, but segment_summary without its
# refreshed_at: the time of each node's own refresh, which two refreshes can
# never share (every other column is compared).
queries=$coord/compare.sql
summary_cols=$(val "$ref" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
	WHERE attrelid = 'dormancy.segment_summary'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'refreshed_at'")
sed "s/^SELECT \* FROM dormancy.segment_summary /SELECT $summary_cols FROM dormancy.segment_summary /" \
	"$REPO/test/scale_out/compare.sql" >"$queries"
failures=0
compare() {
	# (Debian's python3-psycopg2, hence /usr/bin/python3, as bi_client.sh)
	echo "compare ($1):"
	if /usr/bin/python3 "$REPO/test/scale_out/compare_nodes.py" "$(dsn "$ref")" "$(dsn "$coord")" \
		"$queries" | sed 's/^/  /'; [ "${PIPESTATUS[0]}" -eq 0 ]; then
		echo "ok: every query equal ($1)"
	else
		echo "FAILED: the coordinator differs from the reference ($1)"
		failures=$((failures + 1))
	fi
}
compare "after the first refresh"

# writes through the coordinator after binding
new_id=$((customers + 1001))
gone_id=$((customers + 1002))
echo "writes through the coordinator"
on "$coord" >"$coord/writes.log" 2>&1 <<SQL || { sed 's/^/  /' "$coord/writes.log"; fail "writes through the coordinator"; }
INSERT INTO demo.accounts VALUES ($new_id, 'FDW New Co., Ltd.', 'ec', 'smb'), ($gone_id, 'FDW Gone Inc.', 'retail', 'mid');
INSERT INTO demo.invoices (account_id, invoiced_on, total, category)
	VALUES ($new_id, '2026-10-20 10:00+09', 123.45, 'core');
UPDATE demo.invoices SET total = total + 1 WHERE invoice_id = 17;
DELETE FROM demo.invoices WHERE invoice_id = 42;
UPDATE demo.accounts SET account_name = 'Renamed ' || account_name WHERE account_id = 7;
DELETE FROM demo.accounts WHERE account_id = $gone_id;
SQL
echo "ok: INSERT, UPDATE and DELETE on demo.accounts and demo.invoices through the coordinator"
new_invoice=$(val "$coord" -c "SELECT invoice_id FROM demo.invoices WHERE account_id = $new_id")
on "$ref" <<SQL
INSERT INTO demo.accounts VALUES ($new_id, 'FDW New Co., Ltd.', 'ec', 'smb'), ($gone_id, 'FDW Gone Inc.', 'retail', 'mid');
INSERT INTO demo.invoices (invoice_id, account_id, invoiced_on, total, category)
	VALUES ($new_invoice, $new_id, '2026-10-20 10:00+09', 123.45, 'core');
UPDATE demo.invoices SET total = total + 1 WHERE invoice_id = 17;
DELETE FROM demo.invoices WHERE invoice_id = 42;
UPDATE demo.accounts SET account_name = 'Renamed ' || account_name WHERE account_id = 7;
DELETE FROM demo.accounts WHERE account_id = $gone_id;
SQL

# the last order of a customer in the snapshot (the snapshot keeps days in
# the zone; compared as Tokyo days and as timestamps, whichever it holds)
snapshot_last() {
	val "$1" -c "SET dormancy.time_zone = 'Asia/Tokyo'" -c "SET timezone = 'Asia/Tokyo'" \
		-c "SELECT coalesce(last_order_at::text, 'NULL') FROM dormancy.status_snapshot WHERE customer_id = $2"
}
# refresh the coordinator, then its snapshot must show customer $1's last
# order on day $2 ($3: where the order was written)
expect_last_order() {
	refresh_only "$coord" >/dev/null 2>&1 || { refresh_only "$coord"; fail "refresh on the coordinator after the write $3"; }
	got=$(snapshot_last "$coord" "$1")
	echo "customer $1, order written $3 on $2: last_order_at in the coordinator's snapshot: ${got:-(no row)}"
	case "$got" in
	"$2"*) echo "ok: the refresh on the coordinator shows the order written $3" ;;
	*) fail "the coordinator's snapshot does not show the order of customer $1 written $3" ;;
	esac
}
expect_last_order "$new_id" 2026-10-20 "through the coordinator"
[ "$(val "$coord" -c "SELECT count(*) FROM dormancy.status_snapshot WHERE customer_id = $gone_id")" = 0 ] ||
	fail "customer $gone_id, deleted through the coordinator, is still in the snapshot"

# an order written directly on shard 0, for a customer of that shard
shard_customer=$(val "${shards[0]}" -c 'SELECT min(account_id) FROM demo.accounts')
shard_invoice=900000001
write_direct() {
	on "$1" -c "INSERT INTO demo.invoices (invoice_id, account_id, invoiced_on, total, category)
		VALUES ($shard_invoice, $shard_customer, '2026-10-30 12:00+09', 55.00, 'accessories')"
}
write_direct "${shards[0]}"
write_direct "$ref"
expect_last_order "$shard_customer" 2026-10-30 "directly on shard 0"

refresh_only "$ref" >/dev/null
compare "after the writes and a second refresh"

# pushdown: the per-customer aggregate shipped to the shards, with the
# coordinator's zone and as-of day as parameters of the remote query
echo "EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM dormancy.customer_histories, on the coordinator, enable_partitionwise_aggregate = on:"
plan=$(val "$coord" -c 'SET enable_partitionwise_aggregate = on' -c "SET dormancy.as_of = '2026-11-01'" \
	-c "SET dormancy.time_zone = 'Asia/Tokyo'" -c 'EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM dormancy.customer_histories')
printf '%s\n' "$plan" | sed 's/^/  /'
shipped=$(printf '%s\n' "$plan" | grep 'Remote SQL:' | grep -c 'dormancy\.categorized_history(dormancy\._local_time(invoiced_on, \$1::jsonb)' || true)
[ "$shipped" -eq 3 ] || fail "the histories' aggregate is shipped to $shipped of 3 shards, with the zone as a parameter"
echo "ok: the aggregate is shipped to all 3 shards, the zone and as-of day as parameters"
if printf '%s\n' "$plan" | grep 'Remote SQL:' | grep -q 'local_day\|as_of_day\|_time_zone_in_force'; then
	fail "a shard's query reads a setting of the shard"
fi

[ "$failures" -eq 0 ] || fail "$failures comparison(s) differ"
echo "fdw_shards ok"
