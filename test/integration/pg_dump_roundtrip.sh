#!/usr/bin/env bash
# pg_dump keeps user edits of dormancy.rules, the bindings and the generated
# views (ordinary views, not extension members): pg_restore runs without an
# error and the answers after restore are the same, before and after rebind().
# A binding whose relation was dropped is restored broken, naming no
# relation (it kept the dropped relation's OID, dumped as a bare number,
# which in the restored cluster could name another relation).
# The first refresh after the restore tracks the orders again by itself
# (history_store_state is not dumped) and rebuilds in full, saying why; the
# next one is incremental (until 2026-12-07 every refresh read every order,
# history_mode live with no reason, until rebind()).
# A parallel restore (pg_restore -j of a directory-format dump) loads the
# campaigns, their members and the outreach log (extension configuration
# tables, whose data pg_dump does not order) at once: it must lose no row
# (until 2026-12-07 foreign keys that CREATE EXTENSION makes before any data
# is loaded refused the members, and the log's rows, whose campaign was not
# loaded yet). Once with the campaigns' data held back until everything
# else is loaded (the race made certain), then three times as it comes.
# The roles given to the row security policies of the log and the members
# (ALTER POLICY ... TO, as docs/security.md says to narrow them) survive:
# pg_dump does not dump the policies of the extension's tables, but it dumps
# dormancy.policy_roles, whose restored rows give them back (until
# 2026-12-07 the restore had them TO PUBLIC, and an analyst left out read
# every contact again); a role that the restoring cluster lacks is left out,
# and a policy none of whose roles exists is dropped (a WARNING), not left
# to PUBLIC.  A restrictive policy of your own on an extension's table is
# not dumped: the restore lacks it until you run its statement again
# (docs/security.md), which is checked too.
# And the roles of the nine through what a review found losing or widening
# them (2026-12-08; the last part): a data-only restore with its triggers
# disabled (pg_restore --data-only --disable-triggers failed on the
# record's key, and the next rebind() recorded the installed PUBLIC: an
# analyst left out read every contact); DROP OWNED BY a role of a policy
# (the record kept it, and a restore gave it the policy again); a role
# renamed and a new one of its old name (a policy made again went to the
# new one); a restore elsewhere that lacks one of a policy's roles (the
# restore's own ALTER POLICY recorded the roles found, so that creating
# the role and rebind() did not give it the policy).
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
src=dormancy_dump_src
dst=dormancy_dump_dst
dropdb --if-exists "$src"; dropdb --if-exists "$dst"
createdb "$src"; createdb "$dst"
pdst=dormancy_dump_pdst
dropdb --if-exists "$pdst"
dumpdir=$(mktemp -d)
analyst=dormancy_dump_analyst_$$
reps=dormancy_dump_reps_$$
gone=dormancy_dump_gone_$$
# (the databases and roles of the last part, the roles of the nine)
pdbs="dormancy_dump_p1 dormancy_dump_p2 dormancy_dump_p3"
proles="dormancy_dump_pa_$$ dormancy_dump_pa_$$_old dormancy_dump_pb_$$ dormancy_dump_pc_$$ dormancy_dump_pd_$$ dormancy_dump_pe_$$"
trap 'dropdb --if-exists "$src"; dropdb --if-exists "$dst"; dropdb --if-exists "$pdst"; for db in $pdbs; do dropdb --if-exists "$db"; done; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $analyst" -c "DROP ROLE IF EXISTS $reps" -c "DROP ROLE IF EXISTS $gone"; for r in $proles; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r"; done; rm -f /tmp/dormancy_dump.$$; rm -rf "$dumpdir"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL'
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text, sector text);
CREATE TABLE crm.orders (account integer, at date, total numeric);
INSERT INTO crm.accounts VALUES (1, 'a', 'consumables'), (2, 'b', 'shipping'), (3, 'c', NULL);
INSERT INTO crm.orders VALUES (1, '2026-06-01', 10), (2, '2026-03-01', 10), (3, '2025-01-01', 5);
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total');
-- user edits: a new rule and a changed default
INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after, note)
	VALUES ('shipping', '1 month', '2 months', '1 year', 'ours');
