-- Contacts and data gaps (D9): bind_contacts (errors leave the bindings as
-- they were), customer_contacts, customer_status.data_gaps for each gap on a
-- customer made for it, data_gaps against a second computation in plain SQL
-- on generated contacts, duplicate_name against duplicate_customers, the
-- setting, the call list, unbinding.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA ct;
CREATE TABLE ct.accounts (id integer PRIMARY KEY, name text);
CREATE TABLE ct.orders (account integer, day date, total numeric);
CREATE TABLE ct.deals (account integer, closed date, outcome text);
CREATE TABLE ct.contacts (account integer, tel text, mail text, person text, updated timestamptz, note text);
INSERT INTO ct.accounts VALUES
	(1, 'all good'), (2, 'full-width phone'), (3, 'no phone'), (4, 'bad phone'),
	(5, 'bad email'), (6, 'no contacts at all'), (7, 'outdated'), (8, 'never updated'),
	(9, '株式会社ベータ'), (10, 'ベータ'), (11, NULL), (12, 'nothing on record'),
	(13, 'a deal only'), (14, 'one good phone, one bad');
INSERT INTO ct.orders SELECT a, '2026-06-01', 100 FROM generate_series(1, 11) a;
INSERT INTO ct.orders VALUES (14, '2026-06-01', 100);
INSERT INTO ct.deals VALUES (13, '2026-09-01', 'lost');
INSERT INTO ct.contacts VALUES
	(1, '03-1234-5678', 'buyer@example.co.jp', 'Sato', '2026-10-01', NULL),
	(2, '０３－１２３４－５６７８', 'b@example.com', 'Suzuki', '2026-10-01', NULL),
	(3, NULL, 'c@example.com', 'Tanaka', '2026-10-01', NULL),
	(3, '  ', 'c2@example.com', NULL, '2026-10-02', NULL),
	(4, 'n/a', 'd@example.com', 'Ito', '2026-10-01', NULL),
	(5, '06-1111-2222', 'e@example', 'Kato', '2026-10-01', NULL),
	(7, '06-1111-2222', 'g@example.com', 'Abe', '2023-01-01', NULL),
	(8, '06-1111-2222', 'h@example.com', 'Mori', NULL, NULL),
	(9, '06-1111-2222', 'i@example.com', 'Ono', '2026-10-01', NULL),
	(10, '06-1111-2222', 'j@example.com', 'Ueda', '2026-10-01', NULL),
	(11, '06-1111-2222', 'k@example.com', 'Oda', '2026-10-01', NULL),
	(12, '06-1111-2222', 'l@example.com', 'Endo', '2026-10-01', NULL),
	(13, '06-1111-2222', 'm@example.com', 'Ishii', '2026-10-01', NULL),
	(14, '06-1111-2222', 'n@example.com', 'Ota', '2026-10-01', NULL),
	(14, '12', NULL, NULL, '2026-10-01', NULL),
	(99, '06-1111-2222', 'x@example.com', 'Nobody', '2026-10-01', NULL),
	(NULL, '06-1111-2222', 'y@example.com', 'Nobody', '2026-10-01', NULL);
SELECT dormancy.bind_customers('ct.accounts', id => 'id', name => 'name');
SELECT dormancy.bind_orders('ct.orders', customer => 'account', ordered_at => 'day', amount => 'total');
SELECT dormancy.bind_deals('ct.deals', customer => 'account', closed_at => 'closed', outcome => 'outcome');

-- before any contacts are bound: only the gaps of the other sources
SELECT customer_id, data_gaps FROM dormancy.customer_status WHERE data_gaps <> '{}' ORDER BY 1;
SELECT count(*) FROM dormancy.customer_contacts;

-- errors: nothing to check, a missing column, a day column that is not one,
-- ids that cannot be compared; the bindings stay as they were
SELECT dormancy.bind_contacts('ct.contacts', customer => 'account');
SELECT dormancy.bind_contacts('ct.contacts', customer => 'account', phone => 'phone');
SELECT dormancy.bind_contacts('ct.contacts', customer => 'account', phone => 'tel', updated_at => 'note');
SELECT dormancy.bind_contacts('ct.contacts', customer => 'tel', phone => 'tel');
SELECT dormancy.bind_contacts('ct.nope', customer => 'account', phone => 'tel');
SELECT source FROM dormancy.bindings ORDER BY 1;

SELECT dormancy.bind_contacts('ct.contacts', customer => 'account', phone => 'tel', email => 'mail',
							  person => 'person', updated_at => 'updated');
SELECT source, columns FROM dormancy.bindings WHERE source = 'contacts';

