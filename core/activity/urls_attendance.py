"""URLs of the activity module: attendance and the Pemda's calendar, the BKPSDMD admin's
pages (core/activity/urls.py)."""

from django.urls import path

from core.activity import views_attendance as views

urlpatterns: list = [
    path("kehadiran/", views.attendance_day, name="attendance_day"),
    path("kalender/", views.calendar_page, name="calendar"),
    path("kalender/tambah/", views.holiday_add, name="holiday_add"),
    path("kalender/<int:pk>/hapus/", views.holiday_remove, name="holiday_remove"),
    path("kalender/libur-nasional/", views.holidays_national_load, name="holidays_national_load"),
]
