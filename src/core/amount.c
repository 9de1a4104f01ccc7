/*
 * amount.c
 *		A numeric's base-10000 digits as double precision, exactly as
 *		numeric::float8 rounds them (see amount.h).
 */
#include "amount.h"

/* 10^0 .. 10^22: every one an exact double */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

#define TWO_POW_53 UINT64_C(9007199254740992)
#define LIMIT_INT UINT64_C(1000000000000000)	/* 10^15 */

AmountResult
amount_from_base10000(bool negative, int weight, const uint16_t *digits, int ndigits,
					  double *out)
{
	uint64_t	mantissa = 0;
	int			exponent;		/* decimal: value = mantissa * 10^exponent */
	double		value;

	if (ndigits == 0)
	{
		*out = 0.0;				/* numeric has no negative zero */
		return AMOUNT_OK;
	}
	/* four digits of 10000 are below 10^16: no overflow of 64 bits */
	if (ndigits > 4)
		return AMOUNT_SLOW;
	for (int i = 0; i < ndigits; i++)
	{
		if (digits[i] > 9999)
			return AMOUNT_SLOW;
		mantissa = mantissa * 10000 + digits[i];
	}
	if (mantissa == 0)
	{
		*out = 0.0;
		return AMOUNT_OK;
	}
	exponent = 4 * (weight - (ndigits - 1));

	/*
	 * The range, exactly: mantissa * 10^exponent <= 10^15.  A negative
	 * exponent is at most -4, so the value is below 10^16 / 10^4.
	 */
	if (exponent >= 0 &&
		(exponent > 15 || mantissa > LIMIT_INT / (uint64_t) pow10_exact[exponent]))
		return AMOUNT_OUT_OF_RANGE;

	if (mantissa >= TWO_POW_53 || exponent < -22)
		return AMOUNT_SLOW;
	value = (double) mantissa;
	if (exponent >= 0)
		value *= pow10_exact[exponent];	/* an integer below 10^15: exact */
	else
		value /= pow10_exact[-exponent];	/* one correctly rounded division */
	*out = negative ? -value : value;
	return AMOUNT_OK;
}
