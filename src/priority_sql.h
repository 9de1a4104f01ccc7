/*
 * priority_sql.h
 *		The score of priority_sql.c for another C function (assess_sql.c).
 */
#ifndef DORMANCY_PRIORITY_SQL_H
#define DORMANCY_PRIORITY_SQL_H

#include "access/htup.h"
#include "utils/palloc.h"

extern double PriorityScoreOfRows(void **cachep, MemoryContext mcxt, HeapTupleHeader inputs,
								  HeapTupleHeader weights);

#endif							/* DORMANCY_PRIORITY_SQL_H */
