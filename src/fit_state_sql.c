/*
 * fit_state_sql.c
 *		The model fits' state as a value: dormancy.fit_state, the distinct
 *		BG/NBD and Gamma-Gamma observations of a group of customers with
 *		their counts (btyd_fit_state.h), and the aggregates around it.
 *
 * Why a type: Citus computes an aggregate per worker and combines the
 * partial results on the coordinator (worker_partial_agg, coord_combine_agg)
 * only when the aggregate has a combine function and a transition type that
 * is not a pseudo-type such as internal; it moves the partial states through
 * the type's text form.  So fit_models() on Citus (with the customers read
 * on the workers) folds each shard's customer summaries into one fit_state
 * per segment on the worker
 * (_fit_state), Citus combines them on the coordinator (_fit_state_combine),
 * and the fits run there over the combined observations (_bgnbd_fit_of and
 * the others: the final functions of the fit aggregates, on a state rebuilt
 * from fit_states).  The fits sort and count identical observations, so
 * they equal a single server's fit over the same customers in every digit.
 *
 * In an aggregate the state is an expanded object (utils/expandeddatum.h),
 * changed in place row by row; it is flattened only when it leaves the
 * aggregate.  The flat form is a varlena holding the BG/NBD state then the
 * Gamma-Gamma state as the fit aggregates serialize them (BtydStateWrite);
 * the text form is that in base64, compressed with pglz when that is
 * smaller (fit_state_out).  Every value read (typed in, or from a worker)
 * is checked observation by observation (BtydStateRead).
 */
#include "postgres.h"

#include <math.h>

#include "btyd_fit_state.h"
#include "btyd_sql.h"
#include "common/base64.h"
#include "common/int.h"
#include "common/pg_lzcompress.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(fit_state_in);
PG_FUNCTION_INFO_V1(fit_state_out);
PG_FUNCTION_INFO_V1(fit_state_recv);
PG_FUNCTION_INFO_V1(fit_state_send);
PG_FUNCTION_INFO_V1(fit_state_trans);
PG_FUNCTION_INFO_V1(fit_state_combine);
PG_FUNCTION_INFO_V1(fit_state_customers);
PG_FUNCTION_INFO_V1(fit_state_bgnbd_trans);
PG_FUNCTION_INFO_V1(fit_state_gammagamma_trans);

/* The expanded form: the two states, and their flat bytes while flattening. */
typedef struct FitStateObject
{
	ExpandedObjectHeader hdr;
	BtydAggState *bgnbd;
	BtydAggState *gammagamma;
	StringInfoData flat;		/* valid when flat.data is not NULL */
} FitStateObject;

static Size FitStateFlatSize(ExpandedObjectHeader *eohptr);
static void FitStateFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods FitStateMethods = {
	FitStateFlatSize,
	FitStateFlatten
};

/* The flat size: serializes both states (compacting them) and keeps the bytes. */
static Size
FitStateFlatSize(ExpandedObjectHeader *eohptr)
{
	FitStateObject *obj = (FitStateObject *) eohptr;
	MemoryContext old;

	if (obj->flat.data == NULL)
	{
		old = MemoryContextSwitchTo(obj->hdr.eoh_context);
		initStringInfo(&obj->flat);
		BtydStateWrite(&obj->flat, obj->bgnbd);
		BtydStateWrite(&obj->flat, obj->gammagamma);
		MemoryContextSwitchTo(old);
	}
	return VARHDRSZ + obj->flat.len;
}

/* Copy the bytes FitStateFlatSize made, then let them go. */
static void
FitStateFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	FitStateObject *obj = (FitStateObject *) eohptr;

	Assert(obj->flat.data != NULL && allocated_size == VARHDRSZ + obj->flat.len);
	memcpy(VARDATA(result), obj->flat.data, obj->flat.len);
	SET_VARSIZE(result, allocated_size);
	pfree(obj->flat.data);
	obj->flat.data = NULL;
}

/* Forget the flat bytes of a state about to change. */
static void
FitStateChanging(FitStateObject *obj)
{
	if (obj->flat.data != NULL)
	{
		pfree(obj->flat.data);
		obj->flat.data = NULL;
	}
}

