"""The org rules: pure functions, and one refusal whatever the door (form, API, import)."""

import datetime
import json

import pytest

from core.importing.tabular import write_csv
from core.org import rules
from core.org.imports import ORG_IMPORTERS, people_import
from core.org.models import Employee, Position, Unit
from core.org.rules import Violation
from tests.personas import ANALIS, KASUB

TODAY = datetime.date(2026, 12, 1)


# --- The rules on their own ---------------------------------------------------------------


def test_a_pns_needs_a_golongan_and_a_pppk_has_none():
    assert rules.golongan_violations("PNS", "III/a") == []
    assert rules.golongan_violations("PPPK", "") == []
    assert [v.field for v in rules.golongan_violations("PNS", "")] == ["golongan"]
    assert [v.field for v in rules.golongan_violations("PPPK", "III/a")] == ["golongan"]
    assert [v.field for v in rules.golongan_violations("PPPK_PW", "II/a")] == ["golongan"]


def test_only_a_fungsional_position_has_a_jenjang():
    assert rules.jenjang_violations("FUNGSIONAL", "AHLI_MUDA") == []
    assert rules.jenjang_violations("PELAKSANA", "") == []
    assert [v.field for v in rules.jenjang_violations("PELAKSANA", "AHLI_MUDA")] == ["jenjang"]


@pytest.mark.parametrize(("kelas", "allowed"), [(0, False), (1, True), (17, True), (18, False)])
def test_kelas_jabatan_runs_from_1_to_17(kelas, allowed):
    assert (rules.kelas_jabatan_violations(kelas) == []) is allowed


@pytest.mark.parametrize(
    ("tmt", "allowed"),
    [
        (None, True),
        (datetime.date(1940, 1, 1), True),
        (datetime.date(1939, 12, 31), False),
        (TODAY, True),
        (TODAY + datetime.timedelta(days=1), False),
    ],
)
def test_a_tmt_lies_between_1940_and_today(tmt, allowed):
    assert (rules.tmt_violations(tmt, today=TODAY) == []) is allowed


def test_an_email_belongs_to_one_account():
    assert rules.email_violations("a@b.id", held_by_another=False) == []
    assert rules.email_violations("", held_by_another=True) == []
    assert [v.field for v in rules.email_violations("a@b.id", held_by_another=True)] == ["email"]


def test_a_unit_cannot_sit_below_itself_or_its_own_units():
    parent_of = {"OPD": None, "BID": "OPD", "SEKSI": "BID"}
    assert rules.unit_parent_violations(unit="BID", parent="OPD", parent_of=parent_of) == []
    assert rules.unit_parent_violations(unit=None, parent="SEKSI", parent_of=parent_of) == []
    for parent in ("OPD", "BID", "SEKSI"):
        refused = rules.unit_parent_violations(unit="OPD", parent=parent, parent_of=parent_of)
        assert [v.field for v in refused] == ["parent"]


def test_every_unit_on_a_loop_is_found_at_once_and_only_those():
    parent_of = {"A": "B", "B": "C", "C": "A", "D": "A", "E": None, "F": "F"}
    assert rules.units_below_themselves(parent_of) == {"A", "B", "C", "F"}


def test_finding_loops_is_linear_in_the_number_of_units():
    chain = {f"U{n}": f"U{n + 1}" for n in range(50_000)}
    chain["U50000"] = None
    assert rules.units_below_themselves(chain) == set()


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("1.01.02", True),
        ("DISDIK-SEK_1", True),
        ("Bidang 2", True),
        ("A/B", False),
        ("A\tB", False),
        ("A\x00", False),
        ("\u200bA", False),
    ],
)
def test_a_code_holds_no_slash_and_no_invisible_character(code, allowed):
    assert (rules.code_violations(code) == []) is allowed


def test_a_rule_error_carries_each_violation_by_field():
    error = rules.RuleError([Violation("a", "x"), Violation("a", "y"), Violation("b", "z")])
    assert error.by_field() == {"a": ["x", "y"], "b": ["z"]}


# --- One refusal whatever the door --------------------------------------------------------

EMPLOYEE = {
    "nip": "199202022019032007",
    "name": "Nur Aini",
    "status": "PNS",
    "golongan": "III/b",
    "position": "ANALIS",
    "unit": "BKPSDMD.1.1",
    "tmt_jabatan": "2024-01-02",
    "email": "",
    "phone": "",
}
POSITION = {
    "code": "ANALIS2",
    "name": "Analis Kebijakan",
    "jenis": "FUNGSIONAL",
    "jenjang": "AHLI_MUDA",
    "kelas_jabatan": 9,
    "unit": "BKPSDMD.1",
}
UNIT = {"code": "BKPSDMD", "name": "Badan Kepegawaian", "kind": "BADAN", "parent": ""}
LABELS = {
    "status": {"PNS": "PNS", "PPPK": "PPPK"},
    "jenis": {"FUNGSIONAL": "Fungsional", "PELAKSANA": "Pelaksana"},
    "jenjang": {"AHLI_MUDA": "Ahli Muda", "": ""},
    "kind": {"BADAN": "Badan"},
}

