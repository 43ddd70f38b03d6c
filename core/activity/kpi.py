"""KPI (IKU) of the Pemda, of its OPD and units, and of cross-OPD teams (DOMAIN.md §4):
who may change what, the writes (each one audited), and the reads other pages need.

Reading follows ``Kpi.objects.visible_to`` and ``Team.objects.visible_to``. Writing:

- the Pemda's KPIs: the BKPSDMD admin and the leaders (the Wali Kota/Bupati, the Sekda);
- an OPD's KPIs and those of its units: the head of that OPD, and the admin;
- a team's KPIs and its members: its lead, and the admin and the leaders, who set teams up;
- setting up a team: the admin, the leaders and the heads of OPD;
- a month's realisation: whoever may change the KPI, and the head of the KPI's own unit (a
  bidang's head reports the bidang's KPIs); a month's target only whoever may change it.

A KPI serves one KPI a level up (``parent``: the Pemda's → an OPD's → a unit's below it; a
team's serves the Pemda's or an OPD's) and cascades into the RHK of the people who deliver
it (``kpi_rhk_link``: an RHK of that year of someone in the KPI's unit or below it, or in
its team). A team's KPIs credit every member (``kpis_crediting``).

Numbers come as people type them ("12", "7,5", "1.250,5"); targets and realisations are
never negative; months are "YYYY-MM" of the KPI's year. A refused change stores nothing:
a KPI's grid of twelve months is saved whole or not at all, with every bad cell named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils.translation import gettext as _

from core.accounts.models import Role
from core.activity import rules
from core.activity.audit import (
    KPI_CREATE,
    KPI_DELETE,
    KPI_PERIODS_SET,
    KPI_RHK_LINK,
    KPI_RHK_UNLINK,
    KPI_UPDATE,
    TEAM_CREATE,
    TEAM_DELETE,
    TEAM_MEMBER_ADD,
    TEAM_MEMBER_REMOVE,
    TEAM_UPDATE,
)
from core.activity.models import Kpi, KpiAggregation, KpiDirection, KpiPeriod, Team
from core.activity.services import ActivityError
from core.audit.services import audit_record, changes_between
from core.config.periods import MAX_YEAR, MIN_YEAR, Period, PeriodKind, periods_in_year
from core.org.access import employee_of
from core.org.models import Employee, Unit
from core.performance.models import Rhk

NAME_MAX = 300
MEASURE_MAX = 50
TEAM_NAME_MAX = 200
AMOUNT_MAX = Decimal("9999999999999.99")  # 15 digits, 2 of them decimals
WEIGHT_MAX = Decimal("999.99")
TWO_PLACES = Decimal("0.01")
LOOKUP_LIMIT = 20
MEMBERS_AT_ONCE = 500
KPI_MANAGERS = (Role.TENANT_ADMIN, Role.LEADER)
TEAM_MAKERS = (Role.TENANT_ADMIN, Role.LEADER, Role.HEAD_OF_OPD)


class KpiError(ActivityError):
    """A change the KPI rules refuse. ``fields`` names each bad field (or grid cell, as
    "target:2026-03" / "realisation:2026-03") with its message for the user."""

    def __init__(self, message: str = "", *, fields: Mapping[str, str] | None = None):
        self.fields = dict(fields or {})
        super().__init__(message or " ".join(dict.fromkeys(self.fields.values())))


# --- Parsing what people type ----------------------------------------------------------------


def number_parse(value, *, what: str, maximum: Decimal = AMOUNT_MAX) -> Decimal | None:
    """A number as typed: None when empty; "7,5" and "7.5" are 7.5, "1.250,5" and
    "1,250.5" 1250.5 (the last separator is the decimal one); 2 places, halves up. Text,
    a negative number or one too large for the column is refused with a message naming
    ``what``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise KpiError(_("%(what)s must be a number, e.g. 12 or 7,5.") % {"what": what})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = "".join(str(value).split())
        if not text:
            return None
        if "," in text and "." in text:
            decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
            thousands = "." if decimal_mark == "," else ","
            text = text.replace(thousands, "").replace(decimal_mark, ".")
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise KpiError(_("%(what)s must be a number, e.g. 12 or 7,5.") % {"what": what})
    if number < 0:
        raise KpiError(_("%(what)s cannot be negative.") % {"what": what})
    if number > maximum:
        raise KpiError(
            _("%(what)s is too large: at most %(max)s.") % {"what": what, "max": maximum}
        )
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def month_parse(code, *, year: int) -> Period:
    """A month of ``year`` from its code ("2026-03"); anything else is refused."""
    try:
        period = Period.parse(str(code).strip())
    except ValueError:
        period = None
    if period is None or period.kind != PeriodKind.MONTHLY or period.year != year:
        raise KpiError(
            _(
                "%(period)s is not a month of %(year)s; months are written %(year)s-01 to "
                "%(year)s-12."
            )
            % {"period": str(code)[:20], "year": year}
        )
    return period


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise KpiError(
            _("Give the year as four digits, e.g. 2026."),
            fields={"year": _("Give the year as four digits, e.g. 2026.")},
        )
    return year


