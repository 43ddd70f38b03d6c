"""Reads of the performance module's planning pages: an SKP with its RHK and IKI, the
appraiser's RHK an RHK may support, the people one appraises (or, for a head of OPD, the
OPD) with the state of their SKP, and the choices of the bulk assignment.

Each returns what a page shows in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.org.access import employee_of
from core.org.models import Employee, Unit
from core.performance.access import skp_closing
from core.performance.models import Evaluation, Iki, Rhk, RhkTemplate, Skp
from core.performance.rules import RhkKind

YEARS_AROUND = 1  # the year picker offers this many years either side of this year


def year_current() -> int:
    return timezone.localdate().year


def year_parse(raw, default: int | None = None) -> int:
    """A year from a query string (``?tahun=2026``); anything else is this year."""
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        return default or year_current()
    return year if 1900 <= year <= 2999 else (default or year_current())


def year_choices(*, employee=None, chosen: int | None = None) -> list[int]:
    """This year and the ones around it, with every year the employee has an SKP of."""
    now = year_current()
    years = set(range(now - YEARS_AROUND, now + YEARS_AROUND + 1))
    if employee is not None:
        years.update(Skp.objects.filter(employee=employee).values_list("year", flat=True))
    if chosen:
        years.add(chosen)
    return sorted(years, reverse=True)


# --- One SKP ------------------------------------------------------------------------------


def _skp_loaded() -> QuerySet[Skp]:
    return Skp.objects.select_related(
        "employee", "employee__position", "employee__unit", "appraiser"
    ).prefetch_related(
        Prefetch(
            "rhk",
            queryset=Rhk.objects.select_related("parent").prefetch_related(
                Prefetch("iki", queryset=Iki.objects.order_by("order", "pk"))
            ),
        )
    )


def skp_of_year(*, employee, year: int) -> Skp | None:
    """The employee's SKP of ``year`` with its RHK (and the RHK each supports) and their IKI,
    or None before it is started."""
    return _skp_loaded().filter(employee=employee, year=year).first()


def skp_loaded(*, pk: int) -> Skp:
    """An SKP already fetched with the caller's access, read again with all it shows."""
    return _skp_loaded().get(pk=pk)


def skp_rhk_by_kind(skp: Skp | None) -> list[tuple[str, str, list[Rhk]]]:
    """[(kind, label, [RHK])] for utama then tambahan, from the prefetched rows."""
    rows = list(skp.rhk.all()) if skp is not None else []
    return [
        (kind, label, [rhk for rhk in rows if rhk.kind == kind]) for kind, label in RhkKind.choices
    ]


def skp_locked_ids(skp_ids) -> set[int]:
    """Which of these SKP have the evaluation of their year rated: their content is fixed
    (core.performance.services.skp_content_locked, for many at once)."""
    return set(
        Evaluation.objects.filter(skp_closing(), skp_id__in=list(skp_ids))
        .values_list("skp_id", flat=True)
        .distinct()
    )


def parent_choices(*, skp: Skp) -> QuerySet[Rhk]:
    """The RHK an RHK of ``skp`` may support: those of the SKP of the same year of the
    owner's appraiser (the one recorded with the SKP, or the atasan of now after a move)."""
    appraisers = {skp.appraiser_id, skp.employee.atasan_id} - {None}
    return (
        Rhk.objects.filter(skp__employee_id__in=appraisers, skp__year=skp.year)
        .select_related("skp__employee")
        .order_by("skp__employee__name", "kind", "order", "pk")
    )


# --- The people one plans for ---------------------------------------------------------------


def employees_assignable_by(user) -> QuerySet[Employee]:
    """Whom ``user`` may push RHK down to: the people they appraise; a head of OPD, the
    whole OPD (and anyone else they appraise). Never themself."""
    me = employee_of(user)
    if me is None:
        return Employee.objects.none()
    if user.role == Role.HEAD_OF_OPD:
        return Employee.objects.visible_to(user).filter(is_active=True).exclude(pk=me.pk)
    return Employee.objects.appraisable_by(user).exclude(pk=me.pk)


