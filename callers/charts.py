"""Small server-rendered SVG charts: no chart library, nothing from a CDN, nothing inline to run."""

from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from callers.models import Call


def _month(day: date) -> str:
    """The month's short name in the page's language: Dec, Rhag."""
    return str(MONTHS_3[day.month]).title()


def short_day(day: date) -> str:
    """3 Nov (3 Tach): what strftime's %-d %b gives, in the page's language."""
    return f"{day.day} {_month(day)}"


def short_date(day: date) -> str:
    return f"{short_day(day)} {day.year}"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    value: int
    weekly: bool = False

    @property
    def label(self) -> str:
        """Its day ("Tue 3 Nov") or week ("Week of 2 Nov"), worked out only for a bar drawn."""
        if self.weekly:
            return _("Week of %(day)s") % {"day": short_day(self.day)}
        return f"{WEEKDAYS_ABBR[self.day.weekday()]} {short_day(self.day)}"


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    maximum: int
    total: int
    first: str
    last: str
    busiest: str = ""  # the (latest) busiest day, "Tue 3 Nov"
    weeks: tuple[tuple[str, int], ...] = ()  # the text equivalent: calls in each week shown
    unit: str = "day"  # what each bar counts: a day's calls, or a week's
    left: int = 0  # with axes: where the plot starts and where the bars stand
    baseline: float = 0
    y_ticks: tuple[Tick, ...] = ()
    x_ticks: tuple[Tick, ...] = ()

    @property
    def rects(self) -> str:
        """The bars as SVG, built here: ninety bars of six values each took the template
        engine longer than all the rest of a caller's page, and format_html (escaping each
        number) longer again on the candidates page's 25 sparklines. Every value is a number
        worked out here but the label, which is escaped."""
        return SafeString(
            "".join(
                f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" '
                f'class="chart-bar"><title>{escape(b.label)}: {b.value:d}</title></rect>'
                for b in self.bars
                if b.value
            )
        )


#: Room for the axes' labels around the plot (on the right, for a month named on its last day).
LEFT, BOTTOM, TOP, RIGHT = 48, 34, 10, 32


def _y_ticks(maximum: int) -> list[int]:
    """Round numbers of calls for the vertical axis: 0, about half the busiest, and it."""
    if not maximum:
        return [0]
    half = maximum / 2
    step = 10 ** max(len(str(int(half))) - 1, 0)
    return sorted({0, max(round(half / step) * step, 1), maximum})


def _weeks(per_day: list[tuple[date, int]]) -> tuple[tuple[str, int], ...]:
    """Calls in each run of seven days, oldest first, the last ending on the last day shown."""
    weeks = []
    for end in range(len(per_day), 0, -7):
        days = per_day[max(end - 7, 0) : end]
        start, finish = days[0][0], days[-1][0]
        label = (
            _("%(start)s to %(finish)s") % {"start": short_day(start), "finish": short_date(finish)}
            if start != finish
            else short_date(start)
        )
        weeks.append((label, sum(n for _, n in days)))
    return tuple(reversed(weeks))