def _text(value, *, limit: int, field: str, missing: str, errors: dict) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        errors[field] = missing
    elif len(text) > limit:
        errors[field] = _("At most %(n)s characters.") % {"n": limit}
    return text


def _checked(errors: dict, field: str, parse):
    try:
        return parse()
    except KpiError as exc:
        errors[field] = str(exc)
        return None


# --- Pure rules of the year -------------------------------------------------------------------


def annual_realisation(values: Iterable, aggregation: str) -> Decimal | None:
    """The year's realisation from the months' realisations in month order (None for a
    month not reported): their sum, the latest one, or their mean (2 places, halves up);
    None when no month is reported."""
    reported = [Decimal(value) for value in values if value is not None]
    if not reported:
        return None
    if aggregation == KpiAggregation.SUM:
        return sum(reported, Decimal(0))
    if aggregation == KpiAggregation.AVERAGE:
        return (sum(reported, Decimal(0)) / len(reported)).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )
    if aggregation == KpiAggregation.LAST:
        return reported[-1]
    raise ValueError(f"unknown aggregation {aggregation!r}")


def achievement(kpi: Kpi, target, realisation) -> Decimal | None:
    """``rules.kpi_achievement`` in the KPI's direction (None without a target)."""
    if target is None:
        return None
    return rules.kpi_achievement(
        target, realisation, higher_is_better=kpi.direction == KpiDirection.HIGHER
    )


# --- Who may do what --------------------------------------------------------------------------


def _me(user):
    return employee_of(user) if user.is_authenticated else None


def _heads_opd_of(user, unit: Unit) -> bool:
    """The head of the OPD ``unit`` belongs to (by role, working in that OPD)."""
    if not user.is_authenticated or user.role != Role.HEAD_OF_OPD:
        return False
    me = _me(user)
    return bool(me and me.unit.opd_id == (unit.opd_id or unit.pk))


def may_manage_pemda_kpis(user) -> bool:
    return user.is_authenticated and user.role in KPI_MANAGERS


def may_create_team(user) -> bool:
    return user.is_authenticated and user.role in TEAM_MAKERS


def may_manage_team(user, team: Team) -> bool:
    """The admin, the leaders and the team's lead."""
    if may_manage_pemda_kpis(user):
        return True
    me = _me(user)
    return bool(me and team.lead_id == me.pk)


def may_manage_kpis_of(user, *, unit: Unit | None = None, team: Team | None = None) -> bool:
    """Whether ``user`` may add, change and remove the KPIs of this owner (the Pemda when
    neither ``unit`` nor ``team`` is given)."""
    if not user.is_authenticated:
        return False
    if team is not None:
        return may_manage_team(user, team)
    if unit is not None:
        return user.role == Role.TENANT_ADMIN or _heads_opd_of(user, unit)
    return may_manage_pemda_kpis(user)


def may_manage_kpi(user, kpi: Kpi) -> bool:
    return may_manage_kpis_of(user, unit=kpi.unit, team=kpi.team)


def may_report_kpi(user, kpi: Kpi) -> bool:
    """Whoever may change the KPI, and the head of its own unit."""
    if may_manage_kpi(user, kpi):
        return True
    me = _me(user)
    return bool(me and kpi.unit_id and kpi.unit.head_id == me.pk)