/* Read the two states of flat bytes into cxt (checked: BtydStateRead). */
static void
ReadFlat(const char *data, int len, MemoryContext cxt, BtydAggState **bgnbd, BtydAggState **gammagamma)
{
	StringInfoData buf;

	buf.data = (char *) data;
	buf.len = len;
	buf.maxlen = len;
	buf.cursor = 0;
	*bgnbd = BtydStateRead(&buf, true, cxt);
	*gammagamma = BtydStateRead(&buf, false, cxt);
	if (buf.cursor != buf.len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid model fit state: %d bytes after its observations", buf.len - buf.cursor)));
}

/* The expanded object of d when it is one of ours, else NULL. */
static FitStateObject *
ExpandedOf(Datum d)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	return eoh->eoh_methods == &FitStateMethods ? (FitStateObject *) eoh : NULL;
}

/* The two states of a fit_state value, to read: its own when expanded, else read into the current context. */
static void
StatesOf(Datum d, BtydAggState **bgnbd, BtydAggState **gammagamma)
{
	FitStateObject *obj = ExpandedOf(d);
	struct varlena *v;

	if (obj != NULL)
	{
		*bgnbd = obj->bgnbd;
		*gammagamma = obj->gammagamma;
		return;
	}
	v = PG_DETOAST_DATUM(d);
	ReadFlat(VARDATA(v), VARSIZE(v) - VARHDRSZ, CurrentMemoryContext, bgnbd, gammagamma);
}

/*
 * The state to change of a transition or combine function: argument 0 when
 * it is a read-write expanded fit state (the aggregate's own, handed back),
 * else a new one in the aggregate's memory context (or the current one,
 * called directly) holding argument 0's observations, if any.
 */
static FitStateObject *
WritableState(FunctionCallInfo fcinfo)
{
	MemoryContext parent;
	MemoryContext cxt;
	FitStateObject *obj;

	if (!PG_ARGISNULL(0) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))) &&
		(obj = ExpandedOf(PG_GETARG_DATUM(0))) != NULL)
	{
		FitStateChanging(obj);
		return obj;
	}
	if (!AggCheckCallContext(fcinfo, &parent))
		parent = CurrentMemoryContext;
	cxt = AllocSetContextCreate(parent, "dormancy fit state", ALLOCSET_DEFAULT_SIZES);
	obj = MemoryContextAllocZero(cxt, sizeof(FitStateObject));
	EOH_init_header(&obj->hdr, &FitStateMethods, cxt);
	if (PG_ARGISNULL(0))
	{
		obj->bgnbd = BtydStateNew(cxt, true, 0);
		obj->gammagamma = BtydStateNew(cxt, false, 0);
	}
	else
	{
		struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

		ReadFlat(VARDATA(v), VARSIZE(v) - VARHDRSZ, cxt, &obj->bgnbd, &obj->gammagamma);
	}
	return obj;
}

/*
 * The text form: base64 of the flat bytes, or, when pglz makes them smaller
 * (the observations are sorted, and recency and age in units repeat their
 * bit patterns: about a quarter of the size on demo data), '*' then base64
 * of the raw length (4 bytes, network order) and the pglz bytes.  Citus
 * moves partial states from the workers in this form.
 */
#define COMPRESSED_MARK '*'

/* Most bytes pglz can make of n compressed bytes (a 2-byte match gives at most 273, a control byte per 8 items). */
#define PGLZ_MAX_EXPANSION(n) ((int64) (n) * 137 + 8)

/* Decode base64 text of len characters into a new buffer; ERROR when it is not base64. */
static char *
DecodeBase64(const char *text, int len, int *decoded)
{
	int			maxlen = pg_b64_dec_len(len);
	char	   *buf = palloc(maxlen + 1);

	*decoded = pg_b64_decode(text, len, buf, maxlen);
	if (*decoded < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type fit_state"),
				 errdetail("A model fit state is written in base64, compressed ones after a \"%c\".",
						   COMPRESSED_MARK)));
	return buf;
}

