-- Thresholds from the data (sql_src/48_suggest_rules.sql): suggest_rules()
-- on customers with known purchase rhythms.  Three industries buy with
-- log-normal gaps (sigma 0.5) around a median of 30, 90 and 365 days, and
-- after each purchase 10% of the customers leave for good; first purchases
-- are spread over eight years before the as-of day.  The proposed
-- thresholds are the quantiles 75%, 90% and 98% of the gaps of the customers
-- who return, read from the Kaplan-Meier curve of the silences (the current
-- ones censored): the true values are median x exp(0.5 z), z = 0.6745,
-- 1.2816, 2.0537.  The band: each proposal within 15% of the true quantile
-- (sampling error of a quantile of a few thousand gaps, a few percent even
-- at 98%, plus the rounding to whole weeks, at most 3.5 days).  A sparse
-- segment inherits from its industry, a sparse industry from all customers;
-- apply_suggested_rules() changes what rule_for() answers.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\i test/sql_ref/unbind_all.sql
SET dormancy.as_of = '2026-06-30';
CREATE SCHEMA sr;
CREATE TABLE sr.truth (industry text PRIMARY KEY, median_gap double precision);
INSERT INTO sr.truth VALUES ('consumables', 30), ('manufacturing', 90), ('it_services', 365);
CREATE TABLE sr.customers (id integer PRIMARY KEY, industry text, size text);
CREATE TABLE sr.orders (customer_id integer, day date, amount numeric);

SELECT setseed(0.14);
DO $$
DECLARE
	n integer := 0;
	seg record;
	day date;
	z double precision;
BEGIN
	FOR seg IN
		SELECT t.industry, t.median_gap, s.size, s.customers
		  FROM sr.truth t
		 CROSS JOIN (VALUES ('smb', 600), ('enterprise', 600), ('mid', 1)) s(size, customers)
		 ORDER BY t.median_gap, s.size
	LOOP
		FOR i IN 1 .. seg.customers LOOP
			n := n + 1;
			-- consumables written two ways: its alias maps the second onto it
			INSERT INTO sr.customers VALUES (n,
				CASE WHEN seg.industry = 'consumables' AND n % 2 = 0 THEN 'Office Supplies' ELSE seg.industry END,
				seg.size);
			day := date '2026-06-30' - (30 + floor(random() * 2892))::integer;
			LOOP
				INSERT INTO sr.orders VALUES (n, day, 100);
				EXIT WHEN random() < 0.1;	-- leaves for good
				z := sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random());
				day := day + greatest(1, round(seg.median_gap * exp(0.5 * z)))::integer;
				EXIT WHEN day > date '2026-06-30';
			END LOOP;
		END LOOP;
	END LOOP;
	-- a sparse industry: three retail customers
	FOR i IN 1 .. 3 LOOP
		n := n + 1;
		INSERT INTO sr.customers VALUES (n, 'retail', 'smb');
		INSERT INTO sr.orders VALUES (n, date '2026-01-01', 100), (n, date '2026-03-01', 100);
	END LOOP;
	-- customers without an industry (NULL, blank) count for all customers only
	INSERT INTO sr.customers VALUES (n + 1, NULL, 'smb'), (n + 2, '  ', NULL);
	INSERT INTO sr.orders VALUES (n + 1, date '2026-02-01', 100), (n + 2, date '2026-02-01', 100),
		(n + 2, date '2026-04-01', 100);
END
$$;
SELECT count(*) AS customers, (SELECT count(*) FROM sr.orders) AS orders FROM sr.customers;
SELECT dormancy.bind_customers('sr.customers', id => 'id', industry => 'industry', company_size => 'size');
SELECT dormancy.bind_orders('sr.orders', customer => 'customer_id', ordered_at => 'day', amount => 'amount');

-- the proposals beside the rules in force
CREATE TABLE sr.proposal AS SELECT * FROM dormancy.suggest_rules();
SELECT level, industry, company_size, customers, repeat_gaps >= 30 AS enough_gaps, based_on,
	   at_risk_after, dormant_after, long_dormant_after,
	   rule_at_risk_after, rule_dormant_after, rule_long_dormant_after,
	   dormant_change_days
  FROM sr.proposal
 ORDER BY industry IS NULL, industry, company_size IS NOT NULL, company_size;

