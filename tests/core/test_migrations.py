"""Moving models between apps keeps every row: a Pemda migrated from before the move keeps
its import jobs (core.org → core.importing) and its atasan history (→ the audit trail)."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

BEFORE = [("org", "0003_unit_tree_path"), ("accounts", "0002_user_role_set_by_hand")]
SCHEMA = "migration_check"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [
        key
        for key in executor.loader.graph.leaf_nodes()
        if key[0] in {"org", "importing", "audit", "accounts", "config"}
    ]


def test_import_jobs_and_the_atasan_history_survive_the_move(surabaya):
    """1. A new schema at the state before the move, with a job and an atasan change.
    2. Migrate it to the latest state.
    3. The job is an ImportJob of core.importing in its renamed table; the change is an
       audit event with who, when, from whom, to whom and why; the old table is gone."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
    connection.set_schema(SCHEMA)
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # DDL follows these rows
            cursor.execute(
                "INSERT INTO django_content_type (app_label, model) VALUES ('org', 'importjob')"
            )
            cursor.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, first_name, "
                "last_name, email, is_staff, is_active, date_joined, name, role, "
                "role_set_by_hand, province_code) VALUES ('!', false, 'admin', '', '', '', "
                "false, true, now(), 'Admin BKPSDMD', 'tenant_admin', false, '') RETURNING id"
            )
            (admin,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO org_unit (code, name, kind, depth, tree_path) "
                "VALUES ('OPD', 'Dinas', 'DINAS', 0, 'OPD') RETURNING id"
            )
            (unit,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO org_position (code, name, jenis, jenjang, kelas_jabatan, unit_id) "
                "VALUES ('KADIS', 'Kepala Dinas', 'JPT_PRATAMA', '', 14, %s) RETURNING id",
                [unit],
            )
            (position,) = cursor.fetchone()
            people = []
            for nip, name in (
                ("196803121990031001", "Budi"),
                ("197205151995032002", "Sri"),
                ("198302022008012004", "Dewi"),
            ):
                cursor.execute(
                    "INSERT INTO org_employee (nip, name, status, golongan, position_id, "
                    "unit_id, email, phone, is_active, created_at, updated_at) VALUES "
                    "(%s, %s, 'PNS', 'IV/a', %s, %s, '', '', true, now(), now()) RETURNING id",
                    [nip, name, position, unit],
                )
                people.append(cursor.fetchone()[0])
            cursor.execute(
                "INSERT INTO org_atasanoverride (employee_id, previous_id, new_id, reason, "
                "changed_by_id, changed_at) VALUES (%s, %s, %s, 'Kepala cuti', %s, "
                "'2026-11-20 03:00+00')",
                [people[2], people[0], people[1], admin],
            )
            cursor.execute(
                "INSERT INTO org_importjob (kind, filename, path, good_rows_only, status, "
                "total_rows, processed_rows, report, created_by_id, created_at) VALUES "
                "('employees', 'pegawai.xlsx', 'imports/x', false, 'done', 3, 3, "
                "'{\"created\": 3}', %s, now())",
                [admin],
            )

        _migrate(_latest())

        with connection.cursor() as cursor:
            cursor.execute("SELECT kind, filename, status, report FROM importing_importjob")
            assert cursor.fetchall() == [("employees", "pegawai.xlsx", "done", '{"created": 3}')]
            cursor.execute(
                "SELECT actor_id, actor_name, action, object_id, object_repr, before, after, "
                "reason, at FROM audit_auditevent"
            )
            (event,) = cursor.fetchall()
            cursor.execute("SELECT to_regclass('org_atasanoverride'), to_regclass('org_importjob')")
            gone = cursor.fetchone()
            cursor.execute("SELECT app_label FROM django_content_type WHERE model = 'importjob'")
            content_types = [row[0] for row in cursor.fetchall()]
        actor, actor_name, action, object_id, object_repr, before, after, reason, at = event
        assert (actor, actor_name, action) == (admin, "Admin BKPSDMD", "org.atasan.override")
        assert (object_id, object_repr) == (str(people[2]), "Dewi (198302022008012004)")
        assert json.loads(before) == {"atasan": "Budi (196803121990031001)"}
        assert json.loads(after) == {"atasan": "Sri (197205151995032002)", "set_by_hand": True}
        assert reason == "Kepala cuti" and at.isoformat().startswith("2026-11-20T03:00")
        assert gone == (None, None)
        assert content_types == ["importing"]  # the content type (and its permissions) moved

        # Back to before the move and forward again: the history is neither lost nor doubled,
        # and keeps its time.
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reason, changed_at FROM org_atasanoverride")
            (back,) = cursor.fetchall()
            cursor.execute("SELECT count(*) FROM org_importjob")
            assert cursor.fetchone() == (1,)
        assert back[0] == "Kepala cuti" and back[1].isoformat().startswith("2026-11-20T03:00")
        _migrate(_latest())
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), min(at) FROM audit_auditevent")
            count, first = cursor.fetchone()
        assert count == 1 and first.isoformat().startswith("2026-11-20T03:00")
    finally:
        connection.set_schema_to_public()
