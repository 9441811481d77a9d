"""Reads for the figures that show the effect of the arrangements: the dashboard's year as last
worked out (dashboard.py) and the quarterly report for the risk register and the Police and
Crime Panel (quarterly.py)."""

from callers.selectors.reports.dashboard import (
    DASHBOARD_FRESH_FOR,
    DASHBOARD_KEY,
    DashboardFigures,
    calls_per_week,
    calls_per_week_by_type,
    dashboard_figures,
    flagged_at_the_time,
    flagged_share,
    flagged_share_between,
    recognised_counts,
)
from callers.selectors.reports.quarterly import (
    FAIRNESS,
    REPORT_FRESH_FOR,
    SUPPRESS_UNDER,
    Figure,
    Report,
    Row,
    calls_by_type,
    fairness,
    is_stale,
    report,
    report_key,
    report_stored,
    report_value,
)

__all__ = [
    "DASHBOARD_FRESH_FOR",
    "DASHBOARD_KEY",
    "FAIRNESS",
    "REPORT_FRESH_FOR",
    "SUPPRESS_UNDER",
    "DashboardFigures",
    "Figure",
    "Report",
    "Row",
    "calls_by_type",
    "calls_per_week",
    "calls_per_week_by_type",
    "dashboard_figures",
    "fairness",
    "flagged_at_the_time",
    "flagged_share",
    "flagged_share_between",
    "is_stale",
    "recognised_counts",
    "report",
    "report_key",
    "report_stored",
    "report_value",
]
