"""Letters read as the caller reads them (issue 20): a review date still to come, the office's
letterhead and the caller's reference to quote, arrangements they can follow, a reason written
for them, a postal address before "sent by post", the office named as a sentence names it, and
documents their reasonable adjustments can use (a tagged PDF, large print)."""

import io
import re
import zipfile
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from callers.models import Flag, Letter, Letterhead
from callers.selectors.letters import fill
from callers.services.flags import flag_change_arrangements
from callers.services.letters import appeal_decide, appeal_record, letter_write, letterhead_save
from opcc_calls.concurrency import StaleEdit
from opcc_calls.roles import Role
from tests.factories import CallerFactory, UserFactory
from tests.helpers import flag, office_letterhead, page_text, pdf_text

pytestmark = pytest.mark.django_db

OFFICE = "Office of the Police and Crime Commissioner"


@pytest.fixture
def letterhead(db) -> Letterhead:
    return office_letterhead()


@pytest.fixture
def flagged(manager_user):
    """A caller flagged with one person to contact, at set times, whose letters go by post."""
    caller = CallerFactory(full_name="Ann Reader", postal_address="2 Low Road\nAB1 2CD")
    return flag(caller, manager_user, single_point_of_contact=manager_user, contact_times="Mon")


def notice(made: Flag, user) -> Letter:
    return letter_write(flag=made, by=user, kind="notice", reason="You called 40 times a week.")


def overdue(made: Flag, days: int) -> Flag:
    Flag.objects.filter(pk=made.pk).update(review_date=timezone.localdate() - timedelta(days))
    made.refresh_from_db()
    return made


# A review date still to come


@pytest.mark.parametrize("days_ago", [0, 17], ids=["due today", "overdue"])
def test_no_notice_names_a_review_date_that_has_come(
    letterhead, flagged, manager_user, manager_client, days_ago
):
    overdue(flagged, days_ago)
    with pytest.raises(ValidationError, match="review date"):
        notice(flagged, manager_user)
    page = manager_client.get(reverse("callers:notice_new", args=[flagged.pk]))
    text = page_text(page)
    assert "The notice cannot be written yet" in text
    assert "has come: review it first" in text
    assert "Write the notice" not in text  # no form to fill in for nothing
    posted = manager_client.post(
        reverse("callers:notice_new", args=[flagged.pk]), {"reason": "Many calls."}
    )
    assert posted.status_code == 200 and not Letter.objects.exists()


def test_an_appeal_not_upheld_waits_for_the_flag_to_be_reviewed(
    letterhead, flagged, compliance_user, manager_user
):
    appeal = appeal_record(
        flag=flagged, by=compliance_user, received_on=timezone.localdate(), grounds="g"
    )
    overdue(flagged, 3)
    other = UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    with pytest.raises(ValidationError, match="review date"):
        appeal_decide(appeal=appeal, by=other, outcome="not_upheld", reasons="r", version=1)
    appeal.refresh_from_db()
    assert appeal.is_waiting and not Letter.objects.exists()  # nothing half-done


# The office's letterhead and the caller's reference


def test_no_letter_is_written_until_the_letterhead_is_complete(
    flagged, manager_user, manager_client
):
    with pytest.raises(ValidationError, match="letterhead is not complete"):
        notice(flagged, manager_user)
    text = page_text(manager_client.get(reverse("callers:notice_new", args=[flagged.pk])))
    assert "letterhead is not complete" in text


def test_a_manager_sets_the_letterhead_with_history(manager_user, manager_client):
    url = reverse("callers:letterhead")
    form = page_text(manager_client.get(url))
    assert "Not set yet: no letter can be written until it is." in form
    refused = manager_client.post(url, {"version": 1, "name": OFFICE, "reason": "Set up"})
    assert refused.status_code == 200
    assert not Letterhead.objects.exists()  # nothing half-saved
    saved = manager_client.post(
        url,
        {
            "version": 1,
            "name": OFFICE,
            "name_in_sentence": f"the {OFFICE}",
            "address": "Police Headquarters\n1 Example Way\nAN1 2CD",
            "telephone": "0300 123 4567",
            "email": "opcc@example.org",
            "web": "opcc.example.org",
            "letter_language": "en",
            "reason": "Set up",
        },
    )
    assert saved.status_code == 302
    letterhead = Letterhead.objects.get()
    assert letterhead.is_complete and letterhead.web == "https://opcc.example.org"
    assert letterhead.history.get().history_user == manager_user
    assert "Telephone: 0300 123 4567" in page_text(
        manager_client.get(reverse("callers:letter_templates"))
    )