UPDATE dormancy.rules SET dormant_after = '18 months' WHERE industry IS NULL AND company_size IS NULL;
-- a deleted default must stay deleted
DELETE FROM dormancy.rules WHERE industry = 'ec';
-- an optional source whose relation is dropped: the binding is kept, broken
CREATE TABLE crm.visits (account integer, at date, kind text);
SELECT dormancy.bind_events('crm.visits', customer => 'account', occurred_at => 'at', kind => 'kind');
DROP TABLE crm.visits CASCADE;
SET client_min_messages = error;
SELECT dormancy.rebind();
RESET client_min_messages;
-- campaigns, their members and the outreach log (the owner writes them
-- here as start_campaign() and the reps would)
INSERT INTO dormancy.campaigns (name, as_of, control_share, seed, reactivation_days, score_bands, customers, controls)
VALUES ('spring', '2026-04-01', 0.1, 1, 90, '{25,50,75}', 300, 30),
	   ('autumn', '2026-09-01', 0.1, 2, 90, '{25,50,75}', 300, 30);
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, state, priority_score)
SELECT c.campaign_id, g::text, g % 10 = 0, 'dormant|unknown|0-25', 'dormant', g / 10.0
  FROM dormancy.campaigns c, generate_series(1, 300) g;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT g::text, c.as_of + 3, 'phone', 'reached', c.campaign_id
  FROM dormancy.campaigns c, generate_series(1, 300) g WHERE g % 10 <> 0;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome) VALUES ('2', '2026-10-01', 'phone', 'not reached');
SQL
# an analyst who does not see account 2 (a policy of yours)
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $analyst IN ROLE dormancy_analyst"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c "GRANT USAGE ON SCHEMA crm TO $analyst" -c "GRANT SELECT ON crm.accounts, crm.orders TO $analyst" \
	-c "ALTER TABLE crm.accounts ENABLE ROW LEVEL SECURITY" -c "CREATE POLICY not_2 ON crm.accounts FOR SELECT TO $analyst USING (id <> 2)"
# the log narrowed to the reps (the analyst left out), the members' deletes
# to the reps and a role the restoring cluster will lack, their updates to
# that role alone; no rebind() before the dump (ALTER POLICY records the
# roles at once); and a restrictive policy of your own on the members
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $reps" -c "CREATE ROLE $gone"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $reps" \
	-c "ALTER POLICY writers_delete ON dormancy.campaign_members TO $reps, $gone" \
	-c "ALTER POLICY writers_update ON dormancy.campaign_members TO $gone" \
	-c "CREATE POLICY my_members ON dormancy.campaign_members AS RESTRICTIVE FOR SELECT TO $analyst USING (customer_id <> '3')"
roles_q="SELECT string_agg(p.polrelid::regclass || ' ' || p.polname || ' ' || p.polroles::regrole[]::text, ', ' ORDER BY p.polrelid::regclass::text, p.polname)
		   FROM pg_policy p
		  WHERE (p.polrelid, p.polname) IN (('dormancy.outreach_log'::regclass, 'visible_customers'),
											('dormancy.campaign_members'::regclass, 'writers_delete'),
											('dormancy.campaign_members'::regclass, 'writers_update'))"

q="SET dormancy.as_of = '2026-11-01'; SELECT customer_id, state, dormant_after FROM dormancy.customer_status ORDER BY 1"
before=$(psql -X -At -d "$src" -c "$q")

pg_dump -Fc -f /tmp/dormancy_dump.$$ "$src"
# the role the restoring cluster lacks (the same cluster here: dropped)
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c "DROP OWNED BY $gone" -c "DROP ROLE $gone"
# (pg_restore shows the server's warnings with --verbose only)
pg_restore -v -d "$dst" /tmp/dormancy_dump.$$ 2>"$dumpdir/restore.err" || { cat "$dumpdir/restore.err"; exit 1; }

# the roles of the policies: from dormancy.policy_roles (the restore's rows);
# the role missing is left out, the policy with no other is dropped, each
# with a WARNING; your own policy is not restored until you run it again
want="dormancy.campaign_members writers_delete {$reps}, dormancy.outreach_log visible_customers {$reps}"
[ "$(psql -X -At -d "$dst" -c "$roles_q")" = "$want" ] ||
	{ echo "the roles of the policies after restore: $(psql -X -At -d "$dst" -c "$roles_q") (want $want)"; cat "$dumpdir/restore.err"; exit 1; }
grep -q "WARNING:  policy writers_delete on dormancy.campaign_members set TO $reps only (recorded role $gone does not exist)" "$dumpdir/restore.err" &&
grep -q "WARNING:  policy writers_update on dormancy.campaign_members dropped: none of its roles exists ($gone)" "$dumpdir/restore.err" ||
	{ echo "pg_restore did not warn of the role missing:"; cat "$dumpdir/restore.err"; exit 1; }
[ "$(psql -X -At -d "$dst" -c "SELECT count(*) FROM pg_policy WHERE polname = 'my_members'")" = 0 ] ||
	{ echo "pg_dump now dumps a policy of yours on an extension's table: docs/security.md says it does not"; exit 1; }
