"""Real-browser tests: Debian's Chromium driven by Playwright against the app served from a
thread.

What the server thread reads must be committed (the tests' rolled-back transactions are
invisible to it), and ``django_db(transaction=True)``/``live_server`` would flush every
public table at teardown, the session's Pemda included. So, as tests/tenants/
test_dispatch.py does: no ``django_db`` mark, a Pemda of this package's own (Kabupaten
Sidoarjo, with the personas' organisation) provisioned and committed once, and its schema
dropped afterwards. Without the mark, pytest-django runs these tests after every database
test, so no other test ever sees Sidoarjo.

``make test`` installs Debian's Chromium first where it may (saas_platform/browser.py); a
machine still without /usr/bin/chromium or the playwright package skips them and says why.
Never ``playwright install``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from django.db import connection, connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/shots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SLUG = "sidoarjo"
REGION = "35.15"  # Kabupaten Sidoarjo: no other test provisions it


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install 'playwright>=1.49,<2')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="package")
def committed(django_db_setup, django_db_blocker):
    """Database access outside any test transaction, for the fixtures that set up the site
    and the checks that read what the browser saved."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        connections.close_all()


@pytest.fixture(scope="package")
def sidoarjo(committed):
    """A Pemda with the personas' organisation (tests/personas.py), committed; its schema
    is dropped when the package is done."""
    from core.org.models import ActivityNorm, Position
    from tenants.services import pemda_provision, pemda_request
    from tests.conftest import PASSWORD, personas_import

    request = pemda_request(
        region_code=REGION,
        template_name="surabaya",
        slug=SLUG,
        admin_email="admin@sidoarjokab.go.id",
        admin_password=PASSWORD,
    )
    pemda = pemda_provision(pemda_id=request.pk)
    try:
        assert pemda.status == "active", pemda.error
        with pemda:
            personas_import()
            for code, minutes in (("ANALIS", 300), ("KASUB", 120), ("PENGADMIN", 90)):
                ActivityNorm.objects.create(
                    position=Position.objects.get(code=code),
                    name="Menyusun laporan",
                    output_unit="Laporan",
                    minutes_per_unit=minutes,
                    yearly_volume=250,
                )
        connection.set_schema_to_public()
        yield pemda
    finally:
        connection.set_schema_to_public()
        pemda.delete(force_drop=True)


def _server_thread():
    """Django's live-server thread, made to finish cleanly: one request per connection (no
    thread idles on a keep-alive socket holding a database connection) and a shutdown that
    waits for the request threads, so that no connection outlives the server and the test
    database can be dropped at the end of the session."""
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

    class Server(ThreadedWSGIServer):
        daemon_threads = False  # server_close() joins the request threads

    class Handler(QuietWSGIRequestHandler):
        protocol_version = "HTTP/1.0"

    class SiteThread(LiveServerThread):
        server_class = Server

        def _create_server(self, connections_override=None):
            return self.server_class(
                (self.host, self.port),
                Handler,
                allow_reuse_address=False,
                connections_override=connections_override,
            )

    # WhiteNoise already serves static files (settings_test: WHITENOISE_USE_FINDERS).
    return SiteThread("127.0.0.1", lambda handler: handler, port=0)


@pytest.fixture(scope="package")
def site(sidoarjo):
    """The app served from a thread on 127.0.0.1 and a free port. Returns the Pemda's
    base URL."""
    server = _server_thread()
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://{sidoarjo.domain_name}:{server.port}"
    finally:
        server.terminate()


@pytest.fixture(scope="package")
def browser():
    if reason := browser_missing():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # beside one unless told it is safe (it is: the loop only drives the browser).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        # Code run beside Playwright's loop gets connections of its own (asgiref's Local
        # follows the context): close them before the loop goes, then the others.
        connections.close_all()
        playwright.stop()
        connections.close_all()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def sessions(browser, site):
    """{login: storage state} so that each persona logs in once per run."""
    return {}


def _log_in(page, site, identifier):
    from tests.conftest import PASSWORD

    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", identifier)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url == f"{site}/", page.url


@pytest.fixture
def open_as(browser, site, sessions):
    """open_as(identifier, viewport=DESKTOP) → a page of a new browser context, logged in
    as that person (or anonymous for None)."""
    contexts = []

    def open_as(identifier, viewport=DESKTOP):
        state = sessions.get(identifier)
        context = browser.new_context(
            viewport=viewport,
            base_url=site,
            storage_state=state,
            locale="id-ID",  # the browser's own widgets (dates, files) as users see them
            timezone_id="Asia/Jakarta",
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        if identifier and state is None:
            _log_in(page, site, identifier)
            sessions[identifier] = context.storage_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
