"""URLs of the activity module: the leader's real-time view (core/activity/urls.py)."""

from django.urls import path

from core.activity import views_dashboard as views

urlpatterns: list = [
    path("pimpinan/", views.dashboard_page, name="dashboard"),
    path("pimpinan/langsung/", views.dashboard_live, name="dashboard_live"),
    path("pimpinan/hitung-ulang/", views.dashboard_recompute, name="dashboard_recompute"),
    path("pimpinan/pegawai/<int:pk>/", views.dashboard_person, name="dashboard_person"),
]
