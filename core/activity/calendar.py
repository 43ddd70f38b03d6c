"""The Pemda's calendar of days off: Indonesia's national holidays and cuti bersama (SKB 3
Menteri, shipped in ``data/holidays_id.csv``) and the Pemda's own days off, which the
working-day rules (core.activity.rules.is_working_day) read through
core.activity.services.calendar_current.

Every Pemda keeps its own copy of the calendar: a Pemda may move a day (the sidang isbat
moves Idul Fitri, a Perkada adds a local day off), and a template's schema is cloned, so a
data migration would freeze whatever the template held. The national days are loaded by
``national_holidays_load``, which adds the days the Pemda does not have yet and never
changes or removes one it has: loading again changes nothing. It is called by the button
on the calendar page and by ``national_holidays_provision_hook`` (a PROVISION_HOOK for a
new Pemda) and by the demo seed.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.activity.audit import HOLIDAY_CREATE, HOLIDAY_DELETE
from core.activity.models import Holiday, HolidayKind
from core.activity.services import ActivityError, may_record_attendance
from core.audit.actions import action_register
from core.audit.services import audit_record

NATIONAL_FILE = Path(__file__).resolve().parent / "data" / "holidays_id.csv"
NAME_MAX = Holiday._meta.get_field("name").max_length
# The days a Pemda may set: far enough back for corrections, a couple of years ahead.
YEAR_MIN, YEARS_AHEAD = 2000, 2

HOLIDAYS_LOAD = action_register(
    "activity.holiday.load", gettext_lazy("National holidays loaded into the calendar")
)


@dataclass(frozen=True)
class NationalHoliday:
    day: datetime.date
    kind: str  # HolidayKind.NATIONAL or HolidayKind.CUTI_BERSAMA
    name: str


@lru_cache(maxsize=1)
def national_holidays() -> tuple[NationalHoliday, ...]:
    """The national holidays and cuti bersama of the data file, in date order. A broken
    file is a bug of the release, not a user's mistake: it raises ValueError."""
    with NATIONAL_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        found = []
        for row in csv.DictReader(lines):
            kind = row["kind"].strip()
            if kind not in (HolidayKind.NATIONAL, HolidayKind.CUTI_BERSAMA):
                raise ValueError(f"{NATIONAL_FILE.name}: unknown kind {kind!r} on {row['date']}")
            name = row["name"].strip()
            if not name or len(name) > NAME_MAX:
                raise ValueError(f"{NATIONAL_FILE.name}: bad name on {row['date']}")
            found.append(NationalHoliday(datetime.date.fromisoformat(row["date"]), kind, name))
    days = [holiday.day for holiday in found]
    if len(set(days)) != len(days):
        raise ValueError(f"{NATIONAL_FILE.name}: a date appears twice")
    return tuple(sorted(found, key=lambda holiday: holiday.day))


def national_years() -> list[int]:
    return sorted({holiday.day.year for holiday in national_holidays()})


@dataclass(frozen=True)
class Loaded:
    added: int
    kept: int  # days the Pemda already had (its own name or kind for it is kept)


@transaction.atomic
def national_holidays_load(*, by=None, years=None) -> Loaded:
    """Add the national holidays and cuti bersama (of ``years``, all when None) that the
    Pemda's calendar does not have yet; a day it has is left as the Pemda set it. ``by``
    None is the platform (provisioning, the demo seed); a person must be the admin, and
    their load is audited."""
    if by is not None and not may_record_attendance(by):
        raise PermissionDenied(_("Only the BKPSDMD admin changes the calendar."))
    wanted = [
        holiday for holiday in national_holidays() if years is None or holiday.day.year in years
    ]
    have = set(
        Holiday.objects.filter(day__in=[holiday.day for holiday in wanted]).values_list(
            "day", flat=True
        )
    )
    new = [
        Holiday(day=holiday.day, name=holiday.name, kind=holiday.kind)
        for holiday in wanted
        if holiday.day not in have
    ]
    # A day added meanwhile (another tab) is skipped, not an error.
    Holiday.objects.bulk_create(new, ignore_conflicts=True)
    loaded = Loaded(added=len(new), kept=len(wanted) - len(new))
    if by is not None and loaded.added:
        audit_record(
            action=HOLIDAYS_LOAD,
            object_type="activity.holiday",
            object_repr=_("National holidays %(years)s")
            % {"years": ", ".join(str(y) for y in sorted({h.day.year for h in wanted}))},
            after={"added": loaded.added, "days": [h.day for h in new]},
            by=by,
        )
    return loaded


def national_holidays_provision_hook(*, pemda) -> None:
    """A PROVISION_HOOK (settings.PROVISION_HOOKS): a new Pemda starts with the national
    calendar, inside the provisioning transaction and the Pemda's schema."""
    national_holidays_load()


def _admin_check(by) -> None:
    if not may_record_attendance(by):
        raise PermissionDenied(_("Only the BKPSDMD admin changes the calendar."))


def holiday_day_check(day: datetime.date, today: datetime.date) -> None:
    if not YEAR_MIN <= day.year <= today.year + YEARS_AHEAD:
        raise ActivityError(
            _("Choose a date from %(first)s to %(last)s.")
            % {"first": YEAR_MIN, "last": today.year + YEARS_AHEAD}
        )


@transaction.atomic
def holiday_add(*, by, day: datetime.date, name: str, kind: str, today: datetime.date) -> Holiday:
    """The admin adds a day off (a national day the file lacks, a cuti bersama, the Pemda's
    own); one per date."""
    _admin_check(by)
    holiday_day_check(day, today)
    name = " ".join((name or "").split())
    if not name:
        raise ActivityError(_("Name the day off."))
    if len(name) > NAME_MAX:
        raise ActivityError(_("The name is at most %(n)s characters long.") % {"n": NAME_MAX})
    if kind not in HolidayKind.values:
        raise ActivityError(_("Choose the kind of day off."))
    existing = Holiday.objects.filter(day=day).first()
    if existing is not None:
        raise ActivityError(
            _("%(day)s is already a day off: %(name)s.")
            % {"day": day.isoformat(), "name": existing.name}
        )
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(day=day, name=name, kind=kind)
    except IntegrityError:  # added meanwhile
        raise ActivityError(_("%(day)s is already a day off.") % {"day": day.isoformat()}) from None
    audit_record(
        action=HOLIDAY_CREATE,
        obj=holiday,
        after={"day": day, "name": name, "kind": kind},
        by=by,
    )
    return holiday


@transaction.atomic
def holiday_remove(*, by, holiday: Holiday) -> None:
    """The admin removes a day off (it becomes a working day if its weekday is one)."""
    _admin_check(by)
    before = {"day": holiday.day, "name": holiday.name, "kind": holiday.kind}
    shown = str(holiday)
    if Holiday.objects.filter(pk=holiday.pk).delete()[0]:
        audit_record(
            action=HOLIDAY_DELETE,
            object_type="activity.holiday",
            object_id=holiday.pk,
            object_repr=shown,
            before=before,
            by=by,
        )
