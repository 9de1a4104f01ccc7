/*
 * fuzz_phone.c
 *		libFuzzer target for src/core/phone.c: the phone number rules.
 *
 * Input: the first byte chooses the country (JP, US, GB or a code made of
 * the next two bytes; an input whose two letters are no assigned ISO 3166-1
 * code is skipped) and how the rest becomes code points: as UTF-8
 * (invalid UTF-8 falls back to one code point per byte), or as 3-byte groups
 * (any value, opaque ones above U+10FFFF included).
 *
 * Invariants:
 *	- the E.164 form is set exactly when the number is valid;
 *	- a valid number's E.164 form is '+' and 8 to 15 digits, the first not
 *	  0; a Japanese one (+81) has 9 or 10 digits after 81;
 *	- the E.164 form is itself valid in every country and gives itself back;
 *	- an invalid number stays invalid with spaces around it.
 */
#include "names.h"
#include "phone.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_phone"
#define FZ_MAX_CPS 256

static void
fz_check_e164(const char *e)
{
	size_t		len = strlen(e);

	FZ_CHECK(FZ_T, e[0] == '+' && len >= 9 && len <= 16 && e[1] != '0',
			 "E.164 form \"%s\" is malformed", e);
	for (size_t i = 1; i < len; i++)
		FZ_CHECK(FZ_T, e[i] >= '0' && e[i] <= '9', "E.164 form \"%s\" has a non-digit", e);
	if (e[1] == '8' && e[2] == '1')
		FZ_CHECK(FZ_T, len == 12 || len == 13, "Japanese E.164 form \"%s\" has %zu characters", e, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t	cps[FZ_MAX_CPS + 2];
	size_t		n = 0;
	char		country[3];
	char		e164[PHONE_E164_BUFSIZE];
	char		again[PHONE_E164_BUFSIZE];
	uint8_t		mode;
	PhoneResult r;
	static const char *const countries[] = {"JP", "US", "GB"};

	if (size < 3)
		return 0;
	mode = data[0];
	if ((mode & 3) < 3)
		memcpy(country, countries[mode & 3], 3);
	else
	{
		country[0] = (char) ('A' + data[1] % 26);
		country[1] = (char) ('A' + data[2] % 26);
		country[2] = '\0';
		if (!phone_country_ok(country))
			return 0;
	}
	data += 3;
	size -= 3;
	if (mode & 4)
	{
		for (size_t i = 0; i + 2 < size && n < FZ_MAX_CPS; i += 3)
			cps[n++] = data[i] | (data[i + 1] << 8) | ((uint32_t) data[i + 2] << 16) |
				((data[i] & 0x80) ? 0x80000000u : 0);
	}
	else
	{
		uint32_t   *buf = malloc(sizeof(uint32_t) * (size ? size : 1));
		long		k;

		if (buf == NULL)
			abort();
		k = names_utf8_decode(data, size, buf);
		if (k < 0)
			for (size_t i = 0; i < size && n < FZ_MAX_CPS; i++)
				cps[n++] = data[i];
		else
			for (long i = 0; i < k && n < FZ_MAX_CPS; i++)
				cps[n++] = buf[i];
		free(buf);
	}

	FZ_CHECK(FZ_T, phone_country_ok(country), "country %s refused", country);
	r = phone_check(cps, n, country, e164);
	FZ_CHECK(FZ_T, (r == PHONE_VALID) == (e164[0] != '\0'), "result %s with E.164 \"%s\"",
			 phone_result_name(r), e164);
	FZ_CHECK(FZ_T, phone_check(cps, n, country, NULL) == r, "the result depends on the buffer");
	if (r == PHONE_VALID)
	{
		uint32_t	back[PHONE_E164_BUFSIZE];
		size_t		len = strlen(e164);

		fz_check_e164(e164);
		for (size_t i = 0; i < len; i++)
			back[i] = (uint32_t) (unsigned char) e164[i];
		for (size_t c = 0; c < 3; c++)
		{
			FZ_CHECK(FZ_T, phone_check(back, len, countries[c], again) == PHONE_VALID &&
					 strcmp(again, e164) == 0, "E.164 form \"%s\" reads back as \"%s\" in %s",
					 e164, again, countries[c]);
		}
	}
	else
	{
		uint32_t	padded[FZ_MAX_CPS + 2];

		padded[0] = ' ';
		memcpy(padded + 1, cps, sizeof(uint32_t) * n);
		padded[n + 1] = 0x3000;
		FZ_CHECK(FZ_T, phone_check(padded, n + 2, country, NULL) != PHONE_VALID,
				 "an invalid number (%s) is valid with spaces around it", phone_result_name(r));
	}
	return 0;
}
