"""Writes of the daily activity log: logging, changing and removing an entry (its owner),
approving and rejecting entries (the owner's atasan), and attendance (the BKPSDMD admin).

Every rule is core.activity.rules; the Pemda's settings are read here and passed in.
Who may do what follows core.org.access: an employee logs only for themself; only the
owner's atasan (never the owner) decides; the admin records attendance; leaders read.
An entry is changed only while it waits for approval and its day's window is open; a
decided entry never changes (a rejected one is logged again). Decisions are
compare-and-set on the entry's state, so two approvers (or a double click) decide once.

For a day logged in under a minute: favourites (``favourite_toggle``) and "repeat
yesterday" (``activities_repeat``: the entries of the employee's last day with entries,
copied onto another day through the same rules, all or nothing). The reads of the pages are
in core.activity.selectors.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.accounts.models import Role
from core.activity import rollup, rules
from core.activity.audit import ACTIVITY_APPROVE, ACTIVITY_REJECT, INDICES_RECOMPUTE
from core.activity.models import (
    Activity,
    ActivityState,
    Attendance,
    Favourite,
    Holiday,
)
from core.audit.services import audit_record
from core.config.selectors import setting_get
from core.org.access import access_for, can_manage, employee_of
from core.org.models import ActivityNorm, Employee
from core.performance.models import Rhk

QUANTITY_MAX = Decimal("9999999.99")
OUTPUT_MAX = 500
REASON_MAX = 500
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TAIL_BYTES = 1024  # where a file's end marker is looked for
BULK_MAX = 500  # entries decided in one request
FAVOURITES_MAX = 30
REPEAT_LOOKBACK_DAYS = 31  # "repeat yesterday" looks this far back for the last day logged
CALENDAR_LOOKBACK_DAYS = 60  # how far back open days and late approvals are searched
# Working days an entry may wait for its atasan before it is late (issue 10 §2); the
# Pemda's ``activity.late_approval_days`` overrides it.
LATE_APPROVAL_DAYS = 3


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
    late_approval_days: int = LATE_APPROVAL_DAYS

    def working(self, day: date) -> bool:
        return rules.is_working_day(day, weekdays=self.weekdays, holidays=self.holidays)

    def window_open(self, day: date, today: date) -> bool:
        return rules.entry_window_open(
            day, today, days_open=self.days_open, weekdays=self.weekdays, holidays=self.holidays
        )

    def deadline(self, day: date) -> date:
        return rules.entry_deadline(
            day, days_open=self.days_open, weekdays=self.weekdays, holidays=self.holidays
        )

    def open_days(self, today: date) -> list[date]:
        """The working days whose entries may still be logged or changed ``today``, newest
        first (today itself when it is a working day). The window of an older day closes
        no later than a newer one's, so the search stops at the first closed day. Needs
        the holidays from CALENDAR_LOOKBACK_DAYS before today."""
        found = []
        for back in range(CALENDAR_LOOKBACK_DAYS + 1):
            day = today - timedelta(days=back)
            if not self.working(day):
                continue
            if not self.window_open(day, today):
                break
            found.append(day)
        return found

    def late_before(self, today: date) -> date:
        """Entries logged before this day (the Pemda's date) wait late for their atasan: more
        than ``late_approval_days`` working days have passed since (issue 10 §2).

        Logged on Monday with 3 days: Tuesday, Wednesday and Thursday are its 3 days, on
        Friday it is late. That is: late when logged before the (N+1)-th most recent working
        day up to today, which is what this returns (a holiday or a weekend never counts)."""
        seen = 0
        for back in range(CALENDAR_LOOKBACK_DAYS + 1):
            day = today - timedelta(days=back)
            if self.working(day):
                if seen == self.late_approval_days:
                    return day
                seen += 1
        return today - timedelta(days=CALENDAR_LOOKBACK_DAYS)

    def late_before_time(self, today: date) -> datetime:
        """``late_before`` as the moment it starts in the Pemda's time zone (the activated
        one), to compare with ``Activity.created_at``."""
        return timezone.make_aware(datetime.combine(self.late_before(today), time.min))


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
        late_approval_days=max(
            0, int(setting_get("activity.late_approval_days", LATE_APPROVAL_DAYS))
        ),
    )


def daily_log_kept(*, fresh: bool = False) -> bool:
    """Whether the Pemda keeps the daily activity log (the Model Surabaya's templates do:
    ``performance.daily_activity_log``)."""
    return bool(setting_get("performance.daily_activity_log", False, fresh=fresh))


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
    if number <= 0:  # before rounding, as "too large" is: -1e30 cannot be rounded to cents
        raise ActivityError(_("The quantity must be more than 0."))
    if number > QUANTITY_MAX:
        raise ActivityError(_("The quantity is too large."))
    # As stored (two places), then checked: 0.004 is 0.00, and 9,999,999.995 is too large.
    number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if number <= 0:
        raise ActivityError(_("The quantity must be more than 0."))
    if number > QUANTITY_MAX:
        raise ActivityError(_("The quantity is too large."))
    return number


def _day(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActivityError(_("Give the date as YYYY-MM-DD.")) from None


def _minutes(minutes_per_unit: int, quantity: Decimal) -> int:
    """An entry's minutes: its quantity × the norma waktu it was logged with, to the minute."""
    return int((quantity * minutes_per_unit).to_integral_value(rounding=ROUND_HALF_UP))


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
    head = upload.read(16)
    upload.seek(max(upload.size - PHOTO_TAIL_BYTES, 0))
    tail = upload.read(PHOTO_TAIL_BYTES)
    upload.seek(0)
    kinds = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"%PDF-": "pdf"}
    kind = next((k for prefix, k in kinds.items() if head.startswith(prefix)), None)
    # Its end too, not only its first bytes (found in review: "\xff\xd8\xff<html>…" named
    # .jpg passed): a JPEG ends with its end-of-image marker, a PNG with its IEND chunk
    # after an IHDR first, a PDF with %%EOF.
    ends = {
        "jpg": b"\xff\xd9" in tail,
        "png": head[12:16] == b"IHDR" and b"IEND" in tail,
        "pdf": b"%%EOF" in tail,
    }
    name = (upload.name or "").lower()
    expected = {"jpg": (".jpg", ".jpeg"), "png": (".png",), "pdf": (".pdf",)}
    if kind is None or not ends[kind] or not name.endswith(expected[kind]):
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
    minutes = _minutes(norm.minutes_per_unit, quantity)
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
    rollup.minutes_moved([rollup.logged(entry)])
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
def activity_update(
    *, by, entry: Activity, quantity, output="", rhk=None, evidence=None
) -> Activity:
    """The owner changes the quantity, output or RHK of an entry still waiting, within its
    day's window and cap; ``evidence`` (a file), when given, replaces the entry's file (the
    old one is deleted once the change is committed)."""
    locked = _own_pending(by, entry)
    quantity = _quantity(quantity)
    minutes = _minutes(locked.minutes_per_unit, quantity)
    list(Employee.objects.select_for_update().filter(pk=locked.employee_id).values_list("pk"))
    _refusal_check(locked.employee, locked.day, minutes, excluding=locked.pk)
    changes = {
        "quantity": quantity,
        "minutes": minutes,
        "output": _text(output, OUTPUT_MAX, _("The output")),
        "rhk": _rhk_for(locked.employee, locked.day, rhk),
    }
    old_file = locked.evidence
    if evidence:
        kind, name = _photo(evidence)
        field = Activity._meta.get_field("evidence")
        path = field.storage.save(
            field.generate_filename(locked, f"{connection.schema_name}/{uuid.uuid4().hex}.{kind}"),
            evidence,
        )
        changes["evidence"], changes["evidence_name"] = path, name
        if old_file:
            old_name, storage = old_file.name, old_file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    Activity.objects.filter(pk=locked.pk).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    delta = minutes - locked.minutes
    rollup.minutes_moved([(locked.employee_id, locked.day, delta, 0, delta)])
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
    rollup.minutes_moved([rollup.removed(locked)])
    locked.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Favourites and "repeat yesterday" ----------------------------------------------------


