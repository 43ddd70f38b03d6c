"""The org REST API: every role reads what its pages show, only the tenant admin writes."""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from core.accounts.models import Role, User
from core.importing.tabular import write_csv
from core.org.imports import people_import
from core.org.models import Employee, Position, Unit
from core.org.tree import org_refresh_all
from tests.conftest import JAMBI_PASSWORD, client_for, login

pytestmark = pytest.mark.django_db

ENDPOINTS = ("units", "positions", "employees")

from tests.personas import (  # noqa: E402
    ANALIS,
    ANALIS_PPPK,
    EMPLOYEES,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    POSITIONS,
    SEKDA,
    STAF_DINKES,
    UNITS,
)

NEW_NIP = "199403032019031009"


def token_client(pemda, user: User) -> Client:
    with pemda:
        token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_HOST=pemda.domain_name, HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def as_nip(org):
    """A token client for the login account of the employee with this NIP."""

    def client(nip: str) -> Client:
        with org:
            user = User.objects.get(nip=nip)
        return token_client(org, user)

    return client


@pytest.fixture
def admin(org) -> Client:
    """The tenant admin (BKPSDMD), signed in with a session."""
    client = client_for(org)
    assert login(client, "admin").status_code == 302
    return client


@pytest.fixture
def leader(org) -> Client:
    client = client_for(org)
    assert login(client, "pimpinan").status_code == 302
    return client


def pk_of(pemda, nip: str) -> int:
    with pemda:
        return Employee.objects.get(nip=nip).pk


def nips(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["nip"] for row in response.json()["results"]}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def test_the_roles_come_from_the_tree(org):
    with org:
        roles = dict(User.objects.exclude(nip=None).values_list("nip", "role"))
    assert roles[KABAN] == roles[KADINKES] == Role.HEAD_OF_OPD
    assert roles[KASUB] == Role.ATASAN
    assert roles[ANALIS] == Role.EMPLOYEE


# --- Reading: each role sees what its pages show -------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_requests_are_refused(org, endpoint):
    client = client_for(org)
    some_id = _some_pk(org, endpoint)
    assert client.get(f"/api/v1/{endpoint}/").status_code in (401, 403)
    assert client.get(f"/api/v1/{endpoint}/{some_id}/").status_code in (401, 403)
    assert post(client, f"/api/v1/{endpoint}/", {}).status_code in (401, 403)


