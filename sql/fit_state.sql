-- The fits from per-worker partial aggregates (issue 13): fit_models() on
-- Citus folds each shard's customers into a dormancy.fit_state per segment
-- (_fit_states), Citus combines them on the coordinator, and _fit_segments
-- fits the combined states.  On one server the same path is taken here by
-- hand, beside the summaries' path: every fit, covariance and status equal
-- in every digit; the value distribution from the customers' two values
-- (the query the workers run) equal to the one from the summaries.  Then
-- the type: its text form, a parallel aggregate, and input that must fail.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
\set customers 1500
\i test/sql_ref/load_demo.sql
\set ON_ERROR_STOP off
SELECT dormancy.bind_customers('demo.accounts', id => 'account_id', industry => 'sector', company_size => 'size_class') IS NOT NULL AS bound;
SELECT dormancy.bind_orders('demo.invoices', customer => 'account_id', ordered_at => 'invoiced_on', amount => 'total') IS NOT NULL AS bound;
SET dormancy.as_of = '2026-11-01';
SET client_min_messages = error;	-- small segments that do not converge warn
SELECT count(*) > 0 AS fitted FROM dormancy.fit_models();	-- models for the expected values

-- Both paths' fits, with Pareto/NBD too, by industry, by company size and
-- for everyone: (segment, every column as text), which must be the same rows.
CREATE TEMP TABLE fits (settings text, path text, segment_kind text, segment_value text, fit text);
CREATE FUNCTION pg_temp.both_paths(settings dormancy.model_settings, label text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM dormancy._fit_summaries();
	INSERT INTO fits SELECT label, 'summaries', f.segment_kind, f.segment_value, f::text
	  FROM dormancy._fit_segments(settings) f;
	DROP TABLE pg_temp.dormancy_fit_summaries;
	PERFORM dormancy._fit_states(settings, dormancy.as_of_day());
	INSERT INTO fits SELECT label, 'states', f.segment_kind, f.segment_value, f::text
	  FROM dormancy._fit_segments(settings) f;
	DROP TABLE pg_temp.dormancy_fit_states;
END
$$;
SELECT pg_temp.both_paths(s, s.segment_by || ' ' || s.model)
  FROM (SELECT (r).* FROM (SELECT jsonb_populate_record(dormancy.model_settings_in_force(),
		   jsonb_build_object('segment_by', b, 'model', m, 'min_customers', 20)) AS r
		  FROM (VALUES ('industry', 'likelihood'), ('company_size', 'bgnbd'), ('none', 'paretonbd')) v(b, m)) x) s;
-- and as of a day before any purchase: no summary kept, states of no
-- customer; one overall row without fits on both paths
SET dormancy.as_of = '2000-01-01';
SELECT pg_temp.both_paths(s, 'before any purchase ' || s.segment_by)
  FROM (SELECT (r).* FROM (SELECT jsonb_populate_record(dormancy.model_settings_in_force(),
		   jsonb_build_object('segment_by', b, 'model', 'likelihood', 'min_customers', 0)) AS r
		  FROM (VALUES ('industry'), ('none')) v(b)) x) s;
SET dormancy.as_of = '2026-11-01';
-- the fits of each path, and the rows one path has and the other has not
SELECT settings, segment_kind, segment_value, count(*) FILTER (WHERE path = 'summaries') AS summaries,
	   count(*) FILTER (WHERE path = 'states') AS states, count(DISTINCT fit) AS distinct_fits,
	   bool_or(fit LIKE '%(%,%,%,%,%,%,%,t)%') AS a_fit_converged
  FROM fits GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT count(*) AS fits, count(*) FILTER (WHERE fit NOT LIKE '%,,,,,,,,%') AS with_estimates FROM fits WHERE path = 'states';

-- The value distribution from the workers' query (no summaries kept, fit
-- states present) equals the one from the summaries.
CREATE TEMP TABLE quantiles AS TABLE dormancy.value_distribution;
BEGIN;	-- the states are dropped at commit
SELECT dormancy._fit_states(dormancy.model_settings_in_force(), dormancy.as_of_day()) AS folded;
SELECT dormancy._store_value_distribution();
SELECT v.measure, v.customers, v.customers = q.customers AS same_customers, v.quantiles = q.quantiles AS same_quantiles
  FROM dormancy.value_distribution v JOIN quantiles q USING (measure) ORDER BY 1;
COMMIT;
RESET client_min_messages;

-- The text form: base64 of the flat bytes, read back to the same fit.
CREATE TEMP TABLE st AS
SELECT c.sector, dormancy._fit_state(dormancy.btyd_summary(h.history, date '2026-11-01', '1 day'), 7) AS state
  FROM demo.accounts c JOIN dormancy.customer_histories h ON h.customer_id = c.account_id GROUP BY 1;
SELECT count(*) AS states, sum(dormancy._fit_state_customers(state)) AS customers,
	   bool_and(dormancy._fit_state_customers(state::text::dormancy.fit_state) = dormancy._fit_state_customers(state)) AS read_back,
	   (SELECT dormancy._bgnbd_fit_of(state) FROM st)::text
		   = (SELECT dormancy._bgnbd_fit_of(state::text::dormancy.fit_state) FROM st)::text AS same_fit_read_back
  FROM st;
-- a customer without a purchase day (NULL summary) and a NULL unit leave it out
WITH f AS (SELECT dormancy._fit_state(s, u) AS state
			 FROM (VALUES (NULL::dormancy.btyd_summary, 7.0::float8), ('(1,3,10,50,1)', NULL)) v(s, u))
SELECT dormancy._fit_state_customers(f.state) AS customers, (SELECT dormancy._bgnbd_fit_of(state) FROM f) IS NULL AS no_fit
  FROM f;
