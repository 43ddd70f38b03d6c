"""Writes of the daily activity log: logging, changing and removing an entry (its owner),
approving and rejecting entries (the owner's atasan), and attendance (the BKPSDMD admin).

Every rule is core.activity.rules; the Pemda's settings are read here and passed in.
Who may do what follows core.org.access: an employee logs only for themself; only the
owner's atasan (never the owner) decides; the admin records attendance; leaders read.
An entry is changed only while it waits for approval and its day's window is open; a
decided entry never changes (a rejected one is logged again). Decisions are
compare-and-set on the entry's state, so two approvers (or a double click) decide once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import Role
from core.activity import rules
from core.activity.models import Activity, ActivityState, Attendance, AttendanceSource, Holiday
from core.config.selectors import setting_get
from core.org.access import access_for, employee_of
from core.org.models import ActivityNorm, Employee
from core.performance.models import Rhk

QUANTITY_MAX = Decimal("9999999.99")
OUTPUT_MAX = 500
REASON_MAX = 500
PHOTO_MAX_BYTES = 5 * 1024 * 1024
BULK_MAX = 500  # entries decided in one request


class ActivityError(Exception):
    """A rule refused the change; the message is for the user."""


@dataclass(frozen=True)
class Calendar:
    """The Pemda's working calendar and log settings, read once per request."""

    weekdays: frozenset[int]
    holidays: frozenset[date]
    days_open: int
    max_minutes_per_day: int
    attendance_required: bool

    def working(self, day: date) -> bool:
        return rules.is_working_day(day, weekdays=self.weekdays, holidays=self.holidays)


def calendar_current(first: date | None = None, last: date | None = None) -> Calendar:
    """The settings (``activity.*``, with Perpres 21/2023's defaults) and the holidays
    between ``first`` and ``last`` (all of them when not given): one query."""
    holidays = Holiday.objects.all()
    if first is not None:
        holidays = holidays.filter(day__gte=first)
    if last is not None:
        holidays = holidays.filter(day__lte=last)
    weekdays = setting_get("activity.working_weekdays", sorted(rules.DEFAULT_WEEKDAYS))
    return Calendar(
        weekdays=frozenset(int(day) for day in weekdays),
        holidays=frozenset(holidays.values_list("day", flat=True)),
        days_open=int(setting_get("activity.entry_days_open", 3)),
        max_minutes_per_day=int(
            setting_get("activity.max_minutes_per_day", rules.DEFAULT_MAX_MINUTES_PER_DAY)
        ),
        attendance_required=bool(setting_get("activity.attendance_required", False)),
    )


def today_local() -> date:
    """Today in the Pemda's time zone (activated per request by the tenant middleware)."""
    return timezone.localdate()


