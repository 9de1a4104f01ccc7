/*
 * fiscal.h
 *		Calendar days and fiscal years, as PostgreSQL's date counts them
 *		(day 0 = 2000-01-01, the proleptic Gregorian calendar).
 */
#ifndef DORMANCY_FISCAL_H
#define DORMANCY_FISCAL_H

#include <stdbool.h>
#include <stdint.h>

/* the day of year y (astronomical: 0 = 1 BC), month m (1-12), day d */
extern int64_t civil_day(int64_t y, int m, int d);

/* back: the year, month and day of a day */
extern void civil_date(int64_t day, int64_t *y, int *m, int *d);

/*
 * The day a customer who put you off to next fiscal year's budget on
 * event_day is approached again: the first day of the fiscal year after
 * event_day (fiscal years start on the first of start_month, 1-12) minus
 * lead_months and lead_days (as PostgreSQL subtracts an interval: the
 * months, then the days), or that first day itself when the lead puts it
 * on or before event_day.  False for a start_month out of 1-12 or a
 * negative lead.
 */
extern bool fiscal_reapproach_day(int64_t event_day, int start_month, int32_t lead_months,
								  int32_t lead_days, int64_t *day);

#endif
