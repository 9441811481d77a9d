"""The caller's 90-day chart reads as a chart: axes with round numbers and month names, and
the same figures as text for whoever cannot see it."""

from datetime import date, timedelta

from callers.charts import daily_bars


def _days(counts: dict[int, int], n: int = 90) -> list[tuple[date, int]]:
    first = date(2026, 9, 6)
    return [(first + timedelta(days=i), counts.get(i, 0)) for i in range(n)]


def test_the_axes_give_round_calls_and_the_first_of_each_month():
    chart = daily_bars(_days({0: 1, 40: 7, 89: 2}), width=760, height=200, axes=True)
    assert [t.label for t in chart.y_ticks] == ["0", "4", "7"]
    assert [t.label for t in chart.x_ticks] == ["6 Sep", "1 Oct", "1 Nov", "1 Dec"]
    assert chart.busiest == "Fri 16 Oct" and chart.maximum == 7
    # Bars stand on the days axis, to the right of the calls axis, the busiest as tall as the plot.
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.y + tallest.height == chart.baseline
    assert min(b.x for b in chart.bars) > chart.left
    assert chart.y_ticks[-1].y == tallest.y


def test_the_text_equivalent_adds_up_to_the_chart_week_by_week():
    chart = daily_bars(_days({0: 1, 40: 7, 89: 2}), axes=True)
    assert sum(n for _, n in chart.weeks) == chart.total == 10
    assert len(chart.weeks) == 13  # 90 days: twelve full weeks and the six oldest days
    assert chart.weeks[0] == ("6 Sep to 11 Sep 2026", 1)
    assert chart.weeks[-1] == ("28 Nov to 4 Dec 2026", 2)


def test_the_busiest_day_is_the_latest_of_equals_and_none_without_calls():
    assert daily_bars(_days({3: 2, 50: 2})).busiest == "Mon 26 Oct"
    empty = daily_bars(_days({}), axes=True)
    assert empty.busiest == "" and empty.total == 0 and [t.label for t in empty.y_ticks] == ["0"]
