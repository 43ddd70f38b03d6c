"""Cloning a schema (tenants/cloning.py): the plain-table clone makes, object by object,
what the source has and what django-tenants' clone_schema() makes; a schema with more than
plain tables still goes through clone_schema()."""

from __future__ import annotations

import pytest
from django.db import connection

from tenants.cloning import CloneSchemaOnce, _not_plain, migrations_unapplied, schema_clone

pytestmark = pytest.mark.django_db


def _rows(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def describe(schema: str) -> dict:
    """Everything a clone must reproduce, with the schema's own name taken out."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        (search_path,) = cursor.fetchone()
        cursor.execute("SELECT set_config('search_path', %s, false)", [f'"{schema}"'])
    try:
        oid = _rows("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])[0][0]
        tables = [
            name
            for (name,) in _rows(
                "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' "
                "ORDER BY relname",
                [oid],
            )
        ]
        columns = _rows(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, a.attidentity, a.attgenerated, a.attcollation,
                   pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attnum > 0
              AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum  -- the order, not the numbers (dropped columns)
            """,
            [oid],
        )
        constraints = _rows(
            """
            SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid),
                   k.condeferrable, k.condeferred
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE c.relnamespace = %s AND k.contype <> 'n'
            ORDER BY 1, 2
            """,
            [oid],
        )
        indexes = _rows(
            "SELECT tablename, indexname, replace(indexdef, quote_ident(%s) || '.', '<s>.') "
            "FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2",
            [schema, schema],
        )
        sequences = _rows(
            "SELECT sequencename, data_type::text, start_value, min_value, max_value, "
            "increment_by, cycle, last_value FROM pg_sequences WHERE schemaname = %s "
            "ORDER BY 1",
            [schema],
        )
        comments = _rows(
            "SELECT relname, obj_description(oid, 'pg_class') FROM pg_class "
            "WHERE relnamespace = %s AND relkind = 'r' ORDER BY 1",
            [oid],
        )
        data = {
            table: _rows(
                "SELECT count(*), "
                "md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) "
                f'FROM "{schema}"."{table}" t'
            )[0]
            for table in tables
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('search_path', %s, false)", [search_path])
    return {
        "tables": tables,
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "sequences": sequences,
        "comments": comments,
        "data": data,
    }


def test_a_template_cloned_is_the_template_again_object_by_object():
    assert (
        _not_plain(
            connection.cursor(),
            _rows("SELECT oid FROM pg_namespace WHERE nspname = 'tpl_surabaya'")[0][0],
        )
        == []
    )  # the fast path is the one taken
    schema_clone(source="tpl_surabaya", target="clone_ours")
    CloneSchemaOnce().clone_schema("tpl_surabaya", "clone_theirs", "DATA")

    source, ours, theirs = (describe(s) for s in ("tpl_surabaya", "clone_ours", "clone_theirs"))
    assert len(source["tables"]) >= 20 and sum(n for n, _ in source["data"].values()) > 0
    for part in source:
        assert ours[part] == source[part], part
    # clone_schema() makes the same tables, columns, rows and comments, but renames unique
    # constraints and their indexes (…_key for Django's …_uniq) and makes identity
    # sequences bigint; the plain clone keeps the template's names, which later
    # migrations use to alter or drop them.
    for part in ("tables", "columns", "data", "comments"):
        assert theirs[part] == source[part], part
    renamed = set(source["constraints"]) - set(theirs["constraints"])
    assert renamed and all(kind == "u" for _, _, kind, *_ in renamed)


def test_the_clone_works_as_the_template_does():
    """Rows inserted into the clone take the next identity values, and the foreign keys
    point inside the clone, not at the template."""
    schema_clone(source="tpl_surabaya", target="clone_live")
    (template_next,) = _rows(
        "SELECT last_value FROM pg_sequences WHERE schemaname = 'tpl_surabaya' "
        "AND sequencename = 'config_policysetting_id_seq'"
    )[0]
    (new_id,) = _rows(
        "INSERT INTO clone_live.config_policysetting (key, value, description, updated_at) "
        "VALUES ('clone.test', '1'::jsonb, '', now()) RETURNING id"
    )[0]
    assert new_id == template_next + 1
    references = _rows(
        """
        SELECT DISTINCT n.nspname FROM pg_constraint k
        JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE k.contype = 'f' AND k.connamespace = 'clone_live'::regnamespace
        """
    )
    assert references == [("clone_live",)]


SCRATCH = """
CREATE SCHEMA "Scratch";
CREATE TABLE "Scratch".parent (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    code varchar(10) NOT NULL CONSTRAINT parent_code_short CHECK (length(code) <= 5),
    "Mixed Case" text DEFAULT upper('x'),
    CONSTRAINT parent_code_uniq UNIQUE (code)
);
COMMENT ON TABLE "Scratch".parent IS 'parents';
COMMENT ON COLUMN "Scratch".parent.code IS 'the code';
CREATE TABLE "Scratch".child (
    id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
    parent_id bigint NOT NULL REFERENCES "Scratch".parent (id) DEFERRABLE INITIALLY DEFERRED,
    region_id varchar(13) REFERENCES public.tenants_region (code),
    note text
);
CREATE INDEX child_note_partial ON "Scratch".child (lower(note)) WHERE note IS NOT NULL;
CREATE UNIQUE INDEX child_parent_note ON "Scratch".child (parent_id, note);
INSERT INTO "Scratch".parent (code) VALUES ('a'), ('bb'), ('ccc');
INSERT INTO "Scratch".child (parent_id, region_id, note)
    SELECT p.id, '35.78', p.code FROM "Scratch".parent p;
"""


def test_names_quoting_partial_indexes_and_references_outside_the_schema_survive():
    with connection.cursor() as cursor:
        cursor.execute(SCRATCH)
    schema_clone(source="Scratch", target="Scratch Copy")
    source, copy = describe("Scratch"), describe("Scratch Copy")
    assert copy == source
    assert copy["data"]["child"][0] == 3
    assert ("child", "child_note_partial") in [(t, i) for t, i, _ in copy["indexes"]]
    (next_child,) = _rows('INSERT INTO "Scratch Copy".child (parent_id) VALUES (1) RETURNING id')[0]
    assert next_child == 115  # 100, 105, 110 copied; the sequence carried on
    with pytest.raises(Exception, match="child_region_id_fkey"):
        with connection.cursor() as cursor:
            cursor.execute("SAVEPOINT before_bad")
            try:
                cursor.execute(
                    """INSERT INTO "Scratch Copy".child (parent_id, region_id) """
                    "VALUES (1, 'nowhere'); SET CONSTRAINTS ALL IMMEDIATE"
                )
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT before_bad")


def test_a_schema_with_a_view_or_a_function_goes_through_clone_schema():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE SCHEMA viewy; CREATE TABLE viewy.t (id int PRIMARY KEY, name text);"
            "INSERT INTO viewy.t VALUES (1, 'satu');"
            "CREATE VIEW viewy.names AS SELECT name FROM viewy.t;"
            "CREATE FUNCTION viewy.two() RETURNS int LANGUAGE sql AS 'SELECT 2';"
        )
        oid = _rows("SELECT 'viewy'::regnamespace::oid")[0][0]
        assert _not_plain(cursor, oid) == [
            "relations other than tables, indexes and identity sequences",
            "functions",
        ]
    schema_clone(source="viewy", target="viewy_copy")
    assert _rows("SELECT name FROM viewy_copy.names") == [("satu",)]
    assert _rows("SELECT viewy_copy.two()") == [(2,)]


