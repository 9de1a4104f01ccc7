/*
 * tap.h
 *		The Test Anything Protocol output shared by the unit tests:
 *		"ok N - what" / "not ok N - what", "# comment", and "1..N" at the end.
 *		test/run_tests.sh counts the ok and not ok lines.
 */
#ifndef DORMANCY_TEST_TAP_H
#define DORMANCY_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int	tap_count;
static int	tap_failed;

/* Report one result; returns cond so a caller can print more on failure. */
static bool ok(bool cond, const char *fmt,...) __attribute__((format(printf, 2, 3), unused));
static bool
ok(bool cond, const char *fmt,...)
{
	va_list		ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

/* Print a diagnostic line (TAP comment). */
static void diag(const char *fmt,...) __attribute__((format(printf, 1, 2), unused));
static void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Print the plan line; the exit status of the test program. */
static int	tap_done(void) __attribute__((unused));
static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed > 0)
		fprintf(stderr, "# %d of %d tests failed\n", tap_failed, tap_count);
	return tap_failed > 0 ? 1 : 0;
}

#endif							/* DORMANCY_TEST_TAP_H */
