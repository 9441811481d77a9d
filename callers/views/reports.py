"""Pages that show the effect of the arrangements: the dashboard."""

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from callers import charts
from callers.models import (
    Flag,
)
from callers.selectors import reports as selectors
from callers.services import reports as services
from opcc_calls.permissions import requires

#: Ended flags stay on the dashboard this long, with the weeks after their end.
EFFECT_ENDED_WITHIN = timedelta(weeks=26)


@requires("callers.view_flag")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Seeing the effect: calls per week by type, the share from flagged callers, and each
    flagged caller's calls per week before and since their flag."""
    figures = selectors.dashboard_figures()
    if figures is None or figures.is_stale:
        services.dashboard_figures_request()  # worked out in the background, shown next time
    recent = Q(ended_at__isnull=True) | Q(ended_at__gte=timezone.now() - EFFECT_ENDED_WITHIN)
    flags = list(Flag.objects.filter(recent).select_related("caller").order_by("-flagged_at")[:50])
    effects = selectors.before_and_after(flags)
    context = {"figures": figures, "effects": [effects[flag.pk] for flag in flags]}
    if figures:
        context |= {
            "weekly": charts.stacked_weeks(figures.weeks, figures.series),
            "flagged": figures.flagged,
            "total": figures.total,
            "share": round(100 * figures.flagged / figures.total) if figures.total else 0,
        }
    return render(request, "callers/reports/dashboard.html", context)
