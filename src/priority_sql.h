/*
 * priority_sql.h
 *		The score of priority_sql.c for another C function (assess_sql.c).
 */
#ifndef DORMANCY_PRIORITY_SQL_H
#define DORMANCY_PRIORITY_SQL_H

#include "access/htup.h"
#include "core/priority.h"
#include "utils/palloc.h"

extern double PriorityScoreOfRows(void **cachep, MemoryContext mcxt, HeapTupleHeader inputs,
								  HeapTupleHeader weights, PriorityValue value_percentile,
								  PriorityValue expected_value_percentile);

#endif							/* DORMANCY_PRIORITY_SQL_H */
