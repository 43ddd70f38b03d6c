"""REST API v1 of a Pemda's organisation (units, positions, employees)."""

urlpatterns: list = []
