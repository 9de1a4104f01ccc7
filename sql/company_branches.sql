-- Branches and companies: the accounts of one company's offices (本社,
-- 大阪支店, 名古屋営業所, ...) are one company, not duplicate records.  A
-- duplicate record is the same company and the same branch.  The company is
-- told from the name (company_key: the name key without its branch part),
-- or, when bind_customers(company => ...) is given, by that id alone.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never

-- the parts of a name: company key, branch key (NULL: no branch part) and
-- the name key, branch included, on which duplicates meet
SELECT n, dormancy.company_key(n) AS company, dormancy.branch_key(n) AS branch,
	   dormancy.normalize_company_name(n) AS name_key
  FROM unnest(ARRAY['株式会社山田商事 本社', '山田商事 大阪支店', '山田商事(株) 名古屋営業所',
					'(株)山田商事 大阪支店', '山田商事（株）　大阪支店', '山田商事株式会社大阪支店',
					'山田商事【東京本社】', '山田商事 大阪支店 営業部', 'ｻﾝﾌﾟﾙ工業 九州ｾﾝﾀｰ',
					'Acme Trading Co., Ltd. Osaka Branch', 'ＡＣＭＥ　ＴＲＡＤＩＮＧ　Ｏｓａｋａ　Ｂｒａｎｃｈ',
					'Acme Trading Head Office', 'Acme Trading', '株式会社山田商事',
					-- never the whole name, never a company of legal forms alone
					'本社', '株式会社 大阪支店', 'Head Office',
					-- not recognised: no separator, no legal form before the branch
					'山田商事大阪支店', '山田工務店']) WITH ORDINALITY AS t(n, i)
 ORDER BY i;
-- the IMMUTABLE forms take the legal forms as an argument
SELECT dormancy.company_key('山田商事 Ltd. Osaka Branch', '{Ltd.}') AS with_ltd,
	   dormancy.company_key('山田商事 Ltd. Osaka Branch', '{}') AS without,
	   dormancy.branch_key('山田商事 Ltd. Osaka Branch', '{}') AS branch_without;
SELECT dormancy.company_key(NULL) IS NULL AS strict, dormancy.branch_key('') IS NULL AS empty_has_none;

CREATE SCHEMA cb;
CREATE TABLE cb.accounts (code text PRIMARY KEY, name text, company_code text);
CREATE TABLE cb.orders (account text, day date, amount numeric);
INSERT INTO cb.accounts VALUES
	-- one company: head office, two branches, and the Osaka branch twice more
	('Y01', '株式会社山田商事 本社', 'C1'),
	('Y02', '山田商事 大阪支店', 'C1'),
	('Y03', '山田商事(株) 名古屋営業所', 'C1'),
	('Y04', '(株)山田商事 大阪支店', 'C1'),
	('Y05', '山田商事（株）　大阪支店', 'C1'),
	-- the company under another spelling: one company only by its id
	('Y06', 'ヤマダ商事 福岡出張所', 'C1'),
	-- half-width kana and a branch word written without a space after the form
	('S01', 'ｻﾝﾌﾟﾙ工業 本社', 'C2'),
	('S02', 'サンプル工業株式会社本社', 'C2'),
	('S03', 'サンプル工業 九州ｾﾝﾀｰ', 'C2'),
	-- English, and full-width Latin
	('E01', 'Acme Trading Co., Ltd. Osaka Branch', 'C3'),
	('E02', 'ACME TRADING Tokyo Office', 'C3'),
	('E03', 'ＡＣＭＥ　ＴＲＡＤＩＮＧ　Ｏｓａｋａ　Ｂｒａｎｃｈ', 'C3'),
	-- two companies that happen to share a name: told apart only by their ids
	('H01', '中央商事 本社', 'C7'),
	('H02', '中央商事 本社', 'C8'),
	-- another company's branch of the same city
	('K01', '株式会社川田商事 大阪支店', 'C4'),
	-- no company id: compared by name among those without one
	('N01', '山田商事 大阪支店', NULL);
INSERT INTO cb.orders VALUES
	('Y01', '2026-10-01', 500), ('Y01', '2026-05-01', 500),
	('Y02', '2025-01-10', 300), ('Y02', '2025-03-10', 300),
	('Y03', '2026-02-01', 200), ('Y04', '2024-06-01', 100),
	('S01', '2025-06-01', 50), ('S02', '2025-08-01', 50), ('S03', '2024-01-01', 40),
	('E01', '2026-09-15', 70), ('E02', '2023-01-01', 10), ('E03', '2025-01-01', 20),
	('H01', '2026-10-20', 5), ('H02', '2024-10-20', 5), ('K01', '2026-10-25', 9),
	('N01', '2026-01-01', 1);

--
-- Without a company column: the company is told from the names
--
SELECT dormancy.bind_customers('cb.accounts', id => 'code', name => 'name');
SELECT dormancy.bind_orders('cb.orders', customer => 'account', ordered_at => 'day', amount => 'amount');
-- the stored keys serve the data gap (a plain table)
SELECT customer_name_keys_tracked FROM dormancy.src_bindings;
-- duplicate_name for duplicate records only: the Osaka branch written four
-- ways (Y02, Y04, Y05, N01), the Sample head office twice, Acme's Osaka
-- branch twice, the two Chuo head offices (nothing tells them apart); not
-- for the head office, Nagoya, Fukuoka, the Kyushu centre, Tokyo, Kawada
SELECT customer_id, name, company_id, state, 'duplicate_name' = ANY (data_gaps) AS duplicate
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT name_key, company_id, customers, customer_ids, member_states, state
  FROM dormancy.duplicate_customers ORDER BY name_key;
