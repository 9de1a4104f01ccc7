-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, triggers, the reader role
--

--
-- Change tracking, settings, rebind, refresh log
--

--
-- Purchase history type: input, sums
--

--
-- Models and scores: stable evaluation, interrupts
--

--
-- Names and encodings
--

SELECT dormancy._update_generated_views();
