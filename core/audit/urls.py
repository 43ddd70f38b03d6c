from django.urls import path, re_path

from core.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_page, name="list"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)$", views.audit_export, name="export"),
]
