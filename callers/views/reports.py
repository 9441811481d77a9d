"""Pages that show the effect of the arrangements: the dashboard, and the quarterly report on
the page, in Excel and as a PDF."""

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from callers import charts
from callers.forms.reports import ReportForm
from callers.models import (
    Flag,
)
from callers.selectors import reports as selectors
from callers.selectors.flags import before_and_after
from callers.services import reports as services
from opcc_calls.documents import PDF, figures_pdf
from opcc_calls.exports import xlsx_response
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
    effects = before_and_after(flags)
    context = {"figures": figures, "effects": [effects[flag.pk] for flag in flags]}
    if figures:
        context |= {
            "weekly": charts.stacked_weeks(figures.weeks, figures.series),
            "flagged": figures.flagged,
            "total": figures.total,
            "share": round(100 * figures.flagged / figures.total) if figures.total else 0,
        }
    return render(request, "callers/reports/dashboard.html", context)


REPORT_NOTE = (
    "Calls are counted as the dashboard counts them (voided entries left out). Calls from "
    "flagged callers are those made while the caller's flag was in force. Concerns and "
    "referrals are counted, never described. Follow-ups are those due in the period."
)


def _report_period(request: HttpRequest):
    """The period asked for (the last complete quarter by default), the form, and the report
    as last worked out (None before the first time, or for a period not understood)."""
    start, end = selectors.last_quarters(1)[0]
    form = ReportForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET:
        if not form.is_valid():
            return form, None, None
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, (start, end), selectors.report_stored(start, end)


@requires("callers.produce_report")
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The quarterly report (or any period up to a year), on the page, in Excel and as a PDF."""
    form, period, figures = _report_period(request)
    if period and (figures is None or selectors.is_stale(figures)):
        services.report_request(start=period[0], end=period[1])
    return render(
        request,
        "callers/reports/report.html",
        {
            "form": form,
            "period": period,
            "report": figures,
            "stale": figures is not None and selectors.is_stale(figures),
            "quarters": selectors.last_quarters(4),
            "note": REPORT_NOTE,
            "query": request.GET.urlencode(),
        },
        status=200 if period else 400,
    )


@requires("callers.produce_report")
@require_GET
def report_download(request: HttpRequest, kind: str) -> HttpResponse:
    form, period, figures = _report_period(request)
    if figures is None:
        return redirect(f"{reverse('callers:report')}?{request.GET.urlencode()}")
    stem = f"frequent-callers-report-{figures.start:%Y-%m-%d}-to-{figures.end:%Y-%m-%d}"
    if kind == "xlsx":
        return xlsx_response(
            stem,
            "Report",
            ["Section", "Figure", "Value"],
            [(f.section, f.label, f.value) for f in figures.figures],
        )
    sections: dict[str, list[tuple[str, str]]] = {}
    for figure in figures.figures:
        sections.setdefault(figure.section, []).append((figure.label, str(figure.value)))
    response = HttpResponse(
        figures_pdf(figures.title, REPORT_NOTE, list(sections.items())), content_type=PDF
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response
