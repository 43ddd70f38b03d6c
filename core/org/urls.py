"""Pages of a Pemda's organisation and people."""

app_name = "org"
urlpatterns: list = []
