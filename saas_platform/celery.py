"""The Celery app. Tasks carry the schema of the caller (tenant-schemas-celery)."""

import os

from celery.signals import worker_init, worker_ready
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings")

app = CeleryApp("sinergi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def database_broker_polling_set(**kwargs) -> None:
    """How often an idle worker polls the database broker (settings.BROKER_POLLING_MS): a
    class attribute of kombu's SQLAlchemy transport, since its transport options go to
    SQLAlchemy's create_engine. Set when a worker starts (only a worker polls; importing
    this module must not load the settings)."""
    from django.conf import settings
    from kombu.transport.sqlalchemy import Transport

    Transport.polling_interval = settings.BROKER_POLLING_MS / 1000


# Seconds a starting worker waits before looking for work a dead worker left: the server
# needs a moment to end the dead worker's session (and release what it held).
RESUME_COUNTDOWN = 3


@worker_ready.connect
def resume_interrupted_work(sender, **kwargs):
    """A worker that starts, e.g. restarted after ``kill -9``, first hands back what the dead
    one left half-done, and sign-ups whose message was lost: a message it had taken is never
    delivered again by the database broker, and the next beat may be a minute away
    (``tenants.tasks``)."""
    sender.app.send_task("tenants.tasks.pemda_provision_stale_retry", countdown=RESUME_COUNTDOWN)
