#!/usr/bin/env bash
# Databases that are not UTF-8 (issue 10, items 5 and 13).
#  - LATIN1 and EUC_JP: the name key (normalize_company_name) of every valid
#    character of the encoding, alone and between letters, is text in the
#    database encoding, without an error; it equals the key a UTF-8 database
#    gives wherever that key can be written in the encoding; a character with
#    no Unicode equivalent (EUC_JP's user-defined and unassigned codes) is
#    kept as it is.  customer_status (data_gaps), duplicate_customers and a
#    refresh run with a customer named with each character, and spelling
#    variants of one company still meet (demo-like Japanese names in EUC_JP,
#    accented names and the acute accent typed for an apostrophe in LATIN1).
#  - EUC_JIS_2004, EUC_CN, EUC_KR, EUC_TW: the ideographic space 0xA1A1 is
#    white space to label_key and outreach_customer_key, as in EUC_JP.
#  - SQL_ASCII: CREATE EXTENSION works; a name that is valid UTF-8 is keyed as
#    UTF-8, any other byte >= 0x80 is kept as it is.
#  - The non-ASCII defaults (Unicode escapes in the install script) are in the
#    tables where the encoding can hold them, and left out where not.
# Runs against the test server (PGHOST/PGPORT/PGUSER set by test/run_tests.sh).
set -u
utf8=dormancy_enc_utf8
latin1=dormancy_enc_latin1
eucjp=dormancy_enc_eucjp
ascii=dormancy_enc_sql_ascii
export PGCLIENTENCODING=UTF8
cleanup() {
	for db in $utf8 $latin1 $eucjp $ascii; do dropdb --if-exists "$db" 2>/dev/null; done
}
trap cleanup EXIT
cleanup

fails=0
check() {	# check DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then echo "ok: $1: $2"; else echo "FAIL: $1: got '$2', want '$3'"; fails=$((fails + 1)); fi
}
q() {	# q DB SQL...: one value (errors go to stdout, so they fail the check)
	local db=$1
	shift
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@" 2>&1
}

createdb -T template0 -E UTF8 --locale=C "$utf8" &&
	createdb -T template0 -E LATIN1 --locale=C "$latin1" &&
	createdb -T template0 -E EUC_JP --locale=C "$eucjp" &&
	createdb -T template0 -E SQL_ASCII --locale=C "$ascii" || exit 1

# item 13: the extension installs in every one of them
for db in $utf8 $latin1 $eucjp $ascii; do
	check "CREATE EXTENSION in $(q "$db" -c 'SHOW server_encoding')" \
		"$(q "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION dormancy' -c "SELECT extversion FROM pg_extension WHERE extname = 'dormancy'")" \
		"$(q postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'dormancy'")"
done

# The non-ASCII defaults: all of them in UTF-8 and EUC_JP, none in LATIN1 and
# SQL_ASCII (where the ASCII ones are all there).
defaults_sql="SELECT string_agg(format('%s %s/%s', t, n, a), ', ' ORDER BY t) FROM (
	SELECT 'legal_forms' t, count(*) n, count(*) FILTER (WHERE form ~ '^[ -~]*$') a FROM dormancy.legal_forms
	UNION ALL SELECT 'event_kinds', count(*), count(*) FILTER (WHERE source_kind ~ '^[ -~]*$') FROM dormancy.event_kinds
	UNION ALL SELECT 'deal_outcomes', count(*), count(*) FILTER (WHERE source_outcome ~ '^[ -~]*$') FROM dormancy.deal_outcomes
	UNION ALL SELECT 'deal_reasons', count(*), count(*) FILTER (WHERE source_reason ~ '^[ -~]*$') FROM dormancy.deal_reasons) x"
want_all=$(q $utf8 -c "$defaults_sql")
want_ascii=$(sed -E 's#[0-9]+/([0-9]+)#\1/\1#g' <<<"$want_all")
check "defaults in EUC_JP (rows/ASCII rows)" "$(q $eucjp -c "$defaults_sql")" "$want_all"
check "defaults in LATIN1 (rows/ASCII rows)" "$(q $latin1 -c "$defaults_sql")" "$want_ascii"
check "defaults in SQL_ASCII (rows/ASCII rows)" "$(q $ascii -c "$defaults_sql")" "$want_ascii"
check "UTF-8 has non-ASCII defaults" "$([ "$want_all" != "$want_ascii" ] && echo yes)" yes

