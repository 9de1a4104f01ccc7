/*
 * names.h
 *		Company-name keys: fold a (Unicode NFKC normalized) company name into
 *		a key on which spelling variants of one company meet, e.g.
 *		「株式会社Ａ社」, 「A社」, 「(株)A社」 and "A社 Co., Ltd." all give "a社".
 *
 * Pure computation, no PostgreSQL headers: this file and names.c build into
 * the unit tests as well as into the server module.  Strings are arrays of
 * Unicode code points (uint32_t); the caller decodes and encodes UTF-8 (helpers
 * below) and applies NFKC first (the server has unicode_normalize()).
 *
 * The key of a name, step by step (docs/priority.md, "Clean names"):
 *  1. case folding (simple folding of Latin, Greek and Cyrillic letters);
 *  2. joiners vanish: . ' - and their Unicode relatives (hyphens, the
 *     apostrophe ’, the middle dots · and ・), zero-width characters and
 *     variation selectors, so "K.K." is "kk" and "Coca-Cola" is "cocacola";
 *  3. every other run of white space, punctuation or symbols is one token
 *     break, and breaks at either end are dropped;
 *  4. legal forms are removed from the start and from the end, repeatedly,
 *     as long as something remains: a form matches whole tokens ("Co., Ltd."
 *     is the tokens co + ltd and never eats the "co" of "Costco"); a form
 *     written in a script without spaces (株式会社, 有限会社; two or more
 *     such characters) also matches as the start of the first token or the
 *     end of the last one, since Japanese writes it without a break;
 *  5. the tokens are joined with one space between two characters of
 *     scripts that use spaces (Latin, digits, ...) and with nothing where
 *     either side is Japanese or Chinese, so 「A 社」 and 「A社」 meet.
 */
#ifndef DORMANCY_CORE_NAMES_H
#define DORMANCY_CORE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point that separates tokens inside a folded string. */
#define NAMES_BREAK ((uint32_t) 0)

/* Largest valid Unicode code point. */
#define NAMES_MAX_CODE_POINT 0x10FFFF

/* What a character does to a name. */
typedef enum NameCharClass
{
	NAME_CHAR_KEEP,				/* part of a token */
	NAME_CHAR_BREAK,			/* separates tokens (space, punctuation, symbols) */
	NAME_CHAR_DROP				/* vanishes without separating (joiners, zero width) */
} NameCharClass;

/*
 * One legal form, folded with names_fold(): its tokens separated by
 * NAMES_BREAK.  edge_match says it may also match inside the first or last
 * token (set by names_form_init()).
 */
typedef struct NameForm
{
	const uint32_t *key;
	size_t		len;
	bool		edge_match;
} NameForm;

/* The class of one code point. */
extern NameCharClass names_char_class(uint32_t cp);

/* The simple case folding of one code point (itself when it has none). */
extern uint32_t names_fold_case(uint32_t cp);

/* True for characters of scripts written without spaces (kana, CJK ideographs). */
extern bool names_is_unspaced(uint32_t cp);

/*
 * Steps 1 to 3: fold n code points into out (room for n), tokens separated by
 * single NAMES_BREAK values, none at either end.  Returns the length.
 */
extern size_t names_fold(const uint32_t *in, size_t n, uint32_t *out);

/*
 * Make a form from a folded string (as returned by names_fold).  Returns false
 * for an empty form, which matches nothing and is to be left out.
 */
extern bool names_form_init(NameForm *form, const uint32_t *folded, size_t len);

/* Sort forms longest first (then by code points), so the longest form wins. */
extern void names_sort_forms(NameForm *forms, size_t nforms);

/*
 * Step 4 on a folded string s of length *len: returns the offset at which the
 * remaining string starts and sets *len to its length.  Something always
 * remains of a non-empty string.
 */
extern size_t names_strip_forms(const uint32_t *s, size_t *len,
								const NameForm *forms, size_t nforms);

/* Step 5: join the tokens of a folded string into out (room for len). */
extern size_t names_join(const uint32_t *s, size_t len, uint32_t *out);

/*
 * Steps 1 to 5: the key of a name of n code points, into out (room for n).
 * scratch needs room for n code points.  forms must be sorted
 * (names_sort_forms).  Returns the key's length (0 for a name of nothing but
 * spaces and punctuation).
 */
extern size_t names_key(const uint32_t *in, size_t n,
						const NameForm *forms, size_t nforms,
						uint32_t *out, uint32_t *scratch);

/*
 * Decode UTF-8 into code points (room for len).  Returns the number of code
 * points, or -1 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates and values above U+10FFFF are invalid).
 */
extern long names_utf8_decode(const unsigned char *s, size_t len, uint32_t *out);

/*
 * Encode code points as UTF-8 into out (room for 4 * n bytes, no terminator
 * written).  Returns the number of bytes.  Code points must be valid.
 */
extern size_t names_utf8_encode(const uint32_t *cps, size_t n, unsigned char *out);

#endif							/* DORMANCY_CORE_NAMES_H */