-- true vs proposed per segment with its own evidence, in days
SELECT p.industry, coalesce(p.company_size, '(any)') AS company_size,
	   round(t.median_gap * exp(0.5 * 0.6745)) AS true_at_risk,
	   extract(day FROM p.at_risk_after) AS at_risk,
	   round(t.median_gap * exp(0.5 * 1.2816)) AS true_dormant,
	   extract(day FROM p.dormant_after) AS dormant,
	   round(t.median_gap * exp(0.5 * 2.0537)) AS true_long_dormant,
	   extract(day FROM p.long_dormant_after) AS long_dormant,
	   abs(extract(day FROM p.at_risk_after) / (t.median_gap * exp(0.5 * 0.6745)) - 1) <= 0.15 AS at_risk_in_band,
	   abs(extract(day FROM p.dormant_after) / (t.median_gap * exp(0.5 * 1.2816)) - 1) <= 0.15 AS dormant_in_band,
	   abs(extract(day FROM p.long_dormant_after) / (t.median_gap * exp(0.5 * 2.0537)) - 1) <= 0.15 AS long_dormant_in_band,
	   abs(p.median_gap_days / t.median_gap - 1) <= 0.1 AS median_in_band,
	   abs(p.never_return_share - 0.1) <= 0.03 AS churn_near_10_percent
  FROM sr.proposal p JOIN sr.truth t ON t.industry = p.industry
 WHERE p.based_on = 'own'
 ORDER BY t.median_gap, p.company_size NULLS FIRST;

-- one order dated decades too early (a typo in one row) makes one silence
-- longer than any other; the curve's level (the share that never ends) is
-- read where enough silences are still at risk, so it moves no proposal
-- (it made never_return_share 0 and dormant_after years long)
INSERT INTO sr.orders
SELECT min(c.id), date '2000-01-01', 100 FROM sr.customers c WHERE c.industry = 'it_services' AND c.size = 'smb';
SELECT p.level, p.industry, coalesce(p.company_size, '(any)') AS company_size,
	   extract(day FROM p.dormant_after) - extract(day FROM b.dormant_after) AS dormant_moved_days,
	   extract(day FROM p.long_dormant_after) - extract(day FROM b.long_dormant_after) AS long_dormant_moved_days,
	   round((p.never_return_share - b.never_return_share)::numeric, 3) AS never_return_share_moved
  FROM dormancy.suggest_rules() p
  JOIN sr.proposal b ON (b.level, b.industry, b.company_size) IS NOT DISTINCT FROM (p.level, p.industry, p.company_size)
 WHERE p.industry = 'it_services' OR p.level = 'all'
 ORDER BY p.level, p.company_size NULLS FIRST;
DELETE FROM sr.orders WHERE day = '2000-01-01';

-- the proposals order the segments as their rhythms do, within each size
SELECT p.company_size,
	   array_agg(p.industry ORDER BY p.dormant_after, p.industry) AS by_dormant_after,
	   array_agg(p.industry ORDER BY t.median_gap) AS by_true_rhythm,
	   bool_and(p.at_risk_after < p.dormant_after AND p.dormant_after < p.long_dormant_after) AS ordered
  FROM sr.proposal p JOIN sr.truth t ON t.industry = p.industry
 WHERE p.level = 'industry_size' AND p.based_on = 'own'
 GROUP BY 1 ORDER BY 1;

-- sparse segments inherit: each industry x mid (one customer) from its
-- industry, retail (and retail x smb) from all customers, with the
-- thresholds they inherit
SELECT p.level, p.industry, p.company_size, p.repeat_gaps, p.based_on,
	   p.dormant_after = (SELECT b.dormant_after FROM sr.proposal b
						   WHERE (p.based_on = 'industry' AND b.level = 'industry' AND b.industry = p.industry)
							  OR (p.based_on = 'all' AND b.level = 'all')) AS same_as_source
  FROM sr.proposal p
 WHERE p.based_on <> 'own'
 ORDER BY p.industry, p.company_size NULLS FIRST;

-- customers without an industry are in no industry's segment
SELECT (SELECT customers FROM sr.proposal WHERE level = 'all')
	   - (SELECT sum(customers) FROM sr.proposal WHERE level = 'industry') AS without_industry,
	   (SELECT sum(customers) FROM sr.proposal WHERE level = 'industry')
	   - (SELECT sum(customers) FROM sr.proposal WHERE level = 'industry_size') AS without_size;