# label_key without NFKC: case and white space; in EUC_JP the ideographic
# space (a whole character, never the bytes A1 A1 across two) is white space
check "label_key in LATIN1" "$(q $latin1 -c "SELECT dormancy.label_key(E' \\tClosed  LOST \\r')")" "closed lost"
check "label_key in EUC_JP" \
	"$(q $eucjp -c "SELECT dormancy.label_key(U&'\\3000\\6D88\\8017\\54C1\\3000\\3000IT') = U&'\\6D88\\8017\\54C1 it'
					  AND dormancy.label_key(U&'\\4E9C\\3001') = U&'\\4E9C\\3001'
					  AND (dormancy.rule_for(U&'\\6D88\\8017\\54C1\\3000', U&'\\4E2D\\5C0F')).industry = 'consumables'")" t
# the outreach log's customer ids: the same white space trimmed at both
# ends only (LATIN1: the ASCII blanks; EUC_JP: the ideographic space too,
# found character by character), full-width digits kept
check "outreach_customer_key in LATIN1" "$(q $latin1 -c "SELECT '[' || dormancy.outreach_customer_key(E' \\t42\\r\\n') || ']'")" "[42]"
check "outreach_customer_key in EUC_JP" \
	"$(q $eucjp -c "SELECT dormancy.outreach_customer_key(U&'\\30001042\\3000\\0009') = '1042'
					  AND dormancy.outreach_customer_key(U&'\\3000\\4E9C\\3000\\4E9C\\3001\\3000') = U&'\\4E9C\\3000\\4E9C\\3001'
					  AND dormancy.outreach_customer_key(U&'\\FF11\\FF19') = U&'\\FF11\\FF19'
					  AND dormancy.outreach_customer_key(U&'\\3000') = ''")" t

# Helpers in every database: the key of a name or NULL on error (with the
# SQLSTATE kept), and whether text is valid in the database encoding.
helpers="
CREATE SCHEMA t;
CREATE TABLE t.errors (name bytea, sqlstate text, message text);
CREATE FUNCTION t.key(name text) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
	RETURN dormancy.normalize_company_name(name);
EXCEPTION WHEN OTHERS THEN
	INSERT INTO t.errors VALUES (convert_to(name, getdatabaseencoding()), SQLSTATE, SQLERRM);
	RETURN NULL;
END \$\$;
CREATE FUNCTION t.valid(s text) RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN
	PERFORM convert_to(s, getdatabaseencoding());	-- verifies the bytes
	RETURN true;
EXCEPTION WHEN OTHERS THEN
	RETURN false;
END \$\$;
CREATE FUNCTION t.to_utf8(b bytea, enc name) RETURNS bytea LANGUAGE plpgsql AS \$\$
BEGIN
	RETURN convert(b, enc, 'UTF8');
EXCEPTION WHEN OTHERS THEN
	RETURN NULL;
END \$\$;
CREATE FUNCTION t.from_utf8(b bytea) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
	RETURN convert_from(b, 'UTF8');
EXCEPTION WHEN OTHERS THEN
	RETURN NULL;
END \$\$;
-- the code point of one character in UTF-8
CREATE FUNCTION t.code_point(b bytea) RETURNS int LANGUAGE sql IMMUTABLE RETURN CASE
	WHEN get_byte(b, 0) < 128 THEN get_byte(b, 0)
	WHEN get_byte(b, 0) < 224 THEN ((get_byte(b, 0) & 31) << 6) | (get_byte(b, 1) & 63)
	WHEN get_byte(b, 0) < 240 THEN ((get_byte(b, 0) & 15) << 12) | ((get_byte(b, 1) & 63) << 6) | (get_byte(b, 2) & 63)
	ELSE ((get_byte(b, 0) & 7) << 18) | ((get_byte(b, 1) & 63) << 12) | ((get_byte(b, 2) & 63) << 6) | (get_byte(b, 3) & 63) END;
