"""Import jobs: small files run in the request, large ones once on a worker; the upload is
deleted once imported and kept while its good rows may still be wanted; a failure is
recorded, and every run is in the audit trail."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.config.models import PolicySetting
from core.importing import services
from core.importing.models import ImportJob, ImportStatus
from core.importing.services import (
    import_job_create,
    import_job_rerun_good_rows,
    import_job_run,
)
from core.importing.tabular import write_csv, write_xlsx
from core.importing.tasks import import_job_run_task
from tests.core.importing import test_engine
from tests.core.importing.test_engine import HEADER, KIND

pytestmark = pytest.mark.django_db

settings_importer = test_engine.settings_importer  # the tests' own module, registered per test

GOOD = [["uji.a", 1, ""], ["uji.b", 2, ""]]
WITH_A_BAD_ROW = [["uji.a", 1, ""], ["uji.b", "dua", ""]]


@pytest.fixture
def admin(surabaya) -> User:
    with surabaya:
        return User.objects.get(username="admin")


@pytest.fixture
def sent(monkeypatch) -> list:
    """What would go to the broker: (task arguments, the schema they were sent from)."""
    messages = []
    monkeypatch.setattr(
        import_job_run_task,
        "apply_async",
        lambda args=None, kwargs=None, **options: messages.append((args, connection.schema_name)),
    )
    return messages


@pytest.fixture
def table_import_calls(monkeypatch) -> list:
    """Each run of the engine by the services, counted; the engine itself still runs."""
    calls = []
    real = services.table_import

    def counted(**kwargs):
        calls.append(kwargs["kind"])
        return real(**kwargs)

    monkeypatch.setattr(services, "table_import", counted)
    return calls


def create(rows, *, by, name="pengaturan.xlsx", **options) -> ImportJob:
    data = write_xlsx(HEADER, rows) if name.endswith(".xlsx") else write_csv(HEADER, rows)
    return import_job_create(kind=KIND, filename=name, data=data, by=by, **options)


def settings_imported() -> dict:
    return dict(PolicySetting.objects.filter(key__startswith="uji.").values_list("key", "value"))


# --- Here or on a worker --------------------------------------------------------------------


def test_a_small_file_runs_in_the_request(surabaya, admin, settings_importer, sent):
    with surabaya:
        job = create(GOOD, by=admin)
        assert settings_imported() == {"uji.a": 1, "uji.b": 2}
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.processed_rows, job.percent) == (2, 2, 100)
    assert job.finished_at is not None
    assert (job.report["created"], job.report["written"]) == (2, True)
    assert sent == []


@pytest.mark.parametrize("name", ["p.csv", "p.xlsx"])
@pytest.mark.parametrize(("rows", "queued"), [(2, False), (3, True)])
def test_the_threshold_is_the_last_size_run_in_the_request(
    surabaya,
    admin,
    settings_importer,
    sent,
    monkeypatch,
    django_capture_on_commit_callbacks,
    rows,
    queued,
    name,
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 2)
    with surabaya, django_capture_on_commit_callbacks(execute=True):
        job = create([[f"uji.k{n}", n, ""] for n in range(rows)], by=admin, name=name)
    assert job.total_rows == rows
    assert (job.status == ImportStatus.QUEUED) is queued
    assert len(sent) == int(queued)


def test_a_large_file_is_queued_for_a_worker_only_once_the_request_commits(
    surabaya, admin, settings_importer, sent, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 1)
    with surabaya, django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create(GOOD, by=admin)
        assert sent == []  # never .delay() inside the open transaction
        assert not settings_imported()
    assert job.status == ImportStatus.QUEUED and job.report == {}
    with surabaya:
        for callback in callbacks:
            callback()
    assert sent == [((job.pk,), "surabaya")]


def test_the_worker_runs_a_queued_job_once(
    surabaya, admin, settings_importer, sent, monkeypatch, table_import_calls
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 1)
    with surabaya:
        job = create(GOOD, by=admin)
        assert table_import_calls == []
        first = import_job_run(job_id=job.pk)
        second = import_job_run(job_id=job.pk)  # the message delivered twice (acks_late)
        events = AuditEvent.objects.filter(object_type="importing.importjob", object_id=str(job.pk))
        assert [event.action for event in events] == ["import.run"]
        assert settings_imported() == {"uji.a": 1, "uji.b": 2}
    assert table_import_calls == [KIND]
    assert first.status == second.status == ImportStatus.DONE
    assert second.finished_at == first.finished_at


@pytest.mark.parametrize("status", [ImportStatus.RUNNING, ImportStatus.DONE, ImportStatus.FAILED])
def test_a_job_another_worker_claimed_or_finished_is_left_alone(
    surabaya, admin, settings_importer, sent, monkeypatch, table_import_calls, status
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 1)
    with surabaya:
        job = create(GOOD, by=admin)
        ImportJob.objects.filter(pk=job.pk).update(status=status)
        assert import_job_run(job_id=job.pk).status == status
        assert not settings_imported()
    assert table_import_calls == []


def test_the_task_runs_the_job_in_the_schema_it_is_given(
    surabaya, jambi, admin, settings_importer, sent, monkeypatch
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 1)
    with surabaya:
        job = create(GOOD, by=admin)
        assert import_job_run_task.run(job.pk) == ImportStatus.DONE
    with jambi:
        assert not settings_imported()


def test_a_kind_the_registry_accepts_can_be_uploaded(surabaya, admin):
    from core.importing import engine

    class LongKind(test_engine.SettingsImporter):
        kind = "skp_rencana_hasil_kerja"  # 23 characters

    try:
        engine.importer_register(LongKind())
    except ValueError:
        return  # refused when the module registers: as good as working
    try:
        with surabaya:
            job = import_job_create(
                kind=LongKind.kind, filename="rhk.csv", data=write_csv(HEADER, GOOD), by=admin
            )
        assert job.status == ImportStatus.DONE
    finally:
        engine._IMPORTERS.pop(LongKind.kind, None)


# --- The stored upload ----------------------------------------------------------------------


def test_the_upload_is_deleted_once_the_import_commits(
    surabaya, admin, settings_importer, django_capture_on_commit_callbacks
):
    with surabaya, django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create(GOOD, by=admin)
        assert job.path.startswith("imports/surabaya/")
        assert default_storage.exists(job.path)  # not before the data is committed
    for callback in callbacks:
        callback()
    assert not default_storage.exists(job.path)


def test_a_rejected_upload_is_kept_for_its_good_rows(
    surabaya, admin, settings_importer, django_capture_on_commit_callbacks
):
    with surabaya, django_capture_on_commit_callbacks(execute=True):
        job = create(WITH_A_BAD_ROW, by=admin)
    assert job.status == ImportStatus.REJECTED
    assert default_storage.exists(job.path)


def test_the_good_rows_rerun_imports_them_from_the_kept_upload(
    surabaya, admin, settings_importer, django_capture_on_commit_callbacks
):
    with surabaya, django_capture_on_commit_callbacks(execute=True):
        rejected = create(WITH_A_BAD_ROW, by=admin, name="campur.xlsx")
        rerun = import_job_rerun_good_rows(job=rejected, by=admin)
        assert settings_imported() == {"uji.a": 1}
    assert rerun.pk != rejected.pk
    assert (rerun.kind, rerun.filename, rerun.good_rows_only) == (KIND, "campur.xlsx", True)
    assert (rerun.status, rerun.report["created"], rerun.report["bad_rows"]) == ("done", 1, 1)
    assert rerun.path != rejected.path
    assert not default_storage.exists(rerun.path)  # its own copy, deleted once imported


@pytest.mark.parametrize(
    "data",
    [write_xlsx(["Kunci", "Angka"], [["uji.a", 1]]), b"bukan buku kerja"],
    ids=["wrong headers", "unreadable"],
)
def test_the_good_rows_of_an_unusable_file_are_not_rerun(
    surabaya, admin, settings_importer, table_import_calls, data
):
    with surabaya:
        job = import_job_create(kind=KIND, filename="p.xlsx", data=data, by=admin)
        assert job.report["unusable"] and job.report["good_rows"] == 0
        assert import_job_rerun_good_rows(job=job, by=admin) == job
        assert ImportJob.objects.count() == 1
    assert table_import_calls == [KIND]


def test_a_done_job_is_not_rerun(surabaya, admin, settings_importer):
    with surabaya:
        job = create(GOOD, by=admin)
        assert import_job_rerun_good_rows(job=job, by=admin) == job
        assert ImportJob.objects.count() == 1


def test_the_stored_name_cannot_leave_the_pemdas_folder(surabaya, admin, settings_importer):
    with surabaya:
        job = import_job_create(
            kind=KIND,
            filename="../../jambi/" + "x" * 300 + ".csv",
            data=write_csv(HEADER, GOOD),
            by=admin,
        )
    assert job.status == ImportStatus.DONE
    assert job.path.startswith("imports/surabaya/") and ".." not in job.path
    assert job.filename.endswith(".csv") and "/" not in job.filename
    assert len(job.filename) <= 200


# --- A failing import -----------------------------------------------------------------------


def test_a_failing_import_is_recorded_as_failed_with_the_error(
    surabaya, admin, settings_importer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("mesin rusak")

    monkeypatch.setattr(services, "table_import", broken)
    with surabaya, django_capture_on_commit_callbacks(execute=True):
        job = create(GOOD, by=admin)
        assert not settings_imported()
    assert job.status == ImportStatus.FAILED
    assert job.finished_at is not None and job.is_finished
    assert job.report["errors"] == [
        {"row": 0, "column": "", "message": "RuntimeError: mesin rusak"}
    ]
    assert not job.can_import_good_rows
    assert default_storage.exists(job.path)  # kept, to look into or to run again


def test_a_failing_worker_job_is_recorded_as_failed(
    surabaya, admin, settings_importer, sent, monkeypatch
):
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_ROWS", 1)
    with surabaya:
        job = create(GOOD, by=admin)
        default_storage.delete(job.path)  # the shared storage lost it
        assert import_job_run_task.run(job.pk) == ImportStatus.FAILED
        job.refresh_from_db()
    assert job.report["errors"][0]["message"].startswith("FileNotFoundError")


# --- The audit trail ------------------------------------------------------------------------


def test_an_import_and_a_rejection_are_in_the_audit_trail(surabaya, admin, settings_importer):
    with surabaya:
        done = create(GOOD, by=admin, name="baik.xlsx")
        rejected = create(WITH_A_BAD_ROW, by=admin, name="buruk.xlsx")
        run = AuditEvent.objects.get(object_id=str(done.pk), object_type="importing.importjob")
        reject = AuditEvent.objects.get(
            object_id=str(rejected.pk), object_type="importing.importjob"
        )
    assert (run.action, run.actor_id, run.object_repr) == (
        "import.run",
        admin.pk,
        "Pengaturan kebijakan (uji): baik.xlsx",
    )
    assert run.after == {
        "file": "baik.xlsx",
        "kind": KIND,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "bad_rows": 0,
        "good_rows_only": False,
    }
    assert reject.action == "import.reject"
    assert (reject.after["rows"], reject.after["bad_rows"], reject.after["created"]) == (2, 1, 0)
