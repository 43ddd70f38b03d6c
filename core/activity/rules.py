"""The rules of the Surabaya model (DOMAIN.md §3 and §4), each in one place: the tenant's
working calendar, what may be logged in the daily activity log, and the monthly scores.

Pure functions: no database, no request. The tenant's settings are arguments; the services
read them from the Pemda's policy settings and pass them in. Settings that exist in the
``surabaya`` template: ``performance.individual_weight_percent`` and
``performance.behaviour_weight_percent`` (``final_score``), ``performance.minimum_monthly_score``
(``pay_withheld``) and ``abk.effective_minutes`` (``monthly_target_minutes``). The others
(working weekdays, the Pemda's own days off, how long entries stay open, the daily maximum,
whether attendance is required, the caps) are parameters here until they become settings.

Time is whole minutes (``int``); scores are ``Decimal`` with 2 places, rounded half up; no
result is a float. A bad setting or argument is a bug, not a user's mistake: it raises
``ValueError``. What a user may not do is returned as a message (``activity_refusal``) for
the service to refuse with.

The monthly score of one employee:

1. An entry's minutes are its quantity × the activity's norma waktu
   (``core.org.models.ActivityNorm.minutes_per_unit``).
2. An entry may be logged or changed only for a working day of the tenant's calendar
   (``is_working_day``), within the entry window (``entry_window_open``), on a day whose
   attendance allows work, and within that day's cap (``activity_refusal``).
3. The atasan approves or rejects each entry. A day counts at most its cap (``day_cap``:
   hours present, at most the tenant's daily maximum); the cap is applied again when the
   month is added up (``capped_minutes``), because attendance can be corrected after the
   entries were approved.
4. IKI = the month's capped approved minutes ÷ the monthly target × 100, capped
   (``individual_index``; the target: ``monthly_target_minutes``).
5. The final score weighs the IKI against the behaviour score (``final_score``; 80 : 20 in
   Surabaya).
6. Below the tenant's minimum monthly score the performance pay (TPP) is withheld
   (``pay_withheld``).

The unit's Indeks Kinerja Organisasi (``organisation_index``) is the weighted mean of its
KPIs' achievements (``kpi_achievement``); it describes the unit and is not part of an
employee's final score here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
MINUTES_PER_HOUR = 60

# Perpres 21/2023 (hari kerja dan jam kerja ASN), Pasal 3–4: Monday to Friday, 37 hours
# 30 minutes a week; units serving the public directly may keep a six-day week.
DEFAULT_WEEKDAYS = frozenset({1, 2, 3, 4, 5})
DEFAULT_MAX_MINUTES_PER_DAY = 450  # 37.5 hours over five days


# --- Arguments ----------------------------------------------------------------------------


def _decimal(value, what: str) -> Decimal:
    """A finite number as a Decimal; a float through its shortest repr (12.5, never
    12.5000000000000001), a bool refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{what} must be a number, not {value!r}")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return number


def _whole(value, what: str) -> int:
    """A whole number (minutes, days, months); a bool, a float or a Decimal refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return value


def _not_negative(value, what: str):
    if value < 0:
        raise ValueError(f"{what} cannot be negative, not {value!r}")
    return value


def _date(value, what: str) -> date:
    """A calendar date; a datetime is refused, since comparing it with dates is wrong by a
    time zone (Indonesia spans three): the caller takes the Pemda's local date."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date, not {value!r}")
    return value


def _weekdays(weekdays: Collection[int]) -> frozenset[int]:
    days = frozenset(weekdays)
    if not days or any(isinstance(d, bool) or d not in range(1, 8) for d in days):
        raise ValueError(
            f"working weekdays must be ISO weekday numbers 1 (Monday) to 7, not {weekdays!r}"
        )
    return days


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _cap(value: Decimal, cap_percent) -> Decimal:
    if cap_percent is None:
        return value
    cap = _not_negative(_decimal(cap_percent, "the cap"), "the cap")
    return min(value, cap)


