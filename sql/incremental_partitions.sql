-- Incremental refresh over a partitioned orders table: every way of writing
-- that does not go through the bound parent (into a partition directly, a
-- month loaded into a new partition, TRUNCATE of one partition, ATTACH,
-- DETACH, DROP, a disabled trigger, session_replication_role = replica) is
-- either tracked (the refresh stays incremental) or forces a full rebuild
-- that says why; after each, the snapshot equals the live customer_status,
-- column by column.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-12-20';
CREATE SCHEMA erp;
CREATE SEQUENCE erp.order_ids;
CREATE TABLE erp.customers (id integer PRIMARY KEY, name text, sector text);
INSERT INTO erp.customers SELECT i, 'customer ' || i, (ARRAY['ec', 'consumables'])[1 + i % 2]
  FROM generate_series(1, 40) i;
CREATE TABLE erp.orders (
	order_id bigint NOT NULL DEFAULT nextval('erp.order_ids'),
	customer integer,
	at timestamptz NOT NULL,
	amount numeric NOT NULL,
	category text
) PARTITION BY RANGE (at);
DO $$
BEGIN
	FOR m IN 1 .. 10 LOOP
		EXECUTE format('CREATE TABLE erp.%I PARTITION OF erp.orders FOR VALUES FROM (%L) TO (%L)',
					   'orders_2026_' || to_char(m, 'FM00'),
					   make_date(2026, m, 1), make_date(2026, m, 1) + interval '1 month');
	END LOOP;
END $$;
CREATE INDEX ON erp.orders (customer);
-- whole amounts: sums are exact, so the comparison needs no tolerance
SELECT setseed(0.25);
INSERT INTO erp.orders (customer, at, amount, category)
SELECT 1 + (random() * 39)::int,
	   timestamptz '2026-01-01' + random() * interval '300 days',
	   (10 + random() * 990)::int,
	   (ARRAY['core', 'extra'])[1 + (random() * 1)::int]
  FROM generate_series(1, 600);

SELECT dormancy.bind_customers('erp.customers', id => 'id', name => 'name', industry => 'sector');
SELECT dormancy.bind_orders('erp.orders', customer => 'customer', ordered_at => 'at', amount => 'amount',
							category => 'category');

-- every partition carries the four triggers, enabled ALWAYS
SELECT c.relname, string_agg(t.tgname || ':' || t.tgenabled::text, ' ' ORDER BY t.tgname) AS triggers
  FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
 WHERE c.relnamespace = 'erp'::regnamespace AND c.relkind IN ('r', 'p')
 GROUP BY c.relname ORDER BY c.relname;

-- the snapshot against the live view: rows that differ in any column of
-- customer_status (floats compared to 9 significant digits)
CREATE FUNCTION erp.differing() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	cols text;
	n bigint;
BEGIN
	SELECT string_agg(CASE WHEN a.atttypid IN ('float8'::regtype, 'float4'::regtype, 'numeric'::regtype)
						   THEN format('(CASE WHEN %1$I::numeric = 0 THEN 0 ELSE round(%1$I::numeric, 9 - ceil(log(abs(%1$I::numeric)))::int) END)::text', a.attname)
						   ELSE format('%I::text', a.attname) END, ', ' ORDER BY a.attnum)
	  INTO cols
	  FROM pg_attribute a
	 WHERE a.attrelid = 'dormancy.customer_status'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
	EXECUTE format('SELECT count(*) FROM ((SELECT %1$s FROM dormancy.status_snapshot EXCEPT ALL SELECT %1$s FROM dormancy.customer_status) '
				   'UNION ALL (SELECT %1$s FROM dormancy.customer_status EXCEPT ALL SELECT %1$s FROM dormancy.status_snapshot)) d', cols)
		INTO n;
	RETURN n;
END $$;
CREATE VIEW erp.last_run AS
SELECT r.outcome, r.history_mode, r.customers_recomputed, to_jsonb(r) ->> 'history_reason' AS history_reason, erp.differing() AS differing
  FROM dormancy.refresh_runs r ORDER BY r.run_id DESC LIMIT 1;
