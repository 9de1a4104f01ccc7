/*
 * priority_sql.h
 *		The score of priority_sql.c for another C function (assess_sql.c).
 */
#ifndef DORMANCY_PRIORITY_SQL_H
#define DORMANCY_PRIORITY_SQL_H

#include "access/htup.h"
#include "core/priority.h"
#include "utils/palloc.h"

/*
 * declined_reason (NULL for none) and days_since_outreach_decline: the
 * latest conversation when it was a decline with a reason after the last
 * order, which the deal component reads (not fields of priority_inputs).
 */
extern double PriorityScoreOfRows(void **cachep, MemoryContext mcxt, HeapTupleHeader inputs,
								  HeapTupleHeader weights, PriorityValue value_percentile,
								  PriorityValue expected_value_percentile, const char *declined_reason,
								  PriorityValue days_since_outreach_decline);

#endif							/* DORMANCY_PRIORITY_SQL_H */
