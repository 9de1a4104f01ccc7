/*
 * pg_stub.c
 *		Just enough of the backend to run the I/O functions of
 *		src/history_type.c in a fuzzer: memory (malloc, freed per input),
 *		ereport (longjmp back to fz_pg_call), StringInfo, the wire-format
 *		helpers of pqformat.c, and date2j/j2date/day_tab/scanner_isspace as
 *		PostgreSQL 15 defines them.  Anything else history_type.c links to
 *		aborts: the fuzzer never calls it.
 *
 * Shortest float output (double_to_shortest_decimal_buf) comes from the
 * real libpgcommon.a of the server package.
 */
#include "pg_stub.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dormancy.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "parser/scansup.h"
#include "utils/datetime.h"
#include "utils/tuplestore.h"

/* the server's snprintf family (src/port) is not linked in: use the C library's */
#undef vsnprintf
#undef snprintf
#undef fprintf

/* ---------- memory: every block on one list, freed by fz_pg_reset ---------- */

typedef struct FzBlock
{
	struct FzBlock *prev;
	struct FzBlock *next;
	size_t		size;
	size_t		pad;			/* keep the payload 16-byte aligned */
} FzBlock;

static FzBlock fz_blocks = {&fz_blocks, &fz_blocks, 0, 0};

static void *
fz_block_alloc(size_t size, bool zero)
{
	FzBlock    *b = zero ? calloc(1, sizeof(FzBlock) + size) : malloc(sizeof(FzBlock) + size);

	if (b == NULL)
	{
		fprintf(stderr, "pg_stub: out of memory\n");
		abort();
	}
	b->size = size;
	b->next = fz_blocks.next;
	b->prev = &fz_blocks;
	fz_blocks.next->prev = b;
	fz_blocks.next = b;
	return b + 1;
}

static void
fz_block_unlink(FzBlock *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

void *
palloc(Size size)
{
	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	return fz_block_alloc(size, false);
}

void *
palloc0(Size size)
{
	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	return fz_block_alloc(size, true);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return palloc(size);
}

void
pfree(void *pointer)
{
	FzBlock    *b = (FzBlock *) pointer - 1;

	fz_block_unlink(b);
	free(b);
}

void *
repalloc(void *pointer, Size size)
{
	FzBlock    *old = (FzBlock *) pointer - 1;
	void	   *p;

	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	p = fz_block_alloc(size, false);
	memcpy(p, pointer, Min(old->size, size));
	pfree(pointer);
	return p;
}

void
fz_pg_reset(void)
{
	while (fz_blocks.next != &fz_blocks)
	{
		FzBlock    *b = fz_blocks.next;

		fz_block_unlink(b);
		free(b);
	}
}

char *
psprintf(const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = palloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---------- ereport: ERROR jumps back to fz_pg_call ---------- */

static sigjmp_buf *fz_jump = NULL;
static int	fz_elevel;
static int	fz_sqlstate;
static char fz_message[1024];

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

bool
errstart(int elevel, const char *domain)
{
	if (elevel < ERROR)
		return false;			/* warnings and notices: dropped */
	fz_elevel = elevel;
	fz_sqlstate = ERRCODE_INTERNAL_ERROR;	/* elog's default */
	fz_message[0] = '\0';
	return true;
}

int
errcode(int sqlerrcode)
{
	fz_sqlstate = sqlerrcode;
	return 0;
}

int
errmsg(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(fz_message, sizeof(fz_message), fmt, ap);
	va_end(ap);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(fz_message, sizeof(fz_message), fmt, ap);
	va_end(ap);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	return 0;
}

int
errhint(const char *fmt,...)
{
	return 0;
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (fz_elevel >= ERROR && fz_jump != NULL)
		siglongjmp(*fz_jump, 1);
	fprintf(stderr, "pg_stub: error outside fz_pg_call: %s\n", fz_message);
	abort();
}

char *
unpack_sql_state(int sql_state)
{
	static char buf[12];
	int			i;

	for (i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(sql_state);
		sql_state >>= 6;
	}
	buf[i] = '\0';
	return buf;
}

bool
fz_pg_call(PGFunction fn, Datum arg, Datum *result, int *sqlstate,
		   const char **message)
{
	sigjmp_buf	jump;
	LOCAL_FCINFO(fcinfo, 3);

	InitFunctionCallInfoData(*fcinfo, NULL, 3, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = ObjectIdGetDatum(InvalidOid);
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = Int32GetDatum(-1);
	fcinfo->args[2].isnull = false;
	if (sigsetjmp(jump, 0) == 0)
	{
		fz_jump = &jump;
		*result = fn(fcinfo);
		fz_jump = NULL;
		return true;
	}
	fz_jump = NULL;
	*sqlstate = fz_sqlstate;
	*message = fz_message;
	return false;
}

bool
fz_pg_try(void (*fn) (const void *), const void *arg, int *sqlstate,
		  const char **message)
{
	sigjmp_buf	jump;

	if (sigsetjmp(jump, 0) == 0)
	{
		fz_jump = &jump;
		fn(arg);
		fz_jump = NULL;
		return true;
	}
	fz_jump = NULL;
	*sqlstate = fz_sqlstate;
	*message = fz_message;
	return false;
}

/* ---------- StringInfo (lib/stringinfo.c) ---------- */

void
initStringInfo(StringInfo str)
{
	str->maxlen = 1024;
	str->data = palloc(str->maxlen);
	str->len = 0;
	str->data[0] = '\0';
	str->cursor = 0;
}

void
enlargeStringInfo(StringInfo str, int needed)
{
	int			newlen;

	if (needed < 0 || ((Size) needed) >= (MaxAllocSize - (Size) str->len))
		elog(ERROR, "out of memory");
	needed += str->len + 1;
	if (needed <= str->maxlen)
		return;
	newlen = 2 * str->maxlen;
	while (needed > newlen)
		newlen = 2 * newlen;
	if (newlen > (int) MaxAllocSize)
		newlen = (int) MaxAllocSize;
	str->data = repalloc(str->data, newlen);
	str->maxlen = newlen;
}

void
appendStringInfo(StringInfo str, const char *fmt,...)
{
	for (;;)
	{
		va_list		ap;
		int			avail = str->maxlen - str->len;
		int			n;

		va_start(ap, fmt);
		n = vsnprintf(str->data + str->len, avail, fmt, ap);
		va_end(ap);
		if (n < avail)
		{
			str->len += n;
			return;
		}
		enlargeStringInfo(str, n);
	}
}

void
appendBinaryStringInfo(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
	str->data[str->len] = '\0';
}

void
appendStringInfoString(StringInfo str, const char *s)
{
	appendBinaryStringInfo(str, s, (int) strlen(s));
}

void
appendStringInfoChar(StringInfo str, char ch)
{
	appendBinaryStringInfo(str, &ch, 1);
}

/* ---------- libpq/pqformat.c ---------- */

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendBinaryStringInfo(buf, "\0\0\0\0", 4);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

void
pq_sendfloat8(StringInfo buf, float8 f)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.f = f;
	pq_sendint64(buf, swap.i);
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("no data left in message")));
	return (unsigned char) msg->data[msg->cursor++];
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	uint32		n32;

	if (b != 4)
		elog(ERROR, "pg_stub: unsupported integer size %d", b);
	if (msg->cursor < 0 || b > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("insufficient data left in message")));
	memcpy(&n32, msg->data + msg->cursor, 4);
	msg->cursor += 4;
	return pg_ntoh32(n32);
}

