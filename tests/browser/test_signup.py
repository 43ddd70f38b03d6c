"""A BKPSDMD team signs Kota Banjarbaru up in a real browser: every step of /daftar/, an
employee file (after a bad one), the launch on a real Celery worker with the progress bar
to the end, and the first admin's login at the new Pemda's own site. Also: a Pemda that
is already registered cannot start. Screenshots of each step go to /tmp/shots/signup-*.

Like the other browser tests: no ``django_db`` mark (the server thread and the worker read
what is committed), and what the test made is removed at the end.
"""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection

from tests.browser.conftest import CHROMIUM_ARGS, SHOTS, _server_thread  # noqa: F401
from tests.hardening.test_worker_crash import (
    other_sessions,
    sends_to_the_database_broker,
    worker_start,
    worker_stop,
)

REGION = "63.72"  # Kota Banjarbaru
PASSWORD = "Banjarbaru-Admin-2026"
ADMIN = "admin@banjarbarukota.go.id"


def _employees_csv(bad: bool = False) -> bytes:
    from core.importing.tabular import write_csv
    from tests import personas

    rows = [list(row) for row in personas.EMPLOYEES]
    if bad:
        rows[1][0] = "12345"  # not a NIP
    return write_csv(rows[0], rows[1:])


def _csv(rows) -> bytes:
    from core.importing.tabular import write_csv

    return write_csv(rows[0], rows[1:])


@pytest.fixture
def platform(committed, browser, tmp_path, settings):
    """The app served from a thread, a real worker on the test database's broker, and the
    platform's links carrying the server's port. Yields the platform's base URL."""
    server = _server_thread()
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    settings.PLATFORM_PORT = server.port
    log = tmp_path / "worker.log"
    with sends_to_the_database_broker():
        worker = worker_start("signup", log)
        try:
            yield f"http://localhost:{server.port}", log
        finally:
            worker_stop(worker)
            server.terminate()
    _clean_up()
    deadline = time.monotonic() + 10
    while other_sessions() and time.monotonic() < deadline:
        time.sleep(0.1)


def _clean_up():
    from onboarding.models import SignUp
    from tenants.models import Pemda

    connection.set_schema_to_public()
    SignUp.objects.filter(region_id=REGION).delete()
    for pemda in Pemda.objects.filter(region_id=REGION):
        pemda.delete(force_drop=True)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"signup-{name}.png"), full_page=True)


