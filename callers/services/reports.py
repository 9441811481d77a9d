"""Writes for the figures that read a year or a quarter of calls (the dashboard's, the
quarterly report's): asking the background worker for fresh ones (one request however many
ask at once) and storing what it works out."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from callers.models import (
    DashboardFigure,
)
from callers.selectors.reports import (
    DASHBOARD_KEY,
    calls_per_week_by_type,
    flagged_share,
    recent_language_counts,
    recognised_counts,
    report_key,
    report_value,
)
from opcc_calls.replica import replica_reads

#: A request for fresh dashboard figures older than this is made again (the worker was down).
FIGURES_REQUEST_LAPSES = timedelta(minutes=10)


def dashboard_figures_request() -> None:
    """Queue the dashboard's year of figures to be worked out again, unless a request is
    already on its way: of many managers opening the dashboard at once, one queues it."""
    now = timezone.now()
    DashboardFigure.objects.get_or_create(key=DASHBOARD_KEY)
    claimed = (
        DashboardFigure.objects.filter(key=DASHBOARD_KEY)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - FIGURES_REQUEST_LAPSES))
        .update(requested_at=now)
    )
    if claimed:
        dashboard_figures_refresh.enqueue()


@task()
def dashboard_figures_refresh() -> None:
    """Background: calls per week by type over the year, the share from flagged callers and
    how callers were recognised over 90 days (each reads a year or a quarter of the log)."""
    with replica_reads():
        weeks, series = calls_per_week_by_type()
        flagged, total = flagged_share()
        recognised = recognised_counts()
        languages = recent_language_counts()
    DashboardFigure.objects.update_or_create(
        key=DASHBOARD_KEY,
        defaults={
            "value": {
                "weeks": [week.isoformat() for week in weeks],
                "series": series,
                "flagged": flagged,
                "total": total,
                "recognised": recognised,
                "languages": languages,
            },
            "computed_at": timezone.now(),
            "requested_at": None,
        },
    )


#: A request for a report older than this is made again (the worker was down).
REPORT_REQUEST_LAPSES = timedelta(minutes=10)


def report_request(*, start: date, end: date) -> None:
    """Queue the report for this period to be worked out, unless it is already on its way:
    of many people asking at once, one queues it."""
    now = timezone.now()
    key = report_key(start, end)
    DashboardFigure.objects.get_or_create(key=key)
    claimed = (
        DashboardFigure.objects.filter(key=key)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - REPORT_REQUEST_LAPSES))
        .update(requested_at=now)
    )
    if claimed:
        report_compute.enqueue(start.isoformat(), end.isoformat())


@task()
def report_compute(start: str, end: str) -> None:
    """Background: the report for a period beside the period before and the same period a
    year before (three reads of the log), stored for the page and its downloads."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    with replica_reads():
        value = report_value(first, last)
    DashboardFigure.objects.update_or_create(
        key=report_key(first, last),
        defaults={
            "value": value,
            "computed_at": timezone.now(),
            "requested_at": None,
        },
    )
