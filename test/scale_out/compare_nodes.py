#!/usr/bin/python3
"""Compare the same queries on two servers, column by column.

    compare_nodes.py DSN_REFERENCE DSN_OTHER QUERIES.sql

QUERIES.sql holds queries separated by lines '-- query: NAME'; each one is
run on both servers (with the settings lines before the first query run
first on both) and must have an ORDER BY that makes its rows unique.  Values
must be equal; floating-point values may differ by a relative 1e-9 (a sum of
the same amounts in another order, on another node, can differ in its last
digits).  Prints one line per query ('NAME: N rows equal' or the first
differences) and exits 1 when any query differs.
"""
import math
import sys

import psycopg2

TOLERANCE = 1e-9


def split_queries(text):
    settings, queries, name, lines = [], [], None, []
    for line in text.splitlines():
        if line.startswith('-- query:'):
            if name is None:
                settings = lines
            else:
                queries.append((name, '\n'.join(lines)))
            name, lines = line.split(':', 1)[1].strip(), []
        else:
            lines.append(line)
    if name is not None:
        queries.append((name, '\n'.join(lines)))
    return '\n'.join(settings), queries


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-300)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def run(dsn, settings, sql):
    conn = psycopg2.connect(dsn)
    try:
        cur = conn.cursor()
        if settings.strip():
            cur.execute(settings)
        cur.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        conn.close()


def main():
    reference, other, path = sys.argv[1:4]
    settings, queries = split_queries(open(path, encoding='utf-8').read())
    failed = 0
    for name, sql in queries:
        cols_a, rows_a = run(reference, settings, sql)
        cols_b, rows_b = run(other, settings, sql)
        problems = []
        if cols_a != cols_b:
            problems.append('columns differ: %s / %s' % (cols_a, cols_b))
        elif len(rows_a) != len(rows_b):
            problems.append('%d rows / %d rows' % (len(rows_a), len(rows_b)))
        else:
            for i, (ra, rb) in enumerate(zip(rows_a, rows_b)):
                for c, a, b in zip(cols_a, ra, rb):
                    if not same(a, b):
                        problems.append('row %d (%s) %s: %r / %r' % (i + 1, ra[0], c, a, b))
        if problems:
            failed += 1
            print('%s: %d differences, first: %s' % (name, len(problems), '; '.join(problems[:5])))
        else:
            print('%s: %d rows equal' % (name, len(rows_a)))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