# --- The working calendar -------------------------------------------------------------------


def is_working_day(day: date, *, weekdays: Collection[int], holidays: Collection[date]) -> bool:
    """Whether ``day`` is a working day of the tenant: one of its working ``weekdays`` (ISO
    numbers, 1 = Monday; Perpres 21/2023 sets Monday–Friday, a Pemda may keep Saturday for
    units serving the public) and not in ``holidays`` (the national holidays and cuti
    bersama of the SKB 3 Menteri, plus the Pemda's own days off, as one collection)."""
    day = _date(day, "the day")
    return day.isoweekday() in _weekdays(weekdays) and day not in holidays


def working_days(
    first: date, last: date, *, weekdays: Collection[int], holidays: Collection[date]
) -> list[date]:
    """The working days from ``first`` to ``last``, both included, in order; empty when
    ``last`` is before ``first``."""
    first, last = _date(first, "the first day"), _date(last, "the last day")
    days = _weekdays(weekdays)
    found = []
    day = first
    while day <= last:
        if day.isoweekday() in days and day not in holidays:
            found.append(day)
        day += timedelta(days=1)
    return found


def entry_deadline(
    day: date, *, days_open: int, weekdays: Collection[int], holidays: Collection[date]
) -> date:
    """The last day on which an entry for ``day`` may be created or changed: the
    ``days_open``-th working day after ``day`` (``day`` itself when ``days_open`` is 0).

    Working days, not calendar days, are counted: with 1 day open, Friday's activities can
    still be logged on Monday, which is what employees expect after a weekend, and a holiday
    never eats into the window."""
    day = _date(day, "the day")
    days_open = _not_negative(_whole(days_open, "days open"), "days open")
    days = _weekdays(weekdays)
    deadline = day
    while days_open:
        deadline += timedelta(days=1)
        if deadline.isoweekday() in days and deadline not in holidays:
            days_open -= 1
    return deadline


def entry_window_open(
    day: date,
    today: date,
    *,
    days_open: int,
    weekdays: Collection[int],
    holidays: Collection[date],
) -> bool:
    """Whether an entry for ``day`` may be created or changed ``today`` (the Pemda's local
    date): from ``day`` itself until its ``entry_deadline`` included; never for a day that
    has not come yet. The window closes at the end of the deadline, so the weekend after a
    Friday deadline is closed too."""
    day, today = _date(day, "the day"), _date(today, "today")
    if day > today:
        return False
    deadline = entry_deadline(day, days_open=days_open, weekdays=weekdays, holidays=holidays)
    return today <= deadline


# --- Attendance and the daily cap -----------------------------------------------------------


class AttendanceStatus(models.TextChoices):
    """An employee's attendance on one day (a string enum: plain strings work as
    arguments; ``TextChoices`` so that a model field and a form can use it directly)."""

    PRESENT = "present", gettext_lazy("Present")
    LEAVE = "leave", gettext_lazy("On leave")
    SICK = "sick", gettext_lazy("Sick")
    DUTY_TRAVEL = "duty_travel", gettext_lazy("On duty travel")
    ABSENT = "absent", gettext_lazy("Absent")


# Activities are logged on days of work (DOMAIN.md §3: none on days absent). Duty travel
# (perjalanan dinas) is work done away from the office, so it allows logging like a day
# present; leave and sick leave are days off work, and absent is no work at all.
LOGGING_STATUSES = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.DUTY_TRAVEL})


def attendance_status_parse(value) -> AttendanceStatus | None:
    """``value`` as an ``AttendanceStatus``; None (no attendance record) stays None."""
    if value is None:
        return None
    if isinstance(value, str) and value in AttendanceStatus.values:
        return AttendanceStatus(value)
    raise ValueError(
        f"attendance must be one of {', '.join(AttendanceStatus.values)} or None, not {value!r}"
    )


def logging_allowed(status) -> bool:
    """Whether activities may be logged on a day with this attendance (``LOGGING_STATUSES``)."""
    return attendance_status_parse(status) in LOGGING_STATUSES


