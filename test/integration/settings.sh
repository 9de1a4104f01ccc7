#!/usr/bin/env bash
# dormancy.as_of, dormancy.time_zone and dormancy.language: an invalid value is the same clear
# error however it arrives (SET once the library is loaded, SET before it is,
# PGOPTIONS / a BI tool's connection options, ALTER ROLE ... IN DATABASE ...
# SET, ALTER DATABASE ... SET), at every read of the setting, with no warning
# at load and no query silently run as of now in UTC; a refresh under such a
# setting fails and is logged as failed.  The first statement of a new
# session may be a query of the live views (the library is loaded before any
# setting of ours is read).  A refresh whose session is terminated (FATAL,
# which nothing can catch) is marked aborted by the next refresh.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
PATH=/usr/lib/postgresql/15/bin:$PATH
db=dormancy_settings_t
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
bg=
cleanup() {
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
	wait 2>/dev/null
	psql -X -q -d postgres -c "ALTER ROLE CURRENT_USER IN DATABASE $db RESET ALL" 2>/dev/null
	dropdb --if-exists "$db"
}
trap cleanup EXIT
export PGDATABASE=$db
unset PGOPTIONS

psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text, sector text);
CREATE TABLE crm.orders (account integer, at timestamptz, total numeric);
INSERT INTO crm.accounts VALUES (1, 'Alpha', 'consumables'), (2, 'Beta', 'it_services'), (3, 'Gamma', NULL);
INSERT INTO crm.orders VALUES (1, '2026-10-01 23:30+00', 10), (2, '2025-06-01 12:00+00', 500), (3, '2023-01-01 12:00+00', 5);
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total');
CALL dormancy.refresh('2026-11-01');
SQL

fails=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
# the ERROR, DETAIL and HINT lines of a psql run (and any WARNING)
messages() { grep -E '^(ERROR|DETAIL|HINT|WARNING):' || true; }

# 1. the first statement of a fresh session may read the live views
for view in customer_histories customer_status; do
	if out=$(psql -X -At -c "SELECT count(*) FROM dormancy.$view" 2>&1) && [ "$out" = 3 ]; then
		ok "a fresh session's first statement reads dormancy.$view ($out rows)"
	else
		fail "a fresh session's first statement on dormancy.$view: $out"
	fi
done

# 2. the same error however an invalid value arrives
check_setting() {	# check_setting NAME VALUE QUERY
	local name=$1 value=$2 query=$3 want got how
	# the reference: SET once the library is loaded
	want=$(psql -X -At -c "SELECT dormancy.as_of() IS NOT NULL" -c "SET $name = '$value'" 2>&1 | messages)
	if ! grep -q "^ERROR:  invalid value for parameter \"$name\": \"$value\"" <<<"$want"; then
		fail "SET $name = '$value' once loaded: $want"
		return
	fi
	for how in placeholder pgoptions role database; do
		case $how in
			placeholder) got=$(psql -X -At -c "SET $name = '$value'" -c "$query" 2>&1 | messages) ;;
			pgoptions) got=$(PGOPTIONS="-c $name=${value// /\\ }" psql -X -At -c "$query" 2>&1 | messages) ;;
			role)
				psql -X -q -c "ALTER ROLE CURRENT_USER IN DATABASE $db SET $name = '$value'"
				got=$(psql -X -At -c "$query" 2>&1 | messages)
				psql -X -q -c "ALTER ROLE CURRENT_USER IN DATABASE $db RESET $name" ;;
			database)
				psql -X -q -c "ALTER DATABASE $db SET $name = '$value'"
				got=$(psql -X -At -c "$query" 2>&1 | messages)
				psql -X -q -c "ALTER DATABASE $db RESET $name" ;;
		esac
		if [ "$got" = "$want" ]; then
			ok "$name = '$value' by $how: $query fails with the error of SET"
		else
			fail "$name = '$value' by $how: $query gave
