/*
 * test_fiscal.c
 *		Unit tests of calendar days and the re-approach day of next fiscal
 *		year's budget (src/core/fiscal.c), without a server: every day from
 *		4713 BC to AD 3000 against a calendar counted day by day (month
 *		lengths, the Gregorian leap rule), and the re-approach day against
 *		its definition written out month by month.  Prints TAP; exits
 *		nonzero when a test fails.
 *
 * Build: "make unit".  sql/budget_reapproach.sql checks
 * customer_status.reapproach_on against a plain-SQL reference.
 */
#include <inttypes.h>
#include <stdio.h>

#include "tap.h"
#include "fiscal.h"

static bool
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* the definition: the first of start_month after the event, lead earlier */
static int64_t
reference(int64_t y, int m, int d, int start_month, int lead_months, int lead_days)
{
	int64_t		event = civil_day(y, m, d);
	int64_t		fy = y;
	int64_t		ly;
	int			lm;
	int64_t		before;

	/* the next first of start_month strictly after the event's day */
	while (civil_day(fy, start_month, 1) <= event)
		fy++;
	ly = fy;
	lm = start_month;
	for (int i = 0; i < lead_months; i++)
	{
		if (--lm == 0)
		{
			lm = 12;
			ly--;
		}
	}
	before = civil_day(ly, lm, 1) - lead_days;
	return before > event ? before : civil_day(fy, start_month, 1);
}

int
main(void)
{
	int64_t		day;
	bool		agree = true;
	int64_t		y0;
	int			m0;
	int			d0;
	long		checked = 0;

	ok(civil_day(2000, 1, 1) == 0, "2000-01-01 is day 0");
	ok(civil_day(1970, 1, 1) == -10957, "1970-01-01 is day -10957");
	ok(civil_day(2000, 3, 1) == 60, "2000 is a leap year");
	ok(civil_day(1900, 3, 1) - civil_day(1900, 2, 28) == 1, "1900 is not");
	ok(civil_day(-4713, 11, 24) == -2451545, "4714 BC, 24 November (Julian day 0) is day -2451545");

	/* every day from 4713 BC (astronomical -4712) to AD 3000, counted */
	day = civil_day(-4712, 1, 1);
	for (int64_t y = -4712; y <= 3000 && agree; y++)
		for (int m = 1; m <= 12 && agree; m++)
			for (int d = 1; d <= month_days(y, m) && agree; d++)
			{
				if (civil_day(y, m, d) != day)
				{
					agree = false;
					diag("civil_day(%" PRId64 ", %d, %d) = %" PRId64 ", counted %" PRId64, y, m, d, civil_day(y, m, d), day);
				}
				civil_date(day, &y0, &m0, &d0);
				if (y0 != y || m0 != m || d0 != d)
				{
					agree = false;
					diag("civil_date(%" PRId64 ") = %" PRId64 "-%d-%d, counted %" PRId64 "-%d-%d", day, y0, m0, d0, y, m, d);
				}
				day++;
				checked++;
			}
	ok(agree, "%ld days from 4713 BC to AD 3000 both ways", checked);

	/* the documented cases, April years, a lead of 2 months */
	ok(fiscal_reapproach_day(civil_day(2026, 10, 5), 4, 2, 0, &day) && day == civil_day(2027, 2, 1), "5 Oct 2026: 1 Feb 2027");
	ok(fiscal_reapproach_day(civil_day(2027, 1, 31), 4, 2, 0, &day) && day == civil_day(2027, 2, 1), "31 Jan: 1 Feb");
	ok(fiscal_reapproach_day(civil_day(2027, 2, 1), 4, 2, 0, &day) && day == civil_day(2027, 4, 1), "1 Feb: the lead has begun, 1 Apr");
	ok(fiscal_reapproach_day(civil_day(2027, 3, 31), 4, 2, 0, &day) && day == civil_day(2027, 4, 1), "31 Mar: 1 Apr");
	ok(fiscal_reapproach_day(civil_day(2027, 4, 1), 4, 2, 0, &day) && day == civil_day(2028, 2, 1), "1 Apr: next year's 1 Feb");
	ok(fiscal_reapproach_day(civil_day(2028, 2, 29), 4, 0, 0, &day) && day == civil_day(2028, 4, 1), "29 Feb 2028, no lead: 1 Apr");
	ok(fiscal_reapproach_day(civil_day(2026, 12, 31), 1, 0, 0, &day) && day == civil_day(2027, 1, 1), "January years: 1 Jan");
	ok(fiscal_reapproach_day(civil_day(2026, 12, 1), 12, 11, 0, &day) && day == civil_day(2027, 1, 1), "December years, 11 months' lead: 1 Jan");
	ok(!fiscal_reapproach_day(0, 0, 0, 0, &day) && !fiscal_reapproach_day(0, 13, 0, 0, &day) &&
	   !fiscal_reapproach_day(0, 4, -1, 0, &day) && !fiscal_reapproach_day(0, 4, 0, -1, &day),
	   "a month out of 1-12 or a negative lead refused");

	/* every day of 2023-2029 x every start month x leads, against the definition */
	agree = true;
	checked = 0;
	{
		static const int leads[][2] = {{0, 0}, {0, 1}, {0, 30}, {0, 359}, {1, 0}, {2, 0}, {6, 0}, {11, 0}, {11, 29}, {1, 15}};

		for (int64_t y = 2023; y <= 2029 && agree; y++)
			for (int m = 1; m <= 12 && agree; m++)
				for (int d = 1; d <= month_days(y, m) && agree; d++)
					for (int s = 1; s <= 12 && agree; s++)
						for (int l = 0; l < (int) (sizeof(leads) / sizeof(leads[0])) && agree; l++)
						{
							int64_t		want = reference(y, m, d, s, leads[l][0], leads[l][1]);

							if (!fiscal_reapproach_day(civil_day(y, m, d), s, leads[l][0], leads[l][1], &day) || day != want)
							{
								agree = false;
								diag("%" PRId64 "-%d-%d, start %d, lead %d months %d days: %" PRId64 ", want %" PRId64,
									 y, m, d, s, leads[l][0], leads[l][1], day, want);
							}
							checked++;
						}
	}
	ok(agree, "%ld re-approach days equal the definition", checked);
	return tap_done();
}
