"""The performance module's API under /api/v1/ (SKP, RHK, IKI, evaluations, ratings)."""

from core.org.api.urls import Router
from core.performance.api.views import EvaluationViewSet, IkiViewSet, RhkViewSet, SkpViewSet

router = Router(use_regex_path=False)
router.include_root_view = False  # /api/v1/ is the org module's root
router.register("skp", SkpViewSet, basename="skp")
router.register("rhk", RhkViewSet, basename="rhk")
router.register("iki", IkiViewSet, basename="iki")
router.register("evaluations", EvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
