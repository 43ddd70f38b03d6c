"""URLs of the activity module: KPI (IKU) and cross-OPD teams (core/activity/urls.py)."""

from django.urls import path

from core.activity import views_kpi as views

urlpatterns = [
    path("kpi/", views.kpi_list, name="kpi_list"),
    path("kpi/saya/", views.kpi_mine, name="kpi_mine"),
    path("kpi/baru/", views.kpi_new, name="kpi_new"),
    path("kpi/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path("kpi/<int:pk>/ubah/", views.kpi_edit, name="kpi_edit"),
    path("kpi/<int:pk>/hapus/", views.kpi_delete, name="kpi_delete"),
    path("kpi/<int:pk>/rhk/", views.kpi_rhk_link, name="kpi_rhk_link"),
    path("kpi/<int:pk>/rhk/cari/", views.kpi_rhk_lookup, name="kpi_rhk_lookup"),
    path("kpi/<int:pk>/rhk/<int:rhk_pk>/hapus/", views.kpi_rhk_unlink, name="kpi_rhk_unlink"),
    path("kpi/pegawai/cari/", views.people_lookup, name="kpi_people_lookup"),
    path("kpi/tim/", views.team_list, name="team_list"),
    path("kpi/tim/<int:pk>/", views.team_detail, name="team_detail"),
    path("kpi/tim/<int:pk>/ubah/", views.team_edit, name="team_edit"),
    path("kpi/tim/<int:pk>/hapus/", views.team_delete, name="team_delete"),
    path("kpi/tim/<int:pk>/anggota/", views.team_members_add, name="team_members_add"),
    path("kpi/tim/<int:pk>/cari/", views.team_people_lookup, name="team_people_lookup"),
    path(
        "kpi/tim/<int:pk>/anggota/<int:employee_pk>/hapus/",
        views.team_member_remove,
        name="team_member_remove",
    ),
]
