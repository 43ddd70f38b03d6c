"""The performance module's writes: SKP and their content (RHK, IKI, bulk assignment, the
catalogue). Evaluations are in ``evaluation.py``, OPD calibration in ``calibration.py``.

Every write takes ``by`` (the acting user), checks what it may do through
``core.performance.access`` (callers fetch objects with the org scopes first), applies the
pure rules of ``core.performance.rules`` and records what matters in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit.services import audit_record, changes_between
from core.config.periods import Period, PeriodKind, periods_in_year
from core.config.selectors import evaluation_period_kind
from core.org.access import can_manage, employee_of
from core.org.ranks import JenisJabatan
from core.performance.access import may_edit_skp, skp_closing, skp_holding
from core.performance.audit import (
    IKI_CREATE,
    IKI_DELETE,
    IKI_UPDATE,
    RHK_ASSIGN,
    RHK_CREATE,
    RHK_DELETE,
    RHK_TEMPLATE_CREATE,
    RHK_TEMPLATE_DELETE,
    RHK_UPDATE,
    SKP_CREATE,
)
from core.performance.models import Evaluation, Iki, Rhk, RhkTemplate, Skp
from core.performance.rules import (
    Approach,
    EvaluationState,
    PerformanceError,
    Violation,
    iki_violations,
    rhk_violations,
    violations_raise,
)

JPT = (JenisJabatan.JPT_UTAMA, JenisJabatan.JPT_MADYA, JenisJabatan.JPT_PRATAMA)
BATCH = 1000  # rows per INSERT of a bulk assignment
YEAR_MIN, YEAR_MAX = 1900, 2999


def _appraiser_snapshot(employee) -> dict:
    """Who appraises ``employee`` now, by id, name and NIP (kept as it was)."""
    atasan = employee.atasan
    return {
        "appraiser": atasan,
        "appraiser_name": atasan.name if atasan else "",
        "appraiser_nip": atasan.nip if atasan else "",
    }


def _skp_new(employee, year: int) -> Skp:
    """A new (unsaved) SKP of ``year`` with who and where the employee is now."""
    position, unit = employee.position, employee.unit
    return Skp(
        employee=employee,
        year=year,
        unit=unit,
        unit_name=unit.name if unit else "",
        position_name=position.name if position else "",
        is_jpt=bool(position and position.jenis in JPT),
        **_appraiser_snapshot(employee),
    )


def skp_get_or_create(*, employee, year: int, by=None) -> Skp:
    """The employee's SKP of ``year``, made on first use with who and where they are now
    (unit, position, JPT or not, appraiser). Safe when two requests make it at once."""
    existing = Skp.objects.filter(employee=employee, year=year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            skp = _skp_new(employee, year)
            skp.save()
    except IntegrityError:  # made by another request a moment ago
        return Skp.objects.get(employee=employee, year=year)
    audit_record(action=SKP_CREATE, by=by, obj=skp, after={"year": year})
    return skp


def evaluation_snapshot(evaluation: Evaluation) -> None:
    """Refresh the period's unit, OPD and appraiser from the organisation as it is now, while
    the evaluation is not yet rated (afterwards it keeps who rated it and where)."""
    if evaluation.state in (EvaluationState.EVALUATED, EvaluationState.FINAL):
        return
    employee = evaluation.skp.employee
    evaluation.unit = employee.unit
    evaluation.opd_id = employee.unit.opd_id if employee.unit else None
    for field, value in _appraiser_snapshot(employee).items():
        setattr(evaluation, field, value)


def evaluation_get_or_create(*, skp: Skp, period: str) -> Evaluation:
    """The SKP's evaluation of ``period`` (a core.config.periods code), made on first use
    with the unit and appraiser of now. Safe when two requests make it at once."""
    existing = Evaluation.objects.filter(skp=skp, period=period).first()
    if existing is not None:
        return existing
    periods_of_year(skp.year, check=period)
    evaluation = Evaluation(skp=skp, period=period)
    evaluation_snapshot(evaluation)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        return Evaluation.objects.get(skp=skp, period=period)
    return evaluation


def periods_of_year(year: int, *, check: str | None = None) -> list[Period]:
    """The periods a ``year``'s SKP is evaluated in: the Pemda's periodic kind (monthly,
    quarterly or semester; core.config.selectors) and the year itself. ``check``: refuse
    a period code that is not one of them."""
    kind = evaluation_period_kind()
    periods = [*periods_in_year(kind, year), Period(PeriodKind.ANNUAL, year, 1)]
    if check is not None and check not in {p.code for p in periods}:
        raise PerformanceError(
            _("%(code)s is not an evaluation period of %(year)s in this Pemda.")
            % {"code": str(check)[:20], "year": year}
        )
    return periods


def skp_get_or_create_bulk(*, employees, year: int) -> tuple[dict[int, Skp], int]:
    """The SKP of ``year`` of each of ``employees`` (loaded with their position, unit and
    atasan), the missing ones made at once with the snapshots of :func:`skp_get_or_create`.
    Returns ({employee id: SKP}, how many were made). Safe when two requests make them at
    once: a row made meanwhile by the other one is read, not made twice."""
    employees = list(employees)
    ids = [employee.pk for employee in employees]
    found = {skp.employee_id: skp for skp in Skp.objects.filter(employee_id__in=ids, year=year)}
    new = [_skp_new(employee, year) for employee in employees if employee.pk not in found]
    if new:
        Skp.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        found.update(
            (skp.employee_id, skp)
            for skp in Skp.objects.filter(
                employee_id__in=[skp.employee_id for skp in new], year=year
            )
        )
    return found, len(new)


# --- SKP content: RHK and IKI -------------------------------------------------------------

IKI_FIELDS = ("text", "aspect", "approach", "target_value", "target_unit", "target_text")
IKI_PREFIX = "iki_"  # the fields of an RHK's IKI in its violations (forms show them so)


def skp_year_closed(year: int) -> bool:
    """An SKP of a year before last is history: closed, whatever was rated (an SKP can be
    started for last year, this year and next year only)."""
    return year < timezone.localdate().year - 1


def skp_content_locked(skp: Skp) -> bool:
    """The year's own evaluation of the SKP is rated, or its year is gone by: its RHK and
    IKI are what was rated, and stay as they are (core.performance.access.skp_closing)."""
    return skp_year_closed(skp.year) or Evaluation.objects.filter(skp_closing(), skp=skp).exists()


def _skp_writable(skp: Skp, by) -> Skp:
    """The SKP, locked for this transaction, if ``by`` may change its content now: its owner
    or appraiser (PermissionDenied otherwise), while no evaluation of it is submitted and
    the year's own is not rated (core.performance.access.skp_holding)."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    if not Skp.objects.visible_to(by).filter(pk=skp.pk).exists() or not may_edit_skp(by, skp):
        raise PermissionDenied
    # Locked, so that a rating waiting for this row (or an edit of another tab) comes after.
    locked = Skp.objects.select_for_update().select_related("employee").get(pk=skp.pk)
    from core.performance.content import copies_taken

    if skp_year_closed(locked.year):
        raise PerformanceError(_("The SKP of %(year)s is closed.") % {"year": locked.year})
    holding = set(
        Evaluation.objects.filter(skp_holding(), skp=locked).values_list("state", flat=True)
    )  # one query for both refusals below
    if holding - {EvaluationState.SUBMITTED}:
        raise PerformanceError(
            _("This SKP can no longer be changed: the evaluation of its year has been rated.")
        )
    # Submitted: the appraiser rates what was submitted (found in review: a target lowered
    # after submitting was rated as lowered).
    if holding:
        raise PerformanceError(
            _(
                "An evaluation of this SKP has been submitted and waits for the appraiser; "
                "the SKP can change again if it is returned for revision."
            )
        )
    copies_taken([locked.pk])  # a rated period without its copy keeps what it rated
    return locked


