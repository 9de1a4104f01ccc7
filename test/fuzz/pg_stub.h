/*
 * pg_stub.h
 *		The few backend services that src/history_type.c needs, for fuzzing
 *		its text and binary I/O functions outside a server (pg_stub.c).
 *
 * ereport(ERROR) jumps back to fz_pg_call(), which reports the SQLSTATE;
 * palloc'd memory is freed by fz_pg_reset().
 */
#ifndef DORMANCY_PG_STUB_H
#define DORMANCY_PG_STUB_H

#include "postgres.h"
#include "fmgr.h"

/*
 * Call fn(arg) as the fmgr would (typioparam 0, typmod -1).  Returns true
 * and sets *result, or false and sets *sqlstate when it raised an ERROR
 * (*message is the error's message, valid until the next call).
 */
extern bool fz_pg_call(PGFunction fn, Datum arg, Datum *result, int *sqlstate,
					   const char **message);

/* Run fn(arg) the same way: false (with *sqlstate, *message) if it raised. */
extern bool fz_pg_try(void (*fn) (const void *), const void *arg, int *sqlstate,
					  const char **message);

/* Free everything palloc'd since the last reset. */
extern void fz_pg_reset(void);

#endif							/* DORMANCY_PG_STUB_H */