def test_a_clone_of_a_current_template_lacks_no_migration_and_one_behind_is_told():
    schema_clone(source="tpl_surabaya", target="clone_records")
    assert migrations_unapplied("clone_records") == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM clone_records.django_migrations WHERE id = "
            "(SELECT max(id) FROM clone_records.django_migrations) RETURNING app, name"
        )
        missing = cursor.fetchone()
    assert migrations_unapplied("clone_records") == {missing}


def test_generated_columns_and_collations_go_through_clone_schema():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE SCHEMA gen; CREATE TABLE gen.t (a int PRIMARY KEY, b int "
            "GENERATED ALWAYS AS (a * 2) STORED); INSERT INTO gen.t (a) VALUES (1), (2);"
            'CREATE SCHEMA coll; CREATE COLLATION coll.ci FROM "C";'
            "CREATE TABLE coll.t (id int PRIMARY KEY, name text COLLATE coll.ci)"
        )
        gen = _rows("SELECT 'gen'::regnamespace::oid")[0][0]
        coll = _rows("SELECT 'coll'::regnamespace::oid")[0][0]
        assert _not_plain(cursor, gen) == ["generated columns"]
        assert "collations, text search, operators or conversions" in _not_plain(cursor, coll)
    schema_clone(source="gen", target="gen_copy")
    assert _rows("SELECT a, b FROM gen_copy.t ORDER BY a") == [(1, 2), (2, 4)]


def test_a_failed_clone_leaves_the_callers_transaction_and_search_path_as_they_were():
    """A clone that fails half-way (here: the target exists) leaves nothing and restores
    nothing wrongly: the search path is the caller's."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA taken")
        cursor.execute("SHOW search_path")
        (before,) = cursor.fetchone()
    with pytest.raises(Exception, match="taken"):
        schema_clone(source="tpl_surabaya", target="taken")
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0] == before


def test_a_template_behind_the_index_migrations_is_cloned_and_migrated_inside_a_transaction():
    """The index migrations build CONCURRENTLY on their own (saas_platform.
    migration_operations), but a Pemda provisioned from a template that lags them
    migrates inside its provisioning transaction: there they build plainly, and the Pemda
    is made (found in review: Django's own operations refuse a transaction)."""
    from tenants.cloning import schema_clone_migrated

    schema_clone(source="tpl_surabaya", target="lagging")
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP INDEX lagging.activity_pending_employee;"
            "DROP INDEX lagging.evaluation_period_opd_rated;"
            "CREATE INDEX evaluation_period_opd ON lagging.performance_evaluation "
            "(period, opd_id, state);"
            "DELETE FROM lagging.django_migrations WHERE (app, name) IN "
            "(('activity', '0004_pending_index'), "
            "('performance', '0004_evaluation_index_includes_unit_predikat'))"
        )
    assert connection.in_atomic_block
    schema_clone_migrated(source="lagging", target="lagging_pemda")

    assert migrations_unapplied("lagging_pemda") == set()
    indexes = {
        name
        for (name,) in _rows(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'lagging_pemda' AND indexname "
            "IN ('activity_pending_employee', 'evaluation_period_opd_rated', "
            "'evaluation_period_opd')"
        )
    }
    assert indexes == {"activity_pending_employee", "evaluation_period_opd_rated"}
