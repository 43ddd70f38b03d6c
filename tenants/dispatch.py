"""The per-Pemda dispatcher: run one registered job for every active Pemda on the workers.

Modules never loop ``for pemda in …: with pemda:`` themselves. They register a job in the
``jobs.py`` module of their app::

    @pemda_job("performance.period_close")
    def period_close(pemda):          # runs inside the Pemda's schema and time zone
        ...
        return {"closed": n}          # JSON, kept on the run's record

and the platform runs it with ``pemda_dispatch(job="performance.period_close")`` (beat, the
``dispatch_pemda`` command). Each Pemda gets a ``DispatchItem``; at most ``concurrency`` items
of a run are in flight (queued or running) at once, and a failing Pemda is recorded and passed
over. A job runs in one transaction per Pemda, so a failure leaves nothing half-written there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.lifecycle import PemdaStatus
from tenants.models import (
    DISPATCH_IN_FLIGHT,
    DispatchItem,
    DispatchItemStatus,
    DispatchRun,
    DispatchRunStatus,
    Pemda,
)
from tenants.selectors import pemda_list_active

logger = logging.getLogger(__name__)

PemdaJob = Callable[[Pemda], Any]

# Time limits of one item's task. The soft limit raises inside the job, which is then recorded
# as failed like any other exception; the hard limit kills the worker process, whose item the
# stale sweep later releases.
ITEM_SOFT_TIME_LIMIT = 600
ITEM_TIME_LIMIT = 720
# An item running longer than the hard limit lost its worker; one queued this long lost its
# message (broker restart, an enqueue after commit that failed) and is sent again, which is
# harmless: only one delivery can claim it.
STALE_RUNNING = timedelta(seconds=ITEM_TIME_LIMIT) + timedelta(minutes=10)
STALE_QUEUED = timedelta(hours=1)
# Results live in the public schema, which must stay small (DESIGN.md decision 11).
MAX_RESULT_BYTES = 64 * 1024
MAX_ERROR_CHARS = 2000

_jobs: dict[str, PemdaJob] = {}
_discovered = False


class UnknownPemdaJob(LookupError):
    """No job is registered under this name."""

    def __init__(self, name: str):
        self.name = name
        known = ", ".join(pemda_job_names()) or "none"
        super().__init__(f"No per-Pemda job is registered as {name!r} (known: {known}).")


def pemda_job(name: str) -> Callable[[PemdaJob], PemdaJob]:
    """Register ``fn(pemda) -> JSON-serialisable result`` as the per-Pemda job ``name``."""

    def register(fn: PemdaJob) -> PemdaJob:
        registered = _jobs.get(name)
        if registered is not None and _qualified_name(registered) != _qualified_name(fn):
            raise ValueError(
                f"Per-Pemda job {name!r} is already registered by {_qualified_name(registered)}."
            )
        _jobs[name] = fn
        return fn

    return register


def _qualified_name(fn: PemdaJob) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _jobs_discover() -> None:
    # Lazily, not in AppConfig.ready: web processes that never dispatch do not import every
    # module's jobs, and a jobs module may import anything once the apps are loaded.
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def pemda_job_get(name: str) -> PemdaJob:
    _jobs_discover()
    try:
        return _jobs[name]
    except KeyError:
        raise UnknownPemdaJob(name) from None


def pemda_job_names() -> list[str]:
    _jobs_discover()
    return sorted(_jobs)


def pemda_dispatch(
    *, job: str, concurrency: int = 4, pemda_ids: list[int] | None = None
) -> DispatchRun:
    """Start a run of ``job`` for every active Pemda (or those of ``pemda_ids`` that are active).

    1. Refuse an unknown job or a concurrency below 1 before writing anything.
    2. In one transaction: create the run and one pending item per active, non-template
       Pemda, then fill the run's slots (``dispatch_run_advance``): the first ``concurrency``
       items become queued and are sent to the workers once the transaction commits.
    3. Each item's task hands its slot on when it ends (``dispatch_item_run``), so the run
       proceeds ``concurrency`` Pemda at a time until every item has finished.
    """
    pemda_job_get(job)
    if concurrency < 1:
        raise ValueError(f"Concurrency must be at least 1, not {concurrency}.")
    with schema_context(get_public_schema_name()), transaction.atomic():
        active = pemda_list_active()
        if pemda_ids is not None:
            active = active.filter(pk__in=pemda_ids)
        ids = list(active.values_list("pk", flat=True))
        run = DispatchRun.objects.create(job=job, concurrency=concurrency, total=len(ids))
        DispatchItem.objects.bulk_create(DispatchItem(run=run, pemda_id=pk) for pk in ids)
        dispatch_run_advance(run_id=run.pk)
    run.refresh_from_db()  # a run over no Pemda at all is already done
    logger.info(
        "Dispatch run %s of %s: %s Pemda, %s at a time", run.pk, job, run.total, concurrency
    )
    return run


@transaction.atomic
def dispatch_run_advance(*, run_id: int) -> list[int]:
    """Fill the run's free slots with pending items, or mark the run done; the ids sent.

    1. Lock the run's row: advances of one run (tasks ending at once, the stale sweep) take
       turns, so the in-flight count each one reads is exact and no slot is filled twice.
    2. Free slots = concurrency − items queued or running. Claim that many pending items
       (compare-and-set pending → queued) and send each after the commit.
    3. With nothing pending and nothing in flight, mark the run done (compare-and-set
       running → done), which happens once however many tasks get here.
    """
    run = DispatchRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status != DispatchRunStatus.RUNNING:
        return []
    items = DispatchItem.objects.filter(run_id=run_id)
    in_flight = items.filter(status__in=DISPATCH_IN_FLIGHT).count()
    free = max(run.concurrency - in_flight, 0)
    pending = list(
        items.filter(status=DispatchItemStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:free]
    )
    now = timezone.now()
    sent = []
    for item_id in pending:
        claimed = items.filter(pk=item_id, status=DispatchItemStatus.PENDING).update(
            status=DispatchItemStatus.QUEUED, queued_at=now
        )
        if claimed == 1:
            sent.append(item_id)
            transaction.on_commit(partial(_item_enqueue, item_id))
    if not pending and not in_flight:
        finished = DispatchRun.objects.filter(pk=run_id, status=DispatchRunStatus.RUNNING).update(
            status=DispatchRunStatus.DONE, finished_at=now
        )
        if finished == 1:
            logger.info("Dispatch run %s of %s done", run_id, run.job)
    return sent


def _item_enqueue(item_id: int) -> None:
    from tenants.tasks import pemda_dispatch_item_task

    # Tasks carry the schema active when they are sent (tenant-schemas-celery); items are
    # public rows, and the job itself switches to its Pemda.
    with schema_context(get_public_schema_name()):
        pemda_dispatch_item_task.delay(item_id)


def dispatch_item_run(*, item_id: int) -> DispatchItem | None:
    """Run one item's job in its Pemda, record the outcome, then hand the slot on.

    1. Claim the item (compare-and-set queued → running); a second delivery of the same
       message finds it claimed and does nothing (returns None).
    2. Unless the Pemda has left the active state since the run started, run the job inside
       the Pemda's schema, time zone and one transaction. Every exception, a soft time
       limit included, is caught: this Pemda fails, the others do not notice.
    3. Record ok with the JSON result, or failed with the error's type and message
       (truncated); the run's counters move in the same transaction.
    4. Back in the public schema, advance the run: the next pending item takes the slot,
       or, if this was the last item, the run is marked done.
    """
    connection.set_schema_to_public()
    started = timezone.now()
    claimed = DispatchItem.objects.filter(pk=item_id, status=DispatchItemStatus.QUEUED).update(
        status=DispatchItemStatus.RUNNING, started_at=started
    )
    if claimed != 1:
        return None
    item = DispatchItem.objects.select_related("run", "pemda").get(pk=item_id)
    result, error = None, ""
    try:
        result = _job_call(item.run.job, item.pemda)
    except Exception as exc:
        logger.exception("Dispatch run %s: %s failed for %s", item.run_id, item.run.job, item.pemda)
        error = _error_text(exc)
    _item_finish(item, result=result, error=error)
    dispatch_run_advance(run_id=item.run_id)
    return item


def _job_call(job: str, pemda: Pemda) -> Any:
    fn = pemda_job_get(job)
    if pemda.status != PemdaStatus.ACTIVE:
        raise RuntimeError(f"{pemda} is {pemda.status}, no longer active.")
    with pemda, timezone.override(pemda.time_zone), transaction.atomic():
        result = fn(pemda)
    # Round-trip now, so an unserialisable or oversized result fails this item only.
    encoded = json.dumps(result, cls=DjangoJSONEncoder)
    if len(encoded.encode()) > MAX_RESULT_BYTES:
        raise ValueError(f"The result has {len(encoded)} characters; at most {MAX_RESULT_BYTES}.")
    return json.loads(encoded)


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return text


@transaction.atomic
def _item_finish(item: DispatchItem, *, result: Any, error: str) -> bool:
    """Record a running item's outcome (compare-and-set running → ok | failed) and count it."""
    status = DispatchItemStatus.FAILED if error else DispatchItemStatus.OK
    item.status, item.result, item.error = status, result, error
    item.finished_at = timezone.now()
    recorded = DispatchItem.objects.filter(pk=item.pk, status=DispatchItemStatus.RUNNING).update(
        status=status, result=result, error=error, finished_at=item.finished_at
    )
    if recorded != 1:
        return False  # the stale sweep gave up on it meanwhile; its verdict stands
    counter = "failed_count" if error else "ok_count"
    DispatchRun.objects.filter(pk=item.run_id).update(**{counter: F(counter) + 1})
    return True


