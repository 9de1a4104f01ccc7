/*
 * phone.c
 *		Per-country phone number rules (see phone.h).
 */
#include "phone.h"

#include <string.h>

/* Digits kept; a number with more is too long whatever its kind. */
#define PHONE_MAX_DIGITS 32

/*
 * The folding of one code point that phone numbers need (a subset of NFKC,
 * plus the dashes NFKC keeps): full-width ASCII to ASCII, white space to ' ',
 * hyphens, dashes and the long vowel mark to '-', ASCII letters to lower case.
 */
static uint32_t
fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	switch (cp)
	{
		case '\t':
		case 0x00A0:
		case 0x202F:
		case 0x205F:
		case 0x3000:
			return ' ';
		case 0x2010:
		case 0x2011:
		case 0x2012:
		case 0x2013:
		case 0x2014:
		case 0x2015:
		case 0x2043:
		case 0x2212:
		case 0x30FC:
		case 0xFE58:
		case 0xFE63:
		case 0xFF70:
			return '-';
		default:
			break;
	}
	if (cp >= 0x2000 && cp <= 0x200A)
		return ' ';
	return cp;
}

/* True when the folded code points at pos start with the ASCII/UTF-32 word w. */
static bool
starts_with(const uint32_t *cps, size_t n, size_t pos, const uint32_t *w, size_t wlen)
{
	if (n - pos < wlen)
		return false;
	for (size_t i = 0; i < wlen; i++)
		if (fold(cps[pos + i]) != w[i])
			return false;
	return true;
}

static const uint32_t label_tel[] = {'t', 'e', 'l'};
static const uint32_t label_phone[] = {'p', 'h', 'o', 'n', 'e'};
static const uint32_t label_denwa_bangou[] = {0x96FB, 0x8A71, 0x756A, 0x53F7};	/* 電話番号 */
static const uint32_t label_denwa[] = {0x96FB, 0x8A71};	/* 電話 */
static const uint32_t ext_ext[] = {'e', 'x', 't'};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The position after white space from pos. */
static size_t
skip_space(const uint32_t *cps, size_t n, size_t pos)
{
	while (pos < n && fold(cps[pos]) == ' ')
		pos++;
	return pos;
}

/* The position after a leading label ("tel:", "電話番号 ", ...), or 0. */
static size_t
skip_label(const uint32_t *cps, size_t n)
{
	size_t		pos = skip_space(cps, n, 0);
	size_t		after = 0;

	if (starts_with(cps, n, pos, label_tel, LEN(label_tel)))
		after = pos + LEN(label_tel);
	else if (starts_with(cps, n, pos, label_phone, LEN(label_phone)))
		after = pos + LEN(label_phone);
	else if (starts_with(cps, n, pos, label_denwa_bangou, LEN(label_denwa_bangou)))
		after = pos + LEN(label_denwa_bangou);
	else if (starts_with(cps, n, pos, label_denwa, LEN(label_denwa)))
		after = pos + LEN(label_denwa);
	else
		return pos;
	after = skip_space(cps, n, after);
	if (after < n && (fold(cps[after]) == ':' || fold(cps[after]) == '.'))
		after++;
	return after;
}

static bool
has_prefix(const char *d, size_t n, const char *p)
{
	size_t		len = strlen(p);

	return n >= len && memcmp(d, p, len) == 0;
}

static void
put_e164(char *e164, const char *cc, const char *d, size_t n)
{
	if (e164 == NULL)
		return;
	e164[0] = '+';
	strcpy(e164 + 1, cc);
	memcpy(e164 + 1 + strlen(cc), d, n);
	e164[1 + strlen(cc) + n] = '\0';
}

/* A Japanese number in national form (d[0] is '0'). */
static PhoneResult
jp_national(const char *d, size_t n, char *e164)
{
	size_t		want;

	if (n < 2)
		return PHONE_WRONG_LENGTH;
	if (d[1] == '0')
		return PHONE_BAD_PREFIX;	/* 00: carrier and international prefixes */
	if (has_prefix(d, n, "070") || has_prefix(d, n, "080") || has_prefix(d, n, "090") ||
		has_prefix(d, n, "050") || has_prefix(d, n, "020") || has_prefix(d, n, "060"))
		want = 11;				/* mobile, PHS, IP, M2M, FMC; 0800 toll-free too */
	else
		want = 10;				/* fixed lines, 0120, 0570 */
	if (n != want)
		return PHONE_WRONG_LENGTH;
	put_e164(e164, "81", d + 1, n - 1);
	return PHONE_VALID;
}

/* A Japanese number after the country code 81: the national 0 dropped, or written as "(0)". */
static PhoneResult
jp_after_country_code(const char *d, size_t n, char *e164)
{
	char		national[PHONE_MAX_DIGITS + 1];

	if (n == 0)
		return PHONE_WRONG_LENGTH;
	if (d[0] == '0')
		return jp_national(d, n, e164);
	if (n + 1 > PHONE_MAX_DIGITS)
		return PHONE_WRONG_LENGTH;
	national[0] = '0';
	memcpy(national + 1, d, n);
	return jp_national(national, n + 1, e164);
}