-- the curve: share of the returns come by each day, rising to 1
SELECT industry, jsonb_array_length(curve) AS points,
	   (SELECT bool_and((x.e ->> 'days')::integer <= (y.e ->> 'days')::integer)
		  FROM jsonb_array_elements(curve) WITH ORDINALITY x(e, i)
		  JOIN jsonb_array_elements(curve) WITH ORDINALITY y(e, j) ON j = i + 1) AS rising
  FROM sr.proposal WHERE level = 'industry' ORDER BY industry;

-- return_curve(): the Kaplan-Meier steps of one segment, by a label as
-- written (an alias); still_silent falls, returned_share reaches 1 at the
-- longest repeat gap, and the chance that a silence still ends in a
-- purchase falls as it lasts
SELECT count(*) > 100 AS many_steps,
	   bool_and(still_silent <= 1 AND still_silent >= 0) AS in_range,
	   max(returned_share) AS last_share,
	   min(return_chance) AS lowest_chance,
	   sum(returns) = (SELECT repeat_gaps FROM sr.proposal WHERE level = 'industry_size'
						AND industry = 'consumables' AND company_size = 'smb') AS all_gaps
  FROM dormancy.return_curve('Office Supplies', 'SMB');
SELECT bool_and(c.still_silent <= c.prev) AS falling
  FROM (SELECT still_silent, lag(still_silent, 1, 1.0) OVER (ORDER BY days) AS prev
		  FROM dormancy.return_curve('consumables')) c;
SELECT count(*) AS days_beyond_a_month, round(min(return_chance)::numeric, 2) < 0.2 AS unlikely_late
  FROM dormancy.return_curve('it_services') WHERE days > 30 AND returns > 0;
SELECT min(days) AS first_day FROM dormancy.return_curve();

-- bad arguments
SELECT * FROM dormancy.suggest_rules(min_gaps => 0);
SELECT * FROM dormancy.suggest_rules(at_risk_share => 0.95);
SELECT * FROM dormancy.suggest_rules(long_dormant_share => 1);
SELECT * FROM dormancy.return_curve(NULL, 'smb');
SELECT * FROM dormancy.return_curve('  ');
-- other levels: dormant when 80% of the returns have come
SELECT industry, dormant_after < (SELECT d.dormant_after FROM sr.proposal d
								   WHERE d.level = 'industry' AND d.industry = s.industry) AS earlier
  FROM dormancy.suggest_rules(dormant_share => 0.8) s WHERE level = 'industry' AND based_on = 'own'
 ORDER BY industry;

-- the fitted BG/NBD's cross-check: none before a fit; then the P(alive) of
-- the typical repeat buyer silent for dormant_after, per industry model,
-- beside the curve's chance that such a silence still ends in a purchase.
-- Only converged fits count: these regular buyers all buy at much the same
-- rate, a limiting case of the model, and most fits do not converge (their
-- warnings are not shown)
SELECT count(p_alive_at_dormant) AS cross_checks FROM sr.proposal;
SET client_min_messages = error;
SELECT segment_kind, segment_value FROM dormancy.fit_models() WHERE (bgnbd).converged ORDER BY 1, 2;
SET client_min_messages = warning;
SELECT industry, round(p_alive_at_dormant::numeric, 2) AS p_alive_at_dormant,
	   p_alive_at_dormant > 0 AND p_alive_at_dormant < 1 AS in_range,
	   round(return_chance_at_dormant::numeric, 2) AS return_chance_at_dormant
  FROM dormancy.suggest_rules()
 WHERE level <> 'industry_size'
 ORDER BY industry IS NULL, industry;
DELETE FROM dormancy.models;

-- too few repeat gaps everywhere: no proposal, nothing written
SELECT count(*) AS segments, count(based_on) AS based, count(at_risk_after) AS at_risk,
	   count(dormant_after) AS dormant, count(long_dormant_after) AS long_dormant, count(curve) AS curves
  FROM dormancy.suggest_rules(min_gaps => 1000000);
SELECT count(*) AS written FROM dormancy.apply_suggested_rules(min_gaps => 1000000, include_inherited => true);

