"""From a caller's page to merging by the other record's reference."""

import pytest
from django.urls import reverse

from callers.services.data_protection import callers_merge
from tests.factories import CallerFactory


@pytest.fixture
def records():
    return CallerFactory(full_name="Chris Doe"), CallerFactory(full_name="Christopher Doe")


def test_a_reference_opens_the_comparison_of_the_two(compliance_client, records):
    first, second = records
    url = reverse("callers:merge_with", args=[first.pk])
    for typed in (second.reference, second.reference.lower(), f" C{second.pk} "):
        response = compliance_client.get(url, {"other": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == reverse("callers:merge", args=[first.pk, second.pk])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give the other record&#x27;s reference."),
        ("Chris", "No current caller has that reference"),
        ("C-999999999", "No current caller has that reference"),
        ("SELF", "That is this record"),
        ("MERGED", "No current caller has that reference"),
    ],
)
def test_a_reference_that_leads_nowhere_is_explained_beside_the_field(
    compliance_client, compliance_user, records, manager_user, typed, message
):
    first, second = records
    gone = CallerFactory()
    callers_merge(survivor=second, merged=gone, by=manager_user)
    typed = {"SELF": first.reference, "MERGED": gone.reference}.get(typed, typed)
    url = reverse("callers:merge_with", args=[first.pk])
    response = compliance_client.get(url, {"other": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html


def test_the_page_without_a_reference_asks_for_one(compliance_client, records):
    response = compliance_client.get(reverse("callers:merge_with", args=[records[0].pk]))
    assert response.status_code == 200
    assert "Reference of the other record" in response.content.decode()
    assert "is required" not in response.content.decode()
