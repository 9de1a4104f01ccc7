/*
 * amount.h
 *		A decimal amount (a numeric's base-10000 digits) as the double
 *		precision value numeric::float8 gives, without printing and parsing
 *		it, when that can be done exactly; and whether it is a usable amount
 *		(within +-1e15).
 *
 * Pure computation, no PostgreSQL headers (unit-tested in test/unit).
 *
 * numeric::float8 prints the value and parses it with strtod(), which rounds
 * the exact decimal value correctly.  A value with at most 16 significant
 * digits whose integer mantissa M is below 2^53, times 10^e with |e| <= 22, is
 * M * 10^e or M / 10^-e of two exact doubles: IEEE multiplication and division
 * round the exact result correctly too, so the bits are the same.  Other
 * values are left to the caller (AMOUNT_SLOW).
 */
#ifndef DORMANCY_CORE_AMOUNT_H
#define DORMANCY_CORE_AMOUNT_H

#include <stdbool.h>
#include <stdint.h>

/* the usable amounts are within +-AMOUNT_LIMIT (a thousand trillion) */
#define AMOUNT_LIMIT 1e15

typedef enum AmountResult
{
	AMOUNT_OK,					/* *out is the value */
	AMOUNT_OUT_OF_RANGE,		/* beyond +-1e15: not a usable amount */
	AMOUNT_SLOW					/* not decided here: convert another way */
} AmountResult;

/*
 * The value sign * sum(digits[i] * 10000^(weight - i)), i < ndigits (each
 * digit 0..9999, as a numeric stores them).
 */
extern AmountResult amount_from_base10000(bool negative, int weight,
										  const uint16_t *digits, int ndigits,
										  double *out);

#endif