-- every character of the encoding (bytes), its text and its UTF-8 form
CREATE TABLE t.chars (id serial PRIMARY KEY, bytes bytea NOT NULL, ch text, utf8 bytea);
-- the names tried for each character: alone, between letters, in a company name
CREATE VIEW t.names AS
SELECT c.id, v.variant, v.name, c.ch, c.utf8
  FROM t.chars c
 CROSS JOIN LATERAL (VALUES (1, c.ch), (2, 'Ab' || c.ch || 'cD'), (3, 'Foo ' || c.ch || 'bar Co., Ltd.')) v(variant, name);
"
for db in $utf8 $latin1 $eucjp $ascii; do
	q "$db" -c "$helpers" >/dev/null
done

# LATIN1: every byte but NUL; EUC_JP: ASCII, every two-byte code of JIS X 0208
# rows 1-94 (assigned or not, user-defined rows 85-94 too), the half-width
# kana and every three-byte code of JIS X 0212 (SS3).
q $latin1 -c "INSERT INTO t.chars (bytes) SELECT set_byte('\\x00'::bytea, 0, b) FROM generate_series(1, 255) b" >/dev/null
q $eucjp -c "
INSERT INTO t.chars (bytes)
SELECT set_byte('\\x00'::bytea, 0, b) FROM generate_series(1, 127) b
UNION ALL
SELECT set_byte(set_byte('\\x0000'::bytea, 0, hi), 1, lo) FROM generate_series(161, 254) hi, generate_series(161, 254) lo
UNION ALL
SELECT set_byte('\\x8e00'::bytea, 1, lo) FROM generate_series(161, 223) lo
UNION ALL
SELECT set_byte(set_byte('\\x8f0000'::bytea, 1, hi), 2, lo) FROM generate_series(161, 254) hi, generate_series(161, 254) lo" >/dev/null
q $ascii -c "INSERT INTO t.chars (bytes) SELECT set_byte('\\x00'::bytea, 0, b) FROM generate_series(1, 255) b" >/dev/null
for db in $latin1 $eucjp $ascii; do
	enc=$(q "$db" -c 'SHOW server_encoding')
	q "$db" -c "UPDATE t.chars SET ch = convert_from(bytes, getdatabaseencoding())" >/dev/null
	[ "$enc" = SQL_ASCII ] || q "$db" -c "UPDATE t.chars SET utf8 = t.to_utf8(bytes, getdatabaseencoding())" >/dev/null
done
check "LATIN1 characters tried (printable)" \
	"$(q $latin1 -c "SELECT count(*) || ' (' || count(*) FILTER (WHERE ch ~ '^[[:print:]]$' OR get_byte(bytes, 0) >= 160) || ')' FROM t.chars")" "255 (191)"
check "EUC_JP codes tried (with a Unicode equivalent)" \
	"$(q $eucjp -c "SELECT count(*) || ' (' || count(utf8) || ')' FROM t.chars")" \
	"$(q $eucjp -c "SELECT 127 + 94 * 94 + 63 + 94 * 94 || ' (' || count(*) FILTER (WHERE t.to_utf8(bytes, 'EUC_JP') IS NOT NULL) || ')' FROM t.chars")"
check "EUC_JP: JIS X 0208 full-width digits and letters, hiragana, katakana and level-1 kanji tried" \
	"$(q $eucjp -c "SELECT string_agg(format('%s %s', s, count), ', ' ORDER BY s) FROM (
		SELECT CASE get_byte(bytes, 0) WHEN 163 THEN '1 alnum' WHEN 164 THEN '2 hiragana' WHEN 165 THEN '3 katakana' ELSE '4 kanji' END s,
			   count(*) FILTER (WHERE utf8 IS NOT NULL)
		  FROM t.chars WHERE length(bytes) = 2 AND get_byte(bytes, 0) IN (163, 164, 165) OR get_byte(bytes, 0) BETWEEN 176 AND 207
		 GROUP BY 1) x")" "1 alnum 62, 2 hiragana 83, 3 katakana 86, 4 kanji 2965"