$got
instead of
$want"
		fi
	done
}
check_setting dormancy.as_of 'not a day' "SELECT dormancy.as_of_day()"
check_setting dormancy.as_of 'not a day' "SELECT count(*) FROM dormancy.customer_status"
check_setting dormancy.as_of infinity "SELECT dormancy.as_of()"
check_setting dormancy.time_zone 'Mars/Olympus_Mons' "SELECT dormancy.local_day(now())"
check_setting dormancy.time_zone 'Mars/Olympus_Mons' "SELECT count(history) FROM dormancy.customer_histories"
check_setting dormancy.time_zone 'Mars/Olympus_Mons' "SELECT count(*) FROM dormancy.customer_status"
check_setting dormancy.language fr "SELECT dormancy.label('state', 'dormant')"
check_setting dormancy.language fr "SELECT count(state_label) FROM dormancy.call_list"
# a valid language that arrives before the library is loaded applies
for how in pgoptions role; do
	case $how in
		pgoptions) got=$(PGOPTIONS="-c dormancy.language=ja" psql -X -At -c "SELECT dormancy.label('state', 'dormant')" 2>&1) ;;
		role)
			psql -X -q -c "ALTER ROLE CURRENT_USER IN DATABASE $db SET dormancy.language = 'JA'"
			got=$(psql -X -At -c "SELECT dormancy.label('state', 'dormant')" 2>&1)
			psql -X -q -c "ALTER ROLE CURRENT_USER IN DATABASE $db RESET dormancy.language" ;;
	esac
	if [ "$got" = "$(printf '\344\274\221\347\234\240')" ]; then
		ok "dormancy.language = ja by $how: Japanese labels ($got)"
	else
		fail "dormancy.language = ja by $how: $got"
	fi
done

# 3. a refresh under an invalid setting of the database fails, logged as failed
psql -X -q -c "ALTER DATABASE $db SET dormancy.time_zone = 'Mars/Olympus_Mons'"
out=$(psql -X -At -c "CALL dormancy.refresh()" 2>&1 || true)
psql -X -q -c "ALTER DATABASE $db RESET dormancy.time_zone"
logged=$(psql -X -At -c "SELECT outcome || ' ' || sqlstate || ' ' || split_part(error_text, E'\n', 1) FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1")
if grep -q 'refresh failed: invalid value for parameter "dormancy.time_zone"' <<<"$out" &&
	[ "$logged" = 'failed 22023 invalid value for parameter "dormancy.time_zone": "Mars/Olympus_Mons"' ]; then
	ok "a refresh under an invalid database setting fails and is logged: $logged"
else
	fail "refresh under an invalid database setting: $out / logged: $logged"
fi

# 4. a terminated refresh (FATAL cannot be caught) is marked aborted by the next one
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE FUNCTION crm.slow(numeric) RETURNS numeric LANGUAGE sql VOLATILE AS $$ SELECT pg_sleep(0.5); SELECT $1 $$;
CREATE VIEW crm.slow_orders AS SELECT account, at, crm.slow(total) AS total FROM crm.orders, generate_series(1, 40);
SELECT dormancy.bind_orders('crm.slow_orders', customer => 'account', ordered_at => 'at', amount => 'total');
SQL
psql -X -q -c "CALL dormancy.refresh('2026-11-01')" >/dev/null 2>&1 &
bg=$!
pid=
for _ in $(seq 1 100); do
	pid=$(psql -X -At -c "SELECT pid FROM dormancy.refresh_runs WHERE outcome = 'running' ORDER BY run_id DESC LIMIT 1")
	[ -n "$pid" ] && break
	sleep 0.1
done
if [ -z "$pid" ]; then
	fail "no running refresh to terminate"
else
	psql -X -At -c "SELECT pg_terminate_backend($pid, 10000)" >/dev/null
	wait "$bg" 2>/dev/null || true
	bg=
	psql -X -q -c "SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total')" >/dev/null
	psql -X -q -c "CALL dormancy.refresh('2026-11-01')"
	runs=$(psql -X -At -c "SELECT string_agg(outcome, ' ' ORDER BY run_id) FROM (SELECT * FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 2) r")
	if [ "$runs" = "aborted succeeded" ]; then
		ok "a terminated refresh is marked aborted by the next one ($runs)"
	else
		fail "terminated refresh then a refresh: $runs"
	fi
fi

[ $fails -eq 0 ] && echo "settings: all checks passed" || echo "settings: $fails failed"
exit $((fails > 0))
