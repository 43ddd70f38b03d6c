"""Anyone logged in changes their own password (accounts/password_change/), on a Pemda's
site as on the platform: pages of our own, in the site's look and in Indonesian (Django's
fell back to the admin's, which a Pemda's site cannot render)."""

import pytest
from django.contrib.auth.forms import PasswordChangeForm
from django.test import Client
from django.utils import translation

from core.accounts.models import Role, User
from tests.conftest import PASSWORD, client_for, login
from tests.personas import ANALIS

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sandi-baru-yang-panjang-7"


def _indonesian(message) -> str:
    with translation.override("id"):
        return str(message)


def test_an_employee_changes_their_password_and_logs_in_with_the_new_one(people, org):
    client = people["employee"]
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200
    assert 'lang="id"' in page.content.decode()
    assert 'class="navbar-brand' in page.content.decode()  # the site's base template
    assert "Kota Surabaya" in page.content.decode()
    assert 'autocomplete="current-password"' in page.content.decode()

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    assert client.get("/accounts/password_change/done/").status_code == 200
    assert client.get("/").status_code == 200  # still logged in after the change

    client.post("/accounts/logout/")
    assert login(client_for(org), ANALIS, PASSWORD).status_code == 200  # refused
    assert login(client_for(org), ANALIS, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_said_clearly_and_changes_nothing(people, org):
    response = people["kasub"].post(
        "/accounts/password_change/",
        {"old_password": "bukan-ini", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="alert alert-danger"' in page
    wrong = PasswordChangeForm.error_messages["password_incorrect"]
    assert _indonesian(wrong) in page and 'invalid-feedback d-block">' in page
    assert 'id="id_old_password"' in page and "is-invalid" in page


def _change(client, new1, new2):
    return client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2},
    )


def test_new_passwords_that_differ_are_refused_under_the_confirmation(people):
    response = _change(people["employee"], NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 200
    mismatch = PasswordChangeForm.error_messages["password_mismatch"]
    assert _indonesian(mismatch) in response.content.decode()
    assert list(response.context["form"].errors) == ["new_password2"]


def test_a_weak_new_password_is_refused_with_the_reason(people):
    response = _change(people["employee"], "12345678", "12345678")
    assert response.status_code == 200
    with translation.override("id"):
        expected = [str(m) for m in response.context["form"].errors["new_password2"]]
        assert translation.gettext("This password is entirely numeric.") in expected
    assert all(message in response.content.decode() for message in expected)


def test_an_anonymous_visitor_is_sent_to_log_in(surabaya_client):
    response = surabaya_client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/password_change/")


def test_platform_staff_change_their_password_on_the_platform_site():
    User.objects.create_user("staf", password="staf-rahasia-1", role=Role.PLATFORM_STAFF)
    client = Client(HTTP_HOST="localhost")
    assert login(client, "staf", "staf-rahasia-1").status_code == 302
    page = client.get("/accounts/password_change/").content.decode()
    assert 'href="/admin/' not in page  # our page, not the admin's
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "staf-rahasia-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="staf").check_password(NEW_PASSWORD)
