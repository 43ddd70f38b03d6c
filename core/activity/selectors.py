"""Reads of the daily activity log's pages and home cards: one employee's day, the catalogue
searched as one types (the employee's own position first), favourites, a year month by
month, what waits for an atasan and the late approvals of an OPD.

Each returns what a page shows in a fixed number of queries, whatever the number of rows.
The rules (what may be logged, when a day closes, when an approval is late) are
core.activity.rules and core.activity.services.Calendar; these only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from core.accounts.models import Role
from core.activity import rules
from core.activity.models import Activity, ActivityState, Attendance, Favourite, MonthlyIndex
from core.activity.services import Calendar
from core.org.access import employee_of
from core.org.models import ActivityNorm, Employee
from core.performance.models import Rhk

NORM_RESULTS = 30  # matches sent per keystroke
NORM_WORDS = 5  # words of a search used
OWN_CATALOGUE_SHOWN = 100  # the own position's activities offered before typing
INBOX_MAX = 500  # entries listed on the approval page (one bulk decision at most)
MONTH_ENTRIES_MAX = 1000  # entries listed for a month of the history
REJECTED_SINCE_DAYS = 14  # the home card's rejected entries are this recent
CARD_PEOPLE = 8

NOT_REJECTED = ~Q(state=ActivityState.REJECTED)


# --- The catalogue ----------------------------------------------------------------------------


def norms_search(employee: Employee, query: str = "", *, limit: int = NORM_RESULTS):
    """Activities of the Pemda's norma-waktu catalogue whose name holds every word of
    ``query``: those of the employee's position first, then the others, by name; each with
    ``own`` (0 for the employee's position, 1 otherwise) and its position. One query."""
    norms = (
        ActivityNorm.objects.select_related("position")
        .annotate(
            own=Case(
                When(position_id=employee.position_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("own", "name", "pk")
    )
    for word in (query or "").split()[:NORM_WORDS]:
        norms = norms.filter(name__icontains=word[:100])
    return list(norms[:limit])


def norms_own(employee: Employee) -> list[ActivityNorm]:
    """The employee's own position's activities, offered before anything is typed."""
    return list(
        ActivityNorm.objects.filter(position_id=employee.position_id).order_by("name", "pk")[
            :OWN_CATALOGUE_SHOWN
        ]
    )


def norms_by_ids(ids: list[int]) -> list[ActivityNorm]:
    """Activities of the catalogue by id (a refused form's choice, offered again)."""
    return list(ActivityNorm.objects.filter(pk__in=ids).order_by("name", "pk"))


def favourites_of(employee: Employee) -> list[ActivityNorm]:
    """The activities the employee starred, by name. One query."""
    return [
        favourite.norm
        for favourite in Favourite.objects.filter(employee=employee)
        .select_related("norm")
        .order_by("norm__name", "norm_id")
    ]


def rhk_choices(employee: Employee, year: int) -> list[Rhk]:
    """The RHK of the employee's SKP of ``year``, an entry may be linked to. One query."""
    return list(
        Rhk.objects.filter(skp__employee=employee, skp__year=year).order_by("kind", "order", "pk")
    )


# --- One day ------------------------------------------------------------------------------------


@dataclass
class DayLog:
    """One employee's day as the log page shows it."""

    day: date
    entries: list[Activity]
    attendance: Attendance | None
    cap: int  # the minutes the day can count (rules.day_cap)
    logged: int  # minutes of the entries that still count (pending and approved)
    approved: int
    pending: int
    working: bool
    open: bool  # entries may be added, changed or removed today
    deadline: date | None  # the last day they may
    refusal: str | None  # why nothing more can be added, if so

    @property
    def left(self) -> int:
        return max(self.cap - self.logged, 0)

    @property
    def percent(self) -> int:
        return min(round(self.logged * 100 / self.cap), 100) if self.cap else 0

    @property
    def percent_step(self) -> int:
        """``percent`` to 5 (the bar's width is a class: no inline style under the CSP)."""
        return 5 * round(self.percent / 5)


def day_log(employee: Employee, day: date, *, calendar: Calendar, today: date) -> DayLog:
    """The entries of the day with their RHK, the day's attendance, cap and totals, and
    whether it is open. Two queries."""
    entries = list(
        Activity.objects.filter(employee=employee, day=day)
        .select_related("rhk")
        .order_by("created_at", "pk")
    )
    attendance = Attendance.objects.filter(employee=employee, day=day).first()
    status = attendance.status if attendance else None
    hours = attendance.hours_present if attendance else None
    cap = rules.day_cap(
        status,
        hours,
        max_minutes_per_day=calendar.max_minutes_per_day,
        attendance_required=calendar.attendance_required,
    )
    counting = [e for e in entries if e.state != ActivityState.REJECTED]
    logged = sum(e.minutes for e in counting)
    working = calendar.working(day)
    refusal = rules.activity_refusal(
        day,
        today,
        status=status,
        hours_present=hours,
        minutes=1,
        logged_minutes=logged,
        weekdays=calendar.weekdays,
        holidays=calendar.holidays,
        days_open=calendar.days_open,
        max_minutes_per_day=calendar.max_minutes_per_day,
        attendance_required=calendar.attendance_required,
    )
    return DayLog(
        day=day,
        entries=entries,
        attendance=attendance,
        cap=cap,
        logged=logged,
        approved=sum(e.minutes for e in counting if e.state == ActivityState.APPROVED),
        pending=sum(e.minutes for e in counting if e.state == ActivityState.PENDING),
        working=working,
        open=working and calendar.window_open(day, today),
        deadline=calendar.deadline(day) if working else None,
        refusal=refusal,
    )


def minutes_by_day(employee: Employee, days: list[date]) -> dict[date, int]:
    """{day: minutes that still count} for the days offered on the day picker. One query."""
    if not days:
        return {}
    return dict(
        Activity.objects.filter(employee=employee, day__in=days)
        .filter(NOT_REJECTED)
        .values("day")
        .annotate(total=Sum("minutes"))
        .values_list("day", "total")
    )


# --- A year, month by month ---------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    entries: int = 0
    logged: int = 0  # pending and approved
    approved: int = 0
    pending: int = 0
    rejected: int = 0
    index: MonthlyIndex | None = None  # the month's IKI, once computed


def months_of(employee: Employee, year: int) -> list[MonthRow]:
    """The employee's months of ``year`` that have entries or an index, newest first, with
    their entries and minutes by state and the monthly index. Two queries."""
    rows = {
        row["month"]: MonthRow(
            month=row["month"],
            entries=row["entries"],
            logged=row["logged"] or 0,
            approved=row["approved"] or 0,
            pending=row["pending"] or 0,
            rejected=row["rejected"] or 0,
        )
        for row in Activity.objects.filter(employee=employee, day__year=year)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            entries=Count("pk"),
            logged=Sum("minutes", filter=NOT_REJECTED),
            approved=Sum("minutes", filter=Q(state=ActivityState.APPROVED)),
            pending=Sum("minutes", filter=Q(state=ActivityState.PENDING)),
            rejected=Sum("minutes", filter=Q(state=ActivityState.REJECTED)),
        )
    }
    for index in MonthlyIndex.objects.filter(employee=employee, month__year=year):
        rows.setdefault(index.month, MonthRow(month=index.month)).index = index
    return [rows[month] for month in sorted(rows, reverse=True)]


def month_entries(employee: Employee, month: date) -> list[Activity]:
    """The entries of one month (``month`` is its first day), by day. One query."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return list(
        Activity.objects.filter(employee=employee, day__gte=month, day__lt=following)
        .select_related("rhk")
        .order_by("day", "created_at", "pk")[:MONTH_ENTRIES_MAX]
    )


def entry_years(employee: Employee) -> tuple[int | None, int | None]:
    """The first and the last year the employee logged in. One query."""
    bounds = Activity.objects.filter(employee=employee).aggregate(first=Min("day"), last=Max("day"))
    return (
        bounds["first"].year if bounds["first"] else None,
        bounds["last"].year if bounds["last"] else None,
    )


# --- Approvals ----------------------------------------------------------------------------------


@dataclass
class PersonWaiting:
    employee: Employee
    days: list[tuple[date, list[Activity]]] = field(default_factory=list)
    count: int = 0
    minutes: int = 0
    late: int = 0


def approvals_waiting(user, *, late_before: datetime, limit: int = INBOX_MAX):
    """The entries waiting for ``user`` as the atasan of their owners, grouped by person (by
    name) and day (oldest first), each marked ``late`` when logged before ``late_before``;
    and whether more wait than the ``limit`` shown. One query."""
    entries = list(
        Activity.objects.appraisable_by(user)
        .filter(state=ActivityState.PENDING)
        .select_related("employee__position", "rhk")
        .order_by("employee__name", "employee_id", "day", "created_at", "pk")[: limit + 1]
    )
    more = len(entries) > limit
    people: dict[int, PersonWaiting] = {}
    for entry in entries[:limit]:
        entry.late = entry.created_at < late_before
        person = people.get(entry.employee_id)
        if person is None:
            person = people[entry.employee_id] = PersonWaiting(employee=entry.employee)
        if not person.days or person.days[-1][0] != entry.day:
            person.days.append((entry.day, []))
        person.days[-1][1].append(entry)
        person.count += 1
        person.minutes += entry.minutes
        person.late += entry.late
    return list(people.values()), more


def waiting_counts(user) -> list[dict]:
    """Per person the atasan appraises: how many entries wait for them, since when (the
    oldest logging moment), by name. One query; empty for someone who appraises nobody."""
    return list(
        Activity.objects.appraisable_by(user)
        .filter(state=ActivityState.PENDING)
        .values("employee_id", "employee__name")
        .annotate(count=Count("pk"), since=Min("created_at"), oldest_day=Min("day"))
        .order_by("employee__name", "employee_id")
    )


def waiting_late_counts(user, *, late_before: datetime) -> dict[int, int]:
    """{employee id: entries waiting late} among those ``user`` approves. One query."""
    return dict(
        Activity.objects.appraisable_by(user)
        .filter(state=ActivityState.PENDING, created_at__lt=late_before)
        .values("employee_id")
        .annotate(count=Count("pk"))
        .values_list("employee_id", "count")
    )


def _opd_pending(user):
    """The entries of the OPD's active staff waiting for a decision, for the head of the
    OPD (None for anyone else), each with the atasan who should decide them."""
    me = employee_of(user)
    if me is None or user.role != Role.HEAD_OF_OPD:
        return None
    return Activity.objects.filter(
        state=ActivityState.PENDING,
        employee__is_active=True,
        employee__unit__opd_id=me.unit.opd_id,
    ).annotate(atasan=Coalesce("employee__atasan_override", "employee__derived_atasan"))


def opd_pending_since(user) -> datetime | None:
    """For the head of an OPD: when the oldest entry of the OPD still waiting was logged
    (None: nothing waits, or not a head of OPD). One query, none for anyone else; the home
    card reads the calendar only when this is old enough to be late."""
    pending = _opd_pending(user)
    if pending is None:
        return None
    return pending.aggregate(since=Min("created_at"))["since"]


def late_by_atasan(user, *, late_before: datetime) -> list[tuple[Employee | None, int]]:
    """For the head of an OPD: the entries of the OPD's staff waiting late, counted per
    atasan who should decide them (None: staff without an atasan), the most first. One
    query, and one for the atasan when some are late; none for anyone else."""
    pending = _opd_pending(user)
    if pending is None:
        return []
    counts = list(
        pending.filter(created_at__lt=late_before)
        .values("atasan")
        .annotate(count=Count("pk"))
        .order_by("-count", "atasan")
    )
    if not counts:
        return []
    atasan = Employee.objects.select_related("position").in_bulk(
        [row["atasan"] for row in counts if row["atasan"]]
    )
    return [(atasan.get(row["atasan"]), row["count"]) for row in counts]


def rejected_recent(employee: Employee, *, since: datetime, limit: int) -> list[Activity]:
    """The employee's entries rejected since ``since``, the latest first. One query."""
    return list(
        Activity.objects.filter(
            employee=employee, state=ActivityState.REJECTED, decided_at__gte=since
        ).order_by("-decided_at", "-pk")[:limit]
    )
