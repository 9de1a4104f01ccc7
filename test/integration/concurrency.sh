#!/usr/bin/env bash
# Readers of the snapshot and writers to the orders while refreshes run, two at
# a time: readers never wait for a lock (lock_timeout = 100ms: any wait longer
# than that aborts the reader and fails the test), no reader sees a torn
# snapshot (each read sees rows of one refresh only, all the customers, while
# the refreshes update the rows in place), the
# overlapping refreshes skip instead of piling up, none fails, and the state
# history stays a chain (each change starts from the state the previous one
# ended in).  A control shows the lock_timeout detector fires on a lock that
# would block (ACCESS EXCLUSIVE, what TRUNCATE would take).  Last,
# fit_models() while another session holds the history store: it reads the
# orders instead of waiting; and while an order moves between customers: it
# counts it as before the move.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PATH=/usr/lib/postgresql/15/bin:$PATH
db=dormancy_concurrency_t
customers=1000
seconds=15
work=$(mktemp -d /tmp/dormancy-concurrency.XXXXXX)
chmod 777 "$work"
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	dropdb --if-exists "$db"
	rm -rf "$work"
}
trap cleanup EXIT
export PGDATABASE=$db

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION dormancy'
psql -X -q -v ON_ERROR_STOP=1 -v customers=$customers -v seed=0.42 -f "$repo/test/demo/generate.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on',
							amount => 'total', category => 'category', discounted => 'discounted');
CALL dormancy.refresh();
SQL

