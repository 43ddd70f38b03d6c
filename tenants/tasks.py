from celery import shared_task
from django.utils import timezone

from tenants.dispatch import (
    ITEM_SOFT_TIME_LIMIT,
    ITEM_TIME_LIMIT,
    dispatch_item_run,
    dispatch_stale_recover,
    pemda_dispatch,
)
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import STALE_PROVISIONING, pemda_provision


@shared_task(bind=True, max_retries=3, acks_late=True, soft_time_limit=600, time_limit=900)
def pemda_provision_task(self, pemda_id: int) -> str:
    """Provision one Pemda; a failed attempt is retried with backoff (the service is idempotent)."""
    pemda = pemda_provision(pemda_id=pemda_id)
    if pemda.status == PemdaStatus.FAILED and self.request.retries < self.max_retries:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return pemda.status


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def pemda_provision_stale_retry() -> list[int]:
    """Periodic (beat): hand a Pemda whose provisioning worker died back to a worker.

    A worker killed mid-way (hard time limit, lost machine) leaves the row in
    ``provisioning``; the service takes over claims older than STALE_PROVISIONING.
    """
    stale = list(
        Pemda.objects.filter(
            status=PemdaStatus.PROVISIONING,
            status_changed_at__lt=timezone.now() - STALE_PROVISIONING,
        ).values_list("pk", flat=True)
    )
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
