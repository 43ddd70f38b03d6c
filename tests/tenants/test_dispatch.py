"""The per-Pemda dispatcher runs a registered job for every active Pemda on real workers.

Two kinds of tests. Those marked ``django_db`` call the services in a rolled-back
transaction (what is written, what is sent). Those using ``committed`` run a real Celery
worker thread: the worker has its own connection, so what it reads must be committed.
They do not use ``django_db(transaction=True)``: its teardown flushes every public table,
the session's Pemda, domains and regions included (checked). ``committed`` deletes only the
runs its test started, and ``makassar`` (a third active Pemda) drops its own schema. Having
no ``django_db`` mark, pytest-django runs the worker tests after every database test of the
session, so no other test ever sees the third Pemda.
"""

import logging
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from core.accounts.models import User
from core.config.models import PolicySetting
from tenants.dispatch import (
    MAX_ERROR_CHARS,
    STALE_RUNNING,
    UnknownPemdaJob,
    dispatch_item_run,
    dispatch_run_advance,
    dispatch_stale_recover,
    pemda_dispatch,
    pemda_job,
)
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
from tenants.services import pemda_provision, pemda_request
from tenants.tasks import pemda_dispatch_task
from tests.test_celery import celery_worker  # noqa: F401

# --- Jobs (registered as a module's jobs.py would) ----------------------------------------

in_flight_seen: list[int] = []


@pemda_job("test.whoami")
def whoami(pemda):
    return {
        "schema": connection.schema_name,
        "slug": PolicySetting.objects.get(key="pemda.slug").value,
        "users": User.objects.count(),
        "time_zone": timezone.get_current_timezone_name(),
    }


@pemda_job("test.jambi_breaks")
def jambi_breaks(pemda):
    if pemda.slug == "kota-jambi":
        raise RuntimeError("Jambi's data is broken " + "x" * 5000)
    return pemda.slug


@pemda_job("test.in_flight")
def in_flight(pemda):
    """Count the run's items holding a slot (queued or running) while this one runs."""
    mine = DispatchItem.objects.get(
        pemda=pemda, run__job="test.in_flight", status=DispatchItemStatus.RUNNING
    )
    count = DispatchItem.objects.filter(run=mine.run_id, status__in=DISPATCH_IN_FLIGHT).count()
    in_flight_seen.append(count)
    return count


@pemda_job("test.unserialisable")
def unserialisable(pemda):
    return {"pemda": pemda}


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_blocker):
    """Autocommit database access, so the worker thread sees what the test writes."""
    with django_db_blocker.unblock():
        before = DispatchRun.objects.aggregate(last=Max("pk"))["last"] or 0
        yield
        connection.set_schema_to_public()
        DispatchRun.objects.filter(pk__gt=before).delete()


@pytest.fixture(scope="module")
def makassar(django_db_setup, django_db_blocker):
    """A third active Pemda (in another time zone), committed for this module only."""
    with django_db_blocker.unblock():
        request = pemda_request(
            region_code="73.71",
            template_name="surabaya",
            slug="makassar",
            admin_password="sandi-makassar-789",
        )
        pemda = pemda_provision(pemda_id=request.pk)
        try:
            assert pemda.status == PemdaStatus.ACTIVE, pemda.error
            yield pemda
        finally:
            connection.set_schema_to_public()
            pemda.delete(force_drop=True)


# Tests that run a real worker over three committed, active Pemda.
on_worker = pytest.mark.usefixtures("committed", "makassar", "celery_worker")


def _active_slugs() -> set[str]:
    return set(pemda_list_active().values_list("slug", flat=True))


def _finished(run: DispatchRun, timeout: float = 20) -> DispatchRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == DispatchRunStatus.DONE:
            return run
        time.sleep(0.05)
    pytest.fail(f"{run} is still running: {list(run.items.values_list('status', flat=True))}")


def _items_by_slug(run: DispatchRun) -> dict[str, DispatchItem]:
    return {item.pemda.slug: item for item in run.items.select_related("pemda")}


