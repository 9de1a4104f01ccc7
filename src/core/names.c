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

bool
names_form_init(NameForm *form, const uint32_t *folded, size_t len)
{
	bool		unspaced = len >= 2;

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

size_t
names_key_in(const uint32_t *in, size_t n, const NameForm *forms, size_t nforms,
			 uint32_t *out, uint32_t *scratch, const NamesCharset *cs)
{
	size_t		len = names_fold_in(in, n, scratch, cs);
	size_t		start = names_strip_forms(scratch, &len, forms, nforms);

	return names_join(scratch + start, len, out);
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
