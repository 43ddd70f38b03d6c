"""URLs of the performance module: skp pages (see core/performance/urls.py)."""

urlpatterns: list = []
