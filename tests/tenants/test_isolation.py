"""Isolation between Pemda: sessions, accounts and object ids stay inside their schema."""

import pytest
from django.db import connection

from core.accounts.models import User
from core.config.models import PolicySetting
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tests.conftest import JAMBI_PASSWORD, PASSWORD, client_for, login

pytestmark = pytest.mark.django_db


def test_a_session_from_one_pemda_is_not_accepted_at_another(surabaya_client, jambi_client):
    login(surabaya_client, "admin")
    session_key = surabaya_client.cookies["sessionid"].value
    assert surabaya_client.get("/").status_code == 200

    jambi_client.cookies["sessionid"] = session_key
    response = jambi_client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sessions_are_stored_in_the_pemdas_own_schema(surabaya, surabaya_client):
    login(surabaya_client, "admin")
    session_key = surabaya_client.cookies["sessionid"].value
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM surabaya.django_session WHERE session_key = %s", [session_key]
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM public.django_session WHERE session_key = %s", [session_key]
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM kota_jambi.django_session WHERE session_key = %s", [session_key]
        )
        assert cursor.fetchone()[0] == 0


def test_the_same_username_in_two_pemda_is_two_accounts(
    surabaya, jambi, surabaya_client, jambi_client
):
    with surabaya:
        surabaya_admin = User.objects.get(username="admin")
    with jambi:
        jambi_admin = User.objects.get(username="admin")
        User.objects.filter(pk=jambi_admin.pk).update(name="Admin Kota Jambi")
    with surabaya:
        assert User.objects.get(username="admin").name != "Admin Kota Jambi"

    assert surabaya_admin.email != jambi_admin.email
    # Each password opens only its own Pemda's account.
    assert login(jambi_client, "admin", PASSWORD).status_code == 200  # form shown again
    assert login(jambi_client, "admin", JAMBI_PASSWORD).status_code == 302
    assert login(surabaya_client, "admin", JAMBI_PASSWORD).status_code == 200


def test_an_employee_cannot_log_in_at_another_pemda(jambi_client):
    response = login(jambi_client, "198809172012032004")  # a Surabaya NIP
    assert response.status_code == 200
    assert "_auth_user_id" not in jambi_client.session


def test_object_ids_of_one_pemda_do_not_resolve_in_another(surabaya, jambi):
    with surabaya:
        only_here = PolicySetting.objects.create(key="test.surabaya_only", value=1)
        user = User.objects.create_user("hanya-surabaya", password="x")
        # Push ids beyond anything the other schema has, so a shared sequence would show.
        user_pk = user.pk
    with jambi:
        assert not PolicySetting.objects.filter(pk=only_here.pk, key="test.surabaya_only").exists()
        assert not PolicySetting.objects.filter(key="test.surabaya_only").exists()
        assert not User.objects.filter(username="hanya-surabaya").exists()
        assert not User.objects.filter(pk=user_pk, username="hanya-surabaya").exists()


def test_template_schemas_hold_no_accounts_and_no_sessions():
    for template in Pemda.objects.filter(is_template=True):
        with template:
            assert User.objects.count() == 0
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM django_session")
                assert cursor.fetchone()[0] == 0


def test_an_unknown_host_gets_a_readable_404(db):
    from django.test import Client

    response = Client(HTTP_HOST="tidak-ada.localhost").get("/")
    assert response.status_code == 404
    assert b"tidak-ada.localhost" in response.content


def test_a_host_outside_the_platform_domain_is_refused(db):
    from django.test import Client

    response = Client(HTTP_HOST="surabaya.example.com").get("/")
    assert response.status_code == 404


@pytest.mark.parametrize("status", [PemdaStatus.ARCHIVED, PemdaStatus.FAILED])
def test_a_pemda_that_is_not_open_is_not_served(surabaya, status):
    Pemda.objects.filter(pk=surabaya.pk).update(status=status)
    assert client_for(surabaya).get("/accounts/login/").status_code == 404


def test_a_template_is_never_served_even_with_a_domain_row():
    from django.test import Client

    from tenants.models import Domain

    template = Pemda.objects.get(schema_name="tpl_surabaya")
    Domain.objects.create(domain="tpl-surabaya.localhost", tenant=template)
    assert Client(HTTP_HOST="tpl-surabaya.localhost").get("/accounts/login/").status_code == 404


def test_a_login_page_shows_which_pemda_it_belongs_to(surabaya_client, jambi_client):
    assert "Kota Surabaya" in surabaya_client.get("/accounts/login/").content.decode()
    assert "Kota Jambi" in jambi_client.get("/accounts/login/").content.decode()
