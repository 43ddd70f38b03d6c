"""URLs of the performance module: documents pages (see core/performance/urls.py)."""

urlpatterns: list = []
