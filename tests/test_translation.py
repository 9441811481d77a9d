"""The interface in Welsh and English (the Welsh Language Standards): nothing a person reads
is left out of Django's translation machinery, and the Welsh catalogue has every string.

Three checks, each able to fail:
- every string marked for translation, in the code, the templates and the scripts, has its
  Welsh in `locale/cy/` (makemessages is run on a copy, so a new string untranslated fails);
- the templates translated so far have no words outside `{% translate %}` and
  `{% blocktranslate %}`, in their text or in the attributes a person reads;
- the handler's pages, rendered in Welsh, show no English left over from code (labels,
  choices, messages) that was never marked."""

import io
import re
import shutil
import subprocess
from datetime import timedelta
from html import escape as html_escape
from pathlib import Path

import lxml.html
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from callers.models import Call, Concern, Flag, Language
from callers.services.meetings import meeting_open
from opcc_calls import windows
from opcc_calls.models import User
from opcc_calls.services import staff_language_set
from tests.factories import CallerFactory, CallerPhoneFactory, CallFactory
from tests.helpers import (
    flag,
    frequent_caller,
    log_call_data,
    pdf_text,
    run_background_tasks,
    sign_in_fully,
    world_args,
)
from tests.test_permissions import EXPECTED

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [
    ROOT / "locale" / "cy" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django", "djangojs")
]

#: Every template: each word goes through the translation machinery.
TRANSLATED = sorted(
    str(path.relative_to(ROOT / "templates")) for path in (ROOT / "templates").rglob("*.html")
)

#: Words that are the same in either language: the product's name and each language's own.
OWN_NAMES = {"OPCC Calls", "English", "Cymraeg"}

#: Attributes a person reads (or hears from a screen reader).
READ_ATTRIBUTES = re.compile(
    r"""\b(aria-label|aria-description|title|placeholder|alt)\s*=\s*(["'])(.*?)\2""", re.S
)
HIDDEN_REGIONS = re.compile(
    r"<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>|<code\b.*?</code>", re.S | re.I
)
ENTITY = re.compile(r"&#?\w+;")
INCLUDED_WORDS = re.compile(r"""\b(?:caption|label|title|heading)=(["'])(.*?)\1""")
FILTER_WORDS = re.compile(r"""\|default(?:_if_none)?:(["'])(.*?)\1""")
OTHER_TOKEN = "\x01"


def _flattened(source: str) -> str:
    """The template's text with every tag and variable as one mark, translated blocks too
    (what is in them is translated), comments dropped."""
    out, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in ("blocktranslate", "blocktrans"):  # its with-clause's words too
                out += [OTHER_TOKEN + w for _q, w in FILTER_WORDS.findall(token.contents)]
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                skipping = "end" + name
            if token.contents.split()[:2] == ["block", "style"]:  # a document's CSS
                skipping = "endblock"
            if name == "include":  # words handed to an included template: caption="Calls"
                out += [OTHER_TOKEN + w for _q, w in INCLUDED_WORDS.findall(token.contents)]
            out.append(OTHER_TOKEN)
        elif token.token_type == TokenType.TEXT and not skipping:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR and not skipping:
            # A word given to a filter ({{ x|default:"None" }}) is read too: _("None").
            out += [OTHER_TOKEN + word for _quote, word in FILTER_WORDS.findall(token.contents)]
            out.append(OTHER_TOKEN)
    return HIDDEN_REGIONS.sub(OTHER_TOKEN, "".join(out))


def untranslated(source: str) -> list[str]:
    """Words in a template that are not in a translation tag: text between tags, and the
    attributes a person reads."""
    text = _flattened(source)
    found = []
    for tag in re.findall(r"<[^<>]*>", text):
        for _name, _quote, value in READ_ATTRIBUTES.findall(tag):
            found += [part.strip() for part in value.split(OTHER_TOKEN) if _has_words(part)]
    between = re.sub(r"<[^<>]*>", OTHER_TOKEN, text)
    found += [part.strip() for part in between.split(OTHER_TOKEN) if _has_words(part)]
    return found


