--
-- Model columns of customer_status: p_alive, expected_purchases and
-- expected_value from the fitted models (NULL when none is fitted).
-- Plugged into customer_status as the FROM item aliased "models".
--
CREATE FUNCTION dormancy._status_parts_40_models(bindings jsonb)
	RETURNS TABLE (from_item text, select_list text)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'LEFT JOIN LATERAL (SELECT NULL::pg_catalog.float8 AS p_alive, NULL::pg_catalog.float8 AS expected_purchases, '
		   'NULL::pg_catalog.float8 AS expected_value) models ON true',
		   'models.p_alive, models.expected_purchases, models.expected_value'
$$;
COMMENT ON FUNCTION dormancy._status_parts_40_models(jsonb) IS
	'internal: the model columns of customer_status';

CREATE FUNCTION dormancy._comment_views_40_models()
	RETURNS void
	LANGUAGE plpgsql
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	COMMENT ON COLUMN dormancy.customer_status.p_alive IS 'probability that the customer is still alive (BG/NBD), NULL when no model is fitted';
	COMMENT ON COLUMN dormancy.customer_status.expected_purchases IS 'expected purchases in the next window (BG/NBD), NULL when no model is fitted';
	COMMENT ON COLUMN dormancy.customer_status.expected_value IS 'expected value of those purchases (BG/NBD x Gamma-Gamma), NULL when no model is fitted';
END
$$;
COMMENT ON FUNCTION dormancy._comment_views_40_models() IS 'internal: comment the model columns of customer_status';