-- each gap on the customer made for it
SELECT customer_id, name, data_gaps FROM dormancy.customer_status ORDER BY 1;
SELECT * FROM dormancy.customer_contacts ORDER BY 1;
-- contacts that cannot be used
SELECT source, issue, customer_id, rows FROM dormancy.source_issues WHERE source = 'contacts' ORDER BY 2, 3;
-- the call list carries them (last column of 0.3.0's, but for the columns
-- of 0.4.0 after it: the latest contact, the labels)
SELECT attnum = (SELECT max(attnum) FROM pg_attribute WHERE attrelid = 'dormancy.call_list'::regclass
				  AND attname NOT LIKE '%\_label' AND attname <> 'last_contacted_on') AS last, atttypid::regtype
  FROM pg_attribute WHERE attrelid = 'dormancy.call_list'::regclass AND attname = 'data_gaps';

-- the setting: with 5 years, the 2023 update is fresh enough
INSERT INTO dormancy.source_settings (contact_stale_after) VALUES ('5 years');
SELECT customer_id, data_gaps FROM dormancy.customer_status WHERE customer_id IN (7, 8) ORDER BY 1;
DELETE FROM dormancy.source_settings;
INSERT INTO dormancy.source_settings (contact_stale_after) VALUES ('0 days');

-- contacts in the customers table itself, only a phone bound: phone gaps
-- only (no e-mail, person or update gaps)
ALTER TABLE ct.accounts ADD COLUMN tel text;
UPDATE ct.accounts SET tel = CASE WHEN id % 2 = 0 THEN '03-0000-' || lpad(id::text, 4, '0') END;
SELECT dormancy.bind_contacts('ct.accounts', customer => 'id', phone => 'tel');
SELECT customer_id, data_gaps FROM dormancy.customer_status WHERE customer_id <= 6 ORDER BY 1;

-- unbound: the contact gaps go, the others stay
SELECT dormancy.unbind('contacts');
SELECT customer_id, data_gaps FROM dormancy.customer_status WHERE data_gaps <> '{}' ORDER BY 1;

-- data_gaps against a second computation in plain SQL, on 400 generated
-- customers with 0 to 3 contacts drawn from a pool of good and bad values
SELECT setseed(0.21);
CREATE TABLE ct.g_accounts AS
SELECT i AS id, CASE WHEN random() < 0.05 THEN NULL
					 ELSE (ARRAY['Acme', 'ACME Inc.', '株式会社ガンマ', 'ガンマ', 'Delta Ltd', 'Epsilon'])[1 + floor(random() * 6)::int] || CASE WHEN random() < 0.8 THEN ' ' || i ELSE '' END END AS name
  FROM generate_series(1, 400) i;
CREATE TABLE ct.g_orders AS
SELECT a.id, date '2026-10-01' - floor(random() * 900)::int AS day, 100 AS total
  FROM ct.g_accounts a WHERE random() < 0.85;
CREATE TABLE ct.g_contacts AS
SELECT a.id,
	   (ARRAY['03-1234-5678', '０３－１２３４－５６７８', '+81 90 1234 5678', 'n/a', '', '123', NULL])[1 + floor(random() * 7)::int] AS tel,
	   (ARRAY['a@b.jp', 'x.y@z.co.jp', 'a@b', 'a b@c.jp', '', NULL])[1 + floor(random() * 6)::int] AS mail,
	   (ARRAY['Sato', '', NULL])[1 + floor(random() * 3)::int] AS person,
	   CASE WHEN random() < 0.9 THEN date '2026-10-31' - floor(random() * 1200)::int END AS updated
  FROM (SELECT g.id, floor(random() * 4)::int AS n FROM ct.g_accounts g) a, generate_series(1, a.n) k;
DELETE FROM dormancy.source_settings;
SELECT dormancy.unbind('deals');
SELECT dormancy.bind_customers('ct.g_accounts', id => 'id', name => 'name');
SELECT dormancy.bind_orders('ct.g_orders', customer => 'id', ordered_at => 'day', amount => 'total');
SELECT dormancy.bind_contacts('ct.g_contacts', customer => 'id', phone => 'tel', email => 'mail',
							  person => 'person', updated_at => 'updated');
