"""Cloning a template schema, with django-tenants' clone function installed once.

django-tenants runs its ~4,600-line ``CREATE OR REPLACE FUNCTION clone_schema`` before
every clone. Measured on PostgreSQL 18 (bench/provisioning.py), every replacement stays in
the connection's memory: on a long-lived worker connection each clone got slower (0.46 s
to 7 s over 200) and the server process grew ~10 MB per clone. Here the function is
(re)created only when it is missing or differs from the installed django-tenants' version,
which a hash in the function's comment records.
"""

import hashlib

from django.conf import settings
from django.db import connection
from django_tenants.clone import CLONE_SCHEMA_FUNCTION, CloneSchema

_SIGNATURE = "public.clone_schema(text, text, public.cloneparms[])"


def _function_sql() -> str:
    db_user = settings.DATABASES["default"].get("USER") or "postgres"
    return CLONE_SCHEMA_FUNCTION.format(db_user=db_user)


class CloneSchemaOnce(CloneSchema):
    def _create_clone_schema_function(self):
        sql = _function_sql()
        marker = "django-tenants clone_schema " + hashlib.sha256(sql.encode()).hexdigest()[:16]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p "
                "WHERE p.proname = 'clone_schema' AND p.pronamespace = 'public'::regnamespace"
            )
            row = cursor.fetchone()
            if row is not None and row[0] == marker:
                return
            cursor.execute(sql)
            cursor.execute(f"COMMENT ON FUNCTION {_SIGNATURE} IS %s", [marker])


def schema_clone(*, source: str, target: str) -> None:
    """Copy schema ``source`` (tables, sequences at their values, data) to a new ``target``."""
    CloneSchemaOnce().clone_schema(source, target, "DATA")
