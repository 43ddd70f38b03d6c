"""The provisioning sweep: what it hands back to a worker, and when it stops.

Two faults it covers (issue 7). A provisioning that kills its process every time (a
migration that segfaults or runs out of memory) used to be handed back every minute for
ever; now the third death fails the Pemda with the reason, until a person asks again. A
sign-up whose message was lost used to stay 'requested' for ever; now it is handed over
again after a grace period, and a message that was only late does no harm: the lease lets
one run work at a time.

The ``django_db`` tests die in-process: ``ProcessDied`` escapes the service as a killed
process would, leaving the claim committed and the lease released (the real ``kill -9``
is in tests/hardening/test_worker_crash.py). The tests at the end run real workers on
committed data, like that module, and so have no ``django_db`` mark.
"""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from core.accounts.models import User
from saas_platform.broker import database_broker_url
from saas_platform.celery import app as celery_app
from tenants import services
from tenants.lifecycle import PROVISION_INTERRUPTIONS_MAX, PemdaStatus
from tenants.models import Domain, Pemda
from tenants.services import pemda_provision, pemda_provision_sweep, pemda_request
from tenants.tasks import pemda_provision_task
from tests.hardening.test_worker_crash import (
    broker_engines_dispose,
    domain_inserts_blocked,
    other_sessions,
    provisioning_waits_on_the_domain_table,
    wait_for,
    worker_start,
    worker_stop,
)
from tests.tenants.conftest import superuser_client  # noqa: F401
from tests.tenants.test_provisioning import _provisioning_elsewhere

GRACE = timedelta(seconds=120)  # the default PROVISION_REQUESTED_GRACE_SECONDS


class ProcessDied(BaseException):
    """What the service sees of its process being killed: nothing after this runs."""


def _request(code="33.15", slug="grobogan", **kwargs) -> Pemda:
    return pemda_request(region_code=code, template_name="jabar", slug=slug, **kwargs)


def _aged(pemda: Pemda, by: timedelta) -> Pemda:
    """As if it had been asked for ``by`` ago (and its message sent then)."""
    Pemda.objects.filter(pk=pemda.pk).update(created_at=timezone.now() - by)
    return pemda


def _dying_provisioning(monkeypatch) -> list[int]:
    """Every provisioning run from now on dies half-way; returns the runs' Pemda ids."""
    runs = []

    def dies(pemda):
        runs.append(pemda.pk)
        raise ProcessDied

    monkeypatch.setattr(services, "_identity_apply", dies)
    return runs


def _worker_runs(pemda_id: int) -> Pemda:
    """One worker's run of ``pemda_provision_task`` for the Pemda; its death is swallowed."""
    try:
        return pemda_provision(pemda_id=pemda_id)
    except ProcessDied:
        return Pemda.objects.get(pk=pemda_id)


# --- A provisioning that kills its process every time ----------------------------------------


@pytest.mark.django_db
def test_a_provisioning_that_dies_every_time_is_failed_after_three_attempts_not_swept_again(
    monkeypatch, english
):
    runs = _dying_provisioning(monkeypatch)
    pemda = _request(admin_password="sandi-grobogan-1")
    assert _worker_runs(pemda.pk).status == PemdaStatus.PROVISIONING  # died

    for _ in range(PROVISION_INTERRUPTIONS_MAX):
        assert pemda_provision_sweep() == [pemda.pk]
        pemda = _worker_runs(pemda.pk)

    assert len(runs) == PROVISION_INTERRUPTIONS_MAX  # the last takeover did not run it
    assert pemda.status == PemdaStatus.FAILED
    assert pemda.provision_interruptions == PROVISION_INTERRUPTIONS_MAX
    assert pemda.error.startswith("Provisioning was interrupted 3 times: its process died")
    assert "run provision_pemda again" in pemda.error
    assert pemda_provision_sweep() == []  # never handed back again
    assert _worker_runs(pemda.pk).status == PemdaStatus.FAILED  # nor run by a late message
    assert len(runs) == PROVISION_INTERRUPTIONS_MAX
    assert not schema_exists("grobogan")


