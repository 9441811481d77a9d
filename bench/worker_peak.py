"""The real background worker (django-tasks-db's Worker, as `manage.py db_worker --batch` runs
it) over everything queued, then exit, printing as JSON how long it took and its peak memory
over what it held idle (bench/run.py runs it for each piece of background work)."""

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402

# A worker that has been running holds the modules its tasks live in: idle includes them.
import callers.services.flags  # noqa: E402, F401
import dmts.services  # noqa: E402, F401


def memory_mb(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def main() -> None:
    connection.ensure_connection()
    idle = memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    )
    started = time.perf_counter()
    worker.run()
    seconds = time.perf_counter() - started
    peak = memory_mb("VmHWM")
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "idle_mb": round(idle, 1),
                "peak_mb": round(peak, 1),
                "peak_over_idle_mb": round(peak - idle, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
