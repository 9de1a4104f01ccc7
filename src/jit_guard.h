/*
 * jit_guard.h
 *		Queries that read the extension's views and tables run without JIT
 *		(src/jit_guard.c).
 */
#ifndef JIT_GUARD_H
#define JIT_GUARD_H

/* Define dormancy.jit and install the executor hook (from _PG_init). */
extern void DormancyDefineJitGuard(void);

/* The extension's schema, InvalidOid while the extension is not created. */
extern Oid	DormancyExtensionSchema(void);

/* Whether the citus extension exists (known with the schema, same invalidation). */
extern bool DormancyCitusPresent(void);

#endif							/* JIT_GUARD_H */
