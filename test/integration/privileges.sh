#!/usr/bin/env bash
# The privilege catalogue: what PUBLIC (any role), dormancy_reader and
# dormancy_analyst may do with every function, table, view and sequence in
# schema dormancy equals the table in docs/security.md, with every source
# bound, the snapshot built and models fitted (so every generated view exists).
# Then what the roles are for, tried as login roles:
#  - an analyst (dormancy_analyst + SELECT on the bound tables) reads every
#    live view, without any grant on the extension's internal tables;
#  - the same analyst without SELECT on the bound tables reads nothing;
#  - a reader reads the results and no live view; any other role nothing.
# The comparison is shown to catch one extra grant.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
doc=$here/../../docs/security.md
db=dormancy_priv_t
analyst=dormancy_priv_analyst_$$
blind=dormancy_priv_blind_$$
reader=dormancy_priv_reader_$$
nobody=dormancy_priv_nobody_$$
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
cleanup() {
	[ -z "${KEEP_DB:-}" ] || return 0	# KEEP_DB=1: leave the database and roles for a look
	dropdb --if-exists "$db"
	for r in "$analyst" "$blind" "$reader" "$nobody"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r"; done
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL >/dev/null 2>&1
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
GRANT USAGE ON SCHEMA crm TO PUBLIC;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text, sector text, size text, phone text, email text);
CREATE TABLE crm.orders (account integer, at timestamptz, total numeric, cat text, disc boolean);
CREATE TABLE crm.contracts (account integer, starts date, ends date, seats int, amount numeric, auto boolean, plan text);
CREATE TABLE crm.events (account integer, at timestamptz, kind text);
CREATE TABLE crm.deals (account integer, closed date, outcome text, reason text);
SELECT setseed(0.1);
INSERT INTO crm.accounts SELECT i, 'Co ' || i, (ARRAY['consumables', 'it_services', 'ec'])[1 + i % 3], 'smb',
	'03-1234-5678', 'a' || i || '@example.jp' FROM generate_series(1, 300) i;
INSERT INTO crm.orders SELECT 1 + (random() * 299)::int, timestamptz '2023-01-01' + random() * interval '1400 days',
	(50 + random() * 500)::numeric(10, 2), 'c' || (i % 3), i % 7 = 0 FROM generate_series(1, 3000) i;