def kpi_get_for_user(user, pk, *, need: str | None = None) -> Kpi:
    """The KPI ``pk`` as ``user`` may see it (404 otherwise), with its owner loaded; 403
    when ``need`` ("manage" or "report") is more than they may do."""
    try:
        kpi = (
            Kpi.objects.visible_to(user)
            .select_related("unit", "unit__opd", "team", "parent", "parent__unit")
            .get(pk=pk)
        )
    except (Kpi.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    allowed = {None: True, "manage": may_manage_kpi, "report": may_report_kpi}[need]
    if allowed is not True and not allowed(user, kpi):
        raise PermissionDenied(_("You may not change this KPI."))
    return kpi


def team_get_for_user(user, pk, *, manage: bool = False) -> Team:
    """The team ``pk`` as ``user`` may see it (404 otherwise); 403 when ``manage`` and they
    may not manage it."""
    try:
        team = Team.objects.visible_to(user).select_related("lead", "lead__unit").get(pk=pk)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if manage and not may_manage_team(user, team):
        raise PermissionDenied(_("Only the team's lead, the admin and the leaders change it."))
    return team


def units_managed_by(user) -> QuerySet[Unit]:
    """The units whose KPIs ``user`` may add: every unit for the admin, the OPD and its
    units for its head, none otherwise."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.role == Role.TENANT_ADMIN:
        return Unit.objects.all()
    me = _me(user)
    if user.role == Role.HEAD_OF_OPD and me is not None:
        return Unit.objects.filter(opd_id=me.unit.opd_id)
    return Unit.objects.none()


def teams_managed_by(user, *, year: int | None = None) -> QuerySet[Team]:
    """The teams whose KPIs and members ``user`` manages: every team for the admin and the
    leaders, the teams they lead for anyone else."""
    me = _me(user)
    if may_manage_pemda_kpis(user):
        teams = Team.objects.all()
    elif me is not None:
        teams = Team.objects.filter(lead=me)
    else:
        teams = Team.objects.none()
    return teams if year is None else teams.filter(year=year)


def may_add_kpis(user) -> bool:
    """Whether the "new KPI" button shows (what for is asked on the form)."""
    return may_manage_pemda_kpis(user) or _heads_opd_of_any(user) or _leads_a_team(user)


def _heads_opd_of_any(user) -> bool:
    return user.is_authenticated and user.role == Role.HEAD_OF_OPD and _me(user) is not None


def _leads_a_team(user) -> bool:
    me = _me(user)
    return bool(me and Team.objects.filter(lead=me).exists())


# --- Choices the forms offer ------------------------------------------------------------------


def _ancestor_paths(unit: Unit) -> list[str]:
    """Tree paths of ``unit`` and every unit above it ("A", "A/B", "A/B/C")."""
    codes = unit.tree_path.split("/") if unit.tree_path else [unit.code]
    return ["/".join(codes[:n]) for n in range(1, len(codes) + 1)]


def parent_choices(*, year: int, unit: Unit | None = None, team: Team | None = None):
    """The KPIs a new or changed KPI may serve, one level up or more: none for the Pemda's;
    the Pemda's and those of the units above it for a unit's; the Pemda's and every OPD's
    for a team's."""
    pemda = Q(unit__isnull=True, team__isnull=True)
    kpis = Kpi.objects.filter(year=year).select_related("unit")
    if team is not None:
        return kpis.filter(pemda | Q(unit__parent__isnull=True, unit__isnull=False))
    if unit is not None:
        above = [path for path in _ancestor_paths(unit) if path != unit.tree_path]
        return kpis.filter(pemda | Q(unit__tree_path__in=above))
    return kpis.none()


def _subtree_q(unit: Unit, prefix: str) -> Q:
    return Q(**{f"{prefix}unit_id": unit.pk}) | Q(
        **{f"{prefix}unit__tree_path__startswith": f"{unit.tree_path}/"}
    )


def rhk_choices(kpi: Kpi, q: str = "") -> QuerySet[Rhk]:
    """The RHK a KPI may cascade into: of its year, of an active employee in the KPI's unit
    or below it, or in its team (anyone for the Pemda's); matching ``q`` on the RHK, the
    owner's name or NIP; not linked yet."""
    rhk = Rhk.objects.filter(skp__year=kpi.year, skp__employee__is_active=True)
    if kpi.team_id:
        rhk = rhk.filter(skp__employee__teams=kpi.team_id)
    elif kpi.unit_id:
        rhk = rhk.filter(_subtree_q(kpi.unit, "skp__employee__"))
    q = (q or "").strip()[:100]
    if q:
        compact = "".join(q.split())
        rhk = rhk.filter(
            Q(text__icontains=q)
            | Q(skp__employee__name__icontains=q)
            | Q(skp__employee__nip__startswith=compact)
        )
    return (
        rhk.exclude(kpis=kpi).select_related("skp__employee").order_by("skp__employee__name", "pk")
    )


def team_member_choices(team: Team | None, q: str = "") -> QuerySet[Employee]:
    """Active employees of the whole Pemda (a team crosses OPD) matching ``q`` by name or
    NIP, and not in ``team`` yet: for the search boxes of whoever manages teams."""
    q = (q or "").strip()[:100]
    compact = "".join(q.split())
    found = Employee.objects.filter(is_active=True)
    if team is not None:
        found = found.exclude(teams=team)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(nip__startswith=compact))
    return found.select_related("unit", "unit__opd").order_by("name")[:LOOKUP_LIMIT]


# --- KPI ----------------------------------------------------------------------------------------


def _kpi_values(data: Mapping, errors: dict) -> dict:
    """The changeable fields of a KPI from what was typed, every problem in ``errors``."""
    direction = data.get("direction") or KpiDirection.HIGHER
    if direction not in KpiDirection.values:
        errors["direction"] = _("Choose whether higher or lower is better.")
    aggregation = data.get("aggregation") or KpiAggregation.LAST
    if aggregation not in KpiAggregation.values:
        errors["aggregation"] = _("Choose how the year's realisation is read from its months.")
    weight = _checked(
        errors,
        "weight",
        lambda: number_parse(data.get("weight", 1), what=_("The weight"), maximum=WEIGHT_MAX),
    )
    target = _checked(
        errors,
        "annual_target",
        lambda: number_parse(data.get("annual_target"), what=_("The annual target")),
    )
    if target is None and "annual_target" not in errors:
        errors["annual_target"] = _("Give the annual target.")
    return {
        "name": _text(
            data.get("name"),
            limit=NAME_MAX,
            field="name",
            missing=_("Name the indicator."),
            errors=errors,
        ),
        "measure": _text(
            data.get("measure"),
            limit=MEASURE_MAX,
            field="measure",
            missing=_("Give the unit of measure (%, Dokumen, Orang, …)."),
            errors=errors,
        ),
        "direction": direction,
        "aggregation": aggregation,
        "weight": Decimal(1) if weight is None else weight,
        "annual_target": target,
    }


