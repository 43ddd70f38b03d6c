"""Pages of a Pemda's organisation and people."""

from django.urls import path, re_path

from core.org import views

app_name = "org"
urlpatterns = [
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/atasan/", views.employee_atasan, name="employee_atasan"),
    path("employees/<int:pk>/role/", views.employee_role, name="employee_role"),
    path(
        "employees/<int:pk>/password-setup/",
        views.employee_password_setup,
        name="employee_password_setup",
    ),
    path(
        "employees/<int:pk>/login-unlock/",
        views.employee_login_unlock,
        name="employee_login_unlock",
    ),
    path("units/", views.unit_list, name="unit_list"),
    path("positions/", views.position_list, name="position_list"),
    path("positions/<int:pk>/", views.position_detail, name="position_detail"),
    path("norms/<int:pk>/delete/", views.norm_delete, name="norm_delete"),
    path("workload/", views.workload, name="workload"),
    re_path(r"^(?P<what>unit|position|employee)/new/$", views.record_edit, name="record_new"),
    re_path(
        r"^(?P<what>unit|position|employee)/(?P<pk>\d+)/edit/$",
        views.record_edit,
        name="record_edit",
    ),
    re_path(
        r"^export/(?P<what>employees|units|positions)\.(?P<fmt>xlsx|csv)$",
        views.export,
        name="export",
    ),
    re_path(r"^lookup/(?P<what>units|positions|employees)/$", views.lookup, name="lookup"),
    path("import/", views.import_moved, name="import"),
]
