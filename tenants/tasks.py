from celery import shared_task

from tenants.lifecycle import PemdaStatus
from tenants.services import pemda_provision


@shared_task(bind=True, max_retries=3, acks_late=True, soft_time_limit=600, time_limit=900)
def pemda_provision_task(self, pemda_id: int) -> str:
    """Provision one Pemda; a failed attempt is retried with backoff (the service is idempotent)."""
    pemda = pemda_provision(pemda_id=pemda_id)
    if pemda.status == PemdaStatus.FAILED and self.request.retries < self.max_retries:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return pemda.status
