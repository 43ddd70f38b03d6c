from django.urls import path

from onboarding import catalogue_views

app_name = "catalogue"
urlpatterns = [
    path("", catalogue_views.catalogue_list, name="list"),
    path("<slug:name>/", catalogue_views.catalogue_detail, name="detail"),
]
