"""Attendance entered by the BKPSDMD admin for many people at once (a unit's day on one
page), and what the page and the import (core.activity.imports, kind ``attendance``) share:
reading a status, hours present or a clock time, and the rules a day's attendance must
pass. One record per employee and day (core.activity.models.Attendance).

Attendance changes the cap of the days it covers (core.activity.rules.day_cap): minutes
approved before a correction may now exceed it, which the month's recompute caps again
(core.activity.indices.month_recompute). Every write here therefore queues the recompute
of the months it touched once it commits (``indices.month_recompute_enqueue``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.activity import rules
from core.activity.audit import ATTENDANCE_SET
from core.activity.indices import month_recompute_enqueue
from core.activity.models import Attendance, AttendanceSource
from core.activity.rules import AttendanceStatus
from core.activity.services import ActivityError, may_record_attendance
from core.audit.services import audit_record
from core.org.models import Employee, Unit

HOURS_MAX = Decimal(24)
TWO_PLACES = Decimal("0.01")
AUDIT_ROWS_MAX = 200  # people listed in one audit record of a day's changes

# The words attendance machines and admins use, Indonesian and English (compared without
# case, spaces or punctuation), and the word a file of this Pemda shows for each status.
STATUS_WORDS = {
    "hadir": AttendanceStatus.PRESENT,
    "present": AttendanceStatus.PRESENT,
    "cuti": AttendanceStatus.LEAVE,
    "leave": AttendanceStatus.LEAVE,
    "onleave": AttendanceStatus.LEAVE,
    "sakit": AttendanceStatus.SICK,
    "sick": AttendanceStatus.SICK,
    "dinasluar": AttendanceStatus.DUTY_TRAVEL,
    "dutytravel": AttendanceStatus.DUTY_TRAVEL,
    "ondutytravel": AttendanceStatus.DUTY_TRAVEL,
    "tidakhadir": AttendanceStatus.ABSENT,
    "absent": AttendanceStatus.ABSENT,
}
STATUS_IN_FILES = {
    AttendanceStatus.PRESENT: "Hadir",
    AttendanceStatus.LEAVE: "Cuti",
    AttendanceStatus.SICK: "Sakit",
    AttendanceStatus.DUTY_TRAVEL: "Dinas Luar",
    AttendanceStatus.ABSENT: "Tidak Hadir",
}


def _key(raw) -> str:
    return "".join(ch for ch in str(raw).lower() if ch.isalnum())


def status_parse(raw) -> AttendanceStatus | None:
    """A status from its Indonesian or English word; None when empty. An unknown word
    raises ActivityError naming the words allowed."""
    if raw is None or not str(raw).strip():
        return None
    found = STATUS_WORDS.get(_key(raw))
    if found is None:
        raise ActivityError(
            _(
                "“%(value)s” is not an attendance status: use Hadir, Cuti, Sakit, Dinas Luar "
                "or Tidak Hadir (or present, leave, sick, duty_travel, absent)."
            )
            % {"value": str(raw).strip()[:40]}
        )
    return found


def _hours_of_clock(value: datetime.time | datetime.timedelta) -> Decimal:
    if isinstance(value, datetime.timedelta):
        seconds = Decimal(int(value.total_seconds()))
    else:
        seconds = Decimal(value.hour * 3600 + value.minute * 60 + value.second)
    return seconds / 3600


def _hours_refused() -> ActivityError:
    return ActivityError(
        _("Hours present must be a number from 0 to 24 (such as 7.5), or hours:minutes.")
    )


def hours_parse(raw) -> Decimal | None:
    """Hours present: a number (7.5 or 7,5), hours:minutes (7:30), or an Excel time or
    duration; None when empty. Outside 0–24 raises ActivityError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise _hours_refused()
    if isinstance(raw, datetime.datetime):
        raw = raw.time()
    if isinstance(raw, datetime.time | datetime.timedelta):
        hours = _hours_of_clock(raw)
    elif isinstance(raw, int | float | Decimal):
        try:
            hours = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except InvalidOperation:
            raise _hours_refused() from None
    else:
        text = str(raw).strip()
        if ":" in text:
            hours = _hours_of_clock(_clock_text(text, _hours_refused))
        else:
            try:
                hours = Decimal(text.replace(",", "."))
            except InvalidOperation:
                raise _hours_refused() from None
    if not hours.is_finite() or not 0 <= hours <= HOURS_MAX:
        raise _hours_refused()
    return hours.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _clock_refused() -> ActivityError:
    return ActivityError(_("A time of day is written HH:MM, such as 07:30 or 16.00."))


