-- customer_column_indexes: which bound tables have no index on their
-- customer column, so that a lookup of one customer reads every row of them.
-- Each row is checked against the plan of such a lookup: where the view says
-- a table is not indexed, the lookup scans it whole; after the statement the
-- view proposes, it reads the table through the new index.  Partitions are
-- listed one by one; a view or foreign table is not checked (NULL); an index
-- whose first column is another one, or an expression, does not count; a
-- role with dormancy_analyst only reads the view without a grant on the
-- bindings.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET dormancy.as_of = '2026-11-01';
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SET enable_seqscan = off;	-- a lookup takes an index whenever there is one
SET enable_bitmapscan = off;
CREATE SCHEMA ci;
CREATE TABLE ci.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE ci.invoices (account integer, day date, total numeric) PARTITION BY RANGE (day);
CREATE TABLE ci.invoices_2025 PARTITION OF ci.invoices FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- (a partition whose columns lie in another order than its parent's)
CREATE TABLE ci.invoices_2026 (total numeric, day date, account integer);
ALTER TABLE ci.invoices ATTACH PARTITION ci.invoices_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE ci.events (account integer, at timestamptz, kind text);
CREATE TABLE ci.deals_raw (account integer, closed date, outcome text);
CREATE VIEW ci.deals WITH (security_invoker = true) AS SELECT * FROM ci.deals_raw;
CREATE TABLE ci.contacts (account integer, phone text);
INSERT INTO ci.accounts SELECT i, '顧客 ' || i FROM generate_series(1, 300) i;
INSERT INTO ci.invoices SELECT i, date '2025-06-01' + (i * 7 + k * 90) % 500, 100 FROM generate_series(1, 300) i, generate_series(0, 2) k;
INSERT INTO ci.events SELECT i, timestamptz '2026-10-01 09:00+09', 'web_visit' FROM generate_series(1, 300, 2) i;
INSERT INTO ci.deals_raw SELECT i, date '2026-09-01', 'lost' FROM generate_series(1, 300, 5) i;
INSERT INTO ci.contacts SELECT i, '03-1234-5678' FROM generate_series(1, 300, 3) i;
-- indexes that do not serve a lookup by customer: another first column, an
-- expression; and one partition indexed by itself
CREATE INDEX ON ci.events (kind, account);
CREATE INDEX ON ci.contacts ((account + 0));
CREATE INDEX invoices_2025_account ON ci.invoices_2025 (account);
ANALYZE ci.accounts, ci.invoices, ci.events, ci.deals_raw, ci.contacts;
SELECT dormancy.bind_customers('ci.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('ci.invoices', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT dormancy.bind_events('ci.events', customer => 'account', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;
SELECT dormancy.bind_deals('ci.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome') IS NOT NULL AS bound;
-- binding a table without such an index says so (a notice, with the
-- statement)
SET client_min_messages = notice;
SELECT dormancy.bind_contacts('ci.contacts', customer => 'account', phone => 'phone') IS NOT NULL AS bound;
SET client_min_messages = warning;

SELECT source, table_name, column_name, relation_kind, indexed, index_name, estimated_rows, create_index
  FROM dormancy.customer_column_indexes ORDER BY source, table_name::text;

-- The tables a lookup of one customer reads whole, from its plan (run:
-- parts never executed do not count): those scanned other than through an
-- index whose first column is the customer column (a sequential scan, or a
-- scan of a whole index that starts with another column).
\i test/sql_ref/plan_nodes.sql
CREATE FUNCTION ci.scanned_whole(query text) RETURNS SETOF text
	LANGUAGE sql
AS $$
	SELECT p ->> 'Relation Name' FROM pg_temp.plan_nodes(query) p
	 WHERE p ? 'Relation Name' AND (p ->> 'Actual Loops')::int > 0
	   AND NOT EXISTS (SELECT 1
						 FROM pg_index i
						 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
						WHERE i.indexrelid = to_regclass('ci.' || (p ->> 'Index Name'))
						  AND a.attname IN ('account', 'id'))
$$;
-- every table the view reports as not indexed is scanned whole by a lookup,
-- and no table it reports as indexed is
SELECT DISTINCT s FROM ci.scanned_whole('SELECT * FROM dormancy.customer_status WHERE customer_id = 42') s
 WHERE s LIKE 'invoices%' OR s IN ('accounts', 'events', 'deals_raw', 'contacts') ORDER BY 1;
SELECT array_agg(t ORDER BY t) AS not_indexed
  FROM (SELECT pg_catalog.split_part(table_name::text, '.', 2) AS t
		  FROM dormancy.customer_column_indexes WHERE NOT indexed) x;

-- run what the view proposes: then nothing is scanned whole but the view's
-- base table, whose indexes the view does not show (deals, NULL)
DO $$
DECLARE
	stmt text;
BEGIN
	FOR stmt IN SELECT create_index FROM dormancy.customer_column_indexes WHERE create_index IS NOT NULL ORDER BY 1 LOOP
		EXECUTE stmt;
	END LOOP;
END
$$;
SELECT source, table_name, indexed, index_name IS NOT NULL AS has_index, create_index
  FROM dormancy.customer_column_indexes ORDER BY source, table_name::text;
SELECT DISTINCT s FROM ci.scanned_whole('SELECT * FROM dormancy.customer_status WHERE customer_id = 42') s
 WHERE s LIKE 'invoices%' OR s IN ('accounts', 'events', 'deals_raw', 'contacts') ORDER BY 1;

-- a hash index serves a lookup too, and so does a partial one that keeps
-- every id (the views ask for ids that are not NULL); a partial index with
-- another predicate does not (a customer's rows may be left out of it)
DROP INDEX ci.events_account_idx;
CREATE INDEX events_account_hash ON ci.events USING hash (account);
SELECT table_name, indexed, index_name FROM dormancy.customer_column_indexes WHERE source = 'events';
DROP INDEX ci.events_account_hash;
CREATE INDEX events_account_recent ON ci.events (account) WHERE at > '2026-01-01';
SELECT table_name, indexed, index_name FROM dormancy.customer_column_indexes WHERE source = 'events';
CREATE INDEX events_account_partial ON ci.events (account) WHERE account IS NOT NULL;
SELECT table_name, indexed, index_name FROM dormancy.customer_column_indexes WHERE source = 'events';
SELECT count(*) AS events_scanned_whole
  FROM ci.scanned_whole('SELECT * FROM dormancy.customer_status WHERE customer_id = 42') s WHERE s = 'events';

-- inheritance: each child is listed; the parent is left out once ANALYZE
-- finds it empty
CREATE TABLE ci.visits (account integer, at timestamptz, kind text);
CREATE TABLE ci.visits_2026 () INHERITS (ci.visits);
INSERT INTO ci.visits_2026 SELECT i, timestamptz '2026-10-01 09:00+09', 'web_visit' FROM generate_series(1, 300, 4) i;
ANALYZE ci.visits, ci.visits_2026;
SELECT dormancy.bind_events('ci.visits', customer => 'account', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;
SELECT table_name, indexed, estimated_rows, create_index FROM dormancy.customer_column_indexes WHERE source = 'events';
-- a parent that holds rows of its own and was never analyzed (reltuples -1)
-- is listed: it may hold rows
CREATE TABLE ci.calls (account integer, at timestamptz, kind text);
CREATE TABLE ci.calls_2026 () INHERITS (ci.calls);
INSERT INTO ci.calls SELECT i, timestamptz '2026-09-01 09:00+09', 'call' FROM generate_series(1, 300, 6) i;
SELECT dormancy.bind_events('ci.calls', customer => 'account', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;
SELECT table_name, indexed, create_index FROM dormancy.customer_column_indexes WHERE source = 'events' ORDER BY 1;

-- The orders covered (docs/operations.md, An index that covers the orders).
-- The histories fold the orders in the customers' order through the index
-- on the customer column; an index that also holds every other bound
-- column of the orders lets them read the index alone.  None does yet: the
-- statement proposed is made on the bound partitioned table, the customer
-- column with the other bound columns as INCLUDE.  The other sources have
-- none of these columns (NULL).
SELECT table_name, covered, covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders' ORDER BY 1;
SELECT source, count(*) FILTER (WHERE covered IS NOT NULL OR covering_index IS NOT NULL
									OR create_covering_index IS NOT NULL) AS with_covering_columns
  FROM dormancy.customer_column_indexes WHERE source <> 'orders' GROUP BY source ORDER BY 1;
-- how the orders are read (the scans of the partitions that ran, with the
-- table rows they fetched), and every customer's row, before and after
CREATE FUNCTION ci.order_reads_of(query text, orders text) RETURNS TABLE (node text, relation text, heap_fetches bigint)
	LANGUAGE sql
AS $$
	SELECT DISTINCT p ->> 'Node Type', p ->> 'Relation Name', (p ->> 'Heap Fetches')::bigint
	  FROM pg_temp.plan_nodes(query) p
	 WHERE p ->> 'Relation Name' LIKE orders || '%' AND (p ->> 'Actual Loops')::int > 0
	 ORDER BY 2, 1
$$;
CREATE FUNCTION ci.order_reads(query text) RETURNS TABLE (node text, relation text, heap_fetches bigint)
	LANGUAGE sql
AS $$
	SELECT * FROM ci.order_reads_of(query, 'invoices')
$$;
VACUUM (ANALYZE) ci.invoices;
SELECT * FROM ci.order_reads('SELECT * FROM dormancy.customer_histories');
SELECT * FROM ci.order_reads('SELECT * FROM dormancy.customer_status WHERE customer_id = 42');
CREATE TABLE ci.status_before AS SELECT s.customer_id, s::text AS status FROM (SELECT * FROM dormancy.customer_status) s;
-- run what the view proposes; once VACUUM has marked the pages all-visible,
-- the orders are read from the index alone (no table row fetched), and
-- every customer's row is what it was
DO $$
BEGIN
	EXECUTE (SELECT DISTINCT create_covering_index FROM dormancy.customer_column_indexes
			  WHERE create_covering_index IS NOT NULL);
END
$$;
VACUUM (ANALYZE) ci.invoices;
SELECT table_name, covered, covering_index IS NOT NULL AS has_covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders' ORDER BY 1;
SELECT * FROM ci.order_reads('SELECT * FROM dormancy.customer_histories');
SELECT * FROM ci.order_reads('SELECT * FROM dormancy.customer_status WHERE customer_id = 42');
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE b.status IS DISTINCT FROM a.status) AS rows_differing
  FROM ci.status_before b
  FULL JOIN (SELECT s.customer_id, s::text AS status FROM (SELECT * FROM dormancy.customer_status) s) a
		 ON a.customer_id = b.customer_id;
-- what counts as covering: the other columns as key columns too; not a
-- partial index with another predicate, nor one that misses a bound column
-- (a column bound for the discounted flag), nor a hash index
CREATE TABLE ci.sales (account integer, day date, total numeric, promo boolean, note text);
INSERT INTO ci.sales SELECT i, date '2026-01-01' + i % 200, 10, i % 7 = 0, 'x' FROM generate_series(1, 300) i;
CREATE INDEX sales_keys ON ci.sales (account, day, total);
SELECT dormancy.bind_orders('ci.sales', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT table_name, covered, covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
SELECT dormancy.bind_orders('ci.sales', customer => 'account', ordered_at => 'day', amount => 'total',
							discounted => 'promo') IS NOT NULL AS bound;
CREATE INDEX sales_recent ON ci.sales (account) INCLUDE (day, total, promo) WHERE day > '2026-03-01';
CREATE INDEX sales_hash ON ci.sales USING hash (account);
SELECT table_name, covered, covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
CREATE INDEX sales_not_null ON ci.sales (account) INCLUDE (promo, day, total) WHERE account IS NOT NULL;
SELECT table_name, covered, covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
-- column names that need quoting (Japanese, spaces, upper case): the
-- statement proposed runs as it is, and then covers them
CREATE TABLE ci."受注 明細" ("顧客ID" integer, "Order Day" date, "金額" numeric);
INSERT INTO ci."受注 明細" SELECT i, date '2026-01-01' + i % 200, 10 FROM generate_series(1, 300) i;
SELECT dormancy.bind_orders('ci."受注 明細"', customer => '顧客ID', ordered_at => 'Order Day', amount => '金額') IS NOT NULL AS bound;
SELECT table_name, create_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
DO $$
BEGIN
	EXECUTE (SELECT create_covering_index FROM dormancy.customer_column_indexes WHERE source = 'orders');
END
$$;
SELECT table_name, indexed, covered, create_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
-- the partitioned orders bound again (covered) for the rest
SELECT dormancy.bind_orders('ci.invoices', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;

-- an analyst (dormancy_analyst, no grant on dormancy.bindings) reads it
CREATE ROLE ci_analyst IN ROLE dormancy_analyst;
GRANT USAGE ON SCHEMA ci TO ci_analyst;
SET ROLE ci_analyst;
SELECT has_table_privilege('dormancy.bindings', 'SELECT') AS reads_bindings, count(*) AS rows
  FROM dormancy.customer_column_indexes;
SELECT table_name, covered, covering_index IS NOT NULL AS has_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders' ORDER BY 1;
RESET ROLE;

SELECT count(*) AS unbound
  FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['contacts', 'deals', 'events', 'orders', 'customers']) s) u;
SELECT count(*) AS rows_unbound FROM dormancy.customer_column_indexes;

-- an index in another collation than the customer column's serves
-- neither a lookup by = nor the grouping: it counts as neither; one with
-- text_pattern_ops serves a lookup by = but does not give the customers'
-- order: it counts for lookups, not as covering (text ids here).  The
-- histories fold the orders through the index only once it covers them
CREATE TABLE ci.codes (code text PRIMARY KEY);
CREATE TABLE ci.code_orders (code text, day date, total numeric);
INSERT INTO ci.codes SELECT 'c' || i FROM generate_series(1, 300) i;
INSERT INTO ci.code_orders SELECT 'c' || (1 + i % 300), date '2026-01-01' + i % 200, 10 FROM generate_series(1, 3000) i;
CREATE INDEX code_orders_c ON ci.code_orders (code COLLATE "C") INCLUDE (day, total);
CREATE INDEX code_orders_pattern ON ci.code_orders (code text_pattern_ops) INCLUDE (day, total);
VACUUM (ANALYZE) ci.code_orders;
SELECT dormancy.bind_customers('ci.codes', id => 'code') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('ci.code_orders', customer => 'code', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT table_name, indexed, covered, create_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
SELECT * FROM ci.order_reads_of('SELECT * FROM dormancy.customer_status WHERE customer_id = ''c7''', 'code_orders');
DROP INDEX ci.code_orders_c;
SELECT table_name, indexed, index_name, covered, create_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
SELECT * FROM ci.order_reads_of('SELECT * FROM dormancy.customer_status WHERE customer_id = ''c7''', 'code_orders');
SELECT * FROM ci.order_reads_of('SELECT * FROM dormancy.customer_histories', 'code_orders');
-- (the orders then sorted by the customer: text_pattern_ops sorts otherwise)
CREATE FUNCTION ci.sorts_of(query text) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT p -> 'Sort Key' ->> 0 FROM pg_temp.plan_nodes(query) p
	 WHERE p ->> 'Node Type' = 'Sort' AND (p ->> 'Actual Loops')::int > 0 AND p -> 'Sort Key' ->> 0 LIKE 't.%'
	 ORDER BY 1
$$;
SELECT * FROM ci.sorts_of('SELECT * FROM dormancy.customer_histories') AS sorted_by;
DO $$
BEGIN
	EXECUTE (SELECT create_covering_index FROM dormancy.customer_column_indexes WHERE source = 'orders');
END
$$;
VACUUM (ANALYZE) ci.code_orders;
SELECT table_name, indexed, covered FROM dormancy.customer_column_indexes WHERE source = 'orders';
SELECT * FROM ci.order_reads_of('SELECT * FROM dormancy.customer_histories', 'code_orders');
SELECT * FROM ci.sorts_of('SELECT * FROM dormancy.customer_histories') AS sorted_by;
-- varchar ids and an index with varchar_ops, which is not a default
-- operator class but belongs to the family of text_ops (the default) and
-- gives the same order: covering
SELECT count(*) AS unbound FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s) u;
CREATE TABLE ci.vcodes (code varchar(10) PRIMARY KEY);
CREATE TABLE ci.vorders (code varchar(10), day date, total numeric);
INSERT INTO ci.vcodes SELECT 'v' || i FROM generate_series(1, 300) i;
INSERT INTO ci.vorders SELECT 'v' || (1 + i % 300), date '2026-01-01' + i % 200, 10 FROM generate_series(1, 3000) i;
CREATE INDEX vorders_code ON ci.vorders (code varchar_ops) INCLUDE (day, total);
VACUUM (ANALYZE) ci.vorders;
SELECT dormancy.bind_customers('ci.vcodes', id => 'code') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('ci.vorders', customer => 'code', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT table_name, indexed, covered, covering_index, create_covering_index
  FROM dormancy.customer_column_indexes WHERE source = 'orders';
SELECT * FROM ci.order_reads_of('SELECT * FROM dormancy.customer_histories', 'vorders');
SELECT * FROM ci.sorts_of('SELECT * FROM dormancy.customer_histories') AS sorted_by;
SELECT count(*) AS unbound FROM (SELECT dormancy.unbind(s) FROM unnest(ARRAY['orders', 'customers']) s) u;
DROP SCHEMA ci CASCADE;
DROP ROLE ci_analyst;
