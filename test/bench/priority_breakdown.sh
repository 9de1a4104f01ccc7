#!/usr/bin/env bash
# Benchmark: the priority score and its jsonb breakdown per row, this tree's
# C against an older revision's score_priority() (default: the 0.3.0
# release), side by side in one run on one server.  The older priority C
# (src/priority_sql.c and src/core/priority.c of that revision) is built as a
# small library of its own and declared as public.old_score_priority().
# Inputs: the priority_inputs of the demo customers (their state, amounts and
# gaps), with random engagement, deal, contract and model fields, in a table.
# Reports the backend's CPU seconds (median of runs) per query and per row;
# asserts nothing about speed.
#   bash test/bench/priority_breakdown.sh [customers [runs]]   (default 100000, 7)
#   base=<commit> bash test/bench/priority_breakdown.sh         (another old revision)
set -eu
. "$(dirname "$0")/../lib/common.sh"
cd "$REPO"
customers=${1:-100000}
runs=${2:-7}
base=${base:-$(git log --grep='^Release 0.3.0' --format=%H -1)}

ensure_packages
build_install
old=$(mktemp -d /tmp/dormancy-bench-old.XXXXXX)
trap 'stop_server; rm -rf "$old"' EXIT
mkdir -p "$old/src/core"
for f in src/priority_sql.c src/core/priority.c src/core/priority.h; do
	git show "$base:$f" >"$old/$f"
done
printf '#include "postgres.h"\n#include "fmgr.h"\nPG_MODULE_MAGIC;\n' >"$old/src/magic.c"
for f in priority_sql core/priority magic; do
	# shellcheck disable=SC2046
	gcc $($PG_CONFIG --cflags) $($PG_CONFIG --cflags_sl) -I"$($PG_CONFIG --includedir-server)" \
		-I"$old/src" -c "$old/src/$f.c" -o "$old/src/$f.o"
done
# -Bsymbolic: the old library's calls stay inside it, not in dormancy.so
gcc -shared -Wl,-Bsymbolic -o "$PG_ROOT$($PG_CONFIG --pkglibdir)/dormancy_old_priority.so" \
	"$old/src/priority_sql.o" "$old/src/core/priority.o" "$old/src/magic.o" -lm

start_server "jit = off"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dormancy"
psql -X -q -v ON_ERROR_STOP=1 -v customers="$customers" -v seed=0.42 -f test/demo/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class');
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total');
SET dormancy.as_of = '2026-11-01';
CREATE FUNCTION public.old_score_priority(dormancy.priority_inputs, dormancy.score_weights)
	RETURNS dormancy.priority_result AS 'dormancy_old_priority', 'score_priority'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
SELECT setseed(0.5);
CREATE TABLE public.bench_inputs AS
SELECT (r).* FROM (SELECT ROW(state, days_since_last_order, 30, 90, 365, total_amount, order_days, median_gap_days,
		mean_gap_days, gap_stddev_days, segment, cardinality(decline_signals), declining,
		random() < 0.5, floor(random() * 20)::int, floor(random() * 5)::int,
		CASE WHEN random() < 0.5 THEN floor(random() * 100)::int END, 90, random() < 0.5,
		(ARRAY['won', 'lost', 'postponed', 'open', NULL])[1 + floor(random() * 5)::int],
		(ARRAY['price', 'competitor', 'budget', NULL])[1 + floor(random() * 4)::int],
		floor(random() * 1000)::int, floor(random() * 2)::int, random() < 0.5, random() < 0.5,
		random() < 0.3, floor(random() * 400)::int, random() < 0.2, random() < 0.2,
		CASE WHEN random() < 0.5 THEN floor(random() * 100)::int END, 90, random(),
		random() * 10000)::dormancy.priority_inputs AS r
  FROM dormancy.customer_status OFFSET 0) s;
VACUUM ANALYZE public.bench_inputs;
-- the two give the same answers before they are timed
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM public.bench_inputs t CROSS JOIN dormancy.score_weights_in_force() sw
				CROSS JOIN LATERAL dormancy.score_priority(ROW(t.*)::dormancy.priority_inputs, sw) n
				CROSS JOIN LATERAL public.old_score_priority(ROW(t.*)::dormancy.priority_inputs, sw) o
			   WHERE n.score IS DISTINCT FROM o.score OR n.breakdown::text IS DISTINCT FROM o.breakdown::text) THEN
		RAISE EXCEPTION 'the old and the new score_priority differ';
	END IF;
END
$$;
SQL

echo "score_priority per row: $(psql -X -At -c 'SELECT count(*) FROM public.bench_inputs') inputs, base $(git rev-parse --short "$base"), backend CPU seconds, median of $runs runs"
/usr/bin/python3 - "$runs" <<'PY'
import os, statistics, sys
import psycopg2
runs = int(sys.argv[1])
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT string_agg('t.' || quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = 'public.bench_inputs'::regclass AND attnum > 0 AND NOT attisdropped")
row = "ROW(" + cur.fetchone()[0] + ")::dormancy.priority_inputs"
src = "FROM public.bench_inputs t CROSS JOIN dormancy.score_weights_in_force() sw"
halves = (f"CROSS JOIN LATERAL (SELECT dormancy._priority_score(x.i, sw) AS score, "
          f"dormancy._priority_breakdown(x.i, sw) AS breakdown FROM (SELECT {row} AS i) x) p")
old = f"CROSS JOIN LATERAL public.old_score_priority({row}, sw) p"
new = f"CROSS JOIN LATERAL dormancy.score_priority({row}, sw) p"
queries = [
    ("ROW(...) alone", f"SELECT count({row}) {src}"),
    ("old: score_priority in FROM, score + breakdown", f"SELECT count(p.breakdown), sum(p.score) {src} {old}"),
    ("new: score_priority in FROM, score + breakdown", f"SELECT count(p.breakdown), sum(p.score) {src} {new}"),
    ("new: the halves (customer_status), score + breakdown", f"SELECT count(p.breakdown), sum(p.score) {src} {halves}"),
    ("old: score only", f"SELECT sum(p.score) {src} {old}"),
    ("new: the halves, score only", f"SELECT sum(p.score) {src} {halves}"),
    ("old: breakdown::text", f"SELECT sum(length(p.breakdown::text)) {src} {old}"),
    ("new: the halves, breakdown::text", f"SELECT sum(length(p.breakdown::text)) {src} {halves}"),
]
cur.execute("SET max_parallel_workers_per_gather = 0")
cur.execute("SELECT pg_backend_pid(), count(*) FROM public.bench_inputs")
pid, rows = cur.fetchone()
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
times = {name: [] for name, _ in queries}
for name, q in queries:
    cur.execute(q)
for _ in range(runs):
    for name, q in queries:
        c0 = cpu()
        cur.execute(q)
        cur.fetchall()
        times[name].append(cpu() - c0)
med = {name: statistics.median(t) for name, t in times.items()}
print(f"{'query':54s} {'CPU s':>6s} {'µs/row':>7s}")
for name, _ in queries:
    print(f"{name:54s} {med[name]:6.2f} {med[name] * 1e6 / rows:7.2f}")
def ratio(a, b):
    return med[a] / med[b] if med[b] > 0 else float("inf")
print(f"score + breakdown, old / new halves: {ratio(queries[1][0], queries[3][0]):.1f}x;"
      f" score only: {ratio(queries[4][0], queries[5][0]):.1f}x;"
      f" breakdown as text: {ratio(queries[6][0], queries[7][0]):.1f}x")
PY
