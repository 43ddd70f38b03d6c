"""REST API v1 of a Pemda's organisation (units, positions, employees)."""

from rest_framework.routers import DefaultRouter

from core.org.api.views import EmployeeViewSet, PositionViewSet, UnitViewSet

router = DefaultRouter(use_regex_path=False)
router.register("units", UnitViewSet, basename="unit")
router.register("positions", PositionViewSet, basename="position")
router.register("employees", EmployeeViewSet, basename="employee")

urlpatterns = router.urls
