"""Reads for the org pages: filtered lists, exports and the workload (ABK) analysis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce

from core.config.selectors import setting_get
from core.org.models import ActivityNorm, Employee, EmploymentStatus, Position, Unit
from core.org.workload import (
    DEFAULT_EFFECTIVE_MINUTES,
    EFFECTIVE_MINUTES_SETTING,
    required_fte,
    staffing_gap,
)


def employee_list(
    *,
    user,
    q: str = "",
    opd: str = "",
    unit: str = "",
    status: str = "",
    missing: str = "",
    active: bool = True,
) -> QuerySet[Employee]:
    employees = (
        Employee.objects.visible_to(user)
        .filter(is_active=active)
        .select_related("position", "unit", "unit__opd", "derived_atasan", "atasan_override")
    )
    if q:
        employees = employees.filter(Q(name__icontains=q) | Q(nip__startswith="".join(q.split())))
    if opd:
        employees = employees.filter(unit__opd__code=opd)
    if unit:
        employees = employees.filter(unit__code=unit)
    if status:
        employees = employees.filter(status=status)
    if missing in MISSING_FILTERS["employees"]:
        employees = employees.filter(MISSING_FILTERS["employees"][missing])
    return employees.order_by("unit__opd__code", "name", "nip")


def employee_rows(employees: QuerySet[Employee]) -> QuerySet[Employee]:
    """The employees as the list page shows them: with their position and unit, and the
    effective atasan's name as ``atasan_name`` (the override, else the derived atasan) in
    place of two more employees joined to every row."""
    return (
        employees.select_related(None)
        .select_related("position", "unit")
        .annotate(atasan_name=Coalesce("atasan_override__name", "derived_atasan__name"))
    )


def unit_list(*, user, q: str = "", opd: str = "", missing: str = "") -> QuerySet[Unit]:
    units = Unit.objects.visible_to(user).select_related("parent", "opd", "head")
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if opd:
        units = units.filter(opd__code=opd)
    if missing in MISSING_FILTERS["units"]:
        units = units.filter(MISSING_FILTERS["units"][missing])
    return units.order_by("tree_path")


def unit_staff_totals() -> dict[int, int]:
    """unit id → active employees working in the unit or anywhere below it (two queries,
    whatever the size of the tree)."""
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    totals = dict.fromkeys(parent_of, 0)
    direct = (
        Employee.objects.filter(is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, count in direct:
        node, seen = unit_id, set()
        while node is not None and node not in seen:
            totals[node] += count
            seen.add(node)
            node = parent_of.get(node)
    return totals


def unit_rows(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units as the list page shows them: the head's name as ``head_name``, no parent,
    OPD or head joined in as objects."""
    return units.select_related(None).annotate(head_name=F("head__name"))


# Each unit's subtree, walked down from the given units only (UNION, not UNION ALL: a cycle,
# which the org services refuse anyway, could not make it loop).
_SUBTREE_STAFF_SQL = """
    WITH RECURSIVE subtree (root, id) AS (
        SELECT id, id FROM org_unit WHERE id = ANY(%s)
        UNION
        SELECT subtree.root, child.id
        FROM org_unit child JOIN subtree ON child.parent_id = subtree.id
    )
    SELECT subtree.root, COUNT(employee.id)
    FROM subtree JOIN org_employee employee ON employee.unit_id = subtree.id
    WHERE employee.is_active
    GROUP BY subtree.root
"""


def unit_staff_totals_of(unit_ids: list[int]) -> dict[int, int]:
    """unit id → active employees in the unit or below it, for the given units only: one
    query that reads their subtrees, not the whole Pemda (a page of units of a large Pemda)."""
    if not unit_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SUBTREE_STAFF_SQL, [list(unit_ids)])
        return dict(cursor.fetchall())


def units_with_staff(units) -> list[Unit]:
    """The given units, each with ``staff``: its active employees, units below included."""
    units = list(units)
    totals = unit_staff_totals_of([unit.pk for unit in units])
    for unit in units:
        unit.staff = totals.get(unit.pk, 0)
    return units


def position_list(
    *, user, q: str = "", opd: str = "", jenis: str = "", missing: str = ""
) -> QuerySet[Position]:
    positions = (
        Position.objects.visible_to(user)
        .select_related("unit", "unit__opd")
        .annotate(holder_count=Count("holders", filter=Q(holders__is_active=True)))
    )
    if q:
        positions = positions.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if opd:
        positions = positions.filter(unit__opd__code=opd)
    if jenis:
        positions = positions.filter(jenis=jenis)
    if missing in MISSING_FILTERS["positions"]:
        positions = positions.filter(MISSING_FILTERS["positions"][missing])
    return positions.order_by("unit__opd__code", "code")


