/*
 * amount_sql.c
 *		dormancy._numeric_amount(numeric): a bound numeric amount as double
 *		precision, NULL when it is not a usable amount (NaN, infinite or
 *		beyond +-1e15) -- what the adapter src_orders computed as
 *		CASE WHEN x BETWEEN -1e15 AND 1e15 THEN x::float8 END, without
 *		numeric::float8's printing and strtod() for the common values
 *		(src/core/amount.c), bit for bit the same (but 0, not an error, for
 *		a value too small for double precision).
 *
 * The digits are read from the numeric's stored form (the on-disk format
 * of numeric.c, which pg_upgrade keeps across versions): a 2-byte header,
 * a 2-byte weight unless the header is short, then base-10000 digits.
 * Anything the fast path does not decide goes through numeric's own
 * functions.
 */
#include "postgres.h"

#include "core/amount.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/* numeric.c's header bits */
#define NUM_SIGN_MASK			0xC000
#define NUM_NEG					0x4000
#define NUM_SHORT				0x8000
#define NUM_SPECIAL				0xC000
#define NUM_SHORT_SIGN_MASK		0x2000
#define NUM_SHORT_WEIGHT_SIGN	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F

/* The slow path: numeric's own comparison and conversion. */
static Datum
numeric_amount_slow(Numeric num, bool *isnull)
{
	Datum		limit = NumericGetDatum(int64_to_numeric(1000000000000000));
	Datum		x = NumericGetDatum(num);
	Datum		ax;

	if (numeric_is_nan(num) || numeric_is_inf(num))
	{
		*isnull = true;
		return (Datum) 0;
	}
	ax = DirectFunctionCall1(numeric_abs, x);
	if (DatumGetBool(DirectFunctionCall2(numeric_gt, ax, limit)))
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	/*
	 * numeric_float8 raises an error for a value that rounds to zero (below
	 * about 2.5e-324): one such amount would stop every query over the
	 * orders.  The _no_overflow variant is the same conversion (strtod of
	 * numeric_out) without that error: such a value is 0.
	 */
	return DirectFunctionCall1(numeric_float8_no_overflow, x);
}

PG_FUNCTION_INFO_V1(numeric_amount);

Datum
numeric_amount(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	const char *p = VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	uint16		header;
	int			weight;
	bool		negative;
	Size		header_size;
	int			ndigits;
	uint16		digits[4];
	double		value;
	bool		isnull;
	Datum		result;

	if (len < sizeof(uint16))
		goto slow;
	memcpy(&header, p, sizeof(uint16));
	if ((header & NUM_SIGN_MASK) == NUM_SPECIAL)
		PG_RETURN_NULL();		/* NaN, Infinity, -Infinity */
	if ((header & NUM_SIGN_MASK) == NUM_SHORT)
	{
		negative = (header & NUM_SHORT_SIGN_MASK) != 0;
		weight = (header & NUM_SHORT_WEIGHT_MASK);
		if (header & NUM_SHORT_WEIGHT_SIGN)
			weight |= ~NUM_SHORT_WEIGHT_MASK;
		header_size = sizeof(uint16);
	}
	else
	{
		int16		w;

		if (len < 2 * sizeof(uint16))
			goto slow;
		negative = (header & NUM_SIGN_MASK) == NUM_NEG;
		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		header_size = 2 * sizeof(uint16);
	}
	if ((len - header_size) % sizeof(uint16) != 0)
		goto slow;
	ndigits = (int) ((len - header_size) / sizeof(uint16));
	if (ndigits > (int) lengthof(digits))
		goto slow;
	memcpy(digits, p + header_size, ndigits * sizeof(uint16));

	switch (amount_from_base10000(negative, weight, digits, ndigits, &value))
	{
		case AMOUNT_OK:
			PG_RETURN_FLOAT8(value);
		case AMOUNT_OUT_OF_RANGE:
			PG_RETURN_NULL();
		case AMOUNT_SLOW:
			break;
	}
slow:
	result = numeric_amount_slow(PG_GETARG_NUMERIC(0), &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