def _parent_get(parent) -> Rhk | None | Literal[False]:
    """The RHK named by ``parent`` (an Rhk or its id); None for none, False for an id that
    names no RHK of this Pemda."""
    if parent is None or parent == "":
        return None
    if isinstance(parent, Rhk):
        return parent
    try:
        return Rhk.objects.select_related("skp").filter(pk=int(parent)).first() or False
    except (TypeError, ValueError):
        return False


def _parent_violations(skp: Skp, parent, *, kept: int | None = None) -> list[Violation]:
    """The cascade: an RHK supports an RHK of the SKP of the same year of its owner's
    appraiser (recorded with the SKP, or the atasan of now). A link made earlier (by a head
    of OPD's bulk assignment) may be kept as it is."""
    if parent is None or (parent is not False and kept is not None and parent.pk == kept):
        return []
    appraisers = {skp.appraiser_id, skp.employee.atasan_id} - {None}
    if parent is False or parent.skp.year != skp.year or parent.skp.employee_id not in appraisers:
        return [
            Violation(
                "parent",
                _("Choose an RHK of your atasan's SKP of %(year)s: the RHK this one supports.")
                % {"year": skp.year},
            )
        ]
    return []


def iki_item(item) -> dict:
    """An IKI given as a mapping, with every field (a quantitative one unless it says)."""
    if not isinstance(item, Mapping):
        raise PerformanceError(_("Each IKI needs its indicator, aspect and target."))
    return {
        "text": _str(item.get("text")),
        "aspect": item.get("aspect") or "",
        "approach": item.get("approach") or Approach.KUANTITATIF,
        "target_value": item.get("target_value"),
        "target_unit": _str(item.get("target_unit")),
        "target_text": _str(item.get("target_text")),
    }