def opd_choices(user) -> list[tuple[str, str]]:
    return list(Unit.objects.visible_to(user).opds().order_by("name").values_list("code", "name"))


@dataclass
class WorkloadRow:
    code: str
    name: str
    opd_code: str
    opd_name: str
    required: Decimal
    holders: int

    @property
    def gap(self) -> Decimal:
        return staffing_gap(self.required, self.holders)


def effective_minutes(*, fresh: bool = False) -> int:
    """The Pemda's effective working minutes a year (cached per process unless ``fresh``:
    core.config.selectors.SETTINGS_TTL)."""
    return int(setting_get(EFFECTIVE_MINUTES_SETTING, DEFAULT_EFFECTIVE_MINUTES, fresh=fresh))


def norms_required_fte(norms, minutes: int) -> Decimal:
    """Required FTE of one position from its norma-waktu tasks."""
    return required_fte(((n.yearly_volume, n.minutes_per_unit) for n in norms), minutes)


def workload_by_position(*, user, opd: str = "", minutes: int) -> list[WorkloadRow]:
    """Required FTE (from norma waktu × yearly volume) against current holders, per position.

    One query, one tuple a position: the database sums volume × minutes of each position's
    tasks (in a subquery: a join on the norms would count every holder once per task), and
    required_fte divides that exact whole number as it would the tasks one by one.
    """
    norms = ActivityNorm.objects.filter(position=OuterRef("pk"))
    minutes_a_year = (
        norms.order_by()
        .values("position")
        .annotate(total=Sum(Cast("yearly_volume", BigIntegerField()) * F("minutes_per_unit")))
        .values("total")
    )
    positions = (
        position_list(user=user, opd=opd)
        .filter(Exists(norms))
        .annotate(work=Subquery(minutes_a_year))
        .values_list(
            "code", "name", "unit__code", "unit__name", "unit__opd__code", "unit__opd__name",
            "holder_count", "work",
        )
    )  # fmt: skip
    return [
        WorkloadRow(
            code=code,
            name=name,
            opd_code=opd_code or unit_code,
            opd_name=opd_name if opd_code else unit_name,
            required=required_fte([(work, 1)], minutes),
            holders=holders,
        )
        for code, name, unit_code, unit_name, opd_code, opd_name, holders, work in positions
    ]


def workload_by_opd(rows: list[WorkloadRow]) -> list[WorkloadRow]:
    totals: dict[str, WorkloadRow] = {}
    for row in rows:
        total = totals.setdefault(
            row.opd_code,
            WorkloadRow(row.opd_code, row.opd_name, row.opd_code, row.opd_name, Decimal("0.00"), 0),
        )
        total.required += row.required
        total.holders += row.holders
    return sorted(totals.values(), key=lambda row: row.gap)


# --- Home cards ---------------------------------------------------------------------------

TOP_OPD = 12


def headcount(*, user) -> dict:
    """Active employees the user sees, by employment status and by OPD (largest first)."""
    employees = Employee.objects.visible_to(user).filter(is_active=True)
    labels = dict(EmploymentStatus.choices)
    by_status = [
        (labels.get(status, status), n)
        for status, n in employees.values_list("status").annotate(n=Count("id")).order_by("status")
    ]
    by_opd = list(
        employees.values_list("unit__opd__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__opd__name")
    )
    return {
        "total": sum(n for _label, n in by_status),
        "by_status": by_status,
        "by_opd": by_opd[:TOP_OPD],
        "other_opd": sum(n for _name, n in by_opd[TOP_OPD:]),
        "opd_count": len(by_opd),
    }


def completeness(*, user) -> dict:
    """Gaps in the data the user sees that block later work: employees without an email
    (they cannot receive a password link), positions without norma waktu (no ABK, no daily
    log), units without a head (no atasan for their staff)."""
    return {
        "employees_without_email": Employee.objects.visible_to(user)
        .filter(is_active=True, email="")
        .count(),
        "positions_without_norms": Position.objects.visible_to(user)
        .exclude(Exists(ActivityNorm.objects.filter(position=OuterRef("pk"))))
        .count(),
        "units_without_head": Unit.objects.visible_to(user).filter(head=None).count(),
    }


MISSING_FILTERS = {
    "employees": {"email": Q(email="")},
    "positions": {"norms": ~Exists(ActivityNorm.objects.filter(position=OuterRef("pk")))},
    "units": {"head": Q(head=None)},
}