@pytest.mark.django_db
def test_the_first_interruptions_are_retried_and_said_so(monkeypatch, english):
    _dying_provisioning(monkeypatch)
    pemda = _request()
    _worker_runs(pemda.pk)
    monkeypatch.undo()  # the cause is gone before the next run

    sent = []
    monkeypatch.setattr(pemda_provision_task, "delay", sent.append)
    from tenants.tasks import pemda_provision_stale_retry

    assert pemda_provision_stale_retry.run() == [pemda.pk]
    assert sent == [pemda.pk]
    pemda = pemda_provision(pemda_id=pemda.pk)

    assert pemda.status == PemdaStatus.ACTIVE
    assert pemda.provision_interruptions == 1  # what happened on the way stays visible
    assert pemda.error == ""


@pytest.mark.django_db
def test_a_person_asking_again_starts_the_count_again(monkeypatch, english, capsys):
    runs = _dying_provisioning(monkeypatch)
    pemda = _request(admin_password="sandi-grobogan-1")
    for _ in range(PROVISION_INTERRUPTIONS_MAX + 1):
        pemda = _worker_runs(pemda.pk)
    assert pemda.status == PemdaStatus.FAILED and len(runs) == PROVISION_INTERRUPTIONS_MAX

    # Still broken: the person's run is tried (not refused), and the count starts afresh.
    with pytest.raises(ProcessDied):
        pemda_provision(pemda_id=pemda.pk, restart=True)
    assert len(runs) == PROVISION_INTERRUPTIONS_MAX + 1
    assert Pemda.objects.get(pk=pemda.pk).provision_interruptions == 0
    assert _worker_runs(pemda.pk).status == PemdaStatus.PROVISIONING  # a worker retries: 1
    assert Pemda.objects.get(pk=pemda.pk).provision_interruptions == 1

    monkeypatch.undo()  # fixed; the command is the person's retry
    call_command(
        "provision_pemda", "--code", "33.15", "--template", "jabar",
        "--admin-password", "sandi-grobogan-1",
    )  # fmt: skip

    assert "active at http://grobogan.localhost" in capsys.readouterr().out
    pemda.refresh_from_db()
    assert (pemda.status, pemda.provision_interruptions, pemda.error) == ("active", 0, "")


@pytest.mark.django_db
def test_a_person_asking_in_the_background_starts_the_count_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    _dying_provisioning(monkeypatch)
    pemda = _request(admin_password="sandi-grobogan-1")
    for _ in range(PROVISION_INTERRUPTIONS_MAX + 1):
        _worker_runs(pemda.pk)
    sent = []
    monkeypatch.setattr(pemda_provision_task, "delay", lambda *a, **kw: sent.append((a, kw)))

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "provision_pemda", "--code", "33.15", "--template", "jabar",
            "--admin-password", "sandi-grobogan-1", "--async",
        )  # fmt: skip

    assert sent == [((pemda.pk,), {"restart": True})]


@contextmanager
def _task_run(*, retries: int):
    """The task's body as a worker runs it, ``retries`` retries in (``apply`` is not used:
    it would fix the app's result backend for the session's later tests)."""
    pemda_provision_task.push_request(retries=retries)
    try:
        yield pemda_provision_task.run
    finally:
        pemda_provision_task.pop_request()


@pytest.mark.django_db
def test_a_worker_does_not_retry_a_pemda_that_gave_up(monkeypatch):
    _dying_provisioning(monkeypatch)
    pemda = _request()
    for _ in range(PROVISION_INTERRUPTIONS_MAX + 1):
        _worker_runs(pemda.pk)

    with _task_run(retries=0) as run:
        assert run(pemda.pk) == PemdaStatus.FAILED  # returned: no Retry raised


