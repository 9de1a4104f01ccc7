#!/usr/bin/env bash
# What row security costs an analyst (docs/operations.md, Looking up one
# customer): a member of dormancy_analyst under a policy of yours on the
# customers (two thirds of them), against the owner, on the demo data with
# the extension's outreach log and a campaign.  The policies of the log,
# the campaign members and the status history test each row's customer
# (sql_src/67_outreach.sql, _customer_key_policies); until 2026-12-07 they
# took its key among every id the analyst sees (visible_customer_keys()),
# and the log was joined by a cast that is not leakproof, so an analyst's
# lookup of one customer read every customer it sees and the whole log.
#
# Both forms in one database, alternated round by round (the order within a
# round alternates too): "before" puts back what 0.4.0 had until then (the
# installed policies, outreach_customer_key not LEAKPROOF, the log joined on
# the id cast to text), "after" what a bind builds now.  Per round:
#   lookup_analyst, lookup_owner   mean latency of one customer's
#                                  customer_status (pgbench -M prepared, the
#                                  same random customers the analyst sees)
#   status_analyst, status_owner   every row of customer_status (count(s.*))
#   outreach_analyst, outreach_owner   every row of customer_outreach (the
#                                  part of customer_status that reads the log)
#   list_analyst                   every row of campaign_list
# Prints the medians as a markdown table; asserts nothing about speed.
#   bash test/bench/analyst_lookup.sh [customers] [contacts]   (default 100000 300000)
#   runs=7 ...   (rounds, default 5); lookups=40 ... (per round, default 40)
#   keep=1 ...   set up, then leave the server running for a look (its PGHOST printed)
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib.sh"
cd "$REPO"
customers=${1:-100000}
contacts=${2:-300000}
runs=${runs:-5}
lookups=${lookups:-40}
as_of=2026-11-01
analyst=dormancy_bench_analyst

ensure_packages
build_install
trap stop_server EXIT
start_server "shared_buffers = '1GB'" "max_wal_size = '4GB'"
bench_clock

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning;
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', name => 'account_name',
							   industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
-- the outreach: $contacts contacts of random customers over the year before
-- the as-of day; a campaign of every tenth customer, a tenth held out
SELECT setseed(0.11);
INSERT INTO dormancy.campaigns (campaign_id, name, as_of, control_share, seed, reactivation_days, score_bands, customers, controls)
VALUES (1, 'bench', '2026-08-01', 0.1, 1, 90, '{25,50,75}', $customers / 10, $customers / 100);
INSERT INTO dormancy.campaign_members (campaign_id, customer_id, is_control, stratum, state, channel, priority_score, call_order)
SELECT 1, i::text, i % 100 = 0, 'dormant|unknown|0-25', 'dormant', 'phone', random() * 100, i / 10
  FROM generate_series(10, $customers, 10) i;
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome, campaign_id)
SELECT (1 + floor(random() * $customers))::int::text,
	   timestamptz '$as_of 10:00+00' - floor(random() * 365)::int * interval '1 day',
	   (ARRAY['phone', 'visit', 'email', 'direct_mail'])[1 + floor(random() * 4)::int],
	   (ARRAY['reached', 'not reached', 'interested', 'declined'])[1 + floor(random() * 4)::int],
	   CASE WHEN random() < 0.1 THEN 1 END
  FROM generate_series(1, $contacts);
-- the analyst: every customer but those whose id is a multiple of 3
DROP ROLE IF EXISTS $analyst;
CREATE ROLE $analyst LOGIN IN ROLE dormancy_analyst;
GRANT USAGE ON SCHEMA demo TO $analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA demo TO $analyst;
ALTER TABLE demo.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_analyst ON demo.accounts FOR SELECT TO $analyst USING (account_id % 3 <> 0);
-- the two forms
CREATE FUNCTION public.form_before() RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	ALTER FUNCTION dormancy.outreach_customer_key(text) NOT LEAKPROOF;
	PERFORM dormancy._customer_key_policies(false);
	EXECUTE format('CREATE OR REPLACE VIEW dormancy.src_outreach WITH (security_invoker = true) AS %s',
				   replace(pg_get_viewdef('dormancy.src_outreach'::regclass), 'dormancy.customer_id_text(c.customer_id)', '(c.customer_id)::text'));
END \$\$;
CREATE FUNCTION public.form_after() RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	ALTER FUNCTION dormancy.outreach_customer_key(text) LEAKPROOF;
	PERFORM dormancy._customer_key_policies(true);
	EXECUTE format('CREATE OR REPLACE VIEW dormancy.src_outreach WITH (security_invoker = true) AS %s', dormancy._outreach_adapter());
