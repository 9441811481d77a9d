"""Small server-rendered SVG charts: no chart library, nothing from a CDN, nothing inline to run."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    maximum: int
    total: int
    first: str
    last: str


def daily_bars(per_day: list[tuple[date, int]], *, width: int = 720, height: int = 120) -> BarChart:
    """One bar a day, scaled to the busiest day."""
    maximum = max((n for _, n in per_day), default=0)
    slot = width / max(len(per_day), 1)
    bars = []
    for i, (day, n) in enumerate(per_day):
        bar_height = (n / maximum) * (height - 4) if maximum else 0
        bars.append(
            Bar(
                x=round(i * slot + 1, 2),
                y=round(height - bar_height, 2),
                width=round(max(slot - 2, 1), 2),
                height=round(bar_height, 2),
                label=day.strftime("%a %-d %b"),
                value=n,
            )
        )
    return BarChart(
        bars=bars,
        width=width,
        height=height,
        maximum=maximum,
        total=sum(n for _, n in per_day),
        first=per_day[0][0].strftime("%-d %b %Y") if per_day else "",
        last=per_day[-1][0].strftime("%-d %b %Y") if per_day else "",
    )
