/*
 * labels.h
 *		The labels of the codes (dormancy.labels): which language a locale
 *		name means, and the lookup of a (vocabulary, code) key.
 *
 * Pure computation, no PostgreSQL headers: this file and labels.c build
 * into the unit tests as well as into the server module (src/labels_sql.c
 * reads the table once per query and calls these per row).
 *
 * Keys are compared as bytes, as PostgreSQL's text equality does under a
 * deterministic collation: vocabulary first, then code.
 */
#ifndef DORMANCY_CORE_LABELS_H
#define DORMANCY_CORE_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The languages of the labels. */
typedef enum LabelLanguage
{
	LABEL_EN = 0,
	LABEL_JA = 1,
	LABEL_NLANGUAGES
} LabelLanguage;

/* The codes of the languages, by LabelLanguage: "en", "ja". */
extern const char *const label_language_codes[LABEL_NLANGUAGES];

/*
 * The language of a code ("en", "ja", in any case), or -1 when it is
 * neither.
 */
extern int	label_language_of_code(const char *code);

/*
 * The language a locale name means (the value of lc_messages): Japanese
 * for "ja" and names starting with it followed by "_", "-", "." or "@"
 * (ja_JP.UTF-8, ja-JP, ja_JP.eucJP) and for Windows' "Japanese..."
 * (Japanese_Japan.932), in any case; English for every other name,
 * empty, C and POSIX included.
 */
extern LabelLanguage label_language_of_locale(const char *locale);

/* A key of the label table: bytes, not terminated; row: the caller's. */
typedef struct LabelKey
{
	const char *vocabulary;
	size_t		vocabulary_len;
	const char *code;
	size_t		code_len;
	int32_t		row;
} LabelKey;

/* Sort keys by vocabulary, then code (bytes; a prefix first), in place. */
extern void label_keys_sort(LabelKey *keys, int n);

/* Whether two keys are the same (vocabulary and code). */
extern bool label_keys_equal(const LabelKey *a, const LabelKey *b);

/*
 * The index of the first key equal to (vocabulary, code) in sorted keys,
 * or -1 when none is.
 */
extern int	label_keys_find(const LabelKey *keys, int n, const char *vocabulary, size_t vocabulary_len,
							const char *code, size_t code_len);

#endif							/* DORMANCY_CORE_LABELS_H */
