"""Invoices in the admin's menu (core.ui; imported by tenants/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.org.access import can_manage
from core.ui.registry import NavEntry, nav_register

nav_register(NavEntry(_("Administration"), _("Invoices"), "billing:list", can_manage, order=95))
