-- The demo data (test/demo/generate.sql, seed 0.42) for the regression
-- tests, loaded quietly; set :customers first.
\set QUIET on
\set ECHO none
\set seed 0.42
\i test/demo/generate.sql
\set QUIET off
\set ECHO all
