-- Clean names (issue #5, D9): normalize_company_name() makes the spellings
-- of one company meet (NFKC, case, spaces and punctuation, legal forms at
-- either end), the legal forms are data (dormancy.legal_forms, or an array
-- for the IMMUTABLE form), and duplicate_customers groups the customers
-- whose names meet, with the state of their combined order history.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never

-- the issue's four spellings meet, and so do their full-width, ㈱ and suffix relatives
SELECT n, dormancy.normalize_company_name(n) AS key
  FROM unnest(ARRAY['株式会社Ａ社', 'A社', '(株)A社', 'A社 Co., Ltd.', '㈱Ａ社', 'Ａ社（株）', 'Ａ社株式会社',
					'株式会社　Ａ社', 'A 社', 'ａ社 CO.,LTD.']) WITH ORDINALITY AS t(n, i) ORDER BY i;
SELECT count(DISTINCT dormancy.normalize_company_name(n)) AS keys
  FROM unnest(ARRAY['株式会社Ａ社', 'A社', '(株)A社', 'A社 Co., Ltd.']) n;
-- more spellings
SELECT n, dormancy.normalize_company_name(n) AS key
  FROM unnest(ARRAY['有限会社　ｻﾝﾌﾟﾙ', 'サンプル㈲', 'サンプル・ホールディングス', 'Sample Co.,Ltd.', 'SAMPLE CO., LTD',
					'Sample Company Limited', 'Example 3 Inc.', 'EXAMPLE 3, INC', 'Sony K.K.', 'Foo L.L.C.',
					'Costco Wholesale Corp.', 'Coca‑Cola Company Limited', 'O’Brien & Sons Ltd', 'Ⅲ商事',
					'ＡＢＣ－ＤＥＦ', 'Agfa AG', 'Foo Ltd Bar', 'ООО Ромашка', 'Société Générale S.A.',
					'株式会社', 'Limited', '株山商事', '  ', '!!!']) WITH ORDINALITY AS t(n, i) ORDER BY i;
-- (一社) and (一財) are written with brackets: whole tokens, never cut out
-- of a name that holds no form (一社堂, 第一社 and 一財商事 kept whole)
SELECT n, dormancy.normalize_company_name(n) AS key
  FROM unnest(ARRAY['一社堂', '第一社', '一財商事', '(一社)日本協会', '一般社団法人日本協会', '日本協会（一財）'])
	   WITH ORDINALITY AS t(n, i) ORDER BY i;
-- case folding beyond Latin-1: Vietnamese, Romanian, Azerbaijani, polytonic
-- Greek, Cyrillic palochka (each pair one key)
SELECT u, l, dormancy.normalize_company_name(u) = dormancy.normalize_company_name(l) AS same_key
  FROM (VALUES ('CÔNG TY PHƯƠNG ĐÔNG', 'công ty phương đông'), ('ȘTEFĂNESCU SRL', 'ștefănescu srl'),
			   ('ƏLƏSGƏROV', 'ələsgərov'), ('ὈΛΥΜΠΟΣ', 'ὀλυμπος'), ('ӀЛЬЯ', 'ӏлья')) AS p(u, l) ORDER BY u;
SELECT dormancy.normalize_company_name(NULL) IS NULL AS null_name,
	   dormancy.normalize_company_name(NULL, '{}') IS NULL AS null_name_forms,
	   dormancy.normalize_company_name('Foo Inc.', NULL) IS NULL AS null_forms;

-- the forms as an argument: only those are removed
SELECT dormancy.normalize_company_name('株式会社Ａ社 Co., Ltd.', '{}') AS no_forms,
	   dormancy.normalize_company_name('株式会社Ａ社 Co., Ltd.', '{株式会社}') AS kk_only,
	   dormancy.normalize_company_name('株式会社Ａ社 Co., Ltd.', '{Co.,Ltd.}') AS coltd_only,
	   dormancy.normalize_company_name('株式会社Ａ社 Co., Ltd.', '{{株式会社},{"Co., Ltd."}}') AS two_dimensional,
	   dormancy.normalize_company_name('Foo Inc.', '{"", "...", Inc.}') AS blank_forms_ignored;
SELECT dormancy.normalize_company_name('Foo Inc.', ARRAY['Inc.', NULL]);
-- accents written on their own (issue 10): NFKC writes them as a space and a
-- combining mark; the acute accent, mostly typed for an apostrophe, vanishes
-- like one, the others break like punctuation; a mark on a letter stays
SELECT n, dormancy.normalize_company_name(n) AS key
  FROM unnest(ARRAY['O´Brien Ltd', 'O''Brien Ltd', 'D΄Angelo', 'Müller¨s', 'A¯B¸C', 'A˘B˝C', '￣A',
					'テ゛ータ', 'ﾃﾞｰﾀ', 'ﾞ', 'e' || U&'\0301' || 'cole', 'µ-Tech']) WITH ORDINALITY AS t(n, i) ORDER BY i;
-- IMMUTABLE with the forms given: it can back an index; the table-reading form is STABLE
SELECT p.oid::regprocedure AS function, p.provolatile, p.proparallel, p.proisstrict
  FROM pg_proc p WHERE p.proname = 'normalize_company_name' ORDER BY 1::text;
CREATE SCHEMA nm;
CREATE TABLE nm.names (name text);
INSERT INTO nm.names SELECT format('株式会社デモ%s', i) FROM generate_series(1, 200) i;
CREATE INDEX names_key ON nm.names (dormancy.normalize_company_name(name, '{株式会社,(株)}'));
ANALYZE nm.names;
SET enable_seqscan = off;
SELECT name FROM nm.names WHERE dormancy.normalize_company_name(name, '{株式会社,(株)}') = dormancy.normalize_company_name('(株)デモ42', '{株式会社,(株)}');
RESET enable_seqscan;
CREATE INDEX names_key2 ON nm.names (dormancy.normalize_company_name(name));

-- the forms are data: a change of dormancy.legal_forms shows in the next call
SELECT dormancy.normalize_company_name('サンプルホールディングス株式会社') AS before;
INSERT INTO dormancy.legal_forms (form, note) VALUES ('ホールディングス', 'not a legal form, but we want it gone');
DELETE FROM dormancy.legal_forms WHERE form = 'Co.';
SELECT dormancy.normalize_company_name('サンプルホールディングス株式会社') AS after,
	   dormancy.normalize_company_name('Cobalt Co.') AS without_co;
SELECT dormancy.reset_defaults('dormancy.legal_forms');
DELETE FROM dormancy.legal_forms WHERE form = 'ホールディングス';
SELECT dormancy.normalize_company_name('Cobalt Co.') AS co_back;
INSERT INTO dormancy.legal_forms (form) VALUES ('   ');
-- a user's row replaces the unedited default with the same key, whatever its case
INSERT INTO dormancy.legal_forms (form) VALUES ('INC.');
SELECT form, installed FROM dormancy.legal_forms WHERE lower(form) = 'inc.';

--
-- duplicate_customers
--
CREATE TABLE nm.accounts (id integer PRIMARY KEY, name text, sector text);
CREATE TABLE nm.invoices (account integer, day date, total numeric);
INSERT INTO nm.accounts VALUES
	(1, '株式会社Ａ社', 'consumables'), (2, 'A社 Co., Ltd.', NULL), (3, '(株)A社', NULL),
	(4, 'B Inc.', NULL), (5, 'Ｂ', NULL), (6, 'C社', NULL), (7, NULL, NULL), (8, '!!!', NULL), (9, '---', NULL);
INSERT INTO nm.invoices VALUES
	(1, '2025-01-01', 100), (1, '2025-06-01', 100), (2, '2025-06-01', 40), (2, '2026-09-01', 50),
	(4, '2024-01-01', 10), (5, '2023-01-01', 10), (6, '2026-10-01', 5), (8, '2026-10-01', 1), (9, '2026-10-01', 1);
SELECT dormancy.bind_customers('nm.accounts', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('nm.invoices', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT customer_id, name, state, last_order_at FROM dormancy.customer_status ORDER BY customer_id;
SELECT name_key, customers, customer_ids, names, member_states, state, last_order_at, first_order_at,
	   orders_count, order_days, total_amount, rule_id, as_of
  FROM dormancy.duplicate_customers ORDER BY name_key;
-- the combined state follows the rule of the member that ordered last (2, the catch-all): with
-- member 1's consumables rule instead, the group would be at risk after 3 months
SELECT r.industry, r.dormant_after FROM dormancy.duplicate_customers d JOIN dormancy.rules r USING (rule_id);
-- a change of the legal forms regroups
DELETE FROM dormancy.legal_forms WHERE lower(form) = 'inc.';
SELECT name_key, customer_ids FROM dormancy.duplicate_customers ORDER BY name_key;
SELECT dormancy.reset_defaults('dormancy.legal_forms');
SELECT count(*) AS groups FROM dormancy.duplicate_customers;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA nm CASCADE;

-- databases in other encodings: names are converted to Unicode and back; a
-- database that cannot hold Japanese installs without the Japanese defaults
SELECT current_database() AS regress_db \gset
DROP DATABASE IF EXISTS dormancy_names_euc;
DROP DATABASE IF EXISTS dormancy_names_latin1;
CREATE DATABASE dormancy_names_euc ENCODING 'EUC_JP' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE dormancy_names_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c dormancy_names_euc
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION dormancy;
SELECT count(*) AS legal_forms, count(*) FILTER (WHERE form = '株式会社') AS japanese FROM dormancy.legal_forms;
SELECT dormancy.normalize_company_name('株式会社Ａ社') AS key, dormancy.normalize_company_name('ｻﾝﾌﾟﾙ（有）') AS kana,
	   dormancy.normalize_company_name('A社 Co., Ltd.') AS suffix;
\c dormancy_names_latin1
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION dormancy;
SELECT count(*) AS legal_forms, (SELECT count(*) FROM dormancy.event_kinds) AS event_kinds FROM dormancy.legal_forms;
SELECT dormancy.normalize_company_name('Société Générale S.A.') AS key, dormancy.normalize_company_name('ÉCOLE  Ltd') AS upper;
\c :regress_db
DROP DATABASE dormancy_names_euc;
DROP DATABASE dormancy_names_latin1;
