/*
 * phone.h
 *		Is a phone number one that can be dialled?  Per-country rules for the
 *		data gap invalid_phone (docs/sources.md, "Contacts").
 *
 * Pure computation, no PostgreSQL headers: this file and phone.c build into
 * the unit tests as well as into the server module.  A number is an array of
 * Unicode code points; the server applies NFKC first (src/phone_sql.c), and
 * phone_check() folds the full-width forms, the hyphen and dash variants and
 * the ideographic space itself, so it gives the same answer with or without
 * NFKC for everything a phone number is written with.
 *
 * How a number is read, step by step:
 *  1. a leading label "tel", "phone", "電話" or "電話番号" (then an optional
 *     ':' or '.') is skipped;
 *  2. an extension is cut off: from "内線", "内", "ext", "x" or "#" on
 *     (case-insensitive), the rest is ignored;
 *  3. what is left may hold digits, white space, the separators - . / ( ),
 *     the hyphen and dash variants (‐ ‑ ‒ – — ― − and the long vowel mark
 *     ー, which Japanese input often gives for a hyphen) and one '+' before
 *     the first digit; any other character makes the number
 *     invalid;
 *  4. '+' (or, in Japan, the international prefix 010) starts an
 *     international number: country code 81 is read as a Japanese number
 *     (the national 0 put back; a written "(0)" after 81 is accepted),
 *     country code 1 needs 11 digits in all, any other needs 8 to 15 digits
 *     in all (E.164);
 *  5. a number without '+' is read in the default country: Japan (JP) has
 *     national rules (below); for every other country only international
 *     numbers can be checked, so a number without '+' is invalid.
 *
 * Japanese numbers (national form, leading 0):
 *  - 070, 080, 090 (mobile, PHS), 050 (IP phone), 020 (pagers, M2M), 060
 *    (FMC) and 0800 (toll-free): 11 digits;
 *  - 0120 (toll-free) and 0570 (navi dial): 10 digits;
 *  - any other 0[1-9]...: a fixed line of 10 digits (area code of 1 to 4
 *    digits after the 0, then the local number);
 *  - "81" written without '+' before a national number whose 0 was dropped
 *    (81-3-1234-5678) is read as +81.
 */
#ifndef DORMANCY_CORE_PHONE_H
#define DORMANCY_CORE_PHONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What phone_check() found. */
typedef enum PhoneResult
{
	PHONE_VALID = 0,
	PHONE_NO_DIGITS,			/* nothing that looks like a number */
	PHONE_BAD_CHARACTER,		/* a letter or symbol that has no place in a number */
	PHONE_BAD_PREFIX,			/* a Japanese number without its leading 0, a country code 0, ... */
	PHONE_WRONG_LENGTH,			/* too few or too many digits for its kind */
	PHONE_NOT_INTERNATIONAL		/* no '+' where only international numbers can be checked */
} PhoneResult;

/* Longest E.164 number: '+', 15 digits and the terminating NUL. */
#define PHONE_E164_BUFSIZE 17

/*
 * True for a country code phone_check() accepts: an officially assigned
 * ISO 3166-1 alpha-2 code, in upper case (two other letters, such as JA or
 * ZZ, are not).  Only JP has national rules.
 */
extern bool phone_country_ok(const char *country);

/*
 * Check n code points as a phone number of the default country (a code that
 * phone_country_ok() accepts).  When e164 is not NULL and the number is
 * valid, writes it there in E.164 form ("+81312345678"; room for
 * PHONE_E164_BUFSIZE bytes); otherwise e164 is the empty string.
 */
extern PhoneResult phone_check(const uint32_t *cps, size_t n, const char *country, char *e164);

/* A short English description of a result ("valid", "wrong length", ...). */
extern const char *phone_result_name(PhoneResult r);

#endif							/* DORMANCY_CORE_PHONE_H */