def test_two_managers_setting_the_letterhead_at_once_do_not_overwrite(manager_user):
    arguments = {
        "by": manager_user,
        "name": OFFICE,
        "name_in_sentence": f"the {OFFICE}",
        "address": "1 Example Way",
        "telephone": "+443001234567",
        "email": "a@example.org",
        "web": "",
        "reason": "r",
    }
    letterhead_save(version=1, **arguments)
    with pytest.raises(StaleEdit):
        letterhead_save(version=1, **arguments | {"email": "b@example.org"})
    assert Letterhead.objects.get().email == "a@example.org"


def test_every_letter_says_where_to_write_telephone_email_and_the_reference_to_quote(
    letterhead, flagged, manager_user, manager_client
):
    letter = notice(flagged, manager_user)
    reference = flagged.caller.reference
    assert letter.reference == reference
    assert (
        "Write to us at Police Headquarters, 1 Example Way, Anytown, AN1 2CD, or email us at "
        f"opcc@example.org, within 28 days of this letter, quoting your reference {reference}"
    ) in letter.body
    for url in ("callers:letter_pdf", "callers:letter_docx", "callers:letter"):
        text = document_text(manager_client.get(reverse(url, args=[letter.pk])))
        for line in (
            "Police Headquarters",
            "Telephone: 0300 123 4567",
            "Email: opcc@example.org",
            "Web: https://opcc.example.org",
            f"Your reference: {reference} (please quote it)",
        ):
            assert line in text, (url, line)


def test_the_reference_a_caller_quotes_finds_them(flagged, handler_client):
    found = handler_client.post(reverse("callers:search"), {"q": flagged.caller.reference.lower()})
    assert "Ann Reader" in page_text(found)


# Arrangements a caller can follow


def test_set_times_and_writing_only_are_refused_together_everywhere(
    flagged, manager_user, manager_client
):
    contradictory = {"contact_times": "Mondays", "written_contact_only": True}
    with pytest.raises(ValidationError, match="contradict"):
        flag_change_arrangements(
            flag=flagged,
            by=manager_user,
            single_point_of_contact=None,
            reason="r",
            version=flagged.version,
            **contradictory,
        )
    with pytest.raises(ValidationError, match="contradict"):
        flag(CallerFactory(), manager_user, **contradictory)
    page = manager_client.post(
        reverse("callers:flag_arrangements", args=[flagged.pk]),
        {"version": flagged.version, "reason": "r", **contradictory},
    )
    assert "contradict each other" in page_text(page)
    flagged.refresh_from_db()
    assert not flagged.written_contact_only


def test_a_flag_saved_before_with_both_gets_no_notice_until_changed(
    letterhead, flagged, manager_user
):
    Flag.objects.filter(pk=flagged.pk).update(written_contact_only=True)
    flagged.refresh_from_db()
    with pytest.raises(ValidationError, match="so the caller can follow them"):
        notice(flagged, manager_user)


# A reason written for the caller


def test_why_starts_empty_and_is_required(letterhead, flagged, manager_client):
    url = reverse("callers:notice_new", args=[flagged.pk])
    html = manager_client.get(url).content.decode()
    assert flagged.reason not in html  # the flag's own reason is for staff
    assert re.search(r'<textarea name="reason"[^>]*>\s*</textarea>', html)
    refused = manager_client.post(url, {"reason": "   "})
    assert "Say why, in words for the caller." in page_text(refused)
    assert not Letter.objects.exists()


# Sent only where it can go


def test_sent_by_post_needs_a_postal_address_and_by_email_an_email_address(
    letterhead, manager_user, manager_client
):
    caller = CallerFactory(full_name="No Address", postal_address="", email="")
    made = flag(caller, manager_user, written_contact_only=True)
    letter = notice(made, manager_user)
    url = reverse("callers:letter_sent", args=[letter.pk])
    today = timezone.localdate().strftime("%d/%m/%Y")
    for how, message in (("post", "no postal address"), ("email", "no email address")):
        refused = manager_client.post(
            url, {"version": letter.version, "sent_on": today, "sent_how": how}
        )
        assert refused.status_code == 400
        assert message in page_text(refused)
    letter.refresh_from_db()
    assert letter.sent_on is None


