import pytest

from tests.conftest import ATASAN_NIP, EMPLOYEE_NIP, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "identifier",
    [
        "admin",
        "ADMIN",
        "admin@surabaya.go.id",
        "Admin@Surabaya.go.id",
        EMPLOYEE_NIP,
        "19880917 201203 2 004",
    ],
)
def test_the_login_field_takes_a_username_an_email_or_a_nip(surabaya_client, identifier):
    response = login(surabaya_client, identifier)
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_wrong_password_explains_itself_and_logs_nobody_in(surabaya_client):
    response = login(surabaya_client, EMPLOYEE_NIP, "salah")
    assert response.status_code == 200
    assert "_auth_user_id" not in surabaya_client.session
    assert (
        "password" in response.content.decode().lower()
        or "sandi" in response.content.decode().lower()
    )


def test_an_inactive_account_cannot_log_in(surabaya, surabaya_client):
    from core.accounts.models import User

    with surabaya:
        User.objects.filter(nip=ATASAN_NIP).update(is_active=False)
    assert login(surabaya_client, ATASAN_NIP).status_code == 200


def test_home_requires_login(surabaya_client):
    response = surabaya_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_home_shows_the_pemda_the_user_and_the_role(surabaya_client):
    login(surabaya_client, EMPLOYEE_NIP)
    surabaya_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = surabaya_client.get("/").content.decode()
    assert "Kota Surabaya" in page
    assert "35.78" in page
    assert "Siti Rahayu" in page
    assert "Employee" in page
    assert EMPLOYEE_NIP in page


def test_home_speaks_indonesian_even_to_a_browser_set_to_english(surabaya_client):
    login(surabaya_client, "admin")
    page = surabaya_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page
    assert "Admin BKPSDMD" in page


def test_platform_home_lists_active_pemda_with_links(platform_client):
    page = platform_client.get("/").content.decode()
    assert "Kota Surabaya" in page
    assert "http://surabaya.localhost/" in page
    assert "http://kota-jambi.localhost/" in page
    assert "tpl_surabaya" not in page  # templates are not Pemda


def test_platform_accounts_live_in_public_not_in_a_pemda(platform_client):
    # Surabaya's admin has no account on the platform site.
    assert login(platform_client, "admin").status_code == 200
