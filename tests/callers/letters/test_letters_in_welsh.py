"""Letters in the caller's language (the Welsh Language Standards): the office's wording in
Welsh and English, a Welsh or bilingual letter (the Welsh first) as the caller reads it, and
a letter never written in a language the office cannot write it in, saying why."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from callers.models import Language, Letter, LetterLanguage, LetterTemplate
from callers.selectors.letters import long_date
from callers.services.letters import appeal_decide, appeal_record, letter_write
from opcc_calls.roles import Role
from tests.factories import CallerFactory, UserFactory
from tests.helpers import flag, office_letterhead, page_text, pdf_text

pytestmark = pytest.mark.django_db

WELSH_NAME = "Swyddfa Comisiynydd yr Heddlu a Throseddu"


@pytest.fixture
def letterhead(db):
    letterhead = office_letterhead()
    letterhead.welsh_name = letterhead.welsh_name_in_sentence = WELSH_NAME
    letterhead.save()
    return letterhead


def welsh_speaker(manager_user, **fields):
    caller = CallerFactory(
        full_name="Gwenllian Prys",
        postal_address="3 Heol Fawr\nSA1 1AA",
        language=Language.WELSH,
        **fields,
    )
    return flag(caller, manager_user, single_point_of_contact=manager_user, contact_times="Llun")


def test_a_caller_who_prefers_welsh_is_written_to_in_welsh(letterhead, manager_user):
    made = welsh_speaker(manager_user)
    letter = letter_write(
        flag=made, by=manager_user, kind="notice", welsh_reason="Rydych wedi ffonio 40 gwaith."
    )
    assert letter.language == LetterLanguage.WELSH and not letter.english_body
    assert letter.subject == "Sut y cewch gysylltu â ni"
    assert letter.body.startswith("Annwyl Gwenllian Prys")
    assert "Pam: Rydych wedi ffonio 40 gwaith." in letter.body
    assert "yw eich un pwynt cyswllt" in letter.body  # the arrangements in Welsh
    assert "Ffoniwch ni ar yr adegau hyn yn unig" in letter.body
    assert f"cysylltiad â {WELSH_NAME}" in letter.body
    assert letter.letterhead.startswith(WELSH_NAME) and "Ffôn: 0300 123 4567" in letter.letterhead
    assert "Dear" not in letter.body and "Telephone" not in letter.letterhead
    # What the flag is compared with later (told or not) stays in one language.
    assert letter.arrangements.startswith(manager_user.get_full_name() + " is your single")


def test_a_bilingual_letter_reads_welsh_first_in_every_document(
    letterhead, manager_user, manager_client
):
    made = welsh_speaker(manager_user, letter_language=LetterLanguage.BILINGUAL)
    letter = letter_write(
        flag=made,
        by=manager_user,
        kind="notice",
        reason="You called 40 times a week.",
        welsh_reason="Rydych wedi ffonio 40 gwaith yr wythnos.",
    )
    assert [language for language, _subject, _paragraphs in letter.versions] == ["cy", "en"]
    assert letter.english_subject == "How you may contact us"
    pdf = manager_client.get(reverse("callers:letter_pdf", args=[letter.pk]))
    text = pdf_text(pdf.content)
    assert text.index("Sut y cewch gysylltu") < text.index("How you may contact us")
    assert "Eich cyfeirnod / Your reference:" in text
    assert "Ffôn / Telephone" in text and WELSH_NAME in text
    today = timezone.localdate()
    assert f"{long_date(today, 'cy')} / {long_date(today)}" in text  # dated in both
    word = manager_client.get(reverse("callers:letter_docx", args=[letter.pk]))
    document = docx.Document(io.BytesIO(word.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Sut y cewch gysylltu â ni", "How you may contact us"]
    assert document.core_properties.language == "cy"
    page = manager_client.get(letter.get_absolute_url()).content.decode()
    letter_html = page[page.index('class="letter ') :]
    assert letter_html.index('<div lang="cy">') < letter_html.index("Sut y cewch")
    assert letter_html.index("Sut y cewch") < letter_html.index('<div lang="en-GB">')


def test_the_dates_in_a_welsh_letter_are_welsh(letterhead, manager_user):
    made = welsh_speaker(manager_user)
    letter = letter_write(flag=made, by=manager_user, kind="notice", welsh_reason="Am mai.")
    assert long_date(made.review_date, "cy") in letter.body
    assert long_date(made.review_date) not in letter.body  # not the English month


def test_no_welsh_name_no_welsh_letter_and_the_page_says_why(manager_user, manager_client):
    office_letterhead()  # no Welsh name
    made = welsh_speaker(manager_user)
    with pytest.raises(ValidationError, match="no Welsh name for the office"):
        letter_write(flag=made, by=manager_user, kind="notice", welsh_reason="Am mai.")
    url = reverse("callers:notice_new", args=[made.pk])
    page = page_text(manager_client.get(url))
    assert "cannot be written yet in this language" in page and "no Welsh name" in page
    refused = manager_client.post(url, {"language": "cy", "welsh_reason": "Am mai."})
    assert refused.status_code == 200 and not Letter.objects.exists()
    written = manager_client.post(url, {"language": "en", "reason": "You called often."})
    assert written.status_code == 302
    assert Letter.objects.get().language == LetterLanguage.ENGLISH


@pytest.mark.parametrize(
    ("language", "field"), [("cy", "welsh_reason"), ("cy-en", "welsh_reason"), ("en", "reason")]
)
def test_a_reason_in_each_language_the_letter_is_in(
    letterhead, manager_user, manager_client, language, field
):
    made = welsh_speaker(manager_user)
    response = manager_client.post(
        reverse("callers:notice_new", args=[made.pk]), {"language": language}
    )
    html = response.content.decode()
    beside = html.split(f'id="error_1_id_{field}"', 1)
    assert len(beside) == 2, f"no error beside {field}"
    assert not Letter.objects.exists()


def test_the_office_chooses_the_language_when_the_caller_has_none_it_can_write(
    letterhead, manager_user
):
    letterhead.letter_language = LetterLanguage.BILINGUAL
    letterhead.save()
    caller = CallerFactory(language=Language.OTHER, other_language="Polish")
    made = flag(caller, manager_user, contact_times="Llun")
    letter = letter_write(
        flag=made, by=manager_user, kind="notice", reason="Often.", welsh_reason="Yn aml."
    )
    assert letter.language == LetterLanguage.BILINGUAL


def test_an_appeal_outcome_is_in_welsh_with_the_reasons_in_welsh(letterhead, manager_user):
    made = welsh_speaker(manager_user)
    appeal = appeal_record(
        flag=made, by=manager_user, received_on=made.flagged_at.date(), grounds="Dim digon."
    )
    other = UserFactory(roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    with pytest.raises(ValidationError) as refused:
        appeal_decide(
            appeal=appeal, by=other, outcome="not_upheld", reasons="Still needed.", version=1
        )
    assert "welsh_reasons" in refused.value.message_dict
    appeal_decide(
        appeal=appeal,
        by=other,
        outcome="not_upheld",
        reasons="Still needed.",
        welsh_reasons="Mae eu hangen o hyd.",
        version=1,
    )
    letter = Letter.objects.get(appeal=appeal)
    assert letter.language == LetterLanguage.WELSH
    assert "Nid ydym wedi caniatáu eich apêl, am y rhesymau hyn: Mae eu hangen o hyd." in (
        letter.body
    )


def test_managers_edit_the_welsh_wording_apart_from_the_english(manager_client):
    url = reverse("callers:letter_template", args=["notice"]) + "?language=cy"
    page = page_text(manager_client.get(url))
    assert "Notice of contact arrangements, Welsh" in page and "Annwyl {name}" in page
    saved = manager_client.post(
        url,
        {
            "version": 1,
            "subject": "Eich cysylltiad â ni",
            "body": "Annwyl {name}\n\n{arrangements}",
            "reason": "Geiriad y swyddfa",
        },
    )
    assert saved.status_code == 302
    welsh = LetterTemplate.objects.get(kind="notice", language="cy")
    assert welsh.subject == "Eich cysylltiad â ni"
    assert not LetterTemplate.objects.filter(kind="notice", language="en").exists()
    listed = page_text(manager_client.get(reverse("callers:letter_templates")))
    assert "Eich cysylltiad â ni" in listed and "How you may contact us" in listed
    assert manager_client.get(url.replace("cy", "fr")).status_code == 404
