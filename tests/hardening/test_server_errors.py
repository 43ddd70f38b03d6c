"""The last line of error handling (handler500): a database that cannot be reached is a 503
wherever it was found, even in a middleware after the view (saving the session); any other
fault is the 500 page, or JSON under /api/."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from saas_platform.errors import server_error
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _session_save_fails(monkeypatch, exc):
    def save(self, must_create=False):
        raise exc

    monkeypatch.setattr(SessionStore, "save", save)


def test_a_database_lost_while_saving_the_session_is_a_503_page(surabaya, monkeypatch):
    client = Client(HTTP_HOST=surabaya.get_primary_domain().domain, raise_request_exception=False)
    _session_save_fails(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    response = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "text/html" in response["Content-Type"]


def test_any_other_fault_is_the_500_page(surabaya, monkeypatch):
    client = Client(HTTP_HOST=surabaya.get_primary_domain().domain, raise_request_exception=False)
    _session_save_fails(monkeypatch, RuntimeError("a bug"))
    page = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert page.status_code == 500 and "text/html" in page["Content-Type"]


def test_a_fault_under_the_api_is_answered_in_json(rf):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/api/v1/employees/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
