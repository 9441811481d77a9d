"""Dates and times the British way on every form, whatever the browser's locale: shown as
30/11/2026 and 14:05, typed the same way, and never read as a US date."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from callers.forms.calls import LogCallForm
from callers.forms.flags import FlagForm
from dmts.forms.entries import CallLogFilter
from tests.helpers import log_call

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def inputs(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def test_the_log_a_call_form_shows_and_reads_british_dates(handler_client):
    html = handler_client.get(reverse("callers:log")).content.decode()
    [received] = inputs(html, "received_at")
    now = timezone.localtime()
    assert 'type="text"' in received
    assert f'value="{now:%d/%m/%Y} ' in received  # never the browser's own picker
    for name in ("ended_time", "warning_time", "terminated_time"):
        [field] = inputs(html, name)
        assert 'type="text"' in field and 'placeholder="hh:mm"' in field  # no AM/PM
    field = LogCallForm().fields["received_at"]
    assert field.clean("03/04/2026 09:30") == datetime(2026, 4, 3, 9, 30, tzinfo=LONDON)
    assert field.clean("2026-04-03T09:30") == datetime(2026, 4, 3, 9, 30, tzinfo=LONDON)
    assert LogCallForm().fields["ended_time"].clean("14:05") == time(14, 5)


def test_dates_on_other_forms_are_read_day_first(manager_user):
    assert FlagForm().fields["review_date"].clean("01/12/2026") == date(2026, 12, 1)
    received_from = CallLogFilter().form.fields["received_from"]
    assert received_from.clean("02/03/2026") == date(2026, 3, 2)


def test_a_dmts_correction_shows_the_time_received_british(compliance_client, handler_user):
    call = log_call(handler_user, received_at=datetime(2026, 11, 3, 9, 5, tzinfo=LONDON))
    html = compliance_client.get(reverse("dmts:correct", args=[call.pk])).content.decode()
    [received] = inputs(html, "received_at")
    assert 'value="03/11/2026 09:05"' in received
