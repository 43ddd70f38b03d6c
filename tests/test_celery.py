"""A task enqueued inside a Pemda runs in that Pemda's schema, on a real worker."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from core.accounts.models import User
from core.accounts.tasks import account_password_setup_send_task
from saas_platform.celery import app as celery_app


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker thread on the in-memory broker, as in production but in-process."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "result_backend")}
    celery_app.conf.update(broker_url="memory://", result_backend="cache+memory://")
    try:
        with django_db_blocker.unblock():
            with start_worker(
                celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
            ):
                yield
    finally:
        celery_app.conf.update(saved)


@pytest.mark.django_db
def test_a_task_enqueued_in_a_pemda_runs_in_that_pemdas_schema(celery_worker, surabaya, jambi):
    with jambi:
        jambi_admin = User.objects.get(username="admin")
    with surabaya:
        surabaya_admin = User.objects.get(username="admin")
    # Account ids repeat across schemas: the id alone cannot say whose admin this is.
    assert jambi_admin.pk == surabaya_admin.pk

    with jambi:
        result = account_password_setup_send_task.delay(jambi_admin.pk, jambi.domain_name)
    sent_to = result.get(timeout=20)

    assert sent_to == "admin@jambikota.go.id"
    message = mail.outbox[-1]
    assert message.to == ["admin@jambikota.go.id"]
    assert "kota-jambi.localhost" in message.body


@pytest.mark.django_db
def test_the_same_task_enqueued_at_the_platform_finds_no_pemda_account(celery_worker, surabaya):
    with surabaya:
        admin_pk = User.objects.get(username="admin").pk
    result = account_password_setup_send_task.delay(admin_pk, "localhost")  # public schema
    with pytest.raises(User.DoesNotExist):
        result.get(timeout=20)
