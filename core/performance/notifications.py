"""What the home page tells whoever must act next in the performance cycle (issue 9 §3).

Two reads, each one query whatever the number of OPDs or people (plus the Pemda's period
setting, which comes from the per-process cache outside a transaction):

- ``org_predikat_to_set``: the OPD periods whose organisation predikat is still to set, for
  whoever sets it (``core.performance.access.may_rate_opd``: a leader sets it for every
  OPD, anyone else for the OPDs whose head they appraise);
- ``my_skp_status``: an employee's SKP of this year and their evaluation of the period that
  runs today: not started, or about to end while it is still not submitted.

Pure reads: nothing here writes, and the cards (core/performance/ui_*.py) only format.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Subquery
from django.utils import timezone

from core.config.periods import Period, PeriodKind, periods_in_year
from core.config.selectors import evaluation_period_kind
from core.performance.access import opds_rated_by
from core.performance.evaluation import EDITABLE_STATES, periods_current
from core.performance.models import Evaluation, Skp, UnitPeriod
from core.performance.rules import EvaluationState

OPDS_NAMED = 3  # per period, the OPDs a card names; the rest are counted
ENDING_SOON_DAYS = 7  # "the period ends in N days": said in its last week
# A period still running needs its organisation predikat once its evaluations are underway.
UNDERWAY_STATES = (EvaluationState.SUBMITTED, EvaluationState.EVALUATED, EvaluationState.FINAL)


# --- The organisation predikat still to set ----------------------------------------------------


@dataclass(frozen=True)
class PeriodToRate:
    """One period and the OPDs whose organisation predikat of it is still to set: how many,
    and the first few by name as (pk, name)."""

    period: Period
    ended: bool
    count: int
    opds: list[tuple[int, str]]

    @property
    def more(self) -> int:
        return self.count - len(self.opds)


def _periods_of(kind: PeriodKind, years: tuple[int, ...]) -> list[Period]:
    """The periods of ``years`` (the Pemda's kind, and each year itself), latest first (a
    year before its last month)."""
    periods = [
        period
        for year in years
        for period in (*periods_in_year(kind, year), Period(PeriodKind.ANNUAL, year, 1))
    ]
    return sorted(periods, key=lambda p: (p.end, p.kind == PeriodKind.ANNUAL), reverse=True)


def org_predikat_to_set(*, user, today: datetime.date | None = None) -> list[PeriodToRate]:
    """The OPD periods ``user`` must give their organisation predikat, latest period first.

    An OPD's period is listed when
    1. it is a period of last year or this year (the Pemda's periodic kind, and the years
       themselves);
    2. the OPD has evaluations of it: an OPD with nobody evaluated has nothing to calibrate,
       and the periods before the Pemda used Sinergi are not listed forever;
    3. the period has ended, or, not ended yet, one of those evaluations is already
       submitted or rated: the calibration is coming, and it needs the organisation predikat
       first (drafts of a running period are no reason yet; nothing forbids submitting
       early, and what is submitted is listed, whatever the day);
    4. its organisation predikat is not set (an OPD period without a row has none).

    One query (and the period setting): per OPD, one yes/no per period, each an index probe
    of the evaluations and of the OPD periods; the periods' counts and names are made here
    from at most one row per OPD."""
    today = today or timezone.localdate()
    periods = _periods_of(evaluation_period_kind(), (today.year - 1, today.year))
    flags = {}
    for i, period in enumerate(periods):
        evaluations = Evaluation.objects.filter(opd_id=OuterRef("pk"), period=period.code)
        if period.end >= today:
            evaluations = evaluations.filter(state__in=UNDERWAY_STATES)
        predikat_set = UnitPeriod.objects.filter(opd_id=OuterRef("pk"), period=period.code).exclude(
            org_predikat=""
        )
        flags[f"p{i}"] = ExpressionWrapper(
            Exists(evaluations) & ~Exists(predikat_set), output_field=BooleanField()
        )
    rows = list(
        opds_rated_by(user)
        .annotate(**flags)
        .order_by("name", "pk")
        .values_list("pk", "name", *flags)
    )
    due = []
    for i, period in enumerate(periods):
        opds = [(pk, name) for pk, name, *needs in rows if needs[i]]
        if opds:
            due.append(
                PeriodToRate(
                    period=period,
                    ended=period.end < today,
                    count=len(opds),
                    opds=opds[:OPDS_NAMED],
                )
            )
    return due


# --- The employee's own SKP and evaluation ----------------------------------------------------


@dataclass(frozen=True)
class MySkpStatus:
    """The employee's SKP of ``year`` (None before it is started: {"pk", "rhk_n", "iki_n"}
    otherwise) and their evaluation of ``period``, the period running today (None before it
    is started: {"pk", "state"} otherwise)."""

    year: int
    skp: dict | None
    period: Period
    evaluation: dict | None
    days_left: int  # days after today until the period ends (0: it ends today)

    @property
    def evaluation_not_started(self) -> bool:
        return self.skp is not None and self.evaluation is None

    @property
    def ending_soon(self) -> bool:
        """The period's last week, and the evaluation is not submitted yet (not started, a
        draft, or returned for revision)."""
        unsent = self.evaluation is None or self.evaluation["state"] in EDITABLE_STATES
        return self.skp is not None and unsent and self.days_left < ENDING_SOON_DAYS


def my_skp_status(*, employee, today: datetime.date | None = None) -> MySkpStatus:
    """The employee's SKP of this year with its RHK and IKI counted, and their evaluation of
    the current period (``periods_current``: the Pemda's kind). One query (and the period
    setting)."""
    today = today or timezone.localdate()
    period = periods_current(today)[0]
    evaluation = Evaluation.objects.filter(skp=OuterRef("pk"), period=period.code)
    skp = (
        Skp.objects.filter(employee=employee, year=today.year)
        .annotate(
            rhk_n=Count("rhk", distinct=True),
            iki_n=Count("rhk__iki"),
            evaluation_pk=Subquery(evaluation.values("pk")[:1]),
            evaluation_state=Subquery(evaluation.values("state")[:1]),
        )
        .values("pk", "rhk_n", "iki_n", "evaluation_pk", "evaluation_state")
        .first()
    )
    found = None
    if skp is not None and skp["evaluation_pk"] is not None:
        found = {"pk": skp["evaluation_pk"], "state": skp["evaluation_state"]}
    return MySkpStatus(
        year=today.year,
        skp=skp and {key: skp[key] for key in ("pk", "rhk_n", "iki_n")},
        period=period,
        evaluation=found,
        days_left=(period.end - today).days,
    )
