"""URLs of the activity module (daily log, approvals, attendance, KPI, the leader's view),
under /aktivitas/; one file per area."""

from core.activity import urls_attendance, urls_dashboard, urls_kpi, urls_log

app_name = "activity"

urlpatterns = [
    *urls_log.urlpatterns,
    *urls_attendance.urlpatterns,
    *urls_kpi.urlpatterns,
    *urls_dashboard.urlpatterns,
]
