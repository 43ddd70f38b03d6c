"""The org module's menus and home cards (core.ui)."""

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.org import selectors
from core.org.access import WHOLE_PEMDA_ROLES, can_manage, employee_of, scope_description
from core.org.models import Employee
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

ORGANISATION = _("Organisation")
OVERVIEW_ROLES = (*WHOLE_PEMDA_ROLES, Role.HEAD_OF_OPD)
_UNREAD = object()

nav_register(
    NavEntry(ORGANISATION, _("Employees"), "org:employee_list", order=10),
    NavEntry(ORGANISATION, _("Units"), "org:unit_list", order=11),
    NavEntry(ORGANISATION, _("Positions"), "org:position_list", order=12),
    NavEntry(ORGANISATION, _("Workload (ABK)"), "org:workload", order=13),
)


def _me_loaded(request):
    """The user's employee record (None without one) with what the cards show, read once
    for the whole page.

    It replaces the record cached on the user (``user.employee``), where the scope helpers
    (core.org.access) look for it: they then find its unit and OPD loaded instead of
    querying them again for each card. (The plain lookup comes first: for the admin and
    the leader, who have no record, it is the cheaper query.)
    """
    me = getattr(request, "_org_me", _UNREAD)
    if me is _UNREAD:
        me = employee_of(request.user)
        if me is not None:
            me = Employee.objects.select_related(
                "position", "unit", "unit__opd", "derived_atasan", "atasan_override"
            ).get(pk=me.pk)
            request.user.employee = me  # caches the relation; saves nothing
        request._org_me = me
    return me


def _me(request):
    me = _me_loaded(request)
    return None if me is None else {"me": me}


def _appraisees(request):
    me = _me_loaded(request)
    if me is None:
        return None
    people = list(
        Employee.objects.appraisable_by(request.user)
        .select_related("position", "unit")
        .order_by("name")
    )
    return {"people": people[:50], "count": len(people)} if people else None


def _chart(labels, values, label) -> dict:
    return {"labels": [str(x) for x in labels], "datasets": [{"label": str(label), "data": values}]}


def _overview(request):
    headcount = selectors.headcount(user=request.user)
    return {
        "headcount": headcount,
        "scope": scope_description(request.user),
        "chart_status": _chart(
            [label for label, _n in headcount["by_status"]],
            [n for _label, n in headcount["by_status"]],
            _("Employees"),
        ),
        "chart_opd": _chart(
            [name or "—" for name, _n in headcount["by_opd"]],
            [n for _name, n in headcount["by_opd"]],
            _("Employees"),
        ),
    }


def _completeness(request):
    return {
        "gaps": selectors.completeness(user=request.user),
        "can_manage": can_manage(request.user),
    }


def _overview_roles(user) -> bool:
    return user.is_authenticated and user.role in OVERVIEW_ROLES


card_register(
    HomeCard("org.me", "org/cards/me.html", _me, order=10),
    HomeCard("org.appraisees", "org/cards/appraisees.html", _appraisees, order=20),
    HomeCard(
        "org.headcount", "org/cards/headcount.html", _overview, _overview_roles, 30, wide=True
    ),
    HomeCard("org.completeness", "org/cards/completeness.html", _completeness, _overview_roles, 40),
)
