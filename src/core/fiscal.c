/*
 * fiscal.c
 *		Calendar days and fiscal years (no fmgr: unit-tested in
 *		test/unit/test_fiscal.c against PostgreSQL's own date arithmetic).
 *
 * The conversion between days and dates counts 400-year eras of 146,097
 * days from 1 March of year 0, so that the leap day ends a year: the civil
 * calendar as a handful of integer divisions, valid for any year.
 */
#include "fiscal.h"

/* days from 0000-03-01 to 2000-01-01 */
#define DAY_2000_FROM_MARCH_0	730425

/* floor division for a negative numerator too */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t
civil_day(int64_t y, int m, int d)
{
	/* years that start on 1 March: January and February end the previous */
	int64_t		yr = y - (m <= 2);
	int64_t		era = floor_div(yr, 400);
	int64_t		year_of_era = yr - era * 400;
	int			month_from_march = m > 2 ? m - 3 : m + 9;
	int64_t		day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
	int64_t		day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - DAY_2000_FROM_MARCH_0;
}

void
civil_date(int64_t day, int64_t *y, int *m, int *d)
{
	int64_t		z = day + DAY_2000_FROM_MARCH_0;
	int64_t		era = floor_div(z, 146097);
	int64_t		day_of_era = z - era * 146097;
	int64_t		year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t		day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int			month_from_march = (int) ((5 * day_of_year + 2) / 153);

	*d = (int) (day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*m = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
	*y = year_of_era + era * 400 + (*m <= 2);
}

bool
fiscal_reapproach_day(int64_t event_day, int start_month, int32_t lead_months, int32_t lead_days, int64_t *day)
{
	int64_t		y;
	int			m;
	int			d;
	int64_t		next_year;
	int64_t		first;
	int64_t		month_index;
	int64_t		before;

	if (start_month < 1 || start_month > 12 || lead_months < 0 || lead_days < 0)
		return false;
	civil_date(event_day, &y, &m, &d);
	/* the fiscal year of the event ends before the first of start_month of next_year */
	next_year = m >= start_month ? y + 1 : y;
	first = civil_day(next_year, start_month, 1);
	/* the first of a month minus whole months is the first of a month */
	month_index = next_year * 12 + (start_month - 1) - lead_months;
	before = civil_day(floor_div(month_index, 12), (int) (month_index - floor_div(month_index, 12) * 12) + 1, 1)
		- lead_days;
	*day = before > event_day ? before : first;
	return true;
}
