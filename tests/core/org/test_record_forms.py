"""The tenant admin adds and fixes single units, positions and employees by hand."""

import pytest

from core.accounts.models import User
from core.org.models import Employee, Position, Unit
from tests.personas import ANALIS, KABID, KASUB

pytestmark = pytest.mark.django_db

NEW_EMPLOYEE = {
    "nip": "199202022019032007",
    "name": "Nur Aini",
    "status": "PNS",
    "golongan": "III/b",
    "position": "ANALIS",
    "unit": "BKPSDMD.1.1",
    "tmt_jabatan": "2024-01-02",
    "email": "",
    "phone": "",
    "is_active": "on",
}


def test_the_admin_adds_an_employee_who_gets_a_login_and_an_atasan(people, surabaya):
    response = people["admin"].post("/org/employee/new/", NEW_EMPLOYEE)
    assert response.status_code == 302
    with surabaya:
        employee = Employee.objects.get(nip=NEW_EMPLOYEE["nip"])
        assert employee.atasan.nip == KASUB
        assert User.objects.get(nip=NEW_EMPLOYEE["nip"]).username == NEW_EMPLOYEE["nip"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nip": "123"}, "nip"),
        ({"golongan": ""}, "golongan"),
        ({"status": "PPPK"}, "golongan"),
        ({"position": "NOPE"}, "position"),
        ({"unit": "NOPE"}, "unit"),
        ({"tmt_jabatan": "2099-01-01"}, "tmt_jabatan"),
        ({"name": ""}, "name"),
        ({"nip": ANALIS}, "nip"),
    ],
)
def test_a_bad_employee_form_is_explained_and_saves_nothing(people, surabaya, change, field):
    response = people["admin"].post("/org/employee/new/", {**NEW_EMPLOYEE, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with surabaya:
        assert Employee.objects.count() == 8


def test_moving_an_employee_recomputes_the_atasan_and_deactivating_closes_the_login(
    people, surabaya
):
    with surabaya:
        employee = Employee.objects.get(nip=ANALIS)
    data = {
        **NEW_EMPLOYEE,
        "nip": ANALIS,
        "name": employee.name,
        "golongan": "III/a",
        "unit": "BKPSDMD.1",
        "position": "ANALIS",
    }
    assert people["admin"].post(f"/org/employee/{employee.pk}/edit/", data).status_code == 302
    with surabaya:
        assert Employee.objects.get(nip=ANALIS).atasan.nip == KABID
    data.pop("is_active")
    assert people["admin"].post(f"/org/employee/{employee.pk}/edit/", data).status_code == 302
    with surabaya:
        assert not Employee.objects.get(nip=ANALIS).is_active
        assert not User.objects.get(nip=ANALIS).is_active


def test_the_nip_of_an_existing_employee_cannot_be_edited(people, surabaya):
    with surabaya:
        employee = Employee.objects.get(nip=ANALIS)
    data = {**NEW_EMPLOYEE, "name": "Rudi", "golongan": "III/a"}  # tries another NIP
    assert people["admin"].post(f"/org/employee/{employee.pk}/edit/", data).status_code == 302
    with surabaya:
        assert Employee.objects.filter(nip=ANALIS, name="Rudi").exists()


def test_units_and_positions_are_added_and_a_cycle_is_refused(people, surabaya):
    admin = people["admin"]
    assert (
        admin.post(
            "/org/unit/new/",
            {"code": "DISDIK", "name": "Dinas Pendidikan", "kind": "DINAS", "parent": ""},
        ).status_code
        == 302
    )
    assert (
        admin.post(
            "/org/unit/new/",
            {"code": "DISDIK.1", "name": "Bidang SD", "kind": "BIDANG", "parent": "DISDIK"},
        ).status_code
        == 302
    )
    assert (
        admin.post(
            "/org/position/new/",
            {
                "code": "KADISDIK",
                "name": "Kepala Dinas Pendidikan",
                "jenis": "JPT_PRATAMA",
                "jenjang": "",
                "kelas_jabatan": 14,
                "unit": "DISDIK",
            },
        ).status_code
        == 302
    )
    with surabaya:
        parent = Unit.objects.get(code="DISDIK")
        assert Unit.objects.get(code="DISDIK.1").opd == parent
        assert Position.objects.get(code="KADISDIK").unit == parent
    cycle = admin.post(
        f"/org/unit/{parent.pk}/edit/",
        {"code": "DISDIK", "name": "Dinas Pendidikan", "kind": "DINAS", "parent": "DISDIK.1"},
    )
    assert cycle.status_code == 400
    bad = admin.post(
        "/org/position/new/",
        {
            "code": "X",
            "name": "X",
            "jenis": "PELAKSANA",
            "jenjang": "AHLI_MUDA",
            "kelas_jabatan": 20,
            "unit": "DISDIK",
        },
    )
    assert bad.status_code == 400
    assert {"jenjang", "kelas_jabatan"} <= set(bad.context["form"].errors)


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "kabid", "employee"])
def test_only_the_admin_may_open_the_record_forms(people, persona):
    for url in ("/org/unit/new/", "/org/position/new/", "/org/employee/new/"):
        assert people[persona].get(url).status_code == 403
    assert people[persona].post("/org/employee/new/", NEW_EMPLOYEE).status_code == 403