def _parent_check(parent, *, year, unit, team, errors: dict, keep: Kpi | None = None):
    if parent in (None, ""):
        return None
    parent_id = parent.pk if isinstance(parent, Kpi) else parent
    allowed = parent_choices(year=year, unit=unit, team=team)
    if keep is not None:
        allowed = allowed.exclude(pk=keep.pk)
    try:
        return allowed.get(pk=int(parent_id))
    except (Kpi.DoesNotExist, TypeError, ValueError):
        errors["parent"] = _(
            "Choose a KPI of %(year)s one level up: the Pemda's, or one of a unit above."
        ) % {"year": year}
        return None


def _owner_repr(kpi: Kpi) -> str:
    if kpi.team_id:
        return _("Team %(name)s") % {"name": kpi.team.name}
    if kpi.unit_id:
        return kpi.unit.name
    return _("Pemda")


def _audit_values(kpi: Kpi) -> dict:
    return {
        "name": kpi.name,
        "measure": kpi.measure,
        "direction": kpi.direction,
        "aggregation": kpi.aggregation,
        "weight": kpi.weight,
        "annual_target": kpi.annual_target,
        "parent": kpi.parent.name if kpi.parent_id else None,
    }


def _duplicate(errors: dict, year: int) -> None:
    errors["name"] = _("There is already a KPI of that name for this owner in %(year)s.") % {
        "year": year
    }


@transaction.atomic
def kpi_create(*, by, year, unit: Unit | None = None, team: Team | None = None, **data) -> Kpi:
    """1. ``by`` may manage the owner's KPIs: the Pemda's (neither ``unit`` nor ``team``),
       a unit's or a team's (403 otherwise); a team's KPI is of the team's year.
    2. Name, measure, direction, weight, annual target and how the year's realisation is
       read; the KPI it serves (``parent``) one level up, of the same year.
    3. One KPI of a name per owner and year; audited."""
    if unit is not None and team is not None:
        raise KpiError(_("A KPI belongs to a unit or to a team, not both."))
    if not may_manage_kpis_of(by, unit=unit, team=team):
        raise PermissionDenied(_("You may not add KPIs here."))
    year = _year(year)
    errors: dict = {}
    if team is not None and team.year != year:
        errors["year"] = _("The team is of %(year)s; its KPIs are of that year.") % {
            "year": team.year
        }
    values = _kpi_values(data, errors)
    parent = _parent_check(data.get("parent"), year=year, unit=unit, team=team, errors=errors)
    if not errors and Kpi.objects.filter(year=year, unit=unit, team=team, name=values["name"]):
        _duplicate(errors, year)
    if errors:
        raise KpiError(fields=errors)
    try:
        with transaction.atomic():
            kpi = Kpi.objects.create(year=year, unit=unit, team=team, parent=parent, **values)
    except IntegrityError:  # the same name a moment ago (a double click)
        _duplicate(errors, year)
        raise KpiError(fields=errors) from None
    audit_record(
        action=KPI_CREATE,
        by=by,
        obj=kpi,
        after={"year": year, "owner": _owner_repr(kpi), **_audit_values(kpi)},
    )
    return kpi


@transaction.atomic
def kpi_update(*, kpi: Kpi, by, **data) -> Kpi:
    """Change a KPI's name, measure, direction, weight, annual target, reading of the year
    and the KPI it serves (not its owner or year: that is another KPI)."""
    if not may_manage_kpi(by, kpi):
        raise PermissionDenied(_("You may not change this KPI."))
    kpi = (
        Kpi.objects.select_for_update(of=("self",))
        .select_related("unit", "team", "parent")
        .get(pk=kpi.pk)
    )
    errors: dict = {}
    values = _kpi_values(data, errors)
    parent = _parent_check(
        data.get("parent"), year=kpi.year, unit=kpi.unit, team=kpi.team, errors=errors, keep=kpi
    )
    same_name = Kpi.objects.filter(
        year=kpi.year, unit=kpi.unit_id, team=kpi.team_id, name=values["name"]
    ).exclude(pk=kpi.pk)
    if not errors and same_name.exists():
        _duplicate(errors, kpi.year)
    if errors:
        raise KpiError(fields=errors)
    before = _audit_values(kpi)
    for field, value in values.items():
        setattr(kpi, field, value)
    kpi.parent = parent
    kpi.save()
    old, new = changes_between(before, _audit_values(kpi))
    if new or old:
        audit_record(action=KPI_UPDATE, by=by, obj=kpi, before=old, after=new)
    if {"weight", "direction"} & set(new):  # how it weighs in the IKO of whom it credits
        _indices_follow(kpi, _measured_months(pk=kpi.pk))
    return kpi


@transaction.atomic
def kpi_delete(*, kpi: Kpi, by) -> None:
    """Remove a KPI with its months; the KPIs that served it keep theirs (their link up is
    emptied). The trail keeps what it was and its months."""
    if not may_manage_kpi(by, kpi):
        raise PermissionDenied(_("You may not remove this KPI."))
    months = {
        period: {"target": target, "realisation": realisation}
        for period, target, realisation in kpi.periods.values_list(
            "period", "target", "realisation"
        )
    }
    before = {"year": kpi.year, "owner": _owner_repr(kpi), **_audit_values(kpi)}
    if months:
        before["periods"] = months
    audit_record(action=KPI_DELETE, by=by, obj=kpi, before=before)
    _indices_follow(kpi, months)  # whom it credited, read before it goes
    kpi.delete()