def minute_cap(hours_present, *, max_minutes_per_day: int) -> int:
    """The minutes a day can count from the hours present (DOMAIN.md §3: activity minutes
    are capped by hours present): hours × 60, a started minute not counted, at most the
    tenant's ``max_minutes_per_day``; 0 for 0 hours (absent)."""
    hours = _not_negative(_decimal(hours_present, "hours present"), "hours present")
    if hours > 24:
        raise ValueError(f"hours present cannot exceed 24, not {hours_present!r}")
    maximum = _not_negative(_whole(max_minutes_per_day, "the daily maximum"), "the daily maximum")
    present = int((hours * MINUTES_PER_HOUR).to_integral_value(rounding=ROUND_FLOOR))
    return min(present, maximum)


def day_cap(status, hours_present, *, max_minutes_per_day: int, attendance_required: bool) -> int:
    """The minutes a day can count, from its attendance:

    - a status that does not allow logging (leave, sick, absent): 0;
    - present or on duty travel with the hours recorded: ``minute_cap`` of the hours;
    - present or on duty travel without hours (an attendance system that records the status
      only, or travel away from the clock): the tenant's daily maximum;
    - no attendance record: 0 when the tenant requires attendance, otherwise the daily
      maximum (a Pemda without attendance data yet still has the log; see
      ``activity_refusal``)."""
    status = attendance_status_parse(status)
    maximum = _not_negative(_whole(max_minutes_per_day, "the daily maximum"), "the daily maximum")
    if status is None:
        return 0 if attendance_required else maximum
    if status not in LOGGING_STATUSES:
        return 0
    if hours_present is None:
        return maximum
    return minute_cap(hours_present, max_minutes_per_day=maximum)


def capped_minutes(approved_by_day: Mapping[date, int], caps: Mapping[date, int]) -> int:
    """The month's minutes that count: Σ min(approved minutes of the day, the day's cap).
    Every day with approved minutes needs its cap (``day_cap``); a missing one is an error
    rather than a silent 0 or a silent no-cap."""
    total = 0
    for day, approved in approved_by_day.items():
        approved = _not_negative(_whole(approved, f"approved minutes of {day}"), "minutes")
        if day not in caps:
            raise ValueError(f"no cap given for {day}")
        cap = _not_negative(_whole(caps[day], f"the cap of {day}"), "a cap")
        total += min(approved, cap)
    return total


# --- What may be logged ---------------------------------------------------------------------


# Why a day's attendance refuses activities, per status that does not allow logging.
_STATUS_REFUSALS = {
    AttendanceStatus.LEAVE: gettext_lazy(
        "You were on leave on %(day)s, so no activities can be logged for that day."
    ),
    AttendanceStatus.SICK: gettext_lazy(
        "You were on sick leave on %(day)s, so no activities can be logged for that day."
    ),
    AttendanceStatus.ABSENT: gettext_lazy(
        "You were recorded absent on %(day)s, so no activities can be logged for that day."
    ),
}