echo "the roles of the policies restored ($want; writers_update, whose role is missing, dropped with a WARNING); your own policy to be run again"
psql -X -q -v ON_ERROR_STOP=1 -d "$dst" \
	-c "CREATE POLICY my_members ON dormancy.campaign_members AS RESTRICTIVE FOR SELECT TO $analyst USING (customer_id <> '3')"

rules_src=$(psql -X -At -d "$src" -c "SELECT industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount FROM dormancy.rules ORDER BY rule_id")
rules_dst=$(psql -X -At -d "$dst" -c "SELECT industry, company_size, at_risk_after, dormant_after, long_dormant_after, min_order_amount FROM dormancy.rules ORDER BY rule_id")
[ "$rules_src" = "$rules_dst" ] || { echo "rules differ after restore"; diff <(echo "$rules_src") <(echo "$rules_dst"); exit 1; }
echo "rules kept: $(echo "$rules_dst" | wc -l) rows"

bindings=$(psql -X -At -d "$dst" -c "SELECT source || ' ' || coalesce(relation::text, '(dropped)') || ' ' || relation_name FROM dormancy.bindings ORDER BY 1")
[ "$bindings" = $'customers crm.accounts crm.accounts\nevents (dropped) crm.visits\norders crm.orders crm.orders' ] || { echo "bindings not restored: $bindings"; exit 1; }
problems=$(psql -X -At -d "$dst" -c "SELECT source || ' ' || code || ' ' || message FROM dormancy._binding_problems() ORDER BY 1")
[ "$problems" = 'events undefined_table the events binding is broken: its relation crm.visits was dropped' ] || { echo "the dropped binding is not reported as such after restore: $problems"; exit 1; }
echo "bindings kept, the dropped one broken, naming no relation"

# a new rule gets a fresh id (the sequence was dumped too)
psql -X -q -v ON_ERROR_STOP=1 -d "$dst" -c "INSERT INTO dormancy.rules (industry, at_risk_after, dormant_after, long_dormant_after) VALUES ('aviation', '1 month', '2 months', '3 months')"

after=$(psql -X -At -d "$dst" -c "$q")
[ "$before" = "$after" ] || { echo "status differs after restore"; diff <(echo "$before") <(echo "$after"); exit 1; }

# the row security policies of the outreach log, the campaign members and
# the status history: pg_dump does not dump those of the extension's tables,
# so the restore has the installed test (the key among every id the role
# sees), which shows the analyst the same rows; rebind() builds the test by
# the index of the customers' id again
forms_q="SELECT string_agg(DISTINCT CASE WHEN e ~ 'visible_customer_keys' THEN 'every id'
										 WHEN e ~ 'customer_id_from_text' THEN 'by index' END, ',')
		   FROM pg_policy p CROSS JOIN LATERAL concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) e
		  WHERE p.polrelid IN ('dormancy.outreach_log'::regclass, 'dormancy.campaign_members'::regclass, 'dormancy.status_history'::regclass)
			AND p.polname NOT IN ('readers_see_all', 'writers_see_all')"
analyst_q="SET ROLE $analyst; SET dormancy.as_of = '2026-11-01';
SELECT 'o', string_agg(customer_id || '@' || campaign_id, ',' ORDER BY outreach_id) FROM dormancy.outreach_log;
SELECT 'm', string_agg(campaign_id || ':' || customer_id, ',' ORDER BY campaign_id, customer_id) FROM dormancy.campaign_members;
SELECT 'l', campaign_id, customer_id, contacts FROM dormancy.campaign_list ORDER BY 2, 3;
SELECT 's', customer_id, state FROM dormancy.customer_status ORDER BY 2"
seen_src=$(psql -X -q -At -d "$src" -c "$analyst_q")
seen_dst=$(psql -X -q -At -d "$dst" -c "$analyst_q")
[ "$(psql -X -At -d "$src" -c "$forms_q")" = 'by index' ] && [ "$(psql -X -At -d "$dst" -c "$forms_q")" = 'every id' ] &&
[ "$seen_src" = "$seen_dst" ] && echo "$seen_src" | grep -qx 'm|1:1,2:1' && echo "$seen_src" | grep -qx 'o|' &&
[ "$(echo "$seen_src" | grep -c '^l|')" = 2 ] ||
	{ echo "the policies after restore: $(psql -X -At -d "$dst" -c "$forms_q"), the analyst reads other rows:"; diff <(echo "$seen_src") <(echo "$seen_dst"); exit 1; }
echo "the policies of the log, the members and the history restored as installed (every id the role sees), with your roles: the analyst's rows are the same (no contact: the log is the reps')"

