"""Cloning a template schema into a new Pemda's schema.

Two ways, one result (tests/tenants/test_cloning.py compares them object by object):

- **Ours** (``_clone_plain``), for a schema of plain tables, which is what the templates and
  the Pemda are: read the source's catalog once (four queries), then one script creates
  every table ``LIKE`` the source (columns, defaults, CHECK and NOT NULL constraints,
  identity, comments, storage), copies its rows, adds its primary keys, unique constraints
  and indexes under the source's names, sets each identity sequence where the source's is,
  and adds the foreign keys last. Its cost does not depend on how many schemas the
  database holds.
- **django-tenants' ``clone_schema()``** PL/pgSQL function, for anything else (a view, a
  function, a standalone sequence, a trigger of our own, a partitioned table …). It walks
  PostgreSQL's catalogs object by object, so it slows down as the database fills: measured
  on PostgreSQL 15 (bench/launch.py), 0.51 s with 14 Pemda, 0.87 s with 60, and ~1.5 s at
  200. It is installed once, not before every clone: every ``CREATE OR REPLACE`` of its
  ~4,600 lines stayed in the connection's memory (on PostgreSQL 18 a long-lived worker
  connection's clones slowed from 0.46 s to 7 s over 200, the server process growing
  ~10 MB per clone). A hash in the function's comment records the installed version.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CLONE_SCHEMA_FUNCTION, CloneSchema
from psycopg2 import sql

logger = logging.getLogger(__name__)

_SIGNATURE = "public.clone_schema(text, text, public.cloneparms[])"


def _function_sql() -> str:
    db_user = settings.DATABASES["default"].get("USER") or "postgres"
    return CLONE_SCHEMA_FUNCTION.format(db_user=db_user)


class CloneSchemaOnce(CloneSchema):
    def _create_clone_schema_function(self):
        sql_text = _function_sql()
        marker = "django-tenants clone_schema " + hashlib.sha256(sql_text.encode()).hexdigest()[:16]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p "
                "WHERE p.proname = 'clone_schema' AND p.pronamespace = 'public'::regnamespace"
            )
            row = cursor.fetchone()
            if row is not None and row[0] == marker:
                return
            cursor.execute(sql_text)
            cursor.execute(f"COMMENT ON FUNCTION {_SIGNATURE} IS %s", [marker])


# What makes a schema more than plain tables, for _clone_plain. Each query counts such
# objects in the schema whose oid is %(oid)s.
_NOT_PLAIN = {
    "relations other than tables, indexes and identity sequences": """
        SELECT count(*) FROM pg_class c
        WHERE c.relnamespace = %(oid)s AND (
            c.relkind NOT IN ('r', 'i', 'S')
            OR (c.relkind = 'S' AND NOT EXISTS (
                SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i'))
            OR (c.relkind = 'r' AND (c.relispartition OR c.relrowsecurity OR c.relhasrules
                                     OR c.reloptions IS NOT NULL)))
    """,
    "functions": "SELECT count(*) FROM pg_proc WHERE pronamespace = %(oid)s",
    "types": """
        SELECT count(*) FROM pg_type t
        WHERE t.typnamespace = %(oid)s AND t.typtype <> 'c' AND t.typelem = 0
          AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
    """,
    "triggers of its own": """
        SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = %(oid)s AND NOT t.tgisinternal
    """,
    "generated columns": """
        SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = %(oid)s AND a.attnum > 0 AND a.attgenerated <> ''
    """,
    "collations, text search, operators or conversions": """
        SELECT (SELECT count(*) FROM pg_collation WHERE collnamespace = %(oid)s)
             + (SELECT count(*) FROM pg_ts_config WHERE cfgnamespace = %(oid)s)
             + (SELECT count(*) FROM pg_ts_dict WHERE dictnamespace = %(oid)s)
             + (SELECT count(*) FROM pg_operator WHERE oprnamespace = %(oid)s)
             + (SELECT count(*) FROM pg_opclass WHERE opcnamespace = %(oid)s)
             + (SELECT count(*) FROM pg_conversion WHERE connamespace = %(oid)s)
    """,
    "columns typed from another schema": """
        SELECT count(*) FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
        WHERE c.relnamespace = %(oid)s AND c.relkind = 'r' AND a.attnum > 0
          AND NOT a.attisdropped
          AND t.typnamespace NOT IN ('pg_catalog'::regnamespace, %(oid)s)
    """,
}


def _not_plain(cursor, oid: int) -> list[str]:
    found = []
    for what, query in _NOT_PLAIN.items():
        cursor.execute(query, {"oid": oid})
        if cursor.fetchone()[0]:
            found.append(what)
    return found


def _quoted(*names: str) -> str:
    return sql.Identifier(*names).as_string(connection.connection)


def _clone_plain_script(cursor, source: str, target: str, oid: int) -> sql.Composed:
    """The script that clones ``source`` (plain tables only) to a new ``target``."""
    src, dst = sql.Identifier(source), sql.Identifier(target)
    # Definitions read with the source alone on the search path name its own tables
    # without a schema (and anything elsewhere with one), so they apply to the target.
    cursor.execute("SELECT set_config('search_path', %s, false)", [_quoted(source)])
    cursor.execute(
        "SELECT relname, obj_description(oid, 'pg_class') FROM pg_class "
        "WHERE relnamespace = %s AND relkind = 'r' ORDER BY oid",
        [oid],
    )
    tables = cursor.fetchall()
    # Hold the source still while it is read and copied: a migration of the template
    # (a deploy) then waits for the clone, or the clone for it, and the clone is never a mix
    # of before and after. SHARE also holds back its django_migrations record.
    if tables:
        cursor.execute(
            sql.SQL("LOCK TABLE {} IN SHARE MODE")
            .format(sql.SQL(", ").join(sql.Identifier(source, name) for name, _ in tables))
            .as_string(connection.connection)
        )
    cursor.execute(
        """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %s AND k.contype IN ('p', 'u', 'x', 'f')
        ORDER BY k.contype = 'f', k.oid
        """,
        [oid],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                                                          AND k.conrelid = i.indrelid)
        ORDER BY i.indexrelid
        """,
        [oid],
    )
    indexes = [definition for (definition,) in cursor.fetchall()]
    cursor.execute(
        """
        SELECT c.relname, a.attname, a.attidentity, q.relname, s.seqstart, s.seqincrement,
               s.seqmin, s.seqmax, s.seqcache, s.seqcycle, pg_sequence_last_value(q.oid)
        FROM pg_depend d
        JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
        JOIN pg_sequence s ON s.seqrelid = q.oid
        JOIN pg_class c ON c.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.deptype = 'i' AND q.relnamespace = %s
        ORDER BY q.oid
        """,
        [oid],
    )
    identities = cursor.fetchall()

    statements = [
        sql.SQL("CREATE SCHEMA {}").format(dst),
        # The foreign keys' definitions name the tables they reference without a schema.
        sql.SQL("SELECT set_config('search_path', {}, false)").format(sql.Literal(_quoted(target))),
    ]
    for table, comment in tables:
        name = sql.Identifier(table)
        statements.append(
            sql.SQL(
                "CREATE TABLE {dst}.{name} (LIKE {src}.{name} "
                "INCLUDING ALL EXCLUDING INDEXES EXCLUDING IDENTITY)"
            ).format(dst=dst, src=src, name=name)
        )
        statements.append(
            sql.SQL("INSERT INTO {dst}.{name} SELECT * FROM {src}.{name}").format(
                dst=dst, src=src, name=name
            )
        )
        if comment is not None:  # LIKE copies the columns' comments, not the table's
            statements.append(
                sql.SQL("COMMENT ON TABLE {dst}.{name} IS {comment}").format(
                    dst=dst, name=name, comment=sql.Literal(comment)
                )
            )
    foreign_keys = []
    for table, name, kind, definition in constraints:
        statement = sql.SQL("ALTER TABLE {dst}.{table} ADD CONSTRAINT {name} {definition}").format(
            dst=dst,
            table=sql.Identifier(table),
            name=sql.Identifier(name),
            definition=sql.SQL(definition),
        )
        (foreign_keys if kind == "f" else statements).append(statement)
    # pg_get_indexdef always names the table with its schema: "… ON [ONLY] <source>.<table>".
    # (quoted as PostgreSQL quotes: only where needed)
    cursor.execute("SELECT quote_ident(%s)", [source])
    qualified = cursor.fetchone()[0] + "."
    for definition in indexes:
        head, _, rest = definition.partition(" ON ")
        only = "ONLY " if rest.startswith("ONLY ") else ""
        rest = rest.removeprefix(only)
        if not rest.startswith(qualified):
            raise ValueError(f"unexpected index definition: {definition}")
        statements.append(
            sql.SQL("{head} ON {only}{dst}.{rest}").format(
                head=sql.SQL(head),
                only=sql.SQL(only),
                dst=dst,
                rest=sql.SQL(rest[len(qualified) :]),
            )
        )
    # Identity sequences under the source's names and options (LIKE … INCLUDING IDENTITY
    # would rename them and make them bigint), at the source's value.
    for table, column, kind, sequence, start, step, low, high, cache, cycle, last in identities:
        statements.append(
            sql.SQL(
                "ALTER TABLE {dst}.{table} ALTER COLUMN {column} ADD GENERATED {kind} AS "
                "IDENTITY (SEQUENCE NAME {dst}.{sequence} START WITH {start} INCREMENT BY "
                "{step} MINVALUE {low} MAXVALUE {high} CACHE {cache} {cycle})"
            ).format(
                dst=dst,
                table=sql.Identifier(table),
                column=sql.Identifier(column),
                kind=sql.SQL("ALWAYS" if kind == "a" else "BY DEFAULT"),
                sequence=sql.Identifier(sequence),
                start=sql.Literal(start),
                step=sql.Literal(step),
                low=sql.Literal(low),
                high=sql.Literal(high),
                cache=sql.Literal(cache),
                cycle=sql.SQL("CYCLE" if cycle else "NO CYCLE"),
            )
        )
        if last is not None:
            statements.append(
                sql.SQL("SELECT setval({sequence}, {last})").format(
                    sequence=sql.Literal(_quoted(target, sequence)), last=sql.Literal(last)
                )
            )
    statements.extend(foreign_keys)
    return sql.SQL(";\n").join(statements)


def schema_clone(*, source: str, target: str) -> None:
    """Copy schema ``source`` (tables, sequences at their values, data) to a new ``target``,
    in one transaction (the caller's, if any)."""
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
        row = cursor.fetchone()
        if row is None:
            raise ValueError(f"no schema {source!r} to clone")
        oid = row[0]
        reasons = _not_plain(cursor, oid)
        if reasons:
            logger.info("Cloning %s with clone_schema(): it has %s", source, ", ".join(reasons))
            CloneSchemaOnce().clone_schema(source, target, "DATA")
            return
        cursor.execute("SHOW search_path")
        (search_path,) = cursor.fetchone()
        # A failure aborts the transaction, which undoes the search_path changes too.
        script = _clone_plain_script(cursor, source, target, oid)
        cursor.execute(script.as_string(connection.connection))
        cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])


@functools.lru_cache(maxsize=1)
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every (app, migration) of the code, read once per process."""
    from django.db.migrations.loader import MigrationLoader

    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def migrations_unapplied(schema: str) -> set[tuple[str, str]]:
    """The code's migrations that ``schema``'s migration records lack."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT app, name FROM {}.django_migrations")
            .format(sql.Identifier(schema))
            .as_string(connection.connection)
        )
        applied = set(cursor.fetchall())
    return set(_migrations_on_disk()) - applied


def schema_clone_migrated(*, source: str, target: str, verbosity: int = 0) -> None:
    """Clone ``source`` to ``target``, then migrate ``target`` if the source was behind the
    code (the release migrates the templates first, so normally nothing is run).

    django-tenants fakes ``migrate_schemas`` after a clone instead. That records as applied
    any migration the template lacked, without running it, and its table-list
    introspection reads the whole catalog (66 ms at 200 Pemda).
    """
    schema_clone(source=source, target=target)
    if migrations_unapplied(target):
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=target,
            interactive=False,
            verbosity=verbosity,
        )
        connection.set_schema_to_public()
