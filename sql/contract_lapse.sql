-- A licence that ended and was not renewed (seed 002: "when a customer on an
-- annual licence does not renew, call within a month to learn why").
-- contract_state says "contract ended recently" (ended) as soon as no term covers the
-- as-of day, not "contract current" until the ladder's at_risk_after has
-- passed; and a last term with auto-renew off keeps auto_renew_off after its
-- end, through the grace period, so that the customer keeps a likely reason
-- and the contract score in the month that contract_lapsed still waits for.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SET jit = off;
\i test/sql_ref/unbind_all.sql
\i test/sql_ref/empty_snapshot.sql
SELECT dormancy.reset_defaults('dormancy.reason_rules'), dormancy.reset_defaults('dormancy.rules');
CREATE SCHEMA cl;
CREATE TABLE cl.accounts (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE cl.orders (account integer, at date, total numeric);
CREATE TABLE cl.subs (account integer, starts date, ends date, seats integer, fee numeric, auto_renew boolean);
INSERT INTO cl.accounts VALUES
	(1, 'auto-renew off, not renewed, still ordering', NULL),
	(2, 'auto-renew off, not renewed, IT services, licence only', 'it_services'),
	(3, 'auto-renew off, renewed on time', NULL),
	(4, 'auto-renew off, renewal signed late, starts after a gap', NULL),
	(5, 'auto-renew on, not renewed', NULL),
	(6, 'licence running', NULL),
	(7, 'auto-renew off, not renewed, licence only', NULL);
-- 1 and 3 to 6 order every month up to 2026-10-05 (active from their
-- orders); 2 (IT services: its licence counts like a purchase) and 7 hold
-- the licence only
INSERT INTO cl.orders SELECT c, d, 10000 FROM (VALUES (1), (3), (4), (5), (6)) v(c), generate_series('2024-11-05'::date, '2026-10-05', '1 month') d;
INSERT INTO cl.subs VALUES
	(1, '2025-10-16', '2026-10-15', 10, 1200000, false),
	(2, '2025-10-16', '2026-10-15', 10, 1200000, false),
	(3, '2025-10-16', '2026-10-15', 10, 1200000, false), (3, '2026-10-16', '2027-10-15', 10, 1200000, true),
	(4, '2025-10-16', '2026-10-15', 10, 1200000, false), (4, '2026-11-10', '2027-11-09', 10, 1200000, false),
	(5, '2025-10-16', '2026-10-15', 10, 1200000, true),
	(6, '2025-10-16', '2027-10-15', 10, 1200000, true),
	(7, '2025-10-16', '2026-10-15', 10, 1200000, false);
SELECT dormancy.bind_customers('cl.accounts', id => 'id', name => 'name', industry => 'industry') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('cl.orders', customer => 'account', ordered_at => 'at', amount => 'total') IS NOT NULL AS bound;
SELECT dormancy.bind_contracts('cl.subs', customer => 'account', starts_on => 'starts', ends_on => 'ends',
							   seats => 'seats', amount => 'fee', auto_renew => 'auto_renew') IS NOT NULL AS bound;
-- the contract side of every customer on one day
CREATE FUNCTION cl.on_day(day date)
	RETURNS TABLE (customer_id integer, state text, contract_state text, days_since_end integer,
				   lapsed boolean, renew_off boolean, renewal_in integer, likely_reason text,
				   reason_evidence text[], contract_value double precision, contract_basis text, listed boolean)
	LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('dormancy.as_of', day::text, true);
	RETURN QUERY
	SELECT s.customer_id, s.state, s.contract_state, s.days_since_contract_end, s.contract_lapsed,
		   s.auto_renew_off, s.renewal_due_in_days, s.likely_reason, s.reason_evidence,
		   round((s.score_breakdown -> 'contract' ->> 'value')::numeric, 2)::double precision,
		   s.score_breakdown -> 'contract' ->> 'basis',
		   EXISTS (SELECT FROM dormancy.call_list c WHERE c.customer_id = s.customer_id)
	  FROM dormancy.customer_status s ORDER BY s.customer_id;
END
$$;
-- five days before the end of the term
SELECT * FROM cl.on_day('2026-10-10');
-- the last day of the term: still covered
SELECT * FROM cl.on_day('2026-10-15');
-- the day after: ended, not renewed (1, 2, 7 auto-renew off; 5 auto-renew on,
-- its renewal paperwork may be late: nothing yet)
SELECT * FROM cl.on_day('2026-10-16');
-- 17 days after (the repro's day): within the grace period of 30 days
SELECT * FROM cl.on_day('2026-11-01');
-- the last day of the grace period, and the first day of the lapse
SELECT * FROM cl.on_day('2026-11-14');
SELECT * FROM cl.on_day('2026-11-15');
-- 2027-03-01: IT services (2) is still active from its licence (at risk 6
-- months after its end), but its contract state says the contract ended.
-- (2 and 7, licences without orders, score below call_list_min_score whatever
-- its contract says: the contract weighs 5 of 100)
SELECT * FROM cl.on_day('2027-03-01');
-- a grace period of 0: lapsed the day after the end
DELETE FROM dormancy.source_settings;
INSERT INTO dormancy.source_settings (contract_grace_period) VALUES ('0 days');
SELECT customer_id, contract_state, lapsed, renew_off, likely_reason FROM cl.on_day('2026-10-16') WHERE customer_id IN (1, 5, 7);
DELETE FROM dormancy.source_settings;
-- the labels: true of the contract (ended, not current) in both languages
SET dormancy.as_of = '2026-11-01';
SET dormancy.language = 'ja';
SELECT customer_id, contract_state, contract_state_label, likely_reason_label, reason_evidence_label
  FROM dormancy.call_list WHERE customer_id IN (1, 2, 7) ORDER BY customer_id;
SELECT s.customer_id, s.contract_state, dormancy.label('contract_state', s.contract_state) AS ja
  FROM dormancy.customer_status s ORDER BY s.customer_id;
SET dormancy.language = 'en';
SELECT s.customer_id, s.contract_state, dormancy.label('contract_state', s.contract_state) AS en
  FROM dormancy.customer_status s ORDER BY s.customer_id;
SELECT code, language, label FROM dormancy.labels WHERE vocabulary = 'contract_state' ORDER BY code, language;
-- one licence (7: default ladder, at risk after 6 months, dormant after 1
-- year, long dormant after 2) walked through the contract states by as-of
-- day: the labels read in order, "contract ended recently" right after the
-- end, then "contract ended: at risk" months later (until a review of
-- 2026-12-07 it was "contract ended", then "contract ended recently")
CREATE FUNCTION cl.contract_walk()
	RETURNS TABLE (day date, days_since_end integer, contract_state text, en text, ja text)
	LANGUAGE plpgsql AS $$
DECLARE
	d date;
BEGIN
	FOREACH d IN ARRAY ARRAY['2026-10-15', '2026-10-16', '2027-03-01', '2027-04-14', '2027-04-15',
							 '2027-10-16', '2028-10-16']::date[] LOOP
		PERFORM set_config('dormancy.as_of', d::text, true);
		RETURN QUERY
		SELECT d, s.days_since_contract_end, s.contract_state,
			   (SELECT l.label FROM dormancy.labels l
				 WHERE l.vocabulary = 'contract_state' AND l.code = s.contract_state AND l.language = 'en'),
			   (SELECT l.label FROM dormancy.labels l
				 WHERE l.vocabulary = 'contract_state' AND l.code = s.contract_state AND l.language = 'ja')
		  FROM dormancy.customer_status s WHERE s.customer_id = 7;
	END LOOP;
END
$$;
SELECT * FROM cl.contract_walk() ORDER BY day;
-- the en labels in walk order (each once, at its first day): no plain
-- "contract ended" before a later "contract ended ..."; the one that says
-- "recently" comes first after the end
WITH w AS (SELECT * FROM cl.contract_walk()),
c AS (SELECT en, min(day) AS first_day FROM w GROUP BY en)
SELECT array_agg(en ORDER BY first_day) AS en_in_order,
	   count(*) = (SELECT count(DISTINCT contract_state) FROM w) AS one_label_a_state,
	   bool_and(en <> 'contract ended') AS no_plain_contract_ended,
	   min(first_day) FILTER (WHERE en LIKE '%recently%')
		 = min(first_day) FILTER (WHERE en LIKE 'contract ended%') AS recently_first
  FROM c;
RESET dormancy.language;
RESET dormancy.as_of;
\i test/sql_ref/unbind_all.sql
\i test/sql_ref/empty_snapshot.sql
DROP SCHEMA cl CASCADE;
