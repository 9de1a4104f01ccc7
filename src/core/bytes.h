/*
 * bytes.h
 *		The byte order of two strings that need not be NUL-terminated: the
 *		total order the sorted lookups of the core use (rules.c, labels.c).
 *
 * Pure computation, no PostgreSQL headers.
 */
#ifndef DORMANCY_CORE_BYTES_H
#define DORMANCY_CORE_BYTES_H

#include <stddef.h>
#include <string.h>

/* memcmp over the shorter, then the shorter first. */
static inline int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

#endif							/* DORMANCY_CORE_BYTES_H */
