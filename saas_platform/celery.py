"""The Celery app. Tasks carry the schema of the caller (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings")

app = CeleryApp("sinergi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
