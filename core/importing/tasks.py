from celery import shared_task

from core.importing.services import import_job_run


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def import_job_run_task(job_id: int) -> str:
    """Run one import job in the schema of the Pemda that enqueued it."""
    return import_job_run(job_id=job_id).status


# Jobs enqueued before the engine moved out of core.org carry the old task name.
import_job_run_task_before_the_move = shared_task(
    import_job_run_task.run, name="core.org.tasks.import_job_run_task", acks_late=True
)