# The keys in each database, and the keys a UTF-8 database gives for the
# same characters (their Unicode equivalents), compared in the database.
for db in $latin1 $eucjp; do
	q "$db" -c "CREATE TABLE t.keys AS SELECT n.id, n.variant, t.key(n.name) AS key FROM t.names n" >/dev/null
	q "$db" -c "CREATE TABLE t.utf8_keys (id int, variant int, key bytea)" >/dev/null
	q $utf8 -c "DROP TABLE IF EXISTS t.ref; CREATE TABLE t.ref (id int, utf8 bytea)" >/dev/null
	psql -X -q -d "$db" -c "COPY (SELECT id, utf8 FROM t.chars WHERE utf8 IS NOT NULL) TO STDOUT" |
		psql -X -q -d $utf8 -c "COPY t.ref FROM STDIN"
	psql -X -q -d $utf8 -c "COPY (
		SELECT r.id, v.variant, convert_to(t.key(v.name), 'UTF8')
		  FROM t.ref r CROSS JOIN LATERAL (
			VALUES (1, convert_from(r.utf8, 'UTF8')), (2, 'Ab' || convert_from(r.utf8, 'UTF8') || 'cD'),
				   (3, 'Foo ' || convert_from(r.utf8, 'UTF8') || 'bar Co., Ltd.')) v(variant, name)) TO STDOUT" |
		psql -X -q -d "$db" -c "COPY t.utf8_keys FROM STDIN"
	enc=$(q "$db" -c 'SHOW server_encoding')
	check "$enc: names that fail (of $(q "$db" -c 'SELECT count(*) FROM t.keys'))" \
		"$(q "$db" -c "SELECT count(*) || coalesce(': ' || (SELECT string_agg(m, '; ') FROM (SELECT DISTINCT sqlstate || ' ' || message m FROM t.errors ORDER BY 1 LIMIT 3) x), '') FROM t.errors")" 0
	check "$enc: keys that are not valid $enc" "$(q "$db" -c "SELECT count(*) FROM t.keys WHERE NOT t.valid(key)")" 0
	check "$enc: keys that differ from the UTF-8 database's where that one can be written in $enc" \
		"$(q "$db" -c "SELECT count(*) || coalesce(': ' || string_agg(DISTINCT encode(c.bytes, 'hex'), ' '), '') FROM t.keys k JOIN t.chars c USING (id)
		 JOIN t.utf8_keys u USING (id, variant) WHERE t.from_utf8(u.key) IS DISTINCT FROM k.key AND t.from_utf8(u.key) IS NOT NULL")" 0
	# where the UTF-8 key cannot be written, the character itself stays
	echo "$enc: characters whose UTF-8 key cannot be written in $enc (kept as they are): $(q "$db" -c "
		SELECT count(DISTINCT c.id) || ': ' || coalesce(string_agg(DISTINCT 'U+' || upper(lpad(to_hex(t.code_point(c.utf8)), 4, '0')), ' '), '')
		  FROM t.keys k JOIN t.chars c USING (id) JOIN t.utf8_keys u USING (id, variant) WHERE t.from_utf8(u.key) IS NULL")"
	check "$enc: of those, keys without the character itself" \
		"$(q "$db" -c "SELECT count(*) FROM t.keys k JOIN t.chars c USING (id) JOIN t.utf8_keys u USING (id, variant)
		 WHERE t.from_utf8(u.key) IS NULL AND strpos(k.key, c.ch) = 0")" 0
done
# (as letters of a script written without spaces: most are characters for names)
check "EUC_JP: codes without a Unicode equivalent are keys of their own (alone, between letters, in a name)" \
	"$(q $eucjp -c "SELECT count(*) FILTER (WHERE k.key IS DISTINCT FROM CASE k.variant WHEN 1 THEN c.ch WHEN 2 THEN 'ab' || c.ch || 'cd' ELSE 'foo' || c.ch || 'bar' END)
	 || ' of ' || count(*) FROM t.keys k JOIN t.chars c USING (id) WHERE c.utf8 IS NULL")" \
	"0 of $(q $eucjp -c "SELECT 3 * count(*) FROM t.chars WHERE utf8 IS NULL")"

