"""`make demo`: the .env it writes, and a start-up that ends with the banner."""

import os
import signal
import socket
import sys
import textwrap

import pytest

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
import pathlib, sys, time
print("worker start-up noise", flush=True)
time.sleep(0.5)
pathlib.Path(sys.argv[sys.argv.index("--pidfile") + 1]).write_text("1")
time.sleep(4)
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
time.sleep(4)
"""


def test_the_banner_is_printed_last_once_worker_and_web_server_are_up(monkeypatch, tmp_path, capfd):
    spawned = []

    def fake_spawn(command):
        spawned.append(command)
        script = WORKER if command[0] == "celery" else WEB
        return devstack.subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), *command[1:]]
        )

    monkeypatch.setattr(devstack, "_spawn", fake_spawn)
    monkeypatch.setattr(devstack, "PIDFILE", tmp_path / "demo.pid")
    monkeypatch.setattr(devstack, "WORKER_PIDFILE", tmp_path / "worker.pid")
    monkeypatch.setattr(devstack, "_db_stop", lambda: None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        assert devstack._serve("127.0.0.1", port) == 0  # ends when the fake children exit
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])

    output = capfd.readouterr().out
    banner = output.index("Sinergi is running")
    assert output.index("worker start-up noise") < banner
    assert output.index("web start-up noise") < banner
    assert output.rstrip().endswith("=" * 72)
    worker, web = spawned
    assert "--quiet" in worker
    access_log = web[web.index("--access-logfile") + 1]
    assert access_log == str(devstack.RUN_DIR / "access.log")
    assert web[web.index("--log-level") + 1] == "warning"
