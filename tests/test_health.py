import pytest
from django.test import Client

from saas_platform.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_on_the_platform_reports_the_public_schema():
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "schema": "public"}


def test_health_on_a_pemda_reports_its_schema(surabaya_client):
    response = surabaya_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["schema"] == "surabaya"


def test_health_is_503_when_the_broker_is_down(surabaya_client, monkeypatch):
    # A real broker address where nothing listens (port 9 is "discard", closed here).
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = surabaya_client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"


def test_health_does_not_require_login_and_is_never_cached(surabaya_client):
    response = surabaya_client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "10.0.0.7", "nowhere.example"])
def test_health_answers_on_an_ip_or_a_foreign_host_with_the_public_schema(host):
    # Load balancers probe by IP, which ALLOWED_HOSTS refuses for every other page.
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json()["schema"] == "public"


def test_health_answers_on_a_subdomain_that_is_no_pemda_with_the_public_schema():
    response = Client(HTTP_HOST="nosuch.localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json()["schema"] == "public"


def test_other_pages_on_an_ip_still_find_no_site():
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/").status_code == 404
    assert client.get("/admin/").status_code == 404
    assert client.get("/healthz/").status_code == 404


def test_a_head_request_is_answered_like_a_get():
    response = Client(HTTP_HOST="127.0.0.1").head("/healthz")
    assert response.status_code == 200
