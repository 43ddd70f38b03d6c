from django.urls import path

from core.importing import views

app_name = "importing"
urlpatterns = [
    path("", views.import_start, name="start"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
    path("<int:pk>/", views.import_job, name="job"),
    path("<int:pk>/good-rows/", views.import_good_rows, name="good_rows"),
]