# Spelling variants still meet.  LATIN1: case, accents kept, the acute
# accent typed for an apostrophe; EUC_JP: the demo's names, full-width and
# half-width forms.
check "LATIN1: variants meet" "$(q $latin1 -c "
	SELECT string_agg(DISTINCT convert_to(dormancy.normalize_company_name(n), 'UTF8')::text, ' | ')
	  FROM unnest(ARRAY['Caf' || chr(233) || ' M' || chr(252) || 'ller GmbH', 'CAF' || chr(201) || ' M' || chr(220) || 'LLER']) n")" \
	'\x636166c3a9206dc3bc6c6c6572'
check "LATIN1: the acute accent typed for an apostrophe meets the apostrophe" "$(q $latin1 -c "
	SELECT string_agg(DISTINCT dormancy.normalize_company_name(n), ' | ')
	  FROM unnest(ARRAY['O''Brien Ltd', 'O' || chr(180) || 'Brien Ltd', 'O' || chr(180) || 'BRIEN']) n")" obrien
check "EUC_JP: the demo's spellings meet" "$(q $eucjp -c "
	SELECT string_agg(DISTINCT convert_to(dormancy.normalize_company_name(n), 'UTF8')::text, ' | ')
	  FROM unnest(ARRAY[U&'\\682A\\5F0F\\4F1A\\793E\\30C7\\30E2\\FF11\\FF12', U&'(\\682A)\\30C7\\30E2 12',
						U&'\\30C7\\30E2\\FF11\\FF12 Co., Ltd.', U&'\\FF08\\682A\\FF09\\FF83\\FF9E\\FF93 12',
						U&'\\30C7\\30E2 12 \\6709\\9650\\4F1A\\793E']) n")" \
	"$(q $utf8 -c "SELECT convert_to(dormancy.normalize_company_name(U&'\\30C7\\30E2 12'), 'UTF8')::text")"

# The views and a refresh, with a customer named with each character (one
# order each), plus pairs of duplicates.
for db in $latin1 $eucjp $ascii; do
	enc=$(q "$db" -c 'SHOW server_encoding')
	demo=
	# EUC_JP: the demo's spellings of one company too
	[ "$enc" = EUC_JP ] && demo="INSERT INTO t.customers VALUES
	(2000001, U&'\\682A\\5F0F\\4F1A\\793E\\30C7\\30E2\\FF11\\FF12'), (2000002, U&'(\\682A)\\30C7\\30E2 12'),
	(2000003, U&'\\30C7\\30E2\\FF11\\FF12 Co., Ltd.'), (2000004, U&'\\FF08\\682A\\FF09\\FF83\\FF9E\\FF93 12'),
	(2000005, U&'\\30C7\\30E2 12 \\6709\\9650\\4F1A\\793E');"
	q "$db" <<SQL >/dev/null
