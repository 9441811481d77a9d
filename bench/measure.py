"""Time the reads and writes that matter on a large call log (run bench/generate.py first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opcc_calls_bench \
        .venv/bin/python bench/measure.py --out bench/results/2m-calls.md

Each measurement repeats and reports the median and 95th percentile in milliseconds. Pages go
through Django's full request stack (middleware, templates) with Django's test client, signed
in as a user holding every role; no network is involved.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opcc_calls.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from callers.models import Call, Caller  # noqa: E402
from callers.selectors.calls import find_callers, handling_card  # noqa: E402
from callers.services.calls import call_log  # noqa: E402
from callers.services.flags import matches_refresh  # noqa: E402
from opcc_calls.models import User  # noqa: E402
from opcc_calls.roles import sync_role_groups  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    sync_role_groups()
    user, _ = User.objects.get_or_create(username="bench-all-roles", defaults={"is_staff": True})
    user.groups.set(Group.objects.all())
    client = Client()
    client.force_login(user)
    busiest = (
        Call.objects.values("caller_id")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    caller = Caller.objects.get(pk=busiest["caller_id"])
    phone = caller.phones.first().number.as_national
    calls, callers = Call.objects.count(), Caller.objects.count()

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def log_one():
        call_log(
            handler=user,
            submission_token=uuid.uuid4(),
            caller=caller,
            call_type="enquiry",
            about="Bench call",
            received_at=timezone.now(),
        )

    rows = [
        ("Find a caller by number (exact)", lambda: find_callers(phone=phone)),
        ("Find a caller by a misspelt name", lambda: find_callers(name="Jon Smyth 42")),
        ("Handling card, busiest caller", lambda: handling_card(caller)),
        ("Log a call (service: entry, counters, rules)", log_one),
        ("Rule matches for one caller", lambda: matches_refresh(caller_ids=[caller.pk])),
        ("Page: home (all roles)", page("/")),
        ("Page: log a call", page("/callers/log/")),
        ("Page: caller, busiest", page(caller.get_absolute_url())),
        ("Page: call log, first page", page("/dmts/")),
        ("Page: review queue", page("/dmts/review/")),
        ("Page: candidates", page("/callers/candidates/")),
        ("Page: frequent calls log", page("/callers/frequent-calls-log/")),
        ("Page: dashboard", page("/callers/dashboard/")),
    ]
    lines = [
        f"# Bench: {calls:,} calls, {callers:,} callers ({connection.vendor})",
        "",
        f"{timezone.localtime():%Y-%m-%d %H:%M}, {args.repeat} runs each, milliseconds. "
        f"Busiest caller: {busiest['n']} calls.",
        "",
        "| what | median | p95 |",
        "| --- | ---: | ---: |",
    ]
    for label, fn in rows:
        median, p95 = timed(fn, args.repeat)
        lines.append(f"| {label} | {median:.1f} | {p95:.1f} |")
        print(lines[-1], flush=True)
    started = time.perf_counter()
    matches_refresh()
    lines.append(
        f"| Rule matches for everyone (after a rule change) | "
        f"{(time.perf_counter() - started) * 1000:.0f} | (once) |"
    )
    print(lines[-1])
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