psql -X -q -v ON_ERROR_STOP=1 -d "$dst" -c "SELECT dormancy.rebind()" >/dev/null
again=$(psql -X -At -d "$dst" -c "$q")
[ "$before" = "$again" ] || { echo "status differs after rebind"; diff <(echo "$before") <(echo "$again"); exit 1; }
echo "customer_status identical after restore, and after rebind():"
echo "$after"
[ "$(psql -X -At -d "$dst" -c "$forms_q")" = 'by index' ] && [ "$(psql -X -q -At -d "$dst" -c "$analyst_q")" = "$seen_src" ] &&
[ "$(psql -X -At -d "$dst" -c "$roles_q")" = "$want" ] ||
	{ echo "after rebind(), the policies: $(psql -X -At -d "$dst" -c "$forms_q"), $(psql -X -At -d "$dst" -c "$roles_q"), the analyst's rows differ"; exit 1; }
echo "after rebind(), the policies test by the index of the ids again, the same rows"

# A parallel restore of a directory-format dump, of the source refreshed
# (the broken binding removed: a refresh refuses to run with it)
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c "SET client_min_messages = warning" -c "SELECT dormancy.unbind('events')" \
	-c "CALL dormancy.refresh('2026-10-01')" -c "CALL dormancy.refresh('2026-10-02')"
pg_dump -Fd -f "$dumpdir/d" "$src"
rows_q="SELECT 'c', campaign_id, name, as_of, customers, controls FROM dormancy.campaigns ORDER BY 2;
SELECT 'm', campaign_id, customer_id, is_control, stratum, priority_score FROM dormancy.campaign_members ORDER BY 2, 3;
SELECT 'o', outreach_id, customer_id, contacted_at, campaign_id FROM dormancy.outreach_log ORDER BY 2;
SELECT 'l', campaign_id, customer_id, contacts FROM dormancy.campaign_list ORDER BY 2, 3"
rows_src=$(psql -X -q -At -d "$src" <<<"SET dormancy.as_of = '2026-11-01'; $rows_q")
counts() { echo "$1" | cut -c1 | sort | uniq -c | tr -s ' \n' ' '; }
echo "source: $(counts "$rows_src")(c campaigns, m members, o outreach rows, l campaign_list rows)"
# pg_restore -j 4 into a new database; "held": the campaigns' data waits
# (a SHARE lock: the COPY into campaigns waits, a foreign key check of a
# member or a contact would not) until every other item of the data section
# is loaded
restore_parallel() {
	local how=$1 locker rc=0
	dropdb --if-exists "$pdst"; createdb "$pdst"
	if [ "$how" = held ]; then
		pg_restore --section=pre-data -d "$pdst" "$dumpdir/d"
		psql -X -q -v ON_ERROR_STOP=1 -d "$pdst" <<'SQL' &
BEGIN;
LOCK TABLE dormancy.campaigns IN SHARE MODE;
SELECT pg_advisory_lock(20261208);
-- hold it while the restore's other backends work, until only the COPY
-- into campaigns, waiting for this lock, is left (quiet for a second; at
-- most 60 s)
DO $$
DECLARE
	quiet int := 0;
BEGIN
	FOR i IN 1..600 LOOP
		PERFORM pg_stat_clear_snapshot();
		IF EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
					  AND a.wait_event_type = 'Lock' AND a.query ILIKE 'COPY dormancy.campaigns %')
		   AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
							  AND a.state = 'active' AND a.wait_event_type IS DISTINCT FROM 'Lock') THEN
			quiet := quiet + 1;
		ELSE
			quiet := 0;
		END IF;
		EXIT WHEN quiet >= 10;
		PERFORM pg_sleep(0.1);
	END LOOP;
END
$$;
COMMIT;
SQL
		locker=$!
		# the lock is held before the data are loaded
		for _ in $(seq 100); do
			[ "$(psql -X -At -d "$pdst" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 20261208 AND granted")" = 1 ] && break
			sleep 0.1
		done
		pg_restore -j 4 --section=data -d "$pdst" "$dumpdir/d" 2>"$dumpdir/err" || rc=$?
		wait "$locker"
		pg_restore -j 4 --section=post-data -d "$pdst" "$dumpdir/d" 2>>"$dumpdir/err" || rc=$?
	else
		pg_restore -j 4 -d "$pdst" "$dumpdir/d" 2>"$dumpdir/err" || rc=$?
	fi
	rows_dst=$(psql -X -q -At -d "$pdst" <<<"SET dormancy.as_of = '2026-11-01'; $rows_q")
	echo "pg_restore -j 4 ($how): exit $rc, restored $(counts "$rows_dst")"
	if [ "$rc" -ne 0 ] || [ "$rows_src" != "$rows_dst" ]; then
		grep -m3 'ERROR' "$dumpdir/err"
		echo "the parallel restore ($how) lost or changed rows of the campaigns"
		diff <(echo "$rows_src") <(echo "$rows_dst") | head -5
		return 1
	fi
}
lost=0
restore_parallel held || lost=$((lost + 1))
for i in 1 2 3; do restore_parallel "as it comes, $i" || lost=$((lost + 1)); done

