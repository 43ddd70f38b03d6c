from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportingConfig(AppConfig):
    name = "core.importing"
    label = "importing"
    verbose_name = _("Imports and exports")

    def ready(self):
        # Each module declares its importers in its imports.py: registered in every process
        # (web and workers alike), whatever else it happens to load.
        autodiscover_modules("imports")
