-- With segment_by = 'none', fit_models() fits the customers once (issue 11):
-- up to here GROUPING SETS ((), (segment)) fitted them a second time as the
-- segment NULL group and dropped that fit.  Shown by the warning of a fit
-- that cannot converge (nobody bought twice): it comes once, not twice.
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
