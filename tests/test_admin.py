"""The admin, under the same rules as the app: it changes nothing the services keep."""

import pytest
from django.urls import reverse

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
