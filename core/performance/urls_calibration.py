"""URLs of the performance module: calibration pages (see core/performance/urls.py)."""

urlpatterns: list = []
