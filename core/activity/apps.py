from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "core.activity"
    label = "activity"
    verbose_name = _("Daily activity log and KPI (Model Surabaya)")
