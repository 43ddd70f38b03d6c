"""The import page, the job page and the good-rows button, for any module's kind; who may
open them; and the wrong-headers loop ("Impor -1 baris yang benar saja") proven gone."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.accounts.models import Role, User
from core.config.models import PolicySetting
from core.importing.models import ImportJob, ImportStatus
from core.importing.tabular import write_csv, write_xlsx
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.core.importing import test_engine
from tests.core.importing.test_engine import HEADER, KIND
from tests.personas import EMPLOYEES, UNITS

pytestmark = pytest.mark.django_db

settings_importer = test_engine.settings_importer  # the tests' own module, registered per test

NON_ADMINS = ["mayor", "sekda", "head", "kabid", "kasub", "employee", "head_dinkes"]
GOOD_ROWS_FORM = re.compile(r'action="/import/\d+/good-rows/"')
GOOD_ROWS_BUTTON = re.compile(r"Impor -?\d+ baris yang benar saja")


def upload(client, data: bytes, *, name="pengaturan.xlsx", kind=KIND, good_rows_only=False):
    form = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if good_rows_only:
        form["good_rows_only"] = "on"
    return client.post("/import/", form)


def settings_file(rows, header=HEADER) -> bytes:
    return write_xlsx(header, rows)


def jobs(pemda) -> list[ImportJob]:
    with pemda:
        return list(ImportJob.objects.select_related("created_by").order_by("pk"))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- The page serves any module's kind ------------------------------------------------------


def test_the_kind_is_offered_on_the_import_page_with_its_template(people, settings_importer):
    response = people["admin"].get("/import/")
    assert response.status_code == 200
    assert (KIND, "Pengaturan kebijakan (uji)") in response.context["form"].fields["kind"].choices
    html = response.content.decode()
    assert "Pengaturan kebijakan (uji)" in html
    assert 'href="/import/template/test_settings.xlsx"' in html
    assert "Kunci, Nilai, Keterangan" in html


def test_the_template_file_downloads_with_its_headers_and_examples(people, settings_importer):
    response = people["admin"].get("/import/template/test_settings.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="template-test_settings.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        ["uji.menit_efektif", 75000, "Menit kerja efektif setahun"],
        ["uji.batas_unggah", 25, None],
    ]


def test_a_good_file_of_the_kind_is_imported_in_the_pemdas_schema(
    people, surabaya, jambi, settings_importer
):
    response = upload(people["admin"], settings_file([["uji.web", 42, "Dari web"]]))
    assert response.status_code == 302
    (job,) = jobs(surabaya)
    assert response["Location"] == f"/import/{job.pk}/"
    assert (job.status, job.created_by.username) == (ImportStatus.DONE, "admin")
    assert "Diimpor" in page(people["admin"], response["Location"])
    with surabaya:
        assert PolicySetting.objects.get(key="uji.web").value == 42
    with jambi:
        assert not PolicySetting.objects.filter(key="uji.web").exists()


def test_a_kind_the_user_may_not_import_is_not_offered_downloadable_or_accepted(
    people, surabaya, settings_importer
):
    settings_importer.roles = frozenset()
    admin = people["admin"]
    response = admin.get("/import/")
    assert KIND not in dict(response.context["form"].fields["kind"].choices)
    assert "test_settings" not in response.content.decode()
    assert admin.get("/import/template/test_settings.xlsx").status_code == 404
    assert upload(admin, settings_file([["uji.a", 1, ""]])).status_code == 400
    assert jobs(surabaya) == []


def test_a_module_may_open_its_import_to_another_role(people, surabaya, settings_importer):
    """The kinds, the jobs and the pages follow each importer's may_import, not one role."""
    settings_importer.roles = frozenset({Role.LEADER})
    mayor, admin = people["mayor"], people["admin"]
    response = mayor.get("/import/")
    assert response.status_code == 200
    offered = {kind for kind, _label in response.context["form"].fields["kind"].choices}
    assert KIND in offered and not offered & {"units", "positions", "employees"}
    assert upload(mayor, settings_file([["uji.a", 1, ""]]), name="walikota.xlsx").status_code == 302
    units_file = write_csv(UNITS[0], UNITS[1:])
    assert upload(admin, units_file, name="u.csv", kind="units").status_code == 302
    assert upload(mayor, units_file, name="u.csv", kind="units").status_code == 400
    mine, units = jobs(surabaya)
    assert mine.status == ImportStatus.DONE and mine.created_by.username == "pimpinan"
    assert mayor.get(f"/import/{mine.pk}/").status_code == 200
    assert mayor.get(f"/import/{units.pk}/").status_code == 404  # a kind he may not import
    assert admin.get(f"/import/{mine.pk}/").status_code == 404
    assert mayor.get("/import/template/units.xlsx").status_code == 404
    assert [job.pk for job in mayor.get("/import/").context["jobs"]] == [mine.pk]


