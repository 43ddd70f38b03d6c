from celery import shared_task

from tenants.dispatch import (
    ITEM_SOFT_TIME_LIMIT,
    ITEM_TIME_LIMIT,
    dispatch_item_run,
    dispatch_stale_recover,
    pemda_dispatch,
)
from tenants.lifecycle import PemdaStatus, pemda_provision_given_up
from tenants.services import pemda_provision, pemda_provision_sweep


# A pool process that dies mid-task (kill -9, the OOM killer) is retried after
# default_retry_delay, within max_retries (unlike reject_on_worker_lost, which would requeue
# a task that kills its worker for ever); the retry takes the claim over, whose lease died
# with that process. A worker whose main process dies cannot send anything: kombu's
# SQLAlchemy transport hides a message once handed out and never shows it again, so the
# sweep below, at every worker start and every minute, finds such Pemda. Neither retries
# for ever: each takeover counts, and the PROVISION_INTERRUPTIONS_MAX-th fails the Pemda.
@shared_task(
    bind=True,
    max_retries=3,
    acks_late=True,
    retry_on_worker_lost=True,
    default_retry_delay=5,
    soft_time_limit=600,
    time_limit=900,
)
def pemda_provision_task(self, pemda_id: int, restart: bool = False) -> str:
    """Provision one Pemda; a failed attempt is retried with backoff (the service is idempotent).

    ``restart`` (a person asked) applies to the first run only: the retries of a run that
    killed its process must count towards giving up, not start the count again. A Pemda
    that gave up is not retried.
    """
    pemda = pemda_provision(pemda_id=pemda_id, restart=restart and not self.request.retries)
    if (
        pemda.status == PemdaStatus.FAILED
        and not pemda_provision_given_up(pemda)
        and self.request.retries < self.max_retries
    ):
        raise self.retry(countdown=30 * 2**self.request.retries)
    return pemda.status


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def pemda_provision_stale_retry() -> list[int]:
    """Periodic (beat) and at every worker start: hand back to a worker a Pemda whose
    provisioning process died, or whose message was lost before any run claimed it.

    One statement finds them (``tenants.services.pemda_provision_sweep``): 'provisioning'
    with nobody holding its lease, which the task's run takes over (or, after too many
    deaths, fails); 'requested' for longer than a grace period. A Pemda that gave up is
    'failed' and never found here.
    """
    stale = pemda_provision_sweep()
    for pemda_id in stale:
        pemda_provision_task.delay(pemda_id)
    return stale


# Not acks_late (the project's default): redelivering this message after a lost worker would
# start a second run and do every Pemda's job twice; a lost start waits for the next beat.
@shared_task(acks_late=False, soft_time_limit=60, time_limit=90)
def pemda_dispatch_task(job: str, concurrency: int = 4) -> int:
    """Periodic (beat): start a run of a registered per-Pemda job; returns the run's id."""
    return pemda_dispatch(job=job, concurrency=concurrency).pk


@shared_task(acks_late=True, soft_time_limit=ITEM_SOFT_TIME_LIMIT, time_limit=ITEM_TIME_LIMIT)
def pemda_dispatch_item_task(item_id: int) -> str | None:
    """Run one Pemda's share of a dispatch run, then pass its slot to the next Pemda.

    Not retried: the job's failure is recorded on the item and the run goes on; a second
    delivery of the message (acks_late) finds the item claimed and does nothing.
    """
    item = dispatch_item_run(item_id=item_id)
    return item.status if item else None


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def pemda_dispatch_stale_recover() -> list[int]:
    """Periodic (beat): give up on items whose worker died and refill their runs' slots."""
    return dispatch_stale_recover()


@shared_task(acks_late=False, soft_time_limit=60, time_limit=90)
def broker_messages_prune_task() -> int:
    """Periodic (beat): delete messages the database broker delivered days ago."""
    from saas_platform.broker import broker_messages_prune

    return broker_messages_prune()


# The platform staff's tasks (archive exports) live beside their services; the worker
# registers tasks from each app's tasks module only.
from tenants import staff_tasks  # noqa: E402,F401