def _has_words(text: str) -> bool:
    text = ENTITY.sub(" ", text).strip()
    own = re.sub(r"^[\W_]+|[\W_]+$", "", text)  # "· OPCC Calls ·" is the name
    return bool(re.search(r"[^\W\d_]", text)) and own not in OWN_NAMES


def test_the_check_finds_words_left_out():
    source = (
        '{% load i18n %}<p title="Help">{% translate "Yes" %} Left out</p>'
        "{% blocktranslate with n=1 %}Fine {{ n }}{% endblocktranslate %}"
        '<a aria-label="{% translate \'Fine\' %}">{{ x|default:"Never" }} · 5</a>{# a note #}'
        '{{ y|default:_("Translated")|date:"j M Y" }}'
        "{% comment %}Not read{% endcomment %}<script>var a = 'b';</script>"
    )
    assert untranslated(source) == ["Help", "Left out", "Never"]


@pytest.mark.parametrize("name", TRANSLATED)
def test_a_translated_template_has_no_words_outside_translation(name):
    source = (ROOT / "templates" / name).read_text()
    assert untranslated(source) == [], name


def _catalogue_made_again(tmp_path: Path) -> dict[str, polib.POFile]:
    """makemessages on a copy of the project: the catalogues as they would be with every
    string marked now (the translations carried over from the committed ones)."""
    for name in ("manage.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("opcc_calls", "callers", "dmts", "telephony", "templates", "static", "locale"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    environment = {"DJANGO_DEBUG": "true", "SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
    for domain, extra in (("django", []), ("djangojs", ["--ignore=static/bootstrap"])):
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "python"),
                "manage.py",
                "makemessages",
                "--locale=cy",
                f"--domain={domain}",
                "--no-obsolete",
                "--no-location",
                "--ignore=.venv",
                "--ignore=tests",
                "--ignore=bench",
                *extra,
            ],
            cwd=tmp_path,
            env=environment,
            check=True,
            capture_output=True,
            timeout=120,
        )
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    return {domain: polib.pofile(str(folder / f"{domain}.po")) for domain in ("django", "djangojs")}


