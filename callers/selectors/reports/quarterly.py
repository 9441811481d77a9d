"""Reads for the quarterly report for the risk register and the Police and Crime Panel: every
count it gives, beside the period before and the same period a year before."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, override

from callers.models import (
    Appeal,
    Call,
    Concern,
    DashboardFigure,
    Flag,
    FlagReview,
    FollowUp,
    Language,
    Letter,
    Referral,
)
from callers.selectors.reports.dashboard import (
    LANGUAGE_ROWS,
    calls_per_week,
    flagged_share_between,
    language_counts,
)
from callers.selectors.safeguarding import flagged_fairness_counts
from opcc_calls.windows import comparison_periods, start_of_day


@dataclass(frozen=True)
class Figure:
    """One figure of the report. Its section and label are kept (and stored) in English, the
    key to it, and said in the reader's language (section_text, label_text)."""

    section: str
    label: str
    value: int | str
    suppressed: bool = False  # a count of few people: shown as "fewer than 5" under 5

    @property
    def section_text(self) -> str:
        return _(self.section)

    @property
    def label_text(self) -> str:
        return _(self.label)

    @property
    def shown(self) -> int | str:
        if self.suppressed and isinstance(self.value, int) and self.value < SUPPRESS_UNDER:
            return _("fewer than %(n)s") % {"n": SUPPRESS_UNDER}
        return self.value

    @property
    def text(self) -> str:
        """As a page or a document prints it: 1,733."""
        return _n(self.shown)


#: Counts of people under this are not given (with so few, a reader could tell who they are).
SUPPRESS_UNDER = 5


@dataclass(frozen=True)
class Row:
    figure: Figure
    previous: Figure | None
    last_year: Figure | None

    @property
    def change(self) -> str:
        """The change on the previous period, where both are counts that may be given."""
        now, before = self.figure, self.previous
        if before is None or not isinstance(now.value, int) or not isinstance(before.value, int):
            return ""
        if now.shown != now.value or before.shown != before.value or not before.value:
            return ""
        return f"{round(100 * (now.value - before.value) / before.value):+d}%"


@dataclass(frozen=True)
class Report:
    start: date
    end: date  # the last day included
    figures: list[Figure]
    computed_at: datetime | None = None
    previous: list[Figure] = field(default_factory=list)  # the period before, as long
    last_year: list[Figure] = field(default_factory=list)  # the same period a year before
    weekly: list[tuple[date, int]] = field(default_factory=list)  # calls each week

    def value(self, label: str) -> int | str:
        return next(f.value for f in self.figures if f.label == label)

    @property
    def title(self) -> str:
        return _("Frequent and regular callers: %(start)s to %(end)s") % {
            "start": _day(self.start),
            "end": _day(self.end),
        }

    @property
    def periods(self) -> tuple[tuple[date, date], tuple[date, date]]:
        return comparison_periods(self.start, self.end)

    @property
    def rows(self) -> list[Row]:
        before = {f.label: f for f in self.previous}
        a_year_ago = {f.label: f for f in self.last_year}
        return [Row(f, before.get(f.label), a_year_ago.get(f.label)) for f in self.figures]

    @property
    def summary(self) -> str:
        """What changed, in two sentences a Panel member reads first."""
        rows = {row.figure.label: row for row in self.rows}
        calls, share = rows["All calls"], rows["Their share of all calls"]
        n = int(calls.figure.value)  # a count, always
        compared = [
            _compared(n, other.value, when)
            for when, other in (
                (_("the period before"), calls.previous),
                (_("a year before"), calls.last_year),
            )
            if other is not None and isinstance(other.value, int)
        ]
        logged = ngettext("%(n)s call was logged", "%(n)s calls were logged", n) % {"n": _n(n)}
        if compared:
            logged = _("%(logged)s, %(compared)s") % {
                "logged": logged,
                "compared": _(" and ").join(compared),
            }
        made, ended = int(self.value("Flags made")), int(self.value("Flags ended"))
        flagged = _("Callers flagged when they called made %(share)s of them") % {
            "share": share.figure.value
        }
        if share.previous:
            flagged = _("%(flagged)s (%(share)s the period before)") % {
                "flagged": flagged,
                "share": share.previous.value,
            }
        flags = ngettext(
            "%(made)s flag was made and %(ended)s ended.",
            "%(made)s flags were made and %(ended)s ended.",
            made,
        ) % {"made": made, "ended": ended}
        return f"{logged}. {flagged}; {flags}"


