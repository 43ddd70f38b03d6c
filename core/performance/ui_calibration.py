"""Menus and home cards of the performance module: calibration (core/performance/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.performance.calibration import may_see_calibration, periods_to_finalise
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

PERFORMANCE = _("Performance")
CARD_PERIODS_SHOWN = 6


def _head_of_opd(user) -> bool:
    return user.is_authenticated and user.role == Role.HEAD_OF_OPD


def _ready(request):
    """The periods of the user's OPD whose evaluations are all rated and not final yet (only
    the head of an OPD has any)."""
    periods = periods_to_finalise(user=request.user)
    if not periods:
        return None
    shown = periods[-CARD_PERIODS_SHOWN:]  # the latest
    return {"periods": shown, "more": len(periods) - len(shown)}


nav_register(
    NavEntry(PERFORMANCE, _("Overview"), "performance:overview", may_see_calibration, order=40),
    NavEntry(
        PERFORMANCE, _("Calibration"), "performance:calibration_list", may_see_calibration, 41
    ),
)
card_register(
    HomeCard(
        "performance.ready_to_finalise",
        "performance/calibration/cards/ready.html",
        _ready,
        _head_of_opd,
        order=25,
    ),
)