# the refreshes after the restore: the first tracks the orders again and
# rebuilds in full, saying why; after an order (one that changes no state),
# the second is incremental.  The tracking triggers restored with the
# orders are taken as they are (no DDL on your table: the same triggers)
triggers_q="SELECT string_agg(tgname || ' ' || oid::text || ' ' || tgenabled::text, ', ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'crm.orders'::regclass"
triggers_restored=$(psql -X -At -d "$pdst" -c "$triggers_q")
[ "$(echo "$triggers_restored" | grep -o 'dormancy_track_[a-z]* [0-9]* A' | wc -l)" = 4 ] || { echo "the tracking triggers were not restored: $triggers_restored"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$pdst" -c "CALL dormancy.refresh('2026-11-01')" \
	-c "INSERT INTO crm.orders VALUES (1, '2026-05-01', 7)" -c "CALL dormancy.refresh('2026-11-02')"
[ "$(psql -X -At -d "$pdst" -c "$triggers_q")" = "$triggers_restored" ] || { echo "the refresh made the tracking triggers again: $triggers_restored"; exit 1; }
runs=$(psql -X -At -d "$pdst" -c "SELECT history_mode || ' ' || coalesce(customers_recomputed::text, '-') || ' ' || coalesce(history_reason, '(no reason)') FROM dormancy.refresh_runs WHERE run_id > 2 ORDER BY run_id")
case "$runs" in
	$'full 3 the orders were not tracked in this database'*$'\nincremental 1 (no reason)') ;;
	*) echo "the refreshes after a restore do not track the orders again:"; echo "$runs"; exit 1 ;;
esac
echo "after the restore, the first refresh tracks the orders again (full), the second is incremental:"
echo "$runs"
[ "$lost" -eq 0 ] || { echo "$lost of 4 parallel restores lost or changed rows of the campaigns"; exit 1; }
echo "pg_restore -j 4 of a directory-format dump restores every campaign, member and contact"

# The roles of the nine through a data-only restore, DROP OWNED, a rename,
# a restore elsewhere.  A small database: customers and orders bound, one
# contact of customer 1, which an analyst given the policy reads.
read -r pa pa_old pb pc pd pe <<<"$proles"
read -r p1 p2 p3 <<<"$pdbs"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $pa IN ROLE dormancy_analyst" -c "CREATE ROLE $pb IN ROLE dormancy_analyst" \
	-c "CREATE ROLE $pc IN ROLE dormancy_analyst" -c "CREATE ROLE $pd IN ROLE dormancy_analyst"
policy_db() {	# policy_db DB
	dropdb --if-exists "$1"; createdb "$1"
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION dormancy;
CREATE SCHEMA crm;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE crm.orders (account integer, at date, total numeric);
INSERT INTO crm.accounts VALUES (1, 'a'), (2, 'b');
INSERT INTO crm.orders VALUES (1, '2026-06-01', 10), (2, '2026-03-01', 10);
-- (to the analysts: DROP OWNED BY one of them revokes what it was granted itself)
GRANT USAGE ON SCHEMA crm TO dormancy_analyst;
GRANT SELECT ON crm.accounts, crm.orders TO dormancy_analyst;
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name');
SELECT dormancy.bind_orders('crm.orders', customer => 'account', ordered_at => 'at', amount => 'total');
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome) VALUES ('1', '2026-10-01', 'phone', 'reached');
SQL
}
# the roles of the nine that are not as installed ("-": the policy is missing)
nine_q="SELECT coalesce(string_agg(v.t || '.' || v.p || ' ' || coalesce(y.roles, '-'), ', ' ORDER BY v.t, v.p), 'as installed')
		  FROM (VALUES ('outreach_log', 'visible_customers', '{public}'), ('outreach_log', 'writers_insert', '{public}'),
					   ('outreach_log', 'writers_update', '{public}'), ('outreach_log', 'writers_delete', '{public}'),
					   ('campaign_members', 'visible_customers', '{public}'), ('campaign_members', 'writers_insert', '{public}'),
					   ('campaign_members', 'writers_update', '{public}'), ('campaign_members', 'writers_delete', '{public}'),
					   ('status_history', 'analysts_see_their_customers', '{dormancy_analyst}')) v(t, p, installed)
		  LEFT JOIN LATERAL (SELECT ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END FROM unnest(x.polroles) r)::text AS roles
							   FROM pg_policy x WHERE x.polrelid = ('dormancy.' || v.t)::regclass AND x.polname = v.p) y ON true
		 WHERE y.roles IS DISTINCT FROM v.installed"
