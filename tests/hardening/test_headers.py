"""Issue 7, headers: a Content-Security-Policy under which pages run only their own scripts
and styles, ``Cache-Control: private, no-store`` on everything that may carry personal
data, and production settings that pass ``manage.py check --deploy`` (HSTS, secure cookies,
a redirect to https) while the demo keeps working on plain http."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD, login

ROOT = Path(__file__).resolve().parent.parent.parent
CONTROLLED = (
    "SECRET_KEY",
    "DEBUG",
    "DEMO_MODE",
    "SECURE_COOKIES",
    "ENV_FILE",
    "DJANGO_SETTINGS_MODULE",
)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_and_the_api_run_only_their_own_scripts_and_styles(people):
    for response in (
        people["anonymous"].get("/accounts/login/"),
        people["admin"].get("/"),
        people["admin"].get("/org/employees/"),
        people["admin"].get("/api/v1/employees/"),
        Client(HTTP_HOST="localhost").get("/"),
    ):
        policy = directives(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_carries_inline_script_or_style():
    """What the policy would refuse, found before a browser does."""
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_as_a_file(people):
    page = people["admin"].get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "<style" not in html
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    script = people["admin"].get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_pages_exports_and_api_answers_are_never_stored(people):
    for url in (
        "/",
        "/org/employees/",
        "/org/export/employees.csv",
        "/api/v1/employees/",
        "/audit/",
        "/accounts/login/",
    ):
        response = people["admin"].get(url)
        assert response.status_code == 200, url
        caching = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= caching, url


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(surabaya_client):
    response = surabaya_client.get("/static/css/sinergi.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    # A file that is not there is the site's 404 page, which names the user: never cached.
    missing = surabaya_client.get("/static/css/not-there.css")
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" in missing


@pytest.mark.django_db
def test_the_unknown_host_page_carries_the_headers_too():
    """Answered by the middleware below the headers' (tenants.middleware)."""
    unknown = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert unknown.status_code == 404
    assert unknown["Cache-Control"] == "private, no-store"
    assert "script-src 'self'" in unknown["Content-Security-Policy"]


def _clean_env(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    return {**clean, "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "saas_platform.settings", **env}


def test_manage_py_check_deploy_passes_with_production_settings():
    # The database the tests use (or, without DATABASE_URL, the embedded one, as here).
    database = {"DATABASE_URL": os.environ["DATABASE_URL"]} if "DATABASE_URL" in os.environ else {}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_clean_env(SECRET_KEY=secrets.token_urlsafe(64), DEBUG="0", DEMO_MODE="0", **database),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SECURITY_SETTINGS = (
    "print(s.SITE_SCHEME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def _security_settings(**env) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"import saas_platform.settings as s\n{SECURITY_SETTINGS}"],
        cwd=ROOT,
        env=_clean_env(DATABASE_URL="postgres://nobody@127.0.0.1:9/none", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split(" ", 5)


def test_production_sends_hsts_secure_cookies_and_a_redirect_to_https_behind_a_proxy():
    values = _security_settings(
        SECRET_KEY="s3cret", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )
    assert values == [
        "https",
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]


def test_the_demo_keeps_working_on_plain_http():
    values = _security_settings(DEMO_MODE="1", SECURE_COOKIES="0")
    assert values == ["http", "False", "False", "False", "0", "None\n"]


def test_a_malformed_proxy_header_setting_is_refused_by_name():
    result = subprocess.run(
        [sys.executable, "-c", "import saas_platform.settings"],
        cwd=ROOT,
        env=_clean_env(
            SECRET_KEY="s3cret",
            SECURE_PROXY_SSL_HEADER="https",
            DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must read" in result.stderr


@pytest.mark.django_db
def test_behind_a_proxy_http_is_redirected_and_https_gets_hsts(surabaya, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client(HTTP_HOST=surabaya.domain_name)
    assert plain.get("/accounts/login/").status_code == 301
    secure = Client(HTTP_HOST=surabaya.domain_name, HTTP_X_FORWARDED_PROTO="https")
    response = secure.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert login(secure, "admin", PASSWORD).status_code == 302
