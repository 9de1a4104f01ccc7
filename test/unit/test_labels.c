/*
 * test_labels.c
 *		Unit tests of the labels' pure part (src/core/labels.c): the
 *		language of a locale name and the lookup of a key, without a
 *		server.  Prints TAP; exits nonzero when a test fails.
 *
 * Build: "make unit".  The table, the setting and the views are tested by
 * sql/labels.sql.
 */
#include <string.h>

#include "tap.h"
#include "labels.h"

static LabelKey
key(const char *v, const char *c, int row)
{
	LabelKey	k = {v, strlen(v), c, strlen(c), row};

	return k;
}

static void
test_locales(void)
{
	ok(label_language_of_locale("ja_JP.UTF-8") == LABEL_JA, "ja_JP.UTF-8 is Japanese");
	ok(label_language_of_locale("ja_JP.eucJP") == LABEL_JA, "ja_JP.eucJP is Japanese");
	ok(label_language_of_locale("ja") == LABEL_JA, "ja is Japanese");
	ok(label_language_of_locale("ja-JP") == LABEL_JA, "ja-JP (ICU style) is Japanese");
	ok(label_language_of_locale("JA_JP.utf8") == LABEL_JA, "case does not matter");
	ok(label_language_of_locale("ja@x") == LABEL_JA && label_language_of_locale("ja.UTF-8") == LABEL_JA, "ja followed by @ or . is Japanese");
	ok(label_language_of_locale("Japanese_Japan.932") == LABEL_JA, "Windows' Japanese_Japan.932 is Japanese");
	ok(label_language_of_locale("C") == LABEL_EN, "C is English");
	ok(label_language_of_locale("C.UTF-8") == LABEL_EN, "C.UTF-8 is English");
	ok(label_language_of_locale("POSIX") == LABEL_EN, "POSIX is English");
	ok(label_language_of_locale("") == LABEL_EN, "empty is English");
	ok(label_language_of_locale(NULL) == LABEL_EN, "NULL is English");
	ok(label_language_of_locale("en_US.UTF-8") == LABEL_EN, "en_US.UTF-8 is English");
	ok(label_language_of_locale("de_DE.UTF-8") == LABEL_EN, "any other language is English");
	ok(label_language_of_locale("jam") == LABEL_EN, "a longer word starting with ja is not Japanese");
	ok(label_language_of_locale("j") == LABEL_EN, "a prefix of ja is not Japanese");
}

static void
test_codes(void)
{
	ok(label_language_of_code("ja") == LABEL_JA, "ja");
	ok(label_language_of_code("EN") == LABEL_EN, "EN, any case");
	ok(label_language_of_code("") == -1, "empty is no language");
	ok(label_language_of_code("jap") == -1, "jap is no language");
	ok(label_language_of_code("e") == -1, "e is no language");
	ok(label_language_of_code(NULL) == -1, "NULL is no language");
	ok(strcmp(label_language_codes[LABEL_JA], "ja") == 0 && strcmp(label_language_codes[LABEL_EN], "en") == 0,
	   "the codes of the languages");
}

static void
test_keys(void)
{
	LabelKey	k[7];

	k[0] = key("state", "dormant", 0);
	k[1] = key("state", "active", 1);
	k[2] = key("segment", "repeat", 2);
	k[3] = key("state", "dormant", 3);
	k[4] = key("state", "dormant_x", 4);
	k[5] = key("stat", "eactive", 5);
	k[6] = key("state", "", 6);
	label_keys_sort(k, 7);

	ok(strcmp(k[0].vocabulary, "segment") == 0, "sorted by vocabulary first");
	ok(k[1].row == 5, "a shorter vocabulary first (stat before state), not the concatenation");
	ok(label_keys_find(k, 7, "state", 5, "dormant", 7) >= 0, "a key is found");
	{
		int			i = label_keys_find(k, 7, "state", 5, "dormant", 7);

		ok(k[i].row == 0 && k[i + 1].row == 3 && label_keys_equal(&k[i], &k[i + 1]),
		   "the first of equal keys is found, equal keys in row order");
	}
	ok(label_keys_find(k, 7, "state", 5, "dorman", 6) == -1, "a prefix of a code is not the code");
	ok(k[label_keys_find(k, 7, "state", 5, "dormant_x", 9)].row == 4, "a longer code is another code");
	ok(label_keys_find(k, 7, "stat", 4, "eactive", 7) >= 0 &&
	   label_keys_find(k, 7, "state", 5, "active", 6) >= 0 &&
	   k[label_keys_find(k, 7, "stat", 4, "eactive", 7)].row == 5,
	   "vocabulary and code are two parts of the key");
	ok(label_keys_find(k, 7, "state", 5, "", 0) >= 0, "an empty code is a code");
	ok(label_keys_find(k, 7, "State", 5, "active", 6) == -1, "case matters");
	ok(label_keys_find(k, 7, "segment", 7, "dormant", 7) == -1, "a code of another vocabulary is not found");
	ok(label_keys_find(k, 0, "state", 5, "active", 6) == -1, "nothing is in an empty table");
	ok(!label_keys_equal(&k[0], &k[1]), "keys of other vocabularies differ");
	label_keys_sort(k, 0);
	ok(true, "an empty table sorts");
}

int
main(void)
{
	test_locales();
	test_codes();
	test_keys();
	return tap_done();
}