@dataclass(frozen=True)
class SkpStatus:
    code: str
    label: str
    css: str


STATUS_NONE = SkpStatus("none", _("No RHK yet"), "text-bg-secondary")
STATUS_NO_IKI = SkpStatus("no_iki", _("RHK without IKI"), "text-bg-warning")
STATUS_PLANNED = SkpStatus("planned", _("Planned"), "text-bg-success")
STATUS_LOCKED = SkpStatus("locked", _("Rated (locked)"), "text-bg-primary")


def skp_status(*, rhk_count: int, rhk_without_iki: int, locked: bool) -> SkpStatus:
    if locked:
        return STATUS_LOCKED
    if not rhk_count:
        return STATUS_NONE
    if rhk_without_iki:
        return STATUS_NO_IKI
    return STATUS_PLANNED


def _count(queryset, field: str):
    """A correlated count of ``queryset`` grouped by ``field`` (0 when there is none)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def team_rows(people: QuerySet[Employee], *, year: int) -> QuerySet[Employee]:
    """``people`` with their SKP of ``year``: its id (``skp_pk``), how many RHK it has
    (``rhk_count``) and how many without an IKI (``rhk_without_iki``), and whether an
    evaluation of it is rated (``locked``); one query for any number of people."""
    rhk = Rhk.objects.filter(skp__employee=OuterRef("pk"), skp__year=year)
    return (
        people.select_related("position", "unit")
        .annotate(
            skp_pk=Subquery(
                Skp.objects.filter(employee=OuterRef("pk"), year=year).values("pk")[:1]
            ),
            rhk_count=_count(rhk, "skp"),
            rhk_without_iki=_count(
                rhk.filter(~Exists(Iki.objects.filter(rhk=OuterRef("pk")))), "skp"
            ),
            locked=Exists(
                Evaluation.objects.filter(
                    skp_closing(), skp__employee=OuterRef("pk"), skp__year=year
                )
            ),
        )
        .order_by("unit__tree_path", "name", "pk")
    )


def team_status_set(rows) -> list:
    """Give each row of a page of ``team_rows`` its ``status`` (SkpStatus)."""
    rows = list(rows)
    for row in rows:
        row.status = skp_status(
            rhk_count=row.rhk_count, rhk_without_iki=row.rhk_without_iki, locked=row.locked
        )
    return rows


def team_units(user) -> QuerySet[Unit]:
    """The units to narrow the team list to: where the people one plans for work."""
    return (
        Unit.objects.filter(employees__in=employees_assignable_by(user))
        .distinct()
        .order_by("tree_path")
    )


def people_in_unit(people: QuerySet[Employee], unit: Unit | None) -> QuerySet[Employee]:
    """Narrowed to ``unit`` and every unit below it."""
    if unit is None:
        return people
    return people.filter(
        Q(unit__tree_path=unit.tree_path) | Q(unit__tree_path__startswith=f"{unit.tree_path}/")
    )


# --- Bulk assignment and the catalogue ----------------------------------------------------


def my_rhk(user, *, year: int) -> list[Rhk]:
    """The user's own RHK of ``year``: what they may push down to their people."""
    return list(
        Rhk.objects.owned_by(user)
        .filter(skp__year=year)
        .order_by("kind", "order", "pk")
        .only("pk", "kind", "text", "skp_id")
    )


def catalogue_for(people: QuerySet[Employee]) -> list[RhkTemplate]:
    """The catalogue entries of the positions these people hold."""
    return list(
        RhkTemplate.objects.filter(position__in=people.values("position"))
        .select_related("position")
        .order_by("position__name", "kind", "pk")
    )


def catalogue_list(*, position=None) -> QuerySet[RhkTemplate]:
    entries = RhkTemplate.objects.select_related("position", "position__unit")
    if position is not None:
        entries = entries.filter(position=position)
    return entries.order_by("position__name", "position__code", "kind", "pk")
