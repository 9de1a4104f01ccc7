/*
 * in_line_sql.c
 *		dormancy._lz4_in_line(jsonb): the value compressed with lz4 and kept
 *		in line, as PostgreSQL stores a value it compresses in a row over
 *		about 2 kB; for the snapshot's score_breakdown, whose rows stay under
 *		that size.
 *
 * PostgreSQL compresses a row's values only when the row is longer than
 * TOAST_TUPLE_THRESHOLD (about 2 kB, fixed when the server is built; a
 * table's toast_tuple_target cannot lower it).  A snapshot row is about
 * 1.7 kB, 1 kB of it the score_breakdown, so nothing is compressed and two
 * rows fill the half of a page that the snapshot's fillfactor (50) leaves.
 * Every refresh writes every row again.  The refresh passes the breakdown
 * through this function when the column's method is lz4: 0.4 kB shorter, three
 * rows a page.  The value stored is what the toaster itself would store
 * (a compressed in-line datum with its method); every reader decompresses it
 * as it decompresses the toaster's (pg_detoast_datum), and
 * pg_column_compression() reports lz4.  A value that lz4 does not make
 * smaller, one already compressed, and any value on a server built without
 * lz4 are returned as they are.
 */
#include "postgres.h"

#include "access/toast_compression.h"
#include "access/toast_internals.h"
#include "fmgr.h"

PG_FUNCTION_INFO_V1(lz4_in_line);

/* SQL: dormancy._lz4_in_line(jsonb) returns jsonb */
Datum
lz4_in_line(PG_FUNCTION_ARGS)
{
#ifdef USE_LZ4
	struct varlena *raw = PG_GETARG_RAW_VARLENA_P(0);
	struct varlena *value;
	Datum		compressed;

	if (VARATT_IS_COMPRESSED(raw))
		PG_RETURN_POINTER(raw);
	/* an external (toasted) or short-header value: its plain bytes */
	value = pg_detoast_datum_packed(raw);
	compressed = toast_compress_datum(PointerGetDatum(value), TOAST_LZ4_COMPRESSION);
	if (DatumGetPointer(compressed) != NULL)
		PG_RETURN_DATUM(compressed);
	PG_RETURN_POINTER(value);
#else
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
#endif
}
