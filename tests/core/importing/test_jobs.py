"""The import engine's per-Pemda job: uploads are not kept longer than needed."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core.accounts.models import User
from core.importing.jobs import UPLOAD_RETENTION, import_uploads_purge
from core.importing.models import ImportJob, ImportStatus
from tenants.dispatch import pemda_job_get, pemda_job_names

pytestmark = pytest.mark.django_db


def _job(status, *, finished_days_ago, admin):
    path = default_storage.save("imports/test/pegawai.csv", ContentFile(b"NIP\n1"))
    finished = timezone.now() - timedelta(days=finished_days_ago)
    return ImportJob.objects.create(
        kind="employees",
        filename="pegawai.csv",
        path=path,
        status=status,
        created_by=admin,
        finished_at=finished if status != ImportStatus.RUNNING else None,
        report={"good_rows": 3, "bad_rows": 1},
    )


def test_uploads_of_finished_jobs_go_after_a_week_and_the_jobs_stay(surabaya):
    with surabaya:
        admin = User.objects.get(username="admin")
        old = _job(ImportStatus.REJECTED, finished_days_ago=UPLOAD_RETENTION.days + 1, admin=admin)
        recent = _job(ImportStatus.REJECTED, finished_days_ago=1, admin=admin)
        running = _job(ImportStatus.RUNNING, finished_days_ago=30, admin=admin)
        old_path = old.path

        assert import_uploads_purge() == 1

        old.refresh_from_db()
        assert old.path == "" and not default_storage.exists(old_path)
        assert not old.can_import_good_rows  # nothing left to import the good rows from
        assert default_storage.exists(recent.path) and recent.can_import_good_rows
        assert default_storage.exists(running.path)
        assert import_uploads_purge() == 0  # nothing twice


def test_housekeeping_is_a_job_the_dispatcher_runs_for_every_pemda(surabaya):
    assert "importing.housekeeping" in pemda_job_names()  # found in core/importing/jobs.py
    assert "org.refresh_all" in pemda_job_names()  # found in core/org/jobs.py
    with surabaya:
        result = pemda_job_get("importing.housekeeping")(surabaya)
    assert result == {"failed": 0, "requeued": 0, "purged": 0}


def test_a_job_whose_worker_died_is_closed_and_a_lost_one_sent_again(
    surabaya, monkeypatch, django_capture_on_commit_callbacks
):
    from core.importing import tasks
    from core.importing.services import import_jobs_recover

    sent = []
    monkeypatch.setattr(tasks.import_job_run_task, "delay", lambda job_id: sent.append(job_id))
    with surabaya:
        admin = User.objects.get(username="admin")
        dead = _job(ImportStatus.RUNNING, finished_days_ago=0, admin=admin)
        alive = _job(ImportStatus.RUNNING, finished_days_ago=0, admin=admin)
        lost = _job(ImportStatus.QUEUED, finished_days_ago=0, admin=admin)
        long_ago = timezone.now() - timedelta(hours=2)
        ImportJob.objects.filter(pk=dead.pk).update(started_at=long_ago)
        ImportJob.objects.filter(pk=alive.pk).update(started_at=timezone.now())
        ImportJob.objects.filter(pk=lost.pk).update(created_at=long_ago)
        with django_capture_on_commit_callbacks(execute=True):
            assert import_jobs_recover() == {"failed": 1, "requeued": 1}
        dead.refresh_from_db()
        alive.refresh_from_db()
        assert (dead.status, alive.status) == (ImportStatus.FAILED, ImportStatus.RUNNING)
        assert dead.report["errors"][0]["message"] == (
            "Proses yang mengimpor berkas ini berhenti; unggah berkas sekali lagi."
        )
        assert sent == [lost.pk]


def test_the_org_refresh_runs_once_a_day_or_when_the_rules_changed(surabaya, monkeypatch):
    from core.org import jobs

    with surabaya:
        assert pemda_job_get("org.refresh_all")(surabaya) == {"refreshed": True}
        assert pemda_job_get("org.refresh_all")(surabaya) == {"refreshed": False}
        monkeypatch.setattr(jobs, "ORG_DERIVATION_VERSION", jobs.ORG_DERIVATION_VERSION + 1)
        assert pemda_job_get("org.refresh_all")(surabaya) == {"refreshed": True}
