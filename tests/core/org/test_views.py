"""Who sees what on the org pages, what each role may change, and query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing.models import ImportJob
from core.importing.tabular import write_csv, write_xlsx
from core.org.models import ActivityNorm, Employee, Position, Unit
from tests.conftest import client_for
from tests.personas import ANALIS, EMPLOYEES, EVERYONE, KABAN, KABID, KASUB, PPPK, SEKDA

pytestmark = pytest.mark.django_db
ALL = EVERYONE


def nips_on(response) -> set[str]:
    return set(re.findall(r"<td[^>]*>(\d{18})</td>", response.content.decode()))


def employee_pk(surabaya, nip):
    with surabaya:
        return Employee.objects.get(nip=nip).pk


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ALL),
        ("mayor", ALL),
        ("sekda", ALL),  # the Sekda is a leader: the whole Pemda
        ("head", {KABAN, KABID, KASUB, ANALIS, PPPK}),  # the OPD BKPSDMD
        ("kabid", {KABID, KASUB}),
        ("kasub", {KASUB, ANALIS, PPPK}),
        ("employee", {ANALIS}),
    ],
)
def test_the_employee_list_shows_each_role_what_it_may_see(people, persona, expected):
    response = people[persona].get("/org/employees/")
    assert response.status_code == 200
    assert nips_on(response) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/org/employees/",
        "/org/units/",
        "/org/positions/",
        "/org/workload/",
        "/import/",
        "/org/export/employees.xlsx",
    ],
)
def test_every_page_needs_a_login(people, url):
    response = people["anonymous"].get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_employee_cannot_open_a_colleagues_page(people, surabaya):
    assert (
        people["employee"].get(f"/org/employees/{employee_pk(surabaya, ANALIS)}/").status_code
        == 200
    )
    assert (
        people["employee"].get(f"/org/employees/{employee_pk(surabaya, PPPK)}/").status_code == 404
    )
    assert (
        people["kabid"].get(f"/org/employees/{employee_pk(surabaya, ANALIS)}/").status_code == 404
    )
    assert (
        people["kasub"].get(f"/org/employees/{employee_pk(surabaya, ANALIS)}/").status_code == 200
    )


def test_an_employee_id_of_one_pemda_is_a_404_at_another(people, surabaya, jambi):
    from tests.conftest import JAMBI_PASSWORD, login

    client = client_for(jambi)
    login(client, "admin", JAMBI_PASSWORD)
    assert client.get(f"/org/employees/{employee_pk(surabaya, ANALIS)}/").status_code == 404
    assert nips_on(client.get("/org/employees/")) == set()


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "kabid", "employee"])
def test_only_the_tenant_admin_may_change_anything(people, surabaya, persona):
    client = people[persona]
    pk = employee_pk(surabaya, ANALIS)
    with surabaya:
        position = Position.objects.get(code="ANALIS").pk
    assert client.get("/import/").status_code == 403
    assert client.get("/import/template/units.xlsx").status_code == 403
    assert (
        client.post(
            f"/org/employees/{pk}/atasan/", {"atasan_nip": KABAN, "reason": "x"}
        ).status_code
        == 403
    )
    assert client.post("/org/workload/", {"minutes": 1}).status_code == 403
    norm = {"name": "Tugas", "output_unit": "Dokumen", "minutes_per_unit": 10, "yearly_volume": 5}
    assert client.post(f"/org/positions/{position}/", norm).status_code == 403
    with surabaya:
        assert not ActivityNorm.objects.exists()
        assert Employee.objects.get(pk=pk).atasan_override_id is None


def test_the_admin_overrides_an_atasan_with_an_audit_trail(people, surabaya):
    pk = employee_pk(surabaya, ANALIS)
    response = people["admin"].post(
        f"/org/employees/{pk}/atasan/", {"atasan_nip": KABID, "reason": "Kasubbid cuti panjang"}
    )
    assert response.status_code == 302
    with surabaya:
        employee = Employee.objects.get(pk=pk)
        assert employee.atasan.nip == KABID
        from core.audit.models import AuditEvent

        change = AuditEvent.objects.get(action="org.atasan.override", object_id=str(pk))
        assert KASUB in change.before["atasan"] and KABID in change.after["atasan"]
        assert change.reason == "Kasubbid cuti panjang"
        assert change.actor.username == "admin"
    # The new atasan now sees the employee; the old one no longer does.
    assert ANALIS in nips_on(people["kabid"].get("/org/employees/"))
    assert ANALIS not in nips_on(people["kasub"].get("/org/employees/"))
    page = people["admin"].get(f"/org/employees/{pk}/").content.decode()
    assert "Kasubbid cuti panjang" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"atasan_nip": ANALIS, "reason": "x"}, "sendiri"),  # own atasan
        ({"atasan_nip": "199901012020011999", "reason": "x"}, "NIP 199901012020011999"),
        ({"atasan_nip": KABID, "reason": ""}, "harus diisi"),
    ],
)
def test_a_bad_atasan_change_is_explained_in_indonesian_and_changes_nothing(
    people, surabaya, data, message
):
    pk = employee_pk(surabaya, ANALIS)
    response = people["admin"].post(f"/org/employees/{pk}/atasan/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    with surabaya:
        assert Employee.objects.get(pk=pk).atasan_override_id is None


def test_a_refused_atasan_change_shows_the_whole_employee_page_again(people, surabaya):
    pk = employee_pk(surabaya, KASUB)
    response = people["admin"].post(
        f"/org/employees/{pk}/atasan/", {"atasan_nip": KASUB, "reason": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"/org/employees/{pk}/role/" in page  # the role form is still there
    assert [e.nip for e in response.context["appraisees"]] == [PPPK, ANALIS]  # by name, active only


def test_a_loop_of_appraisers_is_refused(people, surabaya):
    pk = employee_pk(surabaya, KABID)
    response = people["admin"].post(
        f"/org/employees/{pk}/atasan/", {"atasan_nip": ANALIS, "reason": "uji"}
    )
    assert response.status_code == 400


def test_the_employee_list_issues_the_same_queries_for_few_or_many_rows(people, surabaya):
    client = people["admin"]
    client.get("/org/employees/")  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/org/employees/")
    with surabaya:
        template = Employee.objects.get(nip=ANALIS)
        Employee.objects.bulk_create(
            [
                Employee(
                    nip=f"1990010120150310{n:02d}",
                    name=f"Pegawai {n}",
                    status="PNS",
                    golongan="III/a",
                    position_id=template.position_id,
                    unit_id=template.unit_id,
                    derived_atasan_id=template.derived_atasan_id,
                )
                for n in range(10, 60)
            ]
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/org/employees/")
    assert len(nips_on(response)) == 50  # one full page
    assert len(many) == len(few)


@pytest.mark.parametrize("url", ["/org/units/", "/org/positions/", "/org/workload/"])
def test_other_lists_do_not_query_per_row(people, surabaya, url, django_assert_max_num_queries):
    with surabaya:
        position = Position.objects.get(code="ANALIS")
        ActivityNorm.objects.bulk_create(
            [
                ActivityNorm(
                    position=p,
                    name=f"Tugas {p.code}",
                    output_unit="Dokumen",
                    minutes_per_unit=60,
                    yearly_volume=500,
                )
                for p in Position.objects.all()
            ]
        )
    assert position.pk
    with django_assert_max_num_queries(12):
        assert people["admin"].get(url).status_code == 200


def test_the_workload_page_compares_required_staff_with_holders(people, surabaya):
    with surabaya:
        analis = Position.objects.get(code="ANALIS")
        ActivityNorm.objects.create(
            position=analis,
            name="Menyusun analisis jabatan",
            output_unit="Dokumen",
            minutes_per_unit=300,
            yearly_volume=500,
        )  # 150,000 min = 2.00 FTE
    page = people["mayor"].get("/org/workload/").content.decode()
    assert "Analis SDM Aparatur" in page
    assert "2.00" in page or "2,00" in page
    # two holders, two required: no gap; then the admin changes the effective time
    response = people["admin"].post("/org/workload/", {"minutes": 150000})
    assert response.status_code == 302
    page = people["admin"].get("/org/workload/").content.decode()
    assert "1.00" in page or "1,00" in page


def test_the_admin_adds_and_removes_a_norma_waktu(people, surabaya):
    with surabaya:
        position = Position.objects.get(code="ANALIS").pk
    bad = people["admin"].post(
        f"/org/positions/{position}/",
        {"name": "", "output_unit": "x", "minutes_per_unit": -5, "yearly_volume": 1},
    )
    assert bad.status_code == 400
    ok = people["admin"].post(
        f"/org/positions/{position}/",
        {
            "name": "Menyusun laporan",
            "output_unit": "Laporan",
            "minutes_per_unit": 120,
            "yearly_volume": 24,
        },
    )
    assert ok.status_code == 302
    with surabaya:
        norm = ActivityNorm.objects.get()
    assert people["employee"].post(f"/org/norms/{norm.pk}/delete/").status_code == 403
    assert people["admin"].post(f"/org/norms/{norm.pk}/delete/").status_code == 302
    with surabaya:
        assert not ActivityNorm.objects.exists()


def test_exports_carry_the_filters_and_are_reimportable(people, surabaya):
    response = people["admin"].get("/org/export/employees.xlsx?opd=BKPSDMD")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    nips = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert nips == {KABAN, KABID, KASUB, ANALIS, PPPK}
    with surabaya:
        from core.org.imports import people_import

        report = people_import(kind="employees", data=response.content, filename="pegawai.xlsx")
    assert report.written and report.unchanged == 5


def test_an_employee_exports_only_themselves(people):
    csv = people["employee"].get("/org/export/employees.csv").content.decode("utf-8-sig")
    assert ANALIS in csv and KASUB not in csv.split("\n", 2)[1][:18]
    assert len(csv.strip().splitlines()) == 2


def test_unknown_export_kinds_are_404(people):
    assert people["admin"].get("/org/export/passwords.xlsx").status_code == 404
    assert people["admin"].get("/org/export/employees.pdf").status_code == 404


def test_import_page_offers_templates_and_imports_a_small_file_at_once(people, surabaya):
    page = people["admin"].get("/import/").content.decode()
    assert "Kode Induk" in page
    template = people["admin"].get("/import/template/employees.xlsx")
    assert template.status_code == 200
    rows = [
        EMPLOYEES[0],
        ["199202022019032007", "Nur Aini", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ]
    upload = write_xlsx(rows[0], rows[1:])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = people["admin"].post(
        "/import/", {"kind": "employees", "file": SimpleUploadedFile("pegawai.xlsx", upload)}
    )
    assert response.status_code == 302
    job_page = people["admin"].get(response["Location"]).content.decode()
    assert "Diimpor" in job_page or "Imported" in job_page
    with surabaya:
        assert Employee.objects.get(nip="199202022019032007").atasan.nip == KASUB


def test_a_bad_upload_lists_the_rows_in_indonesian_then_imports_good_rows_on_request(
    people, surabaya
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [
        EMPLOYEES[0],
        ["199202022019032007", "Nur Aini", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
        ["123", "Salah", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ]
    response = people["admin"].post(
        "/import/",
        {
            "kind": "employees",
            "file": SimpleUploadedFile("pegawai.csv", write_csv(rows[0], rows[1:])),
        },
    )
    job_url = response["Location"]
    page = people["admin"].get(job_url).content.decode()
    assert "NIP harus" in page  # the reason, in Indonesian
    assert "Tidak ada data yang diimpor" in page or "Nothing was imported" in page
    with surabaya:
        assert not Employee.objects.filter(nip="199202022019032007").exists()
        job = ImportJob.objects.latest("created_at")
    again = people["admin"].post(f"/import/{job.pk}/good-rows/")
    assert again.status_code == 302
    with surabaya:
        assert Employee.objects.filter(nip="199202022019032007").exists()


@pytest.mark.parametrize(("name", "content"), [("data.pdf", b"%PDF"), ("kosong.xlsx", b"")])
def test_a_wrong_file_is_refused_by_the_form(people, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = people["admin"].post(
        "/import/", {"kind": "units", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400


def test_a_large_file_is_handed_to_a_worker_in_the_pemdas_schema(people, surabaya, monkeypatch):
    """Above the threshold the job is queued; the message carries the Pemda's schema."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.importing import services as imports
    from core.importing.tasks import import_job_run_task

    monkeypatch.setattr(imports, "SYNCHRONOUS_MAX_ROWS", 0)
    sent = []
    monkeypatch.setattr(
        import_job_run_task,
        "apply_async",
        lambda args=None, kwargs=None, **options: sent.append((args, connection.schema_name)),
    )
    rows = [
        EMPLOYEES[0],
        ["199202022019032007", "Nur Aini", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ]
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = people["admin"].post(
            "/import/",
            {
                "kind": "employees",
                "file": SimpleUploadedFile("besar.xlsx", write_xlsx(rows[0], rows[1:])),
            },
        )
    assert response.status_code == 302
    with surabaya:
        job = ImportJob.objects.latest("created_at")
    assert job.status == "queued"
    assert sent == [((job.pk,), "surabaya")]
    progress = people["admin"].get(f"/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in progress
    # What the worker does with it, here in-process:
    with surabaya:
        assert import_job_run_task.run(job.pk) == "done"
    done = people["admin"].get(f"/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done


@pytest.mark.parametrize("url", ["/org/units/", "/org/positions/"])
def test_unit_and_position_lists_issue_the_same_queries_for_few_or_many_rows(people, surabaya, url):
    client = people["admin"]
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with surabaya:
        from core.org.models import Unit
        from core.org.tree import org_refresh_all

        parent = Unit.objects.get(code="BKPSDMD.1")
        units = Unit.objects.bulk_create(
            [Unit(code=f"X{n}", name=f"Seksi {n}", kind="SEKSI", parent=parent) for n in range(60)]
        )
        Position.objects.bulk_create(
            [
                Position(
                    code=f"P{n}", name=f"Pelaksana {n}", jenis="PELAKSANA", kelas_jabatan=5, unit=u
                )
                for n, u in enumerate(units)
            ]
        )
        org_refresh_all()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "persona", ["anonymous", "mayor", "sekda", "head", "kabid", "kasub", "employee"]
)
def test_import_jobs_are_the_admins_alone(people, surabaya, persona):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [EMPLOYEES[0], ["123", "Salah", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""]]
    people["admin"].post(
        "/import/",
        {"kind": "employees", "file": SimpleUploadedFile("p.csv", write_csv(rows[0], rows[1:]))},
    )
    with surabaya:
        job = ImportJob.objects.latest("created_at")
    expected = 302 if persona == "anonymous" else 403
    client = people[persona]
    assert client.get(f"/import/{job.pk}/").status_code == expected
    assert client.get(f"/import/{job.pk}/", HTTP_HX_REQUEST="true").status_code == expected
    assert client.post(f"/import/{job.pk}/good-rows/").status_code == expected
    assert client.post("/import/", {"kind": "units"}).status_code == expected
    with surabaya:
        assert ImportJob.objects.count() == 1


def test_a_position_of_another_opd_is_a_404_for_an_employee(people, surabaya):
    with surabaya:
        sekda_position = Position.objects.get(code="SEKDA").pk
        own_position = Position.objects.get(code="ANALIS").pk
    assert people["employee"].get(f"/org/positions/{own_position}/").status_code == 200
    assert people["employee"].get(f"/org/positions/{sekda_position}/").status_code == 404
    assert people["mayor"].get(f"/org/positions/{sekda_position}/").status_code == 200


def test_a_sekda_who_moves_on_stops_being_a_leader(people, surabaya):
    from core.accounts.models import Role, User
    from core.org.services import employee_update

    with surabaya:
        sekda = Employee.objects.get(nip=SEKDA)
        assert User.objects.get(nip=SEKDA).role == Role.LEADER
        analis = Position.objects.get(code="ANALIS")
        employee_update(employee=sekda, data={"position": analis, "unit": analis.unit}, by=None)
        assert User.objects.get(nip=SEKDA).role == Role.EMPLOYEE


def test_the_admin_sets_a_role_by_hand_and_gives_it_back_to_the_organisation(people, surabaya):
    from core.accounts.models import Role, User
    from core.org.tree import org_refresh_all

    pk = employee_pk(surabaya, ANALIS)
    assert (
        people["admin"].post(f"/org/employees/{pk}/role/", {"role": "tenant_admin"}).status_code
        == 302
    )
    with surabaya:
        org_refresh_all()  # any later change to the org keeps a role set by hand
        assert User.objects.get(nip=ANALIS).role == Role.TENANT_ADMIN
    assert people["employee"].get("/import/").status_code == 200  # the analis is an admin now
    assert people["admin"].post(f"/org/employees/{pk}/role/", {"role": ""}).status_code == 302
    with surabaya:
        assert User.objects.get(nip=ANALIS).role == Role.EMPLOYEE


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "kabid", "employee"])
def test_only_the_admin_sets_roles(people, surabaya, persona):
    from core.accounts.models import Role, User

    pk = employee_pk(surabaya, ANALIS)
    assert (
        people[persona].post(f"/org/employees/{pk}/role/", {"role": "tenant_admin"}).status_code
        == 403
    )
    with surabaya:
        assert User.objects.get(nip=ANALIS).role == Role.EMPLOYEE