@pytest.mark.django_db
def test_only_the_first_run_of_a_persons_request_restarts_the_count_not_its_retries(
    monkeypatch,
):
    monkeypatch.setattr(services, "_identity_apply", lambda pemda: 1 / 0)  # fails, lives
    pemda = _request()
    restarts = []
    provision = services.pemda_provision

    def spy(**kwargs):
        restarts.append(kwargs["restart"])
        return provision(**kwargs)

    monkeypatch.setattr("tenants.tasks.pemda_provision", spy)

    for retries in (0, 1, 2):
        with _task_run(retries=retries) as run, pytest.raises(Retry):
            run(pemda.pk, restart=True)

    assert restarts == [True, False, False]


@pytest.mark.django_db
def test_the_platform_staff_see_why_a_pemda_gave_up(monkeypatch, english, superuser_client):  # noqa: F811
    _dying_provisioning(monkeypatch)
    pemda = _request()
    for _ in range(PROVISION_INTERRUPTIONS_MAX + 1):
        _worker_runs(pemda.pk)

    page = superuser_client.get(f"/admin/tenants/pemda/{pemda.pk}/change/").content.decode()

    assert "Provisioning was interrupted 3 times: its process died each time" in page


# --- A sign-up whose message was lost -------------------------------------------------------


@pytest.mark.django_db
def test_a_pemda_requested_longer_than_the_grace_period_is_handed_to_a_worker_again():
    lost = _aged(_request(), GRACE + timedelta(seconds=1))
    _request(code="64.72", slug="samarinda")  # asked for just now: its message is on its way
    _aged(_request(code="52.71", slug="mataram"), GRACE - timedelta(seconds=5))

    assert pemda_provision_sweep() == [lost.pk]
    assert pemda_provision(pemda_id=lost.pk).status == PemdaStatus.ACTIVE
    assert pemda_provision_sweep() == []


@pytest.mark.django_db
def test_a_requested_pemda_is_handed_over_again_only_once_per_grace_period():
    # Workers busy for minutes (a queue of sign-ups): one more message per grace period,
    # not one a minute.
    late = _aged(_request(), GRACE * 3)
    assert pemda_provision_sweep() == [late.pk]
    assert pemda_provision_sweep() == []

    Pemda.objects.filter(pk=late.pk).update(provision_swept_at=timezone.now() - GRACE)
    assert pemda_provision_sweep() == [late.pk]


@pytest.mark.django_db
def test_the_grace_period_is_a_setting(settings):
    settings.PROVISION_REQUESTED_GRACE_SECONDS = 10
    pemda = _aged(_request(), timedelta(seconds=11))
    assert pemda_provision_sweep() == [pemda.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [PemdaStatus.FAILED, PemdaStatus.ACTIVE, PemdaStatus.SUSPENDED, PemdaStatus.ARCHIVED],
)
def test_only_requested_and_abandoned_provisioning_pemda_are_swept(status):
    pemda = _aged(_request(), GRACE * 10)
    Pemda.objects.filter(pk=pemda.pk).update(status=status)
    assert pemda_provision_sweep() == []


@pytest.mark.django_db
def test_a_requested_pemda_being_provisioned_is_neither_swept_nor_provisioned_twice():
    # A run holds the lease (and has not claimed the row yet): the sweep leaves it alone,
    # and a second message's run does nothing.
    pemda = _aged(_request(), GRACE * 2)

    with _provisioning_elsewhere(pemda):
        assert pemda_provision_sweep() == []
        assert pemda_provision(pemda_id=pemda.pk).status == PemdaStatus.REQUESTED
    assert not schema_exists("grobogan")
    assert Pemda.objects.get(pk=pemda.pk).provision_swept_at is None  # not marked either


