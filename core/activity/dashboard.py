"""The leader's real-time view (issue 10 §6): workload, achievement, ratings and late
approvals, per OPD, per unit and per person, for the Wali Kota/Bupati, the Sekda and the
admin (the whole Pemda) and the head of an OPD (their OPD).

Reads only, a fixed number of queries whatever the size of the level shown:

- minutes come from the month's ``MonthlyIndex`` rows (one per person), which the log's
  writes keep current as entries are logged and decided (core.activity.services), so an
  approval shows at the next poll; the IKI and the final score are the worker's
  (core.activity.indices.month_recompute);
- capacity is the people × the monthly target minutes;
- achievement is the unit's IKO (its KPIs' achievements in the month; a person's: every
  KPI crediting them), the mean IKI and the mean RHK realisation against target
  (``rules.rhk_achievement``, the worker's);
- ratings are the predikat of the month's rated evaluations (core.performance);
- late approvals are entries still waiting after ``activity.late_approval_days`` working
  days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from core.accounts.models import Role
from core.activity import rules
from core.activity.indices import month_first, organisation_indices
from core.activity.models import Activity, ActivityState, MonthlyIndex
from core.config.periods import period_of
from core.config.selectors import evaluation_period_kind, setting_get
from core.org.access import WHOLE_PEMDA_ROLES, employee_of
from core.org.models import Employee, Unit
from core.performance.calibration import RATED_STATES
from core.performance.models import Evaluation
from core.performance.rules import Predikat

FIRST_YEAR = 2000
TWO_PLACES = Decimal("0.01")


def _pct(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One bar of the view: an OPD, a unit or a person."""

    key: int
    label: str
    code: str = ""
    people: int = 0
    logged: int = 0
    approved: int = 0
    pending: int = 0
    capacity: int = 0
    iki_sum: Decimal = Decimal(0)
    iki_count: int = 0
    iko: Decimal | None = None
    rhk_sum: Decimal = Decimal(0)
    rhk_count: int = 0
    withheld: int = 0
    late: int = 0
    predikat: dict[str, int] = field(default_factory=dict)
    depth: int = 0

    @property
    def workload(self) -> Decimal | None:
        """Approved minutes against capacity, in percent."""
        if not self.capacity:
            return None
        return _pct(Decimal(self.approved) * 100 / self.capacity)

    @property
    def iki(self) -> Decimal | None:
        return _pct(self.iki_sum / self.iki_count) if self.iki_count else None

    @property
    def rhk(self) -> Decimal | None:
        """The mean RHK realisation against target of the people with one."""
        return _pct(self.rhk_sum / self.rhk_count) if self.rhk_count else None

    @property
    def rated(self) -> int:
        return sum(self.predikat.values())

    def shown(self, numbers) -> dict:
        """The row's figures as the table shows them (``core.ui.numbers.Numbers``: one
        lookup of the separators for the whole table, not one per figure)."""
        workload, iki, iko, rhk = self.workload, self.iki, self.iko, self.rhk
        return {
            "key": self.key,
            "label": self.label,
            "code": self.code,
            "depth": min(self.depth, 5),
            "people": numbers.whole(self.people),
            "approved": numbers.whole(self.approved),
            "pending": numbers.whole(self.pending),
            "workload": f"{numbers.fixed(workload)} %" if workload is not None else "—",
            "iki": numbers.fixed(iki) if iki is not None else "—",
            "iko": numbers.fixed(iko) if iko is not None else "—",
            "rhk": f"{numbers.fixed(rhk)} %" if rhk is not None else "—",
            "late": numbers.whole(self.late),
            "is_late": bool(self.late),
            "rated": numbers.whole(self.rated),
        }

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "people": self.people,
            "logged": self.logged,
            "approved": self.approved,
            "pending": self.pending,
            "capacity": self.capacity,
            "workload": float(self.workload) if self.workload is not None else None,
            "iki": float(self.iki) if self.iki is not None else None,
            "iko": float(self.iko) if self.iko is not None else None,
            "rhk": float(self.rhk) if self.rhk is not None else None,
            "withheld": self.withheld,
            "late": self.late,
            "predikat": [self.predikat.get(value, 0) for value in Predikat.values],
        }


@dataclass
class View:
    level: str  # "pemda", "opd", "unit"
    month: datetime.date
    rows: list[Row]
    opd: Unit | None = None
    unit: Unit | None = None
    stamp: str = ""  # changes whenever an entry of the scope is logged or decided

    @property
    def total(self) -> Row:
        total = Row(key=0, label="")
        for row in self.rows:
            total.people += row.people
            total.logged += row.logged
            total.approved += row.approved
            total.pending += row.pending
            total.capacity += row.capacity
            total.iki_sum += row.iki_sum
            total.iki_count += row.iki_count
            total.rhk_sum += row.rhk_sum
            total.rhk_count += row.rhk_count
            total.withheld += row.withheld
            total.late += row.late
            for value, n in row.predikat.items():
                total.predikat[value] = total.predikat.get(value, 0) + n
        return total

    def chart(self) -> dict:
        return {
            "labels": [row.label for row in self.rows],
            "rows": [row.as_json() for row in self.rows],
            "predikat": [str(label) for label in Predikat.labels],
            "rhk_label": str(_("RHK realisation")),
        }


