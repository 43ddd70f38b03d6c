"""Import jobs: store the upload, run the import (here or on a worker), keep the report.

Uploads go through Django's default storage (a folder per schema under MEDIA_ROOT here;
shared storage when web and workers run on different hosts). MEDIA_ROOT is never served.
A file is deleted once imported; a rejected one is kept for "import the good rows only".
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from core.audit.services import audit_record
from core.importing import audit as actions
from core.importing.engine import table_import
from core.importing.models import ImportJob, ImportStatus
from core.importing.tabular import table_row_count

logger = logging.getLogger(__name__)

# Files up to this many rows are imported during the request; larger ones on a worker.
SYNCHRONOUS_MAX_ROWS = 2000


def import_job_create(
    *, kind: str, filename: str, data: bytes, by, good_rows_only: bool = False
) -> ImportJob:
    """Store the file and record the job; run it now if small, else on a worker."""
    safe_name = Path(filename).name[-200:]
    stored = default_storage.save(
        f"imports/{connection.schema_name}/{uuid.uuid4().hex}-{safe_name}", ContentFile(data)
    )
    job = ImportJob.objects.create(
        kind=kind,
        filename=safe_name,
        path=stored,
        good_rows_only=good_rows_only,
        created_by=by,
        total_rows=table_row_count(data, safe_name),
    )
    if job.total_rows <= SYNCHRONOUS_MAX_ROWS:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        from core.importing.tasks import import_job_run_task

        transaction.on_commit(lambda: import_job_run_task.delay(job.pk))
    return job


def import_job_rerun_good_rows(*, job: ImportJob, by) -> ImportJob:
    """Import the good rows of a rejected file; a file with none is left as it is."""
    if not job.can_import_good_rows:
        return job
    with default_storage.open(job.path) as handle:
        data = handle.read()
    return import_job_create(
        kind=job.kind, filename=job.filename, data=data, by=by, good_rows_only=True
    )


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job once (compare-and-set queued → running), recording the outcome."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    ):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    try:
        with default_storage.open(job.path) as handle:
            data = handle.read()
        with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
            report = table_import(
                kind=job.kind,
                data=data,
                filename=job.filename,
                good_rows_only=job.good_rows_only,
                progress=progress,
            )
    except Exception as exc:  # recorded for the admin; the upload itself is kept
        logger.exception("Import job %s failed", job_id)
        error = f"{type(exc).__name__}: {exc}"
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            report={"errors": [{"row": 0, "column": "", "message": error}]},
        )
        audit_record(
            action=actions.IMPORT_FAIL,
            obj=job,
            object_repr=f"{job.kind_label}: {job.filename}",
            after={"file": job.filename, "kind": job.kind, "error": error[:500]},
            by=job.created_by,
        )
        return ImportJob.objects.get(pk=job_id)
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.DONE if report.written else ImportStatus.REJECTED,
            report=report.as_dict(),
            processed_rows=report.total,
            total_rows=report.total,
            finished_at=timezone.now(),
        )
        audit_record(
            action=actions.IMPORT_RUN if report.written else actions.IMPORT_REJECT,
            obj=job,
            object_repr=f"{job.kind_label}: {job.filename}",
            after={
                "file": job.filename,
                "kind": job.kind,
                "rows": report.total,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "bad_rows": report.bad_rows,
                "good_rows_only": job.good_rows_only,
            },
            by=job.created_by,
        )
    if report.written:  # personal data is not kept longer than needed
        transaction.on_commit(lambda: default_storage.delete(job.path))
    return ImportJob.objects.get(pk=job_id)