def dispatch_stale_recover(*, now=None) -> list[int]:
    """Periodic (beat): repair runs whose workers or messages were lost; the run ids touched.

    1. An item running for longer than STALE_RUNNING lost its worker (hard time limit, a
       killed process): record it as failed.
    2. An item queued for longer than STALE_QUEUED lost its message: send it again.
    3. Advance every unfinished run, which fills slots that a lost task never handed on and
       marks done the runs whose last item was given up above.
    """
    now = now or timezone.now()
    connection.set_schema_to_public()
    stale_running = DispatchItem.objects.filter(
        status=DispatchItemStatus.RUNNING, started_at__lt=now - STALE_RUNNING
    )
    for item in stale_running:
        given_up = _error_text(TimeoutError("The worker was lost while running this job."))
        if _item_finish(item, result=None, error=given_up):
            logger.warning("Dispatch run %s: gave up on %s (worker lost)", item.run_id, item.pk)
    stale_queued = DispatchItem.objects.filter(
        status=DispatchItemStatus.QUEUED, queued_at__lt=now - STALE_QUEUED
    ).values_list("pk", "queued_at")
    for item_id, queued_at in stale_queued:
        resent = DispatchItem.objects.filter(
            pk=item_id, status=DispatchItemStatus.QUEUED, queued_at=queued_at
        ).update(queued_at=now)
        if resent == 1:
            transaction.on_commit(partial(_item_enqueue, item_id))
    runs = list(
        DispatchRun.objects.filter(status=DispatchRunStatus.RUNNING).values_list("pk", flat=True)
    )
    for run_id in runs:
        dispatch_run_advance(run_id=run_id)
    return runs
