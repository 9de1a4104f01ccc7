/*
 * test_names.c
 *		Unit tests of the company-name keys (src/core/names.c), without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit", or compile src/core/[all .c files] with this file,
 * -std=c11 -Wall -Wextra -Werror -Isrc/core and -lm.
 *
 * The server applies Unicode NFKC before names_key(); here the inputs are
 * written as NFKC already gives them (㈱ is "(株)", Ａ is "A"), and
 * sql/names.sql checks the NFKC step.  The legal forms are the installed
 * defaults of dormancy.legal_forms, NFKC normalized.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "names.h"


static const char *const default_forms[] = {
	"株式会社", "(株)", "有限会社", "(有)", "合同会社", "(同)", "合資会社", "(資)",
	"合名会社", "(名)", "一般社団法人", "(一社)", "一般財団法人", "(一財)",
	"Co., Ltd.", "Co.,Ltd.", "Co. Ltd.", "Company Limited", "Ltd.", "Limited",
	"Inc.", "Incorporated", "Corp.", "Corporation", "Co.", "LLC", "L.L.C.",
	"LLP", "PLC", "GmbH", "AG", "S.A.", "K.K.", "G.K.", "Y.K.", "Pte. Ltd.",
	"Pty Ltd", "B.V.", "N.V.", "S.p.A.", "S.r.l.", "S.A.S.", "OOO", "ООО"
};
#define NFORMS (sizeof(default_forms) / sizeof(default_forms[0]))

static uint32_t form_buf[NFORMS][64];
static NameForm forms[NFORMS];
static size_t nforms = 0;

/* Decode UTF-8 that must be valid. */
static size_t
decode(const char *s, uint32_t *out)
{
	long		n = names_utf8_decode((const unsigned char *) s, strlen(s), out);

	if (n < 0)
	{
		fprintf(stderr, "invalid UTF-8 in a test string: %s\n", s);
		exit(2);
	}
	return (size_t) n;
}

/* Prepare the default forms the way the server does. */
static void
prepare_forms(void)
{
	for (size_t i = 0; i < NFORMS; i++)
	{
		uint32_t	cps[64];
		size_t		n = decode(default_forms[i], cps);
		size_t		len = names_fold(cps, n, form_buf[i]);

		if (names_form_init(&forms[nforms], form_buf[i], len, n))
			nforms++;
	}
	names_sort_forms(forms, nforms);
}

/* The key of a UTF-8 name, as UTF-8, into a static buffer. */
static const char *
key_of(const char *name)
{
	static unsigned char out[4096];
	uint32_t	cps[1024];
	uint32_t	key[1024];
	uint32_t	scratch[1024];
	size_t		n = decode(name, cps);
	size_t		k = names_key(cps, n, forms, nforms, key, scratch);
	size_t		bytes = names_utf8_encode(key, k, out);

	out[bytes] = '\0';
	return (const char *) out;
}

