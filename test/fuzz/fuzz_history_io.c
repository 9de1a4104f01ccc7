/*
 * fuzz_history_io.c
 *		libFuzzer target for the text and binary I/O of purchase_history:
 *		purchase_history_in / _out / _recv / _send of src/history_type.c,
 *		which validate through history_validate of src/core/history.c.  The
 *		functions run as they are, on the backend stand-ins of pg_stub.c.
 *
 * The first input byte picks the path; the rest is the text (up to the
 * first NUL) or the binary message.
 *
 * Invariants:
 *	- input that is refused is refused with a clean error: invalid text or
 *	  binary representation, protocol violation (message too short),
 *	  numeric value out of range or program limit exceeded; never another
 *	  (internal) error;
 *	- a value that the text or binary input accepts passes
 *	  CheckPurchaseHistory;
 *	- its text output reads back as the same value, byte for byte, and
 *	  prints the same text again (dump and restore);
 *	- its binary output reads back as the same value, and binary output of
 *	  an accepted message is that message.
 */
#include "postgres.h"

#include "fmgr.h"
#include "history_type.h"
#include "lib/stringinfo.h"
#include "pg_stub.h"

#include <stdio.h>
#include <stdlib.h>

/* the server's snprintf family (src/port) is not linked in */
#undef fprintf

extern Datum purchase_history_in(PG_FUNCTION_ARGS);
extern Datum purchase_history_out(PG_FUNCTION_ARGS);
extern Datum purchase_history_recv(PG_FUNCTION_ARGS);
extern Datum purchase_history_send(PG_FUNCTION_ARGS);
int			LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

#define FZ_T "fuzz_history_io"

#define FZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, FZ_T ": invariant violated: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, "\n"); \
			abort(); \
		} \
	} while (0)

/* The errors a refused input may raise. */
static bool
fz_clean_error(int sqlstate)
{
	return sqlstate == ERRCODE_INVALID_TEXT_REPRESENTATION ||
		sqlstate == ERRCODE_INVALID_BINARY_REPRESENTATION ||
		sqlstate == ERRCODE_PROTOCOL_VIOLATION ||
		sqlstate == ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE ||
		sqlstate == ERRCODE_PROGRAM_LIMIT_EXCEEDED;
}

static bool
fz_same(const PurchaseHistory *a, const PurchaseHistory *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

/* Call, and abort unless it succeeds. */
static Datum
fz_must(const char *what, PGFunction fn, Datum arg, const char *input)
{
	Datum		result = 0;
	int			sqlstate = 0;
	const char *message = NULL;

	FZ_CHECK(fz_pg_call(fn, arg, &result, &sqlstate, &message),
			 "%s failed: %s (SQLSTATE %s) on \"%.300s\"", what, message,
			 unpack_sql_state(sqlstate), input);
	return result;
}

static void
fz_check_history(const void *h)
{
	CheckPurchaseHistory((const PurchaseHistory *) h);
}

/* Every property of an accepted value h; origin describes the input. */
static void
fz_check_value(PurchaseHistory *h, const char *origin)
{
	char	   *text1;
	char	   *text2;
	PurchaseHistory *h2;
	bytea	   *bin;
	StringInfoData msg;
	int			sqlstate = 0;
	const char *message = NULL;

	FZ_CHECK(fz_pg_try(fz_check_history, h, &sqlstate, &message),
			 "accepted value fails CheckPurchaseHistory: %s (input %.300s)", message, origin);

	/* text: out, in, out */
	text1 = DatumGetCString(fz_must("output", purchase_history_out, PointerGetDatum(h), origin));
	h2 = (PurchaseHistory *) DatumGetPointer(fz_must("input of the output", purchase_history_in,
													CStringGetDatum(text1), text1));
	FZ_CHECK(fz_same(h, h2), "text output \"%.300s\" reads back as a different value", text1);
	text2 = DatumGetCString(fz_must("output", purchase_history_out, PointerGetDatum(h2), text1));
	FZ_CHECK(strcmp(text1, text2) == 0, "text \"%.300s\" prints again as \"%.300s\"", text1, text2);

	/* binary: send, recv */
	bin = (bytea *) DatumGetPointer(fz_must("send", purchase_history_send, PointerGetDatum(h), text1));
	msg.data = VARDATA(bin);
	msg.len = VARSIZE(bin) - VARHDRSZ;
	msg.maxlen = msg.len;
	msg.cursor = 0;
	h2 = (PurchaseHistory *) DatumGetPointer(fz_must("receive of the binary output", purchase_history_recv,
													PointerGetDatum(&msg), text1));
	FZ_CHECK(fz_same(h, h2), "binary output of \"%.300s\" reads back as a different value", text1);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	Datum		result = 0;
	int			sqlstate = 0;
	const char *message = NULL;

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0)
	{
		/* text input: the bytes up to the first NUL */
		char	   *str = palloc(size);

		memcpy(str, data + 1, size - 1);
		str[size - 1] = '\0';
		if (fz_pg_call(purchase_history_in, CStringGetDatum(str), &result, &sqlstate, &message))
			fz_check_value((PurchaseHistory *) DatumGetPointer(result), str);
		else
			FZ_CHECK(fz_clean_error(sqlstate), "text input \"%.300s\" raised %s: %s",
					 str, unpack_sql_state(sqlstate), message);
	}
	else
	{
		/* binary input: the message as it comes off the wire */
		StringInfoData msg;
		char	   *bytes = palloc(size);	/* room for a terminating NUL */

		memcpy(bytes, data + 1, size - 1);
		bytes[size - 1] = '\0';
		msg.data = bytes;
		msg.len = (int) size - 1;
		msg.maxlen = (int) size;
		msg.cursor = 0;
		if (fz_pg_call(purchase_history_recv, PointerGetDatum(&msg), &result, &sqlstate, &message))
		{
			PurchaseHistory *h = (PurchaseHistory *) DatumGetPointer(result);
			bytea	   *bin;

			fz_check_value(h, "(binary)");
			/* the whole message was read, and send gives it back */
			FZ_CHECK(msg.cursor == msg.len, "receive read %d of %d bytes", msg.cursor, msg.len);
			bin = (bytea *) DatumGetPointer(fz_must("send", purchase_history_send, PointerGetDatum(h), "(binary)"));
			FZ_CHECK(VARSIZE(bin) - VARHDRSZ == (Size) msg.len && memcmp(VARDATA(bin), msg.data, msg.len) == 0,
					 "binary output differs from the accepted message");
		}
		else
			FZ_CHECK(fz_clean_error(sqlstate), "binary input raised %s: %s",
					 unpack_sql_state(sqlstate), message);
	}
	fz_pg_reset();
	return 0;
}