def test_a_team_signs_its_pemda_up_and_logs_in_to_it(platform, browser, tmp_path):
    from core.org.models import Employee
    from tenants.models import Pemda
    from tests import personas

    base, log = platform
    context = browser.new_context(base_url=base, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. The Pemda, found as the team types (htmx); a registered one has no button.
    page.goto("/daftar/")
    page.fill("#region-search", "banjarbaru")
    page.wait_for_selector("button[name=region][value='63.72']")
    shot(page, "1-region")
    page.click("button[name=region][value='63.72']")
    page.wait_for_url(re.compile(r"/daftar/[0-9a-f-]+/2/$"))

    # 2. Contact and first admin; the code arrives by e-mail (DEMO_MODE shows it here).
    from onboarding.models import SignUp

    page.fill("#id_contact_name", "Siti Aminah")
    page.fill("#id_contact_phone", "0511 4772 100")
    page.fill("#id_contact_email", "bkpsdmd@banjarbarukota.go.id")
    page.fill("#id_admin_name", "Admin Banjarbaru")
    page.fill("#id_admin_email", "bukan-email")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector(".invalid-feedback, .errorlist, .alert-danger")
    shot(page, "2-invalid-email")
    page.fill("#id_admin_email", ADMIN)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("#id_code")
    shot(page, "2-code")

    signup = SignUp.objects.get(region_id=REGION)
    code = _code_from_outbox(ADMIN)
    page.fill("#id_code", code)
    page.click("form[action$='/2/kode/'] button")
    page.wait_for_url(re.compile(r"/3/$"))

    # 3. A plan.
    shot(page, "3-plan")
    page.check("input[name=plan][value=standar]")
    page.click("form button.btn-primary")
    page.wait_for_url(re.compile(r"/4/$"))

    # 4. A template, with its preview.
    page.click("a[href='?lihat=surabaya#pratinjau']")
    page.wait_for_selector("#pratinjau table")
    shot(page, "4-template")
    page.check("input[name=template][value=surabaya]")
    page.click("form button.btn-primary")
    page.wait_for_url(re.compile(r"/5/(#\w*)?$"))

    # 5. A bad employee file first: every bad row listed, nothing created; then good files.
    units, positions = tmp_path / "unit.csv", tmp_path / "jabatan.csv"
    units.write_bytes(_csv(personas.UNITS))
    positions.write_bytes(_csv(personas.POSITIONS))
    bad, good = tmp_path / "pegawai-salah.csv", tmp_path / "pegawai.csv"
    bad.write_bytes(_employees_csv(bad=True))
    good.write_bytes(_employees_csv())
    for kind, path in (("units", units), ("positions", positions), ("employees", bad)):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(path))
        page.click("#berkas button[type=submit]")
        page.wait_for_selector("#wizard-files")
    page.wait_for_selector("table.wizard-errors[data-kind=employees]")
    shot(page, "5-bad-upload")
    listed = page.inner_text("table.wizard-errors[data-kind=employees]")
    assert re.search(r"^2\tNIP\t", listed, re.M), listed  # row 2, the NIP column
    page.click("form.d-flex button.btn-primary")  # Next is refused
    page.wait_for_selector(".alert-danger")
    assert re.search(r"/5/(#\w*)?$", page.url)
    page.select_option("#id_kind", "employees")
    page.set_input_files("#id_file", str(good))
    page.click("#berkas button[type=submit]")
    page.wait_for_selector("#wizard-files .alert-success")
    shot(page, "5-files-ok")
    page.click("form.d-flex button.btn-primary")
    page.wait_for_url(re.compile(r"/6/(#\w*)?$"))

    # 6. Review and launch (a double click sends once); the progress bar runs to the end.
    shot(page, "6-review")
    started = time.monotonic()
    page.dblclick("form[data-launch-form] button.btn-success")
    page.wait_for_selector("#launch-status[data-state=done]", timeout=60000)
    assert "/peluncuran/" in page.url
    launched_in = time.monotonic() - started
    shot(page, "7-launched")
    assert page.get_attribute("#launch-progress", "value") == "100"

    # The team lands on the new Pemda's site and logs in as the first admin.
    page.wait_for_url(re.compile(r"^http://banjarbaru\.localhost:\d+/accounts/login/"))
    page.fill("#id_username", ADMIN)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert re.match(r"^http://banjarbaru\.localhost:\d+/$", page.url), page.url
    shot(page, "8-tenant-home")
    assert errors == []
    context.close()

    pemda = Pemda.objects.get(region_id=REGION)
    assert Pemda.objects.filter(region_id=REGION).count() == 1
    with pemda:
        assert Employee.objects.count() == len(personas.EMPLOYEES) - 1
    connection.set_schema_to_public()
    signup.refresh_from_db()
    assert signup.state == "done"
    print(f"launch click to done page: {launched_in:.2f} s")

    # A duplicate: Banjarbaru is registered now; it cannot be signed up again.
    context = browser.new_context(base_url=base, locale="id-ID")
    page = context.new_page()
    page.goto("/daftar/?q=banjarbaru")
    assert page.locator("button[name=region][value='63.72']").count() == 0
    shot(page, "9-duplicate")
    page.goto("/daftar/")
    page.evaluate(
        """() => { const f = document.querySelector("#region-results").closest("form");
        const b = document.createElement("button"); b.name = "region"; b.value = "63.72";
        b.type = "submit"; f.appendChild(b); b.click(); }"""
    )
    page.wait_for_selector(".alert-danger")
    assert SignUp.objects.filter(region_id=REGION).count() == 1
    context.close()


def _code_from_outbox(address: str) -> str:
    from django.core import mail

    messages = [m for m in mail.outbox if address in m.to]
    assert messages, "no e-mail was sent"
    return re.search(r"\b(\d{6})\b", messages[-1].body).group(1)
