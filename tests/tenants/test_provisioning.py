"""Provisioning clones a template schema; it is a compare-and-set state machine."""

from contextlib import contextmanager

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from core.accounts.models import Role, User
from core.config.models import PolicySetting, RuleTable
from tenants import services
from tenants.lifecycle import InvalidTransition, PemdaStatus, pemda_transition
from tenants.models import Domain, Pemda
from tenants.selectors import pemda_host_cache_clear
from tenants.services import PemdaRequestError, pemda_provision, pemda_request

pytestmark = pytest.mark.django_db


def _request(code="33.15", slug="grobogan", template="jabar", **kwargs):
    return pemda_request(region_code=code, template_name=template, slug=slug, **kwargs)


@contextmanager
def _provisioning_elsewhere(pemda):
    """Another process (a live worker) holds the Pemda's provisioning lease: its own session."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.PROVISION_LEASE_CLASS, pemda.pk]
            )
        yield
    finally:
        other.close()


def _claimed_by_a_process(pemda):
    """The row as a provisioning process leaves it once it has claimed it (just now)."""
    from django.utils import timezone

    Pemda.objects.filter(pk=pemda.pk).update(
        status=PemdaStatus.PROVISIONING, status_changed_at=timezone.now()
    )


def _config(schema_owner):
    with schema_owner:
        settings = dict(PolicySetting.objects.values_list("key", "value"))
        rules = sorted(RuleTable.objects.values_list("name", "version", "data"))
    return settings, rules


def test_clone_copies_the_templates_configuration_rows():
    pemda = pemda_provision(pemda_id=_request(admin_password="rahasia-123").pk)
    template = Pemda.objects.get(schema_name="tpl_jabar")

    template_settings, template_rules = _config(template)
    settings, rules = _config(pemda)

    assert pemda.status == PemdaStatus.ACTIVE
    assert rules == template_rules
    assert template_settings.items() <= settings.items()
    assert settings["pemda.code"] == "33.15"
    assert settings["pemda.name"] == "Kabupaten Grobogan"
    assert settings["performance.evaluation_period"] == "quarterly"


def test_identity_domain_and_first_admin_are_set():
    pemda = pemda_provision(
        pemda_id=_request(admin_email="bkpsdmd@grobogan.go.id", admin_password="rahasia-123").pk
    )
    assert pemda.name == "Kabupaten Grobogan"
    assert pemda.time_zone == "Asia/Jakarta"
    assert pemda.activated_at is not None
    assert pemda.admin_password_hash == ""  # not kept once the account exists
    assert Domain.objects.get(tenant=pemda).domain == "grobogan.localhost"
    with pemda:
        admin = User.objects.get()
    assert (admin.username, admin.email, admin.role) == (
        "admin",
        "bkpsdmd@grobogan.go.id",
        Role.TENANT_ADMIN,
    )
    assert admin.check_password("rahasia-123")


def test_sequences_continue_after_the_clone():
    pemda = pemda_provision(pemda_id=_request().pk)
    with pemda:
        highest = max(PolicySetting.objects.values_list("pk", flat=True))
        created = PolicySetting.objects.create(key="test.after_clone", value=True)
        rule = RuleTable.objects.create(name="test", version=1, data={})
    assert created.pk > highest
    assert rule.pk > 0


def test_a_second_run_is_a_no_op():
    pemda = pemda_provision(pemda_id=_request(admin_password="rahasia-123").pk)
    activated_at = pemda.activated_at

    again = pemda_provision(pemda_id=pemda.pk)

    assert again.status == PemdaStatus.ACTIVE
    assert again.activated_at == activated_at
    with pemda:
        assert User.objects.count() == 1
    assert Domain.objects.filter(tenant=pemda).count() == 1


def test_requesting_the_same_region_again_returns_the_same_pemda():
    first = _request()
    assert _request().pk == first.pk
    assert Pemda.objects.filter(region_id="33.15").count() == 1


def test_a_failure_halfway_leaves_no_schema_and_a_readable_error(monkeypatch):
    def broken(pemda):
        raise RuntimeError("admin account could not be created")

    monkeypatch.setattr(services, "_first_admin_create", broken)
    pemda = pemda_provision(pemda_id=_request().pk)

    assert pemda.status == PemdaStatus.FAILED
    assert not schema_exists("grobogan")
    stored = Pemda.objects.get(pk=pemda.pk)
    assert stored.status == PemdaStatus.FAILED
    assert "admin account could not be created" in stored.error
    assert not Domain.objects.filter(tenant=pemda).exists()


def test_a_failed_pemda_can_be_provisioned_again_once_the_cause_is_gone(monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(services, "_identity_apply", lambda pemda: 1 / 0)
        failed = pemda_provision(pemda_id=_request().pk)
    assert failed.status == PemdaStatus.FAILED

    retried = pemda_provision(pemda_id=failed.pk)

    assert retried.status == PemdaStatus.ACTIVE
    assert retried.error == ""
    assert schema_exists("grobogan")


def test_a_pemda_being_provisioned_by_another_worker_is_left_alone():
    pemda = _request()
    _claimed_by_a_process(pemda)

    with _provisioning_elsewhere(pemda):
        assert pemda_provision(pemda_id=pemda.pk).status == PemdaStatus.PROVISIONING
    assert not schema_exists("grobogan")


def test_a_claim_whose_process_died_is_taken_over_at_once(caplog):
    # Claimed a moment ago, but nobody holds the lease: the claiming process is gone (its
    # session ended, its transaction with it). No 30-minute wait any more.
    pemda = _request()
    _claimed_by_a_process(pemda)

    assert services.pemda_provisioning_abandoned() == [pemda.pk]
    assert pemda_provision(pemda_id=pemda.pk).status == PemdaStatus.ACTIVE
    assert "was interrupted" in caplog.text
    assert services.pemda_provisioning_abandoned() == []


def test_the_lease_is_held_exactly_while_provisioning_runs(monkeypatch):
    seen = []
    identity_apply = services._identity_apply

    def spy(pemda):
        seen.append(services.pemda_provisioning_abandoned())
        identity_apply(pemda)

    monkeypatch.setattr(services, "_identity_apply", spy)
    pemda = pemda_provision(pemda_id=_request().pk)

    assert seen == [[]]  # provisioning, but not abandoned: our own session holds the lease
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND objid = %s AND pid = pg_backend_pid()",
            [services.PROVISION_LEASE_CLASS, pemda.pk],
        )
        assert cursor.fetchone()[0] == 0  # released once the outcome is written


def test_transitions_are_compare_and_set():
    pemda = _request()
    stale_copy = Pemda.objects.get(pk=pemda.pk)
    pemda_transition(pemda=pemda, source=PemdaStatus.REQUESTED, target=PemdaStatus.PROVISIONING)

    with pytest.raises(InvalidTransition):  # the other copy still believes it is 'requested'
        pemda_transition(
            pemda=stale_copy, source=PemdaStatus.REQUESTED, target=PemdaStatus.PROVISIONING
        )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (PemdaStatus.REQUESTED, PemdaStatus.ACTIVE),
        (PemdaStatus.ARCHIVED, PemdaStatus.ACTIVE),
        (PemdaStatus.ACTIVE, PemdaStatus.PROVISIONING),
    ],
)
def test_the_state_machine_refuses_invalid_transitions(source, target):
    pemda = _request()
    Pemda.objects.filter(pk=pemda.pk).update(status=source)
    pemda.status = source
    with pytest.raises(InvalidTransition):
        pemda_transition(pemda=pemda, source=source, target=target)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "3315"}, "not valid"),
        ({"code": "99.99"}, "outside the range"),
        ({"code": "35.99"}, "No region"),
        ({"code": "31.71", "slug": "jakpus"}, "autonomous"),
        ({"template": "tidak-ada"}, "no template"),
        ({"slug": "Grobogan!"}, "not valid"),
        ({"slug": "admin"}, "reserved"),
        ({"slug": "tpl-jabar"}, "reserved"),
        ({"slug": "surabaya"}, "already taken"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_change_nothing(kwargs, message, english):
    before = Pemda.objects.count()
    with pytest.raises(PemdaRequestError, match=message):
        _request(**kwargs)
    assert Pemda.objects.count() == before


def test_the_same_region_with_another_template_is_refused(english):
    _request(template="jabar")
    with pytest.raises(PemdaRequestError, match="another template"):
        _request(template="surabaya")


def test_the_management_command_provisions_a_pemda(capsys):
    call_command(
        "provision_pemda", "--code", "64.72", "--template", "jabar", "--admin-password", "x-123456"
    )
    assert "samarinda.localhost" in capsys.readouterr().out
    assert Pemda.objects.get(region_id="64.72").status == PemdaStatus.ACTIVE
    assert schema_exists("samarinda")


def test_the_management_command_fails_loudly_on_bad_input(english):
    with pytest.raises(CommandError, match="No region"):
        call_command(
            "provision_pemda", "--code", "35.99", "--template", "jabar", "--admin-password", "x-1"
        )


def test_migrate_schemas_skips_pemda_without_a_schema():
    requested = _request()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    assert not schema_exists(requested.schema_name)
    with connection.cursor() as cursor:  # no tenant table leaked into public
        cursor.execute("SELECT to_regclass('public.config_policysetting')")
        assert cursor.fetchone()[0] is None


def test_building_templates_again_is_idempotent():
    template = Pemda.objects.get(schema_name="tpl_surabaya")
    before = _config(template)
    call_command("build_templates", verbosity=0)
    assert _config(template) == before
    assert Pemda.objects.filter(is_template=True).count() == 3  # surabaya, jabar, nasional


def test_the_clone_function_is_installed_once_not_before_every_clone():
    from django.test.utils import CaptureQueriesContext

    pemda_provision(pemda_id=_request().pk)  # installs it if this database lacks it
    with CaptureQueriesContext(connection) as queries:
        second = pemda_provision(pemda_id=_request(code="64.72", slug="samarinda").pk)
    assert second.status == PemdaStatus.ACTIVE
    assert not [q for q in queries if "CREATE OR REPLACE FUNCTION" in q["sql"]]


def test_a_broker_outage_after_commit_does_not_undo_a_provisioned_pemda(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(pemda, admin):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(services, "_password_setup_enqueue", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pemda = pemda_provision(pemda_id=_request(admin_email="bkpsdmd@grobogan.go.id").pk)
    # The setup link was due (no password given); the others forget cached host lookups.
    assert len([c for c in callbacks if c is not pemda_host_cache_clear]) == 1
    assert pemda.status == PemdaStatus.ACTIVE
    assert Pemda.objects.get(pk=pemda.pk).status == PemdaStatus.ACTIVE
    assert schema_exists("grobogan")


def test_a_schema_that_already_exists_is_never_taken_or_dropped(english):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA grobogan")
        cursor.execute("CREATE TABLE grobogan.precious (id int)")
    with pytest.raises(PemdaRequestError, match="already taken"):
        _request()
    # A schema that appears between request and provisioning makes provisioning fail, and
    # the failure leaves that schema alone.
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA grobogan RENAME TO grobogan_later")
    pemda = _request()
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA grobogan_later RENAME TO grobogan")
    assert pemda_provision(pemda_id=pemda.pk).status == PemdaStatus.FAILED
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('grobogan.precious')")
        assert cursor.fetchone()[0] is not None


@pytest.mark.parametrize("slug", ["information-schema", "pg-catalog", "pg_toast"])
def test_system_schema_names_are_reserved(slug):
    with pytest.raises(PemdaRequestError):
        _request(slug=slug)


def test_a_pemda_whose_provisioning_process_died_is_handed_back_to_a_worker(monkeypatch):
    from tenants import tasks

    abandoned, running = _request(), _request(code="64.72", slug="samarinda")
    _claimed_by_a_process(abandoned)
    _claimed_by_a_process(running)
    sent = []
    monkeypatch.setattr(tasks.pemda_provision_task, "delay", sent.append)

    with _provisioning_elsewhere(running):
        assert tasks.pemda_provision_stale_retry.run() == [abandoned.pk]
    assert sent == [abandoned.pk]


def test_a_lost_pool_process_is_retried_a_few_times_not_for_ever():
    from tenants.tasks import pemda_provision_task

    assert pemda_provision_task.acks_late
    assert pemda_provision_task.retry_on_worker_lost
    assert pemda_provision_task.max_retries == 3
    assert pemda_provision_task.default_retry_delay <= 10


def test_the_sweep_runs_every_minute_and_at_every_worker_start():
    from celery.signals import worker_ready
    from django.conf import settings

    from saas_platform.celery import resume_interrupted_work

    entry = settings.CELERY_BEAT_SCHEDULE["pemda-provision-stale-retry"]
    assert entry["task"] == "tenants.tasks.pemda_provision_stale_retry"
    assert entry["schedule"] <= 60
    assert resume_interrupted_work in [ref() for _key, ref in worker_ready.receivers]


def test_the_command_says_so_and_fails_while_another_process_provisions(english):
    pemda = _request(template="jabar", admin_password="x-123456")
    _claimed_by_a_process(pemda)

    with _provisioning_elsewhere(pemda):
        with pytest.raises(CommandError, match="not active yet: another process"):
            call_command(
                "provision_pemda", "--code", "33.15", "--template", "jabar",
                "--admin-password", "x-123456",
            )  # fmt: skip
    assert Pemda.objects.get(pk=pemda.pk).status == PemdaStatus.PROVISIONING


def test_the_command_takes_over_a_pemda_whose_worker_died(capsys):
    pemda = _request(template="jabar", admin_password="x-123456")
    _claimed_by_a_process(pemda)

    call_command(
        "provision_pemda", "--code", "33.15", "--template", "jabar", "--admin-password", "x-1"
    )

    assert "active at http://grobogan.localhost" in capsys.readouterr().out
    assert Pemda.objects.get(pk=pemda.pk).status == PemdaStatus.ACTIVE


@pytest.mark.parametrize("status", [PemdaStatus.ARCHIVED, PemdaStatus.SUSPENDED])
def test_the_command_fails_for_a_pemda_that_is_not_open(status, capsys):
    pemda = _request(template="jabar", admin_password="x-123456")
    Pemda.objects.filter(pk=pemda.pk).update(status=status)

    with pytest.raises(CommandError, match=f"is {status}, not active"):
        call_command(
            "provision_pemda", "--code", "33.15", "--template", "jabar", "--admin-password", "x-1"
        )
    assert "http://" not in capsys.readouterr().out


def test_the_command_refuses_a_pemda_nobody_could_log_in_to():
    with pytest.raises(CommandError, match="admin"):
        call_command("provision_pemda", "--code", "64.72", "--template", "jabar")
    assert not Pemda.objects.filter(region_id="64.72").exists()


def test_emailed_links_carry_the_port_when_the_site_has_one(settings):
    settings.PLATFORM_PORT = 8000
    assert Pemda(slug="sigi").web_host == "sigi.localhost:8000"
    settings.PLATFORM_PORT = 0
    assert Pemda(slug="sigi").web_host == "sigi.localhost"
