"""URLs of the activity module: log (core/activity/urls.py)."""

urlpatterns: list = []
