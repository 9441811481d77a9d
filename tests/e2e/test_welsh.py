"""Journey: a handler who works in Welsh logs a call from a Welsh speaker, in the browser, from
the language switch to the handling card (the Welsh Language Standards)."""

import pytest
from playwright.sync_api import Page, expect

from callers.models import Call, Caller, Language
from opcc_calls.models import User
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_handler_logs_a_call_and_reads_the_handling_card_in_welsh(page: Page, handler_user):
    sign_in(page, handler_user.username)
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    assert User.objects.get(pk=handler_user.pk).language == "cy"

    page.get_by_role("link", name="Cofnodi galwad", exact=True).first.click()
    expect(page.get_by_role("heading", name="Cofnodi galwad")).to_be_visible()
    page.get_by_label("Rhif ffôn").fill("01234 567890")
    page.get_by_label("Enw llawn").fill("Gwenllian Prys")
    expect(page.get_by_text("Dim galwr yn cyfateb")).to_be_visible()
    # The caller's language in one key: 2 is Welsh.
    page.get_by_label("Saesneg", exact=True).focus()
    page.keyboard.press("2")
    expect(page.get_by_label("Cymraeg", exact=True)).to_be_checked()
    page.get_by_label("Ymholiad", exact=True).check()
    page.get_by_label("Beth yw pwrpas yr alwad").fill("Holodd am gynllun yr heddlu.")
    page.get_by_label("Canlyniad", exact=True).fill("Rhoddwyd y ddolen iddi.")
    page.get_by_label("Dim angen: ni thrafodwyd dim amdanynt", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Cofnodi'r alwad").click()
    expect(page.get_by_role("heading", name="Galwad wedi'i chofnodi")).to_be_visible()
    caller = Caller.objects.get()
    assert caller.language == Language.WELSH and Call.objects.count() == 1

    # She calls again: the card says her language first, and nobody asks it again.
    page.get_by_role("link", name="Cofnodi galwad arall").click()
    page.get_by_label("Rhif ffôn").fill("01234 567890")
    page.get_by_role("button", name="Dewis Gwenllian Prys").click()
    card = page.locator(".handling-card")
    expect(card.get_by_role("heading", name="Cerdyn ymdrin: Gwenllian Prys")).to_be_visible()
    expect(card.locator(".language-advice")).to_have_text(
        "Mae'n well ganddynt y Gymraeg: cynigiwch siaradwr Cymraeg."
    )
    expect(card).to_contain_text("Holodd am gynllun yr heddlu.")
    expect(page.locator("[data-language-question]")).to_be_hidden()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", name="Log a call")).to_be_visible()


def test_a_manager_in_welsh_writes_a_bilingual_notice_to_a_welsh_speaker(page: Page, manager_user):
    from pathlib import Path

    from callers.models import Letter, LetterLanguage
    from tests.helpers import flag, frequent_caller, office_letterhead, pdf_text

    letterhead = office_letterhead()
    letterhead.welsh_name = letterhead.welsh_name_in_sentence = (
        "Swyddfa Comisiynydd yr Heddlu a Throseddu"
    )
    letterhead.save()
    caller = frequent_caller()
    caller.full_name, caller.postal_address = "Gwenllian Prys", "3 Heol Fawr\nSA1 1AA"
    caller.language, caller.letter_language = Language.WELSH, LetterLanguage.BILINGUAL
    caller.save()
    made = flag(caller, manager_user, written_contact_only=True)

    sign_in(page, manager_user.username)
    page.get_by_role("button", name="Cymraeg").click()
    page.goto(f"/callers/flags/{made.pk}/")
    page.get_by_role("link", name="Ysgrifennu'r hysbysiad at y galwr").click()
    expect(page.get_by_label("Cymraeg a Saesneg (Cymraeg yn gyntaf)")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Pam, mewn geiriau ar gyfer y galwr").fill("You called us 40 times.")
    page.get_by_role("button", name="Ysgrifennu'r hysbysiad").click()
    # Nothing written without the Welsh reason: said beside its field, what was typed kept.
    expect(page.locator("#error_1_id_welsh_reason")).to_contain_text("Dywedwch pam yn Gymraeg")
    expect(page.get_by_label("Pam, mewn geiriau ar gyfer y galwr")).to_have_value(
        "You called us 40 times."
    )
    page.get_by_label("Pam, yn Gymraeg").fill("Rydych wedi ffonio 40 gwaith.")
    page.get_by_role("button", name="Ysgrifennu'r hysbysiad").click()
    expect(page.get_by_role("heading", name="Sut y cewch gysylltu â ni")).to_be_visible()
    expect(page.get_by_role("heading", name="How you may contact us")).to_be_visible()
    assert_accessible(page)
    letter = Letter.objects.get()
    assert letter.language == LetterLanguage.BILINGUAL
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF", exact=True).click()
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert text.index("Rydych wedi ffonio 40 gwaith.") < text.index("You called us 40 times.")
