"""The archive's export on a real Celery worker (``celery -A saas_platform worker`` on the
test database and its database broker), as staff would see it: asked for, running, then
archived with a checked file. Like tests/hardening/test_worker_crash.py, no django_db mark:
what the worker reads is committed, and removed afterwards."""

from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.accounts.models import Role, User
from core.audit.models import AuditEvent
from saas_platform.broker import database_broker_url
from saas_platform.celery import app as celery_app
from tenants import staff_audit
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import pemda_provision, pemda_request
from tenants.staff_archive import archive_listing
from tenants.staff_services import pemda_archive_request, pemda_suspend
from tenants.staff_tasks import pemda_archive_task
from tests.hardening.test_worker_crash import (
    broker_engines_dispose,
    wait_for,
    worker_start,
    worker_stop,
)


@pytest.fixture
def mataram(django_db_setup, django_db_blocker):
    """Kota Mataram provisioned (committed) and a staff account; both removed afterwards."""
    with django_db_blocker.unblock():
        pemda = pemda_request(region_code="52.71", template_name="jabar")
        pemda = pemda_provision(pemda_id=pemda.pk)
        staff = User.objects.create_user(
            "staf-arsip", password="staf-rahasia-1", role=Role.PLATFORM_STAFF, is_staff=True
        )
        try:
            yield pemda, staff
        finally:
            connection.set_schema_to_public()
            AuditEvent.objects.filter(object_id=str(pemda.pk), object_type="tenants.pemda").delete()
            with connection.cursor() as cursor:  # (a platform account has no tenant rows)
                cursor.execute("DELETE FROM accounts_user WHERE id = %s", [staff.pk])
            pemda.refresh_from_db()
            pemda.delete(force_drop=True)
            broker_engines_dispose()


def test_a_real_worker_exports_the_schema_and_archives_the_pemda(mataram, tmp_path, monkeypatch):
    pemda, staff = mataram
    archive_dir = tmp_path / "arsip"
    monkeypatch.setenv("ARCHIVE_DIR", str(archive_dir))  # the worker's settings
    log = tmp_path / "worker.log"
    pemda_suspend(pemda=pemda, by=staff, reason="Uji arsip")
    pemda_archive_request(pemda=pemda, by=staff, reason="Uji arsip")  # commits (autocommit)
    request = AuditEvent.objects.get(action=staff_audit.ARCHIVE_REQUEST, object_id=str(pemda.pk))
    worker = worker_start("arsip", log)
    try:
        broker = database_broker_url(connection.settings_dict)
        with celery_app.connection_for_write(broker) as broker_connection:
            pemda_archive_task.apply_async((pemda.pk, request.pk), connection=broker_connection)
        wait_for(
            lambda: Pemda.objects.filter(pk=pemda.pk, status=PemdaStatus.ARCHIVED).exists(),
            60,
            "the Pemda archived by the worker",
            log,
        )
    finally:
        worker_stop(worker)
    (event,) = AuditEvent.objects.filter(action=staff_audit.ARCHIVE, object_id=str(pemda.pk))
    path = Path(event.after["archive"]["path"])
    assert path.parent == archive_dir / pemda.slug
    assert f"TABLE DATA {pemda.schema_name} accounts_user" in archive_listing(path)
    assert event.actor_id == staff.pk
    assert schema_exists(pemda.schema_name)
