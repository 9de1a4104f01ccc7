-- One customer's model columns never stop customer_status, data_issues or a
-- refresh (issue 10 item 4).  A converged BG/NBD fit with large beta shapes
-- (a = 300, b = 9a, alpha small) made expected purchases NaN for a customer
-- whose first order is on the as-of day, and the error "expected purchases
-- is out of range" failed every query; an expected value that overflows or
-- a model row with an invalid parameter did the same.  Now the values are
-- computed stably, and what still cannot be computed is NULL for that
-- customer, with a data_issues row (model_evaluation_failed) saying why.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

CREATE SCHEMA mi;
CREATE TABLE mi.customers (id int, name text, industry text);
INSERT INTO mi.customers VALUES
	(1, 'first order today', 'retail'),
	(2, 'two orders', 'retail'),
	(3, 'in a segment whose expected value overflows', 'bigspend'),
	(4, 'in a broken segment', 'broken'),
	(5, 'never ordered', 'retail');
CREATE TABLE mi.orders (cid int, day date, amount float8);
INSERT INTO mi.orders VALUES
	(1, '2026-11-01', 100),
	(2, '2026-01-10', 50), (2, '2026-06-01', 70),
	(3, '2026-02-01', 10), (3, '2026-03-01', 30),
	(4, '2026-01-10', 50), (4, '2026-06-01', 70);
SELECT dormancy.bind_customers('mi.customers', id => 'id', name => 'name', industry => 'industry');
SELECT dormancy.bind_orders('mi.orders', customer => 'cid', ordered_at => 'day', amount => 'amount');
SET dormancy.as_of = '2026-11-01';

-- the overall model: large beta shapes; a segment model whose alpha is not
-- positive (as a hand-edited row could be), and one whose Gamma-Gamma scale
-- v = 1e308 makes the expected value overflow, all marked converged (and
-- their Gamma-Gamma x the repeat days of known amount, as fit_models()
-- writes them: a row that says frequency, the default, would be refitted by
-- the refresh below)
INSERT INTO dormancy.model_settings (time_unit, horizon, segment_by) VALUES ('7 days', '365 days', 'industry');
INSERT INTO dormancy.models (segment_kind, segment_value, as_of, time_unit, bgnbd, gammagamma, gammagamma_x) VALUES
	('all', NULL, '2026-11-01', '7 days',
	 ROW(0.5, 0.01, 300, 2700, NULL, NULL, NULL, true)::dormancy.bgnbd,
	 ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, true)::dormancy.gammagamma, 'monetary_days'),
	('industry', 'broken', '2026-11-01', '7 days',
	 ROW(0.5, -1, 0.8, 2.4, NULL, NULL, NULL, true)::dormancy.bgnbd, NULL, 'monetary_days'),
	('industry', 'bigspend', '2026-11-01', '7 days',
	 ROW(0.5, 0.01, 300, 2700, NULL, NULL, NULL, true)::dormancy.bgnbd,
	 ROW(6.25, 3.74, 1e308, NULL, NULL, NULL, NULL, true)::dormancy.gammagamma, 'monetary_days');

-- customer_status works.  References (mpmath, 60 digits, eq. 10 of Fader,
-- Hardie & Lee 2005 with t = 365/7 weeks): customer 1 (x = 0, age 0, so
-- E[X(t)] of eq. 9) 9.5901209831678599; customer 2 (x = 1, t_x = 142/7,
-- T = 295/7) p_alive 0.75042598366767362, expected 1.2044926146046271.
SELECT customer_id, frequency, age_days, m.segment_kind AS model,
	   round(p_alive::numeric, 12) AS p_alive,
	   round(expected_purchases::numeric, 10) AS expected_purchases,
	   expected_value IS NOT NULL AS has_expected_value
  FROM dormancy.customer_status cs LEFT JOIN dormancy.models m USING (model_id)
 ORDER BY customer_id;
SELECT abs(expected_purchases / 9.5901209831678599 - 1) < 1e-12 AS age_0_matches_mpmath
  FROM dormancy.customer_status WHERE customer_id = 1;
SELECT abs(p_alive / 0.75042598366767362 - 1) < 1e-12 AS p_alive_matches,
	   abs(expected_purchases / 1.2044926146046271 - 1) < 1e-12 AS expected_matches_mpmath
  FROM dormancy.customer_status WHERE customer_id = 2;

-- the customers whose values could not be computed, and why
SELECT issue, customer_id, rows, amount, detail
  FROM dormancy.data_issues ORDER BY issue, customer_id;

-- the standalone functions, called directly with the same bad inputs, still
-- raise clear errors
SELECT dormancy.bgnbd_p_alive(bgnbd, 1, 20, 40) FROM dormancy.models WHERE segment_value = 'broken';
SELECT dormancy.bgnbd_expected_purchases(bgnbd, 52, 1, 20, 40) * dormancy.gammagamma_expected_spend(gammagamma, 1, 20)
  FROM dormancy.models WHERE segment_value = 'bigspend';
-- and model_predictions says the same without one
SELECT p.* FROM dormancy.models m,
	   dormancy.model_predictions(m.bgnbd, m.gammagamma, 1, 4, 30, 20, 52) p
 ORDER BY m.segment_kind, m.segment_value;
SELECT p.* FROM dormancy.model_predictions(NULL, NULL, 1, 4, 30, 10, 52) p;
SELECT p.* FROM dormancy.model_predictions(dormancy.bgnbd(0.5, 1, 0.8, 2.4), NULL, 1, 40, 30, 10, 52) p;

-- a refresh goes through, and the snapshot has the NULLs
\i test/sql_ref/empty_snapshot.sql
CALL dormancy.refresh();
SELECT customer_id, p_alive IS NULL AS no_p_alive, expected_purchases IS NULL AS no_expected,
	   expected_value IS NULL AS no_value
  FROM dormancy.status_snapshot ORDER BY customer_id;

SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
DROP SCHEMA mi CASCADE;
