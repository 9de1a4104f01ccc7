-- dormancy._numeric_amount(numeric): the amounts of a bound numeric column
-- as double precision, NULL when not usable; the same bits as the expression
-- it replaces in the adapters, CASE WHEN x BETWEEN -1e15 AND 1e15 THEN
-- x::float8 END, on every kind of value
SELECT setseed(0.42);
CREATE TEMP TABLE amounts AS
SELECT x FROM (VALUES (0::numeric), (-0.0), (1), (-1), (0.01), (1234.5678), (1e15), (-1e15),
					  (1e15 + 1e-20), (-1e15 - 1e-20), (999999999999999.99), (1e16), (1e-30),
					  (123456789012345.678), (0.1), (0.3), (9007199254740993), (1e-22), (1e-24),
					  ('NaN'), ('Infinity'), ('-Infinity'), (NULL)) v(x)
UNION ALL
-- random values of many sizes and scales, as written by accounting systems
SELECT round((random() - 0.5)::numeric * 10::numeric ^ (floor(random() * 20) - 4)::int, floor(random() * 12)::int)
  FROM generate_series(1, 200000)
UNION ALL
SELECT round(random()::numeric * 100000, 2) FROM generate_series(1, 50000)
UNION ALL
SELECT (random() * 1e6)::numeric FROM generate_series(1, 50000);

SELECT count(*) AS values,
	   count(*) FILTER (WHERE dormancy._numeric_amount(x) IS NULL) AS not_usable,
	   count(*) FILTER (WHERE dormancy._numeric_amount(x) IS DISTINCT FROM
								  CASE WHEN x BETWEEN -1e15 AND 1e15 THEN x::float8 END
							 OR float8send(dormancy._numeric_amount(x)) IS DISTINCT FROM
								float8send(CASE WHEN x BETWEEN -1e15 AND 1e15 THEN x::float8 END)) AS different
  FROM amounts;

-- a value too small for double precision is 0 (numeric::float8 raises an
-- error for it: one such row made customer_status and every refresh fail);
-- one just above the smallest double keeps its bits
SELECT dormancy._numeric_amount(1e-401) AS tiny, dormancy._numeric_amount(-1e-401) AS minus_tiny,
	   float8send(dormancy._numeric_amount(5e-324)) = float8send(5e-324::numeric::float8) AS smallest_double,
	   float8send(dormancy._numeric_amount(1e-310)) = float8send(1e-310::numeric::float8) AS denormal;
CREATE SCHEMA tiny;
CREATE TABLE tiny.orders (customer int, at date, amount numeric);
-- (customer 3 is customer 1 with an amount of 0: the same answers)
INSERT INTO tiny.orders VALUES (1, '2026-01-10', 1e-401), (1, '2026-03-10', 500), (2, '2026-02-01', 700),
							   (3, '2026-01-10', 0), (3, '2026-03-10', 500);
SELECT dormancy.bind_orders('tiny.orders', customer => 'customer', ordered_at => 'at', amount => 'amount');
SET dormancy.as_of = '2026-11-01';
SELECT customer_id, state, orders_count, total_amount, first_order_at FROM dormancy.customer_status ORDER BY 1;
RESET dormancy.as_of;
SELECT dormancy.unbind('orders');
DROP SCHEMA tiny CASCADE;

-- a domain over numeric is bound like numeric
CREATE DOMAIN pg_temp.price AS numeric(12, 2);
SELECT dormancy._numeric_amount(12.34::pg_temp.price) AS domain_value;
-- a packed short value, read in place, and a long one
SELECT dormancy._numeric_amount(x)
  FROM (VALUES (5::numeric), (123456789.123456::numeric), (-0.000123::numeric)) v(x)
 ORDER BY 1;
