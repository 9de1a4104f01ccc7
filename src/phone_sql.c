/*
 * phone_sql.c
 *		SQL interface of the phone number rules:
 *		dormancy.phone_valid(phone text, country text) returns boolean.
 *
 * The rules are in core/phone.c.  This file reads the text as code points in
 * NFKC form, as the company-name keys do (names_sql.c: any database
 * encoding; a character without a Unicode equivalent makes the number
 * invalid), and checks the country code.
 *
 * IMMUTABLE like normalize_company_name(): the result depends only on the
 * arguments, the database encoding and the Unicode tables of the server.
 */
#include "postgres.h"

#include "core/phone.h"
#include "dormancy.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(phone_valid);
PG_FUNCTION_INFO_V1(phone_country_assigned);

/*
 * phone_valid(phone text, country text) returns boolean
 *
 * True when the phone number can be dialled by the rules of core/phone.h,
 * read in the default country (an ISO 3166-1 alpha-2 code, any case).
 */
Datum
phone_valid(PG_FUNCTION_ARGS)
{
	text	   *phone = PG_GETARG_TEXT_PP(0);
	char	   *country = text_to_cstring(PG_GETARG_TEXT_PP(1));
	uint32_t   *cps;
	size_t		n;
	PhoneResult r;

	for (char *c = country; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c -= 'a' - 'A';
	if (!phone_country_ok(country))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid country code \"%s\"", text_to_cstring(PG_GETARG_TEXT_PP(1))),
				 errdetail("A country is an officially assigned ISO 3166-1 alpha-2 code."),
				 errhint("Give the code of two letters of a country, such as JP, US or GB (the United Kingdom).")));
	DormancyTextNfkc(VARDATA_ANY(phone), VARSIZE_ANY_EXHDR(phone), &cps, &n);
	r = phone_check(cps, n, country, NULL);
	pfree(cps);
	PG_RETURN_BOOL(r == PHONE_VALID);
}

/*
 * country_code_valid(code text) returns boolean
 *
 * True for an officially assigned ISO 3166-1 alpha-2 code in upper case: the
 * CHECK constraint of source_settings.phone_country, by the same list as
 * phone_valid().
 */
Datum
phone_country_assigned(PG_FUNCTION_ARGS)
{
	char	   *country = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BOOL(phone_country_ok(country));
}
