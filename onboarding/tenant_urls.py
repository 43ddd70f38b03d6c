from django.urls import path

from onboarding import views

app_name = "adoption"
urlpatterns = [
    path("", views.configuration_page, name="home"),
    path("terbitkan/", views.configuration_publish, name="publish"),
    path("adopsi/", views.adoption_page, name="progress"),
]
