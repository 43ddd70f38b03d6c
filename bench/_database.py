"""What the benchmarks share: a database of their own next to the project's, and facts
about the machine. A benchmark never touches the project database or the demo data."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit


def bench_database(suffix: str) -> tuple[str, str, dict]:
    """Return (name, DATABASE_URL, psycopg2 params of its server) of the bench database."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if url:
        parsed = dj_database_url.parse(url)
        name = f"{parsed['NAME']}_{suffix}"
        parts = urlsplit(url)
        bench_url = urlunsplit(parts._replace(path=f"/{name}"))
        params = {
            key: value
            for key, value in {
                "user": parsed.get("USER"),
                "password": parsed.get("PASSWORD"),
                "host": parsed.get("HOST"),
                "port": parsed.get("PORT"),
            }.items()
            if value
        }
        params.update(parsed.get("OPTIONS", {}))
    else:
        from saas_platform import embedded_db

        info = embedded_db.ensure_running()
        name = f"{info['NAME']}_{suffix}"
        # The socket directory goes in the host part, URL-encoded: dj_database_url then
        # sets HOST/PORT (with ?host= it would leave HOST empty and put it in OPTIONS).
        host = quote(info["HOST"], safe="")
        bench_url = f"postgres://{info['USER']}@{host}:{info['PORT']}/{name}"
        params = {"user": info["USER"], "host": info["HOST"], "port": info["PORT"]}
        check = dj_database_url.parse(bench_url)
        assert (check["NAME"], check["HOST"], check["PORT"]) == (name, info["HOST"], info["PORT"])
    return name, bench_url, params


def server_execute(params: dict, statement) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **params)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def database_drop(params: dict, name: str) -> None:
    from psycopg2 import sql

    server_execute(
        params, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def database_create(params: dict, name: str) -> None:
    from psycopg2 import sql

    database_drop(params, name)
    server_execute(params, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(os.cpu_count())


@contextmanager
def bench_django(suffix: str) -> Iterator[str]:
    """Django set up on a database of its own (``<name>_<suffix>``, created here and dropped
    on the way out, whatever happens); yields its name."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["ENV_FILE"] = ""  # never the demo's .env
    name, bench_url, params = bench_database(suffix)
    database_create(params, name)
    os.environ["DATABASE_URL"] = bench_url
    try:
        import django

        django.setup()
        yield name
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # never keep the bench database because of this
            pass
        database_drop(params, name)
        print(f"dropped database {name}")


def bench_header(name: str, extra: str = "") -> None:
    """One line on what the figures were measured on: cores, server version, database."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        (server_version,) = cur.fetchone()
    print(f"nproc: {nproc()}   PostgreSQL {server_version}   database {name}{extra}")


def bench_platform_setup(name: str, extra: str = "") -> None:
    """The header, then the public schema migrated and the templates built, timed."""
    import time

    from django.core.management import call_command

    bench_header(name, extra)
    start = time.perf_counter()
    call_command("migrate_schemas", "--shared", interactive=False, verbosity=0)
    call_command("build_templates", verbosity=0)
    print(f"setup (shared migrations, templates): {time.perf_counter() - start:.1f} s")


def bench_pemda(region_code: str, slug: str, employees: int, year: int):
    """A Pemda from the template "surabaya" with the demo generator's organisation at
    ``employees`` people, imported the admins' way, a leader account ``pimpinan``, and a
    year of demo performance data; returns (pemda, seconds to import, seconds to seed,
    the seed's report). Shared by bench/performance.py and bench/activity.py."""
    import random
    import time

    from django.db import connection

    from core.accounts.models import Role, User
    from core.demo.org import org_generate
    from core.importing.tabular import write_xlsx
    from core.org.imports import people_import
    from core.performance.demo import performance_demo_seed
    from tenants.models import Region
    from tenants.services import pemda_provision, pemda_request

    connection.set_schema_to_public()  # a request before left it at its Pemda
    pemda = pemda_request(region_code=region_code, template_name="surabaya", slug=slug)
    pemda = pemda_provision(pemda_id=pemda.pk)
    start = time.perf_counter()
    org = org_generate(region=Region.objects.get(code=region_code), slug=slug, employees=employees)
    with pemda:
        for kind, (headers, rows) in org.tables().items():
            report = people_import(
                kind=kind, data=write_xlsx(headers, rows), filename=f"{kind}.xlsx"
            )
            assert report.written, report.errors[:3]
        User.objects.create_user("pimpinan", role=Role.LEADER, name="Wali Kota")
        imported = time.perf_counter() - start
        start = time.perf_counter()
        seeded = performance_demo_seed(year=year, rng=random.Random(f"bench:{slug}"))
        return pemda, imported, time.perf_counter() - start, seeded