nine() { psql -X -At -d "$1" -c "$nine_q"; }
reads() { psql -X -q -At -d "$1" -c "SET ROLE $2" -c "SELECT count(*) FROM dormancy.outreach_log"; }
rebind() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "SET client_min_messages = error" -c "SELECT dormancy.rebind()" >/dev/null; }
expect() {	# expect WHAT GOT WANT
	[ "$2" = "$3" ] || { echo "$1: $2 (want $3)"; exit 1; }
}

# 1. pg_restore --schema-only, then --data-only, with and without
# --disable-triggers: no error; with the triggers, the restored rows give
# the policies their roles at once; without them, the policies are as
# installed until the next build (rebind()), which gives them their roles
policy_db "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pa" \
	-c "ALTER POLICY analysts_see_their_customers ON dormancy.status_history TO $pa"
want="outreach_log.visible_customers {$pa}, status_history.analysts_see_their_customers {$pa}"
expect "the source's policies" "$(nine "$p1")" "$want"
pg_dump -Fc -f "$dumpdir/p1" "$p1"
for how in "" --disable-triggers; do
	dropdb --if-exists "$p2"; createdb "$p2"
	pg_restore --schema-only -d "$p2" "$dumpdir/p1"
	pg_restore --data-only $how -d "$p2" "$dumpdir/p1" 2>"$dumpdir/p1.err" ||
		{ echo "pg_restore --data-only $how failed:"; cat "$dumpdir/p1.err"; exit 1; }
	[ -n "$how" ] || expect "the policies after pg_restore --data-only" "$(nine "$p2")" "$want"
	rebind "$p2"
	expect "the policies after pg_restore --data-only $how and rebind()" "$(nine "$p2")" "$want"
	expect "the contacts $pb (left out) reads after pg_restore --data-only $how and rebind()" "$(reads "$p2" "$pb")" 0
	expect "the contacts $pa reads after pg_restore --data-only $how and rebind()" "$(reads "$p2" "$pa")" 1
	echo "pg_restore --data-only ${how:-(triggers enabled)}: no error, the policies' roles in force (at once with the triggers, at rebind() without)"
done

# 2. DROP OWNED BY a role takes it out of the policies (and drops a policy
# it was the only role of): recorded at once, so a dump taken right after,
# and the next build, give it none of them again
policy_db "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pa, $pb" \
	-c "ALTER POLICY writers_insert ON dormancy.outreach_log TO $pb" -c "DROP OWNED BY $pb"
want="outreach_log.visible_customers {$pa}, outreach_log.writers_insert -"
expect "the policies after DROP OWNED BY $pb" "$(nine "$p1")" "$want"
pg_dump -Fc -f "$dumpdir/p2" "$p1"
rebind "$p1"
expect "the policies after DROP OWNED BY $pb and rebind()" "$(nine "$p1")" "$want"
dropdb --if-exists "$p2"; createdb "$p2"
pg_restore -d "$p2" "$dumpdir/p2" 2>/dev/null
expect "the policies restored after DROP OWNED BY $pb" "$(nine "$p2")" "$want"
expect "the contacts $pb reads in the restored database" "$(reads "$p2" "$pb")" 0
rebind "$p2"
expect "the policies restored after DROP OWNED BY $pb, and rebind()" "$(nine "$p2")" "$want"
echo "DROP OWNED BY a role of the policies: recorded, neither a restore nor a build gives them back to it"

