"""Background work of the activity module."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.activity.indices import RecomputeBusy, month_recompute

# The whole Pemda's month: at most 30 s at Surabaya's size (README "Performance"); the
# limits leave room for a busy database.
SOFT_TIME_LIMIT = 600
TIME_LIMIT = 900
# A month being recomputed already: try again shortly, for as long as a whole Pemda's
# recompute may take (the worker's slot is not held meanwhile).
BUSY_COUNTDOWN = 10
BUSY_RETRIES = 60


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def activity_month_recompute_task(self, schema: str, day: str, employee_ids=None) -> int:
    """Recompute the monthly indices of the month of ``day`` (ISO date) in the Pemda whose
    schema is ``schema``; returns the rows written (0 for a Pemda that is gone or no longer
    active); only ``employee_ids`` when given. Queued once the change commits
    (``indices.month_recompute_enqueue``) by attendance changes, decisions on entries
    (their owners' months: the IKI, the score and the pay flag follow each approval), KPI
    figures, weights and teams (whom they credit), submitted, returned or rated
    evaluations (their owner), the hourly job (this month and last) and the admin.

    Repeatable: the recompute rewrites the month from what is stored. A lost database
    connection is retried with backoff; a month another recompute holds, shortly after
    (RecomputeBusy)."""
    from tenants.lifecycle import PemdaStatus
    from tenants.models import Pemda

    # The shared tables are on every Pemda's search path, whichever schema the task is in.
    pemda = Pemda.objects.filter(schema_name=schema, is_template=False).first()
    if pemda is None or pemda.status != PemdaStatus.ACTIVE:
        return 0
    try:
        with pemda, timezone.override(pemda.time_zone):
            return month_recompute(datetime.date.fromisoformat(day), employee_ids, wait=False)
    except RecomputeBusy as exc:  # another recompute of the month: after it, not beside it
        raise self.retry(exc=exc, countdown=BUSY_COUNTDOWN, max_retries=BUSY_RETRIES) from exc
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
