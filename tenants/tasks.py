from celery import shared_task
from django.utils import timezone

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
