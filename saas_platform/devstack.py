"""``make demo`` / ``make stop``: run the whole product on one machine.

``demo`` writes the demo's settings to ``.env``, migrates, builds the templates, seeds the demo
Pemda, then runs the web server (gunicorn, port 8000), a Celery worker and the periodic
scheduler (Celery beat) until Ctrl-C or ``make stop``, restarting any of them that dies (and
the embedded database); on the way out it stops what it started, the database included.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from saas_platform.env import env_file_load, env_file_read, env_file_write

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"
PIDFILE = RUN_DIR / "demo.pid"
WORKER_PIDFILE = RUN_DIR / "worker.pid"
CHILDREN_FILE = RUN_DIR / "children.pids"
BEAT_PIDFILE = RUN_DIR / "beat.pid"
BEAT_SCHEDULE = RUN_DIR / "celerybeat-schedule"
ACCESS_LOG = RUN_DIR / "access.log"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
STEPS = 5
START_TIMEOUT = 90  # seconds for the worker and the web server to come up
# A child that dies is restarted after RESTART_BASE seconds, doubling (up to RESTART_MAX)
# for each further death in a row that came within QUICK_DEATH seconds of its start; after
# MAX_QUICK_DEATHS of those it is not restarted again (it would only die again).
RESTART_BASE = 1.0
RESTART_MAX = 30.0
QUICK_DEATH = 30.0
MAX_QUICK_DEATHS = 5
DB_CHECK_INTERVAL = 5.0  # seconds between looks at the embedded database
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
    """Start a child in its own session: Ctrl-C reaches only this process, which then stops
    the children itself (instead of each one racing to shut down on its own)."""
    program, *args = command
    process = subprocess.Popen([str(BIN / program), *args], cwd=BASE_DIR, start_new_session=True)
    # Remembered for `make stop`: if this process itself is killed (the terminal closed),
    # the children live on in their own sessions.
    RUN_DIR.mkdir(exist_ok=True)
    with CHILDREN_FILE.open("a") as children:
        children.write(f"{process.pid}\n")
    return process


def _orphans_stop() -> None:
    """Stop the process groups of children a killed `make demo` left behind (only those
    still running this project's programs: a pid may have been reused since)."""
    if not CHILDREN_FILE.exists():
        return
    for line in CHILDREN_FILE.read_text().split():
        pid = int(line)
        try:
            if str(BIN) not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="ignore"):
                continue
            os.killpg(pid, signal.SIGTERM)
        except (OSError, ValueError):
            continue
    CHILDREN_FILE.unlink(missing_ok=True)


def _web_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def web_workers(environ=None, cpus: int | None = None) -> int:
    """Gunicorn's web processes (one thread each): ``WEB_CONCURRENCY`` if set, else cores + 1.

    Measured with bench/load.py on 2 cores: a page spends about 10 ms computing and 2.6 ms
    in the database, so more processes than cores only queue for the CPU (3 processes: 154
    requests/s, p95 718 ms at 100 users; 5: 133, 831 ms; 2 × 4 threads: 138, 1,157 ms —
    threads share out connections unevenly)."""
    environ = os.environ if environ is None else environ
    value = environ.get("WEB_CONCURRENCY", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ImproperlyConfigured(
                f"WEB_CONCURRENCY must be a whole number of web processes, at least 1; "
                f"it is {value!r}."
            )
        return int(value)
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) + 1


def exit_description(code: int) -> str:
    """'exit 1', or 'exit -9, SIGKILL' for a child ended by a signal."""
    if code < 0:
        try:
            return f"exit {code}, {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit {code}"


def restart_delay(quick_deaths: int) -> float | None:
    """Seconds before restarting a child after ``quick_deaths`` quick deaths in a row (0 for
    one that had run a while): RESTART_BASE, then doubling; None: give up on it."""
    if quick_deaths >= MAX_QUICK_DEATHS:
        return None
    return min(RESTART_BASE * 2 ** max(quick_deaths - 1, 0), RESTART_MAX)


def _say(text: str) -> None:
    print(f"[demo] {text}", flush=True)


@dataclass
class Child:
    """One supervised process. ``essential``: the demo is of no use without it (the web
    server), so the demo stops if it cannot be kept up; the others are given up alone."""

    name: str
    command: list[str]
    essential: bool = False
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    given_up: bool = False


