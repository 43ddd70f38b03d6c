"""Menus and home cards of the performance module: skp (core/performance/ui.py)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.org.access import employee_of
from core.performance.models import Skp
from core.performance.selectors import year_current
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
    """My SKP of this year, counted in one query (the employee record is the org cards')."""
    me = employee_of(request.user)
    if me is None:
        return None
    year = year_current()
    skp = (
        Skp.objects.filter(employee=me, year=year)
        .annotate(rhk_n=Count("rhk", distinct=True), iki_n=Count("rhk__iki"))
        .values("pk", "rhk_n", "iki_n")
        .first()
    )
    return {"year": year, "skp": skp, "plans_for_others": plans_for_others(request.user)}


card_register(
    HomeCard("performance.my_skp", "performance/skp/card.html", _my_skp, has_employee_record, 15)
)
