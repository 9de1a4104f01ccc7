--
-- Data gaps (D9): what a caller would miss before calling a customer.
-- dormancy.customer_contacts counts each customer's usable phone numbers,
-- e-mail addresses and contact persons (from bind_contacts); the column
-- customer_status.data_gaps lists, per customer, the gaps that apply:
--
--   no_contact        neither a usable phone number nor a usable e-mail address
--   no_phone          no usable phone number (phone bound)
--   invalid_phone     a phone number that is not one (6 to 15 digits after
--                     NFKC, so full-width digits count)
--   no_email          no usable e-mail address (email bound)
--   invalid_email     an address that is not one (local@domain.tld)
--   no_person         no contact person (person bound)
--   contact_outdated  contact data last updated longer ago than
--                     source_settings.contact_stale_after, or never (updated_at bound)
--   no_name           the customer has no name (name bound)
--   duplicate_name    another customer has the same company name once
--                     normalized (see duplicate_customers): merge them
--   no_activity       nothing on record: no orders, contracts, deals or
--                     events, so the customer's status cannot be told
--
-- Gaps of a source that is not bound are not reported (no contacts bound:
-- no contact gaps).  docs/sources.md has the definitions.
--

-- customer_contacts: per customer with contacts, the usable ones counted
CREATE FUNCTION dormancy._views_57_contacts(bindings jsonb)
	RETURNS TABLE (view_name text, definition text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'customer_contacts', $q$
WITH a AS (
	SELECT dormancy.as_of_day() AS day,
		   (dormancy.as_of_day() - s.contact_stale_after)::pg_catalog.date AS fresh_from
	  FROM dormancy.source_settings_in_force() s
), c AS (
	SELECT x.customer_id,
		   NULLIF(pg_catalog.btrim(x.phone), '') AS phone,
		   NULLIF(pg_catalog.btrim(x.email), '') AS email,
		   NULLIF(pg_catalog.btrim(x.person), '') AS person,
		   x.updated_on
	  FROM dormancy.src_contacts x
	 WHERE x.customer_id IS NOT NULL
), checked AS (
	SELECT c.*,
		   -- NFKC (in the name key) turns full-width digits into ASCII ones
		   pg_catalog.length(pg_catalog.regexp_replace(dormancy.normalize_company_name(c.phone, '{}'),
													   '[^0-9]', '', 'g')) BETWEEN 6 AND 15 AS phone_ok,
		   c.email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:].]+$' AS email_ok
	  FROM c
)
SELECT k.customer_id,
	   pg_catalog.count(*) AS contacts,
	   pg_catalog.count(*) FILTER (WHERE k.phone_ok) AS phones,
	   pg_catalog.count(*) FILTER (WHERE k.email_ok) AS emails,
	   pg_catalog.count(k.person) AS persons,
	   pg_catalog.count(*) FILTER (WHERE NOT k.phone_ok) AS invalid_phones,
	   pg_catalog.count(*) FILTER (WHERE NOT k.email_ok) AS invalid_emails,
	   pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) AS last_updated_at,
	   coalesce(pg_catalog.max(k.updated_on) FILTER (WHERE k.updated_on <= a.day) < a.fresh_from, true) AS outdated,
	   a.day AS as_of
  FROM checked k CROSS JOIN a
 GROUP BY k.customer_id, a.day, a.fresh_from
$q$
$$;
COMMENT ON FUNCTION dormancy._views_57_contacts(jsonb) IS 'internal: the customer_contacts view';

