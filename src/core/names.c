/*
 * names.c
 *		Company-name keys (see names.h for the definition, step by step).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this file
 * directly.  The character tables here are deliberately small and explicit:
 * NFKC (done by the caller) already maps full-width letters, digits and
 * punctuation, circled and parenthesized forms (㈱ is "(株)") and most
 * compatibility characters onto plain ones, so what is left to classify is
 * white space, punctuation and symbols.
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

/* Class of a code point below U+0080. */
static NameCharClass
ascii_class(uint32_t cp)
{
	if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
		return NAME_CHAR_KEEP;
	if (cp == '.' || cp == '\'' || cp == '-')
		return NAME_CHAR_DROP;
	/* controls, space and all other punctuation */
	return NAME_CHAR_BREAK;
}

NameCharClass
names_char_class(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_class(cp);
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: a letter of its own */
		return NAME_CHAR_KEEP;
	if (cp <= 0x9F || cp == 0xA0)	/* C1 controls (with NEL), no-break space */
		return NAME_CHAR_BREAK;
	if (cp == 0xAD || cp == 0xB7)	/* soft hyphen, middle dot */
		return NAME_CHAR_DROP;
	if (cp == 0xB4)				/* acute accent, typed for an apostrophe */
		return NAME_CHAR_DROP;
	if (cp <= 0xBF)
	{
		/* Latin-1 punctuation and symbols; ª µ º and the digits stay */
		if (cp == 0xAA || cp == 0xB5 || cp == 0xBA ||
			cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE))
			return NAME_CHAR_KEEP;
		return NAME_CHAR_BREAK;
	}
	if (cp == 0xD7 || cp == 0xF7)	/* multiplication and division signs */
		return NAME_CHAR_BREAK;

	/*
	 * Spacing accents and other modifier symbols (NFKC writes most of them as
	 * a space and a combining mark, which breaks the same way): ˂-˅, ˒-˟,
	 * ˥-˫, ˭, ˯-˿, the Greek ͺ ΅ and the polytonic breathings and accents;
	 * the tonos ΄ and oxia ´ are acute accents and vanish like ´.
	 */
	if ((cp >= 0x2C2 && cp <= 0x2C5) || (cp >= 0x2D2 && cp <= 0x2DF) ||
		(cp >= 0x2E5 && cp <= 0x2EB) || cp == 0x2ED || (cp >= 0x2EF && cp <= 0x2FF) ||
		cp == 0x37A || cp == 0x385 || cp == 0x1FBD || (cp >= 0x1FBF && cp <= 0x1FC1) ||
		(cp >= 0x1FCD && cp <= 0x1FCF) || (cp >= 0x1FDD && cp <= 0x1FDF) ||
		(cp >= 0x1FED && cp <= 0x1FEF) || cp == 0x1FFE)
		return NAME_CHAR_BREAK;
	if (cp == 0x384 || cp == 0x1FFD)
		return NAME_CHAR_DROP;
	if (cp == 0x2BC || cp == 0x34F || cp == 0x180E)	/* modifier apostrophe, CGJ, MVS */
		return NAME_CHAR_DROP;
	if (cp == 0x1680)			/* ogham space */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2000 && cp <= 0x206F)
	{
		/* General Punctuation */
		if (cp <= 0x200A)		/* spaces */
			return NAME_CHAR_BREAK;
		if (cp <= 0x200F)		/* zero width space, joiners, direction marks */
			return NAME_CHAR_DROP;
		if (cp <= 0x2013)		/* hyphens, figure dash, en dash */
			return NAME_CHAR_DROP;
		if (cp == 0x2019 || cp == 0x2027)	/* apostrophe, hyphenation point */
			return NAME_CHAR_DROP;
		if (cp >= 0x202A && cp <= 0x202E)	/* bidirectional embedding */
			return NAME_CHAR_DROP;
		if (cp >= 0x2060)		/* word joiner, invisible operators, isolates */
			return NAME_CHAR_DROP;
		return NAME_CHAR_BREAK; /* em dash, quotes, bullets, line separators, ... */
	}
	if (cp >= 0x20A0 && cp <= 0x20CF)	/* currency signs */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2190 && cp <= 0x2BFF)	/* arrows, mathematical and technical
										 * symbols, box drawing, shapes, dingbats */
		return NAME_CHAR_BREAK;
	if (cp >= 0x2E00 && cp <= 0x2E7F)	/* supplemental punctuation */
		return NAME_CHAR_BREAK;
	if (cp >= 0x3000 && cp <= 0x303F)
	{
		/* CJK Symbols and Punctuation: 々 〆 〇 and the marks after 〡 stay */
		if (cp <= 0x3004 || (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 || cp == 0x303D)
			return NAME_CHAR_BREAK;
		return NAME_CHAR_KEEP;
	}
	if (cp == 0x309B || cp == 0x309C)	/* spacing voiced sound marks ゛ ゜ */
		return NAME_CHAR_BREAK;
	if (cp == 0x30A0)			/* katakana-hiragana double hyphen */
		return NAME_CHAR_BREAK;
	if (cp == 0x30FB || cp == 0xFF65)	/* katakana middle dot ・ */
		return NAME_CHAR_DROP;
	if (cp >= 0xFE00 && cp <= 0xFE0F)	/* variation selectors */
		return NAME_CHAR_DROP;
	if (cp >= 0xFE10 && cp <= 0xFE6F)	/* vertical, compatibility and small forms */
		return NAME_CHAR_BREAK;
	if (cp == 0xFEFF)			/* byte order mark */
		return NAME_CHAR_DROP;
	if (cp >= 0xFF01 && cp <= 0xFF64)
	{
		/* full-width ASCII (when not NFKC normalized) */
		if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
			(cp >= 0xFF41 && cp <= 0xFF5A))
			return NAME_CHAR_KEEP;
		if (cp == 0xFF07 || cp == 0xFF0D || cp == 0xFF0E)
			return NAME_CHAR_DROP;
		return NAME_CHAR_BREAK;
	}
	if (cp >= 0xFFE0 && cp <= 0xFFEE)	/* full-width signs ￠ ￡ ￢ ￣ ￤ ￥ ￦, half-width forms */
		return NAME_CHAR_BREAK;
	if (cp >= 0xFFF0 && cp <= 0xFFFF)	/* specials, replacement character */
		return NAME_CHAR_BREAK;
	if (cp >= 0x1F000 && cp <= 0x1FAFF)	/* emoji and other pictographs */
		return NAME_CHAR_BREAK;
	if ((cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF))
		return NAME_CHAR_DROP;	/* tags, variation selectors supplement */
	return NAME_CHAR_KEEP;
}

