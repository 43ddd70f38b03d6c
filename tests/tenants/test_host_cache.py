"""Which Pemda a host serves is kept per process for a few seconds (tenants.selectors).

Web requests run outside a transaction, where the cache is used; like
tests/core/config/test_settings_cache.py these tests work on committed data without
``django_db(transaction=True)`` and put back exactly what they changed.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import selectors
from tenants.lifecycle import PemdaStatus, pemda_transition
from tenants.models import Pemda
from tenants.selectors import pemda_host_cache_clear


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Kota Surabaya in autocommit, active again and forgotten by the cache afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        pemda = Pemda.objects.get(slug="surabaya")
        assert pemda.status == PemdaStatus.ACTIVE
        pemda_host_cache_clear()
        try:
            yield pemda
        finally:
            connection.set_schema_to_public()
            Pemda.objects.filter(pk=pemda.pk).update(status=PemdaStatus.ACTIVE)
            pemda_host_cache_clear()


def lookups(client, path="/accounts/login/") -> tuple[int, int]:
    """(status, statements that read the Pemda registry) of one request."""
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return status, sum('"tenants_domain"' in q["sql"] for q in captured.captured_queries)


def test_a_host_is_looked_up_once_then_kept(committed):
    client = Client(HTTP_HOST=committed.domain_name)
    assert lookups(client) == (200, 1)
    assert lookups(client) == (200, 0)
    assert client.get("/accounts/login/").wsgi_request.tenant.schema_name == "surabaya"


def test_a_pemda_archived_here_is_no_longer_served_at_once(committed):
    client = Client(HTTP_HOST=committed.domain_name)
    assert lookups(client) == (200, 1)
    pemda_transition(pemda=committed, source=PemdaStatus.ACTIVE, target=PemdaStatus.ARCHIVED)
    assert lookups(client) == (404, 1)


def test_a_change_made_by_another_process_is_seen_within_the_ttl(committed, monkeypatch):
    client = Client(HTTP_HOST=committed.domain_name)
    assert lookups(client) == (200, 1)
    # Another process archives it: this one hears nothing and serves it from its copy …
    Pemda.objects.filter(pk=committed.pk).update(status=PemdaStatus.ARCHIVED)
    assert lookups(client) == (200, 0)
    # … until the copy is PEMDA_HOST_TTL old.
    monkeypatch.setattr(selectors, "PEMDA_HOST_TTL", 0.0)
    assert lookups(client) == (404, 1)


def test_each_request_gets_its_own_copy(committed):
    first = selectors.pemda_for_host(committed.domain_name)
    first.domain_url = "changed by one request"
    second = selectors.pemda_for_host(committed.domain_name)
    assert second.pk == committed.pk and getattr(second, "domain_url", None) != first.domain_url


def test_unknown_hosts_are_not_kept(committed):
    client = Client(HTTP_HOST="nowhere.localhost")
    assert lookups(client) == (404, 1)
    assert lookups(client) == (404, 1)


@pytest.mark.django_db
def test_inside_a_transaction_the_registry_is_always_read(surabaya):
    """A transaction may see a Pemda it has not committed (or rolls back): never kept."""
    client = Client(HTTP_HOST=surabaya.domain_name)
    assert lookups(client) == (200, 1)
    assert lookups(client) == (200, 1)


def test_a_pemda_suspended_here_is_still_served(committed):
    """Suspended Pemda stay readable (tenants.read_only refuses their writes)."""
    client = Client(HTTP_HOST=committed.domain_name)
    assert lookups(client) == (200, 1)
    pemda_transition(pemda=committed, source=PemdaStatus.ACTIVE, target=PemdaStatus.SUSPENDED)
    assert lookups(client) == (200, 1)  # read again, and served


def test_a_pemda_or_domain_saved_here_is_read_again(committed):
    client = Client(HTTP_HOST=committed.domain_name)
    assert lookups(client) == (200, 1)
    committed.save()  # the platform admin saves it
    assert lookups(client) == (200, 1)
    assert lookups(client) == (200, 0)
    committed.domains.first().save()
    assert lookups(client) == (200, 1)


def test_a_read_overtaken_by_a_clear_is_not_kept(committed, monkeypatch):
    """A request reads the registry while another thread clears the cache (a change just
    committed): what it read may be the old state, so it is used once and not kept."""
    read = selectors.pemda_for_host_read

    def read_then_cleared(hostname):
        pemda = read(hostname)
        pemda_host_cache_clear()
        return pemda

    monkeypatch.setattr(selectors, "pemda_for_host_read", read_then_cleared)
    assert selectors.pemda_for_host(committed.domain_name).pk == committed.pk
    assert committed.domain_name not in selectors._by_host