BAD_RECORDS = [
    ("employees", {"tmt_jabatan": "1939-12-31"}, "tmt_jabatan"),
    ("employees", {"tmt_jabatan": "2099-01-01"}, "tmt_jabatan"),
    ("employees", {"golongan": ""}, "golongan"),
    ("employees", {"status": "PPPK", "nip": "199505052023212009"}, "golongan"),
    ("employees", {"email": "dewi@surabaya.go.id"}, "email"),
    ("employees", {"nip": "196802301990031001"}, "nip"),
    ("positions", {"jenis": "PELAKSANA"}, "jenjang"),
    ("positions", {"kelas_jabatan": 0}, "kelas_jabatan"),
    ("positions", {"kelas_jabatan": 18}, "kelas_jabatan"),
    ("units", {"parent": "BKPSDMD.1.1"}, "parent"),  # the OPD below its own seksi
    ("positions", {"code": "ANALIS/2"}, "code"),  # "/" separates the tree's path
    ("positions", {"code": "ANALIS\u00072"}, "code"),  # an invisible character
]


def _record(kind: str, change: dict) -> dict:
    base = {"employees": EMPLOYEE, "positions": POSITION, "units": UNIT}[kind]
    return {**base, **change}


def _by_form(people, org, kind, record, field) -> list[str]:
    what = kind.removesuffix("s")
    data = {**record, "is_active": "on"} if kind == "employees" else record
    if kind == "units":  # an existing unit is edited; the others are new records
        with org:
            pk = Unit.objects.get(code=record["code"]).pk
        response = people["admin"].post(f"/org/unit/{pk}/edit/", data)
    else:
        response = people["admin"].post(f"/org/{what}/new/", data)
    assert response.status_code == 400
    return [str(message) for message in response.context["form"].errors.get(field, [])]


def _by_api(people, org, kind, record, field) -> list[str]:
    data = dict(record)
    if kind == "employees" and data["tmt_jabatan"] == "":
        data["tmt_jabatan"] = None
    if kind == "units":
        data["parent"] = data["parent"] or None
        with org:
            pk = Unit.objects.get(code=record["code"]).pk
        response = people["admin"].patch(
            f"/api/v1/units/{pk}/", json.dumps(data), content_type="application/json"
        )
    else:
        response = people["admin"].post(
            f"/api/v1/{kind}/", json.dumps(data), content_type="application/json"
        )
    assert response.status_code == 400, response.content
    return response.json().get(field, [])


def _by_import(org, kind, record, field) -> list[str]:
    importer = ORG_IMPORTERS[kind]
    headers = [column.header for column in importer.columns]
    row = []
    for column in importer.columns:
        value = record.get(column.field, "")
        row.append(LABELS.get(column.field, {}).get(value, value))
    with org:
        report = people_import(kind=kind, data=write_csv(headers, [row]), filename="x.csv")
    assert not report.written
    header = importer.header(field)
    return [error.message for error in report.errors if error.column == header]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "change", "field"), BAD_RECORDS)
def test_the_form_the_api_and_the_import_refuse_a_bad_record_in_the_same_words(
    people, org, kind, change, field
):
    record = _record(kind, change)
    with org:
        before = (Employee.objects.count(), Position.objects.count(), list(Unit.objects.values()))
    by_import = _by_import(org, kind, record, field)
    by_form = _by_form(people, org, kind, record, field)
    by_api = _by_api(people, org, kind, record, field)
    assert by_import, f"the import did not refuse {field}"
    assert by_form == by_import
    assert by_api == by_import
    with org:
        after = (Employee.objects.count(), Position.objects.count(), list(Unit.objects.values()))
    assert after == before  # nothing changed, whatever the door


@pytest.mark.django_db
def test_the_good_record_passes_every_door(people, org):
    """The base records are good: the refusals above come from the changed field alone."""
    response = people["admin"].post("/org/employee/new/", {**EMPLOYEE, "is_active": "on"})
    assert response.status_code == 302
    with org:
        assert Employee.objects.get(nip=EMPLOYEE["nip"]).atasan.nip == KASUB
        assert Employee.objects.get(nip=ANALIS).is_active
