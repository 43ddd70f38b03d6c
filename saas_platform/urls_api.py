"""The API of a Pemda's site: v1 endpoints, the OpenAPI schema and its browsable docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("v1/", include("core.org.api.urls")),
    path("v1/", include("core.performance.api.urls")),
    path("v1/", include("core.activity.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (the page
    # would otherwise carry it inline, which the Content-Security-Policy refuses).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
