"""The platform staff's background work: exporting a Pemda's schema before archiving it."""

from celery import shared_task
from django.conf import settings

from tenants.staff_services import pemda_archive_run


# Retried while another process holds the Pemda's lease (a provisioning under way); a
# worker lost mid-export leaves the request waiting, and the staff may ask again (the
# partial file is never taken for an archive: only a checked file gets its final name).
@shared_task(
    bind=True,
    acks_late=True,
    max_retries=20,
    soft_time_limit=settings.ARCHIVE_TIMEOUT_SECONDS + 60,
    time_limit=settings.ARCHIVE_TIMEOUT_SECONDS + 120,
)
def pemda_archive_task(self, pemda_id: int, request_id: int) -> str:
    """Export one Pemda's schema to a file, check it, then archive the Pemda."""
    outcome = pemda_archive_run(pemda_id=pemda_id, request_id=request_id)
    if outcome == "busy":
        raise self.retry(countdown=15)
    return outcome