/* SQL: input function of dormancy.fit_state: the text form above, checked. */
Datum
fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	int			len = strlen(text);
	struct varlena *result;
	int			n;
	MemoryContext cxt;
	BtydAggState *bgnbd;
	BtydAggState *gammagamma;

	if (len > 0 && text[0] == COMPRESSED_MARK)
	{
		char	   *packed = DecodeBase64(text + 1, len - 1, &n);
		uint32		rawlen;

		if (n < 4)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid compressed model fit state")));
		rawlen = ((uint32) (unsigned char) packed[0] << 24) | ((uint32) (unsigned char) packed[1] << 16) |
			((uint32) (unsigned char) packed[2] << 8) | (uint32) (unsigned char) packed[3];
		/* a length pglz cannot reach from these bytes is no state (and no allocation) */
		if (rawlen > PGLZ_MAX_EXPANSION(n - 4) || rawlen > MaxAllocSize - VARHDRSZ)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid compressed model fit state: %u bytes from %d", rawlen, n - 4)));
		result = palloc(VARHDRSZ + rawlen);
		if (pglz_decompress(packed + 4, n - 4, VARDATA(result), (int32) rawlen, true) != (int32) rawlen)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid compressed model fit state")));
		n = (int) rawlen;
	}
	else
	{
		char	   *bytes = DecodeBase64(text, len, &n);

		result = palloc(VARHDRSZ + n);
		memcpy(VARDATA(result), bytes, n);
		pfree(bytes);
	}
	SET_VARSIZE(result, VARHDRSZ + n);
	/* check every observation, then keep only the bytes */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "dormancy fit state check", ALLOCSET_DEFAULT_SIZES);
	ReadFlat(VARDATA(result), n, cxt, &bgnbd, &gammagamma);
	MemoryContextDelete(cxt);
	PG_RETURN_POINTER(result);
}

/* Base64 of len bytes into text (room for pg_b64_enc_len(len)) at offset; returns the end. */
static int
EncodeBase64(const char *bytes, int len, char *text, int offset)
{
	int			n = pg_b64_encode(bytes, len, text + offset, pg_b64_enc_len(len));

	if (n < 0)
		elog(ERROR, "could not encode a model fit state in base64");
	return offset + n;
}

/* SQL: output function of dormancy.fit_state: the text form above. */
Datum
fit_state_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int			len = VARSIZE(v) - VARHDRSZ;
	char	   *packed = palloc(4 + PGLZ_MAX_OUTPUT(len));
	int32		clen = pglz_compress(VARDATA(v), len, packed + 4, PGLZ_strategy_default);
	char	   *text;
	int			end;

	if (clen >= 0 && clen + 4 < len)
	{
		packed[0] = (char) ((uint32) len >> 24);
		packed[1] = (char) ((uint32) len >> 16);
		packed[2] = (char) ((uint32) len >> 8);
		packed[3] = (char) len;
		text = palloc(1 + pg_b64_enc_len(clen + 4) + 1);
		text[0] = COMPRESSED_MARK;
		end = EncodeBase64(packed, clen + 4, text, 1);
	}
	else
	{
		text = palloc(pg_b64_enc_len(len) + 1);
		end = EncodeBase64(VARDATA(v), len, text, 0);
	}
	text[end] = '\0';
	PG_RETURN_CSTRING(text);
}

/* SQL: binary input of dormancy.fit_state: the flat bytes, checked. */
Datum
fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			n = buf->len - buf->cursor;
	struct varlena *result = palloc(VARHDRSZ + n);
	MemoryContext cxt;
	BtydAggState *bgnbd;
	BtydAggState *gammagamma;

	pq_copymsgbytes(buf, VARDATA(result), n);
	SET_VARSIZE(result, VARHDRSZ + n);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "dormancy fit state check", ALLOCSET_DEFAULT_SIZES);
	ReadFlat(VARDATA(result), n, cxt, &bgnbd, &gammagamma);
	MemoryContextDelete(cxt);
	PG_RETURN_POINTER(result);
}

/* SQL: binary output of dormancy.fit_state: the flat bytes. */
Datum
fit_state_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA(v), VARSIZE(v) - VARHDRSZ);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * SQL: transition function of _fit_state(summary dormancy.btyd_summary,
 * unit_days): one customer's BTYD summary (in days), recency and age in
 * units of unit_days, into the BG/NBD observations, and into the
 * Gamma-Gamma ones as gammagamma_fit(monetary_days, monetary_value) counts
 * it (no repeat day of known amount: skipped).  A NULL summary (no purchase
 * by the as-of day) is left out, as fit_models() leaves such a customer out.
 */
