"""Odd input gets a clear answer, never a 500, and changes nothing."""

import pytest

from core.importing.tabular import write_csv
from core.org.imports import people_import
from core.org.models import ActivityNorm, Employee, Position
from core.org.nip import NIPError, nip_parse
from tests.personas import EMPLOYEES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "nip", ["19920202201903200²", "١٩٩٢٠٢٠٢٢٠١٩٠٣٢٠٠٧", "１９９２０２０２２０１９０３２００７"]
)
def test_non_ascii_digits_are_not_a_nip(nip):
    with pytest.raises(NIPError):
        nip_parse(nip)


@pytest.mark.parametrize(
    "url",
    [
        "/org/employees/?q=%00",
        "/org/units/?opd=%00",
        "/org/workload/?opd=%00",
        "/org/export/employees.csv?q=%00",
        "/api/v1/employees/?q=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_400(people, url):
    assert people["admin"].get(url).status_code == 400


def test_a_nul_character_in_a_form_or_json_is_refused(people, surabaya):
    new = {
        "nip": "199202022019032007",
        "name": "Nur\x00Aini",
        "status": "PNS",
        "golongan": "III/b",
        "position": "ANALIS",
        "unit": "BKPSDMD.1.1",
    }
    assert people["admin"].post("/org/employee/new/", new).status_code == 400
    response = people["admin"].post(
        "/api/v1/positions/",
        {"code": "X", "name": "X", "jenis": "PELAKSANA", "kelas_jabatan": 5, "unit": "BKPSDMD\x00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    with surabaya:
        assert not Employee.objects.filter(nip="199202022019032007").exists()
        assert not Position.objects.filter(code="X").exists()


def test_a_non_ascii_nip_in_a_form_is_explained(people, surabaya):
    new = {
        "nip": "19920202201903200²",
        "name": "Nur",
        "status": "PNS",
        "golongan": "III/b",
        "position": "ANALIS",
        "unit": "BKPSDMD.1.1",
        "is_active": "on",
    }
    response = people["admin"].post("/org/employee/new/", new)
    assert response.status_code == 400
    assert "nip" in response.context["form"].errors


def test_the_same_task_twice_on_a_position_is_explained(people, surabaya):
    with surabaya:
        position = Position.objects.get(code="ANALIS").pk
    task = {
        "name": "Menyusun laporan",
        "output_unit": "Laporan",
        "minutes_per_unit": 60,
        "yearly_volume": 12,
    }
    assert people["admin"].post(f"/org/positions/{position}/", task).status_code == 302
    again = people["admin"].post(
        f"/org/positions/{position}/", {**task, "name": "menyusun  laporan"}
    )
    assert again.status_code == 400
    with surabaya:
        assert ActivityNorm.objects.count() == 1


@pytest.mark.parametrize("field", ["minutes_per_unit", "yearly_volume"])
def test_a_number_larger_than_the_column_holds_is_explained(people, surabaya, field):
    """It used to reach the database and answer 500 (integer out of range)."""
    with surabaya:
        position = Position.objects.get(code="ANALIS").pk
    task = {"name": "Menyusun laporan", "output_unit": "Laporan", "minutes_per_unit": 60}
    response = people["admin"].post(
        f"/org/positions/{position}/", {**task, "yearly_volume": 12, field: 2**31}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with surabaya:
        assert ActivityNorm.objects.count() == 0


def _csv_bytes(rows, encoding="utf-8", newline="\n"):
    text = newline.join(",".join(str(cell) for cell in row) for row in rows)
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [
        ("utf-8", "\n"),
        ("utf-8-sig", "\r\n"),
        ("cp1252", "\r\n"),
        ("utf-16", "\r\n"),
        ("utf-8", "\r"),
    ],
)
def test_csv_files_as_spreadsheets_save_them_are_read(people, surabaya, encoding, newline):
    rows = [
        EMPLOYEES[0],
        ["199202022019032007", "Nur Aini Sé", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ]
    with surabaya:
        report = people_import(
            kind="employees", data=_csv_bytes(rows, encoding, newline), filename="p.csv"
        )
        assert report.written, report.errors
        assert Employee.objects.get(nip="199202022019032007").name == "Nur Aini Sé"


def test_two_employees_may_swap_email_addresses_in_one_file(people, surabaya):
    from tests.personas import ANALIS, KASUB

    rows = [row[:] for row in EMPLOYEES]
    kasub = next(r for r in rows if r[0] == KASUB)
    analis = next(r for r in rows if r[0] == ANALIS)
    kasub[7], analis[7] = "", "dewi@surabaya.go.id"
    with surabaya:
        report = people_import(
            kind="employees", data=write_csv(rows[0], rows[1:]), filename="p.csv"
        )
        assert report.written, report.errors
        assert Employee.objects.get(nip=ANALIS).email == "dewi@surabaya.go.id"


def test_a_csv_export_imports_back_unchanged_phone_numbers_included(people, surabaya):
    from tests.personas import KASUB

    csv = people["admin"].get("/org/export/employees.csv").content
    assert b"'+62 812 1111" in csv  # guarded so spreadsheets do not evaluate it
    with surabaya:
        report = people_import(kind="employees", data=csv, filename="pegawai.csv")
        assert report.written and report.updated == 0, report.as_dict()
        assert Employee.objects.get(nip=KASUB).phone == "+62 812 1111"


def test_an_imported_file_is_deleted_and_a_rejected_one_kept(
    people, surabaya, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.importing.models import ImportJob

    good = [
        EMPLOYEES[0],
        ["199202022019032007", "Nur Aini", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ]
    bad = [EMPLOYEES[0], ["123", "Salah", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""]]
    for rows in (good, bad):
        with django_capture_on_commit_callbacks(execute=True):
            people["admin"].post(
                "/import/",
                {
                    "kind": "employees",
                    "file": SimpleUploadedFile("p.csv", write_csv(rows[0], rows[1:])),
                },
            )
    with surabaya:
        done, rejected = ImportJob.objects.order_by("created_at")
    assert (done.status, rejected.status) == ("done", "rejected")
    assert not default_storage.exists(done.path)
    assert default_storage.exists(rejected.path)
    assert done.path.startswith("imports/surabaya/")
