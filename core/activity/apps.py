from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "core.activity"
    label = "activity"
    verbose_name = _("Daily activity log and KPI (Model Surabaya)")

    def ready(self):
        from core.activity.indices import evaluation_follow
        from core.performance.followers import evaluation_follower_register

        # A month's perilaku and realisations feed the monthly indices.
        evaluation_follower_register(evaluation_follow)