-- The contacts of each customer (alias cc), joined before the priority part,
-- whose approach channel needs them; no columns of its own.
CREATE FUNCTION dormancy._status_parts_53_contacts(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN dormancy.customer_contacts cc ON cc.customer_id = core.customer_id', NULL::text
$$;
COMMENT ON FUNCTION dormancy._status_parts_53_contacts(jsonb) IS
	'internal: the contacts join of customer_status (used by the approach channel and data_gaps)';

-- customer_status.data_gaps (cc: the contacts, part 53; nk: the name key;
-- dup: the keys of more than one customer); a part after all others, so its
-- column comes last
CREATE FUNCTION dormancy._status_parts_70_data_gaps(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	contacts jsonb := bindings -> 'contacts';
	gaps text[] := '{}';
BEGIN
	IF contacts ? 'phone' OR contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) + coalesce(cc.emails, 0) = 0 THEN 'no_contact' END$g$::text;
	END IF;
	IF contacts ? 'phone' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.phones, 0) = 0 THEN 'no_phone' END$g$::text
					 || $g$CASE WHEN cc.invalid_phones > 0 THEN 'invalid_phone' END$g$::text;
	END IF;
	IF contacts ? 'email' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.emails, 0) = 0 THEN 'no_email' END$g$::text
					 || $g$CASE WHEN cc.invalid_emails > 0 THEN 'invalid_email' END$g$::text;
	END IF;
	IF contacts ? 'person' THEN
		gaps := gaps || $g$CASE WHEN coalesce(cc.persons, 0) = 0 THEN 'no_person' END$g$::text;
	END IF;
	IF contacts ? 'updated_at' THEN
		gaps := gaps || $g$CASE WHEN cc.outdated THEN 'contact_outdated' END$g$::text;
	END IF;
	IF bindings -> 'customers' ? 'name' THEN
		gaps := gaps || $g$CASE WHEN nk.name_key IS NULL OR nk.name_key = '' THEN 'no_name'
								WHEN dup.name_key IS NOT NULL THEN 'duplicate_name' END$g$::text;
		-- the name keys that more than one customer has (a hash join: a
		-- window over customer_status would sort its wide rows); the forms
		-- are read once per query (an InitPlan).  Exact, so it reads every
		-- customer's name, even for a lookup of one customer (docs/sources.md);
		-- OFFSET 0 computes each key once, the customer's too (without it the
		-- planner copies the key expression into the join's condition and
		-- each test of the column: three calls per customer)
		from_item := $f$
CROSS JOIN LATERAL (
	SELECT dormancy.normalize_company_name(core.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
	OFFSET 0
) nk
LEFT JOIN (
	SELECT k.name_key
	  FROM (SELECT dormancy.normalize_company_name(c.name, (SELECT dormancy.legal_forms_in_force())) AS name_key
			  FROM dormancy.src_customers c
			 WHERE c.customer_id IS NOT NULL
			OFFSET 0) k
	 WHERE k.name_key <> ''
	 GROUP BY k.name_key
	HAVING pg_catalog.count(*) > 1
) dup ON dup.name_key = nk.name_key$f$;
	END IF;
	gaps := gaps || $g$CASE WHEN coalesce(core.orders_count, 0) = 0 AND core.contract_terms IS NULL
								 AND eng.customer_id IS NULL AND deal.customer_id IS NULL THEN 'no_activity' END$g$::text;

	from_item := coalesce(from_item, '');
	select_list := format('pg_catalog.array_remove(ARRAY[%s]::pg_catalog.text[], NULL) AS data_gaps',
						  array_to_string(gaps, E',\n\t'));
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION dormancy._status_parts_70_data_gaps(jsonb) IS
	'internal: the data_gaps column of customer_status';

CREATE FUNCTION dormancy._comment_views_57_data_gaps()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON VIEW dormancy.customer_contacts IS 'usable phone numbers, e-mail addresses and contact persons per customer with contacts (bind_contacts)';
	COMMENT ON COLUMN dormancy.customer_contacts.customer_id IS 'the customer id';
	COMMENT ON COLUMN dormancy.customer_contacts.contacts IS 'contact rows of the customer';
	COMMENT ON COLUMN dormancy.customer_contacts.phones IS 'usable phone numbers: 6 to 15 digits once NFKC-normalized (full-width digits count)';
	COMMENT ON COLUMN dormancy.customer_contacts.emails IS 'usable e-mail addresses: local@domain.tld without spaces';
	COMMENT ON COLUMN dormancy.customer_contacts.persons IS 'contact persons named (not blank)';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_phones IS 'phone values that are not blank and not a usable number';
	COMMENT ON COLUMN dormancy.customer_contacts.invalid_emails IS 'e-mail values that are not blank and not a usable address';
	COMMENT ON COLUMN dormancy.customer_contacts.last_updated_at IS 'the latest update day of the contacts up to as_of (NULL when unknown)';
	COMMENT ON COLUMN dormancy.customer_contacts.outdated IS 'last_updated_at is unknown or older than source_settings.contact_stale_after before as_of';
	COMMENT ON COLUMN dormancy.customer_contacts.as_of IS 'the as-of day';
	COMMENT ON COLUMN dormancy.customer_status.data_gaps IS 'what is missing to call the customer: no_contact, no_phone, invalid_phone, no_email, invalid_email, no_person, contact_outdated, no_name, duplicate_name, no_activity (docs/sources.md); empty when nothing is';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_57_data_gaps() IS 'internal: comment customer_contacts and customer_status.data_gaps';
REVOKE ALL ON FUNCTION dormancy._comment_views_57_data_gaps() FROM PUBLIC;
