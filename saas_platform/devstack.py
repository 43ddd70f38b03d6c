"""``make demo`` / ``make stop``: run the whole product on one machine.

``demo`` writes the demo's settings to ``.env``, migrates, builds the templates, seeds the demo
Pemda, then runs the web server (gunicorn, port 8000) and a Celery worker until Ctrl-C or
``make stop``; on the way out it stops what it started, the embedded database included.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from saas_platform.env import env_file_load, env_file_read, env_file_write

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"
PIDFILE = RUN_DIR / "demo.pid"
WORKER_PIDFILE = RUN_DIR / "worker.pid"
ACCESS_LOG = RUN_DIR / "access.log"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
STEPS = 5
START_TIMEOUT = 90  # seconds for the worker and the web server to come up
# Settings of the environment `make demo` ran in that commands typed later need in order to
# reach the same database and accounts; kept in .env only when set for that run.
PASSED_ON = ("DATABASE_URL", "CELERY_BROKER_URL", "PLATFORM_DOMAIN", "DEMO_PASSWORD")
ENV_FILE_HEADER = """Written by `make demo` (saas_platform/devstack.py) on every run; git-ignored.
The settings read it at start-up, so that commands typed in a plain shell, such as
`.venv/bin/python manage.py …`, use the demo's settings. A variable set in the environment
wins over this file. SECRET_KEY is generated once and kept from run to run."""


def _manage(*args: str) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def _step(number: int, text: str) -> None:
    print(f"[{number}/{STEPS}] {text}", flush=True)


def env_file_path() -> Path | None:
    """The .env the settings read (see settings.ENV_FILE); None when ENV_FILE is empty."""
    path = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    return Path(path) if path else None


def _environment() -> None:
    """Decide the demo's settings, write them to .env and put them in this environment.

    1. Each setting comes from the environment if set there, else the demo's default;
       SECRET_KEY from the environment, else from the .env of an earlier run (so sessions
       survive a restart), else a new random one.
    2. Write them to .env (owner-only: it holds the secret key), replacing the last run's.
    3. Put them in this process's environment, which the web server, the worker and the
       management commands inherit.
    """
    path = env_file_path()
    saved = env_file_read(path) if path else {}
    port = os.environ.get("PORT", "8000")
    values = {
        "DEMO_MODE": os.environ.get("DEMO_MODE", "1"),
        "SECURE_COOKIES": os.environ.get("SECURE_COOKIES", "0"),  # plain http on localhost
        "PLATFORM_PORT": os.environ.get("PLATFORM_PORT", port),  # links in emails
        "SECRET_KEY": (
            os.environ.get("SECRET_KEY") or saved.get("SECRET_KEY") or secrets.token_urlsafe(50)
        ),
    }
    values.update({key: os.environ[key] for key in PASSED_ON if key in os.environ})
    if path:
        env_file_write(path, values, header=ENV_FILE_HEADER)
    for key, value in values.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings")


def _banner(port: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from core.demo.pemda import DEMO_PEMDA
    from core.demo.services import PLATFORM_STAFF_USERNAME

    domain = settings.PLATFORM_DOMAIN
    platform = f"http://{domain}:{port}"
    print("\n" + "=" * 72)
    print(f"Sinergi is running. Platform: {platform}/   Health: /healthz (any host)")
    for item in DEMO_PEMDA:
        print(f"  http://{item.slug}.{domain}:{port}/")
    print(
        f"Log in at any Pemda as 'admin' (or a NIP, e.g. an employee) with password "
        f"'{settings.DEMO_PASSWORD}' (set DEMO_PASSWORD to change it)."
    )
    print("Other demo logins: pimpinan, sekda, kepala.bkpsdmd, atasan, pegawai1..3")
    print(
        f"Platform staff: '{PLATFORM_STAFF_USERNAME}' with the same password at {platform}/ "
        f"(admin: {platform}/admin/)"
    )
    print(f"Requests are logged to {ACCESS_LOG.relative_to(BASE_DIR)}.")
    print("manage.py commands typed in another shell use the demo's settings (from .env).")
    print("Stop with Ctrl-C or `make stop`.")
    print("=" * 72 + "\n", flush=True)


def _spawn(command: list[str]) -> subprocess.Popen:
    program, *args = command
    return subprocess.Popen([str(BIN / program), *args], cwd=BASE_DIR)


def _web_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def demo() -> int:
    try:
        _environment()
    except ImproperlyConfigured as exc:  # a malformed .env: say where, not a traceback
        print(exc, file=sys.stderr)
        return 1
    port = os.environ.get("PORT", "8000")
    # Loopback only: the demo's passwords are public. BIND=0.0.0.0 opens it to the network.
    bind = os.environ.get("BIND", "127.0.0.1")
    RUN_DIR.mkdir(exist_ok=True)
    try:
        _step(1, "Migrating the database (platform, templates and every Pemda) ...")
        _manage("migrate_schemas", "--noinput", "-v", "0")
        _step(2, "Building the template configurations ...")
        _manage("build_templates")
        _step(3, "Seeding the demo Pemda (the first run takes a few minutes) ...")
        _manage("seed_demo", "-v", "2")
        _step(4, "Collecting static files ...")
        _manage("collectstatic", "--noinput", "-v", "0")
    except subprocess.CalledProcessError as exc:
        print(f"make demo: stopped, `{' '.join(exc.cmd[1:])}` failed (see above)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmake demo: interrupted; `make stop` stops the embedded database", file=sys.stderr)
        return 130
    _step(5, "Starting the Celery worker and the web server ...")
    return _serve(bind, port)


def _serve(bind: str, port: str) -> int:
    """Run the worker and the web server until Ctrl-C or `make stop`.

    Both are started quietly (no Celery banner, no gunicorn start-up lines, the access log in
    a file) and the banner is printed only once the worker has started and the web server
    answers its health check, so that it is the last thing on the screen.
    """
    stopping = False

    def _stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    WORKER_PIDFILE.unlink(missing_ok=True)
    worker = [
        "celery", "-A", "saas_platform", "--quiet", "worker", "-l", "warning",
        "--concurrency", "2", "--pidfile", str(WORKER_PIDFILE),
    ]  # fmt: skip
    web = [
        "gunicorn", "saas_platform.wsgi", "--bind", f"{bind}:{port}", "--workers", "2",
        "--threads", "4", "--graceful-timeout", "5", "--log-level", "warning",
        "--access-logfile", str(ACCESS_LOG),
    ]  # fmt: skip
    children = [_spawn(worker), _spawn(web)]
    PIDFILE.write_text(str(os.getpid()))
    probe_host = "127.0.0.1" if bind in ("0.0.0.0", "") else bind
    health_url = f"http://{probe_host}:{port}/healthz"
    exit_code = 0
    try:
        # The worker writes its pid file once its start-up messages are out.
        deadline = time.monotonic() + START_TIMEOUT
        ready = False
        while not stopping and time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                break
            if WORKER_PIDFILE.exists() and _web_healthy(health_url):
                ready = True
                break
            time.sleep(0.3)
        if ready:
            _banner(port)
        elif not stopping:
            print(
                f"make demo: the worker or the web server did not start within "
                f"{START_TIMEOUT} s (see above; {health_url})",
                file=sys.stderr,
            )
            exit_code = 1
            stopping = True
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        PIDFILE.unlink(missing_ok=True)
        _db_stop()
    return exit_code


def _db_stop() -> None:
    if os.environ.get("DATABASE_URL"):
        return
    from saas_platform import embedded_db

    if embedded_db.stop():
        print("embedded PostgreSQL stopped")


def stop() -> int:
    if PIDFILE.exists():
        pid = int(PIDFILE.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(60):
                os.kill(pid, 0)
                time.sleep(0.5)
        except ProcessLookupError:
            pass
        PIDFILE.unlink(missing_ok=True)
    _db_stop()
    return 0


def db_start() -> int:
    from saas_platform import embedded_db

    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: using that server")
    else:
        params = embedded_db.ensure_running()
        print(f"embedded PostgreSQL running: socket in {params['HOST']}, database {params['NAME']}")
    return 0


def _with_env_file(command):
    """`make stop` run in a plain shell: read .env to know which database the demo used."""

    def run() -> int:
        path = env_file_path()
        try:
            if path:
                env_file_load(path)
        except ImproperlyConfigured as exc:  # still stop what can be stopped
            print(f"{exc} (ignored)", file=sys.stderr)
        return command()

    return run


COMMANDS = {
    "demo": demo,
    "stop": _with_env_file(stop),
    "db-start": _with_env_file(db_start),
    "db-stop": _with_env_file(lambda: _db_stop() or 0),
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m saas_platform.devstack {{{'|'.join(COMMANDS)}}}")
    sys.exit(COMMANDS[sys.argv[1]]())
