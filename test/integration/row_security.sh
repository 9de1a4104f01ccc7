#!/usr/bin/env bash
# Row-level security passes through.  A sales rep may see only the customers
# of their region (RLS policies on the user's customers and orders tables):
#  - the live views are security_invoker, so the rep's customer_status has
#    exactly their region's customers, computed from the orders they may see;
#  - the snapshot is written by refresh (run by the owner, who sees every row),
#    so it needs a policy of its own: the documented one (docs/operations.md)
#    defers to the user's table through customer_key, so the rep's snapshot,
#    segment_summary, call list and transitions show their region only, while
#    the BI role (dormancy_reader, no access to the user's tables) still reads
#    everything.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
db=dormancy_rls_t
east=dormancy_rep_east_$$
west=dormancy_rep_west_$$
bi=dormancy_rls_bi_$$
reps=dormancy_reps_$$
refresher=dormancy_refresher_$$
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
cleanup() {
	dropdb --if-exists "$db"
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $east" -c "DROP ROLE IF EXISTS $west" \
		-c "DROP ROLE IF EXISTS $bi" -c "DROP ROLE IF EXISTS $reps" -c "DROP ROLE IF EXISTS $refresher"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL >/dev/null
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text, sector text, region text NOT NULL);
CREATE TABLE crm.orders (account integer, at date, total numeric);
CREATE TABLE crm.rep_regions (rep name PRIMARY KEY, region text NOT NULL);
INSERT INTO crm.accounts
SELECT i, 'customer ' || i, (ARRAY['consumables', 'it_services', 'ec'])[1 + i % 3],
	   CASE WHEN i % 2 = 0 THEN 'east' ELSE 'west' END
  FROM generate_series(1, 200) i;
-- each customer buys every (10 + i % 90) days from 2023 until a day of its own
INSERT INTO crm.orders
SELECT a.id, d::date, 100 + a.id
  FROM crm.accounts a,
	   generate_series(date '2023-01-01', date '2023-01-01' + (a.id * 7 % 1400), (10 + a.id % 90) * interval '1 day') d;
INSERT INTO crm.rep_regions VALUES ('$east', 'east'), ('$west', 'west');

-- the user's own row security: a rep sees the customers of their region and their orders
CREATE ROLE $reps NOLOGIN;
CREATE ROLE $east LOGIN IN ROLE $reps;
CREATE ROLE $west LOGIN IN ROLE $reps;
ALTER TABLE crm.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_region ON crm.accounts FOR SELECT TO $reps
	USING (region = (SELECT r.region FROM crm.rep_regions r WHERE r.rep = current_user));
CREATE POLICY own_customers ON crm.orders FOR SELECT TO $reps
	USING (account IN (SELECT a.id FROM crm.accounts a));
GRANT USAGE ON SCHEMA crm TO $reps;
GRANT SELECT ON crm.accounts, crm.orders, crm.rep_regions TO $reps;

SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total');
-- reps read the live views (security_invoker: with their own privileges) and
-- the results; they are not members of dormancy_reader, whose policy below
-- lets the BI role see every row (a member of both would see the union)
GRANT USAGE ON SCHEMA dormancy TO $reps;
GRANT dormancy_analyst TO $reps;
CREATE ROLE $bi LOGIN IN ROLE dormancy_reader;
SQL

