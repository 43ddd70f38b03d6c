"""Shared fixtures. The test Pemda are provisioned once per session (cloning is the
real path), and every test then runs in a transaction that is rolled back.

Personas (healthchecks-style): at Kota Surabaya an admin, a leader, an atasan and an
employee; at Kota Jambi an admin with the same username as Surabaya's.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from core.accounts.models import Role, User
from tenants.models import Pemda
from tenants.selectors import pemda_host_cache_clear
from tenants.services import pemda_provision, pemda_request

PASSWORD = "kata-sandi-uji-123"
JAMBI_PASSWORD = "sandi-jambi-456"
EMPLOYEE_NIP = "198809172012032004"
ATASAN_NIP = "198001052005031003"


def _provision(code, slug, template, password, email):
    pemda = pemda_request(
        region_code=code,
        template_name=template,
        slug=slug,
        admin_email=email,
        admin_password=password,
    )
    return pemda_provision(pemda_id=pemda.pk)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    # pytest-django skips creating the test database when no selected test needs one; the
    # shared Pemda must then never be provisioned into the real database instead.
    if not connection.settings_dict["NAME"].startswith("test_"):
        pytest.skip("no test database: these tests were selected without a database test")
    with django_db_blocker.unblock():
        call_command("build_templates", verbosity=0)
        surabaya = _provision("35.78", "surabaya", "surabaya", PASSWORD, "admin@surabaya.go.id")
        jambi = _provision(
            "15.71", "kota-jambi", "surabaya", JAMBI_PASSWORD, "admin@jambikota.go.id"
        )
        with surabaya:
            User.objects.create_user(
                "pimpinan", password=PASSWORD, role=Role.LEADER, name="Wali Kota Surabaya"
            )
            User.objects.create_user(
                "atasan",
                password=PASSWORD,
                role=Role.ATASAN,
                nip=ATASAN_NIP,
                email="atasan@surabaya.go.id",
            )
            User.objects.create_user(
                "pegawai",
                password=PASSWORD,
                role=Role.EMPLOYEE,
                nip=EMPLOYEE_NIP,
                name="Siti Rahayu",
            )
        with jambi:
            User.objects.create_user(
                "pegawai", password=JAMBI_PASSWORD, role=Role.EMPLOYEE, nip="199001012015031001"
            )
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    """Requests switch the connection to their Pemda's schema; start every test at public."""
    connection.set_schema_to_public()
    pemda_host_cache_clear()  # which Pemda a host serves: never carried from test to test
    yield
    connection.set_schema_to_public()


@pytest.fixture
def english():
    """Match message texts in English; pages are tested in Indonesian, the default."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def surabaya(db) -> Pemda:
    return Pemda.objects.select_related("region", "template").get(slug="surabaya")


@pytest.fixture
def jambi(db) -> Pemda:
    return Pemda.objects.select_related("region", "template").get(slug="kota-jambi")


def client_for(pemda: Pemda) -> Client:
    return Client(HTTP_HOST=pemda.domain_name)


@pytest.fixture
def surabaya_client(surabaya) -> Client:
    return client_for(surabaya)


@pytest.fixture
def jambi_client(jambi) -> Client:
    return client_for(jambi)


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST="localhost")


def login(client: Client, identifier: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": identifier, "password": password})


def personas_import() -> None:
    """Import the personas' organisation (tests/personas.py) into the current schema, the
    way an admin imports it, and give every persona's account the test password."""
    from core.importing.tabular import write_csv
    from core.org.imports import people_import
    from tests import personas

    for kind, rows in (
        ("units", personas.UNITS),
        ("positions", personas.POSITIONS),
        ("employees", personas.EMPLOYEES),
    ):
        report = people_import(kind=kind, data=write_csv(rows[0], rows[1:]), filename=f"{kind}.csv")
        assert report.written, report.errors
    for user in User.objects.filter(nip__in=personas.EVERYONE):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.fixture
def org(surabaya) -> Pemda:
    """Kota Surabaya with the personas' organisation (see ``personas_import``)."""
    with surabaya:
        personas_import()
    return surabaya


@pytest.fixture
def gaps(org) -> Pemda:
    """A gap of two kinds closed or opened: the analysts' position gets a norma waktu, and a
    new bidang of BKPSDMD has nobody to head it."""
    from core.org.models import ActivityNorm, Position, Unit
    from core.org.tree import org_refresh_all

    with org:
        ActivityNorm.objects.create(
            position=Position.objects.get(code="ANALIS"),
            name="Menyusun analisis jabatan",
            output_unit="Dokumen",
            minutes_per_unit=300,
            yearly_volume=100,
        )
        Unit.objects.create(
            code="BKPSDMD.2",
            name="Bidang Mutasi",
            kind="BIDANG",
            parent=Unit.objects.get(code="BKPSDMD"),
        )
        org_refresh_all()
    return org


@pytest.fixture
def people(org) -> dict[str, Client]:
    """{persona: a client logged in as them} (tests/personas.py), plus "anonymous"."""
    from tests.personas import LOGINS

    clients = {}
    for persona, identifier in LOGINS.items():
        client = client_for(org)
        assert login(client, identifier).status_code == 302, persona
        clients[persona] = client
    clients["anonymous"] = client_for(org)
    return clients


def pytest_sessionfinish(session, exitstatus):
    """Remove the throwaway media folder of this run (see settings_test)."""
    import shutil

    from django.conf import settings

    if "sinergi-test-media-" in str(getattr(settings, "MEDIA_ROOT", "")):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
