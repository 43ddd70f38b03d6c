"""A Pemda's admin publishes its configuration as a template: configuration only."""

import pytest
from django.db import connection
from django_tenants.utils import schema_exists
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.audit.services import audit_record
from core.config.models import PolicySetting, RuleTable
from core.importing.models import ImportJob
from core.org.models import Employee
from onboarding.publication_models import TemplatePublication
from onboarding.publishing import (
    BOOKKEEPING_TABLES,
    CONFIGURATION_TABLES,
    PublishError,
    template_publish,
)
from onboarding.selectors import template_catalogue
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tests import personas

pytestmark = pytest.mark.django_db

FORM = {"label": "Model Kota Surabaya 2026", "description": "Konfigurasi Surabaya per 2026."}


def _publish(client, **data):
    return client.post("/konfigurasi/terbitkan/", {**FORM, **data})


def _rows(schema: str) -> dict[str, int]:
    """{table: row count} for every table of ``schema``."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {q(schema)}.{q(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _text_of(schema: str, table: str) -> str:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {q(schema)}.{q(table)} t")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_publishing_copies_the_configuration_and_nothing_else(people, org):
    with org:
        # Everything a Pemda holds besides configuration, so that its absence proves something.
        admin = User.objects.get(username="admin")
        Token.objects.create(user=admin)
        ImportJob.objects.create(
            kind="employees", filename="pegawai.xlsx", path="imports/x.xlsx", created_by=admin
        )
        audit_record(action="org.note", by=admin, object_repr="Budi Santoso 196801011990031001")
        assert User.objects.count() > 5
        PolicySetting.objects.update_or_create(key="system.note", defaults={"value": "x"})
        PolicySetting.objects.update_or_create(
            key="performance.minimum_monthly_score", defaults={"value": 65}
        )
        settings = {
            key: value
            for key, value in PolicySetting.objects.values_list("key", "value")
            if not key.startswith(("pemda.", "template.", "system."))
        }
        rules = sorted(RuleTable.objects.values_list("name", "version", "data"))
        source_rows = _rows(org.schema_name)
    assert source_rows["django_session"] and source_rows[Employee._meta.db_table]
    assert source_rows[ImportJob._meta.db_table] and source_rows[Token._meta.db_table]
    assert source_rows[AuditEvent._meta.db_table]

    response = _publish(people["admin"])

    assert response.status_code == 302
    template = Pemda.objects.get(publication__source=org)
    assert (template.schema_name, template.is_template) == ("tpl_surabaya_1", True)
    assert (
        template.name == FORM["label"]
        and not Pemda.objects.filter(domains__tenant=template).exists()
    )
    rows = _rows(template.schema_name)
    assert set(rows) == set(source_rows)  # the same tables: a template, migrated alike
    kept = set(CONFIGURATION_TABLES) | set(BOOKKEEPING_TABLES)
    assert {table: n for table, n in rows.items() if n and table not in kept} == {}
    with template:
        assert dict(PolicySetting.objects.values_list("key", "value")) == settings
        assert sorted(RuleTable.objects.values_list("name", "version", "data")) == rules
    # Not a name, NIP or e-mail of anybody, anywhere in what was kept.
    kept_text = "\n".join(_text_of(template.schema_name, table) for table in kept)
    for row in personas.EMPLOYEES[1:]:
        assert row[0] not in kept_text and row[1] not in kept_text
    assert "surabaya.go.id" not in kept_text and "Kota Surabaya" not in kept_text


def test_the_publication_is_audited_in_the_pemdas_own_trail(people, org):
    _publish(people["admin"])
    with org:
        event = AuditEvent.objects.get(action="onboarding.template.publish")
    assert event.actor_name and event.after["template"] == "tpl_surabaya_1"


def test_a_published_template_shows_in_the_catalogue_with_its_mentor(people, org, platform_client):
    _publish(people["admin"])
    entry = {e.name: e for e in template_catalogue(language="id")}["surabaya_1"]
    assert (entry.label, entry.mentor, entry.published) == (FORM["label"], "Kota Surabaya", True)
    page = platform_client.get("/templat/surabaya_1/").content.decode()
    assert FORM["label"] in page and "Kota Surabaya" in page


def test_a_new_pemda_can_start_from_a_published_template(people, org):
    from tenants.services import pemda_provision, pemda_request

    _publish(people["admin"])
    connection.set_schema_to_public()
    pemda = pemda_request(region_code="33.15", template_name="surabaya_1", slug="grobogan")
    pemda = pemda_provision(pemda_id=pemda.pk)
    assert pemda.status == PemdaStatus.ACTIVE
    with pemda:
        assert PolicySetting.objects.get(key="performance.minimum_monthly_score").value == 60
        assert User.objects.count() == 1  # its own first admin, nobody of Surabaya


def test_publishing_the_same_configuration_twice_is_refused_and_changes_nothing(people, org):
    assert _publish(people["admin"]).status_code == 302
    response = _publish(people["admin"])  # a double click
    assert response.status_code == 400
    assert "sudah diterbitkan" in response.content.decode() or "already published" in (
        response.content.decode()
    )
    assert TemplatePublication.objects.filter(source=org).count() == 1
    assert not schema_exists("tpl_surabaya_2")


def test_a_changed_configuration_publishes_a_second_template(people, org):
    _publish(people["admin"])
    with org:
        PolicySetting.objects.filter(key="tpp.payment_cycle").update(value="monthly")
    assert _publish(people["admin"], label="Model Surabaya bulanan").status_code == 302
    assert list(
        TemplatePublication.objects.filter(source=org).values_list("number", flat=True)
    ) == [2, 1]
    assert schema_exists("tpl_surabaya_2")


@pytest.mark.parametrize(
    "data",
    [{"label": ""}, {"label": "ab"}, {"description": ""}, {"label": "x" * 151}],
)
def test_bad_input_gets_a_message_and_publishes_nothing(people, org, data):
    response = _publish(people["admin"], **data)
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode() or "alert" in (
        response.content.decode()
    )
    assert not TemplatePublication.objects.exists()


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "employee"])
def test_only_the_admin_may_publish(people, org, persona):
    assert people[persona].get("/konfigurasi/").status_code == 403
    assert _publish(people[persona]).status_code == 403
    assert not TemplatePublication.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(people):
    assert _publish(people["anonymous"]).status_code == 302
    assert people["anonymous"].get("/konfigurasi/")["Location"].startswith("/accounts/login/")
    assert not TemplatePublication.objects.exists()


def test_the_configuration_page_is_not_on_the_platform_site(platform_client):
    assert platform_client.get("/konfigurasi/").status_code == 404


def test_a_suspended_pemda_cannot_publish(org):
    org.status = PemdaStatus.SUSPENDED
    with pytest.raises(PublishError):
        template_publish(pemda=org, by=None, label="Model X", description="y")
    assert not TemplatePublication.objects.exists()


def test_a_template_cannot_publish():
    template = Pemda.objects.get(schema_name="tpl_surabaya")
    with pytest.raises(PublishError):
        template_publish(pemda=template, by=None, label="Model X", description="y")
