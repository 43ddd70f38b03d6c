"""Reads for the org pages: filtered lists, exports and the workload (ABK) analysis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from core.config.selectors import setting_get
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.workload import (
    DEFAULT_EFFECTIVE_MINUTES,
    EFFECTIVE_MINUTES_SETTING,
    required_fte,
    staffing_gap,
)


def employee_list(
    *, user, q: str = "", opd: str = "", unit: str = "", status: str = "", active: bool = True
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
    return employees.order_by("unit__opd__code", "name", "nip")


def unit_list(*, user, q: str = "", opd: str = "") -> QuerySet[Unit]:
    units = (
        Unit.objects.visible_to(user)
        .select_related("parent", "opd")
        .annotate(employee_count=Count("employees", filter=Q(employees__is_active=True)))
    )
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if opd:
        units = units.filter(opd__code=opd)
    return units.order_by("tree_path")


def position_list(*, user, q: str = "", opd: str = "", jenis: str = "") -> QuerySet[Position]:
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


def effective_minutes() -> int:
    return int(setting_get(EFFECTIVE_MINUTES_SETTING, DEFAULT_EFFECTIVE_MINUTES))


def norms_required_fte(norms, minutes: int) -> Decimal:
    """Required FTE of one position from its norma-waktu tasks."""
    return required_fte(((n.yearly_volume, n.minutes_per_unit) for n in norms), minutes)


def workload_by_position(*, user, opd: str = "", minutes: int) -> list[WorkloadRow]:
    """Required FTE (from norma waktu × yearly volume) against current holders, per position."""
    with_norms = ActivityNorm.objects.filter(position=OuterRef("pk"))
    # Exists, not a join on norms: a join would count every holder once per task.
    positions = (
        position_list(user=user, opd=opd).filter(Exists(with_norms)).prefetch_related("norms")
    )
    return [
        WorkloadRow(
            code=p.code,
            name=p.name,
            opd_code=p.unit.opd.code if p.unit.opd else p.unit.code,
            opd_name=p.unit.opd.name if p.unit.opd else p.unit.name,
            required=norms_required_fte(p.norms.all(), minutes),
            holders=p.holder_count,
        )
        for p in positions
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
