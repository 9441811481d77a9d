"""Work that can wait runs in the background worker (django-tasks, database backend): a task is
queued in the same transaction as what it is for, so it is never lost, and work that depends
on another service (the mail server) is tried again later until it is done.

Tasks are named for what they do to their record, `<record>_<work>` like services; a task
that sends an email ends `_email` and sends it with `email_or_retry`."""

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

#: Minutes before each further attempt (then hourly), and when to stop: three days on.
RETRY_MINUTES = [1, 5, 15, 30, 60]
ATTEMPTS = 72 + len(RETRY_MINUTES)
#: What an email task answers once the mail server has taken its email.
SENT = "sent"


def retry_later(task: Task, *args: object, attempt: int) -> str:
    """Queue the task again for later, with the attempt counted; give up (loudly, ids only)
    after three days of failing."""
    if attempt >= ATTEMPTS:
        logger.error("Gave up on %s%s after %s attempts", task.name, args, attempt)
        return "gave up"
    minutes = RETRY_MINUTES[min(attempt - 1, len(RETRY_MINUTES) - 1)]
    later = task.using(run_after=timezone.now() + timedelta(minutes=minutes))
    later.enqueue(*args, attempt=attempt + 1)
    return f"will try again in {minutes} minutes"


def email_or_retry(
    task: Task,
    *args: object,
    attempt: int,
    subject: Callable[[], str],
    template: str,
    context: Mapping[str, object],
    to: Sequence[str],
) -> str:
    """An email task's email: rendered from the template (which is given the office's name),
    sent to these people, each in the language they chose (the office's for anyone else: one
    email a language), or, while the mail server will not take it, the task queued again with
    the same arguments (the failure logged with the task's name and its ids, never what the
    email says). `subject` is called in each language. Returns SENT, or when it will try
    again."""
    messages = []
    for language, addresses in recipients_by_language(to).items():
        with translation.override(language):
            body = render_to_string(template, {"office_name": settings.OFFICE_NAME, **context})
            messages.append(EmailMessage(str(subject()), body, None, addresses))
    try:
        get_connection().send_messages(messages)
    except OSError:
        logger.exception("Could not send %s%s (attempt %s)", task.name, args, attempt)
        return retry_later(task, *args, attempt=attempt)
    return SENT


def recipients_by_language(to: Sequence[str]) -> dict[str, list[str]]:
    """The addresses by the language their member of staff chose (the office's for an
    address that is no one's, such as the complaints team's), in the order given."""
    chosen = dict(
        get_user_model()
        .objects.filter(email__in=[address for address in to if address], is_active=True)
        .exclude(language="")
        .values_list("email", "language")
    )
    grouped: dict[str, list[str]] = {}
    for address in to:
        grouped.setdefault(chosen.get(address, settings.LANGUAGE_CODE), []).append(address)
    return grouped


@task()
def account_email(subject: str, body: str, to: list[str], html: str = "", attempt: int = 1) -> str:
    """Background: an email about someone's account (a password reset), rendered when it was
    asked for, sent here and tried again while the mail server will not take it."""
    message = EmailMultiAlternatives(subject, body, None, to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError:
        logger.exception("Could not send %s (attempt %s)", account_email.name, attempt)
        return retry_later(account_email, subject, body, to, html, attempt=attempt)
    return SENT