SELECT dormancy._fit_state(s, 0) FROM (VALUES ('(1,3,10,50,1)'::dormancy.btyd_summary)) v(s);
SELECT dormancy._fit_state(s, 1) FROM (VALUES ('(1,30,10,50,1)'::dormancy.btyd_summary)) v(s);

-- In parallel (partial aggregates in the workers, combined in the leader:
-- the same path as Citus's), the same fit as in one process.
CREATE TEMP TABLE serial AS
SELECT dormancy._bgnbd_fit_of(f.state)::text AS fit
  FROM (SELECT dormancy._fit_state(dormancy.btyd_summary(h.history, date '2026-11-01', '1 day'), 7) AS state
		  FROM dormancy.customer_histories h) f;
CREATE TABLE public.fs_summaries AS
SELECT dormancy.btyd_summary(h.history, date '2026-11-01', '1 day') AS s FROM dormancy.customer_histories h;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS off) SELECT dormancy._fit_state(s, 7) FROM public.fs_summaries;
SELECT dormancy._bgnbd_fit_of(f.state)::text = (SELECT fit FROM serial) AS same_in_parallel,
	   (SELECT fit FROM serial) LIKE '%,t)' AS converged
  FROM (SELECT dormancy._fit_state(s, 7) AS state FROM public.fs_summaries) f;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE public.fs_summaries;

-- The text form of a state of many customers is compressed ('*' then
-- base64 of the pglz bytes), read back to the same bytes (binary form: the
-- flat bytes) and the same fit.
SELECT left(state::text, 1) AS mark, octet_length(state::text) < octet_length(dormancy.fit_state_send(state)) AS smaller,
	   dormancy.fit_state_send(state::text::dormancy.fit_state) = dormancy.fit_state_send(state) AS same_bytes
  FROM st WHERE sector = 'ec';

-- Input that must fail: not base64; bytes after the states; cut short; an
-- observation that is no customer summary (a count of 0, recency after age);
-- compressed: a length pglz cannot reach, bytes that do not decompress to it
SELECT 'not base64!'::dormancy.fit_state;
CREATE FUNCTION pg_temp.b64(bytea) RETURNS text LANGUAGE sql AS $$ SELECT translate(encode($1, 'base64'), E'\n', '') $$;
CREATE TEMP TABLE one AS
SELECT dormancy.fit_state_send(dormancy._fit_state(s, 1)) AS b FROM (VALUES ('(2,3,10,50,2)'::dormancy.btyd_summary)) v(s);
SELECT octet_length(b) AS bytes, dormancy.fit_state_send(pg_temp.b64(b)::dormancy.fit_state) = b AS plain_read_back FROM one;
SELECT pg_temp.b64(b || '\x00'::bytea)::dormancy.fit_state FROM one;
SELECT pg_temp.b64(substr(b, 1, 40))::dormancy.fit_state FROM one;
-- the BG/NBD observation: bytes 19-26 x, 27-34 t_x, 35-42 T, 43-50 count
SELECT pg_temp.b64(overlay(b PLACING '\x0000000000000000'::bytea FROM 43 FOR 8))::dormancy.fit_state FROM one;
SELECT pg_temp.b64(overlay(b PLACING float8send(11) FROM 27 FOR 8))::dormancy.fit_state FROM one;
-- a count no population reaches (2^40), which sums of counts could overflow
SELECT pg_temp.b64(overlay(b PLACING int8send(1099511627776) FROM 43 FOR 8))::dormancy.fit_state FROM one;
SELECT ('*' || pg_temp.b64('\x7fffffff0000'::bytea))::dormancy.fit_state;
SELECT ('*' || pg_temp.b64('\x00000010' || substr(decode(substr(state::text, 2), 'base64'), 5)))::dormancy.fit_state
  FROM st WHERE sector = 'ec';
SELECT dormancy._fit_state_customers(pg_temp.b64(b)::dormancy.fit_state) AS customers FROM one;

-- Random damage to a state's bytes, compressed and plain (bytes changed,
-- cut short): each is read or refused with an error, and the server keeps
-- running (a crash would end this session).
DO $$
DECLARE
	packed bytea := (SELECT decode(substr(state::text, 2), 'base64') FROM st WHERE sector = 'ec');
	plain bytea := (SELECT dormancy.fit_state_send(state) FROM st WHERE sector = 'ec');
	m bytea;
	t text;
	read_back int := 0;
	refused int := 0;
BEGIN
	PERFORM setseed(0.5);
	FOR i IN 1..2000 LOOP
		m := CASE WHEN i % 2 = 0 THEN packed ELSE plain END;
		FOR k IN 1..(1 + (random() * 3)::int) LOOP
			m := set_byte(m, (random() * (octet_length(m) - 1))::int, (random() * 255)::int);
		END LOOP;
		IF random() < 0.1 THEN
			m := substr(m, 1, (random() * octet_length(m))::int);
		END IF;
		t := CASE WHEN i % 2 = 0 THEN '*' ELSE '' END || translate(encode(m, 'base64'), E'\n', '');
		BEGIN
			PERFORM dormancy._fit_state_customers(t::dormancy.fit_state);
			read_back := read_back + 1;
		EXCEPTION WHEN others THEN
			refused := refused + 1;
		END;
	END LOOP;
	RAISE NOTICE 'damaged states: % in all, some refused: %', read_back + refused, refused > 0;
END
$$;

SELECT dormancy.unbind('orders') IS NOT NULL AS unbound;
SELECT dormancy.unbind('customers') IS NOT NULL AS unbound;
DELETE FROM dormancy.models;
DELETE FROM dormancy.value_distribution;
DROP SCHEMA demo CASCADE;