-- the companies: every branch of one, with its own state and the company's
SELECT company_id, company_key, customers, customer_ids, branches, member_states, state,
	   last_order_at, orders_count, total_amount
  FROM dormancy.company_customers ORDER BY company_key;
-- the full computation (stored keys not used) gives the same answer
CREATE VIEW cb.accounts_view AS SELECT * FROM cb.accounts;
SET client_min_messages = error;
SELECT dormancy.bind_customers('cb.accounts_view', id => 'code', name => 'name');
SET client_min_messages = warning;
SELECT customer_name_keys_tracked FROM dormancy.src_bindings;
SELECT array_agg(customer_id ORDER BY customer_id) AS duplicates
  FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps);

--
-- With a company column: the id decides, no name guessing
--
SET client_min_messages = error;
SELECT dormancy.bind_customers('cb.accounts', id => 'code', name => 'name', company => 'company_code');
SET client_min_messages = warning;
SELECT customer_name_keys_tracked FROM dormancy.src_bindings;
SELECT (columns ->> 'company') AS company_column FROM dormancy.bindings WHERE source = 'customers';
-- the stored keys carry the company id
SELECT customer_key, name_key, rows FROM dormancy.customer_name_keys
 WHERE customer_key IN ('Y02', 'H01', 'N01') ORDER BY customer_key;
-- duplicates: same company id and same name key (Y02, Y04, Y05 of C1; S01,
-- S02; E01, E03); the two Chuo head offices are two companies; N01 has no
-- company id and no other customer without one shares its name
SELECT customer_id, company_id, 'duplicate_name' = ANY (data_gaps) AS duplicate
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT name_key, company_id, customers, customer_ids
  FROM dormancy.duplicate_customers ORDER BY company_id, name_key;
-- the companies by id: C1 includes the Fukuoka office spelt in katakana
SELECT company_id, company_key, customers, customer_ids, branches, member_states, state
  FROM dormancy.company_customers ORDER BY company_id;
-- a lookup of one customer finds the same
SELECT customer_id, data_gaps FROM dormancy.customer_status WHERE customer_id = 'Y04';
-- the triggers follow a change of company: Y05 moves to another company
UPDATE cb.accounts SET company_code = 'C9' WHERE code = 'Y05';
SELECT customer_key, name_key FROM dormancy.customer_name_keys WHERE customer_key = 'Y05';
SELECT customer_id, 'duplicate_name' = ANY (data_gaps) AS duplicate
  FROM dormancy.customer_status WHERE customer_id IN ('Y02', 'Y04', 'Y05') ORDER BY customer_id;
-- and Y04 too: Y02 has no duplicate left
UPDATE cb.accounts SET company_code = 'C9' WHERE code = 'Y04';
SELECT customer_id, 'duplicate_name' = ANY (data_gaps) AS duplicate
  FROM dormancy.customer_status WHERE customer_id IN ('Y02', 'Y04', 'Y05') ORDER BY customer_id;
SELECT name_key, company_id, customer_ids FROM dormancy.duplicate_customers ORDER BY company_id, name_key;
-- the full computation (a view bound) gives the same answer
SET client_min_messages = error;
SELECT dormancy.bind_customers('cb.accounts_view', id => 'code', name => 'name', company => 'company_code');
SET client_min_messages = warning;
SELECT customer_name_keys_tracked FROM dormancy.src_bindings;
SELECT array_agg(customer_id ORDER BY customer_id) AS duplicates
  FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps);
SELECT company_id, customer_ids FROM dormancy.company_customers ORDER BY company_id;
-- a blank company id (an empty cell of a CSV import, white space, a
-- full-width space) is no company id: those customers are told by their
-- names, as customers without one are (they were one company of their own,
-- and duplicates of each other by name within it; a review of 2026-12-08)
INSERT INTO cb.accounts VALUES ('B01', '佐藤工業', ''), ('B02', '鈴木物産', ' '), ('B03', '田中電機', U&'\3000'),
	('B04', '山田商事 大阪支店', '');
INSERT INTO cb.orders VALUES ('B01', '2026-10-20', 100), ('B02', '2022-01-01', 100), ('B03', '2021-06-01', 100),
	('B04', '2026-09-01', 100);
SET client_min_messages = error;
SELECT dormancy.bind_customers('cb.accounts', id => 'code', name => 'name', company => 'company_code');
SET client_min_messages = warning;
-- B04 shares its name with N01, which has no company id either; the stored
-- keys and the full computation agree
SELECT customer_key, name_key FROM dormancy.customer_name_keys WHERE customer_key IN ('B01', 'B04', 'N01') ORDER BY 1;
SELECT customer_id, company_id, 'duplicate_name' = ANY (data_gaps) AS duplicate
  FROM dormancy.customer_status WHERE customer_id IN ('B01', 'B02', 'B03', 'B04', 'N01') ORDER BY customer_id;
SELECT company_id, company_key, customers, customer_ids FROM dormancy.company_customers
 WHERE company_id IS NULL OR btrim(company_id, U&' \3000') = '' ORDER BY company_key;
SET client_min_messages = error;
SELECT dormancy.bind_customers('cb.accounts_view', id => 'code', name => 'name', company => 'company_code');
SET client_min_messages = warning;
SELECT array_agg(customer_id ORDER BY customer_id) AS duplicates
  FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps) AND customer_id IN ('B01', 'B02', 'B03', 'B04', 'N01');
SELECT company_id, customers, customer_ids FROM dormancy.company_customers
 WHERE company_id IS NULL OR btrim(company_id, U&' \3000') = '' ORDER BY company_key;
-- a company column that does not exist
SELECT dormancy.bind_customers('cb.accounts', id => 'code', name => 'name', company => 'no_such');

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA cb CASCADE;
