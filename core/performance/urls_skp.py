"""URLs of the performance module: skp pages (see core/performance/urls.py)."""

from django.urls import path

from core.performance import views_skp as views

urlpatterns = [
    path("skp/", views.skp_mine, name="skp_mine"),
    path("skp/<int:pk>/", views.skp_detail, name="skp_detail"),
    path("skp/mulai/", views.skp_start, name="skp_start"),
    path("skp/<int:pk>/rhk/baru/", views.rhk_new, name="rhk_new"),
    path("skp/<int:pk>/rhk/<int:rhk_pk>/ubah/", views.rhk_edit, name="rhk_edit"),
    path("skp/<int:pk>/rhk/<int:rhk_pk>/hapus/", views.rhk_delete, name="rhk_delete"),
    path("skp/<int:pk>/rhk/<int:rhk_pk>/iki/baru/", views.iki_new, name="iki_new"),
    path("skp/<int:pk>/iki/<int:iki_pk>/ubah/", views.iki_edit, name="iki_edit"),
    path("skp/<int:pk>/iki/<int:iki_pk>/hapus/", views.iki_delete, name="iki_delete"),
    path("tim/", views.team, name="team"),
    path("tim/tugaskan/", views.assign, name="assign"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<int:pk>/hapus/", views.catalogue_delete, name="catalogue_delete"),
]