/* The digits of an international number (after '+', or after 010 in Japan). */
static PhoneResult
international(const char *d, size_t n, char *e164)
{
	if (n == 0)
		return PHONE_WRONG_LENGTH;
	if (d[0] == '0')
		return PHONE_BAD_PREFIX;	/* no country code starts with 0 */
	if (has_prefix(d, n, "81"))
		return jp_after_country_code(d + 2, n - 2, e164);
	if (d[0] == '1' ? n != 11 : (n < 8 || n > 15))
		return PHONE_WRONG_LENGTH;
	put_e164(e164, "", d, n);
	return PHONE_VALID;
}

/*
 * The officially assigned ISO 3166-1 alpha-2 codes (249; the last one added
 * was SS, South Sudan, in 2011), in order, two letters each.  Reserved,
 * user-assigned and withdrawn codes (UK, EU, XK, ZZ, AN, YU, ...) are not in
 * it.
 */
static const char assigned_countries[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBS"
	"BTBVBWBYBZCACCCDCFCGCHCICKCLCMCN"
	"COCRCUCVCWCXCYCZDEDJDKDMDODZECEE"
	"EGEHERESETFIFJFKFMFOFRGAGBGDGEGF"
	"GGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHM"
	"HNHRHTHUIDIEILIMINIOIQIRISITJEJM"
	"JOJPKEKGKHKIKMKNKPKRKWKYKZLALBLC"
	"LILKLRLSLTLULVLYMAMCMDMEMFMGMHMK"
	"MLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNA"
	"NCNENFNGNINLNONPNRNUNZOMPAPEPFPG"
	"PHPKPLPMPNPRPSPTPWPYQARERORSRURW"
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSS"
	"STSVSXSYSZTCTDTFTGTHTJTKTLTMTNTO"
	"TRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVI"
	"VNVUWFWSYEYTZAZMZW";

#define ASSIGNED_COUNTRIES ((int) (sizeof(assigned_countries) - 1) / 2)

bool
phone_country_ok(const char *country)
{
	int			lo = 0;
	int			hi = ASSIGNED_COUNTRIES - 1;

	if (country == NULL || country[0] < 'A' || country[0] > 'Z' ||
		country[1] < 'A' || country[1] > 'Z' || country[2] != '\0')
		return false;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = memcmp(country, assigned_countries + 2 * mid, 2);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return false;
}

PhoneResult
phone_check(const uint32_t *cps, size_t n, const char *country, char *e164)
{
	char		d[PHONE_MAX_DIGITS];
	size_t		nd = 0;
	size_t		seen = 0;		/* digits seen, kept or not */
	bool		plus = false;
	bool		jp = country != NULL && strcmp(country, "JP") == 0;

	if (e164 != NULL)
		e164[0] = '\0';
	for (size_t pos = skip_label(cps, n); pos < n; pos++)
	{
		uint32_t	c = fold(cps[pos]);

		if (c >= '0' && c <= '9')
		{
			if (nd < PHONE_MAX_DIGITS)
				d[nd++] = (char) c;
			seen++;
			continue;
		}
		if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')')
			continue;
		if (c == '+' && !plus && seen == 0)
		{
			plus = true;
			continue;
		}
		/*
		 * An extension ends the number: 内線 (or 内), ext, x, #; so does a note
		 * of the line that Japanese CRMs write after it, a rep can dial it:
		 * 代 or 代表 (main line), 直通 (direct line).  Not 携帯 (mobile):
		 * after a landline number it points elsewhere
		 */
		if (seen > 0 && (c == 0x5185 || c == 'x' || c == '#' ||
						 c == 0x4EE3 || c == 0x76F4 ||
						 starts_with(cps, n, pos, ext_ext, LEN(ext_ext))))
			break;
		return PHONE_BAD_CHARACTER;
	}
	if (seen == 0)
		return PHONE_NO_DIGITS;
	if (seen > PHONE_MAX_DIGITS)
		return PHONE_WRONG_LENGTH;
	if (plus)
		return international(d, nd, e164);
	if (!jp)
		return PHONE_NOT_INTERNATIONAL;
	if (has_prefix(d, nd, "010"))
		return international(d + 3, nd - 3, e164);
	if (d[0] == '0')
		return jp_national(d, nd, e164);
	if (has_prefix(d, nd, "81"))
		return jp_after_country_code(d + 2, nd - 2, e164);
	return PHONE_BAD_PREFIX;
}

const char *
phone_result_name(PhoneResult r)
{
	switch (r)
	{
		case PHONE_VALID:
			return "valid";
		case PHONE_NO_DIGITS:
			return "no digits";
		case PHONE_BAD_CHARACTER:
			return "bad character";
		case PHONE_BAD_PREFIX:
			return "bad prefix";
		case PHONE_WRONG_LENGTH:
			return "wrong length";
		case PHONE_NOT_INTERNATIONAL:
			return "not international";
	}
	return "?";
}