def _iki_checked(item: dict, *, prefix: str = "") -> list[Violation]:
    found = iki_violations(**item)
    return [Violation(f"{prefix}{v.field}", v.message) for v in found] if prefix else found


def iki_values(item: dict) -> dict:
    """What is stored for a checked IKI: a number and its unit, or a described target."""
    quantitative = item["approach"] == Approach.KUANTITATIF
    value = None
    if quantitative:
        value = Decimal(str(item["target_value"]).strip()).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return {
        "text": item["text"].strip(),
        "aspect": item["aspect"],
        "approach": item["approach"],
        "target_value": value,
        "target_unit": item["target_unit"].strip() if quantitative else "",
        "target_text": "" if quantitative else item["target_text"].strip(),
    }


def _rhk_fields(rhk: Rhk) -> dict:
    return {
        "kind": rhk.kind,
        "text": rhk.text,
        "parent": rhk.parent.text[:200] if rhk.parent_id else "",
        "perspektif": rhk.perspektif,
    }


def _iki_fields(iki: Iki) -> dict:
    return {
        "text": iki.text,
        "aspect": iki.aspect,
        "approach": iki.approach,
        "target": iki.target_display,
    }


def _next_order(queryset) -> int:
    top = queryset.aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def _str(value) -> str:
    return value if isinstance(value, str) else ""


@transaction.atomic
def rhk_create(*, skp: Skp, by, kind, text, parent=None, perspektif="", iki=()) -> Rhk:
    """Add an RHK (with its IKI) to an SKP: its owner or appraiser, while it is not rated;
    it supports an RHK of the appraiser's SKP (the cascade); a JPT's needs a perspektif."""
    skp = _skp_writable(skp, by)
    items = [iki_item(item) for item in iki]
    parent = _parent_get(parent)
    text, perspektif = _str(text), perspektif or ""
    found = [
        *rhk_violations(text=text, kind=kind, perspektif=perspektif, is_jpt=skp.is_jpt),
        *_parent_violations(skp, parent),
    ]
    for item in items:
        found += _iki_checked(item, prefix=IKI_PREFIX)
    violations_raise(found)
    rhk = Rhk.objects.create(
        skp=skp,
        kind=kind,
        text=text.strip(),
        parent=parent,
        perspektif=perspektif,
        order=_next_order(skp.rhk.filter(kind=kind)),
    )
    Iki.objects.bulk_create(
        Iki(rhk=rhk, order=n, **iki_values(item)) for n, item in enumerate(items)
    )
    audit_record(
        action=RHK_CREATE,
        by=by,
        obj=rhk,
        after={**_rhk_fields(rhk), "skp": str(skp), "iki": len(items)},
    )
    return rhk


