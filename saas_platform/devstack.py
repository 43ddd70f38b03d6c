"""``make demo`` / ``make stop``: run the whole product on one machine.

``demo`` migrates, builds the templates, seeds the demo Pemda, then runs the web server
(gunicorn, port 8000) and a Celery worker until Ctrl-C or ``make stop``; on the way out
it stops what it started, the embedded database included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"
PIDFILE = RUN_DIR / "demo.pid"
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _manage(*args: str) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def _environment() -> None:
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("SECURE_COOKIES", "0")  # plain http on localhost
    os.environ.setdefault("PLATFORM_PORT", os.environ.get("PORT", "8000"))  # links in emails
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings")


def _banner(port: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from core.demo.pemda import DEMO_PEMDA

    domain = settings.PLATFORM_DOMAIN
    print("\n" + "=" * 72)
    print(f"Sinergi is running. Platform: http://{domain}:{port}/   Health: /healthz")
    for item in DEMO_PEMDA:
        print(f"  http://{item.slug}.{domain}:{port}/")
    print(
        f"Log in at any Pemda as 'admin' (or a NIP, e.g. an employee) with password "
        f"'{settings.DEMO_PASSWORD}' (set DEMO_PASSWORD to change it)."
    )
    print("Other demo logins: pimpinan, sekda, kepala.bkpsdmd, atasan, pegawai1..3")
    print("Stop with Ctrl-C or `make stop`.")
    print("=" * 72 + "\n", flush=True)


def _spawn(command: str) -> subprocess.Popen:
    program, *args = command.split()
    return subprocess.Popen([str(BIN / program), *args], cwd=BASE_DIR)


def demo() -> int:
    _environment()
    port = os.environ.get("PORT", "8000")
    # Loopback only: the demo's passwords are public. BIND=0.0.0.0 opens it to the network.
    bind = os.environ.get("BIND", "127.0.0.1")
    RUN_DIR.mkdir(exist_ok=True)
    _manage("migrate_schemas", "--noinput", "-v", "0")
    _manage("build_templates")
    _manage("seed_demo")
    _manage("collectstatic", "--noinput", "-v", "0")
    worker = "celery -A saas_platform worker -l warning --concurrency 2"
    web = (
        f"gunicorn saas_platform.wsgi --bind {bind}:{port} --workers 2 --threads 4 "
        "--graceful-timeout 5 --access-logfile -"
    )
    children = [_spawn(worker), _spawn(web)]
    PIDFILE.write_text(str(os.getpid()))
    _banner(port)
    stopping = False

    def _stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
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
    return 0


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


COMMANDS = {"demo": demo, "stop": stop, "db-start": db_start, "db-stop": lambda: _db_stop() or 0}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m saas_platform.devstack {{{'|'.join(COMMANDS)}}}")
    sys.exit(COMMANDS[sys.argv[1]]())
