"""The import engine serves any module: a module declares its columns, its row rules and how
it writes, and gets header matching, cell errors by row and column, all or nothing, good rows
only and a refusal that rolls everything back.

The module here is the tests' own: policy settings (``Kunci``, ``Nilai``) imported into
``core.config.models.PolicySetting`` inside the Pemda's schema.
"""

import io
import re

import pytest

from core.accounts.models import Role
from core.config.models import PolicySetting
from core.importing import columns as cells
from core.importing import engine
from core.importing.columns import Column
from core.importing.engine import (
    Importer,
    ImportRefused,
    importer_get,
    importer_register,
    importers_for,
    table_import,
)
from core.importing.tabular import write_csv, write_xlsx
from core.org.imports import ORG_IMPORTERS

pytestmark = pytest.mark.django_db

KIND = "test_settings"
SETTING_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
NOT_A_KEY = "Kunci harus berbentuk modul.nama dengan huruf kecil."


class SettingsImporter(Importer):
    """Policy settings from a spreadsheet, upserted by key."""

    kind = KIND
    label = "Pengaturan kebijakan (uji)"
    order = 900
    columns = [
        Column("Kunci", "key", cells.text(100)),
        Column("Nilai", "value", cells.whole_number(lambda raw: f"“{raw}” bukan bilangan bulat.")),
        Column("Keterangan", "description", cells.text(200, required=False), required=False),
    ]
    examples = [
        ["uji.menit_efektif", 75000, "Menit kerja efektif setahun"],
        ["uji.batas_unggah", 25, ""],
    ]
    roles = frozenset({Role.TENANT_ADMIN})  # who may import; a test may widen or empty it
    refusal = ""  # when set, the writer refuses after writing every row

    def __init__(self):
        self.validated = []  # the row numbers each call of validate saw

    def may_import(self, user) -> bool:
        return user.is_authenticated and user.role in self.roles

    def validate(self, records, report):
        self.validated.append([record["_row"] for record in records])
        first_row = {}
        for record in records:
            key = record.get("key")
            if not key:
                continue  # the cell was empty or unreadable: reported already
            if not SETTING_KEY.fullmatch(key):
                self.reject(report, record, "key", NOT_A_KEY)
            elif key in first_row:
                self.reject(report, record, "key", f"{key} juga ada di baris {first_row[key]}.")
            else:
                first_row[key] = record["_row"]

    def write(self, records, report):
        existing = {
            setting.key: setting
            for setting in PolicySetting.objects.filter(key__in=[r["key"] for r in records])
        }
        for record in records:
            setting = existing.get(record["key"])
            if setting is None:
                PolicySetting.objects.create(
                    key=record["key"], value=record["value"], description=record["description"]
                )
                report.created += 1
            elif (setting.value, setting.description) != (record["value"], record["description"]):
                setting.value, setting.description = record["value"], record["description"]
                setting.save(update_fields=["value", "description", "updated_at"])
                report.updated += 1
            else:
                report.unchanged += 1
        if self.refusal:
            raise ImportRefused(self.refusal)


@pytest.fixture
def settings_importer():
    """The tests' importer, registered for one test and removed afterwards."""
    importer = importer_register(SettingsImporter())
    yield importer
    engine._IMPORTERS.pop(KIND, None)


HEADER = ["Kunci", "Nilai", "Keterangan"]


def xlsx(rows, header=HEADER) -> bytes:
    return write_xlsx(header, rows)


def run(rows, header=HEADER, **options):
    return table_import(kind=KIND, data=xlsx(rows, header), filename="pengaturan.xlsx", **options)


def settings_named(*keys) -> dict:
    return dict(PolicySetting.objects.filter(key__in=keys).values_list("key", "value"))


def found(report) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


