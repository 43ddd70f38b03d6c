"""Sharing the configuration (and the mentor's view) in the admin's menu (core.ui)."""

from django.utils.translation import gettext_lazy as _

from core.audit.ui import ADMINISTRATION
from core.org.access import can_manage
from core.ui.registry import NavEntry, nav_register

nav_register(
    NavEntry(ADMINISTRATION, _("Share the configuration"), "adoption:home", can_manage, order=95),
)