@dataclass
class Supervisor:
    """Keep the demo's processes running: one that dies is restarted, saying so, and the
    others are left alone (before, one death stopped everything, the database included)."""

    children: list[Child]
    spawn: Callable[[list[str]], subprocess.Popen] = field(default=lambda command: _spawn(command))
    clock: Callable[[], float] = time.monotonic

    def start(self) -> None:
        for child in self.children:
            self._start(child)

    def _start(self, child: Child) -> None:
        child.process = self.spawn(child.command)
        child.started_at = self.clock()
        child.restart_at = None

    def check(self) -> bool:
        """One look at every child; False when an essential one is given up (stop the demo)."""
        now = self.clock()
        for child in self.children:
            if child.given_up:
                continue
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                    _say(f"{child.name} restarted (pid {child.process.pid})")
                continue
            code = child.process.poll()
            if code is None:
                continue
            quick = now - child.started_at < QUICK_DEATH
            child.quick_deaths = child.quick_deaths + 1 if quick else 0
            delay = restart_delay(child.quick_deaths)
            if delay is not None:
                child.restart_at = now + delay
                _say(f"{child.name} stopped ({exit_description(code)}); restarting in {delay:g} s")
                continue
            child.given_up = True
            _say(
                f"{child.name} stopped ({exit_description(code)}), {child.quick_deaths} times in "
                f"a row within {QUICK_DEATH:g} s of starting; not restarting it"
                + ("; stopping the demo" if child.essential else " (the rest keeps running)")
            )
            if child.essential:
                return False
        return True

    def stop(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _db_running() -> bool:
    """Whether the database the demo uses is up; an external one (DATABASE_URL) is not ours
    to watch or restart."""
    if os.environ.get("DATABASE_URL"):
        return True
    from saas_platform import embedded_db

    return embedded_db.is_running()


def _db_restart() -> bool:
    """Start the embedded database again; False (and why) if it did not start."""
    from saas_platform import embedded_db

    _say("the embedded database stopped; restarting it")
    try:
        embedded_db.ensure_running()
    except Exception as exc:  # noqa: BLE001 - say why; the caller tries again or gives up
        _say(f"the embedded database did not start: {str(exc).strip().splitlines()[0]}")
        return False
    _say("the embedded database restarted")
    return True


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
    _step(5, "Starting the Celery worker, the scheduler (beat) and the web server ...")
    return _serve(bind, port)


def _children(bind: str, port: str) -> list[Child]:
    """The worker, the periodic scheduler and the web server, started quietly (no Celery
    banner, no gunicorn start-up lines, the access log in a file)."""
    worker = [
        "celery", "-A", "saas_platform", "--quiet", "worker", "-l", "warning",
        "--concurrency", "2", "--pidfile", str(WORKER_PIDFILE),
    ]  # fmt: skip
    beat = [
        "celery", "-A", "saas_platform", "--quiet", "beat", "-l", "warning",
        "--schedule", str(BEAT_SCHEDULE), "--pidfile", str(BEAT_PIDFILE),
    ]  # fmt: skip
    web = [
        "gunicorn", "saas_platform.wsgi", "--bind", f"{bind}:{port}",
        "--workers", str(web_workers()), "--threads", "1", "--graceful-timeout", "5",
        "--log-level", "warning", "--access-logfile", str(ACCESS_LOG),
    ]  # fmt: skip
    return [Child("worker", worker), Child("beat", beat), Child("web", web, essential=True)]


def _serve(bind: str, port: str) -> int:
    """Run the worker, beat and the web server until Ctrl-C or `make stop`.

    The banner is printed only once the worker has started and the web server answers its
    health check, so that it is the last thing on the screen. From then on a child that
    dies is restarted (see Supervisor), and so is the embedded database.
    """
    stopping = False

    def _stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGHUP, _stop)  # the terminal closed
    CHILDREN_FILE.unlink(missing_ok=True)
    try:
        children = _children(bind, port)
    except ImproperlyConfigured as exc:  # WEB_CONCURRENCY
        print(f"make demo: {exc}", file=sys.stderr)
        return 1
    WORKER_PIDFILE.unlink(missing_ok=True)
    supervisor = Supervisor(children)
    supervisor.start()
    PIDFILE.write_text(str(os.getpid()))
    probe_host = "127.0.0.1" if bind in ("0.0.0.0", "") else bind
    health_url = f"http://{probe_host}:{port}/healthz"
    exit_code = 0
    deadline = time.monotonic() + START_TIMEOUT
    ready = False
    db_checked_at = time.monotonic()
    db_failures = 0
    try:
        while not stopping:
            if not supervisor.check():
                exit_code = 1
                break
            now = time.monotonic()
            if now - db_checked_at >= DB_CHECK_INTERVAL:
                db_checked_at = now
                if _db_running() or _db_restart():
                    db_failures = 0
                else:
                    db_failures += 1
                    if db_failures >= MAX_QUICK_DEATHS:
                        _say(f"giving up after {db_failures} tries; stopping the demo")
                        exit_code = 1
                        break
            if not ready:
                # The worker writes its pid file once its start-up messages are out.
                if WORKER_PIDFILE.exists() and _web_healthy(health_url):
                    ready = True
                    _banner(port)
                elif now > deadline:
                    print(
                        f"make demo: the worker or the web server did not start within "
                        f"{START_TIMEOUT} s (see above; {health_url})",
                        file=sys.stderr,
                    )
                    exit_code = 1
                    break
            time.sleep(0.3)
    finally:
        supervisor.stop()
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
    _orphans_stop()
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
