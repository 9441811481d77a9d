"""Fill a PostgreSQL database with a large, realistic call log for measuring (not for tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opcc_calls_bench \
        .venv/bin/python bench/generate.py --callers 200000 --calls 2000000

Run `manage.py migrate` against that database first (`make bench` does both). Callers get
British names drawn from Faker's en_GB lists (364 first names, the common ones more often, and
500 surnames weighted as Faker weights them), so, as in life, some people share a name; a few
have another name they use. Calls follow a long tail: most callers call a handful of times, a
thousand call weekly or daily, and one caller, the busiest, has called 5,000 times over three
years. What each call is about is drawn from a thousand words, so a word may be common or
rare; "zebedee" is in a dozen calls.
Rows are made with COPY and generate_series into the tables with their secondary indexes
dropped, which are built again after: two million calls take about three minutes, twenty
million about half an hour.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opcc_calls.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from faker.providers.lorem.en_US import Provider as Words  # noqa: E402
from faker.providers.person.en_GB import Provider as Names  # noqa: E402

from callers.services.rules import matches_refresh  # noqa: E402
from opcc_calls.models import User  # noqa: E402

#: The caller who calls most, and the word only a few calls mention (for a rare-word search).
BUSIEST_CALLS = 5_000
RARE_WORD = "zebedee"

STEPS = {
    "phones": """
        INSERT INTO callers_callerphone (caller_id, number, created_at)
        SELECT id, '+4420' || lpad((id %% 100000000)::text, 8, '0'), created_at
        FROM callers_caller
    """,
    # A long tail, over 400 days in office hours: a quarter of the calls come from the top
    # 0.5% of callers (a few hundred calls each: weekly or daily callers), a third from the
    # next 10% (a call or two a month), the rest from everyone else (a handful each). The
    # first caller alone has BUSIEST_CALLS over three years; nobody else is drawn as them.
    "calls": """
        INSERT INTO callers_call (caller_id, handler_id, received_at, call_type, about, outcome,
            identity_check, complaint_status, police_department, published_route_given,
            organisation, selling, abusive, submission_token, logged_at, version, phone_call_id)
        SELECT c.caller_id,
               h.ids[1 + (i %% array_length(h.ids, 1))],
               least(date_trunc('day', now() - (c.span * random())) + interval '8 hours'
                   + random() * interval '9 hours', now() - random() * interval '1 hour'),
               (ARRAY['enquiry','enquiry','enquiry','other','police_hq'])[1 + i %% 5],
               (ARRAY['Asked about','Complained about','Wanted help with','Called about'])
                   [1 + i %% 4] || ' ' || w.words[1 + (hashint4(i) & 2147483647) %% w.n]
                   || ' ' || w.words[1 + (hashint4(i * 3) & 2147483647) %% w.n]
                   || ' near ' || w.words[1 + (hashint4(i * 5) & 2147483647) %% w.n],
               'Explained the options.', 'not_needed', '', '', false, '', '', false,
               gen_random_uuid(), now(), 1, ''
        FROM generate_series(1, %(calls)s) AS i
        CROSS JOIN (SELECT min(id) AS first, %(callers)s - 1 AS others FROM callers_caller) f
        CROSS JOIN LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i AS s) d
        CROSS JOIN LATERAL (
            SELECT CASE WHEN i <= %(busiest)s THEN f.first
                        ELSE f.first + 1 + floor(CASE
                            WHEN d.r < 0.25 THEN 0.005 * f.others * d.s
                            WHEN d.r < 0.60 THEN 0.005 * f.others + 0.1 * f.others * d.s
                            ELSE 0.105 * f.others + 0.895 * f.others * d.s END)::int
                   END AS caller_id,
                   CASE WHEN i <= %(busiest)s THEN interval '1095 days'
                        ELSE interval '400 days' END AS span) c
        CROSS JOIN (SELECT array_agg(id) AS ids FROM opcc_calls_user) h
        CROSS JOIN (SELECT %(words)s::text[] AS words, cardinality(%(words)s::text[]) AS n) w
    """,
    "rare word": """
        UPDATE callers_call SET about = about || ' and ' || %(rare)s
        WHERE id IN (SELECT id FROM callers_call ORDER BY id DESC LIMIT 12)
    """,
    "entries": """
        INSERT INTO dmts_dmtsentry (call_id, year, number, reference, status, compliance_notes,
            voided, void_reason, created_at, version, complaint_reference, complaint_sent_to)
        SELECT id, 2026, row_number() OVER (ORDER BY id),
               'DMTS-B-' || lpad(id::text, 9, '0'),
               CASE WHEN received_at < now() - interval '3 days'
                    THEN 'reviewed' ELSE 'awaiting' END,
               '', false, '', received_at, 1, '', ''
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


def british_names(count: int, *, seed: int = 2015) -> list[tuple[str, str]]:
    """(full name, other names) for `count` callers."""
    rng = random.Random(seed)
    # Faker lists first names most common first: weight them by rank (a Zipf-like tail).
    first_names = [*Names.first_names_female, *Names.first_names_male]
    rank = {name: i % len(Names.first_names_male) for i, name in enumerate(first_names)}
    first_weights = [1 / (10 + rank[name]) for name in first_names]
    surnames, surname_weights = list(Names.last_names), list(Names.last_names.values())
    picked_first = rng.choices(first_names, weights=first_weights, k=count)
    picked_last = rng.choices(surnames, weights=surname_weights, k=count)
    names = []
    for first, last in zip(picked_first, picked_last, strict=True):
        other = f"{first} {rng.choice(surnames)}" if rng.random() < 0.05 else ""
        names.append((f"{first} {last}", other))
    return names


def copy_callers(names: list[tuple[str, str]]) -> None:
    columns = (
        "full_name, other_names, email, postal_address, notes, reasonable_adjustments, "
        "created_at, version, legal_hold, large_print"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY callers_caller ({columns}) FROM STDIN") as copy:
            for full_name, other_names in names:
                copy.write_row(
                    (full_name, other_names, "", "", "", "", "2025-01-01 00:00+00", 1, False, False)
                )


#: Tables filled in bulk: their secondary indexes are dropped first and built again after
#: (far quicker than keeping a trigram index up to date row by row at twenty million).
BULK_TABLES = ("callers_call", "dmts_dmtsentry")


def indexes_dropped() -> list[str]:
    """Drop the bulk tables' indexes that back no constraint; their definitions, to build
    them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(BULK_TABLES)],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


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
    started = time.perf_counter()
    copy_callers(british_names(args.callers))
    print(f"callers: {time.perf_counter() - started:.1f} s", flush=True)
    parameters = {
        "callers": args.callers,
        "calls": args.calls,
        "busiest": min(BUSIEST_CALLS, args.calls // 10),
        "words": [w for w in Words.word_list if w != RARE_WORD],
        "rare": RARE_WORD,
    }
    definitions = indexes_dropped()
    for name, sql in STEPS.items():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
        print(f"{name}: {time.perf_counter() - started:.1f} s", flush=True)
        if name == "entries":  # the later steps read the calls through their indexes
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for definition in definitions:
                    cursor.execute(definition)
            print(f"indexes built again: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    matches = matches_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the planner's figures include the matches
    print(f"rule matches for everyone ({matches}): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