INSERT INTO crm.contracts SELECT i, '2025-01-01', '2026-01-01', 5, 1000, false, 'basic' FROM generate_series(1, 30) i;
INSERT INTO crm.events SELECT i, '2026-10-01', 'pricing_view' FROM generate_series(1, 30) i;
INSERT INTO crm.deals SELECT i, '2026-09-01', 'lost', 'price' FROM generate_series(1, 30) i;
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector', company_size => 'size');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total', category => 'cat', discounted => 'disc');
SELECT dormancy.bind_contracts('crm.contracts', customer => 'account', starts_on => 'starts', ends_on => 'ends', seats => 'seats', amount => 'amount', auto_renew => 'auto', plan => 'plan');
SELECT dormancy.bind_events('crm.events', customer => 'account', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('crm.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome', lost_reason => 'reason');
SELECT dormancy.bind_contacts('crm.accounts', customer => 'id', phone => 'phone', email => 'email');
SET dormancy.as_of = '2026-11-01';
SELECT dormancy.fit_models();
CALL dormancy.refresh();
CREATE ROLE $analyst LOGIN IN ROLE dormancy_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA crm TO $analyst;
CREATE ROLE $blind LOGIN IN ROLE dormancy_analyst;
CREATE ROLE $reader LOGIN IN ROLE dormancy_reader;
CREATE ROLE $nobody LOGIN;
SQL

fails=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# the documented catalogue: rows "| `name` | kind | PUBLIC | reader | analyst |"
documented() {
	sed -n 's/^| `\([^`]*\)` | \([a-z ]*\) | \(.*\) | \(.*\) | \(.*\) |$/\1|\2|\3|\4|\5/p' "$doc" |
		sed 's/—/-/g' | sort
}
actual() { q -f "$here/privileges_catalogue.sql" | sort; }
compare() {	# prints the differences, "" when none
	diff <(documented) <(actual) | grep '^[<>]' | sed 's/^</documented:/; s/^>/actual:    /' || true
}

n=$(documented | wc -l)
[ "$n" -gt 150 ] && ok "docs/security.md documents $n objects" || fail "docs/security.md documents only $n objects"
d=$(compare)
if [ -z "$d" ]; then ok "privileges of every object in schema dormancy are as documented"; else fail "privileges differ from docs/security.md:"; echo "$d"; fi

# the comparison is not vacuous: one extra grant shows
q -c "GRANT SELECT ON dormancy.bindings TO dormancy_reader"
d=$(compare)
grep -q 'dormancy.bindings|table|-|SELECT|-' <<<"$d" && ok "an extra grant is caught" || fail "an extra grant is not caught: $d"
q -c "REVOKE SELECT ON dormancy.bindings FROM dormancy_reader"

# the functions that run with the owner's rights are exactly those that
# docs/security.md lists under "Code that runs with the owner's rights"
doc_definers=$(sed -n "/^## Code that runs with the owner's rights/,/^## /p" "$doc" |
	sed -n 's/^| `\([a-z_]*\)()`\(, `\([a-z_]*\)()`\)\? |.*/\1 \3/p' | tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')
act_definers=$(q -c "SELECT string_agg(proname, ' ' ORDER BY proname) FROM pg_proc WHERE pronamespace = 'dormancy'::regnamespace AND prosecdef")
[ "$(echo $doc_definers)" = "$(echo $act_definers)" ] && [ -n "$act_definers" ] &&
	ok "SECURITY DEFINER functions as documented: $act_definers" ||
	fail "SECURITY DEFINER functions differ: documented [$doc_definers], actual [$act_definers]"

# no internal function is executable by PUBLIC, no internal table readable by the roles
[ "$(q -c "SELECT count(*) FROM pg_proc WHERE pronamespace = 'dormancy'::regnamespace AND starts_with(proname, '_') AND has_function_privilege('public', oid, 'EXECUTE')")" = 0 ] &&
	ok "no internal function is executable by PUBLIC" || fail "an internal function is executable by PUBLIC"

as() {	# as ROLE PSQL-ARGS: run as a login role, with the test's as-of day
	local who=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -U "$who" -c "SET dormancy.as_of = '2026-11-01'" "$@" 2>&1; }
live_views=$(q -c "SELECT string_agg(view_name, ' ' ORDER BY view_name) FROM dormancy._generated_views()")
result_views="status_snapshot status_history segment_summary snapshot_call_list recent_transitions"

# the analyst reads every live view, and the same numbers as the owner
for v in $live_views; do
	if out=$(as "$analyst" -c "SELECT count(*) FROM dormancy.$v"); then
		want=$(q -c "SET dormancy.as_of = '2026-11-01'" -c "SELECT count(*) FROM dormancy.$v")
		[ "$out" = "$want" ] && ok "analyst reads $v ($out rows)" || fail "analyst reads $v: $out rows, owner $want"
	else
		fail "analyst cannot read $v: $out"
	fi
done
[ "$(as "$analyst" -c "SELECT count(*) FROM dormancy.customer_status WHERE state = 'dormant'")" = \
  "$(q -c "SET dormancy.as_of = '2026-11-01'" -c "SELECT count(*) FROM dormancy.customer_status WHERE state = 'dormant'")" ] &&
	ok "analyst's dormant customers equal the owner's" || fail "analyst's dormant customers differ"
# ... but none of the results, nor the internal tables, nor anything that writes
for t in status_snapshot stored_histories changed_customers history_store_state bindings refresh_runs; do
	out=$(as "$analyst" -c "SELECT count(*) FROM dormancy.$t") && fail "analyst reads $t" ||
		{ grep -q 'permission denied' <<<"$out" && ok "analyst cannot read $t" || fail "analyst reading $t: $out"; }
done
out=$(as "$analyst" -c "CALL dormancy.refresh()") && fail "analyst can refresh" || ok "analyst cannot refresh"
out=$(as "$analyst" -c "UPDATE dormancy.rules SET dormant_after = '1 day'") && fail "analyst can edit rules" || ok "analyst cannot edit rules"
# the analyst gets the owner's suggested rules (from the live views), and cannot apply them
suggested="SELECT string_agg(concat_ws(':', industry, company_size, based_on, dormant_after), ' ' ORDER BY industry, company_size) FROM dormancy.suggest_rules(min_gaps => 5)"
out=$(as "$analyst" -c "$suggested")
[ -n "$out" ] && [ "$out" = "$(q -c "SET dormancy.as_of = '2026-11-01'" -c "$suggested")" ] &&
	ok "analyst's suggested rules equal the owner's" || fail "analyst's suggested rules: $out"
out=$(as "$analyst" -c "SELECT * FROM dormancy.apply_suggested_rules()") && fail "analyst can apply suggested rules" ||
	ok "analyst cannot apply suggested rules"

# an analyst who may not read the bound tables gets nothing from the live views
out=$(as "$blind" -c "SELECT count(*) FROM dormancy.customer_status") &&
	fail "analyst without SELECT on the bound tables reads customer_status: $out" ||
	{ grep -q 'permission denied for table accounts\|permission denied for table orders' <<<"$out" &&
		ok "analyst without SELECT on the bound tables is refused ($(grep -o 'permission denied for table [a-z]*' <<<"$out"))" ||
		fail "analyst without grants: unexpected error: $out"; }

# the reader reads the results and no live view
for v in $result_views; do
	as "$reader" -c "SELECT count(*) FROM dormancy.$v" >/dev/null && ok "reader reads $v" || fail "reader cannot read $v"
done
for v in customer_status call_list src_orders customer_histories; do
	out=$(as "$reader" -c "SELECT count(*) FROM dormancy.$v") && fail "reader reads live $v" || ok "reader cannot read live $v"
done
out=$(as "$reader" -c "SELECT count(*) FROM dormancy.suggest_rules()") && fail "reader gets suggested rules" ||
	ok "reader cannot suggest rules from the live data"

# any other role: nothing but the public functions
for v in status_snapshot customer_status rules; do
	out=$(as "$nobody" -c "SELECT count(*) FROM dormancy.$v") && fail "a role without grants reads $v" || ok "a role without grants cannot read $v"
done
out=$(as "$nobody" -c "SELECT dormancy.rebind()") && fail "a role without grants can rebind" || ok "a role without grants cannot rebind"
# EXECUTE on the API functions is PUBLIC's, but the schema is not: a role
# needs one of the two roles (or USAGE granted by you) to call them
out=$(as "$nobody" -c "SELECT dormancy.dormancy_state('2026-01-01', '2026-11-01', '60 days', '120 days', '365 days')") &&
	fail "a role without grants uses schema dormancy" || ok "a role without grants cannot use schema dormancy"
for who in "$analyst" "$reader"; do
	[ "$(as "$who" -c "SELECT dormancy.dormancy_state('2026-01-01', '2026-11-01', '60 days', '120 days', '365 days')")" = dormant ] &&
		ok "a member of dormancy_analyst or dormancy_reader calls the API functions" || fail "$who cannot call dormancy_state"
done

# a broken binding: the analyst is told which one, not "permission denied"
q -c "ALTER TABLE crm.orders DROP COLUMN disc CASCADE" -c "SELECT dormancy.rebind()" >/dev/null 2>&1
out=$(as "$analyst" -c "SELECT count(*) FROM dormancy.customer_status") &&
	fail "customer_status over a broken binding answers: $out" ||
	{ grep -q 'orders binding is broken' <<<"$out" && ok "analyst is told the orders binding is broken" ||
		fail "analyst over a broken binding: $out"; }

echo "$fails failed"
[ "$fails" -eq 0 ]
