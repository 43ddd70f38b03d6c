"""URLs of the performance module: evaluation pages (see core/performance/urls.py)."""

urlpatterns: list = []
