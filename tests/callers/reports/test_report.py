"""The quarterly report: the same figures as the dashboard for the same period, every count
the risk register asks for (never a concern's detail), in Excel and PDF, in a fixed number of
queries."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from callers.models import Call, Concern, Flag
from callers.selectors import reports
from callers.selectors.reports import dashboard_figures
from callers.services.letters import appeal_record, letter_sent, letter_write
from callers.services.reports import dashboard_figures_refresh, report_compute
from opcc_calls import windows
from tests.factories import CallerFactory, CallFactory
from tests.helpers import flag, office_letterhead, pdf_text, queries, run_background_tasks

pytestmark = pytest.mark.django_db


def some_calls(n: int = 1) -> None:
    now = timezone.now()
    for i in range(n):
        for days, call_type in ((1, "enquiry"), (9, "complaint"), (40, "sales"), (100, "enquiry")):
            CallFactory(
                call_type=call_type,
                received_at=now - timedelta(days=days, minutes=i),
                complaint_status="referred" if call_type == "complaint" else "",
            )


def test_its_totals_equal_the_dashboards_for_the_same_period(manager_user):
    some_calls(3)
    dashboard_figures_refresh.call()
    figures = dashboard_figures()
    made = reports.report(figures.weeks[0], timezone.localdate())
    for value, label in Call.Type.choices:
        assert made.value(label) == sum(figures.series[value]), label
    assert made.value("All calls") == sum(sum(v) for v in figures.series.values())


def test_it_counts_flags_letters_appeals_concerns_and_follow_ups(manager_user, compliance_user):
    today = timezone.localdate()
    caller = CallerFactory(postal_address="2 Low Road\nAB1 2CD")
    made = flag(caller, manager_user, written_contact_only=True)
    CallFactory(caller=caller, received_at=timezone.now())  # while flagged
    CallFactory(received_at=timezone.now())
    office_letterhead()
    letter = letter_write(flag=made, by=manager_user, kind="notice", reason="r")
    letter_sent(letter=letter, by=manager_user, sent_on=today, sent_how="post", version=1)
    appeal_record(flag=made, by=compliance_user, received_on=today, grounds="g")
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="Secret")
    made_report = reports.report(today - timedelta(days=1), today)
    assert made_report.value("Calls from callers flagged when they called") == 1
    assert made_report.value("Their share of all calls") == "50%"
    assert made_report.value("Flags made") == 1
    assert made_report.value("Flags in force at the end of the period") == 1
    assert made_report.value("Notices of contact arrangements sent") == 1
    assert made_report.value("Appeals received") == 1
    assert made_report.value("Concerns raised") == 1
    assert "Secret" not in str(made_report.figures)


def test_quarters_are_whole_and_complete():
    today = timezone.localdate().replace(year=2026, month=11, day=30)
    assert windows.last_quarters(2, today=today) == [
        (today.replace(month=7, day=1), today.replace(month=9, day=30)),
        (today.replace(month=4, day=1), today.replace(month=6, day=30)),
    ]
    assert windows.quarter_of(today.replace(month=12, day=31)) == (
        today.replace(month=10, day=1),
        today.replace(month=12, day=31),
    )


def test_the_page_excel_and_pdf_hold_the_same_figures(manager_client):
    some_calls(2)
    today = timezone.localdate()
    period = {
        "start": (today - timedelta(days=30)).strftime("%d/%m/%Y"),
        "end": today.strftime("%d/%m/%Y"),
    }
    assert manager_client.get(reverse("callers:report_pdf"), period).status_code == 302
    waiting = manager_client.get(reverse("callers:report"), period).content.decode()
    assert "is being worked out in the background" in waiting
    manager_client.get(reverse("callers:report"), period)  # a second look queues nothing more
    assert run_background_tasks() == 1
    page = manager_client.get(reverse("callers:report"), period)
    assert page.context["report"].value("All calls") == 4
    workbook = load_workbook(
        io.BytesIO(b"".join(manager_client.get(reverse("callers:report_xlsx"), period)))
    )
    rows = {row[1]: row[2] for row in workbook.active.iter_rows(values_only=True)}
    assert rows["All calls"] == 4 and rows["Complaint"] == 2
    pdf = manager_client.get(reverse("callers:report_pdf"), period)
    text = pdf_text(pdf.content)
    assert "All calls 4" in text and "Frequent and regular callers" in text


def test_a_bad_period_is_said_beside_the_field(manager_client):
    today = timezone.localdate()
    backwards = manager_client.get(
        reverse("callers:report"),
        {"start": today.strftime("%d/%m/%Y"), "end": "01/01/2020"},
    )
    assert backwards.status_code == 400
    assert "The end must be on or after the start." in backwards.content.decode()
    too_long = manager_client.get(
        reverse("callers:report"), {"start": "01/01/2020", "end": "01/01/2022"}
    )
    assert "A report covers a year at most" in too_long.content.decode()
    nonsense = manager_client.get(reverse("callers:report_pdf"), {"start": "x", "end": "y"})
    assert nonsense.status_code == 302


def test_the_report_runs_a_fixed_number_of_queries(manager_client, manager_user):
    counts = []
    quarter = [day.isoformat() for day in windows.last_quarters(1)[0]]
    for n in (1, 6):
        some_calls(n)
        for _ in range(n):
            flag(CallerFactory(), manager_user)
        report_compute.call(*quarter)
        with CaptureQueriesContext(connection) as worked_out:
            reports.report(*windows.last_quarters(1)[0])
        computing = len(worked_out)  # before a request, which clears the connection's log
        counts.append((queries(manager_client, reverse("callers:report")), computing))
    assert counts[0] == counts[1]


class TestAReportAPanelReads:
    """Each figure beside the period before and a year before, what changed in a sentence, the
    trend, fairness with small counts not given, a workbook and a tagged PDF."""

    @staticmethod
    def quarter_with_history(manager_user):
        quarter = windows.last_quarters(1)[0]
        (before, _), (a_year_ago, _) = windows.comparison_periods(*quarter)
        for day, n in ((quarter[0], 6), (before, 4), (a_year_ago, 3)):
            for i in range(n):
                CallFactory(received_at=windows.start_of_day(day) + timedelta(hours=10, minutes=i))
        flagged = [CallerFactory(reasonable_adjustments="Large print") for _ in range(6)]
        for caller in flagged:
            made = flag(caller, manager_user)
            Flag.objects.filter(pk=made.pk).update(
                flagged_at=windows.start_of_day(quarter[0]) + timedelta(hours=9)
            )
        Concern.objects.create(
            caller=flagged[0],
            raised_by=manager_user,
            kind="mental_health",
            noticed="x",
            raised_at=windows.start_of_day(quarter[1]),
        )
        Concern.objects.create(  # after the period: not counted
            caller=flagged[1], raised_by=manager_user, kind="mental_health", noticed="y"
        )
        return quarter

    def test_each_figure_beside_the_period_before_and_a_year_before(self, manager_user):
        quarter = self.quarter_with_history(manager_user)
        made = reports.Report(
            *quarter,
            figures=reports.report(*quarter).figures,
            **{
                "previous": reports.report(*windows.comparison_periods(*quarter)[0]).figures,
                "last_year": reports.report(*windows.comparison_periods(*quarter)[1]).figures,
            },
        )
        calls = next(row for row in made.rows if row.figure.label == "All calls")
        assert (calls.figure.value, calls.previous.value, calls.last_year.value) == (6, 4, 3)
        assert calls.change == "+50%"
        assert made.summary.startswith(
            "6 calls were logged, 50% more than the period before (4) and 100% more than a "
            "year before (3)."
        )
        assert "6 flags were made and 0 ended." in made.summary

    def test_fairness_counts_people_and_gives_none_under_five(self, manager_user):
        quarter = self.quarter_with_history(manager_user)
        fair = {f.label: f for f in reports.fairness(*quarter)}
        assert fair["Callers flagged in the period"].shown == 6
        adjusted = fair["of whom reasonable adjustments were recorded or considered"]
        assert adjusted.shown == 6
        condition = fair["of whom a concern about a disability or mental health was recorded"]
        assert condition.value == 1 and condition.shown == "fewer than 5"
        referred = fair["of whom a safeguarding referral was made"]
        assert referred.value == 0 and referred.shown == "fewer than 5"
        row = reports.Row(condition, reports.Figure("", "", 0, suppressed=True), None)
        assert row.change == ""  # a change would give the small number away

    def test_the_workbook_and_the_pdf_a_reader_can_use(self, manager_client, manager_user):
        quarter = self.quarter_with_history(manager_user)
        period = {"start": quarter[0].strftime("%d/%m/%Y"), "end": quarter[1].strftime("%d/%m/%Y")}
        manager_client.get(reverse("callers:report"), period)
        run_background_tasks()
        page = manager_client.get(reverse("callers:report"), period).content.decode()
        assert "6 calls were logged" in page and 'class="axis-title">Calls a week' in page
        assert "Fairness (SOP 6.1" in page and "fewer than 5" in page
        book = load_workbook(
            io.BytesIO(b"".join(manager_client.get(reverse("callers:report_xlsx"), period)))
        )
        assert book.properties.title.startswith("Frequent and regular callers")
        assert book.properties.creator == "Office of the Police and Crime Commissioner"
        sheet = book["Report"]
        rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
        assert rows["All calls"][2:5] == (6, 4, 3)  # numbers, not text
        share = next(r for r in sheet.iter_rows() if r[1].value == "Their share of all calls")
        assert isinstance(share[2].value, int | float) and share[2].number_format == "0%"
        assert sheet.column_dimensions["B"].width == 62
        assert [r[0] for r in sheet.iter_rows(values_only=True)][1:3] == ["From", "Period"]
        assert any(
            "Fairness" in (r[0] or "") for r in book["Definitions"].iter_rows(values_only=True)
        )
        pdf = manager_client.get(reverse("callers:report_pdf"), period).content
        reader = PdfReader(io.BytesIO(pdf))
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
        assert reader.metadata.title.startswith("Frequent and regular callers")
        text = pdf_text(pdf)
        assert "6 calls were logged" in text and "fewer than 5" in text
        assert "What the figures count" in text