def _audit_changes(*, action: str, by, obj, before: dict, after: dict) -> None:
    """Record an update in the audit log with only the fields that changed (none: nothing)."""
    before, after = changes_between(before, after)
    if after or before:
        audit_record(action=action, by=by, obj=obj, before=before, after=after)


@transaction.atomic
def rhk_update(*, rhk: Rhk, by, kind, text, parent=None, perspektif="") -> Rhk:
    skp = _skp_writable(rhk.skp, by)
    rhk = Rhk.objects.select_related("parent").get(pk=rhk.pk)
    parent = _parent_get(parent)
    text, perspektif = _str(text), perspektif or ""
    violations_raise(
        [
            *rhk_violations(text=text, kind=kind, perspektif=perspektif, is_jpt=skp.is_jpt),
            *_parent_violations(skp, parent, kept=rhk.parent_id),
        ]
    )
    before = _rhk_fields(rhk)
    if kind != rhk.kind:
        rhk.order = _next_order(skp.rhk.filter(kind=kind))
    rhk.kind, rhk.text, rhk.parent, rhk.perspektif = kind, text.strip(), parent, perspektif
    rhk.save(update_fields=["kind", "text", "parent", "perspektif", "order"])
    _audit_changes(action=RHK_UPDATE, by=by, obj=rhk, before=before, after=_rhk_fields(rhk))
    return rhk


@transaction.atomic
def rhk_delete(*, rhk: Rhk, by) -> None:
    """Remove an RHK and its IKI; refused while RHK of other SKP support it (removing it
    would cut the cascade below without a word)."""
    _skp_writable(rhk.skp, by)
    rhk = Rhk.objects.select_related("parent").get(pk=rhk.pk)
    supported = rhk.children.count()
    if supported:
        raise PerformanceError(
            ngettext(
                "%(count)s RHK of someone you appraise supports this RHK: remove it or link it "
                "to another RHK first.",
                "%(count)s RHK of people you appraise support this RHK: remove them or link "
                "them to another RHK first.",
                supported,
            )
            % {"count": supported}
        )
    before = {**_rhk_fields(rhk), "iki": rhk.iki.count()}
    audit_record(action=RHK_DELETE, by=by, obj=rhk, before=before)
    rhk.delete()


def _iki_parse(text, aspect, approach, target_value, target_unit, target_text) -> dict:
    return iki_item(
        {
            "text": _str(text),
            "aspect": aspect,
            "approach": approach,
            "target_value": target_value,
            "target_unit": _str(target_unit),
            "target_text": _str(target_text),
        }
    )


@transaction.atomic
def iki_create(
    *,
    rhk: Rhk,
    by,
    text,
    aspect,
    approach,
    target_value=None,
    target_unit="",
    target_text="",
) -> Iki:
    _skp_writable(rhk.skp, by)
    item = _iki_parse(text, aspect, approach, target_value, target_unit, target_text)
    violations_raise(_iki_checked(item))
    iki = Iki.objects.create(rhk=rhk, order=_next_order(rhk.iki.all()), **iki_values(item))
    audit_record(action=IKI_CREATE, by=by, obj=iki, after={**_iki_fields(iki), "rhk": str(rhk)})
    return iki


@transaction.atomic
def iki_update(
    *,
    iki: Iki,
    by,
    text,
    aspect,
    approach,
    target_value=None,
    target_unit="",
    target_text="",
) -> Iki:
    _skp_writable(iki.rhk.skp, by)
    item = _iki_parse(text, aspect, approach, target_value, target_unit, target_text)
    violations_raise(_iki_checked(item))
    iki = Iki.objects.get(pk=iki.pk)
    before = _iki_fields(iki)
    for field, value in iki_values(item).items():
        setattr(iki, field, value)
    iki.save(update_fields=list(IKI_FIELDS))
    _audit_changes(action=IKI_UPDATE, by=by, obj=iki, before=before, after=_iki_fields(iki))
    return iki