def test_a_good_file_is_written_in_the_pemdas_schema_and_again_changes_nothing(
    surabaya, jambi, settings_importer
):
    rows = [["uji.a", 1, "Satu"], ["uji.b", 2, ""]]
    with surabaya:
        report = run(rows)
        assert report.written, report.errors
        assert (report.total, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
        assert settings_named("uji.a", "uji.b") == {"uji.a": 1, "uji.b": 2}
        again = run(rows)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    with jambi:
        assert settings_named("uji.a", "uji.b") == {}


def test_headers_match_ignoring_case_spaces_order_and_extra_columns(surabaya, settings_importer):
    header = ["  NILAI", "Catatan lain", "kunci  ", "KETERANGAN\n"]
    with surabaya:
        report = run([[7, "abaikan", "uji.menit", "Tujuh"]], header=header)
        assert report.written, report.errors
        setting = PolicySetting.objects.get(key="uji.menit")
    assert (setting.value, setting.description) == (7, "Tujuh")


def test_an_optional_header_may_be_left_out(surabaya, settings_importer):
    with surabaya:
        report = run([["uji.tanpa_keterangan", 3]], header=["Kunci", "Nilai"])
        assert report.written, report.errors
        assert PolicySetting.objects.get(key="uji.tanpa_keterangan").description == ""


@pytest.mark.parametrize("filename", ["pengaturan.xlsx", "pengaturan.csv"])
def test_a_missing_required_header_makes_the_file_unusable_before_any_row_is_checked(
    surabaya, settings_importer, english, filename
):
    header = ["Kunci", "Angka"]  # "Nilai" is missing
    rows = [["uji.a", 1], ["uji.b", 2]]
    data = xlsx(rows, header) if filename.endswith(".xlsx") else write_csv(header, rows)
    with surabaya:
        report = table_import(kind=KIND, data=data, filename=filename)
        assert not PolicySetting.objects.filter(key__in=["uji.a", "uji.b"]).exists()
    assert report.unusable and not report.written
    assert found(report) == {(1, "Nilai")}
    assert "no column “Nilai”" in report.errors[0].message
    assert settings_importer.validated == []  # the module's rules never ran
    assert (report.total, report.good_rows, report.bad_rows) == (0, 0, 0)
    assert report.as_dict()["good_rows"] == 0  # never -1: nothing to offer


def test_every_missing_required_header_is_named(surabaya, settings_importer):
    with surabaya:
        report = run([["x"]], header=["Keterangan"])
    assert report.unusable
    assert found(report) == {(1, "Kunci"), (1, "Nilai")}


def test_a_file_that_cannot_be_read_is_unusable(surabaya, settings_importer, english):
    with surabaya:
        report = table_import(kind=KIND, data=b"bukan buku kerja", filename="pengaturan.xlsx")
    assert report.unusable and not report.written
    assert report.as_dict()["good_rows"] == 0
    assert "not a readable Excel" in report.errors[0].message


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with the size its first sheet declares set to ``ref``, as some programs
    that export spreadsheets write it (openpyxl's read-only mode trusts it)."""
    import zipfile

    source, rewritten = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<dimension" not in body
                body = body.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode())
            target.writestr(item, body)
    return rewritten.getvalue()


def test_a_workbook_that_declares_a_wrong_size_is_read_to_its_last_row(surabaya, settings_importer):
    from core.importing.tabular import table_row_count

    data = _with_dimension(xlsx([[f"uji.k{n}", n, ""] for n in range(5)]), "A1:C1")
    with surabaya:
        report = table_import(kind=KIND, data=data, filename="ekspor.xlsx")
    assert (report.total, report.created, report.written) == (5, 5, True)
    # The estimate (progress bar, in the request or on a worker) counts the rows that are
    # there, not the size the workbook declares, without parsing the cells.
    assert table_row_count(data, "ekspor.xlsx") == 5


def test_cell_errors_carry_the_spreadsheet_row_and_the_column_header(surabaya, settings_importer):
    rows = [
        ["uji.a", 1, ""],
        ["uji.b", "dua", ""],  # row 3: not a whole number
        [None, None, None],  # row 4: blank, skipped but counted by the spreadsheet
        ["", 4, ""],  # row 5: the key is empty
        ["uji.e", 5, "x" * 201],  # row 6: too long
    ]
    with surabaya:
        report = run(rows)
        assert not PolicySetting.objects.filter(key__in=["uji.a", "uji.e"]).exists()
    assert found(report) == {(3, "Nilai"), (5, "Kunci"), (6, "Keterangan")}
    by_row = {error.row: error.message for error in report.errors}
    assert by_row[3] == "“dua” bukan bilangan bulat."  # the module's own wording
    assert report.total == 4 and report.bad_rows == 3 and report.good_rows == 1
    assert settings_importer.validated == [[2, 3, 5, 6]]


def test_the_modules_own_row_rule_is_reported_with_its_column(surabaya, settings_importer):
    rows = [["uji.a", 1, ""], ["Bukan Kunci", 2, ""], ["uji.a", 3, ""]]
    with surabaya:
        report = run(rows)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "Kunci", NOT_A_KEY),
        (4, "Kunci", "uji.a juga ada di baris 2."),
    ]
    assert not report.written


def test_errors_are_listed_in_row_order_whoever_found_them(surabaya, settings_importer):
    rows = [["Salah", 1, ""], ["uji.b", "x", ""]]  # a rule error on row 2, a cell error on 3
    with surabaya:
        report = run(rows)
    assert [error.row for error in report.errors] == [2, 3]


def test_one_bad_row_writes_nothing(surabaya, settings_importer):
    with surabaya:
        PolicySetting.objects.create(key="uji.ada", value=1)
        report = run([["uji.ada", 100, ""], ["uji.baru", 2, ""], ["uji.salah", "x", ""]])
        assert not report.written
        assert (report.created, report.updated) == (0, 0)
        assert settings_named("uji.ada", "uji.baru") == {"uji.ada": 1}
    assert (report.good_rows, report.bad_rows) == (2, 1)


def test_good_rows_only_writes_the_good_ones_and_lists_the_bad(surabaya, settings_importer):
    rows = [["uji.a", 1, ""], ["uji.b", "x", ""], ["Salah", 3, ""], ["uji.d", 4, ""]]
    with surabaya:
        report = run(rows, good_rows_only=True)
        assert report.written
        assert settings_named("uji.a", "uji.b", "uji.d") == {"uji.a": 1, "uji.d": 4}
    assert (report.created, report.bad_rows, report.good_rows) == (2, 2, 2)
    assert found(report) == {(3, "Nilai"), (4, "Kunci")}


