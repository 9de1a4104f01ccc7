/*
 * label_key.h
 *		The comparison key of a user label (dormancy.label_key): surrounding
 *		white space trimmed, inner runs of white space collapsed to one
 *		space, ASCII letters lower-cased.
 *
 * Pure computation, no PostgreSQL headers: built into the unit tests and
 * the fuzz target as well as into the server module.  The server glue
 * (src/label_key_sql.c) applies Unicode NFKC first (UTF8 databases) and the
 * server's lower() for letters beyond ASCII after.
 *
 * White space: the ASCII blanks (space, tab, newline, vertical tab, form
 * feed, carriage return); in UTF-8 also U+00A0 (no-break space) and U+3000
 * (ideographic space), which NFKC maps to a space anyway.  In other server
 * encodings every byte of a multi-byte character is 0x80 or above, so the
 * ASCII bytes seen are ASCII characters.
 */
#ifndef DORMANCY_CORE_LABEL_KEY_H
#define DORMANCY_CORE_LABEL_KEY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Write the key of in[0..len) to out (room for len bytes; out may be in)
 * and return its length.  utf8: the bytes are UTF-8 (U+00A0 and U+3000 are
 * white space too).  *non_ascii (when not NULL) is set when the key has a
 * byte of 0x80 or above.
 */
extern size_t label_fold(const char *in, size_t len, char *out, bool utf8, bool *non_ascii);

/*
 * The white space at both ends of in[0..len) trimmed, nothing else changed
 * (dormancy.outreach_customer_key): returns the length of what is left and
 * sets *start to its offset (0 when nothing is left).  The white space is
 * the key's (utf8: U+00A0 and U+3000 too).
 */
extern size_t label_trim(const char *in, size_t len, bool utf8, size_t *start);

/* Whether in[0..len) is all ASCII (no byte of 0x80 or above). */
extern bool label_is_ascii(const char *in, size_t len);

#endif							/* DORMANCY_CORE_LABEL_KEY_H */
