/*
 * customer_id.c
 *		A customer id read back from its text, exactly as PostgreSQL writes it
 *		(see customer_id.h).  Pure computation: no error, no allocation.
 */
#include "customer_id.h"

#include <stdint.h>

/*
 * The integer whose decimal text (as int8out writes it) is data[0..len):
 * "0", or digits not starting with 0, after a minus or nothing; false for
 * any other text, or one beyond the range of bigint.
 */
bool
customer_id_parse_integer(const char *data, int len, int64_t *result)
{
	bool		negative = false;
	uint64_t	magnitude = 0;
	int			i = 0;

	if (len > 0 && data[0] == '-')
	{
		negative = true;
		i = 1;
	}
	if (i >= len || len - i > 19)
		return false;
	if (data[i] == '0')
	{
		if (len - i != 1 || negative)
			return false;	/* leading zeros, "-0" */
		*result = 0;
		return true;
	}
	for (; i < len; i++)
	{
		if (data[i] < '0' || data[i] > '9')
			return false;
		magnitude = magnitude * 10 + (uint64_t) (data[i] - '0');	/* at most 19 digits: no overflow */
	}
	if (negative)
	{
		if (magnitude > (uint64_t) INT64_MAX + 1)
			return false;
		*result = (magnitude == (uint64_t) INT64_MAX + 1) ? INT64_MIN : -(int64_t) magnitude;
	}
	else
	{
		if (magnitude > (uint64_t) INT64_MAX)
			return false;
		*result = (int64_t) magnitude;
	}
	return true;
}

/* The value of a lower-case hex digit, -1 for any other character. */
static int
lower_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}
/*
 * The uuid whose text (as uuid_out writes it: 8-4-4-4-12 lower-case hex
 * digits) is data[0..len); false for any other text.
 */
bool
customer_id_parse_uuid(const char *data, int len, unsigned char out[16])
{
	int			byte = 0;

	if (len != 36)
		return false;
	for (int i = 0; i < len;)
	{
		int			high,
					low;

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (data[i] != '-')
				return false;
			i++;
			continue;
		}
		high = lower_hex_value(data[i]);
		low = lower_hex_value(data[i + 1]);
		if (high < 0 || low < 0)
			return false;
		out[byte++] = (unsigned char) (high << 4 | low);
		i += 2;
	}
	return true;
}
