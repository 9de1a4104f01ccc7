#!/usr/bin/env bash
# A BI tool's view of the results: bi_client.py connects through psycopg2 (from
# Debian's python3-psycopg2, hence /usr/bin/python3, not a python3 on PATH) as
# a dormancy_reader user, lists the views and columns with their comments, and
# reads the call list.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
db=dormancy_bi_t
user=dormancy_bi_client_$$
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
cleanup() {
	dropdb --if-exists "$db"
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $user"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION dormancy'
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v customers=500 -v seed=0.42 -f "$repo/test/demo/generate.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL >/dev/null
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
CALL dormancy.refresh('2026-11-01');
CREATE ROLE $user LOGIN IN ROLE dormancy_reader;
SQL
# the live call list as of the same day has as many rows as the snapshot's
want=$(psql -X -At -d "$db" -c "SET dormancy.as_of = '2026-11-01'" -c "SELECT count(*) FROM dormancy.call_list" | tail -1)

/usr/bin/python3 "$here/bi_client.py" "$db" "$user" "$want"
