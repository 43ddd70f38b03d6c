"""Employees created by an import set their own password through an emailed link."""

import re

import pytest
from django.core import mail

from core.accounts.models import User
from core.org.models import Employee
from tests.personas import KASUB

pytestmark = pytest.mark.django_db


def test_an_imported_employee_sets_a_first_password_by_email(people, surabaya):
    with surabaya:
        User.objects.filter(nip=KASUB).update(password="!unusable")
    client = people["anonymous"]
    response = client.post("/accounts/password_reset/", {"email": "dewi@surabaya.go.id"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["dewi@surabaya.go.id"]
    link = re.search(r"http://surabaya\.localhost/accounts/reset/\S+", mail.outbox[-1].body).group(
        0
    )
    form_url = client.get(
        link.removeprefix("http://surabaya.localhost"), follow=True
    ).redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "Sandi-Baru-2026!", "new_password2": "Sandi-Baru-2026!"}
    )
    assert done.status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"username": KASUB, "password": "Sandi-Baru-2026!"}
        ).status_code
        == 302
    )


def test_an_unknown_address_reveals_nothing(people):
    response = people["anonymous"].post("/accounts/password_reset/", {"email": "siapa@entah.id"})
    assert response.status_code == 302
    assert not mail.outbox


def test_an_address_of_another_pemda_gets_no_link_here(jambi_client):
    response = jambi_client.post("/accounts/password_reset/", {"email": "admin@surabaya.go.id"})
    assert response.status_code == 302
    assert not mail.outbox


def test_the_admin_sends_a_setup_link_and_others_may_not(people, surabaya, monkeypatch):
    from django.test import TestCase

    from core.accounts.tasks import account_password_setup_send_task

    sent = []
    monkeypatch.setattr(account_password_setup_send_task, "delay", lambda *args: sent.append(args))
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    assert people["kabid"].post(f"/org/employees/{pk}/password-setup/").status_code == 403
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert people["admin"].post(f"/org/employees/{pk}/password-setup/").status_code == 302
    assert len(sent) == 1 and len(sent[0]) == 1  # the user's id; the link's host is configured