/* A name for the TAP line: control characters as \xNN. */
static const char *
printable(const char *s)
{
	static char buf[512];
	size_t		o = 0;

	for (; *s && o + 5 < sizeof(buf); s++)
	{
		if ((unsigned char) *s < 0x20)
			o += snprintf(buf + o, sizeof(buf) - o, "\\x%02X", (unsigned char) *s);
		else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static void
is_key(const char *name, const char *want)
{
	const char *got = key_of(name);

	ok(strcmp(got, want) == 0, "key of \"%s\" is \"%s\" (got \"%s\")", printable(name), want, got);
}

/* A form's folded key, as UTF-8. */
static bool
form_is(const char *form, const char *want, bool edge)
{
	uint32_t	cps[64];
	uint32_t	folded[64];
	unsigned char out[256];
	NameForm	f;
	size_t		n = decode(form, cps);
	size_t		len = names_fold(cps, n, folded);
	size_t		bytes;

	if (!names_form_init(&f, folded, len, n))
		return want == NULL;
	for (size_t i = 0; i < len; i++)
		if (folded[i] == NAMES_BREAK)
			folded[i] = '|';
	bytes = names_utf8_encode(folded, len, out);
	out[bytes] = '\0';
	return want != NULL && strcmp((char *) out, want) == 0 && f.edge_match == edge;
}

static void
test_issue_examples(void)
{
	/* the four spellings of the issue meet (after NFKC: ㈱ -> (株), Ａ -> A) */
	is_key("株式会社A社", "a社");
	is_key("A社", "a社");
	is_key("(株)A社", "a社");
	is_key("A社 Co., Ltd.", "a社");
	/* and their relatives */
	is_key("A社株式会社", "a社");
	is_key("A社(株)", "a社");
	is_key("株式会社 A社", "a社");
	is_key("A 社", "a社");
	is_key("株式会社 A社 Co.,Ltd.", "a社");
	is_key("(有)サンプル商事", "サンプル商事");
	is_key("合同会社 サンプル", "サンプル");
	is_key("サンプル・ホールディングス", "サンプルホールディングス");
	is_key("サンプル ホールディングス", "サンプルホールディングス");
}

static void
test_latin(void)
{
	is_key("Demo 1 Co., Ltd.", "demo 1");
	is_key("DEMO 1 CO LTD", "demo 1");
	is_key("Demo 1 Company Limited", "demo 1");
	is_key("Example 3 Inc.", "example 3");
	is_key("Example 3, Inc", "example 3");
	is_key("ACME GmbH", "acme");
	is_key("Sony K.K.", "sony");
	is_key("Foo L.L.C.", "foo");
	is_key("Foo LLC", "foo");
	is_key("Coca-Cola Company Limited", "cocacola");
	is_key("O'Brien & Sons Ltd", "obrien sons");
	is_key("  Foo,   Bar!!  ", "foo bar");
	is_key("Foo\tBar\n", "foo bar");
	/* whole tokens only: the co of Costco and the ag of Agfa stay */
	is_key("Costco Wholesale Corp.", "costco wholesale");
	is_key("Agfa AG", "agfa");
	is_key("Cobalt Co.", "cobalt");
	/* leading forms too, and repeatedly */
	is_key("Corp. Foo", "foo");
	is_key("Foo Holdings Co., Ltd. Inc.", "foo holdings");
	/* forms in the middle stay */
	is_key("Foo Ltd Bar", "foo ltd bar");
	/* something always remains */
	is_key("Limited", "limited");
	is_key("株式会社", "株式会社");
	is_key("Co., Ltd.", "co");
	/* nothing but punctuation: the empty key */
	is_key("!!! ---", "");
	is_key("", "");
}

static void
test_edges(void)
{
	/* a one-character form matches whole tokens only: 株山 keeps its 株 */
	is_key("株山商事", "株山商事");
	is_key("(株)株山商事", "株山商事");
	/* a bracketed form of two characters too: 一社堂 and 第一社 hold no form */
	is_key("一社堂", "一社堂");
	is_key("第一社", "第一社");
	is_key("一財商事", "一財商事");
	is_key("(一社)日本協会", "日本協会");
	is_key("一般社団法人日本協会", "日本協会");
	/* a spaced-script form never matches inside a token */
	is_key("Coinc", "coinc");
	/* zero-width and variation characters vanish */
	is_key("A\xE2\x80\x8B社", "a社");
	is_key("\xEF\xBB\xBF" "Foo", "foo");
	/* Greek, Cyrillic, Latin-1 case folding */
	is_key("ΑΘΗΝΑ", "αθηνα");
	is_key("ООО Ромашка", "ромашка");
	is_key("ÉCOLE ÅNGSTRÖM", "école ångström");
	/* beyond: Vietnamese, Romanian, Azerbaijani, polytonic Greek, Cyrillic palochka */
	is_key("CÔNG TY PHƯƠNG ĐÔNG", "công ty phương đông");
	is_key("ȘTEFĂNESCU", "ștefănescu");
	is_key("ƏLƏSGƏROV", "ələsgərov");
	is_key("ὈΛΥΜΠΟΣ", "ὀλυμποσ");
	is_key("ӀЛЬЯ", "ӏлья");
	/* CJK punctuation breaks; digits stay */
	is_key("「サンプル」、テスト。", "サンプルテスト");
	is_key("Ｆｏｏ", "ｆｏｏ");		/* not NFKC normalized: case folded only */
	/* forms themselves */
	ok(form_is("Co., Ltd.", "co|ltd", false), "form Co., Ltd. is co|ltd");
	ok(form_is("L.L.C.", "llc", false), "form L.L.C. is llc");
	ok(form_is("株式会社", "株式会社", true), "form 株式会社 matches inside a token");
	ok(form_is("(株)", "株", false), "form (株) is the whole token 株");
	ok(form_is("(一社)", "一社", false), "form (一社), written with brackets, is the whole token 一社");
	ok(form_is("...", NULL, false), "form of punctuation only is empty");
}

/*
 * Accents written on their own (issue 10, item 5): in a database that is not
 * UTF-8 they come as themselves (´ ¨ ¯ ¸ ゛), in UTF-8 as NFKC writes them (a
 * space and a combining mark); both give the same key.
 */
static void
test_spacing_accents(void)
{
	/* the acute accent typed for an apostrophe vanishes like one */
	is_key("O\u00B4Brien Ltd", "obrien");
	is_key("O \u0301Brien Ltd", "obrien");	/* its NFKC form */
	is_key("O'Brien Ltd", "obrien");
	is_key("D\u0384Angelo", "dangelo");	/* Greek tonos, the same accent */
	/* the others are symbols: they break */
	is_key("Caf\u00A8e", "caf e");
	is_key("Caf \u0308e", "caf e");
	is_key("A\u00AFB\u00B8C", "a b c");
	is_key("A \u0304B \u0327C", "a b c");
	is_key("A\u02D8B\u02DDC", "a b c");	/* breve, double acute */
	is_key("A \u0306B \u030BC", "a b c");
	is_key("\u0385x", "x");			/* dialytika tonos */
	is_key(" \u0308\u0301x", "x");	/* its NFKC form */
	is_key("\u30C6\u309B\u30FC\u30BF", "\u30C6\u30FC\u30BF");	/* spacing voiced mark */
	is_key("\u30C6 \u3099\u30FC\u30BF", "\u30C6\u30FC\u30BF");	/* its NFKC form */
	is_key("A\uFFE3B", "a b");			/* full-width macron */
	/* a mark attached to nothing breaks; one on a letter stays with it */
	is_key("\u0301abc", "abc");
	is_key("abc, \u0301def", "abc def");
	is_key("e\u0301cole", "e\u0301cole");
	is_key("e.\u0301cole", "e\u0301cole");	/* what vanishes is transparent */
	is_key("\u30AB\u3099", "\u30AB\u3099");
	is_key("\uFF76\uFF9E", "\uFF76\uFF9E");	/* (NFKC makes this U+30AC) */
	is_key("\uFF9E", "");
}

/* A key's code points (with opaque values), n of them: into out. */
static size_t
key_cps(const uint32_t *in, size_t n, uint32_t *out, const NamesCharset *cs)
{
	uint32_t	scratch[64];

	return names_key_in(in, n, forms, nforms, out, scratch, cs);
}

static bool
same_cps(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(uint32_t)) == 0;
}

/* Characters without a Unicode equivalent (opaque values). */
static void
test_opaque(void)
{
	const unsigned char gaiji[] = {0xF5, 0xA1};	/* EUC_JP user-defined */
	const unsigned char jis0212[] = {0x8F, 0xF5, 0xA1};
	const unsigned char byte[] = {0xE9};	/* SQL_ASCII, not UTF-8 */
	const unsigned char four[] = {0x8E, 0xA2, 0xA1, 0xA1};	/* EUC_TW plane 2 */
	const unsigned char ascii[] = {0xF5, 0x41};
	unsigned char back[4];
	uint32_t	g = names_opaque_pack(gaiji, 2);
	uint32_t	g3 = names_opaque_pack(jis0212, 3);
	uint32_t	b = names_opaque_pack(byte, 1);
	uint32_t	g4 = names_opaque_pack(four, 4);
	uint32_t	key[64];
	size_t		k;

	ok(g != 0 && g3 != 0 && b != 0 && g4 != 0 && names_is_opaque(g) && names_is_opaque(b) &&
	   g > NAMES_MAX_CODE_POINT && b > NAMES_MAX_CODE_POINT && g != g3 && g3 != g4,
	   "opaque values of 1 to 4 bytes are distinct and above U+10FFFF");
	ok(names_opaque_unpack(g, back) == 2 && memcmp(back, gaiji, 2) == 0 &&
	   names_opaque_unpack(g3, back) == 3 && memcmp(back, jis0212, 3) == 0 &&
	   names_opaque_unpack(b, back) == 1 && back[0] == 0xE9 &&
	   names_opaque_unpack(g4, back) == 4 && memcmp(back, four, 4) == 0,
	   "opaque values give their bytes back");
	ok(names_opaque_pack(ascii, 2) == 0 && names_opaque_pack(gaiji, 0) == 0 &&
	   names_opaque_pack((const unsigned char *) "\x80\x80\x80\x80\x80", 5) == 0,
	   "no opaque value for ASCII bytes, no bytes or more than 4");
	ok(!names_is_opaque(NAMES_MAX_CODE_POINT) && !names_is_opaque(0x41), "code points are not opaque");
	ok(names_char_class(g) == NAME_CHAR_KEEP && names_fold_case(g) == g &&
	   names_char_class(b) == NAME_CHAR_KEEP && names_fold_case(b) == b,
	   "an opaque character is a letter without case");
	ok(names_is_unspaced(g) && names_is_unspaced(g3) && !names_is_unspaced(b),
	   "multibyte opaque characters join like ideographs, single bytes like Latin letters");

	{
		/* 株式会社 + gaiji + 社: the form goes, the gaiji stays */
		uint32_t	in[] = {0x682A, 0x5F0F, 0x4F1A, 0x793E, g, 0x793E};
		uint32_t	want[] = {g, 0x793E};

		k = key_cps(in, 6, key, NULL);
		ok(same_cps(key, k, want, 2), "legal form before an opaque character is removed");
	}
	{
		/* "Foo " gaiji "bar Co., Ltd.": no space next to it */
		uint32_t	in[] = {'F', 'o', 'o', ' ', g, 'b', 'a', 'r', ' ', 'C', 'o', '.', ',', ' ', 'L', 't', 'd', '.'};
		uint32_t	want[] = {'f', 'o', 'o', g, 'b', 'a', 'r'};

		k = key_cps(in, sizeof(in) / sizeof(in[0]), key, NULL);
		ok(same_cps(key, k, want, 7), "Foo <gaiji>bar Co., Ltd. is foo<gaiji>bar");
	}
	{
		/* a single byte: a space stays between it and Latin letters */
		uint32_t	in[] = {'F', 'o', 'o', ' ', b, 'C', 'O', 'L', 'E'};
		uint32_t	want[] = {'f', 'o', 'o', ' ', b, 'c', 'o', 'l', 'e'};

		k = key_cps(in, 9, key, NULL);
		ok(same_cps(key, k, want, 9), "Foo <byte>COLE is foo <byte>cole");
	}
}

/* A charset holding Latin-1 only (with a count of its uses). */
static int	latin1_asked = 0;

static bool
latin1_holds(uint32_t cp, void *arg)
{
	(void) arg;
	latin1_asked++;
	return cp <= 0xFF;
}

/* Case folding stays inside the charset of the key. */
static void
test_charset(void)
{
	NamesCharset latin1 = {latin1_holds, NULL};
	uint32_t	key[64];
	size_t		k;

	{
		/* Ā has no Latin-1 lower case: it stays; Ÿ folds to ÿ; É to é */
		uint32_t	in[] = {0x100, 'B', ' ', 0x178, 0xC9};
		uint32_t	want_latin1[] = {0x100, 'b', ' ', 0xFF, 0xE9};
		uint32_t	want_all[] = {0x101, 'b', ' ', 0xFF, 0xE9};

		k = key_cps(in, 5, key, &latin1);
		ok(same_cps(key, k, want_latin1, 5), "a case folding the charset cannot hold is not applied");
		k = key_cps(in, 5, key, NULL);
		ok(same_cps(key, k, want_all, 5), "without a charset every folding is applied");
		latin1_asked = 0;
		k = key_cps((const uint32_t[]) {'A', 'b', 'C'}, 3, key, &latin1);
		ok(latin1_asked == 0 && k == 3 && key[0] == 'a' && key[2] == 'c', "ASCII folding asks nothing");
	}

	/* random names of Latin-1 characters give keys of Latin-1 characters */
	{
		bool		held = true;

		srand(11);
		for (int round = 0; round < 5000 && held; round++)
		{
			uint32_t	in[40];
			size_t		n = rand() % 40;

			for (size_t i = 0; i < n; i++)
				in[i] = (uint32_t) (rand() % 0x17F) + 1;	/* Latin-1 and Latin Extended-A */
			for (size_t i = 0; i < n; i++)
				if (in[i] > 0xFF && rand() % 2)
					in[i] &= 0xFF;
			k = key_cps(in, n, key, &latin1);
			for (size_t i = 0; i < k; i++)
			{
				bool		in_input = false;

				for (size_t j = 0; j < n; j++)
					in_input = in_input || in[j] == key[i];
				if (key[i] > 0xFF && !in_input)
					held = false;
			}
		}
		ok(held, "keys have no character outside the charset that the name did not have");
	}
}

static void
test_utf8(void)
{
	uint32_t	out[16];
	unsigned char bytes[64];
	const struct
	{
		const char *s;
		long		want;
	}			cases[] = {
		{"\xC0\x80", -1},		/* overlong NUL */
		{"\xE0\x80\xAF", -1},	/* overlong / */
		{"\xED\xA0\x80", -1},	/* surrogate */
		{"\xF4\x90\x80\x80", -1},	/* above U+10FFFF */
		{"\xF5\x80\x80\x80", -1},
		{"\xE3\x81", -1},		/* truncated */
		{"\x80", -1},			/* continuation byte first */
		{"a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80", 4},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(names_utf8_decode((const unsigned char *) cases[i].s, strlen(cases[i].s), out) == cases[i].want,
		   "utf8 decode case %zu gives %ld", i, cases[i].want);

	/* random code points round-trip */
	srand(42);
	for (int round = 0; round < 200; round++)
	{
		uint32_t	cps[16];
		uint32_t	back[16];
		size_t		n = 1 + rand() % 16;
		size_t		b;
		long		m;
		bool		same;

		for (size_t i = 0; i < n; i++)
		{
			uint32_t	cp;

			do
				cp = (uint32_t) rand() % (NAMES_MAX_CODE_POINT + 1);
			while (cp >= 0xD800 && cp <= 0xDFFF);
			cps[i] = cp;
		}
		b = names_utf8_encode(cps, n, bytes);
		m = names_utf8_decode(bytes, b, back);
		same = m == (long) n && memcmp(cps, back, n * sizeof(uint32_t)) == 0;
		if (!same || round == 199)
		{
			ok(same, "random code points round-trip through UTF-8 (round %d)", round);
			if (!same)
				break;
		}
	}
}

/*
 * The company key and the branch key ("-" when no branch part) of a name,
 * and its record key, as "company|branch|record".
 */
static const char *
parts_of(const char *name)
{
	static char out[4096];
	unsigned char c[1024];
	unsigned char b[1024];
	unsigned char r[1024];
	uint32_t	cps[1024];
	uint32_t	company[1024];
	uint32_t	branch[1024];
	uint32_t	record[1024];
	uint32_t	scratch[1024];
	size_t		n = decode(name, cps);
	NameKeys	keys = {0};

	keys.company = company;
	keys.branch = branch;
	keys.record = record;
	names_keys_in(cps, n, forms, nforms, scratch, NULL, &keys);
	c[names_utf8_encode(company, keys.company_len, c)] = '\0';
	b[names_utf8_encode(branch, keys.branch_len, b)] = '\0';
	r[names_utf8_encode(record, keys.record_len, r)] = '\0';
	snprintf(out, sizeof(out), "%s|%s|%s", c, keys.has_branch ? (char *) b : "-", r);
	return out;
}

static void
is_parts(const char *name, const char *want)
{
	const char *got = parts_of(name);

	ok(strcmp(got, want) == 0, "parts of \"%s\" are \"%s\" (got \"%s\")", printable(name), want, got);
}

/* Branch parts (names.h, "Branches"). */
static void
test_branches(void)
{
	/* the branches of one company share its company key, not their record key */
	is_parts("株式会社山田商事 本社", "山田商事|本社|山田商事本社");
	is_parts("山田商事 大阪支店", "山田商事|大阪支店|山田商事大阪支店");
	is_parts("山田商事(株) 名古屋営業所", "山田商事|名古屋営業所|山田商事名古屋営業所");
	is_parts("(株)山田商事 大阪支店", "山田商事|大阪支店|山田商事大阪支店");
	is_parts("株式会社山田商事　東京本社", "山田商事|東京本社|山田商事東京本社");
	is_parts("山田商事株式会社 第二営業部", "山田商事|第二営業部|山田商事第二営業部");
	/* brackets, several branch tokens, a form written without spaces */
	is_parts("山田商事(大阪支店)", "山田商事|大阪支店|山田商事大阪支店");
	is_parts("山田商事【本社】", "山田商事|本社|山田商事本社");
	is_parts("山田商事 大阪支店 営業部", "山田商事|大阪支店営業部|山田商事大阪支店営業部");
	is_parts("山田商事株式会社大阪支店", "山田商事|大阪支店|山田商事大阪支店");
	is_parts("山田商事(株) 東京 本社", "山田商事|東京本社|山田商事東京本社");
	is_parts("山田商事 物流センター", "山田商事|物流センター|山田商事物流センター");
	is_parts("山田商事 東京オフィス", "山田商事|東京オフィス|山田商事東京オフィス");
	/* English: one place token, or everything after a legal form */
	is_parts("Yamada Shoji Co., Ltd. Osaka Branch", "yamada shoji|osaka branch|yamada shoji osaka branch");
	is_parts("Yamada Shoji Osaka Branch", "yamada shoji|osaka branch|yamada shoji osaka branch");
	is_parts("Yamada Shoji Co., Ltd. New York Office", "yamada shoji|new york office|yamada shoji new york office");
	is_parts("Yamada Shoji Head Office", "yamada shoji|head office|yamada shoji head office");
	is_parts("Yamada Shoji HQ", "yamada shoji|hq|yamada shoji hq");
	is_parts("Yamada Corp. Plant", "yamada|plant|yamada plant");
	is_parts("Yamada Office", "yamada|office|yamada office");
	/* no branch: the record key is the name key of before */
	is_parts("株式会社山田商事", "山田商事|-|山田商事");
	is_parts("Yamada Shoji", "yamada shoji|-|yamada shoji");
	/* conservative: never the whole name, nor a company of legal forms only */
	is_parts("本社", "本社|-|本社");
	is_parts("大阪支店", "大阪支店|-|大阪支店");
	is_parts("Head Office", "head office|-|head office");
	is_parts("株式会社 大阪支店", "大阪支店|-|大阪支店");
	/* (legal forms at the start go first: a company "Osaka") */
	is_parts("Co., Ltd. Osaka Branch", "osaka|branch|osaka branch");
	is_parts("山田工務店", "山田工務店|-|山田工務店");
	is_parts("日本データセンター", "日本データセンター|-|日本データセンター");
	/* no separator and no form before the branch: not recognised */
	is_parts("山田商事大阪支店", "山田商事大阪支店|-|山田商事大阪支店");
	/* the record keys of spacing variants still meet */
	is_key("山田商事大阪支店", "山田商事大阪支店");
	is_key("山田商事 大阪支店", "山田商事大阪支店");
	is_key("山田商事(株)　大阪支店", "山田商事大阪支店");
	/* a word that ends like a branch word but is another word stays */
	is_parts("Yamada Officer", "yamada officer|-|yamada officer");
	is_parts("Yamada Branching", "yamada branching|-|yamada branching");
}

/* Random names: keys are well formed and a key's key is itself. */
static void
test_random(void)
{
	static const uint32_t alphabet[] = {
		'a', 'B', 'c', 'o', 'L', 't', 'd', '1', ' ', ' ', '.', ',', '-', '(', ')', '\'',
		0x682A, 0x5F0F, 0x4F1A, 0x793E, 0x30A2, 0x30FB, 0x3001, 0x3000, 0x200B, 0xC9,
		0xB4, 0xA8, 0x301, 0x308, 0x3099, 0x309B, NAMES_OPAQUE_FLAG | 0x10000000 | 0x2121,
		NAMES_OPAQUE_FLAG | 0x69
	};
	bool		well_formed = true;
	bool		idempotent = true;

	srand(7);
	for (int round = 0; round < 5000; round++)
	{
		uint32_t	in[40];
		uint32_t	key[40];
		uint32_t	key2[40];
		uint32_t	scratch[40];
		size_t		n = rand() % 40;
		size_t		k;
		size_t		k2;

		for (size_t i = 0; i < n; i++)
			in[i] = alphabet[rand() % (sizeof(alphabet) / sizeof(alphabet[0]))];
		k = names_key(in, n, forms, nforms, key, scratch);
		if (k > n || (k > 0 && (key[0] == ' ' || key[k - 1] == ' ')))
			well_formed = false;
		for (size_t i = 0; i < k; i++)
			if (key[i] == NAMES_BREAK || (i > 0 && key[i] == ' ' && key[i - 1] == ' ') ||
				names_char_class(key[i]) == NAME_CHAR_DROP)
				well_formed = false;
		k2 = names_key(key, k, forms, nforms, key2, scratch);
		/* keys that are a lone legal form may lose one more form: skip those */
		if (k2 != k || memcmp(key, key2, k * sizeof(uint32_t)) != 0)
		{
			uint32_t	folded[40];
			size_t		fl = names_fold(key, k, folded);
			bool		lone_forms = false;

			for (size_t f = 0; f < nforms; f++)
				if (forms[f].len <= fl && memcmp(forms[f].key, folded, forms[f].len * sizeof(uint32_t)) == 0)
					lone_forms = true;
			if (!lone_forms)
				idempotent = false;
		}
	}
	ok(well_formed, "random names give keys without breaks, doubled or outer spaces");
	ok(idempotent, "the key of a key is itself (unless it starts with a legal form)");
}

int
main(void)
{
	prepare_forms();
	test_issue_examples();
	test_latin();
	test_edges();
	test_branches();
	test_spacing_accents();
	test_opaque();
	test_charset();
	test_utf8();
	test_random();
	return tap_done();
}
