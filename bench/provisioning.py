"""Benchmark: create a Pemda by cloning the template schema vs by running the migrations.

Run from the project root:  DEBUG=1 .venv/bin/python bench/provisioning.py  (``make bench``)

Both methods go through the real service: ``pemda_request`` then ``pemda_provision``.

- clone:   as in production; ``create_schema`` clones ``tpl_surabaya`` (the clone
           script of tenants/cloning.py, docs/adr/0008, then a check that the clone's
           migration records are complete).
- migrate: the same calls with ``Pemda.get_base_schema`` returning False, so
           ``create_schema`` runs ``CREATE SCHEMA`` and the tenant migrations from scratch;
           the template's configuration (policy settings, rule tables) is then written
           into the new schema, so both methods end with an equivalent Pemda.

Each method is timed with 14 and with 200 existing Pemda (created by cloning). Every
timed Pemda is deleted (row and schema) before the next run, so the count stays fixed.

Every Pemda, timed or not, is created on a fresh database connection, as a Celery task
on a new worker connection would be. This benchmark found that stock django-tenants
re-creates its clone_schema() PL/pgSQL functions (CREATE OR REPLACE) before every clone,
and a server backend that has done that many times grows by ~10 MB per clone and gets
slower with each one (0.45 s to 1.5 s over 30 clones on PostgreSQL 18). Sinergi now
installs the function once (tenants/cloning.py); fresh connections keep the figures
comparable with the first measurements.

The benchmark works in a database of its own, ``<name>_bench`` next to the project
database (the embedded server's ``sinergi`` unless DATABASE_URL is set), created at the
start and dropped at the end. Passwords are hashed with MD5 here (as in the tests): the
default PBKDF2 costs ~0.2 s per Pemda request and has nothing to do with provisioning.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock

from _database import bench_django, bench_platform_setup

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

EXISTING_COUNTS = (14, 200)
RUNS = 5
TEMPLATE = "surabaya"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The benchmark database ---------------------------------------------------------------


# --- Timing helpers -----------------------------------------------------------------------

# Seconds spent in instrumented steps during the current run, by step.
_steps: dict[str, float] = defaultdict(float)


def _instrument(cls, attribute: str, step: str) -> None:
    original = getattr(cls, attribute)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _steps[step] += time.perf_counter() - start

    setattr(cls, attribute, timed)


# --- Creating Pemda -----------------------------------------------------------------------


def _free_region():
    from tenants.models import Region

    region = Region.objects.filter(autonomous=True, pemda__isnull=True).order_by("code").first()
    if region is None:
        raise SystemExit("No free autonomous region left.")
    return region


def _provision(region):
    from tenants.lifecycle import PemdaStatus
    from tenants.services import pemda_provision, pemda_request

    pemda = pemda_request(
        region_code=region.code,
        template_name=TEMPLATE,
        slug=f"bench-{region.code.replace('.', '-')}",
        admin_password="x",  # a usable password: nothing is enqueued on Celery
    )
    pemda = pemda_provision(pemda_id=pemda.pk)
    if pemda.status != PemdaStatus.ACTIVE:
        raise SystemExit(f"Provisioning {pemda.slug} failed: {pemda.error}")
    return pemda


def create_by_clone(region):
    return _provision(region)


def create_by_migrate(region):
    from django.db import transaction

    from core.config.models import PolicySetting, RuleTable
    from onboarding.templates_catalogue import template_specs
    from tenants.models import Pemda

    with mock.patch.object(Pemda, "get_base_schema", return_value=False):
        pemda = _provision(region)
    # What the clone copies from the template and a migrated schema lacks.
    spec = template_specs()[TEMPLATE]
    with pemda, transaction.atomic():
        for key, value in spec.settings.items():
            PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
        for name, table in spec.rules.items():
            RuleTable.objects.update_or_create(
                name=name,
                version=table["version"],
                defaults={"data": table["data"], "source": table.get("source", "")},
            )
    return pemda


METHODS = {"clone": create_by_clone, "migrate": create_by_migrate}


def pemda_count() -> int:
    from tenants.models import Pemda

    return Pemda.objects.filter(is_template=False).count()


def _connection_fresh() -> None:
    """Close the connection; the next query opens a new one (a new server backend)."""
    from django.db import connections

    connections.close_all()


def existing_fill(target: int) -> float:
    """Clone Pemda until ``target`` exist; return the seconds it took."""
    start = time.perf_counter()
    while pemda_count() < target:
        _provision(_free_region())
        _connection_fresh()
    return time.perf_counter() - start


def _tables(schema: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {name for (name,) in cur.fetchall()}


def timed_run(method: str) -> dict[str, float]:
    """Create one Pemda with ``method``, delete it again; return the step timings."""
    from django.db import connection, reset_queries

    from tenants.models import template_schema_name

    _connection_fresh()
    region = _free_region()  # connects: the connection's set-up is not timed
    reset_queries()
    _steps.clear()
    start = time.perf_counter()
    pemda = METHODS[method](region)
    total = time.perf_counter() - start
    result = {"total": total, **_steps}
    connection.set_schema_to_public()
    # Both methods must give the schema the template has.
    tables = _tables(pemda.schema_name)
    if tables != _tables(template_schema_name(TEMPLATE)) or len(tables) < 5:
        raise SystemExit(f"{method}: schema {pemda.schema_name} differs from the template's")
    pemda.delete(force_drop=True)  # drops the schema; the domain row cascades
    return result


# --- Report -------------------------------------------------------------------------------


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    with bench_django("bench") as name:
        _bench(name)


def _bench(name: str) -> None:
    from django.test import override_settings

    from tenants import cloning
    from tenants.models import Pemda

    override_settings(PASSWORD_HASHERS=FAST_HASHERS).enable()
    _instrument(Pemda, "create_schema", "schema")
    _instrument(cloning, "schema_clone", "clone_sql")  # create_schema imports it per call

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    bench_start = time.perf_counter()
    bench_platform_setup(name, f"   load: {load}")

    rows = []
    for existing in EXISTING_COUNTS:
        before = pemda_count()
        seconds = existing_fill(existing)
        added = pemda_count() - before
        if added:
            each = seconds / added
            print(f"cloned {added} existing Pemda in {seconds:.1f} s ({each:.2f} s each)")
        # One untimed run of each first: loads code, caches the migration graph, and
        # creates the clone_schema() function.
        for method in METHODS:
            timed_run(method)
        runs: dict[str, list[dict[str, float]]] = {method: [] for method in METHODS}
        for i in range(RUNS):
            order = list(METHODS) if i % 2 == 0 else list(reversed(METHODS))
            for method in order:
                runs[method].append(timed_run(method))
        assert pemda_count() == existing
        rows.append((existing, runs))
        print(f"  done with {existing} existing Pemda")

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"benchmark took {time.perf_counter() - bench_start:.0f} s; load: {load}")
    print()
    print(f"Time to create one Pemda, {RUNS} runs each (median, min-max):")
    print()
    print("existing tenants | clone median (min-max) | migrate median (min-max) | clone/migrate")
    for existing, runs in rows:
        clone = [r["total"] for r in runs["clone"]]
        migrate = [r["total"] for r in runs["migrate"]]
        ratio = statistics.median(clone) / statistics.median(migrate)
        print(f"{existing:<16} | {_fmt(clone):<22} | {_fmt(migrate):<24} | {ratio:.2f}")
    print()
    print("Where the time goes (medians): schema = Pemda.create_schema; for clone, the")
    print("clone (tenants/cloning.py) plus the migration-records check; rest = request, identity,")
    print("first admin, domain, commit (and, for migrate, writing the template's config).")
    print()
    print("existing tenants | method  | total  | schema | clone SQL | records check | rest")
    for existing, runs in rows:
        for method, results in runs.items():

            def med(part, results=results):
                return statistics.median(part(r) for r in results)

            total, schema = med(lambda r: r["total"]), med(lambda r: r["schema"])
            rest = med(lambda r: r["total"] - r["schema"])
            clone_col = fake = "-"
            if method == "clone":
                clone_col = f"{med(lambda r: r['clone_sql']):.2f} s"
                fake = f"{med(lambda r: r['schema'] - r['clone_sql']):.2f} s"
            print(
                f"{existing:<16} | {method:<7} | {total:.2f} s | {schema:.2f} s | "
                f"{clone_col:<9} | {fake:<13} | {rest:.2f} s"
            )


if __name__ == "__main__":
    main()
