"""URLs of the activity module: kpi (core/activity/urls.py)."""

urlpatterns: list = []
