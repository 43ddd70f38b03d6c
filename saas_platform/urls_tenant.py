"""URLs of a Pemda's site (its own schema)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.accounts.forms import PasswordSetupOrResetForm
from core.ui.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordSetupOrResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("core.org.urls")),
    path("kinerja/", include("core.performance.urls")),
    path("aktivitas/", include("core.activity.urls")),
    path("import/", include("core.importing.urls")),
    path("audit/", include("core.audit.urls")),
    path("tagihan/", include("tenants.billing_urls")),  # the Pemda's invoices
    path("konfigurasi/", include("onboarding.tenant_urls")),  # publish, mentor's view
    path("api/", include("saas_platform.urls_api")),
]

handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
