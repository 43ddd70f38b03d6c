"""Menus and home cards of the performance module: evaluation (core/performance/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.config.periods import Period
from core.org.access import employee_of
from core.performance.evaluation import evaluations_waiting_for
from core.performance.rules import EvaluationState
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

PERFORMANCE = _("Performance")
CARD_ROWS = 10


def _has_employee(user) -> bool:
    """Evaluations are for people with an employee record (the account's record is read
    with the account, so this costs no query)."""
    return employee_of(user) is not None


nav_register(
    NavEntry(PERFORMANCE, _("Evaluations"), "performance:inbox", _has_employee, order=25),
)


def _waiting(request):
    """What the user must act on next: their own evaluations to submit, those returned to
    them, and their appraisees' submitted ones. One query; not shown when nothing waits."""
    me = employee_of(request.user)
    rows = list(evaluations_waiting_for(request.user)[: CARD_ROWS + 1])
    if not rows:
        return None
    for evaluation in rows:
        evaluation.mine = evaluation.skp.employee_id == me.pk
        evaluation.returned = evaluation.state == EvaluationState.RETURNED
        try:
            evaluation.period_label = Period.parse(evaluation.period).label
        except ValueError:
            evaluation.period_label = evaluation.period
    return {"rows": rows[:CARD_ROWS], "more": len(rows) > CARD_ROWS}


card_register(
    HomeCard(
        "performance.evaluation.waiting",
        "performance/evaluation/cards/waiting.html",
        _waiting,
        _has_employee,
        order=15,
    ),
)