def test_every_marked_string_has_its_welsh(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("makemessages needs GNU gettext: apt-get install gettext")
    missing = []
    for domain, catalogue in _catalogue_made_again(tmp_path).items():
        for entry in catalogue:
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                missing.append(f"{domain}: {entry.msgid!r}")
    assert not missing, (
        f"{len(missing)} strings have no Welsh (README, Welsh and English):\n" + "\n".join(missing)
    )


def test_the_committed_catalogues_are_complete():
    """What makemessages would keep is what is committed: no string left fuzzy or empty."""
    for path in CATALOGUES:
        catalogue = polib.pofile(str(path))
        assert catalogue.percent_translated() == 100, path
        assert not catalogue.fuzzy_entries(), path


# --- The interface in Welsh, as a member of staff who chose it reads it ---------------------

#: Words that show English was left on a Welsh page (none of them is a Welsh word).
ENGLISH = re.compile(
    r"\b(the|and|of|to|is|for|this|that|with|your|you|not|are|was|what|who|how|when|they|"
    r"their|from|have|has|will|call|calls|caller|callers|name|number|phone|type|sign|"
    r"in|by|were|since|until|each|every|any|more|than|yes|open|closed|done|due|review|total|"
    r"page|date|time|rising|steady|falling|next|previous|back|save|cancel|edit|delete|show|"
    r"hide|search|find|first|last|today|week|month|year|days|hours|minutes|ago|none|"
    r"new|flag|flags|flagged|meeting|letter|letters|report|decision|agreed)\b",
    re.I,
)


def english_left(html: str) -> list[str]:
    """The text and read attributes of a page that still read as English (the office's name,
    which the office sets, aside)."""
    tree = lxml.html.fromstring(html)
    # Scripts, styles, and what is declared to be in English on purpose (a letter in English,
    # the office's English wording): the reader's screen reader is told, so are we.
    for hidden in tree.xpath(
        "//script|//style|//code|//*[starts-with(@lang, 'en')][not(self::html)]"
    ):
        hidden.drop_tree()
    texts = tree.xpath("//text()|//@aria-label|//@title|//@placeholder|//@alt")
    found = []
    for text in texts:
        shown = " ".join(str(text).replace(settings.OFFICE_NAME, "").split())
        read = shown
        for name in OWN_NAMES:
            read = read.replace(name, "")
        if ENGLISH.search(read):
            found.append(shown)
    return found


@pytest.fixture
def welsh_client(handler_user):
    handler_user.language = "cy"
    handler_user.save()
    return sign_in_fully(Client(), handler_user)


@pytest.mark.django_db
def test_the_handlers_pages_in_welsh_leave_no_english(welsh_client):
    caller = CallerFactory(full_name="Gwenllian Prys", language=Language.WELSH)
    CallFactory(caller=caller, about="Holodd am y cynllun.", outcome="Rhoddwyd y ddolen.")
    log = reverse("callers:log")
    pages = {
        "home": welsh_client.get(reverse("home")),
        "log a call": welsh_client.get(log),
        "log a call, the caller chosen": welsh_client.post(
            log, {"action": f"choose:{caller.pk}", "full_name": "Gwenllian"}
        ),
        "log a call, with errors": welsh_client.post(log, {"action": "save", "phone": "0123"}),
        "the handling card": welsh_client.get(reverse("callers:card", args=[caller.pk])),
    }
    response = welsh_client.post(
        log,
        log_call_data(
            caller=caller.pk, full_name="", about="Cwyn am y car.", outcome="", call_type="other"
        ),
        follow=True,
    )
    pages["the call logged"] = response
    call = Call.objects.latest("pk")
    entry = call.dmts_entry
    pages |= {
        "the caller's page": welsh_client.get(caller.get_absolute_url()),
        "editing the caller": welsh_client.get(reverse("callers:edit", args=[caller.pk])),
        "editing the caller, with errors": welsh_client.post(
            reverse("callers:edit", args=[caller.pk]),
            {"version": caller.version, "full_name": "", "phone_numbers": "0123"},
        ),
        "callers": welsh_client.get(reverse("callers:search")),
        "callers, searched": welsh_client.post(reverse("callers:search"), {"q": "Gwenllian"}),
        "the call log": welsh_client.get(reverse("dmts:log")),
        "a DMTS entry": welsh_client.get(entry.get_absolute_url()),
        "correcting it": welsh_client.get(reverse("dmts:correct", args=[entry.pk])),
        "the procedure": welsh_client.get(reverse("procedure")),
        "a page not found": welsh_client.get("/dim-tudalen/"),
        "a page not allowed": welsh_client.get(reverse("callers:candidates")),
    }
    expected = {"a page not found": 404, "a page not allowed": 403}
    for name, page in pages.items():
        assert page.status_code == expected.get(name, 200), name
        assert page["Content-Language"] == "cy", name
        html = page.content.decode()
        assert '<html lang="cy">' in html or "<html" not in html, name  # a fragment has none
        assert english_left(html) == [], name


@pytest.mark.django_db
def test_what_stops_a_letter_is_said_in_the_managers_language(manager_user):
    """Why a notice cannot be written yet (no letterhead, no arrangements) is for the manager,
    in their language, whatever language the letter would be in."""
    manager_user.language = "cy"
    manager_user.save()
    flagged = flag(frequent_caller(), manager_user)
    page = sign_in_fully(Client(), manager_user).get(
        reverse("callers:notice_new", args=[flagged.pk])
    )
    html = page.content.decode()
    assert "Nid yw pennawd llythyr y swyddfa yn gyflawn" in html
    assert "Nid oes gan y nodyn hwn drefniadau cyswllt" in html
    assert english_left(html) == []


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_the_language_chosen(handler_user):
    client = Client()
    client.post(reverse("language"), {"language": "cy", "next": reverse("login")})
    page = client.post(reverse("login"), {"login": handler_user.username, "password": "no"})
    html = page.content.decode()
    assert "Rhowch enw defnyddiwr a chyfrinair cywir" in html
    assert english_left(html) == []


@pytest.mark.django_db
def test_what_a_manager_is_told_after_acting_is_in_their_language(manager_user):
    """Messages after a change, refusals and reasons a selector gives: the duplicates page
    with a pair to merge, and the message after renewing a flag."""
    manager_user.language = "cy"
    manager_user.save()
    client = sign_in_fully(Client(), manager_user)
    for _ in range(2):
        CallerPhoneFactory(number="+441234567890")
    html = client.get(reverse("callers:duplicates")).content.decode()
    assert "Mae ganddynt yr un rhif ffôn" in html
    assert english_left(html) == []
    flagged = flag(frequent_caller(), manager_user)
    page = client.post(
        reverse("callers:flag_renew", args=[flagged.pk]),
        {"version": flagged.version, "new_review_date": "2099-12-31", "reason": "Adolygwyd"},
        follow=True,
    )
    assert html_escape("Nodyn wedi'i adnewyddu.") in page.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_is_in_the_language_chosen_on_this_browser():
    client = Client()
    assert "Sign in" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("language"), {"language": "cy", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(reverse("login"))
    assert page["Content-Language"] == "cy"
    assert english_left(page.content.decode()) == []
    assert "Mewngofnodi" in page.content.decode()


@pytest.mark.django_db
def test_a_member_of_staffs_choice_is_kept_on_their_account(handler_user, handler_client):
    assert handler_user.language == ""  # the office's until they choose
    assert "Log a call" in handler_client.get(reverse("home")).content.decode()
    handler_client.post(reverse("language"), {"language": "cy", "next": "/"})
    handler_user.refresh_from_db()
    assert handler_user.language == "cy"
    assert handler_user.history.first().history_change_reason == "Chose the interface's language"
    elsewhere = sign_in_fully(Client(), handler_user)  # another computer, no cookie
    assert "Cofnodi galwad" in elsewhere.get(reverse("home")).content.decode()
    handler_client.post(reverse("language"), {"language": "en-gb", "next": "/"})
    assert "Log a call" in elsewhere.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_choosing_a_language_keeps_what_an_administrator_changed_meanwhile(handler_user):
    """The request's copy of the account is older than an administrator's change made while
    it ran: choosing a language saves the language alone."""
    as_the_request_found_it = User.objects.get(pk=handler_user.pk)
    User.objects.filter(pk=handler_user.pk).update(is_active=False, email="moved@opcc.example")
    staff_language_set(person=as_the_request_found_it, language="cy")
    handler_user.refresh_from_db()
    assert (handler_user.language, handler_user.is_active) == ("cy", False)
    assert handler_user.email == "moved@opcc.example"
    assert handler_user.history.first().is_active is False  # the history row is true too


@pytest.mark.django_db
def test_a_language_the_interface_is_not_in_is_refused(handler_client, handler_user):
    response = handler_client.post(reverse("language"), {"language": "fr", "next": "/"})
    assert response.status_code == 400
    handler_user.refresh_from_db()
    assert handler_user.language == ""
    outside = handler_client.post(
        reverse("language"), {"language": "cy", "next": "https://example.com/"}
    )
    assert outside["Location"] == "/"  # never sent off the site


@pytest.mark.django_db
def test_the_offices_language_is_the_default(settings, handler_client):
    settings.LANGUAGE_CODE = "cy"
    assert "Cofnodi galwad" in handler_client.get(reverse("home")).content.decode()


def test_dates_follow_the_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ day|date:"l j F Y" }}')
    day = __import__("datetime").date(2026, 12, 4)
    with translation.override("cy"):
        assert template.render(Context({"day": day})) == "Dydd Gwener 4 Rhagfyr 2026"
    with translation.override("en-gb"):
        assert template.render(Context({"day": day})) == "Friday 4 December 2026"


