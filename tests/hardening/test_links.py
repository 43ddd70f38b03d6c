"""Issue 7: links in e-mails and in the API are built from the configured platform domain
and port (tenants.links), never from the request's Host header, whose port passes host
validation whatever it is."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from core.accounts.models import Role, User
from core.accounts.services import account_password_setup_send
from saas_platform.pagination import StrictPageNumberPagination
from tenants.links import site_origin
from tests.conftest import ATASAN_NIP

pytestmark = pytest.mark.django_db

HOSTILE = "surabaya.localhost:31337"
RESET_LINK = re.compile(r"\S+/accounts/reset/\S+")


def reset_link(message) -> str:
    return RESET_LINK.search(message.body).group(0)


def test_a_hostile_port_in_the_host_header_never_reaches_the_reset_email(surabaya):
    client = Client(HTTP_HOST=HOSTILE)
    response = client.post("/accounts/password_reset/", {"email": "atasan@surabaya.go.id"})
    assert response.status_code == 302
    assert reset_link(mail.outbox[-1]).startswith("http://surabaya.localhost/accounts/reset/")
    assert "31337" not in mail.outbox[-1].body


def test_the_reset_email_uses_the_configured_port_and_scheme(surabaya, settings):
    settings.PLATFORM_PORT = 8000
    settings.SITE_SCHEME = "https"
    Client(HTTP_HOST=HOSTILE).post("/accounts/password_reset/", {"email": "atasan@surabaya.go.id"})
    assert reset_link(mail.outbox[-1]).startswith("https://surabaya.localhost:8000/accounts/")


def test_the_pemdas_host_comes_from_its_primary_domain(surabaya, settings):
    from tenants.models import Domain

    settings.PLATFORM_PORT = 8443
    Domain.objects.filter(tenant=surabaya).update(domain="sinergi.surabaya.go.id")
    with surabaya:
        user_id = User.objects.get(nip=ATASAN_NIP).pk
        account_password_setup_send(user_id=user_id)
    assert reset_link(mail.outbox[-1]).startswith("http://sinergi.surabaya.go.id:8443/accounts/")


def test_the_platform_reset_email_links_to_the_platform_domain():
    User.objects.create_user(
        "staf", email="staf@sinergi.id", password="staf-1234567", role=Role.PLATFORM_STAFF
    )
    client = Client(HTTP_HOST="localhost:31337")
    client.post("/accounts/password_reset/", {"email": "staf@sinergi.id"})
    assert reset_link(mail.outbox[-1]).startswith("http://localhost/accounts/reset/")


def test_the_first_password_email_of_the_worker_ignores_a_host_it_is_given(surabaya):
    from core.accounts.tasks import account_password_setup_send_task

    with surabaya:
        user_id = User.objects.get(nip=ATASAN_NIP).pk
        account_password_setup_send_task.run(user_id, "evil.example:31337")
    assert reset_link(mail.outbox[-1]).startswith("http://surabaya.localhost/accounts/reset/")


def test_the_api_next_and_previous_links_ignore_the_host_port(org, monkeypatch):
    monkeypatch.setattr(StrictPageNumberPagination, "page_size", 2)
    with org:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username="admin"))
    client = Client(HTTP_HOST=HOSTILE, HTTP_AUTHORIZATION=f"Token {token.key}")

    first = client.get("/api/v1/employees/?status=PNS").json()
    assert first["next"] == "http://surabaya.localhost/api/v1/employees/?page=2&status=PNS"
    second = client.get("/api/v1/employees/?page=3&status=PNS").json()
    assert second["previous"] == "http://surabaya.localhost/api/v1/employees/?page=2&status=PNS"
    assert "31337" not in str(first) + str(second)


def test_site_origin_of_the_platform_and_of_a_pemda(surabaya, settings):
    from tenants.middleware import platform_tenant

    settings.PLATFORM_PORT = 0
    assert site_origin(platform_tenant()) == "http://localhost"
    assert site_origin(surabaya) == "http://surabaya.localhost"
