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
 *     so does the acute accent ´, mostly typed for an apostrophe;
 *  3. every other run of white space, punctuation or symbols is one token
 *     break, and breaks at either end are dropped; the other accents written
 *     on their own (¨ ¯ ¸ ...) and combining marks attached to nothing are
 *     symbols (names_fold());
 *  4. legal forms are removed from the start and from the end, repeatedly,
 *     as long as something remains (and from the end of the company part
 *     before a branch part, see below): a form matches whole tokens ("Co., Ltd."
 *     is the tokens co + ltd and never eats the "co" of "Costco"); a form
 *     written in a script without spaces (株式会社, 有限会社; two or more
 *     such characters) also matches as the start of the first token or the
 *     end of the last one, since Japanese writes it without a break;
 *  5. the tokens are joined with one space between two characters of
 *     scripts that use spaces (Latin, digits, ...) and with nothing where
 *     either side is Japanese or Chinese, so 「A 社」 and 「A社」 meet.
 *
 * Branches (names_find_branch): a name may end with a branch part, the
 * account of one office of a company (「株式会社山田商事 大阪支店」).  The
 * name key above keeps the branch (two branches are two records), but a
 * legal form written between the company and its branch is removed too
 * (「山田商事(株) 大阪支店」 and 「株式会社山田商事 大阪支店」 meet); the
 * company key is the key of the company part alone (every branch of one
 * company meets on it); the branch key that of the branch part.  What counts
 * as a branch part, conservatively (only at the end, never the whole name):
 *  a. the last tokens are an English branch word: branch office, sales
 *     office, branch, office, plant, factory (with one place token before
 *     it, if that leaves something: "Tokyo Office"), head office,
 *     headquarters, hq (without);
 *  b. else the last token ends with a Japanese branch word (本社 本店 本部
 *     支店 支社 営業所 事業所 出張所 営業部 事業部 工場 研究所 センター
 *     オフィス; 大阪支店, 東京本社: the token is the branch part), and the
 *     tokens before it that also end with one (「大阪支店 営業部」); or such a
 *     last token holds a legal form written without spaces before the
 *     branch (「山田商事株式会社大阪支店」: the branch starts after the form);
 *  c. when a legal form (whole tokens) stands at most two tokens before the
 *     branch word, everything after the form is the branch part ("Co., Ltd.
 *     New York Office", 「(株) 東京 本社」);
 *  d. a branch part is taken only when the tokens before it are more than
 *     legal forms (「株式会社 大阪支店」 is a company named so).
 * A branch written without a separator and without a legal form before it
 * (「山田商事大阪支店」) is not recognised: its company key is the whole
 * key (conservative: such names are grouped with nothing).
 */
#ifndef DORMANCY_CORE_NAMES_H
#define DORMANCY_CORE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Characters that have no Unicode equivalent (a code of the database encoding
 * that maps to nothing: EUC_JP's user-defined rows and unassigned codes, the
 * undefined bytes of some single-byte encodings, the bytes >= 0x80 of a
 * SQL_ASCII name that is not UTF-8) travel through a key as "opaque" values
 * above U+10FFFF that hold their bytes (1 to 4, each >= 0x80: every byte of
 * a multibyte character of a server encoding is).  An opaque character is a
 * letter of its own: kept, never case folded; a multibyte one counts as a
 * character of a script written without spaces (they are mostly ideographs
 * made for names), a single byte as one of a spaced script.
 */
#define NAMES_OPAQUE_FLAG ((uint32_t) 0x80000000)

/*
 * What the encoding of the key can hold, when not everything: holds(cp, arg)
 * is true when code point cp can be written in it.  A case folding that
 * cannot be written is not applied (NULL: every code point can).
 */
typedef struct NamesCharset
{
	bool		(*holds) (uint32_t cp, void *arg);
	void	   *arg;
} NamesCharset;

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
 * True for combining marks (the combining diacritical blocks, the kana voiced
 * sound marks, Hangul medial and final jamo): characters that attach to the
 * one before them.
 */
extern bool names_is_combining(uint32_t cp);

/*
 * The opaque value of a character of len bytes (1 to 4, each >= 0x80), or 0
 * when it cannot be one.
 */
extern uint32_t names_opaque_pack(const unsigned char *bytes, size_t len);

/* True for an opaque value (one above U+10FFFF). */
extern bool names_is_opaque(uint32_t cp);

/* The bytes of an opaque value into out (room for 4); returns their number. */
extern size_t names_opaque_unpack(uint32_t cp, unsigned char *out);

/*
 * Steps 1 to 3: fold n code points into out (room for n), tokens separated by
 * single NAMES_BREAK values, none at either end.  Returns the length.
 *
 * A combining mark that is attached to nothing (first, or after white space,
 * punctuation or a symbol) is a symbol: NFKC writes the spacing accents
 * ¨ ¯ ¸ ˘ ˙ ˚ ˛ ˜ ˝ ゛ ゜ as a space and a combining mark, and they break
 * like the accents themselves.  The acute accent ´ (NFKC: a space and U+0301)
 * is mostly typed for an apostrophe (D´Angelo) and vanishes like one.
 */
extern size_t names_fold(const uint32_t *in, size_t n, uint32_t *out);

/* names_fold() for a key in a charset that cannot hold everything (cs may be NULL). */
extern size_t names_fold_in(const uint32_t *in, size_t n, uint32_t *out,
							const NamesCharset *cs);

/*
 * Make a form from a folded string (as returned by names_fold) of a form
 * written in written_len code points.  Returns false for an empty form,
 * which matches nothing and is to be left out.
 */
extern bool names_form_init(NameForm *form, const uint32_t *folded, size_t len, size_t written_len);

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

/* names_key() for a key in a charset that cannot hold everything (cs may be NULL). */
extern size_t names_key_in(const uint32_t *in, size_t n,
						   const NameForm *forms, size_t nforms,
						   uint32_t *out, uint32_t *scratch,
						   const NamesCharset *cs);

/*
 * Where the branch part of a folded string s (after names_strip_forms: no
 * legal form at either end) starts: returns false when there is none, else
 * sets *company_end (the company part is s[0 .. *company_end), never empty,
 * no break at either end) and *branch_start (the branch part is
 * s[*branch_start .. len), never empty).  forms must be sorted.
 */
extern bool names_find_branch(const uint32_t *s, size_t len,
							  const NameForm *forms, size_t nforms,
							  size_t *company_end, size_t *branch_start);

/*
 * The keys of a name, with branches (see above).  The caller sets the
 * buffers it wants (room for n code points each; NULL: not wanted);
 * names_keys_in sets the lengths and has_branch.
 */
typedef struct NameKeys
{
	uint32_t   *record;			/* the name key (names_key) */
	size_t		record_len;
	uint32_t   *company;		/* the company key: without the branch part */
	size_t		company_len;
	uint32_t   *branch;			/* the key of the branch part (empty: none) */
	size_t		branch_len;
	bool		has_branch;
} NameKeys;

/*
 * The keys of a name of n code points; scratch needs room for n code points,
 * forms must be sorted, cs may be NULL.
 */
extern void names_keys_in(const uint32_t *in, size_t n,
						  const NameForm *forms, size_t nforms,
						  uint32_t *scratch, const NamesCharset *cs, NameKeys *keys);

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
