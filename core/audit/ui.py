"""Riwayat perubahan in the menu, and the latest changes on the admin's home (core.ui)."""

from django.utils.translation import gettext_lazy as _

from core.audit.selectors import audit_list
from core.org.access import can_manage
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

ADMINISTRATION = _("Administration")


def _recent(request):
    return {"events": list(audit_list()[:8])}


nav_register(
    NavEntry(ADMINISTRATION, _("Change history"), "audit:list", can_manage, order=90),
)
card_register(HomeCard("audit.recent", "audit/card.html", _recent, can_manage, 60))
