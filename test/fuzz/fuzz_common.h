/*
 * fuzz_common.h
 *		Small helpers shared by the libFuzzer targets in test/fuzz/: a reader
 *		that turns the input bytes into values (zeros once the bytes run out)
 *		and an invariant check that aborts with a message.
 *
 * Header only, no state outside the reader; each target includes it once.
 */
#ifndef DORMANCY_FUZZ_COMMON_H
#define DORMANCY_FUZZ_COMMON_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct FzReader
{
	const uint8_t *data;
	size_t		size;
	size_t		pos;
} FzReader;

static inline void
fz_reader_init(FzReader *r, const uint8_t *data, size_t size)
{
	r->data = data;
	r->size = size;
	r->pos = 0;
}

static inline bool
fz_more(const FzReader *r)
{
	return r->pos < r->size;
}

static inline uint8_t
fz_u8(FzReader *r)
{
	return r->pos < r->size ? r->data[r->pos++] : 0;
}

static inline uint16_t
fz_u16(FzReader *r)
{
	uint16_t	v = fz_u8(r);

	return (uint16_t) (v | (fz_u8(r) << 8));
}

static inline uint32_t
fz_u32(FzReader *r)
{
	uint32_t	v = fz_u16(r);

	return v | ((uint32_t) fz_u16(r) << 16);
}

static inline uint64_t
fz_u64(FzReader *r)
{
	uint64_t	v = fz_u32(r);

	return v | ((uint64_t) fz_u32(r) << 32);
}

/* Any double, NaN and infinities included (the raw bits). */
static inline double
fz_any_double(FzReader *r)
{
	uint64_t	bits = fz_u64(r);
	double		v;

	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* Uniform-ish in [lo, hi] from 16 bits. */
static inline double
fz_uniform(FzReader *r, double lo, double hi)
{
	return lo + (hi - lo) * (fz_u16(r) / 65535.0);
}

/*
 * A positive number spread log-uniformly over [lo, hi] (lo > 0), with the
 * two ends and 1 more likely than their share, since edges find bugs.
 */
static inline double
fz_log_uniform(FzReader *r, double lo, double hi)
{
	uint8_t		sel = fz_u8(r);

	if (sel == 0)
		return lo;
	if (sel == 1)
		return hi;
	if (sel == 2)
		return 1.0;
	return exp(log(lo) + (log(hi) - log(lo)) * (fz_u16(r) / 65535.0));
}

/* Fail: print what broke and abort, so libFuzzer saves the input. */
#define FZ_CHECK(target, cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s: invariant violated: %s: ", (target), #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, "\n"); \
			abort(); \
		} \
	} while (0)

/* a and b equal within a relative tolerance (or both tiny) */
static inline bool
fz_close(double a, double b, double rel, double abs_tol)
{
	return fabs(a - b) <= abs_tol || fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif							/* DORMANCY_FUZZ_COMMON_H */
