"""Imports are all or nothing, explain every bad row, and change nothing when repeated."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from core.accounts.models import Role, User
from core.importing.tabular import read_table, write_csv, write_xlsx
from core.org.imports import people_import
from core.org.models import Employee, Position, Unit
from tests import personas

pytestmark = pytest.mark.django_db

UNITS = [
    ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"],
    ["SETDA", "Sekretariat Daerah", "", "Sekretariat Daerah"],
    ["BKPSDMD", "Badan Kepegawaian dan Pengembangan SDM Daerah", "", "Badan"],
    ["BKPSDMD.1", "Bidang Pengembangan Kompetensi", "BKPSDMD", "Bidang"],
    ["BKPSDMD.1.1", "Subbidang Diklat", "BKPSDMD.1", "seksi"],
]
POSITIONS = personas.POSITIONS[:6]  # the BKPSDMD and Setda posts of the personas
EMPLOYEES = [
    [
        "NIP",
        "Nama",
        "Status",
        "Golongan",
        "Kode Jabatan",
        "Kode Unit",
        "TMT Jabatan",
        "Email",
        "Telepon",
    ],
    ["196803121990031001", "Budi Santoso", "PNS", "IV/d", "SEKDA", "SETDA", "2020-01-02", "", ""],
    ["197205151995032002", "Sri Wahyuni", "PNS", "IV/c", "KABAN", "BKPSDMD", "02-01-2021", "", ""],
    [
        "197801012003121003",
        "Agus Salim",
        "PNS",
        "iv a",
        "KABID",
        "BKPSDMD.1",
        datetime.date(2022, 3, 1),
        "",
        "",
    ],
    [
        "198302022008012004",
        "Dewi Lestari",
        "PNS",
        "III/d",
        "KASUB",
        "BKPSDMD.1.1",
        "",
        "dewi@example.go.id",
        "+62 812 1111",
    ],
    ["199001012015031005", "Rudi Hartono", "PNS", "III/a", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    ["199505052023212006", "Ayu Kusuma", "PPPK", "", "ANALIS", "BKPSDMD.1.1", "", "", ""],
]


def xlsx(rows):
    return write_xlsx(rows[0], rows[1:])


def run(kind, rows, filename="data.xlsx", **kwargs):
    data = xlsx(rows) if filename.endswith(".xlsx") else write_csv(rows[0], rows[1:])
    return people_import(kind=kind, data=data, filename=filename, **kwargs)


@pytest.fixture
def org(surabaya):
    with surabaya:
        for kind, rows in (("units", UNITS), ("positions", POSITIONS), ("employees", EMPLOYEES)):
            report = run(kind, rows)
            assert report.written, report.errors
        yield surabaya


def test_a_good_organisation_imports_and_derives_every_atasan(org):
    by_nip = {e.nip: e for e in Employee.objects.select_related("derived_atasan")}
    atasan = {nip: (e.atasan.nip if e.atasan else None) for nip, e in by_nip.items()}
    assert atasan == {
        "196803121990031001": None,  # the Sekda: appraised by the leader
        "197205151995032002": "196803121990031001",  # head of an OPD → Sekda
        "197801012003121003": "197205151995032002",  # kabid → head of the badan
        "198302022008012004": "197801012003121003",  # kasubbid → kabid
        "199001012015031005": "198302022008012004",  # analis → kasubbid
        "199505052023212006": "198302022008012004",
    }
    assert Unit.objects.get(code="BKPSDMD.1.1").opd.code == "BKPSDMD"
    assert by_nip["197801012003121003"].golongan == "IV/a"
    assert by_nip["197205151995032002"].tmt_jabatan == datetime.date(2021, 1, 2)


def test_every_employee_gets_a_nip_login_with_the_role_their_place_implies(org):
    roles = dict(User.objects.exclude(nip=None).values_list("nip", "role"))
    assert roles["196803121990031001"] == Role.LEADER  # the Sekda sees the whole Pemda
    assert roles["197205151995032002"] == Role.HEAD_OF_OPD
    assert roles["197801012003121003"] == Role.ATASAN
    assert roles["199001012015031005"] == Role.EMPLOYEE
    assert Employee.objects.get(nip="199001012015031005").user.username == "199001012015031005"


def test_reimporting_the_same_files_changes_nothing(org):
    before = list(Employee.objects.order_by("nip").values())
    for kind, rows in (("units", UNITS), ("positions", POSITIONS), ("employees", EMPLOYEES)):
        report = run(kind, rows)
        assert report.written
        assert (report.created, report.updated, report.unchanged) == (0, 0, len(rows) - 1)
    assert list(Employee.objects.order_by("nip").values()) == before


def test_a_changed_row_is_updated_in_place(org):
    rows = [row[:] for row in EMPLOYEES]
    rows[5][1] = "Rudi Hartono, S.Kom."
    report = run("employees", rows)
    assert (report.created, report.updated) == (0, 1)
    assert Employee.objects.get(nip="199001012015031005").name == "Rudi Hartono, S.Kom."


def test_one_bad_row_writes_nothing_and_every_error_is_listed(surabaya, english):
    with surabaya:
        run("units", UNITS)
        run("positions", POSITIONS)
        rows = [row[:] for row in EMPLOYEES]
        rows[1][0] = "196802301990031001"  # 30 February
        rows[2][3] = "V/a"  # no such golongan
        rows[3][4] = "TIDAK-ADA"  # unknown position
        rows[4][6] = "2099-01-01"  # future TMT
        rows[5][1] = ""  # empty name
        rows[6][3] = "III/a"  # PPPK with a golongan
        report = run("employees", rows)

        assert not report.written
        assert Employee.objects.count() == 0
        found = {(error.row, error.column) for error in report.errors}
        assert found == {
            (2, "NIP"),
            (3, "Golongan"),
            (4, "Kode Jabatan"),
            (5, "TMT Jabatan"),
            (6, "Nama"),
            (7, "Golongan"),
        }
        messages = " ".join(error.message for error in report.errors)
        assert "not a real date" in messages and "future" in messages


def test_the_admin_may_import_only_the_good_rows(surabaya):
    with surabaya:
        run("units", UNITS)
        run("positions", POSITIONS)
        rows = [row[:] for row in EMPLOYEES]
        rows[6][0] = "123"
        report = run("employees", rows, good_rows_only=True)
        assert report.written
        assert (report.created, report.bad_rows) == (5, 1)
        assert Employee.objects.count() == 5


@pytest.mark.parametrize(
    ("mutate", "column"),
    [
        (lambda rows: rows.append(rows[1][:]), "NIP"),  # duplicate NIP in the file
        (lambda rows: rows[1].__setitem__(1, "x" * 151), "Nama"),  # over-long text
        (lambda rows: rows[1].__setitem__(2, "Honorer"), "Status"),
        (lambda rows: rows[1].__setitem__(3, ""), "Golongan"),  # PNS without golongan
        (lambda rows: rows[1].__setitem__(5, "NOPE"), "Kode Unit"),
        (lambda rows: rows[1].__setitem__(6, "31-31-2020"), "TMT Jabatan"),
        (lambda rows: rows[1].__setitem__(7, "bukan-email"), "Email"),
    ],
)
def test_each_kind_of_bad_cell_is_caught(surabaya, mutate, column):
    with surabaya:
        run("units", UNITS)
        run("positions", POSITIONS)
        rows = [row[:] for row in EMPLOYEES]
        mutate(rows)
        report = run("employees", rows)
        assert not report.written
        assert column in {error.column for error in report.errors}


def test_a_missing_header_is_reported_before_any_row(surabaya, english):
    with surabaya:
        report = run("units", [["Kode Unit", "Nama"], ["A", "B"]])
    assert not report.written
    assert {(e.row, e.column) for e in report.errors} == {(1, "Nama Unit"), (1, "Jenis")}
    assert "no column “Jenis”" in report.errors[-1].message


def test_headers_match_ignoring_case_and_spaces_and_csv_with_semicolons_works(surabaya):
    rows = [[" kode  unit", "NAMA UNIT", "kode induk", "JENIS"], ["X1", "Dinas X", "", "Dinas"]]
    with surabaya:
        data = "\n".join(";".join(map(str, row)) for row in rows).encode("utf-8")
        report = people_import(kind="units", data=data, filename="units.csv")
        assert report.written, report.errors
        assert Unit.objects.get(code="X1").kind == "DINAS"


def test_a_unit_whose_parent_is_missing_or_bad_is_refused(surabaya):
    rows = [
        UNITS[0],
        ["A", "Dinas A", "", "Dinas"],
        ["B", "Bidang B", "Z", "Bidang"],
        ["C", "Seksi C", "B", "Seksi"],
        ["D", "", "A", "Seksi"],
    ]
    with surabaya:
        report = run("units", rows)
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "Kode Induk"),
        (4, "Kode Induk"),
        (5, "Nama Unit"),
    }


def test_formula_cells_are_stored_as_text_and_exported_inert(surabaya, tmp_path):
    rows = [
        UNITS[0],
        ["F1", '=HYPERLINK("http://evil","klik")', "", "Dinas"],
        ["F2", "@SUM(1)", "", "Dinas"],
    ]
    with surabaya:
        assert run("units", rows).written
        assert Unit.objects.get(code="F1").name.startswith("=HYPERLINK")
        exported = write_xlsx(["Nama"], [[Unit.objects.get(code="F1").name]])
    import io

    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(exported)).active["A2"]
    assert cell.data_type == "s"
    assert write_csv(["Nama"], [["=1+1"]]).decode("utf-8-sig").splitlines()[1] == "'=1+1"


def test_an_unreadable_file_is_explained(surabaya, english):
    with surabaya:
        report = people_import(kind="units", data=b"not a workbook", filename="units.xlsx")
        assert "not a readable Excel" in report.errors[0].message
        report = people_import(kind="units", data=b"x", filename="units.pdf")
        assert ".xlsx and .csv" in report.errors[0].message


def test_the_command_imports_and_exits_non_zero_on_rejection(surabaya, tmp_path, capsys):
    units = tmp_path / "units.xlsx"
    units.write_bytes(xlsx(UNITS))
    call_command("import_people", "--pemda", "surabaya", "--kind", "units", str(units))
    assert "4" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(write_csv(UNITS[0], [["Q", "", "", "Dinas"]]))
    with pytest.raises(CommandError):
        call_command("import_people", "--pemda", "surabaya", "--kind", "units", str(bad))
    assert "Nama Unit" in capsys.readouterr().err
    with surabaya:
        assert not Unit.objects.filter(code="Q").exists()


def test_the_command_refuses_an_unknown_pemda(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError):
        call_command("import_people", "--pemda", "tidak-ada", "--kind", "units", str(path))


def test_read_table_skips_blank_rows_and_numbers_rows_as_excel_does():
    headers, rows = read_table(write_csv(["A"], [["1"], [""], ["2"]]), "x.csv")
    assert headers == ["a"]
    assert [number for number, _cells in rows] == [2, 4]


def test_positions_refuse_an_unknown_unit_and_a_kelas_out_of_range(surabaya):
    with surabaya:
        run("units", UNITS)
        rows = [
            POSITIONS[0],
            ["P1", "X", "Pelaksana", "", 18, "SETDA"],
            ["P2", "Y", "Pelaksana", "", 5, "NOPE"],
            ["P3", "Z", "Pelaksana", "Ahli Muda", 5, "SETDA"],
        ]
        report = run("positions", rows)
        assert {(e.row, e.column) for e in report.errors} == {
            (2, "Kelas Jabatan"),
            (3, "Kode Unit"),
            (4, "Jenjang"),
        }
        assert not Position.objects.exists()


def test_units_list_in_tree_order(org):
    paths = list(Unit.objects.order_by("tree_path").values_list("code", flat=True))
    assert paths == ["BKPSDMD", "BKPSDMD.1", "BKPSDMD.1.1", "SETDA"]
    assert Unit.objects.get(code="BKPSDMD.1.1").tree_path == "BKPSDMD/BKPSDMD.1/BKPSDMD.1.1"


def test_good_rows_only_never_offers_rows_that_would_close_a_loop_without_the_bad_ones(org):
    """BKPSDMD.1 and NEWY point at each other (both refused); BKPSDMD below BKPSDMD.1 looks
    good until BKPSDMD.1 stays where it stands, below BKPSDMD: then it closes a loop too."""
    rows = [
        UNITS[0],
        ["BKPSDMD.1", "Bidang", "NEWY", "Bidang"],
        ["NEWY", "Baru", "BKPSDMD.1", "Bidang"],
        ["BKPSDMD", "Badan", "BKPSDMD.1", "Badan"],
    ]
    report = run("units", rows)
    assert not report.written and not report.unusable
    assert report.good_rows == 0  # nothing to offer: every row closes a loop
    report = run("units", rows, good_rows_only=True)
    assert not report.written and not report.unusable
    assert Unit.objects.get(code="BKPSDMD").parent is None


def test_an_import_from_the_command_line_is_in_the_audit_trail(surabaya, tmp_path):
    from core.audit.models import AuditEvent

    units = tmp_path / "units.xlsx"
    units.write_bytes(xlsx(UNITS))
    call_command("import_people", "--pemda", "surabaya", "--kind", "units", str(units))
    with surabaya:
        event = AuditEvent.objects.get(action="import.run")
    assert (event.actor, event.object_repr) == (None, "Unit: units.xlsx")
    assert (event.after["rows"], event.after["created"]) == (4, 4)


@pytest.mark.parametrize(
    "rows",
    [
        # BKPSDMD.1's row is refused (no NOPE), so it stays below BKPSDMD: then BKPSDMD below
        # BARU below BKPSDMD.1.1 closes a loop too.
        [
            ["BKPSDMD.1", "Bidang", "NOPE", "Bidang"],
            ["BKPSDMD", "Badan", "BARU", "Badan"],
            ["BARU", "Baru", "BKPSDMD.1.1", "Bidang"],
        ],
        # A repeated code: the first row is the one checked (and it closes a loop).
        [
            ["A", "A", "BARU", "Bidang"],
            ["A", "A lagi", "", "Dinas"],
            ["BARU", "Baru", "A", "Bidang"],
        ],
        # A repeated code whose first row hangs below a unit that does not exist.
        [["BARU", "Baru", "NOPE", "Bidang"], ["BARU", "Baru lagi", "", "Dinas"]],
    ],
)
def test_the_good_rows_offered_can_always_be_imported(org, rows):
    report = run("units", [UNITS[0], *rows])
    assert not report.written
    again = run("units", [UNITS[0], *rows], good_rows_only=True)
    assert not again.unusable, again.errors  # never refused as a whole, never a crash
    assert again.written or again.good_rows == 0
