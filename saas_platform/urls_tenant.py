"""URLs of a Pemda's site (its own schema)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.accounts.forms import PasswordSetupOrResetForm
from core.accounts.views import tenant_home
from saas_platform.health import healthz

urlpatterns = [
    path("", tenant_home, name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordSetupOrResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("core.org.urls")),
    path("api/", include("saas_platform.urls_api")),
]
