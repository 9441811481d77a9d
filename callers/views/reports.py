"""Pages that show the effect of the arrangements: the dashboard, and the quarterly report on
the page, in Excel and as a PDF."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from callers import charts
from callers.forms.reports import ReportForm
from callers.models import Call, Flag, Language
from callers.selectors import reports as selectors
from callers.selectors.flags import before_and_after
from callers.services import reports as services
from opcc_calls.documents import PDF, document_pdf
from opcc_calls.exports import XLSX, WorkbookParts, xlsx_document
from opcc_calls.permissions import requires
from opcc_calls.windows import last_quarters

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
            "recognised": [
                (label, figures.recognised.get(value, 0))
                for value, label in [*Call.Recognised.choices, ("", _("Not recorded"))]
            ],
            "languages": [
                (label, figures.languages.get(value, 0))
                for value, label in [*Language.choices, ("", _("Not asked yet"))]
            ],
        }
    return render(request, "callers/reports/dashboard.html", context)


REPORT_NOTE = format_lazy(
    gettext_lazy(
        "Calls are counted as the dashboard counts them (voided entries left out). Calls from "
        "flagged callers are those made while the caller's flag was in force. Concerns and "
        "referrals are counted, never described. Follow-ups are those due in the period. "
        "Counts of people under {n} are given as “fewer than {n}”, so no one can be told "
        "from them."
    ),
    n=selectors.SUPPRESS_UNDER,
)

#: What each figure counts, for the workbook's Definitions sheet and the PDF.
DEFINITIONS = [
    (
        gettext_lazy("Calls by type"),
        gettext_lazy("Calls received in the period, by the type the handler chose."),
    ),
    (
        gettext_lazy("All calls"),
        gettext_lazy("Every call received in the period, voided DMTS entries left out."),
    ),
    (
        gettext_lazy("Calls from callers flagged when they called"),
        gettext_lazy(
            "Calls received while the caller's frequent or regular caller flag was in force."
        ),
    ),
    (
        gettext_lazy("Flags made, reviewed and renewed, ended"),
        gettext_lazy("Flags whose date falls in the period."),
    ),
    (
        gettext_lazy("Flags in force at the end of the period"),
        gettext_lazy("Made by then and not yet ended."),
    ),
    (
        gettext_lazy("Notices, appeals"),
        gettext_lazy("Notices sent and appeals received or decided in the period."),
    ),
    (
        gettext_lazy("Concerns, referrals"),
        gettext_lazy("Raised or made in the period: counted, never described."),
    ),
    (
        gettext_lazy("Follow-ups"),
        gettext_lazy("Due in the period; late if done after the due date or still open."),
    ),
    (
        gettext_lazy("Callers' languages"),
        gettext_lazy(
            "Callers who called in the period, each once, by the language their record gives now."
        ),
    ),
    (
        gettext_lazy("Fairness (SOP 6.1)"),
        format_lazy(
            gettext_lazy(
                "Of the callers flagged in the period: a concern about a possible disability "
                "or mental health condition recorded by the end of the period; reasonable "
                "adjustments recorded for them or considered for the flag; a safeguarding "
                "referral made by the end of the period. Under {n}: not given."
            ),
            n=selectors.SUPPRESS_UNDER,
        ),
    ),
    (
        gettext_lazy("Period before"),
        gettext_lazy("The quarter before a quarter; else as many days just before."),
    ),
    (gettext_lazy("Same period a year before"), gettext_lazy("The same days a year earlier.")),
]

#: The workbook's columns.
COLUMNS = [
    gettext_lazy("Section"),
    gettext_lazy("Figure"),
    gettext_lazy("This period"),
    gettext_lazy("Period before"),
    gettext_lazy("A year before"),
    gettext_lazy("Change"),
]


def _report_period(request: HttpRequest):
    """The period asked for (the last complete quarter by default), the form, and the report
    as last worked out (None before the first time, or for a period not understood)."""
    start, end = last_quarters(1)[0]
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
            "chart": _chart(figures) if figures else None,
            "stale": figures is not None and selectors.is_stale(figures),
            "quarters": last_quarters(4),
            "note": REPORT_NOTE,
            "query": request.GET.urlencode(),
        },
        status=200 if period else 400,
    )


def _chart(figures: selectors.Report) -> charts.BarChart:
    return charts.daily_bars(figures.weekly, width=760, height=200, axes=True, unit="week")


@requires("callers.produce_report")
@require_GET
def report_download(request: HttpRequest, kind: str) -> HttpResponse:
    form, period, figures = _report_period(request)
    if figures is None:
        return redirect(f"{reverse('callers:report')}?{request.GET.urlencode()}")
    stem = f"frequent-callers-report-{figures.start:%Y-%m-%d}-to-{figures.end:%Y-%m-%d}"
    if kind == "xlsx":
        content, content_type = xlsx_document(_workbook(figures)), XLSX
    else:
        context = {"report": figures, "chart": _chart(figures), "note": REPORT_NOTE}
        context |= {"definitions": DEFINITIONS, "office": settings.OFFICE_NAME}
        content, content_type = document_pdf("documents/report.html", context), PDF
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


def _workbook(figures: selectors.Report) -> WorkbookParts:
    (before, after), (then, until) = figures.periods
    return WorkbookParts(
        title=figures.title,
        author=settings.OFFICE_NAME,
        about=[
            (_("Period"), _("%(start)s to %(end)s") % _days(figures.start, figures.end)),
            (
                _("Compared with"),
                _("%(before)s, and %(last_year)s")
                % {
                    "before": _("%(start)s to %(end)s") % _days(before, after),
                    "last_year": _("%(start)s to %(end)s") % _days(then, until),
                },
            ),
            (_("Worked out"), f"{timezone.localtime(figures.computed_at):%d/%m/%Y %H:%M}"),
            (_("What changed"), figures.summary),
            (_("Note"), str(REPORT_NOTE)),
        ],
        columns=[str(column) for column in COLUMNS],
        rows=[
            [
                row.figure.section_text,
                row.figure.label_text,
                row.figure.shown,
                row.previous.shown if row.previous else "",
                row.last_year.shown if row.last_year else "",
                row.change,
            ]
            for row in figures.rows
        ],
        widths=[34, 62, 14, 14, 14, 10],
        definitions=[(str(term), str(meaning)) for term, meaning in DEFINITIONS],
    )


def _days(start, end) -> dict[str, str]:
    return {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