@transaction.atomic
def favourite_toggle(*, by, norm) -> bool:
    """Star an activity of the catalogue for the user, or unstar it when it is starred;
    returns whether it is starred now. At most FAVOURITES_MAX: the favourites are one-tap
    buttons on a phone, and a screenful of them is no longer quicker than searching."""
    me = _owner_check(by)
    norm = _norm_for(me, norm)
    list(Employee.objects.select_for_update().filter(pk=me.pk).values_list("pk"))
    if Favourite.objects.filter(employee=me, norm=norm).delete()[0]:
        return False
    if Favourite.objects.filter(employee=me).count() >= FAVOURITES_MAX:
        raise ActivityError(
            _("You can keep at most %(n)s favourites; remove one first.") % {"n": FAVOURITES_MAX}
        )
    Favourite.objects.create(employee=me, norm=norm)
    return True


class RepeatRefused(ActivityError):
    """Some entries could not be repeated; nothing was. ``refusals`` says why, one message
    per refused entry (one message when the day itself refuses them all)."""

    def __init__(self, refusals: list[str]):
        self.refusals = refusals
        super().__init__(" ".join(refusals))


def repeat_source(employee: Employee, day: date) -> tuple[date | None, list[Activity]]:
    """The employee's entries "repeat yesterday" copies onto ``day``: those of their last day
    with entries before it (within REPEAT_LOOKBACK_DAYS), rejected ones left out, and those
    whose activity is on ``day`` already (repeated, or logged by hand: offering it again
    would double it). That day is usually the last working day; after a day of leave it is
    the day before. One query."""
    counting = Activity.objects.filter(employee=employee).exclude(state=ActivityState.REJECTED)
    last = (
        counting.filter(day__lt=day, day__gte=day - timedelta(days=REPEAT_LOOKBACK_DAYS))
        .order_by("-day")
        .values("day")[:1]
    )
    entries = list(
        counting.filter(day=models.Subquery(last))
        .exclude(norm__in=counting.filter(day=day, norm__isnull=False).values("norm"))
        .select_related("norm", "rhk__skp")
        .order_by("created_at", "pk")
    )
    return (entries[0].day if entries else None), entries