def _n(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else value


def _compared(now: int, before: int, when: str) -> str:
    """How this period's calls compare with another's: "50% more than a year before (3)"."""
    words = {"when": when, "before": _n(before)}
    if before == 0:
        return _("none %(when)s") % words
    if now == before:
        return _("the same as %(when)s (%(before)s)") % words
    words["percent"] = str(abs(round(100 * (now - before) / before)))
    if now > before:
        return _("%(percent)s%% more than %(when)s (%(before)s)") % words
    return _("%(percent)s%% fewer than %(when)s (%(before)s)") % words


def _day(day: date) -> str:
    return date_format(day, "j F Y")


#: The report's sections (with LANGUAGES and FAIRNESS below), kept in English like the labels.
CALLS = gettext_noop("Calls")
FLAGS = gettext_noop("Flags")
TELLING_THE_CALLER = gettext_noop("Telling the caller")
VULNERABILITY_AND_SAFEGUARDING = gettext_noop("Vulnerability and safeguarding")
FOLLOW_UPS = gettext_noop("Follow-ups")


def calls_by_type(start: date, end: date) -> dict[str, int]:
    """Counted calls of each type received on the days from `start` to `end` inclusive."""
    rows = (
        Call.objects.counted()
        .filter(
            received_at__gte=start_of_day(start),
            received_at__lt=start_of_day(end + timedelta(days=1)),
        )
        .values("call_type")
        .annotate(n=Count("pk"))
        .values_list("call_type", "n")
    )
    found = dict(rows)
    return {value: found.get(value, 0) for value in Call.Type.values}


def report(start: date, end: date, *, today: date | None = None) -> Report:
    today = today or timezone.localdate()
    begin, finish = start_of_day(start), start_of_day(end + timedelta(days=1))
    within = {"__gte": begin, "__lt": finish}

    def between(field: str) -> Q:
        return Q(**{f"{field}{k}": v for k, v in within.items()})

    by_type = calls_by_type(start, end)
    calls = sum(by_type.values())
    flagged, _ = flagged_share_between(begin, finish)
    flags = Flag.objects.aggregate(
        made=Count("pk", filter=between("flagged_at")),
        ended=Count("pk", filter=between("ended_at")),
        in_force=Count(
            "pk",
            filter=Q(flagged_at__lt=finish) & (Q(ended_at__isnull=True) | Q(ended_at__gte=finish)),
        ),
    )
    reviewed = FlagReview.objects.filter(between("reviewed_at")).count()
    notices = Letter.objects.filter(
        kind=Letter.Kind.NOTICE, sent_on__gte=start, sent_on__lte=end
    ).count()
    appeals = Appeal.objects.aggregate(
        received=Count("pk", filter=Q(received_on__gte=start, received_on__lte=end)),
        upheld=Count(
            "pk",
            filter=between("decided_at")
            & Q(outcome__in=[Appeal.Outcome.UPHELD_END, Appeal.Outcome.UPHELD_CHANGE]),
        ),
        not_upheld=Count("pk", filter=between("decided_at") & Q(outcome=Appeal.Outcome.NOT_UPHELD)),
    )
    concerns = Concern.objects.filter(between("raised_at")).count()
    referrals = Referral.objects.filter(referred_on__gte=start, referred_on__lte=end).count()
    follow_ups = FollowUp.objects.filter(due_on__gte=start, due_on__lte=end).aggregate(
        due=Count("pk"),
        late=Count(
            "pk",
            filter=Q(status=FollowUp.Status.OPEN, due_on__lt=today)
            | Q(status=FollowUp.Status.DONE, done_at__date__gt=F("due_on")),
        ),
    )
    share = f"{round(100 * flagged / calls)}%" if calls else "0%"
    with override("en-gb"):  # stored in English, the key; said in the reader's language
        labels = {value: str(label) for value, label in Call.Type.choices}
    figures = [
        *(Figure(CALLS, labels[value], n) for value, n in by_type.items()),
        Figure(CALLS, gettext_noop("All calls"), calls),
        Figure(CALLS, gettext_noop("Calls from callers flagged when they called"), flagged),
        Figure(CALLS, gettext_noop("Their share of all calls"), share),
        Figure(FLAGS, gettext_noop("Flags made"), flags["made"]),
        Figure(FLAGS, gettext_noop("Flags reviewed and renewed"), reviewed),
        Figure(FLAGS, gettext_noop("Flags ended"), flags["ended"]),
        Figure(FLAGS, gettext_noop("Flags in force at the end of the period"), flags["in_force"]),
        Figure(TELLING_THE_CALLER, gettext_noop("Notices of contact arrangements sent"), notices),
        Figure(TELLING_THE_CALLER, gettext_noop("Appeals received"), appeals["received"]),
        Figure(TELLING_THE_CALLER, gettext_noop("Appeals upheld"), appeals["upheld"]),
        Figure(TELLING_THE_CALLER, gettext_noop("Appeals not upheld"), appeals["not_upheld"]),
        Figure(VULNERABILITY_AND_SAFEGUARDING, gettext_noop("Concerns raised"), concerns),
        Figure(
            VULNERABILITY_AND_SAFEGUARDING, gettext_noop("Safeguarding referrals made"), referrals
        ),
        Figure(FOLLOW_UPS, gettext_noop("Follow-ups due"), follow_ups["due"]),
        Figure(
            FOLLOW_UPS, gettext_noop("Follow-ups done late or still overdue"), follow_ups["late"]
        ),
        *languages(begin, finish),
        *fairness(start, end),
    ]
    return Report(start=start, end=end, figures=figures)


LANGUAGES = gettext_noop("Callers' languages (Welsh Language Standards)")


def languages(begin: datetime, finish: datetime) -> list[Figure]:
    """The period's callers by the language they prefer, each caller once (few people are not
    given: the report is published)."""
    counts = language_counts(begin, finish)
    labels = {
        Language.ENGLISH: gettext_noop("Callers who prefer English"),
        Language.WELSH: gettext_noop("Callers who prefer Welsh"),
        Language.OTHER: gettext_noop("Callers who need an interpreter"),
        "": gettext_noop("Callers not yet asked their language"),
    }
    return [
        Figure(LANGUAGES, labels[value], counts[value], suppressed=True) for value in LANGUAGE_ROWS
    ]


FAIRNESS = gettext_noop("Fairness (SOP 6.1: avoid discrimination)")


def fairness(start: date, end: date) -> list[Figure]:
    """Of the callers flagged in the period, counts only, small ones not given."""
    counts = flagged_fairness_counts(start, end)
    return [
        Figure(FAIRNESS, label, counts[key], suppressed=True)
        for key, label in (
            ("flagged", gettext_noop("Callers flagged in the period")),
            (
                "condition",
                gettext_noop("of whom a concern about a disability or mental health was recorded"),
            ),
            (
                "adjusted",
                gettext_noop("of whom reasonable adjustments were recorded or considered"),
            ),
            ("referred", gettext_noop("of whom a safeguarding referral was made")),
        )
    ]


#: A stored report is shown at once; one older than this is worked out again meanwhile.
REPORT_FRESH_FOR = timedelta(minutes=15)


def report_key(start: date, end: date) -> str:
    return f"report:{start.isoformat()}:{end.isoformat()}"


def report_stored(start: date, end: date) -> Report | None:
    """The report for this period as the background worker last worked it out (a quarter
    of two million calls takes longer than a page may), or None before the first time (or
    when it was stored before the comparisons were kept)."""
    stored = DashboardFigure.objects.filter(
        key=report_key(start, end), computed_at__isnull=False
    ).first()
    if stored is None or "previous" not in stored.value:
        return None
    value = stored.value
    return Report(
        start=start,
        end=end,
        figures=[Figure(*row) for row in value["figures"]],
        computed_at=stored.computed_at,
        previous=[Figure(*row) for row in value["previous"]],
        last_year=[Figure(*row) for row in value["last_year"]],
        weekly=[(date.fromisoformat(day), n) for day, n in value["weekly"]],
    )


def report_value(start: date, end: date) -> dict:
    """The period's report with its comparisons and its weeks, as stored for the page."""

    def rows(made: Report) -> list[list]:
        return [[f.section, f.label, f.value, f.suppressed] for f in made.figures]

    previous, last_year = comparison_periods(start, end)
    return {
        "figures": rows(report(start, end)),
        "previous": rows(report(*previous)),
        "last_year": rows(report(*last_year)),
        "weekly": [[week.isoformat(), n] for week, n in calls_per_week(start, end)],
    }


def is_stale(made: Report) -> bool:
    return made.computed_at is None or timezone.now() - made.computed_at > REPORT_FRESH_FOR
