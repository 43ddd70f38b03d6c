"""Benchmark: the whole launch of a sign-up, from the wizard's launch POST to a usable tenant.

Run from the project root:  DEBUG=1 .venv/bin/python bench/launch.py [existing counts…]
(default 14 200 545)

Each timed run: a sign-up made ready through the wizard's services (Pemda chosen, admin
verified, plan, template, and the units, positions and employees of tests/personas.py
uploaded and checked — none of that timed), then, timed:

1. POST /daftar/<id>/6/ (the launch: compare-and-set, Pemda requested, task sent);
2. a real Celery worker (``celery -A saas_platform worker``, started here, on the database
   broker as in the demo) provisions it: clone, identity, first admin, the three imports,
   subscription, domain, active;
3. the tenant is usable: its login page answers 200 at ``<slug>.localhost``.

The clock polls the sign-up every 10 ms. Each launched Pemda is deleted (row and schema)
afterwards, so the count of existing Pemda stays fixed, at 14, 200 and 545: the official
list has 546 autonomous regions and the launched one needs a free one (552 regions in all,
6 of them Jakarta's non-autonomous cities and regency). Existing Pemda are cloned from the
template, as in bench/provisioning.py, in a database of its own (``<name>_launch``), created
here and dropped at the end. Passwords are hashed with MD5 (as in the tests).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _database import bench_django, bench_platform_setup

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

EXISTING_COUNTS = (14, 200, 545)
RUNS = 10
TEMPLATE = "surabaya"
LAUNCH_REGION = "63.72"  # Kota Banjarbaru: kept free for the launches
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pemda_count() -> int:
    from tenants.models import Pemda

    return Pemda.objects.filter(is_template=False).count()


def existing_fill(target: int) -> float:
    from django.db import connections

    from tenants.models import Region
    from tenants.services import pemda_provision, pemda_request

    start = time.perf_counter()
    while pemda_count() < target:
        region = (
            Region.objects.filter(autonomous=True, pemda__isnull=True)
            .exclude(code=LAUNCH_REGION)
            .order_by("code")
            .first()
        )
        pemda = pemda_request(
            region_code=region.code,
            template_name=TEMPLATE,
            slug=f"bench-{region.code.replace('.', '-')}",
            admin_password="x",
        )
        pemda = pemda_provision(pemda_id=pemda.pk)
        assert pemda.status == "active", pemda.error
        connections.close_all()  # a fresh server backend per clone (bench/provisioning.py)
    return time.perf_counter() - start


def worker_start(database_url: str, log: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="saas_platform.settings",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "saas_platform",
            "worker",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def signup_ready():
    """A sign-up for LAUNCH_REGION, ready to launch, and a client whose session holds it."""
    from django.test import Client

    from onboarding.models import SignUp
    from tests.onboarding.ready import signup_made_ready

    client = Client(HTTP_HOST="localhost")
    response = client.post("/daftar/", {"region": LAUNCH_REGION})
    assert response.status_code == 302, response.content[:500]
    signup = SignUp.objects.get(region_id=LAUNCH_REGION, state="draft")
    return client, signup_made_ready(signup, place="Bench", password="Bench-Sandi-2026")


def timed_launch() -> dict[str, float]:
    from django.db import connection, connections
    from django.test import Client

    from onboarding.models import SignUp
    from tenants.models import Pemda

    client, signup = signup_ready()
    connections.close_all()
    start = time.perf_counter()
    response = client.post(f"/daftar/{signup.public_id}/6/")
    assert response.status_code == 302 and response["Location"].endswith("/peluncuran/")
    posted = time.perf_counter()
    picked = None
    while True:
        state, step = SignUp.objects.values_list("state", "progress_step").get(pk=signup.pk)
        if picked is None and step != "queued":
            picked = time.perf_counter()
        if state == "done":
            break
        if state == "failed" or time.perf_counter() - start > 60:
            raise SystemExit(f"launch failed: {SignUp.objects.get(pk=signup.pk).error}")
        time.sleep(0.01)
    done = time.perf_counter()
    pemda = Pemda.objects.get(region_id=LAUNCH_REGION)
    login = Client(HTTP_HOST=pemda.domain_name).get("/accounts/login/")
    assert login.status_code == 200, login.status_code
    usable = time.perf_counter()
    result = {
        "total": usable - start,
        "post": posted - start,
        "queued": (picked or done) - posted,
        "provision": done - (picked or done),
        "first_page": usable - done,
    }
    connection.set_schema_to_public()
    SignUp.objects.filter(pk=signup.pk).delete()
    pemda.delete(force_drop=True)
    return result


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    with bench_django("launch") as name:
        _bench(name)


def _bench(name: str) -> None:
    import tempfile

    from django.test import override_settings

    override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ).enable()
    bench_platform_setup(name)

    sizes = [int(arg) for arg in sys.argv[1:]] or list(EXISTING_COUNTS)
    log = Path(tempfile.mkdtemp(prefix="bench-launch-")) / "worker.log"
    worker = worker_start(os.environ["DATABASE_URL"], log)
    print(f"The whole launch, launch POST to the tenant's login page answering ({RUNS} runs):")
    print(
        "existing Pemda | median | p95    | max    | POST   | waiting for the worker | "
        "provisioning + imports | first tenant page",
        flush=True,
    )
    try:
        time.sleep(3)  # the worker connects to the broker
        for existing in sizes:
            seconds = existing_fill(existing)
            print(f"({pemda_count()} existing Pemda, filled in {seconds:.0f} s)", flush=True)
            timed_launch()  # untimed warm-up
            runs = [timed_launch() for _ in range(RUNS)]
            assert pemda_count() == existing
            _row(existing, runs)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        from kombu.transport.sqlalchemy import Channel

        for engine, _session in Channel._engines.values():
            engine.dispose()


def _row(existing: int, runs: list[dict[str, float]]) -> None:
    totals = [r["total"] for r in runs]

    def med(key):
        return statistics.median(r[key] for r in runs)

    print(
        f"{existing:<14} | {statistics.median(totals):.2f} s | {_p95(totals):.2f} s | "
        f"{max(totals):.2f} s | {med('post'):.2f} s | {med('queued'):.2f} s{'':<16} | "
        f"{med('provision'):.2f} s{'':<16} | {med('first_page'):.2f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