@transaction.atomic
def activities_repeat(*, by, day, ids: Iterable | None = None) -> list[Activity]:
    """Copy earlier entries of the user onto ``day``, all or nothing:

    1. The entries: those of ``repeat_source`` (the last day with entries), or, when ``ids``
       are given, those of them, which must be the user's own from an earlier day and not
       rejected.
    2. Each copy is the same activity (at the catalogue's norma waktu today), quantity and
       output, waiting for the atasan; its RHK when it belongs to the SKP of ``day``'s year;
       never the evidence (a photo shows the day it was taken).
    3. The same rules as logging one (``rules.activity_refusal``), entry after entry, the
       day's minutes adding up.
    4. If any is refused nothing is stored, and ``RepeatRefused`` lists each refusal."""
    me = _owner_check(by)
    day = _day(day)
    list(Employee.objects.select_for_update().filter(pk=me.pk).values_list("pk"))
    if ids is None:
        _source_day, sources = repeat_source(me, day)
        if not sources:
            raise ActivityError(_("There are no earlier activities left to repeat on that day."))
    else:
        try:
            wanted = {int(pk) for pk in ids}
        except (TypeError, ValueError):
            raise ActivityError(_("Choose the activities to repeat.")) from None
        if not wanted:
            raise ActivityError(_("Choose the activities to repeat."))
        sources = list(
            Activity.objects.filter(employee=me, pk__in=wanted, day__lt=day)
            .exclude(state=ActivityState.REJECTED)
            .select_related("norm", "rhk__skp")
            .order_by("day", "created_at", "pk")
        )
        if len(sources) != len(wanted):
            raise ActivityError(
                _("Only your own activities of an earlier day, not rejected, can be repeated.")
            )
    today = today_local()
    calendar = calendar_current(min(day, today), max(day, today))
    attendance = Attendance.objects.filter(employee=me, day=day).first()
    logged = _logged_minutes(me.pk, day)
    refusals, copies = [], []
    for source in sources:
        norm = source.norm
        if norm is None:
            refusals.append((source.name, _("This activity is no longer in the catalogue.")))
            continue
        minutes = _minutes(norm.minutes_per_unit, source.quantity)
        refusal = rules.activity_refusal(
            day,
            today,
            status=attendance.status if attendance else None,
            hours_present=attendance.hours_present if attendance else None,
            minutes=minutes,
            logged_minutes=logged,
            weekdays=calendar.weekdays,
            holidays=calendar.holidays,
            days_open=calendar.days_open,
            max_minutes_per_day=calendar.max_minutes_per_day,
            attendance_required=calendar.attendance_required,
        )
        if refusal:
            refusals.append((norm.name, refusal))
            continue
        logged += minutes
        rhk = source.rhk if source.rhk_id and source.rhk.skp.year == day.year else None
        copies.append(
            Activity(
                employee=me,
                day=day,
                norm=norm,
                name=norm.name[:300],
                output_unit=norm.output_unit,
                minutes_per_unit=norm.minutes_per_unit,
                quantity=source.quantity,
                minutes=minutes,
                output=source.output,
                rhk=rhk,
                approver_id=me.atasan_id,
            )
        )
    if refusals:
        reasons = {reason for _name, reason in refusals}
        if len(reasons) == 1 and len(refusals) == len(sources):
            raise RepeatRefused(list(reasons))  # the day refuses them all: said once
        raise RepeatRefused(
            [
                _("%(name)s: %(reason)s") % {"name": name[:80], "reason": reason}
                for name, reason in refusals
            ]
        )
    made = Activity.objects.bulk_create(copies)
    rollup.minutes_moved([rollup.logged(entry) for entry in made])
    return made


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
            "pk",
            "employee_id",
            "employee__is_active",
            "employee__atasan_override_id",
            "employee__derived_atasan_id",
        )
    )
    if len(rows) != len(wanted):
        raise PermissionDenied(_("Some of these activities are not yours to decide."))
    for _pk, owner, active, override, derived in rows:  # access_for's appraise
        if owner == me.pk or not active or (override or derived) != me.pk:
            raise PermissionDenied(_("Only the owner's atasan approves their activities."))
    # The waiting ones, locked: one decided meanwhile (another tab) is skipped, and the
    # month rows move by exactly what this decision moved.
    waiting = list(
        Activity.objects.select_for_update()
        .filter(pk__in=wanted, state=ActivityState.PENDING)
        .order_by("pk")
        .values_list("pk", "employee_id", "day", "minutes")
    )
    if not waiting:
        return 0
    state = ActivityState.APPROVED if approve else ActivityState.REJECTED
    now = timezone.now()
    decided = Activity.objects.filter(pk__in=[row[0] for row in waiting]).update(
        state=state,
        reject_reason="" if approve else reason,
        decided_by=by,
        decided_at=now,
        version=F("version") + 1,
        updated_at=now,
    )
    rollup.minutes_moved(
        [rollup.decided(owner, day, minutes, state) for _pk, owner, day, minutes in waiting]
    )
    # The owners' IKI, score and pay flag follow, from the worker (their months only).
    from core.activity.indices import month_recompute_enqueue

    month_recompute_enqueue(
        [day for _pk, _owner, day, _minutes in waiting],
        employee_ids=[owner for _pk, owner, _day, _minutes in waiting],
    )
    audit_record(
        action=ACTIVITY_APPROVE if approve else ACTIVITY_REJECT,
        by=by,
        object_type="activity.activity",
        object_id=waiting[0][0] if decided == 1 else "",
        object_repr=ngettext("%(n)s activity", "%(n)s activities", decided) % {"n": decided},
        after={"state": state, "ids": [row[0] for row in waiting]},
        reason=reason,
    )
    return decided