# wait_for SQL VALUE: until SQL gives VALUE (asked every 0.05 s, for at most
# 10 s; false if it never does), not a fixed pause that a loaded machine may
# not honour
wait_for() {
	for _ in $(seq 1 200); do
		[ "$(psql -X -At -c "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# hold_exclusive TABLE SECONDS: another session holds TABLE ACCESS EXCLUSIVE
# for SECONDS (in the background: $locker), returning once the lock is seen
# granted
hold_exclusive() {
	psql -X -q -c "BEGIN; LOCK $1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($2); COMMIT;" >/dev/null &
	locker=$!
	wait_for "SELECT count(*) FROM pg_locks WHERE relation = '$1'::regclass AND mode = 'AccessExclusiveLock' AND granted" 1 || true
}

# control: a lock that blocks readers (what TRUNCATE or a table swap would take)
# makes a reader with lock_timeout fail, so the readers below would notice one
# (the reader starts once the lock is seen held, not after a fixed pause
# that a loaded machine may not honour)
hold_exclusive dormancy.status_snapshot 3
if PGOPTIONS='-c lock_timeout=100ms' psql -X -q -c 'SELECT count(*) FROM dormancy.status_snapshot' >/dev/null 2>"$work/control.err"; then
	echo "control failed: a reader did not notice an ACCESS EXCLUSIVE lock"
	exit 1
fi
wait $locker
echo "control: a blocking lock is detected ($(head -1 "$work/control.err"))"

cat >"$work/reader.sql" <<'EOF'
SELECT count(*) AS n, count(DISTINCT refreshed_at) AS k FROM dormancy.status_snapshot \gset
\if :k != 1
SELECT 'torn snapshot: rows of several refreshes' AS failure, 1 / 0;
\elif :n != :customers
SELECT 'torn snapshot: customers missing or doubled' AS failure, 1 / 0;
\endif
SELECT sum(customers) AS summary FROM dormancy.segment_summary \gset
\if :summary != :customers
SELECT 'segment_summary does not add up' AS failure, 1 / 0;
\endif
SELECT count(*) FROM dormancy.snapshot_call_list;
EOF
cat >"$work/writer.sql" <<'EOF'
\set account random(1, :customers)
INSERT INTO demo.invoices (account_id, invoiced_on, total, category) VALUES (:account, now(), 10.00, 'core');
EOF

# refreshers: two loops calling refresh until the readers are done
refresher() {
	while [ ! -e "$work/stop" ]; do
		psql -X -q -c 'CALL dormancy.refresh()' >>"$work/refresh-$1.log" 2>&1 || echo "refresh error" >>"$work/refresh-$1.log"
	done
}
refresher 1 & pids+=($!)
refresher 2 & pids+=($!)

start=$(psql -X -At -c "SELECT clock_timestamp()")
(cd "$work" && PGOPTIONS='-c lock_timeout=100ms' pgbench -n -c 2 -T $seconds -R 200 -D customers=$customers \
	-f writer.sql >writer.out 2>&1; echo $? >writer.rc) & pids+=($!)
(cd "$work" && PGOPTIONS='-c lock_timeout=100ms' pgbench -n -c 4 -T $seconds -D customers=$customers \
	-l --log-prefix=reader -f reader.sql >reader.out 2>&1; echo $? >reader.rc)
end=$(psql -X -At -c "SELECT clock_timestamp()")
touch "$work/stop"
wait

echo "== readers (4 clients, $seconds s, lock_timeout 100ms)"
grep -E 'number of transactions actually processed|number of failed|latency average|aborted|tps' "$work/reader.out" || true
echo "== writers (2 clients inserting orders, 200 per second)"
grep -E 'number of transactions actually processed|latency average|aborted|tps' "$work/writer.out" || true
read_max_ms=$(cat "$work"/reader.* 2>/dev/null | awk 'NF >= 3 && $3 ~ /^[0-9]+$/ { if ($3 > m) m = $3 } END { printf "%.1f", m / 1000 }')
reads=$(cat "$work"/reader.[0-9]* 2>/dev/null | wc -l)
echo "reader transactions logged: $reads, max latency ${read_max_ms} ms"

fails=0
[ "$(cat "$work/reader.rc")" = 0 ] || { echo "FAIL: a reader aborted (lock wait or torn snapshot):"; grep -iE 'abort|error|failure' "$work/reader.out" | head -5; fails=$((fails + 1)); }
[ "$(cat "$work/writer.rc")" = 0 ] || { echo "FAIL: a writer aborted:"; grep -iE 'abort|error' "$work/writer.out" | head -5; fails=$((fails + 1)); }
if grep -h 'refresh error' "$work"/refresh-*.log >/dev/null 2>&1; then
	echo "FAIL: a refresh raised an error:"; grep -h -B2 'refresh error' "$work"/refresh-*.log | head; fails=$((fails + 1))
fi

echo "== refreshes"
psql -X -c "SELECT outcome, count(*), max(rows) AS rows, round(avg(extract(epoch FROM duration))::numeric * 1000) AS avg_ms,
				   round(max(extract(epoch FROM duration))::numeric * 1000) AS max_ms
			  FROM dormancy.refresh_runs GROUP BY outcome ORDER BY outcome"
# refreshes that ran (started and committed) while the readers read
stats=$(psql -X -At -F ' ' -c "SELECT count(*) FILTER (WHERE outcome = 'succeeded' AND started_at > '$start' AND finished_at < '$end'),
		count(*) FILTER (WHERE outcome = 'skipped'),
		count(*) FILTER (WHERE outcome NOT IN ('succeeded', 'skipped')),
		count(*) FILTER (WHERE outcome = 'succeeded' AND rows <> $customers)
	FROM dormancy.refresh_runs")
read -r succeeded skipped other wrong_rows <<<"$stats"
[ "$succeeded" -ge 2 ] || { echo "FAIL: only $succeeded refreshes ran while the readers read"; fails=$((fails + 1)); }
[ "$skipped" -ge 1 ] || { echo "FAIL: no refresh was skipped: the two loops never overlapped"; fails=$((fails + 1)); }
[ "$other" = 0 ] || { echo "FAIL: $other refreshes failed or were aborted"; fails=$((fails + 1)); }
[ "$wrong_rows" = 0 ] || { echo "FAIL: $wrong_rows refreshes wrote a snapshot without all $customers customers"; fails=$((fails + 1)); }
# the refreshes the readers saw wrote the snapshot in place (updated rows,
# not DELETE + INSERT): readers see the old rows or the new ones, never a mix
in_place=$(psql -X -At -c "SELECT count(*) FROM dormancy.refresh_runs
	 WHERE outcome = 'succeeded' AND started_at > '$start' AND finished_at < '$end' AND snapshot_written = 'in place'")
[ "$in_place" = "$succeeded" ] || { echo "FAIL: only $in_place of the $succeeded refreshes during the reads wrote the snapshot in place"; fails=$((fails + 1)); }

# the history is a chain per customer: each change starts where the previous ended
breaks=$(psql -X -At -c "SELECT count(*) FROM (
		SELECT h.change, h.from_state, lag(h.to_state) OVER w AS previous, lag(h.history_id) OVER w AS previous_id
		  FROM dormancy.status_history h WINDOW w AS (PARTITION BY h.customer_id ORDER BY h.history_id)) x
	 WHERE (x.previous_id IS NULL) <> (x.change = 'new') OR x.from_state IS DISTINCT FROM x.previous")
[ "$breaks" = 0 ] || { echo "FAIL: $breaks history rows do not continue the previous state"; fails=$((fails + 1)); }
# and the last recorded state of each customer is the one in the snapshot
drift=$(psql -X -At -c "SELECT count(*) FROM dormancy.status_snapshot s
	  FULL JOIN (SELECT DISTINCT ON (customer_id) customer_id, to_state FROM dormancy.status_history
				  ORDER BY customer_id, history_id DESC) h ON h.customer_id = s.customer_key
	 WHERE s.state IS DISTINCT FROM h.to_state")
[ "$drift" = 0 ] || { echo "FAIL: $drift customers' last history state differs from the snapshot"; fails=$((fails + 1)); }

# fit_models() reads the stored histories while they are usable, and never
# waits for a refresh that holds the store (a full one empties it, holding
# ACCESS EXCLUSIVE): it reads the orders instead (lock_timeout = 2s: a wait
# fails the fit)
psql -X -q -c "CALL dormancy.refresh()" >/dev/null
usable=$(psql -X -At -c "SELECT dormancy._stored_histories_usable()")
[ "$usable" = t ] || { echo "FAIL: the store is not usable after a refresh with no write since"; fails=$((fails + 1)); }
hold_exclusive dormancy.stored_histories 6
held_usable=$(PGOPTIONS='-c lock_timeout=2s' psql -X -At -c "SELECT dormancy._stored_histories_usable()" 2>&1)
[ "$held_usable" = f ] || { echo "FAIL: with the store held by another session, _stored_histories_usable() gave: $held_usable"; fails=$((fails + 1)); }
if ! PGOPTIONS='-c lock_timeout=2s' psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null 2>"$work/fit.err"; then
	echo "FAIL: fit_models() failed while the store was held: $(head -1 "$work/fit.err")"; fails=$((fails + 1))
fi
wait $locker
echo "fit_models: the store usable after a refresh; while held by another session, not usable and the fit did not wait"

# fit_models() reads the marks, the marked customers' orders and the store
# in one statement, under one snapshot: an order moved from a marked
# customer to another one by a transaction that commits while the fit reads
# is counted once, as before the move or as after it, never for neither
# customer (as when the three were read by three statements, until
# 2026-12-07).  The pause is made where the fit first casts a mark to the
# customer id (the marks it takes as a constant before that statement), a
# domain whose check sleeps once in the fit's session (conc.pause); the fits
# before and after the move are taken from the orders (the tracking
# triggers disabled in a transaction rolled back).
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SET client_min_messages = error;
CREATE SCHEMA rc;
CREATE FUNCTION rc.pause_once(v integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('conc.pause', true) = 'on' THEN
		PERFORM set_config('conc.pause', 'off', false);
		PERFORM pg_sleep(4);
	END IF;
	RETURN true;
END
$$;
CREATE DOMAIN rc.cust_id AS integer CHECK (rc.pause_once(VALUE));
CREATE TABLE rc.customers (id rc.cust_id PRIMARY KEY, sector text);
CREATE TABLE rc.orders (cid rc.cust_id, at date, amount numeric);
CREATE INDEX ON rc.orders (cid);
SELECT setseed(0.5);
INSERT INTO rc.customers SELECT g, (ARRAY['retail', 'ec'])[1 + g % 2] FROM generate_series(1, 400) g;
INSERT INTO rc.orders
SELECT 1 + floor(random() * 400)::int, date '2024-01-01' + floor(random() * 1000)::int, round((random() * 1000)::numeric, 2)
  FROM generate_series(1, 6000);
SELECT dormancy.bind_customers('rc.customers', id => 'id', industry => 'sector');
SELECT dormancy.bind_orders('rc.orders', customer => 'cid', ordered_at => 'at', amount => 'amount');
CALL dormancy.refresh();
INSERT INTO rc.orders VALUES (11, '2026-10-20', 100), (11, '2026-10-28', 90000);
SQL
models_text="SELECT string_agg(format('%s %s %s %s', segment_kind, segment_value, bgnbd, gammagamma), ' | ' ORDER BY segment_kind, segment_value) FROM dormancy.models"
before=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c "BEGIN" -c "ALTER TABLE rc.orders DISABLE TRIGGER USER" \
	-c "SELECT count(*) FROM dormancy.fit_models()" -c "$models_text" -c "ROLLBACK" | sed -n 2p)
usable=$(psql -X -At -c "SELECT dormancy._stored_histories_usable()")
[ "$usable" = t ] || { echo "FAIL: the store with one marked customer is not usable"; fails=$((fails + 1)); }
PGAPPNAME=conc_fit PGOPTIONS='-c conc.pause=on' psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" \
	-c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null 2>"$work/fit_move.err" &
fitter=$!
wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'conc_fit' AND wait_event = 'PgSleep'" 1 ||
	{ echo "FAIL: the fit never reached its pause"; fails=$((fails + 1)); }
psql -X -q -c "UPDATE rc.orders SET cid = 12 WHERE amount = 90000" >/dev/null
if ! wait $fitter; then
	echo "FAIL: fit_models() failed: $(head -1 "$work/fit_move.err")"; fails=$((fails + 1))
fi
during=$(psql -X -At -c "$models_text")
after=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c "BEGIN" -c "ALTER TABLE rc.orders DISABLE TRIGGER USER" \
	-c "SELECT count(*) FROM dormancy.fit_models()" -c "$models_text" -c "ROLLBACK" | sed -n 2p)
if [ -z "$before" ] || [ -z "$after" ] || [ "$before" = "$after" ] || { [ "$during" != "$before" ] && [ "$during" != "$after" ]; }; then
	echo "FAIL: a fit while an order moved between customers equals neither the fit before the move nor the fit after it"; fails=$((fails + 1))
fi
echo "fit_models: an order moved while the fit read the store counted once (models equal to the orders' fit $([ "$during" = "$before" ] && echo before || echo after) the move)"

# The store is checked (_stored_histories_usable) before the statement that
# reads it: the orders truncated and loaded again by a transaction that
# commits in between (the truncation recorded as an invalidation, no mark)
# make that statement read every customer from the orders, not the stale
# store.  (Until 2026-12-07 the store was read: the truncated customers were
# counted.)  The pause: an event trigger sleeps once at the fit's DROP TABLE
# of its summaries' table, which comes after the check (conc.pause_drop in
# the fit's session).
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SET client_min_messages = error;
CREATE TABLE rc.orders_copy AS SELECT * FROM rc.orders;
CALL dormancy.refresh();
CREATE FUNCTION rc.pause_at_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('conc.pause_drop', true) = 'on' THEN
		PERFORM set_config('conc.pause_drop', 'off', false);
		PERFORM pg_sleep(4);
	END IF;
END
$$;
CREATE EVENT TRIGGER conc_pause_at_drop ON ddl_command_start WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION rc.pause_at_drop();
SQL
PGAPPNAME=conc_fit2 PGOPTIONS='-c conc.pause_drop=on' psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" \
	-c "CREATE TEMP TABLE dormancy_fit_summaries (x integer)" -c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null 2>"$work/fit_truncate.err" &
fitter=$!
wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'conc_fit2' AND wait_event = 'PgSleep'" 1 ||
	{ echo "FAIL: the fit never reached its pause before the read"; fails=$((fails + 1)); }
psql -X -q -v ON_ERROR_STOP=1 -c "BEGIN" -c "TRUNCATE rc.orders" -c "INSERT INTO rc.orders SELECT * FROM rc.orders_copy WHERE cid % 2 = 0" -c "COMMIT" >/dev/null
if ! wait $fitter; then
	echo "FAIL: fit_models() failed: $(head -1 "$work/fit_truncate.err")"; fails=$((fails + 1))
fi
during=$(psql -X -At -c "$models_text")
after=$(psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = error" -c "BEGIN" -c "ALTER TABLE rc.orders DISABLE TRIGGER USER" \
	-c "SELECT count(*) FROM dormancy.fit_models()" -c "$models_text" -c "ROLLBACK" | sed -n 2p)
psql -X -q -c "DROP EVENT TRIGGER conc_pause_at_drop" >/dev/null
if [ -z "$after" ] || [ "$during" != "$after" ]; then
	echo "FAIL: a fit while the orders were truncated and loaded again differs from the orders' fit after the load"; fails=$((fails + 1))
fi
echo "fit_models: the orders truncated between the store's check and its read: read from the orders (models equal to the orders' fit after the load)"

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "readers never waited (max ${read_max_ms} ms), never saw a torn snapshot; $succeeded refreshes during the reads, $skipped skipped, none failed"
