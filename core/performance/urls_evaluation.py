"""URLs of the performance module: evaluation pages (see core/performance/urls.py)."""

from django.urls import path

from core.performance import views_evaluation as views

urlpatterns: list = [
    path("penilaian/", views.inbox, name="inbox"),
    path(
        "skp/<int:skp_pk>/evaluasi/<str:period>/",
        views.evaluation_open,
        name="evaluation_open",
    ),
    path("evaluasi/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluasi/<int:pk>/simpan/", views.evaluation_save, name="evaluation_save"),
    path("evaluasi/<int:pk>/kirim/", views.evaluation_submit, name="evaluation_submit"),
    path("evaluasi/<int:pk>/nilai/", views.evaluation_rate, name="evaluation_rate"),
    path("evaluasi/<int:pk>/kembalikan/", views.evaluation_return, name="evaluation_return"),
    path("evaluasi/<int:pk>/bukti/", views.evidence_add, name="evaluation_evidence_add"),
    path(
        "evaluasi/<int:pk>/bukti/<int:evidence_pk>/",
        views.evidence_file,
        name="evaluation_evidence_file",
    ),
    path(
        "evaluasi/<int:pk>/bukti/<int:evidence_pk>/hapus/",
        views.evidence_delete,
        name="evaluation_evidence_delete",
    ),
    path("evaluasi/<int:pk>/umpan-balik/", views.feedback_add, name="evaluation_feedback"),
]
