-- Support tickets and complaints in the events are support_visit (installed
-- event_kinds): two or more in the window give the evidence support_visits
-- and the likely reason dissatisfied_support (D6: dissatisfied with the
-- support).  Unmapped, they counted as other: engagement only, never
-- dissatisfied_support (review of the likely reasons, 2026-12-07).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\i test/sql_ref/unbind_all.sql
DELETE FROM dormancy.price_changes;
DELETE FROM dormancy.outreach_log;
SELECT dormancy.reset_defaults('dormancy.reason_rules'), dormancy.reset_defaults('dormancy.message_themes'),
	   dormancy.reset_defaults('dormancy.event_kinds');
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA rse;
CREATE TABLE rse.c (id integer PRIMARY KEY, name text);
CREATE TABLE rse.o (cid integer, at date, amount numeric);
CREATE TABLE rse.ev (cid integer, at date, kind text);
INSERT INTO rse.c VALUES (1, 'three complaints (クレーム)'), (2, 'support tickets and a complaint (苦情)'),
	(3, 'two support inquiries (サポート問い合わせ)'), (4, 'support page views (mapped before)'),
	(5, 'complaint, support case, support request'), (6, 'one complaint (below the threshold)');
-- monthly buyers until 2026-03: at risk on 2026-11-01
INSERT INTO rse.o SELECT g, d::date, 1000 FROM generate_series(1, 6) g,
	generate_series(date '2024-01-05', date '2026-03-05', interval '1 month') d;
INSERT INTO rse.ev VALUES
	(1, '2026-10-01', 'クレーム'), (1, '2026-10-05', 'クレーム'), (1, '2026-10-09', 'クレーム'),
	(2, '2026-10-01', 'support ticket'), (2, '2026-10-05', 'Support_Ticket'), (2, '2026-10-09', '苦情'),
	(3, '2026-10-01', 'サポート問い合わせ'), (3, '2026-10-05', 'サポートお問い合わせ'),
	(4, '2026-10-01', 'サポート'), (4, '2026-10-05', 'ヘルプ'),
	(5, '2026-10-01', 'Complaint'), (5, '2026-10-05', 'support case'), (5, '2026-10-09', 'support request'),
	(6, '2026-10-01', 'complaint');
SELECT dormancy.bind_customers('rse.c', id => 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('rse.o', customer => 'cid', ordered_at => 'at', amount => 'amount') IS NOT NULL AS bound;
SELECT dormancy.bind_events('rse.ev', customer => 'cid', occurred_at => 'at', kind => 'kind') IS NOT NULL AS bound;

SELECT s.customer_id, c.name, s.state, s.events_in_window, s.support_visits, s.likely_reason, s.reason_evidence,
	   s.message_theme
  FROM dormancy.customer_status s JOIN rse.c c ON c.id = s.customer_id ORDER BY s.customer_id;
-- every kind of these events is mapped
SELECT count(*) AS unmatched_event_kinds FROM dormancy.unmatched_labels WHERE vocabulary = 'event_kind';

RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
DROP SCHEMA rse CASCADE;
