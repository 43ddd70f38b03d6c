"""``kill -9`` of a real Celery worker in the middle of provisioning a Pemda.

Before: the Pemda stayed ``provisioning`` for 30 minutes, the task's message was never
delivered again (kombu's SQLAlchemy transport hides a message once it is handed out) and
re-running ``provision_pemda`` printed success. Now the claim carries a lease that dies with
the worker's database session, and a worker that starts hands such a Pemda back at once.
A provisioning that kills its process every time is not retried for ever: the third death
fails the Pemda with the reason (the sweep itself: tests/hardening/test_sweep.py).

The worker is a real ``celery -A saas_platform worker`` process on the test database, with
the broker derived from it as in production (the database itself). What it reads must be
committed, so, like tests/tenants/test_dispatch.py, these tests have no ``django_db`` mark
(they run after the database tests) and remove the Pemda they made.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.accounts.models import User
from saas_platform.broker import database_broker_url
from saas_platform.celery import app as celery_app
from tenants.lifecycle import PROVISION_INTERRUPTIONS_MAX, PemdaStatus
from tenants.models import Domain, Pemda
from tenants.services import pemda_provisioning_abandoned, pemda_request
from tenants.tasks import pemda_provision_task

BASE_DIR = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def database_url(db: dict) -> str:
    """``DATABASE_URL`` for a Django database settings dict (a socket directory as host too)."""
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def process_environment() -> dict:
    """The production settings on the test database; the broker derived from it."""
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="saas_platform.settings",
        SECRET_KEY="sinergi-tests-only",
        DEBUG="0",
        DATABASE_URL=database_url(connection.settings_dict),
        LOG_LEVEL="WARNING",
    )
    return env


def worker_start(name: str, log: Path) -> subprocess.Popen:
    """A real worker as `make demo` runs it (prefork pool), here with one pool process."""
    return subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "saas_platform",
            "worker",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=process_environment(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def worker_stop(worker: subprocess.Popen) -> None:
    """Kill (a warm shutdown of a worker on the database broker takes about 6 s)."""
    if worker.poll() is None:
        worker.kill()
    worker.wait(timeout=10)


def workers_stop(*workers: subprocess.Popen | None, log: Path) -> None:
    """Kill the workers, close this process's broker connections, and wait until no session
    is left on the test database (it is dropped at the end of the run)."""
    for worker in workers:
        if worker is not None:
            worker_stop(worker)
    broker_engines_dispose()
    wait_for(lambda: other_sessions() == 0, 10, "the workers' sessions end", log)


@contextmanager
def sends_to_the_database_broker():
    """Tasks sent from this process go to the test database's broker, where real workers
    listen (the test settings' broker is in memory), and back afterwards."""
    from kombu import pools

    from saas_platform.celery import app

    def fresh_pools():
        # kombu keeps producer pools per broker in a registry of its own: one an earlier
        # test closed would refuse every send ("Acquire on closed pool").
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = database_broker_url(connection.settings_dict)
    fresh_pools()  # the next send connects to the database broker
    try:
        yield
    finally:
        fresh_pools()
        app.conf.broker_url = previous
        broker_engines_dispose()


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def broker_engines_dispose() -> None:
    """Close the connections kombu's SQLAlchemy transport keeps open in this process (a
    class-level engine cache), so that the test database can be dropped at the end."""
    from kombu.transport.sqlalchemy import Channel

    for engine, _session in Channel._engines.values():
        engine.dispose()
    Channel._engines.clear()


@contextmanager
def domain_inserts_blocked():
    """Hold a lock that stops provisioning at its last step (attaching the domain), so that
    the worker can be killed mid-way: schema cloned, admin created, nothing committed."""
    blocker = psycopg2.connect(**connection.get_connection_params())
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE public.tenants_domain IN SHARE MODE")
        yield blocker
    finally:
        blocker.close()


def wait_for(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, left(query, 120) "
            "FROM pg_stat_activity WHERE datname = current_database()"
        )
        sessions = "\n".join(map(str, cursor.fetchall()))
    pytest.fail(
        f"not within {timeout} s: {what}\n--- sessions ---\n{sessions}\n"
        f"--- worker log ---\n{log.read_text()}"
    )


def provisioning_waits_on_the_domain_table() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE '%%\"tenants_domain\"%%'"
        )
        return cursor.fetchone()[0] == 1


def status(pemda: Pemda) -> str:
    return Pemda.objects.values_list("status", flat=True).get(pk=pemda.pk)


@pytest.fixture
def mataram(django_db_setup, django_db_blocker):
    """Kota Mataram asked for (committed), and removed with its schema afterwards."""
    with django_db_blocker.unblock():
        pemda = pemda_request(
            region_code="52.71", template_name="jabar", admin_password="sandi-mataram-321"
        )
        try:
            yield pemda
        finally:
            connection.set_schema_to_public()
            pemda.refresh_from_db()
            pemda.delete(force_drop=True)
            assert not schema_exists(pemda.schema_name)


