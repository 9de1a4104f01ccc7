#!/usr/bin/env bash
# pg_dump keeps user edits of dormancy.rules, the bindings and the generated
# views (ordinary views, not extension members): pg_restore runs without an
# error and the answers after restore are the same, before and after rebind().
# A binding whose relation was dropped is restored broken, naming no
# relation (it kept the dropped relation's OID, dumped as a bare number,
# which in the restored cluster could name another relation).
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
src=dormancy_dump_src
dst=dormancy_dump_dst
dropdb --if-exists "$src"; dropdb --if-exists "$dst"
createdb "$src"; createdb "$dst"
trap 'dropdb --if-exists "$src"; dropdb --if-exists "$dst"; rm -f /tmp/dormancy_dump.$$' EXIT

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
SQL

q="SET dormancy.as_of = '2026-11-01'; SELECT customer_id, state, dormant_after FROM dormancy.customer_status ORDER BY 1"
before=$(psql -X -At -d "$src" -c "$q")

pg_dump -Fc -f /tmp/dormancy_dump.$$ "$src"
pg_restore -d "$dst" /tmp/dormancy_dump.$$

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
psql -X -q -v ON_ERROR_STOP=1 -d "$dst" -c "SELECT dormancy.rebind()" >/dev/null
again=$(psql -X -At -d "$dst" -c "$q")
[ "$before" = "$again" ] || { echo "status differs after rebind"; diff <(echo "$before") <(echo "$again"); exit 1; }
echo "customer_status identical after restore, and after rebind():"
echo "$after"