# --- On the workers ------------------------------------------------------------------------


@on_worker
def test_every_active_pemda_runs_the_job_in_its_own_schema_and_time_zone(caplog):
    caplog.set_level(logging.INFO, logger="tenants.dispatch")

    run = _finished(pemda_dispatch(job="test.whoami", concurrency=3))

    items = _items_by_slug(run)
    assert set(items) == _active_slugs() >= {"surabaya", "kota-jambi", "makassar"}
    for item in items.values():
        with item.pemda:
            users = User.objects.count()
        assert item.status == DispatchItemStatus.OK, item.error
        assert item.result == {
            "schema": item.pemda.schema_name,
            "slug": item.pemda.slug,
            "users": users,
            "time_zone": item.pemda.time_zone,
        }
        assert item.started_at <= item.finished_at <= run.finished_at
    assert items["makassar"].result["time_zone"] == "Asia/Makassar"
    assert items["surabaya"].result["users"] != items["makassar"].result["users"]
    assert (run.total, run.ok_count, run.failed_count) == (len(items), len(items), 0)
    done = [
        r for r in caplog.records if r.getMessage() == f"Dispatch run {run.pk} of test.whoami done"
    ]
    assert len(done) == 1


@on_worker
def test_one_pemdas_exception_is_recorded_and_the_others_still_run():
    # One at a time, Jambi (province 15) first: its failure must hand the slot on.
    run = _finished(pemda_dispatch(job="test.jambi_breaks", concurrency=1))

    items = _items_by_slug(run)
    assert run.items.order_by("pk").first().pemda.slug == "kota-jambi"
    jambi = items.pop("kota-jambi")
    assert jambi.status == DispatchItemStatus.FAILED
    assert jambi.error.startswith("RuntimeError: Jambi's data is broken xxx")
    assert len(jambi.error) == MAX_ERROR_CHARS
    assert jambi.result is None and jambi.finished_at is not None
    assert {slug: (item.status, item.result) for slug, item in items.items()} == {
        slug: (DispatchItemStatus.OK, slug) for slug in items
    }
    assert (run.ok_count, run.failed_count) == (len(items), 1)


@on_worker
def test_never_more_than_concurrency_pemda_are_in_flight():
    in_flight_seen.clear()

    run = _finished(pemda_dispatch(job="test.in_flight", concurrency=2))

    assert run.total >= 3  # more Pemda than slots, so the chain had to hand slots on
    assert len(in_flight_seen) == run.total == run.ok_count
    # Two at once as soon as the run starts, never three; the last Pemda runs alone.
    assert max(in_flight_seen) == 2
    assert in_flight_seen[-1] == 1


@on_worker
def test_the_command_enqueues_a_run_and_prints_every_pemdas_outcome(capsys):
    with pytest.raises(CommandError, match="1 of 3 Pemda failed"):
        call_command(
            "dispatch_pemda",
            "test.jambi_breaks",
            "--concurrency=2",
            "--pemda=kota-jambi",
            "--pemda=surabaya",
            "--pemda=makassar",
            "--wait",
            "--timeout=20",
        )

    lines = capsys.readouterr().out.splitlines()
    run = DispatchRun.objects.get(job="test.jambi_breaks", status=DispatchRunStatus.DONE)
    assert lines[0] == f"Dispatch run {run.pk}: test.jambi_breaks for 3 Pemda, 2 at a time."
    assert lines[1].startswith("kota-jambi: failed RuntimeError: Jambi's data is broken")
    assert lines[2:] == ['makassar: ok "makassar"', 'surabaya: ok "surabaya"']


@on_worker
def test_the_command_without_wait_prints_the_run_id_and_returns(capsys):
    call_command("dispatch_pemda", "test.whoami", "--pemda=surabaya")

    run = DispatchRun.objects.get(job="test.whoami")
    assert capsys.readouterr().out == (
        f"Dispatch run {run.pk}: test.whoami for 1 Pemda, 4 at a time.\n"
    )
    assert _finished(run).ok_count == 1