# 3. a role renamed, and a new role of its old name: in this cluster a
# recorded role is its OID and its name both.  A build while the policy
# still holds the renamed role (it cannot have been dropped since) records
# it under its new name: the policy made again after a reload of the
# customers (DROP ... CASCADE, then a bind) follows it, and the new role
# of the old name gets none.  A dump taken before that build names the old
# name beside the OID: restored in this cluster, neither role gets the
# policy (the OID is under another name: renamed, or reused by another
# role after a drop; never wider), with a WARNING
policy_db "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pa"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "ALTER ROLE $pa RENAME TO $pa_old" -c "CREATE ROLE $pa IN ROLE dormancy_analyst"
pg_dump -Fc -f "$dumpdir/p3" "$p1"
rebind "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" >/dev/null <<'SQL'
SET client_min_messages = warning;
DROP TABLE crm.accounts CASCADE;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text);
INSERT INTO crm.accounts VALUES (1, 'a'), (2, 'b');
GRANT SELECT ON crm.accounts TO dormancy_analyst;
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name');
SQL
want="outreach_log.visible_customers {$pa_old}"
expect "the policy made again after a rename and a build" "$(nine "$p1")" "$want"
expect "the contacts the new $pa reads" "$(reads "$p1" "$pa")" 0
expect "the contacts $pa_old (renamed) reads" "$(reads "$p1" "$pa_old")" 1
dropdb --if-exists "$p2"; createdb "$p2"
pg_restore -f "$dumpdir/p3.sql" "$dumpdir/p3"
psql -X -q -d "$p2" -f "$dumpdir/p3.sql" >/dev/null 2>"$dumpdir/p3.err"
expect "the policy restored from a dump taken after a rename, before a build" "$(nine "$p2")" "outreach_log.visible_customers -"
expect "the contacts the new $pa reads there" "$(reads "$p2" "$pa")" 0
grep -q "recorded role $pa has another name now ($pa_old): renamed, or its OID reused by another role" "$dumpdir/p3.err" ||
	{ echo "the restore did not warn of the role renamed:"; cat "$dumpdir/p3.err"; exit 1; }
echo "a renamed role keeps the policy once a build records its new name; before that, neither it nor a new role of its old name gets it (never wider)"

# 4. a restore in another cluster that lacks two of the roles: a policy
# gets the roles found, one none of whose roles exists is dropped (a
# WARNING each); the record keeps the missing names, so creating the roles
# and rebind() gives them the policies.  Another cluster is this one, the
# dump's record saying it was written elsewhere (its cluster id changed).
# In this cluster, the same dump gives roles of those names made since
# nothing: they are other roles than the ones dropped
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP ROLE $pa" -c "ALTER ROLE $pa_old RENAME TO $pa"
policy_db "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pa, $pc" \
	-c "ALTER POLICY visible_customers ON dormancy.campaign_members TO $pd"
pg_dump -Fc -f "$dumpdir/p4" "$p1"
dropdb "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP ROLE $pc" -c "DROP ROLE $pd"
sysid=$(psql -X -At -d postgres -c "SELECT system_identifier FROM pg_control_system()")
pg_restore -f "$dumpdir/p4.sql" "$dumpdir/p4"
sed "/^COPY dormancy.policy_roles /,/^\\\\\.\$/ s/\t$sysid\$/\t1/" "$dumpdir/p4.sql" >"$dumpdir/p4-elsewhere.sql"
dropdb --if-exists "$p2"; createdb "$p2"
psql -X -q -v ON_ERROR_STOP=1 -d "$p2" -f "$dumpdir/p4-elsewhere.sql" >/dev/null 2>"$dumpdir/p4.err" ||
	{ echo "the restore elsewhere failed:"; cat "$dumpdir/p4.err"; exit 1; }
expect "the policies restored elsewhere without $pc and $pd" "$(nine "$p2")" "campaign_members.visible_customers -, outreach_log.visible_customers {$pa}"
grep -q "WARNING:  policy visible_customers on dormancy.outreach_log set TO $pa only (recorded role $pc does not exist)" "$dumpdir/p4.err" &&
grep -q "WARNING:  policy visible_customers on dormancy.campaign_members dropped: none of its roles exists ($pd)" "$dumpdir/p4.err" ||
	{ echo "the restore elsewhere did not warn of the roles missing:"; cat "$dumpdir/p4.err"; exit 1; }
dropdb --if-exists "$p3"; createdb "$p3"
pg_restore -d "$p3" "$dumpdir/p4" 2>/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $pc IN ROLE dormancy_analyst" -c "CREATE ROLE $pd IN ROLE dormancy_analyst"
rebind "$p2"
expect "the policies restored elsewhere, once $pc and $pd exist and after rebind()" "$(nine "$p2")" \
	"campaign_members.visible_customers {$pd}, outreach_log.visible_customers {$pa,$pc}"
expect "the contacts $pc reads there" "$(reads "$p2" "$pc")" 1
rebind "$p3"
expect "the policies restored in this cluster, new roles named $pc and $pd, after rebind()" "$(nine "$p3")" \
	"campaign_members.visible_customers -, outreach_log.visible_customers {$pa}"
expect "the contacts the new $pc reads there" "$(reads "$p3" "$pc")" 0
echo "a restore elsewhere lacking roles: the policies get them once they exist and rebind() runs; in this cluster new roles of the old names get none"

