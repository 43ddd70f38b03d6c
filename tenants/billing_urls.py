from django.urls import path

from tenants import billing_views

app_name = "billing"
urlpatterns = [
    path("", billing_views.invoice_list, name="list"),
    path("<int:pk>/", billing_views.invoice_print, name="print"),
]
