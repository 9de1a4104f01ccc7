/*
 * metrics_sql.h
 *		The parts of metrics_sql.c that other SQL glue reuses: argument checks
 *		and window boundaries of the decline metrics, and their columns.
 */
#ifndef DORMANCY_METRICS_SQL_H
#define DORMANCY_METRICS_SQL_H

#include "postgres.h"
#include "datatype/timestamp.h"
#include "utils/date.h"

#include "core/metrics.h"

/* Columns of the SQL type dormancy.decline_metrics. */
#define DECLINE_METRICS_NATTS 24

/*
 * Check as_of (finite), the window lengths, trend years and thresholds, with
 * the errors of dormancy.decline_metrics(), and compute the boundaries.
 */
extern void DeclinePrepare(DateADT as_of, Interval *window_length,
						   int32 trend_years, Interval *season_length,
						   const DeclineThresholds *t, DeclineBounds *b);

/* The DECLINE_METRICS_NATTS columns of dormancy.decline_metrics, in order. */
extern void DeclineFillColumns(const DeclineMetrics *m, Datum *values,
							   bool *nulls);

#endif							/* DORMANCY_METRICS_SQL_H */