def _quantity(value) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        number = None
    if number is None or not number.is_finite():
        raise ActivityError(_("The quantity must be a number."))
    if number <= 0:
        raise ActivityError(_("The quantity must be more than 0."))
    if number > QUANTITY_MAX:
        raise ActivityError(_("The quantity is too large."))
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _day(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActivityError(_("Give the date as YYYY-MM-DD.")) from None


def _minutes(norm: ActivityNorm, quantity: Decimal) -> int:
    total = (quantity * norm.minutes_per_unit).to_integral_value(rounding=ROUND_HALF_UP)
    return int(total)


def _logged_minutes(employee_id: int, day: date, *, excluding: int | None = None) -> int:
    entries = Activity.objects.filter(employee_id=employee_id, day=day).exclude(
        state=ActivityState.REJECTED
    )
    if excluding is not None:
        entries = entries.exclude(pk=excluding)
    return entries.aggregate(total=Sum("minutes"))["total"] or 0


def _refusal_check(employee: Employee, day: date, minutes: int, *, excluding=None) -> None:
    calendar = calendar_current(day, today_local() if day < today_local() else day)
    attendance = Attendance.objects.filter(employee=employee, day=day).first()
    refusal = rules.activity_refusal(
        day,
        today_local(),
        status=attendance.status if attendance else None,
        hours_present=attendance.hours_present if attendance else None,
        minutes=minutes,
        logged_minutes=_logged_minutes(employee.pk, day, excluding=excluding),
        weekdays=calendar.weekdays,
        holidays=calendar.holidays,
        days_open=calendar.days_open,
        max_minutes_per_day=calendar.max_minutes_per_day,
        attendance_required=calendar.attendance_required,
    )
    if refusal:
        raise ActivityError(refusal)


def _norm_for(employee: Employee, norm) -> ActivityNorm:
    """An activity of the catalogue (norma waktu) of the Pemda."""
    norm_id = norm.pk if isinstance(norm, ActivityNorm) else norm
    try:
        return ActivityNorm.objects.get(pk=int(norm_id))
    except (ActivityNorm.DoesNotExist, TypeError, ValueError):
        raise ActivityError(_("Choose an activity from the catalogue.")) from None


def _rhk_for(employee: Employee, day: date, rhk) -> Rhk | None:
    if rhk in (None, ""):
        return None
    rhk_id = rhk.pk if isinstance(rhk, Rhk) else rhk
    try:
        return Rhk.objects.get(pk=int(rhk_id), skp__employee=employee, skp__year=day.year)
    except (Rhk.DoesNotExist, TypeError, ValueError):
        raise ActivityError(_("Choose an RHK of your SKP of that year.")) from None


def _text(value, limit: int, what: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise ActivityError(
            _("%(what)s is at most %(n)s characters long.") % {"what": what, "n": limit}
        )
    return text


def _photo(upload) -> tuple[str, str]:
    """An evidence photo or file: JPG, PNG or PDF by its content, at most 5 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ActivityError(
            _("The file is larger than %(n)s MB.") % {"n": PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kinds = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"%PDF-": "pdf"}
    kind = next((k for prefix, k in kinds.items() if head.startswith(prefix)), None)
    name = (upload.name or "").lower()
    expected = {"jpg": (".jpg", ".jpeg"), "png": (".png",), "pdf": (".pdf",)}
    if kind is None or not name.endswith(expected[kind]):
        raise ActivityError(
            _("Evidence must be a real JPG, PNG or PDF file; %(name)s is not one.")
            % {"name": (upload.name or "")[:100]}
        )
    return kind, (upload.name or "")[-200:]


def _owner_check(by) -> Employee:
    me = employee_of(by)
    if me is None:
        raise PermissionDenied(_("Only employees log activities."))
    return me


@transaction.atomic
def activity_log(*, by, day, norm, quantity, output="", rhk=None, evidence=None) -> Activity:
    """1. The user logs for themself (nobody logs for another).
    2. The activity comes from the catalogue; minutes = quantity × its norma waktu.
    3. The day's rules (core.activity.rules.activity_refusal): not future, a working day,
       within the window, attendance allowing work, within the day's cap.
    4. The entry waits for the user's atasan; the evidence file is checked by content."""
    me = _owner_check(by)
    day = _day(day)
    norm = _norm_for(me, norm)
    quantity = _quantity(quantity)
    minutes = _minutes(norm, quantity)
    output = _text(output, OUTPUT_MAX, _("The output"))
    rhk = _rhk_for(me, day, rhk)
    # One writer per person and day: two tabs cannot both pass the day's cap.
    list(Employee.objects.select_for_update().filter(pk=me.pk).values_list("pk"))
    _refusal_check(me, day, minutes)
    entry = Activity(
        employee=me,
        day=day,
        norm=norm,
        name=norm.name[:300],
        output_unit=norm.output_unit,
        minutes_per_unit=norm.minutes_per_unit,
        quantity=quantity,
        minutes=minutes,
        output=output,
        rhk=rhk,
        approver_id=me.atasan_id,
    )
    if evidence:
        kind, name = _photo(evidence)
        entry.evidence_name = name
        entry.evidence.save(
            f"{connection.schema_name}/{uuid.uuid4().hex}.{kind}", evidence, save=False
        )
    entry.save()
    return entry


def _own_pending(by, entry: Activity) -> Activity:
    me = _owner_check(by)
    if entry.employee_id != me.pk:
        raise PermissionDenied(_("Only the owner changes an activity."))
    locked = Activity.objects.select_for_update().get(pk=entry.pk)
    if locked.state != ActivityState.PENDING:
        raise ActivityError(
            _("This activity has been %(state)s; it can no longer change.")
            % {"state": ActivityState(locked.state).label.lower()}
        )
    return locked


@transaction.atomic
def activity_update(*, by, entry: Activity, quantity, output="", rhk=None) -> Activity:
    """The owner changes the quantity, output or RHK of an entry still waiting, within its
    day's window and cap."""
    locked = _own_pending(by, entry)
    quantity = _quantity(quantity)
    minutes = int((quantity * locked.minutes_per_unit).to_integral_value(rounding=ROUND_HALF_UP))
    list(Employee.objects.select_for_update().filter(pk=locked.employee_id).values_list("pk"))
    _refusal_check(locked.employee, locked.day, minutes, excluding=locked.pk)
    Activity.objects.filter(pk=locked.pk).update(
        quantity=quantity,
        minutes=minutes,
        output=_text(output, OUTPUT_MAX, _("The output")),
        rhk=_rhk_for(locked.employee, locked.day, rhk),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def activity_delete(*, by, entry: Activity) -> None:
    """The owner removes an entry still waiting, while its day's window is open."""
    locked = _own_pending(by, entry)
    calendar = calendar_current(locked.day)
    if not rules.entry_window_open(
        locked.day,
        today_local(),
        days_open=calendar.days_open,
        weekdays=calendar.weekdays,
        holidays=calendar.holidays,
    ):
        raise ActivityError(_("The time to change the activities of that day has passed."))
    file = locked.evidence
    locked.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))


def may_decide(user, entry: Activity) -> bool:
    """The owner's atasan, never the owner."""
    access = access_for(user, entry)
    return access.appraise and not access.own


@transaction.atomic
def activities_decide(*, by, ids: Iterable, approve: bool, reason: str = "") -> int:
    """Approve or reject entries waiting for ``by``, one or many (at most BULK_MAX) in one
    statement; returns how many were decided. Entries ``by`` may not decide refuse the
    whole request (nothing decided); entries decided meanwhile are skipped (compare-and-set
    on the state). A rejection needs a reason."""
    me = employee_of(by)
    if me is None:
        raise PermissionDenied(_("Only the atasan approves activities."))
    try:
        wanted = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError):
        raise ActivityError(_("Choose the activities to decide.")) from None
    if not wanted:
        raise ActivityError(_("Choose the activities to decide."))
    if len(wanted) > BULK_MAX:
        raise ActivityError(_("Decide at most %(n)s activities at once.") % {"n": BULK_MAX})
    reason = _text(reason, REASON_MAX, _("The reason"))
    if not approve and not reason:
        raise ActivityError(_("Say why the activity is rejected."))
    visible = Activity.objects.visible_to(by).filter(pk__in=wanted)
    rows = list(
        visible.values_list(
            "pk", "employee_id", "employee__atasan_override_id", "employee__derived_atasan_id"
        )
    )
    if len(rows) != len(wanted):
        raise PermissionDenied(_("Some of these activities are not yours to decide."))
    for _pk, owner, override, derived in rows:
        atasan = override or derived
        if owner == me.pk or atasan != me.pk:
            raise PermissionDenied(_("Only the owner's atasan approves their activities."))
    decided = Activity.objects.filter(pk__in=wanted, state=ActivityState.PENDING).update(
        state=ActivityState.APPROVED if approve else ActivityState.REJECTED,
        reject_reason="" if approve else reason,
        decided_by=by,
        decided_at=timezone.now(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    return decided


# --- Attendance -----------------------------------------------------------------------------


def may_record_attendance(user) -> bool:
    return user.is_authenticated and user.role == Role.TENANT_ADMIN


@transaction.atomic
def attendance_set(*, by, employee: Employee, day, status, hours_present=None) -> Attendance:
    """The admin records one day of one employee (imports go through the import engine)."""
    if not may_record_attendance(by):
        raise PermissionDenied(_("Only the BKPSDMD admin records attendance."))
    day = _day(day)
    if day > today_local():
        raise ActivityError(_("Attendance is recorded for today or earlier."))
    try:
        status = rules.attendance_status_parse(status)
    except ValueError:
        status = None
    if status is None:
        raise ActivityError(_("Choose the attendance status."))
    hours = None
    if hours_present not in (None, ""):
        try:
            hours = Decimal(str(hours_present).replace(",", "."))
        except InvalidOperation:
            hours = None
        if hours is None or not hours.is_finite() or not 0 <= hours <= 24:
            raise ActivityError(_("Hours present must be a number from 0 to 24."))
        hours = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    record, _created = Attendance.objects.update_or_create(
        employee=employee,
        day=day,
        defaults={"status": status, "hours_present": hours, "source": AttendanceSource.ADMIN},
    )
    return record
