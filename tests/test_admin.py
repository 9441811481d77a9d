"""The admin, under the same rules as the app: it changes nothing the services keep."""

import pytest
from django.apps import apps
from django.contrib.admin import site
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import HistoryManager

from opcc_calls.admin import ThroughTheServicesOnly
from tests.factories import UserFactory
from tests.helpers import log_call, sign_in_fully

pytestmark = pytest.mark.django_db


class TestAdminChangesNothingThatServicesKeep:
    """A superuser could add a call without its DMTS entry, or change one without a reason."""

    @pytest.mark.parametrize("model", ["callers_call", "dmts_dmtsentry", "callers_contactrequest"])
    def test_calls_and_entries_are_read_only_in_the_admin(self, client, model):
        sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
        call = log_call()
        assert client.get(reverse(f"admin:{model}_add")).status_code == 403
        pk = call.pk if model != "callers_contactrequest" else None
        if pk:
            change = reverse(f"admin:{model}_change", args=[pk])
            assert client.get(change).status_code == 200  # to read
            assert client.post(change, {"about": "changed"}).status_code == 403
        call.refresh_from_db()
        assert call.about != "changed"


def _history_models() -> list[type]:
    """Every model that keeps its history (simple_history's own historical models aside)."""
    return [
        model
        for model in apps.get_models()
        if isinstance(getattr(model, "history", None), HistoryManager)
        and not hasattr(model, "instance_type")
    ]


def test_every_model_with_history_is_in_the_admin_with_its_history():
    missing = [
        model._meta.label
        for model in _history_models()
        if not isinstance(site._registry.get(model), SimpleHistoryAdmin)
    ]
    assert not missing, f"not in the admin with their history: {missing}"


def test_every_admin_list_record_and_history_opens(client, world):
    """Walking the registry, so a model added later is opened too: its list, a record and
    the record's history; read-only where the app must make the change."""
    sign_in_fully(client, UserFactory(is_staff=True, is_superuser=True))
    for model, model_admin in site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        record = model._default_manager.first()
        if record is None:
            continue
        change = client.get(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
        assert change.status_code == 200, model._meta.label
        if isinstance(model_admin, SimpleHistoryAdmin):
            history = reverse("admin:{}_{}_history".format(*info), args=[record.pk])
            assert client.get(history).status_code == 200, model._meta.label
        if isinstance(model_admin, ThroughTheServicesOnly):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
            assert "Save" not in change.content.decode(), model._meta.label
