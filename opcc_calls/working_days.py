"""Working days: Monday to Friday. Bank holidays are not known here, so a follow-up due over
one comes up a day early rather than late."""

from datetime import date, timedelta


def working_days_after(day: date, days: int) -> date:
    """The working day `days` working days after `day`."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def working_days_before(day: date, days: int) -> date:
    """The day `days` working days before `day`: anything from then or earlier has waited
    at least that many working days by `day`."""
    while days > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
