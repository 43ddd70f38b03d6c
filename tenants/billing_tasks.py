"""Billing's periodic tasks (beat: CELERY_BEAT_SCHEDULE in settings, billing block)."""

from celery import shared_task

from tenants.billing import invoices_create_monthly, pemdas_read_only_refresh


# Repeatable (one invoice per Pemda and month), so a redelivered message does no harm.
@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def invoices_create_monthly_task() -> list[str]:
    """Last month's invoices for the active subscribed Pemda that have none yet."""
    return invoices_create_monthly()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def pemdas_read_only_refresh_task() -> dict[str, list[str]]:
    """Hold the Pemda unpaid past the grace period read-only; release the paid ones."""
    return pemdas_read_only_refresh()