def test_good_rows_only_with_no_good_row_writes_nothing(surabaya, settings_importer):
    with surabaya:
        report = run([["Salah", 1, ""]], good_rows_only=True)
    assert not report.written and report.good_rows == 0


def test_a_refusal_from_the_writer_rolls_everything_back_and_is_reported(
    surabaya, settings_importer
):
    settings_importer.refusal = "Pengaturan ini tidak boleh diubah sekarang."
    with surabaya:
        PolicySetting.objects.create(key="uji.ada", value=1)
        report = run([["uji.ada", 100, ""], ["uji.baru", 2, ""]])
        # The writer wrote both rows before refusing: neither survives.
        assert settings_named("uji.ada", "uji.baru") == {"uji.ada": 1}
        assert PolicySetting.objects.filter(key="uji.ada").count() == 1  # still usable
    assert not report.written
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (0, "", "Pengaturan ini tidak boleh diubah sekarang.")
    ]


def test_an_error_from_the_writer_other_than_a_refusal_is_not_swallowed(
    surabaya, settings_importer, monkeypatch
):
    def broken(records, report):
        PolicySetting.objects.create(key="uji.setengah", value=1)
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(settings_importer, "write", broken)
    with surabaya:
        with pytest.raises(RuntimeError):
            run([["uji.a", 1, ""]])
        assert not PolicySetting.objects.filter(key="uji.setengah").exists()


def test_a_template_file_imports_as_it_is(surabaya, settings_importer):
    from core.importing.exports import import_template_response

    data = import_template_response(settings_importer).content
    with surabaya:
        report = table_import(kind=KIND, data=data, filename="template.xlsx")
        assert report.written and report.created == 2, report.errors


def test_importers_for_offers_a_kind_only_to_users_its_importer_allows(surabaya, settings_importer):
    from core.accounts.models import User

    with surabaya:
        admin = User.objects.get(username="admin")
        leader = User.objects.get(username="pimpinan")
    assert KIND in {i.kind for i in importers_for(admin)}
    assert KIND not in {i.kind for i in importers_for(leader)}
    settings_importer.roles = frozenset({Role.LEADER})
    assert KIND not in {i.kind for i in importers_for(admin)}
    offered = {i.kind for i in importers_for(leader)}
    assert KIND in offered and not offered & set(ORG_IMPORTERS)


def test_importers_are_offered_in_their_order(settings_importer):
    from core.accounts.models import User

    kinds = [i.kind for i in importers_for(User(role=Role.TENANT_ADMIN))]
    assert [kind for kind in kinds if kind in ORG_IMPORTERS] == ["units", "positions", "employees"]
    assert kinds.index("employees") < kinds.index(KIND)  # order 30 before order 900


def test_two_importers_cannot_claim_one_kind(settings_importer):
    class Impostor(SettingsImporter):
        label = "Bukan pengaturan"

    with pytest.raises(ValueError, match="two importers claim the kind 'test_settings'"):
        importer_register(Impostor())
    assert importer_get(KIND) is settings_importer
    with pytest.raises(ValueError, match="two importers claim the kind 'units'"):
        importer_register(type("Units", (SettingsImporter,), {"kind": "units"})())
    assert type(importer_get("units")).__name__ == "UnitImporter"


def test_registering_the_same_importer_again_keeps_one(settings_importer):
    """A module imported twice (a reload) registers its importer again; that is no clash."""
    again = importer_register(SettingsImporter())
    assert importer_get(KIND) is again
    assert [i.kind for i in engine.importers_all()].count(KIND) == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown import kind"):
        table_import(kind="tidak_ada", data=b"", filename="x.csv")


def test_the_modules_importers_are_registered_once_django_is_set_up():
    """What a worker process knows: Django set up, no URLconf loaded (celery --skip-checks)."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from core.importing.engine import importers_all;"
        "print(' '.join(sorted(importer.kind for importer in importers_all())))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "saas_platform.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    )
    assert set(result.stdout.split()) >= {"units", "positions", "employees"}


def test_a_report_keeps_the_first_thousand_errors_and_counts_them_all(surabaya, settings_importer):
    from core.importing.report import MAX_KEPT_ERRORS

    rows = [[f"bukan kunci {n}", "bukan angka", ""] for n in range(1500)]  # 2 errors a row
    with surabaya:
        report = run(rows)
    assert not report.written
    assert report.error_count == 3000 and len(report.errors) == MAX_KEPT_ERRORS
    assert report.errors_by_column == {"Kunci": 1500, "Nilai": 1500}
    assert report.bad_rows == 1500
    kept = report.as_dict()
    assert (kept["error_count"], len(kept["errors"])) == (3000, MAX_KEPT_ERRORS)


def test_a_file_with_headers_but_no_rows_says_so(surabaya, settings_importer, english):
    with surabaya:
        report = run([])
    assert report.unusable and not report.written
    assert "no data rows" in report.errors[0].message
