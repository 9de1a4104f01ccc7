/*
 * fuzz_amount.c
 *		libFuzzer target for src/core/amount.c: a numeric's base-10000 digits
 *		as double precision.
 *
 * Input: a sign byte, a weight byte (taken as -16..+15), then up to 6 digits
 * of two bytes each (any 16-bit value: digits above 9999, which a numeric
 * never holds, must be left to the slow path).
 *
 * Invariants: zero is +0.0 (a numeric has no negative zero); AMOUNT_OK gives the double strtod() gives for the same
 * decimal, within +-1e15; AMOUNT_OUT_OF_RANGE only for values beyond
 * +-1e15; nothing else is decided without every digit below 10000.
 */
#include "amount.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	bool		negative;
	int			weight;
	uint16_t	digits[6];
	int			ndigits = 0;
	bool		valid = true;
	char		text[128];
	char	   *p = text;
	double		value = 0,
				want;
	AmountResult result;

	fz_reader_init(&r, data, size);
	negative = fz_u8(&r) & 1;
	weight = (int) (fz_u8(&r) % 32) - 16;
	while (fz_more(&r) && ndigits < 6)
	{
		digits[ndigits] = fz_u16(&r);
		valid &= digits[ndigits] <= 9999;
		ndigits++;
	}
	result = amount_from_base10000(negative, weight, digits, ndigits, &value);
	if (!valid)
	{
		if (result != AMOUNT_SLOW)
			abort();
		return 0;
	}

	/* the same decimal as text */
	if (negative)
		*p++ = '-';
	*p++ = '0';
	*p++ = '.';
	for (int i = 0; i < ndigits; i++)
		p += sprintf(p, "%04u", (unsigned) digits[i]);
	sprintf(p, "e%d", 4 * (weight + 1));
	want = strtod(text, NULL);

	/* zero has no sign in a numeric: +0.0 */
	if (want == 0.0)
	{
		if (result == AMOUNT_OUT_OF_RANGE || (result == AMOUNT_OK && (value != 0.0 || signbit(value))))
			abort();
		return 0;
	}

	if (result == AMOUNT_OK && (memcmp(&value, &want, sizeof(double)) != 0 || fabs(want) > AMOUNT_LIMIT))
		abort();
	/* strtod rounds 1e15 + tiny to 1e15: out of range must be so exactly */
	if (result == AMOUNT_OUT_OF_RANGE && fabs(want) < AMOUNT_LIMIT)
		abort();
	return 0;
}
