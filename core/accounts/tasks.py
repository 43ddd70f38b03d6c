from celery import shared_task
from django.db import connection

from core.accounts.services import account_password_setup_send


@shared_task(bind=True, max_retries=5, acks_late=True, soft_time_limit=60, time_limit=90)
def account_password_setup_send_task(self, user_id: int, domain: str | None = None) -> str:
    """Email a password-setup link. Runs in the schema of the Pemda that enqueued it, where
    ``user_id`` means that Pemda's account (ids repeat across schemas).

    The link's host comes from the Pemda's configuration (tenants.links); ``domain`` is
    ignored, accepted only from messages queued before that and from callers that still
    pass it.
    """
    try:
        return account_password_setup_send(user_id=user_id)
    except OSError as exc:  # mail server unreachable: try again later
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    finally:
        connection.close_if_unusable_or_obsolete()