def test_a_pemda_ends_active_after_kill_9_of_the_worker_provisioning_it(mataram, tmp_path):
    log = tmp_path / "workers.log"
    broker = database_broker_url(connection.settings_dict)
    first = worker_start("first", log)
    second = None
    try:
        with domain_inserts_blocked() as blocker:
            with celery_app.connection_for_write(broker) as broker_connection:
                pemda_provision_task.apply_async((mataram.pk,), connection=broker_connection)
            wait_for(provisioning_waits_on_the_domain_table, 60, "the worker provisions", log)
            assert status(mataram) == PemdaStatus.PROVISIONING
            assert pemda_provisioning_abandoned() == []  # the worker holds the lease

            first.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            assert first.wait(timeout=10) == -signal.SIGKILL
            blocker.commit()  # the lock goes; the dead worker's session ends on its own

        # Stranded as before: still 'provisioning', its message never comes back. But its
        # lease is gone with its session, so the next worker to start takes it over.
        wait_for(lambda: pemda_provisioning_abandoned() == [mataram.pk], 10, "lease gone", log)
        assert status(mataram) == PemdaStatus.PROVISIONING
        second = worker_start("second", log)
        wait_for(lambda: status(mataram) == PemdaStatus.ACTIVE, 60, "Pemda active", log)
        recovered_in = time.monotonic() - killed_at
    finally:
        workers_stop(first, second, log=log)

    print(f"kill -9 to active: {recovered_in:.1f} s")
    assert recovered_in < 60
    assert "Provisioning Kota Mataram was interrupted (its process died)" in log.read_text()
    mataram.refresh_from_db()
    assert mataram.error == ""
    assert Domain.objects.get(tenant=mataram).domain == "mataram.localhost"
    with mataram:
        assert User.objects.get(username="admin").check_password("sandi-mataram-321")


def _pool_child(worker) -> int:
    """The pid of the worker's one pool process (prefork, --concurrency 1); the pool may
    fork it from any thread of the main process, so every thread's children are read."""
    children = [
        pid
        for thread in Path(f"/proc/{worker.pid}/task").iterdir()
        for pid in (thread / "children").read_text().split()
    ]
    assert len(children) == 1, children
    return int(children[0])


def test_a_provisioning_that_kills_its_pool_process_every_time_ends_failed(mataram, tmp_path):
    """The OOM killer takes the pool process in the middle of every attempt. The worker's
    retries (and the sweep at its start) take the Pemda over after each death; the third
    death fails it, with the reason, and nothing hands it to a worker again."""
    log = tmp_path / "workers.log"
    broker = database_broker_url(connection.settings_dict)
    worker = worker_start("only", log)
    started = time.monotonic()
    try:
        with domain_inserts_blocked():
            with celery_app.connection_for_write(broker) as broker_connection:
                pemda_provision_task.apply_async((mataram.pk,), connection=broker_connection)
            for attempt in range(PROVISION_INTERRUPTIONS_MAX):
                wait_for(provisioning_waits_on_the_domain_table, 60, f"attempt {attempt}", log)
                os.kill(_pool_child(worker), signal.SIGKILL)
                wait_for(
                    lambda: not provisioning_waits_on_the_domain_table(), 10, "lease gone", log
                )
            # Still blocked: a run that provisioned would wait here, not end failed.
            wait_for(lambda: status(mataram) == PemdaStatus.FAILED, 60, "Pemda failed", log)
            assert not provisioning_waits_on_the_domain_table()
        given_up_in = time.monotonic() - started
        assert pemda_provisioning_abandoned() == []  # nothing for the sweep to hand back
    finally:
        workers_stop(worker, log=log)

    print(f"three deaths to failed: {given_up_in:.1f} s")
    mataram.refresh_from_db()
    assert mataram.provision_interruptions == PROVISION_INTERRUPTIONS_MAX
    assert "3" in mataram.error and "provision_pemda" in mataram.error
    assert "was interrupted 3 times (its process died each time)" in log.read_text()


@pytest.mark.django_db  # also makes a run of this module alone set up the test database
def test_the_worker_is_given_the_test_database_and_a_broker_in_it():
    import dj_database_url

    env = process_environment()
    parsed = dj_database_url.parse(env["DATABASE_URL"])
    db = connection.settings_dict
    assert parsed["NAME"] == db["NAME"] and parsed["NAME"].startswith("test_")
    assert (parsed["HOST"], str(parsed["PORT"])) == (db["HOST"], str(db["PORT"]))
    assert "CELERY_BROKER_URL" not in env  # derived from DATABASE_URL by the settings
    assert database_broker_url(parsed) == database_broker_url(db)
