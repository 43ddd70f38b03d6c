"""The activity module's API under /api/v1/ (activities, attendance, KPI, indices)."""

from core.activity.api.views import (
    ActivityViewSet,
    AttendanceViewSet,
    KpiViewSet,
    MonthlyIndexViewSet,
)
from core.org.api.urls import Router

router = Router(use_regex_path=False)
router.include_root_view = False  # /api/v1/ is the org module's root
router.register("activities", ActivityViewSet, basename="activity")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("monthly-indices", MonthlyIndexViewSet, basename="monthlyindex")

urlpatterns = router.urls
