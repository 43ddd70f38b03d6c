"""The monthly indices of the whole Pemda (DOMAIN.md §3), recomputed by the worker:

1. each employee's approved and pending minutes per day of the month (one grouped query);
2. each day's cap from its attendance (one query) through ``rules.day_cap``;
3. the IKI against the monthly target (``abk.effective_minutes`` ÷ 12);
4. each person's IKO from the achievements in the month of the KPIs that credit them: their
   OPD's, their units', their teams' (three queries);
5. each person's RHK realisation against target (``rules.rhk_achievement``) from the
   realisations of their submitted or rated evaluation of the Pemda's period that holds
   the month (one query);
6. the behaviour score from the rated evaluation (perilaku) of the Pemda's period holding
   the month (the month itself in the Model Surabaya), by the tenant's table
   ``activity.behaviour_scores``; the final score by the tenant's weights (80 : 20 in the
   Model Surabaya) and whether the performance pay is withheld below the minimum;
7. the rows written in chunks of people, each chunk in a transaction of its own that holds
   the month against the log's writes only while it reads their minutes and writes them.

A month without a rated perilaku has no final score yet (the IKI stands alone, and no pay
is flagged as withheld on a score that does not exist).
"""

from __future__ import annotations

import datetime
import zlib
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Subquery, Sum

from core.activity import rules
from core.activity.models import (
    Activity,
    ActivityState,
    Attendance,
    KpiDirection,
    KpiPeriod,
    MonthlyIndex,
    Team,
)
from core.config.periods import Period, period_of
from core.config.selectors import evaluation_period_kind, setting_get
from core.org.models import Employee, Unit
from core.performance.calibration import RATED_STATES
from core.performance.models import Evaluation, Realisation, Skp
from core.performance.rules import Approach, Aspect, EvaluationState, iki_progress

BATCH = 2000
CHUNK = 2000  # people per transaction of a month's recompute
REPORTED_STATES = (EvaluationState.SUBMITTED, EvaluationState.EVALUATED, EvaluationState.FINAL)
DEFAULT_BEHAVIOUR_SCORES = {"DI_ATAS": 100, "SESUAI": 85, "DI_BAWAH": 60}


