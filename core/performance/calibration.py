"""The organisation predikat of each OPD per period and the calibration of its employees'
predikat against it (SE MenPANRB 03/2023; DOMAIN.md §2), with the leniency view per
appraiser and the overview of the whole Pemda.

An OPD's evaluations of a period are the Evaluation rows with ``opd`` = the OPD and
``period`` = the period's code; the rated ones (evaluated or final) make its distribution.
The leader one level up sets the organisation predikat (``org_predikat_set``); the head of
the OPD finalises the period (``opd_finalise``) once nothing is left to rate, blocked by a
broken distribution rule or, where the Pemda allows it, with an audited override.

Reads run a fixed number of queries whatever the size of the OPD or of the Pemda: the
evaluations are counted in the database, grouped (``values().annotate()``), never loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import Role
from core.audit.services import audit_record
from core.config.periods import Period, PeriodKind, periods_in_year
from core.config.selectors import evaluation_period_kind, rule_table_current, setting_get
from core.org.access import WHOLE_PEMDA_ROLES, appraisees_q, employee_of
from core.org.models import Employee, Unit
from core.performance.access import may_finalise_opd, may_rate_opd, unit_head_evaluations
from core.performance.audit import ORG_PREDIKAT_SET, UNIT_FINALISE, UNIT_OVERRIDE
from core.performance.models import Evaluation, UnitPeriod, UnitPeriodState
from core.performance.rules import (
    DEFAULT_DISTRIBUTION_RULES,
    ROUNDINGS,
    DistributionViolation,
    EvaluationState,
    Leniency,
    OrgPredikat,
    PerformanceError,
    Predikat,
    count_of_percent,
    distribution_violations,
    hasil_of_unit_head,
    leniency,
    org_predikat_parse,
    predikat_mean,
)
from core.performance.services import periods_of_year

logger = logging.getLogger(__name__)

ROUNDING_SETTING = "distribution.rounding"
POLICY_SETTING = "distribution.violation_policy"
RULES_TABLE = "distribution_rules"
POLICY_BLOCK = "block"
POLICY_OVERRIDE = "override"
# What the templates store: "override_with_audit" (Model Jawa Barat) means "override".
_OVERRIDE_VALUES = {"override", "override_with_audit"}
OVERRIDE_REASON_MIN = 10
OVERRIDE_REASON_MAX = 2000
PENDING_SHOWN = 50  # people still to rate, listed by name on the calibration page
NAMED_IN_REFUSAL = 10

RATED_STATES = (EvaluationState.EVALUATED, EvaluationState.FINAL)
PENDING_STATES = (EvaluationState.DRAFT, EvaluationState.SUBMITTED, EvaluationState.RETURNED)


# --- The Pemda's choices ----------------------------------------------------------------------


def distribution_rounding() -> str:
    """The Pemda's rounding of "p % of n people" (halves up unless it chose otherwise); a bad
    stored value falls back to the default and is logged, rather than take pages down."""
    value = setting_get(ROUNDING_SETTING)
    if value is None:
        return "half_up"
    if value not in ROUNDINGS:
        logger.warning(
            "Invalid %s %r in schema %s; using half_up.",
            ROUNDING_SETTING,
            value,
            connection.schema_name,
        )
        return "half_up"
    return value


def violation_policy() -> str:
    """``block`` (the default, and for anything unknown) or ``override``."""
    return POLICY_OVERRIDE if setting_get(POLICY_SETTING) in _OVERRIDE_VALUES else POLICY_BLOCK


def distribution_rules() -> Mapping:
    """The Pemda's rule table ``distribution_rules`` (the national rules without one). A
    table the rules cannot read falls back to the national rules and is logged: a bad row
    of configuration must not take the calibration pages down."""
    table = rule_table_current(RULES_TABLE)
    if table is None:
        return DEFAULT_DISTRIBUTION_RULES
    data = table.data
    try:
        if not isinstance(data, Mapping):
            raise TypeError("not a mapping")
        for org in OrgPredikat.values:
            rules = data.get(org, [])
            if not isinstance(rules, list) or not all(
                isinstance(rule, Mapping)
                and isinstance(rule.get("predikat"), list)
                and all(value in Predikat.values for value in rule["predikat"])
                for rule in rules
            ):
                raise TypeError(f"bad rules for {org}")
            distribution_violations(org, dict.fromkeys(Predikat.values, 1), data)
    except (PerformanceError, TypeError, ValueError) as exc:
        logger.warning(
            "Invalid rule table %s v%s in schema %s (%s); using the national rules.",
            RULES_TABLE,
            table.version,
            connection.schema_name,
            exc,
        )
        return DEFAULT_DISTRIBUTION_RULES
    return data


# --- Who sees which OPD -----------------------------------------------------------------------


def opds_for(user) -> QuerySet[Unit]:
    """The OPDs whose calibration ``user`` sees: all of them for the admin and the leaders;
    for a head of OPD their own; for anyone, the OPDs whose head they appraise (they set
    those OPDs' organisation predikat)."""
    opds = Unit.objects.filter(parent__isnull=True)
    if not user.is_authenticated:
        return opds.none()
    if user.role in WHOLE_PEMDA_ROLES:
        return opds
    me = employee_of(user)
    if me is None:
        return opds.none()
    rated = appraisees_q(me, "head__")
    if user.role == Role.HEAD_OF_OPD:
        return opds.filter(Q(pk=me.unit.opd_id) | rated)
    return opds.filter(rated)


def may_see_calibration(user) -> bool:
    """Whether the calibration pages are for ``user`` at all (menus): the admin, leaders,
    heads of OPD; the appraiser of an OPD head reaches the page through the list."""
    return user.is_authenticated and user.role in (*WHOLE_PEMDA_ROLES, Role.HEAD_OF_OPD)


def period_check(period: str) -> Period:
    """The period a code names, if it is an evaluation period of this Pemda."""
    try:
        parsed = Period.parse(period)
    except ValueError:
        raise PerformanceError(
            _("%(code)s is not a period.") % {"code": str(period)[:20]}
        ) from None
    periods_of_year(parsed.year, check=period)
    return parsed


def _opd_check(opd: Unit) -> None:
    if opd.parent_id is not None:
        raise PerformanceError(
            _("%(name)s is not an OPD: only an OPD has an organisation predikat.")
            % {"name": opd.name}
        )


# --- Counting ---------------------------------------------------------------------------------


def _predikat_counts(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """{predikat: n} for all five predikat, in their order."""
    counts = dict.fromkeys(Predikat.values, 0)
    for value, n in rows:
        if value in counts:
            counts[value] += n
    return counts


def pemda_counts(period: str) -> dict[str, int]:
    """The whole Pemda's rated predikat in ``period`` (what appraisers are compared with)."""
    return _predikat_counts(
        Evaluation.objects.filter(period=period, state__in=RATED_STATES)
        .exclude(predikat="")
        .values_list("predikat")
        .annotate(n=Count("*"))
        .order_by()
    )


# --- Calibration of one OPD in one period -----------------------------------------------------


@dataclass(frozen=True)
class RuleCheck:
    """One distribution rule of the organisation predikat, checked: the bound in people and
    how many there are, with the violation when it is broken."""

    rule: str  # "at_most" | "at_least"
    predikat: tuple[str, ...]
    percent: Decimal | None  # None for "at least N people"
    bound: int
    actual: int
    violation: DistributionViolation | None

    @property
    def names(self) -> str:
        return _(" or ").join(str(Predikat(p).label) for p in self.predikat)

    @property
    def ok(self) -> bool:
        return self.violation is None


@dataclass(frozen=True)
class AppraiserRow:
    """One appraiser's ratings in the OPD this period, against the unit and the Pemda."""

    appraiser_id: int | None
    name: str
    nip: str
    counts: dict[str, int]
    pending: int
    leniency: Leniency
    gap_to_unit: Decimal | None

    @property
    def rated(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PendingPerson:
    evaluation_id: int
    name: str
    nip: str
    state: str

    @property
    def state_label(self) -> str:
        return str(EvaluationState(self.state).label)


@dataclass(frozen=True)
class OpdCalibration:
    opd: Unit
    period: str
    unit_period: UnitPeriod | None
    counts: dict[str, int]  # predikat → rated people, all five in order
    by_state: dict[str, int]  # evaluation state → evaluations
    checks: list[RuleCheck]
    violations: list[DistributionViolation]
    appraisers: list[AppraiserRow]
    pending_people: list[PendingPerson]  # the first PENDING_SHOWN still to rate
    without_evaluation: int  # active employees of the OPD with no evaluation of the period
    # Unit heads rated with a hasil other than the organisation predikat gives them now (it
    # changed after they were rated, or their appraiser chose otherwise).
    heads_off_capaian: list[PendingPerson]
    pemda: dict[str, int]
    policy: str
    rounding: str

    @property
    def org_predikat(self) -> str:
        return self.unit_period.org_predikat if self.unit_period else ""

    @property
    def org_predikat_label(self) -> str:
        return str(OrgPredikat(self.org_predikat).label) if self.org_predikat else ""

    @property
    def version(self) -> int:
        return self.unit_period.version if self.unit_period else 0

    @property
    def is_final(self) -> bool:
        return bool(self.unit_period and self.unit_period.state == UnitPeriodState.FINAL)

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def pending(self) -> int:
        return sum(self.by_state.get(state, 0) for state in PENDING_STATES)

    @property
    def unit_mean(self) -> Decimal | None:
        return predikat_mean(self.counts)

    @property
    def pemda_mean(self) -> Decimal | None:
        return predikat_mean(self.pemda)

    @property
    def shares(self) -> list[tuple[str, str, int, Decimal | None]]:
        """(predikat, label, people, % of the rated) in the predikat's order."""
        total = self.rated
        return [
            (
                value,
                str(Predikat(value).label),
                n,
                (Decimal(100 * n) / total).quantize(Decimal("0.1")) if total else None,
            )
            for value, n in self.counts.items()
        ]

    @property
    def blockers(self) -> list[str]:
        """Why the period cannot be finalised now, whatever the distribution (empty: it can,
        subject to the distribution rules and the Pemda's policy)."""
        found = []
        if self.is_final:
            found.append(_("This period of the OPD is already final."))
        if not self.org_predikat:
            found.append(_("The organisation predikat is not set yet."))
        if self.pending:
            found.append(
                _("%(n)s evaluations are not rated yet.") % {"n": self.pending}
                if self.pending != 1
                else _("1 evaluation is not rated yet.")
            )
        if not self.rated:
            found.append(_("No evaluation of this OPD in this period is rated yet."))
        return found

    @property
    def ready(self) -> bool:
        return not self.blockers


def _staff_without_evaluation(opd, period: str):
    """Active staff of the OPD with no evaluation of ``period`` counted with it (none at all,
    or one still counted with another OPD: they moved after it was made)."""
    return Employee.objects.filter(is_active=True, unit__opd=opd).exclude(
        pk__in=Evaluation.objects.filter(opd=opd, period=period).values("skp__employee_id")
    )


def _checks(org_predikat: str, counts, rules: Mapping, rounding: str) -> list[RuleCheck]:
    """Every rule of ``org_predikat``, broken or not, through rules.distribution_violations
    one rule at a time (so the bounds and the messages are the rules' own)."""
    total = sum(counts.values())
    checks = []
    for rule in rules.get(org_predikat, []) if org_predikat else []:
        broken = distribution_violations(org_predikat, counts, {org_predikat: [rule]}, rounding)
        group = tuple(rule.get("predikat", ()))
        actual = sum(counts.get(p, 0) for p in group)
        if broken:
            v = broken[0]
            checks.append(RuleCheck(v.rule, v.predikat, v.percent, v.bound, v.actual, v))
            continue
        if "at_most_percent" in rule or "at_least_percent" in rule:
            kind = "at_most" if "at_most_percent" in rule else "at_least"
            percent = Decimal(str(rule[f"{kind}_percent"]))  # read by the rules already
            if percent == percent.to_integral_value():
                percent = percent.quantize(Decimal(1))
            else:
                percent = percent.normalize()
            bound = count_of_percent(percent, total, rounding)
            checks.append(RuleCheck(kind, group, percent, bound, actual, None))
        elif "at_least_count" in rule:
            checks.append(
                RuleCheck("at_least", group, None, int(rule["at_least_count"]), actual, None)
            )
    return checks


def opd_calibration(*, opd: Unit, period: str) -> OpdCalibration:
    """The distribution of the OPD's rated predikat in ``period`` against the rules of its
    organisation predikat, every broken rule spelled out, and each appraiser's ratings
    against the unit's and the Pemda's. Seven queries whatever the size of the OPD, and the
    Pemda's settings (from the per-process cache outside a transaction)."""
    _opd_check(opd)
    period_check(period)
    unit_period = (
        UnitPeriod.objects.select_related("rated_by", "finalised_by")
        .filter(opd=opd, period=period)
        .first()
    )
    rows = list(
        Evaluation.objects.filter(opd=opd, period=period)
        .values("appraiser_id", "appraiser_name", "appraiser_nip", "state", "predikat")
        .annotate(n=Count("*"))
        .order_by()
    )
    by_state: dict[str, int] = {}
    per_appraiser: dict = {}
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
        key = row["appraiser_id"] or ("nip", row["appraiser_nip"], row["appraiser_name"])
        entry = per_appraiser.setdefault(
            key,
            {
                "id": row["appraiser_id"],
                "name": row["appraiser_name"],
                "nip": row["appraiser_nip"],
                "rated": [],
                "pending": 0,
            },
        )
        if row["state"] in RATED_STATES and row["predikat"]:
            entry["rated"].append((row["predikat"], row["n"]))
        elif row["state"] in PENDING_STATES:
            entry["pending"] += row["n"]
    counts = _predikat_counts(
        (r["predikat"], r["n"]) for r in rows if r["state"] in RATED_STATES and r["predikat"]
    )
    pemda = pemda_counts(period)
    unit_mean = predikat_mean(counts)
    appraisers = []
    for entry in per_appraiser.values():
        mine = _predikat_counts(entry["rated"])
        result = leniency(mine, pemda)
        appraisers.append(
            AppraiserRow(
                appraiser_id=entry["id"],
                name=entry["name"] or _("(no appraiser)"),
                nip=entry["nip"],
                counts=mine,
                pending=entry["pending"],
                leniency=result,
                gap_to_unit=(
                    result.mean - unit_mean
                    if result.mean is not None and unit_mean is not None
                    else None
                ),
            )
        )
    appraisers.sort(key=lambda row: (-(row.leniency.mean or 0), row.name))
    rules, rounding = distribution_rules(), distribution_rounding()
    org = unit_period.org_predikat if unit_period else ""
    violations = distribution_violations(org, counts, rules, rounding) if org else []
    pending_people = [
        PendingPerson(pk, name, nip, state)
        for pk, name, nip, state in Evaluation.objects.filter(
            opd=opd, period=period, state__in=PENDING_STATES
        )
        .order_by("skp__employee__name", "pk")
        .values_list("pk", "skp__employee__name", "skp__employee__nip", "state")[:PENDING_SHOWN]
    ]
    # Active staff of the OPD not in its distribution: no evaluation of the period, or one
    # still counted with another OPD (they moved after it was rated).
    without = _staff_without_evaluation(opd, period).count()
    heads_off = []
    if org:
        heads_off = [
            PendingPerson(pk, name, nip, state)
            for pk, name, nip, state in Evaluation.objects.filter(
                unit_head_evaluations(),
                opd=opd,
                period=period,
                state__in=RATED_STATES,
            )
            .exclude(hasil=hasil_of_unit_head(org))
            .order_by("skp__employee__name", "pk")
            .values_list("pk", "skp__employee__name", "skp__employee__nip", "state")[:PENDING_SHOWN]
        ]
    return OpdCalibration(
        opd=opd,
        period=period,
        unit_period=unit_period,
        counts=counts,
        by_state=by_state,
        checks=_checks(org, counts, rules, rounding),
        violations=violations,
        appraisers=appraisers,
        pending_people=pending_people,
        without_evaluation=without,
        heads_off_capaian=heads_off,
        pemda=pemda,
        policy=violation_policy(),
        rounding=rounding,
    )


# --- Writes -------------------------------------------------------------------------------------


def _unit_period_locked(opd: Unit, period: str) -> UnitPeriod:
    """The OPD's row of the period, made on first use, locked for this transaction."""
    try:
        with transaction.atomic():
            UnitPeriod.objects.get_or_create(opd=opd, period=period)
    except IntegrityError:  # made by another request a moment ago
        pass
    return UnitPeriod.objects.select_for_update().get(opd=opd, period=period)


def _label(opd: Unit, period: str) -> str:
    return f"{opd.name} · {period}"


@transaction.atomic
def org_predikat_set(*, opd: Unit, period: str, by, org_predikat) -> UnitPeriod:
    """Set the OPD's organisation predikat of ``period`` (a leader, or whoever appraises the
    head of the OPD); refused once the period is final. Audited."""
    _opd_check(opd)
    if not may_rate_opd(by, opd):
        raise PermissionDenied
    value = org_predikat_parse(org_predikat)
    period_check(period)
    unit_period = _unit_period_locked(opd, period)
    if unit_period.state == UnitPeriodState.FINAL:
        raise PerformanceError(
            _("This period of %(name)s is final; its organisation predikat cannot change.")
            % {"name": opd.name}
        )
    before = unit_period.org_predikat
    if before == value:
        return unit_period
    now = timezone.now()
    UnitPeriod.objects.filter(pk=unit_period.pk).update(
        org_predikat=value, rated_by=by, rated_at=now, version=F("version") + 1
    )
    unit_period.refresh_from_db()
    audit_record(
        action=ORG_PREDIKAT_SET,
        by=by,
        obj=unit_period,
        object_repr=_label(opd, period),
        before={"org_predikat": before},
        after={"org_predikat": str(value)},
    )
    return unit_period


def _people_list(names: list[str], more: int) -> str:
    listed = ", ".join(names)
    if more:
        listed += " " + _("and %(n)s more") % {"n": more}
    return listed


def violations_stored(violations: list[DistributionViolation]) -> list[dict]:
    """The broken rules as opd_finalise keeps them with the OPD's period (JSON-ready)."""
    return [
        {
            "rule": v.rule,
            "predikat": list(v.predikat),
            "percent": None if v.percent is None else str(v.percent),
            "bound": v.bound,
            "actual": v.actual,
            "total": v.total,
            "excess": v.excess,
            "shortfall": v.shortfall,
            "message": v.message,
        }
        for v in violations
    ]


@transaction.atomic
def opd_finalise(
    *,
    opd: Unit,
    period: str,
    by,
    version: int,
    override_reason="",
    without_evaluation_confirmed: bool = False,
) -> UnitPeriod:
    """Finalise the OPD's period (the head of the OPD).

    1. Refused unless the organisation predikat is set, nothing of the OPD in the period
       waits to be submitted or rated (those evaluations are named), and something is rated.
    2. The rated predikat against the rules of the organisation predikat: with a broken
       rule, the Pemda's policy blocks (each broken rule listed), or with "override" the
       head gives a reason of at least 10 characters and the broken rules are kept with
       the period and in the audit trail.
    3. Every evaluated evaluation of the OPD in the period becomes final (one UPDATE), then
       the period itself (compare-and-set on ``version``: a page shown before someone else
       changed the period refuses).
    """
    _opd_check(opd)
    if not may_finalise_opd(by, opd):
        raise PermissionDenied
    period_check(period)
    unit_period = UnitPeriod.objects.select_for_update().filter(opd=opd, period=period).first()
    if unit_period is None or not unit_period.org_predikat:
        raise PerformanceError(
            _("Set the organisation predikat of %(name)s for this period first.")
            % {"name": opd.name}
        )
    if unit_period.state == UnitPeriodState.FINAL:
        raise PerformanceError(_("This period of %(name)s is already final.") % {"name": opd.name})
    if str(version) != str(unit_period.version):
        raise PerformanceError(
            _(
                "The OPD's period was changed meanwhile (its organisation predikat?); reload "
                "the page and check again."
            )
        )
    evaluations = Evaluation.objects.filter(opd=opd, period=period)
    pending = evaluations.filter(state__in=PENDING_STATES)
    waiting = pending.count()
    if waiting:
        names = list(
            pending.order_by("skp__employee__name", "pk").values_list(
                "skp__employee__name", flat=True
            )[:NAMED_IN_REFUSAL]
        )
        raise PerformanceError(
            _(
                "These evaluations are not rated yet; each must be submitted and rated "
                "before the OPD is finalised: %(people)s."
            )
            % {"people": _people_list(names, waiting - len(names))}
        )
    # Every active employee of the OPD is rated each period: one without an evaluation of it
    # would otherwise be left out of the distribution, and could never be rated afterwards.
    unrated = _staff_without_evaluation(opd, period)
    missing = unrated.count()
    left_out = list(unrated.order_by("name").values_list("nip", flat=True)) if missing else []
    if missing and not without_evaluation_confirmed:
        names = list(unrated.order_by("name").values_list("name", flat=True)[:NAMED_IN_REFUSAL])
        raise PerformanceError(
            _(
                "These staff of the OPD have no evaluation of this period: %(people)s. Once "
                "the period is final they can no longer be evaluated for it. Have them "
                "evaluated first, or confirm that the OPD is finalised without them."
            )
            % {"people": _people_list(names, missing - len(names))}
        )
    counts = _predikat_counts(
        evaluations.filter(state__in=RATED_STATES)
        .exclude(predikat="")
        .values_list("predikat")
        .annotate(n=Count("*"))
        .order_by()
    )
    to_finalise = evaluations.filter(state=EvaluationState.EVALUATED).count()
    if not sum(counts.values()):
        raise PerformanceError(_("No evaluation of this OPD in this period is rated yet."))
    violations = distribution_violations(
        unit_period.org_predikat, counts, distribution_rules(), distribution_rounding()
    )
    reason = (override_reason or "").strip()
    if violations:
        broken = " ".join(v.message for v in violations)
        if violation_policy() != POLICY_OVERRIDE:
            raise PerformanceError(
                _(
                    "The distribution of predikat breaks the rules of the organisation "
                    "predikat %(org)s, and this Pemda does not finalise with broken rules: "
                    "%(broken)s"
                )
                % {"org": OrgPredikat(unit_period.org_predikat).label, "broken": broken}
            )
        if len(reason) < OVERRIDE_REASON_MIN:
            raise PerformanceError(
                _(
                    "The distribution breaks the rules (%(broken)s). To finalise anyway, give "
                    "the reason for the override (at least %(n)s characters)."
                )
                % {"broken": broken, "n": OVERRIDE_REASON_MIN}
            )
        if len(reason) > OVERRIDE_REASON_MAX:
            raise PerformanceError(
                _("The reason may be at most %(n)s characters.") % {"n": OVERRIDE_REASON_MAX}
            )
    else:
        reason = ""
    now = timezone.now()
    finalised = evaluations.filter(state=EvaluationState.EVALUATED).update(
        state=EvaluationState.FINAL, finalised_at=now, version=F("version") + 1
    )
    if finalised != to_finalise:  # an evaluation was returned or rated while we counted
        raise PerformanceError(
            _("The evaluations of this OPD changed meanwhile; reload the page and check again.")
        )
    stored = violations_stored(violations)
    changed = UnitPeriod.objects.filter(
        pk=unit_period.pk, version=unit_period.version, state=UnitPeriodState.OPEN
    ).update(
        state=UnitPeriodState.FINAL,
        finalised_by=by,
        finalised_at=now,
        override_reason=reason,
        violations=stored,
        version=F("version") + 1,
    )
    if changed != 1:
        raise PerformanceError(
            _("The OPD's period was changed meanwhile; reload the page and check again.")
        )
    unit_period.refresh_from_db()
    label = _label(opd, period)
    if violations:
        audit_record(
            action=UNIT_OVERRIDE,
            by=by,
            obj=unit_period,
            object_repr=label,
            after={
                "org_predikat": unit_period.org_predikat,
                "counts": counts,
                "violations": stored,
            },
            reason=reason,
        )
    audit_record(
        action=UNIT_FINALISE,
        by=by,
        obj=unit_period,
        object_repr=label,
        before={"state": UnitPeriodState.OPEN.value},
        after={
            "state": UnitPeriodState.FINAL.value,
            "org_predikat": unit_period.org_predikat,
            "counts": counts,
            "evaluations_final": finalised,
            # Confirmed by the head: active staff left without an evaluation of the period.
            "without_evaluation": left_out,
        },
        reason=reason,
    )
    return unit_period


# --- The overview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    opd_id: int
    code: str
    name: str
    employees: int
    by_state: dict[str, int]
    by_predikat: dict[str, int]
    org_predikat: str
    state: str  # "open" | "final"

    @property
    def evaluations(self) -> int:
        return sum(self.by_state.values())

    @property
    def rated(self) -> int:
        return sum(self.by_predikat.values())

    @property
    def pending(self) -> int:
        return sum(self.by_state.get(state, 0) for state in PENDING_STATES)

    @property
    def is_final(self) -> bool:
        return self.state == UnitPeriodState.FINAL

    @property
    def org_predikat_label(self) -> str:
        return str(OrgPredikat(self.org_predikat).label) if self.org_predikat else ""


STATE_ORDER = [s.value for s in EvaluationState]


def performance_overview(*, user, period: str) -> list[OverviewRow]:
    """Per OPD the user oversees (opds_for: the whole Pemda for the admin and the leaders,
    their own OPD for a head of OPD): active employees, evaluations of ``period`` by state
    and by predikat, organisation predikat and state. Four queries, whatever the size."""
    period_check(period)
    opds = list(opds_for(user).order_by("name").values_list("pk", "code", "name"))
    if not opds:
        return []
    ids = [pk for pk, _code, _name in opds]
    whole = user.role in WHOLE_PEMDA_ROLES  # every OPD: no list of ids to send
    employees = Employee.objects.filter(is_active=True)
    evaluations = Evaluation.objects.filter(period=period)
    unit_periods = UnitPeriod.objects.filter(period=period)
    if not whole:
        employees = employees.filter(unit__opd_id__in=ids)
        evaluations = evaluations.filter(opd_id__in=ids)
        unit_periods = unit_periods.filter(opd_id__in=ids)
    staff = dict(employees.values_list("unit__opd_id").annotate(n=Count("*")).order_by())
    by_state: dict[int, dict[str, int]] = {}
    by_predikat: dict[int, dict[str, int]] = {}
    for opd_id, state, value, n in (
        evaluations.values_list("opd_id", "state", "predikat").annotate(n=Count("*")).order_by()
    ):
        states = by_state.setdefault(opd_id, {})
        states[state] = states.get(state, 0) + n
        if state in RATED_STATES and value in Predikat.values:
            tally = by_predikat.setdefault(opd_id, dict.fromkeys(Predikat.values, 0))
            tally[value] += n
    org = {
        opd_id: (org_predikat, state)
        for opd_id, org_predikat, state in unit_periods.values_list(
            "opd_id", "org_predikat", "state"
        )
    }
    return [
        OverviewRow(
            opd_id=pk,
            code=code,
            name=name,
            employees=staff.get(pk, 0),
            by_state=by_state.get(pk, {}),
            by_predikat=by_predikat.get(pk, dict.fromkeys(Predikat.values, 0)),
            org_predikat=org.get(pk, ("", UnitPeriodState.OPEN))[0],
            state=org.get(pk, ("", UnitPeriodState.OPEN))[1],
        )
        for pk, code, name in opds
    ]


def overview_totals(rows: list[OverviewRow]) -> dict:
    """The sums of the overview's rows (the whole Pemda, or the OPD)."""
    by_predikat = dict.fromkeys(Predikat.values, 0)
    by_state = dict.fromkeys(STATE_ORDER, 0)
    for row in rows:
        for value, n in row.by_predikat.items():
            by_predikat[value] += n
        for state, n in row.by_state.items():
            by_state[state] = by_state.get(state, 0) + n
    return {
        "employees": sum(row.employees for row in rows),
        "evaluations": sum(by_state.values()),
        "by_state": by_state,
        "by_predikat": by_predikat,
        "rated": sum(by_predikat.values()),
        "final_opds": sum(1 for row in rows if row.is_final),
        "opds": len(rows),
    }


# --- The calibration list and the home card ----------------------------------------------------


@dataclass(frozen=True)
class PeriodCell:
    period: Period
    evaluations: int
    rated: int
    pending: int
    org_predikat: str
    state: str

    @property
    def status(self) -> str:
        """final | empty | no_org | pending | ready"""
        if self.state == UnitPeriodState.FINAL:
            return "final"
        if not self.evaluations:
            return "empty"
        if not self.org_predikat:
            return "no_org"
        if self.pending or not self.rated:
            return "pending"
        return "ready"

    @property
    def all_rated(self) -> bool:
        """Everything of the period is rated and it is not final yet."""
        return self.state != UnitPeriodState.FINAL and self.rated > 0 and not self.pending

    @property
    def org_predikat_label(self) -> str:
        return str(OrgPredikat(self.org_predikat).label) if self.org_predikat else ""


def calibration_grid(
    *, opds: QuerySet[Unit] | list[Unit], periods: list[Period]
) -> list[tuple[Unit, list[PeriodCell]]]:
    """Each OPD × each of ``periods``: its evaluations, what is still to rate, the
    organisation predikat and the state. Three queries (two for a list of OPDs), whatever
    the size."""
    codes = [p.code for p in periods]
    if not isinstance(opds, list):
        opds = list(opds.order_by("name").only("pk", "code", "name", "head_id"))
    units = opds
    ids = [unit.pk for unit in units]
    tally: dict[tuple[int, str], dict[str, int]] = {}
    for opd_id, code, state, n in (
        Evaluation.objects.filter(period__in=codes, opd_id__in=ids)
        .values_list("opd_id", "period", "state")
        .annotate(n=Count("*"))
        .order_by()
    ):
        tally.setdefault((opd_id, code), {})[state] = n
    org = {
        (opd_id, code): (value, state)
        for opd_id, code, value, state in UnitPeriod.objects.filter(
            period__in=codes, opd_id__in=ids
        ).values_list("opd_id", "period", "org_predikat", "state")
    }
    grid = []
    for unit in units:
        cells = []
        for period in periods:
            states = tally.get((unit.pk, period.code), {})
            value, state = org.get((unit.pk, period.code), ("", UnitPeriodState.OPEN))
            cells.append(
                PeriodCell(
                    period=period,
                    evaluations=sum(states.values()),
                    rated=sum(states.get(s, 0) for s in RATED_STATES),
                    pending=sum(states.get(s, 0) for s in PENDING_STATES),
                    org_predikat=value,
                    state=state,
                )
            )
        grid.append((unit, cells))
    return grid


def periods_to_finalise(*, user) -> list[tuple[Unit, PeriodCell]]:
    """For the head of an OPD: the periods of last year and this year whose evaluations are
    all rated and that are not final yet (with or without the organisation predikat).

    One query for the home card (two when the head's OPD is not at hand; the period setting
    comes from the per-process cache): the evaluations are counted per OPD and period with
    the OPD period's state and organisation predikat read alongside, and only the periods
    ready to finalise come back."""
    me = employee_of(user)
    if me is None:
        return []
    # The head's own OPD is usually at hand already (the home page loads the user's unit
    # and OPD once for all cards); look it up only when it is not theirs.
    own = me.unit.opd if me.unit_id and me.unit.opd_id else None
    if own is not None and own.head_id == me.pk and own.parent_id is None:
        opds = [own]
    else:
        opds = list(Unit.objects.filter(parent__isnull=True, head=me).only("pk", "code", "name"))
    if not opds:
        return []
    year = timezone.localdate().year
    kind = evaluation_period_kind()  # read once (periods_of_year would read it per year)
    periods = [
        period
        for y in (year - 1, year)
        for period in (*periods_in_year(kind, y), Period(PeriodKind.ANNUAL, y, 1))
    ]
    unit_period = UnitPeriod.objects.filter(opd_id=OuterRef("opd_id"), period=OuterRef("period"))
    found = {
        (row["opd_id"], row["period"]): row
        for row in Evaluation.objects.filter(
            period__in=[p.code for p in periods], opd_id__in=[unit.pk for unit in opds]
        )
        .values("opd_id", "period")
        .annotate(
            evaluations=Count("*"),
            rated=Count("pk", filter=Q(state__in=RATED_STATES)),
            pending=Count("pk", filter=Q(state__in=PENDING_STATES)),
            org_predikat=Subquery(unit_period.values("org_predikat")[:1]),
            unit_state=Subquery(unit_period.values("state")[:1]),
        )
        .filter(rated__gt=0, pending=0)
        .order_by()
    }
    ready = []
    for unit in opds:
        for period in periods:
            row = found.get((unit.pk, period.code))
            if row is None:
                continue
            cell = PeriodCell(
                period=period,
                evaluations=row["evaluations"],
                rated=row["rated"],
                pending=row["pending"],
                org_predikat=row["org_predikat"] or "",
                state=row["unit_state"] or UnitPeriodState.OPEN,
            )
            if cell.all_rated:
                ready.append((unit, cell))
    return ready