def may_see_dashboard(user) -> bool:
    return user.is_authenticated and (
        user.role in WHOLE_PEMDA_ROLES or user.role == Role.HEAD_OF_OPD
    )


def _scope_opd(user) -> Unit | None:
    """None for the whole Pemda; the head's OPD; PermissionDenied for anyone else."""
    if not may_see_dashboard(user):
        raise PermissionDenied
    if user.role in WHOLE_PEMDA_ROLES:
        return None
    me = employee_of(user)
    if me is None or me.unit is None or me.unit.opd is None:
        raise PermissionDenied  # fails closed: None would mean the whole Pemda
    return me.unit.opd


@dataclass
class Scope:
    level: str  # "pemda", "opd", "unit"
    people: object  # QuerySet[Employee]
    group: str  # the Employee field the rows group by
    opd: Unit | None
    unit: Unit | None


def leader_scope(*, user, opd_id=None, unit_id=None) -> Scope:
    """The level asked, within what ``user`` may see: 403 for who may not see the view,
    404 for an OPD or unit outside their scope (or none at all)."""
    scope = _scope_opd(user)
    opd = unit = None
    if unit_id is not None:
        unit = Unit.objects.select_related("opd").filter(pk=unit_id).first()
        if unit is None or (scope is not None and unit.opd_id != scope.pk):
            raise Http404
        opd = unit.opd
    elif opd_id is not None:
        opd = Unit.objects.filter(pk=opd_id, parent__isnull=True).first()
        if opd is None or (scope is not None and opd.pk != scope.pk):
            raise Http404
    elif scope is not None:
        opd = scope
    people = Employee.objects.filter(is_active=True)
    if unit is not None:
        return Scope("unit", people.filter(unit=unit), "pk", opd, unit)
    if opd is not None:
        return Scope("opd", people.filter(unit__opd=opd), "unit_id", opd, None)
    return Scope("pemda", people, "unit__opd_id", None, None)


def _stored(scope: Scope) -> tuple[dict, str]:
    """The filter and the group field of the rows that record the unit and OPD they were
    written in (MonthlyIndex, rated Evaluation): an OPD's or the Pemda's month reads them
    through their own indexes instead of going through the scope's employees and their
    units."""
    if scope.level == "pemda":
        return {}, "opd_id"
    if scope.level == "opd":
        return {"opd_id": scope.opd.pk}, "unit_id"
    return {}, ""  # a unit's people: few, read through their ids


