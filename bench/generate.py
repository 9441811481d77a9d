"""Fill a PostgreSQL database with a large, realistic call log for measuring (not for tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opcc_calls_bench \
        .venv/bin/python bench/generate.py --callers 200000 --calls 2000000

Run `manage.py migrate` against that database first (`make bench` does both). Rows are made
with generate_series in the database itself, so two million calls take a minute or two. Call
times follow the demo's shape: most callers call once or twice, a few hundred call daily.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opcc_calls.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from callers.services.flags import matches_refresh  # noqa: E402
from opcc_calls.models import User  # noqa: E402

STEPS = {
    "callers": """
        INSERT INTO callers_caller (full_name, other_names, email, postal_address, notes,
            reasonable_adjustments, created_at, version, legal_hold)
        SELECT (ARRAY['John','Jon','Mary','Margaret','Ahmed','Priya','Sean','Susan','David',
                      'Fatima','Peter','Linda','Gary','Helen','Imran','Karen'])[1 + i %% 16]
               || ' ' ||
               (ARRAY['Smith','Jones','Taylor','Brown','Khan','Patel','Walker','Wright',
                      'Thompson','Evans','Roberts','Hughes','Begum','Singh','Clarke'])
                      [1 + (i / 16) %% 15]
               || ' ' || i,
               '', '', '', '', '', now() - interval '400 days', 1, false
        FROM generate_series(1, %(callers)s) AS i
    """,
    "phones": """
        INSERT INTO callers_callerphone (caller_id, number, created_at)
        SELECT id, '+4420' || lpad((id %% 100000000)::text, 8, '0'), created_at
        FROM callers_caller
    """,
    # 5% of callers make 60% of the calls; times spread over 400 days, office hours.
    "calls": """
        INSERT INTO callers_call (caller_id, handler_id, received_at, call_type, about, outcome,
            identity_check, complaint_status, police_department, published_route_given,
            organisation, selling, abusive, submission_token, logged_at, version)
        SELECT c.caller_id,
               h.ids[1 + (i %% array_length(h.ids, 1))],
               now() - (random() * interval '400 days'),
               (ARRAY['enquiry','enquiry','enquiry','other','police_hq'])[1 + i %% 5],
               'Asked about ' || (ARRAY['speeding in the village','the police precept',
                 'a burglary report','anti-social behaviour','a lost property claim'])[1 + i %% 5],
               'Explained the options.', 'not_needed', '', '', false, '', '', false,
               gen_random_uuid(), now(), 1
        FROM generate_series(1, %(calls)s) AS i
        CROSS JOIN LATERAL (SELECT CASE WHEN i %% 10 < 6
                   THEN 1 + (hashint4(i) & 2147483647) %% greatest(%(callers)s / 20, 1)
                   ELSE 1 + (hashint4(i * 7) & 2147483647) %% %(callers)s END
                   + (SELECT min(id) - 1 FROM callers_caller) AS caller_id) c
        CROSS JOIN (SELECT array_agg(id) AS ids FROM opcc_calls_user) h
    """,
    "entries": """
        INSERT INTO dmts_dmtsentry (call_id, year, number, reference, status, compliance_notes,
            voided, void_reason, created_at, version)
        SELECT id, 2026, row_number() OVER (ORDER BY id),
               'DMTS-B-' || lpad(id::text, 9, '0'),
               CASE WHEN received_at < now() - interval '3 days'
                    THEN 'reviewed' ELSE 'awaiting' END,
               '', false, '', received_at, 1
        FROM callers_call
    """,
    "counter": """
        INSERT INTO dmts_dmtscounter (year, last_number)
        SELECT 2026, count(*) FROM dmts_dmtsentry
    """,
    "activity": """
        INSERT INTO callers_calleractivity (caller_id, calls_total, first_call_at, last_call_at)
        SELECT c.id, count(k.id), min(k.received_at), max(k.received_at)
        FROM callers_caller c LEFT JOIN callers_call k ON k.caller_id = c.id GROUP BY c.id
    """,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=2_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the bench measures production.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM callers_call")
        if cursor.fetchone()[0]:
            sys.exit("This database already holds calls: use a fresh one.")
    if not User.objects.exists():
        User.objects.bulk_create(
            [User(username=f"bench{i}", first_name="Bench", last_name=str(i)) for i in range(12)]
        )
    for name, sql in STEPS.items():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, {"callers": args.callers, "calls": args.calls})
        print(f"{name}: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    matches = matches_refresh()
    print(f"rule matches for everyone ({matches}): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
