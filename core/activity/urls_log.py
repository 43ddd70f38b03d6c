"""URLs of the activity module: the daily log and its approvals (core/activity/urls.py)."""

from django.urls import path

from core.activity import views_log as views

urlpatterns: list = [
    path("", views.log_day, name="log"),
    path("catat/", views.log_add, name="log_add"),
    path("katalog/", views.norm_search, name="log_norms"),
    path("favorit/", views.favourite_toggle, name="log_favourite"),
    path("ulangi/", views.log_repeat, name="log_repeat"),
    path("riwayat/", views.log_history, name="log_history"),
    path("<int:pk>/ubah/", views.log_edit, name="log_edit"),
    path("<int:pk>/hapus/", views.log_delete, name="log_delete"),
    path("<int:pk>/bukti/", views.log_evidence, name="log_evidence"),
    path("persetujuan/", views.approvals, name="approvals"),
    path("persetujuan/putuskan/", views.approvals_decide, name="approvals_decide"),
]
