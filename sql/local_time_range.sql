-- A finite instant whose wall-clock time in dormancy.time_zone is beyond the
-- timestamp range (294276-12-31 15:00 UTC is already 294277 in Tokyo; the
-- first instant of 4714-11-24 BC is still 4714-11-23 BC in New York): one
-- such row, in any source, stopped customer_status, data_issues,
-- source_issues and every refresh for every customer ("timestamp out of
-- range"; a review of 2026-12-08).  It is a row without a usable time now:
-- left out and reported, as an infinite one is; an opt-out so dated is in
-- force as an undated one is.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET dormancy.as_of = '2026-11-01';
SET dormancy.time_zone = 'Asia/Tokyo';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA ltr;
CREATE TABLE ltr.customers (id integer PRIMARY KEY, name text);
CREATE TABLE ltr.orders (customer integer, at timestamptz, amount numeric);
CREATE TABLE ltr.events (customer integer, at timestamptz, kind text);
CREATE TABLE ltr.deals (customer integer, closed_at timestamptz, outcome text);
INSERT INTO ltr.customers SELECT i, 'customer ' || i FROM generate_series(1, 4) i;
INSERT INTO ltr.orders SELECT i, CASE WHEN i IN (2, 4) THEN '2025-06-01 10:00+09' ELSE '2026-10-01 10:00+09' END::timestamptz, 100 * i FROM generate_series(1, 4) i;
-- the last instant whose Tokyo time is in range, and the first that is not
INSERT INTO ltr.orders VALUES (2, '294276-12-31 14:59:59.999999+00', 7), (3, '294276-12-31 15:00:00+00', 7);
INSERT INTO ltr.events VALUES (1, '2026-10-20 10:00+09', 'visit'), (3, '294276-12-31 23:59:59+00', 'visit');
INSERT INTO ltr.deals VALUES (1, '2026-09-01 10:00+09', 'lost'), (4, '294276-12-31 20:00+00', 'lost');
SELECT dormancy.bind_customers('ltr.customers', 'id', name => 'name') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('ltr.orders', 'customer', 'at', 'amount') IS NOT NULL AS bound;
SELECT dormancy.bind_events('ltr.events', 'customer', 'at', 'kind') IS NOT NULL AS bound;
SELECT dormancy.bind_deals('ltr.deals', 'customer', 'closed_at', 'outcome') IS NOT NULL AS bound;
-- contacts in the log: customer 2's opt-out so dated is in force (as an
-- undated one); customer 3's call is left out
INSERT INTO dormancy.outreach_log (customer_id, contacted_at, channel, outcome) VALUES
	('2', '294276-12-31 16:00+00', 'phone', '今後連絡不要'),
	('3', '294276-12-31 16:00+00', 'phone', 'reached'),
	('4', '2026-10-15 10:00+09', 'phone', 'reached');

-- every customer, each from its usable rows; 294277 is no purchase day
SELECT customer_id, state, orders_count, total_amount, last_order_at
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT customer_id, events_in_window, last_deal_at, last_deal_outcome
  FROM dormancy.customer_status ORDER BY customer_id;
SELECT customer_id, contacts, opted_out_on, last_contacted_on FROM dormancy.customer_outreach ORDER BY customer_id;
-- reported as rows without a usable time
SELECT issue, customer_id, rows, amount FROM dormancy.data_issues ORDER BY 1, 2;
SELECT source, issue, customer_id, rows FROM dormancy.source_issues
 WHERE issue LIKE '%without_date' ORDER BY 1, 2, 3;
-- and the nightly run goes on
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT outcome, rows FROM dormancy.refresh_runs ORDER BY run_id DESC LIMIT 1;
-- customer 2 asked not to be called: customer 4 alone, both lapsing
SELECT customer_id, state FROM dormancy.call_list ORDER BY customer_id;

-- west of UTC, the first instant of the range is a day before it
SET dormancy.time_zone = 'America/New_York';
INSERT INTO ltr.orders VALUES (1, '4714-11-24 00:00:00+00 BC', 5);
SELECT customer_id, orders_count, total_amount FROM dormancy.customer_status WHERE customer_id = 1;
SELECT issue, customer_id, rows, amount FROM dormancy.data_issues WHERE issue = 'order_without_date' ORDER BY 2;
-- the function itself: infinity of the instant's side, not an error
SELECT dormancy._local_time('4714-11-24 00:00:00+00 BC'::timestamptz, '"America/New_York"') AS before_range,
	   dormancy._local_time('294276-12-31 15:00:00+00'::timestamptz, '"Asia/Tokyo"') AS after_range,
	   dormancy._local_time('294276-12-31 14:59:59.999999+00'::timestamptz, '"Asia/Tokyo"') AS last_in_range;
RESET dormancy.time_zone;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ltr CASCADE;
TRUNCATE dormancy.outreach_log;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