-- applying: rule_for() answers with the proposals; installed defaults that
-- were updated became the user's (installed false, same rule_id), the new
-- segments are added, and reset_rules() brings the defaults back
SELECT r.industry, r.company_size, r.rule_id, r.dormant_after, r.installed
  FROM (VALUES ('consumables', 'smb'), ('Office Supplies', 'mid'), ('retail', 'smb')) s(i, z),
	   dormancy.rule_for(s.i, s.z) r
 ORDER BY 1, 2;
-- (a large-order amount on manufacturing: an added segment keeps the
-- min_order_amount and use_contract_end of the rule it followed, as an
-- updated rule does; they were 0 and false)
UPDATE dormancy.rules SET min_order_amount = 1 WHERE industry = 'manufacturing';
CREATE TEMP TABLE followed AS
SELECT p.industry, p.company_size, r.rule_id, r.min_order_amount, r.use_contract_end
  FROM dormancy.suggest_rules() p, dormancy.rule_for(p.industry, p.company_size) r
 WHERE p.based_on = 'own';
SELECT industry, company_size, at_risk_after, dormant_after, long_dormant_after, installed, note
  FROM dormancy.apply_suggested_rules()
 ORDER BY industry IS NULL, industry, company_size IS NOT NULL, company_size;
SELECT f.industry, f.company_size, r.min_order_amount, r.use_contract_end,
	   (r.min_order_amount, r.use_contract_end) = (f.min_order_amount, f.use_contract_end) AS kept
  FROM followed f
  JOIN dormancy.rules r ON dormancy.label_key(coalesce(r.industry, '')) = coalesce(f.industry, '')
					   AND dormancy.label_key(coalesce(r.company_size, '')) = coalesce(f.company_size, '')
 ORDER BY f.industry IS NULL, f.industry, f.company_size IS NOT NULL, f.company_size;
DROP TABLE followed;
-- a segment without its own evidence is not written: consumables x mid
-- gets its industry's new rule; retail x smb (which inherits all
-- customers') gets the size rule smb, which rule_for() prefers to the
-- catch-all
SELECT s.i, s.z, r.industry, r.company_size, r.dormant_after,
	   r.dormant_after = (SELECT p.dormant_after FROM sr.proposal p
						   WHERE p.level = 'industry_size' AND p.industry = dormancy.label_key(s.j)
							 AND p.company_size = s.z) AS as_proposed
  FROM (VALUES ('consumables', 'consumables', 'smb'), ('Office Supplies', 'consumables', 'mid'),
			   ('manufacturing', 'manufacturing', 'enterprise'), ('it_services', 'it_services', 'smb'),
			   ('retail', 'retail', 'smb')) s(i, j, z),
	   dormancy.rule_for(s.i, s.z) r
 ORDER BY 1, 2;
-- the catch-all was updated in place: still rule 1, now the user's
SELECT rule_id, installed, dormant_after = (SELECT dormant_after FROM sr.proposal WHERE level = 'all') AS proposed
  FROM dormancy.rules WHERE industry IS NULL AND company_size IS NULL;
SELECT count(*) AS removed_defaults FROM dormancy.removed_defaults;
-- customer_status applies them
SELECT c.industry, c.company_size, c.dormant_after, count(*) AS customers
  FROM dormancy.customer_status c
 WHERE c.industry IN ('consumables', 'Office Supplies') AND c.company_size = 'mid'
 GROUP BY 1, 2, 3 ORDER BY 1, 2;
-- inherited segments are written too when asked
SELECT industry, company_size, dormant_after
  FROM dormancy.apply_suggested_rules(include_inherited => true)
 WHERE industry = 'retail' OR company_size = 'mid'
 ORDER BY 1, 2;
SELECT industry, company_size, dormant_after FROM dormancy.rule_for('retail', 'smb');
-- only the owner applies
SELECT has_function_privilege('public', 'dormancy.apply_suggested_rules(integer, double precision, double precision, double precision, boolean)', 'EXECUTE') AS public_applies,
	   has_function_privilege('public', 'dormancy.suggest_rules(integer, double precision, double precision, double precision)', 'EXECUTE') AS public_suggests;

SELECT dormancy.reset_rules();
DELETE FROM dormancy.rules WHERE NOT installed;
SELECT count(*) AS rules, bool_and(installed) AS all_installed FROM dormancy.rules;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
-- nothing bound: no segment
SELECT count(*) AS segments FROM dormancy.suggest_rules();
SELECT count(*) AS steps FROM dormancy.return_curve();
DROP SCHEMA sr CASCADE;