CREATE TABLE t.customers (id int PRIMARY KEY, name text);
$demo
CREATE TABLE t.orders (customer int, at date, amount numeric);
INSERT INTO t.customers SELECT id, 'Firma ' || ch || ' ' || id FROM t.chars;
INSERT INTO t.customers SELECT 1000000 + id, 'FIRMA ' || ch || ' ' || id || ' Ltd.' FROM t.chars WHERE id % 10 = 0;
INSERT INTO t.orders SELECT id, date '2026-01-01' + id % 300, 10 + id % 7 FROM t.customers;
SELECT dormancy.bind_customers('t.customers', id => 'id', name => 'name');
SELECT dormancy.bind_orders('t.orders', customer => 'customer', ordered_at => 'at', amount => 'amount');
SQL
	export PGOPTIONS='-c dormancy.as_of=2026-11-01'
	# what the views must say, from the keys of the names
	q "$db" -c "CREATE TABLE t.groups AS SELECT k, count(*) AS n FROM (SELECT t.key(name) k FROM t.customers) x WHERE k <> '' GROUP BY k HAVING count(*) > 1" >/dev/null
	check "$enc: customer_status with data_gaps (customers, duplicate_name)" \
		"$(q "$db" -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE 'duplicate_name' = ANY (data_gaps)) FROM dormancy.customer_status")" \
		"$(q "$db" -c "SELECT (SELECT count(*) FROM t.customers) || ' ' || sum(n) FROM t.groups")"
	check "$enc: duplicate_customers (groups, customers)" \
		"$(q "$db" -c "SELECT count(*) || ' ' || sum(customers) FROM dormancy.duplicate_customers")" \
		"$(q "$db" -c "SELECT count(*) || ' ' || sum(n) FROM t.groups")"
	check "$enc: some duplicates" "$(q "$db" -c "SELECT count(*) >= (SELECT count(*) FROM t.customers WHERE id BETWEEN 1000000 AND 1999999) FROM t.groups")" t
	[ "$enc" = EUC_JP ] && check "EUC_JP: the demo's spellings are one group in duplicate_customers" \
		"$(q "$db" -c "SELECT array_to_string(customer_ids, ',') FROM dormancy.duplicate_customers WHERE name_key = U&'\\30C7\\30E2' || '12'")" \
		"2000001,2000002,2000003,2000004,2000005"
	check "$enc: refresh" \
		"$(q "$db" -c "CALL dormancy.refresh()" -c "SELECT count(*) FROM dormancy.status_snapshot")" \
		"$(q "$db" -c "SELECT count(*) FROM t.customers")"
	unset PGOPTIONS
done

# SQL_ASCII: bytes >= 0x80 have no declared meaning.  A name that is valid
# UTF-8 is keyed as UTF-8; other bytes >= 0x80 are kept as they are.
q $ascii -c "CREATE TABLE t.keys AS SELECT n.id, n.variant, n.name, t.key(n.name) AS key FROM t.names n" >/dev/null
check "SQL_ASCII: names that fail" \
	"$(q $ascii -c "SELECT count(*) || coalesce(': ' || (SELECT string_agg(m, '; ') FROM (SELECT DISTINCT sqlstate || ' ' || message m FROM t.errors ORDER BY 1 LIMIT 3) x), '') FROM t.errors")" 0
check "SQL_ASCII: bytes >= 0x80 stay as they are" \
	"$(q $ascii -c "SELECT count(*) FILTER (WHERE k.key IS DISTINCT FROM CASE k.variant WHEN 1 THEN c.ch WHEN 2 THEN 'ab' || c.ch || 'cd' ELSE 'foo ' || c.ch || 'bar' END)
	 || ' of ' || count(*) FROM t.keys k JOIN t.chars c USING (id) WHERE get_byte(c.bytes, 0) >= 128")" "0 of 384"
check "SQL_ASCII: ASCII keys as in UTF-8" \
	"$(q $ascii -c "SELECT md5(string_agg(coalesce(key, '?'), '|' ORDER BY id, variant)) FROM t.keys WHERE id < 128")" \
	"$(q $utf8 -c "SELECT md5(string_agg(coalesce(t.key(name), '?'), '|' ORDER BY b, variant))
	 FROM generate_series(1, 127) b CROSS JOIN LATERAL (VALUES (1, chr(b)), (2, 'Ab' || chr(b) || 'cD'), (3, 'Foo ' || chr(b) || 'bar Co., Ltd.')) v(variant, name)")"
check "SQL_ASCII: a UTF-8 name is keyed as UTF-8 (full-width letters, legal forms)" \
	"$(q $ascii -c "SELECT encode(convert_to(dormancy.normalize_company_name(convert_from('\\xefbca1efbd82efbd83204c74642e'::bytea, 'SQL_ASCII')), 'SQL_ASCII'), 'hex')")" \
	"$(q $utf8 -c "SELECT encode(convert_to(dormancy.normalize_company_name(U&'\\FF21\\FF42\\FF43 Ltd.'), 'UTF8'), 'hex')")"

