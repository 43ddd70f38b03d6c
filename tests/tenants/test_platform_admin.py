import pytest
from django.test import Client

from core.accounts.models import Role, User
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_platform_staff_see_every_pemda_with_status_and_error(superuser_client):
    from tenants.models import Pemda

    Pemda.objects.filter(slug="kota-jambi").update(error="contoh galat")
    page = superuser_client.get("/admin/tenants/pemda/").content.decode()
    assert "Kota Surabaya" in page and "Kota Jambi" in page
    pk = Pemda.objects.get(slug="kota-jambi").pk
    detail = superuser_client.get(f"/admin/tenants/pemda/{pk}/change/").content.decode()
    assert "contoh galat" in detail
    assert "admin_password_hash" not in detail
    assert superuser_client.get("/admin/tenants/pemda/add/").status_code == 403


def test_a_pemda_admin_has_no_way_into_the_platform_admin(surabaya_client):
    login(surabaya_client, "admin")
    assert Client(HTTP_HOST="localhost").get("/admin/tenants/pemda/").status_code == 302
    assert surabaya_client.get("/admin/").status_code == 404  # no admin site on a Pemda's host


def test_a_failed_admin_login_says_what_to_enter_in_indonesian_without_a_doubled_label():
    from django.utils import translation

    from saas_platform.admin_login import INVALID_LOGIN

    response = Client(HTTP_HOST="localhost").post(
        "/admin/login/", {"username": "tidak-ada", "password": "salah-sekali"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="id"' in page
    assert "nama pengguna nama pengguna" not in page
    with translation.override("id"):
        assert str(INVALID_LOGIN) in page


def test_a_platform_account_that_is_not_staff_gets_the_same_message():
    from django.utils import translation

    from saas_platform.admin_login import INVALID_LOGIN

    User.objects.create_user("pemohon", password="sandi-pemohon-1", role=Role.PROVINCIAL_ADMIN)
    response = Client(HTTP_HOST="localhost").post(
        "/admin/login/", {"username": "pemohon", "password": "sandi-pemohon-1"}
    )
    assert response.status_code == 200
    with translation.override("id"):
        assert response.context["form"].non_field_errors() == [str(INVALID_LOGIN)]


@pytest.mark.parametrize(
    "query",
    [
        "started_at__year=9999999999999999999999999",  # overflowed: a 500 before
        "started_at__year=9999",  # no next year: a 500 before
        "started_at__year=2026&started_at__month=13",
        "started_at__year=2026&started_at__month=1&started_at__day=32",
    ],
)
def test_an_impossible_date_in_any_date_drill_down_is_a_wrong_filter(superuser_client, query):
    from django.contrib import admin

    drilled = [a for a in admin.site._registry.values() if a.date_hierarchy]
    assert len(drilled) >= 4  # the dispatch runs and django-axes' three pages
    for model_admin in drilled:
        opts = model_admin.model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        field = model_admin.date_hierarchy
        response = superuser_client.get(f"{url}?{query.replace('started_at', field)}")
        assert response.status_code == 302, url
        assert response["Location"].endswith("?e=1")
        assert superuser_client.get(f"{url}?{field}__year=2026").status_code == 200