# --- A KPI's months ---------------------------------------------------------------------------


@transaction.atomic
def kpi_periods_set(
    *,
    kpi: Kpi,
    by,
    targets: Mapping | None = None,
    realisations: Mapping | None = None,
) -> int:
    """Set a KPI's monthly targets and/or realisations, {"2026-03": "12,5", …}; an empty
    value empties that cell. Returns how many months changed.

    1. Targets: whoever may change the KPI; realisations: also the head of its unit (403).
    2. Every cell is checked (a month of the KPI's year, a number, not negative) and a
       realisation needs its month's target; any refusal stores nothing, every bad cell is
       named ("target:2026-03", "realisation:2026-03").
    3. A month left with neither target nor realisation is removed; the changes are one
       audit record with the months before and after."""
    if targets is not None and not may_manage_kpi(by, kpi):
        raise PermissionDenied(_("Only whoever owns the KPI sets its targets."))
    if realisations is not None and not may_report_kpi(by, kpi):
        raise PermissionDenied(_("You may not report this KPI's realisation."))
    targets, realisations = dict(targets or {}), dict(realisations or {})
    list(
        Kpi.objects.select_for_update().filter(pk=kpi.pk).order_by().values_list("pk")
    )  # one writer
    existing = {row.period: row for row in KpiPeriod.objects.filter(kpi=kpi)}
    errors: dict = {}
    months: dict[str, list] = {}
    for kind, given in (("target", targets), ("realisation", realisations)):
        for code, raw in given.items():
            try:
                period = month_parse(code, year=kpi.year)
            except KpiError as exc:
                errors[f"period:{str(code)[:20]}"] = str(exc)
                continue
            what = (
                _("The target of %(month)s")
                if kind == "target"
                else _("The realisation of %(month)s")
            )
            try:
                value = number_parse(raw, what=what % {"month": period.label})
            except KpiError as exc:
                errors[f"{kind}:{period.code}"] = str(exc)
                continue
            row = existing.get(period.code)
            month = months.setdefault(
                period.code,
                [row.target if row else None, row.realisation if row else None, period],
            )
            month[0 if kind == "target" else 1] = value
    for code, (target, realisation, period) in months.items():
        if realisation is not None and target is None and f"target:{code}" not in errors:
            errors[f"realisation:{code}"] = _(
                "Set the target of %(month)s before its realisation."
            ) % {"month": period.label}
    if errors:
        raise KpiError(fields=errors)
    before, after = {}, {}
    for code, (target, realisation, _period) in sorted(months.items()):
        row = existing.get(code)
        old = (row.target, row.realisation) if row else (None, None)
        if old == (target, realisation):
            continue
        if row is not None:
            before[code] = {"target": old[0], "realisation": old[1]}
        if target is None and realisation is None:
            row.delete()
            after[code] = None
            continue
        after[code] = {"target": target, "realisation": realisation}
        if row is None:
            KpiPeriod.objects.create(kpi=kpi, period=code, target=target, realisation=realisation)
        else:
            row.target, row.realisation = target, realisation
            row.save(update_fields=["target", "realisation", "updated_at"])
    if after:
        audit_record(
            action=KPI_PERIODS_SET,
            by=by,
            obj=kpi,
            before={"periods": before},
            after={"periods": after},
        )
        _indices_follow(kpi, after)
    return len(after)


def kpi_credited_people(kpi: Kpi) -> list[int]:
    """The ids of whom the KPI credits (``kpis_crediting`` seen from the KPI): a team's
    members; everyone in a unit and the units below it; nobody for the Pemda's own."""
    if kpi.team_id is not None:
        return list(
            Team.members.through.objects.filter(team_id=kpi.team_id).values_list(
                "employee_id", flat=True
            )
        )
    if kpi.unit_id is None:
        return []
    path = Unit.objects.filter(pk=kpi.unit_id).values_list("tree_path", flat=True).first()
    if path is None:
        return []
    return list(
        Employee.objects.filter(
            Q(unit__tree_path=path) | Q(unit__tree_path__startswith=f"{path}/"), is_active=True
        ).values_list("pk", flat=True)
    )


def _indices_follow(kpi: Kpi | None, codes: Iterable[str], people=None) -> None:
    """The IKO of whom the KPI credits (or of ``people``) follows the months of ``codes``
    that have begun (the worker, once this commits)."""
    from core.activity.indices import month_recompute_enqueue
    from core.activity.services import today_local

    this_month = today_local().replace(day=1)
    months = [first for code in codes if (first := Period.parse(code).start) <= this_month]
    if not months:
        return
    people = kpi_credited_people(kpi) if people is None else list(people)
    if people:
        month_recompute_enqueue(months, employee_ids=people)


def _measured_months(**kpis) -> list[str]:
    """The months the KPIs filtered by ``kpis`` have figures for."""
    return list(
        KpiPeriod.objects.filter(**{f"kpi__{key}": value for key, value in kpis.items()})
        .values_list("period", flat=True)
        .distinct()
    )


# --- The cascade into RHK -----------------------------------------------------------------------