-- the stored histories against a full recomputation (category_histories_live)
CREATE FUNCTION erp.store_differing() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM ((SELECT s.customer_key, s.category, s.history::text, s.order_rows FROM dormancy.stored_histories s
						   EXCEPT ALL
						   SELECT h.customer_id::text, h.category, h.history::text, h.order_rows FROM dormancy.category_histories_live h)
						  UNION ALL
						  (SELECT h.customer_id::text, h.category, h.history::text, h.order_rows FROM dormancy.category_histories_live h
						   EXCEPT ALL
						   SELECT s.customer_key, s.category, s.history::text, s.order_rows FROM dormancy.stored_histories s)) d
$$;
-- the tables attached below (sections 9 to 9d): their triggers, and
-- whether they are recorded as tracked
CREATE VIEW erp.attached AS
SELECT c.relname, string_agg(t.tgname || ':' || t.tgenabled::text, ' ' ORDER BY t.tgname) AS triggers,
	   c.oid = ANY (coalesce((SELECT s.tracked_relations FROM dormancy.history_store_state s), '{}')) AS recorded
  FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
 WHERE c.relnamespace = 'erp'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname ~ '^orders_(2022|2024|2025|2026_12_extra)'
 GROUP BY c.oid, c.relname ORDER BY c.relname;
-- what the next refresh would find: a tracking problem, invalidations, marks
CREATE VIEW erp.state AS
SELECT dormancy._tracking_problem() AS tracking_problem,
	   (SELECT count(*) FROM dormancy.store_invalidations) AS invalidations,
	   (SELECT count(DISTINCT c.customer_key) FROM dormancy.changed_customers c) AS marked_customers;

CALL dormancy.refresh();
SELECT * FROM erp.last_run;
-- a refresh with nothing changed: incremental, nothing recomputed
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 1. INSERT straight into a partition (customers 3 and 4 buy in October)
INSERT INTO erp.orders_2026_10 (customer, at, amount, category) VALUES
	(3, '2026-10-28 10:00+00', 500, 'core'), (4, '2026-10-29 10:00+00', 700, 'extra');
SELECT erp.differing() > 0 AS live_view_moved;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 2. UPDATE and DELETE in a partition: amounts of customer 5, an order moved
-- from customer 6 to customer 7, customer 8's March orders gone
UPDATE erp.orders_2026_02 SET amount = amount * 3 WHERE customer = 5;
UPDATE erp.orders_2026_04 SET customer = 7 WHERE order_id = (SELECT min(order_id) FROM erp.orders_2026_04 WHERE customer = 6);
DELETE FROM erp.orders_2026_03 WHERE customer = 8;
SELECT erp.differing() > 0 AS live_view_moved;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 3. through the parent, moving an order to another partition (customer 9)
UPDATE erp.orders SET at = '2026-10-15 12:00+00'
 WHERE order_id = (SELECT max(order_id) FROM erp.orders_2026_01 WHERE customer = 9);
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 4. the ERP load: a new month's partition, created and loaded directly;
-- it is tracked from its creation, so the refresh stays incremental
CREATE TABLE erp.orders_2026_11 PARTITION OF erp.orders FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
SELECT string_agg(t.tgname || ':' || t.tgenabled::text, ' ' ORDER BY t.tgname) AS new_partition_triggers
  FROM pg_trigger t WHERE t.tgrelid = 'erp.orders_2026_11'::regclass;
COPY erp.orders_2026_11 (customer, at, amount, category) FROM stdin;
10	2026-11-02 09:00:00+00	120	core
11	2026-11-03 09:00:00+00	80	extra
11	2026-11-04 09:00:00+00	95	core
\.
SELECT erp.differing() > 0 AS live_view_moved;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 5. a partition of its own partitions, and a write into the sub-partition
CREATE TABLE erp.orders_2026_12 PARTITION OF erp.orders FOR VALUES FROM ('2026-12-01') TO ('2027-01-01')
	PARTITION BY LIST (category);