CREATE TEMP VIEW want AS
WITH c AS (
	SELECT g.id,
		   -- digits, full-width ones translated
		   length(regexp_replace(translate(g.tel, '０１２３４５６７８９', '0123456789'), '\D', '', 'g')) AS digits,
		   nullif(btrim(g.tel), '') IS NOT NULL AS has_tel,
		   nullif(btrim(g.mail), '') IS NOT NULL AS has_mail,
		   g.mail LIKE '%_@_%._%' AND g.mail NOT LIKE '% %' AND g.mail NOT LIKE '%@%@%' AS mail_ok,
		   nullif(btrim(g.person), '') IS NOT NULL AS has_person,
		   g.updated
	  FROM ct.g_contacts g
), per AS (
	SELECT c.id,
		   count(*) FILTER (WHERE c.digits BETWEEN 6 AND 15) AS phones,
		   count(*) FILTER (WHERE c.has_tel AND NOT c.digits BETWEEN 6 AND 15) AS bad_phones,
		   count(*) FILTER (WHERE c.mail_ok) AS mails,
		   count(*) FILTER (WHERE c.has_mail AND NOT c.mail_ok) AS bad_mails,
		   count(*) FILTER (WHERE c.has_person) AS persons,
		   max(c.updated) AS updated
	  FROM c GROUP BY c.id
), names AS (
	SELECT a.id, a.name,
		   count(*) OVER (PARTITION BY lower(regexp_replace(regexp_replace(a.name, '^株式会社|\s*(Inc\.|Ltd)$', '', 'g'), '\s', '', 'g'))) AS same_name
	  FROM ct.g_accounts a
)
SELECT n.id,
	   array_remove(ARRAY[
		   CASE WHEN coalesce(p.phones, 0) + coalesce(p.mails, 0) = 0 THEN 'no_contact' END,
		   CASE WHEN coalesce(p.phones, 0) = 0 THEN 'no_phone' END,
		   CASE WHEN p.bad_phones > 0 THEN 'invalid_phone' END,
		   CASE WHEN coalesce(p.mails, 0) = 0 THEN 'no_email' END,
		   CASE WHEN p.bad_mails > 0 THEN 'invalid_email' END,
		   CASE WHEN coalesce(p.persons, 0) = 0 THEN 'no_person' END,
		   CASE WHEN p.id IS NOT NULL AND (p.updated IS NULL OR p.updated < date '2024-11-01') THEN 'contact_outdated' END,
		   CASE WHEN n.name IS NULL THEN 'no_name' WHEN n.same_name > 1 THEN 'duplicate_name' END,
		   CASE WHEN NOT EXISTS (SELECT 1 FROM ct.g_orders o WHERE o.id = n.id) THEN 'no_activity' END], NULL) AS gaps
  FROM names n LEFT JOIN per p ON p.id = n.id;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE w.gaps IS DISTINCT FROM s.data_gaps) AS mismatches
  FROM want w FULL JOIN dormancy.customer_status s ON s.customer_id = w.id;
-- every gap occurs (the comparison is not vacuous)
SELECT g, count(*) FROM dormancy.customer_status, unnest(data_gaps) g GROUP BY g ORDER BY g;
-- and the call list shows them
SELECT count(*) > 0 AS listed, count(*) = count(*) FILTER (WHERE l.data_gaps = s.data_gaps) AS same_gaps
  FROM dormancy.call_list l JOIN dormancy.customer_status s USING (customer_id);
-- the approach channel skips what the contacts cannot serve: with the phone
-- rule first for everyone, lapsing customers without a usable number get the
-- next rule (e-mail), and those with neither number nor address none
UPDATE dormancy.approach_rules SET min_value = 0 WHERE rule_order = 20;
SELECT count(*) FILTER (WHERE approach_channel = 'phone' AND 'no_phone' = ANY (data_gaps)) AS phone_without_number,
	   count(*) FILTER (WHERE approach_channel IN ('email', 'step_mail') AND 'no_email' = ANY (data_gaps)) AS mail_without_address,
	   count(*) FILTER (WHERE approach_channel = 'phone') > 0 AS some_called,
	   count(*) FILTER (WHERE approach_channel = 'email') > 0 AS some_mailed,
	   count(*) FILTER (WHERE approach_channel IS NULL AND likely_reason IS NOT NULL) > 0 AS some_unreachable,
	   count(*) FILTER (WHERE approach_channel IS NULL AND likely_reason IS NOT NULL
							AND NOT 'no_contact' = ANY (data_gaps)) AS unreachable_with_contact
  FROM dormancy.customer_status;
SELECT dormancy.reset_defaults('dormancy.approach_rules');
-- duplicate_name marks exactly the members of duplicate_customers
SELECT (SELECT array_agg(customer_id ORDER BY customer_id) FROM dormancy.customer_status WHERE 'duplicate_name' = ANY (data_gaps))
	 = (SELECT array_agg(i ORDER BY i) FROM dormancy.duplicate_customers, unnest(customer_ids) i) AS same_customers;

SELECT dormancy.unbind('contacts');
DROP VIEW want;
