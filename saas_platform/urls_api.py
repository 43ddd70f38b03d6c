"""The API of a Pemda's site: v1 endpoints and the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("v1/", include("core.org.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
