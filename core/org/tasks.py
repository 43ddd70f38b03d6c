from celery import shared_task

from core.org.imports import import_job_run


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def import_job_run_task(job_id: int) -> str:
    """Run one import job in the schema of the Pemda that enqueued it."""
    return import_job_run(job_id=job_id).status