# The office named as a sentence names it


def test_the_office_reads_as_a_name_in_every_sentence(letterhead, flagged, manager_user):
    body = notice(flagged, manager_user).body
    assert f"your contact with the {OFFICE}, and why" in body
    assert body.endswith(f"Business and Compliance Manager\n{OFFICE}")  # signed by its name
    values = {"office": f"the {OFFICE}"}
    assert fill("{office} wrote. Then {office} rang.", values) == (
        f"The {OFFICE} wrote. Then the {OFFICE} rang."
    )
    assert fill("Sign-off\n{office}", values) == f"Sign-off\nThe {OFFICE}"


# Documents their reasonable adjustments can use


def document_text(response) -> str:
    kind = response["Content-Type"]
    if kind == "application/pdf":
        return pdf_text(response.content)
    if kind.startswith("application/vnd.openxmlformats"):
        return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    return page_text(response)


def pdf_point_sizes(content: bytes) -> set[float]:
    """The font sizes a PDF's text is drawn at, in points (WeasyPrint draws in CSS pixels)."""
    sizes = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        stream = page.get_contents().get_data().decode("latin-1")
        sizes |= {round(float(s) * 0.75, 1) for s in re.findall(r"/\w+ ([\d.]+) Tf", stream)}
    return sizes


def test_the_pdf_is_tagged_for_a_screen_reader(letterhead, flagged, manager_user, manager_client):
    letter = notice(flagged, manager_user)
    response = manager_client.get(reverse("callers:letter_pdf", args=[letter.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    catalogue = reader.trailer["/Root"]
    assert catalogue["/Lang"] == "en-GB"
    assert catalogue["/MarkInfo"]["/Marked"]
    assert catalogue["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "How you may contact us"
    assert reader.metadata.author == OFFICE
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.rdf_root.toxml()
    tags = structure_tags(catalogue["/StructTreeRoot"])
    assert tags.count("/H1") == 1 and tags.count("/P") >= len(letter.paragraphs)
    # In reading order: the heading comes before the letter's paragraphs.
    assert tags.index("/H1") < len(tags) - tags[::-1].index("/P")


def structure_tags(node) -> list[str]:
    node = node.get_object()
    tags = [str(node["/S"])] if "/S" in node else []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if kid is not None and hasattr(kid.get_object(), "get"):
            tags += structure_tags(kid)
    return tags


def test_large_print_is_offered_and_is_the_default_when_their_adjustments_ask(
    letterhead, flagged, manager_user, manager_client
):
    letter = notice(flagged, manager_user)
    pdf = reverse("callers:letter_pdf", args=[letter.pk])
    assert max(pdf_point_sizes(manager_client.get(pdf).content)) < 16
    large = manager_client.get(pdf, {"print": "large"})
    assert min(pdf_point_sizes(large.content)) >= 16
    assert "large-print" in large["Content-Disposition"]
    page = page_text(manager_client.get(reverse("callers:letter", args=[letter.pk])))
    assert "PDF, large print (16 point)" in page

    caller = flagged.caller
    caller.large_print = True
    caller.save()
    assert min(pdf_point_sizes(manager_client.get(pdf).content)) >= 16  # by default
    word = docx.Document(
        io.BytesIO(manager_client.get(reverse("callers:letter_docx", args=[letter.pk])).content)
    )
    assert word.styles["Normal"].font.size.pt >= 16
    page = page_text(manager_client.get(reverse("callers:letter", args=[letter.pk])))
    assert "ask for large print (16 point): it comes first" in page


def test_the_word_file_names_the_office_not_the_library(
    letterhead, flagged, manager_user, manager_client
):
    letter = notice(flagged, manager_user)
    content = manager_client.get(reverse("callers:letter_docx", args=[letter.pk])).content
    properties = docx.Document(io.BytesIO(content)).core_properties
    assert (properties.author, properties.last_modified_by) == (OFFICE, OFFICE)
    assert properties.title == "How you may contact us" and properties.language == "en-GB"
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        for name in ("docProps/core.xml", "docProps/app.xml"):
            assert "python-docx" not in document.read(name).decode(), name
