-- dormancy 0.2.0 -> 0.3.0
--
-- 0.3.0: security and robustness (issue 10).  An upgraded database equals a
-- fresh 0.3.0 install (test/integration/upgrade.sh checks it, object by object).
\echo Use "ALTER EXTENSION dormancy UPDATE TO '0.3.0'" to load this file. \quit

--
-- Privileges: internal functions, the reader role (lead)
--

--
-- Change tracking and the history store (helper: tracking)
--

--
-- Settings, NaN checks, rebind, refresh log (helper: settings)
--

--
-- Purchase history type: input, sums (helper: history)
--

--
-- Models and scores: stable evaluation, interrupts (helper: models)
--

--
-- Names and encodings (helper: encodings)
--

SELECT dormancy._update_generated_views();