# Every other EUC encoding whose 0xA1A1 is the ideographic space U+3000:
# label_key and outreach_customer_key take it for white space there too.
for enc in EUC_JIS_2004 EUC_CN EUC_KR EUC_TW; do
	db=dormancy_enc_$(echo "$enc" | tr 'A-Z' 'a-z')
	dropdb --if-exists "$db" 2>/dev/null
	createdb -T template0 -E "$enc" --locale=C "$db" || { fails=$((fails + 1)); continue; }
	check "$enc: 0xA1A1 is U+3000, trimmed by outreach_customer_key, a blank to label_key" "$(q "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION dormancy' -c "
		SELECT convert_from('\\xa1a1', '$enc') = U&'\\3000'
		   AND dormancy.outreach_customer_key(U&'\\3000' || '1042' || U&'\\3000') = '1042'
		   AND dormancy.label_key(U&'\\3000Closed' || U&'\\3000\\3000' || 'LOST') = 'closed lost'")" t
	dropdb "$db"
done

# MULE_INTERNAL has no conversion to Unicode: its characters that are not
# ASCII are kept as they are (here LATIN1's MÜLLER and EUC_JP's kabushiki kaisha).
mule=dormancy_enc_mule
dropdb --if-exists $mule 2>/dev/null
createdb -T template0 -E MULE_INTERNAL --locale=C $mule
# (to_char() converts the month names of lc_time, a UTF-8 locale on the test
# server, to the database encoding: impossible in MULE_INTERNAL)
psql -X -q -d postgres -c "ALTER DATABASE $mule SET lc_time = 'C'"
export PGCLIENTENCODING=MULE_INTERNAL
check "MULE_INTERNAL: keys" "$(q $mule -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION dormancy' -c "
	SELECT string_agg(encode(convert_to(dormancy.normalize_company_name(convert_from(convert(n, e, 'MULE_INTERNAL'), 'MULE_INTERNAL')), 'MULE_INTERNAL'), 'hex'), ' ' ORDER BY e)
	  FROM (VALUES ('\\x4dfc4c4c455220476d6248'::bytea, 'LATIN1'), ('\\xb3f4bcb0b2f1bcd22041432c20496e632e', 'EUC_JP')) v(n, e)")" \
	"92b3f492bcb092b2f192bcd26163 6d81fc6c6c6572"
q $mule -c "
	CREATE TABLE customers (id int, name text);
	INSERT INTO customers SELECT i, convert_from(convert('\\xb3f4bcb0b2f1bcd2'::bytea, 'EUC_JP', 'MULE_INTERNAL'), 'MULE_INTERNAL') || i % 50 FROM generate_series(1, 100) i;
	CREATE TABLE orders AS SELECT id AS customer, date '2026-01-01' + id AS at, 10 AS amount FROM customers;
	SELECT dormancy.bind_customers('customers', id => 'id', name => 'name');
	SELECT dormancy.bind_orders('orders', customer => 'customer', ordered_at => 'at', amount => 'amount');" >/dev/null
check "MULE_INTERNAL: customer_status, refresh" "$(q $mule -c "CALL dormancy.refresh('2026-11-01')" \
	-c "SET dormancy.as_of = '2026-11-01'" \
	-c "SELECT (SELECT count(*) FROM dormancy.status_snapshot) || ' ' || count(*) FILTER (WHERE 'duplicate_name' = ANY (data_gaps)) FROM dormancy.customer_status")" "100 100"
export PGCLIENTENCODING=UTF8
dropdb $mule

# The update from 0.2.0 names the expression indexes on the key to rebuild;
# so does the update to 0.4.0 (a legal form before a branch part).
up=dormancy_enc_update
dropdb --if-exists $up 2>/dev/null
createdb $up
check "the update warns about an index on normalize_company_name()" \
	"$(psql -X -q -d $up -c "CREATE EXTENSION dormancy VERSION '0.2.0'" \
		-c "CREATE TABLE names (name text)" \
		-c "CREATE INDEX names_key ON names (dormancy.normalize_company_name(name, '{Inc.}'))" \
		-c "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" 2>&1 | grep -c 'REINDEX INDEX public.names_key')" 1
check "the update to 0.4.0 warns about it again" \
	"$(psql -X -q -d $up -c "ALTER EXTENSION dormancy UPDATE TO '0.4.0'" 2>&1 | grep -c 'REINDEX INDEX public.names_key')" 1
dropdb $up

echo "$fails failed"
[ "$fails" -eq 0 ]
