"""Progress written from inside a long transaction (a provisioning, a rolled-back check) so
that the page polling it sees each step as it happens.

Those transactions hold their own writes until they end (and a check's are never kept), so
progress goes through a second connection in autocommit. It is best effort: a row another
transaction has locked is skipped (SKIP LOCKED), never waited for, so progress can neither
block the work nor deadlock with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from django.db import connection
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)


class SideWriter:
    def __init__(self, signup_id: int):
        self.signup_id = signup_id
        self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = psycopg2.connect(**connection.get_connection_params())
            self._conn.autocommit = True
        return self._conn

    def update(self, **fields) -> None:
        """Set ``fields`` of the sign-up's row now, unless another transaction holds it."""
        table = f'"{get_public_schema_name()}"."onboarding_signup"'
        assignments = ", ".join(f"{name} = %s" for name in fields)
        try:
            with self._connection().cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE id IN "
                    f"(SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [*fields.values(), self.signup_id],
                )
        except psycopg2.Error:
            logger.warning("Progress of sign-up %s not written", self.signup_id, exc_info=True)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@contextmanager
def side_writer(signup_id: int) -> Iterator[SideWriter]:
    writer = SideWriter(signup_id)
    try:
        yield writer
    finally:
        writer.close()