def activity_refusal(
    day: date,
    today: date,
    *,
    status,
    hours_present,
    minutes: int,
    logged_minutes: int,
    weekdays: Collection[int],
    holidays: Collection[date],
    days_open: int,
    max_minutes_per_day: int,
    attendance_required: bool,
) -> str | None:
    """Why an activity of ``minutes`` on ``day`` cannot be logged ``today`` (the Pemda's
    local date), as one message for the employee; None when it can.

    ``status`` and ``hours_present`` are the day's attendance (None: no record, or hours not
    recorded); ``logged_minutes`` are the day's other entries that still count (pending and
    approved, not rejected, not the entry being changed).

    A missing attendance record refuses the entry only when ``attendance_required``: a Pemda
    that has no attendance data yet (or whose attendance arrives days later) can still use
    the log, capped by the daily maximum alone, and ``capped_minutes`` applies the real cap
    once attendance is there.

    The first reason found is given, the day's reasons before the entry's: a day that has
    not come yet, a day that is not a working day, a day whose entry window has closed, no
    attendance record, attendance that does not allow work, no minutes, too many minutes."""
    day, today = _date(day, "the day"), _date(today, "today")
    status = attendance_status_parse(status)
    minutes = _whole(minutes, "minutes")
    logged = _not_negative(_whole(logged_minutes, "logged minutes"), "logged minutes")
    shown = date_format(day)
    if day > today:
        return _("%(day)s has not come yet; activities are logged on the day or after it.") % {
            "day": shown
        }
    if not is_working_day(day, weekdays=weekdays, holidays=holidays):
        return _("%(day)s is not a working day, so no activities can be logged for it.") % {
            "day": shown
        }
    if not entry_window_open(day, today, days_open=days_open, weekdays=weekdays, holidays=holidays):
        deadline = entry_deadline(day, days_open=days_open, weekdays=weekdays, holidays=holidays)
        return _(
            "Activities for %(day)s could be logged or changed until %(deadline)s; that time "
            "has passed."
        ) % {"day": shown, "deadline": date_format(deadline)}
    if status is None and attendance_required:
        return _(
            "There is no attendance record for %(day)s yet; activities can be logged once "
            "your attendance is recorded."
        ) % {"day": shown}
    if status is not None and status not in LOGGING_STATUSES:
        return str(_STATUS_REFUSALS[status]) % {"day": shown}
    if minutes <= 0:
        return _("An activity must take at least one minute; check the quantity.")
    cap = day_cap(
        status,
        hours_present,
        max_minutes_per_day=max_minutes_per_day,
        attendance_required=attendance_required,
    )
    if logged + minutes > cap:
        facts = {"day": shown, "cap": cap, "logged": logged, "minutes": minutes}
        if logged >= cap:
            return (
                _(
                    "%(day)s can count at most %(cap)s minutes of activities and %(logged)s "
                    "are already logged, so no more can be added."
                )
                % facts
            )
        facts["left"] = cap - logged
        return (
            _(
                "This activity takes %(minutes)s minutes, but %(day)s can count at most "
                "%(cap)s minutes and %(logged)s are already logged: %(left)s minutes are left."
            )
            % facts
        )
    return None


# --- The monthly scores ---------------------------------------------------------------------


def monthly_target_minutes(effective_minutes_per_year: int, *, months: int = 12) -> int:
    """The minutes of approved work a month expects: the year's effective working minutes
    (``abk.effective_minutes``, 75,000 = 1,250 hours by ABK, PermenPANRB 1/2020) ÷ 12, to
    the whole minute, halves up (6,250 for 75,000).

    The same target every month (a decision, not a regulation): an employee knows it in
    advance, and the IKI and the workload analysis (core.org.workload) use one number. A
    month with few working days (Lebaran) is harder to fill; ``working_days`` lets a
    service prorate by working days if a Pemda chooses so."""
    effective = _whole(effective_minutes_per_year, "effective minutes")
    months = _whole(months, "months")
    if effective <= 0 or months <= 0:
        raise ValueError("effective minutes and months must be positive")
    return int((Decimal(effective) / months).to_integral_value(rounding=ROUND_HALF_UP))


def individual_index(approved_minutes: int, target_minutes: int, *, cap_percent=100) -> Decimal:
    """The Indeks Kinerja Individu of a month (DOMAIN.md §3): the month's capped approved
    minutes (``capped_minutes``) ÷ the target minutes × 100, at most ``cap_percent`` (the
    tenant's; None for no cap), 2 places, halves up. A target of 0 or less is a bad
    setting, refused: nobody can be measured against it."""
    approved = _not_negative(_whole(approved_minutes, "approved minutes"), "approved minutes")
    target = _whole(target_minutes, "target minutes")
    if target <= 0:
        raise ValueError(f"the target minutes must be positive, not {target_minutes!r}")
    return _round(_cap(Decimal(approved) * HUNDRED / target, cap_percent))


