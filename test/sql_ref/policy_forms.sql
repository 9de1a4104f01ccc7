-- pg_temp.policy_forms(): the form of the test of the policies of the log,
-- the members and the history, per table: by the index of the customers'
-- id (and the id type it reads the key as), or among every id the role
-- sees.
\set ECHO none
CREATE FUNCTION pg_temp.policy_forms() RETURNS TABLE (relation regclass, policies bigint, form text)
LANGUAGE sql AS $$
	SELECT p.polrelid::regclass, count(*),
		   string_agg(DISTINCT CASE WHEN e ~ 'visible_customer_keys' THEN 'every id'
									WHEN e ~ 'customer_id_from_text' THEN 'index, ' || substring(e FROM 'NULL::([a-z_. ]+)\)')
									WHEN e ~ 'src_customers' THEN 'index, text' END, ', ')
	  FROM pg_policy p
	 CROSS JOIN LATERAL concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) e
	 WHERE p.polrelid IN ('dormancy.outreach_log'::regclass, 'dormancy.campaign_members'::regclass, 'dormancy.status_history'::regclass)
	   AND p.polname NOT IN ('readers_see_all', 'writers_see_all')
	 GROUP BY 1 ORDER BY 1::text
$$;
\set ECHO all
