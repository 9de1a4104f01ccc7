--
-- The configuration as one value: the type.  dormancy._configuration()
-- (69_configuration.sql, after the tables it reads) makes it.
--
-- The per-customer C functions of the views (_rule_for, _customer_facts,
-- _model_outlook, _assess, ...) take their configuration (rules, aliases,
-- reason and approach rules, themes, models, value distribution, price
-- changes, the model settings in force) as an argument of this type, not
-- by reading the tables.  The views compute it once per query, in an init
-- plan, on the node that plans the query, and pass it on: so the functions
-- are IMMUTABLE, give the same answer wherever they run (a Citus worker
-- whose own copies of the tables hold only the installed defaults, a
-- parallel worker) and an edit shows in the next query, as when they read
-- the tables.  Each call site prepares the tables once and keeps them while
-- the fingerprint it is given stays the same: within one query it reads
-- only the fingerprint.
--

-- A jsonb object: one array of rows per table, under the table's name, and
-- the key "fingerprint" (a string).  Not a composite type: Citus moves
-- jsonb between the nodes as it is, while EXPLAIN ANALYZE of a query whose
-- intermediate results hold a composite fails ("malformed record literal").
CREATE DOMAIN dormancy.configuration AS jsonb;
COMMENT ON DOMAIN dormancy.configuration IS
	'internal: the configuration tables as one jsonb object with a fingerprint, for the per-customer C functions of the views (dormancy._configuration())';
