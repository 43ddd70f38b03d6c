"""Menus and home cards of the performance module: skp (core/performance/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.org.access import employee_of
from core.performance.notifications import my_skp_status
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

PERFORMANCE = _("Performance")
PLANNERS = (Role.ATASAN, Role.HEAD_OF_OPD)


def has_employee_record(user) -> bool:
    """Whoever has an employee record logs in with a NIP (core.org.services keeps the
    account's NIP): read from the account, so the menu costs no query."""
    return user.is_authenticated and bool(getattr(user, "nip", None))


def plans_for_others(user) -> bool:
    """Atasan and heads of OPD; and a leader with an employee record (the Sekda appraises
    the heads of OPD). The Wali Kota/Bupati, without one, appraises nobody here."""
    if not user.is_authenticated:
        return False
    return user.role in PLANNERS or (user.role == Role.LEADER and has_employee_record(user))


def reads_catalogue(user) -> bool:
    return user.is_authenticated and user.role in (*PLANNERS, Role.TENANT_ADMIN, Role.LEADER)


nav_register(
    NavEntry(PERFORMANCE, _("My SKP"), "performance:skp_mine", has_employee_record, order=20),
    NavEntry(PERFORMANCE, _("My team"), "performance:team", plans_for_others, order=21),
    NavEntry(PERFORMANCE, _("RHK catalogue"), "performance:catalogue", reads_catalogue, order=29),
)


def _my_skp(request):
    """My SKP of this year, counted, with my evaluation of the period running today: a
    button to start it when it is not started, a warning in the period's last week while it
    is not submitted. One query (core.performance.notifications; the employee record is the
    org cards')."""
    me = employee_of(request.user)
    if me is None:
        return None
    status = my_skp_status(employee=me)
    return {
        "year": status.year,
        "skp": status.skp,
        "status": status,
        "plans_for_others": plans_for_others(request.user),
    }


card_register(
    HomeCard("performance.my_skp", "performance/skp/card.html", _my_skp, has_employee_record, 15)
)