def daily_bars(
    per_day: list[tuple[date, int]],
    *,
    width: int = 720,
    height: int = 120,
    axes: bool = False,
    unit: str = "day",
) -> BarChart:
    """One bar a day (or a week, with `unit="week"`: each date the Monday it starts), scaled
    to the busiest. With `axes`, a calls axis (round numbers) and a dates axis (each month's
    first day, or first week, named) around the plot, and the weeks' totals as the chart's
    text equivalent."""
    weekly = unit == "week"
    maximum = max((n for _, n in per_day), default=0)
    left, top, bottom, right = (LEFT, TOP, BOTTOM, RIGHT) if axes else (0, 4, 0, 0)
    plot_width, plot_height = width - left - right, height - top - bottom
    baseline = float(top + plot_height)
    slot = plot_width / max(len(per_day), 1)
    bars = []
    for i, (day, n) in enumerate(per_day):
        bar_height = (n / maximum) * plot_height if maximum else 0
        bars.append(
            Bar(
                x=round(left + i * slot + 1, 2),
                y=round(baseline - bar_height, 2),
                width=round(max(slot - 2, 1), 2),
                height=round(bar_height, 2),
                day=day,
                value=n,
                weekly=weekly,
            )
        )
    busiest = next((day for day, n in reversed(per_day) if n and n == maximum), None)
    y_ticks: tuple[Tick, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    if axes:
        y_ticks = tuple(
            Tick(
                x=left - 6,
                y=round(baseline - (v / maximum * plot_height if maximum else 0), 2),
                label=str(v),
            )
            for v in _y_ticks(maximum)
        )
        x_ticks = tuple(
            Tick(x=round(left + (i + 0.5) * slot, 2), y=baseline + 16, label=short_day(day))
            for i, (day, _) in enumerate(per_day)
            if ((day.day <= 7) if weekly else (day.day == 1 or i == 0))
        )
    return BarChart(
        bars=bars,
        width=width,
        height=height,
        maximum=maximum,
        total=sum(n for _, n in per_day),
        first=short_date(per_day[0][0]) if per_day else "",
        last=short_date(per_day[-1][0]) if per_day else "",
        busiest=f"{WEEKDAYS_ABBR[busiest.weekday()]} {short_day(busiest)}" if busiest else "",
        weeks=(
            tuple((_("Week of %(day)s") % {"day": short_date(day)}, n) for day, n in per_day)
            if weekly
            else _weeks(per_day)
        )
        if axes
        else (),
        unit=unit,
        left=left,
        baseline=baseline,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class StackedChart:
    segments: list[Segment]
    legend: list[tuple[str, str, int]]
    width: int
    height: int
    maximum: int
    first: str
    last: str
    left: int  # where the plot starts: the calls axis and its labels sit to its left
    baseline: float  # where the bars stand: the weeks axis and its labels sit below it
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def stacked_weeks(
    weeks: list[date], series: dict[str, list[int]], *, width: int = 760, height: int = 220
) -> StackedChart:
    """One stacked bar a week, one colour a type of call (colours in app.css), with a calls
    axis (round numbers) and a weeks axis (the first week of each month named)."""
    labels = {value: str(label) for value, label in Call.Type.choices}
    totals = [sum(values[i] for values in series.values()) for i in range(len(weeks))]
    maximum = max(totals, default=0)
    plot_width, plot_height = width - LEFT, height - BOTTOM - TOP
    baseline = float(TOP + plot_height)
    slot = plot_width / max(len(weeks), 1)
    segments = []
    for i, week in enumerate(weeks):
        y = baseline
        for n, (call_type, values) in enumerate(series.items()):
            if not values[i]:
                continue
            h = values[i] / maximum * plot_height
            y -= h
            segments.append(
                Segment(
                    x=round(LEFT + i * slot + 1, 2),
                    y=round(y, 2),
                    width=round(max(slot - 2, 1), 2),
                    height=round(h, 2),
                    css=f"series-{n}",
                    title=_("Week of %(day)s") % {"day": short_date(week)}
                    + f": {values[i]} {labels[call_type].lower()}",
                )
            )
    legend = [(labels[t], f"series-{n}", sum(v)) for n, (t, v) in enumerate(series.items())]
    y_ticks = [
        Tick(
            x=LEFT - 6,
            y=round(baseline - (v / maximum * plot_height if maximum else 0), 2),
            label=str(v),
        )
        for v in _y_ticks(maximum)
    ]
    x_ticks = [
        Tick(
            x=round(LEFT + (i + 0.5) * slot, 2),
            y=baseline + 16,
            label=_month(week) + (f" {week:%Y}" if week.month == 1 or i < 4 else ""),
        )
        for i, week in enumerate(weeks)
        if week.day <= 7
    ]
    return StackedChart(
        segments=segments,
        legend=legend,
        width=width,
        height=height,
        maximum=maximum,
        first=short_date(weeks[0]) if weeks else "",
        last=short_date(weeks[-1]) if weeks else "",
        left=LEFT,
        baseline=baseline,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