fails=0
check() {	# check DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then echo "ok: $1: $2"; else echo "FAIL: $1: got '$2', want '$3'"; fails=$((fails + 1)); fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# every session computes as of the same day
export PGOPTIONS='-c dormancy.as_of=2026-11-01'

# the live views are security_invoker
check "generated views are security_invoker" \
	"$(q -c "SELECT bool_and(c.reloptions @> '{security_invoker=true}') FROM pg_class c WHERE c.relnamespace = 'dormancy'::regnamespace AND c.relkind = 'v'")" t

# 1. live: the rep's customer_status is the owner's, restricted to the rep's region
q -c "CREATE TABLE public.status_all AS SELECT s.customer_id, s.state, s.total_amount, s.orders_count, a.region FROM dormancy.customer_status s JOIN crm.accounts a ON a.id = s.customer_id" >/dev/null
q -c "GRANT SELECT ON public.status_all TO $reps"
check "owner sees every customer" "$(q -c "SELECT count(*) FROM dormancy.customer_status")" 200
for rep in "$east" "$west"; do
	region=${rep#dormancy_rep_}; region=${region%_*}
	got=$(q -U "$rep" -c "SELECT count(*) FROM dormancy.customer_status")
	check "$region rep's customer_status rows" "$got" 100
	diff=$(q -U "$rep" -c "
		SELECT count(*) FROM (
			(SELECT customer_id, state, total_amount, orders_count FROM dormancy.customer_status
			 EXCEPT SELECT customer_id, state, total_amount, orders_count FROM public.status_all WHERE region = '$region')
			UNION ALL
			(SELECT customer_id, state, total_amount, orders_count FROM public.status_all WHERE region = '$region'
			 EXCEPT SELECT customer_id, state, total_amount, orders_count FROM dormancy.customer_status)) d")
	check "$region rep's customer_status = the owner's for $region (state, amounts, orders)" "$diff" 0
done

# 2. the snapshot, written by the owner's refresh, holds everyone ...
q -c "CALL dormancy.refresh()"
q -c "GRANT SELECT ON dormancy.status_snapshot, dormancy.status_history, dormancy.segment_summary, dormancy.snapshot_call_list, dormancy.recent_transitions TO $reps"
check "without a policy the east rep reads every snapshot row" "$(q -U "$east" -c "SELECT count(*) FROM dormancy.status_snapshot")" 200
# the state history, though, is the extension's own table with a policy of
# its own: a member of dormancy_analyst reads the changes of the customers it
# may see in the bound customers (as in outreach_log), a member of
# dormancy_reader every change (the BI role sees no customers table)
check "without a policy of yours the east rep (an analyst) reads only their customers' history" \
	"$(q -U "$east" -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE a.region <> 'east') FROM dormancy.status_history h LEFT JOIN public.status_all a ON a.customer_id::text = h.customer_id")" "100 0"
check "and the BI user every customer's history" "$(q -U "$bi" -c "SELECT count(DISTINCT customer_id) FROM dormancy.status_history")" 200

# ... so it gets the documented policy: it defers to the user's table, whose own
# policy decides (customer_key is the id as text, whatever the id type); the
# same on status_history for the transitions
q -v ON_ERROR_STOP=1 <<SQL >/dev/null
ALTER TABLE dormancy.status_snapshot ENABLE ROW LEVEL SECURITY;
CREATE POLICY reps_see_their_customers ON dormancy.status_snapshot FOR SELECT TO $reps
	USING (customer_key IN (SELECT a.id::text FROM crm.accounts a));
CREATE POLICY bi_sees_all ON dormancy.status_snapshot FOR SELECT TO dormancy_reader USING (true);
ALTER TABLE dormancy.status_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY reps_see_their_customers ON dormancy.status_history FOR SELECT TO $reps
	USING (customer_id IN (SELECT a.id::text FROM crm.accounts a));
CREATE POLICY bi_sees_all ON dormancy.status_history FOR SELECT TO dormancy_reader USING (true);
SQL

for rep in "$east" "$west"; do
	region=${rep#dormancy_rep_}; region=${region%_*}
	check "$region rep's snapshot rows" "$(q -U "$rep" -c "SELECT count(*) FROM dormancy.status_snapshot")" 100
	check "$region rep's snapshot is their region's" \
		"$(q -U "$rep" -c "SELECT count(*) FROM dormancy.status_snapshot s JOIN public.status_all a ON a.customer_id = s.customer_id WHERE a.region = '$region'")" 100
	check "$region rep's segment_summary adds up to their customers" \
		"$(q -U "$rep" -c "SELECT sum(customers) FROM dormancy.segment_summary")" 100
	check "$region rep's call list is their region's" \
		"$(q -U "$rep" -c "SELECT count(*) FILTER (WHERE a.region <> '$region') FROM dormancy.snapshot_call_list c JOIN public.status_all a ON a.customer_id::text = c.customer_id")" 0
	check "$region rep's transitions are their region's" \
		"$(q -U "$rep" -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE a.region <> '$region') FROM dormancy.recent_transitions t JOIN public.status_all a ON a.customer_id::text = t.customer_id")" "100 0"
done
# the BI role has no access to crm.accounts and still reads everything
check "dormancy_reader BI user reads every snapshot row" "$(q -U "$bi" -c "SELECT count(*) FROM dormancy.status_snapshot")" 200
check "dormancy_reader BI user reads every transition" "$(q -U "$bi" -c "SELECT count(*) FROM dormancy.recent_transitions")" 200
check "dormancy_reader BI user cannot read crm.accounts" \
	"$(q -U "$bi" -c "SELECT count(*) FROM crm.accounts" 2>&1 | grep -c 'permission denied')" 1

# a refresh that row security would restrict refuses to run (it could not
# replace rows it cannot see): a non-owner without BYPASSRLS, given every
# other privilege refresh needs
q <<SQL >/dev/null
CREATE ROLE $refresher LOGIN;
GRANT USAGE ON SCHEMA dormancy, crm TO $refresher;
GRANT SELECT ON ALL TABLES IN SCHEMA dormancy, crm TO $refresher;
GRANT INSERT, UPDATE, DELETE ON dormancy.status_snapshot, dormancy.status_history, dormancy.refresh_runs TO $refresher;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA dormancy TO $refresher;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA dormancy TO $refresher;
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA dormancy TO $refresher;
SQL
check "refresh refuses when row security applies to it" \
	"$(q -U "$refresher" -c "CALL dormancy.refresh('2026-12-01')" 2>&1 | grep -o 'row security applies to [a-z_0-9]* on dormancy.status_snapshot')" \
	"row security applies to $refresher on dormancy.status_snapshot"
check "the refused run is logged as failed, the snapshot kept" \
	"$(q -c "SELECT r.outcome || ' ' || r.sqlstate || ' ' || (SELECT count(*) FROM dormancy.status_snapshot) FROM dormancy.refresh_runs r ORDER BY r.run_id DESC LIMIT 1")" "failed 42501 200"
# the history has row security of the extension's own, which lets a role
# that may write it (a refresher is granted INSERT) read and write every row
# (sql/model_fit_store.sql refreshes as such a role)
check "the refresher reads every row of the history" "$(q -U "$refresher" -c "SELECT count(DISTINCT customer_id) FROM dormancy.status_history")" 200
check "and may append to it" "$(q -U "$refresher" -c "BEGIN; INSERT INTO dormancy.status_history (run_id, customer_id, change, from_state, to_state, as_of) VALUES (0, 'x', 'new', NULL, 'active', '2026-11-01') RETURNING customer_id; ROLLBACK")" x

# the policies survive the next refresh (rows are replaced, the table is not)
q -c "CALL dormancy.refresh('2026-12-01')"
check "after another refresh, east rep's snapshot rows" "$(q -U "$east" -c "SELECT count(*) FROM dormancy.status_snapshot")" 100

# the duplicate_name data gap counts only the customers the reader sees: a
# name shared across regions is a duplicate for the owner, not for a rep who
# sees one of the two; the stored name keys (customer_name_keys) show a rep
# only the keys of the rep's customers (its policy defers to src_customers)
q -c "INSERT INTO crm.accounts VALUES (1001, 'Shared Name', 'ec', 'east'), (1003, 'SHARED NAME Co., Ltd.', 'ec', 'west'),
									  (1005, 'Twin', 'ec', 'east'), (1007, 'twin', 'ec', 'east')"
dup_ids="SELECT string_agg(customer_id::text, ' ' ORDER BY customer_id) FROM dormancy.customer_status WHERE customer_id > 1000 AND 'duplicate_name' = ANY (data_gaps)"
check "the name keys are kept by triggers and up to date" "$(q -c "SELECT current FROM dormancy.name_key_state")" t
check "owner: duplicate names" "$(q -c "$dup_ids")" "1001 1003 1005 1007"
check "east rep: duplicate names (the west twin of 1001 is hidden)" "$(q -U "$east" -c "$dup_ids")" "1005 1007"
check "west rep: duplicate names" "$(q -U "$west" -c "$dup_ids")" ""
check "east rep: lookups of one customer agree" \
	"$(q -U "$east" -c "SELECT string_agg(i::text || ':' || coalesce((SELECT 'duplicate_name' = ANY (s.data_gaps) FROM dormancy.customer_status s WHERE s.customer_id = i)::text, '-'), ' ' ORDER BY i) FROM unnest(ARRAY[1001, 1003, 1005, 1007]) i")" \
	"1001:false 1003:- 1005:true 1007:true"
check "east rep reads only the name keys of east customers" \
	"$(q -U "$east" -c "SELECT count(*) FILTER (WHERE customer_key IN ('1001', '1005')) || ' ' || count(*) FILTER (WHERE customer_key = '1003') || ' ' || count(*) FROM dormancy.customer_name_keys")" \
	"2 0 103"

# the customers bound through a view of the user's own that is not
# security_invoker: it reads crm.accounts as its owner, so the rep's policy
# does not apply.  Binding it (and rebind) warns, with the fix in the hint,
# and source_issues lists it while it stays so; made security_invoker, the
# rep sees their region again and nothing is listed.
q -c "CREATE VIEW crm.accounts_v AS SELECT id, name, sector FROM crm.accounts"
q -c "GRANT SELECT ON crm.accounts_v TO $reps"
bind_v="SELECT dormancy.bind_customers('crm.accounts_v', id => 'id', name => 'name', industry => 'sector')"
out=$(q -c "$bind_v" 2>&1)
check "binding a view that is not security_invoker over a table with row security warns" \
	"$(grep -c -e 'WARNING:  row-level security of crm.accounts does not apply through view crm.accounts_v' \
		-e 'HINT:  Make the view read as the querying role: ALTER VIEW crm.accounts_v SET (security_invoker = true);' <<<"$out")" 2
check "rebind warns too" "$(q -c "SELECT dormancy.rebind()" 2>&1 | grep -c 'does not apply through view crm.accounts_v')" 1
issues_q="SELECT string_agg(source || ' ' || issue || ' ' || value || ' ' || rows, '; ') FROM dormancy.source_issues WHERE issue = 'bound_view_not_security_invoker'"
check "source_issues lists the view" "$(q -c "$issues_q")" "customers bound_view_not_security_invoker crm.accounts_v 1"
check "a rep reads source_issues too" "$(q -U "$east" -c "$issues_q")" "customers bound_view_not_security_invoker crm.accounts_v 1"
check "through it the east rep sees every customer (what the warning is about)" \
	"$(q -U "$east" -c "SELECT count(*) FROM dormancy.customer_status WHERE customer_id <= 200")" 200
q -c "ALTER VIEW crm.accounts_v SET (security_invoker = true)"
check "security_invoker: the east rep sees their region" \
	"$(q -U "$east" -c "SELECT count(*) FROM dormancy.customer_status WHERE customer_id <= 200")" 100
check "security_invoker: nothing listed" "$(q -c "$issues_q")" ""
check "security_invoker: rebind does not warn" "$(q -c "SELECT dormancy.rebind()" 2>&1 | grep -c WARNING)" 0
# a view without row security under it is not reported (a view's usual job)
q -c "ALTER VIEW crm.accounts_v SET (security_invoker = false)"
q -c "ALTER TABLE crm.accounts DISABLE ROW LEVEL SECURITY"
check "no row security under the view: no warning" "$(q -c "SELECT dormancy.rebind()" 2>&1 | grep -c WARNING)" 0
check "no row security under the view: nothing listed" "$(q -c "$issues_q")" ""
q -c "ALTER TABLE crm.accounts ENABLE ROW LEVEL SECURITY"
q -c "SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector')" >/dev/null

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "row-level security passes through to customer_status, and to the snapshot with its policy"