def _clock_text(text: str, refused) -> datetime.time:
    parts = text.replace(".", ":").split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isdigit() and len(part) <= 2 for part in parts):
        raise refused()
    numbers = [int(part) for part in parts] + [0]
    try:
        return datetime.time(numbers[0], numbers[1], numbers[2])
    except ValueError:
        raise refused() from None


def clock_parse(raw) -> datetime.time | None:
    """A time of day (Jam Masuk, Jam Pulang): text HH:MM (also HH.MM and HH:MM:SS), or an
    Excel time; None when empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.time()
    if isinstance(raw, datetime.time):
        return raw
    if isinstance(raw, float) and 0 <= raw < 1:  # an Excel time without its format
        seconds = round(raw * 86400)
        return datetime.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    return _clock_text(str(raw).strip(), _clock_refused)


def hours_between(time_in: datetime.time, time_out: datetime.time) -> Decimal:
    """Hours present from the clock-in and clock-out times of one day. A clock-out that is
    not after the clock-in is refused: it is usually a swapped column, and a night shift
    across midnight is better given as hours present."""
    start = time_in.hour * 3600 + time_in.minute * 60 + time_in.second
    end = time_out.hour * 3600 + time_out.minute * 60 + time_out.second
    if end <= start:
        raise ActivityError(
            _(
                "The clock-out time %(out)s is not after the clock-in time %(in)s. For a "
                "night shift that ends the next day, give the hours present instead."
            )
            % {"out": time_out.strftime("%H:%M"), "in": time_in.strftime("%H:%M")}
        )
    return (Decimal(end - start) / 3600).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def attendance_refusal(
    *, day: datetime.date, today: datetime.date, status, hours: Decimal | None
) -> str | None:
    """Why a day's attendance cannot be recorded, or None: a day that has not come yet;
    hours present on a day of leave, sickness or absence (they allow no work, so hours
    would contradict the status)."""
    if day > today:
        return _("Attendance is recorded for today or earlier.")
    if day.year < today.year - 1:  # "1722-10-01" would recompute a month of 1722 (Schemathesis)
        return _("Attendance is recorded for this year and last year only.")
    if hours and status not in rules.LOGGING_STATUSES:
        return _(
            "Hours present are recorded only for a day present or on duty travel; leave "
            "them empty for %(status)s."
        ) % {"status": STATUS_IN_FILES[AttendanceStatus(status)]}
    return None


def today_local() -> datetime.date:
    """Today in the Pemda's time zone, also on a worker (where no request activated it)."""
    from core.activity import services

    zone = getattr(connection.tenant, "time_zone", None)
    if zone:
        with timezone.override(zone):
            return services.today_local()
    return services.today_local()


# --- A unit's day, for the admin ------------------------------------------------------------


def attendance_day_people(*, unit: Unit, below: bool):
    """The active employees of ``unit`` (and of every unit below it when ``below``), in the
    order of the tree, then by name."""
    people = Employee.objects.filter(is_active=True)
    if below:
        people = people.filter(Q(unit=unit) | Q(unit__tree_path__startswith=unit.tree_path + "/"))
    else:
        people = people.filter(unit=unit)
    return people.select_related("position", "unit").order_by("unit__tree_path", "name", "pk")


def attendance_of_day(*, employee_ids: Iterable[int], day: datetime.date) -> dict[int, Attendance]:
    return {
        record.employee_id: record
        for record in Attendance.objects.filter(employee_id__in=list(employee_ids), day=day)
    }


