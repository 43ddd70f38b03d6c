"""URLs of the performance module: calibration pages (see core/performance/urls.py)."""

from django.urls import path

from core.performance import views_calibration as views

urlpatterns: list = [
    path("ikhtisar/", views.overview, name="overview"),
    path("kalibrasi/", views.calibration_list, name="calibration_list"),
    path(
        "kalibrasi/<int:opd_pk>/<str:period>/",
        views.calibration_detail,
        name="calibration",
    ),
    path(
        "kalibrasi/<int:opd_pk>/<str:period>/predikat/",
        views.calibration_org_predikat,
        name="calibration_org_predikat",
    ),
    path(
        "kalibrasi/<int:opd_pk>/<str:period>/final/",
        views.calibration_finalise,
        name="calibration_finalise",
    ),
]
