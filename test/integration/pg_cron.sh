#!/usr/bin/env bash
# pg_cron runs CALL dormancy.refresh() on schedule: a server of its own with
# pg_cron preloaded, a job scheduled with cron.schedule(), a bounded wait for
# the run to show in cron.job_run_details and dormancy.refresh_runs, then the
# snapshot is checked against customer_status.
#
# pg_cron needs shared_preload_libraries, so this test cannot use the runner's
# server: it starts its own (its own socket directory) and stops it at exit.
# The jobs run in background workers (cron.use_background_workers = on), so
# pg_cron needs no TCP connection to the server.
set -eu
. "$(dirname "$0")/../lib/common.sh"

db=dormancy_cron
saved_env=$(declare -p PGHOST PGPORT PGUSER PGDATABASE 2>/dev/null || true)
cleanup() {
	stop_server
	eval "$saved_env"
}
trap cleanup EXIT

start_server "shared_preload_libraries = 'pg_cron'" "cron.database_name = '$db'" \
	"cron.use_background_workers = on" "cron.log_statement = on"
createdb "$db"
export PGDATABASE=$db

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pg_cron' -c 'CREATE EXTENSION dormancy'
psql -X -q -v ON_ERROR_STOP=1 -v customers=300 -v seed=0.42 -f "$REPO/test/demo/generate.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
SQL

# pg_cron >= 1.5 takes '[1-59] seconds'; before that a minute is the finest
version=$(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")
if [ "$(printf '%s\n1.5\n' "${version%%-*}" | sort -V | head -1)" = "1.5" ]; then
	schedule='5 seconds'
else
	schedule='* * * * *'
fi
echo "pg_cron $version: schedule '$schedule'"
job=$(psql -X -At -v ON_ERROR_STOP=1 \
	-c "SELECT cron.schedule('dormancy-nightly', '$schedule', 'CALL dormancy.refresh()')")
echo "job $job scheduled"

# wait (bounded) for pg_cron to have run the job to its end
deadline=$((SECONDS + 150))
while :; do
	done_runs=$(psql -X -At -c "SELECT count(*) FROM cron.job_run_details WHERE jobid = $job AND status IN ('succeeded', 'failed')")
	[ "$done_runs" -gt 0 ] && break
	if [ $SECONDS -ge $deadline ]; then
		echo "pg_cron did not run the job within 150 s"
		psql -X -c "SELECT * FROM cron.job_run_details" -c "SELECT * FROM dormancy.refresh_runs"
		tail -20 "$PG_TMP/server.log"
		exit 1
	fi
	sleep 1
done
psql -X -At -c "SELECT cron.unschedule($job)" >/dev/null
echo "pg_cron ran the job after $SECONDS s"

psql -X -v ON_ERROR_STOP=1 -c "SELECT jobid, username, database, command, status, return_message FROM cron.job_run_details WHERE jobid = $job ORDER BY runid"
psql -X -v ON_ERROR_STOP=1 -c "SELECT run_id, outcome, rows, changes, as_of, run_by, duration, error_text FROM dormancy.refresh_runs ORDER BY run_id"

# the job succeeded, in cron's log and in ours, and the snapshot is customer_status
# on the run's as-of day, row for row
result=$(psql -X -At -v ON_ERROR_STOP=1 <<SQL
SELECT (SELECT status FROM cron.job_run_details WHERE jobid = $job ORDER BY runid LIMIT 1);
SELECT (SELECT outcome || ' ' || rows FROM dormancy.refresh_runs ORDER BY run_id LIMIT 1);
SELECT set_config('dormancy.as_of', (SELECT as_of::text FROM dormancy.refresh_runs ORDER BY run_id LIMIT 1), false) IS NOT NULL;
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute
 WHERE attrelid = 'dormancy.customer_status'::regclass AND attnum > 0 AND NOT attisdropped \gset
SELECT (SELECT count(*) FROM (SELECT ROW(:cols)::text FROM dormancy.customer_status EXCEPT ALL SELECT ROW(:cols)::text FROM dormancy.status_snapshot) a)
	 + (SELECT count(*) FROM (SELECT ROW(:cols)::text FROM dormancy.status_snapshot EXCEPT ALL SELECT ROW(:cols)::text FROM dormancy.customer_status) b);
SELECT count(*) FROM dormancy.status_history;
SQL
)
echo "$result"
expected=$'succeeded\nsucceeded 300\nt\n0\n300'
[ "$result" = "$expected" ] || { echo "unexpected result (want: $(echo "$expected" | tr '\n' ' '))"; exit 1; }
echo "pg_cron refresh ok: 300 customers in the snapshot, identical to customer_status"
