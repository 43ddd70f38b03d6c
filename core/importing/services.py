"""Import jobs: store the upload, run the import (here or on a worker), keep the report.

Uploads go through Django's default storage (a folder per schema under MEDIA_ROOT here;
shared storage when web and workers run on different hosts). MEDIA_ROOT is never served.
A file is deleted once imported; a rejected one is kept for "import the good rows only".
"""

from __future__ import annotations

import logging
import uuid
from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.importing import audit as actions
from core.importing.engine import table_import
from core.importing.limits import DEFAULT_LIMITS, ReadLimits
from core.importing.models import ImportJob, ImportStatus
from core.importing.report import printable
from core.importing.tabular import table_row_count

logger = logging.getLogger(__name__)

# Files up to this many bytes and rows are imported during the request; others on a
# worker, which shows progress. A larger file is not even counted in the request: its
# size is unknown until it is unpacked. 2,000 rows of employees are about 130 KB in .xlsx
# and 150 KB in .csv.
SYNCHRONOUS_MAX_ROWS = 2000
SYNCHRONOUS_MAX_BYTES = 256 * 1024
# A file read during the request must be read within this time (a worker has longer).
SYNCHRONOUS_LIMITS = replace(DEFAULT_LIMITS, seconds=20.0)


def import_job_create(
    *, kind: str, filename: str, data: bytes, by, good_rows_only: bool = False
) -> ImportJob:
    """Store the file and record the job; run it now if small, else on a worker."""
    safe_name = printable(Path(filename).name)[-200:] or "import"
    # Counted before storing, so nothing is left behind if counting fails.
    rows = table_row_count(data, safe_name) if len(data) <= SYNCHRONOUS_MAX_BYTES else None
    stored = default_storage.save(
        f"imports/{connection.schema_name}/{uuid.uuid4().hex}-{safe_name}", ContentFile(data)
    )
    job = ImportJob.objects.create(
        kind=kind,
        filename=safe_name,
        path=stored,
        good_rows_only=good_rows_only,
        created_by=by,
        total_rows=rows or 0,
    )
    if rows is not None and rows <= SYNCHRONOUS_MAX_ROWS:
        import_job_run(job_id=job.pk, limits=SYNCHRONOUS_LIMITS)
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


def import_job_run(*, job_id: int, limits: ReadLimits = DEFAULT_LIMITS) -> ImportJob:
    """Run a queued job once (compare-and-set queued → running), recording the outcome."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    ):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    def counted(rows: int) -> None:
        # The reader counts a workbook's rows before reading them: that count is the
        # progress bar's total (a file too large for the request was not counted there).
        if rows != job.total_rows:
            ImportJob.objects.filter(pk=job_id).update(total_rows=rows)

    try:
        with default_storage.open(job.path) as handle:
            data = handle.read()
        # Inside a request's transaction, a savepoint keeps it usable after a failure; on a
        # worker there is none, and progress must commit as it goes.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            report = table_import(
                kind=job.kind,
                data=data,
                filename=job.filename,
                good_rows_only=job.good_rows_only,
                progress=progress,
                counted=counted,
                limits=limits,
            )
    except Exception as exc:  # recorded for the admin; the upload itself is kept
        return _job_failed(job, exc)
    try:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.DONE if report.written else ImportStatus.REJECTED,
                report=report.as_dict(),
                processed_rows=report.total,
                total_rows=report.total,
                finished_at=timezone.now(),
            )
            import_audit_record(
                report=report,
                filename=job.filename,
                good_rows_only=job.good_rows_only,
                by=job.created_by,
                job=job,
            )
    except Exception as exc:  # the outcome could not be stored: never leave it "running"
        return _job_failed(job, exc)
    if report.written:  # personal data is not kept longer than needed
        transaction.on_commit(lambda: default_storage.delete(job.path))
    return ImportJob.objects.get(pk=job_id)


def _job_failed(job: ImportJob, exc: Exception | str) -> ImportJob:
    """Record a job that broke (the upload is kept), with the error for the admin."""
    if isinstance(exc, Exception):
        logger.exception("Import job %s failed", job.pk)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        error = exc
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
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
    return ImportJob.objects.get(pk=job.pk)


def import_audit_record(
    *, report, filename: str, good_rows_only: bool, by=None, job: ImportJob | None = None
) -> None:
    """Record an import in the audit trail: which file, what it did, who ran it (None: the
    command line)."""
    from core.importing.engine import importer_get

    label = importer_get(report.kind).label
    audit_record(
        action=actions.IMPORT_RUN if report.written else actions.IMPORT_REJECT,
        obj=job,
        object_type="" if job else "importing.file",
        object_repr=f"{label}: {filename}",
        after={
            "file": filename,
            "kind": report.kind,
            "rows": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "bad_rows": report.bad_rows,
            "good_rows_only": good_rows_only,
        },
        by=by,
    )


# The import task's hard time limit is 15 minutes: a job running longer lost its worker.
STALE_RUNNING = timedelta(minutes=30)
# A job queued this long lost its message (a broker restart): send it again; only one
# delivery can claim it.
STALE_QUEUED = timedelta(hours=1)


def import_jobs_recover() -> dict:
    """Close the jobs whose worker died and send again those whose message was lost, so no
    job stays "running" or "queued" for ever."""
    from core.importing.tasks import import_job_run_task

    now = timezone.now()
    failed = 0
    for job in ImportJob.objects.filter(
        Q(started_at__lt=now - STALE_RUNNING)
        | Q(started_at=None, created_at__lt=now - STALE_RUNNING),  # left before started_at
        status=ImportStatus.RUNNING,
    ).select_related("created_by"):
        if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).exists():
            _job_failed(job, _("The worker importing this file stopped; upload it again."))
            failed += 1
    queued = list(
        ImportJob.objects.filter(
            status=ImportStatus.QUEUED, created_at__lt=now - STALE_QUEUED
        ).values_list("pk", flat=True)
    )
    for job_id in queued:
        transaction.on_commit(lambda job_id=job_id: import_job_run_task.delay(job_id))
    return {"failed": failed, "requeued": len(queued)}
