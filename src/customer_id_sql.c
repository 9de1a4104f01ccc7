/*
 * customer_id_sql.c
 *		dormancy.customer_id_text(anyelement) returns text: a customer id as
 *		text, what id::text gives; dormancy.customer_id_from_text(text,
 *		anyelement) returns anyelement: back, the id of the second
 *		argument's type whose text is exactly the first, NULL when no id of
 *		that type has it.  For ids of type smallint, integer, bigint, uuid,
 *		text and varchar; customer_id_text takes a domain over one of them
 *		too (its values are ones the domain held), customer_id_from_text does
 *		not (below).
 *
 * Both are LEAKPROOF: no value makes them raise an error (an id of another
 * type does, whatever its value).  So customer_id_from_text refuses a
 * domain, by its type alone: the value it returns would be of the domain
 * without the domain's constraints checked (customer_id_from_text('-5',
 * NULL::posint) gave -5, posint CHECK (VALUE > 0), which an INSERT ...
 * SELECT stored), and checking them would run the domain's CHECK
 * expressions, code of the user's that may raise an error for a value (or
 * reveal it), in a function the planner runs before row security's
 * policies.  A caller passes the base type (NULL::integer) and casts the
 * result to the domain where its constraints must hold; the policies pass
 * the base type of a domain's ids (_customer_key_policies).
 *
 * A cast raises an error for a text that is no id ('abc'::integer), so
 * PostgreSQL keeps a condition with a cast out of an index scan under row
 * security, behind the policies, and a role under a policy read every row:
 * these two leave the condition to the index.  The row security policies
 * of the outreach log, the campaign members and the status history find the
 * customer of each row read by the index of your customers' id with
 * customer_id_from_text (or have the planner hash the customers once,
 * reading many rows), and the outreach log is joined to the customers by
 * its index with customer_id_text (sql_src/67_outreach.sql).
 *
 * customer_id_from_text takes a text only in the form the type's output
 * function writes: no sign but a minus, no leading zeros, no white space,
 * lower-case hex digits and hyphens of uuid_out; so
 * customer_id_from_text(k, id) = id exactly when customer_id_text(id) = k.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"

#include "core/customer_id.h"

PG_FUNCTION_INFO_V1(customer_id_text);
PG_FUNCTION_INFO_V1(customer_id_from_text);

/*
 * The id type of a call: the declared type of argument argno, a domain's
 * base type; an error (by type only) for a type the functions do not take,
 * and for a domain when the id type is the result's (domain_ok false).
 * Kept in fn_extra: a policy or a join calls it once per row.
 */
static Oid
IdType(FunctionCallInfo fcinfo, int argno, bool domain_ok)
{
	Oid			declared;
	Oid			base;

	if (fcinfo->flinfo->fn_extra != NULL)
		return *(Oid *) fcinfo->flinfo->fn_extra;
	declared = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!OidIsValid(declared))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("could not determine the customer id type")));
	base = getBaseType(declared);
	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case UUIDOID:
		case TEXTOID:
		case VARCHAROID:
			if (declared != base && !domain_ok)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("customer_id_from_text cannot return domain type %s", format_type_be(declared)),
						 errdetail("A leakproof function does not check a domain's constraints, so it would return values the domain does not allow."),
						 errhint("Pass a NULL of the base type, NULL::%s, and cast the result to the domain where its constraints must hold.",
								 format_type_be(base))));
			fcinfo->flinfo->fn_extra = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Oid));
			*(Oid *) fcinfo->flinfo->fn_extra = base;
			return base;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("customer ids of type %s are not supported here", format_type_be(declared)),
					 errdetail("Ids of type smallint, integer, bigint, uuid, text and character varying are.")));
	}
	return InvalidOid;			/* not reached */
}


/*
 * customer_id_text(anyelement) returns text: the id's text, as its type's
 * output function writes it.  STRICT.
 */
Datum
customer_id_text(PG_FUNCTION_ARGS)
{
	Oid			type = IdType(fcinfo, 0, true);
	char		buf[MAXINT8LEN + 1];

	switch (type)
	{
		case INT2OID:
			pg_itoa(PG_GETARG_INT16(0), buf);
			break;
		case INT4OID:
			pg_ltoa(PG_GETARG_INT32(0), buf);
			break;
		case INT8OID:
			pg_lltoa(PG_GETARG_INT64(0), buf);
			break;
		case UUIDOID:
			{
				static const char hex[] = "0123456789abcdef";
				pg_uuid_t  *uuid = PG_GETARG_UUID_P(0);
				char		out[2 * UUID_LEN + 5];
				char	   *p = out;

				for (int i = 0; i < UUID_LEN; i++)
				{
					if (i == 4 || i == 6 || i == 8 || i == 10)
						*p++ = '-';
					*p++ = hex[uuid->data[i] >> 4];
					*p++ = hex[uuid->data[i] & 0x0F];
				}
				*p = '\0';
				PG_RETURN_TEXT_P(cstring_to_text(out));
			}
		default:
			/* text, varchar: the same bytes */
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

/*
 * customer_id_from_text(text, anyelement) returns anyelement: the id of the
 * second argument's type (its value is not used: a typed NULL) whose text is
 * the first argument; NULL when no id of that type has this text, or the
 * text is NULL.  Not STRICT: the second argument is NULL.  Not of a domain
 * (an error whatever the text, see the top of the file).
 */
Datum
customer_id_from_text(PG_FUNCTION_ARGS)
{
	Oid			type = IdType(fcinfo, 1, false);
	text	   *key;
	const char *data;
	int			len;
	int64_t		value;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (type == TEXTOID || type == VARCHAROID)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	key = PG_GETARG_TEXT_PP(0);
	data = VARDATA_ANY(key);
	len = VARSIZE_ANY_EXHDR(key);
	switch (type)
	{
		case INT2OID:
			if (!customer_id_parse_integer(data, len, &value) || value < PG_INT16_MIN || value > PG_INT16_MAX)
				PG_RETURN_NULL();
			PG_RETURN_INT16((int16) value);
		case INT4OID:
			if (!customer_id_parse_integer(data, len, &value) || value < PG_INT32_MIN || value > PG_INT32_MAX)
				PG_RETURN_NULL();
			PG_RETURN_INT32((int32) value);
		case INT8OID:
			if (!customer_id_parse_integer(data, len, &value))
				PG_RETURN_NULL();
			PG_RETURN_INT64(value);
		default:
			{
				/* uuid: 8-4-4-4-12 lower-case hex digits */
				pg_uuid_t  *uuid = (pg_uuid_t *) palloc(sizeof(pg_uuid_t));

				if (!customer_id_parse_uuid(data, len, uuid->data))
					PG_RETURN_NULL();
				PG_RETURN_UUID_P(uuid);
			}
	}
}
