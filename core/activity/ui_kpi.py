"""Menus of the activity module: KPI (IKU) and cross-OPD teams (core/activity/ui.py).

They sit in the module's menu (Activities, core/activity/ui_log.py), after the daily log.
No home card: what credits an employee is one click away under "My KPIs", and the home
page's queries stay as they are."""

from django.utils.translation import gettext_lazy as _

from core.ui.registry import NavEntry, any_user, nav_register

# One "Kinerja" menu with the SKP pages (core/performance/ui_*.py): the header keeps room
# for the user on a desktop, even for the admin, who has four menus.
ACTIVITIES = _("Performance")


def has_employee_record(user) -> bool:
    """Read from the account (core.org.services keeps its NIP): the menu costs no query."""
    return user.is_authenticated and bool(getattr(user, "nip", None))


nav_register(
    NavEntry(ACTIVITIES, _("KPI (IKU)"), "activity:kpi_list", any_user, order=60),
    NavEntry(ACTIVITIES, _("My KPIs"), "activity:kpi_mine", has_employee_record, order=61),
    NavEntry(ACTIVITIES, _("Cross-OPD teams"), "activity:team_list", any_user, order=62),
)