@transaction.atomic
def iki_delete(*, iki: Iki, by) -> None:
    _skp_writable(iki.rhk.skp, by)
    audit_record(action=IKI_DELETE, by=by, obj=iki, before=_iki_fields(iki))
    iki.delete()


# --- Bulk assignment ----------------------------------------------------------------------

NAMES_SHOWN = 5


def _ids(employees) -> list[int]:
    ids = []
    for employee in employees:
        value = getattr(employee, "pk", employee)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise PerformanceError(_("Tick the people from the list."))
        try:
            ids.append(int(value))
        except ValueError:
            raise PerformanceError(_("Tick the people from the list.")) from None
    return list(dict.fromkeys(ids))


def _names(people) -> str:
    names = [person.name for person in people]
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (_(" and %(n)s more") % {"n": len(names) - NAMES_SHOWN}) * (
        len(names) > NAMES_SHOWN
    )


@transaction.atomic
def rhk_assign_bulk(
    *, by, year, employees, source: Rhk | None = None, template=None, iki=None
) -> list[Rhk]:
    """Push one RHK down to many people at once: a copy (with its IKI) into each one's SKP
    of ``year``. Returns the RHK made.

    1. The RHK is ``source`` (one of ``by``'s own RHK of ``year``, which the copies support:
       the cascade) or ``template`` (a catalogue entry), exactly one; ``iki`` (mappings)
       replaces its IKI. Both are checked once, by the same rules as one RHK.
    2. Everyone must be someone ``by`` appraises, or, for a head of OPD, of the OPD
       (PermissionDenied otherwise: nothing is assigned).
    3. The missing SKP are made at once, with the snapshots of ``skp_get_or_create``.
    4. Whoever already has this RHK (a second click), or whose SKP is held (an evaluation
       waits for the appraiser, or the year is rated: access.skp_holding), is skipped.
    5. The RHK, then their IKI, are written in two statements; one event in the trail.
    """
    from core.performance.selectors import employees_assignable_by

    if (source is None) == (template is None):
        raise PerformanceError(_("Choose one RHK to assign: one of yours or a catalogue entry."))
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise PerformanceError(_("Choose the year of the SKP."))
    me = employee_of(by)
    if me is None:
        raise PermissionDenied
    # The source (or the entry) is locked: a double submit waits here, then skips everyone.
    if source is not None:
        source = Rhk.objects.select_for_update().select_related("skp").get(pk=source.pk)
        if source.skp.employee_id != me.pk:
            raise PermissionDenied
        if source.skp.year != year:
            raise PerformanceError(
                _("This RHK belongs to your SKP of %(year)s; choose one of %(wanted)s.")
                % {"year": source.skp.year, "wanted": year}
            )
        kind, text, perspektif = source.kind, source.text, source.perspektif
        items = [iki_item(_iki_values_of(i)) for i in source.iki.order_by("order", "pk")]
    else:
        template = RhkTemplate.objects.select_for_update().get(pk=template.pk)
        kind, text, perspektif = template.kind, template.text, ""
        items = [iki_item(item) for item in template.iki if isinstance(item, Mapping)]
    if iki is not None:
        items = [iki_item(item) for item in iki]
    found = rhk_violations(text=text, kind=kind, perspektif=perspektif)
    for item in items:
        found += _iki_checked(item, prefix=IKI_PREFIX)
    violations_raise(found)

    ids = _ids(employees)
    if not ids:
        raise PerformanceError(_("Tick at least one person."))
    people = list(
        employees_assignable_by(by)
        .filter(pk__in=ids)
        .select_related("position", "unit", "derived_atasan", "atasan_override")
    )
    if len(people) != len(ids):
        raise PermissionDenied
    skps, made = skp_get_or_create_bulk(employees=people, year=year)
    # Lock the SKPs (in id order, as every other writer does) before asking whether they are
    # rated: a rating committing meanwhile then waits, or is seen.
    list(
        Skp.objects.select_for_update()
        .filter(pk__in=[skp.pk for skp in skps.values()])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = set(
        Evaluation.objects.filter(
            skp_holding(), skp_id__in=[skp.pk for skp in skps.values()]
        ).values_list("skp_id", flat=True)
    )
    from core.performance.content import copies_taken

    copies_taken([skp.pk for skp in skps.values() if skp.pk not in locked])
    having = Rhk.objects.filter(skp__in=list(skps.values()))
    if source is not None:
        having = having.filter(parent=source)
    else:
        having = having.filter(kind=kind, text=text)
    have = set(having.values_list("skp_id", flat=True))
    targets = [
        (person, skps[person.pk])
        for person in people
        if skps[person.pk].pk not in locked and skps[person.pk].pk not in have
    ]
    jpt = [person for person, skp in targets if skp.is_jpt]
    if jpt and not perspektif:
        raise PerformanceError(
            _(
                "%(names)s hold JPT posts, whose RHK need a perspektif: assign them an RHK "
                "with one, or leave them out."
            )
            % {"names": _names(jpt)}
        )
    orders = dict(
        Rhk.objects.filter(skp__in=[skp for _p, skp in targets], kind=kind)
        .values("skp")
        .annotate(top=Max("order"))
        .values_list("skp", "top")
    )
    made_rhk = Rhk.objects.bulk_create(
        [
            Rhk(
                skp=skp,
                kind=kind,
                text=text,
                parent=source,
                perspektif=perspektif,
                order=orders[skp.pk] + 1 if orders.get(skp.pk) is not None else 0,
                assigned_by=me,
            )
            for _person, skp in targets
        ],
        batch_size=BATCH,
    )
    values = [iki_values(item) for item in items]
    Iki.objects.bulk_create(
        [Iki(rhk=rhk, order=n, **value) for rhk in made_rhk for n, value in enumerate(values)],
        batch_size=BATCH,
    )
    if not made_rhk:  # a second click: nothing changed, nothing to record
        return made_rhk
    audit_record(
        action=RHK_ASSIGN,
        by=by,
        obj=source if source is not None else template,
        after={
            "year": year,
            "kind": kind,
            "text": text[:200],
            "source": "rhk" if source is not None else "catalogue",
            "count": len(made_rhk),
            "skipped": len(people) - len(made_rhk),
            "skp_made": made,
            "iki": len(items),
            "employees": [person.nip for person, _skp in targets],
        },
    )
    return made_rhk


def _iki_values_of(iki: Iki) -> dict:
    return {
        "text": iki.text,
        "aspect": iki.aspect,
        "approach": iki.approach,
        "target_value": iki.target_value,
        "target_unit": iki.target_unit,
        "target_text": iki.target_text,
    }


# --- The catalogue of RHK per position ----------------------------------------------------


def _catalogue_manager(by) -> None:
    if not can_manage(by):
        raise PermissionDenied


def _template_iki(item: dict) -> dict:
    values = iki_values(item)
    value = values["target_value"]
    return {**values, "target_value": None if value is None else f"{value.normalize():f}"}


@transaction.atomic
def rhk_template_create(*, by, position, kind, text, iki=()) -> RhkTemplate:
    """Add an RHK with its IKI to the catalogue of a position (the BKPSDMD admin)."""
    _catalogue_manager(by)
    text = _str(text)
    items = [iki_item(item) for item in iki]
    found = rhk_violations(text=text, kind=kind)
    if position is None:
        found.append(Violation("position", _("Choose the position.")))
    for item in items:
        found += _iki_checked(item, prefix=IKI_PREFIX)
    violations_raise(found)
    entry = RhkTemplate.objects.create(
        position=position, kind=kind, text=text.strip(), iki=[_template_iki(i) for i in items]
    )
    audit_record(
        action=RHK_TEMPLATE_CREATE,
        by=by,
        obj=entry,
        after={"position": position.name, "kind": kind, "text": entry.text, "iki": len(items)},
    )
    return entry


@transaction.atomic
def rhk_template_delete(*, template: RhkTemplate, by) -> None:
    _catalogue_manager(by)
    audit_record(
        action=RHK_TEMPLATE_DELETE,
        by=by,
        obj=template,
        before={"position": str(template.position), "kind": template.kind, "text": template.text},
    )
    template.delete()
