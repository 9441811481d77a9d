"""The client's own address behind the office's proxy (issue 26): taken from X-Forwarded-For
only when the request came from a proxy named in FORWARDED_ALLOW_IPS, from the right, so a
client cannot choose the address its lockouts and log lines are recorded under. The whole
path through nginx and gunicorn is in tests/test_production.py."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from opcc_calls.middleware import client_address

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.1.0.0/16")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Through the proxy: the address the proxy added.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # A client that wrote its own header: what the proxy added (the rightmost) counts.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Two proxies of ours on the way: the first address that is not one of them.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # Staff inside the proxy's own network: everyone is trusted, so the first address.
        ("127.0.0.1", "10.1.9.9", "10.1.9.9"),
        ("127.0.0.1", "2001:db8::5", "2001:db8::5"),
        # Straight to gunicorn from anywhere else: the header is anyone's word, not believed.
        ("192.0.2.50", "203.0.113.7", None),
        # From the proxy but nothing forwarded, or what it forwarded is not an address.
        ("127.0.0.1", "", None),
        ("127.0.0.1", "203.0.113.7, not-an-address", None),
        ("unix-socket", "203.0.113.7", None),
    ],
)
def test_the_clients_address_is_the_one_the_trusted_proxy_added(remote, forwarded, expected):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, PROXIES) == expected


def test_with_no_proxy_named_the_header_changes_nothing(db, client, settings):
    settings.TRUSTED_PROXIES = []
    response = client.get(reverse("login"), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.wsgi_request.META["REMOTE_ADDR"] == "127.0.0.1"


def test_a_lockout_records_the_clients_address_not_the_proxys(client, settings, handler_user):
    settings.TRUSTED_PROXIES = PROXIES
    for _ in range(5):
        client.post(
            reverse("login"),
            {"login": handler_user.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        )
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "203.0.113.7"
    assert attempt.failures_since_start == 5


def test_a_client_straight_to_gunicorn_is_recorded_under_its_own_address(
    client, settings, handler_user
):
    settings.TRUSTED_PROXIES = PROXIES
    client.post(
        reverse("login"),
        {"login": handler_user.username, "password": "wrong"},
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AccessAttempt.objects.get().ip_address == "192.0.2.50"


def test_the_password_reset_limit_counts_each_clients_address(db, client, settings, mailoutbox):
    """allauth's per-address limit on reset requests (20 an hour) is kept per client: behind
    the proxy, one person's requests must not use up the whole office's."""
    settings.TRUSTED_PROXIES = PROXIES
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/h/ip"}

    def reset(address):
        return client.post(
            reverse("account_reset_password"),
            {"email": "nobody@opcc.example"},
            HTTP_X_FORWARDED_FOR=address,
        ).status_code

    assert [reset("203.0.113.7") for _ in range(3)] == [302, 302, 429]
    assert reset("203.0.113.8") == 302