CREATE TABLE erp.orders_2026_12_core PARTITION OF erp.orders_2026_12 FOR VALUES IN ('core');
INSERT INTO erp.orders_2026_12_core (customer, at, amount, category) VALUES (12, '2026-12-05 12:00+00', 300, 'core');
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 6. replica mode (logical replication's apply, pg_restore --disable-triggers
-- users): the triggers are enabled ALWAYS, so they still fire
SET session_replication_role = replica;
INSERT INTO erp.orders_2026_10 (customer, at, amount, category) VALUES (13, '2026-10-30 10:00+00', 250, 'core');
RESET session_replication_role;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 7. TRUNCATE of one partition: a full rebuild, saying why
TRUNCATE erp.orders_2026_05;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 8. DETACH PARTITION: its orders leave (the detached table can still be
-- written; the refresh takes the triggers off it)
ALTER TABLE erp.orders DETACH PARTITION erp.orders_2026_06;
INSERT INTO erp.orders_2026_06 (customer, at, amount, category) VALUES (19, '2026-06-10 10:00+00', 10, 'core');
SELECT erp.differing() > 0 AS live_view_moved;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT count(*) AS detached_partition_triggers FROM pg_trigger t WHERE t.tgrelid = 'erp.orders_2026_06'::regclass;

-- 9. ATTACH PARTITION of a table that already holds orders: the event
-- trigger puts the triggers on it at once and marks its customers, so the
-- next refresh stays incremental and recomputes just them (until 2026-12-07
-- the refresh added the triggers inside its own transaction, writes to the
-- partition waiting for it, and rebuilt every history)
CREATE TABLE erp.orders_2025 (LIKE erp.orders INCLUDING DEFAULTS);
INSERT INTO erp.orders_2025 (order_id, customer, at, amount, category)
SELECT 100000 + i, 14 + i % 3, timestamptz '2025-03-01' + i * interval '9 days', 40 + i, 'core'
  FROM generate_series(1, 20) i;
ALTER TABLE erp.orders ATTACH PARTITION erp.orders_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT * FROM erp.attached;
SELECT * FROM erp.state;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT erp.store_differing();
-- written directly after the attach: tracked like any partition
INSERT INTO erp.orders_2025 (customer, at, amount, category) VALUES (20, '2025-12-30 10:00+00', 75, 'core');
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 9a. a partitioned table attached with its own partitions and orders:
-- each of them is tracked at once
CREATE TABLE erp.orders_2024 (LIKE erp.orders INCLUDING DEFAULTS) PARTITION BY LIST (category);
CREATE TABLE erp.orders_2024_core PARTITION OF erp.orders_2024 FOR VALUES IN ('core');
CREATE TABLE erp.orders_2024_rest PARTITION OF erp.orders_2024 DEFAULT;
INSERT INTO erp.orders_2024 (order_id, customer, at, amount, category)
SELECT 200000 + i, 21 + i % 4, timestamptz '2024-02-01' + i * interval '11 days', 30 + i, (ARRAY['core', 'extra'])[1 + i % 2]
  FROM generate_series(1, 24) i;
ALTER TABLE erp.orders ATTACH PARTITION erp.orders_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
SELECT * FROM erp.attached;
SELECT * FROM erp.state;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT erp.store_differing();
INSERT INTO erp.orders_2024_rest (customer, at, amount, category) VALUES (25, '2024-12-30 10:00+00', 55, 'extra');
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 9b. a table attached to a partition of the orders (to the December
-- partition, partitioned by category)
CREATE TABLE erp.orders_2026_12_extra (LIKE erp.orders INCLUDING DEFAULTS);
INSERT INTO erp.orders_2026_12_extra (customer, at, amount, category) VALUES
	(26, '2026-12-02 10:00+00', 410, 'extra'), (27, '2026-12-03 10:00+00', 420, 'extra'), (3, '2026-12-04 10:00+00', 430, 'extra');
ALTER TABLE erp.orders_2026_12 ATTACH PARTITION erp.orders_2026_12_extra FOR VALUES IN ('extra');
SELECT * FROM erp.attached;
SELECT * FROM erp.state;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT erp.store_differing();

-- 9c. an attach that cannot be tracked at once never fails: a foreign
-- table (no triggers with transition tables), or an attach in a REPEATABLE
-- READ transaction (its snapshot could miss rows committed to the table
-- before it): the next refresh rebuilds in full, as before
CREATE FOREIGN DATA WRAPPER erp_nothing;
CREATE SERVER erp_nowhere FOREIGN DATA WRAPPER erp_nothing;
CREATE FOREIGN TABLE erp.orders_2023 (order_id bigint NOT NULL, customer integer, at timestamptz NOT NULL, amount numeric NOT NULL, category text)
	SERVER erp_nowhere;
