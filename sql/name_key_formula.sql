-- The key the duplicate-name check compares is written once,
-- dormancy._name_key(name, company_id, legal_forms): normalize_company_name
-- with the legal forms, after the company id and a colon when a company
-- column is bound; no key (NULL) when the name gives none.  The triggers and
-- the binds store it in customer_name_keys; customer_status, the row
-- security of the stored keys, duplicate_customers and visible_name_keys()
-- compute it.  Until 2026-12-07 each wrote the formula out itself.  Over
-- tricky names (legal forms before and after the name, full-width letters
-- and spaces, NFKC forms, nothing left after the forms, NULL and blank
-- names, NULL, blank and colon-holding company ids):
-- 1. the stored keys (with their lengths in bytes) after the bind, after
--    writes through the triggers and after edits of the legal forms are
--    those the copies stored (this output is theirs), and the function's
--    keys of the rows;
-- 2. the duplicate_name and no_name gaps (by the stored keys, computed in
--    full, and for an analyst under the keys' row security) and
--    duplicate_customers are theirs too;
-- 3. the function is inlined: its plan is the expression, not a call (a
--    SQL function with SET search_path would not be).
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA nf;
CREATE TABLE nf.accounts (id integer, name text, company text);
CREATE TABLE nf.orders (account integer, day date, total numeric);
INSERT INTO nf.accounts VALUES
	(1, '株式会社Ａ社', 'C1'),			-- the form before the name, a full-width letter
	(2, 'A社 株式会社', 'C1'),			-- the form after it
	(3, '(株)A社', 'C1'),				-- its abbreviation
	(4, '㈱Ａ社', NULL),				-- U+3231, the abbreviation after NFKC; no company id
	(5, 'Ａ社　Co., Ltd.', NULL),		-- a full-width space before an English form
	(5, 'A社', NULL),					-- the same id twice, one key
	(6, '株式会社', 'C2'),				-- nothing left after the form
	(7, '　', 'C2'),					-- a full-width space alone
	(8, NULL, 'C2'),
	(22, '- . -', 'C2'),				-- punctuation alone
	(9, 'Co., Ltd.', NULL),
	(10, '', NULL),
	(11, 'ＡＣＭＥ　Ｉｎｃ．', 'C:3'),	-- a company id holding a colon
	(12, 'acme', 'C:3'),
	(13, 'Acme', NULL),
	(14, 'ｱｸﾒ', NULL),					-- half-width katakana
	(15, 'アクメ', NULL),
	(16, 'Acme', ''),					-- a blank company id: none since 2026-12-08 (the copies stored ':acme')
	(17, 'Acme Osaka Branch', NULL),
	(NULL, 'Acme', NULL);
INSERT INTO nf.orders SELECT g, date '2026-06-01', 10 FROM generate_series(1, 22) g;
SELECT dormancy.bind_customers('nf.accounts', id => 'id', name => 'name', company => 'company') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('nf.orders', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT current, reason FROM dormancy.name_key_state;

-- the stored keys, and whether they are the function's keys of the rows
CREATE VIEW nf.stored AS
SELECT k.customer_key, k.name_key, octet_length(k.name_key) AS bytes, k.rows FROM dormancy.customer_name_keys k;
CREATE FUNCTION nf.keys_differ() RETURNS bigint LANGUAGE sql AS $$
	WITH f AS (SELECT a.id::text AS customer_key,
					  dormancy._name_key(a.name, CASE WHEN (SELECT s.company_column FROM dormancy.name_key_state s) IS NOT NULL
													  THEN a.company END,
										 dormancy.legal_forms_in_force()) AS name_key,
					  count(*) AS rows
				 FROM nf.accounts a WHERE a.id IS NOT NULL GROUP BY 1, 2)
	SELECT count(*) FROM ((SELECT k.customer_key, k.name_key, k.rows FROM dormancy.customer_name_keys k
						   EXCEPT ALL SELECT * FROM f WHERE f.name_key IS NOT NULL)
						  UNION ALL (SELECT * FROM f WHERE f.name_key IS NOT NULL
									 EXCEPT ALL SELECT k.customer_key, k.name_key, k.rows FROM dormancy.customer_name_keys k)) d
$$;
-- the gaps of the name, per customer
CREATE VIEW nf.gaps WITH (security_invoker = true) AS
SELECT s.customer_id, array(SELECT x FROM unnest(s.data_gaps) x WHERE x IN ('no_name', 'duplicate_name')) AS gaps
  FROM dormancy.customer_status s;

-- 1. the keys of the bind
SELECT * FROM nf.stored ORDER BY 1, 2;
SELECT nf.keys_differ();
-- each row's key: NULL where the name gives none
SELECT a.id, a.name, a.company, dormancy._name_key(a.name, a.company, dormancy.legal_forms_in_force()) AS key
  FROM nf.accounts a ORDER BY a.id, a.name;

-- ... after writes through the triggers: a name, a company id and an id
-- changed, one of two rows of an id gone, new rows (one whose name has no key)
UPDATE nf.accounts SET name = '株式会社Ｂ社' WHERE id = 2;
UPDATE nf.accounts SET company = NULL WHERE id = 3;
UPDATE nf.accounts SET id = 18 WHERE id = 13;
DELETE FROM nf.accounts WHERE ctid = (SELECT min(ctid) FROM nf.accounts WHERE id = 5);
INSERT INTO nf.accounts VALUES (19, 'B社 (株)', 'C1'), (20, '(有)', 'C1'), (21, 'acme INC.', NULL);
SELECT current, reason FROM dormancy.name_key_state;
SELECT * FROM nf.stored ORDER BY 1, 2;
SELECT nf.keys_differ();
-- ... and the same keys filled afresh
CREATE TABLE nf.by_triggers AS SELECT * FROM nf.stored;
SELECT dormancy.rebind() IS NOT NULL AS rebound;
SELECT count(*) AS differ_from_the_triggers
  FROM ((TABLE nf.stored EXCEPT ALL TABLE nf.by_triggers) UNION ALL (TABLE nf.by_triggers EXCEPT ALL TABLE nf.stored)) d;

-- ... after a new legal form (every key computed again) and its removal
INSERT INTO dormancy.legal_forms (form, note) VALUES ('Acme', 'test');
SELECT * FROM nf.stored ORDER BY 1, 2;
SELECT nf.keys_differ();
DELETE FROM dormancy.legal_forms WHERE form = 'Acme';
SELECT count(*) AS differ_from_before_the_form
  FROM ((TABLE nf.stored EXCEPT ALL TABLE nf.by_triggers) UNION ALL (TABLE nf.by_triggers EXCEPT ALL TABLE nf.stored)) d;

-- 2. the gaps by the stored keys, then computed in full (the keys stale)
SELECT * FROM nf.gaps ORDER BY 1;
CREATE TABLE nf.gaps_stored AS SELECT * FROM nf.gaps;
ALTER TABLE nf.accounts DISABLE TRIGGER dormancy_names_insert;
ALTER TABLE nf.accounts ENABLE ALWAYS TRIGGER dormancy_names_insert;
SELECT current FROM dormancy.name_key_state;
SELECT count(*) AS full_differs_from_stored
  FROM ((SELECT * FROM nf.gaps EXCEPT ALL TABLE nf.gaps_stored) UNION ALL (TABLE nf.gaps_stored EXCEPT ALL SELECT * FROM nf.gaps)) d;
SELECT dormancy.rebind() IS NOT NULL AS rebound;
-- the duplicate records
SELECT d.name_key, d.company_id, d.customers, d.customer_ids FROM dormancy.duplicate_customers d ORDER BY 1, 2;
-- the keys of the rows a role sees, as visible_name_keys() gives them (the
-- policy of the stored keys when the customers are a Citus table): NULL
-- where the name gives none
SELECT * FROM dormancy.visible_name_keys() ORDER BY 1, 2;
-- an analyst who sees every account but 1 and 19: the stored keys of those
-- two are hidden by the keys' row security, and the gaps are as computed
-- over the rows the analyst sees
CREATE ROLE nf_rep;
GRANT dormancy_analyst TO nf_rep;
GRANT USAGE ON SCHEMA nf TO nf_rep;
GRANT SELECT ON nf.accounts, nf.orders, nf.gaps TO nf_rep;
ALTER TABLE nf.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY nf_rep_sees ON nf.accounts FOR SELECT TO nf_rep USING (id IS NULL OR id NOT IN (1, 19));
SET ROLE nf_rep;
SELECT customer_key, name_key, rows FROM dormancy.customer_name_keys ORDER BY 1, 2;
SELECT * FROM nf.gaps ORDER BY 1;
RESET ROLE;
DROP OWNED BY nf_rep;
DROP ROLE nf_rep;
ALTER TABLE nf.accounts DISABLE ROW LEVEL SECURITY;

-- without a company column: the name key alone
SELECT dormancy.bind_customers('nf.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT * FROM nf.stored ORDER BY 1, 2;
SELECT nf.keys_differ();
SELECT * FROM nf.gaps ORDER BY 1;

-- 3. inlined: the plan shows the expression
EXPLAIN (VERBOSE, COSTS OFF) SELECT dormancy._name_key(a.name, a.company, '{Inc.}') FROM nf.accounts a;

DROP VIEW nf.gaps;
SELECT dormancy.unbind('orders') IS NOT NULL AS orders_unbound, dormancy.unbind('customers') IS NOT NULL AS customers_unbound;
DROP SCHEMA nf CASCADE;
