"""Per-Pemda jobs of the import engine, run for every Pemda by the dispatcher (tenants)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from core.importing.models import FINISHED, ImportJob
from core.importing.services import import_jobs_recover
from tenants.dispatch import pemda_job

# A rejected file is kept so that its good rows can be imported with one click; after this
# long nobody will, and personal data is not kept longer than needed.
UPLOAD_RETENTION = timedelta(days=7)


def import_uploads_purge(*, older_than: timedelta = UPLOAD_RETENTION) -> int:
    """Delete the stored uploads of finished jobs older than ``older_than`` (the jobs and
    their reports stay); returns how many files went."""
    stale = ImportJob.objects.filter(
        status__in=FINISHED, finished_at__lt=timezone.now() - older_than
    ).exclude(path="")
    purged = 0
    for job_id, path in stale.values_list("id", "path"):
        default_storage.delete(path)  # a file already gone is not an error
        ImportJob.objects.filter(pk=job_id).update(path="")
        purged += 1
    return purged


@pemda_job("importing.housekeeping")
def housekeeping(pemda) -> dict:
    """Hourly: jobs whose worker died are closed, lost ones sent again, old uploads go."""
    return {**import_jobs_recover(), "purged": import_uploads_purge()}