def test_an_unknown_template_is_a_404_and_the_methods_are_enforced(people, settings_importer):
    admin = people["admin"]
    assert admin.get("/import/template/passwords.xlsx").status_code == 404
    assert admin.post("/import/template/test_settings.xlsx").status_code == 405
    assert admin.get("/import/999999/good-rows/").status_code == 405
    assert admin.get("/import/999999/").status_code == 404
    assert admin.post("/import/999999/good-rows/").status_code == 404


# --- The wrong-headers loop -----------------------------------------------------------------

WRONG_HEADERS = {
    "units with wrong headers": ("units", "unit.xlsx", write_xlsx(["Kode", "Nama"], [["A", "B"]])),
    "employees with wrong headers": (
        "employees",
        "pegawai.csv",
        write_csv(["Nomor Induk", "Nama Lengkap"], [[row[0], row[1]] for row in EMPLOYEES[1:]]),
    ),
    "a settings file without Nilai": (
        KIND,
        "pengaturan.xlsx",
        settings_file([["uji.a", "1"], ["uji.b", "2"]], header=["Kunci", "Angka"]),
    ),
    "an unreadable workbook": (KIND, "pengaturan.xlsx", b"PK\x03\x04 bukan buku kerja"),
}


@pytest.mark.parametrize("case", WRONG_HEADERS.values(), ids=WRONG_HEADERS.keys())
def test_a_file_that_cannot_be_imported_offers_no_good_rows_and_loops_no_more(
    people, surabaya, settings_importer, case
):
    kind, name, data = case
    admin = people["admin"]
    response = upload(admin, data, name=name, kind=kind)
    assert response.status_code == 302
    (job,) = jobs(surabaya)
    assert job.status == ImportStatus.REJECTED
    assert job.report["unusable"] is True
    assert (job.report["good_rows"], job.report["bad_rows"]) == (0, 0)
    assert not job.can_import_good_rows

    html = page(admin, f"/import/{job.pk}/")
    partial = admin.get(f"/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    for shown in (html, partial):
        assert "Ditolak" in shown
        assert "Berkas ini tidak dapat diimpor apa adanya" in shown
        assert not GOOD_ROWS_FORM.search(shown), "a good-rows button is offered"
        assert not GOOD_ROWS_BUTTON.search(shown)
        assert "-1 baris" not in shown and "-1 good" not in shown
    assert "hx-trigger" not in partial  # finished: no more polling
    english = page(in_english(admin), f"/import/{job.pk}/")
    assert "This file cannot be imported as it is" in english
    assert "-1 good row" not in english

    again = admin.post(f"/import/{job.pk}/good-rows/")
    assert again.status_code == 302
    assert again["Location"] == f"/import/{job.pk}/"  # back to the same report
    assert [j.pk for j in jobs(surabaya)] == [job.pk]  # no new job


def test_a_wrong_header_is_named_in_the_report(people, surabaya, settings_importer):
    data = settings_file([["uji.a", 1]], header=["Kunci", "Angka"])
    upload(people["admin"], data)
    (job,) = jobs(surabaya)
    html = page(people["admin"], f"/import/{job.pk}/")
    assert "Baris judul tidak memuat kolom “Nilai”" in html  # the reason, in Indonesian


def test_the_cannot_be_imported_message_is_in_indonesian(people, surabaya, settings_importer):
    upload(people["admin"], settings_file([["uji.a", 1]], header=["Kunci", "Angka"]))
    (job,) = jobs(surabaya)
    html = page(people["admin"], f"/import/{job.pk}/")
    assert "Berkas ini tidak dapat diimpor apa adanya" in html
    assert "This file cannot be imported" not in html


def test_a_job_recorded_before_the_fix_offers_no_good_rows_either(people, surabaya):
    """Jobs kept from before the fix carry good_rows -1 and no "unusable" key."""
    with surabaya:
        job = ImportJob.objects.create(
            kind="units",
            filename="lama.xlsx",
            path="imports/surabaya/lama.xlsx",
            status=ImportStatus.REJECTED,
            created_by=User.objects.get(username="admin"),
            report={
                "kind": "units",
                "total": 0,
                "good_rows": -1,
                "bad_rows": 1,
                "errors": [{"row": 1, "column": "Jenis", "message": "Tidak ada kolom Jenis."}],
            },
        )
    html = page(people["admin"], f"/import/{job.pk}/")
    assert not GOOD_ROWS_FORM.search(html) and not GOOD_ROWS_BUTTON.search(html)
    assert people["admin"].post(f"/import/{job.pk}/good-rows/").status_code == 302
    assert [j.pk for j in jobs(surabaya)] == [job.pk]


def test_a_rejected_job_whose_upload_was_purged_offers_no_good_rows(
    people, surabaya, settings_importer
):
    upload(people["admin"], settings_file([["uji.a", 1, ""], ["Salah", 2, ""]]))
    (job,) = jobs(surabaya)
    with surabaya:
        ImportJob.objects.filter(pk=job.pk).update(path="")  # what the weekly purge leaves
    html = page(people["admin"], f"/import/{job.pk}/")
    assert "Salah" in html or "Kunci" in html  # the report is still shown
    assert not GOOD_ROWS_FORM.search(html)
    assert people["admin"].post(f"/import/{job.pk}/good-rows/").status_code == 302
    assert [j.pk for j in jobs(surabaya)] == [job.pk]


def test_a_job_with_good_rows_offers_the_button_and_imports_only_those(
    people, surabaya, settings_importer
):
    admin = people["admin"]
    rows = [["uji.satu", 1, ""], ["uji.dua", "dua", ""], ["uji.tiga", 3, ""]]
    upload(admin, settings_file(rows))
    (rejected,) = jobs(surabaya)
    assert rejected.status == ImportStatus.REJECTED
    html = page(admin, f"/import/{rejected.pk}/")
    assert f'action="/import/{rejected.pk}/good-rows/"' in html
    assert "Impor 2 baris yang benar saja" in html
    assert "Tidak ada data yang diimpor" in html
    with surabaya:
        assert not PolicySetting.objects.filter(key__startswith="uji.").exists()

    response = admin.post(f"/import/{rejected.pk}/good-rows/")
    rejected_again, done = jobs(surabaya)
    assert response["Location"] == f"/import/{done.pk}/"
    assert (done.status, done.good_rows_only, done.kind) == (ImportStatus.DONE, True, KIND)
    assert (done.report["created"], done.report["bad_rows"]) == (2, 1)
    assert rejected_again.status == ImportStatus.REJECTED  # the first report stays as it was
    with surabaya:
        assert dict(
            PolicySetting.objects.filter(key__startswith="uji.").values_list("key", "value")
        ) == {"uji.satu": 1, "uji.tiga": 3}
    html = page(admin, f"/import/{done.pk}/")
    assert "baris yang benar saja" in html and not GOOD_ROWS_FORM.search(html)


def test_a_good_rows_only_upload_imports_the_good_rows_at_once(people, surabaya, settings_importer):
    data = settings_file([["uji.a", 1, ""], ["Salah", 2, ""]])
    upload(people["admin"], data, good_rows_only=True)
    (job,) = jobs(surabaya)
    assert (job.status, job.report["created"], job.report["bad_rows"]) == ("done", 1, 1)
    html = page(people["admin"], f"/import/{job.pk}/")
    assert not GOOD_ROWS_FORM.search(html)


def test_a_refused_write_offers_no_good_rows_button(people, surabaya, settings_importer):
    settings_importer.refusal = "Pengaturan dikunci selama periode penilaian."
    admin = people["admin"]
    upload(admin, settings_file([["uji.a", 1, ""], ["uji.b", 2, ""], ["uji.c", 3, ""]]))
    (job,) = jobs(surabaya)
    assert job.status == ImportStatus.REJECTED
    html = page(admin, f"/import/{job.pk}/")
    assert "Pengaturan dikunci selama periode penilaian." in html
    with surabaya:
        assert not PolicySetting.objects.filter(key__startswith="uji.").exists()
    assert not GOOD_ROWS_FORM.search(html), "the refused file offers its rows again"
    admin.post(f"/import/{job.pk}/good-rows/")
    assert [j.pk for j in jobs(surabaya)] == [job.pk]


# --- A failing import -----------------------------------------------------------------------


def test_a_failing_import_is_shown_as_failed_not_a_500(
    people, surabaya, settings_importer, monkeypatch
):
    def broken(records, report):
        raise RuntimeError("penyimpanan penuh")

    monkeypatch.setattr(settings_importer, "write", broken)
    response = upload(people["admin"], settings_file([["uji.a", 1, ""]]))
    assert response.status_code == 302
    (job,) = jobs(surabaya)
    assert job.status == ImportStatus.FAILED
    html = page(people["admin"], response["Location"])
    assert "Gagal" in html and "RuntimeError: penyimpanan penuh" in html
    assert not GOOD_ROWS_FORM.search(html)


def test_a_database_error_while_checking_is_recorded_as_failed_not_a_500(
    people, surabaya, settings_importer, monkeypatch
):
    def validate(records, report):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(settings_importer, "validate", validate)
    response = upload(people["admin"], settings_file([["uji.a", 1, ""]]))
    assert response.status_code == 302
    (job,) = jobs(surabaya)
    assert job.status == ImportStatus.FAILED
    assert "division by zero" in job.report["errors"][0]["message"]


# --- The list of jobs -----------------------------------------------------------------------


def _jobs_create(surabaya, count: int) -> None:
    big_report = {
        "errors": [{"row": n, "column": "Nilai", "message": "x" * 100} for n in range(2, 2002)]
    }
    with surabaya:
        admin = User.objects.get(username="admin")
        ImportJob.objects.bulk_create(
            ImportJob(
                kind=KIND,
                filename=f"berkas-{n}.xlsx",
                path=f"imports/surabaya/berkas-{n}.xlsx",
                status=ImportStatus.REJECTED,
                report=big_report,
                created_by=admin,
            )
            for n in range(count)
        )


def test_the_import_page_lists_at_most_ten_jobs_without_their_reports(
    people, surabaya, settings_importer
):
    admin = people["admin"]
    admin.get("/import/")  # warm up the session and caches
    _jobs_create(surabaya, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(admin.get("/import/").context["jobs"]) == 3
    _jobs_create(surabaya, 9)
    with CaptureQueriesContext(connection) as many:
        response = admin.get("/import/")
    listed = list(response.context["jobs"])
    assert len(listed) == 10
    assert all("report" in job.get_deferred_fields() for job in listed)
    assert len(many) == len(few)
    assert not [q["sql"] for q in many if '"importing_importjob"."report"' in q["sql"]]
    assert response.content.decode().count(">berkas-") == 10


# --- Who may open what ----------------------------------------------------------------------


@pytest.fixture
def rejected_job(people, surabaya, settings_importer) -> ImportJob:
    """A job of the admin's with good rows to offer."""
    upload(people["admin"], settings_file([["uji.a", 1, ""], ["Salah", 2, ""]]))
    (job,) = jobs(surabaya)
    assert job.can_import_good_rows
    return job


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_the_import_pages_are_403_for_everyone_but_the_admin(
    people, surabaya, rejected_job, persona
):
    client = people[persona]
    job = rejected_job.pk
    assert client.get("/import/").status_code == 403
    assert client.get(f"/import/{job}/").status_code == 403
    assert client.get(f"/import/{job}/", HTTP_HX_REQUEST="true").status_code == 403
    assert client.post(f"/import/{job}/good-rows/").status_code == 403
    assert client.get("/import/template/test_settings.xlsx").status_code == 403
    assert client.get("/import/template/units.xlsx").status_code == 403
    assert upload(client, settings_file([["uji.b", 2, ""]])).status_code == 403
    assert [j.pk for j in jobs(surabaya)] == [job]
    with surabaya:
        assert not PolicySetting.objects.filter(key__startswith="uji.").exists()


def test_the_import_pages_send_anonymous_visitors_to_the_login(people, surabaya, rejected_job):
    client = people["anonymous"]
    job = rejected_job.pk
    for method, url in [
        ("get", "/import/"),
        ("post", "/import/"),
        ("get", f"/import/{job}/"),
        ("post", f"/import/{job}/good-rows/"),
        ("get", "/import/template/test_settings.xlsx"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    assert [j.pk for j in jobs(surabaya)] == [job]


def test_a_job_of_surabaya_is_a_404_at_jambi_for_jambis_admin(
    people, surabaya, jambi, rejected_job
):
    client = client_for(jambi)
    assert login(client, "admin", JAMBI_PASSWORD).status_code == 302
    job = rejected_job.pk
    assert client.get("/import/").status_code == 200
    assert list(client.get("/import/").context["jobs"]) == []
    assert client.get(f"/import/{job}/").status_code == 404
    assert client.get(f"/import/{job}/", HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(f"/import/{job}/good-rows/").status_code == 404
    assert jobs(jambi) == []
    with jambi:
        assert not PolicySetting.objects.filter(key__startswith="uji.").exists()


def test_the_job_page_says_how_many_problems_there_are_beyond_those_listed(people, surabaya):
    from core.importing.report import MAX_KEPT_ERRORS

    rows = [["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"]]
    rows += [[f"U{n}", "", "", "Dinas"] for n in range(MAX_KEPT_ERRORS + 5)]  # names missing
    upload = SimpleUploadedFile("unit.csv", write_csv(rows[0], rows[1:]))
    response = people["admin"].post("/import/", {"kind": "units", "file": upload}, follow=True)
    page = response.content.decode()
    assert "1.005 masalah seluruhnya; 1.000 yang pertama tercantum di bawah." in page
    # Listed a hundred at a time: the kept ones fill ten pages.
    from core.importing.views import ERRORS_PER_PAGE

    assert page.count("<tr><td>") >= ERRORS_PER_PAGE
    assert "Halaman 1 dari 10" in page