def kpi_achievement(
    target, realisation, *, higher_is_better: bool = True, cap_percent=100
) -> Decimal | None:
    """How far a KPI's ``realisation`` reached its ``target``, in percent, 2 places, halves
    up, from 0 to ``cap_percent`` (None for no cap).

    - Higher is better: realisation ÷ target × 100.
    - Lower is better (complaints, days of delay): (2 − realisation ÷ target) × 100, the
      formula of PermenPANRB 6/2022 for such indicators (also written (target − (realisation
      − target)) ÷ target): on target is 100, every unit under the target adds as much as a
      unit over it takes away; a realisation twice the target or more is 0.
    - A target of 0: higher is better cannot be measured (anything meets it), None; lower is
      better ("zero accidents") is 100 when met (realisation 0 or less), 0 otherwise.
    - No realisation yet (None): None.
    A negative target is refused."""
    if realisation is None:
        return None
    target = _not_negative(_decimal(target, "the target"), "the target")
    realisation = _decimal(realisation, "the realisation")
    if target == 0:
        if higher_is_better:
            return None
        achievement = HUNDRED if realisation <= 0 else Decimal(0)
    elif higher_is_better:
        achievement = realisation * HUNDRED / target
    else:
        achievement = (2 - realisation / target) * HUNDRED
    return _round(_cap(max(achievement, Decimal(0)), cap_percent))


def organisation_index(kpis: Iterable[tuple]) -> Decimal | None:
    """The unit's Indeks Kinerja Organisasi (DOMAIN.md §3, §4): the mean of its KPIs'
    achievements (``kpi_achievement``) weighted by the KPIs' weights, 2 places, halves up.
    ``kpis`` are (weight, achievement) pairs; the weights need not add up to 100. A KPI
    without an achievement (None: not reported, or not measurable) is left out and the
    others' weights carry the index; None when nothing is left or every weight is 0."""
    weighted, weights = Decimal(0), Decimal(0)
    for weight, achievement in kpis:
        weight = _not_negative(_decimal(weight, "a KPI weight"), "a KPI weight")
        if achievement is None:
            continue
        weighted += weight * _decimal(achievement, "an achievement")
        weights += weight
    if weights == 0:
        return None
    return _round(weighted / weights)


def rhk_achievement(progress: Iterable) -> Decimal | None:
    """A person's RHK realisation against target in a period (issue 10 §6): the mean of
    their quantitative IKI's progress (``core.performance.rules.iki_progress``, each from
    0 to 100), 2 places, halves up; an IKI that cannot be measured (None) is left out;
    None when nothing is left."""
    reached = [_decimal(value, "a progress") for value in progress if value is not None]
    if not reached:
        return None
    return _round(sum(reached, Decimal(0)) / len(reached))


def final_score(individual, behaviour, *, individual_weight, behaviour_weight) -> Decimal:
    """The final monthly score: the individual index weighted against the behaviour score
    (``performance.individual_weight_percent`` : ``performance.behaviour_weight_percent``,
    80 : 20 in the Model Surabaya), 2 places, halves up. The weights must be percentages
    adding up to exactly 100; the scores cannot be negative."""
    w_individual = _not_negative(_decimal(individual_weight, "a weight"), "a weight")
    w_behaviour = _not_negative(_decimal(behaviour_weight, "a weight"), "a weight")
    if w_individual + w_behaviour != HUNDRED:
        raise ValueError(
            f"the weights must add up to 100, not {individual_weight!r} + {behaviour_weight!r}"
        )
    individual = _not_negative(_decimal(individual, "the individual score"), "a score")
    behaviour = _not_negative(_decimal(behaviour, "the behaviour score"), "a score")
    return _round((individual * w_individual + behaviour * w_behaviour) / HUNDRED)


def pay_withheld(score, minimum) -> bool:
    """Whether the performance pay (TPP) of a month is withheld: the score is below the
    tenant's ``performance.minimum_monthly_score`` (DOMAIN.md §3). A score equal to the
    minimum is paid."""
    return _decimal(score, "the score") < _decimal(minimum, "the minimum score")