-- a small segment where every customer came back (40 repeat gaps of 10,
-- 20, ..., 400 days, all ended; the open silences 5 days): the thresholds
-- are the 75%, 90% and 98% points of the gaps (300, 360, 400 days by the
-- count of the gaps, independently below; to whole weeks 301, 357 and 399).
-- The curve's level is read where two silences are still going (1% of
-- them, at least two): 1 in 40 counted as never ending, so the 98% point
-- comes one gap early (390 days, 392 to whole weeks), and the return
-- curve reaches 1 there; cutting more off (at least 5, a first
-- version) made 10% never end and the thresholds 273, 329 and 357 days
SET dormancy.as_of = '2026-11-01';
CREATE SCHEMA ps;
CREATE TABLE ps.customers (id int PRIMARY KEY, industry text);
CREATE TABLE ps.orders (cid int, day date, amount numeric);
INSERT INTO ps.customers SELECT i, 'consumables' FROM generate_series(1, 40) i;
INSERT INTO ps.orders SELECT i, date '2026-11-01' - 5, 100 FROM generate_series(1, 40) i;
INSERT INTO ps.orders SELECT i, date '2026-11-01' - 5 - 10 * i, 100 FROM generate_series(1, 40) i;
SELECT dormancy.bind_customers('ps.customers', id => 'id', industry => 'industry');
SELECT dormancy.bind_orders('ps.orders', customer => 'cid', ordered_at => 'day', amount => 'amount');
SELECT level, repeat_gaps, never_return_share, at_risk_after, dormant_after, long_dormant_after
  FROM dormancy.suggest_rules() WHERE level = 'all';
SELECT (SELECT min(g) FROM generate_series(10, 400, 10) g WHERE g / 10 >= 0.75 * 40) AS expected_at_risk_days,
	   (SELECT min(g) FROM generate_series(10, 400, 10) g WHERE g / 10 >= 0.90 * 40) AS expected_dormant_days,
	   (SELECT min(g) FROM generate_series(10, 400, 10) g WHERE g / 10 >= 0.98 * 40) AS expected_long_dormant_days;
SELECT max(returned_share) AS returned_share_before_the_last_two_gaps, min(return_chance) AS lowest_return_chance_before
  FROM dormancy.return_curve() WHERE days < 390;
-- a small segment with churn (30 customers, 80 silences: 20 buy every 31
-- to 50 days, 10 left 400 days ago) and one order typed ten years too
-- early: the level (a third never return, by the count of the customers)
-- and the thresholds do not move (with the level read at the last silence
-- in a segment under 100 silences, a first version, it went to 0 and the
-- dormant threshold to 3,885 days)
TRUNCATE ps.orders;
DELETE FROM ps.customers;
INSERT INTO ps.customers SELECT i, 'consumables' FROM generate_series(1, 30) i;
INSERT INTO ps.orders SELECT i, date '2026-11-01' - 10 - k * (30 + i), 100
  FROM generate_series(1, 20) i, generate_series(0, 2) k;
INSERT INTO ps.orders SELECT i, date '2026-11-01' - 400 - k * 40, 100
  FROM generate_series(21, 30) i, generate_series(0, 1) k;
CREATE TABLE ps.before AS SELECT * FROM dormancy.suggest_rules() WHERE level = 'all';
INSERT INTO ps.orders VALUES (1, date '2016-01-01', 100);
SELECT round(b.never_return_share::numeric, 3) AS level_before, round(a.never_return_share::numeric, 3) AS level_after,
	   b.dormant_after AS dormant_before, a.dormant_after AS dormant_after,
	   b.long_dormant_after AS long_dormant_before, a.long_dormant_after AS long_dormant_after
  FROM ps.before b, dormancy.suggest_rules() a WHERE a.level = 'all';
SELECT round(count(*) FILTER (WHERE d < date '2026-11-01' - 300)::numeric / count(*), 3) AS customers_silent_over_300_days
  FROM (SELECT cid, max(day) d FROM ps.orders GROUP BY cid) x;
SELECT dormancy.unbind('orders');
SELECT dormancy.unbind('customers');
DROP SCHEMA ps CASCADE;
RESET dormancy.as_of;