def month_first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_last(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def month_settings() -> dict:
    """The tenant settings a month's indices are computed with."""
    return {
        "target": rules.monthly_target_minutes(int(setting_get("abk.effective_minutes", 75000))),
        "individual_weight": setting_get("performance.individual_weight_percent", 80),
        "behaviour_weight": setting_get("performance.behaviour_weight_percent", 20),
        "minimum": setting_get("performance.minimum_monthly_score", 60),
        "behaviour_scores": setting_get("activity.behaviour_scores", DEFAULT_BEHAVIOUR_SCORES),
        "max_minutes": int(
            setting_get("activity.max_minutes_per_day", rules.DEFAULT_MAX_MINUTES_PER_DAY)
        ),
        "attendance_required": bool(setting_get("activity.attendance_required", False)),
    }


@dataclass
class KpiAchievements:
    """The month's KPI achievements as (weight, achievement) pairs, by unit and by team."""

    units: dict[int, list] = field(default_factory=dict)
    teams: dict[int, list] = field(default_factory=dict)

    def person_index(self, unit_line: Iterable[int], teams: Iterable[int]) -> Decimal | None:
        """A person's IKO: every KPI that credits them (core.activity.kpi.kpis_crediting),
        those of their OPD and of each unit down to theirs, and of their teams, weighted
        (``rules.organisation_index``)."""
        pairs = [pair for unit in unit_line for pair in self.units.get(unit, ())]
        pairs += [pair for team in teams for pair in self.teams.get(team, ())]
        return rules.organisation_index(pairs)


def kpi_achievements(period: str) -> KpiAchievements:
    """The achievements of the KPIs measured in the month ``period`` ("2026-03"). One
    query."""
    found = KpiAchievements()
    rows = KpiPeriod.objects.filter(period=period, kpi__year=int(period[:4])).values_list(
        "kpi__unit_id", "kpi__team_id", "kpi__weight", "kpi__direction", "target", "realisation"
    )
    for unit_id, team_id, weight, direction, target, realisation in rows:
        achievement = rules.kpi_achievement(
            target, realisation, higher_is_better=direction == KpiDirection.HIGHER
        )
        if unit_id is not None:
            found.units.setdefault(unit_id, []).append((weight, achievement))
        elif team_id is not None:
            found.teams.setdefault(team_id, []).append((weight, achievement))
    return found


def organisation_indices(period: str) -> dict[int, Decimal]:
    """{unit id: IKO} of the units with KPIs measured in ``period``: their own KPIs."""
    achievements = kpi_achievements(period)
    return {
        unit_id: index
        for unit_id, kpis in achievements.units.items()
        if (index := rules.organisation_index(kpis)) is not None
    }


def unit_lines() -> dict[int, list[int]]:
    """{unit id: the ids of its OPD, of every unit between and its own}, from the stored
    tree paths (core.org.tree). One query."""
    by_path = dict(Unit.objects.values_list("tree_path", "pk"))
    lines = {}
    for path, pk in by_path.items():
        parts = path.split("/")
        lines[pk] = [
            by_path[prefix]
            for n in range(1, len(parts) + 1)
            if (prefix := "/".join(parts[:n])) in by_path
        ]
    return lines


def person_indices(period: str, employee_ids=None) -> dict[int, Decimal | None]:
    """{employee id: IKO} of the active employees (of ``employee_ids`` when given) in the
    month ``period`` (``KpiAchievements.person_index``). Three queries."""
    achievements = kpi_achievements(period)
    lines = unit_lines()
    people = Employee.objects.filter(is_active=True)
    if employee_ids is not None:
        people = people.filter(pk__in=list(employee_ids))
    return _person_indices(people.values_list("pk", "unit_id"), achievements, lines)


def _person_indices(people, achievements, lines) -> dict[int, Decimal | None]:
    teams: dict[int, list[int]] = defaultdict(list)
    if achievements.teams:
        for employee_id, team_id in Team.members.through.objects.filter(
            team_id__in=list(achievements.teams)
        ).values_list("employee_id", "team_id"):
            teams[employee_id].append(team_id)
    by_unit: dict[int, Decimal | None] = {}
    found = {}
    for employee_id, unit_id in people:
        if employee_id in teams:
            found[employee_id] = achievements.person_index(
                lines.get(unit_id, ()), teams[employee_id]
            )
            continue
        if unit_id not in by_unit:
            by_unit[unit_id] = achievements.person_index(lines.get(unit_id, ()), ())
        found[employee_id] = by_unit[unit_id]
    return found


def month_perilaku(first: datetime.date, employee_ids=None) -> dict[int, str]:
    """{employee id: perilaku} rated in the Pemda's evaluation period that holds the month
    of ``first`` (the month itself in the Model Surabaya). One query."""
    rated = Evaluation.objects.filter(
        period=period_of(evaluation_period_kind(), first).code, state__in=RATED_STATES
    )
    if employee_ids is not None:
        rated = rated.filter(skp__employee_id__in=list(employee_ids))
    return dict(rated.values_list("skp__employee_id", "perilaku"))


def month_score(iki: Decimal, perilaku: str | None, settings: dict) -> tuple:
    """(behaviour score, final score, pay withheld) of a month: the perilaku's score by
    the tenant's table, the final score weighting the IKI against it, the pay flag below
    the minimum; (None, None, False) without a rated perilaku."""
    behaviour = settings["behaviour_scores"].get(perilaku) if perilaku else None
    if behaviour is None:
        return None, None, False
    score = rules.final_score(
        iki,
        behaviour,
        individual_weight=settings["individual_weight"],
        behaviour_weight=settings["behaviour_weight"],
    )
    return behaviour, score, rules.pay_withheld(score, settings["minimum"])


def rhk_progress(first: datetime.date, employee_ids=None) -> dict[int, list]:
    """{employee id: [each quantitative IKI's progress]} in the Pemda's evaluation period
    that holds the month of ``first`` (the month itself in the Model Surabaya), from the
    realisations of evaluations submitted or rated (a draft is not reported yet), by
    ``core.performance.rules.iki_progress``; an IKI of the time aspect is left out (an SKP
    does not say whether fewer days or more is the better). One query."""
    period = period_of(evaluation_period_kind(), first)
    rows = Realisation.objects.filter(
        evaluation__period=period.code,
        evaluation__state__in=REPORTED_STATES,
        value__isnull=False,
        iki__approach=Approach.KUANTITATIF,
        iki__target_value__isnull=False,
    ).exclude(iki__aspect=Aspect.WAKTU)  # time: fewer hours or days may be the better
    if employee_ids is not None:
        rows = rows.filter(evaluation__skp__employee_id__in=list(employee_ids))
    found: dict[int, list] = defaultdict(list)
    for employee_id, target, unit, value in rows.values_list(
        "evaluation__skp__employee_id", "iki__target_value", "iki__target_unit", "value"
    ):
        found[employee_id].append(
            iki_progress(target, value, target_unit=unit, months_elapsed=period.end.month)
        )
    return found


def evaluation_follow(evaluation) -> None:
    """Follower of an evaluation's change (core.performance.followers, registered by the
    app): submitted, returned or rated, its owner's months of the period that have begun
    are recomputed by the worker once this commits, when the Pemda keeps the daily log and
    the owner has a month row in that period."""
    from core.activity.services import daily_log_kept, today_local

    try:
        period = Period.parse(evaluation.period)
    except ValueError:
        return
    if not daily_log_kept():
        return
    if period.kind != evaluation_period_kind():  # not what the months read (a year's)
        return
    owner = (
        MonthlyIndex.objects.filter(
            month__range=(period.start, period.end),
            employee_id=Subquery(Skp.objects.filter(pk=evaluation.skp_id).values("employee_id")),
        )
        .values_list("employee_id", flat=True)
        .first()
    )  # one statement: the owner, when they have a month row in the period
    if owner is None:
        return
    this_month = today_local().replace(day=1)
    months, first = [], period.start
    while first <= min(period.end, this_month):
        months.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    month_recompute_enqueue(months, employee_ids=[owner])


def month_recompute_enqueue(days: Iterable[datetime.date], employee_ids=None) -> int:
    """Queue the recompute of each month of ``days`` (of ``employee_ids`` only, when given)
    once the transaction commits (so the worker sees the change); returns how many months
    were queued."""
    from django.db import connection

    from core.activity.tasks import activity_month_recompute_task

    schema = connection.schema_name
    months = sorted({day.replace(day=1) for day in days})
    ids = sorted(set(employee_ids)) if employee_ids is not None else None
    for month in months:
        # robust: a broker down does not fail the request whose change has committed (the
        # hourly refresh catches up).
        transaction.on_commit(
            lambda month=month: activity_month_recompute_task.delay(schema, month.isoformat(), ids),
            robust=True,
        )
    return len(months)


def month_lock_key(first: datetime.date) -> tuple[int, int]:
    """The advisory lock of a month's rows, in PostgreSQL's two-key form: the schema's
    hash and the month's number (two Pemda collide only if their schema names hash alike,
    never two months of one Pemda)."""
    from django.db import connection

    schema = zlib.crc32(f"activity-month:{connection.schema_name}".encode())
    return schema - 2**32 if schema >= 2**31 else schema, first.year * 12 + first.month - 1


def month_lock(first: datetime.date, *, shared: bool) -> None:
    """Until the end of the transaction: the log's writes (core.activity.rollup) hold a
    month shared, the recompute holds it alone. A recompute reads the minutes and writes
    them back later; a write in between would otherwise be overwritten (found in review)."""
    from django.db import connection

    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", list(month_lock_key(first)))


class RecomputeBusy(Exception):
    """Another recompute of the month is running (``month_recompute(wait=False)``)."""


@contextmanager
def _recompute_lock(first: datetime.date, *, wait: bool):
    """One recompute of a month at a time in a Pemda (the log's writes are not held by
    it): a later recompute, which reads later KPI, ratings and realisations, runs after an
    earlier one instead of having its rows written over by it (found in review).

    Inside a transaction (a test, the demo) a transaction lock; otherwise (the worker) a
    session lock, released on the way out, and the connection closed if that fails (a
    lock must not outlive its task on a reused connection). With ``wait`` False a busy
    month raises RecomputeBusy at once: the worker retries later rather than hold a slot
    that other Pemda's tasks need."""
    from django.db import DatabaseError, connection

    schema, month = month_lock_key(first)
    key = [schema ^ 0x5A5A5A5A, month]  # not the month lock's key
    scope = "_xact" if connection.in_atomic_block else ""
    function = f"pg_advisory{scope}_lock" if wait else f"pg_try_advisory{scope}_lock"
    held = False
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", key)
            (granted,) = cursor.fetchone()
        held = granted is not False  # pg_advisory_lock returns void (None)
        if not held:
            raise RecomputeBusy(f"{first:%Y-%m}")
        yield
    finally:
        if held and not scope:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                connection.close()  # the session, and its lock, end here


def month_recompute(day: datetime.date, employee_ids=None, *, wait: bool = True) -> int:
    """Recompute the month of ``day`` for every active employee (or those of
    ``employee_ids``); returns the rows written.

    One recompute of a month at a time (``_recompute_lock``). People go in chunks of
    ``CHUNK``, in id order, each chunk in a transaction of its own that holds the month
    against the log's writes (``month_lock``) while it reads their minutes and writes
    their rows: a write waits for one chunk at most, not for the whole Pemda. With
    ``wait`` False, RecomputeBusy when another recompute of the month runs."""
    first = month_first(day)
    ids = None if employee_ids is None else sorted({int(pk) for pk in employee_ids})
    with _recompute_lock(first, wait=wait):
        people = Employee.objects.filter(is_active=True)
        if ids is not None:
            people = people.filter(pk__in=ids)
        # What the log's writes do not change, read once.
        month = _Month(
            first=first,
            settings=month_settings(),
            behaviour=month_perilaku(first, ids),
            progress=rhk_progress(first, ids),
        )
        staff = list(people.order_by("pk").values_list("pk", "unit_id", "unit__opd_id"))
        month.iko = _person_indices(
            ((pk, unit_id) for pk, unit_id, _opd in staff),
            kpi_achievements(f"{first:%Y-%m}"),
            unit_lines(),
        )
        for start in range(0, len(staff), CHUNK):
            _chunk_write(month, staff[start : start + CHUNK])
    return len(staff)


@dataclass
class _Month:
    first: datetime.date
    settings: dict
    behaviour: dict
    progress: dict
    iko: dict = field(default_factory=dict)


@transaction.atomic
def _chunk_write(month: _Month, staff: list[tuple]) -> None:
    """The rows of ``staff`` (id, unit, OPD; in id order, as the log's writes upsert in
    core.activity.rollup: no deadlock), their minutes read and their rows written while
    the month is held."""
    first, settings = month.first, month.settings
    ids = [pk for pk, _unit, _opd in staff]
    month_lock(first, shared=False)
    minutes: dict[int, dict] = defaultdict(lambda: {"approved": {}, "pending": 0, "logged": 0})
    for employee_id, on, state, total in (
        Activity.objects.filter(day__range=(first, _month_last(first)), employee_id__in=ids)
        .exclude(state=ActivityState.REJECTED)
        .values_list("employee_id", "day", "state")
        .annotate(total=Sum("minutes"))
        .order_by()
    ):
        mine = minutes[employee_id]
        mine["logged"] += total
        if state == ActivityState.APPROVED:
            mine["approved"][on] = mine["approved"].get(on, 0) + total
        else:
            mine["pending"] += total
    attendance = {
        (employee_id, on): (status, hours)
        for employee_id, on, status, hours in Attendance.objects.filter(
            day__range=(first, _month_last(first)), employee_id__in=list(minutes)
        ).values_list("employee_id", "day", "status", "hours_present")
    }

    rows = []
    for employee_id, unit_id, opd_id in staff:
        mine = minutes.get(employee_id, {"approved": {}, "pending": 0, "logged": 0})
        caps = {
            on: rules.day_cap(
                *attendance.get((employee_id, on), (None, None)),
                max_minutes_per_day=settings["max_minutes"],
                attendance_required=settings["attendance_required"],
            )
            for on in mine["approved"]
        }
        counted = rules.capped_minutes(mine["approved"], caps)
        iki = rules.individual_index(counted, settings["target"])
        behaviour_score, score, withheld = month_score(
            iki, month.behaviour.get(employee_id), settings
        )
        rows.append(
            MonthlyIndex(
                employee_id=employee_id,
                month=first,
                unit_id=unit_id,
                opd_id=opd_id,
                logged_minutes=mine["logged"],
                approved_minutes=sum(mine["approved"].values()),
                counted_minutes=counted,
                pending_minutes=mine["pending"],
                target_minutes=settings["target"],
                iki=iki,
                iko=month.iko.get(employee_id),
                rhk=rules.rhk_achievement(month.progress.get(employee_id, ())),
                behaviour=behaviour_score,
                score=score,
                pay_withheld=withheld,
            )
        )
    MonthlyIndex.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["employee", "month"],
        update_fields=[
            "unit",
            "opd",
            "logged_minutes",
            "approved_minutes",
            "counted_minutes",
            "pending_minutes",
            "target_minutes",
            "iki",
            "iko",
            "rhk",
            "behaviour",
            "score",
            "pay_withheld",
            "computed_at",
        ],
    )
