#!/usr/bin/env bash
# A plain pg_dump of purchase_history values restores (issue 10, item 10):
# histories in a user's table, with subnormal amounts (1e-310), refund-only
# and unknown-only days, unions and merges, come back bit for bit through a
# plain-format dump restored by psql (text COPY) and through a custom-format
# dump (pg_restore).  Before 0.3.0 the text output of a subnormal amount was
# refused by the text input, so the restore failed.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -eu
src=dormancy_hdump_src
plain=dormancy_hdump_plain
custom=dormancy_hdump_custom
dump=/tmp/dormancy_hdump.$$
for db in "$src" "$plain" "$custom"; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
trap 'for db in "$src" "$plain" "$custom"; do dropdb --if-exists "$db"; done; rm -f "$dump.sql" "$dump.dump"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL'
CREATE EXTENSION dormancy;
CREATE TABLE public.saved (id integer PRIMARY KEY, kind text, h dormancy.purchase_history);
SELECT setseed(0.75) \g /dev/null
CREATE TEMP TABLE o AS
SELECT (random() * 30)::int AS c, (random() * 2)::int AS cat, date '2026-01-01' + (random() * 15)::int AS d,
	   CASE WHEN r < 0.1 THEN NULL
			WHEN r < 0.3 THEN -round((random() * 50)::numeric, 2)::float8
			WHEN r < 0.4 THEN random() * 1e-310
			WHEN r < 0.45 THEN -random() * 1e-315
			ELSE round((random() * 900)::numeric, 2)::float8 END AS a,
	   random() < 0.2 AS disc
  FROM (SELECT random() AS r FROM generate_series(1, 4000)) s;
INSERT INTO public.saved
SELECT row_number() OVER (ORDER BY kind, c), kind, h FROM (
	SELECT 'aggregate' AS kind, c, dormancy.purchase_history(d, a, disc) AS h FROM o GROUP BY c
	UNION ALL
	SELECT 'union', c, dormancy.purchase_history_union(h)
	  FROM (SELECT c, cat, dormancy.purchase_history(d, a, disc) AS h FROM o GROUP BY c, cat) x GROUP BY c
	UNION ALL
	SELECT 'merge', x.c, dormancy.purchase_history_merge(x.h, y.h)
	  FROM (SELECT c, dormancy.purchase_history(d, a) AS h FROM o WHERE cat = 0 GROUP BY c) x
	  JOIN (SELECT c, dormancy.purchase_history(d, a) AS h FROM o WHERE cat = 1 GROUP BY c) y USING (c)
	UNION ALL
	SELECT 'refunds only', c, dormancy.purchase_history(d, a) FROM o WHERE a < 0 GROUP BY c
	UNION ALL
	SELECT 'subnormal', 0, dormancy.purchase_history(d, a)
	  FROM (VALUES (date '2026-01-01', 1e-310::float8), ('2026-01-02', -5e-324)) v(d, a)
) x;
SQL

subnormal=$(psql -X -At -d "$src" -c "SELECT count(*) FROM public.saved s, dormancy.purchase_history_days(s.h) d WHERE d.amount <> 0 AND abs(d.amount) < 2.2250738585072014e-308")
[ "$subnormal" -gt 0 ] || { echo "FAIL: no subnormal amount in the saved histories"; exit 1; }
q="SELECT id, kind, encode(dormancy.purchase_history_send(h), 'hex') FROM public.saved ORDER BY id"
before=$(psql -X -At -d "$src" -c "$q")

pg_dump -Fp -f "$dump.sql" "$src"
psql -X -q -v ON_ERROR_STOP=1 -d "$plain" -f "$dump.sql" >/dev/null
after=$(psql -X -At -d "$plain" -c "$q")
[ "$before" = "$after" ] || { echo "FAIL: histories differ after a plain dump and restore"; diff <(echo "$before") <(echo "$after") | head; exit 1; }
echo "ok: plain pg_dump restores $(echo "$after" | wc -l) histories bit for bit ($subnormal subnormal day amounts)"

pg_dump -Fc -f "$dump.dump" "$src"
pg_restore --exit-on-error -d "$custom" "$dump.dump"
after=$(psql -X -At -d "$custom" -c "$q")
[ "$before" = "$after" ] || { echo "FAIL: histories differ after pg_restore"; diff <(echo "$before") <(echo "$after") | head; exit 1; }
echo "ok: pg_restore of a custom dump too"
