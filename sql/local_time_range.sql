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

-- order lines (an order id bound): a line whose wall-clock time is beyond
-- the range has no time either, so the order is on the day of its first
-- line with one and the line is netted into it, and an order with no such
-- line is left out; both reported (the order took the out-of-range line's
-- day and vanished, unreported: a review of 2026-12-08)
CREATE TABLE ltr.lines (order_no text, customer integer, at timestamptz, amount numeric);
INSERT INTO ltr.lines VALUES
	('A', 1, '2026-10-01 10:00-04', 500), ('A', 1, '4714-11-24 00:00:00+00 BC', 20),	-- New York: the first instant is out
	('B', 2, '294276-12-31 20:00+00', 100),											-- Tokyo: its only time is out
	('C', 3, '2026-01-01 10:00+09', 50), ('C', 3, '294276-12-31 20:00+00', 30),		-- Tokyo: one line netted
	('D', 3, '2026-02-01 10:00+09', 10), ('D', 3, 'infinity', 7);					-- the same with infinity
SELECT dormancy.bind_orders('ltr.lines', 'customer', 'at', 'amount', order_id => 'order_no') IS NOT NULL AS bound;
-- the reference: a line's time is usable when PostgreSQL's own conversion
-- to the zone's wall-clock time (AT TIME ZONE) gives a finite time, not an
-- error; per order, the first usable time, the net, and the lines without
-- a usable time (an order after the as-of day counts nowhere)
CREATE FUNCTION ltr.usable(at timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RETURN isfinite(at AT TIME ZONE current_setting('dormancy.time_zone'));
EXCEPTION WHEN datetime_field_overflow THEN
	RETURN false;
END $$;
CREATE FUNCTION ltr.reference() RETURNS TABLE (customer integer, orders bigint, total numeric, netted_rows bigint,
											   netted numeric, left_out_rows bigint, left_out numeric)
	LANGUAGE sql AS $$
	WITH l AS (SELECT l.*, coalesce(ltr.usable(l.at), false) AS usable
				 FROM ltr.lines l),
		 o AS (SELECT order_no, customer,
					  bool_or(usable) AS dated,
					  -- dated on or before the as-of day
					  coalesce(min(at) FILTER (WHERE usable) AT TIME ZONE current_setting('dormancy.time_zone') < date '2026-11-02', false) AS counted,
					  sum(amount) AS net,
					  count(*) FILTER (WHERE NOT usable) AS undated_rows, sum(amount) FILTER (WHERE NOT usable) AS undated_amount,
					  count(*) AS lines
				 FROM l GROUP BY 1, 2)
	SELECT customer, count(*) FILTER (WHERE counted), coalesce(sum(net) FILTER (WHERE counted), 0),
		   coalesce(sum(undated_rows) FILTER (WHERE dated), 0), sum(undated_amount) FILTER (WHERE dated),
		   coalesce(sum(lines) FILTER (WHERE NOT dated), 0), sum(net) FILTER (WHERE NOT dated)
	  FROM o GROUP BY 1
$$;
SET dormancy.time_zone = 'America/New_York';
SELECT r.customer, s.orders_count = r.orders AS orders_agree, s.total_amount = r.total AS total_agree, s.orders_count, s.total_amount
  FROM ltr.reference() r JOIN dormancy.customer_status s ON s.customer_id = r.customer ORDER BY 1;
SET dormancy.time_zone = 'Asia/Tokyo';
SELECT r.customer, s.orders_count = r.orders AS orders_agree, s.total_amount = r.total AS total_agree, s.orders_count, s.total_amount
  FROM ltr.reference() r JOIN dormancy.customer_status s ON s.customer_id = r.customer ORDER BY 1;
SELECT r.*, n.rows AS reported_netted_rows, n.amount AS reported_netted, x.rows AS reported_left_out_rows, x.amount AS reported_left_out
  FROM ltr.reference() r
  LEFT JOIN dormancy.data_issues n ON n.issue = 'order_without_date' AND n.customer_id = r.customer::text AND n.detail LIKE '%netted%'
  LEFT JOIN dormancy.data_issues x ON x.issue = 'order_without_date' AND x.customer_id = r.customer::text AND x.detail LIKE '%left out%'
 ORDER BY 1;
RESET dormancy.time_zone;

\i test/sql_ref/unbind_all.sql
DROP SCHEMA ltr CASCADE;
TRUNCATE dormancy.outreach_log;
\i test/sql_ref/empty_snapshot.sql
RESET dormancy.as_of;
