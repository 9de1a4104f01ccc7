/*
 * cdnow.h
 *		The CDNOW sample's customer summaries (test/data, see its README),
 *		read for the unit tests of the model core.  Not part of the server
 *		module.
 */
#ifndef DORMANCY_TEST_CDNOW_H
#define DORMANCY_TEST_CDNOW_H

#define CDNOW_CUSTOMERS 2357

/* One customer: the BTYD summary in weeks, and the mean repeat spend. */
typedef struct CdnowRow
{
	double		x;
	double		t_x;
	double		T;
	double		zbar;			/* from the _with_transactions file */
} CdnowRow;

/*
 * Read cdnow_customers_summary.csv and cdnow_customers_summary_with_transactions.csv
 * from dir into rows (CDNOW_CUSTOMERS of them): the number of customers,
 * or -1 when a file is missing, malformed, or the two disagree.
 */
extern int	cdnow_load(const char *dir, CdnowRow *rows);

#endif							/* DORMANCY_TEST_CDNOW_H */
