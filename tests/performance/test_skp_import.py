"""The import of RHK and IKI from a spreadsheet (core.performance.imports): one row per IKI,
grouped into RHK; all or nothing with every bad row listed; the same file twice changes
nothing; offered on the import page to the BKPSDMD admin only."""

import pytest

from core.importing.engine import importers_for, table_import
from core.importing.tabular import write_csv, write_xlsx
from core.performance.models import Iki, Rhk, Skp
from tests.performance.test_skp_support import YEAR, rated, skp_of, user_of
from tests.personas import ANALIS, KABAN, PPPK

pytestmark = pytest.mark.django_db

HEADERS = [
    "NIP",
    "Tahun",
    "Jenis RHK",
    "RHK",
    "Indikator",
    "Aspek",
    "Target",
    "Satuan",
    "Pendekatan",
    "Perspektif",
]
RHK_A = "Tersusunnya analisis jabatan"


def rows(year=YEAR) -> list[list]:
    return [
        [ANALIS, year, "Utama", RHK_A, "Jumlah dokumen", "Kuantitas", "12", "Dokumen", "", ""],
        [
            ANALIS,
            year,
            "Utama",
            RHK_A,
            "Dokumen diterima tanpa revisi",
            "Kualitas",
            "Tanpa revisi",
            "",
            "Kualitatif",
            "",
        ],
        [ANALIS, year, "Tambahan", "Narasumber", "Kegiatan", "Kuantitas", "2", "Kali", "", ""],
        [PPPK, year, "utama", RHK_A, "Jumlah dokumen", "kuantitas", "6,5", "Dokumen", "", ""],
    ]


def run(table, headers=HEADERS, *, good_rows_only=False, xlsx=False):
    data = write_xlsx(headers, table) if xlsx else write_csv(headers, table)
    return table_import(
        kind="skp_rhk",
        data=data,
        filename="rhk.xlsx" if xlsx else "rhk.csv",
        good_rows_only=good_rows_only,
    )


def contents() -> list[tuple]:
    return sorted(
        Iki.objects.values_list(
            "rhk__skp__employee__nip",
            "rhk__kind",
            "rhk__text",
            "text",
            "target_value",
            "target_unit",
            "target_text",
        )
    )


def test_a_file_makes_the_skp_and_groups_each_iki_under_its_rhk(org):
    with org:
        report = run(rows())

        assert report.written, report.errors
        assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
        assert Skp.objects.filter(year=YEAR).count() == 2
        analyst = Rhk.objects.get(skp__employee__nip=ANALIS, kind="utama")
        assert [i.target_display for i in analyst.iki.order_by("order")] == [
            "12 Dokumen",
            "Tanpa revisi",
        ]
        assert Iki.objects.get(rhk__skp__employee__nip=PPPK).target_display == "6.5 Dokumen"
        assert Skp.objects.get(employee__nip=PPPK).appraiser_nip  # the usual snapshots


def test_the_same_file_again_changes_nothing_and_a_changed_target_is_updated(org):
    with org:
        run(rows())
        before = contents()

        again = run(rows())
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        assert contents() == before

        changed = rows()
        changed[0][6] = "24"
        third = run(changed)
        assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
        assert (
            Iki.objects.get(text="Jumlah dokumen", rhk__skp__employee__nip=ANALIS).target_value
            == 24
        )
        assert Rhk.objects.count() == 3


def test_an_xlsx_with_numbers_as_numbers_is_read(org):
    with org:
        table = rows()
        table[0][6] = 12
        table[3][6] = 6.5

        report = run(table, xlsx=True)

        assert report.written, report.errors
        assert Iki.objects.get(rhk__skp__employee__nip=PPPK).target_display == "6.5 Dokumen"


def test_it_adds_to_an_skp_made_on_the_pages(org):
    with org:
        from core.performance import services

        skp = skp_of(ANALIS)
        services.rhk_create(skp=skp, by=user_of("employee"), kind="utama", text="Dari halaman")

        assert run(rows()).written
        assert Rhk.objects.filter(skp=skp).count() == 3
        assert list(
            Rhk.objects.filter(skp=skp, kind="utama").order_by("order").values_list("text", "order")
        ) == [("Dari halaman", 0), (RHK_A, 1)]


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(org, english):
    with org:
        rated(skp_of(PPPK))
        table = rows() + [
            ["199901012020121001", YEAR, "Utama", "X", "Y", "Kuantitas", "1", "Dok", "", ""],
            [ANALIS, YEAR, "Utama", "X", "Y", "Kuantitas", "12", "", "", ""],
            [ANALIS, YEAR, "Utama", "X", "Z", "Kuantitas", "dua belas", "Dok", "", ""],
            [ANALIS, YEAR, "Lainnya", "X", "W", "Kecepatan", "1", "Dok", "", ""],
            [ANALIS, "dua ribu", "Utama", "X", "V", "Kuantitas", "1", "Dok", "", ""],
            [KABAN, YEAR, "Utama", "Tujuan OPD", "Indeks", "Kuantitas", "80", "Poin", "", ""],
            rows()[0],
        ]

        report = run(table)

        assert not report.written
        found = {(error.row, error.column) for error in report.errors}
        assert found == {
            (5, "Tahun"),  # PPPK's SKP of the year is rated
            (6, "NIP"),
            (7, "Satuan"),
            (8, "Target"),
            (9, "Jenis RHK"),
            (9, "Aspek"),
            (10, "Tahun"),
            (11, "Perspektif"),
            (12, "Indikator"),  # the same IKI as row 2
        }
        messages = " ".join(error.message for error in report.errors)
        assert "unit" in messages and "number" in messages and "perspektif" in messages
        assert not Rhk.objects.exists()


def test_the_good_rows_only_when_asked(org):
    with org:
        table = rows() + [[ANALIS, YEAR, "Utama", "X", "Y", "Kuantitas", "12", "", "", ""]]

        report = run(table, good_rows_only=True)

        assert report.written and report.created == 4
        assert not Rhk.objects.filter(text="X").exists()


def test_a_jpt_row_with_its_perspektif_is_imported(org):
    with org:
        row = [
            KABAN,
            YEAR,
            "Utama",
            "Tujuan OPD",
            "Indeks",
            "Kuantitas",
            "80",
            "Poin",
            "",
            "Penerima Layanan",
        ]

        report = run([row])

        assert report.written, report.errors
        assert Rhk.objects.get(skp__employee__nip=KABAN).perspektif == "penerima_layanan"


def test_the_optional_columns_may_be_left_out(org):
    with org:
        table = [row[:8] for row in rows() if row[8] != "Kualitatif"]

        report = run(table, headers=HEADERS[:8])

        assert report.written and report.created == 3


def test_the_import_page_offers_it_to_the_admin_only(org, people):
    with org:
        assert "skp_rhk" in {i.kind for i in importers_for(user_of("admin"))}
        assert "skp_rhk" not in {i.kind for i in importers_for(user_of("kasub"))}

    page = people["admin"].get("/import/")
    template = people["admin"].get("/import/template/skp_rhk.xlsx")

    assert "skp_rhk" in page.content.decode()
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert people["kasub"].get("/import/template/skp_rhk.xlsx").status_code == 403
