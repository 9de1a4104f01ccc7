/*
 * history_type.h
 *		The dormancy.purchase_history SQL type: a varlena wrapper around the
 *		sorted, compact HistoryDay array of core/history.h.
 */
#ifndef DORMANCY_HISTORY_TYPE_H
#define DORMANCY_HISTORY_TYPE_H

#include "postgres.h"
#include "fmgr.h"

#include "core/history.h"

/*
 * Stored layout: a 16-byte header, then ndays HistoryDay entries sorted by day
 * with no day twice.  version is HISTORY_FORMAT_VERSION; flags and the two
 * unused fields must be zero (room to evolve the format).
 */
typedef struct PurchaseHistory
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		flags;
	uint16		unused;
	int32		ndays;
	int32		unused2;
	HistoryDay	days[FLEXIBLE_ARRAY_MEMBER];
} PurchaseHistory;

#define PURCHASE_HISTORY_SIZE(n) \
	(offsetof(PurchaseHistory, days) + sizeof(HistoryDay) * (Size) (n))

#define DatumGetPurchaseHistoryP(X)	((PurchaseHistory *) PG_DETOAST_DATUM(X))
#define PG_GETARG_PURCHASE_HISTORY_P(n) DatumGetPurchaseHistoryP(PG_GETARG_DATUM(n))
#define PG_RETURN_PURCHASE_HISTORY_P(x) PG_RETURN_POINTER(x)

/* Build a history value (palloc'd in the current context) from compact days. */
extern PurchaseHistory *PurchaseHistoryFromDays(const HistoryDay *days, int32 ndays);

/* Reject a malformed value (forged binary input, corrupted storage). */
extern void CheckPurchaseHistory(const PurchaseHistory *h);

/*
 * HistoryReallocFn (core/history.h) allocating in the MemoryContext given as
 * ctx; errors out beyond MaxAllocSize.
 */
extern void *HistoryContextRealloc(void *ctx, void *ptr, size_t size);

/* Raise the error a state function of core/history.h reported (never returns). */
extern void HistoryAccError(const char *err) pg_attribute_noreturn();

#endif							/* DORMANCY_HISTORY_TYPE_H */
