/*
 * customer_id.h
 *		A customer id read back from its text, exactly as PostgreSQL writes it
 *		(dormancy.customer_id_from_text): an integer without sign '+', leading
 *		zeros, "-0" or blanks, in range; a uuid as 8-4-4-4-12 lower-case hex
 *		digits.  Any other text is no id of the type, never an error: the
 *		server function is LEAKPROOF, so that row security keeps it in index
 *		conditions.
 *
 * Pure computation, no PostgreSQL headers: built into the unit tests as
 * well as into the server module (src/customer_id_sql.c).
 */
#ifndef DORMANCY_CORE_CUSTOMER_ID_H
#define DORMANCY_CORE_CUSTOMER_ID_H

#include <stdbool.h>
#include <stdint.h>

/* Whether data[0..len) is the text of a 64-bit integer; its value in *result. */
extern bool customer_id_parse_integer(const char *data, int len, int64_t *result);

/* Whether data[0..len) is the text of a uuid; its 16 bytes in out. */
extern bool customer_id_parse_uuid(const char *data, int len, unsigned char out[16]);

#endif