def test_a_wrong_token_is_refused(org):
    client = Client(HTTP_HOST=org.domain_name, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/employees/").status_code in (401, 403)


def test_an_employee_sees_only_themselves(org, as_nip):
    client = as_nip(ANALIS)
    assert nips(client.get("/api/v1/employees/")) == {ANALIS}
    assert client.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").status_code == 200
    assert client.get(f"/api/v1/employees/{pk_of(org, KASUB)}/").status_code == 404
    assert client.get(f"/api/v1/employees/{pk_of(org, STAF_DINKES)}/").status_code == 404


def test_an_employee_sees_only_their_own_unit_and_position_as_in_the_employee_list(org, as_nip):
    """The scopes of every page agree (issue 6): whoever sees one person sees that person's
    unit and position, not the rest of the OPD."""
    client = as_nip(ANALIS)
    assert codes(client.get("/api/v1/units/")) == {"BKPSDMD.1.1"}
    assert codes(client.get("/api/v1/positions/")) == {"ANALIS"}
    with org:
        dinkes = Unit.objects.get(code="DINKES").pk
        kadinkes = Position.objects.get(code="KADINKES").pk
    assert client.get(f"/api/v1/units/{dinkes}/").status_code == 404
    assert client.get(f"/api/v1/positions/{kadinkes}/").status_code == 404


def test_an_account_without_an_employee_record_sees_no_one(org):
    with org:
        user = User.objects.get(username="pegawai")  # an employee account, not in the org
    client = token_client(org, user)
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/v1/{endpoint}/").json()["count"] == 0


def test_an_atasan_sees_themselves_and_their_appraisees_only(org, as_nip):
    client = as_nip(KASUB)
    assert nips(client.get("/api/v1/employees/")) == {KASUB, ANALIS, ANALIS_PPPK}
    assert codes(client.get("/api/v1/positions/")) == {"KASUB", "ANALIS"}
    assert codes(client.get("/api/v1/units/")) == {"BKPSDMD.1.1"}
    assert client.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").status_code == 200
    assert client.get(f"/api/v1/employees/{pk_of(org, KABID)}/").status_code == 404  # own atasan


def test_a_head_of_opd_sees_their_opd_only(org, as_nip):
    client = as_nip(KABAN)
    assert nips(client.get("/api/v1/employees/")) == {KABAN, KABID, KASUB, ANALIS, ANALIS_PPPK}
    assert client.get(f"/api/v1/employees/{pk_of(org, KADINKES)}/").status_code == 404
    assert codes(client.get("/api/v1/units/")) == {"BKPSDMD", "BKPSDMD.1", "BKPSDMD.1.1"}

    other = as_nip(KADINKES)
    assert nips(other.get("/api/v1/employees/")) == {KADINKES, STAF_DINKES}
    assert codes(other.get("/api/v1/positions/")) == {"KADINKES", "PENGADMIN"}


def test_the_leader_and_the_admin_see_the_whole_pemda(org, leader, admin):
    for client in (leader, admin):
        assert nips(client.get("/api/v1/employees/")) == EVERYONE
        assert codes(client.get("/api/v1/units/")) == {row[0] for row in UNITS[1:]}
        assert codes(client.get("/api/v1/positions/")) == {row[0] for row in POSITIONS[1:]}


def test_an_employee_reads_as_the_issue_lists(org, admin):
    row = admin.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").json()
    assert row == {
        "id": pk_of(org, ANALIS),
        "nip": ANALIS,
        "name": "Rudi Hartono",
        "status": "PNS",
        "golongan": "III/a",
        "pangkat": "Penata Muda",
        "position": "ANALIS",
        "position_name": "Analis SDM Aparatur",
        "unit": "BKPSDMD.1.1",
        "unit_name": "Subbidang Diklat",
        "opd": "BKPSDMD",
        "tmt_jabatan": None,
        "email": "",
        "phone": "",
        "atasan": {"nip": KASUB, "name": "Dewi Lestari"},
        "is_active": True,
    }
    assert admin.get(f"/api/v1/employees/{pk_of(org, SEKDA)}/").json()["atasan"] is None


def test_the_atasan_shown_is_the_override_when_there_is_one(org, admin):
    with org:
        Employee.objects.filter(nip=ANALIS).update(atasan_override=Employee.objects.get(nip=KABID))
    row = admin.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").json()
    assert row["atasan"] == {"nip": KABID, "name": "Agus Salim"}


def test_units_and_positions_refer_to_each_other_by_code(org, admin):
    with org:
        unit = Unit.objects.get(code="BKPSDMD.1.1")
        position = Position.objects.get(code="ANALIS")
    assert admin.get(f"/api/v1/units/{unit.pk}/").json() == {
        "id": unit.pk,
        "code": "BKPSDMD.1.1",
        "name": "Subbidang Diklat",
        "kind": "SEKSI",
        "parent": "BKPSDMD.1",
        "opd": "BKPSDMD",
        "depth": 2,
    }
    assert admin.get(f"/api/v1/positions/{position.pk}/").json() == {
        "id": position.pk,
        "code": "ANALIS",
        "name": "Analis SDM Aparatur",
        "jenis": "FUNGSIONAL",
        "jenjang": "AHLI_PERTAMA",
        "kelas_jabatan": 8,
        "unit": "BKPSDMD.1.1",
        "unit_name": "Subbidang Diklat",
        "opd": "BKPSDMD",
    }


# --- Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize("nip", [ANALIS, "19900101 201503 1 005"])
def test_employees_can_be_found_by_nip(org, admin, nip):
    assert nips(admin.get("/api/v1/employees/", {"nip": nip})) == {ANALIS}


def test_the_nip_filter_stays_inside_the_scope(org, as_nip):
    assert nips(as_nip(ANALIS).get("/api/v1/employees/", {"nip": KASUB})) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "BKPSDMD.1.1"}, {KASUB, ANALIS, ANALIS_PPPK}),
        ({"opd": "DINKES"}, {KADINKES, STAF_DINKES}),
        ({"position": "ANALIS"}, {ANALIS, ANALIS_PPPK}),
        ({"status": "PPPK"}, {ANALIS_PPPK}),
        ({"opd": "BKPSDMD", "status": "PNS"}, {KABAN, KABID, KASUB, ANALIS}),
        ({"q": "wijaya"}, {KADINKES}),
        ({"unit": "TIDAK-ADA"}, set()),
    ],
)
def test_employees_can_be_filtered(org, admin, params, expected):
    assert nips(admin.get("/api/v1/employees/", params)) == expected