# 5. DROP OWNED BY the owner of the bound customers CASCADE drops them, and
# with src_customers the nine policies: that is no role taken out of them
# (until 2026-12-08 all nine were recorded with no role, and no build made
# them again: the analysts read nothing, the writers could not write).  The
# records stay, as with DROP TABLE ... CASCADE, and the next bind makes the
# policies again with their roles.  Run by that owner itself (not the
# extension's owner): no error and no warning of the extension's (until
# 2026-12-08 "permission denied for schema dormancy")
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP ROLE IF EXISTS $pa_old" -c "CREATE ROLE $pe LOGIN"
for who in owner self; do
	policy_db "$p1"
	psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER TABLE crm.accounts OWNER TO $pe" \
		-c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pa, $pb"
	if [ "$who" = owner ]; then
		psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "SET client_min_messages = warning" -c "DROP OWNED BY $pe CASCADE" 2>"$dumpdir/p5.err" ||
			{ echo "DROP OWNED BY $pe CASCADE failed:"; cat "$dumpdir/p5.err"; exit 1; }
	else
		psql -X -q -v ON_ERROR_STOP=1 -U "$pe" -d "$p1" -c "SET client_min_messages = warning" -c "DROP OWNED BY $pe CASCADE" 2>"$dumpdir/p5.err" ||
			{ echo "DROP OWNED BY $pe CASCADE as $pe failed:"; cat "$dumpdir/p5.err"; exit 1; }
		[ ! -s "$dumpdir/p5.err" ] || { echo "DROP OWNED BY $pe CASCADE as $pe warned:"; cat "$dumpdir/p5.err"; exit 1; }
	fi
	expect "the record after DROP OWNED BY $pe CASCADE (as $who)" \
		"$(psql -X -At -d "$p1" -c "SELECT string_agg(table_name || '.' || policy_name || ' ' || roles::text, ', ' ORDER BY 1, 2) FROM dormancy.policy_roles")" \
		"outreach_log.visible_customers {$pa,$pb}"
	psql -X -q -v ON_ERROR_STOP=1 -d "$p1" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text);
INSERT INTO crm.accounts VALUES (1, 'a'), (2, 'b');
GRANT SELECT ON crm.accounts TO dormancy_analyst;
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name');
SQL
	expect "the policies made again after DROP OWNED BY $pe CASCADE (as $who) and a bind" "$(nine "$p1")" "outreach_log.visible_customers {$pa,$pb}"
	expect "the contacts $pa reads then" "$(reads "$p1" "$pa")" 1
done
echo "DROP OWNED BY the owner of the bound customers CASCADE (by the extension's owner or itself): the records stay, the policies come back at the next bind"

# 5b. The owner of the bound customers is also a role of a policy: DROP
# OWNED BY it CASCADE (by the extension's owner) takes it out of the policy
# before the cascade drops the policy; the record loses it (until
# 2026-12-08 the record kept it, cascaded, and the next bind gave it the
# policy back)
policy_db "$p1"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "ALTER TABLE crm.accounts OWNER TO $pe" \
	-c "ALTER POLICY visible_customers ON dormancy.outreach_log TO $pe, $pa" \
	-c "ALTER POLICY writers_insert ON dormancy.outreach_log TO $pb"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" -c "SET client_min_messages = warning" -c "DROP OWNED BY $pe CASCADE" 2>"$dumpdir/p5.err" ||
	{ echo "DROP OWNED BY $pe CASCADE failed:"; cat "$dumpdir/p5.err"; exit 1; }
expect "the record after DROP OWNED BY $pe CASCADE, $pe a role of a policy" \
	"$(psql -X -At -d "$p1" -c "SELECT string_agg(table_name || '.' || policy_name || ' ' || roles::text, ', ' ORDER BY table_name, policy_name) FROM dormancy.policy_roles")" \
	"outreach_log.visible_customers {$pa}, outreach_log.writers_insert {$pb}"
psql -X -q -v ON_ERROR_STOP=1 -d "$p1" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE TABLE crm.accounts (id integer PRIMARY KEY, name text);
INSERT INTO crm.accounts VALUES (1, 'a'), (2, 'b');
GRANT SELECT ON crm.accounts TO dormancy_analyst;
SELECT dormancy.bind_customers('crm.accounts', id => 'id', name => 'name');
SQL
expect "the policies made again after DROP OWNED BY $pe CASCADE, $pe a role of a policy, and a bind" "$(nine "$p1")" \
	"outreach_log.visible_customers {$pa}, outreach_log.writers_insert {$pb}"
echo "DROP OWNED BY the owner of the bound customers CASCADE, a role of a policy: it leaves the record, the next bind does not give it the policy back"

