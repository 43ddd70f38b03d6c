"""Attendance: the import of the attendance machines' export (kind ``attendance``, through
the import engine), the admin's page of a unit's day (core.activity.attendance), and the
recompute of the month each change queues (core.activity.tasks)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.activity import services
from core.activity.attendance import hours_between, hours_parse, status_parse
from core.activity.imports import ATTENDANCE_ROWS_MAX, AttendanceImporter
from core.activity.models import Activity, Attendance, MonthlyIndex
from core.activity.tasks import activity_month_recompute_task
from core.audit.models import AuditEvent
from core.importing.engine import importers_for, table_import
from core.importing.limits import DEFAULT_LIMITS
from core.importing.tabular import write_csv, write_xlsx
from core.org.models import Employee, Unit
from tests.conftest import JAMBI_PASSWORD, login
from tests.factories import EmployeeFactory
from tests.personas import ANALIS, KADINKES, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)  # a Wednesday
MONDAY, TUESDAY = datetime.date(2026, 5, 18), datetime.date(2026, 5, 19)
HEADERS = ["NIP", "Tanggal", "Status", "Jam Hadir", "Jam Masuk", "Jam Pulang"]
URL = "/aktivitas/kehadiran/"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


@pytest.fixture
def queued(monkeypatch):
    """The recomputes queued (schema, month), as the worker would receive them."""
    sent = []
    monkeypatch.setattr(
        activity_month_recompute_task,
        "delay",
        lambda schema, day, employee_ids=None: sent.append((schema, day)),
    )
    return sent


def rows() -> list[list]:
    return [
        [ANALIS, "2026-05-18", "Hadir", "", "07:28", "16:05"],
        [ANALIS, "19-05-2026", "Dinas Luar", "8", "", ""],
        [PPPK, "2026-05-18", "Cuti", "", "", ""],
        [PPPK, "2026-05-19", "present", "7,5", "", ""],
        [KASUB, "2026-04-30", "sick", "", "", ""],
    ]


def run(table, headers=HEADERS, *, xlsx=False, good_rows_only=False):
    data = write_xlsx(headers, table) if xlsx else write_csv(headers, table)
    return table_import(
        kind="attendance",
        data=data,
        filename="absensi.xlsx" if xlsx else "absensi.csv",
        good_rows_only=good_rows_only,
    )


def stored() -> list[tuple]:
    return sorted(
        Attendance.objects.values_list("employee__nip", "day", "status", "hours_present", "source")
    )


# --- Reading the cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hadir", "present"),
        ("CUTI", "leave"),
        ("Sakit", "sick"),
        ("Dinas Luar", "duty_travel"),
        ("dinas-luar", "duty_travel"),
        ("Tidak Hadir", "absent"),
        ("duty_travel", "duty_travel"),
        ("absent", "absent"),
        ("", None),
    ],
)
def test_statuses_are_read_in_indonesian_and_english(raw, expected):
    assert status_parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7.5", Decimal("7.50")),
        ("7,5", Decimal("7.50")),
        ("7:30", Decimal("7.50")),
        (8, Decimal("8.00")),
        (7.25, Decimal("7.25")),
        (datetime.time(6, 45), Decimal("6.75")),
        (datetime.timedelta(hours=9, minutes=6), Decimal("9.10")),
        ("24", Decimal("24.00")),
        ("", None),
        (None, None),
    ],
)
def test_hours_present_are_read_as_numbers_or_hours_and_minutes(raw, expected):
    assert hours_parse(raw) == expected


@pytest.mark.parametrize("raw", ["24.01", "25", "-1", "abc", "NaN", "Infinity", "7:75", True])
def test_hours_outside_a_day_or_not_hours_are_refused(english, raw):
    with pytest.raises(services.ActivityError, match="from 0 to 24"):
        hours_parse(raw)


def test_hours_are_the_time_between_clocking_in_and_out(english):
    assert hours_between(datetime.time(7, 28), datetime.time(16, 5)) == Decimal("8.62")
    with pytest.raises(services.ActivityError, match="not after the clock-in"):
        hours_between(datetime.time(16, 0), datetime.time(7, 30))


# --- The import -------------------------------------------------------------------------------


def test_a_machine_export_is_imported_with_hours_from_the_clock_times(org, queued):
    with org:
        report = run(rows())

        assert report.written, report.errors
        assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
        assert stored() == [
            (KASUB, datetime.date(2026, 4, 30), "sick", None, "import"),
            (ANALIS, MONDAY, "present", Decimal("8.62"), "import"),
            (ANALIS, TUESDAY, "duty_travel", Decimal("8.00"), "import"),
            (PPPK, MONDAY, "leave", None, "import"),
            (PPPK, TUESDAY, "present", Decimal("7.50"), "import"),
        ]


def test_each_month_the_import_changed_is_recomputed_after_the_commit(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        with django_capture_on_commit_callbacks(execute=True):
            assert run(rows()).written
        assert queued == [(org.schema_name, "2026-04-01"), (org.schema_name, "2026-05-01")]

        queued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert run(rows()).written  # nothing changed: nothing to recompute
        assert queued == []


def test_the_same_file_again_changes_nothing_and_a_changed_day_is_updated(org, queued):
    with org:
        run(rows())
        before = stored()

        again = run(rows())
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
        assert stored() == before

        changed = rows()
        changed[2][2] = "Sakit"
        third = run(changed)
        assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
        assert Attendance.objects.get(employee__nip=PPPK, day=MONDAY).status == "sick"


def test_the_file_replaces_what_the_admin_entered_for_the_same_day(org, queued):
    with org:
        services.attendance_set(
            by=User.objects.get(username="admin"),
            employee=Employee.objects.get(nip=ANALIS),
            day=MONDAY,
            status="absent",
        )
        report = run(rows()[:1])
        assert (report.created, report.updated) == (0, 1)
        record = Attendance.objects.get(employee__nip=ANALIS, day=MONDAY)
        assert (record.status, record.source) == ("present", "import")


def test_an_xlsx_with_real_dates_times_and_numbers_is_read(org, queued):
    with org:
        table = [
            [ANALIS, MONDAY, "Hadir", None, datetime.time(7, 30), datetime.time(16, 0)],
            [PPPK, datetime.datetime(2026, 5, 19, 0, 0), "Hadir", 7.5, None, None],
        ]
        report = run(table, xlsx=True)

        assert report.written, report.errors
        assert stored() == [
            (ANALIS, MONDAY, "present", Decimal("8.50"), "import"),
            (PPPK, TUESDAY, "present", Decimal("7.50"), "import"),
        ]


def test_a_status_only_export_needs_no_hour_columns(org, queued):
    with org:
        report = run([[ANALIS, "2026-05-18", "Hadir"]], headers=["NIP", "Tanggal", "Status"])
        assert report.written, report.errors
        assert stored() == [(ANALIS, MONDAY, "present", None, "import")]


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(org, english, queued):
    with org:
        Employee.objects.filter(nip=STAF_DINKES).update(is_active=False)
        table = rows() + [
            ["199901012020121001", "2026-05-18", "Hadir", "", "", ""],  # nobody here
            [KADINKES, "2026-05-21", "Hadir", "", "", ""],  # tomorrow
            [KADINKES, "2026-05-18", "Hadir", "25", "", ""],
            [KADINKES, "2026-05-19", "Izin", "", "", ""],
            [KADINKES, "2026-05-15", "Hadir", "", "07:30", ""],
            [KADINKES, "2026-05-14", "Hadir", "", "16:00", "07:30"],
            [KADINKES, "2026-05-13", "Sakit", "8", "", ""],
            [KADINKES, "2026-05-12", "Hadir", "", "", ""],
            [KADINKES, "12/05/2026", "Cuti", "", "", ""],  # the same day again
            [KADINKES, "kemarin", "Hadir", "", "", ""],
            [STAF_DINKES, "2026-05-18", "Hadir", "", "", ""],
            ["12345", "2026-05-18", "Hadir", "", "", ""],
        ]

        report = run(table)

        assert not report.written
        assert not Attendance.objects.exists()
        problems = [(error.row, error.column, error.message) for error in report.errors]
        assert len(problems) == 11, problems
        by_row = {row: (column, message) for row, column, message in problems}
        assert by_row[7] == ("NIP", "No employee of this Pemda has NIP 199901012020121001.")
        assert by_row[8] == ("Tanggal", "Attendance is recorded for today or earlier.")
        assert by_row[9][0] == "Jam Hadir" and "from 0 to 24" in by_row[9][1]
        assert by_row[10][0] == "Status" and "Hadir, Cuti, Sakit, Dinas Luar" in by_row[10][1]
        assert by_row[11] == (
            "Jam Pulang",
            "Give both Jam Masuk and Jam Pulang, or the hours present in Jam Hadir.",
        )
        assert by_row[12][0] == "Jam Pulang" and "night shift" in by_row[12][1]
        assert by_row[13][0] == "Jam Hadir" and "leave them empty for Sakit" in by_row[13][1]
        assert by_row[15] == (
            "Tanggal",
            "This employee's attendance on this date is also in row 14.",
        )
        assert by_row[16][0] == "Tanggal" and "is not a date" in by_row[16][1]
        assert by_row[17] == ("NIP", "Lina Marlina is no longer active.")
        assert by_row[18][0] == "NIP"
        assert report.good_rows == 6  # rows.py's five and KADINKES on the 12th


def test_the_good_rows_only_are_imported_when_asked(org, english, queued):
    with org:
        table = rows() + [["199901012020121001", "2026-05-18", "Hadir", "", "", ""]]
        report = run(table, good_rows_only=True)
        assert report.written and report.bad_rows == 1
        assert Attendance.objects.count() == 5


def test_a_file_without_the_status_column_is_refused_whole(org, english, queued):
    with org:
        report = run([[ANALIS, "2026-05-18"]], headers=["NIP", "Tanggal"])
        assert report.unusable and not report.written
        assert report.errors[0].message == "The header row has no column “Status”."


def test_the_kinds_row_cap_is_the_engines_and_a_larger_file_is_refused(org, english, queued):
    from dataclasses import replace

    assert ATTENDANCE_ROWS_MAX == DEFAULT_LIMITS.rows == 100_000
    with org:
        table = [[ANALIS, f"2026-05-{day:02d}", "Hadir", "", "", ""] for day in range(1, 13)]
        report = table_import(
            kind="attendance",
            data=write_csv(HEADERS, table),
            filename="absensi.csv",
            limits=replace(DEFAULT_LIMITS, rows=10),
        )
        assert not report.written and report.unusable
        assert "split it into smaller files" in report.errors[0].message
        assert not Attendance.objects.exists()


def test_a_month_of_a_large_unit_is_written_in_batches_with_few_queries(org, queued):
    """200 people × 22 working days = 4,400 rows: more than two batches of upserts; the
    queries do not grow with the rows."""
    with org:
        unit = Unit.objects.get(code="DINKES")
        people = EmployeeFactory.create_batch(200, unit=unit, position__unit=unit)
        days = [
            datetime.date(2026, 4, 1) + datetime.timedelta(days=n)
            for n in range(30)
            if (datetime.date(2026, 4, 1) + datetime.timedelta(days=n)).isoweekday() < 6
        ][:22]
        table = [[p.nip, day.isoformat(), "Hadir", "7,5", "", ""] for p in people for day in days]
        with CaptureQueriesContext(connection) as captured:
            report = run(table)
        assert report.written and report.created == 4400
        assert Attendance.objects.filter(day__month=4).count() == 4400
        assert len(captured) <= 25, len(captured)


def test_only_the_admin_is_offered_the_attendance_import(org):
    with org:
        kinds = {
            user.username: {importer.kind for importer in importers_for(user)}
            for user in User.objects.filter(username__in=["admin", "atasan", "pimpinan"])
        }
        assert "attendance" in kinds["admin"]
        assert "attendance" not in kinds["atasan"] | kinds["pimpinan"]
        for nip in (ANALIS, KASUB, KADINKES):
            assert not AttendanceImporter().may_import(User.objects.get(nip=nip))


def test_the_template_file_has_the_columns_and_the_examples_import(people, org, queued):
    from openpyxl import load_workbook

    response = people["admin"].get("/import/template/attendance.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == HEADERS
    with org:
        assert run(table[1:], headers=table[0], xlsx=True).written
    assert people["employee"].get("/import/template/attendance.xlsx").status_code == 403


# --- The month's recompute --------------------------------------------------------------------


def approved(nip: str, day: datetime.date, minutes: int) -> Activity:
    return Activity.objects.create(
        employee=Employee.objects.get(nip=nip),
        day=day,
        name="Menyusun laporan",
        output_unit="Dokumen",
        minutes_per_unit=minutes,
        quantity=1,
        minutes=minutes,
        state="approved",
    )


def test_the_recompute_caps_approved_minutes_again_after_attendance_changed(org, queued):
    """Minutes approved while the day had 8 hours count only the 1.5 hours the corrected
    attendance says; the task runs the month for the Pemda named by its schema."""
    with org:
        approved(ANALIS, MONDAY, 240)
        run([[ANALIS, "2026-05-18", "Hadir", "8", "", ""]])
        assert activity_month_recompute_task(org.schema_name, "2026-05-18") >= 1
        index = MonthlyIndex.objects.get(employee__nip=ANALIS, month=datetime.date(2026, 5, 1))
        assert (index.approved_minutes, index.counted_minutes) == (240, 240)

        run([[ANALIS, "2026-05-18", "Hadir", "1,5", "", ""]])
        activity_month_recompute_task(org.schema_name, "2026-05-01")
        index.refresh_from_db()
        assert (index.approved_minutes, index.counted_minutes) == (240, 90)


def test_the_recompute_of_a_schema_that_is_no_pemda_or_not_active_does_nothing(org):
    from tenants.models import Pemda

    assert activity_month_recompute_task("no_such_schema", "2026-05-01") == 0
    with org:
        approved(ANALIS, MONDAY, 60)
    Pemda.objects.filter(pk=org.pk).update(status="suspended")
    assert activity_month_recompute_task(org.schema_name, "2026-05-01") == 0
    with org:
        assert not MonthlyIndex.objects.exists()


# --- The admin's page -------------------------------------------------------------------------


def page(unit="BKPSDMD.1.1", day=MONDAY, **extra) -> str:
    query = f"?unit={unit}&tanggal={day.isoformat()}"
    query += "".join(f"&{key}={value}" for key, value in extra.items())
    return URL + query


def ids_of(*nips) -> dict[str, int]:
    return dict(Employee.objects.filter(nip__in=nips).values_list("nip", "pk"))


def form(entries: dict[int, tuple[str, str]], fill: str = "") -> dict:
    data = {"ids": ",".join(str(pk) for pk in entries), "fill": fill}
    for pk, (status, hours) in entries.items():
        data[f"s-{pk}"] = status
        data[f"h-{pk}"] = hours
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 403),
        ("sekda", 403),
        ("head", 403),
        ("head_dinkes", 403),
        ("kabid", 403),
        ("kasub", 403),
        ("employee", 403),
    ],
)
def test_the_attendance_page_is_the_admins_only(people, persona, status):
    assert people[persona].get(URL).status_code == status
    assert people[persona].get(page()).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(people):
    response = people["anonymous"].get(page())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["mayor", "head", "kasub", "employee"])
def test_nobody_but_the_admin_records_attendance(people, org, persona, queued):
    with org:
        pk = ids_of(ANALIS)[ANALIS]
    response = people[persona].post(page(), form({pk: ("absent", "")}))
    assert response.status_code == 403
    with org:
        assert not Attendance.objects.exists()


def test_the_page_lists_the_units_people_with_their_day(people, org):
    with org:
        Attendance.objects.create(
            employee=Employee.objects.get(nip=ANALIS),
            day=MONDAY,
            status="present",
            hours_present=Decimal("7.25"),
        )
    response = people["admin"].get(page())
    assert response.status_code == 200
    listed = {row["person"].nip: (row["status"], row["hours"]) for row in response.context["rows"]}
    assert listed == {KASUB: ("", ""), ANALIS: ("present", "7,25"), PPPK: ("", "")}
    assert "Rudi Hartono" in response.content.decode()

    below = people["admin"].get(page(unit="BKPSDMD", bawah="on"))
    assert {row["person"].nip for row in below.context["rows"]} >= {ANALIS, KASUB, PPPK}
    assert STAF_DINKES not in {row["person"].nip for row in below.context["rows"]}
    alone = people["admin"].get(page(unit="BKPSDMD"))
    assert ANALIS not in {row["person"].nip for row in alone.context["rows"]}


def test_the_admin_saves_a_day_in_one_form(people, org, queued, django_capture_on_commit_callbacks):
    with org:
        pks = ids_of(ANALIS, PPPK, KASUB)
        Attendance.objects.create(employee_id=pks[KASUB], day=MONDAY, status="absent")
    entries = {
        pks[ANALIS]: ("present", "7,5"),
        pks[PPPK]: ("sick", ""),
        pks[KASUB]: ("", ""),  # emptied: the record goes
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = people["admin"].post(page(), form(entries))

    assert response.status_code == 302 and response["Location"].startswith(URL)
    with org:
        assert stored() == [
            (ANALIS, MONDAY, "present", Decimal("7.50"), "admin"),
            (PPPK, MONDAY, "sick", None, "admin"),
        ]
        event = AuditEvent.objects.get(action="activity.attendance.set")
        assert event.after["added"] == 2 and event.after["removed"] == 1
        assert {row["nip"] for row in event.after["people"]} == {ANALIS, PPPK, KASUB}
    assert queued == [(org.schema_name, "2026-05-01")]

    again = people["admin"].post(page(), form(entries))  # the same again: nothing to change
    assert again.status_code == 302
    with org:
        assert AuditEvent.objects.filter(action="activity.attendance.set").count() == 1


def test_rows_left_without_a_status_take_the_fill(people, org, queued):
    with org:
        pks = ids_of(ANALIS, PPPK, KASUB)
    entries = {pks[ANALIS]: ("leave", ""), pks[PPPK]: ("", ""), pks[KASUB]: ("", "")}
    assert people["admin"].post(page(), form(entries, fill="present")).status_code == 302
    with org:
        assert dict(Attendance.objects.values_list("employee__nip", "status")) == {
            ANALIS: "leave",
            PPPK: "present",
            KASUB: "present",
        }


def in_english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_bad_row_saves_nothing_and_the_page_says_which_and_why(people, org, english, queued):
    with org:
        pks = ids_of(ANALIS, PPPK, KASUB)
    entries = {
        pks[ANALIS]: ("present", "25"),
        pks[PPPK]: ("sick", "8"),
        pks[KASUB]: ("present", "8"),
    }
    response = in_english(people["admin"]).post(page(), form(entries))

    assert response.status_code == 400
    with org:
        assert not Attendance.objects.exists()
    rows = {row["person"].nip: row for row in response.context["rows"]}
    assert "from 0 to 24" in rows[ANALIS]["error"] and rows[ANALIS]["hours"] == "25"
    assert "leave them empty" in rows[PPPK]["error"]
    assert rows[KASUB]["error"] == "" and rows[KASUB]["status"] == "present"
    assert queued == []


def test_a_day_to_come_is_refused(people, org, english, queued):
    with org:
        pk = ids_of(ANALIS)[ANALIS]
    response = in_english(people["admin"]).post(
        page(day=TODAY + datetime.timedelta(days=1)), form({pk: ("present", "")})
    )
    assert response.status_code == 400
    assert "today or earlier" in response.content.decode()
    with org:
        assert not Attendance.objects.exists()


def test_rows_of_another_unit_or_unknown_people_are_refused(people, org, queued):
    with org:
        staff = ids_of(STAF_DINKES)[STAF_DINKES]
    assert people["admin"].post(page(), form({staff: ("absent", "")})).status_code == 400
    assert people["admin"].post(page(), form({987654: ("absent", "")})).status_code == 400
    assert people["admin"].post(page(), {"ids": "x,y"}).status_code == 400
    with org:
        assert not Attendance.objects.exists()


def test_an_unknown_unit_or_a_bad_date_is_said_not_stored(people, org):
    response = people["admin"].get(page(unit="NOPE"))
    assert response.status_code == 200 and "NOPE" in response.content.decode()
    assert "rows" not in response.context or not response.context.get("unit")
    assert people["admin"].get(URL + "?unit=BKPSDMD&tanggal=2026-13-40").status_code == 200


def test_another_pemdas_admin_reaches_none_of_these_people(org, jambi_client, queued):
    with org:
        pk = ids_of(ANALIS)[ANALIS]
    assert login(jambi_client, "admin", JAMBI_PASSWORD).status_code == 302
    response = jambi_client.post(page(), form({pk: ("absent", "")}))
    assert response.status_code == 400
    with org:
        assert not Attendance.objects.exists()


def test_the_page_runs_the_same_queries_for_3_or_40_people(people, org):
    client = people["admin"]
    client.get(page(unit="DINKES"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(page(unit="DINKES")).status_code == 200
    with org:
        unit = Unit.objects.get(code="DINKES")
        for person in EmployeeFactory.create_batch(38, unit=unit, position__unit=unit):
            Attendance.objects.create(employee=person, day=MONDAY, status="present")
    with CaptureQueriesContext(connection) as many:
        response = client.get(page(unit="DINKES"))
    assert len(response.context["rows"]) == 40
    assert len(many) == len(few), [q["sql"][:80] for q in many]


def test_a_day_of_a_year_long_gone_is_refused_and_recomputes_nothing(org, queued, english):
    """Schemathesis recorded a day of 1722, and the worker then computed a month of 1722
    for everyone."""
    from core.activity.attendance import attendance_day_set

    with org:
        analyst = Employee.objects.get(nip=ANALIS)
        with pytest.raises(services.ActivityError, match="this year and last year"):
            attendance_day_set(
                by=User.objects.get(username="admin"),
                day=datetime.date(1722, 10, 1),
                entries={analyst.pk: ("present", "8")},
            )
        assert not Attendance.objects.filter(day__year=1722).exists()
        assert queued == []
