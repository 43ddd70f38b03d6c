"""A worker counts the rows of a file once: the count the reader makes before reading a
workbook (to refuse one with too many rows) is the progress bar's total."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.importing import services
from core.importing.models import ImportJob, ImportStatus
from core.importing.services import import_job_create, import_job_run
from core.importing.tabular import write_csv, write_xlsx
from core.importing.xlsx import Workbook
from tests.core.importing import test_engine
from tests.core.importing.test_engine import HEADER, KIND

pytestmark = pytest.mark.django_db

settings_importer = test_engine.settings_importer  # the tests' own module, registered per test

ROWS = [[f"uji.k{n}", n, ""] for n in range(2500)]  # progress is saved every 1,000 rows


@pytest.fixture
def admin(surabaya) -> User:
    with surabaya:
        return User.objects.get(username="admin")


@pytest.fixture
def tag_counts(monkeypatch) -> list:
    """Each count of a workbook's row tags (a pass over its whole sheet), recorded."""
    counts = []
    real = Workbook.tags

    def tags(self, *args, **kwargs):
        counts.append(args or kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Workbook, "tags", tags)
    return counts


def _queued(name: str, *, by, monkeypatch, capture) -> ImportJob:
    """A job for a file too large for the request: stored, not counted, left to a worker."""
    monkeypatch.setattr(services, "SYNCHRONOUS_MAX_BYTES", 0)
    data = write_xlsx(HEADER, ROWS) if name.endswith(".xlsx") else write_csv(HEADER, ROWS)
    with capture(execute=False):
        job = import_job_create(kind=KIND, filename=name, data=data, by=by)
    assert (job.status, job.total_rows) == (ImportStatus.QUEUED, 0)
    return job


def test_a_worker_passes_over_a_workbook_to_count_its_rows_once(
    surabaya, admin, settings_importer, tag_counts, monkeypatch, django_capture_on_commit_callbacks
):
    with surabaya:
        job = _queued(
            "besar.xlsx",
            by=admin,
            monkeypatch=monkeypatch,
            capture=django_capture_on_commit_callbacks,
        )
        assert tag_counts == []  # not counted in the request
        job = import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.DONE, job.report
    assert len(tag_counts) == 1  # the reader's pre-scan, and no count of its own before
    assert (job.total_rows, job.processed_rows) == (2500, 2500)


@pytest.mark.parametrize("name", ["besar.xlsx", "besar.csv"])
def test_the_total_is_known_before_the_first_progress(
    surabaya, admin, settings_importer, monkeypatch, django_capture_on_commit_callbacks, name
):
    with surabaya:
        job = _queued(
            name, by=admin, monkeypatch=monkeypatch, capture=django_capture_on_commit_callbacks
        )
        with CaptureQueriesContext(connection) as queries:
            import_job_run(job_id=job.pk)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "importing_importjob"')]
    total = next(n for n, sql in enumerate(updates) if '"total_rows" = 2500' in sql)
    first_progress = next(n for n, sql in enumerate(updates) if '"processed_rows" = 1000' in sql)
    assert total < first_progress


def test_a_file_counted_in_the_request_is_not_given_its_total_again(
    surabaya, admin, settings_importer, tag_counts
):
    with surabaya, CaptureQueriesContext(connection) as queries:
        job = import_job_create(
            kind=KIND, filename="kecil.xlsx", data=write_xlsx(HEADER, ROWS[:3]), by=admin
        )
    assert (job.status, job.total_rows) == (ImportStatus.DONE, 3)
    # Counted in the request (to choose between request and worker), then by the reader.
    assert len(tag_counts) == 2
    assert not any(
        q["sql"].startswith('UPDATE "importing_importjob" SET "total_rows" = 3 WHERE')
        for q in queries
    )