class AttendanceRowsError(ActivityError):
    """Some rows of the day are refused; ``errors`` = {employee id: message}. Nothing was
    stored."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(
            ngettext(
                "%(n)s row could not be saved; nothing was changed.",
                "%(n)s rows could not be saved; nothing was changed.",
                len(errors),
            )
            % {"n": len(errors)}
        )
        self.errors = errors


@dataclass(frozen=True)
class DaySaved:
    added: int
    changed: int
    removed: int
    unchanged: int

    @property
    def touched(self) -> int:
        return self.added + self.changed + self.removed


def _row_values(status_raw, hours_raw, *, day, today):
    """(status, hours) of one row of the page, or raises ActivityError."""
    status = status_parse(status_raw)
    hours = hours_parse(hours_raw)
    if status is None:
        if hours is not None:
            raise ActivityError(_("Choose the status, or leave the hours empty."))
        return None, None
    refusal = attendance_refusal(day=day, today=today, status=status, hours=hours)
    if refusal:
        raise ActivityError(refusal)
    return status, hours


@transaction.atomic
def attendance_day_set(
    *, by, day: datetime.date, entries: Mapping[int, tuple], today: datetime.date | None = None
) -> DaySaved:
    """Record one day's attendance for many employees at once: ``entries`` = {employee id:
    (status, hours present)} as typed (an empty status removes the day's record).

    1. Only the BKPSDMD admin; not a day to come; every employee of this Pemda and active.
    2. Every row is checked first; any bad row refuses them all (AttendanceRowsError).
    3. Changed rows are written in one upsert, removed ones in one delete, with source
       "admin"; an unchanged row is not touched.
    4. One audit record lists who changed (the first AUDIT_ROWS_MAX people), and the
       month's recompute is queued after the commit.
    """
    if not may_record_attendance(by):
        raise PermissionDenied(_("Only the BKPSDMD admin records attendance."))
    today = today or today_local()
    refused = attendance_refusal(day=day, today=today, status=None, hours=None)
    if refused:
        raise ActivityError(refused)
    ids = sorted({int(pk) for pk in entries})
    employees = {
        employee.pk: employee
        for employee in Employee.objects.filter(pk__in=ids, is_active=True).only("pk", "nip")
    }
    if len(employees) != len(ids):
        raise ActivityError(_("Some of these people are not active employees of this Pemda."))
    errors, wanted = {}, {}
    for pk in ids:
        status_raw, hours_raw = entries[pk]
        try:
            wanted[pk] = _row_values(status_raw, hours_raw, day=day, today=today)
        except ActivityError as exc:
            errors[pk] = str(exc)
    if errors:
        raise AttendanceRowsError(errors)

    # Locked, so two admins saving the same day write one after the other.
    current = {
        record.employee_id: record
        for record in Attendance.objects.select_for_update().filter(employee_id__in=ids, day=day)
    }
    upserts, removals, before, after = [], [], [], []
    unchanged = 0
    for pk, (status, hours) in wanted.items():
        record = current.get(pk)
        old = (record.status, record.hours_present) if record else (None, None)
        if old == (status, hours):
            unchanged += 1
            continue
        nip = employees[pk].nip
        before.append({"nip": nip, "status": old[0], "hours": old[1]})
        after.append({"nip": nip, "status": status, "hours": hours})
        if status is None:
            removals.append(record.pk)
        else:
            upserts.append(
                Attendance(
                    employee_id=pk,
                    day=day,
                    status=status,
                    hours_present=hours,
                    source=AttendanceSource.ADMIN,
                )
            )
    Attendance.objects.bulk_create(
        upserts,
        update_conflicts=True,
        unique_fields=["employee", "day"],
        update_fields=["status", "hours_present", "source", "updated_at"],
    )
    Attendance.objects.filter(pk__in=removals).delete()
    added = sum(1 for record in upserts if record.employee_id not in current)
    saved = DaySaved(
        added=added,
        changed=len(upserts) - added,
        removed=len(removals),
        unchanged=unchanged,
    )
    if saved.touched:
        audit_record(
            action=ATTENDANCE_SET,
            object_type="activity.attendance",
            object_id=day.isoformat(),
            object_repr=_("Attendance of %(day)s") % {"day": day.isoformat()},
            before={"people": before[:AUDIT_ROWS_MAX]},
            after={
                "people": after[:AUDIT_ROWS_MAX],
                "added": saved.added,
                "changed": saved.changed,
                "removed": saved.removed,
            },
            by=by,
        )
        month_recompute_enqueue([day])
    return saved