float8
pq_getmsgfloat8(StringInfo msg)
{
	union
	{
		float8		f;
		uint64		i;
	}			swap;
	uint64		n64;

	if (msg->cursor < 0 || 8 > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("insufficient data left in message")));
	memcpy(&n64, msg->data + msg->cursor, 8);
	msg->cursor += 8;
	swap.i = pg_ntoh64(n64);
	return swap.f;
}

/* ---------- utils/adt/datetime.c, parser/scansup.c ---------- */

const int	day_tab[2][13] =
{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

int
date2j(int y, int m, int d)
{
	int			julian;
	int			century;

	if (m > 2)
	{
		m += 1;
		y += 4800;
	}
	else
	{
		m += 13;
		y += 4799;
	}
	century = y / 100;
	julian = y * 365 - 32167;
	julian += y / 4 - century + century / 4;
	julian += 7834 * m / 256 + d;
	return julian;
}

void
j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian;
	unsigned int quad;
	unsigned int extra;
	int			y;

	julian = jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = julian * 4 / 1461;
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
	y += quad * 4;
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = julian - 7834 * quad / 256;
	*month = (quad + 10) % MONTHS_PER_YEAR + 1;
}

bool
scanner_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* ---------- varlena: values here are never toasted ---------- */

struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return datum;
}

/* ---------- never called by the I/O functions ---------- */

#define FZ_UNREACHABLE(name) \
	do { fprintf(stderr, "pg_stub: %s called\n", name); abort(); } while (0)

int
AggCheckCallContext(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	FZ_UNREACHABLE("AggCheckCallContext");
}

DateADT
DormancyDayOfTimestamp(Timestamp ts)
{
	FZ_UNREACHABLE("DormancyDayOfTimestamp");
}

DateADT
DormancyDayOfTimestampTz(TimestampTz ts)
{
	FZ_UNREACHABLE("DormancyDayOfTimestampTz");
}

void
InitMaterializedSRF(FunctionCallInfo fcinfo, bits32 flags)
{
	FZ_UNREACHABLE("InitMaterializedSRF");
}

void
tuplestore_putvalues(Tuplestorestate *state, TupleDesc tdesc, Datum *values, bool *isnull)
{
	FZ_UNREACHABLE("tuplestore_putvalues");
}
