"""URLs of the activity module: dashboard (core/activity/urls.py)."""

urlpatterns: list = []
