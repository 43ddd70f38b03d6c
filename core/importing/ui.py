"""The import page in the menu, and the latest imports on the home page (core.ui)."""

from django.utils.translation import gettext_lazy as _

from core.importing.engine import importers_for
from core.importing.models import ImportJob
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

ADMINISTRATION = _("Administration")


def _may_import(user) -> bool:
    return bool(importers_for(user))


def _recent(request):
    jobs = list(
        ImportJob.objects.visible_to(request.user)
        .select_related("created_by")
        .only("id", "kind", "filename", "status", "created_at", "created_by", "finished_at")[:5]
    )
    return {"jobs": jobs}


nav_register(NavEntry(ADMINISTRATION, _("Import"), "importing:start", _may_import, order=80))
card_register(HomeCard("importing.recent", "importing/card.html", _recent, _may_import, 50))
