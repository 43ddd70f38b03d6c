"""Menus and home cards of the performance module: calibration (core/performance/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.org.access import employee_of
from core.performance.calibration import may_see_calibration, periods_to_finalise
from core.performance.notifications import org_predikat_to_set
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

PERFORMANCE = _("Performance")
CARD_PERIODS_SHOWN = 6
# Who may appraise the head of an OPD: roles follow the appraisal relation
# (core.org.tree.role_for: whoever appraises an active employee is at least an atasan), so a
# plain employee appraises no head, and their home page pays nothing for this card.
HEAD_APPRAISER_ROLES = (Role.ATASAN, Role.HEAD_OF_OPD)


def _head_of_opd(user) -> bool:
    return user.is_authenticated and user.role == Role.HEAD_OF_OPD


def _may_rate_some_opd(user) -> bool:
    """A leader (every OPD), or an atasan or head of OPD who may appraise another OPD's head
    (core.performance.access.may_rate_opd); the employee record is read with the account."""
    if not user.is_authenticated:
        return False
    if user.role == Role.LEADER:
        return True
    return user.role in HEAD_APPRAISER_ROLES and employee_of(user) is not None


def _ready(request):
    """The periods of the user's OPD whose evaluations are all rated and not final yet (only
    the head of an OPD has any)."""
    periods = periods_to_finalise(user=request.user)
    if not periods:
        return None
    shown = periods[-CARD_PERIODS_SHOWN:]  # the latest
    return {"periods": shown, "more": len(periods) - len(shown)}


def _org_predikat(request):
    """The OPD periods still waiting for the organisation predikat the user sets: per period
    how many OPDs, the first few named (core.performance.notifications). Not shown when none
    waits."""
    periods = org_predikat_to_set(user=request.user)
    if not periods:
        return None
    shown = periods[:CARD_PERIODS_SHOWN]  # the latest
    hidden = periods[CARD_PERIODS_SHOWN:]
    return {
        "periods": shown,
        "more": len(hidden),
        "more_year": hidden[0].period.year if hidden else None,
    }


nav_register(
    NavEntry(PERFORMANCE, _("Overview"), "performance:overview", may_see_calibration, order=40),
    NavEntry(
        PERFORMANCE, _("Calibration"), "performance:calibration_list", may_see_calibration, 41
    ),
)
card_register(
    HomeCard(
        "performance.org_predikat",
        "performance/calibration/cards/org_predikat.html",
        _org_predikat,
        _may_rate_some_opd,
        order=24,
    ),
    HomeCard(
        "performance.ready_to_finalise",
        "performance/calibration/cards/ready.html",
        _ready,
        _head_of_opd,
        order=25,
    ),
)