def test_units_and_positions_can_be_filtered(org, admin):
    assert codes(admin.get("/api/v1/units/", {"opd": "BKPSDMD"})) == {
        "BKPSDMD",
        "BKPSDMD.1",
        "BKPSDMD.1.1",
    }
    assert codes(admin.get("/api/v1/units/", {"parent": "BKPSDMD"})) == {"BKPSDMD.1"}
    assert codes(admin.get("/api/v1/units/", {"kind": "DINAS"})) == {"DINKES"}
    assert codes(admin.get("/api/v1/positions/", {"unit": "DINKES"})) == {"KADINKES", "PENGADMIN"}
    assert codes(admin.get("/api/v1/positions/", {"jenis": "PENGAWAS"})) == {"KASUB"}


def test_inactive_employees_can_be_listed_apart(org, admin):
    with org:
        Employee.objects.filter(nip=STAF_DINKES).update(is_active=False)
    assert nips(admin.get("/api/v1/employees/", {"is_active": "false"})) == {STAF_DINKES}
    assert STAF_DINKES not in nips(admin.get("/api/v1/employees/", {"is_active": "true"}))


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        ("/api/v1/employees/", {"nip": "123"}, "nip", "NIP must be exactly 18 digits."),
        ("/api/v1/employees/", {"status": "HONORER"}, "status", "“HONORER” is not one of"),
        ("/api/v1/employees/", {"is_active": "maybe"}, "is_active", "Use true or false"),
        ("/api/v1/units/", {"kind": "KOTA"}, "kind", "“KOTA” is not one of"),
        ("/api/v1/positions/", {"jenis": "X"}, "jenis", "“X” is not one of"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(org, admin, url, params, field, message):
    response = admin.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_messages_are_indonesian_by_default(org, admin):
    response = admin.get("/api/v1/employees/", {"nip": "123"})
    assert response.status_code == 400
    assert "NIP harus terdiri atas tepat 18 angka" in response.json()["nip"][0]


# --- Writing: the tenant admin only ----------------------------------------------------------

NEW_EMPLOYEE = {
    "nip": NEW_NIP,
    "name": "Fajar Nugroho",
    "status": "PNS",
    "golongan": "III/b",
    "position": "ANALIS",
    "unit": "BKPSDMD.1.1",
    "tmt_jabatan": "2024-01-02",
    "email": "Fajar@Surabaya.go.id",
    "phone": "+62 812 2222",
}
NEW_UNIT = {"code": "DINKES.1", "name": "Bidang Pelayanan", "kind": "BIDANG", "parent": "DINKES"}
NEW_POSITION = {
    "code": "KABID.YANKES",
    "name": "Kepala Bidang Pelayanan Kesehatan",
    "jenis": "ADMINISTRATOR",
    "kelas_jabatan": 11,
    "unit": "DINKES",
}
NEW = {"units": NEW_UNIT, "positions": NEW_POSITION, "employees": NEW_EMPLOYEE}


def _some_pk(pemda, endpoint):
    with pemda:
        if endpoint == "units":
            return Unit.objects.get(code="DINKES").pk
        if endpoint == "positions":
            return Position.objects.get(code="PENGADMIN").pk
        return Employee.objects.get(nip=STAF_DINKES).pk


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_leader_reads_but_cannot_write(org, leader, endpoint):
    pk = _some_pk(org, endpoint)
    assert leader.get(f"/api/v1/{endpoint}/{pk}/").status_code == 200
    assert post(leader, f"/api/v1/{endpoint}/", NEW[endpoint]).status_code == 403
    assert patch(leader, f"/api/v1/{endpoint}/{pk}/", {"name": "X"}).status_code == 403
    assert leader.put(f"/api/v1/{endpoint}/{pk}/", "{}", "application/json").status_code == 403


@pytest.mark.parametrize("nip", [KABAN, KASUB, ANALIS])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_other_roles_cannot_write_even_what_they_see(org, as_nip, nip, endpoint):
    client = as_nip(nip)
    pk = pk_of(org, nip) if endpoint == "employees" else _some_pk(org, endpoint)
    assert post(client, f"/api/v1/{endpoint}/", NEW[endpoint]).status_code == 403
    assert patch(client, f"/api/v1/{endpoint}/{pk}/", {"name": "X"}).status_code == 403
    with org:
        assert Employee.objects.get(nip=nip).name != "X"


def test_the_admin_creates_an_employee_with_a_login_and_a_derived_atasan(org, admin):
    response = post(admin, "/api/v1/employees/", NEW_EMPLOYEE)

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["atasan"] == {"nip": KASUB, "name": "Dewi Lestari"}
    assert (row["opd"], row["pangkat"], row["email"]) == (
        "BKPSDMD",
        "Penata Muda Tingkat I",
        "fajar@surabaya.go.id",
    )
    with org:
        employee = Employee.objects.select_related("user").get(nip=NEW_NIP)
        assert employee.tmt_jabatan == datetime.date(2024, 1, 2)
        assert employee.user.username == NEW_NIP
        assert employee.user.role == Role.EMPLOYEE


def test_the_admin_creates_a_unit_and_a_position_below_it(org, admin):
    unit = post(admin, "/api/v1/units/", NEW_UNIT)
    assert unit.status_code == 201, unit.content
    assert (unit.json()["opd"], unit.json()["depth"]) == ("DINKES", 1)

    position = post(admin, "/api/v1/positions/", {**NEW_POSITION, "unit": "DINKES.1"})
    assert position.status_code == 201, position.content
    assert position.json()["opd"] == "DINKES"

    # The new head of the bidang answers to the head of the Dinas above it.
    head = post(
        admin,
        "/api/v1/employees/",
        {**NEW_EMPLOYEE, "position": "KABID.YANKES", "unit": "DINKES.1", "email": ""},
    )
    assert head.status_code == 201, head.content
    assert head.json()["atasan"]["nip"] == KADINKES


def test_moving_a_unit_moves_its_opd_and_depth(org, admin):
    with org:
        unit = Unit.objects.get(code="BKPSDMD.1.1")
    response = patch(admin, f"/api/v1/units/{unit.pk}/", {"parent": "DINKES"})
    assert response.status_code == 200, response.content
    assert (response.json()["opd"], response.json()["depth"]) == ("DINKES", 1)
    # The head of the subbidang now answers to the head of the Dinas.
    kasub = admin.get(f"/api/v1/employees/{pk_of(org, KASUB)}/").json()
    assert kasub["atasan"]["nip"] == KADINKES


def test_moving_an_employee_recomputes_their_atasan(org, admin):
    url = f"/api/v1/employees/{pk_of(org, ANALIS)}/"
    response = patch(admin, url, {"position": "PENGADMIN", "unit": "DINKES"})
    assert response.status_code == 200, response.content
    assert response.json()["atasan"]["nip"] == KADINKES
    assert response.json()["opd"] == "DINKES"


def test_an_employee_is_deactivated_not_deleted(org, admin):
    url = f"/api/v1/employees/{pk_of(org, KASUB)}/"
    assert admin.delete(url).status_code == 405

    response = patch(admin, url, {"is_active": False})

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    # Their appraisees move up to the next head; their login is closed.
    analis = admin.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").json()
    assert analis["atasan"]["nip"] == KABID
    with org:
        assert Employee.objects.filter(nip=KASUB).exists()
        assert not User.objects.get(nip=KASUB).is_active

    assert patch(admin, url, {"is_active": True}).status_code == 200
    with org:
        assert User.objects.get(nip=KASUB).is_active


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_nothing_is_deleted_through_the_api(org, admin, endpoint):
    pk = _some_pk(org, endpoint)
    assert admin.delete(f"/api/v1/{endpoint}/{pk}/").status_code == 405


def test_the_admin_updates_a_position(org, admin):
    with org:
        pk = Position.objects.get(code="PENGADMIN").pk
    response = patch(admin, f"/api/v1/positions/{pk}/", {"kelas_jabatan": 6, "name": "Pengadm."})
    assert response.status_code == 200, response.content
    with org:
        assert Position.objects.filter(pk=pk, kelas_jabatan=6, name="Pengadm.").exists()


# --- Bad input: a 400 that says what is wrong, never a 500 ------------------------------------


def _unit_pk(pemda, code):
    with pemda:
        return Unit.objects.get(code=code).pk


@pytest.mark.parametrize(
    ("endpoint", "data", "field", "message"),
    [
        ("employees", {"unit": "NOPE"}, "unit", "Unit NOPE does not exist in this Pemda."),
        ("employees", {"position": "NOPE"}, "position", "Position NOPE does not exist"),
        ("employees", {"nip": "196802301990031001"}, "nip", "is not a real date"),
        ("employees", {"nip": "12345"}, "nip", "exactly 18 digits"),
        ("employees", {"nip": ANALIS}, "nip", "already exists"),
        ("employees", {"status": "PPPK"}, "golongan", "A PPPK has no golongan"),
        ("employees", {"golongan": ""}, "golongan", "A PNS needs a golongan"),
        ("employees", {"golongan": "V/a"}, "golongan", "does not exist"),
        ("employees", {"status": "Honorer"}, "status", "is not one of: PNS, PPPK, PPPK_PW"),
        ("employees", {"tmt_jabatan": "2999-01-01"}, "tmt_jabatan", "lies in the future"),
        ("employees", {"tmt_jabatan": "2-1-2024"}, "tmt_jabatan", "Date has wrong format"),
        ("employees", {"email": "dewi@surabaya.go.id"}, "email", "belongs to another account"),
        ("employees", {"email": "bukan-email"}, "email", "valid email"),
        ("employees", {"name": ""}, "name", "may not be blank"),
        ("employees", {"unit": ["BKPSDMD"]}, "unit", "Must be text"),
        ("positions", {"kelas_jabatan": 18}, "kelas_jabatan", "from 1 to 17"),
        ("positions", {"kelas_jabatan": 0}, "kelas_jabatan", "from 1 to 17"),
        ("positions", {"kelas_jabatan": "delapan"}, "kelas_jabatan", "from 1 to 17"),
        ("positions", {"jenjang": "AHLI_MUDA"}, "jenjang", "Only a Fungsional position"),
        ("positions", {"unit": "NOPE"}, "unit", "Unit NOPE does not exist"),
        ("positions", {"code": "KABAN"}, "code", "already exists"),
        ("units", {"parent": "NOPE"}, "parent", "Unit NOPE does not exist"),
        ("units", {"kind": "KOTA"}, "kind", "is not one of"),
        ("units", {"code": "x" * 31}, "code", "no more than 30 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message(org, admin, endpoint, data, field, message):
    response = post(
        admin, f"/api/v1/{endpoint}/", {**NEW[endpoint], **data}, HTTP_ACCEPT_LANGUAGE="en"
    )
    # A code or NIP another record holds is a conflict (409); every other refusal a 400.
    assert response.status_code == (409 if message == "already exists" else 400), response.content
    assert message in " ".join(response.json()[field])


def test_a_unit_cannot_be_moved_below_itself(org, admin):
    url = f"/api/v1/units/{_unit_pk(org, 'BKPSDMD')}/"
    for parent in ("BKPSDMD", "BKPSDMD.1.1"):
        response = patch(admin, url, {"parent": parent}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "below itself" in response.json()["parent"][0]
    with org:
        assert Unit.objects.get(code="BKPSDMD").parent is None


def test_the_nip_of_an_employee_cannot_be_changed(org, admin):
    url = f"/api/v1/employees/{pk_of(org, ANALIS)}/"
    response = patch(admin, url, {"nip": NEW_NIP}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot be changed" in response.json()["nip"][0]


def test_a_change_is_checked_against_what_the_employee_already_is(org, admin):
    # Ayu is PPPK: a golongan alone is refused; switching to PNS with one is fine.
    url = f"/api/v1/employees/{pk_of(org, ANALIS_PPPK)}/"
    assert patch(admin, url, {"golongan": "III/a"}).status_code == 400
    response = patch(admin, url, {"golongan": "iii a", "status": "PNS"})
    assert response.status_code == 200, response.content
    assert response.json()["golongan"] == "III/a"


def test_malformed_json_is_a_400(org, admin):
    response = admin.post("/api/v1/employees/", "{nip:", content_type="application/json")
    assert response.status_code == 400


def test_a_bad_write_message_is_indonesian_by_default(org, admin):
    response = post(admin, "/api/v1/employees/", {**NEW_EMPLOYEE, "unit": "NOPE"})
    assert response.status_code == 400
    assert "Unit dengan kode NOPE tidak ada di Pemda ini" in response.json()["unit"][0]


# --- Between Pemda ---------------------------------------------------------------------------


def test_a_surabaya_token_does_not_open_kota_jambis_api(org, jambi, as_nip):
    surabaya_token = as_nip(ANALIS).defaults["HTTP_AUTHORIZATION"]
    client = Client(HTTP_HOST=jambi.domain_name, HTTP_AUTHORIZATION=surabaya_token)
    assert client.get("/api/v1/employees/").status_code in (401, 403)


def test_a_surabaya_session_does_not_open_kota_jambis_api(org, admin, jambi):
    client = client_for(jambi)
    client.cookies["sessionid"] = admin.cookies["sessionid"].value
    assert client.get("/api/v1/employees/").status_code in (401, 403)


def test_a_surabaya_id_does_not_resolve_at_kota_jambi(org, jambi):
    client = client_for(jambi)
    assert login(client, "admin", JAMBI_PASSWORD).status_code == 302
    assert client.get(f"/api/v1/employees/{pk_of(org, ANALIS)}/").status_code == 404
    assert client.get("/api/v1/employees/", {"nip": ANALIS}).json()["count"] == 0
    assert client.get(f"/api/v1/units/{_unit_pk(org, 'BKPSDMD')}/").status_code == 404


# --- Query counts: lists do not query per row ------------------------------------------------


def _more_analysts(pemda, numbers):
    rows = [
        [
            f"199001012015031{n:03d}",
            f"Analis {n}",
            "PNS",
            "III/a",
            "ANALIS",
            "BKPSDMD.1.1",
            "",
            "",
            "",
        ]
        for n in numbers
    ]
    with pemda:
        report = people_import(
            kind="employees", data=write_csv(EMPLOYEES[0], rows), filename="more.csv"
        )
        assert report.written, report.errors


# Finding the Pemda (3: search path, domain, search path), the user (1–2: session and user,
# or token and user), the user's own employee row for a scoped role (0–1), count, page.
LIST_QUERIES = 7


def _queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(LIST_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_employee_list_costs_the_same_for_3_or_30_rows(
    org, admin, as_nip, django_assert_max_num_queries
):
    atasan = as_nip(KASUB)
    _more_analysts(org, range(101, 104))
    few = [
        _queries(c, "/api/v1/employees/", django_assert_max_num_queries) for c in (admin, atasan)
    ]
    assert len(atasan.get("/api/v1/employees/").json()["results"]) == 3 + 3

    _more_analysts(org, range(104, 131))
    many = [
        _queries(c, "/api/v1/employees/", django_assert_max_num_queries) for c in (admin, atasan)
    ]
    assert len(atasan.get("/api/v1/employees/").json()["results"]) == 3 + 30
    assert many == few


@pytest.mark.parametrize("endpoint", ["units", "positions"])
def test_unit_and_position_lists_cost_the_same_for_few_or_many_rows(
    org, admin, endpoint, django_assert_max_num_queries
):
    few = _queries(admin, f"/api/v1/{endpoint}/", django_assert_max_num_queries)
    with org:
        dinkes = Unit.objects.get(code="DINKES")
        for n in range(25):
            unit = Unit.objects.create(
                code=f"DINKES.P{n}", name=f"Puskesmas {n}", kind="UPT", parent=dinkes
            )
            Position.objects.create(
                code=f"KAPUS.{n}", name="Kepala", jenis="PENGAWAS", kelas_jabatan=9, unit=unit
            )
        org_refresh_all()
    assert _queries(admin, f"/api/v1/{endpoint}/", django_assert_max_num_queries) == few


# --- Schema, docs and the browsable API ------------------------------------------------------


def test_the_openapi_schema_describes_the_three_endpoints(org):
    response = client_for(org).get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in schema
        assert f"/api/v1/{endpoint}/{{id}}/" in schema
    assert "name: nip" in schema  # the filters are documented


def test_the_docs_page_renders(org, admin):
    response = admin.get("/api/docs/")
    assert response.status_code == 200
    # Its start-up script is a file of its own (the Content-Security-Policy refuses inline
    # scripts), and that script loads the schema.
    assert '<script src="/api/docs/?script="></script>' in response.content.decode()
    assert "/api/schema/" in admin.get("/api/docs/?script=").content.decode()


@pytest.mark.skipif(
    "drf_spectacular_sidecar" not in settings.INSTALLED_APPS
    or settings.SPECTACULAR_SETTINGS.get("SWAGGER_UI_DIST") != "SIDECAR",
    reason="Swagger UI assets are served locally only once settings add "
    "'drf_spectacular_sidecar' to SHARED_APPS and SWAGGER_UI_DIST='SIDECAR' "
    "(the machine has no internet, so the CDN default cannot load).",
)
def test_the_docs_page_loads_its_assets_from_this_server(org, admin):
    page = admin.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in page
    asset = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert asset in page
    assert admin.get(asset).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_browsable_api_renders_for_a_signed_in_user(org, admin, as_nip, endpoint):
    with org:  # something the atasan sees too
        pk = {
            "units": lambda: Unit.objects.get(code="BKPSDMD.1.1").pk,
            "positions": lambda: Position.objects.get(code="ANALIS").pk,
            "employees": lambda: Employee.objects.get(nip=ANALIS).pk,
        }[endpoint]()
    for client in (admin, as_nip(KASUB)):
        for url in (f"/api/v1/{endpoint}/", f"/api/v1/{endpoint}/{pk}/"):
            response = client.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("text/html")