@pytest.mark.django_db
def test_the_sweep_finds_and_marks_its_pemda_in_one_statement(django_assert_num_queries):
    _aged(_request(), GRACE * 2)
    _aged(_request(code="64.72", slug="samarinda"), GRACE * 2)
    abandoned = _request(code="52.71", slug="mataram")
    Pemda.objects.filter(pk=abandoned.pk).update(status=PemdaStatus.PROVISIONING)

    with django_assert_num_queries(1):
        swept = pemda_provision_sweep()

    assert len(swept) == 3


# --- Real workers ---------------------------------------------------------------------------


@pytest.fixture
def bontang(django_db_setup, django_db_blocker):
    """Kota Bontang asked for three minutes ago (committed), removed with its schema after."""
    with django_db_blocker.unblock():
        pemda = _aged(
            _request(code="64.74", slug="bontang", admin_password="sandi-bontang-321"),
            GRACE + timedelta(minutes=1),
        )
        try:
            yield pemda
        finally:
            connection.set_schema_to_public()
            pemda.refresh_from_db()
            pemda.delete(force_drop=True)
            assert not schema_exists(pemda.schema_name)


def _sessions_end(log):
    broker_engines_dispose()
    # The test database is dropped at the end of the run: no session may be left on it.
    wait_for(lambda: other_sessions() == 0, 10, "the workers' sessions end", log)


def _status(pemda: Pemda) -> str:
    return Pemda.objects.values_list("status", flat=True).get(pk=pemda.pk)


def _provision_results(log) -> list[str]:
    """The worker log's lines for provisioning runs that ended (with their status)."""
    return [
        line
        for line in log.read_text().splitlines()
        if "tenants.tasks.pemda_provision_task[" in line and " succeeded in " in line
    ]


def test_a_sign_up_whose_message_was_lost_is_provisioned_once_a_worker_starts(bontang, tmp_path):
    # Its message was never sent (lost): the sweep of a starting worker hands it over.
    log = tmp_path / "workers.log"
    worker = worker_start("only", log)
    started = time.monotonic()
    try:
        wait_for(lambda: _status(bontang) == PemdaStatus.ACTIVE, 60, "Pemda active", log)
        active_in = time.monotonic() - started
    finally:
        worker_stop(worker)
        _sessions_end(log)
    print(f"worker start to active: {active_in:.1f} s")
    assert Domain.objects.get(tenant=bontang).domain == "bontang.localhost"


def test_a_late_message_and_the_sweeps_one_never_provision_a_pemda_twice_at_once(bontang, tmp_path):
    """Its message was only late: the sweep sent another, and two workers run both at once."""
    log = tmp_path / "workers.log"
    broker = database_broker_url(connection.settings_dict)
    assert pemda_provision_sweep() == [bontang.pk]  # marked: the workers' start sweeps wait
    workers = []
    try:
        with domain_inserts_blocked() as blocker:
            with celery_app.connection_for_write(broker) as broker_connection:
                for _message in ("the late one", "the sweep's"):
                    pemda_provision_task.apply_async((bontang.pk,), connection=broker_connection)
            workers = [worker_start("first", log), worker_start("second", log)]

            wait_for(provisioning_waits_on_the_domain_table, 60, "one run provisions", log)
            wait_for(lambda: len(_provision_results(log)) == 1, 60, "the other run ends", log)
            # The second run ended while the first still holds the lease half-way.
            assert provisioning_waits_on_the_domain_table()
            assert _status(bontang) == PemdaStatus.PROVISIONING
            blocker.commit()

        wait_for(lambda: _status(bontang) == PemdaStatus.ACTIVE, 60, "Pemda active", log)
        wait_for(lambda: len(_provision_results(log)) == 2, 30, "both runs end", log)
    finally:
        for worker in workers:
            worker_stop(worker)
        _sessions_end(log)

    results = _provision_results(log)
    assert len(results) == 2, results
    assert sum(line.endswith("'active'") for line in results) == 1, results
    assert Domain.objects.filter(tenant=bontang).count() == 1
    with bontang:
        assert User.objects.get(username="admin").check_password("sandi-bontang-321")
