/*
 * fuzz_priority_format.c
 *		libFuzzer target for the text helpers of the score breakdown in
 *		src/core/priority.c: priority_format_number (numbers without printf
 *		in the common case) and priority_json_key_order.
 *
 * Input: records of a selector byte and a value: any double (NaN,
 * infinities, subnormals), a whole number, a value on or a few units in
 * the last place beside a decimal tie at 0 to 4 decimals, or a value near
 * the 1e12 limit of the fast path; then the rest of the input as object
 * keys.  Invariants:
 *	- priority_format_number writes what printf's "%.*f" writes, trailing
 *	  zeros after the point dropped, "-0" as "0", "null" when not finite
 *	  (the same rule as test/unit/test_priority.c), returns its length,
 *	  and stays inside a buffer of exactly PRIORITY_NUMBER_BUFSIZE bytes
 *	  (a heap block, so AddressSanitizer sees one byte too many), for 0
 *	  to 8 decimals; a negative count writes what 0 writes;
 *	- priority_json_key_order returns a permutation of distinct keys in
 *	  jsonb's order: shorter first, then bytewise.
 */
#include "priority.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_priority_format"
#define FZ_MAX_KEYS 32

/* printf's "%.*f", trailing zeros after the point dropped, "-0" as "0". */
static void
fz_reference(char *out, double x, int decimals)
{
	int			len;

	if (!isfinite(x))
	{
		strcpy(out, "null");
		return;
	}
	len = snprintf(out, 400, "%.*f", decimals, x);
	if (strchr(out, '.') != NULL)
	{
		while (len > 0 && out[len - 1] == '0')
			out[--len] = '\0';
		if (len > 0 && out[len - 1] == '.')
			out[--len] = '\0';
	}
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

static void
fz_check_number(double x, int decimals)
{
	char	   *got = malloc(PRIORITY_NUMBER_BUFSIZE);
	char		want[400];
	int			len;

	if (got == NULL)
		abort();
	memset(got, 'x', PRIORITY_NUMBER_BUFSIZE);
	len = priority_format_number(got, x, decimals);
	fz_reference(want, x, decimals < 0 ? 0 : decimals);
	FZ_CHECK(FZ_T, len >= 0 && len < PRIORITY_NUMBER_BUFSIZE && memchr(got, '\0', PRIORITY_NUMBER_BUFSIZE) != NULL &&
			 strcmp(got, want) == 0 && len == (int) strlen(got),
			 "%.17g (%a) with %d decimals: \"%.*s\" (length %d), printf \"%s\"",
			 x, x, decimals, PRIORITY_NUMBER_BUFSIZE, got, len, want);
	free(got);
}

/* jsonb's order of keys: shorter first, then bytewise. */
static int
fz_key_cmp(const char *a, const char *b)
{
	size_t		la = strlen(a),
				lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double pow10[] = {1, 10, 100, 1000, 10000};
	FzReader	r;
	int			nrec;

	fz_reader_init(&r, data, size);
	nrec = 1 + fz_u8(&r) % 16;
	for (int i = 0; i < nrec && fz_more(&r); i++)
	{
		uint8_t		sel = fz_u8(&r);
		int			d = sel >> 5;	/* 0 to 7 */
		double		x;

		switch (sel & 7)
		{
			case 0:
			case 1:
				x = fz_any_double(&r);
				break;
			case 2:
				x = (double) (int32_t) fz_u32(&r);
				break;
			case 3:
			case 4:
			case 5:
				{
					/* beside a tie: (k + 1/2) / 10^dd, moved by a few ulps */
					int			dd = d % 5;
					int64_t		k = (int64_t) (fz_u64(&r) % 2000000000000ULL) - 1000000000000LL;
					int			ulps = (int8_t) fz_u8(&r) % 9;

					x = ((double) k + 0.5) / pow10[dd];
					if (sel & 8)
						x = (double) k / pow10[dd] + 0.5 / pow10[dd];
					for (; ulps > 0; ulps--)
						x = nextafter(x, INFINITY);
					for (; ulps < 0; ulps++)
						x = nextafter(x, -INFINITY);
					if ((sel & 7) == 5)
						x *= ldexp(1.0, -(int) (fz_u8(&r) % 40));
					break;
				}
			case 6:
				/* near the end of the fast path */
				x = (1e12 + (int32_t) fz_u32(&r) / 1024.0) / pow10[d % 5];
				if (sel & 8)
					x = -x;
				break;
			default:
				/* small: rounds to zero or to one unit */
				x = ldexp((double) (int16_t) fz_u16(&r), -(int) (fz_u8(&r) % 64));
				break;
		}
		fz_check_number(x, sel & 0x10 ? d : d % 5);
		if ((sel & 0x18) == 0x18)
			fz_check_number(x, -1 - (int) (fz_u8(&r) % 4));
	}

	/* the rest: keys, NUL-separated */
	{
		char	   *keys[FZ_MAX_KEYS];
		const char *ckeys[FZ_MAX_KEYS];
		int			order[FZ_MAX_KEYS];
		bool		used[FZ_MAX_KEYS] = {0};
		int			n = 0;

		while (fz_more(&r) && n < FZ_MAX_KEYS)
		{
			size_t		start = r.pos;
			size_t		len;
			bool		dup = false;

			while (r.pos < r.size && r.data[r.pos] != 0)
				r.pos++;
			len = r.pos - start;
			if (r.pos < r.size)
				r.pos++;
			keys[n] = malloc(len + 1);
			if (keys[n] == NULL)
				abort();
			memcpy(keys[n], r.data + start, len);
			keys[n][len] = '\0';
			for (int j = 0; j < n; j++)
				if (strcmp(keys[j], keys[n]) == 0)
					dup = true;
			if (dup)
				free(keys[n]);
			else
			{
				ckeys[n] = keys[n];
				n++;
			}
		}
		for (int i = 0; i < n; i++)
			order[i] = -1;
		priority_json_key_order(ckeys, n, order);
		for (int i = 0; i < n; i++)
		{
			FZ_CHECK(FZ_T, order[i] >= 0 && order[i] < n && !used[order[i]],
					 "key order is not a permutation at %d (%d)", i, order[i]);
			used[order[i]] = true;
			if (i > 0)
				FZ_CHECK(FZ_T, fz_key_cmp(ckeys[order[i - 1]], ckeys[order[i]]) < 0,
						 "keys \"%s\" and \"%s\" out of jsonb order", ckeys[order[i - 1]], ckeys[order[i]]);
		}
		for (int i = 0; i < n; i++)
			free(keys[i]);
	}
	return 0;
}