# --- The monthly indices, by hand --------------------------------------------------------------


def may_recompute_indices(user) -> bool:
    """The admin (who corrects settings and data by hand) asks for a month again."""
    return can_manage(user)


@transaction.atomic
def indices_recompute_request(*, by, month: date) -> int:
    """Queue the recompute of the whole Pemda's indices of ``month`` (the admin, after a
    correction; the hourly job does this month and last month anyway); audited. A month
    not begun yet, or before last year (as attendance), is refused. Returns the months
    queued (1)."""
    from core.activity.indices import month_recompute_enqueue

    if not may_recompute_indices(by):
        raise PermissionDenied(_("Only the admin recomputes the monthly indices."))
    first = month.replace(day=1)
    today = today_local()
    if first > today.replace(day=1):
        raise ActivityError(_("%(month)s has not begun yet.") % {"month": f"{first:%m/%Y}"})
    if not daily_log_kept():
        raise ActivityError(_("This Pemda does not keep the daily activity log."))
    if first.year < today.year - 1:  # as attendance: this year and last
        raise ActivityError(
            _("Only the months of this year and last year are recomputed; %(month)s is older.")
            % {"month": f"{first:%m/%Y}"}
        )
    audit_record(
        action=INDICES_RECOMPUTE,
        by=by,
        object_type="activity.monthlyindex",
        object_id=f"{first:%Y-%m}",
        object_repr=_("Monthly indices of %(month)s") % {"month": f"{first:%m/%Y}"},
        after={"month": f"{first:%Y-%m}"},
    )
    return month_recompute_enqueue([first])


# --- Attendance -----------------------------------------------------------------------------


def may_record_attendance(user) -> bool:
    return user.is_authenticated and user.role == Role.TENANT_ADMIN


def attendance_set(*, by, employee: Employee, day, status, hours_present=None) -> Attendance:
    """One day of one employee, by the admin: the attendance page's own service for a single
    row (core.activity.attendance.attendance_day_set: the same rules, the audit record and
    the month's recompute); refused with the row's reason (ActivityError)."""
    from core.activity.attendance import AttendanceRowsError, attendance_day_set

    if not may_record_attendance(by):
        raise PermissionDenied(_("Only the BKPSDMD admin records attendance."))
    day = _day(day)
    try:
        attendance_day_set(by=by, day=day, entries={employee.pk: (status, hours_present)})
    except AttendanceRowsError as exc:
        raise ActivityError(" ".join(str(message) for message in exc.errors.values())) from None
    return Attendance.objects.filter(employee=employee, day=day).first()