def test_a_platform_role_cannot_be_given_inside_a_pemda(people, surabaya):
    from core.accounts.models import Role, User

    pk = employee_pk(surabaya, ANALIS)
    people["admin"].post(f"/org/employees/{pk}/role/", {"role": "platform_staff"})
    with surabaya:
        assert User.objects.get(nip=ANALIS).role == Role.EMPLOYEE


def test_a_position_page_lists_only_holders_the_viewer_may_see(people, surabaya):
    with surabaya:
        analis = Position.objects.get(code="ANALIS").pk
    page = people["employee"].get(f"/org/positions/{analis}/").content.decode()
    assert ANALIS in page and PPPK not in page  # a colleague in the same post stays hidden
    assert PPPK in people["kasub"].get(f"/org/positions/{analis}/").content.decode()


def test_the_workload_counts_each_holder_once_whatever_the_number_of_tasks(people, surabaya):
    with surabaya:
        analis = Position.objects.get(code="ANALIS")
        ActivityNorm.objects.bulk_create(
            [
                ActivityNorm(
                    position=analis,
                    name=f"Tugas {n}",
                    output_unit="Dokumen",
                    minutes_per_unit=100,
                    yearly_volume=250,
                )
                for n in range(3)
            ]
        )  # 3 × 25,000 min = 1.00 FTE
    from core.accounts.models import User
    from core.org import selectors

    with surabaya:
        admin = User.objects.get(username="admin")
        rows = selectors.workload_by_position(user=admin, minutes=75000)
    assert [(row.code, row.holders, str(row.required)) for row in rows] == [("ANALIS", 2, "1.00")]


def test_a_former_employee_drops_out_of_the_atasans_view(people, surabaya):
    from core.org.services import employee_update

    with surabaya:
        rudi = Employee.objects.get(nip=ANALIS)
        employee_update(employee=rudi, data={"is_active": False}, by=None)
        assert Employee.objects.get(nip=ANALIS).derived_atasan_id is None
    response = people["kasub"].get("/api/v1/employees/?is_active=false")
    assert ANALIS not in response.content.decode()


def test_where_an_employee_works_decides_what_they_head_so_no_loop_arises(people, surabaya):
    from core.org.tree import org_refresh_all

    with surabaya:
        kabid = Employee.objects.get(nip=KABID)
        kabid.unit = Unit.objects.get(code="BKPSDMD.1.1")  # recorded in the sub-unit
        kabid.save()
        org_refresh_all()
        chain, node = [], Employee.objects.get(nip=ANALIS)
        while node is not None and node.nip not in chain:
            chain.append(node.nip)
            node = node.atasan
        assert node is None  # the chain ends at the Sekda: no loop
