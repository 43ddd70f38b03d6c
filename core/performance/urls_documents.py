"""URLs of the performance module: printable documents (see core/performance/urls.py)."""

from django.urls import path

from core.performance import views_documents

urlpatterns: list = [
    path("skp/<int:pk>/cetak/", views_documents.skp_print, name="skp_print"),
    path("evaluasi/<int:pk>/cetak/", views_documents.evaluation_print, name="evaluation_print"),
]
