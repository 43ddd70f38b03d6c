from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "core.ui"
    label = "ui"
    verbose_name = _("User interface")

    def ready(self):
        autodiscover_modules("ui")  # each module's ui.py registers its menus and cards
