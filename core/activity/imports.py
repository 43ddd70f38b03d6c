"""The attendance import (kind ``attendance``): a month of the attendance machines' export,
through the import engine (core.importing): CSV or .xlsx, all or nothing, every bad row
listed, and importing the same file again changes nothing.

One row is one employee's day: ``NIP``, ``Tanggal``, ``Status`` (Hadir, Cuti, Sakit, Dinas
Luar, Tidak Hadir, or present, leave, sick, duty_travel, absent) and the hours present,
either as ``Jam Hadir`` (7.5 or 7:30) or as the machine's ``Jam Masuk`` and ``Jam Pulang``
(HH:MM), from which the hours are computed. Each (NIP, date) is upserted; a record entered
by the admin is replaced by the file's. The words and rules are those of the admin's page
(core.activity.attendance).

Size: the engine refuses a file of more than ``ATTENDANCE_ROWS_MAX`` data rows (its own
limit, core.importing.limits), so a Pemda of 15,000 employees imports a month of 22 working
days (330,000 rows) as several files, e.g. one per week or per OPD. Rows are written in
batches of ``BATCH`` upserts; the days already stored are read a batch of days at a time.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.activity.attendance import (
    attendance_refusal,
    clock_parse,
    hours_between,
    hours_parse,
    status_parse,
    today_local,
)
from core.activity.indices import month_recompute_enqueue
from core.activity.models import Attendance, AttendanceSource
from core.activity.services import ActivityError
from core.importing import columns as cells
from core.importing.columns import CellError, Column
from core.importing.engine import Importer, importer_register
from core.importing.limits import DEFAULT_LIMITS
from core.importing.report import ImportReport
from core.org.models import Employee
from core.org.nip import NIPError, nip_parse

# The engine reads at most this many data rows of a file; this kind asks for no more.
ATTENDANCE_ROWS_MAX = DEFAULT_LIMITS.rows
BATCH = 2000  # rows per upsert statement
DAYS_PER_READ = 7  # days of stored attendance read per query when comparing


# --- Cells --------------------------------------------------------------------------------
# A month's file repeats each NIP and each date thousands of times: each distinct text is
# parsed once (an error is not cached, and is raised again for each of its cells).


@lru_cache(maxsize=32768)
def _nip_of(raw: str) -> str:
    try:
        return nip_parse(raw).value
    except NIPError as exc:
        raise CellError(str(exc)) from None


def _nip(value):
    return _nip_of("".join(cells.text(30)(value).split()))


@lru_cache(maxsize=4096)
def _date_of(raw: str):
    return cells.date(raw)


def _day(value):
    if isinstance(value, str):
        day = _date_of(value.strip())
    else:
        day = cells.date(value)
    if day is None:
        raise CellError(_("This cell is empty."))
    return day


def _cell(parse):
    """A parser of core.activity.attendance as a cell parser (its refusal, a cell error);
    a text is parsed once per distinct text."""
    parse_text = lru_cache(maxsize=4096)(parse)

    def read(value):
        if isinstance(value, str) and "\x00" in value:
            cells.text(len(value))(value)  # the engine's own words for a control character
        try:
            return parse_text(value) if isinstance(value, str) else parse(value)
        except ActivityError as exc:
            raise CellError(str(exc)) from None

    return read


_status_of = _cell(status_parse)


def _status(value):
    status = _status_of(value)
    if status is None:
        raise CellError(_("This cell is empty."))
    return status


class AttendanceImporter(Importer):
    kind = "attendance"
    label = gettext_lazy("Attendance")
    order = 50
    columns = [
        Column("NIP", "nip", _nip),
        Column("Tanggal", "day", _day),
        Column("Status", "status", _status),
        Column("Jam Hadir", "hours", _cell(hours_parse), required=False),
        Column("Jam Masuk", "time_in", _cell(clock_parse), required=False),
        Column("Jam Pulang", "time_out", _cell(clock_parse), required=False),
    ]
    examples = [
        ["199001012015031005", "2026-05-18", "Hadir", "", "07:28", "16:05"],
        ["199001012015031005", "2026-05-19", "Dinas Luar", 8, "", ""],
        ["199505052023212006", "2026-05-18", "Cuti", "", "", ""],
        ["199505052023212006", "2026-05-19", "Hadir", "7,5", "", ""],
    ]

    def _employees(self, records) -> dict[str, tuple[int, bool, str]]:
        nips = list({record["nip"] for record in records if record.get("nip")})
        found = {}
        for start in range(0, len(nips), 10000):
            found.update(
                (nip, (pk, active, name))
                for pk, nip, active, name in Employee.objects.filter(
                    nip__in=nips[start : start + 10000]
                ).values_list("pk", "nip", "is_active", "name")
            )
        return found

    def validate(self, records, report: ImportReport) -> None:
        """Every NIP is an active employee of this Pemda; no date is still to come; the
        hours come from Jam Hadir or from both Jam Masuk and Jam Pulang, never more than
        24, and only on a day present or on duty travel; an employee's date appears once.
        The hours found are kept on the record (``hours``) for ``write``."""
        if len(records) > ATTENDANCE_ROWS_MAX:  # the engine refuses earlier; kept explicit
            report.file_error(
                "",
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": ATTENDANCE_ROWS_MAX},
            )
            return
        employees = self._employees(records)
        today = today_local()
        seen: dict[tuple, int] = {}
        for record in records:
            nip = record.get("nip")
            employee = employees.get(nip) if nip else None
            if nip and employee is None:
                self.reject(
                    report,
                    record,
                    "nip",
                    _("No employee of this Pemda has NIP %(nip)s.") % {"nip": nip},
                )
            elif employee is not None and not employee[1]:
                self.reject(
                    report,
                    record,
                    "nip",
                    _("%(name)s is no longer active.") % {"name": employee[2]},
                )
            day = record.get("day")
            if employee is not None and day is not None:
                key = (employee[0], day)
                if key in seen:
                    self.reject(
                        report,
                        record,
                        "day",
                        _("This employee's attendance on this date is also in row %(row)s.")
                        % {"row": seen[key]},
                    )
                else:
                    seen[key] = record["_row"]
            if day is not None and (day > today or day.year < today.year - 1):
                refused = attendance_refusal(day=day, today=today, status=None, hours=None)
                self.reject(report, record, "day", refused)
            self._hours_check(record, report)
            status = record.get("status")
            if status is not None and record.get("hours"):
                refused = attendance_refusal(
                    day=today, today=today, status=status, hours=record["hours"]
                )
                if refused:
                    self.reject(report, record, "hours", refused)

    def _hours_check(self, record: dict, report: ImportReport) -> None:
        """Jam Hadir as given, else from Jam Masuk and Jam Pulang (both, or neither)."""
        if "hours" not in record or "time_in" not in record or "time_out" not in record:
            return  # a cell of these could not be read: already reported
        time_in, time_out = record.pop("time_in"), record.pop("time_out")
        if record["hours"] is not None or (time_in is None and time_out is None):
            return
        if time_in is None or time_out is None:
            self.reject(
                report,
                record,
                "time_in" if time_in is None else "time_out",
                _("Give both Jam Masuk and Jam Pulang, or the hours present in Jam Hadir."),
            )
            del record["hours"]
            return
        try:
            record["hours"] = hours_between(time_in, time_out)
        except ActivityError as exc:
            self.reject(report, record, "time_out", str(exc))
            del record["hours"]

    def write(self, records, report: ImportReport) -> None:
        """1. Read the stored attendance of the file's people, a few days at a time, to tell
        new, changed and unchanged days apart. 2. Upsert the new and changed ones in
        batches (source "import"). 3. Queue the recompute of the months that changed."""
        employees = self._employees(records)
        ids = sorted({employees[record["nip"]][0] for record in records})
        wanted = {
            (employees[record["nip"]][0], record["day"]): (record["status"], record["hours"])
            for record in records
        }
        days = sorted({day for _pk, day in wanted})
        stored: dict[tuple, tuple] = {}
        for start in range(0, len(days), DAYS_PER_READ):
            chunk = days[start : start + DAYS_PER_READ]
            for employee_id, day, status, hours in (
                Attendance.objects.filter(day__in=chunk, employee_id__in=ids)
                .values_list("employee_id", "day", "status", "hours_present")
                .iterator(chunk_size=BATCH)
            ):
                if (employee_id, day) in wanted:
                    stored[(employee_id, day)] = (status, hours)
        batch, touched_days = [], set()
        for (employee_id, day), values in wanted.items():
            old = stored.get((employee_id, day))
            if old == values:
                report.unchanged += 1
                continue
            if old is None:
                report.created += 1
            else:
                report.updated += 1
            touched_days.add(day)
            batch.append(
                Attendance(
                    employee_id=employee_id,
                    day=day,
                    status=values[0],
                    hours_present=values[1],
                    source=AttendanceSource.IMPORT,
                )
            )
            if len(batch) == BATCH:
                self._upsert(batch)
                batch = []
        self._upsert(batch)
        month_recompute_enqueue(touched_days)

    @staticmethod
    def _upsert(batch: list[Attendance]) -> None:
        if batch:
            Attendance.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["employee", "day"],
                update_fields=["status", "hours_present", "source", "updated_at"],
            )


ATTENDANCE_IMPORTER = importer_register(AttendanceImporter())