uint32_t
names_fold_case(uint32_t cp)
{
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: no case */
		return cp;
	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	if (cp < 0x100)
		return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ? cp + 32 : cp;
	if (cp <= 0x17F)
	{
		/* Latin Extended-A: mostly upper/lower pairs */
		if ((cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
			return (cp % 2 == 0) ? cp + 1 : cp;
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
			return (cp % 2 == 1) ? cp + 1 : cp;
		if (cp == 0x178)
			return 0xFF;
		if (cp == 0x17F)		/* long s */
			return 's';
		return cp;
	}
	if (cp >= 0x386 && cp <= 0x3AB)
	{
		/* Greek capitals */
		if (cp == 0x386)
			return 0x3AC;
		if (cp >= 0x388 && cp <= 0x38A)
			return cp + 37;
		if (cp == 0x38C)
			return 0x3CC;
		if (cp == 0x38E || cp == 0x38F)
			return cp + 63;
		if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
			return cp + 32;
		return cp;
	}
	if (cp == 0x3C2)			/* final sigma */
		return 0x3C3;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 32;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
		(cp >= 0x4D0 && cp <= 0x52F))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if (cp >= 0x4C1 && cp <= 0x4CE)
		return (cp % 2 == 1) ? cp + 1 : cp;
	if (cp >= 0x531 && cp <= 0x556) /* Armenian */
		return cp + 48;
	if ((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if (cp >= 0xFF21 && cp <= 0xFF3A)	/* full-width capitals */
		return cp + 32;
	return cp;
}

bool
names_is_unspaced(uint32_t cp)
{
	if (cp > NAMES_MAX_CODE_POINT)	/* opaque: multibyte ones */
		return (cp & 0x30000000) != 0;
	return (cp >= 0x2E80 && cp <= 0x2FDF) ||	/* CJK and Kangxi radicals */
		(cp >= 0x3000 && cp <= 0x30FF) ||	/* CJK punctuation, hiragana, katakana */
		(cp >= 0x3100 && cp <= 0x312F) ||	/* bopomofo */
		(cp >= 0x3190 && cp <= 0x31FF) ||	/* kanbun, strokes, katakana extension */
		(cp >= 0x3400 && cp <= 0x4DBF) ||	/* CJK extension A */
		(cp >= 0x4E00 && cp <= 0x9FFF) ||	/* CJK unified ideographs */
		(cp >= 0xF900 && cp <= 0xFAFF) ||	/* CJK compatibility ideographs */
		(cp >= 0xFF66 && cp <= 0xFF9F) ||	/* half-width katakana */
		(cp >= 0x20000 && cp <= 0x3FFFF);	/* CJK extensions B and later */
}

bool
names_is_combining(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) ||	/* combining diacritical marks */
		(cp >= 0x1AB0 && cp <= 0x1AFF) ||	/* extended */
		(cp >= 0x1DC0 && cp <= 0x1DFF) ||	/* supplement */
		(cp >= 0x20D0 && cp <= 0x20FF) ||	/* for symbols */
		(cp >= 0xFE20 && cp <= 0xFE2F) ||	/* half marks */
		cp == 0x3099 || cp == 0x309A || /* kana voiced sound marks */
		cp == 0xFF9E || cp == 0xFF9F || /* half-width ones (NFKC: the above) */
		(cp >= 0x1160 && cp <= 0x11FF) ||	/* Hangul medial and final jamo */
		(cp >= 0xD7B0 && cp <= 0xD7FF);
}

uint32_t
names_opaque_pack(const unsigned char *bytes, size_t len)
{
	uint32_t	v = 0;

	if (len < 1 || len > 4)
		return 0;
	for (size_t i = 0; i < len; i++)
	{
		if (bytes[i] < 0x80)
			return 0;
		v = (v << 7) | (bytes[i] & 0x7F);
	}
	return NAMES_OPAQUE_FLAG | ((uint32_t) (len - 1) << 28) | v;
}

bool
names_is_opaque(uint32_t cp)
{
	return (cp & NAMES_OPAQUE_FLAG) != 0;
}

size_t
names_opaque_unpack(uint32_t cp, unsigned char *out)
{
	size_t		len = ((cp >> 28) & 3) + 1;

	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char) (0x80 | ((cp >> (7 * (len - 1 - i))) & 0x7F));
	return len;
}

size_t
names_fold_in(const uint32_t *in, size_t n, uint32_t *out, const NamesCharset *cs)
{
	size_t		len = 0;
	bool		pending_break = false;
	bool		after_break = true;	/* the last character was a break (or none) */

	for (size_t i = 0; i < n; i++)
	{
		NameCharClass cls;

		/* a space and a combining acute: the acute accent ´, as an apostrophe */
		if (in[i] == ' ' && i + 1 < n && in[i + 1] == 0x301)
		{
			i++;
			continue;
		}
		cls = names_char_class(in[i]);
		/* a combining mark attached to nothing: a spacing accent, a symbol */
		if (cls == NAME_CHAR_KEEP && after_break && names_is_combining(in[i]))
			cls = NAME_CHAR_BREAK;
		switch (cls)
		{
			case NAME_CHAR_DROP:
				break;
			case NAME_CHAR_BREAK:
				/* a break only between two tokens: none at the start */
				if (len > 0)
					pending_break = true;
				break;
			case NAME_CHAR_KEEP:
				{
					uint32_t	folded = names_fold_case(in[i]);

					if (pending_break)
					{
						out[len++] = NAMES_BREAK;
						pending_break = false;
					}
					if (folded != in[i] && folded >= 0x80 && cs != NULL &&
						!cs->holds(folded, cs->arg))
						folded = in[i];
					out[len++] = folded;
				}
				break;
		}
		if (cls != NAME_CHAR_DROP)	/* what vanishes is transparent */
			after_break = cls == NAME_CHAR_BREAK;
	}
	return len;
}

size_t
names_fold(const uint32_t *in, size_t n, uint32_t *out)
{
	return names_fold_in(in, n, out, NULL);
}

/*
 * Edge matching (inside the first or last token) only for a form written in
 * unspaced characters alone, nothing folded away: (一社) written with its
 * brackets is a whole token, and matched at the edge it cut 一社 out of
 * 一社堂 and 第一社 (names that hold no legal form).
 */
bool
names_form_init(NameForm *form, const uint32_t *folded, size_t len, size_t written_len)
{
	bool		unspaced = len >= 2 && len == written_len;

	form->key = folded;
	form->len = len;
	for (size_t i = 0; i < len && unspaced; i++)
		unspaced = folded[i] != NAMES_BREAK && names_is_unspaced(folded[i]);
	form->edge_match = unspaced;
	return len > 0;
}

/* qsort order: longer first, then by code points (deterministic). */
static int
form_cmp(const void *a, const void *b)
{
	const NameForm *fa = a;
	const NameForm *fb = b;

	if (fa->len != fb->len)
		return fa->len > fb->len ? -1 : 1;
	for (size_t i = 0; i < fa->len; i++)
		if (fa->key[i] != fb->key[i])
			return fa->key[i] < fb->key[i] ? -1 : 1;
	return 0;
}

void
names_sort_forms(NameForm *forms, size_t nforms)
{
	if (nforms > 1)
		qsort(forms, nforms, sizeof(NameForm), form_cmp);
}

/* True when the len code points at a equal those at b. */
static inline bool
same_chars(const uint32_t *a, const uint32_t *b, size_t len)
{
	return memcmp(a, b, len * sizeof(uint32_t)) == 0;
}

size_t
names_strip_forms(const uint32_t *s, size_t *len, const NameForm *forms, size_t nforms)
{
	size_t		start = 0;
	size_t		n = *len;
	bool		changed = true;

	/*
	 * Invariant: s[start .. start + n) has no break at either end.  A form
	 * is removed only when it is shorter than what is left, so something
	 * always remains.
	 */
	while (changed)
	{
		changed = false;
		for (size_t f = 0; f < nforms && !changed; f++)
		{
			const NameForm *form = &forms[f];
			size_t		fl = form->len;

			if (fl == 0 || fl >= n)
				continue;
			/* at the start: whole tokens, or the start of the first token */
			if (same_chars(s + start, form->key, fl))
			{
				if (s[start + fl] == NAMES_BREAK)
				{
					start += fl + 1;
					n -= fl + 1;
					changed = true;
				}
				else if (form->edge_match)
				{
					start += fl;
					n -= fl;
					changed = true;
				}
				if (changed)
					break;
			}
			/* at the end: whole tokens, or the end of the last token */
			if (same_chars(s + start + n - fl, form->key, fl))
			{
				if (s[start + n - fl - 1] == NAMES_BREAK)
				{
					n -= fl + 1;
					changed = true;
				}
				else if (form->edge_match)
				{
					n -= fl;
					changed = true;
				}
			}
		}
	}
	*len = n;
	return start;
}

size_t
names_join(const uint32_t *s, size_t len, uint32_t *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		if (s[i] != NAMES_BREAK)
			out[o++] = s[i];
		else if (i > 0 && i + 1 < len &&
				 !names_is_unspaced(s[i - 1]) && !names_is_unspaced(s[i + 1]))
			out[o++] = ' ';
	}
	return o;
}

