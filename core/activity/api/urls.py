"""The activity module's API under /api/v1/ (activities, attendance, KPI, indices)."""

from core.org.api.urls import Router

router = Router(use_regex_path=False)
router.include_root_view = False  # /api/v1/ is the org module's root

urlpatterns = router.urls
