from django.urls import path

from tenants import staff

app_name = "staff"
urlpatterns = [
    path("", staff.pemda_list_page, name="list"),
    path("pemda/<int:pk>/", staff.pemda_detail_page, name="detail"),
    path("pemda/<int:pk>/arsip/", staff.pemda_archive_fragment, name="archive"),
    path("pemda/<int:pk>/<slug:action>/", staff.pemda_action, name="act"),
]