def _rhk_for(kpi: Kpi, rhk) -> Rhk:
    rhk_id = rhk.pk if isinstance(rhk, Rhk) else rhk
    try:
        return rhk_choices(kpi).get(pk=int(rhk_id))
    except (Rhk.DoesNotExist, TypeError, ValueError):
        pass
    if str(rhk_id).isdigit() and kpi.rhk.filter(pk=int(rhk_id)).exists():
        raise KpiError(_("This RHK is already linked to the KPI."))
    if kpi.team_id:
        where = _("a member of the team")
    elif kpi.unit_id:
        where = _("someone in %(unit)s or a unit below it") % {"unit": kpi.unit.name}
    else:
        where = _("someone in the Pemda")
    raise KpiError(
        _("Choose an RHK of %(year)s of %(where)s.") % {"year": kpi.year, "where": where}
    )


def _rhk_repr(rhk: Rhk) -> str:
    return f"{rhk.skp.employee.name} ({rhk.skp.employee.nip}): {rhk.text[:150]}"


@transaction.atomic
def kpi_rhk_link(*, kpi: Kpi, by, rhk) -> Rhk:
    """Cascade a KPI into an RHK of the people who deliver it (``rhk_choices``)."""
    if not may_manage_kpi(by, kpi):
        raise PermissionDenied(_("You may not change this KPI."))
    found = _rhk_for(kpi, rhk)
    kpi.rhk.add(found)
    audit_record(action=KPI_RHK_LINK, by=by, obj=kpi, after={"rhk": _rhk_repr(found)})
    return found


@transaction.atomic
def kpi_rhk_unlink(*, kpi: Kpi, by, rhk) -> None:
    if not may_manage_kpi(by, kpi):
        raise PermissionDenied(_("You may not change this KPI."))
    rhk_id = rhk.pk if isinstance(rhk, Rhk) else rhk
    found = kpi.rhk.select_related("skp__employee").filter(pk=rhk_id).first()
    if found is None:
        raise KpiError(_("This RHK is not linked to the KPI."))
    kpi.rhk.remove(found)
    audit_record(action=KPI_RHK_UNLINK, by=by, obj=kpi, before={"rhk": _rhk_repr(found)})


# --- Teams ------------------------------------------------------------------------------------


def _lead_check(lead, errors: dict) -> Employee | None:
    if lead in (None, ""):
        return None
    if isinstance(lead, Employee):
        lead = lead.nip
    try:
        return _employee_by_nip(lead)
    except KpiError as exc:
        errors["lead"] = str(exc)
        return None


def _employee_by_nip(nip) -> Employee:
    """An active employee of this Pemda by NIP; another Pemda's NIP is not found here."""
    nip = "".join(str(nip or "").split())
    if problem := _nip_problem(nip):
        raise KpiError(problem)
    found = Employee.objects.filter(nip=nip, is_active=True).select_related("unit").first()
    if found is None:
        raise KpiError(_("No active employee of this Pemda has the NIP %(nip)s.") % {"nip": nip})
    return found


def _team_name_taken(name: str, year: int, *, keep: Team | None = None) -> bool:
    same = Team.objects.filter(name__iexact=name, year=year)
    if keep is not None:
        same = same.exclude(pk=keep.pk)
    return same.exists()


def _team_for_change(team: Team, by) -> Team:
    """The team as it is now, locked until the change commits (two managers at once change
    it one after the other), if ``by`` may manage it (403 otherwise)."""
    team = Team.objects.select_for_update(of=("self",)).select_related("lead").get(pk=team.pk)
    if not may_manage_team(by, team):
        raise PermissionDenied(_("Only the team's lead, the admin and the leaders change it."))
    return team


@transaction.atomic
def team_create(*, by, name, year, lead=None) -> Team:
    """A cross-OPD team of a year (the admin, a leader or a head of OPD sets it up), led by
    ``lead`` (a NIP or an employee; by default the one setting it up), who is its first
    member."""
    if not may_create_team(by):
        raise PermissionDenied(_("Only the admin, the leaders and the heads of OPD set up teams."))
    year = _year(year)
    errors: dict = {}
    name = _text(
        name, limit=TEAM_NAME_MAX, field="name", missing=_("Name the team."), errors=errors
    )
    lead = _lead_check(lead, errors) if lead not in (None, "") else _me(by)
    if not errors and _team_name_taken(name, year):
        errors["name"] = _("There is already a team of that name in %(year)s.") % {"year": year}
    if errors:
        raise KpiError(fields=errors)
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, year=year, lead=lead)
    except IntegrityError:
        raise KpiError(
            fields={"name": _("There is already a team of that name in %(year)s.") % {"year": year}}
        ) from None
    if lead is not None:
        team.members.add(lead)
    audit_record(
        action=TEAM_CREATE,
        by=by,
        obj=team,
        after={"name": name, "year": year, "lead": str(lead) if lead else None},
    )
    return team


