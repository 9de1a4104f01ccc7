-- The C functions read the configuration with internal queries (SPI,
-- src/rules_sql.c RunReadOnly).  Those queries run inside the caller's
-- query, so without a pinned search_path an operator in a schema the caller
-- searches could be picked for them: an operator of exactly the argument
-- types (numeric > integer, double precision / integer have none in
-- pg_catalog) in public, or any operator at all in a schema the caller puts
-- before pg_catalog.  A member of dormancy_reader who may create in public
-- (the default in databases made before PostgreSQL 15) would then have its
-- function run with the rights of whoever reads customer_status.
SET client_min_messages = warning;
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA spa;
CREATE TABLE spa.accounts (code text PRIMARY KEY, name text);
CREATE TABLE spa.orders (code text, ordered_on date, amount numeric);
INSERT INTO spa.accounts SELECT 'C' || g, '会社' || g FROM generate_series(1, 600) g;
SELECT setseed(0.42);
-- purchases at a random rate per customer, each customer dropping out after a few
INSERT INTO spa.orders
SELECT code, date '2022-01-01' + t::int, 1000 + 50 * u
  FROM (SELECT c.code, c.first + sum(-ln(1 - random()) / c.rate) OVER (PARTITION BY c.code ORDER BY k) AS t,
			   random() AS u, k, c.lives
		  FROM (SELECT a.code, 700 * random() AS first,
					   (-ln(1 - random()) * -ln(1 - random())) / 40 + 0.002 AS rate,
					   1 + floor(ln(1 - random()) / ln(1 - (0.05 + 0.4 * random())))::int AS lives
				  FROM spa.accounts a) c, generate_series(0, 60) k) x
 WHERE k < lives AND t < 1760;
SELECT dormancy.bind_customers('spa.accounts', id => 'code', name => 'name');
SELECT dormancy.bind_orders('spa.orders', customer => 'code', ordered_at => 'ordered_on', amount => 'amount');
SELECT count(*) > 0 AS models_fitted FROM dormancy.fit_models();
INSERT INTO dormancy.price_changes (changed_at, change_pct, kind, note)
VALUES ('2025-08-01', 5, 'price_increase', 'list prices +5%');

-- the answers before any attack
CREATE TABLE spa.before AS
SELECT customer_id, state, p_alive, expected_value, price_increase, priority_score
  FROM dormancy.customer_status;

-- the attacker: dormancy_reader, and CREATE on public (as before PostgreSQL 15)
CREATE ROLE dormancy_test_attacker IN ROLE dormancy_reader;
GRANT CREATE ON SCHEMA public TO dormancy_test_attacker;
CREATE TABLE spa.calls (who name, via text);
GRANT USAGE ON SCHEMA spa TO dormancy_test_attacker;
GRANT INSERT ON spa.calls TO dormancy_test_attacker;
SET ROLE dormancy_test_attacker;
CREATE FUNCTION public.evil_gt(numeric, integer) RETURNS boolean LANGUAGE plpgsql AS
$$BEGIN INSERT INTO spa.calls VALUES (current_user, 'numeric > integer'); RETURN $1 > $2::numeric; END$$;
CREATE OPERATOR public.> (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.evil_gt);
CREATE FUNCTION public.evil_div(double precision, integer) RETURNS double precision LANGUAGE plpgsql AS
$$BEGIN INSERT INTO spa.calls VALUES (current_user, 'double precision / integer'); RETURN $1 / $2::double precision; END$$;
CREATE OPERATOR public./ (LEFTARG = double precision, RIGHTARG = integer, FUNCTION = public.evil_div);
-- exact-type operators, picked only where public comes before pg_catalog
CREATE FUNCTION public.evil_text_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$BEGIN INSERT INTO spa.calls VALUES (current_user, 'text = text'); RETURN texteq($1, $2); END$$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.evil_text_eq);
CREATE FUNCTION public.evil_jsonb_arrow(jsonb, text) RETURNS jsonb LANGUAGE plpgsql AS
$$BEGIN INSERT INTO spa.calls VALUES (current_user, 'jsonb -> text'); RETURN jsonb_object_field($1, $2); END$$;
CREATE OPERATOR public.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = public.evil_jsonb_arrow);
RESET ROLE;

-- the owner reads the live views with the default search_path ...
SET search_path = "$user", public;
SELECT count(*) AS customers, count(p_alive) AS with_p_alive, count(price_increase) AS with_price_increase
  FROM dormancy.customer_status;
SELECT count(*) > 0 AS call_list_rows FROM dormancy.call_list;
-- ... and with public searched before pg_catalog
SET search_path = public, pg_catalog;
SELECT count(*) AS customers FROM dormancy.customer_status;
RESET search_path;
-- none of the attacker's operators ran (as the owner or anyone)
SELECT via, count(*) FROM spa.calls GROUP BY via ORDER BY via;
-- and the answers are the same
SELECT count(*) AS differing
  FROM spa.before b FULL JOIN dormancy.customer_status s USING (customer_id)
 WHERE (b.state, b.p_alive, b.expected_value, b.price_increase, b.priority_score)
	   IS DISTINCT FROM (s.state, s.p_alive, s.expected_value, s.price_increase, s.priority_score);

DROP OWNED BY dormancy_test_attacker CASCADE;
REVOKE CREATE ON SCHEMA public FROM dormancy_test_attacker;
DROP ROLE dormancy_test_attacker;
DELETE FROM dormancy.price_changes;
DELETE FROM dormancy.models;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA spa CASCADE;
