/*
 * cdnow.c
 *		The CDNOW sample's customer summaries for the unit tests (cdnow.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdnow.h"

/*
 * Read a CSV of numbers (header skipped; LF or CRLF; last line may lack its
 * newline); columns 1..ncol after the ID go to out[row][0..ncol-1].
 */
static int
read_csv(const char *path, int ncol, double (*out)[4], int max_rows)
{
	FILE	   *f = fopen(path, "rb");
	char		line[512];
	int			rows = 0;
	bool		header = true;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
	{
		char	   *p = line;
		char	   *end;
		int			c;

		if (header)
		{
			header = false;
			continue;
		}
		if (line[0] == '\r' || line[0] == '\n' || line[0] == '\0')
			continue;
		if (rows >= max_rows)
			break;
		strtod(p, &end);		/* ID */
		if (end == p || *end != ',')
		{
			fclose(f);
			return -1;
		}
		p = end + 1;
		for (c = 0; c < ncol; c++)
		{
			out[rows][c] = strtod(p, &end);
			if (end == p)
			{
				fclose(f);
				return -1;
			}
			p = (*end == ',') ? end + 1 : end;
		}
		rows++;
	}
	fclose(f);
	return rows;
}

/* Both CDNOW summary files (cdnow.h). */
int
cdnow_load(const char *dir, CdnowRow *rows)
{
	static double a[CDNOW_CUSTOMERS + 1][4];
	static double b[CDNOW_CUSTOMERS + 1][4];
	char		path[1024];
	int			na;
	int			nb;
	int			i;

	snprintf(path, sizeof(path), "%s/cdnow_customers_summary.csv", dir);
	na = read_csv(path, 3, a, CDNOW_CUSTOMERS + 1);
	snprintf(path, sizeof(path), "%s/cdnow_customers_summary_with_transactions.csv", dir);
	nb = read_csv(path, 4, b, CDNOW_CUSTOMERS + 1);
	if (na != CDNOW_CUSTOMERS || nb != CDNOW_CUSTOMERS)
		return -1;
	for (i = 0; i < na; i++)
	{
		/* the two files describe the same customers */
		if (a[i][0] != b[i][0] || a[i][1] != b[i][1] || a[i][2] != b[i][2])
			return -1;
		rows[i].x = a[i][0];
		rows[i].t_x = a[i][1];
		rows[i].T = a[i][2];
		rows[i].zbar = b[i][3];
	}
	return na;
}