END \$\$;
SQL
psql -X -q -c "VACUUM ANALYZE demo.invoices" -c "VACUUM ANALYZE demo.accounts" -c "VACUUM ANALYZE dormancy.outreach_log" \
	-c "VACUUM ANALYZE dormancy.campaign_members"
psql -X -q -v ON_ERROR_STOP=1 -c "SET dormancy.as_of = '$as_of'" -c "SELECT count(*) FROM dormancy.fit_models()" >/dev/null
orders=$(psql -X -At -c "SELECT count(*) FROM demo.invoices")
note "data: $customers customers, $orders orders, $contacts contacts, $((customers / 10)) campaign members"

# the same answers in both forms, for the analyst
answers() {
	psql -X -At -U "$analyst" -v ON_ERROR_STOP=1 -c "SET dormancy.as_of = '$as_of'" \
		-c "SELECT md5(string_agg(s::text, '' ORDER BY s.customer_id)) FROM dormancy.customer_status s" \
		-c "SELECT md5(string_agg(l::text, '' ORDER BY l.customer_id)) FROM dormancy.campaign_list l" \
		-c "SELECT count(*), md5(string_agg(o.outreach_id::text, ',' ORDER BY o.outreach_id)) FROM dormancy.outreach_log o"
}
psql -X -q -c "SELECT public.form_before()" >/dev/null
before_answers=$(answers)
psql -X -q -c "SELECT public.form_after()" >/dev/null
after_answers=$(answers)
if [ "$before_answers" != "$after_answers" ]; then
	echo "analyst_lookup.sh: the analyst's answers differ between the forms" >&2
	diff <(echo "$before_answers") <(echo "$after_answers") >&2
	exit 1
fi
note "the analyst's answers are the same in both forms"
if [ -n "${keep:-}" ]; then
	trap - EXIT
	echo "PGHOST=$PGHOST (stop: pg_ctl -D $PG_TMP/data stop; the analyst: psql -U $analyst)"
	exit 0
fi

# one customer the analyst sees, at random (k -> the k-th id not a multiple of 3)
cat >"$PG_TMP/lookup.sql" <<SQL
\\set k random(0, $((customers * 2 / 3 - 2)))
\\set id (:k / 2) * 3 + 1 + (:k % 2)
SELECT * FROM dormancy.customer_status WHERE customer_id = :id;
SQL
lookup() {	# ROLE SEED: mean latency in ms
	PGOPTIONS="-c dormancy.as_of=$as_of -c jit=off" pgbench -n -M prepared -U "$1" -t "$lookups" --random-seed="$2" \
		-f "$PG_TMP/lookup.sql" 2>/dev/null | sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p'
}
whole() {	# ROLE QUERY: ms
	psql -X -At -U "$1" -v ON_ERROR_STOP=1 <<SQL | grep -o '^Time: [0-9.]*' | awk '{print $2}'
SET dormancy.as_of = '$as_of';
SET jit = off;
\o /dev/null
\timing on
$2
SQL
}
declare -A took
measure() {	# FORM ROUND
	took[$1 lookup_analyst]+="$(lookup "$analyst" "$2") "
	took[$1 lookup_owner]+="$(lookup postgres "$2") "
	took[$1 status_analyst]+="$(whole "$analyst" "SELECT count(s.*) FROM dormancy.customer_status s;") "
	took[$1 status_owner]+="$(whole postgres "SELECT count(s.*) FROM dormancy.customer_status s;") "
	took[$1 outreach_analyst]+="$(whole "$analyst" "SELECT count(o.*) FROM dormancy.customer_outreach o;") "
	took[$1 outreach_owner]+="$(whole postgres "SELECT count(o.*) FROM dormancy.customer_outreach o;") "
	took[$1 list_analyst]+="$(whole "$analyst" "SELECT count(l.*) FROM dormancy.campaign_list l;") "
}
for ((i = 1; i <= runs; i++)); do
	if ((i % 2)); then forms=(before after); else forms=(after before); fi
	for f in "${forms[@]}"; do
		psql -X -q -c "SELECT public.form_$f()" >/dev/null
		measure "$f" "$i"
		note "round $i, $f: $(for k in lookup_analyst lookup_owner status_analyst status_owner outreach_analyst outreach_owner list_analyst; do printf '%s %s; ' $k $(echo ${took[$f $k]} | awk '{print $NF}'); done)"
	done
done

echo
echo "| $customers customers, $contacts contacts, $runs rounds (medians, ms) | before | after |"
echo "|---|---|---|"
for k in lookup_analyst lookup_owner status_analyst status_owner outreach_analyst outreach_owner list_analyst; do
	b=$(echo ${took[before $k]} | tr ' ' '\n' | median)
	a=$(echo ${took[after $k]} | tr ' ' '\n' | median)
	echo "| $k | $b (${took[before $k]% }) | $a (${took[after $k]% }) |"
done
