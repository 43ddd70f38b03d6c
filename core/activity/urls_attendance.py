"""URLs of the activity module: attendance (core/activity/urls.py)."""

urlpatterns: list = []
