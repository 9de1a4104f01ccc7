-- Phone numbers per country: dormancy.phone_valid on Japanese numbers in
-- every usual spelling (full-width, +81, 81, extensions, labels) and on
-- other countries' numbers; customer_contacts and data_gaps with it (the
-- 7-digit 090-1234 is not a usable number); the default country
-- source_settings.phone_country; errors.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never

-- usable in Japan
SELECT n, dormancy.phone_valid(n, 'JP') AS valid
  FROM unnest(ARRAY['03-1234-5678', '0422-12-3456', '01267-2-3456', '(03) 1234-5678',
					'090-1234-5678', '080 1234 5678', '07012345678', '050-1234-5678',
					'0120-123-456', '0800-123-4567', '0570-123-456',
					'０３－１２３４－５６７８', '０９０ー１２３４ー５６７８', '090ｰ1234ｰ5678',
					'+81-3-1234-5678', '+81 90 1234 5678', '(+81) 3-1234-5678', '+81 (0)3-1234-5678',
					'＋８１－９０－１２３４－５６７８', '81-3-1234-5678',
					'03-1234-5678 内線123', '03-1234-5678（内線１２３）', '03-1234-5678 ext. 12',
					'TEL: 03-1234-5678', '電話番号：03-1234-5678',
					'+44 20 7946 0958', '+1 (212) 555-1234', '010-44-20-7946-0958']) WITH ORDINALITY AS t(n, i)
 ORDER BY i;
-- not usable in Japan
SELECT n, dormancy.phone_valid(n, 'JP') AS valid
  FROM unnest(ARRAY['090-1234', '０９０－１２３４', '03-1234-567', '03-1234-56789', '090-1234-567',
					'090-123-4567', '0120-123-4567', '0800-123-456', '3-1234-5678', '110',
					'+81-3-1234-567', '+1 212 555 123', '+44 1234', '+0 3 1234 5678',
					'n/a', '不明', '-', '　', '03-1234-5678 携帯', '03-1234-5678 / 090-1234-5678',
					'内線123', 'fax 03-1234-5678']) WITH ORDINALITY AS t(n, i)
 ORDER BY i;
-- in another country: only numbers with a country code can be checked
SELECT n, c, dormancy.phone_valid(n, c) AS valid
  FROM (VALUES ('+1 212 555 1234', 'US'), ('(212) 555-1234', 'US'), ('+81 3 1234 5678', 'US'),
			   ('03-1234-5678', 'DE'), ('+49 30 123456', 'de'), ('+49 30 12', 'DE')) v(n, c)
 ORDER BY 1, 2;
SELECT dormancy.phone_valid(NULL, 'JP') IS NULL AS null_number,
	   dormancy.phone_valid('03-1234-5678', NULL) IS NULL AS null_country;
-- a country that is not a code
SELECT dormancy.phone_valid('03-1234-5678', 'JPN');
SELECT dormancy.phone_valid('03-1234-5678', '');
-- two letters that are no officially assigned ISO 3166-1 code: JA (the
-- language code of Japanese), ZZ (user-assigned), UK (reserved)
SELECT dormancy.phone_valid('03-1234-5678', 'JA');
SELECT dormancy.phone_valid('+44 20 7946 0958', 'ZZ');
SELECT dormancy.phone_valid('+44 20 7946 0958', 'uk');
-- assigned codes, the first and the last, any case
SELECT dormancy.phone_valid('+376 712 345', 'AD') AS ad, dormancy.phone_valid('+263 4 123456', 'zw') AS zw,
	   dormancy.phone_valid('+44 20 7946 0958', 'Gb') AS gb;

-- customer_contacts and data_gaps
CREATE SCHEMA ph;
CREATE TABLE ph.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE ph.orders (account integer, day date, total numeric);
CREATE TABLE ph.contacts (account integer, tel text);
INSERT INTO ph.accounts VALUES (1, 'fixed line'), (2, 'mobile, full-width'), (3, 'seven digits'),
	(4, '+81'), (5, 'London'), (6, 'one good, one short'), (7, 'national, no country code');
INSERT INTO ph.orders SELECT a, '2026-06-01', 100 FROM generate_series(1, 7) a;
INSERT INTO ph.contacts VALUES
	(1, '03-1234-5678'), (2, '０９０－１２３４－５６７８'), (3, '090-1234'), (4, '+81 3 1234 5678'),
	(5, '+44 20 7946 0958'), (6, '06-6123-4567'), (6, '06-6123'), (7, '0312345678');
SELECT dormancy.bind_customers('ph.accounts', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('ph.orders', customer => 'account', ordered_at => 'day', amount => 'total') IS NOT NULL AS bound;
SELECT dormancy.bind_contacts('ph.contacts', customer => 'account', phone => 'tel') IS NOT NULL AS bound;
SELECT (dormancy.source_settings_in_force()).phone_country;
SELECT customer_id, contacts, phones, invalid_phones FROM dormancy.customer_contacts ORDER BY 1;
SELECT customer_id, name, data_gaps FROM dormancy.customer_status ORDER BY 1;

-- the default country: in the United States only +numbers are usable
INSERT INTO dormancy.source_settings (phone_country) VALUES ('US');
SELECT customer_id, contacts, phones, invalid_phones FROM dormancy.customer_contacts ORDER BY 1;
DELETE FROM dormancy.source_settings;
-- upper-case codes of two letters only
\set VERBOSITY terse
INSERT INTO dormancy.source_settings (phone_country) VALUES ('jp');
INSERT INTO dormancy.source_settings (phone_country) VALUES ('JPN');
-- nor two letters that are no assigned code
INSERT INTO dormancy.source_settings (phone_country) VALUES ('JA');
INSERT INTO dormancy.source_settings (phone_country) VALUES ('ZZ');
\set VERBOSITY default
-- an empty table is JP
WITH ins AS (INSERT INTO dormancy.source_settings DEFAULT VALUES RETURNING *)
SELECT (SELECT i FROM ins i)::text = dormancy.source_settings_in_force()::text AS defaults_agree;
DELETE FROM dormancy.source_settings;
-- a role the owner lets write the settings may (the CHECK's function is
-- executable by every role: it was the owner's, so such a role could write
-- no column of the table)
CREATE ROLE dormancy_test_settings_admin;
GRANT USAGE ON SCHEMA dormancy TO dormancy_test_settings_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON dormancy.source_settings TO dormancy_test_settings_admin;
SET ROLE dormancy_test_settings_admin;
INSERT INTO dormancy.source_settings (phone_country, contact_stale_after) VALUES ('GB', '1 year');
UPDATE dormancy.source_settings SET phone_country = 'JP';
INSERT INTO dormancy.source_settings (phone_country) VALUES ('JA');
SELECT phone_country, contact_stale_after FROM dormancy.source_settings;
DELETE FROM dormancy.source_settings;
RESET ROLE;
REVOKE ALL ON dormancy.source_settings FROM dormancy_test_settings_admin;
REVOKE ALL ON SCHEMA dormancy FROM dormancy_test_settings_admin;
DROP ROLE dormancy_test_settings_admin;

SELECT dormancy.unbind('contacts');
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA ph CASCADE;
