"""What a BI tool does, through a standard client library (psycopg2): connect
as a dormancy_reader user, discover the relations and columns it may read in
schema dormancy through information_schema, with their comments from
pg_description, check every one is commented, and read the call list (with a
server-side cursor, in batches, as BI extracts do).

Usage: bi_client.py DBNAME USER EXPECTED_CALL_LIST_ROWS
Connection host and port come from PGHOST and PGPORT.  Exit 0 = pass.
"""
import os
import sys

import psycopg2

EXPECTED_RELATIONS = {
    "labels": "BASE TABLE",            # read for the *_label columns of the views
    "latest_validation": "VIEW",       # how far to trust the forecasts (validate_models)
    "latest_validation_tracking": "VIEW",
    "model_validation_tracking": "BASE TABLE",
    "model_validations": "BASE TABLE",
    "recent_transitions": "VIEW",
    "score_weights": "BASE TABLE",     # read by snapshot_call_list for its minimum score
    "segment_summary": "VIEW",
    "snapshot_call_list": "VIEW",
    "status_history": "BASE TABLE",
    "status_snapshot": "BASE TABLE",
}
# stable column names and types of the call list (information_schema data_type);
# a new version only adds columns at the end (0.2.0: data_gaps; 0.4.0: value,
# owner, the looking-ahead columns and the labels)
CALL_LIST_COLUMNS = [
    ("call_rank", "bigint"), ("customer_id", "text"), ("name", "text"),
    ("industry", "text"), ("company_size", "text"), ("priority_score", "double precision"),
    ("likely_reason", "text"), ("approach_channel", "text"), ("message_theme", "text"),
    ("state", "text"), ("segment", "text"), ("declining", "boolean"),
    ("decline_signals", "ARRAY"), ("total_amount", "double precision"),
    ("recent_amount", "double precision"), ("prior_amount", "double precision"),
    ("orders_count", "bigint"), ("last_order_at", "date"),
    ("days_since_last_order", "integer"), ("dormant_after", "interval"),
    ("as_of", "date"), ("refreshed_at", "timestamp with time zone"),
    ("data_gaps", "ARRAY"),
    ("value_percentile", "double precision"), ("value_tier", "text"), ("owner", "text"),
    ("owner_rank", "bigint"),
    ("expected_dormancy_day", "date"), ("p_purchase_ahead", "double precision"),
    ("last_contacted_on", "date"),
    ("likely_reason_label", "text"), ("approach_channel_label", "text"),
    ("message_theme_label", "text"), ("state_label", "text"), ("segment_label", "text"),
    ("decline_signals_label", "ARRAY"), ("data_gaps_label", "ARRAY"),
    ("score_breakdown_label", "jsonb"),
]


def main():
    dbname, user, expected_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    failures = []

    def check(ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            failures.append(what)

    conn = psycopg2.connect(dbname=dbname, user=user, host=os.environ["PGHOST"],
                            port=os.environ.get("PGPORT", "5432"),
                            application_name="bi_client_test")
    cur = conn.cursor()

    # the relations this user can see (information_schema lists only those it has a privilege on)
    cur.execute("""
        SELECT t.table_name, t.table_type,
               obj_description(format('%I.%I', t.table_schema, t.table_name)::regclass, 'pg_class')
          FROM information_schema.tables t
         WHERE t.table_schema = 'dormancy'
         ORDER BY t.table_name""")
    relations = {name: (kind, comment) for name, kind, comment in cur.fetchall()}
    print("relations visible to %s: %s" % (user, ", ".join(sorted(relations))))
    check({n: k for n, (k, _) in relations.items()} == EXPECTED_RELATIONS,
          "exactly the result relations are visible: %s" % sorted(relations))
    for name, (kind, comment) in sorted(relations.items()):
        check(bool(comment), "%s %s has a comment: %r" % (kind.lower(), name, comment))

    # their columns, in order, with comments
    cur.execute("""
        SELECT c.table_name, c.column_name, c.data_type, c.ordinal_position,
               col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position::int)
          FROM information_schema.columns c
         WHERE c.table_schema = 'dormancy'
         ORDER BY c.table_name, c.ordinal_position""")
    columns = cur.fetchall()
    missing = ["%s.%s" % (t, c) for t, c, _, _, d in columns if not d]
    check(len(columns) > 0 and not missing,
          "every one of the %d columns has a comment%s" % (len(columns), (": missing " + ", ".join(missing)) if missing else ""))
    call_list = [(c, dt) for t, c, dt, _, _ in columns if t == "snapshot_call_list"]
    check(call_list == CALL_LIST_COLUMNS, "snapshot_call_list has its stable columns and types")
    for t, c, dt, pos, d in columns:
        if t in ("snapshot_call_list", "segment_summary"):
            print("  %s.%s %s -- %s" % (t, c, dt, d))

    # the call list, fetched in batches through a server-side cursor
    named = conn.cursor(name="call_list")
    named.itersize = 100
    named.execute("SELECT * FROM dormancy.snapshot_call_list ORDER BY call_rank")
    rows = list(named)
    names = [d.name for d in named.description]
    named.close()
    check(len(rows) == expected_rows, "call list has %d rows (want %d)" % (len(rows), expected_rows))
    rank = names.index("call_rank")
    score = names.index("priority_score")
    reason = names.index("likely_reason")
    channel = names.index("approach_channel")
    check(len(rows) > 0, "the call list is not empty")
    check([r[rank] for r in rows] == list(range(1, len(rows) + 1)), "call_rank runs 1..n")
    scores = [r[score] for r in rows]
    check(all(a >= b for a, b in zip(scores, scores[1:])), "highest priority first")
    check(all(r[reason] is not None and r[channel] is not None for r in rows),
          "every row has a likely reason and a channel")
    for r in rows[:5]:
        print("  #%d %s %s %s %s %.1f" % (r[rank], r[names.index("customer_id")], r[names.index("name")],
                                          r[reason], r[channel], r[score]))

    # the summary a dashboard would chart
    cur.execute("SELECT state, sum(customers)::int, round(sum(total_amount)::numeric, 2) "
                "FROM dormancy.segment_summary GROUP BY state ORDER BY state")
    for state, customers, amount_sum in cur.fetchall():
        print("  %-16s %6d %14s" % (state, customers, amount_sum))

    # a read-only BI user cannot write
    try:
        cur.execute("DELETE FROM dormancy.status_snapshot")
        check(False, "BI user cannot delete from the snapshot")
    except psycopg2.Error as e:
        conn.rollback()
        check(e.pgcode == "42501", "BI user cannot delete from the snapshot (%s %s)" % (e.pgcode, e.pgerror.splitlines()[0]))

    conn.close()
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("BI client check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
