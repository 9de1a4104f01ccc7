-- One odd row in an optional source: reported once in source_issues, left
-- out, and every other customer computed as before.  Each answer is compared
-- with plain SQL over the same rows.
-- 1. a contract term ending at -infinity (or starting at infinity) no longer
--    makes contract_signals and customer_status fail for every customer
--    ("cannot subtract infinite dates"); it is reported
-- 2. contract_ends_before_start names one term (its start > its end), not the
--    first start and the first end of two different terms
-- 3. an event or deal with neither customer nor date is reported once (as
--    without a customer), not also as without a date
-- 4. seats or an amount that cannot be read (NaN, beyond +-1e15) is reported,
--    as an order's amount is (it became NULL unreported)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
\i test/sql_ref/unbind_all.sql
CREATE SCHEMA sr;
CREATE TABLE sr.customers (id integer PRIMARY KEY, name text);
CREATE TABLE sr.orders (customer integer, ordered_on date, amount numeric);
CREATE TABLE sr.contracts (customer integer, term_start date, term_end date, seats numeric);
CREATE TABLE sr.events (customer integer, at timestamptz, kind text);
CREATE TABLE sr.deals (customer integer, closed_on date, stage text);
INSERT INTO sr.customers SELECT i, 'customer ' || i FROM generate_series(1, 7) i;
INSERT INTO sr.orders VALUES (1, '2026-10-01', 1000), (2, '2025-01-01', 1000), (3, '2026-10-01', 1000),
	(4, '2026-10-01', 1000), (5, '2026-10-01', 1000), (6, '2026-10-01', 1000),
	(7, '2026-10-01', 1000);
INSERT INTO sr.contracts VALUES
	(1, '2025-11-01', '2026-10-31', 10),
	(2, '2025-01-01', '2025-12-31', 10),
	(3, NULL, '-infinity', 10),				-- ends before any day: the only term
	(4, 'infinity', NULL, 10),				-- starts after any day
	(4, '-infinity', 'infinity', 5),		-- always running: a valid term
	(5, '2026-03-01', '2026-02-01', 10),	-- ends a month before it starts
	(5, '2026-05-01', '2026-01-01', 10),	-- ends four months before it starts
	(6, 'infinity', '-infinity', 10),		-- both: ends before it starts
	(7, NULL, '-infinity', 10),				-- beside a real term
	(7, '2025-06-01', '2026-05-31', 10);
INSERT INTO sr.events VALUES (NULL, NULL, 'pricing'), (1, '2026-10-01', 'pricing');
INSERT INTO sr.deals VALUES (NULL, NULL, '失注'), (1, '2026-09-01', '失注');
SELECT dormancy.bind_customers('sr.customers', id => 'id', name => 'name');
SELECT dormancy.bind_orders('sr.orders', customer => 'customer', ordered_at => 'ordered_on', amount => 'amount');
SELECT dormancy.bind_contracts('sr.contracts', customer => 'customer', starts_on => 'term_start',
							   ends_on => 'term_end', seats => 'seats');
SELECT dormancy.bind_events('sr.events', customer => 'customer', occurred_at => 'at', kind => 'kind');
SELECT dormancy.bind_deals('sr.deals', customer => 'customer', closed_at => 'closed_on', outcome => 'stage');

-- 1. every customer computed; the contract side equals plain SQL over the
-- terms with a real start or end (a start not after the end, neither end of
-- the term outside every day), grace 30 days
SELECT customer_id, state, contract_end_at, contract_lapsed, contract_state
  FROM dormancy.customer_status ORDER BY 1;
CREATE TEMP VIEW want_terms AS
SELECT customer, term_start, term_end FROM sr.contracts
 WHERE (term_start IS NOT NULL OR term_end IS NOT NULL)
   AND (term_start IS NULL OR term_end IS NULL OR term_start <= term_end)
   AND term_end IS DISTINCT FROM '-infinity' AND term_start IS DISTINCT FROM 'infinity';
SELECT (SELECT array_agg(ROW(customer_id, terms, contract_end_at, days_since_contract_end, contract_lapsed) ORDER BY customer_id)
		  FROM dormancy.contract_signals)
	 = (SELECT array_agg(ROW(customer, n, nullif(last_end, 'infinity'),
							 CASE WHEN NOT covered THEN date '2026-11-01' - last_end END,
							 NOT covered AND last_end + 30 < date '2026-11-01') ORDER BY customer)
		  FROM (SELECT customer, count(*) AS n,
					   max(coalesce(term_end, 'infinity')) FILTER (WHERE started) AS last_end,
					   coalesce(bool_or(coalesce(term_end, 'infinity') >= '2026-11-01') FILTER (WHERE started), false) AS covered
				  FROM (SELECT *, coalesce(term_start <= '2026-11-01', true) AS started FROM want_terms) t
				 GROUP BY customer) w) AS contract_signals_as_plain_sql;
SELECT customer_id, terms, contract_end_at, days_since_contract_end, contract_lapsed
  FROM dormancy.contract_signals ORDER BY 1;
-- reported: the terms of customers 3, 4 and 7 that cover no day (and
-- customer 6's, which ends before it starts), each once
SELECT issue, customer_id, value, rows FROM dormancy.source_issues
 WHERE source = 'contracts' ORDER BY issue, customer_id;

-- 2. the value of contract_ends_before_start is the first such term (by its
-- start) as "start > end"
SELECT (SELECT value FROM dormancy.source_issues WHERE issue = 'contract_ends_before_start' AND customer_id = '5')
	 = (SELECT term_start || ' > ' || term_end FROM sr.contracts
		 WHERE customer = 5 AND term_end < term_start ORDER BY term_start LIMIT 1) AS first_bad_term;

-- 3. per source, the rows reported are the odd rows (one event and one deal
-- without customer or date; nothing else is odd in them)
SELECT source, issue, customer_id, rows FROM dormancy.source_issues
 WHERE source IN ('events', 'deals') AND issue NOT LIKE '%unmapped' ORDER BY 1, 2, 3;
SELECT (SELECT sum(rows) FROM dormancy.source_issues WHERE source = 'events' AND issue NOT LIKE '%unmapped')
	 = (SELECT count(*) FROM sr.events WHERE customer IS NULL OR at IS NULL) AS events_reported_once,
	   (SELECT sum(rows) FROM dormancy.source_issues WHERE source = 'deals' AND issue NOT LIKE '%unmapped')
	 = (SELECT count(*) FROM sr.deals WHERE customer IS NULL OR closed_on IS NULL) AS deals_reported_once;

-- 4. the seats of customer 2's renewal and of customer 1's term cannot be read
UPDATE sr.contracts SET seats = 'NaN' WHERE customer = 2;
UPDATE sr.contracts SET seats = 1e16 WHERE customer = 1;
SELECT issue, customer_id, rows FROM dormancy.source_issues WHERE issue = 'contract_number_out_of_range' ORDER BY 2;
SELECT customer_id, seats FROM dormancy.src_contracts WHERE customer_id IN (1, 2) ORDER BY 1;

\i test/sql_ref/unbind_all.sql
DROP VIEW want_terms;
DROP SCHEMA sr CASCADE;
