"""Menus and home cards of the activity module: the leader's view (core/activity/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.activity.dashboard import may_see_dashboard
from core.ui.registry import NavEntry, nav_register

nav_register(
    NavEntry(_("Performance"), _("Real-time view"), "activity:dashboard", may_see_dashboard, 45),
)