Datum
fit_state_trans(PG_FUNCTION_ARGS)
{
	FitStateObject *obj = WritableState(fcinfo);
	HeapTupleHeader summary;
	double		unit_days;
	bool		isnull;
	double		x;
	double		recency;
	double		age;
	Datum		monetary;
	Datum		monetary_days;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
	unit_days = PG_GETARG_FLOAT8(2);
	if (!(unit_days > 0) || isinf(unit_days))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit_days must be positive and finite: %g", unit_days)));
	summary = PG_GETARG_HEAPTUPLEHEADER(1);
	x = (double) DatumGetInt32(GetAttributeByNum(summary, 1, &isnull));
	if (isnull)
		PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
	recency = DatumGetFloat8(GetAttributeByNum(summary, 2, &isnull));
	if (!isnull)
	{
		age = DatumGetFloat8(GetAttributeByNum(summary, 3, &isnull));
		/* as bgnbd_fit(frequency, recency / unit_days, age / unit_days) */
		if (!isnull)
			BtydStateAddBgnbd(obj->bgnbd, x, recency / unit_days, age / unit_days);
	}
	/*
	 * as gammagamma_fit(monetary_days, monetary_value): Gamma-Gamma's x is
	 * the repeat days of known amount that the mean is of (the frequency
	 * where the summary has no monetary_days)
	 */
	monetary_days = GetAttributeByNum(summary, 5, &isnull);
	if (!isnull)
		x = (double) DatumGetInt32(monetary_days);
	monetary = GetAttributeByNum(summary, 4, &isnull);
	BtydStateAddGammaGamma(obj->gammagamma, x, isnull ? 0.0 : DatumGetFloat8(monetary), !isnull);
	PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
}

/* SQL: combine function of _fit_state (and transition of _fit_state_union): the observations of both. */
Datum
fit_state_combine(PG_FUNCTION_ARGS)
{
	FitStateObject *obj;
	BtydAggState *bgnbd;
	BtydAggState *gammagamma;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	obj = WritableState(fcinfo);
	StatesOf(PG_GETARG_DATUM(1), &bgnbd, &gammagamma);
	BtydStateAppend(obj->bgnbd, bgnbd);
	BtydStateAppend(obj->gammagamma, gammagamma);
	PG_RETURN_DATUM(EOHPGetRWDatum(&obj->hdr));
}

/* SQL: _fit_state_customers(state): the customers folded in (those with a BTYD summary). */
Datum
fit_state_customers(PG_FUNCTION_ARGS)
{
	BtydAggState *bgnbd;
	BtydAggState *gammagamma;
	int64		customers = 0;
	int64		i;

	StatesOf(PG_GETARG_DATUM(0), &bgnbd, &gammagamma);
	for (i = 0; i < bgnbd->nobs; i++)
		if (pg_add_s64_overflow(customers, ((BtydBgnbdObs *) bgnbd->obs)[i].count, &customers))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("customers of a model fit state out of range")));
	PG_RETURN_INT64(customers);
}

/*
 * The shared transition function of the fits over fit_states: the
 * observations of one kind of each fit_state into the internal state of the
 * fit aggregates (btyd_fit_sql.c), whose final functions then fit them.
 */
static Datum
AbsorbTrans(FunctionCallInfo fcinfo, bool bgnbd)
{
	MemoryContext aggcontext;
	BtydAggState *state;
	BtydAggState *bg;
	BtydAggState *gg;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "fit state transition function called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	StatesOf(PG_GETARG_DATUM(1), &bg, &gg);
	state = PG_ARGISNULL(0) ? BtydStateNew(aggcontext, bgnbd, (bgnbd ? bg : gg)->nobs)
		: (BtydAggState *) PG_GETARG_POINTER(0);
	BtydStateAppend(state, bgnbd ? bg : gg);
	PG_RETURN_POINTER(state);
}

/* SQL: transition function of the BG/NBD and Pareto/NBD fits over fit_states. */
Datum
fit_state_bgnbd_trans(PG_FUNCTION_ARGS)
{
	return AbsorbTrans(fcinfo, true);
}

/* SQL: transition function of the Gamma-Gamma fits over fit_states. */
Datum
fit_state_gammagamma_trans(PG_FUNCTION_ARGS)
{
	return AbsorbTrans(fcinfo, false);
}