ALTER TABLE erp.orders ATTACH PARTITION erp.orders_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
SELECT count(*) AS foreign_partition_triggers FROM pg_trigger t WHERE t.tgrelid = 'erp.orders_2023'::regclass;
SELECT reason FROM dormancy.store_invalidations ORDER BY invalidation_id;
ALTER TABLE erp.orders DETACH PARTITION erp.orders_2023;
DROP FOREIGN TABLE erp.orders_2023;
DROP SERVER erp_nowhere;
DROP FOREIGN DATA WRAPPER erp_nothing;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
CREATE TABLE erp.orders_2022 (LIKE erp.orders INCLUDING DEFAULTS);
INSERT INTO erp.orders_2022 (customer, at, amount, category) VALUES (28, '2022-05-05 10:00+00', 66, 'core');
BEGIN ISOLATION LEVEL REPEATABLE READ;
ALTER TABLE erp.orders ATTACH PARTITION erp.orders_2022 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
COMMIT;
SELECT count(*) AS repeatable_read_triggers FROM pg_trigger t WHERE t.tgrelid = 'erp.orders_2022'::regclass;
SELECT reason FROM dormancy.store_invalidations ORDER BY invalidation_id;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT * FROM erp.attached;

-- 9d. DETACH of the attached partitioned table: its orders leave the
-- orders (a full rebuild, saying why), a write to it afterwards is not
-- counted, and the refresh takes the triggers off it and its partitions
ALTER TABLE erp.orders DETACH PARTITION erp.orders_2024;
INSERT INTO erp.orders_2024_core (customer, at, amount, category) VALUES (21, '2024-03-03 10:00+00', 99, 'core');
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT erp.store_differing();
SELECT * FROM erp.attached;

-- 10. DROP of a partition
DROP TABLE erp.orders_2026_07;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;

-- 11. a trigger disabled while orders are written, then enabled again just
-- as it was (the event trigger saw the DISABLE)
ALTER TABLE erp.orders_2026_08 DISABLE TRIGGER dormancy_track_insert;
INSERT INTO erp.orders_2026_08 (customer, at, amount, category) VALUES (17, '2026-08-20 10:00+00', 900, 'core');
ALTER TABLE erp.orders_2026_08 ENABLE ALWAYS TRIGGER dormancy_track_insert;
SELECT reason FROM dormancy.store_invalidations;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
-- or enabled for origin sessions only
ALTER TABLE erp.orders_2026_08 DISABLE TRIGGER USER;
INSERT INTO erp.orders_2026_08 (customer, at, amount, category) VALUES (17, '2026-08-21 10:00+00', 800, 'core');
ALTER TABLE erp.orders_2026_08 ENABLE TRIGGER USER;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
-- the refresh put the triggers back as they were (ENABLE made them ORIGIN only)
SELECT string_agg(t.tgname || ':' || t.tgenabled::text, ' ' ORDER BY t.tgname) AS triggers_again
  FROM pg_trigger t WHERE t.tgrelid = 'erp.orders_2026_08'::regclass;

-- 12. the refresh checks for itself, whatever the event triggers saw: with
-- them off, a detached partition and a dropped trigger are still found
ALTER EVENT TRIGGER dormancy_track_ddl DISABLE;
ALTER EVENT TRIGGER dormancy_track_drop DISABLE;
ALTER TABLE erp.orders DETACH PARTITION erp.orders_2026_09;
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
DROP TRIGGER dormancy_track_insert ON erp.orders_2026_01;
INSERT INTO erp.orders_2026_01 (customer, at, amount, category) VALUES (18, '2026-01-20 10:00+00', 60, 'core');
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
ALTER EVENT TRIGGER dormancy_track_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER dormancy_track_drop ENABLE ALWAYS;

-- and after all that, a refresh with nothing changed is incremental again
CALL dormancy.refresh();
SELECT * FROM erp.last_run;
SELECT count(*) AS marks_left FROM dormancy.changed_customers;
SELECT count(*) AS invalidations_left FROM dormancy.store_invalidations;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
-- unbinding removes the triggers everywhere
SELECT count(*) AS triggers_left FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'erp'::regnamespace AND t.tgname LIKE 'dormancy_track_%';
DROP SCHEMA erp CASCADE;
