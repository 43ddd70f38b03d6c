"""Two tabs press "launch" at the same moment: two threads, two database connections, one
Pemda. (tests/onboarding/test_wizard.py covers the sequential double click.) Committed, so
no ``django_db`` mark; what the test made is removed at the end."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from onboarding.models import SignUp, SignUpState
from onboarding.wizard import services
from tenants.models import Pemda
from tests.hardening.test_signup_worker_crash import _signup_ready

REGION = "74.71"  # Kota Kendari (as the worker-crash test, which cleans up the same way)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            connection.set_schema_to_public()
            SignUp.objects.filter(region_id=REGION).delete()
            Pemda.objects.filter(region_id=REGION).delete()


def test_two_tabs_launching_at_once_make_one_pemda(committed):
    signup = _signup_ready()
    barrier = threading.Barrier(2)
    results: list = []

    def tab():
        try:
            mine = SignUp.objects.get(pk=signup.pk)  # each tab loaded the page itself
            barrier.wait(timeout=10)
            results.append(services.signup_launch(signup=mine))
        except Exception as exc:  # a refusal would be a SignUpError: record it
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(result, SignUp) for result in results), results
    assert {result.state for result in results} == {SignUpState.LAUNCHING}
    assert len({result.pemda_id for result in results}) == 1
    assert Pemda.objects.filter(region_id=REGION).count() == 1
    assert SignUp.objects.get(pk=signup.pk).pemda_id == results[0].pemda_id
