-- With segment_by = 'none', fit_models() fits the customers once (issue 11):
-- up to here GROUPING SETS ((), (segment)) fitted them a second time as the
-- segment NULL group and dropped that fit.  Shown by the warning of a fit
-- that cannot converge (nobody bought twice): it comes once, not twice.
-- Then, segmented: only the fits stored warn (below).
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
CREATE SCHEMA fo;
CREATE TABLE fo.customers (id integer PRIMARY KEY, name text, industry text);
CREATE TABLE fo.orders (customer integer, ordered_at date, amount numeric);
INSERT INTO fo.customers SELECT i, 'c' || i, 'retail' FROM generate_series(1, 20) i;
INSERT INTO fo.orders SELECT i, date '2026-01-01' + i, 100 FROM generate_series(1, 20) i;
SELECT dormancy.bind_customers('fo.customers', id => 'id', name => 'name', industry => 'industry') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('fo.orders', customer => 'customer', ordered_at => 'ordered_at', amount => 'amount') IS NOT NULL AS bound;
SET dormancy.as_of = '2026-11-01';
INSERT INTO dormancy.model_settings (segment_by) VALUES ('none');
SELECT segment_kind, segment_value, (bgnbd).customers, (bgnbd).converged, gammagamma IS NULL AS no_spend_model
  FROM dormancy.fit_models();

DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA fo CASCADE;

-- Segmented, fit_models() also fits the customers without a segment and the
-- segments under min_customers, and drops those fits.  None of them warns:
-- only the fits it stores do (up to here, each dropped fit that did not
-- converge warned too, every night, about a model nobody stores).  The demo
-- customers, by industry, with 30 customers without an industry and 3 in a
-- tiny one, none of whom bought twice: their fits cannot converge.
DELETE FROM dormancy.models;
\set customers 1500
\i test/sql_ref/load_demo.sql
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total') IS NOT NULL AS bound;
INSERT INTO demo.accounts (account_id, account_name, sector, size_class)
SELECT i, 'a' || i, CASE WHEN i > 900030 THEN 'mining' END, 'smb' FROM generate_series(900001, 900033) i;
INSERT INTO demo.invoices (account_id, invoiced_on, total)
SELECT i, timestamptz '2026-03-01 10:00+00' + (i % 30) * interval '1 day', 80 FROM generate_series(900001, 900033) i;
INSERT INTO dormancy.model_settings (segment_by, min_customers) VALUES ('industry', 10);
SELECT segment_kind, segment_value, (bgnbd).customers > 0 AS fitted, (bgnbd).converged, (gammagamma).converged AS spend_converged
  FROM dormancy.fit_models() ORDER BY segment_kind, segment_value;
-- a segment dropped, fitted on its own by the public aggregate, which warns
SELECT (dormancy.bgnbd_fit(s.frequency, s.recency_days, s.age_days)).converged AS dropped_segment_converges
  FROM dormancy.customer_core s WHERE s.industry = 'mining';
-- a stored fit that does not converge still warns, naming its segment: the
-- mining segment grown to 10 customers who all bought once
INSERT INTO demo.accounts (account_id, account_name, sector, size_class)
SELECT i, 'a' || i, 'mining', 'smb' FROM generate_series(900034, 900040) i;
INSERT INTO demo.invoices (account_id, invoiced_on, total)
SELECT i, timestamptz '2026-04-01 10:00+00' + (i % 30) * interval '1 day', 80 FROM generate_series(900034, 900040) i;
SELECT segment_kind, segment_value, (bgnbd).customers, (bgnbd).converged
  FROM dormancy.fit_models() ORDER BY segment_kind, segment_value;
-- validate_models() warns likewise, for the fits it validates only
SELECT DISTINCT segment_kind, segment
  FROM dormancy.validate_models('2026-05-01', '2026-11-01') ORDER BY 1, 2;

DELETE FROM dormancy.model_validations;
DELETE FROM dormancy.model_validation_tracking;
DELETE FROM dormancy.models;
DELETE FROM dormancy.model_settings;
SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DROP SCHEMA demo CASCADE;