@on_worker
def test_beat_starts_a_run_through_a_task():
    run_id = pemda_dispatch_task.delay("test.whoami", 2).get(timeout=20)

    run = _finished(DispatchRun.objects.get(pk=run_id))
    assert (run.job, run.concurrency, run.ok_count) == ("test.whoami", 2, run.total)
    assert run.total >= 3


# --- The services, in a rolled-back transaction --------------------------------------------


@pytest.mark.django_db
def test_templates_and_pemda_that_are_not_active_are_skipped(surabaya, jambi):
    requested = pemda_request(region_code="33.15", template_name="jabar", slug="grobogan")
    suspended = Pemda.objects.create(
        name="Kota Malang",
        slug="malang",
        schema_name="malang",
        region_id="35.73",
        status=PemdaStatus.SUSPENDED,
    )

    run = pemda_dispatch(job="test.whoami")

    slugs = set(run.items.values_list("pemda__slug", flat=True))
    assert slugs == _active_slugs() >= {"surabaya", "kota-jambi"}
    assert not slugs & {requested.slug, suspended.slug}
    assert not slugs & set(Pemda.objects.filter(is_template=True).values_list("slug", flat=True))
    assert run.total == len(slugs)


@pytest.mark.django_db
def test_only_as_many_pemda_as_the_concurrency_are_sent_at_the_start(
    surabaya, jambi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as sent:
        run = pemda_dispatch(job="test.whoami", concurrency=1)

    statuses = list(run.items.order_by("pk").values_list("status", flat=True))
    assert len(sent) == 1
    assert statuses[0] == DispatchItemStatus.QUEUED
    assert set(statuses[1:]) == {DispatchItemStatus.PENDING}
    assert run.status == DispatchRunStatus.RUNNING


@pytest.mark.django_db
def test_pemda_ids_narrow_the_run_but_never_to_a_template(surabaya, jambi):
    template = Pemda.objects.get(schema_name="tpl_surabaya")

    run = pemda_dispatch(job="test.whoami", pemda_ids=[surabaya.pk, template.pk])

    assert list(run.items.values_list("pemda__slug", flat=True)) == ["surabaya"]


@pytest.mark.django_db
def test_a_run_over_no_pemda_is_done_at_once():
    run = pemda_dispatch(job="test.whoami", pemda_ids=[])

    assert (run.status, run.total) == (DispatchRunStatus.DONE, 0)
    assert run.finished_at is not None


@pytest.mark.django_db
def test_an_unknown_job_is_refused_before_anything_is_written():
    with pytest.raises(UnknownPemdaJob, match="'no.such.job'.*test.whoami"):
        pemda_dispatch(job="no.such.job")
    with pytest.raises(CommandError, match="No per-Pemda job is registered as 'no.such.job'"):
        call_command("dispatch_pemda", "no.such.job")
    assert not DispatchRun.objects.exists()


@pytest.mark.django_db
def test_a_concurrency_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        pemda_dispatch(job="test.whoami", concurrency=0)
    assert not DispatchRun.objects.exists()


def test_a_job_name_cannot_be_taken_by_another_function():
    with pytest.raises(ValueError, match="already registered by .*whoami"):
        pemda_job("test.whoami")(lambda pemda: None)


@pytest.mark.django_db
def test_a_result_that_is_not_json_fails_that_pemda_and_hands_the_slot_on(
    surabaya, jambi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        run = pemda_dispatch(job="test.unserialisable", concurrency=1)
    first = run.items.get(status=DispatchItemStatus.QUEUED)

    with django_capture_on_commit_callbacks() as sent:
        dispatch_item_run(item_id=first.pk)

    first.refresh_from_db()
    assert first.status == DispatchItemStatus.FAILED
    assert first.error.startswith("TypeError: Object of type Pemda is not JSON serializable")
    assert len(sent) == 1  # the next Pemda was sent in its place
    assert run.items.filter(status=DispatchItemStatus.QUEUED).exclude(pk=first.pk).count() == 1
    assert connection.schema_name == "public"


@pytest.mark.django_db
def test_a_second_delivery_of_an_item_does_nothing(
    surabaya, jambi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        run = pemda_dispatch(job="test.whoami", concurrency=1)
    first = run.items.get(status=DispatchItemStatus.QUEUED)
    with django_capture_on_commit_callbacks():
        assert dispatch_item_run(item_id=first.pk).status == DispatchItemStatus.OK

    with django_capture_on_commit_callbacks() as sent:
        assert dispatch_item_run(item_id=first.pk) is None

    assert sent == []
    run.refresh_from_db()
    assert run.ok_count == 1


@pytest.mark.django_db
def test_a_pemda_suspended_after_the_run_started_is_not_run(surabaya, jambi):
    run = pemda_dispatch(job="test.whoami", pemda_ids=[jambi.pk])
    Pemda.objects.filter(pk=jambi.pk).update(status=PemdaStatus.SUSPENDED)

    item = dispatch_item_run(item_id=run.items.get().pk)

    assert item.status == DispatchItemStatus.FAILED
    assert item.error == "RuntimeError: Kota Jambi is suspended, no longer active."
    run.refresh_from_db()
    assert run.status == DispatchRunStatus.DONE


@pytest.mark.django_db
def test_a_finished_run_is_marked_done_only_once(surabaya):
    run = pemda_dispatch(job="test.whoami", pemda_ids=[surabaya.pk])
    dispatch_item_run(item_id=run.items.get().pk)
    run.refresh_from_db()
    finished_at = run.finished_at
    assert run.status == DispatchRunStatus.DONE and finished_at is not None

    assert dispatch_run_advance(run_id=run.pk) == []

    run.refresh_from_db()
    assert run.finished_at == finished_at


@pytest.mark.django_db
def test_the_stale_sweep_gives_up_on_a_lost_worker_and_fills_its_slot(
    surabaya, jambi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        run = pemda_dispatch(job="test.whoami", concurrency=1)
    lost = run.items.get(status=DispatchItemStatus.QUEUED)
    long_ago = timezone.now() - STALE_RUNNING - timedelta(minutes=1)
    DispatchItem.objects.filter(pk=lost.pk).update(
        status=DispatchItemStatus.RUNNING, started_at=long_ago
    )

    with django_capture_on_commit_callbacks() as sent:
        assert run.pk in dispatch_stale_recover()

    lost.refresh_from_db()
    assert lost.status == DispatchItemStatus.FAILED
    assert lost.error == "TimeoutError: The worker was lost while running this job."
    assert len(sent) == 1
    assert run.items.filter(status=DispatchItemStatus.QUEUED).count() == 1
    run.refresh_from_db()
    assert run.failed_count == 1


@pytest.mark.django_db
def test_platform_staff_see_dispatch_runs_but_cannot_change_them(superuser_client, jambi):
    run = DispatchRun.objects.create(job="test.whoami", concurrency=2, total=1, failed_count=1)
    item = DispatchItem.objects.create(
        run=run, pemda=jambi, status=DispatchItemStatus.FAILED, error="RuntimeError: rusak"
    )

    listing = superuser_client.get("/admin/tenants/dispatchrun/").content.decode()
    detail = superuser_client.get(f"/admin/tenants/dispatchrun/{run.pk}/change/").content.decode()
    item_page = superuser_client.get(f"/admin/tenants/dispatchitem/{item.pk}/change/")

    assert "test.whoami" in listing
    assert "Kota Jambi" in detail and "RuntimeError: rusak" in detail
    assert item_page.status_code == 200
    assert superuser_client.get("/admin/tenants/dispatchrun/add/").status_code == 403
    assert (
        superuser_client.post(f"/admin/tenants/dispatchrun/{run.pk}/delete/", {"post": "yes"})
    ).status_code == 403