def _late(scope: Scope, cutoff) -> QuerySet:
    """Per row, the entries of the scope's people still waiting since before ``cutoff``:
    one count per person through the index of waiting entries, summed per row."""
    waiting = (
        Activity.objects.filter(
            employee_id=OuterRef("pk"), state=ActivityState.PENDING, created_at__lt=cutoff
        )
        .order_by()
        .values("employee_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        scope.people.annotate(late=Coalesce(Subquery(waiting), 0))
        .values_list(scope.group)
        .annotate(n=Sum("late"))
        .order_by()
    )


def _months_of(scope: Scope, month: datetime.date, *, active=True) -> tuple[QuerySet, str]:
    """The scope's month rows (MonthlyIndex), with the field the view's rows group by; of
    active employees only unless ``active`` is False (the stamp: any change will do)."""
    stored, group = _stored(scope)
    rows = MonthlyIndex.objects.filter(month=month, **stored)
    if not group:
        return rows.filter(employee__in=scope.people), "employee_id"
    return (rows.filter(employee__is_active=True) if active else rows), group


def leader_view(*, user, month: datetime.date, opd_id=None, unit_id=None, today=None) -> View:
    """The rows of the level asked: the Pemda's OPDs; an OPD's units; a unit's people.
    Eight queries (and the settings) whatever the level's size."""
    from core.activity.services import calendar_current, today_local

    scope = leader_scope(user=user, opd_id=opd_id, unit_id=unit_id)
    level, people, opd, unit = scope.level, scope.people, scope.opd, scope.unit
    month = month_first(month)
    today = today or today_local()
    rows = _rows(level, people, opd)
    by_key = {row.key: row for row in rows}
    target = rules.monthly_target_minutes(int(setting_get("abk.effective_minutes", 75000)))

    if level == "unit":  # its people of now, one row each
        for row in rows:
            row.people, row.capacity = 1, target

    # An OPD's or the Pemda's month: each active person where their month row puts them
    # (the unit of their last write or recompute: now, for this month and last), so that
    # people, capacity and minutes count the same people.
    months, month_group = _months_of(scope, month)
    for (
        key,
        n,
        logged,
        approved,
        pending,
        iki_sum,
        iki_count,
        rhk_sum,
        rhk_count,
        iko,
        withheld,
    ) in (
        months.values_list(month_group)
        .annotate(
            n=Count("pk"),
            logged=Sum("logged_minutes"),
            approved=Sum("approved_minutes"),
            pending=Sum("pending_minutes"),
            iki_sum=Sum("iki"),
            iki_count=Count("iki"),
            rhk_sum=Sum("rhk"),
            rhk_count=Count("rhk"),
            iko=Max("iko"),  # a person's own (one row): the KPIs crediting them
            withheld=Count("pk", filter=Q(pay_withheld=True)),
        )
        .order_by()
    ):
        row = by_key.get(key)
        if row is None:
            continue
        if level != "unit":
            row.people, row.capacity = n, n * target
        row.logged, row.approved, row.pending = logged or 0, approved or 0, pending or 0
        row.iki_sum, row.iki_count, row.withheld = iki_sum or Decimal(0), iki_count, withheld
        row.rhk_sum, row.rhk_count = rhk_sum or Decimal(0), rhk_count
        if level == "unit":
            row.iko = iko

    if level != "unit":
        # Active people without a month row yet (none logged, no recompute since the month
        # began, or just hired): counted where they are now, with nothing done.
        unrecorded = people.exclude(
            Exists(MonthlyIndex.objects.filter(employee=OuterRef("pk"), month=month))
        )
        for key, n in unrecorded.values_list(scope.group).annotate(n=Count("pk")).order_by():
            if key in by_key:
                by_key[key].people += n
                by_key[key].capacity += n * target

    # Ratings grouped by the unit and OPD they were given in (recorded on the evaluation).
    stored, rated_group = _stored(scope)
    rated = Evaluation.objects.filter(
        period=period_of(evaluation_period_kind(), month).code, state__in=RATED_STATES, **stored
    )
    if not rated_group:
        rated, rated_group = rated.filter(skp__employee__in=people), "skp__employee_id"
    for key, value, n in (
        # COUNT(*): no column outside the index (evaluation_period_opd_rated)
        rated.values_list(rated_group, "predikat").annotate(n=Count("*")).order_by()
    ):
        if key in by_key and value:
            by_key[key].predikat[value] = n

    # Late as the inbox and the home cards say it (services.Calendar.late_before_time).
    cutoff = calendar_current(today - datetime.timedelta(days=62), today).late_before_time(today)
    for key, n in _late(scope, cutoff):
        if key in by_key:
            by_key[key].late = n or 0

    if level != "unit":  # a unit's or an OPD's own KPIs
        iko = organisation_indices(f"{month:%Y-%m}")
        for row in rows:
            row.iko = iko.get(row.key)

    return View(
        level=level,
        month=month,
        rows=rows,
        opd=opd,
        unit=unit,
        stamp=view_stamp(scope, month),
    )


def view_stamp(scope: Scope, month: datetime.date) -> str:
    """What changes when an entry of the scope in ``month`` is logged or decided: its
    month rows' last change (one indexed aggregate over one row per person)."""
    months, _group = _months_of(scope, month, active=False)
    last = months.aggregate(last=Max("computed_at"))["last"]
    return last.isoformat() if last else ""


def _rows(level: str, people, opd: Unit | None) -> list[Row]:
    if level == "pemda":
        return [
            Row(key=pk, label=name, code=code)
            for pk, name, code in Unit.objects.filter(parent__isnull=True)
            .order_by("tree_path")
            .values_list("pk", "name", "code")
        ]
    if level == "opd":
        return [
            Row(key=pk, label=name, code=code, depth=depth - opd.depth)
            for pk, name, code, depth in Unit.objects.filter(opd=opd)
            .order_by("tree_path")
            .values_list("pk", "name", "code", "depth")
        ]
    return [
        Row(key=pk, label=name, code=nip)
        for pk, name, nip in people.order_by("name", "pk").values_list("pk", "name", "nip")
    ]


def month_parse(raw, today: datetime.date) -> datetime.date:
    """``?bulan=2026-05`` → its first day; this month when missing or malformed."""
    try:
        year, month = (int(part) for part in str(raw).split("-"))
        asked = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return month_first(today)
    if not FIRST_YEAR <= year <= today.year + 1:  # "1-01" or "9999-12": no such month here
        return month_first(today)
    return asked
