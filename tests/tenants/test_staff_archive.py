"""Archiving a Pemda: its schema exported by the real pg_dump to a file, the file checked
and restored into a scratch database to prove it usable, then the Pemda archived; its data
deleted only on a second confirmation while that file is intact. Every step is audited."""

import os
import stat
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.accounts.models import User
from core.audit.models import AuditEvent
from tenants import staff_audit
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import _provision_lease, pemda_request
from tenants.staff_archive import _pg_environment, archive_listing, pg_binary
from tenants.staff_selectors import pemda_archive_state
from tenants.staff_services import (
    StaffActionError,
    pemda_archive_request,
    pemda_archive_run,
    pemda_reactivate,
    pemda_schema_drop,
    pemda_suspend,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "arsip"
    return settings.ARCHIVE_DIR


def archived(pemda, staff, django_capture_on_commit_callbacks) -> Pemda:
    """Suspend, ask for the archive (the task is queued), then run the worker's part."""
    pemda_suspend(pemda=pemda, by=staff, reason="Tidak berlangganan lagi")
    with django_capture_on_commit_callbacks() as queued:
        pemda_archive_request(pemda=pemda, by=staff, reason="Tidak berlangganan lagi")
    assert len(queued) == 1
    request = AuditEvent.objects.get(action=staff_audit.ARCHIVE_REQUEST, object_id=str(pemda.pk))
    assert pemda_archive_run(pemda_id=pemda.pk, request_id=request.pk) == "archived"
    return Pemda.objects.get(pk=pemda.pk)


def events(pemda, action):
    return list(AuditEvent.objects.filter(object_id=str(pemda.pk), action=action))


def test_archiving_exports_a_checked_file_then_archives_and_records_it(
    staff, jambi, django_capture_on_commit_callbacks, archive_dir
):
    pemda = archived(jambi, staff, django_capture_on_commit_callbacks)
    assert pemda.status == PemdaStatus.ARCHIVED
    (event,) = events(pemda, staff_audit.ARCHIVE)
    archive = event.after["archive"]
    path = Path(archive["path"])
    assert path.parent == archive_dir / "kota-jambi" and path.suffix == ".dump"
    assert path.stat().st_size == archive["size"] > 0 and archive["tables"] > 10
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data
    assert not list(path.parent.glob("*.partial"))
    assert event.actor == staff and event.reason == "Tidak berlangganan lagi"
    assert "TABLE DATA kota_jambi accounts_user" in archive_listing(path)
    assert pemda_archive_state(pemda).exported
    assert schema_exists("kota_jambi")  # kept until the second confirmation


def test_the_archive_file_restores_into_a_scratch_database_with_the_pemdas_accounts(
    staff, jambi, django_capture_on_commit_callbacks
):
    with jambi:
        usernames = sorted(User.objects.values_list("username", flat=True))
    pemda = archived(jambi, staff, django_capture_on_commit_callbacks)
    path = events(pemda, staff_audit.ARCHIVE)[0].after["archive"]["path"]
    scratch = f"sinergi_restore_{os.getpid()}"
    params = {k: v for k, v in _pg_environment().items() if k.startswith("PG")}
    admin = psycopg2.connect(
        dbname="postgres",
        host=params.get("PGHOST"),
        port=params.get("PGPORT"),
        user=params.get("PGUSER"),
        password=params.get("PGPASSWORD"),
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {scratch}")
    try:
        subprocess.run(
            [pg_binary("pg_restore"), "--exit-on-error", f"--dbname={scratch}", path],
            env={**_pg_environment(), "PGDATABASE": scratch},
            check=True,
            capture_output=True,
        )
        restored = psycopg2.connect(
            dbname=scratch,
            host=params.get("PGHOST"),
            port=params.get("PGPORT"),
            user=params.get("PGUSER"),
            password=params.get("PGPASSWORD"),
        )
        with restored, restored.cursor() as cursor:
            cursor.execute("SELECT username FROM kota_jambi.accounts_user ORDER BY username")
            assert [row[0] for row in cursor.fetchall()] == usernames
        restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {scratch}")
        admin.close()


def test_the_data_is_deleted_only_on_the_typed_address_and_it_is_audited(
    staff, staff_client, jambi, django_capture_on_commit_callbacks
):
    pemda = archived(jambi, staff, django_capture_on_commit_callbacks)
    page = staff_client.get(f"/staf/pemda/{pemda.pk}/").content.decode()
    assert "/hapus-data/" in page and "checked" in page

    wrong = staff_client.post(
        f"/staf/pemda/{pemda.pk}/hapus-data/", {"confirmation": "jambi", "reason": "Selesai"}
    )
    assert wrong.status_code == 400 and "kota-jambi" in wrong.content.decode()
    assert schema_exists("kota_jambi") and events(pemda, staff_audit.SCHEMA_DROP) == []

    done = staff_client.post(
        f"/staf/pemda/{pemda.pk}/hapus-data/",
        {"confirmation": "kota-jambi", "reason": "Kontrak berakhir"},
    )
    assert done.status_code == 302
    assert not schema_exists("kota_jambi")
    (event,) = events(pemda, staff_audit.SCHEMA_DROP)
    assert event.actor == staff and event.before == {"schema": "kota_jambi"}
    assert Path(event.after["archive"]["path"]).is_file()  # the file stays
    assert Pemda.objects.get(pk=pemda.pk).status == PemdaStatus.ARCHIVED  # the row stays
    assert pemda_archive_state(pemda).state == "dropped"


def test_a_missing_or_changed_archive_file_keeps_the_data(
    staff, jambi, django_capture_on_commit_callbacks
):
    pemda = archived(jambi, staff, django_capture_on_commit_callbacks)
    path = Path(events(pemda, staff_audit.ARCHIVE)[0].after["archive"]["path"])
    with open(path, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(StaffActionError, match="missing or changed"):
        pemda_schema_drop(pemda=pemda, by=staff, confirmation="kota-jambi", reason="Selesai")
    path.unlink()
    with pytest.raises(StaffActionError, match="missing or changed"):
        pemda_schema_drop(pemda=pemda, by=staff, confirmation="kota-jambi", reason="Selesai")
    assert schema_exists("kota_jambi")


def test_a_failed_export_leaves_the_pemda_as_it_was_and_says_why(
    staff, jambi, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.PG_BIN_DIR = str(tmp_path / "kosong")  # no pg_dump there
    pemda_suspend(pemda=jambi, by=staff, reason="Uji")
    with django_capture_on_commit_callbacks():
        pemda_archive_request(pemda=jambi, by=staff, reason="Uji")
    request = events(jambi, staff_audit.ARCHIVE_REQUEST)[0]
    assert pemda_archive_run(pemda_id=jambi.pk, request_id=request.pk) == "failed"
    assert Pemda.objects.get(pk=jambi.pk).status == PemdaStatus.SUSPENDED
    state = pemda_archive_state(jambi)
    assert state.state == "failed" and "pg_dump not found" in state.error
    assert not list(Path(settings.ARCHIVE_DIR).rglob("*.partial"))


def test_a_pemda_reactivated_before_the_export_ran_is_not_archived(
    staff, jambi, django_capture_on_commit_callbacks
):
    pemda_suspend(pemda=jambi, by=staff, reason="Uji")
    with django_capture_on_commit_callbacks():
        pemda_archive_request(pemda=jambi, by=staff, reason="Uji")
    request = events(jambi, staff_audit.ARCHIVE_REQUEST)[0]
    pemda_reactivate(pemda=jambi, by=staff, reason="Sudah bayar")
    assert pemda_archive_run(pemda_id=jambi.pk, request_id=request.pk) == "failed"
    assert Pemda.objects.get(pk=jambi.pk).status == PemdaStatus.ACTIVE


def test_asking_twice_queues_one_export_and_a_held_lease_makes_the_worker_wait(
    staff, jambi, django_capture_on_commit_callbacks
):
    pemda_suspend(pemda=jambi, by=staff, reason="Uji")
    with django_capture_on_commit_callbacks() as queued:
        pemda_archive_request(pemda=jambi, by=staff, reason="Uji")
        with pytest.raises(StaffActionError, match="already under way"):
            pemda_archive_request(pemda=jambi, by=staff, reason="Uji lagi")
    assert len(queued) == 1 and len(events(jambi, staff_audit.ARCHIVE_REQUEST)) == 1
    request = events(jambi, staff_audit.ARCHIVE_REQUEST)[0]
    other = connection.copy()  # another session holds the lease: a provisioning under way
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(7301, %s)", [jambi.pk])
        assert pemda_archive_run(pemda_id=jambi.pk, request_id=request.pk) == "busy"
    finally:
        other.close()
    assert Pemda.objects.get(pk=jambi.pk).status == PemdaStatus.SUSPENDED


def test_a_sign_up_that_never_got_a_schema_is_archived_with_nothing_to_export(
    staff, django_capture_on_commit_callbacks
):
    pemda = pemda_request(region_code="32.73", template_name="surabaya")
    assert not schema_exists(pemda.schema_name)
    with django_capture_on_commit_callbacks():
        pemda_archive_request(pemda=pemda, by=staff, reason="Pendaftaran ganda")
    request = events(pemda, staff_audit.ARCHIVE_REQUEST)[0]
    with _provision_lease(0):  # (the lease of another Pemda does not get in the way)
        assert pemda_archive_run(pemda_id=pemda.pk, request_id=request.pk) == "archived"
    assert Pemda.objects.get(pk=pemda.pk).status == PemdaStatus.ARCHIVED
    assert events(pemda, staff_audit.ARCHIVE)[0].after["archive"] is None
