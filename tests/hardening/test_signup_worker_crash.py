"""``kill -9`` of the worker in the middle of a sign-up's launch (issue 8, faults).

The launch runs on a real Celery worker: the Pemda's schema is cloned, the first admin
made, the three uploaded files imported, all in one transaction. The test holds that run at
its last step (attaching the domain), when everything is made but nothing committed, and
kills the worker. Then: no schema, no employee, nothing half-made; the sign-up still says
it is launching. A second worker starts, takes the Pemda over (tests/hardening/
test_worker_crash.py: the lease) and the launch ends done, with the organisation imported
once. Like that module, no ``django_db`` mark: the workers read what is committed.
"""

from __future__ import annotations

import signal

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from core.accounts.models import User
from core.org.models import Employee, Position, Unit
from onboarding.models import SignUp, SignUpState
from onboarding.wizard import services
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import pemda_provisioning_abandoned
from tests import personas
from tests.hardening.test_worker_crash import (
    domain_inserts_blocked,
    provisioning_waits_on_the_domain_table,
    sends_to_the_database_broker,
    wait_for,
    worker_start,
    workers_stop,
)
from tests.onboarding.ready import signup_made_ready

REGION = "74.71"  # Kota Kendari: no other test signs it up


def _signup_ready() -> SignUp:
    """A sign-up of Kota Kendari ready to launch (committed)."""
    signup = services.signup_start(region_code=REGION)
    return signup_made_ready(signup, place="Kendari", password="Kendari-Admin-2026")


@pytest.fixture
def database_broker(django_db_setup, django_db_blocker):
    """Sends go to the test database's broker; the Kendari sign-up and Pemda are removed
    afterwards."""
    with django_db_blocker.unblock(), sends_to_the_database_broker():
        try:
            yield
        finally:
            connection.set_schema_to_public()
            SignUp.objects.filter(region_id=REGION).delete()
            for pemda in Pemda.objects.filter(region_id=REGION):
                pemda.delete(force_drop=True)


def _signup(pk: int) -> SignUp:
    return SignUp.objects.select_related("pemda").get(pk=pk)


def test_a_launch_whose_worker_is_killed_ends_done_with_nothing_made_twice(
    database_broker, tmp_path
):
    log = tmp_path / "workers.log"
    signup = _signup_ready()
    first = worker_start("first", log)
    second = None
    try:
        with domain_inserts_blocked() as blocker:
            signup = services.signup_launch(signup=signup)  # sent after its commit
            assert signup.state == SignUpState.LAUNCHING and signup.pemda_id
            wait_for(provisioning_waits_on_the_domain_table, 60, "the launch provisions", log)
            schema = signup.pemda.schema_name
            # The imports ran (the progress bar said so through its own connection) …
            assert _signup(signup.pk).progress_step == "employees"
            first.send_signal(signal.SIGKILL)
            assert first.wait(timeout=10) == -signal.SIGKILL
            blocker.commit()

        # … and were rolled back with the schema when the worker died: nothing half-made.
        wait_for(lambda: pemda_provisioning_abandoned() == [signup.pemda_id], 10, "lease", log)
        assert not schema_exists(schema)
        stranded = _signup(signup.pk)
        assert stranded.state == SignUpState.LAUNCHING
        assert stranded.pemda.status == PemdaStatus.PROVISIONING

        second = worker_start("second", log)
        wait_for(lambda: _signup(signup.pk).state == SignUpState.DONE, 60, "launch done", log)
    finally:
        workers_stop(first, second, log=log)

    done = _signup(signup.pk)
    assert done.pemda.status == PemdaStatus.ACTIVE and done.error == ""
    assert Pemda.objects.filter(region_id=REGION).count() == 1
    with done.pemda:
        assert Unit.objects.count() == len(personas.UNITS) - 1
        assert Position.objects.count() == len(personas.POSITIONS) - 1
        assert Employee.objects.count() == len(personas.EMPLOYEES) - 1
        admin = User.objects.get(username="admin")
        assert admin.name == "Admin Kendari" and admin.check_password("Kendari-Admin-2026")