@transaction.atomic
def team_update(*, team: Team, by, name, lead=None) -> Team:
    """Rename a team or hand its lead to someone else (who becomes a member)."""
    team = _team_for_change(team, by)
    errors: dict = {}
    name = _text(
        name, limit=TEAM_NAME_MAX, field="name", missing=_("Name the team."), errors=errors
    )
    new_lead = _lead_check(lead, errors)
    if not errors and _team_name_taken(name, team.year, keep=team):
        errors["name"] = _("There is already a team of that name in %(year)s.") % {
            "year": team.year
        }
    if errors:
        raise KpiError(fields=errors)
    before = {"name": team.name, "lead": str(team.lead) if team.lead else None}
    team.name, team.lead = name, new_lead
    team.save(update_fields=["name", "lead"])
    if new_lead is not None and not team.members.filter(pk=new_lead.pk).exists():
        team.members.add(new_lead)  # now credited by the team's KPIs
        _indices_follow(None, _measured_months(team=team), people=[new_lead.pk])
    old, new = changes_between(
        before, {"name": team.name, "lead": str(new_lead) if new_lead else None}
    )
    if old or new:
        audit_record(action=TEAM_UPDATE, by=by, obj=team, before=old, after=new)
    return team


@transaction.atomic
def team_delete(*, team: Team, by) -> None:
    """Remove a team without KPIs (its KPIs go first, each with its own record)."""
    team = _team_for_change(team, by)
    if team.kpis.exists():
        raise KpiError(_("The team still has KPIs; remove them first."))
    members = sorted(team.members.values_list("nip", flat=True))
    audit_record(
        action=TEAM_DELETE,
        by=by,
        obj=team,
        before={"name": team.name, "year": team.year, "members": members},
    )
    team.delete()


def _nip_problem(nip: str) -> str | None:
    if len(nip) == 18 and nip.isdigit():
        return None
    return _("A NIP is 18 digits; %(nip)s is not one.") % {"nip": nip[:30] or "—"}


@transaction.atomic
def team_members_add(*, team: Team, by, nips: Iterable[str]) -> list[Employee]:
    """Add active employees of the Pemda, from any OPD, by NIP; returns those added.

    Every NIP must be an active employee of this Pemda (another Pemda's people are not
    found here): one that is not refuses the whole list, each bad NIP named. Those already
    in the team are skipped; when nobody is left to add, that is said."""
    team = _team_for_change(team, by)
    wanted = list(dict.fromkeys("".join(str(nip or "").split()) for nip in nips))
    wanted = [nip for nip in wanted if nip]
    if not wanted:
        raise KpiError(_("Give the NIP of the person to add."))
    if len(wanted) > MEMBERS_AT_ONCE:
        raise KpiError(_("Add at most %(n)s people at once.") % {"n": MEMBERS_AT_ONCE})
    problems = [problem for nip in wanted if (problem := _nip_problem(nip))]
    found = {
        employee.nip: employee
        for employee in Employee.objects.filter(
            nip__in=[nip for nip in wanted if not _nip_problem(nip)], is_active=True
        )
    }
    problems += [
        _("No active employee of this Pemda has the NIP %(nip)s.") % {"nip": nip}
        for nip in wanted
        if not _nip_problem(nip) and nip not in found
    ]
    if problems:
        raise KpiError(" ".join(problems), fields={"nips": " ".join(problems)})
    already = set(
        team.members.filter(pk__in=[e.pk for e in found.values()]).values_list("pk", flat=True)
    )
    new = [employee for employee in found.values() if employee.pk not in already]
    if not new:
        names = ", ".join(employee.name for employee in found.values())
        raise KpiError(_("%(name)s is already in the team.") % {"name": names})
    team.members.add(*new)
    added = {"member": str(new[0])} if len(new) == 1 else {"members": [str(e) for e in new]}
    audit_record(action=TEAM_MEMBER_ADD, by=by, obj=team, after=added)
    _indices_follow(None, _measured_months(team=team), people=[e.pk for e in new])
    return new


def team_member_add(*, team: Team, by, nip) -> Employee:
    """Add one person by NIP (``team_members_add``)."""
    return team_members_add(team=team, by=by, nips=[nip])[0]


@transaction.atomic
def team_member_remove(*, team: Team, by, employee) -> None:
    team = _team_for_change(team, by)
    employee_id = employee.pk if isinstance(employee, Employee) else employee
    member = team.members.filter(pk=employee_id).first() if str(employee_id).isdigit() else None
    if member is None:
        raise KpiError(_("This person is not in the team."))
    if member.pk == team.lead_id:
        raise KpiError(
            _("%(name)s leads the team; choose another lead first.") % {"name": member.name}
        )
    team.members.remove(member)
    audit_record(action=TEAM_MEMBER_REMOVE, by=by, obj=team, before={"member": str(member)})
    _indices_follow(None, _measured_months(team=team), people=[member.pk])


# --- Reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiCredit:
    """A KPI that credits an employee in a month, and why: "unit" (their unit or one above
    it in the OPD), "opd" (their OPD's own) or "team"."""

    kpi: Kpi
    via: str
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None