/*
 * Branch words (names.h, "Branches"), folded: the English ones as tokens
 * separated by NAMES_BREAK, longest first; place says whether one place
 * token before the word belongs to the branch ("Tokyo Office").
 */
typedef struct BranchWord
{
	const uint32_t *cps;
	size_t		len;
	bool		place;
} BranchWord;

static const uint32_t bw_branch_office[] = {'b', 'r', 'a', 'n', 'c', 'h', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_sales_office[] = {'s', 'a', 'l', 'e', 's', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_head_office[] = {'h', 'e', 'a', 'd', 0, 'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_headquarters[] = {'h', 'e', 'a', 'd', 'q', 'u', 'a', 'r', 't', 'e', 'r', 's'};
static const uint32_t bw_factory[] = {'f', 'a', 'c', 't', 'o', 'r', 'y'};
static const uint32_t bw_branch[] = {'b', 'r', 'a', 'n', 'c', 'h'};
static const uint32_t bw_office[] = {'o', 'f', 'f', 'i', 'c', 'e'};
static const uint32_t bw_plant[] = {'p', 'l', 'a', 'n', 't'};
static const uint32_t bw_hq[] = {'h', 'q'};

#define BW(a, place) {a, sizeof(a) / sizeof(a[0]), place}

static const BranchWord spaced_branch_words[] = {
	BW(bw_branch_office, true), BW(bw_sales_office, true), BW(bw_head_office, false),
	BW(bw_headquarters, false), BW(bw_factory, true), BW(bw_branch, true),
	BW(bw_office, true), BW(bw_plant, true), BW(bw_hq, false)
};

/* 本社 本店 本部 支店 支社 営業所 事業所 出張所 営業部 事業部 工場 研究所 センター オフィス */
static const uint32_t bw_honsha[] = {0x672C, 0x793E};
static const uint32_t bw_honten[] = {0x672C, 0x5E97};
static const uint32_t bw_honbu[] = {0x672C, 0x90E8};
static const uint32_t bw_shiten[] = {0x652F, 0x5E97};
static const uint32_t bw_shisha[] = {0x652F, 0x793E};
static const uint32_t bw_eigyosho[] = {0x55B6, 0x696D, 0x6240};
static const uint32_t bw_jigyosho[] = {0x4E8B, 0x696D, 0x6240};
static const uint32_t bw_shutchojo[] = {0x51FA, 0x5F35, 0x6240};
static const uint32_t bw_eigyobu[] = {0x55B6, 0x696D, 0x90E8};
static const uint32_t bw_jigyobu[] = {0x4E8B, 0x696D, 0x90E8};
static const uint32_t bw_kojo[] = {0x5DE5, 0x5834};
static const uint32_t bw_kenkyujo[] = {0x7814, 0x7A76, 0x6240};
static const uint32_t bw_center[] = {0x30BB, 0x30F3, 0x30BF, 0x30FC};
static const uint32_t bw_ofisu[] = {0x30AA, 0x30D5, 0x30A3, 0x30B9};

static const BranchWord unspaced_branch_words[] = {
	BW(bw_center, false), BW(bw_ofisu, false),
	BW(bw_eigyosho, false), BW(bw_jigyosho, false), BW(bw_shutchojo, false),
	BW(bw_eigyobu, false), BW(bw_jigyobu, false), BW(bw_kenkyujo, false),
	BW(bw_honsha, false), BW(bw_honten, false), BW(bw_honbu, false),
	BW(bw_shiten, false), BW(bw_shisha, false), BW(bw_kojo, false)
};

#define LENGTH_OF(a) (sizeof(a) / sizeof(a[0]))

/* The start of the token that ends at end (s[end] is a break, or end is the length). */
static size_t
token_start(const uint32_t *s, size_t end)
{
	while (end > 0 && s[end - 1] != NAMES_BREAK)
		end--;
	return end;
}

/* The length of the Japanese branch word s[a .. e) ends with, 0 for none. */
static size_t
unspaced_branch_suffix(const uint32_t *s, size_t a, size_t e)
{
	for (size_t i = 0; i < LENGTH_OF(unspaced_branch_words); i++)
	{
		const BranchWord *w = &unspaced_branch_words[i];

		if (e - a >= w->len && same_chars(s + e - w->len, w->cps, w->len))
			return w->len;
	}
	return 0;
}

/*
 * True when a legal form of whole tokens ends just before the token that
 * starts at t (t > 0), with something before the form.
 */
static bool
form_before(const uint32_t *s, size_t t, const NameForm *forms, size_t nforms)
{
	size_t		fe = t - 1;		/* the break before the token */

	for (size_t f = 0; f < nforms; f++)
	{
		size_t		fl = forms[f].len;

		if (fl == 0 || fl >= fe)
			continue;
		if (s[fe - fl - 1] == NAMES_BREAK && same_chars(s + fe - fl, forms[f].key, fl))
			return true;
	}
	return false;
}

/* True when s[0 .. n) is nothing but legal forms (taken from the start). */
static bool
only_forms(const uint32_t *s, size_t n, const NameForm *forms, size_t nforms)
{
	while (n > 0)
	{
		bool		hit = false;

		for (size_t f = 0; f < nforms && !hit; f++)
		{
			size_t		fl = forms[f].len;

			if (fl == 0 || fl > n || !same_chars(s, forms[f].key, fl))
				continue;
			if (fl == n)
				return true;
			if (s[fl] == NAMES_BREAK)
			{
				s += fl + 1;
				n -= fl + 1;
				hit = true;
			}
			else if (forms[f].edge_match)
			{
				s += fl;
				n -= fl;
				hit = true;
			}
		}
		if (!hit)
			return false;
	}
	return true;
}

bool
names_find_branch(const uint32_t *s, size_t len, const NameForm *forms, size_t nforms,
				  size_t *company_end, size_t *branch_start)
{
	size_t		last;
	size_t		w = 0;			/* start of the branch part; 0: none found */
	size_t		suffix;
	bool		place = false;

	if (len == 0)
		return false;
	last = token_start(s, len);

	/* a. an English branch word: whole tokens at the end */
	for (size_t i = 0; i < LENGTH_OF(spaced_branch_words) && w == 0; i++)
	{
		const BranchWord *bw = &spaced_branch_words[i];

		/* the whole name is a branch word ("Head Office"): no branch part */
		if (bw->len == len && same_chars(s, bw->cps, len))
			return false;
		if (bw->len < len && s[len - bw->len - 1] == NAMES_BREAK &&
			same_chars(s + len - bw->len, bw->cps, bw->len))
		{
			w = len - bw->len;
			place = bw->place;
		}
	}

	if (w == 0 && (suffix = unspaced_branch_suffix(s, last, len)) > 0)
	{
		/*
		 * b. a legal form written without spaces inside the last token, before
		 * the branch: the branch starts after it (the rightmost such form)
		 */
		for (size_t q = len - suffix; q > last; q--)
		{
			for (size_t f = 0; f < nforms; f++)
			{
				size_t		fl = forms[f].len;

				if (forms[f].edge_match && fl < q && q - fl >= last &&
					same_chars(s + q - fl, forms[f].key, fl))
				{
					*company_end = q;
					*branch_start = q;
					return !only_forms(s, q, forms, nforms);
				}
			}
		}
		/* b. the last token, and the ones before it that also end with a branch word */
		if (last > 0)
		{
			w = last;
			while (w > 0)
			{
				size_t		ps = token_start(s, w - 1);

				if (ps == 0 || unspaced_branch_suffix(s, ps, w - 1) == 0)
					break;
				w = ps;
			}
		}
	}
	if (w == 0)
		return false;

	/* c. a legal form at most two tokens before the branch word */
	{
		size_t		t = w;

		for (int k = 0; k < 3 && t > 0; k++)
		{
			if (form_before(s, t, forms, nforms))
			{
				w = t;
				place = false;
				break;
			}
			t = token_start(s, t - 1);
		}
	}
	/* a. one place token, when something remains before it */
	if (place)
	{
		size_t		pw = token_start(s, w - 1);

		if (pw > 0)
			w = pw;
	}
	/* d. the company part must be more than legal forms */
	if (only_forms(s, w - 1, forms, nforms))
		return false;
	*company_end = w - 1;
	*branch_start = w;
	return true;
}

void
names_keys_in(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
			  uint32_t *scratch, const NamesCharset *cs, NameKeys *keys)
{
	size_t		len = names_fold_in(in, n, scratch, cs);
	size_t		start = names_strip_forms(scratch, &len, forms, nforms);
	const uint32_t *s = scratch + start;
	const uint32_t *company = s;
	size_t		company_len = len;
	const uint32_t *branch = NULL;
	size_t		branch_len = 0;
	size_t		company_end;
	size_t		branch_start;

	keys->has_branch = names_find_branch(s, len, forms, nforms, &company_end, &branch_start);
	if (keys->has_branch)
	{
		size_t		cstart;

		company_len = company_end;
		cstart = names_strip_forms(s, &company_len, forms, nforms);
		company = s + cstart;
		branch = s + branch_start;
		branch_len = len - branch_start;
	}
	keys->company_len = 0;
	keys->branch_len = 0;
	keys->record_len = 0;
	if (keys->company)
		keys->company_len = names_join(company, company_len, keys->company);
	if (keys->branch && branch_len > 0)
		keys->branch_len = names_join(branch, branch_len, keys->branch);
	if (keys->record)
	{
		size_t		o = names_join(company, company_len, keys->record);

		if (branch_len > 0)
		{
			/* a space between the two parts only between two spaced scripts */
			if (o > 0 && !names_is_unspaced(company[company_len - 1]) &&
				!names_is_unspaced(branch[0]))
				keys->record[o++] = ' ';
			o += names_join(branch, branch_len, keys->record + o);
		}
		keys->record_len = o;
	}
}

size_t
names_key_in(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
			 uint32_t *out, uint32_t *scratch, const NamesCharset *cs)
{
	NameKeys	keys = {0};

	keys.record = out;
	names_keys_in(in, n, forms, nforms, scratch, cs, &keys);
	return keys.record_len;
}

size_t
names_key(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
		  uint32_t *out, uint32_t *scratch)
{
	return names_key_in(in, n, forms, nforms, out, scratch, NULL);
}

long
names_utf8_decode(const unsigned char *s, size_t len, uint32_t *out)
{
	size_t		i = 0;
	long		n = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		uint32_t	cp;
		int			extra;
		uint32_t	min;

		if (c < 0x80)
		{
			out[n++] = c;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
		{
			cp = c & 0x1F;
			extra = 1;
			min = 0x80;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			cp = c & 0x0F;
			extra = 2;
			min = 0x800;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			cp = c & 0x07;
			extra = 3;
			min = 0x10000;
		}
		else
			return -1;
		if (len - i <= (size_t) extra)
			return -1;
		for (int k = 1; k <= extra; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > NAMES_MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		out[n++] = cp;
		i += extra + 1;
	}
	return n;
}

size_t
names_utf8_encode(const uint32_t *cps, size_t n, unsigned char *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < n; i++)
	{
		uint32_t	cp = cps[i];

		if (cp < 0x80)
			out[o++] = (unsigned char) cp;
		else if (cp < 0x800)
		{
			out[o++] = (unsigned char) (0xC0 | (cp >> 6));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			out[o++] = (unsigned char) (0xE0 | (cp >> 12));
			out[o++] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
		else
		{
			out[o++] = (unsigned char) (0xF0 | (cp >> 18));
			out[o++] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
			out[o++] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (unsigned char) (0x80 | (cp & 0x3F));
		}
	}
	return o;
}
