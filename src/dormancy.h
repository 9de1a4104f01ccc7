/*
 * dormancy.h
 *		Shared declarations of the server module: settings and calendar helpers.
 */
#ifndef DORMANCY_H
#define DORMANCY_H

#include "postgres.h"
#include "datatype/timestamp.h"
#include "utils/date.h"
#include "core/labels.h"

/* dormancy.time_zone: the zone in which order times become calendar days. */
extern char *dormancy_time_zone;

/* The calendar day (DateADT) of a timestamptz in dormancy.time_zone. */
extern DateADT DormancyDayOfTimestamp(Timestamp ts);
extern DateADT DormancyDayOfTimestampTz(TimestampTz ts);

/* The as-of instant: dormancy.as_of when set, else the transaction start. */
extern TimestampTz DormancyAsOf(void);

/* The language of the labels: dormancy.language, else that of lc_messages. */
extern LabelLanguage DormancyLanguage(void);

/* The day of a date shifted by an interval (calendar months and days, like date + interval). */
extern DateADT DormancyDayPlusInterval(DateADT day, Interval *span);
extern const char *DormancyStateName(DateADT last_order, DateADT as_of, Interval *at_risk_after,
									 Interval *dormant_after, Interval *long_dormant_after);

/*
 * The NFKC form of text in the database encoding as palloc'd code points
 * (src/names_sql.c).
 */
extern void DormancyTextNfkc(const char *s, int len, uint32_t **cps, size_t *n);

#endif							/* DORMANCY_H */
