"""Figures that read a year of calls (the dashboard's, the quarterly report's), worked out in
the background and kept with when."""

from django.db import models


class DashboardFigure(models.Model):
    """A dashboard figure that reads a year of calls, worked out in the background and kept
    here with when: the page shows it at once and asks for a fresh one when it is old."""

    key = models.CharField(max_length=50, primary_key=True)
    value = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("produce_report", "Can produce the quarterly report")]

    def __str__(self) -> str:
        return self.key