# --- Every page, as every role that may open it, in Welsh -------------------------------


def _data_held() -> list[str]:
    """Every text the database holds (names, what calls were about, reasons): what staff
    typed is shown as typed, in whatever language they typed it."""
    held = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                held.update(str(v) for v in row if v and len(str(v)) > 3)
    for user in apps.get_model(settings.AUTH_USER_MODEL).objects.all():
        held.add(str(user))
    return sorted(held, key=len, reverse=True)


#: The load balancer's health page is django-health-check's own, for machines, not staff.
NOT_FOR_STAFF = {"health"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(EXPECTED) - NOT_FOR_STAFF))
def test_every_page_in_welsh_leaves_no_english(name, world, handler_user, compliance_user):
    """Each page as each role that may open it, that role's member of staff having chosen
    Welsh: no English left over (what staff typed, and the office's name, aside)."""
    args = world_args(name, world)
    url = reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)
    manager = world["flag"].flagged_by
    held = None
    for user in (handler_user, compliance_user, manager):
        user.language = "cy"
        user.save()
        response = sign_in_fully(Client(), user).get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        held = held if held is not None else _data_held()
        html = response.content.decode()
        for text in held:
            html = html.replace(str(lxml.html.fromstring(f"<p>{text}</p>").text_content()), "")
            html = html.replace(html_escape(text), "")
        assert english_left(html) == [], f"{user.username}"


