"""Work that can wait runs in the background worker (django-tasks, database backend): a task is
queued in the same transaction as what it is for, so it is never lost, and work that depends
on another service (the mail server) is tried again later until it is done."""

import logging
from datetime import timedelta

from django.utils import timezone

logger = logging.getLogger(__name__)

#: Minutes before each further attempt (then hourly), and when to stop: three days on.
RETRY_MINUTES = [1, 5, 15, 30, 60]
ATTEMPTS = 72 + len(RETRY_MINUTES)


def retry_later(task, *args, attempt: int) -> str:
    """Queue the task again for later, with the attempt counted; give up (loudly, ids only)
    after three days of failing."""
    if attempt >= ATTEMPTS:
        logger.error("Gave up on %s%s after %s attempts", task.name, args, attempt)
        return "gave up"
    minutes = RETRY_MINUTES[min(attempt - 1, len(RETRY_MINUTES) - 1)]
    later = task.using(run_after=timezone.now() + timedelta(minutes=minutes))
    later.enqueue(*args, attempt=attempt + 1)
    return f"will try again in {minutes} minutes"
