"""REST API v1 of a Pemda's organisation (units, positions, employees)."""

from rest_framework.routers import DefaultRouter

from core.org.api.views import EmployeeViewSet, PositionViewSet, UnitViewSet


class Router(DefaultRouter):
    # Suffix routes (/employees.json) would list every endpoint a second time in the OpenAPI
    # schema; clients choose the format with the Accept header or ?format= instead.
    include_format_suffixes = False


router = Router(use_regex_path=False)
router.register("units", UnitViewSet, basename="unit")
router.register("positions", PositionViewSet, basename="position")
router.register("employees", EmployeeViewSet, basename="employee")

urlpatterns = router.urls