# --- Emails, each in its reader's language ------------------------------------------------


@pytest.mark.django_db
def test_each_member_of_staff_is_emailed_in_the_language_they_chose(smtp_server, handler_user):
    from callers.models import Concern
    from callers.services.safeguarding import concern_raise
    from opcc_calls.roles import Role
    from tests.factories import UserFactory
    from tests.helpers import run_background_tasks, wait_until

    welsh = UserFactory(
        email="rheolwr@example.org", language="cy", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER]
    )
    english = UserFactory(email="manager@example.org", roles=[Role.BUSINESS_AND_COMPLIANCE_MANAGER])
    concern_raise(
        caller=CallerFactory(), by=handler_user, kind=Concern.Kind.OTHER, noticed="Pryder."
    )
    run_background_tasks()
    wait_until(lambda: len(smtp_server.messages) == 2)
    by_reader = {message["To"]: message for message in smtp_server.messages}
    cymraeg = by_reader[welsh.email]
    assert cymraeg["Subject"] == "Mae pryder am alwr wedi'i godi"
    assert "Mae aelod o staff wedi codi pryder am alwr" in cymraeg.get_content()
    saesneg = by_reader[english.email]
    assert saesneg["Subject"] == "A concern about a caller has been raised"
    assert "A member of staff has raised a concern" in saesneg.get_content()


@pytest.mark.django_db
def test_a_welsh_speakers_subject_access_response_is_in_welsh(manager_user):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    from callers.services.subject_access import (
        response_files,
        subject_access_request_log,
        subject_access_response_request,
    )

    caller = CallerFactory(full_name="Gwenllian Prys", language=Language.WELSH)
    CallFactory(caller=caller, about="Holodd am y cynllun.")
    sar = subject_access_request_log(
        caller=caller, by=manager_user, received_on=timezone.localdate(), requester="caller"
    )
    pdf, _data = response_files(subject_access_response_request(sar=sar, by=manager_user))
    reader = PdfReader(io.BytesIO(pdf))
    text = pdf_text(pdf)
    assert "eich gwybodaeth bersonol" in text and "Eich galwadau atom" in text
    assert "Your calls to us" not in text
    assert "Tudalen 1 o " in text and "Page 1 of" not in text  # each page's footer
    assert reader.trailer["/Root"]["/Lang"] == "cy"