def kpis_crediting(employee: Employee, period: str) -> list[KpiCredit]:
    """The KPIs that credit ``employee`` in the month ``period`` ("2026-03"): those of their
    OPD, of their unit and every unit between, and of the teams of that year they belong
    to, each with the month's target, realisation and achievement (``rules.
    kpi_achievement``). One query."""
    try:
        month = Period.parse(str(period))
    except ValueError:
        month = None
    if month is None or month.kind != PeriodKind.MONTHLY:
        raise KpiError(_("%(period)s is not a month; write it as 2026-03.") % {"period": period})
    mine = Employee.objects.filter(pk=employee.pk)
    in_unit_line = Exists(
        mine.filter(
            Q(unit__tree_path=OuterRef("unit__tree_path"))
            | Q(unit__tree_path__startswith=Concat(OuterRef("unit__tree_path"), Value("/")))
        )
    )
    in_team = Exists(
        Team.members.through.objects.filter(team_id=OuterRef("team_id"), employee=employee)
    )
    kpis = (
        Kpi.objects.filter(year=month.year)
        .filter((Q(unit__isnull=False) & in_unit_line) | (Q(team__isnull=False) & in_team))
        .annotate(
            month=FilteredRelation("periods", condition=Q(periods__period=month.code)),
            month_target=F("month__target"),
            month_realisation=F("month__realisation"),
        )
        .select_related("unit", "team")
        .order_by(F("team_id").asc(nulls_first=True), "unit__depth", "name")
    )
    credits = []
    for kpi in kpis:
        if kpi.team_id:
            via = "team"
        else:
            via = "opd" if kpi.unit.parent_id is None else "unit"
        credits.append(
            KpiCredit(
                kpi=kpi,
                via=via,
                target=kpi.month_target,
                realisation=kpi.month_realisation,
                achievement=achievement(kpi, kpi.month_target, kpi.month_realisation),
            )
        )
    return credits


def organisation_index_of(unit: Unit, period: str) -> Decimal | None:
    """The unit's Indeks Kinerja Organisasi in the month ``period``: its own KPIs'
    achievements weighted (``rules.organisation_index``); None when none is reported. One
    query."""
    rows = KpiPeriod.objects.filter(kpi__unit=unit, period=period).values_list(
        "kpi__weight", "kpi__direction", "target", "realisation"
    )
    return rules.organisation_index(
        (
            weight,
            rules.kpi_achievement(
                target, realisation, higher_is_better=direction == KpiDirection.HIGHER
            ),
        )
        for weight, direction, target, realisation in rows
    )


@dataclass(frozen=True)
class KpiMonth:
    period: Period
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None

    @property
    def code(self) -> str:
        return self.period.code


def kpi_months(kpi: Kpi, rows: Iterable[KpiPeriod] | None = None) -> list[KpiMonth]:
    """The twelve months of the KPI's year with their figures (from ``rows`` when given,
    e.g. prefetched, else one query)."""
    rows = KpiPeriod.objects.filter(kpi=kpi) if rows is None else rows
    by_code = {row.period: row for row in rows}
    months = []
    for period in periods_in_year(PeriodKind.MONTHLY, kpi.year):
        row = by_code.get(period.code)
        target = row.target if row else None
        realisation = row.realisation if row else None
        months.append(
            KpiMonth(
                period=period,
                target=target,
                realisation=realisation,
                achievement=achievement(kpi, target, realisation),
            )
        )
    return months


def kpi_year_set(kpi: Kpi, months: list[KpiMonth]) -> Kpi:
    """Put the year's realisation and achievement on ``kpi`` (``year_realisation``,
    ``year_achievement``) from its months."""
    kpi.year_realisation = annual_realisation(
        [month.realisation for month in months], kpi.aggregation
    )
    kpi.year_achievement = achievement(kpi, kpi.annual_target, kpi.year_realisation)
    kpi.months_reported = sum(month.realisation is not None for month in months)
    return kpi


KIND_PEMDA, KIND_OPD, KIND_TEAM = "pemda", "opd", "tim"


def kpi_list(
    *, user, year: int, kind: str = "", opd: Unit | None = None, team: Team | None = None, q=""
) -> QuerySet[Kpi]:
    """The KPIs of a year that ``user`` sees, filtered: the Pemda's, the OPD's (all OPD, or
    one with its units) or the teams' (all, or one); ``q`` in the name."""
    kpis = Kpi.objects.visible_to(user).filter(year=year)
    if kind == KIND_PEMDA:
        kpis = kpis.filter(unit__isnull=True, team__isnull=True)
    elif kind == KIND_OPD:
        kpis = kpis.filter(unit__isnull=False)
    elif kind == KIND_TEAM:
        kpis = kpis.filter(team__isnull=False)
    if opd is not None:
        kpis = kpis.filter(unit__opd=opd)
    if team is not None:
        kpis = kpis.filter(team=team)
    q = (q or "").strip()[:100]
    if q:
        kpis = kpis.filter(name__icontains=q)
    return (
        kpis.select_related("unit", "team")
        .order_by(F("team_id").asc(nulls_first=True), "unit__tree_path", "name")
        .prefetch_related(Prefetch("periods", queryset=KpiPeriod.objects.order_by("period")))
    )


def kpi_rows(kpis: Iterable[Kpi]) -> list[Kpi]:
    """Each KPI of a page with its year's realisation and achievement (periods
    prefetched: no query per row)."""
    return [kpi_year_set(kpi, kpi_months(kpi, kpi.periods.all())) for kpi in kpis]
