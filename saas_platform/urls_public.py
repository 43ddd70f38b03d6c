"""URLs of the platform site (public schema)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.accounts.forms import PasswordSetupOrResetForm
from onboarding.views import platform_home
from saas_platform.admin_login import PlatformAdminAuthenticationForm
from tenants.admin import DateBoundedChangeList

admin.site.login_form = PlatformAdminAuthenticationForm
# The platform's admin reads the public schema, where apps that live only in the Pemda's
# schemas (the API tokens of rest_framework.authtoken) have no tables: their admin pages
# could only fail.
admin.site.unregister(
    [
        model
        for model in admin.site._registry
        if model._meta.app_config.name not in settings.SHARED_APPS
    ]
)

# Every date drill-down of the platform admin (ours and django-axes') refuses impossible dates
# as a wrong filter instead of a 500 (tenants.admin.DateBoundedChangeList).
for _model_admin in admin.site._registry.values():
    if _model_admin.date_hierarchy:
        _model_admin.get_changelist = lambda request, **kwargs: DateBoundedChangeList

urlpatterns = [
    path("", platform_home, name="home"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordSetupOrResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("daftar/", include("onboarding.wizard.urls")),  # the sign-up wizard
    path("templat/", include("onboarding.catalogue_urls")),  # the template catalogue
    path("staf/", include("tenants.staff_urls")),  # platform staff's tools
    path("admin/", admin.site.urls),
]

handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