@pytest.mark.django_db
def test_the_quarterly_report_is_in_the_managers_language(manager_user):
    """The page, the workbook and the PDF for a manager who works in Welsh: the figures'
    names, what changed, the note and what each figure counts, all in Welsh."""
    quarter = windows.last_quarters(1)[0]
    for minutes in range(6):
        CallFactory(received_at=windows.start_of_day(quarter[0]) + timedelta(minutes=minutes))
    Flag.objects.filter(pk=flag(frequent_caller(), manager_user).pk).update(
        flagged_at=windows.start_of_day(quarter[0])
    )
    manager_user.language = "cy"
    manager_user.save()
    client = sign_in_fully(Client(), manager_user)
    url = reverse("callers:report")
    client.get(url)
    run_background_tasks()  # worked out in English, the figures' keys
    html = client.get(url).content.decode()
    assert "Galwyr mynych a rheolaidd:" in html and "Cofnodwyd 6 galwad" in html
    assert "Nodiadau a wnaed" in html and "llai na 5" in html
    assert english_left(html) == []

    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("callers:report_xlsx")))))
    assert book.sheetnames == ["Adroddiad", "Diffiniadau"] and book.properties.language == "cy"
    cells = [
        str(value).replace(settings.OFFICE_NAME, "")
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert "Nodiadau a wnaed" in cells and "Eu cyfran o'r holl alwadau" in cells
    assert [cell for cell in cells if ENGLISH.search(cell)] == []

    pdf = client.get(reverse("callers:report_pdf")).content
    text = pdf_text(pdf).replace(settings.OFFICE_NAME, "")
    assert "Beth mae'r ffigurau'n ei gyfrif" in text and "Tegwch (y weithdrefn 6.1)" in text
    assert [text[max(0, m.start() - 60) : m.end() + 40] for m in ENGLISH.finditer(text)] == []
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "cy"


@pytest.mark.django_db
def test_the_meeting_pack_is_in_the_managers_language(manager_user):
    """The meeting page's trend and the pack's PDF for a manager who works in Welsh: what
    the code writes is in Welsh, the rules' reasons too (what staff typed is as typed).
    A meeting opened by a manager working in Welsh stores the rules' reasons as anyone's
    would, so each reason keeps its rule's label (F1), not a label for another reason (O1)."""
    caller = frequent_caller(4)
    flag(caller, manager_user, agreed_response="Atebion ysgrifenedig yn unig.")
    Concern.objects.create(caller=caller, raised_by=manager_user, kind="other", noticed="x")
    frequent_caller(5)
    with translation.override("cy"):
        meeting = meeting_open(kind="smt", day=timezone.localdate(), by=manager_user)
    manager_user.language = "cy"
    manager_user.save()
    client = sign_in_fully(Client(), manager_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Yn codi" in html or "Cyson" in html or "Yn gostwng" in html
    pdf = client.get(reverse("callers:meeting_pdf", args=[meeting.pk])).content
    text = pdf_text(pdf)
    assert "Yn bresennol: heb ei gofnodi" in text and "Ymddiheuriadau: dim" in text
    assert "F1:" in text and "O1:" not in text
    silver = meeting_open(kind="silver", day=timezone.localdate(), by=manager_user)
    silver_pack = pdf_text(client.get(reverse("callers:meeting_pdf", args=[silver.pk])).content)
    assert "Pryderon agored am fregusrwydd: 1" in silver_pack
    for held in _data_held():
        text = text.replace(held, "")
    assert [text[max(0, m.start() - 40) : m.end() + 40] for m in ENGLISH.finditer(text)] == []
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "cy"
