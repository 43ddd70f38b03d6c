"""The per-process cache of a Pemda's settings (core.config.selectors.SETTINGS_TTL).

Web requests run outside a transaction, where the cache is used; a test's transaction
would bypass it. So these tests, like the worker tests of tests/tenants/test_dispatch.py,
write committed data without ``django_db(transaction=True)`` (its teardown flushes every
public table) and put back exactly what they changed: the setting, its audit events and
the cache.
"""

import time

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.config import selectors
from core.config.models import PolicySetting
from core.config.selectors import setting_get, settings_cache_clear
from core.config.services import policy_setting_set
from core.org.workload import EFFECTIVE_MINUTES_SETTING as MINUTES
from tenants.models import Pemda


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Kota Surabaya in autocommit; its effective working time, the audit events and the
    cache are as before afterwards."""
    with django_db_blocker.unblock():
        pemda = Pemda.objects.get(slug="surabaya")
        with pemda:
            stored = PolicySetting.objects.filter(key=MINUTES).values_list("value", flat=True)
            before = list(stored)
            last_event = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        settings_cache_clear()
        try:
            with pemda:
                yield pemda
        finally:
            settings_cache_clear()
            with pemda:
                AuditEvent.objects.filter(pk__gt=last_event).delete()
                if before:
                    PolicySetting.objects.update_or_create(
                        key=MINUTES, defaults={"value": before[0]}
                    )
                else:
                    PolicySetting.objects.filter(key=MINUTES).delete()
            connection.set_schema_to_public()


def another_worker_sets(value) -> None:
    """A change made by another process: this one's cache hears nothing of it."""
    PolicySetting.objects.update_or_create(key=MINUTES, defaults={"value": value})


def search_path_set() -> None:
    """Let the connection set its search path now, not inside a count of queries."""
    connection.cursor().close()


def test_outside_a_transaction_a_setting_is_read_once_per_process(
    committed, django_assert_num_queries
):
    search_path_set()
    with django_assert_num_queries(1):  # every setting of the Pemda, in one query
        assert setting_get(MINUTES) == 75000
    with django_assert_num_queries(0):
        assert setting_get(MINUTES) == 75000
        assert setting_get("no.such.setting", "default") == "default"


def test_the_cache_is_kept_per_pemda(committed, django_db_blocker):
    another_worker_sets(70000)
    assert setting_get(MINUTES) == 70000
    jambi = Pemda.objects.get(slug="kota-jambi")
    with jambi:
        assert setting_get(MINUTES) == 75000  # the template's value, not Surabaya's


def test_a_change_through_the_service_is_seen_at_once_in_its_process(committed):
    admin = User.objects.get(username="admin")
    assert setting_get(MINUTES) == 75000
    policy_setting_set(key=MINUTES, value=72000, by=admin)
    assert setting_get(MINUTES) == 72000


def test_a_change_made_by_another_process_is_seen_within_the_ttl(committed, monkeypatch):
    monkeypatch.setattr(selectors, "SETTINGS_TTL", 0.2)
    assert setting_get(MINUTES) == 75000
    another_worker_sets(60000)
    assert setting_get(MINUTES) == 75000  # the copy of this process, for at most the TTL
    assert setting_get(MINUTES, fresh=True) == 60000
    time.sleep(0.25)
    assert setting_get(MINUTES) == 60000


def test_a_transaction_reads_the_database_and_a_rollback_leaves_nothing_cached(committed):
    admin = User.objects.get(username="admin")
    assert setting_get(MINUTES) == 75000
    with pytest.raises(RuntimeError), transaction.atomic():
        policy_setting_set(key=MINUTES, value=50000, by=admin)
        assert setting_get(MINUTES) == 50000  # its own, uncommitted write
        raise RuntimeError("rolled back")
    assert setting_get(MINUTES) == 75000
    assert PolicySetting.objects.get(key=MINUTES).value == 75000


@pytest.mark.django_db
def test_inside_a_transaction_every_read_goes_to_the_database(surabaya, django_assert_num_queries):
    """Also what every other test sees: its requests run inside its transaction.
    (A module with a database test also makes pytest-django set up the test database when
    this file runs alone; the committed tests above need it.)"""
    with surabaya:
        search_path_set()
        with django_assert_num_queries(2):
            assert setting_get(MINUTES) == 75000
            assert setting_get(MINUTES) == 75000
        PolicySetting.objects.filter(key=MINUTES).update(value=1)
        assert setting_get(MINUTES) == 1


def test_the_admin_sees_the_time_they_saved_whichever_worker_answers(committed, monkeypatch):
    """The workload page's form shows the stored value to the admin, who changes it; the
    others read the cache, which another worker's change reaches within the TTL."""
    monkeypatch.setattr(selectors, "SETTINGS_TTL", 0.3)
    admin, mayor = Client(HTTP_HOST=committed.domain_name), Client(HTTP_HOST=committed.domain_name)
    admin.force_login(User.objects.get(username="admin"))
    mayor.force_login(User.objects.get(username="pimpinan"))
    try:
        assert 'value="75000"' in admin.get("/org/workload/").content.decode()
        assert setting_get(MINUTES) == 75000  # this process's copy
        another_worker_sets(90000)  # e.g. the admin's save, answered by another worker
        assert 'value="90000"' in admin.get("/org/workload/").content.decode()
        time.sleep(0.35)
        assert "90.000" in mayor.get("/org/workload/").content.decode()  # "÷ 90.000 minutes"
    finally:
        admin.logout()
        mayor.logout()
